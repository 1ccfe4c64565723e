//! `--final-only` output (debug-client.md §5): one labelled block per `item/completed`
//! notification for agent messages, commands, file changes and MCP tool calls.

use serde_json::Value;

/// Whether labels are wrapped in ANSI colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Off,
    On,
}

/// What decides [`Color`]: colours only when both streams are terminals and `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    pub no_color: bool,
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
}

impl Terminal {
    pub fn detect() -> Self {
        use std::io::IsTerminal;
        Self {
            no_color: std::env::var_os("NO_COLOR").is_some(),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    pub fn color(self) -> Color {
        if !self.no_color && self.stdout_is_terminal && self.stderr_is_terminal {
            Color::On
        } else {
            Color::Off
        }
    }
}

#[derive(Clone, Copy)]
enum Label {
    Thread,
    Assistant,
    Tool,
    ToolDetail,
}

impl Label {
    fn ansi_code(self) -> &'static str {
        match self {
            Self::Thread => "34",
            Self::Assistant => "32",
            Self::Tool => "36",
            Self::ToolDetail => "33",
        }
    }
}

fn paint(text: &str, label: Label, color: Color) -> String {
    match color {
        Color::Off => text.to_string(),
        Color::On => format!("\x1b[{}m{text}\x1b[0m", label.ansi_code()),
    }
}

/// `inProgress` → `InProgress`: the original prints the Rust variant name of the status.
fn status_name(item: &Value) -> String {
    let status = item["status"].as_str().unwrap_or("unknown");
    let mut chars = status.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The lines for the `params` of one `item/completed` notification; empty for other items.
pub fn item_completed_lines(params: &Value, color: Color) -> Vec<String> {
    let thread = paint(
        params["threadId"].as_str().unwrap_or_default(),
        Label::Thread,
        color,
    );
    let tool = paint("tool", Label::Tool, color);
    let detail = |name: &str| paint(name, Label::ToolDetail, color);
    let item = &params["item"];
    let status = status_name(item);
    let mut lines = Vec::new();
    match item["type"].as_str() {
        Some("agentMessage") => {
            let assistant = paint("assistant", Label::Assistant, color);
            let text = item["text"].as_str().unwrap_or_default();
            lines.push(format!("{thread} {assistant}: {text}"));
        }
        Some("commandExecution") => {
            let command = item["command"].as_str().unwrap_or_default();
            lines.push(format!("{thread} {tool}: command {command} ({status})"));
            if let Some(code) = item["exitCode"].as_i64() {
                lines.push(format!("{thread} {}: {code}", detail("tool exit")));
            }
            if let Some(output) = item["aggregatedOutput"].as_str() {
                lines.push(format!("{thread} {}:", detail("tool output")));
                lines.extend(output.lines().map(|line| format!("{thread}   {line}")));
            }
        }
        Some("fileChange") => {
            let files = item["changes"].as_array().map_or(0, Vec::len);
            lines.push(format!(
                "{thread} {tool}: file change ({status}, {files} files)"
            ));
        }
        Some("mcpToolCall") => {
            let server = item["server"].as_str().unwrap_or_default();
            let name = item["tool"].as_str().unwrap_or_default();
            lines.push(format!("{thread} {tool}: {server}.{name} ({status})"));
            let arguments = &item["arguments"];
            if !arguments.is_null() {
                lines.push(format!("{thread} {}: {arguments}", detail("tool args")));
            }
            let result = &item["result"];
            if !result.is_null() {
                lines.push(format!("{thread} {}: {result}", detail("tool result")));
            }
            let error = &item["error"];
            if !error.is_null() {
                let message = match error["message"].as_str() {
                    Some(message) => message.to_string(),
                    None => error.to_string(),
                };
                lines.push(format!("{thread} {}: {message}", detail("tool error")));
            }
        }
        _ => {}
    }
    lines
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    const THREAD: &str = "01a205db-d931-7301-bd0e-a6e90aafdd47";

    fn completed(item: Value) -> Value {
        json!({"item": item, "threadId": THREAD, "turnId": "turn-1", "completedAtMs": 1})
    }

    #[test]
    fn agent_message() {
        let params = completed(json!({"type": "agentMessage", "id": "msg_1", "text": "Done."}));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            [format!("{THREAD} assistant: Done.")]
        );
    }

    #[test]
    fn command_execution_with_exit_code_and_output() {
        let params = completed(json!({
            "type": "commandExecution",
            "command": "/bin/bash -lc 'echo hi'",
            "status": "completed",
            "aggregatedOutput": "hi\nthere\n",
            "exitCode": 0,
        }));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            [
                format!("{THREAD} tool: command /bin/bash -lc 'echo hi' (Completed)"),
                format!("{THREAD} tool exit: 0"),
                format!("{THREAD} tool output:"),
                format!("{THREAD}   hi"),
                format!("{THREAD}   there"),
            ]
        );
    }

