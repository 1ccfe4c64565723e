//! Credentials: `<CODEX_HOME>/auth.json` (API-key login and logout, written atomically with mode
//! 0600) and the choice of the bearer token for a provider: its `env_key` variable, a literal
//! token, or for the built-in provider `CODEX_API_KEY`, `OPENAI_API_KEY`, then the stored login
//! (an API key, or ChatGPT tokens: see `chatgpt`).

pub mod chatgpt;

use std::fmt;
use std::io::ErrorKind;
use std::path::Path;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

use crate::config::ConfigEnv;
use crate::config::ModelProviderInfo;
use crate::private_file::create_private_dir;
use crate::private_file::replace_private_file;

const AUTH_FILE: &str = "auth.json";

/// The content of `auth.json`, with the original's field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthDotJson {
    /// `"apikey"` or `"chatgpt"`; absent in files written by API-key login here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_mode: Option<String>,
    #[serde(rename = "OPENAI_API_KEY", default)]
    pub openai_api_key: Option<String>,
    /// ChatGPT login tokens (`chatgpt::TokenData`), decoded only when used.
    #[serde(default)]
    pub tokens: Option<serde_json::Value>,
    #[serde(default)]
    pub last_refresh: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("Missing environment variable: `{var}`.{}", instructions.as_ref().map(|text| format!(" {text}")).unwrap_or_default())]
    MissingEnvVar {
        var: String,
        instructions: Option<String>,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not valid: {source}; run `codex login` again", path.display())]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the stored ChatGPT id token is not valid: {0}; run `codex login` again")]
    InvalidIdToken(String),
    #[error("could not refresh the ChatGPT login: {0}; run `codex login` again")]
    RefreshFailed(String),
}

/// How one request authenticates.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestAuth {
    ApiKey(String),
    ChatGpt(chatgpt::ChatGptAuth),
}

impl RequestAuth {
    /// The bearer token sent as `authorization: Bearer …`.
    pub fn bearer(&self) -> &str {
        match self {
            RequestAuth::ApiKey(key) => key,
            RequestAuth::ChatGpt(auth) => &auth.access_token,
        }
    }

    /// `authorization`, plus `chatgpt-account-id` under ChatGPT auth.
    pub fn headers(&self) -> Vec<(String, String)> {
        match self {
            RequestAuth::ApiKey(key) => {
                vec![("authorization".to_string(), format!("Bearer {key}"))]
            }
            RequestAuth::ChatGpt(auth) => auth.headers(),
        }
    }
}

fn auth_path(codex_home: &Path) -> PathBuf {
    codex_home.join(AUTH_FILE)
}

/// Stores `api_key` as the login, replacing any previous one. Creates `codex_home` (0700) when
/// it does not exist yet.
pub fn login_with_api_key(codex_home: &Path, api_key: &str) -> Result<(), AuthError> {
    let auth = AuthDotJson {
        auth_mode: None,
        openai_api_key: Some(api_key.to_string()),
        tokens: None,
        last_refresh: None,
    };
    write_auth(codex_home, &auth)
}

/// Removes `auth.json`; `true` when there was one.
pub fn logout(codex_home: &Path) -> Result<bool, AuthError> {
    let path = auth_path(codex_home);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(false),
        Err(source) => Err(AuthError::Write { path, source }),
    }
}

/// The stored login, `None` when there is no `auth.json`.
pub fn load_auth(codex_home: &Path) -> Result<Option<AuthDotJson>, AuthError> {
    let path = auth_path(codex_home);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(AuthError::Read { path, source }),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| AuthError::Corrupt { path, source })
}

/// How requests to `provider` authenticate; `Ok(None)` for providers that need nothing
/// (local servers).
pub fn resolve_request_auth(
    provider: &ModelProviderInfo,
    env: &ConfigEnv,
    codex_home: &Path,
) -> Result<Option<RequestAuth>, AuthError> {
    if let Some(token) = &provider.experimental_bearer_token {
        return Ok(Some(RequestAuth::ApiKey(token.clone())));
    }
    if let Some(var) = &provider.env_key {
        return match env.non_blank(var) {
            Some(value) => Ok(Some(RequestAuth::ApiKey(value.to_string()))),
            None => Err(AuthError::MissingEnvVar {
                var: var.clone(),
                instructions: provider.env_key_instructions.clone(),
            }),
        };
    }
    if !provider.requires_openai_auth {
        return Ok(None);
    }
    for var in ["CODEX_API_KEY", "OPENAI_API_KEY"] {
        if let Some(value) = env.non_blank(var) {
            return Ok(Some(RequestAuth::ApiKey(value.to_string())));
        }
    }
    let stored = load_auth(codex_home)?;
    if stored.as_ref().is_some_and(AuthDotJson::is_chatgpt) {
        return Ok(chatgpt::load_chatgpt_auth(codex_home)?.map(RequestAuth::ChatGpt));
    }
    let stored = stored
        .and_then(|auth| auth.openai_api_key)
        .filter(|key| !key.trim().is_empty());
    match stored {
        Some(key) => Ok(Some(RequestAuth::ApiKey(key))),
        None => Err(AuthError::MissingEnvVar {
            var: "OPENAI_API_KEY".to_string(),
            instructions: None,
        }),
    }
}

