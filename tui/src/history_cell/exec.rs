//! The exec cell: `• Running <cmd>` while a command runs, then `• Ran` / `• Exited (status N)`
//! / `• You ran` with at most five dim output rows (head, `… +N lines`, tail) under `└`.

use std::time::Duration;

use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;

use super::HistoryCell;
use crate::wrapping::wrap_line;

/// Continuation rows of the command before `… +N lines`.
const COMMAND_CONTINUATION_ROWS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecSource {
    /// The model asked for it.
    Agent,
    /// The user typed `!cmd`.
    UserShell,
}

#[derive(Debug, Clone)]
struct ExecOutcome {
    exit_code: i32,
    /// With escape sequences already stripped.
    output: String,
    duration: Duration,
}

#[derive(Debug, Clone)]
pub struct ExecCell {
    pub call_id: String,
    command: String,
    source: ExecSource,
    outcome: Option<ExecOutcome>,
    /// The running bullet blinks; the chat widget flips this on a timer.
    bullet_visible: bool,
}

impl ExecCell {
    pub fn new(call_id: String, argv: &[String], source: ExecSource) -> Self {
        ExecCell {
            call_id,
            command: command_display(argv),
            source,
            outcome: None,
            bullet_visible: true,
        }
    }

    pub fn complete(&mut self, exit_code: i32, output: String, duration: Duration) {
        self.outcome = Some(ExecOutcome {
            exit_code,
            output: strip_escapes(&output),
            duration,
        });
    }

    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }

    pub fn set_bullet_visible(&mut self, visible: bool) {
        self.bullet_visible = visible;
    }

    pub fn command(&self) -> &str {
        &self.command
    }

    fn header(&self) -> (Span<'static>, String) {
        let verb = match (&self.outcome, self.source) {
            (None, _) => "Running".to_string(),
            (Some(_), ExecSource::UserShell) => "You ran".to_string(),
            (Some(outcome), ExecSource::Agent) if outcome.exit_code == 0 => "Ran".to_string(),
            (Some(outcome), ExecSource::Agent) => {
                format!("Exited (status {})", outcome.exit_code)
            }
        };
        let succeeded = self.outcome.as_ref().map(|outcome| outcome.exit_code == 0);
        (call_bullet(succeeded, self.bullet_visible), verb)
    }

    fn output_row_limit(&self) -> usize {
        match self.source {
            ExecSource::Agent => 5,
            ExecSource::UserShell => 50,
        }
    }
}

impl HistoryCell for ExecCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let (bullet, verb) = self.header();
        let mut lines = Vec::new();

        let mut command_lines = self.command.lines();
        let first = command_lines.next().unwrap_or_default();
        let header = Line::from(vec![
            bullet,
            " ".into(),
            verb.bold(),
            " ".into(),
            first.to_string().into(),
        ]);
        let gutter = gutter();
        let mut rows = wrap_line(&header, width, &Line::default(), &gutter);
        for line in command_lines {
            rows.extend(wrap_line(
                &Line::from(line.to_string()),
                width,
                &gutter,
                &gutter,
            ));
        }
        lines.extend(clip_header(rows));

        if let Some(outcome) = &self.outcome {
            lines.extend(output_rows(&outcome.output, width, self.output_row_limit()));
        }
        lines
    }

    fn transcript_lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let mut lines = Vec::new();
        for (index, line) in self.command.lines().enumerate() {
            let prefix: Line<'static> = if index == 0 {
                "$ ".magenta().into()
            } else {
                "  ".into()
            };
            lines.extend(wrap_line(
                &Line::from(line.to_string()),
                width,
                &prefix,
                &"  ".into(),
            ));
        }
        if let Some(outcome) = &self.outcome {
            for line in outcome.output.lines() {
                lines.extend(wrap_line(
                    &Line::from(line.to_string().dim()),
                    width,
                    &Line::default(),
                    &Line::default(),
                ));
            }
            let status = if outcome.exit_code == 0 {
                "✓".green()
            } else {
                format!("✗ ({})", outcome.exit_code).red()
            };
            lines.push(Line::from(vec![
                status,
                format!(" • {}", super::format_elapsed(outcome.duration)).dim(),
            ]));
        }
        lines
    }
}

