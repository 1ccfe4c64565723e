//! The app-server JSONL messages this client sends (debug-client.md §2) and a loose reading of
//! the lines it receives (app-server.md §2). Plain `serde_json::Value`s: the client only needs a
//! handful of fields and must keep printing lines it does not understand.

use std::fmt;

use serde_json::Value;
use serde_json::json;

use crate::cli::ThreadOverrides;

/// A JSON-RPC id: the server's request ids may be strings or integers, ours are integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestId {
    Integer(i64),
    String(String),
}

impl RequestId {
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Number(number) => number.as_i64().map(Self::Integer),
            Value::String(text) => Some(Self::String(text.clone())),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Self::Integer(id) => Value::from(*id),
            Self::String(id) => Value::from(id.as_str()),
        }
    }
}

/// Printed the way the original prints its ids (`Integer(3)`, `String("a")`).
impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer(id) => write!(f, "Integer({id})"),
            Self::String(id) => write!(f, "String({id:?})"),
        }
    }
}

/// One line from the server, classified by its envelope.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Response {
        id: RequestId,
        result: Value,
    },
    /// An error response; `id` is `None` when the server could not tell which request failed.
    Error {
        id: Option<RequestId>,
        message: String,
    },
    Request {
        id: RequestId,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
}

impl Incoming {
    /// `None` for lines that are not JSON-RPC messages; the caller still prints them.
    pub fn parse(line: &str) -> Option<Self> {
        let Value::Object(mut message) = serde_json::from_str::<Value>(line).ok()? else {
            return None;
        };
        let params = message.remove("params").unwrap_or(Value::Null);
        if let Some(Value::String(method)) = message.remove("method") {
            return Some(match message.get("id") {
                Some(id) => Self::Request {
                    id: RequestId::from_value(id)?,
                    method,
                    params,
                },
                None => Self::Notification { method, params },
            });
        }
        if let Some(error) = message.get("error") {
            return Some(Self::Error {
                id: message.get("id").and_then(RequestId::from_value),
                message: error["message"].as_str().unwrap_or_default().to_string(),
            });
        }
        let result = message.remove("result")?;
        Some(Self::Response {
            id: RequestId::from_value(message.get("id")?)?,
            result,
        })
    }
}

