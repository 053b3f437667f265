//! Dates: the `date_format` of exports, calendar months, and dates in TOML dossiers.

use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// Why an export cell is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Empty,
    NoSuchDay,
    Malformed,
    /// A year before 1900 or after 2200 (like `16.01.26` read with `%Y` as the year 26).
    Year(i32),
}

/// The years an export date may fall in; others are typos or two-digit years read by `%Y`.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A compiled `date_format`: chrono strftime, with a time of day after the date accepted and
/// ignored. The two formats ERP exports use most are parsed straight from the bytes.
#[derive(Debug, Clone)]
pub struct DateFormat {
    format: String,
    fast: Fast,
    /// Of a format with a time of day: the part before the time.
    date_part: Option<String>,
    /// Of a format of digits without separators (`%Y%m%d`): how many digits a date has, since
    /// chrono would read `2026015` as 2026-01-05.
    compact: Option<usize>,
}

#[derive(Debug, Clone, Copy)]
enum Fast {
    /// `%Y-%m-%d`
    Iso,
    /// `%d.%m.%Y`
    German,
    None,
}

impl DateFormat {
    /// Checks that `format` is a usable chrono date format (it must name year, month and day; a
    /// time of day in it, like `%d.%m.%Y %H:%M`, is read and ignored).
    pub fn new(format: &str) -> Result<Self, crate::messages::Message> {
        let sample = NaiveDate::from_ymd_opt(2026, 1, 31).expect("a valid date");
        let at = sample.and_hms_opt(8, 15, 30).expect("a valid time");
        let written = format_date(at, format)
            .ok_or_else(|| crate::msg!("\"{format}\" is not a valid chrono date format", format = format))?;
        match NaiveDate::parse_and_remainder(&written, format) {
            Ok((back, "")) if back == sample => {}
            _ => {
                return Err(crate::msg!(
                    "date format \"{format}\" does not name year, month and day (like \"%d.%m.%Y\")",
                    format = format
                ));
            }
        }
        let fast = match format {
            "%Y-%m-%d" => Fast::Iso,
            "%d.%m.%Y" => Fast::German,
            _ => Fast::None,
        };
        // The date part of a format with a time of day, for cells that give the date alone.
        let date_part = ["%H", "%I", "%T", "%R", "%k", "%l"]
            .iter()
            .filter_map(|t| format.find(t))
            .min()
            .map(|i| format[..i].trim_end_matches([' ', 'T']).to_string())
            .filter(|p| !p.is_empty() && p.len() < format.len());
        let directives = ["%Y", "%m", "%d", "%y"];
        let rest = directives.iter().fold(format.to_string(), |f, d| f.replace(d, ""));
        let compact = rest.is_empty().then_some(written.len());
        Ok(DateFormat { format: format.to_string(), fast, date_part, compact })
    }

    pub fn as_str(&self) -> &str {
        &self.format
    }

    /// An example date in this format, for messages.
    pub fn example(&self) -> String {
        let sample = NaiveDate::from_ymd_opt(2026, 1, 31).and_then(|d| d.and_hms_opt(8, 15, 30));
        sample.and_then(|s| format_date(s, &self.format)).unwrap_or_default()
    }

    /// Parses a cell, and checks that its year lies in [`YEARS`].
    pub fn parse(&self, raw: &str) -> Result<NaiveDate, DateError> {
        let date = self.parse_any_year(raw)?;
        if YEARS.contains(&date.year()) { Ok(date) } else { Err(DateError::Year(date.year())) }
    }

