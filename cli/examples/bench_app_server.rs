//! `just bench`: one `codex app-server` process against a mock Responses server on loopback.
//! Measures (a) the latency from writing `turn/start` to reading its `turn/completed` for 50
//! one-message turns on one thread, and (b) the throughput of `item/agentMessage/delta`
//! notifications for a 2 MiB reply streamed as 2048 deltas. A measurement: no timing asserts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::BufRead;
use std::io::BufReader;
use std::io::Write;
use std::path::PathBuf;
use std::process::ChildStdin;
use std::process::Command;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;
use std::time::Instant;

use codex_test_support::MockResponse;
use codex_test_support::MockServer;
use codex_test_support::TestCodexHome;
use codex_test_support::base_env;
use codex_test_support::ev_assistant_message;
use codex_test_support::ev_completed;
use codex_test_support::ev_output_item_added;
use codex_test_support::ev_output_text_delta;
use codex_test_support::mock_provider_config;
use serde_json::Value;
use serde_json::json;

const LATENCY_TURNS: usize = 50;
const DELTAS: usize = 2048;
const DELTA_BYTES: usize = 1024;
const STREAM_ITEM_ID: &str = "msg_stream";
/// Generous: a stuck server fails the benchmark instead of hanging it.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The streamed reply: `DELTAS` chunks of `DELTA_BYTES` ASCII letters each.
fn stream_chunks() -> Vec<String> {
    (0..DELTAS)
        .map(|i| {
            let letter = char::from(b'a' + (i % 26) as u8);
            letter.to_string().repeat(DELTA_BYTES)
        })
        .collect()
}

fn script(chunks: &[String]) -> Vec<MockResponse> {
    let mut responses: Vec<MockResponse> = (0..LATENCY_TURNS)
        .map(|i| MockResponse::message(&format!("reply {i}")))
        .collect();
    let mut events = vec![ev_output_item_added(json!({
        "type": "message",
        "role": "assistant",
        "id": STREAM_ITEM_ID,
        "content": [],
    }))];
    events.extend(chunks.iter().map(|chunk| {
        let mut event = ev_output_text_delta(chunk);
        event["item_id"] = Value::from(STREAM_ITEM_ID);
        event
    }));
    events.push(ev_assistant_message(STREAM_ITEM_ID, &chunks.concat()));
    events.push(ev_completed("resp_stream"));
    responses.push(MockResponse::Sse(events));
    responses
}

fn codex_binary() -> PathBuf {
    // target/<profile>/examples/bench_app_server -> target/<profile>/codex
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("codex")
}

/// The client side of one `codex app-server` connection.
struct Client {
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    next_id: i64,
}

