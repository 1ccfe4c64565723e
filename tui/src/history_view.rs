//! The committed history as the alternate screen shows it: cells' lines cached per width with
//! cumulative heights, so a frame renders only the visible slice, never the whole transcript.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::history_cell::HistoryCell;

#[derive(Debug, Default)]
pub struct HistoryView {
    cells: Vec<Box<dyn HistoryCell>>,
    /// Width the cache below was built for.
    width: u16,
    /// Each cell's rows (with the separating blank row, where there is one).
    lines: Vec<Vec<Line<'static>>>,
    /// `ends[i]` = total rows of cells `0..=i`.
    ends: Vec<usize>,
}

impl HistoryView {
    pub fn push(&mut self, cell: Box<dyn HistoryCell>) {
        if self.width > 0 {
            let rows = Self::cell_rows(cell.as_ref(), self.width, self.cells.is_empty());
            let end = self.total_rows() + rows.len();
            self.lines.push(rows);
            self.ends.push(end);
        }
        self.cells.push(cell);
    }

    pub fn cells(&self) -> &[Box<dyn HistoryCell>] {
        &self.cells
    }

    pub fn clear(&mut self) {
        *self = HistoryView::default();
    }

    /// Keeps the first `len` cells.
    pub fn truncate(&mut self, len: usize) {
        self.cells.truncate(len);
        self.lines.truncate(len);
        self.ends.truncate(len);
    }

    /// A cell's rows as committed: a blank separator (unless it is the first cell or continues
    /// the previous one), then its lines.
    pub fn cell_rows(cell: &dyn HistoryCell, width: u16, first: bool) -> Vec<Line<'static>> {
        let mut rows = Vec::new();
        if !first && !cell.continues_previous() {
            rows.push(Line::default());
        }
        rows.extend(cell.display_lines(width));
        rows
    }

    fn ensure_width(&mut self, width: u16) {
        if self.width == width && self.lines.len() == self.cells.len() {
            return;
        }
        self.width = width;
        self.lines.clear();
        self.ends.clear();
        let mut total = 0;
        for (index, cell) in self.cells.iter().enumerate() {
            let rows = Self::cell_rows(cell.as_ref(), width, index == 0);
            total += rows.len();
            self.lines.push(rows);
            self.ends.push(total);
        }
    }

    pub fn total_rows(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    /// Rows at `width` (builds the cache for that width).
    pub fn height(&mut self, width: u16) -> usize {
        self.ensure_width(width);
        self.total_rows()
    }

    /// Draws rows `first..first + area.height` of the history into `area`.
    pub fn render(&mut self, first: usize, area: Rect, buf: &mut Buffer) {
        self.ensure_width(area.width);
        let last = (first + usize::from(area.height)).min(self.total_rows());
        if first >= last {
            return;
        }
        // The first cell whose rows reach past `first`.
        let mut cell = self.ends.partition_point(|end| *end <= first);
        let mut row = first;
        let mut y = area.y;
        while row < last && cell < self.lines.len() {
            let start = if cell == 0 { 0 } else { self.ends[cell - 1] };
            let lines = &self.lines[cell];
            while row < last && row < start + lines.len() {
                buf.set_line(area.x, y, &lines[row - start], area.width);
                row += 1;
                y += 1;
            }
            cell += 1;
        }
    }
}
