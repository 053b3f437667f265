//! Edits of dossiers from the shell (`kam log`): append an entry, close a complaint, set the status
//! of an action, and nothing else.
//!
//! Dossiers live in git and are edited by people, so an edit keeps every other byte of the file:
//! comments, blank lines, key order, line endings (LF or CRLF) and a missing final line end.
//! `git diff` then shows exactly the new entry (or the one new or changed line).
//!
//! How: the file is parsed with `toml_edit` (which keeps the position of every key, value and
//! table header) only to find *where* the change goes; the change itself is spliced into the
//! original text. Rendering an edited `toml_edit::DocumentMut` would be shorter, but it writes
//! `\n` after every line, so a CRLF dossier (as git checks them out on Windows) would change on
//! every line, and a missing final line end would be added. Three checks guard each edit before
//! anything is written:
//!
//! 1. the new text, parsed, equals the old one plus the entry (a `toml::Table` comparison), so the
//!    entry landed in the right table and nothing else changed meaning;
//! 2. the new text passes the dossier validation of `kam check` ([`crate::dossier::load_text`]);
//! 3. the dossier was valid before the edit, so that a refusal is never about the new entry when
//!    the problem is elsewhere.
//!
//! Where an entry goes: after the last entry of its array of tables, together with comment lines
//! that directly follow that entry and are themselves followed by a blank line or the end of the
//! file (they belong to it); comment lines that run into the next table header stay with that
//! header. A blank line separates the new entry from the one before when the file does so. An
//! array the dossier does not have yet starts at the end of the file. A new key of an existing
//! entry (`closed`, `status`) goes on its own line after the key it belongs with (`opened`;
//! `due` or `title`), indented like it.
//!
//! Concurrency: every read-edit-write holds [`FolderLock`], and the file is replaced atomically
//! (a temporary file in the same folder, then a rename), so concurrent `kam log` calls take turns
//! and readers never see half a dossier.

use crate::diag::{Diagnostic, Diagnostics, display_path, line_col};
use crate::dossier::{self, Account, ActionStatus};
use crate::money::{Decimal, decimal_from_f64};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml_edit::{Document, Item, Table};

// ---------------------------------------------------------------------------------------------
// Values of new entries
// ---------------------------------------------------------------------------------------------

/// An exact decimal as the user typed it (`12000.50`), checked: digits with an optional sign and
/// a point as decimal mark. It is written to the dossier as that text, never through `f64`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    text: String,
    value: Decimal,
}

impl Number {
    /// The value.
    pub fn value(&self) -> Decimal {
        self.value
    }

    /// The number as TOML: the digits as given (without a `+` and leading zeros) when a TOML
    /// reader gets the same value back from them, else a string like `"12345678901234567.5"`,
    /// which the dossier reader also takes as an exact amount.
    pub fn toml(&self) -> String {
        let exact = if self.text.contains('.') {
            self.text.parse::<f64>().ok().and_then(decimal_from_f64) == Some(self.value)
        } else {
            self.text.parse::<i64>().is_ok()
        };
        if exact { self.text.clone() } else { format!("\"{}\"", self.text) }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Number {
    type Err = String;

    fn from_str(raw: &str) -> Result<Number, String> {
        let s = raw.trim();
        let expected = || {
            if let Some(percent) = s.strip_suffix('%') {
                let hint =
                    percent.trim().replace(',', ".").parse::<f64>().map_or(String::new(), |p| {
                        format!(": for {} %, write {}", percent.trim(), p / 100.0)
                    });
                return format!("expected a number without \"%\", found \"{raw}\"{hint}");
            }
            format!(
                "expected a number like 12000.50 (a point as decimal mark, no thousands separators), found \"{raw}\""
            )
        };
        let (negative, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
            return Err(expected());
        }
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let mut text = String::new();
        if negative {
            text.push('-');
        }
        text.push_str(int);
        if let Some(f) = frac {
            text.push('.');
            text.push_str(f);
        }
        let value = Decimal::from_str_exact(&text)
            .map_err(|_| format!("\"{raw}\" has too many digits for an exact amount (at most 28)"))?;
        if !crate::money::within_limit(value) {
            return Err(format!(
                "\"{raw}\" is beyond what kam reads: amounts must be below {}",
                crate::money::LIMIT_TEXT
            ));
        }
        if value.is_zero() && negative {
            text.remove(0);
        }
        Ok(Number { text, value })
    }
}

/// Parses an amount of money, 0 or more (`--value`, `--expected-revenue`).
pub fn parse_money(s: &str) -> Result<Number, String> {
    let n: Number = s.parse()?;
    if n.value.is_sign_negative() && !n.value.is_zero() {
        return Err(format!("expected an amount of 0 or more, found {n}"));
    }
    Ok(n)
}

/// Parses an amount that may be negative (`--amount` of a cost: a refund is negative).
pub fn parse_signed_money(s: &str) -> Result<Number, String> {
    s.parse()
}

/// Parses a satisfaction score from 0 to 10 (`7` or `7.5`).
pub fn parse_score(s: &str) -> Result<Number, String> {
    let n: Number = s.parse()?;
    if n.value < Decimal::ZERO || n.value > Decimal::TEN {
        return Err(format!("the score must be from 0 to 10, found {n}"));
    }
    Ok(n)
}

/// Parses a probability, a fraction from 0 to 1 (`0.6` for 60 %).
pub fn parse_probability(s: &str) -> Result<Number, String> {
    let n: Number = s.parse()?;
    if n.value < Decimal::ZERO || n.value > Decimal::ONE {
        return Err(format!("expected a fraction from 0 to 1 (0.6 for 60 %), found {n}"));
    }
    Ok(n)
}

/// Parses a date `YYYY-MM-DD` with a year TOML can hold (0001 to 9999).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(format!("expected a date like 2026-03-14 (YYYY-MM-DD), found \"{s}\""));
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if d.year() >= 1 => Ok(d),
        _ => Err(format!("\"{s}\" is not a day of the calendar")),
    }
}

