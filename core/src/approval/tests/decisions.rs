use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::to_argv;
use crate::approval::CommandAssessment;
use crate::approval::EscalationRequest;
use crate::approval::PatchAssessment;
use crate::approval::PatchWritability;
use crate::approval::PriorApproval;
use crate::approval::RETRY_REASON;
use crate::approval::RetryDecision;
use crate::approval::ReviewDecision;
use crate::approval::SandboxType;
use crate::approval::SessionApprovals;
use crate::approval::after_sandbox_failure;
use crate::approval::assess_command;
use crate::approval::assess_patch;
use crate::approval::on_failure_deprecation_warning;
use crate::config::AskForApproval;
use crate::sandbox::SandboxPolicy;

const POLICIES: [AskForApproval; 4] = [
    AskForApproval::Untrusted,
    AskForApproval::OnFailure,
    AskForApproval::OnRequest,
    AskForApproval::Never,
];

fn sandboxes() -> [SandboxPolicy; 3] {
    [
        SandboxPolicy::ReadOnly,
        SandboxPolicy::WorkspaceWrite {
            writable_roots: Vec::new(),
            network_access: false,
            exclude_tmpdir_env_var: false,
            exclude_slash_tmp: false,
        },
        SandboxPolicy::DangerFullAccess,
    ]
}

fn sandbox_label(sandbox: SandboxType) -> &'static str {
    match sandbox {
        SandboxType::None => "unsandboxed",
        SandboxType::LinuxSandbox => "sandboxed",
    }
}

/// One cell of the decision table, short enough to read the whole table at a glance.
fn describe(assessment: &CommandAssessment) -> String {
    match assessment {
        CommandAssessment::Reject { .. } => "reject".to_string(),
        CommandAssessment::Ask {
            reason,
            sandbox_if_approved,
        } => {
            let sandbox = sandbox_label(*sandbox_if_approved);
            match reason {
                Some(reason) => format!("ask({reason}) then {sandbox}"),
                None => format!("ask then {sandbox}"),
            }
        }
        CommandAssessment::Run { sandbox } => format!("run {}", sandbox_label(*sandbox)),
    }
}

/// Spec §7.1 steps 1, 2 and 4 for every policy × sandbox mode: a known-safe command, an
/// ordinary one, a dangerous one, an escalation request, and a session-approved command.
#[test]
fn command_decision_table() {
    let ordinary = to_argv(&["touch", "x"]);
    let mut approvals = SessionApprovals::default();
    approvals.approve_command(&to_argv(&["cargo", "build"]));
    let escalation = EscalationRequest::Requested {
        justification: Some("needs network".to_string()),
    };
    let mut rows = Vec::new();
    for policy in POLICIES {
        for sandbox in sandboxes() {
            let assess = |argv: &[&str], escalation: &EscalationRequest| {
                describe(&assess_command(
                    policy,
                    &sandbox,
                    &to_argv(argv),
                    escalation,
                    &approvals,
                ))
            };
            let none = EscalationRequest::None;
            rows.push(format!(
                "{} {}: safe={} ordinary={} dangerous={} escalated={} session={}",
                policy.as_str(),
                sandbox.mode().as_str(),
                assess(&["ls"], &none),
                describe(&assess_command(
                    policy, &sandbox, &ordinary, &none, &approvals
                )),
                assess(&["rm", "-rf", "x"], &none),
                assess(&["touch", "x"], &escalation),
                assess(&["cargo", "build"], &none),
            ));
        }
    }
    let expected = [
        "untrusted read-only: safe=run sandboxed ordinary=ask then sandboxed dangerous=ask then sandboxed escalated=reject session=run sandboxed",
        "untrusted workspace-write: safe=run sandboxed ordinary=ask then sandboxed dangerous=ask then sandboxed escalated=reject session=run sandboxed",
        "untrusted danger-full-access: safe=run unsandboxed ordinary=ask then unsandboxed dangerous=ask then unsandboxed escalated=reject session=run unsandboxed",
        "on-failure read-only: safe=run sandboxed ordinary=run sandboxed dangerous=run sandboxed escalated=reject session=run sandboxed",
        "on-failure workspace-write: safe=run sandboxed ordinary=run sandboxed dangerous=run sandboxed escalated=reject session=run sandboxed",
        "on-failure danger-full-access: safe=run unsandboxed ordinary=run unsandboxed dangerous=run unsandboxed escalated=reject session=run unsandboxed",
        "on-request read-only: safe=run sandboxed ordinary=run sandboxed dangerous=ask then sandboxed escalated=ask(needs network) then unsandboxed session=run sandboxed",
        "on-request workspace-write: safe=run sandboxed ordinary=run sandboxed dangerous=ask then sandboxed escalated=ask(needs network) then unsandboxed session=run sandboxed",
        "on-request danger-full-access: safe=run unsandboxed ordinary=run unsandboxed dangerous=ask then unsandboxed escalated=run unsandboxed session=run unsandboxed",
        "never read-only: safe=run sandboxed ordinary=run sandboxed dangerous=run sandboxed escalated=reject session=run sandboxed",
        "never workspace-write: safe=run sandboxed ordinary=run sandboxed dangerous=run sandboxed escalated=reject session=run sandboxed",
        "never danger-full-access: safe=run unsandboxed ordinary=run unsandboxed dangerous=run unsandboxed escalated=reject session=run unsandboxed",
    ];
    assert_eq!(rows, expected);
}

