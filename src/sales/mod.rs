//! The sales import: ERP exports (CSV, optionally gzip-compressed, UTF-8 or Windows-1252) read in
//! one streaming pass, each row turned into a [`SaleRow`] with exact amounts (SPEC 2.1 and 3).
//!
//! Nothing is dropped silently: a row that cannot be read is an error naming the file, the line
//! and the column header, and the raw value.
//!
//! A large uncompressed export is cut into parts, one a core, read side by side into sinks of
//! their own ([`RowSink`]) that are then appended in order; a compressed one is decompressed by
//! a thread of its own beside the parsing. Records are split by [`records`].

use crate::config::{ColumnMap, Delimiter, Encoding, ImportSettings};
use crate::dates::{DateError, DateFormat};
use crate::diag::{Diagnostics, Location};
use crate::money::{AmountError, Decimal, checked_product, parse_amount};
use chrono::NaiveDate;

pub mod records;
use records::{Claim, Next, Record, RecordReader};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// The `unit_price` cell, where mapped and given.
    pub unit_price: Option<Decimal>,
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

/// Where a row is in the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowAt {
    /// Index into the list of export files.
    pub file: usize,
    /// Line of the row's first byte (1-based; the header is line 1).
    pub line: u64,
}

/// What a pass folds the rows into. A large export is read in parts side by side, each part
/// into a sink of its own; the sinks are then appended in the order of the parts, so that the
/// result is that of one sink fed every row in the order of the files.
pub trait RowSink: Send + Sized {
    fn row(&mut self, row: &SaleRow<'_>);
    /// Takes in `later`, which was fed the rows following the ones this sink was fed.
    fn append(&mut self, later: Self);
}

impl RowSink for () {
    fn row(&mut self, _: &SaleRow<'_>) {}
    fn append(&mut self, _: ()) {}
}

impl<A: RowSink, B: RowSink> RowSink for (A, B) {
    fn row(&mut self, row: &SaleRow<'_>) {
        self.0.row(row);
        self.1.row(row);
    }

    fn append(&mut self, later: Self) {
        self.0.append(later.0);
        self.1.append(later.1);
    }
}

/// How a pass cuts large uncompressed exports into parts read side by side.
///
/// The export is cut into one part a thread. Each thread claims the bytes of its part a block
/// at a time as it reads; a thread done with its part takes the second half of the bytes another
/// part has not claimed yet (from a line start on), where that rest is at least two blocks, into
/// a part of its own. So the threads end together also when one reads more slowly than the
/// other (a part with longer rows, a core shared with other work).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// At most this many threads (and first parts) an export.
    pub threads: usize,
    /// No first part is smaller than this.
    pub min_bytes: u64,
    /// Bytes a thread claims of its part at a time.
    pub block: u64,
}

impl Default for Parts {
    /// One part a core, at most four (each part holds aggregates of its own until they are
    /// appended), of at least 4 MiB, claimed 1 MiB at a time.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Parts { threads: cores.min(4), min_bytes: 4 << 20, block: 1 << 20 }
    }
}

