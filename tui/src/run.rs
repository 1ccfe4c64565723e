//! One TUI run: load config (errors before the terminal is touched), log to
//! `$CODEX_HOME/log/codex-tui.log`, onboarding, the resume choice, the app loop, and the lines
//! printed after the terminal is restored.

use std::io::IsTerminal;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use codex_core::InitialHistory;
use codex_core::Persistence;
use codex_core::SessionOptions;
use codex_core::config::AskForApproval;
use codex_core::config::Config;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use codex_core::rollout;
use codex_core::sandbox::SandboxMode;
use crossterm::event::Event as TermEvent;
use crossterm::event::EventStream;
use crossterm::event::KeyEventKind;
use futures::StreamExt;

use crate::app::App;
use crate::app::AppExit;
use crate::app::AppInit;
use crate::chatwidget::format_exit_lines;
use crate::chatwidget::status::ExitColor;
use crate::cli::ApprovalArg;
use crate::cli::Cli;
use crate::cli::ResumeTarget;
use crate::cli::SandboxModeArg;
use crate::clock::SystemClock;
use crate::notifications::DesktopNotifier;
use crate::onboarding::Onboarding;
use crate::onboarding::OnboardingArgs;
use crate::onboarding::OnboardingOutcome;
use crate::resume_picker::PickerOutcome;
use crate::resume_picker::ResumePicker;
use crate::terminal::ScreenMode;
use crate::terminal::Tui;

const ORIGINATOR: &str = "codex-tui";
const ORIGINATOR_OVERRIDE_VAR: &str = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";

/// Runs the TUI and returns the process exit code. `linux_sandbox_exe` is the `codex` binary.
pub async fn run_main(cli: Cli, resume: ResumeTarget, linux_sandbox_exe: Option<PathBuf>) -> i32 {
    let env = ConfigEnv::from_process();
    let config = match load_config(config_overrides(&cli), env.clone()) {
        Ok(config) => config,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "Error loading configuration: {err}");
            return 1;
        }
    };
    init_logging(&config);

    // A session id that does not exist is an error before the terminal is touched.
    let resume = match resume {
        ResumeTarget::Id(id) => match rollout::find_rollout_by_id(&config.codex_home, &id) {
            Ok(path) => ResolvedResume::Path(path),
            Err(_) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "Error: no saved session found with ID {id}. Run `codex resume` to pick one."
                );
                return 1;
            }
        },
        ResumeTarget::Last { all } => {
            let cwd = (!all).then_some(config.cwd.as_path());
            match rollout::find_latest_rollout(&config.codex_home, cwd) {
                Ok(path) => ResolvedResume::Path(path),
                Err(_) => ResolvedResume::New,
            }
        }
        ResumeTarget::Picker { all } => ResolvedResume::Picker { all },
        ResumeTarget::New => ResolvedResume::New,
    };

    let mode = if cli.no_alt_screen {
        ScreenMode::Inline
    } else {
        ScreenMode::AltScreen
    };
    let mut tui = match crate::terminal::init(mode) {
        Ok(tui) => tui,
        Err(err) => {
            let _ = crate::terminal::restore(mode);
            let _ = writeln!(
                std::io::stderr(),
                "ERROR: failed to set up the terminal: {err}"
            );
            return 1;
        }
    };
    let result = run_in_terminal(&mut tui, cli, config, env, resume, linux_sandbox_exe).await;
    let _ = tui.erase_viewport();
    let _ = crate::terminal::restore(mode);
    match result {
        Ok(Some(exit)) => {
            print_exit_lines(&exit);
            0
        }
        Ok(None) => 0,
        Err(err) => {
            tracing::error!("fatal: {err:#}");
            let _ = writeln!(std::io::stderr(), "ERROR: {err:#}");
            1
        }
    }
}

enum ResolvedResume {
    New,
    Path(PathBuf),
    Picker { all: bool },
}

