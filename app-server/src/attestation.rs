//! The app-server's attestation provider: asks this connection's client with
//! `attestation/generate` when it declared `requestAttestation`, under one 100 ms deadline that
//! covers queueing, writing and the reply, and maps what happened to the header's status.

use std::sync::Arc;

use codex_app_server_protocol::AttestationGenerateParams;
use codex_app_server_protocol::AttestationGenerateResponse;
use codex_app_server_protocol::ServerRequest;
use codex_core::attestation::ATTESTATION_DEADLINE;
use codex_core::attestation::AttestationContext;
use codex_core::attestation::AttestationOutcome;
use codex_core::attestation::AttestationProvider;
use futures::future::BoxFuture;

use crate::outgoing::ClientReply;
use crate::outgoing::NoReply;
use crate::outgoing::Outgoing;

/// Installed on threads of a connection that declared the capability. With one stdio
/// connection, that connection is the first (and only) capable subscriber of every thread.
pub struct ClientAttestation {
    outgoing: Arc<Outgoing>,
}

impl std::fmt::Debug for ClientAttestation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientAttestation")
    }
}

impl ClientAttestation {
    pub fn new(outgoing: Arc<Outgoing>) -> Self {
        ClientAttestation { outgoing }
    }
}

impl AttestationProvider for ClientAttestation {
    fn attest(
        &self,
        _context: AttestationContext,
    ) -> BoxFuture<'static, Option<AttestationOutcome>> {
        let outgoing = Arc::clone(&self.outgoing);
        let deadline = tokio::time::Instant::now() + ATTESTATION_DEADLINE;
        Box::pin(async move { Some(generate(&outgoing, deadline).await) })
    }
}

async fn generate(outgoing: &Outgoing, deadline: tokio::time::Instant) -> AttestationOutcome {
    let request = ServerRequest::AttestationGenerate(AttestationGenerateParams {});
    match outgoing.request_until(request, deadline).await {
        Ok(ClientReply::Result(result)) => {
            match serde_json::from_value::<AttestationGenerateResponse>(result) {
                Ok(response) => AttestationOutcome::Ok(response.token),
                Err(_) => AttestationOutcome::Malformed,
            }
        }
        Ok(ClientReply::Error(_)) => AttestationOutcome::RequestFailed,
        Err(NoReply::Timeout) => {
            tracing::warn!(
                "attestation generation request timed out after {}ms",
                ATTESTATION_DEADLINE.as_millis()
            );
            AttestationOutcome::Timeout
        }
        Err(NoReply::Canceled) => AttestationOutcome::Canceled,
    }
}

#[cfg(test)]
#[path = "attestation_tests.rs"]
mod tests;
