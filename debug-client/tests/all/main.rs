//! Integration tests: the built `codex-debug-client` against a scripted fake app-server
//! (`tests/fixtures/fake_app_server.py`), asserting what the fake received and whole outputs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod errors;
mod harness;
mod interactive;
mod output;
mod startup;
