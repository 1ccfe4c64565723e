use pretty_assertions::assert_eq;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use super::*;
use crate::test_support::render_to_string;

fn text(lines: &[Line<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|line| line.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

fn rendered_text(source: &str, width: Option<usize>) -> Vec<String> {
    text(&render_markdown(source, width))
}

/// Draws the lines into a `buffer_width`-column buffer exactly as tall as the lines.
fn draw(lines: Vec<Line<'static>>, buffer_width: u16) -> String {
    let height = u16::try_from(lines.len()).unwrap();
    render_to_string(buffer_width, height, |area, buf| {
        Paragraph::new(lines).render(area, buf);
    })
}

const REPLY: &str = "\
# Summary

I changed **two files** and *one* test; run `cargo test` to check.
See [the guide](https://example.com/guide) or <https://example.com>.

## Steps

- Read the config
- Parse it
  - validate keys
  - reject ~~unknown~~ extra fields
- Write the result

3. third
4. fourth

### Code

```rust
fn main() {
    println!(\"hello\");
}
```

> Quoted advice
> over two lines.

---

Done.
";

#[test]
fn finished_reply_snapshot() {
    insta::assert_snapshot!(draw(render_markdown(REPLY, Some(80)), 80));
}

#[test]
fn wrapped_at_40_snapshot() {
    let source = "\
A paragraph long enough that it has to wrap over more than one row at forty columns.

- a list item that is also long enough to wrap, so its continuation hangs under the text
  1. nested ordered item with enough words to need a second row as well
> a quote that wraps onto a second row keeps its marker on every row";
    insta::assert_snapshot!(draw(render_markdown(source, Some(40)), 80));
}

#[test]
fn long_code_line_is_not_rewrapped_snapshot() {
    let source = "\
Code:

```
let result = compute_something_long(argument_one, argument_two, argument_three);
    indented_call();
```";
    // Rendered for 30 columns, drawn 40 wide: the code line overflows and the buffer cuts it.
    insta::assert_snapshot!(draw(render_markdown(source, Some(30)), 40));
}

#[test]
fn inline_styles() {
    assert_eq!(
        render_markdown("Use `cargo` **now**, *maybe* ~~never~~.", None),
        vec![Line::from(vec![
            Span::raw("Use "),
            Span::styled("cargo", Style::new().cyan()),
            Span::raw(" "),
            Span::styled("now", Style::new().bold()),
            Span::raw(", "),
            Span::styled("maybe", Style::new().italic()),
            Span::raw(" "),
            Span::styled("never", Style::new().crossed_out()),
            Span::raw("."),
        ])]
    );
    assert_eq!(
        render_markdown("***both*** and **bold `code`**", None),
        vec![Line::from(vec![
            Span::styled("both", Style::new().italic().bold()),
            Span::raw(" and "),
            Span::styled("bold ", Style::new().bold()),
            Span::styled("code", Style::new().bold().cyan()),
        ])]
    );
}

#[test]
fn headings_keep_their_marks() {
    assert_eq!(
        render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four", None),
        vec![
            Line::from(Span::styled("# One", Style::new().bold().underlined())),
            Line::default(),
            Line::from(Span::styled("## Two", Style::new().bold())),
            Line::default(),
            Line::from(Span::styled("### Three", Style::new().bold().italic())),
            Line::default(),
            Line::from(Span::styled("#### Four", Style::new().bold())),
        ]
    );
    assert_eq!(
        rendered_text("Setext\n======\n\nTwo\n---", None),
        vec!["# Setext", "", "## Two"]
    );
}

#[test]
fn links_show_their_url_unless_it_is_the_text() {
    let link = Style::new().cyan().underlined();
    assert_eq!(
        render_markdown(
            "[docs](https://x.dev) and <https://y.dev> and ![logo](a.png)",
            None
        ),
        vec![Line::from(vec![
            Span::styled("docs", link),
            Span::styled(" (https://x.dev)", Style::new().dim()),
            Span::raw(" and "),
            Span::styled("https://y.dev", link),
            Span::raw(" and "),
            Span::styled("logo", link),
            Span::styled(" (a.png)", Style::new().dim()),
        ])]
    );
}

#[test]
fn blockquotes_are_green_with_a_marker_per_row() {
    let green = Style::new().green();
    assert_eq!(
        render_markdown("> one\n>\n> two `x`", None),
        vec![
            Line::from(Span::styled("> one", green)),
            Line::from(Span::styled(">", green)),
            Line::from(vec![
                Span::styled("> two ", green),
                Span::styled("x", green.cyan()),
            ]),
        ]
    );
    assert_eq!(
        rendered_text("> outer\n>> inner", None),
        vec!["> outer", ">", "> > inner"]
    );
}

#[test]
fn lists() {
    assert_eq!(
        rendered_text("- a\n- b\n  - c\n    - d\n- e", None),
        vec!["• a", "• b", "  ◦ c", "    • d", "• e"]
    );
    assert_eq!(
        rendered_text("7. seven\n8. eight\n   - sub\n10. ten", None),
        vec!["7. seven", "8. eight", "   ◦ sub", "9. ten"]
    );
    assert_eq!(
        rendered_text("- first item wraps here\n- b", Some(12)),
        vec!["• first item", "  wraps here", "• b"]
    );
    // Blank lines inside a list are kept where the source has them.
    assert_eq!(
        rendered_text("- a\n\n  more a\n- b\n\n- c\n  ```\n  code\n  ```", None),
        vec!["• a", "", "  more a", "• b", "", "• c", "  code"]
    );
    assert_eq!(
        rendered_text("- ```\n  code first\n  ```\n-\n- - double", None),
        vec!["• code first", "•", "• ◦ double"]
    );
}

#[test]
fn one_blank_line_between_blocks_and_none_around() {
    assert_eq!(
        rendered_text(
            "\n\n# H\npara\n\n\n- a\n\n```\ncode\n```\n> q\n\n1. one\n***\nend\n\n\n",
            None
        ),
        vec![
            "# H",
            "",
            "para",
            "",
            "• a",
            "",
            "code",
            "",
            "> q",
            "",
            "1. one",
            "",
            "———",
            "",
            "end"
        ]
    );
    assert_eq!(rendered_text("", None), Vec::<String>::new());
    assert_eq!(rendered_text("\n\n  \n", None), Vec::<String>::new());
}

#[test]
fn code_blocks_are_verbatim() {
    let source = "```\n  two spaces\n\tone tab\nab\tc\n\n**not bold** and a long line\n```";
    assert_eq!(
        render_markdown(source, Some(10)),
        vec![
            Line::from("  two spaces"),
            Line::from("    one tab"),
            Line::from("ab  c"),
            Line::default(),
            Line::from("**not bold** and a long line"),
        ]
    );
    assert_eq!(
        rendered_text("para\n\n    indented\n      code\n", Some(4)),
        vec!["para", "", "indented", "  code"]
    );
    assert_eq!(rendered_text("```\n```\nafter", None), vec!["after"]);
}

#[test]
fn breaks() {
    assert_eq!(
        rendered_text("soft\nbreak  \nhard\\\nbreaks", None),
        vec!["soft", "break", "hard", "breaks"]
    );
    assert_eq!(
        rendered_text("- item  \n  second row", None),
        vec!["• item", "  second row"]
    );
}

#[test]
fn tables_html_and_unwrapped_text() {
    assert_eq!(
        render_markdown("| a | b |\n|---|:-:|\n| 1 | `2` |\n| x |", None),
        vec![
            Line::from(Span::styled("a | b", Style::new().bold())),
            Line::from(vec![
                Span::raw("1 | "),
                Span::styled("2", Style::new().cyan()),
            ]),
            Line::from("x |"),
        ]
    );
    assert_eq!(
        rendered_text(
            "<div>\n  <b>hi</b>\n</div>\n\ntext <span>inline</span>",
            None
        ),
        vec![
            "<div>",
            "  <b>hi</b>",
            "</div>",
            "",
            "text <span>inline</span>"
        ]
    );
    let long = "word ".repeat(40);
    assert_eq!(
        rendered_text(&long, None),
        vec![long.trim_end().to_string()]
    );
}

#[test]
fn top_level_blocks_and_the_open_leaf_are_reported() {
    let rendered = render("para\n\n- a\n- b\n", Some(80));
    assert_eq!(text(&rendered.lines), vec!["para", "", "• a", "• b"]);
    assert_eq!(
        rendered.blocks,
        vec![
            BlockStart {
                source_offset: 0,
                lines_before: 0,
                blank_before: false
            },
            BlockStart {
                source_offset: 6,
                lines_before: 1,
                blank_before: true
            },
        ]
    );
    assert_eq!(rendered.open_leaf, Some(3));
    assert_eq!(render("para\n```\ncode\n", Some(80)).open_leaf, None);
    assert_eq!(render("para\n\n-\n", Some(80)).open_leaf, Some(1));
}

#[test]
fn never_panics() {
    let pieces = [
        "#", "-", "*", "_", "`", "```", "~~", ">", "|", "1.", "[", "]", "(", ")", "!", "<", "\\",
        " ", "  ", "\n", "\t", "日本", "é", "\r\n", "---", "[^1]", "<!--", "a", "word",
    ];
    // A deterministic pseudo-random walk over markdown fragments.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        let mut source = String::new();
        for _ in 0..40 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            source.push_str(pieces[(state % pieces.len() as u64) as usize]);
        }
        for width in [None, Some(0), Some(1), Some(3), Some(80)] {
            render_markdown(&source, width);
        }
    }
}
