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
}

/// A compiled `date_format`: chrono strftime, with a time of day after the date accepted and
/// ignored. The two formats ERP exports use most are parsed straight from the bytes.
#[derive(Debug, Clone)]
pub struct DateFormat {
    format: String,
    fast: Fast,
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
    /// Checks that `format` is a usable chrono date format (it must name year, month and day).
    pub fn new(format: &str) -> Result<Self, String> {
        let sample = NaiveDate::from_ymd_opt(2026, 1, 31).expect("a valid date");
        let written = format_date(sample, format)
            .ok_or_else(|| format!("\"{format}\" is not a valid chrono date format"))?;
        match NaiveDate::parse_from_str(&written, format) {
            Ok(back) if back == sample => {}
            _ => {
                return Err(format!(
                    "date format \"{format}\" does not name year, month and day (like \"%d.%m.%Y\")"
                ));
            }
        }
        let fast = match format {
            "%Y-%m-%d" => Fast::Iso,
            "%d.%m.%Y" => Fast::German,
            _ => Fast::None,
        };
        Ok(DateFormat { format: format.to_string(), fast })
    }

    pub fn as_str(&self) -> &str {
        &self.format
    }

    /// An example date in this format, for messages.
    pub fn example(&self) -> String {
        let sample = NaiveDate::from_ymd_opt(2026, 1, 31).expect("a valid date");
        format_date(sample, &self.format).unwrap_or_default()
    }

    /// Parses a cell; a time of day after the date (`2026-01-31 08:15:00`, `…T08:15`) is ignored.
    pub fn parse(&self, raw: &str) -> Result<NaiveDate, DateError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DateError::Empty);
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
        match NaiveDate::parse_and_remainder(s, &self.format) {
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

fn format_date(date: NaiveDate, format: &str) -> Option<String> {
    use std::fmt::Write;
    let mut out = String::new();
    write!(out, "{}", date.format(format)).ok()?;
    Some(out)
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
