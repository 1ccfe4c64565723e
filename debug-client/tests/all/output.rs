//! Where server lines go: `--final-only` labels on stdout, `--output-file` raw lines.

use pretty_assertions::assert_eq;

use crate::harness::Client;
use crate::harness::Finished;
use crate::harness::fake_server;

const LABELLED_TURN: &str = "\
thread-1 tool: command /bin/bash -lc 'echo hi' (Completed)
thread-1 tool exit: 0
thread-1 tool output:
thread-1   hi
thread-1   there
thread-1 tool: file change (Declined, 2 files)
thread-1 assistant: Done.
";

/// Runs one turn with `--output-file <dir>/raw.jsonl` (pre-filled, to check truncation) plus
/// `args`. Waits for the reader's last stderr line of the turn before closing stdin.
fn turn_with_output_file(args: &[&str]) -> (Finished, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("raw.jsonl");
    std::fs::write(&out, "stale content that must be truncated\n").unwrap();
    let mut all_args = vec!["--output-file", out.to_str().unwrap()];
    all_args.extend_from_slice(args);
    let mut client = Client::start_in(dir, fake_server().to_str().unwrap(), &all_args, "");
    client.wait_stderr("connected to thread thread-1");
    client.send("hello");
    client.wait_stderr("auto-response for file change approval Integer(1)");
    let done = client.finish();
    let raw = std::fs::read_to_string(&out).unwrap();
    (done, raw)
}

#[test]
fn final_only_prints_labelled_completed_items() {
    let mut client = Client::start(&["--final-only"], "");
    client.wait_stderr("connected to thread thread-1");
    client.send("hello");
    client.wait_stdout("thread-1 assistant: Done.");
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.stdout, LABELLED_TURN);
}

#[test]
fn output_file_gets_raw_lines_and_stdout_stays_empty() {
    let (done, raw) = turn_with_output_file(&[]);
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.stdout, "");
    assert_eq!(raw, done.log.sent_text());
}

#[test]
fn final_only_with_output_file_splits_labels_and_raw_lines() {
    let (done, raw) = turn_with_output_file(&["--final-only"]);
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(raw, done.log.sent_text());
    // Complete although we only waited for an approval: the client joins its reader (which
    // runs until the server exits) before exiting itself.
    assert_eq!(done.stdout, LABELLED_TURN);
}
