//! The official MCP SDK client (`Client` + `StdioClientTransport`, `sdk_client.mjs`) against
//! `codex mcp-server` (M5): listings, the `codex` and `codex-reply` results, the `codex/event`
//! stream, and approvals answered in both reply shapes.

use std::process::Command;
use std::time::Duration;

use codex_test_support::MockResponse;
use codex_test_support::base_env;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed_with_usage;
use codex_test_support::ev_output_item_added;
use codex_test_support::ev_output_text_delta;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::common::TestEnv;
use crate::common::input;
use crate::common::normalize_exec_output;
use crate::common::run_to_end;
use crate::common::tool_outputs;
use crate::harness::assert_initialize_response;
use crate::harness::expected_tools;
use crate::harness::fixture_dir;

const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

fn escalated_echo(call_id: &str, word: &str) -> MockResponse {
    let arguments = json!({
        "cmd": format!("touch {word}.txt && echo {word}"),
        "sandbox_permissions": "require_escalated",
        "justification": "Allow the echo?",
    });
    MockResponse::function_call(call_id, "exec_command", &arguments.to_string())
}

fn run_script(env: &TestEnv) -> Value {
    let fixture = fixture_dir();
    let mut node = Command::new("node");
    node.arg(fixture.join("sdk_client.mjs"))
        .current_dir(&fixture)
        .env_clear()
        .envs(base_env(env.home.path()))
        .env("SHELL", "/bin/bash")
        .env("CODEX_BIN", env!("CARGO_BIN_EXE_codex"))
        .env("WORKDIR", env.cwd());
    let output = run_to_end(node, SCRIPT_TIMEOUT, "sdk_client.mjs");
    output.assert_success("sdk_client.mjs");
    serde_json::from_str(output.stdout.trim())
        .unwrap_or_else(|err| panic!("{err}: {}\nstderr:\n{}", output.stdout, output.stderr))
}

/// One line per received message: `response N`, `error N`, `event TYPE`, `elicitation N`,
/// `progress N`.
fn transcript(received: &Value) -> Vec<String> {
    received
        .as_array()
        .unwrap()
        .iter()
        .map(
            |message| match (message["method"].as_str(), &message["id"]) {
                (Some("codex/event"), _) => format!("event {}", message["params"]["msg"]["type"]),
                (Some("notifications/progress"), _) => {
                    format!("progress {}", message["params"]["progress"])
                }
                (Some("elicitation/create"), id) => format!("elicitation {id}"),
                (None, id) if message.get("error").is_some() => format!("error {id}"),
                (None, id) => format!("response {id}"),
                (Some(other), _) => panic!("unexpected message {other}: {message}"),
            },
        )
        .collect()
}

fn strings(lines: &[&str]) -> Vec<String> {
    lines.iter().map(|line| line.replace('\'', "\"")).collect()
}

/// `value` with every occurrence of each `(from, to)` replaced inside its strings, and
/// command durations replaced by `"<duration>"`.
fn normalized(value: &Value, replacements: &[(String, &str)]) -> Value {
    match value {
        Value::String(text) => {
            Value::String(replacements.iter().fold(text.clone(), |text, (from, to)| {
                text.replace(from.as_str(), to)
            }))
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| normalized(item, replacements))
                .collect(),
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, field)| {
                    let field = if key == "duration" {
                        json!("<duration>")
                    } else {
                        normalized(field, replacements)
                    };
                    (key.clone(), field)
                })
                .collect(),
        ),
        Value::Null | Value::Bool(_) | Value::Number(_) => value.clone(),
    }
}

/// The messages of `received` whose `codex/event` type (or method) is `kind`.
fn find<'a>(received: &'a Value, kind: &str) -> Vec<&'a Value> {
    received
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["params"]["msg"]["type"] == kind || message["method"] == kind)
        .collect()
}

fn event(request_id: i64, thread: &str, id: &str, msg: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": "codex/event", "params": {
        "_meta": {"requestId": request_id, "threadId": thread},
        "id": id,
        "msg": msg,
    }})
}

