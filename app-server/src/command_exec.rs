//! `command/exec`: run an argv outside any thread (no shell), buffered or streamed as
//! `command/exec/outputDelta`, with stdin writes, termination, a timeout and output caps.
//! Processes are scoped to the connection: all are killed when it closes.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use codex_app_server_protocol as wire;
use codex_app_server_protocol::RequestId;
use codex_app_server_protocol::ServerNotification as N;
use codex_core::sandbox::SandboxPolicy;
use codex_core::sandbox::linux::LINUX_SANDBOX_ARG0;
use codex_core::sandbox::linux::linux_sandbox_args;
use codex_core::sandbox::sandbox_env;
use tokio::io::AsyncRead;
use tokio::io::AsyncReadExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use crate::outgoing::Outgoing;
use crate::thread::core_sandbox_policy;

const DEFAULT_OUTPUT_CAP: usize = 1024 * 1024;
const TIMEOUT_EXIT_CODE: i32 = 124;

enum StdinMessage {
    Bytes(Vec<u8>),
    Close,
}

struct Running {
    pgid: i32,
    stdin: Option<mpsc::UnboundedSender<StdinMessage>>,
}

type Processes = Arc<Mutex<HashMap<String, Running>>>;

pub struct CommandExecManager {
    outgoing: Arc<Outgoing>,
    processes: Processes,
    /// Every process started on this connection, by pgid, for `kill_all`.
    all: Arc<Mutex<Vec<i32>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a stale pgid at worst fails with ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

impl CommandExecManager {
    pub fn new(outgoing: Arc<Outgoing>) -> Self {
        CommandExecManager {
            outgoing,
            processes: Arc::new(Mutex::new(HashMap::new())),
            all: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn kill_all(&self) {
        for pgid in lock(&self.all).drain(..) {
            kill_group(pgid);
        }
        lock(&self.processes).clear();
    }

    /// Checks a `command/exec/write` and returns the write to perform once it was answered:
    /// the response must go out before any output the write causes.
    pub fn prepare_write(
        &self,
        params: wire::CommandExecWriteParams,
    ) -> Result<PreparedWrite, String> {
        let sender = lock(&self.processes)
            .get(&params.process_id)
            .map(|running| running.stdin.clone())
            .ok_or_else(|| unknown_process(&params.process_id))?;
        let bytes = match params.delta_base64 {
            Some(delta) => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(delta)
                    .map_err(|err| format!("deltaBase64 is not valid base64: {err}"))?,
            ),
            None => None,
        };
        Ok(PreparedWrite {
            sender,
            bytes,
            close: params.close_stdin,
        })
    }

    pub fn terminate(&self, process_id: &str) -> Result<(), String> {
        let pgid = lock(&self.processes)
            .get(process_id)
            .map(|running| running.pgid)
            .ok_or_else(|| unknown_process(process_id))?;
        kill_group(pgid);
        Ok(())
    }

    /// Starts the command; its response is sent when it ends.
    pub async fn exec(
        &self,
        id: RequestId,
        params: wire::CommandExecParams,
        config: &codex_core::config::Config,
    ) -> Result<(), crate::processor::RequestError> {
        use crate::processor::RequestError;
        if params.command.is_empty() {
            return Err(RequestError::invalid("command must not be empty"));
        }
        let streaming = params.tty || params.stream_stdin || params.stream_stdout_stderr;
        if streaming && params.process_id.is_none() {
            return Err(RequestError::invalid(
                "command/exec tty or streaming requires a client-supplied processId",
            ));
        }
        if params.disable_timeout && params.timeout_ms.is_some() {
            return Err(RequestError::invalid(
                "disableTimeout cannot be combined with timeoutMs",
            ));
        }
        if params.disable_output_cap && params.output_bytes_cap.is_some() {
            return Err(RequestError::invalid(
                "disableOutputCap cannot be combined with outputBytesCap",
            ));
        }
        let cwd = match params.cwd.clone() {
            Some(cwd) => cwd,
            None => std::env::current_dir()
                .map_err(|err| RequestError::internal(format!("no working directory: {err}")))?,
        };
        let policy = params
            .sandbox_policy
            .as_ref()
            .map(core_sandbox_policy)
            .unwrap_or_else(|| config.sandbox_policy.clone());
        let mut env: HashMap<String, String> = std::env::vars().collect();
        for (name, value) in params.env.clone().unwrap_or_default() {
            match value {
                Some(value) => env.insert(name, value),
                None => env.remove(&name),
            };
        }
        let mut command = match &policy {
            SandboxPolicy::DangerFullAccess => {
                let mut command = tokio::process::Command::new(&params.command[0]);
                command.args(&params.command[1..]);
                command
            }
            SandboxPolicy::ReadOnly | SandboxPolicy::WorkspaceWrite { .. } => {
                let exe = std::env::current_exe()
                    .map_err(|err| RequestError::internal(format!("cannot find codex: {err}")))?;
                let tmpdir = env.get("TMPDIR").map(std::path::PathBuf::from);
                let resolved =
                    policy.with_resolved_roots(&cwd, tmpdir.as_deref(), &config.codex_home);
                env.extend(sandbox_env(&resolved));
                let mut command = tokio::process::Command::new(exe);
                command.arg0(LINUX_SANDBOX_ARG0).args(linux_sandbox_args(
                    &resolved,
                    &cwd,
                    &params.command,
                ));
                command
            }
        };
        command
            .current_dir(&cwd)
            .env_clear()
            .envs(&env)
            .stdin(if params.stream_stdin || params.tty {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                return Err(RequestError::internal(format!(
                    "failed to spawn {}: {err}",
                    params.command[0]
                )));
            }
        };
        let pgid = child.id().map(|pid| pid as i32).unwrap_or(0);
        lock(&self.all).push(pgid);
        let stdin_tx = child.stdin.take().map(|mut stdin| {
            let (tx, mut rx) = mpsc::unbounded_channel::<StdinMessage>();
            tokio::spawn(async move {
                while let Some(message) = rx.recv().await {
                    match message {
                        StdinMessage::Bytes(bytes) => {
                            if stdin.write_all(&bytes).await.is_err() {
                                break;
                            }
                            let _ = stdin.flush().await;
                        }
                        StdinMessage::Close => break,
                    }
                }
            });
            tx
        });
        if let Some(process_id) = &params.process_id {
            lock(&self.processes).insert(
                process_id.clone(),
                Running {
                    pgid,
                    stdin: stdin_tx,
                },
            );
        }
        let cap = if params.disable_output_cap {
            usize::MAX
        } else {
            params.output_bytes_cap.unwrap_or(DEFAULT_OUTPUT_CAP)
        };
        let timeout = match (params.disable_timeout, params.timeout_ms) {
            (false, Some(ms)) => Some(Duration::from_millis(ms.max(0) as u64)),
            (true, _) | (false, None) => None,
        };
        let stream_to = (params.stream_stdout_stderr || params.tty)
            .then(|| params.process_id.clone())
            .flatten();
        let outgoing = Arc::clone(&self.outgoing);
        let processes = Arc::clone(&self.processes);
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        tokio::spawn(async move {
            let out = read_stream(
                stdout,
                wire::CommandExecOutputStream::Stdout,
                cap,
                stream_to.clone(),
                Arc::clone(&outgoing),
            );
            let err = read_stream(
                stderr,
                wire::CommandExecOutputStream::Stderr,
                cap,
                stream_to,
                Arc::clone(&outgoing),
            );
            let wait = async {
                match timeout {
                    Some(limit) => match tokio::time::timeout(limit, child.wait()).await {
                        Ok(status) => status.map(exit_code),
                        Err(_) => {
                            kill_group(pgid);
                            let _ = child.wait().await;
                            Ok(TIMEOUT_EXIT_CODE)
                        }
                    },
                    None => child.wait().await.map(exit_code),
                }
            };
            let (stdout, stderr, status) = tokio::join!(out, err, wait);
            if let Some(process_id) = &params.process_id {
                lock(&processes).remove(process_id);
            }
            match status {
                Ok(exit_code) => {
                    let response = wire::CommandExecResponse {
                        exit_code,
                        stdout: String::from_utf8_lossy(&stdout).into_owned(),
                        stderr: String::from_utf8_lossy(&stderr).into_owned(),
                    };
                    outgoing.respond(&id, &response).await;
                }
                Err(err) => {
                    outgoing
                        .error(
                            &id,
                            wire::INTERNAL_ERROR_CODE,
                            format!("waiting for the command failed: {err}"),
                        )
                        .await;
                }
            }
        });
        Ok(())
    }
}

pub struct PreparedWrite {
    sender: Option<mpsc::UnboundedSender<StdinMessage>>,
    bytes: Option<Vec<u8>>,
    close: bool,
}

impl PreparedWrite {
    pub fn send(self) {
        let Some(sender) = self.sender else {
            return;
        };
        if let Some(bytes) = self.bytes {
            let _ = sender.send(StdinMessage::Bytes(bytes));
        }
        if self.close {
            let _ = sender.send(StdinMessage::Close);
        }
    }
}

fn unknown_process(process_id: &str) -> String {
    format!("no active command/exec for process id \"{process_id}\"")
}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(-1)
}

/// Reads one output stream to its end. Streamed output goes out as deltas and is not kept;
/// buffered output is kept up to `cap` bytes.
async fn read_stream(
    stream: Option<impl AsyncRead + Unpin>,
    kind: wire::CommandExecOutputStream,
    cap: usize,
    stream_to: Option<String>,
    outgoing: Arc<Outgoing>,
) -> Vec<u8> {
    let mut kept = Vec::new();
    let Some(mut stream) = stream else {
        return kept;
    };
    let mut sent = 0usize;
    let mut buffer = vec![0u8; 8192];
    loop {
        let read = match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let chunk = &buffer[..read];
        match &stream_to {
            Some(process_id) => {
                if sent >= cap {
                    continue;
                }
                let room = cap - sent;
                let part = &chunk[..chunk.len().min(room)];
                sent += part.len();
                let notification =
                    N::CommandExecOutputDelta(wire::CommandExecOutputDeltaNotification {
                        process_id: process_id.clone(),
                        stream: kind,
                        delta_base64: base64::engine::general_purpose::STANDARD.encode(part),
                        cap_reached: sent >= cap,
                    });
                outgoing.notify(notification).await;
            }
            None => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        }
    }
    kept
}
