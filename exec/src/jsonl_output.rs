//! `--json` mode: translates core events into `ThreadEvent` lines on stdout (exec.md §5).
//!
//! Owns the item bookkeeping the wire format needs and core does not carry: `item_<n>` ids (one
//! counter per process), which call id maps to which item, the turn's todo list, and the last
//! thread-cumulative usage for `turn.completed`.

use std::collections::HashMap;
use std::io::Write;

use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::PlanItem;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::TokenUsage;

use crate::event_processor::CodexStatus;
use crate::event_processor::EventProcessor;
use crate::exec_events::CommandExecutionStatus;
use crate::exec_events::FileUpdateChange;
use crate::exec_events::McpToolCallItemError;
use crate::exec_events::McpToolCallItemResult;
use crate::exec_events::McpToolCallStatus;
use crate::exec_events::PatchApplyStatus;
use crate::exec_events::PatchChangeKind;
use crate::exec_events::ThreadError;
use crate::exec_events::ThreadEvent;
use crate::exec_events::ThreadItem;
use crate::exec_events::ThreadItemDetails;
use crate::exec_events::TodoItem;
use crate::exec_events::Usage;
use crate::exec_events::WebSearchAction;
use codex_core::shell_quote::quote_command;

/// What the JSONL stream includes, from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JsonlSettings {
    /// `hide_agent_reasoning`: no `reasoning` items.
    pub hide_agent_reasoning: bool,
}

pub struct JsonlOutput {
    stdout: Box<dyn Write + Send>,
    settings: JsonlSettings,
    next_item: u64,
    /// Running commands by call id: their item id and quoted command.
    commands: HashMap<String, (String, String)>,
    /// Patches being applied by call id: their item id.
    patches: HashMap<String, String>,
    /// Running MCP tool calls by call id: their item id.
    mcp_calls: HashMap<String, String>,
    /// The turn's todo list: its item id and the latest items.
    todo_list: Option<(String, Vec<TodoItem>)>,
    usage: Usage,
}

impl JsonlOutput {
    pub fn new(stdout: Box<dyn Write + Send>, settings: JsonlSettings) -> Self {
        Self {
            stdout,
            settings,
            next_item: 0,
            commands: HashMap::new(),
            patches: HashMap::new(),
            mcp_calls: HashMap::new(),
            todo_list: None,
            usage: Usage::default(),
        }
    }

    fn next_item_id(&mut self) -> String {
        let id = format!("item_{}", self.next_item);
        self.next_item += 1;
        id
    }

    fn completed_item(&mut self, details: ThreadItemDetails) -> Vec<ThreadEvent> {
        item_completed(self.next_item_id(), details)
    }

