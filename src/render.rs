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
    /// A text shown in the report language, written as its machine name in CSV and JSON
    /// (e.g. "(ohne KAM)" and `(no owner)`).
    Label {
        shown: String,
        key: &'static str,
    },
    /// Markdown made by the report itself (e.g. a `code` span), written as it is.
    Markup(String),
    /// Money; `None` is unknown.
    Money(Option<Decimal>),
    /// A fraction (0.25 is 25 %); `None` is unknown or undefined.
    Rate(Option<Decimal>),
    Count(u64),
    /// A change as a fraction (0.286 is "+28,6 %"), signed; `None` is unknown.
    Change(Option<Decimal>),
    /// A change of a rate in percentage points, as the difference of the fractions (0.004 is
    /// "+0,4 Pp."); `None` is unknown.
    PointChange(Option<Decimal>),
    /// A decimal that is not money (quantities, days).
    Number(Option<Decimal>),
    Date(Option<NaiveDate>),
}

impl Value {
    /// Whether the value is a number (right-aligned in tables).
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Value::Text(_) | Value::Label { .. } | Value::Markup(_) | Value::Date(_))
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
pub struct Table<'a> {
    pub columns: Vec<Column>,
    pub rows: Rows<'a>,
    pub total: Option<Vec<Value>>,
}

/// The rows of a table: held as values, or made one at a time when they are written, from the
/// rows of a report, so that the values of a long table are never held all at once.
#[derive(Default)]
pub struct Rows<'a> {
    held: Vec<Vec<Value>>,
    /// The number of rows made, and how to make row `i` (into an empty vector).
    made: Option<(usize, MakeRow<'a>)>,
}

type MakeRow<'a> = Box<dyn Fn(usize, &mut RowCells) + Sync + 'a>;

/// The cells of a made row, filled by the maker one after the other. The text cells of the row
/// made before are written over in place, so that making a row of text cells allocates nothing.
#[derive(Default)]
pub struct RowCells {
    cells: Vec<Value>,
    len: usize,
}

impl RowCells {
    /// Appends a text cell.
    pub fn text(&mut self, text: &str) {
        match self.cells.get_mut(self.len) {
            Some(Value::Text(old)) => {
                old.clear();
                old.push_str(text);
            }
            Some(slot) => *slot = Value::Text(text.to_string()),
            None => self.cells.push(Value::Text(text.to_string())),
        }
        self.len += 1;
    }

    /// Appends a cell. (Inlined, so that the value is made in its slot instead of on the
    /// caller's stack and copied.)
    #[inline]
    pub fn push(&mut self, value: Value) {
        match self.cells.get_mut(self.len) {
            Some(slot) => *slot = value,
            None => self.cells.push(value),
        }
        self.len += 1;
    }

    fn start(&mut self) {
        self.len = 0;
    }

    fn as_slice(&self) -> &[Value] {
        &self.cells[..self.len]
    }
}

impl<'a> Rows<'a> {
    /// `len` rows, row `i` made by `make(i, cells)`, which appends its values to `cells`.
    pub fn made(len: usize, make: impl Fn(usize, &mut RowCells) + Sync + 'a) -> Self {
        Rows { held: Vec::new(), made: Some((len, Box::new(make))) }
    }

    pub fn len(&self) -> usize {
        self.made.as_ref().map_or(self.held.len(), |(len, _)| *len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with each row in `range`, in order.
    pub fn each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(&[Value])) {
        match &self.made {
            None => self.held[range].iter().for_each(|row| f(row)),
            Some((_, make)) => {
                let mut cells = RowCells::default();
                for i in range {
                    cells.start();
                    make(i, &mut cells);
                    f(cells.as_slice());
                }
            }
        }
    }

    /// Every row's values.
    pub fn to_vec(&self) -> Vec<Vec<Value>> {
        let mut all = Vec::with_capacity(self.len());
        self.each(0..self.len(), |row| all.push(row.to_vec()));
        all
    }
}

impl From<Vec<Vec<Value>>> for Rows<'_> {
    fn from(held: Vec<Vec<Value>>) -> Self {
        Rows { held, made: None }
    }
}

/// A copy holds the values of made rows.
impl Clone for Rows<'_> {
    fn clone(&self) -> Self {
        Rows { held: self.to_vec(), made: None }
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.to_vec()).finish()
    }
}

impl PartialEq for Rows<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.to_vec() == other.to_vec()
    }
}

/// A block of a Markdown document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block<'a> {
    Heading(u8, String),
    Paragraph(String),
    Bullets(Vec<String>),
    Table(Table<'a>),
    /// The document's [`Document::csv_table`], written here as a Markdown table: a long table
    /// is held once for both formats.
    CsvTable,
    /// Verbatim Markdown (e.g. a Mermaid block).
    Raw(String),
}

