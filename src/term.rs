//! The terminal renderer (`--format term`, the default of the table reports when stdout is a
//! terminal): headings and lines as plain text, tables drawn by comfy-table and fitted to the
//! terminal's width (or `COLUMNS`), numbers right-aligned. Charts, which a terminal cannot draw,
//! are left out. Like every renderer it computes nothing.

use crate::markdown::plain;
use crate::render::{Block, Document, Style, Table};
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table as Grid, Width, presets};
use std::io::{self, Write};

/// The width tables and lines are fitted to: `COLUMNS` where set, else the terminal's, else none.
fn width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|&w: &u16| w >= 20)
        .or_else(|| Grid::new().width())
}

/// Writes `text` in lines of at most `width` columns, broken between words (a word longer than
/// the width stands on a line of its own); the lines after the first start with `indent`.
fn write_wrapped(
    out: &mut dyn Write,
    first: &str,
    indent: &str,
    text: &str,
    width: Option<u16>,
) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let Some(width) = width.map(usize::from) else {
        return writeln!(out, "{first}{text}");
    };
    let mut line = first.to_string();
    let mut used = first.width();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        if !empty && used + 1 + w > width {
            writeln!(out, "{line}")?;
            line = indent.to_string();
            used = indent.width();
            empty = true;
        }
        if !empty {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += w;
        empty = false;
    }
    writeln!(out, "{line}")
}

/// A table drawn for the terminal. No cell breaks inside a number, a date or a word of up to
/// 16 columns: each column is at least as wide as those (and the words of its header); a table
/// that cannot fit so is wider than the terminal rather than unreadable.
pub fn grid(table: &Table<'_>, style: &Style) -> Grid {
    use unicode_width::UnicodeWidthStr;
    const LONGEST_WORD: usize = 16;
    let mut grid = Grid::new();
    grid.load_style(presets::UTF8_FULL_CONDENSED);
    grid.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width() {
        grid.set_width(w);
    }
    grid.set_header(table.columns.iter().map(|c| Cell::new(&c.label)));
    let n = table.columns.len();
    let mut numeric = vec![false; n];
    let mut least: Vec<usize> = table
        .columns
        .iter()
        .map(|c| c.label.split_whitespace().map(|w| w.width()).max().unwrap_or(0).min(LONGEST_WORD))
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(table.rows.len() + 1);
    let mut add = |row: &[crate::render::Value]| {
        let texts: Vec<String> = row.iter().map(|v| style.plain_value(v)).collect();
        for (i, (t, v)) in texts.iter().zip(row).enumerate().take(n) {
            let widest = if v.is_numeric() || matches!(v, crate::render::Value::Date(_)) {
                numeric[i] |= v.is_numeric();
                t.width()
            } else {
                t.split_whitespace().map(|w| w.width()).max().unwrap_or(0).min(LONGEST_WORD)
            };
            least[i] = least[i].max(widest);
        }
        rows.push(texts);
    };
    table.rows.each(0..table.rows.len(), |row| add(row));
    if let Some(total) = &table.total {
        add(total);
    }
    for texts in rows {
        grid.add_row(texts.into_iter().enumerate().map(|(i, t)| {
            let cell = Cell::new(t);
            if numeric.get(i).copied().unwrap_or(false) {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    for (i, w) in least.into_iter().enumerate() {
        if let Some(column) = grid.column_mut(i) {
            // The cell's padding comes on top of its content.
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(w as u16 + 2)));
        }
    }
    grid
}

/// Writes a document for the terminal.
pub fn write_terminal(doc: &Document<'_>, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let wrap = width();
    let mut first = true;
    let mut gap = |out: &mut dyn Write| -> io::Result<()> {
        if !first {
            writeln!(out)?;
        }
        first = false;
        Ok(())
    };
    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                gap(out)?;
                let text = plain(text);
                writeln!(out, "{text}")?;
                let underline = if *level == 1 { '═' } else { '─' };
                let width = unicode_width::UnicodeWidthStr::width(text.as_str());
                writeln!(out, "{}", underline.to_string().repeat(width))?;
            }
            Block::Paragraph(text) => {
                gap(out)?;
                write_wrapped(out, "", "", &plain(text), wrap)?;
            }
            Block::Bullets(items) => {
                gap(out)?;
                for item in items {
                    write_wrapped(out, "• ", "  ", &plain(item), wrap)?;
                }
            }
            Block::Table(table) => {
                gap(out)?;
                writeln!(out, "{}", grid(table, style))?;
            }
            Block::CsvTable => {
                if let Some(table) = &doc.csv_table {
                    gap(out)?;
                    writeln!(out, "{}", grid(table, style))?;
                }
            }
            // Mermaid charts and other verbatim Markdown.
            Block::Raw(_) => {}
        }
    }
    Ok(())
}
