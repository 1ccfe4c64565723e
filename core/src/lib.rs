//! codex-core: the agent engine shared by every front end. Front ends submit `Op`s to a
//! `Codex` session and render the `Event`s it emits; everything that talks to the model,
//! runs tools or touches the session files lives here.

// Core owns no terminal: what users see goes out as events, diagnostics through `tracing`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod apply_patch;
pub mod approval;
pub mod attestation;
pub mod auth;
pub mod client;
pub mod config;
pub mod exec;
pub mod ids;
mod mcp;
pub mod message_history;
pub mod model_catalog;
pub mod notify;
mod private_file;
pub mod project_doc;
pub mod protocol;
pub mod realtime;
pub mod rollout;
pub mod sandbox;
pub mod session;
pub mod shell_quote;
pub mod tools;

pub use session::Codex;
pub use session::CodexError;
pub use session::InitialHistory;
pub use session::Persistence;
pub use session::SessionOptions;
