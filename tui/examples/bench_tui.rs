//! `just bench`: the TUI's frame cost on the alternate screen (tui.md §14). (a) One 120x40 frame
//! over a 2,000-cell mixed transcript: cold, steady state (bottom and scrolled), after a width
//! change. (b) Keystroke-to-frame latency while a 1 MiB reply streams in ~1 KiB deltas: each
//! delta, then one key and the frame that shows it. Frames go through a ratatui `Terminal`
//! whose output is discarded, as the app draws them. A measurement, not a test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::Sink;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use std::time::Instant;

use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::protocol::EventMsg;
use codex_core::protocol::FileChange;
use codex_core::protocol::FileChangeKind;
use codex_core::protocol::HistoryInitialization;
use codex_core::protocol::SessionConfiguredEvent;
use codex_tui::app::render_alt_screen;
use codex_tui::app_event::AppEvent;
use codex_tui::app_event::AppEventSender;
use codex_tui::bottom_pane::paste_burst::CHAR_INTERVAL;
use codex_tui::chatwidget::ChatWidget;
use codex_tui::chatwidget::ChatWidgetInit;
use codex_tui::clock::Clock;
use codex_tui::clock::SystemClock;
use codex_tui::history_cell::AgentMessageCell;
use codex_tui::history_cell::ExecCell;
use codex_tui::history_cell::ExecSource;
use codex_tui::history_cell::PatchCell;
use codex_tui::history_cell::UserCell;
use codex_tui::history_cell::info_cell;
use codex_tui::history_view::HistoryView;
use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::Terminal;
use ratatui::TerminalOptions;
use ratatui::Viewport;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use tokio::sync::mpsc::UnboundedReceiver;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const CELLS: usize = 2_000;
const STEADY_FRAMES: usize = 200;
const REPLY_BYTES: usize = 1024 * 1024;
const DELTA_BYTES: usize = 1024;
const TARGET: Duration = Duration::from_millis(16);
const CWD: &str = "/home/user/project";

type Screen = Terminal<CrosstermBackend<Sink>>;

/// Real time plus time the bench skipped: the paste-burst guard holds a typed key until
/// `CHAR_INTERVAL` passes without another key, and sleeping that out per key would only
/// measure the sleep.
#[derive(Debug, Default)]
struct SkippingClock {
    skipped: Mutex<Duration>,
}

impl SkippingClock {
    fn skip(&self, by: Duration) {
        *self.skipped.lock().unwrap() += by;
    }
}

impl Clock for SkippingClock {
    fn now(&self) -> Instant {
        Instant::now() + *self.skipped.lock().unwrap()
    }

    fn local_hhmm(&self) -> String {
        SystemClock.local_hhmm()
    }

    fn unix_now(&self) -> i64 {
        SystemClock.unix_now()
    }
}

/// Time spent in one frame: the alt-screen render alone, and the whole `Terminal::draw`
/// (render, buffer diff, ANSI encoding to the sink).
#[derive(Clone, Copy)]
struct FrameTime {
    render: Duration,
    draw: Duration,
}

