use std::path::Path;
use std::time::Duration;

use pretty_assertions::assert_eq;

use super::exec::strip_escapes;
use super::*;

#[test]
fn elapsed_formats() {
    let shown: Vec<String> = [0, 4, 64, 3_725]
        .into_iter()
        .map(|secs| format_elapsed(Duration::from_secs(secs)))
        .collect();
    assert_eq!(shown, vec!["<1s", "4s", "1m 04s", "1h 02m 05s"]);
}

#[test]
fn paths_under_home_use_a_tilde() {
    let home = Some(Path::new("/home/user"));
    assert_eq!(
        display_path(Path::new("/home/user/project"), home),
        "~/project"
    );
    assert_eq!(display_path(Path::new("/home/user"), home), "~");
    assert_eq!(display_path(Path::new("/srv/x"), home), "/srv/x");
}

#[test]
fn bash_wrappers_are_stripped() {
    let argv = |parts: &[&str]| parts.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(
        command_display(&argv(&["/bin/bash", "-lc", "ls -la"])),
        "ls -la"
    );
    assert_eq!(command_display(&argv(&["echo", "a b"])), "echo 'a b'");
}

#[test]
fn escapes_and_controls_are_stripped_from_output() {
    assert_eq!(
        strip_escapes("\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7}ok\r\nnext\rover\u{8}"),
        "red ok\nnext\nover"
    );
}

#[test]
fn exec_output_keeps_head_and_tail() {
    let mut cell = ExecCell::new("c".to_string(), &["ls".to_string()], ExecSource::Agent);
    let output: String = (1..=12).map(|n| format!("{n}\n")).collect();
    cell.complete(0, output, Duration::from_millis(3));
    let text: Vec<String> = cell
        .display_lines(40)
        .iter()
        .map(|line| line.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    assert_eq!(
        text,
        vec![
            "• Ran ls",
            "  └ 1",
            "    2",
            "    … +8 lines",
            "    11",
            "    12"
        ]
    );
}
