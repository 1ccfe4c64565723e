//! `-c key=value` arguments (`config.md` §3): a dotted key path and a value read as TOML, or
//! as a raw string when it is not TOML, so `-c model=o3` works without shell-proof quoting.

use super::ConfigError;

/// One parsed `-c` argument, kept with its original text for error messages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CliOverride {
    pub path: Vec<String>,
    pub value: toml::Value,
    pub arg: String,
}

impl CliOverride {
    pub fn parse(arg: &str) -> Result<Self, ConfigError> {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(ConfigError::OverrideMissingEquals(arg.to_string()));
        };
        let path: Vec<String> = key
            .trim()
            .split('.')
            .map(|part| part.trim().to_string())
            .collect();
        if path.iter().any(String::is_empty) {
            return Err(ConfigError::OverrideEmptyKey(arg.to_string()));
        }
        Ok(CliOverride {
            path,
            value: parse_value(value.trim()),
            arg: arg.to_string(),
        })
    }

    /// `--enable NAME` / `--disable NAME`: the same as `-c features.NAME=true|false`.
    pub fn feature(name: &str, enabled: bool) -> Self {
        CliOverride {
            path: vec!["features".to_string(), name.to_string()],
            value: toml::Value::Boolean(enabled),
            arg: format!("features.{name}={enabled}"),
        }
    }
}

/// A JSON value as the right-hand side of a TOML `key = value`, so a JSON config object
/// (app-server params, the MCP `codex` tool's `config`) becomes `-c key=<literal>` arguments.
/// TOML has no null: a nested `null` becomes `""`.
pub fn toml_literal(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "\"\"".to_string(),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => value.to_string(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(toml_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(key, value)| format!(
                    "{} = {}",
                    Value::String(key.clone()),
                    toml_literal(value)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn parse_value(raw: &str) -> toml::Value {
    match raw.parse::<toml::Value>() {
        Ok(value) => value,
        Err(_) => toml::Value::String(strip_one_pair_of_quotes(raw).to_string()),
    }
}

fn strip_one_pair_of_quotes(raw: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = raw
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use toml::Value;

    use super::*;

    fn parsed(arg: &str) -> (Vec<String>, Value) {
        match CliOverride::parse(arg) {
            Ok(parsed) => (parsed.path, parsed.value),
            Err(err) => panic!("{arg}: {err}"),
        }
    }

    fn key(path: &str) -> Vec<String> {
        path.split('.').map(str::to_string).collect()
    }

    #[test]
    fn values_are_toml_else_raw_strings() {
        assert_eq!(
            parsed("model=o3-raw"),
            (key("model"), Value::String("o3-raw".into()))
        );
        assert_eq!(
            parsed("model=\"quoted\""),
            (key("model"), Value::String("quoted".into()))
        );
        assert_eq!(
            parsed("model=a b"),
            (key("model"), Value::String("a b".into()))
        );
        assert_eq!(parsed("model=42"), (key("model"), Value::Integer(42)));
        assert_eq!(
            parsed("sandbox_mode=workspace-write"),
            (key("sandbox_mode"), Value::String("workspace-write".into()))
        );
        assert_eq!(
            parsed(" model = 'x y' "),
            (key("model"), Value::String("x y".into()))
        );
        assert_eq!(
            parsed("model='unterminated"),
            (key("model"), Value::String("'unterminated".into()))
        );
    }

    #[test]
    fn arrays_inline_tables_and_deep_paths() {
        assert_eq!(
            parsed("sandbox_workspace_write.writable_roots=[\"/x\"]"),
            (
                key("sandbox_workspace_write.writable_roots"),
                Value::Array(vec![Value::String("/x".into())])
            )
        );
        let mut set = toml::Table::new();
        set.insert("CI".into(), Value::String("1".into()));
        assert_eq!(
            parsed("shell_environment_policy.set={CI=\"1\"}"),
            (key("shell_environment_policy.set"), Value::Table(set))
        );
        assert_eq!(
            parsed("model_providers.mock.base_url=\"http://127.0.0.1:9/v1\""),
            (
                key("model_providers.mock.base_url"),
                Value::String("http://127.0.0.1:9/v1".into())
            )
        );
    }

    #[test]
    fn malformed_arguments_are_errors() {
        let errors: Vec<String> = ["model", "=x", " .a=1", "a..b=1"]
            .into_iter()
            .map(|arg| match CliOverride::parse(arg) {
                Ok(parsed) => panic!("{arg} parsed as {parsed:?}"),
                Err(err) => err.to_string(),
            })
            .collect();
        assert_eq!(
            errors,
            vec![
                "Error parsing -c overrides: Invalid override (missing '='): model",
                "Error parsing -c overrides: Empty key in override: =x",
                "Error parsing -c overrides: Empty key in override:  .a=1",
                "Error parsing -c overrides: Empty key in override: a..b=1",
            ]
        );
    }

    #[test]
    fn feature_flags_are_boolean_overrides() {
        assert_eq!(
            CliOverride::feature("web_search_request", false),
            CliOverride {
                path: key("features.web_search_request"),
                value: Value::Boolean(false),
                arg: "features.web_search_request=false".to_string(),
            }
        );
    }

    #[test]
    fn json_values_become_toml_literals() {
        let value = serde_json::json!({"a b": [1, 2.5, "x\"y"], "on": true, "none": null});
        assert_eq!(
            toml_literal(&value),
            r#"{"a b" = [1, 2.5, "x\"y"], "on" = true, "none" = ""}"#
        );
        let mut table = toml::Table::new();
        table.insert(
            "a b".into(),
            Value::Array(vec![
                Value::Integer(1),
                Value::Float(2.5),
                Value::String("x\"y".into()),
            ]),
        );
        table.insert("on".into(), Value::Boolean(true));
        table.insert("none".into(), Value::String(String::new()));
        assert_eq!(
            parsed(&format!("t={}", toml_literal(&value))),
            (key("t"), Value::Table(table))
        );
    }
}
