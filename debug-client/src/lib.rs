//! codex-debug-client: a minimal interactive client for `codex app-server` (debug-client.md).
//! It spawns the server, performs the handshake, starts or resumes one thread, sends each typed
//! line as a turn, prints every server line and answers approvals automatically. Synchronous:
//! the input loop and one reader thread share the server's stdin and the output streams.

mod cli;
mod connection;
mod error;
mod final_only;
mod input;
mod output;
mod protocol;
mod reader;
mod server_requests;
mod session;
mod startup;
mod threads;

pub use cli::Cli;
pub use error::DebugClientError;
pub use session::run;
