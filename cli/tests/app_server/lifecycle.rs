//! Threads across processes and standalone turns: resume after a restart, compaction turns,
//! and the server-request id counter.

use codex_test_support::MockResponse;
use pretty_assertions::assert_eq;
use serde_json::json;

use crate::harness::AppServer;
use crate::harness::text_input;

#[test]
fn resume_after_restart_rebuilds_the_thread() {
    let mut first = AppServer::start(vec![
        MockResponse::message("first answer"),
        MockResponse::message("second answer"),
    ]);
    first.initialize();
    let thread_id = first.start_thread(json!({"cwd": first.cwd()}));
    first.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("one")}),
    );
    first.until(|message| message["method"] == "turn/completed");
    // A new process on the same CODEX_HOME.
    first.restart();
    let mut second = first;
    second.initialize();
    let id = second.request("thread/list", json!({}));
    let list = second.response(id);
    assert_eq!(list["result"]["data"][0]["id"], thread_id.as_str());
    assert_eq!(
        list["result"]["data"][0]["status"],
        json!({"type": "notLoaded"})
    );
    assert_eq!(list["result"]["data"][0]["preview"], "one");
    let id = second.request("thread/resume", json!({"threadId": thread_id}));
    let resumed = second.response(id);
    assert_eq!(resumed["result"]["thread"]["id"], thread_id.as_str());
    assert_eq!(
        resumed["result"]["thread"]["turns"][0]["status"],
        "completed"
    );
    second.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("two")}),
    );
    let done = second.until(|message| message["method"] == "turn/completed");
    assert_eq!(
        done.last().unwrap()["params"]["turn"]["items"][0]["text"],
        "second answer"
    );
    let requests = second.server.requests();
    let input = requests.last().unwrap().body["input"]
        .as_array()
        .unwrap()
        .clone();
    let texts: Vec<&str> = input
        .iter()
        .filter_map(|item| item["content"][0]["text"].as_str())
        .collect();
    assert!(texts.contains(&"one") && texts.contains(&"first answer") && texts.contains(&"two"));
}

#[test]
fn compaction_runs_as_a_turn() {
    let mut app = AppServer::start(vec![
        MockResponse::message("answer"),
        MockResponse::message("SUMMARY"),
    ]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("one")}),
    );
    app.until(|message| message["method"] == "turn/completed");
    let id = app.request("thread/compact/start", json!({"threadId": thread_id}));
    let messages = app.until(|message| message["method"] == "turn/completed");
    assert_eq!(messages[0], json!({"id": id, "result": {}}));
    let compaction = messages
        .iter()
        .find(|message| message["method"] == "item/completed")
        .unwrap();
    assert_eq!(compaction["params"]["item"]["type"], "contextCompaction");
    let turn = &messages.last().unwrap()["params"]["turn"];
    assert_eq!(turn["status"], "completed");
    assert_eq!(turn["items"], json!([]));
    assert_eq!(turn["itemsView"], "notLoaded");
    let metadata: serde_json::Value = serde_json::from_str(
        app.server.requests()[1]
            .header("x-codex-turn-metadata")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(metadata["request_kind"], "compaction");
}
