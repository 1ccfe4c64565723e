//! From the typed `config.toml` plus the CLI flags to the `Config` a session runs with: cwd,
//! provider, sandbox policy (with project trust), approval policy, instructions and defaults.

use std::path::Path;
use std::path::PathBuf;

use super::AskForApproval;
use super::Config;
use super::ConfigEnv;
use super::ConfigError;
use super::ConfigOverrides;
use super::HistoryPersistence;
use super::NotificationMethod;
use super::ShellEnvironmentPolicy;
use super::TuiNotifications;
use super::WebSearchMode;
use super::layers::ConfigFile;
use super::layers::Layered;
use super::layers::key_path;
use super::providers;
use super::schema::ConfigToml;
use super::schema::LocalProvider;
use super::schema::SandboxWorkspaceWriteToml;
use super::schema::ShellEnvironmentPolicyToml;
use super::schema::TrustLevel;
use super::trust::is_trusted;
use crate::sandbox::SandboxMode;
use crate::sandbox::SandboxPolicy;

pub(crate) const DEFAULT_MODEL: &str = "gpt-5.5";
pub(crate) const DEFAULT_CHATGPT_BASE_URL: &str = "https://chatgpt.com/backend-api/";
const DEFAULT_PROJECT_DOC_MAX_BYTES: usize = 32 * 1024;

pub(crate) struct Inputs<'a> {
    pub toml: ConfigToml,
    pub overrides: ConfigOverrides,
    pub env: ConfigEnv,
    pub codex_home: PathBuf,
    pub file: &'a ConfigFile,
    pub layered: &'a Layered,
    pub warnings: Vec<String>,
}

pub(crate) fn resolve(inputs: Inputs<'_>) -> Result<Config, ConfigError> {
    let Inputs {
        toml,
        overrides,
        env,
        codex_home,
        file,
        layered,
        mut warnings,
    } = inputs;
    let error_at =
        |keys: &[&str], message: String| layered.error_at(file, &key_path(keys), message);

    let cwd = resolve_cwd(overrides.cwd.as_deref())?;

    let local = match (overrides.oss, overrides.local_provider.as_deref()) {
        (false, _) => None,
        (true, Some(id)) => Some(
            LocalProvider::from_id(id)
                .ok_or_else(|| ConfigError::UnknownLocalProvider(id.to_string()))?,
        ),
        (true, None) => Some(toml.oss_provider.ok_or(ConfigError::NoOssProvider)?),
    };
    let model = overrides
        .model
        .or_else(|| local.map(|local| local.default_model().to_string()))
        .or(toml.model)
        .unwrap_or_else(|| DEFAULT_MODEL.to_string());

    let openai_base_url = toml
        .openai_base_url
        .as_deref()
        .filter(|url| !url.trim().is_empty());
    let mut model_providers = providers::built_in_providers(openai_base_url, &env);
    for (id, table) in toml.model_providers {
        if model_providers.contains_key(&id) {
            warnings.push(format!(
                "warning: ignoring [model_providers.{id}] in config.toml: `{id}` is a built-in provider and cannot be replaced; use another id"
            ));
            continue;
        }
        let Some(name) = table.name.clone() else {
            return Err(error_at(
                &["model_providers", &id],
                "missing field `name`".to_string(),
            ));
        };
        model_providers.insert(id, providers::custom_provider(name, table));
    }
    let model_provider_id = match local {
        Some(local) => local.id().to_string(),
        None => toml
            .model_provider
            .unwrap_or_else(|| providers::OPENAI_PROVIDER_ID.to_string()),
    };
    let Some(model_provider) = model_providers.remove(&model_provider_id) else {
        let known: Vec<&str> = model_providers.keys().map(String::as_str).collect();
        return Err(error_at(
            &["model_provider"],
            format!(
                "model provider `{model_provider_id}` is not defined; add a [model_providers.{model_provider_id}] table or use one of: {}",
                known.join(", ")
            ),
        ));
    };

    let trusted_projects: Vec<PathBuf> = toml
        .projects
        .iter()
        .filter(|(_, project)| project.trust_level == Some(TrustLevel::Trusted))
        .map(|(path, _)| PathBuf::from(path))
        .collect();
    let sandbox_mode = overrides
        .sandbox_mode
        .or(toml.sandbox_mode)
        .unwrap_or_else(|| {
            if is_trusted(&trusted_projects, &cwd) {
                SandboxMode::WorkspaceWrite
            } else {
                SandboxMode::ReadOnly
            }
        });
    let additional_roots: Vec<PathBuf> = overrides
        .additional_writable_roots
        .iter()
        .map(|root| cwd.join(root))
        .collect();
    if sandbox_mode == SandboxMode::ReadOnly && !additional_roots.is_empty() {
        warnings.push(
            "warning: ignoring --add-dir: the sandbox is read-only; use --sandbox workspace-write to allow writes"
                .to_string(),
        );
    }
    let sandbox_policy =
        sandbox_policy(sandbox_mode, toml.sandbox_workspace_write, additional_roots);

    let approval_policy = overrides
        .approval_policy
        .or(toml.approval_policy)
        .or(overrides.default_approval_policy)
        .unwrap_or(AskForApproval::OnRequest);

    let base_instructions = match (overrides.base_instructions, toml.base_instructions) {
        (Some(text), _) | (None, Some(text)) => Some(text),
        (None, None) => match &toml.model_instructions_file {
            Some(path) => {
                let key = if layered.table.contains_key("model_instructions_file") {
                    "model_instructions_file"
                } else {
                    "experimental_instructions_file"
                };
                Some(
                    read_instructions_file(&cwd.join(path))
                        .map_err(|message| error_at(&[key], message))?,
                )
            }
            None => None,
        },
    };

    let mut mcp_servers = std::collections::BTreeMap::new();
    for (name, server) in toml.mcp_servers {
        let resolved = server.resolve(&name).map_err(|err| {
            let mut path = vec!["mcp_servers", name.as_str()];
            path.extend(err.key);
            error_at(&path, err.message)
        })?;
        mcp_servers.insert(name, resolved);
    }

    let tui = toml.tui.unwrap_or_default();
    Ok(Config {
        codex_home,
        cwd,
        model,
        model_provider_id,
        model_provider,
        chatgpt_base_url: toml
            .chatgpt_base_url
            .filter(|url| !url.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_CHATGPT_BASE_URL.to_string()),
        model_reasoning_effort: toml.model_reasoning_effort,
        model_reasoning_summary: toml.model_reasoning_summary,
        model_verbosity: toml.model_verbosity,
        model_context_window: toml.model_context_window,
        model_auto_compact_token_limit: toml.model_auto_compact_token_limit,
        model_supports_reasoning_summaries: toml
            .model_supports_reasoning_summaries
            .unwrap_or(false),
        approval_policy,
        sandbox_policy,
        shell_environment_policy: shell_environment_policy(toml.shell_environment_policy),
        project_doc_max_bytes: toml
            .project_doc_max_bytes
            .unwrap_or(DEFAULT_PROJECT_DOC_MAX_BYTES),
        project_doc_fallback_filenames: toml.project_doc_fallback_filenames.unwrap_or_default(),
        base_instructions,
        developer_instructions: overrides
            .developer_instructions
            .or(toml.developer_instructions),
        compact_prompt: toml.compact_prompt,
        hide_agent_reasoning: toml.hide_agent_reasoning.unwrap_or(false),
        show_raw_agent_reasoning: toml.show_raw_agent_reasoning.unwrap_or(false),
        notify: toml.notify,
        history_persistence: toml
            .history
            .and_then(|history| history.persistence)
            .unwrap_or(HistoryPersistence::SaveAll),
        tui_notifications: tui
            .notifications
            .map_or(TuiNotifications::All, |notifications| notifications.0),
        tui_notification_method: tui.notification_method.unwrap_or(NotificationMethod::Auto),
        features: toml.features,
        web_search: toml.web_search.unwrap_or(WebSearchMode::Disabled),
        trusted_projects,
        mcp_servers,
        warnings,
        env,
    })
}

