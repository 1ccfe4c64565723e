//! The composer's editing core: a multi-line text buffer with a cursor, readline-style editing
//! keys, a kill buffer, and soft-wrapped drawing. It knows nothing about submitting, popups or
//! history: keys it does not own come back as `TextAreaInput::NotHandled` for the composer.
//! The last column of the area stays free so the cursor fits after a full row.

mod layout;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::cell::Ref;
use std::cell::RefCell;
use std::ops::Range;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;

use self::layout::effective_scroll;
use self::layout::offset_at_column;
use self::layout::row_of;
use self::layout::str_width;
use self::layout::wrap_rows;

/// Whether `TextArea::input` consumed a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAreaInput {
    Handled,
    /// Not an editing key here (Enter, Tab, Esc, Up on the first row, Down on the last row,
    /// Ctrl+D on empty text, unbound Ctrl/Alt chords, …): the composer decides.
    NotHandled,
}

#[derive(Debug, Default, Clone)]
pub struct TextArea {
    text: String,
    /// Byte offset, always on a char boundary.
    cursor: usize,
    /// Text removed by the last kill (Ctrl+W/U/K, Alt+Backspace, Alt+D), inserted by Ctrl+Y.
    kill_buffer: String,
    /// Column Up/Down aim for, kept across consecutive vertical moves through short rows.
    preferred_column: Option<usize>,
    wrap_cache: RefCell<Option<WrapCache>>,
}

#[derive(Debug, Clone)]
struct WrapCache {
    width: usize,
    rows: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy)]
enum Vertical {
    Up,
    Down,
}