pub fn initialize(id: i64, attestation_token: Option<&str>) -> Value {
    let mut capabilities = json!({
        "experimentalApi": true,
        "optOutNotificationMethods": null,
    });
    if attestation_token.is_some() {
        capabilities["requestAttestation"] = Value::Bool(true);
    }
    json!({
        "method": "initialize",
        "id": id,
        "params": {
            "clientInfo": {
                "name": "debug-client",
                "title": "Debug Client",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "capabilities": capabilities,
        },
    })
}

pub fn initialized() -> Value {
    json!({"method": "initialized"})
}

pub fn thread_start(id: i64, overrides: &ThreadOverrides) -> Value {
    json!({
        "method": "thread/start",
        "id": id,
        "params": {
            "model": overrides.model,
            "modelProvider": overrides.model_provider,
            "cwd": overrides.cwd,
            "approvalPolicy": overrides.approval_policy.wire_value(),
            "experimentalRawEvents": false,
        },
    })
}

pub fn thread_resume(id: i64, thread_id: &str, overrides: &ThreadOverrides) -> Value {
    json!({
        "method": "thread/resume",
        "id": id,
        "params": {
            "threadId": thread_id,
            "model": overrides.model,
            "modelProvider": overrides.model_provider,
            "cwd": overrides.cwd,
            "approvalPolicy": overrides.approval_policy.wire_value(),
        },
    })
}

pub fn thread_list(id: i64) -> Value {
    json!({
        "method": "thread/list",
        "id": id,
        "params": {
            "cursor": null,
            "limit": null,
            "sortKey": null,
            "modelProviders": null,
            "sourceKinds": null,
            "archived": null,
            "cwd": null,
            "searchTerm": null,
        },
    })
}

pub fn turn_start(id: i64, thread_id: &str, text: &str) -> Value {
    json!({
        "method": "turn/start",
        "id": id,
        "params": {
            "threadId": thread_id,
            "input": [{"type": "text", "text": text, "text_elements": []}],
        },
    })
}

/// The reply to a server request.
pub fn reply(id: &RequestId, result: Value) -> Value {
    json!({"id": id.to_value(), "result": result})
}

/// `result.thread.id` of a `thread/start` or `thread/resume` response.
pub fn thread_id_of(result: &Value) -> Option<&str> {
    result["thread"]["id"].as_str()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::cli::ApprovalPolicy;

    fn overrides() -> ThreadOverrides {
        ThreadOverrides {
            model: Some("gpt-test".to_string()),
            model_provider: None,
            cwd: Some("/work".to_string()),
            approval_policy: ApprovalPolicy::Untrusted,
        }
    }

    #[test]
    fn outgoing_lines_are_compact_and_ordered() {
        let lines: Vec<String> = [
            initialize(1, None),
            initialized(),
            thread_start(2, &overrides()),
            thread_resume(3, "t-1", &overrides()),
            thread_list(4),
            turn_start(5, "t-1", "hi \"there\""),
            reply(
                &RequestId::String("s-1".to_string()),
                json!({"decision": "decline"}),
            ),
        ]
        .iter()
        .map(Value::to_string)
        .collect();
        assert_eq!(
            lines,
            [
                r#"{"method":"initialize","id":1,"params":{"clientInfo":{"name":"debug-client","title":"Debug Client","version":"0.169.0"},"capabilities":{"experimentalApi":true,"optOutNotificationMethods":null}}}"#,
                r#"{"method":"initialized"}"#,
                r#"{"method":"thread/start","id":2,"params":{"model":"gpt-test","modelProvider":null,"cwd":"/work","approvalPolicy":"untrusted","experimentalRawEvents":false}}"#,
                r#"{"method":"thread/resume","id":3,"params":{"threadId":"t-1","model":"gpt-test","modelProvider":null,"cwd":"/work","approvalPolicy":"untrusted"}}"#,
                r#"{"method":"thread/list","id":4,"params":{"cursor":null,"limit":null,"sortKey":null,"modelProviders":null,"sourceKinds":null,"archived":null,"cwd":null,"searchTerm":null}}"#,
                r#"{"method":"turn/start","id":5,"params":{"threadId":"t-1","input":[{"type":"text","text":"hi \"there\"","text_elements":[]}]}}"#,
                r#"{"id":"s-1","result":{"decision":"decline"}}"#,
            ]
        );
    }

    #[test]
    fn initialize_declares_attestation_only_with_a_token() {
        assert_eq!(
            initialize(1, Some("tok"))["params"]["capabilities"],
            json!({"experimentalApi": true, "optOutNotificationMethods": null, "requestAttestation": true})
        );
    }

    #[test]
    fn incoming_envelopes() {
        let cases = [
            (
                r#"{"id":2,"result":{"thread":{"id":"t"}}}"#,
                Some(Incoming::Response {
                    id: RequestId::Integer(2),
                    result: json!({"thread": {"id": "t"}}),
                }),
            ),
            (
                r#"{"error":{"code":-32600,"message":"Not initialized"},"id":"pre-1"}"#,
                Some(Incoming::Error {
                    id: Some(RequestId::String("pre-1".to_string())),
                    message: "Not initialized".to_string(),
                }),
            ),
            (
                r#"{"error":{"code":-32600,"message":"bad"},"id":null}"#,
                Some(Incoming::Error {
                    id: None,
                    message: "bad".to_string(),
                }),
            ),
            (
                r#"{"method":"attestation/generate","id":0,"params":{}}"#,
                Some(Incoming::Request {
                    id: RequestId::Integer(0),
                    method: "attestation/generate".to_string(),
                    params: json!({}),
                }),
            ),
            (
                r#"{"method":"turn/started","params":{"threadId":"t"},"emittedAtMs":1}"#,
                Some(Incoming::Notification {
                    method: "turn/started".to_string(),
                    params: json!({"threadId": "t"}),
                }),
            ),
            ("not json", None),
            ("[1,2]", None),
            (r#"{"foo":1}"#, None),
            (r#"{"method":"x","id":1.5,"params":{}}"#, None),
        ];
        for (line, expected) in cases {
            assert_eq!(Incoming::parse(line), expected, "{line}");
        }
    }

    #[test]
    fn request_ids_print_like_the_original() {
        assert_eq!(RequestId::Integer(7).to_string(), "Integer(7)");
        assert_eq!(
            RequestId::String("a".to_string()).to_string(),
            "String(\"a\")"
        );
    }
}
