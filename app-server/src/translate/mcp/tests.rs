use std::time::Duration;

use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use super::McpCallState;
use super::startup_status;
use super::tool_call_item;

fn echo() -> McpInvocation {
    McpInvocation {
        server: "docs".to_string(),
        tool: "echo".to_string(),
        arguments: Some(json!({"message": "hi"})),
    }
}

fn item(invocation: &McpInvocation, state: McpCallState<'_>) -> Value {
    serde_json::to_value(tool_call_item("call_1", invocation, state)).unwrap()
}

/// The wire item with the fields that vary; the apps-only fields are always null.
fn expected(status: &str, arguments: Value, result: Value, error: Value, duration: Value) -> Value {
    json!({
        "type": "mcpToolCall",
        "id": "call_1",
        "server": "docs",
        "tool": "echo",
        "status": status,
        "arguments": arguments,
        "pluginId": null,
        "readOnlyHint": null,
        "appContext": null,
        "mcpAppResourceUri": null,
        "mcpAppUi": null,
        "result": result,
        "error": error,
        "durationMs": duration,
    })
}

#[test]
fn running_call_is_in_progress_without_result() {
    assert_eq!(
        item(&echo(), McpCallState::Running),
        expected(
            "inProgress",
            json!({"message": "hi"}),
            Value::Null,
            Value::Null,
            Value::Null
        )
    );
}

#[test]
fn answered_call_keeps_the_result_and_fails_on_is_error() {
    let answer = |is_error| {
        Ok(McpToolCallResult {
            content: vec![json!({"type": "text", "text": "Echo: hi"})],
            structured_content: Some(json!({"n": 7})),
            is_error,
        })
    };
    let wire_result = json!({
        "content": [{"type": "text", "text": "Echo: hi"}],
        "structuredContent": {"n": 7},
        "_meta": null,
    });
    for (is_error, status) in [
        (None, "completed"),
        (Some(false), "completed"),
        (Some(true), "failed"),
    ] {
        let result = answer(is_error);
        let state = McpCallState::Finished {
            duration: Duration::from_millis(12),
            result: &result,
        };
        assert_eq!(
            item(&echo(), state),
            expected(
                status,
                json!({"message": "hi"}),
                wire_result.clone(),
                Value::Null,
                json!(12)
            )
        );
    }
}

#[test]
fn call_without_an_answer_fails_with_the_error() {
    let invocation = McpInvocation {
        arguments: None,
        ..echo()
    };
    let result = Err("tool call failed for `docs/echo`".to_string());
    let state = McpCallState::Finished {
        duration: Duration::from_millis(2000),
        result: &result,
    };
    assert_eq!(
        item(&invocation, state),
        expected(
            "failed",
            Value::Null,
            Value::Null,
            json!({"message": "tool call failed for `docs/echo`"}),
            json!(2000)
        )
    );
}

#[test]
fn startup_statuses() {
    let error = "MCP client for `web` failed to start: MCP startup failed: handshaking with MCP server failed: connection refused";
    let params = [
        McpStartupStatus::Starting,
        McpStartupStatus::Ready,
        McpStartupStatus::Failed {
            error: error.to_string(),
        },
        McpStartupStatus::Cancelled,
    ]
    .map(|status| {
        serde_json::to_value(startup_status("thread-1", "web".to_string(), status)).unwrap()
    });
    let expected = |status: &str, error: Value| {
        json!({
            "threadId": "thread-1",
            "name": "web",
            "status": status,
            "error": error,
            "failureReason": null,
        })
    };
    assert_eq!(
        params,
        [
            expected("starting", Value::Null),
            expected("ready", Value::Null),
            expected("failed", json!(error)),
            expected("cancelled", Value::Null),
        ]
    );
}
