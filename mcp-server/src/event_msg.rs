//! Core events as the `msg` of `codex/event` notifications (`mcp.md` §4.5): the snake_case
//! `type` and fields of the original's rollout `event_msg` payloads (`exec.md` §10), e.g.
//! `TurnStarted` → `task_started`, `TurnFailed` → `error`. Core's events are plain Rust data,
//! so this is the one place that gives them a JSON form.

use std::collections::HashMap;
use std::path::PathBuf;

use base64::Engine;
use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::McpServerSummary;
use codex_core::protocol::TurnAbortReason;
use codex_core::protocol::UserInput;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

/// Encodes one thread's events; remembers what later events need from earlier ones.
#[derive(Debug)]
pub struct EventEncoder {
    /// What `task_started` reports: the thread's model is fixed at start-up.
    model_context_window: u64,
    /// Argv and cwd of begun commands by call id: `exec_command_end` repeats them.
    commands: HashMap<String, (Vec<String>, PathBuf)>,
}

impl EventEncoder {
    pub fn new(model_context_window: u64) -> Self {
        EventEncoder {
            model_context_window,
            commands: HashMap::new(),
        }
    }

    /// The `msg` for `event`; `turn_id` is the turn running when it arrived ("" if none).
    /// `None` for the events that only exist for our own front ends' rendering.
    pub fn encode(&mut self, event: &EventMsg, turn_id: &str) -> Option<Value> {
        let (kind, fields) = match event {
            EventMsg::SessionConfigured(configured) => (
                "session_configured",
                json!({
                    "session_id": configured.thread_id,
                    "thread_id": configured.thread_id,
                    "model": configured.model,
                    "model_provider_id": configured.model_provider_id,
                    "approval_policy": configured.approval_policy,
                    "sandbox_policy": configured.sandbox_policy,
                    "cwd": configured.cwd,
                    "reasoning_effort": configured.reasoning_effort,
                    "rollout_path": configured.rollout_path,
                }),
            ),
            EventMsg::TurnStarted { turn_id } => (
                "task_started",
                json!({"turn_id": turn_id, "model_context_window": self.model_context_window}),
            ),
            EventMsg::UserMessage { items, .. } => {
                let mut texts = Vec::new();
                let mut images = Vec::new();
                for item in items {
                    match item {
                        UserInput::Text { text } => texts.push(text.as_str()),
                        UserInput::LocalImage { path } => images.push(path),
                    }
                }
                (
                    "user_message",
                    json!({"message": texts.join("\n"), "local_images": images}),
                )
            }
            EventMsg::AgentReasoningStarted { .. } | EventMsg::AgentMessageStarted { .. } => {
                return None;
            }
            EventMsg::ReasoningSummaryPartAdded { .. } => {
                ("agent_reasoning_section_break", json!({}))
            }
            EventMsg::AgentReasoning { summary, .. } => {
                ("agent_reasoning", json!({"text": summary.join("\n\n")}))
            }
            EventMsg::AgentReasoningRawContent { text } => {
                ("agent_reasoning_raw_content", json!({"text": text}))
            }
            EventMsg::AgentReasoningDelta { delta, .. } => {
                ("agent_reasoning_delta", json!({"delta": delta}))
            }
            EventMsg::AgentMessage { text, phase, .. } => {
                ("agent_message", json!({"message": text, "phase": phase}))
            }
            EventMsg::AgentMessageDelta { delta, .. } => {
                ("agent_message_delta", json!({"delta": delta}))
            }
            EventMsg::ExecCommandBegin {
                call_id,
                command,
                cwd,
                source,
            } => {
                self.commands
                    .insert(call_id.clone(), (command.clone(), cwd.clone()));
                (
                    "exec_command_begin",
                    json!({
                        "call_id": call_id,
                        "turn_id": turn_id,
                        "command": command,
                        "cwd": cwd,
                        "parsed_cmd": parsed_cmd(command),
                        "source": source_name(*source),
                    }),
                )
            }
            EventMsg::ExecCommandOutputDelta { call_id, chunk } => (
                "exec_command_output_delta",
                json!({
                    "call_id": call_id,
                    "stream": "stdout",
                    "chunk": base64::engine::general_purpose::STANDARD.encode(chunk),
                }),
            ),
            EventMsg::ExecCommandEnd {
                call_id,
                exit_code,
                aggregated_output,
                duration,
                source,
            } => {
                let (command, cwd) = self.commands.remove(call_id).unwrap_or_default();
                (
                    "exec_command_end",
                    json!({
                        "call_id": call_id,
                        "turn_id": turn_id,
                        "command": command,
                        "cwd": cwd,
                        "parsed_cmd": parsed_cmd(&command),
                        "source": source_name(*source),
                        // Commands run on one pipe (or a PTY): their output is not split.
                        "stdout": aggregated_output,
                        "stderr": "",
                        "aggregated_output": aggregated_output,
                        "exit_code": exit_code,
                        "duration": duration,
                        "formatted_output": aggregated_output,
                    }),
                )
            }
            EventMsg::PatchApplyBegin { call_id, changes } => (
                "patch_apply_begin",
                json!({
                    "call_id": call_id,
                    "turn_id": turn_id,
                    "changes": changes_json(changes),
                }),
            ),
            EventMsg::PatchApplyEnd {
                call_id,
                success,
                changes,
            } => (
                "patch_apply_end",
                json!({
                    "call_id": call_id,
                    "turn_id": turn_id,
                    "success": success,
                    "changes": changes_json(changes),
                }),
            ),
            EventMsg::ExecApprovalRequest {
                call_id,
                command,
                cwd,
                reason,
                proposed_prefix_rule,
            } => (
                "exec_approval_request",
                json!({
                    "call_id": call_id,
                    "turn_id": turn_id,
                    "command": command,
                    "cwd": cwd,
                    "reason": reason,
                    "parsed_cmd": parsed_cmd(command),
                    "proposed_execpolicy_amendment": proposed_prefix_rule,
                }),
            ),
            EventMsg::ApplyPatchApprovalRequest {
                call_id,
                changes,
                reason,
            } => (
                "apply_patch_approval_request",
                json!({
                    "call_id": call_id,
                    "turn_id": turn_id,
                    "changes": changes_json(changes),
                    "reason": reason,
                    "grant_root": null,
                }),
            ),
            EventMsg::PlanUpdate { explanation, plan } => (
                "plan_update",
                json!({"explanation": explanation, "plan": plan}),
            ),
            EventMsg::WebSearch { call_id, query } => (
                "web_search_end",
                json!({"call_id": call_id, "query": query}),
            ),
            EventMsg::McpStartupUpdate { server, status } => (
                "mcp_startup_update",
                json!({"server": server, "status": status}),
            ),
            EventMsg::McpStartupComplete(complete) => ("mcp_startup_complete", json!(complete)),
            EventMsg::McpToolCallBegin {
                call_id,
                invocation,
            } => (
                "mcp_tool_call_begin",
                json!({"call_id": call_id, "invocation": invocation}),
            ),
            EventMsg::McpToolCallEnd {
                call_id,
                invocation,
                duration,
                result,
            } => (
                "mcp_tool_call_end",
                json!({
                    "call_id": call_id,
                    "invocation": invocation,
                    "duration": duration,
                    "result": match result {
                        Ok(result) => json!({"Ok": result}),
                        Err(error) => json!({"Err": error}),
                    },
                }),
            ),
            EventMsg::McpListToolsResponse { servers } => (
                "mcp_list_tools_response",
                json!({"servers": servers.iter().map(server_summary).collect::<Vec<_>>()}),
            ),
            EventMsg::StreamError { message, .. } => ("stream_error", json!({"message": message})),
            EventMsg::Warning { message } => ("warning", json!({"message": message})),
            EventMsg::TokenCount {
                total,
                last,
                model_context_window,
            } => (
                "token_count",
                json!({
                    "info": {
                        "total_token_usage": total,
                        "last_token_usage": last,
                        "model_context_window": model_context_window,
                    },
                    "rate_limits": null,
                }),
            ),
            EventMsg::ContextCompacted => ("context_compacted", json!({})),
            EventMsg::ThreadRolledBack { num_turns } => {
                ("thread_rolled_back", json!({"num_turns": num_turns}))
            }
            EventMsg::TurnComplete {
                turn_id,
                last_agent_message,
            } => (
                "task_complete",
                json!({"turn_id": turn_id, "last_agent_message": last_agent_message}),
            ),
            EventMsg::TurnFailed { message, .. } => ("error", json!({"message": message})),
            EventMsg::TurnAborted { turn_id, reason } => (
                "turn_aborted",
                json!({"turn_id": turn_id, "reason": match reason {
                    TurnAbortReason::Interrupted => "interrupted",
                }}),
            ),
            EventMsg::ShutdownComplete => ("shutdown_complete", json!({})),
        };
        let mut msg = Map::new();
        msg.insert("type".into(), json!(kind));
        if let Value::Object(fields) = fields {
            msg.extend(fields);
        }
        Some(Value::Object(msg))
    }
}

