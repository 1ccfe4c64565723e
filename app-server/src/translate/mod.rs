//! Core events of one thread → v2 notifications and server requests, in the original's order:
//! `turn/started` after the `turn/start` response, items started before their deltas and
//! completed once, approvals as server requests followed by `serverRequest/resolved`, and
//! exactly one `turn/completed` per turn.

mod mcp;

use std::collections::HashMap;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use codex_app_server_protocol as wire;
use codex_app_server_protocol::ServerNotification as N;
use codex_core::ids;
use codex_core::protocol::ErrorKind;
use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::Op;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::TokenUsage;
use codex_core::shell_quote::quote_command;

use crate::outgoing::ClientReply;
use crate::outgoing::Outgoing;
use crate::thread::ActiveTurn;
use crate::thread::ThreadHandle;
use crate::thread::TurnKind;
use crate::thread::agent_message;
use crate::thread::in_progress_turn;
use crate::thread::wire_input;
use mcp::McpCallState;

/// What the translator remembers about the running turn.
struct TurnTracking {
    id: String,
    kind: TurnKind,
    started_at: i64,
    started_at_ms: i64,
    /// Items started in this turn, with their start time (unix ms).
    started_items: HashMap<String, i64>,
    completed_items: HashSet<String>,
    final_message: Option<(String, String)>,
    /// Unified diffs of the files applied in this turn, in order.
    diffs: Vec<String>,
    /// Commands seen in this turn by call id: argv and cwd, for their completed items.
    commands: Vec<(String, (Vec<String>, PathBuf))>,
}

