//! What `codex mcp list` and `codex mcp get` print (`mcp.md` §3.2–3.4): padded tables and
//! indented details for people (secret values masked), pretty JSON for scripts (values shown).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use codex_core::config::McpServerConfig;
use codex_core::config::McpServerTransportConfig;
use serde::Serialize;

#[derive(Clone, Copy)]
pub(super) enum Format {
    Human,
    Json,
}

pub(super) fn format_of(json: bool) -> Format {
    if json { Format::Json } else { Format::Human }
}

/// Prints every server, sorted by name (the map's order).
pub(super) fn list(
    servers: &BTreeMap<String, McpServerConfig>,
    format: Format,
) -> Result<(), String> {
    match format {
        Format::Json => {
            let entries: Vec<ListEntry> = servers
                .iter()
                .map(|(name, server)| ListEntry {
                    name,
                    enabled: server.enabled,
                    transport: &server.transport,
                    startup_timeout_sec: seconds(server.startup_timeout_sec),
                    tool_timeout_sec: seconds(server.tool_timeout_sec),
                    auth_status: AuthStatus::of(server),
                })
                .collect();
            return print_json(&entries);
        }
        Format::Human if servers.is_empty() => {
            println!("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.");
        }
        Format::Human => print!("{}", list_tables(servers)),
    }
    Ok(())
}

/// Prints one server.
pub(super) fn get(name: &str, server: &McpServerConfig, format: Format) -> Result<(), String> {
    match format {
        Format::Json => {
            return print_json(&GetEntry {
                name,
                enabled: server.enabled,
                transport: &server.transport,
                enabled_tools: server.enabled_tools.as_deref(),
                disabled_tools: server.disabled_tools.as_deref(),
                startup_timeout_sec: seconds(server.startup_timeout_sec),
                tool_timeout_sec: seconds(server.tool_timeout_sec),
            });
        }
        Format::Human if !server.enabled => println!("{name} (disabled)"),
        Format::Human => print!("{}", details(name, server)),
    }
    Ok(())
}

/// The stdio table, then (when both exist) a blank line and the HTTP table.
fn list_tables(servers: &BTreeMap<String, McpServerConfig>) -> String {
    let mut stdio = Vec::new();
    let mut http = Vec::new();
    for (name, server) in servers {
        let status = if server.enabled {
            "enabled"
        } else {
            "disabled"
        };
        let auth = AuthStatus::of(server).label();
        match &server.transport {
            McpServerTransportConfig::Stdio {
                command,
                args,
                env,
                env_vars,
                cwd,
            } => stdio.push([
                name.clone(),
                command.clone(),
                or_dash(args.join(" ")),
                env_cell(env.as_ref(), env_vars),
                cwd_cell(cwd.as_deref()),
                status.to_string(),
                auth.to_string(),
            ]),
            McpServerTransportConfig::StreamableHttp {
                url,
                bearer_token_env_var,
                ..
            } => http.push([
                name.clone(),
                url.clone(),
                or_dash(bearer_token_env_var.clone().unwrap_or_default()),
                status.to_string(),
                auth.to_string(),
            ]),
        }
    }
    let mut tables = Vec::new();
    if !stdio.is_empty() {
        tables.push(table(
            ["Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"],
            &stdio,
        ));
    }
    if !http.is_empty() {
        tables.push(table(
            ["Name", "Url", "Bearer Token Env Var", "Status", "Auth"],
            &http,
        ));
    }
    tables.join("\n")
}

/// Every cell padded to its column's widest cell (header included, last column too), columns
/// joined by two spaces.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|cell| cell.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_string);
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

