//! Test helpers shared by the output modes: a capturable writer and the event sequence of the
//! exec.md §4/§5 example turn.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use codex_core::config::AskForApproval;
use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::HistoryInitialization;
use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpStartupCompleteEvent;
use codex_core::protocol::McpStartupFailure;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::SessionConfiguredEvent;
use codex_core::protocol::TokenUsage;
use codex_core::sandbox::SandboxPolicy;

/// A writer whose bytes the test reads back after the processor is done with it.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub(crate) fn writer(&self) -> Box<dyn Write + Send> {
        Box::new(self.clone())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(crate) const THREAD_ID: &str = "019a0000-0000-7000-8000-000000000000";

pub(crate) fn session_configured(sandbox_policy: SandboxPolicy) -> EventMsg {
    EventMsg::SessionConfigured(SessionConfiguredEvent {
        thread_id: THREAD_ID.to_string(),
        model: "gpt-5.5".to_string(),
        model_provider_id: "openai".to_string(),
        cwd: PathBuf::from("/home/user/project"),
        approval_policy: AskForApproval::Never,
        sandbox_policy,
        reasoning_effort: None,
        reasoning_summary: None,
        rollout_path: None,
        history_initialization: HistoryInitialization::New,
    })
}

pub(crate) fn turn_started() -> EventMsg {
    EventMsg::TurnStarted {
        turn_id: "turn-1".to_string(),
    }
}

pub(crate) fn exec_begin(call_id: &str, script: &str) -> EventMsg {
    EventMsg::ExecCommandBegin {
        call_id: call_id.to_string(),
        command: vec![
            "/bin/bash".to_string(),
            "-lc".to_string(),
            script.to_string(),
        ],
        cwd: PathBuf::from("/home/user/project"),
        source: ExecCommandSource::Agent,
    }
}

pub(crate) fn exec_end(call_id: &str, exit_code: i32, output: &str, millis: u64) -> EventMsg {
    EventMsg::ExecCommandEnd {
        call_id: call_id.to_string(),
        exit_code,
        aggregated_output: output.to_string(),
        duration: Duration::from_millis(millis),
        source: ExecCommandSource::Agent,
    }
}

/// `docs.<tool>` called with `arguments`.
pub(crate) fn mcp_invocation(tool: &str, arguments: Option<serde_json::Value>) -> McpInvocation {
    McpInvocation {
        server: "docs".to_string(),
        tool: tool.to_string(),
        arguments,
    }
}

pub(crate) fn mcp_begin(call_id: &str, invocation: &McpInvocation) -> EventMsg {
    EventMsg::McpToolCallBegin {
        call_id: call_id.to_string(),
        invocation: invocation.clone(),
    }
}

pub(crate) fn mcp_end(
    call_id: &str,
    invocation: &McpInvocation,
    millis: u64,
    result: Result<McpToolCallResult, String>,
) -> EventMsg {
    EventMsg::McpToolCallEnd {
        call_id: call_id.to_string(),
        invocation: invocation.clone(),
        duration: Duration::from_millis(millis),
        result,
    }
}

/// A text-only result (`is_error` as the server set it).
pub(crate) fn mcp_text_result(text: &str, is_error: Option<bool>) -> McpToolCallResult {
    McpToolCallResult {
        content: vec![serde_json::json!({"type": "text", "text": text})],
        structured_content: None,
        is_error,
    }
}

/// The mcp.md §2.3 start-up: `docs` ready, `missing` failed, then the summary.
pub(crate) fn mcp_startup() -> Vec<EventMsg> {
    let error = "MCP client for `missing` failed to start: MCP startup failed: No such file or directory (os error 2)";
    let update = |server: &str, status: McpStartupStatus| EventMsg::McpStartupUpdate {
        server: server.to_string(),
        status,
    };
    vec![
        update("docs", McpStartupStatus::Starting),
        update("missing", McpStartupStatus::Starting),
        update("docs", McpStartupStatus::Ready),
        update(
            "missing",
            McpStartupStatus::Failed {
                error: error.to_string(),
            },
        ),
        EventMsg::McpStartupComplete(McpStartupCompleteEvent {
            ready: vec!["docs".to_string()],
            failed: vec![McpStartupFailure {
                server: "missing".to_string(),
                error: error.to_string(),
            }],
            cancelled: Vec::new(),
        }),
    ]
}

pub(crate) fn agent_message(text: &str) -> EventMsg {
    EventMsg::AgentMessage {
        item_id: "msg_1".to_string(),
        text: text.to_string(),
        phase: None,
    }
}

pub(crate) fn token_count(input: u64, cached: u64, output: u64, reasoning: u64) -> EventMsg {
    let total = TokenUsage {
        input_tokens: input,
        cached_input_tokens: cached,
        cache_write_input_tokens: 0,
        output_tokens: output,
        reasoning_output_tokens: reasoning,
        total_tokens: input + output,
    };
    EventMsg::TokenCount {
        total,
        last: total,
        model_context_window: Some(258_400),
    }
}

pub(crate) fn turn_complete(last_agent_message: Option<&str>) -> EventMsg {
    EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: last_agent_message.map(str::to_string),
    }
}

/// The exec.md §4/§5 example turn: reasoning, `echo hi`, the answer, usage.
pub(crate) fn example_turn() -> Vec<EventMsg> {
    vec![
        session_configured(SandboxPolicy::ReadOnly),
        turn_started(),
        EventMsg::AgentReasoning {
            item_id: "rs_1".to_string(),
            summary: vec!["**Running echo**\n\nI will run echo hi.".to_string()],
        },
        exec_begin("call_1", "echo hi"),
        EventMsg::ExecCommandOutputDelta {
            call_id: "call_1".to_string(),
            chunk: b"hi\n".to_vec(),
        },
        exec_end("call_1", 0, "hi\n", 0),
        token_count(1000, 0, 50, 10),
        EventMsg::AgentMessageDelta {
            item_id: "msg_1".to_string(),
            delta: "The command".to_string(),
        },
        agent_message("The command printed: hi"),
        token_count(2000, 400, 100, 20),
        turn_complete(Some("The command printed: hi")),
    ]
}
