//! The MCP inspector CLI against `codex mcp-server` (M6): the listings and one `codex` call,
//! each an `mcp-inspector-cli --cli codex mcp-server --method …` run that must exit 0 and print
//! the result as JSON.

use std::process::Command;
use std::time::Duration;

use codex_test_support::MockResponse;
use codex_test_support::base_env;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::common::TestEnv;
use crate::common::run_to_end;
use crate::harness::expected_tools;
use crate::harness::fixture_dir;

const INSPECTOR_TIMEOUT: Duration = Duration::from_secs(120);

/// `mcp-inspector-cli --cli <codex> mcp-server ARGS`; returns the printed JSON.
fn inspect(env: &TestEnv, args: &[&str]) -> Value {
    let node_modules = fixture_dir().join("node_modules");
    // inspector-cli 1.0.3 reads `../package.json` relative to its working directory.
    let mut inspector = Command::new(node_modules.join(".bin/mcp-inspector-cli"));
    inspector
        .arg("--cli")
        .arg(env!("CARGO_BIN_EXE_codex"))
        .arg("mcp-server")
        .args(args)
        .current_dir(&node_modules)
        .env_clear()
        .envs(base_env(env.home.path()));
    let output = run_to_end(inspector, INSPECTOR_TIMEOUT, "mcp-inspector-cli");
    output.assert_success(&format!("mcp-inspector-cli {args:?}"));
    serde_json::from_str(&output.stdout).unwrap_or_else(|err| panic!("{err}: {}", output.stdout))
}

#[test]
fn inspector_lists_the_tools_and_empty_resources_and_prompts() {
    let env = TestEnv::new(Vec::new());
    assert_eq!(
        [
            inspect(&env, &["--method", "tools/list"]),
            inspect(&env, &["--method", "resources/list"]),
            inspect(&env, &["--method", "prompts/list"]),
        ],
        [
            expected_tools(),
            json!({"resources": []}),
            json!({"prompts": []}),
        ]
    );
}

#[test]
fn inspector_calls_the_codex_tool() {
    let env = TestEnv::new(vec![MockResponse::message("Hi from codex")]);
    let result = inspect(
        &env,
        &[
            "--method",
            "tools/call",
            "--tool-name",
            "codex",
            "--tool-arg",
            "prompt=hi",
        ],
    );
    let thread_id = result["structuredContent"]["threadId"].clone();
    assert!(thread_id.is_string(), "{result}");
    assert_eq!(
        result,
        json!({"content": [{"type": "text", "text": "Hi from codex"}], "structuredContent": {"threadId": thread_id, "content": "Hi from codex"}})
    );
}
