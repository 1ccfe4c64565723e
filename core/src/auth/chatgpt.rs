//! ChatGPT login: the `tokens` of an `auth.json` with `auth_mode: "chatgpt"`, the claims read
//! from the id token (plan and account id; signatures are not verified, the server does that),
//! and the one token refresh a request may make after a 401.

use std::path::Path;

use base64::Engine as _;
use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

use super::AuthDotJson;
use super::AuthError;
use super::load_auth;
use super::write_auth;
use crate::attestation::SessionAuthKind;
use crate::config::ConfigEnv;
use crate::config::ModelProviderInfo;
use crate::config::OPENAI_DEFAULT_BASE_URL;

/// The ChatGPT Codex backend, used by the built-in provider under ChatGPT auth.
pub const CHATGPT_CODEX_BASE_URL: &str = "https://chatgpt.com/backend-api/codex";
const REFRESH_TOKEN_URL: &str = "https://auth.openai.com/oauth/token";
/// Points the refresh at another server (tests, staging); the original's variable name.
const REFRESH_TOKEN_URL_OVERRIDE_VAR: &str = "CODEX_REFRESH_TOKEN_URL_OVERRIDE";
const CLIENT_ID: &str = "app_EMoamEEZ73f0CkXaXp7hrann";
const AUTH_CLAIM: &str = "https://api.openai.com/auth";

/// `auth.json`'s `tokens` member under ChatGPT auth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenData {
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: String,
    #[serde(default)]
    pub account_id: Option<String>,
}

/// What the id token says about the login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdTokenClaims {
    pub email: Option<String>,
    pub plan_type: Option<String>,
    pub account_id: Option<String>,
}

/// A usable ChatGPT login: what a request needs to authenticate.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatGptAuth {
    pub access_token: String,
    /// `tokens.account_id`, else the id token's `chatgpt_account_id`.
    pub account_id: Option<String>,
    pub claims: IdTokenClaims,
}

impl ChatGptAuth {
    fn from_tokens(tokens: &TokenData) -> Result<Self, AuthError> {
        let claims = parse_id_token(&tokens.id_token)?;
        Ok(ChatGptAuth {
            access_token: tokens.access_token.clone(),
            account_id: tokens
                .account_id
                .clone()
                .or_else(|| claims.account_id.clone()),
            claims,
        })
    }

    /// `authorization` and, when the account is known, `chatgpt-account-id`.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut headers = vec![(
            "authorization".to_string(),
            format!("Bearer {}", self.access_token),
        )];
        if let Some(account_id) = &self.account_id {
            headers.push(("chatgpt-account-id".to_string(), account_id.clone()));
        }
        headers
    }
}

impl AuthDotJson {
    /// `auth_mode: "chatgpt"`, or (files without `auth_mode`) tokens and no API key.
    pub fn is_chatgpt(&self) -> bool {
        match self.auth_mode.as_deref() {
            Some(mode) => mode.eq_ignore_ascii_case("chatgpt"),
            None => {
                self.openai_api_key.is_none() && self.tokens.as_ref().is_some_and(|t| !t.is_null())
            }
        }
    }

    fn token_data(&self, codex_home: &Path) -> Result<TokenData, AuthError> {
        let tokens = self.tokens.clone().unwrap_or(Value::Null);
        serde_json::from_value(tokens).map_err(|source| AuthError::Corrupt {
            path: super::auth_path(codex_home),
            source,
        })
    }
}

/// The stored ChatGPT login; `None` when there is none (no file, or an API-key login).
pub fn load_chatgpt_auth(codex_home: &Path) -> Result<Option<ChatGptAuth>, AuthError> {
    match load_auth(codex_home)? {
        Some(auth) if auth.is_chatgpt() => {
            ChatGptAuth::from_tokens(&auth.token_data(codex_home)?).map(Some)
        }
        Some(_) | None => Ok(None),
    }
}

