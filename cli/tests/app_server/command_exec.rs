//! `command/exec` (app-server.md §11): buffered, streaming with stdin, terminate, timeout, and
//! the request errors.

use pretty_assertions::assert_eq;
use serde_json::json;

use crate::harness::AppServer;

fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn buffered_exec_answers_with_the_output() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    let id = app.request("command/exec", json!({"command": ["echo", "hi"]}));
    assert_eq!(
        app.response(id),
        json!({"id": id, "result": {"exitCode": 0, "stdout": "hi\n", "stderr": ""}})
    );
    let id = app.request(
        "command/exec",
        json!({"command": ["sh", "-c", "echo err >&2; exit 3"]}),
    );
    assert_eq!(
        app.response(id),
        json!({"id": id, "result": {"exitCode": 3, "stdout": "", "stderr": "err\n"}})
    );
    // The default sandbox is read-only: writes fail.
    let id = app.request(
        "command/exec",
        json!({"command": ["sh", "-c", "touch made.txt"], "cwd": app.cwd()}),
    );
    let response = app.response(id);
    assert_eq!(response["result"]["exitCode"], 1, "{response}");
    assert!(!app.workdir.path().join("made.txt").exists());
}

#[test]
fn streaming_exec_with_stdin() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    let id = app.request(
        "command/exec",
        json!({"command": ["sh", "-c", "echo out; echo err >&2; read x; echo got $x"], "processId": "p1", "streamStdin": true, "streamStdoutStderr": true}),
    );
    let mut deltas = Vec::new();
    while deltas.len() < 2 {
        let message = app.notification("command/exec/outputDelta");
        deltas.push(message["params"].clone());
    }
    deltas.sort_by_key(|delta| delta["stream"].as_str().unwrap().to_string());
    assert_eq!(
        deltas,
        vec![
            json!({"processId": "p1", "stream": "stderr", "deltaBase64": b64("err\n"), "capReached": false}),
            json!({"processId": "p1", "stream": "stdout", "deltaBase64": b64("out\n"), "capReached": false}),
        ]
    );
    let write = app.request(
        "command/exec/write",
        json!({"processId": "p1", "deltaBase64": b64("hello\n"), "closeStdin": true}),
    );
    assert_eq!(app.response(write), json!({"id": write, "result": {}}));
    let delta = app.notification("command/exec/outputDelta");
    assert_eq!(delta["params"]["deltaBase64"], b64("got hello\n"));
    assert_eq!(
        app.response(id),
        json!({"id": id, "result": {"exitCode": 0, "stdout": "", "stderr": ""}})
    );
}

#[test]
fn terminate_and_timeout() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    let id = app.request(
        "command/exec",
        json!({"command": ["sleep", "30"], "processId": "long", "streamStdoutStderr": true}),
    );
    // The process is registered once the request was handled; terminate may race its start,
    // so retry until it is found.
    let terminate = loop {
        let terminate = app.request("command/exec/terminate", json!({"processId": "long"}));
        let response = app.response(terminate);
        if response.get("result").is_some() {
            break response;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(terminate["result"], json!({}));
    assert_eq!(app.response(id)["result"]["exitCode"], 137);

    let id = app.request(
        "command/exec",
        json!({"command": ["sleep", "30"], "timeoutMs": 200}),
    );
    assert_eq!(app.response(id)["result"]["exitCode"], 124);
}

#[test]
fn request_errors() {
    let mut app = AppServer::start(vec![]);
    app.initialize();
    let cases = [
        (
            json!({"command": []}),
            "command must not be empty".to_string(),
        ),
        (
            json!({"command": ["cat"], "streamStdin": true}),
            "command/exec tty or streaming requires a client-supplied processId".to_string(),
        ),
    ];
    for (params, message) in cases {
        let id = app.request("command/exec", params);
        assert_eq!(
            app.response(id),
            json!({"error": {"code": -32600, "message": message}, "id": id})
        );
    }
    for method in ["command/exec/write", "command/exec/terminate"] {
        let id = app.request(method, json!({"processId": "ghost"}));
        assert_eq!(
            app.response(id),
            json!({"error": {"code": -32600, "message": "no active command/exec for process id \"ghost\""}, "id": id})
        );
    }
}
