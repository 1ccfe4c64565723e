//! The names MCP tools get in front of the model (`mcp.md` §2.5): `mcp__<server>__<tool>`,
//! made safe for the Responses API and at most 64 characters long.

use sha1::Digest as _;
use sha1::Sha1;

const DELIMITER: &str = "__";
const MAX_LENGTH: usize = 64;
/// Characters kept from a long name before its hash.
const PREFIX_LENGTH: usize = MAX_LENGTH - 40;

/// Server names must match `^[a-zA-Z0-9_-]+$`.
pub(crate) fn is_valid_server_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_name_char)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The qualified name of `server`'s tool `tool`: characters outside `[A-Za-z0-9_-]` become
/// `_`; a name over 64 characters keeps its first 24 and appends the SHA-1 (lower-case hex)
/// of the whole sanitised name.
pub(crate) fn qualified_tool_name(server: &str, tool: &str) -> String {
    let name: String = format!("mcp{DELIMITER}{server}{DELIMITER}{tool}")
        .chars()
        .map(|c| if is_name_char(c) { c } else { '_' })
        .collect();
    if name.len() <= MAX_LENGTH {
        return name;
    }
    let digest = Sha1::digest(name.as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}{hex}", &name[..PREFIX_LENGTH])
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn short_names_are_joined_and_sanitised() {
        assert_eq!(qualified_tool_name("docs", "search"), "mcp__docs__search");
        assert_eq!(
            qualified_tool_name("docs", "add.numbers"),
            "mcp__docs__add_numbers"
        );
    }

    #[test]
    fn long_names_keep_24_characters_and_the_sha1() {
        let name = qualified_tool_name(
            "docs",
            "search_all_repositories_for_matching_symbols_and_return_ranked_results",
        );
        assert_eq!(
            name,
            "mcp__docs__search_all_rea12c38e0c1e6763d06390d8910f260f9697c9afc"
        );
        assert_eq!(name.len(), 64);
    }

    #[test]
    fn server_names_follow_the_pattern() {
        assert_eq!(
            ["docs", "my-tool_2", "bad.name", "", "sp ace"].map(is_valid_server_name),
            [true, true, false, false, false]
        );
    }
}
