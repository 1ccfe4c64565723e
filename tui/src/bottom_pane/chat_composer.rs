//! The composer: the prompt, the draft, and the popups that grow out of it (`/` commands, `@`
//! files, `?` shortcuts) plus `!` shell mode, message history and large-paste placeholders.
//! It reports what the user asked for; the chat widget decides what that means while busy.

use std::cell::Cell;
use std::time::Instant;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use super::composer_history::ComposerHistory;
use super::paste_burst::EnterAction;
use super::paste_burst::PasteBurst;
use super::textarea::TextArea;
use super::textarea::TextAreaInput;
use crate::app_event::AppEvent;
use crate::app_event::AppEventSender;
use crate::file_search::FileMatch;
use crate::file_search::insert_text_for;
use crate::file_search::render_file_popup;
use crate::slash_command::SlashCommand;

/// The composer grows to this many rows, then scrolls.
const MAX_ROWS: u16 = 8;
const POPUP_ROWS: usize = 8;
/// Pastes longer than this show as `[Pasted Content N chars]` until submitted.
const LARGE_PASTE_CHARS: usize = 1000;
const PLACEHOLDER: &str = "Ask Codex to do anything";

/// What a key asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum ComposerAction {
    None,
    /// Enter with text: a message (or a `!` shell line when `shell` is set).
    Submit {
        text: String,
        shell: bool,
    },
    /// Tab with text.
    Queue(String),
    /// A slash command chosen from the popup or typed in full.
    Command(SlashCommand),
    /// A key the composer does not use (Esc with nothing open, Ctrl+C, Ctrl+D on empty, …).
    Unhandled(KeyEvent),
}

#[derive(Debug)]
enum Popup {
    None,
    Slash {
        selected: usize,
    },
    File {
        query: String,
        matches: Vec<FileMatch>,
        selected: usize,
    },
    Shortcuts,
}

#[derive(Debug)]
pub struct ChatComposer {
    textarea: TextArea,
    scroll: Cell<u16>,
    shell_mode: bool,
    popup: Popup,
    /// The token the user closed a popup on with Esc: it stays closed until the text changes.
    dismissed: Option<String>,
    history: ComposerHistory,
    paste_burst: PasteBurst,
    /// Large pastes shown as placeholders: (placeholder, text).
    pending_pastes: Vec<(String, String)>,
    app_event_tx: AppEventSender,
    width: Cell<u16>,
    /// Ctrl+R reverse history search, while active.
    search: Option<HistorySearch>,
}

#[derive(Debug)]
struct HistorySearch {
    query: String,
    /// Index of the shown match in the history, `None` while nothing matches.
    found: Option<usize>,
    /// The draft to restore on Esc.
    saved_draft: String,
}

