use pretty_assertions::assert_eq;

use crate::approval::CommandOutcome;
use crate::approval::SandboxType;
use crate::approval::is_likely_sandbox_denial;

fn exited(exit_code: i32) -> CommandOutcome {
    CommandOutcome::Exited { exit_code }
}

#[test]
fn likely_sandbox_denials() {
    let cases: Vec<(SandboxType, CommandOutcome, &str, bool)> = vec![
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "touch: cannot touch 'x': Permission denied",
            true,
        ),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "Operation not permitted",
            true,
        ),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "mkdir: Read-only file system",
            true,
        ),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "killed by SECCOMP",
            true,
        ),
        (SandboxType::LinuxSandbox, exited(1), "Sandbox error", true),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "landlock refused",
            true,
        ),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "Failed to write file out.txt",
            true,
        ),
        // Keywords win over the quick-reject exit codes.
        (
            SandboxType::LinuxSandbox,
            exited(126),
            "bash: ./x: Permission denied",
            true,
        ),
        (SandboxType::LinuxSandbox, exited(159), "", true),
        (
            SandboxType::LinuxSandbox,
            exited(1),
            "error: no such file",
            false,
        ),
        (SandboxType::LinuxSandbox, exited(2), "usage: ls", false),
        (
            SandboxType::LinuxSandbox,
            exited(126),
            "cannot execute",
            false,
        ),
        (
            SandboxType::LinuxSandbox,
            exited(127),
            "command not found",
            false,
        ),
        (SandboxType::LinuxSandbox, exited(137), "", false),
        (
            SandboxType::LinuxSandbox,
            exited(0),
            "permission denied",
            false,
        ),
        (SandboxType::None, exited(1), "permission denied", false),
        (SandboxType::None, exited(159), "", false),
        (
            SandboxType::LinuxSandbox,
            CommandOutcome::TimedOut,
            "permission denied",
            false,
        ),
    ];
    let actual: Vec<(SandboxType, CommandOutcome, &str, bool)> = cases
        .iter()
        .map(|(sandbox, outcome, output, _)| {
            let denial = is_likely_sandbox_denial(*sandbox, *outcome, output);
            (*sandbox, *outcome, *output, denial)
        })
        .collect();
    assert_eq!(actual, cases);
}
