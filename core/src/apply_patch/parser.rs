//! Parser for the patch language of the freeform `apply_patch` tool (responses-wire §6.1).
//! It accepts every text the Lark grammar we send to the model generates, plus two leniencies
//! of the original that models rely on when they write patches by hand (heredocs): a blank
//! line inside an update is an empty context line, and an `Add File` may have no lines.

use std::path::PathBuf;

use super::heredoc::strip_heredoc_wrapper;

const BEGIN_PATCH: &str = "*** Begin Patch";
const END_PATCH: &str = "*** End Patch";
const ADD_FILE: &str = "*** Add File: ";
const DELETE_FILE: &str = "*** Delete File: ";
const UPDATE_FILE: &str = "*** Update File: ";
const MOVE_TO: &str = "*** Move to: ";
const END_OF_FILE: &str = "*** End of File";

/// A parsed patch: at least one hunk, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub hunks: Vec<Hunk>,
}

/// One file operation; paths are exactly as written in the patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hunk {
    Add {
        path: PathBuf,
        /// The `+` lines, each terminated by `\n`.
        contents: String,
    },
    Delete {
        path: PathBuf,
    },
    Update {
        path: PathBuf,
        move_path: Option<PathBuf>,
        chunks: Vec<UpdateChunk>,
    },
}

/// A run of change lines that must match the file consecutively, preceded by the `@@ ctx`
/// headers that position it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateChunk {
    /// The texts of consecutive `@@ ctx` headers, in order; a bare `@@` adds none.
    pub contexts: Vec<String>,
    /// Context (` `) and removed (`-`) lines: what the file must contain.
    pub old_lines: Vec<String>,
    /// Context (` `) and added (`+`) lines: what replaces `old_lines`.
    pub new_lines: Vec<String>,
    /// `*** End of File` closed the hunk: the chunk must match at the end of the file.
    pub is_end_of_file: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text as a whole is not a patch.
    #[error("invalid patch: {0}")]
    InvalidPatch(String),
    /// A line inside the patch breaks the grammar; `line` is 1-based, `*** Begin Patch` is 1.
    #[error("invalid hunk at line {line}, {message}")]
    InvalidHunk { line: usize, message: String },
}

/// Parses a patch. Whitespace around the whole text is ignored, and so is a `<<'EOF'` heredoc
/// wrapped around it.
pub fn parse_patch(text: &str) -> Result<Patch, ParseError> {
    let text = text.trim();
    let text = strip_heredoc_wrapper(text).map_or(text, str::trim);
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.first().map(|line| line.trim()) != Some(BEGIN_PATCH) {
        return Err(ParseError::InvalidPatch(format!(
            "The first line of the patch must be '{BEGIN_PATCH}'"
        )));
    }
    if lines.len() < 2 || lines.last().map(|line| line.trim()) != Some(END_PATCH) {
        return Err(ParseError::InvalidPatch(format!(
            "The last line of the patch must be '{END_PATCH}'"
        )));
    }
    let body = Body {
        lines: &lines[1..lines.len() - 1],
    };
    let hunks = body.parse_hunks()?;
    if hunks.is_empty() {
        return Err(ParseError::InvalidPatch(format!(
            "The patch contains no file operation; add at least one '{ADD_FILE}', \
             '{DELETE_FILE}' or '{UPDATE_FILE}' section"
        )));
    }
    Ok(Patch { hunks })
}

/// The lines between `*** Begin Patch` and `*** End Patch`.
struct Body<'a> {
    lines: &'a [&'a str],
}

