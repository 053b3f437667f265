//! CSV records read from a byte stream into one reused buffer.
//!
//! Most lines of an ERP export have no quotes: for those a record is the bytes up to the next
//! line end, split at the delimiter with `memchr`. A line with a quote is handed to `csv_core`,
//! which also reads fields spanning several lines. The records and fields are the same as the
//! `csv` crate's with its default settings (a property test compares the two): `\n`, `\r\n` and
//! `\r` end a record, empty lines are skipped, `""` inside quotes is a quote. Lines are counted
//! as an editor counts them: `\r\n`, `\n` and a lone `\r` each end one.
//!
//! A quote still open at the end of the stream is told apart, and so is how far a record reaches
//! (the fields `unterminated` and `span` of [`Next::Record`]), so that a missing closing
//! quote, which would swallow the rows after it into one field, is named as such.
//!
//! A reader may be given a byte offset at which to stop: it then reads the records that *start*
//! before that offset (the last one possibly running past it), so that a file can be cut into
//! parts read side by side (see `parts`). The stop may also be a [`Claim`] shared with the
//! readers of the other parts: the reader then claims its part a block at a time, and a reader
//! that is done with its own part may take the unclaimed rest of a slower one (from a line start
//! on), so that the parts end together however fast each is read.

use crate::config::Encoding;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, PoisonError};

/// The size a reader's buffer starts with; it grows for records longer than that.
const BUFFER: usize = 1 << 18;

/// The bytes of one part of a stream, from `start` to a stop that another reader may move down
/// while the part is read: the part's reader claims its bytes a block at a time, and the bytes
/// not yet claimed may be taken from it ([`Claim::cut_at`]) into a part of their own.
#[derive(Debug)]
pub struct Claim {
    start: u64,
    /// Bytes claimed at a time.
    block: u64,
    state: Mutex<ClaimState>,
}

#[derive(Debug, Clone, Copy)]
struct ClaimState {
    /// Records starting before this offset are read by the part's reader.
    claimed: u64,
    /// The part ends here.
    stop: u64,
}

impl Claim {
    /// The part from `start` to `stop`, claimed `block` bytes at a time (at least one).
    pub fn new(start: u64, stop: u64, block: u64) -> Arc<Claim> {
        Arc::new(Claim { start, block: block.max(1), state: Mutex::new(ClaimState { claimed: start, stop }) })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ClaimState> {
        // The state is two numbers, each written whole: a panic elsewhere leaves it consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn start(&self) -> u64 {
        self.start
    }

    /// Where the part ends now.
    pub fn stop(&self) -> u64 {
        self.state().stop
    }

    /// The bytes not yet claimed: from, to.
    pub fn unclaimed(&self) -> (u64, u64) {
        let s = *self.state();
        (s.claimed, s.stop)
    }

    /// More of the part for a reader at offset `at`: the offset before which it may read the
    /// records that start, past `at` while the part goes on (the next block claimed), the part's
    /// stop, at or before `at`, where it ends there.
    fn extend(&self, at: u64) -> u64 {
        let mut s = self.state();
        if at >= s.stop {
            return s.stop;
        }
        s.claimed = s.claimed.max(at.saturating_add(self.block).min(s.stop));
        s.claimed
    }

    /// Ends the part at `at` (a line start), where no byte from there on is claimed yet, and
    /// gives the stop it had: the bytes from `at` to that stop are then another part's.
    pub fn cut_at(&self, at: u64) -> Option<u64> {
        let mut s = self.state();
        (at >= s.claimed && at < s.stop).then(|| std::mem::replace(&mut s.stop, at))
    }
}

/// One record: its text and the byte range of each field in it.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    text: &'a str,
    bounds: &'a [(usize, usize)],
    /// No byte of the record is below 0x20 or 0x7F: it holds no control character (nor a
    /// tab). `false` says nothing either way.
    control_free: bool,
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Field `i`; the empty string past the last field.
    pub fn get(&self, i: usize) -> &'a str {
        self.bounds.get(i).map_or("", |&(s, e)| &self.text[s..e])
    }

    /// The text of all fields (unquoted), one after the other.
    pub fn text(&self) -> &'a str {
        self.bounds.last().map_or("", |&(_, e)| &self.text[..e])
    }

    /// Whether the record is known to hold no byte below 0x20 and no 0x7F (no control
    /// character, no tab); `false` where it was not looked at that way.
    pub fn control_free(&self) -> bool {
        self.control_free
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.bounds.iter().map(|&(s, e)| &self.text[s..e])
    }
}

