//! `codex app-server` end to end: the real binary over stdio against the mock Responses
//! server, driven line by line as a client would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attestation;
mod command_exec;
#[path = "../common/mod.rs"]
mod common;
mod execpolicy_amendment;
mod handshake;
mod harness;
mod lifecycle;
mod mcp;
mod turns;
