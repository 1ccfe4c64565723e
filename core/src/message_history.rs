//! The cross-session message history, `<CODEX_HOME>/history.jsonl` (config.md §10): one JSON
//! line per message the user submits, which the TUI recalls with the Up arrow. Several codex
//! processes append to it at once, so each line goes out in one `write` on an `O_APPEND`
//! descriptor under an exclusive advisory lock. Blocking IO: call it from a blocking task.

use std::fs::File;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;

use crate::config::Config;
use crate::config::HistoryPersistence;

pub const HISTORY_FILE: &str = "history.jsonl";

const LOCK_ATTEMPTS: u32 = 10;
const LOCK_RETRY_DELAY: Duration = Duration::from_millis(100);

/// One submitted message. Field order is the line's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub session_id: String,
    /// Unix seconds.
    pub ts: u64,
    pub text: String,
}

/// Appends `text` as submitted in thread `session_id`; writes nothing under
/// `history.persistence = "none"`. The file is (re)set to mode 0600 on every append.
pub fn append_entry(config: &Config, session_id: &str, text: &str) -> std::io::Result<()> {
    match config.history_persistence {
        HistoryPersistence::SaveAll => {}
        HistoryPersistence::None => return Ok(()),
    }
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or_default();
    let entry = HistoryEntry {
        session_id: session_id.to_string(),
        ts,
        text: text.to_string(),
    };
    let mut line = serde_json::to_string(&entry)?;
    line.push('\n');

    let path = config.codex_home.join(HISTORY_FILE);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)?;
    // `mode` applies only to a file this call creates; an older or hand-made one is fixed here.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    lock_exclusive(&file)?;
    // One write: with O_APPEND the kernel places the whole line at the end, so lines from
    // writers that do not lock still never interleave. Closing the file releases the lock.
    file.write_all(line.as_bytes())
}

/// Every well-formed entry, oldest first; a missing file is an empty history and malformed
/// lines (a torn last line, a hand edit) are skipped.
pub fn read_entries(codex_home: &Path) -> Vec<HistoryEntry> {
    let Ok(text) = std::fs::read_to_string(codex_home.join(HISTORY_FILE)) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// `flock(LOCK_EX)`, retried while another process holds the lock.
fn lock_exclusive(file: &File) -> std::io::Result<()> {
    for attempt in 1..=LOCK_ATTEMPTS {
        // SAFETY: flock only takes the descriptor of a file that stays open across the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::WouldBlock {
            return Err(err);
        }
        if attempt < LOCK_ATTEMPTS {
            std::thread::sleep(LOCK_RETRY_DELAY);
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::WouldBlock,
        "another codex process holds the lock on the history file; try again",
    ))
}

#[cfg(test)]
#[path = "message_history_tests.rs"]
mod tests;
