//! The `@` file popup (`tui.md` §4): a fuzzy search over the files under the session cwd (the
//! `ignore` walker, so `.gitignore`d files and hidden directories are skipped), the popup rows,
//! and the text that replaces `@query` in the composer. The search is a pure, blocking function;
//! the app runs it off the UI thread and drops stale results.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Widget;

/// Rows the popup shows at most.
pub const MAX_POPUP_ROWS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMatch {
    /// Relative to the search root, `/`-separated.
    pub path: String,
    /// Char indices into `path` of the matched query characters, ascending.
    pub indices: Vec<usize>,
}

/// The best `limit` files under `root` whose relative path contains the query's characters in
/// order (case-insensitive), best first: matches in the file name, contiguous runs and matches
/// at word starts score higher, longer paths lower; equal scores sort by path.
pub fn search_files(root: &Path, query: &str, limit: usize) -> Vec<FileMatch> {
    let query: Vec<char> = query.chars().map(fold_case).collect();
    let mut scored: Vec<(i64, FileMatch)> = ignore::WalkBuilder::new(root)
        // Apply .gitignore even when `root` is not (yet) a git repository.
        .require_git(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            let path = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let (score, indices) = fuzzy_match(&path, &query)?;
            Some((score, FileMatch { path, indices }))
        })
        .collect();
    scored.sort_by(|(a_score, a), (b_score, b)| b_score.cmp(a_score).then(a.path.cmp(&b.path)));
    scored.truncate(limit);
    scored.into_iter().map(|(_, found)| found).collect()
}

const MATCH_SCORE: i64 = 16;
const CONTIGUOUS_BONUS: i64 = 24;
const WORD_START_BONUS: i64 = 12;
const FILE_NAME_BONUS: i64 = 10;

