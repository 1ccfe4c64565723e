//! A thread of this server: the task that owns its core session and runs one turn at a time
//! for the `tools/call`s that ask for one (a `codex-reply` to a busy thread waits its turn),
//! sending every event as `codex/event`, asking the client about approvals with
//! `elicitation/create`, and reporting how the turn ended.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;

use codex_core::Codex;
use codex_core::ids;
use codex_core::protocol::Event;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::elicitation;
use crate::elicitation::ApprovalSource;
use crate::event_msg::EventEncoder;
use crate::jsonrpc::Outgoing;
use crate::jsonrpc::RequestId;
use crate::lock;

const SESSION_ENDED: &str = "the Codex session ended before the turn did";

/// The `tools/call` a turn runs for.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub request_id: RequestId,
    /// `_meta.progressToken` of the call: each event is also a `notifications/progress`.
    pub progress_token: Option<Value>,
    /// Cancelled by `notifications/cancelled` for this call, or when stdin closes.
    pub cancel: CancellationToken,
}

/// How a turn ended, for the call that ran it.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnOutcome {
    Completed {
        last_agent_message: Option<String>,
    },
    /// The turn failed, or an approval answer aborted it: the text to answer with.
    Failed(String),
    /// The call was cancelled; nothing is answered.
    Cancelled,
}

struct TurnRequest {
    prompt: String,
    call: CallContext,
    done: oneshot::Sender<TurnOutcome>,
}

/// The calls' view of a thread.
#[derive(Clone)]
pub struct ThreadHandle {
    turns: mpsc::UnboundedSender<TurnRequest>,
}

impl ThreadHandle {
    /// Runs `prompt` as the thread's next turn, once the turns queued before it ended.
    pub async fn run_turn(&self, prompt: String, call: CallContext) -> TurnOutcome {
        let (done, outcome) = oneshot::channel();
        let request = TurnRequest { prompt, call, done };
        if self.turns.send(request).is_err() {
            return TurnOutcome::Failed(SESSION_ENDED.to_string());
        }
        outcome
            .await
            .unwrap_or_else(|_| TurnOutcome::Failed(SESSION_ENDED.to_string()))
    }
}

/// Every thread of this server process, by thread id.
#[derive(Default)]
pub struct Threads {
    handles: Mutex<HashMap<String, ThreadHandle>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Threads {
    /// Starts the task that owns `codex`; it ends after `shutdown` (stdin closed) once the
    /// session has shut down.
    pub fn spawn(
        &self,
        codex: Codex,
        thread_id: String,
        model_context_window: u64,
        outgoing: Arc<Outgoing>,
        shutdown: CancellationToken,
    ) -> ThreadHandle {
        let (turns, requests) = mpsc::unbounded_channel();
        let (decisions_tx, decisions) = mpsc::unbounded_channel();
        let handle = ThreadHandle { turns };
        let thread = ThreadTask {
            codex,
            thread_id: thread_id.clone(),
            encoder: EventEncoder::new(model_context_window),
            outgoing,
            decisions_tx,
            decisions,
        };
        let task = tokio::spawn(thread.run(requests, shutdown));
        lock(&self.handles).insert(thread_id, handle.clone());
        lock(&self.tasks).push(task);
        handle
    }

    pub fn get(&self, thread_id: &str) -> Option<ThreadHandle> {
        lock(&self.handles).get(thread_id).cloned()
    }

    /// Waits for every thread task to end, until `deadline`.
    pub async fn join_all(&self, deadline: tokio::time::Instant) {
        let tasks = std::mem::take(&mut *lock(&self.tasks));
        for task in tasks {
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                tracing::warn!("a Codex session did not shut down in time");
            }
        }
    }
}

/// The turn being run, as its events need it.
struct Turn {
    id: String,
    /// The `tools/call` request id, as elicitations name it.
    tool_call_id: String,
    /// Cancelled when the turn ends: open elicitations are forgotten.
    approvals: CancellationToken,
    /// `notifications/progress` sent so far.
    progress: u64,
}

struct ThreadTask {
    codex: Codex,
    thread_id: String,
    encoder: EventEncoder,
    outgoing: Arc<Outgoing>,
    /// The client's approval decisions, as ops for the session.
    decisions_tx: mpsc::UnboundedSender<Op>,
    decisions: mpsc::UnboundedReceiver<Op>,
}

