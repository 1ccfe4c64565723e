//! Everything the client writes: raw server lines (stdout or `--output-file`), `--final-only`
//! labels, client lines on stderr, and the `(<thread>)> ` prompt. One lock serialises the input
//! loop and the server reader, so a line printed while the prompt is showing first ends the
//! prompt's line and then redraws the prompt.

use std::fs::File;
use std::io;
use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::PoisonError;

use crate::cli::OutputOptions;
use crate::cli::StdoutView;
use crate::error::DebugClientError;
use crate::final_only::Color;
use crate::final_only::item_completed_lines;
use crate::protocol::Incoming;

type Sink = Box<dyn Write + Send>;

/// A cheap, cloneable handle on the process's output streams.
#[derive(Clone)]
pub struct Output {
    inner: Arc<Mutex<Streams>>,
}

struct Streams {
    stdout: Sink,
    stderr: Sink,
    raw_file: Option<Sink>,
    view: StdoutView,
    color: Color,
    prompt_thread: Option<String>,
    prompt_visible: bool,
    /// Set once input has ended: late server lines must not draw a prompt nobody answers.
    input_closed: bool,
}

impl Output {
    /// The real stdout and stderr; creates (truncates) `--output-file`.
    pub fn open(options: &OutputOptions, color: Color) -> Result<Self, DebugClientError> {
        let raw_file = match &options.raw_file {
            Some(path) => {
                let file =
                    File::create(path).map_err(|source| DebugClientError::OpenOutputFile {
                        path: path.clone(),
                        source,
                    })?;
                Some(Box::new(file) as Sink)
            }
            None => None,
        };
        Ok(Self::new(
            Box::new(io::stdout()),
            Box::new(io::stderr()),
            raw_file,
            options.view,
            color,
        ))
    }

    fn new(
        stdout: Sink,
        stderr: Sink,
        raw_file: Option<Sink>,
        view: StdoutView,
        color: Color,
    ) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Streams {
                stdout,
                stderr,
                raw_file,
                view,
                color,
                prompt_thread: None,
                prompt_visible: false,
                input_closed: false,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Streams> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // Write failures below are ignored on purpose: a closed terminal or a full disk must not stop
    // the session, because the server still waits for our approval replies.

    /// One line as received from the server; `message` is its parsed form, if any.
    pub fn server_line(&self, raw: &str, message: Option<&Incoming>) {
        let _ = self.lock().server_line(raw, message);
    }

    pub fn client_line(&self, line: &str) {
        self.client_lines(&[line.to_string()]);
    }

    /// Several stderr lines printed as one block (no prompt between them).
    pub fn client_lines(&self, lines: &[String]) {
        let _ = self.lock().client_lines(lines);
    }

    /// Shows `(<thread-id>)> ` (or `(no-thread)> `) on stderr, without a newline.
    pub fn prompt(&self) {
        let _ = self.lock().draw_prompt();
    }

    /// The user ended the prompt's line by submitting input.
    pub fn prompt_answered(&self) {
        self.lock().prompt_visible = false;
    }

    /// No prompt is drawn any more (stdin reached EOF or `:quit`).
    pub fn stop_prompting(&self) {
        self.lock().input_closed = true;
    }

    pub fn set_prompt_thread(&self, thread_id: &str) {
        self.lock().prompt_thread = Some(thread_id.to_string());
    }
}

impl Streams {
    fn server_line(&mut self, raw: &str, message: Option<&Incoming>) -> io::Result<()> {
        if raw.is_empty() {
            return Ok(());
        }
        if let Some(file) = &mut self.raw_file {
            writeln!(file, "{raw}")?;
            file.flush()?;
        }
        let lines = match (self.view, &self.raw_file) {
            (StdoutView::RawLines, None) => vec![raw.to_string()],
            (StdoutView::RawLines, Some(_)) => Vec::new(),
            (StdoutView::FinalOnly, _) => match message {
                Some(Incoming::Notification { method, params }) if method == "item/completed" => {
                    item_completed_lines(params, self.color)
                }
                _ => Vec::new(),
            },
        };
        if lines.is_empty() {
            return Ok(());
        }
        let prompt_was_visible = self.hide_prompt()?;
        for line in &lines {
            writeln!(self.stdout, "{line}")?;
        }
        self.stdout.flush()?;
        if prompt_was_visible && !self.input_closed {
            self.draw_prompt()?;
        }
        Ok(())
    }

    fn client_lines(&mut self, lines: &[String]) -> io::Result<()> {
        let prompt_was_visible = self.hide_prompt()?;
        for line in lines {
            writeln!(self.stderr, "{line}")?;
        }
        self.stderr.flush()?;
        if prompt_was_visible && !self.input_closed {
            self.draw_prompt()?;
        }
        Ok(())
    }

