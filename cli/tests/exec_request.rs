//! The shape of what `codex exec` sends: headers, body key order, initial context items, and
//! the fields config changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use codex_test_support::MockResponse;
use common::TestEnv;
use common::input;
use common::stderr;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

fn first_request(env: &TestEnv, args: &[&str]) -> codex_test_support::RecordedRequest {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    all.push("Say hello");
    let output = env
        .codex()
        .env("TZ", "Etc/UTC")
        .arg("exec")
        .args(&all)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    env.server.requests().remove(0)
}

#[test]
fn headers_and_body_follow_the_wire_spec() {
    let env = TestEnv::new(vec![MockResponse::message("hi")]);
    let request = first_request(&env, &[]);
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/responses");
    let thread_id = request.header("session-id").unwrap().to_string();
    assert_eq!(thread_id.len(), 36);

    let names: Vec<&str> = request
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    for absent in [
        "accept-encoding",
        "openai-organization",
        "openai-project",
        "version",
        "transfer-encoding",
    ] {
        assert!(!names.contains(&absent), "{absent} in {names:?}");
    }
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(request.header("originator"), Some("codex_exec"));
    assert_eq!(request.header("thread-id"), Some(thread_id.as_str()));
    assert_eq!(
        request.header("x-client-request-id"),
        Some(thread_id.as_str())
    );
    assert_eq!(
        request.header("x-codex-window-id"),
        Some(format!("{thread_id}:0").as_str())
    );
    assert_eq!(request.header("accept"), Some("text/event-stream"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("content-length"),
        Some(request.raw_body.len().to_string().as_str())
    );
    let user_agent = request.header("user-agent").unwrap();
    assert!(
        user_agent.starts_with("codex_exec/0.169.0 ("),
        "{user_agent}"
    );
    assert!(
        user_agent.ends_with(&format!(
            "; {}) dumb (codex_exec; 0.169.0)",
            std::env::consts::ARCH
        )),
        "{user_agent}"
    );

    let body = &request.body;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        vec![
            "model",
            "stream",
            "input",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "reasoning",
            "store",
            "include",
            "prompt_cache_key",
            "text",
            "client_metadata"
        ]
    );
    assert_eq!(body["model"], "gpt-5.5");
    assert_eq!(body["stream"], true);
    let tools: Vec<&str> = body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        vec![
            "exec_command",
            "write_stdin",
            "update_plan",
            "apply_patch",
            "view_image"
        ]
    );
    assert_eq!(body["tools"][3]["type"], "custom");
    assert_eq!(body["tools"][3]["format"]["syntax"], "lark");
    assert_eq!(body["tools"][0]["parameters"]["required"], json!(["cmd"]));
    assert_eq!(body["tools"][0]["strict"], false);
    assert_eq!(body["tool_choice"], "auto");
    assert_eq!(body["parallel_tool_calls"], true);
    assert_eq!(body["reasoning"], json!({"effort": "medium"}));
    assert_eq!(body["store"], false);
    assert_eq!(body["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(body["prompt_cache_key"], thread_id.as_str());
    assert_eq!(body["text"], json!({"verbosity": "low"}));

    let metadata_header = request.header("x-codex-turn-metadata").unwrap();
    let metadata: Value = serde_json::from_str(metadata_header).unwrap();
    let metadata_keys: Vec<&str> = metadata
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        metadata_keys,
        vec![
            "installation_id",
            "session_id",
            "thread_id",
            "agent_name",
            "turn_id",
            "window_id",
            "window_number",
            "context_window_id",
            "request_kind",
            "history_initialization",
            "root_turn_id",
            "thread_source",
            "turn_trigger",
            "sandbox",
            "sandbox_mode",
            "auto_review_enabled",
            "node_repl_auto_review_required",
            "node_repl_disabled",
            "turn_started_at_unix_ms",
            "analytics_enabled",
            "model",
            "reasoning_effort"
        ]
    );
    let installation_id = std::fs::read_to_string(env.home.path().join("installation_id")).unwrap();
    let turn_id = metadata["turn_id"].as_str().unwrap();
    assert_eq!(metadata["installation_id"], installation_id.as_str());
    assert_eq!(metadata["agent_name"], "/root");
    assert_eq!(metadata["request_kind"], "turn");
    assert_eq!(metadata["sandbox"], "seccomp");
    assert_eq!(metadata["sandbox_mode"], "read-only");
    assert_eq!(metadata["turn_trigger"], "exec");
    assert_eq!(metadata["thread_source"], "user");
    assert_eq!(metadata["root_turn_id"], turn_id);
    assert_eq!(metadata["reasoning_effort"], "medium");
    assert_eq!(
        body["client_metadata"],
        json!({
            "root_turn_id": turn_id,
            "x-codex-turn-metadata": metadata_header,
            "turn_id": turn_id,
            "thread_id": thread_id,
            "session_id": thread_id,
            "x-codex-window-id": format!("{thread_id}:0"),
            "x-codex-installation-id": installation_id,
        })
    );

    let items = input(body);
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["id"], format!("msg_{thread_id}").as_str());
    assert_eq!(items[0]["role"], "developer");
    let permissions = items[1]["content"][0]["text"].as_str().unwrap();
    assert!(
        permissions.starts_with("<permissions instructions>\n"),
        "{permissions}"
    );
    assert!(permissions.contains("`read-only`"), "{permissions}");
    assert!(permissions.contains("`never`"), "{permissions}");
    let cwd = env.cwd().display().to_string();
    let env_context = items[2]["content"][0]["text"].as_str().unwrap();
    let lines: Vec<&str> = env_context.lines().collect();
    assert_eq!(lines.len(), 7, "{env_context}");
    assert_eq!(lines[0], "<environment_context>");
    assert_eq!(lines[1], format!("  <cwd>{cwd}</cwd>"));
    assert_eq!(lines[2], "  <shell>bash</shell>");
    assert!(
        lines[3].starts_with("  <current_date>") && lines[3].len() == 41,
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "  <timezone>Etc/UTC</timezone>");
    assert_eq!(
        lines[5],
        format!(
            "  <filesystem><workspace_roots><root>{cwd}</root></workspace_roots><permission_profile type=\"managed\"><file_system type=\"restricted\"><entry access=\"read\"><special>:root</special></entry></file_system></permission_profile></filesystem>"
        )
    );
    assert_eq!(lines[6], "</environment_context>");
    assert_eq!(
        items[3]["content"],
        json!([{"type": "input_text", "text": "Say hello"}])
    );
    for item in &items {
        let id = item["id"].as_str().unwrap();
        assert!(id.starts_with("msg_"), "{id}");
    }
}

