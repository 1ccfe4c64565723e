//! The known-safe commands (spec §7.5): read-only commands that run without asking under every
//! approval policy. Each rule is as strict as the original's or stricter (for example an
//! argv[0] must be a bare name or an absolute path, and abbreviated long options that could
//! name a writing or executing flag are refused).

use super::plain_script::plain_shell_commands;

/// Whether `argv` is known to be read-only: a safe command itself, or `[shell, -lc|-c, script]`
/// (shell `bash`, `zsh` or `sh`) whose plain script runs only safe commands.
pub fn is_known_safe_command(argv: &[String]) -> bool {
    if is_safe_to_call_with_exec(argv) {
        return true;
    }
    let shell_named_plainly = argv.first().and_then(|arg0| command_name(arg0)).is_some();
    shell_named_plainly
        && plain_shell_commands(argv).is_some_and(|commands| {
            commands
                .iter()
                .all(|command| is_safe_to_call_with_exec(command))
        })
}

/// The last path component of `arg0` (the whole string when it has no `/`).
pub(crate) fn basename(arg0: &str) -> &str {
    arg0.rsplit('/').next().unwrap_or(arg0)
}

/// The command name of a bare name (`ls`) or an absolute path (`/bin/ls`). A relative path
/// (`./ls`) may be a file the model wrote, so it names no known command.
fn command_name(arg0: &str) -> Option<&str> {
    let name = basename(arg0);
    let plain = !arg0.contains('/') || arg0.starts_with('/');
    (plain && !name.is_empty()).then_some(name)
}

fn is_safe_to_call_with_exec(argv: &[String]) -> bool {
    let Some((arg0, args)) = argv.split_first() else {
        return false;
    };
    let Some(name) = command_name(arg0) else {
        return false;
    };
    match name {
        "cat" | "cd" | "cut" | "echo" | "expr" | "false" | "grep" | "head" | "id" | "ls" | "nl"
        | "paste" | "pwd" | "rev" | "seq" | "stat" | "tail" | "tr" | "true" | "uname" | "wc"
        | "which" | "whoami" => true,
        "uniq" => uniq_writes_nothing(args),
        "numfmt" | "tac" => cfg!(target_os = "linux"),
        "base64" => base64_writes_nothing(args),
        "find" => find_is_read_only(args),
        "rg" => rg_runs_nothing(args),
        "git" => git_is_read_only(args),
        "sed" => sed_prints_lines(args),
        _ => false,
    }
}

/// `uniq [OPTION]... [INPUT [OUTPUT]]` writes its second operand: allow at most one operand.
/// Stricter than the original, which allows `uniq` with any arguments.
fn uniq_writes_nothing(args: &[String]) -> bool {
    let mut operands = 0;
    let mut options_done = false;
    let mut takes_value = false;
    for arg in args {
        if takes_value {
            takes_value = false;
        } else if options_done || arg == "-" || !arg.starts_with('-') {
            operands += 1;
        } else if arg == "--" {
            options_done = true;
        } else {
            takes_value = matches!(
                arg.as_str(),
                "-f" | "-s" | "-w" | "--skip-fields" | "--skip-chars" | "--check-chars"
            );
        }
    }
    operands <= 1
}

fn base64_writes_nothing(args: &[String]) -> bool {
    !args.iter().any(|arg| {
        let arg = arg.as_str();
        // `-o FILE`, `-oFILE` and clusters like `-Do` (getopt) all write FILE.
        let short_o = !arg.starts_with("--") && arg.starts_with('-') && arg.contains('o');
        short_o || long_option_abbreviates(arg, &["output"])
    })
}

fn find_is_read_only(args: &[String]) -> bool {
    const UNSAFE: &[&str] = &[
        "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf",
    ];
    !args.iter().any(|arg| UNSAFE.contains(&arg.as_str()))
}

fn rg_runs_nothing(args: &[String]) -> bool {
    !args.iter().any(|arg| {
        let arg = arg.as_str();
        // `-z` may also hide in a cluster such as `-iz`.
        let short_z = !arg.starts_with("--") && arg.starts_with('-') && arg.contains('z');
        let long = arg == "--search-zip"
            || ["--pre", "--hostname-bin"].iter().any(|opt| {
                arg == *opt || arg.strip_prefix(opt).is_some_and(|r| r.starts_with('='))
            });
        short_z || long
    })
}

