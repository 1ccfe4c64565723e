//! The top-level `codex [OPTIONS] [PROMPT]` options that start the TUI, as the original has
//! them; `codex resume` reuses them.

use std::path::PathBuf;

use clap::Args;
use clap::ValueEnum;

#[derive(Debug, Clone, Default, Args)]
pub struct Cli {
    /// Optional user prompt to start the session.
    pub prompt: Option<String>,

    /// Optional image(s) to attach to the initial prompt.
    #[arg(long = "image", short = 'i', value_delimiter = ',', num_args = 1..)]
    pub images: Vec<PathBuf>,

    /// Model the agent should use.
    #[arg(long, short = 'm')]
    pub model: Option<String>,

    /// Use the local open-source model provider (lmstudio or ollama).
    #[arg(long = "oss")]
    pub oss: bool,

    /// Which local provider `--oss` uses.
    #[arg(long = "local-provider")]
    pub local_provider: Option<String>,

    /// Configuration profile from config.toml to use.
    #[arg(long = "profile", short = 'p')]
    pub profile: Option<String>,

    /// Select the sandbox policy for model-generated commands.
    #[arg(long = "sandbox", short = 's', value_enum)]
    pub sandbox_mode: Option<SandboxModeArg>,

    /// When the model must ask before running a command.
    #[arg(long = "ask-for-approval", short = 'a', value_enum)]
    pub approval_policy: Option<ApprovalArg>,

    /// Convenience alias for low-friction sandboxed automatic execution
    /// (-a on-request, --sandbox workspace-write).
    #[arg(long = "full-auto", conflicts_with_all = ["approval_policy", "dangerously_bypass_approvals_and_sandbox"])]
    pub full_auto: bool,

    /// Skip all confirmation prompts and execute commands without sandboxing. Extremely dangerous.
    #[arg(
        long = "dangerously-bypass-approvals-and-sandbox",
        alias = "yolo",
        conflicts_with_all = ["approval_policy", "full_auto"]
    )]
    pub dangerously_bypass_approvals_and_sandbox: bool,

    /// Tell the agent to use the specified directory as its working root.
    #[arg(long = "cd", short = 'C')]
    pub cwd: Option<PathBuf>,

    /// Enable live web search for the model.
    #[arg(long = "search")]
    pub web_search: bool,

    /// Additional directories that should be writable alongside the primary workspace.
    #[arg(long = "add-dir")]
    pub add_dir: Vec<PathBuf>,

    /// Run inline: keep the conversation in the terminal's scrollback (no alternate screen).
    #[arg(long = "no-alt-screen")]
    pub no_alt_screen: bool,

    /// Override a config value: `-c key=value`.
    #[arg(long = "config", short = 'c')]
    pub config_overrides: Vec<String>,

    /// Enable a feature (`features.<name>=true`).
    #[arg(long = "enable")]
    pub enable: Vec<String>,

    /// Disable a feature (`features.<name>=false`).
    #[arg(long = "disable")]
    pub disable: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxModeArg {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApprovalArg {
    Untrusted,
    OnFailure,
    OnRequest,
    Never,
}

/// Which session the TUI opens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResumeTarget {
    /// A new session.
    #[default]
    New,
    /// `codex resume`: the picker.
    Picker { all: bool },
    /// `codex resume --last`: the newest session for cwd (none → new).
    Last { all: bool },
    /// `codex resume <id>`.
    Id(String),
}
