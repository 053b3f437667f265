//! The commands: each loads the workspace, makes one pass over the exports, computes its report
//! and hands it to a renderer. Problems go to stderr; the returned number is the exit code.

use crate::config::Language;
use crate::cube::{Cube, CubeSpec};
use crate::diag::Diagnostics;
use crate::layout;
use crate::margin::{MarginQuery, margin_report, sort_rows};
use crate::output::{Format, emit};
use crate::render::{Document, Style, csv, markdown};
use crate::workspace::{Options, Workspace};
use std::path::PathBuf;

/// Exit codes: done, bad input or a failed check, wrong usage.
pub const EXIT_OK: u8 = 0;
pub const EXIT_BAD_INPUT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// The global flags, resolved.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    pub options: Options,
    pub format: Format,
    pub output: Option<PathBuf>,
    /// `--lang`, overriding `[workspace] language`.
    pub language: Option<Language>,
}

fn print_diagnostics(diags: &Diagnostics) {
    for d in diags.items() {
        eprintln!("{d}");
    }
}

/// Loads the workspace; on any error prints every problem and returns the exit code.
fn load_workspace(globals: &Globals) -> Result<Workspace, u8> {
    let mut diags = Diagnostics::new();
    let ws = Workspace::load(&globals.options, &mut diags);
    print_diagnostics(&diags);
    match ws.filter(|_| !diags.has_errors()) {
        Some(ws) => Ok(ws),
        None => Err(EXIT_BAD_INPUT),
    }
}

/// Reads the exports once into a cube, handing each row also to `also`; on any error prints
/// every problem and returns the exit code.
fn read_cube(
    ws: &Workspace,
    spec: &CubeSpec,
    also: impl FnMut(&crate::sales::SaleRow<'_>),
) -> Result<Cube, u8> {
    let mut diags = Diagnostics::new();
    let cube = Cube::build_with(ws, spec, &mut diags, also);
    print_diagnostics(&diags);
    if diags.has_errors() {
        eprintln!(
            "error: the exports have problems (listed above); nothing was written. `kam check` lists them too."
        );
        return Err(EXIT_BAD_INPUT);
    }
    Ok(cube)
}

/// Loads the workspace and reads the exports once.
fn load(globals: &Globals, spec: &CubeSpec) -> Result<(Workspace, Cube), u8> {
    let ws = load_workspace(globals)?;
    let cube = read_cube(&ws, spec, |_| {})?;
    Ok((ws, cube))
}

fn language(globals: &Globals, ws: &Workspace) -> Language {
    globals.language.unwrap_or(ws.config.language)
}

/// Writes a report in the requested format; only the layout that format needs is built.
fn write(
    globals: &Globals,
    doc: impl FnOnce() -> Document,
    json: impl FnOnce() -> serde_json::Value,
    language: Language,
) -> u8 {
    let text = match globals.format {
        Format::Markdown => markdown(&doc(), &Style::new(language)),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json()).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Csv => match doc().csv_table.as_ref().map(csv) {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                eprintln!("error: cannot write CSV: {e}");
                return EXIT_BAD_INPUT;
            }
            None => {
                eprintln!("error: this report has no table to write as CSV; use --format md or json");
                return EXIT_USAGE;
            }
        },
    };
    match emit(globals.output.as_deref(), &text) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            let target = globals.output.as_ref().map_or("stdout".to_string(), |p| p.display().to_string());
            eprintln!("error: cannot write {target}: {e}");
            EXIT_BAD_INPUT
        }
    }
}

