//! Sandbox policies: what a command the model runs (and a patch it applies) may write, and
//! whether it may use the network (`sandbox-and-approvals.md` §1, §3). `roots` computes the
//! writable roots and the "is this path writable" predicate; `linux` enforces a policy with
//! landlock + seccomp in a helper process (the `codex-linux-sandbox` mode of the binary).

#[cfg(target_os = "linux")]
pub mod linux;
mod roots;

use std::path::Path;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

pub use roots::effective_writable_roots;
pub use roots::is_path_writable;
pub use roots::memories_dir;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    ReadOnly,
    WorkspaceWrite,
    DangerFullAccess,
}

impl SandboxMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxMode::ReadOnly => "read-only",
            SandboxMode::WorkspaceWrite => "workspace-write",
            SandboxMode::DangerFullAccess => "danger-full-access",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SandboxPolicy {
    ReadOnly,
    WorkspaceWrite {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        writable_roots: Vec<PathBuf>,
        #[serde(default)]
        network_access: bool,
        #[serde(default)]
        exclude_tmpdir_env_var: bool,
        #[serde(default)]
        exclude_slash_tmp: bool,
    },
    DangerFullAccess,
}

impl SandboxPolicy {
    pub fn mode(&self) -> SandboxMode {
        match self {
            SandboxPolicy::ReadOnly => SandboxMode::ReadOnly,
            SandboxPolicy::WorkspaceWrite { .. } => SandboxMode::WorkspaceWrite,
            SandboxPolicy::DangerFullAccess => SandboxMode::DangerFullAccess,
        }
    }

    pub fn has_full_network_access(&self) -> bool {
        match self {
            SandboxPolicy::ReadOnly => false,
            SandboxPolicy::WorkspaceWrite { network_access, .. } => *network_access,
            SandboxPolicy::DangerFullAccess => true,
        }
    }

    /// The roots a command in `cwd` may write, in the §3 order (existing `writable_roots`
    /// entries, cwd, `/tmp`, `$TMPDIR`), without the memories directory (see
    /// [`effective_writable_roots`] for the complete list). `tmpdir` is the command's `$TMPDIR`.
    /// Empty for read-only; `None` when everything is writable.
    pub fn writable_roots(&self, cwd: &Path, tmpdir: Option<&Path>) -> Option<Vec<PathBuf>> {
        match self {
            SandboxPolicy::ReadOnly => Some(Vec::new()),
            SandboxPolicy::DangerFullAccess => None,
            SandboxPolicy::WorkspaceWrite { .. } => {
                Some(roots::command_roots(self, cwd, tmpdir, None))
            }
        }
    }

    /// Whether writing `path` is allowed without asking: it lies under one of the §3 roots
    /// (memories included) and under none of that root's protected `.git`, `.codex` or
    /// `.agents` subpaths, after resolving `..` and symlinks (see [`is_path_writable`]).
    pub fn allows_write(
        &self,
        path: &Path,
        cwd: &Path,
        tmpdir: Option<&Path>,
        codex_home: &Path,
    ) -> bool {
        match self {
            SandboxPolicy::ReadOnly => false,
            SandboxPolicy::DangerFullAccess => true,
            SandboxPolicy::WorkspaceWrite { .. } => {
                let roots =
                    roots::command_roots(self, cwd, tmpdir, Some(&memories_dir(codex_home)));
                is_path_writable(path, &roots)
            }
        }
    }

    /// The policy to hand to the Linux helper for a command in `cwd`: in workspace-write, the
    /// `writable_roots` become the complete §3 list ([`effective_writable_roots`], which
    /// creates `<codex_home>/memories`); other policies are returned unchanged.
    pub fn with_resolved_roots(
        &self,
        cwd: &Path,
        tmpdir: Option<&Path>,
        codex_home: &Path,
    ) -> SandboxPolicy {
        match self {
            SandboxPolicy::ReadOnly | SandboxPolicy::DangerFullAccess => self.clone(),
            SandboxPolicy::WorkspaceWrite {
                network_access,
                exclude_tmpdir_env_var,
                exclude_slash_tmp,
                ..
            } => SandboxPolicy::WorkspaceWrite {
                writable_roots: effective_writable_roots(self, cwd, tmpdir, codex_home),
                network_access: *network_access,
                exclude_tmpdir_env_var: *exclude_tmpdir_env_var,
                exclude_slash_tmp: *exclude_slash_tmp,
            },
        }
    }
}

/// The variables a sandboxed command gets on top of its environment (§4.4), applied after
/// `shell_environment_policy` so that policy cannot remove them: `CODEX_SANDBOX_NETWORK_DISABLED=1`
/// when the network is off. Nothing for danger-full-access.
pub fn sandbox_env(policy: &SandboxPolicy) -> Vec<(String, String)> {
    if policy.has_full_network_access() {
        Vec::new()
    } else {
        vec![(NETWORK_DISABLED_ENV.to_string(), "1".to_string())]
    }
}

/// Set (to `1`) in the environment of sandboxed commands without network access.
pub const NETWORK_DISABLED_ENV: &str = "CODEX_SANDBOX_NETWORK_DISABLED";

#[cfg(test)]
mod tests;