/// ChatGPT auth or not, for the gate of attestation; an unreadable login counts as not.
pub fn session_auth_kind(codex_home: &Path) -> SessionAuthKind {
    match load_chatgpt_auth(codex_home) {
        Ok(Some(_)) => SessionAuthKind::ChatGpt,
        Ok(None) => SessionAuthKind::Other,
        Err(err) => {
            tracing::warn!("{err}");
            SessionAuthKind::Other
        }
    }
}

/// Under ChatGPT auth the built-in provider talks to the ChatGPT Codex backend, unless
/// `openai_base_url` / `OPENAI_BASE_URL` chose another URL than the API default.
pub fn provider_for_login(
    provider: &ModelProviderInfo,
    auth: SessionAuthKind,
) -> ModelProviderInfo {
    let mut provider = provider.clone();
    let default_url = provider.base_url == OPENAI_DEFAULT_BASE_URL;
    if auth == SessionAuthKind::ChatGpt && provider.is_builtin_openai && default_url {
        provider.base_url = CHATGPT_CODEX_BASE_URL.to_string();
    }
    provider
}

/// Reads the JWT payload (base64url, no padding) without checking the signature.
pub fn parse_id_token(jwt: &str) -> Result<IdTokenClaims, AuthError> {
    let invalid = |reason: &str| AuthError::InvalidIdToken(reason.to_string());
    let payload = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| invalid("it has no payload segment"))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|err| invalid(&format!("its payload is not base64url: {err}")))?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|err| invalid(&format!("its payload is not JSON: {err}")))?;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
    let auth = json.get(AUTH_CLAIM);
    Ok(IdTokenClaims {
        email: text(json.get("email")),
        plan_type: text(auth.and_then(|auth| auth.get("chatgpt_plan_type"))),
        account_id: text(auth.and_then(|auth| auth.get("chatgpt_account_id"))),
    })
}

#[derive(Deserialize)]
struct RefreshResponse {
    id_token: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
}

/// Exchanges the stored refresh token for new tokens, saves them (with `last_refresh`) and
/// returns the refreshed login.
pub async fn refresh_tokens(
    http: &reqwest::Client,
    codex_home: &Path,
    env: &ConfigEnv,
) -> Result<ChatGptAuth, AuthError> {
    let mut auth = load_auth(codex_home)?
        .filter(AuthDotJson::is_chatgpt)
        .ok_or(AuthError::RefreshFailed(
            "there is no ChatGPT login to refresh".to_string(),
        ))?;
    let mut tokens = auth.token_data(codex_home)?;
    let url = env
        .non_blank(REFRESH_TOKEN_URL_OVERRIDE_VAR)
        .unwrap_or(REFRESH_TOKEN_URL);
    let failed = |err: String| AuthError::RefreshFailed(err);
    let response = http
        .post(url)
        .json(&serde_json::json!({
            "client_id": CLIENT_ID,
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "scope": "openid profile email",
        }))
        .send()
        .await
        .map_err(|err| failed(err.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(failed(format!("the token endpoint answered {status}")));
    }
    let refreshed: RefreshResponse = response
        .json()
        .await
        .map_err(|err| failed(format!("unreadable token response: {err}")))?;
    if let Some(id_token) = refreshed.id_token {
        tokens.id_token = id_token;
    }
    if let Some(access_token) = refreshed.access_token {
        tokens.access_token = access_token;
    }
    if let Some(refresh_token) = refreshed.refresh_token {
        tokens.refresh_token = refresh_token;
    }
    let login = ChatGptAuth::from_tokens(&tokens)?;
    auth.tokens = Some(serde_json::to_value(&tokens).map_err(|err| failed(err.to_string()))?);
    auth.last_refresh =
        Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    write_auth(codex_home, &auth)?;
    Ok(login)
}

#[cfg(test)]
#[path = "chatgpt_tests.rs"]
mod tests;
