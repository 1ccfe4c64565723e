//! Approvals as `elicitation/create` requests to the client (`mcp.md` §4.6): the params for a
//! command or a patch, and the decision read from the reply — our `{"decision": …}` or a
//! standard `ElicitResult` `{"action": …}`; an error reply or anything else denies.

use std::path::Path;

use codex_core::protocol::FileChange;
use codex_core::protocol::ReviewDecision;
use codex_core::shell_quote::quote_command;
use serde::Deserialize;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

use crate::event_msg::changes_json;
use crate::event_msg::parsed_cmd;
use crate::jsonrpc::Reply;

pub const METHOD: &str = "elicitation/create";

/// Where an approval comes from: the thread, the `tools/call` running its turn, and the
/// approval event.
#[derive(Debug, Clone, Copy)]
pub struct ApprovalSource<'a> {
    pub thread_id: &'a str,
    pub tool_call_id: &'a str,
    pub event_id: &'a str,
    pub call_id: &'a str,
}

impl ApprovalSource<'_> {
    fn params(&self, kind: &str, message: String) -> Map<String, Value> {
        [
            ("message", json!(message)),
            (
                "requestedSchema",
                json!({"type": "object", "properties": {}}),
            ),
            ("threadId", json!(self.thread_id)),
            ("codex_elicitation", json!(kind)),
            ("codex_mcp_tool_call_id", json!(self.tool_call_id)),
            ("codex_event_id", json!(self.event_id)),
            ("codex_call_id", json!(self.call_id)),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect()
    }
}

pub fn exec_params(source: ApprovalSource<'_>, command: &[String], cwd: &Path) -> Value {
    let message = format!(
        "Allow Codex to run `{}` in `{}`?",
        quote_command(command),
        cwd.display()
    );
    let mut params = source.params("exec-approval", message);
    params.insert("codex_command".into(), json!(command));
    params.insert("codex_cwd".into(), json!(cwd));
    params.insert("codex_parsed_cmd".into(), parsed_cmd(command));
    Value::Object(params)
}

pub fn patch_params(
    source: ApprovalSource<'_>,
    changes: &[FileChange],
    reason: Option<&str>,
) -> Value {
    let question = "Allow Codex to apply proposed code changes?";
    let message = match reason {
        Some(reason) => format!("{reason}\n{question}"),
        None => question.to_string(),
    };
    let mut params = source.params("patch-approval", message);
    params.insert("codex_reason".into(), json!(reason));
    params.insert("codex_grant_root".into(), Value::Null);
    params.insert("codex_changes".into(), changes_json(changes));
    Value::Object(params)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Answer {
    Decision { decision: Decision },
    Action { action: Action },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Decision {
    Approved,
    ApprovedForSession,
    Denied,
    Abort,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Accept,
    Decline,
    Cancel,
}

pub fn decision(reply: Reply) -> ReviewDecision {
    let answer = match reply {
        Reply::Result(result) => serde_json::from_value::<Answer>(result).ok(),
        Reply::Error(error) => {
            tracing::debug!("elicitation answered with an error: {error}");
            None
        }
    };
    match answer {
        Some(Answer::Decision { decision }) => match decision {
            Decision::Approved => ReviewDecision::Approved,
            Decision::ApprovedForSession => ReviewDecision::ApprovedForSession,
            Decision::Denied => ReviewDecision::Denied,
            Decision::Abort => ReviewDecision::Abort,
        },
        Some(Answer::Action { action }) => match action {
            Action::Accept => ReviewDecision::Approved,
            Action::Decline => ReviewDecision::Denied,
            Action::Cancel => ReviewDecision::Abort,
        },
        None => ReviewDecision::Denied,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use codex_core::protocol::FileChangeKind;
    use pretty_assertions::assert_eq;

    use super::*;

    const SOURCE: ApprovalSource<'static> = ApprovalSource {
        thread_id: "t1",
        tool_call_id: "3",
        event_id: "turn-1",
        call_id: "call_1",
    };

    #[test]
    fn exec_approval_params() {
        let command = vec![
            "/bin/bash".to_string(),
            "-lc".to_string(),
            "touch x".to_string(),
        ];
        assert_eq!(
            exec_params(SOURCE, &command, Path::new("/w")),
            json!({
                "message": "Allow Codex to run `/bin/bash -lc 'touch x'` in `/w`?",
                "requestedSchema": {"type": "object", "properties": {}},
                "threadId": "t1",
                "codex_elicitation": "exec-approval",
                "codex_mcp_tool_call_id": "3",
                "codex_event_id": "turn-1",
                "codex_call_id": "call_1",
                "codex_command": ["/bin/bash", "-lc", "touch x"],
                "codex_cwd": "/w",
                "codex_parsed_cmd": [{"type": "unknown", "cmd": "touch x"}],
            })
        );
    }

    #[test]
    fn patch_approval_params() {
        let changes = vec![FileChange {
            path: PathBuf::from("/w/a.txt"),
            kind: FileChangeKind::Update,
            unified_diff: "@@ -1 +1 @@\n-a\n+b\n".to_string(),
        }];
        let params = [Some("outside the workspace"), None]
            .map(|reason| patch_params(SOURCE, &changes, reason));
        let expected = |message: &str, reason: Value| {
            json!({
                "message": message,
                "requestedSchema": {"type": "object", "properties": {}},
                "threadId": "t1",
                "codex_elicitation": "patch-approval",
                "codex_mcp_tool_call_id": "3",
                "codex_event_id": "turn-1",
                "codex_call_id": "call_1",
                "codex_reason": reason,
                "codex_grant_root": null,
                "codex_changes": {"/w/a.txt": {"type": "update", "unified_diff": "@@ -1 +1 @@\n-a\n+b\n", "move_path": null}},
            })
        };
        assert_eq!(
            params,
            [
                expected(
                    "outside the workspace\nAllow Codex to apply proposed code changes?",
                    json!("outside the workspace")
                ),
                expected("Allow Codex to apply proposed code changes?", Value::Null),
            ]
        );
    }

    #[test]
    fn decisions_and_elicit_results() {
        let replies = [
            Reply::Result(json!({"decision": "approved"})),
            Reply::Result(json!({"decision": "approved_for_session"})),
            Reply::Result(json!({"decision": "denied"})),
            Reply::Result(json!({"decision": "abort"})),
            Reply::Result(json!({"action": "accept", "content": {}})),
            Reply::Result(json!({"action": "decline"})),
            Reply::Result(json!({"action": "cancel"})),
            Reply::Result(json!({"decision": "maybe"})),
            Reply::Result(json!("yes")),
            Reply::Error(json!({"code": -32601, "message": "Method not found"})),
        ];
        assert_eq!(
            replies.map(decision),
            [
                ReviewDecision::Approved,
                ReviewDecision::ApprovedForSession,
                ReviewDecision::Denied,
                ReviewDecision::Abort,
                ReviewDecision::Approved,
                ReviewDecision::Denied,
                ReviewDecision::Abort,
                ReviewDecision::Denied,
                ReviewDecision::Denied,
                ReviewDecision::Denied,
            ]
        );
    }
}
