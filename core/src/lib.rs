//! codex-core: the agent engine shared by every front end.

pub mod apply_patch;
pub mod config;
pub mod ids;
pub mod protocol;
pub mod sandbox;
