use pretty_assertions::assert_eq;

use super::*;

const PROJECT: &str = "/home/user/project";

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => panic!("{err}"),
    }
}

/// `config.toml` after running `edit` on a home whose config.toml is `before`.
fn edited(before: &str, edit: impl FnOnce(&Path) -> Result<(), ConfigEditError>) -> String {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, before).unwrap();
    edit(home.path()).unwrap();
    std::fs::read_to_string(path).unwrap()
}

fn trust(home: &Path) -> Result<(), ConfigEditError> {
    set_project_trusted(home, Path::new(PROJECT))
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn trust_creates_codex_home_and_config() {
    let temp = tempdir();
    let home = temp.path().join("codex");
    trust(&home).unwrap();
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        "[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n"
    );
    #[cfg(unix)]
    assert_eq!(
        (mode(&home.join("config.toml")), mode(&home)),
        (0o600, 0o700)
    );
}

#[test]
fn trust_keeps_comments_keys_and_other_projects() {
    let before = r#"# my settings
model = "o3" # pinned

[projects."/home/user/other"]
trust_level = "trusted"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    let expected = r#"# my settings
model = "o3" # pinned

[projects."/home/user/other"]
trust_level = "trusted"

[projects."/home/user/project"]
trust_level = "trusted"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn trust_appends_after_top_level_keys() {
    let before = "# comment\nmodel = \"o3\"\n";
    let expected = "# comment\nmodel = \"o3\"\n\n[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n";
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn trust_replaces_an_untrusted_entry_in_place() {
    let before = r#"[projects."/home/user/project"]
# decided earlier
trust_level = "untrusted" # was unsure
note = "keep me"
"#;
    let expected = r#"[projects."/home/user/project"]
# decided earlier
trust_level = "trusted" # was unsure
note = "keep me"
"#;
    assert_eq!(edited(before, trust), expected);
    assert_eq!(edited(expected, trust), expected);
}

#[test]
fn trust_turns_inline_projects_into_sections() {
    let before = r#"model = "o3"
projects = { "/home/user/other" = { trust_level = "trusted" } }

[tui]
notifications = true
"#;
    let expected = r#"model = "o3"

[projects]
"/home/user/other" = { trust_level = "trusted" }

[projects."/home/user/project"]
trust_level = "trusted"

[tui]
notifications = true
"#;
    assert_eq!(edited(before, trust), expected);
}

#[test]
fn invalid_toml_is_left_unchanged() {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, "model = \n").unwrap();
    let err = trust(home.path()).unwrap_err();
    assert!(matches!(err, ConfigEditError::Parse { .. }), "{err:?}");
    assert_eq!(std::fs::read_to_string(path).unwrap(), "model = \n");
}

#[test]
fn projects_that_is_not_a_table_is_an_error() {
    let home = tempdir();
    let path = home.path().join("config.toml");
    std::fs::write(&path, "projects = 1\n").unwrap();
    let err = trust(home.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: `projects` is not a table, so it was left unchanged; fix it, then try again",
            path.display()
        )
    );
    assert_eq!(std::fs::read_to_string(path).unwrap(), "projects = 1\n");
}

const WITH_PROFILE: &str = r#"# top
model = "o3" # pinned
model_reasoning_effort = "low"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;

#[test]
fn set_model_at_top_level_replaces_in_place() {
    let expected = r#"# top
model = "gpt-5.5" # pinned
model_reasoning_effort = "high"

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            None,
            "gpt-5.5",
            Some(ReasoningEffort::High)
        )),
        expected
    );
}

#[test]
fn set_model_without_effort_removes_the_effort_key() {
    let expected = r#"# top
model = "gpt-5.5" # pinned

# profiles below
[profiles.fast]
model = "gpt-5-mini"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(home, None, "gpt-5.5", None)),
        expected
    );
}

#[test]
fn set_model_in_an_existing_profile() {
    let expected = r#"# top
model = "o3" # pinned
model_reasoning_effort = "low"

# profiles below
[profiles.fast]
model = "gpt-5.5"
model_reasoning_effort = "minimal"
"#;
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            Some("fast"),
            "gpt-5.5",
            Some(ReasoningEffort::Minimal)
        )),
        expected
    );
}

#[test]
fn set_model_creates_a_profile_and_the_file() {
    let expected = format!(
        "{WITH_PROFILE}\n[profiles.deep]\nmodel = \"gpt-5.5\"\nmodel_reasoning_effort = \"xhigh\"\n"
    );
    assert_eq!(
        edited(WITH_PROFILE, |home| set_model(
            home,
            Some("deep"),
            "gpt-5.5",
            Some(ReasoningEffort::Xhigh)
        )),
        expected
    );
    let home = tempdir();
    set_model(home.path(), None, "gpt-5.5", None).unwrap();
    assert_eq!(
        std::fs::read_to_string(home.path().join("config.toml")).unwrap(),
        "model = \"gpt-5.5\"\n"
    );
}
