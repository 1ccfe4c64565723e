//! `exec_command` and `write_stdin` (unified exec): run a shell command, wait up to its yield
//! time, and keep it alive as a numbered session when it outlives that. Every command goes
//! through the approval decision first and runs under the Linux sandbox helper unless the
//! policy (or the user) says otherwise.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;
use std::time::Instant;

use serde::Deserialize;
use tokio::sync::mpsc;

use super::parse_arguments;
use super::patch;
use crate::apply_patch::extract_heredoc;
use crate::approval::CommandAssessment;
use crate::approval::CommandOutcome;
use crate::approval::EXEC_REJECTED_BY_USER;
use crate::approval::EscalationRequest;
use crate::approval::PriorApproval;
use crate::approval::RetryDecision;
use crate::approval::ReviewDecision;
use crate::approval::SANDBOX_UNAVAILABLE_REASON;
use crate::approval::SandboxType;
use crate::approval::after_sandbox_failure;
use crate::approval::assess_command;
use crate::approval::is_likely_sandbox_denial;
use crate::approval::proposed_prefix_rule;
use crate::config::AskForApproval;
use crate::config::Config;
use crate::exec::ExecError;
use crate::exec::ExecOutput;
use crate::exec::ExecRequest;
use crate::exec::OutputSink;
use crate::protocol::EventMsg;
use crate::protocol::ExecCommandSource;
use crate::protocol::models::FunctionCallOutput;
use crate::sandbox::linux::LINUX_SANDBOX_ARG0;
use crate::sandbox::linux::linux_sandbox_args;
use crate::sandbox::sandbox_env;
use crate::session::Session;
use crate::session::TurnContext;

pub(crate) const DEFAULT_MAX_OUTPUT_TOKENS: usize = 10_000;
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
    justification: Option<String>,
    #[serde(default)]
    login: Option<bool>,
    #[serde(default)]
    max_output_tokens: Option<f64>,
    #[serde(default)]
    prefix_rule: Option<Vec<String>>,
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
        Some(dir) => turn.config.cwd.join(dir),
        None => turn.config.cwd.clone(),
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

    let shell = args
        .shell
        .clone()
        .unwrap_or_else(|| user_shell(&turn.config));
    let login_flag = if args.login.unwrap_or(true) {
        "-lc"
    } else {
        "-c"
    };
    let argv = vec![shell, login_flag.to_string(), args.cmd.clone()];
    let command = Command {
        proposed_prefix_rule: proposed_prefix_rule(&argv, args.prefix_rule.as_deref()),
        argv,
        cwd,
        tty: args.tty.unwrap_or(false),
        yield_time: clamp_ms(args.yield_time_ms, DEFAULT_YIELD_MS, 250, 30_000),
        max_tokens: max_tokens(args.max_output_tokens),
    };
    let escalation = match args.sandbox_permissions {
        SandboxPermissions::UseDefault => EscalationRequest::None,
        SandboxPermissions::RequireEscalated => EscalationRequest::Requested {
            justification: args.justification.clone(),
        },
    };
    match run_with_approvals(sess, turn, call_id, &command, &escalation).await {
        Ok(text) | Err(text) => FunctionCallOutput::Text(text),
    }
}

/// The user's shell (`$SHELL`, else bash): what commands run with unless the model names one.
pub(crate) fn user_shell(config: &Config) -> String {
    config
        .env
        .non_blank("SHELL")
        .unwrap_or("/bin/bash")
        .to_string()
}

