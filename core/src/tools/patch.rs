//! `apply_patch`: parse and verify the patch, check it against the sandbox policy, apply it, and
//! report it as a file change. Also serves patches intercepted from `apply_patch <<'EOF'`
//! heredocs in `exec_command`.

use std::path::Path;
use std::time::Instant;

use crate::apply_patch;
use crate::apply_patch::PreparedChange;
use crate::apply_patch::PreparedKind;
use crate::protocol::EventMsg;
use crate::protocol::FileChange;
use crate::protocol::FileChangeKind;
use crate::sandbox::SandboxPolicy;
use crate::session::Session;
use crate::session::TurnContext;

const READ_ONLY_REJECTION: &str =
    "patch rejected: writing is blocked by read-only sandbox; rejected by user approval settings";
const OUTSIDE_ROOTS_REJECTION: &str =
    "patch rejected: writing outside of the project; rejected by user approval settings";

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
    if let Some(rejection) = sandbox_rejection(sess, &changes) {
        return rejection.to_string();
    }
    let file_changes: Vec<FileChange> = changes
        .iter()
        .map(|change| file_change(change, cwd))
        .collect();
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

fn sandbox_rejection(sess: &Session, changes: &[PreparedChange]) -> Option<&'static str> {
    let policy = &sess.config.sandbox_policy;
    match policy {
        SandboxPolicy::DangerFullAccess => None,
        SandboxPolicy::ReadOnly => Some(READ_ONLY_REJECTION),
        SandboxPolicy::WorkspaceWrite { .. } => {
            let tmpdir = sess.config.env.non_blank("TMPDIR").map(Path::new);
            let all_allowed = apply_patch::affected_paths(changes).iter().all(|path| {
                policy.allows_write(path, &sess.config.cwd, tmpdir, &sess.config.codex_home)
            });
            (!all_allowed).then_some(OUTSIDE_ROOTS_REJECTION)
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
