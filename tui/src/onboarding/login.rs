//! The sign-in step: the three ways to use Codex, `Sign in another way`, and the API-key page
//! that saves the key through `codex_core::auth` (`auth.json`, mode 0600). ChatGPT sign-in is
//! not in this build, so options 1–2 say so and point at option 3 instead of failing.

use std::path::PathBuf;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::Block;
use ratatui::widgets::BorderType;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::Page;
use super::StepOutcome;

const CURSOR: &str = ">";
const CHATGPT_UNAVAILABLE: &str =
    "ChatGPT sign-in isn't available in this build; choose 3 to use an API key.";
const EMPTY_KEY: &str = "API key cannot be empty";

#[derive(Debug)]
pub(super) struct LoginStep {
    codex_home: PathBuf,
    env_api_key: Option<String>,
    screen: Screen,
}

#[derive(Debug)]
enum Screen {
    Choice {
        selected: Method,
        /// A ChatGPT sign-in was picked: show why it cannot run.
        unavailable: bool,
    },
    OtherWays,
    ApiKey(ApiKeyInput),
}

/// The options of the first screen, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    ChatGpt,
    DeviceCode,
    OtherWay,
}

impl Method {
    const ALL: [Method; 3] = [Method::ChatGpt, Method::DeviceCode, Method::OtherWay];

    fn number(self) -> usize {
        match self {
            Method::ChatGpt => 1,
            Method::DeviceCode => 2,
            Method::OtherWay => 3,
        }
    }

    fn from_number(number: char) -> Option<Method> {
        match number {
            '1' => Some(Method::ChatGpt),
            '2' => Some(Method::DeviceCode),
            '3' => Some(Method::OtherWay),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Method::ChatGpt => "Sign in with ChatGPT",
            Method::DeviceCode => "Sign in with Device Code",
            Method::OtherWay => "Sign in another way",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Method::ChatGpt => "Usage included with Plus, Pro, Business, and Enterprise plans",
            Method::DeviceCode => "Sign in from another device with a one-time code",
            Method::OtherWay => "Use an API key or another provider",
        }
    }

    /// The neighbour in direction `step` (-1 up, +1 down), staying put at either end.
    fn moved(self, step: isize) -> Method {
        let index = self.number() - 1;
        let target = index.saturating_add_signed(step).min(Method::ALL.len() - 1);
        Method::ALL[target]
    }
}

#[derive(Debug)]
struct ApiKeyInput {
    value: String,
    /// `value` is the untouched `OPENAI_API_KEY`; the first edit replaces it.
    from_env: bool,
    error: Option<String>,
}

impl LoginStep {
    pub(super) fn new(codex_home: PathBuf, env_api_key: Option<String>) -> LoginStep {
        LoginStep {
            codex_home,
            env_api_key,
            screen: Screen::Choice {
                selected: Method::ChatGpt,
                unavailable: false,
            },
        }
    }

    pub(super) fn handle_key(&mut self, key: KeyEvent) -> Option<StepOutcome> {
        match &mut self.screen {
            Screen::Choice { selected, .. } => {
                let selected = *selected;
                match key.code {
                    KeyCode::Up => self.choose(selected.moved(-1)),
                    KeyCode::Down => self.choose(selected.moved(1)),
                    KeyCode::Enter => self.pick(selected),
                    KeyCode::Char(number) => {
                        if let Some(method) = Method::from_number(number) {
                            self.pick(method);
                        }
                    }
                    _ => {}
                }
                None
            }
            Screen::OtherWays => {
                match key.code {
                    KeyCode::Enter | KeyCode::Char('1') => {
                        let prefill = self.env_api_key.clone();
                        self.screen = Screen::ApiKey(ApiKeyInput {
                            from_env: prefill.is_some(),
                            value: prefill.unwrap_or_default(),
                            error: None,
                        });
                    }
                    KeyCode::Esc => self.choose(Method::OtherWay),
                    _ => {}
                }
                None
            }
            Screen::ApiKey(input) => match key.code {
                KeyCode::Enter => {
                    let key = input.value.trim();
                    if key.is_empty() {
                        input.error = Some(EMPTY_KEY.to_string());
                        return None;
                    }
                    match codex_core::auth::login_with_api_key(&self.codex_home, key) {
                        Ok(()) => Some(StepOutcome::Done),
                        Err(err) => {
                            input.error = Some(err.to_string());
                            None
                        }
                    }
                }
                KeyCode::Esc => {
                    self.screen = Screen::OtherWays;
                    None
                }
                KeyCode::Backspace => {
                    input.edit();
                    input.value.pop();
                    None
                }
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    input.insert(&c.to_string());
                    None
                }
                _ => None,
            },
        }
    }

    pub(super) fn handle_paste(&mut self, text: &str) {
        match &mut self.screen {
            Screen::ApiKey(input) => input.insert(text),
            Screen::Choice { .. } | Screen::OtherWays => {}
        }
    }

    fn choose(&mut self, method: Method) {
        self.screen = Screen::Choice {
            selected: method,
            unavailable: false,
        };
    }

    fn pick(&mut self, method: Method) {
        self.screen = match method {
            Method::ChatGpt | Method::DeviceCode => Screen::Choice {
                selected: method,
                unavailable: true,
            },
            Method::OtherWay => Screen::OtherWays,
        };
    }

    pub(super) fn render(&self, area: Rect, buf: &mut Buffer) {
        match &self.screen {
            Screen::Choice {
                selected,
                unavailable,
            } => render_choice(*selected, *unavailable, area, buf),
            Screen::OtherWays => render_other_ways(area, buf),
            Screen::ApiKey(input) => {
                let (intro, input_area, footer) = input.layout(area);
                let rest = intro.render(area, buf);
                input.render_box(input_area, buf);
                footer.render(
                    Rect {
                        y: rest.y + input_area.height,
                        height: rest.height - input_area.height,
                        ..rest
                    },
                    buf,
                );
            }
        }
    }

    /// Where the terminal cursor goes: the end of the API-key input, when it is shown.
    pub(super) fn cursor_position(&self, area: Rect) -> Option<Position> {
        match &self.screen {
            Screen::ApiKey(input) => input.cursor_position(area),
            Screen::Choice { .. } | Screen::OtherWays => None,
        }
    }
}

