//! Decoding client lines and serving requests: the handshake rules, the method handlers, and
//! routing of the client's replies to our server requests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use codex_app_server_protocol as wire;
use codex_app_server_protocol::ClientRequest;
use codex_app_server_protocol::JSONRPCMessage;
use codex_app_server_protocol::JSONRPCRequest;
use codex_app_server_protocol::RequestId;
use codex_app_server_protocol::ServerNotification as N;
use codex_core::Codex;
use codex_core::InitialHistory;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::attestation::AttestationProvider;
use codex_core::config::Config;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::ReasoningEffort;
use codex_core::config::ReasoningSummaryMode;
use codex_core::config::load_config;
use codex_core::config::toml_literal;
use codex_core::ids;
use codex_core::model_catalog;
use codex_core::protocol::Op;
use codex_core::protocol::TokenUsage;
use codex_core::protocol::TurnOverrides;
use codex_core::rollout;
use codex_core::rollout::threads;
use codex_core::sandbox::SandboxMode;
use serde_json::Value;

use crate::AppServerOptions;
use crate::attestation::ClientAttestation;
use crate::command_exec::CommandExecManager;
use crate::outgoing::ClientReply;
use crate::outgoing::Outgoing;
use crate::thread::ActiveTurn;
use crate::thread::ThreadHandle;
use crate::thread::ThreadInfo;
use crate::thread::TurnKind;
use crate::thread::core_approval;
use crate::thread::core_input;
use crate::thread::core_sandbox_policy;
use crate::thread::in_progress_turn;
use crate::thread::spawn_thread;
use crate::thread::wire_approval;
use crate::thread::wire_recorded_turn;
use crate::thread::wire_sandbox_policy;
use crate::translate::token_usage;

const INVALID_REQUEST: i64 = wire::INVALID_REQUEST_ERROR_CODE;
const INTERNAL_ERROR: i64 = wire::INTERNAL_ERROR_CODE;
const DEFAULT_PAGE: usize = 25;

/// A failed request: the JSON-RPC error to answer with.
pub struct RequestError {
    code: i64,
    message: String,
}

impl RequestError {
    pub fn invalid(message: impl Into<String>) -> Self {
        RequestError {
            code: INVALID_REQUEST,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        RequestError {
            code: INTERNAL_ERROR,
            message: message.into(),
        }
    }
}

type Handled = Result<(), RequestError>;

/// Checks the configuration the server starts with (exit before answering anything).
pub fn check_config(overrides: &[String], env: &ConfigEnv) -> Result<Config, String> {
    load_config(
        ConfigOverrides {
            config_overrides: overrides.to_vec(),
            ..ConfigOverrides::default()
        },
        env.clone(),
    )
    .map_err(|err| err.to_string())
}

pub struct MessageProcessor {
    outgoing: Arc<Outgoing>,
    options: AppServerOptions,
    env: ConfigEnv,
    client: Option<wire::ClientInfo>,
    /// `capabilities.requestAttestation` of `initialize`: fixed for the connection.
    attestation: Option<Arc<dyn AttestationProvider>>,
    threads: BTreeMap<String, ThreadHandle>,
    command_exec: CommandExecManager,
}

/// A `thread/start`, `thread/resume` or `thread/fork` response: the thread and the settings
/// it runs with, plus any fields of that response alone.
macro_rules! thread_response {
    ($ty:path, $thread:expr, $config:expr $(, $field:ident: $value:expr)* $(,)?) => {{
        let thread: &wire::Thread = $thread;
        let config: &Config = $config;
        $ty {
            thread: thread.clone(),
            model: config.model.clone(),
            model_provider: config.model_provider_id.clone(),
            service_tier: None,
            disabled_plugin_ids: Vec::new(),
            cwd: config.cwd.clone(),
            instruction_sources: Vec::new(),
            approval_policy: wire_approval(config.approval_policy),
            approvals_reviewer: wire::ApprovalsReviewer::User,
            sandbox: wire_sandbox_policy(&config.sandbox_policy),
            reasoning_effort: thread.reasoning_effort.clone(),
            $($field: $value,)*
        }
    }};
}

/// The overrides of a `thread/start`, `thread/resume` or `thread/fork` params value.
macro_rules! config_params {
    ($params:expr, $cwd:expr) => {
        ThreadConfigParams {
            cwd: $cwd,
            model: $params.model,
            model_provider: $params.model_provider,
            approval_policy: $params.approval_policy,
            sandbox: $params.sandbox,
            config: $params.config,
            base_instructions: $params.base_instructions,
            developer_instructions: $params.developer_instructions,
        }
    };
}

/// Thread settings a `thread/start`, `thread/resume` or `thread/fork` may override.
struct ThreadConfigParams {
    cwd: Option<PathBuf>,
    model: Option<String>,
    model_provider: Option<String>,
    approval_policy: Option<wire::AskForApproval>,
    sandbox: Option<wire::SandboxMode>,
    config: Option<serde_json::Map<String, Value>>,
    base_instructions: Option<String>,
    developer_instructions: Option<String>,
}

impl MessageProcessor {
    pub fn new(outgoing: Arc<Outgoing>, options: AppServerOptions, env: ConfigEnv) -> Self {
        MessageProcessor {
            command_exec: CommandExecManager::new(Arc::clone(&outgoing)),
            outgoing,
            options,
            env,
            client: None,
            attestation: None,
            threads: BTreeMap::new(),
        }
    }