/// A call's bullet: blinking (`•` / dim `◦`) while it runs (`succeeded` is `None`), then bold
/// green or red.
pub(super) fn call_bullet(succeeded: Option<bool>, visible: bool) -> Span<'static> {
    match succeeded {
        None if visible => "•".into(),
        None => "◦".dim(),
        Some(true) => "•".green().bold(),
        Some(false) => "•".red().bold(),
    }
}

/// The dim `  │ ` that continues a call's header.
pub(super) fn gutter() -> Line<'static> {
    Line::from("  │ ".dim())
}

/// A call's wrapped header rows: the first and at most `COMMAND_CONTINUATION_ROWS` more, then
/// `… +N lines` in the gutter.
pub(super) fn clip_header(mut rows: Vec<Line<'static>>) -> Vec<Line<'static>> {
    let limit = 1 + COMMAND_CONTINUATION_ROWS;
    if rows.len() > limit {
        let hidden = rows.len() - limit;
        rows.truncate(limit);
        rows.push(Line::from(vec![
            "  │ ".dim(),
            format!("… +{hidden} lines").dim(),
        ]));
    }
    rows
}

/// `  └ ` + dim output rows; at most `limit` rows: head, `… +N lines`, tail.
pub(super) fn output_rows(output: &str, width: usize, limit: usize) -> Vec<Line<'static>> {
    let logical: Vec<&str> = output.trim_end_matches('\n').lines().collect();
    if logical.is_empty() || output.trim().is_empty() {
        return vec![Line::from(vec!["  └ ".dim(), "(no output)".dim()])];
    }
    // Lines are cut before they are wrapped, so a huge output costs no more than a short one.
    let keep_head = (limit - 1) / 2;
    let keep_tail = limit - 1 - keep_head;
    let (shown, hidden): (Vec<&str>, usize) = if logical.len() > limit {
        let hidden = logical.len() - keep_head - keep_tail;
        let mut shown = logical[..keep_head].to_vec();
        shown.extend_from_slice(&logical[logical.len() - keep_tail..]);
        (shown, hidden)
    } else {
        (logical, 0)
    };
    let content_width = width.saturating_sub(4).max(1);
    let mut rows: Vec<Line<'static>> = Vec::new();
    for (index, line) in shown.iter().enumerate() {
        if hidden > 0 && index == keep_head {
            rows.push(Line::from(format!("… +{hidden} lines").dim()));
        }
        rows.extend(wrap_line(
            &Line::from(line.to_string().dim()),
            content_width,
            &Line::default(),
            &Line::default(),
        ));
    }
    rows.into_iter()
        .enumerate()
        .map(|(index, mut row)| {
            let prefix = if index == 0 { "  └ " } else { "    " };
            row.spans.insert(0, prefix.dim());
            row
        })
        .collect()
}

/// The command as the user should read it: `bash -lc '<script>'` shows just the script.
pub fn command_display(argv: &[String]) -> String {
    if let [shell, flag, script] = argv
        && is_shell(shell)
        && matches!(flag.as_str(), "-lc" | "-c")
    {
        return script.clone();
    }
    codex_core::shell_quote::quote_command(argv)
}

fn is_shell(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "bash" | "sh" | "zsh" | "dash")
}

/// Removes terminal escape sequences (CSI, OSC, single-character escapes) and control
/// characters other than newline and tab, so output cannot move the cursor or recolour.
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\u{1b}' => match chars.next() {
                Some('[') => {
                    // CSI: parameters and intermediates, then one final byte in @..~.
                    for next in chars.by_ref() {
                        if ('@'..='~').contains(&next) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    // OSC: until BEL or ESC \.
                    while let Some(next) = chars.next() {
                        if next == '\u{7}' {
                            break;
                        }
                        if next == '\u{1b}' {
                            chars.next_if_eq(&'\\');
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {
                // A lone CR (progress bars) keeps what follows; CRLF is a newline.
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(ch),
            ch if ch.is_control() => {}
            ch => out.push(ch),
        }
    }
    out
}
