//! The items that open every context window: base instructions, the permissions message, the
//! AGENTS.md instructions and the environment context, plus the user's prompt message.

use std::path::Path;
use std::path::PathBuf;

use base64::Engine;

use crate::config::AskForApproval;
use crate::config::Config;
use crate::protocol::UserInput;
use crate::protocol::models::ContentItem;
use crate::protocol::models::ResponseItem;
use crate::sandbox::SandboxPolicy;

pub const BASE_INSTRUCTIONS: &str = include_str!("base_instructions.md");

/// The BASE developer message. Its id is derived from the thread so it is stable per thread.
pub fn base_instructions_item(thread_id: &str, text: &str) -> ResponseItem {
    ResponseItem::Message {
        status: None,
        id: Some(format!("msg_{thread_id}")),
        role: "developer".to_string(),
        content: vec![ContentItem::InputText {
            text: text.to_string(),
        }],
        phase: None,
    }
}

/// The developer context message and the environment-context user message of a context window.
pub fn context_items(config: &Config, agents_md: Option<&str>) -> Vec<ResponseItem> {
    let mut developer = vec![ContentItem::InputText {
        text: permissions_instructions(config),
    }];
    if let Some(extra) = &config.developer_instructions {
        developer.push(ContentItem::InputText {
            text: extra.clone(),
        });
    }
    let mut user = Vec::new();
    if let Some(agents_md) = agents_md {
        user.push(ContentItem::InputText {
            text: agents_md.to_string(),
        });
    }
    user.push(ContentItem::InputText {
        text: environment_context(config),
    });
    vec![
        ResponseItem::message("developer", developer),
        ResponseItem::message("user", user),
    ]
}

/// Whether a user-role message is one codex wrote itself (context), not a user prompt.
pub fn is_context_message(item: &ResponseItem) -> bool {
    let ResponseItem::Message { role, content, .. } = item else {
        return false;
    };
    role == "user"
        && content.iter().any(|part| match part {
            ContentItem::InputText { text } => {
                text.starts_with("<environment_context>")
                    || text.starts_with(super::compact::SUMMARY_PREAMBLE)
                    || text.starts_with(super::user_shell::USER_SHELL_COMMAND_OPEN)
            }
            ContentItem::InputImage { .. } | ContentItem::OutputText { .. } => false,
        })
}

/// Whether an item is a prompt the user wrote: a user message that is not context. Each one
/// starts a user turn.
pub fn is_user_prompt(item: &ResponseItem) -> bool {
    matches!(item, ResponseItem::Message { role, .. } if role == "user")
        && !is_context_message(item)
}

fn tmpdir(config: &Config) -> Option<PathBuf> {
    config.env.non_blank("TMPDIR").map(PathBuf::from)
}

fn permissions_instructions(config: &Config) -> String {
    let mut lines = Vec::new();
    match &config.sandbox_policy {
        SandboxPolicy::ReadOnly => lines.push(
            "Filesystem sandboxing: sandbox_mode is `read-only`: commands may only read files; writing anywhere is blocked.".to_string(),
        ),
        SandboxPolicy::WorkspaceWrite { .. } => lines.push(
            "Filesystem sandboxing: sandbox_mode is `workspace-write`: commands may read any file and write in the working directory and the writable roots; writing elsewhere needs approval.".to_string(),
        ),
        SandboxPolicy::DangerFullAccess => lines.push(
            "Filesystem sandboxing: sandbox_mode is `danger-full-access`: there is no sandboxing; commands may read and write anywhere.".to_string(),
        ),
    }
    if config.sandbox_policy.has_full_network_access() {
        lines.push("Network access is enabled.".to_string());
    } else {
        lines.push("Network access is restricted.".to_string());
    }
    let approval = config.approval_policy;
    lines.push(match approval {
        AskForApproval::Never => format!(
            "Approval policy is `{}`: commands run without asking the user; never request escalated permissions, work within the sandbox and report what is blocked.",
            approval.as_str()
        ),
        AskForApproval::OnRequest => format!(
            "Approval policy is `{}`: run commands in the sandbox; when one needs more (writing elsewhere, the network), request escalation with `sandbox_permissions: \"require_escalated\"` and a justification.",
            approval.as_str()
        ),
        AskForApproval::OnFailure => format!(
            "Approval policy is `{}`: commands run in the sandbox; if one fails because of the sandbox, the user is asked whether to retry it without.",
            approval.as_str()
        ),
        AskForApproval::Untrusted => format!(
            "Approval policy is `{}`: commands other than known-safe reads need the user's approval.",
            approval.as_str()
        ),
    });
    if let SandboxPolicy::WorkspaceWrite {
        writable_roots,
        exclude_tmpdir_env_var,
        exclude_slash_tmp,
        ..
    } = &config.sandbox_policy
    {
        let mut roots = Vec::new();
        if !exclude_slash_tmp {
            roots.push("/tmp".to_string());
        }
        if !exclude_tmpdir_env_var && let Some(tmp) = tmpdir(config) {
            roots.push(tmp.display().to_string());
        }
        roots.push(config.cwd.display().to_string());
        roots.extend(writable_roots.iter().map(|root| root.display().to_string()));
        let quoted: Vec<String> = roots.iter().map(|root| format!("`{root}`")).collect();
        lines.push(format!("The writable roots are {}.", quoted.join(", ")));
    }
    format!(
        "<permissions instructions>\n{}\n</permissions instructions>",
        lines.join("\n")
    )
}