    fn translate(&mut self, msg: &EventMsg) -> Vec<ThreadEvent> {
        match msg {
            EventMsg::SessionConfigured(session) => vec![ThreadEvent::ThreadStarted {
                thread_id: session.thread_id.clone(),
            }],
            EventMsg::TurnStarted { .. } => vec![ThreadEvent::TurnStarted],
            EventMsg::AgentReasoning { summary, .. } => {
                if self.settings.hide_agent_reasoning {
                    Vec::new()
                } else {
                    self.completed_item(ThreadItemDetails::Reasoning {
                        text: summary.join("\n"),
                    })
                }
            }
            EventMsg::AgentMessage { text, .. } => {
                self.completed_item(ThreadItemDetails::AgentMessage { text: text.clone() })
            }
            EventMsg::ExecCommandBegin {
                call_id, command, ..
            } => {
                let id = self.next_item_id();
                let command = quote_command(command);
                self.commands
                    .insert(call_id.clone(), (id.clone(), command.clone()));
                let details = ThreadItemDetails::CommandExecution {
                    command,
                    aggregated_output: String::new(),
                    exit_code: None,
                    status: CommandExecutionStatus::InProgress,
                };
                item_started(id, details)
            }
            EventMsg::ExecCommandEnd {
                call_id,
                exit_code,
                aggregated_output,
                ..
            } => {
                // Core always begins a command before ending it; an unknown call id has no
                // started item to complete.
                let Some((id, command)) = self.commands.remove(call_id) else {
                    return Vec::new();
                };
                let status = if *exit_code == 0 {
                    CommandExecutionStatus::Completed
                } else {
                    CommandExecutionStatus::Failed
                };
                let details = ThreadItemDetails::CommandExecution {
                    command,
                    aggregated_output: aggregated_output.clone(),
                    exit_code: Some(*exit_code),
                    status,
                };
                item_completed(id, details)
            }
            EventMsg::PatchApplyBegin { call_id, changes } => {
                let id = self.next_item_id();
                self.patches.insert(call_id.clone(), id.clone());
                let details = ThreadItemDetails::FileChange {
                    changes: file_updates(changes),
                    status: PatchApplyStatus::InProgress,
                };
                item_started(id, details)
            }
            EventMsg::PatchApplyEnd {
                call_id,
                success,
                changes,
            } => {
                let Some(id) = self.patches.remove(call_id) else {
                    return Vec::new();
                };
                let status = if *success {
                    PatchApplyStatus::Completed
                } else {
                    PatchApplyStatus::Failed
                };
                let details = ThreadItemDetails::FileChange {
                    changes: file_updates(changes),
                    status,
                };
                item_completed(id, details)
            }
            EventMsg::PlanUpdate { plan, .. } => {
                let items = todo_items(plan);
                match &mut self.todo_list {
                    Some((id, current)) => {
                        current.clone_from(&items);
                        let item = ThreadItem {
                            id: id.clone(),
                            details: ThreadItemDetails::TodoList { items },
                        };
                        vec![ThreadEvent::ItemUpdated { item }]
                    }
                    None => {
                        let id = self.next_item_id();
                        self.todo_list = Some((id.clone(), items.clone()));
                        let item = ThreadItem {
                            id,
                            details: ThreadItemDetails::TodoList { items },
                        };
                        vec![ThreadEvent::ItemStarted { item }]
                    }
                }
            }
            EventMsg::WebSearch { query, .. } => {
                let item = ThreadItem {
                    id: self.next_item_id(),
                    details: ThreadItemDetails::WebSearch {
                        query: query.clone(),
                        action: WebSearchAction::Search {
                            query: query.clone(),
                        },
                    },
                };
                vec![
                    ThreadEvent::ItemStarted { item: item.clone() },
                    ThreadEvent::ItemCompleted { item },
                ]
            }
            EventMsg::McpToolCallBegin {
                call_id,
                invocation,
            } => {
                let id = self.next_item_id();
                self.mcp_calls.insert(call_id.clone(), id.clone());
                let details = mcp_tool_call(invocation, None, None, McpToolCallStatus::InProgress);
                item_started(id, details)
            }
            EventMsg::McpToolCallEnd {
                call_id,
                invocation,
                result,
                ..
            } => {
                let Some(id) = self.mcp_calls.remove(call_id) else {
                    return Vec::new();
                };
                let details = match result {
                    Ok(result) => {
                        // An `isError` result is still the server's answer: kept, but failed.
                        let status = if result.is_error == Some(true) {
                            McpToolCallStatus::Failed
                        } else {
                            McpToolCallStatus::Completed
                        };
                        mcp_tool_call(invocation, Some(mcp_result(result)), None, status)
                    }
                    Err(message) => mcp_tool_call(
                        invocation,
                        None,
                        Some(McpToolCallItemError {
                            message: message.clone(),
                        }),
                        McpToolCallStatus::Failed,
                    ),
                };
                item_completed(id, details)
            }
            EventMsg::StreamError {
                message,
                attempt,
                max_attempts,
                ..
            } => vec![ThreadEvent::Error {
                message: format!("Reconnecting... {attempt}/{max_attempts} ({message})"),
            }],
            EventMsg::Warning { message } => self.completed_item(ThreadItemDetails::Error {
                message: message.clone(),
            }),
            EventMsg::TokenCount { total, .. } => {
                self.usage = usage(total);
                Vec::new()
            }
            EventMsg::TurnComplete { .. } => {
                let mut events = self.finish_todo_list();
                events.push(ThreadEvent::TurnCompleted { usage: self.usage });
                events
            }
            EventMsg::TurnFailed { message, .. } => self.fail_turn(message),
            // An interrupted turn has no other terminal line; consumers (the SDK) treat
            // `turn.failed` as the end of a run that did not complete.
            EventMsg::TurnAborted { .. } => self.fail_turn("turn interrupted"),
            // Streaming deltas: items are emitted whole when they complete. Raw reasoning,
            // compaction and MCP start-up are not items (exec.md §5); exec never lists MCP tools.
            EventMsg::AgentReasoningRawContent { .. }
            | EventMsg::AgentReasoningDelta { .. }
            | EventMsg::AgentMessageDelta { .. }
            | EventMsg::AgentMessageStarted { .. }
            | EventMsg::AgentReasoningStarted { .. }
            | EventMsg::ReasoningSummaryPartAdded { .. }
            | EventMsg::ExecCommandOutputDelta { .. }
            | EventMsg::ContextCompacted
            | EventMsg::ThreadRolledBack { .. }
            | EventMsg::UserMessage { .. }
            | EventMsg::ExecApprovalRequest { .. }
            | EventMsg::ApplyPatchApprovalRequest { .. }
            | EventMsg::McpStartupUpdate { .. }
            | EventMsg::McpStartupComplete(_)
            | EventMsg::McpListToolsResponse { .. }
            | EventMsg::ShutdownComplete => Vec::new(),
        }
    }