/// What [`RecordReader::read_record`] found.
pub enum Next<'a> {
    /// A record starting on `line`; `Err` holds the number of fields of a record that is not
    /// valid UTF-8.
    Record {
        line: u64,
        record: Result<Record<'a>, usize>,
        /// Line ends inside the record (0 for one on one line) and its length in bytes.
        span: (u64, usize),
        /// A quote opened in the record was never closed: it runs to the end of the stream.
        unterminated: bool,
    },
    /// No more records: the end of the stream, or the stop offset was reached.
    End,
}

/// Splits one record off the front of a buffer.
struct Splitter {
    delimiter: u8,
    /// Whether lines without quotes may be split by looking for the delimiter alone.
    fast: bool,
    core: csv_core::Reader,
    /// The unquoted bytes of a record read by `csv_core`, and its field ends.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The fields of the last record, as byte ranges into its text.
    bounds: Vec<(usize, usize)>,
    /// Whether the last record ended with the stream inside a quoted field.
    unterminated: bool,
}

/// Where a split record's bytes are.
enum Split {
    /// `input[..len]` is the record, unquoted; `consumed` bytes include its line end; `bytes`
    /// tells what kinds of bytes it holds.
    Plain { len: usize, consumed: usize, bytes: LineBytes },
    /// `csv_core` wrote the record to `out`; `consumed` bytes of input were read.
    Quoted { consumed: usize },
    /// The record may go on past the end of the input.
    NeedMore,
}

impl Splitter {
    fn new(delimiter: u8) -> Splitter {
        Splitter {
            delimiter,
            fast: !matches!(delimiter, b'"' | b'\n' | b'\r'),
            core: Self::core(delimiter),
            out: vec![0; 1024],
            ends: vec![0; 64],
            bounds: Vec::with_capacity(64),
            unterminated: false,
        }
    }

    /// A `csv_core` reader that has read before, so that it does not take bytes at the start of
    /// a record for a byte-order mark.
    fn core(delimiter: u8) -> csv_core::Reader {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let mut out = [0u8; 4];
        let mut ends = [0usize; 4];
        let _ = core.read_record(b"x\n", &mut out, &mut ends);
        core
    }

    /// Splits the record at the start of `input`, which does not start with a line end. With
    /// `eof`, nothing follows `input`.
    fn split(&mut self, input: &[u8], eof: bool) -> Split {
        if self.fast {
            match scan_line(input, self.delimiter, &mut self.bounds) {
                Scan::Line(len, bytes) => return Split::Plain { len, consumed: len + 1, bytes },
                Scan::Open if eof => {
                    return Split::Plain {
                        len: input.len(),
                        consumed: input.len(),
                        bytes: LineBytes::UNKNOWN,
                    };
                }
                Scan::Open => return Split::NeedMore,
                Scan::Quote => {}
            }
        }
        self.split_quoted(input, eof)
    }

    fn split_quoted(&mut self, input: &[u8], eof: bool) -> Split {
        use csv_core::ReadRecordResult::*;
        self.unterminated = false;
        let (mut nin, mut nend) = (0, 0);
        let mut nout = 0;
        'record: loop {
            let (result, i, o, e) =
                self.core.read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match result {
                Record => break,
                OutputFull => self.grow_out(),
                OutputEndsFull => self.grow_ends(),
                InputEmpty if !eof => {
                    self.restart();
                    return Split::NeedMore;
                }
                InputEmpty | End => {
                    // Nothing follows the input: an empty input ends the record.
                    self.unterminated = quote_open(&input[..nin], self.delimiter);
                    loop {
                        let (result, _, o, e) =
                            self.core.read_record(&[], &mut self.out[nout..], &mut self.ends[nend..]);
                        nout += o;
                        nend += e;
                        match result {
                            Record => break 'record,
                            OutputFull => self.grow_out(),
                            OutputEndsFull => self.grow_ends(),
                            InputEmpty | End => {
                                self.restart();
                                return Split::NeedMore;
                            }
                        }
                    }
                }
            }
        }
        self.bounds.clear();
        let mut start = 0;
        for &end in &self.ends[..nend] {
            self.bounds.push((start, end));
            start = end;
        }
        Split::Quoted { consumed: nin }
    }

    fn grow_out(&mut self) {
        let n = self.out.len() * 2;
        self.out.resize(n, 0);
    }

    fn grow_ends(&mut self) {
        let n = self.ends.len() * 2;
        self.ends.resize(n, 0);
    }

    /// Forgets a record read in part.
    fn restart(&mut self) {
        self.core = Self::core(self.delimiter);
    }
}