/// Everything that happens with the terminal in TUI mode. `Ok(None)`: the user quit before a
/// session started.
async fn run_in_terminal(
    tui: &mut Tui,
    cli: Cli,
    mut config: Config,
    env: ConfigEnv,
    resume: ResolvedResume,
    linux_sandbox_exe: Option<PathBuf>,
) -> anyhow::Result<Option<AppExit>> {
    let mut events = EventStream::new();
    if let Some(onboarding) = Onboarding::new(onboarding_args(&config, &env)) {
        let outcome =
            run_full_screen(tui, &mut events, onboarding, OnboardingOutcome::Quit).await?;
        if outcome == OnboardingOutcome::Quit {
            return Ok(None);
        }
        // Login and trust change what the config resolves to (credentials, sandbox default).
        config = load_config(config_overrides(&cli), env.clone())?;
    }

    let history = match resume {
        ResolvedResume::New => InitialHistory::New,
        ResolvedResume::Path(path) => InitialHistory::Resumed(rollout::read_rollout(&path)?),
        ResolvedResume::Picker { all } => {
            let codex_home = config.codex_home.clone();
            let threads = tokio::task::spawn_blocking(move || {
                rollout::threads::list_threads(&codex_home, rollout::threads::Archived::No)
            })
            .await?;
            let picker =
                ResumePicker::new(threads, config.cwd.clone(), chrono::Utc::now().timestamp())
                    .with_all(all);
            match run_full_screen(tui, &mut events, picker, PickerOutcome::Quit).await? {
                PickerOutcome::Resume(path) => {
                    InitialHistory::Resumed(rollout::read_rollout(&path)?)
                }
                PickerOutcome::StartNew => InitialHistory::New,
                PickerOutcome::Quit => return Ok(None),
            }
        }
    };
    drop(events);

    let codex_home = config.codex_home.clone();
    let persistent_history = tokio::task::spawn_blocking(move || {
        codex_core::message_history::read_entries(&codex_home)
            .into_iter()
            .map(|entry| entry.text)
            .collect::<Vec<_>>()
    })
    .await?;
    let originator = env
        .non_blank(ORIGINATOR_OVERRIDE_VAR)
        .unwrap_or(ORIGINATOR)
        .to_string();
    let version = env!("CARGO_PKG_VERSION").to_string();
    let init = AppInit {
        session_options: SessionOptions {
            originator,
            client_name: ORIGINATOR.to_string(),
            client_version: version.clone(),
            source: "cli".to_string(),
            thread_source: "user".to_string(),
            turn_trigger: "user".to_string(),
            persistence: Persistence::Rollout,
            history: InitialHistory::New,
            linux_sandbox_exe,
            attestation: None,
        },
        clock: Arc::new(SystemClock),
        version,
        home: env.non_blank("HOME").map(PathBuf::from),
        persistent_history,
        notifier: DesktopNotifier::new(crate::notifications::detect_backend(
            config.tui_notification_method,
            &crate::notifications::NotificationEnv::detect(&env),
        )),
        profile: cli.profile.clone(),
        config,
    };
    let initial_prompt = cli
        .prompt
        .filter(|prompt| !prompt.trim().is_empty())
        .map(|prompt| (prompt, cli.images));
    let app = App::start(init, history, initial_prompt).await?;
    Ok(Some(app.run(tui).await?))
}

/// A full-screen step before the chat (onboarding, the resume picker): drawn on the
/// alternate screen until it yields an outcome.
trait FullScreenStep {
    type Outcome;
    fn handle_key(&mut self, key: crossterm::event::KeyEvent) -> Option<Self::Outcome>;
    fn handle_paste(&mut self, text: &str);
    fn render(&self, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer);
    /// Where the terminal cursor goes (a text input), if anywhere.
    fn cursor(&self, _area: ratatui::layout::Rect) -> Option<ratatui::layout::Position> {
        None
    }
}

impl FullScreenStep for Onboarding {
    type Outcome = OnboardingOutcome;
    fn handle_key(&mut self, key: crossterm::event::KeyEvent) -> Option<OnboardingOutcome> {
        Onboarding::handle_key(self, key)
    }
    fn handle_paste(&mut self, text: &str) {
        Onboarding::handle_paste(self, text);
    }
    fn render(&self, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
        Onboarding::render(self, area, buf);
    }
    fn cursor(&self, area: ratatui::layout::Rect) -> Option<ratatui::layout::Position> {
        self.cursor_position(area)
    }
}

