//! Shared set-up for the binary's integration tests: a mock Responses server, a temporary
//! CODEX_HOME configured for it, a git work tree to run in, and the hermetic command.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Output;
use std::process::Stdio;

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