impl ThreadTask {
    async fn run(
        mut self,
        mut requests: mpsc::UnboundedReceiver<TurnRequest>,
        shutdown: CancellationToken,
    ) {
        // Events arriving between turns stay queued in the session and go out with the next
        // turn's call: `session_configured` leads the first one.
        loop {
            let request = tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                request = requests.recv() => request,
            };
            let Some(TurnRequest { prompt, call, done }) = request else {
                break;
            };
            let outcome = self.run_turn(prompt, &call).await;
            let _ = done.send(outcome);
        }
        if self.codex.submit(Op::Shutdown).is_ok() {
            while let Some(event) = self.codex.next_event().await {
                if matches!(event.msg, EventMsg::ShutdownComplete) {
                    break;
                }
            }
        }
    }

    async fn run_turn(&mut self, prompt: String, call: &CallContext) -> TurnOutcome {
        // Cancelled while it waited for an earlier turn of the thread.
        if call.cancel.is_cancelled() {
            return TurnOutcome::Cancelled;
        }
        let mut turn = Turn {
            id: ids::new_v7(),
            tool_call_id: call.request_id.to_string(),
            approvals: call.cancel.child_token(),
            progress: 0,
        };
        let _approvals_end_with_the_turn = turn.approvals.clone().drop_guard();
        let op = Op::UserTurn {
            items: vec![UserInput::Text { text: prompt }],
            overrides: TurnOverrides {
                turn_id: Some(turn.id.clone()),
                ..TurnOverrides::default()
            },
        };
        if let Err(err) = self.codex.submit(op) {
            return TurnOutcome::Failed(err.to_string());
        }
        let mut interrupted = false;
        loop {
            tokio::select! {
                () = call.cancel.cancelled(), if !interrupted => {
                    interrupted = true;
                    if self.codex.submit(Op::Interrupt).is_err() {
                        return TurnOutcome::Cancelled;
                    }
                }
                Some(op) = self.decisions.recv() => {
                    if let Err(err) = self.codex.submit(op) {
                        tracing::warn!("cannot pass an approval decision on: {err}");
                    }
                }
                event = self.codex.next_event() => {
                    let Some(event) = event else {
                        return if interrupted {
                            TurnOutcome::Cancelled
                        } else {
                            TurnOutcome::Failed(SESSION_ENDED.to_string())
                        };
                    };
                    if let Some(outcome) = self.handle_event(event, &mut turn, call).await {
                        return outcome;
                    }
                }
            }
        }
    }

    /// Sends `event` to the client, asks about an approval it requests, and returns the
    /// outcome when it ends the turn.
    async fn handle_event(
        &mut self,
        event: Event,
        turn: &mut Turn,
        call: &CallContext,
    ) -> Option<TurnOutcome> {
        // Session-level events (`session_configured`, MCP start-up) have no turn.
        let event_id = if event.id.is_empty() {
            ""
        } else {
            turn.id.as_str()
        };
        if let Some(msg) = self.encoder.encode(&event.msg, &turn.id) {
            let kind = msg["type"].clone();
            let params = json!({
                "_meta": {"requestId": call.request_id, "threadId": self.thread_id},
                "id": event_id,
                "msg": msg,
            });
            self.outgoing.notify("codex/event", params).await;
            if let Some(token) = &call.progress_token {
                turn.progress += 1;
                let params =
                    json!({"progressToken": token, "progress": turn.progress, "message": kind});
                self.outgoing.notify("notifications/progress", params).await;
            }
        }
        if let Some((params, decide)) = self.approval(&event.msg, event_id, &turn.tool_call_id) {
            self.ask(params, &turn.approvals, decide).await;
        }
        turn_end(event.msg, &turn.id, call)
    }

    /// The elicitation for an approval request, and how its answer becomes an op.
    fn approval(
        &self,
        msg: &EventMsg,
        event_id: &str,
        tool_call_id: &str,
    ) -> Option<(Value, Decide)> {
        let source = |call_id| ApprovalSource {
            thread_id: &self.thread_id,
            tool_call_id,
            event_id,
            call_id,
        };
        if let EventMsg::ExecApprovalRequest {
            call_id,
            command,
            cwd,
            ..
        } = msg
        {
            let params = elicitation::exec_params(source(call_id), command, cwd);
            let id = call_id.clone();
            Some((
                params,
                Box::new(move |decision| Op::ExecApproval { id, decision }),
            ))
        } else if let EventMsg::ApplyPatchApprovalRequest {
            call_id,
            changes,
            reason,
        } = msg
        {
            let params = elicitation::patch_params(source(call_id), changes, reason.as_deref());
            let id = call_id.clone();
            Some((
                params,
                Box::new(move |decision| Op::PatchApproval { id, decision }),
            ))
        } else {
            None
        }
    }

    /// Sends the elicitation; a task waits for the answer (or the end of the turn) and passes
    /// the decision on.
    async fn ask(&self, params: Value, turn: &CancellationToken, decide: Decide) {
        let (id, reply) = self.outgoing.request(elicitation::METHOD, params).await;
        let outgoing = Arc::clone(&self.outgoing);
        let decisions = self.decisions_tx.clone();
        let turn = turn.clone();
        tokio::spawn(async move {
            tokio::select! {
                reply = reply => {
                    if let Ok(reply) = reply {
                        let _ = decisions.send(decide(elicitation::decision(reply)));
                    }
                }
                () = turn.cancelled() => outgoing.forget(id),
            }
        });
    }
}

/// Turns the client's approval decision into the op that answers the session.
type Decide = Box<dyn FnOnce(ReviewDecision) -> Op + Send>;

/// The outcome when `msg` ends the turn `turn_id`.
fn turn_end(msg: EventMsg, turn_id: &str, call: &CallContext) -> Option<TurnOutcome> {
    if let EventMsg::TurnComplete {
        turn_id: ended,
        last_agent_message,
    } = msg
    {
        (ended == turn_id).then_some(TurnOutcome::Completed { last_agent_message })
    } else if let EventMsg::TurnFailed {
        turn_id: ended,
        message,
        ..
    } = msg
    {
        (ended == turn_id).then_some(TurnOutcome::Failed(message))
    } else if let EventMsg::TurnAborted { turn_id: ended, .. } = msg {
        (ended == turn_id).then(|| {
            if call.cancel.is_cancelled() {
                TurnOutcome::Cancelled
            } else {
                TurnOutcome::Failed("the turn was aborted".to_string())
            }
        })
    } else {
        None
    }
}
