//! `config/read`: the effective configuration with config.toml's snake_case keys (absent keys
//! as `null`), where each key came from, and optionally the layers. Keys this protocol does not
//! model are carried through unchanged.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Map;
use serde_json::Value;

use crate::common::ApprovalsReviewer;
use crate::common::AskForApproval;
use crate::common::ReasoningEffort;
use crate::common::ReasoningSummary;
use crate::common::SandboxMode;

/// Params of `config/read`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigReadParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwd: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub include_layers: bool,
}

/// Result of `config/read`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigReadResponse {
    pub config: Config,
    /// Dotted key → the layer that set it.
    pub origins: BTreeMap<String, ConfigLayerMetadata>,
    /// Only when `includeLayers` was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<ConfigLayer>>,
}

/// The effective config. Decoding a config.toml table (as JSON) into it keeps every key: the
/// known ones land in their fields (`null` when absent), the others in `additional`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Config {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub review_model: Option<String>,
    #[serde(default)]
    pub model_provider: Option<String>,
    #[serde(default)]
    pub model_context_window: Option<i64>,
    #[serde(default)]
    pub model_auto_compact_token_limit: Option<i64>,
    #[serde(default)]
    pub model_auto_compact_token_limit_scope: Option<AutoCompactTokenLimitScope>,
    #[serde(default)]
    pub model_reasoning_effort: Option<ReasoningEffort>,
    #[serde(default)]
    pub model_reasoning_summary: Option<ReasoningSummary>,
    #[serde(default)]
    pub model_verbosity: Option<Verbosity>,
    #[serde(default)]
    pub service_tier: Option<String>,
    #[serde(default)]
    pub approval_policy: Option<AskForApproval>,
    #[serde(default)]
    pub approvals_reviewer: Option<ApprovalsReviewer>,
    #[serde(default)]
    pub sandbox_mode: Option<SandboxMode>,
    #[serde(default)]
    pub sandbox_workspace_write: Option<SandboxWorkspaceWrite>,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub developer_instructions: Option<String>,
    #[serde(default)]
    pub compact_prompt: Option<String>,
    #[serde(default)]
    pub forced_login_method: Option<ForcedLoginMethod>,
    #[serde(default)]
    pub forced_chatgpt_workspace_id: Option<ForcedChatgptWorkspaceIds>,
    #[serde(default)]
    pub web_search: Option<WebSearchMode>,
    #[serde(default)]
    pub client_search_provider: Option<WebSearchProvider>,
    #[serde(default)]
    pub analytics: Option<AnalyticsConfig>,
    #[serde(default)]
    pub desktop: Option<Map<String, Value>>,
    /// Carried through unchanged.
    #[serde(default)]
    pub tools: Option<Value>,
    /// Carried through unchanged.
    #[serde(default)]
    pub browser_use: Option<Value>,
    /// Carried through unchanged.
    #[serde(default)]
    pub computer_use: Option<Value>,
    /// Every other config.toml key, unchanged.
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

/// `[sandbox_workspace_write]` of config.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SandboxWorkspaceWrite {
    #[serde(default)]
    pub writable_roots: Vec<String>,
    #[serde(default)]
    pub network_access: bool,
    #[serde(default)]
    pub exclude_tmpdir_env_var: bool,
    #[serde(default)]
    pub exclude_slash_tmp: bool,
}

/// What counts against `model_auto_compact_token_limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AutoCompactTokenLimitScope {
    Total,
    BodyAfterPrefix,
}

/// Output verbosity of GPT-5 models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verbosity {
    Low,
    Medium,
    High,
}

/// Which login method is forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ForcedLoginMethod {
    Chatgpt,
    Api,
}

/// One workspace id or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ForcedChatgptWorkspaceIds {
    One(String),
    Many(Vec<String>),
}

/// Web search mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebSearchMode {
    Disabled,
    Cached,
    Indexed,
    Live,
}

/// Web search provider preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebSearchProvider {
    Standalone,
    SearchMcp,
}

/// `[analytics]` of config.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnalyticsConfig {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub additional: Map<String, Value>,
}

/// Where a config value came from, and the version (`sha256:<hex>`) of that layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConfigLayerMetadata {
    pub name: ConfigLayerSource,
    pub version: String,
}

/// One config layer with its raw content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigLayer {
    pub name: ConfigLayerSource,
    pub version: String,
    pub config: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
}

/// A config layer, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ConfigLayerSource {
    System {
        file: PathBuf,
    },
    User {
        file: PathBuf,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Project {
        dot_codex_folder: PathBuf,
    },
    SessionFlags,
}
