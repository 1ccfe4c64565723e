//! Submitted-message history for the composer: Up/Down walking (the draft in progress is kept
//! and comes back past the newest entry) and Ctrl+R substring search. Entries are the
//! persistent ones from `$CODEX_HOME/history.jsonl` (loaded by the caller) followed by this
//! session's submissions, oldest first.

#[derive(Debug, Default, Clone)]
pub struct ComposerHistory {
    /// Oldest first; no two neighbours are equal.
    entries: Vec<String>,
    navigation: Option<Navigation>,
}

#[derive(Debug, Clone)]
struct Navigation {
    /// Index of the entry on screen.
    index: usize,
    /// The composer text before the first Up.
    draft: String,
}

impl ComposerHistory {
    /// `persistent`: entries from earlier sessions, oldest first.
    pub fn new(persistent: Vec<String>) -> Self {
        let mut history = Self::default();
        for entry in persistent {
            history.push(entry);
        }
        history
    }

    /// Records a submitted message (blank text and a repeat of the newest entry are skipped)
    /// and ends any walk through the history.
    pub fn record_submitted(&mut self, text: &str) {
        self.push(text.to_string());
        self.navigation = None;
    }

    /// One step older. The first step saves `current_draft`. Returns the text to show, or
    /// `None` when there is nothing older (the composer keeps what it shows).
    pub fn navigate_up(&mut self, current_draft: &str) -> Option<String> {
        let index = match &self.navigation {
            Some(navigation) => navigation.index.checked_sub(1)?,
            None => self.entries.len().checked_sub(1)?,
        };
        let draft = self
            .navigation
            .take()
            .map_or_else(|| current_draft.to_string(), |navigation| navigation.draft);
        self.navigation = Some(Navigation { index, draft });
        Some(self.entries[index].clone())
    }

    /// One step newer; past the newest entry the saved draft comes back and the walk ends.
    /// `None` when not walking.
    pub fn navigate_down(&mut self) -> Option<String> {
        let navigation = self.navigation.as_mut()?;
        navigation.index += 1;
        match self.entries.get(navigation.index) {
            Some(entry) => Some(entry.clone()),
            None => self.navigation.take().map(|navigation| navigation.draft),
        }
    }

    /// Forgets the walk (the composer text was edited or replaced).
    pub fn reset_navigation(&mut self) {
        self.navigation = None;
    }

    /// The newest entry containing `query` with an index below `before` (all entries when
    /// `None`): pass the previous hit's index to find the next older match.
    pub fn search(&self, query: &str, before: Option<usize>) -> Option<(usize, &str)> {
        let end = before.unwrap_or(self.entries.len()).min(self.entries.len());
        self.entries[..end]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, entry)| entry.contains(query))
            .map(|(index, entry)| (index, entry.as_str()))
    }

    fn push(&mut self, entry: String) {
        if entry.trim().is_empty() || self.entries.last() == Some(&entry) {
            return;
        }
        self.entries.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn history(entries: &[&str]) -> ComposerHistory {
        ComposerHistory::new(entries.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn up_walks_back_and_down_returns_to_the_draft() {
        let mut history = history(&["old"]);
        history.record_submitted("first");
        history.record_submitted("second");
        let walk = [
            history.navigate_up("my draft"),
            history.navigate_up("ignored"),
            history.navigate_up("ignored"),
            history.navigate_up("ignored"),
            history.navigate_down(),
            history.navigate_down(),
            history.navigate_down(),
            history.navigate_down(),
        ];
        assert_eq!(
            walk,
            [
                Some("second".to_string()),
                Some("first".to_string()),
                Some("old".to_string()),
                None,
                Some("first".to_string()),
                Some("second".to_string()),
                Some("my draft".to_string()),
                None,
            ]
        );
    }

    #[test]
    fn empty_history_has_nothing_to_show() {
        let mut history = ComposerHistory::new(Vec::new());
        assert_eq!(
            (history.navigate_up("draft"), history.navigate_down()),
            (None, None)
        );
    }

    #[test]
    fn consecutive_duplicates_and_blank_text_are_skipped() {
        let mut history = history(&["a", "a", "b"]);
        history.record_submitted("b");
        history.record_submitted("  \n");
        history.record_submitted("a");
        let walk: Vec<_> = (0..4).map(|_| history.navigate_up("")).collect();
        assert_eq!(
            walk,
            [
                Some("a".to_string()),
                Some("b".to_string()),
                Some("a".to_string()),
                None
            ]
        );
    }

    #[test]
    fn submitting_or_resetting_ends_the_walk() {
        let mut history = history(&["one", "two"]);
        assert_eq!(history.navigate_up("draft"), Some("two".to_string()));
        history.reset_navigation();
        assert_eq!(
            (history.navigate_down(), history.navigate_up("new draft")),
            (None, Some("two".to_string()))
        );
        history.record_submitted("three");
        assert_eq!(
            (history.navigate_down(), history.navigate_up("")),
            (None, Some("three".to_string()))
        );
        // The draft saved by this walk is the one from its first Up.
        assert_eq!(history.navigate_down(), Some(String::new()));
    }

    #[test]
    fn search_finds_newest_first_and_continues_older() {
        let history = history(&["cargo build", "git status", "cargo test -p tui", "ls"]);
        assert_eq!(
            history.search("cargo", None),
            Some((2, "cargo test -p tui"))
        );
        assert_eq!(history.search("cargo", Some(2)), Some((0, "cargo build")));
        assert_eq!(history.search("cargo", Some(0)), None);
        assert_eq!(history.search("missing", None), None);
        assert_eq!(history.search("", None), Some((3, "ls")));
        assert_eq!(history.search("git", Some(99)), Some((1, "git status")));
    }
}
