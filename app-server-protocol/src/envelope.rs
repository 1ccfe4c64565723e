//! The JSON-RPC envelope of the app-server protocol: request ids, the four message shapes, error
//! codes and the compact one-line encoding. The original drops the `jsonrpc` member on output and
//! ignores it on input; key orders follow what it writes (`error` before `id` in errors,
//! `method`/`id`/`params` in server requests, `emittedAtMs` last in notifications).

use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `-32600`: every request-level error (bad method, bad params, handshake, unknown thread…).
pub const INVALID_REQUEST_ERROR_CODE: i64 = -32600;
/// `-32603`: a handler failed internally.
pub const INTERNAL_ERROR_CODE: i64 = -32603;
/// `-32001`: the bounded ingress queue is full.
pub const SERVER_OVERLOADED_ERROR_CODE: i64 = -32001;

/// A request id: a string or a signed 64-bit integer, echoed back with the same JSON type.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(untagged)]
pub enum RequestId {
    String(String),
    Integer(i64),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::String(id) => f.write_str(id),
            RequestId::Integer(id) => write!(f, "{id}"),
        }
    }
}

/// Any line that can travel in either direction. Decoding tries the shapes in this order, so a
/// request whose `id` is `null` or a float decodes as a notification (and gets no reply), and a
/// line matching none of them fails with serde's `data did not match any variant of untagged
/// enum JSONRPCMessage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[allow(clippy::upper_case_acronyms)]
pub enum JSONRPCMessage {
    Request(JSONRPCRequest),
    Notification(JSONRPCNotification),
    Response(JSONRPCResponse),
    Error(JSONRPCError),
}

/// A request that expects a response: `{"method":M,"id":ID,"params":P}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct JSONRPCRequest {
    pub method: String,
    pub id: RequestId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    /// W3C trace context a client MAY send; accepted and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<W3cTraceContext>,
}

/// Optional distributed-tracing context on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct W3cTraceContext {
    #[serde(default)]
    pub traceparent: Option<String>,
    #[serde(default)]
    pub tracestate: Option<String>,
}

/// A notification: `{"method":M,"params":P,"emittedAtMs":N}`. Server notifications always carry
/// `emittedAtMs`; the client's `initialized` carries neither `params` nor `emittedAtMs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct JSONRPCNotification {
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<Value>,
    #[serde(
        rename = "emittedAtMs",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub emitted_at_ms: Option<i64>,
}

/// A successful response: `{"id":ID,"result":R}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct JSONRPCResponse {
    pub id: RequestId,
    pub result: Value,
}

/// An error response: `{"error":{"code":C,"message":S},"id":ID}` (`error` is written first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct JSONRPCError {
    pub error: JSONRPCErrorError,
    pub id: RequestId,
}

/// The `error` member of an error response; `data` only when there is data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct JSONRPCErrorError {
    pub code: i64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl JSONRPCErrorError {
    /// `-32600` with an exact message (`Not initialized`, `thread not found: <id>`, …).
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self {
            code: INVALID_REQUEST_ERROR_CODE,
            message: message.into(),
            data: None,
        }
    }

    /// `-32600` `Invalid request: <decoder message>` for a request whose method or params did
    /// not decode (see [`crate::ClientRequest::from_method_call`]).
    pub fn undecodable_request(error: &serde_json::Error) -> Self {
        Self::invalid_request(format!("Invalid request: {error}"))
    }

    /// `-32603` with a free-text message.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            code: INTERNAL_ERROR_CODE,
            message: message.into(),
            data: None,
        }
    }
}

impl JSONRPCMessage {
    /// Decodes one input line (a trailing `\r` is tolerated; the `jsonrpc` member is ignored).
    pub fn from_line(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line.strip_suffix('\r').unwrap_or(line))
    }

    /// Encodes the message as one compact JSON line, `\n`-terminated.
    pub fn to_line(&self) -> Result<String, serde_json::Error> {
        let mut line = serde_json::to_string(self)?;
        line.push('\n');
        Ok(line)
    }
}

impl JSONRPCResponse {
    /// A response whose `result` is the serialized `result`.
    pub fn new(id: RequestId, result: &impl Serialize) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id,
            result: serde_json::to_value(result)?,
        })
    }
}

impl From<JSONRPCRequest> for JSONRPCMessage {
    fn from(message: JSONRPCRequest) -> Self {
        Self::Request(message)
    }
}

impl From<JSONRPCNotification> for JSONRPCMessage {
    fn from(message: JSONRPCNotification) -> Self {
        Self::Notification(message)
    }
}

impl From<JSONRPCResponse> for JSONRPCMessage {
    fn from(message: JSONRPCResponse) -> Self {
        Self::Response(message)
    }
}

impl From<JSONRPCError> for JSONRPCMessage {
    fn from(message: JSONRPCError) -> Self {
        Self::Error(message)
    }
}

/// Decodes `method` + `params` into a `method`/`params` tagged enum. An unknown method yields
/// serde's `` unknown variant `m`, expected one of `a`, `b`, … ``; absent params yield
/// `` missing field `params` ``; a params mismatch yields the field decoder's message.
pub(crate) fn decode_method_call<T: DeserializeOwned>(
    method: String,
    params: Option<Value>,
) -> Result<T, serde_json::Error> {
    let mut call = serde_json::Map::new();
    call.insert("method".to_string(), Value::String(method));
    if let Some(params) = params {
        call.insert("params".to_string(), params);
    }
    serde_json::from_value(Value::Object(call))
}
