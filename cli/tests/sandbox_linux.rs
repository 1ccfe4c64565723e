//! The Linux sandbox on the real kernel (`sandbox-and-approvals.md` §8, S1-S17): `codex sandbox
//! linux` runs `sandbox-probe` (test-support) and ordinary tools, and every test asserts the
//! exact output and exit status. The layout lives under Cargo's target tmp dir, never under
//! `/tmp`, because `/tmp` itself is a writable root. S18 (read-only `.git`) is not implemented.
#![cfg(target_os = "linux")]

use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;
use std::process::Output;
use std::process::Stdio;

use pretty_assertions::assert_eq;

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
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
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

#[test]
fn s1_workspace_write_allows_writes_in_the_workspace() {
    let l = Layout::new();
    std::fs::create_dir(l.t.join("ws/a")).unwrap();
    assert_eq!(l.ww(&[&probe(), "write", &l.path("ws/a/x")]), Outcome::ok());
    assert_eq!(l.ww(&["touch", &l.path("ws/y")]), Outcome::new(0, "", ""));
    assert!(l.t.join("ws/a/x").is_file());
    assert!(l.t.join("ws/y").is_file());
}

#[test]
fn s2_workspace_write_denies_writes_outside() {
    let l = Layout::new();
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("out/x")]),
        Outcome::err("EACCES")
    );
    let out_y = l.path("out/y");
    assert_eq!(
        l.ww(&["touch", &out_y]),
        Outcome::new(
            1,
            "",
            &format!("touch: cannot touch '{out_y}': Permission denied\n")
        )
    );
    assert_eq!(std::fs::read_dir(l.t.join("out")).unwrap().count(), 0);
}

