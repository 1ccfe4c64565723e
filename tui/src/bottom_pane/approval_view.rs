//! The approval modal (tui.md §6): replaces composer and footer while an exec or patch request
//! waits; requests queue and show one at a time. Keys and decisions follow the original.

use std::collections::VecDeque;
use std::path::PathBuf;

use codex_core::protocol::FileChange;
use codex_core::protocol::ReviewDecision;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use crate::history_cell::command_display;
use crate::wrapping::wrap_line;

#[derive(Debug, Clone, PartialEq)]
pub enum ApprovalRequest {
    Exec {
        call_id: String,
        command: Vec<String>,
        reason: Option<String>,
        /// A prefix rule core offers to remember (the `p` option).
        proposed_prefix: Option<Vec<String>>,
    },
    Patch {
        call_id: String,
        changes: Vec<FileChange>,
        reason: Option<String>,
    },
}

/// The user's answer to the front request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalAnswer {
    pub request: ApprovalRequest,
    pub decision: ReviewDecision,
}

#[derive(Debug, Default)]
pub struct ApprovalView {
    queue: VecDeque<ApprovalRequest>,
    selected: usize,
}

struct ApprovalOption {
    label: String,
    key: char,
    decision: ReviewDecision,
}

impl ApprovalView {
    pub fn push(&mut self, request: ApprovalRequest) {
        self.queue.push_back(request);
    }

    pub fn is_active(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Abandons every pending request (the turn ended without them).
    pub fn clear(&mut self) {
        self.queue.clear();
        self.selected = 0;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<ApprovalAnswer> {
        let options = self.options()?;
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c'));
        let chosen = match key.code {
            _ if ctrl_c => Some(options.len() - 1),
            KeyCode::Esc => Some(options.len() - 1),
            KeyCode::Up => {
                self.selected = self.selected.checked_sub(1).unwrap_or(options.len() - 1);
                None
            }
            KeyCode::Down => {
                self.selected = (self.selected + 1) % options.len();
                None
            }
            KeyCode::Enter => Some(self.selected),
            KeyCode::Char(digit @ '1'..='9') => {
                let index = (digit as usize) - ('1' as usize);
                (index < options.len()).then_some(index)
            }
            KeyCode::Char(letter) => options
                .iter()
                .position(|option| option.key == letter.to_ascii_lowercase())
                .or_else(|| (letter == 'n').then_some(options.len() - 1)),
            _ => None,
        }?;
        let decision = options.into_iter().nth(chosen)?.decision;
        let request = self.queue.pop_front()?;
        self.selected = 0;
        Some(ApprovalAnswer { request, decision })
    }

    fn options(&self) -> Option<Vec<ApprovalOption>> {
        let request = self.queue.front()?;
        let proceed = ApprovalOption {
            label: "Yes, proceed".to_string(),
            key: 'y',
            decision: ReviewDecision::Approved,
        };
        let deny = ApprovalOption {
            label: "No, and tell Codex what to do differently".to_string(),
            key: '\u{1b}',
            decision: ReviewDecision::Abort,
        };
        let remember = match request {
            ApprovalRequest::Exec {
                proposed_prefix: Some(prefix),
                ..
            } => ApprovalOption {
                label: format!(
                    "Yes, and don't ask again for commands that start with `{}`",
                    codex_core::shell_quote::quote_command(prefix)
                ),
                key: 'p',
                decision: ReviewDecision::ApprovedExecpolicyAmendment {
                    prefix: prefix.clone(),
                },
            },
            ApprovalRequest::Exec { .. } => ApprovalOption {
                label: "Yes, and don't ask again this session".to_string(),
                key: 'a',
                decision: ReviewDecision::ApprovedForSession,
            },
            ApprovalRequest::Patch { .. } => ApprovalOption {
                label: "Yes, and don't ask again for these files".to_string(),
                key: 'a',
                decision: ReviewDecision::ApprovedForSession,
            },
        };
        Some(vec![proceed, remember, deny])
    }

    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let (Some(request), Some(options)) = (self.queue.front(), self.options()) else {
            return Vec::new();
        };
        let indent: Line<'static> = "  ".into();
        let mut lines = Vec::new();
        let push = |line: Line<'static>, lines: &mut Vec<Line<'static>>| {
            lines.extend(wrap_line(&line, width, &indent, &"    ".into()));
        };
        match request {
            ApprovalRequest::Exec {
                command, reason, ..
            } => {
                push(
                    Line::from("Would you like to run the following command?".bold()),
                    &mut lines,
                );
                if let Some(reason) = reason {
                    push(Line::from(format!("Reason: {reason}").italic()), &mut lines);
                }
                for (index, line) in command_display(command).lines().enumerate() {
                    let lead = if index == 0 { "$ " } else { "  " };
                    push(Line::from(format!("{lead}{line}")), &mut lines);
                }
            }
            ApprovalRequest::Patch {
                changes, reason, ..
            } => {
                push(
                    Line::from("Would you like to make the following edits?".bold()),
                    &mut lines,
                );
                if let Some(reason) = reason {
                    push(
                        Line::from(format!("Description: {reason}").italic()),
                        &mut lines,
                    );
                }
                for change in changes {
                    let path: PathBuf = change.path.clone();
                    push(
                        Line::from(vec![
                            "Destination: ".dim(),
                            path.display().to_string().into(),
                        ]),
                        &mut lines,
                    );
                }
            }
        }
        lines.push(Line::default());
        for (index, option) in options.iter().enumerate() {
            let key = if option.key == '\u{1b}' {
                "esc".to_string()
            } else {
                option.key.to_string()
            };
            let text = format!("{}. {} ({key})", index + 1, option.label);
            let line = if index == self.selected {
                Line::from(vec!["› ".into(), text.bold().reversed()])
            } else {
                Line::from(vec!["  ".into(), text.into()])
            };
            lines.extend(wrap_line(&line, width, &Line::default(), &"     ".into()));
        }
        lines.push(Line::from(vec![
            "  Press ".dim(),
            "enter".bold(),
            " to confirm or ".dim(),
            "esc".bold(),
            " to cancel".dim(),
        ]));
        lines
    }

    pub fn desired_height(&self, width: u16) -> u16 {
        u16::try_from(self.lines(width.into()).len()).unwrap_or(u16::MAX)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(self.lines(area.width.into())).render(area, buf);
    }
}
