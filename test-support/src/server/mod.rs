//! The mock Responses server: a real HTTP/1.1 listener on `127.0.0.1:0` served by its own
//! current-thread tokio runtime on a background thread, so plain `#[test]` functions can run the
//! `codex` binary against it. `POST /v1/responses` pops the next scripted [`MockResponse`];
//! every request (any method/path) is recorded for the test to inspect.

mod script;
#[cfg(test)]
mod tests;

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

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::Method;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::Value;
use tokio::sync::oneshot;

pub use script::MockResponse;

/// A running mock Responses server; dropping it stops the server and closes every connection.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query, e.g. `/v1/responses`.
    pub path: String,
    /// The raw query string without `?`, if the URL had one.
    pub query: Option<String>,
    /// Lowercase names; in arrival order, except that repeated names are grouped at the first.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, `Null` when it is empty or not JSON.
    pub body: Value,
    pub raw_body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn new(parts: &Parts, raw_body: Vec<u8>) -> Self {
        RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_string(), value)
                })
                .collect(),
            body: serde_json::from_slice(&raw_body).unwrap_or(Value::Null),
            raw_body,
        }
    }
}

/// State shared between the test thread and the server's handlers. Locks are never held across
/// an `.await`.
struct Shared {
    script: Mutex<Script>,
    requests: Mutex<Vec<RecordedRequest>>,
    request_arrived: Condvar,
}

struct Script {
    pending: VecDeque<MockResponse>,
    scripted: usize,
    served: usize,
}

impl Shared {
    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        // A panicking test thread must not hide the requests from the rest of the test.
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, request: RecordedRequest) {
        self.requests().push(request);
        self.request_arrived.notify_all();
    }

    fn next_response(&self) -> Response {
        let mut script = self.script.lock().unwrap_or_else(PoisonError::into_inner);
        script.served += 1;
        match script.pending.pop_front() {
            Some(response) => response.into_http(),
            None => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "mock server has no more scripted responses: this is POST /v1/responses #{}, \
                     the test scripted {}",
                    script.served, script.scripted
                ),
            ),
        }
    }
}

impl MockServer {
    /// Binds `127.0.0.1:0` and starts serving `responses`, one per `POST /v1/responses`.
    ///
    /// # Panics
    /// When the runtime cannot be built or the port cannot be bound.
    pub fn start(responses: Vec<MockResponse>) -> MockServer {
        let scripted = responses.len();
        let shared = Arc::new(Shared {
            script: Mutex::new(Script {
                pending: responses.into(),
                scripted,
                served: 0,
            }),
            requests: Mutex::new(Vec::new()),
            request_arrived: Condvar::new(),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|err| panic!("mock server: cannot build a tokio runtime: {err}"));
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|listener| listener.set_nonblocking(true).map(|()| listener))
            .unwrap_or_else(|err| panic!("mock server: cannot bind 127.0.0.1:0: {err}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|err| panic!("mock server: bound socket has no address: {err}"));
        let listener = {
            let _runtime_context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
                .unwrap_or_else(|err| panic!("mock server: cannot register the listener: {err}"))
        };
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (shutdown, shutdown_requested) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("mock-responses-{addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(err) = result {
                                eprintln!("mock server on {addr} stopped: {err}");
                            }
                        }
                        _ = shutdown_requested => {}
                    }
                });
                // Dropping the runtime here drops every connection task, hanging ones included.
            })
            .unwrap_or_else(|err| panic!("mock server: cannot spawn its thread: {err}"));
        MockServer {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`: the provider `base_url`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.uri())
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().clone()
    }

    /// Waits until at least `n` requests have arrived or `timeout` has passed, then returns all
    /// requests received so far (fewer than `n` after a timeout: assert on the length).
    pub fn wait_for_requests(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let deadline = Instant::now() + timeout;
        let mut requests = self.shared.requests();
        while requests.len() < n {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            requests = self
                .shared
                .request_arrived
                .wait_timeout(requests, remaining)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        requests.clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was already reported by the panic hook.
            let _ = thread.join();
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (raw_body, read_error) = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => (bytes.to_vec(), None),
        Err(err) => (Vec::new(), Some(err)),
    };
    shared.record(RecordedRequest::new(&parts, raw_body));
    if let Some(err) = read_error {
        return plain(
            StatusCode::BAD_REQUEST,
            format!("mock server: cannot read the request body: {err}"),
        );
    }
    if parts.method == Method::POST && parts.uri.path() == "/v1/responses" {
        shared.next_response()
    } else {
        plain(
            StatusCode::NOT_FOUND,
            format!(
                "mock server: no route for {} {} (only POST /v1/responses is served)",
                parts.method,
                parts.uri.path()
            ),
        )
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
}
