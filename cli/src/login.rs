//! `codex login` / `codex logout`: API-key login stored in `$CODEX_HOME/auth.json` (0600).

use std::io::Read;

use clap::Args;
use clap::Subcommand;
use codex_core::auth;
use codex_core::config::ConfigEnv;
use codex_core::config::find_codex_home;

#[derive(Debug, Args)]
pub struct LoginCommand {
    /// Read an API key from stdin and store it.
    #[arg(long = "with-api-key")]
    with_api_key: bool,

    /// Override a config value (accepted for compatibility).
    #[arg(long = "config", short = 'c', global = true)]
    config_overrides: Vec<String>,

    #[command(subcommand)]
    action: Option<LoginAction>,
}

#[derive(Debug, Subcommand)]
enum LoginAction {
    /// Show whether you are logged in.
    Status,
}

#[derive(Debug, Args)]
pub struct LogoutCommand {
    /// Override a config value (accepted for compatibility).
    #[arg(long = "config", short = 'c')]
    config_overrides: Vec<String>,
}

pub fn run_login(command: LoginCommand) -> i32 {
    let Some(codex_home) = codex_home() else {
        return 1;
    };
    if let Some(LoginAction::Status) = command.action {
        return match auth::login_status(&codex_home) {
            Ok(status) => {
                eprintln!("{status}");
                match status {
                    auth::LoginStatus::NotLoggedIn => 1,
                    auth::LoginStatus::ApiKey(_) | auth::LoginStatus::ChatGpt => 0,
                }
            }
            Err(err) => {
                eprintln!("Error checking login status: {err}");
                1
            }
        };
    }
    if !command.with_api_key {
        eprintln!(
            "Only API-key login is available: pipe your key into `codex login --with-api-key`, e.g.\n  printenv OPENAI_API_KEY | codex login --with-api-key"
        );
        return 1;
    }
    let mut key = String::new();
    if let Err(err) = std::io::stdin().read_to_string(&mut key) {
        eprintln!("Error: failed to read the API key from stdin: {err}");
        return 1;
    }
    let key = key.trim();
    if key.is_empty() {
        eprintln!(
            "Error: no API key on stdin. Pipe it in, e.g. `printenv OPENAI_API_KEY | codex login --with-api-key`."
        );
        return 1;
    }
    match auth::login_with_api_key(&codex_home, key) {
        Ok(()) => {
            eprintln!("Successfully logged in");
            0
        }
        Err(err) => {
            eprintln!("Error logging in: {err}");
            1
        }
    }
}

pub fn run_logout(_command: LogoutCommand) -> i32 {
    let Some(codex_home) = codex_home() else {
        return 1;
    };
    match auth::logout(&codex_home) {
        Ok(true) => {
            eprintln!("Successfully logged out");
            0
        }
        Ok(false) => {
            eprintln!("Not logged in");
            0
        }
        Err(err) => {
            eprintln!("Error logging out: {err}");
            1
        }
    }
}

/// `$CODEX_HOME` (or `~/.codex`); the error is printed here.
fn codex_home() -> Option<std::path::PathBuf> {
    match find_codex_home(&ConfigEnv::from_process()) {
        Ok(home) => Some(home),
        Err(err) => {
            eprintln!("{err}");
            None
        }
    }
}
