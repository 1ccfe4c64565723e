//! Serving client lines (`mcp.md` §4.1–4.4): the methods, `tools/call` run as tasks so a
//! running call never blocks the next line, `notifications/cancelled`, the routing of the
//! client's replies to our elicitations, and the shutdown when stdin closes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;

use codex_core::Codex;
use codex_core::InitialHistory;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use codex_core::model_catalog::EffectiveModel;
use serde::Deserialize;
use serde_json::Value;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::jsonrpc;
use crate::jsonrpc::Message;
use crate::jsonrpc::Outgoing;
use crate::jsonrpc::RequestId;
use crate::lock;
use crate::thread::CallContext;
use crate::thread::Threads;
use crate::thread::TurnOutcome;
use crate::tools;
use crate::tools::CodexArgs;
use crate::tools::CodexReply;

const ORIGINATOR: &str = "codex_mcp_server";
const ORIGINATOR_OVERRIDE_VAR: &str = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";
/// Answered to a client that sends no `protocolVersion`.
const DEFAULT_PROTOCOL_VERSION: &str = "2025-06-18";
/// Stdin closed: how long running turns get to stop and sessions to shut down (the SDK
/// client sends SIGTERM 2 s after closing our stdin).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(1500);

/// `clientInfo` of `initialize`; a missing field keeps its default.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
struct ClientInfo {
    name: String,
    version: String,
}

