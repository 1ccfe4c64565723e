use std::collections::HashMap;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

/// An unsigned JWT (`alg: none`) carrying the ChatGPT auth claim.
fn fake_jwt(account_id: &str, plan: &str) -> String {
    let header = json!({"alg": "none", "typ": "JWT"});
    let payload = json!({
        "email": "user@example.com",
        "exp": 4_102_444_800u64,
        AUTH_CLAIM: {
            "chatgpt_plan_type": plan,
            "chatgpt_user_id": "user-example",
            "chatgpt_account_id": account_id,
            "user_id": "user-example",
        },
    });
    format!("{}.{}.sig", b64(&header), b64(&payload))
}

fn chatgpt_auth_json(access_token: &str) -> String {
    json!({
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": null,
        "tokens": {
            "id_token": fake_jwt("acct-example", "pro"),
            "access_token": access_token,
            "refresh_token": "refresh-example",
            "account_id": "acct-example",
        },
        "last_refresh": "2026-11-23T00:28:39.395401Z",
    })
    .to_string()
}

fn home_with(auth_json: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("auth.json"), auth_json).unwrap();
    dir
}

#[test]
fn id_token_claims_are_read_without_verification() {
    assert_eq!(
        parse_id_token(&fake_jwt("acct-1", "plus")).map_err(|e| e.to_string()),
        Ok(IdTokenClaims {
            email: Some("user@example.com".into()),
            plan_type: Some("plus".into()),
            account_id: Some("acct-1".into()),
        })
    );
    assert_eq!(
        parse_id_token("not-a-jwt").map_err(|e| e.to_string()),
        Err("the stored ChatGPT id token is not valid: it has no payload segment; run `codex login` again".into())
    );
}

#[test]
fn chatgpt_login_gives_bearer_and_account_headers() {
    let dir = home_with(&chatgpt_auth_json("access-1"));
    let auth = load_chatgpt_auth(dir.path()).unwrap().unwrap();
    assert_eq!(
        auth.headers(),
        vec![
            ("authorization".to_string(), "Bearer access-1".to_string()),
            ("chatgpt-account-id".to_string(), "acct-example".to_string()),
        ]
    );
    assert_eq!(auth.claims.plan_type.as_deref(), Some("pro"));
}

#[test]
fn api_key_login_is_not_chatgpt() {
    let dir = tempfile::tempdir().unwrap();
    super::super::login_with_api_key(dir.path(), "sk-test").unwrap();
    assert_eq!(
        load_chatgpt_auth(dir.path()).map_err(|e| e.to_string()),
        Ok(None)
    );
}

#[tokio::test]
async fn refresh_saves_and_returns_the_new_tokens() {
    let server = MockServer::start(vec![MockResponse::Status {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: json!({"access_token": "access-2", "refresh_token": "refresh-2"}).to_string(),
    }]);
    let dir = home_with(&chatgpt_auth_json("access-1"));
    let env = ConfigEnv {
        vars: HashMap::from([(
            REFRESH_TOKEN_URL_OVERRIDE_VAR.to_string(),
            format!("{}/responses", server.base_url()),
        )]),
    };
    let refreshed = refresh_tokens(&reqwest::Client::new(), dir.path(), &env).await;
    assert_eq!(
        refreshed
            .map(|auth| auth.access_token)
            .map_err(|e| e.to_string()),
        Ok("access-2".to_string())
    );
    let requests = server.requests();
    assert_eq!(
        requests[0].body,
        json!({
            "client_id": CLIENT_ID,
            "grant_type": "refresh_token",
            "refresh_token": "refresh-example",
            "scope": "openid profile email",
        })
    );
    let stored = load_auth(dir.path()).unwrap().unwrap();
    let tokens = stored.token_data(dir.path()).unwrap();
    assert_eq!(
        (tokens.access_token.as_str(), tokens.refresh_token.as_str()),
        ("access-2", "refresh-2")
    );
    assert_ne!(
        stored.last_refresh.as_deref(),
        Some("2026-11-23T00:28:39.395401Z")
    );
}

#[test]
fn the_builtin_provider_uses_the_codex_backend_under_chatgpt_auth() {
    let chatgpt_home = home_with(&chatgpt_auth_json("access-1"));
    let api_key_home = tempfile::tempdir().unwrap();
    super::super::login_with_api_key(api_key_home.path(), "sk-test").unwrap();
    let (chatgpt, other) = (
        session_auth_kind(chatgpt_home.path()),
        session_auth_kind(api_key_home.path()),
    );
    assert_eq!(
        (chatgpt, other),
        (SessionAuthKind::ChatGpt, SessionAuthKind::Other)
    );
    let env = ConfigEnv {
        vars: HashMap::from([(
            "CODEX_HOME".to_string(),
            chatgpt_home.path().display().to_string(),
        )]),
    };
    let config =
        crate::config::load_config(crate::config::ConfigOverrides::default(), env).unwrap();
    let builtin = config.model_provider;
    let url = |provider: &ModelProviderInfo, auth| provider_for_login(provider, auth).base_url;
    assert_eq!(url(&builtin, chatgpt), CHATGPT_CODEX_BASE_URL);
    assert_eq!(url(&builtin, other), OPENAI_DEFAULT_BASE_URL);
    let chosen = ModelProviderInfo {
        base_url: "http://127.0.0.1:9/v1".into(),
        ..builtin.clone()
    };
    assert_eq!(url(&chosen, chatgpt), "http://127.0.0.1:9/v1");
    let custom = ModelProviderInfo {
        is_builtin_openai: false,
        ..builtin
    };
    assert_eq!(url(&custom, chatgpt), OPENAI_DEFAULT_BASE_URL);
}
