//! What one `exec_command` / `write_stdin` call observed, and the byte-exact text the model reads
//! for it (responses-wire §7): a header block, then the output, cut in the middle when it exceeds
//! the caller's token budget (≈4 bytes per token) while the header still counts every byte.

use std::time::Duration;

use rand::RngExt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    /// Time since the call started.
    pub wall_time: Duration,
    /// Set when the process exited during this call (signals are reported as 128 + n).
    pub exit_code: Option<i32>,
    /// Set when the process is still running; `write_stdin` addresses it by this id.
    pub session_id: Option<i32>,
    /// This call's output: stdout and stderr merged in arrival order (or the PTY stream), not
    /// truncated to any token budget.
    pub output: Vec<u8>,
    /// Bytes dropped from the middle of `output` (the cut sits at `output.len() / 2`) because the
    /// call produced more than the 1 MiB capture cap; 0 unless the output was that large.
    pub omitted_bytes: usize,
}

impl ExecOutput {
    /// The `function_call_output` text: `Chunk ID` (fresh random per call), `Wall time`, status
    /// line, `Original token count` (of the untruncated output), then `Output:` and the output,
    /// keeping its head and tail when it exceeds `max_output_tokens * 4` bytes.
    pub fn format_tool_output(&self, max_output_tokens: usize) -> String {
        let chunk_id = format!("{:06x}", rand::rng().random_range(0..0x100_0000_u32));
        self.format_with_chunk_id(&chunk_id, max_output_tokens)
    }

    /// Just the output text, its middle cut like in [`ExecOutput::format_tool_output`] when it
    /// exceeds `max_output_tokens * 4` bytes.
    pub fn output_text(&self, max_output_tokens: usize) -> String {
        render_output(
            &self.output,
            self.omitted_bytes,
            max_output_tokens.saturating_mul(4),
        )
    }

    fn format_with_chunk_id(&self, chunk_id: &str, max_output_tokens: usize) -> String {
        let status = match (self.exit_code, self.session_id) {
            (Some(code), _) => format!("Process exited with code {code}"),
            (None, Some(session_id)) => format!("Process running with session ID {session_id}"),
            (None, None) => "Process exited".to_string(),
        };
        let seconds = self.wall_time.as_secs_f64();
        let original_tokens = (self.output.len() + self.omitted_bytes).div_ceil(4);
        let text = self.output_text(max_output_tokens);
        format!(
            "Chunk ID: {chunk_id}\nWall time: {seconds:.4} seconds\n{status}\nOriginal token count: {original_tokens}\nOutput:\n{text}"
        )
    }
}

