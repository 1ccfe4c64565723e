use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyEventState;
use crossterm::event::KeyModifiers;
use pretty_assertions::assert_eq;
use ratatui::style::Modifier;

use super::*;
use crate::test_support::render_to_string;

fn user(text: &str) -> TranscriptEntry {
    TranscriptEntry {
        lines: vec![Line::from(vec!["› ".bold().dim(), text.to_string().into()])],
        is_user_message: true,
    }
}

fn cell(lines: Vec<Line<'static>>) -> TranscriptEntry {
    TranscriptEntry {
        lines,
        is_user_message: false,
    }
}

fn assistant(text: &str) -> TranscriptEntry {
    cell(vec![Line::from(vec!["• ".dim(), text.to_string().into()])])
}

fn sample_transcript() -> Vec<TranscriptEntry> {
    vec![
        cell(vec![
            Line::from(vec![
                ">_ ".magenta(),
                "OpenAI Codex".bold(),
                " (v0.0.0)".dim(),
            ]),
            Line::from("   /home/user/project".dim()),
        ]),
        user("Fix the failing test in src/lib.rs"),
        assistant("I'll run the tests first to see what fails."),
        cell(vec![
            Line::from(vec!["$ ".magenta(), "cargo test -p demo".into()]),
            Line::from("  running 2 tests".dim()),
            Line::from("  test tests::adds ... FAILED".dim()),
            Line::from("  test tests::subtracts ... ok".dim()),
            Line::from("  test result: FAILED. 1 passed; 1 failed".dim()),
            Line::from(vec!["✗ (101)".red(), " • 2s".dim()]),
        ]),
        assistant(
            "The `add` function subtracts its second argument instead of adding it, so `adds` fails while `subtracts` passes. I changed the operator and kept the signature as it was.",
        ),
        cell(vec![
            Line::from("• Edited src/lib.rs (+1 -1)"),
            Line::from(vec!["    1 ".dim(), "-    a - b".red()]),
            Line::from(vec!["    1 ".dim(), "+    a + b".green()]),
        ]),
        user("Now run it again"),
        cell(vec![
            Line::from(vec!["$ ".magenta(), "cargo test -p demo".into()]),
            Line::from("  test result: ok. 2 passed; 0 failed".dim()),
            Line::from(vec!["✓".green(), " • 1s".dim()]),
        ]),
        assistant("All tests pass now."),
        user("Thanks! Summarise the change in one paragraph, and mention which tests cover it."),
        cell(vec![
            Line::from(vec![
                "• ".dim(),
                "`add` in src/lib.rs now returns a + b; tests::adds covers it:".into(),
            ]),
            Line::from(""),
            Line::from("  fn add(a: i32, b: i32) -> i32 {"),
            Line::from("      a + b"),
            Line::from("  }"),
        ]),
    ]
}