#[test]
fn escalation_outside_on_request_is_rejected_with_the_original_text() {
    let escalation = EscalationRequest::Requested {
        justification: Some("why".to_string()),
    };
    let outputs: Vec<CommandAssessment> = [
        AskForApproval::Untrusted,
        AskForApproval::OnFailure,
        AskForApproval::Never,
    ]
    .into_iter()
    .map(|policy| {
        assess_command(
            policy,
            &SandboxPolicy::DangerFullAccess,
            &to_argv(&["ls"]),
            &escalation,
            &SessionApprovals::default(),
        )
    })
    .collect();
    let reject = |name: &str| CommandAssessment::Reject {
        output: format!(
            "approval policy is {name}; reject command — you should not ask for escalated permissions if the approval policy is {name}"
        ),
    };
    assert_eq!(
        outputs,
        vec![
            reject("UnlessTrusted"),
            reject("OnFailure"),
            reject("Never")
        ]
    );
}

#[test]
fn on_request_escalation_details() {
    let sandbox = SandboxPolicy::ReadOnly;
    let touch = to_argv(&["touch", "/outside"]);
    let no_reason = EscalationRequest::Requested {
        justification: None,
    };
    let mut approvals = SessionApprovals::default();
    let assess = |argv: &[String], approvals: &SessionApprovals| {
        assess_command(
            AskForApproval::OnRequest,
            &sandbox,
            argv,
            &no_reason,
            approvals,
        )
    };
    // No justification: the request carries no reason.
    assert_eq!(
        assess(&touch, &approvals),
        CommandAssessment::Ask {
            reason: None,
            sandbox_if_approved: SandboxType::None,
        }
    );
    // A known-safe command runs without asking, but nobody approved lifting the sandbox.
    assert_eq!(
        assess(&to_argv(&["ls"]), &approvals),
        CommandAssessment::Run {
            sandbox: SandboxType::LinuxSandbox,
        }
    );
    // Approved for the session: the same escalated argv runs again unsandboxed, unasked.
    approvals.approve_command(&touch);
    assert_eq!(
        assess(&touch, &approvals),
        CommandAssessment::Run {
            sandbox: SandboxType::None,
        }
    );
}

#[test]
fn session_approval_is_an_exact_argv_match() {
    let mut approvals = SessionApprovals::default();
    approvals.approve_command(&to_argv(&["ls", "-l"]));
    let checks: Vec<bool> = [
        &["ls", "-l"][..],
        &["ls"],
        &["ls", "-la"],
        &["ls", "-l", "x"],
    ]
    .iter()
    .map(|argv| approvals.is_command_approved(&to_argv(argv)))
    .collect();
    assert_eq!(checks, vec![true, false, false, false]);
}

#[test]
fn after_a_likely_sandbox_denial() {
    let rows: Vec<(AskForApproval, PriorApproval, RetryDecision)> = POLICIES
        .into_iter()
        .flat_map(|policy| {
            [PriorApproval::Approved, PriorApproval::NotApproved]
                .map(|prior| (policy, prior, after_sandbox_failure(policy, prior)))
        })
        .collect();
    let ask = RetryDecision::Ask {
        reason: "command failed; retry without sandbox?".to_string(),
    };
    let expected = vec![
        (
            AskForApproval::Untrusted,
            PriorApproval::Approved,
            RetryDecision::RetryUnsandboxed,
        ),
        (
            AskForApproval::Untrusted,
            PriorApproval::NotApproved,
            ask.clone(),
        ),
        (
            AskForApproval::OnFailure,
            PriorApproval::Approved,
            RetryDecision::RetryUnsandboxed,
        ),
        (AskForApproval::OnFailure, PriorApproval::NotApproved, ask),
        (
            AskForApproval::OnRequest,
            PriorApproval::Approved,
            RetryDecision::ReturnOutput,
        ),
        (
            AskForApproval::OnRequest,
            PriorApproval::NotApproved,
            RetryDecision::ReturnOutput,
        ),
        (
            AskForApproval::Never,
            PriorApproval::Approved,
            RetryDecision::ReturnOutput,
        ),
        (
            AskForApproval::Never,
            PriorApproval::NotApproved,
            RetryDecision::ReturnOutput,
        ),
    ];
    assert_eq!(rows, expected);
}

