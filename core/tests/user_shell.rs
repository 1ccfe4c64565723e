//! `Op::RunUserShellCommand` (the TUI's `!cmd`): a turn of its own that runs the command with
//! the user's login shell, streams it as `UserShell` exec events, and tells the model about it
//! in the next request; interrupted, its process group dies; behind a running turn, it waits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::Op;
use codex_core::protocol::TurnAbortReason;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_core::rollout::read_rollout;
use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use common::TestSession;
use pretty_assertions::assert_eq;
use tempfile::TempDir;

/// Starts a session whose commands get an empty `HOME`, so the login shell's profile prints
/// nothing of the machine's own.
async fn start(responses: Vec<MockResponse>) -> (TestSession, TempDir) {
    let home = tempfile::tempdir().unwrap();
    let set_home = format!(
        "shell_environment_policy.set.HOME=\"{}\"",
        home.path().display()
    );
    let session = TestSession::start(responses, &[&set_home]).await;
    (session, home)
}

fn user_turn(text: &str) -> Op {
    Op::UserTurn {
        items: vec![UserInput::Text {
            text: text.to_string(),
        }],
        overrides: TurnOverrides::default(),
    }
}

fn shell(command: &str) -> Op {
    Op::RunUserShellCommand {
        command: command.to_string(),
    }
}

/// Ids and durations replaced by fixed values, output deltas merged into one, the session's
/// announcement left out.
fn normalized(events: Vec<EventMsg>) -> Vec<EventMsg> {
    let mut out: Vec<EventMsg> = Vec::new();
    for msg in events {
        let msg = match msg {
            EventMsg::SessionConfigured(_) => continue,
            EventMsg::TurnStarted { .. } => EventMsg::TurnStarted {
                turn_id: "TURN".to_string(),
            },
            EventMsg::TurnComplete {
                last_agent_message, ..
            } => EventMsg::TurnComplete {
                turn_id: "TURN".to_string(),
                last_agent_message,
            },
            EventMsg::TurnAborted { reason, .. } => EventMsg::TurnAborted {
                turn_id: "TURN".to_string(),
                reason,
            },
            EventMsg::ExecCommandBegin {
                command,
                cwd,
                source,
                ..
            } => EventMsg::ExecCommandBegin {
                call_id: "CALL".to_string(),
                command,
                cwd,
                source,
            },
            EventMsg::ExecCommandOutputDelta { mut chunk, .. } => {
                if let Some(EventMsg::ExecCommandOutputDelta {
                    chunk: previous, ..
                }) = out.last_mut()
                {
                    previous.append(&mut chunk);
                    continue;
                }
                EventMsg::ExecCommandOutputDelta {
                    call_id: "CALL".to_string(),
                    chunk,
                }
            }
            EventMsg::ExecCommandEnd {
                exit_code,
                aggregated_output,
                source,
                ..
            } => EventMsg::ExecCommandEnd {
                call_id: "CALL".to_string(),
                exit_code,
                aggregated_output,
                duration: Duration::ZERO,
                source,
            },
            other => other,
        };
        out.push(msg);
    }
    out
}

