//! The approval decision (spec §6–§7): for each command and patch the model wants, whether to
//! run it, ask the user first, or refuse, and whether the attempt runs in the sandbox. Pure
//! functions of the approval policy, the sandbox policy and what the session has already
//! approved; the session turns their answers into approval events and tool output.

mod dangerous;
mod denial;
mod known_safe;
mod plain_script;
mod prefix_rule;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;

pub use dangerous::command_might_be_dangerous;
pub use denial::CommandOutcome;
pub use denial::is_likely_sandbox_denial;
pub use known_safe::is_known_safe_command;
pub use prefix_rule::proposed_prefix_rule;

use crate::config::AskForApproval;
use crate::sandbox::SandboxPolicy;

/// Output when the user denies a command.
pub const EXEC_REJECTED_BY_USER: &str = "exec command rejected by user";
/// Output when the user denies a patch.
pub const PATCH_REJECTED_BY_USER: &str = "patch rejected by user";
/// Output for a patch with no hunks.
pub const EMPTY_PATCH: &str = "patch rejected: empty patch";
/// Reason shown when the platform sandbox cannot be applied.
pub const SANDBOX_UNAVAILABLE_REASON: &str = "sandbox unavailable; run without sandbox?";
/// Reason shown when asking to rerun a command (or patch) without the sandbox.
pub const RETRY_REASON: &str = "command failed; retry without sandbox?";

const PATCH_OUTSIDE_PROJECT: &str =
    "patch rejected: writing outside of the project; rejected by user approval settings";
const PATCH_READ_ONLY: &str =
    "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings";

/// Printed once when a session runs with `on-failure`.
pub fn on_failure_deprecation_warning() -> &'static str {
    r#"warning: approval_policy "on-failure" is deprecated; use "on-request" or "never""#
}

/// What the user (or client) decided about an approval request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approved,
    /// Approved, and the same argv (or patch files) is approved for the rest of the session.
    ApprovedForSession,
    /// Approved, and every later command starting with `prefix` is approved for the rest of
    /// the session (see `proposed_prefix_rule`). For a patch it is a plain approval.
    ApprovedExecpolicyAmendment {
        prefix: Vec<String>,
    },
    Denied,
    /// Denied, and the turn ends as if interrupted.
    Abort,
}

/// Whether the model asked to run a command outside the sandbox
/// (`sandbox_permissions: "require_escalated"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationRequest {
    None,
    Requested { justification: Option<String> },
}

/// How an attempt runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxType {
    /// Unsandboxed: danger-full-access, or the user approved running outside the sandbox.
    None,
    /// Under the Linux helper (landlock + seccomp) for the session's sandbox policy.
    LinuxSandbox,
}

/// What to do with a command before running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandAssessment {
    /// Do not run; `output` goes back to the model as the tool output.
    Reject { output: String },
    /// Ask the user (with `reason`, if any). Approved → run with `sandbox_if_approved`;
    /// approved for session → also `SessionApprovals::approve_command`; denied →
    /// `EXEC_REJECTED_BY_USER`; abort → the turn ends as interrupted.
    Ask {
        reason: Option<String>,
        sandbox_if_approved: SandboxType,
    },
    /// Run without asking.
    Run { sandbox: SandboxType },
}

