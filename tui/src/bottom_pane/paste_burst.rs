//! Paste-burst guard for terminals without bracketed paste, where a paste arrives as a fast
//! stream of key events and its newlines as Enter. Typed characters are held until keys stop
//! arriving for `CHAR_INTERVAL`, so a paste reaches the composer as one insert; an Enter inside
//! a burst (or within `ENTER_WINDOW` after one) becomes a newline instead of a submit.
//!
//! Pure logic over injected `Instant`s. The composer drives it like this:
//!
//! ```text
//! every key event and every frame tick:  if let Some(text) = burst.flush_if_due(now) { insert(text) }
//! plain char (no Ctrl/Alt):              burst.on_char(ch, now)
//! Enter:                                 match burst.on_enter(now) {
//!                                            EnterAction::InsertNewline => {} // held with the burst
//!                                            EnterAction::Submit => submit(),
//!                                        }
//! any other key:                         if let Some(text) = burst.flush_now() { insert(text) }; handle it
//! after each of these:                   if let Some(at) = burst.flush_deadline() { schedule a frame at `at` }
//! ```
//!
//! A paste "ab\ncd" arriving at t = 0, 1, 2, 3, 4, 5 ms is held whole and flushed as one
//! insert once a tick finds 8 ms of quiet; an Enter 50 ms later still inserts a newline, one
//! at 300 ms submits. A flushed single character is ordinary typing (it may open a popup).

use std::time::Duration;
use std::time::Instant;

/// Keys closer together than this belong to one burst (no human types that fast).
pub const CHAR_INTERVAL: Duration = Duration::from_millis(8);

/// An Enter this soon after a burst is the paste's trailing newline, not a submit.
pub const ENTER_WINDOW: Duration = Duration::from_millis(120);

/// What the composer does with an Enter key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterAction {
    Submit,
    /// The newline is held with the burst and arrives through `flush_if_due`.
    InsertNewline,
}

#[derive(Debug, Default, Clone)]
pub struct PasteBurst {
    /// Text received but not yet handed to the composer.
    held: String,
    last_key_at: Option<Instant>,
    /// The last key came less than `CHAR_INTERVAL` after the one before it.
    in_burst: bool,
}

impl PasteBurst {
    /// Holds a typed character.
    pub fn on_char(&mut self, ch: char, now: Instant) {
        self.in_burst = self.since_last_key_under(now, CHAR_INTERVAL);
        self.held.push(ch);
        self.last_key_at = Some(now);
    }

    /// Decides whether an Enter submits or belongs to a paste.
    pub fn on_enter(&mut self, now: Instant) -> EnterAction {
        let pasted = self.since_last_key_under(now, CHAR_INTERVAL)
            || (self.in_burst && self.since_last_key_under(now, ENTER_WINDOW));
        if pasted {
            self.held.push('\n');
            self.last_key_at = Some(now);
            // The newline is part of the paste, so the window restarts from it.
            self.in_burst = true;
            EnterAction::InsertNewline
        } else {
            EnterAction::Submit
        }
    }

    /// The held text once no key has arrived for `CHAR_INTERVAL`.
    pub fn flush_if_due(&mut self, now: Instant) -> Option<String> {
        if self.since_last_key_under(now, CHAR_INTERVAL) {
            return None;
        }
        self.take_held()
    }

    /// The held text right away, ending the burst: a non-text key means the paste is over.
    pub fn flush_now(&mut self) -> Option<String> {
        self.in_burst = false;
        self.last_key_at = None;
        self.take_held()
    }

    /// When `flush_if_due` will release the held text, if anything is held.
    pub fn flush_deadline(&self) -> Option<Instant> {
        if self.held.is_empty() {
            return None;
        }
        self.last_key_at.map(|at| at + CHAR_INTERVAL)
    }

    fn since_last_key_under(&self, now: Instant, limit: Duration) -> bool {
        self.last_key_at
            .is_some_and(|at| now.saturating_duration_since(at) < limit)
    }

    fn take_held(&mut self) -> Option<String> {
        (!self.held.is_empty()).then(|| std::mem::take(&mut self.held))
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn ms(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    #[test]
    fn slow_typing_is_released_char_by_char() {
        let start = Instant::now();
        let mut burst = PasteBurst::default();
        burst.on_char('h', start);
        let held = (burst.flush_deadline(), burst.flush_if_due(ms(start, 7)));
        assert_eq!(held, (Some(ms(start, 8)), None));
        assert_eq!(burst.flush_if_due(ms(start, 8)), Some("h".to_string()));
        assert_eq!(burst.flush_deadline(), None);
        burst.on_char('i', ms(start, 150));
        assert_eq!(burst.flush_if_due(ms(start, 160)), Some("i".to_string()));
        assert_eq!(burst.on_enter(ms(start, 400)), EnterAction::Submit);
        assert_eq!(burst.flush_if_due(ms(start, 500)), None);
    }

    #[test]
    fn a_fast_stream_is_one_insert_with_its_newlines() {
        let start = Instant::now();
        let mut burst = PasteBurst::default();
        let mut flushed = Vec::new();
        for (index, ch) in "ab\ncd".chars().enumerate() {
            let now = ms(start, index as u64);
            flushed.extend(burst.flush_if_due(now));
            let action = match ch {
                '\n' => Some(burst.on_enter(now)),
                ch => {
                    burst.on_char(ch, now);
                    None
                }
            };
            assert_ne!(action, Some(EnterAction::Submit));
        }
        flushed.extend(burst.flush_if_due(ms(start, 12)));
        assert_eq!(flushed, vec!["ab\ncd".to_string()]);
    }

    #[test]
    fn enter_shortly_after_a_burst_is_a_newline() {
        let start = Instant::now();
        let mut burst = PasteBurst::default();
        burst.on_char('a', start);
        burst.on_char('b', ms(start, 2));
        assert_eq!(burst.flush_if_due(ms(start, 20)), Some("ab".to_string()));
        assert_eq!(burst.on_enter(ms(start, 100)), EnterAction::InsertNewline);
        assert_eq!(burst.flush_if_due(ms(start, 110)), Some("\n".to_string()));
        // The window restarts from each pasted Enter.
        assert_eq!(burst.on_enter(ms(start, 210)), EnterAction::InsertNewline);
        assert_eq!(burst.flush_if_due(ms(start, 220)), Some("\n".to_string()));
        assert_eq!(burst.on_enter(ms(start, 400)), EnterAction::Submit);
    }

    #[test]
    fn enter_after_a_single_slow_char_submits_even_within_the_window() {
        let start = Instant::now();
        let mut burst = PasteBurst::default();
        burst.on_char('a', start);
        assert_eq!(burst.flush_if_due(ms(start, 10)), Some("a".to_string()));
        assert_eq!(burst.on_enter(ms(start, 50)), EnterAction::Submit);
    }

    #[test]
    fn another_key_flushes_and_ends_the_burst() {
        let start = Instant::now();
        let mut burst = PasteBurst::default();
        burst.on_char('a', start);
        burst.on_char('b', ms(start, 1));
        assert_eq!(burst.flush_now(), Some("ab".to_string()));
        assert_eq!(burst.flush_now(), None);
        assert_eq!(burst.on_enter(ms(start, 3)), EnterAction::Submit);
    }
}
