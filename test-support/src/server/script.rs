//! What the mock server answers to one `POST /v1/responses`, and how each answer is written on
//! the wire: SSE bodies (complete, delayed, cut, or left hanging) and plain status responses.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use crate::events::ev_assistant_message;
use crate::events::ev_completed_with_usage;
use crate::events::ev_custom_tool_call;
use crate::events::ev_function_call;

/// How long an `SseThenClose` body stays pending before failing. Hyper drops its unflushed write
/// buffer when a body errors; going pending first makes it flush the events to the socket.
const FLUSH_BEFORE_CUT: Duration = Duration::from_millis(50);

/// One scripted answer to one `POST /v1/responses`.
#[derive(Debug, Clone, PartialEq)]
pub enum MockResponse {
    /// 200 `text/event-stream`; each event written as `data: <compact json>\n\n`, then the
    /// chunked body ends cleanly.
    Sse(Vec<Value>),
    /// Like `Sse`, waiting `delay` before each event (for streaming/interrupt tests).
    SseDelayed { events: Vec<Value>, delay: Duration },
    /// Sends the events, then drops the connection without the terminating chunk: the client
    /// sees a body error and no terminal event.
    SseThenClose(Vec<Value>),
    /// Sends the events, then keeps the connection open and silent (idle-timeout tests).
    SseThenHang(Vec<Value>),
    /// A plain HTTP response with exactly these headers (no content-type unless given).
    /// An invalid status or header is answered with a 500 explaining the script error.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
}

impl MockResponse {
    /// The minimal stream of §8: assistant message `msg_1` with `text`, then `response.completed`
    /// `resp_1` with usage input 1000, cached 200, output 50, reasoning 10, total 1050.
    pub fn message(text: &str) -> Self {
        MockResponse::Sse(vec![
            ev_assistant_message("msg_1", text),
            usage_completed("resp_1"),
        ])
    }

    /// A function call (item `fc_<call_id>`), then `response.completed` `resp_<call_id>` with the
    /// same usage as [`MockResponse::message`].
    pub fn function_call(call_id: &str, name: &str, arguments: &str) -> Self {
        MockResponse::Sse(vec![
            ev_function_call(call_id, name, arguments),
            usage_completed(&format!("resp_{call_id}")),
        ])
    }

    /// A custom tool call such as `apply_patch` (item `ctc_<call_id>`), then
    /// `response.completed` `resp_<call_id>` with the same usage as [`MockResponse::message`].
    pub fn custom_tool_call(call_id: &str, name: &str, input: &str) -> Self {
        MockResponse::Sse(vec![
            ev_custom_tool_call(call_id, name, input),
            usage_completed(&format!("resp_{call_id}")),
        ])
    }

    pub(crate) fn into_http(self) -> Response {
        match self {
            MockResponse::Sse(events) => sse(events, Duration::ZERO, Ending::Complete),
            MockResponse::SseDelayed { events, delay } => sse(events, delay, Ending::Complete),
            MockResponse::SseThenClose(events) => sse(events, Duration::ZERO, Ending::Cut),
            MockResponse::SseThenHang(events) => sse(events, Duration::ZERO, Ending::Hang),
            MockResponse::Status {
                status,
                headers,
                body,
            } => status_response(status, headers, body),
        }
    }
}

fn usage_completed(response_id: &str) -> Value {
    ev_completed_with_usage(response_id, 1000, 200, 50, 10, 1050)
}

/// How an SSE body ends after its last event.
#[derive(Clone, Copy)]
enum Ending {
    Complete,
    Cut,
    Hang,
}

fn sse(events: Vec<Value>, delay: Duration, ending: Ending) -> Response {
    let frames = events
        .into_iter()
        .map(|event| Bytes::from(format!("data: {event}\n\n")));
    let stream = futures::stream::unfold(Some(frames), move |state| async move {
        let mut frames = state?;
        if let Some(frame) = frames.next() {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            return Some((Ok(frame), Some(frames)));
        }
        match ending {
            Ending::Complete => None,
            Ending::Cut => {
                tokio::time::sleep(FLUSH_BEFORE_CUT).await;
                let cut = std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "mock server: SseThenClose cuts the stream here",
                );
                Some((Err(cut), None))
            }
            Ending::Hang => std::future::pending().await,
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/event-stream"),
    );
    response
}

fn status_response(status: u16, headers: Vec<(String, String)>, body: String) -> Response {
    let builder = headers.into_iter().fold(
        Response::builder().status(status),
        |builder, (name, value)| builder.header(name, value),
    );
    builder.body(Body::from(body)).unwrap_or_else(|err| {
        let mut response = Response::new(Body::from(format!(
            "mock server: invalid scripted MockResponse::Status ({err}); fix the test's script"
        )));
        *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        response
    })
}
