//! Tools the model can call: their specs (`spec`), the router that dispatches a call by name,
//! and one handler module per tool. Every call gets exactly one output item, errors included:
//! a bad call is reported back to the model as text and the turn goes on.

mod mcp;
mod mcp_resource;
mod patch;
mod plan;
pub(crate) mod shell;
mod spec;
mod view_image;

use futures::future::join_all;

pub use spec::tool_specs;

use crate::ids;
use crate::protocol::models::FunctionCallOutput;
use crate::protocol::models::ResponseItem;
use crate::session::Session;
use crate::session::TurnContext;

/// A tool call from a response, as the router sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolCall {
    Function {
        call_id: String,
        name: String,
        arguments: String,
    },
    Custom {
        call_id: String,
        name: String,
        input: String,
    },
}

/// Runs the calls of one response and returns their outputs in call order.
pub(crate) async fn run_calls(
    sess: &Session,
    turn: &TurnContext,
    calls: Vec<ToolCall>,
    parallel: bool,
) -> Vec<ResponseItem> {
    if parallel {
        join_all(calls.into_iter().map(|call| dispatch(sess, turn, call))).await
    } else {
        let mut outputs = Vec::with_capacity(calls.len());
        for call in calls {
            outputs.push(dispatch(sess, turn, call).await);
        }
        outputs
    }
}

async fn dispatch(sess: &Session, turn: &TurnContext, call: ToolCall) -> ResponseItem {
    match call {
        ToolCall::Function {
            call_id,
            name,
            arguments,
        } => {
            let output = match name.as_str() {
                "exec_command" => shell::exec_command(sess, turn, &call_id, &arguments).await,
                "write_stdin" => shell::write_stdin(sess, &arguments).await,
                "update_plan" => plan::update_plan(sess, turn, &arguments),
                "view_image" => view_image::view_image(turn, &arguments),
                "list_mcp_resources" => FunctionCallOutput::Text(
                    mcp_resource::list(sess, &name, &arguments, false).await,
                ),
                "list_mcp_resource_templates" => FunctionCallOutput::Text(
                    mcp_resource::list(sess, &name, &arguments, true).await,
                ),
                "read_mcp_resource" => {
                    FunctionCallOutput::Text(mcp_resource::read(sess, &arguments).await)
                }
                other => match sess.mcp.route(other).await {
                    Some(route) => FunctionCallOutput::Text(
                        mcp::call(sess, turn, &call_id, route, &arguments).await,
                    ),
                    None => FunctionCallOutput::Text(format!("unsupported call: {other}")),
                },
            };
            ResponseItem::FunctionCallOutput {
                id: ids::prefixed("fco"),
                call_id,
                output,
            }
        }
        ToolCall::Custom {
            call_id,
            name,
            input,
        } => {
            let output = match name.as_str() {
                "apply_patch" => {
                    patch::apply_patch(sess, turn, &call_id, &input, &turn.config.cwd).await
                }
                other => format!("unsupported call: {other}"),
            };
            ResponseItem::CustomToolCallOutput {
                id: ids::prefixed("ctco"),
                call_id,
                output,
            }
        }
    }
}

/// The MCP tools offered after the built-in ones (waits for the servers to start): the
/// resource tools when a server is ready, then every server's tools.
pub(crate) async fn mcp_tool_specs(sess: &Session) -> Vec<serde_json::Value> {
    let mut specs = Vec::new();
    if sess.mcp.has_servers().await {
        specs.extend(mcp_resource::specs());
    }
    specs.extend(sess.mcp.tool_specs().await);
    specs
}

/// Parses a function call's JSON arguments, or says what was wrong with them.
fn parse_arguments<T: serde::de::DeserializeOwned>(
    tool: &str,
    arguments: &str,
) -> Result<T, String> {
    serde_json::from_str(arguments)
        .map_err(|err| format!("failed to parse {tool} arguments: {err}"))
}
