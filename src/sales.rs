//! The sales import: ERP exports (CSV, optionally gzip-compressed, UTF-8 or Windows-1252) read in
//! one streaming pass, each row turned into a [`SaleRow`] with exact amounts (SPEC 2.1 and 3).
//!
//! Nothing is dropped silently: a row that cannot be read is an error naming the file, the line
//! and the column header, and the raw value.

use crate::config::{ColumnMap, Delimiter, Encoding, ImportSettings};
use crate::dates::DateError;
use crate::diag::{Diagnostics, Location};
use crate::money::{AmountError, Decimal, parse_amount};
use chrono::NaiveDate;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The canonical fields of a sales row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Date,
    Customer,
    Revenue,
    Quantity,
    UnitPrice,
    Deductions,
    Cost,
    UnitCost,
    Profit,
    Invoice,
    Product,
    Category,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::Date,
        Field::Customer,
        Field::Revenue,
        Field::Quantity,
        Field::UnitPrice,
        Field::Deductions,
        Field::Cost,
        Field::UnitCost,
        Field::Profit,
        Field::Invoice,
        Field::Product,
        Field::Category,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Customer => "customer",
            Field::Revenue => "revenue",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::Deductions => "deductions",
            Field::Cost => "cost",
            Field::UnitCost => "unit_cost",
            Field::Profit => "profit",
            Field::Invoice => "invoice",
            Field::Product => "product",
            Field::Category => "category",
        }
    }

    fn mapped(self, map: &ColumnMap) -> Option<&str> {
        let header = match self {
            Field::Date => &map.date,
            Field::Customer => &map.customer,
            Field::Revenue => &map.revenue,
            Field::Quantity => &map.quantity,
            Field::UnitPrice => &map.unit_price,
            Field::Deductions => &map.deductions,
            Field::Cost => &map.cost,
            Field::UnitCost => &map.unit_cost,
            Field::Profit => &map.profit,
            Field::Invoice => &map.invoice,
            Field::Product => &map.product,
            Field::Category => &map.category,
        };
        header.as_deref()
    }
}

/// One line of an export, with its amounts worked out by the rules of SPEC 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRow<'a> {
    /// Index into the list of export files.
    pub file: usize,
    /// Line of the row in its file (1-based; the header is line 1).
    pub line: u64,
    pub date: NaiveDate,
    /// Trimmed; empty for a sale without a known customer.
    pub customer: &'a str,
    /// Trimmed; empty where unmapped or blank.
    pub invoice: &'a str,
    pub product: &'a str,
    pub category: &'a str,
    /// 0 where unmapped or blank.
    pub quantity: Decimal,
    /// `revenue`, else `quantity × unit_price`.
    pub gross: Decimal,
    /// 0 where unmapped or blank.
    pub deductions: Decimal,
    /// gross − deductions.
    pub net: Decimal,
    /// `cost`, else `quantity × unit_cost`, else `net − profit`, else `default_cost_rate × net`;
    /// `None` when unknown.
    pub cost: Option<Decimal>,
}

/// What a pass over the exports read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub files: usize,
    /// Data rows read (good and bad).
    pub rows: u64,
    /// Rows that could not be read (each has an error).
    pub bad_rows: u64,
    /// Bytes read from disk (compressed size for `.gz`).
    pub bytes: u64,
}

/// At most this many errors are listed for one export; the rest are counted.
pub const MAX_ERRORS_PER_FILE: usize = 50;

