//! Onboarding (`tui.md` §1.1): the full-screen steps shown before the chat — sign-in when no
//! credential is found, then the folder-trust question when the project is not trusted. Each
//! step is a small state machine fed keys and pastes; the app loop draws it and, on an outcome,
//! either opens the chat or exits.

mod login;
mod trust;

use std::collections::VecDeque;
use std::path::PathBuf;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use crossterm::event::KeyEventKind;
use crossterm::event::KeyModifiers;
use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::widgets::Widget;

use crate::wrapping::wrap_line;
use login::LoginStep;
use trust::TrustStep;

/// How onboarding ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnboardingOutcome {
    /// Every step is done: open the chat.
    Continue,
    /// The user declined (trust option 2, Esc on the trust screen, Ctrl+C): exit 0.
    Quit,
}

/// What the app knows before the chat starts, all injected (nothing is read from the process
/// environment here).
#[derive(Debug, Clone)]
pub struct OnboardingArgs {
    pub codex_home: PathBuf,
    /// The active provider needs OpenAI auth and no credential was found.
    pub show_login: bool,
    /// The project key to trust (`codex_core::config::project_trust_key`); `None` when trusted.
    pub trust_project: Option<PathBuf>,
    /// `OPENAI_API_KEY`, prefilled into the API-key input.
    pub env_api_key: Option<String>,
}

/// The steps still to show: login (when needed), then trust (when needed).
#[derive(Debug)]
pub struct Onboarding {
    steps: VecDeque<Step>,
}

#[derive(Debug)]
enum Step {
    Login(LoginStep),
    Trust(TrustStep),
}

/// What a step reports when it is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepOutcome {
    Done,
    Quit,
}

impl Onboarding {
    /// `None` when nothing needs showing.
    pub fn new(args: OnboardingArgs) -> Option<Onboarding> {
        let OnboardingArgs {
            codex_home,
            show_login,
            trust_project,
            env_api_key,
        } = args;
        let mut steps = VecDeque::new();
        if show_login {
            steps.push_back(Step::Login(LoginStep::new(codex_home.clone(), env_api_key)));
        }
        if let Some(project) = trust_project {
            steps.push_back(Step::Trust(TrustStep::new(codex_home, project)));
        }
        (!steps.is_empty()).then_some(Onboarding { steps })
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<OnboardingOutcome> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(OnboardingOutcome::Quit);
        }
        let outcome = match self.steps.front_mut() {
            Some(Step::Login(login)) => login.handle_key(key)?,
            Some(Step::Trust(trust)) => trust.handle_key(key)?,
            None => StepOutcome::Done,
        };
        match outcome {
            StepOutcome::Quit => Some(OnboardingOutcome::Quit),
            StepOutcome::Done => {
                self.steps.pop_front();
                self.steps.is_empty().then_some(OnboardingOutcome::Continue)
            }
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        match self.steps.front_mut() {
            Some(Step::Login(login)) => login.handle_paste(text),
            Some(Step::Trust(_)) | None => {}
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        match self.steps.front() {
            Some(Step::Login(login)) => login.render(area, buf),
            Some(Step::Trust(trust)) => trust.render(area, buf),
            None => {}
        }
    }

    /// Where the terminal cursor belongs (in the API-key input), for `Frame::set_cursor_position`.
    pub fn cursor_position(&self, area: Rect) -> Option<Position> {
        match self.steps.front() {
            Some(Step::Login(login)) => login.cursor_position(area),
            Some(Step::Trust(_)) | None => None,
        }
    }
}

/// The text of one onboarding page, wrapped to its width under a 2-column gutter that holds
/// the cursor (`>` / `›`) on the selected option.
struct Page {
    width: usize,
    lines: Vec<Line<'static>>,
}

impl Page {
    fn new(area: Rect) -> Page {
        Page {
            width: usize::from(area.width),
            lines: Vec::new(),
        }
    }

    fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// A paragraph in the 2-column margin.
    fn text(&mut self, text: impl Into<Line<'static>>) {
        self.push("  ".into(), &text.into(), "  ");
    }

    /// `> 1. Label` (cursor and bold when selected), then the dim description under the label.
    fn option(&mut self, cursor: &'static str, selected: bool, number: usize, label: &str) {
        let (gutter, text) = if selected {
            (
                Span::from(format!("{cursor} ")).bold(),
                Line::from(format!("{number}. {label}").bold()),
            )
        } else {
            ("  ".into(), Line::from(format!("{number}. {label}")))
        };
        self.push(gutter, &text, "     ");
    }

    fn description(&mut self, text: &str) {
        self.push("     ".into(), &Line::from(text.to_string().dim()), "     ");
    }

    fn push(&mut self, gutter: Span<'static>, text: &Line<'static>, continuation: &'static str) {
        self.lines.extend(wrap_line(
            text,
            self.width,
            &Line::from(gutter),
            &Line::from(continuation),
        ));
    }

    fn height(&self) -> u16 {
        u16::try_from(self.lines.len()).unwrap_or(u16::MAX)
    }

    /// Draws the page from the top of `area`; returns the area below it.
    fn render(self, area: Rect, buf: &mut Buffer) -> Rect {
        let height = self.height().min(area.height);
        Paragraph::new(self.lines).render(Rect { height, ..area }, buf);
        Rect {
            y: area.y + height,
            height: area.height - height,
            ..area
        }
    }
}

#[cfg(test)]
mod tests;
