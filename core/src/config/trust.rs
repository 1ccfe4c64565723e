//! Project trust (`config.md` §5.2): the key a project is trusted under (`projects."<key>"`) and
//! whether a cwd is trusted. The key is the git root containing the cwd — for a linked worktree,
//! its main repository's root, so trusting one checkout trusts them all — else the cwd itself.

use std::path::Path;
use std::path::PathBuf;

use super::Config;
use crate::project_doc::find_git_root;

/// The path the trust prompt writes as `[projects."<path>"]` for a session in `cwd`.
pub fn project_trust_key(cwd: &Path) -> PathBuf {
    let cwd = std::path::absolute(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let Some(root) = find_git_root(&cwd) else {
        return cwd;
    };
    main_worktree_root(&root).unwrap_or(root)
}

/// Whether the session's project is trusted in `config.toml`.
pub fn is_project_trusted(config: &Config) -> bool {
    is_trusted(&config.trusted_projects, &config.cwd)
}

/// A project is trusted when its trust key, its own git root, or the cwd itself is listed as
/// trusted (listed paths are also compared canonicalized, so symlinked homes match).
pub(super) fn is_trusted(trusted_projects: &[PathBuf], cwd: &Path) -> bool {
    let candidates = [
        Some(cwd.to_path_buf()),
        find_git_root(cwd),
        Some(project_trust_key(cwd)),
    ];
    trusted_projects.iter().any(|listed| {
        let canonical = std::fs::canonicalize(listed).unwrap_or_else(|_| listed.clone());
        [listed, &canonical].into_iter().any(|path| {
            candidates
                .iter()
                .flatten()
                .any(|candidate| candidate == path)
        })
    })
}

/// For a linked worktree (`root/.git` is a file `gitdir: <repo>/.git/worktrees/<name>`), the
/// main repository's root `<repo>`; `None` for anything else (plain repos, submodules, worktrees
/// of bare repositories).
fn main_worktree_root(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    if !dot_git.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let gitdir = text
        .lines()
        .find_map(|line| line.strip_prefix("gitdir:"))
        .map(str::trim)
        .filter(|target| !target.is_empty())?;
    let gitdir = root.join(gitdir);
    let worktrees = gitdir.parent()?;
    if worktrees.file_name()? != "worktrees" {
        return None;
    }
    let common_dir = worktrees.parent()?;
    if common_dir.file_name()? != ".git" {
        return None;
    }
    let main_root = common_dir.parent()?;
    Some(std::fs::canonicalize(main_root).unwrap_or_else(|_| main_root.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    struct Tree {
        _dir: tempfile::TempDir,
        root: PathBuf,
    }

    impl Tree {
        /// A canonical temp dir with `dirs` created and `files` written.
        fn new(dirs: &[&str], files: &[(&str, &str)]) -> Tree {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().canonicalize().unwrap();
            for path in dirs {
                std::fs::create_dir_all(root.join(path)).unwrap();
            }
            for (path, text) in files {
                std::fs::write(
                    root.join(path),
                    text.replace("<root>", &root.to_string_lossy()),
                )
                .unwrap();
            }
            Tree { _dir: dir, root }
        }
    }

    #[test]
    fn outside_git_the_key_is_the_cwd() {
        let tree = Tree::new(&["plain/sub"], &[]);
        let cwd = tree.root.join("plain/sub");
        assert_eq!(project_trust_key(&cwd), cwd);
    }

    #[test]
    fn inside_a_repository_the_key_is_its_root() {
        let tree = Tree::new(&["repo/.git", "repo/a/b"], &[]);
        assert_eq!(
            project_trust_key(&tree.root.join("repo/a/b")),
            tree.root.join("repo")
        );
    }

    #[test]
    fn a_linked_worktree_is_keyed_by_its_main_repository() {
        let tree = Tree::new(
            &["main/.git/worktrees/feature", "feature/src", "rel/src"],
            &[
                (
                    "feature/.git",
                    "gitdir: <root>/main/.git/worktrees/feature\n",
                ),
                ("rel/.git", "gitdir: ../main/.git/worktrees/feature\n"),
            ],
        );
        let main = tree.root.join("main");
        assert_eq!(
            [
                project_trust_key(&tree.root.join("feature/src")),
                project_trust_key(&tree.root.join("rel/src")),
            ],
            [main.clone(), main.clone()]
        );
        assert!(is_trusted(
            std::slice::from_ref(&main),
            &tree.root.join("feature/src")
        ));
        assert!(!is_trusted(
            &[tree.root.join("other")],
            &tree.root.join("feature/src")
        ));
    }

    #[test]
    fn a_submodule_is_its_own_project() {
        let tree = Tree::new(
            &["super/.git/modules/lib", "super/lib"],
            &[("super/lib/.git", "gitdir: ../.git/modules/lib\n")],
        );
        assert_eq!(
            project_trust_key(&tree.root.join("super/lib")),
            tree.root.join("super/lib")
        );
    }
}
