//! A deliberately strict reader for "plain" shell scripts (`bash -lc "ls && wc -l f"`): bare
//! words and quoted strings joined by `&&`, `||`, `;` and `|`, nothing the shell would expand.
//! Anything it does not fully understand is "not plain", so the approval checks built on it can
//! only err towards asking. It never runs a shell.

use super::known_safe::basename;

/// The script of an argv that is exactly `[shell, "-lc" | "-c", script]` with a shell whose
/// basename is `bash`, `zsh` or `sh`.
pub(crate) fn shell_script(argv: &[String]) -> Option<&str> {
    let [shell, flag, script] = argv else {
        return None;
    };
    let shell_known = matches!(basename(shell), "bash" | "zsh" | "sh");
    let flag_known = matches!(flag.as_str(), "-lc" | "-c");
    (shell_known && flag_known).then_some(script.as_str())
}

/// The commands of a `[shell, -lc|-c, script]` argv whose script is plain, each as its argv.
pub(crate) fn plain_shell_commands(argv: &[String]) -> Option<Vec<Vec<String>>> {
    shell_script(argv).and_then(parse_plain_script)
}

/// Words that start a compound command or change how the next command runs when they are the
/// first word of a command.
const RESERVED_WORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
    "done", "in", "function", "time", "coproc",
];

/// Splits a plain script into its commands, or `None` when the script is not plain: empty, a
/// parse error, or anything beyond words, quotes and the four separators (redirections,
/// expansions, globs, subshells, `&`, control flow, comments, escapes, newlines, assignments).
pub(crate) fn parse_plain_script(script: &str) -> Option<Vec<Vec<String>>> {
    let mut parser = Parser::default();
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => parser.end_word()?,
            '\'' => {
                let word = parser.word();
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                let word = parser.word();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '$' | '`' | '\\' => return None,
                        other => word.push(other),
                    }
                }
            }
            '&' => {
                // A lone `&` runs in the background; only `&&` is plain.
                chars.next_if_eq(&'&')?;
                parser.end_command()?;
            }
            '|' => {
                chars.next_if_eq(&'|');
                parser.end_command()?;
            }
            ';' => parser.end_command()?,
            '=' => {
                parser.word().push(c);
                parser.unquoted_eq = true;
            }
            '$' | '`' | '\\' | '(' | ')' | '<' | '>' | '*' | '?' | '[' | ']' | '{' | '}' | '~'
            | '#' | '!' => return None,
            c if c.is_control() => return None,
            other => parser.word().push(other),
        }
    }
    parser.finish()
}

#[derive(Default)]
struct Parser {
    commands: Vec<Vec<String>>,
    current: Vec<String>,
    /// The word being read; `Some("")` after an empty quoted string such as `''`.
    word: Option<String>,
    /// The current word holds an unquoted `=`: as a command's first word it is an assignment.
    unquoted_eq: bool,
}

impl Parser {
    fn word(&mut self) -> &mut String {
        self.word.get_or_insert_with(String::new)
    }

    fn end_word(&mut self) -> Option<()> {
        let Some(word) = self.word.take() else {
            return Some(());
        };
        let unquoted_eq = std::mem::take(&mut self.unquoted_eq);
        if self.current.is_empty() && (unquoted_eq || RESERVED_WORDS.contains(&word.as_str())) {
            return None;
        }
        self.current.push(word);
        Some(())
    }

    /// Ends the current command at a separator; an empty command (leading, doubled or
    /// trailing separator) is a parse error for our purposes.
    fn end_command(&mut self) -> Option<()> {
        self.end_word()?;
        if self.current.is_empty() {
            return None;
        }
        self.commands.push(std::mem::take(&mut self.current));
        Some(())
    }

    fn finish(mut self) -> Option<Vec<Vec<String>>> {
        self.end_command()?;
        Some(self.commands)
    }
}
