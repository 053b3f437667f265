//! Renderers: a report, once computed, is laid out as a [`Document`] of tables of typed values
//! and written as GitHub-flavoured Markdown (labels and numbers in the workspace language) or as
//! CSV (machine names, plain numbers). Renderers round and format; they compute nothing.

use crate::config::Language;
use crate::money::{Decimal, round_money, round_rate};
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
        let p = self.number(value * Decimal::ONE_HUNDRED, 1);
        match self.language {
            Language::En => format!("{p}%"),
            Language::De => format!("{p} %"),
        }
    }

    pub fn value(&self, value: &Value) -> String {
        const UNKNOWN: &str = "–";
        match value {
            Value::Text(s) => escape_cell(s),
            Value::Money(Some(v)) => self.money(*v),
            Value::Rate(Some(v)) => self.percent(*v),
            Value::Count(n) => self.number(Decimal::from(*n), 0),
            Value::Number(Some(v)) => self.number(*v, v.scale().min(2)),
            Value::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
            Value::Money(None) | Value::Rate(None) | Value::Number(None) | Value::Date(None) => {
                UNKNOWN.to_string()
            }
        }
    }
}

fn escape_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A table as GitHub-flavoured Markdown: columns padded to their widest cell, numbers
/// right-aligned (also marked `---:` for renderers), the total row in bold. Cells are formatted
/// twice (once for the widths, once for the text) rather than kept, so a table of many rows
/// costs no more memory than its values.
pub fn markdown_table(table: &Table, style: &Style) -> String {
    let mut out = Vec::new();
    write_markdown_table(table, style, &mut out).expect("writing to memory");
    out.pop();
    String::from_utf8(out).expect("UTF-8")
}

/// Writes [`markdown_table`] to `out`, line by line, with a final newline.
pub fn write_markdown_table(
    table: &Table,
    style: &Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    let n = table.columns.len();
    let numeric: Vec<bool> = (0..n)
        .map(|i| table.rows.iter().chain(table.total.iter()).any(|r| r.get(i).is_some_and(Value::is_numeric)))
        .collect();
    let total_cell = |v: &Value| {
        let s = style.value(v);
        if s.is_empty() { s } else { format!("**{s}**") }
    };
    let mut widths: Vec<usize> = table.columns.iter().map(|c| escape_cell(&c.label).width().max(1)).collect();
    for row in &table.rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(style.value(v).width());
        }
    }
    if let Some(total) = &table.total {
        for (w, v) in widths.iter_mut().zip(total) {
            *w = (*w).max(total_cell(v).width());
        }
    }
    let mut line = String::new();
    let mut write_row = |out: &mut dyn std::io::Write, cells: &mut dyn Iterator<Item = String>| {
        line.clear();
        line.push('|');
        for (i, cell) in cells.enumerate().take(n) {
            let pad = widths[i].saturating_sub(cell.width());
            line.push(' ');
            if numeric[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(&cell);
            } else {
                line.push_str(&cell);
                line.extend(std::iter::repeat_n(' ', pad));
            }
            line.push_str(" |");
        }
        let end = line.trim_end().len();
        line.truncate(end);
        line.push('\n');
        out.write_all(line.as_bytes())
    };
    write_row(out, &mut table.columns.iter().map(|c| escape_cell(&c.label)))?;
    let mut separator = String::from("|");
    for (i, w) in widths.iter().enumerate() {
        separator.extend(std::iter::repeat_n('-', w + 1));
        separator.push(if numeric[i] { ':' } else { '-' });
        separator.push('|');
    }
    separator.push('\n');
    out.write_all(separator.as_bytes())?;
    for row in &table.rows {
        write_row(out, &mut row.iter().map(|v| style.value(v)))?;
    }
    if let Some(total) = &table.total {
        write_row(out, &mut total.iter().map(total_cell))?;
    }
    Ok(())
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
    match value {
        Value::Text(s) => s.clone(),
        Value::Money(Some(v)) => format!("{:.2}", round_money(*v)),
        Value::Rate(Some(v)) => round_rate(*v).normalize().to_string(),
        Value::Count(n) => n.to_string(),
        Value::Number(Some(v)) => v.normalize().to_string(),
        Value::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
        Value::Money(None) | Value::Rate(None) | Value::Number(None) | Value::Date(None) => String::new(),
    }
}

/// A table as CSV with a header line of machine names; the total row, if any, comes last.
pub fn csv(table: &Table) -> Result<String, csv::Error> {
    let mut out = Vec::new();
    write_csv(table, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Writes [`csv`] to `out`.
pub fn write_csv(table: &Table, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(table.columns.iter().map(|c| c.key.as_str()))?;
    for row in table.rows.iter().chain(table.total.iter()) {
        writer.write_record(row.iter().map(csv_value))?;
    }
    writer.flush()?;
    Ok(())
}

/// Money for JSON: a number rounded to cents, written exactly.
pub fn json_money(value: Decimal) -> serde_json::Value {
    json_decimal(round_money(value))
}

/// A rate for JSON: a number rounded to 4 places.
pub fn json_rate(value: Decimal) -> serde_json::Value {
    json_decimal(round_rate(value))
}

/// A decimal as an exact JSON number.
pub fn json_decimal(value: Decimal) -> serde_json::Value {
    let text = value.normalize().to_string();
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

    #[test]
    fn csv_uses_plain_numbers() {
        assert_eq!(csv_value(&Value::Money(Some(d("1234.5")))), "1234.50");
        assert_eq!(csv_value(&Value::Rate(Some(d("0.47826")))), "0.4783");
        assert_eq!(csv_value(&Value::Rate(None)), "");
        assert_eq!(json_money(d("17.245")).to_string(), "17.25");
        assert_eq!(json_money(d("350")).to_string(), "350");
    }
}
