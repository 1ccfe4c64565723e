//! A loaded thread: the task that owns its core session, the state the handlers read (status,
//! the active turn, what the `Thread` object shows), and conversions between core and wire
//! vocabulary.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;

use codex_app_server_protocol as wire;
use codex_core::Codex;
use codex_core::config::AskForApproval;
use codex_core::protocol::Op;
use codex_core::protocol::UserInput;
use codex_core::rollout::threads::RecordedItem;
use codex_core::rollout::threads::RecordedTurn;
use codex_core::rollout::threads::RecordedTurnStatus;
use codex_core::rollout::threads::ThreadSummary;
use codex_core::sandbox::SandboxPolicy;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

use crate::outgoing::Outgoing;
use crate::translate::Translator;

/// What the `Thread` object shows, kept current as the thread changes.
#[derive(Debug, Clone)]
pub struct ThreadInfo {
    pub id: String,
    pub path: Option<PathBuf>,
    pub cwd: PathBuf,
    pub created_at: i64,
    pub updated_at: i64,
    pub preview: String,
    pub model: String,
    pub model_provider: String,
    pub reasoning_effort: Option<String>,
    pub ephemeral: bool,
    pub source: wire::SessionSource,
    pub originator: Option<String>,
    pub cli_version: String,
    pub name: Option<String>,
    pub forked_from_id: Option<String>,
}

impl ThreadInfo {
    pub fn from_summary(summary: &ThreadSummary) -> Self {
        ThreadInfo {
            id: summary.id.clone(),
            path: Some(summary.path.clone()),
            cwd: summary.cwd.clone(),
            created_at: summary.created_at,
            updated_at: summary.updated_at,
            preview: summary.preview.clone(),
            model: String::new(),
            model_provider: summary.model_provider.clone(),
            reasoning_effort: None,
            ephemeral: false,
            source: session_source(&summary.source),
            originator: Some(summary.originator.clone()),
            cli_version: summary.cli_version.clone(),
            name: summary.name.clone(),
            forked_from_id: summary.forked_from_id.clone(),
        }
    }

    pub fn to_wire(&self, status: wire::ThreadStatus, turns: Vec<wire::Turn>) -> wire::Thread {
        wire::Thread {
            id: self.id.clone(),
            session_id: self.id.clone(),
            forked_from_id: self.forked_from_id.clone(),
            parent_thread_id: None,
            preview: self.preview.clone(),
            ephemeral: self.ephemeral,
            section: None,
            section_entered_at: None,
            project_id: None,
            history_mode: wire::ThreadHistoryMode::Paginated,
            model_provider: self.model_provider.clone(),
            model: (!self.model.is_empty()).then(|| self.model.clone()),
            reasoning_effort: self.reasoning_effort.clone().map(wire::ReasoningEffort),
            created_at: self.created_at,
            updated_at: self.updated_at,
            recency_at: None,
            status,
            path: self.path.clone(),
            cwd: self.cwd.clone(),
            cli_version: self.cli_version.clone(),
            originator: self.originator.clone(),
            source: self.source,
            thread_source: None,
            agent_nickname: None,
            agent_role: None,
            git_info: None,
            name: self.name.clone(),
            turns,
        }
    }
}

pub fn session_source(source: &str) -> wire::SessionSource {
    match source {
        "cli" => wire::SessionSource::Cli,
        "vscode" => wire::SessionSource::Vscode,
        "exec" => wire::SessionSource::Exec,
        "appServer" => wire::SessionSource::AppServer,
        _ => wire::SessionSource::Unknown,
    }
}

/// The turn a thread is running, as handlers need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveTurn {
    pub id: String,
    pub kind: TurnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnKind {
    Regular,
    Compact,
}

/// State shared between the handlers and the thread's task.
#[derive(Debug)]
pub struct ThreadState {
    pub info: ThreadInfo,
    pub status: wire::ThreadStatus,
    pub active_turn: Option<ActiveTurn>,
    /// Server requests (approvals) still waiting for the client.
    pub pending_requests: Vec<i64>,
}

