//! Raw JSON-RPC lines (`mcp.md` §4.1–4.2, M7): the initialize echo, malformed input, requests
//! before `initialize`, calls that run side by side, `notifications/cancelled`, a failed turn,
//! and stdin closing mid-turn.

use std::process::Command;

use codex_test_support::MockResponse;
use codex_test_support::ev_output_item_added;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::common::TestEnv;
use crate::common::tool_outputs;
use crate::harness::McpServerProcess;
use crate::harness::assert_initialize_response;
use crate::harness::event_type;
use crate::harness::expected_tools;
use crate::harness::is_response;

/// Keeps a hanging model stream from failing the turn while the test looks at it.
const NO_IDLE_TIMEOUT: &str = "model_providers.mock.stream_idle_timeout_ms=600000";

/// A model stream that starts a message and then stays silent.
fn hanging_stream() -> MockResponse {
    MockResponse::SseThenHang(vec![ev_output_item_added(
        json!({"type": "message", "id": "msg_1", "role": "assistant", "content": []}),
    )])
}

fn codex_call(id: i64, prompt: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": "codex", "arguments": {"prompt": prompt}}})
}

#[test]
fn initialize_echoes_the_protocol_version() {
    let env = TestEnv::new(Vec::new());
    for version in ["2025-06-18", "2025-03-26", "2024-11-05"] {
        let mut server = McpServerProcess::start(&env, &[]);
        let response = server.initialize(version);
        assert_initialize_response(&response, version, "raw-client; 0.0.1");
        assert_eq!(server.close_and_wait(), (Vec::new(), Some(0)));
    }
}

#[test]
fn malformed_lines_get_errors_and_the_server_keeps_serving() {
    let env = TestEnv::new(Vec::new());
    let mut server = McpServerProcess::start(&env, &[]);
    // Before `initialize`: answered normally.
    server.request(1, "tools/list", json!({}));
    server.send_bytes(b"not json");
    server.send_bytes(b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"");
    server.send_bytes(b"\xff\xfe");
    server.send_bytes(b"[1,2]");
    server.send_bytes(b"42");
    server.send_bytes(br#"{"jsonrpc":"2.0","id":3}"#);
    server.send_bytes(br#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#);
    server.send_bytes(br#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#);
    server.request(4, "resources/read", json!({"uri": "file:///x"}));
    server.request(5, "tools/call", json!({"name": "nope", "arguments": {}}));
    server.request(6, "tools/call", json!({"name": "codex"}));
    server.request(7, "ping", json!({}));
    let received: Vec<Value> = (0..10).map(|_| server.next()).collect();
    let error = |id: Value, code: i64, message: &str| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    assert_eq!(
        received,
        vec![
            json!({"jsonrpc": "2.0", "id": 1, "result": expected_tools()}),
            error(
                Value::Null,
                -32700,
                "Parse error: expected ident at line 1 column 2"
            ),
            error(
                Value::Null,
                -32700,
                "Parse error: EOF while parsing an object at line 1 column 39"
            ),
            error(
                Value::Null,
                -32700,
                "Parse error: expected value at line 1 column 1"
            ),
            error(
                Value::Null,
                -32600,
                "Invalid request: expected a JSON-RPC message object"
            ),
            error(
                Value::Null,
                -32600,
                "Invalid request: expected a JSON-RPC message object"
            ),
            error(
                json!(3),
                -32600,
                "Invalid request: expected a request, a notification or a response"
            ),
            error(
                Value::Null,
                -32600,
                "Invalid request: request id must be a string or an integer"
            ),
            json!({"jsonrpc": "2.0", "id": 4, "error": {"code": -32601, "message": "method not found: resources/read", "data": {"method": "resources/read"}}}),
            json!({"jsonrpc": "2.0", "id": 5, "result": {"content": [{"type": "text", "text": "Unknown tool 'nope'"}], "isError": true}}),
        ]
    );
    assert_eq!(
        (server.next(), server.next()),
        (
            json!({"jsonrpc": "2.0", "id": 6, "result": {"content": [{"type": "text", "text": "Missing arguments for codex tool-call; the `prompt` field is required."}], "isError": true}}),
            json!({"jsonrpc": "2.0", "id": 7, "result": {}}),
        )
    );
    assert_eq!(server.close_and_wait(), (Vec::new(), Some(0)));
}

#[test]
fn calls_run_side_by_side_and_a_cancelled_one_gets_no_answer() {
    let env = TestEnv::new(vec![hanging_stream(), MockResponse::message("second done")]);
    let mut server = McpServerProcess::start(&env, &["-c", NO_IDLE_TIMEOUT]);
    server.initialize("2025-06-18");
    server.send(codex_call(1, "hang"));
    assert_eq!(
        env.server
            .wait_for_requests(1, std::time::Duration::from_secs(30))
            .len(),
        1
    );
    // The hanging call blocks neither `ping` nor `tools/list` nor another call.
    server.request(2, "ping", json!({}));
    assert_eq!(
        server.response(2),
        json!({"jsonrpc": "2.0", "id": 2, "result": {}})
    );
    server.request(3, "tools/list", json!({}));
    assert_eq!(server.response(3)["result"], expected_tools());
    server.send(codex_call(4, "answer"));
    let second = server.response(4);
    let thread_id = second["result"]["structuredContent"]["threadId"].clone();
    assert_eq!(
        second["result"],
        json!({"content": [{"type": "text", "text": "second done"}], "structuredContent": {"threadId": thread_id, "content": "second done"}})
    );

    server.send(json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1, "reason": "test"}}));
    let aborted = server.until(|message| event_type(message) == Some("turn_aborted"));
    assert_eq!(aborted.last().unwrap()["params"]["_meta"]["requestId"], 1);
    server.request(5, "ping", json!({}));
    let rest = server.until(|message| is_response(message, 5));
    let answered: Vec<&Value> = aborted
        .iter()
        .chain(&rest)
        .filter(|message| message.get("method").is_none())
        .collect();
    assert_eq!(
        answered,
        vec![&json!({"jsonrpc": "2.0", "id": 5, "result": {}})]
    );
    assert_eq!(server.close_and_wait(), (Vec::new(), Some(0)));
}

