//! codex-app-server: `codex app-server`, the JSON-RPC v2 front end over stdio for desktop apps
//! and IDEs. One reader loop decodes client lines and dispatches them; one writer task owns
//! stdout; each loaded thread is a task that owns its core session and translates its events
//! into notifications and server→client requests.

mod attestation;
mod command_exec;
mod outgoing;
mod processor;
mod thread;
mod translate;

use std::sync::Arc;

use codex_core::config::ConfigEnv;
use tokio::io::AsyncBufReadExt;
use tokio::io::AsyncWriteExt;
use tokio::io::BufReader;
use tokio::sync::mpsc;

use crate::outgoing::Outgoing;
use crate::processor::MessageProcessor;

/// Lines waiting for stdout; a slow client applies back-pressure to the server beyond this.
const OUTGOING_QUEUE: usize = 4096;

/// Options of `codex app-server`, already parsed by the CLI.
#[derive(Debug, Clone, Default)]
pub struct AppServerOptions {
    /// Raw `-c key=value` overrides, applied to every thread's config.
    pub config_overrides: Vec<String>,
}

/// Serves the protocol on stdin/stdout until stdin closes; returns the exit code.
pub async fn run_main(options: AppServerOptions) -> i32 {
    let env = ConfigEnv::from_process();
    // Invalid configuration is reported before anything is answered.
    if let Err(err) = processor::check_config(&options.config_overrides, &env) {
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
    let outgoing = Arc::new(Outgoing::new(tx_out));
    let mut processor = MessageProcessor::new(Arc::clone(&outgoing), options, env);
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        match lines.next_line().await {
            Ok(Some(line)) => processor.process_line(&line).await,
            Ok(None) => break,
            Err(err) => {
                tracing::error!("failed to read stdin: {err}");
                break;
            }
        }
    }
    // The client is gone: interrupt turns, kill children, flush rollouts, then exit 0.
    processor.shutdown().await;
    drop(processor);
    drop(outgoing);
    let _ = writer.await;
    0
}
