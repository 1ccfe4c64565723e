//! The terminal: setup and restore (also from the panic hook), the alternate screen or the
//! inline viewport, and writing committed history into the scrollback in inline mode.
//!
//! Inline mode keeps the live region as a fixed viewport at the bottom of what has been
//! printed. History lines are written once above it: the viewport is erased, the screen
//! scrolls up as far as needed (pushing old rows into the terminal's own scrollback), the
//! lines are printed, and the viewport is drawn again below them.

use std::io::Stdout;
use std::io::Write;
use std::io::stdout;

use crossterm::cursor::MoveTo;
use crossterm::cursor::Show;
use crossterm::event::DisableBracketedPaste;
use crossterm::event::DisableFocusChange;
use crossterm::event::EnableBracketedPaste;
use crossterm::event::EnableFocusChange;
use crossterm::event::KeyboardEnhancementFlags;
use crossterm::event::PopKeyboardEnhancementFlags;
use crossterm::event::PushKeyboardEnhancementFlags;
use crossterm::queue;
use crossterm::style::Attribute;
use crossterm::style::Print;
use crossterm::style::SetAttribute;
use crossterm::style::SetForegroundColor;
use crossterm::terminal::Clear;
use crossterm::terminal::ClearType;
use crossterm::terminal::EnterAlternateScreen;
use crossterm::terminal::LeaveAlternateScreen;
use ratatui::Terminal;
use ratatui::TerminalOptions;
use ratatui::Viewport;
use ratatui::backend::Backend;
use ratatui::backend::CrosstermBackend;
use ratatui::backend::IntoCrossterm;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::style::Modifier;
use ratatui::text::Line;

/// Full screen on the alternate screen (the default), or inline above the shell prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenMode {
    AltScreen,
    Inline,
}

pub type TerminalBackend = CrosstermBackend<Stdout>;

pub struct Tui {
    pub terminal: Terminal<TerminalBackend>,
    pub mode: ScreenMode,
    /// Inline: the row where the live viewport starts (history above it), and its height.
    viewport_top: u16,
    viewport_height: u16,
    /// An overlay is on the alternate screen (inline mode borrows it while one is open).
    overlay_open: bool,
    /// Inline: history committed while an overlay covered the screen, written when it closes.
    deferred_history: Vec<Line<'static>>,
}

/// Puts the terminal in the TUI's state: raw mode, bracketed paste, focus events, keyboard
/// enhancement (ignored by terminals without it), and the alternate screen unless inline.
pub fn init(mode: ScreenMode) -> std::io::Result<Tui> {
    crossterm::terminal::enable_raw_mode()?;
    install_panic_hook(mode);
    let mut out = stdout();
    queue!(
        out,
        EnableBracketedPaste,
        EnableFocusChange,
        PushKeyboardEnhancementFlags(
            KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES
                | KeyboardEnhancementFlags::REPORT_ALTERNATE_KEYS
        )
    )?;
    if mode == ScreenMode::AltScreen {
        queue!(out, EnterAlternateScreen)?;
    }
    out.flush()?;
    let (width, height) = crossterm::terminal::size()?;
    let viewport_top = match mode {
        ScreenMode::AltScreen => 0,
        // Start where the shell left the cursor; the viewport moves down as history grows.
        ScreenMode::Inline => crossterm::cursor::position().map_or(0, |(_, row)| row),
    };
    let area = match mode {
        ScreenMode::AltScreen => Rect::new(0, 0, width, height),
        ScreenMode::Inline => Rect::new(0, viewport_top, width, 1.min(height)),
    };
    let terminal = Terminal::with_options(
        CrosstermBackend::new(stdout()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )?;
    Ok(Tui {
        terminal,
        mode,
        viewport_top,
        viewport_height: area.height,
        overlay_open: false,
        deferred_history: Vec::new(),
    })
}

/// Leaves the TUI's terminal state. Safe to call more than once.
pub fn restore(mode: ScreenMode) -> std::io::Result<()> {
    let mut out = stdout();
    write_restore_sequence(&mut out, mode)?;
    out.flush()?;
    crossterm::terminal::disable_raw_mode()
}

/// The escape sequences that undo `init` (raw mode is a syscall, not an escape).
pub fn write_restore_sequence(out: &mut impl Write, mode: ScreenMode) -> std::io::Result<()> {
    queue!(
        out,
        PopKeyboardEnhancementFlags,
        DisableBracketedPaste,
        DisableFocusChange
    )?;
    if mode == ScreenMode::AltScreen {
        queue!(out, LeaveAlternateScreen)?;
    }
    queue!(out, Show)
}

/// Restores the terminal before the default hook prints the panic, then chains to it.
fn install_panic_hook(mode: ScreenMode) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore(mode);
        previous(info);
    }));
}

