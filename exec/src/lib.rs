//! codex-exec: the headless front end. One process runs one turn (of a new or resumed thread)
//! and renders it as human text on stderr (final message on stdout) or as JSONL on stdout.

pub mod cli;
mod run;

pub use cli::Cli;
pub use run::run_main;
