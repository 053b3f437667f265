//! Renderers: a report, once computed, is laid out as a [`Document`] of tables of typed values
//! and written as GitHub-flavoured Markdown (labels and numbers in the workspace language) or as
//! CSV (machine names, plain numbers). Renderers round and format; they compute nothing.

use crate::config::Language;
use crate::money::{Decimal, round_money, rounded_units};
use chrono::NaiveDate;
use comfy_table::{CellAlignment, ContentArrangement, Table as Grid, presets};

/// One value in a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// Money; `None` is unknown.
    Money(Option<Decimal>),
    /// A fraction (0.25 is 25 %); `None` is unknown or undefined.
    Rate(Option<Decimal>),
    Count(u64),
    /// A decimal that is not money (quantities, days).
    Number(Option<Decimal>),
    Date(Option<NaiveDate>),
}

impl Value {
    fn is_numeric(&self) -> bool {
        !matches!(self, Value::Text(_) | Value::Date(_))
    }
}

/// A column: its machine name (CSV header) and its label in the report language.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub key: String,
    pub label: String,
}

/// A table with an optional total row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    pub total: Option<Vec<Value>>,
}

/// A block of a Markdown document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Bullets(Vec<String>),
    Table(Table),
    /// The document's [`Document::csv_table`], written here as a Markdown table: a long table
    /// is held once for both formats.
    CsvTable,
    /// Verbatim Markdown (e.g. a Mermaid block).
    Raw(String),
}

/// A report laid out for output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// The table that `--format csv` writes.
    pub csv_table: Option<Table>,
}

/// The language's number style.
pub struct Style {
    pub language: Language,
}

impl Style {
    pub fn new(language: Language) -> Self {
        Style { language }
    }

    fn marks(&self) -> (char, char) {
        match self.language {
            Language::En => ('.', ','),
            Language::De => (',', '.'),
        }
    }

    /// A decimal with `places` places, grouped in thousands.
    pub fn number(&self, value: Decimal, places: u32) -> String {
        let mut out = String::new();
        self.push_number(&mut out, value, places);
        out
    }

    /// Appends [`Style::number`] to `out`.
    pub fn push_number(&self, out: &mut String, value: Decimal, places: u32) {
        let (mark, sep) = self.marks();
        match rounded_units(value, places) {
            Some(units) => push_units(out, units, places, mark, Some(sep), '−'),
            None => out.push_str(&self.number_by_decimal(value, places)),
        }
    }

