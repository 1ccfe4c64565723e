//! The official TypeScript SDK (`@openai/codex-sdk`, pinned in `tests/fixtures/sdk`) drives our
//! `codex` binary unchanged (`exec.md` §9): `two_turns.mjs` runs a thread whose first turn runs a
//! command and applies a patch, then resumes it for a second turn with an output schema. Needs
//! `node` and `npm ci --prefix cli/tests/fixtures/sdk` (done by `scripts/test`).

mod common;

use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::RecordedRequest;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed_with_usage;
use common::ChildOutput;
use common::run_to_end;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

/// Must match `two_turns.mjs`.
const FIRST_PROMPT: &str = "Run echo hi, then add hello.txt";
const SECOND_PROMPT: &str = "Report what you did as JSON";

const PATCH: &str = "*** Begin Patch\n*** Add File: hello.txt\n+hello from the sdk\n*** End Patch";
const FIRST_ANSWER: &str = "Ran echo hi and added hello.txt.";
const SECOND_ANSWER: &str = r#"{"files":["hello.txt"],"command_output":"hi"}"#;

/// Generous: the script starts two `codex` processes; a hang must still end the test.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk")
}

fn output_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string"}},
            "command_output": {"type": "string"},
        },
        "required": ["files", "command_output"],
        "additionalProperties": false,
    })
}

/// A final assistant message with the same usage as the `MockResponse` shortcuts.
fn message(id: &str, text: &str, response_id: &str) -> MockResponse {
    MockResponse::Sse(vec![
        ev_assistant_message(id, text),
        ev_completed_with_usage(response_id, 1000, 200, 50, 10, 1050),
    ])
}

fn run_script(server: &MockServer, home: &TestCodexHome, workdir: &Path) -> ChildOutput {
    run_fixture("two_turns.mjs", &server.base_url(), home, workdir)
}

fn run_fixture(script: &str, base_url: &str, home: &TestCodexHome, workdir: &Path) -> ChildOutput {
    let fixture = fixture_dir();
    let sdk = fixture.join("node_modules/@openai/codex-sdk/package.json");
    assert!(
        sdk.is_file(),
        "{} is missing: run `npm ci --prefix cli/tests/fixtures/sdk` first (scripts/test does)",
        sdk.display()
    );
    let mut node = Command::new("node");
    node.arg(fixture.join(script))
        .current_dir(&fixture)
        .env_clear()
        .envs(base_env(home.path()))
        .env("CODEX_BIN", env!("CARGO_BIN_EXE_codex"))
        .env("MOCK_BASE_URL", base_url)
        .env("WORKDIR", workdir)
        .env("OUTPUT_SCHEMA", output_schema().to_string());
    run_to_end(node, SCRIPT_TIMEOUT, script)
}

fn metadata(request: &RecordedRequest) -> Value {
    let header = request
        .header("x-codex-turn-metadata")
        .unwrap_or_else(|| panic!("no x-codex-turn-metadata header: {:?}", request.headers));
    serde_json::from_str(header)
        .unwrap_or_else(|err| panic!("x-codex-turn-metadata is not JSON ({err}): {header}"))
}

fn input(request: &RecordedRequest) -> Vec<Value> {
    match &request.body["input"] {
        Value::Array(items) => items.clone(),
        _ => panic!("request body has no input array: {}", request.body),
    }
}

