//! The vocabulary between core and the front ends: operations in (`Op`), events out (`Event`).
//!
//! Front ends never talk to the model or spawn tools; they submit an `Op` to a session and render
//! the `EventMsg`s it emits. Everything here is plain data so any front end can translate it.

pub mod models;

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;

pub use crate::approval::ReviewDecision;
pub use crate::client::ErrorKind;
pub use models::TokenUsage;

use crate::config::AskForApproval;
use crate::config::ReasoningEffort;
use crate::config::ReasoningSummaryMode;
use crate::sandbox::SandboxPolicy;

/// One piece of user input in a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UserInput {
    Text { text: String },
    LocalImage { path: PathBuf },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Run a turn with these inputs. The overrides stick for this and later turns (except
    /// the output schema, which is for this turn only).
    UserTurn {
        items: Vec<UserInput>,
        overrides: TurnOverrides,
    },
    /// Add input to the running turn; the model sees it at its next request. Starts a turn
    /// when none is running.
    Steer { items: Vec<UserInput> },
    /// Cancel the running turn: children are killed, `TurnAborted` follows.
    Interrupt,
    /// Summarise the history into a fresh context window, as a standalone turn.
    Compact,
    /// The user's answer to an `ExecApprovalRequest` (`id` is the request's call id).
    ExecApproval {
        id: String,
        decision: ReviewDecision,
    },
    /// The user's answer to an `ApplyPatchApprovalRequest`.
    PatchApproval {
        id: String,
        decision: ReviewDecision,
    },
    /// Run the user's own command (the TUI's `!cmd`) with their login shell in the session cwd,
    /// unsandboxed and without approvals, as a turn of its own: `TurnStarted`, the
    /// `ExecCommand*` events with `ExecCommandSource::UserShell`, then `TurnComplete`.
    /// `Interrupt` kills it (`TurnAborted`). Submitted while a turn runs, it waits its turn like
    /// `UserTurn`. The model sees the command and its output in its next request.
    RunUserShellCommand { command: String },
    /// Drop the last `num_turns` user turns (each user message and everything after it) from
    /// the history, more than there are drops all of them; `ThreadRolledBack` follows. Refused
    /// with a `Warning` while a turn runs.
    ThreadRollback { num_turns: u32 },
    /// Report the MCP servers and their tools: `McpListToolsResponse` follows, once start-up
    /// has finished (so every server has its final status).
    ListMcpTools,
    /// Stop the session task; `ShutdownComplete` is the last event.
    Shutdown,
}

