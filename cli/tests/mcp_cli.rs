//! `codex mcp add|list|get|remove|login|logout` against a temporary CODEX_HOME (`mcp.md` §3,
//! test M4): every message and exit code of §3.1, byte-exact listings, and the written file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::process::Stdio;

use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use pretty_assertions::assert_eq;

/// What one run of the binary produced.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn ok(stdout: &str) -> Self {
        Outcome {
            code: Some(0),
            stdout: stdout.to_string(),
            stderr: String::new(),
        }
    }

    fn failed(code: i32, stderr: &str) -> Self {
        Outcome {
            code: Some(code),
            stdout: String::new(),
            stderr: stderr.to_string(),
        }
    }
}

fn run_command(command: &mut Command) -> Outcome {
    let output = command.stdin(Stdio::null()).output().unwrap();
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn command(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_codex"));
    command.env_clear().envs(base_env(home));
    command
}

/// `codex ARGS` with `CODEX_HOME=home`.
fn codex(home: &TestCodexHome, args: &[&str]) -> Outcome {
    run_command(command(home.path()).args(args))
}

fn config(home: &TestCodexHome) -> String {
    std::fs::read_to_string(home.path().join("config.toml")).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn add_list_get_remove_round_trip() {
    let home = TestCodexHome::new();
    assert_eq!(
        codex(&home, &["mcp", "list"]),
        Outcome::ok("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.\n")
    );
    assert_eq!(
        codex(&home, &["mcp", "list", "--json"]),
        Outcome::ok("[]\n")
    );

    assert_eq!(
        codex(
            &home,
            &[
                "mcp",
                "add",
                "docs",
                "--env",
                "FOO=bar",
                "--env",
                "BAZ=qux",
                "--",
                "docs-server",
                "--port",
                "4000"
            ]
        ),
        Outcome::ok("Added global MCP server 'docs'.\n")
    );
    assert_eq!(mode(&home.path().join("config.toml")), 0o600);
    assert_eq!(
        codex(
            &home,
            &[
                "mcp",
                "add",
                "web",
                "--url",
                "http://127.0.0.1:8080/mcp",
                "--bearer-token-env-var",
                "MY_TOKEN"
            ]
        ),
        Outcome::ok("Added global MCP server 'web'.\n")
    );
    assert_eq!(
        config(&home),
        r#"[mcp_servers.docs]
command = "docs-server"
args = ["--port", "4000"]

[mcp_servers.docs.env]
BAZ = "qux"
FOO = "bar"

[mcp_servers.web]
url = "http://127.0.0.1:8080/mcp"
bearer_token_env_var = "MY_TOKEN"
"#
    );

    assert_eq!(
        codex(&home, &["mcp", "list"]),
        Outcome::ok(
            "Name  Command      Args         Env                   Cwd  Status   Auth       \n\
             docs  docs-server  --port 4000  BAZ=*****, FOO=*****  -    enabled  Unsupported\n\
             \n\
             Name  Url                        Bearer Token Env Var  Status   Auth        \n\
             web   http://127.0.0.1:8080/mcp  MY_TOKEN              enabled  Bearer token\n"
        )
    );
    assert_eq!(
        codex(&home, &["mcp", "list", "--json"]),
        Outcome::ok(TWO_SERVERS_JSON)
    );
    assert_eq!(
        codex(&home, &["mcp", "get", "docs"]),
        Outcome::ok(
            "docs\n  enabled: true\n  transport: stdio\n  command: docs-server\n  args: --port 4000\n  cwd: -\n  env: BAZ=*****, FOO=*****\n  remove: codex mcp remove docs\n"
        )
    );

    assert_eq!(
        codex(&home, &["mcp", "remove", "docs"]),
        Outcome::ok("Removed global MCP server 'docs'.\n")
    );
    assert_eq!(
        config(&home),
        "[mcp_servers.web]\nurl = \"http://127.0.0.1:8080/mcp\"\nbearer_token_env_var = \"MY_TOKEN\"\n"
    );
    assert_eq!(
        codex(&home, &["mcp", "remove", "nope"]),
        Outcome::ok("No MCP server named 'nope' found.\n")
    );
    assert_eq!(
        codex(&home, &["mcp", "get", "nope"]),
        Outcome::failed(1, "Error: No MCP server named 'nope' found.\n")
    );
    assert_eq!(
        codex(&home, &["mcp", "get", "docs", "--json"]),
        Outcome::failed(1, "Error: No MCP server named 'docs' found.\n")
    );
}

const TWO_SERVERS_JSON: &str = r#"[
  {
    "name": "docs",
    "enabled": true,
    "transport": {
      "type": "stdio",
      "command": "docs-server",
      "args": [
        "--port",
        "4000"
      ],
      "env": {
        "BAZ": "qux",
        "FOO": "bar"
      },
      "env_vars": [],
      "cwd": null
    },
    "startup_timeout_sec": null,
    "tool_timeout_sec": null,
    "auth_status": "unsupported"
  },
  {
    "name": "web",
    "enabled": true,
    "transport": {
      "type": "streamable_http",
      "url": "http://127.0.0.1:8080/mcp",
      "bearer_token_env_var": "MY_TOKEN",
      "http_headers": null,
      "env_http_headers": null
    },
    "startup_timeout_sec": null,
    "tool_timeout_sec": null,
    "auth_status": "bearer_token"
  }
]
"#;

/// Every key `list` and `get` show, on both transports, plus a disabled server.
const EVERY_FIELD: &str = r#"model = "o3"

[mcp_servers.docs]
command = "docs-server"
args = ["--port", "4000"]
env_vars = ["GITHUB_TOKEN"]
cwd = "/srv/docs"
startup_timeout_sec = 5
tool_timeout_sec = 30.5

[mcp_servers.docs.env]
FOO = "bar"
BAZ = "qux"

[mcp_servers.hdr]
url = "http://127.0.0.1:9000/mcp"
http_headers = { "X-Static" = "s3cret" }
env_http_headers = { "X-From-Env" = "SOME_ENV" }
startup_timeout_sec = 5

[mcp_servers.off]
command = "off-server"
enabled = false

[mcp_servers.web]
url = "http://127.0.0.1:8080/mcp"
bearer_token_env_var = "MY_TOKEN"
startup_timeout_ms = 20000
tool_timeout_sec = 30.5
enabled_tools = ["search"]
disabled_tools = ["delete"]
"#;

#[test]
fn list_shows_every_field() {
    let home = TestCodexHome::new();
    home.write_config(EVERY_FIELD);
    assert_eq!(
        codex(&home, &["mcp", "list"]),
        Outcome::ok(
            "Name  Command      Args         Env                                 Cwd        Status    Auth       \n\
             docs  docs-server  --port 4000  BAZ=*****, FOO=*****, GITHUB_TOKEN  /srv/docs  enabled   Unsupported\n\
             off   off-server   -            -                                   -          disabled  Unsupported\n\
             \n\
             Name  Url                        Bearer Token Env Var  Status   Auth        \n\
             hdr   http://127.0.0.1:9000/mcp  -                     enabled  Unsupported \n\
             web   http://127.0.0.1:8080/mcp  MY_TOKEN              enabled  Bearer token\n"
        )
    );
    assert_eq!(
        codex(&home, &["mcp", "list", "--json"]),
        Outcome::ok(
            r#"[
  {
    "name": "docs",
    "enabled": true,
    "transport": {
      "type": "stdio",
      "command": "docs-server",
      "args": [
        "--port",
        "4000"
      ],
      "env": {
        "BAZ": "qux",
        "FOO": "bar"
      },
      "env_vars": [
        "GITHUB_TOKEN"
      ],
      "cwd": "/srv/docs"
    },
    "startup_timeout_sec": 5.0,
    "tool_timeout_sec": 30.5,
    "auth_status": "unsupported"
  },
  {
    "name": "hdr",
    "enabled": true,
    "transport": {
      "type": "streamable_http",
      "url": "http://127.0.0.1:9000/mcp",
      "bearer_token_env_var": null,
      "http_headers": {
        "X-Static": "s3cret"
      },
      "env_http_headers": {
        "X-From-Env": "SOME_ENV"
      }
    },
    "startup_timeout_sec": 5.0,
    "tool_timeout_sec": null,
    "auth_status": "unsupported"
  },
  {
    "name": "off",
    "enabled": false,
    "transport": {
      "type": "stdio",
      "command": "off-server",
      "args": [],
      "env": null,
      "env_vars": [],
      "cwd": null
    },
    "startup_timeout_sec": null,
    "tool_timeout_sec": null,
    "auth_status": "unsupported"
  },
  {
    "name": "web",
    "enabled": true,
    "transport": {
      "type": "streamable_http",
      "url": "http://127.0.0.1:8080/mcp",
      "bearer_token_env_var": "MY_TOKEN",
      "http_headers": null,
      "env_http_headers": null
    },
    "startup_timeout_sec": 20.0,
    "tool_timeout_sec": 30.5,
    "auth_status": "bearer_token"
  }
]
"#
        )
    );
}

