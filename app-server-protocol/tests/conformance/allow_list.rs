//! Differences from the reference schema that are deliberate, each with its reason. An entry
//! matches every difference at its (definition-relative) path; an entry that matches nothing
//! fails the test, so the list cannot go stale.

pub struct Allowed {
    pub path: &'static str,
    pub reason: &'static str,
}

pub const ALLOWED: &[Allowed] = &[
    Allowed {
        path: "AskForApproval",
        reason: "our decision (spec §1, §3, §6): `on-failure` is accepted and reported back in both \
                 directions; the `granular` object form (MAY) is not implemented and is rejected \
                 with -32600",
    },
    Allowed {
        path: "ThreadSortKey",
        reason: "only `created_at` and `updated_at` (spec §7); `recency_at` and `section_position` \
                 are rejected with -32600 unknown variant",
    },
    Allowed {
        path: "UserInput<audio>",
        reason: "audio input is MAY (spec §6) and not implemented: rejected with -32600",
    },
    Allowed {
        path: "UserInput<localAudio>",
        reason: "audio input is MAY (spec §6) and not implemented: rejected with -32600",
    },
    Allowed {
        path: "UserInput<mention>",
        reason: "mention input is MAY (spec §6) and not implemented: rejected with -32600",
    },
    Allowed {
        path: "UserInput<skill>",
        reason: "skill input is MAY (spec §6) and not implemented: rejected with -32600",
    },
    Allowed {
        path: "ThreadResumeResponse.collaborationMode",
        reason: "optional in the reference; collaboration modes are not implemented, never emitted",
    },
    Allowed {
        path: "Config.browser_use",
        reason: "a config.toml table codex does not interpret: carried through as written",
    },
    Allowed {
        path: "Config.computer_use",
        reason: "a config.toml table codex does not interpret: carried through as written",
    },
    Allowed {
        path: "Config.tools",
        reason: "a config.toml table codex does not interpret: carried through as written",
    },
];
