//! Threads as stored on disk, for clients that browse them (app-server `thread/list`,
//! `thread/read`, archive and names): a summary per rollout file, the turns recorded in a
//! rollout, and moving rollouts to and from `archived_sessions/`.

use std::path::Path;
use std::path::PathBuf;

use serde_json::Value;
use serde_json::json;

use super::reader::RolloutError;
use super::reader::rolled_back_turns;
use super::reader::rollout_files;
use crate::protocol::models::ContentItem;
use crate::protocol::models::ReasoningSummary;
use crate::protocol::models::ResponseItem;
use crate::session::context::is_user_prompt;
use crate::session::rollback::THREAD_ROLLED_BACK;

pub const ARCHIVED_SESSIONS_DIR: &str = "archived_sessions";

/// What a thread list shows about one rollout.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadSummary {
    pub id: String,
    pub path: PathBuf,
    pub cwd: PathBuf,
    /// Unix seconds of the `session_meta` timestamp.
    pub created_at: i64,
    /// Unix seconds of the file's last modification.
    pub updated_at: i64,
    /// The text of the first user message, `""` before any.
    pub preview: String,
    pub model_provider: String,
    pub source: String,
    pub originator: String,
    pub cli_version: String,
    pub name: Option<String>,
    pub forked_from_id: Option<String>,
}

