//! Text the chat builds from session state and core's answers: the `/status` card, the `/mcp`
//! list, plan updates, and the lines printed on exit (token usage, `codex resume <id>`).

use std::path::Path;

use codex_core::config::AskForApproval;
use codex_core::config::Config;
use codex_core::protocol::McpServerSummary;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::PlanItem;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::TokenUsage;
use codex_core::sandbox::SandboxPolicy;
use ratatui::style::Stylize;
use ratatui::text::Line;

use super::SessionSettings;
use crate::history_cell;
use crate::history_cell::PlainCell;

pub(crate) struct StatusInputs<'a> {
    pub version: &'a str,
    pub settings: &'a SessionSettings,
    pub config: &'a Config,
    pub home: Option<&'a Path>,
    pub thread_id: Option<&'a str>,
    pub total: &'a TokenUsage,
    pub last: &'a TokenUsage,
    pub context_window: Option<u64>,
}

/// The `/status` card's lines (labels dim, values aligned).
pub(crate) fn status_card(inputs: &StatusInputs<'_>) -> Vec<Line<'static>> {
    let settings = inputs.settings;
    let config = inputs.config;
    let effort = settings.effort.map_or_else(
        || "default".to_string(),
        |effort| effort.as_str().to_string(),
    );
    let summaries = config
        .model_reasoning_summary
        .map_or_else(|| "auto".to_string(), |mode| mode.as_str().to_string());
    let agents = agents_md_paths(config, inputs.home);
    let rows: Vec<(&str, String)> = vec![
        (
            "Model:",
            format!(
                "{} (reasoning {effort}, summaries {summaries})",
                settings.model
            ),
        ),
        ("Model provider:", config.model_provider_id.clone()),
        (
            "Directory:",
            history_cell::display_path(&config.cwd, inputs.home),
        ),
        (
            "Permissions:",
            permissions_label(settings.approval_policy, &settings.sandbox_policy),
        ),
        ("Agents.md:", agents),
        ("Collaboration mode:", "Default".to_string()),
        ("Session:", inputs.thread_id.unwrap_or("<none>").to_string()),
    ];
    let usage_rows: Vec<(&str, String)> = vec![
        ("Token usage:", token_usage_summary(inputs.total)),
        (
            "Context window:",
            context_window_summary(inputs.last, inputs.context_window),
        ),
    ];
    let label_width = rows
        .iter()
        .chain(usage_rows.iter())
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0)
        + 1;
    let row = |(label, value): &(&str, String)| {
        Line::from(vec![
            format!("  {label:<label_width$}").dim(),
            value.clone().into(),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            "  ".into(),
            ">_ ".magenta(),
            "OpenAI Codex".bold(),
            format!(" (v{})", inputs.version).dim(),
        ]),
        Line::default(),
    ];
    lines.extend(rows.iter().map(row));
    lines.push(Line::default());
    lines.extend(usage_rows.iter().map(row));
    lines
}

/// `Workspace (Ask for approval)`, `Full Access`, `Read Only`, …
pub(crate) fn permissions_label(approval: AskForApproval, sandbox: &SandboxPolicy) -> String {
    let ask = match approval {
        AskForApproval::Untrusted => "Ask for untrusted commands",
        AskForApproval::OnFailure => "Ask on failure",
        AskForApproval::OnRequest => "Ask for approval",
        AskForApproval::Never => "Never ask",
    };
    match (sandbox, approval) {
        (SandboxPolicy::DangerFullAccess, AskForApproval::Never) => "Full Access".to_string(),
        (SandboxPolicy::ReadOnly, AskForApproval::OnRequest) => "Read Only".to_string(),
        (SandboxPolicy::DangerFullAccess, _) => format!("Full Access ({ask})"),
        (SandboxPolicy::ReadOnly, _) => format!("Read Only ({ask})"),
        (SandboxPolicy::WorkspaceWrite { .. }, _) => format!("Workspace ({ask})"),
    }
}

