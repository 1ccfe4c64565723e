//! `shell_environment_policy` (`config.md` §7): the environment of every command the model or
//! the user runs, built from the parent environment in a fixed order (inherit → default
//! excludes → `exclude` → `set` → `include_only`) with case-insensitive whole-name globs.

use std::collections::HashMap;

use super::EnvironmentInherit;
use super::ShellEnvironmentPolicy;

/// What `inherit = "core"` keeps (those present).
const CORE_VARS: &[&str] = &[
    "HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP",
];

/// Names containing these are dropped unless `ignore_default_excludes = true`.
const DEFAULT_EXCLUDES: &[&str] = &["*KEY*", "*SECRET*", "*TOKEN*"];

impl Default for ShellEnvironmentPolicy {
    fn default() -> Self {
        ShellEnvironmentPolicy {
            inherit: EnvironmentInherit::All,
            ignore_default_excludes: false,
            exclude: Vec::new(),
            set: Default::default(),
            include_only: Vec::new(),
        }
    }
}

impl ShellEnvironmentPolicy {
    /// The environment a command starts with, before codex adds its own variables.
    pub fn build_env(&self, parent: &HashMap<String, String>) -> HashMap<String, String> {
        let mut env: HashMap<String, String> = match self.inherit {
            EnvironmentInherit::All => parent.clone(),
            EnvironmentInherit::Core => parent
                .iter()
                .filter(|(name, _)| CORE_VARS.contains(&name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
            EnvironmentInherit::None => HashMap::new(),
        };
        if !self.ignore_default_excludes {
            env.retain(|name, _| !matches_any(DEFAULT_EXCLUDES, name));
        }
        env.retain(|name, _| !matches_any(&self.exclude, name));
        for (name, value) in &self.set {
            env.insert(name.clone(), value.clone());
        }
        if !self.include_only.is_empty() {
            env.retain(|name, _| matches_any(&self.include_only, name));
        }
        env
    }
}

fn matches_any<S: AsRef<str>>(patterns: &[S], name: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| glob_matches(pattern.as_ref(), name))
}

#[derive(Debug)]
enum Token {
    Literal(char),
    AnyChar,
    AnyRun,
    /// `[...]`: inclusive ranges (a single char is a range of one), negated by `^` or `!`.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '*' => tokens.push(Token::AnyRun),
            '?' => tokens.push(Token::AnyChar),
            '[' => match parse_class(&chars[i..]) {
                Some((token, used)) => {
                    tokens.push(token);
                    i += used;
                }
                // An unclosed `[` is a literal.
                None => tokens.push(Token::Literal('[')),
            },
            other => tokens.push(Token::Literal(other)),
        }
    }
    tokens
}

