//! The turn loop: sample the model, run the tool calls it made, sample again, until a response
//! has no tool calls. Stream failures are retried here (the visible layer, with
//! `Reconnecting... n/max` events); fatal ones end the turn with `TurnFailed`.

use std::sync::Arc;

use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::Session;
use super::compact;
use super::context;
use super::request::CompactionTrigger;
use super::request::RequestKind;
use super::request::TurnIds;
use super::request::build_request;
use super::user_shell;
use crate::auth::RequestAuth;
use crate::auth::resolve_request_auth;
use crate::client::ApiError;
use crate::client::ErrorKind;
use crate::client::ResponseEvent;
use crate::client::backoff;
use crate::config::Config;
use crate::ids;
use crate::model_catalog::EffectiveModel;
use crate::protocol::EventMsg;
use crate::protocol::TurnAbortReason;
use crate::protocol::TurnOverrides;
use crate::protocol::UserInput;
use crate::protocol::models::FunctionCallOutput;
use crate::protocol::models::ReasoningContent;
use crate::protocol::models::ReasoningSummary;
use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;
use crate::tools;
use crate::tools::ToolCall;

pub(super) enum TurnWork {
    User(Vec<UserInput>, Box<TurnOverrides>),
    Compact,
    /// The user's `!cmd`: no model request.
    UserShell(String),
}

/// Why a turn stopped early.
pub(crate) enum TurnError {
    Fatal { message: String, kind: ErrorKind },
    Interrupted,
}

impl TurnError {
    fn other(message: impl Into<String>) -> Self {
        TurnError::Fatal {
            message: message.into(),
            kind: ErrorKind::Other,
        }
    }
}

/// Per-turn facts every step needs.
pub(crate) struct TurnContext {
    pub(crate) sub_id: String,
    pub(crate) ids: TurnIds,
    pub(crate) cancel: CancellationToken,
    pub(crate) auth: Option<RequestAuth>,
    /// The session's settings with this turn's overrides applied.
    pub(crate) config: Config,
    pub(crate) model: EffectiveModel,
    pub(crate) output_schema: Option<serde_json::Value>,
}

pub(super) async fn run_turn(
    sess: Arc<Session>,
    sub_id: String,
    work: TurnWork,
    cancel: CancellationToken,
) {
    let requested_id = match &work {
        TurnWork::User(_, overrides) => overrides.turn_id.clone(),
        TurnWork::Compact | TurnWork::UserShell(_) => None,
    };
    let ids = TurnIds {
        turn_id: requested_id.unwrap_or_else(ids::new_v7),
        started_at_unix_ms: chrono::Utc::now().timestamp_millis(),
    };
    let turn_id = ids.turn_id.clone();
    let overrides = match &work {
        TurnWork::User(_, overrides) => (**overrides).clone(),
        TurnWork::Compact | TurnWork::UserShell(_) => TurnOverrides::default(),
    };
    let (config, model) = sess.settings_for_turn(&overrides);
    sess.emit(
        &sub_id,
        EventMsg::TurnStarted {
            turn_id: turn_id.clone(),
        },
    );
    sess.record_event(json!({
        "type": "task_started",
        "turn_id": turn_id,
        "started_at": ids.started_at_unix_ms / 1000,
        "model_context_window": model.reported_context_window(),
    }));

    // What the notify hook reports; the user's own shell command is no agent turn.
    let notify_inputs: Option<Vec<String>> = match &work {
        TurnWork::User(items, _) => Some(
            items
                .iter()
                .filter_map(|item| match item {
                    UserInput::Text { text } => Some(text.clone()),
                    UserInput::LocalImage { .. } => None,
                })
                .collect(),
        ),
        TurnWork::Compact => Some(Vec::new()),
        TurnWork::UserShell(_) => None,
    };
    let auth = match &work {
        // Nothing is sent to the model, so missing credentials must not stop it.
        TurnWork::UserShell(_) => Ok(None),
        TurnWork::User(..) | TurnWork::Compact => resolve_request_auth(
            &sess.config.model_provider,
            &sess.config.env,
            &sess.config.codex_home,
        ),
    };
    let outcome = match auth {
        Err(err) => Err(TurnError::Fatal {
            message: err.to_string(),
            kind: ErrorKind::Unauthorized,
        }),
        Ok(auth) => {
            let turn = TurnContext {
                sub_id: sub_id.clone(),
                ids,
                cancel: cancel.clone(),
                auth,
                config,
                model,
                output_schema: overrides.output_schema,
            };
            tokio::select! {
                outcome = run_work(&sess, &turn, work) => outcome,
                _ = cancel.cancelled() => Err(TurnError::Interrupted),
            }
        }
    };

    sess.clear_pending_approvals();
    let msg = match outcome {
        Ok(last_agent_message) => {
            sess.record_event(json!({
                "type": "task_complete",
                "turn_id": turn_id,
                "last_agent_message": last_agent_message,
            }));
            if let Some(input_texts) = &notify_inputs {
                crate::notify::notify_turn_complete(
                    &sess.config,
                    &sess.thread_id,
                    &turn_id,
                    input_texts,
                    last_agent_message.as_deref(),
                );
            }
            EventMsg::TurnComplete {
                turn_id,
                last_agent_message,
            }
        }
        Err(TurnError::Fatal { message, kind }) => EventMsg::TurnFailed {
            turn_id,
            message,
            kind,
        },
        Err(TurnError::Interrupted) => {
            sess.unified_exec.kill_all();
            sess.record_items(&aborted_outputs(&sess.history()));
            sess.record_event(
                json!({"type": "turn_aborted", "turn_id": turn_id, "reason": "interrupted"}),
            );
            EventMsg::TurnAborted {
                turn_id,
                reason: TurnAbortReason::Interrupted,
            }
        }
    };
    sess.emit(&sub_id, msg);
}