struct Bench {
    chat: ChatWidget,
    clock: Arc<SkippingClock>,
    rx: UnboundedReceiver<AppEvent>,
    history: HistoryView,
    screen: Screen,
    width: u16,
    scroll_back: usize,
    _home: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        let home = tempfile::tempdir().unwrap();
        let env = ConfigEnv {
            vars: [("CODEX_HOME".to_string(), home.path().display().to_string())]
                .into_iter()
                .collect(),
        };
        let mut config = codex_core::config::load_config(
            ConfigOverrides {
                model: Some("gpt-5-codex".to_string()),
                cwd: Some(home.path().to_path_buf()),
                ..ConfigOverrides::default()
            },
            env,
        )
        .unwrap();
        config.cwd = PathBuf::from(CWD);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let clock = Arc::new(SkippingClock::default());
        let mut chat = ChatWidget::new(ChatWidgetInit {
            config: config.clone(),
            app_event_tx: AppEventSender::new(tx),
            clock: clock.clone(),
            persistent_history: Vec::new(),
            home: Some(PathBuf::from("/home/user")),
            version: "0.0.0".to_string(),
        });
        chat.handle_codex_event(EventMsg::SessionConfigured(SessionConfiguredEvent {
            thread_id: "0199a213-81c0-7800-8aa1-bbab2a035a53".to_string(),
            model: config.model.clone(),
            model_provider_id: config.model_provider_id.clone(),
            cwd: config.cwd.clone(),
            approval_policy: config.approval_policy,
            sandbox_policy: config.sandbox_policy,
            reasoning_effort: None,
            reasoning_summary: None,
            rollout_path: None,
            history_initialization: HistoryInitialization::New,
        }));
        let area = Rect::new(0, 0, WIDTH, HEIGHT);
        let screen = Terminal::with_options(
            CrosstermBackend::new(std::io::sink()),
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )
        .unwrap();
        Bench {
            chat,
            clock,
            rx,
            history: mixed_transcript(),
            screen,
            width: WIDTH,
            scroll_back: 0,
            _home: home,
        }
    }

    /// One frame as `App::draw` draws it on the alternate screen.
    fn frame(&mut self) -> FrameTime {
        let started = Instant::now();
        // Not `Terminal::size`: with no tty, crossterm falls back to spawning `tput`.
        self.chat.set_width(self.width);
        let history = &mut self.history;
        let chat = &mut self.chat;
        let scroll_back = &mut self.scroll_back;
        let mut render = Duration::ZERO;
        self.screen
            .draw(|frame| {
                let render_started = Instant::now();
                let area = frame.area();
                let cursor =
                    render_alt_screen(history, chat, scroll_back, area, frame.buffer_mut());
                render = render_started.elapsed();
                if let Some((x, y)) = cursor {
                    frame.set_cursor_position((x, y));
                }
            })
            .unwrap();
        FrameTime {
            render,
            draw: started.elapsed(),
        }
    }

    /// What `App` does with the widget's events: committed cells go into the history.
    fn drain(&mut self) -> usize {
        let mut cells = 0;
        while let Ok(event) = self.rx.try_recv() {
            if let AppEvent::InsertHistoryCell(cell) = event {
                self.history.push(cell);
                cells += 1;
            }
        }
        cells
    }

    fn resize(&mut self, width: u16) {
        self.width = width;
        self.screen.resize(Rect::new(0, 0, width, HEIGHT)).unwrap();
    }
}

// ---- the transcript ---------------------------------------------------------------------

fn mixed_transcript() -> HistoryView {
    let mut history = HistoryView::default();
    for i in 0..CELLS {
        match i % 5 {
            0 => history.push(Box::new(UserCell::new(format!(
                "Look at crate number {i}: the integration tests fail when they run in parallel, \
                 but pass one by one.\nFind out why and fix it without slowing the suite down."
            )))),
            1 => history.push(Box::new(exec_cell(i))),
            2 => history.push(Box::new(patch_cell(i))),
            3 => history.push(Box::new(AgentMessageCell::markdown(agent_reply(i)))),
            _ => history.push(Box::new(info_cell(format!(
                "Context compacted · turn {i} · 41% of the context window left"
            )))),
        }
    }
    history
}

fn exec_cell(i: usize) -> ExecCell {
    let (argv, source) = if i.is_multiple_of(3) {
        (
            vec![format!("cargo test -p crate-{i} -- --test-threads=1")],
            ExecSource::UserShell,
        )
    } else {
        let script = format!("cargo test -p crate-{i} 2>&1 | tail -n 12");
        (
            vec!["/bin/bash".to_string(), "-lc".to_string(), script],
            ExecSource::Agent,
        )
    };
    let mut cell = ExecCell::new(format!("call-{i}"), &argv, source);
    let output: String = (0..12)
        .map(|line| {
            format!("test module_{line}::case_{i} ... ok (line {line} of the test output)\n")
        })
        .collect();
    cell.complete(
        i32::from(i.is_multiple_of(7)),
        output,
        Duration::from_millis(1_250),
    );
    cell
}

fn patch_cell(i: usize) -> PatchCell {
    let diff = format!(
        "diff --git a/src/module_{i}.rs b/src/module_{i}.rs\n--- a/src/module_{i}.rs\n\
         +++ b/src/module_{i}.rs\n@@ -10,7 +10,8 @@\n fn setup() -> Fixture {{\n\
         -    let dir = tempdir();\n+    let dir = tempfile::tempdir().unwrap();\n\
         +    let port = free_port();\n     Fixture {{\n         dir,\n\
         -        port: 8080,\n+        port,\n     }}\n }}\n"
    );
    let changes = [
        FileChange {
            path: PathBuf::from(format!("{CWD}/src/module_{i}.rs")),
            kind: FileChangeKind::Update,
            unified_diff: diff,
        },
        FileChange {
            path: PathBuf::from(format!("{CWD}/tests/parallel_{i}.rs")),
            kind: FileChangeKind::Add,
            unified_diff: format!(
                "--- /dev/null\n+++ b/tests/parallel_{i}.rs\n@@ -0,0 +1,3 @@\n\
                 +#[test]\n+fn runs_in_parallel_{i}() {{}}\n+\n"
            ),
        },
    ];
    PatchCell::new(&changes, Path::new(CWD))
}

