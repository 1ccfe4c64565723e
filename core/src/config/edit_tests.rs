use pretty_assertions::assert_eq;

use super::*;

const PROJECT: &str = "/home/user/project";

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => panic!("{err}"),
    }
}

/// `config.toml` after running `edit` on a home whose config.toml is `before`.
fn edited(before: &str, edit: impl FnOnce(&Path) -> Result<(), ConfigEditError>) -> String {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, before).unwrap();
    edit(home.path()).unwrap();
    std::fs::read_to_string(path).unwrap()
}

fn trust(home: &Path) -> Result<(), ConfigEditError> {
    set_project_trusted(home, Path::new(PROJECT))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn trust_creates_codex_home_and_config() {
    let temp = tempdir();
    let home = temp.path().join("codex");
    trust(&home).unwrap();
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        "[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n"
    );
    #[cfg(unix)]
    assert_eq!(
        (mode(&home.join("config.toml")), mode(&home)),
        (0o600, 0o700)
    );
}

#[test]
fn trust_keeps_comments_keys_and_other_projects() {
    let before = r#"# my settings
model = "o3" # pinned

[projects."/home/user/other"]
trust_level = "trusted"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    let expected = r#"# my settings
model = "o3" # pinned

[projects."/home/user/other"]
trust_level = "trusted"

[projects."/home/user/project"]
trust_level = "trusted"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn trust_appends_after_top_level_keys() {
    let before = "# comment\nmodel = \"o3\"\n";
    let expected = "# comment\nmodel = \"o3\"\n\n[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n";
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn trust_replaces_an_untrusted_entry_in_place() {
    let before = r#"[projects."/home/user/project"]
# decided earlier
trust_level = "untrusted" # was unsure
note = "keep me"
"#;
    let expected = r#"[projects."/home/user/project"]
# decided earlier
trust_level = "trusted" # was unsure
note = "keep me"
"#;
    assert_eq!(edited(before, trust), expected);
    assert_eq!(edited(expected, trust), expected);
}

#[test]
fn trust_turns_inline_projects_into_sections() {
    let before = r#"model = "o3"
projects = { "/home/user/other" = { trust_level = "trusted" } }

[tui]
notifications = true
"#;
    let expected = r#"model = "o3"

[projects]
"/home/user/other" = { trust_level = "trusted" }

[projects."/home/user/project"]
trust_level = "trusted"

[tui]
notifications = true
"#;
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn invalid_toml_is_left_unchanged() {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, "model = \n").unwrap();
    let err = trust(home.path()).unwrap_err();
    assert!(matches!(err, ConfigEditError::Parse { .. }), "{err:?}");
    assert_eq!(std::fs::read_to_string(path).unwrap(), "model = \n");
}

#[test]
fn projects_that_is_not_a_table_is_an_error() {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, "projects = 1\n").unwrap();
    let err = trust(home.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: `projects` is not a table, so it was left unchanged; fix it, then try again",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(path).unwrap(), "projects = 1\n");
}

const WITH_PROFILE: &str = r#"# top
model = "o3" # pinned
model_reasoning_effort = "low"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;

#[test]
fn set_model_at_top_level_replaces_in_place() {
    let expected = r#"# top
model = "gpt-5.5" # pinned
model_reasoning_effort = "high"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            None,
            "gpt-5.5",
            Some(ReasoningEffort::High)
        )),
        expected
    );
}

#[test]
fn set_model_without_effort_removes_the_effort_key() {
    let expected = r#"# top
model = "gpt-5.5" # pinned

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(home, None, "gpt-5.5", None)),
        expected
    );
}

#[test]
fn set_model_in_an_existing_profile() {
    let expected = r#"# top
model = "o3" # pinned
model_reasoning_effort = "low"

# profiles below
[profiles.fast]
model = "gpt-5.5"
model_reasoning_effort = "minimal"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            Some("fast"),
            "gpt-5.5",
            Some(ReasoningEffort::Minimal)
        )),
        expected
    );
}