/// Handlers' view of a loaded thread.
#[derive(Clone)]
pub struct ThreadHandle {
    ops: mpsc::UnboundedSender<Op>,
    state: Arc<Mutex<ThreadState>>,
    /// Lets the thread's events flow; taken by `announced`.
    announce: Arc<Mutex<Option<oneshot::Sender<()>>>>,
}

impl ThreadHandle {
    pub fn state(&self) -> MutexGuard<'_, ThreadState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the thread's task still runs (it ends after the session shut down).
    pub fn is_running(&self) -> bool {
        !self.ops.is_closed()
    }

    /// The client has the thread's `thread/start` (resume, fork) response: its events may
    /// follow now. Until then they wait, so that nothing (MCP start-up, for one) is announced
    /// for a thread the client does not know yet.
    pub fn announced(&self) {
        let gate = self
            .announce
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(gate) = gate {
            let _ = gate.send(());
        }
    }

    pub fn submit(&self, op: Op) {
        // A closed channel means the thread task ended; the op has nobody to act on it.
        let _ = self.ops.send(op);
    }

    pub fn to_wire(&self, turns: Vec<wire::Turn>) -> wire::Thread {
        let state = self.state();
        state.info.to_wire(state.status.clone(), turns)
    }
}

/// Starts the task that owns `codex` and returns the handlers' handle on it. The task ends
/// after the session shut down.
pub fn spawn_thread(codex: Codex, info: ThreadInfo, outgoing: Arc<Outgoing>) -> ThreadHandle {
    let (ops, mut rx_ops) = mpsc::unbounded_channel();
    let state = Arc::new(Mutex::new(ThreadState {
        info,
        status: wire::ThreadStatus::Idle,
        active_turn: None,
        pending_requests: Vec::new(),
    }));
    let (announce, announced) = oneshot::channel();
    let handle = ThreadHandle {
        ops,
        state: Arc::clone(&state),
        announce: Arc::new(Mutex::new(Some(announce))),
    };
    let mut translator = Translator::new(handle.clone(), outgoing);
    tokio::spawn(async move {
        let mut codex = codex;
        // A dropped gate (the handle is gone) lets the events flow too.
        let _ = announced.await;
        loop {
            tokio::select! {
                op = rx_ops.recv() => match op {
                    Some(op) => {
                        if codex.submit(op).is_err() {
                            break;
                        }
                    }
                    None => break,
                },
                event = codex.next_event() => match event {
                    Some(event) => {
                        if !translator.handle(event.msg).await {
                            break;
                        }
                    }
                    None => break,
                },
            }
        }
    });
    handle
}

pub fn wire_sandbox_policy(policy: &SandboxPolicy) -> wire::SandboxPolicy {
    match policy {
        SandboxPolicy::ReadOnly => wire::SandboxPolicy::ReadOnly {
            network_access: false,
        },
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => wire::SandboxPolicy::WorkspaceWrite {
            writable_roots: writable_roots.clone(),
            network_access: *network_access,
            exclude_tmpdir_env_var: *exclude_tmpdir_env_var,
            exclude_slash_tmp: *exclude_slash_tmp,
        },
        SandboxPolicy::DangerFullAccess => wire::SandboxPolicy::DangerFullAccess,
    }
}

pub fn core_sandbox_policy(policy: &wire::SandboxPolicy) -> SandboxPolicy {
    match policy {
        wire::SandboxPolicy::ReadOnly { .. } => SandboxPolicy::ReadOnly,
        wire::SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => SandboxPolicy::WorkspaceWrite {
            writable_roots: writable_roots.clone(),
            network_access: *network_access,
            exclude_tmpdir_env_var: *exclude_tmpdir_env_var,
            exclude_slash_tmp: *exclude_slash_tmp,
        },
        // Codex does not sandbox under an external sandbox: it trusts the caller's.
        wire::SandboxPolicy::ExternalSandbox { .. } | wire::SandboxPolicy::DangerFullAccess => {
            SandboxPolicy::DangerFullAccess
        }
    }
}

