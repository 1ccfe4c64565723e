use std::path::PathBuf;

use codex_core::config::ReasoningEffort;
use codex_core::config::ReasoningSummaryMode;
use codex_core::protocol::ErrorKind;
use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::McpStartupCompleteEvent;
use codex_core::protocol::McpStartupFailure;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::PlanItem;
use codex_core::protocol::PlanStatus;
use codex_core::protocol::TurnAbortReason;
use codex_core::sandbox::SandboxPolicy;
use pretty_assertions::assert_eq;

use super::ColorMode;
use super::HumanOutput;
use super::HumanSettings;
use super::sandbox_summary;
use super::with_separators;
use crate::event_processor::CodexStatus;
use crate::event_processor::EventProcessor;
use crate::test_util::Captured;
use crate::test_util::agent_message;
use crate::test_util::example_turn;
use crate::test_util::exec_begin;
use crate::test_util::exec_end;
use crate::test_util::mcp_begin;
use crate::test_util::mcp_end;
use crate::test_util::mcp_invocation;
use crate::test_util::mcp_startup;
use crate::test_util::mcp_text_result;
use crate::test_util::session_configured;
use crate::test_util::token_count;
use crate::test_util::turn_complete;
use crate::test_util::turn_started;

fn settings() -> HumanSettings {
    HumanSettings {
        version: "0.169.0".to_string(),
        hide_agent_reasoning: false,
        show_raw_agent_reasoning: false,
    }
}

/// Feeds `events` to a fresh processor; returns stderr and the status after each event.
fn run_with(
    color: ColorMode,
    prompt: &str,
    settings: HumanSettings,
    events: &[EventMsg],
) -> (String, Vec<CodexStatus>) {
    let stderr = Captured::default();
    let mut output = HumanOutput::new(stderr.writer(), color, prompt.to_string(), settings);
    let statuses = events.iter().map(|msg| output.process_event(msg)).collect();
    (stderr.text(), statuses)
}

fn plain(events: &[EventMsg]) -> String {
    run_with(ColorMode::Plain, "Run echo hi", settings(), events).0
}

fn colored(events: &[EventMsg]) -> String {
    run_with(ColorMode::Ansi, "Run echo hi", settings(), events).0
}

fn turn_failed(message: &str) -> EventMsg {
    EventMsg::TurnFailed {
        turn_id: "turn-1".to_string(),
        message: message.to_string(),
        kind: ErrorKind::Other,
    }
}

const PLAIN_HEADER: &str = "\
OpenAI Codex v0.169.0
--------
workdir: /home/user/project
model: gpt-5.5
provider: openai
approval: never
sandbox: read-only
reasoning effort: none
reasoning summaries: none
session id: 019a0000-0000-7000-8000-000000000000
--------
user
Run echo hi
";

