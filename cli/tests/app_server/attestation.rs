//! Attestation through the real binary: a ChatGPT login in CODEX_HOME, a custom provider that
//! uses it (over HTTP at the mock server, or over the mock WebSocket server), and a client that
//! may declare `requestAttestation` and answers `attestation/generate` in each way the spec names.

use std::time::Duration;

use base64::Engine as _;
use codex_test_support::MockResponse;
use codex_test_support::MockWebsocketServer;
use codex_test_support::RecordedRequest;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::harness::AppServer;
use crate::harness::text_input;

/// How the test client answers `attestation/generate`.
#[derive(Clone, Copy)]
enum Answer {
    Token(&'static str),
    Error,
    Malformed,
    /// No answer until the turn completes, then a late one.
    Late,
}

enum Login {
    ChatGpt,
    ApiKey,
}

fn jwt(payload: Value) -> String {
    let b64 =
        |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.sig",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(payload)
    )
}

fn chatgpt_auth_json() -> String {
    let auth_claim = json!({
        "chatgpt_plan_type": "pro",
        "chatgpt_user_id": "user-example",
        "chatgpt_account_id": "acct-example",
        "user_id": "user-example",
    });
    json!({
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": null,
        "tokens": {
            "id_token": jwt(json!({
                "email": "user@example.com",
                "exp": 4_102_444_800u64,
                "https://api.openai.com/auth": auth_claim,
            })),
            "access_token": "access-example",
            "refresh_token": "refresh-example",
            "account_id": "acct-example",
        },
        "last_refresh": "2026-11-23T00:28:39.395401Z",
    })
    .to_string()
}

/// An app-server whose threads use the built-in provider at the mock under `login`.
fn start(responses: Vec<MockResponse>, login: Login) -> AppServer {
    let app = AppServer::start(responses);
    let auth = match login {
        Login::ChatGpt => chatgpt_auth_json(),
        Login::ApiKey => json!({"OPENAI_API_KEY": "sk-test"}).to_string(),
    };
    std::fs::write(app.home.path().join("auth.json"), auth).unwrap();
    app.home
        .write_config(&chatgpt_http_provider(&app.server.base_url()));
    app
}

fn initialize(app: &mut AppServer, capabilities: Value) {
    let id = app.request(
        "initialize",
        json!({
            "clientInfo": {"name": "codex_desktop", "title": "Example Client", "version": "0.1.0"},
            "capabilities": capabilities,
        }),
    );
    let response = app.response(id);
    assert!(response.get("result").is_some(), "{response}");
    app.send(json!({"method": "initialized"}));
}

/// Runs `method` (a `turn/start` or `thread/compact/start`) to `turn/completed`, answering
/// every `attestation/generate`; returns those requests and the completed turn's status.
fn run(app: &mut AppServer, method: &str, params: Value, answer: Answer) -> (Vec<Value>, Value) {
    app.request(method, params);
    let mut asked = Vec::new();
    let mut late = Vec::new();
    loop {
        let message = app.next();
        if message["method"] == "attestation/generate" {
            let id = message["id"].clone();
            asked.push(message);
            match answer {
                Answer::Token(token) => app.send(json!({"id": id, "result": {"token": token}})),
                Answer::Error => app.send(json!({
                    "id": id,
                    "error": {"code": -32000, "message": "attestation unavailable"},
                })),
                Answer::Malformed => app.send(json!({"id": id, "result": {"nope": 1}})),
                Answer::Late => late.push(id),
            }
        } else if message["method"] == "turn/completed" {
            for id in late {
                app.send(json!({"id": id, "result": {"token": "v1.late"}}));
            }
            return (asked, message["params"]["turn"]["status"].clone());
        }
    }
}

fn responses_posts(app: &AppServer) -> Vec<RecordedRequest> {
    app.server
        .requests()
        .into_iter()
        .filter(|request| request.method == "POST" && request.path == "/v1/responses")
        .collect()
}

fn headers(requests: &[RecordedRequest], name: &str) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|request| request.header(name).map(str::to_string))
        .collect()
}

fn attestation_request() -> Value {
    json!({"method": "attestation/generate", "id": 0, "params": {}})
}

/// One model call per POST: a tool call, then the answer.
fn two_calls() -> Vec<MockResponse> {
    vec![
        MockResponse::function_call(
            "call_1",
            "update_plan",
            r#"{"plan":[{"step":"a","status":"completed"}]}"#,
        ),
        MockResponse::message("done"),
    ]
}

