//! The Excel renderer (`--format xlsx`): a report's tables as worksheets of real cells, written
//! with rust_xlsxwriter. Every table is a sheet (the report's full table first, where it has one
//! for CSV), its header row bold, frozen and filtered, its columns fitted; numbers and dates are
//! numbers with number formats (Excel shows the separators of the reader's locale), money
//! rounded to cents as in every other format, unknown values empty. A last sheet holds the title,
//! the settings and the definitions of the report. Like every renderer it computes nothing.

use crate::config::Language;
use crate::money::{Decimal, round_money};
use crate::render::{Block, Document, Table, Value};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// The most rows a worksheet holds (Excel's limit), the header among them.
const MAX_ROWS: usize = 1_048_576;

/// The number formats of one workbook.
struct Formats {
    header: Format,
    total: Format,
    money: Format,
    rate: Format,
    change: Format,
    points: Format,
    count: Format,
    number: Format,
    date: Format,
    wrap: Format,
}

impl Formats {
    fn new(language: Language) -> Self {
        let points = match language {
            Language::En => "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"",
            Language::De => "+0.0\" Pp.\";-0.0\" Pp.\";0.0\" Pp.\"",
        };
        let date = match language {
            Language::En => "yyyy-mm-dd",
            Language::De => "dd.mm.yyyy",
        };
        Formats {
            header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top),
            total: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            rate: Format::new().set_num_format("0.0%"),
            change: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
            points: Format::new().set_num_format(points),
            count: Format::new().set_num_format("#,##0"),
            number: Format::new().set_num_format("#,##0.##"),
            date: Format::new().set_num_format(date),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// A decimal as the nearest `f64` (exact for every amount in cents below 2^53 cents).
fn float(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(f64::NAN)
}

/// The workbook of a document, as the bytes of an `.xlsx` file.
pub fn workbook(doc: &Document<'_>, language: Language) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new(language);
    let mut book = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    let title = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading(1, t) => Some(crate::markdown::plain(t)),
            _ => None,
        })
        .unwrap_or_default();
    let short_title = title.split(" — ").next().unwrap_or_default().to_string();
    for (name, table) in sheets(doc, &short_title) {
        let sheet = book.add_worksheet();
        sheet.set_name(unique_name(&name, &mut names))?;
        write_table(sheet, table, &formats)?;
    }
    // The text of the report: its definitions, or (a document without any, such as the
    // customer folder) an overview.
    let definitions = crate::i18n::label(language, "definitions");
    let has_definitions = doc.blocks.iter().any(|b| matches!(b, Block::Heading(2, t) if *t == definitions));
    let about = book.add_worksheet();
    about.set_name(unique_name(
        match (language, has_definitions) {
            (Language::En, true) => "Definitions",
            (Language::De, true) => "Definitionen",
            (Language::En, false) => "Overview",
            (Language::De, false) => "Übersicht",
        },
        &mut names,
    ))?;
    write_about(about, doc, &title, &formats)?;
    book.save_to_buffer()
}

/// The tables that become sheets, with their names: the report's full table (the one CSV
/// writes) and every other table of the document; a table whose columns are all in the full
/// table is a view of it and left out. Without a full table (the brief) every table is a sheet,
/// named after the heading above it.
fn sheets<'d>(doc: &'d Document<'d>, title: &str) -> Vec<(String, &'d Table<'d>)> {
    let mut sheets = Vec::new();
    if let Some(full) = &doc.csv_table {
        sheets.push((title.to_string(), full));
    }
    let mut heading = title.to_string();
    for block in &doc.blocks {
        match block {
            Block::Heading(_, text) => heading = crate::markdown::plain(text),
            Block::Table(table) => {
                let view = doc.csv_table.as_ref().is_some_and(|full| {
                    table.columns.iter().all(|c| full.columns.iter().any(|f| f.key == c.key))
                });
                if !view {
                    sheets.push((heading.clone(), table));
                }
            }
            _ => {}
        }
    }
    sheets
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique in the book.
fn unique_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { ' ' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    let base: String = if clean.is_empty() { "Tabelle".to_string() } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let keep = 31 - suffix.chars().count();
        let name: String = base.chars().take(keep).collect::<String>().trim_end().to_string() + &suffix;
        if !taken.iter().any(|t| t.to_lowercase() == name.to_lowercase()) {
            taken.push(name.clone());
            return name;
        }
        n += 1;
    }
}

