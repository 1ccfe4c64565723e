//! Writable roots of workspace-write (§3): which directories a command may write, in a fixed
//! order, and the predicate "may this path be written" with the protected `.git`, `.codex` and
//! `.agents` subpaths of every root. Paths are compared after resolving `..` and symlinks, so
//! `root/link/../x` and a symlink pointing out of a root are judged by where they really lead.

use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use super::SandboxPolicy;
use crate::private_file::create_private_dir;

/// Names under every root that stay read-only (`.agents` is our addition).
const PROTECTED_NAMES: [&str; 3] = [".git", ".codex", ".agents"];
/// Symlinks followed before a path is taken as it is (the kernel's own limit).
const MAX_SYMLINK_HOPS: usize = 40;

/// `<codex_home>/memories`, the one directory under `CODEX_HOME` a workspace-write command may
/// write.
pub fn memories_dir(codex_home: &Path) -> PathBuf {
    codex_home.join("memories")
}

/// Every root a workspace-write command in `cwd` may write, in the §3 order: the policy's
/// `writable_roots` that exist, `cwd`, `/tmp` (a directory, not excluded), `tmpdir` (the
/// command's `$TMPDIR`: non-empty, absolute, not excluded) and `<codex_home>/memories`, which is
/// created with mode 0700 when missing. Empty for read-only and danger-full-access (which has
/// no roots because it writes everywhere).
pub fn effective_writable_roots(
    policy: &SandboxPolicy,
    cwd: &Path,
    tmpdir: Option<&Path>,
    codex_home: &Path,
) -> Vec<PathBuf> {
    match policy {
        SandboxPolicy::ReadOnly | SandboxPolicy::DangerFullAccess => Vec::new(),
        SandboxPolicy::WorkspaceWrite { .. } => {
            let memories = memories_dir(codex_home);
            if let Err(err) = create_private_dir(&memories) {
                tracing::debug!("cannot create {}: {err}", memories.display());
            }
            command_roots(policy, cwd, tmpdir, Some(&memories))
        }
    }
}

/// Rows 1-4 of §3 and, when given and existing, the memories directory; duplicates removed.
pub(super) fn command_roots(
    policy: &SandboxPolicy,
    cwd: &Path,
    tmpdir: Option<&Path>,
    memories: Option<&Path>,
) -> Vec<PathBuf> {
    let SandboxPolicy::WorkspaceWrite {
        writable_roots,
        exclude_tmpdir_env_var,
        exclude_slash_tmp,
        ..
    } = policy
    else {
        return Vec::new();
    };
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut push = |root: &Path| {
        if !roots.iter().any(|known| known == root) {
            roots.push(root.to_path_buf());
        }
    };
    for root in writable_roots {
        if root.exists() {
            push(root);
        } else {
            tracing::debug!(
                "skipping writable root {}: it does not exist",
                root.display()
            );
        }
    }
    push(cwd);
    let slash_tmp = Path::new("/tmp");
    if !exclude_slash_tmp && slash_tmp.is_dir() {
        push(slash_tmp);
    }
    if !exclude_tmpdir_env_var
        && let Some(tmpdir) = tmpdir
        && !tmpdir.as_os_str().is_empty()
        && tmpdir.is_absolute()
    {
        push(tmpdir);
    }
    if let Some(memories) = memories
        && memories.is_dir()
    {
        push(memories);
    }
    roots
}

/// Whether `path` may be written: it lies under some root and under none of that root's
/// protected subpaths (`root/.git`, the `gitdir:` target when `root/.git` is a file,
/// `root/.codex`, `root/.agents`). Both sides are resolved first (`..`, and symlinks of every
/// existing ancestor), so a relative `path` is taken against the process's working directory.
pub fn is_path_writable(path: &Path, roots: &[PathBuf]) -> bool {
    let path = resolve(path);
    roots.iter().any(|root| {
        let root = resolve(root);
        path.starts_with(&root)
            && !protected_subpaths(&root)
                .iter()
                .any(|protected| path.starts_with(protected))
    })
}

fn protected_subpaths(root: &Path) -> Vec<PathBuf> {
    let mut protected: Vec<PathBuf> = PROTECTED_NAMES.iter().map(|name| root.join(name)).collect();
    if let Some(gitdir) = gitdir_target(&root.join(".git")) {
        protected.push(resolve(&root.join(gitdir)));
    }
    protected
}

/// The `gitdir: <path>` line of a `.git` file (worktrees, submodules).
fn gitdir_target(dot_git: &Path) -> Option<PathBuf> {
    if !dot_git.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(dot_git).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("gitdir:"))
        .map(|target| PathBuf::from(target.trim()))
        .filter(|target| !target.as_os_str().is_empty())
}

/// `path` made absolute and free of `.`/`..`, with the symlinks of its existing part followed
/// (also a dangling final symlink, whose target is where a write would land).
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut hops = 0;
    walk(PathBuf::new(), &absolute, &mut hops)
}

/// Appends `path` to the already resolved `resolved` one component at a time.
fn walk(mut resolved: PathBuf, path: &Path, hops: &mut usize) -> PathBuf {
    for component in path.components() {
        match component {
            // Pushing the root replaces everything: an absolute symlink target starts over.
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(canonical) = std::fs::canonicalize(&resolved) {
                    resolved = canonical;
                } else if let Ok(target) = std::fs::read_link(&resolved)
                    && *hops < MAX_SYMLINK_HOPS
                {
                    *hops += 1;
                    resolved.pop();
                    resolved = walk(resolved, &target, hops);
                }
            }
        }
    }
    resolved
}
