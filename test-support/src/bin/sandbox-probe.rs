//! `sandbox-probe ACTION [ARG]`: performs one action that a sandbox may forbid and prints `OK`
//! (exit 0) or `ERR <ERRNO NAME>` (exit 1), so the real-kernel tests of
//! `sandbox-and-approvals.md` §8 can assert exactly what the kernel allowed. `status` prints the
//! `NoNewPrivs` and `Seccomp` lines of `/proc/self/status`. Wrong usage exits 2.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: sandbox-probe write PATH | tcp-connect HOST:PORT | socket inet|inet6|unix|netlink|vsock | socketpair-rw | unix-connect PATH | ptrace-traceme | io-uring-setup | nnp-clear | seccomp-allow-all-then-socket | landlock-grant-all-then-write PATH | status";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["write", path] => write_file(path),
        ["tcp-connect", address] => std::net::TcpStream::connect(address).map(drop),
        ["socket", family] => match family_of(family) {
            Some((domain, kind)) => open_socket(domain, kind),
            None => return usage(),
        },
        ["socketpair-rw"] => socketpair_round_trip(),
        ["unix-connect", path] => std::os::unix::net::UnixStream::connect(path).map(drop),
        // SAFETY: PTRACE_TRACEME takes no pointers.
        ["ptrace-traceme"] => check(unsafe {
            libc::ptrace(
                libc::PTRACE_TRACEME,
                0,
                std::ptr::null_mut::<libc::c_void>(),
                std::ptr::null_mut::<libc::c_void>(),
            )
        }),
        ["io-uring-setup"] => io_uring_setup(),
        // SAFETY: integer arguments only.
        ["nnp-clear"] => check(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) }),
        ["seccomp-allow-all-then-socket"] => {
            allow_all_seccomp().and_then(|()| open_socket(libc::AF_INET, libc::SOCK_STREAM))
        }
        ["landlock-grant-all-then-write", path] => {
            landlock_grant_all().and_then(|()| write_file(path))
        }
        ["status"] => return status(),
        _ => return usage(),
    };
    match result {
        Ok(()) => {
            println!("OK");
            ExitCode::SUCCESS
        }
        Err(err) => {
            println!("ERR {}", errno_name(&err));
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn check(result: impl Into<i64>) -> std::io::Result<()> {
    if result.into() == -1 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn write_file(path: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?
        .write_all(b"x")
}

fn family_of(name: &str) -> Option<(libc::c_int, libc::c_int)> {
    Some(match name {
        "inet" => (libc::AF_INET, libc::SOCK_STREAM),
        "inet6" => (libc::AF_INET6, libc::SOCK_STREAM),
        "unix" => (libc::AF_UNIX, libc::SOCK_STREAM),
        "netlink" => (libc::AF_NETLINK, libc::SOCK_RAW),
        "vsock" => (libc::AF_VSOCK, libc::SOCK_STREAM),
        _ => return None,
    })
}

fn open_socket(domain: libc::c_int, kind: libc::c_int) -> std::io::Result<()> {
    // SAFETY: socket takes integers; the descriptor is closed right away.
    let fd = unsafe { libc::socket(domain, kind | libc::SOCK_CLOEXEC, 0) };
    check(fd)?;
    // SAFETY: `fd` is a descriptor this function owns.
    unsafe { libc::close(fd) };
    Ok(())
}

/// write(2) on one end, read(2) on the other: the calls tools use on socketpairs (std's
/// `UnixStream` would use send/recv variants instead).
fn socketpair_round_trip() -> std::io::Result<()> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors.
    check(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    let message = b"ping";
    let mut buffer = [0u8; 4];
    // SAFETY: the buffers are valid for their lengths and the descriptors are ours.
    let written = unsafe { libc::write(fds[0], message.as_ptr().cast(), message.len()) };
    // SAFETY: as above.
    let read = unsafe { libc::read(fds[1], buffer.as_mut_ptr().cast(), buffer.len()) };
    let result = check(written as i64).and_then(|()| check(read as i64));
    for fd in fds {
        // SAFETY: closing our own descriptors.
        unsafe { libc::close(fd) };
    }
    result?;
    if &buffer == message {
        Ok(())
    } else {
        Err(std::io::Error::from_raw_os_error(libc::EIO))
    }
}

fn io_uring_setup() -> std::io::Result<()> {
    // `struct io_uring_params` is 120 bytes; all zero asks for the defaults.
    let mut params = [0u32; 30];
    // SAFETY: `params` is a writable buffer of the size the kernel expects.
    let fd = unsafe { libc::syscall(libc::SYS_io_uring_setup, 1u32, params.as_mut_ptr()) };
    check(fd)?;
    // SAFETY: the ring descriptor belongs to us.
    unsafe { libc::close(fd as libc::c_int) };
    Ok(())
}

fn set_no_new_privs() -> std::io::Result<()> {
    // SAFETY: integer arguments only.
    check(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) })
}

/// Stacks a filter that allows everything: filters only ever add restrictions.
fn allow_all_seccomp() -> std::io::Result<()> {
    set_no_new_privs()?;
    let mut filter = [libc::sock_filter {
        code: (libc::BPF_RET | libc::BPF_K) as u16,
        jt: 0,
        jf: 0,
        k: libc::SECCOMP_RET_ALLOW,
    }];
    let program = libc::sock_fprog {
        len: 1,
        filter: filter.as_mut_ptr(),
    };
    // SAFETY: `program` points to a valid one-instruction filter that outlives the call.
    check(unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &program as *const libc::sock_fprog,
        )
    })
}

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
}

