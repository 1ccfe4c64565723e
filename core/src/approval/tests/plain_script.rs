use pretty_assertions::assert_eq;

use crate::approval::plain_script::parse_plain_script;

fn owned(commands: &[&[&str]]) -> Option<Vec<Vec<String>>> {
    Some(
        commands
            .iter()
            .map(|command| super::to_argv(command))
            .collect(),
    )
}

#[test]
fn splits_plain_scripts_into_commands() {
    assert_eq!(
        parse_plain_script("ls && cat readme.txt | wc -l"),
        owned(&[&["ls"], &["cat", "readme.txt"], &["wc", "-l"]])
    );
    assert_eq!(
        parse_plain_script("  pwd;ls\t-a||echo  x "),
        owned(&[&["pwd"], &["ls", "-a"], &["echo", "x"]])
    );
    assert_eq!(
        parse_plain_script(r#"echo 'a $b' "c d" e'f'"g" '' --format=%h 42"#),
        owned(&[&["echo", "a $b", "c d", "efg", "", "--format=%h", "42"]])
    );
    assert_eq!(
        parse_plain_script("grep \"multi\nline\" f"),
        owned(&[&["grep", "multi\nline", "f"]])
    );
    assert_eq!(
        parse_plain_script("echo if fi"),
        owned(&[&["echo", "if", "fi"]])
    );
}

#[test]
fn anything_beyond_words_and_separators_is_not_plain() {
    let not_plain = [
        "",
        "   ",
        "ls > out.txt",
        "ls >> out.txt",
        "cat < in.txt",
        "ls 2>&1",
        "cat <<EOF\nx\nEOF",
        "echo $HOME",
        "echo ${HOME}",
        "echo \"$HOME\"",
        "echo $(rm -rf x)",
        "echo `rm x`",
        "echo \"`rm x`\"",
        "echo \"a\\\"b\"",
        "echo a\\ b",
        "(ls)",
        "{ ls; }",
        "ls &",
        "ls & pwd",
        "ls |& cat",
        "ls *.rs",
        "ls ?",
        "ls [ab]",
        "echo {a,b}",
        "ls ~",
        "ls # comment",
        "! ls",
        "ls\npwd",
        "for x in a b; do echo x; done",
        "if true; then ls; fi",
        "while true; do ls; done",
        "case x in x) ls;; esac",
        "function f",
        "time ls",
        "FOO=1 ls",
        "ls;",
        "; ls",
        "ls && && pwd",
        "ls ;; pwd",
        "ls |",
        "ls ||| pwd",
        "'unterminated",
        "\"unterminated",
        "echo \u{7}",
    ];
    let parsed: Vec<(&str, Option<Vec<Vec<String>>>)> = not_plain
        .iter()
        .map(|script| (*script, parse_plain_script(script)))
        .collect();
    let expected: Vec<(&str, Option<Vec<Vec<String>>>)> =
        not_plain.iter().map(|script| (*script, None)).collect();
    assert_eq!(parsed, expected);
}
