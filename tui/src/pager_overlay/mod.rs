//! Full-screen pagers (`tui.md` §9): the transcript (Ctrl+T), the `/diff` pager and the
//! backtrack view (Esc Esc) that picks a user message to rewind to. The app draws one while it
//! is open (on the alternate screen) and feeds it keys; content is wrapped once per width and
//! only the visible rows are drawn.

use std::ops::Range;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::wrapping::line_width;
use crate::wrapping::wrap_line;

#[cfg(test)]
mod tests;

/// Why the overlay wants to go away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayOutcome {
    Close,
    /// Backtrack: rewind to before this user message (0-based among the user messages).
    Rewind {
        user_message_index: usize,
    },
}

/// One history cell as the transcript shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptEntry {
    pub lines: Vec<Line<'static>>,
    pub is_user_message: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Transcript,
    Diff,
    /// `selected` indexes the user messages; `None` when there are none.
    Backtrack {
        selected: Option<usize>,
    },
}

/// The hints wrap onto at most this many rows when the width is too small for them.
const MAX_HINT_ROWS: usize = 2;
const HINT_INDENT: usize = 1;

pub struct PagerOverlay {
    mode: Mode,
    entries: Vec<TranscriptEntry>,
    /// First visible content row; may exceed the end until the next render clamps it
    /// (`usize::MAX` = the end).
    scroll: usize,
    /// Scroll the selected user message into view at the next render.
    reveal_selection: bool,
    wrapped: Option<Wrapped>,
}

/// The entries wrapped to one width.
struct Wrapped {
    width: u16,
    rows: Vec<Line<'static>>,
    /// Rows of each entry (entries are separated by one blank row).
    entry_rows: Vec<Range<usize>>,
}

impl PagerOverlay {
    /// Opens scrolled to the end.
    pub fn transcript(entries: Vec<TranscriptEntry>) -> Self {
        Self::new(Mode::Transcript, entries, usize::MAX)
    }

    /// Opens at the top.
    pub fn diff(diff_text: &str) -> Self {
        let entry = TranscriptEntry {
            lines: diff_lines(diff_text),
            is_user_message: false,
        };
        Self::new(Mode::Diff, vec![entry], 0)
    }

    /// The transcript with the latest user message selected.
    pub fn backtrack(entries: Vec<TranscriptEntry>) -> Self {
        let user_messages = entries.iter().filter(|entry| entry.is_user_message).count();
        let mut overlay = Self::new(
            Mode::Backtrack {
                selected: user_messages.checked_sub(1),
            },
            entries,
            usize::MAX,
        );
        overlay.reveal_selection = true;
        overlay
    }

    fn new(mode: Mode, entries: Vec<TranscriptEntry>, scroll: usize) -> Self {
        PagerOverlay {
            mode,
            entries,
            scroll,
            reveal_selection: false,
            wrapped: None,
        }
    }

