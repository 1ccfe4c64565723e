use std::path::PathBuf;

use codex_core::protocol::ErrorKind;
use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::PlanItem;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::TurnAbortReason;
use codex_core::sandbox::SandboxPolicy;
use pretty_assertions::assert_eq;

use super::JsonlOutput;
use super::JsonlSettings;
use crate::event_processor::CodexStatus;
use crate::event_processor::EventProcessor;
use crate::test_util::Captured;
use crate::test_util::agent_message;
use crate::test_util::example_turn;
use crate::test_util::exec_begin;
use crate::test_util::exec_end;
use crate::test_util::mcp_begin;
use crate::test_util::mcp_end;
use crate::test_util::mcp_invocation;
use crate::test_util::mcp_startup;
use crate::test_util::mcp_text_result;
use crate::test_util::session_configured;
use crate::test_util::token_count;
use crate::test_util::turn_complete;
use crate::test_util::turn_started;

/// Feeds `events` to a fresh processor; returns stdout and the status after each event.
fn run(settings: JsonlSettings, events: &[EventMsg]) -> (String, Vec<CodexStatus>) {
    let stdout = Captured::default();
    let mut output = JsonlOutput::new(stdout.writer(), settings);
    let statuses = events.iter().map(|msg| output.process_event(msg)).collect();
    (stdout.text(), statuses)
}

fn stdout_of(events: &[EventMsg]) -> String {
    run(JsonlSettings::default(), events).0
}

fn plan(steps: &[(&str, PlanStatus)]) -> EventMsg {
    EventMsg::PlanUpdate {
        explanation: None,
        plan: steps
            .iter()
            .map(|(step, status)| PlanItem {
                step: (*step).to_string(),
                status: *status,
            })
            .collect(),
    }
}

fn turn_failed(message: &str) -> EventMsg {
    EventMsg::TurnFailed {
        turn_id: "turn-1".to_string(),
        message: message.to_string(),
        kind: ErrorKind::Other,
    }
}

