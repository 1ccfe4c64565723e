//! JSON-RPC 2.0 as MCP uses it on stdio: one JSON object per line. Decoding sorts a client line
//! into a request, a notification or a reply to one of our requests — or the error to answer
//! with (-32700 for a line that is not JSON, -32600 for JSON that is no message) — and
//! `Outgoing` writes every line we send and routes the client's replies to our requests.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::atomic::AtomicI64;
use std::sync::atomic::Ordering;

use serde::Deserialize;
use serde::Serialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;

/// A request id: a string or an integer, echoed back with the same JSON type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestId {
    Integer(i64),
    String(String),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Integer(id) => write!(f, "{id}"),
            RequestId::String(id) => f.write_str(id),
        }
    }
}

/// The client's answer to one of our requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Result(Value),
    Error(Value),
}

/// One decoded client line.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Request {
        id: RequestId,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// A reply; `id` is `None` when the client could not tell which request it answers.
    Reply {
        id: Option<RequestId>,
        reply: Reply,
    },
}

/// A line we must answer with an error instead of handling it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// The offending message's id when it had a usable one, else `null`.
    pub id: Value,
    pub code: i64,
    pub message: String,
}

/// Decodes one line (a trailing `\r` is tolerated; `jsonrpc` is not checked).
pub fn decode(line: &str) -> Result<Message, Rejection> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let value: Value = serde_json::from_str(line).map_err(|err| Rejection {
        id: Value::Null,
        code: PARSE_ERROR,
        message: format!("Parse error: {err}"),
    })?;
    let Value::Object(mut object) = value else {
        return Err(invalid(Value::Null, "expected a JSON-RPC message object"));
    };
    let id = object.remove("id");
    let parsed_id = id
        .clone()
        .and_then(|id| serde_json::from_value::<RequestId>(id).ok());
    let shown_id = || parsed_id.clone().map_or(Value::Null, |id| json!(id));
    let params = object.remove("params").unwrap_or(Value::Null);
    match object.remove("method") {
        Some(Value::String(method)) => match (id, parsed_id.clone()) {
            (None, _) => Ok(Message::Notification { method, params }),
            (Some(_), Some(id)) => Ok(Message::Request { id, method, params }),
            (Some(_), None) => Err(invalid(
                Value::Null,
                "request id must be a string or an integer",
            )),
        },
        Some(_) => Err(invalid(shown_id(), "method must be a string")),
        None => {
            let reply = match (object.remove("result"), object.remove("error")) {
                (Some(result), None) => Reply::Result(result),
                (None, Some(error)) => Reply::Error(error),
                (Some(_), Some(_)) | (None, None) => {
                    return Err(invalid(
                        shown_id(),
                        "expected a request, a notification or a response",
                    ));
                }
            };
            Ok(Message::Reply {
                id: parsed_id,
                reply,
            })
        }
    }
}

fn invalid(id: Value, detail: &str) -> Rejection {
    Rejection {
        id,
        code: INVALID_REQUEST,
        message: format!("Invalid request: {detail}"),
    }
}

/// Every line the server writes goes through here, in order, to the stdout writer task.
pub struct Outgoing {
    tx: mpsc::Sender<String>,
    next_request_id: AtomicI64,
    pending: Mutex<HashMap<i64, oneshot::Sender<Reply>>>,
}

impl Outgoing {
    pub fn new(tx: mpsc::Sender<String>) -> Self {
        Outgoing {
            tx,
            next_request_id: AtomicI64::new(0),
            pending: Mutex::new(HashMap::new()),
        }
    }

    async fn send(&self, body: Map<String, Value>) {
        let mut message = Map::new();
        message.insert("jsonrpc".into(), json!("2.0"));
        message.extend(body);
        // A closed writer means the client is gone; there is nobody left to tell.
        let _ = self.tx.send(Value::Object(message).to_string()).await;
    }

    pub async fn respond(&self, id: &RequestId, result: Value) {
        let mut body = Map::new();
        body.insert("id".into(), json!(id));
        body.insert("result".into(), result);
        self.send(body).await;
    }

