//! Time as the widgets see it: injected, so snapshots and tests control elapsed times and the
//! `HH:MM` of `Worked for` lines.

use std::time::Instant;

pub trait Clock: std::fmt::Debug + Send + Sync {
    fn now(&self) -> Instant;
    /// Local wall-clock time as `HH:MM`.
    fn local_hhmm(&self) -> String;
    /// Unix seconds (resume picker ages).
    fn unix_now(&self) -> i64;
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn local_hhmm(&self) -> String {
        chrono::Local::now().format("%H:%M").to_string()
    }

    fn unix_now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

#[cfg(test)]
pub(crate) mod fake {
    use std::sync::Mutex;
    use std::time::Duration;
    use std::time::Instant;

    use super::Clock;

    /// A clock that only moves when told to.
    #[derive(Debug)]
    pub(crate) struct FakeClock {
        now: Mutex<Instant>,
    }

    impl FakeClock {
        pub(crate) fn new() -> Self {
            FakeClock {
                now: Mutex::new(Instant::now()),
            }
        }

        pub(crate) fn advance(&self, by: Duration) {
            let mut now = self.now.lock().unwrap();
            *now += by;
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            *self.now.lock().unwrap()
        }

        fn local_hhmm(&self) -> String {
            "14:02".to_string()
        }

        fn unix_now(&self) -> i64 {
            1_795_394_623
        }
    }
}
