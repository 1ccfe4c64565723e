//! codex-tui: the interactive full-screen client (`codex` with no subcommand), on ratatui +
//! crossterm. An `App` owns a `ChatWidget` (history cells) and a bottom pane (composer and
//! views); one `select!` loop drives terminal events, core events and the app-event bus.

// The TUI owns the terminal; everything else goes to the log file.
#![deny(clippy::print_stdout, clippy::print_stderr)]
pub mod markdown;
pub mod markdown_stream;
pub mod wrapping;

#[cfg(test)]
mod test_support;
