//! Shell quoting of a command's argv for display: the `<command>` of the human `exec` block and
//! the JSONL `command_execution.command` (exec.md §4). The rules are Python's `shlex.quote` plus
//! a double-quoted form for arguments containing `'`, matching what the original prints.

/// Joins `argv` with spaces, quoting each argument that a POSIX shell would not take literally.
pub fn quote_command(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| quote_arg(arg))
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote_arg(arg: &str) -> String {
    if !needs_quotes(arg) {
        return arg.to_string();
    }
    if !arg.contains('\'') {
        return format!("'{arg}'");
    }
    let mut quoted = String::with_capacity(arg.len() + 2);
    quoted.push('"');
    for ch in arg.chars() {
        if matches!(ch, '\\' | '"' | '$' | '`') {
            quoted.push('\\');
        }
        quoted.push(ch);
    }
    quoted.push('"');
    quoted
}

/// shlex's safe set is `[A-Za-z0-9_@%+=:,./-]`; anything else, and the empty string, needs quotes.
fn needs_quotes(arg: &str) -> bool {
    arg.is_empty()
        || arg.chars().any(|ch| {
            !(ch.is_ascii_alphanumeric()
                || matches!(
                    ch,
                    '_' | '@' | '%' | '+' | '=' | ':' | ',' | '.' | '/' | '-'
                ))
        })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::quote_command;

    fn quote(argv: &[&str]) -> String {
        quote_command(
            &argv
                .iter()
                .map(|arg| (*arg).to_string())
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn plain_arguments_are_joined_unquoted() {
        assert_eq!(
            quote(&["git", "log", "--format=%H", "a_b@c+d:e,f./g-h"]),
            "git log --format=%H a_b@c+d:e,f./g-h"
        );
    }

    #[test]
    fn argument_with_spaces_is_single_quoted() {
        assert_eq!(
            quote(&["/bin/bash", "-lc", "echo hi"]),
            "/bin/bash -lc 'echo hi'"
        );
    }

    #[test]
    fn argument_with_single_quote_is_double_quoted_with_escapes() {
        assert_eq!(
            quote(&["/bin/bash", "-lc", r"printf 'a\nb\n'"]),
            r#"/bin/bash -lc "printf 'a\\nb\\n'""#
        );
        assert_eq!(
            quote(&["sh", "-c", r#"echo "it's" $HOME `id`"#]),
            r#"sh -c "echo \"it's\" \$HOME \`id\`""#
        );
    }

    #[test]
    fn special_characters_and_empty_arguments_are_quoted() {
        assert_eq!(
            quote(&["ls", "", "*.rs", "~", "a;b", "héllo", "$X"]),
            "ls '' '*.rs' '~' 'a;b' 'héllo' '$X'"
        );
    }

    #[test]
    fn empty_argv_is_empty_string() {
        assert_eq!(quote(&[]), "");
    }
}