#[test]
fn example_tool_turn_matches_the_spec() {
    let (stdout, statuses) = run(JsonlSettings::default(), &example_turn());
    let expected = concat!(
        r#"{"type":"thread.started","thread_id":"019a0000-0000-7000-8000-000000000000"}"#,
        "\n",
        r#"{"type":"turn.started"}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Running echo**\n\nI will run echo hi."}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"/bin/bash -lc 'echo hi'","aggregated_output":"hi\n","exit_code":0,"status":"completed"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"The command printed: hi"}}"#,
        "\n",
        r#"{"type":"turn.completed","usage":{"input_tokens":2000,"cached_input_tokens":400,"cache_write_input_tokens":0,"output_tokens":100,"reasoning_output_tokens":20}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
    let mut expected_statuses = vec![CodexStatus::Running; statuses.len() - 1];
    expected_statuses.push(CodexStatus::TurnEnded);
    assert_eq!(statuses, expected_statuses);
}

#[test]
fn hidden_reasoning_emits_no_item_and_uses_no_id() {
    let (stdout, _) = run(
        JsonlSettings {
            hide_agent_reasoning: true,
        },
        &[
            EventMsg::AgentReasoning {
                item_id: "rs_1".to_string(),
                summary: vec!["thinking".to_string()],
            },
            agent_message("done"),
        ],
    );
    assert_eq!(
        stdout,
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"agent_message\",\"text\":\"done\"}}\n"
    );
}

#[test]
fn failed_command_and_turn_without_usage() {
    let stdout = stdout_of(&[
        exec_begin("c", "exit 3"),
        exec_end("c", 3, "", 12),
        turn_complete(None),
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc 'exit 3'","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc 'exit 3'","aggregated_output":"","exit_code":3,"status":"failed"}}"#,
        "\n",
        r#"{"type":"turn.completed","usage":{"input_tokens":0,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":0,"reasoning_output_tokens":0}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn end_without_begin_is_ignored() {
    let stdout = stdout_of(&[
        exec_end("unknown", 0, "x", 1),
        EventMsg::PatchApplyEnd {
            call_id: "unknown".to_string(),
            success: true,
            changes: Vec::new(),
        },
    ]);
    assert_eq!(stdout, "");
}

#[test]
fn stream_error_then_failed_turn() {
    let (stdout, statuses) = run(
        JsonlSettings::default(),
        &[
            session_configured(SandboxPolicy::ReadOnly),
            turn_started(),
            EventMsg::StreamError {
                message: "stream disconnected before completion".to_string(),
                attempt: 1,
                max_attempts: 5,
                kind: ErrorKind::InternalServerError,
            },
            turn_failed("unexpected status 401 Unauthorized"),
        ],
    );
    let expected = concat!(
        r#"{"type":"thread.started","thread_id":"019a0000-0000-7000-8000-000000000000"}"#,
        "\n",
        r#"{"type":"turn.started"}"#,
        "\n",
        r#"{"type":"error","message":"Reconnecting... 1/5 (stream disconnected before completion)"}"#,
        "\n",
        r#"{"type":"error","message":"unexpected status 401 Unauthorized"}"#,
        "\n",
        r#"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized"}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
    assert_eq!(
        statuses,
        vec![
            CodexStatus::Running,
            CodexStatus::Running,
            CodexStatus::Running,
            CodexStatus::TurnEnded
        ]
    );
}

#[test]
fn patch_items_started_and_completed() {
    let changes = vec![
        FileChange {
            path: PathBuf::from("/home/user/project/new.txt"),
            kind: FileChangeKind::Add,
            unified_diff: "diff --git a/new.txt b/new.txt\n".to_string(),
        },
        FileChange {
            path: PathBuf::from("/home/user/project/old.txt"),
            kind: FileChangeKind::Delete,
            unified_diff: String::new(),
        },
    ];
    let stdout = stdout_of(&[
        EventMsg::PatchApplyBegin {
            call_id: "p1".to_string(),
            changes: changes.clone(),
        },
        EventMsg::PatchApplyEnd {
            call_id: "p1".to_string(),
            success: true,
            changes: changes.clone(),
        },
        EventMsg::PatchApplyBegin {
            call_id: "p2".to_string(),
            changes: changes[..1].to_vec(),
        },
        EventMsg::PatchApplyEnd {
            call_id: "p2".to_string(),
            success: false,
            changes: changes[..1].to_vec(),
        },
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"file_change","changes":[{"path":"/home/user/project/new.txt","kind":"add"},{"path":"/home/user/project/old.txt","kind":"delete"}],"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"file_change","changes":[{"path":"/home/user/project/new.txt","kind":"add"},{"path":"/home/user/project/old.txt","kind":"delete"}],"status":"completed"}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_1","type":"file_change","changes":[{"path":"/home/user/project/new.txt","kind":"add"}],"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"file_change","changes":[{"path":"/home/user/project/new.txt","kind":"add"}],"status":"failed"}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn todo_list_started_updated_completed_at_turn_end() {
    let stdout = stdout_of(&[
        plan(&[
            ("Read", PlanStatus::InProgress),
            ("Fix", PlanStatus::Pending),
        ]),
        agent_message("reading"),
        plan(&[
            ("Read", PlanStatus::Completed),
            ("Fix", PlanStatus::InProgress),
        ]),
        plan(&[
            ("Read", PlanStatus::Completed),
            ("Fix", PlanStatus::Completed),
        ]),
        token_count(10, 0, 5, 0),
        turn_complete(Some("reading")),
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":false},{"text":"Fix","completed":false}]}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"reading"}}"#,
        "\n",
        r#"{"type":"item.updated","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":true},{"text":"Fix","completed":false}]}}"#,
        "\n",
        r#"{"type":"item.updated","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":true},{"text":"Fix","completed":true}]}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":true},{"text":"Fix","completed":true}]}}"#,
        "\n",
        r#"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"cache_write_input_tokens":0,"output_tokens":5,"reasoning_output_tokens":0}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn todo_list_completed_before_failure_lines_and_restarted_next_turn() {
    let stdout = stdout_of(&[
        plan(&[("Read", PlanStatus::InProgress)]),
        turn_failed("boom"),
        plan(&[("Again", PlanStatus::Pending)]),
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":false}]}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"todo_list","items":[{"text":"Read","completed":false}]}}"#,
        "\n",
        r#"{"type":"error","message":"boom"}"#,
        "\n",
        r#"{"type":"turn.failed","error":{"message":"boom"}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_1","type":"todo_list","items":[{"text":"Again","completed":false}]}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn aborted_turn_ends_with_turn_failed() {
    let (stdout, statuses) = run(
        JsonlSettings::default(),
        &[EventMsg::TurnAborted {
            turn_id: "turn-1".to_string(),
            reason: TurnAbortReason::Interrupted,
        }],
    );
    assert_eq!(
        stdout,
        concat!(
            r#"{"type":"error","message":"turn interrupted"}"#,
            "\n",
            r#"{"type":"turn.failed","error":{"message":"turn interrupted"}}"#,
            "\n",
        )
    );
    assert_eq!(statuses, vec![CodexStatus::TurnEnded]);
}

#[test]
fn web_search_and_warning_items() {
    let stdout = stdout_of(&[
        EventMsg::WebSearch {
            call_id: "ws_1".to_string(),
            query: "rust serde flatten".to_string(),
        },
        EventMsg::Warning {
            message: "Falling back from WebSockets to HTTPS transport. closed".to_string(),
        },
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"web_search","query":"rust serde flatten","action":{"type":"search","query":"rust serde flatten"}}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"web_search","query":"rust serde flatten","action":{"type":"search","query":"rust serde flatten"}}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"error","message":"Falling back from WebSockets to HTTPS transport. closed"}}"#,
        "\n",
    );
    assert_eq!(stdout, expected);
}

#[test]
fn mcp_tool_call_items_share_the_item_counter() {
    let echo = mcp_invocation("echo", Some(serde_json::json!({"message": "hi"})));
    let add = mcp_invocation("add", None);
    let slow = mcp_invocation("slow", Some(serde_json::json!({})));
    let mut events = mcp_startup();
    events.extend([
        exec_begin("c1", "ls"),
        mcp_begin("m1", &echo),
        exec_end("c1", 0, "", 1),
        mcp_end("m1", &echo, 12, Ok(mcp_text_result("Echo: hi", None))),
        mcp_begin("m2", &add),
        mcp_end(
            "m2",
            &add,
            3,
            Ok(McpToolCallResult {
                content: vec![serde_json::json!({"type": "text", "text": "7"})],
                structured_content: Some(serde_json::json!({"n": 7})),
                is_error: Some(false),
            }),
        ),
        agent_message("done"),
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"echo","arguments":{"message":"hi"},"result":null,"error":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"command_execution","command":"/bin/bash -lc ls","aggregated_output":"","exit_code":0,"status":"completed"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"echo","arguments":{"message":"hi"},"result":{"content":[{"type":"text","text":"Echo: hi"}],"structured_content":null},"error":null,"status":"completed"}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_2","type":"mcp_tool_call","server":"docs","tool":"add","arguments":null,"result":null,"error":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_2","type":"mcp_tool_call","server":"docs","tool":"add","arguments":null,"result":{"content":[{"type":"text","text":"7"}],"structured_content":{"n":7}},"error":null,"status":"completed"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"done"}}"#,
        "\n",
    );
    assert_eq!(stdout_of(&events), expected);
    let failures = stdout_of(&[
        mcp_begin("m3", &echo),
        mcp_end("m3", &echo, 1, Ok(mcp_text_result("bad input", Some(true)))),
        mcp_begin("m4", &slow),
        mcp_end(
            "m4",
            &slow,
            2000,
            Err("tool call failed for `docs/slow`".to_string()),
        ),
        mcp_end("unknown", &slow, 1, Err("never started".to_string())),
    ]);
    let expected = concat!(
        r#"{"type":"item.started","item":{"id":"item_0","type":"mcp_tool_call","server":"docs","tool":"echo","arguments":{"message":"hi"},"result":null,"error":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_0","type":"mcp_tool_call","server":"docs","tool":"echo","arguments":{"message":"hi"},"result":{"content":[{"type":"text","text":"bad input"}],"structured_content":null},"error":null,"status":"failed"}}"#,
        "\n",
        r#"{"type":"item.started","item":{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"slow","arguments":{},"result":null,"error":null,"status":"in_progress"}}"#,
        "\n",
        r#"{"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"slow","arguments":{},"result":null,"error":{"message":"tool call failed for `docs/slow`"},"status":"failed"}}"#,
        "\n",
    );
    assert_eq!(failures, expected);
}