    pub async fn process_line(&mut self, line: &str) {
        let message = match JSONRPCMessage::from_line(line) {
            Ok(message) => message,
            Err(err) => {
                tracing::error!("Failed to deserialize JSONRPCMessage: {err}");
                return;
            }
        };
        match message {
            JSONRPCMessage::Request(request) => self.handle_request(request).await,
            // `initialized` needs no action (requests are served as soon as `initialize` was
            // answered); any other client notification is ignored.
            JSONRPCMessage::Notification(_) => {}
            JSONRPCMessage::Response(response) => {
                self.route_reply(&response.id, ClientReply::Result(response.result));
            }
            JSONRPCMessage::Error(error) => {
                let reply = serde_json::to_value(&error.error).unwrap_or(Value::Null);
                self.route_reply(&error.id, ClientReply::Error(reply));
            }
        }
    }

    fn route_reply(&self, id: &RequestId, reply: ClientReply) {
        let resolved = match id {
            RequestId::Integer(id) => self.outgoing.resolve(*id, reply),
            RequestId::String(_) => false,
        };
        if !resolved {
            let shown = match id {
                RequestId::Integer(id) => format!("Integer({id})"),
                RequestId::String(id) => format!("String({id:?})"),
            };
            tracing::warn!("could not find callback for {shown}");
        }
    }

    async fn handle_request(&mut self, request: JSONRPCRequest) {
        let id = request.id.clone();
        let decoded = ClientRequest::from_method_call(request.method, request.params);
        let result = match decoded {
            Err(err) => Err(RequestError::invalid(format!("Invalid request: {err}"))),
            Ok(ClientRequest::Initialize(params)) => self.initialize(&id, params).await,
            Ok(_) if self.client.is_none() => Err(RequestError::invalid("Not initialized")),
            Ok(request) => self.dispatch(&id, request).await,
        };
        if let Err(err) = result {
            self.outgoing.error(&id, err.code, err.message).await;
        }
    }

    async fn dispatch(&mut self, id: &RequestId, request: ClientRequest) -> Handled {
        match request {
            ClientRequest::Initialize(_) => Err(RequestError::invalid("Already initialized")),
            ClientRequest::ThreadStart(params) => self.thread_start(id, params).await,
            ClientRequest::ThreadResume(params) => self.thread_resume(id, params).await,
            ClientRequest::ThreadFork(params) => self.thread_fork(id, params).await,
            ClientRequest::ThreadArchive(params) => self.thread_archive(id, params).await,
            ClientRequest::ThreadSetName(params) => self.thread_set_name(id, params).await,
            ClientRequest::ThreadUnarchive(params) => self.thread_unarchive(id, params).await,
            ClientRequest::ThreadCompactStart(params) => self.thread_compact(id, params).await,
            ClientRequest::ThreadList(params) => self.thread_list(id, params).await,
            ClientRequest::ThreadLoadedList(params) => self.thread_loaded_list(id, params).await,
            ClientRequest::ThreadRead(params) => self.thread_read(id, params).await,
            ClientRequest::TurnStart(params) => self.turn_start(id, params).await,
            ClientRequest::TurnSteer(params) => self.turn_steer(id, params).await,
            ClientRequest::TurnInterrupt(params) => self.turn_interrupt(id, params).await,
            ClientRequest::ModelList(params) => self.model_list(id, params).await,
            ClientRequest::CommandExec(params) => {
                let config = check_config(&self.options.config_overrides, &self.env)
                    .map_err(RequestError::internal)?;
                self.command_exec.exec(id.clone(), params, &config).await
            }
            ClientRequest::CommandExecWrite(params) => {
                let write = self
                    .command_exec
                    .prepare_write(params)
                    .map_err(RequestError::invalid)?;
                self.outgoing
                    .respond(id, &wire::CommandExecWriteResponse {})
                    .await;
                write.send();
                Ok(())
            }
            ClientRequest::CommandExecTerminate(params) => {
                self.command_exec
                    .terminate(&params.process_id)
                    .map_err(RequestError::invalid)?;
                self.outgoing
                    .respond(id, &wire::CommandExecTerminateResponse {})
                    .await;
                Ok(())
            }
            ClientRequest::ConfigRead(params) => self.config_read(id, params).await,
            ClientRequest::GetAccount(_) => self.account_read(id).await,
        }
    }

