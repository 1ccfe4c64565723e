//! Verifying a parsed patch against the file system and applying it. `verify` reads every file
//! and computes every new content in memory, so a patch that cannot apply fails before anything
//! is written; `apply` then only writes. Later hunks see the results of earlier ones.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::Component;
use std::path::Path;
use std::path::PathBuf;

use super::parser::Hunk;
use super::parser::Patch;
use super::parser::UpdateChunk;

/// One hunk of a verified patch, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedChange {
    /// The absolute path of the file the hunk names (the source of a move).
    pub path: PathBuf,
    /// The absolute destination of `*** Move to:`.
    pub move_path: Option<PathBuf>,
    pub kind: PreparedKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreparedKind {
    Add {
        contents: String,
    },
    Delete {
        old_contents: String,
    },
    Update {
        old_contents: String,
        new_contents: String,
    },
}

impl PreparedChange {
    /// The content before the change; `None` for a file the patch adds.
    pub fn old_contents(&self) -> Option<&str> {
        match &self.kind {
            PreparedKind::Add { .. } => None,
            PreparedKind::Delete { old_contents } | PreparedKind::Update { old_contents, .. } => {
                Some(old_contents)
            }
        }
    }

    /// The content after the change; `None` for a file the patch deletes.
    pub fn new_contents(&self) -> Option<&str> {
        match &self.kind {
            PreparedKind::Add { contents } => Some(contents),
            PreparedKind::Delete { .. } => None,
            PreparedKind::Update { new_contents, .. } => Some(new_contents),
        }
    }
}

/// What a hunk needed an existing file for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOp {
    Update,
    Delete,
}

impl fmt::Display for FileOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileOp::Update => "update",
            FileOp::Delete => "delete",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("Failed to read file to {op} {}: {source}", path.display())]
    ReadFailed {
        op: FileOp,
        path: PathBuf,
        source: io::Error,
    },
    #[error(
        "Failed to read file to {op} {}: an earlier hunk of this patch deletes or moves it",
        path.display()
    )]
    RemovedEarlier { op: FileOp, path: PathBuf },
    #[error("Failed to find context '{context}' in {}", path.display())]
    ContextNotFound { path: PathBuf, context: String },
    #[error("Failed to find expected lines in {}:\n{lines}", path.display())]
    LinesNotFound { path: PathBuf, lines: String },
    #[error("Failed to find expected lines at the end of {}:\n{lines}", path.display())]
    LinesNotAtEnd { path: PathBuf, lines: String },
}

/// Resolves the patch's paths against `cwd` and computes every change without writing.
pub fn verify(patch: &Patch, cwd: &Path) -> Result<Vec<PreparedChange>, VerifyError> {
    // The state of every file an earlier hunk touched: `None` once deleted or moved away.
    let mut overlay: HashMap<PathBuf, Option<String>> = HashMap::new();
    let mut changes = Vec::with_capacity(patch.hunks.len());
    for hunk in &patch.hunks {
        let change = match hunk {
            Hunk::Add { path, contents } => {
                let path = resolve(cwd, path);
                overlay.insert(path.clone(), Some(contents.clone()));
                PreparedChange {
                    path,
                    move_path: None,
                    kind: PreparedKind::Add {
                        contents: contents.clone(),
                    },
                }
            }
            Hunk::Delete { path } => {
                let path = resolve(cwd, path);
                let old_contents = read(&overlay, &path, FileOp::Delete)?;
                overlay.insert(path.clone(), None);
                PreparedChange {
                    path,
                    move_path: None,
                    kind: PreparedKind::Delete { old_contents },
                }
            }
            Hunk::Update {
                path,
                move_path,
                chunks,
            } => {
                let path = resolve(cwd, path);
                let old_contents = read(&overlay, &path, FileOp::Update)?;
                let new_contents = apply_chunks(&path, &old_contents, chunks)?;
                let move_path = move_path.as_deref().map(|dest| resolve(cwd, dest));
                if let Some(dest) = &move_path {
                    overlay.insert(path.clone(), None);
                    overlay.insert(dest.clone(), Some(new_contents.clone()));
                } else {
                    overlay.insert(path.clone(), Some(new_contents.clone()));
                }
                PreparedChange {
                    path,
                    move_path,
                    kind: PreparedKind::Update {
                        old_contents,
                        new_contents,
                    },
                }
            }
        };
        changes.push(change);
    }
    Ok(changes)
}

/// Writes verified changes in order: adds and moves create missing parent directories; a move
/// writes the destination, then removes the source.
pub fn apply(changes: &[PreparedChange]) -> io::Result<()> {
    for change in changes {
        match (&change.kind, &change.move_path) {
            (PreparedKind::Add { contents }, _) => write_creating_parents(&change.path, contents)?,
            (PreparedKind::Delete { .. }, _) => {
                fs::remove_file(&change.path).map_err(|e| with_path(e, &change.path))?;
            }
            (PreparedKind::Update { new_contents, .. }, Some(dest)) if *dest != change.path => {
                write_creating_parents(dest, new_contents)?;
                fs::remove_file(&change.path).map_err(|e| with_path(e, &change.path))?;
            }
            (PreparedKind::Update { new_contents, .. }, _) => {
                fs::write(&change.path, new_contents).map_err(|e| with_path(e, &change.path))?;
            }
        }
    }
    Ok(())
}

