//! Streaming markdown for the active assistant message (tui.md §5): deltas accumulate here;
//! rendered lines that can no longer change are handed out once, and only the unfinished tail
//! is re-rendered per frame. Everything handed out, in order, equals `render_markdown` of the
//! whole message at the same width.
//!
//! Lines are final once their source line is complete, except the last open leaf: a paragraph
//! or list item text may still be joined by a lazy line, turned into a setext heading or have
//! its emphasis closed later, so it is held back until a blank line or another rendered line
//! follows it. Both committing and the live tail render only from the start of the top-level
//! block holding the first line not returned yet (found by the previous commit), so a call
//! costs one block plus the pending text, not the whole message. A message with link reference
//! definitions is rendered from its start instead, because any later link may refer to them.
//! The width must stay the same for a whole message: returned lines are counted, not re-wrapped.

use ratatui::text::Line;

use crate::markdown::BlockStart;
use crate::markdown::render;

#[derive(Debug, Default)]
pub struct MarkdownStream {
    source: String,
    /// Rendered lines already returned.
    returned: usize,
    /// The top-level block holding the first line not returned yet; rendering starts there.
    resume_at: BlockStart,
    /// A link reference definition was seen: always render from the start.
    has_reference_definitions: bool,
}

impl MarkdownStream {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push_delta(&mut self, delta: &str) {
        self.source.push_str(delta);
    }

    /// Rendered lines that became final since the last call: the source up to its last
    /// newline rendered at `width`, minus the lines already returned and minus the last open
    /// leaf, which later lines could still rewrite.
    pub fn commit_complete_lines(&mut self, width: usize) -> Vec<Line<'static>> {
        let Some(newline) = self.source.rfind('\n') else {
            return Vec::new();
        };
        let complete = &self.source[..=newline];
        let tail = render_tail(complete, self.render_start(), width);
        // After a blank line no leaf is open: it ends paragraphs, quotes and tables.
        let final_end = if ends_with_blank_line(complete) {
            tail.end()
        } else {
            tail.open_leaf.unwrap_or(tail.end())
        };
        let skip = self.returned.saturating_sub(tail.first_line);
        let new_lines: Vec<Line<'static>> = tail
            .lines
            .into_iter()
            .take(final_end.saturating_sub(tail.first_line))
            .skip(skip)
            .collect();
        self.returned += new_lines.len();
        self.has_reference_definitions |= tail.has_reference_definitions;
        // Blocks start in source order, so the last one starting at or before the first line
        // still to return holds it.
        if let Some(block) = tail
            .blocks
            .into_iter()
            .rev()
            .find(|block| block.lines_before <= self.returned)
        {
            self.resume_at = block;
        }
        new_lines
    }

    /// The part not returned yet, rendered for the live frame: complete lines held back plus
    /// the partial last line, partial words included.
    pub fn tail_lines(&self, width: usize) -> Vec<Line<'static>> {
        let tail = render_tail(&self.source, self.render_start(), width);
        let skip = self.returned.saturating_sub(tail.first_line);
        tail.lines.into_iter().skip(skip).collect()
    }

    /// The message is complete: returns everything not returned yet and starts over empty.
    pub fn finalize(&mut self, width: usize) -> Vec<Line<'static>> {
        let rest = self.tail_lines(width);
        *self = Self::default();
        rest
    }

    /// Nothing pushed since creation or the last `finalize`.
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    fn render_start(&self) -> BlockStart {
        if self.has_reference_definitions {
            BlockStart::default()
        } else {
            self.resume_at
        }
    }
}

/// The rendering of `source` from a top-level block on, with line numbers of the whole
/// message's rendering.
struct Tail {
    lines: Vec<Line<'static>>,
    /// Number of the first of `lines`.
    first_line: usize,
    open_leaf: Option<usize>,
    blocks: Vec<BlockStart>,
    has_reference_definitions: bool,
}

