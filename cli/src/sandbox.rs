//! `codex sandbox linux|macos|windows` and the legacy `codex debug landlock|seatbelt`: run one
//! command under the sandbox codex uses for the model's commands (`sandbox-and-approvals.md`
//! §5). Read-only unless `--full-auto` or `-c sandbox_mode=…` says otherwise; the config file's
//! `sandbox_mode` and project trust are deliberately ignored, `[sandbox_workspace_write]` is not.

use clap::Args;
use clap::Subcommand;
use codex_core::sandbox::SandboxMode;

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Run a command under landlock + seccomp, as the model's commands run.
    #[command(visible_alias = "landlock")]
    Linux(LinuxCommand),
    /// Run a command under the macOS Seatbelt sandbox (macOS only).
    #[command(visible_alias = "seatbelt")]
    Macos(MacosCommand),
    /// Run a command under the Windows sandbox (Windows only).
    Windows(WindowsCommand),
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Legacy name of `codex sandbox linux`.
    Landlock(LinuxCommand),
    /// Legacy name of `codex sandbox macos`.
    Seatbelt(MacosCommand),
}

#[derive(Debug, Args)]
pub struct LinuxCommand {
    #[command(flatten)]
    options: SandboxOptions,
}

#[derive(Debug, Args)]
pub struct MacosCommand {
    /// Print the sandbox denials seen while the command ran.
    #[arg(long = "log-denials")]
    log_denials: bool,
    #[command(flatten)]
    options: SandboxOptions,
}

#[derive(Debug, Args)]
pub struct WindowsCommand {
    #[command(flatten)]
    options: SandboxOptions,
}

#[derive(Debug, Args)]
struct SandboxOptions {
    /// Workspace-write: the current directory, /tmp, $TMPDIR and the configured roots are
    /// writable (network still off). Without it the sandbox is read-only.
    #[arg(long = "full-auto")]
    full_auto: bool,

    /// Override a config value (`key=value`, value parsed as TOML); `sandbox_mode` here picks
    /// the mode, `sandbox_workspace_write.*` tunes workspace-write.
    #[arg(short = 'c', long = "config", value_name = "key=value")]
    config_overrides: Vec<String>,

    /// Configuration profile from config.toml.
    #[arg(short = 'p', long = "profile")]
    profile: Option<String>,

    /// Enable a feature (`features.<FEATURE> = true`).
    #[arg(long = "enable", value_name = "FEATURE")]
    enable: Vec<String>,

    /// Disable a feature (`features.<FEATURE> = false`).
    #[arg(long = "disable", value_name = "FEATURE")]
    disable: Vec<String>,

    /// The command to run and its arguments (put `--` before it).
    #[arg(
        value_name = "COMMAND",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<String>,
}

pub fn run_sandbox(command: SandboxCommand) -> i32 {
    match command {
        SandboxCommand::Linux(linux) => run_linux(linux),
        SandboxCommand::Macos(macos) => run_macos(macos),
        SandboxCommand::Windows(windows) => run_windows(windows),
    }
}

pub fn run_debug(command: DebugCommand) -> i32 {
    match command {
        DebugCommand::Landlock(linux) => run_linux(linux),
        DebugCommand::Seatbelt(macos) => run_macos(macos),
    }
}

/// The mode a sandbox subcommand imposes: `--full-auto`, else none when `-c sandbox_mode=…` is
/// on the command line (the override then decides), else read-only.
fn imposed_mode(options: &SandboxOptions) -> Option<SandboxMode> {
    if options.full_auto {
        return Some(SandboxMode::WorkspaceWrite);
    }
    let explicit = options.config_overrides.iter().any(|arg| {
        arg.split_once('=')
            .is_some_and(|(key, _)| key.trim() == "sandbox_mode")
    });
    if explicit {
        None
    } else {
        Some(SandboxMode::ReadOnly)
    }
}

fn run_macos(command: MacosCommand) -> i32 {
    let MacosCommand {
        log_denials: _,
        options: _,
    } = command;
    eprintln!(
        "Error: the macOS Seatbelt sandbox is not available on this platform ({}). Use `codex sandbox linux` instead.",
        std::env::consts::OS
    );
    1
}

