//! `load_config` end to end: a temporary `CODEX_HOME` with a `config.toml`, an injected
//! environment, and the examples of `config.md` §2–§7.

mod errors;
mod layering;
mod resolution;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::Path;
use std::path::PathBuf;

use tempfile::TempDir;

pub(super) use super::*;

struct Home {
    _dir: TempDir,
    /// Canonical `CODEX_HOME`.
    home: PathBuf,
    /// Canonical project directory (a git root) used as cwd.
    project: PathBuf,
}

impl Home {
    fn new(config: &str) -> Self {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        let root = match dir.path().canonicalize() {
            Ok(root) => root,
            Err(err) => panic!("{err}"),
        };
        let home = root.join("home");
        let project = root.join("project");
        for path in [&home, &project.join(".git"), &project.join("sub")] {
            if let Err(err) = std::fs::create_dir_all(path) {
                panic!("{err}");
            }
        }
        write(&home.join("config.toml"), config);
        Home {
            _dir: dir,
            home,
            project,
        }
    }

    fn config_path(&self) -> String {
        self.home.join("config.toml").display().to_string()
    }

    fn env(&self, extra: &[(&str, &str)]) -> ConfigEnv {
        let mut vars: HashMap<String, String> = extra
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        vars.insert("CODEX_HOME".into(), self.home.display().to_string());
        ConfigEnv { vars }
    }

    fn overrides(&self) -> ConfigOverrides {
        ConfigOverrides {
            cwd: Some(self.project.clone()),
            ..ConfigOverrides::default()
        }
    }

    fn with_args(&self, args: &[&str]) -> ConfigOverrides {
        ConfigOverrides {
            config_overrides: args.iter().map(|arg| (*arg).to_string()).collect(),
            ..self.overrides()
        }
    }

    fn load(&self, overrides: ConfigOverrides) -> Config {
        self.load_with_env(overrides, &[])
    }

    fn load_with_env(&self, overrides: ConfigOverrides, env: &[(&str, &str)]) -> Config {
        match load_config(overrides, self.env(env)) {
            Ok(config) => config,
            Err(err) => panic!("{err}"),
        }
    }

    fn error(&self, overrides: ConfigOverrides) -> String {
        match load_config(overrides, self.env(&[])) {
            Ok(config) => panic!("loaded {config:?}"),
            Err(err) => err.to_string(),
        }
    }
}

fn write(path: &Path, text: &str) {
    if let Err(err) = std::fs::write(path, text) {
        panic!("{}: {err}", path.display());
    }
}

fn openai_provider() -> ModelProviderInfo {
    ModelProviderInfo {
        name: "OpenAI".into(),
        base_url: "https://api.openai.com/v1".into(),
        env_key: None,
        env_key_instructions: None,
        wire_api: WireApi::Responses,
        query_params: BTreeMap::new(),
        http_headers: BTreeMap::new(),
        env_http_headers: BTreeMap::from([
            ("OpenAI-Organization".into(), "OPENAI_ORGANIZATION".into()),
            ("OpenAI-Project".into(), "OPENAI_PROJECT".into()),
        ]),
        request_max_retries: 4,
        stream_max_retries: 5,
        stream_idle_timeout_ms: 300_000,
        requires_openai_auth: true,
        supports_websockets: true,
        experimental_bearer_token: None,
        instructions_placement: InstructionsPlacement::Input,
        is_builtin_openai: true,
    }
}

fn local_provider(base_url: &str) -> ModelProviderInfo {
    ModelProviderInfo {
        name: "gpt-oss".into(),
        base_url: base_url.into(),
        env_http_headers: BTreeMap::new(),
        requires_openai_auth: false,
        supports_websockets: false,
        is_builtin_openai: false,
        ..openai_provider()
    }
}
