//! The MCP resource tools (`mcp.md` §2.5): `list_mcp_resources`, `list_mcp_resource_templates`
//! and `read_mcp_resource`, answered with the servers' own results as JSON text. Offered when
//! at least one MCP server is ready.

use serde::Deserialize;
use serde_json::Value;
use serde_json::json;

use super::parse_arguments;
use super::spec::function;
use crate::mcp::ResourceRequest;
use crate::session::Session;

pub(super) fn specs() -> Vec<Value> {
    let listing = |name: &str, what: &str| {
        function(
            name,
            &format!(
                "Lists the {what} of the MCP servers: of one `server`, or of every server when it \
                 is omitted. Pass the `nextCursor` of a result as `cursor` for the next page."
            ),
            json!({
                "server": {"type": "string", "description": "The MCP server's name; all servers when omitted."},
                "cursor": {"type": "string", "description": "The `nextCursor` of an earlier page (requires `server`)."}
            }),
            &[],
        )
    };
    vec![
        listing("list_mcp_resources", "resources"),
        listing("list_mcp_resource_templates", "resource templates"),
        function(
            "read_mcp_resource",
            "Reads one resource of an MCP server by its URI.",
            json!({
                "server": {"type": "string", "description": "The MCP server's name."},
                "uri": {"type": "string", "description": "The resource URI."}
            }),
            &["server", "uri"],
        ),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArguments {
    server: Option<String>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadArguments {
    server: String,
    uri: String,
}

/// `list_mcp_resources` (`templates == false`) or `list_mcp_resource_templates`.
pub(super) async fn list(sess: &Session, tool: &str, arguments: &str, templates: bool) -> String {
    let arguments = if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    };
    let ListArguments { server, cursor } = match parse_arguments(tool, arguments) {
        Ok(arguments) => arguments,
        Err(message) => return message,
    };
    if server.is_none() && cursor.is_some() {
        return "a cursor pages one server's listing: pass `server` too".to_string();
    }
    let (request, key) = if templates {
        (
            ResourceRequest::ListTemplates { cursor },
            "resourceTemplates",
        )
    } else {
        (ResourceRequest::List { cursor }, "resources")
    };
    let results = sess.mcp.resources(server.as_deref(), &request).await;
    if server.is_some() {
        return results
            .into_iter()
            .map(|(_, result)| result.map_or_else(|err| err, |value| value.to_string()))
            .collect();
    }
    let mut all = Vec::new();
    for (name, result) in results {
        let listed = match result {
            Ok(value) => value,
            Err(err) => return format!("{tool} failed for `{name}`: {err}"),
        };
        let items = listed.get(key).and_then(Value::as_array).cloned();
        for mut item in items.unwrap_or_default() {
            if let Some(item) = item.as_object_mut() {
                item.insert("server".into(), json!(name));
            }
            all.push(item);
        }
    }
    json!({ key: all }).to_string()
}

pub(super) async fn read(sess: &Session, arguments: &str) -> String {
    let ReadArguments { server, uri } = match parse_arguments("read_mcp_resource", arguments) {
        Ok(arguments) => arguments,
        Err(message) => return message,
    };
    let request = ResourceRequest::Read { uri };
    sess.mcp
        .resources(Some(&server), &request)
        .await
        .into_iter()
        .map(|(_, result)| result.map_or_else(|err| err, |value| value.to_string()))
        .collect()
}
