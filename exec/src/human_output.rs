//! Human mode: the run rendered as text on stderr (exec.md §4) — banner and config header, the
//! `user` block, reasoning, commands, patches, agent messages, errors and `tokens used`.
//!
//! Colours are the §4 SGR codes, written only with `ColorMode::Ansi`. The final agent message
//! for stdout is not printed here: the runner takes it from `TurnComplete`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use codex_core::config::ReasoningEffort;
use codex_core::config::ReasoningSummaryMode;
use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpStartupCompleteEvent;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::PlanItem;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::SessionConfiguredEvent;
use codex_core::protocol::TokenUsage;
use codex_core::sandbox::SandboxPolicy;

use crate::event_processor::CodexStatus;
use crate::event_processor::EventProcessor;
use codex_core::shell_quote::quote_command;

/// Whether stderr gets ANSI colours (`--color`, resolved against the terminal by the runner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    Ansi,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanSettings {
    /// Shown in the title line, `OpenAI Codex v<version>`.
    pub version: String,
    /// `hide_agent_reasoning`: no reasoning summaries.
    pub hide_agent_reasoning: bool,
    /// `show_raw_agent_reasoning`: also show raw reasoning content.
    pub show_raw_agent_reasoning: bool,
}

pub struct HumanOutput {
    stderr: Box<dyn Write + Send>,
    color: ColorMode,
    prompt: String,
    settings: HumanSettings,
    /// Running commands by call id: quoted command and cwd, printed with the result.
    commands: HashMap<String, (String, PathBuf)>,
    last_total_usage: Option<TokenUsage>,
}

#[derive(Debug, Clone, Copy)]
enum Sgr {
    Bold,
    Dim,
    Italic,
    Red,
    Green,
    Yellow,
    Magenta,
    Cyan,
}

impl Sgr {
    fn code(self) -> u8 {
        match self {
            Sgr::Bold => 1,
            Sgr::Dim => 2,
            Sgr::Italic => 3,
            Sgr::Red => 31,
            Sgr::Green => 32,
            Sgr::Yellow => 33,
            Sgr::Magenta => 35,
            Sgr::Cyan => 36,
        }
    }
}

impl HumanOutput {
    /// `prompt` is the text as sent, echoed in the `user` block after the header.
    pub fn new(
        stderr: Box<dyn Write + Send>,
        color: ColorMode,
        prompt: String,
        settings: HumanSettings,
    ) -> Self {
        Self {
            stderr,
            color,
            prompt,
            settings,
            commands: HashMap::new(),
            last_total_usage: None,
        }
    }

    fn paint(&self, sgr: Sgr, text: &str) -> String {
        match self.color {
            ColorMode::Ansi => format!("\x1b[{}m{text}\x1b[0m", sgr.code()),
            ColorMode::Plain => text.to_string(),
        }
    }

    /// Block titles (`codex`, `exec`, …): magenta around italic, as the original nests them.
    fn title(&self, text: &str) -> String {
        self.paint(Sgr::Magenta, &self.paint(Sgr::Italic, text))
    }

