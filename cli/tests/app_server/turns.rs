//! Threads and turns through the app-server against the mock Responses server.

use codex_test_support::MockResponse;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::harness::AppServer;
use crate::harness::text_input;

fn methods(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .map(|message| match (message.get("method"), message.get("id")) {
            (Some(method), Some(_)) => format!("request {}", method.as_str().unwrap()),
            (Some(method), None) => method.as_str().unwrap().to_string(),
            (None, _) => "response".to_string(),
        })
        .collect()
}

fn is_turn_completed(message: &Value) -> bool {
    message["method"] == "turn/completed"
}

#[test]
fn a_turn_follows_the_canonical_order() {
    let mut app = AppServer::start(vec![MockResponse::message("Hello from the model")]);
    app.initialize();
    let id = app.request("thread/start", json!({"cwd": app.cwd()}));
    let response = app.next();
    assert_eq!(response["id"], id);
    let thread = response["result"]["thread"].clone();
    let thread_id = thread["id"].as_str().unwrap().to_string();
    assert_eq!(thread["status"], json!({"type": "idle"}));
    assert_eq!(thread["preview"], "");
    assert_eq!(thread["turns"], json!([]));
    assert_eq!(thread["source"], "vscode");
    assert_eq!(
        response["result"]["sandbox"],
        json!({"type": "readOnly", "networkAccess": false})
    );
    assert_eq!(response["result"]["approvalPolicy"], "on-request");
    let started = app.next();
    assert_eq!(started["method"], "thread/started");
    assert_eq!(started["params"]["thread"]["id"], thread_id.as_str());
    assert!(started["emittedAtMs"].is_i64());

    let id = app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("Say hello")}),
    );
    let messages = app.until(is_turn_completed);
    assert_eq!(
        methods(&messages),
        vec![
            "response",
            "thread/status/changed",
            "turn/started",
            "item/started",
            "item/completed",
            "item/started",
            "item/completed",
            "thread/tokenUsage/updated",
            "thread/status/changed",
            "turn/completed"
        ]
    );
    let turn_id = messages[0]["result"]["turn"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(messages[0]["id"], id);
    assert_eq!(messages[0]["result"]["turn"]["status"], "inProgress");
    assert_eq!(messages[0]["result"]["turn"]["items"], json!([]));
    assert_eq!(
        messages[1]["params"]["status"],
        json!({"type": "active", "activeFlags": []})
    );
    assert_eq!(messages[2]["params"]["turn"]["id"], turn_id.as_str());
    assert_eq!(messages[4]["params"]["item"]["type"], "userMessage");
    assert_eq!(
        messages[4]["params"]["item"]["content"],
        json!([{"type": "text", "text": "Say hello", "text_elements": []}])
    );
    let user_id = messages[4]["params"]["item"]["id"].as_str().unwrap();
    assert_eq!(user_id.len(), 36, "a bare UUIDv7: {user_id}");
    assert!(messages[6]["params"]["item"]["startedAtMs"].is_i64());
    assert!(messages[6]["params"]["item"]["completedAtMs"].is_i64());
    assert_eq!(messages[5]["params"]["item"]["type"], "agentMessage");
    assert_eq!(messages[5]["params"]["item"]["text"], "");
    assert_eq!(
        messages[6]["params"]["item"]["text"],
        "Hello from the model"
    );
    assert_eq!(messages[6]["params"]["item"]["id"], "msg_1");
    let usage = &messages[7]["params"]["tokenUsage"];
    assert_eq!(usage["total"]["inputTokens"], 1000);
    assert_eq!(usage["total"]["cachedInputTokens"], 200);
    assert_eq!(messages[8]["params"]["status"], json!({"type": "idle"}));
    let turn = &messages[9]["params"]["turn"];
    assert_eq!(turn["id"], turn_id.as_str());
    assert_eq!(turn["status"], "completed");
    assert_eq!(turn["itemsView"], "summary");
    assert_eq!(turn["items"][0]["text"], "Hello from the model");
    assert_eq!(turn["error"], Value::Null);
    assert!(turn["durationMs"].is_i64());

    // The request upstream carries the client's identity.
    let request = &app.server.requests()[0];
    assert_eq!(request.header("originator"), Some("test_client"));
    let agent = request.header("user-agent").unwrap();
    assert!(agent.ends_with("(test_client; 1.2.3)"), "{agent}");

    // thread/read and thread/loaded/list see it; thread/list lists it.
    let id = app.request(
        "thread/read",
        json!({"threadId": thread_id, "includeTurns": true}),
    );
    let read = app.response(id);
    assert_eq!(read["result"]["thread"]["preview"], "Say hello");
    assert_eq!(
        read["result"]["thread"]["turns"][0]["items"][1]["text"],
        "Hello from the model"
    );
    let id = app.request("thread/list", json!({}));
    let list = app.response(id);
    assert_eq!(list["result"]["data"][0]["id"], thread_id.as_str());
    assert_eq!(list["result"]["data"][0]["status"], json!({"type": "idle"}));
    assert_eq!(list["result"]["nextCursor"], Value::Null);
}

