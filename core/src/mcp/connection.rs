//! One MCP server connection on rmcp: spawning a stdio server in its own process group with the
//! allow-listed environment, or reaching a streamable HTTP endpoint; the `initialize` handshake
//! and tool listing; `tools/call` with its timeout; and stopping the server again.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::HeaderName;
use reqwest::header::HeaderValue;
use rmcp::ClientHandler;
use rmcp::RoleClient;
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::model::CallToolResult;
use rmcp::model::ClientConfig;
use rmcp::model::ErrorData;
use rmcp::model::ListRootsRequestMethod;
// Roots and logging are deprecated in rmcp (SEP-2577), but servers still send both.
#[allow(deprecated)]
use rmcp::model::ListRootsResult;
#[allow(deprecated)]
use rmcp::model::LoggingMessageNotificationParam;
use rmcp::service::NotificationContext;
use rmcp::service::RequestContext;
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::Value;
use serde_json::json;
use tokio::io::AsyncBufReadExt as _;
use tokio::process::Child;

use super::ResourceRequest;
use super::http::HttpClient;
use super::is_valid_server_name;
use super::lock;
use crate::config::ConfigEnv;
use crate::config::McpServerConfig;
use crate::config::McpServerTransportConfig;

/// The protocol version we ask for; any version the server answers with is accepted.
const PROTOCOL_VERSION: &str = "2025-06-18";
/// Parent variables a stdio server inherits (`mcp.md` §2.2).
const ENV_ALLOW_LIST: &[&str] = &[
    "HOME",
    "LOGNAME",
    "PATH",
    "SHELL",
    "USER",
    "__CF_USER_TEXT_ENCODING",
    "LANG",
    "LC_ALL",
    "TERM",
    "TMPDIR",
    "TZ",
    "SSL_CERT_FILE",
    "NODE_EXTRA_CA_CERTS",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "PIP_CERT",
];
/// How long a stdio server gets to exit after SIGTERM before SIGKILL.
const TERMINATE_GRACE: Duration = Duration::from_secs(2);

/// A tool as the server listed it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct McpTool {
    pub name: String,
    pub description: String,
    pub input_schema: Value,
    /// `annotations.readOnlyHint`.
    pub read_only: bool,
}

/// Answers the server's requests: `ping`, elicitation declined (nobody can answer it here),
/// everything else -32601; notes `tools/list_changed`.
#[derive(Clone)]
struct CodexClient {
    server: String,
    tools_changed: Arc<AtomicBool>,
}

#[allow(deprecated)]
impl ClientHandler for CodexClient {
    fn get_info(&self) -> ClientConfig {
        client_info()
    }

    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        Err(ErrorData::method_not_found::<ListRootsRequestMethod>())
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.tools_changed.store(true, Ordering::Relaxed);
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        tracing::debug!(server = %self.server, "MCP log: {:?}", params.data);
    }
}

fn client_info() -> ClientConfig {
    let info = json!({
        "protocolVersion": PROTOCOL_VERSION,
        "capabilities": {"elicitation": {}},
        "clientInfo": {
            "name": "codex-mcp-client",
            "title": "Codex",
            "version": env!("CARGO_PKG_VERSION"),
        },
    });
    // The literal above is a valid `initialize` params object.
    serde_json::from_value(info).unwrap_or_else(|_| ClientConfig::default())
}

/// A stdio server's process group, killed when dropped unless it was stopped already.
struct ProcessGroup {
    child: Child,
    pgid: Option<i32>,
}

impl ProcessGroup {
    fn signal(&self, signal: i32) {
        if let Some(pgid) = self.pgid {
            // SAFETY: killpg only sends a signal to the group this process created.
            unsafe {
                libc::killpg(pgid, signal);
            }
        }
    }

