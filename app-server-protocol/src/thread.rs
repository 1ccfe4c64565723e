//! The thread as clients see it: `Thread`, its status, where it came from. Every field the
//! original writes as `null` is written as `null` here too (no skipping), in the original's order.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;

use crate::common::ReasoningEffort;
use crate::schema::RequiredNullable;
use crate::turn::Turn;

/// A conversation: its identity, settings snapshot, status and (when asked for) its turns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    /// UUIDv7.
    pub id: String,
    /// Same as `id` for a root thread.
    pub session_id: String,
    pub forked_from_id: Option<String>,
    pub parent_thread_id: Option<String>,
    /// First user message text, `""` before any.
    pub preview: String,
    pub ephemeral: bool,
    #[serde(default)]
    pub section: Option<ThreadSection>,
    #[serde(default)]
    pub section_entered_at: Option<i64>,
    #[schemars(with = "RequiredNullable<String>")]
    pub project_id: Option<String>,
    #[serde(default)]
    pub history_mode: ThreadHistoryMode,
    pub model_provider: String,
    pub model: Option<String>,
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    pub recency_at: Option<i64>,
    pub status: ThreadStatus,
    /// The rollout file.
    pub path: Option<PathBuf>,
    pub cwd: PathBuf,
    pub cli_version: String,
    pub originator: Option<String>,
    pub source: SessionSource,
    pub thread_source: Option<ThreadSource>,
    pub agent_nickname: Option<String>,
    pub agent_role: Option<String>,
    pub git_info: Option<GitInfo>,
    pub name: Option<String>,
    /// Filled only by `thread/resume`, `thread/fork` and `thread/read {includeTurns:true}`.
    pub turns: Vec<Turn>,
}

/// Runtime status of a thread, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ThreadStatus {
    NotLoaded,
    Idle,
    SystemError,
    #[serde(rename_all = "camelCase")]
    Active {
        active_flags: Vec<ThreadActiveFlag>,
    },
}

/// Why an active thread waits on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ThreadActiveFlag {
    WaitingOnApproval,
    WaitingOnUserInput,
}

/// Which front end created the thread (`vscode` for threads created through the app-server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SessionSource {
    Cli,
    Vscode,
    Exec,
    AppServer,
    Unknown,
}

/// Free-form label of what started a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ThreadSource(pub String);

/// Git state of the thread's working directory when it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GitInfo {
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub origin_url: Option<String>,
}

/// History contract chosen when the thread was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ThreadHistoryMode {
    #[default]
    Legacy,
    Paginated,
}

/// A user-defined section a thread is filed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ThreadSection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub appearance: Option<ThreadSectionAppearance>,
}

/// Visual presentation of a thread section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ThreadSectionAppearance {
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    pub icon: Option<String>,
}
