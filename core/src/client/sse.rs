//! Server-sent events from `POST /responses`: split the byte stream into `data:` payloads and
//! turn the ones that matter into `ResponseEvent`s. Unknown event types are ignored.

use serde_json::Value;

use super::ApiError;
use super::ErrorKind;
use super::ResponseEvent;
use super::error::classify_response_failed;
use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;

/// Accumulates bytes and yields complete SSE `data:` payloads (multi-line data joined by `\n`).
#[derive(Default)]
pub struct SseDecoder {
    buffer: String,
    pending: Vec<u8>,
}

impl SseDecoder {
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        // Only decode up to the last complete UTF-8 sequence; the rest waits for more bytes.
        let valid_up_to = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            Err(err) => err.valid_up_to(),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid_up_to]).into_owned();
        self.pending.drain(..valid_up_to);
        self.buffer.push_str(&text.replace("\r\n", "\n"));

        let mut payloads = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            let data: Vec<&str> = block
                .lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .map(|data| data.strip_prefix(' ').unwrap_or(data))
                .collect();
            if !data.is_empty() {
                payloads.push(data.join("\n"));
            }
        }
        payloads
    }
}

/// What one event payload means for the attempt.
pub enum Parsed {
    Event(ResponseEvent),
    Failed(ApiError),
    Ignored,
}

pub fn parse_event(payload: &str) -> Parsed {
    let Ok(event) = serde_json::from_str::<Value>(payload) else {
        tracing::debug!("ignoring non-JSON SSE payload: {payload}");
        return Parsed::Ignored;
    };
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match kind {
        "response.output_item.done" => match event.get("item") {
            Some(item) => Parsed::Event(ResponseEvent::OutputItemDone(ResponseItem::from_server(
                item.clone(),
            ))),
            None => Parsed::Ignored,
        },
        "response.output_item.added" => match event.get("item") {
            Some(item) => Parsed::Event(ResponseEvent::OutputItemAdded(ResponseItem::from_server(
                item.clone(),
            ))),
            None => Parsed::Ignored,
        },
        "response.output_text.delta" => text_field(&event, "delta")
            .map(|delta| {
                Parsed::Event(ResponseEvent::OutputTextDelta {
                    item_id: text_field(&event, "item_id").unwrap_or_default(),
                    delta,
                })
            })
            .unwrap_or(Parsed::Ignored),
        "response.reasoning_summary_part.added" => {
            Parsed::Event(ResponseEvent::ReasoningSummaryPartAdded {
                item_id: text_field(&event, "item_id").unwrap_or_default(),
                summary_index: summary_index(&event),
            })
        }
        "response.reasoning_summary_text.delta" => text_field(&event, "delta")
            .map(|delta| {
                Parsed::Event(ResponseEvent::ReasoningSummaryDelta {
                    item_id: text_field(&event, "item_id").unwrap_or_default(),
                    summary_index: summary_index(&event),
                    delta,
                })
            })
            .unwrap_or(Parsed::Ignored),
        "response.completed" => {
            let response = event.get("response");
            let response_id = response
                .and_then(|r| r.get("id"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let usage = response
                .and_then(|r| r.get("usage"))
                .map(parse_usage)
                .unwrap_or_default();
            Parsed::Event(ResponseEvent::Completed { response_id, usage })
        }
        "response.failed" => {
            let error = event.get("response").and_then(|r| r.get("error"));
            let code = error.and_then(|e| e.get("code")).and_then(Value::as_str);
            let message = error
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("response.failed without a message");
            Parsed::Failed(classify_response_failed(code, message))
        }
        "response.incomplete" => {
            let reason = event
                .pointer("/response/incomplete_details/reason")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            Parsed::Failed(ApiError::Retryable {
                message: format!("Incomplete response returned, reason: {reason}"),
                delay: None,
                kind: ErrorKind::Other,
            })
        }
        _ => Parsed::Ignored,
    }
}

fn summary_index(event: &Value) -> u64 {
    event
        .get("summary_index")
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

fn text_field(event: &Value, name: &str) -> Option<String> {
    event.get(name).and_then(Value::as_str).map(str::to_string)
}

fn parse_usage(usage: &Value) -> TokenUsage {
    let get = |pointer: &str| usage.pointer(pointer).and_then(Value::as_u64).unwrap_or(0);
    TokenUsage {
        input_tokens: get("/input_tokens"),
        cached_input_tokens: get("/input_tokens_details/cached_tokens"),
        cache_write_input_tokens: 0,
        output_tokens: get("/output_tokens"),
        reasoning_output_tokens: get("/output_tokens_details/reasoning_tokens"),
        total_tokens: get("/total_tokens"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn splits_events_across_chunks() {
        let mut decoder = SseDecoder::default();
        assert_eq!(
            decoder.push(b"event: x\ndata: {\"a\""),
            Vec::<String>::new()
        );
        assert_eq!(
            decoder.push(b":1}\n\ndata: two\r\n\r\n"),
            vec!["{\"a\":1}".to_string(), "two".to_string()]
        );
        // A multi-byte character split across chunks survives.
        let snowman = "data: \u{2603}\n\n".as_bytes();
        assert_eq!(decoder.push(&snowman[..7]), Vec::<String>::new());
        assert_eq!(decoder.push(&snowman[7..]), vec!["\u{2603}".to_string()]);
    }

    #[test]
    fn completed_usage_defaults_to_zero() {
        let Parsed::Event(ResponseEvent::Completed { response_id, usage }) =
            parse_event(r#"{"type":"response.completed","response":{"id":"resp_1"}}"#)
        else {
            panic!("expected completed");
        };
        assert_eq!(response_id, "resp_1");
        assert_eq!(usage, TokenUsage::default());
    }

    #[test]
    fn completed_usage_is_read() {
        let Parsed::Event(ResponseEvent::Completed { usage, .. }) = parse_event(
            r#"{"type":"response.completed","response":{"id":"r","usage":{"input_tokens":1000,"input_tokens_details":{"cached_tokens":200},"output_tokens":50,"output_tokens_details":{"reasoning_tokens":10},"total_tokens":1050}}}"#,
        ) else {
            panic!("expected completed");
        };
        assert_eq!(
            usage,
            TokenUsage {
                input_tokens: 1000,
                cached_input_tokens: 200,
                cache_write_input_tokens: 0,
                output_tokens: 50,
                reasoning_output_tokens: 10,
                total_tokens: 1050
            }
        );
    }
}
