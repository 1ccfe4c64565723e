//! Golden tests: each main wire shape, built from our types, encodes to the exact line the
//! original wrote in `shared/spec/samples/` (02 unless noted). Fields outside the original's
//! stable schema (`environments`, `extra`, `attachedToThreadId`, `canAcceptDirectInput`,
//! `daybreakEnabled`, `runtimeWorkspaceRoots`, `activePermissionProfile`, `multiAgentMode`,
//! `availableDecisions`) are MAY and not emitted, so they are removed from those fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use codex_app_server_protocol::*;
use pretty_assertions::assert_eq;

const THREAD_ID: &str = "01a205db-d931-7301-bd0e-a6e90aafdd47";
const TURN_ID: &str = "01a205db-d942-7352-88da-5d95d33485fd";
const COMMAND: &str =
    "/bin/bash -lc 'touch /home/user/project/created-by-model.txt && echo created-file'";
const SCRIPT: &str = "touch /home/user/project/created-by-model.txt && echo created-file";

fn line(text: &str) -> String {
    format!("{text}\n")
}

fn response_line(id: RequestId, result: &impl serde::Serialize) -> String {
    JSONRPCMessage::from(JSONRPCResponse::new(id, result).unwrap())
        .to_line()
        .unwrap()
}

fn request_line(request: &ServerRequest, id: i64) -> String {
    JSONRPCMessage::from(request.to_jsonrpc(RequestId::Integer(id)).unwrap())
        .to_line()
        .unwrap()
}

fn new_thread() -> Thread {
    Thread {
        id: THREAD_ID.to_string(),
        session_id: THREAD_ID.to_string(),
        forked_from_id: None,
        parent_thread_id: None,
        preview: String::new(),
        ephemeral: false,
        section: None,
        section_entered_at: None,
        project_id: None,
        history_mode: ThreadHistoryMode::Paginated,
        model_provider: "mock".to_string(),
        model: Some("gpt-5.1-codex".to_string()),
        reasoning_effort: None,
        created_at: 1795394623,
        updated_at: 1795394623,
        recency_at: Some(1795394623),
        status: ThreadStatus::Idle,
        path: Some(PathBuf::from(
            "<CODEX_HOME>/sessions/2026/11/23/rollout-2026-11-23T00-43-43-01a205db-d931-7301-bd0e-a6e90aafdd47.jsonl",
        )),
        cwd: PathBuf::from("/home/user/project"),
        cli_version: "0.169.0".to_string(),
        originator: Some("codex_desktop".to_string()),
        source: SessionSource::Vscode,
        thread_source: None,
        agent_nickname: None,
        agent_role: None,
        git_info: None,
        name: None,
        turns: Vec::new(),
    }
}

const THREAD_JSON: &str = r#"{"id":"01a205db-d931-7301-bd0e-a6e90aafdd47","sessionId":"01a205db-d931-7301-bd0e-a6e90aafdd47","forkedFromId":null,"parentThreadId":null,"preview":"","ephemeral":false,"section":null,"sectionEnteredAt":null,"projectId":null,"historyMode":"paginated","modelProvider":"mock","model":"gpt-5.1-codex","reasoningEffort":null,"createdAt":1795394623,"updatedAt":1795394623,"recencyAt":1795394623,"status":{"type":"idle"},"path":"<CODEX_HOME>/sessions/2026/11/23/rollout-2026-11-23T00-43-43-01a205db-d931-7301-bd0e-a6e90aafdd47.jsonl","cwd":"/home/user/project","cliVersion":"0.169.0","originator":"codex_desktop","source":"vscode","threadSource":null,"agentNickname":null,"agentRole":null,"gitInfo":null,"name":null,"turns":[]}"#;

#[test]
fn initialize_response() {
    let result = InitializeResponse {
        user_agent: "example-client/0.169.0 (Debian 12.0.0; x86_64) xterm (example-client; 1)"
            .to_string(),
        codex_home: PathBuf::from("<CODEX_HOME>"),
        platform_family: "unix".to_string(),
        platform_os: "linux".to_string(),
    };
    // samples/01: the string id stays a string.
    assert_eq!(
        response_line(RequestId::String("init-1".to_string()), &result),
        line(
            r#"{"id":"init-1","result":{"userAgent":"example-client/0.169.0 (Debian 12.0.0; x86_64) xterm (example-client; 1)","codexHome":"<CODEX_HOME>","platformFamily":"unix","platformOs":"linux"}}"#
        )
    );
}

