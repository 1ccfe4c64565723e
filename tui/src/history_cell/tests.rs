use std::path::Path;
use std::time::Duration;

use pretty_assertions::assert_eq;

use ratatui::text::Line;

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

fn rows(lines: &[Line<'static>]) -> Vec<String> {
    lines
        .iter()
        .map(|line| line.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

#[test]
fn mcp_call_with_long_arguments_is_clipped_like_a_command() {
    let text = "lorem ipsum dolor sit amet ".repeat(10);
    let mut cell = McpToolCallCell::new(
        "m".to_string(),
        codex_core::protocol::McpInvocation {
            server: "docs".to_string(),
            tool: "write".to_string(),
            arguments: Some(serde_json::json!({"text": text.trim_end()})),
        },
    );
    cell.complete(
        Duration::from_millis(3),
        &Ok(codex_core::protocol::McpToolCallResult {
            content: Vec::new(),
            structured_content: None,
            is_error: None,
        }),
    );
    assert_eq!(
        rows(&cell.display_lines(40)),
        vec![
            "• Called docs.write({\"text\":\"lorem ipsum",
            "  │ dolor sit amet lorem ipsum dolor sit",
            "  │ amet lorem ipsum dolor sit amet",
            "  │ … +6 lines",
            "  └ (no output)",
        ]
    );
}

#[test]
fn mcp_result_blocks_become_text() {
    let mut cell = McpToolCallCell::new(
        "m".to_string(),
        codex_core::protocol::McpInvocation {
            server: "everything".to_string(),
            tool: "mixed".to_string(),
            arguments: None,
        },
    );
    let content = vec![
        serde_json::json!({"type": "text", "text": "\u{1b}[31mred\u{1b}[0m text"}),
        serde_json::json!({"type": "image", "data": "iVBOR", "mimeType": "image/png"}),
        serde_json::json!({"type": "audio", "data": "UklG", "mimeType": "audio/wav"}),
        serde_json::json!({"type": "resource", "resource": {"uri": "test://static/resource/1", "text": "x"}}),
        serde_json::json!({"type": "resource_link", "uri": "file:///tmp/a.txt", "name": "a"}),
        serde_json::json!({"type": "future", "x": 1}),
    ];
    cell.complete(
        Duration::from_secs(2),
        &Ok(codex_core::protocol::McpToolCallResult {
            content,
            structured_content: Some(serde_json::json!({"ignored": true})),
            is_error: Some(false),
        }),
    );
    assert_eq!(
        rows(&cell.transcript_lines(80)),
        vec![
            "• Called everything.mixed()",
            "red text",
            "<image content>",
            "<audio content>",
            "embedded resource: test://static/resource/1",
            "link: file:///tmp/a.txt",
            "{\"type\":\"future\",\"x\":1}",
            "✓ • 2s",
        ]
    );
    let mut structured_only = McpToolCallCell::new(
        "s".to_string(),
        codex_core::protocol::McpInvocation {
            server: "docs".to_string(),
            tool: "add".to_string(),
            arguments: Some(serde_json::json!({"a": 3, "b": 4})),
        },
    );
    structured_only.complete(
        Duration::ZERO,
        &Ok(codex_core::protocol::McpToolCallResult {
            content: Vec::new(),
            structured_content: Some(serde_json::json!({"n": 7})),
            is_error: Some(true),
        }),
    );
    assert_eq!(
        rows(&structured_only.transcript_lines(80)),
        vec![
            "• Called docs.add({\"a\":3,\"b\":4})",
            "{\"n\":7}",
            "✗ • <1s"
        ]
    );
}