/// Reads every export in `files`, calling `on_row` for each row that could be read. Problems go
/// to `diags`; reading goes on past a bad row, and past a bad file to the next one.
pub fn read_exports(
    files: &[PathBuf],
    settings: &ImportSettings,
    diags: &mut Diagnostics,
    mut on_row: impl FnMut(&SaleRow<'_>),
) -> ImportStats {
    let mut stats = ImportStats::default();
    for (index, path) in files.iter().enumerate() {
        stats.files += 1;
        read_one(index, path, settings, diags, &mut stats, &mut on_row);
    }
    stats
}

/// Opens an export: gzip is decompressed, Windows-1252 decoded, a UTF-8 BOM skipped.
fn open(path: &Path, encoding: Encoding) -> io::Result<(Box<dyn BufRead + Send>, CountingFile)> {
    let file = File::open(path)?;
    let counter = CountingFile::default();
    let counted = CountingReader { inner: file, count: counter.clone() };
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let raw: Box<dyn Read + Send> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted)))
    } else {
        Box::new(counted)
    };
    let reader: Box<dyn BufRead + Send> = match encoding {
        Encoding::Utf8 => Box::new(BufReader::with_capacity(1 << 16, raw)),
        Encoding::Windows1252 => Box::new(BufReader::with_capacity(
            1 << 16,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::WINDOWS_1252))
                .build(raw),
        )),
    };
    Ok((reader, counter))
}

#[derive(Debug, Clone, Default)]
struct CountingFile(std::sync::Arc<std::sync::atomic::AtomicU64>);

struct CountingReader<R> {
    inner: R,
    count: CountingFile,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Picks the delimiter that occurs most often in the header line among `,` `;` `|` and tab.
fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let mut best = (0usize, b',');
    let mut in_quotes = false;
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'|', b'\t'];
    for &b in first_line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    for (i, &c) in candidates.iter().enumerate() {
        if counts[i] > best.0 {
            best = (counts[i], c);
        }
    }
    best.1
}

