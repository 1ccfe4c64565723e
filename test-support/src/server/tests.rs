//! Drives the mock server with a raw HTTP/1.1 client over `std::net::TcpStream`, so the tests see
//! the exact bytes on the wire, including whether a chunked body ended cleanly.

use std::io::ErrorKind;
use std::io::Read;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;
use std::time::Instant;

use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;
use crate::events::ev_assistant_message;
use crate::events::ev_completed;
use crate::events::ev_completed_with_usage;
use crate::events::ev_output_text_delta;

const READ_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq)]
enum BodyEnd {
    /// Content-length satisfied, or the terminating zero-size chunk arrived.
    Complete,
    /// The connection closed before the body was complete.
    Cut,
    /// The read timed out with the connection still open and the body incomplete.
    StillOpen,
}

#[derive(Debug)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    end: BodyEnd,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Sends one request with `connection: close`; `headers` come after `host`, and
/// `content-length` is added when there is a body.
fn send(
    server: &MockServer,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: {}\r\n", server.addr);
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("connection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    stream
}

fn read_response(stream: &mut TcpStream, timeout: Duration) -> RawResponse {
    stream.set_read_timeout(Some(timeout)).unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = loop {
        match stream.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break false;
            }
            Err(_) => break true,
        }
    };
    parse_response(&bytes, closed)
}

fn parse_response(bytes: &[u8], closed: bool) -> RawResponse {
    let text = String::from_utf8_lossy(bytes);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_ascii_lowercase(), value.to_string())
        })
        .collect();
    let incomplete = if closed {
        BodyEnd::Cut
    } else {
        BodyEnd::StillOpen
    };
    let chunked = headers
        .iter()
        .any(|(name, value)| name == "transfer-encoding" && value == "chunked");
    let (body, end) = if chunked {
        decode_chunked(rest, incomplete)
    } else {
        let length: usize = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .map_or(0, |(_, value)| value.parse().unwrap());
        if rest.len() >= length {
            (rest[..length].to_string(), BodyEnd::Complete)
        } else {
            (rest.to_string(), incomplete)
        }
    };
    RawResponse {
        status,
        headers,
        body,
        end,
    }
}

fn decode_chunked(mut rest: &str, incomplete: BodyEnd) -> (String, BodyEnd) {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size, 16).unwrap();
        if size == 0 {
            return (body, BodyEnd::Complete);
        }
        if after.len() < size + 2 {
            break;
        }
        body.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    (body, incomplete)
}

fn post_responses(server: &MockServer) -> RawResponse {
    let mut stream = send(
        server,
        "POST",
        "/v1/responses",
        &[("content-type", "application/json")],
        b"{}",
    );
    read_response(&mut stream, READ_TIMEOUT)
}

fn sse_text(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect()
}

#[test]
fn scripted_responses_are_served_in_order_then_500() {
    let server = MockServer::start(vec![
        MockResponse::message("first"),
        MockResponse::Sse(vec![ev_output_text_delta("sec"), ev_completed("resp_2")]),
    ]);

    let first = post_responses(&server);
    assert_eq!(
        (first.status, first.header("content-type"), first.end),
        (200, Some("text/event-stream"), BodyEnd::Complete)
    );
    assert_eq!(
        first.body,
        sse_text(&[
            ev_assistant_message("msg_1", "first"),
            ev_completed_with_usage("resp_1", 1000, 200, 50, 10, 1050),
        ])
    );

    // Other routes are recorded but answered 404 without consuming the script.
    let mut models = send(&server, "GET", "/v1/models", &[], b"");
    let models = read_response(&mut models, READ_TIMEOUT);
    assert_eq!(
        (models.status, models.body.as_str()),
        (
            404,
            "mock server: no route for GET /v1/models (only POST /v1/responses is served)"
        )
    );

    let second = post_responses(&server);
    assert_eq!(
        (second.status, second.body.as_str(), second.end),
        (
            200,
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"sec\"}\n\n\
             data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_2\"}}\n\n",
            BodyEnd::Complete
        )
    );

    let third = post_responses(&server);
    assert_eq!(
        (third.status, third.body.as_str()),
        (
            500,
            "mock server has no more scripted responses: this is POST /v1/responses #3, \
             the test scripted 2"
        )
    );
    let paths: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|request| (request.method, request.path))
        .collect();
    let expected = [
        ("POST", "/v1/responses"),
        ("GET", "/v1/models"),
        ("POST", "/v1/responses"),
        ("POST", "/v1/responses"),
    ]
    .map(|(method, path)| (method.to_string(), path.to_string()));
    assert_eq!(paths, expected);
}