pub struct Translator {
    thread: ThreadHandle,
    thread_id: String,
    outgoing: Arc<Outgoing>,
    turn: Option<TurnTracking>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Translator {
    pub fn new(thread: ThreadHandle, outgoing: Arc<Outgoing>) -> Self {
        let thread_id = thread.state().info.id.clone();
        Translator {
            thread,
            thread_id,
            outgoing,
            turn: None,
        }
    }

    fn turn_id(&self) -> String {
        self.turn
            .as_ref()
            .map(|turn| turn.id.clone())
            .unwrap_or_default()
    }

    async fn set_status(&self, status: wire::ThreadStatus) {
        set_status(&self.thread, &self.outgoing, &self.thread_id, status).await;
    }

    async fn item_started(&mut self, payload: wire::ThreadItemPayload) {
        let id = item_id(&payload);
        let Some(turn) = self.turn.as_mut() else {
            return;
        };
        if turn.started_items.contains_key(&id) {
            return;
        }
        let started_at_ms = now_ms();
        turn.started_items.insert(id, started_at_ms);
        let notification = N::ItemStarted(wire::ItemStartedNotification {
            item: wire::ThreadItem {
                payload,
                started_at_ms: Some(started_at_ms),
                completed_at_ms: None,
            },
            thread_id: self.thread_id.clone(),
            turn_id: turn.id.clone(),
            started_at_ms,
        });
        self.outgoing.notify(notification).await;
    }

    /// Completes an item (starting it first if nobody did); later completions are dropped.
    async fn item_completed(
        &mut self,
        started: wire::ThreadItemPayload,
        done: wire::ThreadItemPayload,
    ) {
        self.item_started(started).await;
        let id = item_id(&done);
        let Some(turn) = self.turn.as_mut() else {
            return;
        };
        let started_at_ms = turn.started_items.get(&id).copied();
        if !turn.completed_items.insert(id) {
            return;
        }
        let completed_at_ms = now_ms();
        let notification = N::ItemCompleted(wire::ItemCompletedNotification {
            item: wire::ThreadItem {
                payload: done,
                started_at_ms,
                completed_at_ms: Some(completed_at_ms),
            },
            thread_id: self.thread_id.clone(),
            turn_id: turn.id.clone(),
            content_token_count: None,
            completed_at_ms,
        });
        self.outgoing.notify(notification).await;
    }

    /// Handles one core event; `false` once the session has shut down.
    pub async fn handle(&mut self, msg: EventMsg) -> bool {
        match msg {
            // This server submits no rollback op, so no thread of it is ever rolled back, and
            // no `ListMcpTools` op; the start-up summary repeats the per-server updates.
            EventMsg::SessionConfigured(_)
            | EventMsg::AgentReasoningRawContent { .. }
            | EventMsg::WebSearch { .. }
            | EventMsg::ThreadRolledBack { .. }
            | EventMsg::McpStartupComplete(_)
            | EventMsg::McpListToolsResponse { .. } => {}
            EventMsg::ShutdownComplete => return false,
            EventMsg::TurnStarted { turn_id } => self.turn_started(turn_id).await,
            EventMsg::UserMessage { id, items } => {
                let text: String = items
                    .iter()
                    .filter_map(|item| match item {
                        codex_core::protocol::UserInput::Text { text } => Some(text.as_str()),
                        codex_core::protocol::UserInput::LocalImage { .. } => None,
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                {
                    let mut state = self.thread.state();
                    if state.info.preview.is_empty() {
                        state.info.preview = text;
                    }
                    state.info.updated_at = chrono::Utc::now().timestamp();
                }
                // The wire id is the bare UUIDv7 of our `msg_<uuid>` item id.
                let payload = wire::ThreadItemPayload::UserMessage {
                    id: id.strip_prefix("msg_").unwrap_or(&id).to_string(),
                    client_id: None,
                    content: wire_input(&items),
                };
                self.item_completed(payload.clone(), payload).await;
            }
            EventMsg::AgentReasoningStarted { item_id } => {
                self.item_started(reasoning(&item_id, Vec::new())).await;
            }
            EventMsg::ReasoningSummaryPartAdded {
                item_id,
                summary_index,
            } => {
                let notification =
                    N::ReasoningSummaryPartAdded(wire::ReasoningSummaryPartAddedNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id(),
                        item_id,
                        summary_index: summary_index as i64,
                    });
                self.outgoing.notify(notification).await;
            }
            EventMsg::AgentReasoningDelta {
                item_id,
                summary_index,
                delta,
            } => {
                let notification =
                    N::ReasoningSummaryTextDelta(wire::ReasoningSummaryTextDeltaNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id(),
                        item_id,
                        delta,
                        summary_index: summary_index as i64,
                    });
                self.outgoing.notify(notification).await;
            }
            EventMsg::AgentReasoning { item_id, summary } => {
                self.item_completed(
                    reasoning(&item_id, Vec::new()),
                    reasoning(&item_id, summary),
                )
                .await;
            }
            EventMsg::AgentMessageStarted { item_id } => {
                self.item_started(agent_message(&item_id, "")).await;
            }
            EventMsg::AgentMessageDelta { item_id, delta } => {
                let notification = N::AgentMessageDelta(wire::AgentMessageDeltaNotification {
                    thread_id: self.thread_id.clone(),
                    turn_id: self.turn_id(),
                    item_id,
                    delta,
                });
                self.outgoing.notify(notification).await;
            }
            EventMsg::AgentMessage { item_id, text, .. } => {
                if let Some(turn) = self.turn.as_mut() {
                    turn.final_message = Some((item_id.clone(), text.clone()));
                }
                self.item_completed(agent_message(&item_id, ""), agent_message(&item_id, &text))
                    .await;
            }
            EventMsg::ExecCommandBegin {
                call_id,
                command,
                cwd,
                source,
            } => {
                self.remember_command(&call_id, &command, &cwd);
                let started = command_item(&call_id, &command, cwd, source, CommandEnd::Running);
                self.item_started(started).await;
            }
            EventMsg::ExecCommandOutputDelta { call_id, chunk } => {
                let notification =
                    N::CommandExecutionOutputDelta(wire::CommandExecutionOutputDeltaNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id(),
                        item_id: call_id,
                        delta: String::from_utf8_lossy(&chunk).into_owned(),
                    });
                self.outgoing.notify(notification).await;
            }
            EventMsg::ExecCommandEnd {
                call_id,
                exit_code,
                aggregated_output,
                duration,
                source,
            } => {
                let (command, cwd) = self
                    .turn
                    .as_ref()
                    .and_then(|turn| turn.commands.iter().find(|(id, _)| *id == call_id))
                    .map(|(_, started)| started.clone())
                    .unwrap_or_else(|| (Vec::new(), self.thread.state().info.cwd.clone()));
                let end = CommandEnd::Exited {
                    exit_code,
                    output: aggregated_output,
                    duration_ms: duration.as_millis() as i64,
                };
                let done = command_item(&call_id, &command, cwd, source, end);
                self.item_completed(done.clone(), done).await;
            }
            EventMsg::ExecApprovalRequest {
                call_id,
                command,
                cwd,
                reason,
                proposed_prefix_rule,
            } => {
                self.exec_approval(call_id, command, cwd, reason, proposed_prefix_rule)
                    .await;
            }
            EventMsg::ApplyPatchApprovalRequest {
                call_id,
                changes,
                reason,
            } => self.patch_approval(call_id, changes, reason).await,
            EventMsg::PatchApplyBegin { call_id, changes } => {
                self.item_started(file_change_item(
                    &call_id,
                    &changes,
                    wire::PatchApplyStatus::InProgress,
                ))
                .await;
            }
            EventMsg::PatchApplyEnd {
                call_id,
                success,
                changes,
            } => {
                let status = if success {
                    wire::PatchApplyStatus::Completed
                } else {
                    wire::PatchApplyStatus::Failed
                };
                self.item_completed(
                    file_change_item(&call_id, &changes, wire::PatchApplyStatus::InProgress),
                    file_change_item(&call_id, &changes, status),
                )
                .await;
                if success {
                    self.diff_updated(&changes).await;
                }
            }
            EventMsg::PlanUpdate { explanation, plan } => {
                let notification = N::TurnPlanUpdated(wire::TurnPlanUpdatedNotification {
                    thread_id: self.thread_id.clone(),
                    turn_id: self.turn_id(),
                    explanation,
                    plan: plan
                        .into_iter()
                        .map(|item| wire::TurnPlanStep {
                            step: item.step,
                            status: match item.status {
                                PlanStatus::Pending => wire::TurnPlanStepStatus::Pending,
                                PlanStatus::InProgress => wire::TurnPlanStepStatus::InProgress,
                                PlanStatus::Completed => wire::TurnPlanStepStatus::Completed,
                            },
                        })
                        .collect(),
                });
                self.outgoing.notify(notification).await;
            }
            EventMsg::McpStartupUpdate { server, status } => {
                let params = mcp::startup_status(&self.thread_id, server, status);
                self.outgoing
                    .notify(N::McpServerStatusUpdated(params))
                    .await;
            }
            EventMsg::McpToolCallBegin {
                call_id,
                invocation,
            } => {
                self.item_started(mcp::tool_call_item(
                    &call_id,
                    &invocation,
                    McpCallState::Running,
                ))
                .await;
            }
            EventMsg::McpToolCallEnd {
                call_id,
                invocation,
                duration,
                result,
            } => {
                let finished = McpCallState::Finished {
                    duration,
                    result: &result,
                };
                self.item_completed(
                    mcp::tool_call_item(&call_id, &invocation, McpCallState::Running),
                    mcp::tool_call_item(&call_id, &invocation, finished),
                )
                .await;
            }
            EventMsg::StreamError { message, kind, .. } => {
                let notification = N::Error(wire::ErrorNotification {
                    error: turn_error(message, kind),
                    will_retry: true,
                    thread_id: self.thread_id.clone(),
                    turn_id: self.turn_id(),
                });
                self.outgoing.notify(notification).await;
            }
            EventMsg::Warning { message } => {
                let notification = N::Warning(wire::WarningNotification {
                    thread_id: Some(self.thread_id.clone()),
                    message,
                });
                self.outgoing.notify(notification).await;
            }
            EventMsg::TokenCount {
                total,
                last,
                model_context_window,
            } => {
                let notification =
                    N::ThreadTokenUsageUpdated(wire::ThreadTokenUsageUpdatedNotification {
                        thread_id: self.thread_id.clone(),
                        turn_id: self.turn_id(),
                        token_usage: token_usage(&total, &last, model_context_window),
                    });
                self.outgoing.notify(notification).await;
            }
            EventMsg::ContextCompacted => {
                let payload = wire::ThreadItemPayload::ContextCompaction { id: ids::new_v7() };
                self.item_completed(payload.clone(), payload).await;
            }
            EventMsg::TurnComplete { .. } => {
                self.finish_turn(wire::TurnStatus::Completed, None).await;
            }
            EventMsg::TurnFailed { message, kind, .. } => {
                let error = turn_error(message, kind);
                self.set_status(wire::ThreadStatus::SystemError).await;
                let notification = N::Error(wire::ErrorNotification {
                    error: error.clone(),
                    will_retry: false,
                    thread_id: self.thread_id.clone(),
                    turn_id: self.turn_id(),
                });
                self.outgoing.notify(notification).await;
                self.finish_turn(wire::TurnStatus::Failed, Some(error))
                    .await;
            }
            EventMsg::TurnAborted { .. } => {
                self.finish_turn(wire::TurnStatus::Interrupted, None).await;
            }
        }
        true
    }

