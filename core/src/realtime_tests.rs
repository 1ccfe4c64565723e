use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;

use futures::future::BoxFuture;
use pretty_assertions::assert_eq;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;

use super::*;
use crate::attestation::AttestationContext;
use crate::attestation::AttestationOutcome;
use crate::attestation::AttestationProvider;
use crate::attestation::SessionAuthKind;

#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl AttestationProvider for Counting {
    fn attest(&self, _: AttestationContext) -> BoxFuture<'static, Option<AttestationOutcome>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Some(AttestationOutcome::Ok(format!("v1.call-{n}"))) })
    }
}

fn setup(base_url: &str, auth: SessionAuthKind, counting: &Arc<Counting>) -> RealtimeSetup {
    let provider: Arc<dyn AttestationProvider> = counting.clone();
    RealtimeSetup::new(
        reqwest::Client::new(),
        base_url,
        vec![("authorization".into(), "Bearer access-1".into())],
        AttestationGate::open(Some(provider), auth, "th"),
    )
}

/// Accepts one HTTP request, answers it with `response` and returns the raw request text.
async fn serve_once(response: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            received.extend_from_slice(&buffer[..n]);
            let text = String::from_utf8_lossy(&received).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| {
                        line.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_string)
                    })
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        stream.write_all(response.as_bytes()).await.unwrap();
        stream.shutdown().await.unwrap();
        String::from_utf8_lossy(&received).to_string()
    });
    (base_url, task)
}

fn header_lines(request: &str) -> Vec<String> {
    let mut lines: Vec<String> = request
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .lines()
        .map(str::to_ascii_lowercase)
        .filter(|line| {
            ["authorization", "content-type", "x-oai-attestation"]
                .iter()
                .any(|name| line.starts_with(&format!("{name}:")))
        })
        .collect();
    lines.sort();
    lines
}

const CREATED: &str = "HTTP/1.1 201 Created\r\nlocation: /v1/realtime/calls/rtc_123\r\ncontent-type: application/sdp\r\ncontent-length: 10\r\nconnection: close\r\n\r\nv=0 answer";

#[tokio::test]
async fn call_creation_is_attested_once_and_posts_the_offer() {
    let (base_url, server) = serve_once(CREATED).await;
    let counting = Arc::new(Counting::default());
    let realtime = setup(&base_url, SessionAuthKind::ChatGpt, &counting);
    let call = realtime.create_call("v=0 offer").await.unwrap();
    let attestation = HeaderValue::from_static(r#"{"v":1,"s":0,"t":"v1.call-0"}"#);
    assert_eq!(
        call,
        RealtimeCall {
            call_id: "rtc_123".into(),
            sdp_answer: "v=0 answer".into(),
            attestation: Some(attestation.clone()),
        }
    );
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
    let request = server.await.unwrap();
    assert!(
        request.starts_with("POST /v1/realtime/calls HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.ends_with("\r\n\r\nv=0 offer"), "{request}");
    assert_eq!(
        header_lines(&request),
        vec![
            "authorization: bearer access-1".to_string(),
            "content-type: application/sdp".to_string(),
            r#"x-oai-attestation: {"v":1,"s":0,"t":"v1.call-0"}"#.to_string(),
        ]
    );
    // The created call's sideband reuses the creation's value: no further provider call.
    let sideband = realtime.created_call_sideband_headers(&call).await.unwrap();
    assert_eq!(sideband.get(ATTESTATION_HEADER), Some(&attestation));
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn each_header_set_is_attested_fresh_once() {
    let counting = Arc::new(Counting::default());
    let realtime = setup(
        "https://api.example.com/v1/",
        SessionAuthKind::ChatGpt,
        &counting,
    );
    let create = realtime.call_create_headers().await.unwrap();
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
    let sideband = realtime.existing_call_sideband_headers().await.unwrap();
    assert_eq!(counting.0.load(Ordering::SeqCst), 2);
    let header = |headers: &HeaderMap| {
        headers
            .get(ATTESTATION_HEADER)
            .map(|value| value.to_str().unwrap().to_string())
    };
    assert_eq!(
        (header(&create), header(&sideband)),
        (
            Some(r#"{"v":1,"s":0,"t":"v1.call-0"}"#.to_string()),
            Some(r#"{"v":1,"s":0,"t":"v1.call-1"}"#.to_string()),
        )
    );
    assert_eq!(
        sideband.get("authorization"),
        Some(&HeaderValue::from_static("Bearer access-1"))
    );
    assert_eq!(
        (realtime.calls_url(), realtime.sideband_url("rtc_123")),
        (
            "https://api.example.com/v1/realtime/calls".to_string(),
            "wss://api.example.com/v1/realtime?call_id=rtc_123".to_string(),
        )
    );
}

#[tokio::test]
async fn without_chatgpt_auth_or_a_provider_nothing_is_asked() {
    let counting = Arc::new(Counting::default());
    let api_key = setup("http://127.0.0.1:9/v1", SessionAuthKind::Other, &counting);
    let no_provider = RealtimeSetup::new(
        reqwest::Client::new(),
        "http://127.0.0.1:9/v1",
        vec![],
        None,
    );
    for realtime in [api_key, no_provider] {
        let create = realtime.call_create_headers().await.unwrap();
        let sideband = realtime.existing_call_sideband_headers().await.unwrap();
        assert_eq!(
            (
                create.get(ATTESTATION_HEADER),
                sideband.get(ATTESTATION_HEADER)
            ),
            (None, None)
        );
    }
    let (base_url, server) = serve_once(CREATED).await;
    let call = setup(&base_url, SessionAuthKind::Other, &counting)
        .create_call("v=0 offer")
        .await
        .unwrap();
    assert_eq!(call.attestation, None);
    let request = server.await.unwrap();
    assert_eq!(
        header_lines(&request),
        vec![
            "authorization: bearer access-1".to_string(),
            "content-type: application/sdp".to_string(),
        ]
    );
    assert_eq!(counting.0.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_refused_call_is_an_error_with_the_status() {
    let (base_url, _server) = serve_once(
        "HTTP/1.1 403 Forbidden\r\ncontent-length: 6\r\nconnection: close\r\n\r\nnope!!",
    )
    .await;
    let counting = Arc::new(Counting::default());
    let err = setup(&base_url, SessionAuthKind::ChatGpt, &counting)
        .create_call("v=0 offer")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "realtime call creation at {base_url}/realtime/calls answered 403 Forbidden: nope!!"
        )
    );
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}
