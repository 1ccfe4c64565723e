//! codex-tui: the interactive full-screen client (`codex` with no subcommand), on ratatui +
//! crossterm. An `App` owns a `ChatWidget` (history cells) and a bottom pane (composer and
//! views); one `select!` loop drives terminal events, core events and the app-event bus.

// The TUI owns the terminal; everything else goes to the log file.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod app;
pub mod app_event;
pub mod bottom_pane;
pub mod chatwidget;
pub mod cli;
pub mod clock;
pub mod file_search;
pub mod git_diff;
pub mod history_cell;
pub mod history_view;
pub mod markdown;
pub mod markdown_stream;
pub mod notifications;
pub mod onboarding;
pub mod pager_overlay;
pub mod resume_picker;
pub mod slash_command;
pub mod terminal;
pub mod wrapping;

mod run;

pub use cli::Cli;
pub use cli::ResumeTarget;
pub use run::run_main;

#[cfg(test)]
mod test_support;
