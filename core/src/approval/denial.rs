//! Whether a failed sandboxed command was likely stopped by the sandbox (spec §7.4), which is
//! what lets `on-failure` and `untrusted` offer to rerun it without the sandbox.

use super::SandboxType;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandOutcome {
    /// The process exited; signals are reported as 128 + the signal number.
    Exited {
        exit_code: i32,
    },
    TimedOut,
}

const DENIAL_KEYWORDS: &[&str] = &[
    "operation not permitted",
    "permission denied",
    "read-only file system",
    "seccomp",
    "sandbox",
    "landlock",
    "failed to write file",
];

/// 128 + SIGSYS: what a seccomp filter that kills the process leaves behind.
const EXIT_CODE_SIGSYS: i32 = 159;

/// Whether a command run under `sandbox` likely failed because of it. `output` is everything
/// the command printed (stdout and stderr together). A timeout is never a denial.
pub fn is_likely_sandbox_denial(
    sandbox: SandboxType,
    outcome: CommandOutcome,
    output: &str,
) -> bool {
    let exit_code = match (sandbox, outcome) {
        (SandboxType::None, _) | (_, CommandOutcome::TimedOut) => return false,
        (SandboxType::LinuxSandbox, CommandOutcome::Exited { exit_code }) => exit_code,
    };
    if exit_code == 0 {
        return false;
    }
    let output = output.to_lowercase();
    if DENIAL_KEYWORDS
        .iter()
        .any(|keyword| output.contains(keyword))
    {
        return true;
    }
    // 2 (usage), 126 (not executable) and 127 (not found) are ordinary failures.
    exit_code == EXIT_CODE_SIGSYS
}