    /// Parses a cell; a time of day after the date (`2026-01-31 08:15:00`, `…T08:15`) is ignored.
    fn parse_any_year(&self, raw: &str) -> Result<NaiveDate, DateError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DateError::Empty);
        }
        if let Some(n) = self.compact
            && s.bytes().take_while(u8::is_ascii_digit).count() != n
        {
            return Err(DateError::Malformed);
        }
        let b = s.as_bytes();
        let fast = match self.fast {
            Fast::Iso if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' => {
                Some((digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])))
            }
            Fast::German if b.len() >= 10 && b[2] == b'.' && b[5] == b'.' => {
                Some((digits(&b[6..10]), digits(&b[3..5]), digits(&b[0..2])))
            }
            _ => None,
        };
        if let Some((Some(y), Some(m), Some(d))) = fast
            && (b.len() == 10 || is_time_of_day(&s[10..]))
        {
            return NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::NoSuchDay);
        }
        let parsed = match NaiveDate::parse_and_remainder(s, &self.format) {
            Err(e) if e.kind() != chrono::format::ParseErrorKind::OutOfRange => match &self.date_part {
                Some(date_part) => NaiveDate::parse_and_remainder(s, date_part),
                None => Err(e),
            },
            other => other,
        };
        match parsed {
            Ok((date, rest)) if rest.is_empty() || is_time_of_day(rest) => Ok(date),
            Ok(_) => Err(DateError::Malformed),
            Err(e) if e.kind() == chrono::format::ParseErrorKind::OutOfRange => Err(DateError::NoSuchDay),
            Err(_) => Err(DateError::Malformed),
        }
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

fn is_time_of_day(rest: &str) -> bool {
    let Some(t) = rest.strip_prefix([' ', 'T']) else {
        return false;
    };
    let t = t.trim();
    ["%H:%M:%S%.f", "%H:%M"].iter().any(|f| NaiveTime::parse_from_str(t, f).is_ok())
}

fn format_date(date: chrono::NaiveDateTime, format: &str) -> Option<String> {
    use std::fmt::Write;
    let mut out = String::new();
    write!(out, "{}", date.format(format)).ok()?;
    Some(out)
}

/// The date formats that read every one of `samples` (cells that did not match the configured
/// format), among those ERP exports use; for a message suggesting the right `date_format`.
pub fn guess_formats(samples: &[&str]) -> Vec<&'static str> {
    const CANDIDATES: [&str; 10] = [
        "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y/%m/%d",
        "%d-%m-%Y", "%Y%m%d",
    ];
    if samples.is_empty() {
        return Vec::new();
    }
    CANDIDATES
        .into_iter()
        .filter(|c| DateFormat::new(c).is_ok_and(|f| samples.iter().all(|s| f.parse(s).is_ok())))
        .collect()
}

/// A calendar month, counted from year 0 (`year * 12 + month - 1`), so that months subtract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month(date.year() * 12 + date.month0() as i32)
    }

    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).expect("first of a month")
    }

    pub fn last_day(self) -> NaiveDate {
        (self + 1).first_day().pred_opt().expect("a day before the first of a month")
    }
}

impl std::ops::Add<i32> for Month {
    type Output = Month;
    fn add(self, months: i32) -> Month {
        Month(self.0 + months)
    }
}