impl Tail {
    fn end(&self) -> usize {
        self.first_line + self.lines.len()
    }
}

fn render_tail(source: &str, start: BlockStart, width: usize) -> Tail {
    let rest = source.get(start.source_offset..).unwrap_or_default();
    let rendered = render(rest, Some(width));
    let blank = start.blank_before && start.lines_before > 0 && !rendered.lines.is_empty();
    let shift = start.lines_before + usize::from(blank);
    let blocks = rendered
        .blocks
        .into_iter()
        .map(|block| {
            let source_offset = start.source_offset + block.source_offset;
            if block.lines_before == 0 {
                // Nothing of the tail is drawn yet, so the separator still pending before
                // `start` is pending here too.
                BlockStart {
                    source_offset,
                    lines_before: start.lines_before,
                    blank_before: start.blank_before || block.blank_before,
                }
            } else {
                BlockStart {
                    source_offset,
                    lines_before: shift + block.lines_before,
                    blank_before: block.blank_before,
                }
            }
        })
        .collect();
    Tail {
        lines: blank
            .then(Line::default)
            .into_iter()
            .chain(rendered.lines)
            .collect(),
        first_line: start.lines_before,
        // A leaf opening the tail starts before the pending separator, as in a whole render.
        open_leaf: rendered.open_leaf.map(|line| match line {
            0 => start.lines_before,
            line => shift + line,
        }),
        blocks,
        has_reference_definitions: rendered.has_reference_definitions,
    }
}