#[test]
fn get_shows_every_field() {
    let home = TestCodexHome::new();
    home.write_config(EVERY_FIELD);
    let get = |args: &[&str]| {
        let mut all = vec!["mcp", "get"];
        all.extend_from_slice(args);
        codex(&home, &all)
    };
    assert_eq!(
        get(&["docs"]),
        Outcome::ok(
            "docs
  enabled: true
  transport: stdio
  command: docs-server
  args: --port 4000
  cwd: /srv/docs
  env: BAZ=*****, FOO=*****, GITHUB_TOKEN
  startup_timeout_sec: 5
  tool_timeout_sec: 30.5
  remove: codex mcp remove docs
"
        )
    );
    assert_eq!(
        get(&["hdr"]),
        Outcome::ok(
            "hdr
  enabled: true
  transport: streamable_http
  url: http://127.0.0.1:9000/mcp
  bearer_token_env_var: -
  http_headers: X-Static=*****
  env_http_headers: X-From-Env=SOME_ENV
  startup_timeout_sec: 5
  remove: codex mcp remove hdr
"
        )
    );
    assert_eq!(
        get(&["web"]),
        Outcome::ok(
            "web
  enabled: true
  transport: streamable_http
  url: http://127.0.0.1:8080/mcp
  bearer_token_env_var: MY_TOKEN
  http_headers: -
  env_http_headers: -
  startup_timeout_sec: 20
  tool_timeout_sec: 30.5
  remove: codex mcp remove web
"
        )
    );
    assert_eq!(get(&["off"]), Outcome::ok("off (disabled)\n"));
    assert_eq!(
        get(&["off", "--json"]),
        Outcome::ok(
            r#"{
  "name": "off",
  "enabled": false,
  "transport": {
    "type": "stdio",
    "command": "off-server",
    "args": [],
    "env": null,
    "env_vars": [],
    "cwd": null
  },
  "enabled_tools": null,
  "disabled_tools": null,
  "startup_timeout_sec": null,
  "tool_timeout_sec": null
}
"#
        )
    );
    assert_eq!(
        get(&["web", "--json"]),
        Outcome::ok(
            r#"{
  "name": "web",
  "enabled": true,
  "transport": {
    "type": "streamable_http",
    "url": "http://127.0.0.1:8080/mcp",
    "bearer_token_env_var": "MY_TOKEN",
    "http_headers": null,
    "env_http_headers": null
  },
  "enabled_tools": [
    "search"
  ],
  "disabled_tools": [
    "delete"
  ],
  "startup_timeout_sec": 20.0,
  "tool_timeout_sec": 30.5
}
"#
        )
    );
    assert_eq!(
        get(&["docs", "--json"]),
        Outcome::ok(
            r#"{
  "name": "docs",
  "enabled": true,
  "transport": {
    "type": "stdio",
    "command": "docs-server",
    "args": [
      "--port",
      "4000"
    ],
    "env": {
      "BAZ": "qux",
      "FOO": "bar"
    },
    "env_vars": [
      "GITHUB_TOKEN"
    ],
    "cwd": "/srv/docs"
  },
  "enabled_tools": null,
  "disabled_tools": null,
  "startup_timeout_sec": 5.0,
  "tool_timeout_sec": 30.5
}
"#
        )
    );
}

