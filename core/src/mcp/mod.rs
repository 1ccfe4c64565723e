//! The MCP client (`mcp.md` §2): starts every enabled `[mcp_servers.NAME]` concurrently when a
//! session starts, reports their start-up, offers their tools to the model under qualified
//! names, routes calls back to the right server, and stops the servers with the session.

mod connection;
mod http;
mod naming;

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use serde_json::Value;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::config::ConfigEnv;
use crate::config::McpServerConfig;
use crate::protocol::Event;
use crate::protocol::EventMsg;
use crate::protocol::McpServerSummary;
use crate::protocol::McpStartupCompleteEvent;
use crate::protocol::McpStartupFailure;
use crate::protocol::McpStartupStatus;
use crate::protocol::McpToolCallResult;
use connection::McpConnection;
use connection::McpTool;
use connection::StartupError;
pub use naming::is_valid_server_name;
use naming::qualified_tool_name;

/// The outcome of start-up: the servers that are ready, and every started server's status.
#[derive(Default)]
struct Started {
    connections: BTreeMap<String, Arc<McpConnection>>,
    statuses: BTreeMap<String, McpStartupStatus>,
}

/// Where a qualified tool name leads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolRoute {
    pub server: String,
    pub tool: String,
    pub read_only: bool,
}

/// What the resource tools ask a server (`cursor` pages a listing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResourceRequest {
    List { cursor: Option<String> },
    ListTemplates { cursor: Option<String> },
    Read { uri: String },
}

/// One offered tool: its qualified name, server and listing.
struct OfferedTool {
    qualified: String,
    server: String,
    tool: McpTool,
}

pub(crate) struct McpManager {
    servers: BTreeMap<String, McpServerConfig>,
    started: watch::Receiver<Option<Arc<Started>>>,
    /// Taken by `start`.
    publish: Mutex<Option<watch::Sender<Option<Arc<Started>>>>>,
    cancel: CancellationToken,
    /// The tool table of the last request, rebuilt when a server's tools change.
    offered: Mutex<Option<Arc<Vec<OfferedTool>>>>,
}

impl McpManager {
    pub(crate) fn new(config: &Config) -> Self {
        let (publish, started) = watch::channel(None);
        McpManager {
            servers: config.mcp_servers.clone(),
            started,
            publish: Mutex::new(Some(publish)),
            cancel: CancellationToken::new(),
            offered: Mutex::new(None),
        }
    }

    /// Starts the enabled servers in the background; `starting` is reported for each before
    /// this returns, the rest as the servers come up. Called once, after `SessionConfigured`.
    pub(crate) fn start(
        &self,
        cwd: PathBuf,
        env: ConfigEnv,
        tx_event: mpsc::UnboundedSender<Event>,
    ) {
        let Some(publish) = lock(&self.publish).take() else {
            return;
        };
        let enabled: Vec<(String, McpServerConfig)> = self
            .servers
            .iter()
            .filter(|(_, server)| server.enabled)
            .map(|(name, server)| (name.clone(), server.clone()))
            .collect();
        if enabled.is_empty() {
            let _ = publish.send(Some(Arc::new(Started::default())));
            return;
        }
        let emit = move |msg: EventMsg| {
            let _ = tx_event.send(Event {
                id: String::new(),
                msg,
            });
        };
        for (name, _) in &enabled {
            emit(EventMsg::McpStartupUpdate {
                server: name.clone(),
                status: McpStartupStatus::Starting,
            });
        }
        let cancel = self.cancel.clone();
        tokio::spawn(async move {
            let started = start_all(enabled, &cwd, &env, &cancel, &emit).await;
            let _ = publish.send(Some(Arc::new(started)));
        });
    }

    async fn started(&self) -> Arc<Started> {
        let mut started = self.started.clone();
        match started.wait_for(Option::is_some).await {
            Ok(value) => value.clone().unwrap_or_default(),
            // The start-up task is gone (runtime shutting down): no servers.
            Err(_) => Arc::default(),
        }
    }