fn io_message(e: &io::Error, gz: bool) -> String {
    if gz
        && matches!(
            e.kind(),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    {
        format!("corrupt or truncated gzip data: {e}")
    } else {
        format!("cannot read the file: {e}")
    }
}

/// The column index of each mapped field in one export.
struct Columns {
    index: [Option<usize>; 12],
    headers: Vec<String>,
}

impl Columns {
    fn get(&self, f: Field) -> Option<usize> {
        self.index[f as usize]
    }

    fn header(&self, f: Field) -> String {
        self.get(f).map_or_else(|| f.name().to_string(), |i| self.headers[i].clone())
    }
}

/// Whether two headers are equal, ignoring case (also of umlauts: "ERLÖSE" is "Erlöse") and
/// surrounding spaces.
fn same_header(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// Maps the header line to the canonical fields; `None` when the mapping cannot work.
fn resolve_columns(
    path: &Path,
    headers: Vec<String>,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
) -> Option<Columns> {
    let find = |name: &str| headers.iter().position(|h| same_header(h, name));
    let mut index = [None; 12];
    let present = || headers.iter().map(|h| format!("\"{}\"", h.trim())).collect::<Vec<_>>().join(", ");
    let mut ok = true;
    match &settings.columns {
        Some(map) => {
            for f in Field::ALL {
                if let Some(header) = f.mapped(map) {
                    match find(header) {
                        Some(i) => index[f as usize] = Some(i),
                        None => {
                            ok = false;
                            diags.error(
                                Location::Csv { file: path.to_path_buf(), line: 1, column: None },
                                format!(
                                    "no column \"{header}\" (mapped to `{}` in [import.columns]); the header has {}",
                                    f.name(),
                                    present()
                                ),
                            );
                        }
                    }
                }
            }
        }
        None => {
            for f in Field::ALL {
                index[f as usize] = find(f.name());
            }
            let mut missing = Vec::new();
            for f in [Field::Date, Field::Customer] {
                if index[f as usize].is_none() {
                    missing.push(format!("\"{}\"", f.name()));
                }
            }
            let has_revenue = index[Field::Revenue as usize].is_some()
                || (index[Field::Quantity as usize].is_some() && index[Field::UnitPrice as usize].is_some());
            if !has_revenue {
                missing.push("\"revenue\" (or \"quantity\" and \"unit_price\")".to_string());
            }
            if !missing.is_empty() {
                ok = false;
                diags.error(
                    Location::Csv { file: path.to_path_buf(), line: 1, column: None },
                    format!(
                        "no column {} in the header, which has {}; name the export's headers in [import.columns] of kam.toml",
                        missing.join(", "),
                        present()
                    ),
                );
            }
        }
    }
    ok.then_some(Columns { index, headers })
}

fn read_one(
    file_index: usize,
    path: &Path,
    settings: &ImportSettings,
    diags: &mut Diagnostics,
    stats: &mut ImportStats,
    on_row: &mut impl FnMut(&SaleRow<'_>),
) {
    let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let file_loc = || Location::File(path.to_path_buf());
    let (mut reader, counter) = match open(path, settings.encoding) {
        Ok(r) => r,
        Err(e) => {
            diags.error(file_loc(), io_message(&e, gz));
            return;
        }
    };
    // Look at the start: empty file, BOM, delimiter.
    let head = match reader.fill_buf() {
        Ok(buf) => buf,
        Err(e) => {
            diags.error(file_loc(), io_message(&e, gz));
            return;
        }
    };
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let head = if bom { &head[3..] } else { head };
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        diags.error(
            file_loc(),
            "the file is empty; expected a header line naming the columns, then one line per sale",
        );
        stats.bytes += counter.0.load(std::sync::atomic::Ordering::Relaxed);
        return;
    }
    let first_line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let delimiter = match settings.delimiter {
        Delimiter::Byte(b) => b,
        Delimiter::Auto => sniff_delimiter(&head[..first_line_end]),
    };
    if bom {
        reader.consume(3);
    }
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let mut sink = FileErrors { path, errors: 0, suppressed: 0 };

    // Header.
    let header_ok = match csv.read_byte_record(&mut record) {
        Ok(true) => true,
        Ok(false) => {
            diags.error(file_loc(), "the file is empty; expected a header line naming the columns");
            false
        }
        Err(e) => {
            report_csv_error(path, &e, gz, 0, diags);
            false
        }
    };
    if !header_ok {
        stats.bytes += counter.0.load(std::sync::atomic::Ordering::Relaxed);
        return;
    }
    let headers: Result<Vec<String>, _> =
        record.iter().map(|h| std::str::from_utf8(h).map(|s| s.trim().to_string())).collect();
    let Ok(headers) = headers else {
        diags.error(Location::Csv { file: path.to_path_buf(), line: 1, column: None }, utf8_message());
        stats.bytes += counter.0.load(std::sync::atomic::Ordering::Relaxed);
        return;
    };
    let Some(cols) = resolve_columns(path, headers, settings, diags) else {
        stats.bytes += counter.0.load(std::sync::atomic::Ordering::Relaxed);
        return;
    };
    let n_fields = cols.headers.len();
    let mut last_line = 1;

    // Two threads share the work: a second one reads, splits and checks the records for UTF-8,
    // this one parses and aggregates them. Batches of records go back to be refilled, so the
    // buffers are reused.
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<Slot>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let mut slots = empty_rx.try_recv().unwrap_or_default();
                let mut batch = Batch { len: 0, error: None, slots: Vec::new() };
                let mut done = false;
                while batch.len < BATCH_RECORDS {
                    if slots.len() <= batch.len {
                        slots.push(Slot::default());
                    }
                    let slot = &mut slots[batch.len];
                    let mut bytes = std::mem::take(&mut slot.text).into_byte_record();
                    match csv.read_byte_record(&mut bytes) {
                        Ok(true) => {
                            slot.fill(bytes);
                            batch.len += 1;
                        }
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Err(e) => {
                            batch.error = Some(e);
                            done = true;
                            break;
                        }
                    }
                }
                batch.slots = slots;
                if full_tx.send(batch).is_err() || done {
                    return;
                }
            }
        });
        for batch in full_rx {
            for slot in &batch.slots[..batch.len] {
                stats.rows += 1;
                let line = slot.text.position().map_or(0, |p| p.line());
                last_line = line;
                let fields = slot.invalid_utf8.unwrap_or(slot.text.len());
                if fields != n_fields {
                    stats.bad_rows += 1;
                    let msg = format!("expected {n_fields} fields as in the header, found {fields}");
                    sink.report(diags, line, None, msg);
                    continue;
                }
                if slot.invalid_utf8.is_some() {
                    stats.bad_rows += 1;
                    sink.report(diags, line, None, utf8_message());
                    continue;
                }
                match parse_row(&slot.text, &cols, settings, file_index, line) {
                    Ok(row) => on_row(&row),
                    Err(problems) => {
                        stats.bad_rows += 1;
                        for (field, msg) in problems {
                            sink.report(diags, line, Some(cols.header(field)), msg);
                        }
                    }
                }
            }
            if let Some(e) = &batch.error {
                report_csv_error(path, e, gz, last_line, diags);
            }
            // The reader may have stopped; then the batch is simply dropped.
            let _ = empty_tx.send(batch.slots);
        }
    });
    if sink.suppressed > 0 {
        diags.error(file_loc(), format!("{} more problems in this file are not listed", sink.suppressed));
    }
    stats.bytes += counter.0.load(std::sync::atomic::Ordering::Relaxed);
}

