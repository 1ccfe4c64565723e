//! The interactive phase: `:` commands and their stderr lines, turns, and approvals answered by
//! the background reader.

use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::harness::Client;
use crate::harness::HELP;
use crate::harness::without_prompts;

fn startup_messages() -> Vec<Value> {
    vec![
        json!({"method":"initialize","id":1,"params":{"clientInfo":{"name":"debug-client","title":"Debug Client","version":"0.169.0"},"capabilities":{"experimentalApi":true,"optOutNotificationMethods":null}}}),
        json!({"method":"initialized"}),
        json!({"method":"thread/start","id":2,"params":{"model":null,"modelProvider":null,"cwd":null,"approvalPolicy":"on-request","experimentalRawEvents":false}}),
    ]
}

fn turn_start(id: i64, thread_id: &str, text: &str) -> Value {
    json!({"method":"turn/start","id":id,"params":{"threadId":thread_id,"input":[{"type":"text","text":text,"text_elements":[]}]}})
}

/// With `--output-file` nothing is printed on stdout and nothing arrives on stderr
/// asynchronously, so stderr, prompts included, is deterministic.
#[test]
fn local_commands_and_input_errors_exact_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.jsonl");
    let fake = crate::harness::fake_server();
    let mut client = Client::start_in(
        dir,
        fake.to_str().unwrap(),
        &["--output-file", out.to_str().unwrap()],
        "",
    );
    for line in [
        ":help",
        ":h",
        "",
        "   ",
        ":",
        ":foo bar",
        ":resume",
        ":use",
        ":use thread-1",
        ":use nope",
        ":quit",
        ":help",
    ] {
        client.send(line);
    }
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    let p1 = "(thread-1)> ";
    assert_eq!(
        done.stderr,
        format!(
            "connected to thread thread-1\n{HELP}\
             {p1}{HELP}\
             {p1}{HELP}\
             {p1}{p1}{p1}empty command after ':'\n\
             {p1}unknown command: foo\n\
             {p1}missing required argument: thread-id\n\
             {p1}missing required argument: thread-id\n\
             {p1}switched active thread to thread-1\n\
             {p1}switched active thread to nope (unknown; use :resume to load)\n\
             (nope)> "
        )
    );
    assert_eq!(done.stdout, "");
    assert_eq!(done.log.received(), startup_messages());
    assert_eq!(std::fs::read_to_string(out).unwrap(), done.log.sent_text());
}

#[test]
fn new_resume_use_and_thread_list() {
    let mut client = Client::start(&["--model", "gpt-test"], "");
    client.wait_stderr("connected to thread thread-1");
    client.send(":new");
    client.wait_stderr("active thread is now thread-2");
    client.send(":resume old-thread");
    client.wait_stderr("active thread is now old-thread");
    client.send(":resume missing-thread");
    client.wait_stderr("thread/resume failed");
    client.send(":refresh-thread");
    client.wait_stderr("more threads available");
    client.send(":use listed-2");
    client.wait_stderr("switched active thread to listed-2");
    client.send(":use thread-2");
    client.wait_stderr("switched active thread to thread-2");
    client.send(":refresh-thread");
    client.wait_stderr("threads: (none)");
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(
        without_prompts(&done.stderr),
        format!(
            "connected to thread thread-1\n{HELP}\
             requested new thread (Integer(3))\n\
             active thread is now thread-2\n\
             requested thread resume (Integer(4))\n\
             active thread is now old-thread\n\
             requested thread resume (Integer(5))\n\
             thread/resume failed: no rollout found for thread id missing-thread\n\
             requested thread list (Integer(6))\n\
             threads:\n  listed-1\n  listed-2\n\
             more threads available, next cursor: cursor-2\n\
             switched active thread to listed-2\n\
             switched active thread to thread-2\n\
             requested thread list (Integer(7))\n\
             threads: (none)\n"
        )
    );
    let overrides =
        json!({"model":"gpt-test","modelProvider":null,"cwd":null,"approvalPolicy":"on-request"});
    let mut start_params = overrides.clone();
    start_params["experimentalRawEvents"] = json!(false);
    let resume = |id: i64, thread: &str| {
        let mut params = json!({"threadId": thread});
        for (key, value) in overrides.as_object().unwrap() {
            params[key] = value.clone();
        }
        json!({"method":"thread/resume","id":id,"params":params})
    };
    let list = |id: i64| json!({"method":"thread/list","id":id,"params":{"cursor":null,"limit":null,"sortKey":null,"modelProviders":null,"sourceKinds":null,"archived":null,"cwd":null,"searchTerm":null}});
    let received = done.log.received();
    assert_eq!(
        received[2..],
        [
            json!({"method":"thread/start","id":2,"params":start_params}),
            json!({"method":"thread/start","id":3,"params":start_params}),
            resume(4, "old-thread"),
            resume(5, "missing-thread"),
            list(6),
            list(7),
        ]
    );
    assert_eq!(done.stdout, done.log.sent_text());
}