/// Whether a record's bytes end inside a quoted field, by the rules `csv_core` reads them with: a
/// quote at the start of a field opens it, `""` inside is a quote, another quote closes it.
fn quote_open(bytes: &[u8], delimiter: u8) -> bool {
    let (mut field_start, mut quoted) = (true, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if field_start && b == b'"' {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    quoted
}

/// How a line without quotes ends.
enum Scan {
    /// At this offset, with `\n` or `\r`; what kinds of bytes lie before it.
    Line(usize, LineBytes),
    /// Not within the input.
    Open,
    /// The line has a quote before its end.
    Quote,
}

/// Each byte of `word` that equals `byte` as the high bit of that byte, every other bit clear.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (LOW * u64::from(byte));
    !(((x & SEVEN) + SEVEN) | x | SEVEN)
}

/// What kinds of bytes a line without quotes holds, found while it is split: a line of ASCII
/// needs no UTF-8 check, a line without control bytes no look for control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineBytes {
    /// Every byte is below 0x80 (the line is ASCII).
    ascii: bool,
    /// No byte is below 0x20 or 0x7F, but for the delimiter where that is ASCII (a tab).
    control_free: bool,
}

impl LineBytes {
    /// Nothing known.
    const UNKNOWN: LineBytes = LineBytes { ascii: false, control_free: false };

    /// The kinds told by the masks of the line's bytes.
    fn of(high: u32, control: u32) -> LineBytes {
        LineBytes { ascii: high == 0, control_free: control == 0 }
    }
}

/// Each byte of `word` below 0x20 or equal to 0x7F as the high bit of that byte, every other bit
/// clear.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn bytes_control(word: u64) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // For a byte below 0x80, adding 0x60 to it sets its high bit exactly where it is at least
    // 0x20, and carries into no other byte.
    let at_least_space = ((word & SEVEN) + LOW * 0x60) & HIGH;
    (!at_least_space & !word & HIGH) | bytes_equal(word, 0x7f)
}

/// Sixteen bytes of `input` from `at`, bit `i` for byte `at + i`: a bit for each that is a line
/// end or a quote (`stops`), for each that is the delimiter, for each below 0x20 or equal to 0x7F
/// (`control`) and for each from 0x80 up (`high`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn masks16(input: &[u8], at: usize, delimiter: u8) -> Masks {
    // SAFETY: SSE2 is enabled in this build (the cfg above), as on every x86-64 target.
    unsafe { masks16_sse2(input, at, delimiter) }
}

/// The bits [`masks16`] finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Masks {
    stops: u32,
    delimiters: u32,
    control: u32,
    high: u32,
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn masks16_sse2(input: &[u8], at: usize, delimiter: u8) -> Masks {
    use std::arch::x86_64::*;
    let lo = i64::from_le_bytes(input[at..at + 8].try_into().unwrap_or([0; 8]));
    let hi = i64::from_le_bytes(input[at + 8..at + 16].try_into().unwrap_or([0; 8]));
    // The two halves are read as one unaligned load.
    let v = _mm_set_epi64x(hi, lo);
    let newline = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
    let carriage = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8));
    let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
    let stops = _mm_or_si128(_mm_or_si128(newline, carriage), quote);
    let delimiters = _mm_cmpeq_epi8(v, _mm_set1_epi8(delimiter as i8));
    // A byte is at most 0x1F where it equals its minimum with 0x1F (compared unsigned).
    let below_space = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    let control = _mm_or_si128(below_space, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    Masks {
        stops: _mm_movemask_epi8(stops) as u32,
        delimiters: _mm_movemask_epi8(delimiters) as u32,
        control: _mm_movemask_epi8(control) as u32,
        high: _mm_movemask_epi8(v) as u32,
    }
}

/// Sixteen bytes as [`masks16`] finds them, eight bytes at a time in a `u64` (on processors
/// other than x86-64).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn masks16(input: &[u8], at: usize, delimiter: u8) -> Masks {
    masks16_by_words(input, at, delimiter)
}