/// Spec §7.7 for every policy × sandbox mode × writability.
#[test]
fn patch_decision_table() {
    let files = [PathBuf::from("/home/user/project/a.rs")];
    let approvals = SessionApprovals::default();
    let mut rows = Vec::new();
    for policy in POLICIES {
        for sandbox in sandboxes() {
            let cells: Vec<String> = [
                PatchWritability::AllWritable,
                PatchWritability::SomeNotWritable,
            ]
            .into_iter()
            .map(|writability| {
                match assess_patch(policy, &sandbox, writability, &files, &approvals) {
                    PatchAssessment::Apply => "apply".to_string(),
                    PatchAssessment::Ask { reason: None } => "ask".to_string(),
                    PatchAssessment::Ask {
                        reason: Some(reason),
                    } => format!("ask({reason})"),
                    PatchAssessment::Reject { output } => format!("reject({output})"),
                }
            })
            .collect();
            rows.push(format!(
                "{} {}: {}",
                policy.as_str(),
                sandbox.mode().as_str(),
                cells.join(" | ")
            ));
        }
    }
    let outside = "reject(patch rejected: writing outside of the project; rejected by user approval settings)";
    let read_only = "reject(patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings)";
    let expected = vec![
        "untrusted read-only: ask | ask".to_string(),
        "untrusted workspace-write: ask | ask".to_string(),
        "untrusted danger-full-access: ask | ask".to_string(),
        "on-failure read-only: ask(command failed; retry without sandbox?) | ask(command failed; retry without sandbox?)".to_string(),
        "on-failure workspace-write: apply | ask(command failed; retry without sandbox?)".to_string(),
        "on-failure danger-full-access: apply | apply".to_string(),
        "on-request read-only: ask | ask".to_string(),
        "on-request workspace-write: apply | ask".to_string(),
        "on-request danger-full-access: apply | apply".to_string(),
        format!("never read-only: {read_only} | {read_only}"),
        format!("never workspace-write: apply | {outside}"),
        "never danger-full-access: apply | apply".to_string(),
    ];
    assert_eq!(rows, expected);
}

#[test]
fn patch_files_approved_for_the_session_apply_without_asking() {
    let a = PathBuf::from("/p/a.rs");
    let b = PathBuf::from("/p/b.rs");
    let mut approvals = SessionApprovals::default();
    approvals.approve_patch_files(std::slice::from_ref(&a));
    let assess = |files: &[PathBuf], approvals: &SessionApprovals| {
        assess_patch(
            AskForApproval::Untrusted,
            &SandboxPolicy::ReadOnly,
            PatchWritability::SomeNotWritable,
            files,
            approvals,
        )
    };
    assert_eq!(
        [
            assess(std::slice::from_ref(&a), &approvals),
            assess(&[a.clone(), b.clone()], &approvals),
            assess(&[], &approvals),
        ],
        [
            PatchAssessment::Apply,
            PatchAssessment::Ask { reason: None },
            PatchAssessment::Ask { reason: None },
        ]
    );
    approvals.approve_patch_files(std::slice::from_ref(&b));
    assert_eq!(assess(&[a, b], &approvals), PatchAssessment::Apply);
}

#[test]
fn review_decisions_use_snake_case_on_the_wire() {
    let decisions = [
        ReviewDecision::Approved,
        ReviewDecision::ApprovedForSession,
        ReviewDecision::Denied,
        ReviewDecision::Abort,
        ReviewDecision::ApprovedExecpolicyAmendment {
            prefix: vec!["cargo".to_string(), "test".to_string()],
        },
    ];
    assert_eq!(
        serde_json::to_string(&decisions).unwrap(),
        r#"["approved","approved_for_session","denied","abort",{"approved_execpolicy_amendment":{"prefix":["cargo","test"]}}]"#
    );
}

#[test]
fn fixed_texts() {
    assert_eq!(
        [
            on_failure_deprecation_warning(),
            RETRY_REASON,
            crate::approval::EXEC_REJECTED_BY_USER,
            crate::approval::PATCH_REJECTED_BY_USER,
            crate::approval::EMPTY_PATCH,
            crate::approval::SANDBOX_UNAVAILABLE_REASON,
        ],
        [
            r#"warning: approval_policy "on-failure" is deprecated; use "on-request" or "never""#,
            "command failed; retry without sandbox?",
            "exec command rejected by user",
            "patch rejected by user",
            "patch rejected: empty patch",
            "sandbox unavailable; run without sandbox?",
        ]
    );
}
