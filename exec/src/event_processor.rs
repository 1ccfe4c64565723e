//! The seam between the exec run loop and its two output modes: the loop hands every core event
//! to an `EventProcessor` (human text on stderr, or JSONL on stdout) and learns from the answer
//! when the turn is over.

use codex_core::protocol::EventMsg;

/// Whether the turn is still going after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodexStatus {
    Running,
    /// `TurnComplete`, `TurnFailed` or `TurnAborted` was processed.
    TurnEnded,
}

impl CodexStatus {
    pub(crate) fn after(msg: &EventMsg) -> Self {
        match msg {
            EventMsg::TurnComplete { .. }
            | EventMsg::TurnFailed { .. }
            | EventMsg::TurnAborted { .. } => CodexStatus::TurnEnded,
            EventMsg::SessionConfigured(_)
            | EventMsg::TurnStarted { .. }
            | EventMsg::AgentReasoning { .. }
            | EventMsg::AgentReasoningRawContent { .. }
            | EventMsg::AgentReasoningDelta { .. }
            | EventMsg::AgentMessage { .. }
            | EventMsg::AgentMessageDelta { .. }
            | EventMsg::AgentMessageStarted { .. }
            | EventMsg::AgentReasoningStarted { .. }
            | EventMsg::ReasoningSummaryPartAdded { .. }
            | EventMsg::ExecCommandBegin { .. }
            | EventMsg::ExecCommandOutputDelta { .. }
            | EventMsg::ExecCommandEnd { .. }
            | EventMsg::PatchApplyBegin { .. }
            | EventMsg::PatchApplyEnd { .. }
            | EventMsg::PlanUpdate { .. }
            | EventMsg::WebSearch { .. }
            | EventMsg::StreamError { .. }
            | EventMsg::Warning { .. }
            | EventMsg::TokenCount { .. }
            | EventMsg::ContextCompacted
            | EventMsg::ThreadRolledBack { .. }
            | EventMsg::UserMessage { .. }
            | EventMsg::ExecApprovalRequest { .. }
            | EventMsg::ApplyPatchApprovalRequest { .. }
            | EventMsg::McpStartupUpdate { .. }
            | EventMsg::McpStartupComplete(_)
            | EventMsg::McpToolCallBegin { .. }
            | EventMsg::McpToolCallEnd { .. }
            | EventMsg::McpListToolsResponse { .. }
            | EventMsg::ShutdownComplete => CodexStatus::Running,
        }
    }
}

/// Renders core events for one output mode.
///
/// Output is best effort: a closed stdout/stderr does not stop the turn, and the exit code still
/// reports its outcome, so write errors are dropped rather than returned.
pub trait EventProcessor {
    fn process_event(&mut self, msg: &EventMsg) -> CodexStatus;
}
