//! The committed schema under `app-server-protocol/schema/` must be exactly what the types
//! generate today: regenerate into a temp dir and compare byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

#[test]
fn committed_schema_matches_the_types() {
    let fresh = tempfile::tempdir().expect("temp dir");
    codex_app_server_protocol::write_schema_files(fresh.path()).expect("writing the schema");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");

    let mut names: Vec<String> = std::fs::read_dir(fresh.path())
        .expect("listing the fresh schema")
        .map(|entry| {
            entry
                .expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut committed_names: Vec<String> = std::fs::read_dir(&committed)
        .map(|entries| {
            entries
                .map(|entry| {
                    entry
                        .expect("dir entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    committed_names.sort();
    assert_eq!(
        committed_names,
        names,
        "the schema files in {} are stale: run `just write-app-server-schema`",
        committed.display()
    );
    for name in &names {
        let expected = std::fs::read(fresh.path().join(name)).expect("reading the fresh file");
        let actual = std::fs::read(committed.join(name)).expect("reading the committed file");
        assert!(
            expected == actual,
            "{name} is stale: run `just write-app-server-schema` and commit the result"
        );
    }
}
