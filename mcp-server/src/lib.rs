//! codex-mcp-server: `codex mcp-server`, Codex as an MCP server over stdio (`mcp.md` §4) with
//! the tools `codex` (start a thread and run a turn) and `codex-reply` (continue one).
//!
//! The JSON-RPC loop is our own (serde_json, one message per line) rather than rmcp's server:
//! the spec needs what rmcp's server lifecycle does not allow — answering requests before
//! `initialize`, -32700 with `id: null` for garbage lines, -32601 errors with `data`, approval
//! replies in two shapes, and the `codex/event` notifications. Stdout carries only protocol
//! lines; logs go to stderr through `tracing`.

mod elicitation;
mod event_msg;
mod jsonrpc;
mod server;
mod thread;
mod tools;

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::time::Duration;

use codex_core::config::ConfigEnv;
use codex_core::config::ConfigOverrides;
use codex_core::config::load_config;
use tokio::io::AsyncBufReadExt;
use tokio::io::AsyncWriteExt;
use tokio::io::BufReader;
use tokio::sync::mpsc;

use crate::jsonrpc::Outgoing;
use crate::server::Server;

/// Lines waiting for stdout; a slow client applies back-pressure to the server beyond this.
const OUTGOING_QUEUE: usize = 4096;
/// After the sessions shut down, how long queued lines may take to reach stdout.
const FLUSH_GRACE: Duration = Duration::from_millis(300);

/// `codex mcp-server [-c key=value]... [--enable F] [--disable F]`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Cli {
    /// Override a config value: `-c key=value`.
    #[arg(long = "config", short = 'c')]
    pub config_overrides: Vec<String>,

    /// Enable a feature (`features.<name>=true`).
    #[arg(long = "enable")]
    pub enable: Vec<String>,

    /// Disable a feature (`features.<name>=false`).
    #[arg(long = "disable")]
    pub disable: Vec<String>,
}

/// Serves MCP on stdin/stdout until stdin closes; returns the exit code (1 when the
/// configuration is invalid, before anything is read).
pub async fn run_main(cli: Cli) -> i32 {
    let env = ConfigEnv::from_process();
    let overrides = ConfigOverrides {
        config_overrides: cli.config_overrides,
        enable_features: cli.enable,
        disable_features: cli.disable,
        ..ConfigOverrides::default()
    };
    if let Err(err) = load_config(overrides.clone(), env.clone()) {
        eprintln!("{err}");
        return 1;
    }
    let (tx_out, mut rx_out) = mpsc::channel::<String>(OUTGOING_QUEUE);
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(mut line) = rx_out.recv().await {
            line.push('\n');
            if stdout.write_all(line.as_bytes()).await.is_err() || stdout.flush().await.is_err() {
                break;
            }
        }
    });
    let mut server = Server::new(Arc::new(Outgoing::new(tx_out)), overrides, env);
    // Bytes, not `lines()`: a line that is not UTF-8 must get -32700, not end the server.
    let mut stdin = BufReader::new(tokio::io::stdin());
    let mut line = Vec::new();
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line).await {
            Ok(0) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&line);
                server
                    .handle_line(text.strip_suffix('\n').unwrap_or(&text))
                    .await;
            }
            Err(err) => {
                tracing::error!("failed to read stdin: {err}");
                break;
            }
        }
    }
    server.shutdown().await;
    drop(server);
    // Tasks that did not finish in time still hold the writer's channel: do not wait for them.
    let _ = tokio::time::timeout(FLUSH_GRACE, writer).await;
    0
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