    /// [`Style::number`] by rounding the decimal itself: the slow way, for amounts whose
    /// rounded units do not fit in an `i128` (none that `places` of kam's reports produce).
    fn number_by_decimal(&self, value: Decimal, places: u32) -> String {
        let (mark, sep) = self.marks();
        let v = value.round_dp_with_strategy(places, crate::money::ROUNDING);
        // The digits of the mantissa, last first; after rounding the scale is at most `places`.
        let scale = v.scale().min(places) as usize;
        let mut mantissa = v.mantissa().unsigned_abs();
        let mut digits = [0u8; 40];
        let mut len = 0;
        loop {
            digits[len] = b'0' + (mantissa % 10) as u8;
            len += 1;
            mantissa /= 10;
            if mantissa == 0 && len > scale {
                break;
            }
        }
        let int_len = len - scale;
        let mut out = String::with_capacity(len + len / 3 + places as usize + 4);
        if v.is_sign_negative() && !v.is_zero() {
            out.push('−');
        }
        for i in 0..int_len {
            if i > 0 && (int_len - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(digits[len - 1 - i] as char);
        }
        if places > 0 {
            out.push(mark);
            for i in (0..scale).rev() {
                out.push(digits[i] as char);
            }
            out.extend(std::iter::repeat_n('0', places as usize - scale));
        }
        out
    }

    pub fn money(&self, value: Decimal) -> String {
        self.number(value, 2)
    }

    /// A fraction as a percentage with one place.
    pub fn percent(&self, value: Decimal) -> String {
        let mut out = String::new();
        self.push_percent(&mut out, value);
        out
    }

    /// Appends [`Style::percent`] to `out`.
    fn push_percent(&self, out: &mut String, value: Decimal) {
        let (mark, sep) = self.marks();
        // A percentage to one place is the fraction to three: the same digits, shifted.
        match rounded_units(value, 3) {
            Some(units) => push_units(out, units, 1, mark, Some(sep), '−'),
            None => out.push_str(&self.number_by_decimal(value * Decimal::ONE_HUNDRED, 1)),
        }
        out.push_str(match self.language {
            Language::En => "%",
            Language::De => " %",
        });
    }

    pub fn value(&self, value: &Value) -> String {
        let mut out = String::new();
        self.push_value(&mut out, value);
        out
    }

    /// Appends [`Style::value`] to `out`.
    pub fn push_value(&self, out: &mut String, value: &Value) {
        const UNKNOWN: &str = "–";
        match value {
            Value::Text(s) => push_escaped(out, s),
            Value::Money(Some(v)) => self.push_number(out, *v, 2),
            Value::Rate(Some(v)) => self.push_percent(out, *v),
            Value::Count(n) => {
                let (_, sep) = self.marks();
                push_units(out, i128::from(*n), 0, '.', Some(sep), '−');
            }
            Value::Number(Some(v)) => self.push_number(out, *v, v.scale().min(2)),
            Value::Date(Some(d)) => {
                use std::fmt::Write;
                let _ = write!(out, "{}", d.format("%Y-%m-%d"));
            }
            Value::Money(None) | Value::Rate(None) | Value::Number(None) | Value::Date(None) => {
                out.push_str(UNKNOWN)
            }
        }
    }
}

/// The decimal digits of `n` at the end of `buf`, at least `min` of them (zeros in front);
/// returns where they start.
fn digits(n: u128, min: usize, buf: &mut [u8; 48]) -> usize {
    let mut start = buf.len();
    // Most numbers fit in 64 bits, where division by 10 is a multiplication.
    let mut rest = n;
    while rest > u128::from(u64::MAX) {
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let mut small = rest as u64;
    loop {
        start -= 1;
        buf[start] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            break;
        }
    }
    while buf.len() - start < min {
        start -= 1;
        buf[start] = b'0';
    }
    start
}

/// Appends a number given in units of 10^-`places`: `minus` before a negative one, the integer
/// digits (grouped in thousands by `separator`, if any), then `mark` and the `places` digits.
fn push_units(out: &mut String, units: i128, places: u32, mark: char, separator: Option<char>, minus: char) {
    let mut buf = [0u8; 48];
    let places = places as usize;
    let start = digits(units.unsigned_abs(), places + 1, &mut buf);
    let text = &buf[start..];
    let (int, frac) = text.split_at(text.len() - places);
    if units < 0 {
        out.push(minus);
    }
    match separator {
        Some(sep) => {
            // The first group has 1 to 3 digits, every later one 3.
            let first = match int.len() % 3 {
                0 => 3,
                r => r,
            };
            let (head, tail) = int.split_at(first.min(int.len()));
            out.push_str(std::str::from_utf8(head).unwrap_or_default());
            for group in tail.chunks(3) {
                out.push(sep);
                out.push_str(std::str::from_utf8(group).unwrap_or_default());
            }
        }
        None => out.push_str(std::str::from_utf8(int).unwrap_or_default()),
    }
    if places > 0 {
        out.push(mark);
        out.push_str(std::str::from_utf8(frac).unwrap_or_default());
    }
}

/// Appends a decimal given as `units` × 10^-`scale` the way `Decimal::normalize` and `Display`
/// write it: no trailing fraction zeros, `-` for negatives, `.` as the mark, no grouping.
fn push_plain(out: &mut String, mut units: i128, mut scale: u32) {
    while scale > 0 && units % 10 == 0 {
        units /= 10;
        scale -= 1;
    }
    push_units(out, units, scale, '.', None, '-');
}

/// Appends `s` as a Markdown table cell: `|` escaped, line breaks as spaces.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A table as GitHub-flavoured Markdown: columns padded to their widest cell, numbers
/// right-aligned (also marked `---:` for renderers), the total row in bold.
pub fn markdown_table(table: &Table, style: &Style) -> String {
    let mut out = Vec::new();
    write_markdown_table(table, style, &mut out).expect("writing to memory");
    out.pop();
    String::from_utf8(out).expect("UTF-8")
}

/// The cells of a table as text, formatted once: end to end in one string, with where each
/// cell ends, and the display width of each column.
struct CellTexts {
    text: String,
    /// End of each cell in `text`, row by row; a cell starts where the one before ends.
    ends: Vec<usize>,
    /// Cells in each row (at most the number of columns).
    row_lens: Vec<usize>,
    widths: Vec<usize>,
}

impl CellTexts {
    fn new(columns: usize) -> Self {
        CellTexts { text: String::new(), ends: Vec::new(), row_lens: Vec::new(), widths: vec![0; columns] }
    }

