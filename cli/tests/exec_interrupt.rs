//! SIGINT during `codex exec`: the turn is interrupted and the command's whole process group,
//! grandchildren included, is killed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::json;

fn wait_for_file(path: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| stat.split_whitespace().nth(2) == Some("Z"))
        .unwrap_or(false);
    exists && !zombie
}

#[test]
fn sigint_interrupts_the_turn_and_kills_the_process_group() {
    let env = TestEnv::new(vec![MockResponse::function_call(
        "call_1",
        "exec_command",
        &json!({"cmd": "sleep 60 & echo $! > grandchild.pid; sleep 60", "yield_time_ms": 30000})
            .to_string(),
    )]);
    let child = env
        .codex()
        .args([
            "exec",
            "--json",
            "--dangerously-bypass-approvals-and-sandbox",
            "run it",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let grandchild: i32 = wait_for_file(&env.path("grandchild.pid")).parse().unwrap();
    assert!(alive(grandchild));

    // SAFETY: sending SIGINT to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    let lines = common::jsonl(&output);
    assert_eq!(lines.last().unwrap()["type"], "turn.failed");

    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(grandchild) {
        assert!(
            Instant::now() < deadline,
            "grandchild {grandchild} survived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Only one request: the interrupted turn did not go back to the model.
    assert_eq!(env.bodies().len(), 1);
}
