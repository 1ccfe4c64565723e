//! The error texts of `config.md` §2: file, line, column and key, or the `-c` argument.

use std::collections::HashMap;
use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;

#[test]
fn type_errors_name_file_line_column_and_key() {
    let h = Home::new("model = 42\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:1:9: invalid type: integer `42`, expected a string\n  in `model`",
            h.config_path()
        )
    );
    let h = Home::new("# one\n# two\n\napproval_policy = \"sometimes\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:4:19: unknown variant `sometimes`, expected one of `untrusted`, `on-failure`, `on-request`, `never`\n  in `approval_policy`",
            h.config_path()
        )
    );
    let h =
        Home::new("model = \"m\"\n\n\n\n\n[sandbox_workspace_write]\nnetwork_access = \"yes\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:7:18: invalid type: string \"yes\", expected a boolean\n  in `sandbox_workspace_write.network_access`",
            h.config_path()
        )
    );
    let h = Home::new("[sandbox_workspace_write]\nwritable_roots = [\"relative/dir\"]\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:2:19: `relative/dir` is not an absolute path; writable roots must be absolute\n  in `sandbox_workspace_write.writable_roots[0]`",
            h.config_path()
        )
    );
}

#[test]
fn chat_wire_api_is_rejected_with_its_fix() {
    let h = Home::new(
        "model_provider = \"local\"\n\n\n\n\n\n\n\n\n[model_providers.local]\nname = \"Local\"\nwire_api = \"chat\"\n",
    );
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:12:12: `wire_api = \"chat\"` is no longer supported.\nHow to fix: set `wire_api = \"responses\"` in your provider config.\n  in `model_providers.local.wire_api`",
            h.config_path()
        )
    );
}

#[test]
fn syntax_errors_show_the_line() {
    let h = Home::new("model = \"ok\"\nsandbox_mode = read-only\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:2:16: string values must be quoted, expected literal string\n  sandbox_mode = read-only",
            h.config_path()
        )
    );
}

#[test]
fn override_errors() {
    let h = Home::new("");
    assert_eq!(
        h.error(h.with_args(&["model=true"])),
        "Error loading config.toml: invalid type: boolean `true`, expected a string\n  in -c override `model=true`"
    );
    assert_eq!(
        h.error(h.with_args(&["model=42"])),
        "Error loading config.toml: invalid type: integer `42`, expected a string\n  in -c override `model=42`"
    );
    assert_eq!(
        h.error(h.with_args(&["model=o3", "model"])),
        "Error parsing -c overrides: Invalid override (missing '='): model"
    );
    assert_eq!(
        h.error(h.with_args(&["=x"])),
        "Error parsing -c overrides: Empty key in override: =x"
    );
    assert_eq!(
        h.error(h.with_args(&["model_providers.mock.base_url=http://x"])),
        "Error loading config.toml: missing field `name`\n  in -c override `model_providers.mock.base_url=http://x`"
    );
}

#[test]
fn profile_errors_point_into_the_profile() {
    let h = Home::new("[profiles.p]\nmodel = 7\n");
    assert_eq!(
        h.error(ConfigOverrides {
            profile: Some("p".into()),
            ..h.overrides()
        }),
        format!(
            "Error loading config.toml: {}:2:9: invalid type: integer `7`, expected a string\n  in `profiles.p.model`",
            h.config_path()
        )
    );
    let h = Home::new("profile = \"gone\"\n");
    assert_eq!(
        h.error(h.overrides()),
        "Error: config profile `gone` not found"
    );
}

#[test]
fn unknown_keys_become_one_warning() {
    let h = Home::new(
        "foo = 1\nprofile = \"p\"\n[tui]\nnotifications = true\n[sandbox_workspace_write]\nbar = 2\n[profiles.p]\nbaz = 3\nprojects = {}\n",
    );
    assert_eq!(
        h.load(h.overrides()).warnings,
        vec![
            "warning: ignoring unknown config key(s) in config.toml: profiles.p.projects, profiles.p.baz, foo, sandbox_workspace_write.bar"
        ]
    );
}

