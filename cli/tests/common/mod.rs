//! Shared set-up for the binary's integration tests: a mock Responses server, a temporary
//! CODEX_HOME configured for it, a git work tree to run in, and the hermetic command.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::io::BufReader;
use std::io::Read;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::Child;
use std::process::ChildStdin;
use std::process::Command;
use std::process::ExitStatus;
use std::process::Output;
use std::process::Stdio;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::init_git_repo;
use codex_test_support::mock_provider_config;
use serde_json::Value;

pub struct TestEnv {
    pub server: MockServer,
    pub home: TestCodexHome,
    workdir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new(responses: Vec<MockResponse>) -> Self {
        Self::with_config(responses, "")
    }

    /// `extra_config` is appended after the mock provider lines of config.toml.
    pub fn with_config(responses: Vec<MockResponse>, extra_config: &str) -> Self {
        let server = MockServer::start(responses);
        let home = TestCodexHome::new();
        home.write_config(&format!(
            "{}\n{extra_config}",
            mock_provider_config(&server)
        ));
        let workdir = tempfile::tempdir().unwrap();
        init_git_repo(workdir.path());
        TestEnv {
            server,
            home,
            workdir,
        }
    }

    /// The canonical working directory (what codex reports as cwd).
    pub fn cwd(&self) -> PathBuf {
        self.workdir.path().canonicalize().unwrap()
    }

    pub fn codex(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_codex"));
        command
            .env_clear()
            .envs(base_env(self.home.path()))
            .env("SHELL", "/bin/bash")
            .current_dir(self.workdir.path())
            .stdin(Stdio::null());
        command
    }

    /// Runs `codex exec ARGS` with stdin from /dev/null.
    pub fn exec(&self, args: &[&str]) -> Output {
        self.codex().arg("exec").args(args).output().unwrap()
    }

    /// Runs `codex exec ARGS` with `stdin` piped in.
    pub fn exec_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut all = vec!["exec"];
        all.extend_from_slice(args);
        self.run_with_stdin(&all, stdin)
    }

    /// Runs `codex ARGS` with `stdin` piped in.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .codex()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn bodies(&self) -> Vec<Value> {
        self.server
            .requests()
            .into_iter()
            .filter(|request| request.path == "/v1/responses")
            .map(|request| request.body)
            .collect()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.workdir.path().join(relative)
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSONL lines of a `--json` run.
pub fn jsonl(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

/// The `input` items of a request body.
pub fn input(body: &Value) -> Vec<Value> {
    body["input"].as_array().cloned().unwrap_or_default()
}

/// The text outputs of every function/custom tool call output in a request's input.
pub fn tool_outputs(body: &Value) -> Vec<String> {
    input(body)
        .iter()
        .filter(|item| {
            matches!(
                item["type"].as_str(),
                Some("function_call_output" | "custom_tool_call_output")
            )
        })
        .map(|item| item["output"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Replaces the run-dependent parts of an exec_command output (chunk id, wall time).
pub fn normalize_exec_output(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.starts_with("Chunk ID: ") {
                assert_eq!(line.len(), "Chunk ID: ".len() + 6, "{line}");
                "Chunk ID: <id>".to_string()
            } else if let Some(seconds) = line
                .strip_prefix("Wall time: ")
                .and_then(|rest| rest.strip_suffix(" seconds"))
                .filter(|seconds| seconds.split('.').nth(1).map(str::len) == Some(4))
            {
                assert!(seconds.parse::<f64>().is_ok(), "{line}");
                "Wall time: <t> seconds".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How long a line client waits for a line or for its child to exit: generous, so a hang
/// ends the test and a slow machine does not fail it.
const LINE_TIMEOUT: Duration = Duration::from_secs(30);

/// A child speaking JSON lines on stdio (`codex app-server`, `codex mcp-server`): writes lines,
/// reads lines with a timeout, and keeps every line it read. Dropping it kills the child.
pub struct LinePeer {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    /// Every line received so far, in order.
    pub received: Vec<Value>,
}

impl LinePeer {
    /// Spawns `command` with piped stdin and stdout (stderr inherited); a thread forwards each
    /// stdout line until stdout closes.
    pub fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        LinePeer {
            child,
            stdin,
            lines,
            received: Vec::new(),
        }
    }

    /// Writes `bytes` and a newline.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    pub fn send_line(&mut self, line: &str) {
        self.send_bytes(line.as_bytes());
    }

    pub fn send(&mut self, message: Value) {
        self.send_line(&message.to_string());
    }

    /// The next line, parsed; panics after the timeout.
    pub fn next(&mut self) -> Value {
        let line = self
            .lines
            .recv_timeout(LINE_TIMEOUT)
            .unwrap_or_else(|_| panic!("no line from the child; got so far: {:#?}", self.received));
        self.parsed(&line)
    }

    /// Whether a line arrives within `wait`.
    pub fn next_within(&mut self, wait: Duration) -> Option<Value> {
        let line = self.lines.recv_timeout(wait).ok()?;
        Some(self.parsed(&line))
    }

    fn parsed(&mut self, line: &str) -> Value {
        let value: Value = serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}"));
        self.received.push(value.clone());
        value
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

    /// The lines still to come until the child closes stdout (or the timeout).
    pub fn rest(&mut self) -> Vec<Value> {
        let deadline = Instant::now() + LINE_TIMEOUT;
        let mut rest = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            rest.push(self.parsed(&line));
        }
        rest
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Closes stdin and waits for the child to exit; returns its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        self.close_stdin();
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the child did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for LinePeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ChildOutput {
    /// Panics with the whole output unless the child exited 0; `what` names it.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.status.success(),
            "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
    }
}

/// Runs `command` (stdin from /dev/null) to completion, killing it after `timeout`; `what`
/// names it in panics.
pub fn run_to_end(mut command: Command, timeout: Duration, what: &str) -> ChildOutput {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {what}: {err}"));
    wait_with_timeout(child, timeout, what)
}

/// A finished child's exit status and output.
pub struct ChildOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `child` to completion, killing it after `timeout`; `what` names it in the panic.
fn wait_with_timeout(mut child: Child, timeout: Duration, what: &str) -> ChildOutput {
    // Read both pipes while waiting, so a chatty child cannot block on a full pipe.
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                let killed = child.kill().and_then(|()| child.wait());
                panic!(
                    "{what} did not finish within {timeout:?} (kill: {killed:?}); stderr:\n{}",
                    joined(stderr)
                );
            }
            Err(err) => panic!("cannot wait for {what}: {err}"),
        }
    };
    ChildOutput {
        status,
        stdout: joined(stdout),
        stderr: joined(stderr),
    }
}

fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = pipe.map(|mut pipe| pipe.read_to_end(&mut bytes));
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(Err(err)) = read {
            text.push_str(&format!("\n<cannot read the rest: {err}>"));
        }
        text
    })
}

fn joined(reader: JoinHandle<String>) -> String {
    match reader.join() {
        Ok(text) => text,
        Err(_) => panic!("a pipe reader thread panicked"),
    }
}