#[test]
fn a_failed_turn_is_an_error_result() {
    let body =
        json!({"error": {"type": "invalid_request_error", "message": "bad request from the mock"}})
            .to_string();
    let env = TestEnv::new(vec![MockResponse::Status {
        status: 400,
        headers: vec![("content-type".to_string(), "application/json".to_string())],
        body: body.clone(),
    }]);
    let mut server = McpServerProcess::start(&env, &[]);
    server.initialize("2025-06-18");
    server.send(codex_call(1, "fail"));
    let received = server.until(|message| is_response(message, 1));
    let types: Vec<Option<&str>> = received.iter().map(event_type).collect();
    assert_eq!(
        types,
        vec![
            Some("session_configured"),
            Some("task_started"),
            Some("user_message"),
            Some("error"),
            None
        ]
    );
    let error = &received[3]["params"]["msg"];
    assert_eq!(error, &json!({"type": "error", "message": body}));
    let result = &received[4]["result"];
    let thread_id = result["structuredContent"]["threadId"].clone();
    assert_eq!(
        result,
        &json!({"content": [{"type": "text", "text": body}], "structuredContent": {"threadId": thread_id, "content": body}, "isError": true})
    );
}

#[test]
fn stdin_closed_mid_turn_ends_the_turn_and_exits_zero() {
    let env = TestEnv::new(vec![hanging_stream()]);
    let mut server = McpServerProcess::start(&env, &["-c", NO_IDLE_TIMEOUT]);
    server.initialize("2025-06-18");
    server.send(codex_call(1, "hang"));
    // The user message is recorded before the model is asked.
    server.until(|message| event_type(message) == Some("user_message"));
    assert_eq!(
        env.server
            .wait_for_requests(1, std::time::Duration::from_secs(30))
            .len(),
        1
    );
    let (rest, code) = server.close_and_wait();
    let rest: Vec<Option<&str>> = rest.iter().map(event_type).collect();
    assert_eq!((rest, code), (vec![Some("turn_aborted")], Some(0)));
}

