//! `codex exec --json` with the built-in `openai` provider, which uses the Responses WebSocket
//! transport (`responses-wire.md` §9): a whole run over the socket, and the fallback to HTTP
//! (with the `error` items the original prints) when the upgrade is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use codex_test_support::MockWebsocketServer;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_function_call;
use common::TestEnv;
use common::jsonl;
use common::stderr;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

fn exec_builtin(env: &TestEnv, base_url: &str, prompt: &str) -> std::process::Output {
    let base = format!("openai_base_url=\"{base_url}\"");
    env.codex()
        .args([
            "exec",
            "--json",
            "-c",
            "model_provider=\"openai\"",
            "-c",
            &base,
            prompt,
        ])
        .env("CODEX_API_KEY", "sk-ws-test")
        .output()
        .unwrap()
}

#[test]
fn exec_runs_a_tool_round_trip_over_the_websocket() {
    let env = TestEnv::new(vec![]);
    let ws = MockWebsocketServer::start(vec![
        vec![
            ev_function_call(
                "call_1",
                "update_plan",
                r#"{"plan":[{"step":"look","status":"in_progress"}]}"#,
            ),
            ev_completed("resp_1"),
        ],
        vec![
            ev_assistant_message("msg_1", "Hello over websocket."),
            ev_completed("resp_2"),
        ],
    ]);
    let output = exec_builtin(&env, &ws.base_url(), "hi");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    let thread_id = lines[0]["thread_id"].as_str().unwrap().to_string();
    let plan = json!({"id": "item_0", "type": "todo_list", "items": [{"text": "look", "completed": false}]});
    assert_eq!(
        lines,
        vec![
            json!({"type": "thread.started", "thread_id": thread_id}),
            json!({"type": "turn.started"}),
            json!({"type": "item.started", "item": plan}),
            json!({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "Hello over websocket."}}),
            json!({"type": "item.completed", "item": plan}),
            json!({"type": "turn.completed", "usage": {"input_tokens": 0, "cached_input_tokens": 0, "cache_write_input_tokens": 0, "output_tokens": 0, "reasoning_output_tokens": 0}}),
        ]
    );

    assert_eq!(ws.handshakes().len(), 1);
    let handshake = &ws.handshakes()[0];
    assert_eq!(handshake.header("authorization"), Some("Bearer sk-ws-test"));
    assert_eq!(handshake.header("originator"), Some("codex_exec"));
    let frames = ws.frames();
    let summary: Vec<(Value, Value, usize)> = frames
        .iter()
        .map(|frame| {
            (
                frame.get("generate").cloned().unwrap_or(Value::Null),
                frame
                    .get("previous_response_id")
                    .cloned()
                    .unwrap_or(Value::Null),
                frame["input"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!(false), Value::Null, 1),
            (Value::Null, json!("resp_prewarm_1"), 3),
            (Value::Null, json!("resp_1"), 1),
        ]
    );
    assert_eq!(frames[2]["input"][0]["type"], "function_call_output");
    assert_eq!(env.server.requests().len(), 0);
}

#[test]
fn exec_falls_back_to_http_when_the_upgrade_is_refused() {
    // The HTTP mock refuses the upgrade GET with a 404 and then serves the POST.
    let env = TestEnv::new(vec![MockResponse::message("over https")]);
    let output = exec_builtin(&env, &env.server.base_url(), "hi");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let url = format!("{}/responses", env.server.base_url()).replace("http://", "ws://");
    let error = format!(
        "unexpected status 404 Not Found: mock server: no route for GET /v1/responses (only POST /v1/responses is served), url: {url}, request id: "
    );
    let errors: Vec<Value> = jsonl(&output)
        .into_iter()
        .filter(|line| line["type"] == "error" || line["item"]["type"] == "error")
        .collect();
    let mut expected: Vec<Value> = (1..=5)
        .map(|n| json!({"type": "error", "message": format!("Reconnecting... {n}/5 ({error})")}))
        .collect();
    expected.push(json!({"type": "item.completed", "item": {"id": "item_0", "type": "error", "message": format!("Falling back from WebSockets to HTTPS transport. {error}")}}));
    assert_eq!(errors, expected);
    let methods: Vec<String> = env
        .server
        .requests()
        .into_iter()
        .map(|request| request.method)
        .collect();
    assert_eq!(
        methods,
        vec!["GET"; 6]
            .into_iter()
            .chain(["POST"])
            .collect::<Vec<_>>()
    );
    // The fallback POST carries the full input and no WebSocket-only fields.
    let post = env.server.requests().pop().unwrap();
    assert_eq!(post.header("openai-beta"), None);
    let keys: Vec<&str> = post
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec![
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
            "client_metadata",
        ]
    );
    let last = post.body["input"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["content"][0]["text"], "hi");
}
