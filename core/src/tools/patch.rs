//! `apply_patch`: parse and verify the patch, check it against the sandbox policy, apply it, and
//! report it as a file change. Patches go through the §7.7 approval decision; codex applies them
//! itself, so the writable-roots check here is what keeps them in bounds. Also serves patches intercepted from `apply_patch <<'EOF'`
//! heredocs in `exec_command`.

use std::path::Path;
use std::time::Instant;

use crate::apply_patch;
use crate::apply_patch::PreparedChange;
use crate::apply_patch::PreparedKind;
use crate::approval::PATCH_REJECTED_BY_USER;
use crate::approval::PatchAssessment;
use crate::approval::PatchWritability;
use crate::approval::ReviewDecision;
use crate::approval::assess_patch;
use crate::protocol::EventMsg;
use crate::protocol::FileChange;
use crate::protocol::FileChangeKind;
use crate::session::Session;
use crate::session::TurnContext;

/// Applies `input` (the patch text) in `cwd` and returns the tool output text.
pub(super) async fn apply_patch(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    input: &str,
    cwd: &Path,
) -> String {
    let started = Instant::now();
    let patch = match apply_patch::parse_patch(input) {
        Ok(patch) => patch,
        Err(err) => return format!("apply_patch verification failed: {err}"),
    };
    let changes = match apply_patch::verify(&patch, cwd) {
        Ok(changes) => changes,
        Err(err) => return format!("apply_patch verification failed: {err}"),
    };
    let file_changes: Vec<FileChange> = changes
        .iter()
        .map(|change| file_change(change, cwd))
        .collect();
    if let Err(refusal) = approve_patch(sess, turn, call_id, &changes, &file_changes).await {
        return refusal;
    }
    sess.emit(
        &turn.sub_id,
        EventMsg::PatchApplyBegin {
            call_id: call_id.to_string(),
            changes: file_changes.clone(),
        },
    );
    let result = apply_patch::apply(&changes);
    sess.emit(
        &turn.sub_id,
        EventMsg::PatchApplyEnd {
            call_id: call_id.to_string(),
            success: result.is_ok(),
            changes: file_changes,
        },
    );
    let wall_time = format_tenths(started.elapsed().as_secs_f64());
    match result {
        Ok(()) => format!(
            "Exit code: 0\nWall time: {wall_time} seconds\nOutput:\n{}",
            apply_patch::summary(&patch)
        ),
        Err(err) => format!("Exit code: 1\nWall time: {wall_time} seconds\nOutput:\n{err}\n"),
    }
}

/// Seconds rounded to 0.1, with `0` printed bare (`0`, `0.1`, `2`).
fn format_tenths(seconds: f64) -> String {
    let rounded = (seconds * 10.0).round() / 10.0;
    format!("{rounded}")
}

/// The §7.7 decision for this patch; `Err` is the output when it must not be applied.
async fn approve_patch(
    sess: &Session,
    turn: &TurnContext,
    call_id: &str,
    changes: &[PreparedChange],
    file_changes: &[FileChange],
) -> Result<(), String> {
    let config = &turn.config;
    let tmpdir = config.env.non_blank("TMPDIR").map(Path::new);
    let files = apply_patch::affected_paths(changes);
    let writability = if files.iter().all(|path| {
        config
            .sandbox_policy
            .allows_write(path, &config.cwd, tmpdir, &config.codex_home)
    }) {
        PatchWritability::AllWritable
    } else {
        PatchWritability::SomeNotWritable
    };
    let assessment = assess_patch(
        config.approval_policy,
        &config.sandbox_policy,
        writability,
        &files,
        &sess.approvals(),
    );
    let reason = match assessment {
        PatchAssessment::Apply => return Ok(()),
        PatchAssessment::Reject { output } => return Err(output),
        PatchAssessment::Ask { reason } => reason,
    };
    let request = EventMsg::ApplyPatchApprovalRequest {
        call_id: call_id.to_string(),
        changes: file_changes.to_vec(),
        reason,
    };
    match sess.request_approval(&turn.sub_id, call_id, request).await {
        // A prefix rule is about commands; for a patch it is a one-off approval.
        ReviewDecision::Approved | ReviewDecision::ApprovedExecpolicyAmendment { .. } => Ok(()),
        ReviewDecision::ApprovedForSession => {
            sess.approvals().approve_patch_files(&files);
            Ok(())
        }
        ReviewDecision::Denied => Err(PATCH_REJECTED_BY_USER.to_string()),
        ReviewDecision::Abort => {
            turn.cancel.cancel();
            Err(PATCH_REJECTED_BY_USER.to_string())
        }
    }
}

fn file_change(change: &PreparedChange, cwd: &Path) -> FileChange {
    let kind = match &change.kind {
        PreparedKind::Add { .. } => FileChangeKind::Add,
        PreparedKind::Delete { .. } => FileChangeKind::Delete,
        PreparedKind::Update { .. } => FileChangeKind::Update,
    };
    FileChange {
        path: change
            .move_path
            .clone()
            .unwrap_or_else(|| change.path.clone()),
        kind,
        unified_diff: apply_patch::git_diff(change, cwd),
    }
}

#[cfg(test)]
mod tests {
    use super::format_tenths;

    #[test]
    fn wall_time_is_rounded_to_tenths() {
        assert_eq!(format_tenths(0.0004), "0");
        assert_eq!(format_tenths(0.12), "0.1");
        assert_eq!(format_tenths(1.96), "2");
    }
}
