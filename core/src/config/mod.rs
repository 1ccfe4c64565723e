//! Configuration: `$CODEX_HOME`, `config.toml`, profiles, `-c` overrides and CLI flags, resolved
//! into one validated `Config`.

mod types;

pub use types::*;
