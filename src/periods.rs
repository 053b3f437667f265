//! Report periods: months, quarters, years, or the whole range.

use crate::dates::Month;
use std::fmt;
use std::str::FromStr;

/// How rows are split in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    /// One period over the whole range.
    #[default]
    All,
}

impl PeriodKind {
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::All => "all",
        }
    }

    /// The label of the period holding `month`: `2026-03`, `2026-Q1`, `2026`; `None` for `all`.
    pub fn label(self, month: Month) -> Option<String> {
        match self {
            PeriodKind::Month => Some(month.to_string()),
            PeriodKind::Quarter => Some(format!("{}-Q{}", month.year(), (month.month() - 1) / 3 + 1)),
            PeriodKind::Year => Some(month.year().to_string()),
            PeriodKind::All => None,
        }
    }

    /// The first month of the period holding `month`.
    pub fn start(self, month: Month) -> Month {
        match self {
            PeriodKind::Month | PeriodKind::All => month,
            PeriodKind::Quarter => Month::new(month.year(), (month.month() - 1) / 3 * 3 + 1),
            PeriodKind::Year => Month::new(month.year(), 1),
        }
    }

    /// Months in one period (not for `all`).
    pub fn months(self) -> i32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
            PeriodKind::All => 0,
        }
    }

    /// The periods (first month, last month) that cover `first` ..= `last`.
    pub fn periods(self, first: Month, last: Month) -> Vec<(Month, Month)> {
        if self == PeriodKind::All {
            return vec![(first, last)];
        }
        let mut out = Vec::new();
        let mut start = self.start(first);
        while start <= last {
            let end = start + (self.months() - 1);
            out.push((start, end));
            start = end + 1;
        }
        out
    }
}

impl FromStr for PeriodKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "month" => Ok(PeriodKind::Month),
            "quarter" => Ok(PeriodKind::Quarter),
            "year" => Ok(PeriodKind::Year),
            "all" => Ok(PeriodKind::All),
            _ => Err(format!("unknown period \"{s}\"; expected month, quarter, year or all")),
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_spans() {
        let m = Month::new(2026, 5);
        assert_eq!(PeriodKind::Month.label(m).unwrap(), "2026-05");
        assert_eq!(PeriodKind::Quarter.label(m).unwrap(), "2026-Q2");
        assert_eq!(PeriodKind::Year.label(m).unwrap(), "2026");
        assert_eq!(PeriodKind::All.label(m), None);
        let q = PeriodKind::Quarter.periods(Month::new(2025, 12), Month::new(2026, 4));
        assert_eq!(
            q,
            vec![
                (Month::new(2025, 10), Month::new(2025, 12)),
                (Month::new(2026, 1), Month::new(2026, 3)),
                (Month::new(2026, 4), Month::new(2026, 6)),
            ]
        );
    }
}
