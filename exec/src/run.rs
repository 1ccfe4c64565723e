//! One `codex exec` run: read the prompt, check the directory, load config, start (or resume)
//! the thread, run one turn while rendering its events, and turn the outcome into an exit code.

use std::io::IsTerminal;
use std::io::Read;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use codex_core::Codex;
use codex_core::InitialHistory;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::approval;
use codex_core::config::AskForApproval;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use codex_core::model_catalog;
use codex_core::protocol::EventMsg;
use codex_core::protocol::Op;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::TurnOverrides;
use codex_core::protocol::UserInput;
use codex_core::rollout;
use codex_core::sandbox::SandboxMode;
use tokio::signal::unix::SignalKind;

use crate::cli::Cli;
use crate::cli::Color;
use crate::cli::Command;
use crate::cli::SandboxModeArg;
use crate::event_processor::CodexStatus;
use crate::event_processor::EventProcessor;
use crate::human_output::ColorMode;
use crate::human_output::HumanOutput;
use crate::human_output::HumanSettings;
use crate::jsonl_output::JsonlOutput;
use crate::jsonl_output::JsonlSettings;

const ORIGINATOR: &str = "codex_exec";
const ORIGINATOR_OVERRIDE_VAR: &str = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

/// Runs `codex exec` and returns the process exit code. Errors are printed here.
pub async fn run_main(cli: Cli) -> i32 {
    match run(cli).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            1
        }
    }
}

