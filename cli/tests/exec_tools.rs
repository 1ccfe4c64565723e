//! Tool round trips through `codex exec`: commands, patches, plans, and the exact tool-output
//! texts sent back to the model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_function_call;
use common::TestEnv;
use common::jsonl;
use common::normalize_exec_output;
use common::read;
use common::stderr;
use common::tool_outputs;
use pretty_assertions::assert_eq;
use serde_json::json;

const FULL_ACCESS: &str = "--dangerously-bypass-approvals-and-sandbox";

#[test]
fn command_round_trip() {
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "exec_command", r#"{"cmd":"echo hi"}"#),
        MockResponse::message("The command printed: hi"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "--json", "Run echo hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    assert_eq!(
        lines[2..5].to_vec(),
        vec![
            json!({"type": "item.started", "item": {"id": "item_0", "type": "command_execution", "command": "/bin/bash -lc 'echo hi'", "aggregated_output": "", "exit_code": null, "status": "in_progress"}}),
            json!({"type": "item.completed", "item": {"id": "item_0", "type": "command_execution", "command": "/bin/bash -lc 'echo hi'", "aggregated_output": "hi\n", "exit_code": 0, "status": "completed"}}),
            json!({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "The command printed: hi"}}),
        ]
    );
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 2);
    let outputs = tool_outputs(&bodies[1]);
    assert_eq!(
        normalize_exec_output(&outputs[0]),
        "Chunk ID: <id>\nWall time: <t> seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi"
    );
    assert!(outputs[0].ends_with("Output:\nhi\n"));
    // The call is echoed back before its output.
    let input = common::input(&bodies[1]);
    let call = input
        .iter()
        .position(|item| item["type"] == "function_call")
        .unwrap();
    assert_eq!(
        input[call],
        json!({"type": "function_call", "status": "completed", "id": "fc_call_1", "name": "exec_command", "arguments": "{\"cmd\":\"echo hi\"}", "call_id": "call_1"})
    );
    assert_eq!(input[call + 1]["type"], "function_call_output");
    assert_eq!(input[call + 1]["call_id"], "call_1");
    assert!(input[call + 1]["id"].as_str().unwrap().starts_with("fco_"));
}

#[test]
fn failing_command_is_a_completed_turn_with_a_failed_item() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            r#"{"cmd":"echo oops >&2; exit 3"}"#,
        ),
        MockResponse::message("it failed"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "--json", "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    assert_eq!(
        lines[3],
        json!({"type": "item.completed", "item": {"id": "item_0", "type": "command_execution", "command": "/bin/bash -lc 'echo oops >&2; exit 3'", "aggregated_output": "oops\n", "exit_code": 3, "status": "failed"}})
    );
    let outputs = tool_outputs(&env.bodies()[1]);
    assert!(
        outputs[0].contains("Process exited with code 3\n"),
        "{}",
        outputs[0]
    );
}

#[test]
fn long_running_command_returns_a_session_id() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            r#"{"cmd":"sleep 0.6; echo late","yield_time_ms":250}"#,
        ),
        MockResponse::message("started"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = tool_outputs(&env.bodies()[1]);
    let normalized = normalize_exec_output(&outputs[0]);
    let status = normalized.lines().nth(2).unwrap();
    assert!(
        status.starts_with("Process running with session ID "),
        "{normalized}"
    );
}