/// Parses a class after its `[`; returns the token and the number of chars used (incl. `]`).
fn parse_class(chars: &[char]) -> Option<(Token, usize)> {
    let mut i = 0;
    let negated = matches!(chars.first(), Some('^' | '!'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        match (chars.get(i + 1), chars.get(i + 2)) {
            (Some('-'), Some(&end)) if end != ']' => {
                ranges.push((c, end));
                i += 3;
            }
            _ => {
                ranges.push((c, c));
                i += 1;
            }
        }
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(literal) => fold(*literal) == fold(c),
        Token::AnyChar => true,
        Token::AnyRun => false,
        Token::Class { negated, ranges } => {
            let variants = [c, fold(c), c.to_uppercase().next().unwrap_or(c)];
            let hit = ranges.iter().any(|(start, end)| {
                variants
                    .iter()
                    .any(|variant| (*start..=*end).contains(variant))
            });
            hit != *negated
        }
    }
}

/// Whole-name, case-insensitive glob match with backtracking over the last `*`.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let tokens = tokenize(pattern);
    let name: Vec<char> = name.chars().collect();
    let (mut t, mut n) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        match tokens.get(t) {
            Some(Token::AnyRun) => {
                backtrack = Some((t, n));
                t += 1;
            }
            Some(token) if token_matches(token, name[n]) => {
                t += 1;
                n += 1;
            }
            _ => match backtrack {
                Some((star, start)) => {
                    t = star + 1;
                    n = start + 1;
                    backtrack = Some((star, start + 1));
                }
                None => return false,
            },
        }
    }
    tokens[t..]
        .iter()
        .all(|token| matches!(token, Token::AnyRun))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pretty_assertions::assert_eq;

    use super::*;

    fn parent() -> HashMap<String, String> {
        [
            "FOO_TOKEN",
            "MY_SECRET_X",
            "SOME_KEY",
            "PASSWORD_X",
            "AWS_THING",
            "PATH",
            "HOME",
        ]
        .into_iter()
        .map(|name| (name.to_string(), format!("{name}-value")))
        .collect()
    }

    fn names(env: HashMap<String, String>) -> Vec<String> {
        let mut names: Vec<String> = env.into_keys().collect();
        names.sort();
        names
    }

    fn policy() -> ShellEnvironmentPolicy {
        ShellEnvironmentPolicy::default()
    }

    #[test]
    fn defaults_drop_key_secret_and_token_names() {
        assert_eq!(
            names(policy().build_env(&parent())),
            vec!["AWS_THING", "HOME", "PASSWORD_X", "PATH"]
        );
    }

    #[test]
    fn ignore_default_excludes_keeps_everything() {
        let policy = ShellEnvironmentPolicy {
            ignore_default_excludes: true,
            ..policy()
        };
        assert_eq!(policy.build_env(&parent()), parent());
    }

    #[test]
    fn inherit_core_keeps_the_core_set() {
        let policy = ShellEnvironmentPolicy {
            inherit: EnvironmentInherit::Core,
            ..policy()
        };
        assert_eq!(names(policy.build_env(&parent())), vec!["HOME", "PATH"]);
    }

    #[test]
    fn inherit_none_with_set() {
        let policy = ShellEnvironmentPolicy {
            inherit: EnvironmentInherit::None,
            set: BTreeMap::from([("CI".to_string(), "1".to_string())]),
            ..policy()
        };
        assert_eq!(
            policy.build_env(&parent()),
            HashMap::from([("CI".to_string(), "1".to_string())])
        );
    }

    #[test]
    fn exclude_then_include_only() {
        let policy = ShellEnvironmentPolicy {
            ignore_default_excludes: true,
            include_only: vec!["PATH".into(), "AWS*".into(), "FOO*".into()],
            exclude: vec!["AWS_*".into()],
            ..policy()
        };
        assert_eq!(
            names(policy.build_env(&parent())),
            vec!["FOO_TOKEN", "PATH"]
        );
    }

    #[test]
    fn set_overrides_and_survives_excludes_but_not_include_only() {
        let policy = ShellEnvironmentPolicy {
            exclude: vec!["path".into()],
            set: BTreeMap::from([
                ("HOME".to_string(), "/elsewhere".to_string()),
                ("API_TOKEN".to_string(), "t".to_string()),
                ("OTHER".to_string(), "o".to_string()),
            ]),
            include_only: vec!["*o*".into()],
            ..policy()
        };
        assert_eq!(
            policy.build_env(&parent()),
            HashMap::from([
                ("HOME".to_string(), "/elsewhere".to_string()),
                ("API_TOKEN".to_string(), "t".to_string()),
                ("OTHER".to_string(), "o".to_string()),
                ("PASSWORD_X".to_string(), "PASSWORD_X-value".to_string()),
            ])
        );
    }

    #[test]
    fn globs() {
        let cases = [
            ("PATH", "path", true),
            ("P?TH", "PATH", true),
            ("P?TH", "PTH", false),
            ("*", "", true),
            ("A*B*C", "AxxBxxC", true),
            ("A*B*C", "AxxBxxCx", false),
            ("AWS", "AWS_THING", false),
            ("*_[A-Z]", "VAR_x", true),
            ("VAR_[^0-9]", "VAR_1", false),
            ("VAR_[!0-9]", "VAR_a", true),
            ("VAR_[^0-9]", "VAR_a", true),
            ("[]]", "]", true),
            ("[a-]", "-", true),
            ("X[", "x[", true),
            ("*key*", "MONKEY_BUSINESS", true),
        ];
        let failures: Vec<_> = cases
            .iter()
            .filter(|(pattern, name, expected)| glob_matches(pattern, name) != *expected)
            .collect();
        assert_eq!(failures, Vec::<&(&str, &str, bool)>::new());
    }
}