    async fn turn_started(&mut self, turn_id: String) {
        let kind = {
            let mut state = self.thread.state();
            let kind = match &state.active_turn {
                Some(active) if active.id == turn_id => active.kind,
                Some(active) => active.kind,
                None => TurnKind::Regular,
            };
            state.active_turn = Some(ActiveTurn {
                id: turn_id.clone(),
                kind,
            });
            kind
        };
        let started_at_ms = now_ms();
        self.turn = Some(TurnTracking {
            id: turn_id.clone(),
            kind,
            started_at: started_at_ms / 1000,
            started_at_ms,
            started_items: HashMap::new(),
            completed_items: HashSet::new(),
            final_message: None,
            diffs: Vec::new(),
            commands: Vec::new(),
        });
        self.set_status(wire::ThreadStatus::Active {
            active_flags: Vec::new(),
        })
        .await;
        let notification = N::TurnStarted(wire::TurnStartedNotification {
            thread_id: self.thread_id.clone(),
            turn: in_progress_turn(&turn_id, Some(started_at_ms / 1000)),
        });
        self.outgoing.notify(notification).await;
    }

    async fn finish_turn(&mut self, status: wire::TurnStatus, error: Option<wire::TurnError>) {
        // Approvals still waiting are discarded with their turn.
        let pending = std::mem::take(&mut self.thread.state().pending_requests);
        for request_id in pending {
            self.outgoing.forget(request_id);
            self.request_resolved(request_id).await;
        }
        let Some(turn) = self.turn.take() else {
            return;
        };
        {
            let mut state = self.thread.state();
            state.active_turn = None;
            state.info.updated_at = chrono::Utc::now().timestamp();
        }
        if status != wire::TurnStatus::Failed {
            self.set_status(wire::ThreadStatus::Idle).await;
        }
        let completed_ms = now_ms();
        let (items, items_view) = match (status, turn.kind, &turn.final_message) {
            (wire::TurnStatus::Completed, TurnKind::Regular, Some((id, text))) => (
                vec![wire::ThreadItem {
                    payload: agent_message(id, text),
                    started_at_ms: None,
                    completed_at_ms: None,
                }],
                wire::TurnItemsView::Summary,
            ),
            (wire::TurnStatus::Completed, TurnKind::Regular, None) => {
                (Vec::new(), wire::TurnItemsView::Summary)
            }
            _ => (Vec::new(), wire::TurnItemsView::NotLoaded),
        };
        let notification = N::TurnCompleted(wire::TurnCompletedNotification {
            thread_id: self.thread_id.clone(),
            turn: wire::Turn {
                id: turn.id.clone(),
                root_turn_id: Some(turn.id),
                items,
                items_view,
                status,
                error,
                started_at: Some(turn.started_at),
                completed_at: Some(completed_ms / 1000),
                duration_ms: Some(completed_ms - turn.started_at_ms),
            },
        });
        self.outgoing.notify(notification).await;
    }

