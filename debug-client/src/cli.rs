//! Command-line flags of `codex-debug-client` (debug-client.md §1) and their validation into
//! [`Options`], the one struct the rest of the crate reads.

use std::path::PathBuf;

use clap::Parser;

use crate::error::DebugClientError;

#[derive(Debug, Parser)]
#[command(
    name = "codex-debug-client",
    version,
    about = "Minimal app-server client"
)]
pub struct Cli {
    /// Program to spawn as `<codex-bin> [--config k=v]... app-server`.
    #[arg(long = "codex-bin", value_name = "PATH", default_value = "codex")]
    pub codex_bin: PathBuf,

    /// Config override forwarded before the subcommand (repeatable).
    #[arg(short = 'c', long = "config", value_name = "key=value")]
    pub config_overrides: Vec<String>,

    /// Resume this thread instead of starting a new one.
    #[arg(long = "thread-id", value_name = "ID")]
    pub thread_id: Option<String>,

    /// Approval policy for the thread: untrusted, on-failure, on-request or never.
    #[arg(
        long = "approval-policy",
        value_name = "POLICY",
        default_value = "on-request"
    )]
    pub approval_policy: String,

    /// Accept command and file-change approvals instead of declining them.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,

    /// Print only labelled completed items instead of raw server lines.
    #[arg(long = "final-only")]
    pub final_only: bool,

    /// Write raw server lines to this file instead of stdout.
    #[arg(long = "output-file", value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Model for the thread.
    #[arg(long = "model", value_name = "NAME")]
    pub model: Option<String>,

    /// Model provider id for the thread.
    #[arg(long = "model-provider", value_name = "ID")]
    pub model_provider: Option<String>,

    /// Working directory for the thread.
    #[arg(long = "cwd", value_name = "PATH")]
    pub cwd: Option<String>,

    /// Declare `requestAttestation` and answer `attestation/generate` with this token.
    #[arg(long = "attestation-token", value_name = "TOKEN")]
    pub attestation_token: Option<String>,
}

/// `approvalPolicy` as sent on `thread/start` and `thread/resume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalPolicy {
    Untrusted,
    OnFailure,
    OnRequest,
    Never,
}

impl ApprovalPolicy {
    /// Accepts the kebab-case names and the original's aliases.
    pub fn parse(value: &str) -> Result<Self, DebugClientError> {
        match value {
            "untrusted" | "unless-trusted" | "unlessTrusted" => Ok(Self::Untrusted),
            "on-failure" | "onFailure" => Ok(Self::OnFailure),
            "on-request" | "onRequest" => Ok(Self::OnRequest),
            "never" => Ok(Self::Never),
            other => Err(DebugClientError::UnknownApprovalPolicy(other.to_string())),
        }
    }

    pub fn wire_value(self) -> &'static str {
        match self {
            Self::Untrusted => "untrusted",
            Self::OnFailure => "on-failure",
            Self::OnRequest => "on-request",
            Self::Never => "never",
        }
    }
}

/// How approval requests are answered once the session is interactive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractiveApprovals {
    Accept,
    Decline,
}

/// Where raw server lines go and whether labelled items are printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOptions {
    pub view: StdoutView,
    pub raw_file: Option<PathBuf>,
}

/// What stdout shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutView {
    /// Every raw server line (unless they go to `--output-file`).
    RawLines,
    /// Only the labelled `item/completed` lines of `--final-only`.
    FinalOnly,
}

/// The parameters shared by every `thread/start` and `thread/resume` this client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadOverrides {
    pub model: Option<String>,
    pub model_provider: Option<String>,
    pub cwd: Option<String>,
    pub approval_policy: ApprovalPolicy,
}

/// The validated command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub codex_bin: PathBuf,
    pub config_overrides: Vec<String>,
    pub resume_thread_id: Option<String>,
    pub thread: ThreadOverrides,
    pub approvals: InteractiveApprovals,
    pub output: OutputOptions,
    pub attestation_token: Option<String>,
}

impl TryFrom<Cli> for Options {
    type Error = DebugClientError;