/// `kam margin`.
pub fn margin(globals: &Globals, query: &MarginQuery, sort: Option<&str>) -> u8 {
    let (ws, cube) = match load(globals, &query.cube_spec()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    for id in &query.accounts {
        if ws.account(id).is_none() {
            eprintln!("error: no account `{id}`; known accounts: {}", known_ids(&ws));
            return EXIT_BAD_INPUT;
        }
    }
    let mut report = margin_report(&ws, &cube, query);
    if let Some(field) = sort
        && let Err(msg) = sort_rows(&mut report.rows, &report.by, field)
    {
        eprintln!("error: {msg}");
        return EXIT_USAGE;
    }
    let language = language(globals, &ws);
    if report.total.unknown_cost_rows > 0 {
        eprintln!(
            "warning: {} of {} rows ({} {} net revenue) have no cost data, so DB I–III are unknown for their groups; \
             map a `cost`, `unit_cost` or `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml",
            report.total.unknown_cost_rows,
            report.total.rows,
            Style::new(language).money(report.total.unknown_cost_net),
            ws.config.currency
        );
    }
    write(
        globals,
        || layout::margin_document(&report, language, &ws.config.name),
        || layout::margin_json(&report),
        language,
    )
}

/// The account ids of the workspace, for messages.
pub fn known_ids(ws: &Workspace) -> String {
    if ws.accounts.is_empty() {
        return "none".to_string();
    }
    ws.accounts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// `kam abc`.
pub fn abc(
    globals: &Globals,
    unit: crate::abc::AbcUnit,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> u8 {
    let spec = CubeSpec { from, to, ..CubeSpec::default() };
    let (ws, cube) = match load(globals, &spec) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let report = crate::abc::abc_report(&ws, &cube, unit, from, to);
    let language = language(globals, &ws);
    write(
        globals,
        || layout::abc_document(&report, language, &ws.config.name),
        || layout::abc_json(&report),
        language,
    )
}

/// `kam accounts`.
pub fn accounts(globals: &Globals, to: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> u8 {
    let (ws, cube) = match load(globals, &CubeSpec::default()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let report = crate::overview::accounts_report(&ws, &cube, to, today);
    let language = language(globals, &ws);
    write(
        globals,
        || layout::accounts_document(&report, language, &ws.config.name),
        || layout::accounts_json(&report),
        language,
    )
}

/// `kam retention`: the retention and churn table, or with `cohorts` the cohort matrix.
pub fn retention(globals: &Globals, query: &crate::retention::RetentionQuery, cohorts: bool) -> u8 {
    let (ws, cube) = match load(globals, &CubeSpec::default()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if query.by != crate::retention::Unit::Customer && ws.accounts.is_empty() {
        eprintln!(
            "warning: the workspace has no key accounts, so --by {} counts nothing; use --by customer or add dossiers under {}/",
            query.by.name(),
            ws.config.accounts_dir
        );
    }
    let language = language(globals, &ws);
    if cohorts {
        let report = crate::retention::cohort_report(&ws, &cube, query);
        write(
            globals,
            || layout::cohorts_document(&report, language, &ws.config.name),
            || layout::cohorts_json(&report),
            language,
        )
    } else {
        let report = crate::retention::retention_report(&ws, &cube, query);
        write(
            globals,
            || layout::retention_document(&report, language, &ws.config.name),
            || layout::retention_json(&report),
            language,
        )
    }
}

/// `kam kpi`: the KPI report of one month per owner and for the team.
pub fn kpi(globals: &Globals, month: crate::dates::Month, owner: Option<&str>) -> u8 {
    let (ws, cube) = match load(globals, &CubeSpec::default()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let report = match crate::kpi::kpi_report(&ws, &cube, month, owner) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("error: {msg}");
            return EXIT_BAD_INPUT;
        }
    };
    if let Some((first, last)) = cube.months()
        && (month > last || month < first)
    {
        eprintln!(
            "warning: the exports cover {first} to {last}; {month} lies outside, so its sales figures are 0"
        );
    }
    if report.total.db2_ytd.is_none() || report.total.db2_ytd_prev_year.is_none() {
        eprintln!(
            "warning: rows without cost data make DB II unknown for some owners; map a `cost`, `unit_cost` or \
             `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml"
        );
    }
    let language = language(globals, &ws);
    write(
        globals,
        || layout::kpi_document(&report, language, &ws.config.name),
        || layout::kpi_json(&report),
        language,
    )
}

/// `kam brief ID` or `kam brief --upcoming DAYS -o DIR`.
pub fn brief(
    globals: &Globals,
    id: Option<&str>,
    year: Option<i32>,
    upcoming: Option<i64>,
    today: chrono::NaiveDate,
) -> u8 {
    use chrono::Datelike;
    if globals.format != Format::Markdown {
        eprintln!("error: the brief is a Markdown document; drop --format (or use --format md)");
        return EXIT_USAGE;
    }
    let ws = match load_workspace(globals) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let accounts: Vec<&crate::dossier::Account> = match (id, upcoming) {
        (Some(id), _) => match ws.account(id) {
            Some(a) => vec![a],
            None => {
                let hint = crate::diag::closest(id, ws.accounts.iter().map(|a| a.id.as_str()))
                    .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
                eprintln!("error: no account `{id}`{hint} Known accounts: {}", known_ids(&ws));
                return EXIT_BAD_INPUT;
            }
        },
        (None, Some(days)) => crate::brief::upcoming(&ws, today, days),
        (None, None) => {
            eprintln!("error: name an account (kam brief ID) or use --upcoming DAYS -o DIR");
            return EXIT_USAGE;
        }
    };
    let dir = match (upcoming, &globals.output) {
        (Some(_), Some(dir)) => Some(dir.clone()),
        (Some(_), None) => {
            eprintln!("error: --upcoming writes one file per account: name a folder with -o DIR");
            return EXIT_USAGE;
        }
        (None, _) => None,
    };
    if accounts.is_empty() {
        eprintln!("no annual review within the next {} days", upcoming.unwrap_or(0));
        return EXIT_OK;
    }
    let mut book = crate::brief::OrderBook::for_accounts(accounts.iter().copied());
    let spec = CubeSpec { by_category: true, ..CubeSpec::default() };
    let cube = match read_cube(&ws, &spec, |row| book.add(row)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let year = year.unwrap_or_else(|| cube.last_date.unwrap_or(today).year());
    let language = language(globals, &ws);
    let style = Style::new(language);
    if let Some(dir) = dir {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return EXIT_BAD_INPUT;
        }
        for account in accounts {
            let b = crate::brief::brief(&ws, &cube, &book, account, year, today);
            let doc = layout::brief_document(&b, language, &ws.config.margin, &ws.config.name);
            let date = account.review.as_ref().and_then(|r| r.date).map_or(String::new(), |d| d.to_string());
            let path = dir.join(format!("{}-{date}.md", account.id));
            if let Err(e) = crate::output::write_atomic(&path, markdown(&doc, &style).as_bytes()) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_BAD_INPUT;
            }
            eprintln!("wrote {}", path.display());
        }
        return EXIT_OK;
    }
    let b = crate::brief::brief(&ws, &cube, &book, accounts[0], year, today);
    if !b.has_sales_in_year {
        eprintln!("warning: account `{}` has no sales in {year} in the exports", accounts[0].id);
    }
    write(
        globals,
        || layout::brief_document(&b, language, &ws.config.margin, &ws.config.name),
        || serde_json::Value::Null,
        language,
    )
}
