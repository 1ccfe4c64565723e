//! History cells: the committed transcript is an ordered list of cells, one type per kind
//! (tui.md §3). A cell knows how to draw itself at a width; the app caches those lines per
//! width, so committed cells are wrapped once, not per frame.

mod exec;
mod mcp;
mod patch;

use std::path::Path;
use std::time::Duration;

use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;

pub use exec::ExecCell;
pub use exec::ExecSource;
pub use exec::command_display;
pub use mcp::McpToolCallCell;
pub use patch::PatchCell;

use crate::wrapping::wrap_line;
use crate::wrapping::wrap_lines;

pub trait HistoryCell: std::fmt::Debug + Send {
    /// The cell as shown in the chat, wrapped to `width`.
    fn display_lines(&self, width: u16) -> Vec<Line<'static>>;

    /// The cell in the transcript overlay (Ctrl+T): more detail where there is any.
    fn transcript_lines(&self, width: u16) -> Vec<Line<'static>> {
        self.display_lines(width)
    }

    fn desired_height(&self, width: u16) -> u16 {
        u16::try_from(self.display_lines(width).len()).unwrap_or(u16::MAX)
    }

    /// The text of a user message cell (backtrack picks among these).
    fn user_message(&self) -> Option<&str> {
        None
    }

    /// Drawn right under the previous cell, without the blank row between cells: the later
    /// chunks of a streamed message, the `Worked for` line.
    fn continues_previous(&self) -> bool {
        false
    }
}

/// A tool call the chat draws live while it runs, then commits: a command or an MCP call.
#[derive(Debug)]
pub enum ToolCallCell {
    Exec(ExecCell),
    Mcp(McpToolCallCell),
}

impl ToolCallCell {
    pub fn call_id(&self) -> &str {
        match self {
            ToolCallCell::Exec(cell) => &cell.call_id,
            ToolCallCell::Mcp(cell) => &cell.call_id,
        }
    }

    pub fn is_running(&self) -> bool {
        match self {
            ToolCallCell::Exec(cell) => cell.is_running(),
            ToolCallCell::Mcp(cell) => cell.is_running(),
        }
    }

    pub fn set_bullet_visible(&mut self, visible: bool) {
        match self {
            ToolCallCell::Exec(cell) => cell.set_bullet_visible(visible),
            ToolCallCell::Mcp(cell) => cell.set_bullet_visible(visible),
        }
    }

    /// Ends a running call the interrupted turn cut short.
    pub fn interrupt(&mut self) {
        match self {
            // 130: a shell's status for a command killed by SIGINT.
            ToolCallCell::Exec(cell) => cell.complete(130, String::new(), Duration::ZERO),
            ToolCallCell::Mcp(cell) => {
                cell.complete(Duration::ZERO, &Err("interrupted".to_string()));
            }
        }
    }
}

impl HistoryCell for ToolCallCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        match self {
            ToolCallCell::Exec(cell) => cell.display_lines(width),
            ToolCallCell::Mcp(cell) => cell.display_lines(width),
        }
    }

    fn transcript_lines(&self, width: u16) -> Vec<Line<'static>> {
        match self {
            ToolCallCell::Exec(cell) => cell.transcript_lines(width),
            ToolCallCell::Mcp(cell) => cell.transcript_lines(width),
        }
    }
}

/// `>_ OpenAI Codex (v<version>)` with the cwd below: the first cell of every session.
#[derive(Debug)]
pub struct HeaderCell {
    version: String,
    cwd: String,
}

impl HeaderCell {
    pub fn new(version: &str, cwd: &Path, home: Option<&Path>) -> Self {
        HeaderCell {
            version: version.to_string(),
            cwd: display_path(cwd, home),
        }
    }
}

impl HistoryCell for HeaderCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let title = Line::from(vec![
            ">_ ".magenta(),
            "OpenAI Codex".bold(),
            " ".into(),
            format!("(v{})", self.version).dim(),
        ]);
        let cwd = Line::from(self.cwd.clone().dim());
        let mut lines = wrap_line(&title, width.into(), &"  ".into(), &"  ".into());
        lines.extend(wrap_line(
            &cwd,
            width.into(),
            &"     ".into(),
            &"     ".into(),
        ));
        lines
    }
}

/// `› <text>`, line breaks kept.
#[derive(Debug)]
pub struct UserCell {
    text: String,
}

impl UserCell {
    pub fn new(text: String) -> Self {
        UserCell { text }
    }
}

impl HistoryCell for UserCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let lines: Vec<Line<'static>> = self
            .text
            .lines()
            .map(|line| Line::from(line.to_string()))
            .collect();
        wrap_lines(
            &lines,
            width.into(),
            &"› ".bold().dim().into(),
            &"  ".into(),
        )
    }

    fn user_message(&self) -> Option<&str> {
        Some(&self.text)
    }
}

/// Rendered assistant text: a streamed chunk (already wrapped when it was committed) or a
/// whole message (re-rendered per width). The first chunk of a message carries the `•`.
#[derive(Debug)]
pub struct AgentMessageCell {
    content: AgentContent,
    first_chunk: bool,
}

#[derive(Debug)]
enum AgentContent {
    Rendered(Vec<Line<'static>>),
    Markdown(String),
}

impl AgentMessageCell {
    /// Lines the stream already rendered at the content width (terminal width minus 2).
    pub fn streamed(lines: Vec<Line<'static>>, first_chunk: bool) -> Self {
        AgentMessageCell {
            content: AgentContent::Rendered(lines),
            first_chunk,
        }
    }