#[test]
fn sdk_runs_a_two_turn_thread_with_tools_output_schema_and_resume() {
    let server = MockServer::start(vec![
        MockResponse::function_call("call_1", "exec_command", r#"{"cmd":"echo hi"}"#),
        MockResponse::custom_tool_call("call_2", "apply_patch", PATCH),
        message("msg_1", FIRST_ANSWER, "resp_3"),
        message("msg_2", SECOND_ANSWER, "resp_4"),
    ]);
    let home = TestCodexHome::new();
    let workdir = tempfile::tempdir().unwrap();
    let workdir = workdir.path().canonicalize().unwrap();

    let output = run_script(&server, &home, &workdir);
    output.assert_success("two_turns.mjs");
    let turns: Vec<Value> = output
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect();
    assert_eq!(turns.len(), 2, "{}", output.stdout);
    let thread_id = turns[0]["threadId"].as_str().unwrap().to_string();
    let hello = workdir.join("hello.txt");

    assert_eq!(
        turns,
        vec![
            json!({
                "turn": 1,
                "threadId": thread_id,
                "items": [
                    {"id": "item_0", "type": "command_execution", "command": "/bin/bash -lc 'echo hi'", "aggregated_output": "hi\n", "exit_code": 0, "status": "completed"},
                    {"id": "item_1", "type": "file_change", "changes": [{"path": hello, "kind": "add"}], "status": "completed"},
                    {"id": "item_2", "type": "agent_message", "text": FIRST_ANSWER},
                ],
                "finalResponse": FIRST_ANSWER,
                "usage": {"input_tokens": 3000, "cached_input_tokens": 600, "cache_write_input_tokens": 0, "output_tokens": 150, "reasoning_output_tokens": 30},
            }),
            json!({
                "turn": 2,
                "threadId": thread_id,
                "items": [
                    {"id": "item_0", "type": "agent_message", "text": SECOND_ANSWER},
                ],
                "finalResponse": SECOND_ANSWER,
                "usage": {"input_tokens": 4000, "cached_input_tokens": 800, "cache_write_input_tokens": 0, "output_tokens": 200, "reasoning_output_tokens": 40},
            }),
        ]
    );
    assert_eq!(
        std::fs::read_to_string(&hello).unwrap(),
        "hello from the sdk\n"
    );

    let requests = server.requests();
    assert_eq!(
        requests
            .iter()
            .map(|request| (request.method.as_str(), request.path.as_str()))
            .collect::<Vec<_>>(),
        vec![("POST", "/v1/responses"); 4]
    );
    for request in &requests {
        assert_eq!(request.header("originator"), Some("codex_sdk_ts"));
        assert_eq!(request.header("authorization"), Some("Bearer test-key"));
        assert_eq!(request.header("thread-id"), Some(thread_id.as_str()));
    }
    let history_initialization: Value = requests
        .iter()
        .map(|request| metadata(request)["history_initialization"].clone())
        .collect();
    assert_eq!(
        history_initialization,
        json!(["new", "new", "new", "cold_resume"])
    );

    // Only turn 2 carries the schema, as `text.format`.
    for request in &requests[..3] {
        assert_eq!(request.body["text"].get("format"), None);
    }
    assert_eq!(
        requests[3].body["text"]["format"],
        json!({"type": "json_schema", "strict": true, "schema": output_schema(), "name": "codex_output_schema"})
    );

    // The resumed process re-sends turn 1's whole history (the command and the patch with their
    // outputs), then turn 1's answer, then only the new prompt.
    let first_turn = input(&requests[2]);
    let second_turn = input(&requests[3]);
    for (kind, call_id) in [
        ("function_call", "call_1"),
        ("function_call_output", "call_1"),
        ("custom_tool_call", "call_2"),
        ("custom_tool_call_output", "call_2"),
    ] {
        assert!(
            first_turn
                .iter()
                .any(|item| item["type"] == kind && item["call_id"] == call_id),
            "no {kind} {call_id} in turn 1's history: {first_turn:#?}"
        );
    }
    assert_eq!(second_turn.len(), first_turn.len() + 2);
    assert_eq!(second_turn[..first_turn.len()], first_turn[..]);
    let answer = &second_turn[first_turn.len()];
    assert_eq!(
        (&answer["role"], &answer["content"][0]["text"]),
        (&json!("assistant"), &json!(FIRST_ANSWER))
    );
    let prompt = &second_turn[first_turn.len() + 1];
    assert_eq!(
        (&prompt["role"], &prompt["content"]),
        (
            &json!("user"),
            &json!([{"type": "input_text", "text": SECOND_PROMPT}])
        )
    );
    let first_prompt = json!([{"type": "input_text", "text": FIRST_PROMPT}]);
    assert!(
        first_turn
            .iter()
            .any(|item| item["role"] == "user" && item["content"] == first_prompt),
        "turn 1's prompt is not in its history: {first_turn:#?}"
    );

    // Both processes wrote the same rollout.
    assert_eq!(home.rollout_files().len(), 1);
}

/// The SDK's default setup (`baseUrl` + `apiKey`, no provider config) reaches our built-in
/// provider over the Responses WebSocket, with the SDK's key and originator.
#[test]
fn sdk_default_setup_uses_the_builtin_provider_over_the_websocket() {
    let server = codex_test_support::MockWebsocketServer::start(vec![vec![
        codex_test_support::ev_assistant_message("msg_1", "Hello from the socket"),
        codex_test_support::ev_completed_with_usage("resp_1", 100, 0, 10, 0, 110),
    ]]);
    let home = TestCodexHome::new();
    let workdir = tempfile::tempdir().unwrap();
    let output = run_fixture(
        "default_setup.mjs",
        &server.base_url(),
        &home,
        workdir.path(),
    );
    assert!(output.status.success(), "stderr:\n{}", output.stderr);
    let line: Value = serde_json::from_str(output.stdout.trim()).unwrap();
    assert_eq!(line["finalResponse"], "Hello from the socket");
    let handshakes = server.handshakes();
    assert_eq!(handshakes.len(), 1);
    assert_eq!(
        handshakes[0].header("authorization"),
        Some("Bearer sdk-key")
    );
    assert_eq!(handshakes[0].header("originator"), Some("codex_sdk_ts"));
    let frames = server.frames();
    assert_eq!(frames.len(), 2, "a prewarm frame and one request");
    assert_eq!(frames[0]["generate"], false);
    assert_eq!(frames[1]["type"], "response.create");
}