    /// SIGTERM to the group, then SIGKILL if the server is still there after the grace period.
    async fn terminate(mut self) {
        self.signal(libc::SIGTERM);
        if tokio::time::timeout(TERMINATE_GRACE, self.child.wait())
            .await
            .is_err()
        {
            self.signal(libc::SIGKILL);
        }
        self.pgid = None;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}

pub(crate) struct McpConnection {
    service: RunningService<RoleClient, CodexClient>,
    tools: Mutex<Vec<McpTool>>,
    tools_changed: Arc<AtomicBool>,
    process: Mutex<Option<ProcessGroup>>,
}

/// Why a server did not start; the text follows `MCP client for `x` failed to start: `.
#[derive(Debug)]
pub(crate) struct StartupError(pub String);

impl McpConnection {
    /// Starts the server and lists its tools (the caller bounds this with the start-up timeout).
    pub(crate) async fn start(
        name: &str,
        server: &McpServerConfig,
        default_cwd: &Path,
        env: &ConfigEnv,
    ) -> Result<McpConnection, StartupError> {
        if !is_valid_server_name(name) {
            return Err(StartupError(format!(
                "MCP startup failed: Invalid MCP server name '{name}': must match pattern ^[a-zA-Z0-9_-]+$"
            )));
        }
        let tools_changed = Arc::new(AtomicBool::new(false));
        let client = CodexClient {
            server: name.to_string(),
            tools_changed: Arc::clone(&tools_changed),
        };
        let handshake_failed = |err: rmcp::service::ClientInitializeError| {
            StartupError(format!(
                "MCP startup failed: handshaking with MCP server failed: {err}"
            ))
        };
        let (service, process) = match &server.transport {
            McpServerTransportConfig::Stdio {
                command,
                args,
                env: extra_env,
                env_vars,
                cwd,
            } => {
                let mut child = tokio::process::Command::new(command)
                    .args(args)
                    .current_dir(cwd.as_deref().unwrap_or(default_cwd))
                    .env_clear()
                    .envs(stdio_env(env, env_vars, extra_env.as_ref()))
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .process_group(0)
                    .kill_on_drop(true)
                    .spawn()
                    .map_err(|err| StartupError(format!("MCP startup failed: {err}")))?;
                let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
                    return Err(StartupError(
                        "MCP startup failed: the server's stdio pipes are missing".to_string(),
                    ));
                };
                if let Some(stderr) = child.stderr.take() {
                    tokio::spawn(log_stderr(name.to_string(), stderr));
                }
                let pgid = child.id().and_then(|id| i32::try_from(id).ok());
                let process = ProcessGroup { child, pgid };
                let service = client
                    .serve((stdout, stdin))
                    .await
                    .map_err(handshake_failed)?;
                (service, Some(process))
            }
            McpServerTransportConfig::StreamableHttp {
                url,
                bearer_token_env_var,
                http_headers,
                env_http_headers,
            } => {
                let mut transport_config =
                    StreamableHttpClientTransportConfig::with_uri(url.as_str()).custom_headers(
                        http_headers_for(http_headers.as_ref(), env_http_headers.as_ref(), env)?,
                    );
                if let Some(var) = bearer_token_env_var {
                    let token = env.non_blank(var).ok_or_else(|| {
                        StartupError(format!(
                            "MCP startup failed: the bearer token variable `{var}` is not set"
                        ))
                    })?;
                    transport_config = transport_config.auth_header(token);
                }
                let http = reqwest::Client::builder()
                    .user_agent(format!("codex-mcp-client/{}", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|err| StartupError(format!("MCP startup failed: {err}")))?;
                let transport =
                    StreamableHttpClientTransport::with_client(HttpClient(http), transport_config);
                let service = client.serve(transport).await.map_err(handshake_failed)?;
                (service, None)
            }
        };
        let connection = McpConnection {
            service,
            tools: Mutex::new(Vec::new()),
            tools_changed,
            process: Mutex::new(process),
        };
        connection.refresh_tools(server).await?;
        Ok(connection)
    }

    /// Lists the server's tools again (all pages), keeping those the filters allow.
    async fn refresh_tools(&self, server: &McpServerConfig) -> Result<(), StartupError> {
        let listed =
            self.service.list_all_tools().await.map_err(|err| {
                StartupError(format!("MCP startup failed: tools/list failed: {err}"))
            })?;
        let tools = listed
            .iter()
            .filter_map(|tool| serde_json::to_value(tool).ok())
            .filter_map(|tool| mcp_tool(&tool))
            .filter(|tool| server.allows_tool(&tool.name))
            .collect();
        *lock(&self.tools) = tools;
        Ok(())
    }

    /// Whether the server said its tools changed since they were last listed.
    pub(crate) fn tools_changed(&self) -> bool {
        self.tools_changed.load(Ordering::Relaxed)
    }

    /// The current tools, re-listed first when the server said they changed.
    pub(crate) async fn tools(&self, server: &McpServerConfig) -> Vec<McpTool> {
        if self.tools_changed.swap(false, Ordering::Relaxed)
            && let Err(err) = self.refresh_tools(server).await
        {
            tracing::warn!("{}", err.0);
        }
        lock(&self.tools).clone()
    }

    /// `tools/call`; `Err` is the error text (transport failure, JSON-RPC error, timeout).
    /// Dropping the request on timeout sends `notifications/cancelled` for it.
    pub(crate) async fn call_tool(
        &self,
        tool: &str,
        arguments: serde_json::Map<String, Value>,
        timeout: Duration,
    ) -> Result<CallToolResult, String> {
        let params: CallToolRequestParams = params(json!({"name": tool, "arguments": arguments}))?;
        match tokio::time::timeout(timeout, self.service.call_tool(params)).await {
            Ok(result) => result.map_err(|err| err.to_string()),
            Err(_) => Err(format!("timed out awaiting tools/call after {timeout:?}")),
        }
    }