const ADD_USAGE: &str = "Usage: codex mcp add [OPTIONS] <NAME> -- <COMMAND> [ARGS]...
       codex mcp add [OPTIONS] <NAME> --url <URL>

For more information, try '--help'.
";

#[test]
fn add_refuses_bad_arguments_and_writes_nothing() {
    let home = TestCodexHome::new();
    let add = |args: &[&str]| {
        let mut all = vec!["mcp", "add"];
        all.extend_from_slice(args);
        codex(&home, &all)
    };
    assert_eq!(
        add(&["bad name!", "--", "x"]),
        Outcome::failed(
            1,
            "Error: invalid server name 'bad name!' (use letters, numbers, '-', '_')\n"
        )
    );
    assert_eq!(
        add(&["e", "--env", "NOEQUALS", "--", "x"]),
        Outcome::failed(
            2,
            "error: invalid value 'NOEQUALS' for '--env <KEY=VALUE>': environment entries must be in KEY=VALUE form\n\nFor more information, try '--help'.\n"
        )
    );
    assert_eq!(
        add(&["e", "--env", "=x", "--", "x"]),
        Outcome::failed(
            2,
            "error: invalid value '=x' for '--env <KEY=VALUE>': environment entries must be in KEY=VALUE form\n\nFor more information, try '--help'.\n"
        )
    );
    assert_eq!(
        add(&["e", "--url", "http://x", "--", "cmd"]),
        Outcome::failed(
            2,
            &format!(
                "error: the argument '--url <URL>' cannot be used with '[COMMAND]...'\n\n{ADD_USAGE}"
            )
        )
    );
    assert_eq!(
        add(&["e"]),
        Outcome::failed(
            2,
            &format!(
                "error: the following required arguments were not provided:\n  <COMMAND|--url <URL>>\n\n{ADD_USAGE}"
            )
        )
    );
    assert_eq!(
        add(&["e", "--url", "U", "--env", "A=B"]),
        Outcome::failed(1, "Error: command is required\n")
    );
    // The original's wording: clap reports it while building the arguments, with the root usage.
    assert_eq!(
        add(&["e", "--bearer-token-env-var", "T", "--", "cmd"]),
        Outcome::failed(
            2,
            "error: the following required argument was not provided: url\n\nUsage: codex [OPTIONS] [PROMPT]\n       codex [OPTIONS] [PROMPT] <COMMAND>\n\nFor more information, try '--help'.\n"
        )
    );
    assert!(!home.path().join("config.toml").exists());
}

