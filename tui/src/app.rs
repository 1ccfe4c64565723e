//! `App::run`: one `select!` over terminal events, core events, the app-event bus and frame
//! ticks. The app owns the core session handle, the committed history and the overlays; the
//! chat widget owns everything live. Frames are coalesced to at most one per 16 ms.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use codex_core::Codex;
use codex_core::InitialHistory;
use codex_core::SessionOptions;
use codex_core::config::Config;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::rollout;
use codex_core::rollout::threads::RecordedItem;
use codex_core::rollout::threads::RecordedTurnStatus;
use crossterm::event::Event as TermEvent;
use crossterm::event::EventStream;
use crossterm::event::KeyCode;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use futures::StreamExt;
use ratatui::layout::Rect;
use tokio::sync::mpsc;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::app_event::AppEvent;
use crate::app_event::AppEventSender;
use crate::chatwidget::ChatWidget;
use crate::chatwidget::ChatWidgetInit;
use crate::clock::Clock;
use crate::git_diff::GitDiff;
use crate::history_cell;
use crate::history_cell::AgentMessageCell;
use crate::history_cell::HeaderCell;
use crate::history_cell::HistoryCell;
use crate::history_cell::UserCell;
use crate::history_view::HistoryView;
use crate::notifications::DesktopNotifier;
use crate::pager_overlay::OverlayOutcome;
use crate::pager_overlay::PagerOverlay;
use crate::pager_overlay::TranscriptEntry;
use crate::resume_picker::PickerOutcome;
use crate::resume_picker::ResumePicker;
use crate::terminal::ScreenMode;
use crate::terminal::Tui;

const FRAME_INTERVAL: Duration = Duration::from_millis(16);
const TICK_INTERVAL: Duration = Duration::from_millis(100);
const BLINK_INTERVAL: Duration = Duration::from_millis(600);
/// How long exit waits for core to flush the rollout.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(2);

/// How the app ended: what to print after the terminal is restored.
#[derive(Debug, Default)]
pub struct AppExit {
    pub token_usage: codex_core::protocol::TokenUsage,
    pub thread_id: Option<String>,
    pub has_rollout: bool,
}

/// What the app needs to start sessions.
pub struct AppInit {
    pub config: Config,
    pub session_options: SessionOptions,
    pub clock: Arc<dyn Clock>,
    pub version: String,
    pub home: Option<PathBuf>,
    pub persistent_history: Vec<String>,
    pub notifier: DesktopNotifier,
    /// The `--profile` in effect: `/model` persists its choice there.
    pub profile: Option<String>,
}

/// Full-screen overlays (each on the alternate screen while open).
enum Overlay {
    Pager(PagerOverlay),
    Backtrack(PagerOverlay),
    ResumePicker(ResumePicker),
}

pub struct App {
    init: AppInit,
    config: Config,
    codex: Codex,
    chat: ChatWidget,
    history: HistoryView,
    app_event_tx: AppEventSender,
    app_event_rx: UnboundedReceiver<AppEvent>,
    overlay: Option<Overlay>,
    /// Alt screen: rows scrolled up from the bottom of the history (PgUp/PgDn).
    scroll_back: usize,
    focused: bool,
    dirty: bool,
    last_frame: Option<Instant>,
    /// The latest `@` query; results for older ones are dropped.
    file_query: Option<String>,
    /// The thread the next `NewSession` opens (a resume chosen in the picker).
    pending_history: Option<InitialHistory>,
}

impl App {
    /// Starts the session (new or resumed) and returns the app ready to run.
    pub async fn start(
        init: AppInit,
        history: InitialHistory,
        initial_prompt: Option<(String, Vec<PathBuf>)>,
    ) -> anyhow::Result<App> {
        let (tx, app_event_rx) = mpsc::unbounded_channel();
        let app_event_tx = AppEventSender::new(tx);
        let config = init.config.clone();
        let (codex, chat) = Self::spawn_session(&init, &config, &app_event_tx, history).await?;
        let mut app = App {
            init,
            config,
            codex,
            chat,
            history: HistoryView::default(),
            app_event_tx,
            app_event_rx,
            overlay: None,
            scroll_back: 0,
            focused: true,
            dirty: true,
            last_frame: None,
            file_query: None,
            pending_history: None,
        };
        if let Some((prompt, images)) = initial_prompt {
            app.chat.submit_initial_prompt(prompt, images);
        }
        Ok(app)
    }

