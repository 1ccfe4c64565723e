//! The `codex-linux-sandbox` process: parse its own arguments, confine itself (no-new-privs,
//! seccomp, landlock, in that order) and exec the command. It runs before any other thread or
//! runtime exists, never panics, and reports every failure on stderr with a non-zero exit.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::path::PathBuf;
use std::process::Command;

use super::LINUX_SANDBOX_ARG0;
use super::POLICY_CWD_FLAG;
use super::POLICY_FLAG;
use super::SandboxUnavailable;
use super::error::errno_text;
use super::probe_landlock;
use super::ruleset::apply_landlock;
use super::seccomp::install_network_filter;
use crate::sandbox::SandboxPolicy;

/// Exit status of the helper when its own arguments are wrong or the sandbox cannot be applied.
const HELPER_FAILURE: i32 = 1;
const EXIT_NOT_FOUND: i32 = 127;
const EXIT_NOT_EXECUTABLE: i32 = 126;

/// The helper's `main`: never returns. On success the process *becomes* the command (its exit
/// status and signals are the command's); otherwise it prints why and exits 1 (sandbox or
/// arguments), 127 (command not found) or 126 (command not executable).
pub fn run_linux_sandbox_main() -> ! {
    let code = match HelperArgs::parse(std::env::args_os().skip(1)) {
        Ok(args) => run(args),
        Err(problem) => {
            report(&format!(
                "{LINUX_SANDBOX_ARG0}: {problem}\nUsage: {LINUX_SANDBOX_ARG0} {POLICY_CWD_FLAG} <DIR> {POLICY_FLAG} <JSON> -- COMMAND [ARGS]..."
            ));
            HELPER_FAILURE
        }
    };
    std::process::exit(code)
}

/// The message and exit status when the command cannot be executed (§4.5): 127 when it does
/// not exist, 126 otherwise.
fn exec_failure(program: &str, err: &std::io::Error) -> (String, i32) {
    let code = if err.kind() == std::io::ErrorKind::NotFound {
        EXIT_NOT_FOUND
    } else {
        EXIT_NOT_EXECUTABLE
    };
    (
        format!(
            "{LINUX_SANDBOX_ARG0}: failed to execute '{program}': {}",
            errno_text(err)
        ),
        code,
    )
}

#[derive(Debug, PartialEq)]
struct HelperArgs {
    cwd: PathBuf,
    policy: SandboxPolicy,
    command: Vec<OsString>,
}

impl HelperArgs {
    fn parse(mut args: impl Iterator<Item = OsString>) -> Result<Self, String> {
        let mut cwd = None;
        let mut policy = None;
        let mut command = Vec::new();
        while let Some(arg) = args.next() {
            if arg == POLICY_CWD_FLAG {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{POLICY_CWD_FLAG} needs a directory"))?;
                let path = PathBuf::from(value);
                if !path.is_absolute() {
                    return Err(format!(
                        "{POLICY_CWD_FLAG} must be an absolute path, got '{}'",
                        path.display()
                    ));
                }
                cwd = Some(path);
            } else if arg == POLICY_FLAG {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{POLICY_FLAG} needs a policy in JSON"))?;
                let json = value
                    .to_str()
                    .ok_or_else(|| format!("{POLICY_FLAG} is not valid UTF-8"))?;
                let parsed = serde_json::from_str(json)
                    .map_err(|err| format!("invalid {POLICY_FLAG} '{json}': {err}"))?;
                policy = Some(parsed);
            } else if arg == "--" {
                command = args.by_ref().collect();
            } else {
                return Err(format!("unexpected argument '{}'", arg.to_string_lossy()));
            }
        }
        let cwd = cwd.ok_or_else(|| format!("missing {POLICY_CWD_FLAG}"))?;
        let policy = policy.ok_or_else(|| format!("missing {POLICY_FLAG}"))?;
        if command.is_empty() {
            return Err("missing the command to run after --".to_string());
        }
        Ok(HelperArgs {
            cwd,
            policy,
            command,
        })
    }
}

