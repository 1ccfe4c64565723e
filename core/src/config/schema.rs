//! The serde shape of `config.toml` (after layering): every key we act on, typed, so a bad value
//! fails with serde's own wording and the key path. Keys we accept without acting on them are
//! listed in `ACCEPTED_UNMODELLED`; any other key becomes an "unknown key" warning.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Deserializer;
use serde::de::Error as _;

use super::AskForApproval;
use super::EnvironmentInherit;
use super::HistoryPersistence;
use super::InstructionsPlacement;
use super::NotificationKind;
use super::NotificationMethod;
use super::ReasoningEffort;
use super::ReasoningSummaryMode;
use super::TuiNotifications;
use super::Verbosity;
use super::WebSearchMode;
use super::WireApi;
use super::layers::KeyPath;
use super::layers::Seg;
use crate::sandbox::SandboxMode;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConfigToml {
    pub model: Option<String>,
    pub model_provider: Option<String>,
    #[serde(default)]
    pub model_providers: BTreeMap<String, ModelProviderToml>,
    pub model_reasoning_effort: Option<ReasoningEffort>,
    pub model_reasoning_summary: Option<ReasoningSummaryMode>,
    pub model_verbosity: Option<Verbosity>,
    pub model_context_window: Option<u64>,
    pub model_auto_compact_token_limit: Option<u64>,
    pub model_supports_reasoning_summaries: Option<bool>,
    pub oss_provider: Option<LocalProvider>,
    pub openai_base_url: Option<String>,
    pub chatgpt_base_url: Option<String>,
    pub approval_policy: Option<AskForApproval>,
    pub sandbox_mode: Option<SandboxMode>,
    pub sandbox_workspace_write: Option<SandboxWorkspaceWriteToml>,
    #[serde(default)]
    pub projects: BTreeMap<String, ProjectToml>,
    pub shell_environment_policy: Option<ShellEnvironmentPolicyToml>,
    pub project_doc_max_bytes: Option<usize>,
    pub project_doc_fallback_filenames: Option<Vec<String>>,
    #[serde(alias = "experimental_instructions_file")]
    pub model_instructions_file: Option<PathBuf>,
    pub base_instructions: Option<String>,
    pub developer_instructions: Option<String>,
    pub compact_prompt: Option<String>,
    pub hide_agent_reasoning: Option<bool>,
    pub show_raw_agent_reasoning: Option<bool>,
    pub notify: Option<Vec<String>>,
    pub history: Option<HistoryToml>,
    pub tui: Option<TuiToml>,
    #[serde(default)]
    pub features: BTreeMap<String, bool>,
    pub web_search: Option<WebSearchMode>,
    #[serde(default)]
    pub mcp_servers: BTreeMap<String, super::mcp::McpServerToml>,
}

/// Keys (dotted paths) of the original's `config.toml` that we accept and do not act on (yet).
const ACCEPTED_UNMODELLED: &[&str] = &[
    "instructions",
    "profile",
    "profiles",
    "mcp_oauth_credentials_store",
    "tui.animations",
    "otel",
    "skills",
    "ghost_snapshot",
    "check_for_update_on_startup",
    "file_opener",
    "forced_login_method",
    "forced_chatgpt_workspace_id",
    "cli_auth_credentials_store",
    "tool_output_token_limit",
    "tools",
    "review_model",
    "model_reasoning_summary_format",
    "experimental_compact_prompt_file",
    "experimental_use_unified_exec_tool",
    "experimental_use_rmcp_client",
    "experimental_use_freeform_apply_patch",
    "include_apply_patch_tool",
    "tools_web_search_request",
    "tools_view_image",
    "disable_paste_burst",
    "windows_wsl_setup_acknowledged",
    "notice",
    "suppress_unstable_features_warning",
    "project_root_markers",
    "history.max_bytes",
    "shell_environment_policy.experimental_use_profile",
];

