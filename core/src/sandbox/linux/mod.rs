//! Linux enforcement (§4): the `codex` binary re-executed as `codex-linux-sandbox` applies
//! no-new-privs, the seccomp network filter and landlock to itself, single-threaded, then
//! `execvp`s the command, which (with its descendants) stays confined and cannot lift it.
//!
//! How a caller runs `argv` sandboxed under `policy` in `cwd`:
//!
//! ```text
//! probe_landlock()?;                       // once; its error text is the §4.5 message
//! let policy = policy.with_resolved_roots(&cwd, tmpdir, &codex_home);
//! program = codex_exe()?;                  // this very binary
//! arg0    = Some(LINUX_SANDBOX_ARG0);      // selects the helper mode in `main`
//! args    = linux_sandbox_args(&policy, &cwd, &argv);
//! env    += sandbox_env(&policy);          // after shell_environment_policy
//! ```
//!
//! danger-full-access uses no helper at all: the command is spawned as is.

mod error;
mod helper;
mod ruleset;
mod seccomp;

use std::path::Path;
use std::path::PathBuf;

pub use error::SandboxUnavailable;
pub use error::probe_landlock;
pub use helper::run_linux_sandbox_main;

use super::SandboxPolicy;

/// argv[0] under which the `codex` binary runs as the sandbox helper.
pub const LINUX_SANDBOX_ARG0: &str = "codex-linux-sandbox";

const POLICY_CWD_FLAG: &str = "--sandbox-policy-cwd";
const POLICY_FLAG: &str = "--sandbox-policy";
/// Handed to the helper when the policy cannot be written as JSON (a writable root that is not
/// UTF-8 was already dropped, so this is unreachable in practice): the safest policy.
const READ_ONLY_POLICY_JSON: &str = r#"{"type":"read-only"}"#;

/// The executable to spawn as the helper: this process's own binary.
pub fn codex_exe() -> std::io::Result<PathBuf> {
    std::env::current_exe()
}

/// The helper's arguments (after argv[0]):
/// `--sandbox-policy-cwd <cwd> --sandbox-policy '<policy JSON>' -- <command...>`.
/// Writable roots that are not valid UTF-8 cannot travel in JSON and are left out (the command
/// then cannot write there, which errs on the safe side).
pub fn linux_sandbox_args(
    policy: &SandboxPolicy,
    policy_cwd: &Path,
    command: &[String],
) -> Vec<String> {
    let policy = match policy {
        SandboxPolicy::WorkspaceWrite {
            writable_roots,
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        } => SandboxPolicy::WorkspaceWrite {
            writable_roots: writable_roots
                .iter()
                .filter(|root| root.to_str().is_some())
                .cloned()
                .collect(),
            network_access: *network_access,
            exclude_tmpdir_env_var: *exclude_tmpdir_env_var,
            exclude_slash_tmp: *exclude_slash_tmp,
        },
        SandboxPolicy::ReadOnly | SandboxPolicy::DangerFullAccess => policy.clone(),
    };
    let json = serde_json::to_string(&policy).unwrap_or_else(|_| READ_ONLY_POLICY_JSON.to_string());
    let mut args = vec![
        POLICY_CWD_FLAG.to_string(),
        policy_cwd.to_string_lossy().into_owned(),
        POLICY_FLAG.to_string(),
        json,
        "--".to_string(),
    ];
    args.extend(command.iter().cloned());
    args
}

#[cfg(test)]
mod tests;
