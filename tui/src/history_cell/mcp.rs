//! The MCP tool call cell: `• Calling <server>.<tool>(<args>)` while the call runs, then
//! `• Called …` with the result's text under `└` (dim, at most five rows, as exec output). A
//! failed call — an `isError` result or no answer at all — gets the red bullet.

use std::time::Duration;

use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpToolCallResult;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;
use serde_json::Value;

use super::HistoryCell;
use super::exec::call_bullet;
use super::exec::clip_header;
use super::exec::gutter;
use super::exec::output_rows;
use super::exec::strip_escapes;
use crate::wrapping::wrap_line;

/// Result rows shown in the chat, as for an agent's command.
const OUTPUT_ROWS: usize = 5;

#[derive(Debug, Clone)]
struct McpOutcome {
    success: bool,
    /// The result as text, escape sequences stripped.
    text: String,
    duration: Duration,
}

#[derive(Debug, Clone)]
pub struct McpToolCallCell {
    pub call_id: String,
    invocation: McpInvocation,
    outcome: Option<McpOutcome>,
    /// The running bullet blinks; the chat widget flips this on a timer.
    bullet_visible: bool,
}

impl McpToolCallCell {
    pub fn new(call_id: String, invocation: McpInvocation) -> Self {
        McpToolCallCell {
            call_id,
            invocation,
            outcome: None,
            bullet_visible: true,
        }
    }

    pub fn complete(&mut self, duration: Duration, result: &Result<McpToolCallResult, String>) {
        let (success, text) = match result {
            Ok(result) => (result.is_error != Some(true), result_text(result)),
            Err(error) => (false, format!("Error: {error}")),
        };
        self.outcome = Some(McpOutcome {
            success,
            text: strip_escapes(&text),
            duration,
        });
    }

    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }

    pub fn set_bullet_visible(&mut self, visible: bool) {
        self.bullet_visible = visible;
    }

    /// `• Calling` / `• Called` and the call, server and tool cyan, arguments dim.
    fn header(&self) -> Line<'static> {
        let verb = if self.is_running() {
            "Calling"
        } else {
            "Called"
        };
        let succeeded = self.outcome.as_ref().map(|outcome| outcome.success);
        let arguments = self
            .invocation
            .arguments
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        Line::from(vec![
            call_bullet(succeeded, self.bullet_visible),
            " ".into(),
            verb.bold(),
            " ".into(),
            self.invocation.server.clone().cyan(),
            ".".into(),
            self.invocation.tool.clone().cyan(),
            "(".into(),
            arguments.dim(),
            ")".into(),
        ])
    }
}

impl HistoryCell for McpToolCallCell {
    fn display_lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let mut lines = clip_header(wrap_line(
            &self.header(),
            width,
            &Line::default(),
            &gutter(),
        ));
        if let Some(outcome) = &self.outcome {
            lines.extend(output_rows(&outcome.text, width, OUTPUT_ROWS));
        }
        lines
    }

    fn transcript_lines(&self, width: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let mut lines = wrap_line(&self.header(), width, &Line::default(), &"    ".into());
        if let Some(outcome) = &self.outcome {
            for line in outcome.text.lines() {
                lines.extend(wrap_line(
                    &Line::from(line.to_string().dim()),
                    width,
                    &Line::default(),
                    &Line::default(),
                ));
            }
            let status: Span<'static> = if outcome.success {
                "✓".green()
            } else {
                "✗".red()
            };
            lines.push(Line::from(vec![
                status,
                format!(" • {}", super::format_elapsed(outcome.duration)).dim(),
            ]));
        }
        lines
    }
}

/// The result as a person reads it: each content block's text (placeholders for media), or
/// the structured content when there is no content.
fn result_text(result: &McpToolCallResult) -> String {
    if result.content.is_empty() {
        return result
            .structured_content
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
    }
    result
        .content
        .iter()
        .map(content_block_text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn content_block_text(block: &Value) -> String {
    let field = |name: &str| block.get(name).and_then(Value::as_str);
    match field("type") {
        Some("text") => field("text").unwrap_or_default().to_string(),
        Some("image") => "<image content>".to_string(),
        Some("audio") => "<audio content>".to_string(),
        Some("resource") => {
            let uri = block
                .get("resource")
                .and_then(|resource| resource.get("uri"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            format!("embedded resource: {uri}")
        }
        Some("resource_link") => format!("link: {}", field("uri").unwrap_or_default()),
        // A block type this client does not know: shown as the server sent it.
        _ => block.to_string(),
    }
}