    fn client(&self) -> wire::ClientInfo {
        self.client.clone().unwrap_or(wire::ClientInfo {
            name: "unknown".to_string(),
            title: None,
            version: "0".to_string(),
        })
    }

    async fn initialize(&mut self, id: &RequestId, params: wire::InitializeParams) -> Handled {
        if self.client.is_some() {
            return Err(RequestError::invalid("Already initialized"));
        }
        let config = check_config(&self.options.config_overrides, &self.env)
            .map_err(RequestError::internal)?;
        let client = params.client_info;
        let request_attestation = params
            .capabilities
            .as_ref()
            .is_some_and(|capabilities| capabilities.request_attestation);
        if request_attestation {
            let provider = ClientAttestation::new(Arc::clone(&self.outgoing));
            self.attestation = Some(Arc::new(provider));
        }
        let user_agent = codex_core::session::user_agent_string(
            &client.name,
            &client.name,
            &client.version,
            &self.env,
        );
        self.client = Some(client);
        let response = wire::InitializeResponse {
            user_agent,
            codex_home: config.codex_home,
            platform_family: if cfg!(windows) { "windows" } else { "unix" }.to_string(),
            platform_os: std::env::consts::OS.replace("darwin", "macos"),
        };
        self.outgoing.respond(id, &response).await;
        Ok(())
    }

    fn load_thread_config(&self, params: &ThreadConfigParams) -> Result<Config, RequestError> {
        let mut overrides = self.options.config_overrides.clone();
        if let Some(map) = &params.config {
            for (key, value) in map {
                overrides.push(format!("{key}={}", toml_literal(value)));
            }
        }
        if let Some(provider) = &params.model_provider {
            overrides.push(format!(
                "model_provider={}",
                toml_literal(&Value::String(provider.clone()))
            ));
        }
        load_config(
            ConfigOverrides {
                model: params.model.clone(),
                cwd: params.cwd.clone(),
                sandbox_mode: params.sandbox.map(|mode| match mode {
                    wire::SandboxMode::ReadOnly => SandboxMode::ReadOnly,
                    wire::SandboxMode::WorkspaceWrite => SandboxMode::WorkspaceWrite,
                    wire::SandboxMode::DangerFullAccess => SandboxMode::DangerFullAccess,
                }),
                approval_policy: params.approval_policy.map(core_approval),
                config_overrides: overrides,
                base_instructions: params.base_instructions.clone(),
                developer_instructions: params.developer_instructions.clone(),
                ..ConfigOverrides::default()
            },
            self.env.clone(),
        )
        .map_err(|err| RequestError::invalid(err.to_string()))
    }

    fn session_options(&self, persistence: Persistence, history: InitialHistory) -> SessionOptions {
        let client = self.client();
        SessionOptions {
            originator: self
                .env
                .non_blank("CODEX_INTERNAL_ORIGINATOR_OVERRIDE")
                .unwrap_or(&client.name)
                .to_string(),
            client_name: client.name.clone(),
            client_version: client.version,
            source: "vscode".to_string(),
            thread_source: "user".to_string(),
            turn_trigger: "user".to_string(),
            persistence,
            history,
            linux_sandbox_exe: std::env::current_exe().ok(),
            attestation: self.attestation.clone(),
        }
    }

    /// Starts a core session and its thread task; returns the handle and the config.
    async fn load_thread(
        &mut self,
        config: Config,
        persistence: Persistence,
        history: InitialHistory,
        summary: Option<&threads::ThreadSummary>,
    ) -> Result<ThreadHandle, RequestError> {
        let options = self.session_options(persistence, history);
        let originator = options.originator.clone();
        let (codex, configured) = Codex::spawn(config.clone(), options)
            .await
            .map_err(|err| RequestError::internal(err.to_string()))?;
        let now = chrono::Utc::now().timestamp();
        let mut info = match summary {
            Some(summary) => ThreadInfo::from_summary(summary),
            None => ThreadInfo {
                id: configured.thread_id.clone(),
                path: None,
                cwd: config.cwd.clone(),
                created_at: now,
                updated_at: now,
                preview: String::new(),
                model: String::new(),
                model_provider: String::new(),
                reasoning_effort: None,
                ephemeral: false,
                source: wire::SessionSource::Vscode,
                originator: Some(originator),
                cli_version: env!("CARGO_PKG_VERSION").to_string(),
                name: None,
                forked_from_id: None,
            },
        };
        info.id = configured.thread_id.clone();
        info.path = configured.rollout_path.clone();
        info.ephemeral = persistence == Persistence::Ephemeral;
        info.cwd = config.cwd.clone();
        info.model = config.model.clone();
        info.model_provider = config.model_provider_id.clone();
        info.reasoning_effort = model_catalog::EffectiveModel::from_config(&config)
            .reasoning_effort
            .map(|effort| effort.as_str().to_string());
        let handle = spawn_thread(codex, info, Arc::clone(&self.outgoing));
        self.threads.insert(configured.thread_id, handle.clone());
        Ok(handle)
    }