fn usage(n: u64) -> Value {
    json!({"input_tokens": 1000 * n, "cached_input_tokens": 200 * n, "cache_write_input_tokens": 0, "output_tokens": 50 * n, "reasoning_output_tokens": 10 * n, "total_tokens": 1050 * n})
}

fn token_count(n: u64) -> Value {
    json!({"type": "token_count", "info": {"total_token_usage": usage(n), "last_token_usage": usage(1), "model_context_window": 258_400}, "rate_limits": null})
}

fn escalated_command(word: &str) -> Value {
    json!([
        "/bin/bash",
        "-lc",
        format!("touch {word}.txt && echo {word}")
    ])
}

fn elicitation(tool_call_id: &str, thread: &str, turn: &str, call_id: &str, word: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "elicitation/create", "params": {
        "message": format!("Allow Codex to run `/bin/bash -lc 'touch {word}.txt && echo {word}'` in `<cwd>`?"),
        "requestedSchema": {"type": "object", "properties": {}},
        "threadId": thread,
        "codex_elicitation": "exec-approval",
        "codex_mcp_tool_call_id": tool_call_id,
        "codex_event_id": turn,
        "codex_call_id": call_id,
        "codex_command": escalated_command(word),
        "codex_cwd": "<cwd>",
        "codex_parsed_cmd": [{"type": "unknown", "cmd": format!("touch {word}.txt && echo {word}")}],
    }})
}

fn command_end(turn: &str, call_id: &str, word: &str) -> Value {
    json!({
        "type": "exec_command_end", "call_id": call_id, "turn_id": turn,
        "command": escalated_command(word), "cwd": "<cwd>",
        "parsed_cmd": [{"type": "unknown", "cmd": format!("touch {word}.txt && echo {word}")}],
        "source": "agent", "stdout": format!("{word}\n"), "stderr": "",
        "aggregated_output": format!("{word}\n"), "exit_code": 0, "duration": "<duration>",
        "formatted_output": format!("{word}\n"),
    })
}

fn session_configured(thread: &str) -> Value {
    json!({"type": "session_configured", "session_id": thread, "thread_id": thread, "model": "gpt-5.5", "model_provider_id": "mock", "approval_policy": "on-request", "sandbox_policy": {"type": "read-only"}, "cwd": "<cwd>", "reasoning_effort": null, "rollout_path": "<rollout>"})
}

