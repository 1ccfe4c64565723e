//! Inline compaction: ask the model for a hand-off summary of the thread so far, then replace
//! the history with a fresh context window holding the user's messages and that summary.

use super::Session;
use super::context;
use super::request::CompactionTrigger;
use super::request::RequestKind;
use super::turn::TurnContext;
use super::turn::TurnError;
use super::turn::sample;
use crate::protocol::EventMsg;
use crate::protocol::models::ContentItem;
use crate::protocol::models::ResponseItem;

const COMPACT_PROMPT: &str = "Write a concise hand-off summary of this conversation for another model that will continue the work. Cover: what has been done and the decisions made, the user's constraints and preferences, the steps that remain, and any data needed to continue (file paths, commands, identifiers, error messages). Reply with the summary only.";

/// Opens the user message that carries a summary in the new window.
pub const SUMMARY_PREAMBLE: &str = "Another model worked on this task before you; its summary of the work so far follows. Build on it rather than starting over.";

/// The final user message of a compaction request. It has no `id`, unlike every other item.
pub(crate) fn compaction_prompt(sess: &Session) -> ResponseItem {
    ResponseItem::Message {
        status: None,
        id: None,
        role: "user".to_string(),
        content: vec![ContentItem::InputText {
            text: sess
                .config
                .compact_prompt
                .clone()
                .unwrap_or_else(|| COMPACT_PROMPT.to_string()),
        }],
        phase: None,
    }
}

pub(crate) async fn compact(
    sess: &Session,
    turn: &TurnContext,
    trigger: CompactionTrigger,
) -> Result<(), TurnError> {
    let result = sample(sess, turn, RequestKind::Compaction(trigger)).await?;
    let summary: String = result
        .items
        .iter()
        .filter_map(ResponseItem::assistant_text)
        .collect::<Vec<_>>()
        .join("\n");

    let mut history = sess.fresh_context_items(&turn.config);
    history.extend(sess.history().into_iter().filter(is_user_prompt));
    let summary_text = format!("{SUMMARY_PREAMBLE}\n{summary}");
    history.push(ResponseItem::message(
        "user",
        vec![ContentItem::InputText {
            text: summary_text.clone(),
        }],
    ));
    sess.replace_history(history, &summary_text);
    sess.emit(&turn.sub_id, EventMsg::ContextCompacted);
    Ok(())
}

fn is_user_prompt(item: &ResponseItem) -> bool {
    matches!(item, ResponseItem::Message { role, .. } if role == "user")
        && !context::is_context_message(item)
}
