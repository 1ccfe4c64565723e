//! Builders for the SSE events a Responses server sends, in exactly the wire shapes of
//! `responses-wire.md` §8 (key order included: the client echoes items back as received).
//! Each returns the JSON object that goes after `data: `.

use serde_json::Value;
use serde_json::json;

/// `response.output_item.done` carrying a completed assistant message.
pub fn ev_assistant_message(id: &str, text: &str) -> Value {
    output_item_done(assistant_message_item(id, text))
}

/// Like [`ev_assistant_message`], with the item's `phase` (e.g. `"commentary"`, `"final_answer"`).
pub fn ev_assistant_message_with_phase(id: &str, text: &str, phase: &str) -> Value {
    let mut item = assistant_message_item(id, text);
    if let Value::Object(fields) = &mut item {
        fields.insert("phase".to_string(), Value::from(phase));
    }
    output_item_done(item)
}

/// `response.output_item.done` carrying a reasoning item with one `summary_text` per part
/// (no `content`, no `encrypted_content`: the client must echo those as `null`).
pub fn ev_reasoning(id: &str, summary_parts: &[&str]) -> Value {
    let summary: Vec<Value> = summary_parts
        .iter()
        .map(|text| json!({"type": "summary_text", "text": text}))
        .collect();
    output_item_done(json!({"type": "reasoning", "id": id, "summary": summary}))
}

/// `response.output_item.done` carrying a function call; the item id is `fc_<call_id>` and
/// `arguments` is the JSON text the model produced (e.g. `r#"{"cmd":"echo hi"}"#`).
pub fn ev_function_call(call_id: &str, name: &str, arguments: &str) -> Value {
    output_item_done(json!({
        "type": "function_call",
        "id": format!("fc_{call_id}"),
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }))
}

/// `response.output_item.done` carrying a freeform (custom) tool call such as `apply_patch`;
/// the item id is `ctc_<call_id>`.
pub fn ev_custom_tool_call(call_id: &str, name: &str, input: &str) -> Value {
    output_item_done(json!({
        "type": "custom_tool_call",
        "id": format!("ctc_{call_id}"),
        "call_id": call_id,
        "name": name,
        "input": input,
        "status": "completed",
    }))
}

/// `response.completed` without `usage` (the client counts all zeros).
pub fn ev_completed(response_id: &str) -> Value {
    json!({"type": "response.completed", "response": {"id": response_id}})
}

/// `response.completed` with a full `usage` object.
pub fn ev_completed_with_usage(
    response_id: &str,
    input_tokens: u64,
    cached_tokens: u64,
    output_tokens: u64,
    reasoning_tokens: u64,
    total_tokens: u64,
) -> Value {
    json!({
        "type": "response.completed",
        "response": {
            "id": response_id,
            "usage": {
                "input_tokens": input_tokens,
                "input_tokens_details": {"cached_tokens": cached_tokens},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
                "total_tokens": total_tokens,
            },
        },
    })
}

/// `response.failed` with `response.error.code` / `message` (classified by the client, §10).
pub fn ev_failed(response_id: &str, code: &str, message: &str) -> Value {
    json!({
        "type": "response.failed",
        "response": {
            "id": response_id,
            "status": "failed",
            "error": {"code": code, "message": message},
        },
    })
}

/// `response.output_text.delta`: live display only, never produces an item.
pub fn ev_output_text_delta(delta: &str) -> Value {
    json!({"type": "response.output_text.delta", "delta": delta})
}

/// `response.output_item.added` with any item: live display only, never produces an item.
pub fn ev_output_item_added(item: Value) -> Value {
    json!({"type": "response.output_item.added", "output_index": 0, "item": item})
}

fn assistant_message_item(id: &str, text: &str) -> Value {
    json!({
        "type": "message",
        "role": "assistant",
        "id": id,
        "content": [{"type": "output_text", "text": text}],
    })
}

fn output_item_done(item: Value) -> Value {
    json!({"type": "response.output_item.done", "output_index": 0, "item": item})
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    /// Compares the exact serialized text, so key order is checked too.
    fn assert_wire(event: Value, expected: &str) {
        assert_eq!(event.to_string(), expected);
    }

    #[test]
    fn assistant_message_matches_the_minimal_stream() {
        assert_wire(
            ev_assistant_message("msg_1", "Hi"),
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"message","role":"assistant","id":"msg_1","content":[{"type":"output_text","text":"Hi"}]}}"#,
        );
    }

    #[test]
    fn assistant_message_with_phase_appends_phase() {
        assert_wire(
            ev_assistant_message_with_phase("msg_2", "Done.", "final_answer"),
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"message","role":"assistant","id":"msg_2","content":[{"type":"output_text","text":"Done."}],"phase":"final_answer"}}"#,
        );
    }

    #[test]
    fn reasoning_has_one_summary_text_per_part() {
        assert_wire(
            ev_reasoning("rs_1", &["**Plan**", "Look at files"]),
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"**Plan**"},{"type":"summary_text","text":"Look at files"}]}}"#,
        );
    }

    #[test]
    fn function_call_matches_the_spec_item() {
        assert_wire(
            ev_function_call("call_1", "exec_command", r#"{"cmd":"echo hi"}"#),
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","id":"fc_call_1","call_id":"call_1","name":"exec_command","arguments":"{\"cmd\":\"echo hi\"}","status":"completed"}}"#,
        );
    }

    #[test]
    fn custom_tool_call_matches_the_spec_item() {
        assert_wire(
            ev_custom_tool_call("call_2", "apply_patch", "*** Begin Patch\n*** End Patch"),
            r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"custom_tool_call","id":"ctc_call_2","call_id":"call_2","name":"apply_patch","input":"*** Begin Patch\n*** End Patch","status":"completed"}}"#,
        );
    }

    #[test]
    fn completed_with_and_without_usage() {
        assert_wire(
            ev_completed("resp_1"),
            r#"{"type":"response.completed","response":{"id":"resp_1"}}"#,
        );
        assert_wire(
            ev_completed_with_usage("resp_1", 1000, 200, 50, 10, 1050),
            r#"{"type":"response.completed","response":{"id":"resp_1","usage":{"input_tokens":1000,"input_tokens_details":{"cached_tokens":200},"output_tokens":50,"output_tokens_details":{"reasoning_tokens":10},"total_tokens":1050}}}"#,
        );
    }

    #[test]
    fn failed_carries_status_and_error() {
        assert_wire(
            ev_failed("resp_1", "server_error", "boom"),
            r#"{"type":"response.failed","response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"boom"}}}"#,
        );
    }

    #[test]
    fn live_display_events() {
        assert_wire(
            ev_output_text_delta("He"),
            r#"{"type":"response.output_text.delta","delta":"He"}"#,
        );
        assert_wire(
            ev_output_item_added(
                json!({"type": "message", "role": "assistant", "id": "msg_1", "content": []}),
            ),
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"message","role":"assistant","id":"msg_1","content":[]}}"#,
        );
    }
}
