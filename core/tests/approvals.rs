//! Approval requests as core events answered by ops, with the real sandbox underneath:
//! escalation under `on-request`, retry after a sandbox denial under `on-failure`, `untrusted`
//! and the known-safe list, session-wide approvals, patches outside the roots, and abort.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use codex_test_support::ev_completed;
use codex_test_support::ev_function_call;
use common::TestSession;
use pretty_assertions::assert_eq;
use serde_json::json;

/// /tmp holds every test dir, so it must not be a writable root for "outside" to mean outside.
const NO_SLASH_TMP: &str = "sandbox_workspace_write.exclude_slash_tmp=true";

fn exec_call(call_id: &str, args: serde_json::Value) -> MockResponse {
    MockResponse::function_call(call_id, "exec_command", &args.to_string())
}

async fn start_turn(session: &mut TestSession, text: &str) {
    session
        .codex
        .submit(Op::UserTurn {
            items: vec![UserInput::Text {
                text: text.to_string(),
            }],
            overrides: TurnOverrides::default(),
        })
        .unwrap();
}

/// Waits for the next approval request; returns its call id, argv or changed paths, and reason.
async fn next_request(session: &mut TestSession) -> (String, String, Option<String>) {
    session
        .next_matching(|msg| match msg {
            EventMsg::ExecApprovalRequest {
                call_id,
                command,
                reason,
                ..
            } => Some((call_id.clone(), command.join(" "), reason.clone())),
            EventMsg::ApplyPatchApprovalRequest {
                call_id,
                changes,
                reason,
            } => Some((
                call_id.clone(),
                changes
                    .iter()
                    .map(|change| change.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                reason.clone(),
            )),
            _ => None,
        })
        .await
}

fn approval_requests(events: &[EventMsg]) -> usize {
    events
        .iter()
        .filter(|msg| {
            matches!(
                msg,
                EventMsg::ExecApprovalRequest { .. } | EventMsg::ApplyPatchApprovalRequest { .. }
            )
        })
        .count()
}

#[tokio::test]
async fn on_request_escalation_is_asked_with_its_justification_and_runs_unsandboxed() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("z");
    let mut session = TestSession::start(
        vec![
            exec_call(
                "call_1",
                json!({"cmd": format!("touch {}", target.display()), "sandbox_permissions": "require_escalated", "justification": "write the marker"}),
            ),
            MockResponse::message("done"),
        ],
        &[
            "sandbox_mode=\"workspace-write\"",
            "approval_policy=\"on-request\"",
            NO_SLASH_TMP,
        ],
    )
    .await;
    start_turn(&mut session, "go").await;
    let (call_id, command, reason) = next_request(&mut session).await;
    assert_eq!(call_id, "call_1");
    assert_eq!(command, format!("/bin/bash -lc touch {}", target.display()));
    assert_eq!(reason.as_deref(), Some("write the marker"));
    session
        .codex
        .submit(Op::ExecApproval {
            id: call_id,
            decision: ReviewDecision::Approved,
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert!(matches!(events.last(), Some(EventMsg::TurnComplete { .. })));
    assert!(target.exists());
    let output = &session.tool_outputs(1)[0];
    assert!(output.contains("Process exited with code 0\n"), "{output}");
}

#[tokio::test]
async fn workspace_write_never_refuses_writes_outside_without_asking() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("z");
    let mut session = TestSession::start(
        vec![
            exec_call(
                "call_1",
                json!({"cmd": format!("touch {}", target.display())}),
            ),
            MockResponse::message("blocked"),
        ],
        &["sandbox_mode=\"workspace-write\"", NO_SLASH_TMP],
    )
    .await;
    start_turn(&mut session, "go").await;
    let events = session.events_until_turn_end().await;
    assert_eq!(approval_requests(&events), 0);
    assert!(!target.exists());
    let output = &session.tool_outputs(1)[0];
    assert!(output.contains("Process exited with code 1\n"), "{output}");
    assert!(output.contains("Permission denied"), "{output}");
}

#[tokio::test]
async fn on_failure_asks_to_retry_without_the_sandbox() {
    let outside = tempfile::tempdir().unwrap();
    for (decision, created) in [
        (ReviewDecision::Approved, true),
        (ReviewDecision::Denied, false),
    ] {
        let target = outside.path().join(format!("{decision:?}"));
        let mut session = TestSession::start(
            vec![
                exec_call(
                    "call_1",
                    json!({"cmd": format!("touch {}", target.display())}),
                ),
                MockResponse::message("done"),
            ],
            &[
                "sandbox_mode=\"workspace-write\"",
                "approval_policy=\"on-failure\"",
                NO_SLASH_TMP,
            ],
        )
        .await;
        start_turn(&mut session, "go").await;
        let (call_id, _, reason) = next_request(&mut session).await;
        assert_eq!(
            reason.as_deref(),
            Some("command failed; retry without sandbox?")
        );
        session
            .codex
            .submit(Op::ExecApproval {
                id: call_id,
                decision: decision.clone(),
            })
            .unwrap();
        let events = session.events_until_turn_end().await;
        assert_eq!(approval_requests(&events), 0, "only one request");
        assert_eq!(target.exists(), created, "{decision:?}");
        let output = &session.tool_outputs(1)[0];
        if created {
            assert!(output.contains("Process exited with code 0\n"), "{output}");
        } else {
            assert_eq!(output, "exec command rejected by user");
        }
    }
}

#[tokio::test]
async fn untrusted_asks_except_for_known_safe_commands_and_remembers_session_approvals() {
    let mut session = TestSession::start(
        vec![
            MockResponse::Sse(vec![
                ev_function_call("call_1", "exec_command", r#"{"cmd":"ls && pwd"}"#),
                ev_completed("resp_1"),
            ]),
            exec_call("call_2", json!({"cmd": "echo hi > note.txt"})),
            exec_call("call_3", json!({"cmd": "echo hi > note.txt"})),
            MockResponse::message("done"),
        ],
        &[
            "sandbox_mode=\"workspace-write\"",
            "approval_policy=\"untrusted\"",
        ],
    )
    .await;
    start_turn(&mut session, "go").await;
    let (call_id, command, _) = next_request(&mut session).await;
    assert_eq!(call_id, "call_2");
    assert_eq!(command, "/bin/bash -lc echo hi > note.txt");
    session
        .codex
        .submit(Op::ExecApproval {
            id: call_id,
            decision: ReviewDecision::ApprovedForSession,
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert_eq!(
        approval_requests(&events),
        0,
        "call_3 was approved for the session"
    );
    assert!(matches!(events.last(), Some(EventMsg::TurnComplete { .. })));
    assert_eq!(
        std::fs::read_to_string(session.cwd().join("note.txt")).unwrap(),
        "hi\n"
    );
}

#[tokio::test]
async fn patches_outside_the_roots_need_approval_under_on_request() {
    let outside = tempfile::tempdir().unwrap();
    let patch = |name: &str| {
        format!(
            "*** Begin Patch\n*** Add File: {}\n+x\n*** End Patch",
            outside.path().join(name).display()
        )
    };
    let mut session = TestSession::start(
        vec![
            MockResponse::custom_tool_call("call_1", "apply_patch", &patch("yes.txt")),
            MockResponse::custom_tool_call("call_2", "apply_patch", &patch("no.txt")),
            MockResponse::message("done"),
        ],
        &[
            "sandbox_mode=\"workspace-write\"",
            "approval_policy=\"on-request\"",
            NO_SLASH_TMP,
        ],
    )
    .await;
    start_turn(&mut session, "go").await;
    let (call_id, paths, _) = next_request(&mut session).await;
    assert_eq!(paths, outside.path().join("yes.txt").display().to_string());
    session
        .codex
        .submit(Op::PatchApproval {
            id: call_id,
            decision: ReviewDecision::Approved,
        })
        .unwrap();
    let (call_id, _, _) = next_request(&mut session).await;
    session
        .codex
        .submit(Op::PatchApproval {
            id: call_id,
            decision: ReviewDecision::Denied,
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert!(matches!(events.last(), Some(EventMsg::TurnComplete { .. })));
    assert!(outside.path().join("yes.txt").exists());
    assert!(!outside.path().join("no.txt").exists());
    assert_eq!(session.tool_outputs(2)[1], "patch rejected by user");
}

#[tokio::test]
async fn abort_ends_the_turn_as_interrupted() {
    let mut session = TestSession::start(
        vec![exec_call("call_1", json!({"cmd": "rm -rf build"}))],
        &[
            "sandbox_mode=\"workspace-write\"",
            "approval_policy=\"untrusted\"",
        ],
    )
    .await;
    start_turn(&mut session, "go").await;
    let (call_id, _, _) = next_request(&mut session).await;
    session
        .codex
        .submit(Op::ExecApproval {
            id: call_id,
            decision: ReviewDecision::Abort,
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnAborted { .. })),
        "{events:?}"
    );
    assert_eq!(session.server.requests().len(), 1);
}

#[tokio::test]
async fn a_queued_turn_does_not_block_the_pending_approval() {
    let mut session = TestSession::start(
        vec![
            exec_call("call_1", json!({"cmd": "touch queued.txt"})),
            MockResponse::message("first done"),
            MockResponse::message("second done"),
        ],
        &[
            "sandbox_mode=\"workspace-write\"",
            "approval_policy=\"untrusted\"",
        ],
    )
    .await;
    start_turn(&mut session, "first").await;
    let (call_id, _, _) = next_request(&mut session).await;
    // The next turn is submitted while the first waits for its approval.
    start_turn(&mut session, "second").await;
    session
        .codex
        .submit(Op::ExecApproval {
            id: call_id,
            decision: ReviewDecision::Approved,
        })
        .unwrap();
    let first = session.events_until_turn_end().await;
    assert!(matches!(
        first.last(),
        Some(EventMsg::TurnComplete { last_agent_message: Some(text), .. }) if text == "first done"
    ));
    let second = session.events_until_turn_end().await;
    assert!(matches!(
        second.last(),
        Some(EventMsg::TurnComplete { last_agent_message: Some(text), .. }) if text == "second done"
    ));
    assert!(session.cwd().join("queued.txt").exists());
}

#[tokio::test]
async fn an_approved_prefix_rule_stops_the_asking_for_commands_it_covers() {
    let mut session = TestSession::start(
        vec![
            exec_call(
                "call_1",
                json!({"cmd": "touch one.txt", "prefix_rule": ["touch"]}),
            ),
            exec_call("call_2", json!({"cmd": "touch two.txt && touch three.txt"})),
            exec_call("call_3", json!({"cmd": "mkdir dir"})),
            MockResponse::message("done"),
        ],
        &[
            "sandbox_mode=\"danger-full-access\"",
            "approval_policy=\"untrusted\"",
        ],
    )
    .await;
    start_turn(&mut session, "go").await;
    let request = session
        .next_matching(|msg| match msg {
            EventMsg::ExecApprovalRequest {
                call_id,
                proposed_prefix_rule,
                ..
            } => Some((call_id.clone(), proposed_prefix_rule.clone())),
            _ => None,
        })
        .await;
    assert_eq!(
        request,
        ("call_1".to_string(), Some(vec!["touch".to_string()]))
    );
    session
        .codex
        .submit(Op::ExecApproval {
            id: request.0,
            decision: ReviewDecision::ApprovedExecpolicyAmendment {
                prefix: vec!["touch".to_string()],
            },
        })
        .unwrap();
    // `touch two && touch three` is covered; `mkdir` is not, and the proposal is derived.
    let request = session
        .next_matching(|msg| match msg {
            EventMsg::ExecApprovalRequest {
                call_id,
                proposed_prefix_rule,
                ..
            } => Some((call_id.clone(), proposed_prefix_rule.clone())),
            _ => None,
        })
        .await;
    assert_eq!(
        request,
        (
            "call_3".to_string(),
            Some(vec!["mkdir".to_string(), "dir".to_string()])
        )
    );
    session
        .codex
        .submit(Op::ExecApproval {
            id: request.0,
            decision: ReviewDecision::Denied,
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { .. })),
        "{events:?}"
    );
    let cwd = session.cwd();
    assert_eq!(
        ["one.txt", "two.txt", "three.txt", "dir"].map(|name| cwd.join(name).exists()),
        [true, true, true, false]
    );
}
