//! Writable roots (§3 order and conditions), the memories directory, the protected subpaths and
//! the policy predicates, on real temporary directories.

use std::path::Path;
use std::path::PathBuf;

use pretty_assertions::assert_eq;

use super::*;

struct Layout {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Layout {
    /// `ws/` (the cwd), `out/`, `extra/`, `home/` (CODEX_HOME), `tmp/` ($TMPDIR), canonical.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for sub in ["ws", "out", "extra", "home", "tmp"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        Layout { _dir: dir, root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}

fn workspace_write(writable_roots: Vec<PathBuf>) -> SandboxPolicy {
    SandboxPolicy::WorkspaceWrite {
        writable_roots,
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    }
}

#[test]
fn effective_roots_follow_the_spec_order_and_create_memories_privately() {
    use std::os::unix::fs::PermissionsExt;
    let t = Layout::new();
    let policy = workspace_write(vec![t.path("extra"), t.path("missing")]);
    let roots = effective_writable_roots(
        &policy,
        &t.path("ws"),
        Some(&t.path("tmp")),
        &t.path("home"),
    );
    assert_eq!(
        roots,
        vec![
            t.path("extra"),
            t.path("ws"),
            PathBuf::from("/tmp"),
            t.path("tmp"),
            t.path("home/memories"),
        ]
    );
    let mode = std::fs::metadata(t.path("home/memories"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[test]
fn excluded_relative_or_blank_tmp_dirs_are_not_roots() {
    let t = Layout::new();
    let excluded = SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: false,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: true,
    };
    assert_eq!(
        effective_writable_roots(
            &excluded,
            &t.path("ws"),
            Some(&t.path("tmp")),
            &t.path("home")
        ),
        vec![t.path("ws"), t.path("home/memories")]
    );
    let policy = workspace_write(Vec::new());
    for tmpdir in [Path::new("relative/tmp"), Path::new("")] {
        assert_eq!(
            policy.writable_roots(&t.path("ws"), Some(tmpdir)),
            Some(vec![t.path("ws"), PathBuf::from("/tmp")])
        );
    }
}

#[test]
fn duplicate_roots_appear_once() {
    let t = Layout::new();
    let policy = workspace_write(vec![t.path("ws"), PathBuf::from("/tmp")]);
    assert_eq!(
        policy.writable_roots(&t.path("ws"), Some(Path::new("/tmp"))),
        Some(vec![t.path("ws"), PathBuf::from("/tmp")])
    );
}

#[test]
fn read_only_and_full_access_have_no_roots() {
    let t = Layout::new();
    for policy in [SandboxPolicy::ReadOnly, SandboxPolicy::DangerFullAccess] {
        assert_eq!(
            effective_writable_roots(&policy, &t.path("ws"), None, &t.path("home")),
            Vec::<PathBuf>::new()
        );
    }
    assert!(!t.path("home/memories").exists());
    assert_eq!(
        SandboxPolicy::ReadOnly.writable_roots(&t.path("ws"), None),
        Some(Vec::new())
    );
    assert_eq!(
        SandboxPolicy::DangerFullAccess.writable_roots(&t.path("ws"), None),
        None
    );
}

#[test]
fn protected_subpaths_of_a_root_are_not_writable() {
    let t = Layout::new();
    let roots = vec![t.path("ws")];
    let cases = [
        ("ws/src/main.rs", true),
        ("ws/new-dir/deeper/file", true),
        ("ws/sub/../file", true),
        ("ws/.gitignore", true),
        ("ws/.git/config", false),
        ("ws/.git", false),
        ("ws/.codex/config.toml", false),
        ("ws/.agents/skills/x.md", false),
        ("ws/../out/x", false),
        ("out/x", false),
        ("wsx/file", false),
    ];
    let actual: Vec<(&str, bool)> = cases
        .iter()
        .map(|(path, _)| (*path, is_path_writable(&t.path(path), &roots)))
        .collect();
    assert_eq!(actual, cases.to_vec());
}

#[test]
fn symlinks_are_judged_by_their_target() {
    use std::os::unix::fs::symlink;
    let t = Layout::new();
    symlink(t.path("out"), t.path("ws/to-out")).unwrap();
    symlink(t.path("out/new-file"), t.path("ws/dangling")).unwrap();
    symlink(t.path("ws"), t.path("out/to-ws")).unwrap();
    let roots = vec![t.path("ws")];
    assert!(!is_path_writable(&t.path("ws/to-out/x"), &roots));
    assert!(!is_path_writable(&t.path("ws/dangling"), &roots));
    assert!(is_path_writable(&t.path("out/to-ws/x"), &roots));
    assert!(!is_path_writable(&t.path("out/to-ws/.git/x"), &roots));
}

#[test]
fn a_git_file_protects_its_gitdir_target() {
    let t = Layout::new();
    std::fs::create_dir(t.path("ws/gitstore")).unwrap();
    std::fs::write(t.path("ws/.git"), "gitdir: gitstore\n").unwrap();
    let roots = vec![t.path("ws")];
    assert!(!is_path_writable(&t.path("ws/gitstore/HEAD"), &roots));
    assert!(!is_path_writable(&t.path("ws/.git"), &roots));
    assert!(is_path_writable(&t.path("ws/other"), &roots));
}

#[test]
fn allows_write_uses_every_root_including_memories() {
    let t = Layout::new();
    // The temporary layout may itself live under /tmp, which must not count here.
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![t.path("extra")],
        network_access: false,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: true,
    };
    let tmpdir = t.path("tmp");
    let allows =
        |path: &Path| policy.allows_write(path, &t.path("ws"), Some(&tmpdir), &t.path("home"));
    std::fs::create_dir(t.path("home/memories")).unwrap();
    assert!(allows(&t.path("ws/a.txt")));
    assert!(allows(&t.path("extra/b.txt")));
    assert!(allows(&t.path("tmp/c")));
    assert!(allows(&t.path("home/memories/m.md")));
    assert!(!allows(&t.path("home/config.toml")));
    assert!(!allows(&t.path("out/x")));
    assert!(!allows(&t.path("ws/.git/HEAD")));

    let anywhere = t.path("out/x");
    assert!(!SandboxPolicy::ReadOnly.allows_write(
        &t.path("ws/a"),
        &t.path("ws"),
        None,
        &t.path("home")
    ));
    assert!(SandboxPolicy::DangerFullAccess.allows_write(
        &anywhere,
        &t.path("ws"),
        None,
        &t.path("home")
    ));
}

#[test]
fn resolved_policy_lists_every_root_for_the_helper() {
    let t = Layout::new();
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: vec![t.path("extra")],
        network_access: true,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: false,
    };
    assert_eq!(
        policy.with_resolved_roots(&t.path("ws"), Some(&t.path("tmp")), &t.path("home")),
        SandboxPolicy::WorkspaceWrite {
            writable_roots: vec![
                t.path("extra"),
                t.path("ws"),
                PathBuf::from("/tmp"),
                t.path("home/memories"),
            ],
            network_access: true,
            exclude_tmpdir_env_var: true,
            exclude_slash_tmp: false,
        }
    );
    assert_eq!(
        SandboxPolicy::ReadOnly.with_resolved_roots(&t.path("ws"), None, &t.path("home")),
        SandboxPolicy::ReadOnly
    );
}

#[test]
fn the_network_marker_is_set_only_without_network() {
    let marker = vec![(
        "CODEX_SANDBOX_NETWORK_DISABLED".to_string(),
        "1".to_string(),
    )];
    assert_eq!(sandbox_env(&SandboxPolicy::ReadOnly), marker);
    assert_eq!(sandbox_env(&workspace_write(Vec::new())), marker);
    let networked = SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: true,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: false,
    };
    assert_eq!(sandbox_env(&networked), Vec::new());
    assert_eq!(sandbox_env(&SandboxPolicy::DangerFullAccess), Vec::new());
}

#[test]
fn policy_json_matches_the_spec() {
    let json = serde_json::to_string(&workspace_write(Vec::new())).unwrap();
    assert_eq!(
        json,
        r#"{"type":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}"#
    );
    let parsed: SandboxPolicy = serde_json::from_str(r#"{"type":"workspace-write"}"#).unwrap();
    assert_eq!(parsed, workspace_write(Vec::new()));
    assert_eq!(
        serde_json::to_string(&SandboxPolicy::DangerFullAccess).unwrap(),
        r#"{"type":"danger-full-access"}"#
    );
}