    fn try_from(cli: Cli) -> Result<Self, Self::Error> {
        let approval_policy = ApprovalPolicy::parse(&cli.approval_policy)?;
        Ok(Self {
            codex_bin: cli.codex_bin,
            config_overrides: cli.config_overrides,
            resume_thread_id: cli.thread_id,
            thread: ThreadOverrides {
                model: cli.model,
                model_provider: cli.model_provider,
                cwd: cli.cwd,
                approval_policy,
            },
            approvals: if cli.auto_approve {
                InteractiveApprovals::Accept
            } else {
                InteractiveApprovals::Decline
            },
            output: OutputOptions {
                view: if cli.final_only {
                    StdoutView::FinalOnly
                } else {
                    StdoutView::RawLines
                },
                raw_file: cli.output_file,
            },
            attestation_token: cli.attestation_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use pretty_assertions::assert_eq;

    use super::*;

    fn options(args: &[&str]) -> Result<Options, DebugClientError> {
        let argv = std::iter::once("codex-debug-client").chain(args.iter().copied());
        Options::try_from(Cli::try_parse_from(argv).expect("clap accepts the arguments"))
    }

    #[test]
    fn defaults() {
        assert_eq!(
            options(&[]).expect("defaults are valid"),
            Options {
                codex_bin: PathBuf::from("codex"),
                config_overrides: Vec::new(),
                resume_thread_id: None,
                thread: ThreadOverrides {
                    model: None,
                    model_provider: None,
                    cwd: None,
                    approval_policy: ApprovalPolicy::OnRequest,
                },
                approvals: InteractiveApprovals::Decline,
                output: OutputOptions {
                    view: StdoutView::RawLines,
                    raw_file: None,
                },
                attestation_token: None,
            }
        );
    }

    #[test]
    fn every_flag() {
        let parsed = options(&[
            "--codex-bin",
            "/opt/codex",
            "-c",
            "a=1",
            "--config",
            "b.c=\"x\"",
            "--thread-id",
            "t-1",
            "--approval-policy",
            "never",
            "--auto-approve",
            "--final-only",
            "--output-file",
            "/tmp/out.jsonl",
            "--model",
            "gpt-test",
            "--model-provider",
            "mock",
            "--cwd",
            "/work",
            "--attestation-token",
            "v1.token",
        ])
        .expect("all flags are valid");
        assert_eq!(
            parsed,
            Options {
                codex_bin: PathBuf::from("/opt/codex"),
                config_overrides: vec!["a=1".to_string(), "b.c=\"x\"".to_string()],
                resume_thread_id: Some("t-1".to_string()),
                thread: ThreadOverrides {
                    model: Some("gpt-test".to_string()),
                    model_provider: Some("mock".to_string()),
                    cwd: Some("/work".to_string()),
                    approval_policy: ApprovalPolicy::Never,
                },
                approvals: InteractiveApprovals::Accept,
                output: OutputOptions {
                    view: StdoutView::FinalOnly,
                    raw_file: Some(PathBuf::from("/tmp/out.jsonl")),
                },
                attestation_token: Some("v1.token".to_string()),
            }
        );
    }

    #[test]
    fn approval_policy_names_and_aliases() {
        let cases = [
            ("untrusted", ApprovalPolicy::Untrusted),
            ("unless-trusted", ApprovalPolicy::Untrusted),
            ("unlessTrusted", ApprovalPolicy::Untrusted),
            ("on-failure", ApprovalPolicy::OnFailure),
            ("onFailure", ApprovalPolicy::OnFailure),
            ("on-request", ApprovalPolicy::OnRequest),
            ("onRequest", ApprovalPolicy::OnRequest),
            ("never", ApprovalPolicy::Never),
        ];
        for (name, expected) in cases {
            assert_eq!(ApprovalPolicy::parse(name).ok(), Some(expected), "{name}");
        }
        let wire: Vec<&str> = [
            ApprovalPolicy::Untrusted,
            ApprovalPolicy::OnFailure,
            ApprovalPolicy::OnRequest,
            ApprovalPolicy::Never,
        ]
        .into_iter()
        .map(ApprovalPolicy::wire_value)
        .collect();
        assert_eq!(wire, ["untrusted", "on-failure", "on-request", "never"]);
    }

    #[test]
    fn unknown_approval_policy_is_an_error() {
        let err = options(&["--approval-policy", "sometimes"]).expect_err("rejected");
        assert_eq!(
            err.to_string(),
            "unknown approval policy: sometimes. Expected one of: untrusted, on-failure, on-request, never"
        );
    }
}
