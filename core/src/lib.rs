//! codex-core: the agent engine shared by every front end.

pub mod config;
pub mod exec;
pub mod ids;
pub mod protocol;
pub mod sandbox;
