//! Identifier minting: thread, turn and item ids are UUIDv7 (time-ordered, lowercase, hyphenated).

use uuid::Uuid;

pub fn new_v7() -> String {
    Uuid::now_v7().to_string()
}

/// A client-minted item id such as `msg_<uuidv7>` or `fco_<uuidv7>`.
pub fn prefixed(prefix: &str) -> String {
    format!("{prefix}_{}", Uuid::now_v7())
}