    fn thread(&self, thread_id: &str) -> Result<ThreadHandle, RequestError> {
        self.threads
            .get(thread_id)
            .cloned()
            .ok_or_else(|| RequestError::invalid(format!("thread not found: {thread_id}")))
    }

    fn codex_home(&self) -> Result<PathBuf, RequestError> {
        codex_core::config::find_codex_home(&self.env)
            .map_err(|err| RequestError::internal(err.to_string()))
    }

    async fn thread_start(&mut self, id: &RequestId, params: wire::ThreadStartParams) -> Handled {
        let config = self.load_thread_config(&config_params!(params, params.cwd))?;
        let persistence = if params.ephemeral.unwrap_or(false) {
            Persistence::Ephemeral
        } else {
            Persistence::Rollout
        };
        let handle = self
            .load_thread(config.clone(), persistence, InitialHistory::New, None)
            .await?;
        let thread = handle.to_wire(Vec::new());
        let response = thread_response!(wire::ThreadStartResponse, &thread, &config);
        self.outgoing.respond(id, &response).await;
        self.outgoing
            .notify(N::ThreadStarted(wire::ThreadStartedNotification { thread }))
            .await;
        handle.announced();
        Ok(())
    }

    /// Reads a persisted thread for resume or fork.
    fn read_persisted(
        &self,
        thread_id: &str,
    ) -> Result<(rollout::ResumedThread, Option<threads::ThreadSummary>), RequestError> {
        let not_found =
            || RequestError::invalid(format!("no rollout found for thread id {thread_id}"));
        let codex_home = self.codex_home()?;
        let path = rollout::find_rollout_by_id(&codex_home, thread_id).map_err(|_| not_found())?;
        let resumed = rollout::read_rollout(&path).map_err(|_| not_found())?;
        Ok((resumed, threads::read_summary(&path)))
    }

    async fn thread_resume(&mut self, id: &RequestId, params: wire::ThreadResumeParams) -> Handled {
        let loaded = self.threads.get(&params.thread_id).cloned();
        let (handle, config, usage) = match loaded {
            Some(handle) => {
                let config = self.load_thread_config(&ThreadConfigParams {
                    cwd: Some(handle.state().info.cwd.clone()),
                    model: None,
                    model_provider: None,
                    approval_policy: None,
                    sandbox: None,
                    config: None,
                    base_instructions: None,
                    developer_instructions: None,
                })?;
                (handle, config, None)
            }
            None => {
                let (resumed, summary) = self.read_persisted(&params.thread_id)?;
                let config = self.load_thread_config(&config_params!(
                    params,
                    params.cwd.or_else(|| Some(resumed.cwd.clone()))
                ))?;
                let usage = resumed.total_usage;
                let handle = self
                    .load_thread(
                        config.clone(),
                        Persistence::Rollout,
                        InitialHistory::Resumed(resumed),
                        summary.as_ref(),
                    )
                    .await?;
                (handle, config, Some(usage))
            }
        };
        let turns = if params.exclude_turns {
            Vec::new()
        } else {
            recorded_turns(&handle)
        };
        let thread = handle.to_wire(turns);
        let response = thread_response!(
            wire::ThreadResumeResponse,
            &thread,
            &config,
            turns_backwards_cursor: None,
            items_backwards_cursor: None,
        );
        self.outgoing.respond(id, &response).await;
        if let Some(usage) = usage {
            self.replay_usage(&thread, &usage, &config).await;
        }
        handle.announced();
        Ok(())
    }

    async fn replay_usage(&self, thread: &wire::Thread, usage: &TokenUsage, config: &Config) {
        if *usage == TokenUsage::default() {
            return;
        }
        let window = model_catalog::EffectiveModel::from_config(config).reported_context_window();
        let turn_id = thread
            .turns
            .last()
            .map(|turn| turn.id.clone())
            .unwrap_or_default();
        self.outgoing
            .notify(N::ThreadTokenUsageUpdated(
                wire::ThreadTokenUsageUpdatedNotification {
                    thread_id: thread.id.clone(),
                    turn_id,
                    token_usage: token_usage(usage, &TokenUsage::default(), Some(window)),
                },
            ))
            .await;
    }

