//! AGENTS.md discovery and rendering (`config.md` §11): the global file in `$CODEX_HOME`, then
//! one file per directory from the project root (the nearest `.git`) down to the cwd, under one
//! byte budget, rendered into the text of the `# AGENTS.md instructions` message.

use std::io::ErrorKind;
use std::path::Path;
use std::path::PathBuf;

const OVERRIDE_FILENAME: &str = "AGENTS.override.md";
const DEFAULT_FILENAME: &str = "AGENTS.md";
const PROJECT_DOC_SEPARATOR: &str = "\n\n--- project-doc ---\n\n";

/// The nearest directory at or above `dir` that contains `.git` (a directory or a file).
pub fn find_git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|ancestor| ancestor.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The AGENTS.md message text for a session in `cwd`, or `None` when there is no file at all.
/// `max_bytes` is the budget over the project files (0 disables them; the global file stays).
pub fn agents_md_message(
    codex_home: &Path,
    cwd: &Path,
    max_bytes: usize,
    fallback_filenames: &[String],
) -> std::io::Result<Option<String>> {
    let global = first_non_empty(codex_home, &[OVERRIDE_FILENAME, DEFAULT_FILENAME])?
        .map(|(_, text)| text.trim().to_string());
    let project: Vec<String> = project_docs(cwd, max_bytes, fallback_filenames)?
        .into_iter()
        .map(|(_, text)| text)
        .collect();

    let header = if project.is_empty() {
        "# AGENTS.md instructions".to_string()
    } else {
        format!("# AGENTS.md instructions for {}", cwd.display())
    };
    let project = (!project.is_empty()).then(|| project.join("\n\n"));
    let text = match (global, project) {
        (Some(global), Some(project)) => format!("{global}{PROJECT_DOC_SEPARATOR}{project}"),
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => return Ok(None),
    };
    Ok(Some(format!(
        "{header}\n\n<INSTRUCTIONS>\n{text}\n</INSTRUCTIONS>"
    )))
}

/// The files `agents_md_message` reads, global first (for the TUI's `/status`). Unreadable
/// files are left out.
pub fn agents_md_paths(
    codex_home: &Path,
    cwd: &Path,
    max_bytes: usize,
    fallback_filenames: &[String],
) -> Vec<PathBuf> {
    let global = first_non_empty(codex_home, &[OVERRIDE_FILENAME, DEFAULT_FILENAME])
        .ok()
        .flatten()
        .map(|(path, _)| path);
    let project = project_docs(cwd, max_bytes, fallback_filenames).unwrap_or_default();
    global
        .into_iter()
        .chain(project.into_iter().map(|(path, _)| path))
        .collect()
}

/// The project files and their texts, root first, cut to the budget.
fn project_docs(
    cwd: &Path,
    max_bytes: usize,
    fallback_filenames: &[String],
) -> std::io::Result<Vec<(PathBuf, String)>> {
    if max_bytes == 0 {
        return Ok(Vec::new());
    }
    let mut dirs: Vec<&Path> = match find_git_root(cwd) {
        Some(root) => cwd
            .ancestors()
            .take_while(|dir| dir.starts_with(&root))
            .collect(),
        None => vec![cwd],
    };
    dirs.reverse();
    let mut names = vec![OVERRIDE_FILENAME, DEFAULT_FILENAME];
    names.extend(fallback_filenames.iter().map(String::as_str));

    let mut remaining = max_bytes;
    let mut docs = Vec::new();
    for dir in dirs {
        if remaining == 0 {
            break;
        }
        let Some((path, mut text)) = first_non_empty(dir, &names)? else {
            continue;
        };
        if text.len() > remaining {
            text.truncate(floor_char_boundary(&text, remaining));
        }
        remaining -= text.len();
        if !text.is_empty() {
            docs.push((path, text));
        }
    }
    Ok(docs)
}

