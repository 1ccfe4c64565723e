//! `codex exec` end to end against a mock Responses server: prompts, stdin rules, output modes,
//! exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed_with_usage;
use codex_test_support::ev_reasoning;
use common::TestEnv;
use common::input;
use common::jsonl;
use common::stderr;
use common::stdout;
use pretty_assertions::assert_eq;
use serde_json::json;

fn user_prompt(body: &serde_json::Value) -> String {
    let items = input(body);
    let last = items.last().unwrap();
    assert_eq!(last["role"], "user");
    last["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|part| part["text"].as_str())
        .collect::<Vec<_>>()
        .join("")
}

#[test]
fn plain_answer_prints_only_the_final_message_on_stdout() {
    let env = TestEnv::new(vec![MockResponse::message("Hello there")]);
    let output = env.exec(&["Say hello"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "Hello there\n");
    let err = stderr(&output);
    let cwd = env.cwd();
    let thread_id = err
        .lines()
        .find_map(|line| line.strip_prefix("session id: "))
        .unwrap()
        .to_string();
    let expected = format!(
        "Reading additional input from stdin...\nOpenAI Codex v0.169.0\n--------\nworkdir: {}\nmodel: gpt-5.5\nprovider: mock\napproval: never\nsandbox: read-only\nreasoning effort: none\nreasoning summaries: none\nsession id: {thread_id}\n--------\nuser\nSay hello\ncodex\nHello there\ntokens used\n850\n",
        cwd.display()
    );
    assert_eq!(err, expected);
    assert_eq!(user_prompt(&env.bodies()[0]), "Say hello");
}

#[test]
fn jsonl_output_matches_the_wire_format() {
    let env = TestEnv::new(vec![MockResponse::Sse(vec![
        ev_reasoning("rs_1", &["**Thinking**", "About it."]),
        ev_assistant_message("msg_1", "Done."),
        ev_completed_with_usage("resp_1", 2000, 400, 100, 20, 2100),
    ])]);
    let output = env.exec(&["--json", "Do it"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    let thread_id = lines[0]["thread_id"].as_str().unwrap().to_string();
    assert_eq!(
        lines,
        vec![
            json!({"type": "thread.started", "thread_id": thread_id}),
            json!({"type": "turn.started"}),
            json!({"type": "item.completed", "item": {"id": "item_0", "type": "reasoning", "text": "**Thinking**\nAbout it."}}),
            json!({"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": "Done."}}),
            json!({"type": "turn.completed", "usage": {"input_tokens": 2000, "cached_input_tokens": 400, "cache_write_input_tokens": 0, "output_tokens": 100, "reasoning_output_tokens": 20}}),
        ]
    );
    // Key order on the wire is part of the contract.
    let last = stdout(&output).lines().last().unwrap().to_string();
    assert_eq!(
        last,
        r#"{"type":"turn.completed","usage":{"input_tokens":2000,"cached_input_tokens":400,"cache_write_input_tokens":0,"output_tokens":100,"reasoning_output_tokens":20}}"#
    );
    assert_eq!(stderr(&output), "Reading additional input from stdin...\n");
}

#[test]
fn piped_stdin_is_appended_in_a_stdin_block() {
    let env = TestEnv::new(vec![
        MockResponse::message("ok"),
        MockResponse::message("ok"),
    ]);
    let output = env.exec_with_stdin(&["P"], "line one\nline two\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = env.exec_with_stdin(&["P"], "no newline");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bodies = env.bodies();
    assert_eq!(
        user_prompt(&bodies[0]),
        "P\n\n<stdin>\nline one\nline two\n</stdin>"
    );
    assert_eq!(
        user_prompt(&bodies[1]),
        "P\n\n<stdin>\nno newline\n</stdin>"
    );
}

#[test]
fn prompt_from_stdin_is_sent_verbatim() {
    let env = TestEnv::new(vec![
        MockResponse::message("ok"),
        MockResponse::message("ok"),
    ]);
    let output = env.exec_with_stdin(&[], "text\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).starts_with("Reading prompt from stdin...\n"));
    let output = env.exec_with_stdin(&["-"], "dash text");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Reading"));
    let bodies = env.bodies();
    assert_eq!(user_prompt(&bodies[0]), "text\n");
    assert_eq!(user_prompt(&bodies[1]), "dash text");
}

#[test]
fn empty_stdin_without_prompt_exits_1_without_a_request() {
    let env = TestEnv::new(vec![]);
    let output = env.exec_with_stdin(&[], "  \n");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "Reading prompt from stdin...\nNo prompt provided via stdin.\n"
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn outside_a_git_repo_exits_1_unless_skipped() {
    let env = TestEnv::new(vec![MockResponse::message("ok")]);
    let outside = tempfile::tempdir().unwrap();
    let output = env
        .codex()
        .current_dir(outside.path())
        .args(["exec", "--json", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        "Reading additional input from stdin...\nNot inside a trusted directory and --skip-git-repo-check was not specified.\n"
    );
    assert!(env.server.requests().is_empty());

    let output = env
        .codex()
        .current_dir(outside.path())
        .args(["exec", "--skip-git-repo-check", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "ok\n");
}

#[test]
fn usage_errors_exit_2_and_help_and_version_exit_0() {
    let env = TestEnv::new(vec![]);
    let output = env.exec(&["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unexpected argument '--no-such-flag'"));
    let output = env.exec(&["--sandbox", "sometimes", "hi"]);
    assert_eq!(output.status.code(), Some(2));
    let output = env.exec(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Usage: codex exec [OPTIONS] [PROMPT]"));
    let output = env.exec(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "codex-cli-exec 0.169.0\n");
}

#[test]
fn missing_api_key_fails_the_turn_without_a_request() {
    let env = TestEnv::new(vec![]);
    let output = env
        .codex()
        .env_remove("MOCK_API_KEY")
        .args(["exec", "--json", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = jsonl(&output);
    assert_eq!(lines[0]["type"], "thread.started");
    assert_eq!(lines[1], json!({"type": "turn.started"}));
    let message = "Missing environment variable: `MOCK_API_KEY`.";
    assert_eq!(
        lines[2..].to_vec(),
        vec![
            json!({"type": "error", "message": message}),
            json!({"type": "turn.failed", "error": {"message": message}}),
        ]
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn output_last_message_is_written_without_newline_and_empty_on_failure() {
    let env = TestEnv::new(vec![
        MockResponse::message("final words"),
        MockResponse::Status {
            status: 400,
            headers: vec![],
            body: "bad request body".to_string(),
        },
    ]);
    let file = env.path("last.txt");
    let file_arg = file.to_str().unwrap();
    let output = env.exec(&["-o", file_arg, "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "final words");

    let output = env.exec(&["-o", file_arg, "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).ends_with("ERROR: bad request body\nERROR: bad request body\n"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn colour_only_when_asked() {
    let env = TestEnv::new(vec![
        MockResponse::message("hi"),
        MockResponse::message("hi"),
    ]);
    let plain = env.exec(&["hi"]);
    assert!(!stderr(&plain).contains('\u{1b}'));
    let coloured = env.exec(&["--color", "always", "hi"]);
    let err = stderr(&coloured);
    assert!(err.contains("\u{1b}[1mworkdir:\u{1b}[0m"), "{err}");
    assert!(
        err.contains("\u{1b}[35m\u{1b}[3mcodex\u{1b}[0m\u{1b}[0m"),
        "{err}"
    );
    assert_eq!(stdout(&coloured), "hi\n");
}

#[test]
fn malformed_config_names_file_line_column_and_key() {
    let env = TestEnv::with_config(vec![], "approval_policy = \"sometimes\"\n");
    let output = env.exec(&["hi"]);
    assert_eq!(output.status.code(), Some(1));
    let config_path = env.home.path().join("config.toml");
    let line = std::fs::read_to_string(&config_path)
        .unwrap()
        .lines()
        .position(|line| line.starts_with("approval_policy"))
        .unwrap()
        + 1;
    assert_eq!(
        stderr(&output),
        format!(
            "Reading additional input from stdin...\nError loading config.toml: {}:{line}:19: unknown variant `sometimes`, expected one of `untrusted`, `on-failure`, `on-request`, `never`\n  in `approval_policy`\n",
            config_path.display()
        )
    );
    assert!(env.server.requests().is_empty());
}
