//! Prefix rules over the app-server: `item/commandExecution/requestApproval` proposes
//! `proposedExecpolicyAmendment`, and an `acceptWithExecpolicyAmendment` decision approves
//! later commands that start with it.

use codex_test_support::MockResponse;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

use crate::harness::AppServer;
use crate::harness::text_input;

#[test]
fn an_accepted_amendment_approves_later_commands_with_its_prefix() {
    let mut app = AppServer::start(vec![
        MockResponse::function_call(
            "call_1",
            "exec_command",
            &json!({"cmd": "touch one.txt", "prefix_rule": ["touch"]}).to_string(),
        ),
        MockResponse::function_call(
            "call_2",
            "exec_command",
            &json!({"cmd": "touch two.txt"}).to_string(),
        ),
        MockResponse::message("done"),
    ]);
    app.initialize();
    let thread_id = app.start_thread(json!({
        "cwd": app.cwd(),
        "approvalPolicy": "untrusted",
        "sandbox": "danger-full-access",
    }));
    app.request(
        "turn/start",
        json!({"threadId": thread_id, "input": text_input("go")}),
    );
    let before = app.until(|message| message["method"] == "item/commandExecution/requestApproval");
    let request = before.last().unwrap().clone();
    assert_eq!(request["params"]["itemId"], "call_1");
    assert_eq!(
        request["params"]["proposedExecpolicyAmendment"],
        json!(["touch"])
    );
    app.send(json!({
        "id": request["id"],
        "result": {"decision": {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch"]}}},
    }));
    let rest = app.until(|message| message["method"] == "turn/completed");
    let approvals: Vec<&Value> = rest
        .iter()
        .filter(|message| message["method"] == "item/commandExecution/requestApproval")
        .collect();
    assert_eq!(approvals, Vec::<&Value>::new());
    assert_eq!(
        rest.last().unwrap()["params"]["turn"]["status"],
        "completed"
    );
    let workdir = app.workdir.path();
    assert_eq!(
        [
            workdir.join("one.txt").exists(),
            workdir.join("two.txt").exists()
        ],
        [true, true]
    );
}
