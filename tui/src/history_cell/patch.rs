//! The patch cell: `• Edited N files (+A -D)` and each file's changed lines with right-aligned
//! line numbers, additions green, deletions red, context dim (tui.md §3).

use std::path::Path;
use std::path::PathBuf;

use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;

use super::HistoryCell;
use crate::wrapping::wrap_line;

#[derive(Debug, Clone)]
pub struct PatchCell {
    files: Vec<FileDiff>,
}

#[derive(Debug, Clone)]
struct FileDiff {
    path: String,
    kind: FileChangeKind,
    lines: Vec<DiffLine>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DiffMark {
    Added,
    Removed,
    Context,
}

#[derive(Debug, Clone)]
struct DiffLine {
    number: u64,
    mark: DiffMark,
    text: String,
}

impl FileDiff {
    fn counts(&self) -> (usize, usize) {
        let added = self
            .lines
            .iter()
            .filter(|line| line.mark == DiffMark::Added)
            .count();
        let removed = self
            .lines
            .iter()
            .filter(|line| line.mark == DiffMark::Removed)
            .count();
        (added, removed)
    }
}

impl PatchCell {
    pub fn new(changes: &[FileChange], cwd: &Path) -> Self {
        let files = changes
            .iter()
            .map(|change| FileDiff {
                path: relative(&change.path, cwd),
                kind: change.kind,
                lines: parse_unified_diff(&change.unified_diff),
            })
            .collect();
        PatchCell { files }
    }
}

impl HistoryCell for PatchCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let (added, removed) = self.files.iter().fold((0, 0), |(a, d), file| {
            let (fa, fd) = file.counts();
            (a + fa, d + fd)
        });
        let mut lines = Vec::new();
        let header = match self.files.as_slice() {
            [file] => {
                let verb = match file.kind {
                    FileChangeKind::Add => "Added",
                    FileChangeKind::Delete => "Deleted",
                    FileChangeKind::Update => "Edited",
                };
                let mut spans = vec![
                    "• ".dim(),
                    verb.bold(),
                    " ".into(),
                    file.path.clone().into(),
                    " ".into(),
                ];
                spans.extend(counts_spans(added, removed));
                Line::from(spans)
            }
            files => {
                let mut spans = vec![
                    "• ".dim(),
                    "Edited".bold(),
                    format!(" {} files ", files.len()).into(),
                ];
                spans.extend(counts_spans(added, removed));
                Line::from(spans)
            }
        };
        lines.extend(wrap_line(&header, width, &Line::default(), &"  ".into()));

        let several = self.files.len() > 1;
        for (index, file) in self.files.iter().enumerate() {
            if several {
                if index > 0 {
                    lines.push(Line::default());
                }
                let (fa, fd) = file.counts();
                let mut spans = vec!["  └ ".dim(), file.path.clone().into(), " ".into()];
                spans.extend(counts_spans(fa, fd));
                let title = Line::from(spans);
                lines.extend(wrap_line(&title, width, &Line::default(), &"    ".into()));
            }
            lines.extend(diff_rows(file, width));
        }
        lines
    }
}

/// `(+A -D)` with the numbers coloured.
fn counts_spans(added: usize, removed: usize) -> [Span<'static>; 5] {
    [
        "(".into(),
        format!("+{added}").green(),
        " ".into(),
        format!("-{removed}").red(),
        ")".into(),
    ]
}

fn diff_rows(file: &FileDiff, width: usize) -> Vec<Line<'static>> {
    let number_width = file
        .lines
        .iter()
        .map(|line| line.number.to_string().len())
        .max()
        .unwrap_or(1);
    let mut rows = Vec::new();
    for line in &file.lines {
        let number = format!("    {:>number_width$} ", line.number);
        let (mark, text): (Span<'static>, Span<'static>) = match line.mark {
            DiffMark::Added => ("+".green(), line.text.clone().green()),
            DiffMark::Removed => ("-".red(), line.text.clone().red()),
            DiffMark::Context => (" ".dim(), line.text.clone().dim()),
        };
        let row = Line::from(vec![number.dim(), mark, text]);
        let hang: Line<'static> = " ".repeat(4 + number_width + 2).into();
        rows.extend(wrap_line(&row, width, &Line::default(), &hang));
    }
    rows
}

/// Changed lines of a git-style unified diff with their line numbers: new-file numbers for
/// additions and context, old-file numbers for deletions.
fn parse_unified_diff(diff: &str) -> Vec<DiffLine> {
    let mut lines = Vec::new();
    let (mut old_line, mut new_line) = (0u64, 0u64);
    let mut in_hunk = false;
    for raw in diff.lines() {
        if let Some(rest) = raw.strip_prefix("@@ ") {
            (old_line, new_line) = hunk_starts(rest);
            in_hunk = true;
            continue;
        }
        if !in_hunk {
            continue;
        }
        if let Some(text) = raw.strip_prefix('+') {
            lines.push(DiffLine {
                number: new_line,
                mark: DiffMark::Added,
                text: text.to_string(),
            });
            new_line += 1;
        } else if let Some(text) = raw.strip_prefix('-') {
            lines.push(DiffLine {
                number: old_line,
                mark: DiffMark::Removed,
                text: text.to_string(),
            });
            old_line += 1;
        } else if let Some(text) = raw.strip_prefix(' ') {
            lines.push(DiffLine {
                number: new_line,
                mark: DiffMark::Context,
                text: text.to_string(),
            });
            old_line += 1;
            new_line += 1;
        } else if raw.starts_with("diff --git") {
            in_hunk = false;
        }
    }
    lines
}

/// `-a,b +c,d @@` → (a, c).
fn hunk_starts(header: &str) -> (u64, u64) {
    let mut old = 1;
    let mut new = 1;
    for part in header.split_whitespace() {
        let number = |text: &str| {
            text.split(',')
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(1)
        };
        if let Some(rest) = part.strip_prefix('-') {
            old = number(rest);
        } else if let Some(rest) = part.strip_prefix('+') {
            new = number(rest);
        }
    }
    (old.max(1), new.max(1))
}

fn relative(path: &Path, cwd: &Path) -> String {
    let shown: PathBuf = path
        .strip_prefix(cwd)
        .ok()
        .filter(|rel| !rel.as_os_str().is_empty())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf);
    shown.display().to_string()
}