    /// `viewport_height` is the height of the area the overlay is rendered into.
    pub fn handle_key(&mut self, key: KeyEvent, viewport_height: u16) -> Option<OverlayOutcome> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let width = self
            .wrapped
            .as_ref()
            .map_or(u16::MAX, |wrapped| wrapped.width);
        let page = usize::from(self.content_height(viewport_height, width).max(1));
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('t') if ctrl => return self.on_ctrl_t(),
            _ if ctrl => {}
            KeyCode::Char('q') | KeyCode::Esc => return Some(OverlayOutcome::Close),
            KeyCode::Up | KeyCode::Char('k') => self.scroll_up(1, page),
            KeyCode::Down | KeyCode::Char('j') => self.scroll_down(1, page),
            KeyCode::PageUp => self.scroll_up(page, page),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll_down(page, page),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => self.scroll = usize::MAX,
            KeyCode::Left | KeyCode::Char('h') => self.move_selection(Step::Earlier),
            KeyCode::Right | KeyCode::Char('l') => self.move_selection(Step::Later),
            KeyCode::Enter => return self.rewind(),
            _ => {}
        }
        None
    }

    /// Ctrl+T closes the transcript; in backtrack it shows the plain transcript ("details").
    fn on_ctrl_t(&mut self) -> Option<OverlayOutcome> {
        match self.mode {
            Mode::Transcript => Some(OverlayOutcome::Close),
            Mode::Backtrack { .. } => {
                self.mode = Mode::Transcript;
                None
            }
            Mode::Diff => None,
        }
    }

    fn rewind(&self) -> Option<OverlayOutcome> {
        match self.mode {
            Mode::Backtrack {
                selected: Some(user_message_index),
            } => Some(OverlayOutcome::Rewind { user_message_index }),
            Mode::Backtrack { selected: None } | Mode::Transcript | Mode::Diff => None,
        }
    }

    fn move_selection(&mut self, step: Step) {
        let Mode::Backtrack {
            selected: Some(selected),
        } = self.mode
        else {
            return;
        };
        let last = self.user_message_entries().count().saturating_sub(1);
        let selected = match step {
            Step::Earlier => selected.saturating_sub(1),
            Step::Later => (selected + 1).min(last),
        };
        self.mode = Mode::Backtrack {
            selected: Some(selected),
        };
        self.reveal_selection = true;
    }

    fn scroll_up(&mut self, rows: usize, page: usize) {
        self.scroll = self.clamped_scroll(page).saturating_sub(rows);
    }

    fn scroll_down(&mut self, rows: usize, page: usize) {
        self.scroll = self.clamped_scroll(page).saturating_add(rows);
    }

    /// The scroll position limited to the last full page, when the content has been laid out.
    fn clamped_scroll(&self, page: usize) -> usize {
        match &self.wrapped {
            Some(wrapped) => self.scroll.min(wrapped.rows.len().saturating_sub(page)),
            None => self.scroll,
        }
    }

    /// Entry indices of the user messages, in order.
    fn user_message_entries(&self) -> impl Iterator<Item = usize> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| entry.is_user_message)
            .map(|(index, _)| index)
    }

    /// The entry index of the selected user message, in backtrack mode.
    fn selected_entry(&self) -> Option<usize> {
        match self.mode {
            Mode::Backtrack {
                selected: Some(selected),
            } => self.user_message_entries().nth(selected),
            Mode::Backtrack { selected: None } | Mode::Transcript | Mode::Diff => None,
        }
    }

    /// Rows: the title, the content, the bottom rule, the hints (one or two rows).
    pub fn render(&mut self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let row = |y: u16| Rect {
            y,
            height: 1,
            ..area
        };
        self.title_line(area.width).render(row(area.y), buf);
        let hint_rows = self.hint_rows(area.width);
        let mut bottom = area.bottom();
        for line in hint_rows.iter().rev() {
            if bottom <= area.y + 1 {
                break;
            }
            bottom -= 1;
            line.render(row(bottom), buf);
        }
        let content = Rect {
            y: area.y + 1,
            height: self.content_height(area.height, area.width),
            ..area
        };
        let page = usize::from(content.height);
        self.layout(area.width);
        self.settle_scroll(page);
        let selected_rows = self.selected_rows();
        if let Some(wrapped) = &self.wrapped {
            let visible = wrapped.rows.iter().enumerate().skip(self.scroll);
            for (y, (index, line)) in (content.y..content.bottom()).zip(visible) {
                if selected_rows.contains(&index) {
                    line.clone()
                        .patch_style(Style::new().bold().reversed())
                        .render(row(y), buf);
                } else {
                    line.render(row(y), buf);
                }
            }
            let shown = wrapped.rows.len().saturating_sub(self.scroll).min(page);
            for y in content.y + shown as u16..content.bottom() {
                Line::from("~".dim()).render(row(y), buf);
            }
        }
        if content.bottom() < bottom {
            self.rule_line(area.width, page)
                .render(row(content.bottom()), buf);
        }
    }

    /// Content rows in an overlay of `height` rows and `width` columns.
    fn content_height(&self, height: u16, width: u16) -> u16 {
        let chrome = 2 + self.hint_rows(width).len() as u16;
        height.saturating_sub(chrome)
    }

    fn layout(&mut self, width: u16) {
        if self.wrapped.as_ref().is_some_and(|w| w.width == width) {
            return;
        }
        let mut rows = Vec::new();
        let mut entry_rows = Vec::with_capacity(self.entries.len());
        for (index, entry) in self.entries.iter().enumerate() {
            if index > 0 {
                rows.push(Line::default());
            }
            let start = rows.len();
            for line in &entry.lines {
                rows.extend(wrap_keeping_indent(line, usize::from(width)));
            }
            entry_rows.push(start..rows.len());
        }
        self.wrapped = Some(Wrapped {
            width,
            rows,
            entry_rows,
        });
    }

    /// Clamps to the last full page, after bringing the selection into view if asked.
    fn settle_scroll(&mut self, page: usize) {
        self.scroll = self.clamped_scroll(page);
        if std::mem::take(&mut self.reveal_selection) {
            let selected = self.selected_rows();
            if !selected.is_empty() && (selected.start < self.scroll || selected.len() > page) {
                self.scroll = selected.start;
            } else if selected.end > self.scroll + page {
                self.scroll = selected.end - page;
            }
            self.scroll = self.clamped_scroll(page);
        }
    }

    fn selected_rows(&self) -> Range<usize> {
        let rows = self.selected_entry().and_then(|entry| {
            self.wrapped
                .as_ref()
                .and_then(|wrapped| wrapped.entry_rows.get(entry).cloned())
        });
        rows.unwrap_or(0..0)
    }

    /// `/ T R A N S C R I P T / / / …` across the width.
    fn title_line(&self, width: u16) -> Line<'static> {
        let title = match self.mode {
            Mode::Transcript | Mode::Backtrack { .. } => "T R A N S C R I P T",
            Mode::Diff => "D I F F",
        };
        let mut used = 2 + title.width();
        let mut spans = vec!["/ ".dim(), title.bold()];
        let mut slashes = String::new();
        while used + 2 <= usize::from(width) {
            slashes.push_str(" /");
            used += 2;
        }
        spans.push(slashes.dim());
        Line::from(spans)
    }

    /// `───…─ NN% `: how far down the content the view is (100% when the end is visible).
    fn rule_line(&self, width: u16, page: usize) -> Line<'static> {
        let total = self
            .wrapped
            .as_ref()
            .map_or(0, |wrapped| wrapped.rows.len());
        let max_scroll = total.saturating_sub(page);
        let percent = (self.scroll.min(max_scroll) * 100)
            .checked_div(max_scroll)
            .unwrap_or(100);
        let label = format!(" {percent}% ");
        let rule = "─".repeat(usize::from(width).saturating_sub(label.width()));
        Line::from(vec![rule.dim(), label.dim()])
    }

    /// The key hints; when they do not fit one row they continue on a second one, never
    /// splitting a key from its description.
    fn hint_rows(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let hints: Vec<Line<'static>> = match self.mode {
            Mode::Backtrack { .. } => BACKTRACK_HINTS.iter().map(hint).collect(),
            Mode::Transcript | Mode::Diff => {
                let close = hint(&CLOSE_HINT);
                let mut scroll = join_hints(PAGER_HINTS.iter().map(hint).collect());
                let used = HINT_INDENT + line_width(&scroll) + line_width(&close);
                if used + 2 <= width {
                    // One row, with `q close` at the right edge.
                    scroll.spans.push(Span::raw(" ".repeat(width - used)));
                    scroll.spans.extend(close.spans);
                    return vec![indented(scroll)];
                }
                let mut hints: Vec<Line<'static>> = PAGER_HINTS.iter().map(hint).collect();
                hints.push(close);
                hints
            }
        };
        let mut rows: Vec<Vec<Line<'static>>> = vec![Vec::new()];
        let mut row_width = HINT_INDENT;
        for hint in hints {
            let mut separator = if row_width > HINT_INDENT { 3 } else { 0 };
            if separator > 0 && row_width + separator + line_width(&hint) > width {
                rows.push(Vec::new());
                row_width = HINT_INDENT;
                separator = 0;
            }
            row_width += separator + line_width(&hint);
            if let Some(row) = rows.last_mut() {
                row.push(hint);
            }
        }
        rows.truncate(MAX_HINT_ROWS);
        rows.into_iter()
            .map(|row| indented(join_hints(row)))
            .collect()
    }
}