#[test]
fn error_response_writes_error_before_id() {
    let error = JSONRPCError {
        error: JSONRPCErrorError::invalid_request("Not initialized"),
        id: RequestId::String("pre-1".to_string()),
    };
    // samples/01
    assert_eq!(
        JSONRPCMessage::from(error).to_line().unwrap(),
        line(r#"{"error":{"code":-32600,"message":"Not initialized"},"id":"pre-1"}"#)
    );
}

#[test]
fn turn_start_request_decodes_and_encodes_back() {
    let text = r#"{"method":"turn/start","id":2,"params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","input":[{"type":"text","text":"Create a file please","text_elements":[]}]}}"#;
    let JSONRPCMessage::Request(request) = JSONRPCMessage::from_line(text).unwrap() else {
        panic!("a request");
    };
    assert_eq!(request.id, RequestId::Integer(2));
    let decoded = ClientRequest::from_method_call(request.method, request.params).unwrap();
    let expected = ClientRequest::TurnStart(TurnStartParams {
        thread_id: THREAD_ID.to_string(),
        input: vec![UserInput::Text {
            text: "Create a file please".to_string(),
            text_elements: Vec::new(),
        }],
        cwd: None,
        approval_policy: None,
        approvals_reviewer: None,
        sandbox_policy: None,
        model: None,
        service_tier: None,
        effort: None,
        summary: None,
        personality: None,
        output_schema: None,
        client_user_message_id: None,
        disabled_plugin_ids: None,
        parent_turn_id: None,
        root_turn_id: None,
        service_tier_for_turn: None,
        tool_output: None,
        turn_trigger: None,
    });
    assert_eq!(decoded, expected);
    let encoded = JSONRPCMessage::from(expected.to_jsonrpc(RequestId::Integer(2)).unwrap());
    assert_eq!(encoded.to_line().unwrap(), line(text));
}

#[test]
fn thread_start_response() {
    let result = ThreadStartResponse {
        thread: new_thread(),
        model: "gpt-5.1-codex".to_string(),
        model_provider: "mock".to_string(),
        service_tier: None,
        disabled_plugin_ids: Vec::new(),
        cwd: PathBuf::from("/home/user/project"),
        instruction_sources: Vec::new(),
        approval_policy: AskForApproval::OnRequest,
        approvals_reviewer: ApprovalsReviewer::User,
        sandbox: SandboxPolicy::ReadOnly {
            network_access: false,
        },
        reasoning_effort: None,
    };
    assert_eq!(
        response_line(RequestId::Integer(1), &result),
        line(&format!(
            r#"{{"id":1,"result":{{"thread":{THREAD_JSON},"model":"gpt-5.1-codex","modelProvider":"mock","serviceTier":null,"disabledPluginIds":[],"cwd":"/home/user/project","instructionSources":[],"approvalPolicy":"on-request","approvalsReviewer":"user","sandbox":{{"type":"readOnly","networkAccess":false}},"reasoningEffort":null}}}}"#
        ))
    );
}

#[test]
fn thread_started_notification() {
    let notification = ServerNotification::ThreadStarted(ThreadStartedNotification {
        thread: new_thread(),
    });
    assert_eq!(
        notification.to_line(1795394623809).unwrap(),
        line(&format!(
            r#"{{"method":"thread/started","params":{{"thread":{THREAD_JSON}}},"emittedAtMs":1795394623809}}"#
        ))
    );
}

#[test]
fn item_completed_command_execution() {
    let notification = ServerNotification::ItemCompleted(ItemCompletedNotification {
        item: ThreadItem {
            payload: ThreadItemPayload::CommandExecution {
                id: "call_1".to_string(),
                plugin_id: None,
                script_path: None,
                command: COMMAND.to_string(),
                cwd: PathBuf::from("/home/user/project"),
                process_id: Some("45118".to_string()),
                source: CommandExecutionSource::UnifiedExecStartup,
                status: CommandExecutionStatus::Completed,
                command_actions: vec![CommandAction::Unknown {
                    command: SCRIPT.to_string(),
                }],
                aggregated_output: Some("created-file\n".to_string()),
                exit_code: Some(0),
                duration_ms: Some(0),
            },
            started_at_ms: Some(1795394623920),
            completed_at_ms: Some(1795394624080),
        },
        thread_id: THREAD_ID.to_string(),
        turn_id: TURN_ID.to_string(),
        content_token_count: None,
        completed_at_ms: 1795394624080,
    });
    assert_eq!(
        notification.to_line(1795394624082).unwrap(),
        line(
            r#"{"method":"item/completed","params":{"item":{"type":"commandExecution","id":"call_1","pluginId":null,"scriptPath":null,"command":"/bin/bash -lc 'touch /home/user/project/created-by-model.txt && echo created-file'","cwd":"/home/user/project","processId":"45118","source":"unifiedExecStartup","status":"completed","commandActions":[{"type":"unknown","command":"touch /home/user/project/created-by-model.txt && echo created-file"}],"aggregatedOutput":"created-file\n","exitCode":0,"durationMs":0,"startedAtMs":1795394623920,"completedAtMs":1795394624080},"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turnId":"01a205db-d942-7352-88da-5d95d33485fd","contentTokenCount":null,"completedAtMs":1795394624080},"emittedAtMs":1795394624082}"#
        )
    );
}

#[test]
fn turn_completed_with_the_summary_item() {
    let notification = ServerNotification::TurnCompleted(TurnCompletedNotification {
        thread_id: THREAD_ID.to_string(),
        turn: Turn {
            id: TURN_ID.to_string(),
            root_turn_id: Some(TURN_ID.to_string()),
            items: vec![ThreadItem {
                payload: ThreadItemPayload::AgentMessage {
                    moderation: None,
                    id: "msg_1".to_string(),
                    text: "Done. The command ran.".to_string(),
                    phase: None,
                    memory_citation: None,
                    delivery: None,
                    questions: None,
                },
                started_at_ms: Some(1795394624128),
                completed_at_ms: Some(1795394624128),
            }],
            items_view: TurnItemsView::Summary,
            status: TurnStatus::Completed,
            error: None,
            started_at: Some(1795394623),
            completed_at: Some(1795394624),
            duration_ms: Some(321),
        },
    });
    assert_eq!(
        notification.to_line(1795394624137).unwrap(),
        line(
            r#"{"method":"turn/completed","params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turn":{"id":"01a205db-d942-7352-88da-5d95d33485fd","rootTurnId":"01a205db-d942-7352-88da-5d95d33485fd","items":[{"type":"agentMessage","moderation":null,"id":"msg_1","text":"Done. The command ran.","phase":null,"memoryCitation":null,"delivery":null,"questions":null,"startedAtMs":1795394624128,"completedAtMs":1795394624128}],"itemsView":"summary","status":"completed","error":null,"startedAt":1795394623,"completedAt":1795394624,"durationMs":321}},"emittedAtMs":1795394624137}"#
        )
    );
}

#[test]
fn command_approval_request() {
    let request =
        ServerRequest::CommandExecutionRequestApproval(CommandExecutionRequestApprovalParams {
            kind: CommandExecutionApprovalKind::Command,
            thread_id: THREAD_ID.to_string(),
            turn_id: TURN_ID.to_string(),
            item_id: "call_1".to_string(),
            started_at_ms: 1795394623920,
            approval_id: None,
            environment_id: Some("local".to_string()),
            reason: Some("Allow creating a file in the workspace?".to_string()),
            network_approval_context: None,
            command: Some(COMMAND.to_string()),
            cwd: Some(PathBuf::from("/home/user/project")),
            command_actions: Some(vec![CommandAction::Unknown {
                command: SCRIPT.to_string(),
            }]),
            proposed_execpolicy_amendment: Some(vec![
                "touch".to_string(),
                "/home/user/project/created-by-model.txt".to_string(),
            ]),
            proposed_network_policy_amendments: None,
        });
    assert_eq!(
        request_line(&request, 0),
        line(
            r#"{"method":"item/commandExecution/requestApproval","id":0,"params":{"kind":"command","threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turnId":"01a205db-d942-7352-88da-5d95d33485fd","itemId":"call_1","startedAtMs":1795394623920,"environmentId":"local","reason":"Allow creating a file in the workspace?","command":"/bin/bash -lc 'touch /home/user/project/created-by-model.txt && echo created-file'","cwd":"/home/user/project","commandActions":[{"type":"unknown","command":"touch /home/user/project/created-by-model.txt && echo created-file"}],"proposedExecpolicyAmendment":["touch","/home/user/project/created-by-model.txt"]}}"#
        )
    );
}

#[test]
fn file_change_approval_request_writes_nulls() {
    let request = ServerRequest::FileChangeRequestApproval(FileChangeRequestApprovalParams {
        thread_id: THREAD_ID.to_string(),
        turn_id: TURN_ID.to_string(),
        item_id: "call_2".to_string(),
        started_at_ms: 1795394624105,
        reason: None,
        grant_root: None,
    });
    assert_eq!(
        request_line(&request, 1),
        line(
            r#"{"method":"item/fileChange/requestApproval","id":1,"params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turnId":"01a205db-d942-7352-88da-5d95d33485fd","itemId":"call_2","startedAtMs":1795394624105,"reason":null,"grantRoot":null}}"#
        )
    );
}

#[test]
fn attestation_request_has_empty_params() {
    // samples/03
    let request = ServerRequest::AttestationGenerate(AttestationGenerateParams {});
    assert_eq!(
        request_line(&request, 0),
        line(r#"{"method":"attestation/generate","id":0,"params":{}}"#)
    );
}

#[test]
fn server_request_resolved() {
    let notification =
        ServerNotification::ServerRequestResolved(ServerRequestResolvedNotification {
            thread_id: THREAD_ID.to_string(),
            request_id: RequestId::Integer(0),
        });
    assert_eq!(
        notification.to_line(1795394623923).unwrap(),
        line(
            r#"{"method":"serverRequest/resolved","params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","requestId":0},"emittedAtMs":1795394623923}"#
        )
    );
}

#[test]
fn token_usage_updated() {
    let breakdown = |total| TokenUsageBreakdown {
        total_tokens: total,
        input_tokens: total * 4 / 5,
        cached_input_tokens: 0,
        cache_write_input_tokens: 0,
        output_tokens: total / 5,
        reasoning_output_tokens: total / 15,
    };
    let notification =
        ServerNotification::ThreadTokenUsageUpdated(ThreadTokenUsageUpdatedNotification {
            thread_id: THREAD_ID.to_string(),
            turn_id: TURN_ID.to_string(),
            token_usage: ThreadTokenUsage {
                total: breakdown(300),
                last: breakdown(150),
                model_context_window: Some(258400),
            },
        });
    assert_eq!(
        notification.to_line(1795394624108).unwrap(),
        line(
            r#"{"method":"thread/tokenUsage/updated","params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turnId":"01a205db-d942-7352-88da-5d95d33485fd","tokenUsage":{"total":{"totalTokens":300,"inputTokens":240,"cachedInputTokens":0,"cacheWriteInputTokens":0,"outputTokens":60,"reasoningOutputTokens":20},"last":{"totalTokens":150,"inputTokens":120,"cachedInputTokens":0,"cacheWriteInputTokens":0,"outputTokens":30,"reasoningOutputTokens":10},"modelContextWindow":258400}},"emittedAtMs":1795394624108}"#
        )
    );
}

#[test]
fn status_changed_and_warning() {
    let status = ServerNotification::ThreadStatusChanged(ThreadStatusChangedNotification {
        thread_id: THREAD_ID.to_string(),
        status: ThreadStatus::Active {
            active_flags: vec![ThreadActiveFlag::WaitingOnApproval],
        },
    });
    assert_eq!(
        status.to_line(1795394623920).unwrap(),
        line(
            r#"{"method":"thread/status/changed","params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","status":{"type":"active","activeFlags":["waitingOnApproval"]}},"emittedAtMs":1795394623920}"#
        )
    );
    let warning = ServerNotification::Warning(WarningNotification {
        thread_id: Some(THREAD_ID.to_string()),
        message: "Model metadata for `gpt-5.1-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.".to_string(),
    });
    assert_eq!(
        warning.to_line(1795394623813).unwrap(),
        line(
            r#"{"method":"warning","params":{"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","message":"Model metadata for `gpt-5.1-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."},"emittedAtMs":1795394623813}"#
        )
    );
}

#[test]
fn command_exec_output_delta_and_account_read() {
    // app-server.md §11 and §7 (the original's `account/read` without a login).
    let delta = ServerNotification::CommandExecOutputDelta(CommandExecOutputDeltaNotification {
        process_id: "p1".to_string(),
        stream: CommandExecOutputStream::Stdout,
        delta_base64: "b3V0Cg==".to_string(),
        cap_reached: false,
    });
    assert_eq!(
        delta.to_line(7).unwrap(),
        line(
            r#"{"method":"command/exec/outputDelta","params":{"processId":"p1","stream":"stdout","deltaBase64":"b3V0Cg==","capReached":false},"emittedAtMs":7}"#
        )
    );
    let account = GetAccountResponse {
        account: None,
        user_id: None,
        requires_openai_auth: false,
    };
    assert_eq!(
        response_line(RequestId::Integer(3), &account),
        line(r#"{"id":3,"result":{"account":null,"userId":null,"requiresOpenaiAuth":false}}"#)
    );
}

#[test]
fn mcp_server_startup_status_updated() {
    // samples/03, the first start-up update of the original's built-in apps server.
    let notification =
        ServerNotification::McpServerStatusUpdated(McpServerStatusUpdatedNotification {
            thread_id: Some("01a205ce-111b-78c2-85d7-c6b838c301a9".to_string()),
            name: "codex_apps".to_string(),
            status: McpServerStartupState::Starting,
            error: None,
            failure_reason: None,
        });
    assert_eq!(
        notification.to_line(1795393720660).unwrap(),
        line(
            r#"{"method":"mcpServer/startupStatus/updated","params":{"threadId":"01a205ce-111b-78c2-85d7-c6b838c301a9","name":"codex_apps","status":"starting","error":null,"failureReason":null},"emittedAtMs":1795393720660}"#
        )
    );
}

#[test]
fn item_completed_mcp_tool_call() {
    let notification = ServerNotification::ItemCompleted(ItemCompletedNotification {
        item: ThreadItem {
            payload: ThreadItemPayload::McpToolCall {
                id: "call_1".to_string(),
                server: "docs".to_string(),
                tool: "echo".to_string(),
                status: McpToolCallStatus::Completed,
                arguments: serde_json::json!({"message": "hi"}),
                plugin_id: None,
                read_only_hint: None,
                app_context: None,
                mcp_app_resource_uri: None,
                mcp_app_ui: None,
                result: Some(McpToolCallResult {
                    content: vec![serde_json::json!({"type": "text", "text": "Echo: hi"})],
                    structured_content: None,
                    meta: None,
                }),
                error: None,
                duration_ms: Some(12),
            },
            started_at_ms: Some(1795394623920),
            completed_at_ms: Some(1795394623932),
        },
        thread_id: THREAD_ID.to_string(),
        turn_id: TURN_ID.to_string(),
        content_token_count: None,
        completed_at_ms: 1795394623932,
    });
    assert_eq!(
        notification.to_line(1795394623933).unwrap(),
        line(
            r#"{"method":"item/completed","params":{"item":{"type":"mcpToolCall","id":"call_1","server":"docs","tool":"echo","status":"completed","arguments":{"message":"hi"},"pluginId":null,"readOnlyHint":null,"appContext":null,"mcpAppResourceUri":null,"mcpAppUi":null,"result":{"content":[{"type":"text","text":"Echo: hi"}],"structuredContent":null,"_meta":null},"error":null,"durationMs":12,"startedAtMs":1795394623920,"completedAtMs":1795394623932},"threadId":"01a205db-d931-7301-bd0e-a6e90aafdd47","turnId":"01a205db-d942-7352-88da-5d95d33485fd","contentTokenCount":null,"completedAtMs":1795394623932},"emittedAtMs":1795394623933}"#
        )
    );
}