    /// A whole message (resume replay, non-streamed answers).
    pub fn markdown(source: String) -> Self {
        AgentMessageCell {
            content: AgentContent::Markdown(source),
            first_chunk: true,
        }
    }
}

impl HistoryCell for AgentMessageCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let lines = match &self.content {
            AgentContent::Rendered(lines) => lines.clone(),
            AgentContent::Markdown(source) => crate::markdown::render_markdown(
                source,
                Some(usize::from(width.saturating_sub(2)).max(1)),
            ),
        };
        let first: Span<'static> = if self.first_chunk {
            "• ".dim()
        } else {
            "  ".into()
        };
        crate::wrapping::prefix_lines(lines, &first, &"  ".into())
    }

    fn continues_previous(&self) -> bool {
        !self.first_chunk
    }
}

/// A generic cell of fixed lines, hung under a first-line prefix: info, error, decision,
/// interruption, `Worked for`, command cards. Constructors below make each kind.
#[derive(Debug)]
pub struct PlainCell {
    lines: Vec<Line<'static>>,
    /// Rows after the first are indented this much when wrapped.
    hang: usize,
    continues_previous: bool,
}

impl HistoryCell for PlainCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let indent: Line<'static> = " ".repeat(self.hang).into();
        let mut out = Vec::new();
        for line in &self.lines {
            out.extend(wrap_line(line, width.into(), &Line::default(), &indent));
        }
        out
    }

    fn continues_previous(&self) -> bool {
        self.continues_previous
    }
}

/// `• <text>` with a dim bullet: compaction, model and permission changes, notices.
pub fn info_cell(text: impl Into<String>) -> PlainCell {
    PlainCell {
        lines: vec![Line::from(vec!["• ".dim(), text.into().into()])],
        hang: 2,
        continues_previous: false,
    }
}

/// `■ <message>` in red.
pub fn error_cell(message: impl Into<String>) -> PlainCell {
    PlainCell {
        lines: message
            .into()
            .lines()
            .enumerate()
            .map(|(index, line)| {
                let lead = if index == 0 { "■ " } else { "  " };
                Line::from(format!("{lead}{line}").red())
            })
            .collect(),
        hang: 2,
        continues_previous: false,
    }
}

pub fn interrupted_cell() -> PlainCell {
    error_cell("Conversation interrupted - use /feedback if something went wrong")
}

/// `  Worked for <elapsed> • <HH:MM>`, dim.
pub fn worked_for_cell(elapsed: Duration, clock_text: &str) -> PlainCell {
    PlainCell {
        lines: vec![Line::from(
            format!("  Worked for {} • {clock_text}", format_elapsed(elapsed)).dim(),
        )],
        hang: 2,
        continues_previous: true,
    }
}

/// What the user decided about a command, as the original words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    ApprovedOnce,
    ApprovedForSession,
    ApprovedPrefix,
    Canceled,
}

pub fn decision_cell(decision: Decision, command: &str, prefix: Option<&str>) -> PlainCell {
    let snippet = first_line_snippet(command);
    let spans: Vec<Span<'static>> = match decision {
        Decision::ApprovedOnce => vec![
            "✔ ".green(),
            "You ".into(),
            "approved".bold(),
            " codex to run ".into(),
            snippet.dim(),
            " this time".bold(),
        ],
        Decision::ApprovedForSession => vec![
            "✔ ".green(),
            "You ".into(),
            "approved".bold(),
            " codex to run ".into(),
            snippet.dim(),
            " every time this session".bold(),
        ],
        Decision::ApprovedPrefix => vec![
            "✔ ".green(),
            "You ".into(),
            "approved".bold(),
            " codex to always run commands that start with ".into(),
            prefix.unwrap_or(&snippet).to_string().dim(),
        ],
        Decision::Canceled => vec![
            "✗ ".red(),
            "You ".into(),
            "canceled".bold(),
            " the request to run ".into(),
            snippet.dim(),
        ],
    };
    PlainCell {
        lines: vec![Line::from(spans)],
        hang: 2,
        continues_previous: false,
    }
}

/// A slash command's card: the command line, then the card's lines.
pub fn command_card(command: &str, lines: Vec<Line<'static>>) -> PlainCell {
    let mut all = vec![Line::from(command.to_string().dim()), Line::default()];
    all.extend(lines);
    PlainCell {
        lines: all,
        hang: 0,
        continues_previous: false,
    }
}

/// Fixed lines, no bullet: onboarding notices, `/mcp` lists and the like.
pub fn lines_cell(lines: Vec<Line<'static>>) -> PlainCell {
    PlainCell {
        lines,
        hang: 4,
        continues_previous: false,
    }
}

/// First line of a command, shortened for one-line mentions.
fn first_line_snippet(command: &str) -> String {
    let first = command.lines().next().unwrap_or_default();
    let mut snippet: String = first.chars().take(80).collect();
    if first.chars().count() > 80 || command.lines().nth(1).is_some() {
        snippet.push_str(" …");
    }
    snippet
}

/// `<1s`, `Ns`, `Mm SSs`, `Hh MMm SSs`.
pub fn format_elapsed(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs == 0 {
        return "<1s".to_string();
    }
    let (hours, minutes, seconds) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if hours > 0 {
        format!("{hours}h {minutes:02}m {seconds:02}s")
    } else if minutes > 0 {
        format!("{minutes}m {seconds:02}s")
    } else {
        format!("{seconds}s")
    }
}

/// A path under `$HOME` as `~/…`.
pub fn display_path(path: &Path, home: Option<&Path>) -> String {
    if let Some(home) = home
        && let Ok(rest) = path.strip_prefix(home)
    {
        if rest.as_os_str().is_empty() {
            return "~".to_string();
        }
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests;
