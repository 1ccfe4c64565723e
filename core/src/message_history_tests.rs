use std::collections::BTreeSet;
use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use pretty_assertions::assert_eq;
use tempfile::TempDir;

use super::*;
use crate::config::ConfigEnv;
use crate::config::ConfigOverrides;
use crate::config::load_config;

/// A config whose `CODEX_HOME` is a fresh temporary directory, with `-c` `overrides`.
fn config(overrides: &[&str]) -> (TempDir, Config) {
    let home = tempfile::tempdir().unwrap();
    let env = ConfigEnv {
        vars: HashMap::from([("CODEX_HOME".to_string(), home.path().display().to_string())]),
    };
    let config = load_config(
        ConfigOverrides {
            cwd: Some(home.path().to_path_buf()),
            config_overrides: overrides.iter().map(ToString::to_string).collect(),
            ..ConfigOverrides::default()
        },
        env,
    )
    .unwrap();
    (home, config)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn entries_are_json_lines_read_back_in_order() {
    let (home, config) = config(&[]);
    append_entry(&config, "thread-1", "first \"quoted\"\nmessage").unwrap();
    append_entry(&config, "thread-2", "!ls -la").unwrap();

    let entries = read_entries(home.path());
    let texts: Vec<(&str, &str)> = entries
        .iter()
        .map(|entry| (entry.session_id.as_str(), entry.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("thread-1", "first \"quoted\"\nmessage"),
            ("thread-2", "!ls -la")
        ]
    );
    let file = std::fs::read_to_string(home.path().join(HISTORY_FILE)).unwrap();
    assert_eq!(
        file,
        format!(
            "{{\"session_id\":\"thread-1\",\"ts\":{},\"text\":\"first \\\"quoted\\\"\\nmessage\"}}\n{{\"session_id\":\"thread-2\",\"ts\":{},\"text\":\"!ls -la\"}}\n",
            entries[0].ts, entries[1].ts
        )
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(entries.iter().all(|entry| entry.ts > 0 && entry.ts <= now));
}

#[test]
fn the_file_is_private_even_when_it_was_not() {
    let (home, config) = config(&[]);
    let path = home.path().join(HISTORY_FILE);
    append_entry(&config, "t", "one").unwrap();
    assert_eq!(mode(&path), 0o600);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    append_entry(&config, "t", "two").unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn persistence_none_writes_nothing() {
    let (home, config) = config(&["history.persistence=\"none\""]);
    append_entry(&config, "t", "secret").unwrap();
    assert!(!home.path().join(HISTORY_FILE).exists());
    assert_eq!(read_entries(home.path()), Vec::new());
}

#[test]
fn malformed_lines_are_skipped() {
    let (home, _config) = config(&[]);
    std::fs::write(
        home.path().join(HISTORY_FILE),
        "{\"session_id\":\"a\",\"ts\":1,\"text\":\"ok\"}\nnot json\n{\"session_id\":\"b\"}\n{\"session_id\":\"c\",\"ts\":2,\"text\":\"torn",
    )
    .unwrap();
    assert_eq!(
        read_entries(home.path()),
        vec![HistoryEntry {
            session_id: "a".to_string(),
            ts: 1,
            text: "ok".to_string(),
        }]
    );
}

#[test]
fn concurrent_appends_keep_every_line_whole() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 50;
    let (home, config) = config(&[]);
    let config = Arc::new(config);
    let writers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                for n in 0..PER_THREAD {
                    // Long enough that a torn or interleaved write would show.
                    let text = format!("{thread}-{n}-{}", "x".repeat(4096));
                    append_entry(&config, &format!("thread-{thread}"), &text).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }

    let file = std::fs::read_to_string(home.path().join(HISTORY_FILE)).unwrap();
    assert_eq!(file.lines().count(), THREADS * PER_THREAD);
    let texts: BTreeSet<String> = read_entries(home.path())
        .into_iter()
        .map(|entry| entry.text)
        .collect();
    let expected: BTreeSet<String> = (0..THREADS)
        .flat_map(|thread| {
            (0..PER_THREAD).map(move |n| format!("{thread}-{n}-{}", "x".repeat(4096)))
        })
        .collect();
    assert_eq!(texts, expected);
}

#[test]
fn a_lock_held_elsewhere_fails_the_append_after_the_retries() {
    let (home, config) = config(&[]);
    append_entry(&config, "t", "before").unwrap();
    let holder = File::open(home.path().join(HISTORY_FILE)).unwrap();
    // SAFETY: flock on a descriptor `holder` keeps open.
    assert_eq!(unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_EX) }, 0);

    let err = append_entry(&config, "t", "blocked").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    drop(holder);
    append_entry(&config, "t", "after").unwrap();
    let texts: Vec<String> = read_entries(home.path())
        .into_iter()
        .map(|entry| entry.text)
        .collect();
    assert_eq!(texts, vec!["before", "after"]);
}
