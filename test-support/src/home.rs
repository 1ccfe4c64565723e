//! What a test needs to run the `codex` binary hermetically: a temporary `CODEX_HOME`, the
//! `config.toml` lines that point it at a [`MockServer`], and the complete child environment.

use std::path::Path;
use std::path::PathBuf;

use tempfile::TempDir;

use crate::server::MockServer;

/// The env var holding the mock provider's API key, and its value in [`base_env`].
const MOCK_API_KEY_VAR: &str = "MOCK_API_KEY";
const MOCK_API_KEY: &str = "test-key";

/// A temporary `CODEX_HOME`: `<tempdir>/.codex`, so `<tempdir>` serves as `HOME` (see
/// [`base_env`]). Removed on drop.
pub struct TestCodexHome {
    _root: TempDir,
    codex_home: PathBuf,
}

impl TestCodexHome {
    /// # Panics
    /// When the temporary directory cannot be created.
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("codex-test-home-")
            .tempdir()
            .unwrap_or_else(|err| panic!("cannot create a temporary CODEX_HOME: {err}"));
        let codex_home = root.path().join(".codex");
        std::fs::create_dir(&codex_home).unwrap_or_else(|err| {
            panic!("cannot create {}: {err}", codex_home.display());
        });
        TestCodexHome {
            _root: root,
            codex_home,
        }
    }

    /// The `CODEX_HOME` directory.
    pub fn path(&self) -> &Path {
        &self.codex_home
    }

    /// Writes `contents` to `config.toml`, replacing any previous one.
    ///
    /// # Panics
    /// When the file cannot be written.
    pub fn write_config(&self, contents: &str) {
        let path = self.codex_home.join("config.toml");
        std::fs::write(&path, contents)
            .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
    }

    /// `CODEX_HOME/sessions` (it exists once the binary has written a rollout).
    pub fn sessions_dir(&self) -> PathBuf {
        self.codex_home.join("sessions")
    }

    /// Every `.jsonl` file under `sessions/`, at any depth, sorted by path (so by date).
    ///
    /// # Panics
    /// When a directory under `sessions/` cannot be read.
    pub fn rollout_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        collect_jsonl(&self.sessions_dir(), &mut files);
        files.sort();
        files
    }
}

impl Default for TestCodexHome {
    fn default() -> Self {
        Self::new()
    }
}

fn collect_jsonl(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
        Err(err) => panic!("cannot list {}: {err}", dir.display()),
    };
    for entry in entries {
        let path = entry
            .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
            .path();
        if path.is_dir() {
            collect_jsonl(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "jsonl") {
            files.push(path);
        }
    }
}

/// `config.toml` lines selecting the custom provider `mock` at `server.base_url()` with model
/// `gpt-5.5`, 1 request retry, 1 stream retry and a 2 s stream idle timeout.
///
/// The provider is written with dotted keys, not a `[table]` header, so a test may append more
/// top-level keys after it. Override a provider field with `-c model_providers.mock.KEY=VALUE`
/// (repeating the key in `config.toml` is a TOML error).
pub fn mock_provider_config(server: &MockServer) -> String {
    let base_url = server.base_url();
    format!(
        r#"model = "gpt-5.5"
model_provider = "mock"
model_providers.mock.name = "mock"
model_providers.mock.base_url = "{base_url}"
model_providers.mock.env_key = "{MOCK_API_KEY_VAR}"
model_providers.mock.wire_api = "responses"
model_providers.mock.request_max_retries = 1
model_providers.mock.stream_max_retries = 1
model_providers.mock.stream_idle_timeout_ms = 2000
"#
    )
}

/// The whole environment for a child `codex` (use with `Command::env_clear().envs(..)`):
/// `PATH` (this process's, else `/usr/local/bin:/usr/bin:/bin`), `HOME` (the parent of
/// `codex_home`), `CODEX_HOME`, `MOCK_API_KEY=test-key`, `TERM=dumb`. `TZ`, `LANG` and
/// everything else stay unset.
pub fn base_env(codex_home: &Path) -> Vec<(String, String)> {
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_string());
    let home = codex_home.parent().unwrap_or(codex_home);
    vec![
        ("PATH".to_string(), path),
        ("HOME".to_string(), home.to_string_lossy().into_owned()),
        (
            "CODEX_HOME".to_string(),
            codex_home.to_string_lossy().into_owned(),
        ),
        (MOCK_API_KEY_VAR.to_string(), MOCK_API_KEY.to_string()),
        ("TERM".to_string(), "dumb".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn codex_home_is_a_dot_codex_dir_inside_a_private_home() {
        let home = TestCodexHome::new();
        assert!(home.path().is_dir());
        assert_eq!(home.path().file_name(), Some(".codex".as_ref()));
        assert_eq!(home.sessions_dir(), home.path().join("sessions"));
        let root = home.path().parent().map(Path::to_path_buf);
        drop(home);
        assert_eq!(root.map(|root| root.exists()), Some(false));
    }

    #[test]
    fn write_config_replaces_config_toml() {
        let home = TestCodexHome::new();
        home.write_config("model = \"a\"\n");
        home.write_config("model = \"b\"\n");
        let written = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
        assert_eq!(written, "model = \"b\"\n");
    }

    #[test]
    fn rollout_files_lists_nested_jsonl_sorted() {
        let home = TestCodexHome::new();
        assert_eq!(home.rollout_files(), Vec::<PathBuf>::new());
        let day = home.sessions_dir().join("2026/11/23");
        let other_day = home.sessions_dir().join("2026/11/22");
        std::fs::create_dir_all(&day).unwrap();
        std::fs::create_dir_all(&other_day).unwrap();
        for file in [
            day.join("rollout-b.jsonl"),
            day.join("rollout-a.jsonl"),
            day.join("notes.txt"),
            other_day.join("rollout-c.jsonl"),
        ] {
            std::fs::write(file, "").unwrap();
        }
        assert_eq!(
            home.rollout_files(),
            vec![
                other_day.join("rollout-c.jsonl"),
                day.join("rollout-a.jsonl"),
                day.join("rollout-b.jsonl"),
            ]
        );
    }

    #[test]
    fn mock_provider_config_selects_the_mock_and_accepts_appended_keys() {
        let server = MockServer::start(Vec::new());
        let config = format!(
            "{}approval_policy = \"never\"\n",
            mock_provider_config(&server)
        );
        let parsed: toml::Table = toml::from_str(&config).unwrap();
        let expected: toml::Table = toml::from_str(&format!(
            r#"
model = "gpt-5.5"
model_provider = "mock"
approval_policy = "never"

[model_providers.mock]
name = "mock"
base_url = "{}/v1"
env_key = "MOCK_API_KEY"
wire_api = "responses"
request_max_retries = 1
stream_max_retries = 1
stream_idle_timeout_ms = 2000
"#,
            server.uri()
        ))
        .unwrap();
        assert_eq!(parsed, expected);
    }

    #[test]
    fn base_env_is_the_whole_child_environment() {
        let home = TestCodexHome::new();
        let root = home.path().parent().unwrap().to_string_lossy().into_owned();
        let path = std::env::var("PATH").unwrap();
        assert_eq!(
            base_env(home.path()),
            vec![
                ("PATH".to_string(), path),
                ("HOME".to_string(), root.clone()),
                ("CODEX_HOME".to_string(), format!("{root}/.codex")),
                ("MOCK_API_KEY".to_string(), "test-key".to_string()),
                ("TERM".to_string(), "dumb".to_string()),
            ]
        );
    }
}
