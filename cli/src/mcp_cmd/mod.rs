//! `codex mcp add|list|get|remove|login|logout` (`mcp.md` §3): manage the `[mcp_servers.NAME]`
//! entries of `$CODEX_HOME/config.toml`. Arguments are parsed here; the file is edited by
//! `codex_core::config::edit`, and what `list`/`get` print is built in `show`.

mod show;

use clap::ArgGroup;
use clap::Args;
use clap::Subcommand;
use codex_core::config::Config;
use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::McpServerConfig;
use codex_core::config::McpServerTransportConfig;
use codex_core::config::edit;
use codex_core::config::load_config;
use codex_core::mcp::is_valid_server_name;

#[derive(Debug, Args)]
pub struct McpCommand {
    #[command(flatten)]
    config: ConfigArgs,

    #[command(subcommand)]
    action: McpAction,
}

/// The config options `codex mcp` and each of its subcommands take; all of them apply, in
/// command-line order. (Not `global`: clap keeps only the last level's values of a global arg.)
#[derive(Debug, Default, Args)]
struct ConfigArgs {
    /// Override a config value: `-c key=value`.
    #[arg(short = 'c', long = "config", value_name = "key=value")]
    config_overrides: Vec<String>,

    /// Enable a feature (`features.<FEATURE> = true`).
    #[arg(long = "enable", value_name = "FEATURE")]
    enable: Vec<String>,

    /// Disable a feature (`features.<FEATURE> = false`).
    #[arg(long = "disable", value_name = "FEATURE")]
    disable: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum McpAction {
    /// List the configured MCP servers.
    List(ListArgs),
    /// Show one configured MCP server.
    Get(GetArgs),
    /// Add (or replace) an MCP server in config.toml.
    Add(AddArgs),
    /// Remove an MCP server from config.toml.
    Remove(NameArgs),
    /// OAuth login to an MCP server (not supported: use `bearer_token_env_var`).
    Login(LoginArgs),
    /// Remove an MCP server's OAuth credentials (not supported: use `bearer_token_env_var`).
    Logout(NameArgs),
}

#[derive(Debug, Args)]
struct ListArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Print the servers as JSON.
    #[arg(long = "json")]
    json: bool,
}

#[derive(Debug, Args)]
struct GetArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Name of the MCP server.
    name: String,

    /// Print the server as JSON.
    #[arg(long = "json")]
    json: bool,
}

#[derive(Debug, Args)]
struct NameArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Name of the MCP server.
    name: String,
}

#[derive(Debug, Args)]
struct LoginArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Name of the MCP server.
    name: String,

    /// Comma-separated OAuth scopes to request.
    #[arg(long = "scopes", value_delimiter = ',', value_name = "SCOPE,SCOPE")]
    scopes: Vec<String>,
}

// Exactly one of a command (stdio) or `--url` (streamable HTTP); clap would list the group
// before `<NAME>` in its usage line.
#[derive(Debug, Args)]
#[command(
    override_usage = "codex mcp add [OPTIONS] <NAME> -- <COMMAND> [ARGS]...\n       codex mcp add [OPTIONS] <NAME> --url <URL>"
)]
#[command(group(
    ArgGroup::new("transport")
        .args(["command", "url"])
        .required(true)
        .multiple(false)
))]
struct AddArgs {
    #[command(flatten)]
    config: ConfigArgs,

    /// Name of the MCP server (letters, numbers, `-`, `_`).
    name: String,

    #[command(flatten)]
    transport: AddTransportArgs,
}

#[derive(Debug, Args)]
struct AddTransportArgs {
    #[command(flatten)]
    stdio: Option<AddStdioArgs>,

    #[command(flatten)]
    http: Option<AddHttpArgs>,
}

#[derive(Debug, Args)]
struct AddStdioArgs {
    /// The command that starts the server, and its arguments (after `--`).
    #[arg(trailing_var_arg = true, num_args = 0..)]
    command: Vec<String>,

    /// An environment variable for the server (stdio only); repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env_pair)]
    env: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct AddHttpArgs {
    /// Streamable HTTP endpoint of the server.
    #[arg(long = "url", value_name = "URL")]
    url: String,

    /// Environment variable whose value is sent as `Authorization: Bearer <value>`.
    #[arg(
        long = "bearer-token-env-var",
        value_name = "ENV_VAR",
        requires = "url"
    )]
    bearer_token_env_var: Option<String>,
}

fn parse_env_pair(raw: &str) -> Result<(String, String), String> {
    match raw.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        Some(_) | None => Err("environment entries must be in KEY=VALUE form".to_string()),
    }
}