#[test]
fn serves_without_config_or_credentials() {
    // Only what the SDK's StdioClientTransport passes by default; no CODEX_HOME, no API key.
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_codex"));
    command
        .env_clear()
        .env("HOME", home.path())
        .env("LOGNAME", "someone")
        .env("PATH", std::env::var("PATH").unwrap())
        .env("SHELL", "/bin/bash")
        .env("TERM", "dumb")
        .env("USER", "someone")
        .current_dir(home.path())
        .arg("mcp-server");
    let mut server = McpServerProcess::spawn(command);
    let initialize = server.initialize("2025-06-18");
    assert_eq!(initialize["result"]["protocolVersion"], "2025-06-18");
    server.request(1, "tools/list", json!({}));
    assert_eq!(server.response(1)["result"], expected_tools());
    assert_eq!(server.close_and_wait(), (Vec::new(), Some(0)));
}

#[test]
fn an_error_reply_denies_a_command_and_a_denied_patch_is_not_applied() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            r#"{"cmd":"touch denied.txt","sandbox_permissions":"require_escalated","justification":"Write it?"}"#,
        ),
        MockResponse::custom_tool_call(
            "call_2",
            "apply_patch",
            "*** Begin Patch\n*** Add File: patched.txt\n+one\n+two\n*** End Patch",
        ),
        MockResponse::message("gave up"),
    ]);
    let mut server = McpServerProcess::start(&env, &[]);
    server.initialize("2025-06-18");
    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "codex", "arguments": {
        "prompt": "write files", "approval-policy": "on-request", "sandbox": "read-only",
    }}}));
    let before = server.until(|message| message["method"] == "elicitation/create");
    let thread_id = before[0]["params"]["_meta"]["threadId"].clone();
    assert_eq!(before.last().unwrap()["id"], 0);
    // A client without an elicitation handler answers -32601: the command is denied.
    server.send(json!({"jsonrpc": "2.0", "id": 0, "error": {"code": -32601, "message": "Method not found"}}));
    let patch = server
        .until(|message| message["method"] == "elicitation/create")
        .pop()
        .unwrap();
    let turn_id = patch["params"]["codex_event_id"].clone();
    let path = env.cwd().join("patched.txt").display().to_string();
    assert_eq!(
        patch,
        json!({"jsonrpc": "2.0", "id": 1, "method": "elicitation/create", "params": {
            "message": "Allow Codex to apply proposed code changes?",
            "requestedSchema": {"type": "object", "properties": {}},
            "threadId": thread_id,
            "codex_elicitation": "patch-approval",
            "codex_mcp_tool_call_id": "1",
            "codex_event_id": turn_id,
            "codex_call_id": "call_2",
            "codex_reason": null,
            "codex_grant_root": null,
            "codex_changes": {path: {"type": "add", "content": "one\ntwo\n"}},
        }})
    );
    server.send(json!({"jsonrpc": "2.0", "id": 1, "result": {"decision": "denied"}}));
    let result = server.response(1);
    assert_eq!(
        result["result"],
        json!({"content": [{"type": "text", "text": "gave up"}], "structuredContent": {"threadId": thread_id, "content": "gave up"}})
    );
    let bodies = env.bodies();
    assert_eq!(
        [tool_outputs(&bodies[1]), tool_outputs(&bodies[2])],
        [
            vec!["exec command rejected by user".to_string()],
            vec![
                "exec command rejected by user".to_string(),
                "patch rejected by user".to_string()
            ],
        ]
    );
    assert!(!env.path("denied.txt").exists() && !env.path("patched.txt").exists());
}