/// Parses an account id: lower-case letters, digits, `-` and `_` (so never a path).
pub fn parse_id(s: &str) -> Result<String, String> {
    if dossier::is_valid_id(s) { Ok(s.to_string()) } else { Err(dossier::invalid_id_message(s).to_string()) }
}

/// Parses a text value: surrounding spaces are dropped, and it must not be empty.
pub fn parse_text(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() { Err("expected some text, found nothing".to_string()) } else { Ok(t.to_string()) }
}

/// `s` as a TOML basic string on one line: quotes, backslashes and control characters escaped.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value of a new entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Text(String),
    Date(NaiveDate),
    Number(Number),
    Bool(bool),
    List(Vec<String>),
}

impl Field {
    /// The value as TOML text.
    pub fn toml(&self) -> String {
        match self {
            Field::Text(s) => toml_string(s),
            Field::Date(d) => d.format("%Y-%m-%d").to_string(),
            Field::Number(n) => n.toml(),
            Field::Bool(b) => b.to_string(),
            Field::List(items) => {
                format!("[{}]", items.iter().map(|s| toml_string(s)).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Entries and edits
// ---------------------------------------------------------------------------------------------

/// A new entry of one of the dossier's arrays of tables, with its keys in the order of SPEC 2.2.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The array, e.g. `meetings`.
    pub array: &'static str,
    /// What one entry is called in messages, e.g. `meeting`.
    pub noun: &'static str,
    pub fields: Vec<(&'static str, Field)>,
}

impl Entry {
    fn new(array: &'static str, noun: &'static str) -> Entry {
        Entry { array, noun, fields: Vec::new() }
    }

    fn with(mut self, key: &'static str, value: Field) -> Entry {
        self.fields.push((key, value));
        self
    }

    fn with_opt(self, key: &'static str, value: Option<Field>) -> Entry {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// The `key = value` lines, each ended with `nl`.
    fn body(&self, nl: &str) -> String {
        self.fields.iter().map(|(k, v)| format!("{k} = {}{nl}", v.toml())).collect()
    }
}

/// `[[meetings]]`: `kind` is one of visit, call, video, annual-review, event.
pub fn meeting(date: NaiveDate, kind: &str, summary: Option<String>, attendees: Vec<String>) -> Entry {
    Entry::new("meetings", "meeting")
        .with("date", Field::Date(date))
        .with("kind", Field::Text(kind.to_string()))
        .with_opt("summary", summary.map(Field::Text))
        .with_opt("attendees", (!attendees.is_empty()).then_some(Field::List(attendees)))
}

/// `[[complaints]]`, opened on `opened`.
pub fn complaint(opened: NaiveDate, subject: String) -> Entry {
    Entry::new("complaints", "complaint")
        .with("opened", Field::Date(opened))
        .with("subject", Field::Text(subject))
}

/// `[[services]]`: an additional service sold.
pub fn service(date: NaiveDate, name: String, value: Option<Number>) -> Entry {
    Entry::new("services", "service")
        .with("date", Field::Date(date))
        .with("name", Field::Text(name))
        .with_opt("value", value.map(Field::Number))
}

/// `[[events]]`: an important event in the relationship.
pub fn event(date: NaiveDate, text: String) -> Entry {
    Entry::new("events", "event").with("date", Field::Date(date)).with("text", Field::Text(text))
}

/// `[[satisfaction]]`: a score from 0 to 10.
pub fn satisfaction(date: NaiveDate, score: Number) -> Entry {
    Entry::new("satisfaction", "satisfaction score")
        .with("date", Field::Date(date))
        .with("score", Field::Number(score))
}

/// `[[actions]]`: a step of the action plan.
pub fn action(
    title: String,
    due: Option<NaiveDate>,
    status: ActionStatus,
    milestone: bool,
    expected_revenue: Option<Number>,
    probability: Option<Number>,
    assignee: Option<String>,
) -> Entry {
    Entry::new("actions", "action")
        .with("title", Field::Text(title))
        .with_opt("due", due.map(Field::Date))
        .with("status", Field::Text(status_name(status).to_string()))
        .with_opt("milestone", milestone.then_some(Field::Bool(true)))
        .with_opt("expected_revenue", expected_revenue.map(Field::Number))
        .with_opt("probability", probability.map(Field::Number))
        .with_opt("assignee", assignee.map(Field::Text))
}

/// `[[coaching]]`: a coaching session for the sales staff.
pub fn coaching(
    date: NaiveDate,
    topic: String,
    materials: Option<String>,
    participants: Vec<String>,
) -> Entry {
    Entry::new("coaching", "coaching session")
        .with("date", Field::Date(date))
        .with("topic", Field::Text(topic))
        .with_opt("materials", materials.map(Field::Text))
        .with_opt("participants", (!participants.is_empty()).then_some(Field::List(participants)))
}

/// `[[costs]]`: a customer-specific direct cost (DB II).
pub fn cost(date: NaiveDate, kind: Option<String>, amount: Number) -> Entry {
    Entry::new("costs", "cost")
        .with("date", Field::Date(date))
        .with_opt("kind", kind.map(Field::Text))
        .with("amount", Field::Number(amount))
}

/// The name of an action status in the dossier.
pub fn status_name(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Open => "open",
        ActionStatus::Done => "done",
        ActionStatus::Dropped => "dropped",
    }
}

/// Parses an action status: open, done or dropped.
pub fn parse_status(s: &str) -> Result<ActionStatus, String> {
    match s {
        "open" => Ok(ActionStatus::Open),
        "done" => Ok(ActionStatus::Done),
        "dropped" => Ok(ActionStatus::Dropped),
        _ => Err(format!("unknown status \"{s}\"; expected open, done or dropped")),
    }
}

/// Which complaint or action an edit is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// Its number: 1 for the first in the file.
    Number(usize),
    /// A part of its subject or title (case-insensitive) that only it has.
    Text(String),
    /// The open complaint opened last.
    LatestOpen,
}

impl FromStr for Selector {
    type Err = String;

    fn from_str(s: &str) -> Result<Selector, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("expected a number (1 for the first) or a part of the subject or title".to_string());
        }
        Ok(match t.parse::<usize>() {
            Ok(n) => Selector::Number(n),
            Err(_) => Selector::Text(t.to_string()),
        })
    }
}

/// One change of a dossier.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Append an entry to its array of tables.
    Append(Entry),
    /// Set `closed` of an open complaint.
    CloseComplaint { which: Selector, date: NaiveDate },
    /// Set `status` of an action.
    SetStatus { which: Selector, status: ActionStatus },
}

// ---------------------------------------------------------------------------------------------
// Applying an edit to the text
// ---------------------------------------------------------------------------------------------

/// The edited dossier: the old text with `insert` put in place of `remove` bytes at `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub at: usize,
    pub remove: usize,
    pub insert: String,
    /// The new text of the file.
    pub text: String,
    /// The line (1-based, in the new text) where the added or changed lines start.
    pub line: usize,
    /// The added or changed lines, for the message (with `\n` line ends).
    pub shown: String,
    /// What was done, e.g. `added meeting 11` or `closed complaint 2 ("late delivery", opened …)`.
    pub summary: String,
}