    async fn request_resolved(&self, request_id: i64) {
        request_resolved(&self.outgoing, &self.thread_id, request_id).await;
    }

    fn remember_command(&mut self, call_id: &str, command: &[String], cwd: &std::path::Path) {
        if let Some(turn) = self.turn.as_mut() {
            turn.commands
                .push((call_id.to_string(), (command.to_vec(), cwd.to_path_buf())));
        }
    }

    async fn diff_updated(&mut self, changes: &[FileChange]) {
        let Some(turn) = self.turn.as_mut() else {
            return;
        };
        turn.diffs
            .extend(changes.iter().map(|change| change.unified_diff.clone()));
        let notification = N::TurnDiffUpdated(wire::TurnDiffUpdatedNotification {
            thread_id: self.thread_id.clone(),
            turn_id: turn.id.clone(),
            diff: turn.diffs.concat(),
        });
        self.outgoing.notify(notification).await;
    }

    async fn exec_approval(
        &mut self,
        call_id: String,
        command: Vec<String>,
        cwd: PathBuf,
        reason: Option<String>,
        proposed_prefix_rule: Option<Vec<String>>,
    ) {
        self.remember_command(&call_id, &command, &cwd);
        let started = command_item(
            &call_id,
            &command,
            cwd.clone(),
            ExecCommandSource::Agent,
            CommandEnd::Running,
        );
        self.set_status(wire::ThreadStatus::Active {
            active_flags: vec![wire::ThreadActiveFlag::WaitingOnApproval],
        })
        .await;
        self.item_started(started).await;
        let quoted = quote_command(&command);
        let request = wire::ServerRequest::CommandExecutionRequestApproval(
            wire::CommandExecutionRequestApprovalParams {
                kind: wire::CommandExecutionApprovalKind::Command,
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id(),
                item_id: call_id.clone(),
                started_at_ms: now_ms(),
                approval_id: None,
                environment_id: Some("local".to_string()),
                reason,
                network_approval_context: None,
                command: Some(quoted.clone()),
                cwd: Some(cwd.clone()),
                command_actions: Some(vec![wire::CommandAction::Unknown {
                    command: command.last().cloned().unwrap_or(quoted),
                }]),
                proposed_execpolicy_amendment: proposed_prefix_rule,
                proposed_network_policy_amendments: None,
            },
        );
        let declined = command_item(
            &call_id,
            &command,
            cwd,
            ExecCommandSource::Agent,
            CommandEnd::Declined,
        );
        self.ask(request, declined, move |result| {
            let decision = decode_decision(
                result,
                |response: wire::CommandExecutionRequestApprovalResponse| {
                    exec_decision(&response.decision)
                },
            );
            (
                decision.clone(),
                Op::ExecApproval {
                    id: call_id,
                    decision,
                },
            )
        })
        .await;
    }

