//! The chat widget: maps core events to history cells and the live area (streaming message,
//! running commands), and keys to ops (submit, steer, queue, interrupt, approvals, slash
//! commands). It never draws to the terminal or awaits IO; it sends `AppEvent`s.

mod slash;
pub mod status;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use codex_core::config::AskForApproval;
use codex_core::config::Config;
use codex_core::config::ReasoningEffort;
use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::Op;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::SessionConfiguredEvent;
use codex_core::protocol::TokenUsage;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_core::sandbox::SandboxPolicy;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

pub use status::format_exit_lines;

use crate::app_event::AppEvent;
use crate::app_event::AppEventSender;
use crate::bottom_pane::BottomPane;
use crate::bottom_pane::FooterInfo;
use crate::bottom_pane::approval_view::ApprovalAnswer;
use crate::bottom_pane::approval_view::ApprovalRequest;
use crate::bottom_pane::chat_composer::ChatComposer;
use crate::bottom_pane::chat_composer::ComposerAction;
use crate::clock::Clock;
use crate::history_cell;
use crate::history_cell::AgentMessageCell;
use crate::history_cell::Decision;
use crate::history_cell::ExecCell;
use crate::history_cell::ExecSource;
use crate::history_cell::HistoryCell;
use crate::history_cell::McpToolCallCell;
use crate::history_cell::PatchCell;
use crate::history_cell::ToolCallCell;
use crate::history_cell::UserCell;
use crate::markdown_stream::MarkdownStream;
use crate::notifications::approval_text;
use crate::notifications::turn_complete_text;

/// Everything a chat widget starts from.
pub struct ChatWidgetInit {
    pub config: Config,
    pub app_event_tx: AppEventSender,
    pub clock: Arc<dyn Clock>,
    pub persistent_history: Vec<String>,
    pub home: Option<PathBuf>,
    pub version: String,
}

/// The session settings a turn runs with; `/model` and `/permissions` change them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionSettings {
    pub model: String,
    pub effort: Option<ReasoningEffort>,
    pub approval_policy: AskForApproval,
    pub sandbox_policy: SandboxPolicy,
}

/// What is drawn live above the bottom pane until it is final.
#[derive(Debug)]
enum ActiveCell {
    Stream {
        stream: MarkdownStream,
        /// Whether a chunk with the `•` has been committed already.
        committed_first: bool,
        /// The content width the message renders at, fixed for the whole message: committed
        /// lines are counted, so a width change mid-stream would repeat or skip rows.
        width: usize,
    },
    /// Tool calls (commands, MCP calls), running or done but not yet committed.
    Calls(Vec<ToolCallCell>),
}

pub struct ChatWidget {
    app_event_tx: AppEventSender,
    clock: Arc<dyn Clock>,
    config: Config,
    settings: SessionSettings,
    home: Option<PathBuf>,
    version: String,
    bottom_pane: BottomPane,
    active: Option<ActiveCell>,
    thread_id: Option<String>,
    rollout_path: Option<PathBuf>,
    /// Set from submit (or from `TurnStarted` for turns nobody submitted here).
    turn_started: Option<Instant>,
    /// Compaction turns commit `Context compacted · <elapsed>`.
    compacting: bool,
    total_usage: TokenUsage,
    last_usage: TokenUsage,
    context_window: Option<u64>,
    /// Patch calls whose cell was committed with their approval request.
    patch_cells_shown: HashSet<String>,
    last_agent_message: Option<String>,
    /// The content width the stream renders at (terminal width minus the 2-column hang).
    width: u16,
    /// First Esc on an idle, empty composer: the second one opens backtrack.
    esc_armed: bool,
}