#[test]
fn tui_notifications_take_a_bool_or_a_list_of_kinds() {
    let load = |text: &str| {
        let h = Home::new(text);
        let config = h.load(h.overrides());
        (config.tui_notifications, config.warnings)
    };
    assert_eq!(
        load("[tui]\nnotifications = false\n"),
        (TuiNotifications::None, Vec::new())
    );
    assert_eq!(
        load("[tui]\nnotifications = [\"approval-requested\", \"agent-turn-complete\"]\n"),
        (
            TuiNotifications::Only(vec![
                NotificationKind::ApprovalRequested,
                NotificationKind::AgentTurnComplete
            ]),
            Vec::new()
        )
    );
    let h = Home::new("[tui]\nnotifications = \"sometimes\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:2:17: invalid type: string \"sometimes\", expected a boolean or a list of `agent-turn-complete`, `approval-requested`\n  in `tui.notifications`",
            h.config_path()
        )
    );
    let h = Home::new("[tui]\nnotifications = [\"agent-turn-complete\", \"idle\"]\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:2:41: unknown variant `idle`, expected `agent-turn-complete` or `approval-requested`\n  in `tui.notifications[1]`",
            h.config_path()
        )
    );
    let only_approvals = TuiNotifications::Only(vec![NotificationKind::ApprovalRequested]);
    assert_eq!(
        [
            NotificationKind::AgentTurnComplete,
            NotificationKind::ApprovalRequested
        ]
        .map(|kind| {
            (
                TuiNotifications::All.allows(kind),
                TuiNotifications::None.allows(kind),
                only_approvals.allows(kind),
            )
        }),
        [(true, false, false), (true, false, true)]
    );
    let h = Home::new("[tui]\nnotification_method = \"toast\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:2:23: unknown variant `toast`, expected one of `auto`, `osc9`, `bel`\n  in `tui.notification_method`",
            h.config_path()
        )
    );
}

#[test]
fn config_file_problems() {
    let h = Home::new("");
    let _ = std::fs::remove_file(h.home.join("config.toml"));
    let _ = std::fs::create_dir(h.home.join("config.toml"));
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}: Is a directory (os error 21)",
            h.config_path()
        )
    );
    let missing = h.home.join("missing");
    let env = ConfigEnv {
        vars: HashMap::from([("CODEX_HOME".into(), missing.display().to_string())]),
    };
    assert_eq!(
        find_codex_home(&env).map_err(|err| err.to_string()),
        Err(format!(
            "Error loading configuration: CODEX_HOME points to \"{}\", but that path does not exist",
            missing.display()
        ))
    );
    let env = ConfigEnv {
        vars: HashMap::from([("HOME".into(), "/home/user".into())]),
    };
    assert_eq!(
        find_codex_home(&env).map_err(|err| err.to_string()),
        Ok(PathBuf::from("/home/user/.codex"))
    );
}

#[test]
fn cwd_must_exist() {
    let h = Home::new("");
    let missing = h.project.join("missing");
    assert_eq!(
        h.error(ConfigOverrides {
            cwd: Some(missing.clone()),
            ..h.overrides()
        }),
        format!(
            "Error: cannot use {} as the working directory: No such file or directory (os error 2)",
            missing.display()
        )
    );
}

#[test]
fn provider_errors() {
    let h = Home::new("model_provider = \"nope\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:1:18: model provider `nope` is not defined; add a [model_providers.nope] table or use one of: lmstudio, ollama, openai\n  in `model_provider`",
            h.config_path()
        )
    );
    let h = Home::new("[model_providers.x]\nbase_url = \"http://x\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:1:1: missing field `name`\n  in `model_providers.x`",
            h.config_path()
        )
    );
}

#[test]
fn mcp_server_errors() {
    let h = Home::new("[mcp_servers.docs]\ncommand = \"x\"\nurl = \"http://x\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:1:1: invalid transport in `mcp_servers.docs`\n  in `mcp_servers.docs`",
            h.config_path()
        )
    );
    let h = Home::new("[mcp_servers.web]\nurl = \"http://x\"\nbearer_token = \"s\"\n");
    assert_eq!(
        h.error(h.overrides()),
        format!(
            "Error loading config.toml: {}:3:16: mcp_servers.web uses unsupported `bearer_token`; set `bearer_token_env_var`.\n  in `mcp_servers.web.bearer_token`",
            h.config_path()
        )
    );
}
