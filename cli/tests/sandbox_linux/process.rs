//! The process side: exit codes, signals and stdio, descendants staying confined, restrictions
//! that cannot be lifted, other platforms, exec failures, no landlock (S10, S12-S15, S17).

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::process::Stdio;

use pretty_assertions::assert_eq;

use crate::Layout;
use crate::Outcome;
use crate::REQUIREMENTS;
use crate::probe;

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
