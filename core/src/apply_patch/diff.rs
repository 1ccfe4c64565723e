//! Git-style unified diffs of prepared changes, for the human output of `codex exec` (exec §4)
//! and the turn diff. The layout follows what the original prints: `diff --git`, the file mode
//! line for adds and deletes, `index <blob>..<blob>` with full 40-hex git blob ids (all zeros for
//! an absent side), `---`/`+++` headers and hunks with 3 lines of context.

use std::fmt::Write as _;
use std::path::Path;

use sha1::Digest as _;
use sha1::Sha1;
use similar::TextDiff;

use super::apply::PreparedChange;
use super::apply::PreparedKind;

const ZERO_OID: &str = "0000000000000000000000000000000000000000";
const FILE_MODE: &str = "100644";

/// The diff of one change. Paths are shown relative to `cwd` when under it, else absolute (as
/// the original does outside a repository, giving `a//abs/path`). An update that neither changes
/// the content nor moves the file has no diff: the empty string.
pub fn git_diff(change: &PreparedChange, cwd: &Path) -> String {
    let old_contents = change.old_contents();
    let new_contents = change.new_contents();
    if change.move_path.is_none() && old_contents == new_contents {
        return String::new();
    }
    let old_name = display_path(&change.path, cwd);
    let new_name = change
        .move_path
        .as_deref()
        .map_or_else(|| old_name.clone(), |dest| display_path(dest, cwd));

    let mut out = format!("diff --git a/{old_name} b/{new_name}\n");
    match change.kind {
        PreparedKind::Add { .. } => {
            let _ = writeln!(out, "new file mode {FILE_MODE}");
        }
        PreparedKind::Delete { .. } => {
            let _ = writeln!(out, "deleted file mode {FILE_MODE}");
        }
        PreparedKind::Update { .. } => {}
    }
    let old_oid = old_contents.map_or_else(|| ZERO_OID.to_string(), blob_id);
    let new_oid = new_contents.map_or_else(|| ZERO_OID.to_string(), blob_id);
    let _ = writeln!(out, "index {old_oid}..{new_oid}");

    let old_label =
        old_contents.map_or_else(|| "/dev/null".to_string(), |_| format!("a/{old_name}"));
    let new_label =
        new_contents.map_or_else(|| "/dev/null".to_string(), |_| format!("b/{new_name}"));
    let diff = TextDiff::from_lines(old_contents.unwrap_or(""), new_contents.unwrap_or(""));
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&old_label, &new_label)
    );
    out
}

fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The git object id of a blob: sha1 of `blob <len>\0<content>`.
fn blob_id(contents: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", contents.len()));
    hasher.update(contents);
    hasher
        .finalize()
        .iter()
        .fold(String::with_capacity(40), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use pretty_assertions::assert_eq;

    use super::*;

    fn cwd() -> PathBuf {
        PathBuf::from("/home/user/project")
    }

    #[test]
    fn add_matches_the_original_output() {
        let change = PreparedChange {
            path: cwd().join("patched.txt"),
            move_path: None,
            kind: PreparedKind::Add {
                contents: "hello from patch\n".to_string(),
            },
        };
        assert_eq!(
            git_diff(&change, &cwd()),
            "diff --git a/patched.txt b/patched.txt\n\
             new file mode 100644\n\
             index 0000000000000000000000000000000000000000..70884b24e13673079b22a401dcd087b02def4c6a\n\
             --- /dev/null\n\
             +++ b/patched.txt\n\
             @@ -0,0 +1 @@\n\
             +hello from patch\n"
        );
    }

    #[test]
    fn update_shows_three_lines_of_context() {
        let change = PreparedChange {
            path: cwd().join("src/n.txt"),
            move_path: None,
            kind: PreparedKind::Update {
                old_contents: "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n".to_string(),
                new_contents: "one\ntwo\nthree\nFOUR\nfive\nsix\nseven\neight\n".to_string(),
            },
        };
        assert_eq!(
            git_diff(&change, &cwd()),
            "diff --git a/src/n.txt b/src/n.txt\n\
             index b00a0f1b675b8fc8b8aff62e13f2139842d025eb..6830218616d06472cf36bb352aeeb90e02511c8c\n\
             --- a/src/n.txt\n\
             +++ b/src/n.txt\n\
             @@ -1,7 +1,7 @@\n\
             \x20one\n\
             \x20two\n\
             \x20three\n\
             -four\n\
             +FOUR\n\
             \x20five\n\
             \x20six\n\
             \x20seven\n"
        );
    }

    #[test]
    fn delete_outside_cwd_uses_the_absolute_path() {
        let change = PreparedChange {
            path: PathBuf::from("/tmp/c.txt"),
            move_path: None,
            kind: PreparedKind::Delete {
                old_contents: "bye\n".to_string(),
            },
        };
        assert_eq!(
            git_diff(&change, &cwd()),
            "diff --git a//tmp/c.txt b//tmp/c.txt\n\
             deleted file mode 100644\n\
             index b023018cabc396e7692c70bbf5784a93d3f738ab..0000000000000000000000000000000000000000\n\
             --- a//tmp/c.txt\n\
             +++ /dev/null\n\
             @@ -1 +0,0 @@\n\
             -bye\n"
        );
    }

    #[test]
    fn move_names_both_paths_and_an_unchanged_update_has_no_diff() {
        let moved = PreparedChange {
            path: cwd().join("x.txt"),
            move_path: Some(cwd().join("y.txt")),
            kind: PreparedKind::Update {
                old_contents: "x\n".to_string(),
                new_contents: "y\n".to_string(),
            },
        };
        assert_eq!(
            git_diff(&moved, &cwd()),
            "diff --git a/x.txt b/y.txt\n\
             index 587be6b4c3f93f93c489c0111bba5596147a26cb..975fbec8256d3e8a3797e7a3611380f27c49f4ac\n\
             --- a/x.txt\n\
             +++ b/y.txt\n\
             @@ -1 +1 @@\n\
             -x\n\
             +y\n"
        );
        let unchanged = PreparedChange {
            path: cwd().join("x.txt"),
            move_path: None,
            kind: PreparedKind::Update {
                old_contents: "x\n".to_string(),
                new_contents: "x\n".to_string(),
            },
        };
        assert_eq!(git_diff(&unchanged, &cwd()), "");
    }
}
