//! A `Codex` session against a mock Responses server, configured through the real config
//! loader with injected environment and `-c` overrides.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use codex_core::Codex;
use codex_core::InitialHistory;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::attestation::AttestationProvider;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use codex_core::protocol::EventMsg;
use codex_core::protocol::SessionConfiguredEvent;
use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::mock_provider_config;

pub struct TestSession {
    pub server: MockServer,
    pub home: TestCodexHome,
    pub workdir: tempfile::TempDir,
    pub codex: Codex,
    pub configured: SessionConfiguredEvent,
}

impl TestSession {
    /// Starts a session in a fresh work dir with `-c` style `overrides`.
    pub async fn start(responses: Vec<MockResponse>, overrides: &[&str]) -> TestSession {
        Self::start_with(responses, overrides, None, None).await
    }

    /// Like [`TestSession::start`], with `auth_json` written to CODEX_HOME and `attestation`
    /// installed before the session starts.
    pub async fn start_with(
        responses: Vec<MockResponse>,
        overrides: &[&str],
        auth_json: Option<&str>,
        attestation: Option<Arc<dyn AttestationProvider>>,
    ) -> TestSession {
        let server = MockServer::start(responses);
        let home = TestCodexHome::new();
        home.write_config(&mock_provider_config(&server));
        if let Some(auth_json) = auth_json {
            std::fs::write(home.path().join("auth.json"), auth_json).unwrap();
        }
        let workdir = tempfile::tempdir().unwrap();
        let env = ConfigEnv {
            vars: HashMap::from([
                ("CODEX_HOME".to_string(), home.path().display().to_string()),
                ("MOCK_API_KEY".to_string(), "test-key".to_string()),
                (
                    "PATH".to_string(),
                    std::env::var("PATH").unwrap_or_default(),
                ),
                ("SHELL".to_string(), "/bin/bash".to_string()),
            ]),
        };
        let config = load_config(
            ConfigOverrides {
                cwd: Some(workdir.path().to_path_buf()),
                config_overrides: overrides.iter().map(ToString::to_string).collect(),
                ..ConfigOverrides::default()
            },
            env,
        )
        .unwrap();
        let options = SessionOptions {
            originator: "codex_test".to_string(),
            client_name: "codex_test".to_string(),
            client_version: "0".to_string(),
            source: "test".to_string(),
            thread_source: "user".to_string(),
            turn_trigger: "test".to_string(),
            persistence: Persistence::Rollout,
            history: InitialHistory::New,
            linux_sandbox_exe: Some(codex_binary()),
            attestation,
        };
        let (codex, configured) = Codex::spawn(config, options).await.unwrap();
        TestSession {
            server,
            home,
            workdir,
            codex,
            configured,
        }
    }

    pub fn cwd(&self) -> &Path {
        &self.configured.cwd
    }

    /// Events until the turn ends, the last one included.
    pub async fn events_until_turn_end(&mut self) -> Vec<EventMsg> {
        let mut events = Vec::new();
        loop {
            let msg = self.codex.next_event().await.unwrap().msg;
            let end = matches!(
                msg,
                EventMsg::TurnComplete { .. }
                    | EventMsg::TurnFailed { .. }
                    | EventMsg::TurnAborted { .. }
            );
            events.push(msg);
            if end {
                return events;
            }
        }
    }

    /// The next event that `pick` accepts, skipping others.
    pub async fn next_matching<T>(&mut self, pick: impl Fn(&EventMsg) -> Option<T>) -> T {
        loop {
            let msg = self.codex.next_event().await.unwrap().msg;
            if let Some(found) = pick(&msg) {
                return found;
            }
            if let EventMsg::TurnFailed { message, .. } = &msg {
                panic!("turn failed: {message}");
            }
        }
    }

    /// Outputs of the tool calls in the `n`th request's input.
    pub fn tool_outputs(&self, n: usize) -> Vec<String> {
        let requests = self.server.requests();
        requests[n].body["input"]
            .as_array()
            .unwrap()
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
}

/// The `codex` binary of this build (`target/<profile>/codex`), which sandboxed commands run
/// as their helper. `cargo nextest run --workspace` builds it alongside the tests.
pub fn codex_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("codex");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p codex-cli` (the workspace test run does)",
        path.display()
    );
    path
}