impl Client {
    fn send(&mut self, message: &Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"method": method, "id": id, "params": params}));
        id
    }

    fn next(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(READ_TIMEOUT)
            .expect("app-server went silent");
        serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line}"))
    }

    /// Reads until the response to `id`; panics on an error response.
    fn response(&self, id: i64) -> Value {
        loop {
            let message = self.next();
            if message["id"] == id && message.get("method").is_none() {
                assert!(message.get("error").is_none(), "request failed: {message}");
                return message["result"].clone();
            }
        }
    }

    fn start_thread(&mut self, cwd: &str) -> String {
        let id = self.request(
            "thread/start",
            json!({"cwd": cwd, "approvalPolicy": "never", "sandbox": "read-only"}),
        );
        self.response(id)["thread"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn start_turn(&mut self, thread_id: &str, text: &str) {
        self.request(
            "turn/start",
            json!({
                "threadId": thread_id,
                "input": [{"type": "text", "text": text, "text_elements": []}],
            }),
        );
    }
}

fn is_notification(message: &Value, method: &str) -> bool {
    message["method"] == method && message.get("id").is_none()
}

fn assert_completed(turn_completed: &Value) {
    let status = &turn_completed["params"]["turn"]["status"];
    assert_eq!(
        status, "completed",
        "turn did not complete: {turn_completed}"
    );
}

/// (a) `turn/start` → `turn/completed` for one-message turns, in milliseconds.
fn measure_latency(client: &mut Client, thread_id: &str) -> Vec<f64> {
    (0..LATENCY_TURNS)
        .map(|i| {
            let started = Instant::now();
            client.start_turn(thread_id, &format!("say {i}"));
            loop {
                let message = client.next();
                if is_notification(&message, "turn/completed") {
                    let elapsed = started.elapsed();
                    assert_completed(&message);
                    return elapsed.as_secs_f64() * 1000.0;
                }
            }
        })
        .collect()
}

struct Throughput {
    deltas: usize,
    bytes: usize,
    elapsed: Duration,
    /// From the first delta to the last one.
    streaming: Duration,
}

/// (b) Counts `item/agentMessage/delta` notifications until `turn/completed`.
fn measure_throughput(client: &mut Client, thread_id: &str) -> Throughput {
    let started = Instant::now();
    client.start_turn(thread_id, "stream a long reply");
    let mut deltas = 0;
    let mut bytes = 0;
    let mut first_delta = None;
    let mut last_delta = started;
    loop {
        let message = client.next();
        if is_notification(&message, "item/agentMessage/delta") {
            let now = Instant::now();
            first_delta.get_or_insert(now);
            last_delta = now;
            assert_eq!(message["params"]["itemId"], STREAM_ITEM_ID);
            deltas += 1;
            bytes += message["params"]["delta"].as_str().unwrap().len();
        } else if is_notification(&message, "turn/completed") {
            let elapsed = started.elapsed();
            assert_completed(&message);
            let streaming = last_delta.duration_since(first_delta.unwrap_or(started));
            return Throughput {
                deltas,
                bytes,
                elapsed,
                streaming,
            };
        }
    }
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

fn main() {
    let codex = codex_binary();
    let chunks = stream_chunks();
    let server = MockServer::start(script(&chunks));
    let home = TestCodexHome::new();
    home.write_config(&mock_provider_config(&server));
    let workdir = tempfile::tempdir().unwrap();
    let cwd = workdir.path().canonicalize().unwrap().display().to_string();

    let mut child = Command::new(&codex)
        .env_clear()
        .envs(base_env(home.path()))
        .env("SHELL", "/bin/bash")
        .current_dir(workdir.path())
        .arg("app-server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut client = Client {
        stdin: child.stdin.take().unwrap(),
        lines: rx,
        next_id: 0,
    };

    let id = client.request(
        "initialize",
        json!({"clientInfo": {"name": "bench_app_server", "title": null, "version": "0.0.0"}}),
    );
    client.response(id);
    client.send(&json!({"method": "initialized"}));

    println!("codex app-server: mock Responses server on loopback");
    println!("binary: {}", codex.display());

    let thread_id = client.start_thread(&cwd);
    let mut latencies = measure_latency(&mut client, &thread_id);
    latencies.sort_by(f64::total_cmp);
    println!(
        "(a) turn/start -> turn/completed, one-message turn, {LATENCY_TURNS} sequential turns on one thread:"
    );
    println!(
        "    median {:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        latencies[0],
        latencies[latencies.len() - 1]
    );

    let stream_thread = client.start_thread(&cwd);
    let result = measure_throughput(&mut client, &stream_thread);
    assert_eq!(result.deltas, DELTAS, "delta notifications received");
    assert_eq!(result.bytes, DELTAS * DELTA_BYTES, "delta bytes received");
    assert_eq!(server.requests().len(), LATENCY_TURNS + 1, "model requests");
    let mb = result.bytes as f64 / 1_000_000.0;
    let total = result.elapsed.as_secs_f64();
    let streaming = result.streaming.as_secs_f64();
    println!(
        "(b) item/agentMessage/delta, {} deltas of {DELTA_BYTES} B ({:.2} MB) in one turn:",
        result.deltas, mb
    );
    println!(
        "    turn/start -> turn/completed {:.1} ms: {:.0} notifications/s, {:.1} MB/s",
        total * 1000.0,
        result.deltas as f64 / total,
        mb / total
    );
    println!(
        "    first -> last delta {:.1} ms: {:.0} notifications/s, {:.1} MB/s",
        streaming * 1000.0,
        result.deltas as f64 / streaming,
        mb / streaming
    );

    // Closing stdin is a client disconnect: the server exits 0.
    drop(client);
    let status = child.wait().unwrap();
    assert!(status.success(), "app-server exited with {status}");
}
