//! A raw line client for `codex mcp-server`: writes lines (or bytes), reads lines with a
//! timeout, and what the tests share — the expected `tools/list` and the npm fixture paths.

use std::ops::Deref;
use std::ops::DerefMut;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::common::LinePeer;
use crate::common::TestEnv;

/// `codex mcp-server` over a line client (whose `send`, `next`, `until`… it offers).
pub struct McpServerProcess {
    peer: LinePeer,
}

impl Deref for McpServerProcess {
    type Target = LinePeer;

    fn deref(&self) -> &LinePeer {
        &self.peer
    }
}

impl DerefMut for McpServerProcess {
    fn deref_mut(&mut self) -> &mut LinePeer {
        &mut self.peer
    }
}

impl McpServerProcess {
    /// Starts `codex mcp-server ARGS` in `env`'s work dir with its CODEX_HOME.
    pub fn start(env: &TestEnv, args: &[&str]) -> Self {
        let mut command = env.codex();
        command.arg("mcp-server").args(args);
        Self::spawn(command)
    }

    /// Starts `command`, a `codex mcp-server` invocation.
    pub fn spawn(command: Command) -> Self {
        McpServerProcess {
            peer: LinePeer::spawn(command),
        }
    }

    pub fn request(&mut self, id: i64, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    /// The response to request `id`, skipping notifications and other responses.
    pub fn response(&mut self, id: i64) -> Value {
        self.until(|message| is_response(message, id))
            .pop()
            .unwrap()
    }

    /// Sends `initialize` (id 0) and `notifications/initialized`; returns the response.
    pub fn initialize(&mut self, protocol_version: &str) -> Value {
        self.request(
            0,
            "initialize",
            json!({
                "protocolVersion": protocol_version,
                "capabilities": {},
                "clientInfo": {"name": "raw-client", "version": "0.0.1"},
            }),
        );
        let response = self.response(0);
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        response
    }

    /// Closes stdin, then returns every line still written and the exit code.
    pub fn close_and_wait(&mut self) -> (Vec<Value>, Option<i32>) {
        self.close_stdin();
        let rest = self.rest();
        (rest, self.wait())
    }
}

pub fn is_response(message: &Value, id: i64) -> bool {
    message["id"] == id && message.get("method").is_none()
}

/// The `msg.type` of a `codex/event` notification, else `None`.
pub fn event_type(message: &Value) -> Option<&str> {
    (message["method"] == "codex/event")
        .then(|| message["params"]["msg"]["type"].as_str())
        .flatten()
}

/// Asserts `response` is the `initialize` answer (id 0) echoing `protocol_version`, with a user
/// agent naming the client as `client` (`name; version`).
pub fn assert_initialize_response(response: &Value, protocol_version: &str, client: &str) {
    let mut response = response.clone();
    let user_agent = response["result"]["serverInfo"]["user_agent"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        user_agent.starts_with("codex_mcp_server/0.169.0 (")
            && user_agent.ends_with(&format!(") dumb ({client})")),
        "{user_agent}"
    );
    response["result"]["serverInfo"]["user_agent"] = json!("<user agent>");
    assert_eq!(
        response,
        json!({"jsonrpc": "2.0", "id": 0, "result": {
            "protocolVersion": protocol_version,
            "capabilities": {"tools": {"listChanged": true}},
            "serverInfo": {"name": "codex-mcp-server", "title": "Codex", "version": "0.169.0", "user_agent": "<user agent>"},
        }})
    );
}

/// The npm fixture with the MCP peers (`npm ci --prefix cli/tests/fixtures/mcp`).
pub fn fixture_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp");
    let sdk = dir.join("node_modules/@modelcontextprotocol/sdk/package.json");
    assert!(
        sdk.is_file(),
        "{} is missing: run `npm ci --prefix cli/tests/fixtures/mcp` first (scripts/test does)",
        sdk.display()
    );
    dir
}

/// `tools/list` exactly as `mcp.md` §4.3 gives it.
pub fn expected_tools() -> Value {
    let output_schema = json!({
        "type": "object",
        "properties": {"threadId": {"type": "string"}, "content": {"type": "string"}},
        "required": ["threadId", "content"],
    });
    json!({"tools": [
        {
            "name": "codex",
            "title": "Codex",
            "description": "Run a Codex session. Accepts configuration parameters matching the Codex Config struct.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "approval-policy": {"type": "string", "enum": ["untrusted", "on-failure", "on-request", "never"], "description": "Approval policy for shell commands generated by the model: `untrusted`, `on-failure`, `on-request`, `never`."},
                    "base-instructions": {"type": "string", "description": "The set of instructions to use instead of the default ones."},
                    "compact-prompt": {"type": "string", "description": "Prompt used when compacting the conversation."},
                    "config": {"type": "object", "additionalProperties": true, "description": "Individual config settings that will override what is in CODEX_HOME/config.toml."},
                    "cwd": {"type": "string", "description": "Working directory for the session. If relative, it is resolved against the server process's current working directory."},
                    "developer-instructions": {"type": "string", "description": "Developer instructions that should be injected as a developer role message."},
                    "model": {"type": "string", "description": "Optional override for the model name (e.g. 'gpt-5.2', 'gpt-5.2-codex')."},
                    "profile": {"type": "string", "description": "Configuration profile from config.toml to specify default options."},
                    "prompt": {"type": "string", "description": "The *initial user prompt* to start the Codex conversation."},
                    "sandbox": {"type": "string", "enum": ["read-only", "workspace-write", "danger-full-access"], "description": "Sandbox mode: `read-only`, `workspace-write`, or `danger-full-access`."},
                },
                "required": ["prompt"],
                "additionalProperties": false,
            },
            "outputSchema": output_schema,
        },
        {
            "name": "codex-reply",
            "title": "Codex Reply",
            "description": "Continue a Codex conversation by providing the thread id and prompt.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "conversationId": {"type": "string", "description": "DEPRECATED: use threadId instead."},
                    "prompt": {"type": "string", "description": "The *next user prompt* to continue the Codex conversation."},
                    "threadId": {"type": "string", "description": "The thread id for this Codex session. This field is required, but we keep it optional here for backward compatibility for clients that still use conversationId."},
                },
                "required": ["prompt"],
            },
            "outputSchema": output_schema,
        },
    ]})
}
