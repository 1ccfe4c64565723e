//! A client for `codex app-server` tests: sends lines, reads lines with a timeout, and waits
//! for a given message while keeping what it skipped.

use std::io::Write;
use std::process::Child;
use std::process::ChildStdin;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::mock_provider_config;
use serde_json::Value;
use serde_json::json;

use crate::common::LinePeer;
use crate::common::spawn_line_peer;

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct AppServer {
    pub server: MockServer,
    pub home: TestCodexHome,
    pub workdir: tempfile::TempDir,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    /// Every line received so far, in order.
    pub received: Vec<Value>,
    next_id: i64,
}

impl AppServer {
    pub fn start(responses: Vec<MockResponse>) -> Self {
        Self::start_with(responses, &[])
    }

    pub fn start_with(responses: Vec<MockResponse>, args: &[&str]) -> Self {
        let server = MockServer::start(responses);
        let home = TestCodexHome::new();
        home.write_config(&mock_provider_config(&server));
        let workdir = tempfile::tempdir().unwrap();
        codex_test_support::init_git_repo(workdir.path());
        Self::spawn(server, home, workdir, args)
    }

    /// Waits for this process to exit and starts a new one on the same CODEX_HOME, mock server
    /// and work dir (a fresh connection: ids restart, nothing is initialized).
    pub fn restart(&mut self) {
        assert_eq!(self.wait(), Some(0));
        let (child, stdin, lines) = launch(self.home.path(), self.workdir.path(), &[]);
        self.child = child;
        self.stdin = stdin;
        self.lines = lines;
        self.received.clear();
        self.next_id = 1;
    }

    fn spawn(
        server: MockServer,
        home: TestCodexHome,
        workdir: tempfile::TempDir,
        args: &[&str],
    ) -> Self {
        let (child, stdin, lines) = launch(home.path(), workdir.path(), args);
        AppServer {
            server,
            home,
            workdir,
            child,
            stdin,
            lines,
            received: Vec::new(),
            next_id: 1,
        }
    }

    pub fn cwd(&self) -> String {
        self.workdir
            .path()
            .canonicalize()
            .unwrap()
            .display()
            .to_string()
    }

    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: Value) {
        self.send_line(&message.to_string());
    }

    /// Sends a request with the next integer id; returns the id.
    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"method": method, "id": id, "params": params}));
        id
    }

    /// The next line, parsed; panics after the timeout.
    pub fn next(&mut self) -> Value {
        let line = self.lines.recv_timeout(TIMEOUT).unwrap_or_else(|_| {
            panic!("no line from app-server; got so far: {:#?}", self.received)
        });
        let value: Value =
            serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line}"));
        self.received.push(value.clone());
        value
    }

    /// Whether a line arrives within `wait`.
    pub fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let line = self.lines.recv_timeout(wait).ok()?;
        let value: Value = serde_json::from_str(&line).unwrap();
        self.received.push(value.clone());
        Some(value)
    }

    /// Lines up to and including the first one `stop` accepts.
    pub fn until(&mut self, stop: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let message = self.next();
            let done = stop(&message);
            seen.push(message);
            if done {
                return seen;
            }
        }
    }

    pub fn response(&mut self, id: i64) -> Value {
        self.until(|message| message["id"] == id && message.get("method").is_none())
            .pop()
            .unwrap()
    }

    pub fn notification(&mut self, method: &str) -> Value {
        self.until(|message| message["method"] == method && message.get("id").is_none())
            .pop()
            .unwrap()
    }

    pub fn initialize(&mut self) {
        let id = self.request(
            "initialize",
            json!({"clientInfo": {"name": "test_client", "title": null, "version": "1.2.3"}}),
        );
        let response = self.response(id);
        assert!(
            response["result"]["userAgent"]
                .as_str()
                .unwrap()
                .starts_with("test_client/0.169.0 (")
        );
        self.send(json!({"method": "initialized"}));
    }

    /// `thread/start` with `params`; returns the thread id.
    pub fn start_thread(&mut self, params: Value) -> String {
        let id = self.request("thread/start", params);
        let response = self.response(id);
        response["result"]["thread"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{response}"))
            .to_string()
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Waits for the process to exit; returns its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        self.close_stdin();
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "app-server did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for AppServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn launch(codex_home: &std::path::Path, workdir: &std::path::Path, args: &[&str]) -> LinePeer {
    let mut command = Command::new(env!("CARGO_BIN_EXE_codex"));
    command
        .env_clear()
        .envs(base_env(codex_home))
        .env("SHELL", "/bin/bash")
        .current_dir(workdir)
        .arg("app-server")
        .args(args);
    spawn_line_peer(command)
}

pub fn text_input(text: &str) -> Value {
    json!([{"type": "text", "text": text, "text_elements": []}])
}
