//! codex as an MCP client in `codex exec` (`mcp.md` §2, §5 M1–M3), against real servers: the
//! reference `server-everything` and `server-filesystem` (stdio), and an SDK server over
//! streamable HTTP, all from the npm fixture in `fixtures/mcp`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::BufRead as _;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;

use codex_test_support::MockResponse;
use common::TestEnv;
use common::jsonl;
use common::stderr;
use common::tool_outputs;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

const FULL_ACCESS: &str = "--dangerously-bypass-approvals-and-sandbox";

fn fixture_bin(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mcp/node_modules/.bin")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn everything_server(name: &str) -> String {
    format!(
        "[mcp_servers.{name}]\ncommand = {:?}\n",
        fixture_bin("mcp-server-everything")
    )
}

/// The names of the tools offered in a request.
fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_string())
        .collect()
}

fn tool_spec(body: &Value, name: &str) -> Value {
    body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tool| tool["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no tool {name} in {:?}", tool_names(body)))
}

/// Runs one exec turn in which the model calls `tool` once, with `vars` added to codex's
/// environment; returns the call's output parsed as an MCP `content` array.
fn call_tool_once(config: &str, tool: &str, arguments: &str, vars: &[(&str, &str)]) -> Vec<Value> {
    let env = TestEnv::with_config(
        vec![
            MockResponse::function_call("call_1", tool, arguments),
            MockResponse::message("done"),
        ],
        config,
    );
    let output = env
        .codex()
        .envs(vars.iter().copied())
        .args(["exec", FULL_ACCESS, "call the tool"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = tool_outputs(&env.bodies()[1]);
    serde_json::from_str(&outputs[0]).unwrap()
}

/// The JSON object in the text of the first content block.
fn text_json(content: &[Value]) -> Value {
    serde_json::from_str(content[0]["text"].as_str().unwrap()).unwrap()
}

#[test]
fn reference_servers_list_and_call_tools() {
    let allowed = tempfile::tempdir().unwrap();
    let allowed_dir = allowed.path().canonicalize().unwrap();
    let config = format!(
        "{}\n[mcp_servers.filesystem]\ncommand = {:?}\nargs = [{:?}]\n",
        everything_server("everything"),
        fixture_bin("mcp-server-filesystem"),
        allowed_dir.to_string_lossy(),
    );
    let env = TestEnv::with_config(
        vec![
            MockResponse::function_call("call_1", "mcp__everything__echo", r#"{"message":"hi"}"#),
            MockResponse::function_call("call_2", "mcp__filesystem__list_allowed_directories", ""),
            MockResponse::message("done"),
        ],
        &config,
    );
    let output = env.exec(&[FULL_ACCESS, "--json", "use the tools"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let bodies = env.bodies();
    assert_eq!(bodies.len(), 3);
    let calls: Vec<Value> = jsonl(&output)
        .into_iter()
        .filter(|line| line["type"] == "item.completed" && line["item"]["type"] == "mcp_tool_call")
        .map(|line| line["item"].clone())
        .collect();
    assert_eq!(
        calls,
        [
            json!({"id": "item_0", "type": "mcp_tool_call", "server": "everything", "tool": "echo",
                "arguments": {"message": "hi"},
                "result": {"content": [{"type": "text", "text": "Echo: hi"}], "structured_content": null},
                "error": null, "status": "completed"}),
            json!({"id": "item_1", "type": "mcp_tool_call", "server": "filesystem",
                "tool": "list_allowed_directories", "arguments": {},
                "result": {
                    "content": [{"type": "text", "text": format!("Allowed directories:\n{}", allowed_dir.display())}],
                    "structured_content": {"content": format!("Allowed directories:\n{}", allowed_dir.display())},
                },
                "error": null, "status": "completed"}),
        ]
    );
    let names = tool_names(&bodies[0]);
    assert_eq!(
        names[..5].to_vec(),
        [
            "exec_command",
            "write_stdin",
            "update_plan",
            "apply_patch",
            "view_image"
        ]
    );
    assert_eq!(
        names[5..8].to_vec(),
        [
            "list_mcp_resources",
            "list_mcp_resource_templates",
            "read_mcp_resource"
        ]
    );
    let mcp_names = names[8..].to_vec();
    let mut sorted = mcp_names.clone();
    sorted.sort();
    assert_eq!(mcp_names, sorted, "MCP tools are sorted by qualified name");
    assert!(
        mcp_names
            .iter()
            .all(|name| name.starts_with("mcp__everything__")
                || name.starts_with("mcp__filesystem__"))
    );
    assert!(mcp_names.contains(&"mcp__everything__get-sum".to_string()));
    assert!(mcp_names.contains(&"mcp__filesystem__read_text_file".to_string()));
    assert_eq!(
        tool_spec(&bodies[0], "mcp__everything__echo"),
        json!({
            "type": "function",
            "name": "mcp__everything__echo",
            "description": "Echoes back the input string",
            "strict": false,
            "parameters": {
                "type": "object",
                "properties": {"message": {"type": "string", "description": "Message to echo"}},
                "required": ["message"],
                "$schema": "http://json-schema.org/draft-07/schema#",
            },
        })
    );

    assert_eq!(
        tool_outputs(&bodies[1]),
        vec![r#"[{"text":"Echo: hi","type":"text"}]"#.to_string()]
    );
    assert_eq!(
        tool_outputs(&bodies[2])[1],
        json!({"content": format!("Allowed directories:\n{}", allowed_dir.display())}).to_string()
    );
}

#[test]
fn stdio_servers_get_only_the_allow_listed_environment() {
    let config = format!(
        "{}env_vars = [\"PASS_ME\"]\n[mcp_servers.everything.env]\nEXTRA = \"1\"\n",
        everything_server("everything")
    );
    let server_env = text_json(&call_tool_once(
        &config,
        "mcp__everything__get-env",
        "{}",
        &[("FOO_TOKEN", "secret"), ("PASS_ME", "yes")],
    ));
    let mut names: Vec<&str> = server_env
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort();
    assert_eq!(names, ["EXTRA", "HOME", "PASS_ME", "PATH", "SHELL", "TERM"]);
    assert_eq!(server_env["EXTRA"], "1");
}

#[test]
fn failed_servers_do_not_stop_the_turn() {
    let config = format!(
        "{}[mcp_servers.slow]\ncommand = \"sleep\"\nargs = [\"30\"]\nstartup_timeout_sec = 1\n\
         [mcp_servers.missing]\ncommand = \"/nonexistent/mcp-server\"\n\
         [mcp_servers.\"bad.name\"]\ncommand = \"true\"\n",
        everything_server("docs")
    );
    let env = TestEnv::with_config(vec![MockResponse::message("hello")], &config);
    let output = env.exec(&[FULL_ACCESS, "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 1);
    let servers: std::collections::BTreeSet<String> = tool_names(&bodies[0])
        .iter()
        .filter_map(|name| name.strip_prefix("mcp__"))
        .filter_map(|rest| rest.split("__").next())
        .map(str::to_string)
        .collect();
    assert_eq!(servers, ["docs".to_string()].into());

    // The servers start concurrently: per-server lines come in completion order.
    let mut lines: Vec<String> = stderr(&output)
        .lines()
        .skip_while(|line| !line.starts_with("mcp: "))
        .take_while(|line| !line.starts_with("mcp startup: "))
        .map(str::to_string)
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "[mcp_servers.slow]",
            "mcp: bad.name failed: MCP client for `bad.name` failed to start: MCP startup failed: Invalid MCP server name 'bad.name': must match pattern ^[a-zA-Z0-9_-]+$",
            "mcp: bad.name starting",
            "mcp: docs ready",
            "mcp: docs starting",
            "mcp: missing failed: MCP client for `missing` failed to start: MCP startup failed: No such file or directory (os error 2)",
            "mcp: missing starting",
            "mcp: slow failed: MCP client for `slow` timed out after 1 seconds. Add or adjust `startup_timeout_sec` in your config.toml:",
            "mcp: slow starting",
        ]
    );
    assert!(
        stderr(&output).contains("\nmcp startup: ready: docs; failed: bad.name, missing, slow\n"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn slow_tool_calls_time_out_with_the_original_output() {
    let config = format!("{}tool_timeout_sec = 1\n", everything_server("everything"));
    let env = TestEnv::with_config(
        vec![
            MockResponse::function_call(
                "call_1",
                "mcp__everything__trigger-long-running-operation",
                r#"{"duration":5,"steps":5}"#,
            ),
            MockResponse::function_call("call_2", "mcp__everything__nope", "{}"),
            MockResponse::function_call("call_3", "mcp__everything__get-sum", "{not json"),
            MockResponse::message("done"),
        ],
        &config,
    );
    let output = env.exec(&[FULL_ACCESS, "wait"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    assert_eq!(
        tool_outputs(&bodies[3]),
        vec![
            "tool call error: tool call failed for `everything/trigger-long-running-operation`\n\nCaused by:\n    timed out awaiting tools/call after 1s".to_string(),
            "unsupported call: mcp__everything__nope".to_string(),
            "failed to parse get-sum arguments: key must be a string at line 1 column 2".to_string(),
        ]
    );
}

/// The SDK server of `fixtures/mcp/http_server.mjs`, killed when dropped.
struct HttpServer {
    child: Child,
    url: String,
}

impl HttpServer {
    fn start() -> Self {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp/http_server.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        HttpServer {
            child,
            url: format!("http://127.0.0.1:{}/mcp", port.trim()),
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn streamable_http_servers_get_the_configured_headers() {
    let server = HttpServer::start();
    let config = format!(
        "[mcp_servers.web]\nurl = {:?}\nbearer_token_env_var = \"WEB_TOKEN\"\n\
         [mcp_servers.web.http_headers]\nX-Static = \"static\"\n\
         [mcp_servers.web.env_http_headers]\nX-From-Env = \"HEADER_VALUE\"\nX-Unset = \"UNSET_VAR\"\n",
        server.url
    );
    let headers = text_json(&call_tool_once(
        &config,
        "mcp__web__request_headers",
        "",
        &[("WEB_TOKEN", "tok-123"), ("HEADER_VALUE", "from-env")],
    ));
    let pick = |name: &str| headers[name].as_str().map(str::to_string);
    assert_eq!(
        [
            "authorization",
            "x-static",
            "x-from-env",
            "x-unset",
            "user-agent",
            "accept",
            "content-type",
            "mcp-protocol-version",
        ]
        .map(pick),
        [
            Some("Bearer tok-123".to_string()),
            Some("static".to_string()),
            Some("from-env".to_string()),
            None,
            Some(format!("codex-mcp-client/{}", env!("CARGO_PKG_VERSION"))),
            Some("text/event-stream, application/json".to_string()),
            Some("application/json".to_string()),
            Some("2025-06-18".to_string()),
        ]
    );
    assert!(pick("mcp-session-id").is_some_and(|id| !id.is_empty()));
}

#[test]
fn an_unset_bearer_token_variable_fails_that_server_only() {
    let server = HttpServer::start();
    let config = format!(
        "{}[mcp_servers.web]\nurl = {:?}\nbearer_token_env_var = \"WEB_TOKEN\"\n",
        everything_server("docs"),
        server.url
    );
    let env = TestEnv::with_config(vec![MockResponse::message("hello")], &config);
    let output = env.exec(&[FULL_ACCESS, "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names = tool_names(&env.bodies()[0]);
    assert!(names.iter().any(|name| name.starts_with("mcp__docs__")));
    assert!(!names.iter().any(|name| name.starts_with("mcp__web__")));
}

#[test]
fn untrusted_asks_before_tools_that_are_not_read_only() {
    let env = TestEnv::with_config(
        vec![
            MockResponse::function_call("call_1", "mcp__everything__toggle-simulated-logging", ""),
            MockResponse::function_call("call_2", "mcp__everything__get-sum", r#"{"a":2,"b":5}"#),
            MockResponse::message("done"),
        ],
        &everything_server("everything"),
    );
    // exec answers every approval request with a denial.
    let output = env.exec(&["-c", "approval_policy=untrusted", "add"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    assert_eq!(
        [
            tool_outputs(&bodies[1]),
            tool_outputs(&bodies[2])[1..].to_vec()
        ],
        [
            vec!["MCP tool call rejected by user".to_string()],
            vec![r#"[{"text":"The sum of 2 and 5 is 7.","type":"text"}]"#.to_string()],
        ]
    );
}

#[test]
fn resource_tools_answer_with_the_servers_results() {
    let uri = "demo://resource/static/document/architecture.md";
    let env = TestEnv::with_config(
        vec![
            MockResponse::function_call(
                "call_1",
                "list_mcp_resources",
                r#"{"server":"everything"}"#,
            ),
            MockResponse::function_call("call_2", "list_mcp_resources", ""),
            MockResponse::function_call(
                "call_3",
                "read_mcp_resource",
                &json!({"server": "everything", "uri": uri}).to_string(),
            ),
            MockResponse::function_call(
                "call_4",
                "read_mcp_resource",
                r#"{"server":"nope","uri":"x"}"#,
            ),
            MockResponse::message("done"),
        ],
        &everything_server("everything"),
    );
    let output = env.exec(&[FULL_ACCESS, "resources"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = tool_outputs(&env.bodies()[4]);
    let parsed: Vec<Value> = outputs[..3]
        .iter()
        .map(|output| serde_json::from_str(output).unwrap())
        .collect();
    let first = &parsed[0]["resources"][0];
    assert_eq!(
        first,
        &json!({
            "name": "architecture.md",
            "uri": uri,
            "description": "Static document file exposed from /docs: architecture.md",
            "mimeType": "text/markdown",
        })
    );
    let mut tagged = first.clone();
    tagged["server"] = json!("everything");
    assert_eq!(parsed[1]["resources"][0], tagged);
    assert_eq!(parsed[2]["contents"][0]["uri"], uri);
    assert!(
        parsed[2]["contents"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("# Everything Server")
    );
    assert_eq!(outputs[3], "unknown MCP server `nope`");
}

#[test]
fn elicitation_requests_are_declined_in_exec() {
    let content = call_tool_once(
        &everything_server("everything"),
        "mcp__everything__trigger-elicitation-request",
        "{}",
        &[],
    );
    assert_eq!(
        content[0],
        json!({"text": "❌ User declined to provide the requested information.", "type": "text"})
    );
}