    async fn thread_fork(&mut self, id: &RequestId, params: wire::ThreadForkParams) -> Handled {
        let (source, summary) = self.read_persisted(&params.thread_id)?;
        let config = self.load_thread_config(&config_params!(
            params,
            params.cwd.or_else(|| Some(source.cwd.clone()))
        ))?;
        let usage = source.total_usage;
        let source_path = source.path.clone();
        let persistence = if params.ephemeral {
            Persistence::Ephemeral
        } else {
            Persistence::Rollout
        };
        let handle = self
            .load_thread(
                config.clone(),
                persistence,
                InitialHistory::Forked(source),
                summary.as_ref(),
            )
            .await?;
        {
            let mut state = handle.state();
            state.info.forked_from_id = Some(params.thread_id.clone());
            state.info.name = None;
        }
        let turns = if params.exclude_turns {
            Vec::new()
        } else {
            threads::read_turns(&source_path)
                .map(|turns| turns.iter().map(wire_recorded_turn).collect())
                .unwrap_or_default()
        };
        let thread = handle.to_wire(turns);
        let response = thread_response!(wire::ThreadForkResponse, &thread, &config);
        self.outgoing.respond(id, &response).await;
        self.replay_usage(&thread, &usage, &config).await;
        self.outgoing
            .notify(N::ThreadStarted(wire::ThreadStartedNotification { thread }))
            .await;
        handle.announced();
        Ok(())
    }

    async fn thread_archive(
        &mut self,
        id: &RequestId,
        params: wire::ThreadArchiveParams,
    ) -> Handled {
        let codex_home = self.codex_home()?;
        let thread_id = params.thread_id;
        rollout::find_rollout_by_id(&codex_home, &thread_id).map_err(|_| {
            RequestError::invalid(format!("no rollout found for thread id {thread_id}"))
        })?;
        if let Some(handle) = self.threads.remove(&thread_id) {
            handle.submit(Op::Shutdown);
            self.outgoing
                .notify(N::ThreadStatusChanged(
                    wire::ThreadStatusChangedNotification {
                        thread_id: thread_id.clone(),
                        status: wire::ThreadStatus::NotLoaded,
                    },
                ))
                .await;
        }
        threads::archive_thread(&codex_home, &thread_id)
            .map_err(|err| RequestError::internal(err.to_string()))?;
        self.outgoing
            .respond(id, &wire::ThreadArchiveResponse {})
            .await;
        self.outgoing
            .notify(N::ThreadArchived(wire::ThreadArchivedNotification {
                thread_id,
            }))
            .await;
        Ok(())
    }

    async fn thread_unarchive(
        &mut self,
        id: &RequestId,
        params: wire::ThreadUnarchiveParams,
    ) -> Handled {
        let codex_home = self.codex_home()?;
        let thread_id = params.thread_id;
        let path = threads::unarchive_thread(&codex_home, &thread_id).map_err(|_| {
            RequestError::invalid(format!(
                "no archived rollout found for thread id {thread_id}"
            ))
        })?;
        let summary = threads::read_summary(&path)
            .ok_or_else(|| RequestError::internal(format!("{} is not readable", path.display())))?;
        let thread =
            ThreadInfo::from_summary(&summary).to_wire(wire::ThreadStatus::NotLoaded, Vec::new());
        self.outgoing
            .respond(id, &wire::ThreadUnarchiveResponse { thread })
            .await;
        self.outgoing
            .notify(N::ThreadUnarchived(wire::ThreadUnarchivedNotification {
                thread_id,
            }))
            .await;
        Ok(())
    }

    async fn thread_set_name(
        &mut self,
        id: &RequestId,
        params: wire::ThreadSetNameParams,
    ) -> Handled {
        let thread_id = params.thread_id;
        let not_found =
            || RequestError::invalid(format!("no rollout found for thread id {thread_id}"));
        let loaded_path = self
            .threads
            .get(&thread_id)
            .and_then(|handle| handle.state().info.path.clone());
        let path = match loaded_path {
            Some(path) => path,
            None => rollout::find_rollout_by_id(&self.codex_home()?, &thread_id)
                .map_err(|_| not_found())?,
        };
        threads::append_thread_name(&path, &params.name).map_err(|_| not_found())?;
        if let Some(handle) = self.threads.get(&thread_id) {
            handle.state().info.name = Some(params.name.clone());
        }
        self.outgoing
            .respond(id, &wire::ThreadSetNameResponse {})
            .await;
        self.outgoing
            .notify(N::ThreadNameUpdated(wire::ThreadNameUpdatedNotification {
                thread_id,
                thread_name: Some(params.name),
            }))
            .await;
        Ok(())
    }

    async fn thread_compact(
        &mut self,
        id: &RequestId,
        params: wire::ThreadCompactStartParams,
    ) -> Handled {
        let handle = self.thread(&params.thread_id)?;
        handle.state().active_turn = Some(ActiveTurn {
            id: String::new(),
            kind: TurnKind::Compact,
        });
        self.outgoing
            .respond(id, &wire::ThreadCompactStartResponse {})
            .await;
        handle.submit(Op::Compact);
        Ok(())
    }

