//! `-c` values (`config.md` §3) and the precedence of profiles and overrides (§4).

use std::collections::BTreeMap;
use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;
use crate::sandbox::SandboxPolicy;

#[test]
fn override_values_per_the_spec_table() {
    let h = Home::new("");
    let model = |arg: &str| h.load(h.with_args(&[arg])).model;
    assert_eq!(model("model=o3-raw"), "o3-raw");
    assert_eq!(model("model=\"quoted\""), "quoted");
    assert_eq!(model("model=a b"), "a b");
    let config = h.load(h.with_args(&[
        "sandbox_mode=workspace-write",
        "sandbox_workspace_write.writable_roots=[\"/x\"]",
        "shell_environment_policy.set={CI=\"1\"}",
        "model_providers.mock.name=Mock",
        "model_providers.mock.base_url=\"http://127.0.0.1:9/v1\"",
        "model_provider=mock",
    ]));
    assert_eq!(
        config.sandbox_policy,
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![PathBuf::from("/x")],
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        }
    );
    assert_eq!(
        config.shell_environment_policy.set,
        BTreeMap::from([("CI".into(), "1".into())])
    );
    assert_eq!(
        (
            config.model_provider_id.as_str(),
            config.model_provider.base_url.as_str()
        ),
        ("mock", "http://127.0.0.1:9/v1")
    );
}

#[test]
fn later_overrides_win_and_tables_merge() {
    let h = Home::new("[shell_environment_policy]\ninherit = \"core\"\nset = { A = \"1\" }\n");
    let config = h.load(h.with_args(&[
        "model=first",
        "model=second",
        "shell_environment_policy.set={B=\"2\"}",
    ]));
    assert_eq!(config.model, "second");
    // The table merges key by key; the `set` leaf is replaced.
    assert_eq!(
        config.shell_environment_policy.inherit,
        EnvironmentInherit::Core
    );
    assert_eq!(
        config.shell_environment_policy.set,
        BTreeMap::from([("B".into(), "2".into())])
    );
}

const PROFILES: &str = r#"
model = "root"
approval_policy = "never"
profile = "p1"

[sandbox_workspace_write]
network_access = true

[profiles.p1]
model = "from-p1"

[profiles.p2]
model = "from-p2"
sandbox_mode = "workspace-write"

[profiles.p2.sandbox_workspace_write]
exclude_slash_tmp = true
"#;

#[test]
fn profiles_and_precedence() {
    let h = Home::new(PROFILES);
    let load = |profile: Option<&str>, args: &[&str]| {
        h.load(ConfigOverrides {
            profile: profile.map(str::to_string),
            ..h.with_args(args)
        })
    };
    assert_eq!(load(None, &[]).model, "from-p1");
    assert_eq!(load(Some("p2"), &[]).model, "from-p2");
    assert_eq!(load(Some("p2"), &["model=cli"]).model, "cli");
    assert_eq!(load(None, &["profile=p2"]).model, "from-p2");
    assert_eq!(load(Some("p3"), &["profiles.p3.model=y"]).model, "y");
    assert_eq!(
        h.load(ConfigOverrides {
            profile: Some("p2".into()),
            model: Some("flag".into()),
            ..h.with_args(&["model=cli"])
        })
        .model,
        "flag"
    );
    let p2 = load(Some("p2"), &[]);
    assert_eq!(p2.approval_policy, AskForApproval::Never);
    assert_eq!(
        p2.sandbox_policy,
        SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: true,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: true,
        }
    );
    assert_eq!(
        h.error(ConfigOverrides {
            profile: Some("nope".into()),
            ..h.overrides()
        }),
        "Error: config profile `nope` not found"
    );
}
