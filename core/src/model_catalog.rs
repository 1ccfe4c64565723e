//! Model metadata compiled into the binary: context window and request defaults per slug.
//! `exec` never asks the server for `/models`, so this table is the only source.

use crate::config::Config;
use crate::config::ReasoningEffort;
use crate::config::ReasoningSummaryMode;
use crate::config::Verbosity;

#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    pub slug: String,
    pub context_window: u64,
    pub default_reasoning_effort: Option<ReasoningEffort>,
    pub default_reasoning_summary: Option<ReasoningSummaryMode>,
    /// `None` when the model does not take `text.verbosity`.
    pub default_verbosity: Option<Verbosity>,
    pub parallel_tool_calls: bool,
    /// False for slugs not in the catalog (the fallback metadata).
    pub known: bool,
}

struct Entry {
    prefix: &'static str,
    context_window: u64,
    effort: Option<ReasoningEffort>,
    verbosity: Option<Verbosity>,
}

const GPT5_WINDOW: u64 = 272_000;

/// Longest matching prefix wins, so list specific slugs before their family.
const CATALOG: &[Entry] = &[
    Entry {
        prefix: "gpt-5.5",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: Some(Verbosity::Low),
    },
    Entry {
        prefix: "gpt-5.4",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: Some(Verbosity::Low),
    },
    Entry {
        prefix: "gpt-5.3-codex",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: Some(Verbosity::Low),
    },
    Entry {
        prefix: "gpt-5.2",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: Some(Verbosity::Low),
    },
    Entry {
        prefix: "gpt-5.1-codex",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
    Entry {
        prefix: "gpt-5-codex",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
    Entry {
        prefix: "gpt-5",
        context_window: GPT5_WINDOW,
        effort: Some(ReasoningEffort::Medium),
        verbosity: Some(Verbosity::Medium),
    },
    Entry {
        prefix: "o3",
        context_window: 200_000,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
    Entry {
        prefix: "o4-mini",
        context_window: 200_000,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
    Entry {
        prefix: "gpt-4.1",
        context_window: 1_047_576,
        effort: None,
        verbosity: None,
    },
    Entry {
        prefix: "gpt-oss",
        context_window: 128_000,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
    Entry {
        prefix: "openai/gpt-oss",
        context_window: 128_000,
        effort: Some(ReasoningEffort::Medium),
        verbosity: None,
    },
];

const FALLBACK_CONTEXT_WINDOW: u64 = 128_000;

/// The models a picker offers, the default first.
pub const PRESETS: &[&str] = &[
    "gpt-5.5",
    "gpt-5.4",
    "gpt-5.3-codex",
    "gpt-5.2",
    "gpt-5.1-codex",
];

pub fn find_model(slug: &str) -> ModelInfo {
    let entry = CATALOG
        .iter()
        .filter(|entry| slug.starts_with(entry.prefix))
        .max_by_key(|entry| entry.prefix.len());
    match entry {
        Some(entry) => ModelInfo {
            slug: slug.to_string(),
            context_window: entry.context_window,
            default_reasoning_effort: entry.effort,
            default_reasoning_summary: None,
            default_verbosity: entry.verbosity,
            parallel_tool_calls: true,
            known: true,
        },
        None => ModelInfo {
            slug: slug.to_string(),
            context_window: FALLBACK_CONTEXT_WINDOW,
            default_reasoning_effort: None,
            default_reasoning_summary: Some(ReasoningSummaryMode::Auto),
            default_verbosity: None,
            parallel_tool_calls: false,
            known: false,
        },
    }
}

/// The warning the original prints for a slug it has no metadata for.
pub fn unknown_model_warning(slug: &str) -> String {
    format!(
        "Model metadata for `{slug}` not found. Defaulting to fallback metadata; this can degrade performance and cause issues."
    )
}

/// The model's metadata with the user's overrides applied, as one turn uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveModel {
    pub info: ModelInfo,
    pub context_window: u64,
    pub auto_compact_limit: u64,
    pub reasoning_effort: Option<ReasoningEffort>,
    pub reasoning_summary: Option<ReasoningSummaryMode>,
    pub verbosity: Option<Verbosity>,
}

impl EffectiveModel {
    pub fn from_config(config: &Config) -> Self {
        let info = find_model(&config.model);
        let context_window = config.model_context_window.unwrap_or(info.context_window);
        let auto_compact_limit = config
            .model_auto_compact_token_limit
            .unwrap_or(context_window * 9 / 10);
        let reasoning_effort = config
            .model_reasoning_effort
            .or(info.default_reasoning_effort);
        let reasoning_summary = config
            .model_reasoning_summary
            .or(info.default_reasoning_summary)
            .or(if config.model_supports_reasoning_summaries {
                Some(ReasoningSummaryMode::Auto)
            } else {
                None
            });
        let verbosity = info
            .default_verbosity
            .map(|default| config.model_verbosity.unwrap_or(default));
        EffectiveModel {
            info,
            context_window,
            auto_compact_limit,
            reasoning_effort,
            reasoning_summary,
            verbosity,
        }
    }

    /// What token-count events report as the usable window: 95 % of the catalog window.
    pub fn reported_context_window(&self) -> u64 {
        self.context_window * 95 / 100
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn longest_prefix_wins() {
        let info = find_model("gpt-5.1-codex-max");
        assert_eq!(info.default_verbosity, None);
        assert!(info.known);
        let info = find_model("gpt-5.5");
        assert_eq!(info.default_verbosity, Some(Verbosity::Low));
        assert_eq!(info.default_reasoning_effort, Some(ReasoningEffort::Medium));
    }

    #[test]
    fn unknown_slug_uses_fallback() {
        let info = find_model("my-local-model");
        assert!(!info.known);
        assert_eq!(
            info.default_reasoning_summary,
            Some(ReasoningSummaryMode::Auto)
        );
        assert_eq!(info.default_reasoning_effort, None);
        assert_eq!(info.default_verbosity, None);
    }
}