impl FullScreenStep for ResumePicker {
    type Outcome = PickerOutcome;
    fn handle_key(&mut self, key: crossterm::event::KeyEvent) -> Option<PickerOutcome> {
        ResumePicker::handle_key(self, key)
    }
    fn handle_paste(&mut self, _text: &str) {}
    fn render(&self, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
        ResumePicker::render(self, area, buf);
    }
}

/// Runs `step` until it yields an outcome; `quit` when the terminal's input ends.
async fn run_full_screen<S: FullScreenStep>(
    tui: &mut Tui,
    events: &mut EventStream,
    mut step: S,
    quit: S::Outcome,
) -> anyhow::Result<S::Outcome> {
    tui.enter_overlay()?;
    loop {
        tui.terminal.draw(|frame| {
            let area = frame.area();
            step.render(area, frame.buffer_mut());
            if let Some(position) = step.cursor(area) {
                frame.set_cursor_position(position);
            }
        })?;
        let Some(event) = events.next().await else {
            tui.leave_overlay()?;
            return Ok(quit);
        };
        match event? {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(outcome) = step.handle_key(key) {
                    tui.leave_overlay()?;
                    return Ok(outcome);
                }
            }
            TermEvent::Paste(text) => step.handle_paste(&text),
            TermEvent::Resize(..) => tui.enter_overlay()?,
            _ => {}
        }
    }
}

fn onboarding_args(config: &Config, env: &ConfigEnv) -> OnboardingArgs {
    let needs_login = config.model_provider.requires_openai_auth
        && matches!(
            codex_core::auth::resolve_request_auth(&config.model_provider, env, &config.codex_home),
            Ok(None) | Err(_)
        );
    let trust_project = (!codex_core::config::is_project_trusted(config))
        .then(|| codex_core::config::project_trust_key(&config.cwd));
    OnboardingArgs {
        codex_home: config.codex_home.clone(),
        show_login: needs_login,
        trust_project,
        env_api_key: env.non_blank("OPENAI_API_KEY").map(str::to_string),
    }
}

fn config_overrides(cli: &Cli) -> ConfigOverrides {
    let bypass = cli.dangerously_bypass_approvals_and_sandbox;
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
    let approval_policy = if bypass {
        Some(AskForApproval::Never)
    } else if cli.full_auto {
        Some(AskForApproval::OnRequest)
    } else {
        cli.approval_policy.map(|policy| match policy {
            ApprovalArg::Untrusted => AskForApproval::Untrusted,
            ApprovalArg::OnFailure => AskForApproval::OnFailure,
            ApprovalArg::OnRequest => AskForApproval::OnRequest,
            ApprovalArg::Never => AskForApproval::Never,
        })
    };
    let mut config_overrides = cli.config_overrides.clone();
    if cli.web_search {
        config_overrides.push("web_search=\"live\"".to_string());
    }
    ConfigOverrides {
        model: cli.model.clone(),
        cwd: cli.cwd.as_ref().map(|dir| {
            std::env::current_dir()
                .map(|current| current.join(dir))
                .unwrap_or_else(|_| dir.clone())
        }),
        sandbox_mode,
        approval_policy,
        default_approval_policy: None,
        additional_writable_roots: cli.add_dir.clone(),
        profile: cli.profile.clone(),
        config_overrides,
        enable_features: cli.enable.clone(),
        disable_features: cli.disable.clone(),
        oss: cli.oss,
        local_provider: cli.local_provider.clone(),
        base_instructions: None,
        developer_instructions: None,
    }
}

/// Logs to `$CODEX_HOME/log/codex-tui.log` (`RUST_LOG` honoured, default `info`): the screen
/// belongs to the TUI.
fn init_logging(config: &Config) {
    let dir = config.codex_home.join("log");
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("codex-tui.log"))
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}

fn print_exit_lines(exit: &AppExit) {
    let color = if std::io::stdout().is_terminal() {
        ExitColor::Ansi
    } else {
        ExitColor::Plain
    };
    let lines = format_exit_lines(
        &exit.token_usage,
        exit.thread_id.as_deref(),
        exit.has_rollout,
        color,
    );
    let mut out = std::io::stdout();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}