    async fn spawn_session(
        init: &AppInit,
        config: &Config,
        app_event_tx: &AppEventSender,
        history: InitialHistory,
    ) -> anyhow::Result<(Codex, ChatWidget)> {
        let replay = match &history {
            InitialHistory::Resumed(thread) => {
                rollout::threads::read_turns(&thread.path).unwrap_or_default()
            }
            InitialHistory::New | InitialHistory::Forked(_) => Vec::new(),
        };
        let mut options = init.session_options.clone();
        options.history = history;
        let (codex, configured) = Codex::spawn(config.clone(), options).await?;
        let mut chat = ChatWidget::new(ChatWidgetInit {
            config: config.clone(),
            app_event_tx: app_event_tx.clone(),
            clock: Arc::clone(&init.clock),
            persistent_history: init.persistent_history.clone(),
            home: init.home.clone(),
            version: init.version.clone(),
        });
        chat.handle_codex_event(EventMsg::SessionConfigured(configured));
        let header = HeaderCell::new(&init.version, &config.cwd, init.home.as_deref());
        app_event_tx.insert_cell(header);
        for warning in &config.warnings {
            app_event_tx.insert_cell(history_cell::info_cell(warning.clone()));
        }
        for turn in replay {
            for item in turn.items {
                match item {
                    RecordedItem::UserMessage { text, .. } => {
                        app_event_tx.insert_cell(UserCell::new(text));
                    }
                    RecordedItem::AgentMessage { text, .. } => {
                        app_event_tx.insert_cell(AgentMessageCell::markdown(text));
                    }
                    RecordedItem::Reasoning { .. } => {}
                }
            }
            match turn.status {
                RecordedTurnStatus::Interrupted => {
                    app_event_tx.insert_cell(history_cell::interrupted_cell());
                }
                RecordedTurnStatus::Completed | RecordedTurnStatus::Incomplete => {}
            }
        }
        Ok((codex, chat))
    }

    pub async fn run(mut self, tui: &mut Tui) -> anyhow::Result<AppExit> {
        let mut events = EventStream::new();
        let mut tick = tokio::time::interval(TICK_INTERVAL);
        let mut blink = tokio::time::interval(BLINK_INTERVAL);
        let mut blink_on = true;
        loop {
            let frame_due = self.frame_deadline();
            let burst_due = self.chat.paste_burst_deadline();
            tokio::select! {
                Some(event) = self.app_event_rx.recv() => {
                    if self.handle_app_event(tui, event).await? {
                        break;
                    }
                    self.dirty = true;
                }
                event = self.codex.next_event() => {
                    match event {
                        Some(event) => {
                            self.chat.handle_codex_event(event.msg);
                            self.dirty = true;
                        }
                        None => {
                            self.app_event_tx.insert_cell(history_cell::error_cell(
                                "The session ended unexpectedly; see $CODEX_HOME/log/codex-tui.log.",
                            ));
                            break;
                        }
                    }
                }
                Some(event) = events.next() => {
                    match event {
                        Ok(event) => self.handle_terminal_event(tui, event)?,
                        Err(err) => return Err(err.into()),
                    }
                }
                _ = tick.tick() => {
                    if self.chat.on_tick() || self.chat.is_busy() {
                        self.dirty = true;
                    }
                }
                _ = blink.tick() => {
                    blink_on = !blink_on;
                    if self.chat.blink(blink_on) {
                        self.dirty = true;
                    }
                }
                _ = sleep_until_opt(frame_due) => {}
                _ = sleep_until_opt(burst_due) => {
                    if self.chat.on_tick() {
                        self.dirty = true;
                    }
                }
            }
            if self.dirty
                && self
                    .frame_deadline()
                    .is_some_and(|due| due <= Instant::now())
            {
                self.draw(tui)?;
            }
        }
        Ok(self.shutdown().await)
    }