/// `sed -n <N>p` or `sed -n <M>,<N>p`, plus at most one file operand. The operand must not
/// look like an option: `sed -n 1p -ew/x` would turn `1p` into a file and write `/x`.
fn sed_prints_lines(args: &[String]) -> bool {
    match args {
        [n, range] => n == "-n" && is_line_range_print(range),
        [n, range, file] => n == "-n" && is_line_range_print(range) && !file.starts_with('-'),
        _ => false,
    }
}

fn is_line_range_print(arg: &str) -> bool {
    let Some(range) = arg.strip_suffix('p') else {
        return false;
    };
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match range.split_once(',') {
        Some((from, to)) => is_number(from) && is_number(to),
        None => is_number(range),
    }
}

/// Whether `arg` is `--name` or `--name=value` with `name` a non-empty prefix of one of `full`
/// (getopt_long and git accept unambiguous abbreviations such as `--out=FILE`).
fn long_option_abbreviates(arg: &str, full: &[&str]) -> bool {
    let Some(option) = arg.strip_prefix("--") else {
        return false;
    };
    let name = option.split_once('=').map_or(option, |(name, _)| name);
    !name.is_empty() && full.iter().any(|full| full.starts_with(name))
}

fn git_is_read_only(args: &[String]) -> bool {
    // `-c core.pager=…` and friends can make git run any program.
    let overrides_config = args.iter().any(|arg| {
        arg == "--config-env" || arg.starts_with("--config-env=") || arg.starts_with("-c")
    });
    if overrides_config {
        return false;
    }
    let Some(index) = git_subcommand_index(args) else {
        return false;
    };
    let (global, subcommand_and_rest) = args.split_at(index);
    let Some((subcommand, rest)) = subcommand_and_rest.split_first() else {
        return false;
    };
    // A pager is a program from the repository's config; refuse `-p`/`--paginate` up front.
    let paginates = global
        .iter()
        .any(|arg| arg == "-p" || long_option_abbreviates(arg, &["paginate"]));
    // Abbreviations included: git accepts `--out=FILE` for `--output=FILE`.
    const UNSAFE_FLAGS: &[&str] = &["output", "ext-diff", "textconv", "exec", "paginate"];
    let unsafe_flag = rest
        .iter()
        .any(|arg| long_option_abbreviates(arg, UNSAFE_FLAGS));
    if paginates || unsafe_flag {
        return false;
    }
    match subcommand.as_str() {
        "status" | "log" | "diff" | "show" => true,
        "branch" => git_branch_only_lists(rest),
        _ => false,
    }
}

/// The index in `args` (git's arguments, argv[0] excluded) of the subcommand: the first
/// argument that is neither an option nor the value of a global option such as `-C <dir>`.
pub(crate) fn git_subcommand_index(args: &[String]) -> Option<usize> {
    const WITH_VALUE: &[&str] = &[
        "-C",
        "-c",
        "--config-env",
        "--exec-path",
        "--git-dir",
        "--namespace",
        "--super-prefix",
        "--work-tree",
    ];
    let mut skip_value = false;
    for (index, arg) in args.iter().enumerate() {
        if skip_value {
            skip_value = false;
        } else if WITH_VALUE.contains(&arg.as_str()) {
            skip_value = true;
        } else if !arg.starts_with('-') {
            return Some(index);
        }
    }
    None
}

/// `git branch` lists branches with no arguments or only listing flags; anything else may
/// create, rename or delete one.
fn git_branch_only_lists(args: &[String]) -> bool {
    args.iter().all(|arg| {
        matches!(
            arg.as_str(),
            "--list"
                | "-l"
                | "--show-current"
                | "-a"
                | "--all"
                | "-r"
                | "--remotes"
                | "-v"
                | "-vv"
                | "--verbose"
        ) || arg.starts_with("--format=")
    })
}
