//! Builds one sampling request: the body in the wire's key order, the per-request headers and
//! the turn metadata (header `x-codex-turn-metadata` and body `client_metadata`).

use serde_json::Map;
use serde_json::Value;
use serde_json::json;

use super::Session;
use super::turn::TurnContext;
use crate::client::ApiRequest;
use crate::config::InstructionsPlacement;
use crate::protocol::models::ResponseItem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Turn,
    Compaction(CompactionTrigger),
    /// The WebSocket prewarm (§9 W2): also the handshake's headers; `turn_id` is `""`.
    Prewarm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactionTrigger {
    Auto,
    Manual,
}

/// The identity of the turn a request belongs to.
#[derive(Debug, Clone)]
pub struct TurnIds {
    pub turn_id: String,
    pub started_at_unix_ms: i64,
}

pub(crate) fn build_request(
    sess: &Session,
    turn_context: &TurnContext,
    kind: RequestKind,
    input: &[ResponseItem],
    window_number: u64,
    context_window_id: &str,
    mcp_tools: &[Value],
) -> ApiRequest {
    let turn_id = match kind {
        RequestKind::Prewarm => "",
        RequestKind::Turn | RequestKind::Compaction(_) => turn_context.ids.turn_id.as_str(),
    };
    let config = &turn_context.config;
    let model = &turn_context.model;
    let window_id = format!("{}:{window_number}", sess.thread_id);
    let metadata = turn_metadata(
        sess,
        turn_context,
        kind,
        &window_id,
        window_number,
        context_window_id,
    );

    let mut input: Vec<Value> = input
        .iter()
        .filter_map(|item| serde_json::to_value(item).ok())
        .collect();
    let instructions_placement = sess.client.provider().instructions_placement;
    let mut body = Map::new();
    body.insert("model".into(), json!(config.model));
    if instructions_placement == InstructionsPlacement::Instructions && !input.is_empty() {
        input.remove(0);
        body.insert("instructions".into(), json!(sess.base_instructions));
    }
    body.insert("stream".into(), json!(true));
    body.insert("input".into(), Value::Array(input));
    let (tools, parallel) = match kind {
        RequestKind::Turn | RequestKind::Prewarm => {
            let tools = sess.tools.iter().chain(mcp_tools).cloned().collect();
            (tools, model.info.parallel_tool_calls)
        }
        RequestKind::Compaction(_) => (Vec::new(), false),
    };
    body.insert("tools".into(), Value::Array(tools));
    body.insert("tool_choice".into(), json!("auto"));
    body.insert("parallel_tool_calls".into(), json!(parallel));
    let mut reasoning = Map::new();
    if let Some(effort) = model.reasoning_effort {
        reasoning.insert("effort".into(), json!(effort.as_str()));
    }
    if let Some(summary) = model.reasoning_summary
        && summary != crate::config::ReasoningSummaryMode::None
    {
        reasoning.insert("summary".into(), json!(summary.as_str()));
    }
    if !reasoning.is_empty() {
        body.insert("reasoning".into(), Value::Object(reasoning));
    }
    body.insert("store".into(), json!(false));
    body.insert("include".into(), json!(["reasoning.encrypted_content"]));
    body.insert("prompt_cache_key".into(), json!(sess.thread_id));
    let mut text = Map::new();
    if let Some(verbosity) = model.verbosity {
        text.insert("verbosity".into(), json!(verbosity.as_str()));
    }
    if let Some(schema) = &turn_context.output_schema {
        text.insert(
            "format".into(),
            json!({
                "type": "json_schema",
                "strict": true,
                "schema": schema,
                "name": "codex_output_schema",
            }),
        );
    }
    if !text.is_empty() {
        body.insert("text".into(), Value::Object(text));
    }
    body.insert(
        "client_metadata".into(),
        json!({
            "root_turn_id": turn_id,
            "x-codex-turn-metadata": metadata,
            "turn_id": turn_id,
            "thread_id": sess.thread_id,
            "session_id": sess.thread_id,
            "x-codex-window-id": window_id,
            "x-codex-installation-id": sess.installation_id,
        }),
    );

    let mut headers = Vec::new();
    if let Some(auth) = &turn_context.auth {
        headers.extend(auth.headers());
    }
    headers.extend([
        ("originator".to_string(), sess.options.originator.clone()),
        ("user-agent".to_string(), sess.user_agent.clone()),
        ("session-id".to_string(), sess.thread_id.clone()),
        ("thread-id".to_string(), sess.thread_id.clone()),
        ("x-client-request-id".to_string(), sess.thread_id.clone()),
        ("x-codex-window-id".to_string(), window_id),
        ("x-codex-turn-metadata".to_string(), metadata),
        ("accept".to_string(), "text/event-stream".to_string()),
        ("content-type".to_string(), "application/json".to_string()),
    ]);
    if sess.client.provider().is_builtin_openai {
        headers.push(("version".to_string(), env!("CARGO_PKG_VERSION").to_string()));
    }
    ApiRequest {
        body: Value::Object(body),
        headers,
    }
}