impl Tui {
    pub fn size(&self) -> Rect {
        let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
        Rect::new(0, 0, width, height)
    }

    /// Sets the live viewport for the next draw: the whole screen (alt mode, overlays), or
    /// `height` rows at the bottom of the printed history (inline), scrolling if needed.
    pub fn prepare_viewport(&mut self, height: u16) -> std::io::Result<Rect> {
        let screen = self.size();
        let area = if self.mode == ScreenMode::AltScreen || self.overlay_open {
            screen
        } else {
            let height = height.clamp(1, screen.height.max(1));
            self.viewport_height = height;
            let overflow = (self.viewport_top + height).saturating_sub(screen.height);
            if overflow > 0 {
                self.scroll_up(overflow, screen.height)?;
                self.viewport_top -= overflow.min(self.viewport_top);
            }
            Rect::new(0, self.viewport_top, screen.width, height)
        };
        let previous = self.terminal.get_frame().area();
        if area != previous {
            if self.mode == ScreenMode::Inline && !self.overlay_open {
                // A shrinking viewport leaves rows below it: erase everything it covered.
                self.clear_from(area.top().min(previous.top()))?;
            }
            self.terminal.resize(area)?;
        }
        Ok(area)
    }

    /// Terminal resized: re-anchor the inline viewport inside the new screen.
    pub fn on_resize(&mut self) -> std::io::Result<()> {
        let screen = self.size();
        if self.mode == ScreenMode::Inline && !self.overlay_open {
            let height = self.viewport_height.min(screen.height).max(1);
            self.viewport_top = self.viewport_top.min(screen.height.saturating_sub(height));
            self.terminal.resize(Rect::new(
                0,
                self.viewport_top,
                screen.width,
                height.min(screen.height),
            ))?;
        } else {
            self.terminal.resize(screen)?;
        }
        Ok(())
    }

