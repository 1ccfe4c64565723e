//! Widget tests: feed core events and keys to a real `ChatWidget`, drain the `AppEvent`s it
//! sends and compare whole values; snapshots of every visible state at 80x24 and 120x40.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::protocol::EventMsg;
use codex_core::protocol::ExecCommandSource;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::McpInvocation;
use codex_core::protocol::McpServerSummary;
use codex_core::protocol::McpStartupCompleteEvent;
use codex_core::protocol::McpStartupFailure;
use codex_core::protocol::McpStartupStatus;
use codex_core::protocol::McpToolCallResult;
use codex_core::protocol::Op;
use codex_core::protocol::ReviewDecision;
use codex_core::protocol::SessionConfiguredEvent;
use codex_core::protocol::TokenUsage;
use codex_core::protocol::TurnAbortReason;
use codex_core::protocol::UserInput;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use pretty_assertions::assert_eq;
use tokio::sync::mpsc::UnboundedReceiver;

use super::*;
use crate::app::render_alt_screen;
use crate::clock::fake::FakeClock;
use crate::history_view::HistoryView;
use crate::test_support::render_to_string;

const THREAD_ID: &str = "0199a213-81c0-7800-8aa1-bbab2a035a53";

/// What the widget sent, in a comparable form.
#[derive(Debug, PartialEq)]
enum Seen {
    Op(Op),
    /// A committed cell, as the text it shows at 80 columns.
    Cell(String),
    Exit,
    Other(String),
}

struct Harness {
    chat: ChatWidget,
    rx: UnboundedReceiver<AppEvent>,
    clock: Arc<FakeClock>,
    history: HistoryView,
    _home: tempfile::TempDir,
}

fn harness() -> Harness {
    let home = tempfile::tempdir().unwrap();
    let env = ConfigEnv {
        vars: [("CODEX_HOME".to_string(), home.path().display().to_string())]
            .into_iter()
            .collect(),
    };
    let mut config = codex_core::config::load_config(
        ConfigOverrides {
            model: Some("gpt-5-codex".to_string()),
            cwd: Some(home.path().to_path_buf()),
            ..ConfigOverrides::default()
        },
        env,
    )
    .unwrap();
    config.cwd = PathBuf::from("/home/user/project");
    config.codex_home = PathBuf::from("/home/user/.codex");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let clock = Arc::new(FakeClock::new());
    let mut chat = ChatWidget::new(ChatWidgetInit {
        config: config.clone(),
        app_event_tx: AppEventSender::new(tx),
        clock: clock.clone(),
        persistent_history: Vec::new(),
        home: Some(PathBuf::from("/home/user")),
        version: "0.0.0".to_string(),
    });
    chat.handle_codex_event(EventMsg::SessionConfigured(SessionConfiguredEvent {
        thread_id: THREAD_ID.to_string(),
        model: config.model.clone(),
        model_provider_id: config.model_provider_id.clone(),
        cwd: config.cwd.clone(),
        approval_policy: config.approval_policy,
        sandbox_policy: config.sandbox_policy.clone(),
        reasoning_effort: None,
        reasoning_summary: None,
        rollout_path: Some(PathBuf::from("/home/user/.codex/sessions/rollout.jsonl")),
        history_initialization: codex_core::protocol::HistoryInitialization::New,
    }));
    let mut history = HistoryView::default();
    history.push(Box::new(crate::history_cell::HeaderCell::new(
        "0.0.0",
        &config.cwd,
        Some(std::path::Path::new("/home/user")),
    )));
    Harness {
        chat,
        rx,
        clock,
        history,
        _home: home,
    }
}