/// The first of `names` in `dir` that is a file with non-blank content, and its text.
fn first_non_empty(dir: &Path, names: &[&str]) -> std::io::Result<Option<(PathBuf, String)>> {
    for name in names {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if !text.trim().is_empty() {
            return Ok(Some((path, text)));
        }
    }
    Ok(None)
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    (0..=index.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use tempfile::TempDir;

    use super::*;

    struct Fixture {
        _dir: TempDir,
        home: PathBuf,
        root: PathBuf,
    }

    /// `<tmp>/home` as CODEX_HOME and `<tmp>/project` as a git repo root.
    fn fixture() -> Fixture {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        let home = dir.path().join("home");
        let root = dir.path().join("project");
        for path in [&home, &root.join(".git"), &root.join("a/b")] {
            mkdir(path);
        }
        Fixture {
            _dir: dir,
            home,
            root,
        }
    }

    fn mkdir(path: &Path) {
        if let Err(err) = std::fs::create_dir_all(path) {
            panic!("{}: {err}", path.display());
        }
    }

    fn write(path: &Path, text: &str) {
        if let Err(err) = std::fs::write(path, text) {
            panic!("{}: {err}", path.display());
        }
    }

    fn message(home: &Path, cwd: &Path, max_bytes: usize, fallbacks: &[&str]) -> Option<String> {
        let fallbacks: Vec<String> = fallbacks.iter().map(|name| (*name).to_string()).collect();
        match agents_md_message(home, cwd, max_bytes, &fallbacks) {
            Ok(message) => message,
            Err(err) => panic!("{err}"),
        }
    }

    fn instructions(cwd: Option<&Path>, text: &str) -> Option<String> {
        let header = match cwd {
            Some(cwd) => format!("# AGENTS.md instructions for {}", cwd.display()),
            None => "# AGENTS.md instructions".to_string(),
        };
        Some(format!(
            "{header}\n\n<INSTRUCTIONS>\n{text}\n</INSTRUCTIONS>"
        ))
    }

    #[test]
    fn renders_global_and_project_files() {
        let f = fixture();
        write(&f.home.join("AGENTS.md"), "\nGlobal rules\n\n");
        write(&f.root.join("AGENTS.md"), "ROOT agents\n");
        write(&f.root.join("a/AGENTS.md"), "A-level agents\n");
        let cwd = f.root.join("a/b");
        let expected = format!(
            "# AGENTS.md instructions for {}\n\n<INSTRUCTIONS>\nGlobal rules\n\n--- project-doc ---\n\nROOT agents\n\n\nA-level agents\n\n</INSTRUCTIONS>",
            cwd.display()
        );
        assert_eq!(message(&f.home, &cwd, 32768, &[]), Some(expected));
    }

    #[test]
    fn paths_list_the_files_read_global_first() {
        let f = fixture();
        write(&f.home.join("AGENTS.md"), "Global rules\n");
        write(&f.root.join("AGENTS.md"), "ROOT agents\n");
        write(&f.root.join("a/b/AGENTS.override.md"), "B override\n");
        write(&f.root.join("a/b/AGENTS.md"), "not read\n");
        let cwd = f.root.join("a/b");
        assert_eq!(
            agents_md_paths(&f.home, &cwd, 32768, &[]),
            vec![
                f.home.join("AGENTS.md"),
                f.root.join("AGENTS.md"),
                f.root.join("a/b/AGENTS.override.md"),
            ]
        );
    }

    #[test]
    fn budget_cuts_the_last_file() {
        let f = fixture();
        write(&f.root.join("AGENTS.md"), "ROOT agents\n");
        write(&f.root.join("a/AGENTS.md"), "A-level agents\n");
        write(&f.root.join("a/b/AGENTS.override.md"), "B-level override\n");
        write(&f.root.join("a/b/AGENTS.md"), "not read\n");
        let cwd = f.root.join("a/b");
        assert_eq!(
            message(&f.home, &cwd, 40, &[]),
            instructions(
                Some(&cwd),
                "ROOT agents\n\n\nA-level agents\n\n\nB-level overr"
            )
        );
    }

    #[test]
    fn budget_cut_respects_utf8() {
        let f = fixture();
        write(&f.root.join("AGENTS.md"), "ab\u{e9}cd\n");
        assert_eq!(
            message(&f.home, &f.root, 3, &[]),
            instructions(Some(&f.root), "ab")
        );
    }

    #[test]
    fn global_only() {
        let f = fixture();
        write(&f.home.join("AGENTS.md"), "global\n");
        write(&f.home.join("AGENTS.override.md"), "override wins\n");
        assert_eq!(
            message(&f.home, &f.root, 32768, &[]),
            instructions(None, "override wins")
        );
    }

    #[test]
    fn empty_override_falls_back_and_empty_files_are_skipped() {
        let f = fixture();
        write(&f.home.join("AGENTS.override.md"), "  \n");
        write(&f.home.join("AGENTS.md"), "global\n");
        write(&f.root.join("AGENTS.override.md"), "");
        write(&f.root.join("AGENTS.md"), "\n");
        write(&f.root.join("NOTES.md"), "notes\n");
        assert_eq!(
            message(&f.home, &f.root, 32768, &["NOTES.md"]),
            instructions(Some(&f.root), "global\n\n--- project-doc ---\n\nnotes\n")
        );
    }

    #[test]
    fn fallback_filenames_come_after_agents_md_in_order() {
        let f = fixture();
        write(&f.root.join("CLAUDE.md"), "claude\n");
        write(&f.root.join("NOTES.md"), "notes\n");
        write(&f.root.join("a/AGENTS.md"), "agents\n");
        write(&f.root.join("a/NOTES.md"), "ignored\n");
        let cwd = f.root.join("a");
        assert_eq!(
            message(&f.home, &cwd, 32768, &["NOTES.md", "CLAUDE.md"]),
            instructions(Some(&cwd), "notes\n\n\nagents\n")
        );
    }

    #[test]
    fn without_git_root_only_cwd_is_read() {
        let f = fixture();
        let outside = f.root.parent().map(|p| p.join("plain/sub"));
        let Some(cwd) = outside else {
            panic!("no parent");
        };
        mkdir(&cwd);
        write(&cwd.join("../AGENTS.md"), "parent, never read\n");
        write(&cwd.join("AGENTS.md"), "cwd\n");
        assert_eq!(
            message(&f.home, &cwd, 32768, &[]),
            instructions(Some(&cwd), "cwd\n")
        );
    }

    #[test]
    fn zero_budget_disables_project_files() {
        let f = fixture();
        write(&f.root.join("AGENTS.md"), "project\n");
        assert_eq!(message(&f.home, &f.root, 0, &[]), None);
        write(&f.home.join("AGENTS.md"), "global");
        assert_eq!(
            message(&f.home, &f.root, 0, &[]),
            instructions(None, "global")
        );
    }

    #[test]
    fn git_root_may_be_a_file() {
        let f = fixture();
        let worktree = f.root.join("a");
        write(&worktree.join(".git"), "gitdir: elsewhere\n");
        write(&f.root.join("AGENTS.md"), "above the worktree\n");
        write(&worktree.join("AGENTS.md"), "worktree\n");
        let cwd = worktree.join("b");
        assert_eq!(find_git_root(&cwd), Some(worktree));
        assert_eq!(
            message(&f.home, &cwd, 32768, &[]),
            instructions(Some(&cwd), "worktree\n")
        );
    }
}
