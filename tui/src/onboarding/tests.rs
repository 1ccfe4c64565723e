use std::path::Path;

use pretty_assertions::assert_eq;
use ratatui::style::Color;

use super::*;
use crate::test_support::render_to_string;

const PROJECT: &str = "/home/user/project";

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => panic!("{err}"),
    }
}

fn onboarding(codex_home: &Path, show_login: bool, trust: bool) -> Onboarding {
    Onboarding::new(OnboardingArgs {
        codex_home: codex_home.to_path_buf(),
        show_login,
        trust_project: trust.then(|| PathBuf::from(PROJECT)),
        env_api_key: None,
    })
    .unwrap()
}

fn press(onboarding: &mut Onboarding, code: KeyCode) -> Option<OnboardingOutcome> {
    onboarding.handle_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(onboarding: &mut Onboarding, text: &str) {
    for c in text.chars() {
        assert_eq!(press(onboarding, KeyCode::Char(c)), None);
    }
}

fn assert_snapshots(name: &str, onboarding: &Onboarding) {
    for (width, height) in [(80, 24), (120, 40)] {
        let text = render_to_string(width, height, |area, buf| onboarding.render(area, buf));
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
    }
}

/// Login → `3` → `1`: the API-key page.
fn at_api_key_page(onboarding: &mut Onboarding) {
    assert_eq!(press(onboarding, KeyCode::Char('3')), None);
    assert_eq!(press(onboarding, KeyCode::Enter), None);
}

#[test]
fn nothing_to_show() {
    let home = tempdir();
    assert!(
        Onboarding::new(OnboardingArgs {
            codex_home: home.path().to_path_buf(),
            show_login: false,
            trust_project: None,
            env_api_key: Some("sk-env".to_string()),
        })
        .is_none()
    );
}

#[test]
fn login_choice() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, true);
    assert_snapshots("login_choice", &onboarding);
    // The cursor stops at both ends.
    for code in [KeyCode::Up, KeyCode::Down, KeyCode::Down, KeyCode::Down] {
        assert_eq!(press(&mut onboarding, code), None);
    }
    assert_snapshots("login_choice_third", &onboarding);
}

#[test]
fn chatgpt_sign_in_points_at_option_three() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, true);
    assert_eq!(press(&mut onboarding, KeyCode::Enter), None);
    assert_snapshots("login_chatgpt_unavailable", &onboarding);
    // Esc on the first screen stays there; moving clears the message.
    assert_eq!(press(&mut onboarding, KeyCode::Esc), None);
    assert_eq!(press(&mut onboarding, KeyCode::Down), None);
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(!text.contains("isn't available"), "{text}");
    assert_eq!(press(&mut onboarding, KeyCode::Char('2')), None);
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(text.contains("> 2. Sign in with Device Code"), "{text}");
    assert!(text.contains("isn't available"), "{text}");
}

#[test]
fn sign_in_another_way() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, true);
    assert_eq!(press(&mut onboarding, KeyCode::Down), None);
    assert_eq!(press(&mut onboarding, KeyCode::Down), None);
    assert_eq!(press(&mut onboarding, KeyCode::Enter), None);
    assert_snapshots("login_other_ways", &onboarding);
    // Esc goes back to the choice, cursor on option 3.
    assert_eq!(press(&mut onboarding, KeyCode::Esc), None);
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(text.contains("> 3. Sign in another way"), "{text}");
}

#[test]
fn api_key_entry() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, true);
    at_api_key_page(&mut onboarding);
    assert_snapshots("api_key_empty", &onboarding);
    assert_eq!(
        onboarding.cursor_position(Rect::new(0, 0, 80, 24)),
        Some(Position::new(3, 6))
    );

    assert_eq!(press(&mut onboarding, KeyCode::Enter), None);
    assert_snapshots("api_key_empty_error", &onboarding);

    type_text(&mut onboarding, "sk-typed");
    onboarding.handle_paste("-and-pasted-1234\n");
    assert_eq!(press(&mut onboarding, KeyCode::Backspace), None);
    assert_snapshots("api_key_typed", &onboarding);
    assert_eq!(
        onboarding.cursor_position(Rect::new(0, 0, 80, 24)),
        Some(Position::new(3 + 23, 6))
    );
    assert_eq!(codex_core::auth::load_auth(home.path()).unwrap(), None);

    // Esc goes back a step at a time; Esc on the first screen stays.
    assert_eq!(press(&mut onboarding, KeyCode::Esc), None);
    assert_eq!(press(&mut onboarding, KeyCode::Esc), None);
    assert_eq!(press(&mut onboarding, KeyCode::Esc), None);
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(text.contains("Choose how you want to use Codex."), "{text}");
}

#[test]
fn a_long_key_shows_its_end() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, false);
    at_api_key_page(&mut onboarding);
    onboarding.handle_paste(&format!("sk-{}-end", "x".repeat(100)));
    let text = render_to_string(40, 12, |area, buf| onboarding.render(area, buf));
    insta::assert_snapshot!("api_key_long_40x12", text);
}

#[test]
fn api_key_prefilled_from_the_environment() {
    let home = tempdir();
    let mut onboarding = Onboarding::new(OnboardingArgs {
        codex_home: home.path().to_path_buf(),
        show_login: true,
        trust_project: None,
        env_api_key: Some("sk-from-env".to_string()),
    })
    .unwrap();
    at_api_key_page(&mut onboarding);
    assert_snapshots("api_key_from_env", &onboarding);
    // The first keystroke replaces the prefilled key.
    type_text(&mut onboarding, "sk-mine");
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(text.contains("│sk-mine "), "{text}");
    assert!(!text.contains("Detected"), "{text}");
}

