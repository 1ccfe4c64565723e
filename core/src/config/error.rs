//! Why loading the configuration failed. Each message is what a front end prints before it exits
//! with code 1, so it names the file, the line and column, and the key (or the `-c` argument) at
//! fault, in the layouts of `config.md` §2.

use std::fmt;
use std::path::PathBuf;

/// Where a bad value sits in `config.toml`: the file, and the value's 1-based line and column
/// when they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line_column: Option<(usize, usize)>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.line_column {
            Some((line, column)) => write!(f, "{path}:{line}:{column}"),
            None => write!(f, "{path}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "Error loading configuration: CODEX_HOME points to \"{}\", but that path does not exist",
        path.display()
    )]
    CodexHomeMissing { path: PathBuf },
    #[error(
        "Error loading configuration: CODEX_HOME points to \"{}\", but that path is not a directory",
        path.display()
    )]
    CodexHomeNotADirectory { path: PathBuf },
    #[error("Error loading configuration: cannot find the home directory; set HOME or CODEX_HOME")]
    HomeNotFound,
    #[error("Error: cannot use {} as the working directory: {source}", path.display())]
    Cwd {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("Error loading config.toml: {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `config.toml` is not valid TOML; `source_line` is the offending line of the file.
    #[error("Error loading config.toml: {location}: {message}\n  {source_line}")]
    Syntax {
        location: Location,
        message: String,
        source_line: String,
    },
    /// A value in `config.toml` does not fit its key.
    #[error("Error loading config.toml: {location}: {message}\n  in `{key}`")]
    Invalid {
        location: Location,
        message: String,
        key: String,
    },
    /// A value given with `-c` (or `--enable`/`--disable`) does not fit its key.
    #[error("Error loading config.toml: {message}\n  in -c override `{arg}`")]
    InvalidOverride { message: String, arg: String },
    #[error("Error parsing -c overrides: Invalid override (missing '='): {0}")]
    OverrideMissingEquals(String),
    #[error("Error parsing -c overrides: Empty key in override: {0}")]
    OverrideEmptyKey(String),
    #[error("Error: config profile `{0}` not found")]
    ProfileNotFound(String),
    #[error(
        "No default OSS provider configured. Use --local-provider=provider or set oss_provider to one of: lmstudio, ollama in config.toml"
    )]
    NoOssProvider,
    #[error("Error: unknown local provider `{0}`; use one of: lmstudio, ollama")]
    UnknownLocalProvider(String),
}
