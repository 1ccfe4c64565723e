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
    /// Override a config value for the subcommand (`codex -c k=v app-server`).
    #[arg(long = "config", short = 'c')]
    config_overrides: Vec<String>,

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
    /// Serve the app-server protocol (JSON-RPC v2 over stdio) for desktop apps and IDEs.
    AppServer(AppServerCommand),
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
        Commands::Exec(mut exec_cli) => {
            prepend_overrides(&mut exec_cli.shared.config_overrides, &cli.config_overrides);
            run_async(codex_exec::run_main(*exec_cli))
        }
        Commands::AppServer(command) => {
            let mut config_overrides = cli.config_overrides;
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