/// Best-scoring alignment of `query` (already case-folded) as a subsequence of `path`: dynamic
/// programming over (query char, path position), so `main` in `src/domain/main.rs` picks the
/// file name rather than the first occurrence.
fn fuzzy_match(path: &str, query: &[char]) -> Option<(i64, Vec<usize>)> {
    let chars: Vec<char> = path.chars().collect();
    let length_penalty = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    if query.is_empty() {
        return Some((-length_penalty, Vec::new()));
    }
    let folded: Vec<char> = chars.iter().copied().map(fold_case).collect();
    // Most paths do not match at all: a linear subsequence check spares them the table.
    let mut wanted = query.iter().peekable();
    for c in &folded {
        wanted.next_if_eq(&c);
    }
    if wanted.peek().is_some() {
        return None;
    }
    let name_start = chars.iter().rposition(|&c| c == '/').map_or(0, |i| i + 1);
    let position_score = |j: usize| {
        let word_start = j == 0
            || matches!(chars[j - 1], '/' | '_' | '-' | '.' | ' ')
            || (chars[j - 1].is_lowercase() && chars[j].is_uppercase());
        MATCH_SCORE
            + if word_start { WORD_START_BONUS } else { 0 }
            + if j >= name_start { FILE_NAME_BONUS } else { 0 }
    };

    // best[i][j]: best score with query[i] matched at path[j]; from[i][j]: where query[i-1] was.
    let n = chars.len();
    let mut best = vec![vec![None::<i64>; n]; query.len()];
    let mut from = vec![vec![0usize; n]; query.len()];
    for (i, &wanted) in query.iter().enumerate() {
        // Best score of query[i-1] at any position < j - 1 (a gap before j).
        let mut best_before: Option<(i64, usize)> = None;
        for j in 0..n {
            if i > 0
                && j >= 2
                && let Some(score) = best[i - 1][j - 2]
                && best_before.is_none_or(|(top, _)| score > top)
            {
                best_before = Some((score, j - 2));
            }
            if folded[j] != wanted {
                continue;
            }
            let here = position_score(j);
            if i == 0 {
                best[i][j] = Some(here);
                continue;
            }
            let contiguous = j
                .checked_sub(1)
                .and_then(|prev| best[i - 1][prev].map(|score| (score + CONTIGUOUS_BONUS, prev)));
            let candidate = match (contiguous, best_before) {
                (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
                (a, b) => a.or(b),
            };
            if let Some((score, prev)) = candidate {
                best[i][j] = Some(score + here);
                from[i][j] = prev;
            }
        }
    }

    let last = query.len() - 1;
    let (mut j, score) = best[last]
        .iter()
        .enumerate()
        .filter_map(|(j, score)| score.map(|score| (j, score)))
        // Among equal scores prefer the later position (closer to the file name).
        .max_by_key(|&(j, score)| (score, j))?;
    let mut indices = vec![0; query.len()];
    for i in (0..query.len()).rev() {
        indices[i] = j;
        j = from[i][j];
    }
    Some((score - length_penalty, indices))
}

/// Per-char case folding, so char indices in the folded path match the original.
fn fold_case(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Height the popup needs: one row per match (at most 8), one for "no matches".
pub fn file_popup_height(matches: &[FileMatch]) -> u16 {
    matches.len().clamp(1, MAX_POPUP_ROWS) as u16
}

/// Draws up to 8 rows, scrolled so `selected` is visible: matched characters bold, the
/// selected row `› ` + bold + reversed, the others indented two columns.
pub fn render_file_popup(matches: &[FileMatch], selected: usize, area: Rect, buf: &mut Buffer) {
    if matches.is_empty() {
        Line::from("  no matches".dim().italic()).render(area, buf);
        return;
    }
    let visible = MAX_POPUP_ROWS.min(usize::from(area.height));
    let first = (selected + 1).saturating_sub(visible);
    for (row, (index, found)) in matches
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .enumerate()
    {
        let is_selected = index == selected;
        let mut spans = vec![Span::raw(if is_selected { "› " } else { "  " })];
        let mut matched = found.indices.iter().peekable();
        for (char_index, c) in found.path.chars().enumerate() {
            let style = if matched.next_if_eq(&&char_index).is_some() {
                Style::new().bold()
            } else {
                Style::new()
            };
            spans.push(Span::styled(c.to_string(), style));
        }
        let mut line = Line::from(spans);
        if is_selected {
            line = line.bold().reversed();
        }
        let row_area = Rect {
            y: area.y + row as u16,
            height: 1,
            ..area
        };
        line.render(row_area, buf);
    }
}

/// What replaces `@query` in the composer: the path (in double quotes when it contains
/// whitespace) and a space.
pub fn insert_text_for(path: &str) -> String {
    if path.chars().any(char::is_whitespace) {
        format!("\"{path}\" ")
    } else {
        format!("{path} ")
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use ratatui::style::Modifier;

    use super::*;
    use crate::test_support::render_to_string;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(err) => panic!("{err}"),
        };
        for file in files {
            let path = dir.path().join(file);
            if let Some(parent) = path.parent()
                && let Err(err) = std::fs::create_dir_all(parent)
            {
                panic!("{err}");
            }
            if let Err(err) = std::fs::write(&path, "") {
                panic!("{err}");
            }
        }
        dir
    }

    fn paths(matches: &[FileMatch]) -> Vec<&str> {
        matches.iter().map(|found| found.path.as_str()).collect()
    }

    #[test]
    fn respects_gitignore_and_skips_hidden_directories() {
        let dir = tree(&[
            ".gitignore",
            ".git/config",
            ".hidden/secret.rs",
            "target/debug/build.rs",
            "src/lib.rs",
            "src/main.rs",
            "README.md",
        ]);
        if let Err(err) = std::fs::write(dir.path().join(".gitignore"), "target/\n") {
            panic!("{err}");
        }
        assert_eq!(
            paths(&search_files(dir.path(), "", 10)),
            vec!["README.md", "src/lib.rs", "src/main.rs"]
        );
    }

    #[test]
    fn prefers_file_names_contiguous_runs_and_short_paths() {
        let dir = tree(&[
            "src/domain/main.rs",
            "src/main.rs",
            "docs/my_awesome_install_notes.txt",
            "Makefile",
            "tests/fixtures/deeply/nested/main.rs",
        ]);
        let matches = search_files(dir.path(), "main", 10);
        assert_eq!(
            matches,
            vec![
                FileMatch {
                    path: "src/main.rs".into(),
                    indices: vec![4, 5, 6, 7],
                },
                FileMatch {
                    path: "src/domain/main.rs".into(),
                    indices: vec![11, 12, 13, 14],
                },
                FileMatch {
                    path: "tests/fixtures/deeply/nested/main.rs".into(),
                    indices: vec![29, 30, 31, 32],
                },
                FileMatch {
                    path: "docs/my_awesome_install_notes.txt".into(),
                    indices: vec![5, 8, 16, 17],
                },
            ]
        );
    }

    #[test]
    fn case_insensitive_with_limit_and_ties_by_path() {
        let dir = tree(&["b/Foo.rs", "a/foo.rs", "c/foo.rs", "bar.rs"]);
        let matches = search_files(dir.path(), "FOO", 2);
        assert_eq!(paths(&matches), vec!["a/foo.rs", "b/Foo.rs"]);
        assert_eq!(search_files(dir.path(), "zzz", 10), Vec::new());
    }

    #[test]
    fn insert_text_quotes_paths_with_spaces() {
        assert_eq!(
            [
                insert_text_for("src/main.rs"),
                insert_text_for("docs/my notes.md")
            ],
            [
                "src/main.rs ".to_string(),
                "\"docs/my notes.md\" ".to_string()
            ]
        );
    }

    fn sample_matches(count: usize) -> Vec<FileMatch> {
        (0..count)
            .map(|i| FileMatch {
                path: format!("src/module_{i}/main.rs"),
                indices: vec![13, 14, 15, 16],
            })
            .collect()
    }

    #[test]
    fn popup_snapshot() {
        let matches = sample_matches(3);
        insta::assert_snapshot!(render_to_string(40, 3, |area, buf| {
            render_file_popup(&matches, 1, area, buf)
        }));
    }

    #[test]
    fn popup_scrolls_to_the_selection() {
        let matches = sample_matches(12);
        insta::assert_snapshot!(render_to_string(40, 8, |area, buf| {
            render_file_popup(&matches, 10, area, buf)
        }));
    }

    #[test]
    fn popup_without_matches() {
        insta::assert_snapshot!(render_to_string(40, 1, |area, buf| {
            render_file_popup(&[], 0, area, buf)
        }));
    }

    #[test]
    fn popup_styles_matched_characters_and_the_selected_row() {
        let matches = vec![
            FileMatch {
                path: "ab".into(),
                indices: vec![1],
            },
            FileMatch {
                path: "cd".into(),
                indices: vec![0],
            },
        ];
        let area = Rect::new(0, 0, 6, 2);
        let mut buf = Buffer::empty(area);
        render_file_popup(&matches, 1, area, &mut buf);
        let styles: Vec<Vec<(String, Modifier)>> = (0..2)
            .map(|y| {
                (0..6)
                    .map(|x| {
                        let cell = &buf[(x, y)];
                        (cell.symbol().to_string(), cell.modifier)
                    })
                    .collect()
            })
            .collect();
        let plain = Modifier::empty();
        let selected = Modifier::BOLD | Modifier::REVERSED;
        let row = |cells: [(&str, Modifier); 6]| -> Vec<(String, Modifier)> {
            cells.map(|(s, m)| (s.to_string(), m)).to_vec()
        };
        assert_eq!(
            styles,
            vec![
                row([
                    (" ", plain),
                    (" ", plain),
                    ("a", plain),
                    ("b", Modifier::BOLD),
                    (" ", plain),
                    (" ", plain),
                ]),
                // The highlight spans the popup's width.
                row([
                    ("›", selected),
                    (" ", selected),
                    ("c", selected),
                    ("d", selected),
                    (" ", selected),
                    (" ", selected),
                ]),
            ]
        );
    }
}