#[test]
fn command_approval_accepted_and_file_change_declined() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("made.txt");
    let mut app = AppServer::start(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            &json!({"cmd": format!("touch {}", target.display()), "sandbox_permissions": "require_escalated", "justification": "Allow creating a file?"}).to_string(),
        ),
        MockResponse::custom_tool_call(
            "call_2",
            "apply_patch",
            "*** Begin Patch\n*** Add File: declined.txt\n+no\n*** End Patch",
        ),
        MockResponse::message("done"),
    ]);
    app.initialize();
    let thread_id = app.start_thread(
        json!({"cwd": app.cwd(), "approvalPolicy": "on-request", "sandbox": "read-only"}),
    );
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    let before = app.until(|message| message["method"] == "item/commandExecution/requestApproval");
    let request = before.last().unwrap().clone();
    assert_eq!(request["id"], 0);
    assert_eq!(request["params"]["itemId"], "call_1");
    assert_eq!(request["params"]["reason"], "Allow creating a file?");
    assert_eq!(
        request["params"]["command"],
        format!("/bin/bash -lc 'touch {}'", target.display()).as_str()
    );
    let waiting = before
        .iter()
        .rev()
        .find(|message| message["method"] == "thread/status/changed")
        .unwrap();
    assert_eq!(
        waiting["params"]["status"],
        json!({"type": "active", "activeFlags": ["waitingOnApproval"]})
    );
    app.send(json!({"id": 0, "result": {"decision": "accept"}}));
    let resolved = app.notification("serverRequest/resolved");
    assert_eq!(
        resolved["params"],
        json!({"threadId": thread_id, "requestId": 0})
    );
    let completed = app.until(|message| {
        message["method"] == "item/completed"
            && message["params"]["item"]["type"] == "commandExecution"
    });
    let item = &completed.last().unwrap()["params"]["item"];
    assert_eq!(item["status"], "completed");
    assert_eq!(item["exitCode"], 0);
    assert!(target.exists());

    let patch_request = app.until(|message| message["method"] == "item/fileChange/requestApproval");
    let patch_request = patch_request.last().unwrap().clone();
    assert_eq!(patch_request["id"], 1);
    assert_eq!(patch_request["params"]["itemId"], "call_2");
    assert_eq!(patch_request["params"]["grantRoot"], Value::Null);
    app.send(json!({"id": 1, "result": {"decision": "decline"}}));
    let rest = app.until(is_turn_completed);
    let declined = rest
        .iter()
        .find(|message| {
            message["method"] == "item/completed"
                && message["params"]["item"]["type"] == "fileChange"
        })
        .unwrap();
    assert_eq!(declined["params"]["item"]["status"], "declined");
    assert!(
        rest.iter()
            .all(|message| message["method"] != "turn/diff/updated")
    );
    assert_eq!(
        rest.last().unwrap()["params"]["turn"]["status"],
        "completed"
    );
    assert!(!app.workdir.path().join("declined.txt").exists());
    // The model was told and the turn went on.
    let bodies: Vec<Value> = app
        .server
        .requests()
        .into_iter()
        .map(|request| request.body)
        .collect();
    let outputs: Vec<&Value> = bodies[2]["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "custom_tool_call_output")
        .collect();
    assert_eq!(outputs[0]["output"], "patch rejected by user");
}

