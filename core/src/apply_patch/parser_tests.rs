use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;

fn lines(texts: &[&str]) -> Vec<String> {
    texts.iter().map(ToString::to_string).collect()
}

fn error_text(patch: &str) -> String {
    match parse_patch(patch) {
        Ok(parsed) => panic!("expected an error for {patch:?}, parsed {parsed:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn parses_every_hunk_kind() {
    let patch = "*** Begin Patch\n\
                 *** Add File: hello.txt\n\
                 +Hello\n\
                 +\n\
                 +world\n\
                 *** Delete File: old/gone.txt\n\
                 *** Update File: src/lib.rs\n\
                 *** Move to: src/main.rs\n\
                 @@ fn main() {\n\
                 -    old();\n\
                 +    new();\n\
                 \x20    done();\n\
                 *** Update File: /abs/notes.md\n\
                 -last\n\
                 +final\n\
                 *** End of File\n\
                 *** End Patch";
    let expected = Patch {
        hunks: vec![
            Hunk::Add {
                path: PathBuf::from("hello.txt"),
                contents: "Hello\n\nworld\n".to_string(),
            },
            Hunk::Delete {
                path: PathBuf::from("old/gone.txt"),
            },
            Hunk::Update {
                path: PathBuf::from("src/lib.rs"),
                move_path: Some(PathBuf::from("src/main.rs")),
                chunks: vec![UpdateChunk {
                    contexts: lines(&["fn main() {"]),
                    old_lines: lines(&["    old();", "    done();"]),
                    new_lines: lines(&["    new();", "    done();"]),
                    is_end_of_file: false,
                }],
            },
            Hunk::Update {
                path: PathBuf::from("/abs/notes.md"),
                move_path: None,
                chunks: vec![UpdateChunk {
                    contexts: Vec::new(),
                    old_lines: lines(&["last"]),
                    new_lines: lines(&["final"]),
                    is_end_of_file: true,
                }],
            },
        ],
    };
    assert_eq!(parse_patch(patch), Ok(expected));
}

#[test]
fn context_headers_split_chunks_and_consecutive_headers_stack() {
    let patch = "*** Begin Patch\n\
                 *** Update File: a.py\n\
                 -first\n\
                 +FIRST\n\
                 @@ class A:\n\
                 @@     def f(self):\n\
                 -        return 1\n\
                 +        return 2\n\
                 @@\n\
                 +tail\n\
                 \n\
                 @@ \n\
                 \x20x\n\
                 *** End Patch\n";
    let expected = Patch {
        hunks: vec![Hunk::Update {
            path: PathBuf::from("a.py"),
            move_path: None,
            chunks: vec![
                UpdateChunk {
                    contexts: Vec::new(),
                    old_lines: lines(&["first"]),
                    new_lines: lines(&["FIRST"]),
                    is_end_of_file: false,
                },
                UpdateChunk {
                    contexts: lines(&["class A:", "    def f(self):"]),
                    old_lines: lines(&["        return 1"]),
                    new_lines: lines(&["        return 2"]),
                    is_end_of_file: false,
                },
                // A blank line is an empty context line.
                UpdateChunk {
                    contexts: Vec::new(),
                    old_lines: lines(&[""]),
                    new_lines: lines(&["tail", ""]),
                    is_end_of_file: false,
                },
                // `@@ ` with nothing after it is a bare `@@`.
                UpdateChunk {
                    contexts: Vec::new(),
                    old_lines: lines(&["x"]),
                    new_lines: lines(&["x"]),
                    is_end_of_file: false,
                },
            ],
        }],
    };
    assert_eq!(parse_patch(patch), Ok(expected));
}

#[test]
fn update_without_changes_and_empty_add_are_accepted() {
    let patch = "*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** Update File: c\n\
                 *** Add File: empty\n*** End Patch";
    let expected = Patch {
        hunks: vec![
            Hunk::Update {
                path: PathBuf::from("a"),
                move_path: Some(PathBuf::from("b")),
                chunks: Vec::new(),
            },
            Hunk::Update {
                path: PathBuf::from("c"),
                move_path: None,
                chunks: Vec::new(),
            },
            Hunk::Add {
                path: PathBuf::from("empty"),
                contents: String::new(),
            },
        ],
    };
    assert_eq!(parse_patch(patch), Ok(expected));
}

#[test]
fn surrounding_whitespace_trailing_newline_and_heredoc_wrapper_are_tolerated() {
    let expected = Ok(Patch {
        hunks: vec![Hunk::Delete {
            path: PathBuf::from("x.txt"),
        }],
    });
    for text in [
        "*** Begin Patch\n*** Delete File: x.txt\n*** End Patch",
        "*** Begin Patch\n*** Delete File: x.txt\n*** End Patch\n",
        "\n  \t*** Begin Patch\n*** Delete File: x.txt\n*** End Patch\n\n  ",
        "<<'EOF'\n*** Begin Patch\n*** Delete File: x.txt\n*** End Patch\nEOF\n",
        "<<\"PATCH\"\n*** Begin Patch\n*** Delete File: x.txt\n*** End Patch\nPATCH",
        "<<EOF\n*** Begin Patch\n*** Delete File: x.txt\n*** End Patch\nEOF",
    ] {
        assert_eq!(parse_patch(text), expected, "{text:?}");
    }
}

#[test]
fn valid_patches_of_the_grammar_parse() {
    // Each text is generated by the Lark grammar we send (kept in sync by hand with
    // grammar.lark); the parser must accept all of them.
    for text in [
        "*** Begin Patch\n*** Add File: a.txt\n+hello\n+\n*** End Patch",
        "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch\n",
        "*** Begin Patch\n*** Delete File: x\n*** Update File: y\n*** Move to: z\n*** End Patch",
        "*** Begin Patch\n*** Update File: y\n@@\n-a\n+b\n \n@@ def f():\n@@ x\n  c\n\
         *** End of File\n*** Add File: q\n+1\n*** End Patch\n",
        "*** Begin Patch\n*** Update File: y\n-a\n+b\n*** End Patch",
        "*** Begin Patch\n*** Update File: y\n@@ only a header\n*** End Patch",
        "*** Begin Patch\n*** Update File: dir with spaces/é.txt\n+x\n*** End of File\n*** End Patch",
    ] {
        assert!(
            parse_patch(text).is_ok(),
            "{text:?}: {:?}",
            parse_patch(text)
        );
    }
}

#[test]
fn texts_that_are_not_patches_fail_with_the_boundary_errors() {
    let first = "invalid patch: The first line of the patch must be '*** Begin Patch'";
    let last = "invalid patch: The last line of the patch must be '*** End Patch'";
    for (text, expected) in [
        ("", first),
        ("echo hi", first),
        ("*** Add File: a\n+x\n*** End Patch", first),
        (
            "<<'EOF'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nEND",
            first,
        ),
        ("*** Begin Patch", last),
        ("*** Begin Patch\n*** Add File: a\n+x", last),
        (
            "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nmore",
            last,
        ),
    ] {
        assert_eq!(error_text(text), expected, "{text:?}");
    }
}

#[test]
fn invalid_hunks_fail_with_the_line_and_reason() {
    for (text, expected) in [
        (
            "*** Begin Patch\n*** End Patch",
            "invalid patch: The patch contains no file operation; add at least one \
             '*** Add File: ', '*** Delete File: ' or '*** Update File: ' section",
        ),
        (
            "*** Begin Patch\n*** Add File: a\n+x\nnot a plus line\n*** End Patch",
            "invalid hunk at line 4, 'not a plus line' is not a valid hunk header. Valid hunk \
             headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
        ),
        (
            "*** Begin Patch\n*** Modify File: a\n*** End Patch",
            "invalid hunk at line 2, '*** Modify File: a' is not a valid hunk header. Valid hunk \
             headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
        ),
        (
            "*** Begin Patch\n*** Update File: a\n-x\n*x\n*** End Patch",
            "invalid hunk at line 4, Unexpected line found in update hunk: '*x'. Every line \
             should start with ' ' (context line), '+' (added line), or '-' (removed line)",
        ),
        (
            "*** Begin Patch\n*** Update File: a\n@@x\n*** End Patch",
            "invalid hunk at line 3, Unexpected line found in update hunk: '@@x'. Every line \
             should start with ' ' (context line), '+' (added line), or '-' (removed line)",
        ),
        (
            "*** Begin Patch\n*** Update File: a\n-x\n*** End of File\n+y\n*** End Patch",
            "invalid hunk at line 5, Unexpected line after '*** End of File': '+y'. \
             '*** End of File' must be the last line of an update hunk",
        ),
        (
            "*** Begin Patch\n*** Update File: a\n*** End of File\n*** End Patch",
            "invalid hunk at line 3, '*** End of File' must follow at least one change line",
        ),
        (
            "*** Begin Patch\n*** Add File: \n+x\n*** End Patch",
            "invalid hunk at line 2, '*** Add File: ' has no path; write the file path after \
             the marker",
        ),
        (
            "*** Begin Patch\n*** Delete File: a\n*** Update File: b\n*** Move to: \n*** End Patch",
            "invalid hunk at line 4, '*** Move to: ' has no path; write the file path after \
             the marker",
        ),
        (
            "*** Begin Patch\n*** Delete File: a\n+stray\n*** End Patch",
            "invalid hunk at line 3, '+stray' is not a valid hunk header. Valid hunk headers: \
             '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
        ),
    ] {
        assert_eq!(error_text(text), expected, "{text:?}");
    }
}
