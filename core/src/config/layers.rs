//! The layering of `config.md` §4 (file root < profile < `-c` overrides) on raw TOML tables, with
//! the provenance of every value: an error found after merging must still point at the line and
//! column in `config.toml`, or at the `-c` argument, that supplied the bad value.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::path::PathBuf;

use toml::de::DeTable;
use toml::de::DeValue;

use super::ConfigError;
use super::Location;
use super::overrides::CliOverride;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

pub(crate) type KeyPath = Vec<Seg>;

pub(crate) fn key_path(keys: &[&str]) -> KeyPath {
    keys.iter()
        .map(|key| Seg::Key((*key).to_string()))
        .collect()
}

/// `a.b[0]."/home/user/project".trust_level`: keys that are not bare TOML keys are quoted.
pub(crate) fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Index(index) => {
                let _ = write!(out, "[{index}]");
            }
            Seg::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(key);
                } else {
                    let _ = write!(out, "{key:?}");
                }
            }
        }
    }
    out
}

/// Where a value of the merged configuration came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Origin {
    /// The value at this key path of `config.toml`.
    File(KeyPath),
    /// A `-c` argument, verbatim.
    Override(String),
}

/// `config.toml` as read: its values, and the byte span of every value in its text.
#[derive(Debug)]
pub(crate) struct ConfigFile {
    pub path: PathBuf,
    pub table: toml::Table,
    text: String,
    spans: BTreeMap<KeyPath, Range<usize>>,
}

impl ConfigFile {
    /// Reads and parses the file; a missing file is an empty configuration.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse(path.to_path_buf(), text)
    }

    pub fn parse(path: PathBuf, text: String) -> Result<Self, ConfigError> {
        let table = match toml::from_str::<toml::Table>(&text) {
            Ok(table) => table,
            Err(err) => {
                let offset = err.span().map_or(0, |span| span.start);
                let (line, column) = line_column(&text, offset);
                let source_line = text.lines().nth(line - 1).unwrap_or_default().to_string();
                return Err(ConfigError::Syntax {
                    location: Location {
                        path,
                        line_column: Some((line, column)),
                    },
                    message: err.message().trim_end().to_string(),
                    source_line,
                });
            }
        };
        let mut spans = BTreeMap::new();
        // The text parsed above, so this parse succeeds; without spans errors only lose their
        // line and column.
        if let Ok(document) = DeTable::parse(&text) {
            collect_table_spans(document.get_ref(), &mut Vec::new(), &mut spans);
        }
        Ok(ConfigFile {
            path,
            table,
            text,
            spans,
        })
    }

    /// The location of the value at `path` (or of its closest enclosing value).
    pub fn location(&self, path: &[Seg]) -> Location {
        let span = (0..=path.len())
            .rev()
            .find_map(|len| self.spans.get(&path[..len]));
        Location {
            path: self.path.clone(),
            line_column: span.map(|span| line_column(&self.text, span.start)),
        }
    }
}

fn collect_table_spans(
    table: &DeTable<'_>,
    prefix: &mut KeyPath,
    out: &mut BTreeMap<KeyPath, Range<usize>>,
) {
    for (key, value) in table.iter() {
        prefix.push(Seg::Key(key.get_ref().to_string()));
        out.insert(prefix.clone(), value.span());
        collect_value_spans(value.get_ref(), prefix, out);
        prefix.pop();
    }
}

