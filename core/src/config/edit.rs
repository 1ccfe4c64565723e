//! Edits of `$CODEX_HOME/config.toml` made on the user's behalf (the TUI's trust prompt,
//! `/model` persist, `codex mcp add|remove`). The file is edited in place with `toml_edit`, so
//! comments, ordering and every other key survive; it is created (0600, in a 0700 `CODEX_HOME`)
//! when missing.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;
use std::path::PathBuf;

use toml_edit::Array;
use toml_edit::DocumentMut;
use toml_edit::Item;
use toml_edit::Table;
use toml_edit::Value;

use super::McpServerConfig;
use super::McpServerTransportConfig;
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

/// Writes `[mcp_servers.<name>]` canonically from `server` (`mcp.md` §3.5). An existing entry
/// is replaced whole (its sub-tables and inner comments go) where it stood, keeping the
/// comments above its header.
pub fn set_mcp_server(
    codex_home: &Path,
    name: &str,
    server: &McpServerConfig,
) -> Result<(), ConfigEditError> {
    edit_config(codex_home, |doc, path| {
        let servers = child_table(doc.as_table_mut(), "mcp_servers", Header::Implicit, path)?;
        let mut entry = mcp_server_table(server);
        if let Some(Item::Table(old)) = servers.get(name) {
            *entry.decor_mut() = old.decor().clone();
            entry.set_position(old.position());
        }
        servers.insert(name, Item::Table(entry));
        Ok(())
    })
}

/// Removes `[mcp_servers.<name>]`; `false` (and the file untouched) when there is no such entry.
pub fn remove_mcp_server(codex_home: &Path, name: &str) -> Result<bool, ConfigEditError> {
    let path = codex_home.join(CONFIG_FILE);
    let mut doc = read_config(&path)?;
    let removed = doc
        .get_mut("mcp_servers")
        .and_then(Item::as_table_like_mut)
        .and_then(|servers| servers.remove(name))
        .is_some();
    if removed {
        // When the entry was first in the file, the blank line that separated the next table
        // from it would now open the file.
        let text = doc.to_string();
        write_config(codex_home, &path, text.trim_start_matches('\n'))?;
    }
    Ok(removed)
}

/// The canonical table of one server: keys in the order of `mcp.md` §3.5, defaults left out,
/// maps as sub-tables with sorted keys, timeouts as float seconds.
fn mcp_server_table(server: &McpServerConfig) -> Table {
    let mut entry = Table::new();
    let sub_tables = match &server.transport {
        McpServerTransportConfig::Stdio {
            command,
            args,
            env,
            env_vars,
            cwd,
        } => {
            entry.insert("command", toml_edit::value(command.as_str()));
            if !args.is_empty() {
                entry.insert("args", string_array(args));
            }
            if !env_vars.is_empty() {
                entry.insert("env_vars", string_array(env_vars));
            }
            if let Some(cwd) = cwd {
                entry.insert("cwd", toml_edit::value(cwd.to_string_lossy().as_ref()));
            }
            vec![("env", env)]
        }
        McpServerTransportConfig::StreamableHttp {
            url,
            bearer_token_env_var,
            http_headers,
            env_http_headers,
        } => {
            entry.insert("url", toml_edit::value(url.as_str()));
            if let Some(var) = bearer_token_env_var {
                entry.insert("bearer_token_env_var", toml_edit::value(var.as_str()));
            }
            vec![
                ("http_headers", http_headers),
                ("env_http_headers", env_http_headers),
            ]
        }
    };
    if !server.enabled {
        entry.insert("enabled", toml_edit::value(false));
    }
    if let Some(timeout) = server.startup_timeout_sec {
        entry.insert(
            "startup_timeout_sec",
            toml_edit::value(timeout.as_secs_f64()),
        );
    }
    if let Some(timeout) = server.tool_timeout_sec {
        entry.insert("tool_timeout_sec", toml_edit::value(timeout.as_secs_f64()));
    }
    if let Some(tools) = &server.enabled_tools {
        entry.insert("enabled_tools", string_array(tools));
    }
    if let Some(tools) = &server.disabled_tools {
        entry.insert("disabled_tools", string_array(tools));
    }
    for (key, map) in sub_tables {
        if let Some(map) = map.as_ref().filter(|map| !map.is_empty()) {
            entry.insert(key, Item::Table(string_table(map)));
        }
    }
    entry
}

fn string_array(items: &[String]) -> Item {
    toml_edit::value(items.iter().map(String::as_str).collect::<Array>())
}

fn string_table(map: &BTreeMap<String, String>) -> Table {
    let mut table = Table::new();
    for (key, value) in map {
        table.insert(key, toml_edit::value(value.as_str()));
    }
    table
}

/// Reads `config.toml` (missing = empty), applies `edit`, writes it back.
fn edit_config(
    codex_home: &Path,
    edit: impl FnOnce(&mut DocumentMut, &Path) -> Result<(), ConfigEditError>,
) -> Result<(), ConfigEditError> {
    let path = codex_home.join(CONFIG_FILE);
    let mut doc = read_config(&path)?;
    edit(&mut doc, &path)?;
    write_config(codex_home, &path, &doc.to_string())
}

/// The parsed `config.toml`; a missing file is an empty document.
fn read_config(path: &Path) -> Result<DocumentMut, ConfigEditError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigEditError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    text.parse().map_err(|source| ConfigEditError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// Replaces `path` (0600) with `text`, creating `codex_home` (0700) first when missing.
fn write_config(codex_home: &Path, path: &Path, text: &str) -> Result<(), ConfigEditError> {
    create_private_dir(codex_home).map_err(|source| ConfigEditError::Write {
        path: codex_home.to_path_buf(),
        source,
    })?;
    replace_private_file(path, text.as_bytes()).map_err(|source| ConfigEditError::Write {
        path: path.to_path_buf(),
        source,
    })
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
