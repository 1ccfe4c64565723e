//! The `apply_patch` engine: the patch language the model writes (responses-wire §6.1), the
//! verification that computes every change before anything is written, the writing itself, the
//! success summary the model reads back, git-style diffs for the front ends, and the recognition
//! of patches sent as `apply_patch <<'EOF'` shell commands.

mod apply;
mod diff;
mod heredoc;
mod parser;
mod tool;

pub use apply::FileOp;
pub use apply::PreparedChange;
pub use apply::PreparedKind;
pub use apply::VerifyError;
pub use apply::affected_paths;
pub use apply::apply;
pub use apply::verify;
pub use diff::git_diff;
pub use heredoc::HeredocPatch;
pub use heredoc::extract_heredoc;
pub use parser::Hunk;
pub use parser::ParseError;
pub use parser::Patch;
pub use parser::UpdateChunk;
pub use parser::parse_patch;
pub use tool::APPLY_PATCH_LARK_GRAMMAR;
pub use tool::APPLY_PATCH_TOOL_DESCRIPTION;

/// The text the model reads after a successful patch: `A`dded files first, then `M`odified
/// (a moved file under its destination), then `D`eleted, each path as written in the patch.
pub fn summary(patch: &Patch) -> String {
    let mut added = Vec::new();
    let mut modified = Vec::new();
    let mut deleted = Vec::new();
    for hunk in &patch.hunks {
        match hunk {
            Hunk::Add { path, .. } => added.push(path),
            Hunk::Delete { path } => deleted.push(path),
            Hunk::Update {
                path, move_path, ..
            } => modified.push(move_path.as_ref().unwrap_or(path)),
        }
    }
    let mut out = String::from("Success. Updated the following files:\n");
    for (letter, paths) in [("A", added), ("M", modified), ("D", deleted)] {
        for path in paths {
            out.push_str(&format!("{letter} {}\n", path.display()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn summary_lists_added_then_modified_then_deleted_as_written() {
        let patch = parse_patch(
            "*** Begin Patch\n\
             *** Delete File: c.txt\n\
             *** Update File: b.txt\n\
             -x\n\
             +y\n\
             *** Add File: hello.txt\n\
             +hi\n\
             *** Update File: src/old.rs\n\
             *** Move to: /abs/new.rs\n\
             *** End Patch",
        )
        .unwrap();
        assert_eq!(
            summary(&patch),
            "Success. Updated the following files:\n\
             A hello.txt\n\
             M b.txt\n\
             M /abs/new.rs\n\
             D c.txt\n"
        );
    }
}
