//! Desktop notifications while the terminal is unfocused (`tui.md` §12, `config.md` §9): the
//! notification texts, the backend choice (OSC 9, BEL, or a Windows toast under WSL in Windows
//! Terminal) and the notifier that emits them. Which events notify is the app's decision.

use std::io::Write;
use std::process::Command;
use std::process::Stdio;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use codex_core::config::ConfigEnv;
use codex_core::config::NotificationMethod;
use unicode_segmentation::UnicodeSegmentation;

const TOAST_PROGRAM: &str = "powershell.exe";
const TURN_COMPLETE_MAX_GRAPHEMES: usize = 80;
const APPROVAL_COMMAND_MAX_GRAPHEMES: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationBackend {
    Osc9,
    Bel,
    WindowsToast,
}

/// What backend detection looks at, read once at start-up (injected in tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationEnv {
    /// `WSL_DISTRO_NAME`.
    pub wsl_distro_name: Option<String>,
    /// The text of `/proc/version`.
    pub proc_version: Option<String>,
    /// `WT_SESSION` is set (Windows Terminal).
    pub wt_session: bool,
}

impl NotificationEnv {
    pub fn detect(env: &ConfigEnv) -> Self {
        NotificationEnv {
            wsl_distro_name: env.non_blank("WSL_DISTRO_NAME").map(str::to_string),
            proc_version: std::fs::read_to_string("/proc/version").ok(),
            wt_session: env.non_blank("WT_SESSION").is_some(),
        }
    }

    fn is_wsl(&self) -> bool {
        self.wsl_distro_name.is_some()
            || self
                .proc_version
                .as_deref()
                .is_some_and(|version| version.to_lowercase().contains("microsoft"))
    }
}

/// Windows Terminal under WSL gets toasts whatever the method (OSC 9 would not reach Windows);
/// elsewhere `bel` picks BEL and `auto`/`osc9` pick OSC 9.
pub fn detect_backend(method: NotificationMethod, env: &NotificationEnv) -> NotificationBackend {
    if env.is_wsl() && env.wt_session {
        tracing::info!(
            "Windows Terminal session detected under WSL; using Windows toast notifications"
        );
        return NotificationBackend::WindowsToast;
    }
    match method {
        NotificationMethod::Auto | NotificationMethod::Osc9 => NotificationBackend::Osc9,
        NotificationMethod::Bel => NotificationBackend::Bel,
    }
}

/// Emits notifications through the session's backend.
#[derive(Debug)]
pub struct DesktopNotifier {
    backend: NotificationBackend,
    toast_program: &'static str,
}

impl DesktopNotifier {
    pub fn new(backend: NotificationBackend) -> Self {
        DesktopNotifier {
            backend,
            toast_program: TOAST_PROGRAM,
        }
    }

    pub fn backend(&self) -> NotificationBackend {
        self.backend
    }

    /// Writes the escape sequence to `out` (the terminal), or spawns the toast without waiting
    /// for it. If the toast cannot be spawned, this session falls back to OSC 9.
    pub fn notify(&mut self, out: &mut impl Write, text: &str) {
        let bytes = match self.backend {
            NotificationBackend::Osc9 => osc9_sequence(text),
            NotificationBackend::Bel => "\x07".to_string(),
            NotificationBackend::WindowsToast => match self.spawn_toast(text) {
                Ok(()) => return,
                Err(err) => {
                    tracing::warn!(
                        "failed to spawn {}: {err}; using OSC 9 notifications for this session",
                        self.toast_program
                    );
                    self.backend = NotificationBackend::Osc9;
                    osc9_sequence(text)
                }
            },
        };
        if let Err(err) = out.write_all(bytes.as_bytes()).and_then(|()| out.flush()) {
            tracing::warn!("failed to write a desktop notification: {err}");
        }
    }

    fn spawn_toast(&self, text: &str) -> std::io::Result<()> {
        let (_, args) = toast_command("Codex", text);
        // The child is not awaited: it exits on its own and the toast outlives nothing of ours.
        Command::new(self.toast_program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(drop)
    }
}

/// `ESC ] 9 ; <text> BEL`, with control characters removed from the text so it cannot end the
/// sequence early or inject another one.
pub fn osc9_sequence(text: &str) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    format!("\x1b]9;{text}\x07")
}

