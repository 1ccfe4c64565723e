//! Reading rollouts back: locating a thread's file and rebuilding its history and usage.

use std::path::Path;
use std::path::PathBuf;

use serde_json::Value;

use super::BaseInstructions;
use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;
use crate::session::rollback::THREAD_ROLLED_BACK;
use crate::session::rollback::drop_last_user_turns;

#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    #[error("no saved session found with id {0}; list sessions under {1}")]
    NotFound(String, PathBuf),
    #[error("no saved session found for {0}; start one with `codex exec` first")]
    NoneForCwd(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a session rollout (first line is not session_meta)")]
    Malformed { path: PathBuf },
}

/// Everything needed to continue a thread in a new process.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumedThread {
    pub path: PathBuf,
    pub thread_id: String,
    pub cwd: PathBuf,
    pub base_instructions: BaseInstructions,
    pub context_window_id: String,
    /// Compactions so far: the current window number.
    pub window_number: u64,
    pub history: Vec<ResponseItem>,
    pub total_usage: TokenUsage,
    pub next_ordinal: u64,
}

/// Finds the rollout of thread `id` under `<codex_home>/sessions`.
pub fn find_rollout_by_id(codex_home: &Path, id: &str) -> Result<PathBuf, RolloutError> {
    let sessions = codex_home.join("sessions");
    let suffix = format!("-{id}.jsonl");
    rollout_files(&sessions)
        .into_iter()
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("rollout-") && name.ends_with(&suffix))
        })
        .ok_or_else(|| RolloutError::NotFound(id.to_string(), sessions))
}

/// The newest rollout, restricted to sessions started in `cwd` unless `cwd` is `None`.
pub fn find_latest_rollout(codex_home: &Path, cwd: Option<&Path>) -> Result<PathBuf, RolloutError> {
    let mut files = rollout_files(&codex_home.join("sessions"));
    // File names start with the creation time, so name order is age order.
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
        .into_iter()
        .rev()
        .find(|path| match cwd {
            None => true,
            Some(cwd) => session_cwd(path).is_some_and(|session_cwd| session_cwd == cwd),
        })
        .ok_or_else(|| RolloutError::NoneForCwd(cwd.map(Path::to_path_buf).unwrap_or_default()))
}

fn session_cwd(path: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(path).ok()?;
    let first: Value = serde_json::from_str(text.lines().next()?).ok()?;
    first
        .pointer("/payload/cwd")
        .and_then(Value::as_str)
        .map(PathBuf::from)
}

pub(super) fn rollout_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "jsonl") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