/// Reads every export in `files`, one after the other, calling `on_row` for each row that could
/// be read, with its place. Problems go to `diags`; reading goes on past a bad row, and past a
/// bad file to the next one.
pub fn read_exports(
    files: &[PathBuf],
    settings: &ImportSettings,
    diags: &mut Diagnostics,
    mut on_row: impl FnMut(RowAt, &SaleRow<'_>),
) -> ImportStats {
    let mut stats = ImportStats::default();
    for (index, path) in files.iter().enumerate() {
        stats.files += 1;
        let Some(mut export) = Export::open(path, settings, diags, &mut stats) else { continue };
        let outcome = read_part(&mut export.reader, &export.cols, settings, &mut |row, line| {
            on_row(RowAt { file: index, line }, row)
        });
        export.finish(vec![outcome], &settings.date_format, diags, &mut stats);
    }
    stats
}

/// Reads every export into `sink`, cutting large uncompressed ones into [`Parts::default`]
/// read by a thread each into sinks made by `new`. Problems go to `diags` as with
/// [`read_exports`].
pub fn fold_exports<S: RowSink>(
    files: &[PathBuf],
    settings: &ImportSettings,
    diags: &mut Diagnostics,
    sink: &mut S,
    new: impl Fn() -> S + Sync,
) -> ImportStats {
    fold_exports_in_parts(files, settings, diags, sink, new, Parts::default())
}

/// [`fold_exports`] with the given parts.
pub fn fold_exports_in_parts<S: RowSink>(
    files: &[PathBuf],
    settings: &ImportSettings,
    diags: &mut Diagnostics,
    sink: &mut S,
    new: impl Fn() -> S + Sync,
    parts: Parts,
) -> ImportStats {
    let mut stats = ImportStats::default();
    for path in files {
        stats.files += 1;
        if let Some(export) = Export::open(path, settings, diags, &mut stats) {
            export.fold(settings, sink, &new, parts, diags, &mut stats);
        }
    }
    stats
}

/// An uncompressed file as a stream, counting the bytes read.
fn file_stream(path: &Path, counter: &CountingFile) -> io::Result<Box<dyn Read + Send>> {
    Ok(Box::new(CountingReader { inner: File::open(path)?, count: counter.clone() }))
}

/// A gzip-compressed file as a stream of its decompressed bytes, decompressed by a thread of
/// its own.
fn gzip_stream(path: &Path, counter: &CountingFile) -> io::Result<Box<dyn Read + Send>> {
    let file = BufReader::with_capacity(
        1 << 16,
        CountingReader { inner: File::open(path)?, count: counter.clone() },
    );
    Ok(Box::new(ReadAhead::new(Box::new(flate2::read::MultiGzDecoder::new(file)))))
}

#[derive(Debug, Clone, Default)]
struct CountingFile(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl CountingFile {
    fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

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

/// A stream read ahead by a thread of its own, in blocks, so that decompressing runs beside
/// the parsing.
struct ReadAhead {
    blocks: Option<std::sync::mpsc::Receiver<io::Result<Vec<u8>>>>,
    spare: std::sync::mpsc::Sender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ReadAhead {
    const BLOCK: usize = 1 << 18;

    fn new(mut inner: Box<dyn Read + Send>) -> ReadAhead {
        let (tx, blocks) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(4);
        let (spare, spares) = std::sync::mpsc::channel::<Vec<u8>>();
        let thread = std::thread::spawn(move || {
            loop {
                let mut block = spares.try_recv().unwrap_or_default();
                block.resize(Self::BLOCK, 0);
                let mut n = 0;
                let result = loop {
                    if n == block.len() {
                        break Ok(());
                    }
                    match inner.read(&mut block[n..]) {
                        Ok(0) => break Ok(()),
                        Ok(k) => n += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                block.truncate(n);
                // The bytes before an error first; the end of the stream closes the channel.
                if n > 0 && tx.send(Ok(block)).is_err() {
                    return;
                }
                match result {
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    Ok(()) if n == 0 => return,
                    Ok(()) => {}
                }
            }
        });
        ReadAhead { blocks: Some(blocks), spare, current: Vec::new(), at: 0, thread: Some(thread) }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            let Some(blocks) = &self.blocks else { return Ok(0) };
            match blocks.recv() {
                Ok(Ok(block)) => {
                    let used = std::mem::replace(&mut self.current, block);
                    let _ = self.spare.send(used);
                    self.at = 0;
                }
                Ok(Err(e)) => {
                    self.blocks = None;
                    return Err(e);
                }
                Err(_) => {
                    self.blocks = None;
                    return Ok(0);
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        // Closing the channel stops the thread at its next block.
        self.blocks = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
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

fn io_message(e: &io::Error, gz: bool) -> crate::messages::Message {
    if gz
        && matches!(
            e.kind(),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    {
        crate::msg!("corrupt or truncated gzip data: {e}", e = e.to_string())
    } else {
        crate::msg!("cannot read the file: {e}", e = crate::messages::Message::raw(e.to_string()))
    }
}

/// The byte order of UTF-16 text without a byte-order mark, told by its start: a CSV header is
/// mostly ASCII, so every second byte is zero.
fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let n = head.len().min(512) & !1;
    if n < 4 {
        return None;
    }
    let zeros = |parity: usize| (parity..n).step_by(2).filter(|&i| head[i] == 0).count();
    let (even, odd, half) = (zeros(0), zeros(1), n / 2);
    if odd * 10 >= half * 9 && even * 10 < half {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= half * 9 && odd * 10 < half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether a text cell holds a control character (a NUL, an escape, …); tabs and line ends (in
/// a quoted cell) are text.
fn has_control(cell: &str) -> bool {
    // Eight bytes at a time: a byte below 0x20 or 0x7F makes a cell suspect (tabs and line ends
    // too), and only a suspect cell is looked at byte by byte.
    let bytes = cell.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut suspect = false;
    for chunk in &mut chunks {
        suspect |= control_in_word(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [b'A'; 8];
        word[..rest.len()].copy_from_slice(rest);
        suspect |= control_in_word(u64::from_le_bytes(word));
    }
    suspect && bytes.iter().any(|&b| is_control(b))
}

/// Whether a byte is a control character that has no place in a text cell.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f
}

/// Whether one of the eight bytes of `word` is below 0x20 or is 0x7F (exact: the carries of the
/// subtraction only reach bytes above one that is below).
fn control_in_word(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let del = word ^ (ONES * 0x7f);
    let is_del = del.wrapping_sub(ONES) & !del & HIGH;
    (below | is_del) != 0
}

/// The column index of each mapped field in one export.
struct Columns {
    index: [Option<usize>; 12],
    headers: Vec<String>,
    /// The delimiter the header was split with.
    delimiter: u8,
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
    let header_at = || Location::Csv { file: path.to_path_buf(), line: 1, column: None };
    // One field holding the whole header: the delimiter is another one.
    if let [only] = headers.as_slice() {
        let guess = [(',', "\",\""), (';', "\";\""), ('\t', "\"tab\""), ('|', "\"|\"")]
            .into_iter()
            .filter(|(c, _)| only.contains(*c))
            .max_by_key(|(c, _)| only.matches(*c).count());
        if let Some((_, name)) = guess {
            diags.error(
                header_at(),
                crate::msg!(
                    "the header is one column \"{only}\": it looks separated by {name}; set delimiter = {name} (or \"auto\") under [import] in kam.toml",
                    only = only,
                    name = name
                ),
            );
            return None;
        }
    }
    let mut ok = true;
    match &settings.columns {
        Some(map) => {
            for f in Field::ALL {
                if let Some(header) = f.mapped(map) {
                    match find(header) {
                        Some(i) => index[f as usize] = Some(i),
                        None => {
                            ok = false;
                            let hint = crate::diag::closest(header, headers.iter().map(|h| h.as_str()))
                                .map_or(crate::messages::Message::none(), |c| {
                                    crate::msg!(". Did you mean \"{c}\"?", c = c)
                                });
                            diags.error(
                                header_at(),
                                crate::msg!(
                                    "no column \"{header}\" (mapped to `{field}` in [import.columns]); the header has {present}{hint}",
                                    header = header,
                                    field = f.name(),
                                    present = present(),
                                    hint = hint
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
                missing.push(crate::msg!("\"revenue\" (or \"quantity\" and \"unit_price\")").to_string());
            }
            if !missing.is_empty() {
                ok = false;
                diags.error(
                    Location::Csv { file: path.to_path_buf(), line: 1, column: None },
                    crate::msg!(
                        "no column {missing} in the header, which has {present}; name the export's headers in [import.columns] of kam.toml",
                        missing = missing.join(", "),
                        present = present()
                    ),
                );
            }
        }
    }
    // A column read for a field must be the only one of its name: which one was meant is unsure.
    for f in Field::ALL {
        let Some(i) = index[f as usize] else { continue };
        let same: Vec<usize> =
            (0..headers.len()).filter(|&j| same_header(&headers[j], &headers[i])).collect();
        if same.len() > 1 {
            ok = false;
            diags.error(
                Location::Csv { file: path.to_path_buf(), line: 1, column: Some(headers[i].clone()) },
                crate::msg!(
                    "the header names this column {n} times (columns {columns}), and it is read as `{field}`: rename all but one",
                    n = same.len(),
                    columns = same.iter().map(|j| (j + 1).to_string()).collect::<Vec<_>>().join(", "),
                    field = f.name()
                ),
            );
        }
    }
    ok.then_some(Columns { index, headers, delimiter: 0 })
}

/// The first line (counted from the record's first, 0) inside a quoted field of `record` that
/// reads as a row of the export: as many delimiters as the header, and a date of the date format
/// in the date column. Rows swallowed by a quote left open look like that; a multi-line note or
/// address does not.
fn swallowed_row(record: &Record<'_>, cols: &Columns, format: &DateFormat) -> Option<u64> {
    let fields = cols.headers.len();
    let date = cols.get(Field::Date)?;
    if fields < 2 {
        return None;
    }
    let delimiter = cols.delimiter as char;
    let mut lines_before = 0u64;
    for field in record.iter() {
        let lines: Vec<&str> = field.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        for (k, text) in lines.iter().enumerate().skip(1) {
            let cells: Vec<&str> = text.split(delimiter).collect();
            if cells.len() >= fields && cells.get(date).is_some_and(|c| format.parse(c.trim()).is_ok()) {
                return Some(lines_before + k as u64);
            }
        }
        lines_before += lines.len() as u64 - 1;
    }
    None
}

/// How many date cells that do not match the date format are kept to guess the right one.
const DATE_SAMPLES: usize = 20;

/// A quoted field may run over at most this many line ends …
const MAX_QUOTED_LINES: u64 = 100;
/// … and a record with quoted line ends over at most this many bytes; beyond, a closing quote is
/// taken to be missing.
const MAX_QUOTED_BYTES: usize = 10_000;

/// A reader of an export's records.
type Reader = RecordReader<Box<dyn Read + Send>>;

/// An export whose header was read and mapped to the fields.
struct Export<'p> {
    path: &'p Path,
    gz: bool,
    /// Reads the rows after the header.
    reader: RecordReader<Box<dyn Read + Send>>,
    cols: Columns,
    delimiter: u8,
    /// The encoding of the bytes the reader reads.
    encoding: Encoding,
    /// The file's length, when it is read as it is on disk and may be cut into parts.
    cut_len: Option<u64>,
    counter: CountingFile,
}

impl<'p> Export<'p> {
    /// Opens an export and reads its header: gzip is decompressed, a byte-order mark skipped
    /// (a UTF-8 one makes the file UTF-8, a UTF-16 one has it transcoded, whatever `encoding`
    /// says), the delimiter found. `None` after an error.
    fn open(
        path: &'p Path,
        settings: &ImportSettings,
        diags: &mut Diagnostics,
        stats: &mut ImportStats,
    ) -> Option<Export<'p>> {
        let gz = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
        let file_loc = || Location::File(path.to_path_buf());
        let counter = CountingFile::default();
        let result = Self::open_stream(path, gz, settings, &counter);
        let fail = |diags: &mut Diagnostics, stats: &mut ImportStats, message: crate::messages::Message| {
            diags.error(file_loc(), message);
            stats.bytes += counter.get();
            None
        };
        let (mut reader, encoding, whole) = match result {
            Ok(r) => r,
            Err(e) => return fail(diags, stats, io_message(&e, gz)),
        };
        let head = match reader.peek() {
            Ok(head) => head,
            Err(e) => return fail(diags, stats, io_message(&e, gz)),
        };
        if head.iter().all(|b| b.is_ascii_whitespace()) {
            return fail(
                diags,
                stats,
                crate::msg!(
                    "the file is empty; expected a header line naming the columns, then one line per sale"
                ),
            );
        }
        let first_line_end = head.iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(head.len());
        let delimiter = match settings.delimiter {
            Delimiter::Byte(b) => b,
            Delimiter::Auto => sniff_delimiter(&head[..first_line_end]),
        };
        reader.set_delimiter(delimiter);
        let headers: Vec<String> = match reader.read_record() {
            Ok(Next::Record { record: Ok(_), span: (lines, _), unterminated, .. })
                if unterminated || lines > 0 =>
            {
                // A quote in the header that is not closed on its line takes the rows for header.
                let message = if unterminated {
                    crate::msg!(
                        "a quote in the header is never closed, so the whole file would be read as the header: close it on the header line or remove it"
                    )
                } else if lines == 1 {
                    crate::msg!(
                        "a quote in the header closes only 1 line further down: close it on the header line or remove it"
                    )
                } else {
                    crate::msg!(
                        "a quote in the header closes only {lines} lines further down: close it on the header line or remove it",
                        lines = lines
                    )
                };
                diags.error(Location::Csv { file: path.to_path_buf(), line: 1, column: None }, message);
                stats.bytes += counter.get();
                return None;
            }
            Ok(Next::Record { record: Ok(r), .. }) => r.iter().map(|h| h.trim().to_string()).collect(),
            Ok(Next::Record { record: Err(_), .. }) => {
                diags
                    .error(Location::Csv { file: path.to_path_buf(), line: 1, column: None }, utf8_message());
                stats.bytes += counter.get();
                return None;
            }
            Ok(Next::End) => {
                return fail(
                    diags,
                    stats,
                    crate::msg!("the file is empty; expected a header line naming the columns"),
                );
            }
            Err(e) => return fail(diags, stats, io_message(&e, gz)),
        };
        let Some(mut cols) = resolve_columns(path, headers, settings, diags) else {
            stats.bytes += counter.get();
            return None;
        };
        cols.delimiter = delimiter;
        let cut_len = if whole { std::fs::metadata(path).ok().map(|m| m.len()) } else { None };
        Some(Export { path, gz, reader, cols, delimiter, encoding, cut_len, counter })
    }

    /// The stream of an export's bytes, their encoding, and whether they are the file's bytes
    /// as they are on disk.
    fn open_stream(
        path: &Path,
        gz: bool,
        settings: &ImportSettings,
        counter: &CountingFile,
    ) -> io::Result<(Reader, Encoding, bool)> {
        let stream = if gz { gzip_stream(path, counter)? } else { file_stream(path, counter)? };
        let mut reader = RecordReader::new(stream, b',', settings.encoding, 0, 1);
        let head = reader.peek()?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            reader.set_encoding(Encoding::Utf8);
            return Ok((reader, Encoding::Utf8, !gz));
        }
        let bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
        let without_bom = if bom { None } else { utf16_without_bom(head) };
        if bom || without_bom.is_some() {
            // UTF-16 (Excel's "Unicode text"): transcoded to UTF-8 as the stream is read; without
            // a byte-order mark, the zero bytes of the ASCII characters tell its byte order.
            drop(reader);
            let stream = if gz { gzip_stream(path, counter)? } else { file_stream(path, counter)? };
            let utf8 = encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(without_bom).build(stream);
            let reader = RecordReader::new(
                Box::new(ReadAhead::new(Box::new(utf8))) as Box<dyn Read + Send>,
                b',',
                Encoding::Utf8,
                0,
                1,
            );
            return Ok((reader, Encoding::Utf8, false));
        }
        Ok((reader, settings.encoding, !gz))
    }

    /// What a reader of a part needs.
    fn part_source(&self) -> PartSource<'p> {
        PartSource {
            path: self.path,
            delimiter: self.delimiter,
            encoding: self.encoding,
            counter: self.counter.clone(),
        }
    }

    /// Where the rows after the header are cut into parts: offsets just after a line end.
    fn cuts(&self, parts: Parts) -> Vec<u64> {
        let Some(len) = self.cut_len else { return Vec::new() };
        let start = self.reader.offset();
        let size = len.saturating_sub(start);
        let n = (size / parts.min_bytes.max(1)).min(parts.threads as u64);
        if n < 2 {
            return Vec::new();
        }
        let source = self.part_source();
        let find = || -> io::Result<Vec<u64>> {
            let mut cuts: Vec<u64> = Vec::new();
            for k in 1..n {
                let at = start + size * k / n;
                if cuts.last().is_some_and(|&c| c > at) {
                    continue;
                }
                match source.line_start(at, len)? {
                    Some(cut) => cuts.push(cut),
                    None => break,
                }
            }
            Ok(cuts)
        };
        // Where the file cannot be looked into, it is read in one part (which reports the error).
        find().unwrap_or_default()
    }

    /// Reads the rows into `sink`, in parts where the export is large.
    fn fold<S: RowSink>(
        mut self,
        settings: &ImportSettings,
        sink: &mut S,
        new: &(impl Fn() -> S + Sync),
        parts: Parts,
        diags: &mut Diagnostics,
        stats: &mut ImportStats,
    ) {
        let cuts = self.cuts(parts);
        if cuts.is_empty() {
            let outcome = read_part(&mut self.reader, &self.cols, settings, &mut |row, _| sink.row(row));
            self.finish(vec![outcome], &settings.date_format, diags, stats);
            return;
        }
        // Each part reads the rows that start in it, on lines counted from its start; the first
        // goes on with the reader of the header. Part k runs from cut k - 1 (the first from the
        // end of the header) to cut k (the last to the end of the file).
        let len = self.cut_len.unwrap_or(u64::MAX);
        let starts = std::iter::once(self.reader.offset()).chain(cuts.iter().copied());
        let stops = cuts.iter().copied().chain(std::iter::once(len));
        let claims: Vec<Arc<Claim>> = starts.zip(stops).map(|(a, b)| Claim::new(a, b, parts.block)).collect();
        let all = Mutex::new(claims.clone());
        self.reader.stop_by(claims[0].clone());
        let mut first_reader = std::mem::replace(
            &mut self.reader,
            RecordReader::new(Box::new(io::empty()), b',', Encoding::Utf8, 0, 1),
        );
        let source = self.part_source();
        let cols = &self.cols;
        let read = |mut reader: Reader| -> (PartOutcome, S) {
            let mut part = new();
            let outcome = read_part(&mut reader, cols, settings, &mut |row, _| part.row(row));
            (outcome, part)
        };
        let failed = |offset: u64, line: u64, e: io::Error| -> (PartOutcome, S) {
            (PartOutcome { failure: Some((e, 0)), end: (offset, line), ..PartOutcome::default() }, new())
        };
        // A part with a fixed stop (read again after the others).
        let read_from = |offset: u64, line: u64, stop: u64| -> (PartOutcome, S) {
            match source.reader_at(offset, line) {
                Ok(mut reader) => {
                    reader.stop_at(stop);
                    read(reader)
                }
                Err(e) => failed(offset, line, e),
            }
        };
        // The unclaimed second half of the part with the most bytes unclaimed, as a part of its
        // own, where that is at least two blocks. (The list is only ever pushed to: a panic
        // elsewhere leaves it whole.)
        let list = || all.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let unclaimed = |c: &Arc<Claim>| {
            let (from, to) = c.unclaimed();
            to.saturating_sub(from)
        };
        let take = || -> Option<Arc<Claim>> {
            loop {
                let victim = list().iter().max_by_key(|c| unclaimed(c)).cloned()?;
                let (from, to) = victim.unclaimed();
                if to.saturating_sub(from) < parts.block.saturating_mul(2) {
                    return None;
                }
                let at = source.line_start(from + (to - from) / 2, to).ok()??;
                if let Some(stop) = victim.cut_at(at) {
                    let claim = Claim::new(at, stop, parts.block);
                    list().push(claim.clone());
                    return Some(claim);
                }
            }
        };
        // A thread reads its part, then parts taken from the others, each into a sink of its own.
        let work = |first: Option<Arc<Claim>>| -> Vec<(Arc<Claim>, PartOutcome, S)> {
            let mut done = Vec::new();
            let mut next = first;
            while let Some(claim) = next.take().or_else(take) {
                let (outcome, part) = match source.reader_at(claim.start(), 1) {
                    Ok(mut reader) => {
                        reader.stop_by(claim.clone());
                        read(reader)
                    }
                    Err(e) => failed(claim.start(), 1, e),
                };
                done.push((claim, outcome, part));
            }
            done
        };
        let (first, mut later) = std::thread::scope(|scope| {
            let handles: Vec<_> = claims[1..]
                .iter()
                .map(|claim| {
                    let work = &work;
                    let claim = claim.clone();
                    scope.spawn(move || work(Some(claim)))
                })
                .collect();
            let first = read_part(&mut first_reader, cols, settings, &mut |row, _| sink.row(row));
            let mut later = work(None);
            for handle in handles {
                later.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            }
            (first, later)
        });
        // The parts in the order of the file, each from its start to where it was made to stop.
        later.sort_by_key(|(claim, ..)| claim.start());
        let (mut end, mut end_line) = first.end;
        let mut outcomes = vec![first];
        for (claim, mut outcome, part) in later {
            let (start, stop) = (claim.start(), claim.stop());
            if end >= stop {
                // A record before ran past the whole part.
                continue;
            }
            let part = if end == start {
                outcome.shift_lines(end_line - 1);
                part
            } else {
                // The cut fell inside a record (a quoted field with line breaks): this part is
                // read again from where the one before it ended.
                drop(part);
                let (again, part) = read_from(end, end_line, stop);
                outcome = again;
                part
            };
            (end, end_line) = outcome.end;
            sink.append(part);
            outcomes.push(outcome);
        }
        self.finish(outcomes, &settings.date_format, diags, stats);
    }

    /// Reports the problems of the parts read, in order, and counts their rows.
    fn finish(
        self,
        outcomes: Vec<PartOutcome>,
        date_format: &DateFormat,
        diags: &mut Diagnostics,
        stats: &mut ImportStats,
    ) {
        let mut listed = 0;
        let mut total: i64 = 0;
        // When no date of the file matches the date format, one error says so for the column.
        let rows: u64 = outcomes.iter().map(|o| o.rows).sum();
        let unmatched: u64 = outcomes.iter().map(|o| o.dates_unmatched).sum();
        let whole_column = rows >= 2 && unmatched == rows;
        if whole_column {
            // The first samples of the file, as one reader would have kept them.
            let samples: Vec<&str> = outcomes
                .iter()
                .flat_map(|o| o.date_samples.iter().map(String::as_str))
                .take(DATE_SAMPLES)
                .collect();
            let first_line = outcomes.iter().flat_map(|o| o.problems.iter()).find(|p| p.3).map_or(2, |p| p.0);
            let header = self.cols.header(Field::Date);
            let format = date_format.as_str();
            let advice = match crate::dates::guess_formats(&samples).as_slice() {
                [] => crate::messages::Message::none(),
                [one] => crate::msg!(
                    "; the values look like {value}: try date_format = \"{format}\"",
                    value = samples[0],
                    format = *one
                ),
                many => crate::msg!(
                    "; the values look like {value}: try date_format = {formats}",
                    value = samples[0],
                    formats = many.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(" / ")
                ),
            };
            diags.error(
                Location::Csv { file: self.path.to_path_buf(), line: first_line, column: Some(header) },
                crate::msg!(
                    "no date of the column matches date_format \"{format}\" (all {unmatched} rows, like \"{sample}\" on this line){advice}",
                    format = format,
                    unmatched = unmatched,
                    sample = samples.first().copied().unwrap_or(""),
                    advice = advice
                ),
            );
            listed += 1;
            // One problem instead of one a row.
            total = 1 - unmatched as i64;
        }
        for outcome in outcomes {
            stats.rows += outcome.rows;
            stats.bad_rows += outcome.bad_rows;
            total += outcome.problem_count as i64;
            for (line, column, message, date_format) in outcome.problems {
                if whole_column && date_format {
                    continue;
                }
                if listed < MAX_ERRORS_PER_FILE {
                    diags.error(Location::Csv { file: self.path.to_path_buf(), line, column }, message);
                    listed += 1;
                }
            }

            if let Some((e, last_line)) = outcome.failure {
                let mut message = io_message(&e, self.gz);
                if last_line > 0 {
                    message = message.then(crate::msg!(
                        " (after line {line}, the last one read whole)",
                        line = last_line.to_string()
                    ));
                }
                diags.error(Location::File(self.path.to_path_buf()), message);
            }
        }
        if total > listed as i64 {
            diags.not_listed(Location::File(self.path.to_path_buf()), (total - listed as i64) as u64);
        }
        drop(self.reader);
        stats.bytes += self.counter.get();
    }
}

/// An uncompressed export, to be read from some offset on.
struct PartSource<'p> {
    path: &'p Path,
    delimiter: u8,
    encoding: Encoding,
    counter: CountingFile,
}

impl PartSource<'_> {
    /// The first offset at or after `at` just after a `\n`, if it is before `before`.
    fn line_start(&self, at: u64, before: u64) -> io::Result<Option<u64>> {
        use std::io::Seek;
        let mut file = File::open(self.path)?;
        file.seek(io::SeekFrom::Start(at))?;
        let mut buf = vec![0u8; 1 << 16];
        let mut from = at;
        while from < before {
            let read = file.read(&mut buf)?;
            if read == 0 {
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', &buf[..read]) {
                let start = from + i as u64 + 1;
                return Ok((start < before).then_some(start));
            }
            from += read as u64;
        }
        Ok(None)
    }

    /// A reader of the file from byte `offset`, which is on line `line`.
    fn reader_at(&self, offset: u64, line: u64) -> io::Result<RecordReader<Box<dyn Read + Send>>> {
        use std::io::Seek;
        let mut file = File::open(self.path)?;
        // A `\n` right after a `\r` before the offset belongs to that line end.
        let mut before = [0u8];
        if offset > 0 {
            file.seek(io::SeekFrom::Start(offset - 1))?;
            file.read_exact(&mut before)?;
        }
        file.seek(io::SeekFrom::Start(offset))?;
        let stream: Box<dyn Read + Send> =
            Box::new(CountingReader { inner: file, count: self.counter.clone() });
        let mut reader = RecordReader::new(stream, self.delimiter, self.encoding, offset, line);
        reader.set_after_cr(before[0] == b'\r');
        Ok(reader)
    }
}

/// What reading one part of an export found.
#[derive(Debug, Default)]
struct PartOutcome {
    /// Data rows read, good and bad.
    rows: u64,
    bad_rows: u64,
    /// The first problems (line, column header, message, whether the date did not match the
    /// date format), and how many there were in all. The first 50 of each kind are kept, so that
    /// the first 50 of the file are among them also when the dates are reported for the column.
    problems: Vec<(u64, Option<String>, crate::messages::Message, bool)>,
    problem_count: u64,
    kept: [usize; 2],
    /// Rows whose date cell does not match the date format, and the first such cells.
    dates_unmatched: u64,
    date_samples: Vec<String>,
    /// An error of the stream that ended the reading, and the last line read whole.
    failure: Option<(io::Error, u64)>,
    /// The offset and line where reading ended.
    end: (u64, u64),
}

impl PartOutcome {
    fn problem(&mut self, line: u64, column: Option<String>, message: crate::messages::Message) {
        self.problem_tagged(line, column, message, false);
    }

    fn problem_tagged(
        &mut self,
        line: u64,
        column: Option<String>,
        message: crate::messages::Message,
        date_format: bool,
    ) {
        let kept = &mut self.kept[usize::from(date_format)];
        if *kept < MAX_ERRORS_PER_FILE {
            *kept += 1;
            self.problems.push((line, column, message, date_format));
        }
        self.problem_count += 1;
    }

    /// Turns lines counted from a part's start into lines of the file.
    fn shift_lines(&mut self, by: u64) {
        for p in &mut self.problems {
            p.0 += by;
        }
        if let Some((_, line)) = &mut self.failure
            && *line > 0
        {
            *line += by;
        }
        self.end.1 += by;
    }
}

/// Reads the rows of one part, calling `on_row` with each row that could be read and its line.
fn read_part<R: Read>(
    reader: &mut RecordReader<R>,
    cols: &Columns,
    settings: &ImportSettings,
    on_row: &mut impl FnMut(&SaleRow<'_>, u64),
) -> PartOutcome {
    let n_fields = cols.headers.len();
    let mut out = PartOutcome::default();
    let mut last_line = 0;
    let mut dates = LastDate::default();
    loop {
        let (line, record, (span_lines, span_bytes), unterminated) = match reader.read_record() {
            Ok(Next::Record { line, record, span, unterminated }) => (line, record, span, unterminated),
            Ok(Next::End) => break,
            Err(e) => {
                out.failure = Some((e, last_line));
                break;
            }
        };
        out.rows += 1;
        last_line = line;
        let fields = record.map_or_else(|n| n, |r| r.len());
        if unterminated {
            out.bad_rows += 1;
            out.problem(
                line,
                None,
                // The messages speak of lines relative to the row's own: a part of an export read
                // side by side knows its lines only from its start.
                match span_lines {
                    0 => crate::msg!(
                        "unterminated quote: a quote opened on this line is never closed; close it or remove it"
                    ),
                    1 => crate::msg!(
                        "unterminated quote: a quote opened on this line is never closed, so the 1 line after it would be read as one field; close the quote or remove it"
                    ),
                    n => crate::msg!(
                        "unterminated quote: a quote opened on this line is never closed, so the {n} lines after it would be read as one field; close the quote or remove it",
                        n = n
                    ),
                },
            );
            continue;
        }
        if span_lines > MAX_QUOTED_LINES || (span_lines > 0 && span_bytes > MAX_QUOTED_BYTES) {
            out.bad_rows += 1;
            out.problem(
                line,
                None,
                crate::msg!(
                    "a quoted field opened on this line runs over {lines} line ends ({bytes} bytes): is a closing quote missing here?",
                    lines = span_lines,
                    bytes = span_bytes
                ),
            );
            continue;
        }
        if span_lines > 0
            && let Ok(r) = &record
            && let Some(k) = swallowed_row(r, cols, &settings.date_format)
        {
            out.bad_rows += 1;
            out.problem(
                line,
                None,
                if k == 1 {
                    crate::msg!(
                        "a quoted field opened on this line holds a line that looks like a row of the export, 1 line further down: is a closing quote missing here?"
                    )
                } else {
                    crate::msg!(
                        "a quoted field opened on this line holds a line that looks like a row of the export, {k} lines further down: is a closing quote missing here?",
                        k = k
                    )
                },
            );
            continue;
        }
        if fields != n_fields {
            out.bad_rows += 1;
            let hint = match span_lines {
                0 => crate::messages::Message::none(),
                1 => crate::msg!(
                    "; the quote opened on this line closes only 1 line further down: is a closing quote missing here?"
                ),
                n => crate::msg!(
                    "; the quote opened on this line closes only {n} lines further down: is a closing quote missing here?",
                    n = n
                ),
            };
            out.problem(
                line,
                None,
                crate::msg!(
                    "expected {expected} fields as in the header, found {found}{hint}",
                    expected = n_fields,
                    found = fields,
                    hint = hint
                ),
            );
            continue;
        }
        let Ok(record) = record else {
            out.bad_rows += 1;
            out.problem(line, None, utf8_message());
            continue;
        };
        match parse_row(&record, cols, settings, &mut dates) {
            Ok(row) => on_row(&row, line),
            Err(problems) => {
                out.bad_rows += 1;
                for (field, message) in problems {
                    let unmatched = field == Field::Date && {
                        let cell = cols.get(Field::Date).map_or("", |i| record.get(i).trim());
                        let unmatched = settings.date_format.parse(cell) == Err(DateError::Malformed);
                        if unmatched {
                            out.dates_unmatched += 1;
                            if out.date_samples.len() < DATE_SAMPLES {
                                out.date_samples.push(cell.to_string());
                            }
                        }
                        unmatched
                    };
                    out.problem_tagged(line, Some(cols.header(field)), message, unmatched);
                }
            }
        }
    }
    out.end = reader.end();
    out
}

/// The date cell of the last row and its day: the rows of an export mostly come in order of
/// their dates, so that most rows share their date with the row before.
#[derive(Default)]
struct LastDate {
    text: String,
    date: Option<NaiveDate>,
}

impl LastDate {
    fn parse(&mut self, format: &DateFormat, text: &str) -> Result<NaiveDate, DateError> {
        if let Some(date) = self.date
            && crate::cube::same_text(&self.text, text)
        {
            return Ok(date);
        }
        let date = format.parse(text)?;
        self.text.clear();
        self.text.push_str(text);
        self.date = Some(date);
        Ok(date)
    }
}

/// `s` without white space around it; a cell that starts and ends with a printable ASCII
/// character (most do) is returned as it is.
fn trim_cell(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    if printable(s.as_bytes().first()) && printable(s.as_bytes().last()) { s } else { s.trim() }
}

/// Turns one record (checked to be UTF-8 with the header's number of fields) into a sale.
fn parse_row<'r>(
    record: &Record<'r>,
    cols: &Columns,
    settings: &ImportSettings,
    dates: &mut LastDate,
) -> Result<SaleRow<'r>, Vec<(Field, crate::messages::Message)>> {
    let mark = settings.decimal_mark;
    let text = |f: Field| -> &'r str { cols.get(f).map_or("", |i| trim_cell(record.get(i))) };
    let header_hint = |f: Field, value: &str| {
        if cols.get(f).is_some_and(|i| same_header(value, &cols.headers[i])) {
            crate::msg!(
                " (this is the column's header: was a header row read as data, e.g. from two exports pasted together?)"
            )
        } else {
            crate::messages::Message::none()
        }
    };
    let mut problems = Vec::new();

    let date_text = text(Field::Date);
    let date = match dates.parse(&settings.date_format, date_text) {
        Ok(d) => Some(d),
        Err(e) => {
            let msg = match e {
                DateError::Empty => crate::msg!("expected a date, found an empty cell"),
                DateError::NoSuchDay => {
                    crate::msg!("\"{date}\" is not a day of the calendar", date = date_text)
                }
                DateError::Year(year) => crate::msg!(
                    "\"{date}\" is read as the year {year} with date_format \"{format}\"; %Y takes the year with four digits (2026), %y with two (26); dates before 1900 or after 2200 are taken for mistakes",
                    date = date_text,
                    year = year,
                    format = settings.date_format.as_str()
                ),
                DateError::Malformed => crate::msg!(
                    "cannot read \"{date}\" as a date: expected the format \"{format}\", like {example}{hint}",
                    date = date_text,
                    format = settings.date_format.as_str(),
                    example = settings.date_format.example(),
                    hint = header_hint(Field::Date, date_text)
                ),
            };
            problems.push((Field::Date, msg));
            None
        }
    };

    let mut amount = |f: Field, required: bool| -> Option<Decimal> {
        let i = cols.get(f)?;
        let cell = record.get(i).as_bytes();
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
                let msg = if f == Field::Quantity {
                    crate::msg!(
                        "cannot read \"{value}\" as a quantity: {reason}{hint}",
                        value = value,
                        reason = e.expected(mark),
                        hint = header_hint(f, value)
                    )
                } else {
                    crate::msg!(
                        "cannot read \"{value}\" as an amount: {reason}{hint}",
                        value = value,
                        reason = e.expected(mark),
                        hint = header_hint(f, value)
                    )
                };
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
        (None, Some(q), Some(p)) => match checked_product(q, p) {
            Some(g) => Some(g),
            None => {
                problems.push((Field::UnitPrice, beyond_limit(crate::msg!("quantity × unit price"), q, p)));
                None
            }
        },
        _ => None,
    };
    if gross.is_none() && !by_price && revenue_blank {
        problems.push((Field::Revenue, crate::msg!("expected an amount, found an empty cell")));
    }
    // The whole record is looked at once (where reading it did not find it free of control
    // bytes); only a record with a control character (or a tab) has its text cells looked at one
    // by one.
    let suspect = !record.control_free() && has_control(record.text());
    for f in
        [Field::Customer, Field::Invoice, Field::Product, Field::Category].into_iter().filter(|_| suspect)
    {
        let cell = text(f);
        if has_control(cell) {
            let at = cell.bytes().position(is_control);
            let byte = at.map_or(0, |i| cell.as_bytes()[i]);
            problems.push((
                f,
                crate::msg!(
                    "the cell holds the control character {byte} at position {at}: a damaged or binary export?",
                    byte = format!("0x{byte:02X}"),
                    at = at.map_or(0, |i| cell[..i].chars().count() + 1)
                ),
            ));
        }
    }
    let (Some(date), Some(gross), true) = (date, gross, problems.is_empty()) else {
        return Err(problems);
    };
    // Each term is below 10^15 (see `money::LIMIT_DIGITS`), so these cannot overflow.
    let net = gross - deductions;
    let cost = match (cost, quantity, unit_cost, profit) {
        (Some(c), _, _, _) => Some(c),
        (None, Some(q), Some(u), _) => match checked_product(q, u) {
            Some(c) => Some(c),
            None => {
                return Err(vec![(Field::UnitCost, beyond_limit(crate::msg!("quantity × unit cost"), q, u))]);
            }
        },
        (None, _, _, Some(p)) => Some(net - p),
        // The rate is at most 10 (checked in kam.toml).
        _ => settings.default_cost_rate.map(|r| r * net),
    };
    Ok(SaleRow {
        date,
        customer: text(Field::Customer),
        invoice: text(Field::Invoice),
        product: text(Field::Product),
        category: text(Field::Category),
        quantity: quantity.unwrap_or(Decimal::ZERO),
        gross,
        unit_price,
        deductions,
        net,
        cost,
    })
}

/// The message for a product beyond the limit of amounts.
fn beyond_limit(what: crate::messages::Message, a: Decimal, b: Decimal) -> crate::messages::Message {
    crate::msg!(
        "{what} = {a} × {b} is beyond what kam reads: amounts must be below {limit}",
        what = what,
        a = a.to_string(),
        b = b.to_string(),
        limit = crate::money::limit_text()
    )
}

fn utf8_message() -> crate::messages::Message {
    crate::msg!(
        "invalid UTF-8 in this line: the file is declared utf-8; if the ERP writes Windows-1252 (ANSI), set encoding = \"windows-1252\" under [import] in kam.toml"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The word-at-a-time test finds what a byte-by-byte look finds.
        #[test]
        fn control_characters_are_found_as_byte_by_byte(
            bytes in proptest::collection::vec(proptest::prop_oneof![0u8..0x22, 0x7eu8..0x81, proptest::num::u8::ANY], 0..40)
        ) {
            let cell = String::from_utf8_lossy(&bytes);
            proptest::prop_assert_eq!(has_control(&cell), cell.bytes().any(is_control));
        }
    }

    #[test]
    fn cells_are_trimmed_like_str_trim() {
        for cell in
            ["10042", " 10042", "10042 ", "\t10042\u{a0}", "\u{a0}Süd\u{2003}", "", " ", "a", "ä", "x y"]
        {
            assert_eq!(trim_cell(cell), cell.trim(), "{cell:?}");
        }
    }

    #[test]
    fn the_last_date_is_remembered_and_errors_are_not() {
        let format = DateFormat::new("%d.%m.%Y").unwrap();
        let mut last = LastDate::default();
        assert_eq!(last.parse(&format, "31.10.2026"), Ok(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()));
        assert_eq!(last.parse(&format, "31.10.2026"), Ok(NaiveDate::from_ymd_opt(2026, 10, 31).unwrap()));
        assert_eq!(last.parse(&format, "31.11.2026"), Err(DateError::NoSuchDay));
        assert_eq!(last.parse(&format, "01.11.2026"), Ok(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()));
        assert_eq!(last.parse(&format, ""), Err(DateError::Empty));
    }
}