/// The `user` message texts of a request's input (or a history), without the context.
fn user_texts(items: &[serde_json::Value]) -> Vec<String> {
    items
        .iter()
        .filter(|item| item["role"] == "user")
        .map(|item| item["content"][0]["text"].as_str().unwrap().to_string())
        .filter(|text| !text.starts_with("<environment_context>"))
        .map(|text| {
            // The duration is the only part that varies between runs.
            text.lines()
                .map(|line| {
                    if line.starts_with("Duration: ") {
                        "Duration: X seconds"
                    } else {
                        line
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

#[tokio::test]
async fn runs_as_its_own_turn_and_the_model_sees_it_next() {
    let (mut session, home) = start(vec![MockResponse::message("noted")]).await;
    // The session is read-only; the user's own command is not sandboxed.
    let command = "echo hello; sleep 0.1; echo oops >&2; touch \"$HOME/written\"; exit 3";
    session.codex.submit(shell(command)).unwrap();
    let events = normalized(session.events_until_turn_end().await);
    let cwd = session.cwd().to_path_buf();
    assert_eq!(
        events,
        vec![
            EventMsg::TurnStarted {
                turn_id: "TURN".to_string()
            },
            EventMsg::ExecCommandBegin {
                call_id: "CALL".to_string(),
                command: vec![
                    "/bin/bash".to_string(),
                    "-lc".to_string(),
                    command.to_string()
                ],
                cwd,
                source: ExecCommandSource::UserShell,
            },
            EventMsg::ExecCommandOutputDelta {
                call_id: "CALL".to_string(),
                chunk: b"hello\noops\n".to_vec(),
            },
            EventMsg::ExecCommandEnd {
                call_id: "CALL".to_string(),
                exit_code: 3,
                aggregated_output: "hello\noops\n".to_string(),
                duration: Duration::ZERO,
                source: ExecCommandSource::UserShell,
            },
            EventMsg::TurnComplete {
                turn_id: "TURN".to_string(),
                last_agent_message: None
            },
        ]
    );
    assert_eq!(session.server.requests().len(), 0);
    assert!(home.path().join("written").exists());

    session.codex.submit(user_turn("what happened?")).unwrap();
    session.events_until_turn_end().await;
    let requests = session.server.requests();
    assert_eq!(requests.len(), 1);
    let record = format!(
        "<user_shell_command>\n<command>{command}</command>\n<result>\nExit code: 3\nDuration: X seconds\nOutput:\nhello\noops\n\n</result>\n</user_shell_command>"
    );
    assert_eq!(
        user_texts(requests[0].body["input"].as_array().unwrap()),
        vec![record.clone(), "what happened?".to_string()]
    );

    let rollout = session.configured.rollout_path.clone().unwrap();
    let history: Vec<serde_json::Value> = read_rollout(&rollout)
        .unwrap()
        .history
        .iter()
        .map(|item| serde_json::to_value(item).unwrap())
        .collect();
    assert_eq!(
        user_texts(&history),
        vec![record, "what happened?".to_string()]
    );
}

#[tokio::test]
async fn interrupt_kills_the_command_and_aborts_the_turn() {
    let (mut session, _home) = start(vec![MockResponse::message("ok")]).await;
    session
        .codex
        .submit(shell("sleep 100 & echo $!; wait"))
        .unwrap();
    let printed = session
        .next_matching(|msg| match msg {
            EventMsg::ExecCommandOutputDelta { chunk, .. } => Some(chunk.clone()),
            _ => None,
        })
        .await;
    let pid: i32 = String::from_utf8(printed).unwrap().trim().parse().unwrap();
    session.codex.submit(Op::Interrupt).unwrap();
    let events = session.events_until_turn_end().await;
    assert_eq!(
        normalized(events),
        vec![EventMsg::TurnAborted {
            turn_id: "TURN".to_string(),
            reason: TurnAbortReason::Interrupted,
        }]
    );
    assert!(wait_until_dead(pid).await, "pid {pid} survived");

    // An interrupted command leaves nothing for the model.
    session.codex.submit(user_turn("next")).unwrap();
    session.events_until_turn_end().await;
    let requests = session.server.requests();
    assert_eq!(
        user_texts(requests[0].body["input"].as_array().unwrap()),
        vec!["next".to_string()]
    );
}

#[tokio::test]
async fn waits_for_the_running_turn() {
    let (mut session, _home) = start(vec![MockResponse::SseDelayed {
        events: vec![
            ev_assistant_message("msg_1", "slow answer"),
            ev_completed("resp_1"),
        ],
        delay: Duration::from_millis(200),
    }])
    .await;
    session.codex.submit(user_turn("first")).unwrap();
    session
        .next_matching(|msg| matches!(msg, EventMsg::TurnStarted { .. }).then_some(()))
        .await;
    session.codex.submit(shell("echo later")).unwrap();
    let first = normalized(session.events_until_turn_end().await);
    assert!(
        !first
            .iter()
            .any(|msg| matches!(msg, EventMsg::ExecCommandBegin { .. })),
        "{first:?}"
    );
    assert_eq!(
        first.last(),
        Some(&EventMsg::TurnComplete {
            turn_id: "TURN".to_string(),
            last_agent_message: Some("slow answer".to_string()),
        })
    );
    let second = normalized(session.events_until_turn_end().await);
    assert_eq!(
        second.last(),
        Some(&EventMsg::TurnComplete {
            turn_id: "TURN".to_string(),
            last_agent_message: None,
        })
    );
    assert!(second.contains(&EventMsg::ExecCommandEnd {
        call_id: "CALL".to_string(),
        exit_code: 0,
        aggregated_output: "later\n".to_string(),
        duration: Duration::ZERO,
        source: ExecCommandSource::UserShell,
    }));
}

/// True once `pid` is gone or a zombie, polled for up to five seconds.
async fn wait_until_dead(pid: i32) -> bool {
    for _ in 0..250 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'));
        if stat.is_empty() || zombie {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}
