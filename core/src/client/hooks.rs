//! What a session adds to its model client beyond the request itself: the attestation header,
//! asked once per Responses POST when the gate is open, and the one ChatGPT token refresh a
//! request may make after a 401. Kept apart from the transports so each one calls the same hooks.

use std::path::PathBuf;

use reqwest::header::HeaderValue;

use crate::attestation::AttestationGate;
use crate::auth::chatgpt::refresh_tokens;
use crate::config::ConfigEnv;

/// Headers that carry the login; replaced as a whole after a refresh.
const AUTH_HEADERS: [&str; 2] = ["authorization", "chatgpt-account-id"];

#[derive(Debug, Clone, Default)]
pub struct RequestHooks {
    /// Present only under ChatGPT auth with a provider installed.
    pub attestation: Option<AttestationGate>,
    /// Present only under ChatGPT auth.
    pub token_refresh: Option<TokenRefresh>,
}

/// Where the ChatGPT login lives and the environment that may redirect the refresh.
#[derive(Debug, Clone)]
pub struct TokenRefresh {
    pub codex_home: PathBuf,
    pub env: ConfigEnv,
}

impl RequestHooks {
    pub(crate) async fn attestation_header(&self) -> Option<HeaderValue> {
        match &self.attestation {
            Some(gate) => gate.header_value().await,
            None => None,
        }
    }

    /// Refreshes the login and returns `headers` with the new credentials; `None` when there
    /// is nothing to refresh or the refresh failed (the 401 then stands).
    pub(crate) async fn refresh_login(
        &self,
        http: &reqwest::Client,
        headers: &[(String, String)],
    ) -> Option<Vec<(String, String)>> {
        let refresh = self.token_refresh.as_ref()?;
        match refresh_tokens(http, &refresh.codex_home, &refresh.env).await {
            Ok(login) => {
                let mut updated: Vec<(String, String)> = headers
                    .iter()
                    .filter(|(name, _)| {
                        !AUTH_HEADERS
                            .iter()
                            .any(|auth| name.eq_ignore_ascii_case(auth))
                    })
                    .cloned()
                    .collect();
                updated.extend(login.headers());
                Some(updated)
            }
            Err(err) => {
                tracing::warn!("{err}");
                None
            }
        }
    }
}

#[cfg(test)]
#[path = "hooks_tests.rs"]
mod tests;
