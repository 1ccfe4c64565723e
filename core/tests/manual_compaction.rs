//! `Op::Compact` through the `Codex` handle: a standalone compaction turn that replaces the
//! history, after which the next turn starts from the summary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use codex_core::Codex;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::mock_provider_config;
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
    let server = MockServer::start(vec![
        MockResponse::message("first answer"),
        MockResponse::message("THE SUMMARY"),
        MockResponse::message("second answer"),
    ]);
    let home = TestCodexHome::new();
    home.write_config(&mock_provider_config(&server));
    let workdir = tempfile::tempdir().unwrap();
    let env = ConfigEnv {
        vars: HashMap::from([
            ("CODEX_HOME".to_string(), home.path().display().to_string()),
            ("MOCK_API_KEY".to_string(), "test-key".to_string()),
        ]),
    };
    let config = load_config(
        ConfigOverrides {
            cwd: Some(workdir.path().to_path_buf()),
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
        output_schema: None,
        resume: None,
    };
    let (mut codex, configured) = Codex::spawn(config, options).await.unwrap();
    let text = |text: &str| {
        vec![UserInput::Text {
            text: text.to_string(),
        }]
    };

    codex
        .submit(Op::UserTurn {
            items: text("first question"),
        })
        .unwrap();
    assert!(matches!(
        until_turn_end(&mut codex).await,
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
        })
        .unwrap();
    assert!(matches!(
        until_turn_end(&mut codex).await,
        EventMsg::TurnComplete { .. }
    ));

    let requests = server.requests();
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
        format!("{}:1", configured.thread_id)
    );

    codex.submit(Op::Shutdown).unwrap();
    while let Some(event) = codex.next_event().await {
        if event.msg == EventMsg::ShutdownComplete {
            break;
        }
    }
}