fn collect_value_spans(
    value: &DeValue<'_>,
    prefix: &mut KeyPath,
    out: &mut BTreeMap<KeyPath, Range<usize>>,
) {
    match value {
        DeValue::Table(table) => collect_table_spans(table, prefix, out),
        DeValue::Array(array) => {
            for (index, item) in array.iter().enumerate() {
                prefix.push(Seg::Index(index));
                out.insert(prefix.clone(), item.span());
                collect_value_spans(item.get_ref(), prefix, out);
                prefix.pop();
            }
        }
        DeValue::String(_)
        | DeValue::Integer(_)
        | DeValue::Float(_)
        | DeValue::Boolean(_)
        | DeValue::Datetime(_) => {}
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

/// A configuration table built layer by layer, remembering which layer set each value.
#[derive(Debug, Clone)]
pub(crate) struct Layered {
    pub table: toml::Table,
    /// Provenance at the paths where a layer wrote; a value below such a path shares it.
    origins: BTreeMap<KeyPath, Origin>,
}

impl Layered {
    pub fn from_file(file: &ConfigFile) -> Self {
        let origins = file
            .table
            .keys()
            .map(|key| {
                let path = vec![Seg::Key(key.clone())];
                (path.clone(), Origin::File(path))
            })
            .collect();
        Layered {
            table: file.table.clone(),
            origins,
        }
    }

    /// Sets the override's leaf, creating missing tables and replacing non-table intermediates.
    pub fn apply_override(&mut self, cli: &CliOverride) {
        let Some((leaf, parents)) = cli.path.split_last() else {
            return;
        };
        let origin = Origin::Override(cli.arg.clone());
        let mut path = KeyPath::new();
        let mut current = &mut self.table;
        let mut rewritten = Vec::new();
        for key in parents {
            path.push(Seg::Key(key.clone()));
            if !current.get(key).is_some_and(toml::Value::is_table) {
                current.insert(key.clone(), toml::Value::Table(toml::Table::new()));
                rewritten.push(path.clone());
            }
            let Some(next) = current.get_mut(key).and_then(toml::Value::as_table_mut) else {
                return;
            };
            current = next;
        }
        current.insert(leaf.clone(), cli.value.clone());
        path.push(Seg::Key(leaf.clone()));
        rewritten.push(path);
        for path in rewritten {
            self.set_origin(path, origin.clone());
        }
    }

    /// Merges `profile` (the table at `["profiles", name]` of `source`) into the root, key by key
    /// for tables. Returns the keys a profile may not hold, which are skipped.
    pub fn merge_profile(
        &mut self,
        source: &Layered,
        name: &str,
        profile: &toml::Table,
    ) -> Vec<KeyPath> {
        let source_prefix = key_path(&["profiles", name]);
        let mut skipped = Vec::new();
        let mut allowed = profile.clone();
        for reserved in ["profile", "profiles", "projects"] {
            if allowed.remove(reserved).is_some() {
                let mut path = source_prefix.clone();
                path.push(Seg::Key(reserved.to_string()));
                skipped.push(path);
            }
        }
        let mut replaced = Vec::new();
        merge_tables(&mut self.table, &allowed, &mut Vec::new(), &mut replaced);
        for path in replaced {
            let mut full = source_prefix.clone();
            full.extend(path.iter().cloned());
            match source.origin(&full) {
                Some(origin) => self.set_origin(path, origin),
                None => self.origins.retain(|key, _| !key.starts_with(&path)),
            }
        }
        skipped
    }

    fn set_origin(&mut self, path: KeyPath, origin: Origin) {
        self.origins.retain(|key, _| !key.starts_with(&path));
        self.origins.insert(path, origin);
    }

    /// The origin of the value at `path`; a file origin names the exact key path in the file.
    pub fn origin(&self, path: &[Seg]) -> Option<Origin> {
        let len = (0..=path.len())
            .rev()
            .find(|len| self.origins.contains_key(&path[..*len]))?;
        match self.origins.get(&path[..len])? {
            Origin::File(file_path) => {
                let mut full = file_path.clone();
                full.extend(path[len..].iter().cloned());
                Some(Origin::File(full))
            }
            Origin::Override(arg) => Some(Origin::Override(arg.clone())),
        }
    }

    /// The error for a bad value at `path` of the merged table, pointing at its source.
    pub fn error_at(&self, file: &ConfigFile, path: &[Seg], message: String) -> ConfigError {
        match self.origin(path) {
            Some(Origin::File(file_path)) => ConfigError::Invalid {
                location: file.location(&file_path),
                message,
                key: display_path(&file_path),
            },
            Some(Origin::Override(arg)) => ConfigError::InvalidOverride { message, arg },
            None => ConfigError::Invalid {
                location: Location {
                    path: file.path.clone(),
                    line_column: None,
                },
                message,
                key: display_path(path),
            },
        }
    }

    /// How to name `path` in a warning: its key in `config.toml` when it came from there.
    pub fn describe(&self, path: &[Seg]) -> String {
        match self.origin(path) {
            Some(Origin::File(file_path)) => display_path(&file_path),
            Some(Origin::Override(_)) | None => display_path(path),
        }
    }
}

/// Tables merge key by key; anything else replaces. Collects the replaced paths.
fn merge_tables(
    dest: &mut toml::Table,
    src: &toml::Table,
    prefix: &mut KeyPath,
    replaced: &mut Vec<KeyPath>,
) {
    for (key, value) in src {
        prefix.push(Seg::Key(key.clone()));
        match (dest.get_mut(key), value) {
            (Some(toml::Value::Table(dest_table)), toml::Value::Table(src_table)) => {
                merge_tables(dest_table, src_table, prefix, replaced);
            }
            _ => {
                dest.insert(key.clone(), value.clone());
                replaced.push(prefix.clone());
            }
        }
        prefix.pop();
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn file(text: &str) -> ConfigFile {
        match ConfigFile::parse(PathBuf::from("/c/config.toml"), text.to_string()) {
            Ok(file) => file,
            Err(err) => panic!("{err}"),
        }
    }

    fn cli(arg: &str) -> CliOverride {
        match CliOverride::parse(arg) {
            Ok(cli) => cli,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn display_path_quotes_non_bare_keys() {
        let path = vec![
            Seg::Key("projects".into()),
            Seg::Key("/home/user/project".into()),
            Seg::Key("writable_roots".into()),
            Seg::Index(2),
        ];
        assert_eq!(
            display_path(&path),
            "projects.\"/home/user/project\".writable_roots[2]"
        );
    }

    #[test]
    fn locations_point_at_values() {
        let file =
            file("model = \"x\"\n\n[sandbox_workspace_write]\nwritable_roots = [\"/a\", \"b\"]\n");
        let at = |keys: &[Seg]| file.location(keys).to_string();
        assert_eq!(at(&key_path(&["model"])), "/c/config.toml:1:9");
        let mut root = key_path(&["sandbox_workspace_write", "writable_roots"]);
        root.push(Seg::Index(1));
        assert_eq!(at(&root), "/c/config.toml:4:25");
        assert_eq!(at(&key_path(&["nope"])), "/c/config.toml");
    }

    #[test]
    fn syntax_errors_show_the_source_line() {
        let err = match ConfigFile::parse(
            PathBuf::from("/c/config.toml"),
            "a = 1\nmodel = = 2\n".into(),
        ) {
            Ok(file) => panic!("parsed {file:?}"),
            Err(err) => err.to_string(),
        };
        assert_eq!(
            err,
            "Error loading config.toml: /c/config.toml:2:9: extra `=`, expected nothing\n  model = = 2"
        );
    }

    #[test]
    fn provenance_follows_the_last_writer() {
        let file = file(
            "model = \"a\"\n[profiles.p]\nmodel = \"b\"\n[profiles.p.tbl]\nx = 1\n[tbl]\ny = 2\n",
        );
        let mut copy = Layered::from_file(&file);
        copy.apply_override(&cli("profiles.p.tbl.z=3"));
        let mut layered = Layered::from_file(&file);
        let profile = match copy.table["profiles"]["p"].as_table() {
            Some(profile) => profile.clone(),
            None => panic!("no profile"),
        };
        assert_eq!(
            layered.merge_profile(&copy, "p", &profile),
            Vec::<KeyPath>::new()
        );
        assert_eq!(
            layered.origin(&key_path(&["model"])),
            Some(Origin::File(key_path(&["profiles", "p", "model"])))
        );
        assert_eq!(
            layered.origin(&key_path(&["tbl", "y"])),
            Some(Origin::File(key_path(&["tbl", "y"])))
        );
        assert_eq!(
            layered.origin(&key_path(&["tbl", "x"])),
            Some(Origin::File(key_path(&["profiles", "p", "tbl", "x"])))
        );
        assert_eq!(
            layered.origin(&key_path(&["tbl", "z"])),
            Some(Origin::Override("profiles.p.tbl.z=3".into()))
        );
        layered.apply_override(&cli("model=c"));
        layered.apply_override(&cli("model_providers.mock.base_url=u"));
        assert_eq!(
            layered.origin(&key_path(&["model"])),
            Some(Origin::Override("model=c".into()))
        );
        assert_eq!(
            layered.origin(&key_path(&["model_providers", "mock"])),
            Some(Origin::Override("model_providers.mock.base_url=u".into()))
        );
        assert_eq!(layered.table["model"].as_str(), Some("c"));
        assert_eq!(
            layered.table["tbl"].as_table().map(toml::Table::len),
            Some(3)
        );
    }

    #[test]
    fn overrides_replace_non_table_intermediates() {
        let file = file("sandbox_workspace_write = 3\n");
        let mut layered = Layered::from_file(&file);
        layered.apply_override(&cli("sandbox_workspace_write.network_access=true"));
        let mut expected = toml::Table::new();
        expected.insert("network_access".into(), toml::Value::Boolean(true));
        assert_eq!(
            layered.table["sandbox_workspace_write"],
            toml::Value::Table(expected)
        );
        assert_eq!(
            layered.origin(&key_path(&["sandbox_workspace_write"])),
            Some(Origin::Override(
                "sandbox_workspace_write.network_access=true".into()
            ))
        );
    }

    #[test]
    fn profiles_cannot_hold_reserved_keys() {
        let file = file("[profiles.p]\nprofile = \"q\"\nmodel = \"m\"\n[profiles.p.projects.x]\n");
        let copy = Layered::from_file(&file);
        let profile = match copy.table["profiles"]["p"].as_table() {
            Some(profile) => profile.clone(),
            None => panic!("no profile"),
        };
        let mut layered = Layered::from_file(&file);
        assert_eq!(
            layered.merge_profile(&copy, "p", &profile),
            vec![
                key_path(&["profiles", "p", "profile"]),
                key_path(&["profiles", "p", "projects"])
            ]
        );
        assert_eq!(layered.table.get("profile"), None);
        assert_eq!(layered.table["model"].as_str(), Some("m"));
    }
}