    /// Adds a row of cells, each written by `push` after the text so far.
    fn add_row<T>(&mut self, cells: &[T], mut push: impl FnMut(&mut String, &T)) {
        let n = cells.len().min(self.widths.len());
        for (i, cell) in cells[..n].iter().enumerate() {
            let start = self.text.len();
            push(&mut self.text, cell);
            self.widths[i] = self.widths[i].max(display_width(&self.text[start..]));
            self.ends.push(self.text.len());
        }
        self.row_lens.push(n);
    }
}

/// Writes [`markdown_table`] to `out`, line by line, with a final newline. Every cell is
/// formatted once, into one buffer, before the column widths are known; the rows of a large
/// table are formatted in chunks side by side, and all but the first chunk written into memory
/// beside the first, which goes straight out.
pub fn write_markdown_table(
    table: &Table,
    style: &Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let n = table.columns.len();
    let numeric: Vec<bool> = (0..n)
        .map(|i| table.rows.iter().chain(table.total.iter()).any(|r| r.get(i).is_some_and(Value::is_numeric)))
        .collect();
    let mut head = CellTexts::new(n);
    head.add_row(&table.columns, |out, c| push_escaped(out, &c.label));
    for w in &mut head.widths {
        *w = (*w).max(1);
    }
    let bodies = crate::parallel::side_by_side(&crate::parallel::chunks(&table.rows), |rows| {
        let mut cells = CellTexts::new(n);
        for row in *rows {
            cells.add_row(row, |out, v| style.push_value(out, v));
        }
        cells
    });
    let mut tail = CellTexts::new(n);
    if let Some(total) = &table.total {
        tail.add_row(total, |out, v| {
            let start = out.len();
            style.push_value(out, v);
            if out.len() > start {
                out.insert_str(start, "**");
                out.push_str("**");
            }
        });
    }
    let widths: Vec<usize> =
        (0..n).map(|i| bodies.iter().chain([&head, &tail]).map(|c| c.widths[i]).max().unwrap_or(0)).collect();
    let layout = Lines { widths: &widths, numeric: &numeric };
    layout.write(&head, out)?;
    let mut separator = String::from("|");
    for (i, w) in widths.iter().enumerate() {
        separator.extend(std::iter::repeat_n('-', w + 1));
        separator.push(if numeric[i] { ':' } else { '-' });
        separator.push('|');
    }
    separator.push('\n');
    out.write_all(separator.as_bytes())?;
    if let [first, rest @ ..] = bodies.as_slice() {
        let (written, texts) = std::thread::scope(|scope| {
            let handles: Vec<_> = rest
                .iter()
                .map(|cells| {
                    scope.spawn(move || {
                        let mut text = Vec::new();
                        // Writing to memory does not fail.
                        let _ = layout.write(cells, &mut text);
                        text
                    })
                })
                .collect();
            let written = layout.write(first, out);
            let texts: Vec<Vec<u8>> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect();
            (written, texts)
        });
        written?;
        for text in texts {
            out.write_all(&text)?;
        }
    }
    layout.write(&tail, out)
}

/// How the lines of a Markdown table are laid out.
#[derive(Clone, Copy)]
struct Lines<'a> {
    widths: &'a [usize],
    numeric: &'a [bool],
}