async fn run_work(
    sess: &Session,
    turn: &TurnContext,
    work: TurnWork,
) -> Result<Option<String>, TurnError> {
    match work {
        TurnWork::User(items, _) => {
            record_user_input(sess, turn, &items)?;
            tool_loop(sess, turn).await
        }
        TurnWork::Compact => {
            compact::compact(sess, turn, CompactionTrigger::Manual).await?;
            Ok(None)
        }
        TurnWork::UserShell(command) => {
            user_shell::run_user_shell_command(sess, turn, &command).await
        }
    }
}

/// Adds the user's input to the history as one message and tells the front ends.
pub(super) fn record_user_input(
    sess: &Session,
    turn: &TurnContext,
    items: &[UserInput],
) -> Result<(), TurnError> {
    let message = context::user_message(items, &turn.config.cwd)
        .map_err(|err| TurnError::other(err.to_string()))?;
    // `user_message` always builds a message with a client-minted id.
    let id = if let ResponseItem::Message { id: Some(id), .. } = &message {
        id.clone()
    } else {
        String::new()
    };
    sess.record_items(&[message]);
    sess.emit(
        &turn.sub_id,
        EventMsg::UserMessage {
            id,
            items: items.to_vec(),
        },
    );
    Ok(())
}

async fn tool_loop(sess: &Session, turn: &TurnContext) -> Result<Option<String>, TurnError> {
    let mut last_agent_message = None;
    loop {
        for items in sess.take_steered_input() {
            record_user_input(sess, turn, &items)?;
        }
        if sess.take_compaction_pending() {
            compact::compact(sess, turn, CompactionTrigger::Auto).await?;
        }
        let sample = sample(sess, turn, RequestKind::Turn).await?;
        if let Some(message) = sample.last_agent_message {
            last_agent_message = Some(message);
        }
        if sample.tool_calls.is_empty() {
            // Input steered in while the model answered still needs an answer.
            if sess.has_steered_input() {
                continue;
            }
            return Ok(last_agent_message);
        }
        let outputs = tools::run_calls(
            sess,
            turn,
            sample.tool_calls,
            turn.model.info.parallel_tool_calls,
        )
        .await;
        sess.record_items(&outputs);
        // A tool (an aborted approval) may have ended the turn: no further request.
        if turn.cancel.is_cancelled() {
            return Err(TurnError::Interrupted);
        }
    }
}

/// What one completed response produced.
pub(crate) struct Sample {
    pub(crate) items: Vec<ResponseItem>,
    pub(crate) tool_calls: Vec<ToolCall>,
    pub(crate) last_agent_message: Option<String>,
}

