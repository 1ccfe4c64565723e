//! Responses API items as they travel in `input` and come back in `output`.
//!
//! Field order in these types is wire order: request bodies are compared byte for byte with the
//! original's, so serde's declaration order is the contract. Items we do not model are kept as
//! raw JSON so that nothing the server sent is lost from the history.

use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentItem {
    InputText {
        text: String,
    },
    InputImage {
        image_url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    OutputText {
        text: String,
        #[serde(default)]
        annotations: Vec<Value>,
        #[serde(default)]
        logprobs: Vec<Value>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasoningSummary {
    SummaryText { text: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReasoningContent {
    ReasoningText { text: String },
    Text { text: String },
}

/// The output of a function call: a plain string, or content items (`view_image`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FunctionCallOutput {
    Text(String),
    Content(Vec<ContentItem>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseItem {
    Message {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        role: String,
        content: Vec<ContentItem>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phase: Option<String>,
    },
    Reasoning {
        id: String,
        #[serde(default)]
        summary: Vec<ReasoningSummary>,
        #[serde(default)]
        content: Option<Vec<ReasoningContent>>,
        #[serde(default)]
        encrypted_content: Option<String>,
    },
    FunctionCall {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        name: String,
        arguments: String,
        call_id: String,
    },
    FunctionCallOutput {
        id: String,
        call_id: String,
        output: FunctionCallOutput,
    },
    CustomToolCall {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        call_id: String,
        name: String,
        input: String,
    },
    CustomToolCallOutput {
        id: String,
        call_id: String,
        output: String,
    },
    WebSearchCall {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<Value>,
    },
    Compaction {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        encrypted_content: String,
    },
    /// Anything else the server sends; echoed back unchanged.
    #[serde(untagged)]
    Other(Value),
}

impl ResponseItem {
    /// Parses an item as received in `response.output_item.done`, normalised to the echo shape
    /// (assistant messages and function calls are `completed`).
    pub fn from_server(value: Value) -> Self {
        let mut item = serde_json::from_value::<ResponseItem>(value.clone())
            .unwrap_or(ResponseItem::Other(value));
        if let ResponseItem::Message { status, role, .. } = &mut item
            && role == "assistant"
        {
            status.get_or_insert_with(|| "completed".to_string());
        }
        if let ResponseItem::FunctionCall { status, .. } = &mut item {
            status.get_or_insert_with(|| "completed".to_string());
        }
        item
    }

    pub fn message(role: &str, content: Vec<ContentItem>) -> Self {
        ResponseItem::Message {
            status: None,
            id: Some(crate::ids::prefixed("msg")),
            role: role.to_string(),
            content,
            phase: None,
        }
    }

    /// Text of an assistant message (output_text parts concatenated).
    pub fn assistant_text(&self) -> Option<String> {
        let ResponseItem::Message { role, content, .. } = self else {
            return None;
        };
        (role == "assistant").then(|| {
            content
                .iter()
                .filter_map(|part| match part {
                    ContentItem::OutputText { text, .. } => Some(text.as_str()),
                    ContentItem::InputText { .. } | ContentItem::InputImage { .. } => None,
                })
                .collect()
        })
    }
}

/// Token usage of one response, or a running total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_output_tokens: u64,
    pub total_tokens: u64,
}

impl TokenUsage {
    pub fn add(&mut self, other: &TokenUsage) {
        self.input_tokens += other.input_tokens;
        self.cached_input_tokens += other.cached_input_tokens;
        self.cache_write_input_tokens += other.cache_write_input_tokens;
        self.output_tokens += other.output_tokens;
        self.reasoning_output_tokens += other.reasoning_output_tokens;
        self.total_tokens += other.total_tokens;
    }

    /// What the human output calls "tokens used": non-cached input plus output.
    pub fn blended_total(&self) -> u64 {
        self.input_tokens.saturating_sub(self.cached_input_tokens) + self.output_tokens
    }
}
