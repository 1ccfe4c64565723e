//! `exec_command` and `write_stdin` (unified exec): run a shell command, wait up to its yield
//! time, and keep it alive as a numbered session when it outlives that. Until the Linux sandbox
//! lands, commands run only under `danger-full-access`; other policies refuse them clearly.

use std::time::Duration;
use std::time::Instant;

use serde::Deserialize;
use tokio::sync::mpsc;

use super::parse_arguments;
use super::patch;
use crate::apply_patch::extract_heredoc;
use crate::config::AskForApproval;
use crate::exec::ExecRequest;
use crate::exec::OutputSink;
use crate::protocol::EventMsg;
use crate::protocol::models::FunctionCallOutput;
use crate::sandbox::SandboxPolicy;
use crate::session::Session;
use crate::session::TurnContext;

const DEFAULT_MAX_OUTPUT_TOKENS: usize = 10_000;
const DEFAULT_YIELD_MS: u64 = 10_000;
const WRITE_YIELD_MS: u64 = 250;
const POLL_YIELD_MS: u64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
enum SandboxPermissions {
    #[default]
    UseDefault,
    RequireEscalated,
}

#[derive(Deserialize)]
struct ExecCommandArgs {
    cmd: String,
    #[serde(default)]
    login: Option<bool>,
    #[serde(default)]
    max_output_tokens: Option<f64>,
    #[serde(default)]
    sandbox_permissions: SandboxPermissions,
    #[serde(default)]
    shell: Option<String>,
    #[serde(default)]
    tty: Option<bool>,
    #[serde(default)]
    workdir: Option<String>,
    #[serde(default)]
    yield_time_ms: Option<f64>,
}

#[derive(Deserialize)]
struct WriteStdinArgs {
    session_id: f64,
    #[serde(default)]
    chars: String,
    #[serde(default)]
    max_output_tokens: Option<f64>,
    #[serde(default)]
    yield_time_ms: Option<f64>,
}

pub(super) async fn exec_command(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    arguments: &str,
) -> FunctionCallOutput {
    let args: ExecCommandArgs = match parse_arguments("exec_command", arguments) {
        Ok(args) => args,
        Err(message) => return FunctionCallOutput::Text(message),
    };
    let cwd = match &args.workdir {
        Some(dir) => sess.config.cwd.join(dir),
        None => sess.config.cwd.clone(),
    };
    if let Some(heredoc) = extract_heredoc(&args.cmd) {
        let started = Instant::now();
        let patch_cwd = heredoc
            .workdir
            .map(|dir| cwd.join(dir))
            .unwrap_or_else(|| cwd.clone());
        let output = patch::apply_patch(sess, turn, call_id, &heredoc.patch, &patch_cwd).await;
        return FunctionCallOutput::Text(format!(
            "Wall time: {:.4} seconds\nOutput:\n{output}",
            started.elapsed().as_secs_f64()
        ));
    }

    let approval = sess.config.approval_policy;
    if args.sandbox_permissions == SandboxPermissions::RequireEscalated
        && approval != AskForApproval::OnRequest
    {
        let policy = match approval {
            AskForApproval::Untrusted => "UnlessTrusted",
            AskForApproval::OnFailure => "OnFailure",
            AskForApproval::OnRequest => "OnRequest",
            AskForApproval::Never => "Never",
        };
        return FunctionCallOutput::Text(format!(
            "approval policy is {policy}; reject command \u{2014} you should not ask for escalated permissions if the approval policy is {policy}"
        ));
    }
    if let Some(refusal) = sandbox_refusal(&sess.config.sandbox_policy) {
        sess.emit(
            &turn.sub_id,
            EventMsg::Warning {
                message: refusal.clone(),
            },
        );
        return FunctionCallOutput::Text(refusal);
    }

    let shell = args
        .shell
        .clone()
        .or_else(|| sess.config.env.non_blank("SHELL").map(str::to_string))
        .unwrap_or_else(|| "/bin/bash".to_string());
    let login_flag = if args.login.unwrap_or(true) {
        "-lc"
    } else {
        "-c"
    };
    let argv = vec![shell, login_flag.to_string(), args.cmd.clone()];
    let request = ExecRequest {
        argv: argv.clone(),
        cwd: cwd.clone(),
        env: sess
            .config
            .shell_environment_policy
            .build_env(&sess.config.env.vars),
        tty: args.tty.unwrap_or(false),
        arg0: None,
    };
    let yield_time = clamp_ms(args.yield_time_ms, DEFAULT_YIELD_MS, 250, 30_000);
    let max_tokens = max_tokens(args.max_output_tokens);

    sess.emit(
        &turn.sub_id,
        EventMsg::ExecCommandBegin {
            call_id: call_id.to_string(),
            command: argv,
            cwd,
        },
    );
    // The sink outlives this call when the process keeps running as a session; only the
    // output produced during this call is forwarded as deltas.
    let (tx_delta, mut rx_delta) = mpsc::unbounded_channel();
    let run = sess.unified_exec.exec_command(
        request,
        yield_time,
        OutputSink::forward_to(tx_delta),
        &turn.cancel,
    );
    tokio::pin!(run);
    let emit_delta = |chunk: Vec<u8>| {
        sess.emit(
            &turn.sub_id,
            EventMsg::ExecCommandOutputDelta {
                call_id: call_id.to_string(),
                chunk,
            },
        );
    };
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            Some(chunk) = rx_delta.recv() => emit_delta(chunk),
        }
    };
    while let Ok(chunk) = rx_delta.try_recv() {
        emit_delta(chunk);
    }
    match result {
        Ok(output) => {
            if let Some(exit_code) = output.exit_code {
                sess.emit(
                    &turn.sub_id,
                    EventMsg::ExecCommandEnd {
                        call_id: call_id.to_string(),
                        exit_code,
                        aggregated_output: String::from_utf8_lossy(&output.output).into_owned(),
                        duration: output.wall_time,
                    },
                );
            }
            FunctionCallOutput::Text(output.format_tool_output(max_tokens))
        }
        Err(err) => {
            sess.emit(
                &turn.sub_id,
                EventMsg::ExecCommandEnd {
                    call_id: call_id.to_string(),
                    exit_code: -1,
                    aggregated_output: err.to_string(),
                    duration: Duration::ZERO,
                },
            );
            FunctionCallOutput::Text(format!("exec_command failed: {err}"))
        }
    }
}

