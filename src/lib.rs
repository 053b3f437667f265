//! kam: key account management from plain-text files.
//!
//! Data flows one way: files ([`workspace`], [`config`], [`dossier`]) → a validated model → one
//! streaming pass over the sales exports ([`sales`]) → figures → renderers.

pub mod check;
pub mod config;
pub mod dates;
pub mod diag;
pub mod dossier;
pub mod edit;
pub mod fsutil;
pub mod git;
pub mod money;
pub mod sales;
pub mod tomlfile;
pub mod workspace;
pub mod xlsx;

use chrono::NaiveDate;

/// Writes a line to stderr like `eprintln!`, but never panics: a closed stderr (`kam … 2>&1 |
/// head -1`) loses the message, not the command.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Writes to stderr like `eprint!`, without a line end; never panics.
#[macro_export]
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// The environment variable that fixes "today" (`YYYY-MM-DD`) for reproducible reports and tests.
pub const TODAY_VAR: &str = "KAM_TODAY";

/// Today's date: `KAM_TODAY` when set, else the local date.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var(TODAY_VAR) {
        Ok(v) => NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{TODAY_VAR}=\"{v}\" is not a date like 2026-11-23")),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}
pub mod abc;
pub mod brief;
pub mod changes;
pub mod commands;
pub mod cube;
pub mod group;
pub mod i18n;
pub mod kpi;
pub mod layout;
pub mod margin;
pub mod markdown;
pub mod messages;
pub mod output;
pub mod overview;
pub mod parallel;
pub mod periods;
pub mod prefetch;
pub mod radar;
pub mod render;
pub mod retention;
pub mod risk;
pub mod scaffold;
pub mod team;
pub mod term;
pub mod whitespace;