    /// When the next frame may be drawn (`None` when nothing changed).
    fn frame_deadline(&self) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        Some(
            self.last_frame
                .map_or_else(Instant::now, |last| last + FRAME_INTERVAL),
        )
    }

    async fn shutdown(mut self) -> AppExit {
        let exit = AppExit {
            token_usage: *self.chat.total_usage(),
            thread_id: self.chat.thread_id().map(str::to_string),
            has_rollout: self.chat.rollout_path().is_some(),
        };
        shutdown_codex(&mut self.codex).await;
        exit
    }

    // ---- terminal events ----------------------------------------------------------------

    fn handle_terminal_event(&mut self, tui: &mut Tui, event: TermEvent) -> anyhow::Result<()> {
        match event {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                if self.overlay.is_some() {
                    self.handle_overlay_key(tui, key)?;
                } else if tui.mode == ScreenMode::AltScreen
                    && matches!(key.code, KeyCode::PageUp | KeyCode::PageDown)
                {
                    let page = usize::from(tui.size().height / 2).max(1);
                    self.scroll_back = if key.code == KeyCode::PageUp {
                        self.scroll_back + page
                    } else {
                        self.scroll_back.saturating_sub(page)
                    };
                } else {
                    self.scroll_back = 0;
                    self.chat.handle_key(key);
                }
            }
            TermEvent::Key(_) => {}
            TermEvent::Paste(text) => {
                if self.overlay.is_none() {
                    self.chat.handle_paste(text);
                }
            }
            TermEvent::Resize(..) => {
                tui.on_resize()?;
            }
            TermEvent::FocusGained => self.focused = true,
            TermEvent::FocusLost => self.focused = false,
            TermEvent::Mouse(_) => {}
        }
        self.dirty = true;
        Ok(())
    }

    fn handle_overlay_key(
        &mut self,
        tui: &mut Tui,
        key: crossterm::event::KeyEvent,
    ) -> anyhow::Result<()> {
        let height = tui.size().height;
        let Some(overlay) = &mut self.overlay else {
            return Ok(());
        };
        match overlay {
            Overlay::Pager(pager) => {
                let ctrl_t =
                    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('t');
                if ctrl_t || pager.handle_key(key, height).is_some() {
                    self.close_overlay(tui)?;
                }
            }
            Overlay::Backtrack(pager) => match pager.handle_key(key, height) {
                Some(OverlayOutcome::Rewind { user_message_index }) => {
                    self.close_overlay(tui)?;
                    self.rewind(tui, user_message_index)?;
                }
                Some(OverlayOutcome::Close) => self.close_overlay(tui)?,
                None => {}
            },
            Overlay::ResumePicker(picker) => match picker.handle_key(key) {
                Some(PickerOutcome::Resume(path)) => {
                    self.close_overlay(tui)?;
                    self.resume_from_picker(tui, path);
                }
                Some(PickerOutcome::StartNew) | Some(PickerOutcome::Quit) => {
                    self.close_overlay(tui)?;
                }
                None => {}
            },
        }
        Ok(())
    }

    fn open_overlay(&mut self, tui: &mut Tui, overlay: Overlay) -> anyhow::Result<()> {
        tui.enter_overlay()?;
        self.overlay = Some(overlay);
        Ok(())
    }

    fn close_overlay(&mut self, tui: &mut Tui) -> anyhow::Result<()> {
        self.overlay = None;
        tui.leave_overlay()?;
        Ok(())
    }

    fn transcript_entries(&self, width: u16) -> Vec<TranscriptEntry> {
        self.history
            .cells()
            .iter()
            .map(|cell| TranscriptEntry {
                lines: cell.transcript_lines(width),
                is_user_message: cell.user_message().is_some(),
            })
            .collect()
    }

    /// Backtrack: drop the history from the chosen user message on, roll core back by the
    /// same number of turns, and put the message back in the composer.
    fn rewind(&mut self, tui: &mut Tui, user_message_index: usize) -> anyhow::Result<()> {
        let user_cells: Vec<usize> = self
            .history
            .cells()
            .iter()
            .enumerate()
            .filter(|(_, cell)| cell.user_message().is_some())
            .map(|(index, _)| index)
            .collect();
        let Some(&cell_index) = user_cells.get(user_message_index) else {
            return Ok(());
        };
        let text = self.history.cells()[cell_index]
            .user_message()
            .unwrap_or_default()
            .to_string();
        let num_turns = u32::try_from(user_cells.len() - user_message_index).unwrap_or(u32::MAX);
        self.history.truncate(cell_index);
        self.codex.submit(Op::ThreadRollback { num_turns })?;
        self.chat.composer_mut().set_text(&text);
        if tui.mode == ScreenMode::Inline {
            // The scrollback cannot be edited: print what remains again.
            tui.clear_screen()?;
            let width = tui.size().width;
            let mut lines = Vec::new();
            for (index, cell) in self.history.cells().iter().enumerate() {
                lines.extend(HistoryView::cell_rows(cell.as_ref(), width, index == 0));
            }
            tui.insert_history_lines(&lines)?;
        }
        Ok(())
    }

    fn resume_from_picker(&mut self, tui: &mut Tui, path: PathBuf) {
        match rollout::read_rollout(&path) {
            Ok(thread) => {
                self.app_event_tx.send(AppEvent::NewSession {
                    clear_screen: tui.mode == ScreenMode::Inline,
                });
                self.pending_history = Some(InitialHistory::Resumed(thread));
            }
            Err(err) => self
                .app_event_tx
                .insert_cell(history_cell::error_cell(format!("Failed to resume: {err}"))),
        }
    }

    // ---- app events ---------------------------------------------------------------------

    /// Returns `true` when the app should exit.
    async fn handle_app_event(&mut self, tui: &mut Tui, event: AppEvent) -> anyhow::Result<bool> {
        match event {
            AppEvent::InsertHistoryCell(cell) => self.insert_cell(tui, cell)?,
            AppEvent::CodexOp(op) => {
                self.codex.submit(op)?;
            }
            AppEvent::StartFileSearch(query) => {
                self.file_query = Some(query.clone());
                let root = self.config.cwd.clone();
                let tx = self.app_event_tx.clone();
                tokio::task::spawn_blocking(move || {
                    let matches = crate::file_search::search_files(&root, &query, 8);
                    tx.send(AppEvent::FileSearchResult { query, matches });
                });
            }
            AppEvent::FileSearchResult { query, matches } => {
                if self.file_query.as_deref() == Some(query.as_str()) {
                    self.chat
                        .composer_mut()
                        .on_file_search_result(query, matches);
                }
            }
            AppEvent::ComputeDiff => {
                let cwd = self.config.cwd.clone();
                let tx = self.app_event_tx.clone();
                tokio::spawn(async move {
                    tx.send(AppEvent::DiffResult(crate::git_diff::git_diff(&cwd).await));
                });
            }
            AppEvent::DiffResult(diff) => match diff {
                GitDiff::Diff(text) if text.trim().is_empty() => {
                    self.insert_cell(
                        tui,
                        Box::new(history_cell::info_cell("No changes to show.")),
                    )?;
                }
                GitDiff::Diff(text) => {
                    self.open_overlay(tui, Overlay::Pager(PagerOverlay::diff(&text)))?;
                }
                GitDiff::NotAGitRepo => self.insert_cell(
                    tui,
                    Box::new(history_cell::info_cell(
                        "`/diff` — not inside a git repository",
                    )),
                )?,
                GitDiff::Failed(message) => self.insert_cell(
                    tui,
                    Box::new(history_cell::error_cell(format!(
                        "Failed to compute the diff: {message}"
                    ))),
                )?,
            },
            AppEvent::OpenResumePicker => {
                let codex_home = self.config.codex_home.clone();
                let threads = tokio::task::spawn_blocking(move || {
                    rollout::threads::list_threads(&codex_home, rollout::threads::Archived::No)
                })
                .await
                .unwrap_or_default();
                let picker =
                    ResumePicker::new(threads, self.config.cwd.clone(), self.init.clock.unix_now());
                self.open_overlay(tui, Overlay::ResumePicker(picker))?;
            }
            AppEvent::NewSession { clear_screen } => {
                let history = self.pending_history.take().unwrap_or(InitialHistory::New);
                shutdown_codex(&mut self.codex).await;
                self.history.clear();
                if clear_screen || tui.mode == ScreenMode::Inline {
                    tui.clear_screen()?;
                }
                let (codex, chat) =
                    Self::spawn_session(&self.init, &self.config, &self.app_event_tx, history)
                        .await?;
                self.codex = codex;
                self.chat = chat;
            }
            AppEvent::OpenTranscript => {
                let entries = self.transcript_entries(tui.size().width);
                self.open_overlay(tui, Overlay::Pager(PagerOverlay::transcript(entries)))?;
            }
            AppEvent::OpenBacktrack => {
                let entries = self.transcript_entries(tui.size().width);
                if entries.iter().any(|entry| entry.is_user_message) {
                    self.open_overlay(tui, Overlay::Backtrack(PagerOverlay::backtrack(entries)))?;
                }
            }
            AppEvent::Logout => {
                let codex_home = self.config.codex_home.clone();
                if let Err(err) = codex_core::auth::logout(&codex_home) {
                    tracing::error!("logout failed: {err}");
                }
                return Ok(true);
            }
            AppEvent::PersistModel { model, effort } => {
                let codex_home = self.config.codex_home.clone();
                let profile = self.init.profile.clone();
                let tx = self.app_event_tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(err) = codex_core::config::edit::set_model(
                        &codex_home,
                        profile.as_deref(),
                        &model,
                        effort,
                    ) {
                        tx.insert_cell(history_cell::error_cell(format!(
                            "Failed to save the model to config.toml: {err}"
                        )));
                    }
                });
            }
            AppEvent::AppendMessageHistory(text) => {
                let config = self.config.clone();
                let thread_id = self.chat.thread_id().unwrap_or_default().to_string();
                tokio::task::spawn_blocking(move || {
                    if let Err(err) =
                        codex_core::message_history::append_entry(&config, &thread_id, &text)
                    {
                        tracing::warn!("failed to append to history.jsonl: {err}");
                    }
                });
            }
            AppEvent::DesktopNotification { kind, text } => {
                if !self.focused && self.config.tui_notifications.allows(kind) {
                    self.init.notifier.notify(tui.terminal.backend_mut(), &text);
                }
            }
            AppEvent::ExitRequest => return Ok(true),
        }
        Ok(false)
    }

    fn insert_cell(&mut self, tui: &mut Tui, cell: Box<dyn HistoryCell>) -> anyhow::Result<()> {
        if tui.mode == ScreenMode::Inline {
            let width = tui.size().width;
            let lines =
                HistoryView::cell_rows(cell.as_ref(), width, self.history.cells().is_empty());
            tui.insert_history_lines(&lines)?;
        }
        self.history.push(cell);
        Ok(())
    }

    // ---- drawing ------------------------------------------------------------------------

    fn draw(&mut self, tui: &mut Tui) -> anyhow::Result<()> {
        self.last_frame = Some(Instant::now());
        self.dirty = false;
        let screen = tui.size();
        self.chat.set_width(screen.width);
        if let Some(overlay) = &mut self.overlay {
            tui.prepare_viewport(screen.height)?;
            tui.terminal.draw(|frame| {
                let area = frame.area();
                match overlay {
                    Overlay::Pager(pager) | Overlay::Backtrack(pager) => {
                        pager.render(area, frame.buffer_mut());
                    }
                    Overlay::ResumePicker(picker) => picker.render(area, frame.buffer_mut()),
                }
            })?;
            return Ok(());
        }
        // Inline: a blank row separates the scrollback from the live area.
        let live_height = self.chat.desired_height(screen.width) + 1;
        tui.prepare_viewport(live_height)?;
        let mode = tui.mode;
        let history = &mut self.history;
        let chat = &mut self.chat;
        let scroll_back = &mut self.scroll_back;
        tui.terminal.draw(|frame| {
            let area = frame.area();
            let cursor = match mode {
                ScreenMode::Inline => {
                    let live = Rect {
                        y: area.y + 1.min(area.height),
                        height: area.height.saturating_sub(1),
                        ..area
                    };
                    chat.render(live, frame.buffer_mut());
                    chat.cursor_pos(live)
                }
                ScreenMode::AltScreen => {
                    render_alt_screen(history, chat, scroll_back, area, frame.buffer_mut())
                }
            };
            if let Some((x, y)) = cursor {
                frame.set_cursor_position((x, y));
            }
        })?;
        Ok(())
    }
}

