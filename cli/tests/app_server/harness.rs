//! A client for `codex app-server` tests: sends lines, reads lines with a timeout, and waits
//! for a given message while keeping what it skipped.

use std::ops::Deref;
use std::ops::DerefMut;
use std::process::Command;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::mock_provider_config;
use serde_json::Value;
use serde_json::json;

use crate::common::LinePeer;

pub struct AppServer {
    pub server: MockServer,
    pub home: TestCodexHome,
    pub workdir: tempfile::TempDir,
    peer: LinePeer,
    next_id: i64,
}

/// The line client's methods (`send`, `next`, `until`, `received`…) on the server.
impl Deref for AppServer {
    type Target = LinePeer;

    fn deref(&self) -> &LinePeer {
        &self.peer
    }
}

impl DerefMut for AppServer {
    fn deref_mut(&mut self) -> &mut LinePeer {
        &mut self.peer
    }
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
        let peer = launch(home.path(), workdir.path(), args);
        AppServer {
            server,
            home,
            workdir,
            peer,
            next_id: 1,
        }
    }

    /// Waits for this process to exit and starts a new one on the same CODEX_HOME, mock server
    /// and work dir (a fresh connection: ids restart, nothing is initialized).
    pub fn restart(&mut self) {
        assert_eq!(self.wait(), Some(0));
        self.peer = launch(self.home.path(), self.workdir.path(), &[]);
        self.next_id = 1;
    }

    pub fn cwd(&self) -> String {
        self.workdir
            .path()
            .canonicalize()
            .unwrap()
            .display()
            .to_string()
    }

    /// Sends a request with the next integer id; returns the id.
    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"method": method, "id": id, "params": params}));
        id
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
    LinePeer::spawn(command)
}

pub fn text_input(text: &str) -> Value {
    json!([{"type": "text", "text": text, "text_elements": []}])
}
