//! Key-by-key editing, wrapping, cursor and scroll behaviour of the text area, compared as
//! whole values: the text with `|` at the cursor, or the whole drawn buffer.

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use pretty_assertions::assert_eq;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::TextArea;
use super::TextAreaInput;
use super::layout::wrap_rows;
use crate::test_support::render_to_string;
use crate::wrapping::wrap_line;

const WIDTH: u16 = 40;

/// A text area holding `marked` with the cursor at its `|`.
fn area(marked: &str) -> TextArea {
    let cursor = marked.find('|').expect("cursor marker");
    let mut textarea = TextArea::new();
    textarea.set_text(&marked.replacen('|', "", 1));
    textarea.set_cursor(cursor);
    textarea
}

/// The text with `|` at the cursor: text and cursor in one comparable value.
fn marked(textarea: &TextArea) -> String {
    let mut out = textarea.text().to_string();
    out.insert(textarea.cursor(), '|');
    out
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(ch: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL)
}

fn alt(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::ALT)
}

/// Applies `keys` to `start` at `width` and returns the marked result and each key's outcome.
fn press_at(start: &str, keys: &[KeyEvent], width: u16) -> (String, Vec<TextAreaInput>) {
    let mut textarea = area(start);
    let outcomes = keys.iter().map(|key| textarea.input(*key, width)).collect();
    (marked(&textarea), outcomes)
}

/// Applies `keys` at the default width, asserting each was handled.
fn press(start: &str, keys: &[KeyEvent]) -> String {
    let (result, outcomes) = press_at(start, keys, WIDTH);
    assert_eq!(outcomes, vec![TextAreaInput::Handled; keys.len()]);
    result
}

#[test]
fn printable_chars_insert_at_the_cursor() {
    let keys = [
        plain(KeyCode::Char('x')),
        KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT),
        // AltGr arrives as Ctrl+Alt on Windows.
        KeyEvent::new(
            KeyCode::Char('@'),
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        ),
        plain(KeyCode::Char('é')),
    ];
    assert_eq!(press("ab|c", &keys), "abxY@é|c");
}

#[test]
fn newline_keys_insert_a_newline() {
    let keys = [
        ctrl('j'),
        KeyEvent::new(KeyCode::Enter, KeyModifiers::SHIFT),
        alt(KeyCode::Enter),
    ];
    assert_eq!(press("a|b", &keys), "a\n\n\n|b");
}

#[test]
fn keys_for_the_composer_are_not_handled() {
    let keys = [
        plain(KeyCode::Enter),
        plain(KeyCode::Tab),
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        plain(KeyCode::Esc),
        ctrl('c'),
        ctrl('r'),
        ctrl('t'),
        alt(KeyCode::Char('x')),
        plain(KeyCode::PageUp),
    ];
    assert_eq!(
        press_at("ab|c", &keys, WIDTH),
        (
            "ab|c".to_string(),
            vec![TextAreaInput::NotHandled; keys.len()]
        )
    );
}

#[test]
fn key_releases_are_swallowed() {
    let mut release = plain(KeyCode::Char('x'));
    release.kind = KeyEventKind::Release;
    assert_eq!(press("a|", &[release]), "a|");
}

#[test]
fn left_and_right_move_by_grapheme() {
    // "e" + combining acute is one grapheme; so is the family emoji.
    let family = "👨\u{200d}👩\u{200d}👧";
    let start = format!("ae\u{301}{family}|");
    let left = plain(KeyCode::Left);
    assert_eq!(press(&start, &[left]), format!("ae\u{301}|{family}"));
    assert_eq!(press(&start, &[left, left]), format!("a|e\u{301}{family}"));
    assert_eq!(
        press(&start, &[left, left, left, left]),
        format!("|ae\u{301}{family}")
    );
    let right = plain(KeyCode::Right);
    assert_eq!(
        press(&format!("|ae\u{301}{family}"), &[right, right]),
        format!("ae\u{301}|{family}")
    );
    assert_eq!(press("ab|", &[right]), "ab|");
}