const SAMPLE_DIFF: &str = "diff --git a/src/lib.rs b/src/lib.rs
index 3b18e51..a1f2c3d 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -1,9 +1,9 @@
 pub fn add(a: i32, b: i32) -> i32 {
-    a - b
+    a + b
 }
 
 #[cfg(test)]
 mod tests {
\tuse super::*;
 
@@ -20,3 +20,4 @@ mod tests {
     fn subtracts() {
         assert_eq!(super::sub(3, 2), 1);
     }
+    // covered by `adds` since the fix; a deliberately long comment line that has to wrap at 80 columns
diff --git a/notes.md b/notes.md
new file mode 100644
index 0000000..17e0f0d
--- /dev/null
+++ b/notes.md
@@ -0,0 +1,8 @@
+# Notes
+
+- add was subtracting
+- fixed in src/lib.rs
+- tests cover both functions
+- run `cargo test -p demo`
+- no API change
+- no migration needed
";

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The screen text, plus which rows carry the backtrack highlight.
fn screen(overlay: &mut PagerOverlay, width: u16, height: u16) -> String {
    let mut highlighted = Vec::new();
    let text = render_to_string(width, height, |area, buf| {
        overlay.render(area, buf);
        highlighted = (0..area.height)
            .filter(|&y| buf[(0, y)].modifier.contains(Modifier::REVERSED))
            .collect();
    });
    if highlighted.is_empty() {
        text
    } else {
        format!("{text}highlighted rows: {highlighted:?}\n")
    }
}

#[test]
fn transcript_opens_at_the_end_80x24() {
    let mut overlay = PagerOverlay::transcript(sample_transcript());
    insta::assert_snapshot!(screen(&mut overlay, 80, 24));
}

#[test]
fn transcript_120x40() {
    let mut overlay = PagerOverlay::transcript(sample_transcript());
    insta::assert_snapshot!(screen(&mut overlay, 120, 40));
}

#[test]
fn transcript_at_the_top_80x24() {
    let mut overlay = PagerOverlay::transcript(sample_transcript());
    screen(&mut overlay, 80, 24);
    assert_eq!(overlay.handle_key(key(KeyCode::Home), 24), None);
    insta::assert_snapshot!(screen(&mut overlay, 80, 24));
}

#[test]
fn diff_opens_at_the_top_80x24() {
    let mut overlay = PagerOverlay::diff(SAMPLE_DIFF);
    insta::assert_snapshot!(screen(&mut overlay, 80, 24));
}

#[test]
fn diff_120x40() {
    let mut overlay = PagerOverlay::diff(SAMPLE_DIFF);
    insta::assert_snapshot!(screen(&mut overlay, 120, 40));
}

#[test]
fn backtrack_selects_the_latest_user_message_80x24() {
    let mut overlay = PagerOverlay::backtrack(sample_transcript());
    insta::assert_snapshot!(screen(&mut overlay, 80, 24));
}

#[test]
fn backtrack_120x40() {
    let mut overlay = PagerOverlay::backtrack(sample_transcript());
    insta::assert_snapshot!(screen(&mut overlay, 120, 40));
}

#[test]
fn backtrack_scrolls_to_an_earlier_prompt_80x24() {
    let mut overlay = PagerOverlay::backtrack(sample_transcript());
    screen(&mut overlay, 80, 24);
    for code in [KeyCode::Left, KeyCode::Char('h')] {
        assert_eq!(overlay.handle_key(key(code), 24), None);
    }
    insta::assert_snapshot!(screen(&mut overlay, 80, 24));
}

#[test]
fn diff_styles() {
    let diff = "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n--- not a header\n";
    assert_eq!(
        diff_lines(diff),
        vec![
            Line::from("diff --git a/x b/x".bold()),
            Line::from(Span::raw("index 1..2 100644")),
            Line::from("--- a/x".bold()),
            Line::from("+++ b/x".bold()),
            Line::from("@@ -1,2 +1,2 @@".cyan()),
            Line::from(Span::raw(" keep")),
            Line::from("-old".red()),
            Line::from("+new".green()),
            Line::from("--- not a header".red()),
        ]
    );
}

#[test]
fn wrapping_keeps_leading_indentation() {
    let line = Line::from("    let total = first + second + third;");
    let rows: Vec<String> = wrap_keeping_indent(&line, 24)
        .iter()
        .map(|row| row.spans.iter().map(|span| span.content.as_ref()).collect())
        .collect();
    assert_eq!(rows, vec!["    let total = first +", "    second + third;"]);
}

#[test]
fn scrolling_keys_move_by_line_page_and_to_the_ends() {
    let text: String = (1..=100).map(|n| format!("+line {n}\n")).collect();
    let mut overlay = PagerOverlay::diff(&text);
    screen(&mut overlay, 80, 24);
    // The content area is 24 - 3 = 21 rows; the last page starts at row 79.
    let presses = [
        key(KeyCode::Down),
        key(KeyCode::Char('j')),
        key(KeyCode::PageDown),
        key(KeyCode::Char(' ')),
        key(KeyCode::Up),
        key(KeyCode::Char('k')),
        key(KeyCode::PageUp),
        key(KeyCode::End),
        key(KeyCode::Down),
        key(KeyCode::Home),
        key(KeyCode::Char('G')),
        key(KeyCode::Char('g')),
        KeyEvent::new_with_kind_and_state(
            KeyCode::Down,
            KeyModifiers::NONE,
            KeyEventKind::Release,
            KeyEventState::NONE,
        ),
    ];
    let positions: Vec<(KeyCode, Option<OverlayOutcome>, usize)> = presses
        .into_iter()
        .map(|press| {
            let outcome = overlay.handle_key(press, 24);
            screen(&mut overlay, 80, 24);
            (press.code, outcome, overlay.scroll)
        })
        .collect();
    assert_eq!(
        positions,
        vec![
            (KeyCode::Down, None, 1),
            (KeyCode::Char('j'), None, 2),
            (KeyCode::PageDown, None, 23),
            (KeyCode::Char(' '), None, 44),
            (KeyCode::Up, None, 43),
            (KeyCode::Char('k'), None, 42),
            (KeyCode::PageUp, None, 21),
            (KeyCode::End, None, 79),
            (KeyCode::Down, None, 79),
            (KeyCode::Home, None, 0),
            (KeyCode::Char('G'), None, 79),
            (KeyCode::Char('g'), None, 0),
            (KeyCode::Down, None, 0),
        ]
    );
}

#[test]
fn percentage_in_the_bottom_rule() {
    let text: String = (1..=100).map(|n| format!("+line {n}\n")).collect();
    let mut overlay = PagerOverlay::diff(&text);
    let rule = |overlay: &mut PagerOverlay| {
        screen(overlay, 80, 24)
            .lines()
            .nth(22)
            .unwrap_or_default()
            .to_string()
    };
    let mut rules = vec![rule(&mut overlay)];
    for _ in 0..2 {
        overlay.handle_key(key(KeyCode::PageDown), 24);
        rules.push(rule(&mut overlay));
    }
    overlay.handle_key(key(KeyCode::End), 24);
    rules.push(rule(&mut overlay));
    assert_eq!(
        rules,
        ["0", "26", "53", "100"]
            .map(|percent| format!("{} {percent}%", "─".repeat(77 - percent.len())))
            .to_vec()
    );
}

#[test]
fn short_content_shows_tildes_and_100_percent() {
    let mut overlay = PagerOverlay::diff("+only line\n");
    insta::assert_snapshot!(screen(&mut overlay, 40, 8));
}

fn three_prompts() -> Vec<TranscriptEntry> {
    vec![
        user("first"),
        assistant("one"),
        user("second"),
        assistant("two"),
        user("third"),
        assistant("three"),
    ]
}

#[test]
fn backtrack_arrows_pick_the_prompt_enter_rewinds() {
    let mut overlay = PagerOverlay::backtrack(three_prompts());
    let mut outcomes = vec![overlay.handle_key(key(KeyCode::Enter), 24)];
    for code in [KeyCode::Left, KeyCode::Char('h'), KeyCode::Left] {
        overlay.handle_key(key(code), 24);
    }
    outcomes.push(overlay.handle_key(key(KeyCode::Enter), 24));
    overlay.handle_key(key(KeyCode::Char('l')), 24);
    outcomes.push(overlay.handle_key(key(KeyCode::Enter), 24));
    for _ in 0..3 {
        overlay.handle_key(key(KeyCode::Right), 24);
    }
    outcomes.push(overlay.handle_key(key(KeyCode::Enter), 24));
    outcomes.push(overlay.handle_key(key(KeyCode::Esc), 24));
    let rewind = |user_message_index| Some(OverlayOutcome::Rewind { user_message_index });
    assert_eq!(
        outcomes,
        vec![
            rewind(2),
            rewind(0),
            rewind(1),
            rewind(2),
            Some(OverlayOutcome::Close)
        ]
    );
}

#[test]
fn backtrack_without_user_messages_cannot_rewind() {
    let mut overlay = PagerOverlay::backtrack(vec![assistant("hello")]);
    overlay.handle_key(key(KeyCode::Left), 24);
    assert_eq!(overlay.handle_key(key(KeyCode::Enter), 24), None);
}

#[test]
fn backtrack_reveals_the_selected_prompt() {
    let entries: Vec<TranscriptEntry> = (0..10)
        .flat_map(|n| [user(&format!("prompt {n}")), assistant("reply")])
        .collect();
    let mut overlay = PagerOverlay::backtrack(entries);
    let mut first_visible_rows = Vec::new();
    for _ in 0..4 {
        let text = screen(&mut overlay, 90, 8);
        first_visible_rows.push(text.lines().nth(1).unwrap_or_default().to_string());
        overlay.handle_key(key(KeyCode::Left), 8);
    }
    // 5 content rows; prompt n is at row 4n (prompt, blank, reply, blank); 39 rows in all.
    assert_eq!(
        first_visible_rows,
        vec!["• reply", "› prompt 8", "› prompt 7", "› prompt 6"]
    );
}

#[test]
fn close_keys_per_mode() {
    let outcomes = |mut overlay: PagerOverlay| {
        [
            key(KeyCode::Char('q')),
            key(KeyCode::Esc),
            ctrl('t'),
            ctrl('c'),
        ]
        .map(|press| overlay.handle_key(press, 24))
    };
    let close = Some(OverlayOutcome::Close);
    assert_eq!(
        [
            outcomes(PagerOverlay::transcript(three_prompts())),
            outcomes(PagerOverlay::diff(SAMPLE_DIFF)),
        ],
        [[close, close, close, None], [close, close, None, None]]
    );
}

#[test]
fn ctrl_t_in_backtrack_shows_the_plain_transcript() {
    let mut overlay = PagerOverlay::backtrack(three_prompts());
    assert_eq!(overlay.handle_key(ctrl('t'), 12), None);
    let shown = screen(&mut overlay, 60, 12);
    assert_eq!(
        (
            overlay.handle_key(key(KeyCode::Enter), 12),
            overlay.handle_key(ctrl('t'), 12)
        ),
        (None, Some(OverlayOutcome::Close))
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn tiny_sizes_do_not_panic() {
    for (width, height) in [(0, 0), (1, 1), (2, 2), (3, 3), (10, 1), (1, 10), (4, 2)] {
        for mut overlay in [
            PagerOverlay::transcript(sample_transcript()),
            PagerOverlay::diff(SAMPLE_DIFF),
            PagerOverlay::backtrack(sample_transcript()),
        ] {
            overlay.handle_key(key(KeyCode::PageDown), height);
            screen(&mut overlay, width, height);
            overlay.handle_key(key(KeyCode::Left), height);
            screen(&mut overlay, width, height);
        }
    }
}
