//! The `kam` command line: clap definitions only; the work is done by the `kam` library.

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use kam::abc::AbcUnit;
use kam::commands::{self, EXIT_USAGE, Globals};
use kam::config::Language;
use kam::dates::Month;
use kam::margin::{Dim, MarginQuery};
use kam::output::Format;
use kam::periods::PeriodKind;
use kam::retention::{RetentionQuery, Unit as RetentionUnit};
use std::path::PathBuf;
use std::process::ExitCode;

/// Key account management from plain-text files: account dossiers in TOML, ERP sales exports in
/// CSV, reports in Markdown.
#[derive(Debug, Parser)]
#[command(name = "kam", version, about, long_about = None)]
struct Cli {
    /// Run in DIR instead of finding kam.toml upwards from the current folder.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    dir: Option<PathBuf>,

    /// Read these sales exports instead of those named in kam.toml (paths or globs).
    #[arg(long, value_name = "FILE", num_args = 1.., global = true)]
    sales: Vec<String>,

    /// Output format: md (Markdown), csv or json.
    #[arg(long, value_name = "FORMAT", default_value = "md", value_parser = parse_format, global = true)]
    format: Format,

    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE", global = true)]
    output: Option<PathBuf>,

    /// Language of Markdown labels and numbers: en or de (default: [workspace] language).
    #[arg(long, value_name = "LANG", value_parser = parse_language, global = true)]
    lang: Option<Language>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate kam.toml, the account dossiers and the sales exports; list every problem.
    ///
    /// Errors name the file, the line and the column (TOML) or the column header (CSV).
    /// Exit code 0 when there are only warnings, 1 when there are errors.
    #[command(
        after_help = "Examples:\n  kam check\n  kam -C examples/english check\n  kam check --sales exports/2026-*.csv"
    )]
    Check,

    /// Contribution-margin table (DB I–III) per group and period.
    #[command(
        after_help = "Examples:\n  kam margin --by account --period year\n  kam margin --by owner,category --year 2025 --sort db2\n  kam margin --account nordwind --period month --format csv -o nordwind.csv"
    )]
    Margin(MarginArgs),

    /// Key accounts with owner, segment, revenue of the last 12 months, DB II rate and ABC class.
    #[command(
        after_help = "Examples:\n  kam accounts\n  kam accounts --to 2025-12-31 --format csv -o accounts.csv"
    )]
    Accounts {
        /// End the 12-month window with the month of DATE instead of the exports' last month.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<NaiveDate>,
    },

    /// ABC classes by net revenue, and key-account candidates (class-A customers in no account).
    #[command(
        after_help = "Examples:\n  kam abc\n  kam abc --by account --year 2025\n  kam abc --format json | jq '.rows[] | select(.class == \"A\")'"
    )]
    Abc {
        /// Classify customers or accounts.
        #[arg(long, value_name = "UNIT", default_value = "customer", value_parser = parse_unit)]
        by: AbcUnit,

        /// First day (inclusive), YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        from: Option<NaiveDate>,

        /// Last day (inclusive), YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        to: Option<NaiveDate>,

        /// One calendar year (instead of --from/--to).
        #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
        year: Option<i32>,
    },

    /// Retention and churn per period with NRR and GRR, or the cohort matrix.
    ///
    /// Per period: units active at the start and at the end, retained, churned, new, reactivated,
    /// retention and churn rate, net revenue, NRR and GRR over trailing twelve months. A unit is
    /// active at the end of a month when it made a purchase in the last W months (W = [retention]
    /// inactive_after_months, or --window). History before --from counts for the start figures
    /// and for first purchases.
    #[command(
        after_help = "Examples:\n  kam retention\n  kam retention --by account --period quarter --from 2025-01-01\n  kam retention --by owner --period month --window 6 --format csv -o retention.csv\n  kam retention --cohorts --by customer --format json"
    )]
    Retention(RetentionArgs),

    /// The annual-review brief (Jahresgespräch) of one account, as one Markdown document.
    ///
    /// Figures of year Y (default: the year of the exports' last month) against Y−1, the agenda,
    /// conditions, look back, action plan, coaching, relationship map, questions and the
    /// information checklist.
    #[command(
        after_help = "Examples:\n  kam brief nordhafen\n  kam brief nordhafen --year 2025 -o briefs/nordhafen-2025.md\n  kam brief --upcoming 30 -o briefs/"
    )]
    Brief {
        /// The account id (its dossier's file name without .toml).
        #[arg(value_name = "ID", required_unless_present = "upcoming")]
        id: Option<String>,

        /// The year under review.
        #[arg(long, value_name = "YEAR")]
        year: Option<i32>,

        /// Write a brief for every account whose review falls within the next DAYS days, as
        /// DIR/<id>-<date>.md (with -o DIR).
        #[arg(long, value_name = "DAYS", conflicts_with = "id")]
        upcoming: Option<i64>,
    },

    /// The monthly KPI report per key account manager and for the team.
    ///
    /// Retention and churn of the month, net revenue against the same month a year earlier,
    /// DB II year to date against the year before, services sold, meetings, open complaints.
    /// Made for cron jobs: no prompts, stable output, exit code 1 on bad input.
    #[command(
        after_help = "Examples:\n  kam kpi --month 2026-10\n  kam kpi --month 2026-10 --owner \"Anna Berg\"\n  kam kpi --month 2026-10 -o reports/2026-10.md\n  kam kpi --month 2026-10 --format json | jq '.total.churn_rate'"
    )]
    Kpi {
        /// The month to report on, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,

        /// Only this owner (as written in the dossiers' `owner`).
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
    },
}

