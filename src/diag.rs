//! Diagnostics: problems found in the workspace's files, with the place they were found.
//!
//! Every error and warning kam prints names the file and, where it can, the line and the column
//! (TOML) or the column header (CSV), like a compiler does:
//!
//! ```text
//! accounts/nordwind.toml:12:15: error: expected a date like 2026-03-14, found "14.03.2026"
//! examples/sales/umsatz-2024.csv:118: column "Umsatz": error: cannot read "1.2.3,4" as an amount
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors make a command fail, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// Where a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// No particular file (a summary over the whole workspace).
    None,
    /// A whole file.
    File(PathBuf),
    /// A line and column of a text file (both 1-based).
    Text { file: PathBuf, line: usize, col: usize },
    /// A line of a CSV export, optionally with the header of the column concerned.
    Csv { file: PathBuf, line: u64, column: Option<String> },
}

/// One problem: where, how bad, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: crate::messages::Message,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<crate::messages::Message>) -> Self {
        Diagnostic { severity: Severity::Error, location, message: message.into() }
    }

    pub fn warning(location: Location, message: impl Into<crate::messages::Message>) -> Self {
        Diagnostic { severity: Severity::Warning, location, message: message.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Shows a path the way a user typed or would type it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    if shown.as_os_str().is_empty() { ".".to_string() } else { shown.display().to_string() }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::None => Ok(()),
            Location::File(file) => write!(f, "{}", display_path(file)),
            Location::Text { file, line, col } => {
                write!(f, "{}:{}:{}", display_path(file), line, col)
            }
            Location::Csv { file, line, column: None } => {
                write!(f, "{}:{}", display_path(file), line)
            }
            Location::Csv { file, line, column: Some(header) } => {
                let column = match crate::messages::language() {
                    crate::config::Language::En => "column",
                    crate::config::Language::De => "Spalte",
                };
                write!(f, "{}:{}: {column} \"{}\"", display_path(file), line, header)
            }
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = crate::messages::severity_word(self.severity == Severity::Error);
        match self.location {
            Location::None => write!(f, "{}: {}", severity, self.message),
            _ => write!(f, "{}: {}: {}", self.location, severity, self.message),
        }
    }
}

/// The problems found so far, in the order they were found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Errors counted but not listed (beyond the first of a file).
    unlisted: usize,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn error(&mut self, location: Location, message: impl Into<crate::messages::Message>) {
        self.push(Diagnostic::error(location, message));
    }

    pub fn warning(&mut self, location: Location, message: impl Into<crate::messages::Message>) {
        self.push(Diagnostic::warning(location, message));
    }

    /// Says that `count` more errors were found at `location` than are listed; they count in
    /// [`Diagnostics::error_count`].
    pub fn not_listed(&mut self, location: Location, count: u64) {
        let message = if count == 1 {
            crate::msg!("{count} more problem in this file is not listed", count = count)
        } else {
            crate::msg!("{count} more problems in this file are not listed", count = count)
        };
        self.error(location, message);
        self.unlisted += (count as usize).saturating_sub(1);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.unlisted += other.unlisted;
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The errors found, listed or not.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count() + self.unlisted
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| !d.is_error()).count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Line and column (1-based, columns counted in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The location of a byte offset in a text file.
pub fn text_location(file: &Path, text: &str, offset: usize) -> Location {
    let (line, col) = line_col(text, offset);
    Location::Text { file: file.to_path_buf(), line, col }
}

/// The closest of `candidates` to a misspelled `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_offsets() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // "é" is two bytes; the column after it is 3.
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 1000), (3, 1));
    }

    #[test]
    fn closest_key_for_typos() {
        let keys = ["name", "customer_ids", "owner", "segment"];
        assert_eq!(closest("nmae", keys), Some("name"));
        assert_eq!(closest("customer_id", keys), Some("customer_ids"));
        assert_eq!(closest("xyz", keys), None);
    }

    #[test]
    fn formats_like_a_compiler() {
        let d = Diagnostic::error(
            Location::Text { file: PathBuf::from("./accounts/a.toml"), line: 3, col: 7 },
            "expected a date",
        );
        assert_eq!(d.to_string(), "accounts/a.toml:3:7: error: expected a date");
        let d = Diagnostic::warning(
            Location::Csv { file: PathBuf::from("s.csv"), line: 9, column: Some("Umsatz".into()) },
            "odd",
        );
        assert_eq!(d.to_string(), "s.csv:9: column \"Umsatz\": warning: odd");
    }
}
