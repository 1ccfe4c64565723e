use pretty_assertions::assert_eq;
use ratatui::style::Modifier;

use super::*;
use crate::test_support::render_to_string;

const NOW: i64 = 1_760_000_000;
const CWD: &str = "/home/user/project";

fn thread(id: &str, cwd: &str, age: i64, preview: &str, name: Option<&str>) -> ThreadSummary {
    ThreadSummary {
        id: id.to_string(),
        path: PathBuf::from(format!("/home/user/.codex/sessions/rollout-{id}.jsonl")),
        cwd: PathBuf::from(cwd),
        created_at: NOW - age - 60,
        updated_at: NOW - age,
        preview: preview.to_string(),
        model_provider: "openai".to_string(),
        source: "cli".to_string(),
        originator: "codex-tui".to_string(),
        cli_version: "0.0.0".to_string(),
        name: name.map(str::to_string),
        forked_from_id: None,
    }
}

/// Given out of order, to show the picker sorts newest first.
fn threads() -> Vec<ThreadSummary> {
    vec![
        thread(
            "c",
            CWD,
            2 * 3_600 + 5,
            "Add a --json flag to the exporter",
            None,
        ),
        thread("a", CWD, 8, "Fix the failing login test", None),
        thread(
            "b",
            CWD,
            3 * 60 + 20,
            "Explain how the\nsandbox works\n\n  on Linux",
            None,
        ),
        thread("x", "/home/user/other", 40, "Tidy the other repo", None),
        thread(
            "d",
            CWD,
            3 * 86_400,
            "Refactor the configuration loader so that profiles, overrides and the project layer are merged in one place and errors point at the right line",
            None,
        ),
        thread(
            "e",
            CWD,
            12 * 86_400,
            "ignored preview",
            Some("Release checklist"),
        ),
    ]
}

fn picker(threads: Vec<ThreadSummary>) -> ResumePicker {
    ResumePicker::new(threads, PathBuf::from(CWD), NOW)
}

fn press(picker: &mut ResumePicker, code: KeyCode) -> Option<PickerOutcome> {
    picker.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(picker: &mut ResumePicker, text: &str) {
    for c in text.chars() {
        assert_eq!(press(picker, KeyCode::Char(c)), None);
    }
}

fn assert_snapshots(name: &str, picker: &ResumePicker) {
    for (width, height) in [(80, 24), (120, 40)] {
        let text = render_to_string(width, height, |area, buf| picker.render(area, buf));
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
    }
}

#[test]
fn several_sessions() {
    let mut picker = picker(threads());
    press(&mut picker, KeyCode::Down);
    assert_snapshots("resume_picker_sessions", &picker);
}

#[test]
fn filtered_by_query() {
    let mut picker = picker(threads());
    type_text(&mut picker, "THE");
    press(&mut picker, KeyCode::Down);
    assert_snapshots("resume_picker_query", &picker);
    type_text(&mut picker, "zz");
    assert_snapshots("resume_picker_no_match", &picker);
}

#[test]
fn all_filter() {
    let mut picker = picker(threads());
    press(&mut picker, KeyCode::Tab);
    assert_snapshots("resume_picker_all", &picker);
    press(&mut picker, KeyCode::Tab);
    assert_eq!(
        press(&mut picker, KeyCode::Enter),
        Some(PickerOutcome::Resume(threads()[1].path.clone()))
    );
}

#[test]
fn empty() {
    let picker = picker(Vec::new());
    assert_snapshots("resume_picker_empty", &picker);
}

#[test]
fn scrolls_to_keep_the_selection_visible() {
    let many: Vec<ThreadSummary> = (0..40)
        .map(|i| {
            thread(
                &format!("t{i}"),
                CWD,
                i * 60,
                &format!("Session number {i}"),
                None,
            )
        })
        .collect();
    let mut picker = picker(many);
    for _ in 0..25 {
        press(&mut picker, KeyCode::Down);
    }
    let text = render_to_string(80, 24, |area, buf| picker.render(area, buf));
    insta::assert_snapshot!("resume_picker_scrolled_80x24", text);
    // Moving back up within the screen does not scroll.
    for _ in 0..5 {
        press(&mut picker, KeyCode::Up);
    }
    let text = render_to_string(80, 24, |area, buf| picker.render(area, buf));
    insta::assert_snapshot!("resume_picker_scrolled_up_80x24", text);
}

#[test]
fn keys_pick_the_outcome() {
    let mut picker = picker(threads());
    type_text(&mut picker, "sandboxx");
    press(&mut picker, KeyCode::Backspace);
    assert_eq!(
        press(&mut picker, KeyCode::Enter),
        Some(PickerOutcome::Resume(PathBuf::from(
            "/home/user/.codex/sessions/rollout-b.jsonl"
        )))
    );
    assert_eq!(
        press(&mut picker, KeyCode::Esc),
        Some(PickerOutcome::StartNew)
    );
    assert_eq!(
        picker.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(PickerOutcome::Quit)
    );
    type_text(&mut picker, "nothing matches this");
    assert_eq!(
        press(&mut picker, KeyCode::Enter),
        Some(PickerOutcome::StartNew)
    );
}

#[test]
fn the_selected_row_is_bold_and_reversed() {
    let picker = picker(threads());
    let area = Rect::new(0, 0, 80, 24);
    let mut buf = Buffer::empty(area);
    picker.render(area, &mut buf);
    let styles: Vec<(String, bool)> = [3, 4]
        .into_iter()
        .map(|y| {
            let cell = &buf[(11, y)];
            (
                cell.symbol().to_string(),
                cell.modifier.contains(Modifier::BOLD | Modifier::REVERSED),
            )
        })
        .collect();
    assert_eq!(
        styles,
        vec![("F".to_string(), true), ("E".to_string(), false)]
    );
}

#[test]
fn tiny_sizes_do_not_panic() {
    let mut picker = picker(threads());
    press(&mut picker, KeyCode::Down);
    for (width, height) in [(0, 0), (1, 1), (4, 3), (12, 5), (80, 4)] {
        render_to_string(width, height, |area, buf| picker.render(area, buf));
    }
}

#[test]
fn truncation_marks_the_cut() {
    assert_eq!(
        [
            truncate("short", 10),
            truncate("two words here", 10),
            truncate("日本語テキスト", 7),
            truncate("abc", 0),
        ],
        [
            "short".to_string(),
            "two words…".to_string(),
            "日本語…".to_string(),
            String::new(),
        ]
    );
}