/// One sampling request with the stream-layer retries around it.
pub(crate) async fn sample(
    sess: &Session,
    turn: &TurnContext,
    kind: RequestKind,
) -> Result<Sample, TurnError> {
    let max_retries = sess.config.model_provider.stream_max_retries;
    // The session's first request waits for the MCP servers to start.
    let mcp_tools = match kind {
        RequestKind::Turn | RequestKind::Prewarm => tools::mcp_tool_specs(sess).await,
        RequestKind::Compaction(_) => Vec::new(),
    };
    let mut attempt = 0u64;
    loop {
        let mut input = sess.prompt_input();
        if let RequestKind::Compaction(_) = kind {
            input.push(compact::compaction_prompt(sess));
        }
        let (window_number, window_id) = sess.window();
        let request = build_request(
            sess,
            turn,
            kind,
            &input,
            window_number,
            &window_id,
            &mcp_tools,
        );
        let stream = if sess.client.uses_websocket() {
            let base = &input[..input.len().min(1)];
            let prewarm = build_request(
                sess,
                turn,
                RequestKind::Prewarm,
                base,
                window_number,
                &window_id,
                &mcp_tools,
            );
            sess.client.stream_with_prewarm(&request, &prewarm).await
        } else {
            sess.client.stream(&request).await
        };
        let outcome = match stream {
            Ok(stream) => sample_once(sess, turn, kind, stream).await,
            Err(err) => Err(err),
        };
        match outcome {
            Ok(sample) => return Ok(sample),
            Err(ApiError::Fatal { message, kind }) => {
                return Err(TurnError::Fatal { message, kind });
            }
            Err(ApiError::Retryable {
                message,
                delay,
                kind,
            }) => {
                attempt += 1;
                if attempt > max_retries && sess.client.uses_websocket() {
                    // W6: the request is resent over HTTP, which the session keeps from now on.
                    sess.client.fall_back_to_http();
                    sess.emit(
                        &turn.sub_id,
                        EventMsg::Warning {
                            message: format!(
                                "Falling back from WebSockets to HTTPS transport. {message}"
                            ),
                        },
                    );
                    attempt = 0;
                    continue;
                }
                if attempt > max_retries {
                    return Err(TurnError::Fatal { message, kind });
                }
                sess.emit(
                    &turn.sub_id,
                    EventMsg::StreamError {
                        message,
                        attempt,
                        max_attempts: max_retries,
                        kind,
                    },
                );
                tokio::time::sleep(backoff(attempt, delay)).await;
            }
        }
    }
}

async fn sample_once(
    sess: &Session,
    turn: &TurnContext,
    kind: RequestKind,
    mut stream: crate::client::ResponseStream,
) -> Result<Sample, ApiError> {
    let mut sample = Sample {
        items: Vec::new(),
        tool_calls: Vec::new(),
        last_agent_message: None,
    };
    let visible = kind == RequestKind::Turn;
    while let Some(event) = stream.recv().await {
        match event? {
            ResponseEvent::OutputItemDone(item) => {
                if visible {
                    // Items are history as soon as they are done, even if the attempt fails
                    // later: a retry re-sends them.
                    sess.record_items(std::slice::from_ref(&item));
                    announce_item(sess, turn, &item, &mut sample);
                }
                sample.items.push(item);
            }
            ResponseEvent::OutputItemAdded(item) => {
                if visible {
                    announce_item_start(sess, turn, &item);
                }
            }
            ResponseEvent::OutputTextDelta { item_id, delta } => {
                if visible {
                    sess.emit(&turn.sub_id, EventMsg::AgentMessageDelta { item_id, delta });
                }
            }
            ResponseEvent::ReasoningSummaryPartAdded {
                item_id,
                summary_index,
            } => {
                if visible {
                    sess.emit(
                        &turn.sub_id,
                        EventMsg::ReasoningSummaryPartAdded {
                            item_id,
                            summary_index,
                        },
                    );
                }
            }
            ResponseEvent::ReasoningSummaryDelta {
                item_id,
                summary_index,
                delta,
            } => {
                if visible {
                    sess.emit(
                        &turn.sub_id,
                        EventMsg::AgentReasoningDelta {
                            item_id,
                            summary_index,
                            delta,
                        },
                    );
                }
            }
            ResponseEvent::Completed { usage, .. } => {
                report_usage(sess, turn, &usage);
                // Compaction responses never trigger another compaction.
                if visible && usage.total_tokens >= turn.model.auto_compact_limit {
                    sess.request_compaction();
                }
                return Ok(sample);
            }
        }
    }
    Err(ApiError::disconnected(
        "stream closed before response.completed",
    ))
}

fn report_usage(sess: &Session, turn: &TurnContext, last: &TokenUsage) {
    let total = sess.add_usage(last);
    sess.emit(
        &turn.sub_id,
        EventMsg::TokenCount {
            total,
            last: *last,
            model_context_window: Some(turn.model.reported_context_window()),
        },
    );
}

