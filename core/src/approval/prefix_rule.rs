//! Prefix rules (the original's execpolicy amendments): a command prefix such as
//! `["cargo", "test"]` the user approved for the session, after which every command starting
//! with it runs without asking. A `[shell, -lc, script]` argv matches when its script is plain
//! and each of its commands starts with an approved prefix, so no rule ever covers a script
//! the plain-script reader does not fully understand.

use super::known_safe::is_known_safe_command;
use super::plain_script::plain_shell_commands;

/// The rule to offer when asking about `argv`: the model's `prefix_rule` when it sent a
/// non-empty one, else the first command of a plain script that is not known to be safe (the
/// one the question is about). `None` when there is nothing sensible to offer.
pub fn proposed_prefix_rule(argv: &[String], requested: Option<&[String]>) -> Option<Vec<String>> {
    if let Some(prefix) = requested
        && !prefix.is_empty()
    {
        return Some(prefix.to_vec());
    }
    plain_shell_commands(argv)?
        .into_iter()
        .find(|command| !is_known_safe_command(command))
}

/// Whether `argv` is covered by one of `prefixes` (see the module comment).
pub(super) fn matches_any_prefix(argv: &[String], prefixes: &[Vec<String>]) -> bool {
    let covered = |command: &[String]| {
        prefixes
            .iter()
            .any(|prefix| !prefix.is_empty() && command.starts_with(prefix))
    };
    match plain_shell_commands(argv) {
        Some(commands) => commands.iter().all(|command| covered(command)),
        None => covered(argv),
    }
}