/// Per-turn changes to the session's settings (`turn/start` params, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TurnOverrides {
    pub cwd: Option<PathBuf>,
    pub approval_policy: Option<AskForApproval>,
    pub sandbox_policy: Option<SandboxPolicy>,
    pub model: Option<String>,
    pub effort: Option<ReasoningEffort>,
    pub summary: Option<ReasoningSummaryMode>,
    /// JSON Schema for this turn's final answer.
    pub output_schema: Option<serde_json::Value>,
    /// The id the turn gets, for front ends that announce it before it starts (the
    /// app-server answers `turn/start` first); minted by core when `None`.
    pub turn_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The id of the submission this event belongs to.
    pub id: String,
    pub msg: EventMsg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryInitialization {
    New,
    ColdResume,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionConfiguredEvent {
    pub thread_id: String,
    pub model: String,
    pub model_provider_id: String,
    pub cwd: PathBuf,
    pub approval_policy: AskForApproval,
    pub sandbox_policy: SandboxPolicy,
    /// The configured values, `None` when the user configured nothing.
    pub reasoning_effort: Option<ReasoningEffort>,
    pub reasoning_summary: Option<ReasoningSummaryMode>,
    pub rollout_path: Option<PathBuf>,
    pub history_initialization: HistoryInitialization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Pending,
    InProgress,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanItem {
    pub step: String,
    pub status: PlanStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileChangeKind {
    Add,
    Delete,
    Update,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileChange {
    /// Absolute path of the file (the destination for a move).
    pub path: PathBuf,
    pub kind: FileChangeKind,
    /// Git-style unified diff of the change, for display.
    pub unified_diff: String,
}

/// Who started a command: the model through a tool call, or the user with `!cmd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecCommandSource {
    Agent,
    UserShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnAbortReason {
    Interrupted,
}

/// Where an MCP server is in its start-up (`mcp.md` §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum McpStartupStatus {
    Starting,
    Ready,
    Failed { error: String },
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpStartupFailure {
    pub server: String,
    pub error: String,
}

/// Every configured server is ready, failed or cancelled; names sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpStartupCompleteEvent {
    pub ready: Vec<String>,
    pub failed: Vec<McpStartupFailure>,
    pub cancelled: Vec<String>,
}

/// Which MCP tool a call runs: the server, the tool's own name, and the parsed arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpInvocation {
    pub server: String,
    pub tool: String,
    pub arguments: Option<serde_json::Value>,
}

/// A `tools/call` result as the server sent it (MCP content blocks kept as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpToolCallResult {
    pub content: Vec<serde_json::Value>,
    pub structured_content: Option<serde_json::Value>,
    pub is_error: Option<bool>,
}

/// One configured server in an `McpListToolsResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct McpServerSummary {
    pub name: String,
    /// `Starting` only if the server was disabled (never started) — see `enabled`.
    pub status: McpStartupStatus,
    pub enabled: bool,
    /// The server's own tool names offered to the model, sorted.
    pub tools: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventMsg {
    SessionConfigured(SessionConfiguredEvent),
    TurnStarted {
        turn_id: String,
    },
    /// A user message entered the history (the turn's input, or steered input).
    UserMessage {
        id: String,
        items: Vec<UserInput>,
    },
    /// A reasoning item is being streamed (`response.output_item.added`).
    AgentReasoningStarted {
        item_id: String,
    },
    ReasoningSummaryPartAdded {
        item_id: String,
        summary_index: u64,
    },
    /// A completed reasoning item: its summary parts.
    AgentReasoning {
        item_id: String,
        summary: Vec<String>,
    },
    /// Raw reasoning content, shown only with `show_raw_agent_reasoning`.
    AgentReasoningRawContent {
        text: String,
    },
    AgentReasoningDelta {
        item_id: String,
        summary_index: u64,
        delta: String,
    },
    /// An assistant message is being streamed (`response.output_item.added`).
    AgentMessageStarted {
        item_id: String,
    },
    AgentMessage {
        item_id: String,
        text: String,
        phase: Option<String>,
    },
    AgentMessageDelta {
        item_id: String,
        delta: String,
    },
    ExecCommandBegin {
        call_id: String,
        command: Vec<String>,
        cwd: PathBuf,
        source: ExecCommandSource,
    },
    ExecCommandOutputDelta {
        call_id: String,
        chunk: Vec<u8>,
    },
    ExecCommandEnd {
        call_id: String,
        exit_code: i32,
        aggregated_output: String,
        duration: Duration,
        source: ExecCommandSource,
    },
    PatchApplyBegin {
        call_id: String,
        changes: Vec<FileChange>,
    },
    PatchApplyEnd {
        call_id: String,
        success: bool,
        changes: Vec<FileChange>,
    },
    /// The session needs the user's decision before running a command; answer with
    /// `Op::ExecApproval { id: call_id, … }`.
    ExecApprovalRequest {
        call_id: String,
        command: Vec<String>,
        cwd: PathBuf,
        reason: Option<String>,
        /// A command prefix the user may approve for the session instead
        /// (`ReviewDecision::ApprovedExecpolicyAmendment`).
        proposed_prefix_rule: Option<Vec<String>>,
    },
    /// The session needs the user's decision before applying a patch; answer with
    /// `Op::PatchApproval { id: call_id, … }`.
    ApplyPatchApprovalRequest {
        call_id: String,
        changes: Vec<FileChange>,
        reason: Option<String>,
    },
    PlanUpdate {
        explanation: Option<String>,
        plan: Vec<PlanItem>,
    },
    WebSearch {
        call_id: String,
        query: String,
    },
    /// One MCP server changed start-up state (`starting`, then `ready`/`failed`/`cancelled`).
    McpStartupUpdate {
        server: String,
        status: McpStartupStatus,
    },
    /// Sent once per session after every enabled server finished starting (not sent when
    /// no server is configured).
    McpStartupComplete(McpStartupCompleteEvent),
    McpToolCallBegin {
        call_id: String,
        invocation: McpInvocation,
    },
    /// `result` is `Err` with the error text when the call failed or timed out; an `Ok` result
    /// may still have `is_error: Some(true)`.
    McpToolCallEnd {
        call_id: String,
        invocation: McpInvocation,
        duration: Duration,
        result: Result<McpToolCallResult, String>,
    },
    /// The answer to `Op::ListMcpTools`: every configured server, sorted by name.
    McpListToolsResponse {
        servers: Vec<McpServerSummary>,
    },
    /// A retryable failure; the attempt is retried (`Reconnecting... attempt/max (message)`).
    StreamError {
        message: String,
        attempt: u64,
        max_attempts: u64,
        kind: ErrorKind,
    },
    Warning {
        message: String,
    },
    TokenCount {
        total: TokenUsage,
        last: TokenUsage,
        model_context_window: Option<u64>,
    },
    ContextCompacted,
    /// `Op::ThreadRollback` dropped the last `num_turns` user turns from the history.
    ThreadRolledBack {
        num_turns: u32,
    },
    TurnComplete {
        turn_id: String,
        last_agent_message: Option<String>,
    },
    /// The turn ended on a fatal error (API error, retries exhausted, missing credentials).
    TurnFailed {
        turn_id: String,
        message: String,
        kind: ErrorKind,
    },
    TurnAborted {
        turn_id: String,
        reason: TurnAbortReason,
    },
    ShutdownComplete,
}