/// The whole chat on the alternate screen: history from the top, the live area right below
/// it, pinned to the bottom once the history is taller than the space left.
pub fn render_alt_screen(
    history: &mut HistoryView,
    chat: &mut ChatWidget,
    scroll_back: &mut usize,
    area: Rect,
    buf: &mut ratatui::buffer::Buffer,
) -> Option<(u16, u16)> {
    let live = chat.desired_height(area.width).min(area.height);
    let space = usize::from(area.height - live);
    let total = history.height(area.width);
    // One blank row separates the history from the live area.
    let shown_total = if total > 0 { total + 1 } else { 0 };
    let history_rows = shown_total.min(space);
    *scroll_back = (*scroll_back).min(shown_total.saturating_sub(history_rows));
    let first = shown_total - history_rows - *scroll_back;
    let history_area = Rect {
        height: u16::try_from(history_rows).unwrap_or(0),
        ..area
    };
    history.render(first, history_area, buf);
    let live_area = Rect {
        y: area.y + history_area.height,
        height: live,
        ..area
    };
    chat.render(live_area, buf);
    chat.cursor_pos(live_area)
}

async fn shutdown_codex(codex: &mut Codex) {
    if codex.submit(Op::Shutdown).is_err() {
        return;
    }
    let wait = async {
        while let Some(event) = codex.next_event().await {
            if matches!(event.msg, EventMsg::ShutdownComplete) {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(SHUTDOWN_WAIT, wait).await;
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline.into()).await,
        None => std::future::pending().await,
    }
}