/// Records handed from the reading thread to the parsing one at a time.
const BATCH_RECORDS: usize = 1024;

/// Records read by the reading thread: the first `len` slots are filled; `error` ends the file.
struct Batch {
    slots: Vec<Slot>,
    len: usize,
    error: Option<csv::Error>,
}

/// One record, checked for UTF-8.
#[derive(Default)]
struct Slot {
    /// The record; empty but for its position when it is not UTF-8.
    text: csv::StringRecord,
    /// The number of fields of a record that is not UTF-8.
    invalid_utf8: Option<usize>,
}

impl Slot {
    fn fill(&mut self, bytes: csv::ByteRecord) {
        match csv::StringRecord::from_byte_record(bytes) {
            Ok(text) => {
                self.text = text;
                self.invalid_utf8 = None;
            }
            Err(e) => {
                let bytes = e.into_byte_record();
                self.text = csv::StringRecord::new();
                self.text.set_position(bytes.position().cloned());
                self.invalid_utf8 = Some(bytes.len());
            }
        }
    }
}

/// Counts the errors of one export and lists at most [`MAX_ERRORS_PER_FILE`].
struct FileErrors<'p> {
    path: &'p Path,
    errors: usize,
    suppressed: u64,
}

impl FileErrors<'_> {
    fn report(&mut self, diags: &mut Diagnostics, line: u64, column: Option<String>, message: String) {
        if self.errors < MAX_ERRORS_PER_FILE {
            diags.error(Location::Csv { file: self.path.to_path_buf(), line, column }, message);
        } else {
            self.suppressed += 1;
        }
        self.errors += 1;
    }
}