    /// A resource request (`resources/list`, `resources/templates/list`, `resources/read`); the
    /// server's result as JSON, or the error text.
    pub(crate) async fn resources(&self, request: &ResourceRequest) -> Result<Value, String> {
        let peer = self.service.peer();
        match request {
            ResourceRequest::List { cursor } => to_json(
                peer.list_resources(Some(params(json!({"cursor": cursor}))?))
                    .await,
            ),
            ResourceRequest::ListTemplates { cursor } => to_json(
                peer.list_resource_templates(Some(params(json!({"cursor": cursor}))?))
                    .await,
            ),
            ResourceRequest::Read { uri } => {
                to_json(peer.read_resource(params(json!({"uri": uri}))?).await)
            }
        }
    }

    /// Closes the session and stops a stdio server's process group.
    pub(crate) async fn shutdown(&self) {
        self.service.cancellation_token().cancel();
        let process = lock(&self.process).take();
        if let Some(process) = process {
            process.terminate().await;
        }
    }
}

/// Request params built from JSON (rmcp's param types are non-exhaustive).
fn params<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|err| err.to_string())
}

fn to_json<T: serde::Serialize, E: std::fmt::Display>(
    result: Result<T, E>,
) -> Result<Value, String> {
    let value = result.map_err(|err| err.to_string())?;
    serde_json::to_value(value).map_err(|err| err.to_string())
}

fn mcp_tool(tool: &Value) -> Option<McpTool> {
    let name = tool.get("name")?.as_str()?.to_string();
    let description = tool
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut input_schema = tool
        .get("inputSchema")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(schema) = input_schema.as_object_mut()
        && schema.get("type").and_then(Value::as_str) == Some("object")
        && !schema.contains_key("properties")
    {
        schema.insert("properties".into(), json!({}));
    }
    let read_only = tool
        .pointer("/annotations/readOnlyHint")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(McpTool {
        name,
        description,
        input_schema,
        read_only,
    })
}

/// The allow-listed parent variables, then `env_vars`, then `env` (which wins).
fn stdio_env(
    env: &ConfigEnv,
    env_vars: &[String],
    extra: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut vars: BTreeMap<String, String> = ENV_ALLOW_LIST
        .iter()
        .copied()
        .chain(env_vars.iter().map(String::as_str))
        .filter_map(|name| Some((name.to_string(), env.vars.get(name)?.clone())))
        .collect();
    if let Some(extra) = extra {
        vars.extend(extra.clone());
    }
    vars
}

fn http_headers_for(
    static_headers: Option<&BTreeMap<String, String>>,
    env_headers: Option<&BTreeMap<String, String>>,
    env: &ConfigEnv,
) -> Result<HashMap<HeaderName, HeaderValue>, StartupError> {
    let from_env = env_headers
        .into_iter()
        .flatten()
        .filter_map(|(name, var)| Some((name, env.non_blank(var)?)));
    static_headers
        .into_iter()
        .flatten()
        .map(|(name, value)| (name, value.as_str()))
        .chain(from_env)
        .map(|(name, value)| {
            match (
                HeaderName::try_from(name.as_str()),
                HeaderValue::try_from(value),
            ) {
                (Ok(name), Ok(value)) => Ok((name, value)),
                _ => Err(StartupError(format!(
                    "MCP startup failed: invalid HTTP header `{name}`"
                ))),
            }
        })
        .collect()
}

async fn log_stderr(server: String, stderr: tokio::process::ChildStderr) {
    let mut lines = tokio::io::BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(server = %server, "MCP server stderr: {line}");
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn stdio_env_passes_only_the_allow_list_then_env_vars_then_env() {
        let env = ConfigEnv {
            vars: HashMap::from([
                ("HOME".into(), "/home/u".into()),
                ("PATH".into(), "/bin".into()),
                ("FOO_TOKEN".into(), "secret".into()),
                ("EXTRA".into(), "e".into()),
            ]),
        };
        let extra = BTreeMap::from([("PATH".into(), "/custom".into()), ("X".into(), "1".into())]);
        assert_eq!(
            stdio_env(&env, &["EXTRA".into(), "UNSET".into()], Some(&extra)),
            BTreeMap::from([
                ("EXTRA".into(), "e".into()),
                ("HOME".into(), "/home/u".into()),
                ("PATH".into(), "/custom".into()),
                ("X".into(), "1".into()),
            ])
        );
    }

    #[test]
    fn initialize_params_are_the_originals() {
        assert_eq!(
            serde_json::to_value(client_info()).ok(),
            Some(json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"elicitation": {}},
                "clientInfo": {
                    "name": "codex-mcp-client",
                    "title": "Codex",
                    "version": env!("CARGO_PKG_VERSION"),
                },
            }))
        );
    }

    #[test]
    fn object_schemas_get_properties() {
        let tool = mcp_tool(&json!({
            "name": "noop",
            "inputSchema": {"type": "object"},
            "annotations": {"readOnlyHint": true},
        }));
        assert_eq!(
            tool,
            Some(McpTool {
                name: "noop".into(),
                description: String::new(),
                input_schema: json!({"type": "object", "properties": {}}),
                read_only: true,
            })
        );
    }
}
