//! The mock Responses WebSocket server (`responses-wire.md` §9): a tokio-tungstenite listener
//! on `127.0.0.1:0` serving `ws://…/v1/responses` from its own runtime thread. It records each
//! handshake's headers and every received frame (parsed JSON); each `response.create` frame is
//! answered with the next scripted event list (one JSON event per text frame), except the
//! prewarm frame (`generate: false`), which gets an empty response with id `resp_prewarm_<n>`.
//! To test a refused upgrade, point the client at [`crate::MockServer`]: it answers the `GET`
//! with a 404 and serves the HTTP fallback.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Condvar;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::PoisonError;
use std::thread::JoinHandle;
use std::time::Duration;
use std::time::Instant;

use futures::SinkExt;
use futures::StreamExt;
use serde_json::Value;
use serde_json::json;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::ErrorResponse;
use tokio_tungstenite::tungstenite::handshake::server::Request;
use tokio_tungstenite::tungstenite::handshake::server::Response;
use tokio_tungstenite::tungstenite::http::StatusCode;

/// One accepted (or refused) upgrade request.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedHandshake {
    pub path: String,
    /// Lowercase names in arrival order.
    pub headers: Vec<(String, String)>,
}

impl RecordedHandshake {
    /// The first value of header `name` (matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A running mock WebSocket server; dropping it stops the server and closes every connection.
pub struct MockWebsocketServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    /// Event lists for the `response.create` frames that generate, in order.
    script: Mutex<VecDeque<Vec<Value>>>,
    log: Mutex<Log>,
    changed: Condvar,
}

#[derive(Default)]
struct Log {
    handshakes: Vec<RecordedHandshake>,
    frames: Vec<Value>,
    prewarms: usize,
}

impl Shared {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The events answering `frame` (recording it first).
    fn answer(&self, frame: Value) -> Vec<Value> {
        let prewarm = frame.get("generate") == Some(&Value::Bool(false));
        let prewarm_number = {
            let mut log = self.log();
            log.frames.push(frame);
            if prewarm {
                log.prewarms += 1;
            }
            log.prewarms
        };
        self.changed.notify_all();
        if prewarm {
            let id = format!("resp_prewarm_{prewarm_number}");
            return vec![
                json!({"type": "response.created", "response": {"id": id}}),
                json!({"type": "response.completed", "response": {"id": id}}),
            ];
        }
        let next = self
            .script
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        next.unwrap_or_else(|| {
            vec![json!({
                "type": "response.failed",
                "response": {"id": "resp_unscripted", "status": "failed", "error": {
                    "code": "invalid_request",
                    "message": "mock websocket server has no more scripted responses",
                }},
            })]
        })
    }
}

impl MockWebsocketServer {
    /// Binds `127.0.0.1:0`; each generating `response.create` frame gets the next event list.
    ///
    /// # Panics
    /// When the runtime cannot be built or the port cannot be bound.
    pub fn start(responses: Vec<Vec<Value>>) -> MockWebsocketServer {
        let shared = Arc::new(Shared {
            script: Mutex::new(responses.into()),
            log: Mutex::new(Log::default()),
            changed: Condvar::new(),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|err| panic!("mock websocket: cannot build a tokio runtime: {err}"));
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .unwrap_or_else(|err| panic!("mock websocket: cannot bind 127.0.0.1:0: {err}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|err| panic!("mock websocket: bound socket has no address: {err}"));
        let listener = {
            let _runtime_context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
                .unwrap_or_else(|err| panic!("mock websocket: cannot register the listener: {err}"))
        };
        let (shutdown, shutdown_requested) = oneshot::channel::<()>();
        let accept_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("mock-websocket-{addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let accept = async {
                        while let Ok((stream, _)) = listener.accept().await {
                            tokio::spawn(serve(stream, Arc::clone(&accept_shared)));
                        }
                    };
                    tokio::select! {
                        () = accept => {}
                        _ = shutdown_requested => {}
                    }
                });
            })
            .unwrap_or_else(|err| panic!("mock websocket: cannot spawn its thread: {err}"));
        MockWebsocketServer {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/v1`: the provider `base_url` (the client turns it into `ws://`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every upgrade request received so far.
    pub fn handshakes(&self) -> Vec<RecordedHandshake> {
        self.shared.log().handshakes.clone()
    }

    /// Every frame received so far (parsed JSON; `Null` for a frame that is not JSON).
    pub fn frames(&self) -> Vec<Value> {
        self.shared.log().frames.clone()
    }

    /// Waits until at least `n` frames have arrived or `timeout` has passed, then returns them.
    pub fn wait_for_frames(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        let mut log = self.shared.log();
        while log.frames.len() < n {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            log = self
                .shared
                .changed
                .wait_timeout(log, remaining)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        log.frames.clone()
    }
}

impl Drop for MockWebsocketServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    // tungstenite's handshake `Callback` trait fixes the (large) error type.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| {
        let handshake = RecordedHandshake {
            path: request.uri().path().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_string(), value)
                })
                .collect(),
        };
        let wrong_path = handshake.path != "/v1/responses";
        shared.log().handshakes.push(handshake);
        shared.changed.notify_all();
        if wrong_path {
            let mut refused = ErrorResponse::new(Some(format!(
                "mock websocket: no route for {} (only /v1/responses is served)",
                request.uri().path()
            )));
            *refused.status_mut() = StatusCode::NOT_FOUND;
            return Err(refused);
        }
        Ok(response)
    };
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    while let Some(Ok(message)) = socket.next().await {
        let text = match message {
            Message::Text(text) => text.to_string(),
            Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Message::Close(_) => return,
            Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => continue,
        };
        let frame = serde_json::from_str(&text).unwrap_or(Value::Null);
        for event in shared.answer(frame) {
            if socket
                .send(Message::Text(event.to_string().into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}