/// A report laid out for output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document<'a> {
    pub blocks: Vec<Block<'a>>,
    /// The table that `--format csv` writes.
    pub csv_table: Option<Table<'a>>,
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
            Language::De => "\u{a0}%",
        });
    }

    /// A change as a signed percentage: "+28,6 %", "−3,0 %", "0,0 %".
    pub fn change(&self, value: Decimal) -> String {
        let mut out = String::new();
        self.push_change(&mut out, value, false);
        out
    }

    /// A change of a rate in percentage points: "+0,4 Pp.", "−1,2 pp".
    pub fn point_change(&self, value: Decimal) -> String {
        let mut out = String::new();
        self.push_change(&mut out, value, true);
        out
    }

    fn push_change(&self, out: &mut String, value: Decimal, points: bool) {
        if rounded_units(value, 3).is_some_and(|u| u > 0) {
            out.push('+');
        }
        if points {
            let (mark, sep) = self.marks();
            match rounded_units(value, 3) {
                Some(units) => push_units(out, units, 1, mark, Some(sep), '−'),
                None => out.push_str(&self.number_by_decimal(value * Decimal::ONE_HUNDRED, 1)),
            }
            out.push_str(match self.language {
                Language::En => "\u{a0}pp",
                Language::De => "\u{a0}Pp.",
            });
        } else {
            self.push_percent(out, value);
        }
    }

    /// A day: 01.12.2026 in German, 2026-12-01 in English.
    pub fn date(&self, date: NaiveDate) -> String {
        let mut out = String::new();
        self.push_date(&mut out, date);
        out
    }

    fn push_date(&self, out: &mut String, date: NaiveDate) {
        use std::fmt::Write;
        let _ = match self.language {
            Language::En => write!(out, "{}", date.format("%Y-%m-%d")),
            Language::De => write!(out, "{}", date.format("%d.%m.%Y")),
        };
    }

    /// A month's short name: "Okt.", "Oct".
    pub fn month_name(&self, month: u32) -> &'static str {
        const EN: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        const DE: [&str; 12] =
            ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
        let i = (month.clamp(1, 12) - 1) as usize;
        match self.language {
            Language::En => EN[i],
            Language::De => DE[i],
        }
    }

    /// A month: "Okt. 2026", "Oct 2026".
    pub fn month(&self, month: crate::dates::Month) -> String {
        format!("{}\u{a0}{}", self.month_name(month.month()), month.year())
    }

    /// A span of months: "Jan.–Okt. 2025", "Nov. 2025–Feb. 2026", "Okt. 2026" for one month.
    pub fn months(&self, first: crate::dates::Month, last: crate::dates::Month) -> String {
        if first == last {
            self.month(first)
        } else if first.year() == last.year() {
            format!(
                "{}–{}\u{a0}{}",
                self.month_name(first.month()),
                self.month_name(last.month()),
                last.year()
            )
        } else {
            format!("{}–{}", self.month(first), self.month(last))
        }
    }

    /// A span of days; whole months are written as months ("Jan.–Okt. 2026"), others as days
    /// ("15.01.2026–31.10.2026").
    pub fn days(&self, first: NaiveDate, last: NaiveDate) -> String {
        use crate::dates::Month;
        let (a, b) = (Month::of(first), Month::of(last));
        if first == a.first_day() && last == b.last_day() {
            self.months(a, b)
        } else {
            format!("{}–{}", self.date(first), self.date(last))
        }
    }

    /// A quarter: "Q2 2026".
    pub fn quarter(&self, year: i32, quarter: u32) -> String {
        format!("Q{quarter}\u{a0}{year}")
    }

    /// A period label of the reports (`2026-05`, `2026-Q2`, `2026`) as shown.
    pub fn period(&self, label: &str) -> String {
        let parse = |s: &str| s.parse::<i32>().ok();
        match label.split_once('-') {
            Some((y, q)) if q.starts_with('Q') => match (parse(y), q[1..].parse::<u32>().ok()) {
                (Some(y), Some(q)) => self.quarter(y, q),
                _ => label.to_string(),
            },
            Some((y, m)) => match (parse(y), m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))) {
                (Some(y), Some(m)) => self.month(crate::dates::Month::new(y, m)),
                _ => label.to_string(),
            },
            None => label.to_string(),
        }
    }

    /// An amount with its currency: "575.135,07 EUR" (a no-break space between).
    pub fn amount(&self, value: Decimal, currency: &str) -> String {
        format!("{}\u{a0}{currency}", self.money(value))
    }

    pub fn value(&self, value: &Value) -> String {
        let mut out = String::new();
        self.push_value(&mut out, value);
        out
    }

    /// A value as [`Style::value`] shows it, its text without Markdown escapes (for the
    /// terminal).
    pub fn plain_value(&self, value: &Value) -> String {
        match value {
            Value::Text(s) | Value::Label { shown: s, .. } => s.clone(),
            Value::Markup(s) => crate::markdown::plain(s),
            _ => self.value(value),
        }
    }

    /// Appends [`Style::value`] to `out`.
    pub fn push_value(&self, out: &mut String, value: &Value) {
        const UNKNOWN: &str = "–";
        match value {
            Value::Text(s) | Value::Label { shown: s, .. } => push_escaped(out, s),
            Value::Markup(s) => out.push_str(s),
            Value::Money(Some(v)) => self.push_number(out, *v, 2),
            Value::Rate(Some(v)) => self.push_percent(out, *v),
            Value::Count(n) => {
                let (_, sep) = self.marks();
                push_units(out, i128::from(*n), 0, '.', Some(sep), '−');
            }
            Value::Change(Some(v)) => self.push_change(out, *v, false),
            Value::PointChange(Some(v)) => self.push_change(out, *v, true),
            Value::Number(Some(v)) => self.push_number(out, *v, v.scale().min(2)),
            Value::Date(Some(d)) => self.push_date(out, *d),
            Value::Money(None)
            | Value::Rate(None)
            | Value::Change(None)
            | Value::PointChange(None)
            | Value::Number(None)
            | Value::Date(None) => out.push_str(UNKNOWN),
        }
    }
}

impl Style {
    /// The display width of the text [`Style::push_value`] writes, worked out from the rounded
    /// number without writing it where it is a number (other values are written to `scratch`).
    fn value_width(&self, value: &Value, scratch: &mut String) -> usize {
        // As `push_units` writes them: sign, integer digits with a separator every three, mark
        // and places.
        let units_width = |units: i128, places: u32| -> usize {
            let places = places as usize;
            let digits = units.unsigned_abs().checked_ilog10().map_or(1, |l| l as usize + 1).max(places + 1);
            let int = digits - places;
            usize::from(units < 0) + int + (int - 1) / 3 + if places > 0 { 1 + places } else { 0 }
        };
        let width = match value {
            Value::Money(Some(v)) => rounded_units(*v, 2).map(|u| units_width(u, 2)),
            Value::Rate(Some(v)) => rounded_units(*v, 3).map(|u| {
                units_width(u, 1)
                    + match self.language {
                        Language::En => 1,
                        Language::De => 2,
                    }
            }),
            Value::Count(n) => Some(units_width(i128::from(*n), 0)),
            Value::Number(Some(v)) => {
                let places = v.scale().min(2);
                rounded_units(*v, places).map(|u| units_width(u, places))
            }
            Value::Money(None)
            | Value::Rate(None)
            | Value::Change(None)
            | Value::PointChange(None)
            | Value::Number(None)
            | Value::Date(None) => Some(1),
            Value::Text(_)
            | Value::Label { .. }
            | Value::Markup(_)
            | Value::Date(Some(_))
            | Value::Change(Some(_))
            | Value::PointChange(Some(_)) => None,
        };
        width.unwrap_or_else(|| {
            scratch.clear();
            self.push_value(scratch, value);
            display_width(scratch)
        })
    }
}

