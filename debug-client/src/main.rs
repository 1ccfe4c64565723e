//! `codex-debug-client`: parses the command line and runs the client; errors exit with status 1.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    codex_debug_client::run(codex_debug_client::Cli::parse())?;
    Ok(())
}
