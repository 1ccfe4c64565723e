//! Starting a child in its own process group with its output merged into one stream of chunks:
//! pipes (stdout and stderr read concurrently, so chunks arrive in the order they were written)
//! or a PTY (its master read on a blocking thread). The group id is the child's pid, so one
//! `killpg` also ends everything the command started in the background.

use std::ffi::OsString;
use std::future::Future;
use std::io::Read;
use std::io::Write;
use std::pin::Pin;
use std::process::ExitStatus;
use std::process::Stdio;

use portable_pty::CommandBuilder;
use portable_pty::PtySize;
use tokio::io::AsyncRead;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;
use tokio::process::ChildStdin;
use tokio::sync::mpsc;
use tokio::sync::oneshot;

use super::ExecError;
use super::ExecRequest;

/// Chunks in flight between the readers and the collector; readers wait when it is full.
const CHUNK_CHANNEL_CAPACITY: usize = 64;
const READ_BUFFER_BYTES: usize = 8192;
const PTY_SIZE: PtySize = PtySize {
    rows: 24,
    cols: 80,
    pixel_width: 0,
    pixel_height: 0,
};

pub(crate) type ExitFuture = Pin<Box<dyn Future<Output = std::io::Result<ExitStatus>> + Send>>;

/// A started child. Dropping `stdin` closes the child's stdin; `chunks` ends once every reader
/// reached EOF (which a background grandchild holding the output open can delay forever).
pub(crate) struct Spawned {
    pub pgid: i32,
    pub stdin: mpsc::UnboundedSender<Vec<u8>>,
    pub chunks: mpsc::Receiver<Vec<u8>>,
    pub exit: ExitFuture,
}

pub(crate) fn spawn(request: &ExecRequest) -> Result<Spawned, ExecError> {
    let Some((program, args)) = request.argv.split_first() else {
        return Err(ExecError::EmptyCommand);
    };
    if !request.cwd.is_dir() {
        return Err(ExecError::WorkdirNotFound(request.cwd.clone()));
    }
    if request.tty {
        spawn_pty(request, program)
    } else {
        spawn_pipes(request, program, args)
    }
}

/// SIGKILLs the whole process group; a group that is already gone is not an error.
pub(crate) fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; for a vanished group it fails with ESRCH, which we
    // deliberately ignore.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// The shell convention: a normal exit reports its code, death by signal n reports 128 + n.
pub(crate) fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(signal)) => 128 + signal,
        (None, None) => 1,
    }
}

fn spawn_pipes(
    request: &ExecRequest,
    program: &str,
    args: &[String],
) -> Result<Spawned, ExecError> {
    let mut command = tokio::process::Command::new(program);
    if let Some(arg0) = &request.arg0 {
        command.arg0(arg0);
        // SAFETY: `die_with_parent` only calls prctl, which is async-signal-safe.
        unsafe {
            command.pre_exec(die_with_parent);
        }
    }
    let mut child = command
        .args(args)
        .current_dir(&request.cwd)
        .env_clear()
        .envs(&request.env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|err| spawn_error(program, &err))?;
    let Some(pgid) = child.id().and_then(|pid| i32::try_from(pid).ok()) else {
        return Err(spawn_error(program, &"the child has no process id"));
    };

    let (chunk_tx, chunks) = mpsc::channel(CHUNK_CHANNEL_CAPACITY);
    if let Some(stdout) = child.stdout.take() {
        tokio::spawn(read_pipe(stdout, chunk_tx.clone()));
    }
    if let Some(stderr) = child.stderr.take() {
        tokio::spawn(read_pipe(stderr, chunk_tx));
    }
    let (stdin, stdin_rx) = mpsc::unbounded_channel();
    if let Some(child_stdin) = child.stdin.take() {
        tokio::spawn(write_pipe(child_stdin, stdin_rx));
    }
    Ok(Spawned {
        pgid,
        stdin,
        chunks,
        exit: Box::pin(async move { child.wait().await }),
    })
}