#[test]
fn set_model_creates_a_profile_and_the_file() {
    let expected = format!(
        "{WITH_PROFILE}\n[profiles.deep]\nmodel = \"gpt-5.5\"\nmodel_reasoning_effort = \"xhigh\"\n"
    );
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            Some("deep"),
            "gpt-5.5",
            Some(ReasoningEffort::Xhigh)
        )),
        expected
    );
    let home = tempdir();
    set_model(home.path(), None, "gpt-5.5", None).unwrap();
    assert_eq!(
        std::fs::read_to_string(home.path().join("config.toml")).unwrap(),
        "model = \"gpt-5.5\"\n"
    );
}

fn stdio_server(env: &[(&str, &str)]) -> McpServerConfig {
    McpServerConfig {
        transport: McpServerTransportConfig::Stdio {
            command: "docs-server".into(),
            args: vec!["--port".into(), "4000".into()],
            env: Some(
                env.iter()
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .collect(),
            ),
            env_vars: Vec::new(),
            cwd: None,
        },
        enabled: true,
        startup_timeout_sec: None,
        tool_timeout_sec: None,
        enabled_tools: None,
        disabled_tools: None,
    }
}

/// Every key of both transports set, so the canonical order shows.
fn full_servers() -> [(&'static str, McpServerConfig); 2] {
    let map = |pairs: &[(&str, &str)]| {
        Some(
            pairs
                .iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect(),
        )
    };
    [
        (
            "dots.name",
            McpServerConfig {
                transport: McpServerTransportConfig::Stdio {
                    command: "npx".into(),
                    args: vec!["-y".into(), "server".into()],
                    env: map(&[("ZED", "1"), ("ALPHA", "two words")]),
                    env_vars: vec!["GITHUB_TOKEN".into()],
                    cwd: Some(PathBuf::from("/srv/docs")),
                },
                enabled: false,
                startup_timeout_sec: Some(std::time::Duration::from_secs(5)),
                tool_timeout_sec: Some(std::time::Duration::from_secs_f64(30.5)),
                enabled_tools: Some(vec!["search".into(), "read".into()]),
                disabled_tools: Some(Vec::new()),
            },
        ),
        (
            "web",
            McpServerConfig {
                transport: McpServerTransportConfig::StreamableHttp {
                    url: "http://127.0.0.1:8080/mcp".into(),
                    bearer_token_env_var: Some("MY_TOKEN".into()),
                    http_headers: map(&[("X-Static", "yes")]),
                    env_http_headers: map(&[("X-From-Env", "SOME_ENV")]),
                },
                enabled: true,
                startup_timeout_sec: None,
                tool_timeout_sec: Some(std::time::Duration::from_secs(60)),
                enabled_tools: None,
                disabled_tools: Some(vec!["delete".into()]),
            },
        ),
    ]
}

#[test]
fn set_mcp_server_creates_the_file() {
    let temp = tempdir();
    let home = temp.path().join("codex");
    set_mcp_server(&home, "docs", &stdio_server(&[("FOO", "bar")])).unwrap();
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        "[mcp_servers.docs]\ncommand = \"docs-server\"\nargs = [\"--port\", \"4000\"]\n\n[mcp_servers.docs.env]\nFOO = \"bar\"\n"
    );
    #[cfg(unix)]
    assert_eq!(
        (mode(&home.join("config.toml")), mode(&home)),
        (0o600, 0o700)
    );
}

#[test]
fn set_mcp_server_writes_every_key_canonically() {
    let home = tempdir();
    for (name, server) in full_servers() {
        set_mcp_server(home.path(), name, &server).unwrap();
    }
    let expected = r#"[mcp_servers."dots.name"]
command = "npx"
args = ["-y", "server"]
env_vars = ["GITHUB_TOKEN"]
cwd = "/srv/docs"
enabled = false
startup_timeout_sec = 5.0
tool_timeout_sec = 30.5
enabled_tools = ["search", "read"]
disabled_tools = []

[mcp_servers."dots.name".env]
ALPHA = "two words"
ZED = "1"

[mcp_servers.web]
url = "http://127.0.0.1:8080/mcp"
bearer_token_env_var = "MY_TOKEN"
tool_timeout_sec = 60.0
disabled_tools = ["delete"]

[mcp_servers.web.http_headers]
X-Static = "yes"

[mcp_servers.web.env_http_headers]
X-From-Env = "SOME_ENV"
"#;
    assert_eq!(
        std::fs::read_to_string(home.path().join("config.toml")).unwrap(),
        expected
    );
}