#[test]
fn requests_are_recorded_whole() {
    let server = MockServer::start(vec![MockResponse::message("Hi")]);
    let body = br#"{"model":"gpt-5.5","stream":true}"#;
    let mut stream = send(
        &server,
        "POST",
        "/v1/responses?api-version=1",
        &[
            ("Authorization", "Bearer test-key"),
            ("content-type", "application/json"),
            ("x-custom", "a"),
            ("x-custom", "b"),
        ],
        body,
    );
    assert_eq!(read_response(&mut stream, READ_TIMEOUT).status, 200);
    let mut stream = send(&server, "PUT", "/other", &[], b"not json");
    assert_eq!(read_response(&mut stream, READ_TIMEOUT).status, 404);

    let header = |name: &str, value: &str| (name.to_string(), value.to_string());
    let host = server.addr.to_string();
    let expected = vec![
        RecordedRequest {
            method: "POST".to_string(),
            path: "/v1/responses".to_string(),
            query: Some("api-version=1".to_string()),
            headers: vec![
                header("host", &host),
                header("authorization", "Bearer test-key"),
                header("content-type", "application/json"),
                header("x-custom", "a"),
                header("x-custom", "b"),
                header("content-length", &body.len().to_string()),
                header("connection", "close"),
            ],
            body: json!({"model": "gpt-5.5", "stream": true}),
            raw_body: body.to_vec(),
        },
        RecordedRequest {
            method: "PUT".to_string(),
            path: "/other".to_string(),
            query: None,
            headers: vec![
                header("host", &host),
                header("content-length", "8"),
                header("connection", "close"),
            ],
            body: serde_json::Value::Null,
            raw_body: b"not json".to_vec(),
        },
    ];
    let requests = server.requests();
    assert_eq!(requests, expected);
    assert_eq!(requests[0].header("AUTHORIZATION"), Some("Bearer test-key"));
    assert_eq!(requests[0].header("x-custom"), Some("a"));
    assert_eq!(requests[0].header("missing"), None);
}

#[test]
fn status_responses_carry_status_headers_and_body() {
    let server = MockServer::start(vec![
        MockResponse::Status {
            status: 429,
            headers: vec![
                ("retry-after".to_string(), "1".to_string()),
                ("x-request-id".to_string(), "req_429".to_string()),
            ],
            body: r#"{"error":{"message":"slow down"}}"#.to_string(),
        },
        MockResponse::Status {
            status: 1000,
            headers: Vec::new(),
            body: String::new(),
        },
    ]);

    let limited = post_responses(&server);
    assert_eq!(
        (
            limited.status,
            limited.header("retry-after"),
            limited.header("x-request-id"),
            limited.header("content-type"),
            limited.body.as_str(),
            limited.end,
        ),
        (
            429,
            Some("1"),
            Some("req_429"),
            None,
            r#"{"error":{"message":"slow down"}}"#,
            BodyEnd::Complete,
        )
    );

    let invalid = post_responses(&server);
    assert_eq!(
        (invalid.status, invalid.body.as_str()),
        (
            500,
            "mock server: invalid scripted MockResponse::Status (invalid status code); \
             fix the test's script"
        )
    );
}

#[test]
fn sse_then_close_cuts_the_body_after_the_events() {
    let events = vec![ev_assistant_message("msg_1", "partial")];
    let server = MockServer::start(vec![MockResponse::SseThenClose(events.clone())]);
    let response = post_responses(&server);
    assert_eq!(
        (response.status, response.body, response.end),
        (200, sse_text(&events), BodyEnd::Cut)
    );
}

#[test]
fn sse_then_hang_keeps_the_connection_open_until_the_server_drops() {
    let events = vec![ev_output_text_delta("Hel")];
    let server = MockServer::start(vec![MockResponse::SseThenHang(events.clone())]);
    let mut stream = send(&server, "POST", "/v1/responses", &[], b"{}");
    let response = read_response(&mut stream, Duration::from_millis(500));
    assert_eq!(
        (response.status, response.body, response.end),
        (200, sse_text(&events), BodyEnd::StillOpen)
    );

    drop(server);
    let after_drop = read_response_tail(&mut stream);
    assert_eq!(after_drop, Some(0));
}

/// Reads once more after the server dropped: `Some(0)` is a clean EOF, `None` a reset.
fn read_response_tail(stream: &mut TcpStream) -> Option<usize> {
    stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let mut chunk = [0u8; 64];
    match stream.read(&mut chunk) {
        Ok(n) => Some(n),
        Err(err) if err.kind() == ErrorKind::ConnectionReset => None,
        Err(err) => panic!("expected the dropped server to close the connection: {err}"),
    }
}

#[test]
fn sse_delayed_waits_before_each_event() {
    let events = vec![ev_output_text_delta("a"), ev_completed("resp_1")];
    let delay = Duration::from_millis(150);
    let server = MockServer::start(vec![MockResponse::SseDelayed {
        events: events.clone(),
        delay,
    }]);
    let started = Instant::now();
    let response = post_responses(&server);
    assert!(started.elapsed() >= delay * 2, "{:?}", started.elapsed());
    assert_eq!(
        (response.body, response.end),
        (sse_text(&events), BodyEnd::Complete)
    );
}

#[test]
fn wait_for_requests_returns_on_arrival_or_timeout() {
    let server = MockServer::start(vec![MockResponse::message("Hi")]);
    assert_eq!(
        server.wait_for_requests(1, Duration::from_millis(50)),
        Vec::new()
    );

    std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            post_responses(&server);
        });
        let requests = server.wait_for_requests(1, READ_TIMEOUT);
        assert_eq!(requests.len(), 1);
    });

    let started = Instant::now();
    assert_eq!(
        server
            .wait_for_requests(2, Duration::from_millis(100))
            .len(),
        1
    );
    assert!(started.elapsed() >= Duration::from_millis(100));
}

#[test]
fn dropping_the_server_closes_the_port() {
    let server = MockServer::start(Vec::new());
    let addr = server.addr;
    assert_eq!(server.uri(), format!("http://127.0.0.1:{}", addr.port()));
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}/v1", addr.port())
    );
    drop(server);
    assert_eq!(
        TcpStream::connect(addr).map_err(|err| err.kind()).err(),
        Some(ErrorKind::ConnectionRefused)
    );
}