fn cell_text(cell: &dyn HistoryCell) -> String {
    cell.display_lines(80)
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|span| span.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Harness {
    fn key(&mut self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE);
    }

    fn key_with(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        self.chat.handle_key(KeyEvent::new(code, modifiers));
        // Let the paste-burst guard release what it holds, as a human-paced frame would.
        self.clock.advance(Duration::from_millis(200));
        self.chat.on_tick();
    }

    /// Types like a person: each character then a pause.
    fn type_text(&mut self, text: &str) {
        for ch in text.chars() {
            self.key(KeyCode::Char(ch));
        }
    }

    fn event(&mut self, msg: EventMsg) {
        self.chat.handle_codex_event(msg);
    }

    /// Everything sent since the last drain; cells also go into the rendered history.
    fn drain(&mut self) -> Vec<Seen> {
        let mut seen = Vec::new();
        while let Ok(event) = self.rx.try_recv() {
            seen.push(match event {
                AppEvent::InsertHistoryCell(cell) => {
                    let text = cell_text(cell.as_ref());
                    self.history.push(cell);
                    Seen::Cell(text)
                }
                AppEvent::CodexOp(op) => Seen::Op(op),
                AppEvent::ExitRequest => Seen::Exit,
                other => Seen::Other(format!("{other:?}")),
            });
        }
        seen
    }

    fn ops(&mut self) -> Vec<Op> {
        self.drain()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Op(op) => Some(op),
                Seen::Cell(_) | Seen::Exit | Seen::Other(_) => None,
            })
            .collect()
    }

    fn render(&mut self, width: u16, height: u16) -> String {
        self.drain();
        self.chat.set_width(width);
        let history = &mut self.history;
        let chat = &mut self.chat;
        render_to_string(width, height, |area, buf| {
            render_alt_screen(history, chat, &mut 0, area, buf);
        })
    }

    fn submit(&mut self, text: &str) {
        self.type_text(text);
        self.key(KeyCode::Enter);
    }

    fn start_turn(&mut self) {
        self.submit("Say hello");
        self.drain();
        self.event(EventMsg::TurnStarted {
            turn_id: "turn-1".to_string(),
        });
    }

    fn exec_approval(&mut self, prefix: Option<Vec<String>>) {
        self.event(EventMsg::ExecApprovalRequest {
            call_id: "call-1".to_string(),
            command: bash("touch /etc/demo && echo ok"),
            cwd: PathBuf::from("/home/user/project"),
            reason: Some("Need to write outside the workspace.".to_string()),
            proposed_prefix_rule: prefix,
        });
    }
}

fn bash(script: &str) -> Vec<String> {
    vec![
        "/bin/bash".to_string(),
        "-lc".to_string(),
        script.to_string(),
    ]
}

macro_rules! snapshot_both {
    ($harness:expr, $name:literal) => {{
        insta::assert_snapshot!(concat!($name, "_80x24"), $harness.render(80, 24));
        insta::assert_snapshot!(concat!($name, "_120x40"), $harness.render(120, 40));
    }};
}

fn user_turn_text(op: &Op) -> Option<String> {
    match op {
        Op::UserTurn { items, .. } => items.iter().find_map(|item| match item {
            UserInput::Text { text } => Some(text.clone()),
            UserInput::LocalImage { .. } => None,
        }),
        _ => None,
    }
}

// ---- widget tests --------------------------------------------------------------------------

#[test]
fn enter_submits_a_user_turn_with_the_session_settings() {
    let mut h = harness();
    h.submit("Say hello");
    let seen = h.drain();
    let ops: Vec<&Op> = seen
        .iter()
        .filter_map(|seen| match seen {
            Seen::Op(op) => Some(op),
            _ => None,
        })
        .collect();
    assert_eq!(ops.len(), 1);
    assert_eq!(user_turn_text(ops[0]), Some("Say hello".to_string()));
    let Op::UserTurn { overrides, .. } = ops[0] else {
        panic!("not a user turn: {:?}", ops[0]);
    };
    assert_eq!(overrides.model.as_deref(), Some("gpt-5-codex"));
    assert_eq!(overrides.cwd, Some(PathBuf::from("/home/user/project")));
    assert!(seen.contains(&Seen::Cell("› Say hello".to_string())));
    assert!(h.chat.is_busy());
}

#[test]
fn blank_enter_does_nothing() {
    let mut h = harness();
    h.type_text("   ");
    h.key(KeyCode::Enter);
    assert_eq!(h.ops(), Vec::<Op>::new());
}

