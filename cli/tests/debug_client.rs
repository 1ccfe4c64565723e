//! `codex-debug-client` end to end: the real debug client spawns the real `codex app-server`
//! (`--codex-bin`), which talks to the mock Responses server; the test types lines on the
//! client's stdin and checks its stdout, stderr, output file, and the requests the mock saw.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;
use std::process::Child;
use std::process::ChildStdin;
use std::process::Command;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::init_git_repo;
use codex_test_support::mock_provider_config;
use pretty_assertions::assert_eq;
use serde_json::Value;
use serde_json::json;

/// How long any awaited output or exit may take before the test fails (and kills the client).
const WAIT_LIMIT: Duration = Duration::from_secs(60);

const TURN_COMPLETED: &str = r#""method":"turn/completed""#;

fn debug_client_bin() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_codex")).with_file_name("codex-debug-client");
    assert!(
        path.exists(),
        "{} does not exist; build it first with `cargo build --workspace --bins` (scripts/test does)",
        path.display()
    );
    path
}

/// The mock Responses server, a CODEX_HOME configured for it, and a git work tree to run in.
struct Env {
    server: MockServer,
    home: TestCodexHome,
    workdir: tempfile::TempDir,
}

impl Env {
    fn new(responses: Vec<MockResponse>) -> Self {
        let server = MockServer::start(responses);
        let home = TestCodexHome::new();
        home.write_config(&mock_provider_config(&server));
        let workdir = tempfile::tempdir().unwrap();
        init_git_repo(workdir.path());
        Env {
            server,
            home,
            workdir,
        }
    }

