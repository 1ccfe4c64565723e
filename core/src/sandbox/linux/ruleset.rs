//! The landlock ruleset of §4.2: every filesystem right of ABI V5 is handled (best effort: the
//! rights an older kernel lacks are dropped), `/` is readable and executable, `/dev/null` is
//! writable, and each writable root gets every right.

use std::path::Path;
use std::path::PathBuf;

use landlock::ABI;
use landlock::Access;
use landlock::AccessFs;
use landlock::PathBeneath;
use landlock::PathFd;
use landlock::Ruleset;
use landlock::RulesetAttr;
use landlock::RulesetCreatedAttr;
use landlock::RulesetStatus;

use super::SandboxUnavailable;

const REQUESTED_ABI: ABI = ABI::V5;

/// Restricts the calling (single) thread and everything it later executes.
pub(super) fn apply_landlock(writable_roots: &[PathBuf]) -> Result<(), SandboxUnavailable> {
    let all = AccessFs::from_all(REQUESTED_ABI);
    let file_rights = AccessFs::from_file(REQUESTED_ABI);
    let mut ruleset = Ruleset::default()
        .handle_access(all)
        .map_err(ruleset_error)?
        .create()
        .map_err(ruleset_error)?
        .add_rule(PathBeneath::new(
            path_fd(Path::new("/"))?,
            AccessFs::from_read(REQUESTED_ABI),
        ))
        .map_err(ruleset_error)?
        .add_rule(PathBeneath::new(
            path_fd(Path::new("/dev/null"))?,
            file_rights,
        ))
        .map_err(ruleset_error)?;
    for root in writable_roots {
        // Directory-only rights on a file are an error: a root that is a file gets file rights.
        let access = if root.is_dir() { all } else { file_rights };
        ruleset = ruleset
            .add_rule(PathBeneath::new(path_fd(root)?, access))
            .map_err(ruleset_error)?;
    }
    let status = ruleset.restrict_self().map_err(ruleset_error)?;
    match status.ruleset {
        RulesetStatus::FullyEnforced => Ok(()),
        RulesetStatus::PartiallyEnforced => {
            tracing::debug!(
                "landlock partially enforced: the kernel lacks some rights of ABI V5 ({:?})",
                status.landlock
            );
            Ok(())
        }
        RulesetStatus::NotEnforced => Err(SandboxUnavailable::LandlockNotEnforced),
    }
}

fn path_fd(path: &Path) -> Result<PathFd, SandboxUnavailable> {
    PathFd::new(path).map_err(|err| SandboxUnavailable::LandlockRuleset {
        reason: format!("{}: {err}", path.display()),
    })
}

fn ruleset_error(err: impl std::fmt::Display) -> SandboxUnavailable {
    SandboxUnavailable::LandlockRuleset {
        reason: err.to_string(),
    }
}