/// Runs `run` with a sink whose chunks go out as `ExecCommandOutputDelta`s of `call_id` while
/// it runs; chunks that arrive after it returned are dropped (a process left running as a
/// session keeps writing into its buffer, not into the UI).
pub(crate) async fn with_output_deltas<F: Future>(
    sess: &Session,
    sub_id: &str,
    call_id: &str,
    run: impl FnOnce(OutputSink) -> F,
) -> F::Output {
    let (tx_delta, mut rx_delta) = mpsc::unbounded_channel();
    let run = run(OutputSink::forward_to(tx_delta));
    tokio::pin!(run);
    let emit_delta = |chunk: Vec<u8>| {
        sess.emit(
            sub_id,
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
    result
}

/// One `exec_command`, resolved: what to run, where, and how to wait for it.
struct Command {
    argv: Vec<String>,
    /// The prefix rule offered with an approval request for this command.
    proposed_prefix_rule: Option<Vec<String>>,
    cwd: PathBuf,
    tty: bool,
    yield_time: Duration,
    max_tokens: usize,
}

/// The §7.1 decision sequence: assess, maybe ask, run (sandboxed or not), and after a likely
/// sandbox denial maybe ask again and rerun without the sandbox. `Err` carries a refusal text.
async fn run_with_approvals(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    command: &Command,
    escalation: &EscalationRequest,
) -> Result<String, String> {
    let policy = turn.config.approval_policy;
    let assessment = assess_command(
        policy,
        &turn.config.sandbox_policy,
        &command.argv,
        escalation,
        &sess.approvals(),
    );
    let (mut sandbox, mut prior) = match assessment {
        CommandAssessment::Reject { output } => return Err(output),
        CommandAssessment::Run { sandbox } => (sandbox, PriorApproval::NotApproved),
        CommandAssessment::Ask {
            reason,
            sandbox_if_approved,
        } => {
            ask(sess, turn, call_id, command, reason).await?;
            (sandbox_if_approved, PriorApproval::Approved)
        }
    };
    if sess.approvals().is_command_approved(&command.argv) {
        prior = PriorApproval::Approved;
    }
    if sandbox == SandboxType::LinuxSandbox
        && let Err(unavailable) = sess.sandbox_available()
    {
        match policy {
            AskForApproval::OnFailure | AskForApproval::Untrusted => {
                ask(
                    sess,
                    turn,
                    call_id,
                    command,
                    Some(SANDBOX_UNAVAILABLE_REASON.to_string()),
                )
                .await?;
                sandbox = SandboxType::None;
            }
            AskForApproval::OnRequest | AskForApproval::Never => {
                sess.warn_sandbox_unavailable(&turn.sub_id, &unavailable);
                return Err(unavailable);
            }
        }
    }

    let first = run_once(sess, turn, call_id, command, sandbox).await?;
    let denied = match first.exit_code {
        Some(exit_code) => is_likely_sandbox_denial(
            sandbox,
            CommandOutcome::Exited { exit_code },
            &String::from_utf8_lossy(&first.output),
        ),
        None => false,
    };
    if !denied {
        return Ok(first.format_tool_output(command.max_tokens));
    }
    match after_sandbox_failure(policy, prior) {
        RetryDecision::ReturnOutput => Ok(first.format_tool_output(command.max_tokens)),
        RetryDecision::RetryUnsandboxed => {
            let retry = run_once(sess, turn, call_id, command, SandboxType::None).await?;
            Ok(retry.format_tool_output(command.max_tokens))
        }
        RetryDecision::Ask { reason } => {
            ask(sess, turn, call_id, command, Some(reason)).await?;
            let retry = run_once(sess, turn, call_id, command, SandboxType::None).await?;
            Ok(retry.format_tool_output(command.max_tokens))
        }
    }
}

/// Asks the user about `command`; `Err` is the output for a refusal. `Abort` also ends the turn.
async fn ask(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    command: &Command,
    reason: Option<String>,
) -> Result<(), String> {
    let request = EventMsg::ExecApprovalRequest {
        call_id: call_id.to_string(),
        command: command.argv.clone(),
        cwd: command.cwd.clone(),
        reason,
        proposed_prefix_rule: command.proposed_prefix_rule.clone(),
    };
    match sess.request_approval(&turn.sub_id, call_id, request).await {
        ReviewDecision::Approved => Ok(()),
        ReviewDecision::ApprovedForSession => {
            sess.approvals().approve_command(&command.argv);
            Ok(())
        }
        ReviewDecision::ApprovedExecpolicyAmendment { prefix } => {
            sess.approvals().approve_prefix(&prefix);
            Ok(())
        }
        ReviewDecision::Denied => Err(EXEC_REJECTED_BY_USER.to_string()),
        ReviewDecision::Abort => {
            turn.cancel.cancel();
            Err(EXEC_REJECTED_BY_USER.to_string())
        }
    }
}

/// Spawns the command once (through the Linux sandbox helper when `sandbox` says so), streams
/// its output as deltas, and reports its end if it exited within the yield time.
async fn run_once(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    command: &Command,
    sandbox: SandboxType,
) -> Result<ExecOutput, String> {
    let mut env = sess
        .config
        .shell_environment_policy
        .build_env(&turn.config.env.vars);
    let request = match sandbox {
        SandboxType::None => ExecRequest {
            argv: command.argv.clone(),
            cwd: command.cwd.clone(),
            env,
            tty: command.tty,
            arg0: None,
        },
        SandboxType::LinuxSandbox => {
            let exe = sess.sandbox_exe()?;
            let tmpdir = env.get("TMPDIR").map(PathBuf::from);
            let policy = turn.config.sandbox_policy.with_resolved_roots(
                &command.cwd,
                tmpdir.as_deref(),
                &turn.config.codex_home,
            );
            // Set after the environment policy, so no policy can remove the marker.
            env.extend(sandbox_env(&policy));
            let mut argv = vec![exe.display().to_string()];
            argv.extend(linux_sandbox_args(&policy, &command.cwd, &command.argv));
            ExecRequest {
                argv,
                cwd: command.cwd.clone(),
                env,
                tty: command.tty,
                arg0: Some(LINUX_SANDBOX_ARG0.to_string()),
            }
        }
    };

    sess.emit(
        &turn.sub_id,
        EventMsg::ExecCommandBegin {
            call_id: call_id.to_string(),
            command: command.argv.clone(),
            cwd: command.cwd.clone(),
            source: ExecCommandSource::Agent,
        },
    );
    let result = with_output_deltas(sess, &turn.sub_id, call_id, |sink| {
        sess.unified_exec
            .exec_command(request, command.yield_time, sink, &turn.cancel)
    })
    .await;
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
                        source: ExecCommandSource::Agent,
                    },
                );
            }
            Ok(output)
        }
        // The turn was interrupted: the call's output says so, like every other unfinished one.
        Err(ExecError::Cancelled) => Err("aborted".to_string()),
        Err(err) => {
            sess.emit(
                &turn.sub_id,
                EventMsg::ExecCommandEnd {
                    call_id: call_id.to_string(),
                    exit_code: -1,
                    aggregated_output: err.to_string(),
                    duration: Duration::ZERO,
                    source: ExecCommandSource::Agent,
                },
            );
            Err(format!("exec_command failed: {err}"))
        }
    }
}

pub(super) async fn write_stdin(sess: &Session, arguments: &str) -> FunctionCallOutput {
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

fn clamp_ms(value: Option<f64>, default: u64, min: u64, max: u64) -> Duration {
    let ms = value.map(|ms| ms.max(0.0) as u64).unwrap_or(default);
    Duration::from_millis(ms.clamp(min, max))
}

fn max_tokens(value: Option<f64>) -> usize {
    value
        .map(|tokens| tokens.max(1.0) as usize)
        .unwrap_or(DEFAULT_MAX_OUTPUT_TOKENS)
}
