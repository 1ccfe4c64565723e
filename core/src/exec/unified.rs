//! The unified-exec session manager behind the `exec_command` and `write_stdin` tools: a command
//! that outlives its yield time stays alive under a random integer id, keeps collecting output in
//! the background, and is read (and written to) by later calls until it exits or is killed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;
use std::time::Instant;

use rand::RngExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::ExecError;
use super::ExecOutput;
use super::ExecRequest;
use super::process::Process;

const MIN_YIELD_TIME: Duration = Duration::from_millis(250);
const MAX_YIELD_TIME: Duration = Duration::from_secs(30);
const MAX_POLL_TIME: Duration = Duration::from_secs(300);

/// Where a live copy of every output chunk goes (UI deltas), for as long as the process lives.
#[derive(Debug, Clone, Default)]
pub struct OutputSink(Option<mpsc::UnboundedSender<Vec<u8>>>);

impl OutputSink {
    pub fn discard() -> Self {
        Self(None)
    }

    /// Chunks keep flowing after `exec_command` returns while the process is a session; drop
    /// the receiver to stop them.
    pub fn forward_to(sender: mpsc::UnboundedSender<Vec<u8>>) -> Self {
        Self(Some(sender))
    }

    pub(crate) fn send(&self, chunk: Vec<u8>) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(chunk);
        }
    }
}

/// Live processes by session id. Cloning shares the same sessions; when the last clone is
/// dropped every live process group is killed.
#[derive(Clone, Default)]
pub struct UnifiedExec {
    sessions: Arc<Sessions>,
}

#[derive(Default)]
struct Sessions(Mutex<HashMap<i32, Arc<Process>>>);

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i32, Arc<Process>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Sessions {
    fn drop(&mut self) {
        let sessions = self.0.get_mut().unwrap_or_else(PoisonError::into_inner);
        for process in sessions.values() {
            process.kill();
        }
    }
}

impl UnifiedExec {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `request` and waits until it exits or `yield_time` (clamped to 250 ms..30 s)
    /// passes; a process still running then becomes a session whose id is returned. On
    /// `cancel` the process group is killed and `ExecError::Cancelled` returned. Dropping this
    /// future instead leaves the process running as a session that only `kill_all` reaches.
    pub async fn exec_command(
        &self,
        request: ExecRequest,
        yield_time: Duration,
        on_output: OutputSink,
        cancel: &CancellationToken,
    ) -> Result<ExecOutput, ExecError> {
        let started = Instant::now();
        let yield_time = yield_time.clamp(MIN_YIELD_TIME, MAX_YIELD_TIME);
        let process = Arc::new(Process::start(&request, on_output)?);
        let session_id = self.register(Arc::clone(&process));
        let exit_code = tokio::select! {
            exit_code = process.wait_exit(yield_time) => exit_code,
            () = cancel.cancelled() => {
                process.kill();
                self.sessions.lock().remove(&session_id);
                return Err(ExecError::Cancelled);
            }
        };
        Ok(self.report(session_id, &process, exit_code, started))
    }

    /// Writes `chars` (when non-empty) to session `session_id`'s stdin, then waits until it exits
    /// or `yield_time` passes (clamped to 250 ms..30 s after a write, 250 ms..300 s for an empty
    /// poll) and returns the output produced since the previous read. An exited process is
    /// reported with its exit code and forgotten.
    pub async fn write_stdin(
        &self,
        session_id: i32,
        chars: &str,
        yield_time: Duration,
    ) -> Result<ExecOutput, ExecError> {
        let started = Instant::now();
        let process = self
            .sessions
            .lock()
            .get(&session_id)
            .cloned()
            .ok_or(ExecError::UnknownSession(session_id))?;
        let (write_failed, yield_time) = if chars.is_empty() {
            (false, yield_time.clamp(MIN_YIELD_TIME, MAX_POLL_TIME))
        } else {
            (
                !process.write(chars.as_bytes()),
                yield_time.clamp(MIN_YIELD_TIME, MAX_YIELD_TIME),
            )
        };
        let exit_code = process.wait_exit(yield_time).await;
        if write_failed && exit_code.is_none() {
            // The unread output stays buffered for the next poll.
            return Err(ExecError::StdinClosed(session_id));
        }
        Ok(self.report(session_id, &process, exit_code, started))
    }

    /// SIGKILLs every live session's process group and forgets the sessions (interrupt and
    /// shutdown).
    pub fn kill_all(&self) {
        for (_, process) in self.sessions.lock().drain() {
            process.kill();
        }
    }

    fn register(&self, process: Arc<Process>) -> i32 {
        let mut sessions = self.sessions.lock();
        let mut rng = rand::rng();
        let mut session_id = rng.random_range(1_000..100_000);
        while sessions.contains_key(&session_id) {
            session_id = rng.random_range(1_000..100_000);
        }
        sessions.insert(session_id, process);
        session_id
    }

    fn report(
        &self,
        session_id: i32,
        process: &Process,
        exit_code: Option<i32>,
        started: Instant,
    ) -> ExecOutput {
        let captured = process.take_output();
        let session_id = match exit_code {
            Some(_) => {
                self.sessions.lock().remove(&session_id);
                None
            }
            None => Some(session_id),
        };
        ExecOutput {
            wall_time: started.elapsed(),
            exit_code,
            session_id,
            output: captured.bytes,
            omitted_bytes: captured.omitted,
        }
    }
}
