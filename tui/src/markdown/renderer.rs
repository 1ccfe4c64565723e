//! The event fold behind `render_markdown`: walks pulldown-cmark events with their source
//! ranges, keeps the container, list and style stacks, wraps inline text and records what
//! streaming needs (the open leaf, top-level block starts).

use std::ops::Range;

use pulldown_cmark::Event;
use pulldown_cmark::HeadingLevel;
use pulldown_cmark::Tag;
use pulldown_cmark::TagEnd;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

use super::BlockStart;
use crate::wrapping::wrap_line;

const TAB_STOP: usize = 4;

/// A block that prefixes every line drawn inside it: a blockquote (`> `) or a list item (its
/// marker on the first line, as many spaces on the others).
struct Container {
    first: Option<Span<'static>>,
    rest: Span<'static>,
}

struct Link {
    url: String,
    text: String,
}

pub(super) struct Renderer<'s> {
    source: &'s str,
    width: usize,
    lines: Vec<Line<'static>>,
    /// Inline style stack; each entry is already patched onto the one below.
    styles: Vec<Style>,
    containers: Vec<Container>,
    /// One entry per open list: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    links: Vec<Link>,
    /// Inline content of the current leaf since the last line break, not yet wrapped.
    current: Option<Line<'static>>,
    /// Inside a leaf whose first line was recorded in `open_leaf`.
    in_leaf: bool,
    open_leaf: Option<usize>,
    /// Text of the code or HTML block being read.
    verbatim: Option<String>,
    table_cell: usize,
    /// A blank line goes before the next rendered line, drawn with the prefixes of this many
    /// containers (the ones around the blocks it separates).
    needs_blank: Option<usize>,
    /// End of the last content read, pointing at its trailing newline if it has one.
    last_content_end: usize,
    block_depth: usize,
    blocks: Vec<BlockStart>,
}

impl<'s> Renderer<'s> {
    pub(super) fn new(source: &'s str, width: usize) -> Self {
        Self {
            source,
            width,
            lines: Vec::new(),
            styles: Vec::new(),
            containers: Vec::new(),
            lists: Vec::new(),
            links: Vec::new(),
            current: None,
            in_leaf: false,
            open_leaf: None,
            verbatim: None,
            table_cell: 0,
            needs_blank: None,
            last_content_end: 0,
            block_depth: 0,
            blocks: Vec::new(),
        }
    }

    /// The rendered lines, the open leaf and the top-level block starts.
    pub(super) fn finish(mut self) -> (Vec<Line<'static>>, Option<usize>, Vec<BlockStart>) {
        self.finish_leaf();
        (self.lines, self.open_leaf, self.blocks)
    }