/// Decides whether `argv` (the argv that will run) may run, must be asked about, or is refused
/// (spec §7.1 steps 1, 2 and 4).
pub fn assess_command(
    policy: AskForApproval,
    sandbox: &SandboxPolicy,
    argv: &[String],
    escalation: &EscalationRequest,
    approvals: &SessionApprovals,
) -> CommandAssessment {
    if let EscalationRequest::Requested { .. } = escalation
        && let Some(name) = escalation_refusing_policy_name(policy)
    {
        return CommandAssessment::Reject {
            output: format!(
                "approval policy is {name}; reject command — you should not ask for escalated permissions if the approval policy is {name}"
            ),
        };
    }
    if approvals.is_command_approved(argv) {
        // The user already agreed to this exact argv, escalated if the model asks again.
        return CommandAssessment::Run {
            sandbox: attempt_sandbox(sandbox, escalation),
        };
    }
    let (escalated, reason) = match escalation {
        EscalationRequest::None => (false, None),
        EscalationRequest::Requested { justification } => (true, justification.clone()),
    };
    let full_access = match sandbox {
        SandboxPolicy::DangerFullAccess => true,
        SandboxPolicy::ReadOnly | SandboxPolicy::WorkspaceWrite { .. } => false,
    };
    let ask = !is_known_safe_command(argv)
        && match policy {
            AskForApproval::Untrusted => true,
            AskForApproval::OnFailure | AskForApproval::Never => false,
            AskForApproval::OnRequest => {
                command_might_be_dangerous(argv) || (escalated && !full_access)
            }
        };
    if ask {
        return CommandAssessment::Ask {
            reason,
            sandbox_if_approved: attempt_sandbox(sandbox, escalation),
        };
    }
    // Nobody approved an escalation here: it only lifts the sandbox once the user agreed.
    CommandAssessment::Run {
        sandbox: attempt_sandbox(sandbox, &EscalationRequest::None),
    }
}

/// The original's names for the policies under which the model must not ask for escalation.
fn escalation_refusing_policy_name(policy: AskForApproval) -> Option<&'static str> {
    match policy {
        AskForApproval::Untrusted => Some("UnlessTrusted"),
        AskForApproval::OnFailure => Some("OnFailure"),
        AskForApproval::Never => Some("Never"),
        AskForApproval::OnRequest => None,
    }
}

/// The first attempt runs unsandboxed under danger-full-access or for an approved escalation.
fn attempt_sandbox(
    sandbox: &SandboxPolicy,
    approved_escalation: &EscalationRequest,
) -> SandboxType {
    match (sandbox, approved_escalation) {
        (SandboxPolicy::DangerFullAccess, _) | (_, EscalationRequest::Requested { .. }) => {
            SandboxType::None
        }
        (
            SandboxPolicy::ReadOnly | SandboxPolicy::WorkspaceWrite { .. },
            EscalationRequest::None,
        ) => SandboxType::LinuxSandbox,
    }
}

/// Whether the user already approved the command that failed in the sandbox: at the prompt
/// before this attempt, or for the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorApproval {
    Approved,
    NotApproved,
}

/// What to do after a sandboxed attempt failed with a likely sandbox denial
/// (`is_likely_sandbox_denial`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryDecision {
    /// Give the model the failed attempt's output.
    ReturnOutput,
    /// Rerun without the sandbox, without asking.
    RetryUnsandboxed,
    /// Ask with `reason`; approved → rerun unsandboxed, denied → `EXEC_REJECTED_BY_USER`.
    Ask { reason: String },
}

/// Spec §7.1 step 5.
pub fn after_sandbox_failure(policy: AskForApproval, prior: PriorApproval) -> RetryDecision {
    match (policy, prior) {
        (AskForApproval::Never | AskForApproval::OnRequest, _) => RetryDecision::ReturnOutput,
        (AskForApproval::OnFailure | AskForApproval::Untrusted, PriorApproval::Approved) => {
            RetryDecision::RetryUnsandboxed
        }
        (AskForApproval::OnFailure | AskForApproval::Untrusted, PriorApproval::NotApproved) => {
            RetryDecision::Ask {
                reason: RETRY_REASON.to_string(),
            }
        }
    }
}

/// Whether every path a patch touches is writable under the sandbox policy (spec §3 predicate,
/// computed by the caller after resolving `..` and symlinks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchWritability {
    AllWritable,
    SomeNotWritable,
}

/// What to do with a non-empty patch before writing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchAssessment {
    Apply,
    /// Ask (with `reason`, if any). Approved → apply; approved for session → also
    /// `SessionApprovals::approve_patch_files`; denied → `PATCH_REJECTED_BY_USER`.
    Ask {
        reason: Option<String>,
    },
    /// Do not apply; `output` goes back to the model.
    Reject {
        output: String,
    },
}