/// The detached PowerShell invocation that shows a `ToastText02` toast.
pub fn toast_command(title: &str, body: &str) -> (String, Vec<String>) {
    let script = toast_script(title, body);
    let utf16: Vec<u8> = script.encode_utf16().flat_map(u16::to_le_bytes).collect();
    (
        TOAST_PROGRAM.to_string(),
        vec![
            "-NoProfile".to_string(),
            "-NoLogo".to_string(),
            "-EncodedCommand".to_string(),
            BASE64.encode(utf16),
        ],
    )
}

/// The title and body travel base64-encoded (UTF-8) and are decoded inside the script, so no
/// character in them can break PowerShell's quoting.
fn toast_script(title: &str, body: &str) -> String {
    let title = BASE64.encode(escape_xml(title));
    let body = BASE64.encode(escape_xml(body));
    format!(
        r#"$encoding = [System.Text.Encoding]::UTF8
$titleText = $encoding.GetString([System.Convert]::FromBase64String("{title}"))
$bodyText = $encoding.GetString([System.Convert]::FromBase64String("{body}"))
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
$doc = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$textNodes = $doc.GetElementsByTagName("text")
$textNodes.Item(0).AppendChild($doc.CreateTextNode($titleText)) | Out-Null
$textNodes.Item(1).AppendChild($doc.CreateTextNode($bodyText)) | Out-Null
$toast = [Windows.UI.Notifications.ToastNotification]::new($doc)
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("Codex").Show($toast)
"#
    )
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// The first line of the last assistant message, else `Agent turn complete`.
pub fn turn_complete_text(last_message: Option<&str>) -> String {
    let first_line = last_message
        .and_then(|message| message.lines().map(str::trim).find(|line| !line.is_empty()));
    match first_line {
        Some(line) => truncate_graphemes(line, TURN_COMPLETE_MAX_GRAPHEMES),
        None => "Agent turn complete".to_string(),
    }
}

pub fn approval_text(command: &str) -> String {
    format!(
        "Approval requested: {}",
        truncate_graphemes(command, APPROVAL_COMMAND_MAX_GRAPHEMES)
    )
}

/// At most `max` graphemes; a cut text ends with `…` (which counts as one).
fn truncate_graphemes(text: &str, max: usize) -> String {
    if text.graphemes(true).nth(max).is_none() {
        return text.to_string();
    }
    let kept: String = text.graphemes(true).take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn osc9_wraps_the_text_and_strips_control_characters() {
        assert_eq!(
            osc9_sequence("done\x07\x1b]9;evil\nnext").into_bytes(),
            b"\x1b]9;done]9;evilnext\x07".to_vec()
        );
    }

    #[test]
    fn notify_writes_the_backend_sequence() {
        let emitted = |backend| {
            let mut notifier = DesktopNotifier::new(backend);
            let mut out = Vec::new();
            notifier.notify(&mut out, "Agent turn complete");
            out
        };
        assert_eq!(
            emitted(NotificationBackend::Osc9),
            b"\x1b]9;Agent turn complete\x07".to_vec()
        );
        assert_eq!(emitted(NotificationBackend::Bel), b"\x07".to_vec());
    }

    #[test]
    fn a_toast_that_cannot_spawn_falls_back_to_osc9_for_the_session() {
        let mut notifier = DesktopNotifier {
            backend: NotificationBackend::WindowsToast,
            toast_program: "/nonexistent/powershell.exe",
        };
        let mut out = Vec::new();
        notifier.notify(&mut out, "first");
        notifier.notify(&mut out, "second");
        assert_eq!(
            (notifier.backend(), out),
            (
                NotificationBackend::Osc9,
                b"\x1b]9;first\x07\x1b]9;second\x07".to_vec()
            )
        );
    }

    #[test]
    fn backend_detection_table() {
        let env = |wsl_distro_name: Option<&str>, proc_version: Option<&str>, wt_session| {
            NotificationEnv {
                wsl_distro_name: wsl_distro_name.map(str::to_string),
                proc_version: proc_version.map(str::to_string),
                wt_session,
            }
        };
        let linux = "Linux version 6.8.0-45-generic (buildd@lcy02-amd64-115)";
        let wsl_kernel = "Linux version 5.15.153.1-Microsoft-standard-WSL2";
        let cases = [
            (NotificationMethod::Auto, env(None, Some(linux), false)),
            (NotificationMethod::Osc9, env(None, Some(linux), false)),
            (NotificationMethod::Bel, env(None, Some(linux), false)),
            (NotificationMethod::Auto, env(None, None, true)),
            (NotificationMethod::Auto, env(Some("Ubuntu"), None, false)),
            (NotificationMethod::Bel, env(Some("Ubuntu"), None, false)),
            (NotificationMethod::Auto, env(Some("Ubuntu"), None, true)),
            (NotificationMethod::Auto, env(None, Some(wsl_kernel), true)),
            (NotificationMethod::Bel, env(None, Some(wsl_kernel), true)),
        ];
        let backends: Vec<NotificationBackend> = cases
            .iter()
            .map(|(method, env)| detect_backend(*method, env))
            .collect();
        assert_eq!(
            backends,
            vec![
                NotificationBackend::Osc9,
                NotificationBackend::Osc9,
                NotificationBackend::Bel,
                NotificationBackend::Osc9,
                NotificationBackend::Osc9,
                NotificationBackend::Bel,
                NotificationBackend::WindowsToast,
                NotificationBackend::WindowsToast,
                NotificationBackend::WindowsToast,
            ]
        );
    }

    #[test]
    fn environment_is_read_from_config_env() {
        let env = ConfigEnv {
            vars: [
                ("WSL_DISTRO_NAME".to_string(), "Ubuntu".to_string()),
                ("WT_SESSION".to_string(), "3f2a".to_string()),
            ]
            .into_iter()
            .collect(),
        };
        let detected = NotificationEnv::detect(&env);
        assert_eq!(
            (detected.wsl_distro_name.as_deref(), detected.wt_session),
            (Some("Ubuntu"), true)
        );
    }

    /// Decodes the `-EncodedCommand` argument back into the script.
    fn decoded_script(args: &[String]) -> String {
        let bytes = match BASE64.decode(&args[3]) {
            Ok(bytes) => bytes,
            Err(err) => panic!("{err}"),
        };
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        match String::from_utf16(&units) {
            Ok(script) => script,
            Err(err) => panic!("{err}"),
        }
    }

    /// The texts embedded in `FromBase64String("…")` calls, decoded, in order.
    fn embedded_texts(script: &str) -> Vec<String> {
        script
            .split("FromBase64String(\"")
            .skip(1)
            .map(|rest| {
                let encoded = rest.split('"').next().unwrap_or_default();
                match BASE64.decode(encoded).map(String::from_utf8) {
                    Ok(Ok(text)) => text,
                    other => panic!("{other:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn toast_command_runs_an_encoded_script_with_escaped_texts() {
        let (program, args) = toast_command("Codex", "Tom & Jerry <3 \"quoted\" 'single' ü");
        assert_eq!(
            (program.as_str(), &args[..3]),
            (
                "powershell.exe",
                &[
                    "-NoProfile".to_string(),
                    "-NoLogo".to_string(),
                    "-EncodedCommand".to_string()
                ][..]
            )
        );
        let script = decoded_script(&args);
        assert_eq!(
            embedded_texts(&script),
            vec![
                "Codex".to_string(),
                "Tom &amp; Jerry &lt;3 &quot;quoted&quot; &apos;single&apos; ü".to_string()
            ]
        );
        for needle in [
            "ToastTemplateType]::ToastText02",
            "CreateToastNotifier(\"Codex\")",
            "$textNodes.Item(1).AppendChild($doc.CreateTextNode($bodyText))",
        ] {
            assert!(script.contains(needle), "{needle} missing from {script}");
        }
    }

    #[test]
    fn turn_complete_text_is_the_first_line_truncated() {
        let long = "x".repeat(100);
        assert_eq!(
            [
                turn_complete_text(Some("\n  Fixed the bug.  \nDetails follow.")),
                turn_complete_text(Some(&long)),
                turn_complete_text(Some(&"é".repeat(80))),
                turn_complete_text(Some("  \n")),
                turn_complete_text(None),
            ],
            [
                "Fixed the bug.".to_string(),
                format!("{}…", "x".repeat(79)),
                "é".repeat(80),
                "Agent turn complete".to_string(),
                "Agent turn complete".to_string(),
            ]
        );
    }

    #[test]
    fn approval_text_truncates_the_command_to_30_graphemes() {
        assert_eq!(
            [
                approval_text("cargo test"),
                approval_text("rm -rf target && cargo build --release --all-features"),
            ],
            [
                "Approval requested: cargo test".to_string(),
                "Approval requested: rm -rf target && cargo build …".to_string(),
            ]
        );
    }
}
