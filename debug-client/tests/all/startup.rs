//! The startup sequence: command line of the spawned server, the exact messages and ids, and
//! server requests answered while blocking on a startup response.

use pretty_assertions::assert_eq;
use serde_json::json;

use crate::harness::Client;
use crate::harness::HELP;
use crate::harness::without_prompts;

fn initialize() -> serde_json::Value {
    json!({"method":"initialize","id":1,"params":{"clientInfo":{"name":"debug-client","title":"Debug Client","version":"0.169.0"},"capabilities":{"experimentalApi":true,"optOutNotificationMethods":null}}})
}

#[test]
fn starts_a_thread_with_forwarded_config_and_overrides() {
    let client = Client::start(
        &[
            "-c",
            "model=\"o3\"",
            "--config",
            "sandbox_mode=read-only",
            "--model",
            "gpt-test",
            "--model-provider",
            "mock",
            "--cwd",
            "/work",
            "--approval-policy",
            "unlessTrusted",
        ],
        "",
    );
    let done = client.finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(
        done.log.argv(),
        json!([
            "--config",
            "model=\"o3\"",
            "--config",
            "sandbox_mode=read-only",
            "app-server"
        ])
    );
    assert_eq!(
        done.log.received(),
        [
            initialize(),
            json!({"method":"initialized"}),
            json!({"method":"thread/start","id":2,"params":{"model":"gpt-test","modelProvider":"mock","cwd":"/work","approvalPolicy":"untrusted","experimentalRawEvents":false}}),
        ]
    );
    assert!(done.log.saw_eof());
    assert_eq!(done.stdout, done.log.sent_text());
    assert_eq!(
        without_prompts(&done.stderr),
        format!("connected to thread thread-1\n{HELP}")
    );
}

#[test]
fn resumes_the_given_thread_with_default_params() {
    let done = Client::start(&["--thread-id", "old-thread"], "").finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(done.log.argv(), json!(["app-server"]));
    assert_eq!(
        done.log.received(),
        [
            initialize(),
            json!({"method":"initialized"}),
            json!({"method":"thread/resume","id":2,"params":{"threadId":"old-thread","model":null,"modelProvider":null,"cwd":null,"approvalPolicy":"on-request"}}),
        ]
    );
    assert_eq!(
        without_prompts(&done.stderr),
        format!("connected to thread old-thread\n{HELP}")
    );
}

#[test]
fn startup_approvals_are_cancelled_or_declined_and_other_requests_ignored() {
    // Even with --auto-approve: the startup phase never accepts.
    let done = Client::start(&["--auto-approve"], "startup_requests").finish();
    assert!(done.status.success(), "{}", done.stderr);
    assert_eq!(
        done.log.received(),
        [
            initialize(),
            json!({"method":"initialized"}),
            json!({"method":"thread/start","id":2,"params":{"model":null,"modelProvider":null,"cwd":null,"approvalPolicy":"on-request","experimentalRawEvents":false}}),
            json!({"id":0,"result":{"decision":"cancel"}}),
            json!({"id":1,"result":{"decision":"decline"}}),
        ]
    );
    assert_eq!(done.stdout, done.log.sent_text());
    assert_eq!(
        without_prompts(&done.stderr),
        format!("connected to thread thread-1\n{HELP}")
    );
}

#[test]
fn attestation_token_is_declared_and_answered_during_startup() {
    let done = Client::start(&["--attestation-token", "v1.startup"], "startup_requests").finish();
    assert!(done.status.success(), "{}", done.stderr);
    let mut declared = initialize();
    declared["params"]["capabilities"]["requestAttestation"] = json!(true);
    assert_eq!(
        done.log.received(),
        [
            declared,
            json!({"method":"initialized"}),
            json!({"method":"thread/start","id":2,"params":{"model":null,"modelProvider":null,"cwd":null,"approvalPolicy":"on-request","experimentalRawEvents":false}}),
            json!({"id":0,"result":{"decision":"cancel"}}),
            json!({"id":1,"result":{"decision":"decline"}}),
            json!({"id":2,"result":{"token":"v1.startup"}}),
        ]
    );
    assert_eq!(
        without_prompts(&done.stderr),
        format!(
            "auto-response for attestation request Integer(2)\nconnected to thread thread-1\n{HELP}"
        )
    );
}