pub fn wire_approval(policy: AskForApproval) -> wire::AskForApproval {
    match policy {
        AskForApproval::Untrusted => wire::AskForApproval::Untrusted,
        AskForApproval::OnFailure => wire::AskForApproval::OnFailure,
        AskForApproval::OnRequest => wire::AskForApproval::OnRequest,
        AskForApproval::Never => wire::AskForApproval::Never,
    }
}

pub fn core_approval(policy: wire::AskForApproval) -> AskForApproval {
    match policy {
        wire::AskForApproval::Untrusted => AskForApproval::Untrusted,
        wire::AskForApproval::OnFailure => AskForApproval::OnFailure,
        wire::AskForApproval::OnRequest => AskForApproval::OnRequest,
        wire::AskForApproval::Never => AskForApproval::Never,
    }
}

/// The client's input as core input; remote images are not supported and are dropped with a
/// log line.
pub fn core_input(input: &[wire::UserInput]) -> Vec<UserInput> {
    input
        .iter()
        .filter_map(|item| match item {
            wire::UserInput::Text { text, .. } => Some(UserInput::Text { text: text.clone() }),
            wire::UserInput::LocalImage { path, .. } => {
                Some(UserInput::LocalImage { path: path.clone() })
            }
            wire::UserInput::Image { .. } => {
                tracing::warn!("ignoring a remote image input: not supported");
                None
            }
        })
        .collect()
}

pub fn wire_input(input: &[UserInput]) -> Vec<wire::UserInput> {
    input
        .iter()
        .map(|item| match item {
            UserInput::Text { text } => wire::UserInput::Text {
                text: text.clone(),
                text_elements: Vec::new(),
            },
            UserInput::LocalImage { path } => wire::UserInput::LocalImage {
                path: path.clone(),
                detail: None,
            },
        })
        .collect()
}

/// A turn read back from a rollout.
pub fn wire_recorded_turn(turn: &RecordedTurn) -> wire::Turn {
    let items = turn
        .items
        .iter()
        .map(|item| {
            let payload = match item {
                RecordedItem::UserMessage { id, text } => wire::ThreadItemPayload::UserMessage {
                    id: id.clone(),
                    client_id: None,
                    content: vec![wire::UserInput::Text {
                        text: text.clone(),
                        text_elements: Vec::new(),
                    }],
                },
                RecordedItem::AgentMessage { id, text } => agent_message(id, text),
                RecordedItem::Reasoning { id, summary } => wire::ThreadItemPayload::Reasoning {
                    id: id.clone(),
                    summary: summary.clone(),
                    content: Vec::new(),
                },
            };
            wire::ThreadItem {
                payload,
                started_at_ms: None,
                completed_at_ms: None,
            }
        })
        .collect();
    wire::Turn {
        id: turn.id.clone(),
        root_turn_id: Some(turn.id.clone()),
        items,
        items_view: wire::TurnItemsView::Full,
        status: match turn.status {
            RecordedTurnStatus::Completed => wire::TurnStatus::Completed,
            RecordedTurnStatus::Interrupted | RecordedTurnStatus::Incomplete => {
                wire::TurnStatus::Interrupted
            }
        },
        error: None,
        started_at: turn.started_at,
        completed_at: None,
        duration_ms: None,
    }
}

pub fn agent_message(id: &str, text: &str) -> wire::ThreadItemPayload {
    wire::ThreadItemPayload::AgentMessage {
        moderation: None,
        id: id.to_string(),
        text: text.to_string(),
        phase: None,
        memory_citation: None,
        delivery: None,
        questions: None,
    }
}

/// A turn as `turn/start` answers it and `turn/started` announces it.
pub fn in_progress_turn(id: &str, started_at: Option<i64>) -> wire::Turn {
    wire::Turn {
        id: id.to_string(),
        root_turn_id: Some(id.to_string()),
        items: Vec::new(),
        items_view: wire::TurnItemsView::NotLoaded,
        status: wire::TurnStatus::InProgress,
        error: None,
        started_at,
        completed_at: None,
        duration_ms: None,
    }
}
