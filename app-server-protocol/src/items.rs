//! Thread items: the flat, `type`-tagged units of a turn (user message, agent message, reasoning,
//! command execution, file change, MCP tool call, plan, context compaction) and their parts. Every item
//! carries `startedAtMs` / `completedAtMs` (unix ms) after its payload, as the original writes.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

use crate::common::UserInput;

/// One item of a turn and its lifecycle times; the payload stays flat on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ThreadItem {
    #[serde(flatten)]
    pub payload: ThreadItemPayload,
    /// Unix ms.
    #[serde(default)]
    pub started_at_ms: Option<i64>,
    /// Unix ms.
    #[serde(default)]
    pub completed_at_ms: Option<i64>,
}

/// What an item is, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadItemPayload {
    #[serde(rename_all = "camelCase")]
    UserMessage {
        /// UUIDv7.
        id: String,
        #[serde(default)]
        client_id: Option<String>,
        content: Vec<UserInput>,
    },
    #[serde(rename_all = "camelCase")]
    AgentMessage {
        #[serde(default)]
        moderation: Option<AgentMessageModeration>,
        /// The upstream message item id (e.g. `msg_1`).
        id: String,
        text: String,
        #[serde(default)]
        phase: Option<MessagePhase>,
        #[serde(default)]
        memory_citation: Option<MemoryCitation>,
        #[serde(default)]
        delivery: Option<AgentMessageDelivery>,
        #[serde(default)]
        questions: Option<Vec<AsyncUserInputQuestion>>,
    },
    #[serde(rename_all = "camelCase")]
    Plan { id: String, text: String },
    #[serde(rename_all = "camelCase")]
    Reasoning {
        /// The upstream reasoning item id (e.g. `rs_…`).
        id: String,
        /// One entry per summary part.
        #[serde(default)]
        summary: Vec<String>,
        #[serde(default)]
        content: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    CommandExecution {
        /// The model's `call_id`.
        id: String,
        #[serde(default)]
        plugin_id: Option<String>,
        #[serde(default)]
        script_path: Option<String>,
        /// The command as one string, e.g. `/bin/bash -lc '<cmd>'`.
        command: String,
        cwd: PathBuf,
        process_id: Option<String>,
        #[serde(default)]
        source: CommandExecutionSource,
        status: CommandExecutionStatus,
        command_actions: Vec<CommandAction>,
        aggregated_output: Option<String>,
        exit_code: Option<i32>,
        duration_ms: Option<i64>,
    },
    #[serde(rename_all = "camelCase")]
    FileChange {
        /// The model's `call_id`.
        id: String,
        changes: Vec<FileUpdateChange>,
        status: PatchApplyStatus,
    },
    #[serde(rename_all = "camelCase")]
    McpToolCall {
        /// The model's `call_id`.
        id: String,
        server: String,
        /// The tool's own name on its server.
        tool: String,
        status: McpToolCallStatus,
        arguments: Value,
        #[serde(default)]
        plugin_id: Option<String>,
        #[serde(default)]
        read_only_hint: Option<bool>,
        #[serde(default)]
        app_context: Option<Box<McpToolCallAppContext>>,
        #[serde(default)]
        mcp_app_resource_uri: Option<String>,
        #[serde(default)]
        mcp_app_ui: Option<Box<McpAppUi>>,
        /// The server's answer (`isError` results included); `null` while running or on error.
        result: Option<McpToolCallResult>,
        /// Why the call got no answer (transport error, timeout).
        error: Option<McpToolCallError>,
        /// The duration of the MCP tool call in milliseconds.
        duration_ms: Option<i64>,
    },
    ContextCompaction {
        /// UUIDv7.
        id: String,
    },
}

/// Progress of an MCP tool call item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum McpToolCallStatus {
    InProgress,
    Completed,
    Failed,
}

/// A `tools/call` result: MCP content blocks as the server sent them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct McpToolCallResult {
    pub content: Vec<Value>,
    pub structured_content: Option<Value>,
    #[serde(rename = "_meta", default)]
    pub meta: Option<Value>,
}

/// The app (connector) an MCP tool belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct McpToolCallAppContext {
    pub connector_id: String,
    #[serde(default)]
    pub app_name: Option<String>,
    #[serde(default)]
    pub action_name: Option<String>,
    #[serde(default)]
    pub link_id: Option<String>,
    #[serde(default)]
    pub resource_uri: Option<String>,
}

/// UI resource and display preference for model invocations, captured from the tool
/// descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct McpAppUi {
    pub resource_uri: String,
    pub preferred_model_display_mode: McpAppDisplayMode,
}

/// How an MCP app's UI is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum McpAppDisplayMode {
    Inline,
    Fullscreen,
}

/// Why an MCP tool call got no result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct McpToolCallError {
    pub message: String,
}

/// Progress of a command execution item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CommandExecutionStatus {
    InProgress,
    Completed,
    Failed,
    Declined,
}

/// What started a command execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CommandExecutionSource {
    #[default]
    Agent,
    UserShell,
    UnifiedExecStartup,
    UnifiedExecInteraction,
}

/// A best-effort reading of what a command does, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum CommandAction {
    Read {
        command: String,
        name: String,
        path: PathBuf,
    },
    ListFiles {
        command: String,
        #[serde(default)]
        path: Option<String>,
    },
    Search {
        command: String,
        #[serde(default)]
        query: Option<String>,
        #[serde(default)]
        path: Option<String>,
    },
    Unknown {
        command: String,
    },
}

/// Progress of a file change item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PatchApplyStatus {
    InProgress,
    Completed,
    Failed,
    Declined,
}

/// One file touched by a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileUpdateChange {
    pub path: String,
    pub kind: PatchChangeKind,
    pub diff: String,
}

/// How a patch touches a file, tagged by `type` (`move_path` is snake_case in the original).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PatchChangeKind {
    Add,
    Delete,
    Update {
        #[serde(default)]
        move_path: Option<PathBuf>,
    },
}

/// Phase of an agent message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessagePhase {
    Commentary,
    PartialAnswer,
    FinalAnswer,
}

/// How an agent message is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AgentMessageDelivery {
    Async,
}

/// Memories an agent message cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemoryCitation {
    pub entries: Vec<MemoryCitationEntry>,
    pub thread_ids: Vec<String>,
}

/// One cited memory location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemoryCitationEntry {
    pub path: String,
    pub line_start: u32,
    pub line_end: u32,
    pub note: String,
}

/// Moderation state of an agent message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AgentMessageModeration {
    pub moderated: bool,
    #[serde(default)]
    pub display: Option<AgentMessageDisplay>,
}

/// How a moderated message is displayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentMessageDisplay {
    pub action: String,
    #[serde(default)]
    pub block_type: Option<String>,
    #[serde(default)]
    pub check_trusted_contacts: Option<bool>,
    #[serde(default)]
    pub cyber_trusted_access: Option<bool>,
}

/// A question the agent asks the user asynchronously.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AsyncUserInputQuestion {
    pub title: String,
    #[serde(default)]
    pub options: Option<Vec<String>>,
}
