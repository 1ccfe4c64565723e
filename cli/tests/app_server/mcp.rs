//! MCP servers of an app-server thread: their start-up is announced after the thread itself.

use codex_test_support::mock_provider_config;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::harness::AppServer;

#[test]
fn mcp_startup_is_announced_after_the_thread() {
    let mut app = AppServer::start(Vec::new());
    // Threads read config.toml when they start.
    app.home.write_config(&format!(
        "{}\n[mcp_servers.missing]\ncommand = \"/nonexistent/mcp-server\"\n",
        mock_provider_config(&app.server)
    ));
    app.initialize();
    let id = app.request("thread/start", json!({"cwd": app.cwd()}));
    let messages = app.until(|message| {
        message["method"] == "mcpServer/startupStatus/updated"
            && message["params"]["status"] == "failed"
    });
    let order: Vec<Value> = messages
        .iter()
        .map(|message| match message.get("method") {
            Some(method) => json!([method, message["params"]["status"]]),
            None => json!(["response", message["id"]]),
        })
        .collect();
    assert_eq!(
        order,
        [
            json!(["response", id]),
            json!(["thread/started", null]),
            json!(["mcpServer/startupStatus/updated", "starting"]),
            json!(["mcpServer/startupStatus/updated", "failed"]),
        ]
    );
}