    /// Inline mode: writes finished history lines into the scrollback above the viewport.
    pub fn insert_history_lines(&mut self, lines: &[Line<'static>]) -> std::io::Result<()> {
        if self.mode != ScreenMode::Inline || lines.is_empty() {
            return Ok(());
        }
        if self.overlay_open {
            self.deferred_history.extend_from_slice(lines);
            return Ok(());
        }
        let screen = self.size();
        let viewport_height = self.viewport_height.max(1);
        let room = screen.height.saturating_sub(viewport_height).max(1);
        self.clear_from(self.viewport_top)?;
        for chunk in lines.chunks(usize::from(room)) {
            let count = u16::try_from(chunk.len()).unwrap_or(room);
            let overflow =
                (self.viewport_top + count + viewport_height).saturating_sub(screen.height);
            if overflow > 0 {
                self.scroll_up(overflow, screen.height)?;
                self.viewport_top -= overflow.min(self.viewport_top);
            }
            let backend = self.terminal.backend_mut();
            for (offset, line) in chunk.iter().enumerate() {
                let row = self.viewport_top + u16::try_from(offset).unwrap_or(0);
                queue!(backend, MoveTo(0, row), Clear(ClearType::CurrentLine))?;
                write_line(backend, line)?;
            }
            self.viewport_top += count;
        }
        let area = Rect::new(0, self.viewport_top, screen.width, viewport_height);
        self.terminal.resize(area)?;
        Backend::flush(self.terminal.backend_mut())?;
        Ok(())
    }

    /// Erases the screen from `row` down.
    fn clear_from(&mut self, row: u16) -> std::io::Result<()> {
        queue!(
            self.terminal.backend_mut(),
            MoveTo(0, row),
            Clear(ClearType::FromCursorDown)
        )
    }

    /// Pushes the top `rows` rows of the screen into the scrollback.
    fn scroll_up(&mut self, rows: u16, screen_height: u16) -> std::io::Result<()> {
        let backend = self.terminal.backend_mut();
        queue!(backend, MoveTo(0, screen_height.saturating_sub(1)))?;
        for _ in 0..rows {
            queue!(backend, Print("\n"))?;
        }
        Ok(())
    }

    /// `/clear`: erase the screen (and, inline, start printing at the top again).
    pub fn clear_screen(&mut self) -> std::io::Result<()> {
        let backend = self.terminal.backend_mut();
        queue!(
            backend,
            Clear(ClearType::All),
            Clear(ClearType::Purge),
            MoveTo(0, 0)
        )?;
        self.viewport_top = 0;
        let screen = self.size();
        self.terminal.resize(Rect::new(0, 0, screen.width, 1))?;
        Ok(())
    }

    /// Overlays use the alternate screen while open, in both modes.
    pub fn enter_overlay(&mut self) -> std::io::Result<()> {
        if self.mode == ScreenMode::Inline && !self.overlay_open {
            queue!(self.terminal.backend_mut(), EnterAlternateScreen)?;
        }
        self.overlay_open = true;
        let screen = self.size();
        self.terminal.resize(screen)
    }

    pub fn leave_overlay(&mut self) -> std::io::Result<()> {
        if self.mode == ScreenMode::Inline && self.overlay_open {
            queue!(self.terminal.backend_mut(), LeaveAlternateScreen)?;
        }
        self.overlay_open = false;
        self.on_resize()?;
        let deferred = std::mem::take(&mut self.deferred_history);
        self.insert_history_lines(&deferred)
    }

    /// Erases the live viewport before exit (inline), so the shell prompt follows the history.
    pub fn erase_viewport(&mut self) -> std::io::Result<()> {
        if self.mode == ScreenMode::Inline {
            self.clear_from(self.viewport_top)?;
            Backend::flush(self.terminal.backend_mut())?;
        }
        Ok(())
    }
}

/// Prints one styled line with crossterm, resetting the style after each span.
fn write_line(out: &mut impl Write, line: &Line<'_>) -> std::io::Result<()> {
    for span in &line.spans {
        let style = line.style.patch(span.style);
        if let Some(color) = style.fg {
            queue!(out, SetForegroundColor(color.into_crossterm()))?;
        }
        for (modifier, attribute) in [
            (Modifier::BOLD, Attribute::Bold),
            (Modifier::DIM, Attribute::Dim),
            (Modifier::ITALIC, Attribute::Italic),
            (Modifier::UNDERLINED, Attribute::Underlined),
            (Modifier::REVERSED, Attribute::Reverse),
            (Modifier::CROSSED_OUT, Attribute::CrossedOut),
        ] {
            if style.add_modifier.contains(modifier) {
                queue!(out, SetAttribute(attribute))?;
            }
        }
        queue!(
            out,
            Print(span.content.as_ref()),
            SetAttribute(Attribute::Reset)
        )?;
        if style.fg.is_some_and(|color| color != Color::Reset) {
            queue!(out, SetForegroundColor(crossterm::style::Color::Reset))?;
        }
    }
    Ok(())
}
