//! `codex exec` arguments, mirroring the original's flags (exec.md §1, §7).

use std::path::PathBuf;

use clap::Args;
use clap::Parser;
use clap::ValueEnum;

#[derive(Debug, Parser)]
#[command(
    name = "codex-cli-exec",
    display_name = "codex-cli-exec",
    bin_name = "codex exec",
    version,
    about = "Run Codex non-interactively",
    override_usage = "codex exec [OPTIONS] [PROMPT]\n       codex exec [OPTIONS] <COMMAND> [ARGS]"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[clap(flatten)]
    pub shared: SharedArgs,

    /// Select the sandbox policy for model-generated commands.
    #[arg(long = "sandbox", short = 's', value_enum)]
    pub sandbox_mode: Option<SandboxModeArg>,

    /// Configuration profile from config.toml to use.
    #[arg(long = "profile", short = 'p')]
    pub profile: Option<String>,

    /// Convenience alias for sandboxed automatic execution (workspace-write).
    #[arg(long = "full-auto", hide = true)]
    pub full_auto: bool,

    /// Use the local open-source model provider (lmstudio or ollama).
    #[arg(long = "oss")]
    pub oss: bool,

    /// Which local provider `--oss` uses.
    #[arg(long = "local-provider")]
    pub local_provider: Option<String>,

    /// Working root of the session.
    #[arg(long = "cd", short = 'C')]
    pub cwd: Option<PathBuf>,

    /// Extra writable workspace root (repeatable).
    #[arg(long = "add-dir")]
    pub add_dir: Vec<PathBuf>,

    /// When to colour the output.
    #[arg(long = "color", value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Prompt; `-` reads it from stdin.
    pub prompt: Option<String>,
}

/// Flags accepted both before and after `resume`.
#[derive(Debug, Args, Default)]
pub struct SharedArgs {
    /// Override a config value: `-c key=value` (dotted path, TOML value, raw string fallback).
    #[arg(long = "config", short = 'c', global = true)]
    pub config_overrides: Vec<String>,

    /// Enable a feature (`features.<name>=true`).
    #[arg(long = "enable", global = true)]
    pub enable: Vec<String>,

    /// Disable a feature (`features.<name>=false`).
    #[arg(long = "disable", global = true)]
    pub disable: Vec<String>,

    /// Images to attach to the prompt.
    #[arg(long = "image", short = 'i', value_delimiter = ',', num_args = 1.., global = true)]
    pub images: Vec<PathBuf>,

    /// Model the agent should use.
    #[arg(long = "model", short = 'm', global = true)]
    pub model: Option<String>,

    /// Allow running outside a Git repository.
    #[arg(long = "skip-git-repo-check", global = true)]
    pub skip_git_repo_check: bool,

    /// Do not write session files.
    #[arg(long = "ephemeral", global = true)]
    pub ephemeral: bool,

    /// Print events to stdout as JSONL.
    #[arg(long = "json", alias = "experimental-json", global = true)]
    pub json: bool,

    /// Write the last agent message to this file.
    #[arg(long = "output-last-message", short = 'o', global = true)]
    pub last_message_file: Option<PathBuf>,

    /// JSON Schema file describing the model's final answer.
    #[arg(long = "output-schema", global = true)]
    pub output_schema: Option<PathBuf>,

    /// Run every command without sandbox and without approvals. Extremely dangerous.
    #[arg(
        long = "dangerously-bypass-approvals-and-sandbox",
        alias = "yolo",
        global = true
    )]
    pub dangerously_bypass_approvals_and_sandbox: bool,

    /// Source label of a new thread.
    #[arg(long = "thread-source", global = true)]
    pub thread_source: Option<String>,

    /// Accepted for SDK compatibility.
    #[arg(long = "cyber-access-program", value_enum, global = true)]
    pub cyber_access_program: Option<CyberAccessProgram>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Resume a previous session by id, or the most recent one with --last.
    Resume(ResumeArgs),
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// Thread id (UUID) of the session to resume.
    pub session_id: Option<String>,

    /// Resume the most recent session started in this directory.
    #[arg(long = "last")]
    pub last: bool,

    /// With --last: consider sessions from every directory.
    #[arg(long = "all")]
    pub all: bool,

    /// Prompt for the next turn; `-` reads it from stdin.
    pub prompt: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxModeArg {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Color {
    Always,
    Never,
    #[default]
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CyberAccessProgram {
    Standard,
    DaybreakBlue,
    DaybreakRed,
}
