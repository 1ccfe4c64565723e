//! Sandbox policies: what a command the model runs (and a patch it applies) may write, and
//! whether it may use the network. Kernel enforcement arrives with the Linux sandbox; until
//! then only `danger-full-access` runs commands at all.

use std::path::Path;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

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

    /// The roots a command may write under this policy, for a session in `cwd`, in the order
    /// the header and permissions text show them: cwd, `/tmp`, `$TMPDIR`, then the extra roots.
    /// Empty for read-only; `None` when everything is writable.
    pub fn writable_roots(&self, cwd: &Path, tmpdir: Option<&Path>) -> Option<Vec<PathBuf>> {
        match self {
            SandboxPolicy::ReadOnly => Some(Vec::new()),
            SandboxPolicy::DangerFullAccess => None,
            SandboxPolicy::WorkspaceWrite {
                writable_roots,
                exclude_tmpdir_env_var,
                exclude_slash_tmp,
                ..
            } => {
                let mut roots = vec![cwd.to_path_buf()];
                if !exclude_slash_tmp {
                    roots.push(PathBuf::from("/tmp"));
                }
                if !exclude_tmpdir_env_var && let Some(tmpdir) = tmpdir {
                    roots.push(tmpdir.to_path_buf());
                }
                roots.extend(writable_roots.iter().cloned());
                Some(roots)
            }
        }
    }

    /// Whether writing `path` (absolute) is allowed without asking.
    pub fn allows_write(&self, path: &Path, cwd: &Path, tmpdir: Option<&Path>) -> bool {
        match self.writable_roots(cwd, tmpdir) {
            None => true,
            Some(roots) => roots.iter().any(|root| path.starts_with(root)),
        }
    }
}