#[test]
fn home_end_and_ctrl_a_e_stay_on_the_logical_line() {
    let text = "first\nsec|ond\nthird";
    assert_eq!(
        press(text, &[plain(KeyCode::Home)]),
        "first\n|second\nthird"
    );
    assert_eq!(press(text, &[ctrl('a')]), "first\n|second\nthird");
    assert_eq!(press(text, &[plain(KeyCode::End)]), "first\nsecond|\nthird");
    assert_eq!(press(text, &[ctrl('e')]), "first\nsecond|\nthird");
    // A soft-wrapped line is one logical line.
    let (result, _) = press_at("one two three fo|ur", &[plain(KeyCode::Home)], 6);
    assert_eq!(result, "|one two three four");
}

#[test]
fn word_moves_skip_whitespace_then_one_run() {
    let text = "cd src/main.rs  |now";
    let word_left = [
        alt(KeyCode::Char('b')),
        alt(KeyCode::Left),
        KeyEvent::new(KeyCode::Left, KeyModifiers::CONTROL),
    ];
    for key in word_left {
        assert_eq!(press(text, &[key]), "cd src/main.|rs  now");
    }
    assert_eq!(
        press(text, &[word_left[0], word_left[0], word_left[0]]),
        "cd src/|main.rs  now"
    );
    let word_right = [
        alt(KeyCode::Char('f')),
        alt(KeyCode::Right),
        KeyEvent::new(KeyCode::Right, KeyModifiers::CONTROL),
    ];
    for key in word_right {
        assert_eq!(press("cd| src/main.rs", &[key]), "cd src|/main.rs");
    }
    assert_eq!(press("a\n|  ", &[word_right[0]]), "a\n  |");
    assert_eq!(press("  |a", &[word_left[0], word_left[0]]), "|  a");
}

#[test]
fn backspace_and_delete_remove_one_grapheme() {
    let start = "ae\u{301}|e\u{301}b";
    assert_eq!(press(start, &[plain(KeyCode::Backspace)]), "a|e\u{301}b");
    assert_eq!(press(start, &[ctrl('h')]), "a|e\u{301}b");
    assert_eq!(press(start, &[plain(KeyCode::Delete)]), "ae\u{301}|b");
    assert_eq!(press(start, &[ctrl('d')]), "ae\u{301}|b");
    assert_eq!(press("|ab", &[plain(KeyCode::Backspace)]), "|ab");
    assert_eq!(press("ab|", &[plain(KeyCode::Delete), ctrl('d')]), "ab|");
    assert_eq!(press("a\n|b", &[plain(KeyCode::Backspace)]), "a|b");
}

#[test]
fn ctrl_d_on_empty_text_is_for_the_composer() {
    assert_eq!(
        press_at("|", &[ctrl('d')], WIDTH),
        ("|".to_string(), vec![TextAreaInput::NotHandled])
    );
}

#[test]
fn word_kills_and_yank() {
    let start = "git commit -m| fix";
    assert_eq!(press(start, &[ctrl('w')]), "git commit -| fix");
    assert_eq!(
        press(start, &[alt(KeyCode::Backspace)]),
        "git commit -| fix"
    );
    assert_eq!(
        press(start, &[ctrl('w'), ctrl('w'), ctrl('w')]),
        "git | fix"
    );
    assert_eq!(press(start, &[alt(KeyCode::Char('d'))]), "git commit -m|");
    assert_eq!(press(start, &[alt(KeyCode::Delete)]), "git commit -m|");
    // Ctrl+Y inserts the last kill, as often as asked.
    assert_eq!(
        press(
            start,
            &[ctrl('w'), plain(KeyCode::End), ctrl('y'), ctrl('y')]
        ),
        "git commit - fixmm|"
    );
    // An empty kill keeps the buffer.
    assert_eq!(
        press(start, &[ctrl('k'), ctrl('k'), ctrl('y')]),
        "git commit -m fix|"
    );
    assert_eq!(press("abc|", &[ctrl('y')]), "abc|");
}