/// The outcome of [`apply`]: a change, or nothing to do (with the reason).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Changed(Change),
    Unchanged(String),
}

/// Which table gets which keys, to compute what the file must mean after the edit.
struct Target {
    array: &'static str,
    /// `None`: a new entry at the end of the array.
    index: Option<usize>,
    /// The `key = value` lines set in that table.
    lines: String,
}

/// Applies `edit` to `old`, the text of the valid dossier `account`, without writing anything.
/// Errors are messages for the user (the dossier cannot take this edit).
pub fn apply(old: &str, account: &Account, edit: &Edit) -> Result<Outcome, String> {
    let doc = Document::parse(old).map_err(|e| format!("cannot read the dossier as TOML: {e}"))?;
    let root = doc.as_table();
    let nl = line_ending(old);
    let (at, remove, insert, target, summary) = match edit {
        Edit::Append(entry) => {
            let count = match root.get(entry.array) {
                Some(Item::ArrayOfTables(a)) => a.len(),
                _ => 0,
            };
            let (at, mut insert) = append_at(old, root, entry, nl, &account.path)?;
            // A file without a final line end keeps it so: the entry at its end gets none either.
            if at == old.len() && !old.is_empty() && !old.ends_with('\n') && insert.ends_with(nl) {
                insert.truncate(insert.len() - nl.len());
            }
            let target = Target { array: entry.array, index: None, lines: entry.body("\n") };
            let summary = crate::msg!("added {noun} {n}", noun = noun(entry.noun), n = count + 1).to_string();
            (at, 0, insert, target, summary)
        }
        Edit::CloseComplaint { which, date } => {
            let i = select_complaint(account, which)?;
            let c = &account.complaints[i];
            let table = entry_table(root, "complaints", i, &account.path)?;
            let line = format!("closed = {}", date.format("%Y-%m-%d"));
            let (at, insert) = insert_key(old, table, &["opened"], &line, nl);
            let summary = match c.subject.as_deref() {
                Some(s) => crate::msg!(
                    "closed complaint {n} (\"{subject}\", opened {opened})",
                    n = i + 1,
                    subject = s,
                    opened = c.opened.to_string()
                ),
                None => crate::msg!(
                    "closed complaint {n} (opened {opened})",
                    n = i + 1,
                    opened = c.opened.to_string()
                ),
            }
            .to_string();
            (at, 0, insert, Target { array: "complaints", index: Some(i), lines: line + "\n" }, summary)
        }
        Edit::SetStatus { which, status } => {
            let i = select_action(account, which)?;
            let a = &account.actions[i];
            let name = status_name(*status);
            if a.status == *status {
                return Ok(Outcome::Unchanged(
                    crate::msg!(
                        "action {n} (\"{title}\") is already {status}; nothing to change",
                        n = i + 1,
                        title = &a.title,
                        status = name
                    )
                    .to_string(),
                ));
            }
            let table = entry_table(root, "actions", i, &account.path)?;
            let line = format!("status = {}", toml_string(name));
            let (at, remove, insert) = match table.get("status").and_then(Item::span) {
                Some(span) => (span.start, span.len(), toml_string(name)),
                None => {
                    let (at, insert) = insert_key(old, table, &["due", "title"], &line, nl);
                    (at, 0, insert)
                }
            };
            let summary = crate::msg!(
                "action {n} (\"{title}\"): status {from} → {to}",
                n = i + 1,
                title = &a.title,
                from = status_name(a.status),
                to = name
            )
            .to_string();
            (at, remove, insert, Target { array: "actions", index: Some(i), lines: line + "\n" }, summary)
        }
    };
    let mut text = String::with_capacity(old.len() + insert.len());
    text.push_str(&old[..at]);
    text.push_str(&insert);
    text.push_str(&old[at + remove..]);
    verify(old, &text, &target)?;
    let lead = insert.len() - insert.trim_start_matches(['\r', '\n']).len();
    let line = line_col(&text, at + lead).0;
    let shown = if remove > 0 {
        // A changed value: show its whole new line.
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        text[start..end].trim_end_matches('\r').to_string()
    } else {
        insert.trim_matches(['\r', '\n']).replace("\r\n", "\n")
    };
    Ok(Outcome::Changed(Change { at, remove, insert, text, line, shown, summary }))
}