impl Body<'_> {
    /// Line number of `lines[index]` in the whole patch (the Begin line is 1).
    fn line_number(index: usize) -> usize {
        index + 2
    }

    fn error(index: usize, message: String) -> ParseError {
        ParseError::InvalidHunk {
            line: Self::line_number(index),
            message,
        }
    }

    fn parse_hunks(&self) -> Result<Vec<Hunk>, ParseError> {
        let mut hunks = Vec::new();
        let mut index = 0;
        while let Some(line) = self.lines.get(index) {
            if let Some(path) = line.strip_prefix(ADD_FILE) {
                let path = Self::path(path, ADD_FILE, index)?;
                index += 1;
                let mut contents = String::new();
                while let Some(added) = self.lines.get(index).and_then(|l| l.strip_prefix('+')) {
                    contents.push_str(added);
                    contents.push('\n');
                    index += 1;
                }
                hunks.push(Hunk::Add { path, contents });
            } else if let Some(path) = line.strip_prefix(DELETE_FILE) {
                let path = Self::path(path, DELETE_FILE, index)?;
                index += 1;
                hunks.push(Hunk::Delete { path });
            } else if let Some(path) = line.strip_prefix(UPDATE_FILE) {
                let path = Self::path(path, UPDATE_FILE, index)?;
                index += 1;
                let mut move_path = None;
                if let Some(dest) = self.lines.get(index).and_then(|l| l.strip_prefix(MOVE_TO)) {
                    move_path = Some(Self::path(dest, MOVE_TO, index)?);
                    index += 1;
                }
                let chunks = self.parse_chunks(&mut index)?;
                hunks.push(Hunk::Update {
                    path,
                    move_path,
                    chunks,
                });
            } else {
                return Err(Self::error(
                    index,
                    format!(
                        "'{line}' is not a valid hunk header. Valid hunk headers: \
                         '{ADD_FILE}{{path}}', '{DELETE_FILE}{{path}}', '{UPDATE_FILE}{{path}}'"
                    ),
                ));
            }
        }
        Ok(hunks)
    }

    fn path(text: &str, marker: &str, index: usize) -> Result<PathBuf, ParseError> {
        if text.is_empty() {
            return Err(Self::error(
                index,
                format!("'{marker}' has no path; write the file path after the marker"),
            ));
        }
        Ok(PathBuf::from(text))
    }

    /// Parses the change lines of an update hunk starting at `*index`, leaving `*index` on
    /// the next hunk header (or past the end).
    fn parse_chunks(&self, index: &mut usize) -> Result<Vec<UpdateChunk>, ParseError> {
        let mut chunks = Vec::new();
        let mut current: Option<UpdateChunk> = None;
        while let Some(&line) = self.lines.get(*index) {
            if is_hunk_header(line) {
                break;
            }
            if line == END_OF_FILE {
                let Some(chunk) = current.as_mut() else {
                    return Err(Self::error(
                        *index,
                        format!("'{END_OF_FILE}' must follow at least one change line"),
                    ));
                };
                chunk.is_end_of_file = true;
                *index += 1;
                if let Some(next) = self.lines.get(*index).filter(|l| !is_hunk_header(l)) {
                    return Err(Self::error(
                        *index,
                        format!(
                            "Unexpected line after '{END_OF_FILE}': '{next}'. \
                             '{END_OF_FILE}' must be the last line of an update hunk"
                        ),
                    ));
                }
                break;
            }
            if let Some(context) = context_header(line) {
                let chunk = match current.take() {
                    Some(chunk) if chunk.old_lines.is_empty() && chunk.new_lines.is_empty() => {
                        chunk
                    }
                    finished => {
                        chunks.extend(finished);
                        UpdateChunk::default()
                    }
                };
                let chunk = current.insert(chunk);
                chunk.contexts.extend(context.map(str::to_string));
            } else {
                let chunk = current.get_or_insert_with(UpdateChunk::default);
                match line.split_at_checked(1) {
                    Some((" ", text)) => {
                        chunk.old_lines.push(text.to_string());
                        chunk.new_lines.push(text.to_string());
                    }
                    Some(("-", text)) => chunk.old_lines.push(text.to_string()),
                    Some(("+", text)) => chunk.new_lines.push(text.to_string()),
                    // A blank line is a context line whose leading space was stripped.
                    _ if line.is_empty() => {
                        chunk.old_lines.push(String::new());
                        chunk.new_lines.push(String::new());
                    }
                    _ => {
                        return Err(Self::error(
                            *index,
                            format!(
                                "Unexpected line found in update hunk: '{line}'. Every line \
                                 should start with ' ' (context line), '+' (added line), or \
                                 '-' (removed line)"
                            ),
                        ));
                    }
                }
            }
            *index += 1;
        }
        chunks.extend(current);
        Ok(chunks)
    }
}

fn is_hunk_header(line: &str) -> bool {
    [ADD_FILE, DELETE_FILE, UPDATE_FILE]
        .iter()
        .any(|marker| line.starts_with(marker))
}

/// `Some(None)` for a bare `@@`, `Some(Some(ctx))` for `@@ ctx`, `None` for any other line.
fn context_header(line: &str) -> Option<Option<&str>> {
    if line == "@@" {
        return Some(None);
    }
    let context = line.strip_prefix("@@ ")?;
    Some(Some(context).filter(|c| !c.is_empty()))
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
