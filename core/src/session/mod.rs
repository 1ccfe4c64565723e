//! A session is one thread: its history, usage and rollout, driven by a task that takes `Op`s
//! and emits `Event`s. `Codex` is the front ends' handle on it. Turns run as child tasks with a
//! cancellation token each, so an interrupt can stop them at any await point.

pub mod compact;
pub mod context;
mod request;
pub(crate) mod rollback;
mod turn;
mod user_shell;

pub(crate) use turn::TurnContext;

use std::collections::HashMap;
use std::collections::VecDeque;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;

use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::approval::SessionApprovals;
use crate::attestation::AttestationGate;
use crate::attestation::AttestationProvider;
use crate::attestation::SessionAuthKind;
use crate::client::ModelClient;
use crate::client::RequestHooks;
use crate::client::hooks::TokenRefresh;
use crate::config::Config;
use crate::exec::UnifiedExec;
use crate::ids;
use crate::mcp::McpManager;
use crate::model_catalog::EffectiveModel;
use crate::protocol::Event;
use crate::protocol::EventMsg;
use crate::protocol::HistoryInitialization;
use crate::protocol::Op;
use crate::protocol::ReviewDecision;
use crate::protocol::SessionConfiguredEvent;
use crate::protocol::TurnOverrides;
use crate::protocol::UserInput;
use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;
use crate::rollout::BaseInstructions;
use crate::rollout::ContextWindowMeta;
use crate::rollout::ResumedThread;
use crate::rollout::RolloutRecorder;
use crate::rollout::SessionMeta;
use crate::sandbox::linux::probe_landlock;

/// How a front end identifies itself and what kind of thread it starts.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// `originator` header (already replaced by `CODEX_INTERNAL_ORIGINATOR_OVERRIDE` when set).
    pub originator: String,
    /// The `(client_name; client_version)` part of the user agent.
    pub client_name: String,
    pub client_version: String,
    /// `session_meta.source`: `exec`, `cli`, `vscode`, …
    pub source: String,
    /// `thread_source` of a new thread (`user` unless `--thread-source`).
    pub thread_source: String,
    /// `turn_trigger` in the turn metadata (`exec` for exec turns).
    pub turn_trigger: String,
    pub persistence: Persistence,
    /// Where the thread's history comes from.
    pub history: InitialHistory,
    /// The `codex` executable, run as `codex-linux-sandbox` to sandbox commands. `None` when
    /// the front end is not the codex binary: sandboxed commands then fail with a clear error.
    pub linux_sandbox_exe: Option<PathBuf>,
    /// Asked for `x-oai-attestation` under ChatGPT auth; only the app-server installs one.
    pub attestation: Option<Arc<dyn AttestationProvider>>,
}

/// A new thread, a thread continued from its rollout, or a copy of one under a new id.
#[derive(Debug, Clone)]
pub enum InitialHistory {
    New,
    Resumed(ResumedThread),
    Forked(ResumedThread),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    Rollout,
    Ephemeral,
}