/// What `codex login status` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginStatus {
    NotLoggedIn,
    /// The key, masked (`sk-proj-***ABCDE`).
    ApiKey(String),
    ChatGpt,
}

impl fmt::Display for LoginStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginStatus::NotLoggedIn => f.write_str("Not logged in"),
            LoginStatus::ApiKey(masked) => write!(f, "Logged in using an API key - {masked}"),
            LoginStatus::ChatGpt => f.write_str("Logged in using ChatGPT"),
        }
    }
}

pub fn login_status(codex_home: &Path) -> Result<LoginStatus, AuthError> {
    let Some(auth) = load_auth(codex_home)? else {
        return Ok(LoginStatus::NotLoggedIn);
    };
    if auth.is_chatgpt() {
        return Ok(LoginStatus::ChatGpt);
    }
    Ok(match (auth.openai_api_key, auth.tokens) {
        (Some(key), _) => LoginStatus::ApiKey(mask_key(&key)),
        (None, Some(tokens)) if !tokens.is_null() => LoginStatus::ChatGpt,
        (None, _) => LoginStatus::NotLoggedIn,
    })
}

/// First 8 and last 5 characters; short keys are fully hidden.
fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 13 {
        return "***".to_string();
    }
    let prefix: String = chars[..8].iter().collect();
    let suffix: String = chars[chars.len() - 5..].iter().collect();
    format!("{prefix}***{suffix}")
}

