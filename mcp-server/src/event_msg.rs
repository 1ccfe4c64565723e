//! Core events as the `msg` of `codex/event` notifications (`mcp.md` §4.5): the snake_case
//! `type` and fields of the original's rollout `event_msg` payloads (`exec.md` §10), e.g.
//! `TurnStarted` → `task_started`, `TurnFailed` → `error`. Core's events are plain Rust data,
//! so this is the one place that gives them a JSON form.

use std::collections::HashMap;
use std::path::PathBuf;

use base64::Engine;
use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
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
                        "source": source,
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
                        "source": source,
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
            EventMsg::McpListToolsResponse { servers } => {
                ("mcp_list_tools_response", json!({"servers": servers}))
            }
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

#[cfg(test)]
#[path = "event_msg_tests.rs"]
mod tests;
