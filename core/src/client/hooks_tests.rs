use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;

use base64::Engine as _;
use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use futures::future::BoxFuture;
use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;
use crate::attestation::AttestationContext;
use crate::attestation::AttestationOutcome;
use crate::attestation::AttestationProvider;
use crate::attestation::SessionAuthKind;
use crate::client::ApiRequest;
use crate::client::ModelClient;
use crate::config::InstructionsPlacement;
use crate::config::ModelProviderInfo;
use crate::config::WireApi;

#[derive(Debug, Default)]
struct Counting(AtomicUsize);

impl AttestationProvider for Counting {
    fn attest(&self, _: AttestationContext) -> BoxFuture<'static, Option<AttestationOutcome>> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Some(AttestationOutcome::Ok(format!("v1.call-{n}"))) })
    }
}

fn provider(base_url: String) -> ModelProviderInfo {
    ModelProviderInfo {
        name: "mock".into(),
        base_url,
        env_key: None,
        env_key_instructions: None,
        wire_api: WireApi::Responses,
        query_params: BTreeMap::new(),
        http_headers: BTreeMap::new(),
        env_http_headers: BTreeMap::new(),
        request_max_retries: 0,
        stream_max_retries: 0,
        stream_idle_timeout_ms: 2000,
        requires_openai_auth: true,
        supports_websockets: false,
        experimental_bearer_token: None,
        instructions_placement: InstructionsPlacement::Input,
        is_builtin_openai: false,
    }
}

fn write_chatgpt_login(home: &std::path::Path) {
    let b64 = |value: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    let claims = json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acct-example"}});
    let jwt = format!("{}.{}.sig", b64(json!({"alg": "none"})), b64(claims));
    let auth = json!({
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": null,
        "tokens": {"id_token": jwt, "access_token": "access-1", "refresh_token": "r", "account_id": "acct-example"},
        "last_refresh": "2026-11-23T00:28:39Z",
    });
    std::fs::write(home.join("auth.json"), auth.to_string()).unwrap();
}

/// One POST is refused with 401: the login is refreshed once, the POST is repeated with the new
/// bearer, and every POST (the refused one too) is attested once; the refresh is not.
#[tokio::test]
async fn unauthorized_refreshes_once_and_each_post_is_attested() {
    let server = MockServer::start(vec![
        MockResponse::Status {
            status: 401,
            headers: vec![],
            body: "{}".into(),
        },
        MockResponse::Status {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: json!({"access_token": "access-2"}).to_string(),
        },
        MockResponse::message("hi"),
    ]);
    let home = tempfile::tempdir().unwrap();
    write_chatgpt_login(home.path());
    let counting = Arc::new(Counting::default());
    let provider_dyn: Arc<dyn AttestationProvider> = counting.clone();
    let hooks = RequestHooks {
        attestation: AttestationGate::open(Some(provider_dyn), SessionAuthKind::ChatGpt, "th"),
        token_refresh: Some(TokenRefresh {
            codex_home: home.path().to_path_buf(),
            env: ConfigEnv {
                vars: HashMap::from([(
                    "CODEX_REFRESH_TOKEN_URL_OVERRIDE".to_string(),
                    format!("{}/responses", server.base_url()),
                )]),
            },
        }),
    };
    let client = ModelClient::new(provider(server.base_url()), &ConfigEnv::default())
        .unwrap()
        .with_hooks(hooks);
    let login = crate::auth::chatgpt::load_chatgpt_auth(home.path())
        .unwrap()
        .unwrap();
    let request = ApiRequest {
        body: json!({"model": "m"}),
        headers: login.headers(),
    };
    let mut stream = client.stream(&request).await.unwrap();
    while stream.recv().await.is_some() {}
    let seen: Vec<(Option<String>, Option<String>, Option<String>)> = server
        .requests()
        .iter()
        .map(|request| {
            let header = |name: &str| request.header(name).map(str::to_string);
            (
                header("authorization"),
                header("chatgpt-account-id"),
                header("x-oai-attestation"),
            )
        })
        .collect();
    let some = |text: &str| Some(text.to_string());
    assert_eq!(
        seen,
        vec![
            (
                some("Bearer access-1"),
                some("acct-example"),
                some(r#"{"v":1,"s":0,"t":"v1.call-0"}"#)
            ),
            (None, None, None),
            (
                some("Bearer access-2"),
                some("acct-example"),
                some(r#"{"v":1,"s":0,"t":"v1.call-1"}"#)
            ),
        ]
    );
    assert_eq!(counting.0.load(Ordering::SeqCst), 2);
}

/// Without hooks nothing is asked and no header is added.
#[tokio::test]
async fn no_hooks_no_header() {
    let server = MockServer::start(vec![MockResponse::message("hi")]);
    let client = ModelClient::new(provider(server.base_url()), &ConfigEnv::default()).unwrap();
    let request = ApiRequest {
        body: json!({"model": "m"}),
        headers: vec![],
    };
    let mut stream = client.stream(&request).await.unwrap();
    while stream.recv().await.is_some() {}
    assert_eq!(server.requests()[0].header("x-oai-attestation"), None);
}

/// Two requests on one WebSocket connection: the provider is asked exactly once, for the
/// handshake, whose request carries the header; the frames carry no attestation data.
#[tokio::test]
async fn the_websocket_handshake_is_attested_once_for_two_requests() {
    let ws = codex_test_support::MockWebsocketServer::start(vec![
        vec![
            codex_test_support::ev_assistant_message("msg_1", "one"),
            codex_test_support::ev_completed("resp_1"),
        ],
        vec![
            codex_test_support::ev_assistant_message("msg_2", "two"),
            codex_test_support::ev_completed("resp_2"),
        ],
    ]);
    let counting = Arc::new(Counting::default());
    let provider_dyn: Arc<dyn AttestationProvider> = counting.clone();
    let hooks = RequestHooks {
        attestation: AttestationGate::open(Some(provider_dyn), SessionAuthKind::ChatGpt, "th"),
        token_refresh: None,
    };
    let mut info = provider(ws.base_url());
    info.supports_websockets = true;
    let client = ModelClient::new(info, &ConfigEnv::default())
        .unwrap()
        .with_hooks(hooks);
    let prewarm = ApiRequest {
        body: json!({"model": "m", "input": [], "stream": true, "client_metadata": {}}),
        headers: vec![],
    };
    for text in ["first", "second"] {
        let request = ApiRequest {
            body: json!({"model": "m", "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}], "stream": true, "client_metadata": {}}),
            headers: vec![],
        };
        let mut stream = client
            .stream_with_prewarm(&request, &prewarm)
            .await
            .unwrap();
        while let Some(event) = stream.recv().await {
            event.unwrap();
        }
    }
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
    let attested: Vec<Option<String>> = ws
        .handshakes()
        .iter()
        .map(|handshake| handshake.header("x-oai-attestation").map(str::to_string))
        .collect();
    assert_eq!(
        attested,
        vec![Some(r#"{"v":1,"s":0,"t":"v1.call-0"}"#.to_string())]
    );
    let frames = ws.frames();
    assert_eq!(frames.len(), 3);
    assert!(
        frames
            .iter()
            .all(|frame| !frame.to_string().contains("v1.call")),
        "{frames:?}"
    );
}