    /// Ends the prompt's line if it is showing; returns whether it was.
    fn hide_prompt(&mut self) -> io::Result<bool> {
        if !self.prompt_visible {
            return Ok(false);
        }
        self.prompt_visible = false;
        writeln!(self.stderr)?;
        self.stderr.flush()?;
        Ok(true)
    }

    fn draw_prompt(&mut self) -> io::Result<()> {
        let thread = self.prompt_thread.as_deref().unwrap_or("no-thread");
        write!(self.stderr, "({thread})> ")?;
        self.stderr.flush()?;
        self.prompt_visible = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    struct Harness {
        output: Output,
        stdout: Captured,
        stderr: Captured,
        file: Captured,
    }

    fn harness(view: StdoutView, with_file: bool) -> Harness {
        let stdout = Captured::default();
        let stderr = Captured::default();
        let file = Captured::default();
        let raw_file = with_file.then(|| Box::new(file.clone()) as Sink);
        let output = Output::new(
            Box::new(stdout.clone()),
            Box::new(stderr.clone()),
            raw_file,
            view,
            Color::Off,
        );
        Harness {
            output,
            stdout,
            stderr,
            file,
        }
    }

    const COMPLETED: &str = r#"{"method":"item/completed","params":{"threadId":"t-1","item":{"type":"agentMessage","text":"hi"}},"emittedAtMs":1}"#;
    const STARTED: &str =
        r#"{"method":"turn/started","params":{"threadId":"t-1"},"emittedAtMs":1}"#;

    fn feed(output: &Output, raw: &str) {
        output.server_line(raw, Incoming::parse(raw).as_ref());
    }

    #[test]
    fn raw_lines_go_to_stdout_and_redraw_a_visible_prompt() {
        let h = harness(StdoutView::RawLines, false);
        feed(&h.output, STARTED);
        h.output.set_prompt_thread("t-1");
        h.output.prompt();
        feed(&h.output, COMPLETED);
        h.output.client_line("auto-response");
        h.output.prompt_answered();
        h.output.client_line("after input");
        assert_eq!(h.stdout.text(), format!("{STARTED}\n{COMPLETED}\n"));
        assert_eq!(
            h.stderr.text(),
            "(t-1)> \n(t-1)> \nauto-response\n(t-1)> after input\n"
        );
    }

    #[test]
    fn no_redraw_after_input_ended() {
        let h = harness(StdoutView::RawLines, false);
        h.output.prompt();
        h.output.stop_prompting();
        feed(&h.output, STARTED);
        h.output.client_line("late");
        assert_eq!(h.stderr.text(), "(no-thread)> \nlate\n");
        assert_eq!(h.stdout.text(), format!("{STARTED}\n"));
    }

    #[test]
    fn prompt_without_thread() {
        let h = harness(StdoutView::RawLines, false);
        h.output.prompt();
        assert_eq!(h.stderr.text(), "(no-thread)> ");
    }

    #[test]
    fn output_file_takes_raw_lines_and_leaves_the_prompt_alone() {
        let h = harness(StdoutView::RawLines, true);
        h.output.prompt();
        feed(&h.output, STARTED);
        feed(&h.output, "");
        feed(&h.output, COMPLETED);
        assert_eq!(h.file.text(), format!("{STARTED}\n{COMPLETED}\n"));
        assert_eq!(h.stdout.text(), "");
        assert_eq!(h.stderr.text(), "(no-thread)> ");
    }

    #[test]
    fn final_only_prints_labels_and_keeps_raw_lines_in_the_file() {
        let h = harness(StdoutView::FinalOnly, true);
        feed(&h.output, STARTED);
        feed(&h.output, COMPLETED);
        feed(&h.output, "not json");
        assert_eq!(h.stdout.text(), "t-1 assistant: hi\n");
        assert_eq!(h.file.text(), format!("{STARTED}\n{COMPLETED}\nnot json\n"));
        let without_file = harness(StdoutView::FinalOnly, false);
        feed(&without_file.output, STARTED);
        feed(&without_file.output, COMPLETED);
        assert_eq!(without_file.stdout.text(), "t-1 assistant: hi\n");
    }

    #[test]
    fn client_blocks_are_not_split_by_prompts() {
        let h = harness(StdoutView::RawLines, false);
        h.output.prompt();
        h.output
            .client_lines(&["threads:".to_string(), "  a".to_string()]);
        assert_eq!(
            h.stderr.text(),
            "(no-thread)> \nthreads:\n  a\n(no-thread)> "
        );
        assert_eq!(h.stdout.text(), "");
    }
}
