//! The slash commands, in popup order, with the original's descriptions (tui.md §8).

/// One built-in command. `idle_only` commands are refused while a turn runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlashCommand {
    Model,
    Permissions,
    New,
    Resume,
    Init,
    Compact,
    Diff,
    Mention,
    Status,
    Mcp,
    Logout,
    Exit,
    Clear,
}

impl SlashCommand {
    /// Popup order.
    pub const ALL: [SlashCommand; 13] = [
        SlashCommand::Model,
        SlashCommand::Permissions,
        SlashCommand::New,
        SlashCommand::Resume,
        SlashCommand::Init,
        SlashCommand::Compact,
        SlashCommand::Diff,
        SlashCommand::Mention,
        SlashCommand::Status,
        SlashCommand::Mcp,
        SlashCommand::Logout,
        SlashCommand::Exit,
        SlashCommand::Clear,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlashCommand::Model => "model",
            SlashCommand::Permissions => "permissions",
            SlashCommand::New => "new",
            SlashCommand::Resume => "resume",
            SlashCommand::Init => "init",
            SlashCommand::Compact => "compact",
            SlashCommand::Diff => "diff",
            SlashCommand::Mention => "mention",
            SlashCommand::Status => "status",
            SlashCommand::Mcp => "mcp",
            SlashCommand::Logout => "logout",
            SlashCommand::Exit => "exit",
            SlashCommand::Clear => "clear",
        }
    }

    /// Other names that run the command; they match only a typed prefix, never the empty one.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            SlashCommand::Permissions => &["approvals"],
            SlashCommand::Exit => &["quit"],
            SlashCommand::Model
            | SlashCommand::New
            | SlashCommand::Resume
            | SlashCommand::Init
            | SlashCommand::Compact
            | SlashCommand::Diff
            | SlashCommand::Mention
            | SlashCommand::Status
            | SlashCommand::Mcp
            | SlashCommand::Logout
            | SlashCommand::Clear => &[],
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            SlashCommand::Model => "choose what model and reasoning effort to use",
            SlashCommand::Permissions => "choose what Codex is allowed to do",
            SlashCommand::New => "start a new chat during a conversation",
            SlashCommand::Resume => "resume a saved chat",
            SlashCommand::Init => "create an AGENTS.md file with instructions for Codex",
            SlashCommand::Compact => "summarize conversation to prevent hitting the context limit",
            SlashCommand::Diff => "show git diff (including untracked files)",
            SlashCommand::Mention => "mention a file",
            SlashCommand::Status => "show current session configuration and token usage",
            SlashCommand::Mcp => "list MCP tools; use /mcp verbose or /mcp login <name>",
            SlashCommand::Logout => "log out of Codex",
            SlashCommand::Exit => "exit Codex",
            SlashCommand::Clear => "clear the terminal and start a new chat",
        }
    }

    /// Refused with `'/<name>' is disabled while a task is in progress.` while busy.
    pub fn idle_only(self) -> bool {
        match self {
            SlashCommand::Model
            | SlashCommand::Permissions
            | SlashCommand::New
            | SlashCommand::Resume
            | SlashCommand::Init
            | SlashCommand::Compact
            | SlashCommand::Logout
            | SlashCommand::Clear => true,
            SlashCommand::Diff
            | SlashCommand::Mention
            | SlashCommand::Status
            | SlashCommand::Mcp
            | SlashCommand::Exit => false,
        }
    }

    /// The command named exactly `name` (or an alias of it).
    pub fn from_name(name: &str) -> Option<SlashCommand> {
        SlashCommand::ALL
            .into_iter()
            .find(|command| command.name() == name || command.aliases().contains(&name))
    }

    /// Popup rows for a typed prefix: names starting with it, in popup order; aliases only
    /// when a prefix is typed (shown under the alias name).
    pub fn filter(prefix: &str) -> Vec<(&'static str, SlashCommand)> {
        let mut rows = Vec::new();
        for command in SlashCommand::ALL {
            if command.name().starts_with(prefix) {
                rows.push((command.name(), command));
            } else if !prefix.is_empty()
                && let Some(alias) = command
                    .aliases()
                    .iter()
                    .find(|alias| alias.starts_with(prefix))
            {
                rows.push((*alias, command));
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn prefix_filters_by_name_start() {
        let names = |prefix| {
            SlashCommand::filter(prefix)
                .into_iter()
                .map(|(name, _)| name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("st"), vec!["status"]);
        assert_eq!(names("q"), vec!["quit"]);
        assert_eq!(names("ap"), vec!["approvals"]);
        assert_eq!(names("m"), vec!["model", "mention", "mcp"]);
        assert_eq!(names("").len(), SlashCommand::ALL.len());
        assert_eq!(SlashCommand::from_name("quit"), Some(SlashCommand::Exit));
        assert_eq!(SlashCommand::from_name("nope"), None);
    }
}
