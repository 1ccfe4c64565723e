//! Real child processes through the unified-exec manager: exit codes, output merging, sessions,
//! stdin, PTYs, cancellation and killing of whole process groups. `foreground` covers
//! [`super::run_to_exit`].

mod foreground;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use std::time::Instant;

use pretty_assertions::assert_eq;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::ExecError;
use super::ExecOutput;
use super::ExecRequest;
use super::OutputSink;
use super::UnifiedExec;

const LONG_YIELD: Duration = Duration::from_secs(10);
const SHORT_YIELD: Duration = Duration::from_millis(250);

fn sh(script: &str) -> ExecRequest {
    ExecRequest {
        argv: vec!["/bin/sh".to_string(), "-c".to_string(), script.to_string()],
        cwd: PathBuf::from("/"),
        env: HashMap::from([("PATH".to_string(), "/usr/bin:/bin".to_string())]),
        tty: false,
        arg0: None,
    }
}

fn tty(script: &str) -> ExecRequest {
    ExecRequest {
        tty: true,
        ..sh(script)
    }
}

async fn run(request: ExecRequest, yield_time: Duration) -> Result<ExecOutput, ExecError> {
    UnifiedExec::new()
        .exec_command(
            request,
            yield_time,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
}

/// `(exit_code, session_id, output)`: everything but the wall time.
fn outcome(output: &ExecOutput) -> (Option<i32>, Option<i32>, String) {
    (
        output.exit_code,
        output.session_id,
        String::from_utf8_lossy(&output.output).into_owned(),
    )
}

/// True once `pid` no longer runs: gone, or a zombie nobody has reaped yet.
fn is_dead(pid: i32) -> bool {
    // SAFETY: signal 0 only checks whether the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
    })
}

