//! Commands that might destroy work (spec §7.6): under `on-request` they are asked about even
//! without an escalation request. A heuristic that only errs towards asking: `git reset`,
//! `git rm`, forced `rm`, the same behind `sudo`, and plain shell scripts containing any of them.

use super::known_safe::basename;
use super::known_safe::git_subcommand_index;
use super::plain_script::plain_shell_commands;

/// Whether running `argv` might destroy data: the command itself, or any command of a plain
/// `[shell, -lc|-c, script]` script.
pub fn command_might_be_dangerous(argv: &[String]) -> bool {
    is_dangerous_to_call_with_exec(argv)
        || plain_shell_commands(argv).is_some_and(|commands| {
            commands
                .iter()
                .any(|command| is_dangerous_to_call_with_exec(command))
        })
}

fn is_dangerous_to_call_with_exec(argv: &[String]) -> bool {
    let Some((arg0, args)) = argv.split_first() else {
        return false;
    };
    if arg0.ends_with("git") {
        return git_is_dangerous(args);
    }
    match basename(arg0) {
        "rm" => args.first().is_some_and(|flag| {
            matches!(
                flag.as_str(),
                "-f" | "-rf" | "-Rf" | "-fr" | "-fR" | "--force"
            )
        }),
        "sudo" => is_dangerous_to_call_with_exec(args),
        _ => false,
    }
}

/// `git reset`, `git rm` or `git --force`; the subcommand is also found behind global options
/// (`git -C dir reset`), which the original does not do.
fn git_is_dangerous(args: &[String]) -> bool {
    let first = args.first().map(String::as_str);
    let subcommand = git_subcommand_index(args).and_then(|index| args.get(index));
    matches!(first, Some("reset" | "rm" | "--force"))
        || subcommand.is_some_and(|sub| sub == "reset" || sub == "rm")
}