    async fn patch_approval(
        &mut self,
        call_id: String,
        changes: Vec<FileChange>,
        reason: Option<String>,
    ) {
        let started = file_change_item(&call_id, &changes, wire::PatchApplyStatus::InProgress);
        self.item_started(started).await;
        self.set_status(wire::ThreadStatus::Active {
            active_flags: vec![wire::ThreadActiveFlag::WaitingOnApproval],
        })
        .await;
        let request =
            wire::ServerRequest::FileChangeRequestApproval(wire::FileChangeRequestApprovalParams {
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id(),
                item_id: call_id.clone(),
                started_at_ms: now_ms(),
                reason,
                grant_root: None,
            });
        let declined = file_change_item(&call_id, &changes, wire::PatchApplyStatus::Declined);
        self.ask(request, declined, move |result| {
            let decision = decode_decision(
                result,
                |response: wire::FileChangeRequestApprovalResponse| {
                    patch_decision(response.decision)
                },
            );
            (
                decision.clone(),
                Op::PatchApproval {
                    id: call_id,
                    decision,
                },
            )
        })
        .await;
    }

    /// Sends an approval request and, in the background, routes the client's answer to core:
    /// `answer` turns the reply (`None` when there is none) into the decision and its op.
    async fn ask(
        &mut self,
        request: wire::ServerRequest,
        declined: wire::ThreadItemPayload,
        answer: impl FnOnce(Option<ClientReply>) -> (ReviewDecision, Op) + Send + 'static,
    ) {
        let (request_id, reply) = self.outgoing.request(request).await;
        self.thread.state().pending_requests.push(request_id);
        let waiter = ApprovalWaiter {
            thread: self.thread.clone(),
            outgoing: Arc::clone(&self.outgoing),
            thread_id: self.thread_id.clone(),
            turn_id: self.turn_id(),
            request_id,
        };
        tokio::spawn(async move {
            let (decision, op) = answer(reply.await.ok());
            waiter.finish(decision, declined, op).await;
        });
    }
}