fn run(args: HelperArgs) -> i32 {
    if let Err(err) = confine(&args.policy, &args.cwd) {
        report(&err.to_string());
        return HELPER_FAILURE;
    }
    let Some((program, rest)) = args.command.split_first() else {
        return HELPER_FAILURE;
    };
    // std's exec searches PATH like execvp and restores the default SIGPIPE disposition that
    // the Rust runtime changed in this process.
    let err = Command::new(program).args(rest).exec();
    let (message, code) = exec_failure(&program.to_string_lossy(), &err);
    report(&message);
    code
}

/// Applies `policy` to this process: nothing for danger-full-access; otherwise no-new-privs,
/// the network filter when the network is off, then landlock.
fn confine(policy: &SandboxPolicy, cwd: &Path) -> Result<(), SandboxUnavailable> {
    let Some(roots) = policy.writable_roots(cwd, tmpdir().as_deref()) else {
        return Ok(());
    };
    probe_landlock()?;
    set_no_new_privs()?;
    if !policy.has_full_network_access() {
        install_network_filter()?;
    }
    apply_landlock(&roots)
}

/// `$TMPDIR` as the command will see it (the helper passes its environment on unchanged).
fn tmpdir() -> Option<PathBuf> {
    std::env::var_os("TMPDIR").map(PathBuf::from)
}

fn set_no_new_privs() -> Result<(), SandboxUnavailable> {
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only and touches no memory.
    let result = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    if result == 0 {
        Ok(())
    } else {
        Err(SandboxUnavailable::NoNewPrivs {
            reason: errno_text(&std::io::Error::last_os_error()),
        })
    }
}

/// The helper owns its stderr (it is the command's): a failed write has nowhere to go.
fn report(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn parse(args: &[&str]) -> Result<HelperArgs, String> {
        HelperArgs::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn parses_what_linux_sandbox_args_produces() {
        let policy = SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![PathBuf::from("/data")],
            network_access: true,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: true,
        };
        let args = super::super::linux_sandbox_args(
            &policy,
            Path::new("/work"),
            &["ls".to_string(), "-l".to_string()],
        );
        assert_eq!(
            HelperArgs::parse(args.into_iter().map(OsString::from)),
            Ok(HelperArgs {
                cwd: PathBuf::from("/work"),
                policy,
                command: vec![OsString::from("ls"), OsString::from("-l")],
            })
        );
    }

    #[test]
    fn rejects_incomplete_or_unknown_arguments() {
        let policy = r#"{"type":"read-only"}"#;
        assert_eq!(
            parse(&["--sandbox-policy", policy, "--", "true"]),
            Err("missing --sandbox-policy-cwd".to_string())
        );
        assert_eq!(
            parse(&["--sandbox-policy-cwd", "/w", "--", "true"]),
            Err("missing --sandbox-policy".to_string())
        );
        assert_eq!(
            parse(&["--sandbox-policy-cwd", "/w", "--sandbox-policy", policy]),
            Err("missing the command to run after --".to_string())
        );
        assert_eq!(
            parse(&["--sandbox-policy-cwd", "rel", "--sandbox-policy", policy]),
            Err("--sandbox-policy-cwd must be an absolute path, got 'rel'".to_string())
        );
        assert_eq!(
            parse(&["--verbose"]),
            Err("unexpected argument '--verbose'".to_string())
        );
        assert_eq!(
            parse(&["--sandbox-policy-cwd"]),
            Err("--sandbox-policy-cwd needs a directory".to_string())
        );
        assert_eq!(
            parse(&["--sandbox-policy", "{\"type\":\"open\"}"]),
            Err("invalid --sandbox-policy '{\"type\":\"open\"}': unknown variant `open`, expected one of `read-only`, `workspace-write`, `danger-full-access` at line 1 column 14".to_string())
        );
    }

    #[test]
    fn exec_failures_map_to_127_and_126() {
        let not_found = std::io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(
            exec_failure("/nonexistent/bin", &not_found),
            (
                "codex-linux-sandbox: failed to execute '/nonexistent/bin': No such file or directory"
                    .to_string(),
                127
            )
        );
        let denied = std::io::Error::from_raw_os_error(libc::EACCES);
        assert_eq!(
            exec_failure("./script", &denied),
            (
                "codex-linux-sandbox: failed to execute './script': Permission denied".to_string(),
                126
            )
        );
    }
}
