//! The `codex resume` picker (`tui.md` §1.2): recorded threads newest first, those of the cwd by
//! default (Tab shows all), filtered as the user types, one `<age>  <title>` row each. The app
//! lists the threads off the UI thread and passes them in with the current time, so the picker
//! only holds state and draws.

use std::cell::Cell;
use std::path::PathBuf;

use codex_core::rollout::threads::ThreadSummary;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Constraint;
use ratatui::layout::Layout;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const FOOTER: &str = "enter resume   esc start new   ^c quit   ↑/↓ browse";

/// What the user picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerOutcome {
    /// Resume the thread recorded in this rollout file.
    Resume(PathBuf),
    StartNew,
    Quit,
}

/// Which threads are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    /// Threads started in the session's cwd.
    Cwd,
    All,
}

#[derive(Debug)]
pub struct ResumePicker {
    /// Newest first.
    threads: Vec<ThreadSummary>,
    cwd: PathBuf,
    /// Unix seconds, the clock the ages are measured against.
    now: i64,
    filter: Filter,
    query: String,
    /// Index into the listed rows.
    selected: usize,
    /// First listed row on screen; kept by `render`, which alone knows the list height.
    scroll_top: Cell<usize>,
}

impl ResumePicker {
    /// `now` is in Unix seconds, like `ThreadSummary::updated_at`.
    pub fn new(mut threads: Vec<ThreadSummary>, cwd: PathBuf, now: i64) -> Self {
        threads.sort_by_key(|thread| std::cmp::Reverse((thread.updated_at, thread.created_at)));
        ResumePicker {
            threads,
            cwd,
            now,
            filter: Filter::Cwd,
            query: String::new(),
            selected: 0,
            scroll_top: Cell::new(0),
        }
    }

    /// `codex resume --all`: start with every directory's sessions listed.
    pub fn with_all(mut self, all: bool) -> Self {
        if all {
            self.filter = Filter::All;
        }
        self
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<PickerOutcome> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if control => return Some(PickerOutcome::Quit),
            KeyCode::Esc => return Some(PickerOutcome::StartNew),
            KeyCode::Enter => {
                return Some(match self.rows().get(self.selected) {
                    Some(thread) => PickerOutcome::Resume(thread.path.clone()),
                    None => PickerOutcome::StartNew,
                });
            }
            KeyCode::Up => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down => {
                let last = self.rows().len().saturating_sub(1);
                self.selected = (self.selected + 1).min(last);
            }
            KeyCode::Tab => {
                self.filter = match self.filter {
                    Filter::Cwd => Filter::All,
                    Filter::All => Filter::Cwd,
                };
                self.selected = 0;
            }
            KeyCode::Backspace => {
                self.query.pop();
                self.selected = 0;
            }
            KeyCode::Char(c) if !control && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.query.push(c);
                self.selected = 0;
            }
            _ => {}
        }
        None
    }

    /// The threads listed under the current filter and query, newest first.
    fn rows(&self) -> Vec<&ThreadSummary> {
        let query = self.query.to_lowercase();
        self.threads
            .iter()
            .filter(|thread| match self.filter {
                Filter::Cwd => thread.cwd == self.cwd,
                Filter::All => true,
            })
            .filter(|thread| title(thread).to_lowercase().contains(&query))
            .collect()
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let [header, search, _, list, _, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let filter = match self.filter {
            Filter::Cwd => "Cwd",
            Filter::All => "All",
        };
        Line::from(vec![
            "  ".into(),
            "Resume a previous session".bold(),
            "   filter: ".dim(),
            filter.cyan(),
            " (tab to switch)".dim(),
        ])
        .render(header, buf);
        let search_line = if self.query.is_empty() {
            Line::from(vec!["  ".into(), "Type to search".dim()])
        } else {
            Line::from(format!("  {}", self.query))
        };
        search_line.render(search, buf);
        Line::from(vec!["  ".into(), FOOTER.dim()]).render(footer, buf);
        self.render_list(list, buf);
    }

    fn render_list(&self, area: Rect, buf: &mut Buffer) {
        let rows = self.rows();
        if rows.is_empty() {
            let message = if self.query.is_empty() {
                "No sessions yet"
            } else {
                "No sessions match your search"
            };
            Line::from(vec!["  ".into(), message.dim()]).render(area, buf);
            return;
        }
        let height = usize::from(area.height);
        let mut top = self.scroll_top.get().min(self.selected);
        if height > 0 && self.selected >= top + height {
            top = self.selected + 1 - height;
        }
        self.scroll_top.set(top);

        let ages: Vec<String> = rows.iter().map(|thread| age(self.now, thread)).collect();
        let age_width = ages.iter().map(|age| age.width()).max().unwrap_or(0);
        let title_width = usize::from(area.width).saturating_sub(2 + age_width + 2);
        let lines: Vec<Line<'static>> = rows
            .iter()
            .zip(&ages)
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(index, (thread, age))| {
                let age = format!("{age:<age_width$}  ");
                let title = truncate(&title(thread), title_width);
                if index == self.selected {
                    Line::from(vec!["› ".into(), age.into(), title.into()])
                        .style(Style::new().bold().reversed())
                } else {
                    Line::from(vec![Span::from("  "), age.dim(), title.into()])
                }
            })
            .collect();
        Paragraph::new(lines).render(area, buf);
    }
}

/// The thread's name, else its first user message, on one line.
fn title(thread: &ThreadSummary) -> String {
    let text = thread
        .name
        .as_deref()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or(&thread.preview);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `8s ago`, `3m ago`, `2h ago`, `3d ago`.
fn age(now: i64, thread: &ThreadSummary) -> String {
    let seconds = now.saturating_sub(thread.updated_at).max(0);
    match seconds {
        0..60 => format!("{seconds}s ago"),
        60..3_600 => format!("{}m ago", seconds / 60),
        3_600..86_400 => format!("{}h ago", seconds / 3_600),
        _ => format!("{}d ago", seconds / 86_400),
    }
}

/// `text` cut to `width` columns, ending in `…` when something was cut.
fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let grapheme_width = grapheme.width();
        if used + grapheme_width + 1 > width {
            break;
        }
        out.push_str(grapheme);
        used += grapheme_width;
    }
    if width == 0 {
        return out;
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
