//! `/diff` (`tui.md` §8): the working tree's changes as one unified diff — `git diff` for
//! tracked files plus a new-file diff for every untracked, non-ignored file. Runs git as child
//! processes on tokio, so the app calls it from a task, never on the UI thread.

use std::path::Path;

use tokio::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitDiff {
    NotAGitRepo,
    Diff(String),
    /// git could not be run or failed; the text says why.
    Failed(String),
}

pub async fn git_diff(cwd: &Path) -> GitDiff {
    match inside_work_tree(cwd).await {
        Ok(true) => {}
        Ok(false) => return GitDiff::NotAGitRepo,
        Err(message) => return GitDiff::Failed(message),
    }
    match collect_diff(cwd).await {
        Ok(diff) => GitDiff::Diff(diff),
        Err(message) => GitDiff::Failed(message),
    }
}

async fn inside_work_tree(cwd: &Path) -> Result<bool, String> {
    let output = git(cwd, &["rev-parse", "--is-inside-work-tree"]).await?;
    Ok(output.status.success() && output.stdout.trim_ascii() == b"true")
}

async fn collect_diff(cwd: &Path) -> Result<String, String> {
    let (tracked, untracked) = tokio::join!(
        git_stdout(cwd, &["diff", "--color=never"], &[0]),
        // `-z`: names arrive unquoted, whatever characters they contain.
        git_stdout(
            cwd,
            &["ls-files", "-z", "--others", "--exclude-standard"],
            &[0]
        ),
    );
    let mut diff = tracked?;
    let untracked = untracked?;
    let new_file_diffs =
        untracked
            .split('\0')
            .filter(|name| !name.is_empty())
            .map(|name| async move {
                let args = [
                    "diff",
                    "--no-index",
                    "--color=never",
                    "--",
                    NULL_DEVICE,
                    name,
                ];
                // `--no-index` exits 1 when the files differ, which they always do here.
                git_stdout(cwd, &args, &[0, 1]).await
            });
    for new_file in futures::future::join_all(new_file_diffs).await {
        diff.push_str(&new_file?);
    }
    Ok(diff)
}

const NULL_DEVICE: &str = if cfg!(windows) { "NUL" } else { "/dev/null" };

async fn git(cwd: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|err| format!("failed to run git: {err}"))
}

async fn git_stdout(cwd: &Path, args: &[&str], ok_codes: &[i32]) -> Result<String, String> {
    let output = git(cwd, args).await?;
    match output.status.code() {
        Some(code) if ok_codes.contains(&code) => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        _ => Err(format!(
            "`git {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use pretty_assertions::assert_eq;

    use super::*;

    fn run_git(dir: &Path, args: &[&str]) {
        // Isolated from the user's git configuration (the child's environment only).
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .status();
        match status {
            Ok(status) if status.success() => {}
            other => panic!("git {args:?}: {other:?}"),
        }
    }

    fn write(path: PathBuf, text: &str) {
        if let Err(err) = std::fs::write(&path, text) {
            panic!("{}: {err}", path.display());
        }
    }

    fn temp_dir() -> tempfile::TempDir {
        match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        }
    }

    #[tokio::test]
    async fn tracked_changes_then_untracked_files_as_new_files() {
        let dir = temp_dir();
        let root = dir.path();
        run_git(root, &["init", "-q"]);
        write(root.join("hello.txt"), "one\ntwo\nthree\n");
        write(root.join(".gitignore"), "ignored.log\n");
        run_git(root, &["add", "."]);
        run_git(
            root,
            &[
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "commit",
                "-qm",
                "initial",
            ],
        );
        write(root.join("hello.txt"), "one\n2\nthree\n");
        write(root.join("new file.md"), "# Notes\n");
        write(root.join("ignored.log"), "noise\n");

        let diff = match git_diff(root).await {
            GitDiff::Diff(diff) => diff,
            other => panic!("{other:?}"),
        };
        // Blob hashes are content-addressed, so they are stable. git ends a `+++` name that
        // contains a space with a tab.
        assert_eq!(
            diff,
            "diff --git a/hello.txt b/hello.txt
index 4cb29ea..f04eb26 100644
--- a/hello.txt
+++ b/hello.txt
@@ -1,3 +1,3 @@
 one
-two
+2
 three
diff --git a/new file.md b/new file.md
new file mode 100644
index 0000000..17e0f0d
--- /dev/null
+++ b/new file.md\t
@@ -0,0 +1 @@
+# Notes
"
        );
    }

    #[tokio::test]
    async fn a_clean_repo_has_an_empty_diff() {
        let dir = temp_dir();
        run_git(dir.path(), &["init", "-q"]);
        assert_eq!(git_diff(dir.path()).await, GitDiff::Diff(String::new()));
    }

    #[tokio::test]
    async fn outside_a_repository() {
        let dir = temp_dir();
        assert_eq!(git_diff(dir.path()).await, GitDiff::NotAGitRepo);
    }
}
