use pretty_assertions::assert_eq;

use super::check_table;
use super::to_argv;
use crate::approval::SessionApprovals;
use crate::approval::proposed_prefix_rule;

fn bash(script: &str) -> Vec<String> {
    to_argv(&["/bin/bash", "-lc", script])
}

#[test]
fn the_model_s_rule_is_offered_else_the_first_command_that_needs_asking() {
    let cases: Vec<(Vec<String>, Option<Vec<String>>)> = vec![
        (bash("cargo test -p core"), None),
        (bash("touch /etc/demo && echo ok"), None),
        (bash("ls && rm -rf build; pwd"), None),
        (bash("touch a > b"), None),
        (bash("cat f"), None),
        (bash("touch x"), Some(to_argv(&[]))),
        (
            bash("cargo test -p core"),
            Some(to_argv(&["cargo", "test"])),
        ),
    ];
    let actual: Vec<Option<Vec<String>>> = cases
        .iter()
        .map(|(argv, requested)| proposed_prefix_rule(argv, requested.as_deref()))
        .collect();
    assert_eq!(
        actual,
        vec![
            Some(to_argv(&["cargo", "test", "-p", "core"])),
            Some(to_argv(&["touch", "/etc/demo"])),
            Some(to_argv(&["rm", "-rf", "build"])),
            // Not plain: no rule could cover it, so none is offered.
            None,
            // Nothing needs asking about.
            None,
            // An empty rule from the model is no rule.
            Some(to_argv(&["touch", "x"])),
            Some(to_argv(&["cargo", "test"])),
        ]
    );
}

fn approved_after_cargo_test_and_git_status(argv: &[String]) -> bool {
    let mut approvals = SessionApprovals::default();
    approvals.approve_prefix(&to_argv(&["cargo", "test"]));
    approvals.approve_prefix(&to_argv(&["git", "status"]));
    approvals.approve_prefix(&[]);
    approvals.is_command_approved(argv)
}

#[test]
fn approved_prefixes_cover_commands_and_plain_scripts_of_them() {
    check_table(
        approved_after_cargo_test_and_git_status,
        &[
            (&["cargo", "test"], true),
            (&["cargo", "test", "-p", "core"], true),
            (&["cargo", "build"], false),
            (&["cargo"], false),
            (&["/bin/bash", "-lc", "cargo test -p core"], true),
            (&["bash", "-c", "cargo test && git status --short"], true),
            (&["/bin/bash", "-lc", "cargo test && rm -rf /"], false),
            // Not plain: the redirect could write anywhere.
            (&["/bin/bash", "-lc", "cargo test > /etc/passwd"], false),
            (&["/bin/bash", "-lc", "cargo test; $(rm -rf /)"], false),
            (&["rm", "-rf", "/"], false),
        ],
    );
}
