//! Conformance of our generated schema with the original's published one (app-server spec §13):
//! for every MUST method, notification and server request, the method exists on both sides and
//! its params / result types agree under the direction-aware rules of `compare`. Prints a table
//! (`cargo test -p codex-app-server-protocol --test conformance -- --nocapture`) and fails on any
//! difference that is not in `allow_list`, and on allow-list entries that no longer match.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod allow_list;
mod compare;
mod shape;

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::Path;
use std::path::PathBuf;

use serde_json::Value;

use crate::compare::Difference;
use crate::compare::Direction;
use crate::compare::compare;
use crate::shape::SchemaDoc;

/// The MUST requests (§7), notifications (§8) and server requests (§9 and attestation.md).
const MUST_REQUESTS: &[&str] = &[
    "initialize",
    "thread/start",
    "thread/resume",
    "thread/fork",
    "thread/list",
    "thread/read",
    "thread/archive",
    "thread/unarchive",
    "thread/loaded/list",
    "thread/compact/start",
    "thread/name/set",
    "turn/start",
    "turn/steer",
    "turn/interrupt",
    "model/list",
    "config/read",
    "account/read",
    "command/exec",
    "command/exec/write",
    "command/exec/terminate",
];

const MUST_NOTIFICATIONS: &[&str] = &[
    "thread/started",
    "thread/status/changed",
    "turn/started",
    "turn/completed",
    "item/started",
    "item/completed",
    "item/agentMessage/delta",
    "item/commandExecution/outputDelta",
    "item/reasoning/summaryPartAdded",
    "item/reasoning/summaryTextDelta",
    "thread/tokenUsage/updated",
    "serverRequest/resolved",
    "turn/diff/updated",
    "turn/plan/updated",
    "error",
    "warning",
    "thread/archived",
    "thread/unarchived",
    "thread/name/updated",
    "command/exec/outputDelta",
];

const MUST_SERVER_REQUESTS: &[&str] = &[
    "item/commandExecution/requestApproval",
    "item/fileChange/requestApproval",
    "attestation/generate",
];

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference-schema")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("parsing {}: {err}", path.display()))
}

/// method → params type name, from a `oneOf` method table.
fn method_params(table: &Value) -> BTreeMap<String, String> {
    table["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|variant| {
            let method = variant["properties"]["method"]["enum"][0].as_str()?;
            let params = variant["properties"]["params"]["$ref"].as_str()?;
            Some((
                method.to_string(),
                params.trim_start_matches("#/definitions/").to_string(),
            ))
        })
        .collect()
}

/// The reference's self-contained file for a type (`v2/`, `v1/` or top level).
fn reference_type(name: &str) -> Value {
    let dir = reference_dir();
    ["v2", "v1", "."]
        .iter()
        .map(|sub| dir.join(sub).join(format!("{name}.json")))
        .find(|path| path.exists())
        .map(|path| read_json(&path))
        .unwrap_or_else(|| panic!("the reference schema has no file for {name}"))
}

struct Ours {
    doc: SchemaDoc,
    tables: BTreeMap<&'static str, BTreeMap<String, String>>,
}

fn ours() -> Ours {
    let files: BTreeMap<&str, Value> = codex_app_server_protocol::generate_schema_files()
        .expect("generating our schema")
        .into_iter()
        .map(|file| {
            (
                file.name,
                serde_json::from_str(&file.contents).expect("our schema is JSON"),
            )
        })
        .collect();
    let doc = SchemaDoc::new(&files["codex_app_server_protocol.v2.schemas.json"]);
    let tables = [
        "ClientRequest.json",
        "ServerNotification.json",
        "ServerRequest.json",
    ]
    .into_iter()
    .map(|name| (name, method_params(&files[name])))
    .collect();
    Ours { doc, tables }
}

/// The row of one method: every difference found under it.
struct Row {
    name: String,
    differences: Vec<Difference>,
}

fn check_type(
    ours: &Ours,
    ours_name: &str,
    reference_name: &str,
    direction: Direction,
    differences: &mut Vec<Difference>,
) {
    if ours_name != reference_name {
        differences.push(Difference {
            path: ours_name.to_string(),
            kind: format!("type name differs: the reference calls it `{reference_name}`"),
        });
    }
    let Some(ours_schema) = ours.doc.definitions.get(ours_name) else {
        differences.push(Difference {
            path: ours_name.to_string(),
            kind: "our schema has no definition of this type".to_string(),
        });
        return;
    };
    let reference_file = reference_type(reference_name);
    let reference_doc = SchemaDoc::new(&reference_file);
    differences.extend(compare(
        &ours.doc,
        ours_schema,
        &reference_doc,
        &reference_file,
        reference_name,
        direction,
    ));
}