#[test]
fn ctrl_u_kills_to_line_start_or_joins_lines() {
    let keys = [ctrl('u')];
    assert_eq!(press("one\ntw|o", &keys), "one\n|o");
    assert_eq!(press("one\n|two", &keys), "one|two");
    assert_eq!(press("|one", &keys), "|one");
    assert_eq!(
        press("one\ntw|o", &[ctrl('u'), ctrl('e'), ctrl('y')]),
        "one\notw|"
    );
}

#[test]
fn ctrl_k_kills_to_line_end_or_joins_lines() {
    let keys = [ctrl('k')];
    assert_eq!(press("o|ne\ntwo", &keys), "o|\ntwo");
    assert_eq!(press("one|\ntwo", &keys), "one|two");
    assert_eq!(press("one|", &keys), "one|");
    assert_eq!(
        press("one|\ntwo", &[ctrl('k'), ctrl('y'), ctrl('y')]),
        "one\n\n|two"
    );
}

#[test]
fn up_and_down_keep_the_column_across_logical_lines() {
    let up = plain(KeyCode::Up);
    let down = plain(KeyCode::Down);
    let text = "first line\nab\nthird li|ne";
    assert_eq!(press(text, &[up]), "first line\nab|\nthird line");
    // The preferred column survives the short middle line.
    assert_eq!(press(text, &[up, up]), "first li|ne\nab\nthird line");
    assert_eq!(press(text, &[up, up, down, down]), text);
    assert_eq!(
        press(text, &[ctrl('p'), ctrl('p')]),
        "first li|ne\nab\nthird line"
    );
    assert_eq!(press("a|b\ncd", &[ctrl('n')]), "ab\nc|d");
}

#[test]
fn up_on_the_first_row_and_down_on_the_last_are_for_the_composer() {
    assert_eq!(
        press_at("fi|rst\nsecond", &[plain(KeyCode::Up), ctrl('p')], WIDTH),
        (
            "fi|rst\nsecond".to_string(),
            vec![TextAreaInput::NotHandled; 2]
        )
    );
    assert_eq!(
        press_at("first\nsec|ond", &[plain(KeyCode::Down), ctrl('n')], WIDTH),
        (
            "first\nsec|ond".to_string(),
            vec![TextAreaInput::NotHandled; 2]
        )
    );
}

#[test]
fn up_and_down_walk_wrapped_rows() {
    // Width 8 wraps at 7 columns: "alpha " / "beta " / "gamma".
    let text = "alpha beta gam|ma";
    let up = plain(KeyCode::Up);
    let down = plain(KeyCode::Down);
    assert_eq!(
        press_at(text, &[up], 8),
        (
            "alpha bet|a gamma".to_string(),
            vec![TextAreaInput::Handled]
        )
    );
    assert_eq!(
        press_at(text, &[up, up, up], 8),
        (
            "alp|ha beta gamma".to_string(),
            vec![
                TextAreaInput::Handled,
                TextAreaInput::Handled,
                TextAreaInput::NotHandled
            ]
        )
    );
    // Aiming past the end of a wrapped row stops before its break.
    let (result, _) = press_at("ab cdefgh|", &[up], 7);
    assert_eq!(result, "ab| cdefgh");
    let mut textarea = area("alpha beta gam|ma");
    assert_eq!(
        (
            textarea.is_cursor_on_first_line(8),
            textarea.is_cursor_on_last_line(8)
        ),
        (false, true)
    );
    textarea.input(up, 8);
    assert_eq!(
        (
            textarea.is_cursor_on_first_line(8),
            textarea.is_cursor_on_last_line(8)
        ),
        (false, false)
    );
    textarea.input(down, 8);
    assert_eq!(marked(&textarea), text);
}