/// `source` ends with a newline; is its last line empty or whitespace?
fn ends_with_blank_line(source: &str) -> bool {
    let body = source.strip_suffix('\n').unwrap_or(source);
    let last_line = body.rsplit('\n').next().unwrap_or(body);
    last_line.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::markdown::render_markdown;

    const WIDTH: usize = 32;

    /// Sample replies covering the constructs whose rendering depends on later lines.
    const DOCS: [&str; 5] = [
        "# Plan\n\nFirst we read the **configuration** file and then we write a much longer \
         paragraph that wraps over several rows.\n\n- one item\n- two *items*\n  - nested \
         entry that is long enough to wrap\n- three\n\n1. first\n2. second\n\n```rust\nfn \
         main() {\n    println!(\"hi\");\n}\n```\n\nDone, see [docs](https://example.com).\n",
        "Intro line one\nline two continues the paragraph\nand a third.\n\n> quoted text\n> \
         more quote\n\n---\n\n[guide]: https://example.com/guide\n\nAfter the rule, \
         read the [guide].\n\nEnd.",
        "- tight\n- then loose\n\n- loose item\n\n  second paragraph of the item\n\n- next item\n\n      indented \
         code\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        "Setext title that is long\nspanning two source lines\n===\n\nhard break  \nnext line\n\n    code one\n\n    \
         code two\n\n```\nunclosed fence\n\n  keeps going",
        "1. *emphasis opened on a line\n   that goes on and on and on\n   closed later* ok\n2. `code\n   span`\n\n-\n  late item \
         text\n\ntrailing paragraph\n",
    ];

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|line| line.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// Streams `doc` cut at `cuts`, committing after every delta; checks at every step that
    /// the committed lines plus the tail are the rendering of what arrived so far, and returns
    /// everything committed plus the finalized rest.
    fn stream(doc: &str, cuts: &[usize]) -> Vec<Line<'static>> {
        let mut stream = MarkdownStream::new();
        let mut out = Vec::new();
        let mut previous = 0;
        for &cut in cuts.iter().chain([doc.len()].iter()) {
            stream.push_delta(&doc[previous..cut]);
            previous = cut;
            out.extend(stream.commit_complete_lines(WIDTH));
            let mut shown = out.clone();
            shown.extend(stream.tail_lines(WIDTH));
            assert_eq!(
                shown,
                render_markdown(&doc[..cut], Some(WIDTH)),
                "after {:?}",
                &doc[..cut]
            );
        }
        out.extend(stream.finalize(WIDTH));
        out
    }

    fn char_boundaries(doc: &str) -> Vec<usize> {
        doc.char_indices().map(|(index, _)| index).skip(1).collect()
    }

    #[test]
    fn any_split_into_two_deltas_renders_like_the_whole() {
        for doc in DOCS {
            let expected = render_markdown(doc, Some(WIDTH));
            for cut in char_boundaries(doc) {
                assert_eq!(stream(doc, &[cut]), expected, "cut at {cut} of {doc:?}");
            }
        }
    }

    #[test]
    fn character_by_character_and_chunked_streams_render_like_the_whole() {
        for doc in DOCS {
            let expected = render_markdown(doc, Some(WIDTH));
            let boundaries = char_boundaries(doc);
            assert_eq!(stream(doc, &boundaries), expected, "{doc:?}");
            for chunk in [3, 7, 16] {
                let cuts: Vec<usize> = boundaries.iter().copied().step_by(chunk).collect();
                assert_eq!(stream(doc, &cuts), expected, "chunk {chunk} of {doc:?}");
            }
        }
    }

    #[test]
    fn finished_lines_are_committed_once_and_the_open_paragraph_is_held_back() {
        let mut stream = MarkdownStream::new();
        stream.push_delta("# Title\n");
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            Vec::<String>::new()
        );
        stream.push_delta("\nfirst line of a para");
        assert_eq!(text(&stream.commit_complete_lines(80)), vec!["# Title"]);
        stream.push_delta("graph\nstill the same paragraph\n");
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            Vec::<String>::new()
        );
        assert_eq!(
            text(&stream.tail_lines(80)),
            vec!["", "first line of a paragraph", "still the same paragraph"]
        );
        stream.push_delta("\n- item one\n- item t");
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            vec!["", "first line of a paragraph", "still the same paragraph"]
        );
        assert_eq!(
            text(&stream.tail_lines(80)),
            vec!["", "• item one", "• item t"]
        );
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            Vec::<String>::new()
        );
        assert_eq!(
            text(&stream.finalize(80)),
            vec!["", "• item one", "• item t"]
        );
        assert!(stream.is_empty());
    }

    #[test]
    fn code_lines_are_committed_as_soon_as_they_end() {
        let mut stream = MarkdownStream::new();
        stream.push_delta("```\nlet a = 1;\nlet b");
        assert_eq!(text(&stream.commit_complete_lines(80)), vec!["let a = 1;"]);
        assert_eq!(text(&stream.tail_lines(80)), vec!["let b"]);
        stream.push_delta(" = 2;\n```\n");
        assert_eq!(text(&stream.commit_complete_lines(80)), vec!["let b = 2;"]);
        assert_eq!(text(&stream.tail_lines(80)), Vec::<String>::new());
        assert_eq!(text(&stream.finalize(80)), Vec::<String>::new());
    }

    #[test]
    fn a_setext_underline_rewrites_the_held_paragraph() {
        let mut stream = MarkdownStream::new();
        stream.push_delta("Title words\n");
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            Vec::<String>::new()
        );
        assert_eq!(text(&stream.tail_lines(80)), vec!["Title words"]);
        stream.push_delta("---\n");
        assert_eq!(
            text(&stream.commit_complete_lines(80)),
            Vec::<String>::new()
        );
        assert_eq!(text(&stream.finalize(80)), vec!["## Title words"]);
    }

    #[test]
    fn empty_stream() {
        let mut stream = MarkdownStream::new();
        assert!(stream.is_empty());
        assert_eq!(
            stream.commit_complete_lines(80),
            Vec::<Line<'static>>::new()
        );
        assert_eq!(stream.tail_lines(80), Vec::<Line<'static>>::new());
        stream.push_delta("x");
        assert!(!stream.is_empty());
        assert_eq!(text(&stream.finalize(80)), vec!["x"]);
        assert!(stream.is_empty());
    }
}