/// Replaces `auth.json` atomically with mode 0600 (see `private_file`).
fn write_auth(codex_home: &Path, auth: &AuthDotJson) -> Result<(), AuthError> {
    let path = auth_path(codex_home);
    create_private_dir(codex_home).map_err(|source| AuthError::Write {
        path: codex_home.to_path_buf(),
        source,
    })?;
    let mut json = serde_json::to_string_pretty(auth).map_err(|err| AuthError::Write {
        path: path.clone(),
        source: std::io::Error::other(err),
    })?;
    json.push('\n');
    replace_private_file(&path, json.as_bytes()).map_err(|source| AuthError::Write { path, source })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::collections::HashMap;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::config::InstructionsPlacement;
    use crate::config::WireApi;

    fn tempdir() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        }
    }

    fn env(vars: &[(&str, &str)]) -> ConfigEnv {
        ConfigEnv {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect::<HashMap<_, _>>(),
        }
    }

    fn provider() -> ModelProviderInfo {
        ModelProviderInfo {
            name: "P".into(),
            base_url: "http://127.0.0.1:9/v1".into(),
            env_key: None,
            env_key_instructions: None,
            wire_api: WireApi::Responses,
            query_params: BTreeMap::new(),
            http_headers: BTreeMap::new(),
            env_http_headers: BTreeMap::new(),
            request_max_retries: 4,
            stream_max_retries: 5,
            stream_idle_timeout_ms: 300_000,
            requires_openai_auth: false,
            supports_websockets: false,
            experimental_bearer_token: None,
            instructions_placement: InstructionsPlacement::Input,
            is_builtin_openai: false,
        }
    }

    fn openai() -> ModelProviderInfo {
        ModelProviderInfo {
            requires_openai_auth: true,
            is_builtin_openai: true,
            ..provider()
        }
    }

    fn resolved(
        provider: &ModelProviderInfo,
        env: &ConfigEnv,
        home: &Path,
    ) -> Result<Option<String>, String> {
        resolve_request_auth(provider, env, home)
            .map(|auth| auth.map(|auth| auth.bearer().to_string()))
            .map_err(|err| err.to_string())
    }

    #[test]
    fn login_writes_a_private_file_and_logout_removes_it() {
        let dir = tempdir();
        let home = dir.path().join("fresh/.codex");
        assert_eq!(
            login_with_api_key(&home, "sk-test").map_err(|e| e.to_string()),
            Ok(())
        );
        let text = std::fs::read_to_string(home.join("auth.json")).unwrap_or_default();
        assert_eq!(
            text,
            "{\n  \"OPENAI_API_KEY\": \"sk-test\",\n  \"tokens\": null,\n  \"last_refresh\": null\n}\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |path: &Path| {
                std::fs::metadata(path)
                    .map(|meta| meta.permissions().mode() & 0o777)
                    .unwrap_or(0)
            };
            assert_eq!((mode(&home.join("auth.json")), mode(&home)), (0o600, 0o700));
        }
        assert_eq!(
            load_auth(&home).map_err(|e| e.to_string()),
            Ok(Some(AuthDotJson {
                auth_mode: None,
                openai_api_key: Some("sk-test".into()),
                tokens: None,
                last_refresh: None,
            }))
        );
        // A second login replaces the first; no temporary file is left behind.
        assert_eq!(
            login_with_api_key(&home, "sk-two").map_err(|e| e.to_string()),
            Ok(())
        );
        let names: Vec<String> = std::fs::read_dir(&home)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(names, vec!["auth.json"]);
        assert_eq!(logout(&home).map_err(|e| e.to_string()), Ok(true));
        assert_eq!(logout(&home).map_err(|e| e.to_string()), Ok(false));
        assert_eq!(load_auth(&home).map_err(|e| e.to_string()), Ok(None));
    }

    #[test]
    fn corrupt_auth_json_is_an_error() {
        let dir = tempdir();
        let _ = std::fs::write(dir.path().join("auth.json"), "{not json");
        let err = load_auth(dir.path()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err(format!(
                "{}/auth.json is not valid: key must be a string at line 1 column 2; run `codex login` again",
                dir.path().display()
            ))
        );
    }

    #[test]
    fn env_key_providers_need_their_variable() {
        let dir = tempdir();
        let with_key = ModelProviderInfo {
            env_key: Some("MY_KEY".into()),
            ..provider()
        };
        assert_eq!(
            resolved(&with_key, &env(&[("MY_KEY", "k1")]), dir.path()),
            Ok(Some("k1".into()))
        );
        assert_eq!(
            resolved(&with_key, &env(&[("MY_KEY", "  ")]), dir.path()),
            Err("Missing environment variable: `MY_KEY`.".into())
        );
        let with_instructions = ModelProviderInfo {
            env_key_instructions: Some("Create one at https://example.com/keys.".into()),
            ..with_key
        };
        assert_eq!(
            resolved(&with_instructions, &env(&[]), dir.path()),
            Err(
                "Missing environment variable: `MY_KEY`. Create one at https://example.com/keys."
                    .into()
            )
        );
    }

    #[test]
    fn bearer_token_and_keyless_providers() {
        let dir = tempdir();
        let bearer = ModelProviderInfo {
            experimental_bearer_token: Some("literal".into()),
            ..provider()
        };
        assert_eq!(
            resolved(&bearer, &env(&[]), dir.path()),
            Ok(Some("literal".into()))
        );
        assert_eq!(
            resolved(&provider(), &env(&[("OPENAI_API_KEY", "x")]), dir.path()),
            Ok(None)
        );
    }

    #[test]
    fn builtin_provider_order() {
        let dir = tempdir();
        let both = env(&[("CODEX_API_KEY", "codex"), ("OPENAI_API_KEY", "openai")]);
        assert_eq!(
            resolved(&openai(), &both, dir.path()),
            Ok(Some("codex".into()))
        );
        let openai_only = env(&[("CODEX_API_KEY", ""), ("OPENAI_API_KEY", "openai")]);
        assert_eq!(
            resolved(&openai(), &openai_only, dir.path()),
            Ok(Some("openai".into()))
        );
        assert_eq!(
            resolved(&openai(), &env(&[]), dir.path()),
            Err("Missing environment variable: `OPENAI_API_KEY`.".into())
        );
        assert_eq!(
            login_with_api_key(dir.path(), "stored").map_err(|e| e.to_string()),
            Ok(())
        );
        assert_eq!(
            resolved(&openai(), &env(&[]), dir.path()),
            Ok(Some("stored".into()))
        );
        assert_eq!(
            resolved(&openai(), &openai_only, dir.path()),
            Ok(Some("openai".into()))
        );
    }

    #[test]
    fn login_status_lines() {
        let dir = tempdir();
        let status = |home: &Path| match login_status(home) {
            Ok(status) => status.to_string(),
            Err(err) => err.to_string(),
        };
        assert_eq!(status(dir.path()), "Not logged in");
        let _ = login_with_api_key(dir.path(), "sk-proj-0123456789ABCDE");
        assert_eq!(
            status(dir.path()),
            "Logged in using an API key - sk-proj-***ABCDE"
        );
        let _ = login_with_api_key(dir.path(), "sk-short");
        assert_eq!(status(dir.path()), "Logged in using an API key - ***");
        let _ = std::fs::write(
            dir.path().join("auth.json"),
            r#"{"OPENAI_API_KEY": null, "tokens": {"id_token": "x"}, "last_refresh": "2026-01-01T00:00:00Z"}"#,
        );
        assert_eq!(status(dir.path()), "Logged in using ChatGPT");
    }
}
