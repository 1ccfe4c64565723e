//! The Responses WebSocket transport (`responses-wire.md` §9) against the mock WebSocket
//! server: handshake headers, the prewarm, incremental `response.create` frames on one reused
//! connection, and the fallback to HTTP when the upgrade keeps being refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_core::client::ErrorKind;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use codex_test_support::MockWebsocketServer;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_function_call;
use common::TestSession;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

async fn run_turn(session: &mut TestSession, text: &str) -> Vec<EventMsg> {
    session
        .codex
        .submit(Op::UserTurn {
            items: vec![UserInput::Text {
                text: text.to_string(),
            }],
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    session.events_until_turn_end().await
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn metadata(frame: &Value) -> Value {
    serde_json::from_str(
        frame["client_metadata"]["x-codex-turn-metadata"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn frames_are_prewarmed_incremental_and_share_one_connection() {
    let ws = MockWebsocketServer::start(vec![
        vec![
            ev_function_call(
                "call_1",
                "update_plan",
                r#"{"plan":[{"step":"one","status":"in_progress"}]}"#,
            ),
            ev_completed("resp_1"),
        ],
        vec![
            ev_assistant_message("msg_1", "planned"),
            ev_completed("resp_2"),
        ],
        vec![
            ev_assistant_message("msg_2", "again"),
            ev_completed("resp_3"),
        ],
    ]);
    let base_url = format!("model_providers.mock.base_url=\"{}\"", ws.base_url());
    let mut session = TestSession::start(
        Vec::new(),
        &[&base_url, "model_providers.mock.supports_websockets=true"],
    )
    .await;
    let thread_id = session.configured.thread_id.clone();

    let events = run_turn(&mut session, "plan it").await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { last_agent_message: Some(m), .. }) if m == "planned"),
        "{events:?}"
    );
    let events = run_turn(&mut session, "once more").await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { last_agent_message: Some(m), .. }) if m == "again"),
        "{events:?}"
    );

    // One handshake for the whole session, with the §2 headers minus accept/content-type.
    let handshakes = ws.handshakes();
    assert_eq!(handshakes.len(), 1);
    let handshake = &handshakes[0];
    assert_eq!(handshake.path, "/v1/responses");
    // Header order on the wire is the HTTP library's; compare the set.
    let mut names: Vec<&str> = handshake
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !name.starts_with("sec-websocket") && *name != "host")
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            "authorization",
            "connection",
            "openai-beta",
            "originator",
            "session-id",
            "thread-id",
            "upgrade",
            "user-agent",
            "version",
            "x-client-request-id",
            "x-codex-turn-metadata",
            "x-codex-window-id",
        ]
    );
    assert_eq!(handshake.header("authorization"), Some("Bearer test-key"));
    assert_eq!(
        handshake.header("openai-beta"),
        Some("responses_websockets=2026-02-06")
    );
    assert_eq!(handshake.header("version"), Some("0.169.0"));
    assert_eq!(handshake.header("thread-id"), Some(thread_id.as_str()));
    let handshake_metadata: Value =
        serde_json::from_str(handshake.header("x-codex-turn-metadata").unwrap()).unwrap();
    assert_eq!(handshake_metadata["request_kind"], "prewarm");
    assert_eq!(handshake_metadata["turn_id"], "");
    assert_eq!(handshake_metadata.get("turn_started_at_unix_ms"), None);

    let frames = ws.frames();
    assert_eq!(frames.len(), 4, "{frames:#?}");
    // W2: the prewarm carries only the BASE message and generate:false.
    let prewarm = &frames[0];
    assert_eq!(
        keys(prewarm),
        vec![
            "type",
            "model",
            "stream",
            "input",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning",
            "store",
            "include",
            "prompt_cache_key",
            "text",
            "generate",
            "client_metadata",
        ]
    );
    assert_eq!(prewarm["type"], "response.create");
    assert_eq!(prewarm["generate"], false);
    assert_eq!(prewarm["input"].as_array().unwrap().len(), 1);
    assert_eq!(prewarm["input"][0]["role"], "developer");
    assert_eq!(prewarm["client_metadata"]["turn_id"], "");
    assert_eq!(metadata(prewarm)["request_kind"], "prewarm");

    // W3: the first request chains to the prewarm and sends only the new context + prompt.
    let first = &frames[1];
    assert_eq!(
        keys(first),
        vec![
            "type",
            "model",
            "stream",
            "previous_response_id",
            "input",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning",
            "store",
            "include",
            "prompt_cache_key",
            "text",
            "client_metadata",
        ]
    );
    assert_eq!(first["previous_response_id"], "resp_prewarm_1");
    let first_input = first["input"].as_array().unwrap();
    assert_eq!(first_input.len(), 3, "{first_input:#?}");
    assert_eq!(first_input[2]["role"], "user");
    assert_eq!(first_input[2]["content"][0]["text"], "plan it");
    assert_eq!(metadata(first)["request_kind"], "turn");

    // The tool follow-up sends only the tool output.
    let follow_up = &frames[2];
    assert_eq!(follow_up["previous_response_id"], "resp_1");
    let mut outputs = follow_up["input"].as_array().unwrap().clone();
    for output in &mut outputs {
        output.as_object_mut().unwrap().remove("id");
    }
    assert_eq!(
        outputs,
        vec![
            json!({"type": "function_call_output", "call_id": "call_1", "output": "Plan updated"})
        ]
    );

    // The second turn: only its user message, on the same connection.
    let second = &frames[3];
    assert_eq!(second["previous_response_id"], "resp_2");
    let second_input = second["input"].as_array().unwrap();
    assert_eq!(second_input.len(), 1, "{second_input:#?}");
    assert_eq!(second_input[0]["content"][0]["text"], "once more");
    // Nothing went over HTTP.
    assert_eq!(session.server.requests().len(), 0);
}

