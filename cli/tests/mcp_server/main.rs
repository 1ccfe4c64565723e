//! `codex mcp-server` end to end (`mcp.md` §4, §5 M5–M7): the real binary over stdio against the
//! mock Responses server, driven by raw JSON-RPC lines, by the official MCP SDK client and by the
//! MCP inspector CLI. The Node peers need `npm ci --prefix cli/tests/fixtures/mcp` (done by
//! `scripts/test`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod inspector;
mod raw;
mod sdk_client;