fn write_table(sheet: &mut Worksheet, table: &Table<'_>, f: &Formats) -> Result<(), XlsxError> {
    let rows = table.rows.len() + usize::from(table.total.is_some());
    if rows + 1 > MAX_ROWS {
        return Err(XlsxError::RowColumnLimitError);
    }
    for (c, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(c)?, &column.label, &f.header)?;
    }
    let mut result = Ok(());
    let mut r = 0u32;
    table.rows.each(0..table.rows.len(), |row| {
        r += 1;
        if result.is_ok() {
            result = write_row(sheet, r, row, f, false);
        }
    });
    result?;
    if let Some(total) = &table.total {
        write_row(sheet, r + 1, total, f, true)?;
    }
    let last_col = col(table.columns.len().saturating_sub(1))?;
    sheet.autofilter(0, 0, r, last_col)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_autofit_max_width(480).autofit();
    Ok(())
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

fn write_row(
    sheet: &mut Worksheet,
    r: u32,
    row: &[Value],
    f: &Formats,
    total: bool,
) -> Result<(), XlsxError> {
    for (c, value) in row.iter().enumerate() {
        let c = col(c)?;
        let bold = |format: &Format| if total { format.clone().set_bold() } else { format.clone() };
        match value {
            Value::Text(s) | Value::Label { shown: s, .. } => {
                if !s.is_empty() {
                    if total {
                        sheet.write_string_with_format(r, c, s, &f.total)?;
                    } else {
                        sheet.write_string(r, c, s)?;
                    }
                }
            }
            Value::Markup(s) => {
                sheet.write_string(r, c, crate::markdown::plain(s))?;
            }
            Value::Money(Some(v)) => {
                sheet.write_number_with_format(r, c, float(round_money(*v)), &bold(&f.money))?;
            }
            Value::Rate(Some(v)) => {
                sheet.write_number_with_format(r, c, float(v.round_dp(4)), &bold(&f.rate))?;
            }
            Value::Change(Some(v)) => {
                sheet.write_number_with_format(r, c, float(v.round_dp(4)), &bold(&f.change))?;
            }
            Value::PointChange(Some(v)) => {
                let points = (*v * Decimal::ONE_HUNDRED).round_dp(2);
                sheet.write_number_with_format(r, c, float(points), &bold(&f.points))?;
            }
            Value::Count(n) => {
                sheet.write_number_with_format(r, c, *n as f64, &bold(&f.count))?;
            }
            Value::Number(Some(v)) => {
                sheet.write_number_with_format(r, c, float(*v), &bold(&f.number))?;
            }
            Value::Date(Some(d)) => {
                use chrono::Datelike;
                let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                sheet.write_datetime_with_format(r, c, &day, &f.date)?;
            }
            Value::Money(None)
            | Value::Rate(None)
            | Value::Change(None)
            | Value::PointChange(None)
            | Value::Number(None)
            | Value::Date(None) => {}
        }
    }
    Ok(())
}

/// The last sheet: the title, then every line of text of the report (settings, notes,
/// definitions) in order, one a row.
fn write_about(sheet: &mut Worksheet, doc: &Document<'_>, title: &str, f: &Formats) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, title, &f.total)?;
    let mut r = 1u32;
    for block in &doc.blocks {
        let lines: Vec<(String, bool)> = match block {
            Block::Heading(level, text) if *level > 1 => vec![(crate::markdown::plain(text), true)],
            Block::Paragraph(text) => vec![(crate::markdown::plain(text), false)],
            Block::Bullets(items) => {
                items.iter().map(|i| (format!("• {}", crate::markdown::plain(i)), false)).collect()
            }
            _ => Vec::new(),
        };
        for (line, heading) in lines {
            r += 1;
            if heading {
                r += 1;
                sheet.write_string_with_format(r, 0, &line, &f.total)?;
            } else {
                sheet.write_string_with_format(r, 0, &line, &f.wrap)?;
            }
        }
    }
    sheet.set_column_width(0, 120)?;
    Ok(())
}