pub fn read_rollout(path: &Path) -> Result<ResumedThread, RolloutError> {
    let io_err = |source| RolloutError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(io_err)?;
    let mut records = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str::<Value>(line).ok());
    let malformed = || RolloutError::Malformed {
        path: path.to_path_buf(),
    };
    let meta = records.next().ok_or_else(malformed)?;
    if meta.get("type").and_then(Value::as_str) != Some("session_meta") {
        return Err(malformed());
    }
    let payload = meta.get("payload").cloned().unwrap_or(Value::Null);
    let thread_id = payload
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(malformed)?
        .to_string();
    let cwd = PathBuf::from(payload.get("cwd").and_then(Value::as_str).unwrap_or("/"));
    let base_instructions: BaseInstructions = payload
        .get("base_instructions")
        .cloned()
        .and_then(|value| serde_json::from_value(value).ok())
        .ok_or_else(malformed)?;
    let mut context_window_id = payload
        .pointer("/context_window/window_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();

    let mut resumed = ResumedThread {
        path: path.to_path_buf(),
        thread_id,
        cwd,
        base_instructions,
        context_window_id: String::new(),
        window_number: 0,
        history: Vec::new(),
        total_usage: TokenUsage::default(),
        next_ordinal: 1,
    };
    for record in records {
        resumed.next_ordinal += 1;
        let payload = record.get("payload").cloned().unwrap_or(Value::Null);
        match record.get("type").and_then(Value::as_str) {
            Some("response_item") => {
                if let Ok(item) = serde_json::from_value::<ResponseItem>(payload) {
                    resumed.history.push(item);
                }
            }
            Some("compacted") => {
                resumed.history = payload
                    .get("replacement_history")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|item| serde_json::from_value(item.clone()).ok())
                            .collect()
                    })
                    .unwrap_or_default();
                resumed.window_number += 1;
                if let Some(window_id) = payload.get("window_id").and_then(Value::as_str) {
                    context_window_id = window_id.to_string();
                }
            }
            Some("event_msg") => match payload.get("type").and_then(Value::as_str) {
                Some("token_count") => {
                    if let Some(total) = payload.pointer("/info/total_token_usage")
                        && let Ok(total) = serde_json::from_value(total.clone())
                    {
                        resumed.total_usage = total;
                    }
                }
                Some(THREAD_ROLLED_BACK) => {
                    if let Some(num_turns) = rolled_back_turns(&payload) {
                        drop_last_user_turns(&mut resumed.history, num_turns);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    resumed.context_window_id = context_window_id;
    Ok(resumed)
}

/// `num_turns` of a `thread_rolled_back` payload.
pub(super) fn rolled_back_turns(payload: &Value) -> Option<u32> {
    payload
        .get("num_turns")
        .and_then(Value::as_u64)
        .map(|num_turns| u32::try_from(num_turns).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::models::ContentItem;
    use crate::rollout::ContextWindowMeta;
    use crate::rollout::RolloutRecorder;
    use crate::rollout::SessionMeta;
    use pretty_assertions::assert_eq;
    use serde_json::json;

    fn meta(id: &str, cwd: &Path) -> SessionMeta {
        SessionMeta {
            id: id.to_string(),
            session_id: id.to_string(),
            timestamp: "2026-11-23T00:00:00.000Z".to_string(),
            cwd: cwd.to_path_buf(),
            originator: "codex_exec".to_string(),
            cli_version: "0.169.0".to_string(),
            source: "exec".to_string(),
            thread_source: "user".to_string(),
            model_provider: "mock".to_string(),
            base_instructions: BaseInstructions {
                text: "BASE".to_string(),
                provenance: json!({"type": "model", "model": "gpt-5.5"}),
            },
            context_window: ContextWindowMeta {
                window_id: "w0".to_string(),
            },
            forked_from_id: None,
        }
    }

    fn user(text: &str) -> ResponseItem {
        ResponseItem::message(
            "user",
            vec![ContentItem::InputText {
                text: text.to_string(),
            }],
        )
    }

    #[test]
    fn round_trips_history_usage_and_compaction() {
        let home = tempfile::tempdir().unwrap();
        let mut recorder =
            RolloutRecorder::create(home.path(), &meta("t1", Path::new("/p"))).unwrap();
        recorder.record_item(&user("one")).unwrap();
        let usage = TokenUsage {
            input_tokens: 10,
            total_tokens: 12,
            output_tokens: 2,
            ..TokenUsage::default()
        };
        recorder.record_token_count(&usage, &usage, 100).unwrap();
        let summary = user("summary");
        recorder
            .record_compacted("summary", std::slice::from_ref(&summary), "w1")
            .unwrap();
        let two = user("two");
        recorder.record_item(&two).unwrap();
        let path = recorder.path().unwrap().to_path_buf();

        assert_eq!(find_rollout_by_id(home.path(), "t1").unwrap(), path);
        assert_eq!(
            find_latest_rollout(home.path(), Some(Path::new("/p"))).unwrap(),
            path
        );
        assert!(find_latest_rollout(home.path(), Some(Path::new("/other"))).is_err());
        let resumed = read_rollout(&path).unwrap();
        assert_eq!(resumed.thread_id, "t1");
        assert_eq!(resumed.history, vec![summary, two]);
        assert_eq!(resumed.total_usage, usage);
        assert_eq!(resumed.window_number, 1);
        assert_eq!(resumed.context_window_id, "w1");
        assert_eq!(resumed.next_ordinal, 5);
    }

    #[test]
    fn threads_are_listed_archived_and_unarchived() {
        use crate::rollout::threads;
        let home = tempfile::tempdir().unwrap();
        let mut recorder =
            RolloutRecorder::create(home.path(), &meta("t2", Path::new("/p"))).unwrap();
        let path = recorder.path().unwrap().to_path_buf();
        // No user message yet: not listable.
        assert_eq!(
            threads::list_threads(home.path(), threads::Archived::No),
            vec![]
        );
        recorder
            .record_event(
                serde_json::json!({"type": "task_started", "turn_id": "turn1", "started_at": 5}),
            )
            .unwrap();
        recorder.record_item(&user("hello there")).unwrap();
        let answer = ResponseItem::Message {
            status: Some("completed".to_string()),
            id: Some("msg_a".to_string()),
            role: "assistant".to_string(),
            content: vec![ContentItem::OutputText {
                text: "hi".to_string(),
                annotations: vec![],
                logprobs: vec![],
            }],
            phase: None,
        };
        recorder.record_item(&answer).unwrap();
        recorder
            .record_event(serde_json::json!({"type": "task_complete", "turn_id": "turn1"}))
            .unwrap();
        threads::append_thread_name(&path, "my thread").unwrap();

        let listed = threads::list_threads(home.path(), threads::Archived::No);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, "t2");
        assert_eq!(listed[0].preview, "hello there");
        assert_eq!(listed[0].name.as_deref(), Some("my thread"));
        let turns = threads::read_turns(&path).unwrap();
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].status, threads::RecordedTurnStatus::Completed);
        assert_eq!(turns[0].items.len(), 2);
        assert_eq!(
            turns[0].items[1],
            threads::RecordedItem::AgentMessage {
                id: "msg_a".to_string(),
                text: "hi".to_string()
            }
        );

        let archived = threads::archive_thread(home.path(), "t2").unwrap();
        assert!(archived.starts_with(home.path().join("archived_sessions")));
        assert_eq!(
            threads::list_threads(home.path(), threads::Archived::No),
            vec![]
        );
        assert_eq!(
            threads::list_threads(home.path(), threads::Archived::Yes).len(),
            1
        );
        let restored = threads::unarchive_thread(home.path(), "t2").unwrap();
        assert_eq!(restored, path);
    }

    #[test]
    fn rollbacks_drop_turns_from_history_and_recorded_turns() {
        use crate::rollout::threads;
        let home = tempfile::tempdir().unwrap();
        let mut recorder =
            RolloutRecorder::create(home.path(), &meta("t3", Path::new("/p"))).unwrap();
        let answer = |text: &str| ResponseItem::Message {
            status: None,
            id: Some(format!("msg_{text}")),
            role: "assistant".to_string(),
            content: vec![ContentItem::OutputText {
                text: text.to_string(),
                annotations: vec![],
                logprobs: vec![],
            }],
            phase: None,
        };
        let mut history = Vec::new();
        for (n, text) in ["one", "two", "three"].into_iter().enumerate() {
            recorder
                .record_event(json!({"type": "task_started", "turn_id": format!("turn{n}")}))
                .unwrap();
            let items = [user(text), answer(&format!("answer {text}"))];
            for item in &items {
                recorder.record_item(item).unwrap();
            }
            history.extend(items);
            recorder
                .record_event(json!({"type": "task_complete", "turn_id": format!("turn{n}")}))
                .unwrap();
        }
        recorder
            .record_event(json!({"type": "thread_rolled_back", "num_turns": 2}))
            .unwrap();
        let path = recorder.path().unwrap().to_path_buf();

        assert_eq!(read_rollout(&path).unwrap().history, history[..2].to_vec());
        let turns: Vec<String> = threads::read_turns(&path)
            .unwrap()
            .into_iter()
            .map(|turn| turn.id)
            .collect();
        assert_eq!(turns, vec!["turn0".to_string()]);
    }

    #[test]
    fn unknown_id_is_a_clear_error() {
        let home = tempfile::tempdir().unwrap();
        let err = find_rollout_by_id(home.path(), "nope").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("no saved session found with id nope")
        );
    }
}