#[test]
fn add_replaces_the_whole_entry_and_keeps_the_rest_of_the_file() {
    let home = TestCodexHome::new();
    home.write_config(
        r#"# my settings
model = "o3" # pinned

# the docs server
[mcp_servers.docs]
command = "old-server"
args = ["--old"]
startup_timeout_ms = 5000

[mcp_servers.docs.env]
OLD = "1"

[mcp_servers.other]
url = "http://127.0.0.1:1/mcp" # keep

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#,
    );
    std::fs::set_permissions(
        home.path().join("config.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    assert_eq!(
        codex(
            &home,
            &["mcp", "add", "docs", "--env", "NEW=2", "--", "docs-server"]
        ),
        Outcome::ok("Added global MCP server 'docs'.\n")
    );
    assert_eq!(
        codex(
            &home,
            &["mcp", "add", "web", "--url", "http://127.0.0.1:8080/mcp"]
        ),
        Outcome::ok("Added global MCP server 'web'.\n")
    );
    assert_eq!(
        config(&home),
        r#"# my settings
model = "o3" # pinned

# the docs server
[mcp_servers.docs]
command = "docs-server"

[mcp_servers.docs.env]
NEW = "2"

[mcp_servers.other]
url = "http://127.0.0.1:1/mcp" # keep

[mcp_servers.web]
url = "http://127.0.0.1:8080/mcp"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#
    );
    assert_eq!(
        codex(&home, &["mcp", "remove", "other"]),
        Outcome::ok("Removed global MCP server 'other'.\n")
    );
    assert_eq!(
        config(&home),
        r#"# my settings
model = "o3" # pinned

# the docs server
[mcp_servers.docs]
command = "docs-server"

[mcp_servers.docs.env]
NEW = "2"

[mcp_servers.web]
url = "http://127.0.0.1:8080/mcp"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#
    );
}

#[test]
fn an_invalid_config_stops_every_subcommand() {
    let home = TestCodexHome::new();
    let text = "[mcp_servers.both]\ncommand = \"x\"\nurl = \"http://x\"\n";
    home.write_config(text);
    let error = format!(
        "Error loading config.toml: {}:1:1: invalid transport in `mcp_servers.both`\n  in `mcp_servers.both`\n",
        home.path().join("config.toml").display()
    );
    for args in [
        &["mcp", "list"][..],
        &["mcp", "list", "--json"],
        &["mcp", "get", "both"],
        &["mcp", "add", "docs", "--", "x"],
        &["mcp", "remove", "both"],
    ] {
        assert_eq!(codex(&home, args), Outcome::failed(1, &error), "{args:?}");
    }
    assert_eq!(config(&home), text);
    assert_eq!(
        codex(&home, &["mcp", "list", "-c", "nonsense"]),
        Outcome::failed(
            1,
            "Error parsing -c overrides: Invalid override (missing '='): nonsense\n"
        )
    );
}

#[test]
fn overrides_apply_before_and_after_the_subcommand() {
    let home = TestCodexHome::new();
    assert_eq!(
        codex(
            &home,
            &[
                "-c",
                "mcp_servers.a.command=\"run-a\"",
                "mcp",
                "-c",
                "mcp_servers.b.url=\"http://b\"",
                "list",
                "-c",
                "mcp_servers.a.enabled=false",
                "--enable",
                "some_feature",
            ]
        ),
        Outcome::ok(
            "Name  Command  Args  Env  Cwd  Status    Auth       \n\
             a     run-a    -     -    -    disabled  Unsupported\n\
             \n\
             Name  Url       Bearer Token Env Var  Status   Auth       \n\
             b     http://b  -                     enabled  Unsupported\n"
        )
    );
    assert!(!home.path().join("config.toml").exists());
}

#[test]
fn default_codex_home_is_created_and_an_explicit_one_must_exist() {
    let root = tempfile::tempdir().unwrap();
    let codex_home = root.path().join(".codex");
    let outcome = run_command(command(&codex_home).env_remove("CODEX_HOME").args([
        "mcp",
        "add",
        "docs",
        "--",
        "docs-server",
    ]));
    assert_eq!(outcome, Outcome::ok("Added global MCP server 'docs'.\n"));
    assert_eq!(
        std::fs::read_to_string(codex_home.join("config.toml")).unwrap(),
        "[mcp_servers.docs]\ncommand = \"docs-server\"\n"
    );
    assert_eq!(
        (mode(&codex_home), mode(&codex_home.join("config.toml"))),
        (0o700, 0o600)
    );

    let missing = root.path().join("missing");
    assert_eq!(
        run_command(command(&missing).args(["mcp", "add", "docs", "--", "x"])),
        Outcome::failed(
            1,
            &format!(
                "Error loading configuration: CODEX_HOME points to \"{}\", but that path does not exist\n",
                missing.display()
            )
        )
    );
    assert!(!missing.exists());
}

#[test]
fn oauth_login_and_logout_point_to_bearer_token_env_var() {
    let home = TestCodexHome::new();
    let message = "Error: OAuth login is not supported for MCP servers. Give 'web' a bearer token instead: set `bearer_token_env_var` in [mcp_servers.web] (or `codex mcp add web --url <URL> --bearer-token-env-var <ENV_VAR>`) to send the value of that environment variable as `Authorization: Bearer <value>`.\n";
    assert_eq!(
        codex(&home, &["mcp", "login", "web", "--scopes", "a,b"]),
        Outcome::failed(1, message)
    );
    assert_eq!(
        codex(&home, &["mcp", "logout", "web"]),
        Outcome::failed(1, message)
    );
}
