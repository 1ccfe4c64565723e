//! `write-app-server-schema <out dir>`: writes the protocol's JSON Schema files into a directory
//! (`just write-app-server-schema` points it at `app-server-protocol/schema/`).

use std::path::PathBuf;

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let out_dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .context("usage: write-app-server-schema <out dir>")?;
    codex_app_server_protocol::write_schema_files(&out_dir)
        .with_context(|| format!("writing the schema files into {}", out_dir.display()))
}
