//! The Responses WebSocket transport (`responses-wire.md` §9) for providers with
//! `supports_websockets = true`: one connection per session, a prewarm frame (`generate: false`)
//! before the first request, then one `response.create` frame per sampling request carrying
//! `previous_response_id` and only the new input when the last exchange is a prefix of it.
//! Events are the SSE objects, one per text frame; the turn loop owns retries and the fallback.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::PoisonError;
use std::time::Duration;

use futures::SinkExt;
use futures::StreamExt;
use serde_json::Map;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderName;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use super::ApiError;
use super::ApiRequest;
use super::ErrorKind;
use super::ResponseEvent;
use super::ResponseStream;
use super::hooks::RequestHooks;
use super::sse;

pub const OPENAI_BETA_HEADER: &str = "responses_websockets=2026-02-06";

type Connection = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The WebSocket side of one session's model client. Cloned handles share the state.
#[derive(Debug, Clone)]
pub struct WebsocketTransport {
    url: String,
    idle_timeout: Duration,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// The open connection while no request is in flight (a request takes it out).
    connection: Option<Connection>,
    /// The last completed exchange on `connection`, for `previous_response_id`.
    previous: Option<Exchange>,
    prewarmed: bool,
    /// Retries ran out on the WebSocket: the rest of the session uses HTTP.
    fallen_back: bool,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("connected", &self.connection.is_some())
            .field("prewarmed", &self.prewarmed)
            .field("fallen_back", &self.fallen_back)
            .finish()
    }
}

/// A completed request: its full input, its output items and the response id.
#[derive(Debug, Clone, PartialEq)]
struct Exchange {
    input: Vec<Value>,
    output: Vec<Value>,
    response_id: String,
}

/// Whether a frame asks the model to generate (`generate: false` is the prewarm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generate {
    Yes,
    Prewarm,
}

