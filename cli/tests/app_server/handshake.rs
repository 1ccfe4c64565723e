//! Envelope and handshake rules (app-server.md §2–§4, samples/01).

use std::time::Duration;

use pretty_assertions::assert_eq;
use serde_json::json;

use crate::harness::AppServer;

#[test]
fn requests_before_initialize_are_refused_then_served() {
    let mut app = AppServer::start(vec![]);
    app.send_line(r#"{"method":"thread/loaded/list","id":"pre-1","params":{}}"#);
    let error = app.next();
    assert_eq!(
        error.to_string(),
        r#"{"error":{"code":-32600,"message":"Not initialized"},"id":"pre-1"}"#
    );
    // `jsonrpc` is accepted, a string id stays a string.
    app.send_line(r#"{"jsonrpc":"2.0","method":"initialize","id":"init-1","params":{"clientInfo":{"name":"codex_desktop","title":null,"version":"0.1.0"}}}"#);
    let response = app.next();
    assert_eq!(response["id"], "init-1");
    assert!(response.get("jsonrpc").is_none());
    let result = &response["result"];
    let user_agent = result["userAgent"].as_str().unwrap();
    assert!(
        user_agent.starts_with("codex_desktop/0.169.0 ("),
        "{user_agent}"
    );
    assert!(
        user_agent.ends_with(" (codex_desktop; 0.1.0)"),
        "{user_agent}"
    );
    assert_eq!(result["codexHome"], app.home.path().display().to_string());
    assert_eq!(result["platformFamily"], "unix");
    assert_eq!(result["platformOs"], "linux");
    // Served before `initialized` arrives.
    let id = app.request("thread/loaded/list", json!({}));
    assert_eq!(
        app.next(),
        json!({"id": id, "result": {"data": [], "nextCursor": null}})
    );
    app.send(json!({"method": "initialized"}));
    let id = app.request(
        "initialize",
        json!({"clientInfo": {"name": "again", "version": "1"}}),
    );
    assert_eq!(
        app.next(),
        json!({"error": {"code": -32600, "message": "Already initialized"}, "id": id})
    );
}

#[test]
fn bad_input_is_dropped_or_answered_with_invalid_request() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    for line in [
        "this is not json",
        "",
        r#"{"foo":1}"#,
        r#"{"method":"thread/read","id":null,"params":{}}"#,
        r#"{"id":999,"result":{}}"#,
        r#"{"method":"some/notification","params":{}}"#,
    ] {
        app.send_line(line);
    }
    let id = app.request("no/such/method", json!({}));
    let error = app.next();
    assert_eq!(error["id"], id);
    assert_eq!(error["error"]["code"], -32600);
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid request: unknown variant `no/such/method`, expected one of `initialize`, `thread/start`, "),
        "{message}"
    );
    app.send_line(r#"{"method":"turn/start","id":41}"#);
    assert_eq!(
        app.next(),
        json!({"error": {"code": -32600, "message": "Invalid request: missing field `params`"}, "id": 41})
    );
    app.send_line(r#"{"method":"turn/start","id":42,"params":{"input":[]}}"#);
    assert_eq!(
        app.next(),
        json!({"error": {"code": -32600, "message": "Invalid request: missing field `threadId`"}, "id": 42})
    );
    let id = app.request("turn/interrupt", json!({"threadId": "nope", "turnId": "t"}));
    assert_eq!(
        app.next(),
        json!({"error": {"code": -32600, "message": "thread not found: nope"}, "id": id})
    );
    // Nothing else was written for the dropped lines.
    assert!(app.next_within(Duration::from_millis(200)).is_none());
}

#[test]
fn stdin_eof_exits_zero() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    assert_eq!(app.wait(), Some(0));
}

#[test]
fn account_and_models_for_an_api_key_provider() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    let id = app.request("account/read", json!({}));
    assert_eq!(
        app.response(id),
        json!({"id": id, "result": {"account": null, "userId": null, "requiresOpenaiAuth": false}})
    );
    let id = app.request("model/list", json!({"limit": 2}));
    let models = app.response(id);
    assert_eq!(models["result"]["data"][0]["id"], "gpt-5.5");
    assert_eq!(models["result"]["data"][0]["isDefault"], true);
    assert_eq!(models["result"]["data"].as_array().unwrap().len(), 2);
    let cursor = models["result"]["nextCursor"].as_str().unwrap().to_string();
    let id = app.request("model/list", json!({"cursor": cursor}));
    let rest = app.response(id);
    assert_eq!(rest["result"]["data"][0]["isDefault"], false);
    assert_eq!(rest["result"]["nextCursor"], serde_json::Value::Null);
}