impl ChatComposer {
    pub fn new(app_event_tx: AppEventSender, persistent_history: Vec<String>) -> Self {
        ChatComposer {
            textarea: TextArea::new(),
            scroll: Cell::new(0),
            shell_mode: false,
            popup: Popup::None,
            dismissed: None,
            history: ComposerHistory::new(persistent_history),
            paste_burst: PasteBurst::default(),
            pending_pastes: Vec::new(),
            app_event_tx,
            width: Cell::new(80),
            search: None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.textarea.is_empty()
    }

    pub fn text(&self) -> &str {
        self.textarea.text()
    }

    pub fn is_shell_mode(&self) -> bool {
        self.shell_mode
    }

    /// A popup or the Ctrl+R search is open (Ctrl+C closes it first).
    pub fn popup_open(&self) -> bool {
        !matches!(self.popup, Popup::None) || self.search.is_some()
    }

    pub fn set_text(&mut self, text: &str) {
        self.textarea.set_text(text);
        self.pending_pastes.clear();
        self.sync_popup();
    }

    /// Ctrl+C with a draft: clear it, but keep it reachable with Up.
    pub fn clear_draft(&mut self) {
        let draft = self.expanded_text();
        if !draft.trim().is_empty() {
            self.history.record_submitted(&draft);
        }
        self.set_text("");
        self.shell_mode = false;
    }

    pub fn close_popup(&mut self) {
        if let Some(search) = self.search.take() {
            self.textarea.set_text(&search.saved_draft);
            return;
        }
        if !matches!(self.popup, Popup::Shortcuts) {
            self.dismissed = self.popup_candidate();
        }
        self.popup = Popup::None;
    }

    /// Opens the file popup as if `@` had been typed (`/mention`).
    pub fn insert_mention(&mut self) {
        self.textarea.insert_str("@");
        self.sync_popup();
    }

    pub fn record_history(&mut self, text: &str) {
        self.history.record_submitted(text);
    }

    pub fn handle_paste(&mut self, pasted: String) {
        // Terminals send CR inside bracketed pastes; the draft keeps newlines.
        let pasted = pasted.replace("\r\n", "\n").replace('\r', "\n");
        let chars = pasted.chars().count();
        if chars > LARGE_PASTE_CHARS {
            let same = self
                .pending_pastes
                .iter()
                .filter(|(_, text)| text.chars().count() == chars)
                .count();
            let placeholder = if same == 0 {
                format!("[Pasted Content {chars} chars]")
            } else {
                format!("[Pasted Content {chars} chars] #{}", same + 1)
            };
            self.textarea.insert_str(&placeholder);
            self.pending_pastes.push((placeholder, pasted));
        } else {
            self.textarea.insert_str(&pasted);
        }
        self.sync_popup();
    }

    pub fn on_file_search_result(&mut self, query: String, matches: Vec<FileMatch>) {
        if let Popup::File {
            query: current,
            matches: shown,
            selected,
        } = &mut self.popup
            && *current == query
        {
            *shown = matches;
            *selected = 0;
        }
    }

    /// Keys while Ctrl+R search is active: typing edits the query, Ctrl+R finds an older
    /// match, Enter accepts the shown text, Esc restores the draft (Ctrl+C too, through
    /// `close_popup`).
    fn handle_search_key(&mut self, key: KeyEvent) -> ComposerAction {
        let Some(search) = &mut self.search else {
            return ComposerAction::None;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let before = match key.code {
            KeyCode::Char('r') if ctrl => search.found,
            KeyCode::Esc => {
                self.close_popup();
                return ComposerAction::None;
            }
            KeyCode::Enter | KeyCode::Tab | KeyCode::Left | KeyCode::Right => {
                self.search = None;
                return ComposerAction::None;
            }
            KeyCode::Backspace => {
                search.query.pop();
                None
            }
            KeyCode::Char(ch) if !ctrl => {
                search.query.push(ch);
                None
            }
            _ => return ComposerAction::None,
        };
        let found = self
            .history
            .search(&search.query, before)
            .map(|(index, text)| (index, text.to_string()));
        match found {
            Some((index, text)) => {
                search.found = Some(index);
                self.textarea.set_text(&text);
            }
            None if before.is_none() => search.found = None,
            None => {}
        }
        ComposerAction::None
    }

    /// Footer text while Ctrl+R search is active.
    pub fn search_footer(&self) -> Option<String> {
        self.search.as_ref().map(|search| {
            let status = if search.found.is_none() && !search.query.is_empty() {
                " (no match)"
            } else {
                ""
            };
            format!(
                "reverse-i-search: {}{status} · enter accept · esc cancel",
                search.query
            )
        })
    }

    /// Releases held keys once they stopped arriving (called on every tick and key).
    pub fn flush_paste_burst(&mut self, now: Instant) -> bool {
        match self.paste_burst.flush_if_due(now) {
            Some(text) => {
                self.insert_typed(text);
                true
            }
            None => false,
        }
    }

    /// When held keys are due to be released (the app schedules a tick then).
    pub fn paste_burst_deadline(&self) -> Option<Instant> {
        self.paste_burst.flush_deadline()
    }

    /// Text released by the paste-burst guard: one character is ordinary typing (it may open
    /// a popup or shell mode); more is a paste.
    fn insert_typed(&mut self, text: String) {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(ch), None) => {
                let key = KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE);
                let _ = self.dispatch_key(key);
            }
            _ => self.textarea.insert_str(&text),
        }
        self.sync_popup();
    }

    pub fn handle_key(&mut self, key: KeyEvent, now: Instant) -> ComposerAction {
        if self.search.is_some() {
            return self.handle_search_key(key);
        }
        if key.code == KeyCode::Char('r') && key.modifiers == KeyModifiers::CONTROL {
            self.search = Some(HistorySearch {
                query: String::new(),
                found: None,
                saved_draft: self.textarea.text().to_string(),
            });
            self.popup = Popup::None;
            return ComposerAction::None;
        }
        self.flush_paste_burst(now);
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        // Keys typed faster than a human can are a paste from a terminal without bracketed
        // paste: every character waits in the guard until the keys stop for a moment.
        if let KeyCode::Char(ch) = key.code
            && plain
        {
            self.paste_burst.on_char(ch, now);
            return ComposerAction::None;
        }
        if key.code == KeyCode::Enter
            && key.modifiers.is_empty()
            && self.paste_burst.on_enter(now) == EnterAction::InsertNewline
        {
            return ComposerAction::None;
        }
        if let Some(text) = self.paste_burst.flush_now() {
            self.insert_typed(text);
        }
        let action = self.dispatch_key(key);
        self.sync_popup();
        action
    }

    fn dispatch_key(&mut self, key: KeyEvent) -> ComposerAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);

        let slash_rows = SlashCommand::filter(&self.slash_prefix().unwrap_or_default());
        match &mut self.popup {
            Popup::Shortcuts => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Char('?')) {
                    self.popup = Popup::None;
                    return ComposerAction::None;
                }
                self.popup = Popup::None;
            }
            Popup::Slash { selected } => {
                let rows = slash_rows;
                match key.code {
                    KeyCode::Up if !rows.is_empty() => {
                        *selected = selected.checked_sub(1).unwrap_or(rows.len() - 1);
                        return ComposerAction::None;
                    }
                    KeyCode::Down if !rows.is_empty() => {
                        *selected = (*selected + 1) % rows.len();
                        return ComposerAction::None;
                    }
                    KeyCode::Esc => {
                        self.close_popup();
                        return ComposerAction::None;
                    }
                    KeyCode::Tab => {
                        if let Some((name, _)) = rows.get(*selected) {
                            let text = format!("/{name} ");
                            self.textarea.set_text(&text);
                        }
                        return ComposerAction::None;
                    }
                    KeyCode::Enter => {
                        if let Some((_, command)) = rows.get(*selected).copied() {
                            self.set_text("");
                            return ComposerAction::Command(command);
                        }
                    }
                    _ => {}
                }
            }
            Popup::File {
                matches, selected, ..
            } => match key.code {
                KeyCode::Up if !matches.is_empty() => {
                    *selected = selected.checked_sub(1).unwrap_or(matches.len() - 1);
                    return ComposerAction::None;
                }
                KeyCode::Down if !matches.is_empty() => {
                    *selected = (*selected + 1) % matches.len();
                    return ComposerAction::None;
                }
                KeyCode::Esc => {
                    self.close_popup();
                    return ComposerAction::None;
                }
                KeyCode::Enter | KeyCode::Tab => {
                    if let Some(path) = matches.get(*selected).map(|m| m.path.clone())
                        && let Some((range, _)) = self.textarea.current_token()
                    {
                        self.textarea.replace_range(range, &insert_text_for(&path));
                    }
                    self.popup = Popup::None;
                    return ComposerAction::None;
                }
                _ => {}
            },
            Popup::None => {}
        }

        match key.code {
            KeyCode::Char('?') if !ctrl && !alt && self.is_empty() && !self.shell_mode => {
                self.popup = Popup::Shortcuts;
                ComposerAction::None
            }
            KeyCode::Char('!') if !ctrl && !alt && self.is_empty() && !self.shell_mode => {
                self.shell_mode = true;
                ComposerAction::None
            }
            KeyCode::Backspace if self.shell_mode && self.is_empty() => {
                self.shell_mode = false;
                ComposerAction::None
            }
            KeyCode::Esc if self.shell_mode => {
                self.shell_mode = false;
                ComposerAction::None
            }
            KeyCode::Enter if key.modifiers.is_empty() => self.submit(),
            KeyCode::Tab if key.modifiers.is_empty() => {
                let text = self.expanded_text();
                if text.trim().is_empty() {
                    return ComposerAction::None;
                }
                self.take_submission(&text);
                ComposerAction::Queue(text)
            }
            KeyCode::Esc => ComposerAction::Unhandled(key),
            KeyCode::Char('c') if ctrl => ComposerAction::Unhandled(key),
            KeyCode::Char('d') if ctrl && self.is_empty() => ComposerAction::Unhandled(key),
            _ => match self.textarea.input(key, self.width.get()) {
                TextAreaInput::Handled => {
                    self.history.reset_navigation();
                    ComposerAction::None
                }
                TextAreaInput::NotHandled => self.navigate_history(key),
            },
        }
    }

    fn navigate_history(&mut self, key: KeyEvent) -> ComposerAction {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let recalled = match key.code {
            KeyCode::Up => self.history.navigate_up(self.textarea.text()),
            KeyCode::Char('p') if ctrl => self.history.navigate_up(self.textarea.text()),
            KeyCode::Down => self.history.navigate_down(),
            KeyCode::Char('n') if ctrl => self.history.navigate_down(),
            _ => return ComposerAction::Unhandled(key),
        };
        if let Some(text) = recalled {
            self.textarea.set_text(&text);
        }
        ComposerAction::None
    }

    fn submit(&mut self) -> ComposerAction {
        let text = self.expanded_text();
        if text.trim().is_empty() {
            return ComposerAction::None;
        }
        if !self.shell_mode
            && let Some(rest) = text.strip_prefix('/')
        {
            let name = rest.split_whitespace().next().unwrap_or_default();
            if let Some(command) = SlashCommand::from_name(name) {
                self.take_submission(&text);
                return ComposerAction::Command(command);
            }
        }
        let shell = self.shell_mode;
        self.take_submission(&text);
        self.shell_mode = false;
        ComposerAction::Submit { text, shell }
    }

    fn take_submission(&mut self, text: &str) {
        self.history.record_submitted(text);
        self.set_text("");
    }

    /// The draft with paste placeholders replaced by what was pasted.
    fn expanded_text(&self) -> String {
        let mut text = self.textarea.text().to_string();
        for (placeholder, pasted) in &self.pending_pastes {
            text = text.replacen(placeholder.as_str(), pasted, 1);
        }
        text
    }

    /// `/<prefix>` while the cursor is inside the first token.
    fn slash_prefix(&self) -> Option<String> {
        if self.shell_mode {
            return None;
        }
        let text = self.textarea.text();
        let rest = text.strip_prefix('/')?;
        let token_end = rest.find(char::is_whitespace).map_or(text.len(), |i| i + 1);
        if self.textarea.cursor() > token_end || text.contains('\n') {
            return None;
        }
        Some(rest[..token_end - 1].to_string())
    }

    /// The `/command` or `@query` token a popup would open for (with its sigil).
    fn popup_candidate(&self) -> Option<String> {
        if let Some(prefix) = self.slash_prefix() {
            return Some(format!("/{prefix}"));
        }
        self.textarea
            .current_token()
            .map(|(_, token)| token)
            .filter(|token| token.starts_with('@'))
            .map(str::to_string)
    }

    /// Opens, updates or closes the `/` and `@` popups after the draft changed.
    fn sync_popup(&mut self) {
        if matches!(self.popup, Popup::Shortcuts) {
            return;
        }
        let candidate = self.popup_candidate();
        if self.dismissed.is_some() && self.dismissed != candidate {
            self.dismissed = None;
        }
        let Some(token) = candidate.filter(|token| self.dismissed.as_ref() != Some(token)) else {
            self.popup = Popup::None;
            return;
        };
        if let Some(prefix) = token.strip_prefix('/') {
            let count = SlashCommand::filter(prefix).len();
            self.popup = match self.popup {
                Popup::Slash { selected } if selected < count => Popup::Slash { selected },
                _ => Popup::Slash { selected: 0 },
            };
        } else if let Some(query) = token.strip_prefix('@') {
            if matches!(&self.popup, Popup::File { query: q, .. } if q == query) {
                return;
            }
            // Keep the previous matches on screen until the new search answers.
            let matches = match std::mem::replace(&mut self.popup, Popup::None) {
                Popup::File { matches, .. } => matches,
                Popup::None | Popup::Slash { .. } | Popup::Shortcuts => Vec::new(),
            };
            self.popup = Popup::File {
                query: query.to_string(),
                matches,
                selected: 0,
            };
            self.app_event_tx
                .send(AppEvent::StartFileSearch(query.to_string()));
        }
    }

    /// Footer line 2 while a popup is open (`None`: the normal footer).
    pub fn popup_footer(&self) -> Option<&'static str> {
        match self.popup {
            Popup::File { .. } => Some("enter/tab insert · esc close · ↑/↓ select"),
            Popup::Shortcuts => Some("? / esc close"),
            Popup::Slash { .. } | Popup::None => None,
        }
    }

    fn popup_lines(&self, width: u16) -> Vec<Line<'static>> {
        match &self.popup {
            Popup::None | Popup::File { .. } => Vec::new(),
            Popup::Slash { selected } => {
                let rows = SlashCommand::filter(&self.slash_prefix().unwrap_or_default());
                if rows.is_empty() {
                    return vec![Line::from("  no matches".dim())];
                }
                let name_width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0) + 1;
                let first = selected.saturating_sub(POPUP_ROWS - 1);
                rows.iter()
                    .enumerate()
                    .skip(first)
                    .take(POPUP_ROWS)
                    .map(|(index, (name, command))| {
                        let label = format!("/{name:<name_width$}");
                        let mut spans = if index == *selected {
                            vec!["› ".into(), label.bold().reversed()]
                        } else {
                            vec!["  ".into(), label.into()]
                        };
                        spans.push(" ".into());
                        spans.push(command.description().dim());
                        Line::from(spans)
                    })
                    .collect()
            }
            Popup::Shortcuts => super::shortcuts::shortcut_lines(width),
        }
    }

    fn popup_height(&self, width: u16) -> u16 {
        match &self.popup {
            Popup::File { matches, .. } => matches.len().clamp(1, POPUP_ROWS) as u16,
            Popup::None | Popup::Slash { .. } | Popup::Shortcuts => {
                u16::try_from(self.popup_lines(width).len()).unwrap_or(u16::MAX)
            }
        }
    }

    fn textarea_height(&self, width: u16) -> u16 {
        self.textarea
            .desired_height(width.saturating_sub(2))
            .clamp(1, MAX_ROWS)
    }

    /// Popup rows plus the composer rows.
    pub fn desired_height(&self, width: u16) -> u16 {
        self.popup_height(width) + self.textarea_height(width)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        self.width.set(area.width.saturating_sub(2));
        let popup_height = self.popup_height(area.width).min(area.height);
        let popup_area = Rect {
            height: popup_height,
            ..area
        };
        match &self.popup {
            Popup::File {
                matches, selected, ..
            } => {
                if matches.is_empty() {
                    Paragraph::new(Line::from("  no matches".dim())).render(popup_area, buf);
                } else {
                    render_file_popup(matches, *selected, popup_area, buf);
                }
            }
            Popup::None | Popup::Slash { .. } | Popup::Shortcuts => {
                Paragraph::new(self.popup_lines(area.width)).render(popup_area, buf);
            }
        }
        let text_area = Rect {
            y: area.y + popup_height,
            height: area.height - popup_height,
            ..area
        };
        if text_area.height == 0 || text_area.width == 0 {
            return;
        }
        let prompt = if self.shell_mode {
            "! ".bold()
        } else {
            "› ".bold()
        };
        buf.set_span(text_area.x, text_area.y, &prompt, 2);
        let body = Rect {
            x: text_area.x + 2.min(text_area.width),
            width: text_area.width.saturating_sub(2),
            ..text_area
        };
        if self.textarea.is_empty() && !self.shell_mode {
            buf.set_span(body.x, body.y, &PLACEHOLDER.dim(), body.width);
        } else {
            let mut scroll = self.scroll.get();
            self.textarea.render(body, buf, &mut scroll);
            self.scroll.set(scroll);
        }
    }

    /// Where the terminal cursor goes (the insertion point).
    pub fn cursor_pos(&self, area: Rect) -> Option<(u16, u16)> {
        let popup_height = self.popup_height(area.width).min(area.height);
        let body = Rect {
            x: area.x + 2.min(area.width),
            y: area.y + popup_height,
            width: area.width.saturating_sub(2),
            height: area.height - popup_height,
        };
        self.textarea.cursor_pos(body, self.scroll.get())
    }
}
