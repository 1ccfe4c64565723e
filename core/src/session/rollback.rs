//! `Op::ThreadRollback` (the TUI's backtrack): the last user turns leave the history, and a
//! `thread_rolled_back` record in the rollout makes a resumed thread drop the same turns. A
//! user turn is a prompt the user wrote and everything after it, up to the next prompt.

use serde_json::json;

use super::Session;
use super::context::is_user_prompt;
use crate::protocol::EventMsg;
use crate::protocol::models::ResponseItem;

/// The rollout `event_msg` type of a rollback; its payload carries `num_turns`.
pub(crate) const THREAD_ROLLED_BACK: &str = "thread_rolled_back";

impl Session {
    /// Drops the last `num_turns` user turns; the caller makes sure no turn is running.
    pub(super) fn roll_back(&self, sub_id: &str, num_turns: u32) {
        {
            let mut state = self.state();
            drop_last_user_turns(&mut state.history, num_turns);
            let record = json!({"type": THREAD_ROLLED_BACK, "num_turns": num_turns});
            if let Err(err) = state.rollout.record_event(record) {
                tracing::warn!("failed to write the rollout: {err}");
            }
        }
        self.emit(sub_id, EventMsg::ThreadRolledBack { num_turns });
    }
}

/// Cuts `history` before its `num_turns`-th last user prompt; with fewer prompts than that,
/// before the first one, so only what preceded every prompt (the initial context) remains.
pub(crate) fn drop_last_user_turns(history: &mut Vec<ResponseItem>, num_turns: u32) {
    let prompts: Vec<usize> = history
        .iter()
        .enumerate()
        .filter(|(_, item)| is_user_prompt(item))
        .map(|(index, _)| index)
        .collect();
    let num_turns = usize::try_from(num_turns).unwrap_or(usize::MAX);
    if num_turns == 0 || prompts.is_empty() {
        return;
    }
    let cut = prompts[prompts.len().saturating_sub(num_turns)];
    history.truncate(cut);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::models::ContentItem;
    use pretty_assertions::assert_eq;

    fn message(role: &str, text: &str) -> ResponseItem {
        ResponseItem::Message {
            status: None,
            id: None,
            role: role.to_string(),
            content: vec![ContentItem::InputText {
                text: text.to_string(),
            }],
            phase: None,
        }
    }

    /// Context, then two turns with a user shell command between them.
    fn history() -> Vec<ResponseItem> {
        vec![
            message("developer", "<permissions instructions>"),
            message("user", "<environment_context>\n</environment_context>"),
            message("user", "first"),
            message("assistant", "answer one"),
            message("user", "<user_shell_command>\n<command>ls</command>"),
            message("user", "second"),
            message("assistant", "answer two"),
        ]
    }

    fn rolled_back(num_turns: u32) -> Vec<ResponseItem> {
        let mut history = history();
        drop_last_user_turns(&mut history, num_turns);
        history
    }

    #[test]
    fn drops_the_last_turn_with_everything_after_its_prompt() {
        assert_eq!(rolled_back(1), history()[..5].to_vec());
    }

    #[test]
    fn user_shell_commands_and_context_are_not_turns() {
        assert_eq!(rolled_back(2), history()[..2].to_vec());
    }

    #[test]
    fn more_turns_than_exist_keep_only_the_initial_context() {
        assert_eq!(rolled_back(u32::MAX), history()[..2].to_vec());
    }

    #[test]
    fn zero_turns_change_nothing() {
        assert_eq!(rolled_back(0), history());
    }
}
