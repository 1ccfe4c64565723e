//! Wire types of `codex exec --json`: one `ThreadEvent` per stdout line (exec.md §5).
//!
//! The TypeScript SDK parses these lines, so names, tags and field order (serde declaration
//! order) are the contract; each shape has a golden test below.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ThreadEvent {
    #[serde(rename = "thread.started")]
    ThreadStarted { thread_id: String },
    #[serde(rename = "turn.started")]
    TurnStarted,
    #[serde(rename = "turn.completed")]
    TurnCompleted { usage: Usage },
    #[serde(rename = "turn.failed")]
    TurnFailed { error: ThreadError },
    #[serde(rename = "item.started")]
    ItemStarted { item: ThreadItem },
    #[serde(rename = "item.updated")]
    ItemUpdated { item: ThreadItem },
    #[serde(rename = "item.completed")]
    ItemCompleted { item: ThreadItem },
    /// A retry notice, or the fatal message right before `turn.failed`.
    #[serde(rename = "error")]
    Error { message: String },
}

/// Thread-cumulative token usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_output_tokens: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadError {
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadItem {
    /// `item_<n>`, from one counter per process.
    pub id: String,
    #[serde(flatten)]
    pub details: ThreadItemDetails,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ThreadItemDetails {
    AgentMessage {
        text: String,
    },
    Reasoning {
        text: String,
    },
    CommandExecution {
        command: String,
        aggregated_output: String,
        exit_code: Option<i32>,
        status: CommandExecutionStatus,
    },
    FileChange {
        changes: Vec<FileUpdateChange>,
        status: PatchApplyStatus,
    },
    TodoList {
        items: Vec<TodoItem>,
    },
    WebSearch {
        query: String,
        action: WebSearchAction,
    },
    McpToolCall {
        server: String,
        /// The tool's own name on its server.
        tool: String,
        arguments: serde_json::Value,
        /// What the server answered, `isError` results included.
        result: Option<McpToolCallItemResult>,
        /// Why the call got no answer (transport error, timeout).
        error: Option<McpToolCallItemError>,
        status: McpToolCallStatus,
    },
    /// A non-fatal notice.
    Error {
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandExecutionStatus {
    InProgress,
    Completed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileUpdateChange {
    pub path: String,
    pub kind: PatchChangeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchChangeKind {
    Add,
    Delete,
    Update,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchApplyStatus {
    InProgress,
    Completed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodoItem {
    pub text: String,
    pub completed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct McpToolCallItemResult {
    /// MCP content blocks, as the server sent them.
    pub content: Vec<serde_json::Value>,
    pub structured_content: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct McpToolCallItemError {
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum McpToolCallStatus {
    InProgress,
    Completed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WebSearchAction {
    Search { query: String },
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn json(event: ThreadEvent) -> String {
        serde_json::to_string(&event).unwrap()
    }

    fn item(id: &str, details: ThreadItemDetails) -> ThreadItem {
        ThreadItem {
            id: id.to_string(),
            details,
        }
    }

    #[test]
    fn thread_and_turn_events() {
        assert_eq!(
            json(ThreadEvent::ThreadStarted {
                thread_id: "t-1".to_string()
            }),
            r#"{"type":"thread.started","thread_id":"t-1"}"#
        );
        assert_eq!(json(ThreadEvent::TurnStarted), r#"{"type":"turn.started"}"#);
        assert_eq!(
            json(ThreadEvent::TurnCompleted {
                usage: Usage {
                    input_tokens: 1,
                    cached_input_tokens: 2,
                    cache_write_input_tokens: 3,
                    output_tokens: 4,
                    reasoning_output_tokens: 5,
                }
            }),
            r#"{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":2,"cache_write_input_tokens":3,"output_tokens":4,"reasoning_output_tokens":5}}"#
        );
        assert_eq!(
            json(ThreadEvent::TurnFailed {
                error: ThreadError {
                    message: "boom".to_string()
                }
            }),
            r#"{"type":"turn.failed","error":{"message":"boom"}}"#
        );
        assert_eq!(
            json(ThreadEvent::Error {
                message: "boom".to_string()
            }),
            r#"{"type":"error","message":"boom"}"#
        );
    }

    #[test]
    fn item_events_wrap_the_item() {
        let agent = item(
            "item_0",
            ThreadItemDetails::AgentMessage {
                text: "hi".to_string(),
            },
        );
        assert_eq!(
            json(ThreadEvent::ItemStarted {
                item: agent.clone()
            }),
            r#"{"type":"item.started","item":{"id":"item_0","type":"agent_message","text":"hi"}}"#
        );
        assert_eq!(
            json(ThreadEvent::ItemUpdated {
                item: agent.clone()
            }),
            r#"{"type":"item.updated","item":{"id":"item_0","type":"agent_message","text":"hi"}}"#
        );
        assert_eq!(
            json(ThreadEvent::ItemCompleted { item: agent }),
            r#"{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"hi"}}"#
        );
    }

    #[test]
    fn item_shapes() {
        let cases = [
            (
                ThreadItemDetails::Reasoning {
                    text: "think".to_string(),
                },
                r#"{"id":"item_1","type":"reasoning","text":"think"}"#,
            ),
            (
                ThreadItemDetails::CommandExecution {
                    command: "ls".to_string(),
                    aggregated_output: String::new(),
                    exit_code: None,
                    status: CommandExecutionStatus::InProgress,
                },
                r#"{"id":"item_1","type":"command_execution","command":"ls","aggregated_output":"","exit_code":null,"status":"in_progress"}"#,
            ),
            (
                ThreadItemDetails::CommandExecution {
                    command: "false".to_string(),
                    aggregated_output: "x\n".to_string(),
                    exit_code: Some(1),
                    status: CommandExecutionStatus::Failed,
                },
                r#"{"id":"item_1","type":"command_execution","command":"false","aggregated_output":"x\n","exit_code":1,"status":"failed"}"#,
            ),
            (
                ThreadItemDetails::FileChange {
                    changes: vec![
                        FileUpdateChange {
                            path: "/p/a".to_string(),
                            kind: PatchChangeKind::Add,
                        },
                        FileUpdateChange {
                            path: "/p/b".to_string(),
                            kind: PatchChangeKind::Delete,
                        },
                        FileUpdateChange {
                            path: "/p/c".to_string(),
                            kind: PatchChangeKind::Update,
                        },
                    ],
                    status: PatchApplyStatus::Completed,
                },
                r#"{"id":"item_1","type":"file_change","changes":[{"path":"/p/a","kind":"add"},{"path":"/p/b","kind":"delete"},{"path":"/p/c","kind":"update"}],"status":"completed"}"#,
            ),
            (
                ThreadItemDetails::TodoList {
                    items: vec![TodoItem {
                        text: "step".to_string(),
                        completed: true,
                    }],
                },
                r#"{"id":"item_1","type":"todo_list","items":[{"text":"step","completed":true}]}"#,
            ),
            (
                ThreadItemDetails::WebSearch {
                    query: "rust".to_string(),
                    action: WebSearchAction::Search {
                        query: "rust".to_string(),
                    },
                },
                r#"{"id":"item_1","type":"web_search","query":"rust","action":{"type":"search","query":"rust"}}"#,
            ),
            (
                ThreadItemDetails::McpToolCall {
                    server: "docs".to_string(),
                    tool: "echo".to_string(),
                    arguments: serde_json::json!({"message": "hi"}),
                    result: None,
                    error: None,
                    status: McpToolCallStatus::InProgress,
                },
                r#"{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"echo","arguments":{"message":"hi"},"result":null,"error":null,"status":"in_progress"}"#,
            ),
            (
                ThreadItemDetails::McpToolCall {
                    server: "docs".to_string(),
                    tool: "add".to_string(),
                    arguments: serde_json::Value::Null,
                    result: Some(McpToolCallItemResult {
                        content: vec![serde_json::json!({"type": "text", "text": "7"})],
                        structured_content: Some(serde_json::json!({"n": 7})),
                    }),
                    error: None,
                    status: McpToolCallStatus::Completed,
                },
                r#"{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"add","arguments":null,"result":{"content":[{"type":"text","text":"7"}],"structured_content":{"n":7}},"error":null,"status":"completed"}"#,
            ),
            (
                ThreadItemDetails::McpToolCall {
                    server: "docs".to_string(),
                    tool: "slow".to_string(),
                    arguments: serde_json::json!({}),
                    result: None,
                    error: Some(McpToolCallItemError {
                        message: "timed out".to_string(),
                    }),
                    status: McpToolCallStatus::Failed,
                },
                r#"{"id":"item_1","type":"mcp_tool_call","server":"docs","tool":"slow","arguments":{},"result":null,"error":{"message":"timed out"},"status":"failed"}"#,
            ),
            (
                ThreadItemDetails::Error {
                    message: "fallback".to_string(),
                },
                r#"{"id":"item_1","type":"error","message":"fallback"}"#,
            ),
        ];
        for (details, expected) in cases {
            assert_eq!(
                serde_json::to_string(&item("item_1", details)).unwrap(),
                expected
            );
        }
    }
}