    #[test]
    fn declined_command_has_no_exit_or_output() {
        let params = completed(json!({
            "type": "commandExecution",
            "command": "rm -rf /",
            "status": "declined",
            "aggregatedOutput": null,
            "exitCode": null,
        }));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            [format!("{THREAD} tool: command rm -rf / (Declined)")]
        );
    }

    #[test]
    fn file_change() {
        let params = completed(json!({
            "type": "fileChange",
            "changes": [{"path": "/a", "kind": {"type": "add"}, "diff": "x\n"}],
            "status": "inProgress",
        }));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            [format!("{THREAD} tool: file change (InProgress, 1 files)")]
        );
    }

    #[test]
    fn mcp_tool_call() {
        let params = completed(json!({
            "type": "mcpToolCall",
            "server": "docs",
            "tool": "search",
            "status": "failed",
            "arguments": {"q": "x"},
            "result": {"content": []},
            "error": {"message": "boom"},
        }));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            [
                format!("{THREAD} tool: docs.search (Failed)"),
                format!(r#"{THREAD} tool args: {{"q":"x"}}"#),
                format!(r#"{THREAD} tool result: {{"content":[]}}"#),
                format!("{THREAD} tool error: boom"),
            ]
        );
        let quiet = completed(json!({
            "type": "mcpToolCall",
            "server": "docs",
            "tool": "search",
            "status": "completed",
            "arguments": null,
            "result": null,
            "error": null,
        }));
        assert_eq!(
            item_completed_lines(&quiet, Color::Off),
            [format!("{THREAD} tool: docs.search (Completed)")]
        );
    }

    #[test]
    fn other_items_print_nothing() {
        let params = completed(json!({"type": "reasoning", "summary": ["x"]}));
        assert_eq!(
            item_completed_lines(&params, Color::Off),
            Vec::<String>::new()
        );
        assert_eq!(
            item_completed_lines(&json!("garbage"), Color::Off),
            Vec::<String>::new()
        );
    }

    #[test]
    fn colours_wrap_each_label() {
        let params = completed(json!({
            "type": "commandExecution",
            "command": "ls",
            "status": "completed",
            "aggregatedOutput": "a\n",
            "exitCode": 1,
        }));
        assert_eq!(
            item_completed_lines(&params, Color::On),
            [
                format!("\x1b[34m{THREAD}\x1b[0m \x1b[36mtool\x1b[0m: command ls (Completed)"),
                format!("\x1b[34m{THREAD}\x1b[0m \x1b[33mtool exit\x1b[0m: 1"),
                format!("\x1b[34m{THREAD}\x1b[0m \x1b[33mtool output\x1b[0m:"),
                format!("\x1b[34m{THREAD}\x1b[0m   a"),
            ]
        );
        let message = completed(json!({"type": "agentMessage", "text": "hi"}));
        assert_eq!(
            item_completed_lines(&message, Color::On),
            [format!(
                "\x1b[34m{THREAD}\x1b[0m \x1b[32massistant\x1b[0m: hi"
            )]
        );
    }

    #[test]
    fn colour_needs_two_terminals_and_no_no_color() {
        let on = Terminal {
            no_color: false,
            stdout_is_terminal: true,
            stderr_is_terminal: true,
        };
        assert_eq!(on.color(), Color::On);
        for off in [
            Terminal {
                no_color: true,
                ..on
            },
            Terminal {
                stdout_is_terminal: false,
                ..on
            },
            Terminal {
                stderr_is_terminal: false,
                ..on
            },
        ] {
            assert_eq!(off.color(), Color::Off, "{off:?}");
        }
    }
}
