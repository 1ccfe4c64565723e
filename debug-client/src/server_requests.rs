//! Automatic answers to server → client requests (debug-client.md §4, §6). During startup
//! approvals are refused (`cancel` / `decline`); afterwards they follow `--auto-approve`.
//! `attestation/generate` is answered only with `--attestation-token`; other requests never.

use serde_json::Value;
use serde_json::json;

use crate::cli::InteractiveApprovals;
use crate::connection::ServerWriter;
use crate::output::Output;
use crate::protocol::RequestId;
use crate::protocol::reply;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Blocking on the `initialize` or thread start/resume response.
    Startup,
    Interactive(InteractiveApprovals),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ApprovalKind {
    Command,
    FileChange,
}

impl ApprovalKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Command => "command approval",
            Self::FileChange => "file change approval",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Accept,
    Decline,
    Cancel,
}

impl Decision {
    fn for_request(phase: Phase, kind: ApprovalKind) -> Self {
        match (phase, kind) {
            (Phase::Startup, ApprovalKind::Command) => Self::Cancel,
            (Phase::Startup, ApprovalKind::FileChange) => Self::Decline,
            (Phase::Interactive(InteractiveApprovals::Accept), _) => Self::Accept,
            (Phase::Interactive(InteractiveApprovals::Decline), _) => Self::Decline,
        }
    }

    fn wire_value(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Cancel => "cancel",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Accept => "Accept",
            Self::Decline => "Decline",
            Self::Cancel => "Cancel",
        }
    }
}

#[derive(Clone)]
pub struct Responder {
    writer: ServerWriter,
    output: Output,
    attestation_token: Option<String>,
}

impl Responder {
    pub fn new(writer: ServerWriter, output: Output, attestation_token: Option<String>) -> Self {
        Self {
            writer,
            output,
            attestation_token,
        }
    }

    pub fn answer(&self, phase: Phase, id: &RequestId, method: &str, params: &Value) {
        let kind = match method {
            "item/commandExecution/requestApproval" => ApprovalKind::Command,
            "item/fileChange/requestApproval" => ApprovalKind::FileChange,
            "attestation/generate" => {
                if let Some(token) = &self.attestation_token
                    && self.send_reply(id, json!({"token": token}))
                {
                    self.output
                        .client_line(&format!("auto-response for attestation request {id}"));
                }
                return;
            }
            _ => return,
        };
        let decision = Decision::for_request(phase, kind);
        let replied = self.send_reply(id, json!({"decision": decision.wire_value()}));
        if replied && let Phase::Interactive(_) = phase {
            self.output.client_line(&format!(
                "auto-response for {} {id}: {} ({params})",
                kind.describe(),
                decision.name()
            ));
        }
    }

    /// Sends the reply before anything is reported, so that once a report is visible the reply
    /// is already in the server's pipe. Returns whether it was sent; failures are reported.
    fn send_reply(&self, id: &RequestId, result: Value) -> bool {
        match self.writer.send(&reply(id, result)) {
            Ok(()) => true,
            Err(err) => {
                self.output
                    .client_line(&format!("failed to answer server request {id}: {err}"));
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn decisions_per_phase() {
        let cases = [
            (Phase::Startup, ApprovalKind::Command, Decision::Cancel),
            (Phase::Startup, ApprovalKind::FileChange, Decision::Decline),
            (
                Phase::Interactive(InteractiveApprovals::Decline),
                ApprovalKind::Command,
                Decision::Decline,
            ),
            (
                Phase::Interactive(InteractiveApprovals::Decline),
                ApprovalKind::FileChange,
                Decision::Decline,
            ),
            (
                Phase::Interactive(InteractiveApprovals::Accept),
                ApprovalKind::Command,
                Decision::Accept,
            ),
            (
                Phase::Interactive(InteractiveApprovals::Accept),
                ApprovalKind::FileChange,
                Decision::Accept,
            ),
        ];
        for (phase, kind, expected) in cases {
            assert_eq!(
                Decision::for_request(phase, kind),
                expected,
                "{phase:?} {kind:?}"
            );
        }
    }
}
