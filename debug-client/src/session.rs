//! The whole run: spawn the server, connect, then read stdin line by line until EOF or `:quit`
//! while the reader thread prints the server's lines; finally close the server's stdin and wait
//! for it to exit.

use std::io;
use std::io::BufRead;

use serde_json::Value;

use crate::cli::Cli;
use crate::cli::Options;
use crate::cli::ThreadOverrides;
use crate::connection::AppServer;
use crate::connection::ServerWriter;
use crate::error::DebugClientError;
use crate::final_only::Terminal;
use crate::input::Command;
use crate::input::HELP;
use crate::input::Input;
use crate::output::Output;
use crate::protocol;
use crate::protocol::RequestId;
use crate::reader::Reader;
use crate::server_requests::Responder;
use crate::startup::Startup;
use crate::threads::Familiarity;
use crate::threads::Pending;
use crate::threads::Threads;

/// Runs `codex-debug-client` with the parsed command line, reading commands from stdin.
pub fn run(cli: Cli) -> Result<(), DebugClientError> {
    let options = Options::try_from(cli)?;
    let output = Output::open(&options.output, Terminal::detect().color())?;
    let AppServer {
        mut child,
        writer,
        stdout: mut server_stdout,
    } = AppServer::spawn(&options.codex_bin, &options.config_overrides)?;
    let responder = Responder::new(
        writer.clone(),
        output.clone(),
        options.attestation_token.clone(),
    );
    // On a startup error the server is left to exit on its own: our exit closes its stdin.
    let thread_id = Startup {
        server_stdout: &mut server_stdout,
        writer: &writer,
        output: &output,
        responder: &responder,
    }
    .connect(&options)?;

    output.client_line(&format!("connected to thread {thread_id}"));
    print_help(&output);
    output.set_prompt_thread(&thread_id);
    let threads = Threads::default();
    threads.activate_loaded(&thread_id);
    let reader = Reader {
        responder,
        approvals: options.approvals,
        threads: threads.clone(),
        output: output.clone(),
    }
    .spawn(server_stdout);

    let session = Session {
        writer: &writer,
        output: &output,
        threads: &threads,
        overrides: &options.thread,
    };
    let read_result = session.read_commands(io::stdin().lock());

    writer.close();
    let wait_result = child.wait();
    // The reader ends when the exited server's stdout closes; joining prints every last line.
    // A panic in it has already been reported on stderr by the default hook.
    let _ = reader.join();
    read_result?;
    wait_result.map_err(DebugClientError::WaitServer)?;
    Ok(())
}

fn print_help(output: &Output) {
    let lines: Vec<String> = HELP.iter().map(|line| (*line).to_string()).collect();
    output.client_lines(&lines);
}

struct Session<'a> {
    writer: &'a ServerWriter,
    output: &'a Output,
    threads: &'a Threads,
    overrides: &'a ThreadOverrides,
}

enum Flow {
    Continue,
    Quit,
}

impl Session<'_> {
    fn read_commands(&self, mut stdin: impl BufRead) -> Result<(), DebugClientError> {
        let mut line = Vec::new();
        let result = loop {
            self.output.prompt();
            line.clear();
            match stdin.read_until(b'\n', &mut line) {
                Ok(0) => break Ok(()),
                Ok(_) => {}
                Err(err) => break Err(DebugClientError::ReadInput(err)),
            }
            self.output.prompt_answered();
            let text = String::from_utf8_lossy(&line);
            match self.handle(Input::parse(&text)) {
                Flow::Continue => {}
                Flow::Quit => break Ok(()),
            }
        };
        self.output.stop_prompting();
        result
    }

    fn handle(&self, input: Input<'_>) -> Flow {
        match input {
            Input::Empty => {}
            Input::Message(text) => self.send_turn(text),
            Input::Invalid(err) => self.output.client_line(&err.to_string()),
            Input::Command(Command::Help) => print_help(self.output),
            Input::Command(Command::New) => {
                let id = self.writer.next_request_id();
                self.request(
                    Pending::StartThread,
                    id,
                    &protocol::thread_start(id, self.overrides),
                );
            }
            Input::Command(Command::Resume(thread_id)) => {
                let id = self.writer.next_request_id();
                self.request(
                    Pending::ResumeThread,
                    id,
                    &protocol::thread_resume(id, thread_id, self.overrides),
                );
            }
            Input::Command(Command::Use(thread_id)) => {
                let familiarity = self.threads.activate(thread_id);
                self.output.set_prompt_thread(thread_id);
                self.output.client_line(&match familiarity {
                    Familiarity::Known => format!("switched active thread to {thread_id}"),
                    Familiarity::Unknown => format!(
                        "switched active thread to {thread_id} (unknown; use :resume to load)"
                    ),
                });
            }
            Input::Command(Command::RefreshThread) => {
                let id = self.writer.next_request_id();
                self.request(Pending::ListThreads, id, &protocol::thread_list(id));
            }
            Input::Command(Command::Quit) => return Flow::Quit,
        }
        Flow::Continue
    }

    fn send_turn(&self, text: &str) {
        let Some(thread_id) = self.threads.active() else {
            self.output
                .client_line("no active thread; use :new or :resume <id>");
            return;
        };
        let id = self.writer.next_request_id();
        if let Err(err) = self
            .writer
            .send(&protocol::turn_start(id, &thread_id, text))
        {
            self.output
                .client_line(&format!("failed to send turn: {err}"));
        }
    }

    /// Announces the request before sending it, so that the reader's reaction to the response
    /// can only be printed after the announcement.
    fn request(&self, pending: Pending, id: i64, message: &Value) {
        let (requested, failed) = match pending {
            Pending::StartThread => ("requested new thread", "failed to start thread"),
            Pending::ResumeThread => ("requested thread resume", "failed to resume thread"),
            Pending::ListThreads => ("requested thread list", "failed to list threads"),
        };
        self.threads.expect_response(id, pending);
        self.output
            .client_line(&format!("{requested} ({})", RequestId::Integer(id)));
        if let Err(err) = self.writer.send(message) {
            self.threads.take_pending(id);
            self.output.client_line(&format!("{failed}: {err}"));
        }
    }
}