#[test]
fn approval_keys_send_the_decisions_and_commit_the_decision_cells() {
    type Case = (
        KeyCode,
        KeyModifiers,
        Option<Vec<String>>,
        ReviewDecision,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            KeyCode::Char('y'),
            KeyModifiers::NONE,
            None,
            ReviewDecision::Approved,
            "✔ You approved codex to run touch /etc/demo && echo ok this time",
        ),
        (
            KeyCode::Char('a'),
            KeyModifiers::NONE,
            None,
            ReviewDecision::ApprovedForSession,
            "✔ You approved codex to run touch /etc/demo && echo ok every time this session",
        ),
        (
            KeyCode::Char('p'),
            KeyModifiers::NONE,
            Some(vec!["touch".to_string()]),
            ReviewDecision::ApprovedExecpolicyAmendment {
                prefix: vec!["touch".to_string()],
            },
            "✔ You approved codex to always run commands that start with touch",
        ),
        (
            KeyCode::Char('n'),
            KeyModifiers::NONE,
            None,
            ReviewDecision::Abort,
            "✗ You canceled the request to run touch /etc/demo && echo ok",
        ),
        (
            KeyCode::Esc,
            KeyModifiers::NONE,
            None,
            ReviewDecision::Abort,
            "✗ You canceled the request to run touch /etc/demo && echo ok",
        ),
        (
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
            None,
            ReviewDecision::Abort,
            "✗ You canceled the request to run touch /etc/demo && echo ok",
        ),
    ];
    for (code, modifiers, prefix, decision, cell) in cases {
        let mut h = harness();
        h.start_turn();
        h.exec_approval(prefix);
        h.drain();
        h.key_with(code, modifiers);
        let seen = h.drain();
        assert_eq!(
            seen.first(),
            Some(&Seen::Cell(cell.to_string())),
            "{code:?}: {seen:?}"
        );
        assert!(
            seen.contains(&Seen::Op(Op::ExecApproval {
                id: "call-1".to_string(),
                decision: decision.clone(),
            })),
            "{code:?}: {seen:?}"
        );
        if decision == ReviewDecision::Abort {
            // The command never ran: its cell ends as exited with no output.
            assert!(seen.contains(&Seen::Cell(
                "• Exited (status 1) touch /etc/demo && echo ok\n  └ (no output)".to_string()
            )));
        }
    }
}

#[test]
fn patch_approval_sends_the_decision() {
    let mut h = harness();
    h.start_turn();
    h.event(EventMsg::ApplyPatchApprovalRequest {
        call_id: "call-2".to_string(),
        changes: vec![hello_change()],
        reason: None,
    });
    h.drain();
    h.key(KeyCode::Char('a'));
    assert_eq!(
        h.ops(),
        vec![Op::PatchApproval {
            id: "call-2".to_string(),
            decision: ReviewDecision::ApprovedForSession,
        }]
    );
}

#[test]
fn esc_or_ctrl_c_while_busy_interrupts() {
    for (code, modifiers) in [
        (KeyCode::Esc, KeyModifiers::NONE),
        (KeyCode::Char('c'), KeyModifiers::CONTROL),
    ] {
        let mut h = harness();
        h.start_turn();
        h.key_with(code, modifiers);
        assert_eq!(h.ops(), vec![Op::Interrupt]);
    }
}

#[test]
fn ctrl_c_with_a_draft_clears_it_and_up_recalls_it() {
    let mut h = harness();
    h.type_text("half a thought");
    h.key_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(h.drain(), Vec::<Seen>::new());
    assert_eq!(h.chat.bottom_pane.composer.text(), "");
    h.key(KeyCode::Up);
    assert_eq!(h.chat.bottom_pane.composer.text(), "half a thought");
}

#[test]
fn ctrl_r_searches_history_and_esc_restores_the_draft() {
    let mut h = harness();
    for message in ["cargo build", "git status", "cargo test"] {
        h.chat.bottom_pane.composer.record_history(message);
    }
    h.type_text("draft");
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    h.type_text("cargo");
    assert_eq!(h.chat.bottom_pane.composer.text(), "cargo test");
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(h.chat.bottom_pane.composer.text(), "cargo build");
    h.key(KeyCode::Esc);
    assert_eq!(h.chat.bottom_pane.composer.text(), "draft");
    h.key_with(KeyCode::Char('r'), KeyModifiers::CONTROL);
    h.type_text("git");
    h.key(KeyCode::Enter);
    assert_eq!(h.chat.bottom_pane.composer.text(), "git status");
    assert_eq!(h.ops(), Vec::<Op>::new());
}

#[test]
fn ctrl_c_or_ctrl_d_idle_and_empty_exit() {
    for code in [KeyCode::Char('c'), KeyCode::Char('d')] {
        let mut h = harness();
        h.key_with(code, KeyModifiers::CONTROL);
        assert_eq!(h.drain(), vec![Seen::Exit]);
    }
}

#[test]
fn enter_while_busy_steers() {
    let mut h = harness();
    h.start_turn();
    h.submit("also check the tests");
    let seen = h.drain();
    assert!(seen.contains(&Seen::Cell("› also check the tests".to_string())));
    assert!(seen.contains(&Seen::Op(Op::Steer {
        items: vec![UserInput::Text {
            text: "also check the tests".to_string()
        }],
    })));
}