fn turn_metadata(
    sess: &Session,
    turn_context: &TurnContext,
    kind: RequestKind,
    window_id: &str,
    window_number: u64,
    context_window_id: &str,
) -> String {
    let turn = &turn_context.ids;
    let prewarm = kind == RequestKind::Prewarm;
    let mut meta = Map::new();
    meta.insert("installation_id".into(), json!(sess.installation_id));
    meta.insert("session_id".into(), json!(sess.thread_id));
    meta.insert("thread_id".into(), json!(sess.thread_id));
    meta.insert("agent_name".into(), json!("/root"));
    meta.insert(
        "turn_id".into(),
        json!(if prewarm { "" } else { turn.turn_id.as_str() }),
    );
    meta.insert("window_id".into(), json!(window_id));
    meta.insert("window_number".into(), json!(window_number));
    meta.insert("context_window_id".into(), json!(context_window_id));
    let request_kind = match kind {
        RequestKind::Turn => "turn",
        RequestKind::Compaction(_) => "compaction",
        RequestKind::Prewarm => "prewarm",
    };
    meta.insert("request_kind".into(), json!(request_kind));
    meta.insert(
        "history_initialization".into(),
        json!(sess.history_initialization),
    );
    if !prewarm {
        meta.insert("root_turn_id".into(), json!(turn.turn_id));
    }
    meta.insert("thread_source".into(), json!(sess.options.thread_source));
    if !prewarm {
        meta.insert("turn_trigger".into(), json!(sess.options.turn_trigger));
    }
    meta.insert("sandbox".into(), json!("seccomp"));
    meta.insert(
        "sandbox_mode".into(),
        json!(turn_context.config.sandbox_policy.mode().as_str()),
    );
    meta.insert("auto_review_enabled".into(), json!(false));
    meta.insert("node_repl_auto_review_required".into(), json!(false));
    meta.insert("node_repl_disabled".into(), json!(false));
    if !prewarm {
        meta.insert(
            "turn_started_at_unix_ms".into(),
            json!(turn.started_at_unix_ms),
        );
    }
    meta.insert("analytics_enabled".into(), json!(true));
    meta.insert("model".into(), json!(turn_context.config.model));
    if let Some(effort) = turn_context.model.reasoning_effort {
        meta.insert("reasoning_effort".into(), json!(effort.as_str()));
    }
    if let RequestKind::Compaction(trigger) = kind {
        let (trigger, reason, phase) = match trigger {
            CompactionTrigger::Auto => ("auto", "context_limit", "mid_turn"),
            CompactionTrigger::Manual => ("manual", "user_request", "standalone"),
        };
        meta.insert(
            "compaction".into(),
            json!({
                "trigger": trigger,
                "reason": reason,
                "implementation": "responses",
                "phase": phase,
                "strategy": "memento",
            }),
        );
    }
    Value::Object(meta).to_string()
}
