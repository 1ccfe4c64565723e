//! Failures between codex and the model: both retry layers, Retry-After and "try again in",
//! error classification and the messages users see, dropped and idle streams.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_failed;
use common::TestEnv;
use common::input;
use common::jsonl;
use common::stderr;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

const HIGH_DEMAND: &str =
    "We\u{2019}re currently experiencing high demand, which may cause temporary errors.";

fn status(code: u16, headers: &[(&str, &str)], body: &str) -> MockResponse {
    MockResponse::Status {
        status: code,
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        body: body.to_string(),
    }
}

/// JSONL lines after `thread.started` and `turn.started`.
fn events(output: &std::process::Output) -> Vec<Value> {
    jsonl(output)[2..].to_vec()
}

fn failed(message: &str) -> Vec<Value> {
    vec![
        json!({"type": "error", "message": message}),
        json!({"type": "turn.failed", "error": {"message": message}}),
    ]
}

fn reconnecting(attempt: u64, max: u64, message: &str) -> Value {
    json!({"type": "error", "message": format!("Reconnecting... {attempt}/{max} ({message})")})
}

#[test]
fn a_single_5xx_is_retried_silently() {
    let env = TestEnv::new(vec![
        status(502, &[], "bad gateway"),
        MockResponse::message("ok"),
    ]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(env.bodies().len(), 2);
    assert!(events(&output).iter().all(|line| line["type"] != "error"));
    assert_eq!(env.bodies()[0], env.bodies()[1]);
}

#[test]
fn persistent_5xx_exhausts_both_retry_layers() {
    let env = TestEnv::new(vec![]);
    let output = env.exec(&[
        "--json",
        "-c",
        "model_providers.mock.request_max_retries=1",
        "-c",
        "model_providers.mock.stream_max_retries=2",
        "hi",
    ]);
    assert_eq!(output.status.code(), Some(1));
    // 3 stream attempts x 2 tries each.
    assert_eq!(env.bodies().len(), 6);
    let mut expected = vec![
        reconnecting(1, 2, HIGH_DEMAND),
        reconnecting(2, 2, HIGH_DEMAND),
    ];
    expected.extend(failed(HIGH_DEMAND));
    assert_eq!(events(&output), expected);
}

#[test]
fn human_mode_shows_reconnects_without_detail() {
    let env = TestEnv::new(vec![
        status(500, &[], "boom"),
        status(500, &[], "boom"),
        MockResponse::message("finally"),
    ]);
    let output = env.exec(&["hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("ERROR: Reconnecting... 1/1\n"),
        "{}",
        stderr(&output)
    );
    assert_eq!(common::stdout(&output), "finally\n");
}

#[test]
fn rate_limit_with_retry_after_is_retried_at_the_stream_layer() {
    let env = TestEnv::new(vec![
        status(
            429,
            &[("retry-after", "0"), ("x-request-id", "req_1")],
            "{}",
        ),
        status(
            429,
            &[("retry-after", "0"), ("x-request-id", "req_2")],
            "{}",
        ),
    ]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(env.bodies().len(), 2);
    let mut expected = vec![reconnecting(
        1,
        1,
        "exceeded retry limit, last status: 429 Too Many Requests, request id: req_1",
    )];
    expected.extend(failed(
        "exceeded retry limit, last status: 429 Too Many Requests, request id: req_2",
    ));
    assert_eq!(events(&output), expected);
}

#[test]
fn rate_limit_without_retry_after_fails_at_once() {
    let env = TestEnv::new(vec![status(
        429,
        &[("x-request-id", "req_9")],
        r#"{"error":{"message":"slow down"}}"#,
    )]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(env.bodies().len(), 1);
    assert_eq!(
        events(&output),
        failed("exceeded retry limit, last status: 429 Too Many Requests, request id: req_9")
    );
}

#[test]
fn unauthorized_is_retried_then_reported_with_url_and_request_id() {
    let body = r#"{"error":{"message":"Incorrect API key provided"}}"#;
    let env = TestEnv::new(vec![
        status(401, &[("x-request-id", "req_a")], body),
        status(401, &[("x-request-id", "req_b")], body),
    ]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(env.bodies().len(), 2);
    let url = format!("{}/responses", env.server.base_url());
    let message = |id: &str| {
        format!(
            "unexpected status 401 Unauthorized: Incorrect API key provided, url: {url}, request id: {id}"
        )
    };
    let mut expected = vec![reconnecting(1, 1, &message("req_a"))];
    expected.extend(failed(&message("req_b")));
    assert_eq!(events(&output), expected);
}

#[test]
fn bad_request_fails_with_the_raw_body() {
    let env = TestEnv::new(vec![status(400, &[], r#"{"error":"nope"}"#)]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(env.bodies().len(), 1);
    assert_eq!(events(&output), failed(r#"{"error":"nope"}"#));
}

#[test]
fn fatal_response_failed_codes_are_not_retried() {
    for (code, message) in [
        (
            "context_length_exceeded",
            "Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying.",
        ),
        (
            "insufficient_quota",
            "Quota exceeded. Check your plan and billing details.",
        ),
        (
            "server_is_overloaded",
            "Selected model is at capacity. Please try a different model.",
        ),
    ] {
        let env = TestEnv::new(vec![MockResponse::Sse(vec![ev_failed(
            "resp_1",
            code,
            "server text",
        )])]);
        let output = env.exec(&["--json", "hi"]);
        assert_eq!(output.status.code(), Some(1), "{code}");
        assert_eq!(env.bodies().len(), 1, "{code}");
        assert_eq!(events(&output), failed(message), "{code}");
    }
}

#[test]
fn retryable_response_failed_codes_are_retried() {
    let env = TestEnv::new(vec![
        MockResponse::Sse(vec![ev_failed("resp_1", "server_error", "oops")]),
        MockResponse::Sse(vec![ev_failed(
            "resp_2",
            "rate_limit_exceeded",
            "Rate limit reached. Please try again in 0.05s.",
        )]),
        MockResponse::message("recovered"),
    ]);
    let output = env.exec(&[
        "--json",
        "-c",
        "model_providers.mock.stream_max_retries=5",
        "hi",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = events(&output);
    assert_eq!(
        lines[..2].to_vec(),
        vec![
            reconnecting(1, 5, "stream disconnected before completion: oops"),
            reconnecting(
                2,
                5,
                "rate limit exceeded: Rate limit reached. Please try again in 0.05s."
            ),
        ]
    );
    assert_eq!(lines[2]["item"]["text"], "recovered");
}

#[test]
fn dropped_stream_is_retried_and_keeps_done_items() {
    let env = TestEnv::new(vec![
        MockResponse::SseThenClose(vec![ev_assistant_message("msg_a", "partial")]),
        MockResponse::Sse(vec![
            ev_assistant_message("msg_b", "full answer"),
            ev_completed("resp_2"),
        ]),
    ]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = events(&output);
    assert_eq!(
        lines[0],
        json!({"type": "item.completed", "item": {"id": "item_0", "type": "agent_message", "text": "partial"}})
    );
    let reconnect = lines[1]["message"].as_str().unwrap();
    assert!(
        reconnect.starts_with("Reconnecting... 1/1 (stream disconnected before completion: "),
        "{reconnect}"
    );
    assert_eq!(
        lines[2],
        json!({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "full answer"}})
    );
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 2);
    // The item completed in the failed attempt is re-sent on the retry.
    assert_eq!(input(&bodies[1]).len(), input(&bodies[0]).len() + 1);
    assert_eq!(input(&bodies[1]).last().unwrap()["id"], "msg_a");
}

#[test]
fn idle_stream_times_out_and_is_retried() {
    let env = TestEnv::new(vec![
        MockResponse::SseThenHang(vec![]),
        MockResponse::message("awake"),
    ]);
    let output = env.exec(&[
        "--json",
        "-c",
        "model_providers.mock.stream_idle_timeout_ms=300",
        "hi",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = events(&output);
    assert_eq!(
        lines[0],
        reconnecting(
            1,
            1,
            "stream disconnected before completion: idle timeout waiting for SSE"
        )
    );
    assert_eq!(lines[1]["item"]["text"], "awake");
}

#[test]
fn deltas_without_done_items_produce_no_item() {
    let env = TestEnv::new(vec![MockResponse::Sse(vec![
        codex_test_support::ev_output_text_delta("ghost"),
        ev_completed("resp_1"),
    ])]);
    let output = env.exec(&["--json", "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(events(&output).len(), 1);
    assert_eq!(events(&output)[0]["type"], "turn.completed");
}