/// Every absolute path the changes write or delete (move sources and destinations included),
/// each once, in patch order: what the sandbox must allow.
pub fn affected_paths(changes: &[PreparedChange]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for path in changes
        .iter()
        .flat_map(|change| std::iter::once(&change.path).chain(&change.move_path))
    {
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    }
    paths
}

/// `cwd.join(path)` with `.` and `..` resolved lexically, so that a prefix check against the
/// writable roots cannot be fooled by `root/../elsewhere`.
fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let mut resolved = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => {
                resolved.push(component.as_os_str());
            }
        }
    }
    resolved
}

fn read(
    overlay: &HashMap<PathBuf, Option<String>>,
    path: &Path,
    op: FileOp,
) -> Result<String, VerifyError> {
    match overlay.get(path) {
        Some(Some(contents)) => Ok(contents.clone()),
        Some(None) => Err(VerifyError::RemovedEarlier {
            op,
            path: path.to_path_buf(),
        }),
        None => fs::read_to_string(path).map_err(|source| VerifyError::ReadFailed {
            op,
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn write_creating_parents(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| with_path(e, parent))?;
    }
    fs::write(path, contents).map_err(|e| with_path(e, path))
}

fn with_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// Applies the chunks of an update to `old`, returning the new content (always ending with a
/// newline unless empty).
fn apply_chunks(path: &Path, old: &str, chunks: &[UpdateChunk]) -> Result<String, VerifyError> {
    let mut lines: Vec<&str> = old.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    // (start, number of lines replaced, replacement) in file order once sorted.
    let mut replacements: Vec<(usize, usize, &[String])> = Vec::new();
    let mut position = 0;
    for chunk in chunks {
        for context in &chunk.contexts {
            let found = seek(
                &lines,
                std::slice::from_ref(context),
                position,
                Anchor::Anywhere,
            );
            let Some(index) = found else {
                return Err(VerifyError::ContextNotFound {
                    path: path.to_path_buf(),
                    context: context.clone(),
                });
            };
            position = index + 1;
        }
        if chunk.old_lines.is_empty() {
            // Pure insertion: right after the `@@ ctx` line, else at the end of the file.
            let at = if chunk.contexts.is_empty() || chunk.is_end_of_file {
                lines.len()
            } else {
                position
            };
            replacements.push((at, 0, &chunk.new_lines));
            continue;
        }
        let anchor = if chunk.is_end_of_file {
            Anchor::End
        } else {
            Anchor::Anywhere
        };
        let mut old_lines = chunk.old_lines.as_slice();
        let mut new_lines = chunk.new_lines.as_slice();
        let mut found = seek(&lines, old_lines, position, anchor);
        // Models often end a chunk with a blank context line the file does not have there.
        if found.is_none()
            && let (Some((last_old, shorter_old)), Some(last_new)) =
                (old_lines.split_last(), new_lines.last())
            && last_old.is_empty()
            && last_new.is_empty()
        {
            old_lines = shorter_old;
            new_lines = &new_lines[..new_lines.len() - 1];
            found = seek(&lines, old_lines, position, anchor);
        }
        let Some(start) = found else {
            let lines = chunk.old_lines.join("\n");
            let path = path.to_path_buf();
            return Err(match anchor {
                Anchor::End => VerifyError::LinesNotAtEnd { path, lines },
                Anchor::Anywhere => VerifyError::LinesNotFound { path, lines },
            });
        };
        replacements.push((start, old_lines.len(), new_lines));
        position = start + old_lines.len();
    }
    replacements.sort_by_key(|(start, _, _)| *start);
    for (start, len, new_lines) in replacements.into_iter().rev() {
        lines.splice(start..start + len, new_lines.iter().map(String::as_str));
    }
    if lines.is_empty() {
        return Ok(String::new());
    }
    let mut new = lines.join("\n");
    new.push('\n');
    Ok(new)
}

#[derive(Debug, Clone, Copy)]
enum Anchor {
    Anywhere,
    End,
}

/// The first index at or after `from` where `pattern` matches `lines` consecutively, trying
/// exact equality first, then ignoring trailing whitespace, then surrounding whitespace.
fn seek(lines: &[&str], pattern: &[String], from: usize, anchor: Anchor) -> Option<usize> {
    let last_start = lines.len().checked_sub(pattern.len())?;
    let starts = match anchor {
        Anchor::Anywhere => from..=last_start,
        Anchor::End if last_start >= from => last_start..=last_start,
        Anchor::End => return None,
    };
    let normalizations: [fn(&str) -> &str; 3] = [|s| s, str::trim_end, str::trim];
    normalizations.into_iter().find_map(|normalize| {
        starts.clone().find(|&start| {
            lines[start..start + pattern.len()]
                .iter()
                .zip(pattern)
                .all(|(line, expected)| normalize(line) == normalize(expected))
        })
    })
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