fn agent_reply(i: usize) -> String {
    format!(
        "The tests in crate {i} share a **fixed port** and one temporary directory, so two of \
         them running at once race on both. Each fixture now asks the OS for a free port and \
         gets its own `tempdir()`, which keeps the suite parallel.\n\n\
         What changed:\n\n\
         - `setup()` binds port 0 and reads the port back\n\
         - every test gets a fresh directory, removed on drop\n\
         - the retry loop in `wait_ready` is gone: it hid the race\n\n\
         ```rust\nfn free_port() -> u16 {{\n    let listener = TcpListener::bind(\"127.0.0.1:0\").unwrap();\n    \
         listener.local_addr().unwrap().port()\n}}\n```\n\n\
         Run `cargo test -p crate-{i}` to check; it took 4.1 s before and 1.3 s now."
    )
}

/// About `REPLY_BYTES` of markdown: headings, wrapped paragraphs, lists and code blocks.
fn streamed_reply() -> String {
    let mut reply = String::with_capacity(REPLY_BYTES + 1024);
    let mut section = 0;
    while reply.len() < REPLY_BYTES {
        section += 1;
        reply.push_str(&format!(
            "## Step {section}\n\n\
             This step reads the configuration for shard {section}, validates every entry \
             against the schema and reports *each* problem with its line and column, so a \
             broken file names all of its mistakes at once instead of one per run. Long lines \
             like this one wrap at the content width.\n\n\
             1. parse `shard-{section}.toml` into a table\n\
             2. check the keys against the schema\n   - unknown keys are warnings\n   \
             - wrong types are errors\n\
             3. merge it over the defaults\n\n\
             ```rust\nfn load_shard_{section}(path: &Path) -> Result<Shard, ConfigError> {{\n    \
             let text = std::fs::read_to_string(path)?;\n    \
             let table: toml::Table = text.parse()?;\n    validate(&table)?;\n    \
             Ok(Shard::from(table))\n}}\n```\n\n"
        ));
    }
    reply
}

fn chunks(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = size.min(rest.len());
        while !rest.is_char_boundary(end) {
            end += 1;
        }
        let (chunk, tail) = rest.split_at(end);
        out.push(chunk);
        rest = tail;
    }
    out
}

// ---- statistics -------------------------------------------------------------------------

struct Stats {
    median: Duration,
    p90: Duration,
    max: Duration,
    total: Duration,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let at = |fraction: f64| sorted[((sorted.len() - 1) as f64 * fraction).round() as usize];
    Stats {
        median: at(0.5),
        p90: at(0.9),
        max: at(1.0),
        total: sorted.iter().sum(),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:8.3} ms", duration.as_secs_f64() * 1000.0)
}

fn row(label: &str, samples: &[Duration]) {
    let stats = stats(samples);
    let verdict = if stats.p90 < TARGET { "ok" } else { "OVER" };
    println!(
        "  {label:<34} median {}  p90 {}  max {}  {verdict}",
        ms(stats.median),
        ms(stats.p90),
        ms(stats.max)
    );
}

fn frame_rows(label: &str, frames: &[FrameTime]) {
    let render: Vec<Duration> = frames.iter().map(|frame| frame.render).collect();
    let draw: Vec<Duration> = frames.iter().map(|frame| frame.draw).collect();
    row(&format!("{label}: render"), &render);
    row(&format!("{label}: draw"), &draw);
}

fn single(label: &str, frame: FrameTime) {
    let verdict = if frame.draw < TARGET { "ok" } else { "OVER" };
    println!(
        "  {label:<34} render {}  draw {}  {verdict}",
        ms(frame.render),
        ms(frame.draw)
    );
}

// ---- the two measurements ---------------------------------------------------------------

fn transcript_frames(bench: &mut Bench) {
    println!(
        "(a) one {WIDTH}x{HEIGHT} frame, {} cells in the history",
        bench.history.cells().len()
    );
    let cold = bench.frame();
    let rows = bench.history.height(WIDTH);
    single("first frame (cold, wraps all)", cold);
    println!(
        "  {:<34} {rows}",
        format!("history rows at {WIDTH} columns")
    );

    let bottom: Vec<FrameTime> = (0..STEADY_FRAMES).map(|_| bench.frame()).collect();
    frame_rows(&format!("{STEADY_FRAMES} frames at the bottom"), &bottom);

    // A fixed stride through the whole history, so consecutive frames differ entirely.
    let stride = rows / 7 + 13;
    let scrolled: Vec<FrameTime> = (0..STEADY_FRAMES)
        .map(|i| {
            bench.scroll_back = (i * stride) % rows;
            bench.frame()
        })
        .collect();
    frame_rows(&format!("{STEADY_FRAMES} frames scrolled back"), &scrolled);
    bench.scroll_back = 0;

    bench.resize(WIDTH + 1);
    single("after resize to 121 (re-wrap)", bench.frame());
    bench.resize(WIDTH);
    single("back to 120 (re-wrap)", bench.frame());
}

