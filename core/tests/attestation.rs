//! Attestation never fails the request (attestation.md §10 test 16): under ChatGPT auth, for
//! every outcome a provider can have, the model POST is still sent (with the matching header,
//! or none) and the turn completes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::time::Duration;

use base64::Engine as _;
use codex_core::attestation::AttestationContext;
use codex_core::attestation::AttestationOutcome;
use codex_core::attestation::AttestationProvider;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_test_support::MockResponse;
use common::TestSession;
use futures::future::BoxFuture;
use pretty_assertions::assert_eq;
use serde_json::json;

/// Answers every request with `outcome` after `delay`, counting the calls.
#[derive(Debug)]
struct Fixed {
    outcome: Option<AttestationOutcome>,
    delay: Duration,
    calls: AtomicUsize,
}

impl AttestationProvider for Fixed {
    fn attest(&self, _: AttestationContext) -> BoxFuture<'static, Option<AttestationOutcome>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let (outcome, delay) = (self.outcome.clone(), self.delay);
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            outcome
        })
    }
}

fn chatgpt_auth_json() -> String {
    let b64 = |value: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    let claims = json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acct-example"}});
    let jwt = format!("{}.{}.sig", b64(json!({"alg": "none"})), b64(claims));
    json!({
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": null,
        "tokens": {"id_token": jwt, "access_token": "access-1", "refresh_token": "r", "account_id": "acct-example"},
        "last_refresh": "2026-11-23T00:28:39Z",
    })
    .to_string()
}

/// Runs one turn with `outcome` (after `delay`); returns the header of each POST and whether
/// the turn completed.
async fn one_turn(
    outcome: Option<AttestationOutcome>,
    delay: Duration,
) -> (Vec<Option<String>>, bool) {
    let provider = Arc::new(Fixed {
        outcome,
        delay,
        calls: AtomicUsize::new(0),
    });
    let as_dyn: Arc<dyn AttestationProvider> = provider.clone();
    let mut session = TestSession::start_with(
        vec![MockResponse::message("done")],
        &[],
        Some(&chatgpt_auth_json()),
        Some(as_dyn),
    )
    .await;
    session
        .codex
        .submit(Op::UserTurn {
            items: vec![UserInput::Text {
                text: "hi".to_string(),
            }],
            overrides: TurnOverrides::default(),
        })
        .unwrap();
    let events = session.events_until_turn_end().await;
    let completed = matches!(events.last(), Some(EventMsg::TurnComplete { .. }));
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    let headers = session
        .server
        .requests()
        .iter()
        .filter(|request| request.path == "/v1/responses")
        .map(|request| request.header("x-oai-attestation").map(str::to_string))
        .collect();
    (headers, completed)
}

#[tokio::test]
async fn every_outcome_still_sends_the_request_and_completes_the_turn() {
    let cases = [
        (
            Some(AttestationOutcome::Ok("v1.ok".into())),
            Duration::ZERO,
            Some(r#"{"v":1,"s":0,"t":"v1.ok"}"#),
        ),
        // A provider that overruns the deadline is cut at 100 ms.
        (
            Some(AttestationOutcome::Ok("v1.late".into())),
            Duration::from_secs(10),
            Some(r#"{"v":1,"s":1}"#),
        ),
        (
            Some(AttestationOutcome::Timeout),
            Duration::ZERO,
            Some(r#"{"v":1,"s":1}"#),
        ),
        (
            Some(AttestationOutcome::RequestFailed),
            Duration::ZERO,
            Some(r#"{"v":1,"s":2}"#),
        ),
        (
            Some(AttestationOutcome::Canceled),
            Duration::ZERO,
            Some(r#"{"v":1,"s":3}"#),
        ),
        (
            Some(AttestationOutcome::Malformed),
            Duration::ZERO,
            Some(r#"{"v":1,"s":4}"#),
        ),
        // Nobody to ask: the header is omitted.
        (None, Duration::ZERO, None),
        // A token that cannot be a header value: omitted, the request still goes.
        (
            Some(AttestationOutcome::Ok("bad\u{7f}token".into())),
            Duration::ZERO,
            None,
        ),
    ];
    for (outcome, delay, expected) in cases {
        let label = format!("{outcome:?} after {delay:?}");
        let (headers, completed) = one_turn(outcome, delay).await;
        assert_eq!(
            (headers, completed),
            (vec![expected.map(str::to_string)], true),
            "{label}"
        );
    }
}