async fn wait_until_dead(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if is_dead(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Starts a script that prints the pid of a background `sleep 100` and then sleeps itself.
const SLEEPING_GROUP: &str = "sleep 100 & echo $!; sleep 100";

fn first_line_pid(output: &[u8]) -> i32 {
    let text = String::from_utf8_lossy(output);
    let line = text.lines().next().unwrap_or_default().trim();
    line.parse()
        .unwrap_or_else(|_| panic!("expected a pid, got {text:?}"))
}

#[tokio::test]
async fn echo_exits_zero_and_formats_the_tool_output() {
    let output = run(sh("echo hi"), LONG_YIELD).await.unwrap();
    assert_eq!(outcome(&output), (Some(0), None, "hi\n".to_string()));
    assert!(
        output.wall_time < Duration::from_secs(5),
        "returned early: {:?}",
        output.wall_time
    );

    let text = output.format_tool_output(10_000);
    let lines: Vec<&str> = text.splitn(3, '\n').collect();
    let [chunk_line, wall_line, rest] = lines.as_slice() else {
        panic!("too few lines: {text:?}");
    };
    let chunk_id = chunk_line.strip_prefix("Chunk ID: ").unwrap();
    assert!(
        chunk_id.len() == 6
            && chunk_id
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "{text:?}"
    );
    let seconds = wall_line
        .strip_prefix("Wall time: ")
        .and_then(|rest| rest.strip_suffix(" seconds"))
        .unwrap();
    let (whole, decimals) = seconds.split_once('.').unwrap();
    assert!(
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && decimals.len() == 4
            && decimals.bytes().all(|b| b.is_ascii_digit()),
        "{text:?}"
    );
    assert_eq!(
        *rest,
        "Process exited with code 0\nOriginal token count: 1\nOutput:\nhi\n"
    );
}

#[tokio::test]
async fn stdout_and_stderr_interleave_in_arrival_order() {
    let script = "printf 'out1\\n'; sleep 0.2; printf 'err1\\n' >&2; sleep 0.2; printf 'out2\\n'";
    let output = run(sh(script), LONG_YIELD).await.unwrap();
    assert_eq!(
        outcome(&output),
        (Some(0), None, "out1\nerr1\nout2\n".to_string())
    );
}

#[tokio::test]
async fn exit_codes_and_signals_are_reported() {
    let exited = run(sh("echo failing; exit 3"), LONG_YIELD).await.unwrap();
    assert_eq!(outcome(&exited), (Some(3), None, "failing\n".to_string()));

    let killed = run(sh("kill -9 $$"), LONG_YIELD).await.unwrap();
    assert_eq!(outcome(&killed), (Some(137), None, String::new()));
}

#[tokio::test]
async fn a_slow_command_becomes_a_session_that_write_stdin_polls() {
    let exec = UnifiedExec::new();
    let first = exec
        .exec_command(
            sh("echo start; sleep 1; echo done"),
            SHORT_YIELD,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let Some(session_id) = first.session_id else {
        panic!("expected a session: {first:?}");
    };
    assert!((1_000..100_000).contains(&session_id), "{session_id}");
    assert_eq!(
        outcome(&first),
        (None, Some(session_id), "start\n".to_string())
    );
    assert!(
        first.format_tool_output(100).contains(&format!(
            "\nProcess running with session ID {session_id}\nOriginal token count: 2\nOutput:\nstart\n"
        )),
        "{first:?}"
    );

    let poll = exec
        .write_stdin(session_id, "", Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(outcome(&poll), (Some(0), None, "done\n".to_string()));
    assert!(
        poll.wall_time < Duration::from_secs(5),
        "returned early: {:?}",
        poll.wall_time
    );

    let gone = exec.write_stdin(session_id, "", SHORT_YIELD).await;
    assert_eq!(gone, Err(ExecError::UnknownSession(session_id)));
}

#[tokio::test]
async fn write_stdin_feeds_a_piped_cat() {
    let exec = UnifiedExec::new();
    let started = exec
        .exec_command(
            sh("cat"),
            SHORT_YIELD,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let session_id = started.session_id.unwrap();
    assert_eq!(outcome(&started), (None, Some(session_id), String::new()));

    let echoed = exec
        .write_stdin(session_id, "hello\n", Duration::from_millis(500))
        .await
        .unwrap();
    assert_eq!(
        outcome(&echoed),
        (None, Some(session_id), "hello\n".to_string())
    );
    exec.kill_all();
}

#[tokio::test]
async fn tty_runs_under_a_pty_and_pipes_do_not() {
    let under_pty = run(tty("test -t 0 && test -t 1 && echo tty"), LONG_YIELD)
        .await
        .unwrap();
    assert_eq!(outcome(&under_pty), (Some(0), None, "tty\r\n".to_string()));

    let under_pipes = run(sh("test -t 0"), LONG_YIELD).await.unwrap();
    assert_eq!(outcome(&under_pipes), (Some(1), None, String::new()));
}

#[tokio::test]
async fn write_stdin_types_into_a_pty() {
    let exec = UnifiedExec::new();
    let started = exec
        .exec_command(
            tty("stty -echo; echo ready; read line; echo got:$line"),
            SHORT_YIELD,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let session_id = started.session_id.unwrap();
    assert_eq!(
        outcome(&started),
        (None, Some(session_id), "ready\r\n".to_string())
    );

    let answered = exec
        .write_stdin(session_id, "x\n", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(outcome(&answered), (Some(0), None, "got:x\r\n".to_string()));
}

#[tokio::test]
async fn long_output_is_truncated_in_the_middle_with_the_original_count() {
    let output = run(sh("seq 1 1000"), LONG_YIELD).await.unwrap();
    let expected: String = (1..=1000).map(|n| format!("{n}\n")).collect();
    assert_eq!(outcome(&output), (Some(0), None, expected.clone()));

    let text = output.format_tool_output(10);
    let (_, body) = text.split_once("\nProcess exited").unwrap();
    let removed_tokens = (expected.len() - 40).div_ceil(4);
    assert_eq!(
        body,
        format!(
            " with code 0\nOriginal token count: {}\nOutput:\n{}\n…{removed_tokens} tokens truncated…\n{}",
            expected.len().div_ceil(4),
            &expected[..20],
            &expected[expected.len() - 20..]
        )
    );
}

#[tokio::test]
async fn cancel_kills_the_whole_process_group() {
    let exec = UnifiedExec::new();
    let cancel = CancellationToken::new();
    let (sink, mut chunks) = mpsc::unbounded_channel();
    let running = tokio::spawn({
        let exec = exec.clone();
        let cancel = cancel.clone();
        async move {
            exec.exec_command(
                sh(SLEEPING_GROUP),
                LONG_YIELD,
                OutputSink::forward_to(sink),
                &cancel,
            )
            .await
        }
    });
    let mut printed = Vec::new();
    while !printed.contains(&b'\n') {
        printed.extend(chunks.recv().await.unwrap());
    }
    let grandchild = first_line_pid(&printed);
    assert!(!is_dead(grandchild));

    cancel.cancel();
    assert_eq!(running.await.unwrap(), Err(ExecError::Cancelled));
    assert!(
        wait_until_dead(grandchild).await,
        "pid {grandchild} survived"
    );
}

#[tokio::test]
async fn kill_all_kills_sessions_and_forgets_them() {
    let exec = UnifiedExec::new();
    let started = exec
        .exec_command(
            sh(SLEEPING_GROUP),
            SHORT_YIELD,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let session_id = started.session_id.unwrap();
    let grandchild = first_line_pid(&started.output);

    exec.kill_all();
    assert!(
        wait_until_dead(grandchild).await,
        "pid {grandchild} survived"
    );
    assert_eq!(
        exec.write_stdin(session_id, "", SHORT_YIELD).await,
        Err(ExecError::UnknownSession(session_id))
    );
}

#[tokio::test]
async fn dropping_the_manager_kills_live_sessions() {
    let exec = UnifiedExec::new();
    let started = exec
        .exec_command(
            sh(SLEEPING_GROUP),
            SHORT_YIELD,
            OutputSink::discard(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let grandchild = first_line_pid(&started.output);
    drop(exec);
    assert!(
        wait_until_dead(grandchild).await,
        "pid {grandchild} survived"
    );
}

#[tokio::test]
async fn unknown_session_is_a_clear_error() {
    let error = UnifiedExec::new()
        .write_stdin(123, "ls\n", SHORT_YIELD)
        .await
        .unwrap_err();
    assert_eq!(error, ExecError::UnknownSession(123));
    assert!(
        error.to_string().starts_with("Unknown process id 123"),
        "{error}"
    );
}

async fn child_environment(tty: bool) -> Vec<String> {
    let request = ExecRequest {
        argv: vec!["/usr/bin/env".to_string()],
        cwd: PathBuf::from("/"),
        env: HashMap::from([
            ("CODEX_A".to_string(), "1".to_string()),
            ("CODEX_B".to_string(), "two words".to_string()),
            ("SHELL".to_string(), "/bin/sh".to_string()),
        ]),
        tty,
        arg0: None,
    };
    let output = run(request, LONG_YIELD).await.unwrap();
    let text = String::from_utf8_lossy(&output.output);
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| line.trim_end().to_string())
        .collect();
    lines.sort_unstable();
    lines
}

#[tokio::test]
async fn the_child_sees_exactly_the_given_environment() {
    let expected = vec!["CODEX_A=1", "CODEX_B=two words", "SHELL=/bin/sh"];
    assert_eq!(child_environment(false).await, expected);
    assert_eq!(child_environment(true).await, expected);
}

#[tokio::test]
async fn runs_in_the_requested_directory() {
    let dir = tempfile::tempdir().unwrap();
    let request = ExecRequest {
        cwd: dir.path().to_path_buf(),
        ..sh("pwd -P")
    };
    let output = run(request, LONG_YIELD).await.unwrap();
    let expected = format!("{}\n", dir.path().canonicalize().unwrap().display());
    assert_eq!(outcome(&output), (Some(0), None, expected));
}

#[tokio::test]
async fn bad_requests_are_errors() {
    let missing_dir = PathBuf::from("/definitely/not/here");
    assert_eq!(
        run(
            ExecRequest {
                cwd: missing_dir.clone(),
                ..sh("true")
            },
            SHORT_YIELD
        )
        .await,
        Err(ExecError::WorkdirNotFound(missing_dir))
    );
    assert_eq!(
        run(
            ExecRequest {
                argv: Vec::new(),
                ..sh("")
            },
            SHORT_YIELD
        )
        .await,
        Err(ExecError::EmptyCommand)
    );
    let missing_program = run(
        ExecRequest {
            argv: vec!["/no/such/program".to_string()],
            ..sh("")
        },
        SHORT_YIELD,
    )
    .await;
    assert!(
        matches!(&missing_program, Err(ExecError::Spawn { program, .. }) if program == "/no/such/program"),
        "{missing_program:?}"
    );
}

#[tokio::test]
async fn arg0_renames_the_child_in_pipes_and_under_a_pty() {
    let script = "tr '\\0' ' ' < /proc/$$/cmdline";
    for tty in [false, true] {
        let request = ExecRequest {
            tty,
            arg0: Some("renamed-sh".to_string()),
            ..sh(script)
        };
        let output = run(request, LONG_YIELD).await.unwrap();
        assert_eq!(
            outcome(&output),
            (Some(0), None, format!("renamed-sh -c {script} ")),
            "tty: {tty}"
        );
    }
}
