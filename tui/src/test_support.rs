//! Snapshot helpers: render into a fixed-size buffer, check the colour rule (ANSI named colours
//! only, no fills), and turn the buffer into text for `insta`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

/// Renders with `draw` into a `width`x`height` buffer and returns its text, one row per line.
/// Panics (fails the test) if any cell uses an RGB or indexed colour or a background fill.
pub(crate) fn render_to_string(
    width: u16,
    height: u16,
    draw: impl FnOnce(Rect, &mut Buffer),
) -> String {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    draw(area, &mut buf);
    assert_ansi_only(&buf);
    buffer_text(&buf)
}

pub(crate) fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut row = String::new();
        let mut skip = 0;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            row.push_str(symbol);
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

pub(crate) fn assert_ansi_only(buf: &Buffer) {
    for (index, cell) in buf.content.iter().enumerate() {
        for color in [cell.fg, cell.bg] {
            assert!(
                !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                "cell {index} ({:?}) uses a non-ANSI colour {color:?}",
                cell.symbol()
            );
        }
        assert!(
            matches!(cell.bg, Color::Reset),
            "cell {index} ({:?}) has a background fill {:?}",
            cell.symbol(),
            cell.bg
        );
        assert!(
            !matches!(
                cell.fg,
                Color::White
                    | Color::Black
                    | Color::Yellow
                    | Color::Gray
                    | Color::DarkGray
                    | Color::LightYellow
            ),
            "cell {index} ({:?}) uses a forbidden foreground {:?}",
            cell.symbol(),
            cell.fg
        );
    }
}
