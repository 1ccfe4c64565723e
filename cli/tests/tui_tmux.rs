//! End-to-end smoke test of the interactive TUI (tui.md §14): the built `codex` in a real
//! terminal (a detached tmux session, 120x40) against the mock Responses server. Type a
//! prompt, see the streamed answer, approve an escalated command, see its output, exit with
//! Ctrl+C and see the resume line on the normal screen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use codex_test_support::base_env;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_output_item_added;
use codex_test_support::ev_output_text_delta;
use common::TestEnv;
use serde_json::json;

const POLL: Duration = Duration::from_millis(100);
const TIMEOUT: Duration = Duration::from_secs(10);

struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    /// Starts `command` in a detached 120x40 session on a private tmux server.
    fn start(socket: &str, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: socket.to_string(),
            session: "codex".to_string(),
        };
        let status = tmux
            .cmd()
            .args([
                "new-session",
                "-d",
                "-x",
                "120",
                "-y",
                "40",
                "-s",
                &tmux.session,
            ])
            .arg(command)
            .status()
            .expect("tmux must be installed (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket]);
        command
    }

    fn send(&self, keys: &[&str]) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn type_text(&self, text: &str) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn capture(&self) -> String {
        let output = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Polls the pane until every needle is on screen; fails with the last capture.
    fn wait_for(&self, needles: &[&str]) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.capture();
            if needles.iter().all(|needle| screen.contains(needle)) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needles:?}; screen:\n{screen}"
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The shell command tmux runs: the hermetic environment, then `codex`, then a marker with
/// the exit status so the test can read it from the pane.
fn launch_command(codex_home: &Path, cwd: &Path, args: &str) -> String {
    let mut env: Vec<String> = base_env(codex_home)
        .into_iter()
        .filter(|(name, _)| name != "TERM")
        .map(|(name, value)| format!("{name}={}", shell_quote(&value)))
        .collect();
    env.push("TERM=xterm-256color".to_string());
    env.push("SHELL=/bin/bash".to_string());
    format!(
        "cd {} && env -i {} {} {args}; echo \"codex exited with $?\"; sleep 30",
        shell_quote(&cwd.display().to_string()),
        env.join(" "),
        shell_quote(env!("CARGO_BIN_EXE_codex")),
    )
}

#[test]
fn type_stream_approve_and_exit_in_tmux() {
    let streamed = MockResponse::SseDelayed {
        events: vec![
            ev_output_item_added(
                json!({"type": "message", "role": "assistant", "id": "msg_1", "content": []}),
            ),
            ev_output_text_delta("Hello from the **mock**, "),
            ev_output_text_delta("streamed in chunks.\n\n- point one\n"),
            ev_assistant_message(
                "msg_1",
                "Hello from the **mock**, streamed in chunks.\n\n- point one\n",
            ),
            ev_completed("resp_1"),
        ],
        delay: Duration::from_millis(50),
    };
    let escalated = MockResponse::function_call(
        "call_1",
        "exec_command",
        r#"{"cmd":"touch approved.txt && echo approved-output","sandbox_permissions":"require_escalated","justification":"Need to run outside the sandbox."}"#,
    );
    let env = TestEnv::with_config(
        vec![
            streamed,
            escalated,
            MockResponse::message("The command ran."),
        ],
        "approval_policy = \"on-request\"\nsandbox_mode = \"workspace-write\"\n",
    );
    // The project is trusted, so no onboarding screen.
    let cwd = env.cwd();
    let mut config = std::fs::read_to_string(env.home.path().join("config.toml")).unwrap();
    config.push_str(&format!(
        "\n[projects.\"{}\"]\ntrust_level = \"trusted\"\n",
        cwd.display()
    ));
    std::fs::write(env.home.path().join("config.toml"), config).unwrap();

    let socket = format!("codex-tui-test-{}", std::process::id());
    let tmux = Tmux::start(&socket, &launch_command(env.home.path(), &cwd, ""));
    tmux.wait_for(&["OpenAI Codex", "Ask Codex to do anything"]);

    tmux.type_text("Say hello");
    // Keys sent together look like a paste; a pause ends the burst so Enter submits.
    std::thread::sleep(Duration::from_millis(300));
    tmux.send(&["Enter"]);
    tmux.wait_for(&[
        "› Say hello",
        "Hello from the mock, streamed in chunks.",
        "• point one",
        "Worked for",
    ]);

    tmux.type_text("Run the command");
    std::thread::sleep(Duration::from_millis(300));
    tmux.send(&["Enter"]);
    tmux.wait_for(&[
        "Would you like to run the following command?",
        "Reason: Need to run outside the sandbox.",
        "$ touch approved.txt && echo approved-output",
    ]);
    tmux.send(&["y"]);
    tmux.wait_for(&[
        "✔ You approved codex to run touch approved.txt && echo approved-output this time",
        "• Ran touch approved.txt && echo approved-output",
        "approved-output",
        "The command ran.",
    ]);

    tmux.send(&["C-c"]);
    let screen = tmux.wait_for(&["codex exited with 0", "To continue this session, run:"]);
    let thread_id = env
        .home
        .rollout_files()
        .first()
        .and_then(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some(name[name.len() - 36..].to_string())
        })
        .expect("the session wrote a rollout");
    assert!(
        screen.contains(&format!("codex resume {thread_id}")),
        "{screen}"
    );

    // Logs went to the log file, never to the screen.
    assert!(env.home.path().join("log/codex-tui.log").is_file());

    // The model received the approved command's output.
    let requests = env.server.requests();
    assert_eq!(requests.len(), 3);
    let body = &requests[2].body;
    let outputs: Vec<String> = body["input"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "function_call_output")
        .map(|item| item["output"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        outputs
            .iter()
            .any(|output| output.contains("approved-output")),
        "{outputs:?}"
    );
}
