//! `Op::Compact` through the `Codex` handle: a standalone compaction turn that replaces the
//! history, after which the next turn starts from the summary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_core::Codex;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use common::TestSession;
use pretty_assertions::assert_eq;
use serde_json::Value;

async fn until_turn_end(codex: &mut Codex) -> EventMsg {
    loop {
        let event = codex.next_event().await.unwrap();
        match event.msg {
            EventMsg::TurnComplete { .. }
            | EventMsg::TurnFailed { .. }
            | EventMsg::TurnAborted { .. } => return event.msg,
            _ => {}
        }
    }
}

#[tokio::test]
async fn manual_compaction_is_a_standalone_turn() {
    let mut session = TestSession::start(
        vec![
            MockResponse::message("first answer"),
            MockResponse::message("THE SUMMARY"),
            MockResponse::message("second answer"),
        ],
        &[],
    )
    .await;
    let thread_id = session.configured.thread_id.clone();
    let codex = &mut session.codex;
    let text = |text: &str| {
        vec![UserInput::Text {
            text: text.to_string(),
        }]
    };

    codex
        .submit(Op::UserTurn {
            items: text("first question"),
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    assert!(matches!(
        until_turn_end(codex).await,
        EventMsg::TurnComplete { .. }
    ));
    codex.submit(Op::Compact).unwrap();
    let mut compacted = false;
    loop {
        match codex.next_event().await.unwrap().msg {
            EventMsg::ContextCompacted => compacted = true,
            EventMsg::TurnComplete {
                last_agent_message, ..
            } => {
                assert_eq!(last_agent_message, None);
                break;
            }
            EventMsg::TurnFailed { message, .. } => panic!("{message}"),
            _ => {}
        }
    }
    assert!(compacted);
    codex
        .submit(Op::UserTurn {
            items: text("second question"),
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    assert!(matches!(
        until_turn_end(codex).await,
        EventMsg::TurnComplete { .. }
    ));

    let requests = session.server.requests();
    assert_eq!(requests.len(), 3);
    let metadata: Value =
        serde_json::from_str(requests[1].header("x-codex-turn-metadata").unwrap()).unwrap();
    assert_eq!(metadata["request_kind"], "compaction");
    assert_eq!(metadata["compaction"]["trigger"], "manual");
    assert_eq!(requests[1].body["tools"], serde_json::json!([]));

    let input = requests[2].body["input"].as_array().unwrap();
    let texts: Vec<(&str, &str)> = input
        .iter()
        .map(|item| {
            (
                item["role"].as_str().unwrap(),
                item["content"][0]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(texts.len(), 6);
    assert_eq!(texts[3], ("user", "first question"));
    assert!(texts[4].1.ends_with("\nTHE SUMMARY"), "{}", texts[4].1);
    assert_eq!(texts[5], ("user", "second question"));
    assert_eq!(
        requests[2].header("x-codex-window-id").unwrap(),
        format!("{thread_id}:1")
    );

    codex.submit(Op::Shutdown).unwrap();
    while let Some(event) = codex.next_event().await {
        if event.msg == EventMsg::ShutdownComplete {
            break;
        }
    }
}