/// Runs one `codex mcp` subcommand; `root_overrides` are the `-c` given before `mcp`.
pub fn run_mcp(command: McpCommand, root_overrides: Vec<String>) -> i32 {
    let McpCommand {
        config: mcp_config,
        mut action,
    } = command;
    let sub_config = match &mut action {
        McpAction::List(ListArgs { config, .. })
        | McpAction::Get(GetArgs { config, .. })
        | McpAction::Add(AddArgs { config, .. })
        | McpAction::Remove(NameArgs { config, .. })
        | McpAction::Login(LoginArgs { config, .. })
        | McpAction::Logout(NameArgs { config, .. }) => std::mem::take(config),
    };
    let Some(config) = load(root_overrides, [mcp_config, sub_config]) else {
        return 1;
    };
    let result = match action {
        McpAction::List(args) => show::list(&config.mcp_servers, show::format_of(args.json)),
        McpAction::Get(args) => match config.mcp_servers.get(&args.name) {
            Some(server) => show::get(&args.name, server, show::format_of(args.json)),
            None => Err(format!("No MCP server named '{}' found.", args.name)),
        },
        McpAction::Add(args) => add(&config, args),
        McpAction::Remove(NameArgs { name, .. }) => {
            match edit::remove_mcp_server(&config.codex_home, &name) {
                Ok(true) => {
                    println!("Removed global MCP server '{name}'.");
                    Ok(())
                }
                Ok(false) => {
                    println!("No MCP server named '{name}' found.");
                    Ok(())
                }
                Err(err) => Err(err.to_string()),
            }
        }
        McpAction::Login(LoginArgs { name, .. }) | McpAction::Logout(NameArgs { name, .. }) => {
            Err(format!(
                "OAuth login is not supported for MCP servers. Give '{name}' a bearer token instead: set `bearer_token_env_var` in [mcp_servers.{name}] (or `codex mcp add {name} --url <URL> --bearer-token-env-var <ENV_VAR>`) to send the value of that environment variable as `Authorization: Bearer <value>`."
            ))
        }
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("Error: {message}");
            1
        }
    }
}

/// The configuration with the root `-c` overrides, then those of `codex mcp`, then those of
/// the subcommand; its warnings printed. `None` once the error is printed.
fn load(root_overrides: Vec<String>, levels: [ConfigArgs; 2]) -> Option<Config> {
    let mut overrides = ConfigOverrides {
        config_overrides: root_overrides,
        ..ConfigOverrides::default()
    };
    for level in levels {
        overrides.config_overrides.extend(level.config_overrides);
        overrides.enable_features.extend(level.enable);
        overrides.disable_features.extend(level.disable);
    }
    match load_config(overrides, ConfigEnv::from_process()) {
        Ok(config) => {
            for warning in &config.warnings {
                eprintln!("{warning}");
            }
            Some(config)
        }
        Err(err) => {
            eprintln!("{err}");
            None
        }
    }
}

fn add(config: &Config, args: AddArgs) -> Result<(), String> {
    let AddArgs {
        name, transport, ..
    } = args;
    if !is_valid_server_name(&name) {
        return Err(format!(
            "invalid server name '{name}' (use letters, numbers, '-', '_')"
        ));
    }
    let transport = match transport {
        // `--env` alone makes `stdio` present, even next to `--url`.
        AddTransportArgs {
            stdio: Some(stdio), ..
        } => {
            let mut command = stdio.command.into_iter();
            let program = command.next().ok_or("command is required")?;
            McpServerTransportConfig::Stdio {
                command: program,
                args: command.collect(),
                env: (!stdio.env.is_empty()).then(|| stdio.env.into_iter().collect()),
                env_vars: Vec::new(),
                cwd: None,
            }
        }
        AddTransportArgs {
            stdio: None,
            http: Some(http),
        } => McpServerTransportConfig::StreamableHttp {
            url: http.url,
            bearer_token_env_var: http.bearer_token_env_var,
            http_headers: None,
            env_http_headers: None,
        },
        AddTransportArgs {
            stdio: None,
            http: None,
        } => return Err("command is required".to_string()),
    };
    let server = McpServerConfig {
        transport,
        enabled: true,
        startup_timeout_sec: None,
        tool_timeout_sec: None,
        enabled_tools: None,
        disabled_tools: None,
    };
    edit::set_mcp_server(&config.codex_home, &name, &server).map_err(|err| err.to_string())?;
    println!("Added global MCP server '{name}'.");
    Ok(())
}