/// One item of a recorded turn, as far as a client needs to redisplay it.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordedItem {
    UserMessage { id: String, text: String },
    AgentMessage { id: String, text: String },
    Reasoning { id: String, summary: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordedTurnStatus {
    Completed,
    Interrupted,
    /// Started but never finished in the file (the process died).
    Incomplete,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedTurn {
    pub id: String,
    pub items: Vec<RecordedItem>,
    pub status: RecordedTurnStatus,
    /// Unix seconds.
    pub started_at: Option<i64>,
}

fn records(path: &Path) -> Result<Vec<Value>, RolloutError> {
    let text = std::fs::read_to_string(path).map_err(|source| RolloutError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect())
}

/// Reads a rollout's summary; `None` when it is not a rollout or has no user message yet
/// (a thread becomes listable once its first turn has been written).
pub fn read_summary(path: &Path) -> Option<ThreadSummary> {
    let records = records(path).ok()?;
    let meta = records.first()?;
    if meta.get("type").and_then(Value::as_str) != Some("session_meta") {
        return None;
    }
    let payload = &meta["payload"];
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_string();
    let created_at = chrono::DateTime::parse_from_rfc3339(&text("timestamp"))
        .map(|time| time.timestamp())
        .unwrap_or_default();
    let updated_at = std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|age| age.as_secs() as i64)
        .unwrap_or(created_at);
    let mut preview = None;
    let mut name = None;
    for record in &records[1..] {
        match record.get("type").and_then(Value::as_str) {
            Some("response_item") if preview.is_none() => {
                if let Ok(item) = serde_json::from_value::<ResponseItem>(record["payload"].clone())
                {
                    preview = user_prompt_text(&item);
                }
            }
            Some("thread_name") => {
                name = record["payload"]["name"].as_str().map(str::to_string);
            }
            _ => {}
        }
    }
    Some(ThreadSummary {
        id: text("id"),
        path: path.to_path_buf(),
        cwd: PathBuf::from(text("cwd")),
        created_at,
        updated_at,
        preview: preview?,
        model_provider: text("model_provider"),
        source: text("source"),
        originator: text("originator"),
        cli_version: text("cli_version"),
        name,
        forked_from_id: payload["forked_from_id"].as_str().map(str::to_string),
    })
}

/// The text of a user prompt message (not a context message codex wrote itself).
fn user_prompt_text(item: &ResponseItem) -> Option<String> {
    let ResponseItem::Message { content, .. } = item else {
        return None;
    };
    if !is_user_prompt(item) {
        return None;
    }
    Some(
        content
            .iter()
            .filter_map(|part| match part {
                ContentItem::InputText { text } => Some(text.as_str()),
                ContentItem::InputImage { .. } | ContentItem::OutputText { .. } => None,
            })
            .collect::<Vec<_>>()
            .join(""),
    )
}

/// Every listable thread under `sessions/` (or `archived_sessions/`).
pub fn list_threads(codex_home: &Path, archived: Archived) -> Vec<ThreadSummary> {
    let dir = match archived {
        Archived::No => codex_home.join("sessions"),
        Archived::Yes => codex_home.join(ARCHIVED_SESSIONS_DIR),
    };
    rollout_files(&dir)
        .iter()
        .filter_map(|path| read_summary(path))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archived {
    No,
    Yes,
}

/// The turns recorded in a rollout, with the items a client redisplays.
pub fn read_turns(path: &Path) -> Result<Vec<RecordedTurn>, RolloutError> {
    let mut turns: Vec<RecordedTurn> = Vec::new();
    for record in records(path)? {
        let payload = &record["payload"];
        match record.get("type").and_then(Value::as_str) {
            Some("event_msg") => match payload["type"].as_str() {
                Some("task_started") => turns.push(RecordedTurn {
                    id: payload["turn_id"].as_str().unwrap_or_default().to_string(),
                    items: Vec::new(),
                    status: RecordedTurnStatus::Incomplete,
                    started_at: payload["started_at"].as_i64(),
                }),
                Some("task_complete") => {
                    if let Some(turn) = turns.last_mut() {
                        turn.status = RecordedTurnStatus::Completed;
                    }
                }
                Some("turn_aborted") => {
                    if let Some(turn) = turns.last_mut() {
                        turn.status = RecordedTurnStatus::Interrupted;
                    }
                }
                Some(THREAD_ROLLED_BACK) => {
                    if let Some(num_turns) = rolled_back_turns(payload) {
                        drop_last_prompts(&mut turns, num_turns);
                    }
                }
                _ => {}
            },
            Some("response_item") => {
                let Some(turn) = turns.last_mut() else {
                    continue;
                };
                let Ok(item) = serde_json::from_value::<ResponseItem>(payload.clone()) else {
                    continue;
                };
                if let Some(recorded) = recorded_item(&item) {
                    turn.items.push(recorded);
                }
            }
            _ => {}
        }
    }
    Ok(turns)
}

/// The recorded-turn view of a rollback (see `session::rollback`): everything from the
/// `num_turns`-th last user message on goes; a turn left without items goes with it.
fn drop_last_prompts(turns: &mut Vec<RecordedTurn>, num_turns: u32) {
    let prompts: Vec<(usize, usize)> = turns
        .iter()
        .enumerate()
        .flat_map(|(turn_index, turn)| {
            turn.items
                .iter()
                .enumerate()
                .filter(|(_, item)| matches!(item, RecordedItem::UserMessage { .. }))
                .map(move |(item_index, _)| (turn_index, item_index))
        })
        .collect();
    let num_turns = usize::try_from(num_turns).unwrap_or(usize::MAX);
    if num_turns == 0 || prompts.is_empty() {
        return;
    }
    let (turn_index, item_index) = prompts[prompts.len().saturating_sub(num_turns)];
    turns[turn_index].items.truncate(item_index);
    if turns[turn_index].items.is_empty() {
        turns.truncate(turn_index);
    } else {
        turns.truncate(turn_index + 1);
    }
}

fn recorded_item(item: &ResponseItem) -> Option<RecordedItem> {
    if let Some(text) = user_prompt_text(item) {
        let ResponseItem::Message { id, .. } = item else {
            return None;
        };
        return Some(RecordedItem::UserMessage {
            id: id.clone().unwrap_or_default(),
            text,
        });
    }
    if let Some(text) = item.assistant_text() {
        let ResponseItem::Message { id, .. } = item else {
            return None;
        };
        return Some(RecordedItem::AgentMessage {
            id: id.clone().unwrap_or_default(),
            text,
        });
    }
    if let ResponseItem::Reasoning { id, summary, .. } = item {
        return Some(RecordedItem::Reasoning {
            id: id.clone(),
            summary: summary
                .iter()
                .map(|part| match part {
                    ReasoningSummary::SummaryText { text } => text.clone(),
                })
                .collect(),
        });
    }
    None
}

/// Moves a thread's rollout to `archived_sessions/`; returns the new path.
pub fn archive_thread(codex_home: &Path, id: &str) -> Result<PathBuf, RolloutError> {
    let from = super::find_rollout_by_id(codex_home, id)?;
    let dir = codex_home.join(ARCHIVED_SESSIONS_DIR);
    move_file(&from, &dir)
}

/// Moves an archived rollout back under `sessions/YYYY/MM/DD/` (the date of its name).
pub fn unarchive_thread(codex_home: &Path, id: &str) -> Result<PathBuf, RolloutError> {
    let archived = codex_home.join(ARCHIVED_SESSIONS_DIR);
    let suffix = format!("-{id}.jsonl");
    let from = rollout_files(&archived)
        .into_iter()
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.ends_with(&suffix))
        })
        .ok_or_else(|| RolloutError::NotFound(id.to_string(), archived))?;
    let name = from
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    // rollout-YYYY-MM-DDTHH-MM-SS-<id>.jsonl
    let date = name
        .get("rollout-".len().."rollout-".len() + 10)
        .unwrap_or("");
    let mut dir = codex_home.join("sessions");
    for part in date.split('-') {
        dir.push(part);
    }
    move_file(&from, &dir)
}

fn move_file(from: &Path, dir: &Path) -> Result<PathBuf, RolloutError> {
    let io_err = |source| RolloutError::Io {
        path: from.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io_err)?;
    let to = dir.join(from.file_name().unwrap_or_default());
    std::fs::rename(from, &to).map_err(io_err)?;
    Ok(to)
}

/// Records a thread's name in its rollout (the last one wins when read back).
pub fn append_thread_name(path: &Path, name: &str) -> Result<(), RolloutError> {
    let next_ordinal = records(path)?.len() as u64;
    let mut recorder = super::RolloutRecorder::append_to(path, next_ordinal).map_err(|source| {
        RolloutError::Io {
            path: path.to_path_buf(),
            source,
        }
    })?;
    recorder
        .record("thread_name", json!({ "name": name }))
        .map_err(|source| RolloutError::Io {
            path: path.to_path_buf(),
            source,
        })
}
