//! `codex login --with-api-key`, `codex login status`, `codex logout`, and the stored key used
//! by the built-in provider.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use codex_test_support::MockWebsocketServer;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use common::TestEnv;
use common::stderr;
use pretty_assertions::assert_eq;

fn login(env: &TestEnv, key: &str) -> std::process::Output {
    env.run_with_stdin(&["login", "--with-api-key"], key)
}

#[test]
fn login_status_logout_round_trip() {
    let env = TestEnv::new(vec![]);
    let status = env.codex().args(["login", "status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert_eq!(stderr(&status), "Not logged in\n");

    let output = login(&env, "sk-proj-abcdefghijklmnopqrstuvwxyz\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let auth_path = env.home.path().join("auth.json");
    let mode = std::fs::metadata(&auth_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let auth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&auth_path).unwrap()).unwrap();
    assert_eq!(auth["OPENAI_API_KEY"], "sk-proj-abcdefghijklmnopqrstuvwxyz");

    let status = env.codex().args(["login", "status"]).output().unwrap();
    assert_eq!(status.status.code(), Some(0));
    assert_eq!(
        stderr(&status),
        "Logged in using an API key - sk-proj-***vwxyz\n"
    );

    let output = env.codex().arg("logout").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!auth_path.exists());
}

#[test]
fn empty_key_on_stdin_is_refused() {
    let env = TestEnv::new(vec![]);
    let output = login(&env, "   \n");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no API key on stdin"));
    assert!(!env.home.path().join("auth.json").exists());
}

#[test]
fn builtin_provider_uses_codex_api_key_then_the_stored_login() {
    // The built-in provider talks WebSocket first (§9): the key is on each process's handshake.
    let env = TestEnv::new(vec![]);
    let ws = MockWebsocketServer::start(vec![
        vec![ev_assistant_message("msg_1", "a"), ev_completed("resp_1")],
        vec![ev_assistant_message("msg_2", "b"), ev_completed("resp_2")],
    ]);
    let base = format!("openai_base_url=\"{}\"", ws.base_url());
    let run = |extra_env: Option<(&str, &str)>| {
        let mut command = env.codex();
        command.args(["exec", "-c", "model_provider=\"openai\"", "-c", &base, "hi"]);
        if let Some((name, value)) = extra_env {
            command.env(name, value);
        }
        command.output().unwrap()
    };
    let output = run(Some(("CODEX_API_KEY", "sk-from-env")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(login(&env, "sk-stored-key-1234567").status.code(), Some(0));
    let output = run(None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let handshakes = ws.handshakes();
    assert_eq!(handshakes.len(), 2);
    assert_eq!(
        handshakes[0].header("authorization"),
        Some("Bearer sk-from-env")
    );
    assert_eq!(
        handshakes[1].header("authorization"),
        Some("Bearer sk-stored-key-1234567")
    );
    assert_eq!(handshakes[0].header("version"), Some("0.169.0"));
    assert_eq!(env.server.requests().len(), 0);
}
