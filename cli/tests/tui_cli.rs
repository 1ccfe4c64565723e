//! The interactive entry points' failures that happen before the terminal is touched:
//! configuration errors and unknown session ids print one line to stderr and exit 1.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use common::stderr;
use pretty_assertions::assert_eq;

#[test]
fn config_error_is_reported_before_the_terminal_is_touched() {
    let env = TestEnv::with_config(Vec::new(), "approval_policy = \"sometimes\"\n");
    let output = env.codex().output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with("Error loading configuration: "),
        "{stderr}"
    );
    assert!(stderr.contains("approval_policy"), "{stderr}");
}

#[test]
fn resume_of_an_unknown_id_names_it() {
    let env = TestEnv::new(Vec::new());
    let output = env
        .codex()
        .args(["resume", "0199a213-0000-7000-8000-000000000000"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert_eq!(
        stderr(&output),
        "Error: no saved session found with ID 0199a213-0000-7000-8000-000000000000. Run `codex resume` to pick one.\n"
    );
}
