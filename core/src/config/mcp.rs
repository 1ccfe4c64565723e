//! `[mcp_servers.NAME]` (`mcp.md` §1): the serde shape of one entry and its resolution into an
//! `McpServerConfig` with a validated transport.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;

/// One configured MCP server, as the client starts it and `codex mcp` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerConfig {
    pub transport: McpServerTransportConfig,
    /// `false`: never started.
    pub enabled: bool,
    /// Limit for `initialize` + the first `tools/list`; `None` means the default (10 s).
    pub startup_timeout_sec: Option<Duration>,
    /// Limit per `tools/call`; `None` means the default (60 s).
    pub tool_timeout_sec: Option<Duration>,
    /// Allow-list of the server's own tool names.
    pub enabled_tools: Option<Vec<String>>,
    /// Deny-list, applied after `enabled_tools`.
    pub disabled_tools: Option<Vec<String>>,
}

/// Serialized as `codex mcp list --json` shows it: `{"type": "stdio" | "streamable_http", …}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum McpServerTransportConfig {
    Stdio {
        command: String,
        args: Vec<String>,
        /// Added on top of the allow-listed parent variables (and wins).
        env: Option<BTreeMap<String, String>>,
        /// Extra parent variables passed through when set.
        env_vars: Vec<String>,
        /// Working directory of the server; codex's cwd when `None`.
        cwd: Option<PathBuf>,
    },
    StreamableHttp {
        url: String,
        /// `Authorization: Bearer <value of this variable>`.
        bearer_token_env_var: Option<String>,
        http_headers: Option<BTreeMap<String, String>>,
        /// Header name → environment variable holding its value.
        env_http_headers: Option<BTreeMap<String, String>>,
    },
}

pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);

impl McpServerConfig {
    pub fn startup_timeout(&self) -> Duration {
        self.startup_timeout_sec.unwrap_or(DEFAULT_STARTUP_TIMEOUT)
    }

    pub fn tool_timeout(&self) -> Duration {
        self.tool_timeout_sec.unwrap_or(DEFAULT_TOOL_TIMEOUT)
    }

    /// Whether the filters let the server's tool `name` through.
    pub fn allows_tool(&self, name: &str) -> bool {
        let enabled = self
            .enabled_tools
            .as_ref()
            .is_none_or(|tools| tools.iter().any(|tool| tool == name));
        let disabled = self
            .disabled_tools
            .as_ref()
            .is_some_and(|tools| tools.iter().any(|tool| tool == name));
        enabled && !disabled
    }
}

/// `[mcp_servers.NAME]` as written; both transports' keys, checked by `resolve`.
#[derive(Debug, Deserialize)]
pub(crate) struct McpServerToml {
    pub command: Option<String>,
    #[serde(default)]
    pub args: Vec<String>,
    pub env: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub env_vars: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub url: Option<String>,
    pub bearer_token_env_var: Option<String>,
    /// Not supported: only read to refuse it with a pointer to `bearer_token_env_var`.
    pub bearer_token: Option<String>,
    pub http_headers: Option<BTreeMap<String, String>>,
    pub env_http_headers: Option<BTreeMap<String, String>>,
    pub startup_timeout_sec: Option<f64>,
    /// Legacy spelling, in milliseconds.
    pub startup_timeout_ms: Option<u64>,
    pub tool_timeout_sec: Option<f64>,
    pub enabled: Option<bool>,
    pub enabled_tools: Option<Vec<String>>,
    pub disabled_tools: Option<Vec<String>>,
}

/// Which key of the entry is at fault, and why.
pub(crate) struct McpServerError {
    pub key: Option<&'static str>,
    pub message: String,
}