    fn render(&mut self, msg: &EventMsg) -> String {
        let mut out = String::new();
        match msg {
            EventMsg::SessionConfigured(session) => self.render_header(&mut out, session),
            EventMsg::AgentReasoning { summary, .. } => {
                if !self.settings.hide_agent_reasoning {
                    out = line(&self.paint(Sgr::Dim, &summary.join("\n")));
                }
            }
            EventMsg::AgentReasoningRawContent { text } => {
                if self.settings.show_raw_agent_reasoning {
                    out = line(&self.paint(Sgr::Dim, text));
                }
            }
            EventMsg::AgentMessage { text, .. } => {
                out = format!("{}\n{text}\n", self.title("codex"));
            }
            // exec never submits a user shell command, so every command here is the agent's.
            EventMsg::ExecCommandBegin {
                call_id,
                command,
                cwd,
                ..
            } => {
                self.commands
                    .insert(call_id.clone(), (quote_command(command), cwd.clone()));
            }
            EventMsg::ExecCommandEnd {
                call_id,
                exit_code,
                aggregated_output,
                duration,
                ..
            } => {
                // Core always begins a command before ending it; an unknown call id has no
                // command line to show.
                if let Some((command, cwd)) = self.commands.remove(call_id) {
                    let millis = duration.as_millis();
                    let status = if *exit_code == 0 {
                        self.paint(Sgr::Green, &format!(" succeeded in {millis}ms:"))
                    } else {
                        self.paint(Sgr::Red, &format!(" exited {exit_code} in {millis}ms:"))
                    };
                    out = format!(
                        "{}\n{} in {}\n{status}\n{}\n",
                        self.title("exec"),
                        self.paint(Sgr::Bold, &command),
                        cwd.display(),
                        terminated(aggregated_output),
                    );
                }
            }
            EventMsg::PatchApplyEnd {
                success, changes, ..
            } => self.render_patch(&mut out, *success, changes),
            EventMsg::PlanUpdate { explanation, plan } => {
                self.render_plan(&mut out, explanation.as_deref(), plan);
            }
            EventMsg::WebSearch { query, .. } => out = format!("web search: {query}\n"),
            EventMsg::McpStartupUpdate { server, status } => {
                out = line(&format!("mcp: {server} {}", startup_status(status)));
            }
            EventMsg::McpStartupComplete(summary) => out = startup_summary(summary),
            EventMsg::McpToolCallBegin { invocation, .. } => {
                out = format!(
                    "{} {}\n",
                    self.title("tool"),
                    self.paint(Sgr::Bold, &mcp_call(invocation))
                );
            }
            EventMsg::McpToolCallEnd {
                invocation,
                duration,
                result,
                ..
            } => self.render_mcp_end(&mut out, invocation, duration.as_millis(), result),
            EventMsg::StreamError {
                attempt,
                max_attempts,
                ..
            } => {
                out = line(&self.paint(
                    Sgr::Red,
                    &format!("ERROR: Reconnecting... {attempt}/{max_attempts}"),
                ));
            }
            EventMsg::Warning { message } => {
                out = format!("{} {message}\n", self.paint(Sgr::Yellow, "warning:"));
            }
            EventMsg::TokenCount { total, .. } => self.last_total_usage = Some(*total),
            EventMsg::TurnComplete { .. } => {
                if let Some(total) = self.last_total_usage {
                    out = format!(
                        "{}\n{}\n",
                        self.paint(Sgr::Dim, "tokens used"),
                        with_separators(total.blended_total())
                    );
                }
            }
            EventMsg::TurnFailed { message, .. } => {
                // The original prints the fatal message twice: once for its error event, once
                // for the failed turn.
                let error = line(&self.paint(Sgr::Red, &format!("ERROR: {message}")));
                out = error.repeat(2);
            }
            EventMsg::TurnAborted { .. } => {
                out = line(&self.paint(Sgr::Red, "ERROR: turn interrupted"));
            }
            // The header and user block stand for the turn start; deltas are shown whole when
            // their item completes; a patch is shown with its result.
            EventMsg::TurnStarted { .. }
            | EventMsg::AgentReasoningDelta { .. }
            | EventMsg::AgentMessageDelta { .. }
            | EventMsg::AgentMessageStarted { .. }
            | EventMsg::AgentReasoningStarted { .. }
            | EventMsg::ReasoningSummaryPartAdded { .. }
            | EventMsg::ExecCommandOutputDelta { .. }
            | EventMsg::PatchApplyBegin { .. }
            | EventMsg::ContextCompacted
            | EventMsg::ThreadRolledBack { .. }
            | EventMsg::UserMessage { .. }
            | EventMsg::ExecApprovalRequest { .. }
            | EventMsg::ApplyPatchApprovalRequest { .. }
            | EventMsg::McpListToolsResponse { .. }
            | EventMsg::ShutdownComplete => {}
        }
        out
    }

    /// `<server>.<tool>(<args>) success in <ms>ms:` (or `failed`), the result as the JSONL
    /// item's `result` object (or the error text), then an empty line.
    fn render_mcp_end(
        &self,
        out: &mut String,
        invocation: &McpInvocation,
        millis: u128,
        result: &Result<McpToolCallResult, String>,
    ) {
        let call = mcp_call(invocation);
        let (status, body) = match result {
            Ok(result) => {
                let status = if result.is_error == Some(true) {
                    self.paint(Sgr::Red, &format!("{call} failed in {millis}ms:"))
                } else {
                    self.paint(Sgr::Green, &format!("{call} success in {millis}ms:"))
                };
                let body = serde_json::json!({
                    "content": result.content,
                    "structured_content": result.structured_content,
                });
                (status, body.to_string())
            }
            Err(error) => (
                self.paint(Sgr::Red, &format!("{call} failed in {millis}ms:")),
                error.clone(),
            ),
        };
        let _ = write!(out, "{status}\n{}\n", terminated(&body));
    }