#[derive(Debug, Args)]
struct RetentionArgs {
    /// Count customers, key accounts, or key accounts per owner.
    #[arg(long, value_name = "UNIT", default_value = "customer", value_parser = parse_retention_unit)]
    by: RetentionUnit,

    /// Split rows by month, quarter or year [default: month].
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    period: Option<PeriodKind>,

    /// First day (inclusive), YYYY-MM-DD; its month starts the first period.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<NaiveDate>,

    /// Last day (inclusive), YYYY-MM-DD; its month ends the last period.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<NaiveDate>,

    /// One calendar year (instead of --from/--to).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
    year: Option<i32>,

    /// W: months without a purchase after which a unit has churned (overrides kam.toml).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    window: Option<u32>,

    /// The cohort matrix instead: rows by month of first purchase, columns by months since.
    #[arg(long)]
    cohorts: bool,
}

impl RetentionArgs {
    fn query(&self) -> Result<RetentionQuery, String> {
        let (from, to) = match self.year {
            Some(y) => year_range(y)?,
            None => (self.from, self.to),
        };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(format!("--from {f} is after --to {t}"));
        }
        let period = match self.period {
            None => PeriodKind::Month,
            Some(PeriodKind::All) => {
                return Err("kam retention needs --period month, quarter or year".to_string());
            }
            Some(p) if self.cohorts && p != PeriodKind::Month => {
                return Err("--cohorts works in calendar months; leave out --period".to_string());
            }
            Some(p) => p,
        };
        Ok(RetentionQuery { by: self.by, period, from, to, window: self.window })
    }
}

fn parse_retention_unit(s: &str) -> Result<RetentionUnit, String> {
    s.parse()
}

fn parse_month(s: &str) -> Result<Month, String> {
    kam::kpi::parse_month(s)
}

#[derive(Debug, Args)]
struct MarginArgs {
    /// Group by one or more of account, customer, owner, category, product (comma-separated).
    #[arg(long, value_name = "DIMS", value_delimiter = ',', value_parser = parse_dim, default_value = "account")]
    by: Vec<Dim>,

    #[command(flatten)]
    range: RangeArgs,

    /// Only these accounts (ids).
    #[arg(long = "account", value_name = "ID", num_args = 1..)]
    accounts: Vec<String>,

    /// Sort rows by a figure (largest first), a grouping or period, instead of by group and period.
    #[arg(long, value_name = "FIELD")]
    sort: Option<String>,
}

#[derive(Debug, Args)]
struct RangeArgs {
    /// Split rows by month, quarter, year, or all (one period).
    #[arg(long, value_name = "PERIOD", default_value = "all", value_parser = parse_period)]
    period: PeriodKind,

    /// First day (inclusive), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<NaiveDate>,

    /// Last day (inclusive), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<NaiveDate>,

    /// One calendar year (instead of --from/--to).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
}

impl RangeArgs {
    fn resolve(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
        if let Some(y) = self.year {
            return year_range(y);
        }
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f > t
        {
            return Err(format!("--from {f} is after --to {t}"));
        }
        Ok((self.from, self.to))
    }
}

fn parse_unit(s: &str) -> Result<AbcUnit, String> {
    s.parse()
}

fn year_range(year: i32) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| format!("--year {year} is out of range"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| format!("--year {year} is out of range"))?;
    Ok((Some(from), Some(to)))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2026-03-31, found \"{s}\""))
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_period(s: &str) -> Result<PeriodKind, String> {
    s.parse()
}

fn parse_dim(s: &str) -> Result<Dim, String> {
    s.parse()
}

fn parse_language(s: &str) -> Result<Language, String> {
    match s {
        "en" => Ok(Language::En),
        "de" => Ok(Language::De),
        _ => Err(format!("unknown language \"{s}\"; expected en or de")),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = Globals {
        options: kam::workspace::Options { dir: cli.dir, sales: cli.sales },
        format: cli.format,
        output: cli.output,
        language: cli.lang,
    };
    let today = match kam::today() {
        Ok(d) => d,
        Err(msg) => return usage_error(&msg),
    };
    let code = match cli.command {
        Command::Check => {
            let report = kam::check::check(&globals.options, today);
            for d in report.diagnostics.items() {
                eprintln!("{d}");
            }
            eprintln!("{}", report.summary());
            u8::from(report.diagnostics.has_errors())
        }
        Command::Margin(args) => {
            let (from, to) = match args.range.resolve() {
                Ok(r) => r,
                Err(msg) => return usage_error(&msg),
            };
            let query =
                MarginQuery { by: args.by, period: args.range.period, from, to, accounts: args.accounts };
            commands::margin(&globals, &query, args.sort.as_deref())
        }
        Command::Accounts { to } => commands::accounts(&globals, to, today),
        Command::Abc { by, from, to, year } => {
            let (from, to) = match year.map(year_range) {
                Some(Ok(r)) => r,
                Some(Err(msg)) => return usage_error(&msg),
                None => (from, to),
            };
            commands::abc(&globals, by, from, to)
        }
        Command::Retention(args) => match args.query() {
            Ok(query) => commands::retention(&globals, &query, args.cohorts),
            Err(msg) => return usage_error(&msg),
        },
        Command::Brief { id, year, upcoming } => {
            commands::brief(&globals, id.as_deref(), year, upcoming, today)
        }
        Command::Kpi { month, owner } => commands::kpi(&globals, month, owner.as_deref()),
    };
    ExitCode::from(code)
}