fn run_windows(command: WindowsCommand) -> i32 {
    let WindowsCommand { options: _ } = command;
    eprintln!(
        "Error: the Windows sandbox is not available on this platform ({}). Use `codex sandbox linux` instead.",
        std::env::consts::OS
    );
    1
}

#[cfg(not(target_os = "linux"))]
fn run_linux(command: LinuxCommand) -> i32 {
    let LinuxCommand { options: _ } = command;
    eprintln!(
        "Error: the Linux sandbox is not available on this platform ({}).",
        std::env::consts::OS
    );
    1
}

#[cfg(target_os = "linux")]
fn run_linux(command: LinuxCommand) -> i32 {
    linux::run(command.options)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::unix::process::CommandExt;
    use std::path::Path;
    use std::process::Command;
    use std::sync::atomic::AtomicI32;
    use std::sync::atomic::Ordering;

    use codex_core::config::ConfigEnv;
    use codex_core::config::ConfigOverrides;
    use codex_core::config::load_config;
    use codex_core::sandbox::SandboxPolicy;
    use codex_core::sandbox::linux::LINUX_SANDBOX_ARG0;
    use codex_core::sandbox::linux::codex_exe;
    use codex_core::sandbox::linux::linux_sandbox_args;
    use codex_core::sandbox::sandbox_env;

    use super::SandboxOptions;
    use super::imposed_mode;

    /// The running child, for the signal handler (0 until it exists).
    static CHILD_PID: AtomicI32 = AtomicI32::new(0);
    /// A signal that arrived before the child existed, forwarded right after the spawn.
    static PENDING_SIGNAL: AtomicI32 = AtomicI32::new(0);

    pub(super) fn run(options: SandboxOptions) -> i32 {
        let overrides = ConfigOverrides {
            sandbox_mode: imposed_mode(&options),
            profile: options.profile,
            config_overrides: options.config_overrides,
            enable_features: options.enable,
            disable_features: options.disable,
            ..ConfigOverrides::default()
        };
        let config = match load_config(overrides, ConfigEnv::from_process()) {
            Ok(config) => config,
            Err(err) => {
                eprintln!("{err}");
                return 1;
            }
        };
        for warning in &config.warnings {
            eprintln!("{warning}");
        }
        let Some((program, args)) = options.command.split_first() else {
            eprintln!(
                "Error: no command given; usage: codex sandbox linux [OPTIONS] -- COMMAND..."
            );
            return 2;
        };
        let tmpdir = config.env.non_blank("TMPDIR").map(Path::new);
        let policy =
            config
                .sandbox_policy
                .with_resolved_roots(&config.cwd, tmpdir, &config.codex_home);
        let mut child = match &policy {
            SandboxPolicy::DangerFullAccess => {
                let mut child = Command::new(program);
                child.args(args);
                child
            }
            SandboxPolicy::ReadOnly | SandboxPolicy::WorkspaceWrite { .. } => {
                let exe = match codex_exe() {
                    Ok(exe) => exe,
                    Err(err) => {
                        eprintln!(
                            "Error: cannot find the codex executable to start the sandbox: {err}"
                        );
                        return 1;
                    }
                };
                let mut child = Command::new(exe);
                child
                    .arg0(LINUX_SANDBOX_ARG0)
                    .args(linux_sandbox_args(&policy, &config.cwd, &options.command))
                    .envs(sandbox_env(&policy));
                child
            }
        };
        spawn_and_wait(&mut child, program)
    }

    /// Runs the child with our stdio, forwarding SIGTERM/SIGHUP to it and sitting out SIGINT and
    /// SIGQUIT (the terminal delivers those to the child too); returns its exit code, or 128+S
    /// when signal S killed it.
    fn spawn_and_wait(child: &mut Command, program: &str) -> i32 {
        install_handlers();
        let parent = std::process::id();
        // SAFETY: prctl and getppid are async-signal-safe and touch no parent memory.
        unsafe {
            child.pre_exec(move || {
                // The command must not outlive us if we are killed.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
        let mut running = match child.spawn() {
            Ok(running) => running,
            Err(err) => {
                let code = if err.kind() == std::io::ErrorKind::NotFound {
                    127
                } else {
                    126
                };
                eprintln!("codex sandbox: failed to execute '{program}': {err}");
                return code;
            }
        };
        if let Ok(pid) = i32::try_from(running.id()) {
            CHILD_PID.store(pid, Ordering::SeqCst);
            let pending = PENDING_SIGNAL.swap(0, Ordering::SeqCst);
            if pending != 0 {
                // SAFETY: kill only sends a signal to our own child.
                unsafe { libc::kill(pid, pending) };
            }
        }
        match running.wait() {
            Ok(status) => exit_code(status),
            Err(err) => {
                eprintln!("Error: waiting for the sandboxed command failed: {err}");
                1
            }
        }
    }

    fn exit_code(status: std::process::ExitStatus) -> i32 {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(code), _) => code,
            (None, Some(signal)) => 128 + signal,
            (None, None) => 1,
        }
    }

    extern "C" fn forward_signal(signal: libc::c_int) {
        let pid = CHILD_PID.load(Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: kill is async-signal-safe.
            unsafe { libc::kill(pid, signal) };
        } else {
            PENDING_SIGNAL.store(signal, Ordering::SeqCst);
        }
    }

    extern "C" fn sit_out(_signal: libc::c_int) {}

    fn install_handlers() {
        let handlers: [(libc::c_int, extern "C" fn(libc::c_int)); 4] = [
            (libc::SIGTERM, forward_signal),
            (libc::SIGHUP, forward_signal),
            // A handler, not SIG_IGN: handlers reset to the default in the exec'd child.
            (libc::SIGINT, sit_out),
            (libc::SIGQUIT, sit_out),
        ];
        for (signal, handler) in handlers {
            // SAFETY: the handlers only use async-signal-safe calls and atomics; the sigaction
            // struct is fully initialised before use.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as libc::sighandler_t;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use pretty_assertions::assert_eq;

    use super::*;

    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(subcommand)]
        command: SandboxCommand,
    }

    fn options(args: &[&str]) -> SandboxOptions {
        let cli = TestCli::try_parse_from(std::iter::once("sandbox").chain(args.iter().copied()))
            .unwrap();
        match cli.command {
            SandboxCommand::Linux(linux) => linux.options,
            SandboxCommand::Macos(macos) => macos.options,
            SandboxCommand::Windows(windows) => windows.options,
        }
    }

    #[test]
    fn only_full_auto_or_an_explicit_override_leave_read_only() {
        assert_eq!(
            imposed_mode(&options(&["linux", "--", "true"])),
            Some(SandboxMode::ReadOnly)
        );
        assert_eq!(
            imposed_mode(&options(&["linux", "--full-auto", "--", "true"])),
            Some(SandboxMode::WorkspaceWrite)
        );
        assert_eq!(
            imposed_mode(&options(&[
                "linux",
                "--full-auto",
                "-c",
                "sandbox_mode=\"danger-full-access\"",
                "--",
                "true"
            ])),
            Some(SandboxMode::WorkspaceWrite)
        );
        assert_eq!(
            imposed_mode(&options(&[
                "linux",
                "-c",
                " sandbox_mode = read-only",
                "--",
                "true"
            ])),
            None
        );
        assert_eq!(
            imposed_mode(&options(&[
                "linux",
                "-c",
                "sandbox_workspace_write.network_access=true",
                "--",
                "true"
            ])),
            Some(SandboxMode::ReadOnly)
        );
    }

    #[test]
    fn the_command_keeps_its_own_flags() {
        assert_eq!(
            options(&["landlock", "-c", "a=1", "--", "sh", "-c", "exit 3"]).command,
            vec!["sh", "-c", "exit 3"]
        );
        assert_eq!(
            options(&["linux", "ls", "-la", "--color"]).command,
            vec!["ls", "-la", "--color"]
        );
        assert_eq!(
            options(&["seatbelt", "--log-denials", "--", "true"]).command,
            vec!["true"]
        );
    }

    #[test]
    fn a_missing_command_is_a_usage_error() {
        let err = TestCli::try_parse_from(["sandbox", "linux", "--full-auto"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert_eq!(err.exit_code(), 2);
    }
}
