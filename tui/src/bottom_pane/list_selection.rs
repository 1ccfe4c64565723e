//! Selection views (`/model`, its effort step, `/permissions`): a title, rows with dim
//! descriptions, the current and default choices marked, and a footer of keys. They replace
//! the composer until closed; the draft is kept.

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use crate::wrapping::wrap_line;

#[derive(Debug, Clone, PartialEq)]
pub struct SelectionItem {
    pub name: String,
    pub description: Option<String>,
    pub is_current: bool,
    pub is_default: bool,
}

/// What the view is choosing; the chat widget acts on the result.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionKind {
    Model,
    Effort { model: String },
    Permissions,
}

/// How a row was chosen: Enter, or `s` (this session only, the effort step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionScope {
    Default,
    SessionOnly,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectionOutcome {
    Chosen {
        kind: SelectionKind,
        index: usize,
        scope: SelectionScope,
    },
    Cancelled,
}

#[derive(Debug)]
pub struct ListSelectionView {
    pub kind: SelectionKind,
    title: String,
    items: Vec<SelectionItem>,
    footer: &'static str,
    selected: usize,
}

impl ListSelectionView {
    pub fn new(
        kind: SelectionKind,
        title: String,
        items: Vec<SelectionItem>,
        footer: &'static str,
    ) -> Self {
        let selected = items.iter().position(|item| item.is_current).unwrap_or(0);
        ListSelectionView {
            kind,
            title,
            items,
            footer,
            selected,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<SelectionOutcome> {
        let count = self.items.len();
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c'));
        match key.code {
            _ if ctrl_c => Some(SelectionOutcome::Cancelled),
            KeyCode::Esc => Some(SelectionOutcome::Cancelled),
            KeyCode::Up | KeyCode::Char('k') if count > 0 => {
                self.selected = self.selected.checked_sub(1).unwrap_or(count - 1);
                None
            }
            KeyCode::Down | KeyCode::Char('j') if count > 0 => {
                self.selected = (self.selected + 1) % count;
                None
            }
            KeyCode::Enter if count > 0 => {
                Some(self.chosen(self.selected, SelectionScope::Default))
            }
            KeyCode::Char('s')
                if count > 0 && matches!(self.kind, SelectionKind::Effort { .. }) =>
            {
                Some(self.chosen(self.selected, SelectionScope::SessionOnly))
            }
            KeyCode::Char(digit @ '1'..='9') => {
                let index = (digit as usize) - ('1' as usize);
                (index < count).then(|| self.chosen(index, SelectionScope::Default))
            }
            _ => None,
        }
    }

    fn chosen(&self, index: usize, scope: SelectionScope) -> SelectionOutcome {
        SelectionOutcome::Chosen {
            kind: self.kind.clone(),
            index,
            scope,
        }
    }

    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let mut lines = vec![Line::from(vec!["  ".into(), self.title.clone().bold()])];
        lines.push(Line::default());
        let name_width = self
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| row_label(index, item).chars().count())
            .max()
            .unwrap_or(0);
        for (index, item) in self.items.iter().enumerate() {
            let label = format!("{:<name_width$}", row_label(index, item));
            let mut spans = if index == self.selected {
                vec!["› ".into(), label.bold().reversed()]
            } else {
                vec!["  ".into(), label.into()]
            };
            if let Some(description) = &item.description {
                spans.push("  ".into());
                spans.push(description.clone().dim());
            }
            let hang: Line<'static> = " ".repeat(name_width + 4).into();
            lines.extend(wrap_line(
                &Line::from(spans),
                width,
                &Line::default(),
                &hang,
            ));
        }
        lines.push(Line::default());
        lines.push(Line::from(format!("  {}", self.footer).dim()));
        lines
    }

    pub fn desired_height(&self, width: u16) -> u16 {
        u16::try_from(self.lines(width.into()).len()).unwrap_or(u16::MAX)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        Paragraph::new(self.lines(area.width.into())).render(area, buf);
    }
}

fn row_label(index: usize, item: &SelectionItem) -> String {
    let mut label = format!("{}. {}", index + 1, item.name);
    if item.is_default {
        label.push_str(" (default)");
    }
    if item.is_current {
        label.push_str(" (current)");
    }
    label
}