/// The decision in a client's reply. An error reply, an undecodable result, a closed
/// connection or a discarded request all decline.
fn decode_decision<R: serde::de::DeserializeOwned>(
    reply: Option<ClientReply>,
    decision: impl FnOnce(R) -> ReviewDecision,
) -> ReviewDecision {
    match reply {
        Some(ClientReply::Result(result)) => serde_json::from_value::<R>(result)
            .map(decision)
            .unwrap_or(ReviewDecision::Denied),
        Some(ClientReply::Error(_)) | None => ReviewDecision::Denied,
    }
}

/// The tail of an approval: once the client answered (or the request was dropped).
struct ApprovalWaiter {
    thread: ThreadHandle,
    outgoing: Arc<Outgoing>,
    thread_id: String,
    turn_id: String,
    request_id: i64,
}

impl ApprovalWaiter {
    async fn finish(self, decision: ReviewDecision, declined: wire::ThreadItemPayload, op: Op) {
        let still_pending = {
            let mut state = self.thread.state();
            let before = state.pending_requests.len();
            state.pending_requests.retain(|id| *id != self.request_id);
            before != state.pending_requests.len()
        };
        // Discarded with its turn: the turn's end already reported it.
        if !still_pending {
            return;
        }
        request_resolved(&self.outgoing, &self.thread_id, self.request_id).await;
        set_status(
            &self.thread,
            &self.outgoing,
            &self.thread_id,
            wire::ThreadStatus::Active {
                active_flags: Vec::new(),
            },
        )
        .await;
        if matches!(decision, ReviewDecision::Denied | ReviewDecision::Abort) {
            let completed_at_ms = now_ms();
            let notification = N::ItemCompleted(wire::ItemCompletedNotification {
                item: wire::ThreadItem {
                    payload: declined,
                    started_at_ms: None,
                    completed_at_ms: Some(completed_at_ms),
                },
                thread_id: self.thread_id.clone(),
                turn_id: self.turn_id.clone(),
                content_token_count: None,
                completed_at_ms,
            });
            self.outgoing.notify(notification).await;
        }
        self.thread.submit(op);
    }
}

