//! Running the model's commands: spawning a child (pipes or a PTY) in its own process group,
//! capturing its merged output under a memory cap, and keeping still-running children alive as
//! unified-exec sessions that `write_stdin` addresses by id. The tool-output text the model
//! reads (responses-wire §7) is rendered by [`ExecOutput::format_tool_output`].

mod capture;
mod output;
mod process;
mod spawn;
mod unified;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

pub use output::ExecOutput;
pub use process::run_to_exit;
pub use unified::OutputSink;
pub use unified::UnifiedExec;

/// One command to start. `env` is the complete child environment: the child sees exactly these
/// variables and nothing inherited from codex (the caller has already applied its filtering).
/// One exception: under a PTY, portable-pty sets `SHELL` (to the user's login shell) when `env`
/// has no executable `SHELL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    pub argv: Vec<String>,
    pub cwd: PathBuf,
    pub env: HashMap<String, String>,
    /// Run under a pseudo-terminal instead of pipes (the model's `tty: true`).
    pub tty: bool,
    /// The child's argv[0] when it must differ from `argv[0]` (the program that is run): the
    /// sandbox helper is this binary started as `codex-linux-sandbox`. Such a child also gets
    /// `PR_SET_PDEATHSIG(SIGTERM)`: it is terminated when the spawning thread exits, so spawn
    /// it from a thread that lives as long as the session (a runtime worker, not the blocking
    /// pool).
    pub arg0: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    #[error("cannot run an empty command: argv needs at least the program to run")]
    EmptyCommand,
    #[error("working directory {} does not exist or is not a directory; pass an existing workdir", .0.display())]
    WorkdirNotFound(PathBuf),
    #[error("failed to start `{program}`: {reason}")]
    Spawn { program: String, reason: String },
    #[error("failed to open a pseudo-terminal: {0}; retry with tty set to false")]
    Pty(String),
    #[error("Unknown process id {0}: it has exited and was already reported, or never existed")]
    UnknownSession(i32),
    #[error(
        "process {0} no longer reads its stdin; poll it with empty chars or start a new command"
    )]
    StdinClosed(i32),
    #[error("command cancelled; its process group was killed")]
    Cancelled,
}