impl WebsocketTransport {
    /// `responses_url` is the HTTP URL of `/responses`; its scheme becomes `ws`/`wss`.
    pub fn new(responses_url: &str, idle_timeout: Duration) -> Self {
        let url = match responses_url.split_once("://") {
            Some(("https", rest)) => format!("wss://{rest}"),
            Some(("http", rest)) => format!("ws://{rest}"),
            _ => responses_url.to_string(),
        };
        WebsocketTransport {
            url,
            idle_timeout,
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// False once the session fell back to HTTP.
    pub fn is_active(&self) -> bool {
        !self.state().fallen_back
    }

    /// Stops using the WebSocket for the rest of the session (closing the connection).
    pub fn fall_back(&self) {
        let mut state = self.state();
        state.fallen_back = true;
        state.connection = None;
        state.previous = None;
    }

    /// Sends `request` as a `response.create` frame, connecting (with `prewarm`'s headers) and
    /// prewarming first when needed. `extra_headers` are the provider's static headers.
    pub async fn stream(
        &self,
        request: &ApiRequest,
        prewarm: &ApiRequest,
        extra_headers: &[(String, String)],
        hooks: &RequestHooks,
    ) -> Result<ResponseStream, ApiError> {
        let (connection, previous, prewarmed) = {
            let mut state = self.state();
            (
                state.connection.take(),
                state.previous.take(),
                state.prewarmed,
            )
        };
        let (mut connection, mut previous) = match connection {
            Some(connection) => (connection, previous),
            // The previous response id only means something on the connection that made it.
            None => (self.connect(prewarm, extra_headers, hooks).await?, None),
        };
        if !prewarmed {
            let input = body_input(&prewarm.body);
            let frame =
                response_create_frame(&prewarm.body, None, input.clone(), Generate::Prewarm);
            send(&mut connection, &frame).await?;
            let response_id = self.read_prewarm(&mut connection).await?;
            self.state().prewarmed = true;
            previous = Some(Exchange {
                input,
                output: Vec::new(),
                response_id,
            });
        }
        let input = body_input(&request.body);
        let (previous_response_id, new_input) = incremental_input(previous.as_ref(), &input);
        let frame = response_create_frame(
            &request.body,
            previous_response_id.as_deref(),
            new_input,
            Generate::Yes,
        );
        send(&mut connection, &frame).await?;
        Ok(self.spawn_reader(connection, input))
    }

    async fn connect(
        &self,
        prewarm: &ApiRequest,
        extra_headers: &[(String, String)],
        hooks: &RequestHooks,
    ) -> Result<Connection, ApiError> {
        let mut request = self.url.as_str().into_client_request().map_err(|err| {
            ApiError::fatal(
                format!("invalid WebSocket URL {}: {err}", self.url),
                ErrorKind::Other,
            )
        })?;
        let headers = request.headers_mut();
        let mut has_version = false;
        for (name, value) in prewarm.headers.iter().chain(extra_headers) {
            if name == "accept" || name == "content-type" {
                continue;
            }
            has_version |= name == "version";
            insert_header(headers, name, value)?;
        }
        insert_header(headers, "openai-beta", OPENAI_BETA_HEADER)?;
        if !has_version {
            insert_header(headers, "version", env!("CARGO_PKG_VERSION"))?;
        }
        // W7: attested once per handshake, never per frame.
        if let Some(value) = hooks.attestation_header().await {
            headers.insert(crate::attestation::ATTESTATION_HEADER, value);
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((connection, _response)) => Ok(connection),
            Err(tungstenite::Error::Http(response)) => {
                let status = response.status();
                let request_id = response
                    .headers()
                    .get("x-request-id")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let body = response
                    .body()
                    .as_deref()
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default();
                Err(ApiError::Retryable {
                    message: format!(
                        "unexpected status {status}: {body}, url: {}, request id: {request_id}",
                        self.url
                    ),
                    delay: None,
                    kind: ErrorKind::HttpConnectionFailed,
                })
            }
            Err(err) => Err(ApiError::Retryable {
                message: format!("stream disconnected before completion: {err}"),
                delay: None,
                kind: ErrorKind::HttpConnectionFailed,
            }),
        }
    }

    /// Reads the prewarm's empty response up to `response.completed`; returns its id.
    async fn read_prewarm(&self, connection: &mut Connection) -> Result<String, ApiError> {
        loop {
            match sse::parse_event(&next_text(connection, self.idle_timeout).await?) {
                sse::Parsed::Event(ResponseEvent::Completed { response_id, .. }) => {
                    return Ok(response_id);
                }
                sse::Parsed::Event(_) | sse::Parsed::Ignored => {}
                sse::Parsed::Failed(err) => return Err(err),
            }
        }
    }

    /// Forwards the events of one response; on `response.completed` the connection goes back
    /// into the state (before the event is delivered, so the next request finds it).
    fn spawn_reader(&self, mut connection: Connection, input: Vec<Value>) -> ResponseStream {
        let (tx, rx) = mpsc::channel(64);
        let state = Arc::clone(&self.state);
        let idle_timeout = self.idle_timeout;
        tokio::spawn(async move {
            let mut output = Vec::new();
            loop {
                let text = match next_text(&mut connection, idle_timeout).await {
                    Ok(text) => text,
                    Err(err) => {
                        let _ = tx.send(Err(err)).await;
                        return;
                    }
                };
                let event = match sse::parse_event(&text) {
                    sse::Parsed::Ignored => continue,
                    sse::Parsed::Failed(err) => {
                        let _ = tx.send(Err(err)).await;
                        return;
                    }
                    sse::Parsed::Event(event) => event,
                };
                if let ResponseEvent::OutputItemDone(item) = &event
                    && let Ok(item) = serde_json::to_value(item)
                {
                    output.push(item);
                }
                if let ResponseEvent::Completed { response_id, .. } = &event {
                    {
                        let mut guard = state.lock().unwrap_or_else(PoisonError::into_inner);
                        if !guard.fallen_back {
                            guard.previous = Some(Exchange {
                                input,
                                output,
                                response_id: response_id.clone(),
                            });
                            guard.connection = Some(connection);
                        }
                    }
                    let _ = tx.send(Ok(event)).await;
                    return;
                }
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
        });
        rx
    }
}

fn insert_header(
    headers: &mut tungstenite::http::HeaderMap,
    name: &str,
    value: &str,
) -> Result<(), ApiError> {
    let invalid = |detail: String| {
        ApiError::fatal(
            format!("invalid header {name} for the WebSocket handshake: {detail}"),
            ErrorKind::Other,
        )
    };
    let name_value = HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
    let value = HeaderValue::from_str(value).map_err(|e| invalid(e.to_string()))?;
    headers.insert(name_value, value);
    Ok(())
}

async fn send(connection: &mut Connection, frame: &Value) -> Result<(), ApiError> {
    connection
        .send(Message::Text(frame.to_string().into()))
        .await
        .map_err(ApiError::disconnected)
}

/// The next text (or binary, read as UTF-8) frame; a close, an error or silence ends the attempt.
async fn next_text(
    connection: &mut Connection,
    idle_timeout: Duration,
) -> Result<String, ApiError> {
    loop {
        let message = match tokio::time::timeout(idle_timeout, connection.next()).await {
            Err(_) => return Err(ApiError::disconnected("idle timeout waiting for websocket")),
            Ok(None) | Ok(Some(Ok(Message::Close(_)))) => {
                return Err(ApiError::disconnected(
                    "websocket closed before response.completed",
                ));
            }
            Ok(Some(Err(err))) => return Err(ApiError::disconnected(err)),
            Ok(Some(Ok(message))) => message,
        };
        match message {
            Message::Text(text) => return Ok(text.to_string()),
            Message::Binary(bytes) => return Ok(String::from_utf8_lossy(&bytes).into_owned()),
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) | Message::Close(_) => {}
        }
    }
}

fn body_input(body: &Value) -> Vec<Value> {
    body.get("input")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// W3: when the previous exchange (its input, then its output) is a prefix of `input`, only the
/// rest is sent, chained to the previous response; otherwise the whole input.
fn incremental_input(previous: Option<&Exchange>, input: &[Value]) -> (Option<String>, Vec<Value>) {
    if let Some(previous) = previous {
        let prefix_len = previous.input.len() + previous.output.len();
        let is_prefix = input.len() >= prefix_len
            && previous
                .input
                .iter()
                .chain(&previous.output)
                .zip(input)
                .all(|(before, now)| before == now);
        if is_prefix {
            return (
                Some(previous.response_id.clone()),
                input[prefix_len..].to_vec(),
            );
        }
    }
    (None, input.to_vec())
}

/// The HTTP body as a frame: `type` first, `previous_response_id` after `stream`, `generate`
/// before `client_metadata` (§4), `input` replaced.
fn response_create_frame(
    body: &Value,
    previous_response_id: Option<&str>,
    input: Vec<Value>,
    generate: Generate,
) -> Value {
    let mut frame = Map::new();
    frame.insert("type".into(), Value::from("response.create"));
    let mut input = Some(input);
    if let Value::Object(fields) = body {
        for (key, value) in fields {
            match key.as_str() {
                "input" => {
                    frame.insert(key.clone(), Value::Array(input.take().unwrap_or_default()));
                }
                "client_metadata" => {
                    if generate == Generate::Prewarm {
                        frame.insert("generate".into(), Value::Bool(false));
                    }
                    frame.insert(key.clone(), value.clone());
                }
                _ => {
                    frame.insert(key.clone(), value.clone());
                }
            }
            if key == "stream"
                && let Some(id) = previous_response_id
            {
                frame.insert("previous_response_id".into(), Value::from(id));
            }
        }
    }
    Value::Object(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use serde_json::json;

    #[test]
    fn url_scheme_becomes_ws() {
        let idle = Duration::from_secs(1);
        assert_eq!(
            WebsocketTransport::new("https://api.openai.com/v1/responses", idle).url(),
            "wss://api.openai.com/v1/responses"
        );
        assert_eq!(
            WebsocketTransport::new("http://127.0.0.1:9/v1/responses?a=b", idle).url(),
            "ws://127.0.0.1:9/v1/responses?a=b"
        );
    }

    #[test]
    fn frame_key_order() {
        let body = json!({
            "model": "m", "stream": true, "input": [1, 2], "tools": [],
            "client_metadata": {"turn_id": "t"},
        });
        let frame = response_create_frame(&body, Some("resp_1"), vec![json!(2)], Generate::Yes);
        assert_eq!(
            frame.to_string(),
            r#"{"type":"response.create","model":"m","stream":true,"previous_response_id":"resp_1","input":[2],"tools":[],"client_metadata":{"turn_id":"t"}}"#
        );
        let prewarm = response_create_frame(&body, None, vec![json!(1)], Generate::Prewarm);
        assert_eq!(
            prewarm.to_string(),
            r#"{"type":"response.create","model":"m","stream":true,"input":[1],"tools":[],"generate":false,"client_metadata":{"turn_id":"t"}}"#
        );
    }

    #[test]
    fn only_items_after_the_previous_exchange_are_sent() {
        let previous = Exchange {
            input: vec![json!("base")],
            output: vec![json!("answer")],
            response_id: "resp_1".to_string(),
        };
        let input = vec![json!("base"), json!("answer"), json!("next")];
        assert_eq!(
            incremental_input(Some(&previous), &input),
            (Some("resp_1".to_string()), vec![json!("next")])
        );
        let diverged = vec![json!("base"), json!("other"), json!("next")];
        assert_eq!(
            incremental_input(Some(&previous), &diverged),
            (None, diverged.clone())
        );
        assert_eq!(incremental_input(None, &input), (None, input.clone()));
    }
}