    /// The tools of every ready server, each once, sorted by qualified name. Waits for start-up;
    /// built once, and again after a server announced `tools/list_changed`.
    async fn offered_tools(&self) -> Arc<Vec<OfferedTool>> {
        let started = self.started().await;
        let cached = lock(&self.offered).clone();
        if let Some(cached) = cached
            && !started
                .connections
                .values()
                .any(|connection| connection.tools_changed())
        {
            return cached;
        }
        let mut offered: Vec<OfferedTool> = Vec::new();
        let mut taken = BTreeSet::new();
        for (server, connection) in &started.connections {
            let Some(config) = self.servers.get(server) else {
                continue;
            };
            for tool in connection.tools(config).await {
                let qualified = qualified_tool_name(server, &tool.name);
                if !taken.insert(qualified.clone()) {
                    tracing::warn!(
                        "skipping MCP tool `{server}/{}`: the name `{qualified}` is taken",
                        tool.name
                    );
                    continue;
                }
                offered.push(OfferedTool {
                    qualified,
                    server: server.clone(),
                    tool,
                });
            }
        }
        offered.sort_by(|a, b| a.qualified.cmp(&b.qualified));
        let offered = Arc::new(offered);
        *lock(&self.offered) = Some(Arc::clone(&offered));
        offered
    }

    /// The function tools offered to the model, after the built-in ones.
    pub(crate) async fn tool_specs(&self) -> Vec<Value> {
        self.offered_tools()
            .await
            .iter()
            .map(|offered| {
                json!({
                    "type": "function",
                    "name": offered.qualified,
                    "description": offered.tool.description,
                    "strict": false,
                    "parameters": offered.tool.input_schema,
                })
            })
            .collect()
    }

    /// The server and tool behind a qualified name, `None` when it names no MCP tool.
    pub(crate) async fn route(&self, qualified: &str) -> Option<ToolRoute> {
        if !qualified.starts_with("mcp__") {
            return None;
        }
        self.offered_tools()
            .await
            .iter()
            .find(|offered| offered.qualified == qualified)
            .map(|offered| ToolRoute {
                server: offered.server.clone(),
                tool: offered.tool.name.clone(),
                read_only: offered.tool.read_only,
            })
    }

    /// Calls the tool under the server's `tool_timeout_sec`; `Err` is the cause of a failure.
    pub(crate) async fn call_tool(
        &self,
        route: &ToolRoute,
        arguments: serde_json::Map<String, Value>,
    ) -> Result<McpToolCallResult, String> {
        let started = self.started().await;
        let (Some(connection), Some(config)) = (
            started.connections.get(&route.server),
            self.servers.get(&route.server),
        ) else {
            return Err(format!("MCP server `{}` is not running", route.server));
        };
        let result = connection
            .call_tool(&route.tool, arguments, config.tool_timeout())
            .await?;
        let result = serde_json::to_value(result).map_err(|err| err.to_string())?;
        Ok(McpToolCallResult {
            content: result
                .get("content")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            structured_content: result.get("structuredContent").cloned(),
            is_error: result.get("isError").and_then(Value::as_bool),
        })
    }

    /// Whether any server is ready (the resource tools are offered then).
    pub(crate) async fn has_servers(&self) -> bool {
        !self.started().await.connections.is_empty()
    }

    /// Sends `request` to `server`, or to every ready server (sorted by name) when `None`.
    pub(crate) async fn resources(
        &self,
        server: Option<&str>,
        request: &ResourceRequest,
    ) -> Vec<(String, Result<Value, String>)> {
        let started = self.started().await;
        let targets: Vec<(&String, &Arc<McpConnection>)> = match server {
            Some(name) => match started.connections.get_key_value(name) {
                Some(target) => vec![target],
                None => {
                    return vec![(
                        name.to_string(),
                        Err(format!("unknown MCP server `{name}`")),
                    )];
                }
            },
            None => started.connections.iter().collect(),
        };
        futures::future::join_all(targets.into_iter().map(|(name, connection)| async move {
            (name.clone(), connection.resources(request).await)
        }))
        .await
    }

