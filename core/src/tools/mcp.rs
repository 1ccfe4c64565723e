//! Calls of MCP tools (`mcp.md` §2.6): arguments parsed (an empty string is `{}`), approval
//! under `untrusted` (`sandbox-and-approvals.md` §7.3), the call announced, run under the
//! server's tool timeout, and its result fed back to the model in the original's text format.

use std::time::Instant;

use serde_json::Value;

use super::parse_arguments;
use crate::config::AskForApproval;
use crate::mcp::ToolRoute;
use crate::protocol::EventMsg;
use crate::protocol::McpInvocation;
use crate::protocol::McpToolCallResult;
use crate::protocol::ReviewDecision;
use crate::session::Session;
use crate::session::TurnContext;

pub(crate) async fn call(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    route: ToolRoute,
    arguments: &str,
) -> String {
    let arguments: serde_json::Map<String, Value> = if arguments.trim().is_empty() {
        serde_json::Map::new()
    } else {
        match parse_arguments(&route.tool, arguments) {
            Ok(arguments) => arguments,
            Err(message) => return message,
        }
    };
    let invocation = McpInvocation {
        server: route.server.clone(),
        tool: route.tool.clone(),
        arguments: Some(Value::Object(arguments.clone())),
    };
    if let Err(message) = approve(sess, turn, call_id, &invocation, route.read_only).await {
        return message;
    }
    sess.emit(
        &turn.sub_id,
        EventMsg::McpToolCallBegin {
            call_id: call_id.to_string(),
            invocation: invocation.clone(),
        },
    );
    let started = Instant::now();
    let result = sess
        .mcp
        .call_tool(&route, arguments)
        .await
        .map_err(|cause| {
            format!(
                "tool call error: tool call failed for `{}/{}`\n\nCaused by:\n    {cause}",
                route.server, route.tool
            )
        });
    let output = match &result {
        Ok(result) => output_text(result),
        Err(message) => message.clone(),
    };
    sess.emit(
        &turn.sub_id,
        EventMsg::McpToolCallEnd {
            call_id: call_id.to_string(),
            invocation,
            duration: started.elapsed(),
            result,
        },
    );
    output
}

const MCP_REJECTED_BY_USER: &str = "MCP tool call rejected by user";

/// Under `untrusted`, a tool not annotated `readOnlyHint: true` runs only with the user's
/// approval, asked as a command approval that names the tool and its arguments.
async fn approve(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    invocation: &McpInvocation,
    read_only: bool,
) -> Result<(), String> {
    let McpInvocation {
        server,
        tool,
        arguments,
    } = invocation;
    if turn.config.approval_policy != AskForApproval::Untrusted
        || read_only
        || sess.approvals().is_mcp_tool_approved(server, tool)
    {
        return Ok(());
    }
    let request = EventMsg::ExecApprovalRequest {
        call_id: call_id.to_string(),
        command: vec![
            format!("{server}.{tool}"),
            arguments.clone().unwrap_or_default().to_string(),
        ],
        cwd: turn.config.cwd.clone(),
        reason: Some(format!(
            "Allow the `{server}` MCP server to run its tool `{tool}`?"
        )),
        proposed_prefix_rule: None,
    };
    match sess.request_approval(&turn.sub_id, call_id, request).await {
        ReviewDecision::Approved | ReviewDecision::ApprovedExecpolicyAmendment { .. } => Ok(()),
        ReviewDecision::ApprovedForSession => {
            sess.approvals().approve_mcp_tool(server, tool);
            Ok(())
        }
        ReviewDecision::Denied => Err(MCP_REJECTED_BY_USER.to_string()),
        ReviewDecision::Abort => {
            turn.cancel.cancel();
            Err(MCP_REJECTED_BY_USER.to_string())
        }
    }
}

/// `structuredContent` when present, else the `content` array; compact JSON with object keys
/// in lexicographic order.
fn output_text(result: &McpToolCallResult) -> String {
    let value = match &result.structured_content {
        Some(structured) => structured.clone(),
        None => Value::Array(result.content.clone()),
    };
    sorted_keys(value).to_string()
}

fn sorted_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, sorted_keys(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted_keys).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    #[test]
    fn content_is_compact_with_sorted_keys() {
        let result = McpToolCallResult {
            content: vec![json!({"type": "text", "text": "Echo: hi"})],
            structured_content: None,
            is_error: Some(true),
        };
        assert_eq!(
            output_text(&result),
            r#"[{"text":"Echo: hi","type":"text"}]"#
        );
    }

    #[test]
    fn structured_content_wins() {
        let result = McpToolCallResult {
            content: vec![json!({"type": "text", "text": "7"})],
            structured_content: Some(json!({"n": 7})),
            is_error: None,
        };
        assert_eq!(output_text(&result), r#"{"n":7}"#);
    }
}