fn agents_md_paths(config: &Config, home: Option<&Path>) -> String {
    let paths = codex_core::project_doc::agents_md_paths(
        &config.codex_home,
        &config.cwd,
        config.project_doc_max_bytes,
        &config.project_doc_fallback_filenames,
    );
    if paths.is_empty() {
        return "<none>".to_string();
    }
    paths
        .iter()
        .map(|path| {
            path.strip_prefix(&config.cwd).map_or_else(
                |_| history_cell::display_path(path, home),
                |rel| rel.display().to_string(),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `7.45K total  (7.2K input + 252 output)`.
fn token_usage_summary(total: &TokenUsage) -> String {
    let input = total.input_tokens.saturating_sub(total.cached_input_tokens);
    format!(
        "{} total  ({} input + {} output)",
        format_si(input + total.output_tokens),
        format_si(input),
        format_si(total.output_tokens)
    )
}

/// Tokens of every request that are not the conversation (instructions, tools).
const CONTEXT_BASELINE_TOKENS: u64 = 12_000;

/// `100% left (1.24K used / 258K)`.
fn context_window_summary(last: &TokenUsage, window: Option<u64>) -> String {
    let Some(window) = window.filter(|window| *window > 0) else {
        return format!("{} used", format_si(last.total_tokens));
    };
    // The original reserves a baseline for the system prompt and tools: a fresh session
    // shows 100% left.
    let usable = window.saturating_sub(CONTEXT_BASELINE_TOKENS).max(1);
    let used = last
        .total_tokens
        .saturating_sub(CONTEXT_BASELINE_TOKENS)
        .min(usable);
    let left = (usable - used) * 100 / usable;
    format!(
        "{left}% left ({} used / {})",
        format_si(last.total_tokens),
        format_si(window)
    )
}

/// Three significant digits with K/M/B: 252, 1.24K, 7.2K, 258K, 1.5M.
pub(crate) fn format_si(n: u64) -> String {
    if n < 1000 {
        return n.to_string();
    }
    let units = [(1e9, "B"), (1e6, "M"), (1e3, "K")];
    let value = n as f64;
    for (scale, suffix) in units {
        if value >= scale {
            let scaled = value / scale;
            let decimals = if scaled >= 100.0 {
                0
            } else if scaled >= 10.0 {
                1
            } else {
                2
            };
            let text = format!("{scaled:.decimals$}");
            let text = if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            };
            return format!("{text}{suffix}");
        }
    }
    n.to_string()
}

/// `/mcp`: each configured server (sorted by core) with its state and tool count.
pub(crate) fn mcp_lines(servers: &[McpServerSummary]) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from("🔌  MCP Tools".bold()), Line::default()];
    if servers.is_empty() {
        lines.push(Line::from(vec![
            "  • ".dim(),
            "No MCP servers configured. ".into(),
            "Add one with `codex mcp add`.".dim(),
        ]));
        return lines;
    }
    for server in servers {
        let state = match (&server.status, server.enabled) {
            (_, false) => "disabled".dim(),
            (McpStartupStatus::Ready, true) => {
                let count = server.tools.len();
                let noun = if count == 1 { "tool" } else { "tools" };
                format!("connected ({count} {noun})").green()
            }
            (McpStartupStatus::Starting, true) => "starting".dim(),
            (McpStartupStatus::Failed { error }, true) => format!("failed: {error}").red(),
            (McpStartupStatus::Cancelled, true) => "cancelled".dim(),
        };
        lines.push(Line::from(vec![
            "  • ".dim(),
            server.name.clone().bold(),
            ": ".into(),
            state,
        ]));
    }
    lines
}

/// `• Updated Plan` with one row per step.
pub(crate) fn plan_cell(explanation: Option<&str>, plan: &[PlanItem]) -> PlainCell {
    let mut lines = vec![Line::from(vec!["• ".dim(), "Updated Plan".bold()])];
    if let Some(explanation) = explanation.filter(|text| !text.trim().is_empty()) {
        lines.push(Line::from(format!("  └ {explanation}").dim().italic()));
    }
    for (index, item) in plan.iter().enumerate() {
        let lead = if index == 0 && explanation.is_none() {
            "  └ "
        } else {
            "    "
        };
        let line = match item.status {
            PlanStatus::Completed => Line::from(vec![
                lead.dim(),
                "✔ ".green(),
                item.step.clone().dim().crossed_out(),
            ]),
            PlanStatus::InProgress => Line::from(vec![
                lead.dim(),
                "□ ".cyan(),
                item.step.clone().cyan().bold(),
            ]),
            PlanStatus::Pending => {
                Line::from(vec![lead.dim(), "□ ".dim(), item.step.clone().into()])
            }
        };
        lines.push(line);
    }
    history_cell::lines_cell(lines)
}

/// Whether stdout takes colour (the `codex resume` command is cyan on a colour terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitColor {
    Plain,
    Ansi,
}

/// The lines printed to stdout after the terminal is restored (tui.md §10).
pub fn format_exit_lines(
    usage: &TokenUsage,
    thread_id: Option<&str>,
    has_rollout: bool,
    color: ExitColor,
) -> Vec<String> {
    let mut lines = Vec::new();
    let input = usage.input_tokens.saturating_sub(usage.cached_input_tokens);
    let total = input + usage.output_tokens;
    if total > 0 || usage.cached_input_tokens > 0 {
        let mut line = format!(
            "Token usage: total={} input={}",
            thousands(total),
            thousands(input)
        );
        if usage.cached_input_tokens > 0 {
            line.push_str(&format!(
                " (+ {} cached)",
                thousands(usage.cached_input_tokens)
            ));
        }
        line.push_str(&format!(" output={}", thousands(usage.output_tokens)));
        if usage.reasoning_output_tokens > 0 {
            line.push_str(&format!(
                " (reasoning {})",
                thousands(usage.reasoning_output_tokens)
            ));
        }
        lines.push(line);
    }
    if let (Some(id), true) = (thread_id, has_rollout) {
        lines.push("To continue this session, run:".to_string());
        let command = format!("codex resume {id}");
        lines.push(match color {
            ExitColor::Ansi => format!("  \u{1b}[36m{command}\u{1b}[39m"),
            ExitColor::Plain => format!("  {command}"),
        });
    }
    lines
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
