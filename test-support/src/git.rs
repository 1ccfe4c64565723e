//! Turning a test directory into a Git work tree: `codex exec` refuses to run outside one
//! unless `--skip-git-repo-check` is given.

use std::path::Path;
use std::process::Command;

/// Runs `git init -q` in `dir` (which must exist).
///
/// # Panics
/// When `git` cannot be run or fails; the message carries its stderr.
pub fn init_git_repo(dir: &Path) {
    let output = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|err| panic!("cannot run `git init` in {}: {err}", dir.display()));
    if !output.status.success() {
        panic!(
            "`git init -q` in {} failed ({}): {}",
            dir.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn init_git_repo_makes_a_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        init_git_repo(dir.path());
        let output = Command::new("git")
            .args(["rev-parse", "--is-inside-work-tree"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&output.stdout), "true\n");
    }
}