/// The line end of the file: CRLF when its first line ends so, else LF.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Where a new entry goes and the text to insert there.
fn append_at(
    old: &str,
    root: &Table,
    entry: &Entry,
    nl: &str,
    path: &Path,
) -> Result<(usize, String), String> {
    let header = format!("[[{}]]{nl}{}", entry.array, entry.body(nl));
    let last = match root.get(entry.array) {
        None => None,
        Some(Item::ArrayOfTables(a)) => a.iter().last(),
        Some(item) => {
            let at = item.span().map(|s| location(path, old, s.start)).unwrap_or_default();
            return Err(format!(
                "`{}` is written as an inline array{at}; kam log adds [[{}]] tables: write its entries as [[{}]] tables, then try again",
                entry.array, entry.array, entry.array
            ));
        }
    };
    let Some(last) = last else {
        // A new array: at the end of the file, after a blank line.
        let mut insert = String::new();
        if !old.is_empty() && !old.ends_with('\n') {
            insert.push_str(nl);
        }
        // A blank line before it, unless the file has one there, or has none between its tables.
        let spaced = last_header(root).is_none_or(|h| blank_line_before(old, h));
        if spaced && !old.trim().is_empty() && !ends_with_blank_line(old) {
            insert.push_str(nl);
        }
        insert.push_str(&header);
        return Ok((old.len(), insert));
    };
    let end = content_end(last).unwrap_or(0);
    let mut at = line_end(old, end);
    // Comment lines right after the entry belong to it when a blank line or the end follows them.
    let mut p = at;
    while p < old.len() && line_at(old, p).trim_start().starts_with('#') {
        p = line_end(old, p);
    }
    if p > at && (p == old.len() || line_at(old, p).trim().is_empty()) {
        at = p;
    }
    let spaced = blank_line_before(old, last.span().map_or(end, |s| s.start));
    let mut insert = String::new();
    if at == old.len() && !old.is_empty() && !old.ends_with('\n') {
        insert.push_str(nl);
    }
    if spaced {
        insert.push_str(nl);
    }
    insert.push_str(&header);
    if spaced && at < old.len() && !line_at(old, at).trim().is_empty() {
        insert.push_str(nl);
    }
    Ok((at, insert))
}

/// ` (FILE:LINE:COL)` for messages.
fn location(path: &Path, text: &str, offset: usize) -> String {
    let (line, col) = line_col(text, offset);
    format!(" ({}:{line}:{col})", display_path(path))
}

/// The table of entry `i` of the array of tables `array`.
fn entry_table<'a>(root: &'a Table, array: &str, i: usize, path: &Path) -> Result<&'a Table, String> {
    match root.get(array) {
        Some(Item::ArrayOfTables(a)) => {
            a.get(i).ok_or_else(|| format!("there is no entry {} in [[{array}]]", i + 1))
        }
        _ => Err(format!(
            "`{array}` in {} is written as an inline array; kam log edits [[{array}]] tables: write its entries as [[{array}]] tables, then try again",
            display_path(path)
        )),
    }
}

