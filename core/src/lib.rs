//! codex-core: the agent engine shared by every front end.

pub mod auth;
pub mod config;
pub mod ids;
pub mod project_doc;
pub mod protocol;
pub mod sandbox;