/// The turn ids of `received`, in order.
fn turn_ids(received: &Value) -> Vec<String> {
    find(received, "task_started")
        .iter()
        .map(|message| {
            message["params"]["msg"]["turn_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn sdk_client_runs_threads_and_answers_approvals() {
    let env = TestEnv::new(vec![
        MockResponse::Sse(vec![
            ev_output_item_added(
                json!({"type": "message", "id": "msg_1", "role": "assistant", "content": []}),
            ),
            ev_output_text_delta("Hello "),
            ev_output_text_delta("from codex"),
            ev_assistant_message("msg_1", "Hello from codex"),
            ev_completed_with_usage("resp_1", 1000, 200, 50, 10, 1050),
        ]),
        escalated_echo("call_a", "approved-a"),
        MockResponse::message("Ran it"),
        escalated_echo("call_b", "approved-b"),
        MockResponse::message("Ran it again"),
    ]);
    let out = run_script(&env);

    assert_eq!(out["listTools"], expected_tools());
    assert_eq!(out["listResources"], json!({"resources": []}));
    assert_eq!(
        out["listResourceTemplates"],
        json!({"resourceTemplates": []})
    );
    assert_eq!(out["listPrompts"], json!({"prompts": []}));
    assert_eq!(
        out["unknownMethod"],
        json!({"code": -32601, "data": {"method": "bogus/method"}})
    );

    let thread_a = out["first"]["structuredContent"]["threadId"]
        .as_str()
        .unwrap()
        .to_string();
    let thread_b = out["third"]["structuredContent"]["threadId"]
        .as_str()
        .unwrap()
        .to_string();
    let result = |thread: &str, text: &str| json!({"content": [{"type": "text", "text": text}], "structuredContent": {"threadId": thread, "content": text}});
    assert_eq!(
        [&out["first"], &out["second"], &out["third"]],
        [
            &result(&thread_a, "Hello from codex"),
            &result(&thread_a, "Ran it"),
            &result(&thread_b, "Ran it again"),
        ]
    );

    // Client A: the raw answers, then each call's events end with `task_complete` before its
    // result; the second call asked for approval and got `{"action":"accept"}` back.
    let received_a = &out["receivedA"];
    assert_eq!(
        transcript(received_a),
        strings(&[
            "response 0",
            "response 1",
            "response 2",
            "response 3",
            "response 4",
            "error 5",
            "event 'session_configured'",
            "event 'task_started'",
            "event 'user_message'",
            "event 'agent_message_delta'",
            "event 'agent_message_delta'",
            "event 'agent_message'",
            "event 'token_count'",
            "event 'task_complete'",
            "response 6",
            "event 'task_started'",
            "event 'user_message'",
            "event 'token_count'",
            "event 'exec_approval_request'",
            "elicitation 0",
            "event 'exec_command_begin'",
            "event 'exec_command_output_delta'",
            "event 'exec_command_end'",
            "event 'agent_message'",
            "event 'token_count'",
            "event 'task_complete'",
            "response 7",
        ])
    );
    assert_initialize_response(&received_a[0], "2025-11-25", "sdk-client-a; 1.0.0");
    assert_eq!(
        received_a[5],
        json!({"jsonrpc": "2.0", "id": 5, "error": {"code": -32601, "message": "method not found: bogus/method", "data": {"method": "bogus/method"}}})
    );

    let home = env.home.path().display().to_string();
    let rollout = find(received_a, "session_configured")[0]["params"]["msg"]["rollout_path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        rollout.starts_with(&format!("{home}/sessions/"))
            && rollout.ends_with(&format!("-{thread_a}.jsonl")),
        "{rollout}"
    );
    let [turn_1, turn_2] = <[String; 2]>::try_from(turn_ids(received_a)).unwrap();
    let replacements = [
        (rollout, "<rollout>"),
        (env.cwd().display().to_string(), "<cwd>"),
        (thread_a, "<thread-a>"),
        (turn_1, "<turn-1>"),
        (turn_2, "<turn-2>"),
    ];
    let received_a = normalized(received_a, &replacements);
    let picked: Vec<Value> = [
        ("session_configured", 0),
        ("task_started", 0),
        ("agent_message_delta", 0),
        ("agent_message", 0),
        ("token_count", 0),
        ("task_complete", 0),
        ("exec_approval_request", 0),
        ("elicitation/create", 0),
        ("exec_command_end", 0),
        ("task_complete", 1),
    ]
    .iter()
    .map(|(kind, index)| find(&received_a, kind)[*index].clone())
    .collect();
    assert_eq!(
        picked,
        vec![
            event(6, "<thread-a>", "", session_configured("<thread-a>")),
            event(
                6,
                "<thread-a>",
                "<turn-1>",
                json!({"type": "task_started", "turn_id": "<turn-1>", "model_context_window": 258_400})
            ),
            event(
                6,
                "<thread-a>",
                "<turn-1>",
                json!({"type": "agent_message_delta", "delta": "Hello "})
            ),
            event(
                6,
                "<thread-a>",
                "<turn-1>",
                json!({"type": "agent_message", "message": "Hello from codex", "phase": null})
            ),
            event(6, "<thread-a>", "<turn-1>", token_count(1)),
            event(
                6,
                "<thread-a>",
                "<turn-1>",
                json!({"type": "task_complete", "turn_id": "<turn-1>", "last_agent_message": "Hello from codex"})
            ),
            event(
                7,
                "<thread-a>",
                "<turn-2>",
                json!({
                    "type": "exec_approval_request", "call_id": "call_a", "turn_id": "<turn-2>",
                    "command": escalated_command("approved-a"), "cwd": "<cwd>", "reason": "Allow the echo?",
                    "parsed_cmd": [{"type": "unknown", "cmd": "touch approved-a.txt && echo approved-a"}],
                    "proposed_execpolicy_amendment": ["touch", "approved-a.txt"],
                })
            ),
            elicitation("7", "<thread-a>", "<turn-2>", "call_a", "approved-a"),
            event(
                7,
                "<thread-a>",
                "<turn-2>",
                command_end("<turn-2>", "call_a", "approved-a")
            ),
            event(
                7,
                "<thread-a>",
                "<turn-2>",
                json!({"type": "task_complete", "turn_id": "<turn-2>", "last_agent_message": "Ran it"})
            ),
        ]
    );

    // Client B: no elicitation capability, answers `{"decision":"approved"}`; it asked for
    // progress, so every event is also a `notifications/progress`.
    let received_b = &out["receivedB"];
    let events_b = [
        "session_configured",
        "task_started",
        "user_message",
        "token_count",
        "exec_approval_request",
        "exec_command_begin",
        "exec_command_output_delta",
        "exec_command_end",
        "agent_message",
        "token_count",
        "task_complete",
    ];
    let mut expected_b = vec!["response 0".to_string()];
    for (index, kind) in events_b.iter().enumerate() {
        expected_b.push(format!("event \"{kind}\""));
        expected_b.push(format!("progress {}", index + 1));
        if *kind == "exec_approval_request" {
            expected_b.push("elicitation 0".to_string());
        }
    }
    expected_b.push("response 1".to_string());
    assert_eq!(transcript(received_b), expected_b);
    let progress: Vec<Value> = events_b
        .iter()
        .enumerate()
        .map(|(index, kind)| {
            json!({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progressToken": 1, "progress": index + 1, "message": kind}})
        })
        .collect();
    let received_progress: Vec<Value> = find(received_b, "notifications/progress")
        .into_iter()
        .cloned()
        .collect();
    assert_eq!(received_progress, progress);
    let [turn_3] = <[String; 1]>::try_from(turn_ids(received_b)).unwrap();
    let replacements = [
        (env.cwd().display().to_string(), "<cwd>"),
        (thread_b, "<thread-b>"),
        (turn_3, "<turn-3>"),
    ];
    let received_b = normalized(received_b, &replacements);
    assert_eq!(
        [
            find(&received_b, "elicitation/create")[0],
            find(&received_b, "exec_command_end")[0],
        ],
        [
            &elicitation("1", "<thread-b>", "<turn-3>", "call_b", "approved-b"),
            &event(
                1,
                "<thread-b>",
                "<turn-3>",
                command_end("<turn-3>", "call_b", "approved-b")
            ),
        ]
    );

    // The model saw the reply continue the first thread, and both approved commands ran
    // outside the read-only sandbox.
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 5);
    let first = input(&bodies[0]);
    let second = input(&bodies[1]);
    assert_eq!(second[..first.len()], first[..]);
    let added: Vec<Value> = second[first.len()..]
        .iter()
        .map(|item| json!({"role": item["role"], "content": item["content"]}))
        .collect();
    assert_eq!(
        added,
        vec![
            json!({"role": "assistant", "content": [{"type": "output_text", "text": "Hello from codex", "annotations": [], "logprobs": []}]}),
            json!({"role": "user", "content": [{"type": "input_text", "text": "Run echo approved-a"}]}),
        ]
    );
    let outputs: Vec<String> = [&bodies[2], &bodies[4]]
        .iter()
        .flat_map(|body| tool_outputs(body))
        .map(|output| normalize_exec_output(&output))
        .collect();
    let output = |word: &str| {
        format!(
            "Chunk ID: <id>\nWall time: <t> seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\n{word}"
        )
    };
    assert_eq!(outputs, vec![output("approved-a"), output("approved-b")]);
    assert!(env.path("approved-a.txt").exists() && env.path("approved-b.txt").exists());
}