#[test]
fn turns_go_to_the_active_thread_and_approvals_are_declined_by_default() {
    let mut client = Client::start(&[], "");
    client.wait_stderr("connected to thread thread-1");
    client.send("  hello there  ");
    client.wait_stdout("\"turn/completed\"");
    client.send(":new");
    client.wait_stderr("active thread is now thread-2");
    client.send("second");
    client.wait_stdout("\"turn-2\",\"items\":[],\"status\":\"completed\"");
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    let mut expected = startup_messages();
    expected.extend([
        turn_start(3, "thread-1", "hello there"),
        json!({"id":0,"result":{"decision":"decline"}}),
        json!({"id":1,"result":{"decision":"decline"}}),
        json!({"method":"thread/start","id":4,"params":{"model":null,"modelProvider":null,"cwd":null,"approvalPolicy":"on-request","experimentalRawEvents":false}}),
        turn_start(5, "thread-2", "second"),
        json!({"id":4,"result":{"decision":"decline"}}),
        json!({"id":5,"result":{"decision":"decline"}}),
    ]);
    assert_eq!(done.log.received(), expected);
    assert_eq!(done.stdout, done.log.sent_text());
    assert_eq!(
        without_prompts(&done.stderr),
        format!(
            "connected to thread thread-1\n{HELP}\
             {}{}\
             requested new thread (Integer(4))\n\
             active thread is now thread-2\n\
             {}{}",
            command_report(0, "Decline", "thread-1", "turn-1"),
            file_report(1, "Decline", "thread-1", "turn-1"),
            command_report(4, "Decline", "thread-2", "turn-2"),
            file_report(5, "Decline", "thread-2", "turn-2"),
        )
    );
}

#[test]
fn auto_approve_accepts_and_attestation_is_answered() {
    let mut client = Client::start(&["--auto-approve", "--attestation-token", "v1.tok"], "");
    client.wait_stderr("connected to thread thread-1");
    client.send("go");
    client.wait_stdout("\"turn/completed\"");
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    let received = done.log.received();
    assert_eq!(
        received[3..],
        [
            turn_start(3, "thread-1", "go"),
            json!({"id":0,"result":{"decision":"accept"}}),
            json!({"id":1,"result":{"decision":"accept"}}),
            json!({"id":2,"result":{"token":"v1.tok"}}),
        ]
    );
    assert_eq!(
        without_prompts(&done.stderr),
        format!(
            "connected to thread thread-1\n{HELP}{}{}\
             auto-response for attestation request Integer(2)\n",
            command_report(0, "Accept", "thread-1", "turn-1"),
            file_report(1, "Accept", "thread-1", "turn-1"),
        )
    );
}

fn command_report(id: i64, decision: &str, thread: &str, turn: &str) -> String {
    format!(
        "auto-response for command approval Integer({id}): {decision} \
         ({{\"threadId\":\"{thread}\",\"turnId\":\"{turn}\",\"itemId\":\"call_1\",\
         \"command\":\"/bin/bash -lc 'echo hi'\",\"cwd\":\"/work\",\"reason\":\"needs approval\"}})\n"
    )
}

fn file_report(id: i64, decision: &str, thread: &str, turn: &str) -> String {
    format!(
        "auto-response for file change approval Integer({id}): {decision} \
         ({{\"threadId\":\"{thread}\",\"turnId\":\"{turn}\",\"itemId\":\"call_2\",\
         \"reason\":null,\"grantRoot\":null}})\n"
    )
}
