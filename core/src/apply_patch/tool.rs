//! What the model is told about the freeform `apply_patch` tool: the Lark grammar that
//! constrains its input (exactly the language `parse_patch` accepts, responses-wire §6.1) and
//! the description of how to write a patch.

/// Our Lark grammar of the patch language, sent as the tool's `format.definition`.
pub const APPLY_PATCH_LARK_GRAMMAR: &str = include_str!("grammar.lark");

/// The tool's `description`.
pub const APPLY_PATCH_TOOL_DESCRIPTION: &str = r#"Edit files by sending a patch. The whole input is the patch text (not JSON).

A patch starts with the line `*** Begin Patch` and ends with the line `*** End Patch`. In between, write one section per file:

- `*** Add File: <path>` creates a file (or replaces an existing one). Every following line is a line of the new file, prefixed with `+`.
- `*** Delete File: <path>` removes a file. Nothing follows it.
- `*** Update File: <path>` changes a file in place. To rename it as well, put `*** Move to: <new path>` on the next line. Then write the changes:
  - a line starting with a space is unchanged context, `-` a line to remove, `+` a line to add;
  - keep about 3 lines of context around each change so the place is unambiguous, and copy context and removed lines exactly as they are in the file;
  - start a new group of changes with `@@`, or with `@@ <line>` (for example `@@ def parse(text):`) to jump to just after that line of the file, when context alone would match more than one place;
  - end the section with `*** End of File` when the changes must match the end of the file.

Write paths relative to the working directory (absolute paths also work). Read a file before updating it, so that context and removed lines match it. A patch is checked as a whole first: if any part cannot be applied, nothing is written and the error says why.

Example:

*** Begin Patch
*** Add File: docs/hello.md
+# Hello
+
+Welcome.
*** Update File: src/app.py
*** Move to: src/main.py
@@ def greet(name):
-    print("hi " + name)
+    print(f"Hello, {name}!")
     return None
*** Delete File: old_notes.txt
*** End Patch
"#;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::apply_patch::Hunk;
    use crate::apply_patch::parse_patch;

    #[test]
    fn the_example_in_the_description_is_a_valid_patch() {
        // The example is the last part of the description, starting on its own line.
        let start = APPLY_PATCH_TOOL_DESCRIPTION
            .find("\n*** Begin Patch\n")
            .unwrap();
        let patch = parse_patch(&APPLY_PATCH_TOOL_DESCRIPTION[start..]).unwrap();
        let paths: Vec<(PathBuf, Option<PathBuf>)> = patch
            .hunks
            .into_iter()
            .map(|hunk| match hunk {
                Hunk::Add { path, .. } | Hunk::Delete { path } => (path, None),
                Hunk::Update {
                    path, move_path, ..
                } => (path, move_path),
            })
            .collect();
        assert_eq!(
            paths,
            vec![
                (PathBuf::from("docs/hello.md"), None),
                (
                    PathBuf::from("src/app.py"),
                    Some(PathBuf::from("src/main.py"))
                ),
                (PathBuf::from("old_notes.txt"), None),
            ]
        );
    }
}
