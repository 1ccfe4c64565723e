//! The method tables: every request, notification and server request we implement, as serde
//! enums tagged by `method` with `params` as content. Decoding an unknown or unimplemented method
//! into [`ClientRequest`] fails with serde's `` unknown variant `x`, expected one of … `` listing
//! exactly these methods in this order, which is the `-32600` message the original sends.

use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

use crate::account::*;
use crate::approvals::*;
use crate::command_exec::*;
use crate::config::*;
use crate::envelope::JSONRPCNotification;
use crate::envelope::JSONRPCRequest;
use crate::envelope::RequestId;
use crate::envelope::decode_method_call;
use crate::initialize::*;
use crate::model::*;
use crate::notifications::*;
use crate::schema::MethodSchema;
use crate::thread_requests::*;
use crate::turn::*;

/// Declares a `method`/`params` tagged enum plus its schema table. Requests also name their
/// result type, which only the schema (and the conformance test) uses.
macro_rules! method_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $table:ident {
            $( $variant:ident => $method:literal ($params:ty) $(-> $result:ty)?, )*
        }
    ) => {
        $(#[$meta])*
        // Messages are built once and written out at once: boxing the large `Thread`-carrying
        // variants would only add noise at every construction site.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "method", content = "params")]
        pub enum $name {
            $( #[serde(rename = $method)] $variant($params), )*
        }

        impl $name {
            /// The wire method name.
            pub fn method(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => $method, )*
                }
            }

            /// Decodes `method` + `params` (absent params stay absent, so a method that needs
            /// them fails with `` missing field `params` ``).
            pub fn from_method_call(
                method: String,
                params: Option<Value>,
            ) -> Result<Self, serde_json::Error> {
                decode_method_call(method, params)
            }
        }

        pub(crate) fn $table() -> Vec<MethodSchema> {
            vec![ $( MethodSchema::new::<$params>($method) $(.with_result::<$result>())?, )* ]
        }
    };
}

method_enum! {
    /// A client → server request (its id travels separately, in [`JSONRPCRequest`]).
    ClientRequest, client_request_schemas {
        Initialize => "initialize" (InitializeParams) -> InitializeResponse,
        ThreadStart => "thread/start" (ThreadStartParams) -> ThreadStartResponse,
        ThreadResume => "thread/resume" (ThreadResumeParams) -> ThreadResumeResponse,
        ThreadFork => "thread/fork" (ThreadForkParams) -> ThreadForkResponse,
        ThreadArchive => "thread/archive" (ThreadArchiveParams) -> ThreadArchiveResponse,
        ThreadSetName => "thread/name/set" (ThreadSetNameParams) -> ThreadSetNameResponse,
        ThreadUnarchive => "thread/unarchive" (ThreadUnarchiveParams) -> ThreadUnarchiveResponse,
        ThreadCompactStart => "thread/compact/start" (ThreadCompactStartParams) -> ThreadCompactStartResponse,
        ThreadList => "thread/list" (ThreadListParams) -> ThreadListResponse,
        ThreadLoadedList => "thread/loaded/list" (ThreadLoadedListParams) -> ThreadLoadedListResponse,
        ThreadRead => "thread/read" (ThreadReadParams) -> ThreadReadResponse,
        TurnStart => "turn/start" (TurnStartParams) -> TurnStartResponse,
        TurnSteer => "turn/steer" (TurnSteerParams) -> TurnSteerResponse,
        TurnInterrupt => "turn/interrupt" (TurnInterruptParams) -> TurnInterruptResponse,
        ModelList => "model/list" (ModelListParams) -> ModelListResponse,
        CommandExec => "command/exec" (CommandExecParams) -> CommandExecResponse,
        CommandExecWrite => "command/exec/write" (CommandExecWriteParams) -> CommandExecWriteResponse,
        CommandExecTerminate => "command/exec/terminate" (CommandExecTerminateParams) -> CommandExecTerminateResponse,
        ConfigRead => "config/read" (ConfigReadParams) -> ConfigReadResponse,
        GetAccount => "account/read" (GetAccountParams) -> GetAccountResponse,
    }
}