#[test]
fn reasoning_and_output_schema_settings_reach_the_body() {
    let env = TestEnv::new(vec![MockResponse::message("{\"ok\":true}")]);
    let schema = json!({"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"], "additionalProperties": false});
    let schema_path = env.path("schema.json");
    std::fs::write(&schema_path, schema.to_string()).unwrap();
    let request = first_request(
        &env,
        &[
            "-c",
            "model_reasoning_effort=\"high\"",
            "-c",
            "model_reasoning_summary=detailed",
            "--output-schema",
            schema_path.to_str().unwrap(),
        ],
    );
    assert_eq!(
        request.body["reasoning"],
        json!({"effort": "high", "summary": "detailed"})
    );
    assert_eq!(
        request.body["text"],
        json!({"verbosity": "low", "format": {"type": "json_schema", "strict": true, "schema": schema, "name": "codex_output_schema"}})
    );
}

#[test]
fn unknown_models_warn_and_use_fallback_defaults() {
    let env = TestEnv::new(vec![MockResponse::message("hi")]);
    let output = env
        .codex()
        .args(["exec", "-m", "mystery-model", "hi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains(
        "Model metadata for `mystery-model` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."
    ));
    let body = &env.server.requests()[0].body;
    assert_eq!(body["model"], "mystery-model");
    assert_eq!(body["reasoning"], json!({"summary": "auto"}));
    assert!(body.get("text").is_none());
    assert!(
        body["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|tool| tool["name"] == "apply_patch")
    );
}

#[test]
fn instructions_placement_moves_base_instructions_out_of_input() {
    let env = TestEnv::new(vec![MockResponse::message("hi")]);
    let request = first_request(
        &env,
        &[
            "-c",
            "model_providers.mock.instructions_placement=\"instructions\"",
        ],
    );
    let keys: Vec<&str> = request
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys[..3], ["model", "instructions", "stream"]);
    assert!(
        request.body["instructions"]
            .as_str()
            .unwrap()
            .contains("Codex")
    );
    let items = input(&request.body);
    assert_eq!(items.len(), 3);
    assert!(
        items[0]["content"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("<permissions instructions>")
    );
}

#[test]
fn agents_md_is_injected_before_the_environment_context() {
    let env = TestEnv::new(vec![MockResponse::message("hi")]);
    std::fs::write(env.path("AGENTS.md"), "Use tabs.\n").unwrap();
    let request = first_request(&env, &[]);
    let items = input(&request.body);
    let parts = items[2]["content"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0]["text"],
        format!(
            "# AGENTS.md instructions for {}\n\n<INSTRUCTIONS>\nUse tabs.\n\n</INSTRUCTIONS>",
            env.cwd().display()
        )
        .as_str()
    );
    assert!(
        parts[1]["text"]
            .as_str()
            .unwrap()
            .starts_with("<environment_context>")
    );
}