impl Lines<'_> {
    /// Writes the rows of `cells`, padded to the column widths.
    fn write(&self, cells: &CellTexts, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let CellTexts { text, ends, row_lens, .. } = cells;
        let mut line = String::new();
        let mut start = 0;
        let mut next = ends.iter();
        for &len in row_lens {
            line.clear();
            line.push('|');
            for (i, &end) in next.by_ref().take(len).enumerate() {
                let cell = &text[start..end];
                start = end;
                let pad = self.widths[i].saturating_sub(display_width(cell));
                line.push(' ');
                if self.numeric[i] {
                    push_spaces(&mut line, pad);
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    push_spaces(&mut line, pad);
                }
                line.push_str(" |");
            }
            let end = line.trim_end().len();
            line.truncate(end);
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

/// Appends `n` spaces.
fn push_spaces(line: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        line.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The display width of a cell; printable ASCII is one column a byte.
fn display_width(s: &str) -> usize {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        s.len()
    } else {
        unicode_width::UnicodeWidthStr::width(s)
    }
}

/// The same table laid out by comfy-table, the reference that [`markdown_table`] matches byte
/// for byte (kept for the tests that prove it).
#[doc(hidden)]
pub fn markdown_table_reference(table: &Table, style: &Style) -> String {
    let mut grid = Grid::new();
    grid.load_style(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty();
    grid.set_header(table.columns.iter().map(|c| escape_cell(&c.label)));
    let numeric: Vec<bool> = (0..table.columns.len())
        .map(|i| table.rows.iter().chain(table.total.iter()).any(|r| r.get(i).is_some_and(Value::is_numeric)))
        .collect();
    for row in &table.rows {
        grid.add_row(row.iter().map(|v| style.value(v)));
    }
    if let Some(total) = &table.total {
        grid.add_row(total.iter().map(|v| {
            let s = style.value(v);
            if s.is_empty() { s } else { format!("**{s}**") }
        }));
    }
    for (i, &right) in numeric.iter().enumerate() {
        if right && let Some(col) = grid.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let text = grid.to_string();
    // Mark right-aligned columns in the separator line so that renderers align them too.
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    if lines.len() > 1 {
        let parts: Vec<&str> = lines[1].split('|').collect();
        let mut sep = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                sep.push('|');
            }
            let column = i.wrapping_sub(1);
            if !part.is_empty() && numeric.get(column).copied().unwrap_or(false) {
                sep.push_str(&part[..part.len() - 1]);
                sep.push(':');
            } else {
                sep.push_str(part);
            }
        }
        lines[1] = sep;
    }
    lines.join("\n")
}

/// A document as Markdown.
pub fn markdown(doc: &Document, style: &Style) -> String {
    let mut out = Vec::new();
    write_markdown(doc, style, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// Writes a document as Markdown to `out`, a table line by line.
pub fn write_markdown(doc: &Document, style: &Style, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for (i, block) in doc.blocks.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        match block {
            Block::Heading(level, text) => writeln!(out, "{} {text}", "#".repeat(*level as usize))?,
            Block::Paragraph(text) => writeln!(out, "{text}")?,
            Block::Bullets(items) => {
                for item in items {
                    writeln!(out, "- {item}")?;
                }
            }
            Block::Table(table) => write_markdown_table(table, style, out)?,
            Block::CsvTable => {
                if let Some(table) = &doc.csv_table {
                    write_markdown_table(table, style, out)?
                }
            }
            Block::Raw(text) => {
                out.write_all(text.as_bytes())?;
                if !text.ends_with('\n') {
                    out.write_all(b"\n")?;
                }
            }
        }
    }
    Ok(())
}

/// A value for CSV: plain numbers with `.`, money to cents, rates to 4 places, unknown empty.
pub fn csv_value(value: &Value) -> String {
    let mut out = String::new();
    push_csv_value(&mut out, value);
    out
}

/// Appends [`csv_value`] to `out`.
pub fn push_csv_value(out: &mut String, value: &Value) {
    match value {
        Value::Text(s) => out.push_str(s),
        Value::Money(Some(v)) => match rounded_units(*v, 2) {
            Some(cents) => push_units(out, cents, 2, '.', None, '-'),
            None => out.push_str(&format!("{:.2}", round_money(*v))),
        },
        Value::Rate(Some(v)) => push_rounded_plain(out, *v, 4),
        Value::Count(n) => push_units(out, i128::from(*n), 0, '.', None, '-'),
        Value::Number(Some(v)) => push_plain(out, v.mantissa(), v.scale()),
        Value::Date(Some(d)) => {
            use std::fmt::Write;
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Value::Money(None) | Value::Rate(None) | Value::Number(None) | Value::Date(None) => {}
    }
}

/// Appends `value` as [`json_decimal`] writes it.
pub fn push_plain_decimal(out: &mut String, value: Decimal) {
    push_plain(out, value.mantissa(), value.scale())
}

/// Appends `value` rounded to `places` places, written as [`json_decimal`] writes it.
pub fn push_rounded_plain(out: &mut String, value: Decimal, places: u32) {
    match rounded_units(value, places) {
        Some(units) => push_plain(out, units, places),
        None => {
            let rounded = value.round_dp_with_strategy(places, crate::money::ROUNDING);
            push_plain(out, rounded.mantissa(), rounded.scale())
        }
    }
}

/// A table as CSV with a header line of machine names; the total row, if any, comes last.
pub fn csv(table: &Table) -> Result<String, csv::Error> {
    let mut out = Vec::new();
    write_csv(table, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Writes [`csv()`] to `out`.
pub fn write_csv(table: &Table, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(table.columns.iter().map(|c| c.key.as_str()))?;
    // Each row's values are formatted end to end into one buffer, then written field by field.
    let mut text = String::new();
    let mut ends = Vec::new();
    for row in table.rows.iter().chain(table.total.iter()) {
        text.clear();
        ends.clear();
        for value in row {
            push_csv_value(&mut text, value);
            ends.push(text.len());
        }
        let mut start = 0;
        writer.write_record(ends.iter().map(|&end| {
            let field = &text.as_bytes()[start..end];
            start = end;
            field
        }))?;
    }
    writer.flush()?;
    Ok(())
}

/// Money for JSON: a number rounded to cents, written exactly.
pub fn json_money(value: Decimal) -> serde_json::Value {
    json_number(|out| push_rounded_plain(out, value, 2))
}

/// A rate for JSON: a number rounded to 4 places.
pub fn json_rate(value: Decimal) -> serde_json::Value {
    json_number(|out| push_rounded_plain(out, value, 4))
}

/// A decimal as an exact JSON number.
pub fn json_decimal(value: Decimal) -> serde_json::Value {
    json_number(|out| push_plain(out, value.mantissa(), value.scale()))
}

fn json_number(write: impl FnOnce(&mut String)) -> serde_json::Value {
    let mut text = String::new();
    write(&mut text);
    text.parse::<serde_json::Number>().map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
}

pub fn json_opt(value: Option<Decimal>, f: fn(Decimal) -> serde_json::Value) -> serde_json::Value {
    value.map_or(serde_json::Value::Null, f)
}

/// A text sparkline of `values` (one block character each), scaled to `max`; negative values
/// show as the lowest block.
pub fn sparkline(values: &[Decimal], max: Decimal) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| {
            if max <= Decimal::ZERO || *v <= Decimal::ZERO {
                return BLOCKS[0];
            }
            let level = (*v / max * Decimal::from(7)).round().to_string().parse::<usize>().unwrap_or(0);
            BLOCKS[level.min(7)]
        })
        .collect()
}

/// A Mermaid `xychart-beta` block with one bar series and one line series over `labels`.
pub fn mermaid_xychart(
    title: &str,
    labels: &[String],
    y_label: &str,
    bars: &[Decimal],
    line: &[Decimal],
) -> String {
    let series = |values: &[Decimal]| {
        values
            .iter()
            .map(|v| v.round_dp_with_strategy(0, crate::money::ROUNDING).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let quote = |s: &str| s.replace('"', "'");
    format!(
        "```mermaid\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"{}\"\n    bar [{}]\n    line [{}]\n```",
        quote(title),
        labels.iter().map(|l| format!("\"{}\"", quote(l))).collect::<Vec<_>>().join(", "),
        quote(y_label),
        series(bars),
        series(line)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_in_both_languages() {
        let de = Style::new(Language::De);
        let en = Style::new(Language::En);
        assert_eq!(de.money(d("1234567.891")), "1.234.567,89");
        assert_eq!(en.money(d("1234567.891")), "1,234,567.89");
        assert_eq!(en.money(d("-0.005")), "−0.01");
        assert_eq!(en.money(d("999.999")), "1,000.00");
        assert_eq!(de.percent(d("0.4783")), "47,8 %");
        assert_eq!(en.percent(d("0.4783")), "47.8%");
        assert_eq!(en.value(&Value::Money(None)), "–");
        assert_eq!(en.number(d("0"), 2), "0.00");
        assert_eq!(en.number(d("0.05"), 1), "0.1");
        assert_eq!(en.number(d("-0.004"), 2), "0.00");
        assert_eq!(en.number(d("123"), 0), "123");
        assert_eq!(de.number(d("1234"), 0), "1.234");
        assert_eq!(en.number(d("7.5"), 3), "7.500");
        assert_eq!(en.number(d("-1000000"), 2), "−1,000,000.00");
        assert_eq!(de.money(d("0.5")), "0,50");
    }

    #[test]
    fn markdown_tables_align_numbers_right() {
        let table = Table {
            columns: vec![
                Column { key: "a".into(), label: "Account".into() },
                Column { key: "n".into(), label: "Net".into() },
            ],
            rows: vec![vec![Value::Text("x|y".into()), Value::Money(Some(d("5")))]],
            total: Some(vec![Value::Text("Total".into()), Value::Money(Some(d("5")))]),
        };
        let md = markdown_table(&table, &Style::new(Language::En));
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| Account   |      Net |");
        assert_eq!(lines[1], "|-----------|---------:|");
        assert_eq!(lines[2], "| x\\|y      |     5.00 |");
        assert_eq!(lines[3], "| **Total** | **5.00** |");
    }

    /// Formatting through `format!`, the plain way [`Style::number`] must agree with.
    fn number_by_format(style: &Style, value: Decimal, places: u32) -> String {
        let (mark, sep) = style.marks();
        let v = value.round_dp_with_strategy(places, crate::money::ROUNDING);
        let text = format!("{:.*}", places as usize, v.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        let sign = if v.is_sign_negative() && !v.is_zero() { "−" } else { "" };
        if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}{mark}{frac}") }
    }

    proptest::proptest! {
        #[test]
        fn numbers_format_like_format(mantissa in proptest::num::i64::ANY, scale in 0u32..12, places in 0u32..5, german in proptest::bool::ANY) {
            let style = Style::new(if german { Language::De } else { Language::En });
            let value = Decimal::new(mantissa, scale);
            proptest::prop_assert_eq!(style.number(value, places), number_by_format(&style, value, places));
        }

        #[test]
        fn markdown_tables_match_the_comfy_table_layout(
            labels in proptest::collection::vec("[A-Za-zäöü %|–]{0,12}", 1..5),
            cells in proptest::collection::vec(proptest::collection::vec(("[A-Za-z0-9 äö–⚠✓()|-]{0,14}", -1_000_000i64..1_000_000), 5), 0..6),
            with_total in proptest::bool::ANY,
            german in proptest::bool::ANY,
        ) {
            let n = labels.len();
            let columns = labels.iter().enumerate().map(|(i, l)| Column { key: format!("k{i}"), label: l.clone() }).collect();
            let value = |text: &str, cents: i64, kind: u8| match kind {
                0 => Value::Text(text.to_string()),
                1 => Value::Money(Some(Decimal::new(cents, 2))),
                2 => Value::Rate(if cents % 3 == 0 { None } else { Some(Decimal::new(cents, 6)) }),
                _ => Value::Count(cents.unsigned_abs()),
            };
            // Each column holds one kind, as in reports.
            let rows: Vec<Vec<Value>> = cells
                .iter()
                .map(|r| (0..n).map(|i| value(&r[i].0, r[i].1, i as u8 % 4)).collect())
                .collect();
            let total = with_total.then(|| (0..n).map(|i| if i == 0 { Value::Text("Total".into()) } else { value("", 7, i as u8 % 4) }).collect());
            let table = Table { columns, rows, total };
            let style = Style::new(if german { Language::De } else { Language::En });
            proptest::prop_assert_eq!(markdown_table(&table, &style), markdown_table_reference(&table, &style));
        }
    }

    /// [`csv_value`] the plain way, through the decimal's own rounding and `Display`.
    fn csv_value_by_display(value: &Value) -> String {
        use crate::money::round_rate;
        match value {
            Value::Money(Some(v)) => format!("{:.2}", round_money(*v)),
            Value::Rate(Some(v)) => round_rate(*v).normalize().to_string(),
            Value::Number(Some(v)) => v.normalize().to_string(),
            Value::Count(n) => n.to_string(),
            other => csv_value(other),
        }
    }

    /// A decimal for JSON the plain way: normalized, through `Display`.
    fn json_by_display(value: Decimal) -> String {
        value.normalize().to_string()
    }

    /// A percentage the plain way: the fraction times 100, rounded by the decimal.
    fn percent_by_decimal(style: &Style, value: Decimal) -> String {
        let p = style.number_by_decimal(value * Decimal::ONE_HUNDRED, 1);
        match style.language {
            Language::En => format!("{p}%"),
            Language::De => format!("{p} %"),
        }
    }

    #[test]
    fn fast_formatting_at_the_edges() {
        let en = Style::new(Language::En);
        for v in
            ["0", "-0.004", "-0.005", "0.005", "999.995", "-999.995", "1000000", "0.0000001", "-12.3456789"]
        {
            let v = d(v);
            for places in 0..5 {
                assert_eq!(en.number(v, places), number_by_format(&en, v, places), "{v} {places}");
            }
            assert_eq!(en.percent(v), percent_by_decimal(&en, v), "{v}");
            for value in [Value::Money(Some(v)), Value::Rate(Some(v)), Value::Number(Some(v))] {
                assert_eq!(csv_value(&value), csv_value_by_display(&value), "{value:?}");
            }
            assert_eq!(json_money(v).to_string(), json_by_display(round_money(v)));
            assert_eq!(json_decimal(v).to_string(), json_by_display(v));
        }
        assert_eq!(en.value(&Value::Count(1_234_567)), "1,234,567");
        assert_eq!(Style::new(Language::De).value(&Value::Count(u64::MAX)), "18.446.744.073.709.551.615");
        assert_eq!(csv_value(&Value::Count(u64::MAX)), u64::MAX.to_string());
        assert_eq!(csv_value(&Value::Money(Some(d("-0.004")))), "0.00");
        assert_eq!(csv_value(&Value::Rate(Some(d("0.50004")))), "0.5");
        assert_eq!(csv_value(&Value::Rate(Some(d("0.99996")))), "1");
        assert_eq!(csv_value(&Value::Number(Some(d("-1.2500")))), "-1.25");
        assert_eq!(csv_value(&Value::Number(Some(d("0.000")))), "0");
        assert_eq!(en.number(Decimal::MAX, 2), en.number_by_decimal(Decimal::MAX, 2));
        assert_eq!(en.number(Decimal::MIN, 4), en.number_by_decimal(Decimal::MIN, 4));
    }

    proptest::proptest! {
        #[test]
        fn fast_formatting_matches_the_decimal(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::num::u32::ANY,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
            size in 0u8..3,
            german in proptest::bool::ANY,
        ) {
            // Everyday amounts, large ones, and all 96 bits.
            let (mid, hi) = match size { 0 => (0, 0), 1 => (mid % 100_000, 0), _ => (mid, hi) };
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            let style = Style::new(if german { Language::De } else { Language::En });
            for places in 0..5 {
                proptest::prop_assert_eq!(style.number(value, places), style.number_by_decimal(value, places));
            }
            // The plain ways overflow (times 100) or overrun `Display`'s buffer on 96-bit values.
            if size < 2 {
                proptest::prop_assert_eq!(style.percent(value), percent_by_decimal(&style, value));
                for v in [Value::Money(Some(value)), Value::Rate(Some(value))] {
                    proptest::prop_assert_eq!(csv_value(&v), csv_value_by_display(&v));
                }
            }
            let number = Value::Number(Some(value));
            proptest::prop_assert_eq!(csv_value(&number), csv_value_by_display(&number));
            proptest::prop_assert_eq!(json_money(value).to_string(), json_by_display(round_money(value)));
            proptest::prop_assert_eq!(json_decimal(value).to_string(), json_by_display(value));
        }

        #[test]
        fn counts_format_like_display(n in proptest::num::u64::ANY, german in proptest::bool::ANY) {
            let style = Style::new(if german { Language::De } else { Language::En });
            proptest::prop_assert_eq!(style.value(&Value::Count(n)), number_by_format(&style, Decimal::from(n), 0));
            proptest::prop_assert_eq!(csv_value(&Value::Count(n)), n.to_string());
        }
    }

    #[test]
    fn csv_uses_plain_numbers() {
        assert_eq!(csv_value(&Value::Money(Some(d("1234.5")))), "1234.50");
        assert_eq!(csv_value(&Value::Rate(Some(d("0.47826")))), "0.4783");
        assert_eq!(csv_value(&Value::Rate(None)), "");
        assert_eq!(json_money(d("17.245")).to_string(), "17.25");
        assert_eq!(json_money(d("350")).to_string(), "350");
    }
}