#[test]
fn inserted_text_is_normalised() {
    let mut textarea = area(">|<");
    textarea.insert_str("a\r\nb\rc\td\u{1b}[31me\n");
    assert_eq!(marked(&textarea), ">a\nb\nc    d[31me\n|<");
}

#[test]
fn set_text_set_cursor_and_replace_range() {
    let mut textarea = TextArea::new();
    assert!(textarea.is_empty());
    textarea.set_text("héllo world");
    assert_eq!(marked(&textarea), "héllo world|");
    // Inside the two-byte 'é' the cursor falls back to its start.
    textarea.set_cursor(2);
    assert_eq!(marked(&textarea), "h|éllo world");
    textarea.set_cursor(99);
    assert_eq!(marked(&textarea), "héllo world|");
    textarea.replace_range(7..12, "there");
    assert_eq!(marked(&textarea), "héllo there|");
    textarea.replace_range(0..1, "H");
    assert_eq!(marked(&textarea), "H|éllo there");
    textarea.replace_range(50..60, "!");
    assert_eq!(marked(&textarea), "Héllo there!|");
}

#[test]
fn current_token_is_the_whitespace_delimited_word_at_the_cursor() {
    let token = |marked_text: &str| {
        area(marked_text)
            .current_token()
            .map(|(range, text)| (range, text.to_string()))
    };
    assert_eq!(token("/st|"), Some((0..3, "/st".to_string())));
    assert_eq!(
        token("see @src/ma|in.rs now"),
        Some((4..16, "@src/main.rs".to_string()))
    );
    assert_eq!(token("see |@src"), Some((4..8, "@src".to_string())));
    assert_eq!(token("a\n@x|"), Some((2..4, "@x".to_string())));
    assert_eq!(token("see | now"), None);
    assert_eq!(token("|"), None);
}

fn row_texts(text: &str, width: usize) -> Vec<&str> {
    wrap_rows(text, width)
        .into_iter()
        .map(|row| &text[row])
        .collect()
}

#[test]
fn rows_break_where_wrap_line_breaks() {
    let samples = [
        "the quick brown fox jumps over the lazy dog",
        "abcdefghij klm",
        "a verylongwordthatsplits here",
        "日本語テキスト と english",
        "don't split contractions, or a.b paths/like/this.rs",
        "spaces   between   words",
        "",
    ];
    for sample in samples {
        for width in 1..12 {
            let expected: Vec<String> = wrap_line(
                &Line::from(sample),
                width,
                &Line::default(),
                &Line::default(),
            )
            .iter()
            .map(|row| row.spans.iter().map(|span| span.content.as_ref()).collect())
            .collect();
            let actual: Vec<&str> = row_texts(sample, width)
                .into_iter()
                .map(str::trim_end)
                .collect();
            assert_eq!(actual, expected, "{sample:?} at width {width}");
        }
    }
}

#[test]
fn rows_keep_every_byte() {
    assert_eq!(
        row_texts("  indented text\n\nnext  ", 6),
        vec!["  ", "indent", "ed ", "text", "", "next  "]
    );
}

/// The cursor position in a `width`x3 area for `marked_text`.
fn cursor_at(marked_text: &str, width: u16) -> Option<(u16, u16)> {
    area(marked_text).cursor_pos(Rect::new(2, 1, width, 3), 0)
}

#[test]
fn cursor_positions_follow_the_wrapped_text() {
    // Width 6 wraps at 5 columns; the sixth is kept for the cursor.
    assert_eq!(cursor_at("abcde|", 6), Some((7, 1)));
    assert_eq!(cursor_at("abcdef|", 6), Some((3, 2)));
    assert_eq!(cursor_at("hello| world", 6), Some((7, 1)));
    assert_eq!(cursor_at("hello |world", 6), Some((2, 2)));
    // Whitespace running past the edge pins the cursor to the last column.
    assert_eq!(cursor_at("hello    |", 6), Some((7, 1)));
    assert_eq!(cursor_at("a\n|b", 6), Some((2, 2)));
    assert_eq!(cursor_at("a\n|", 6), Some((2, 2)));
}

