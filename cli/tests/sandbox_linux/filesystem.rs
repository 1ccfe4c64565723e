//! Writes: the workspace, outside it, /tmp and $TMPDIR, extra roots, memories, read-only, and
//! which command-line inputs choose the mode (S1-S6, S16).

use std::path::Path;

use pretty_assertions::assert_eq;

use crate::Layout;
use crate::Outcome;
use crate::probe;

#[test]
fn s1_workspace_write_allows_writes_in_the_workspace() {
    let l = Layout::new();
    std::fs::create_dir(l.t.join("ws/a")).unwrap();
    assert_eq!(l.ww(&[&probe(), "write", &l.path("ws/a/x")]), Outcome::ok());
    assert_eq!(l.ww(&["touch", &l.path("ws/y")]), Outcome::new(0, "", ""));
    assert!(l.t.join("ws/a/x").is_file());
    assert!(l.t.join("ws/y").is_file());
}

#[test]
fn s2_workspace_write_denies_writes_outside() {
    let l = Layout::new();
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("out/x")]),
        Outcome::err("EACCES")
    );
    let out_y = l.path("out/y");
    assert_eq!(
        l.ww(&["touch", &out_y]),
        Outcome::new(
            1,
            "",
            &format!("touch: cannot touch '{out_y}': Permission denied\n")
        )
    );
    assert_eq!(std::fs::read_dir(l.t.join("out")).unwrap().count(), 0);
}

#[test]
fn s3_slash_tmp_and_tmpdir_are_writable() {
    let l = Layout::new();
    let unique = format!(
        "/tmp/codex-sandbox-s3-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    let outcome = l.ww(&[&probe(), "write", &unique]);
    let _ = std::fs::remove_file(&unique);
    assert_eq!(outcome, Outcome::ok());
    assert_eq!(l.ww(&[&probe(), "write", &l.path("tmp/x")]), Outcome::ok());
}

#[test]
fn s4_excluded_tmp_dirs_and_extra_writable_roots() {
    let l = Layout::new();
    let excluded = [
        "--full-auto",
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "-c",
        "sandbox_workspace_write.exclude_tmpdir_env_var=true",
    ];
    let unique = format!(
        "/tmp/codex-sandbox-s4-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    assert_eq!(
        l.run(&excluded, &[&probe(), "write", &unique]),
        Outcome::err("EACCES")
    );
    assert!(!Path::new(&unique).exists());
    assert_eq!(
        l.run(&excluded, &[&probe(), "write", &l.path("tmp/x")]),
        Outcome::err("EACCES")
    );
    let extra = format!(
        "sandbox_workspace_write.writable_roots=[\"{}\"]",
        l.path("out")
    );
    assert_eq!(
        l.run(
            &["--full-auto", "-c", &extra],
            &[&probe(), "write", &l.path("out/x")]
        ),
        Outcome::ok()
    );
}

#[test]
fn s5_the_memories_dir_is_created_private_and_writable() {
    use std::os::unix::fs::PermissionsExt;
    let l = Layout::new();
    assert!(!l.t.join("home/memories").exists());
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("home/memories/m")]),
        Outcome::ok()
    );
    let mode = std::fs::metadata(l.t.join("home/memories"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("home/other")]),
        Outcome::err("EACCES")
    );
    assert_eq!(
        l.ro(&[&probe(), "write", &l.path("home/memories/m2")]),
        Outcome::err("EACCES")
    );
}

#[test]
fn s6_read_only_denies_every_write_but_dev_null() {
    let l = Layout::new();
    std::fs::create_dir(l.t.join("home/memories")).unwrap();
    let unique = format!(
        "/tmp/codex-sandbox-s6-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    for target in [
        l.path("ws/x"),
        unique.clone(),
        l.path("tmp/x"),
        l.path("home/memories/x"),
    ] {
        assert_eq!(
            l.ro(&[&probe(), "write", &target]),
            Outcome::err("EACCES"),
            "{target}"
        );
    }
    assert!(!Path::new(&unique).exists());
    assert_eq!(
        l.ro(&["sh", "-c", "echo x > /dev/null"]),
        Outcome::new(0, "", "")
    );
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap();
    assert_eq!(
        l.ro(&["cat", "/etc/hostname"]),
        Outcome::new(0, &hostname, "")
    );
}

#[test]
fn s16_only_the_command_line_chooses_the_mode() {
    let l = Layout::new();
    assert_eq!(
        l.run(
            &["-c", "sandbox_mode=\"workspace-write\""],
            &[&probe(), "write", &l.path("ws/a")]
        ),
        Outcome::ok()
    );
    std::fs::write(
        l.t.join("home/config.toml"),
        "sandbox_mode = \"workspace-write\"\n",
    )
    .unwrap();
    assert_eq!(
        l.ro(&[&probe(), "write", &l.path("ws/b")]),
        Outcome::err("EACCES")
    );
    let legacy: Outcome = l
        .codex(&[
            "debug",
            "landlock",
            "--full-auto",
            "--",
            &probe(),
            "write",
            &l.path("ws/c"),
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(legacy, Outcome::ok());
}