#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// Adds a landlock layer granting every ABI-1 filesystem right on `/`: layers intersect, so
/// this cannot widen what an outer sandbox allows.
fn landlock_grant_all() -> std::io::Result<()> {
    const ALL_ABI1_RIGHTS: u64 = (1 << 13) - 1;
    const RULE_PATH_BENEATH: libc::c_int = 1;
    set_no_new_privs()?;
    let attr = RulesetAttr {
        handled_access_fs: ALL_ABI1_RIGHTS,
    };
    // SAFETY: `attr` is a valid ruleset attribute of the given size.
    let ruleset = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            &attr as *const RulesetAttr,
            std::mem::size_of::<RulesetAttr>(),
            0u32,
        )
    };
    check(ruleset)?;
    let root = std::fs::File::open("/")?;
    let rule = PathBeneathAttr {
        allowed_access: ALL_ABI1_RIGHTS,
        parent_fd: std::os::fd::AsRawFd::as_raw_fd(&root),
    };
    // SAFETY: `rule` is a valid path-beneath attribute; the descriptors are ours.
    check(unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset,
            RULE_PATH_BENEATH,
            &rule as *const PathBeneathAttr,
            0u32,
        )
    })?;
    // SAFETY: restricts this process with the ruleset descriptor created above.
    check(unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset, 0u32) })
}

fn status() -> ExitCode {
    let text = match std::fs::read_to_string("/proc/self/status") {
        Ok(text) => text,
        Err(err) => {
            println!("ERR {}", errno_name(&err));
            return ExitCode::FAILURE;
        }
    };
    for key in ["NoNewPrivs", "Seccomp"] {
        let value = text
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
            .map_or("missing", str::trim);
        println!("{key}: {value}");
    }
    ExitCode::SUCCESS
}

fn errno_name(err: &std::io::Error) -> String {
    let Some(code) = err.raw_os_error() else {
        return format!("EOTHER ({err})");
    };
    let name = match code {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EINTR => "EINTR",
        libc::EIO => "EIO",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::EACCES => "EACCES",
        libc::EEXIST => "EEXIST",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::EINVAL => "EINVAL",
        libc::ENOSPC => "ENOSPC",
        libc::EROFS => "EROFS",
        libc::EXDEV => "EXDEV",
        libc::ENOSYS => "ENOSYS",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EPROTONOSUPPORT => "EPROTONOSUPPORT",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::ENOTSOCK => "ENOTSOCK",
        libc::ENODEV => "ENODEV",
        _ => return format!("E{code}"),
    };
    name.to_string()
}
