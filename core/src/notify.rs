//! The `notify` hook: after each turn that completes normally, spawn the configured program with
//! one extra argument, a JSON description of the turn. Fire and forget.

use std::process::Stdio;

use serde_json::json;

use crate::config::Config;

pub fn notify_turn_complete(
    config: &Config,
    thread_id: &str,
    turn_id: &str,
    input_messages: &[String],
    last_assistant_message: Option<&str>,
) {
    let Some(argv) = &config.notify else {
        return;
    };
    let Some((program, args)) = argv.split_first() else {
        return;
    };
    let payload = json!({
        "type": "agent-turn-complete",
        "thread-id": thread_id,
        "turn-id": turn_id,
        "cwd": config.cwd,
        "input-messages": input_messages,
        "last-assistant-message": last_assistant_message,
    });
    let spawned = tokio::process::Command::new(program)
        .args(args)
        .arg(payload.to_string())
        .current_dir(&config.cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        // Reap the child in the background so it never becomes a zombie.
        Ok(mut child) => {
            tokio::spawn(async move {
                let _ = child.wait().await;
            });
        }
        Err(err) => tracing::warn!("failed to spawn notifier '{program}': {err}"),
    }
}
