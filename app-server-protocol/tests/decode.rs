//! Decoding: the JSON-RPC envelope rules of app-server spec §2, the exact `-32600` texts of §3
//! produced from decoder errors, and every line of the original's recorded sessions whose
//! method we implement decoding into our types.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use codex_app_server_protocol::*;
use pretty_assertions::assert_eq;
use serde_json::json;

/// What the server answers to a request line whose method or params do not decode.
fn invalid_request_message(line: &str) -> String {
    let JSONRPCMessage::Request(request) = JSONRPCMessage::from_line(line).unwrap() else {
        panic!("not a request: {line}");
    };
    let error = ClientRequest::from_method_call(request.method, request.params).unwrap_err();
    let error = JSONRPCErrorError::undecodable_request(&error);
    assert_eq!(error.code, -32600);
    error.message
}

const IMPLEMENTED: &str = "`initialize`, `thread/start`, `thread/resume`, `thread/fork`, `thread/archive`, `thread/name/set`, `thread/unarchive`, `thread/compact/start`, `thread/list`, `thread/loaded/list`, `thread/read`, `turn/start`, `turn/steer`, `turn/interrupt`, `model/list`, `command/exec`, `command/exec/write`, `command/exec/terminate`, `config/read`, `account/read`";

#[test]
fn unknown_and_unimplemented_methods_list_what_we_implement() {
    assert_eq!(
        invalid_request_message(r#"{"method":"no/such/method","id":3,"params":{}}"#),
        format!("Invalid request: unknown variant `no/such/method`, expected one of {IMPLEMENTED}")
    );
    assert_eq!(
        invalid_request_message(
            r#"{"method":"thread/backgroundTerminals/clean","id":6,"params":{"threadId":"x"}}"#
        ),
        format!(
            "Invalid request: unknown variant `thread/backgroundTerminals/clean`, expected one of {IMPLEMENTED}"
        )
    );
}

#[test]
fn params_errors_carry_the_decoder_message() {
    let cases = [
        (
            r#"{"method":"turn/start","id":8}"#,
            "Invalid request: missing field `params`",
        ),
        (
            r#"{"method":"thread/loaded/list","id":9}"#,
            "Invalid request: missing field `params`",
        ),
        (
            r#"{"method":"thread/read","id":4,"params":{"threadIdX":"nope"}}"#,
            "Invalid request: missing field `threadId`",
        ),
        (
            r#"{"method":"thread/list","id":5,"params":{"modelProviders":"notalist"}}"#,
            r#"Invalid request: invalid type: string "notalist", expected a sequence"#,
        ),
        (
            r#"{"method":"thread/list","id":5,"params":{"limit":-1}}"#,
            "Invalid request: invalid value: integer `-1`, expected u32",
        ),
        (
            r#"{"method":"thread/start","id":5,"params":{"sandbox":"bogus"}}"#,
            "Invalid request: unknown variant `bogus`, expected one of `read-only`, `workspace-write`, `danger-full-access`",
        ),
        (
            r#"{"method":"thread/start","id":5,"params":{"approvalPolicy":"bogus"}}"#,
            "Invalid request: unknown variant `bogus`, expected one of `untrusted`, `on-failure`, `on-request`, `never`",
        ),
    ];
    let actual: Vec<(&str, String)> = cases
        .iter()
        .map(|(line, _)| (*line, invalid_request_message(line)))
        .collect();
    let expected: Vec<(&str, String)> = cases
        .iter()
        .map(|(line, message)| (*line, message.to_string()))
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn unknown_params_members_are_ignored_and_on_failure_is_accepted() {
    let JSONRPCMessage::Request(request) = JSONRPCMessage::from_line(
        r#"{"method":"thread/start","id":7,"params":{"mockExperimentalField":"x","approvalPolicy":"on-failure"}}"#,
    )
    .unwrap() else {
        panic!("a request");
    };
    assert_eq!(
        ClientRequest::from_method_call(request.method, request.params).unwrap(),
        ClientRequest::ThreadStart(ThreadStartParams {
            approval_policy: Some(AskForApproval::OnFailure),
            ..ThreadStartParams::default()
        })
    );
}

#[test]
fn envelope_shapes() {
    let decoded = [
        r#"{"jsonrpc":"2.0","method":"initialize","id":"init-1","params":{"clientInfo":{"name":"example-client","title":null,"version":"1"},"capabilities":null}}"#,
        "{\"method\":\"initialized\"}\r",
        r#"{"method":"thread/loaded/list","id":null}"#,
        r#"{"method":"thread/loaded/list","id":1.5,"params":{}}"#,
        r#"{"id":999,"result":{}}"#,
        r#"{"id":0,"error":{"code":-32000,"message":"attestation unavailable"}}"#,
    ]
    .map(|line| JSONRPCMessage::from_line(line).unwrap());
    let expected = [
        JSONRPCMessage::Request(JSONRPCRequest {
            method: "initialize".to_string(),
            id: RequestId::String("init-1".to_string()),
            params: Some(
                json!({"clientInfo":{"name":"example-client","title":null,"version":"1"},"capabilities":null}),
            ),
            trace: None,
        }),
        JSONRPCMessage::Notification(ClientNotification::Initialized.to_jsonrpc()),
        // A null or fractional id is not a request id: the line is a notification, never answered.
        JSONRPCMessage::Notification(JSONRPCNotification {
            method: "thread/loaded/list".to_string(),
            params: None,
            emitted_at_ms: None,
        }),
        JSONRPCMessage::Notification(JSONRPCNotification {
            method: "thread/loaded/list".to_string(),
            params: Some(json!({})),
            emitted_at_ms: None,
        }),
        JSONRPCMessage::Response(JSONRPCResponse {
            id: RequestId::Integer(999),
            result: json!({}),
        }),
        JSONRPCMessage::Error(JSONRPCError {
            error: JSONRPCErrorError {
                code: -32000,
                message: "attestation unavailable".to_string(),
                data: None,
            },
            id: RequestId::Integer(0),
        }),
    ];
    assert_eq!(decoded, expected);
    assert_eq!(
        ClientNotification::from_method("initialized"),
        Some(ClientNotification::Initialized)
    );
    assert_eq!(ClientNotification::from_method("bogus/notification"), None);
}

#[test]
fn malformed_lines_fail_with_the_decoder_message() {
    let errors = ["{not json", r#"{"foo":1}"#, ""]
        .map(|line| JSONRPCMessage::from_line(line).unwrap_err().to_string());
    assert_eq!(
        errors,
        [
            "key must be a string at line 1 column 2".to_string(),
            "data did not match any variant of untagged enum JSONRPCMessage".to_string(),
            "EOF while parsing a value at line 1 column 0".to_string(),
        ]
    );
}

#[test]
fn initialize_params_with_capabilities() {
    let params: InitializeParams = serde_json::from_value(json!({
        "clientInfo": {"name": "codex_desktop", "title": "Example Client", "version": "0.1.0"},
        "capabilities": {"requestAttestation": true, "somethingNew": {"x": 1}},
    }))
    .unwrap();
    assert_eq!(
        params,
        InitializeParams {
            client_info: ClientInfo {
                name: "codex_desktop".to_string(),
                title: Some("Example Client".to_string()),
                version: "0.1.0".to_string(),
            },
            capabilities: Some(InitializeCapabilities {
                request_attestation: true,
                ..InitializeCapabilities::default()
            }),
        }
    );
    assert_eq!(
        serde_json::to_value(params.capabilities).unwrap(),
        json!({"requestAttestation": true})
    );
}

/// Every recorded line whose method we implement decodes; replies to server requests decode
/// as the matching response type.
#[test]
fn recorded_sessions_decode() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.retain(|path| {
        path.extension()
            .is_some_and(|extension| extension == "jsonl")
    });
    files.sort();
    assert_eq!(files.len(), 5);

    let mut decoded = std::collections::BTreeMap::<&str, usize>::new();
    for path in &files {
        let records: Vec<serde_json::Value> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|text| serde_json::from_str(text).unwrap())
            .collect();
        // The original's error replies, by session and request id.
        let errors: std::collections::HashMap<(String, String), String> = records
            .iter()
            .filter(|record| record["dir"] == "s2c" && record["msg"].get("error").is_some())
            .map(|record| {
                let key = (
                    record["session"].to_string(),
                    record["msg"]["id"].to_string(),
                );
                (
                    key,
                    record["msg"]["error"]["message"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        for (number, record) in records.iter().enumerate() {
            let Some(message) = record.get("msg") else {
                continue;
            };
            let context = format!("{}:{}", path.display(), number + 1);
            let Ok(message) = serde_json::from_value::<JSONRPCMessage>(message.clone()) else {
                assert_eq!(message, &json!({"foo": 1}), "{context}");
                continue;
            };
            match (record["dir"].as_str(), message) {
                (Some("c2s"), JSONRPCMessage::Request(request)) => {
                    match ClientRequest::from_method_call(
                        request.method.clone(),
                        request.params.clone(),
                    ) {
                        Ok(request) => *decoded.entry(request.method()).or_default() += 1,
                        // Ours rejects it: so did the original, with the same text unless the
                        // method list (which differs by design) is part of it, or the method is
                        // one of its experimental ones, which we do not implement.
                        Err(error) => {
                            let key = (
                                record["session"].to_string(),
                                serde_json::to_string(&request.id).unwrap(),
                            );
                            let original = errors
                                .get(&key)
                                .unwrap_or_else(|| panic!("{context}: the original accepted it"));
                            let ours = JSONRPCErrorError::undecodable_request(&error).message;
                            if original.contains("unknown variant")
                                || original.ends_with("requires experimentalApi capability")
                            {
                                assert!(
                                    ours.starts_with("Invalid request: unknown variant"),
                                    "{context}: {ours}"
                                );
                            } else {
                                assert_eq!(&ours, original, "{context}");
                            }
                        }
                    }
                }
                (Some("s2c"), JSONRPCMessage::Notification(notification)) => {
                    let known = ServerNotification::from_method_call(
                        notification.method.clone(),
                        notification.params.clone(),
                    );
                    match known {
                        Ok(known) => *decoded.entry(known.method()).or_default() += 1,
                        Err(error) => assert!(
                            error.to_string().starts_with("unknown variant"),
                            "{context}: {error}"
                        ),
                    }
                    assert!(notification.emitted_at_ms.is_some(), "{context}");
                }
                (Some("s2c"), JSONRPCMessage::Request(request)) => {
                    let request =
                        ServerRequest::from_method_call(request.method, request.params).unwrap();
                    *decoded.entry(request.method()).or_default() += 1;
                }
                (Some("c2s"), JSONRPCMessage::Response(response)) => {
                    let approval = serde_json::from_value::<CommandExecutionRequestApprovalResponse>(
                        response.result.clone(),
                    );
                    let file = serde_json::from_value::<FileChangeRequestApprovalResponse>(
                        response.result.clone(),
                    );
                    let token = serde_json::from_value::<AttestationGenerateResponse>(
                        response.result.clone(),
                    );
                    // `{}` answers an unknown id; `{"nope":1}` is a deliberately malformed attestation.
                    let unusable =
                        response.result == json!({}) || response.result == json!({"nope": 1});
                    assert!(
                        approval.is_ok() || file.is_ok() || token.is_ok() || unusable,
                        "{context}"
                    );
                }
                (_, _) => {}
            }
        }
    }
    let must_see = [
        "thread/start",
        "turn/start",
        "turn/steer",
        "turn/interrupt",
        "thread/list",
        "item/completed",
        "item/commandExecution/requestApproval",
        "attestation/generate",
        "turn/completed",
    ];
    for method in must_see {
        assert!(
            decoded.get(method).copied().unwrap_or(0) > 0,
            "no {method} line decoded: {decoded:?}"
        );
    }
}