async fn set_status(
    thread: &ThreadHandle,
    outgoing: &Outgoing,
    thread_id: &str,
    status: wire::ThreadStatus,
) {
    let changed = {
        let mut state = thread.state();
        let changed = state.status != status;
        state.status = status.clone();
        changed
    };
    if changed {
        let notification = N::ThreadStatusChanged(wire::ThreadStatusChangedNotification {
            thread_id: thread_id.to_string(),
            status,
        });
        outgoing.notify(notification).await;
    }
}

async fn request_resolved(outgoing: &Outgoing, thread_id: &str, request_id: i64) {
    let notification = N::ServerRequestResolved(wire::ServerRequestResolvedNotification {
        thread_id: thread_id.to_string(),
        request_id: wire::RequestId::Integer(request_id),
    });
    outgoing.notify(notification).await;
}

fn exec_decision(decision: &wire::CommandExecutionApprovalDecision) -> ReviewDecision {
    match decision {
        // There is no network policy to amend: the command is approved once.
        wire::CommandExecutionApprovalDecision::Accept
        | wire::CommandExecutionApprovalDecision::ApplyNetworkPolicyAmendment { .. } => {
            ReviewDecision::Approved
        }
        wire::CommandExecutionApprovalDecision::AcceptWithExecpolicyAmendment {
            execpolicy_amendment,
        } => ReviewDecision::ApprovedExecpolicyAmendment {
            prefix: execpolicy_amendment.clone(),
        },
        wire::CommandExecutionApprovalDecision::AcceptForSession => {
            ReviewDecision::ApprovedForSession
        }
        wire::CommandExecutionApprovalDecision::Decline => ReviewDecision::Denied,
        wire::CommandExecutionApprovalDecision::Cancel => ReviewDecision::Abort,
    }
}

fn patch_decision(decision: wire::FileChangeApprovalDecision) -> ReviewDecision {
    match decision {
        wire::FileChangeApprovalDecision::Accept => ReviewDecision::Approved,
        wire::FileChangeApprovalDecision::AcceptForSession => ReviewDecision::ApprovedForSession,
        wire::FileChangeApprovalDecision::Decline => ReviewDecision::Denied,
        wire::FileChangeApprovalDecision::Cancel => ReviewDecision::Abort,
    }
}

fn item_id(payload: &wire::ThreadItemPayload) -> String {
    match payload {
        wire::ThreadItemPayload::UserMessage { id, .. }
        | wire::ThreadItemPayload::AgentMessage { id, .. }
        | wire::ThreadItemPayload::Plan { id, .. }
        | wire::ThreadItemPayload::Reasoning { id, .. }
        | wire::ThreadItemPayload::CommandExecution { id, .. }
        | wire::ThreadItemPayload::FileChange { id, .. }
        | wire::ThreadItemPayload::McpToolCall { id, .. }
        | wire::ThreadItemPayload::ContextCompaction { id } => id.clone(),
    }
}