#[test]
fn tool_arguments_configure_the_thread() {
    let env = TestEnv::new(vec![MockResponse::message("configured")]);
    std::fs::create_dir(env.path("sub")).unwrap();
    let mut server = McpServerProcess::start(&env, &["-c", "model=from-the-server-flag"]);
    server.initialize("2025-06-18");
    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "codex", "arguments": {
        "prompt": "go",
        "model": "gpt-5.5-mini",
        "cwd": "sub",
        "approval-policy": "never",
        "sandbox": "workspace-write",
        "config": {"model_reasoning_effort": "high", "hide_agent_reasoning": null},
        "developer-instructions": "Be brief.",
    }}}));
    let received = server.until(|message| is_response(message, 1));
    let mut configured = received[0]["params"]["msg"].clone();
    assert!(configured["rollout_path"].is_string(), "{configured}");
    configured["rollout_path"] = json!("<rollout>");
    let thread_id = configured["thread_id"].clone();
    assert_eq!(
        configured,
        json!({
            "type": "session_configured", "session_id": thread_id, "thread_id": thread_id,
            "model": "gpt-5.5-mini", "model_provider_id": "mock", "approval_policy": "never",
            "sandbox_policy": {"type": "workspace-write", "network_access": false, "exclude_tmpdir_env_var": false, "exclude_slash_tmp": false},
            "cwd": env.cwd().join("sub"), "reasoning_effort": "high", "rollout_path": "<rollout>",
        })
    );
    let body = &env.bodies()[0];
    assert_eq!(
        (&body["model"], &body["reasoning"]["effort"]),
        (&json!("gpt-5.5-mini"), &json!("high"))
    );
    let developer_texts: Vec<&Value> = body["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["role"] == "developer")
        .flat_map(|item| item["content"].as_array().unwrap())
        .map(|part| &part["text"])
        .collect();
    assert!(
        developer_texts.contains(&&json!("Be brief.")),
        "{developer_texts:?}"
    );
}

#[test]
fn stdin_closed_kills_the_commands_of_running_turns() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            r#"{"cmd":"echo $$ > pid.txt; exec sleep 300","yield_time_ms":250}"#,
        ),
        hanging_stream(),
    ]);
    let mut server = McpServerProcess::start(&env, &["-c", NO_IDLE_TIMEOUT]);
    server.initialize("2025-06-18");
    server.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "codex", "arguments": {
        "prompt": "sleep", "approval-policy": "never", "sandbox": "danger-full-access",
    }}}));
    // The command still runs when the model is asked again.
    assert_eq!(
        env.server
            .wait_for_requests(2, std::time::Duration::from_secs(30))
            .len(),
        2
    );
    let pid = std::fs::read_to_string(env.path("pid.txt")).unwrap();
    let proc_dir = std::path::PathBuf::from(format!("/proc/{}", pid.trim()));
    assert!(proc_dir.exists());
    let (_, code) = server.close_and_wait();
    assert_eq!(code, Some(0));
    // Killed: gone once its new parent reaped it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while proc_dir.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!proc_dir.exists(), "the command outlived the server");
}

#[test]
fn mcp_start_up_events_reach_the_first_call() {
    let env = TestEnv::with_config(
        vec![MockResponse::message("no tools")],
        "[mcp_servers.missing]\ncommand = \"/nonexistent/mcp-server-binary\"\n",
    );
    let mut server = McpServerProcess::start(&env, &[]);
    server.initialize("2025-06-18");
    server.send(codex_call(1, "hi"));
    let received = server.until(|message| is_response(message, 1));
    // Session-level events carry no turn id; their order among the turn's events may vary.
    let session_level: Vec<&Value> = received
        .iter()
        .filter(|message| message["method"] == "codex/event" && message["params"]["id"] == "")
        .map(|message| &message["params"]["msg"])
        .skip(1)
        .collect();
    let error = "MCP client for `missing` failed to start: MCP startup failed: No such file or directory (os error 2)";
    assert_eq!(
        session_level,
        vec![
            &json!({"type": "mcp_startup_update", "server": "missing", "status": {"state": "starting"}}),
            &json!({"type": "mcp_startup_update", "server": "missing", "status": {"state": "failed", "error": error}}),
            &json!({"type": "mcp_startup_complete", "ready": [], "failed": [{"server": "missing", "error": error}], "cancelled": []}),
        ]
    );
    assert_eq!(event_type(&received[0]), Some("session_configured"));
}
