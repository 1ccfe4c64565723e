//! From the merged configuration to `Config`: defaults, providers, sandbox, trust, instructions.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;
use crate::sandbox::SandboxPolicy;

#[test]
fn empty_config_gives_the_defaults() {
    let h = Home::new("");
    let env = h.env(&[]);
    assert_eq!(
        h.load(h.overrides()),
        Config {
            codex_home: h.home.clone(),
            cwd: h.project,
            model: "gpt-5.5".into(),
            model_provider_id: "openai".into(),
            model_provider: openai_provider(),
            chatgpt_base_url: "https://chatgpt.com/backend-api/".into(),
            model_reasoning_effort: None,
            model_reasoning_summary: None,
            model_verbosity: None,
            model_context_window: None,
            model_auto_compact_token_limit: None,
            model_supports_reasoning_summaries: false,
            approval_policy: AskForApproval::OnRequest,
            sandbox_policy: SandboxPolicy::ReadOnly,
            shell_environment_policy: ShellEnvironmentPolicy::default(),
            project_doc_max_bytes: 32768,
            project_doc_fallback_filenames: Vec::new(),
            base_instructions: None,
            developer_instructions: None,
            compact_prompt: None,
            hide_agent_reasoning: false,
            show_raw_agent_reasoning: false,
            notify: None,
            history_persistence: HistoryPersistence::SaveAll,
            tui_notifications: TuiNotifications::All,
            tui_notification_method: NotificationMethod::Auto,
            features: BTreeMap::new(),
            web_search: WebSearchMode::Disabled,
            trusted_projects: Vec::new(),
            mcp_servers: BTreeMap::new(),
            warnings: Vec::new(),
            env,
        }
    );
}

#[test]
fn missing_config_file_is_fine() {
    let h = Home::new("");
    let _ = std::fs::remove_file(h.home.join("config.toml"));
    assert_eq!(h.load(h.overrides()).model, "gpt-5.5");
}

#[test]
fn every_key_we_model() {
    let h = Home::new(
        r#"
model = "o3"
model_reasoning_effort = "high"
model_reasoning_summary = "none"
model_verbosity = "low"
model_context_window = 1000
model_auto_compact_token_limit = 900
model_supports_reasoning_summaries = true
approval_policy = "untrusted"
sandbox_mode = "workspace-write"
project_doc_max_bytes = 10
project_doc_fallback_filenames = ["CLAUDE.md"]
developer_instructions = "be brief"
compact_prompt = "summarise"
instructions = "ignored"
hide_agent_reasoning = true
show_raw_agent_reasoning = true
notify = ["python3", "/n.py"]
web_search = "live"
chatgpt_base_url = "http://127.0.0.1:9/backend-api/"
check_for_update_on_startup = false
file_opener = "none"

[history]
persistence = "none"
max_bytes = 100

[features]
unified_exec = true

[sandbox_workspace_write]
writable_roots = ["/data"]
network_access = true
exclude_tmpdir_env_var = true
exclude_slash_tmp = true

[shell_environment_policy]
inherit = "core"
ignore_default_excludes = true
exclude = ["A*"]
set = { CI = "1" }
include_only = ["PATH"]

[tui]
notifications = ["agent-turn-complete"]
notification_method = "bel"
animations = false

[mcp_servers.docs]
command = "docs-server"
"#,
    );
    let config = h.load(ConfigOverrides {
        additional_writable_roots: vec![PathBuf::from("extra"), PathBuf::from("/abs")],
        enable_features: vec!["view_image".into()],
        disable_features: vec!["unified_exec".into()],
        ..h.overrides()
    });
    let mut expected = h.load(h.overrides());
    expected.model = "o3".into();
    expected.chatgpt_base_url = "http://127.0.0.1:9/backend-api/".into();
    expected.model_reasoning_effort = Some(ReasoningEffort::High);
    expected.model_reasoning_summary = Some(ReasoningSummaryMode::None);
    expected.model_verbosity = Some(Verbosity::Low);
    expected.model_context_window = Some(1000);
    expected.model_auto_compact_token_limit = Some(900);
    expected.model_supports_reasoning_summaries = true;
    expected.approval_policy = AskForApproval::Untrusted;
    expected.sandbox_policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![
            PathBuf::from("/data"),
            h.project.join("extra"),
            PathBuf::from("/abs"),
        ],
        network_access: true,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: true,
    };
    expected.shell_environment_policy = ShellEnvironmentPolicy {
        inherit: EnvironmentInherit::Core,
        ignore_default_excludes: true,
        exclude: vec!["A*".into()],
        set: BTreeMap::from([("CI".into(), "1".into())]),
        include_only: vec!["PATH".into()],
    };
    expected.project_doc_max_bytes = 10;
    expected.project_doc_fallback_filenames = vec!["CLAUDE.md".into()];
    expected.developer_instructions = Some("be brief".into());
    expected.compact_prompt = Some("summarise".into());
    expected.hide_agent_reasoning = true;
    expected.show_raw_agent_reasoning = true;
    expected.notify = Some(vec!["python3".into(), "/n.py".into()]);
    expected.history_persistence = HistoryPersistence::None;
    expected.tui_notifications = TuiNotifications::Only(vec![NotificationKind::AgentTurnComplete]);
    expected.tui_notification_method = NotificationMethod::Bel;
    expected.features =
        BTreeMap::from([("unified_exec".into(), false), ("view_image".into(), true)]);
    expected.web_search = WebSearchMode::Live;
    expected.mcp_servers = BTreeMap::from([(
        "docs".into(),
        McpServerConfig {
            transport: McpServerTransportConfig::Stdio {
                command: "docs-server".into(),
                args: Vec::new(),
                env: None,
                env_vars: Vec::new(),
                cwd: None,
            },
            enabled: true,
            startup_timeout_sec: None,
            tool_timeout_sec: None,
            enabled_tools: None,
            disabled_tools: None,
        },
    )]);
    assert_eq!(config, expected);
}