#[test]
fn provider_query_params_and_headers_are_sent() {
    let env = TestEnv::with_config(vec![MockResponse::message("hi")], "");
    let request = first_request(
        &env,
        &[
            "-c",
            "model_providers.mock.query_params={api-version=\"2025-01-01\"}",
            "-c",
            "model_providers.mock.http_headers={X-Static=\"yes\"}",
        ],
    );
    assert_eq!(request.query.as_deref(), Some("api-version=2025-01-01"));
    assert_eq!(request.header("x-static"), Some("yes"));
}

#[test]
fn images_become_parts_of_the_user_message() {
    let env = TestEnv::new(vec![MockResponse::message("a red square")]);
    let png = b"\x89PNG\r\n\x1a\nfake";
    std::fs::write(env.path("red.png"), png).unwrap();
    let request = first_request(&env, &["--image=red.png"]);
    let items = input(&request.body);
    let path = env.cwd().join("red.png");
    assert_eq!(
        items[3]["content"],
        json!([
            {"type": "input_text", "text": format!("<image name=[Image #1] path=\"{}\">", path.display())},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgpmYWtl", "detail": "original"},
            {"type": "input_text", "text": "</image>"},
            {"type": "input_text", "text": "Say hello"},
        ])
    );
}

#[test]
fn cd_add_dir_sandbox_and_thread_source_flags() {
    let env = TestEnv::new(vec![MockResponse::message("hi")]);
    std::fs::create_dir(env.path("sub")).unwrap();
    let extra = tempfile::tempdir().unwrap();
    let extra_path = extra.path().canonicalize().unwrap();
    let output = env
        .codex()
        .env("TZ", "Etc/UTC")
        .args([
            "exec",
            "-C",
            "sub",
            "-s",
            "workspace-write",
            "--add-dir",
            extra_path.to_str().unwrap(),
            "--thread-source",
            "automation",
            "--cyber-access-program",
            "daybreak_blue",
            "hi",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let sub = env.cwd().join("sub");
    let err = stderr(&output);
    assert!(
        err.contains(&format!("workdir: {}\n", sub.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "sandbox: workspace-write [workdir, /tmp, $TMPDIR, {}]\n",
            extra_path.display()
        )),
        "{err}"
    );
    let request = env.server.requests().remove(0);
    let metadata: Value =
        serde_json::from_str(request.header("x-codex-turn-metadata").unwrap()).unwrap();
    assert_eq!(metadata["thread_source"], "automation");
    assert_eq!(metadata["sandbox_mode"], "workspace-write");
    let items = input(&request.body);
    let env_context = items[2]["content"][0]["text"].as_str().unwrap();
    assert!(
        env_context.contains(&format!(
            "<workspace_roots><root>{}</root><root>{}</root></workspace_roots>",
            sub.display(),
            extra_path.display()
        )),
        "{env_context}"
    );
    assert!(
        env_context.contains(&format!(
            "<entry access=\"write\"><path>{}</path></entry><entry access=\"write\"><path>{}</path></entry><entry access=\"write\"><special>:slash_tmp</special></entry>",
            sub.display(),
            extra_path.display()
        )),
        "{env_context}"
    );
    let permissions = items[1]["content"][0]["text"].as_str().unwrap();
    assert!(permissions.contains("`workspace-write`"), "{permissions}");
    let rollout = std::fs::read_to_string(&env.home.rollout_files()[0]).unwrap();
    let meta: Value = serde_json::from_str(rollout.lines().next().unwrap()).unwrap();
    assert_eq!(meta["payload"]["thread_source"], "automation");
    assert_eq!(meta["payload"]["cwd"], sub.display().to_string());
}
