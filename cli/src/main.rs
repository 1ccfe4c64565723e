//! The `codex` multitool binary: parses the command line and hands off to the crate that owns
//! each subcommand.

mod login;

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
}

fn main() {
    let cli = MultitoolCli::parse();
    init_logging();
    let code = match cli.command {
        Commands::Exec(exec_cli) => run_async(codex_exec::run_main(*exec_cli)),
        Commands::Login(command) => login::run_login(command),
        Commands::Logout(command) => login::run_logout(command),
    };
    std::process::exit(code);
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