impl TextArea {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the whole text; the cursor goes to the end.
    pub fn set_text(&mut self, text: &str) {
        self.splice(0..self.text.len(), text);
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Moves the cursor, clamped to the text and to the char boundary at or before `pos`.
    pub fn set_cursor(&mut self, pos: usize) {
        self.cursor = self.text.floor_char_boundary(pos);
        self.preferred_column = None;
    }

    /// Inserts `text` at the cursor as one edit (a paste): newlines stay newlines.
    pub fn insert_str(&mut self, text: &str) {
        self.splice(self.cursor..self.cursor, text);
    }

    /// Replaces `range` (clamped to the text) with `text`; the cursor ends after the insert.
    pub fn replace_range(&mut self, range: Range<usize>, text: &str) {
        let start = self.text.floor_char_boundary(range.start);
        let end = self.text.floor_char_boundary(range.end).max(start);
        self.splice(start..end, text);
    }

    /// The whitespace-delimited token around the cursor, if the cursor touches one.
    pub fn current_token(&self) -> Option<(Range<usize>, &str)> {
        let before = &self.text[..self.cursor];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, ch)| ch.is_whitespace())
            .map_or(0, |(index, ch)| index + ch.len_utf8());
        let end = self.text[self.cursor..]
            .find(char::is_whitespace)
            .map_or(self.text.len(), |index| self.cursor + index);
        (start < end).then(|| (start..end, &self.text[start..end]))
    }

    /// Visual rows at `width` (at least 1).
    pub fn desired_height(&self, width: u16) -> u16 {
        u16::try_from(self.rows(width).len()).unwrap_or(u16::MAX)
    }

    pub fn is_cursor_on_first_line(&self, width: u16) -> bool {
        row_of(&self.rows(width), self.cursor) == 0
    }

    pub fn is_cursor_on_last_line(&self, width: u16) -> bool {
        let rows = self.rows(width);
        row_of(&rows, self.cursor) + 1 == rows.len()
    }

    /// Draws the rows visible in `area` in the default style. `scroll` (the first visible row)
    /// is adjusted so the cursor row is on screen; pass the same value to `cursor_pos`.
    pub fn render(&self, area: Rect, buf: &mut Buffer, scroll: &mut u16) {
        let rows = self.rows(area.width);
        let first = self.visible_scroll(&rows, area.height, *scroll);
        *scroll = u16::try_from(first).unwrap_or(u16::MAX);
        let visible = rows.iter().skip(first).take(usize::from(area.height));
        for (row, y) in visible.zip(area.y..) {
            buf.set_stringn(
                area.x,
                y,
                &self.text[row.clone()],
                usize::from(area.width),
                Style::default(),
            );
        }
    }

    /// Screen position of the cursor in `area` scrolled by `scroll`; `None` when the area is
    /// empty. A cursor past the last column (in whitespace at a soft break) sits on the last.
    pub fn cursor_pos(&self, area: Rect, scroll: u16) -> Option<(u16, u16)> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        let rows = self.rows(area.width);
        let first = self.visible_scroll(&rows, area.height, scroll);
        let index = row_of(&rows, self.cursor);
        let column = str_width(&self.text[rows[index].start..self.cursor]);
        let x = u16::try_from(column)
            .unwrap_or(u16::MAX)
            .min(area.width - 1);
        let y = u16::try_from(index.saturating_sub(first)).unwrap_or(u16::MAX);
        Some((area.x + x, area.y + y))
    }

    /// Applies an editing key. `width` is the width of the area the text is drawn in, needed
    /// to move between visual rows. Key releases are swallowed.
    pub fn input(&mut self, key: KeyEvent, width: u16) -> TextAreaInput {
        if key.kind == KeyEventKind::Release {
            return TextAreaInput::Handled;
        }
        let preferred_column = self.preferred_column.take();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            // Ctrl+Alt+char is AltGr on Windows layouts (`@` on German keyboards): text.
            KeyCode::Char(ch) if ctrl == alt => self.insert_str(ch.encode_utf8(&mut [0; 4])),
            KeyCode::Char(ch) if ctrl => match ch {
                'j' => self.insert_str("\n"),
                'a' => self.set_cursor(self.line_start()),
                'e' => self.set_cursor(self.line_end()),
                'h' => self.delete_back(),
                'd' if self.is_empty() => return TextAreaInput::NotHandled,
                'd' => self.delete_forward(),
                'w' => self.kill(self.word_start_before()..self.cursor),
                'u' => self.kill_to_line_start(),
                'k' => self.kill_to_line_end(),
                'y' => {
                    let yank = self.kill_buffer.clone();
                    self.insert_str(&yank);
                }
                'p' => return self.move_vertically(Vertical::Up, width, preferred_column),
                'n' => return self.move_vertically(Vertical::Down, width, preferred_column),
                _ => return TextAreaInput::NotHandled,
            },
            KeyCode::Char(ch) => match ch {
                'b' => self.set_cursor(self.word_start_before()),
                'f' => self.set_cursor(self.word_end_after()),
                'd' => self.kill(self.cursor..self.word_end_after()),
                _ => return TextAreaInput::NotHandled,
            },
            KeyCode::Enter
                if key
                    .modifiers
                    .intersects(KeyModifiers::SHIFT | KeyModifiers::ALT) =>
            {
                self.insert_str("\n");
            }
            KeyCode::Left if ctrl || alt => self.set_cursor(self.word_start_before()),
            KeyCode::Right if ctrl || alt => self.set_cursor(self.word_end_after()),
            KeyCode::Left => self.set_cursor(self.prev_grapheme()),
            KeyCode::Right => self.set_cursor(self.next_grapheme()),
            KeyCode::Home => self.set_cursor(self.line_start()),
            KeyCode::End => self.set_cursor(self.line_end()),
            KeyCode::Up => return self.move_vertically(Vertical::Up, width, preferred_column),
            KeyCode::Down => return self.move_vertically(Vertical::Down, width, preferred_column),
            KeyCode::Backspace if ctrl || alt => self.kill(self.word_start_before()..self.cursor),
            KeyCode::Backspace => self.delete_back(),
            KeyCode::Delete if ctrl || alt => self.kill(self.cursor..self.word_end_after()),
            KeyCode::Delete => self.delete_forward(),
            _ => return TextAreaInput::NotHandled,
        }
        TextAreaInput::Handled
    }

    /// The one text mutation: every edit goes through here so the wrap cache stays valid.
    fn splice(&mut self, range: Range<usize>, insert: &str) {
        let insert = sanitize(insert);
        self.text.replace_range(range.clone(), &insert);
        self.cursor = range.start + insert.len();
        self.preferred_column = None;
        self.wrap_cache.get_mut().take();
    }

    /// Removes `range` into the kill buffer (an empty range leaves the buffer as it was).
    fn kill(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.kill_buffer = self.text[range.clone()].to_string();
        self.splice(range, "");
    }

    fn kill_to_line_start(&mut self) {
        let start = self.line_start();
        if start == self.cursor {
            // At a line start, Ctrl+U joins with the line above.
            self.kill(self.cursor.saturating_sub(1)..self.cursor);
        } else {
            self.kill(start..self.cursor);
        }
    }

    fn kill_to_line_end(&mut self) {
        let end = self.line_end();
        if end == self.cursor {
            // At a line end, Ctrl+K joins with the line below.
            self.kill(self.cursor..self.next_grapheme());
        } else {
            self.kill(self.cursor..end);
        }
    }

    fn delete_back(&mut self) {
        self.splice(self.prev_grapheme()..self.cursor, "");
    }

    fn delete_forward(&mut self) {
        self.splice(self.cursor..self.next_grapheme(), "");
    }

    fn move_vertically(
        &mut self,
        direction: Vertical,
        width: u16,
        preferred_column: Option<usize>,
    ) -> TextAreaInput {
        let target = {
            let rows = self.rows(width);
            let index = row_of(&rows, self.cursor);
            let target_index = match direction {
                Vertical::Up => index.checked_sub(1),
                Vertical::Down => Some(index + 1).filter(|next| *next < rows.len()),
            };
            target_index.map(|target_index| {
                let column = preferred_column
                    .unwrap_or_else(|| str_width(&self.text[rows[index].start..self.cursor]));
                (
                    offset_at_column(&self.text, &rows, target_index, column),
                    column,
                )
            })
        };
        match target {
            Some((offset, column)) => {
                self.cursor = offset;
                self.preferred_column = Some(column);
                TextAreaInput::Handled
            }
            None => {
                self.preferred_column = preferred_column;
                TextAreaInput::NotHandled
            }
        }
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor]
            .rfind('\n')
            .map_or(0, |index| index + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |index| self.cursor + index)
    }

    fn prev_grapheme(&self) -> usize {
        self.text[..self.cursor]
            .graphemes(true)
            .next_back()
            .map_or(0, |grapheme| self.cursor - grapheme.len())
    }

    fn next_grapheme(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |grapheme| self.cursor + grapheme.len())
    }

    /// Start of the word before the cursor: whitespace is skipped, then one run of word
    /// characters or one run of punctuation.
    fn word_start_before(&self) -> usize {
        let mut chars = self.text[..self.cursor].char_indices().rev().peekable();
        while chars.next_if(|(_, ch)| ch.is_whitespace()).is_some() {}
        let Some(&(_, first)) = chars.peek() else {
            return 0;
        };
        let class = CharClass::of(first);
        let mut start = self.cursor;
        while let Some((index, _)) = chars.next_if(|(_, ch)| CharClass::of(*ch) == class) {
            start = index;
        }
        start
    }

    /// End of the word after the cursor, mirroring `word_start_before`.
    fn word_end_after(&self) -> usize {
        let rest = &self.text[self.cursor..];
        let mut chars = rest.char_indices().peekable();
        while chars.next_if(|(_, ch)| ch.is_whitespace()).is_some() {}
        let Some(&(_, first)) = chars.peek() else {
            return self.text.len();
        };
        let class = CharClass::of(first);
        while chars
            .next_if(|(_, ch)| CharClass::of(*ch) == class)
            .is_some()
        {}
        chars
            .peek()
            .map_or(self.text.len(), |(index, _)| self.cursor + index)
    }

    /// Row ranges at the wrap width for an area `width` columns wide, cached until the next
    /// edit. One column is kept for the cursor after a full row.
    fn rows(&self, width: u16) -> Ref<'_, [Range<usize>]> {
        let wrap_width = usize::from(width.saturating_sub(1).max(1));
        let stale = self
            .wrap_cache
            .borrow()
            .as_ref()
            .is_none_or(|cache| cache.width != wrap_width);
        if stale {
            *self.wrap_cache.borrow_mut() = Some(WrapCache {
                width: wrap_width,
                rows: wrap_rows(&self.text, wrap_width),
            });
        }
        Ref::map(self.wrap_cache.borrow(), |cache| match cache {
            Some(cache) => cache.rows.as_slice(),
            None => &[],
        })
    }

    fn visible_scroll(&self, rows: &[Range<usize>], height: u16, scroll: u16) -> usize {
        effective_scroll(
            rows.len(),
            row_of(rows, self.cursor),
            usize::from(height),
            usize::from(scroll),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Whitespace,
    Punctuation,
    Word,
}

impl CharClass {
    fn of(ch: char) -> Self {
        if ch.is_whitespace() {
            Self::Whitespace
        } else if ch.is_alphanumeric() || ch == '_' {
            Self::Word
        } else {
            Self::Punctuation
        }
    }
}

/// Normalises inserted text so every char left is drawable and measurable: CRLF and CR become
/// LF (terminals paste CR), tabs become four spaces, other control characters are dropped.
fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|ch| ch.is_control() && ch != '\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\t' => out.push_str("    "),
            '\n' => out.push('\n'),
            ch if ch.is_control() => {}
            ch => out.push(ch),
        }
    }
    Cow::Owned(out)
}
