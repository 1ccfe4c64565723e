use std::time::Duration;

use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;

use super::*;

/// Starts one attestation on a fresh connection; returns the outcome's future, the written
/// lines and the connection.
fn start() -> (
    tokio::task::JoinHandle<Option<AttestationOutcome>>,
    mpsc::Receiver<String>,
    Arc<Outgoing>,
) {
    let (tx, rx) = mpsc::channel(16);
    let outgoing = Arc::new(Outgoing::new(tx));
    let provider = ClientAttestation::new(Arc::clone(&outgoing));
    let task = tokio::spawn(provider.attest(AttestationContext {
        thread_id: "th".into(),
    }));
    (task, rx, outgoing)
}

async fn asked(rx: &mut mpsc::Receiver<String>) -> Value {
    let line = rx.recv().await.unwrap();
    serde_json::from_str(&line).unwrap()
}

async fn outcome_after(reply: Option<ClientReply>) -> Option<AttestationOutcome> {
    let (task, mut rx, outgoing) = start();
    assert_eq!(
        asked(&mut rx).await,
        json!({"method": "attestation/generate", "id": 0, "params": {}})
    );
    if let Some(reply) = reply {
        assert!(outgoing.resolve(0, reply));
    }
    task.await.unwrap()
}

#[tokio::test]
async fn each_reply_maps_to_its_status() {
    assert_eq!(
        outcome_after(Some(ClientReply::Result(
            json!({"token": "v1.t", "extra": true})
        )))
        .await,
        Some(AttestationOutcome::Ok("v1.t".into()))
    );
    assert_eq!(
        outcome_after(Some(ClientReply::Error(
            json!({"code": -32000, "message": "attestation unavailable"})
        )))
        .await,
        Some(AttestationOutcome::RequestFailed)
    );
    for malformed in [json!({"nope": 1}), json!({"token": 5}), json!("v1.t")] {
        assert_eq!(
            outcome_after(Some(ClientReply::Result(malformed))).await,
            Some(AttestationOutcome::Malformed)
        );
    }
}

#[tokio::test]
async fn no_reply_times_out_and_a_late_reply_finds_nothing() {
    let started = tokio::time::Instant::now();
    assert_eq!(outcome_after(None).await, Some(AttestationOutcome::Timeout));
    assert!(started.elapsed() >= ATTESTATION_DEADLINE);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn late_reply_is_an_unknown_id() {
    let (task, mut rx, outgoing) = start();
    let _ = asked(&mut rx).await;
    assert_eq!(task.await.unwrap(), Some(AttestationOutcome::Timeout));
    assert!(!outgoing.resolve(0, ClientReply::Result(json!({"token": "late"}))));
    // Nothing else was written to the client (no cancel, no serverRequest/resolved).
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn a_closed_connection_is_canceled() {
    let (tx, rx) = mpsc::channel(16);
    drop(rx);
    let provider = ClientAttestation::new(Arc::new(Outgoing::new(tx)));
    let outcome = provider
        .attest(AttestationContext {
            thread_id: "th".into(),
        })
        .await;
    assert_eq!(outcome, Some(AttestationOutcome::Canceled));
}

#[tokio::test]
async fn a_dropped_pending_request_is_canceled() {
    let (task, mut rx, outgoing) = start();
    let _ = asked(&mut rx).await;
    outgoing.forget(0);
    assert_eq!(task.await.unwrap(), Some(AttestationOutcome::Canceled));
}
