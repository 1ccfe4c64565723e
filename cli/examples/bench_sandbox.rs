//! `just bench`: the cost of the Linux sandbox per command. Spawns `true` 200 times bare and
//! 200 times through the helper (`codex-linux-sandbox`, workspace-write, network off) and prints
//! both medians and their difference (target: under 3 ms added). A measurement, not a test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;
use std::time::Instant;

use codex_core::sandbox::SandboxPolicy;
use codex_core::sandbox::linux::LINUX_SANDBOX_ARG0;
use codex_core::sandbox::linux::linux_sandbox_args;
use codex_core::sandbox::linux::probe_landlock;
use codex_core::sandbox::sandbox_env;

const RUNS: usize = 200;

fn codex_binary() -> PathBuf {
    // target/<profile>/examples/bench_sandbox -> target/<profile>/codex
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("codex")
}

fn true_path() -> PathBuf {
    ["/usr/bin/true", "/bin/true"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
        .expect("no `true` in /usr/bin or /bin")
}

/// Median wall time of spawning and reaping the command built by `make`, after one warm-up.
fn median(mut make: impl FnMut() -> Command) -> Duration {
    let status = make().status().unwrap();
    assert!(status.success(), "warm-up run failed: {status}");
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            let status = make().status().unwrap();
            let elapsed = started.elapsed();
            assert!(status.success(), "run failed: {status}");
            elapsed
        })
        .collect();
    samples.sort_unstable();
    samples[RUNS / 2]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    if let Err(err) = probe_landlock() {
        println!("{err}");
        std::process::exit(1);
    }
    let codex = codex_binary();
    assert!(
        codex.is_file(),
        "{} is missing; run `cargo build --release -p codex-cli --bin codex`",
        codex.display()
    );
    let workdir = tempfile::tempdir().unwrap();
    let cwd = workdir.path().canonicalize().unwrap();
    let home = cwd.join("home");
    std::fs::create_dir(&home).unwrap();
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    }
    .with_resolved_roots(&cwd, None, &home);
    let program = true_path();
    let command = vec![program.to_string_lossy().into_owned()];

    let bare = median(|| {
        let mut child = Command::new(&program);
        child.current_dir(&cwd);
        child
    });
    let sandboxed = median(|| helper(&codex, &policy, &cwd, &command));

    println!("spawn + wait of `true`, median of {RUNS} runs each");
    println!("  bare:                        {:.3} ms", millis(bare));
    println!(
        "  through codex-linux-sandbox: {:.3} ms (workspace-write, network off)",
        millis(sandboxed)
    );
    println!(
        "  added by the sandbox:        {:.3} ms",
        millis(sandboxed.saturating_sub(bare))
    );
}

fn helper(codex: &Path, policy: &SandboxPolicy, cwd: &Path, command: &[String]) -> Command {
    let mut child = Command::new(codex);
    child
        .arg0(LINUX_SANDBOX_ARG0)
        .args(linux_sandbox_args(policy, cwd, command))
        .envs(sandbox_env(policy))
        .current_dir(cwd);
    child
}