/// Inserts the line `line` into `table` after the line of the first of `after` it has (else
/// after its last line), indented like that line.
fn insert_key(old: &str, table: &Table, after: &[&str], line: &str, nl: &str) -> (usize, String) {
    let anchor = after.iter().find_map(|k| {
        let (key, item) = table.get_key_value(k)?;
        Some((key.span()?.start, item.span()?.end))
    });
    let (key_start, end) = match anchor {
        Some(a) => a,
        None => {
            let end = content_end(table).unwrap_or(0);
            (end, end)
        }
    };
    let line_start = old[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = old[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let at = line_end(old, end);
    if at == old.len() && !old.ends_with('\n') {
        (at, format!("{nl}{indent}{line}"))
    } else {
        (at, format!("{indent}{line}{nl}"))
    }
}

/// The start of the last table header of the file.
fn last_header(table: &Table) -> Option<usize> {
    let mut last = table.span().filter(|s| !s.is_empty()).map(|s| s.start);
    for (_, item) in table.iter() {
        let nested = match item {
            Item::Table(t) => last_header(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(last_header).max(),
            _ => None,
        };
        last = last.max(nested);
    }
    last
}

/// The end of the last header, key or value of `table` (and the tables under it).
fn content_end(table: &Table) -> Option<usize> {
    let mut end = table.span().map(|s| s.end);
    for (key, item) in table.iter() {
        let key_end = table.get_key_value(key).and_then(|(k, _)| k.span()).map(|s| s.end);
        let item_end = match item {
            Item::Table(t) => content_end(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(content_end).max(),
            other => other.span().map(|s| s.end),
        };
        end = end.max(key_end).max(item_end);
    }
    end
}

/// The offset after the line end of the line holding `pos` (the text's end on the last line).
fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// The line starting at `start`, without its line end.
fn line_at(text: &str, start: usize) -> &str {
    let rest = &text[start.min(text.len())..];
    rest.split('\n').next().unwrap_or("").trim_end_matches('\r')
}

/// Whether the last line of `text` (ending with a line end) is blank.
fn ends_with_blank_line(text: &str) -> bool {
    let Some(body) = text.strip_suffix('\n') else { return false };
    body.rsplit('\n').next().is_some_and(|l| l.trim().is_empty())
}

/// Whether a blank line (or the file's start) comes before the header at `pos` and the comment
/// lines directly above it: the layout of the entries, which a new one follows.
fn blank_line_before(text: &str, pos: usize) -> bool {
    let mut start = text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let prev = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = text[prev..start].trim();
        if line.is_empty() {
            return true;
        }
        if !line.starts_with('#') {
            return false;
        }
        start = prev;
    }
    true
}

/// Checks that `new` means `old` with exactly the keys of `target` set.
fn verify(old: &str, new: &str, target: &Target) -> Result<(), String> {
    let bug = |what: &str| {
        format!(
            "kam could not place the edit without {what}; nothing was written. Please add the entry by hand and report this dossier"
        )
    };
    let mut expected: toml::Table = toml::from_str(old).map_err(|_| bug("a parse error"))?;
    let keys: toml::Table = toml::from_str(&target.lines).map_err(|_| bug("a parse error in the entry"))?;
    let array = expected
        .entry(target.array)
        .or_insert_with(|| toml::Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| bug("changing the type of an array"))?;
    match target.index {
        None => array.push(toml::Value::Table(keys)),
        Some(i) => {
            let table =
                array.get_mut(i).and_then(toml::Value::as_table_mut).ok_or_else(|| bug("a lost entry"))?;
            table.extend(keys);
        }
    }
    let actual: toml::Table = toml::from_str(new).map_err(|_| bug("breaking the TOML syntax"))?;
    if actual != expected {
        return Err(bug("changing other data"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Choosing the complaint or action
// ---------------------------------------------------------------------------------------------

/// The noun of a kind of entry, in the language of messages.
fn noun(noun: &'static str) -> crate::messages::Message {
    match noun {
        "meeting" => crate::msg!("meeting"),
        "complaint" => crate::msg!("complaint"),
        "service" => crate::msg!("service"),
        "event" => crate::msg!("event"),
        "satisfaction score" => crate::msg!("satisfaction score"),
        "action" => crate::msg!("action"),
        "coaching session" => crate::msg!("coaching session"),
        "cost" => crate::msg!("cost"),
        other => crate::messages::Message::raw(other),
    }
}

fn select_complaint(account: &Account, which: &Selector) -> Result<usize, String> {
    let complaints = &account.complaints;
    let file = display_path(&account.path);
    let is_open = |i: usize| complaints[i].closed.is_none();
    let open_list = || {
        let open: Vec<String> = (0..complaints.len())
            .filter(|&i| is_open(i))
            .map(|i| {
                let c = &complaints[i];
                format!(
                    "\n  {}  {}  {}",
                    i + 1,
                    crate::msg!("opened {date}", date = c.opened.to_string()),
                    c.subject.as_deref().unwrap_or("–")
                )
            })
            .collect();
        if open.is_empty() {
            crate::msg!("{file} has no open complaint", file = &file).to_string()
        } else {
            crate::msg!("the open complaints of {file}:{list}", file = &file, list = open.concat())
                .to_string()
        }
    };
    let i = match which {
        Selector::LatestOpen => {
            return (0..complaints.len())
                .filter(|&i| is_open(i))
                .max_by_key(|&i| (complaints[i].opened, i))
                .ok_or_else(|| {
                    crate::msg!("{file} has no open complaint to close", file = &file).to_string()
                });
        }
        Selector::Number(n) => {
            if *n == 0 || *n > complaints.len() {
                return Err(crate::msg!(
                    "there is no complaint {n}: complaints are numbered 1 to {count} in the order of the file; {list}",
                    n = *n,
                    count = complaints.len(),
                    list = open_list()
                )
                .to_string());
            }
            n - 1
        }
        Selector::Text(t) => {
            let needle = t.to_lowercase();
            let mut found: Vec<usize> = (0..complaints.len())
                .filter(|&i| {
                    complaints[i].subject.as_deref().is_some_and(|s| s.to_lowercase().contains(&needle))
                })
                .collect();
            if found.len() > 1 {
                found.retain(|&i| is_open(i));
            }
            match found.as_slice() {
                [i] => *i,
                [] => {
                    return Err(crate::msg!(
                        "no complaint has \"{t}\" in its subject; {list}",
                        t = t,
                        list = open_list()
                    )
                    .to_string());
                }
                _ => {
                    return Err(crate::msg!(
                        "\"{t}\" is in the subject of several open complaints; give the number instead; {list}",
                        t = t,
                        list = open_list()
                    )
                    .to_string());
                }
            }
        }
    };
    if let Some(closed) = &complaints[i].closed {
        return Err(crate::msg!(
            "complaint {n} ({subject}) was already closed on {closed}; {list}",
            n = i + 1,
            subject = complaints[i].subject.as_deref().unwrap_or("–"),
            closed = closed.get_ref().to_string(),
            list = open_list()
        )
        .to_string());
    }
    Ok(i)
}

fn select_action(account: &Account, which: &Selector) -> Result<usize, String> {
    let actions = &account.actions;
    let file = display_path(&account.path);
    let list = || {
        if actions.is_empty() {
            return crate::msg!("{file} has no actions", file = &file).to_string();
        }
        let lines: Vec<String> = actions
            .iter()
            .enumerate()
            .map(|(i, a)| format!("\n  {}  {:<7}  {}", i + 1, status_name(a.status), a.title))
            .collect();
        crate::msg!("the actions of {file}:{list}", file = &file, list = lines.concat()).to_string()
    };
    match which {
        Selector::Number(n) if *n >= 1 && *n <= actions.len() => Ok(n - 1),
        Selector::Number(n) => Err(crate::msg!(
            "there is no action {n}: actions are numbered 1 to {count} in the order of the file; {list}",
            n = *n,
            count = actions.len(),
            list = list()
        )
        .to_string()),
        Selector::Text(t) => {
            let needle = t.to_lowercase();
            let found: Vec<usize> =
                (0..actions.len()).filter(|&i| actions[i].title.to_lowercase().contains(&needle)).collect();
            match found.as_slice() {
                [i] => Ok(*i),
                [] => Err(crate::msg!("no action has \"{t}\" in its title; {list}", t = t, list = list())
                    .to_string()),
                _ => Err(crate::msg!(
                    "\"{t}\" is in the title of several actions; give the number instead; {list}",
                    t = t,
                    list = list()
                )
                .to_string()),
            }
        }
        Selector::LatestOpen => {
            Err(crate::msg!("choose an action by its number or a part of its title").to_string())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Locking and writing
// ---------------------------------------------------------------------------------------------

pub use crate::fsutil::{FolderLock, LOCK_FILE};

// ---------------------------------------------------------------------------------------------
// `kam log`
// ---------------------------------------------------------------------------------------------

/// Why an edit was refused: the problems found (if any) and the reason. Nothing was written.
#[derive(Debug, Default)]
pub struct Refusal {
    pub diagnostics: Vec<Diagnostic>,
    pub message: String,
}

impl Refusal {
    fn new(message: impl Into<String>) -> Refusal {
        Refusal { diagnostics: Vec::new(), message: message.into() }
    }
}

/// What `kam log` did.
#[derive(Debug)]
pub struct Logged {
    /// The dossier.
    pub path: PathBuf,
    pub outcome: Outcome,
    /// Names in `attendees` that are not among the dossier's contacts.
    pub unknown_attendees: Vec<String>,
}

/// Applies `edit` to the dossier `id` in `accounts_dir` and writes it, unless `dry_run`: under the
/// folder lock, after checking that the dossier is valid before and after the edit.
pub fn log(accounts_dir: &Path, id: &str, edit: &Edit, dry_run: bool) -> Result<Logged, Refusal> {
    if !dossier::is_valid_id(id) {
        return Err(Refusal::new(dossier::invalid_id_message(id).to_string()));
    }
    let path = accounts_dir.join(format!("{id}.toml"));
    if !path.is_file() {
        return Err(Refusal::new(no_such_account(accounts_dir, id)));
    }
    if !dry_run {
        crate::fsutil::refuse_read_only(&path).map_err(Refusal::new)?;
    }
    let _lock = if dry_run { None } else { Some(FolderLock::acquire(accounts_dir).map_err(Refusal::new)?) };
    if !dry_run {
        crate::fsutil::remove_stale_temps(accounts_dir);
    }
    let old = crate::tomlfile::read_text(&path).map_err(|d| Refusal {
        diagnostics: vec![d],
        message: crate::msg!("nothing was written").to_string(),
    })?;
    let mut diags = Diagnostics::new();
    let account = dossier::load_text(&path, &old, &mut diags);
    let Some(account) = account.filter(|_| !diags.has_errors()) else {
        return Err(Refusal {
            diagnostics: errors(diags),
            message: crate::msg!(
                "{file} has errors (listed above); fix them first, then log again. Nothing was written.",
                file = display_path(&path)
            )
            .to_string(),
        });
    };
    let outcome = apply(&old, &account, edit).map_err(Refusal::new)?;
    let unknown_attendees = match edit {
        Edit::Append(entry) => unknown_attendees(&account, entry),
        _ => Vec::new(),
    };
    if let Outcome::Changed(change) = &outcome {
        let mut diags = Diagnostics::new();
        let valid = dossier::load_text(&path, &change.text, &mut diags).is_some();
        if !valid || diags.has_errors() {
            return Err(Refusal {
                diagnostics: errors(diags),
                message: crate::msg!(
                    "with this entry {file} would not be a valid dossier (the lines above are those of the edited file); nothing was written",
                    file = display_path(&path)
                )
                .to_string(),
            });
        }
        if !dry_run {
            crate::fsutil::replace_dossier(&path, change.text.as_bytes()).map_err(|e| {
                Refusal::new(
                    crate::msg!(
                        "cannot write {file}: {e}; it is unchanged",
                        file = display_path(&path),
                        e = e.to_string()
                    )
                    .to_string(),
                )
            })?;
        }
    }
    Ok(Logged { path, outcome, unknown_attendees })
}

fn errors(diags: Diagnostics) -> Vec<Diagnostic> {
    diags.items().iter().filter(|d| d.is_error()).cloned().collect()
}

fn unknown_attendees(account: &Account, entry: &Entry) -> Vec<String> {
    entry
        .fields
        .iter()
        .filter(|(k, _)| *k == "attendees")
        .flat_map(|(_, v)| match v {
            Field::List(names) => names.clone(),
            _ => Vec::new(),
        })
        .filter(|n| !account.contacts.iter().any(|c| c.name == *n))
        .collect()
}

/// The message for a dossier that does not exist, with the known ids.
pub fn no_such_account(accounts_dir: &Path, id: &str) -> String {
    let ids = dossier_ids(accounts_dir);
    let known = if ids.is_empty() { crate::msg!("none").to_string() } else { ids.join(", ") };
    let file = display_path(&accounts_dir.join(format!("{id}.toml")));
    match crate::diag::closest(id, ids.iter().map(String::as_str)) {
        Some(c) => crate::msg!(
            "no account `{id}`: {file} does not exist; did you mean `{c}`? known accounts: {known}. `kam new {id} --name NAME` creates it",
            id = id,
            file = &file,
            c = c,
            known = known
        ),
        None => crate::msg!(
            "no account `{id}`: {file} does not exist; known accounts: {known}. `kam new {id} --name NAME` creates it",
            id = id,
            file = &file,
            known = known
        ),
    }
    .to_string()
}

/// The ids of the dossiers in `dir`, sorted.
pub fn dossier_ids(dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn account(text: &str) -> Account {
        let mut diags = Diagnostics::new();
        let a = dossier::load_text(Path::new("accounts/x.toml"), text, &mut diags).expect("a dossier");
        assert!(!diags.has_errors(), "{:?}", diags.items());
        a
    }

    fn edit(old: &str, e: Edit) -> Change {
        match apply(old, &account(old), &e).unwrap() {
            Outcome::Changed(c) => c,
            Outcome::Unchanged(m) => panic!("unchanged: {m}"),
        }
    }

    fn call(summary: &str) -> Edit {
        Edit::Append(meeting(d("2026-11-23"), "call", Some(summary.to_string()), vec![]))
    }

    #[test]
    fn numbers_keep_their_digits() {
        let n: Number = "12000.50".parse().unwrap();
        assert_eq!(n.toml(), "12000.50");
        assert_eq!("+007.5".parse::<Number>().unwrap().toml(), "7.5");
        assert_eq!("8".parse::<Number>().unwrap().toml(), "8");
        assert_eq!("-0".parse::<Number>().unwrap().toml(), "0");
        // More digits than a float holds: a string, read exactly by the dossier reader.
        assert_eq!("99999999999999.9999".parse::<Number>().unwrap().toml(), "\"99999999999999.9999\"");
        let beyond = "79228162514264337593543950335".parse::<Number>().unwrap_err();
        assert!(beyond.contains("beyond what kam reads"), "{beyond}");
        let percent = parse_probability("50%").unwrap_err();
        assert_eq!(percent, "expected a number without \"%\", found \"50%\": for 50 %, write 0.5");
        for bad in ["12.000,50", "12,5", "1e5", "", ".5", "5.", "1.2.3", "€5", "0x10", "NaN", "1_000"] {
            assert!(bad.parse::<Number>().is_err(), "{bad}");
        }
        assert!(parse_money("-5").is_err());
        assert!(parse_score("10.5").is_err());
        assert!(parse_score("10").is_ok());
        assert!(parse_probability("1.2").is_err());
        assert!(parse_probability("0.35").is_ok());
    }

    #[test]
    fn dates_and_ids() {
        assert_eq!(parse_date("2026-02-28"), Ok(d("2026-02-28")));
        assert!(parse_date("2026-02-30").unwrap_err().contains("not a day"));
        assert!(parse_date("28.02.2026").is_err());
        assert!(parse_date("+12026-02-28").is_err());
        assert!(parse_date("0000-01-01").is_err());
        assert!(parse_id("nordwind_2").is_ok());
        for bad in ["../x", "a/b", "nord wind", "Nordwind", "..", "", "x.toml", "a\\b"] {
            assert!(parse_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\nd\te\u{7f}"), r#""a \"b\" \\ c\nd\te\u007F""#);
    }

    #[test]
    fn appends_after_the_last_entry_with_attached_comments() {
        let old = "name = \"X\"\n\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\" # first\n# follow-up sent\n\n# complaints\n[[complaints]]\nopened = 2026-01-02\n";
        let c = edit(old, call("hi"));
        assert_eq!(
            c.text,
            "name = \"X\"\n\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\" # first\n# follow-up sent\n\n[[meetings]]\ndate = 2026-11-23\nkind = \"call\"\nsummary = \"hi\"\n\n# complaints\n[[complaints]]\nopened = 2026-01-02\n"
        );
        assert_eq!(c.line, 8);
        assert_eq!(c.summary, "added meeting 2");
    }

    #[test]
    fn comments_running_into_the_next_header_stay_with_it() {
        let old = "name = \"X\"\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\"\n# about complaints\n[[complaints]]\nopened = 2026-01-02\n";
        let c = edit(old, call("hi"));
        assert_eq!(
            c.text,
            "name = \"X\"\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\"\n[[meetings]]\ndate = 2026-11-23\nkind = \"call\"\nsummary = \"hi\"\n# about complaints\n[[complaints]]\nopened = 2026-01-02\n"
        );
    }

    #[test]
    fn crlf_and_a_missing_final_line_end_are_kept() {
        let old = "name = \"X\"\r\n\r\n[[meetings]]\r\ndate = 2026-01-01\r\nkind = \"visit\"";
        let c = edit(old, call("hi"));
        assert_eq!(
            c.text,
            "name = \"X\"\r\n\r\n[[meetings]]\r\ndate = 2026-01-01\r\nkind = \"visit\"\r\n\r\n[[meetings]]\r\ndate = 2026-11-23\r\nkind = \"call\"\r\nsummary = \"hi\""
        );
        assert_eq!(c.shown, "[[meetings]]\ndate = 2026-11-23\nkind = \"call\"\nsummary = \"hi\"");
    }

    #[test]
    fn a_new_array_goes_to_the_end_of_the_file() {
        let old = "name = \"X\"\n\n[profile]\nneeds = []\n# the end\n";
        let c = edit(old, Edit::Append(event(d("2026-11-23"), "new CEO".into())));
        assert_eq!(c.text, format!("{old}\n[[events]]\ndate = 2026-11-23\ntext = \"new CEO\"\n"));
        let old = "name = \"X\"";
        let c = edit(old, Edit::Append(event(d("2026-11-23"), "x".into())));
        assert_eq!(c.text, "name = \"X\"\n\n[[events]]\ndate = 2026-11-23\ntext = \"x\"");
    }

    #[test]
    fn a_new_array_follows_a_compact_layout() {
        let old =
            "name = \"X\"\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\"\n[credit]\nrating = \"B\"\n";
        let c = edit(old, Edit::Append(event(d("2026-11-23"), "x".into())));
        assert_eq!(c.text, format!("{old}[[events]]\ndate = 2026-11-23\ntext = \"x\"\n"));
    }

    #[test]
    fn inline_arrays_are_refused() {
        let old = "name = \"X\"\nmeetings = [{ date = 2026-01-01, kind = \"call\" }]\n";
        let err = apply(old, &account(old), &call("hi")).unwrap_err();
        assert!(err.contains("inline array (accounts/x.toml:2:12)"), "{err}");
    }

    #[test]
    fn closes_a_complaint_after_its_opened_line() {
        let old = "name = \"X\"\n[[complaints]]\n  subject = \"late\"\n  opened = 2026-11-01   # by phone\n  # note\n\n[[complaints]]\nopened = 2026-11-02\n";
        let c = edit(old, Edit::CloseComplaint { which: Selector::Number(1), date: d("2026-11-20") });
        assert_eq!(
            c.text,
            "name = \"X\"\n[[complaints]]\n  subject = \"late\"\n  opened = 2026-11-01   # by phone\n  closed = 2026-11-20\n  # note\n\n[[complaints]]\nopened = 2026-11-02\n"
        );
        assert_eq!(c.summary, "closed complaint 1 (\"late\", opened 2026-11-01)");
        let c = edit(old, Edit::CloseComplaint { which: Selector::LatestOpen, date: d("2026-11-20") });
        assert!(c.text.ends_with("opened = 2026-11-02\nclosed = 2026-11-20\n"), "{}", c.text);
        let c =
            edit(old, Edit::CloseComplaint { which: Selector::Text("LATE".into()), date: d("2026-11-20") });
        assert_eq!(c.line, 5);
    }

    #[test]
    fn refuses_to_close_what_is_closed_or_missing() {
        let old =
            "name = \"X\"\n[[complaints]]\nopened = 2026-11-01\nclosed = 2026-11-02\nsubject = \"late\"\n";
        let a = account(old);
        let close =
            |which| apply(old, &a, &Edit::CloseComplaint { which, date: d("2026-11-20") }).unwrap_err();
        assert!(close(Selector::Number(1)).contains("already closed on 2026-11-02"));
        assert!(close(Selector::Number(2)).contains("there is no complaint 2"));
        assert!(close(Selector::Number(0)).contains("there is no complaint 0"));
        assert!(close(Selector::LatestOpen).contains("no open complaint"));
        assert!(close(Selector::Text("price".into())).contains("no complaint has \"price\""));
    }

    #[test]
    fn sets_an_action_status_keeping_the_comment() {
        let old = "name = \"X\"\n[[actions]]\ntitle = \"EDI\"\nstatus = 'open'   # since May\ndue = 2026-12-01\n[[actions]]\ntitle = \"Prototype\"\ndue = 2026-10-01\nmilestone = true\n";
        let c =
            edit(old, Edit::SetStatus { which: Selector::Text("edi".into()), status: ActionStatus::Done });
        assert_eq!(c.text, old.replace("'open'", "\"done\""));
        assert_eq!(c.shown, "status = \"done\"   # since May");
        assert_eq!(c.summary, "action 1 (\"EDI\"): status open → done");
        let c = edit(old, Edit::SetStatus { which: Selector::Number(2), status: ActionStatus::Dropped });
        assert_eq!(c.text, old.replace("due = 2026-10-01\n", "due = 2026-10-01\nstatus = \"dropped\"\n"));
        let a = account(old);
        let same =
            apply(old, &a, &Edit::SetStatus { which: Selector::Number(2), status: ActionStatus::Open });
        assert!(matches!(same, Ok(Outcome::Unchanged(_))));
    }

    #[test]
    fn every_entry_kind_reads_back() {
        let n = |s: &str| s.parse::<Number>().unwrap();
        let entries = [
            meeting(d("2026-11-23"), "annual-review", None, vec!["A \"B\"".into(), "C".into()]),
            complaint(d("2026-11-23"), "x".into()),
            service(d("2026-11-23"), "VMI".into(), Some(n("12000.50"))),
            event(d("2026-11-23"), "e".into()),
            satisfaction(d("2026-11-23"), n("7.5")),
            action(
                "t".into(),
                Some(d("2026-12-01")),
                ActionStatus::Open,
                true,
                Some(n("100")),
                Some(n("0.5")),
                Some("Jonas Weber".into()),
            ),
            coaching(d("2026-11-23"), "t".into(), Some("m".into()), vec!["Jonas Weber".into()]),
            cost(d("2026-11-23"), Some("fee".into()), n("-250.00")),
        ];
        let mut text = "name = \"X\"\n".to_string();
        for e in entries {
            text = edit(&text, Edit::Append(e)).text;
        }
        let a = account(&text);
        assert_eq!(a.meetings[0].attendees, vec!["A \"B\"", "C"]);
        assert_eq!(a.actions[0].assignee.as_deref(), Some("Jonas Weber"));
        assert_eq!(a.coaching[0].participants, vec!["Jonas Weber"]);
        assert_eq!(a.services[0].value.as_ref().unwrap().get_ref().value(), n("12000.50").value());
        assert!(text.contains("value = 12000.50\n"));
        assert!(a.actions[0].milestone);
        assert_eq!(a.costs[0].amount.value(), n("-250").value());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            #[test]
            fn any_text_reads_back_and_the_rest_is_kept(summary in "\\PC*|[\\x00-\\x1f\\x7f\"\\\\]*", prefix in "(# [a-z ]{0,8}\n|\n){0,3}") {
                let old = format!("{prefix}name = \"X\"\n\n[[meetings]]\ndate = 2026-01-01\nkind = \"visit\"\n{prefix}");
                let c = edit(&old, call(&summary));
                prop_assert!(c.text.starts_with(&old[..c.at]));
                prop_assert!(c.text.ends_with(&old[c.at..]));
                let a = account(&c.text);
                prop_assert_eq!(a.meetings[1].summary.as_deref(), Some(summary.as_str()));
            }
        }
    }
}