#[test]
fn tab_while_busy_queues_until_the_turn_completes() {
    let mut h = harness();
    h.start_turn();
    h.type_text("first");
    h.key(KeyCode::Tab);
    h.type_text("second");
    h.key(KeyCode::Tab);
    assert_eq!(h.ops(), Vec::<Op>::new());
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: None,
    });
    let texts: Vec<Option<String>> = h.ops().iter().map(user_turn_text).collect();
    assert_eq!(texts, vec![Some("first".to_string())]);
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-2".to_string(),
        last_agent_message: None,
    });
    let texts: Vec<Option<String>> = h.ops().iter().map(user_turn_text).collect();
    assert_eq!(texts, vec![Some("second".to_string())]);
}

#[test]
fn idle_only_command_while_busy_is_refused() {
    let mut h = harness();
    h.start_turn();
    h.type_text("/model");
    h.key(KeyCode::Enter);
    assert_eq!(
        h.drain(),
        vec![Seen::Cell(
            "■ '/model' is disabled while a task is in progress.".to_string()
        )]
    );
    assert!(h.chat.bottom_pane.selection.is_none());
}

#[test]
fn paste_with_newlines_is_one_insert_and_does_not_submit() {
    let mut h = harness();
    h.chat
        .handle_paste("line one\nline two\r\nline three".to_string());
    assert_eq!(h.drain(), Vec::<Seen>::new());
    assert_eq!(
        h.chat.bottom_pane.composer.text(),
        "line one\nline two\nline three"
    );
}

#[test]
fn fast_keys_then_enter_insert_a_newline_instead_of_submitting() {
    let mut h = harness();
    for ch in "abc".chars() {
        h.chat
            .handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
        h.clock.advance(Duration::from_millis(1));
    }
    h.chat
        .handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    h.clock.advance(Duration::from_millis(200));
    h.chat.on_tick();
    assert_eq!(h.ops(), Vec::<Op>::new());
    assert_eq!(h.chat.bottom_pane.composer.text(), "abc\n");
}

