//! The commands: each loads the workspace, makes one pass over the exports, computes its report
//! and hands it to a renderer. Warnings go to stderr as they are found; a command that cannot do
//! its work returns a [`Failure`]: its exit code, the problems found and what went wrong, printed
//! in one place ([`Failure::print`]).

use crate::config::Language;
use crate::cube::{Cube, CubeSpec};
use crate::diag::Diagnostics;
use crate::layout;
use crate::margin::{MarginQuery, margin_groups, sort_rows};
use crate::output::{Format, WriteJson, emit, emit_with};
use crate::render::{Document, Style, markdown, write_csv, write_markdown};
use crate::workspace::{Options, Workspace};
use anyhow::Context;
use std::path::PathBuf;

/// Exit codes: done, bad input or a failed check, wrong usage.
pub const EXIT_OK: u8 = 0;
pub const EXIT_BAD_INPUT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Why a command did not do its work: the exit code, the problems found (printed first, each with
/// its file and line) and a closing message. Nothing was written.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub diagnostics: Vec<crate::diag::Diagnostic>,
    pub message: Option<crate::messages::Message>,
}

impl Failure {
    /// Bad input: exit code 1.
    pub fn input(message: impl Into<crate::messages::Message>) -> Failure {
        Failure { code: EXIT_BAD_INPUT, diagnostics: Vec::new(), message: Some(message.into()) }
    }

    /// Wrong usage of the command line: exit code 2.
    pub fn usage(message: impl Into<crate::messages::Message>) -> Failure {
        Failure { code: EXIT_USAGE, diagnostics: Vec::new(), message: Some(message.into()) }
    }

    /// Problems listed with their places, and a closing message if any: exit code 1.
    pub fn listed(diagnostics: &Diagnostics, message: Option<crate::messages::Message>) -> Failure {
        Failure { code: EXIT_BAD_INPUT, diagnostics: diagnostics.items().to_vec(), message }
    }

    /// Prints the problems and the message to stderr.
    pub fn print(&self) {
        for d in &self.diagnostics {
            crate::say!("{d}");
        }
        if let Some(message) = &self.message {
            crate::say!("{}: {message}", crate::messages::severity_word(true));
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::input(format!("{e:#}"))
    }
}

impl From<crate::edit::Refusal> for Failure {
    fn from(r: crate::edit::Refusal) -> Failure {
        Failure { code: EXIT_BAD_INPUT, diagnostics: r.diagnostics, message: Some(r.message.into()) }
    }
}

/// What a command returns.
pub type Outcome = Result<(), Failure>;

/// The exit code of an outcome, once its failure is printed.
pub fn finish(outcome: Outcome) -> u8 {
    match outcome {
        Ok(()) => EXIT_OK,
        Err(failure) => {
            failure.print();
            failure.code
        }
    }
}

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
        crate::say!("{d}");
    }
}

/// Loads the workspace; any error fails the command with every problem found. Refuses an output
/// file that is one of the workspace's files.
fn load_workspace(globals: &Globals) -> Result<Workspace, Failure> {
    let mut diags = Diagnostics::new();
    let ws = Workspace::load(&globals.options, &mut diags);
    let Some(ws) = ws.filter(|_| !diags.has_errors()) else {
        return Err(Failure::listed(&diags, None));
    };
    print_diagnostics(&diags);
    if let Some(output) = &globals.output {
        refuse_input(&Workspace::inputs_of(&globals.options), output)?;
    }
    Ok(ws)
}

/// Refuses to write `output` when it is a file the command reads.
fn refuse_input(inputs: &crate::fsutil::Inputs, output: &std::path::Path) -> Outcome {
    match inputs.overwritten_by(output) {
        Some(input) => Err(Failure::usage(crate::msg!(
            "-o {output} would overwrite {input}, which this command reads; choose another file",
            output = output.display().to_string(),
            input = crate::diag::display_path(input)
        ))),
        None => Ok(()),
    }
}

/// Reads the exports once into a cube, folding each row also into sinks made by `also`; any
/// error fails the command with every problem found.
fn read_cube<A: crate::sales::RowSink>(
    ws: &Workspace,
    spec: &CubeSpec,
    also: impl Fn() -> A + Sync,
) -> Result<(Cube, A), Failure> {
    let mut diags = Diagnostics::new();
    let cube = Cube::build_with(ws, spec, &mut diags, also);
    if diags.has_errors() {
        return Err(Failure::listed(
            &diags,
            Some(crate::msg!(
                "the exports have problems (listed above); nothing was written. `kam check` lists them too."
            )),
        ));
    }
    print_diagnostics(&diags);
    Ok(cube)
}

