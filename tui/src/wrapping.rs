//! Word wrapping of styled lines: every cell, the composer and the markdown renderer wrap
//! through here so widths are measured the same way everywhere (unicode display width).

use ratatui::text::Line;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width of a line.
pub fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|span| span.content.width()).sum()
}

/// Wraps `line` to `width` columns, breaking at spaces when possible and inside words
/// otherwise. The first output row starts with `initial_indent`, later rows with
/// `subsequent_indent`. Always returns at least one row.
pub fn wrap_line(
    line: &Line<'_>,
    width: usize,
    initial_indent: &Line<'static>,
    subsequent_indent: &Line<'static>,
) -> Vec<Line<'static>> {
    // Most lines fit: no need to split them into words and graphemes (the slow path also
    // drops trailing whitespace, so such lines take it).
    let trailing_space = line
        .spans
        .last()
        .is_some_and(|span| span.content.ends_with(char::is_whitespace));
    if !trailing_space && line_width(initial_indent) + line_width(line) <= width {
        let mut row = initial_indent.clone();
        row.style = line.style;
        row.spans.extend(
            line.spans
                .iter()
                .map(|span| Span::styled(span.content.to_string(), line.style.patch(span.style))),
        );
        return vec![row];
    }
    let mut rows = Vec::new();
    let mut row = initial_indent.clone();
    row.style = line.style;
    let mut row_width = line_width(initial_indent);
    let mut row_has_content = false;
    // Whitespace seen at a break opportunity, kept only if a word follows on the same row.
    let mut pending_space: Vec<Span<'static>> = Vec::new();
    let mut pending_space_width = 0;

    for (word, style, is_space) in tokens(line) {
        let word_width = word.width();
        if is_space {
            pending_space.push(Span::styled(word, style));
            pending_space_width += word_width;
            continue;
        }
        let fits = row_width + pending_space_width + word_width <= width;
        if row_has_content && !fits {
            rows.push(std::mem::replace(&mut row, subsequent_indent.clone()));
            row.style = line.style;
            row_width = line_width(subsequent_indent);
            row_has_content = false;
            pending_space.clear();
            pending_space_width = 0;
        }
        // Whitespace is kept between words and at the start of the line (indentation), and
        // dropped where the line breaks.
        if row_has_content || rows.is_empty() {
            row.spans.append(&mut pending_space);
            row_width += pending_space_width;
        }
        pending_space.clear();
        pending_space_width = 0;
        // A word longer than the row is split at grapheme boundaries.
        let mut piece = String::new();
        let mut piece_width = 0;
        for grapheme in word.graphemes(true) {
            let grapheme_width = grapheme.width();
            if row_width + piece_width + grapheme_width > width
                && (row_has_content || piece_width > 0)
            {
                push_text(&mut row, std::mem::take(&mut piece), style);
                rows.push(std::mem::replace(&mut row, subsequent_indent.clone()));
                row.style = line.style;
                row_width = line_width(subsequent_indent);
                piece_width = 0;
                row_has_content = false;
            }
            piece.push_str(grapheme);
            piece_width += grapheme_width;
        }
        push_text(&mut row, piece, style);
        row_width += piece_width;
        row_has_content = true;
    }
    if !row_has_content {
        // Keep trailing spaces of a whitespace-only line (e.g. code indentation).
        row.spans.append(&mut pending_space);
    }
    rows.push(row);
    rows
}

/// Wraps each line with the same indents (`initial_indent` on the very first row only).
pub fn wrap_lines<'a>(
    lines: impl IntoIterator<Item = &'a Line<'a>>,
    width: usize,
    initial_indent: &Line<'static>,
    subsequent_indent: &Line<'static>,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for line in lines {
        let indent = if out.is_empty() {
            initial_indent
        } else {
            subsequent_indent
        };
        out.extend(wrap_line(line, width, indent, subsequent_indent));
    }
    out
}

/// Prefixes each line (no wrapping): for content that must stay verbatim, like code.
pub fn prefix_lines(
    lines: Vec<Line<'static>>,
    initial_prefix: &Span<'static>,
    subsequent_prefix: &Span<'static>,
) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .enumerate()
        .map(|(index, mut line)| {
            let prefix = if index == 0 {
                initial_prefix
            } else {
                subsequent_prefix
            };
            line.spans.insert(0, prefix.clone());
            line
        })
        .collect()
}

fn push_text(row: &mut Line<'static>, text: String, style: ratatui::style::Style) {
    if text.is_empty() {
        return;
    }
    match row.spans.last_mut() {
        Some(last) if last.style == style => last.content.to_mut().push_str(&text),
        _ => row.spans.push(Span::styled(text, style)),
    }
}

/// Splits the line into (text, style, is_whitespace) runs; runs never cross span boundaries,
/// so a word made of differently styled pieces may break between them.
fn tokens(line: &Line<'_>) -> Vec<(String, ratatui::style::Style, bool)> {
    let mut out: Vec<(String, ratatui::style::Style, bool)> = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for word in span.content.split_word_bounds() {
            let is_space = word.chars().all(char::is_whitespace);
            match out.last_mut() {
                // Glue adjacent non-space pieces of one span ("don't", "a.b") into one word.
                Some((text, last_style, false)) if !is_space && *last_style == style => {
                    text.push_str(word)
                }
                _ => out.push((word.to_string(), style, is_space)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn text(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter()
            .map(|row| row.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_with_indents() {
        let line = Line::from("the quick brown fox jumps over the lazy dog");
        let rows = wrap_line(&line, 16, &Line::from("• "), &Line::from("  "));
        assert_eq!(
            text(&rows),
            vec![
                "• the quick",
                "  brown fox",
                "  jumps over the",
                "  lazy dog"
            ]
        );
    }

    #[test]
    fn splits_words_longer_than_the_row() {
        let rows = wrap_line(
            &Line::from("abcdefghij"),
            4,
            &Line::default(),
            &Line::default(),
        );
        assert_eq!(text(&rows), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let rows = wrap_line(
            &Line::from("日本語テキスト"),
            6,
            &Line::default(),
            &Line::default(),
        );
        assert_eq!(text(&rows), vec!["日本語", "テキス", "ト"]);
    }

    #[test]
    fn zero_width_never_loops() {
        let rows = wrap_line(
            &Line::from("abc def"),
            0,
            &Line::default(),
            &Line::default(),
        );
        assert_eq!(text(&rows).concat(), "abcdef");
    }

    #[test]
    fn leading_indentation_is_kept_but_not_at_breaks() {
        let rows = wrap_line(
            &Line::from("    indented words here"),
            14,
            &Line::default(),
            &Line::default(),
        );
        assert_eq!(text(&rows), vec!["    indented", "words here"]);
    }

    #[test]
    fn empty_line_is_one_row() {
        let rows = wrap_line(&Line::default(), 10, &Line::from("› "), &Line::from("  "));
        assert_eq!(text(&rows), vec!["› "]);
    }
}
