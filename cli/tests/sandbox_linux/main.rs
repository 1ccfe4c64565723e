//! The Linux sandbox on the real kernel (`sandbox-and-approvals.md` §8, S1-S17): `codex sandbox
//! linux` runs `sandbox-probe` (test-support) and ordinary tools, and every test asserts the
//! exact output and exit status. The layout never lives under `/tmp`, because `/tmp` itself is a
//! writable root. S18 (read-only `.git`) is not implemented.
#![cfg(target_os = "linux")]

mod filesystem;
mod network;
mod process;

use std::net::TcpListener;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Output;
use std::process::Stdio;

const CODEX: &str = env!("CARGO_BIN_EXE_codex");
const REQUIREMENTS: &str = "Codex needs Linux 5.13+ with Landlock enabled (CONFIG_SECURITY_LANDLOCK=y and \"landlock\" in the lsm= boot list);\ninside a container, its seccomp profile must allow the landlock_* syscalls.\nTo run commands without any sandbox, if you accept the risk: --sandbox danger-full-access\n";

/// What a run produced, compared whole.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn new(code: i32, stdout: &str, stderr: &str) -> Self {
        Outcome {
            code: Some(code),
            stdout: stdout.to_string(),
            stderr: stderr.to_string(),
        }
    }

    fn ok() -> Self {
        Outcome::new(0, "OK\n", "")
    }

    fn err(errno: &str) -> Self {
        Outcome::new(1, &format!("ERR {errno}\n"), "")
    }
}

impl From<Output> for Outcome {
    fn from(output: Output) -> Self {
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// `sandbox-probe`, built next to `codex` by `cargo nextest run --workspace` / `cargo build`.
fn probe() -> String {
    let path = Path::new(CODEX).with_file_name("sandbox-probe");
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo build -p codex-test-support --bin sandbox-probe` (a workspace build or `cargo nextest run --workspace` builds it)",
        path.display()
    );
    path.to_string_lossy().into_owned()
}

/// A directory for test layouts that is not under `/tmp` (a writable root of its own, which
/// would make "outside the workspace" writable): Cargo's target tmp dir unless the checkout
/// itself lives under `/tmp`, else `/var/tmp`.
fn outside_slash_tmp() -> PathBuf {
    [
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")),
        PathBuf::from("/var/tmp"),
    ]
    .into_iter()
    .find(|dir| dir.canonicalize().is_ok_and(|dir| !dir.starts_with("/tmp")))
    .unwrap_or_else(|| panic!("no directory outside /tmp for the sandbox test layout"))
}

/// Temp dir `T` with `ws/` (a git repo, the cwd), `out/`, `home/` (CODEX_HOME), `tmp/`
/// (TMPDIR), and a TCP listener on 127.0.0.1:0.
struct Layout {
    _dir: tempfile::TempDir,
    t: PathBuf,
    listener: TcpListener,
}

impl Layout {
    fn new() -> Self {
        let fail = |what: &str, err: std::io::Error| -> ! { panic!("{what}: {err}") };
        let dir = tempfile::tempdir_in(outside_slash_tmp())
            .unwrap_or_else(|err| fail("creating the test directory", err));
        let t = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|err| fail("resolving the test directory", err));
        for sub in ["ws", "out", "home", "tmp"] {
            std::fs::create_dir(t.join(sub)).unwrap_or_else(|err| fail(sub, err));
        }
        codex_test_support::init_git_repo(&t.join("ws"));
        let listener =
            TcpListener::bind("127.0.0.1:0").unwrap_or_else(|err| fail("binding 127.0.0.1:0", err));
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|err| fail("making the listener non-blocking", err));
        Layout {
            _dir: dir,
            t,
            listener,
        }
    }

    fn path(&self, relative: &str) -> String {
        self.t.join(relative).to_string_lossy().into_owned()
    }

    fn address(&self) -> String {
        match self.listener.local_addr() {
            Ok(address) => address.to_string(),
            Err(err) => panic!("the listener has no address: {err}"),
        }
    }

    /// Whether a connection reached the listener (it never blocks).
    fn accepted(&self) -> bool {
        self.listener.accept().is_ok()
    }

    /// `codex <args>` in `T/ws` with a clean environment: PATH, HOME, CODEX_HOME, TMPDIR.
    fn codex(&self, args: &[&str]) -> Command {
        let mut command = Command::new(CODEX);
        command
            .args(args)
            .current_dir(self.t.join("ws"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.t)
            .env("CODEX_HOME", self.t.join("home"))
            .env("TMPDIR", self.t.join("tmp"))
            .stdin(Stdio::null());
        command
    }

    /// `codex sandbox linux <flags> -- <command>`.
    fn run(&self, flags: &[&str], command: &[&str]) -> Outcome {
        let mut args = vec!["sandbox", "linux"];
        args.extend_from_slice(flags);
        args.push("--");
        args.extend_from_slice(command);
        match self.codex(&args).output() {
            Ok(output) => output.into(),
            Err(err) => panic!("cannot run {CODEX} {args:?}: {err}"),
        }
    }

    /// `WW`: `codex sandbox linux --full-auto -- <command>`.
    fn ww(&self, command: &[&str]) -> Outcome {
        self.run(&["--full-auto"], command)
    }

    /// `RO`: `codex sandbox linux -- <command>`.
    fn ro(&self, command: &[&str]) -> Outcome {
        self.run(&[], command)
    }
}
