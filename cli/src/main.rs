//! The `codex` multitool binary: parses the command line and hands off to the crate that owns
//! each subcommand.

mod login;
mod sandbox;

use clap::Parser;
use clap::Subcommand;

#[derive(Debug, Parser)]
#[command(
    name = "codex",
    version,
    about = "Codex: a coding agent in your terminal"
)]
struct MultitoolCli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
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
    init_logging();
    let code = match cli.command {
        Commands::Exec(exec_cli) => run_async(codex_exec::run_main(*exec_cli)),
        Commands::Login(command) => login::run_login(command),
        Commands::Logout(command) => login::run_logout(command),
        Commands::Sandbox { command } => sandbox::run_sandbox(command),
        Commands::Debug { command } => sandbox::run_debug(command),
    };
    std::process::exit(code);
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
