//! The background thread that owns the server's stdout once the session is interactive: prints
//! every line, answers server requests, and acts on the responses to `:new`, `:resume` and
//! `:refresh-thread` (matched by id).

use std::io::BufRead;
use std::thread;
use std::thread::JoinHandle;

use serde_json::Value;

use crate::cli::InteractiveApprovals;
use crate::connection::read_server_line;
use crate::error::DebugClientError;
use crate::output::Output;
use crate::protocol;
use crate::protocol::Incoming;
use crate::protocol::RequestId;
use crate::server_requests::Phase;
use crate::server_requests::Responder;
use crate::threads::Pending;
use crate::threads::Threads;

pub struct Reader {
    pub responder: Responder,
    pub approvals: InteractiveApprovals,
    pub threads: Threads,
    pub output: Output,
}

impl Reader {
    /// Runs until the server closes its stdout.
    pub fn spawn(self, mut server_stdout: impl BufRead + Send + 'static) -> JoinHandle<()> {
        thread::spawn(move || {
            loop {
                let line = match read_server_line(&mut server_stdout) {
                    Ok(Some(line)) => line,
                    Ok(None) => break,
                    Err(err) => {
                        self.output
                            .client_line(&format!("failed to read from server: {err}"));
                        break;
                    }
                };
                self.handle_line(&line);
            }
        })
    }

    fn handle_line(&self, line: &str) {
        let incoming = Incoming::parse(line);
        self.output.server_line(line, incoming.as_ref());
        match incoming {
            Some(Incoming::Request { id, method, params }) => {
                self.responder
                    .answer(Phase::Interactive(self.approvals), &id, &method, &params)
            }
            Some(Incoming::Response {
                id: RequestId::Integer(id),
                result,
            }) => {
                if let Some(pending) = self.threads.take_pending(id) {
                    self.on_response(pending, &result);
                }
            }
            Some(Incoming::Error {
                id: Some(RequestId::Integer(id)),
                message,
            }) => {
                if let Some(pending) = self.threads.take_pending(id) {
                    self.output
                        .client_line(&format!("{} failed: {message}", pending.method()));
                }
            }
            Some(
                Incoming::Response { .. } | Incoming::Error { .. } | Incoming::Notification { .. },
            )
            | None => {}
        }
    }

    fn on_response(&self, pending: Pending, result: &Value) {
        match pending {
            Pending::StartThread | Pending::ResumeThread => {
                let Some(thread_id) = protocol::thread_id_of(result) else {
                    let err = DebugClientError::MissingThreadId {
                        method: pending.method(),
                        result: result.to_string(),
                    };
                    self.output.client_line(&err.to_string());
                    return;
                };
                self.threads.activate_loaded(thread_id);
                self.output.set_prompt_thread(thread_id);
                self.output
                    .client_line(&format!("active thread is now {thread_id}"));
            }
            Pending::ListThreads => {
                let ids: Vec<&str> = result["data"]
                    .as_array()
                    .map(|threads| {
                        threads
                            .iter()
                            .filter_map(|thread| thread["id"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                self.threads.remember(ids.iter().copied());
                let mut lines = if ids.is_empty() {
                    vec!["threads: (none)".to_string()]
                } else {
                    std::iter::once("threads:".to_string())
                        .chain(ids.iter().map(|id| format!("  {id}")))
                        .collect()
                };
                if let Some(cursor) = result["nextCursor"].as_str() {
                    lines.push(format!("more threads available, next cursor: {cursor}"));
                }
                self.output.client_lines(&lines);
            }
        }
    }
}
