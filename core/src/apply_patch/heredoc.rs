//! Recognises `apply_patch <<'EOF' … EOF` sent as an `exec_command` (responses-wire §7): such a
//! command is applied as a patch instead of being run by the shell. Only the exact simple forms
//! are recognised; anything with more shell in it stays a command.

use std::path::PathBuf;

/// A patch found in an `exec_command` heredoc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocPatch {
    /// `DIR` of a leading `cd DIR &&`, as written (relative to the command's working directory).
    pub workdir: Option<PathBuf>,
    /// The heredoc body, i.e. the patch text.
    pub patch: String,
}

/// Recognises `[cd DIR && ]apply_patch <<'EOF'\n<patch>\nEOF` (also `applypatch`; the delimiter
/// may be any word, single-quoted, double-quoted or bare; trailing whitespace is ignored).
pub fn extract_heredoc(cmd: &str) -> Option<HeredocPatch> {
    let cmd = cmd.trim_start();
    let (workdir, rest) = match strip_cd_prefix(cmd) {
        Some((dir, rest)) => (Some(PathBuf::from(dir)), rest),
        None => (None, cmd),
    };
    let rest = rest
        .strip_prefix("apply_patch")
        .or_else(|| rest.strip_prefix("applypatch"))?;
    let rest = skip_blanks(rest).strip_prefix("<<")?;
    let (delimiter, rest) = shell_word(skip_blanks(rest))?;
    let body = skip_blanks(rest).strip_prefix('\n')?;
    let (patch, tail) = split_at_delimiter_line(body, delimiter)?;
    tail.trim().is_empty().then(|| HeredocPatch {
        workdir,
        patch: patch.to_string(),
    })
}

/// For a patch text that is itself wrapped as `<<'EOF'\n…\nEOF`, returns the inside.
pub(super) fn strip_heredoc_wrapper(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("<<")?;
    let (delimiter, rest) = shell_word(skip_blanks(rest))?;
    let body = skip_blanks(rest).strip_prefix('\n')?;
    let (inside, tail) = split_at_delimiter_line(body, delimiter)?;
    tail.trim().is_empty().then_some(inside)
}

/// Splits `body` before the first line equal to `delimiter`; the second part is what follows
/// that line.
fn split_at_delimiter_line<'a>(body: &'a str, delimiter: &str) -> Option<(&'a str, &'a str)> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line.strip_suffix('\n').unwrap_or(line) == delimiter {
            return Some((&body[..offset], &body[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// `cd DIR &&` followed by the rest of the command.
fn strip_cd_prefix(cmd: &str) -> Option<(&str, &str)> {
    let rest = cmd.strip_prefix("cd")?;
    let rest = rest.strip_prefix([' ', '\t'])?;
    let (dir, rest) = shell_word(skip_blanks(rest))?;
    let rest = skip_blanks(rest).strip_prefix("&&")?;
    Some((dir, skip_blanks(rest)))
}

/// One shell word whose value needs no expansion: `'…'`, `"…"` without `\ $ \``, or a bare run
/// of characters that are never special to the shell. Returns the value and the rest.
fn shell_word(text: &str) -> Option<(&str, &str)> {
    let (word, rest) = if let Some(quoted) = text.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        (&quoted[..end], &quoted[end + 1..])
    } else if let Some(quoted) = text.strip_prefix('"') {
        let end = quoted.find('"')?;
        let word = &quoted[..end];
        if word.contains(['\\', '$', '`']) {
            return None;
        }
        (word, &quoted[end + 1..])
    } else {
        let end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c)))
            .unwrap_or(text.len());
        // A bare word may not start with `-` (`<<-EOF` strips tabs, another syntax).
        if text.starts_with('-') {
            return None;
        }
        text.split_at(end)
    };
    (!word.is_empty() && !word.contains('\n')).then_some((word, rest))
}

fn skip_blanks(text: &str) -> &str {
    text.trim_start_matches([' ', '\t'])
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const PATCH: &str = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";

    fn found(workdir: Option<&str>) -> Option<HeredocPatch> {
        Some(HeredocPatch {
            workdir: workdir.map(PathBuf::from),
            patch: PATCH.to_string(),
        })
    }

    #[test]
    fn recognises_apply_patch_heredocs() {
        for cmd in [
            format!("apply_patch <<'EOF'\n{PATCH}EOF"),
            format!("apply_patch <<'EOF'\n{PATCH}EOF\n"),
            format!("  apply_patch <<\"PATCH\"  \n{PATCH}PATCH\n\n  "),
            format!("apply_patch <<END_OF_PATCH\n{PATCH}END_OF_PATCH"),
            format!("apply_patch<<'EOF'\n{PATCH}EOF"),
            format!("applypatch << 'EOF'\n{PATCH}EOF"),
        ] {
            assert_eq!(extract_heredoc(&cmd), found(None), "{cmd:?}");
        }
    }

    #[test]
    fn recognises_a_leading_cd() {
        assert_eq!(
            extract_heredoc(&format!("cd sub/dir && apply_patch <<'EOF'\n{PATCH}EOF\n")),
            found(Some("sub/dir"))
        );
        assert_eq!(
            extract_heredoc(&format!("cd '/tmp/my dir' &&apply_patch <<EOF\n{PATCH}EOF")),
            found(Some("/tmp/my dir"))
        );
    }

    #[test]
    fn leaves_other_commands_alone() {
        for cmd in [
            format!("cat <<'EOF'\n{PATCH}EOF"),
            "apply_patch file.diff".to_string(),
            "apply_patch".to_string(),
            format!("apply_patch <<'EOF'\n{PATCH}"),
            format!("apply_patch <<'EOF'\n{PATCH}EOF\necho done"),
            format!("apply_patch <<'EOF' && echo done\n{PATCH}EOF"),
            format!("apply_patch <<-EOF\n{PATCH}EOF"),
            format!("apply_patch <<\"$X\"\n{PATCH}$X"),
            format!("apply_patchx <<'EOF'\n{PATCH}EOF"),
            format!("echo x; apply_patch <<'EOF'\n{PATCH}EOF"),
            format!("cd ~/src && apply_patch <<'EOF'\n{PATCH}EOF"),
            format!("cd $HOME && apply_patch <<'EOF'\n{PATCH}EOF"),
            format!("cd a; apply_patch <<'EOF'\n{PATCH}EOF"),
            format!("apply_patch <<''\n{PATCH}"),
        ] {
            assert_eq!(extract_heredoc(&cmd), None, "{cmd:?}");
        }
    }
}