    async fn thread_list(&mut self, id: &RequestId, params: wire::ThreadListParams) -> Handled {
        let codex_home = self.codex_home()?;
        let archived = if params.archived.unwrap_or(false) {
            threads::Archived::Yes
        } else {
            threads::Archived::No
        };
        let sources: Vec<wire::SessionSource> = match &params.source_kinds {
            Some(kinds) if !kinds.is_empty() => kinds
                .iter()
                .map(|kind| match kind {
                    wire::ThreadSourceKind::Cli => wire::SessionSource::Cli,
                    wire::ThreadSourceKind::Vscode => wire::SessionSource::Vscode,
                    wire::ThreadSourceKind::Exec => wire::SessionSource::Exec,
                    wire::ThreadSourceKind::AppServer => wire::SessionSource::AppServer,
                    wire::ThreadSourceKind::SubAgent
                    | wire::ThreadSourceKind::SubAgentReview
                    | wire::ThreadSourceKind::SubAgentCompact
                    | wire::ThreadSourceKind::SubAgentThreadSpawn
                    | wire::ThreadSourceKind::SubAgentOther
                    | wire::ThreadSourceKind::Unknown => wire::SessionSource::Unknown,
                })
                .collect(),
            _ => vec![
                wire::SessionSource::Cli,
                wire::SessionSource::Vscode,
                wire::SessionSource::AppServer,
            ],
        };
        let cwds: Vec<PathBuf> = match &params.cwd {
            Some(wire::ThreadListCwdFilter::One(cwd)) => vec![PathBuf::from(cwd)],
            Some(wire::ThreadListCwdFilter::Many(cwds)) => cwds.iter().map(PathBuf::from).collect(),
            None => Vec::new(),
        };
        let mut found: Vec<threads::ThreadSummary> = threads::list_threads(&codex_home, archived)
            .into_iter()
            .filter(|summary| sources.contains(&crate::thread::session_source(&summary.source)))
            .filter(|summary| match &params.model_providers {
                Some(providers) if !providers.is_empty() => {
                    providers.contains(&summary.model_provider)
                }
                _ => true,
            })
            .filter(|summary| cwds.is_empty() || cwds.contains(&summary.cwd))
            .filter(|summary| match &params.search_term {
                Some(term) => {
                    summary.preview.contains(term.as_str())
                        || summary
                            .name
                            .as_deref()
                            .is_some_and(|name| name.contains(term.as_str()))
                }
                None => true,
            })
            .collect();
        let by_updated = matches!(params.sort_key, Some(wire::ThreadSortKey::UpdatedAt));
        found.sort_by_key(|summary| {
            (
                if by_updated {
                    summary.updated_at
                } else {
                    summary.created_at
                },
                summary.id.clone(),
            )
        });
        if !matches!(params.sort_direction, Some(wire::SortDirection::Asc)) {
            found.reverse();
        }
        let (page, next_cursor) = paginate(found, params.cursor.as_deref(), params.limit)?;
        let data = page
            .iter()
            .map(|summary| {
                let status = self
                    .threads
                    .get(&summary.id)
                    .map(|handle| handle.state().status.clone())
                    .unwrap_or(wire::ThreadStatus::NotLoaded);
                ThreadInfo::from_summary(summary).to_wire(status, Vec::new())
            })
            .collect();
        self.outgoing
            .respond(
                id,
                &wire::ThreadListResponse {
                    data,
                    next_cursor,
                    backwards_cursor: None,
                },
            )
            .await;
        Ok(())
    }

    async fn thread_loaded_list(
        &mut self,
        id: &RequestId,
        params: wire::ThreadLoadedListParams,
    ) -> Handled {
        let ids: Vec<String> = self.threads.keys().cloned().collect();
        let (data, next_cursor) = paginate(ids, params.cursor.as_deref(), params.limit)?;
        self.outgoing
            .respond(id, &wire::ThreadLoadedListResponse { data, next_cursor })
            .await;
        Ok(())
    }

    async fn thread_read(&mut self, id: &RequestId, params: wire::ThreadReadParams) -> Handled {
        let handle = self
            .threads
            .get(&params.thread_id)
            .cloned()
            .ok_or_else(|| {
                RequestError::invalid(format!("thread not loaded: {}", params.thread_id))
            })?;
        let turns = if params.include_turns {
            recorded_turns(&handle)
        } else {
            Vec::new()
        };
        let thread = handle.to_wire(turns);
        self.outgoing
            .respond(id, &wire::ThreadReadResponse { thread })
            .await;
        Ok(())
    }