/// Decodes `output` (lossy UTF-8) and, when it is longer than `budget` bytes or already lost its
/// middle to the capture cap, keeps the first and last `budget / 2` bytes around a marker line.
fn render_output(output: &[u8], omitted: usize, budget: usize) -> String {
    let (first, second) = if omitted == 0 {
        (output, &[][..])
    } else {
        output.split_at(output.len() / 2)
    };
    // Decoding the halves separately keeps a character split by the capture cut from being
    // glued back together into something that was never printed.
    let mut text = String::from_utf8_lossy(first).into_owned();
    let gap = text.len();
    text.push_str(&String::from_utf8_lossy(second));
    if omitted == 0 && text.len() <= budget {
        return text;
    }

    let head_budget = budget / 2;
    let tail_budget = budget - head_budget;
    let head_end = floor_char_boundary(&text, head_budget.min(gap));
    let tail_floor = if omitted == 0 { head_end } else { gap };
    let tail_start = ceil_char_boundary(
        &text,
        text.len().saturating_sub(tail_budget).max(tail_floor),
    );
    let truncated_tokens = (omitted + tail_start - head_end).div_ceil(4);
    format!(
        "{}\n…{truncated_tokens} tokens truncated…\n{}",
        &text[..head_end],
        &text[tail_start..]
    )
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::capture::CAPTURE_CAP_BYTES;
    use pretty_assertions::assert_eq;

    fn exited(output: &[u8]) -> ExecOutput {
        ExecOutput {
            wall_time: Duration::from_micros(12_345),
            exit_code: Some(0),
            session_id: None,
            output: output.to_vec(),
            omitted_bytes: 0,
        }
    }

    #[test]
    fn exited_layout_is_byte_exact() {
        assert_eq!(
            exited(b"hi\n").format_with_chunk_id("60e7f3", 10_000),
            "Chunk ID: 60e7f3\nWall time: 0.0123 seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n"
        );
    }

    #[test]
    fn running_layout_names_the_session() {
        let output = ExecOutput {
            wall_time: Duration::from_millis(250),
            exit_code: None,
            session_id: Some(89_947),
            output: b"start\n".to_vec(),
            omitted_bytes: 0,
        };
        assert_eq!(
            output.format_with_chunk_id("abcdef", 10_000),
            "Chunk ID: abcdef\nWall time: 0.2500 seconds\nProcess running with session ID 89947\nOriginal token count: 2\nOutput:\nstart\n"
        );
    }

    #[test]
    fn token_count_is_ceil_of_bytes_over_four() {
        let text = exited(&[b'x'; 84]).format_with_chunk_id("000000", 10_000);
        assert_eq!(
            text.lines().nth(3),
            Some("Original token count: 21"),
            "{text}"
        );
    }

    #[test]
    fn public_format_uses_a_six_hex_digit_chunk_id() {
        let text = exited(b"").format_tool_output(10);
        let (first_line, rest) = text.split_once('\n').unwrap_or_default();
        let chunk_id = first_line.strip_prefix("Chunk ID: ").unwrap_or_default();
        assert_eq!(chunk_id.len(), 6, "{text}");
        assert!(
            chunk_id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{text}"
        );
        assert_eq!(
            rest,
            "Wall time: 0.0123 seconds\nProcess exited with code 0\nOriginal token count: 0\nOutput:\n"
        );
    }

    #[test]
    fn long_output_keeps_head_and_tail() {
        assert_eq!(
            exited(b"0123456789abcdef").format_with_chunk_id("000000", 2),
            "Chunk ID: 000000\nWall time: 0.0123 seconds\nProcess exited with code 0\nOriginal token count: 4\nOutput:\n0123\n…2 tokens truncated…\ncdef"
        );
    }

    #[test]
    fn truncation_cuts_at_char_boundaries() {
        // "€" is three bytes: a 4-byte half-budget fits one, a 4-byte tail fits "€x" (4 bytes).
        let output = "€€€€€€€€x".as_bytes();
        assert_eq!(render_output(output, 0, 8), "€\n…5 tokens truncated…\n€x");
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(
            render_output(b"ok \xff\xfe\n", 0, 100),
            "ok \u{fffd}\u{fffd}\n"
        );
    }

    #[test]
    fn capped_output_is_marked_even_within_budget() {
        let half = CAPTURE_CAP_BYTES / 2;
        let mut bytes = vec![b'a'; half];
        bytes.extend(vec![b'b'; half]);
        assert_eq!(
            render_output(&bytes, 6, usize::MAX),
            format!(
                "{}\n…2 tokens truncated…\n{}",
                "a".repeat(half),
                "b".repeat(half)
            )
        );
        let output = ExecOutput {
            omitted_bytes: 100,
            output: bytes,
            ..exited(b"")
        };
        let expected_removed = (100 + CAPTURE_CAP_BYTES - 8).div_ceil(4);
        assert_eq!(
            output.format_with_chunk_id("000000", 2),
            format!(
                "Chunk ID: 000000\nWall time: 0.0123 seconds\nProcess exited with code 0\nOriginal token count: {}\nOutput:\naaaa\n…{expected_removed} tokens truncated…\nbbbb",
                (CAPTURE_CAP_BYTES + 100).div_ceil(4)
            )
        );
    }
}
