//! codex-exec: the headless front end. One process runs one turn (of a new or resumed thread)
//! and renders it as human text on stderr (final message on stdout) or as JSONL on stdout.

pub mod cli;
pub mod event_processor;
pub mod exec_events;
pub mod human_output;
pub mod jsonl_output;
mod run;
#[cfg(test)]
mod test_util;

pub use cli::Cli;
pub use run::run_main;