/// `get`'s human output for an enabled server.
fn details(name: &str, server: &McpServerConfig) -> String {
    let mut out = format!("{name}\n  enabled: {}\n", server.enabled);
    let lines: Vec<(&str, String)> = match &server.transport {
        McpServerTransportConfig::Stdio {
            command,
            args,
            env,
            env_vars,
            cwd,
        } => vec![
            ("transport", "stdio".to_string()),
            ("command", command.clone()),
            ("args", or_dash(args.join(" "))),
            ("cwd", cwd_cell(cwd.as_deref())),
            ("env", env_cell(env.as_ref(), env_vars)),
        ],
        McpServerTransportConfig::StreamableHttp {
            url,
            bearer_token_env_var,
            http_headers,
            env_http_headers,
        } => vec![
            ("transport", "streamable_http".to_string()),
            ("url", url.clone()),
            (
                "bearer_token_env_var",
                or_dash(bearer_token_env_var.clone().unwrap_or_default()),
            ),
            ("http_headers", joined(http_headers.iter().flat_map(masked))),
            (
                "env_http_headers",
                joined(
                    env_http_headers
                        .iter()
                        .flatten()
                        .map(|(header, var)| format!("{header}={var}")),
                ),
            ),
        ],
    };
    let timeouts = [
        ("startup_timeout_sec", server.startup_timeout_sec),
        ("tool_timeout_sec", server.tool_timeout_sec),
    ];
    let timeouts = timeouts.into_iter().filter_map(|(key, timeout)| {
        timeout.map(|timeout| (key, timeout.as_secs_f64().to_string()))
    });
    let remove = ("remove", format!("codex mcp remove {name}"));
    for (key, value) in lines.into_iter().chain(timeouts).chain([remove]) {
        let _ = writeln!(out, "  {key}: {value}");
    }
    out
}

/// `KEY=*****` for each `env` key, then each `env_vars` name; `-` when there are none.
fn env_cell(env: Option<&BTreeMap<String, String>>, env_vars: &[String]) -> String {
    joined(
        env.into_iter()
            .flat_map(masked)
            .chain(env_vars.iter().cloned()),
    )
}

fn cwd_cell(cwd: Option<&Path>) -> String {
    or_dash(cwd.map(|cwd| cwd.display().to_string()).unwrap_or_default())
}

/// `KEY=*****` per key (sorted), for values that must not be shown.
fn masked(map: &BTreeMap<String, String>) -> impl Iterator<Item = String> + '_ {
    map.keys().map(|key| format!("{key}=*****"))
}

fn joined(items: impl Iterator<Item = String>) -> String {
    or_dash(items.collect::<Vec<_>>().join(", "))
}

fn or_dash(value: String) -> String {
    if value.is_empty() {
        "-".to_string()
    } else {
        value
    }
}

fn seconds(timeout: Option<std::time::Duration>) -> Option<f64> {
    timeout.map(|timeout| timeout.as_secs_f64())
}

fn print_json(value: &impl Serialize) -> Result<(), String> {
    let json = serde_json::to_string_pretty(value)
        .map_err(|err| format!("cannot serialize the servers as JSON: {err}"))?;
    println!("{json}");
    Ok(())
}

/// One element of `list --json`.
#[derive(Serialize)]
struct ListEntry<'a> {
    name: &'a str,
    enabled: bool,
    transport: &'a McpServerTransportConfig,
    startup_timeout_sec: Option<f64>,
    tool_timeout_sec: Option<f64>,
    auth_status: AuthStatus,
}

/// `get --json`.
#[derive(Serialize)]
struct GetEntry<'a> {
    name: &'a str,
    enabled: bool,
    transport: &'a McpServerTransportConfig,
    enabled_tools: Option<&'a [String]>,
    disabled_tools: Option<&'a [String]>,
    startup_timeout_sec: Option<f64>,
    tool_timeout_sec: Option<f64>,
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
enum AuthStatus {
    Unsupported,
    BearerToken,
}

impl AuthStatus {
    fn of(server: &McpServerConfig) -> Self {
        match &server.transport {
            McpServerTransportConfig::StreamableHttp {
                bearer_token_env_var: Some(_),
                ..
            } => AuthStatus::BearerToken,
            McpServerTransportConfig::StreamableHttp {
                bearer_token_env_var: None,
                ..
            }
            | McpServerTransportConfig::Stdio { .. } => AuthStatus::Unsupported,
        }
    }

    fn label(self) -> &'static str {
        match self {
            AuthStatus::Unsupported => "Unsupported",
            AuthStatus::BearerToken => "Bearer token",
        }
    }
}
