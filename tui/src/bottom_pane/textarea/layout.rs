//! Soft-wrap layout of the text area: the byte range of every visual row, computed with the
//! break rules of `crate::wrapping::wrap_line`, plus the column math on top of it. Drawing,
//! cursor placement and Up/Down all read these ranges, so they cannot disagree.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Byte ranges of the visual rows of `text` wrapped to `width` columns (always at least one).
///
/// Ranges never include the `'\n'` that ends a logical line. Unlike `wrap_line`, no byte is
/// dropped: whitespace at a soft break stays at the end of the row before the break (drawn
/// clipped), and leading indentation stays on the first row, so the rows of one logical line
/// are contiguous and every byte offset belongs to a row. Row starts strictly increase.
pub(super) fn wrap_rows(text: &str, width: usize) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        wrap_logical_line(line, line_start, width, &mut rows);
        line_start += line.len() + 1;
    }
    rows
}

/// Mirrors `wrap_line` on one unstyled line without indents: words move to the next row when
/// they do not fit, words longer than a row split at grapheme boundaries.
fn wrap_logical_line(line: &str, offset: usize, width: usize, rows: &mut Vec<Range<usize>>) {
    let mut row_start = 0;
    let mut row_width = 0;
    let mut row_has_content = false;
    let mut pending_space_width = 0;
    for (word_start, word, is_space) in tokens(line) {
        let word_width = str_width(word);
        if is_space {
            if word_start == 0 {
                // Leading indentation is shown (wrap_line drops it): the draft is what was typed.
                row_width = word_width;
                row_has_content = true;
            } else {
                pending_space_width += word_width;
            }
            continue;
        }
        let fits = row_width + pending_space_width + word_width <= width;
        if row_has_content && !fits {
            rows.push(offset + row_start..offset + word_start);
            row_start = word_start;
            row_width = 0;
            row_has_content = false;
        } else {
            row_width += pending_space_width;
        }
        pending_space_width = 0;
        let mut piece_width = 0;
        for (grapheme_start, grapheme) in word.grapheme_indices(true) {
            let grapheme_width = grapheme.width();
            if row_width + piece_width + grapheme_width > width
                && (row_has_content || piece_width > 0)
            {
                rows.push(offset + row_start..offset + word_start + grapheme_start);
                row_start = word_start + grapheme_start;
                row_width = 0;
                piece_width = 0;
                row_has_content = false;
            }
            piece_width += grapheme_width;
        }
        row_width += piece_width;
        row_has_content = true;
    }
    rows.push(offset + row_start..offset + line.len());
}

/// (byte offset, text, is_whitespace) runs, split like `wrapping::tokens` does for one span.
fn tokens(line: &str) -> Vec<(usize, &str, bool)> {
    let mut out: Vec<(usize, &str, bool)> = Vec::new();
    for (start, piece) in line.split_word_bound_indices() {
        let is_space = piece.chars().all(char::is_whitespace);
        match out.last_mut() {
            Some((word_start, word, false)) if !is_space => {
                *word = &line[*word_start..start + piece.len()];
            }
            _ => out.push((start, piece, is_space)),
        }
    }
    out
}

/// Display width as the buffer draws it: grapheme by grapheme.
pub(super) fn str_width(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Index of the visual row holding byte offset `pos`. At a soft break the offset belongs to the
/// row that starts there, so typing continues where the text will appear.
pub(super) fn row_of(rows: &[Range<usize>], pos: usize) -> usize {
    rows.partition_point(|row| row.start <= pos)
        .saturating_sub(1)
}

/// The byte offset in `rows[index]` closest to `column` without passing it. The end of a row
/// that continues on the next one is excluded: that offset is drawn on the next row.
pub(super) fn offset_at_column(
    text: &str,
    rows: &[Range<usize>],
    index: usize,
    column: usize,
) -> usize {
    let row = rows[index].clone();
    let continues = rows
        .get(index + 1)
        .is_some_and(|next| next.start == row.end);
    let mut offset = row.start;
    let mut width = 0;
    for (start, grapheme) in text[row.clone()].grapheme_indices(true) {
        width += grapheme.width();
        let end = row.start + start + grapheme.len();
        if width > column || (continues && end == row.end) {
            break;
        }
        offset = end;
    }
    offset
}

/// The first visible row: `scroll` clamped so the cursor row is on screen and no blank rows
/// show below the text when it could fill the area.
pub(super) fn effective_scroll(
    row_count: usize,
    cursor_row: usize,
    height: usize,
    scroll: usize,
) -> usize {
    if height == 0 {
        return cursor_row;
    }
    let scroll = scroll.min(row_count.saturating_sub(height));
    if cursor_row < scroll {
        cursor_row
    } else if cursor_row >= scroll + height {
        cursor_row + 1 - height
    } else {
        scroll
    }
}