async fn read_pipe(mut reader: impl AsyncRead + Unpin, chunks: mpsc::Sender<Vec<u8>>) {
    let mut buffer = vec![0; READ_BUFFER_BYTES];
    loop {
        match reader.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => {
                if chunks.send(buffer[..n].to_vec()).await.is_err() {
                    break;
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
}

async fn write_pipe(mut stdin: ChildStdin, mut writes: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(bytes) = writes.recv().await {
        if stdin.write_all(&bytes).await.is_err() || stdin.flush().await.is_err() {
            break;
        }
    }
}

fn spawn_pty(request: &ExecRequest, program: &str) -> Result<Spawned, ExecError> {
    let pair = portable_pty::native_pty_system()
        .openpty(PTY_SIZE)
        .map_err(|err| ExecError::Pty(format!("{err:#}")))?;
    let reader = pair
        .master
        .try_clone_reader()
        .map_err(|err| ExecError::Pty(format!("{err:#}")))?;
    let writer = pair
        .master
        .take_writer()
        .map_err(|err| ExecError::Pty(format!("{err:#}")))?;

    let child = match &request.arg0 {
        None => spawn_pty_command(request, &pair),
        Some(arg0) => spawn_pty_with_arg0(request, &*pair.master, arg0),
    };
    // Only the child may hold the slave side, or the master never sees EOF after it exits.
    drop(pair.slave);
    let mut child = child.map_err(|reason| spawn_error(program, &reason))?;
    let Ok(pgid) = i32::try_from(child.id()) else {
        let _ = child.kill();
        return Err(spawn_error(program, &"the child's pid is out of range"));
    };

    let (exit_tx, exit_rx) = oneshot::channel();
    let (chunk_tx, chunks) = mpsc::channel(CHUNK_CHANNEL_CAPACITY);
    let (stdin, stdin_rx) = mpsc::unbounded_channel();
    let started = start_thread("codex-pty-wait", move || {
        let _ = exit_tx.send(child.wait());
    })
    .and_then(|()| start_thread("codex-pty-read", move || read_pty(reader, chunk_tx)))
    .and_then(|()| start_thread("codex-pty-write", move || write_pty(writer, stdin_rx)));
    if let Err(err) = started {
        kill_group(pgid);
        return Err(spawn_error(program, &err));
    }
    Ok(Spawned {
        pgid,
        stdin,
        chunks,
        exit: Box::pin(async move {
            exit_rx.await.unwrap_or_else(|_| {
                Err(std::io::Error::other(
                    "the PTY child's waiter thread stopped",
                ))
            })
        }),
    })
}

/// For a helper launch (a child with its own argv[0]): SIGTERM when the thread that spawned it
/// exits (§4.1 step 1), so a sandboxed command does not outlive a killed codex. Runs between
/// fork and exec: async-signal-safe calls only.
fn die_with_parent() -> std::io::Result<()> {
    // SAFETY: PR_SET_PDEATHSIG takes integer arguments only.
    #[cfg(target_os = "linux")]
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) } == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// portable-pty's spawn: the child becomes a session leader (setsid), so its pid is its group.
fn spawn_pty_command(
    request: &ExecRequest,
    pair: &portable_pty::PtyPair,
) -> Result<std::process::Child, String> {
    let mut builder = CommandBuilder::from_argv(request.argv.iter().map(OsString::from).collect());
    builder.env_clear();
    for (key, value) in &request.env {
        builder.env(key, value);
    }
    builder.cwd(&request.cwd);
    let child: Box<dyn portable_pty::Child> = pair
        .slave
        .spawn_command(builder)
        .map_err(|err| format!("{err:#}"))?;
    match child.downcast::<std::process::Child>() {
        Ok(child) => Ok(*child),
        Err(mut child) => {
            let _ = child.kill();
            Err("unexpected PTY child type".to_string())
        }
    }
}

/// portable-pty cannot set argv[0], so this spawn opens the terminal's slave side itself and
/// does what portable-pty does between fork and exec: a new session with the PTY as its
/// controlling terminal.
fn spawn_pty_with_arg0(
    request: &ExecRequest,
    master: &dyn portable_pty::MasterPty,
    arg0: &str,
) -> Result<std::process::Child, String> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::process::CommandExt;

    let Some((program, args)) = request.argv.split_first() else {
        return Err("empty command".to_string());
    };
    let tty = master
        .tty_name()
        .ok_or_else(|| "the pseudo-terminal has no device name".to_string())?;
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(&tty)
        .map_err(|err| format!("cannot open {}: {err}", tty.display()))?;
    let stdio = |file: &std::fs::File| file.try_clone().map_err(|err| err.to_string());
    let mut command = std::process::Command::new(program);
    command
        .arg0(arg0)
        .args(args)
        .current_dir(&request.cwd)
        .env_clear()
        .envs(&request.env)
        .stdin(stdio(&slave)?)
        .stdout(stdio(&slave)?)
        .stderr(slave);
    // SAFETY: setsid and ioctl are async-signal-safe and touch no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            die_with_parent()
        });
    }
    command.spawn().map_err(|err| err.to_string())
}

fn read_pty(mut reader: Box<dyn Read + Send>, chunks: mpsc::Sender<Vec<u8>>) {
    let mut buffer = vec![0; READ_BUFFER_BYTES];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if chunks.blocking_send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            // Linux reports EIO once every slave descriptor is closed: that is the PTY's EOF.
            Err(_) => break,
        }
    }
}

fn write_pty(mut writer: Box<dyn Write + Send>, mut writes: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(bytes) = writes.blocking_recv() {
        if writer
            .write_all(&bytes)
            .and_then(|()| writer.flush())
            .is_err()
        {
            break;
        }
    }
}

fn start_thread(name: &str, body: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(body)
        .map(drop)
}

fn spawn_error(program: &str, reason: &dyn std::fmt::Display) -> ExecError {
    ExecError::Spawn {
        program: program.to_string(),
        reason: reason.to_string(),
    }
}
