//! One line typed by the user: a message (a new turn) or a `:` command (debug-client.md §3).

/// Printed on connect and on `:help`.
pub const HELP: [&str; 8] = [
    "commands:",
    "  :help                 show this help",
    "  :new                  start a new thread",
    "  :resume <thread-id>   resume an existing thread",
    "  :use <thread-id>      switch the active thread",
    "  :refresh-thread       list available threads",
    "  :quit                 exit",
    "type a message to send it as a new turn",
];

#[derive(Debug, PartialEq, Eq)]
pub enum Input<'a> {
    Empty,
    /// Trimmed text for a `turn/start`.
    Message(&'a str),
    Command(Command<'a>),
    Invalid(InputError),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command<'a> {
    Help,
    New,
    Resume(&'a str),
    Use(&'a str),
    RefreshThread,
    Quit,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("empty command after ':'")]
    EmptyCommand,
    #[error("missing required argument: thread-id")]
    MissingThreadId,
    #[error("unknown command: {0}")]
    UnknownCommand(String),
}

impl<'a> Input<'a> {
    pub fn parse(line: &'a str) -> Self {
        let line = line.trim();
        if line.is_empty() {
            return Self::Empty;
        }
        let Some(command_line) = line.strip_prefix(':') else {
            return Self::Message(line);
        };
        let mut words = command_line.split_whitespace();
        let Some(name) = words.next() else {
            return Self::Invalid(InputError::EmptyCommand);
        };
        let command = match name {
            "help" | "h" => Command::Help,
            "new" => Command::New,
            "resume" | "use" => {
                let Some(thread_id) = words.next() else {
                    return Self::Invalid(InputError::MissingThreadId);
                };
                if name == "resume" {
                    Command::Resume(thread_id)
                } else {
                    Command::Use(thread_id)
                }
            }
            "refresh-thread" => Command::RefreshThread,
            "quit" | "q" | "exit" => Command::Quit,
            other => return Self::Invalid(InputError::UnknownCommand(other.to_string())),
        };
        Self::Command(command)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn parses_every_form() {
        let cases = [
            ("", Input::Empty),
            ("   \t", Input::Empty),
            ("  hello world  ", Input::Message("hello world")),
            (":help", Input::Command(Command::Help)),
            (":h", Input::Command(Command::Help)),
            (":new", Input::Command(Command::New)),
            (" :resume  t-1 ", Input::Command(Command::Resume("t-1"))),
            (":use t-2", Input::Command(Command::Use("t-2"))),
            (":refresh-thread", Input::Command(Command::RefreshThread)),
            (":quit", Input::Command(Command::Quit)),
            (":q", Input::Command(Command::Quit)),
            (":exit", Input::Command(Command::Quit)),
            (":", Input::Invalid(InputError::EmptyCommand)),
            (":   ", Input::Invalid(InputError::EmptyCommand)),
            (":resume", Input::Invalid(InputError::MissingThreadId)),
            (":use ", Input::Invalid(InputError::MissingThreadId)),
            (
                ":foo bar",
                Input::Invalid(InputError::UnknownCommand("foo".to_string())),
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(Input::parse(line), expected, "{line:?}");
        }
    }

    #[test]
    fn error_texts() {
        let texts: Vec<String> = [
            InputError::EmptyCommand,
            InputError::MissingThreadId,
            InputError::UnknownCommand("foo".to_string()),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            texts,
            [
                "empty command after ':'",
                "missing required argument: thread-id",
                "unknown command: foo",
            ]
        );
    }
}