/// Loads the workspace and reads the exports once.
fn load(globals: &Globals, spec: &CubeSpec) -> Result<(Workspace, Cube), Failure> {
    let ws = load_workspace(globals)?;
    let (cube, ()) = read_cube(&ws, spec, || ())?;
    Ok((ws, cube))
}

fn language(globals: &Globals, ws: &Workspace) -> Language {
    globals.language.unwrap_or(ws.config.language)
}

/// Writes a report in the requested format; only the layout that format needs is built, and the
/// text goes out as it is written.
fn write<'d, J: WriteJson>(
    globals: &Globals,
    doc: impl FnOnce() -> Document<'d>,
    json: impl FnOnce() -> J,
    language: Language,
) -> Outcome {
    let result = match globals.format {
        Format::Markdown => {
            let doc = doc();
            emit_with(globals.output.as_deref(), |out| write_markdown(&doc, &Style::new(language), out))
        }
        Format::Json => {
            let json = json();
            emit_with(globals.output.as_deref(), |out| json.write_json(out))
        }
        Format::Csv => {
            let doc = doc();
            let Some(table) = doc.csv_table.as_ref() else {
                return Err(Failure::usage(crate::msg!(
                    "this report has no table to write as CSV; use --format md or json"
                )));
            };
            emit_with(globals.output.as_deref(), |out| write_csv(table, out).map_err(csv_io))
        }
        Format::Xlsx => {
            let Some(output) = globals.output.as_deref() else {
                return Err(Failure::usage(crate::msg!(
                    "--format xlsx writes a workbook: name its file with -o FILE.xlsx"
                )));
            };
            let doc = doc();
            let bytes = crate::xlsx::workbook(&doc, language).map_err(|e| {
                Failure::input(crate::msg!("cannot make the workbook: {e}", e = e.to_string()))
            })?;
            emit_with(Some(output), |out| out.write_all(&bytes))
        }
        Format::Term => {
            let doc = doc();
            emit_with(globals.output.as_deref(), |out| {
                crate::term::write_terminal(&doc, &Style::new(language), out)
            })
        }
    };
    result.with_context(|| format!("cannot write {}", target_name(globals))).map_err(Failure::from)
}

/// Where the report goes, for messages.
fn target_name(globals: &Globals) -> String {
    globals.output.as_ref().map_or("stdout".to_string(), |p| p.display().to_string())
}

/// The I/O error inside a CSV error, so that a closed pipe is still told apart.
fn csv_io(e: csv::Error) -> std::io::Error {
    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io,
            _ => unreachable!("checked to be an I/O error"),
        }
    } else {
        std::io::Error::other(e)
    }
}

/// `kam margin`.
pub fn margin(globals: &Globals, query: &MarginQuery, sort: Option<&str>, all_figures: bool) -> Outcome {
    let (ws, cube) = load(globals, &query.cube_spec())?;
    for id in &query.accounts {
        if ws.account(id).is_none() {
            return Err(no_such_account(&ws, id));
        }
    }
    let groups = margin_groups(&ws, &cube, query);
    let language = language(globals, &ws);
    let written = match sort {
        // Sorted by a figure, the rows are made and held; else each is made as it is written.
        Some(field) => {
            let mut report = groups.report(&cube);
            sort_rows(&mut report.rows, &report.by, field).map_err(Failure::usage)?;
            write_margin(globals, &ws, &report, language, all_figures)
        }
        None => write_margin(globals, &ws, &groups.rows_report(&cube), language, all_figures),
    };
    // The aggregates are not freed one allocation at a time: kam exits once the report is
    // written, and the process's end frees them at once.
    std::mem::forget(cube);
    written
}

/// Writes a margin report, its note on rows without cost data first.
fn write_margin<R: crate::margin::MarginRows>(
    globals: &Globals,
    ws: &Workspace,
    report: &crate::margin::MarginReport<R>,
    language: Language,
    all_figures: bool,
) -> Outcome {
    if report.total.unknown_cost_rows > 0 {
        crate::say!(
            "{}: {}",
            crate::messages::severity_word(false),
            crate::msg!(
                "{n} of {rows} rows ({amount} {currency} net revenue) have no cost data, so DB I–III are unknown for their groups; map a `cost`, `unit_cost` or `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml",
                n = report.total.unknown_cost_rows,
                rows = report.total.rows,
                amount = crate::messages::Arg::Money(report.total.unknown_cost_net),
                currency = &ws.config.currency
            )
        );
    }
    write(
        globals,
        || layout::margin_document(report, language, &ws.config.name, all_figures),
        || layout::margin_json(report),
        language,
    )
}