#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline]
fn masks16_by_words(input: &[u8], at: usize, delimiter: u8) -> Masks {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte, gathered into the low eight bits.
    let gather = |bits: u64| ((bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    let mut masks = Masks { stops: 0, delimiters: 0, control: 0, high: 0 };
    for (k, from) in [at, at + 8].into_iter().enumerate() {
        let word = u64::from_le_bytes(input[from..from + 8].try_into().unwrap_or([0; 8]));
        let stops = bytes_equal(word, b'\n') | bytes_equal(word, b'\r') | bytes_equal(word, b'"');
        masks.stops |= gather(stops) << (8 * k);
        masks.delimiters |= gather(bytes_equal(word, delimiter)) << (8 * k);
        masks.control |= gather(bytes_control(word)) << (8 * k);
        masks.high |= gather(word & HIGH) << (8 * k);
    }
    masks
}

/// Looks for the end of the line at the start of `input` and the delimiters before it, sixteen
/// bytes at a time; `bounds` gets the fields of a line without quotes. What kinds of bytes the
/// line holds is found on the way, from the same sixteen bytes.
fn scan_line(input: &[u8], delimiter: u8, bounds: &mut Vec<(usize, usize)>) -> Scan {
    bounds.clear();
    let mut start = 0;
    let mut at = 0;
    let (mut high, mut control) = (0, 0);
    // A delimiter that is ASCII (a tab) is no part of any field's text.
    let ascii_delimiter = delimiter.is_ascii();
    while at + 16 <= input.len() {
        let masks = masks16(input, at, delimiter);
        let (stops, mut delimiters) = (masks.stops, masks.delimiters);
        let controls = if ascii_delimiter { masks.control & !delimiters } else { masks.control };
        if stops != 0 {
            // Only the delimiters before the first stop count.
            delimiters &= stops ^ (stops - 1);
        }
        while delimiters != 0 {
            let i = at + delimiters.trailing_zeros() as usize;
            bounds.push((start, i));
            start = i + 1;
            delimiters &= delimiters - 1;
        }
        if stops != 0 {
            let end = at + stops.trailing_zeros() as usize;
            if input[end] == b'"' {
                return Scan::Quote;
            }
            bounds.push((start, end));
            // The bytes before the stop.
            let before = (stops - 1) & !stops;
            return Scan::Line(
                end,
                LineBytes::of(high | (masks.high & before), control | (controls & before)),
            );
        }
        high |= masks.high;
        control |= controls;
        at += 16;
    }
    for (i, &b) in input[at..].iter().enumerate() {
        let i = at + i;
        match b {
            b'\n' | b'\r' => {
                bounds.push((start, i));
                return Scan::Line(i, LineBytes::of(high, control));
            }
            b'"' => return Scan::Quote,
            b if b == delimiter => {
                bounds.push((start, i));
                start = i + 1;
                high |= u32::from(!ascii_delimiter);
            }
            0x80.. => high |= 1,
            0..0x20 | 0x7f => control |= 1,
            _ => {}
        }
    }
    bounds.push((start, input.len()));
    Scan::Open
}

/// Reads records from a byte stream, counting lines, and turns them into text.
pub struct RecordReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    splitter: Splitter,
    encoding: Encoding,
    /// A record decoded from Windows-1252, and its fields.
    decoded: String,
    decoded_bounds: Vec<(usize, usize)>,
    /// Line ends (`\n`) before `pos`, counted from the start of the stream, plus the line
    /// number of the stream's first byte minus one.
    newlines: u64,
    /// Records starting at or past this stream offset are not read (but for more claimed from
    /// `claim`).
    stop: Option<u64>,
    claim: Option<Arc<Claim>>,
    /// Where reading ended (see [`RecordReader::end`]).
    ended_at: Option<u64>,
    /// Line ends before `stop` (set once reading stopped there).
    newlines_at_stop: Option<u64>,
    /// Whether the last byte consumed was `\r` (so that a `\n` after it ends no other line).
    prev_cr: bool,
    /// Line ends inside the last record (not counting the one that ends it) and its length in
    /// bytes.
    last_span: (u64, usize),
}

impl<R: Read> RecordReader<R> {
    /// A reader of the stream `reader`, whose first byte is at `offset` on line `line`.
    pub fn new(reader: R, delimiter: u8, encoding: Encoding, offset: u64, line: u64) -> Self {
        RecordReader {
            reader,
            buf: vec![0; BUFFER],
            pos: 0,
            end: 0,
            base: offset,
            eof: false,
            splitter: Splitter::new(delimiter),
            encoding,
            decoded: String::new(),
            decoded_bounds: Vec::new(),
            newlines: line.saturating_sub(1),
            stop: None,
            claim: None,
            ended_at: None,
            newlines_at_stop: None,
            prev_cr: false,
            last_span: (0, 0),
        }
    }

    /// Tells the reader that the byte before its stream is `\r`, so that a `\n` at its start
    /// ends no further line.
    pub fn set_after_cr(&mut self, after_cr: bool) {
        self.prev_cr = after_cr;
    }

    /// The unread bytes at the start of the stream, reading some when there are none.
    pub fn peek(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end && !self.eof {
            self.fill()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    /// Skips `n` of the bytes [`RecordReader::peek`] returned.
    pub fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.splitter = Splitter::new(delimiter);
    }

    pub fn set_encoding(&mut self, encoding: Encoding) {
        self.encoding = encoding;
    }

    /// Reads only the records that start before stream offset `stop`.
    pub fn stop_at(&mut self, stop: u64) {
        self.stop = Some(stop);
        self.claim = None;
    }

    /// Reads only the records that start in the part of `claim`, claiming it as it goes (the
    /// reader is at the part's start).
    pub fn stop_by(&mut self, claim: Arc<Claim>) {
        self.stop = Some(claim.start());
        self.claim = Some(claim);
    }

    /// Whether reading has reached its stop at stream offset `at`; under a [`Claim`], more of
    /// the part is claimed first.
    #[inline]
    fn at_stop(&mut self, at: u64) -> bool {
        match (self.stop, &self.claim) {
            (Some(stop), _) if at < stop => false,
            (None, _) => false,
            (Some(_), None) => true,
            (Some(_), Some(claim)) => {
                let stop = claim.extend(at);
                self.stop = Some(stop);
                at >= stop
            }
        }
    }

    /// The stream offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The line of the next unread byte.
    pub fn line(&self) -> u64 {
        self.newlines + 1
    }

    /// Once [`Next::End`] was returned: the stream offset where reading ended (the stop offset,
    /// or the end of a record that ran past it, or the end of the stream) and the line there.
    pub fn end(&self) -> (u64, u64) {
        (self.ended_at.unwrap_or(self.offset()), self.newlines_at_stop.unwrap_or(self.newlines) + 1)
    }

    /// Reads more of the stream, keeping `buf[pos..end]`.
    fn fill(&mut self) -> io::Result<()> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.base += self.pos as u64;
            self.pos = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The next record. An error of the stream ends the reading.
    pub fn read_record(&mut self) -> io::Result<Next<'_>> {
        if self.ended_at.is_some() {
            return Ok(Next::End);
        }
        // Skip empty lines; line ends before the stop offset are counted towards it.
        let (start, consumed, line, kinds) = loop {
            while self.pos < self.end && matches!(self.buf[self.pos], b'\n' | b'\r') {
                let cr = self.buf[self.pos] == b'\r';
                if cr || !self.prev_cr {
                    self.newlines += 1;
                    if self.newlines_at_stop.is_none() && self.at_stop(self.offset()) {
                        self.newlines_at_stop = Some(self.newlines - 1);
                    }
                }
                self.prev_cr = cr;
                self.pos += 1;
            }
            if self.pos < self.end
                && self.at_stop(self.offset())
                && let Some(stop) = self.stop
            {
                self.ended_at = Some(stop);
                if self.newlines_at_stop.is_none() {
                    self.newlines_at_stop = Some(self.newlines);
                }
                return Ok(Next::End);
            }
            if self.pos == self.end {
                if self.eof {
                    self.ended_at = Some(self.offset());
                    return Ok(Next::End);
                }
                self.fill()?;
                continue;
            }
            self.newlines_at_stop = None;
            match self.splitter.split(&self.buf[self.pos..self.end], self.eof) {
                Split::NeedMore => {
                    if self.eof {
                        // Only an empty remainder ends like this.
                        self.ended_at = Some(self.offset());
                        return Ok(Next::End);
                    }
                    self.fill()?;
                }
                Split::Plain { len, consumed, bytes } => {
                    break (Some(len), consumed, self.newlines + 1, bytes);
                }
                Split::Quoted { consumed } => break (None, consumed, self.newlines + 1, LineBytes::UNKNOWN),
            }
        };
        let start_pos = self.pos;
        let bytes = &self.buf[start_pos..start_pos + consumed];
        let ends_line = consumed > 0 && matches!(bytes[consumed - 1], b'\n' | b'\r');
        let line_ends = match start {
            // A line without quotes holds a line end only at its end.
            Some(len) => u64::from(consumed > len),
            None => count_line_ends(bytes),
        };
        self.newlines += line_ends;
        self.last_span = (line_ends - u64::from(ends_line), consumed);
        self.prev_cr = ends_line && bytes[consumed - 1] == b'\r';
        self.pos += consumed;
        if self.offset() > 0 && self.at_stop(self.offset() - 1) {
            // The record ran past the stop offset: reading ends with it.
            self.ended_at = Some(self.offset());
            self.newlines_at_stop = Some(self.newlines);
        }
        let text: &[u8] = match start {
            Some(len) => &self.buf[start_pos..start_pos + len],
            None => &self.splitter.out[..self.splitter.bounds.last().map_or(0, |b| b.1)],
        };
        let bounds = &self.splitter.bounds;
        let control_free = kinds.control_free;
        if kinds.ascii {
            debug_assert!(text.is_ascii());
            // SAFETY: the scan found every byte of `text` below 0x80, and ASCII is valid UTF-8.
            let text = unsafe { std::str::from_utf8_unchecked(text) };
            return Ok(Next::Record {
                line,
                record: Ok(Record { text, bounds, control_free }),
                span: self.last_span,
                unterminated: self.splitter.unterminated,
            });
        }
        let record = match self.encoding {
            Encoding::Windows1252 if !text.is_ascii() => {
                self.decoded.clear();
                self.decoded_bounds.clear();
                // Every byte is a character of Windows-1252, of at most three bytes in UTF-8.
                self.decoded.reserve(text.len() * 3);
                for &(s, e) in bounds {
                    let from = self.decoded.len();
                    let mut decoder = encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling();
                    let _ =
                        decoder.decode_to_string_without_replacement(&text[s..e], &mut self.decoded, true);
                    self.decoded_bounds.push((from, self.decoded.len()));
                }
                Ok(Record { text: &self.decoded, bounds: &self.decoded_bounds, control_free })
            }
            _ => match simdutf8::basic::from_utf8(text) {
                // The fields of a quoted record lie side by side without their delimiters, so a
                // character may be valid across two fields and neither field text: each field
                // must start on a character.
                Ok(text) if start.is_some() || bounds.iter().all(|&(s, _)| text.is_char_boundary(s)) => {
                    Ok(Record { text, bounds, control_free })
                }
                _ => Err(bounds.len()),
            },
        };
        Ok(Next::Record { line, record, span: self.last_span, unterminated: self.splitter.unterminated })
    }
}

/// The line ends in `bytes`: each `\r\n`, lone `\n` and lone `\r` is one.
pub fn count_line_ends(bytes: &[u8]) -> u64 {
    let lf = memchr::memchr_iter(b'\n', bytes).count();
    if memchr::memchr(b'\r', bytes).is_none() {
        return lf as u64;
    }
    let cr = memchr::memchr_iter(b'\r', bytes).count();
    let crlf = memchr::memmem::find_iter(bytes, b"\r\n").count();
    (cr + lf - crlf) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sixteen_bytes_are_looked_at_alike_on_every_processor(
            bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b'"'), Just(b';'), Just(b','), any::<u8>()], 16..40),
            delimiter in prop_oneof![Just(b';'), Just(b','), Just(b'\t')],
        ) {
            for at in 0..=bytes.len() - 16 {
                let masks = masks16(&bytes, at, delimiter);
                prop_assert_eq!(masks, masks16_by_words(&bytes, at, delimiter));
                let bits = |f: &dyn Fn(u8) -> bool| (0..16).filter(|&i| f(bytes[at + i])).fold(0u32, |m, i| m | 1 << i);
                prop_assert_eq!(masks.control, bits(&|b| b < 0x20 || b == 0x7f));
                prop_assert_eq!(masks.high, bits(&|b| b >= 0x80));
            }
        }

        /// A line without quotes is taken for ASCII (and not checked for UTF-8 again) exactly
        /// where it is, and for free of control bytes (and not looked at for control characters
        /// again) exactly where it is, an ASCII delimiter aside; a line with a quote goes to
        /// `csv_core` and is taken for neither.
        #[test]
        fn the_kinds_of_a_lines_bytes_are_found_exactly(
            lines in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![
                    Just(b'a'), Just(b'7'), Just(b' '), Just(b'~'), Just(b';'), Just(b','), Just(b'\t'),
                    Just(b'\x01'), Just(b'\x1f'), Just(b'\x7f'), Just(b'\x80'), Just(b'\xc3'), Just(b'\xa4'),
                ], 1..60),
                1..6,
            ),
            delimiter in prop_oneof![Just(b';'), Just(b','), Just(b'\t')],
            tiny in any::<bool>(),
        ) {
            let mut data = Vec::new();
            for line in &lines {
                data.extend_from_slice(line);
                data.push(b'\n');
            }
            let mut reader = RecordReader::new(&data[..], delimiter, Encoding::Utf8, 0, 1);
            if tiny {
                reader.buf = vec![0; 5];
            }
            let control_free =
                |line: &[u8]| line.iter().all(|&b| !(b < 0x20 || b == 0x7f) || b == delimiter);
            let mut k = 0;
            while let Next::Record { record, .. } = reader.read_record().unwrap() {
                let line = &lines[k];
                prop_assert_eq!(record.is_ok(), std::str::from_utf8(line).is_ok());
                if let Ok(record) = record {
                    prop_assert_eq!(record.control_free(), control_free(line));
                    prop_assert_eq!(record.text().as_bytes(), &line[..]);
                }
                k += 1;
            }
            prop_assert_eq!(k, lines.len());
            for line in &lines {
                let mut bytes = line.clone();
                bytes.push(b'\n');
                let Scan::Line(len, kinds) = scan_line(&bytes, delimiter, &mut Vec::new()) else {
                    return Err(TestCaseError::fail("a line without quotes"));
                };
                prop_assert_eq!(len, line.len());
                prop_assert_eq!(kinds.ascii, line.is_ascii());
                prop_assert_eq!(kinds.control_free, control_free(line));
            }
        }
    }

    /// Records, their fields and lines as this module reads them.
    fn ours(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let whole = ours_in(data, delimiter, BUFFER);
        // A tiny buffer exercises the refilling.
        assert_eq!(ours_in(data, delimiter, 3), whole);
        whole
    }

    fn ours_in(data: &[u8], delimiter: u8, buffer: usize) -> Vec<(u64, Vec<String>)> {
        let mut reader = RecordReader::new(data, delimiter, Encoding::Utf8, 0, 1);
        reader.buf = vec![0; buffer];
        let mut out = Vec::new();
        while let Next::Record { line, record, .. } = reader.read_record().unwrap() {
            let fields = record
                .map_or_else(|n| vec![format!("<{n} invalid>")], |r| r.iter().map(str::to_string).collect());
            out.push((line, fields));
        }
        out
    }

    /// The same as the `csv` crate reads them; the line is that of the record's first byte.
    fn theirs(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut record).unwrap() {
            // The crate's position is where the previous record ended; the record starts after
            // the empty lines that follow.
            let mut at = record.position().unwrap().byte() as usize;
            while at < data.len() && matches!(data[at], b'\n' | b'\r') {
                at += 1;
            }
            let line = 1 + count_line_ends(&data[..at]);
            let fields = match csv::StringRecord::from_byte_record(record.clone()) {
                Ok(r) => r.iter().map(str::to_string).collect(),
                Err(_) => vec![format!("<{} invalid>", record.len())],
            };
            out.push((line, fields));
        }
        out
    }

    /// The first field of each record a reader under `claim` reads, and where it ended.
    fn firsts_under(
        data: &[u8],
        claim: &Arc<Claim>,
        mut between: impl FnMut(usize),
    ) -> (Vec<String>, (u64, u64)) {
        let start = claim.start() as usize;
        let mut r = RecordReader::new(&data[start..], b',', Encoding::Utf8, start as u64, 1);
        r.stop_by(claim.clone());
        let mut firsts = Vec::new();
        while let Next::Record { record, .. } = r.read_record().unwrap() {
            firsts.push(record.unwrap().iter().next().unwrap_or_default().to_string());
            between(firsts.len());
        }
        (firsts, r.end())
    }

    /// A reader under a [`Claim`] claims its part a block at a time, and reads on across block
    /// ends (also in the middle of a record) to the part's stop; where the unclaimed rest is
    /// taken from it while it reads, it ends exactly where the rest begins, and the rest read on
    /// its own holds the other records.
    #[test]
    fn a_reader_under_a_claim_stops_where_its_part_was_cut() {
        let data = b"r0,a\nr1,bb\n\nr2,ccc\nr3,\"d\nd\"\nr4,e\nr5,f\nr6,g\nr7,h\n";
        let line_start =
            |k: usize| data.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(k - 1).unwrap().0 + 1;
        let all: Vec<String> = (0..8).map(|i| format!("r{i}")).collect();
        for block in [1, 3, 7, 100] {
            // Uncut, the part is read to its end.
            let (firsts, end) = firsts_under(data, &Claim::new(0, data.len() as u64, block), |_| {});
            assert_eq!(firsts, all, "block {block}");
            assert_eq!(end.0, data.len() as u64);
            // Cut at the line of r6 (line 9) once r1 is read, where that is not claimed yet.
            let at = line_start(8) as u64;
            assert_eq!(&data[at as usize..at as usize + 2], b"r6");
            let claim = Claim::new(0, data.len() as u64, block);
            let mut rest = None;
            let (firsts, end) = firsts_under(data, &claim, |n| {
                if n == 2 {
                    rest = claim.cut_at(at).map(|stop| Claim::new(at, stop, block));
                }
            });
            match rest {
                Some(rest) => {
                    assert_eq!(firsts, all[..6], "block {block}");
                    assert_eq!((end.0, claim.stop()), (at, at));
                    assert_eq!(firsts_under(data, &rest, |_| {}).0, all[6..]);
                }
                // A block reaching past the cut claims it: nothing is taken.
                None => {
                    assert!(block >= 7, "block {block}");
                    assert_eq!(firsts, all);
                }
            }
        }
        // A claimed byte is never taken, nor a cut at the stop.
        let claim = Claim::new(10, 50, 8);
        assert_eq!(claim.extend(12), 20);
        assert_eq!(claim.cut_at(19), None);
        assert_eq!(claim.cut_at(50), None);
        assert_eq!(claim.cut_at(20), Some(50));
        assert_eq!((claim.unclaimed(), claim.extend(20)), ((20, 20), 20));
    }

    #[test]
    fn lines_fields_and_quotes() {
        let data = b"a,b\n\n\"x\ny\",\"q\"\"q\"\r\n1,2\r\r3,\xff\n4";
        let got = ours(data, b',');
        assert_eq!(got, theirs(data, b','));
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (3, vec!["x\ny".into(), "q\"q".into()]),
                (5, vec!["1".into(), "2".into()]),
                (7, vec!["<2 invalid>".into()]),
                (8, vec!["4".into()]),
            ]
        );
    }

    #[test]
    fn a_quote_left_open_is_told_apart() {
        let data = b"d,c,r,n\n2026-01-05,C1,100,\"tools\n2026-01-06,C1,200,x\n2026-01-07,C1,300,y\n";
        let mut r = RecordReader::new(&data[..], b',', Encoding::Utf8, 0, 1);
        let Next::Record { line: 1, unterminated: false, .. } = r.read_record().unwrap() else { panic!() };
        let Next::Record { line: 2, record: Ok(rec), span, unterminated } = r.read_record().unwrap() else {
            panic!()
        };
        assert_eq!(rec.len(), 4);
        assert!(unterminated);
        // The three line ends after the quote, the last one ending the file.
        assert_eq!(span.0, 2);
        assert!(matches!(r.read_record().unwrap(), Next::End));
        // Closed quotes, and a quote inside an unquoted field, leave nothing open.
        assert!(!quote_open(b"a,\"b\"\"c\",d", b','));
        assert!(!quote_open(b"5\" screws,x", b','));
        assert!(quote_open(b"a,\"b\"\"", b','));
    }

    /// Found by fuzzing: `C\xcb` and `\xb3` are no UTF-8 apart, but side by side they are `C˳`;
    /// the record must be invalid, not a field cut inside a character.
    #[test]
    fn fuzz_finding_a_character_across_two_quoted_fields_is_invalid_utf8() {
        let data = b"a,b,c\n\"x\",C\xcb,\xb3\n";
        let got = ours(data, b',');
        assert_eq!(got, theirs(data, b','));
        assert_eq!(got[1], (2, vec!["<3 invalid>".to_string()]));
    }

    #[test]
    fn carriage_returns_alone_end_lines() {
        let data = b"a\rb\r\rc\r\nd\n\re";
        let lines: Vec<u64> = ours(data, b',').into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, vec![1, 2, 4, 5, 7]);
    }

    #[test]
    fn windows_1252_is_decoded_by_field() {
        let data = b"M\xfcller;\"Stra\xdfe; 1\"\n";
        let mut reader = RecordReader::new(&data[..], b';', Encoding::Windows1252, 0, 1);
        let Next::Record { line: 1, record: Ok(r), .. } = reader.read_record().unwrap() else { panic!() };
        assert_eq!(r.iter().collect::<Vec<_>>(), vec!["Müller", "Straße; 1"]);
    }

    #[test]
    fn stops_at_records_starting_past_the_offset() {
        let data = b"h\n1,a\n\n2,\"b\nc\"\n3,d\n";
        // The cut after "1,a\n" is clean: the next part starts there.
        let mut r = RecordReader::new(&data[..], b',', Encoding::Utf8, 0, 1);
        r.stop_at(6);
        let mut n = 0;
        while let Next::Record { .. } = r.read_record().unwrap() {
            n += 1;
        }
        assert_eq!((n, r.end()), (2, (6, 3)));
        // A cut inside the quoted field: the record running past it is read whole.
        let mut r = RecordReader::new(&data[..], b',', Encoding::Utf8, 0, 1);
        r.stop_at(12);
        let mut n = 0;
        while let Next::Record { .. } = r.read_record().unwrap() {
            n += 1;
        }
        assert_eq!((n, r.end()), (3, (15, 6)));
        // A cut in the empty line counts the line ends before it.
        let mut r = RecordReader::new(&data[..], b',', Encoding::Utf8, 0, 1);
        r.stop_at(7);
        while let Next::Record { .. } = r.read_record().unwrap() {}
        assert_eq!(r.end(), (7, 4));
    }

    proptest! {
        #[test]
        fn same_records_as_the_csv_crate(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b","[..]), Just(&b";"[..]), Just(&b"\n"[..]), Just(&b"\r\n"[..]),
                    Just(&b"\r"[..]), Just(&b"\""[..]), Just(&b"\"\""[..]), Just(&b"ab"[..]),
                    Just(&b"1"[..]), Just(&b" "[..]), Just(&b"\xc3\xa4"[..]), Just(&b"\xff"[..]),
                    Just(&b"\t"[..]), Just(&b"\x01"[..]), Just(&b"\x7f"[..]),
                ],
                0..60,
            ),
            semicolon in any::<bool>(),
        ) {
            let data: Vec<u8> = parts.concat();
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(ours(&data, delimiter), theirs(&data, delimiter));
        }
    }
}