/// Decides a patch touching `files` (spec §7.7). Files all approved for the session apply
/// without asking.
pub fn assess_patch(
    policy: AskForApproval,
    sandbox: &SandboxPolicy,
    writability: PatchWritability,
    files: &[PathBuf],
    approvals: &SessionApprovals,
) -> PatchAssessment {
    if approvals.are_patch_files_approved(files) {
        return PatchAssessment::Apply;
    }
    let writability = match sandbox {
        SandboxPolicy::ReadOnly => PatchWritability::SomeNotWritable,
        SandboxPolicy::WorkspaceWrite { .. } => writability,
        SandboxPolicy::DangerFullAccess => PatchWritability::AllWritable,
    };
    match (policy, writability) {
        (AskForApproval::Untrusted, _) => PatchAssessment::Ask { reason: None },
        (
            AskForApproval::OnRequest | AskForApproval::OnFailure | AskForApproval::Never,
            PatchWritability::AllWritable,
        ) => PatchAssessment::Apply,
        (AskForApproval::OnRequest, PatchWritability::SomeNotWritable) => {
            PatchAssessment::Ask { reason: None }
        }
        // The sandbox would refuse the write; on-failure then offers to retry without it.
        (AskForApproval::OnFailure, PatchWritability::SomeNotWritable) => PatchAssessment::Ask {
            reason: Some(RETRY_REASON.to_string()),
        },
        (AskForApproval::Never, PatchWritability::SomeNotWritable) => {
            let output = match sandbox {
                SandboxPolicy::ReadOnly => PATCH_READ_ONLY,
                SandboxPolicy::WorkspaceWrite { .. } | SandboxPolicy::DangerFullAccess => {
                    PATCH_OUTSIDE_PROJECT
                }
            };
            PatchAssessment::Reject {
                output: output.to_string(),
            }
        }
    }
}

/// What the user approved "for the session": exact command argvs, command prefixes, and the
/// files of patches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionApprovals {
    commands: HashSet<Vec<String>>,
    prefixes: Vec<Vec<String>>,
    patch_files: HashSet<PathBuf>,
    /// `(server, tool)` pairs of MCP tools approved for the session.
    mcp_tools: HashSet<(String, String)>,
}

impl SessionApprovals {
    pub fn approve_command(&mut self, argv: &[String]) {
        self.commands.insert(argv.to_vec());
    }

    /// Approves every command that starts with `prefix`; an empty prefix approves nothing.
    pub fn approve_prefix(&mut self, prefix: &[String]) {
        if !prefix.is_empty() && !self.prefixes.iter().any(|known| known == prefix) {
            self.prefixes.push(prefix.to_vec());
        }
    }

    /// An exact argv approved for the session (`["ls", "-l"]` approves neither `["ls"]` nor
    /// `["ls", "-la"]`), or a command covered by an approved prefix.
    pub fn is_command_approved(&self, argv: &[String]) -> bool {
        self.commands.contains(argv) || prefix_rule::matches_any_prefix(argv, &self.prefixes)
    }

    pub fn approve_patch_files(&mut self, files: &[PathBuf]) {
        self.patch_files.extend(files.iter().cloned());
    }

    pub fn approve_mcp_tool(&mut self, server: &str, tool: &str) {
        self.mcp_tools
            .insert((server.to_string(), tool.to_string()));
    }

    pub fn is_mcp_tool_approved(&self, server: &str, tool: &str) -> bool {
        self.mcp_tools
            .contains(&(server.to_string(), tool.to_string()))
    }

    /// Whether `files` is non-empty and each one was in a patch approved for the session.
    pub fn are_patch_files_approved(&self, files: &[PathBuf]) -> bool {
        !files.is_empty() && files.iter().all(|file| self.patch_files.contains(file))
    }
}