impl McpServerToml {
    pub(crate) fn resolve(self, name: &str) -> Result<McpServerConfig, McpServerError> {
        if self.bearer_token.is_some() {
            return Err(McpServerError {
                key: Some("bearer_token"),
                message: format!(
                    "mcp_servers.{name} uses unsupported `bearer_token`; set `bearer_token_env_var`."
                ),
            });
        }
        let transport = match (self.command, self.url) {
            (Some(command), None) => McpServerTransportConfig::Stdio {
                command,
                args: self.args,
                env: self.env,
                env_vars: self.env_vars,
                cwd: self.cwd,
            },
            (None, Some(url)) => McpServerTransportConfig::StreamableHttp {
                url,
                bearer_token_env_var: self.bearer_token_env_var,
                http_headers: self.http_headers,
                env_http_headers: self.env_http_headers,
            },
            _ => {
                return Err(McpServerError {
                    key: None,
                    message: format!("invalid transport in `mcp_servers.{name}`"),
                });
            }
        };
        let startup_timeout_sec = match (self.startup_timeout_sec, self.startup_timeout_ms) {
            (Some(secs), _) => Some(seconds(secs, "startup_timeout_sec")?),
            (None, Some(ms)) => Some(Duration::from_millis(ms)),
            (None, None) => None,
        };
        let tool_timeout_sec = self
            .tool_timeout_sec
            .map(|secs| seconds(secs, "tool_timeout_sec"))
            .transpose()?;
        Ok(McpServerConfig {
            transport,
            enabled: self.enabled.unwrap_or(true),
            startup_timeout_sec,
            tool_timeout_sec,
            enabled_tools: self.enabled_tools,
            disabled_tools: self.disabled_tools,
        })
    }
}

fn seconds(value: f64, key: &'static str) -> Result<Duration, McpServerError> {
    Duration::try_from_secs_f64(value).map_err(|_| McpServerError {
        key: Some(key),
        message: format!("invalid value: {value}, expected a non-negative number of seconds"),
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn parse(text: &str) -> Result<McpServerConfig, String> {
        let toml: McpServerToml = toml::from_str(text).map_err(|err| err.to_string())?;
        toml.resolve("docs").map_err(|err| err.message)
    }

    #[test]
    fn stdio_entry_resolves_with_defaults() {
        let config = parse("command = \"docs-server\"\nargs = [\"--port\", \"4000\"]\n");
        assert_eq!(
            config,
            Ok(McpServerConfig {
                transport: McpServerTransportConfig::Stdio {
                    command: "docs-server".into(),
                    args: vec!["--port".into(), "4000".into()],
                    env: None,
                    env_vars: Vec::new(),
                    cwd: None,
                },
                enabled: true,
                startup_timeout_sec: None,
                tool_timeout_sec: None,
                enabled_tools: None,
                disabled_tools: None,
            })
        );
    }

    #[test]
    fn http_entry_takes_float_and_legacy_timeouts() {
        let config = parse(
            "url = \"http://127.0.0.1:8080/mcp\"\nbearer_token_env_var = \"MY_TOKEN\"\nstartup_timeout_ms = 2500\ntool_timeout_sec = 30.5\n",
        )
        .map(|config| (config.startup_timeout(), config.tool_timeout()));
        assert_eq!(
            config,
            Ok((Duration::from_millis(2500), Duration::from_secs_f64(30.5)))
        );
        assert_eq!(
            parse("url = \"u\"\nstartup_timeout_sec = 20\n").map(|c| c.startup_timeout()),
            Ok(Duration::from_secs(20))
        );
    }

    #[test]
    fn transport_and_bearer_token_errors_use_the_original_wording() {
        assert_eq!(
            parse("command = \"x\"\nurl = \"u\"\n"),
            Err("invalid transport in `mcp_servers.docs`".to_string())
        );
        assert_eq!(
            parse("args = []\n"),
            Err("invalid transport in `mcp_servers.docs`".to_string())
        );
        assert_eq!(
            parse("url = \"u\"\nbearer_token = \"secret\"\n"),
            Err(
                "mcp_servers.docs uses unsupported `bearer_token`; set `bearer_token_env_var`."
                    .to_string()
            )
        );
    }

    #[test]
    fn tool_filters_apply_enabled_then_disabled() {
        let config =
            parse("command = \"x\"\nenabled_tools = [\"a\", \"b\"]\ndisabled_tools = [\"b\"]\n")
                .map(|config| {
                    ["a", "b", "c"]
                        .into_iter()
                        .filter(|tool| config.allows_tool(tool))
                        .collect::<Vec<_>>()
                });
        assert_eq!(config, Ok(vec!["a"]));
    }
}