/// Turns one record (checked to be UTF-8 with the header's number of fields) into a sale.
fn parse_row<'r>(
    record: &'r csv::StringRecord,
    cols: &Columns,
    settings: &ImportSettings,
    file: usize,
    line: u64,
) -> Result<SaleRow<'r>, Vec<(Field, String)>> {
    let mark = settings.decimal_mark;
    let text = |f: Field| -> &'r str { cols.get(f).map_or("", |i| record[i].trim()) };
    let header_hint = |f: Field, value: &str| -> &'static str {
        if cols.get(f).is_some_and(|i| same_header(value, &cols.headers[i])) {
            " (this is the column's header: was a header row read as data, e.g. from two exports pasted together?)"
        } else {
            ""
        }
    };
    let mut problems = Vec::new();

    let date_text = text(Field::Date);
    let date = match settings.date_format.parse(date_text) {
        Ok(d) => Some(d),
        Err(e) => {
            let msg = match e {
                DateError::Empty => "expected a date, found an empty cell".to_string(),
                DateError::NoSuchDay => format!("\"{date_text}\" is not a day of the calendar"),
                DateError::Malformed => format!(
                    "cannot read \"{date_text}\" as a date: expected the format \"{}\", like {}{}",
                    settings.date_format.as_str(),
                    settings.date_format.example(),
                    header_hint(Field::Date, date_text)
                ),
            };
            problems.push((Field::Date, msg));
            None
        }
    };

    let mut amount = |f: Field, required: bool| -> Option<Decimal> {
        let i = cols.get(f)?;
        let cell = record[i].as_bytes();
        if !required && cell.trim_ascii().is_empty() {
            return None;
        }
        match parse_amount(cell, mark) {
            Ok(v) => Some(v),
            Err(AmountError::Empty) => {
                problems.push((f, AmountError::Empty.expected(mark)));
                None
            }
            Err(e) => {
                let value = text(f);
                let what = if f == Field::Quantity { "a quantity" } else { "an amount" };
                let msg = format!(
                    "cannot read \"{value}\" as {what}: {}{}",
                    e.expected(mark),
                    header_hint(f, value)
                );
                problems.push((f, msg));
                None
            }
        }
    };

    let revenue = amount(Field::Revenue, false);
    let revenue_blank = revenue.is_none() && text(Field::Revenue).is_empty();
    let by_price =
        revenue_blank && cols.get(Field::Quantity).is_some() && cols.get(Field::UnitPrice).is_some();
    let quantity = amount(Field::Quantity, by_price);
    let unit_price = amount(Field::UnitPrice, by_price);
    let deductions = amount(Field::Deductions, false).unwrap_or(Decimal::ZERO);
    let cost = amount(Field::Cost, false);
    let unit_cost = amount(Field::UnitCost, false);
    let profit = amount(Field::Profit, false);

    let gross = match (revenue, quantity, unit_price) {
        (Some(r), _, _) => Some(r),
        (None, Some(q), Some(p)) => Some(q * p),
        _ => None,
    };
    if gross.is_none() && !by_price && revenue_blank {
        problems.push((Field::Revenue, "expected an amount, found an empty cell".to_string()));
    }
    let (Some(date), Some(gross), true) = (date, gross, problems.is_empty()) else {
        return Err(problems);
    };
    let net = gross - deductions;
    let cost = match (cost, quantity, unit_cost, profit) {
        (Some(c), _, _, _) => Some(c),
        (None, Some(q), Some(u), _) => Some(q * u),
        (None, _, _, Some(p)) => Some(net - p),
        _ => settings.default_cost_rate.map(|r| r * net),
    };
    Ok(SaleRow {
        file,
        line,
        date,
        customer: text(Field::Customer),
        invoice: text(Field::Invoice),
        product: text(Field::Product),
        category: text(Field::Category),
        quantity: quantity.unwrap_or(Decimal::ZERO),
        gross,
        deductions,
        net,
        cost,
    })
}

fn utf8_message() -> String {
    "invalid UTF-8 in this line: the file is declared utf-8; if the ERP writes Windows-1252 (ANSI), \
     set encoding = \"windows-1252\" under [import] in kam.toml"
        .to_string()
}

/// Reports an error that stops the reading of a file, `last_line` being the last line read whole.
fn report_csv_error(path: &Path, e: &csv::Error, gz: bool, last_line: u64, diags: &mut Diagnostics) {
    let line = e.position().map_or(0, |p| p.line());
    let loc = if line > 0 {
        Location::Csv { file: path.to_path_buf(), line, column: None }
    } else {
        Location::File(path.to_path_buf())
    };
    let message = match e.kind() {
        csv::ErrorKind::Io(io) if last_line > 0 => {
            format!("{} (after line {last_line}, the last one read whole)", io_message(io, gz))
        }
        csv::ErrorKind::Io(io) => io_message(io, gz),
        csv::ErrorKind::Utf8 { .. } => utf8_message(),
        _ => format!("cannot read the CSV: {e}"),
    };
    diags.error(loc, message);
}
