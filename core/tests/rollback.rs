//! `Op::ThreadRollback`: the last user turns leave the history the model sees next, the
//! rollout makes a resumed thread agree, and a running turn refuses it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_core::rollout::read_rollout;
use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use common::TestSession;
use pretty_assertions::assert_eq;
use serde_json::Value;

async fn turn(session: &mut TestSession, text: &str) {
    session
        .codex
        .submit(Op::UserTurn {
            items: vec![UserInput::Text {
                text: text.to_string(),
            }],
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { .. })),
        "{events:?}"
    );
}

async fn roll_back(session: &mut TestSession, num_turns: u32) -> EventMsg {
    session
        .codex
        .submit(Op::ThreadRollback { num_turns })
        .unwrap();
    session.codex.next_event().await.unwrap().msg
}

/// `(role, text)` of the conversation items after the context (which ends with the
/// `<environment_context>` message).
fn conversation(items: &[Value]) -> Vec<(String, String)> {
    let start = items
        .iter()
        .position(|item| {
            item["content"][0]["text"]
                .as_str()
                .is_some_and(|text| text.starts_with("<environment_context>"))
        })
        .unwrap();
    items[start + 1..]
        .iter()
        .map(|item| {
            (
                item["role"].as_str().unwrap().to_string(),
                item["content"][0]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(role, text)| (role.to_string(), text.to_string()))
        .collect()
}

fn resumed_conversation(session: &TestSession) -> Vec<(String, String)> {
    let path = session.configured.rollout_path.clone().unwrap();
    let history: Vec<Value> = read_rollout(&path)
        .unwrap()
        .history
        .iter()
        .map(|item| serde_json::to_value(item).unwrap())
        .collect();
    conversation(&history)
}

fn last_request_conversation(session: &TestSession) -> Vec<(String, String)> {
    let requests = session.server.requests();
    conversation(requests.last().unwrap().body["input"].as_array().unwrap())
}

#[tokio::test]
async fn rolled_back_turns_leave_the_history_and_the_resumed_thread() {
    let mut session = TestSession::start(
        vec![
            MockResponse::message("answer one"),
            MockResponse::message("answer two"),
            MockResponse::message("answer three"),
        ],
        &[],
    )
    .await;
    turn(&mut session, "one").await;
    turn(&mut session, "two").await;

    assert_eq!(
        roll_back(&mut session, 1).await,
        EventMsg::ThreadRolledBack { num_turns: 1 }
    );
    assert_eq!(
        resumed_conversation(&session),
        pairs(&[("user", "one"), ("assistant", "answer one")])
    );

    turn(&mut session, "three").await;
    assert_eq!(
        last_request_conversation(&session),
        pairs(&[
            ("user", "one"),
            ("assistant", "answer one"),
            ("user", "three")
        ])
    );
    assert_eq!(
        resumed_conversation(&session),
        pairs(&[
            ("user", "one"),
            ("assistant", "answer one"),
            ("user", "three"),
            ("assistant", "answer three")
        ])
    );
}

#[tokio::test]
async fn rolling_back_more_turns_than_exist_keeps_only_the_context() {
    let mut session = TestSession::start(
        vec![
            MockResponse::message("answer one"),
            MockResponse::message("answer two"),
        ],
        &[],
    )
    .await;
    turn(&mut session, "one").await;
    assert_eq!(
        roll_back(&mut session, 5).await,
        EventMsg::ThreadRolledBack { num_turns: 5 }
    );
    assert_eq!(resumed_conversation(&session), pairs(&[]));
    turn(&mut session, "two").await;
    assert_eq!(
        last_request_conversation(&session),
        pairs(&[("user", "two")])
    );
}

#[tokio::test]
async fn a_running_turn_refuses_a_rollback() {
    let mut session = TestSession::start(
        vec![
            MockResponse::message("answer one"),
            MockResponse::SseDelayed {
                events: vec![
                    ev_assistant_message("msg_2", "answer two"),
                    ev_completed("resp_2"),
                ],
                delay: Duration::from_millis(200),
            },
        ],
        &[],
    )
    .await;
    turn(&mut session, "one").await;
    session
        .codex
        .submit(Op::UserTurn {
            items: vec![UserInput::Text {
                text: "two".to_string(),
            }],
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    session
        .next_matching(|msg| matches!(msg, EventMsg::TurnStarted { .. }).then_some(()))
        .await;
    session
        .codex
        .submit(Op::ThreadRollback { num_turns: 1 })
        .unwrap();
    let warning = session
        .next_matching(|msg| match msg {
            EventMsg::Warning { message } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(warning, "Cannot roll back while a turn is in progress.");
    let events = session.events_until_turn_end().await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { .. })),
        "{events:?}"
    );
    assert_eq!(
        resumed_conversation(&session),
        pairs(&[
            ("user", "one"),
            ("assistant", "answer one"),
            ("user", "two"),
            ("assistant", "answer two")
        ])
    );
}
