//! The app-event bus: widgets never draw or await IO; they send an `AppEvent` and the `App`
//! loop acts on it (submit an op to core, commit a cell, start a search, open an overlay…).

use codex_core::protocol::Op;
use tokio::sync::mpsc::UnboundedSender;

use crate::file_search::FileMatch;
use crate::git_diff::GitDiff;
use crate::history_cell::HistoryCell;

#[derive(Debug)]
pub enum AppEvent {
    /// Commit a finished cell to the history.
    InsertHistoryCell(Box<dyn HistoryCell>),
    /// Submit an operation to the core session.
    CodexOp(Op),
    /// Search files under cwd for the `@` popup (runs off the UI thread).
    StartFileSearch(String),
    FileSearchResult {
        query: String,
        matches: Vec<FileMatch>,
    },
    /// Compute `/diff` off the UI thread; `DiffResult` brings it back.
    ComputeDiff,
    DiffResult(GitDiff),
    OpenResumePicker,
    /// Shut the session down and start a fresh one (`/new`, `/clear` also clears the screen).
    NewSession {
        clear_screen: bool,
    },
    OpenTranscript,
    OpenBacktrack,
    /// Remove stored credentials, then exit (`/logout`).
    Logout,
    /// Persist `/model`'s choice to config.toml.
    PersistModel {
        model: String,
        effort: Option<codex_core::config::ReasoningEffort>,
    },
    /// Append a submitted message to `$CODEX_HOME/history.jsonl` (blocking IO, off the UI).
    AppendMessageHistory(String),
    /// A desktop notification (sent only while the terminal is unfocused).
    DesktopNotification {
        kind: codex_core::config::NotificationKind,
        text: String,
    },
    ExitRequest,
}

/// The sending half given to widgets.
#[derive(Debug, Clone)]
pub struct AppEventSender {
    tx: UnboundedSender<AppEvent>,
}

impl AppEventSender {
    pub fn new(tx: UnboundedSender<AppEvent>) -> Self {
        AppEventSender { tx }
    }

    pub fn send(&self, event: AppEvent) {
        // The receiver lives as long as the app; a send after shutdown has nobody to act on it.
        if self.tx.send(event).is_err() {
            tracing::debug!("app event dropped after shutdown");
        }
    }

    pub fn insert_cell(&self, cell: impl HistoryCell + 'static) {
        self.send(AppEvent::InsertHistoryCell(Box::new(cell)));
    }

    pub fn codex_op(&self, op: Op) {
        self.send(AppEvent::CodexOp(op));
    }
}
