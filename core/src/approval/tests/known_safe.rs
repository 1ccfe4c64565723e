use super::check_table;
use crate::approval::is_known_safe_command;

#[test]
fn always_safe_commands() {
    check_table(
        is_known_safe_command,
        &[
            (&["cat", "readme.txt"], true),
            (&["cd", "src"], true),
            (&["cut", "-d", ":", "-f", "1", "/etc/passwd"], true),
            (&["echo", "hi"], true),
            (&["expr", "1", "+", "2"], true),
            (&["false"], true),
            (&["grep", "-rn", "todo", "src"], true),
            (&["head", "-n", "5", "f"], true),
            (&["id"], true),
            (&["ls", "-la"], true),
            (&["nl", "f"], true),
            (&["paste", "a", "b"], true),
            (&["pwd"], true),
            (&["rev", "f"], true),
            (&["seq", "10"], true),
            (&["stat", "f"], true),
            (&["tail", "-n", "5", "f"], true),
            (&["tr", "a-z", "A-Z"], true),
            (&["true"], true),
            (&["uname", "-a"], true),
            (&["uniq", "f"], true),
            (&["wc", "-l", "f"], true),
            (&["which", "cargo"], true),
            (&["whoami"], true),
            (&["/bin/ls", "-l"], true),
            (&["/usr/bin/cat", "f"], true),
        ],
    );
}

#[test]
fn other_commands_are_not_safe() {
    check_table(
        is_known_safe_command,
        &[
            (&[], false),
            (&["cargo", "check"], false),
            (&["rm", "f"], false),
            (&["sort", "-o", "out", "in"], false),
            (&["touch", "f"], false),
            (&["bash"], false),
            (&["sudo", "ls"], false),
            // A relative path may be a program the model wrote.
            (&["./ls"], false),
            (&["bin/cat", "f"], false),
            (&["ls/"], false),
            (&["LS"], false),
        ],
    );
}

#[test]
fn uniq_with_an_output_operand_is_not_safe() {
    check_table(
        is_known_safe_command,
        &[
            (&["uniq"], true),
            (&["uniq", "-c", "in.txt"], true),
            (&["uniq", "-f", "1", "in.txt"], true),
            (&["uniq", "--skip-fields", "2", "in.txt"], true),
            (&["uniq", "-"], true),
            (&["uniq", "in.txt", "out.txt"], false),
            (&["uniq", "-c", "in.txt", "out.txt"], false),
            (&["uniq", "--", "-a", "-b"], false),
        ],
    );
}

#[test]
fn linux_only_commands() {
    let on_linux = cfg!(target_os = "linux");
    check_table(
        is_known_safe_command,
        &[
            (&["numfmt", "--to=iec", "1024"], on_linux),
            (&["tac", "f"], on_linux),
        ],
    );
}

#[test]
fn base64_is_safe_unless_it_writes_a_file() {
    check_table(
        is_known_safe_command,
        &[
            (&["base64", "f"], true),
            (&["base64", "-d", "f"], true),
            (&["base64", "--decode", "f"], true),
            (&["base64", "-"], true),
            (&["base64", "-o", "out"], false),
            (&["base64", "-oout"], false),
            (&["base64", "-Do", "out"], false),
            (&["base64", "--output", "out"], false),
            (&["base64", "--output=out"], false),
            (&["base64", "--out=out"], false),
        ],
    );
}

#[test]
fn find_is_safe_unless_it_runs_deletes_or_writes() {
    check_table(
        is_known_safe_command,
        &[
            (&["find", ".", "-name", "*.rs"], true),
            (&["find", ".", "-type", "f", "-print"], true),
            (&["find", ".", "-exec", "rm", "{}", ";"], false),
            (&["find", ".", "-execdir", "rm", "{}", ";"], false),
            (&["find", ".", "-ok", "rm", "{}", ";"], false),
            (&["find", ".", "-okdir", "rm", "{}", ";"], false),
            (&["find", ".", "-delete"], false),
            (&["find", ".", "-fls", "out"], false),
            (&["find", ".", "-fprint", "out"], false),
            (&["find", ".", "-fprint0", "out"], false),
            (&["find", ".", "-fprintf", "out", "%p"], false),
        ],
    );
}

#[test]
fn rg_is_safe_unless_it_runs_programs() {
    check_table(
        is_known_safe_command,
        &[
            (&["rg", "todo"], true),
            (&["rg", "-n", "-i", "todo", "src"], true),
            (&["rg", "--pre-glob", "*.gz", "x"], true),
            (&["rg", "--files"], true),
            (&["rg", "--search-zip", "x"], false),
            (&["rg", "-z", "x"], false),
            (&["rg", "-iz", "x"], false),
            (&["rg", "--pre", "pdftotext", "x"], false),
            (&["rg", "--pre=pdftotext", "x"], false),
            (&["rg", "--hostname-bin", "hn", "x"], false),
            (&["rg", "--hostname-bin=hn", "x"], false),
        ],
    );
}