#[test]
fn api_key_enter_writes_auth_json_then_trust_follows() {
    let temp = tempdir();
    let home = temp.path().join("codex-home");
    let mut onboarding = onboarding(&home, true, true);
    at_api_key_page(&mut onboarding);
    onboarding.handle_paste("sk-test-1234\n");
    assert_eq!(press(&mut onboarding, KeyCode::Enter), None);

    let auth = codex_core::auth::load_auth(&home).unwrap();
    assert_eq!(
        auth,
        Some(codex_core::auth::AuthDotJson {
            auth_mode: None,
            openai_api_key: Some("sk-test-1234".to_string()),
            tokens: None,
            last_refresh: None,
        })
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(home.join("auth.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The trust step is next.
    let text = render_to_string(80, 24, |area, buf| onboarding.render(area, buf));
    assert!(text.contains("Folder access"), "{text}");
    assert_eq!(
        press(&mut onboarding, KeyCode::Char('1')),
        Some(OnboardingOutcome::Continue)
    );
}

#[test]
fn api_key_save_errors_are_shown() {
    let temp = tempdir();
    // CODEX_HOME cannot be created under a file.
    let blocker = temp.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let home = blocker.join("codex-home");
    let mut onboarding = onboarding(&home, true, false);
    at_api_key_page(&mut onboarding);
    type_text(&mut onboarding, "sk-test");
    assert_eq!(press(&mut onboarding, KeyCode::Enter), None);
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    onboarding.render(area, &mut buf);
    let text = crate::test_support::buffer_text(&buf);
    let row = text
        .lines()
        .position(|line| line.contains("cannot write"))
        .unwrap();
    assert_eq!(
        text.lines().nth(row).unwrap().trim(),
        format!(
            "cannot write {}: Not a directory (os error 20)",
            home.display()
        )
    );
    assert_eq!(buf[(2, u16::try_from(row).unwrap())].fg, Color::Red);
}

#[test]
fn api_key_login_alone_continues() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, false);
    at_api_key_page(&mut onboarding);
    type_text(&mut onboarding, "sk-test");
    assert_eq!(
        press(&mut onboarding, KeyCode::Enter),
        Some(OnboardingOutcome::Continue)
    );
}

#[test]
fn trust_screen() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), false, true);
    assert_snapshots("trust", &onboarding);
    assert_eq!(press(&mut onboarding, KeyCode::Down), None);
    assert_snapshots("trust_quit_selected", &onboarding);
}

#[test]
fn trust_one_writes_config_toml_in_place() {
    let home = tempdir();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "# my config\nmodel = \"o3\" # pinned\n\n[projects.\"/home/user/other\"]\ntrust_level = \"trusted\"\n",
    )
    .unwrap();
    let mut onboarding = onboarding(home.path(), false, true);
    assert_eq!(
        press(&mut onboarding, KeyCode::Char('1')),
        Some(OnboardingOutcome::Continue)
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "# my config\nmodel = \"o3\" # pinned\n\n[projects.\"/home/user/other\"]\ntrust_level = \"trusted\"\n\n[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n"
    );
}

#[test]
fn trust_enter_on_option_one_creates_config_toml() {
    let temp = tempdir();
    let home = temp.path().join("codex-home");
    let mut onboarding = onboarding(&home, false, true);
    assert_eq!(
        press(&mut onboarding, KeyCode::Enter),
        Some(OnboardingOutcome::Continue)
    );
    assert_eq!(
        std::fs::read_to_string(home.join("config.toml")).unwrap(),
        "[projects.\"/home/user/project\"]\ntrust_level = \"trusted\"\n"
    );
}

#[test]
fn declining_trust_quits_and_writes_nothing() {
    for keys in [
        vec![KeyCode::Char('2')],
        vec![KeyCode::Esc],
        vec![KeyCode::Down, KeyCode::Enter],
    ] {
        let temp = tempdir();
        let home = temp.path().join("codex-home");
        let mut onboarding = onboarding(&home, false, true);
        let (last, first) = keys.split_last().unwrap();
        for key in first {
            assert_eq!(press(&mut onboarding, *key), None);
        }
        assert_eq!(
            press(&mut onboarding, *last),
            Some(OnboardingOutcome::Quit),
            "{keys:?}"
        );
        assert!(!home.exists(), "{keys:?}");
    }
}

#[test]
fn ctrl_c_quits_from_any_screen() {
    let home = tempdir();
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let mut onboarding = onboarding(home.path(), true, true);
    assert_eq!(onboarding.handle_key(ctrl_c), Some(OnboardingOutcome::Quit));
    at_api_key_page(&mut onboarding);
    assert_eq!(onboarding.handle_key(ctrl_c), Some(OnboardingOutcome::Quit));
    let mut trust_only = onboarding_trust_only(home.path());
    assert_eq!(trust_only.handle_key(ctrl_c), Some(OnboardingOutcome::Quit));
    assert!(!home.path().join("config.toml").exists());
}

fn onboarding_trust_only(home: &Path) -> Onboarding {
    onboarding(home, false, true)
}

#[test]
fn tiny_sizes_do_not_panic() {
    let home = tempdir();
    let mut onboarding = onboarding(home.path(), true, true);
    at_api_key_page(&mut onboarding);
    for (width, height) in [(0, 0), (1, 1), (3, 2), (10, 5), (80, 3)] {
        render_to_string(width, height, |area, buf| onboarding.render(area, buf));
        onboarding.cursor_position(Rect::new(0, 0, width, height));
    }
}