fn reasoning(id: &str, summary: Vec<String>) -> wire::ThreadItemPayload {
    wire::ThreadItemPayload::Reasoning {
        id: id.to_string(),
        summary,
        content: Vec::new(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CommandEnd {
    Running,
    Declined,
    Exited {
        exit_code: i32,
        output: String,
        duration_ms: i64,
    },
}

fn command_item(
    call_id: &str,
    command: &[String],
    cwd: PathBuf,
    source: ExecCommandSource,
    end: CommandEnd,
) -> wire::ThreadItemPayload {
    let quoted = quote_command(command);
    wire::ThreadItemPayload::CommandExecution {
        id: call_id.to_string(),
        plugin_id: None,
        script_path: None,
        command: quoted.clone(),
        cwd,
        process_id: None,
        source: match source {
            ExecCommandSource::Agent => wire::CommandExecutionSource::Agent,
            ExecCommandSource::UserShell => wire::CommandExecutionSource::UserShell,
        },
        status: match &end {
            CommandEnd::Running => wire::CommandExecutionStatus::InProgress,
            CommandEnd::Declined => wire::CommandExecutionStatus::Declined,
            CommandEnd::Exited { exit_code: 0, .. } => wire::CommandExecutionStatus::Completed,
            CommandEnd::Exited { .. } => wire::CommandExecutionStatus::Failed,
        },
        command_actions: vec![wire::CommandAction::Unknown {
            command: command.last().cloned().unwrap_or(quoted),
        }],
        aggregated_output: match &end {
            CommandEnd::Exited { output, .. } => Some(output.clone()),
            CommandEnd::Running | CommandEnd::Declined => None,
        },
        exit_code: match &end {
            CommandEnd::Exited { exit_code, .. } => Some(*exit_code),
            CommandEnd::Running | CommandEnd::Declined => None,
        },
        duration_ms: match &end {
            CommandEnd::Exited { duration_ms, .. } => Some(*duration_ms),
            CommandEnd::Running | CommandEnd::Declined => None,
        },
    }
}

fn file_change_item(
    call_id: &str,
    changes: &[FileChange],
    status: wire::PatchApplyStatus,
) -> wire::ThreadItemPayload {
    wire::ThreadItemPayload::FileChange {
        id: call_id.to_string(),
        changes: changes
            .iter()
            .map(|change| wire::FileUpdateChange {
                path: change.path.display().to_string(),
                kind: match change.kind {
                    FileChangeKind::Add => wire::PatchChangeKind::Add,
                    FileChangeKind::Delete => wire::PatchChangeKind::Delete,
                    FileChangeKind::Update => wire::PatchChangeKind::Update { move_path: None },
                },
                diff: change.unified_diff.clone(),
            })
            .collect(),
        status,
    }
}

fn breakdown(usage: &TokenUsage) -> wire::TokenUsageBreakdown {
    wire::TokenUsageBreakdown {
        total_tokens: usage.total_tokens as i64,
        input_tokens: usage.input_tokens as i64,
        cached_input_tokens: usage.cached_input_tokens as i64,
        cache_write_input_tokens: usage.cache_write_input_tokens as i64,
        output_tokens: usage.output_tokens as i64,
        reasoning_output_tokens: usage.reasoning_output_tokens as i64,
    }
}

pub fn token_usage(
    total: &TokenUsage,
    last: &TokenUsage,
    model_context_window: Option<u64>,
) -> wire::ThreadTokenUsage {
    wire::ThreadTokenUsage {
        total: breakdown(total),
        last: breakdown(last),
        model_context_window: model_context_window.map(|window| window as i64),
    }
}

fn turn_error(message: String, kind: ErrorKind) -> wire::TurnError {
    let info = match kind {
        ErrorKind::ContextWindowExceeded => wire::CodexErrorInfo::ContextWindowExceeded,
        ErrorKind::UsageLimitExceeded => wire::CodexErrorInfo::UsageLimitExceeded,
        ErrorKind::ServerOverloaded => wire::CodexErrorInfo::ServerOverloaded,
        ErrorKind::InternalServerError => wire::CodexErrorInfo::InternalServerError,
        ErrorKind::Unauthorized => wire::CodexErrorInfo::Unauthorized,
        ErrorKind::BadRequest => wire::CodexErrorInfo::BadRequest,
        ErrorKind::HttpConnectionFailed => wire::CodexErrorInfo::HttpConnectionFailed {
            http_status_code: None,
        },
        ErrorKind::ResponseStreamDisconnected => wire::CodexErrorInfo::ResponseStreamDisconnected {
            http_status_code: None,
        },
        ErrorKind::ResponseTooManyFailedAttempts { http_status } => {
            wire::CodexErrorInfo::ResponseTooManyFailedAttempts {
                http_status_code: Some(http_status),
            }
        }
        ErrorKind::Other => wire::CodexErrorInfo::Other,
    };
    wire::TurnError {
        message,
        codex_error_info: Some(info),
        additional_details: None,
        misalignment: None,
    }
}
