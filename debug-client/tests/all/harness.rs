//! Runs the built `codex-debug-client` against `fixtures/fake_app_server.py` (passed as
//! `--codex-bin`), feeds stdin line by line, and reads back stdout, stderr and the fake's log of
//! everything it received and sent.

use std::io::Read;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::Child;
use std::process::ChildStdin;
use std::process::Command;
use std::process::ExitStatus;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread;
use std::thread::JoinHandle;
use std::time::Duration;
use std::time::Instant;

use serde_json::Value;
use tempfile::TempDir;

pub const HELP: &str = "commands:
  :help                 show this help
  :new                  start a new thread
  :resume <thread-id>   resume an existing thread
  :use <thread-id>      switch the active thread
  :refresh-thread       list available threads
  :quit                 exit
type a message to send it as a new turn
";

const WAIT_LIMIT: Duration = Duration::from_secs(30);

pub fn fake_server() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fake_app_server.py")
}

/// A client process with its own temporary directory (fake log, output files).
pub struct Client {
    dir: TempDir,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Captured,
    stderr: Captured,
}

pub struct Finished {
    /// Kept alive so that files written there can still be read.
    _dir: TempDir,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub log: FakeLog,
}

#[derive(Clone, Default)]
struct Captured {
    text: Arc<Mutex<String>>,
    done: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Captured {
    fn start(mut stream: impl Read + Send + 'static) -> Self {
        let captured = Self::default();
        let text = Arc::clone(&captured.text);
        let handle = thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            let mut bytes = Vec::new();
            loop {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        bytes.extend_from_slice(&buffer[..n]);
                        *text.lock().unwrap() = String::from_utf8_lossy(&bytes).into_owned();
                    }
                }
            }
        });
        *captured.done.lock().unwrap() = Some(handle);
        captured
    }

    fn snapshot(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    fn finish(&self) -> String {
        if let Some(handle) = self.done.lock().unwrap().take() {
            handle.join().unwrap();
        }
        self.snapshot()
    }
}

impl Client {
    /// Starts the client with `--codex-bin <fake>` and `args`; `scenario` goes to `FAKE_SCENARIO`.
    pub fn start(args: &[&str], scenario: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Self::start_in(dir, fake_server().to_str().unwrap(), args, scenario)
    }

    pub fn start_in(dir: TempDir, codex_bin: &str, args: &[&str], scenario: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_codex-debug-client"))
            .arg("--codex-bin")
            .arg(codex_bin)
            .args(args)
            .env("FAKE_LOG", dir.path().join("fake.log"))
            .env("FAKE_SCENARIO", scenario)
            // anyhow would append a backtrace to the `Error: …` report.
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Captured::start(child.stdout.take().unwrap());
        let stderr = Captured::start(child.stderr.take().unwrap());
        Self {
            dir,
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn wait_stderr(&self, needle: &str) {
        wait_for(&self.stderr, needle, "stderr");
    }

    pub fn wait_stdout(&self, needle: &str) {
        wait_for(&self.stdout, needle, "stdout");
    }

    /// Closes stdin (EOF) and waits for the client to exit.
    pub fn finish(mut self) -> Finished {
        self.stdin.take();
        let status = self.child.wait().unwrap();
        let stdout = self.stdout.finish();
        let stderr = self.stderr.finish();
        let log = FakeLog::read(&self.dir.path().join("fake.log"));
        Finished {
            _dir: self.dir,
            status,
            stdout,
            stderr,
            log,
        }
    }
}

fn wait_for(captured: &Captured, needle: &str, stream: &str) {
    let start = Instant::now();
    while !captured.snapshot().contains(needle) {
        assert!(
            start.elapsed() < WAIT_LIMIT,
            "{stream} never contained {needle:?}; it is:\n{}",
            captured.snapshot()
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// The fake server's log: `{"argv"}`, then `{"recv"}` / `{"sent"}` entries, then `{"eof"}`.
pub struct FakeLog {
    entries: Vec<Value>,
}

impl FakeLog {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Self {
            entries: text
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect(),
        }
    }

    pub fn exists(&self) -> bool {
        !self.entries.is_empty()
    }

    pub fn argv(&self) -> Value {
        self.entries[0]["argv"].clone()
    }

    /// Every message the client sent, in order.
    pub fn received(&self) -> Vec<Value> {
        self.entries
            .iter()
            .filter_map(|entry| entry.get("recv").cloned())
            .collect()
    }

    /// Every line the fake wrote to stdout, each followed by `\n`.
    pub fn sent_text(&self) -> String {
        self.entries
            .iter()
            .filter_map(|entry| entry["sent"].as_str())
            .map(|line| format!("{line}\n"))
            .collect()
    }

    pub fn saw_eof(&self) -> bool {
        self.entries
            .last()
            .is_some_and(|entry| entry.get("eof").is_some())
    }
}

/// Stderr without the interactive prompts: `(<thread>)> ` is removed and so are the empty lines
/// left where a server line ended a visible prompt. Their timing depends on thread scheduling;
/// the prompt itself is asserted exactly where it is deterministic.
pub fn without_prompts(stderr: &str) -> String {
    let mut text = stderr.to_string();
    while let Some(end) = text.find(")> ") {
        let start = text[..end].rfind('(').unwrap();
        let label = &text[start + 1..end];
        assert!(
            !label.contains(char::is_whitespace),
            "not a prompt: {label:?}"
        );
        text.replace_range(start..end + 3, "");
    }
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect()
}
