//! The tool definitions offered to the model, in the order the wire spec fixes:
//! `exec_command, write_stdin, update_plan, apply_patch, view_image`. Descriptions are ours.

use serde_json::Value;
use serde_json::json;

use crate::apply_patch::APPLY_PATCH_LARK_GRAMMAR;
use crate::apply_patch::APPLY_PATCH_TOOL_DESCRIPTION;

pub(super) fn function(
    name: &str,
    description: &str,
    properties: Value,
    required: &[&str],
) -> Value {
    json!({
        "type": "function",
        "name": name,
        "description": description,
        "strict": false,
        "parameters": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        },
    })
}

pub fn tool_specs() -> Vec<Value> {
    vec![
        exec_command_spec(),
        write_stdin_spec(),
        update_plan_spec(),
        apply_patch_spec(),
        view_image_spec(),
    ]
}

fn exec_command_spec() -> Value {
    function(
        "exec_command",
        "Runs a shell command and returns its output. The command runs in the workspace under the \
         session's sandbox. If it is still running after `yield_time_ms`, it keeps running and the \
         result carries a session ID: use `write_stdin` with that ID to send input or to poll for \
         more output.",
        json!({
            "cmd": {"type": "string", "description": "The shell command to run."},
            "justification": {
                "type": "string",
                "description": "Why the command needs escalated permissions; shown to the user when approval is requested."
            },
            "login": {
                "type": "boolean",
                "description": "Run the shell as a login shell (-lc). Defaults to true."
            },
            "max_output_tokens": {
                "type": "number",
                "description": "Most tokens of output to return (about 4 bytes each). Defaults to 10000."
            },
            "prefix_rule": {
                "type": "array",
                "items": {"type": "string"},
                "description": "A command prefix to approve for the rest of the session when asking for approval."
            },
            "sandbox_permissions": {
                "type": "string",
                "enum": ["use_default", "require_escalated"],
                "description": "`require_escalated` asks the user to run this command outside the sandbox."
            },
            "shell": {"type": "string", "description": "Shell binary to use. Defaults to the user's shell."},
            "tty": {
                "type": "boolean",
                "description": "Run the command in a pseudo-terminal. Defaults to false (pipes)."
            },
            "workdir": {
                "type": "string",
                "description": "Working directory for the command. Defaults to the turn's working directory."
            },
            "yield_time_ms": {
                "type": "number",
                "description": "How long to wait for the command before returning (250 to 30000 ms, default 10000)."
            }
        }),
        &["cmd"],
    )
}

fn write_stdin_spec() -> Value {
    function(
        "write_stdin",
        "Writes characters to the stdin of a command still running from `exec_command` and returns \
         the output it produced since the last read. Send empty `chars` to just wait for more output.",
        json!({
            "session_id": {"type": "number", "description": "The session ID returned by exec_command."},
            "chars": {"type": "string", "description": "Characters to write; may be empty to poll."},
            "max_output_tokens": {
                "type": "number",
                "description": "Most tokens of output to return (about 4 bytes each)."
            },
            "yield_time_ms": {
                "type": "number",
                "description": "How long to wait for output before returning."
            }
        }),
        &["session_id"],
    )
}

fn update_plan_spec() -> Value {
    function(
        "update_plan",
        "Records the plan for the current task: a short list of steps, each pending, in_progress or \
         completed. Keep exactly one step in_progress while working; update the plan as steps finish.",
        json!({
            "explanation": {"type": "string", "description": "Optional note on what changed in the plan."},
            "plan": {
                "type": "array",
                "description": "The steps of the plan.",
                "items": {
                    "type": "object",
                    "properties": {
                        "step": {"type": "string"},
                        "status": {
                            "type": "string",
                            "enum": ["pending", "in_progress", "completed"]
                        }
                    },
                    "required": ["step", "status"],
                    "additionalProperties": false
                }
            }
        }),
        &["plan"],
    )
}

fn apply_patch_spec() -> Value {
    json!({
        "type": "custom",
        "name": "apply_patch",
        "description": APPLY_PATCH_TOOL_DESCRIPTION,
        "format": {
            "type": "grammar",
            "syntax": "lark",
            "definition": APPLY_PATCH_LARK_GRAMMAR,
        },
    })
}

fn view_image_spec() -> Value {
    function(
        "view_image",
        "Attaches a local image file (by path) to the conversation so you can look at it.",
        json!({
            "path": {"type": "string", "description": "Path of the image file, relative to the working directory or absolute."}
        }),
        &["path"],
    )
}
