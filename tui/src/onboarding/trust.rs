//! The folder-trust step: trusting writes `[projects."<key>"] trust_level = "trusted"` into
//! `config.toml` (through `codex_core::config::edit`) and continues; declining quits and writes
//! nothing (the original's second option opens its agent command center, which we do not build).

use std::path::PathBuf;

use crossterm::event::KeyCode;
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Stylize;

use super::Page;
use super::StepOutcome;

const CURSOR: &str = "›";
const EXPLANATION: &str = "Trust this folder? Codex can read, edit, and run files here, subject to your permission settings. If you trust it, this choice is saved.";

#[derive(Debug)]
pub(super) struct TrustStep {
    codex_home: PathBuf,
    project: PathBuf,
    selected: Choice,
    /// Why saving the choice failed.
    error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Trust,
    Quit,
}

impl TrustStep {
    pub(super) fn new(codex_home: PathBuf, project: PathBuf) -> TrustStep {
        TrustStep {
            codex_home,
            project,
            selected: Choice::Trust,
            error: None,
        }
    }

    pub(super) fn handle_key(&mut self, key: KeyEvent) -> Option<StepOutcome> {
        match key.code {
            KeyCode::Up => self.selected = Choice::Trust,
            KeyCode::Down => self.selected = Choice::Quit,
            KeyCode::Char('1') => return self.choose(Choice::Trust),
            KeyCode::Char('2') | KeyCode::Esc => return self.choose(Choice::Quit),
            KeyCode::Enter => return self.choose(self.selected),
            _ => {}
        }
        None
    }

    fn choose(&mut self, choice: Choice) -> Option<StepOutcome> {
        self.selected = choice;
        match choice {
            Choice::Quit => Some(StepOutcome::Quit),
            Choice::Trust => {
                match codex_core::config::edit::set_project_trusted(&self.codex_home, &self.project)
                {
                    Ok(()) => Some(StepOutcome::Done),
                    Err(err) => {
                        self.error = Some(err.to_string());
                        None
                    }
                }
            }
        }
    }

    pub(super) fn render(&self, area: Rect, buf: &mut Buffer) {
        let mut page = Page::new(area);
        page.blank();
        page.text("Folder access".bold());
        page.blank();
        page.text(self.project.display().to_string().dim());
        page.blank();
        page.text(EXPLANATION);
        page.blank();
        page.option(
            CURSOR,
            self.selected == Choice::Trust,
            1,
            "Trust and continue",
        );
        page.option(CURSOR, self.selected == Choice::Quit, 2, "Quit");
        page.blank();
        if let Some(error) = &self.error {
            page.text(error.clone().red());
            page.blank();
        }
        page.text("enter continue · esc back".dim());
        page.render(area, buf);
    }
}