#[test]
fn cancel_interrupts_the_turn() {
    let mut app = AppServer::start(vec![MockResponse::function_call(
        "call_1",
        "exec_command",
        r#"{"cmd":"touch x","sandbox_permissions":"require_escalated","justification":"why"}"#,
    )]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd(), "approvalPolicy": "on-request"}));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    app.until(|message| message["method"] == "item/commandExecution/requestApproval");
    app.send(json!({"id": 0, "result": {"decision": "cancel"}}));
    let rest = app.until(is_turn_completed);
    let turn = &rest.last().unwrap()["params"]["turn"];
    assert_eq!(turn["status"], "interrupted");
    let completed_count = rest
        .iter()
        .filter(|message| is_turn_completed(message))
        .count();
    assert_eq!(completed_count, 1);
}

#[test]
fn interrupt_kills_the_running_command_and_ends_the_turn() {
    let mut app = AppServer::start(vec![MockResponse::function_call(
        "call_1",
        "exec_command",
        r#"{"cmd":"sleep 30","yield_time_ms":30000}"#,
    )]);
    app.initialize();
    let thread_id = app.start_thread(
        json!({"cwd": app.cwd(), "sandbox": "danger-full-access", "approvalPolicy": "never"}),
    );
    let id = app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    let turn_id = app.response(id)["result"]["turn"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.until(|message| {
        message["method"] == "item/started"
            && message["params"]["item"]["type"] == "commandExecution"
    });
    let id = app.request(
        "turn/interrupt",
        json!({"threadId": thread_id, "turnId": turn_id}),
    );
    let rest = app.until(is_turn_completed);
    assert_eq!(rest[0], json!({"id": id, "result": {}}));
    assert_eq!(
        rest.last().unwrap()["params"]["turn"]["status"],
        "interrupted"
    );
    let id = app.request(
        "turn/interrupt",
        json!({"threadId": thread_id, "turnId": turn_id}),
    );
    assert_eq!(
        app.response(id),
        json!({"error": {"code": -32600, "message": "no active turn to interrupt"}, "id": id})
    );
}

#[test]
fn endpoint_failure_reports_error_and_a_failed_turn() {
    let status = |code: u16| MockResponse::Status {
        status: code,
        headers: vec![],
        body: "boom".to_string(),
    };
    let mut app = AppServer::start(vec![status(500), status(500), status(500), status(500)]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    let messages = app.until(is_turn_completed);
    let errors: Vec<&Value> = messages
        .iter()
        .filter(|message| message["method"] == "error")
        .collect();
    assert_eq!(errors.first().unwrap()["params"]["willRetry"], true);
    let last_error = errors.last().unwrap();
    assert_eq!(last_error["params"]["willRetry"], false);
    assert_eq!(
        last_error["params"]["error"]["codexErrorInfo"],
        "internalServerError"
    );
    let system_error = messages.iter().find(|message| {
        message["method"] == "thread/status/changed"
            && message["params"]["status"]["type"] == "systemError"
    });
    assert!(system_error.is_some());
    let turn = &messages.last().unwrap()["params"]["turn"];
    assert_eq!(turn["status"], "failed");
    assert_eq!(turn["error"]["codexErrorInfo"], "internalServerError");
}

#[test]
fn steer_joins_the_running_turn_and_turn_start_returns_it() {
    let mut app = AppServer::start(vec![
        MockResponse::SseDelayed {
            events: vec![
                ev_assistant_message("msg_1", "first"),
                ev_completed("resp_1"),
            ],
            delay: std::time::Duration::from_millis(500),
        },
        MockResponse::Sse(vec![
            ev_assistant_message("msg_2", "second"),
            ev_completed("resp_2"),
        ]),
    ]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    let id = app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("one")}),
    );
    let turn_id = app.response(id)["result"]["turn"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = app.request(
        "turn/steer",
        json!({"threadId": thread_id, "expectedTurnId": "wrong", "input": text_input("x")}),
    );
    assert_eq!(
        app.response(id)["error"]["message"],
        format!("expected active turn id `wrong` but found `{turn_id}`").as_str()
    );
    let id = app.request(
        "turn/steer",
        json!({"threadId": thread_id, "expectedTurnId": turn_id, "input": text_input("two")}),
    );
    assert_eq!(app.response(id)["result"], json!({"turnId": turn_id}));
    let id = app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("three")}),
    );
    let again = app.response(id);
    assert_eq!(again["result"]["turn"]["id"], turn_id.as_str());
    assert_eq!(again["result"]["turn"]["status"], "inProgress");
    let rest = app.until(is_turn_completed);
    assert_eq!(
        rest.iter()
            .filter(|message| is_turn_completed(message))
            .count(),
        1
    );
    let requests = app.server.requests();
    assert_eq!(requests.len(), 2);
    let texts: Vec<String> = requests[1].body["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["role"] == "user")
        .filter_map(|item| item["content"][0]["text"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        texts[texts.len() - 2..],
        ["two".to_string(), "three".to_string()]
    );
}

#[test]
fn threads_can_be_named_archived_unarchived_resumed_and_forked() {
    let mut app = AppServer::start(vec![
        MockResponse::message("answer one"),
        MockResponse::message("answer two"),
    ]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("hello")}),
    );
    app.until(is_turn_completed);

    let id = app.request(
        "thread/name/set",
        json!({"threadId": thread_id, "name": "My thread"}),
    );
    assert_eq!(app.response(id)["result"], json!({}));
    let renamed = app.notification("thread/name/updated");
    assert_eq!(
        renamed["params"],
        json!({"threadId": thread_id, "threadName": "My thread"})
    );

    let id = app.request("thread/archive", json!({"threadId": thread_id}));
    let messages = app.until(|message| message["method"] == "thread/archived");
    assert_eq!(
        methods(&messages),
        vec!["thread/status/changed", "response", "thread/archived"]
    );
    assert_eq!(messages[1]["id"], id);
    let id = app.request("thread/list", json!({}));
    assert_eq!(app.response(id)["result"]["data"], json!([]));
    let id = app.request("thread/list", json!({"archived": true}));
    assert_eq!(app.response(id)["result"]["data"][0]["name"], "My thread");
    let id = app.request("thread/unarchive", json!({"threadId": thread_id}));
    let response = app.response(id);
    assert_eq!(response["result"]["thread"]["id"], thread_id.as_str());
    app.notification("thread/unarchived");
    let id = app.request("thread/unarchive", json!({"threadId": thread_id}));
    assert_eq!(
        app.response(id)["error"]["message"],
        format!("no archived rollout found for thread id {thread_id}").as_str()
    );

    // Resume in this process (not loaded any more): turns come back, no thread/started.
    let id = app.request("thread/resume", json!({"threadId": thread_id}));
    let messages = app.until(|message| message["id"] == id);
    let resumed = &messages.last().unwrap()["result"]["thread"];
    assert_eq!(
        resumed["turns"][0]["items"][0]["content"][0]["text"],
        "hello"
    );
    assert_eq!(resumed["turns"][0]["items"][1]["text"], "answer one");
    let usage = app.notification("thread/tokenUsage/updated");
    assert_eq!(usage["params"]["tokenUsage"]["total"]["inputTokens"], 1000);

    let id = app.request("thread/fork", json!({"threadId": thread_id}));
    let forked = app.response(id);
    let fork_id = forked["result"]["thread"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(fork_id, thread_id);
    assert_eq!(
        forked["result"]["thread"]["forkedFromId"],
        thread_id.as_str()
    );
    let started = app.notification("thread/started");
    assert_eq!(started["params"]["thread"]["id"], fork_id.as_str());
    app.request(
        "turn/start",
        json!({"threadId": fork_id, "input": text_input("again")}),
    );
    app.until(is_turn_completed);
    let input = app.server.requests()[1].body["input"]
        .as_array()
        .unwrap()
        .clone();
    let texts: Vec<&str> = input
        .iter()
        .filter_map(|item| item["content"][0]["text"].as_str())
        .collect();
    assert!(texts.contains(&"hello") && texts.contains(&"answer one") && texts.contains(&"again"));

    let id = app.request(
        "thread/archive",
        json!({"threadId": "0199a213-81c0-7800-8aa1-bbab2a035a53"}),
    );
    assert_eq!(
        app.response(id)["error"]["message"],
        "no rollout found for thread id 0199a213-81c0-7800-8aa1-bbab2a035a53"
    );
}