#[test]
fn s3_slash_tmp_and_tmpdir_are_writable() {
    let l = Layout::new();
    let unique = format!(
        "/tmp/codex-sandbox-s3-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    let outcome = l.ww(&[&probe(), "write", &unique]);
    let _ = std::fs::remove_file(&unique);
    assert_eq!(outcome, Outcome::ok());
    assert_eq!(l.ww(&[&probe(), "write", &l.path("tmp/x")]), Outcome::ok());
}

#[test]
fn s4_excluded_tmp_dirs_and_extra_writable_roots() {
    let l = Layout::new();
    let excluded = [
        "--full-auto",
        "-c",
        "sandbox_workspace_write.exclude_slash_tmp=true",
        "-c",
        "sandbox_workspace_write.exclude_tmpdir_env_var=true",
    ];
    let unique = format!(
        "/tmp/codex-sandbox-s4-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    assert_eq!(
        l.run(&excluded, &[&probe(), "write", &unique]),
        Outcome::err("EACCES")
    );
    assert!(!Path::new(&unique).exists());
    assert_eq!(
        l.run(&excluded, &[&probe(), "write", &l.path("tmp/x")]),
        Outcome::err("EACCES")
    );
    let extra = format!(
        "sandbox_workspace_write.writable_roots=[\"{}\"]",
        l.path("out")
    );
    assert_eq!(
        l.run(
            &["--full-auto", "-c", &extra],
            &[&probe(), "write", &l.path("out/x")]
        ),
        Outcome::ok()
    );
}

#[test]
fn s5_the_memories_dir_is_created_private_and_writable() {
    use std::os::unix::fs::PermissionsExt;
    let l = Layout::new();
    assert!(!l.t.join("home/memories").exists());
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("home/memories/m")]),
        Outcome::ok()
    );
    let mode = std::fs::metadata(l.t.join("home/memories"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    assert_eq!(
        l.ww(&[&probe(), "write", &l.path("home/other")]),
        Outcome::err("EACCES")
    );
    assert_eq!(
        l.ro(&[&probe(), "write", &l.path("home/memories/m2")]),
        Outcome::err("EACCES")
    );
}

#[test]
fn s6_read_only_denies_every_write_but_dev_null() {
    let l = Layout::new();
    std::fs::create_dir(l.t.join("home/memories")).unwrap();
    let unique = format!(
        "/tmp/codex-sandbox-s6-{}",
        l.t.file_name().unwrap().to_string_lossy()
    );
    for target in [
        l.path("ws/x"),
        unique.clone(),
        l.path("tmp/x"),
        l.path("home/memories/x"),
    ] {
        assert_eq!(
            l.ro(&[&probe(), "write", &target]),
            Outcome::err("EACCES"),
            "{target}"
        );
    }
    assert!(!Path::new(&unique).exists());
    assert_eq!(
        l.ro(&["sh", "-c", "echo x > /dev/null"]),
        Outcome::new(0, "", "")
    );
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap();
    assert_eq!(
        l.ro(&["cat", "/etc/hostname"]),
        Outcome::new(0, &hostname, "")
    );
}

#[test]
fn s7_network_off_refuses_sockets_and_connections() {
    let l = Layout::new();
    let socket_path = l.t.join("unix.sock");
    let _unix = UnixListener::bind(&socket_path).unwrap();
    let unix_path = socket_path.to_string_lossy().into_owned();
    let probe = probe();
    let address = l.address();
    let actions: [&[&str]; 6] = [
        &["tcp-connect", &address],
        &["socket", "inet"],
        &["socket", "inet6"],
        &["socket", "netlink"],
        &["socket", "vsock"],
        &["unix-connect", &unix_path],
    ];
    for flags in [&[][..], &["--full-auto"][..]] {
        for action in actions {
            let mut command = vec![probe.as_str()];
            command.extend_from_slice(action);
            assert_eq!(
                l.run(flags, &command),
                Outcome::err("EPERM"),
                "{flags:?} {action:?}"
            );
        }
    }
    assert!(!l.accepted(), "the listener saw a connection");
}

#[test]
fn s8_unix_sockets_and_socketpairs_still_work() {
    let l = Layout::new();
    for flags in [&[][..], &["--full-auto"][..]] {
        assert_eq!(l.run(flags, &[&probe(), "socket", "unix"]), Outcome::ok());
        assert_eq!(l.run(flags, &[&probe(), "socketpair-rw"]), Outcome::ok());
    }
}

#[test]
fn s9_network_when_enabled_or_unsandboxed() {
    let l = Layout::new();
    let address = l.address();
    assert_eq!(
        l.run(
            &[
                "--full-auto",
                "-c",
                "sandbox_workspace_write.network_access=true"
            ],
            &[&probe(), "tcp-connect", &address]
        ),
        Outcome::ok()
    );
    assert!(l.accepted());
    assert_eq!(
        l.run(
            &["-c", "sandbox_mode=\"danger-full-access\""],
            &[&probe(), "tcp-connect", &address]
        ),
        Outcome::ok()
    );
    assert!(l.accepted());
}

#[test]
fn s10_exit_codes_signals_and_stdio_pass_through() {
    let l = Layout::new();
    assert_eq!(l.ro(&["sh", "-c", "exit 7"]), Outcome::new(7, "", ""));
    assert_eq!(l.ro(&["sh", "-c", "kill -9 $$"]), Outcome::new(137, "", ""));
    assert_eq!(
        l.ro(&["sh", "-c", "kill -TERM $$"]),
        Outcome::new(143, "", "")
    );
    let mut child = l
        .codex(&["sandbox", "linux", "--", "cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"piped\n").unwrap();
    }
    let outcome: Outcome = child.wait_with_output().unwrap().into();
    assert_eq!(outcome, Outcome::new(0, "piped\n", ""));
}

fn sandbox_variables(outcome: &Outcome) -> Vec<&str> {
    assert_eq!(outcome.code, Some(0), "{outcome:?}");
    outcome
        .stdout
        .lines()
        .filter(|line| line.starts_with("CODEX_SANDBOX"))
        .collect()
}

#[test]
fn s11_the_network_marker_is_set_only_without_network() {
    let l = Layout::new();
    let marker = vec!["CODEX_SANDBOX_NETWORK_DISABLED=1"];
    assert_eq!(sandbox_variables(&l.ro(&["env"])), marker);
    assert_eq!(sandbox_variables(&l.ww(&["env"])), marker);
    let networked = l.run(
        &[
            "--full-auto",
            "-c",
            "sandbox_workspace_write.network_access=true",
        ],
        &["env"],
    );
    assert_eq!(sandbox_variables(&networked), Vec::<&str>::new());
    let unsandboxed = l.run(&["-c", "sandbox_mode=\"danger-full-access\""], &["env"]);
    assert_eq!(sandbox_variables(&unsandboxed), Vec::<&str>::new());
}

#[test]
fn s12_children_and_orphaned_grandchildren_stay_confined() {
    let l = Layout::new();
    let probe = probe();
    let nested = format!("sh -c \"{probe} write {}\"", l.path("out/g"));
    assert_eq!(l.ww(&["sh", "-c", &nested]), Outcome::err("EACCES"));
    // The grandchild is re-parented when its parent exits; it still holds stdout, so the
    // output below is only complete once it has finished both actions.
    let orphan = format!(
        "(sh -c 'sleep 0.3; {probe} write {}; {probe} tcp-connect {}' &) ; exit 0",
        l.path("out/g2"),
        l.address()
    );
    assert_eq!(
        l.ww(&["sh", "-c", &orphan]),
        Outcome::new(0, "ERR EACCES\nERR EPERM\n", "")
    );
    assert_eq!(std::fs::read_dir(l.t.join("out")).unwrap().count(), 0);
    assert!(!l.accepted());
}

#[test]
fn s13_the_sandboxed_command_cannot_lift_its_restrictions() {
    let l = Layout::new();
    let probe = probe();
    assert_eq!(
        l.ww(&[&probe, "status"]),
        Outcome::new(0, "NoNewPrivs: 1\nSeccomp: 2\n", "")
    );
    assert_eq!(l.ww(&[&probe, "nnp-clear"]), Outcome::err("EINVAL"));
    assert_eq!(
        l.ww(&[&probe, "seccomp-allow-all-then-socket"]),
        Outcome::err("EPERM")
    );
    assert_eq!(
        l.ww(&[&probe, "landlock-grant-all-then-write", &l.path("out/x")]),
        Outcome::err("EACCES")
    );
    assert_eq!(l.ww(&[&probe, "ptrace-traceme"]), Outcome::err("EPERM"));
    assert_eq!(l.ww(&[&probe, "io-uring-setup"]), Outcome::err("EPERM"));
    assert!(!l.t.join("out/x").exists());
}

#[test]
fn s14_other_platforms_sandboxes_are_refused_on_linux() {
    let l = Layout::new();
    let marker = l.path("ws/ran");
    let seatbelt = "Error: the macOS Seatbelt sandbox is not available on this platform (linux). Use `codex sandbox linux` instead.\n";
    let windows = "Error: the Windows sandbox is not available on this platform (linux). Use `codex sandbox linux` instead.\n";
    for (args, stderr) in [
        (["sandbox", "macos"], seatbelt),
        (["sandbox", "seatbelt"], seatbelt),
        (["debug", "seatbelt"], seatbelt),
        (["sandbox", "windows"], windows),
    ] {
        let mut full = args.to_vec();
        full.extend_from_slice(&["--full-auto", "--", "touch", &marker]);
        let outcome: Outcome = l.codex(&full).output().unwrap().into();
        assert_eq!(outcome, Outcome::new(1, "", stderr), "{args:?}");
    }
    assert!(!Path::new(&marker).exists());
}

#[test]
fn s15_missing_or_non_executable_commands() {
    use std::os::unix::fs::PermissionsExt;
    let l = Layout::new();
    assert_eq!(
        l.ro(&["/nonexistent/bin"]),
        Outcome::new(
            127,
            "",
            "codex-linux-sandbox: failed to execute '/nonexistent/bin': No such file or directory\n"
        )
    );
    let script = l.path("ws/not-executable");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        l.ro(&[&script]),
        Outcome::new(
            126,
            "",
            &format!("codex-linux-sandbox: failed to execute '{script}': Permission denied\n")
        )
    );
}

#[test]
fn s16_only_the_command_line_chooses_the_mode() {
    let l = Layout::new();
    assert_eq!(
        l.run(
            &["-c", "sandbox_mode=\"workspace-write\""],
            &[&probe(), "write", &l.path("ws/a")]
        ),
        Outcome::ok()
    );
    std::fs::write(
        l.t.join("home/config.toml"),
        "sandbox_mode = \"workspace-write\"\n",
    )
    .unwrap();
    assert_eq!(
        l.ro(&[&probe(), "write", &l.path("ws/b")]),
        Outcome::err("EACCES")
    );
    let legacy: Outcome = l
        .codex(&[
            "debug",
            "landlock",
            "--full-auto",
            "--",
            &probe(),
            "write",
            &l.path("ws/c"),
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(legacy, Outcome::ok());
}

/// A seccomp filter making `landlock_create_ruleset` fail with ENOSYS, as on a kernel without
/// landlock, installed in the child before it execs `codex`.
fn without_landlock(command: &mut Command) {
    const NR_OFFSET: u32 = 0;
    let filter = [
        bpf(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, NR_OFFSET),
        bpf(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            0,
            1,
            libc::SYS_landlock_create_ruleset as u32,
        ),
        bpf(
            libc::BPF_RET | libc::BPF_K,
            0,
            0,
            libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        ),
        bpf(libc::BPF_RET | libc::BPF_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    // SAFETY: only prctl between fork and exec; the filter array is the child's own copy.
    unsafe {
        command.pre_exec(move || {
            let program = libc::sock_fprog {
                len: filter.len() as u16,
                filter: filter.as_ptr().cast_mut(),
            };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(
                    libc::PR_SET_SECCOMP,
                    libc::SECCOMP_MODE_FILTER,
                    &program as *const libc::sock_fprog,
                ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

fn bpf(code: u32, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

#[test]
fn s17_no_landlock_means_a_clear_error_and_nothing_run() {
    let l = Layout::new();
    let mut command = l.codex(&["sandbox", "linux", "--", "echo", "ran"]);
    without_landlock(&mut command);
    let outcome: Outcome = command.output().unwrap().into();
    assert_eq!(
        outcome,
        Outcome::new(
            1,
            "",
            &format!(
                "Error: the Linux sandbox could not be applied: Landlock is not built into this kernel (landlock_create_ruleset: Function not implemented).\n{REQUIREMENTS}"
            )
        )
    );
}