#[test]
fn trusted_projects_default_to_workspace_write() {
    let h = Home::new("");
    let config_text = format!(
        "[projects.{:?}]\ntrust_level = \"trusted\"\n",
        h.project.display().to_string()
    );
    write(&h.home.join("config.toml"), &config_text);
    let in_subdir = h.load(ConfigOverrides {
        cwd: Some(h.project.join("sub")),
        additional_writable_roots: vec![PathBuf::from("../shared")],
        ..h.overrides()
    });
    assert_eq!(
        in_subdir.sandbox_policy,
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![h.project.join("sub/../shared")],
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        }
    );
    assert_eq!(in_subdir.trusted_projects, vec![h.project.clone()]);
    let explicit = h.load(ConfigOverrides {
        sandbox_mode: Some(SandboxMode::ReadOnly),
        additional_writable_roots: vec![PathBuf::from("/x")],
        ..h.overrides()
    });
    assert_eq!(explicit.sandbox_policy, SandboxPolicy::ReadOnly);
    assert_eq!(
        explicit.warnings,
        vec![
            "warning: ignoring --add-dir: the sandbox is read-only; use --sandbox workspace-write to allow writes"
        ]
    );
    let untrusted = Home::new("[projects.\"/elsewhere\"]\ntrust_level = \"trusted\"\n");
    assert_eq!(
        untrusted.load(untrusted.overrides()).sandbox_policy,
        SandboxPolicy::ReadOnly
    );
}

#[test]
fn the_trust_prompt_edit_trusts_the_project() {
    let h = Home::new("model = \"o3\"\n");
    let in_subdir = ConfigOverrides {
        cwd: Some(h.project.join("sub")),
        ..h.overrides()
    };
    let before = h.load(in_subdir.clone());
    assert!(!is_project_trusted(&before));
    assert_eq!(project_trust_key(&before.cwd), h.project);
    edit::set_project_trusted(&h.home, &project_trust_key(&before.cwd)).unwrap();
    let after = h.load(in_subdir);
    assert!(is_project_trusted(&after));
    assert_eq!(
        (after.trusted_projects, after.sandbox_policy),
        (
            vec![h.project],
            SandboxPolicy::WorkspaceWrite {
                writable_roots: Vec::new(),
                network_access: false,
                exclude_tmpdir_env_var: false,
                exclude_slash_tmp: false,
            }
        )
    );
}

#[test]
fn approval_policy_precedence() {
    let h = Home::new("");
    let policy = |flag: Option<AskForApproval>, default: Option<AskForApproval>, args: &[&str]| {
        h.load(ConfigOverrides {
            approval_policy: flag,
            default_approval_policy: default,
            ..h.with_args(args)
        })
        .approval_policy
    };
    assert_eq!(policy(None, None, &[]), AskForApproval::OnRequest);
    assert_eq!(
        policy(None, Some(AskForApproval::Never), &[]),
        AskForApproval::Never
    );
    assert_eq!(
        policy(
            None,
            Some(AskForApproval::Never),
            &["approval_policy=on-failure"]
        ),
        AskForApproval::OnFailure
    );
    assert_eq!(
        policy(
            Some(AskForApproval::Untrusted),
            Some(AskForApproval::Never),
            &["approval_policy=on-failure"]
        ),
        AskForApproval::Untrusted
    );
}

#[test]
fn openai_base_url_sources() {
    let h = Home::new("");
    let base_url = |args: &[&str], env: &[(&str, &str)]| {
        h.load_with_env(h.with_args(args), env)
            .model_provider
            .base_url
    };
    assert_eq!(
        base_url(&[], &[("OPENAI_BASE_URL", " ")]),
        "https://api.openai.com/v1"
    );
    assert_eq!(
        base_url(&[], &[("OPENAI_BASE_URL", "http://env/v1")]),
        "http://env/v1"
    );
    assert_eq!(
        base_url(
            &["openai_base_url=http://key/v1"],
            &[("OPENAI_BASE_URL", "http://env/v1")]
        ),
        "http://key/v1"
    );
}

