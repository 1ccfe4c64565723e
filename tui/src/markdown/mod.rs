//! Markdown to styled ratatui lines for assistant messages (tui.md §3, colours §11): folds
//! pulldown-cmark events into `Line`s wrapped through `crate::wrapping`, laying out lists,
//! quotes and code for a terminal. It also reports which rendered lines a continuation of the
//! source could still rewrite and where top-level blocks start, so `markdown_stream` can
//! commit finished lines once and re-render only the unfinished tail.

mod renderer;
#[cfg(test)]
mod tests;

use pulldown_cmark::Options;
use pulldown_cmark::Parser;
use ratatui::text::Line;

use renderer::Renderer;

/// Renders `source` into lines at most `width` columns wide (`None`: no wrapping). Code blocks
/// are never wrapped: their lines stay verbatim and may be wider than `width`.
pub fn render_markdown(source: &str, width: Option<usize>) -> Vec<Line<'static>> {
    render(source, width).lines
}

/// Where a top-level block starts, in the source and in the rendered output: rendering
/// `source[source_offset..]` on its own reproduces the full rendering from line `lines_before`
/// on, after a blank line if `blank_before`, `lines_before > 0` and the rest renders anything.
/// (Reference links are the exception: their definitions may sit before the block.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BlockStart {
    pub source_offset: usize,
    pub lines_before: usize,
    pub blank_before: bool,
}

pub(crate) struct Rendered {
    pub lines: Vec<Line<'static>>,
    /// First line of the last leaf (paragraph, heading, tight list item text, table row, empty
    /// list item) when nothing was rendered after it. More source lines may still rewrite it:
    /// a setext underline turns it into a heading, a lazy line joins it, a later `*` closes an
    /// emphasis opened in it.
    pub open_leaf: Option<usize>,
    pub blocks: Vec<BlockStart>,
    pub has_reference_definitions: bool,
}

pub(crate) fn render(source: &str, width: Option<usize>) -> Rendered {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let parser = Parser::new_ext(source, options);
    let has_reference_definitions = parser.reference_definitions().iter().next().is_some();
    let mut renderer = Renderer::new(source, width.unwrap_or(usize::MAX));
    for (event, range) in parser.into_offset_iter() {
        renderer.event(event, range);
    }
    let (lines, open_leaf, blocks) = renderer.finish();
    Rendered {
        lines,
        open_leaf,
        blocks,
        has_reference_definitions,
    }
}