    async fn turn_start(&mut self, id: &RequestId, params: wire::TurnStartParams) -> Handled {
        let handle = self.thread(&params.thread_id)?;
        let items = core_input(&params.input);
        let active = handle.state().active_turn.clone();
        if let Some(active) = active {
            // A turn is running: the input joins it, and the answer is the running turn.
            self.outgoing
                .respond(
                    id,
                    &wire::TurnStartResponse {
                        turn: in_progress_turn(&active.id, None),
                    },
                )
                .await;
            handle.submit(Op::Steer { items });
            return Ok(());
        }
        let turn_id = ids::new_v7();
        handle.state().active_turn = Some(ActiveTurn {
            id: turn_id.clone(),
            kind: TurnKind::Regular,
        });
        let model = params
            .model
            .clone()
            .unwrap_or_else(|| handle.state().info.model.clone());
        if !model_catalog::find_model(&model).known {
            self.outgoing
                .notify(N::Warning(wire::WarningNotification {
                    thread_id: Some(params.thread_id.clone()),
                    message: model_catalog::unknown_model_warning(&model),
                }))
                .await;
        }
        let overrides = TurnOverrides {
            cwd: params.cwd,
            approval_policy: params.approval_policy.map(core_approval),
            sandbox_policy: params.sandbox_policy.as_ref().map(core_sandbox_policy),
            model: params.model,
            effort: params.effort.and_then(|effort| {
                serde_json::from_value::<ReasoningEffort>(Value::String(effort.0)).ok()
            }),
            summary: params.summary.map(|summary| match summary {
                wire::ReasoningSummary::Auto => ReasoningSummaryMode::Auto,
                wire::ReasoningSummary::Concise => ReasoningSummaryMode::Concise,
                wire::ReasoningSummary::Detailed => ReasoningSummaryMode::Detailed,
                wire::ReasoningSummary::None => ReasoningSummaryMode::None,
            }),
            output_schema: params.output_schema,
            turn_id: Some(turn_id.clone()),
        };
        self.outgoing
            .respond(
                id,
                &wire::TurnStartResponse {
                    turn: in_progress_turn(&turn_id, None),
                },
            )
            .await;
        handle.submit(Op::UserTurn { items, overrides });
        Ok(())
    }

    async fn turn_steer(&mut self, id: &RequestId, params: wire::TurnSteerParams) -> Handled {
        let handle = self.thread(&params.thread_id)?;
        let active = handle.state().active_turn.clone();
        match active {
            Some(active)
                if active.id == params.expected_turn_id && active.kind == TurnKind::Regular =>
            {
                self.outgoing
                    .respond(id, &wire::TurnSteerResponse { turn_id: active.id })
                    .await;
                handle.submit(Op::Steer {
                    items: core_input(&params.input),
                });
                Ok(())
            }
            Some(active) => Err(RequestError::invalid(format!(
                "expected active turn id `{}` but found `{}`",
                params.expected_turn_id, active.id
            ))),
            None => Err(RequestError::invalid(format!(
                "expected active turn id `{}` but found no active turn",
                params.expected_turn_id
            ))),
        }
    }

    async fn turn_interrupt(
        &mut self,
        id: &RequestId,
        params: wire::TurnInterruptParams,
    ) -> Handled {
        let handle = self.thread(&params.thread_id)?;
        if handle.state().active_turn.is_none() {
            return Err(RequestError::invalid("no active turn to interrupt"));
        }
        self.outgoing
            .respond(id, &wire::TurnInterruptResponse {})
            .await;
        handle.submit(Op::Interrupt);
        Ok(())
    }

    async fn model_list(&mut self, id: &RequestId, params: wire::ModelListParams) -> Handled {
        let models: Vec<wire::Model> = model_catalog::PRESETS
            .iter()
            .enumerate()
            .map(|(index, slug)| model_entry(slug, index == 0))
            .collect();
        let (data, next_cursor) = paginate(models, params.cursor.as_deref(), params.limit)?;
        self.outgoing
            .respond(id, &wire::ModelListResponse { data, next_cursor })
            .await;
        Ok(())
    }

    async fn config_read(&mut self, id: &RequestId, params: wire::ConfigReadParams) -> Handled {
        let config = load_config(
            ConfigOverrides {
                cwd: params.cwd,
                config_overrides: self.options.config_overrides.clone(),
                ..ConfigOverrides::default()
            },
            self.env.clone(),
        )
        .map_err(|err| RequestError::invalid(err.to_string()))?;
        let response = wire::ConfigReadResponse {
            config: wire_config(&config),
            origins: BTreeMap::new(),
            layers: params.include_layers.then(Vec::new),
        };
        self.outgoing.respond(id, &response).await;
        Ok(())
    }