/// The `<environment_context>` block, byte-exact with the original's layout.
pub fn environment_context(config: &Config) -> String {
    let shell = config
        .env
        .non_blank("SHELL")
        .and_then(|shell| Path::new(shell).file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bash".to_string());
    let date = chrono::Local::now().format("%Y-%m-%d");
    format!(
        "<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>{shell}</shell>\n  <current_date>{date}</current_date>\n  <timezone>{tz}</timezone>\n  <filesystem>{fs}</filesystem>\n</environment_context>",
        cwd = config.cwd.display(),
        tz = timezone_name(config),
        fs = filesystem_profile(config),
    )
}

fn workspace_roots(config: &Config) -> Vec<PathBuf> {
    let mut roots = vec![config.cwd.clone()];
    if let SandboxPolicy::WorkspaceWrite { writable_roots, .. } = &config.sandbox_policy {
        roots.extend(writable_roots.iter().cloned());
    }
    roots
}

fn filesystem_profile(config: &Config) -> String {
    let roots = workspace_roots(config);
    let mut out = String::from("<workspace_roots>");
    for root in &roots {
        out.push_str(&format!("<root>{}</root>", root.display()));
    }
    out.push_str("</workspace_roots>");
    let entry = |access: &str, inner: String| format!("<entry access=\"{access}\">{inner}</entry>");
    let special = |name: &str| format!("<special>{name}</special>");
    let path = |p: &Path| format!("<path>{}</path>", p.display());
    match &config.sandbox_policy {
        SandboxPolicy::DangerFullAccess => out.push_str(
            "<permission_profile type=\"disabled\"><file_system type=\"unrestricted\" /></permission_profile>",
        ),
        SandboxPolicy::ReadOnly => {
            out.push_str("<permission_profile type=\"managed\"><file_system type=\"restricted\">");
            out.push_str(&entry("read", special(":root")));
            out.push_str("</file_system></permission_profile>");
        }
        SandboxPolicy::WorkspaceWrite {
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
            ..
        } => {
            out.push_str("<permission_profile type=\"managed\"><file_system type=\"restricted\">");
            out.push_str(&entry("read", special(":root")));
            for root in &roots {
                out.push_str(&entry("write", path(root)));
            }
            if !exclude_slash_tmp {
                out.push_str(&entry("write", special(":slash_tmp")));
            }
            if !exclude_tmpdir_env_var {
                out.push_str(&entry("write", special(":tmpdir")));
            }
            for name in [".git", ".agents", ".codex", ".aws"] {
                for root in &roots {
                    out.push_str(&entry("read", path(&root.join(name))));
                }
            }
            out.push_str("</file_system></permission_profile>");
        }
    }
    out
}

fn timezone_name(config: &Config) -> String {
    if let Some(tz) = config.env.non_blank("TZ") {
        return tz.trim_start_matches(':').to_string();
    }
    if let Ok(target) = std::fs::read_link("/etc/localtime") {
        let target = target.to_string_lossy().into_owned();
        if let Some((_, name)) = target.split_once("zoneinfo/") {
            return name.to_string();
        }
    }
    if let Ok(name) = std::fs::read_to_string("/etc/timezone") {
        let name = name.trim();
        if !name.is_empty() {
            return name.to_string();
        }
    }
    "Etc/UTC".to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("failed to read image {path}: {source}")]
    ImageRead {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The user's prompt as one message: each image as three parts (numbered from 1) before the text.
pub fn user_message(items: &[UserInput], cwd: &Path) -> Result<ResponseItem, InputError> {
    let mut content = Vec::new();
    let mut texts = Vec::new();
    let mut image_number = 0;
    for item in items {
        match item {
            UserInput::Text { text } => texts.push(text.clone()),
            UserInput::LocalImage { path } => {
                image_number += 1;
                let path = cwd.join(path);
                let bytes = std::fs::read(&path).map_err(|source| InputError::ImageRead {
                    path: path.clone(),
                    source,
                })?;
                content.push(ContentItem::InputText {
                    text: format!(
                        "<image name=[Image #{image_number}] path=\"{}\">",
                        path.display()
                    ),
                });
                content.push(ContentItem::InputImage {
                    image_url: data_url(&path, &bytes),
                    detail: Some("original".to_string()),
                });
                content.push(ContentItem::InputText {
                    text: "</image>".to_string(),
                });
            }
        }
    }
    for text in texts {
        content.push(ContentItem::InputText { text });
    }
    Ok(ResponseItem::message("user", content))
}

/// `data:<mime>;base64,…` for an image file, the mime type read from its magic bytes.
pub fn data_url(path: &Path, bytes: &[u8]) -> String {
    let mime = image_mime(path, bytes);
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("data:{mime};base64,{encoded}")
}

fn image_mime(path: &Path, bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") {
        return "image/png";
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return "image/jpeg";
    }
    if bytes.starts_with(b"GIF8") {
        return "image/gif";
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return "image/webp";
    }
    match path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        _ => "image/png",
    }
}