/// The session root: `-C` against the process cwd, canonical; it must be a directory.
fn resolve_cwd(requested: Option<&Path>) -> Result<PathBuf, ConfigError> {
    let joined = match requested {
        Some(path) if path.is_absolute() => path.to_path_buf(),
        _ => {
            let process_cwd = std::env::current_dir().map_err(|source| ConfigError::Cwd {
                path: PathBuf::from("."),
                source,
            })?;
            match requested {
                Some(path) => process_cwd.join(path),
                None => process_cwd,
            }
        }
    };
    let canonical = std::fs::canonicalize(&joined).map_err(|source| ConfigError::Cwd {
        path: joined.clone(),
        source,
    })?;
    if !canonical.is_dir() {
        return Err(ConfigError::Cwd {
            path: joined,
            source: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    Ok(canonical)
}

/// `[sandbox_workspace_write]` and `--add-dir` only matter in workspace-write mode.
fn sandbox_policy(
    mode: SandboxMode,
    workspace_write: Option<SandboxWorkspaceWriteToml>,
    additional_roots: Vec<PathBuf>,
) -> SandboxPolicy {
    match mode {
        SandboxMode::ReadOnly => SandboxPolicy::ReadOnly,
        SandboxMode::DangerFullAccess => SandboxPolicy::DangerFullAccess,
        SandboxMode::WorkspaceWrite => {
            let settings = workspace_write.unwrap_or(SandboxWorkspaceWriteToml {
                writable_roots: Vec::new(),
                network_access: false,
                exclude_tmpdir_env_var: false,
                exclude_slash_tmp: false,
            });
            let mut writable_roots: Vec<PathBuf> = settings
                .writable_roots
                .into_iter()
                .map(|root| root.0)
                .collect();
            writable_roots.extend(additional_roots);
            SandboxPolicy::WorkspaceWrite {
                writable_roots,
                network_access: settings.network_access,
                exclude_tmpdir_env_var: settings.exclude_tmpdir_env_var,
                exclude_slash_tmp: settings.exclude_slash_tmp,
            }
        }
    }
}

fn shell_environment_policy(toml: Option<ShellEnvironmentPolicyToml>) -> ShellEnvironmentPolicy {
    let default = ShellEnvironmentPolicy::default();
    let Some(toml) = toml else {
        return default;
    };
    ShellEnvironmentPolicy {
        inherit: toml.inherit.unwrap_or(default.inherit),
        ignore_default_excludes: toml
            .ignore_default_excludes
            .unwrap_or(default.ignore_default_excludes),
        exclude: toml.exclude.unwrap_or_default(),
        set: toml.set.unwrap_or_default(),
        include_only: toml.include_only.unwrap_or_default(),
    }
}

fn read_instructions_file(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        format!(
            "cannot read model instructions file {}: {err}",
            path.display()
        )
    })?;
    if text.trim().is_empty() {
        return Err(format!(
            "model instructions file {} is empty",
            path.display()
        ));
    }
    Ok(text)
}