#[derive(Debug, Deserialize)]
pub(crate) struct ModelProviderToml {
    /// Required for custom providers; checked when resolving, so that a table for a built-in
    /// id (which is ignored with a warning) need not have one.
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub env_key: Option<String>,
    pub env_key_instructions: Option<String>,
    pub wire_api: Option<WireApiToml>,
    pub query_params: Option<BTreeMap<String, String>>,
    pub http_headers: Option<BTreeMap<String, String>>,
    pub env_http_headers: Option<BTreeMap<String, String>>,
    pub request_max_retries: Option<u64>,
    pub stream_max_retries: Option<u64>,
    pub stream_idle_timeout_ms: Option<u64>,
    pub requires_openai_auth: Option<bool>,
    pub supports_websockets: Option<bool>,
    pub experimental_bearer_token: Option<String>,
    pub instructions_placement: Option<InstructionsPlacement>,
}

/// `wire_api`: only `responses`; `chat` gets the removal notice of `config.md` §2.
#[derive(Debug)]
pub(crate) struct WireApiToml(pub WireApi);

pub(crate) const CHAT_WIRE_API_REMOVED: &str = "`wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.";

impl<'de> Deserialize<'de> for WireApiToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        match value.as_str() {
            "responses" => Ok(WireApiToml(WireApi::Responses)),
            "chat" => Err(D::Error::custom(CHAT_WIRE_API_REMOVED)),
            other => Err(D::Error::unknown_variant(other, &["responses"])),
        }
    }
}

/// The local servers `--oss` can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LocalProvider {
    Lmstudio,
    Ollama,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SandboxWorkspaceWriteToml {
    #[serde(default)]
    pub writable_roots: Vec<AbsolutePath>,
    #[serde(default)]
    pub network_access: bool,
    #[serde(default)]
    pub exclude_tmpdir_env_var: bool,
    #[serde(default)]
    pub exclude_slash_tmp: bool,
}

/// A path that must be absolute in `config.toml`.
#[derive(Debug)]
pub(crate) struct AbsolutePath(pub PathBuf);