impl Default for ClientInfo {
    fn default() -> Self {
        ClientInfo {
            name: "unknown".to_string(),
            version: "0".to_string(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializeParams {
    protocol_version: Option<String>,
    client_info: Option<ClientInfo>,
}

#[derive(Debug, Deserialize)]
struct ToolCallParams {
    name: String,
    arguments: Option<Value>,
    #[serde(rename = "_meta")]
    meta: Option<ToolCallMeta>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolCallMeta {
    progress_token: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelledParams {
    request_id: RequestId,
}

/// What every `tools/call` task needs.
struct Shared {
    outgoing: Arc<Outgoing>,
    /// The server's `-c`, `--enable` and `--disable`, under every thread's own settings.
    overrides: ConfigOverrides,
    env: ConfigEnv,
    threads: Threads,
    /// Running calls, so `notifications/cancelled` can stop them.
    calls: Mutex<HashMap<RequestId, CancellationToken>>,
    /// Cancelled when stdin closes; every call's token is a child of it.
    shutdown: CancellationToken,
}

pub struct Server {
    shared: Arc<Shared>,
    client: ClientInfo,
}

impl Server {
    pub fn new(outgoing: Arc<Outgoing>, overrides: ConfigOverrides, env: ConfigEnv) -> Self {
        Server {
            shared: Arc::new(Shared {
                outgoing,
                overrides,
                env,
                threads: Threads::default(),
                calls: Mutex::new(HashMap::new()),
                shutdown: CancellationToken::new(),
            }),
            client: ClientInfo::default(),
        }
    }

    pub async fn handle_line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let outgoing = &self.shared.outgoing;
        match jsonrpc::decode(line) {
            Err(rejection) => {
                tracing::warn!("rejected a client line: {}", rejection.message);
                outgoing
                    .error(rejection.id, rejection.code, rejection.message)
                    .await;
            }
            Ok(Message::Request { id, method, params }) => {
                self.handle_request(id, &method, params).await;
            }
            Ok(Message::Notification { method, params }) => {
                if method == "notifications/cancelled" {
                    self.cancel(params);
                }
            }
            Ok(Message::Reply { id, reply }) => {
                let resolved = id.as_ref().is_some_and(|id| outgoing.resolve(id, reply));
                if !resolved {
                    tracing::warn!("a reply to no request of ours: id {id:?}");
                }
            }
        }
    }

    async fn handle_request(&mut self, id: RequestId, method: &str, params: Value) {
        let result = match method {
            "initialize" => self.initialize(params),
            "ping" => json!({}),
            "tools/list" => tools::tools_list(),
            "tools/call" => return self.call_tool(id, params).await,
            "resources/list" => json!({"resources": []}),
            "resources/templates/list" => json!({"resourceTemplates": []}),
            "prompts/list" => json!({"prompts": []}),
            other => {
                self.shared.outgoing.method_not_found(&id, other).await;
                return;
            }
        };
        self.shared.outgoing.respond(&id, result).await;
    }

    fn initialize(&mut self, params: Value) -> Value {
        let params = serde_json::from_value::<InitializeParams>(params).unwrap_or_else(|err| {
            tracing::warn!("initialize params not understood: {err}");
            InitializeParams::default()
        });
        self.client = params.client_info.unwrap_or_default();
        let user_agent = codex_core::session::user_agent_string(
            &originator(&self.shared.env),
            &self.client.name,
            &self.client.version,
            &self.shared.env,
        );
        json!({
            "protocolVersion": params
                .protocol_version
                .unwrap_or_else(|| DEFAULT_PROTOCOL_VERSION.to_string()),
            "capabilities": {"tools": {"listChanged": true}},
            "serverInfo": {
                "name": "codex-mcp-server",
                "title": "Codex",
                "version": env!("CARGO_PKG_VERSION"),
                "user_agent": user_agent,
            },
        })
    }

    async fn call_tool(&mut self, id: RequestId, params: Value) {
        let params = match serde_json::from_value::<ToolCallParams>(params) {
            Ok(params) => params,
            Err(err) => {
                let message = format!("Invalid params for tools/call: {err}");
                self.shared
                    .outgoing
                    .error(json!(id), jsonrpc::INVALID_PARAMS, message)
                    .await;
                return;
            }
        };
        let call = CallContext {
            request_id: id.clone(),
            progress_token: params.meta.and_then(|meta| meta.progress_token),
            cancel: self.shared.shutdown.child_token(),
        };
        let tool = match params.name.as_str() {
            tools::CODEX_TOOL => CodexArgs::parse(params.arguments).map(Tool::Codex),
            tools::CODEX_REPLY_TOOL => CodexReply::parse(params.arguments).map(Tool::Reply),
            other => Err(format!("Unknown tool '{other}'")),
        };
        let tool = match tool {
            Ok(tool) => tool,
            Err(text) => {
                self.shared
                    .outgoing
                    .respond(&id, tools::failure(&text))
                    .await;
                return;
            }
        };
        lock_calls(&self.shared).insert(id.clone(), call.cancel.clone());
        let shared = Arc::clone(&self.shared);
        let client = self.client.clone();
        tokio::spawn(async move {
            let result = match tool {
                Tool::Codex(args) => shared.start_thread(args, call, &client).await,
                Tool::Reply(reply) => shared.reply(reply, call).await,
            };
            if let Some(result) = result {
                shared.outgoing.respond(&id, result).await;
            }
            lock_calls(&shared).remove(&id);
        });
    }

    fn cancel(&self, params: Value) {
        let Ok(params) = serde_json::from_value::<CancelledParams>(params) else {
            return;
        };
        if let Some(cancel) = lock_calls(&self.shared).get(&params.request_id) {
            cancel.cancel();
        }
    }

    /// Stdin closed: interrupts every running turn (which kills its processes) and shuts the
    /// sessions down, waiting at most `SHUTDOWN_GRACE`.
    pub async fn shutdown(&self) {
        self.shared.shutdown.cancel();
        let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
        self.shared.threads.join_all(deadline).await;
    }
}

enum Tool {
    Codex(CodexArgs),
    Reply(CodexReply),
}

impl Shared {
    /// `codex`: a new thread with its own config, running its first turn.
    async fn start_thread(
        &self,
        args: CodexArgs,
        call: CallContext,
        client: &ClientInfo,
    ) -> Option<Value> {
        let config = match load_config(args.config_overrides(&self.overrides), self.env.clone()) {
            Ok(config) => config,
            Err(err) => return Some(tools::failure(&err.to_string())),
        };
        for warning in &config.warnings {
            tracing::warn!("{warning}");
        }
        let model_context_window = EffectiveModel::from_config(&config).reported_context_window();
        let options = SessionOptions {
            originator: originator(&self.env),
            client_name: client.name.clone(),
            client_version: client.version.clone(),
            source: "mcp".to_string(),
            thread_source: "user".to_string(),
            turn_trigger: "user".to_string(),
            persistence: Persistence::Rollout,
            history: InitialHistory::New,
            // This crate runs inside the `codex` binary, which is also the sandbox helper.
            linux_sandbox_exe: std::env::current_exe().ok(),
            attestation: None,
        };
        let (codex, configured) = match Codex::spawn(config, options).await {
            Ok(spawned) => spawned,
            Err(err) => return Some(tools::failure(&err.to_string())),
        };
        let thread_id = configured.thread_id;
        let thread = self.threads.spawn(
            codex,
            thread_id.clone(),
            model_context_window,
            Arc::clone(&self.outgoing),
            self.shutdown.clone(),
        );
        let outcome = thread.run_turn(args.prompt, call).await;
        call_result(&thread_id, outcome)
    }

    /// `codex-reply`: the next turn of a thread of this process.
    async fn reply(&self, reply: CodexReply, call: CallContext) -> Option<Value> {
        let Some(thread) = self.threads.get(&reply.thread_id) else {
            let text = format!("Session not found for thread_id: {}", reply.thread_id);
            return Some(tools::failure(&text));
        };
        let outcome = thread.run_turn(reply.prompt, call).await;
        call_result(&reply.thread_id, outcome)
    }
}

/// The `tools/call` result for a turn's outcome; `None` when the call was cancelled.
fn call_result(thread_id: &str, outcome: TurnOutcome) -> Option<Value> {
    match outcome {
        TurnOutcome::Completed { last_agent_message } => Some(tools::success(
            thread_id,
            last_agent_message.as_deref().unwrap_or_default(),
        )),
        TurnOutcome::Failed(text) => Some(tools::turn_failure(thread_id, &text)),
        TurnOutcome::Cancelled => None,
    }
}

fn originator(env: &ConfigEnv) -> String {
    env.non_blank(ORIGINATOR_OVERRIDE_VAR)
        .unwrap_or(ORIGINATOR)
        .to_string()
}

fn lock_calls(shared: &Shared) -> MutexGuard<'_, HashMap<RequestId, CancellationToken>> {
    lock(&shared.calls)
}
