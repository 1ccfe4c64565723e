//! What the client knows about threads: the active one (target of new turns), the ids seen in
//! this session (for `:use`), and which of our requests will change that when answered.

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::PoisonError;

/// A request sent from the input loop whose response the reader must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    StartThread,
    ResumeThread,
    ListThreads,
}

impl Pending {
    pub fn method(self) -> &'static str {
        match self {
            Self::StartThread => "thread/start",
            Self::ResumeThread => "thread/resume",
            Self::ListThreads => "thread/list",
        }
    }
}

/// Whether `:use` named a thread seen in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Familiarity {
    Known,
    Unknown,
}

#[derive(Debug, Default)]
struct State {
    active: Option<String>,
    known: BTreeSet<String>,
    pending: HashMap<i64, Pending>,
}

/// Shared between the input loop and the reader thread.
#[derive(Clone, Default)]
pub struct Threads {
    state: Arc<Mutex<State>>,
}

impl Threads {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn active(&self) -> Option<String> {
        self.lock().active.clone()
    }

    /// A thread was started or resumed: it becomes active and known.
    pub fn activate_loaded(&self, thread_id: &str) {
        let mut state = self.lock();
        state.known.insert(thread_id.to_string());
        state.active = Some(thread_id.to_string());
    }

    /// `:use`: switches even to an unknown id.
    pub fn activate(&self, thread_id: &str) -> Familiarity {
        let mut state = self.lock();
        state.active = Some(thread_id.to_string());
        if state.known.contains(thread_id) {
            Familiarity::Known
        } else {
            Familiarity::Unknown
        }
    }

    pub fn remember<'a>(&self, thread_ids: impl IntoIterator<Item = &'a str>) {
        self.lock()
            .known
            .extend(thread_ids.into_iter().map(str::to_string));
    }

    pub fn expect_response(&self, id: i64, pending: Pending) {
        self.lock().pending.insert(id, pending);
    }

    pub fn take_pending(&self, id: i64) -> Option<Pending> {
        self.lock().pending.remove(&id)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn use_knows_loaded_and_listed_threads() {
        let threads = Threads::default();
        assert_eq!(threads.active(), None);
        threads.activate_loaded("started");
        threads.remember(["listed"]);
        assert_eq!(threads.activate("listed"), Familiarity::Known);
        assert_eq!(threads.active().as_deref(), Some("listed"));
        assert_eq!(threads.activate("started"), Familiarity::Known);
        assert_eq!(threads.activate("other"), Familiarity::Unknown);
        assert_eq!(threads.active().as_deref(), Some("other"));
    }

    #[test]
    fn pending_responses_are_taken_once() {
        let threads = Threads::default();
        threads.expect_response(3, Pending::ListThreads);
        assert_eq!(threads.take_pending(3), Some(Pending::ListThreads));
        assert_eq!(threads.take_pending(3), None);
    }
}