/// Streaming begins: front ends that show items live open one.
fn announce_item_start(sess: &Session, turn: &TurnContext, item: &ResponseItem) {
    if let ResponseItem::Message { id, role, .. } = item
        && role == "assistant"
    {
        sess.emit(
            &turn.sub_id,
            EventMsg::AgentMessageStarted {
                item_id: id.clone().unwrap_or_default(),
            },
        );
    }
    if let ResponseItem::Reasoning { id, .. } = item {
        sess.emit(
            &turn.sub_id,
            EventMsg::AgentReasoningStarted {
                item_id: id.clone(),
            },
        );
    }
}

fn announce_item(sess: &Session, turn: &TurnContext, item: &ResponseItem, sample: &mut Sample) {
    let sub_id = &turn.sub_id;
    match item {
        ResponseItem::Message { id, phase, .. } => {
            if let Some(text) = item.assistant_text() {
                sample.last_agent_message = Some(text.clone());
                sess.emit(
                    sub_id,
                    EventMsg::AgentMessage {
                        item_id: id.clone().unwrap_or_default(),
                        text,
                        phase: phase.clone(),
                    },
                );
            }
        }
        ResponseItem::Reasoning {
            id,
            summary,
            content,
            ..
        } => {
            let summary: Vec<String> = summary
                .iter()
                .map(|part| match part {
                    ReasoningSummary::SummaryText { text } => text.clone(),
                })
                .collect();
            if !summary.is_empty() {
                sess.emit(
                    sub_id,
                    EventMsg::AgentReasoning {
                        item_id: id.clone(),
                        summary,
                    },
                );
            }
            if turn.config.show_raw_agent_reasoning
                && let Some(content) = content
            {
                let raw: Vec<&str> = content
                    .iter()
                    .map(|part| match part {
                        ReasoningContent::ReasoningText { text }
                        | ReasoningContent::Text { text } => text.as_str(),
                    })
                    .collect();
                if !raw.is_empty() {
                    sess.emit(
                        sub_id,
                        EventMsg::AgentReasoningRawContent {
                            text: raw.join("\n"),
                        },
                    );
                }
            }
        }
        ResponseItem::FunctionCall {
            name,
            arguments,
            call_id,
            ..
        } => sample.tool_calls.push(ToolCall::Function {
            call_id: call_id.clone(),
            name: name.clone(),
            arguments: arguments.clone(),
        }),
        ResponseItem::CustomToolCall {
            call_id,
            name,
            input,
            ..
        } => sample.tool_calls.push(ToolCall::Custom {
            call_id: call_id.clone(),
            name: name.clone(),
            input: input.clone(),
        }),
        ResponseItem::WebSearchCall { id, action, .. } => {
            let query = action
                .as_ref()
                .and_then(|action| action.get("query"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_string();
            sess.emit(
                sub_id,
                EventMsg::WebSearch {
                    call_id: id.clone().unwrap_or_default(),
                    query,
                },
            );
        }
        ResponseItem::FunctionCallOutput { .. }
        | ResponseItem::CustomToolCallOutput { .. }
        | ResponseItem::Compaction { .. }
        | ResponseItem::Other(_) => {}
    }
}

/// An output for every tool call that has none, so the history stays valid after an interrupt.
fn aborted_outputs(history: &[ResponseItem]) -> Vec<ResponseItem> {
    let mut answered = std::collections::HashSet::new();
    for item in history {
        if let ResponseItem::FunctionCallOutput { call_id, .. }
        | ResponseItem::CustomToolCallOutput { call_id, .. } = item
        {
            answered.insert(call_id.as_str());
        }
    }
    let mut outputs = Vec::new();
    for item in history {
        if let ResponseItem::FunctionCall { call_id, .. } = item
            && !answered.contains(call_id.as_str())
        {
            outputs.push(ResponseItem::FunctionCallOutput {
                id: ids::prefixed("fco"),
                call_id: call_id.clone(),
                output: FunctionCallOutput::Text("aborted".to_string()),
            });
        }
        if let ResponseItem::CustomToolCall { call_id, .. } = item
            && !answered.contains(call_id.as_str())
        {
            outputs.push(ResponseItem::CustomToolCallOutput {
                id: ids::prefixed("ctco"),
                call_id: call_id.clone(),
                output: "aborted".to_string(),
            });
        }
    }
    outputs
}