/// What a command does, as far as we tell: the script it runs.
pub fn parsed_cmd(command: &[String]) -> Value {
    json!([{"type": "unknown", "cmd": command.last().cloned().unwrap_or_default()}])
}

/// `{path: {"type":"add","content"} | {"type":"delete","content"} |
/// {"type":"update","unified_diff","move_path"}}`, keyed by the path the change leaves behind.
pub fn changes_json(changes: &[FileChange]) -> Value {
    let entries = changes.iter().map(|change| {
        let entry = match change.kind {
            FileChangeKind::Add => json!({
                "type": "add",
                "content": whole_file(&change.unified_diff, '+'),
            }),
            FileChangeKind::Delete => json!({
                "type": "delete",
                "content": whole_file(&change.unified_diff, '-'),
            }),
            FileChangeKind::Update => json!({
                "type": "update",
                "unified_diff": change.unified_diff,
                "move_path": null,
            }),
        };
        (change.path.display().to_string(), entry)
    });
    Value::Object(entries.collect())
}

/// The whole content of an added (`+`) or deleted (`-`) file, read back from its git diff
/// (core reports changes as diffs only).
fn whole_file(diff: &str, marker: char) -> String {
    let mut content = String::new();
    let mut in_hunk = false;
    for line in diff.split_terminator('\n') {
        if line.starts_with("@@") {
            in_hunk = true;
        } else if !in_hunk {
            continue;
        } else if line == "\\ No newline at end of file" {
            content.pop();
        } else if let Some(text) = line.strip_prefix(marker) {
            content.push_str(text);
            content.push('\n');
        }
    }
    content
}

fn source_name(source: ExecCommandSource) -> &'static str {
    match source {
        ExecCommandSource::Agent => "agent",
        ExecCommandSource::UserShell => "user_shell",
    }
}

fn server_summary(server: &McpServerSummary) -> Value {
    json!({
        "name": server.name,
        "status": server.status,
        "enabled": server.enabled,
        "tools": server.tools,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use codex_core::config::AskForApproval;
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
}
