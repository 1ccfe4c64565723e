use super::check_table;
use crate::approval::command_might_be_dangerous;

#[test]
fn git_reset_rm_and_force() {
    check_table(
        command_might_be_dangerous,
        &[
            (&["git", "reset", "--hard"], true),
            (&["git", "rm", "f"], true),
            (&["git", "--force"], true),
            (&["/usr/bin/git", "reset"], true),
            (&["git", "-C", "sub", "reset", "--hard"], true),
            (&["git", "status"], false),
            (&["git", "log"], false),
            (&["git"], false),
            (&["git", "add", "rm"], false),
        ],
    );
}

#[test]
fn forced_rm() {
    check_table(
        command_might_be_dangerous,
        &[
            (&["rm", "-f", "x"], true),
            (&["rm", "-rf", "x"], true),
            (&["rm", "-Rf", "x"], true),
            (&["rm", "-fr", "x"], true),
            (&["rm", "-fR", "x"], true),
            (&["rm", "--force", "x"], true),
            (&["/bin/rm", "-rf", "x"], true),
            (&["rm", "x"], false),
            (&["rm", "-r", "x"], false),
            (&["rm"], false),
        ],
    );
}

#[test]
fn sudo_is_judged_on_the_rest() {
    check_table(
        command_might_be_dangerous,
        &[
            (&["sudo", "rm", "-rf", "/"], true),
            (&["sudo", "git", "reset", "--hard"], true),
            (&["sudo", "sudo", "rm", "-f", "x"], true),
            (&["sudo", "ls"], false),
            (&["sudo"], false),
        ],
    );
}

#[test]
fn plain_scripts_are_dangerous_if_any_command_is() {
    check_table(
        command_might_be_dangerous,
        &[
            (&["bash", "-lc", "git reset --hard"], true),
            (&["bash", "-lc", "ls && rm -rf build"], true),
            (&["zsh", "-lc", "echo x; rm -f y"], true),
            (&["sh", "-c", "ls | sudo rm -rf x"], true),
            (&["bash", "-lc", "ls && cat f"], false),
            (&["bash", "-lc", "cargo build"], false),
            (&["bash", "-lc", "echo 'rm -rf x'"], false),
        ],
    );
}

#[test]
fn everything_else_is_not_dangerous() {
    check_table(
        command_might_be_dangerous,
        &[
            (&[], false),
            (&["cargo", "check"], false),
            (&["ls", "-la"], false),
            (&["touch", "x"], false),
        ],
    );
}