impl ChatWidget {
    pub fn new(init: ChatWidgetInit) -> Self {
        let ChatWidgetInit {
            config,
            app_event_tx,
            clock,
            persistent_history,
            home,
            version,
        } = init;
        let settings = SessionSettings {
            model: config.model.clone(),
            effort: config.model_reasoning_effort,
            approval_policy: config.approval_policy,
            sandbox_policy: config.sandbox_policy.clone(),
        };
        let composer = ChatComposer::new(app_event_tx.clone(), persistent_history);
        let footer = footer_info(&settings, &config, home.as_deref());
        let now = clock.now();
        ChatWidget {
            app_event_tx,
            clock,
            settings,
            home,
            version,
            bottom_pane: BottomPane::new(composer, footer, now),
            active: None,
            thread_id: None,
            rollout_path: None,
            turn_started: None,
            compacting: false,
            total_usage: TokenUsage::default(),
            last_usage: TokenUsage::default(),
            context_window: None,
            patch_cells_shown: HashSet::new(),
            last_agent_message: None,
            width: 80,
            esc_armed: false,
            config,
        }
    }

    pub fn is_busy(&self) -> bool {
        self.turn_started.is_some()
    }

    pub fn thread_id(&self) -> Option<&str> {
        self.thread_id.as_deref()
    }

    pub fn rollout_path(&self) -> Option<&PathBuf> {
        self.rollout_path.as_ref()
    }

    pub fn total_usage(&self) -> &TokenUsage {
        &self.total_usage
    }

    pub fn set_width(&mut self, width: u16) {
        self.width = width;
    }

    pub fn composer_mut(&mut self) -> &mut ChatComposer {
        &mut self.bottom_pane.composer
    }

    /// A prompt given on the command line: submitted as the first turn.
    pub fn submit_initial_prompt(&mut self, text: String, images: Vec<PathBuf>) {
        self.submit_user_turn(text, images);
    }

    // ---- keys ---------------------------------------------------------------------------

    pub fn handle_paste(&mut self, text: String) {
        if self.bottom_pane.approvals.is_active() || self.bottom_pane.selection.is_some() {
            return;
        }
        self.bottom_pane.composer.handle_paste(text);
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind == KeyEventKind::Release {
            return;
        }
        let now = self.clock.now();
        let esc_armed = std::mem::take(&mut self.esc_armed);
        self.bottom_pane.footer_hint = None;

        if self.bottom_pane.approvals.is_active() {
            if let Some(answer) = self.bottom_pane.approvals.handle_key(key) {
                self.on_approval_answer(answer);
            }
            return;
        }
        if let Some(view) = &mut self.bottom_pane.selection {
            if let Some(outcome) = view.handle_key(key) {
                self.bottom_pane.selection = None;
                self.on_selection(outcome);
            }
            return;
        }

        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => {
                self.on_ctrl_c();
                return;
            }
            KeyCode::Char('t') if ctrl => {
                self.app_event_tx.send(AppEvent::OpenTranscript);
                return;
            }
            KeyCode::Left
                if key.modifiers == KeyModifiers::SHIFT
                    && !self.bottom_pane.queued.is_empty()
                    && self.bottom_pane.composer.is_empty() =>
            {
                if let Some(last) = self.bottom_pane.queued.pop() {
                    self.bottom_pane.composer.set_text(&last);
                }
                return;
            }
            _ => {}
        }