method_enum! {
    /// A server → client notification (`emittedAtMs` is added when it is written).
    ServerNotification, server_notification_schemas {
        Error => "error" (ErrorNotification),
        ThreadStarted => "thread/started" (ThreadStartedNotification),
        ThreadStatusChanged => "thread/status/changed" (ThreadStatusChangedNotification),
        ThreadArchived => "thread/archived" (ThreadArchivedNotification),
        ThreadUnarchived => "thread/unarchived" (ThreadUnarchivedNotification),
        ThreadNameUpdated => "thread/name/updated" (ThreadNameUpdatedNotification),
        ThreadTokenUsageUpdated => "thread/tokenUsage/updated" (ThreadTokenUsageUpdatedNotification),
        TurnStarted => "turn/started" (TurnStartedNotification),
        TurnCompleted => "turn/completed" (TurnCompletedNotification),
        TurnDiffUpdated => "turn/diff/updated" (TurnDiffUpdatedNotification),
        TurnPlanUpdated => "turn/plan/updated" (TurnPlanUpdatedNotification),
        ItemStarted => "item/started" (ItemStartedNotification),
        ItemCompleted => "item/completed" (ItemCompletedNotification),
        AgentMessageDelta => "item/agentMessage/delta" (AgentMessageDeltaNotification),
        CommandExecOutputDelta => "command/exec/outputDelta" (CommandExecOutputDeltaNotification),
        CommandExecutionOutputDelta => "item/commandExecution/outputDelta" (CommandExecutionOutputDeltaNotification),
        ServerRequestResolved => "serverRequest/resolved" (ServerRequestResolvedNotification),
        ReasoningSummaryTextDelta => "item/reasoning/summaryTextDelta" (ReasoningSummaryTextDeltaNotification),
        ReasoningSummaryPartAdded => "item/reasoning/summaryPartAdded" (ReasoningSummaryPartAddedNotification),
        McpServerStatusUpdated => "mcpServer/startupStatus/updated" (McpServerStatusUpdatedNotification),
        Warning => "warning" (WarningNotification),
    }
}

method_enum! {
    /// A server → client request; the client answers with the method's response type.
    ServerRequest, server_request_schemas {
        CommandExecutionRequestApproval => "item/commandExecution/requestApproval" (CommandExecutionRequestApprovalParams) -> CommandExecutionRequestApprovalResponse,
        FileChangeRequestApproval => "item/fileChange/requestApproval" (FileChangeRequestApprovalParams) -> FileChangeRequestApprovalResponse,
        AttestationGenerate => "attestation/generate" (AttestationGenerateParams) -> AttestationGenerateResponse,
    }
}

impl ClientRequest {
    /// The request as sent by a client, with `id`.
    pub fn to_jsonrpc(&self, id: RequestId) -> Result<JSONRPCRequest, serde_json::Error> {
        to_jsonrpc_request(self, id)
    }
}

impl ServerRequest {
    /// The request as the server writes it: `{"method":M,"id":N,"params":P}`.
    pub fn to_jsonrpc(&self, id: RequestId) -> Result<JSONRPCRequest, serde_json::Error> {
        to_jsonrpc_request(self, id)
    }
}

/// The wire line of a notification: `method`, `params`, then `emittedAtMs`.
#[derive(Serialize)]
struct NotificationLine<'a> {
    #[serde(flatten)]
    notification: &'a ServerNotification,
    #[serde(rename = "emittedAtMs")]
    emitted_at_ms: i64,
}

impl ServerNotification {
    /// Encodes the notification as one compact `\n`-terminated line stamped `emittedAtMs`.
    pub fn to_line(&self, emitted_at_ms: i64) -> Result<String, serde_json::Error> {
        let mut line = serde_json::to_string(&NotificationLine {
            notification: self,
            emitted_at_ms,
        })?;
        line.push('\n');
        Ok(line)
    }
}

/// Client → server notifications. Only `initialized` exists; any other method is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientNotification {
    Initialized,
}

impl ClientNotification {
    /// The wire method name.
    pub fn method(self) -> &'static str {
        match self {
            ClientNotification::Initialized => "initialized",
        }
    }

    /// Recognizes a client notification by method; its params, if any, are ignored.
    pub fn from_method(method: &str) -> Option<Self> {
        (method == "initialized").then_some(ClientNotification::Initialized)
    }

    /// The notification as a client sends it: `{"method":"initialized"}`.
    pub fn to_jsonrpc(self) -> JSONRPCNotification {
        JSONRPCNotification {
            method: self.method().to_string(),
            params: None,
            emitted_at_ms: None,
        }
    }
}

fn to_jsonrpc_request(
    call: &impl Serialize,
    id: RequestId,
) -> Result<JSONRPCRequest, serde_json::Error> {
    #[derive(Deserialize)]
    struct MethodCall {
        method: String,
        params: Value,
    }
    let MethodCall { method, params } = serde_json::from_value(serde_json::to_value(call)?)?;
    Ok(JSONRPCRequest {
        method,
        id,
        params: Some(params),
        trace: None,
    })
}