const PAGER_HINTS: [(&str, &str); 3] = [
    ("↑/↓", " to scroll"),
    ("pgup/pgdn", " to page"),
    ("home/end", " to jump"),
];
const CLOSE_HINT: (&str, &str) = ("q", " close");
const BACKTRACK_HINTS: [(&str, &str); 6] = [
    ("", "Browsing transcript"),
    ("↑↓/jk", " scroll"),
    ("←→/hl", " prompts"),
    ("^t", " details"),
    ("↵", " rewind"),
    ("esc", " back"),
];

/// A key (cyan) and what it does (dim).
fn hint((key, text): &(&'static str, &'static str)) -> Line<'static> {
    Line::from(vec![key.cyan(), text.dim()])
}

fn join_hints(hints: Vec<Line<'static>>) -> Line<'static> {
    let mut joined = Line::default();
    for (index, hint) in hints.into_iter().enumerate() {
        if index > 0 {
            joined.spans.push(" · ".dim());
        }
        joined.spans.extend(hint.spans);
    }
    joined
}

fn indented(mut line: Line<'static>) -> Line<'static> {
    line.spans.insert(0, Span::raw(" ".repeat(HINT_INDENT)));
    line
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Earlier,
    Later,
}

/// Wraps `line`, keeping its leading whitespace (code, diff context, hanging indents) as the
/// indent of every row, as long as that leaves half the width for text.
fn wrap_keeping_indent(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    let mut indent = Line::default();
    let mut body = Line {
        spans: Vec::new(),
        ..line.clone()
    };
    let mut in_indent = true;
    for span in &line.spans {
        if !in_indent {
            body.spans.push(span.clone());
            continue;
        }
        let content = span.content.as_ref();
        let text_start = content
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(content.len());
        if text_start > 0 {
            indent
                .spans
                .push(Span::styled(content[..text_start].to_string(), span.style));
        }
        if text_start < content.len() {
            in_indent = false;
            body.spans
                .push(Span::styled(content[text_start..].to_string(), span.style));
        }
    }
    let subsequent = if line_width(&indent) * 2 <= width {
        indent.clone()
    } else {
        Line::default()
    };
    wrap_line(&body, width, &indent, &subsequent)
}

/// A unified diff styled for the pager: file headers bold, hunk headers cyan, additions green,
/// deletions red. Tabs become four spaces; other control characters are dropped.
fn diff_lines(diff_text: &str) -> Vec<Line<'static>> {
    let mut in_file_header = false;
    diff_text
        .lines()
        .map(|raw| {
            let text: String = raw
                .replace('\t', "    ")
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            let style = if text.starts_with("diff ") {
                in_file_header = true;
                Style::new().bold()
            } else if text.starts_with("@@") {
                in_file_header = false;
                Style::new().cyan()
            } else if in_file_header {
                if text.starts_with("+++") || text.starts_with("---") {
                    Style::new().bold()
                } else {
                    Style::new()
                }
            } else if text.starts_with('+') {
                Style::new().green()
            } else if text.starts_with('-') {
                Style::new().red()
            } else {
                Style::new()
            };
            Line::from(Span::styled(text, style))
        })
        .collect()
}
