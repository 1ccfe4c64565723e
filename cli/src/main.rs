//! The `codex` multitool binary: parses the command line and hands off to the crate that owns
//! each subcommand.

mod login;
mod mcp_cmd;
mod sandbox;

use clap::Parser;
use clap::Subcommand;

#[derive(Debug, Parser)]
#[command(
    name = "codex",
    version,
    about = "Codex: a coding agent in your terminal"
)]
#[command(subcommand_negates_reqs = true)]
struct MultitoolCli {
    /// The TUI's options; `-c` here also applies to subcommands (`codex -c k=v app-server`).
    #[clap(flatten)]
    interactive: codex_tui::Cli,

    #[command(subcommand)]
    command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Resume a previous interactive session (picker by default; `--last` for the newest).
    Resume(ResumeCommand),
    /// Run Codex non-interactively.
    #[command(visible_alias = "e")]
    Exec(Box<codex_exec::Cli>),
    /// Manage login (API key).
    Login(login::LoginCommand),
    /// Remove stored authentication credentials.
    Logout(login::LogoutCommand),
    /// Run a command under the sandbox codex applies to the model's commands.
    Sandbox {
        #[command(subcommand)]
        command: sandbox::SandboxCommand,
    },
    /// Serve the app-server protocol (JSON-RPC v2 over stdio) for desktop apps and IDEs.
    AppServer(AppServerCommand),
    /// Manage the MCP servers in config.toml (`add`, `list`, `get`, `remove`).
    Mcp(mcp_cmd::McpCommand),
    /// Serve Codex as an MCP server over stdio (tools `codex` and `codex-reply`).
    McpServer(codex_mcp_server::Cli),
    /// Debugging tools (legacy names of the `sandbox` subcommands).
    Debug {
        #[command(subcommand)]
        command: sandbox::DebugCommand,
    },
}

fn main() {
    // The sandbox helper must run before anything else starts a thread (no runtime yet).
    #[cfg(target_os = "linux")]
    if invoked_as_linux_sandbox() {
        init_logging();
        codex_core::sandbox::linux::run_linux_sandbox_main();
    }
    let cli = MultitoolCli::parse();
    let root_overrides = cli.interactive.config_overrides.clone();
    // The TUI logs to $CODEX_HOME/log/codex-tui.log: the screen is its own.
    if !matches!(cli.command, None | Some(Commands::Resume(_))) {
        init_logging();
    }
    let Some(command) = cli.command else {
        std::process::exit(run_tui(cli.interactive, codex_tui::ResumeTarget::New));
    };
    let code = match command {
        Commands::Resume(resume) => {
            let target = resume.target();
            run_tui(resume.merged_with(cli.interactive), target)
        }
        Commands::Exec(mut exec_cli) => {
            prepend_overrides(&mut exec_cli.shared.config_overrides, &root_overrides);
            run_async(codex_exec::run_main(*exec_cli))
        }
        Commands::AppServer(command) => {
            let mut config_overrides = root_overrides;
            config_overrides.extend(command.config_overrides);
            let listen = if command.stdio {
                "stdio://".to_string()
            } else {
                command.listen
            };
            match listen.as_str() {
                "stdio://" => run_async(codex_app_server::run_main(
                    codex_app_server::AppServerOptions { config_overrides },
                )),
                other => {
                    eprintln!(
                        "Error: unsupported --listen value `{other}`: only stdio:// is available"
                    );
                    1
                }
            }
        }
        Commands::McpServer(mut command) => {
            prepend_overrides(&mut command.config_overrides, &root_overrides);
            run_async(codex_mcp_server::run_main(command))
        }
        Commands::Login(command) => login::run_login(command),
        Commands::Logout(command) => login::run_logout(command),
        Commands::Sandbox { command } => sandbox::run_sandbox(command),
        Commands::Debug { command } => sandbox::run_debug(command),
        Commands::Mcp(command) => mcp_cmd::run_mcp(command, root_overrides),
    };
    std::process::exit(code);
}

fn run_tui(options: codex_tui::Cli, target: codex_tui::ResumeTarget) -> i32 {
    run_async(codex_tui::run_main(
        options,
        target,
        std::env::current_exe().ok(),
    ))
}

/// Whether this process was started as `codex-linux-sandbox` (argv[0], any directory).
#[cfg(target_os = "linux")]
fn invoked_as_linux_sandbox() -> bool {
    std::env::args_os().next().is_some_and(|arg0| {
        std::path::Path::new(&arg0).file_name()
            == Some(std::ffi::OsStr::new(
                codex_core::sandbox::linux::LINUX_SANDBOX_ARG0,
            ))
    })
}

#[derive(Debug, clap::Args)]
struct ResumeCommand {
    /// The session to resume (its UUID); omit it for the picker.
    session_id: Option<String>,

    /// Resume the most recent session for this directory without a picker.
    #[arg(long = "last", conflicts_with = "session_id")]
    last: bool,

    /// Show sessions from every directory (picker and `--last`).
    #[arg(long = "all")]
    all: bool,

    #[clap(flatten)]
    options: codex_tui::Cli,
}

impl ResumeCommand {
    fn target(&self) -> codex_tui::ResumeTarget {
        match (&self.session_id, self.last) {
            (Some(id), _) => codex_tui::ResumeTarget::Id(id.clone()),
            (None, true) => codex_tui::ResumeTarget::Last { all: self.all },
            (None, false) => codex_tui::ResumeTarget::Picker { all: self.all },
        }
    }

    /// `codex [root options] resume [options]`: the resume command's options win.
    fn merged_with(self, root: codex_tui::Cli) -> codex_tui::Cli {
        let mut options = self.options;
        prepend_overrides(&mut options.config_overrides, &root.config_overrides);
        options.model = options.model.or(root.model);
        options.profile = options.profile.or(root.profile);
        options.sandbox_mode = options.sandbox_mode.or(root.sandbox_mode);
        options.approval_policy = options.approval_policy.or(root.approval_policy);
        options.cwd = options.cwd.or(root.cwd);
        options.local_provider = options.local_provider.or(root.local_provider);
        options.oss |= root.oss;
        options.full_auto |= root.full_auto;
        options.dangerously_bypass_approvals_and_sandbox |=
            root.dangerously_bypass_approvals_and_sandbox;
        options.web_search |= root.web_search;
        options.no_alt_screen |= root.no_alt_screen;
        options.add_dir.extend(root.add_dir);
        options.images.extend(root.images);
        options.enable.extend(root.enable);
        options.disable.extend(root.disable);
        options.prompt = options.prompt.or(root.prompt);
        options
    }
}

#[derive(Debug, clap::Args)]
struct AppServerCommand {
    /// Transport: `stdio://` (the default and the only one available).
    #[arg(long = "listen", default_value = "stdio://")]
    listen: String,

    /// Same as `--listen stdio://`.
    #[arg(long = "stdio")]
    stdio: bool,

    /// Override a config value: `-c key=value`.
    #[arg(long = "config", short = 'c')]
    config_overrides: Vec<String>,
}

/// Root-level `-c` overrides come first, so the subcommand's own win.
fn prepend_overrides(overrides: &mut Vec<String>, root: &[String]) {
    let mut all = root.to_vec();
    all.append(overrides);
    *overrides = all;
}

fn run_async<F: std::future::Future<Output = i32>>(future: F) -> i32 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(err) => {
            eprintln!("Error: failed to start the async runtime: {err}");
            1
        }
    }
}

/// Logs go to stderr, warnings and errors only unless `RUST_LOG` says otherwise: stdout belongs
/// to the final message or the JSONL stream.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
