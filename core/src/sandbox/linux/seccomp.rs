//! The seccomp network filter of §4.3: default allow; AF_UNIX sockets stay possible, every
//! other socket family, all connecting/listening/addressing calls, ptrace, io_uring and
//! cross-process memory access fail with EPERM. A foreign audit architecture kills the process.

use super::SandboxUnavailable;

/// Builds and installs the filter on the calling (single) thread; no-new-privs must be set.
pub(super) fn install_network_filter() -> Result<(), SandboxUnavailable> {
    let program = network_filter()?;
    seccompiler::apply_filter(&program).map_err(|err| SandboxUnavailable::SeccompFilter {
        reason: seccomp_error_text(&err),
    })
}

fn seccomp_error_text(err: &seccompiler::Error) -> String {
    match err {
        seccompiler::Error::Prctl(io) | seccompiler::Error::Seccomp(io) => {
            super::error::errno_text(io)
        }
        other => other.to_string(),
    }
}

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn network_filter() -> Result<seccompiler::BpfProgram, SandboxUnavailable> {
    use std::collections::BTreeMap;

    use seccompiler::SeccompAction;
    use seccompiler::SeccompCmpArgLen;
    use seccompiler::SeccompCmpOp;
    use seccompiler::SeccompCondition;
    use seccompiler::SeccompFilter;
    use seccompiler::SeccompRule;
    use seccompiler::TargetArch;

    #[cfg(target_arch = "x86_64")]
    const ARCH: TargetArch = TargetArch::x86_64;
    #[cfg(target_arch = "aarch64")]
    const ARCH: TargetArch = TargetArch::aarch64;

    let build_error = |err: seccompiler::BackendError| SandboxUnavailable::SeccompFilter {
        reason: err.to_string(),
    };
    // The domain is an `int`: compare its low 32 bits only.
    let not_unix = SeccompRule::new(vec![
        SeccompCondition::new(
            0,
            SeccompCmpArgLen::Dword,
            SeccompCmpOp::Ne,
            libc::AF_UNIX as u64,
        )
        .map_err(build_error)?,
    ])
    .map_err(build_error)?;

    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    rules.insert(libc::SYS_socket, vec![not_unix.clone()]);
    rules.insert(libc::SYS_socketpair, vec![not_unix]);
    // An empty rule list matches the syscall unconditionally.
    for syscall in [
        libc::SYS_connect,
        libc::SYS_accept,
        libc::SYS_accept4,
        libc::SYS_bind,
        libc::SYS_listen,
        libc::SYS_getpeername,
        libc::SYS_getsockname,
        libc::SYS_shutdown,
        libc::SYS_sendto,
        libc::SYS_sendmmsg,
        libc::SYS_recvmmsg,
        libc::SYS_getsockopt,
        libc::SYS_setsockopt,
        libc::SYS_ptrace,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
    ] {
        rules.insert(syscall, Vec::new());
    }

    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        ARCH,
    )
    .map_err(build_error)?;
    filter.try_into().map_err(build_error)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn network_filter() -> Result<seccompiler::BpfProgram, SandboxUnavailable> {
    Err(SandboxUnavailable::UnsupportedArchitecture {
        arch: std::env::consts::ARCH.to_string(),
    })
}