#[test]
fn streamed_reply_commits_lines_and_worked_for() {
    let mut h = harness();
    h.start_turn();
    h.clock.advance(Duration::from_secs(4));
    for delta in ["Hello from ", "the model.\n", "Second line"] {
        h.event(EventMsg::AgentMessageDelta {
            item_id: "msg-1".to_string(),
            delta: delta.to_string(),
        });
    }
    h.event(EventMsg::AgentMessage {
        item_id: "msg-1".to_string(),
        text: "Hello from the model.\nSecond line".to_string(),
        phase: None,
    });
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: Some("Hello from the model.\nSecond line".to_string()),
    });
    let cells: Vec<String> = h
        .drain()
        .into_iter()
        .filter_map(|seen| match seen {
            Seen::Cell(text) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(
        cells.join("\n"),
        "• Hello from the model.\n  Second line\n  Worked for 4s • 14:02"
    );
    assert!(!h.chat.is_busy());
}

#[test]
fn interrupted_turn_commits_the_interruption_and_returns_the_queue() {
    let mut h = harness();
    h.start_turn();
    h.type_text("later");
    h.key(KeyCode::Tab);
    h.event(EventMsg::TurnAborted {
        turn_id: "turn-1".to_string(),
        reason: TurnAbortReason::Interrupted,
    });
    assert_eq!(
        h.drain(),
        vec![Seen::Cell(
            "■ Conversation interrupted - use /feedback if something went wrong".to_string()
        )]
    );
    assert_eq!(h.chat.bottom_pane.composer.text(), "later");
}

#[test]
fn shell_mode_runs_a_user_shell_command() {
    let mut h = harness();
    h.type_text("!ls -la");
    h.key(KeyCode::Enter);
    assert_eq!(
        h.ops(),
        vec![Op::RunUserShellCommand {
            command: "ls -la".to_string()
        }]
    );
}

#[test]
fn restore_sequence_undoes_the_terminal_setup() {
    let mut out = Vec::new();
    crate::terminal::write_restore_sequence(&mut out, crate::terminal::ScreenMode::AltScreen)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\u{1b}[<1u\u{1b}[?2004l\u{1b}[?1004l\u{1b}[?1049l\u{1b}[?25h"
    );
    let mut out = Vec::new();
    crate::terminal::write_restore_sequence(&mut out, crate::terminal::ScreenMode::Inline).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\u{1b}[<1u\u{1b}[?2004l\u{1b}[?1004l\u{1b}[?25h"
    );
}

#[test]
fn exit_lines() {
    let usage = TokenUsage {
        input_tokens: 7_500,
        cached_input_tokens: 300,
        output_tokens: 252,
        reasoning_output_tokens: 64,
        ..TokenUsage::default()
    };
    insta::assert_snapshot!(
        format_exit_lines(&usage, Some(THREAD_ID), true, status::ExitColor::Plain).join("\n")
    );
    assert_eq!(
        format_exit_lines(
            &TokenUsage::default(),
            Some(THREAD_ID),
            true,
            status::ExitColor::Ansi
        ),
        vec![
            "To continue this session, run:".to_string(),
            format!("  \u{1b}[36mcodex resume {THREAD_ID}\u{1b}[39m"),
        ]
    );
    assert_eq!(
        format_exit_lines(
            &TokenUsage::default(),
            Some(THREAD_ID),
            false,
            status::ExitColor::Plain
        ),
        Vec::<String>::new()
    );
}

#[test]
fn si_numbers_have_three_significant_digits() {
    let shown: Vec<String> = [252, 1_240, 7_200, 7_452, 258_000, 1_500_000]
        .into_iter()
        .map(status::format_si)
        .collect();
    assert_eq!(shown, vec!["252", "1.24K", "7.2K", "7.45K", "258K", "1.5M"]);
}

// ---- snapshots -----------------------------------------------------------------------------

fn hello_change() -> FileChange {
    FileChange {
        path: PathBuf::from("/home/user/project/hello.txt"),
        kind: FileChangeKind::Add,
        unified_diff: "diff --git a/hello.txt b/hello.txt\nnew file mode 100644\n--- /dev/null\n+++ b/hello.txt\n@@ -0,0 +1 @@\n+hello from patch\n".to_string(),
    }
}

fn main_change() -> FileChange {
    FileChange {
        path: PathBuf::from("/home/user/project/src/main.rs"),
        kind: FileChangeKind::Update,
        unified_diff: "diff --git a/src/main.rs b/src/main.rs\n--- a/src/main.rs\n+++ b/src/main.rs\n@@ -1 +1 @@\n-fn main() {}\n+fn main() { println!(\"patched\"); }\n".to_string(),
    }
}

fn run_exec(h: &mut Harness, call_id: &str, script: &str, exit_code: i32, output: &str) {
    h.event(EventMsg::ExecCommandBegin {
        call_id: call_id.to_string(),
        command: bash(script),
        cwd: PathBuf::from("/home/user/project"),
        source: ExecCommandSource::Agent,
    });
    h.event(EventMsg::ExecCommandEnd {
        call_id: call_id.to_string(),
        exit_code,
        aggregated_output: output.to_string(),
        duration: Duration::from_millis(1200),
        source: ExecCommandSource::Agent,
    });
}

#[test]
fn snapshot_empty_session() {
    let mut h = harness();
    snapshot_both!(h, "empty_session");
}

#[test]
fn snapshot_multi_line_draft() {
    let mut h = harness();
    h.chat
        .handle_paste("first line of the draft\nsecond line\nthird".to_string());
    snapshot_both!(h, "multi_line_draft");
}

#[test]
fn snapshot_working_status_and_streaming_mid_line() {
    let mut h = harness();
    h.start_turn();
    h.clock.advance(Duration::from_secs(2));
    snapshot_both!(h, "working_status");
    h.event(EventMsg::AgentMessageDelta {
        item_id: "msg-1".to_string(),
        delta: "Hello from the model, streamed in chu".to_string(),
    });
    snapshot_both!(h, "streaming_mid_line");
    let rest = "nks.\nSecond line.\n\n```\ncode a\ncode b\n```\n\n- one\n- two\n";
    for chunk in rest.split_inclusive('\n') {
        h.event(EventMsg::AgentMessageDelta {
            item_id: "msg-1".to_string(),
            delta: chunk.to_string(),
        });
        // Each chunk is committed as the app would, between frames.
        h.render(80, 24);
    }
    h.event(EventMsg::AgentMessage {
        item_id: "msg-1".to_string(),
        text: format!("Hello from the model, streamed in chu{rest}"),
        phase: None,
    });
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: None,
    });
    snapshot_both!(h, "streamed_reply_complete");
}

#[test]
fn snapshot_finished_reply() {
    let mut h = harness();
    h.start_turn();
    h.clock.advance(Duration::from_secs(4));
    let reply = "# Plan\n\nHello **bold** and *italic* with `code`.\n\n- point one\n- point two\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n";
    h.event(EventMsg::AgentMessage {
        item_id: "msg-1".to_string(),
        text: reply.to_string(),
        phase: None,
    });
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: Some(reply.to_string()),
    });
    snapshot_both!(h, "finished_reply");
}

#[test]
fn snapshot_queue_preview() {
    let mut h = harness();
    h.start_turn();
    h.type_text("check the tests too");
    h.key(KeyCode::Tab);
    snapshot_both!(h, "queue_preview");
}

#[test]
fn snapshot_exec_cells() {
    let mut h = harness();
    h.start_turn();
    h.event(EventMsg::ExecCommandBegin {
        call_id: "call-0".to_string(),
        command: bash("cargo test"),
        cwd: PathBuf::from("/home/user/project"),
        source: ExecCommandSource::Agent,
    });
    snapshot_both!(h, "exec_running");
    h.event(EventMsg::ExecCommandEnd {
        call_id: "call-0".to_string(),
        exit_code: 0,
        aggregated_output: String::new(),
        duration: Duration::from_millis(10),
        source: ExecCommandSource::Agent,
    });
    let twelve: String = (1..=12).map(|n| format!("line {n}\n")).collect();
    run_exec(&mut h, "call-1", "seq 1 12 | sed 's/^/line /'", 0, &twelve);
    run_exec(&mut h, "call-2", "false", 1, "error: something failed\n");
    snapshot_both!(h, "exec_ran_and_exited");
}

#[test]
fn snapshot_user_shell_cell() {
    let mut h = harness();
    h.type_text("!echo hi");
    h.key(KeyCode::Enter);
    h.event(EventMsg::ExecCommandBegin {
        call_id: "shell-1".to_string(),
        command: bash("echo hi"),
        cwd: PathBuf::from("/home/user/project"),
        source: ExecCommandSource::UserShell,
    });
    h.event(EventMsg::ExecCommandEnd {
        call_id: "shell-1".to_string(),
        exit_code: 0,
        aggregated_output: "hi\n".to_string(),
        duration: Duration::from_millis(5),
        source: ExecCommandSource::UserShell,
    });
    h.event(EventMsg::TurnComplete {
        turn_id: "turn-1".to_string(),
        last_agent_message: None,
    });
    snapshot_both!(h, "user_shell_cell");
}

#[test]
fn snapshot_patch_cell() {
    let mut h = harness();
    h.start_turn();
    h.event(EventMsg::PatchApplyBegin {
        call_id: "call-3".to_string(),
        changes: vec![hello_change(), main_change()],
    });
    snapshot_both!(h, "patch_cell");
}

#[test]
fn snapshot_exec_approvals() {
    let mut h = harness();
    h.start_turn();
    h.exec_approval(None);
    snapshot_both!(h, "exec_approval");
    let mut h = harness();
    h.start_turn();
    h.exec_approval(Some(vec!["touch".to_string(), "/etc/demo".to_string()]));
    snapshot_both!(h, "exec_approval_prefix_rule");
}

#[test]
fn snapshot_patch_approval() {
    let mut h = harness();
    h.start_turn();
    h.event(EventMsg::ApplyPatchApprovalRequest {
        call_id: "call-4".to_string(),
        changes: vec![hello_change()],
        reason: Some("Create the greeting file.".to_string()),
    });
    snapshot_both!(h, "patch_approval");
}

#[test]
fn snapshot_decision_cells_and_interrupted_turn() {
    let mut h = harness();
    h.start_turn();
    for (key, call) in [('y', "a"), ('a', "b"), ('n', "c")] {
        let call_id = format!("call-{call}");
        h.event(EventMsg::ExecApprovalRequest {
            call_id: call_id.clone(),
            command: bash("touch /etc/demo"),
            cwd: PathBuf::from("/home/user/project"),
            reason: None,
            proposed_prefix_rule: None,
        });
        h.key(KeyCode::Char(key));
        if key != 'n' {
            run_exec(&mut h, &call_id, "touch /etc/demo", 0, "");
        }
    }
    h.event(EventMsg::TurnAborted {
        turn_id: "turn-1".to_string(),
        reason: TurnAbortReason::Interrupted,
    });
    snapshot_both!(h, "decisions_and_interrupted");
}

#[test]
fn snapshot_disabled_while_busy() {
    let mut h = harness();
    h.start_turn();
    h.type_text("/model");
    h.key(KeyCode::Enter);
    snapshot_both!(h, "disabled_while_busy");
}

#[test]
fn snapshot_slash_popups() {
    let mut h = harness();
    h.type_text("/");
    snapshot_both!(h, "slash_popup");
    h.type_text("st");
    snapshot_both!(h, "slash_popup_st");
}

#[test]
fn snapshot_file_popup() {
    let mut h = harness();
    h.type_text("look at @ma");
    h.drain();
    h.chat.bottom_pane.composer.on_file_search_result(
        "ma".to_string(),
        vec![
            crate::file_search::FileMatch {
                path: "src/main.rs".to_string(),
                indices: vec![4, 5],
            },
            crate::file_search::FileMatch {
                path: "Makefile".to_string(),
                indices: vec![0, 1],
            },
        ],
    );
    snapshot_both!(h, "file_popup");
}

#[test]
fn snapshot_shell_mode_and_shortcuts() {
    let mut h = harness();
    h.type_text("!");
    snapshot_both!(h, "shell_mode");
    let mut h = harness();
    h.type_text("?");
    snapshot_both!(h, "shortcuts");
}

#[test]
fn snapshot_status_card() {
    let mut h = harness();
    h.event(EventMsg::TokenCount {
        total: TokenUsage {
            input_tokens: 7_200,
            output_tokens: 252,
            total_tokens: 7_452,
            ..TokenUsage::default()
        },
        last: TokenUsage {
            total_tokens: 1_240,
            ..TokenUsage::default()
        },
        model_context_window: Some(258_000),
    });
    h.type_text("/status");
    h.key(KeyCode::Enter);
    snapshot_both!(h, "status_card");
}

#[test]
fn snapshot_model_and_permissions_views() {
    let mut h = harness();
    h.type_text("/model");
    h.key(KeyCode::Enter);
    snapshot_both!(h, "model_view");
    h.key(KeyCode::Enter);
    snapshot_both!(h, "effort_view");
    let mut h = harness();
    h.type_text("/permissions");
    h.key(KeyCode::Enter);
    snapshot_both!(h, "permissions_view");
    h.key(KeyCode::Char('2'));
    assert_eq!(
        h.drain(),
        vec![Seen::Cell(
            "• Permissions updated to Full Access".to_string()
        )]
    );
}

fn mcp_invocation(tool: &str, arguments: serde_json::Value) -> McpInvocation {
    McpInvocation {
        server: "docs".to_string(),
        tool: tool.to_string(),
        arguments: Some(arguments),
    }
}

fn mcp_call(
    h: &mut Harness,
    call_id: &str,
    invocation: &McpInvocation,
    result: Result<McpToolCallResult, String>,
) {
    h.event(EventMsg::McpToolCallBegin {
        call_id: call_id.to_string(),
        invocation: invocation.clone(),
    });
    h.event(EventMsg::McpToolCallEnd {
        call_id: call_id.to_string(),
        invocation: invocation.clone(),
        duration: Duration::from_millis(40),
        result,
    });
}

fn text_result(text: &str, is_error: Option<bool>) -> McpToolCallResult {
    McpToolCallResult {
        content: vec![serde_json::json!({"type": "text", "text": text})],
        structured_content: None,
        is_error,
    }
}

#[test]
fn snapshot_mcp_tool_calls() {
    let mut h = harness();
    h.start_turn();
    let echo = mcp_invocation("echo", serde_json::json!({"message": "hi"}));
    h.event(EventMsg::McpToolCallBegin {
        call_id: "mcp-1".to_string(),
        invocation: echo.clone(),
    });
    snapshot_both!(h, "mcp_call_running");
    h.event(EventMsg::McpToolCallEnd {
        call_id: "mcp-1".to_string(),
        invocation: echo,
        duration: Duration::from_millis(40),
        result: Ok(text_result("Echo: hi", None)),
    });
    let listing: String = (1..=9)
        .map(|n| format!("/tmp/dir/file-{n}.txt\n"))
        .collect();
    mcp_call(
        &mut h,
        "mcp-2",
        &mcp_invocation("list_directory", serde_json::json!({"path": "/tmp/dir"})),
        Ok(text_result(&listing, Some(false))),
    );
    mcp_call(
        &mut h,
        "mcp-3",
        &mcp_invocation("read_file", serde_json::json!({"path": "/etc/shadow"})),
        Ok(text_result(
            "Access denied - path outside allowed directories",
            Some(true),
        )),
    );
    mcp_call(
        &mut h,
        "mcp-4",
        &mcp_invocation("slow", serde_json::json!({})),
        Err("tool call failed for `docs/slow`".to_string()),
    );
    snapshot_both!(h, "mcp_calls_done");
}

#[test]
fn mcp_call_running_beside_a_command_is_interrupted_with_it() {
    let mut h = harness();
    h.start_turn();
    h.event(EventMsg::ExecCommandBegin {
        call_id: "call-1".to_string(),
        command: bash("sleep 5"),
        cwd: PathBuf::from("/home/user/project"),
        source: ExecCommandSource::Agent,
    });
    h.event(EventMsg::McpToolCallBegin {
        call_id: "mcp-1".to_string(),
        invocation: mcp_invocation("echo", serde_json::json!({"message": "hi"})),
    });
    assert_eq!(h.drain(), Vec::new());
    h.event(EventMsg::TurnAborted {
        turn_id: "turn-1".to_string(),
        reason: TurnAbortReason::Interrupted,
    });
    assert_eq!(
        h.drain(),
        vec![
            Seen::Cell("• Exited (status 130) sleep 5\n  └ (no output)".to_string()),
            Seen::Cell(
                "• Called docs.echo({\"message\":\"hi\"})\n  └ Error: interrupted".to_string()
            ),
            Seen::Cell(
                "■ Conversation interrupted - use /feedback if something went wrong".to_string()
            ),
        ]
    );
}

#[test]
fn mcp_startup_failures_are_history_notices() {
    let mut h = harness();
    let error = "MCP client for `missing` failed to start: MCP startup failed: No such file or directory (os error 2)";
    for (server, status) in [
        ("docs", McpStartupStatus::Starting),
        ("missing", McpStartupStatus::Starting),
        ("slow", McpStartupStatus::Starting),
        ("docs", McpStartupStatus::Ready),
        (
            "missing",
            McpStartupStatus::Failed {
                error: error.to_string(),
            },
        ),
        ("slow", McpStartupStatus::Cancelled),
    ] {
        h.event(EventMsg::McpStartupUpdate {
            server: server.to_string(),
            status,
        });
    }
    h.event(EventMsg::McpStartupComplete(McpStartupCompleteEvent {
        ready: vec!["docs".to_string()],
        failed: vec![McpStartupFailure {
            server: "missing".to_string(),
            error: error.to_string(),
        }],
        cancelled: vec!["slow".to_string()],
    }));
    assert_eq!(
        h.drain(),
        vec![
            Seen::Cell(
                "■ MCP client for `missing` failed to start: MCP startup failed: No such file or\n  directory (os error 2)".to_string()
            ),
            Seen::Cell(
                "• ⚠ MCP startup interrupted. The following servers were not initialized: slow"
                    .to_string()
            ),
        ]
    );
    snapshot_both!(h, "mcp_startup_failures");
}

#[test]
fn snapshot_mcp_list() {
    let mut h = harness();
    h.start_turn();
    h.submit("/mcp");
    assert_eq!(h.ops(), vec![Op::ListMcpTools]);
    let server =
        |name: &str, status: McpStartupStatus, enabled: bool, tools: &[&str]| McpServerSummary {
            name: name.to_string(),
            status,
            enabled,
            tools: tools.iter().map(ToString::to_string).collect(),
        };
    h.event(EventMsg::McpListToolsResponse {
        servers: vec![
            server("docs", McpStartupStatus::Ready, true, &["add", "echo", "search"]),
            server("one", McpStartupStatus::Ready, true, &["only"]),
            server("off", McpStartupStatus::Starting, false, &[]),
            server(
                "web",
                McpStartupStatus::Failed {
                    error: "MCP client for `web` failed to start: MCP startup failed: handshaking with MCP server failed: connection refused".to_string(),
                },
                true,
                &[],
            ),
        ],
    });
    snapshot_both!(h, "mcp_list");
    let mut h = harness();
    h.event(EventMsg::McpListToolsResponse {
        servers: Vec::new(),
    });
    assert_eq!(
        h.drain(),
        vec![Seen::Cell(
            "🔌  MCP Tools\n\n  • No MCP servers configured. Add one with `codex mcp add`."
                .to_string()
        )]
    );
}

#[test]
fn tiny_sizes_never_panic() {
    let mut h = harness();
    h.start_turn();
    h.exec_approval(None);
    for (width, height) in [(1, 1), (0, 0), (1, 0), (0, 5), (5, 1), (10, 3), (3, 40)] {
        h.render(width, height);
    }
    h.key(KeyCode::Char('y'));
    h.type_text("/st");
    for (width, height) in [(1, 1), (2, 2), (7, 4)] {
        h.render(width, height);
    }
}