    async fn account_read(&mut self, id: &RequestId) -> Handled {
        let config = check_config(&self.options.config_overrides, &self.env)
            .map_err(RequestError::internal)?;
        let requires_openai_auth = config.model_provider.requires_openai_auth;
        let chatgpt = codex_core::auth::chatgpt::load_chatgpt_auth(&config.codex_home)
            .ok()
            .flatten();
        let account = match (chatgpt, codex_core::auth::login_status(&config.codex_home)) {
            (Some(login), _) => Some(wire::Account::Chatgpt {
                email: login.claims.email,
                // The plan names are the wire's snake_case values; unknown plans read as free.
                plan_type: login
                    .claims
                    .plan_type
                    .and_then(|plan| serde_json::from_value(Value::String(plan)).ok())
                    .unwrap_or(wire::PlanType::Free),
                workspace_name: None,
            }),
            (None, Ok(codex_core::auth::LoginStatus::ApiKey(_))) if requires_openai_auth => {
                Some(wire::Account::ApiKey)
            }
            (None, Ok(_) | Err(_)) => None,
        };
        self.outgoing
            .respond(
                id,
                &wire::GetAccountResponse {
                    account,
                    user_id: None,
                    requires_openai_auth,
                },
            )
            .await;
        Ok(())
    }

    /// Stdin closed: interrupt every running turn, kill children, flush, stop the sessions.
    pub async fn shutdown(&mut self) {
        self.command_exec.kill_all();
        for handle in self.threads.values() {
            if handle.state().active_turn.is_some() {
                handle.submit(Op::Interrupt);
            }
            handle.submit(Op::Shutdown);
        }
        // Give the sessions a moment to record the aborted turns and shut down.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while tokio::time::Instant::now() < deadline
            && self.threads.values().any(ThreadHandle::is_running)
        {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}

fn recorded_turns(handle: &ThreadHandle) -> Vec<wire::Turn> {
    let path = handle.state().info.path.clone();
    path.and_then(|path| threads::read_turns(&path).ok())
        .map(|turns| turns.iter().map(wire_recorded_turn).collect())
        .unwrap_or_default()
}

/// Offset pagination with an opaque decimal cursor.
fn paginate<T>(
    items: Vec<T>,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<(Vec<T>, Option<String>), RequestError> {
    let start: usize = match cursor {
        Some(cursor) => cursor
            .parse()
            .map_err(|_| RequestError::invalid(format!("invalid cursor: {cursor}")))?,
        None => 0,
    };
    let limit = limit
        .map(|limit| limit.max(1) as usize)
        .unwrap_or(DEFAULT_PAGE);
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let end = start + page.len();
    let next = (end < total).then(|| end.to_string());
    Ok((page, next))
}

fn model_entry(slug: &str, is_default: bool) -> wire::Model {
    let info = model_catalog::find_model(slug);
    let effort = info
        .default_reasoning_effort
        .map(|effort| effort.as_str().to_string())
        .unwrap_or_else(|| "medium".to_string());
    let efforts = ["low", "medium", "high", "xhigh"]
        .iter()
        .map(|effort| wire::ReasoningEffortOption {
            reasoning_effort: wire::ReasoningEffort(effort.to_string()),
            description: format!("{effort} reasoning effort"),
        })
        .collect();
    wire::Model {
        id: slug.to_string(),
        model: slug.to_string(),
        upgrade: None,
        upgrade_info: None,
        availability_nux: None,
        display_name: slug.to_string(),
        description: format!("{slug} ({} token context window)", info.context_window),
        hidden: false,
        supported_reasoning_efforts: efforts,
        default_reasoning_effort: wire::ReasoningEffort(effort),
        input_modalities: vec![wire::InputModality::Text, wire::InputModality::Image],
        supports_personality: false,
        additional_speed_tiers: Vec::new(),
        service_tiers: Vec::new(),
        default_service_tier: None,
        available_access_programs: None,
        model_specialty: None,
        multi_agent_version: None,
        is_default,
    }
}

fn wire_config(config: &Config) -> wire::Config {
    wire::Config {
        model: Some(config.model.clone()),
        model_provider: Some(config.model_provider_id.clone()),
        model_context_window: config.model_context_window.map(|window| window as i64),
        model_auto_compact_token_limit: config
            .model_auto_compact_token_limit
            .map(|limit| limit as i64),
        model_reasoning_effort: config
            .model_reasoning_effort
            .map(|effort| wire::ReasoningEffort(effort.as_str().to_string())),
        approval_policy: Some(wire_approval(config.approval_policy)),
        sandbox_mode: Some(match config.sandbox_policy.mode() {
            SandboxMode::ReadOnly => wire::SandboxMode::ReadOnly,
            SandboxMode::WorkspaceWrite => wire::SandboxMode::WorkspaceWrite,
            SandboxMode::DangerFullAccess => wire::SandboxMode::DangerFullAccess,
        }),
        developer_instructions: config.developer_instructions.clone(),
        compact_prompt: config.compact_prompt.clone(),
        ..wire::Config::default()
    }
}