#[test]
fn git_read_only_subcommands() {
    check_table(
        is_known_safe_command,
        &[
            (&["git", "status"], true),
            (&["git", "status", "--porcelain"], true),
            (&["git", "log", "--oneline", "-5"], true),
            (&["git", "log", "-p"], true),
            (&["git", "diff", "HEAD~1"], true),
            (&["git", "diff", "--no-ext-diff"], true),
            (&["git", "show", "HEAD"], true),
            (&["git", "-C", "sub", "status"], true),
            (&["git", "--no-pager", "log"], true),
            (&["git", "--git-dir=.git", "status"], true),
            (&["git", "--work-tree", "w", "diff"], true),
            (&["/usr/bin/git", "status"], true),
            (&["git"], false),
            (&["git", "-C", "sub"], false),
            (&["git", "fetch"], false),
            (&["git", "checkout", "status"], false),
            (&["git", "commit", "-m", "log"], false),
            (&["git", "-C", "status", "push"], false),
        ],
    );
}

#[test]
fn git_config_overrides_and_unsafe_flags_are_not_safe() {
    check_table(
        is_known_safe_command,
        &[
            (&["git", "-c", "core.pager=sh", "log"], false),
            (&["git", "-ccore.pager=sh", "log"], false),
            (&["git", "--config-env", "core.pager=P", "log"], false),
            (&["git", "--config-env=core.pager=P", "log"], false),
            (&["git", "log", "--output", "out"], false),
            (&["git", "log", "--output=out"], false),
            (&["git", "diff", "--out=out"], false),
            (&["git", "diff", "--ext-diff"], false),
            (&["git", "diff", "--textconv"], false),
            (&["git", "log", "--exec", "x"], false),
            (&["git", "log", "--exec=x"], false),
            (&["git", "log", "--paginate"], false),
            (&["git", "-p", "log"], false),
            (&["git", "--paginate", "status"], false),
        ],
    );
}

#[test]
fn git_branch_only_when_listing() {
    check_table(
        is_known_safe_command,
        &[
            (&["git", "branch"], true),
            (&["git", "branch", "--list"], true),
            (&["git", "branch", "-l"], true),
            (&["git", "branch", "--show-current"], true),
            (&["git", "branch", "-a"], true),
            (&["git", "branch", "--all"], true),
            (&["git", "branch", "-r"], true),
            (&["git", "branch", "--remotes"], true),
            (&["git", "branch", "-v"], true),
            (&["git", "branch", "-vv"], true),
            (&["git", "branch", "--verbose"], true),
            (&["git", "branch", "--format=%(refname:short)"], true),
            (&["git", "branch", "-a", "-vv"], true),
            (&["git", "branch", "-D", "old"], false),
            (&["git", "branch", "-d", "old"], false),
            (&["git", "branch", "new"], false),
            (&["git", "branch", "-m", "a", "b"], false),
            (&["git", "branch", "--list", "-D", "x"], false),
        ],
    );
}

#[test]
fn sed_only_prints_line_ranges() {
    check_table(
        is_known_safe_command,
        &[
            (&["sed", "-n", "1p"], true),
            (&["sed", "-n", "10p", "f.txt"], true),
            (&["sed", "-n", "1,5p"], true),
            (&["sed", "-n", "1,5p", "f.txt"], true),
            (&["sed", "-i", "s/a/b/", "f.txt"], false),
            (&["sed", "s/a/b/", "f.txt"], false),
            (&["sed", "1p"], false),
            (&["sed", "-n", "p"], false),
            (&["sed", "-n", ",5p"], false),
            (&["sed", "-n", "1,p"], false),
            (&["sed", "-n", "1,5"], false),
            (&["sed", "-n", "1,5q"], false),
            (&["sed", "-n", "a1p"], false),
            (&["sed", "-n", "1,5p", "a.txt", "b.txt"], false),
            (&["sed", "-n", "1p", "-i"], false),
            (&["sed", "-n", "1p", "-ew/tmp/x"], false),
        ],
    );
}

#[test]
fn shell_scripts_of_safe_commands() {
    check_table(
        is_known_safe_command,
        &[
            (&["bash", "-lc", "ls && cat readme.txt | wc -l"], true),
            (&["bash", "-lc", "ls"], true),
            (&["bash", "-c", "ls"], true),
            (&["sh", "-c", "pwd; ls || echo none"], true),
            (
                &["/bin/bash", "-lc", "git status && git log --oneline -5"],
                true,
            ),
            (&["zsh", "-lc", "ls | sed -n 1,5p"], true),
            (&["/bin/zsh", "-c", "grep -rn 'fn main' src"], true),
            (&["bash", "-lc", "echo 'a b' \"c d\" e'f'\"g\" 42"], true),
            (&["bash", "-lc", "ls > out.txt"], false),
            (&["bash", "-lc", "cargo check"], false),
            (&["bash", "-lc", "ls && cargo check"], false),
            (&["bash", "-lc", "bash -c ls"], false),
            (&["bash", "-lc", "sed -i s/a/b/ f"], false),
            (&["bash", "-lc", ""], false),
            (&["bash", "-lc", "echo $HOME"], false),
            (&["bash", "-x", "ls"], false),
            (&["bash", "-lc", "ls", "extra"], false),
            (&["bash", "ls"], false),
            (&["fish", "-c", "ls"], false),
            (&["./bash", "-lc", "ls"], false),
        ],
    );
}