    /// Starts `codex-debug-client --codex-bin <codex> ARGS` in the work tree.
    fn client(&self, args: &[&str]) -> Client {
        let mut child = Command::new(debug_client_bin())
            .arg("--codex-bin")
            .arg(env!("CARGO_BIN_EXE_codex"))
            .args(args)
            .env_clear()
            .envs(base_env(self.home.path()))
            .env("SHELL", "/bin/bash")
            .current_dir(self.workdir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Client {
            stdout: Captured::start(child.stdout.take().unwrap()),
            stderr: Captured::start(child.stderr.take().unwrap()),
            stdin: child.stdin.take(),
            child,
        }
    }

    fn bodies(&self) -> Vec<Value> {
        self.server
            .requests()
            .into_iter()
            .filter(|request| request.path == "/v1/responses")
            .map(|request| request.body)
            .collect()
    }
}

/// A stream read to the end on its own thread.
struct Captured {
    bytes: Arc<Mutex<Vec<u8>>>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Captured {
    fn start(mut stream: impl Read + Send + 'static) -> Self {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&bytes);
        let reader = thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut buffer) {
                sink.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        Captured {
            bytes,
            reader: Some(reader),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    fn finish(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.text()
    }
}

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Captured,
    stderr: Captured,
}

struct Finished {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Client {
    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Polls `text` until it contains `needle`; on timeout kills the client and fails.
    fn wait_until(&mut self, what: &str, needle: &str, text: impl Fn(&Self) -> String) -> String {
        let start = Instant::now();
        loop {
            let current = text(self);
            if current.contains(needle) {
                return current;
            }
            if start.elapsed() > WAIT_LIMIT {
                let _ = self.child.kill();
                panic!(
                    "{what} never contained {needle:?}; it is:\n{current}\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn wait_stdout(&mut self, needle: &str) {
        self.wait_until("stdout", needle, |client| client.stdout.text());
    }

    fn wait_file(&mut self, path: &Path, needle: &str) {
        self.wait_until(&path.display().to_string(), needle, |_| {
            std::fs::read_to_string(path).unwrap_or_default()
        });
    }

    /// The id from stderr's `connected to thread <id>` line.
    fn thread_id(&mut self) -> String {
        const CONNECTED: &str = "connected to thread ";
        let stderr = self.wait_until("stderr", "\ncommands:\n", |client| client.stderr.text());
        let start = stderr.find(CONNECTED).unwrap() + CONNECTED.len();
        let end = start + stderr[start..].find('\n').unwrap();
        stderr[start..end].to_string()
    }

    /// Types `:quit` and waits for the client to exit (killing it after the wait limit).
    fn quit(mut self) -> Finished {
        self.send(":quit");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > WAIT_LIMIT {
                let _ = self.child.kill();
                panic!(
                    "the debug client did not exit after :quit\nstdout:\n{}\nstderr:\n{}",
                    self.stdout.text(),
                    self.stderr.text()
                );
            }
            thread::sleep(Duration::from_millis(10));
        };
        Finished {
            code: status.code(),
            stdout: self.stdout.finish(),
            stderr: self.stderr.finish(),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

/// The landmarks of a one-turn session, in the order received: responses by id and the
/// `thread/started`, `turn/started` and `turn/completed` notifications.
fn landmarks(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|message| match (message.get("method"), message.get("id")) {
            (None, Some(id)) => Some(format!("response {id}")),
            (Some(method), None)
                if ["thread/started", "turn/started", "turn/completed"]
                    .contains(&method.as_str().unwrap()) =>
            {
                Some(method.as_str().unwrap().to_string())
            }
            _ => None,
        })
        .collect()
}

/// Checks the raw lines of a session that started a thread and ran one turn on it.
fn assert_one_turn_session(messages: &[Value], thread_id: &str) {
    assert_eq!(
        landmarks(messages),
        vec![
            "response 1",
            "response 2",
            "thread/started",
            "response 3",
            "turn/started",
            "turn/completed"
        ]
    );
    let response = |id: i64| messages.iter().find(|m| m["id"] == id).unwrap();
    assert!(
        response(1)["result"]["userAgent"]
            .as_str()
            .unwrap()
            .starts_with("debug-client/"),
        "{}",
        response(1)
    );
    assert_eq!(response(2)["result"]["thread"]["id"], thread_id);
    assert_eq!(response(2)["result"]["approvalPolicy"], "on-request");
    let notification = |method: &str| messages.iter().find(|m| m["method"] == method).unwrap();
    assert_eq!(
        notification("thread/started")["params"]["thread"]["id"],
        thread_id
    );
    assert_eq!(
        notification("turn/started")["params"]["threadId"],
        thread_id
    );
    let completed = notification("turn/completed");
    assert_eq!(completed["params"]["threadId"], thread_id);
    assert_eq!(completed["params"]["turn"]["status"], "completed");
}

/// Asserts that `item` is the prompt `text` (`responses-wire.md`: a user message with a
/// `msg_<uuid>` id).
fn assert_user_text(item: &Value, text: &str) {
    let mut item = item.clone();
    let id = item.as_object_mut().unwrap().remove("id").unwrap();
    assert!(id.as_str().unwrap().starts_with("msg_"), "{id}");
    assert_eq!(
        item,
        json!({"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]})
    );
}

/// The `item/completed` item of the given type.
fn completed_item(messages: &[Value], item_type: &str) -> Value {
    messages
        .iter()
        .find(|m| m["method"] == "item/completed" && m["params"]["item"]["type"] == item_type)
        .unwrap_or_else(|| panic!("no completed {item_type} item"))["params"]["item"]
        .clone()
}

/// The outputs of the function calls in a request's input.
fn function_outputs(body: &Value) -> Vec<Value> {
    body["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "function_call_output")
        .map(|item| item["output"].clone())
        .collect()
}

#[test]
fn final_only_prints_the_assistant_message_of_a_turn() {
    let env = Env::new(vec![MockResponse::message("Hello from the model")]);
    let mut client = env.client(&["--final-only"]);
    let thread_id = client.thread_id();
    client.send("hello");
    client.wait_stdout("Hello from the model\n");
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    assert_eq!(
        done.stdout,
        format!("{thread_id} assistant: Hello from the model\n")
    );
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 1);
    assert_user_text(
        bodies[0]["input"].as_array().unwrap().last().unwrap(),
        "hello",
    );
}

#[test]
fn raw_mode_prints_every_server_line_as_json() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    let mut client = env.client(&[]);
    let thread_id = client.thread_id();
    client.send("hello");
    client.wait_stdout(TURN_COMPLETED);
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    let messages = json_lines(&done.stdout);
    assert_one_turn_session(&messages, &thread_id);
    assert_eq!(completed_item(&messages, "agentMessage")["text"], "Hi");
}

/// A turn whose model asks to run `touch made.txt` (in the work tree) with escalated
/// permissions, then says `done`. Returns the finished client, the env and the file the command
/// would create.
fn run_escalated_command(extra_args: &[&str]) -> (Finished, Env, PathBuf) {
    let arguments = json!({
        "cmd": "touch made.txt",
        "sandbox_permissions": "require_escalated",
        "justification": "Allow creating a file?"
    });
    let env = Env::new(vec![
        MockResponse::function_call("call_1", "exec_command", &arguments.to_string()),
        MockResponse::message("done"),
    ]);
    let target = env.workdir.path().join("made.txt");
    let mut args = vec!["--approval-policy", "on-request"];
    args.extend_from_slice(extra_args);
    let mut client = env.client(&args);
    client.send("make the file");
    client.wait_stdout(TURN_COMPLETED);
    let done = client.quit();
    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    (done, env, target)
}

#[test]
fn command_approvals_are_declined_by_default() {
    let (done, env, target) = run_escalated_command(&[]);

    assert!(
        done.stderr
            .contains("auto-response for command approval Integer(0): Decline"),
        "stderr:\n{}",
        done.stderr
    );
    assert!(!target.exists(), "the declined command ran");
    let messages = json_lines(&done.stdout);
    let request = messages
        .iter()
        .find(|m| m["method"] == "item/commandExecution/requestApproval")
        .unwrap();
    assert_eq!(request["id"], 0);
    assert_eq!(request["params"]["reason"], "Allow creating a file?");
    assert_eq!(
        completed_item(&messages, "commandExecution")["status"],
        "declined"
    );
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(
        function_outputs(&bodies[1]),
        vec![json!("exec command rejected by user")]
    );
}

#[test]
fn auto_approve_accepts_command_approvals() {
    let (done, env, target) = run_escalated_command(&["--auto-approve"]);

    assert!(
        done.stderr
            .contains("auto-response for command approval Integer(0): Accept"),
        "stderr:\n{}",
        done.stderr
    );
    assert!(target.exists(), "the approved command did not run");
    let messages = json_lines(&done.stdout);
    let item = completed_item(&messages, "commandExecution");
    assert_eq!(item["status"], "completed");
    assert_eq!(item["exitCode"], 0);
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(function_outputs(&bodies[1]).len(), 1);
}

#[test]
fn output_file_gets_the_raw_lines_instead_of_stdout() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("raw.jsonl");
    let mut client = env.client(&["--output-file", out.to_str().unwrap()]);
    let thread_id = client.thread_id();
    client.send("hello");
    client.wait_file(&out, TURN_COMPLETED);
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    assert_eq!(done.stdout, "");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.ends_with('\n'), "{written:?}");
    let messages = json_lines(&written);
    assert_one_turn_session(&messages, &thread_id);
}

#[test]
fn output_file_with_final_only_gets_the_raw_lines_and_stdout_the_labelled_ones() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("raw.jsonl");
    let mut client = env.client(&["--final-only", "--output-file", out.to_str().unwrap()]);
    let thread_id = client.thread_id();
    client.send("hello");
    client.wait_file(&out, TURN_COMPLETED);
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    assert_eq!(done.stdout, format!("{thread_id} assistant: Hi\n"));
    let messages = json_lines(&std::fs::read_to_string(&out).unwrap());
    assert_one_turn_session(&messages, &thread_id);
}

/// Stderr without the prompts `(<thread_id>)> ` and without the empty lines they leave.
fn without_prompts(stderr: &str, thread_id: &str) -> String {
    stderr
        .replace(&format!("({thread_id})> "), "")
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn refresh_thread_lists_the_thread_after_a_turn() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    let mut client = env.client(&[]);
    let thread_id = client.thread_id();
    client.send("hello");
    client.wait_stdout(TURN_COMPLETED);
    client.send(":refresh-thread");
    client.wait_stdout(r#"{"id":4,"#);
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    let stderr = without_prompts(&done.stderr, &thread_id);
    assert!(
        stderr.contains(&format!(
            "requested thread list (Integer(4))\nthreads:\n  {thread_id}\n"
        )),
        "stderr:\n{stderr}"
    );
    assert!(!stderr.contains("more threads available"), "{stderr}");
}

#[test]
fn thread_id_resumes_a_thread_of_an_earlier_run() {
    let env = Env::new(vec![
        MockResponse::message("first answer"),
        MockResponse::message("second answer"),
    ]);
    let mut first = env.client(&[]);
    let thread_id = first.thread_id();
    first.send("first question");
    first.wait_stdout(TURN_COMPLETED);
    let first = first.quit();
    assert_eq!(first.code, Some(0), "stderr:\n{}", first.stderr);

    let mut second = env.client(&["--thread-id", &thread_id]);
    assert_eq!(second.thread_id(), thread_id);
    second.send("second question");
    second.wait_stdout(TURN_COMPLETED);
    let second = second.quit();
    assert_eq!(second.code, Some(0), "stderr:\n{}", second.stderr);

    let messages = json_lines(&second.stdout);
    let resumed = messages.iter().find(|m| m["id"] == 2).unwrap();
    assert_eq!(resumed["result"]["thread"]["id"], thread_id.as_str());
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 2);
    let before = bodies[0]["input"].as_array().unwrap();
    let after = bodies[1]["input"].as_array().unwrap();
    // The second request replays the first one's input and answer, then the new question.
    assert_eq!(&after[..before.len()], &before[..]);
    assert_eq!(after[before.len()]["role"], "assistant");
    assert_eq!(after[before.len()]["content"][0]["text"], "first answer");
    assert_user_text(after.last().unwrap(), "second question");
}

#[test]
fn config_overrides_are_forwarded_to_the_app_server() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    let mut client = env.client(&["-c", r#"model="gpt-5.4""#, "--final-only"]);
    client.thread_id();
    client.send("hello");
    client.wait_stdout("assistant: Hi\n");
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    let bodies = env.bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["model"], "gpt-5.4");
}

/// A ChatGPT login (unsigned JWTs built here) with the built-in provider at the mock.
fn write_chatgpt_login(env: &Env) {
    use base64::Engine as _;
    let b64 =
        |value: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let claims = json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acct-example"}});
    let jwt = format!("{}.{}.sig", b64(json!({"alg": "none"})), b64(claims));
    let auth = json!({
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": null,
        "tokens": {
            "id_token": jwt,
            "access_token": "access-example",
            "refresh_token": "refresh-example",
            "account_id": "acct-example",
        },
        "last_refresh": "2026-11-23T00:28:39.395401Z",
    });
    std::fs::write(env.home.path().join("auth.json"), auth.to_string()).unwrap();
    env.home
        .write_config(&chatgpt_http_provider(&env.server.base_url()));
}

#[test]
fn attestation_token_goes_upstream_under_chatgpt_auth() {
    let env = Env::new(vec![MockResponse::message("Hi")]);
    write_chatgpt_login(&env);
    let mut client = env.client(&["--attestation-token", "v1.test", "--final-only"]);
    client.thread_id();
    client.send("hello");
    client.wait_stdout("assistant: Hi\n");
    let done = client.quit();

    assert_eq!(done.code, Some(0), "stderr:\n{}", done.stderr);
    let headers: Vec<Option<String>> = env
        .server
        .requests()
        .iter()
        .filter(|request| request.path == "/v1/responses")
        .map(|request| request.header("x-oai-attestation").map(str::to_string))
        .collect();
    assert_eq!(
        headers,
        vec![Some(r#"{"v":1,"s":0,"t":"v1.test"}"#.to_string())]
    );
}

/// The stored login's provider over plain HTTP: a custom provider that uses the `auth.json`
/// login like the built-in one (which would try the WebSocket first).
fn chatgpt_http_provider(base_url: &str) -> String {
    format!(
        "model = \"gpt-5.5\"\nmodel_provider = \"chatgpt_http\"\n[model_providers.chatgpt_http]\nname = \"ChatGPT over HTTP\"\nbase_url = \"{base_url}\"\nrequires_openai_auth = true\n"
    )
}