#[derive(Debug, thiserror::Error)]
pub enum CodexError {
    #[error("failed to create the session log: {0}")]
    Rollout(#[from] std::io::Error),
    #[error(transparent)]
    Client(#[from] crate::client::ApiError),
    #[error("the session has shut down")]
    SessionClosed,
}

struct Submission {
    id: String,
    op: Op,
}

/// The front ends' handle: submit operations, read events.
pub struct Codex {
    tx_sub: mpsc::UnboundedSender<Submission>,
    rx_event: mpsc::UnboundedReceiver<Event>,
    next_id: u64,
}

impl Codex {
    /// Starts a session (new or resumed) and returns its handle and configuration.
    pub async fn spawn(
        config: Config,
        options: SessionOptions,
    ) -> Result<(Codex, SessionConfiguredEvent), CodexError> {
        let (tx_event, rx_event) = mpsc::unbounded_channel();
        let (tx_sub, rx_sub) = mpsc::unbounded_channel();
        let session = Arc::new(Session::new(config, options, tx_event.clone())?);
        let configured = session.configured_event();
        session.emit("", EventMsg::SessionConfigured(configured.clone()));
        session.mcp.start(
            session.config.cwd.clone(),
            session.config.env.clone(),
            tx_event,
        );
        tokio::spawn(submission_loop(session, rx_sub));
        Ok((
            Codex {
                tx_sub,
                rx_event,
                next_id: 0,
            },
            configured,
        ))
    }

    pub fn submit(&mut self, op: Op) -> Result<String, CodexError> {
        let id = self.next_id.to_string();
        self.next_id += 1;
        self.tx_sub
            .send(Submission { id: id.clone(), op })
            .map_err(|_| CodexError::SessionClosed)?;
        Ok(id)
    }

    pub async fn next_event(&mut self) -> Option<Event> {
        self.rx_event.recv().await
    }
}

/// Mutable per-thread state; the lock is never held across an await.
struct State {
    /// Everything after the BASE message, in order.
    history: Vec<ResponseItem>,
    total_usage: TokenUsage,
    rollout: RolloutRecorder,
    window_number: u64,
    context_window_id: String,
    compaction_pending: bool,
    /// The settings turns run with: the config plus the sticky overrides of earlier turns.
    settings: Config,
    /// Input steered into the running turn, not yet sent to the model.
    steered: Vec<Vec<UserInput>>,
}

pub(crate) struct Session {
    pub(crate) config: Config,
    pub(crate) options: SessionOptions,
    pub(crate) thread_id: String,
    pub(crate) installation_id: String,
    pub(crate) client: ModelClient,
    pub(crate) model: EffectiveModel,
    pub(crate) base_instructions: String,
    pub(crate) tools: Vec<Value>,
    pub(crate) user_agent: String,
    pub(crate) history_initialization: HistoryInitialization,
    pub(crate) unified_exec: UnifiedExec,
    /// The session's MCP servers.
    pub(crate) mcp: McpManager,
    agents_md: Option<String>,
    tx_event: mpsc::UnboundedSender<Event>,
    state: Mutex<State>,
    /// Approval requests waiting for the user, by call id.
    pending_approvals: Mutex<HashMap<String, oneshot::Sender<ReviewDecision>>>,
    approvals: Mutex<SessionApprovals>,
    /// The "sandbox unavailable" error is shown to the user once per session.
    sandbox_unavailable_shown: AtomicBool,
}

impl State {
    fn new(
        history: Vec<ResponseItem>,
        total_usage: TokenUsage,
        rollout: RolloutRecorder,
        (window_number, context_window_id): (u64, String),
        settings: Config,
    ) -> Self {
        State {
            history,
            total_usage,
            rollout,
            window_number,
            context_window_id,
            compaction_pending: false,
            settings,
            steered: Vec::new(),
        }
    }
}

impl Session {
    fn new(
        config: Config,
        mut options: SessionOptions,
        tx_event: mpsc::UnboundedSender<Event>,
    ) -> Result<Self, CodexError> {
        let installation_id = installation_id(&config.codex_home)?;
        let auth_kind = crate::auth::chatgpt::session_auth_kind(&config.codex_home);
        let provider = crate::auth::chatgpt::provider_for_login(&config.model_provider, auth_kind);
        let client = ModelClient::new(provider, &config.env)?;
        let model = EffectiveModel::from_config(&config);
        let user_agent = user_agent(&options, &config);
        let agents_md = match crate::project_doc::agents_md_message(
            &config.codex_home,
            &config.cwd,
            config.project_doc_max_bytes,
            &config.project_doc_fallback_filenames,
        ) {
            Ok(text) => text,
            Err(err) => {
                tracing::warn!("failed to read AGENTS.md files: {err}");
                None
            }
        };

        let history = std::mem::replace(&mut options.history, InitialHistory::New);
        let new_meta = |thread_id: &str,
                        base: &str,
                        window_id: &str,
                        forked_from_id: Option<String>| SessionMeta {
            id: thread_id.to_string(),
            session_id: thread_id.to_string(),
            timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            cwd: config.cwd.clone(),
            originator: options.originator.clone(),
            cli_version: env!("CARGO_PKG_VERSION").to_string(),
            source: options.source.clone(),
            thread_source: options.thread_source.clone(),
            model_provider: config.model_provider_id.clone(),
            base_instructions: BaseInstructions {
                text: base.to_string(),
                provenance: json!({"type": "model", "model": config.model}),
            },
            context_window: ContextWindowMeta {
                window_id: window_id.to_string(),
            },
            forked_from_id,
        };
        let (thread_id, base_instructions, history_initialization, state) = match history {
            InitialHistory::Resumed(resumed) => {
                let rollout = match options.persistence {
                    Persistence::Rollout => {
                        RolloutRecorder::append_to(&resumed.path, resumed.next_ordinal)?
                    }
                    Persistence::Ephemeral => RolloutRecorder::ephemeral(),
                };
                let state = State::new(
                    resumed.history,
                    resumed.total_usage,
                    rollout,
                    (resumed.window_number, resumed.context_window_id),
                    config.clone(),
                );
                (
                    resumed.thread_id,
                    resumed.base_instructions.text,
                    HistoryInitialization::ColdResume,
                    state,
                )
            }
            InitialHistory::Forked(source) => {
                let thread_id = ids::new_v7();
                let base = source.base_instructions.text;
                let mut rollout = match options.persistence {
                    Persistence::Rollout => RolloutRecorder::create(
                        &config.codex_home,
                        &new_meta(
                            &thread_id,
                            &base,
                            &source.context_window_id,
                            Some(source.thread_id.clone()),
                        ),
                    )?,
                    Persistence::Ephemeral => RolloutRecorder::ephemeral(),
                };
                for item in &source.history {
                    rollout.record_item(item)?;
                }
                rollout.record_token_count(
                    &source.total_usage,
                    &TokenUsage::default(),
                    model.reported_context_window(),
                )?;
                let state = State::new(
                    source.history,
                    source.total_usage,
                    rollout,
                    (source.window_number, source.context_window_id),
                    config.clone(),
                );
                (thread_id, base, HistoryInitialization::ColdResume, state)
            }
            InitialHistory::New => {
                let thread_id = ids::new_v7();
                let base = config
                    .base_instructions
                    .clone()
                    .unwrap_or_else(|| context::BASE_INSTRUCTIONS.to_string());
                let context_window_id = ids::new_v7();
                let rollout = match options.persistence {
                    Persistence::Rollout => RolloutRecorder::create(
                        &config.codex_home,
                        &new_meta(&thread_id, &base, &context_window_id, None),
                    )?,
                    Persistence::Ephemeral => RolloutRecorder::ephemeral(),
                };
                let state = State::new(
                    Vec::new(),
                    TokenUsage::default(),
                    rollout,
                    (0, context_window_id),
                    config.clone(),
                );
                (thread_id, base, HistoryInitialization::New, state)
            }
        };
        // Decided once per thread, as the original does when it builds the model client.
        let client = client.with_hooks(RequestHooks {
            attestation: AttestationGate::open(options.attestation.clone(), auth_kind, &thread_id),
            token_refresh: match auth_kind {
                SessionAuthKind::ChatGpt => Some(TokenRefresh {
                    codex_home: config.codex_home.clone(),
                    env: config.env.clone(),
                }),
                SessionAuthKind::Other => None,
            },
        });
        let session = Session {
            tools: crate::tools::tool_specs(),
            unified_exec: UnifiedExec::default(),
            mcp: McpManager::new(&config),
            config,
            options,
            thread_id,
            installation_id,
            client,
            model,
            base_instructions,
            user_agent,
            history_initialization,
            agents_md,
            tx_event,
            state: Mutex::new(state),
            pending_approvals: Mutex::new(HashMap::new()),
            approvals: Mutex::new(SessionApprovals::default()),
            sandbox_unavailable_shown: AtomicBool::new(false),
        };
        if session.history_initialization == HistoryInitialization::New {
            let items = session.fresh_context_items(&session.config);
            session.record_items(&items);
        }
        Ok(session)
    }

    fn configured_event(&self) -> SessionConfiguredEvent {
        SessionConfiguredEvent {
            thread_id: self.thread_id.clone(),
            model: self.config.model.clone(),
            model_provider_id: self.config.model_provider_id.clone(),
            cwd: self.config.cwd.clone(),
            approval_policy: self.config.approval_policy,
            sandbox_policy: self.config.sandbox_policy.clone(),
            reasoning_effort: self.config.model_reasoning_effort,
            reasoning_summary: self.config.model_reasoning_summary,
            rollout_path: self.state().rollout.path().map(Path::to_path_buf),
            history_initialization: self.history_initialization,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A poisoned lock means a panic elsewhere already; the data is still consistent
        // because every critical section is a plain push or assignment.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Emits an approval request and waits for the user's decision. A request nobody can
    /// answer any more (the session is shutting down) counts as denied.
    pub(crate) async fn request_approval(
        &self,
        sub_id: &str,
        call_id: &str,
        request: EventMsg,
    ) -> ReviewDecision {
        let (tx, rx) = oneshot::channel();
        self.pending_approvals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(call_id.to_string(), tx);
        self.emit(sub_id, request);
        rx.await.unwrap_or(ReviewDecision::Denied)
    }

    /// What the user approved for the rest of the session.
    pub(crate) fn approvals(&self) -> MutexGuard<'_, SessionApprovals> {
        self.approvals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the kernel can enforce the sandbox (probed once per process); `Err` is the
    /// message that explains why not and what to do.
    pub(crate) fn sandbox_available(&self) -> Result<(), String> {
        probe_landlock().map(|_| ()).map_err(|err| err.to_string())
    }

    pub(crate) fn warn_sandbox_unavailable(&self, sub_id: &str, message: &str) {
        if !self.sandbox_unavailable_shown.swap(true, Ordering::Relaxed) {
            self.emit(
                sub_id,
                EventMsg::Warning {
                    message: message.to_string(),
                },
            );
        }
    }

    /// The executable to run as the sandbox helper.
    pub(crate) fn sandbox_exe(&self) -> Result<&Path, String> {
        self.options.linux_sandbox_exe.as_deref().ok_or_else(|| {
            "cannot sandbox the command: this front end did not say where the codex executable is; run commands with --sandbox danger-full-access or use the codex binary".to_string()
        })
    }

    /// Forgets requests of a turn that ended without their answer (interrupted or failed).
    pub(crate) fn clear_pending_approvals(&self) {
        self.pending_approvals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Routes a decision to the request waiting for it; unknown ids are ignored.
    fn resolve_approval(&self, call_id: &str, decision: ReviewDecision) {
        let waiting = self
            .pending_approvals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(call_id);
        match waiting {
            Some(tx) => {
                let _ = tx.send(decision);
            }
            None => tracing::warn!("ignoring a decision for unknown approval request {call_id}"),
        }
    }

    pub(crate) fn emit(&self, sub_id: &str, msg: EventMsg) {
        let _ = self.tx_event.send(Event {
            id: sub_id.to_string(),
            msg,
        });
    }

    /// The developer context and environment context of a new context window.
    fn fresh_context_items(&self, config: &Config) -> Vec<ResponseItem> {
        context::context_items(config, self.agents_md.as_deref())
    }

    /// Applies a turn's overrides to the sticky settings and returns the turn's effective
    /// configuration and model.
    pub(crate) fn settings_for_turn(&self, overrides: &TurnOverrides) -> (Config, EffectiveModel) {
        let mut state = self.state();
        let settings = &mut state.settings;
        if let Some(cwd) = &overrides.cwd {
            settings.cwd = cwd.clone();
        }
        if let Some(policy) = overrides.approval_policy {
            settings.approval_policy = policy;
        }
        if let Some(policy) = &overrides.sandbox_policy {
            settings.sandbox_policy = policy.clone();
        }
        if let Some(model) = &overrides.model {
            settings.model = model.clone();
        }
        if let Some(effort) = overrides.effort {
            settings.model_reasoning_effort = Some(effort);
        }
        if let Some(summary) = overrides.summary {
            settings.model_reasoning_summary = Some(summary);
        }
        let config = settings.clone();
        let model = EffectiveModel::from_config(&config);
        (config, model)
    }

    /// Queues input for the running turn.
    fn steer(&self, items: Vec<UserInput>) {
        self.state().steered.push(items);
    }

    pub(crate) fn take_steered_input(&self) -> Vec<Vec<UserInput>> {
        std::mem::take(&mut self.state().steered)
    }

    pub(crate) fn has_steered_input(&self) -> bool {
        !self.state().steered.is_empty()
    }

    /// Appends items to the history and the rollout, in order.
    pub(crate) fn record_items(&self, items: &[ResponseItem]) {
        let mut state = self.state();
        for item in items {
            if let Err(err) = state.rollout.record_item(item) {
                tracing::warn!("failed to write the rollout: {err}");
            }
            state.history.push(item.clone());
        }
    }

    pub(crate) fn record_event(&self, payload: Value) {
        if let Err(err) = self.state().rollout.record_event(payload) {
            tracing::warn!("failed to write the rollout: {err}");
        }
    }

    /// The full `input` of the next request: BASE, then the history.
    pub(crate) fn prompt_input(&self) -> Vec<ResponseItem> {
        let state = self.state();
        let mut input = Vec::with_capacity(state.history.len() + 1);
        input.push(context::base_instructions_item(
            &self.thread_id,
            &self.base_instructions,
        ));
        input.extend(state.history.iter().cloned());
        input
    }

    pub(crate) fn window(&self) -> (u64, String) {
        let state = self.state();
        (state.window_number, state.context_window_id.clone())
    }

    /// Adds one response's usage to the thread totals; returns the new totals.
    pub(crate) fn add_usage(&self, last: &TokenUsage) -> TokenUsage {
        let mut state = self.state();
        state.total_usage.add(last);
        let total = state.total_usage;
        let window = self.model.reported_context_window();
        if let Err(err) = state.rollout.record_token_count(&total, last, window) {
            tracing::warn!("failed to write the rollout: {err}");
        }
        total
    }

    pub(crate) fn request_compaction(&self) {
        self.state().compaction_pending = true;
    }

    pub(crate) fn take_compaction_pending(&self) -> bool {
        std::mem::take(&mut self.state().compaction_pending)
    }

    pub(crate) fn history(&self) -> Vec<ResponseItem> {
        self.state().history.clone()
    }

    /// Replaces the history after a compaction and opens a new context window.
    pub(crate) fn replace_history(&self, history: Vec<ResponseItem>, summary: &str) {
        let mut state = self.state();
        state.window_number += 1;
        state.context_window_id = ids::new_v7();
        let window_id = state.context_window_id.clone();
        if let Err(err) = state
            .rollout
            .record_compacted(summary, &history, &window_id)
        {
            tracing::warn!("failed to write the rollout: {err}");
        }
        state.history = history;
    }
}

async fn submission_loop(sess: Arc<Session>, mut rx_sub: mpsc::UnboundedReceiver<Submission>) {
    let mut running: Option<(CancellationToken, JoinHandle<()>)> = None;
    // Turns run one at a time; later ones wait here while the loop keeps taking ops (an
    // approval answer for the running turn must never queue behind the next turn).
    let mut queued: VecDeque<(String, turn::TurnWork)> = VecDeque::new();
    loop {
        let submission = tokio::select! {
            submission = rx_sub.recv() => submission,
            _ = async {
                if let Some((_, task)) = running.as_mut() {
                    let _ = task.await;
                }
            }, if running.is_some() => {
                running = None;
                if let Some((id, work)) = queued.pop_front() {
                    running = Some(start_turn(&sess, id, work));
                } else if sess.has_steered_input() {
                    // Input steered in as the turn was ending still gets its answer.
                    let items = sess.take_steered_input().into_iter().flatten().collect();
                    let work = turn::TurnWork::User(items, Box::default());
                    running = Some(start_turn(&sess, String::new(), work));
                }
                continue;
            }
        };
        let Some(Submission { id, op }) = submission else {
            break;
        };
        match op {
            Op::UserTurn { items, overrides } => {
                let work = turn::TurnWork::User(items, Box::new(overrides));
                start_or_queue(&sess, &mut running, &mut queued, id, work);
            }
            Op::Steer { items } => {
                if running.is_some() {
                    sess.steer(items);
                } else {
                    let work = turn::TurnWork::User(items, Box::default());
                    running = Some(start_turn(&sess, id, work));
                }
            }
            Op::Compact => {
                start_or_queue(
                    &sess,
                    &mut running,
                    &mut queued,
                    id,
                    turn::TurnWork::Compact,
                );
            }
            Op::RunUserShellCommand { command } => {
                // Queued behind a running turn like user input (the original runs it alongside):
                // turns never overlap, so the history stays in the order things happened.
                let work = turn::TurnWork::UserShell(command);
                start_or_queue(&sess, &mut running, &mut queued, id, work);
            }
            Op::ThreadRollback { num_turns } => {
                if running.is_some() {
                    sess.emit(
                        &id,
                        EventMsg::Warning {
                            message: "Cannot roll back while a turn is in progress.".to_string(),
                        },
                    );
                } else {
                    sess.roll_back(&id, num_turns);
                }
            }
            Op::ExecApproval { id, decision } | Op::PatchApproval { id, decision } => {
                sess.resolve_approval(&id, decision);
            }
            Op::Interrupt => {
                if let Some((cancel, _)) = &running {
                    cancel.cancel();
                }
            }
            Op::ListMcpTools => {
                let sess = Arc::clone(&sess);
                tokio::spawn(async move {
                    let servers = sess.mcp.summaries().await;
                    sess.emit(&id, EventMsg::McpListToolsResponse { servers });
                });
            }
            Op::Shutdown => {
                if let Some((cancel, task)) = running.take() {
                    cancel.cancel();
                    let _ = task.await;
                }
                sess.unified_exec.kill_all();
                sess.mcp.shutdown().await;
                sess.emit(&id, EventMsg::ShutdownComplete);
                return;
            }
        }
    }
    // Every handle is gone: nobody can interrupt or read events any more.
    if let Some((cancel, task)) = running.take() {
        cancel.cancel();
        let _ = task.await;
    }
    sess.unified_exec.kill_all();
    sess.mcp.shutdown().await;
}

/// Starts `work` now when no turn runs, else after the turns already waiting.
fn start_or_queue(
    sess: &Arc<Session>,
    running: &mut Option<(CancellationToken, JoinHandle<()>)>,
    queued: &mut VecDeque<(String, turn::TurnWork)>,
    sub_id: String,
    work: turn::TurnWork,
) {
    if running.is_some() {
        queued.push_back((sub_id, work));
    } else {
        *running = Some(start_turn(sess, sub_id, work));
    }
}

fn start_turn(
    sess: &Arc<Session>,
    sub_id: String,
    work: turn::TurnWork,
) -> (CancellationToken, JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn(turn::run_turn(
        Arc::clone(sess),
        sub_id,
        work,
        cancel.clone(),
    ));
    (cancel, task)
}

fn installation_id(codex_home: &Path) -> std::io::Result<String> {
    let path = codex_home.join("installation_id");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        _ => {
            create_private_dir(codex_home)?;
            let id = uuid::Uuid::new_v4().to_string();
            std::fs::write(&path, &id)?;
            Ok(id)
        }
    }
}

/// Creates `dir` (and missing parents) readable only by the user, as `~/.codex` must be.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

fn user_agent(options: &SessionOptions, config: &Config) -> String {
    user_agent_string(
        &options.originator,
        &options.client_name,
        &options.client_version,
        &config.env,
    )
}

/// `{originator}/{version} ({os} {os_version}; {arch}) {terminal} ({client}; {client_version})`
pub fn user_agent_string(
    originator: &str,
    client_name: &str,
    client_version: &str,
    env: &crate::config::ConfigEnv,
) -> String {
    let (os, version) = os_name_and_version();
    let terminal = env.non_blank("TERM").unwrap_or("unknown");
    format!(
        "{originator}/{} ({os} {version}; {}) {terminal} ({client_name}; {client_version})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
    )
}

/// `Debian 12.0.0`-style OS description from `/etc/os-release`.
fn os_name_and_version() -> (String, String) {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let field = |key: &str| {
        release
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key}=")))
            .map(|value| value.trim_matches('"').to_string())
    };
    let name = field("ID")
        .map(|id| {
            let mut chars = id.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let mut version: Vec<String> = field("VERSION_ID")
        .unwrap_or_default()
        .split('.')
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect();
    while !version.is_empty() && version.len() < 3 {
        version.push("0".to_string());
    }
    let version = if version.is_empty() {
        "unknown".to_string()
    } else {
        version.join(".")
    };
    (name, version)
}
