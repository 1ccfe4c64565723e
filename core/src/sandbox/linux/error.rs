//! Why the sandbox cannot be applied, worded as §4.5 wants it (what failed, what the kernel
//! needs, how to opt out), and the landlock probe that detects the most common cause up front.

use std::sync::OnceLock;

/// The lines every "sandbox unavailable" message ends with.
const REQUIREMENTS: &str = "Codex needs Linux 5.13+ with Landlock enabled (CONFIG_SECURITY_LANDLOCK=y and \"landlock\" in the lsm= boot list);\ninside a container, its seccomp profile must allow the landlock_* syscalls.\nTo run commands without any sandbox, if you accept the risk: --sandbox danger-full-access";

/// The sandbox cannot be applied, so the command must not run. `Display` is the complete
/// user-facing message (several lines, starting with `Error: `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxUnavailable {
    /// `landlock_create_ruleset` failed with ENOSYS.
    LandlockNotBuilt { errno: String },
    /// EOPNOTSUPP: built but not in the active LSM list.
    LandlockDisabled { errno: String },
    /// EPERM: a seccomp profile (typically a container's) blocks the syscalls.
    LandlockBlocked { errno: String },
    /// Any other error of the probe.
    LandlockUnavailable { errno: String },
    /// The kernel accepted the ruleset but enforces none of it.
    LandlockNotEnforced,
    /// Building or applying the ruleset failed.
    LandlockRuleset { reason: String },
    /// `prctl(PR_SET_NO_NEW_PRIVS)` failed.
    NoNewPrivs { reason: String },
    /// Installing the seccomp network filter failed.
    SeccompFilter { reason: String },
    /// No seccomp network filter for this CPU architecture.
    UnsupportedArchitecture { arch: String },
}

impl std::fmt::Display for SandboxUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Error: the Linux sandbox could not be applied: ")?;
        match self {
            SandboxUnavailable::LandlockNotBuilt { errno } => write!(
                f,
                "Landlock is not built into this kernel (landlock_create_ruleset: {errno})"
            ),
            SandboxUnavailable::LandlockDisabled { errno } => write!(
                f,
                "Landlock is disabled on this system (landlock_create_ruleset: {errno})"
            ),
            SandboxUnavailable::LandlockBlocked { errno } => write!(
                f,
                "the landlock_* syscalls are blocked (landlock_create_ruleset: {errno})"
            ),
            SandboxUnavailable::LandlockUnavailable { errno } => write!(
                f,
                "Landlock is unavailable (landlock_create_ruleset: {errno})"
            ),
            SandboxUnavailable::LandlockNotEnforced => {
                write!(f, "Landlock did not enforce the sandbox rules")
            }
            SandboxUnavailable::LandlockRuleset { reason } => {
                write!(f, "the Landlock ruleset could not be applied ({reason})")
            }
            SandboxUnavailable::NoNewPrivs { reason } => {
                write!(f, "prctl(PR_SET_NO_NEW_PRIVS) failed: {reason}")
            }
            SandboxUnavailable::SeccompFilter { reason } => {
                write!(f, "failed to install the seccomp network filter: {reason}")
            }
            SandboxUnavailable::UnsupportedArchitecture { arch } => {
                write!(f, "seccomp network filter is not supported on {arch}")
            }
        }?;
        write!(f, ".\n{REQUIREMENTS}")
    }
}

impl std::error::Error for SandboxUnavailable {}

/// Whether landlock can be used here: the kernel's landlock ABI version, or why not. Probed
/// once per process with `landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)`;
/// call it before the first sandboxed command to report an unusable sandbox as a message
/// rather than as a failed command.
pub fn probe_landlock() -> Result<u32, SandboxUnavailable> {
    static PROBE: OnceLock<Result<u32, SandboxUnavailable>> = OnceLock::new();
    PROBE.get_or_init(probe_uncached).clone()
}

fn probe_uncached() -> Result<u32, SandboxUnavailable> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the kernel only
    // returns the ABI version (or an error); no memory is read or written.
    let result = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if let Ok(abi) = u32::try_from(result)
        && abi > 0
    {
        return Ok(abi);
    }
    let err = std::io::Error::last_os_error();
    let errno = errno_text(&err);
    Err(match err.raw_os_error() {
        Some(libc::ENOSYS) => SandboxUnavailable::LandlockNotBuilt { errno },
        Some(libc::EOPNOTSUPP) => SandboxUnavailable::LandlockDisabled { errno },
        Some(libc::EPERM) => SandboxUnavailable::LandlockBlocked { errno },
        _ => SandboxUnavailable::LandlockUnavailable { errno },
    })
}

/// The C library's text for an OS error, without std's ` (os error N)` suffix.
pub(super) fn errno_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .map(str::to_string)
            .unwrap_or(text),
        None => text,
    }
}