#[test]
fn a_blank_chatgpt_base_url_is_the_default() {
    let h = Home::new("chatgpt_base_url = \" \"\n");
    assert_eq!(
        h.load(h.overrides()).chatgpt_base_url,
        "https://chatgpt.com/backend-api/"
    );
}

#[test]
fn custom_provider_defaults_and_caps() {
    let h = Home::new(
        "model_provider = \"mine\"\n[model_providers.mine]\nname = \"Mine\"\nenv_key = \"MINE_KEY\"\nrequest_max_retries = 1000\ninstructions_placement = \"instructions\"\nquery_params = { v = \"1\" }\n\n[model_providers.openai]\nname = \"Not OpenAI\"\nbase_url = \"http://evil\"\n",
    );
    let config = h.load(h.overrides());
    assert_eq!(
        config.model_provider,
        ModelProviderInfo {
            name: "Mine".into(),
            env_key: Some("MINE_KEY".into()),
            query_params: BTreeMap::from([("v".into(), "1".into())]),
            env_http_headers: BTreeMap::new(),
            request_max_retries: 100,
            requires_openai_auth: false,
            supports_websockets: false,
            instructions_placement: InstructionsPlacement::Instructions,
            is_builtin_openai: false,
            ..openai_provider()
        }
    );
    assert_eq!(
        config.warnings,
        vec![
            "warning: ignoring [model_providers.openai] in config.toml: `openai` is a built-in provider and cannot be replaced; use another id"
        ]
    );
    let builtin = h.load(h.with_args(&["model_provider=openai"]));
    assert_eq!(builtin.model_provider, openai_provider());
}

#[test]
fn oss_providers() {
    let h = Home::new("model = \"configured\"\n");
    let oss = |local: Option<&str>, args: &[&str], env: &[(&str, &str)]| {
        let config = h.load_with_env(
            ConfigOverrides {
                oss: true,
                local_provider: local.map(str::to_string),
                ..h.with_args(args)
            },
            env,
        );
        (
            config.model_provider_id,
            config.model,
            config.model_provider,
        )
    };
    assert_eq!(
        oss(Some("ollama"), &[], &[]),
        (
            "ollama".into(),
            "gpt-oss:20b".into(),
            local_provider("http://localhost:11434/v1")
        )
    );
    assert_eq!(
        oss(
            None,
            &["oss_provider=lmstudio"],
            &[("CODEX_OSS_PORT", "9999")]
        ),
        (
            "lmstudio".into(),
            "openai/gpt-oss-20b".into(),
            local_provider("http://localhost:9999/v1")
        )
    );
    assert_eq!(
        oss(
            Some("ollama"),
            &[],
            &[
                ("CODEX_OSS_BASE_URL", "http://gpu:1/v1"),
                ("CODEX_OSS_PORT", "9")
            ]
        )
        .2,
        local_provider("http://gpu:1/v1")
    );
    assert_eq!(
        h.error(ConfigOverrides {
            oss: true,
            ..h.overrides()
        }),
        "No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml"
    );
    assert_eq!(
        h.error(ConfigOverrides {
            oss: true,
            local_provider: Some("vllm".into()),
            ..h.overrides()
        }),
        "Error: unknown local provider `vllm`; use one of: lmstudio, ollama"
    );
    assert_eq!(
        h.load(ConfigOverrides {
            oss: true,
            local_provider: Some("ollama".into()),
            model: Some("llama3".into()),
            ..h.overrides()
        })
        .model,
        "llama3"
    );
}

#[test]
fn instructions() {
    let h = Home::new("");
    write(&h.project.join("base.md"), "You are a test.\n");
    let config = h.load(h.with_args(&["experimental_instructions_file=base.md"]));
    assert_eq!(
        config.base_instructions.as_deref(),
        Some("You are a test.\n")
    );
    let config = h.load(ConfigOverrides {
        base_instructions: Some("flag".into()),
        developer_instructions: Some("dev flag".into()),
        ..h.with_args(&[
            "model_instructions_file=base.md",
            "developer_instructions=dev key",
        ])
    });
    assert_eq!(
        (
            config.base_instructions.as_deref(),
            config.developer_instructions.as_deref()
        ),
        (Some("flag"), Some("dev flag"))
    );
    write(
        &h.home.join("config.toml"),
        "model_instructions_file = \"missing.md\"\n",
    );
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:1:27: cannot read model instructions file {}: No such file or directory (os error 2)\n  in `model_instructions_file`",
            h.config_path(),
            h.project.join("missing.md").display()
        )
    );
}