impl Style {
    /// Writes the text of a number value as a Markdown cell shows it into `text`; `false` for
    /// text, dates and numbers too large for the quick way.
    fn number_text(&self, value: &Value, text: &mut NumberText) -> bool {
        let (mark, sep) = self.marks();
        text.clear();
        let units = match value {
            Value::Money(Some(v)) => rounded_units(*v, 2).map(|u| (u, 2, mark, "")),
            Value::Rate(Some(v)) => {
                let suffix = match self.language {
                    Language::En => "%",
                    Language::De => "\u{a0}%",
                };
                rounded_units(*v, 3).map(|u| (u, 1, mark, suffix))
            }
            Value::Count(n) => Some((i128::from(*n), 0, '.', "")),
            Value::Number(Some(v)) => {
                let places = v.scale().min(2);
                rounded_units(*v, places).map(|u| (u, places, mark, ""))
            }
            Value::Money(None)
            | Value::Rate(None)
            | Value::Change(None)
            | Value::PointChange(None)
            | Value::Number(None)
            | Value::Date(None) => {
                text.char_in_front('–');
                return true;
            }
            Value::Text(_)
            | Value::Label { .. }
            | Value::Markup(_)
            | Value::Date(Some(_))
            | Value::Change(Some(_))
            | Value::PointChange(Some(_)) => None,
        };
        match units {
            Some((units, places, mark, suffix)) => {
                units_text(units, places, mark, Some(sep), '−', suffix, text);
                true
            }
            None => false,
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
    // Two digits at a time from a table of the hundred pairs.
    let mut small = rest as u64;
    while small >= 100 {
        pair(buf, &mut small, &mut start);
    }
    if small >= 10 {
        pair(buf, &mut small, &mut start);
    } else {
        start -= 1;
        buf[start] = b'0' + small as u8;
    }
    let first = buf.len().saturating_sub(min).min(start);
    buf[first..start].fill(b'0');
    first
}

/// Writes the last two digits of `n` in front of `text[at..]` and takes them off `n`.
#[inline]
fn pair(text: &mut [u8], n: &mut u64, at: &mut usize) {
    let p = (*n % 100) as usize * 2;
    *n /= 100;
    *at -= 2;
    text[*at..*at + 2].copy_from_slice(&DIGIT_PAIRS[p..p + 2]);
}

/// "00", "01", … "99" one after the other.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// The text of a number, put together right to left in a buffer on the stack, with its display
/// width.
struct NumberText {
    buf: [u8; 160],
    start: usize,
    width: usize,
}

impl NumberText {
    fn new() -> Self {
        NumberText { buf: [0; 160], start: 160, width: 0 }
    }

    /// Empties the text, to be written again (the bytes are overwritten before they are read).
    fn clear(&mut self) {
        self.start = self.buf.len();
        self.width = 0;
    }

    fn byte_in_front(&mut self, b: u8) {
        self.start -= 1;
        self.buf[self.start] = b;
        self.width += 1;
    }

    fn char_in_front(&mut self, c: char) {
        if c.is_ascii() {
            self.byte_in_front(c as u8);
        } else {
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            self.start -= bytes.len();
            self.buf[self.start..self.start + bytes.len()].copy_from_slice(bytes);
            self.width += 1;
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    fn as_str(&self) -> &str {
        // Digits and whole characters only: valid UTF-8.
        std::str::from_utf8(self.bytes()).unwrap_or_default()
    }
}

/// Writes into `text` a number given in units of 10^-`places`: `minus` before a negative one,
/// the integer digits (grouped in thousands by `separator`, if any), then `mark` and the
/// `places` digits, then `suffix`.
fn units_text(
    units: i128,
    places: u32,
    mark: char,
    separator: Option<char>,
    minus: char,
    suffix: &str,
    text: &mut NumberText,
) {
    text.clear();
    for c in suffix.chars().rev() {
        text.char_in_front(c);
    }
    let places = (places as usize).min(40);
    let mut digit_buf = [0u8; 48];
    let start = digits(units.unsigned_abs(), places + 1, &mut digit_buf);
    let (int, frac) = digit_buf[start..].split_at(digit_buf.len() - start - places);
    for &d in frac.iter().rev() {
        text.byte_in_front(d);
    }
    if places > 0 {
        text.char_in_front(mark);
    }
    for (k, &d) in int.iter().rev().enumerate() {
        if k > 0
            && k % 3 == 0
            && let Some(sep) = separator
        {
            text.char_in_front(sep);
        }
        text.byte_in_front(d);
    }
    if units < 0 {
        text.char_in_front(minus);
    }
}

/// Appends [`units_text`] (without a suffix) to `out`; a number without grouping (CSV, JSON)
/// by [`plain_digits`] where it can.
fn push_units(out: &mut String, units: i128, places: u32, mark: char, separator: Option<char>, minus: char) {
    if separator.is_none() && mark.is_ascii() && minus.is_ascii() {
        let mut text = [0u8; PLAIN_ROOM];
        if let Some(len) = plain_digits(&mut text, units, places, mark as u8, minus as u8) {
            // ASCII only: always UTF-8.
            out.push_str(std::str::from_utf8(&text[..len]).unwrap_or_default());
            return;
        }
    }
    let mut text = NumberText::new();
    units_text(units, places, mark, separator, minus, "", &mut text);
    out.push_str(text.as_str());
}

/// Appends [`plain_digits_u64`] to `out`: room of a fixed size is added (a copy without a
/// call), the digits written into it, and the room after the number cut off again. False, with
/// nothing written, where `plain_digits_u64` leaves the number to the general path.
#[inline]
fn push_plain_digits(
    out: &mut Vec<u8>,
    negative: bool,
    units: u64,
    places: u32,
    mark: u8,
    minus: u8,
) -> bool {
    let start = out.len();
    out.extend_from_slice(&[0u8; PLAIN_ROOM]);
    let room: &mut [u8; PLAIN_ROOM] = (&mut out[start..]).try_into().expect("room added");
    let len = plain_digits_u64(room, negative, units, places, mark, minus);
    out.truncate(start + len.unwrap_or(0));
    len.is_some()
}

/// The most bytes [`plain_digits`] writes: a sign, 20 digits and a mark.
const PLAIN_ROOM: usize = 24;

/// A number given in units of 10^-`places` as [`units_text`] writes it without grouping, for
/// ASCII `mark` and `minus`, written at the start of `text`; its length, or `None` where the
/// units do not fit in 64 bits or `places` is 20 or more (nearly never).
fn plain_digits(text: &mut [u8; PLAIN_ROOM], units: i128, places: u32, mark: u8, minus: u8) -> Option<usize> {
    let n = u64::try_from(units.unsigned_abs()).ok()?;
    plain_digits_u64(text, units < 0, n, places, mark, minus)
}

/// [`plain_digits`] for the units given as a sign and a magnitude; `None` where `places` is 20
/// or more. The length is worked out first and the digits written right to left, two at a time.
#[inline]
fn plain_digits_u64(
    text: &mut [u8; PLAIN_ROOM],
    negative: bool,
    mut n: u64,
    places: u32,
    mark: u8,
    minus: u8,
) -> Option<usize> {
    if places >= 20 {
        return None;
    }
    let places = places as usize;
    let digits = (n.checked_ilog10().unwrap_or(0) as usize + 1).max(places + 1);
    let len = usize::from(negative) + digits + usize::from(places > 0);
    if negative {
        text[0] = minus;
    }
    let mut at = len;
    for _ in 0..places / 2 {
        pair(text, &mut n, &mut at);
    }
    if places % 2 == 1 {
        at -= 1;
        text[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    if places > 0 {
        at -= 1;
        text[at] = mark;
    }
    while n >= 100 {
        pair(text, &mut n, &mut at);
    }
    if n >= 10 {
        pair(text, &mut n, &mut at);
    } else {
        at -= 1;
        text[at] = b'0' + n as u8;
    }
    debug_assert_eq!(at, usize::from(negative));
    Some(len)
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
    crate::markdown::push_cell(out, s)
}

fn escape_cell(s: &str) -> String {
    crate::markdown::cell(s).into_owned()
}

/// A table as GitHub-flavoured Markdown: columns padded to their widest cell, numbers
/// right-aligned (also marked `---:` for renderers), the total row in bold.
pub fn markdown_table(table: &Table<'_>, style: &Style) -> String {
    let mut out = Vec::new();
    write_markdown_table(table, style, &mut out).expect("writing to memory");
    out.pop();
    String::from_utf8(out).expect("UTF-8")
}

/// Rows of a table formatted in one block of lines, written out in order.
const BLOCK_ROWS: usize = 1024;

/// The widths of a table's columns (in display columns) and which of them hold numbers, taken
/// over the rows seen.
#[derive(Clone)]
struct Measure {
    widths: Vec<usize>,
    numeric: Vec<bool>,
}

impl Measure {
    fn new(columns: usize) -> Self {
        Measure { widths: vec![0; columns], numeric: vec![false; columns] }
    }

    /// Takes in a row, each cell formatted by `push` into `scratch`.
    fn row<T>(&mut self, cells: &[T], scratch: &mut String, mut push: impl FnMut(&mut String, &T)) {
        for (i, cell) in cells.iter().take(self.widths.len()).enumerate() {
            scratch.clear();
            push(scratch, cell);
            self.widths[i] = self.widths[i].max(display_width(scratch));
        }
    }

    fn values(&mut self, row: &[Value], style: &Style, scratch: &mut String) {
        for (i, value) in row.iter().take(self.numeric.len()).enumerate() {
            self.numeric[i] |= value.is_numeric();
            self.widths[i] = self.widths[i].max(style.value_width(value, scratch));
        }
    }

    /// Takes in the total row, in bold.
    fn total(&mut self, row: &[Value], style: &Style, scratch: &mut String) {
        for (i, value) in row.iter().take(self.numeric.len()).enumerate() {
            self.numeric[i] |= value.is_numeric();
        }
        self.row(row, scratch, |out, v| push_cell(out, v, style, true));
    }

    fn merge(&mut self, other: &Measure) {
        for (w, o) in self.widths.iter_mut().zip(&other.widths) {
            *w = (*w).max(*o);
        }
        for (n, o) in self.numeric.iter_mut().zip(&other.numeric) {
            *n |= *o;
        }
    }
}

/// Appends a value as a Markdown cell, in bold for the total row (an empty cell stays empty).
fn push_cell(out: &mut String, value: &Value, style: &Style, bold: bool) {
    let start = out.len();
    style.push_value(out, value);
    if bold && out.len() > start {
        out.insert_str(start, "**");
        out.push_str("**");
    }
}

/// Writes [`markdown_table`] to `out`, line by line, with a final newline. The rows are gone
/// through twice, each time in chunks side by side: once to find the width of every column,
/// then to write the lines, in blocks formatted ahead by a thread a core and written in order;
/// no more than a few blocks of text are held at any time.
pub fn write_markdown_table(
    table: &Table<'_>,
    style: &Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let n = table.columns.len();
    let len = table.rows.len();
    let mut measure = Measure::new(n);
    let mut scratch = String::new();
    measure.row(&table.columns, &mut scratch, |out, c| push_escaped(out, &c.label));
    for w in &mut measure.widths {
        *w = (*w).max(1);
    }
    let chunks = crate::parallel::ranges(len);
    for part in crate::parallel::side_by_side(&chunks, |range| {
        let mut part = Measure::new(n);
        let mut scratch = String::new();
        table.rows.each(range.clone(), |row| part.values(row, style, &mut scratch));
        part
    }) {
        measure.merge(&part);
    }
    if let Some(total) = &table.total {
        measure.total(total, style, &mut scratch);
    }
    let lines = Lines { widths: &measure.widths, numeric: &measure.numeric };
    let mut text = Vec::new();
    lines.push_line(&mut text, &table.columns, &mut scratch, |out, c| push_escaped(out, &c.label));
    text.push(b'|');
    for (i, w) in measure.widths.iter().enumerate() {
        text.extend(std::iter::repeat_n(b'-', w + 1));
        text.push(if measure.numeric[i] { b':' } else { b'-' });
        text.push(b'|');
    }
    text.push(b'\n');
    out.write_all(&text)?;
    crate::parallel::write_blocks(
        len,
        BLOCK_ROWS,
        |range, text| {
            // A copy of the layout on this thread's own stack: read for every cell, it must not
            // share a cache line with what the writing thread changes.
            let layout: Lines = lines;
            let (mut number, mut scratch) = (NumberText::new(), String::new());
            table.rows.each(range, |row| layout.push_values(text, row, style, &mut number, &mut scratch));
        },
        out,
    )?;
    if let Some(total) = &table.total {
        text.clear();
        lines.push_line(&mut text, total, &mut scratch, |out, v| push_cell(out, v, style, true));
        out.write_all(&text)?;
    }
    Ok(())
}

/// How the lines of a Markdown table are laid out.
#[derive(Clone, Copy)]
struct Lines<'a> {
    widths: &'a [usize],
    numeric: &'a [bool],
}

impl Lines<'_> {
    /// Appends the line of a row of values; numbers are formatted on the stack and copied once.
    fn push_values(
        &self,
        line: &mut Vec<u8>,
        row: &[Value],
        style: &Style,
        number: &mut NumberText,
        scratch: &mut String,
    ) {
        let start = line.len();
        line.push(b'|');
        for (i, value) in row.iter().take(self.widths.len()).enumerate() {
            let (text, width) = match style.number_text(value, number) {
                true => (number.bytes(), number.width),
                false => {
                    scratch.clear();
                    style.push_value(scratch, value);
                    (scratch.as_bytes(), display_width(scratch))
                }
            };
            self.push_cell(line, i, text, width);
        }
        end_line(line, start);
    }

    /// Appends the line of a row, its cells formatted by `push` (through `scratch`) and padded
    /// to the column widths.
    fn push_line<T>(
        &self,
        line: &mut Vec<u8>,
        cells: &[T],
        scratch: &mut String,
        mut push: impl FnMut(&mut String, &T),
    ) {
        let start = line.len();
        line.push(b'|');
        for (i, cell) in cells.iter().take(self.widths.len()).enumerate() {
            scratch.clear();
            push(scratch, cell);
            self.push_cell(line, i, scratch.as_bytes(), display_width(scratch));
        }
        end_line(line, start);
    }

    /// Appends the text of a cell of column `i`, of display width `width`, padded to the
    /// column's width (numbers on the right), and the column's end.
    #[inline]
    fn push_cell(&self, line: &mut Vec<u8>, i: usize, text: &[u8], width: usize) {
        let pad = self.widths[i].saturating_sub(width);
        line.push(b' ');
        if self.numeric[i] {
            push_spaces(line, pad);
            line.extend_from_slice(text);
        } else {
            line.extend_from_slice(text);
            push_spaces(line, pad);
        }
        line.extend_from_slice(b" |");
    }
}

/// Ends the line that starts at `start` in `line`: without white space at its end (only a row
/// without cells could end in any), then a line break.
fn end_line(line: &mut Vec<u8>, start: usize) {
    if line.last() != Some(&b'|') {
        let end = std::str::from_utf8(&line[start..]).map_or(line.len() - start, |l| l.trim_end().len());
        line.truncate(start + end);
    }
    line.push(b'\n');
}

/// Appends `n` spaces.
#[inline]
fn push_spaces(line: &mut Vec<u8>, n: usize) {
    // A fill, not a loop of pushes.
    line.resize(line.len() + n, b' ');
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
pub fn markdown_table_reference(table: &Table<'_>, style: &Style) -> String {
    let rows = table.rows.to_vec();
    let mut grid = Grid::new();
    grid.load_style(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty();
    grid.set_header(table.columns.iter().map(|c| escape_cell(&c.label)));
    let numeric: Vec<bool> = (0..table.columns.len())
        .map(|i| rows.iter().chain(table.total.iter()).any(|r| r.get(i).is_some_and(Value::is_numeric)))
        .collect();
    for row in &rows {
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
pub fn markdown(doc: &Document<'_>, style: &Style) -> String {
    let mut out = Vec::new();
    write_markdown(doc, style, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// Writes a document as Markdown to `out`, a table line by line.
pub fn write_markdown(
    doc: &Document<'_>,
    style: &Style,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
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
        Value::Text(s) | Value::Markup(s) => push_csv_text(out, s),
        Value::Label { key, .. } => out.push_str(key),
        Value::Money(Some(v)) => match rounded_units(*v, 2) {
            Some(cents) => push_units(out, cents, 2, '.', None, '-'),
            None => out.push_str(&format!("{:.2}", round_money(*v))),
        },
        Value::Rate(Some(v)) | Value::Change(Some(v)) | Value::PointChange(Some(v)) => {
            push_rounded_plain(out, *v, 4)
        }
        Value::Count(n) => push_units(out, i128::from(*n), 0, '.', None, '-'),
        Value::Number(Some(v)) => push_plain(out, v.mantissa(), v.scale()),
        Value::Date(Some(d)) => {
            use std::fmt::Write;
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Value::Money(None)
        | Value::Rate(None)
        | Value::Change(None)
        | Value::PointChange(None)
        | Value::Number(None)
        | Value::Date(None) => {}
    }
}

/// Appends a text cell for CSV. A text that a spreadsheet would read as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`, as OWASP
/// recommends against CSV injection; number columns are numbers and stay as they are.
fn push_csv_text(out: &mut String, s: &str) {
    if starts_like_a_formula(s) {
        out.push('\'');
    }
    out.push_str(s);
}

/// Whether a spreadsheet would read text `s` as a formula (see [`push_csv_text`]).
fn starts_like_a_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
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
pub fn csv(table: &Table<'_>) -> Result<String, csv::Error> {
    let mut out = Vec::new();
    write_csv(table, &mut out)?;
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Writes [`csv()`] to `out`. The rows are written in blocks made side by side, each block by a
/// `csv` writer of its own (quoting is decided field by field, so the bytes are those of one
/// writer), and written out in order.
pub fn write_csv(table: &Table<'_>, out: &mut dyn std::io::Write) -> Result<(), csv::Error> {
    let mut head = csv::Writer::from_writer(Vec::new());
    head.write_record(table.columns.iter().map(|c| c.key.as_str()))?;
    out.write_all(&head.into_inner().map_err(|e| e.into_error())?)?;
    crate::parallel::write_blocks(
        table.rows.len(),
        BLOCK_ROWS,
        |range, text| {
            let mut rows = CsvRows::new(std::mem::take(text));
            table.rows.each(range, |row| rows.row(row));
            *text = rows.into_bytes();
        },
        out,
    )?;
    if let Some(total) = &table.total {
        let mut rows = CsvRows::new(Vec::new());
        rows.row(total);
        out.write_all(&rows.into_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// CSV records written into a buffer as a `csv` writer with its defaults writes them (a
/// property test holds the two alike): a field with a comma, a quote or a line break is quoted,
/// its quotes doubled, and a record of one empty field is written `""`. Most fields are numbers,
/// written straight into the record (their text has none of those bytes); a text is formatted
/// on its own first and looked at byte by byte, without the writer's state machine.
struct CsvRows {
    out: Vec<u8>,
    text: String,
}

impl CsvRows {
    fn new(mut out: Vec<u8>) -> CsvRows {
        out.clear();
        CsvRows { out, text: String::new() }
    }

    fn row(&mut self, row: &[Value]) {
        let start = self.out.len();
        for (k, value) in row.iter().enumerate() {
            if k > 0 {
                self.out.push(b',');
            }
            match value {
                // A text that is not taken for a formula, and a label's machine name, are the
                // field as they are.
                Value::Text(s) | Value::Markup(s) if !starts_like_a_formula(s) => {
                    push_csv_field(&mut self.out, s)
                }
                Value::Label { key, .. } => push_csv_field(&mut self.out, key),
                // Digits, `.`, `-`: nothing to quote.
                _ => {
                    if !push_csv_number(&mut self.out, value) {
                        self.text.clear();
                        push_csv_value(&mut self.text, value);
                        push_csv_field(&mut self.out, &self.text);
                    }
                }
            }
        }
        if row.len() <= 1 && self.out.len() == start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }

    fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

/// Appends the bytes [`push_csv_value`] writes for a number (money, a rate, a count, a plain
/// number, or an empty cell for an unknown one) straight, without a text in between, in 64-bit
/// arithmetic; false, with nothing written, for any other value and for the rare number whose
/// units need more than 64 bits, left to the general path.
#[inline]
fn push_csv_number(out: &mut Vec<u8>, value: &Value) -> bool {
    let (negative, units, places) = match value {
        Value::Money(Some(v)) => match crate::money::rounded_units_u64(*v, 2) {
            Some((negative, cents)) => (negative, cents, 2),
            None => return false,
        },
        Value::Rate(Some(v)) | Value::Change(Some(v)) | Value::PointChange(Some(v)) => {
            match crate::money::rounded_units_u64(*v, 4) {
                Some((negative, units)) => {
                    let (units, places) = without_trailing_zeros(units, 4);
                    (negative, units, places)
                }
                None => return false,
            }
        }
        Value::Count(n) => (false, *n, 0),
        Value::Number(Some(v)) => match u64::try_from(v.mantissa().unsigned_abs()) {
            Ok(units) => {
                let (units, places) = without_trailing_zeros(units, v.scale());
                (v.is_sign_negative() && units != 0, units, places)
            }
            Err(_) => return false,
        },
        Value::Money(None)
        | Value::Rate(None)
        | Value::Change(None)
        | Value::PointChange(None)
        | Value::Number(None) => return true,
        Value::Text(_) | Value::Label { .. } | Value::Markup(_) | Value::Date(_) => return false,
    };
    push_plain_digits(out, negative, units, places, b'.', b'-')
}

/// `units` × 10^-`scale` with the zeros at the end of its fraction taken off, as [`push_plain`]
/// does, in 64 bits.
#[inline]
fn without_trailing_zeros(mut units: u64, mut scale: u32) -> (u64, u32) {
    while scale > 0 && units.is_multiple_of(10) {
        units /= 10;
        scale -= 1;
    }
    (units, scale)
}

/// Appends `field` as a `csv` writer does: quoted where it holds a comma, a quote or a line
/// break, its quotes doubled.
fn push_csv_field(out: &mut Vec<u8>, field: &str) {
    let field = field.as_bytes();
    if field.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
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

/// A round upper bound of a chart's axis at or above `max`: 1, 2, 2.5 or 5 times a power of 10.
pub fn axis_max(max: Decimal) -> Decimal {
    if max <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let mut power = Decimal::ONE;
    while power * Decimal::TEN <= max {
        power *= Decimal::TEN;
    }
    for step in [Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::new(5, 0), Decimal::TEN] {
        if step * power >= max {
            return (step * power).normalize();
        }
    }
    power * Decimal::TEN
}

/// A Mermaid chart (`xychart-beta`, Mermaid 10.6 and later) of bars and lines over `labels`:
/// each series `(is_bar, values)` as long as the labels, the y-axis from 0 (or a round bound
/// below the smallest value, where one is negative) to `y_max`, the series coloured in the
/// order of `palette` (e.g. `"#9ecae1, #c0392b"`).
pub fn mermaid_chart(
    title: &str,
    labels: &[String],
    y_label: &str,
    y_max: Decimal,
    series: &[(bool, Vec<Decimal>)],
    palette: &str,
) -> String {
    let min = series.iter().flat_map(|(_, v)| v.iter().copied()).min().unwrap_or(Decimal::ZERO);
    let y_min = if min < Decimal::ZERO { -axis_max(-min) } else { Decimal::ZERO };
    let label = crate::markdown::mermaid_label;
    let mut out = format!(
        "```mermaid\n%%{{init: {{\"themeVariables\": {{\"xyChart\": {{\"plotColorPalette\": \"{palette}\"}}}}}}}}%%\nxychart-beta\n    title \"{}\"\n    x-axis [{}]\n    y-axis \"{}\" {} --> {}\n",
        label(title),
        labels.iter().map(|l| format!("\"{}\"", label(l))).collect::<Vec<_>>().join(", "),
        label(y_label),
        y_min.normalize(),
        y_max.normalize(),
    );
    for (is_bar, values) in series {
        let values = values.iter().map(|v| v.normalize().to_string()).collect::<Vec<_>>().join(", ");
        out.push_str(&format!("    {} [{values}]\n", if *is_bar { "bar" } else { "line" }));
    }
    out.push_str("```");
    out
}

/// A Mermaid bar-and-line chart of two money series over the same labels: bars in a light
/// blue, the line in a strong red, the y-axis from 0 to a round maximum, in thousands (the unit
/// then e.g. "Tsd. EUR", `thousands` naming them) where the largest value is 10,000 or more.
pub fn mermaid_xychart(
    title: &str,
    labels: &[String],
    currency: &str,
    thousands: &str,
    bars: &[Decimal],
    line: &[Decimal],
) -> String {
    let max = bars.iter().chain(line).copied().max().unwrap_or(Decimal::ZERO);
    let scale = if max >= Decimal::from(10_000) { Decimal::from(1000) } else { Decimal::ONE };
    let unit = if scale > Decimal::ONE { format!("{thousands} {currency}") } else { currency.to_string() };
    let places = if scale > Decimal::ONE { 1 } else { 0 };
    let series = |values: &[Decimal]| -> Vec<Decimal> {
        values.iter().map(|v| (*v / scale).round_dp_with_strategy(places, crate::money::ROUNDING)).collect()
    };
    mermaid_chart(
        title,
        labels,
        &unit,
        axis_max(max / scale),
        &[(true, series(bars)), (false, series(line))],
        "#9ecae1, #c0392b",
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
    fn csv_text_cannot_become_a_formula() {
        for (text, csv) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+49 40 123", "'+49 40 123"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Nordhafen", "Nordhafen"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(csv_value(&Value::Text(text.into())), csv, "{text:?}");
        }
        // Numbers stay numbers.
        assert_eq!(csv_value(&Value::Money(Some(d("-5")))), "-5.00");
        assert_eq!(csv_value(&Value::Change(Some(d("-0.25")))), "-0.25");
    }

    #[test]
    fn numbers_in_both_languages() {
        let de = Style::new(Language::De);
        let en = Style::new(Language::En);
        assert_eq!(de.money(d("1234567.891")), "1.234.567,89");
        assert_eq!(en.money(d("1234567.891")), "1,234,567.89");
        assert_eq!(en.money(d("-0.005")), "−0.01");
        assert_eq!(en.money(d("999.999")), "1,000.00");
        assert_eq!(de.percent(d("0.4783")), "47,8\u{a0}%");
        assert_eq!(de.change(d("0.2857")), "+28,6\u{a0}%");
        assert_eq!(de.change(d("-0.03")), "−3,0\u{a0}%");
        assert_eq!(de.change(d("0.0004")), "0,0\u{a0}%");
        assert_eq!(en.change(d("0.2857")), "+28.6%");
        assert_eq!(de.point_change(d("0.004")), "+0,4\u{a0}Pp.");
        assert_eq!(en.point_change(d("-0.012")), "−1.2\u{a0}pp");
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(de.date(day), "01.12.2026");
        assert_eq!(en.date(day), "2026-12-01");
        use crate::dates::Month;
        assert_eq!(de.month(Month::new(2026, 10)), "Okt.\u{a0}2026");
        assert_eq!(de.months(Month::new(2025, 1), Month::new(2025, 10)), "Jan.–Okt.\u{a0}2025");
        assert_eq!(de.months(Month::new(2025, 11), Month::new(2026, 2)), "Nov.\u{a0}2025–Feb.\u{a0}2026");
        assert_eq!(en.months(Month::new(2025, 1), Month::new(2025, 10)), "Jan–Oct\u{a0}2025");
        assert_eq!(de.period("2026-Q2"), "Q2\u{a0}2026");
        assert_eq!(de.period("2026-03"), "März\u{a0}2026");
        assert_eq!(de.period("2026"), "2026");
        assert_eq!(de.amount(d("5"), "EUR"), "5,00\u{a0}EUR");
        assert_eq!(axis_max(d("91")), d("100"));
        assert_eq!(axis_max(d("100")), d("100"));
        assert_eq!(axis_max(d("101")), d("200"));
        assert_eq!(axis_max(d("2100")), d("2500"));
        assert_eq!(axis_max(d("0.3")), d("1"));
        assert_eq!(axis_max(d("0")), d("1"));
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
        // Beyond 64 bits.
        assert_eq!(en.number(Decimal::MAX, 0), "79,228,162,514,264,337,593,543,950,335");
        assert_eq!(de.number(Decimal::MIN, 2), "−79.228.162.514.264.337.593.543.950.335,00");
    }

    #[test]
    fn made_rows_write_as_held_rows() {
        // Rows made on demand, more than one block and one chunk of them, with text cells of
        // changing length (reused in place) and a total.
        let columns = vec![
            Column { key: "c".into(), label: "Customer".into() },
            Column { key: "n".into(), label: "Net".into() },
            Column { key: "r".into(), label: "Rate".into() },
        ];
        let n = 9_000;
        let cells = |i: usize| {
            vec![
                Value::Text("x".repeat(i % 7)),
                Value::Money(Some(Decimal::new(i as i64 * 137 - 400_000, 2))),
                Value::Rate((!i.is_multiple_of(5)).then(|| Decimal::new(i as i64, 5))),
            ]
        };
        let total = Some(vec![Value::Text("Total".into()), Value::Money(Some(d("1"))), Value::Rate(None)]);
        let held = Table {
            columns: columns.clone(),
            rows: (0..n).map(cells).collect::<Vec<_>>().into(),
            total: total.clone(),
        };
        let made = Table {
            columns,
            rows: Rows::made(n, |i, row| {
                for value in cells(i) {
                    match value {
                        Value::Text(t) => row.text(&t),
                        other => row.push(other),
                    }
                }
            }),
            total,
        };
        for language in [Language::En, Language::De] {
            let style = Style::new(language);
            assert_eq!(markdown_table(&made, &style), markdown_table(&held, &style));
        }
        assert_eq!(csv(&made).unwrap(), csv(&held).unwrap());
        assert_eq!(made, held);
    }

    #[test]
    fn markdown_tables_align_numbers_right() {
        let table = Table {
            columns: vec![
                Column { key: "a".into(), label: "Account".into() },
                Column { key: "n".into(), label: "Net".into() },
            ],
            rows: vec![vec![Value::Text("x|y".into()), Value::Money(Some(d("5")))]].into(),
            total: Some(vec![Value::Text("Total".into()), Value::Money(Some(d("5")))]),
        };
        let md = markdown_table(&table, &Style::new(Language::En));
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| Account   |      Net |");
        assert_eq!(lines[1], "|-----------|---------:|");
        assert_eq!(lines[2], "| x\\|y      |     5.00 |");
        assert_eq!(lines[3], "| **Total** | **5.00** |");
    }

    proptest::proptest! {
        /// A number written straight into a CSV record is what its text for CSV is.
        #[test]
        fn csv_numbers_are_written_as_their_csv_text(
            lo in proptest::num::u32::ANY,
            mid in proptest::num::u32::ANY,
            hi in proptest::prop_oneof![proptest::strategy::Just(0u32), proptest::num::u32::ANY],
            small in -100_000i64..100_000,
            negative in proptest::bool::ANY,
            scale in 0u32..=28,
            kind in 0u8..7,
            count in proptest::num::u64::ANY,
        ) {
            let big = Decimal::from_parts(lo, mid, hi, negative, scale);
            let v = if lo % 3 == 0 { Decimal::new(small, scale.min(6)) } else { big };
            let value = match kind {
                0 => Value::Money(Some(v)),
                1 => Value::Rate(Some(v)),
                2 => Value::Change(Some(v)),
                3 => Value::Number(Some(v)),
                4 => Value::Count(count),
                5 => Value::Money(None),
                _ => Value::PointChange(Some(v)),
            };
            let mut ours = b"x".to_vec();
            if push_csv_number(&mut ours, &value) {
                proptest::prop_assert_eq!(std::str::from_utf8(&ours[1..]).unwrap(), csv_value(&value));
            } else {
                proptest::prop_assert_eq!(ours, b"x".to_vec());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn digits_are_those_of_the_standard_formatter(
            n in proptest::prop_oneof![
                proptest::num::u128::ANY,
                0u128..1_000_000,
                proptest::strategy::Strategy::prop_map(proptest::num::u64::ANY, u128::from),
            ],
            min in 0usize..45,
        ) {
            let mut buf = [0u8; 48];
            let start = digits(n, min, &mut buf);
            let expected = format!("{n:0min$}");
            proptest::prop_assert_eq!(std::str::from_utf8(&buf[start..]).unwrap(), expected.as_str());
        }
    }

    proptest::proptest! {
        #[test]
        fn numbers_without_grouping_are_written_as_units_text_writes_them(
            units in proptest::prop_oneof![
                proptest::num::i128::ANY,
                -1_000_000_000i128..1_000_000_000,
                proptest::strategy::Strategy::prop_map(proptest::num::i64::ANY, i128::from),
            ],
            places in 0u32..42,
            mark in proptest::sample::select(vec!['.', ',', '\u{2009}']),
            minus in proptest::sample::select(vec!['-', '\u{2212}']),
        ) {
            let mut text = NumberText::new();
            units_text(units, places, mark, None, minus, "", &mut text);
            let mut out = String::from("x");
            push_units(&mut out, units, places, mark, None, minus);
            proptest::prop_assert_eq!(&out[1..], text.as_str());
        }

        #[test]
        fn widths_and_texts_are_those_of_the_value(
            mantissa in proptest::num::i64::ANY,
            scale in 0u32..12,
            kind in 0u8..5,
            german in proptest::bool::ANY,
        ) {
            let style = Style::new(if german { Language::De } else { Language::En });
            let v = Decimal::new(mantissa, scale);
            let value = match kind {
                0 => Value::Money(Some(v)),
                1 => Value::Rate(Some(v)),
                2 => Value::Count(mantissa.unsigned_abs()),
                3 => Value::Number(Some(v)),
                _ => Value::Money(None),
            };
            let mut scratch = String::new();
            let text = style.value(&value);
            proptest::prop_assert_eq!(style.value_width(&value, &mut scratch), display_width(&text));
            let mut number = NumberText::new();
            proptest::prop_assert!(style.number_text(&value, &mut number));
            proptest::prop_assert_eq!(number.as_str(), text.as_str());
            proptest::prop_assert_eq!(number.width, display_width(&text));
        }
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
            let table = Table { columns, rows: rows.into(), total };
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
            Language::De => format!("{p}\u{a0}%"),
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

    proptest::proptest! {
        /// The CSV written in blocks side by side is byte for byte what one `csv` writer
        /// writes, over more rows than a block and texts that need quoting.
        #[test]
        fn csv_in_blocks_is_one_writers_csv(
            cells in proptest::collection::vec(
                ("[a-z\",;\n\r =+-]{0,6}", proptest::option::of(-100_000i64..100_000)),
                0..3000,
            ),
            total in proptest::bool::ANY,
            one_column in proptest::bool::ANY,
        ) {
            let mut columns = vec![Column { key: "name".into(), label: "Name".into() }];
            if !one_column {
                columns.push(Column { key: "amount".into(), label: "Amount".into() });
            }
            // Rows of one column (a record of one empty field among them) or of two.
            let row = |(text, cents): &(String, Option<i64>)| {
                let mut row = vec![Value::Text(text.clone())];
                if !one_column {
                    row.push(Value::Money(cents.map(|c| Decimal::new(c, 2))));
                }
                row
            };
            let rows: Vec<Vec<Value>> = cells.iter().map(row).collect();
            let total = total.then(|| row(&("Total".to_string(), Some(1))));
            let table = Table { columns: columns.clone(), rows: rows.clone().into(), total: total.clone() };
            let mut reference = csv::Writer::from_writer(Vec::new());
            reference.write_record(columns.iter().map(|c| c.key.as_str())).unwrap();
            for r in rows.iter().chain(total.iter()) {
                reference.write_record(r.iter().map(csv_value)).unwrap();
            }
            let want = reference.into_inner().unwrap();
            let mut got = Vec::new();
            write_csv(&table, &mut got).unwrap();
            proptest::prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        }
    }
}
