//! The user's own `!cmd` (`Op::RunUserShellCommand`): run with their login shell in the session
//! cwd, unsandboxed and without approvals because the user typed it, streamed like a tool call
//! but marked `ExecCommandSource::UserShell`. The model learns of it afterwards from one user
//! message in the history.

use std::time::Duration;

use super::Session;
use super::turn::TurnContext;
use super::turn::TurnError;
use crate::exec::ExecError;
use crate::exec::ExecRequest;
use crate::exec::run_to_exit;
use crate::ids;
use crate::protocol::EventMsg;
use crate::protocol::ExecCommandSource;
use crate::protocol::models::ContentItem;
use crate::protocol::models::ResponseItem;
use crate::tools::shell::DEFAULT_MAX_OUTPUT_TOKENS;
use crate::tools::shell::user_shell;
use crate::tools::shell::with_output_deltas;

/// How the history message about a user shell command starts; such messages are context the
/// session wrote, not prompts.
pub(crate) const USER_SHELL_COMMAND_OPEN: &str = "<user_shell_command>";

pub(super) async fn run_user_shell_command(
    sess: &Session,
    turn: &TurnContext,
    command: &str,
) -> Result<Option<String>, TurnError> {
    let call_id = ids::new_v7();
    let argv = vec![
        user_shell(&turn.config),
        "-lc".to_string(),
        command.to_string(),
    ];
    let request = ExecRequest {
        argv: argv.clone(),
        cwd: turn.config.cwd.clone(),
        env: sess
            .config
            .shell_environment_policy
            .build_env(&turn.config.env.vars),
        tty: false,
        arg0: None,
    };
    sess.emit(
        &turn.sub_id,
        EventMsg::ExecCommandBegin {
            call_id: call_id.clone(),
            command: argv,
            cwd: request.cwd.clone(),
            source: ExecCommandSource::UserShell,
        },
    );
    let result = with_output_deltas(sess, &turn.sub_id, &call_id, |sink| {
        run_to_exit(&request, sink, &turn.cancel)
    })
    .await;
    let (exit_code, aggregated_output, history_output, duration) = match result {
        Ok(output) => {
            let exit_code = output.exit_code.unwrap_or(-1);
            (
                exit_code,
                String::from_utf8_lossy(&output.output).into_owned(),
                output.output_text(DEFAULT_MAX_OUTPUT_TOKENS),
                output.wall_time,
            )
        }
        Err(ExecError::Cancelled) => return Err(TurnError::Interrupted),
        Err(err) => {
            let message = err.to_string();
            (-1, message.clone(), message, Duration::ZERO)
        }
    };
    sess.emit(
        &turn.sub_id,
        EventMsg::ExecCommandEnd {
            call_id,
            exit_code,
            aggregated_output,
            duration,
            source: ExecCommandSource::UserShell,
        },
    );
    let text = history_text(command, exit_code, duration, &history_output);
    sess.record_items(&[ResponseItem::message(
        "user",
        vec![ContentItem::InputText { text }],
    )]);
    Ok(None)
}

/// The message that tells the model what the user ran and what came out.
fn history_text(command: &str, exit_code: i32, duration: Duration, output: &str) -> String {
    let seconds = duration.as_secs_f64();
    format!(
        "{USER_SHELL_COMMAND_OPEN}\n<command>{command}</command>\n<result>\nExit code: {exit_code}\nDuration: {seconds:.4} seconds\nOutput:\n{output}\n</result>\n</user_shell_command>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn history_text_wraps_command_and_result() {
        assert_eq!(
            history_text("ls -a", 2, Duration::from_millis(1_234), "a\nb\n"),
            "<user_shell_command>\n<command>ls -a</command>\n<result>\nExit code: 2\nDuration: 1.2340 seconds\nOutput:\na\nb\n\n</result>\n</user_shell_command>"
        );
    }
}
