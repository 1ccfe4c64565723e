//! Threads across processes: rollout files, `exec resume`, `--ephemeral`, and compaction.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed_with_usage;
use codex_test_support::ev_function_call;
use common::TestEnv;
use common::input;
use common::jsonl;
use common::stderr;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

fn message_with_usage(id: &str, text: &str, input: u64, total: u64) -> MockResponse {
    MockResponse::Sse(vec![
        ev_assistant_message(id, text),
        ev_completed_with_usage(&format!("resp_{id}"), input, 0, total - input, 0, total),
    ])
}

fn rollout_records(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn metadata(request: &codex_test_support::RecordedRequest) -> Value {
    serde_json::from_str(request.header("x-codex-turn-metadata").unwrap()).unwrap()
}

#[test]
fn rollout_records_the_thread_as_it_happens() {
    let env = TestEnv::new(vec![
        MockResponse::function_call("call_1", "update_plan", r#"{"plan":[]}"#),
        message_with_usage("m1", "done", 100, 120),
    ]);
    let output = env.exec(&["--json", "go"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let thread_id = jsonl(&output)[0]["thread_id"].as_str().unwrap().to_string();
    let files = env.home.rollout_files();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with("rollout-"), "{name}");
    assert!(name.ends_with(&format!("-{thread_id}.jsonl")), "{name}");
    let date_dir = files[0].parent().unwrap();
    let date = chrono_like_dir(date_dir);
    assert_eq!(&name["rollout-".len().."rollout-".len() + 10], date);

    let records = rollout_records(&files[0]);
    assert_eq!(records[0]["type"], "session_meta");
    assert_eq!(records[0]["payload"]["id"], thread_id.as_str());
    assert_eq!(records[0]["payload"]["source"], "exec");
    assert_eq!(records[0]["payload"]["originator"], "codex_exec");
    assert_eq!(records[0]["payload"]["model_provider"], "mock");
    assert_eq!(
        records[0]["payload"]["cwd"],
        env.cwd().display().to_string()
    );
    assert!(records[0]["payload"]["base_instructions"]["text"].is_string());
    let timestamp = records[0]["timestamp"].as_str().unwrap();
    assert!(
        timestamp.ends_with('Z') && timestamp.len() == 24,
        "{timestamp}"
    );

    let items: Vec<&Value> = records
        .iter()
        .filter(|record| record["type"] == "response_item")
        .map(|record| &record["payload"])
        .collect();
    let kinds: Vec<String> = items
        .iter()
        .map(|item| {
            format!(
                "{}/{}",
                item["type"].as_str().unwrap(),
                item["role"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "message/developer",
            "message/user",
            "message/user",
            "function_call/",
            "function_call_output/",
            "message/assistant"
        ]
    );
    // The history in the rollout is exactly what the last request sent, minus BASE.
    let last_input = input(&env.bodies()[1]);
    let sent: Vec<&Value> = last_input[1..].iter().collect();
    assert_eq!(items[..items.len() - 1].to_vec(), sent);

    let totals: Vec<&Value> = records
        .iter()
        .filter(|record| record["payload"]["type"] == "token_count")
        .map(|record| &record["payload"]["info"]["total_token_usage"])
        .collect();
    assert_eq!(totals.len(), 2);
    assert_eq!(totals[1]["input_tokens"], 1100);
    assert!(env.home.path().join("installation_id").exists());
}

fn chrono_like_dir(day_dir: &std::path::Path) -> String {
    let day = day_dir.file_name().unwrap().to_str().unwrap();
    let month_dir = day_dir.parent().unwrap();
    let month = month_dir.file_name().unwrap().to_str().unwrap();
    let year = month_dir
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    format!("{year}-{month}-{day}")
}

#[test]
fn resume_continues_the_thread_with_cumulative_usage() {
    let env = TestEnv::new(vec![
        message_with_usage("m1", "first answer", 2000, 2100),
        message_with_usage("m2", "second answer", 1000, 1050),
        message_with_usage("m3", "third answer", 10, 15),
    ]);
    let output = env.exec(&["--json", "first prompt"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let thread_id = jsonl(&output)[0]["thread_id"].as_str().unwrap().to_string();

    let output = env.exec(&["--json", "resume", &thread_id, "second prompt"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    assert_eq!(
        lines,
        vec![
            json!({"type": "thread.started", "thread_id": thread_id}),
            json!({"type": "turn.started"}),
            json!({"type": "item.completed", "item": {"id": "item_0", "type": "agent_message", "text": "second answer"}}),
            json!({"type": "turn.completed", "usage": {"input_tokens": 3000, "cached_input_tokens": 0, "cache_write_input_tokens": 0, "output_tokens": 150, "reasoning_output_tokens": 0}}),
        ]
    );

    let requests = env.server.requests();
    let first = input(&requests[0].body);
    let second = input(&requests[1].body);
    // Full history re-sent, then only the new user message.
    assert_eq!(second.len(), first.len() + 2);
    assert_eq!(second[..first.len()], first[..]);
    assert_eq!(second[first.len()]["role"], "assistant");
    assert_eq!(
        second[first.len() + 1]["content"][0]["text"],
        "second prompt"
    );
    assert_eq!(metadata(&requests[0])["history_initialization"], "new");
    assert_eq!(
        metadata(&requests[1])["history_initialization"],
        "cold_resume"
    );
    assert_eq!(
        metadata(&requests[0])["context_window_id"],
        metadata(&requests[1])["context_window_id"]
    );

    // One rollout, appended to; one session_meta; ordinals continue.
    let files = env.home.rollout_files();
    assert_eq!(files.len(), 1);
    let records = rollout_records(&files[0]);
    assert_eq!(
        records
            .iter()
            .filter(|record| record["type"] == "session_meta")
            .count(),
        1
    );
    let ordinals: Vec<u64> = records
        .iter()
        .map(|record| record["ordinal"].as_u64().unwrap())
        .collect();
    assert_eq!(ordinals, (0..records.len() as u64).collect::<Vec<_>>());

    // --last finds it from the same directory.
    let output = env.exec(&["--json", "resume", "--last", "third prompt"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(jsonl(&output)[0]["thread_id"], thread_id.as_str());
    let third = input(&env.server.requests()[2].body);
    assert_eq!(third.last().unwrap()["content"][0]["text"], "third prompt");
}

#[test]
fn resume_of_an_unknown_thread_fails_clearly() {
    let env = TestEnv::new(vec![]);
    let output = env.exec(&["resume", "0199a213-81c0-7800-8aa1-bbab2a035a53", "hi"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("no saved session found with id 0199a213-81c0-7800-8aa1-bbab2a035a53"),
        "{}",
        stderr(&output)
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn ephemeral_writes_no_session_files() {
    let env = TestEnv::new(vec![
        MockResponse::message("hi"),
        MockResponse::message("hi"),
    ]);
    let output = env.exec(&["--ephemeral", "hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!env.home.sessions_dir().exists());
    let output = env.exec(&["hi"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The request of an ephemeral run is the same as a normal one apart from the ids.
    let bodies = env.bodies();
    assert_eq!(bodies[0]["tools"], bodies[1]["tools"]);
    assert_eq!(input(&bodies[0]).len(), input(&bodies[1]).len());
}

#[test]
fn auto_compaction_replaces_the_history_mid_turn() {
    let env = TestEnv::with_config(
        vec![
            MockResponse::Sse(vec![
                ev_function_call("call_1", "no_such_tool", "{}"),
                ev_completed_with_usage("resp_1", 900, 0, 200, 0, 1100),
            ]),
            message_with_usage("sum", "SUMMARY TEXT", 1000, 1010),
            message_with_usage("m2", "after compaction", 50, 60),
        ],
        "model_auto_compact_token_limit = 1000\n",
    );
    let output = env.exec(&["--json", "big task"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = jsonl(&output);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[2]["item"]["text"], "after compaction");
    assert_eq!(lines[3]["usage"]["input_tokens"], 1950);

    let requests = env.server.requests();
    assert_eq!(requests.len(), 3);
    let compaction = &requests[1];
    assert_eq!(compaction.body["tools"], json!([]));
    assert_eq!(compaction.body["parallel_tool_calls"], false);
    let compaction_input = input(&compaction.body);
    let prompt = compaction_input.last().unwrap();
    assert_eq!(prompt["role"], "user");
    assert!(prompt.get("id").is_none());
    let meta = metadata(compaction);
    assert_eq!(meta["request_kind"], "compaction");
    assert_eq!(meta["compaction"]["trigger"], "auto");
    assert_eq!(meta["compaction"]["phase"], "mid_turn");

    let after = &requests[2];
    let after_input = input(&after.body);
    let roles: Vec<(&str, &str)> = after_input
        .iter()
        .map(|item| {
            (
                item["type"].as_str().unwrap(),
                item["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("message", "developer"),
            ("message", "developer"),
            ("message", "user"),
            ("message", "user"),
            ("message", "user"),
        ]
    );
    assert_eq!(after_input[0], input(&requests[0].body)[0]);
    assert_ne!(after_input[1]["id"], input(&requests[0].body)[1]["id"]);
    assert_eq!(after_input[3]["content"][0]["text"], "big task");
    let summary = after_input[4]["content"][0]["text"].as_str().unwrap();
    assert!(summary.ends_with("\nSUMMARY TEXT"), "{summary}");
    assert!(after.body["tools"].as_array().unwrap().len() >= 5);
    let thread_id = lines[0]["thread_id"].as_str().unwrap();
    assert_eq!(
        after.header("x-codex-window-id").unwrap(),
        format!("{thread_id}:1")
    );
    assert_eq!(
        requests[0].header("x-codex-window-id").unwrap(),
        format!("{thread_id}:0")
    );
    assert_ne!(
        metadata(after)["context_window_id"],
        metadata(&requests[0])["context_window_id"]
    );

    let records = rollout_records(&env.home.rollout_files()[0]);
    let compacted: Vec<&Value> = records
        .iter()
        .filter(|record| record["type"] == "compacted")
        .collect();
    assert_eq!(compacted.len(), 1);
    assert_eq!(compacted[0]["payload"]["message"], summary);
    assert_eq!(
        compacted[0]["payload"]["replacement_history"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn notify_program_gets_the_turn_as_json() {
    let env = TestEnv::new(vec![MockResponse::message("Done.")]);
    let out = env.path("notify.json");
    let config = format!(
        "{}\nnotify = [\"/bin/sh\", \"-c\", \"printf '%s' \\\"$1\\\" > {}\", \"sh\"]\n",
        std::fs::read_to_string(env.home.path().join("config.toml")).unwrap(),
        out.display()
    );
    env.home.write_config(&config);
    let output = env.exec(&["--json", "Rename foo to bar"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let thread_id = jsonl(&output)[0]["thread_id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let text = loop {
        if let Ok(text) = std::fs::read_to_string(&out)
            && !text.is_empty()
        {
            break text;
        }
        assert!(std::time::Instant::now() < deadline, "notifier never ran");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let payload: Value = serde_json::from_str(&text).unwrap();
    let turn_id = payload["turn-id"].as_str().unwrap().to_string();
    assert_eq!(
        payload,
        json!({
            "type": "agent-turn-complete",
            "thread-id": thread_id,
            "turn-id": turn_id,
            "cwd": env.cwd().display().to_string(),
            "input-messages": ["Rename foo to bar"],
            "last-assistant-message": "Done.",
        })
    );
}