    pub(super) fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, &range),
            Event::Text(text) | Event::Html(text) => {
                self.note_content(&range);
                match &mut self.verbatim {
                    Some(verbatim) => verbatim.push_str(&text),
                    None => self.text(&text, self.style()),
                }
            }
            Event::Code(code) => {
                self.note_content(&range);
                self.text(&code, self.style().cyan());
            }
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::InlineHtml(text) => {
                self.note_content(&range);
                self.text(&text, self.style());
            }
            Event::FootnoteReference(label) => {
                self.note_content(&range);
                self.text(&format!("[^{label}]"), self.style());
            }
            Event::TaskListMarker(checked) => {
                let marker = if checked { "[x] " } else { "[ ] " };
                self.text(marker, self.style());
            }
            // The original keeps the model's line breaks: a soft break ends the line too.
            Event::SoftBreak | Event::HardBreak => {
                self.current_line();
                self.flush_inline();
            }
            Event::Rule => {
                self.open_block(&range);
                self.note_content(&range);
                let (prefix, _) = self.take_prefixes();
                self.push_verbatim_line(prefix, "———");
                self.close_block();
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.open_block(&range),
            Tag::Heading { level, .. } => {
                self.open_block(&range);
                let (style, marks) = match level {
                    HeadingLevel::H1 => (Style::new().bold().underlined(), "# "),
                    HeadingLevel::H2 => (Style::new().bold(), "## "),
                    HeadingLevel::H3 => (Style::new().bold().italic(), "### "),
                    HeadingLevel::H4 => (Style::new().bold(), "#### "),
                    HeadingLevel::H5 => (Style::new().bold(), "##### "),
                    HeadingLevel::H6 => (Style::new().bold(), "###### "),
                };
                self.push_style(style);
                self.push_span(marks, self.style());
            }
            Tag::BlockQuote(_) => {
                self.open_block(&range);
                self.push_style(Style::new().green());
                self.containers.push(Container {
                    first: None,
                    rest: Span::styled("> ", Style::new().green()),
                });
            }
            Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                self.open_block(&range);
                self.verbatim = Some(String::new());
            }
            Tag::List(start) => {
                self.open_block(&range);
                self.lists.push(start);
            }
            Tag::Item => {
                self.open_block(&range);
                // The marker line counts as content: a blank line right after it does not
                // separate the item from its first block.
                self.last_content_end = range.start;
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let marker = format!("{number}. ");
                        *number = number.saturating_add(1);
                        marker
                    }
                    Some(None) | None if depth.is_multiple_of(2) => "• ".to_string(),
                    Some(None) | None => "◦ ".to_string(),
                };
                let indent = " ".repeat(marker.width());
                self.containers.push(Container {
                    first: Some(Span::raw(marker)),
                    rest: Span::raw(indent),
                });
            }
            Tag::Table(_) => self.open_block(&range),
            Tag::TableHead => {
                self.finish_leaf();
                self.table_cell = 0;
                self.push_style(Style::new().bold());
            }
            Tag::TableRow => {
                self.finish_leaf();
                self.table_cell = 0;
            }
            Tag::TableCell => {
                if self.table_cell > 0 {
                    self.push_span(" | ", self.style());
                }
                self.table_cell += 1;
            }
            Tag::Emphasis => self.push_style(Style::new().italic()),
            Tag::Strong => self.push_style(Style::new().bold()),
            Tag::Strikethrough => self.push_style(Style::new().crossed_out()),
            Tag::Superscript | Tag::Subscript => self.push_style(Style::new()),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.push_style(Style::new().cyan().underlined());
                self.links.push(Link {
                    url: dest_url.into_string(),
                    text: String::new(),
                });
            }
        }
    }

    fn end(&mut self, tag: TagEnd, range: &Range<usize>) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table => {
                self.note_content(range);
                self.close_block();
            }
            TagEnd::Heading(_) => {
                self.note_content(range);
                self.close_block();
                self.styles.pop();
            }
            TagEnd::BlockQuote(_) => {
                self.finish_leaf();
                self.containers.pop();
                self.styles.pop();
                self.close_block();
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) => {
                self.note_content(range);
                let text = self.verbatim.take().unwrap_or_default();
                self.push_verbatim(&text);
                self.close_block();
            }
            TagEnd::List(_) => {
                self.finish_leaf();
                self.lists.pop();
                self.close_block();
            }
            TagEnd::Item => {
                self.finish_leaf();
                let marker_pending = self
                    .containers
                    .last()
                    .is_some_and(|item| item.first.is_some());
                if marker_pending {
                    // An empty item still shows its marker; `-` followed by an indented line
                    // later would make it a non-empty item, so it counts as a leaf.
                    self.open_leaf = Some(self.lines.len());
                    let (prefix, _) = self.take_prefixes();
                    self.push_line(trim_end(prefix));
                }
                self.containers.pop();
                self.close_block();
            }
            TagEnd::TableHead => {
                self.note_content(range);
                self.finish_leaf();
                self.styles.pop();
            }
            TagEnd::TableRow => {
                self.note_content(range);
                self.finish_leaf();
            }
            TagEnd::TableCell => {}
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                self.styles.pop();
            }
            TagEnd::Link | TagEnd::Image => {
                self.styles.pop();
                if let Some(link) = self.links.pop()
                    && link.text != link.url
                {
                    self.push_span(&format!(" ({})", link.url), self.style().dim());
                }
            }
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, style: Style) {
        self.styles.push(self.style().patch(style));
    }

    /// Starts a block: closes the running leaf, records top-level block starts and decides
    /// whether a blank line separates this block from the previous one.
    fn open_block(&mut self, range: &Range<usize>) {
        self.finish_leaf();
        if self.block_depth == 0 {
            self.blocks.push(BlockStart {
                source_offset: line_start(self.source, range.start),
                lines_before: self.lines.len(),
                blank_before: self.needs_blank.is_some(),
            });
        }
        // Inside lists the source decides: blocks separated by a blank line keep one. This
        // looks only backwards, so a list turning loose later never rewrites earlier lines.
        if !self.lists.is_empty() && self.gap_has_blank_line(range.start) {
            self.request_blank();
        }
        self.block_depth += 1;
    }

    fn close_block(&mut self) {
        self.finish_leaf();
        self.block_depth = self.block_depth.saturating_sub(1);
        // Outside lists every pair of blocks gets a blank line between them.
        if self.lists.is_empty() {
            self.request_blank();
        }
    }

    fn request_blank(&mut self) {
        let depth = self.containers.len();
        self.needs_blank = Some(self.needs_blank.map_or(depth, |pending| pending.min(depth)));
    }

    fn gap_has_blank_line(&self, start: usize) -> bool {
        self.source
            .get(self.last_content_end..start)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn note_content(&mut self, range: &Range<usize>) {
        let ends_with_newline = self
            .source
            .get(range.clone())
            .is_some_and(|text| text.ends_with('\n'));
        self.last_content_end = if ends_with_newline {
            range.end - 1
        } else {
            range.end
        };
    }

    /// Inline text, also collected as the text of an enclosing link.
    fn text(&mut self, text: &str, style: Style) {
        if let Some(link) = self.links.last_mut() {
            link.text.push_str(text);
        }
        self.push_span(text, style);
    }

    fn push_span(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        // Inline HTML may span lines; inside a paragraph a newline is just a space.
        let text = text.replace(['\n', '\r'], " ");
        self.current_line().spans.push(Span::styled(text, style));
    }

    fn current_line(&mut self) -> &mut Line<'static> {
        if !self.in_leaf {
            self.in_leaf = true;
            self.open_leaf = Some(self.lines.len());
        }
        self.current.get_or_insert_with(Line::default)
    }

    /// Wraps the inline content read so far into rows (the leaf may go on after a hard break).
    fn flush_inline(&mut self) {
        let Some(line) = self.current.take() else {
            return;
        };
        let (initial, subsequent) = self.take_prefixes();
        for row in wrap_line(&line, self.width, &initial, &subsequent) {
            self.push_line(merge_spans(row));
        }
    }

    fn finish_leaf(&mut self) {
        self.flush_inline();
        self.in_leaf = false;
    }

    /// The container prefixes for the next line and for the lines after it; list markers are
    /// drawn once, so this consumes them.
    fn take_prefixes(&mut self) -> (Line<'static>, Line<'static>) {
        let mut initial = Line::default();
        let mut subsequent = Line::default();
        for container in &mut self.containers {
            let rest = container.rest.clone();
            initial.spans.push(container.first.take().unwrap_or(rest));
            subsequent.spans.push(container.rest.clone());
        }
        (initial, subsequent)
    }

    /// Code and HTML blocks: one line per source line, tabs expanded, never wrapped.
    fn push_verbatim(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let text = text.strip_suffix('\n').unwrap_or(text);
        for raw in text.split('\n') {
            let (prefix, _) = self.take_prefixes();
            self.push_verbatim_line(prefix, &expand_tabs(raw.trim_end_matches('\r')));
        }
    }

    fn push_verbatim_line(&mut self, mut line: Line<'static>, text: &str) {
        if !text.is_empty() {
            line.spans
                .push(Span::styled(text.to_string(), self.style()));
        }
        self.open_leaf = None;
        self.push_line(line);
    }

    fn push_line(&mut self, line: Line<'static>) {
        if let Some(depth) = self.needs_blank.take()
            && !self.lines.is_empty()
        {
            let prefix: Vec<Span<'static>> = self
                .containers
                .iter()
                .take(depth)
                .map(|container| container.rest.clone())
                .collect();
            self.lines.push(trim_end(Line::from(prefix)));
        }
        self.lines.push(line);
    }
}

/// Joins neighbouring spans of one style (wrapping splits text into words).
fn merge_spans(line: Line<'static>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        match spans.last_mut() {
            Some(last) if last.style == span.style => last.content.to_mut().push_str(&span.content),
            _ => spans.push(span),
        }
    }
    Line { spans, ..line }
}

/// Drops trailing whitespace, so a blank row inside a quote is just its `>` marks.
fn trim_end(mut line: Line<'static>) -> Line<'static> {
    while let Some(last) = line.spans.last_mut() {
        let trimmed = last.content.trim_end();
        if trimmed.is_empty() {
            line.spans.pop();
        } else {
            last.content = trimmed.to_string().into();
            break;
        }
    }
    line
}

fn line_start(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// Tabs would vanish in the terminal buffer (control characters are skipped), so code keeps
/// its indentation with spaces up to the next tab stop.
fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut column = 0;
    for ch in text.chars() {
        if ch == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
        } else {
            out.push(ch);
            column += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        }
    }
    out
}