async fn run(cli: Cli) -> Result<i32, String> {
    let env = ConfigEnv::from_process();
    let (resume, prompt_arg) = match cli.command {
        Some(Command::Resume(args)) => {
            // `resume --last "P"`: the only positional is the prompt.
            let (session_id, prompt) = if args.last && args.prompt.is_none() {
                (None, args.session_id)
            } else {
                (args.session_id, args.prompt)
            };
            (
                Some(ResumeTarget {
                    session_id,
                    last: args.last,
                    all: args.all,
                }),
                prompt,
            )
        }
        None => (None, cli.prompt),
    };
    let prompt = read_prompt(prompt_arg)?;

    let cwd = match &cli.cwd {
        Some(dir) => std::env::current_dir()
            .map_err(|err| format!("cannot read the current directory: {err}"))?
            .join(dir),
        None => std::env::current_dir()
            .map_err(|err| format!("cannot read the current directory: {err}"))?,
    };
    let shared = cli.shared;
    if !shared.skip_git_repo_check && !inside_git_work_tree(&cwd) {
        return Err(
            "Not inside a trusted directory and --skip-git-repo-check was not specified."
                .to_string(),
        );
    }

    let bypass = shared.dangerously_bypass_approvals_and_sandbox;
    if bypass && cli.full_auto {
        eprintln!(
            "error: the argument '--dangerously-bypass-approvals-and-sandbox' cannot be used with '--full-auto'\n\nFor more information, try '--help'."
        );
        return Ok(2);
    }
    let sandbox_mode = if bypass {
        Some(SandboxMode::DangerFullAccess)
    } else if cli.full_auto {
        Some(SandboxMode::WorkspaceWrite)
    } else {
        cli.sandbox_mode.map(|mode| match mode {
            SandboxModeArg::ReadOnly => SandboxMode::ReadOnly,
            SandboxModeArg::WorkspaceWrite => SandboxMode::WorkspaceWrite,
            SandboxModeArg::DangerFullAccess => SandboxMode::DangerFullAccess,
        })
    };
    let overrides = ConfigOverrides {
        model: shared.model.clone(),
        cwd: Some(cwd.clone()),
        sandbox_mode,
        approval_policy: bypass.then_some(AskForApproval::Never),
        default_approval_policy: Some(AskForApproval::Never),
        additional_writable_roots: cli.add_dir,
        profile: cli.profile,
        config_overrides: shared.config_overrides,
        enable_features: shared.enable,
        disable_features: shared.disable,
        oss: cli.oss,
        local_provider: cli.local_provider,
        base_instructions: None,
        developer_instructions: None,
    };
    let config = load_config(overrides, env.clone()).map_err(|err| err.to_string())?;
    for warning in &config.warnings {
        eprintln!("{warning}");
    }
    if config.approval_policy == AskForApproval::OnFailure {
        eprintln!("{}", approval::on_failure_deprecation_warning());
    }
    if !model_catalog::find_model(&config.model).known {
        eprintln!(
            "warning: {}",
            model_catalog::unknown_model_warning(&config.model)
        );
    }

    let output_schema = match &shared.output_schema {
        Some(path) => Some(read_output_schema(path)?),
        None => None,
    };
    let resumed = match resume {
        Some(target) => Some(find_resumed(&config.codex_home, &config.cwd, &target)?),
        None => None,
    };

    let originator = env
        .non_blank(ORIGINATOR_OVERRIDE_VAR)
        .unwrap_or(ORIGINATOR)
        .to_string();
    let options = SessionOptions {
        originator,
        client_name: ORIGINATOR.to_string(),
        client_version: env!("CARGO_PKG_VERSION").to_string(),
        source: "exec".to_string(),
        thread_source: shared
            .thread_source
            .clone()
            .unwrap_or_else(|| "user".to_string()),
        turn_trigger: "exec".to_string(),
        persistence: if shared.ephemeral {
            Persistence::Ephemeral
        } else {
            Persistence::Rollout
        },
        history: match resumed {
            Some(resumed) => InitialHistory::Resumed(resumed),
            None => InitialHistory::New,
        },
        linux_sandbox_exe: std::env::current_exe().ok(),
        attestation: None,
    };

    let mut processor: Box<dyn EventProcessor> = if shared.json {
        Box::new(JsonlOutput::new(
            Box::new(std::io::stdout()),
            JsonlSettings {
                hide_agent_reasoning: config.hide_agent_reasoning,
            },
        ))
    } else {
        let colour = match cli.color {
            Color::Always => ColorMode::Ansi,
            Color::Never => ColorMode::Plain,
            Color::Auto if std::io::stderr().is_terminal() => ColorMode::Ansi,
            Color::Auto => ColorMode::Plain,
        };
        Box::new(HumanOutput::new(
            Box::new(std::io::stderr()),
            colour,
            prompt.clone(),
            HumanSettings {
                hide_agent_reasoning: config.hide_agent_reasoning,
                show_raw_agent_reasoning: config.show_raw_agent_reasoning,
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
        ))
    };

    let last_message_file = shared.last_message_file;
    let mut items: Vec<UserInput> = shared
        .images
        .into_iter()
        .map(|path| UserInput::LocalImage { path })
        .collect();
    items.push(UserInput::Text { text: prompt });

    let (mut codex, _configured) = Codex::spawn(config, options)
        .await
        .map_err(|err| err.to_string())?;
    codex
        .submit(Op::UserTurn {
            items,
            overrides: TurnOverrides {
                output_schema,
                ..TurnOverrides::default()
            },
        })
        .map_err(|err| err.to_string())?;

    // Registered before the turn starts so a SIGINT at any point interrupts it instead of
    // killing the process and leaving its children behind.
    let mut interrupts = tokio::signal::unix::signal(SignalKind::interrupt())
        .map_err(|err| format!("failed to listen for SIGINT: {err}"))?;
    let mut outcome = Outcome::Failed;
    let mut last_message = None;
    let mut interrupted = false;
    loop {
        let event = tokio::select! {
            event = codex.next_event() => event,
            Some(()) = interrupts.recv(), if !interrupted => {
                interrupted = true;
                let _ = codex.submit(Op::Interrupt);
                continue;
            }
        };
        let Some(event) = event else { break };
        if event.msg == EventMsg::ShutdownComplete {
            break;
        }
        // Nobody can answer in a headless run: every approval request is denied.
        if let EventMsg::ExecApprovalRequest { call_id, .. } = &event.msg {
            let _ = codex.submit(Op::ExecApproval {
                id: call_id.clone(),
                decision: ReviewDecision::Denied,
            });
        }
        if let EventMsg::ApplyPatchApprovalRequest { call_id, .. } = &event.msg {
            let _ = codex.submit(Op::PatchApproval {
                id: call_id.clone(),
                decision: ReviewDecision::Denied,
            });
        }
        if let EventMsg::TurnComplete {
            last_agent_message, ..
        } = &event.msg
        {
            outcome = Outcome::Completed;
            last_message = last_agent_message.clone();
        }
        if processor.process_event(&event.msg) == CodexStatus::TurnEnded {
            let _ = codex.submit(Op::Shutdown);
        }
    }

    if let Some(path) = &last_message_file {
        let text = match outcome {
            Outcome::Completed => last_message.as_deref().unwrap_or_default(),
            Outcome::Failed => "",
        };
        std::fs::write(path, text)
            .map_err(|err| format!("failed to write {}: {err}", path.display()))?;
    }
    match outcome {
        Outcome::Completed => {
            if !shared.json
                && let Some(message) = &last_message
            {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{message}");
                let _ = stdout.flush();
            }
            Ok(0)
        }
        Outcome::Failed => Ok(1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Completed,
    Failed,
}

struct ResumeTarget {
    session_id: Option<String>,
    last: bool,
    all: bool,
}

fn find_resumed(
    codex_home: &Path,
    cwd: &Path,
    target: &ResumeTarget,
) -> Result<rollout::ResumedThread, String> {
    let path = match (&target.session_id, target.last) {
        (Some(id), _) => rollout::find_rollout_by_id(codex_home, id),
        (None, true) => rollout::find_latest_rollout(codex_home, (!target.all).then_some(cwd)),
        (None, false) => {
            return Err("Error: `codex exec resume` needs a session id or --last.".to_string());
        }
    }
    .map_err(|err| format!("Error: {err}"))?;
    rollout::read_rollout(&path).map_err(|err| format!("Error: {err}"))
}

/// The prompt per exec.md §2: the argument, stdin, or both (stdin in a `<stdin>` block).
fn read_prompt(arg: Option<String>) -> Result<String, String> {
    let stdin_is_terminal = std::io::stdin().is_terminal();
    match arg.as_deref() {
        Some("-") => read_stdin_prompt(false),
        Some(prompt) => {
            if stdin_is_terminal {
                return Ok(prompt.to_string());
            }
            eprintln!("Reading additional input from stdin...");
            let stdin = read_all_stdin()?;
            if stdin.trim().is_empty() {
                return Ok(prompt.to_string());
            }
            let newline = if stdin.ends_with('\n') { "" } else { "\n" };
            Ok(format!("{prompt}\n\n<stdin>\n{stdin}{newline}</stdin>"))
        }
        None => {
            if stdin_is_terminal {
                return Err("No prompt provided. Either specify one as an argument or pipe the prompt into stdin.".to_string());
            }
            read_stdin_prompt(true)
        }
    }
}

fn read_stdin_prompt(announce: bool) -> Result<String, String> {
    if announce {
        eprintln!("Reading prompt from stdin...");
    }
    let text = read_all_stdin()?;
    if text.trim().is_empty() {
        return Err("No prompt provided via stdin.".to_string());
    }
    Ok(text)
}

fn read_all_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|err| format!("failed to read stdin: {err}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_output_schema(path: &PathBuf) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|err| {
        format!(
            "Failed to read output schema file {}: {err}",
            path.display()
        )
    })?;
    serde_json::from_str(&text).map_err(|err| {
        format!(
            "Output schema file {} is not valid JSON: {err}",
            path.display()
        )
    })
}

fn inside_git_work_tree(cwd: &Path) -> bool {
    cwd.ancestors().any(|dir| dir.join(".git").exists())
}
