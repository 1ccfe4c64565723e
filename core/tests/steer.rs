//! `Op::Steer`: input added to a running turn reaches the model at its next request, and the
//! turn does not end before the model has answered it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use common::TestSession;
use pretty_assertions::assert_eq;

fn text(text: &str) -> Vec<UserInput> {
    vec![UserInput::Text {
        text: text.to_string(),
    }]
}

#[tokio::test]
async fn steered_input_is_answered_in_the_same_turn() {
    let mut session = TestSession::start(
        vec![
            MockResponse::SseDelayed {
                events: vec![
                    ev_assistant_message("msg_1", "working on it"),
                    ev_completed("resp_1"),
                ],
                delay: Duration::from_millis(300),
            },
            MockResponse::Sse(vec![
                ev_assistant_message("msg_2", "also done"),
                ev_completed("resp_2"),
            ]),
        ],
        &[],
    )
    .await;
    session
        .codex
        .submit(Op::UserTurn {
            items: text("first"),
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    session
        .next_matching(|msg| matches!(msg, EventMsg::TurnStarted { .. }).then_some(()))
        .await;
    session
        .codex
        .submit(Op::Steer {
            items: text("and this"),
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    let turn_ends = events
        .iter()
        .filter(|msg| matches!(msg, EventMsg::TurnComplete { .. }))
        .count();
    assert_eq!(turn_ends, 1);
    let Some(EventMsg::TurnComplete {
        last_agent_message, ..
    }) = events.last()
    else {
        panic!("{events:?}");
    };
    assert_eq!(last_agent_message.as_deref(), Some("also done"));
    let requests = session.server.requests();
    assert_eq!(requests.len(), 2);
    let input = requests[1].body["input"].as_array().unwrap();
    let last = input.last().unwrap();
    assert_eq!(last["role"], "user");
    assert_eq!(last["content"][0]["text"], "and this");
    assert_eq!(input[input.len() - 2]["role"], "assistant");
}