const COLORED_HEADER: &str = "\
OpenAI Codex v0.169.0
--------
\x1b[1mworkdir:\x1b[0m /home/user/project
\x1b[1mmodel:\x1b[0m gpt-5.5
\x1b[1mprovider:\x1b[0m openai
\x1b[1mapproval:\x1b[0m never
\x1b[1msandbox:\x1b[0m read-only
\x1b[1mreasoning effort:\x1b[0m none
\x1b[1mreasoning summaries:\x1b[0m none
\x1b[1msession id:\x1b[0m 019a0000-0000-7000-8000-000000000000
--------
\x1b[36muser\x1b[0m
Run echo hi
";

#[test]
fn example_tool_turn_plain_matches_the_spec() {
    let (stderr, statuses) = run_with(ColorMode::Plain, "Run echo hi", settings(), &example_turn());
    let expected = format!(
        "{PLAIN_HEADER}\
**Running echo**

I will run echo hi.
exec
/bin/bash -lc 'echo hi' in /home/user/project
 succeeded in 0ms:
hi

codex
The command printed: hi
tokens used
1,700
"
    );
    assert_eq!(stderr, expected);
    let mut expected_statuses = vec![CodexStatus::Running; statuses.len() - 1];
    expected_statuses.push(CodexStatus::TurnEnded);
    assert_eq!(statuses, expected_statuses);
}

#[test]
fn example_tool_turn_colored_uses_the_spec_sgr_codes() {
    let expected = format!(
        "{COLORED_HEADER}\
\x1b[2m**Running echo**

I will run echo hi.\x1b[0m
\x1b[35m\x1b[3mexec\x1b[0m\x1b[0m
\x1b[1m/bin/bash -lc 'echo hi'\x1b[0m in /home/user/project
\x1b[32m succeeded in 0ms:\x1b[0m
hi

\x1b[35m\x1b[3mcodex\x1b[0m\x1b[0m
The command printed: hi
\x1b[2mtokens used\x1b[0m
1,700
"
    );
    assert_eq!(colored(&example_turn()), expected);
}

#[test]
fn failed_turn_prints_the_error_twice_and_no_tokens_used() {
    let events = [
        session_configured(SandboxPolicy::ReadOnly),
        turn_started(),
        EventMsg::StreamError {
            message: "stream disconnected before completion".to_string(),
            attempt: 1,
            max_attempts: 5,
            kind: ErrorKind::InternalServerError,
        },
        token_count(10, 0, 0, 0),
        turn_failed("unexpected status 401 Unauthorized"),
    ];
    let (stderr, statuses) = run_with(ColorMode::Plain, "Run echo hi", settings(), &events);
    assert_eq!(
        stderr,
        format!(
            "{PLAIN_HEADER}\
ERROR: Reconnecting... 1/5
ERROR: unexpected status 401 Unauthorized
ERROR: unexpected status 401 Unauthorized
"
        )
    );
    assert_eq!(statuses.last(), Some(&CodexStatus::TurnEnded));
    assert_eq!(
        colored(&events),
        format!(
            "{COLORED_HEADER}\
\x1b[31mERROR: Reconnecting... 1/5\x1b[0m
\x1b[31mERROR: unexpected status 401 Unauthorized\x1b[0m
\x1b[31mERROR: unexpected status 401 Unauthorized\x1b[0m
"
        )
    );
}

#[test]
fn failed_command_and_output_without_trailing_newline() {
    let events = [
        exec_begin("c1", "exit 3"),
        exec_end("c1", 3, "", 1083),
        exec_begin("c2", r"printf 'a\nb'"),
        exec_end("c2", 0, "a\nb", 5),
    ];
    assert_eq!(
        plain(&events),
        "\
exec
/bin/bash -lc 'exit 3' in /home/user/project
 exited 3 in 1083ms:

exec
/bin/bash -lc \"printf 'a\\\\nb'\" in /home/user/project
 succeeded in 5ms:
a
b

"
    );
    assert_eq!(
        colored(&events[..2]),
        "\
\x1b[35m\x1b[3mexec\x1b[0m\x1b[0m
\x1b[1m/bin/bash -lc 'exit 3'\x1b[0m in /home/user/project
\x1b[31m exited 3 in 1083ms:\x1b[0m

"
    );
}

#[test]
fn patch_block_lists_each_file_with_its_diff() {
    let changes = vec![
        FileChange {
            path: PathBuf::from("/home/user/project/hello.txt"),
            kind: FileChangeKind::Add,
            unified_diff: "\
diff --git a/hello.txt b/hello.txt
new file mode 100644
index 0000000..ce01362
--- /dev/null
+++ b/hello.txt
@@ -0,0 +1 @@
+hello
"
            .to_string(),
        },
        FileChange {
            path: PathBuf::from("/home/user/project/gone.txt"),
            kind: FileChangeKind::Delete,
            unified_diff: String::new(),
        },
    ];
    let events = [
        EventMsg::PatchApplyBegin {
            call_id: "p1".to_string(),
            changes: changes.clone(),
        },
        EventMsg::PatchApplyEnd {
            call_id: "p1".to_string(),
            success: true,
            changes,
        },
    ];
    assert_eq!(
        plain(&events),
        "\
apply patch
patch: completed
/home/user/project/hello.txt
diff --git a/hello.txt b/hello.txt
new file mode 100644
index 0000000..ce01362
--- /dev/null
+++ b/hello.txt
@@ -0,0 +1 @@
+hello
/home/user/project/gone.txt

"
    );
    let failed = [EventMsg::PatchApplyEnd {
        call_id: "p2".to_string(),
        success: false,
        changes: Vec::new(),
    }];
    assert_eq!(
        colored(&failed),
        "\x1b[35m\x1b[3mapply patch\x1b[0m\x1b[0m\n\x1b[31mpatch: failed\x1b[0m\n\n"
    );
}

#[test]
fn header_shows_configured_reasoning_and_workspace_write_roots() {
    let mut event = session_configured(SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![PathBuf::from("/srv/data")],
        network_access: true,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    });
    if let EventMsg::SessionConfigured(session) = &mut event {
        session.reasoning_effort = Some(ReasoningEffort::High);
        session.reasoning_summary = Some(ReasoningSummaryMode::Detailed);
    }
    let (stderr, _) = run_with(ColorMode::Plain, "line\n", settings(), &[event]);
    assert_eq!(
        stderr,
        "\
OpenAI Codex v0.169.0
--------
workdir: /home/user/project
model: gpt-5.5
provider: openai
approval: never
sandbox: workspace-write [workdir, /tmp, $TMPDIR, /srv/data] (network access enabled)
reasoning effort: high
reasoning summaries: detailed
session id: 019a0000-0000-7000-8000-000000000000
--------
user
line

"
    );
}

#[test]
fn sandbox_summaries() {
    let workspace = |exclude_slash_tmp, exclude_tmpdir_env_var| SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![PathBuf::from("/a"), PathBuf::from("/b")],
        network_access: false,
        exclude_tmpdir_env_var,
        exclude_slash_tmp,
    };
    assert_eq!(
        [
            sandbox_summary(&SandboxPolicy::ReadOnly),
            sandbox_summary(&SandboxPolicy::DangerFullAccess),
            sandbox_summary(&workspace(false, false)),
            sandbox_summary(&workspace(true, false)),
            sandbox_summary(&workspace(false, true)),
            sandbox_summary(&workspace(true, true)),
        ],
        [
            "read-only",
            "danger-full-access",
            "workspace-write [workdir, /tmp, $TMPDIR, /a, /b]",
            "workspace-write [workdir, $TMPDIR, /a, /b]",
            "workspace-write [workdir, /tmp, /a, /b]",
            "workspace-write [workdir, /a, /b]",
        ]
        .map(str::to_string)
    );
}

#[test]
fn reasoning_visibility_follows_settings() {
    let events = [
        EventMsg::AgentReasoning {
            item_id: "rs_1".to_string(),
            summary: vec!["summary".to_string()],
        },
        EventMsg::AgentReasoningRawContent {
            text: "raw".to_string(),
        },
    ];
    assert_eq!(plain(&events), "summary\n");
    let hidden_summary_raw_shown = HumanSettings {
        hide_agent_reasoning: true,
        show_raw_agent_reasoning: true,
        ..settings()
    };
    let (stderr, _) = run_with(ColorMode::Plain, "", hidden_summary_raw_shown, &events);
    assert_eq!(stderr, "raw\n");
}

#[test]
fn plan_web_search_warning_and_abort() {
    let events = [
        EventMsg::PlanUpdate {
            explanation: Some("Two steps".to_string()),
            plan: vec![
                PlanItem {
                    step: "Read".to_string(),
                    status: PlanStatus::Completed,
                },
                PlanItem {
                    step: "Fix".to_string(),
                    status: PlanStatus::InProgress,
                },
                PlanItem {
                    step: "Test".to_string(),
                    status: PlanStatus::Pending,
                },
            ],
        },
        EventMsg::WebSearch {
            call_id: "ws".to_string(),
            query: "rust".to_string(),
        },
        EventMsg::Warning {
            message: "Falling back to HTTPS.".to_string(),
        },
        agent_message("partial"),
        EventMsg::TurnAborted {
            turn_id: "turn-1".to_string(),
            reason: TurnAbortReason::Interrupted,
        },
    ];
    let (stderr, statuses) = run_with(ColorMode::Plain, "", settings(), &events);
    assert_eq!(
        stderr,
        "\
plan update
Two steps
  ✓ Read
  → Fix
  • Test
web search: rust
warning: Falling back to HTTPS.
codex
partial
ERROR: turn interrupted
"
    );
    assert_eq!(statuses.last(), Some(&CodexStatus::TurnEnded));
}

#[test]
fn no_tokens_used_without_a_token_count() {
    assert_eq!(
        plain(&[agent_message("hi"), turn_complete(Some("hi"))]),
        "codex\nhi\n"
    );
}

#[test]
fn mcp_startup_lines_and_summary_match_the_spec() {
    assert_eq!(
        plain(&mcp_startup()),
        "\
mcp: docs starting
mcp: missing starting
mcp: docs ready
mcp: missing failed: MCP client for `missing` failed to start: MCP startup failed: No such file or directory (os error 2)
mcp startup: ready: docs; failed: missing
"
    );
}

#[test]
fn mcp_startup_summary_parts() {
    let summary = |ready: &[&str], failed: &[&str], cancelled: &[&str]| {
        EventMsg::McpStartupComplete(McpStartupCompleteEvent {
            ready: ready.iter().map(ToString::to_string).collect(),
            failed: failed
                .iter()
                .map(|server| McpStartupFailure {
                    server: (*server).to_string(),
                    error: "boom".to_string(),
                })
                .collect(),
            cancelled: cancelled.iter().map(ToString::to_string).collect(),
        })
    };
    let events = [
        summary(&["a", "b"], &[], &[]),
        summary(&[], &["c", "d"], &[]),
        summary(&[], &["c"], &["e"]),
        EventMsg::McpStartupUpdate {
            server: "e".to_string(),
            status: McpStartupStatus::Cancelled,
        },
        summary(&[], &[], &[]),
    ];
    assert_eq!(
        plain(&events),
        "\
mcp startup: ready: a, b
mcp startup: failed: c, d
mcp startup: failed: c; cancelled: e
mcp: e cancelled
"
    );
}

#[test]
fn mcp_tool_calls_show_the_call_and_its_result() {
    let echo = mcp_invocation("echo", Some(serde_json::json!({"message": "hi"})));
    let list = mcp_invocation("list", None);
    let slow = mcp_invocation("slow", Some(serde_json::json!({})));
    let events = [
        mcp_begin("m1", &echo),
        mcp_end("m1", &echo, 12, Ok(mcp_text_result("Echo: hi", None))),
        mcp_begin("m2", &list),
        mcp_end(
            "m2",
            &list,
            3,
            Ok(McpToolCallResult {
                content: Vec::new(),
                structured_content: Some(serde_json::json!({"n": 7})),
                is_error: Some(false),
            }),
        ),
        mcp_end("m3", &echo, 1, Ok(mcp_text_result("bad input", Some(true)))),
        mcp_end(
            "m4",
            &slow,
            2000,
            Err("tool call failed for `docs/slow`".to_string()),
        ),
    ];
    assert_eq!(
        plain(&events),
        r#"tool docs.echo({"message":"hi"})
docs.echo({"message":"hi"}) success in 12ms:
{"content":[{"type":"text","text":"Echo: hi"}],"structured_content":null}

tool docs.list()
docs.list() success in 3ms:
{"content":[],"structured_content":{"n":7}}

docs.echo({"message":"hi"}) failed in 1ms:
{"content":[{"type":"text","text":"bad input"}],"structured_content":null}

docs.slow({}) failed in 2000ms:
tool call failed for `docs/slow`

"#
    );
    assert_eq!(
        colored(&events[..2]),
        "\
\x1b[35m\x1b[3mtool\x1b[0m\x1b[0m \x1b[1mdocs.echo({\"message\":\"hi\"})\x1b[0m
\x1b[32mdocs.echo({\"message\":\"hi\"}) success in 12ms:\x1b[0m
{\"content\":[{\"type\":\"text\",\"text\":\"Echo: hi\"}],\"structured_content\":null}

"
    );
    assert_eq!(
        colored(&events[5..]),
        "\x1b[31mdocs.slow({}) failed in 2000ms:\x1b[0m\ntool call failed for `docs/slow`\n\n"
    );
}

#[test]
fn thousands_separators() {
    assert_eq!(
        [0, 7, 999, 1_000, 1_700, 12_345, 999_999, 1_234_567].map(with_separators),
        [
            "0",
            "7",
            "999",
            "1,000",
            "1,700",
            "12,345",
            "999,999",
            "1,234,567"
        ]
        .map(str::to_string)
    );
}
