//! The append-only session log: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<thread>.jsonl`.
//! Every record is one JSON line written and flushed as it happens, so a crash loses nothing
//! already shown; `resume` rebuilds a thread's history and usage from it.

mod reader;
pub mod threads;

use std::fs::File;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use chrono::Local;
use chrono::SecondsFormat;
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;
use serde_json::json;

pub use reader::ResumedThread;
pub use reader::RolloutError;
pub use reader::find_latest_rollout;
pub use reader::find_rollout_by_id;
pub use reader::read_rollout;

use crate::protocol::models::ResponseItem;
use crate::protocol::models::TokenUsage;

/// The first line of every rollout.
#[derive(Debug, Clone, Serialize)]
pub struct SessionMeta {
    pub id: String,
    pub session_id: String,
    pub timestamp: String,
    pub cwd: PathBuf,
    pub originator: String,
    pub cli_version: String,
    pub source: String,
    pub thread_source: String,
    pub model_provider: String,
    pub base_instructions: BaseInstructions,
    pub context_window: ContextWindowMeta,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forked_from_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct BaseInstructions {
    pub text: String,
    pub provenance: Value,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct ContextWindowMeta {
    pub window_id: String,
}

/// Writes records to one rollout file. `None` inside when the session is ephemeral.
#[derive(Debug)]
pub struct RolloutRecorder {
    file: Option<File>,
    path: Option<PathBuf>,
    ordinal: u64,
}

impl RolloutRecorder {
    /// A recorder that writes nothing (`--ephemeral`).
    pub fn ephemeral() -> Self {
        RolloutRecorder {
            file: None,
            path: None,
            ordinal: 0,
        }
    }

    /// Creates the file for a new thread and writes its `session_meta`.
    pub fn create(codex_home: &Path, meta: &SessionMeta) -> std::io::Result<Self> {
        let now = Local::now();
        let dir = codex_home
            .join("sessions")
            .join(now.format("%Y").to_string())
            .join(now.format("%m").to_string())
            .join(now.format("%d").to_string());
        std::fs::create_dir_all(&dir)?;
        let name = format!(
            "rollout-{}-{}.jsonl",
            now.format("%Y-%m-%dT%H-%M-%S"),
            meta.id
        );
        let path = dir.join(name);
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)?;
        let mut recorder = RolloutRecorder {
            file: Some(file),
            path: Some(path),
            ordinal: 0,
        };
        recorder.record("session_meta", serde_json::to_value(meta)?)?;
        Ok(recorder)
    }

    /// Reopens an existing rollout to append to it; ordinals continue.
    pub fn append_to(path: &Path, next_ordinal: u64) -> std::io::Result<Self> {
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(RolloutRecorder {
            file: Some(file),
            path: Some(path.to_path_buf()),
            ordinal: next_ordinal,
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn record(&mut self, kind: &str, payload: Value) -> std::io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Ok(());
        };
        let line = json!({
            "timestamp": Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            "ordinal": self.ordinal,
            "type": kind,
            "payload": payload,
        });
        let mut text = serde_json::to_string(&line)?;
        text.push('\n');
        file.write_all(text.as_bytes())?;
        file.flush()?;
        self.ordinal += 1;
        Ok(())
    }

    pub fn record_item(&mut self, item: &ResponseItem) -> std::io::Result<()> {
        self.record("response_item", serde_json::to_value(item)?)
    }

    pub fn record_event(&mut self, payload: Value) -> std::io::Result<()> {
        self.record("event_msg", payload)
    }

    pub fn record_token_count(
        &mut self,
        total: &TokenUsage,
        last: &TokenUsage,
        model_context_window: u64,
    ) -> std::io::Result<()> {
        self.record_event(json!({
            "type": "token_count",
            "info": {
                "total_token_usage": total,
                "last_token_usage": last,
                "model_context_window": model_context_window,
            },
            "rate_limits": null,
        }))
    }

    pub fn record_compacted(
        &mut self,
        message: &str,
        replacement_history: &[ResponseItem],
        window_id: &str,
    ) -> std::io::Result<()> {
        self.record(
            "compacted",
            json!({
                "message": message,
                "replacement_history": replacement_history,
                "window_id": window_id,
            }),
        )
    }
}