#[test]
fn cursor_positions_with_wide_chars() {
    // Wrap width 6: "日本語" / "テキス" / "ト"; a full row keeps the cursor beside it.
    assert_eq!(cursor_at("日本語|テキスト", 7), Some((2, 2)));
    assert_eq!(cursor_at("日本|語テキスト", 7), Some((6, 1)));
    assert_eq!(cursor_at("日本語テキスト|", 7), Some((4, 3)));
    assert_eq!(cursor_at("日本語|", 7), Some((8, 1)));
    // A wide char that does not fit in the last column moves to the next row.
    assert_eq!(cursor_at("abc日|本", 7), Some((2, 2)));
}

#[test]
fn tiny_widths_never_panic() {
    let keys = [
        plain(KeyCode::Char('日')),
        plain(KeyCode::Left),
        plain(KeyCode::Up),
        plain(KeyCode::Down),
        ctrl('p'),
        ctrl('n'),
        plain(KeyCode::Right),
        alt(KeyCode::Char('b')),
        ctrl('w'),
        ctrl('y'),
        ctrl('k'),
        ctrl('u'),
        plain(KeyCode::Backspace),
    ];
    for width in 0..3 {
        for height in 0..3 {
            let mut textarea = area("ab 日本\n|x");
            for key in keys {
                textarea.input(key, width);
                let mut scroll = 7;
                render_to_string(width, height, |rect, buf| {
                    textarea.render(rect, buf, &mut scroll)
                });
                let position = textarea.cursor_pos(Rect::new(0, 0, width, height), scroll);
                assert_eq!(position.is_some(), width > 0 && height > 0);
                assert!(textarea.desired_height(width) >= 1);
            }
        }
    }
}

#[test]
fn desired_height_counts_wrapped_rows() {
    let textarea = area("one two three|\nfour");
    assert_eq!(
        [0, 1, 5, 8, 40].map(|width| textarea.desired_height(width)),
        [15, 15, 5, 3, 2]
    );
    assert_eq!(TextArea::new().desired_height(10), 1);
}

#[test]
fn render_scrolls_to_keep_the_cursor_visible() {
    let mut textarea = area("1\n2\n3\n4\n5|");
    let mut scroll = 0;
    let drawn = render_to_string(5, 2, |rect, buf| textarea.render(rect, buf, &mut scroll));
    assert_eq!((drawn.as_str(), scroll), ("4\n5\n", 3));
    assert_eq!(
        textarea.cursor_pos(Rect::new(0, 0, 5, 2), scroll),
        Some((1, 1))
    );
    textarea.set_cursor(2);
    let drawn = render_to_string(5, 2, |rect, buf| textarea.render(rect, buf, &mut scroll));
    assert_eq!((drawn.as_str(), scroll), ("2\n3\n", 1));
    // Shrinking text pulls the view back so no blank rows show below it.
    textarea.set_text("1\n2");
    textarea.set_cursor(0);
    scroll = 5;
    let drawn = render_to_string(5, 2, |rect, buf| textarea.render(rect, buf, &mut scroll));
    assert_eq!((drawn.as_str(), scroll), ("1\n2\n", 0));
}

#[test]
fn multi_line_draft_snapshot() {
    let textarea = area(
        "Refactor the parser:\n\n- split tokenize() out of parse_expr()\n- keep the error \
         spans exactly as they are today|\n\n日本語 wide text wraps too",
    );
    let mut scroll = 0;
    let area_rect = Rect::new(0, 0, 32, 9);
    let mut drawn = render_to_string(32, 9, |rect, buf| textarea.render(rect, buf, &mut scroll));
    let cursor = textarea.cursor_pos(area_rect, scroll);
    drawn.push_str(&format!("cursor: {cursor:?}, scroll: {scroll}"));
    insta::assert_snapshot!(drawn);
}
