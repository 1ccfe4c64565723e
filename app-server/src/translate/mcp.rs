//! MCP events of a thread as v2 wire values: `mcpToolCall` items (id = the model's call id,
//! `inProgress` → `completed` | `failed`) and `mcpServer/startupStatus/updated` params. Pure
//! functions, so each mapping is tested on its own.

use std::time::Duration;

use codex_app_server_protocol as wire;
use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;

/// Where an MCP tool call is.
#[derive(Debug, Clone, Copy)]
pub(super) enum McpCallState<'a> {
    Running,
    Finished {
        duration: Duration,
        result: &'a Result<McpToolCallResult, String>,
    },
}

pub(super) fn tool_call_item(
    call_id: &str,
    invocation: &McpInvocation,
    state: McpCallState<'_>,
) -> wire::ThreadItemPayload {
    let (status, result, error, duration_ms) = match state {
        McpCallState::Running => (wire::McpToolCallStatus::InProgress, None, None, None),
        McpCallState::Finished { duration, result } => {
            let duration_ms = Some(duration.as_millis() as i64);
            match result {
                // An `isError` result is still the server's answer: kept, but failed.
                Ok(result) => {
                    let status = if result.is_error == Some(true) {
                        wire::McpToolCallStatus::Failed
                    } else {
                        wire::McpToolCallStatus::Completed
                    };
                    let result = wire::McpToolCallResult {
                        content: result.content.clone(),
                        structured_content: result.structured_content.clone(),
                        meta: None,
                    };
                    (status, Some(result), None, duration_ms)
                }
                Err(message) => {
                    let error = wire::McpToolCallError {
                        message: message.clone(),
                    };
                    (
                        wire::McpToolCallStatus::Failed,
                        None,
                        Some(error),
                        duration_ms,
                    )
                }
            }
        }
    };
    wire::ThreadItemPayload::McpToolCall {
        id: call_id.to_string(),
        server: invocation.server.clone(),
        tool: invocation.tool.clone(),
        status,
        arguments: invocation
            .arguments
            .clone()
            .unwrap_or(serde_json::Value::Null),
        plugin_id: None,
        read_only_hint: None,
        app_context: None,
        mcp_app_resource_uri: None,
        mcp_app_ui: None,
        result,
        error,
        duration_ms,
    }
}

pub(super) fn startup_status(
    thread_id: &str,
    server: String,
    status: McpStartupStatus,
) -> wire::McpServerStatusUpdatedNotification {
    let (status, error) = match status {
        McpStartupStatus::Starting => (wire::McpServerStartupState::Starting, None),
        McpStartupStatus::Ready => (wire::McpServerStartupState::Ready, None),
        McpStartupStatus::Failed { error } => (wire::McpServerStartupState::Failed, Some(error)),
        McpStartupStatus::Cancelled => (wire::McpServerStartupState::Cancelled, None),
    };
    wire::McpServerStatusUpdatedNotification {
        thread_id: Some(thread_id.to_string()),
        name: server,
        status,
        error,
        failure_reason: None,
    }
}

#[cfg(test)]
mod tests;