pub(super) async fn write_stdin(
    sess: &Session,
    _turn: &TurnContext,
    _call_id: &str,
    arguments: &str,
) -> FunctionCallOutput {
    let args: WriteStdinArgs = match parse_arguments("write_stdin", arguments) {
        Ok(args) => args,
        Err(message) => return FunctionCallOutput::Text(message),
    };
    let yield_time = if args.chars.is_empty() {
        clamp_ms(args.yield_time_ms, POLL_YIELD_MS, 250, 300_000)
    } else {
        clamp_ms(args.yield_time_ms, WRITE_YIELD_MS, 250, 30_000)
    };
    let max_tokens = max_tokens(args.max_output_tokens);
    match sess
        .unified_exec
        .write_stdin(args.session_id as i32, &args.chars, yield_time)
        .await
    {
        Ok(output) => FunctionCallOutput::Text(output.format_tool_output(max_tokens)),
        Err(err) => FunctionCallOutput::Text(format!("write_stdin failed: {err}")),
    }
}

/// Why a command cannot run under this policy yet, or `None` when it may run.
fn sandbox_refusal(policy: &SandboxPolicy) -> Option<String> {
    match policy {
        SandboxPolicy::DangerFullAccess => None,
        SandboxPolicy::ReadOnly | SandboxPolicy::WorkspaceWrite { .. } => Some(format!(
            "command not run: this build of codex cannot enforce the `{}` sandbox yet, so commands only run under `danger-full-access`. To run commands unsandboxed, rerun with `--sandbox danger-full-access` (or `-c sandbox_mode=\"danger-full-access\"`).",
            policy.mode().as_str()
        )),
    }
}

fn clamp_ms(value: Option<f64>, default: u64, min: u64, max: u64) -> Duration {
    let ms = value.map(|ms| ms.max(0.0) as u64).unwrap_or(default);
    Duration::from_millis(ms.clamp(min, max))
}

fn max_tokens(value: Option<f64>) -> usize {
    value
        .map(|tokens| tokens.max(1.0) as usize)
        .unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS)
}