#[test]
fn patches_add_update_delete_and_move_files() {
    let env = TestEnv::new(vec![
        MockResponse::custom_tool_call(
            "call_1",
            "apply_patch",
            "*** Begin Patch\n*** Add File: hello.txt\n+hello\n+world\n*** Update File: old.txt\n*** Move to: new.txt\n@@\n-before\n+after\n*** Delete File: gone.txt\n*** Update File: keep.txt\n@@\n a\n-b\n+B\n*** End Patch",
        ),
        MockResponse::message("patched"),
    ]);
    std::fs::write(env.path("old.txt"), "before\n").unwrap();
    std::fs::write(env.path("gone.txt"), "bye\n").unwrap();
    std::fs::write(env.path("keep.txt"), "a\nb\nc\n").unwrap();
    let output = env.exec(&[FULL_ACCESS, "--json", "patch it"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    assert_eq!(read(&env.path("hello.txt")), "hello\nworld\n");
    assert_eq!(read(&env.path("new.txt")), "after\n");
    assert!(!env.path("old.txt").exists());
    assert!(!env.path("gone.txt").exists());
    assert_eq!(read(&env.path("keep.txt")), "a\nB\nc\n");

    let outputs = tool_outputs(&env.bodies()[1]);
    assert_eq!(
        outputs,
        vec![
            "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA hello.txt\nM new.txt\nM keep.txt\nD gone.txt\n"
                .to_string()
        ]
    );
    let cwd = env.cwd();
    let path = |name: &str| cwd.join(name).display().to_string();
    let lines = jsonl(&output);
    let changes = json!([
        {"path": path("hello.txt"), "kind": "add"},
        {"path": path("new.txt"), "kind": "update"},
        {"path": path("gone.txt"), "kind": "delete"},
        {"path": path("keep.txt"), "kind": "update"},
    ]);
    assert_eq!(
        lines[2..4].to_vec(),
        vec![
            json!({"type": "item.started", "item": {"id": "item_0", "type": "file_change", "changes": changes, "status": "in_progress"}}),
            json!({"type": "item.completed", "item": {"id": "item_0", "type": "file_change", "changes": changes, "status": "completed"}}),
        ]
    );
}

#[test]
fn failing_patches_report_verification_errors_and_change_nothing() {
    let env = TestEnv::new(vec![
        MockResponse::custom_tool_call(
            "call_1",
            "apply_patch",
            "*** Begin Patch\n*** Add File: a.txt\n+a\n*** Update File: missing.txt\n@@\n-x\n+y\n*** End Patch",
        ),
        MockResponse::custom_tool_call("call_2", "apply_patch", "not a patch"),
        MockResponse::message("gave up"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "--json", "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!env.path("a.txt").exists());
    let bodies = env.bodies();
    let missing = env.cwd().join("missing.txt");
    assert_eq!(
        tool_outputs(&bodies[2]),
        vec![
            format!(
                "apply_patch verification failed: Failed to read file to update {}: No such file or directory (os error 2)",
                missing.display()
            ),
            "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'".to_string(),
        ]
    );
    let custom_outputs: Vec<_> = common::input(&bodies[2])
        .into_iter()
        .filter(|item| item["type"] == "custom_tool_call_output")
        .collect();
    assert!(
        custom_outputs[0]["id"]
            .as_str()
            .unwrap()
            .starts_with("ctco_")
    );
    // No file_change item for a patch that failed verification.
    assert!(
        jsonl(&output)
            .iter()
            .all(|line| line["item"]["type"] != "file_change")
    );
}

#[test]
fn heredoc_apply_patch_in_exec_command_is_applied_as_a_patch() {
    let cmd = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: patched.txt\n+via heredoc\n*** End Patch\nEOF\n";
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "exec_command", &json!({ "cmd": cmd }).to_string()),
        MockResponse::message("ok"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "--json", "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&env.path("patched.txt")), "via heredoc\n");
    let outputs = tool_outputs(&env.bodies()[1]);
    assert_eq!(
        normalize_exec_output(&outputs[0]) + "\n",
        "Wall time: <t> seconds\nOutput:\nExit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA patched.txt\n"
    );
    let lines = jsonl(&output);
    assert_eq!(lines[2]["item"]["type"], "file_change");
    assert!(
        lines
            .iter()
            .all(|line| line["item"]["type"] != "command_execution")
    );
}

#[test]
fn read_only_sandbox_rejects_patches_with_the_original_message() {
    let env = TestEnv::new(vec![
        MockResponse::custom_tool_call(
            "call_1",
            "apply_patch",
            "*** Begin Patch\n*** Add File: nope.txt\n+x\n*** End Patch",
        ),
        MockResponse::message("blocked"),
    ]);
    let output = env.exec(&["x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!env.path("nope.txt").exists());
    assert_eq!(
        tool_outputs(&env.bodies()[1]),
        vec![
            "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings"
                .to_string()
        ]
    );
}

#[test]
fn escalation_requests_are_refused_under_never() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            r#"{"cmd":"touch /x","sandbox_permissions":"require_escalated","justification":"need it"}"#,
        ),
        MockResponse::message("ok"),
    ]);
    let output = env.exec(&["x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        tool_outputs(&env.bodies()[1]),
        vec![
            "approval policy is Never; reject command \u{2014} you should not ask for escalated permissions if the approval policy is Never"
                .to_string()
        ]
    );
}

#[test]
fn plans_become_a_todo_list_item() {
    let env = TestEnv::new(vec![
        MockResponse::function_call(
            "call_1",
            "update_plan",
            r#"{"plan":[{"step":"look","status":"in_progress"},{"step":"fix","status":"pending"}]}"#,
        ),
        MockResponse::function_call(
            "call_2",
            "update_plan",
            r#"{"plan":[{"step":"look","status":"completed"},{"step":"fix","status":"in_progress"}]}"#,
        ),
        MockResponse::message("planned"),
    ]);
    let output = env.exec(&["--json", "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    let list = |look: bool, fix: bool| json!([{"text": "look", "completed": look}, {"text": "fix", "completed": fix}]);
    assert_eq!(
        lines[2..6].to_vec(),
        vec![
            json!({"type": "item.started", "item": {"id": "item_0", "type": "todo_list", "items": list(false, false)}}),
            json!({"type": "item.updated", "item": {"id": "item_0", "type": "todo_list", "items": list(true, false)}}),
            json!({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "planned"}}),
            json!({"type": "item.completed", "item": {"id": "item_0", "type": "todo_list", "items": list(true, false)}}),
        ]
    );
    assert_eq!(
        tool_outputs(&env.bodies()[1]),
        vec!["Plan updated".to_string()]
    );
}

#[test]
fn unknown_tools_and_bad_arguments_are_reported_to_the_model() {
    let env = TestEnv::new(vec![
        MockResponse::Sse(vec![
            ev_function_call("call_1", "no_such_tool", "{}"),
            ev_function_call("call_2", "exec_command", "{not json"),
            ev_assistant_message("msg_0", "trying"),
            ev_completed("resp_1"),
        ]),
        MockResponse::message("ok"),
    ]);
    let output = env.exec(&["x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let outputs = tool_outputs(&env.bodies()[1]);
    assert_eq!(outputs[0], "unsupported call: no_such_tool");
    assert!(
        outputs[1].starts_with("failed to parse exec_command arguments: "),
        "{}",
        outputs[1]
    );
}

#[test]
fn parallel_calls_all_run_and_outputs_keep_call_order() {
    let env = TestEnv::new(vec![
        MockResponse::Sse(vec![
            ev_function_call("call_a", "exec_command", r#"{"cmd":"sleep 0.3; echo a"}"#),
            ev_function_call("call_b", "exec_command", r#"{"cmd":"echo b"}"#),
            ev_completed("resp_1"),
        ]),
        MockResponse::message("both"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let input = common::input(&env.bodies()[1]);
    let order: Vec<(String, String)> = input
        .iter()
        .filter(|item| item["type"] == "function_call_output")
        .map(|item| {
            (
                item["call_id"].as_str().unwrap().to_string(),
                item["output"]
                    .as_str()
                    .unwrap()
                    .rsplit("Output:\n")
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            ("call_a".to_string(), "a\n".to_string()),
            ("call_b".to_string(), "b\n".to_string())
        ]
    );
}

#[test]
fn human_output_shows_commands_and_patches() {
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "exec_command", r#"{"cmd":"echo hi"}"#),
        MockResponse::custom_tool_call(
            "call_2",
            "apply_patch",
            "*** Begin Patch\n*** Add File: a.txt\n+one\n*** End Patch",
        ),
        MockResponse::message("done"),
    ]);
    let output = env.exec(&[FULL_ACCESS, "x"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    let cwd = env.cwd();
    let exec_block = format!(
        "exec\n/bin/bash -lc 'echo hi' in {}\n succeeded in ",
        cwd.display()
    );
    assert!(err.contains(&exec_block), "{err}");
    assert!(err.contains("ms:\nhi\n\n"), "{err}");
    assert!(err.contains("apply patch\npatch: completed\n"), "{err}");
    assert!(err.contains("+++ b/a.txt\n@@ -0,0 +1 @@\n+one\n"), "{err}");
    assert_eq!(common::stdout(&output), "done\n");
}

#[test]
fn workspace_write_applies_patches_inside_the_roots_only() {
    let outside = tempfile::tempdir().unwrap();
    let outside_file = outside.path().join("escape.txt");
    let env = TestEnv::new(vec![
        MockResponse::custom_tool_call(
            "call_1",
            "apply_patch",
            "*** Begin Patch\n*** Add File: inside.txt\n+ok\n*** End Patch",
        ),
        MockResponse::custom_tool_call(
            "call_2",
            "apply_patch",
            &format!(
                "*** Begin Patch\n*** Add File: {}\n+no\n*** End Patch",
                outside_file.display()
            ),
        ),
        MockResponse::message("done"),
    ]);
    // Temp dirs live under /tmp, a writable root unless excluded.
    let output = env.exec(&[
        "-s",
        "workspace-write",
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "x",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&env.path("inside.txt")), "ok\n");
    assert!(!outside_file.exists());
    assert_eq!(
        tool_outputs(&env.bodies()[2]),
        vec![
            "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA inside.txt\n"
                .to_string(),
            "patch rejected: writing outside of the project; rejected by user approval settings"
                .to_string(),
        ]
    );
}

#[test]
fn sandboxed_commands_run_and_writes_outside_the_workspace_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("z");
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "exec_command", r#"{"cmd":"echo sandboxed"}"#),
        MockResponse::function_call(
            "call_2",
            "exec_command",
            &json!({ "cmd": format!("touch {}", target.display()) }).to_string(),
        ),
        MockResponse::function_call(
            "call_3",
            "exec_command",
            r#"{"cmd":"echo $CODEX_SANDBOX_NETWORK_DISABLED > inside.txt"}"#,
        ),
        MockResponse::message("done"),
    ]);
    let output = env.exec(&[
        "--json",
        "-s",
        "workspace-write",
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "x",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    let first = tool_outputs(&bodies[1]);
    assert!(
        first[0]
            .ends_with("Process exited with code 0\nOriginal token count: 3\nOutput:\nsandboxed\n"),
        "{}",
        first[0]
    );
    let second = &tool_outputs(&bodies[2])[1];
    assert!(second.contains("Process exited with code 1\n"), "{second}");
    assert!(
        second.contains(&format!(
            "touch: cannot touch '{}': Permission denied",
            target.display()
        )),
        "{second}"
    );
    assert!(!target.exists());
    assert_eq!(read(&env.path("inside.txt")), "1\n");
    // No approval is ever requested under `never`.
    assert!(!stderr(&output).contains("approval"));
}

#[test]
fn exec_denies_approval_requests_when_a_policy_asks() {
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "exec_command", r#"{"cmd":"ls"}"#),
        MockResponse::function_call("call_2", "exec_command", r#"{"cmd":"touch made.txt"}"#),
        MockResponse::message("done"),
    ]);
    let output = env.exec(&[
        "-s",
        "workspace-write",
        "-c",
        "approval_policy=\"untrusted\"",
        "x",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    // `ls` is known-safe and runs; `touch` needs approval, which exec answers with a denial.
    assert!(tool_outputs(&bodies[1])[0].contains("Process exited with code 0\n"));
    assert_eq!(tool_outputs(&bodies[2])[1], "exec command rejected by user");
    assert!(!env.path("made.txt").exists());
    assert!(
        stderr(&output).contains("approval: untrusted\n"),
        "{}",
        stderr(&output)
    );
}
