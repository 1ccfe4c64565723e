//! The validated configuration every front end hands to core, and the enums its keys take.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

use crate::sandbox::SandboxPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AskForApproval {
    Untrusted,
    OnFailure,
    OnRequest,
    Never,
}

impl AskForApproval {
    pub fn as_str(self) -> &'static str {
        match self {
            AskForApproval::Untrusted => "untrusted",
            AskForApproval::OnFailure => "on-failure",
            AskForApproval::OnRequest => "on-request",
            AskForApproval::Never => "never",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    None,
    Minimal,
    Low,
    Medium,
    High,
    Xhigh,
}

impl ReasoningEffort {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::None => "none",
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
            ReasoningEffort::Xhigh => "xhigh",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningSummaryMode {
    Auto,
    Concise,
    Detailed,
    None,
}

impl ReasoningSummaryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningSummaryMode::Auto => "auto",
            ReasoningSummaryMode::Concise => "concise",
            ReasoningSummaryMode::Detailed => "detailed",
            ReasoningSummaryMode::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    Low,
    Medium,
    High,
}

impl Verbosity {
    pub fn as_str(self) -> &'static str {
        match self {
            Verbosity::Low => "low",
            Verbosity::Medium => "medium",
            Verbosity::High => "high",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebSearchMode {
    Disabled,
    Cached,
    Live,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HistoryPersistence {
    SaveAll,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WireApi {
    Responses,
}

/// `tui.notification_method`: how the TUI raises a desktop notification (`config.md` §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationMethod {
    Auto,
    Osc9,
    Bel,
}

/// The events `tui.notifications` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotificationKind {
    AgentTurnComplete,
    ApprovalRequested,
}

/// `tui.notifications`: `true` (all kinds), `false` (none), or a list of kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TuiNotifications {
    All,
    None,
    Only(Vec<NotificationKind>),
}

impl TuiNotifications {
    pub fn allows(&self, kind: NotificationKind) -> bool {
        match self {
            TuiNotifications::All => true,
            TuiNotifications::None => false,
            TuiNotifications::Only(kinds) => kinds.contains(&kind),
        }
    }
}

/// Where the base instructions go in a request (our extension, see `responses-wire.md` §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstructionsPlacement {
    Input,
    Instructions,
}

/// A model provider after defaults and built-ins are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelProviderInfo {
    pub name: String,
    /// API root; requests go to `{base_url}/responses`.
    pub base_url: String,
    pub env_key: Option<String>,
    pub env_key_instructions: Option<String>,
    pub wire_api: WireApi,
    pub query_params: BTreeMap<String, String>,
    pub http_headers: BTreeMap<String, String>,
    pub env_http_headers: BTreeMap<String, String>,
    pub request_max_retries: u64,
    pub stream_max_retries: u64,
    pub stream_idle_timeout_ms: u64,
    pub requires_openai_auth: bool,
    pub supports_websockets: bool,
    pub experimental_bearer_token: Option<String>,
    pub instructions_placement: InstructionsPlacement,
    /// The built-in `openai` provider sends a `version` header.
    pub is_builtin_openai: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvironmentInherit {
    All,
    Core,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellEnvironmentPolicy {
    pub inherit: EnvironmentInherit,
    pub ignore_default_excludes: bool,
    pub exclude: Vec<String>,
    pub set: BTreeMap<String, String>,
    pub include_only: Vec<String>,
}

/// The process environment as read once at start-up. Core reads variables from here, never
/// from `std::env`, so tests can inject any environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigEnv {
    pub vars: HashMap<String, String>,
}

impl ConfigEnv {
    pub fn from_process() -> Self {
        ConfigEnv {
            vars: std::env::vars().collect(),
        }
    }

    /// The variable's value, `None` when unset or blank.
    pub fn non_blank(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.trim().is_empty())
    }
}

/// Everything a session needs, resolved from defaults, `config.toml`, the profile, `-c`
/// overrides and CLI flags (in that order of precedence, lowest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub codex_home: PathBuf,
    /// Absolute working root of the session.
    pub cwd: PathBuf,
    pub model: String,
    pub model_provider_id: String,
    pub model_provider: ModelProviderInfo,
    /// The ChatGPT backend for login-related calls (`chatgpt_base_url`), as configured.
    pub chatgpt_base_url: String,
    pub model_reasoning_effort: Option<ReasoningEffort>,
    pub model_reasoning_summary: Option<ReasoningSummaryMode>,
    pub model_verbosity: Option<Verbosity>,
    pub model_context_window: Option<u64>,
    pub model_auto_compact_token_limit: Option<u64>,
    pub model_supports_reasoning_summaries: bool,
    pub approval_policy: AskForApproval,
    pub sandbox_policy: SandboxPolicy,
    pub shell_environment_policy: ShellEnvironmentPolicy,
    pub project_doc_max_bytes: usize,
    pub project_doc_fallback_filenames: Vec<String>,
    /// Replaces our base instructions (`base_instructions` or `model_instructions_file`).
    pub base_instructions: Option<String>,
    pub developer_instructions: Option<String>,
    pub compact_prompt: Option<String>,
    pub hide_agent_reasoning: bool,
    pub show_raw_agent_reasoning: bool,
    pub notify: Option<Vec<String>>,
    pub history_persistence: HistoryPersistence,
    /// `tui.notifications`; default `All`.
    pub tui_notifications: TuiNotifications,
    /// `tui.notification_method`; default `Auto`.
    pub tui_notification_method: NotificationMethod,
    pub features: BTreeMap<String, bool>,
    pub web_search: WebSearchMode,
    /// `projects."<abs path>".trust_level = "trusted"` entries.
    pub trusted_projects: Vec<PathBuf>,
    /// `[mcp_servers.NAME]` entries, by name.
    pub mcp_servers: BTreeMap<String, super::McpServerConfig>,
    /// Non-fatal problems found while loading (unknown keys, ignored tables), one line each.
    pub warnings: Vec<String>,
    pub env: ConfigEnv,
}
