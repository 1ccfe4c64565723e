//! Edits of `$CODEX_HOME/config.toml` made on the user's behalf (the TUI's trust prompt and
//! `/model` persist). The file is edited in place with `toml_edit`, so comments, ordering and
//! every other key survive; it is created (0600, in a 0700 `CODEX_HOME`) when missing.

use std::io::ErrorKind;
use std::path::Path;
use std::path::PathBuf;

use toml_edit::DocumentMut;
use toml_edit::Item;
use toml_edit::Table;
use toml_edit::Value;

use super::ReasoningEffort;
use crate::private_file::create_private_dir;
use crate::private_file::replace_private_file;

const CONFIG_FILE: &str = "config.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigEditError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not valid TOML, so it was left unchanged; fix it, then try again: {source}", path.display())]
    Parse {
        path: PathBuf,
        source: toml_edit::TomlError,
    },
    #[error("{}: `{key}` is not a table, so it was left unchanged; fix it, then try again", path.display())]
    NotATable { path: PathBuf, key: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Adds (or updates) `[projects."<project>"]` `trust_level = "trusted"`. `project` is the key
/// from `project_trust_key`.
pub fn set_project_trusted(codex_home: &Path, project: &Path) -> Result<(), ConfigEditError> {
    let project = project.to_string_lossy();
    edit_config(codex_home, |doc, path| {
        let projects = child_table(doc.as_table_mut(), "projects", Header::Implicit, path)?;
        let entry = child_table(projects, &project, Header::Explicit, path)?;
        set_value(entry, "trust_level", "trusted");
        Ok(())
    })
}

/// Persists the model choice: `model` and `model_reasoning_effort` at the top level, or under
/// `[profiles.<profile>]`. `effort: None` removes `model_reasoning_effort` there.
pub fn set_model(
    codex_home: &Path,
    profile: Option<&str>,
    model: &str,
    effort: Option<ReasoningEffort>,
) -> Result<(), ConfigEditError> {
    edit_config(codex_home, |doc, path| {
        let table = match profile {
            None => doc.as_table_mut(),
            Some(name) => {
                let profiles = child_table(doc.as_table_mut(), "profiles", Header::Implicit, path)?;
                child_table(profiles, name, Header::Explicit, path)?
            }
        };
        set_value(table, "model", model);
        match effort {
            Some(effort) => set_value(table, "model_reasoning_effort", effort.as_str()),
            None => {
                table.remove("model_reasoning_effort");
            }
        }
        Ok(())
    })
}

/// Reads `config.toml` (missing = empty), applies `edit`, writes it back.
fn edit_config(
    codex_home: &Path,
    edit: impl FnOnce(&mut DocumentMut, &Path) -> Result<(), ConfigEditError>,
) -> Result<(), ConfigEditError> {
    let path = codex_home.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == ErrorKind::NotFound => String::new(),
        Err(source) => return Err(ConfigEditError::Read { path, source }),
    };
    let mut doc: DocumentMut = match text.parse() {
        Ok(doc) => doc,
        Err(source) => return Err(ConfigEditError::Parse { path, source }),
    };
    edit(&mut doc, &path)?;
    create_private_dir(codex_home).map_err(|source| ConfigEditError::Write {
        path: codex_home.to_path_buf(),
        source,
    })?;
    replace_private_file(&path, doc.to_string().as_bytes())
        .map_err(|source| ConfigEditError::Write { path, source })
}

/// How a table created by an edit is written.
#[derive(Clone, Copy)]
enum Header {
    /// No `[name]` line of its own while it holds only tables (`projects`, `profiles`).
    Implicit,
    /// Its own `[parent.name]` section.
    Explicit,
}

/// The table `parent.key`, created when missing. An inline table there (`projects = { … }`)
/// becomes a section with the same entries, so new entries can be added as sections.
fn child_table<'a>(
    parent: &'a mut Table,
    key: &str,
    header: Header,
    path: &Path,
) -> Result<&'a mut Table, ConfigEditError> {
    match parent.get_mut(key) {
        None => {
            let mut table = Table::new();
            table.set_implicit(matches!(header, Header::Implicit));
            parent.insert(key, Item::Table(table));
        }
        // Replaced in place: `Table::insert` would reset the key's formatting (and its comments).
        Some(item @ Item::Value(Value::InlineTable(_))) => {
            if let Item::Value(Value::InlineTable(inline)) = std::mem::take(item) {
                let mut table = inline.into_table();
                table.set_implicit(matches!(header, Header::Implicit));
                *item = Item::Table(table);
            }
            // The space before `=` would end up inside the `[…]` header.
            if let Some(mut key) = parent.key_mut(key) {
                key.leaf_decor_mut().set_suffix("");
            }
        }
        Some(Item::Table(_)) => {}
        Some(Item::None | Item::Value(_) | Item::ArrayOfTables(_)) => {
            return Err(ConfigEditError::NotATable {
                path: path.to_path_buf(),
                key: key.to_string(),
            });
        }
    }
    parent
        .get_mut(key)
        .and_then(Item::as_table_mut)
        .ok_or_else(|| ConfigEditError::NotATable {
            path: path.to_path_buf(),
            key: key.to_string(),
        })
}

/// Sets `key = "value"`. An existing value is replaced in place, keeping the comments above
/// the key and after the value.
fn set_value(table: &mut Table, key: &str, value: &str) {
    let mut new_value = Value::from(value);
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            *new_value.decor_mut() = old.decor().clone();
            *old = new_value;
        }
        Some(item @ (Item::None | Item::Table(_) | Item::ArrayOfTables(_))) => {
            *item = Item::Value(new_value);
        }
        None => {
            table.insert(key, Item::Value(new_value));
        }
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
