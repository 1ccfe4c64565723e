//! The output a process produced since it was last read, capped in memory: a session nobody polls
//! may print forever (`yes`), so past the cap only the first and last halves are kept and the
//! middle is counted, not stored.

use std::collections::VecDeque;

/// At most this many bytes of one read window are held: the first half and the last half.
pub(crate) const CAPTURE_CAP_BYTES: usize = 1024 * 1024;
const HALF: usize = CAPTURE_CAP_BYTES / 2;

/// Bytes taken out of a [`CaptureBuffer`]: the whole stream, or its head and tail halves with
/// `omitted` bytes dropped between them (then `bytes` is exactly `CAPTURE_CAP_BYTES` long and
/// the cut is at its midpoint).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Captured {
    pub bytes: Vec<u8>,
    pub omitted: usize,
}

#[derive(Debug, Default)]
pub(crate) struct CaptureBuffer {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    omitted: usize,
}

impl CaptureBuffer {
    pub fn push(&mut self, chunk: &[u8]) {
        let into_head = chunk.len().min(HALF - self.head.len());
        let (head_part, rest) = chunk.split_at(into_head);
        self.head.extend_from_slice(head_part);
        self.tail.extend(rest);
        let excess = self.tail.len().saturating_sub(HALF);
        if excess > 0 {
            self.tail.drain(..excess);
            self.omitted += excess;
        }
    }

    pub fn take(&mut self) -> Captured {
        let mut bytes = std::mem::take(&mut self.head);
        bytes.extend(std::mem::take(&mut self.tail));
        Captured {
            bytes,
            omitted: std::mem::take(&mut self.omitted),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn small_output_is_kept_whole_and_take_resets() {
        let mut buffer = CaptureBuffer::default();
        buffer.push(b"hello ");
        buffer.push(b"world\n");
        assert_eq!(
            buffer.take(),
            Captured {
                bytes: b"hello world\n".to_vec(),
                omitted: 0
            }
        );
        assert_eq!(buffer.take(), Captured::default());
    }

    #[test]
    fn output_up_to_the_cap_is_kept_whole() {
        let mut buffer = CaptureBuffer::default();
        let stream: Vec<u8> = (0..CAPTURE_CAP_BYTES).map(|i| (i % 251) as u8).collect();
        for chunk in stream.chunks(7000) {
            buffer.push(chunk);
        }
        assert_eq!(
            buffer.take(),
            Captured {
                bytes: stream,
                omitted: 0
            }
        );
    }

    #[test]
    fn output_over_the_cap_keeps_head_and_tail_halves() {
        let mut buffer = CaptureBuffer::default();
        let stream: Vec<u8> = (0..CAPTURE_CAP_BYTES + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        for chunk in stream.chunks(4096) {
            buffer.push(chunk);
        }
        let mut expected = stream[..HALF].to_vec();
        expected.extend_from_slice(&stream[stream.len() - HALF..]);
        assert_eq!(
            buffer.take(),
            Captured {
                bytes: expected,
                omitted: 12_345
            }
        );
    }
}