    fn fail_turn(&mut self, message: &str) -> Vec<ThreadEvent> {
        let mut events = self.finish_todo_list();
        events.push(ThreadEvent::Error {
            message: message.to_string(),
        });
        events.push(ThreadEvent::TurnFailed {
            error: ThreadError {
                message: message.to_string(),
            },
        });
        events
    }

    fn finish_todo_list(&mut self) -> Vec<ThreadEvent> {
        match self.todo_list.take() {
            Some((id, items)) => vec![ThreadEvent::ItemCompleted {
                item: ThreadItem {
                    id,
                    details: ThreadItemDetails::TodoList { items },
                },
            }],
            None => Vec::new(),
        }
    }

    fn write_lines(&mut self, events: &[ThreadEvent]) -> std::io::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::new();
        for event in events {
            serde_json::to_writer(&mut buf, event)?;
            buf.push(b'\n');
        }
        self.stdout.write_all(&buf)?;
        self.stdout.flush()
    }
}

impl EventProcessor for JsonlOutput {
    fn process_event(&mut self, msg: &EventMsg) -> CodexStatus {
        let events = self.translate(msg);
        // Best effort, see `EventProcessor`.
        let _ = self.write_lines(&events);
        CodexStatus::after(msg)
    }
}

fn item_started(id: String, details: ThreadItemDetails) -> Vec<ThreadEvent> {
    vec![ThreadEvent::ItemStarted {
        item: ThreadItem { id, details },
    }]
}

fn item_completed(id: String, details: ThreadItemDetails) -> Vec<ThreadEvent> {
    vec![ThreadEvent::ItemCompleted {
        item: ThreadItem { id, details },
    }]
}

fn usage(total: &TokenUsage) -> Usage {
    Usage {
        input_tokens: total.input_tokens,
        cached_input_tokens: total.cached_input_tokens,
        cache_write_input_tokens: total.cache_write_input_tokens,
        output_tokens: total.output_tokens,
        reasoning_output_tokens: total.reasoning_output_tokens,
    }
}

fn file_updates(changes: &[FileChange]) -> Vec<FileUpdateChange> {
    changes
        .iter()
        .map(|change| FileUpdateChange {
            path: change.path.to_string_lossy().into_owned(),
            kind: match change.kind {
                FileChangeKind::Add => PatchChangeKind::Add,
                FileChangeKind::Delete => PatchChangeKind::Delete,
                FileChangeKind::Update => PatchChangeKind::Update,
            },
        })
        .collect()
}

fn mcp_tool_call(
    invocation: &McpInvocation,
    result: Option<McpToolCallItemResult>,
    error: Option<McpToolCallItemError>,
    status: McpToolCallStatus,
) -> ThreadItemDetails {
    ThreadItemDetails::McpToolCall {
        server: invocation.server.clone(),
        tool: invocation.tool.clone(),
        arguments: invocation
            .arguments
            .clone()
            .unwrap_or(serde_json::Value::Null),
        result,
        error,
        status,
    }
}

fn mcp_result(result: &McpToolCallResult) -> McpToolCallItemResult {
    McpToolCallItemResult {
        content: result.content.clone(),
        structured_content: result.structured_content.clone(),
    }
}

fn todo_items(plan: &[PlanItem]) -> Vec<TodoItem> {
    plan.iter()
        .map(|item| TodoItem {
            text: item.step.clone(),
            completed: match item.status {
                PlanStatus::Completed => true,
                PlanStatus::Pending | PlanStatus::InProgress => false,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;