impl<'de> Deserialize<'de> for AbsolutePath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = PathBuf::deserialize(deserializer)?;
        if path.is_absolute() {
            Ok(AbsolutePath(path))
        } else {
            Err(D::Error::custom(format!(
                "`{}` is not an absolute path; writable roots must be absolute",
                path.display()
            )))
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProjectToml {
    pub trust_level: Option<TrustLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum TrustLevel {
    Trusted,
    Untrusted,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShellEnvironmentPolicyToml {
    pub inherit: Option<EnvironmentInherit>,
    pub ignore_default_excludes: Option<bool>,
    pub exclude: Option<Vec<String>>,
    pub set: Option<BTreeMap<String, String>>,
    pub include_only: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct HistoryToml {
    pub persistence: Option<HistoryPersistence>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TuiToml {
    pub notifications: Option<TuiNotificationsToml>,
    pub notification_method: Option<NotificationMethod>,
}

/// `tui.notifications = true | false | ["agent-turn-complete", …]`.
#[derive(Debug)]
pub(crate) struct TuiNotificationsToml(pub TuiNotifications);

impl<'de> Deserialize<'de> for TuiNotificationsToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TuiNotifications;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean or a list of `agent-turn-complete`, `approval-requested`")
            }

            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Self::Value, E> {
                Ok(if value {
                    TuiNotifications::All
                } else {
                    TuiNotifications::None
                })
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut kinds = Vec::new();
                while let Some(kind) = seq.next_element::<NotificationKind>()? {
                    kinds.push(kind);
                }
                Ok(TuiNotifications::Only(kinds))
            }
        }

        deserializer
            .deserialize_any(Visitor)
            .map(TuiNotificationsToml)
    }
}

/// Why the merged table does not fit `ConfigToml`: where, and serde's message.
#[derive(Debug, PartialEq)]
pub(crate) struct SchemaError {
    pub path: KeyPath,
    pub message: String,
}

/// Deserialises the merged table; also returns the paths of the keys nobody knows.
pub(crate) fn deserialize_config(
    table: toml::Table,
) -> Result<(ConfigToml, Vec<KeyPath>), SchemaError> {
    let mut unknown = Vec::new();
    let mut on_ignored = |path: serde_ignored::Path<'_>| {
        let path = ignored_path(&path);
        if !is_accepted(&path) {
            unknown.push(path);
        }
    };
    let deserializer = serde_ignored::Deserializer::new(toml::Value::Table(table), &mut on_ignored);
    match serde_path_to_error::deserialize::<_, ConfigToml>(deserializer) {
        Ok(config) => Ok((config, unknown)),
        Err(err) => {
            let path = err
                .path()
                .iter()
                .filter_map(|segment| match segment {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            Err(SchemaError {
                path,
                message: err.into_inner().message().to_string(),
            })
        }
    }
}

fn ignored_path(path: &serde_ignored::Path<'_>) -> KeyPath {
    match path {
        serde_ignored::Path::Root => KeyPath::new(),
        serde_ignored::Path::Seq { parent, index } => {
            let mut out = ignored_path(parent);
            out.push(Seg::Index(*index));
            out
        }
        serde_ignored::Path::Map { parent, key } => {
            let mut out = ignored_path(parent);
            out.push(Seg::Key(key.clone()));
            out
        }
        serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

fn is_accepted(path: &[Seg]) -> bool {
    ACCEPTED_UNMODELLED.iter().any(|accepted| {
        let keys: Vec<&str> = accepted.split('.').collect();
        keys.len() == path.len()
            && keys
                .iter()
                .zip(path)
                .all(|(key, seg)| matches!(seg, Seg::Key(name) if name == key))
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::config::layers::display_path;

    fn deserialize(text: &str) -> Result<(ConfigToml, Vec<String>), SchemaError> {
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(err) => panic!("{err}"),
        };
        deserialize_config(table)
            .map(|(config, unknown)| (config, unknown.iter().map(|p| display_path(p)).collect()))
    }

    fn schema_error(text: &str) -> SchemaError {
        match deserialize(text) {
            Ok((config, _)) => panic!("accepted: {config:?}"),
            Err(err) => err,
        }
    }

    #[test]
    fn unknown_keys_are_reported_accepted_ones_are_not() {
        let text = "foo = 1\ninstructions = \"x\"\n[tui]\nbar = 1\n[history]\nmax_bytes = 10\nextra = 1\n[mcp_servers.docs]\ncommand = \"x\"\n[model_providers.m]\nname = \"M\"\ncolour = \"red\"\n";
        let unknown = match deserialize(text) {
            Ok((_, unknown)) => unknown,
            Err(err) => panic!("{err:?}"),
        };
        assert_eq!(
            unknown,
            vec![
                "foo",
                "history.extra",
                "model_providers.m.colour",
                "tui.bar"
            ]
        );
    }

    #[test]
    fn type_errors_carry_the_key_path() {
        assert_eq!(
            schema_error("[model_providers.local]\nname = \"L\"\nwire_api = \"chat\"\n"),
            SchemaError {
                path: crate::config::layers::key_path(&["model_providers", "local", "wire_api"]),
                message: CHAT_WIRE_API_REMOVED.to_string(),
            }
        );
        assert_eq!(
            schema_error("approval_policy = \"sometimes\"").message,
            "unknown variant `sometimes`, expected one of `untrusted`, `on-failure`, `on-request`, `never`"
        );
        let err = schema_error("[sandbox_workspace_write]\nwritable_roots = [\"/ok\", \"rel\"]\n");
        assert_eq!(
            (display_path(&err.path), err.message),
            (
                "sandbox_workspace_write.writable_roots[1]".to_string(),
                "`rel` is not an absolute path; writable roots must be absolute".to_string()
            )
        );
    }
}