fn response_name(params: &str) -> String {
    format!("{}Response", params.trim_end_matches("Params"))
}

fn check_table(
    ours: &Ours,
    table: &'static str,
    methods: &[&str],
    params_direction: Direction,
    result_direction: Option<Direction>,
) -> Vec<Row> {
    let reference = method_params(&read_json(&reference_dir().join(table)));
    let ours_table = &ours.tables[table];
    methods
        .iter()
        .map(|method| {
            let mut differences = Vec::new();
            match (ours_table.get(*method), reference.get(*method)) {
                (Some(ours_params), Some(reference_params)) => {
                    check_type(
                        ours,
                        ours_params,
                        reference_params,
                        params_direction,
                        &mut differences,
                    );
                    if let Some(result_direction) = result_direction {
                        check_type(
                            ours,
                            &response_name(ours_params),
                            &response_name(reference_params),
                            result_direction,
                            &mut differences,
                        );
                    }
                }
                (None, _) => differences.push(Difference {
                    path: method.to_string(),
                    kind: format!("method missing from our {table}"),
                }),
                (Some(_), None) => differences.push(Difference {
                    path: method.to_string(),
                    kind: format!("method missing from the reference {table}"),
                }),
            }
            differences.sort();
            differences.dedup();
            Row {
                name: method.to_string(),
                differences,
            }
        })
        .collect()
}

#[test]
fn must_methods_conform_to_the_reference_schema() {
    let ours = ours();
    let rows: Vec<Row> = [
        check_table(
            &ours,
            "ClientRequest.json",
            MUST_REQUESTS,
            Direction::Read,
            Some(Direction::Emit),
        ),
        check_table(
            &ours,
            "ServerNotification.json",
            MUST_NOTIFICATIONS,
            Direction::Emit,
            None,
        ),
        check_table(
            &ours,
            "ServerRequest.json",
            MUST_SERVER_REQUESTS,
            Direction::Emit,
            Some(Direction::Read),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();

    let allowed = allow_list::ALLOWED;
    let mut used = BTreeSet::new();
    let mut failures = Vec::new();
    println!("{:<42} result", "method");
    for row in &rows {
        let mut unexpected = Vec::new();
        let mut allowed_here = Vec::new();
        for difference in &row.differences {
            match allowed
                .iter()
                .position(|entry| entry.path == difference.path)
            {
                Some(index) => {
                    used.insert(index);
                    allowed_here.push(difference);
                }
                None => unexpected.push(difference),
            }
        }
        let allowed_count = allowed_here.len();
        let status = match (unexpected.is_empty(), allowed_count) {
            (true, 0) => "ok".to_string(),
            (true, n) => format!("ok ({n} allow-listed)"),
            (false, _) => format!(
                "DIFFERS ({} unexpected, {allowed_count} allow-listed)",
                unexpected.len()
            ),
        };
        println!("{:<42} {status}", row.name);
        for difference in &allowed_here {
            println!("    allowed: {}: {}", difference.path, difference.kind);
        }
        for difference in &unexpected {
            println!("    DIFFERS: {}: {}", difference.path, difference.kind);
            failures.push(format!(
                "{}: {}: {}",
                row.name, difference.path, difference.kind
            ));
        }
    }
    println!("\nallow-listed differences:");
    for (index, entry) in allowed.iter().enumerate() {
        let mark = if used.contains(&index) {
            ""
        } else {
            " [UNUSED]"
        };
        println!("    {}: {}{mark}", entry.path, entry.reason);
    }
    let unused: Vec<_> = allowed
        .iter()
        .enumerate()
        .filter(|(index, _)| !used.contains(index))
        .map(|(_, entry)| entry.path)
        .collect();
    assert!(
        failures.is_empty(),
        "differences from the reference schema:\n{}",
        failures.join("\n")
    );
    assert!(
        unused.is_empty(),
        "allow-list entries that match no difference (remove them): {unused:?}"
    );
}