    fn render_header(&self, out: &mut String, session: &SessionConfiguredEvent) {
        let entries = [
            ("workdir", session.cwd.display().to_string()),
            ("model", session.model.clone()),
            ("provider", session.model_provider_id.clone()),
            ("approval", session.approval_policy.as_str().to_string()),
            ("sandbox", sandbox_summary(&session.sandbox_policy)),
            (
                "reasoning effort",
                session
                    .reasoning_effort
                    .map_or("none", ReasoningEffort::as_str)
                    .to_string(),
            ),
            (
                "reasoning summaries",
                session
                    .reasoning_summary
                    .map_or("none", ReasoningSummaryMode::as_str)
                    .to_string(),
            ),
            ("session id", session.thread_id.clone()),
        ];
        let _ = writeln!(out, "OpenAI Codex v{}\n--------", self.settings.version);
        for (key, value) in entries {
            let _ = writeln!(out, "{} {value}", self.paint(Sgr::Bold, &format!("{key}:")));
        }
        let _ = writeln!(
            out,
            "--------\n{}\n{}",
            self.paint(Sgr::Cyan, "user"),
            self.prompt
        );
    }

    fn render_patch(&self, out: &mut String, success: bool, changes: &[FileChange]) {
        let status = if success {
            self.paint(Sgr::Green, "patch: completed")
        } else {
            self.paint(Sgr::Red, "patch: failed")
        };
        let _ = writeln!(out, "{}\n{status}", self.title("apply patch"));
        for change in changes {
            let _ = writeln!(out, "{}", change.path.display());
            out.push_str(&terminated(&change.unified_diff));
        }
        out.push('\n');
    }

    fn render_plan(&self, out: &mut String, explanation: Option<&str>, plan: &[PlanItem]) {
        let _ = writeln!(out, "{}", self.title("plan update"));
        if let Some(explanation) = explanation.filter(|text| !text.is_empty()) {
            let _ = writeln!(out, "{}", self.paint(Sgr::Dim, explanation));
        }
        for item in plan {
            let marker = match item.status {
                PlanStatus::Completed => "✓",
                PlanStatus::InProgress => "→",
                PlanStatus::Pending => "•",
            };
            let _ = writeln!(out, "  {marker} {}", item.step);
        }
    }
}

impl EventProcessor for HumanOutput {
    fn process_event(&mut self, msg: &EventMsg) -> CodexStatus {
        let text = self.render(msg);
        if !text.is_empty() {
            // Best effort, see `EventProcessor`.
            let _ = self
                .stderr
                .write_all(text.as_bytes())
                .and_then(|()| self.stderr.flush());
        }
        CodexStatus::after(msg)
    }
}

/// `<server>.<tool>(<compact arguments JSON>)`; no arguments shows as `()`.
fn mcp_call(invocation: &McpInvocation) -> String {
    let arguments = invocation
        .arguments
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    format!("{}.{}({arguments})", invocation.server, invocation.tool)
}

fn startup_status(status: &McpStartupStatus) -> String {
    match status {
        McpStartupStatus::Starting => "starting".to_string(),
        McpStartupStatus::Ready => "ready".to_string(),
        McpStartupStatus::Failed { error } => format!("failed: {error}"),
        McpStartupStatus::Cancelled => "cancelled".to_string(),
    }
}

/// `mcp startup: ready: a, b; failed: c, d` — failed servers by name only (their errors were
/// printed with their status); parts with no server are left out.
fn startup_summary(summary: &McpStartupCompleteEvent) -> String {
    let failed: Vec<String> = summary
        .failed
        .iter()
        .map(|failure| failure.server.clone())
        .collect();
    let parts: Vec<String> = [
        ("ready", &summary.ready),
        ("failed", &failed),
        ("cancelled", &summary.cancelled),
    ]
    .into_iter()
    .filter(|(_, servers)| !servers.is_empty())
    .map(|(label, servers)| format!("{label}: {}", servers.join(", ")))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        line(&format!("mcp startup: {}", parts.join("; ")))
    }
}

fn line(text: &str) -> String {
    format!("{text}\n")
}

/// `text` ending in a newline (unless empty), so the block's closing empty line is visible.
fn terminated(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// The header's `sandbox:` value. The writable roots are shown symbolically (`workdir`,
/// `$TMPDIR`) as the original does; only the extra roots are paths.
fn sandbox_summary(policy: &SandboxPolicy) -> String {
    match policy {
        SandboxPolicy::ReadOnly | SandboxPolicy::DangerFullAccess => {
            policy.mode().as_str().to_string()
        }
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => {
            let mut roots = vec!["workdir".to_string()];
            if !exclude_slash_tmp {
                roots.push("/tmp".to_string());
            }
            if !exclude_tmpdir_env_var {
                roots.push("$TMPDIR".to_string());
            }
            roots.extend(writable_roots.iter().map(|root| root.display().to_string()));
            let mut summary = format!("{} [{}]", policy.mode().as_str(), roots.join(", "));
            if *network_access {
                summary.push_str(" (network access enabled)");
            }
            summary
        }
    }
}

/// `1700` → `1,700`.
fn with_separators(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests;
