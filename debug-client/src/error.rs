//! The errors that end `codex-debug-client` with exit status 1. Everything that goes wrong once
//! the session is interactive is reported on stderr instead and the session keeps going.

use std::io;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DebugClientError {
    #[error(
        "unknown approval policy: {0}. Expected one of: untrusted, on-failure, on-request, never"
    )]
    UnknownApprovalPolicy(String),

    #[error("open output file {}", path.display())]
    OpenOutputFile {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("failed to start `{}` app-server", bin.display())]
    Spawn {
        bin: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("failed to send {method} to the app-server")]
    Send {
        method: &'static str,
        #[source]
        source: io::Error,
    },

    #[error("failed to read from server")]
    ReadServer(#[source] io::Error),

    /// Carries our integer request id, printed the way the original prints it.
    #[error("server closed stdout while awaiting response Integer({0})")]
    ServerClosedStdout(i64),

    /// The server answered a startup request with a JSON-RPC error.
    #[error("{method} failed: {message}")]
    RequestFailed {
        method: &'static str,
        message: String,
    },

    #[error(
        "{method} response has no thread.id (got {result}); is --codex-bin a codex app-server?"
    )]
    MissingThreadId {
        method: &'static str,
        result: String,
    },

    #[error("failed to read input from stdin")]
    ReadInput(#[source] io::Error),

    #[error("failed to wait for the app-server to exit")]
    WaitServer(#[source] io::Error),
}