fn streaming_latency(bench: &mut Bench) {
    let reply = streamed_reply();
    let deltas = chunks(&reply, DELTA_BYTES);
    println!(
        "(b) keystroke to frame while a {} KiB reply streams as {} deltas of ~{DELTA_BYTES} B",
        reply.len() / 1024,
        deltas.len()
    );
    bench.chat.handle_codex_event(EventMsg::TurnStarted {
        turn_id: "turn-bench".to_string(),
    });
    bench.drain();
    bench.frame();

    let mut delta_times = Vec::with_capacity(deltas.len());
    let mut drain_times = Vec::with_capacity(deltas.len());
    let mut key_times = Vec::with_capacity(deltas.len());
    let mut turn_times = Vec::with_capacity(deltas.len());
    let mut frames = Vec::with_capacity(deltas.len());
    let mut committed = 0;
    let started = Instant::now();
    for delta in &deltas {
        let delta_started = Instant::now();
        bench.chat.handle_codex_event(EventMsg::AgentMessageDelta {
            item_id: "msg-bench".to_string(),
            delta: (*delta).to_string(),
        });
        delta_times.push(delta_started.elapsed());

        let drain_started = Instant::now();
        committed += bench.drain();
        drain_times.push(drain_started.elapsed());

        // A typed key is shown once the guard releases it (the app ticks at that deadline).
        let key_started = Instant::now();
        bench
            .chat
            .handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        bench.clock.skip(CHAR_INTERVAL);
        bench.chat.on_tick();
        let frame = bench.frame();
        key_times.push(key_started.elapsed());
        turn_times.push(delta_started.elapsed());
        frames.push(frame);
    }
    let streamed = started.elapsed();

    let finish_started = Instant::now();
    bench.chat.handle_codex_event(EventMsg::AgentMessage {
        item_id: "msg-bench".to_string(),
        text: reply.clone(),
        phase: None,
    });
    bench.chat.handle_codex_event(EventMsg::TurnComplete {
        turn_id: "turn-bench".to_string(),
        last_agent_message: Some(reply.clone()),
    });
    committed += bench.drain();
    let finish = finish_started.elapsed();
    let last = bench.frame();

    row("key -> frame showing it", &key_times);
    println!(
        "  {:<34} +{} ms paste-burst guard before a key shows (skipped here)",
        "",
        CHAR_INTERVAL.as_millis()
    );
    frame_rows("  of which the frame", &frames);
    row("handle one delta (commit lines)", &delta_times);
    // The app loop handles one event at a time: a key arriving while a delta is handled waits
    // for the delta, the commit and the frame.
    row("delta + key -> frame showing it", &turn_times);
    row("push committed cells", &drain_times);
    let deltas_total = stats(&delta_times).total;
    println!(
        "  {:<34} {:.1} s for {} deltas ({:.2} MiB/s), {:.1} s of it handling deltas",
        "streaming loop",
        streamed.as_secs_f64(),
        deltas.len(),
        reply.len() as f64 / (1024.0 * 1024.0) / streamed.as_secs_f64(),
        deltas_total.as_secs_f64()
    );
    let tenth = deltas.len() / 10;
    println!(
        "  {:<34} first tenth {}  last tenth {}",
        "median delta, by position",
        ms(stats(&delta_times[..tenth]).median),
        ms(stats(&delta_times[deltas.len() - tenth..]).median)
    );
    println!("  {:<34} {committed}", "cells committed by the reply");
    println!(
        "  {:<34} {}",
        "typed keys shown in the composer",
        bench.chat.composer_mut().text().len()
    );
    println!("  {:<34} {}", "AgentMessage + TurnComplete", ms(finish));
    single("frame after the turn", last);
    println!(
        "  history now {} cells, {} rows",
        bench.history.cells().len(),
        bench.history.height(WIDTH)
    );
}

fn main() {
    let mut bench = Bench::new();
    println!(
        "codex-tui frame benchmark, alternate screen {WIDTH}x{HEIGHT}, target under {} ms per frame",
        TARGET.as_millis()
    );
    println!("(render = render_alt_screen; draw = Terminal::draw incl. diff and ANSI output)");
    transcript_frames(&mut bench);
    streaming_latency(&mut bench);
}