    /// An error response; `id` is `null` when the offending line had no usable id.
    pub async fn error(&self, id: Value, code: i64, message: String) {
        self.send_error(id, json!({"code": code, "message": message}))
            .await;
    }

    /// -32601 for a request we do not serve, with the method as `data`.
    pub async fn method_not_found(&self, id: &RequestId, method: &str) {
        let error = json!({
            "code": METHOD_NOT_FOUND,
            "message": format!("method not found: {method}"),
            "data": {"method": method},
        });
        self.send_error(json!(id), error).await;
    }

    async fn send_error(&self, id: Value, error: Value) {
        let mut body = Map::new();
        body.insert("id".into(), id);
        body.insert("error".into(), error);
        self.send(body).await;
    }

    pub async fn notify(&self, method: &str, params: Value) {
        let mut body = Map::new();
        body.insert("method".into(), json!(method));
        body.insert("params".into(), params);
        self.send(body).await;
    }

    /// Sends a request with the next integer id (from 0); returns the id and the reply to come.
    pub async fn request(&self, method: &str, params: Value) -> (i64, oneshot::Receiver<Reply>) {
        let id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.pending().insert(id, tx);
        let mut body = Map::new();
        body.insert("id".into(), json!(id));
        body.insert("method".into(), json!(method));
        body.insert("params".into(), params);
        self.send(body).await;
        (id, rx)
    }

    /// Routes a client reply; `false` when no request of ours with that id is waiting.
    pub fn resolve(&self, id: &RequestId, reply: Reply) -> bool {
        let RequestId::Integer(id) = id else {
            return false;
        };
        match self.pending().remove(id) {
            Some(tx) => {
                let _ = tx.send(reply);
                true
            }
            None => false,
        }
    }

    /// Forgets a request whose answer nobody waits for any more.
    pub fn forget(&self, id: i64) {
        self.pending().remove(&id);
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<i64, oneshot::Sender<Reply>>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn rejection(id: Value, code: i64, message: &str) -> Result<Message, Rejection> {
        Err(Rejection {
            id,
            code,
            message: message.to_string(),
        })
    }

    #[test]
    fn requests_notifications_and_replies() {
        assert_eq!(
            decode(r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#),
            Ok(Message::Request {
                id: RequestId::Integer(7),
                method: "ping".into(),
                params: Value::Null,
            })
        );
        assert_eq!(
            decode("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\",\"params\":{}}\r"),
            Ok(Message::Request {
                id: RequestId::String("a".into()),
                method: "tools/list".into(),
                params: json!({}),
            })
        );
        assert_eq!(
            decode(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Ok(Message::Notification {
                method: "notifications/initialized".into(),
                params: Value::Null,
            })
        );
        assert_eq!(
            decode(r#"{"jsonrpc":"2.0","id":0,"result":{"action":"accept"}}"#),
            Ok(Message::Reply {
                id: Some(RequestId::Integer(0)),
                reply: Reply::Result(json!({"action": "accept"})),
            })
        );
        assert_eq!(
            decode(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#),
            Ok(Message::Reply {
                id: None,
                reply: Reply::Error(json!({"code": -32700, "message": "x"})),
            })
        );
    }

    #[test]
    fn malformed_lines_are_rejected() {
        assert_eq!(
            decode("not json"),
            rejection(
                Value::Null,
                PARSE_ERROR,
                "Parse error: expected ident at line 1 column 2"
            )
        );
        assert_eq!(
            decode("[1,2]"),
            rejection(
                Value::Null,
                INVALID_REQUEST,
                "Invalid request: expected a JSON-RPC message object"
            )
        );
        assert_eq!(
            decode(r#"{"jsonrpc":"2.0","id":3}"#),
            rejection(
                json!(3),
                INVALID_REQUEST,
                "Invalid request: expected a request, a notification or a response"
            )
        );
        assert_eq!(
            decode(r#"{"id":true,"method":"ping"}"#),
            rejection(
                Value::Null,
                INVALID_REQUEST,
                "Invalid request: request id must be a string or an integer"
            )
        );
        assert_eq!(
            decode(r#"{"id":"x","method":5}"#),
            rejection(
                json!("x"),
                INVALID_REQUEST,
                "Invalid request: method must be a string"
            )
        );
    }
}
