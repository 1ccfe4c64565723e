//! Startup failures: each ends the client with exit status 1 and one `Error: …` report.

use pretty_assertions::assert_eq;
use serde_json::json;

use crate::harness::Client;

fn assert_exit_1(done: &crate::harness::Finished, stderr: &str) {
    assert_eq!(done.status.code(), Some(1));
    assert_eq!(done.stderr, stderr);
}

#[test]
fn unknown_approval_policy() {
    let done = Client::start(&["--approval-policy", "sometimes"], "").finish();
    assert_exit_1(
        &done,
        "Error: unknown approval policy: sometimes. Expected one of: untrusted, on-failure, on-request, never\n",
    );
    assert_eq!(done.stdout, "");
    assert!(!done.log.exists(), "the server must not be spawned");
}

#[test]
fn server_that_cannot_be_spawned() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-codex");
    let missing = missing.to_str().unwrap();
    let done = Client::start_in(dir, missing, &[], "").finish();
    assert_exit_1(
        &done,
        &format!(
            "Error: failed to start `{missing}` app-server\n\nCaused by:\n    No such file or directory (os error 2)\n"
        ),
    );
    assert_eq!(done.stdout, "");
}

#[test]
fn output_file_that_cannot_be_created() {
    let client = Client::start(&["--output-file", "/nonexistent-dir/out.jsonl"], "");
    let done = client.finish();
    assert_exit_1(
        &done,
        "Error: open output file /nonexistent-dir/out.jsonl\n\nCaused by:\n    No such file or directory (os error 2)\n",
    );
    assert!(!done.log.exists(), "the server must not be spawned");
}

#[test]
fn initialize_error_response() {
    let done = Client::start(&[], "fail_initialize").finish();
    assert_exit_1(
        &done,
        "Error: initialize failed: initialize refused by the fake server\n",
    );
    assert_eq!(done.stdout, done.log.sent_text());
    assert_eq!(
        done.log.received()[0]["method"],
        json!("initialize"),
        "nothing but initialize is sent"
    );
    assert_eq!(done.log.received().len(), 1);
}

#[test]
fn thread_start_error_response() {
    let done = Client::start(&[], "fail_thread_start").finish();
    assert_exit_1(
        &done,
        "Error: thread/start failed: model provider `nope` not found\n",
    );
    assert_eq!(done.stdout, done.log.sent_text());
}

#[test]
fn server_closes_stdout_during_startup() {
    let done = Client::start(&[], "close_on_initialize").finish();
    assert_exit_1(
        &done,
        "Error: server closed stdout while awaiting response Integer(1)\n",
    );
    assert_eq!(done.stdout, "");
}

#[test]
fn version_and_help_are_clap_output() {
    let version = Client::start(&["--version"], "").finish();
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(version.stdout, "codex-debug-client 0.169.0\n");
    let help = Client::start(&["--help"], "").finish();
    assert_eq!(help.status.code(), Some(0));
    assert_eq!(
        help.stdout.lines().take(3).collect::<Vec<_>>(),
        [
            "Minimal app-server client",
            "",
            "Usage: codex-debug-client [OPTIONS]"
        ]
    );
    assert!(!help.log.exists() && !version.log.exists());
}