#[test]
fn stdin_closed_mid_turn_kills_children_and_records_the_abort() {
    let mut app = AppServer::start(vec![MockResponse::function_call(
        "call_1",
        "exec_command",
        r#"{"cmd":"sleep 60 & echo $! > child.pid; wait","yield_time_ms":30000}"#,
    )]);
    app.initialize();
    let thread_id = app.start_thread(
        json!({"cwd": app.cwd(), "sandbox": "danger-full-access", "approvalPolicy": "never"}),
    );
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    let pid_file = app.workdir.path().join("child.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let pid: i32 = loop {
        if let Ok(text) = std::fs::read_to_string(&pid_file)
            && text.ends_with('\n')
        {
            break text.trim().parse().unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(app.wait(), Some(0));
    // SAFETY: signal 0 only checks that the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|stat| stat.split_whitespace().nth(2) == Some("Z"))
            .unwrap_or(true);
    assert!(!alive, "the sleep survived");
    let rollout = std::fs::read_to_string(&app.home.rollout_files()[0]).unwrap();
    assert!(rollout.contains("\"turn_aborted\""), "{rollout}");
    assert!(rollout.contains("\"output\":\"aborted\""), "{rollout}");
}

#[test]
fn streamed_deltas_and_reasoning_become_item_notifications() {
    let delta = |text: &str| json!({"type": "response.output_text.delta", "item_id": "msg_s", "output_index": 1, "delta": text});
    let mut app = AppServer::start(vec![MockResponse::Sse(vec![
        json!({"type": "response.output_item.added", "output_index": 0, "item": {"type": "reasoning", "id": "rs_1", "summary": []}}),
        json!({"type": "response.reasoning_summary_part.added", "item_id": "rs_1", "summary_index": 0}),
        json!({"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "summary_index": 0, "delta": "Thinking"}),
        codex_test_support::ev_reasoning("rs_1", &["Thinking"]),
        json!({"type": "response.output_item.added", "output_index": 1, "item": {"type": "message", "role": "assistant", "id": "msg_s", "content": []}}),
        delta("Hello, "),
        delta("world"),
        ev_assistant_message("msg_s", "Hello, world"),
        ev_completed("resp_1"),
    ])]);
    app.initialize();
    let thread_id = app.start_thread(json!({"cwd": app.cwd()}));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("hi")}),
    );
    let messages = app.until(is_turn_completed);
    let relevant: Vec<String> = messages
        .iter()
        .filter_map(|message| {
            let method = message["method"].as_str()?;
            let params = &message["params"];
            match method {
                "item/started" | "item/completed" => Some(format!(
                    "{method} {} {}",
                    params["item"]["type"].as_str().unwrap(),
                    params["item"]["id"].as_str().unwrap()
                )),
                "item/agentMessage/delta" => Some(format!(
                    "{method} {} {}",
                    params["itemId"].as_str().unwrap(),
                    params["delta"].as_str().unwrap()
                )),
                "item/reasoning/summaryPartAdded" => Some(format!(
                    "{method} {} {}",
                    params["itemId"].as_str().unwrap(),
                    params["summaryIndex"]
                )),
                "item/reasoning/summaryTextDelta" => Some(format!(
                    "{method} {} {}",
                    params["itemId"].as_str().unwrap(),
                    params["delta"].as_str().unwrap()
                )),
                _ => None,
            }
        })
        .filter(|line| !line.contains("userMessage"))
        .collect();
    assert_eq!(
        relevant,
        vec![
            "item/started reasoning rs_1",
            "item/reasoning/summaryPartAdded rs_1 0",
            "item/reasoning/summaryTextDelta rs_1 Thinking",
            "item/completed reasoning rs_1",
            "item/started agentMessage msg_s",
            "item/agentMessage/delta msg_s Hello, ",
            "item/agentMessage/delta msg_s world",
            "item/completed agentMessage msg_s",
        ]
    );
    let reasoning = messages
        .iter()
        .find(|message| {
            message["method"] == "item/completed"
                && message["params"]["item"]["type"] == "reasoning"
        })
        .unwrap();
    assert_eq!(reasoning["params"]["item"]["summary"], json!(["Thinking"]));
}
