//! The blocking startup sequence: `initialize` → response → `initialized`, then `thread/start`
//! (or `thread/resume`) → response. Server lines are printed as they arrive and server requests
//! are answered in the startup phase; an error response ends the program.

use std::io::BufRead;

use serde_json::Value;

use crate::cli::Options;
use crate::connection::ServerWriter;
use crate::connection::read_server_line;
use crate::error::DebugClientError;
use crate::output::Output;
use crate::protocol;
use crate::protocol::Incoming;
use crate::protocol::RequestId;
use crate::server_requests::Phase;
use crate::server_requests::Responder;

pub struct Startup<'a, R> {
    pub server_stdout: &'a mut R,
    pub writer: &'a ServerWriter,
    pub output: &'a Output,
    pub responder: &'a Responder,
}

impl<R: BufRead> Startup<'_, R> {
    /// Returns the id of the started or resumed thread.
    pub fn connect(&mut self, options: &Options) -> Result<String, DebugClientError> {
        let id = self.writer.next_request_id();
        let token = options.attestation_token.as_deref();
        self.request("initialize", id, &protocol::initialize(id, token))?;
        self.send("initialized", &protocol::initialized())?;

        let id = self.writer.next_request_id();
        let (method, message) = match &options.resume_thread_id {
            Some(thread_id) => (
                "thread/resume",
                protocol::thread_resume(id, thread_id, &options.thread),
            ),
            None => ("thread/start", protocol::thread_start(id, &options.thread)),
        };
        let result = self.request(method, id, &message)?;
        match protocol::thread_id_of(&result) {
            Some(thread_id) => Ok(thread_id.to_string()),
            None => Err(DebugClientError::MissingThreadId {
                method,
                result: result.to_string(),
            }),
        }
    }

    fn send(&self, method: &'static str, message: &Value) -> Result<(), DebugClientError> {
        self.writer
            .send(message)
            .map_err(|source| DebugClientError::Send { method, source })
    }

    /// Sends a request and reads until its response, returning the `result`.
    fn request(
        &mut self,
        method: &'static str,
        id: i64,
        message: &Value,
    ) -> Result<Value, DebugClientError> {
        self.send(method, message)?;
        let request_id = RequestId::Integer(id);
        loop {
            let Some(line) =
                read_server_line(self.server_stdout).map_err(DebugClientError::ReadServer)?
            else {
                return Err(DebugClientError::ServerClosedStdout(id));
            };
            let incoming = Incoming::parse(&line);
            self.output.server_line(&line, incoming.as_ref());
            match incoming {
                Some(Incoming::Response {
                    id: response_id,
                    result,
                }) if response_id == request_id => return Ok(result),
                Some(Incoming::Error {
                    id: Some(error_id),
                    message,
                }) if error_id == request_id => {
                    return Err(DebugClientError::RequestFailed { method, message });
                }
                Some(Incoming::Request {
                    id: request_id,
                    method,
                    params,
                }) => self
                    .responder
                    .answer(Phase::Startup, &request_id, &method, &params),
                Some(
                    Incoming::Response { .. }
                    | Incoming::Error { .. }
                    | Incoming::Notification { .. },
                )
                | None => {}
            }
        }
    }
}
