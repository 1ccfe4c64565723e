//! JSON Schema (draft-07) of the protocol, generated from the Rust types in the original's
//! layout: `ClientRequest.json`, `ServerNotification.json`, `ServerRequest.json` (a `oneOf` of
//! `{method, id?, params}` per method) and `codex_app_server_protocol.v2.schemas.json` (every
//! type under `definitions`). The files are committed; `just write-app-server-schema` rewrites
//! them and a test fails when they are stale.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::path::Path;

use schemars::JsonSchema;
use schemars::Schema;
use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::Map;
use serde_json::Value;
use serde_json::json;

use crate::envelope::RequestId;
use crate::methods::client_request_schemas;
use crate::methods::server_notification_schemas;
use crate::methods::server_request_schemas;

/// Schema-only stand-in for an `Option<T>` field that is always written (as `null` when empty):
/// the property is nullable *and* required, like the original's `Thread.projectId`.
pub(crate) struct RequiredNullable<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for RequiredNullable<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <Option<T>>::json_schema(generator)
    }
}

/// One method of a table: its name, its params type and (for requests) its result type.
pub(crate) struct MethodSchema {
    method: &'static str,
    params: fn(&mut SchemaGenerator) -> Schema,
    result: Option<fn(&mut SchemaGenerator) -> Schema>,
}

impl MethodSchema {
    pub(crate) fn new<P: JsonSchema>(method: &'static str) -> Self {
        Self {
            method,
            params: SchemaGenerator::subschema_for::<P>,
            result: None,
        }
    }

    pub(crate) fn with_result<R: JsonSchema>(self) -> Self {
        Self {
            result: Some(SchemaGenerator::subschema_for::<R>),
            ..self
        }
    }
}

/// A generated schema file: its name and its pretty-printed content (`\n`-terminated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    pub name: &'static str,
    pub contents: String,
}

/// Generates every schema file, in a fixed order with sorted definitions, so the output is
/// byte-for-byte reproducible.
pub fn generate_schema_files() -> Result<Vec<SchemaFile>, serde_json::Error> {
    let requests = client_request_schemas();
    let notifications = server_notification_schemas();
    let server_requests = server_request_schemas();

    let mut all = SchemaSettings::draft07().into_generator();
    for method in requests
        .iter()
        .chain(&notifications)
        .chain(&server_requests)
    {
        (method.params)(&mut all);
        if let Some(result) = method.result {
            result(&mut all);
        }
    }
    all.subschema_for::<RequestId>();
    let definitions = all.take_definitions(true);
    let bundle = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "CodexAppServerProtocolV2",
        "type": "object",
        "definitions": sorted(&definitions),
    });

    let files = [
        (
            "ClientRequest.json",
            method_union(
                "ClientRequest",
                "Request from the client to the server.",
                &requests,
                "Request",
                WithId::Yes,
            ),
        ),
        (
            "ServerNotification.json",
            method_union(
                "ServerNotification",
                "Notification sent from the server to the client.",
                &notifications,
                "Notification",
                WithId::No,
            ),
        ),
        (
            "ServerRequest.json",
            method_union(
                "ServerRequest",
                "Request initiated from the server and sent to the client.",
                &server_requests,
                "Request",
                WithId::Yes,
            ),
        ),
        ("codex_app_server_protocol.v2.schemas.json", bundle),
    ];
    files
        .into_iter()
        .map(|(name, schema)| {
            let mut contents = serde_json::to_string_pretty(&schema)?;
            contents.push('\n');
            Ok(SchemaFile { name, contents })
        })
        .collect()
}

/// Writes every schema file into `dir` (created if missing).
pub fn write_schema_files(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for file in generate_schema_files()? {
        std::fs::write(dir.join(file.name), file.contents)?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum WithId {
    Yes,
    No,
}

/// `{"oneOf": [{method: enum[m], id?, params: $ref}, …], "definitions": …}` for one table.
fn method_union(
    title: &str,
    description: &str,
    methods: &[MethodSchema],
    suffix: &str,
    with_id: WithId,
) -> Value {
    let mut generator = SchemaSettings::draft07().into_generator();
    let variants: Vec<Value> = methods
        .iter()
        .map(|method| {
            let name = format!("{}{suffix}", capitalize_first(method.method));
            let mut properties = Map::new();
            properties.insert(
                "method".to_string(),
                json!({"enum": [method.method], "title": format!("{name}Method"), "type": "string"}),
            );
            let mut required = vec!["method"];
            if let WithId::Yes = with_id {
                properties.insert("id".to_string(), generator.subschema_for::<RequestId>().to_value());
                required.push("id");
            }
            properties.insert("params".to_string(), (method.params)(&mut generator).to_value());
            required.push("params");
            json!({"properties": properties, "required": required, "title": name, "type": "object"})
        })
        .collect();
    let definitions = generator.take_definitions(true);
    let mut schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "description": description,
        "oneOf": variants,
        "definitions": sorted(&definitions),
    });
    if let WithId::No = with_id {
        schema["properties"] = json!({"emittedAtMs": {
            "description": "Unix timestamp (in milliseconds) when app-server emitted this notification.",
            "format": "int64",
            "type": "integer",
        }});
    }
    schema
}

fn sorted(definitions: &Map<String, Value>) -> BTreeMap<&String, &Value> {
    definitions.iter().collect()
}

fn capitalize_first(method: &str) -> String {
    let mut chars = method.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
