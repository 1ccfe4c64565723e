//! The bottom pane: status line, queued-input preview, then either a view (approval modal,
//! selection list) or the composer with its popups and the two footer lines.

pub mod approval_view;
pub mod chat_composer;
pub mod composer_history;
pub mod list_selection;
pub mod paste_burst;
pub mod shortcuts;
pub mod textarea;

use std::time::Duration;
use std::time::Instant;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use crate::history_cell::format_elapsed;
use crate::wrapping::line_width;
use crate::wrapping::wrap_line;
use approval_view::ApprovalView;
use chat_composer::ChatComposer;
use list_selection::ListSelectionView;

/// What footer line 1 shows: model, effort, cwd.
#[derive(Debug, Clone, PartialEq)]
pub struct FooterInfo {
    pub model: String,
    pub effort: String,
    pub cwd: String,
}

#[derive(Debug)]
pub struct BottomPane {
    pub composer: ChatComposer,
    pub approvals: ApprovalView,
    pub selection: Option<ListSelectionView>,
    /// When the running task started; `None` while idle.
    pub task_started: Option<Instant>,
    /// Hidden while an assistant message streams.
    pub status_visible: bool,
    /// `Reconnecting… 2/5` while the stream is retried.
    pub status_detail: Option<String>,
    pub queued: Vec<String>,
    pub footer: FooterInfo,
    /// A one-off hint replacing footer line 2 (`esc again to edit previous message`).
    pub footer_hint: Option<&'static str>,
    pub now: Instant,
}

impl BottomPane {
    pub fn new(composer: ChatComposer, footer: FooterInfo, now: Instant) -> Self {
        BottomPane {
            composer,
            approvals: ApprovalView::default(),
            selection: None,
            task_started: None,
            status_visible: true,
            status_detail: None,
            queued: Vec::new(),
            footer,
            footer_hint: None,
            now,
        }
    }

    fn status_line(&self) -> Option<Line<'static>> {
        let started = self.task_started?;
        if !self.status_visible || self.approvals.is_active() {
            return None;
        }
        let elapsed = format_elapsed(self.now.saturating_duration_since(started));
        let mut spans = vec![
            "• ".dim(),
            "Working".bold(),
            format!(" ({elapsed} • ").dim(),
        ];
        spans.push("esc".bold());
        spans.push(" to interrupt)".dim());
        if let Some(detail) = &self.status_detail {
            spans.push(format!(" {detail}").dim());
        }
        Some(Line::from(spans))
    }

    fn queue_lines(&self, width: usize) -> Vec<Line<'static>> {
        if self.queued.is_empty() {
            return Vec::new();
        }
        let mut lines = vec![Line::from(vec![
            "• ".dim(),
            "Queued follow-up inputs".into(),
        ])];
        for message in &self.queued {
            let first = message.lines().next().unwrap_or_default().to_string();
            lines.extend(wrap_line(
                &Line::from(first.dim().italic()),
                width,
                &"  ↳ ".dim().into(),
                &"    ".into(),
            ));
        }
        lines.push(Line::from("    shift+← edit last queued message".dim()));
        lines
    }

    fn footer_lines(&self, width: u16) -> Vec<Line<'static>> {
        let info = &self.footer;
        let mut lines = vec![Line::from(
            format!("  {} {} · {}", info.model, info.effort, info.cwd).dim(),
        )];
        if let Some(search) = self.composer.search_footer() {
            lines.push(Line::from(format!("  {search}").dim()));
            return lines;
        }
        let left = if let Some(hint) = self.footer_hint {
            Some(hint)
        } else if let Some(popup) = self.composer.popup_footer() {
            Some(popup)
        } else if self.composer.popup_open() {
            return lines;
        } else if self.composer.is_empty() {
            Some("? for shortcuts")
        } else {
            None
        };
        let left: Line<'static> = Line::from(format!("  {}", left.unwrap_or_default()).dim());
        let modes: Vec<&str> = if self.composer.is_shell_mode() {
            vec!["Shell mode"]
        } else {
            Vec::new()
        };
        let right = modes.join(" · ");
        let gap = usize::from(width)
            .saturating_sub(line_width(&left) + right.chars().count() + 2)
            .max(1);
        let mut spans = left.spans;
        if !right.is_empty() {
            spans.push(" ".repeat(gap).into());
            spans.push(right.dim());
        }
        lines.push(Line::from(spans));
        lines
    }

    /// The blocks above the composer/view: status and queue, each followed by a blank row.
    fn top_lines(&self, width: u16) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if let Some(status) = self.status_line() {
            lines.extend(wrap_line(
                &status,
                width.into(),
                &Line::default(),
                &"  ".into(),
            ));
            lines.push(Line::default());
        }
        let queue = self.queue_lines(width.into());
        if !queue.is_empty() {
            lines.extend(queue);
            lines.push(Line::default());
        }
        lines
    }

    pub fn desired_height(&self, width: u16) -> u16 {
        let top = u16::try_from(self.top_lines(width).len()).unwrap_or(u16::MAX);
        let body = if self.approvals.is_active() {
            self.approvals.desired_height(width)
        } else if let Some(view) = &self.selection {
            view.desired_height(width)
        } else {
            self.composer.desired_height(width)
                + u16::try_from(self.footer_lines(width).len()).unwrap_or(0)
        };
        top.saturating_add(body)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let top = self.top_lines(area.width);
        let top_height = u16::try_from(top.len())
            .unwrap_or(u16::MAX)
            .min(area.height);
        Paragraph::new(top).render(
            Rect {
                height: top_height,
                ..area
            },
            buf,
        );
        let body = Rect {
            y: area.y + top_height,
            height: area.height - top_height,
            ..area
        };
        if self.approvals.is_active() {
            self.approvals.render(body, buf);
        } else if let Some(view) = &self.selection {
            view.render(body, buf);
        } else {
            let footer = self.footer_lines(area.width);
            let footer_height = u16::try_from(footer.len()).unwrap_or(0).min(body.height);
            let composer_area = Rect {
                height: body.height - footer_height,
                ..body
            };
            self.composer.render(composer_area, buf);
            Paragraph::new(footer).render(
                Rect {
                    y: composer_area.bottom(),
                    height: footer_height,
                    ..body
                },
                buf,
            );
        }
    }

    pub fn cursor_pos(&self, area: Rect) -> Option<(u16, u16)> {
        if self.approvals.is_active() || self.selection.is_some() {
            return None;
        }
        let top_height = u16::try_from(self.top_lines(area.width).len()).unwrap_or(0);
        let footer_height = u16::try_from(self.footer_lines(area.width).len()).unwrap_or(0);
        let composer_area = Rect {
            y: area.y + top_height,
            height: area
                .height
                .saturating_sub(top_height)
                .saturating_sub(footer_height),
            ..area
        };
        self.composer.cursor_pos(composer_area)
    }

    /// How long until the status line's elapsed counter changes.
    pub fn next_tick(&self) -> Option<Duration> {
        self.task_started.map(|_| Duration::from_secs(1))
    }
}
