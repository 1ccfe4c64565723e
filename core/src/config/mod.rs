//! Configuration: `$CODEX_HOME`, `config.toml`, profiles, `-c` overrides and CLI flags, resolved
//! into one validated `Config` (`config.md` §1–7). Loading either yields a `Config` or a
//! `ConfigError` whose text the front end prints before exiting 1; it never panics.

pub mod edit;
mod error;
mod layers;
mod mcp;
mod overrides;
mod providers;
mod resolve;
mod schema;
mod shell_env;
#[cfg(test)]
mod tests;
mod trust;
mod types;

use std::path::PathBuf;

pub use error::ConfigError;
pub use error::Location;
pub use mcp::DEFAULT_STARTUP_TIMEOUT;
pub use mcp::DEFAULT_TOOL_TIMEOUT;
pub use mcp::McpServerConfig;
pub use mcp::McpServerTransportConfig;
pub use overrides::toml_literal;
pub use providers::OPENAI_DEFAULT_BASE_URL;
pub use trust::is_project_trusted;
pub use trust::project_trust_key;
pub use types::*;

use crate::sandbox::SandboxMode;
use layers::ConfigFile;
use layers::Layered;
use layers::Seg;
use layers::key_path;
use overrides::CliOverride;

/// What the command line (or an API caller) imposes on top of `config.toml`.
#[derive(Debug, Clone, Default)]
pub struct ConfigOverrides {
    /// `-m`.
    pub model: Option<String>,
    /// `-C`; relative paths resolve against the process's working directory.
    pub cwd: Option<PathBuf>,
    /// `-s`, `--full-auto`, `--yolo`.
    pub sandbox_mode: Option<SandboxMode>,
    /// `-a`, `--yolo`.
    pub approval_policy: Option<AskForApproval>,
    /// Used only when nothing configures `approval_policy` (`exec` passes `Never`).
    pub default_approval_policy: Option<AskForApproval>,
    /// `--add-dir`; relative paths resolve against the session cwd.
    pub additional_writable_roots: Vec<PathBuf>,
    /// `-p`.
    pub profile: Option<String>,
    /// Raw `-c` arguments, in command-line order.
    pub config_overrides: Vec<String>,
    /// `--enable`: `features.<name> = true`.
    pub enable_features: Vec<String>,
    /// `--disable`: `features.<name> = false`.
    pub disable_features: Vec<String>,
    /// `--oss`: use a local provider (`local_provider`, else `oss_provider`).
    pub oss: bool,
    /// `--local-provider`; only read with `oss`.
    pub local_provider: Option<String>,
    pub base_instructions: Option<String>,
    pub developer_instructions: Option<String>,
}

/// `CODEX_HOME` when set (it must be an existing directory), else `$HOME/.codex` (which may not
/// exist yet; whoever writes there creates it).
pub fn find_codex_home(env: &ConfigEnv) -> Result<PathBuf, ConfigError> {
    if let Some(value) = env.non_blank("CODEX_HOME") {
        let path = PathBuf::from(value);
        return match std::fs::canonicalize(&path) {
            Ok(canonical) if canonical.is_dir() => Ok(canonical),
            Ok(_) => Err(ConfigError::CodexHomeNotADirectory { path }),
            Err(_) => Err(ConfigError::CodexHomeMissing { path }),
        };
    }
    let home = env.non_blank("HOME").ok_or(ConfigError::HomeNotFound)?;
    Ok(PathBuf::from(home).join(".codex"))
}

/// Loads `<codex_home>/config.toml` and resolves it with `overrides` (`config.md` §4).
pub fn load_config(overrides: ConfigOverrides, env: ConfigEnv) -> Result<Config, ConfigError> {
    let codex_home = find_codex_home(&env)?;
    let mut cli_overrides = overrides
        .config_overrides
        .iter()
        .map(|arg| CliOverride::parse(arg))
        .collect::<Result<Vec<_>, _>>()?;
    cli_overrides.extend(
        overrides
            .enable_features
            .iter()
            .map(|name| CliOverride::feature(name, true)),
    );
    cli_overrides.extend(
        overrides
            .disable_features
            .iter()
            .map(|name| CliOverride::feature(name, false)),
    );
    let file = ConfigFile::read(&codex_home.join("config.toml"))?;

    // The overrides are applied to a copy first, so that `-c profile=x` and
    // `-c profiles.x.key=v` shape the profile layer.
    let mut copy = Layered::from_file(&file);
    for cli in &cli_overrides {
        copy.apply_override(cli);
    }
    let mut layered = Layered::from_file(&file);
    let mut unknown_keys = Vec::new();
    if let Some(name) = active_profile(&overrides, &copy, &file)? {
        let profile = profile_table(&copy, &file, &name)?;
        unknown_keys.extend(layered.merge_profile(&copy, &name, &profile));
    }
    for cli in &cli_overrides {
        layered.apply_override(cli);
    }

    let (toml, ignored) = schema::deserialize_config(layered.table.clone())
        .map_err(|err| layered.error_at(&file, &err.path, err.message))?;
    unknown_keys.extend(ignored);
    let mut warnings = Vec::new();
    if !unknown_keys.is_empty() {
        let keys: Vec<String> = unknown_keys
            .iter()
            .map(|path| layered.describe(path))
            .collect();
        warnings.push(format!(
            "warning: ignoring unknown config key(s) in config.toml: {}",
            keys.join(", ")
        ));
    }
    resolve::resolve(resolve::Inputs {
        toml,
        overrides,
        env,
        codex_home,
        file: &file,
        layered: &layered,
        warnings,
    })
}

/// `-p NAME`, else the `profile` key (after `-c`), else none.
fn active_profile(
    overrides: &ConfigOverrides,
    copy: &Layered,
    file: &ConfigFile,
) -> Result<Option<String>, ConfigError> {
    if let Some(name) = &overrides.profile {
        return Ok(Some(name.clone()));
    }
    let Some(value) = copy.table.get("profile") else {
        return Ok(None);
    };
    <String as serde::Deserialize>::deserialize(value.clone())
        .map(Some)
        .map_err(|err| copy.error_at(file, &key_path(&["profile"]), err.message().to_string()))
}

fn profile_table(
    copy: &Layered,
    file: &ConfigFile,
    name: &str,
) -> Result<toml::Table, ConfigError> {
    let Some(value) = copy
        .table
        .get("profiles")
        .and_then(|profiles| profiles.get(name))
    else {
        return Err(ConfigError::ProfileNotFound(name.to_string()));
    };
    <toml::Table as serde::Deserialize>::deserialize(value.clone()).map_err(|err| {
        let path = vec![Seg::Key("profiles".into()), Seg::Key(name.to_string())];
        copy.error_at(file, &path, err.message().to_string())
    })
}
