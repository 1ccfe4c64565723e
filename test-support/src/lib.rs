//! Dev-only support for integration tests that run the real `codex` binary against a mock
//! OpenAI Responses server on `127.0.0.1` (see `responses-wire.md` §8 and §10).
//! The server runs its own runtime, so plain (non-async) `#[test]` functions can use it.
//! Helpers panic with a message when the environment fails them (cannot bind, cannot write a
//! temp dir, no `git`): they are test fixtures, and a panic is how a test reports that.
//!
//! # API
//!
//! - [`MockServer::start`]`(Vec<MockResponse>)` binds `127.0.0.1:0`; [`MockServer::uri`] is
//!   `http://127.0.0.1:PORT`, [`MockServer::base_url`] is that + `/v1`. Each `POST /v1/responses`
//!   is answered with the next scripted [`MockResponse`]; once the script is used up the answer is
//!   a 500 saying so. Any other method/path gets a 404. Every request is recorded:
//!   [`MockServer::requests`], [`MockServer::wait_for_requests`] return [`RecordedRequest`]s.
//!   Dropping the server shuts it down.
//! - [`MockResponse`]: `Sse(events)`, `SseDelayed { events, delay }`, `SseThenClose(events)` (the
//!   chunked body is cut without its terminating chunk), `SseThenHang(events)` (the connection
//!   stays open, silent), `Status { status, headers, body }`; plus the shortcuts
//!   [`MockResponse::message`], [`MockResponse::function_call`], [`MockResponse::custom_tool_call`].
//! - Event builders returning the §8 wire shapes: [`ev_assistant_message`],
//!   [`ev_assistant_message_with_phase`], [`ev_reasoning`], [`ev_function_call`],
//!   [`ev_custom_tool_call`], [`ev_completed`], [`ev_completed_with_usage`], [`ev_failed`],
//!   [`ev_output_text_delta`], [`ev_output_item_added`].
//! - [`MockWebsocketServer::start`]`(Vec<Vec<Value>>)`: the §9 WebSocket transport at
//!   `ws://127.0.0.1:PORT/v1/responses`; one scripted event list per generating `response.create`
//!   frame, an empty response to the prewarm (a refused upgrade: use [`MockServer`], which answers
//!   the `GET` with 404). [`MockWebsocketServer::handshakes`] and [`MockWebsocketServer::frames`] are the recording.
//! - Running the binary: [`TestCodexHome`] (a temp `CODEX_HOME`), [`mock_provider_config`] (the
//!   `config.toml` lines selecting the mock provider), [`base_env`] (the whole environment of the
//!   child, for `Command::env_clear().envs(..)`), [`init_git_repo`].
//!
//! ```no_run
//! use codex_test_support::*;
//! use std::process::Command;
//!
//! let server = MockServer::start(vec![MockResponse::message("Hi")]);
//! let home = TestCodexHome::new();
//! home.write_config(&mock_provider_config(&server));
//! let workspace = tempfile::tempdir().unwrap();
//! init_git_repo(workspace.path());
//! let output = Command::new("codex") // tests use env!("CARGO_BIN_EXE_codex")
//!     .args(["exec", "Say hello"])
//!     .current_dir(workspace.path())
//!     .env_clear()
//!     .envs(base_env(home.path()))
//!     .output()
//!     .unwrap();
//! assert!(output.status.success());
//! assert_eq!(server.requests().len(), 1);
//! ```

mod events;
mod git;
mod home;
mod server;
mod websocket;

pub use events::ev_assistant_message;
pub use events::ev_assistant_message_with_phase;
pub use events::ev_completed;
pub use events::ev_completed_with_usage;
pub use events::ev_custom_tool_call;
pub use events::ev_failed;
pub use events::ev_function_call;
pub use events::ev_output_item_added;
pub use events::ev_output_text_delta;
pub use events::ev_reasoning;
pub use git::init_git_repo;
pub use home::TestCodexHome;
pub use home::base_env;
pub use home::mock_provider_config;
pub use server::MockResponse;
pub use server::MockServer;
pub use server::RecordedRequest;
pub use websocket::MockWebsocketServer;
pub use websocket::RecordedHandshake;
