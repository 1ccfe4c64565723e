//! One live child as the session manager sees it: a collector task owns the output stream and
//! the exit status, appends every chunk to a capped buffer (and to the caller's live sink), and
//! publishes the exit code only after the output written before exit has been drained.
//! [`run_to_exit`] runs one such child in the foreground, for commands the user waits on.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;
use std::time::Instant;

use tokio::sync::mpsc;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::ExecError;
use super::ExecOutput;
use super::ExecRequest;
use super::capture::CaptureBuffer;
use super::capture::Captured;
use super::spawn;
use super::spawn::ExitFuture;
use super::unified::OutputSink;

/// How long output is still collected after the child exits. Normally EOF comes at once; a
/// background grandchild that inherited the pipes or the PTY can hold them open indefinitely.
const EXIT_DRAIN_GRACE: Duration = Duration::from_millis(100);

pub(crate) struct Process {
    pgid: i32,
    stdin: mpsc::UnboundedSender<Vec<u8>>,
    output: Arc<Mutex<CaptureBuffer>>,
    exit_code: watch::Receiver<Option<i32>>,
}

impl Process {
    pub fn start(request: &ExecRequest, sink: OutputSink) -> Result<Self, ExecError> {
        let spawned = spawn::spawn(request)?;
        let output = Arc::new(Mutex::new(CaptureBuffer::default()));
        let (exit_tx, exit_code) = watch::channel(None);
        tokio::spawn(collect(
            spawned.chunks,
            spawned.exit,
            Arc::clone(&output),
            sink,
            exit_tx,
        ));
        Ok(Self {
            pgid: spawned.pgid,
            stdin: spawned.stdin,
            output,
            exit_code,
        })
    }

    pub fn kill(&self) {
        spawn::kill_group(self.pgid);
    }

    /// Queues `bytes` for the child's stdin; false when the child no longer accepts input.
    pub fn write(&self, bytes: &[u8]) -> bool {
        self.stdin.send(bytes.to_vec()).is_ok()
    }

    /// Output collected since the previous call.
    pub fn take_output(&self) -> Captured {
        self.output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Waits up to `timeout` for the exit code, which is published only once the output the
    /// child wrote before exiting is in the buffer.
    pub async fn wait_exit(&self, timeout: Duration) -> Option<i32> {
        // A timeout or a vanished collector both leave the latest published value to read.
        let _ = tokio::time::timeout(timeout, self.exited()).await;
        *self.exit_code.borrow()
    }

    /// Waits for the exit code, however long the child runs; `None` only if the collector
    /// vanished without publishing one.
    async fn exited(&self) -> Option<i32> {
        let mut exit_code = self.exit_code.clone();
        let _ = exit_code.wait_for(Option::is_some).await;
        *exit_code.borrow()
    }
}

/// Runs `request` until it exits, with no yield time: the caller waits as long as the command
/// runs (the user's own `!cmd`). On `cancel`, or when this future is dropped before the child
/// exited, the process group is killed.
pub async fn run_to_exit(
    request: &ExecRequest,
    on_output: OutputSink,
    cancel: &CancellationToken,
) -> Result<ExecOutput, ExecError> {
    let started = Instant::now();
    let process = Process::start(request, on_output)?;
    let mut guard = KillUnlessExited {
        process: &process,
        exited: false,
    };
    let exit_code = tokio::select! {
        exit_code = process.exited() => exit_code,
        () = cancel.cancelled() => return Err(ExecError::Cancelled),
    };
    guard.exited = true;
    let captured = process.take_output();
    Ok(ExecOutput {
        wall_time: started.elapsed(),
        // The collector publishes a code unless it died; report that like a failed wait.
        exit_code: Some(exit_code.unwrap_or(-1)),
        session_id: None,
        output: captured.bytes,
        omitted_bytes: captured.omitted,
    })
}

/// Kills the child's group when the wait ends without an exit (cancelled or abandoned). An
/// exited child's group is left alone: its id may already belong to an unrelated group.
struct KillUnlessExited<'a> {
    process: &'a Process,
    exited: bool,
}

impl Drop for KillUnlessExited<'_> {
    fn drop(&mut self) {
        if !self.exited {
            self.process.kill();
        }
    }
}

async fn collect(
    mut chunks: mpsc::Receiver<Vec<u8>>,
    mut exit: ExitFuture,
    output: Arc<Mutex<CaptureBuffer>>,
    sink: OutputSink,
    exit_tx: watch::Sender<Option<i32>>,
) {
    let record = |chunk: Vec<u8>| {
        output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(&chunk);
        sink.send(chunk);
    };

    let mut exited = None;
    loop {
        tokio::select! {
            chunk = chunks.recv() => match chunk {
                Some(chunk) => record(chunk),
                None => break,
            },
            status = &mut exit => {
                exited = Some(status);
                break;
            }
        }
    }
    let status = match exited {
        Some(status) => {
            let drain = async {
                while let Some(chunk) = chunks.recv().await {
                    record(chunk);
                }
            };
            let _ = tokio::time::timeout(EXIT_DRAIN_GRACE, drain).await;
            status
        }
        None => exit.await,
    };
    let code = match status {
        Ok(status) => spawn::exit_code(status),
        Err(err) => {
            tracing::warn!("waiting for an exec child failed: {err}");
            -1
        }
    };
    exit_tx.send_replace(Some(code));
}
