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
use crate::money::{AmountError, Decimal, parse_amount};
use chrono::NaiveDate;

pub mod records;
use records::{Next, Record, RecordReader};
use std::fs::File;
use std::io::{self, BufReader, Read};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// At most this many parts (and threads) an export.
    pub threads: usize,
    /// No part is smaller than this.
    pub min_bytes: u64,
}

impl Default for Parts {
    /// One part a core, at most four (each part holds aggregates of its own until they are
    /// appended), of at least 4 MiB.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Parts { threads: cores.min(4), min_bytes: 4 << 20 }
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
        export.finish(vec![outcome], diags, &mut stats);
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
        let fail = |diags: &mut Diagnostics, stats: &mut ImportStats, message: String| {
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
                "the file is empty; expected a header line naming the columns, then one line per sale".into(),
            );
        }
        let first_line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
        let delimiter = match settings.delimiter {
            Delimiter::Byte(b) => b,
            Delimiter::Auto => sniff_delimiter(&head[..first_line_end]),
        };
        reader.set_delimiter(delimiter);
        let headers: Vec<String> = match reader.read_record() {
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
                    "the file is empty; expected a header line naming the columns".into(),
                );
            }
            Err(e) => return fail(diags, stats, io_message(&e, gz)),
        };
        let Some(cols) = resolve_columns(path, headers, settings, diags) else {
            stats.bytes += counter.get();
            return None;
        };
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
        if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
            // UTF-16 (Excel's "Unicode text"): transcoded to UTF-8 as the stream is read.
            drop(reader);
            let stream = if gz { gzip_stream(path, counter)? } else { file_stream(path, counter)? };
            let utf8 = encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(None).build(stream);
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
        let find = || -> io::Result<Vec<u64>> {
            use std::io::Seek;
            let mut file = File::open(self.path)?;
            let mut buf = vec![0u8; 1 << 16];
            let mut cuts: Vec<u64> = Vec::new();
            for k in 1..n {
                let mut at = start + size * k / n;
                if cuts.last().is_some_and(|&c| c > at) {
                    continue;
                }
                file.seek(io::SeekFrom::Start(at))?;
                loop {
                    let read = file.read(&mut buf)?;
                    if read == 0 {
                        break;
                    }
                    if let Some(i) = memchr::memchr(b'\n', &buf[..read]) {
                        let cut = at + i as u64 + 1;
                        if cut < len {
                            cuts.push(cut);
                        }
                        break;
                    }
                    at += read as u64;
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
            self.finish(vec![outcome], diags, stats);
            return;
        }
        // Each part reads the rows that start in it, on lines counted from its start; the first
        // goes on with the reader of the header.
        self.reader.stop_at(cuts[0]);
        let mut first_reader = std::mem::replace(
            &mut self.reader,
            RecordReader::new(Box::new(io::empty()), b',', Encoding::Utf8, 0, 1),
        );
        let source = self.part_source();
        let cols = &self.cols;
        let read_from = |offset: u64, line: u64, stop: Option<u64>| -> (PartOutcome, S) {
            let mut part = new();
            let outcome = match source.reader_at(offset, line) {
                Ok(mut reader) => {
                    if let Some(stop) = stop {
                        reader.stop_at(stop);
                    }
                    read_part(&mut reader, cols, settings, &mut |row, _| part.row(row))
                }
                Err(e) => {
                    PartOutcome { failure: Some((e, 0)), end: (offset, line), ..PartOutcome::default() }
                }
            };
            (outcome, part)
        };
        let (first, later) = std::thread::scope(|scope| {
            let handles: Vec<_> = cuts
                .iter()
                .enumerate()
                .map(|(k, &start)| {
                    let stop = cuts.get(k + 1).copied();
                    let read_from = &read_from;
                    scope.spawn(move || read_from(start, 1, stop))
                })
                .collect();
            let first = read_part(&mut first_reader, cols, settings, &mut |row, _| sink.row(row));
            let later: Vec<(PartOutcome, S)> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect();
            (first, later)
        });
        let (mut end, mut end_line) = first.end;
        let mut outcomes = vec![first];
        for (k, (mut outcome, part)) in later.into_iter().enumerate() {
            let (start, stop) = (cuts[k], cuts.get(k + 1).copied());
            if stop.is_some_and(|stop| end >= stop) {
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
        self.finish(outcomes, diags, stats);
    }

    /// Reports the problems of the parts read, in order, and counts their rows.
    fn finish(self, outcomes: Vec<PartOutcome>, diags: &mut Diagnostics, stats: &mut ImportStats) {
        let mut listed = 0;
        let mut total = 0;
        for outcome in outcomes {
            stats.rows += outcome.rows;
            stats.bad_rows += outcome.bad_rows;
            total += outcome.problem_count;
            for (line, column, message) in outcome.problems {
                if listed < MAX_ERRORS_PER_FILE {
                    diags.error(Location::Csv { file: self.path.to_path_buf(), line, column }, message);
                    listed += 1;
                }
            }
            if let Some((e, last_line)) = outcome.failure {
                let mut message = io_message(&e, self.gz);
                if last_line > 0 {
                    message.push_str(&format!(" (after line {last_line}, the last one read whole)"));
                }
                diags.error(Location::File(self.path.to_path_buf()), message);
            }
        }
        if total > listed as u64 {
            diags.error(
                Location::File(self.path.to_path_buf()),
                format!("{} more problems in this file are not listed", total - listed as u64),
            );
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
    /// A reader of the file from byte `offset`, which is on line `line`.
    fn reader_at(&self, offset: u64, line: u64) -> io::Result<RecordReader<Box<dyn Read + Send>>> {
        use std::io::Seek;
        let mut file = File::open(self.path)?;
        file.seek(io::SeekFrom::Start(offset))?;
        let stream: Box<dyn Read + Send> =
            Box::new(CountingReader { inner: file, count: self.counter.clone() });
        Ok(RecordReader::new(stream, self.delimiter, self.encoding, offset, line))
    }
}

/// What reading one part of an export found.
#[derive(Debug, Default)]
struct PartOutcome {
    /// Data rows read, good and bad.
    rows: u64,
    bad_rows: u64,
    /// The first problems (line, column header, message), and how many there were in all.
    problems: Vec<(u64, Option<String>, String)>,
    problem_count: u64,
    /// An error of the stream that ended the reading, and the last line read whole.
    failure: Option<(io::Error, u64)>,
    /// The offset and line where reading ended.
    end: (u64, u64),
}

impl PartOutcome {
    fn problem(&mut self, line: u64, column: Option<String>, message: String) {
        if self.problems.len() < MAX_ERRORS_PER_FILE {
            self.problems.push((line, column, message));
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
        let (line, record) = match reader.read_record() {
            Ok(Next::Record { line, record }) => (line, record),
            Ok(Next::End) => break,
            Err(e) => {
                out.failure = Some((e, last_line));
                break;
            }
        };
        out.rows += 1;
        last_line = line;
        let fields = record.map_or_else(|n| n, |r| r.len());
        if fields != n_fields {
            out.bad_rows += 1;
            out.problem(line, None, format!("expected {n_fields} fields as in the header, found {fields}"));
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
                    out.problem(line, Some(cols.header(field)), message);
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
) -> Result<SaleRow<'r>, Vec<(Field, String)>> {
    let mark = settings.decimal_mark;
    let text = |f: Field| -> &'r str { cols.get(f).map_or("", |i| trim_cell(record.get(i))) };
    let header_hint = |f: Field, value: &str| -> &'static str {
        if cols.get(f).is_some_and(|i| same_header(value, &cols.headers[i])) {
            " (this is the column's header: was a header row read as data, e.g. from two exports pasted together?)"
        } else {
            ""
        }
    };
    let mut problems = Vec::new();

    let date_text = text(Field::Date);
    let date = match dates.parse(&settings.date_format, date_text) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