/// No account `id`: the closest id, and the known ones.
fn no_such_account(ws: &Workspace, id: &str) -> Failure {
    let known = known_ids(ws);
    Failure::input(match crate::diag::closest(id, ws.accounts.iter().map(|a| a.id.as_str())) {
        Some(c) => crate::msg!(
            "no account `{id}`; did you mean `{c}`? Known accounts: {known}",
            id = id,
            c = c,
            known = known
        ),
        None => crate::msg!("no account `{id}`. Known accounts: {known}", id = id, known = known),
    })
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
    measure: crate::abc::Measure,
) -> Outcome {
    // Orders (for DB II) need the invoices.
    let without_invoices = measure == crate::abc::Measure::NetRevenue;
    let spec = CubeSpec { from, to, without_invoices, ..CubeSpec::default() };
    let (ws, cube) = load(globals, &spec)?;
    let (from, to) =
        if from.is_none() && to.is_none() { crate::abc::default_range(&cube) } else { (from, to) };
    let report = crate::abc::abc_report(&ws, &cube, unit, from, to, measure).map_err(Failure::input)?;
    let language = language(globals, &ws);
    write(
        globals,
        || layout::abc_document(&report, language, &ws.config.name),
        || layout::abc_json(&report),
        language,
    )
}

/// `kam accounts`.
pub fn accounts(globals: &Globals, to: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> Outcome {
    let ws = load_workspace(globals)?;
    let (cube, order_days) =
        read_cube(&ws, &CubeSpec::default(), crate::risk::report::OrderDayBook::default)?;
    let mut report = crate::overview::accounts_report(&ws, &cube, to, today);
    let risks = crate::risk::report::account_risks(&ws, &cube, &order_days, report.current.1, today);
    for line in &mut report.rows {
        line.risk = risks.iter().find(|r| r.row.id == line.id).map(crate::radar::RiskPlace::of);
    }
    let language = language(globals, &ws);
    write(
        globals,
        || layout::accounts_document(&report, language, &ws.config.name),
        || layout::accounts_json(&report),
        language,
    )
}

/// `kam retention`: the retention and churn table, or with `cohorts` the cohort matrix.
/// `cohorts` is the number of months since the first purchase the Markdown matrix shows.
pub fn retention(
    globals: &Globals,
    query: &crate::retention::RetentionQuery,
    cohorts: Option<usize>,
) -> Outcome {
    let (ws, cube) = load(globals, &query.cube_spec())?;
    if query.by != crate::retention::Unit::Customer && ws.accounts.is_empty() {
        crate::say!(
            "{}: {}",
            crate::messages::severity_word(false),
            crate::msg!(
                "the workspace has no key accounts, so --by {by} counts nothing; use --by customer or add dossiers under {dir}/",
                by = query.by.name(),
                dir = &ws.config.accounts_dir
            )
        );
    }
    let language = language(globals, &ws);
    if let Some(months) = cohorts {
        let report = crate::retention::cohort_report(&ws, &cube, query);
        write(
            globals,
            || layout::cohorts_document(&report, language, &ws.config.name, months),
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
/// `kam changes ID`.
pub fn changes(
    globals: &Globals,
    id: &str,
    since: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Outcome {
    if matches!(globals.format, Format::Csv) {
        return Err(Failure::usage(crate::msg!(
            "this report has no table to write as CSV; use --format md or json"
        )));
    }
    let ws = load_workspace(globals)?;
    let Some(account) = ws.account(id) else { return Err(no_such_account(&ws, id)) };
    let (cube, ()) = read_cube(&ws, &CubeSpec::default(), || ())?;
    let report = crate::changes::report(&ws, &cube, account, since, today);
    let language = language(globals, &ws);
    if let Err(why) = &report.history {
        crate::say!("{}", crate::markdown::plain(&crate::layout::no_history_text(language, why)));
    }
    write(globals, || layout::changes_document(&report, language), || layout::changes_json(&report), language)
}

/// `kam whitespace ID`.
pub fn whitespace(globals: &Globals, id: &str) -> Outcome {
    if matches!(globals.format, Format::Csv) {
        return Err(Failure::usage(crate::msg!(
            "this report has no table to write as CSV; use --format md or json"
        )));
    }
    let ws = load_workspace(globals)?;
    let Some(account) = ws.account(id) else { return Err(no_such_account(&ws, id)) };
    let spec = CubeSpec { without_invoices: true, ..CubeSpec::default() };
    let (cube, year) = read_cube(&ws, &spec, crate::whitespace::CategoryYear::default)?;
    let Some((_, last)) = cube.months() else {
        return Err(Failure::input(crate::msg!(
            "the exports hold no sales, so there is no white space to show"
        )));
    };
    let report = crate::whitespace::whitespace(&ws, &year, account, last);
    let language = language(globals, &ws);
    write(
        globals,
        || layout::whitespace_document(&report, language),
        || layout::whitespace_json(&report),
        language,
    )
}

/// `kam risk` and `kam risk --backtest`.
pub fn risk(
    globals: &Globals,
    today: chrono::NaiveDate,
    by: crate::risk::report::RiskUnit,
    at: Option<crate::dates::Month>,
    owner: Option<&str>,
    backtest: Option<u32>,
) -> Outcome {
    let ws = load_workspace(globals)?;
    if let Some(name) = owner
        && let Some(failure) = unknown_owner(&ws, name)
    {
        return Err(failure);
    }
    let (cube, book) = read_cube(&ws, &CubeSpec::default(), crate::risk::report::OrderDayBook::default)?;
    let Some((first, last)) = cube.months() else {
        return Err(Failure::input(crate::msg!("the exports hold no sales, so there is nobody to rank")));
    };
    if let Some(m) = at
        && (m < first || m > last)
    {
        return Err(Failure::usage(crate::msg!(
            "--at {month} lies outside the exports, which cover {first} to {last}; choose a month of that range",
            month = m.to_string(),
            first = first.to_string(),
            last = last.to_string()
        )));
    }
    let language = language(globals, &ws);
    match backtest {
        Some(horizon) => {
            let bt = crate::risk::report::run_backtest(&ws, &cube, &book, horizon, at);
            write(
                globals,
                || layout::backtest_document(&bt, language, &ws.config.name),
                || layout::backtest_json(&bt),
                language,
            )
        }
        None => {
            let mut report =
                crate::risk::report::risk_report(&ws, &cube, &book, by, at.unwrap_or(last), owner, today);
            report.measured = crate::risk::report::measure(&ws, &cube, &book);
            write(
                globals,
                || layout::risk_document(&report, language, &ws.config.name),
                || layout::risk_json(&report),
                language,
            )
        }
    }
}

/// The error for an owner no account has; `None` when some account has it.
fn unknown_owner(ws: &Workspace, name: &str) -> Option<Failure> {
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    if ws.accounts.iter().any(|a| a.owner.as_deref().is_some_and(|o| same(o, name))) {
        return None;
    }
    Some(Failure::usage(crate::msg!(
        "no account has the owner \"{name}\"; owners: {owners}",
        name = name,
        owners = crate::retention::owners(ws)
            .iter()
            .map(|o| o.machine().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

pub fn kpi(globals: &Globals, month: crate::dates::Month, owner: Option<&str>) -> Outcome {
    let (ws, cube) = load(globals, &CubeSpec::default())?;
    // A month the exports do not cover would read as a month without sales: a churn of 100 %.
    match cube.months() {
        Some((first, last)) if month < first || month > last => {
            return Err(Failure::usage(crate::msg!(
                "--month {month} lies outside the exports, which cover {first} to {last}; choose a month of that range",
                month = month.to_string(),
                first = first.to_string(),
                last = last.to_string()
            )));
        }
        None => {
            return Err(Failure::input(crate::msg!(
                "the exports hold no sales, so there is no month to report on (--month {month})",
                month = month.to_string()
            )));
        }
        Some(_) => {}
    }
    let report = crate::kpi::kpi_report(&ws, &cube, month, owner).map_err(Failure::input)?;
    if report.total.db2_ytd.is_none() || report.total.db2_ytd_prev_year.is_none() {
        crate::say!(
            "{}: {}",
            crate::messages::severity_word(false),
            crate::msg!(
                "rows without cost data make DB II unknown for some owners; map a `cost`, `unit_cost` or `profit` column under [import.columns], or set `default_cost_rate` under [margin] in kam.toml"
            )
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

/// `kam radar`: what needs attention as of `today`; with `fail_on`, exit 1 when an item of
/// that severity or higher is listed.
pub fn radar(
    globals: &Globals,
    today: chrono::NaiveDate,
    days: Option<u32>,
    owner: Option<&str>,
    assignee: Option<&str>,
    fail_on: Option<crate::radar::Severity>,
) -> Outcome {
    let ws = load_workspace(globals)?;
    let book = crate::radar::RadarBook::for_workspace(&ws);
    let (cube, (mut book, order_days)) = read_cube(&ws, &CubeSpec::default(), || {
        (book.empty_copy(), crate::risk::report::OrderDayBook::default())
    })?;
    book.take_order_days(&order_days);
    let days = days.unwrap_or(ws.config.radar.days);
    let risks = match cube.months() {
        Some((_, last)) => crate::risk::report::account_risks(&ws, &cube, &order_days, last, today),
        None => Vec::new(),
    };
    let mut report = crate::radar::radar(&ws, &cube, &book, &risks, today, days);
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    if let Some(name) = owner {
        if let Some(failure) = unknown_owner(&ws, name) {
            return Err(failure);
        }
        report.items.retain(|i| i.owner.as_deref().is_some_and(|o| same(o, name)));
    }
    if let Some(name) = assignee {
        // The people who can have tasks: owners, team members and assignees.
        let mut people: Vec<String> = Vec::new();
        for a in &ws.accounts {
            let names =
                a.owner.iter().chain(&a.team).chain(a.actions.iter().filter_map(|x| x.assignee.as_ref()));
            for n in names.map(|n| n.trim()).filter(|n| !n.is_empty()) {
                if !people.iter().any(|p| same(p, n)) {
                    people.push(n.to_string());
                }
            }
        }
        if !people.iter().any(|p| same(p, name)) {
            people.sort();
            return Err(Failure::usage(crate::msg!(
                "nobody called \"{name}\" owns an account, is in a team or has an action; people: {people}",
                name = name,
                people = people.join(", ")
            )));
        }
        report.items.retain(|i| i.assignee.as_deref().is_some_and(|a| same(a, name)));
    }
    let language = language(globals, &ws);
    write(
        globals,
        || layout::radar_document(&report, language, &ws.config.name),
        || layout::radar_json(&report, language),
        language,
    )?;
    match fail_on {
        Some(level) if report.items.iter().any(|i| i.severity <= level) => {
            Err(Failure { code: EXIT_BAD_INPUT, diagnostics: Vec::new(), message: None })
        }
        _ => Ok(()),
    }
}

/// `kam team`: a senior KAM's team, member by member.
pub fn team(globals: &Globals, senior: Option<&str>, today: chrono::NaiveDate) -> Outcome {
    let ws = load_workspace(globals)?;
    let teams = crate::team::teams(&ws, senior, today).map_err(Failure::usage)?;
    let language = language(globals, &ws);
    write(
        globals,
        || layout::team_document(&teams, language, &ws.config.name, today),
        || layout::team_json(&teams),
        language,
    )
}

/// `kam brief ID` or `kam brief --upcoming DAYS -o DIR`.
pub fn brief(
    globals: &Globals,
    id: Option<&str>,
    year: Option<i32>,
    upcoming: Option<i64>,
    customer: bool,
    today: chrono::NaiveDate,
) -> Outcome {
    use chrono::Datelike;
    if customer
        && (matches!(globals.format, Format::Csv | Format::Json | Format::Term)
            || (upcoming.is_some() && globals.format != Format::Markdown))
    {
        return Err(Failure::usage(crate::msg!(
            "the customer folder is a Markdown document (--format md) or, for one account, a workbook (--format xlsx -o FILE.xlsx)"
        )));
    }
    if !customer
        && (matches!(globals.format, Format::Csv | Format::Xlsx | Format::Term)
            || (upcoming.is_some() && globals.format != Format::Markdown))
    {
        return Err(Failure::usage(crate::msg!(
            "the brief is a Markdown document (--format md) or, for one account, its figures as data (--format json)"
        )));
    }
    if upcoming.is_some() && globals.output.is_none() {
        return Err(Failure::usage(crate::msg!(
            "--upcoming writes one file per account: name a folder with -o DIR"
        )));
    }
    let mut diags = Diagnostics::new();
    let ws = Workspace::load(&globals.options, &mut diags);
    let Some(ws) = ws.filter(|_| !diags.has_errors()) else {
        return Err(Failure::listed(&diags, None));
    };
    print_diagnostics(&diags);
    let accounts: Vec<&crate::dossier::Account> = match (id, upcoming) {
        (Some(id), _) => match ws.account(id) {
            Some(a) => vec![a],
            None => return Err(no_such_account(&ws, id)),
        },
        (None, Some(days)) => crate::brief::upcoming(&ws, today, days),
        (None, None) => {
            return Err(Failure::usage(crate::msg!(
                "name an account (kam brief ID) or use --upcoming DAYS -o DIR"
            )));
        }
    };
    let dir = match upcoming {
        Some(_) => globals.output.clone(),
        None => {
            if let Some(output) = &globals.output {
                refuse_input(&Workspace::inputs_of(&globals.options), output)?;
            }
            None
        }
    };
    if accounts.is_empty() {
        crate::say!(
            "{}",
            crate::msg!("no annual review within the next {days} days", days = upcoming.unwrap_or(0))
        );
        return Ok(());
    }
    let books = crate::brief::OrderBook::for_accounts(accounts.iter().copied());
    // The accounts' own rows by category; the white space compares them with every customer's
    // categories of the last 12 months, which the pass gathers beside.
    let detail = accounts.iter().flat_map(|a| a.customer_ids.iter()).map(|c| c.trim().to_string()).collect();
    let spec = CubeSpec { by_category: true, detail_customers: Some(detail), ..CubeSpec::default() };
    let (cube, ((book, order_days), categories)) = read_cube(&ws, &spec, || {
        (
            (books.empty_copy(), crate::risk::report::OrderDayBook::default()),
            crate::whitespace::CategoryYear::default(),
        )
    })?;
    let year = year.unwrap_or_else(|| cube.last_date.unwrap_or(today).year());
    let risks = match cube.months() {
        Some((_, last)) => crate::risk::report::account_risks(&ws, &cube, &order_days, last, today),
        None => Vec::new(),
    };
    let risk_of = |id: &str| risks.iter().find(|r| r.row.id == id).cloned();
    let whitespace_of = |a: &crate::dossier::Account| {
        cube.months().map(|(_, last)| crate::whitespace::whitespace(&ws, &categories, a, last))
    };
    let language = language(globals, &ws);
    let style = Style::new(language);
    if let Some(dir) = dir {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let inputs = Workspace::inputs_of(&globals.options);
        for account in accounts {
            let mut b = crate::brief::brief(&ws, &cube, &book, account, year, today);
            b.risk = risk_of(&account.id);
            b.whitespace = whitespace_of(account);
            b.changes = Some(crate::changes::report(&ws, &cube, account, None, today));
            let doc = if customer {
                layout::customer_brief_document(&b, language, &ws.config.name)
            } else {
                layout::brief_document(&b, language, &ws.config.margin, &ws.config.name)
            };
            let date = account.review.as_ref().and_then(|r| r.date).map_or(String::new(), |d| d.to_string());
            let suffix = if customer { "-customer" } else { "" };
            let path = dir.join(format!("{}-{date}{suffix}.md", account.id));
            refuse_input(&inputs, &path)?;
            crate::fsutil::replace(&path, markdown(&doc, &style).as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            crate::say!("{}", crate::msg!("wrote {file}", file = path.display().to_string()));
        }
        return Ok(());
    }
    let mut b = crate::brief::brief(&ws, &cube, &book, accounts[0], year, today);
    b.risk = risk_of(&accounts[0].id);
    b.whitespace = whitespace_of(accounts[0]);
    b.changes = Some(crate::changes::report(&ws, &cube, accounts[0], None, today));
    if !b.has_sales_in_year {
        crate::say!(
            "{}: {}",
            crate::messages::severity_word(false),
            crate::msg!(
                "account `{id}` has no sales in {year} in the exports",
                id = &accounts[0].id,
                year = year
            )
        );
    }
    write(
        globals,
        || {
            if customer {
                layout::customer_brief_document(&b, language, &ws.config.name)
            } else {
                layout::brief_document(&b, language, &ws.config.margin, &ws.config.name)
            }
        },
        || layout::brief_json(&b),
        language,
    )
}

// ---------------------------------------------------------------------------------------------
// Keeping dossiers from the shell: kam init, kam new, kam log; kam completions, kam man
// ---------------------------------------------------------------------------------------------

/// `-o FILE` is for reports and pages; the commands that edit dossiers refuse it.
fn refuse_output_file(globals: &Globals, command: &str) -> Outcome {
    match &globals.output {
        Some(_) => Err(Failure::usage(crate::msg!(
            "kam {command} writes no report; -o FILE does not apply",
            command = command
        ))),
        None => Ok(()),
    }
}

/// The accounts folder of the workspace (`-C DIR` or found upwards; `accounts_dir` of kam.toml),
/// and whether the workspace has a kam.toml. Prints why not on error.
fn accounts_folder(globals: &Globals) -> Result<(PathBuf, bool), Failure> {
    let root = crate::workspace::find_root(globals.options.dir.as_deref()).map_err(Failure::input)?;
    let config_path = root.join(crate::config::CONFIG_FILE);
    if !config_path.is_file() {
        let defaults = crate::config::Config::defaults("workspace");
        return Ok((root.join(defaults.accounts_dir), false));
    }
    let mut diags = Diagnostics::new();
    match crate::config::Config::load(&config_path, "workspace", &mut diags) {
        Some(config) if !diags.has_errors() => Ok((root.join(config.accounts_dir), true)),
        _ => Err(Failure::listed(
            &diags,
            Some(crate::msg!(
                "{file} has errors (listed above), so the accounts folder is unsure; nothing was written",
                file = crate::diag::display_path(&config_path)
            )),
        )),
    }
}

/// `kam init [DIR]`: a new workspace, and the next steps on stderr.
pub fn init(
    globals: &Globals,
    dir: Option<&std::path::Path>,
    name: Option<&str>,
    currency: Option<&str>,
) -> Outcome {
    refuse_output_file(globals, "init")?;
    let dir = match (globals.options.dir.as_deref(), dir) {
        (Some(base), Some(d)) => base.join(d),
        (Some(base), None) => base.to_path_buf(),
        (None, Some(d)) => d.to_path_buf(),
        (None, None) => PathBuf::from("."),
    };
    let language = globals.language.unwrap_or_default();
    let done =
        crate::scaffold::init(&dir, name, language, currency.unwrap_or("EUR")).map_err(Failure::input)?;
    crate::messages::set_language(language, true);
    let shown = crate::diag::display_path(&done.root);
    let mut msg = crate::msg!("Created a kam workspace in {folder}:", folder = &shown).to_string();
    msg.push('\n');
    let what = |file: &str| match file {
        "kam.toml" => {
            crate::msg!(
                "the settings, each explained: name, language, the sales exports and how to read them"
            )
        }
        "accounts/" => crate::msg!("one dossier per key account"),
        "accounts/example.toml" => {
            crate::msg!("an example dossier with every key explained: rename it or start anew with kam new")
        }
        "reports/" => crate::msg!("for generated reports (kept out of git)"),
        ".gitignore" => crate::msg!("keeps reports/ and kam's lock file out of git"),
        _ => crate::messages::Message::none(),
    };
    for file in &done.created {
        msg.push_str(&format!("  {file:<23}{}\n", what(file)));
    }
    if done.gitignore_extended {
        msg.push_str(&format!(
            "  .gitignore             {}\n",
            crate::msg!("added reports/ and kam's lock file")
        ));
    }
    if let Some(why) = &done.example_skipped {
        msg.push_str(&format!("  ({})\n", crate::msg!("no example dossier: {why}", why = why)));
    }
    let mut steps: Vec<String> = Vec::new();
    if shown != "." {
        let quoted = if shown.contains(char::is_whitespace) { format!("\"{shown}\"") } else { shown.clone() };
        steps.push(format!("cd {quoted}"));
    }
    steps.push(
        crate::msg!(
            "Put the CSV sales exports of your ERP in sales/ and describe their columns under [import] in kam.toml."
        )
        .to_string(),
    );
    steps.push(format!(
        "{}\n       kam new nordwind --name \"Nordwind Handels GmbH\" --owner \"Anna Berg\" --customer-id 10042",
        crate::msg!("Add a dossier per key account:")
    ));
    steps.push(
        crate::msg!("Run kam check, then kam accounts, kam margin --by account --period year, kam abc.")
            .to_string(),
    );
    steps.push(format!(
        "{}\n       kam log nordwind meeting --kind call --summary \"{}\"",
        crate::msg!("Keep the dossiers up to date from the shell:"),
        crate::msg!("Talked about the framework contract")
    ));
    steps.push(format!(
        "{} git init && git add -A && git commit -m \"kam workspace\"",
        crate::msg!("Keep the workspace in git:")
    ));
    msg.push_str(&crate::msg!("Next steps (every command's --help has examples):").to_string());
    msg.push('\n');
    for (i, step) in steps.iter().enumerate() {
        msg.push_str(&format!("  {}. {step}\n", i + 1));
    }
    crate::say_raw!("{msg}");
    Ok(())
}

/// `kam new ID --name NAME …`: a new dossier from the commented template.
pub fn new_account(globals: &Globals, account: &crate::scaffold::NewAccount) -> Outcome {
    refuse_output_file(globals, "new")?;
    let (dir, has_config) = accounts_folder(globals)?;
    // The dossier's comments in the language of messages: the workspace's, or --lang.
    let created = crate::scaffold::new_account(&dir, account, crate::messages::language())?;
    for w in &created.warnings {
        crate::say!("{}: {w}", crate::messages::severity_word(false));
    }
    if !has_config {
        crate::say!(
            "{}",
            crate::msg!(
                "note: no kam.toml here or in a folder above, so the dossier went to {dir}; `kam init` makes a workspace",
                dir = crate::diag::display_path(&dir)
            )
        );
    }
    crate::say!(
        "{}",
        crate::msg!(
            "created {file}: fill in what you know; `kam log {id} …` adds meetings, complaints, services and more",
            file = crate::diag::display_path(&created.path),
            id = &account.id
        )
    );
    Ok(())
}

/// `kam log ID KIND …`: adds an entry to a dossier (or closes a complaint, sets an action's
/// status) and prints what it added.
pub fn log(globals: &Globals, id: &str, edit: &crate::edit::Edit, dry_run: bool) -> Outcome {
    refuse_output_file(globals, "log")?;
    let (dir, has_config) = accounts_folder(globals)?;
    if !dir.is_dir() {
        let shown = crate::diag::display_path(&dir);
        return Err(Failure::input(if has_config {
            crate::msg!("the accounts folder {dir} (accounts_dir in kam.toml) does not exist", dir = &shown)
        } else {
            crate::msg!(
                "no kam workspace here: no kam.toml in this folder or above, and no {dir}/ folder; `kam init` makes one, -C DIR names one",
                dir = &shown
            )
        }));
    }
    let logged = crate::edit::log(&dir, id, edit, dry_run)?;
    let file = crate::diag::display_path(&logged.path);
    for name in &logged.unknown_attendees {
        crate::say!(
            "{}: {}",
            crate::messages::severity_word(false),
            crate::msg!(
                "attendee \"{name}\" is not among the [[contacts]] of {file}; check the spelling or add the contact",
                name = name,
                file = &file
            )
        );
    }
    match &logged.outcome {
        crate::edit::Outcome::Changed(change) => {
            if dry_run {
                crate::say!("{}", crate::msg!("dry run: nothing was written"));
            }
            let text = format!("{file}:{}: {}\n{}\n", change.line, change.summary, change.shown);
            emit(None, &text).context("cannot write to stdout")?;
        }
        crate::edit::Outcome::Unchanged(why) => crate::say!("{file}: {why}"),
    }
    Ok(())
}

/// `kam completions SHELL`: the completion script for the shell, on stdout or to `-o FILE`.
pub fn completions(globals: &Globals, cmd: &mut clap::Command, shell: clap_complete::Shell) -> Outcome {
    let mut buf = Vec::new();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, cmd, name, &mut buf);
    write_page(globals, &buf)
}

/// `kam man`: the manual page kam(1) on stdout or to `-o FILE`; with `dir`, the pages of kam and
/// of every command (kam-log(1), …) as files in that folder.
pub fn man(globals: &Globals, cmd: clap::Command, dir: Option<&std::path::Path>) -> Outcome {
    if let Some(dir) = dir {
        // The pages of `kam log KIND` show the account id that comes before the kind.
        let cmd = cmd.mut_subcommand("log", |log| {
            let kinds: Vec<String> = log.get_subcommands().map(|k| k.get_name().to_string()).collect();
            kinds.into_iter().fold(log, |log, kind| {
                let shown = format!("kam log <ID> {kind}");
                log.mut_subcommand(&kind, |k| k.bin_name(shown))
            })
        });
        std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)).with_context(
            || format!("cannot write the manual pages to {}", crate::diag::display_path(dir)),
        )?;
        crate::say!("wrote the manual pages to {}", crate::diag::display_path(dir));
        return Ok(());
    }
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf).context("cannot render the manual page")?;
    write_page(globals, &buf)
}

fn write_page(globals: &Globals, bytes: &[u8]) -> Outcome {
    emit(globals.output.as_deref(), &String::from_utf8_lossy(bytes))
        .with_context(|| format!("cannot write {}", target_name(globals)))?;
    Ok(())
}

/// `kam check`: every problem on stderr (or, with `-o FILE`, in that file), then the summary; with
/// `--format json` the problems and the summary as data, for editors and CI.
pub fn check(globals: &Globals, today: chrono::NaiveDate) -> Outcome {
    if let Some(output) = &globals.output {
        refuse_input(&Workspace::inputs_of(&globals.options), output)?;
    }
    let report = crate::check::check(&globals.options, today);
    let failed = report.diagnostics.has_errors();
    match (globals.format, &globals.output) {
        (Format::Csv | Format::Xlsx, _) => {
            return Err(Failure::usage(crate::msg!("kam check writes text (the default) or --format json")));
        }
        (Format::Json, output) => {
            let json = crate::check::check_json(&report);
            emit_with(output.as_deref(), |out| json.write_json(out))
                .with_context(|| format!("cannot write {}", target_name(globals)))?;
        }
        (Format::Markdown | Format::Term, Some(output)) => {
            let mut text = String::new();
            for d in report.diagnostics.items() {
                text.push_str(&format!("{d}\n"));
            }
            text.push_str(&report.summary());
            text.push('\n');
            crate::fsutil::replace(output, text.as_bytes())
                .with_context(|| format!("cannot write {}", output.display()))?;
            crate::say!("{}", report.summary());
        }
        (Format::Markdown | Format::Term, None) => {
            print_diagnostics(&report.diagnostics);
            crate::say!("{}", report.summary());
        }
    }
    if failed {
        Err(Failure { code: EXIT_BAD_INPUT, diagnostics: Vec::new(), message: None })
    } else {
        Ok(())
    }
}
