//! The `?` shortcuts overlay: only keys this TUI implements, in three columns (Compose,
//! Session, Transcript) when the terminal is at least 100 columns wide, stacked otherwise.

use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;

const WIDE: u16 = 100;

const COMPOSE: &[(&str, &str)] = &[
    ("enter", "send message"),
    ("ctrl + j", "insert newline"),
    ("/", "commands"),
    ("@", "mention a file"),
    ("!", "run a shell command"),
    ("↑/↓", "message history"),
    ("ctrl + r", "search history"),
];

const SESSION: &[(&str, &str)] = &[
    ("esc", "interrupt the turn"),
    ("tab", "queue a message while busy"),
    ("enter", "steer while busy"),
    ("ctrl + c", "clear draft / interrupt / quit"),
    ("ctrl + d", "quit (empty composer)"),
];

const TRANSCRIPT: &[(&str, &str)] = &[
    ("ctrl + t", "view transcript"),
    ("esc esc", "edit previous message"),
    ("pgup/pgdn", "scroll history"),
];

pub fn shortcut_lines(width: u16) -> Vec<Line<'static>> {
    let groups = [
        ("Compose", COMPOSE),
        ("Session", SESSION),
        ("Transcript", TRANSCRIPT),
    ];
    if width >= WIDE {
        let column = usize::from(width.saturating_sub(2) / 3);
        let rows = groups.iter().map(|(_, keys)| keys.len()).max().unwrap_or(0);
        let mut lines = Vec::with_capacity(rows + 1);
        let mut title = vec![Span::from("  ")];
        for (name, _) in &groups {
            title.push(format!("{name:<column$}").bold());
        }
        lines.push(Line::from(title));
        for row in 0..rows {
            let mut spans = vec![Span::from("  ")];
            for (_, keys) in &groups {
                let cell = keys
                    .get(row)
                    .map_or_else(String::new, |(key, what)| format!("{key} {what}"));
                let (key, rest) = cell.split_at(keys.get(row).map_or(0, |(key, _)| key.len()));
                spans.push(key.to_string().cyan());
                let pad = column.saturating_sub(cell.chars().count());
                spans.push(format!("{rest}{}", " ".repeat(pad)).dim());
            }
            lines.push(Line::from(spans));
        }
        lines
    } else {
        let mut lines = Vec::new();
        for (name, keys) in groups {
            lines.push(Line::from(vec!["  ".into(), name.bold()]));
            for (key, what) in keys {
                lines.push(Line::from(vec![
                    "    ".into(),
                    key.to_string().cyan(),
                    format!(" {what}").dim(),
                ]));
            }
        }
        lines
    }
}