#[tokio::test]
async fn refused_upgrades_fall_back_to_http_for_the_rest_of_the_session() {
    // The HTTP mock answers the upgrade GET with a 404 and serves the POST fallback.
    let mut session = TestSession::start(
        vec![
            MockResponse::message("over http"),
            MockResponse::message("still http"),
        ],
        &["model_providers.mock.supports_websockets=true"],
    )
    .await;
    let url = format!("{}/responses", session.server.base_url()).replace("http://", "ws://");
    let error = format!(
        "unexpected status 404 Not Found: mock server: no route for GET /v1/responses (only POST /v1/responses is served), url: {url}, request id: "
    );
    let events = run_turn(&mut session, "hello").await;
    let notices: Vec<&EventMsg> = events
        .iter()
        .filter(|msg| matches!(msg, EventMsg::StreamError { .. } | EventMsg::Warning { .. }))
        .collect();
    assert_eq!(
        notices,
        vec![
            &EventMsg::StreamError {
                message: error.clone(),
                attempt: 1,
                max_attempts: 1,
                kind: ErrorKind::HttpConnectionFailed,
            },
            &EventMsg::Warning {
                message: format!("Falling back from WebSockets to HTTPS transport. {error}"),
            },
        ]
    );
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { last_agent_message: Some(m), .. }) if m == "over http"),
        "{events:?}"
    );
    let events = run_turn(&mut session, "again").await;
    assert!(
        matches!(events.last(), Some(EventMsg::TurnComplete { last_agent_message: Some(m), .. }) if m == "still http"),
        "{events:?}"
    );
    let requests = session.server.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, vec!["GET", "GET", "POST", "POST"]);
    let post = &requests[2];
    assert_eq!(post.header("openai-beta"), None);
    assert_eq!(post.body.get("previous_response_id"), None);
    assert_eq!(post.body.get("generate"), None);
    assert_eq!(post.body.get("type"), None);
    assert_eq!(post.body["input"].as_array().unwrap().len(), 4);
}