fn render_choice(selected: Method, unavailable: bool, area: Rect, buf: &mut Buffer) {
    let mut page = Page::new(area);
    page.blank();
    page.text("Welcome to Codex, OpenAI's command-line coding agent".bold());
    page.blank();
    page.text("Choose how you want to use Codex.");
    page.blank();
    for method in Method::ALL {
        page.option(CURSOR, method == selected, method.number(), method.label());
        page.description(method.description());
    }
    page.blank();
    if unavailable {
        page.text(CHATGPT_UNAVAILABLE.red());
        page.blank();
    }
    page.text("Press enter to continue".dim());
    page.render(area, buf);
}

fn render_other_ways(area: Rect, buf: &mut Buffer) {
    let mut page = Page::new(area);
    page.blank();
    page.text("Sign in another way".bold());
    page.blank();
    page.option(CURSOR, true, 1, "Use an OpenAI API key");
    page.description("Pay for what you use");
    page.blank();
    page.text("Press enter to continue".dim());
    page.text("Press esc to go back".dim());
    page.render(area, buf);
}

impl ApiKeyInput {
    /// Whitespace is dropped: keys have none, and pastes often bring a trailing newline.
    fn insert(&mut self, text: &str) {
        self.edit();
        self.value
            .extend(text.chars().filter(|c| !c.is_whitespace()));
    }

    fn edit(&mut self) {
        if self.from_env {
            self.value.clear();
            self.from_env = false;
        }
        self.error = None;
    }

    /// The text above the input, the input's area, and the text below it.
    fn layout(&self, area: Rect) -> (Page, Rect, Page) {
        let mut intro = Page::new(area);
        intro.blank();
        intro.push(
            format!("{CURSOR} ").bold(),
            &Line::from("Use your own OpenAI API key for usage-based billing".bold()),
            "  ",
        );
        intro.blank();
        intro.text("Paste or type your API key below.");
        if self.from_env {
            intro.text("Detected the OPENAI_API_KEY environment variable.");
            intro.text("Paste a different key if you prefer to use another account.".dim());
        }
        intro.blank();
        let top = area.y + intro.height().min(area.height);
        let input_area = Rect {
            x: area.x + 2.min(area.width),
            y: top,
            width: area.width.saturating_sub(4),
            height: 3.min(area.bottom() - top),
        };
        let mut footer = Page::new(area);
        footer.blank();
        footer.text("Press enter to save".dim());
        footer.text("Press esc to go back".dim());
        if let Some(error) = &self.error {
            footer.blank();
            footer.text(error.clone().red());
        }
        (intro, input_area, footer)
    }

    fn block() -> Block<'static> {
        Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(Style::new().cyan())
            .title("API key")
    }

    fn render_box(&self, area: Rect, buf: &mut Buffer) {
        let block = ApiKeyInput::block();
        let inner = block.inner(area);
        block.render(area, buf);
        let content = if self.value.is_empty() {
            Line::from("Paste or type your API key".dim())
        } else {
            // Keep the end in view (where typing happens), with a column left for the cursor.
            Line::from(tail_fitting(
                &self.value,
                usize::from(inner.width.saturating_sub(1)),
            ))
        };
        Paragraph::new(content).render(inner, buf);
    }

    fn cursor_position(&self, area: Rect) -> Option<Position> {
        let (_, input_area, _) = self.layout(area);
        let inner = ApiKeyInput::block().inner(input_area);
        if inner.is_empty() {
            return None;
        }
        let shown = tail_fitting(&self.value, usize::from(inner.width.saturating_sub(1)));
        let offset = u16::try_from(shown.width()).unwrap_or(u16::MAX);
        Some(Position::new(
            inner.x + offset.min(inner.width - 1),
            inner.y,
        ))
    }
}

/// The longest suffix of `text` at most `width` columns wide.
fn tail_fitting(text: &str, width: usize) -> &str {
    let mut start = text.len();
    let mut used = 0;
    for (index, grapheme) in text.grapheme_indices(true).rev() {
        used += grapheme.width();
        if used > width {
            break;
        }
        start = index;
    }
    &text[start..]
}