impl std::ops::Sub<i32> for Month {
    type Output = Month;
    fn sub(self, months: i32) -> Month {
        Month(self.0 - months)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A date in a TOML dossier: a TOML local date (`2026-03-14`) or a string of that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
            Other(toml::Value),
        }
        use serde::de::Error;
        let expected = "expected a date like 2026-03-14";
        let (y, m, d) = match Raw::deserialize(deserializer).map_err(|e| {
            // A missing date is reported as a missing key, not as a bad date.
            if e.to_string().starts_with("missing field") { e } else { D::Error::custom(expected) }
        })? {
            Raw::Toml(dt) => match (dt.date, dt.time) {
                (Some(date), None) => (i32::from(date.year), u32::from(date.month), u32::from(date.day)),
                _ => return Err(D::Error::custom(format!("{expected}, without a time of day, found {dt}"))),
            },
            Raw::Text(s) => match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(date) => return Ok(Date(date)),
                Err(e) if e.kind() == chrono::format::ParseErrorKind::OutOfRange => {
                    return Err(D::Error::custom(format!("\"{s}\" is not a day of the calendar")));
                }
                Err(_) => return Err(D::Error::custom(format!("{expected}, found \"{s}\""))),
            },
            Raw::Other(v) => return Err(D::Error::custom(format!("{expected}, found {v}"))),
        };
        NaiveDate::from_ymd_opt(y, m, d)
            .map(Date)
            .ok_or_else(|| D::Error::custom(format!("{y:04}-{m:02}-{d:02} is not a day of the calendar")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn formats_with_a_time_of_day_are_accepted() {
        for format in ["%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S"] {
            let f = DateFormat::new(format).unwrap_or_else(|e| panic!("{format}: {e}"));
            let written = format_date(ymd(2026, 3, 14).and_hms_opt(9, 30, 0).unwrap(), format).unwrap();
            assert_eq!(f.parse(&written), Ok(ymd(2026, 3, 14)), "{format}");
        }
        let f = DateFormat::new("%d.%m.%Y %H:%M").unwrap();
        assert_eq!(f.parse("14.03.2026"), Ok(ymd(2026, 3, 14)));
        assert!(DateFormat::new("%H:%M").is_err());
        let compact = DateFormat::new("%Y%m%d").unwrap();
        assert_eq!(compact.parse("20260105"), Ok(ymd(2026, 1, 5)));
        assert_eq!(compact.parse("2026015"), Err(DateError::Malformed));
        assert_eq!(compact.parse("202601055"), Err(DateError::Malformed));
    }

    #[test]
    fn years_must_have_four_digits_with_percent_upper_y() {
        let de = DateFormat::new("%d.%m.%Y").unwrap();
        assert_eq!(de.parse("16.01.26"), Err(DateError::Year(26)));
        assert_eq!(de.parse("16.01.1899"), Err(DateError::Year(1899)));
        assert_eq!(de.parse("16.01.2201"), Err(DateError::Year(2201)));
        assert_eq!(DateFormat::new("%d.%m.%y").unwrap().parse("16.01.26"), Ok(ymd(2026, 1, 16)));
        assert_eq!(DateFormat::new("%Y-%m-%d").unwrap().parse("0026-01-16"), Err(DateError::Year(26)));
    }

    #[test]
    fn the_format_of_unmatched_dates_is_guessed() {
        assert_eq!(guess_formats(&["11/8/2016", "12/24/2016"]), vec!["%m/%d/%Y"]);
        assert_eq!(guess_formats(&["11/8/2016"]), vec!["%m/%d/%Y", "%d/%m/%Y"]);
        assert_eq!(guess_formats(&["2016-08-11"]), vec!["%Y-%m-%d"]);
        assert!(guess_formats(&["gestern"]).is_empty());
    }

    #[test]
    fn german_and_iso_dates_with_and_without_time() {
        let de = DateFormat::new("%d.%m.%Y").unwrap();
        assert_eq!(de.parse("31.01.2026"), Ok(ymd(2026, 1, 31)));
        assert_eq!(de.parse("1.2.2026"), Ok(ymd(2026, 2, 1)));
        assert_eq!(de.parse("31.01.2026 14:05"), Ok(ymd(2026, 1, 31)));
        assert_eq!(de.parse("31.02.2023"), Err(DateError::NoSuchDay));
        assert_eq!(de.parse("2023-02-01"), Err(DateError::Malformed));
        assert_eq!(de.parse(""), Err(DateError::Empty));
        assert_eq!(de.parse("31.01.2026 foo"), Err(DateError::Malformed));
        let iso = DateFormat::new("%Y-%m-%d").unwrap();
        assert_eq!(iso.parse("2010-12-01 08:26:00"), Ok(ymd(2010, 12, 1)));
        assert_eq!(iso.parse("2010-12-01T08:26"), Ok(ymd(2010, 12, 1)));
        assert_eq!(iso.parse("2023-02-31"), Err(DateError::NoSuchDay));
        let us = DateFormat::new("%m/%d/%Y").unwrap();
        assert_eq!(us.parse("11/8/2016"), Ok(ymd(2016, 11, 8)));
        let compact = DateFormat::new("%Y%m%d").unwrap();
        assert_eq!(compact.parse("19970101"), Ok(ymd(1997, 1, 1)));
    }

    #[test]
    fn formats_must_name_a_full_date() {
        assert!(DateFormat::new("%Y-%m").is_err());
        assert!(DateFormat::new("%d.%m.%Y").is_ok());
        assert_eq!(DateFormat::new("%d.%m.%Y").unwrap().example(), "31.01.2026");
    }

    #[test]
    fn months_count_across_years() {
        let m = Month::of(ymd(2025, 12, 31));
        assert_eq!(m.to_string(), "2025-12");
        assert_eq!((m + 1).to_string(), "2026-01");
        assert_eq!((m - 12).to_string(), "2024-12");
        assert_eq!(Month::new(2024, 2).last_day(), ymd(2024, 2, 29));
    }
}
