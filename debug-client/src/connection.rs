//! The spawned `codex app-server` child: its stdin is shared (the input loop sends requests, the
//! reader thread sends approval replies) and numbered by one request-id counter starting at 1.

use std::io;
use std::io::BufRead;
use std::io::BufReader;
use std::io::Write;
use std::path::Path;
use std::process::Child;
use std::process::ChildStdin;
use std::process::ChildStdout;
use std::process::Command;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::sync::atomic::AtomicI64;
use std::sync::atomic::Ordering;

use serde_json::Value;

use crate::error::DebugClientError;

pub struct AppServer {
    pub child: Child,
    pub writer: ServerWriter,
    pub stdout: BufReader<ChildStdout>,
}

impl AppServer {
    /// Runs `<bin> [--config k=v]... app-server` with piped stdin/stdout and inherited stderr,
    /// so the server's logs show up on our stderr.
    pub fn spawn(bin: &Path, config_overrides: &[String]) -> Result<Self, DebugClientError> {
        let mut command = Command::new(bin);
        for config in config_overrides {
            command.arg("--config").arg(config);
        }
        let mut child = command
            .arg("app-server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| DebugClientError::Spawn {
                bin: bin.to_path_buf(),
                source,
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            // Unreachable with piped stdio; reported rather than assumed.
            return Err(DebugClientError::Spawn {
                bin: bin.to_path_buf(),
                source: io::Error::other("the child has no stdin/stdout pipe"),
            });
        };
        Ok(Self {
            child,
            writer: ServerWriter {
                stdin: Arc::new(Mutex::new(Some(stdin))),
                next_id: Arc::new(AtomicI64::new(1)),
            },
            stdout: BufReader::new(stdout),
        })
    }
}

/// The write half of the connection; clones share the pipe and the id counter.
#[derive(Clone)]
pub struct ServerWriter {
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    next_id: Arc<AtomicI64>,
}

impl ServerWriter {
    pub fn next_request_id(&self) -> i64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Writes one compact JSON line.
    pub fn send(&self, message: &Value) -> io::Result<()> {
        let mut stdin = self.stdin.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(pipe) = stdin.as_mut() else {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the app-server's stdin is already closed",
            ));
        };
        let mut line = message.to_string();
        line.push('\n');
        pipe.write_all(line.as_bytes())?;
        pipe.flush()
    }

    /// Closes the server's stdin, which asks it to shut down.
    pub fn close(&self) {
        self.stdin
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// The next line from the server without its line ending; `None` at end of stream.
/// Bytes that are not UTF-8 are replaced rather than failing the whole session.
pub fn read_server_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut buffer = Vec::new();
    if reader.read_until(b'\n', &mut buffer)? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&buffer);
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_string()))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn reads_lines_without_endings() {
        let mut input = io::Cursor::new(b"{\"a\":1}\r\nsecond\nlast".to_vec());
        let mut lines = Vec::new();
        while let Some(line) = read_server_line(&mut input).unwrap() {
            lines.push(line);
        }
        assert_eq!(lines, ["{\"a\":1}", "second", "last"]);
    }
}
