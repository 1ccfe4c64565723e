//! The helper's command line, the §4.5 messages and the probe against the running kernel (the
//! enforcement itself is proven end to end by `cli/tests/sandbox_linux/`).

use std::path::Path;
use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;

#[test]
fn helper_arguments_carry_cwd_policy_json_and_command() {
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![
            PathBuf::from("/data"),
            PathBuf::from("/home/u/.codex/memories"),
        ],
        network_access: false,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: false,
    };
    let args = linux_sandbox_args(
        &policy,
        Path::new("/home/user/project"),
        &["bash".to_string(), "-lc".to_string(), "ls -l".to_string()],
    );
    assert_eq!(
        args,
        vec![
            "--sandbox-policy-cwd",
            "/home/user/project",
            "--sandbox-policy",
            r#"{"type":"workspace-write","writable_roots":["/data","/home/u/.codex/memories"],"network_access":false,"exclude_tmpdir_env_var":true,"exclude_slash_tmp":false}"#,
            "--",
            "bash",
            "-lc",
            "ls -l",
        ]
    );
    assert_eq!(
        linux_sandbox_args(
            &SandboxPolicy::ReadOnly,
            Path::new("/w"),
            &["true".to_string()]
        ),
        vec![
            "--sandbox-policy-cwd",
            "/w",
            "--sandbox-policy",
            r#"{"type":"read-only"}"#,
            "--",
            "true"
        ]
    );
}

#[test]
fn non_utf8_roots_are_left_out_of_the_json() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![
            PathBuf::from(OsStr::from_bytes(b"/bad\xff")),
            PathBuf::from("/ok"),
        ],
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    };
    let args = linux_sandbox_args(&policy, Path::new("/w"), &["true".to_string()]);
    assert_eq!(
        args[3],
        r#"{"type":"workspace-write","writable_roots":["/ok"],"network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}"#
    );
}

#[test]
fn unavailable_messages_name_the_cause_the_requirement_and_the_opt_out() {
    let tail = "Codex needs Linux 5.13+ with Landlock enabled (CONFIG_SECURITY_LANDLOCK=y and \"landlock\" in the lsm= boot list);\ninside a container, its seccomp profile must allow the landlock_* syscalls.\nTo run commands without any sandbox, if you accept the risk: --sandbox danger-full-access";
    let cases = [
        (
            SandboxUnavailable::LandlockDisabled {
                errno: "Operation not supported".to_string(),
            },
            "Landlock is disabled on this system (landlock_create_ruleset: Operation not supported)",
        ),
        (
            SandboxUnavailable::LandlockNotBuilt {
                errno: "Function not implemented".to_string(),
            },
            "Landlock is not built into this kernel (landlock_create_ruleset: Function not implemented)",
        ),
        (
            SandboxUnavailable::LandlockBlocked {
                errno: "Operation not permitted".to_string(),
            },
            "the landlock_* syscalls are blocked (landlock_create_ruleset: Operation not permitted)",
        ),
        (
            SandboxUnavailable::LandlockNotEnforced,
            "Landlock did not enforce the sandbox rules",
        ),
        (
            SandboxUnavailable::SeccompFilter {
                reason: "Invalid argument".to_string(),
            },
            "failed to install the seccomp network filter: Invalid argument",
        ),
        (
            SandboxUnavailable::UnsupportedArchitecture {
                arch: "riscv64".to_string(),
            },
            "seccomp network filter is not supported on riscv64",
        ),
    ];
    for (error, cause) in cases {
        assert_eq!(
            error.to_string(),
            format!("Error: the Linux sandbox could not be applied: {cause}.\n{tail}")
        );
    }
}

#[test]
fn errno_text_drops_the_os_error_suffix() {
    assert_eq!(
        error::errno_text(&std::io::Error::from_raw_os_error(libc::EOPNOTSUPP)),
        "Operation not supported"
    );
    assert_eq!(error::errno_text(&std::io::Error::other("plain")), "plain");
}

/// The CI and development machines have landlock (§8): the probe must see it, and agree with
/// itself on a second (cached) call.
#[test]
fn the_probe_finds_landlock_on_this_kernel() {
    let abi = probe_landlock();
    assert!(matches!(abi, Ok(version) if version >= 1), "{abi:?}");
    assert_eq!(probe_landlock(), abi);
}
