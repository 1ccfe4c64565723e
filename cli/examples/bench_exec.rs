//! `just bench`: one `codex exec --json` turn with 20 sequential `exec_command` calls against a
//! mock Responses server on loopback. Prints wall time, CPU time and peak RSS of the `codex`
//! process for a few runs. A measurement, not a test: nothing here asserts on timing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::PathBuf;
use std::process::Command;
use std::process::Stdio;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::ev_completed;
use codex_test_support::ev_function_call;
use codex_test_support::mock_provider_config;

const COMMANDS: usize = 20;
const RUNS: usize = 5;

struct Sample {
    wall: Duration,
    cpu: Duration,
    max_rss_kib: i64,
    exit_code: i32,
}

fn script() -> Vec<MockResponse> {
    let mut responses: Vec<MockResponse> = (0..COMMANDS)
        .map(|i| {
            MockResponse::Sse(vec![
                ev_function_call(
                    &format!("call_{i}"),
                    "exec_command",
                    &format!(r#"{{"cmd":"echo step {i}"}}"#),
                ),
                ev_completed(&format!("resp_{i}")),
            ])
        })
        .collect();
    responses.push(MockResponse::message("all done"));
    responses
}

fn codex_binary() -> PathBuf {
    // target/<profile>/examples/bench_exec -> target/<profile>/codex
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("codex")
}

fn run_once(codex: &PathBuf) -> Sample {
    let server = MockServer::start(script());
    let home = TestCodexHome::new();
    home.write_config(&mock_provider_config(&server));
    let workdir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    // Reaped below with wait4, which is what yields the child's rusage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(codex)
        .env_clear()
        .envs(base_env(home.path()))
        .env("SHELL", "/bin/bash")
        .current_dir(workdir.path())
        .args([
            "exec",
            "--json",
            "--skip-git-repo-check",
            "--dangerously-bypass-approvals-and-sandbox",
            "run twenty commands",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; wait4 fills `status` and `usage`.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let requests = server.requests().len();
    assert_eq!(requests, COMMANDS + 1, "the turn did not complete");
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    Sample {
        wall,
        cpu,
        max_rss_kib: usage.ru_maxrss,
        exit_code: libc::WEXITSTATUS(status),
    }
}

fn timeval(value: libc::timeval) -> Duration {
    Duration::from_secs(value.tv_sec as u64) + Duration::from_micros(value.tv_usec as u64)
}

fn main() {
    let codex = codex_binary();
    println!(
        "codex exec --json: 1 turn, {COMMANDS} sequential exec_command calls, mock server on loopback"
    );
    println!("binary: {}", codex.display());
    let mut samples: Vec<Sample> = (0..RUNS).map(|_| run_once(&codex)).collect();
    for (i, sample) in samples.iter().enumerate() {
        println!(
            "run {}: wall {:.3} s, cpu {:.3} s, peak rss {:.1} MiB, exit {}",
            i + 1,
            sample.wall.as_secs_f64(),
            sample.cpu.as_secs_f64(),
            sample.max_rss_kib as f64 / 1024.0,
            sample.exit_code
        );
    }
    samples.sort_by_key(|sample| sample.wall);
    let median = &samples[RUNS / 2];
    println!(
        "median: wall {:.3} s, cpu {:.3} s, peak rss {:.1} MiB",
        median.wall.as_secs_f64(),
        median.cpu.as_secs_f64(),
        median.max_rss_kib as f64 / 1024.0
    );
}