        match self.bottom_pane.composer.handle_key(key, now) {
            ComposerAction::None => {}
            ComposerAction::Submit { text, shell: true } => self.run_user_shell(text),
            ComposerAction::Submit { text, shell: false } => {
                if self.is_busy() {
                    self.steer(text);
                } else {
                    self.submit_user_turn(text, Vec::new());
                }
            }
            ComposerAction::Queue(text) => {
                if self.is_busy() {
                    self.bottom_pane.queued.push(text);
                } else {
                    self.submit_user_turn(text, Vec::new());
                }
            }
            ComposerAction::Command(command) => self.dispatch_command(command),
            ComposerAction::Unhandled(key) => self.on_unhandled_key(key, esc_armed),
        }
    }

    fn on_ctrl_c(&mut self) {
        if self.bottom_pane.composer.popup_open() {
            self.bottom_pane.composer.close_popup();
        } else if !self.bottom_pane.composer.is_empty() || self.bottom_pane.composer.is_shell_mode()
        {
            self.bottom_pane.composer.clear_draft();
        } else if self.is_busy() {
            self.interrupt();
        } else {
            self.app_event_tx.send(AppEvent::ExitRequest);
        }
    }

    fn on_unhandled_key(&mut self, key: KeyEvent, esc_armed: bool) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc if self.is_busy() => self.interrupt(),
            KeyCode::Esc if self.bottom_pane.composer.is_empty() => {
                if esc_armed {
                    self.app_event_tx.send(AppEvent::OpenBacktrack);
                } else {
                    self.esc_armed = true;
                    self.bottom_pane.footer_hint = Some("esc again to edit previous message");
                }
            }
            KeyCode::Char('d') if ctrl && !self.is_busy() => {
                self.app_event_tx.send(AppEvent::ExitRequest);
            }
            _ => {}
        }
    }

    fn interrupt(&mut self) {
        self.app_event_tx.codex_op(Op::Interrupt);
    }

    // ---- submitting ---------------------------------------------------------------------

    fn submit_user_turn(&mut self, text: String, images: Vec<PathBuf>) {
        self.app_event_tx
            .send(AppEvent::AppendMessageHistory(text.clone()));
        self.app_event_tx.insert_cell(UserCell::new(text.clone()));
        let mut items: Vec<UserInput> = images
            .into_iter()
            .map(|path| UserInput::LocalImage { path })
            .collect();
        items.push(UserInput::Text { text });
        self.app_event_tx.codex_op(Op::UserTurn {
            items,
            overrides: self.turn_overrides(),
        });
        self.start_task();
    }

    fn steer(&mut self, text: String) {
        self.app_event_tx
            .send(AppEvent::AppendMessageHistory(text.clone()));
        self.app_event_tx.insert_cell(UserCell::new(text.clone()));
        self.app_event_tx.codex_op(Op::Steer {
            items: vec![UserInput::Text { text }],
        });
    }

    fn run_user_shell(&mut self, command: String) {
        self.app_event_tx
            .send(AppEvent::AppendMessageHistory(format!("!{command}")));
        self.app_event_tx
            .codex_op(Op::RunUserShellCommand { command });
        if !self.is_busy() {
            self.start_task();
        }
    }

    fn start_task(&mut self) {
        let now = self.clock.now();
        self.turn_started = Some(now);
        self.bottom_pane.task_started = Some(now);
        self.bottom_pane.status_visible = true;
    }

    fn turn_overrides(&self) -> TurnOverrides {
        TurnOverrides {
            cwd: Some(self.config.cwd.clone()),
            approval_policy: Some(self.settings.approval_policy),
            sandbox_policy: Some(self.settings.sandbox_policy.clone()),
            model: Some(self.settings.model.clone()),
            effort: self.settings.effort,
            ..TurnOverrides::default()
        }
    }

    // ---- approvals ----------------------------------------------------------------------

    fn on_approval_answer(&mut self, answer: ApprovalAnswer) {
        let ApprovalAnswer { request, decision } = answer;
        match request {
            ApprovalRequest::Exec {
                call_id, command, ..
            } => {
                let shown = history_cell::command_display(&command);
                let prefix = match &decision {
                    ReviewDecision::ApprovedExecpolicyAmendment { prefix } => {
                        Some(codex_core::shell_quote::quote_command(prefix))
                    }
                    ReviewDecision::Approved
                    | ReviewDecision::ApprovedForSession
                    | ReviewDecision::Denied
                    | ReviewDecision::Abort => None,
                };
                let kind = match &decision {
                    ReviewDecision::Approved => Decision::ApprovedOnce,
                    ReviewDecision::ApprovedForSession => Decision::ApprovedForSession,
                    ReviewDecision::ApprovedExecpolicyAmendment { .. } => Decision::ApprovedPrefix,
                    ReviewDecision::Abort | ReviewDecision::Denied => Decision::Canceled,
                };
                self.app_event_tx.insert_cell(history_cell::decision_cell(
                    kind,
                    &shown,
                    prefix.as_deref(),
                ));
                if matches!(decision, ReviewDecision::Abort | ReviewDecision::Denied) {
                    self.finish_exec(&call_id, 1, String::new(), std::time::Duration::ZERO);
                }
                self.app_event_tx.codex_op(Op::ExecApproval {
                    id: call_id,
                    decision,
                });
            }
            ApprovalRequest::Patch { call_id, .. } => {
                self.app_event_tx.codex_op(Op::PatchApproval {
                    id: call_id,
                    decision,
                });
            }
        }
    }

    // ---- core events --------------------------------------------------------------------

    pub fn handle_codex_event(&mut self, msg: EventMsg) {
        match msg {
            EventMsg::SessionConfigured(configured) => self.on_session_configured(configured),
            EventMsg::TurnStarted { .. } => {
                if self.turn_started.is_none() {
                    self.start_task();
                }
            }
            EventMsg::AgentMessageStarted { .. } => self.ensure_stream(),
            EventMsg::AgentMessageDelta { delta, .. } => {
                self.ensure_stream();
                if let Some(ActiveCell::Stream { stream, .. }) = &mut self.active {
                    stream.push_delta(&delta);
                }
                self.commit_stream_lines();
            }
            EventMsg::AgentMessage { text, .. } => {
                if matches!(self.active, Some(ActiveCell::Stream { .. })) {
                    self.finish_stream();
                } else {
                    self.flush_active();
                    self.app_event_tx
                        .insert_cell(AgentMessageCell::markdown(text.clone()));
                }
                self.last_agent_message = Some(text);
                self.bottom_pane.status_visible = true;
            }
            EventMsg::ExecCommandBegin {
                call_id,
                command,
                source,
                ..
            } => {
                let source = match source {
                    ExecCommandSource::Agent => ExecSource::Agent,
                    ExecCommandSource::UserShell => ExecSource::UserShell,
                };
                self.begin_call(ToolCallCell::Exec(ExecCell::new(call_id, &command, source)));
            }
            EventMsg::ExecCommandEnd {
                call_id,
                exit_code,
                aggregated_output,
                duration,
                ..
            } => self.finish_exec(&call_id, exit_code, aggregated_output, duration),
            EventMsg::PatchApplyBegin { call_id, changes } => {
                if !self.patch_cells_shown.remove(&call_id) {
                    self.flush_active();
                    self.app_event_tx
                        .insert_cell(PatchCell::new(&changes, &self.config.cwd));
                }
            }
            EventMsg::PatchApplyEnd { success, .. } => {
                if !success {
                    self.app_event_tx
                        .insert_cell(history_cell::error_cell("Failed to apply patch"));
                }
            }
            EventMsg::ExecApprovalRequest {
                call_id,
                command,
                reason,
                proposed_prefix_rule,
                ..
            } => {
                self.begin_call(ToolCallCell::Exec(ExecCell::new(
                    call_id.clone(),
                    &command,
                    ExecSource::Agent,
                )));
                self.app_event_tx.send(AppEvent::DesktopNotification {
                    kind: codex_core::config::NotificationKind::ApprovalRequested,
                    text: approval_text(&history_cell::command_display(&command)),
                });
                self.bottom_pane.approvals.push(ApprovalRequest::Exec {
                    call_id,
                    command,
                    reason,
                    proposed_prefix: proposed_prefix_rule,
                });
            }
            EventMsg::ApplyPatchApprovalRequest {
                call_id,
                changes,
                reason,
            } => {
                self.flush_active();
                self.app_event_tx
                    .insert_cell(PatchCell::new(&changes, &self.config.cwd));
                self.patch_cells_shown.insert(call_id.clone());
                self.app_event_tx.send(AppEvent::DesktopNotification {
                    kind: codex_core::config::NotificationKind::ApprovalRequested,
                    text: approval_text("apply_patch"),
                });
                self.bottom_pane.approvals.push(ApprovalRequest::Patch {
                    call_id,
                    changes,
                    reason,
                });
            }
            EventMsg::McpToolCallBegin {
                call_id,
                invocation,
            } => {
                self.begin_call(ToolCallCell::Mcp(McpToolCallCell::new(call_id, invocation)));
            }
            EventMsg::McpToolCallEnd {
                call_id,
                duration,
                result,
                ..
            } => {
                if let Some(ToolCallCell::Mcp(mut cell)) = self.take_call(&call_id) {
                    cell.complete(duration, &result);
                    self.app_event_tx.insert_cell(cell);
                }
            }
            EventMsg::McpStartupUpdate { status, .. } => {
                if let McpStartupStatus::Failed { error } = status {
                    self.app_event_tx
                        .insert_cell(history_cell::error_cell(error));
                }
            }
            EventMsg::McpStartupComplete(summary) => {
                if !summary.cancelled.is_empty() {
                    self.app_event_tx.insert_cell(history_cell::info_cell(format!(
                        "⚠ MCP startup interrupted. The following servers were not initialized: {}",
                        summary.cancelled.join(", ")
                    )));
                }
            }
            EventMsg::McpListToolsResponse { servers } => {
                self.app_event_tx
                    .insert_cell(history_cell::lines_cell(status::mcp_lines(&servers)));
            }
            EventMsg::PlanUpdate { explanation, plan } => {
                self.flush_active();
                self.app_event_tx
                    .insert_cell(status::plan_cell(explanation.as_deref(), &plan));
            }
            EventMsg::WebSearch { query, .. } => {
                self.flush_active();
                self.app_event_tx
                    .insert_cell(history_cell::info_cell(format!("Searched {query}")));
            }
            EventMsg::StreamError {
                attempt,
                max_attempts,
                ..
            } => {
                self.bottom_pane.status_detail =
                    Some(format!("Reconnecting… {attempt}/{max_attempts}"));
            }
            EventMsg::Warning { message } => {
                self.app_event_tx
                    .insert_cell(history_cell::info_cell(format!("⚠ {message}")));
            }
            EventMsg::TokenCount {
                total,
                last,
                model_context_window,
            } => {
                self.total_usage = total;
                self.last_usage = last;
                self.context_window = model_context_window;
            }
            EventMsg::ContextCompacted => {
                let elapsed = self
                    .turn_started
                    .map(|started| self.clock.now().saturating_duration_since(started))
                    .unwrap_or_default();
                self.app_event_tx
                    .insert_cell(history_cell::info_cell(format!(
                        "Context compacted · {}",
                        history_cell::format_elapsed(elapsed)
                    )));
                self.compacting = false;
            }
            EventMsg::TurnComplete {
                last_agent_message, ..
            } => self.on_turn_complete(last_agent_message),
            EventMsg::TurnFailed { message, .. } => {
                self.flush_active();
                self.app_event_tx
                    .insert_cell(history_cell::error_cell(message));
                self.end_task();
                self.submit_next_queued();
            }
            EventMsg::TurnAborted { .. } => self.on_turn_aborted(),
            EventMsg::ThreadRolledBack { .. } => {
                self.app_event_tx.insert_cell(history_cell::info_cell(
                    "Conversation reverted to this point. File changes are unchanged.",
                ));
            }
            EventMsg::UserMessage { .. }
            | EventMsg::AgentReasoningStarted { .. }
            | EventMsg::ReasoningSummaryPartAdded { .. }
            | EventMsg::AgentReasoning { .. }
            | EventMsg::AgentReasoningRawContent { .. }
            | EventMsg::AgentReasoningDelta { .. }
            | EventMsg::ExecCommandOutputDelta { .. }
            | EventMsg::ShutdownComplete => {}
        }
    }

    fn on_session_configured(&mut self, configured: SessionConfiguredEvent) {
        self.thread_id = Some(configured.thread_id);
        self.rollout_path = configured.rollout_path;
        self.settings.model = configured.model;
        self.settings.approval_policy = configured.approval_policy;
        self.settings.sandbox_policy = configured.sandbox_policy;
        self.refresh_footer();
    }

    fn on_turn_complete(&mut self, last_agent_message: Option<String>) {
        self.flush_active();
        if let Some(started) = self.turn_started {
            let elapsed = self.clock.now().saturating_duration_since(started);
            self.app_event_tx.insert_cell(history_cell::worked_for_cell(
                elapsed,
                &self.clock.local_hhmm(),
            ));
        }
        let text = turn_complete_text(
            last_agent_message
                .as_deref()
                .or(self.last_agent_message.as_deref()),
        );
        self.app_event_tx.send(AppEvent::DesktopNotification {
            kind: codex_core::config::NotificationKind::AgentTurnComplete,
            text,
        });
        self.end_task();
        self.submit_next_queued();
    }

    fn on_turn_aborted(&mut self) {
        if let Some(ActiveCell::Stream { .. }) = &self.active {
            self.finish_stream();
        }
        if let Some(ActiveCell::Calls(cells)) = self.active.take() {
            for mut cell in cells {
                if cell.is_running() {
                    cell.interrupt();
                }
                self.app_event_tx.insert_cell(cell);
            }
        }
        self.bottom_pane.approvals.clear();
        self.app_event_tx
            .insert_cell(history_cell::interrupted_cell());
        self.end_task();
        // Queued messages come back to the composer rather than being lost.
        if !self.bottom_pane.queued.is_empty() {
            let mut text = self.bottom_pane.queued.join("\n");
            if !self.bottom_pane.composer.is_empty() {
                text = format!("{}\n{text}", self.bottom_pane.composer.text());
            }
            self.bottom_pane.queued.clear();
            self.bottom_pane.composer.set_text(&text);
        }
    }

    fn end_task(&mut self) {
        self.turn_started = None;
        self.compacting = false;
        self.bottom_pane.task_started = None;
        self.bottom_pane.status_detail = None;
        self.bottom_pane.status_visible = true;
        self.last_agent_message = None;
    }

    fn submit_next_queued(&mut self) {
        if self.bottom_pane.queued.is_empty() {
            return;
        }
        let next = self.bottom_pane.queued.remove(0);
        self.submit_user_turn(next, Vec::new());
    }

    // ---- the active cell ----------------------------------------------------------------

    fn ensure_stream(&mut self) {
        if matches!(self.active, Some(ActiveCell::Stream { .. })) {
            return;
        }
        self.flush_active();
        self.active = Some(ActiveCell::Stream {
            stream: MarkdownStream::new(),
            committed_first: false,
            width: self.content_width(),
        });
        self.bottom_pane.status_visible = false;
    }

    fn content_width(&self) -> usize {
        usize::from(self.width.saturating_sub(2)).max(1)
    }

    fn commit_stream_lines(&mut self) {
        if let Some(ActiveCell::Stream {
            stream,
            committed_first,
            width,
        }) = &mut self.active
        {
            let lines = stream.commit_complete_lines(*width);
            if !lines.is_empty() {
                let first = !*committed_first;
                *committed_first = true;
                self.app_event_tx
                    .insert_cell(AgentMessageCell::streamed(lines, first));
            }
        }
    }

    fn finish_stream(&mut self) {
        if let Some(ActiveCell::Stream {
            mut stream,
            committed_first,
            width,
        }) = self.active.take()
        {
            let lines = stream.finalize(width);
            if !lines.is_empty() {
                self.app_event_tx
                    .insert_cell(AgentMessageCell::streamed(lines, !committed_first));
            }
        }
    }

    /// Commits whatever is live (a stream, finished commands) before something new starts.
    fn flush_active(&mut self) {
        match self.active.take() {
            stream @ Some(ActiveCell::Stream { .. }) => {
                self.active = stream;
                self.finish_stream();
            }
            Some(ActiveCell::Calls(cells)) => {
                let (running, done): (Vec<ToolCallCell>, Vec<ToolCallCell>) =
                    cells.into_iter().partition(ToolCallCell::is_running);
                for cell in done {
                    self.app_event_tx.insert_cell(cell);
                }
                if !running.is_empty() {
                    self.active = Some(ActiveCell::Calls(running));
                }
            }
            None => {}
        }
    }

    fn begin_call(&mut self, cell: ToolCallCell) {
        if let Some(ActiveCell::Calls(cells)) = &mut self.active {
            if cells
                .iter()
                .any(|existing| existing.call_id() == cell.call_id())
            {
                return;
            }
            cells.push(cell);
            return;
        }
        self.flush_active();
        self.active = Some(ActiveCell::Calls(vec![cell]));
    }

    /// Removes a live call to complete and commit it; `None` for a call never begun here.
    fn take_call(&mut self, call_id: &str) -> Option<ToolCallCell> {
        let Some(ActiveCell::Calls(cells)) = &mut self.active else {
            return None;
        };
        let index = cells.iter().position(|cell| cell.call_id() == call_id)?;
        let cell = cells.remove(index);
        if cells.is_empty() {
            self.active = None;
        }
        Some(cell)
    }

    fn finish_exec(
        &mut self,
        call_id: &str,
        exit_code: i32,
        output: String,
        duration: std::time::Duration,
    ) {
        if let Some(ToolCallCell::Exec(mut cell)) = self.take_call(call_id) {
            cell.complete(exit_code, output, duration);
            self.app_event_tx.insert_cell(cell);
        }
    }

    /// Flips the running commands' bullets (called every 600 ms while any runs).
    pub fn blink(&mut self, visible: bool) -> bool {
        match &mut self.active {
            Some(ActiveCell::Calls(cells)) => {
                for cell in cells.iter_mut() {
                    cell.set_bullet_visible(visible);
                }
                true
            }
            Some(ActiveCell::Stream { .. }) | None => false,
        }
    }

    // ---- rendering ----------------------------------------------------------------------

    /// The live rows above the bottom pane: a running command or the stream's tail.
    pub fn active_lines(&self, width: u16) -> Vec<Line<'static>> {
        match &self.active {
            None => Vec::new(),
            Some(ActiveCell::Calls(cells)) => {
                let mut lines = Vec::new();
                for cell in cells {
                    if !lines.is_empty() {
                        lines.push(Line::default());
                    }
                    lines.extend(cell.display_lines(width));
                }
                lines
            }
            Some(ActiveCell::Stream {
                stream,
                committed_first,
                width: stream_width,
            }) => {
                let tail = stream.tail_lines(*stream_width);
                if tail.is_empty() {
                    return Vec::new();
                }
                AgentMessageCell::streamed(tail, !committed_first).display_lines(width)
            }
        }
    }

    pub fn bottom_pane_height(&self, width: u16) -> u16 {
        self.bottom_pane.desired_height(width)
    }

    /// Live area height: the active cell (plus its separating blank row) and the bottom pane.
    pub fn desired_height(&self, width: u16) -> u16 {
        let active = self.active_lines(width).len();
        let active = if active == 0 { 0 } else { active + 1 };
        u16::try_from(active)
            .unwrap_or(u16::MAX)
            .saturating_add(self.bottom_pane_height(width))
    }

    /// Draws the live area into `area` (active cell, blank row, bottom pane).
    pub fn render(&mut self, area: Rect, buf: &mut Buffer) {
        self.bottom_pane.now = self.clock.now();
        let pane_height = self.bottom_pane_height(area.width).min(area.height);
        let active_area = Rect {
            height: area.height - pane_height,
            ..area
        };
        let mut active = self.active_lines(area.width);
        if !active.is_empty() {
            active.push(Line::default());
            // Keep the newest rows when the live cell is taller than the space.
            let skip = active.len().saturating_sub(usize::from(active_area.height));
            Paragraph::new(active.split_off(skip)).render(active_area, buf);
        }
        let pane_area = Rect {
            y: area.bottom() - pane_height,
            height: pane_height,
            ..area
        };
        self.bottom_pane.render(pane_area, buf);
    }

    pub fn cursor_pos(&self, area: Rect) -> Option<(u16, u16)> {
        let pane_height = self.bottom_pane_height(area.width).min(area.height);
        self.bottom_pane.cursor_pos(Rect {
            y: area.bottom() - pane_height,
            height: pane_height,
            ..area
        })
    }

    /// Ticks: the status timer, blinking bullets, paste-burst flushes. Returns whether
    /// anything visible changed.
    pub fn on_tick(&mut self) -> bool {
        let now = self.clock.now();
        self.bottom_pane.now = now;
        self.bottom_pane.composer.flush_paste_burst(now)
    }

    /// When keys held by the paste-burst guard are due (the app ticks then).
    pub fn paste_burst_deadline(&self) -> Option<Instant> {
        self.bottom_pane.composer.paste_burst_deadline()
    }

    fn refresh_footer(&mut self) {
        self.bottom_pane.footer = footer_info(&self.settings, &self.config, self.home.as_deref());
    }
}

fn footer_info(
    settings: &SessionSettings,
    config: &Config,
    home: Option<&std::path::Path>,
) -> FooterInfo {
    FooterInfo {
        model: settings.model.clone(),
        effort: settings.effort.map_or_else(
            || "default".to_string(),
            |effort| effort.as_str().to_string(),
        ),
        cwd: history_cell::display_path(&config.cwd, home),
    }
}

#[cfg(test)]
mod tests;
