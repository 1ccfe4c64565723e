use std::fs;
use std::path::Path;
use std::path::PathBuf;

use pretty_assertions::assert_eq;
use tempfile::TempDir;

use super::*;
use crate::apply_patch::parse_patch;

fn parse(text: &str) -> Patch {
    parse_patch(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// Verifies and applies `patch` in `dir`, returning the prepared changes.
fn verify_and_apply(dir: &Path, patch: &str) -> Vec<PreparedChange> {
    let changes = verify(&parse(patch), dir).unwrap_or_else(|error| panic!("{error}"));
    apply(&changes).unwrap_or_else(|error| panic!("{error}"));
    changes
}

fn verify_error(dir: &Path, patch: &str) -> String {
    match verify(&parse(patch), dir) {
        Ok(changes) => panic!("expected a verification error, got {changes:?}"),
        Err(error) => error.to_string(),
    }
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Writes `contents` to `name` in `dir` and returns the patch text updating it with `body`.
fn update_patch(dir: &Path, name: &str, contents: &str, body: &str) -> String {
    fs::write(dir.join(name), contents).unwrap();
    format!("*** Begin Patch\n*** Update File: {name}\n{body}*** End Patch\n")
}

#[test]
fn add_update_delete_and_move_are_applied() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    fs::write(root.join("b.txt"), "one\ntwo\nthree\n").unwrap();
    fs::write(root.join("c.txt"), "bye\n").unwrap();
    fs::write(root.join("d.txt"), "keep\nold\n").unwrap();
    let changes = verify_and_apply(
        root,
        "*** Begin Patch\n\
         *** Add File: new/dir/hello.txt\n\
         +hello\n\
         *** Update File: b.txt\n\
         \x20one\n\
         -two\n\
         +TWO\n\
         *** Delete File: c.txt\n\
         *** Update File: d.txt\n\
         *** Move to: moved/d2.txt\n\
         -old\n\
         +new\n\
         *** End Patch",
    );
    assert_eq!(
        changes,
        vec![
            PreparedChange {
                path: root.join("new/dir/hello.txt"),
                move_path: None,
                kind: PreparedKind::Add {
                    contents: "hello\n".to_string()
                },
            },
            PreparedChange {
                path: root.join("b.txt"),
                move_path: None,
                kind: PreparedKind::Update {
                    old_contents: "one\ntwo\nthree\n".to_string(),
                    new_contents: "one\nTWO\nthree\n".to_string(),
                },
            },
            PreparedChange {
                path: root.join("c.txt"),
                move_path: None,
                kind: PreparedKind::Delete {
                    old_contents: "bye\n".to_string()
                },
            },
            PreparedChange {
                path: root.join("d.txt"),
                move_path: Some(root.join("moved/d2.txt")),
                kind: PreparedKind::Update {
                    old_contents: "keep\nold\n".to_string(),
                    new_contents: "keep\nnew\n".to_string(),
                },
            },
        ]
    );
    assert_eq!(read(root.join("new/dir/hello.txt")), "hello\n");
    assert_eq!(read(root.join("b.txt")), "one\nTWO\nthree\n");
    assert!(!root.join("c.txt").exists());
    assert!(!root.join("d.txt").exists());
    assert_eq!(read(root.join("moved/d2.txt")), "keep\nnew\n");
}

#[test]
fn multiple_chunks_apply_in_order() {
    let dir = TempDir::new().unwrap();
    let patch = update_patch(
        dir.path(),
        "f.txt",
        "a\nb\nc\nd\ne\nf\ng\n",
        "@@\n a\n-b\n+B\n@@\n e\n-f\n+F1\n+F2\n",
    );
    verify_and_apply(dir.path(), &patch);
    assert_eq!(read(dir.path().join("f.txt")), "a\nB\nc\nd\ne\nF1\nF2\ng\n");
}

#[test]
fn context_headers_choose_the_occurrence() {
    let dir = TempDir::new().unwrap();
    let source = "class A:\n    def f(self):\n        return 1\n\
                  class B:\n    def f(self):\n        return 1\n";
    let patch = update_patch(
        dir.path(),
        "m.py",
        source,
        "@@ class B:\n@@     def f(self):\n-        return 1\n+        return 2\n",
    );
    verify_and_apply(dir.path(), &patch);
    assert_eq!(
        read(dir.path().join("m.py")),
        "class A:\n    def f(self):\n        return 1\n\
         class B:\n    def f(self):\n        return 2\n"
    );
}

#[test]
fn pure_insertion_goes_after_the_context_line_or_at_the_end() {
    let dir = TempDir::new().unwrap();
    let patch = update_patch(
        dir.path(),
        "list.txt",
        "[a]\nx\n[b]\ny\n",
        "@@ [a]\n+inserted\n@@\n+appended\n",
    );
    verify_and_apply(dir.path(), &patch);
    assert_eq!(
        read(dir.path().join("list.txt")),
        "[a]\ninserted\nx\n[b]\ny\nappended\n"
    );
}

#[test]
fn end_of_file_anchors_the_chunk_at_the_end() {
    let dir = TempDir::new().unwrap();
    let patch = update_patch(
        dir.path(),
        "e.txt",
        "end\nmiddle\nend\n",
        "-end\n+END\n*** End of File\n",
    );
    verify_and_apply(dir.path(), &patch);
    assert_eq!(read(dir.path().join("e.txt")), "end\nmiddle\nEND\n");

    let patch = update_patch(
        dir.path(),
        "e.txt",
        "first\nlast\n",
        "-first\n+FIRST\n*** End of File\n",
    );
    assert_eq!(
        verify_error(dir.path(), &patch),
        format!(
            "Failed to find expected lines at the end of {}:\nfirst",
            dir.path().join("e.txt").display()
        )
    );
}

#[test]
fn matching_falls_back_to_ignoring_whitespace() {
    let dir = TempDir::new().unwrap();
    // Trailing whitespace in the file, then indentation differences. As in the original, the
    // matched region is replaced by the patch's lines, context lines included.
    let patch = update_patch(
        dir.path(),
        "w.txt",
        "alpha  \n    beta\ngamma\n",
        " alpha\n-beta\n+BETA\n",
    );
    verify_and_apply(dir.path(), &patch);
    assert_eq!(read(dir.path().join("w.txt")), "alpha\nBETA\ngamma\n");
}

#[test]
fn a_trailing_blank_context_line_may_be_missing_from_the_file() {
    let dir = TempDir::new().unwrap();
    let patch = update_patch(dir.path(), "t.txt", "a\nb", " a\n-b\n+c\n\n");
    verify_and_apply(dir.path(), &patch);
    assert_eq!(read(dir.path().join("t.txt")), "a\nc\n");
}

#[test]
fn later_hunks_see_earlier_hunks() {
    let dir = TempDir::new().unwrap();
    verify_and_apply(
        dir.path(),
        "*** Begin Patch\n*** Add File: n.txt\n+1\n*** Update File: n.txt\n-1\n+2\n*** End Patch",
    );
    assert_eq!(read(dir.path().join("n.txt")), "2\n");

    let error = verify_error(
        dir.path(),
        "*** Begin Patch\n*** Delete File: n.txt\n*** Update File: n.txt\n+3\n*** End Patch",
    );
    assert_eq!(
        error,
        format!(
            "Failed to read file to update {}: an earlier hunk of this patch deletes or moves it",
            dir.path().join("n.txt").display()
        )
    );
}

#[test]
fn a_failing_hunk_leaves_every_file_untouched() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    fs::write(root.join("keep.txt"), "one\n").unwrap();
    fs::write(root.join("del.txt"), "x\n").unwrap();
    let error = verify_error(
        root,
        "*** Begin Patch\n\
         *** Add File: added.txt\n\
         +new\n\
         *** Update File: keep.txt\n\
         -one\n\
         +ONE\n\
         *** Delete File: del.txt\n\
         *** Update File: keep.txt\n\
         -absent line\n\
         +whatever\n\
         *** End Patch",
    );
    assert_eq!(
        error,
        format!(
            "Failed to find expected lines in {}:\nabsent line",
            root.join("keep.txt").display()
        )
    );
    assert!(!root.join("added.txt").exists());
    assert_eq!(read(root.join("keep.txt")), "one\n");
    assert_eq!(read(root.join("del.txt")), "x\n");
}

#[test]
fn missing_files_are_reported_with_their_absolute_path() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("missing.txt");
    assert_eq!(
        verify_error(
            dir.path(),
            "*** Begin Patch\n*** Update File: missing.txt\n-a\n+b\n*** End Patch"
        ),
        format!(
            "Failed to read file to update {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
    assert_eq!(
        verify_error(
            dir.path(),
            "*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch"
        ),
        format!(
            "Failed to read file to delete {}: No such file or directory (os error 2)",
            missing.display()
        )
    );
}

#[test]
fn a_missing_context_header_is_reported() {
    let dir = TempDir::new().unwrap();
    let patch = update_patch(dir.path(), "c.txt", "a\n", "@@ fn nowhere()\n-a\n+b\n");
    assert_eq!(
        verify_error(dir.path(), &patch),
        format!(
            "Failed to find context 'fn nowhere()' in {}",
            dir.path().join("c.txt").display()
        )
    );
}

#[test]
fn affected_paths_are_absolute_normalized_and_include_moves() {
    let dir = TempDir::new().unwrap();
    let cwd = dir.path().join("work");
    fs::create_dir_all(&cwd).unwrap();
    fs::write(cwd.join("src.txt"), "a\n").unwrap();
    fs::write(dir.path().join("outside.txt"), "o\n").unwrap();
    let patch = parse(&format!(
        "*** Begin Patch\n\
         *** Update File: ./src.txt\n\
         *** Move to: sub/../dest.txt\n\
         *** Delete File: ../outside.txt\n\
         *** Add File: {}\n\
         +abs\n\
         *** Add File: dest.txt\n\
         +again\n\
         *** End Patch",
        dir.path().join("abs.txt").display()
    ));
    let changes = verify(&patch, &cwd).unwrap();
    assert_eq!(
        affected_paths(&changes),
        vec![
            cwd.join("src.txt"),
            cwd.join("dest.txt"),
            dir.path().join("outside.txt"),
            dir.path().join("abs.txt"),
        ]
    );
}

#[test]
fn a_move_onto_itself_keeps_the_file() {
    let dir = TempDir::new().unwrap();
    fs::write(dir.path().join("same.txt"), "a\n").unwrap();
    verify_and_apply(
        dir.path(),
        "*** Begin Patch\n*** Update File: same.txt\n*** Move to: ./same.txt\n-a\n+b\n*** End Patch",
    );
    assert_eq!(read(dir.path().join("same.txt")), "b\n");
}