const WITH_SERVERS: &str = r#"# settings
model = "o3" # pinned

[mcp_servers.alpha]
command = "a"

# the docs server
[mcp_servers.docs]
command = "old-server" # old
args = ["x"]

[mcp_servers.docs.env]
OLD = "1"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;

#[test]
fn set_mcp_server_replaces_the_whole_entry_in_place() {
    let expected = r#"# settings
model = "o3" # pinned

[mcp_servers.alpha]
command = "a"

# the docs server
[mcp_servers.docs]
command = "docs-server"
args = ["--port", "4000"]

[mcp_servers.docs.env]
NEW = "2"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_SERVERS, |home| set_mcp_server(
            home,
            "docs",
            &stdio_server(&[("NEW", "2")])
        )),
        expected
    );
}

#[test]
fn set_mcp_server_appends_a_new_entry_after_the_others() {
    let expected = r#"# settings
model = "o3" # pinned

[mcp_servers.alpha]
command = "a"

# the docs server
[mcp_servers.docs]
command = "old-server" # old
args = ["x"]

[mcp_servers.docs.env]
OLD = "1"

[mcp_servers.zeta]
command = "docs-server"
args = ["--port", "4000"]

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_SERVERS, |home| set_mcp_server(
            home,
            "zeta",
            &stdio_server(&[])
        )),
        expected
    );
}

#[test]
fn legacy_startup_timeout_ms_is_rewritten_in_seconds() {
    let before = "[mcp_servers.legacy]\ncommand = \"x\"\nstartup_timeout_ms = 5000\n";
    let entry: crate::config::mcp::McpServerToml =
        toml::from_str("command = \"x\"\nstartup_timeout_ms = 5000\n").unwrap();
    let Ok(server) = entry.resolve("legacy") else {
        panic!("legacy entry did not resolve");
    };
    assert_eq!(
        edited(before, |home| set_mcp_server(home, "legacy", &server)),
        "[mcp_servers.legacy]\ncommand = \"x\"\nstartup_timeout_sec = 5.0\n"
    );
}

#[test]
fn remove_mcp_server_drops_the_entry_and_its_sub_tables() {
    let expected = r#"# settings
model = "o3" # pinned

[mcp_servers.alpha]
command = "a"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, WITH_SERVERS).unwrap();
    assert_eq!(
        (
            remove_mcp_server(home.path(), "docs").unwrap(),
            std::fs::read_to_string(&path).unwrap()
        ),
        (true, expected.to_string())
    );
    assert_eq!(
        (
            remove_mcp_server(home.path(), "docs").unwrap(),
            std::fs::read_to_string(&path).unwrap()
        ),
        (false, expected.to_string())
    );
}

#[test]
fn removing_the_first_table_leaves_no_leading_blank_line() {
    let before = "[mcp_servers.docs]\ncommand = \"d\"\n\n[mcp_servers.web]\nurl = \"u\"\n";
    assert_eq!(
        edited(before, |home| remove_mcp_server(home, "docs")
            .map(|removed| assert!(removed))),
        "[mcp_servers.web]\nurl = \"u\"\n"
    );
}

#[test]
fn remove_mcp_server_handles_inline_tables_and_missing_files() {
    assert_eq!(
        edited(
            "mcp_servers = { a = { command = \"a\" }, b = { command = \"b\" } }\n",
            |home| remove_mcp_server(home, "a").map(|removed| assert!(removed))
        ),
        "mcp_servers = { b = { command = \"b\" } }\n"
    );
    let temp = tempdir();
    let home = temp.path().join("codex");
    assert_eq!(remove_mcp_server(&home, "docs").unwrap(), false);
    assert!(!home.exists());
}