/// Starts a thread and runs one turn of `responses`; returns the attestation requests, the
/// turn status and the app.
fn one_turn(
    responses: Vec<MockResponse>,
    login: Login,
    capabilities: Value,
    answer: Answer,
) -> (Vec<Value>, Value, AppServer) {
    let mut app = start(responses, login);
    initialize(&mut app, capabilities);
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    let (asked, status) = run(
        &mut app,
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("hi")}),
        answer,
    );
    (asked, status, app)
}

#[test]
fn a_capable_client_is_asked_once_per_post_and_its_token_goes_upstream() {
    let (asked, status, app) = one_turn(
        two_calls(),
        Login::ChatGpt,
        json!({"requestAttestation": true}),
        Answer::Token("v1.test"),
    );
    assert_eq!(status, "completed");
    let mut second = attestation_request();
    second["id"] = json!(1);
    assert_eq!(asked, vec![attestation_request(), second]);
    let posts = responses_posts(&app);
    let header = Some(r#"{"v":1,"s":0,"t":"v1.test"}"#.to_string());
    assert_eq!(
        headers(&posts, "x-oai-attestation"),
        vec![header.clone(), header]
    );
    let bearer = Some("Bearer access-example".to_string());
    assert_eq!(
        headers(&posts, "authorization"),
        vec![bearer.clone(), bearer]
    );
    let account = Some("acct-example".to_string());
    assert_eq!(
        headers(&posts, "chatgpt-account-id"),
        vec![account.clone(), account]
    );
    // Nothing but the model POSTs is attested.
    let others: Vec<RecordedRequest> = app
        .server
        .requests()
        .into_iter()
        .filter(|request| !(request.method == "POST" && request.path == "/v1/responses"))
        .collect();
    assert_eq!(
        headers(&others, "x-oai-attestation"),
        vec![None; others.len()]
    );
}

fn single_outcome(answer: Answer) -> (Vec<Option<String>>, Value, AppServer) {
    let (asked, status, app) = one_turn(
        vec![MockResponse::message("done")],
        Login::ChatGpt,
        json!({"experimentalApi": true, "requestAttestation": true}),
        answer,
    );
    assert_eq!(asked, vec![attestation_request()]);
    let sent = headers(&responses_posts(&app), "x-oai-attestation");
    (sent, status, app)
}

#[test]
fn an_error_reply_is_status_2() {
    let (sent, status, _app) = single_outcome(Answer::Error);
    assert_eq!(status, "completed");
    assert_eq!(sent, vec![Some(r#"{"v":1,"s":2}"#.to_string())]);
}

#[test]
fn a_malformed_reply_is_status_4() {
    let (sent, status, _app) = single_outcome(Answer::Malformed);
    assert_eq!(status, "completed");
    assert_eq!(sent, vec![Some(r#"{"v":1,"s":4}"#.to_string())]);
}

#[test]
fn no_reply_is_status_1_and_the_late_reply_is_ignored() {
    let (sent, status, mut app) = single_outcome(Answer::Late);
    assert_eq!(status, "completed");
    assert_eq!(sent, vec![Some(r#"{"v":1,"s":1}"#.to_string())]);
    // The late reply (sent after turn/completed) produces no output at all.
    assert_eq!(app.next_within(Duration::from_millis(300)), None);
}

#[test]
fn a_client_without_the_capability_is_never_asked() {
    let (asked, status, app) = one_turn(
        vec![MockResponse::message("done")],
        Login::ChatGpt,
        json!({"experimentalApi": true}),
        Answer::Token("v1.test"),
    );
    assert_eq!((asked, status), (vec![], json!("completed")));
    assert_eq!(
        headers(&responses_posts(&app), "x-oai-attestation"),
        vec![None]
    );
}

#[test]
fn api_key_auth_never_asks() {
    let (asked, status, app) = one_turn(
        vec![MockResponse::message("done")],
        Login::ApiKey,
        json!({"requestAttestation": true}),
        Answer::Token("v1.test"),
    );
    assert_eq!((asked, status), (vec![], json!("completed")));
    let posts = responses_posts(&app);
    assert_eq!(headers(&posts, "x-oai-attestation"), vec![None]);
    assert_eq!(
        headers(&posts, "authorization"),
        vec![Some("Bearer sk-test".to_string())]
    );
}

#[test]
fn compaction_is_attested() {
    let mut app = start(
        vec![
            MockResponse::message("done"),
            MockResponse::message("summary"),
        ],
        Login::ChatGpt,
    );
    initialize(&mut app, json!({"requestAttestation": true}));
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    let (asked, _) = run(
        &mut app,
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("hi")}),
        Answer::Token("v1.test"),
    );
    assert_eq!(asked.len(), 1);
    let (asked, status) = run(
        &mut app,
        "thread/compact/start",
        json!({"threadId": thread_id}),
        Answer::Token("v1.test"),
    );
    assert_eq!(status, "completed");
    let mut expected = attestation_request();
    expected["id"] = json!(1);
    assert_eq!(asked, vec![expected]);
    let posts = responses_posts(&app);
    let kinds: Vec<Value> = headers(&posts, "x-codex-turn-metadata")
        .iter()
        .map(|meta| {
            let meta: Value = serde_json::from_str(meta.as_deref().unwrap_or("{}")).unwrap();
            meta["request_kind"].clone()
        })
        .collect();
    assert_eq!(kinds, vec![json!("turn"), json!("compaction")]);
    let header = Some(r#"{"v":1,"s":0,"t":"v1.test"}"#.to_string());
    assert_eq!(
        headers(&posts, "x-oai-attestation"),
        vec![header.clone(), header]
    );
}

/// The stored login's provider over plain HTTP: a custom provider that uses the `auth.json`
/// login like the built-in one (which would try the WebSocket first).
fn chatgpt_http_provider(base_url: &str) -> String {
    format!(
        "model = \"gpt-5.5\"\nmodel_provider = \"chatgpt_http\"\n[model_providers.chatgpt_http]\nname = \"ChatGPT over HTTP\"\nbase_url = \"{base_url}\"\nrequires_openai_auth = true\n"
    )
}

/// A ChatGPT-login custom provider on the WebSocket transport at `base_url`, with the
/// ChatGPT backend at `backend_url`.
fn chatgpt_websocket_provider(base_url: &str, backend_url: &str) -> String {
    format!(
        "model = \"gpt-5.5\"\nmodel_provider = \"mock_chatgpt\"\nchatgpt_base_url = \"{backend_url}\"\n[model_providers.mock_chatgpt]\nname = \"ChatGPT over WebSocket\"\nbase_url = \"{base_url}\"\nwire_api = \"responses\"\nrequires_openai_auth = true\nsupports_websockets = true\nrequest_max_retries = 0\nstream_max_retries = 0\n"
    )
}

/// Two turns on one WebSocket: the handshake is attested once with the client's token, and
/// no `response.create` frame carries attestation data.
#[test]
fn the_websocket_handshake_is_attested_once_over_two_turns() {
    let ws = MockWebsocketServer::start(vec![
        vec![ev_assistant_message("msg_1", "one"), ev_completed("resp_1")],
        vec![ev_assistant_message("msg_2", "two"), ev_completed("resp_2")],
    ]);
    let mut app = AppServer::start(vec![]);
    std::fs::write(app.home.path().join("auth.json"), chatgpt_auth_json()).unwrap();
    app.home.write_config(&chatgpt_websocket_provider(
        &ws.base_url(),
        &format!("{}/backend-api/", app.server.base_url()),
    ));
    initialize(&mut app, json!({"requestAttestation": true}));
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    let mut asked = Vec::new();
    for text in ["first", "second"] {
        let (turn_asked, status) = run(
            &mut app,
            "turn/start",
            json!({"threadId": thread_id, "input": text_input(text)}),
            Answer::Token("v1.integration-test"),
        );
        assert_eq!(status, "completed");
        asked.extend(turn_asked);
    }
    assert_eq!(asked, vec![attestation_request()]);
    let handshakes = ws.handshakes();
    let attested: Vec<Option<&str>> = handshakes
        .iter()
        .map(|handshake| handshake.header("x-oai-attestation"))
        .collect();
    assert_eq!(
        attested,
        vec![Some(r#"{"v":1,"s":0,"t":"v1.integration-test"}"#)]
    );
    assert_eq!(
        handshakes[0].header("authorization"),
        Some("Bearer access-example")
    );
    // The prewarm and one frame per turn, none of them with attestation data.
    let frames = ws.frames();
    assert_eq!(frames.len(), 3);
    for frame in &frames {
        assert_eq!(frame["type"], "response.create");
        assert!(!frame.to_string().contains("attestation"), "{frame}");
        assert!(
            !frame.to_string().contains("v1.integration-test"),
            "{frame}"
        );
    }
}