    /// Every configured server, its status and tools (after start-up finished).
    pub(crate) async fn summaries(&self) -> Vec<McpServerSummary> {
        let started = self.started().await;
        let offered = self.offered_tools().await;
        self.servers
            .iter()
            .map(|(name, server)| {
                let mut tools: Vec<String> = offered
                    .iter()
                    .filter(|tool| &tool.server == name)
                    .map(|tool| tool.tool.name.clone())
                    .collect();
                tools.sort();
                McpServerSummary {
                    name: name.clone(),
                    status: started
                        .statuses
                        .get(name)
                        .cloned()
                        .unwrap_or(McpStartupStatus::Starting),
                    enabled: server.enabled,
                    tools,
                }
            })
            .collect()
    }

    /// Cancels a start-up still running and stops every server.
    pub(crate) async fn shutdown(&self) {
        self.cancel.cancel();
        if lock(&self.publish).take().is_some() {
            // Never started: nothing runs.
            return;
        }
        let started = self.started().await;
        futures::future::join_all(
            started
                .connections
                .values()
                .map(|connection| connection.shutdown()),
        )
        .await;
    }
}

/// Starts the servers concurrently, reporting each result as it comes, then the summary.
async fn start_all(
    servers: Vec<(String, McpServerConfig)>,
    cwd: &std::path::Path,
    env: &ConfigEnv,
    cancel: &CancellationToken,
    emit: &impl Fn(EventMsg),
) -> Started {
    let mut pending: BTreeSet<String> = servers.iter().map(|(name, _)| name.clone()).collect();
    let mut starting: FuturesUnordered<_> = servers
        .iter()
        .map(|(name, server)| async move {
            let timeout = server.startup_timeout();
            let result =
                tokio::time::timeout(timeout, McpConnection::start(name, server, cwd, env)).await;
            let result = match result {
                Ok(Ok(connection)) => Ok(connection),
                Ok(Err(StartupError(cause))) => Err(format!(
                    "MCP client for `{name}` failed to start: {cause}"
                )),
                Err(_) => Err(format!(
                    "MCP client for `{name}` timed out after {} seconds. Add or adjust `startup_timeout_sec` in your config.toml:\n[mcp_servers.{name}]",
                    timeout.as_secs_f64()
                )),
            };
            (name.clone(), result)
        })
        .collect();
    let mut started = Started::default();
    let mut summary = McpStartupCompleteEvent::default();
    loop {
        let next = tokio::select! {
            next = starting.next() => next,
            _ = cancel.cancelled() => None,
        };
        let Some((name, result)) = next else {
            break;
        };
        pending.remove(&name);
        let status = match result {
            Ok(connection) => {
                started
                    .connections
                    .insert(name.clone(), Arc::new(connection));
                summary.ready.push(name.clone());
                McpStartupStatus::Ready
            }
            Err(error) => {
                summary.failed.push(McpStartupFailure {
                    server: name.clone(),
                    error: error.clone(),
                });
                McpStartupStatus::Failed { error }
            }
        };
        started.statuses.insert(name.clone(), status.clone());
        emit(EventMsg::McpStartupUpdate {
            server: name,
            status,
        });
    }
    for name in pending {
        started
            .statuses
            .insert(name.clone(), McpStartupStatus::Cancelled);
        emit(EventMsg::McpStartupUpdate {
            server: name.clone(),
            status: McpStartupStatus::Cancelled,
        });
        summary.cancelled.push(name);
    }
    summary.ready.sort();
    summary.failed.sort_by(|a, b| a.server.cmp(&b.server));
    emit(EventMsg::McpStartupComplete(summary));
    started
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
