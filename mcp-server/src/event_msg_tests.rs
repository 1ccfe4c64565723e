use std::time::Duration;

use codex_core::config::AskForApproval;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::HistoryInitialization;
use codex_core::protocol::McpStartupCompleteEvent;
use codex_core::protocol::McpStartupFailure;
use codex_core::protocol::SessionConfiguredEvent;
use codex_core::protocol::TokenUsage;
use codex_core::sandbox::SandboxPolicy;
use pretty_assertions::assert_eq;

use super::*;

fn encoded(encoder: &mut EventEncoder, event: EventMsg) -> Value {
    encoder.encode(&event, "turn-1").unwrap()
}

#[test]
fn the_must_events_of_a_turn() {
    let mut encoder = EventEncoder::new(258_400);
    let command = vec![
        "/bin/bash".to_string(),
        "-lc".to_string(),
        "echo hi".to_string(),
    ];
    let usage = TokenUsage {
        input_tokens: 10,
        total_tokens: 12,
        output_tokens: 2,
        ..TokenUsage::default()
    };
    let events = vec![
        EventMsg::SessionConfigured(SessionConfiguredEvent {
            thread_id: "t1".to_string(),
            model: "gpt-5.5".to_string(),
            model_provider_id: "mock".to_string(),
            cwd: PathBuf::from("/w"),
            approval_policy: AskForApproval::OnRequest,
            sandbox_policy: SandboxPolicy::ReadOnly,
            reasoning_effort: None,
            reasoning_summary: None,
            rollout_path: Some(PathBuf::from("/h/r.jsonl")),
            history_initialization: HistoryInitialization::New,
        }),
        EventMsg::McpStartupComplete(McpStartupCompleteEvent {
            ready: vec!["docs".to_string()],
            failed: vec![McpStartupFailure {
                server: "web".to_string(),
                error: "boom".to_string(),
            }],
            cancelled: Vec::new(),
        }),
        EventMsg::TurnStarted {
            turn_id: "turn-1".to_string(),
        },
        EventMsg::AgentMessageDelta {
            item_id: "m".to_string(),
            delta: "He".to_string(),
        },
        EventMsg::AgentMessage {
            item_id: "m".to_string(),
            text: "Hello".to_string(),
            phase: None,
        },
        EventMsg::ExecApprovalRequest {
            call_id: "c1".to_string(),
            command: command.clone(),
            cwd: PathBuf::from("/w"),
            reason: Some("why".to_string()),
            proposed_prefix_rule: None,
        },
        EventMsg::ExecCommandBegin {
            call_id: "c1".to_string(),
            command,
            cwd: PathBuf::from("/w"),
            source: ExecCommandSource::Agent,
        },
        EventMsg::ExecCommandEnd {
            call_id: "c1".to_string(),
            exit_code: 0,
            aggregated_output: "hi\n".to_string(),
            duration: Duration::from_millis(1500),
            source: ExecCommandSource::Agent,
        },
        EventMsg::TokenCount {
            total: usage,
            last: usage,
            model_context_window: Some(258_400),
        },
        EventMsg::TurnFailed {
            turn_id: "turn-1".to_string(),
            message: "quota".to_string(),
            kind: codex_core::protocol::ErrorKind::UsageLimitExceeded,
        },
        EventMsg::TurnComplete {
            turn_id: "turn-1".to_string(),
            last_agent_message: Some("Hello".to_string()),
        },
        EventMsg::TurnAborted {
            turn_id: "turn-1".to_string(),
            reason: TurnAbortReason::Interrupted,
        },
    ];
    let encoded: Vec<Value> = events
        .into_iter()
        .map(|event| encoded(&mut encoder, event))
        .collect();
    let usage = json!({"input_tokens": 10, "cached_input_tokens": 0, "cache_write_input_tokens": 0, "output_tokens": 2, "reasoning_output_tokens": 0, "total_tokens": 12});
    let parsed = json!([{"type": "unknown", "cmd": "echo hi"}]);
    assert_eq!(
        encoded,
        vec![
            json!({"type": "session_configured", "session_id": "t1", "thread_id": "t1", "model": "gpt-5.5", "model_provider_id": "mock", "approval_policy": "on-request", "sandbox_policy": {"type": "read-only"}, "cwd": "/w", "reasoning_effort": null, "rollout_path": "/h/r.jsonl"}),
            json!({"type": "mcp_startup_complete", "ready": ["docs"], "failed": [{"server": "web", "error": "boom"}], "cancelled": []}),
            json!({"type": "task_started", "turn_id": "turn-1", "model_context_window": 258_400}),
            json!({"type": "agent_message_delta", "delta": "He"}),
            json!({"type": "agent_message", "message": "Hello", "phase": null}),
            json!({"type": "exec_approval_request", "call_id": "c1", "turn_id": "turn-1", "command": ["/bin/bash", "-lc", "echo hi"], "cwd": "/w", "reason": "why", "parsed_cmd": parsed, "proposed_execpolicy_amendment": null}),
            json!({"type": "exec_command_begin", "call_id": "c1", "turn_id": "turn-1", "command": ["/bin/bash", "-lc", "echo hi"], "cwd": "/w", "parsed_cmd": parsed, "source": "agent"}),
            json!({"type": "exec_command_end", "call_id": "c1", "turn_id": "turn-1", "command": ["/bin/bash", "-lc", "echo hi"], "cwd": "/w", "parsed_cmd": parsed, "source": "agent", "stdout": "hi\n", "stderr": "", "aggregated_output": "hi\n", "exit_code": 0, "duration": {"secs": 1, "nanos": 500_000_000}, "formatted_output": "hi\n"}),
            json!({"type": "token_count", "info": {"total_token_usage": usage, "last_token_usage": usage, "model_context_window": 258_400}, "rate_limits": null}),
            json!({"type": "error", "message": "quota"}),
            json!({"type": "task_complete", "turn_id": "turn-1", "last_agent_message": "Hello"}),
            json!({"type": "turn_aborted", "turn_id": "turn-1", "reason": "interrupted"}),
        ]
    );
}

#[test]
fn patch_changes_carry_whole_files_or_diffs() {
    let changes = vec![
        FileChange {
            path: PathBuf::from("/w/new.txt"),
            kind: FileChangeKind::Add,
            unified_diff: "diff --git a/new.txt b/new.txt\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n\\ No newline at end of file\n".to_string(),
        },
        FileChange {
            path: PathBuf::from("/w/old.txt"),
            kind: FileChangeKind::Delete,
            unified_diff: "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n".to_string(),
        },
        FileChange {
            path: PathBuf::from("/w/edit.txt"),
            kind: FileChangeKind::Update,
            unified_diff: "@@ -1 +1 @@\n-a\n+b\n".to_string(),
        },
    ];
    assert_eq!(
        changes_json(&changes),
        json!({
            "/w/new.txt": {"type": "add", "content": "one\ntwo"},
            "/w/old.txt": {"type": "delete", "content": "gone\n"},
            "/w/edit.txt": {"type": "update", "unified_diff": "@@ -1 +1 @@\n-a\n+b\n", "move_path": null},
        })
    );
}
