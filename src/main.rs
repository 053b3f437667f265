//! The `kam` command line: clap definitions only; the work is done by the `kam` library.

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand};
use kam::abc::AbcUnit;
use kam::commands::{self, EXIT_USAGE, Globals};
use kam::config::Language;
use kam::dates::Month;
use kam::edit::{self, Edit, Number, Selector};
use kam::margin::{Dim, MarginQuery};
use kam::output::Format;
use kam::periods::PeriodKind;
use kam::retention::{RetentionQuery, Unit as RetentionUnit};
use std::path::PathBuf;
use std::process::ExitCode;

/// Key account management from plain-text files: account dossiers in TOML, ERP sales exports in
/// CSV, reports in Markdown.
#[derive(Debug, Parser)]
#[command(
    name = "kam",
    version,
    about,
    long_about = None,
    after_help = "Examples:\n  kam init my-accounts && cd my-accounts\n  kam new nordwind --name \"Nordwind Handels GmbH\" --owner \"Anna Berg\" --customer-id 10042\n  kam log nordwind meeting --kind call --summary \"Framework contract discussed\"\n  kam check\n  kam margin --by account --period year\n  kam -C ~/kam kpi --month 2026-10 -o reports/2026-10.md"
)]
struct Cli {
    /// Run in DIR instead of finding kam.toml upwards from the current folder.
    #[arg(short = 'C', long = "directory", value_name = "DIR", global = true)]
    dir: Option<PathBuf>,

    /// Read these sales exports instead of those named in kam.toml (paths or globs).
    #[arg(long, value_name = "FILE", num_args = 1.., global = true)]
    sales: Vec<String>,

    /// Output format: md (Markdown), csv, json, xlsx (Excel, with -o FILE) or term (tables drawn
    /// for the terminal) [default: from the extension of -o FILE, else term for a table report
    /// on a terminal, else md].
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, global = true)]
    format: Option<Format>,

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
    /// Make a new workspace: kam.toml with every setting explained, accounts/ with a commented
    /// example dossier, reports/ and a .gitignore.
    ///
    /// Refuses a folder that already has a kam.toml and never overwrites a file; prints the next
    /// steps on stderr. With --lang de the reports of the new workspace are German.
    #[command(after_help = "Examples:\n  kam init\n  kam init kam-nord --name \"Muster GmbH\" --lang de")]
    Init {
        /// The folder of the new workspace, made if missing [default: the current folder].
        #[arg(value_name = "DIR")]
        folder: Option<PathBuf>,

        /// The company name shown in report headers [default: the folder's name].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,

        /// The currency of the amounts in the exports, like EUR or CHF [default: EUR].
        #[arg(long, value_name = "CODE", value_parser = edit::parse_text)]
        currency: Option<String>,
    },

    /// Add a key account: a new dossier accounts/ID.toml from the commented template.
    ///
    /// The id becomes the file name: lower-case letters, digits, "-" and "_". Refuses an existing
    /// id and customer numbers that another account lists already.
    #[command(
        after_help = "Examples:\n  kam new nordwind --name \"Nordwind Handels GmbH\" --owner \"Anna Berg\" --customer-id 10042 --customer-id 10043\n  kam new elbe_tools --name \"Elbe Tools GmbH\" --segment \"Technical wholesale\" --since 2024-01-15"
    )]
    New(NewArgs),

    /// Add an entry to a dossier: a meeting, complaint, service, event, satisfaction score,
    /// action, coaching session or cost; or close a complaint, or set the status of an action.
    ///
    /// The entry goes after the last one of its kind, or at the end of the file, and every other
    /// byte of the file stays as it was, so `git diff` shows just the entry. The edited dossier is
    /// checked before it is written (atomically); concurrent calls take turns. --date defaults to
    /// today. Prints what it added.
    #[command(
        after_help = "Examples:\n  kam log nordwind meeting --kind call --summary \"Draft of the framework contract sent\" --attendees \"Dr. Eva Klein\"\n  kam log nordwind complaint --subject \"late delivery of order 4711\"\n  kam log nordwind complaint --close-latest\n  kam log nordwind service --name \"vendor-managed inventory\" --value 12000.50\n  kam log nordwind action --set 2 --status done\n  kam log nordwind event --text \"new purchasing director\" --date 2026-07-01 --dry-run"
    )]
    Log(LogArgs),

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
        #[arg(long, value_name = "DATE", value_parser = parse_to)]
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

        /// Rank by net revenue or by contribution margin II.
        #[arg(long, value_name = "MEASURE", default_value = "net_revenue", value_parser = parse_measure)]
        measure: kam::abc::Measure,

        #[command(flatten)]
        days: DaysArgs,
    },

    /// Retention and churn per period with NRR and GRR, or the cohort matrix.
    ///
    /// Per period: units active at the start and at the end, retained, churned, new, reactivated,
    /// retention and churn rate, net revenue, NRR and GRR over trailing twelve months. A unit is
    /// active at the end of a month when it made a purchase in the last W months (W = [retention]
    /// inactive_after_months, or --window). History before --from counts for the start figures
    /// and for first purchases; --from and --to count by their month.
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
        after_help = "Examples:\n  kam brief nordhafen\n  kam brief nordhafen --year 2025 -o briefs/nordhafen-2025.md\n  kam brief --upcoming 30 -o briefs/\n  kam brief nordhafen --audience customer -o mappe/nordhafen.md\n  kam brief nordhafen --audience customer --format xlsx -o mappe/nordhafen.xlsx"
    )]
    Brief {
        /// The account id (its dossier's file name without .toml).
        #[arg(value_name = "ID", required_unless_present = "upcoming")]
        id: Option<String>,

        /// The year under review.
        #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1900..=2200))]
        year: Option<i32>,

        /// Write a brief for every account whose review falls within the next DAYS days, as
        /// DIR/<id>-<date>.md (with -o DIR).
        #[arg(long, value_name = "DAYS", conflicts_with = "id")]
        upcoming: Option<i64>,

        /// Who reads it: `internal` (the brief for the KAM) or `customer` (the Kundenmappe to
        /// hand over: revenue, what was done, agenda, proposals, date; nothing internal).
        #[arg(long, value_name = "WHO", default_value = "internal", value_parser = ["internal", "customer"])]
        audience: String,
    },

    /// What needs attention now: reviews coming, actions overdue, complaints waiting, contacts
    /// not met, prices, payment, revenue and churn risks, by owner and account.
    #[command(
        after_help = "Examples:\n  kam radar\n  kam radar --days 7 --owner \"Anna Berg\"\n  kam radar --assignee \"Jonas Weber\" --format json\n  kam radar --fail-on high -o reports/radar.md   # exit 1 when a high item exists (cron, CI)"
    )]
    Radar {
        /// Look this many days ahead (reviews, actions due) [default: [radar] days, 14].
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=366))]
        days: Option<u32>,

        /// Only the accounts of this owner.
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,

        /// Only the items this person has to act on (an action's assignee, else the owner).
        #[arg(long, value_name = "NAME")]
        assignee: Option<String>,

        /// Exit 1 when an item of this severity (or higher) exists: high or medium.
        #[arg(long, value_name = "SEVERITY", value_parser = ["high", "medium"])]
        fail_on: Option<String>,
    },

    /// What changed in a dossier since the last annual review, from its git history: contacts,
    /// actions, conditions, complaints, events, satisfaction; with the key figures then and now.
    #[command(
        after_help = "Examples:\n  kam changes nordhafen\n  kam changes nordhafen --since 2025-06-30\n  kam changes nordhafen --format json"
    )]
    Changes {
        /// The account id (the dossier's file name without .toml).
        id: String,

        /// Since this date (YYYY-MM-DD) or `last-review`: the latest annual-review meeting.
        #[arg(long, value_name = "DATE", default_value = "last-review", value_parser = parse_since)]
        since: Since,
    },

    /// Where the account does not buy from us yet: net revenue of the last 12 months by product
    /// category × buying centre, the gaps, and what comparable customers buy.
    #[command(after_help = "Examples:\n  kam whitespace nordhafen\n  kam whitespace nordhafen --format json")]
    Whitespace {
        /// The account id (the dossier's file name without .toml).
        id: String,
    },

    /// Who is about to stop buying: every customer or key account ranked by churn risk (BG/NBD
    /// and order frequency, 0 to 100) with its reasons; `--backtest` measures how well that
    /// ranking has predicted churn on the exports.
    #[command(
        after_help = "Examples:\n  kam risk\n  kam risk --by account --owner \"Anna Berg\"\n  kam risk --at 2026-06 --format json\n  kam risk --backtest --horizon 6"
    )]
    Risk {
        /// Rank customer numbers or key accounts.
        #[arg(long, value_name = "UNIT", default_value = "customer", value_parser = ["customer", "account"])]
        by: String,

        /// As of the end of this month, YYYY-MM [default: the exports' last month].
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        at: Option<Month>,

        /// Only the accounts (or the customer numbers of the accounts) of this owner.
        #[arg(long, value_name = "NAME", conflicts_with = "backtest")]
        owner: Option<String>,

        /// Measure instead how well the score has ranked the customers that then stopped buying:
        /// every cut-off with 12 months before it and the horizon after it (or only --at).
        #[arg(long)]
        backtest: bool,

        /// The backtest's horizon in months: churned means no order in that time.
        #[arg(long, value_name = "H", default_value_t = 6, requires = "backtest", value_parser = clap::value_parser!(u32).range(1..=36))]
        horizon: u32,
    },

    /// A senior KAM's team: per member, the accounts they work on, their open and overdue
    /// actions, the reviews coming, their coaching, the last customer contact.
    #[command(
        after_help = "Examples:\n  kam team\n  kam team --owner \"Anna Berg\"\n  kam team --owner \"Anna Berg\" --format json"
    )]
    Team {
        /// Only this senior's team (an owner as written in the dossiers).
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
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

    /// Print the completion script for a shell: bash, zsh, fish or powershell.
    #[command(
        after_help = "Examples:\n  kam completions bash > ~/.local/share/bash-completion/completions/kam\n  kam completions zsh > ~/.zfunc/_kam      # with fpath+=(~/.zfunc) before compinit in ~/.zshrc\n  kam completions fish > ~/.config/fish/completions/kam.fish\n  kam completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell.
        #[arg(value_name = "SHELL", value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the manual page kam(1), or write the pages of kam and of every command into a folder.
    #[command(
        after_help = "Examples:\n  kam man | man -l -\n  kam man -o ~/.local/share/man/man1/kam.1\n  kam man --out-dir ~/.local/share/man/man1      # kam.1, kam-log.1, kam-log-meeting.1, …"
    )]
    Man {
        /// Write kam.1 and one page per command into DIR instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The account id: lower-case letters, digits, "-" and "_" (the file name without .toml).
    #[arg(value_name = "ID", value_parser = edit::parse_id)]
    id: String,

    /// The customer's name, e.g. "Nordwind Handels GmbH".
    #[arg(long, value_name = "NAME", value_parser = edit::parse_text)]
    name: String,

    /// A customer number of the account in the sales exports; repeat it or separate with commas.
    #[arg(long = "customer-id", value_name = "NUMBER", value_delimiter = ',', value_parser = edit::parse_text)]
    customer_ids: Vec<String>,

    /// The responsible key account manager.
    #[arg(long, value_name = "NAME", value_parser = edit::parse_text)]
    owner: Option<String>,

    /// A junior working the account; repeat it for more.
    #[arg(long = "team", value_name = "NAME", value_parser = edit::parse_text)]
    team: Vec<String>,

    /// The customer's segment or industry.
    #[arg(long, value_name = "SEGMENT", value_parser = edit::parse_text)]
    segment: Option<String>,

    /// Customer since, YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = edit::parse_date)]
    since: Option<NaiveDate>,
}

impl NewArgs {
    fn account(self) -> kam::scaffold::NewAccount {
        kam::scaffold::NewAccount {
            id: self.id,
            name: self.name,
            customer_ids: self.customer_ids,
            owner: self.owner,
            team: self.team,
            segment: self.segment,
            since: self.since,
        }
    }
}

#[derive(Debug, Args)]
struct LogArgs {
    /// The account id (its dossier's file name without .toml).
    #[arg(value_name = "ID", value_parser = edit::parse_id)]
    id: String,

    /// Show what would be added, and check it, without writing.
    #[arg(short = 'n', long, global = true)]
    dry_run: bool,

    #[command(subcommand)]
    kind: LogKind,
}

/// The day of the entry, YYYY-MM-DD [default: today].
#[derive(Debug, Args)]
struct DateArg {
    /// The day, YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE", value_parser = edit::parse_date)]
    date: Option<NaiveDate>,
}

#[derive(Debug, Subcommand)]
enum LogKind {
    /// A meeting or conversation with the customer ([[meetings]]: date, kind, summary, attendees).
    #[command(
        after_help = "Examples:\n  kam log nordwind meeting --kind call --summary \"Agreed on the delivery plan\"\n  kam log nordwind meeting --kind visit --date 2026-11-20 --attendees \"Dr. Eva Klein\" \"Tim Ott\""
    )]
    Meeting {
        #[command(flatten)]
        date: DateArg,

        /// How: visit, call, video, annual-review or event.
        #[arg(long, value_name = "KIND", value_parser = ["visit", "call", "video", "annual-review", "event"])]
        kind: String,

        /// What was talked about and agreed.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        summary: Option<String>,

        /// The customer's contacts who took part, as named in [[contacts]].
        #[arg(long, value_name = "NAME", num_args = 1.., value_parser = edit::parse_text)]
        attendees: Vec<String>,
    },

    /// Open a complaint (--subject), or close one (--close N, --close-latest) ([[complaints]]).
    #[command(
        after_help = "Examples:\n  kam log nordwind complaint --subject \"late delivery of order 4711\"\n  kam log nordwind complaint --close 2\n  kam log nordwind complaint --close \"order 4711\" --date 2026-11-20\n  kam log nordwind complaint --close-latest"
    )]
    Complaint {
        /// The day it was opened, or with --close the day it was closed [default: today].
        #[arg(long, value_name = "DATE", value_parser = edit::parse_date)]
        date: Option<NaiveDate>,

        /// What the complaint is about: opens a new one.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text,
              required_unless_present_any = ["close", "close_latest"], conflicts_with_all = ["close", "close_latest"])]
        subject: Option<String>,

        /// Close complaint N (1 is the first in the file), or the one whose subject contains TEXT.
        #[arg(long, value_name = "N|TEXT", value_parser = parse_selector, conflicts_with = "close_latest")]
        close: Option<Selector>,

        /// Close the open complaint that was opened last.
        #[arg(long)]
        close_latest: bool,
    },

    /// An additional service sold to the customer ([[services]]: date, name, value).
    #[command(
        after_help = "Examples:\n  kam log nordwind service --name \"vendor-managed inventory\" --value 12000.50\n  kam log nordwind service --name \"calibration service\" --date 2026-05-01"
    )]
    Service {
        #[command(flatten)]
        date: DateArg,

        /// What was sold.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        name: String,

        /// Its value, like 12000.50 (a point as decimal mark).
        #[arg(long, value_name = "AMOUNT", value_parser = edit::parse_money, allow_negative_numbers = true)]
        value: Option<Number>,
    },

    /// An important event in the relationship ([[events]]: date, text).
    #[command(
        after_help = "Examples:\n  kam log nordwind event --text \"Dr. Eva Klein heads purchasing now\"\n  kam log nordwind event --text \"second warehouse opened in Kiel\" --date 2026-09-01"
    )]
    Event {
        #[command(flatten)]
        date: DateArg,

        /// What happened.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        text: String,
    },

    /// A customer satisfaction score from 0 to 10 ([[satisfaction]]: date, score).
    #[command(
        after_help = "Examples:\n  kam log nordwind satisfaction --score 8\n  kam log nordwind satisfaction --score 7.5 --date 2026-06-30"
    )]
    Satisfaction {
        #[command(flatten)]
        date: DateArg,

        /// The score, 0 to 10.
        #[arg(long, value_name = "SCORE", value_parser = edit::parse_score, allow_negative_numbers = true)]
        score: Number,
    },

    /// Add a step to the action plan (--title), or set the status of one (--set N --status S)
    /// ([[actions]]: title, due, status, milestone, expected_revenue, probability, assignee).
    #[command(
        after_help = "Examples:\n  kam log nordwind action --title \"EDI connection live\" --due 2026-12-15 --expected-revenue 25000 --probability 0.5\n  kam log nordwind action --title \"framework contract signed\" --due 2027-01-31 --milestone\n  kam log nordwind action --title \"send the EDI test file\" --due 2026-12-04 --assignee \"Jonas Weber\"\n  kam log nordwind action --set 2 --status done\n  kam log nordwind action --set \"EDI\" --status dropped"
    )]
    Action {
        /// What is to be done: adds an action.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text,
              required_unless_present = "set", conflicts_with = "set")]
        title: Option<String>,

        /// When it is due, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = edit::parse_date, conflicts_with = "set")]
        due: Option<NaiveDate>,

        /// open, done or dropped: of the new action [default: open], or with --set its new status.
        #[arg(long, value_name = "STATUS", value_parser = ["open", "done", "dropped"])]
        status: Option<String>,

        /// The action is a milestone of the plan.
        #[arg(long, conflicts_with = "set")]
        milestone: bool,

        /// The revenue it should bring this year, like 120000.
        #[arg(long, value_name = "AMOUNT", value_parser = edit::parse_money, allow_negative_numbers = true, conflicts_with = "set")]
        expected_revenue: Option<Number>,

        /// How likely that revenue is, 0 to 1 (0.6 for 60 %).
        #[arg(long, value_name = "P", value_parser = edit::parse_probability, allow_negative_numbers = true, conflicts_with = "set")]
        probability: Option<Number>,

        /// Who does it: a member of the account's team (left out: the owner).
        #[arg(long, value_name = "NAME", value_parser = edit::parse_text, conflicts_with = "set")]
        assignee: Option<String>,

        /// Set the status of action N (1 is the first in the file), or of the one whose title
        /// contains TEXT; needs --status.
        #[arg(long, value_name = "N|TEXT", value_parser = parse_selector, requires = "status")]
        set: Option<Selector>,
    },

    /// A coaching session for the sales staff ([[coaching]]: date, topic, materials,
    /// participants).
    #[command(
        after_help = "Examples:\n  kam log nordwind coaching --topic \"preparing the annual review\" --participant \"Jonas Weber\" --materials \"brief, question guide\""
    )]
    Coaching {
        #[command(flatten)]
        date: DateArg,

        /// What was coached, and whom.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        topic: String,

        /// The materials used.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        materials: Option<String>,

        /// Who was coached (repeat it for several, or separate with commas).
        #[arg(long = "participant", value_name = "NAME", value_parser = edit::parse_text, value_delimiter = ',')]
        participants: Vec<String>,
    },

    /// A customer-specific direct cost, counted in DB II ([[costs]]: date, kind, amount).
    #[command(
        after_help = "Examples:\n  kam log nordwind cost --kind \"listing fee\" --amount 5000\n  kam log nordwind cost --kind \"refund of the listing fee\" --amount -1000 --date 2026-12-01"
    )]
    Cost {
        #[command(flatten)]
        date: DateArg,

        /// What the cost is for.
        #[arg(long, value_name = "TEXT", value_parser = edit::parse_text)]
        kind: Option<String>,

        /// The amount, like 5000.00; negative for a refund.
        #[arg(long, value_name = "AMOUNT", value_parser = edit::parse_signed_money, allow_negative_numbers = true)]
        amount: Number,
    },
}

impl LogKind {
    /// The edit these arguments ask for; `today` is the default date.
    fn edit(self, today: NaiveDate) -> Result<Edit, String> {
        let day = |d: Option<NaiveDate>| d.unwrap_or(today);
        Ok(match self {
            LogKind::Meeting { date, kind, summary, attendees } => {
                Edit::Append(edit::meeting(day(date.date), &kind, summary, attendees))
            }
            LogKind::Complaint { date, subject, close, close_latest } => match (subject, close) {
                (Some(subject), _) => Edit::Append(edit::complaint(day(date), subject)),
                (None, Some(which)) => Edit::CloseComplaint { which, date: day(date) },
                (None, None) if close_latest => {
                    Edit::CloseComplaint { which: Selector::LatestOpen, date: day(date) }
                }
                (None, None) => return Err("give --subject TEXT, --close N or --close-latest".to_string()),
            },
            LogKind::Service { date, name, value } => {
                Edit::Append(edit::service(day(date.date), name, value))
            }
            LogKind::Event { date, text } => Edit::Append(edit::event(day(date.date), text)),
            LogKind::Satisfaction { date, score } => Edit::Append(edit::satisfaction(day(date.date), score)),
            LogKind::Action {
                title,
                due,
                status,
                milestone,
                expected_revenue,
                probability,
                assignee,
                set,
            } => {
                let status = status.as_deref().map(edit::parse_status).transpose()?;
                match (set, title) {
                    (Some(which), _) => {
                        let status = status.ok_or("--set needs --status open, done or dropped")?;
                        Edit::SetStatus { which, status }
                    }
                    (None, Some(title)) => Edit::Append(edit::action(
                        title,
                        due,
                        status.unwrap_or_default(),
                        milestone,
                        expected_revenue,
                        probability,
                        assignee,
                    )),
                    (None, None) => return Err("give --title TEXT, or --set N with --status".to_string()),
                }
            }
            LogKind::Coaching { date, topic, materials, participants } => {
                Edit::Append(edit::coaching(day(date.date), topic, materials, participants))
            }
            LogKind::Cost { date, kind, amount } => Edit::Append(edit::cost(day(date.date), kind, amount)),
        })
    }
}

fn parse_selector(s: &str) -> Result<Selector, String> {
    s.parse()
}

#[derive(Debug, Args)]
struct RetentionArgs {
    /// Count customers, key accounts, or key accounts per owner.
    #[arg(long, value_name = "UNIT", default_value = "customer", value_parser = parse_retention_unit)]
    by: RetentionUnit,

    /// Split rows by month, quarter or year [default: month].
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    period: Option<PeriodKind>,

    #[command(flatten)]
    days: DaysArgs,

    /// W: months without a purchase after which a unit has churned (overrides kam.toml).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=120))]
    window: Option<u32>,

    /// The cohort matrix instead: rows by month of first purchase, columns by months since.
    #[arg(long)]
    cohorts: bool,

    /// With --cohorts: the months since the first purchase the Markdown table shows (M+0 …
    /// M+N−1); CSV, JSON and Excel hold them all.
    #[arg(long, value_name = "N", default_value_t = 12, requires = "cohorts", value_parser = clap::value_parser!(u32).range(1..=600))]
    months: u32,
}

impl RetentionArgs {
    fn query(&self) -> Result<RetentionQuery, String> {
        let (from, to) = self.days.resolve()?;
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
    let month = kam::kpi::parse_month(s)?;
    within_years(month.year(), s)?;
    Ok(month)
}

#[derive(Debug, Args)]
struct MarginArgs {
    /// Group by one or more of account, customer, owner, category, product (comma-separated).
    #[arg(long, value_name = "DIMS", value_delimiter = ',', value_parser = parse_dim, default_value = "account")]
    by: Vec<Dim>,

    #[command(flatten)]
    range: RangeArgs,

    /// Only these accounts (ids; repeat it or separate with commas).
    #[arg(long = "account", value_name = "ID", num_args = 1.., value_delimiter = ',')]
    accounts: Vec<String>,

    /// Sort rows by a figure (largest first), a grouping or period, instead of by group and period.
    #[arg(long, value_name = "FIELD")]
    sort: Option<String>,

    /// The figures of the Markdown table: `main` (net revenue, DB I–III and their rates) or
    /// `all` (every figure). CSV, JSON and Excel always hold all.
    #[arg(long, value_name = "WHICH", default_value = "main", value_parser = ["main", "all"])]
    figures: String,
}

#[derive(Debug, Args)]
struct RangeArgs {
    /// Split rows by month, quarter, year, or all (one period).
    #[arg(long, value_name = "PERIOD", default_value = "all", value_parser = parse_period)]
    period: PeriodKind,

    #[command(flatten)]
    days: DaysArgs,
}

/// The range of days a report covers: --from/--to, or --year.
#[derive(Debug, Args)]
struct DaysArgs {
    /// First day (inclusive), YYYY-MM-DD; or a month, YYYY-MM, from its first day.
    #[arg(long, value_name = "DATE", value_parser = parse_from)]
    from: Option<NaiveDate>,

    /// Last day (inclusive), YYYY-MM-DD; or a month, YYYY-MM, to its last day.
    #[arg(long, value_name = "DATE", value_parser = parse_to)]
    to: Option<NaiveDate>,

    /// One calendar year (instead of --from/--to).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["from", "to"], value_parser = clap::value_parser!(i32).range(1900..=2200))]
    year: Option<i32>,
}

impl DaysArgs {
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

fn parse_measure(s: &str) -> Result<kam::abc::Measure, String> {
    s.parse()
}

fn year_range(year: i32) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| format!("--year {year} is out of range"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| format!("--year {year} is out of range"))?;
    Ok((Some(from), Some(to)))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("expected a date like 2026-03-31 or a month like 2026-03, found \"{s}\""))?;
    within_years(date.year(), s)?;
    Ok(date)
}

/// Dates of the command line lie in the years exports may have (1900 to 2200).
fn within_years(year: i32, s: &str) -> Result<(), String> {
    if kam::dates::YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!("\"{s}\" lies outside the years 1900 to 2200"))
    }
}

/// `--from`: a day, or the first day of a month.
fn parse_from(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).or_else(|e| parse_month(s).map(Month::first_day).map_err(|_| e))
}

/// `--to`: a day, or the last day of a month.
/// `--since`: a date, or `last-review` (the default).
#[derive(Debug, Clone, Copy)]
struct Since(Option<NaiveDate>);

fn parse_since(s: &str) -> Result<Since, String> {
    if s == "last-review" { Ok(Since(None)) } else { parse_date(s).map(|d| Since(Some(d))) }
}

fn parse_to(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).or_else(|e| parse_month(s).map(Month::last_day).map_err(|_| e))
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
    kam::say!("error: {msg}");
    ExitCode::from(EXIT_USAGE)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.lang {
        Some(language) => kam::messages::set_language(language, true),
        None => {
            if let Some(language) = kam::config::workspace_language(cli.dir.as_deref()) {
                kam::messages::set_language(language, false);
            }
        }
    }
    let globals = Globals {
        options: kam::workspace::Options { dir: cli.dir, sales: cli.sales },
        // The brief is Markdown whatever its file is called; other reports follow the extension.
        format: cli
            .format
            .or_else(|| {
                let by_name = !matches!(cli.command, Command::Brief { .. });
                cli.output.as_deref().filter(|_| by_name).and_then(kam::output::format_of)
            })
            .or_else(|| {
                // A table report read on a terminal is drawn for it.
                let table_report = matches!(
                    cli.command,
                    Command::Margin(_)
                        | Command::Accounts { .. }
                        | Command::Abc { .. }
                        | Command::Retention(_)
                        | Command::Kpi { .. }
                        | Command::Radar { .. }
                        | Command::Risk { .. }
                );
                use std::io::IsTerminal;
                (table_report && cli.output.is_none() && std::io::stdout().is_terminal())
                    .then_some(Format::Term)
            })
            .unwrap_or_default(),
        output: cli.output,
        language: cli.lang,
    };
    let today = match kam::today() {
        Ok(d) => d,
        Err(msg) => return usage_error(&msg),
    };
    let code = match cli.command {
        Command::Check => commands::check(&globals, today),
        Command::Margin(args) => {
            let (from, to) = match args.range.days.resolve() {
                Ok(r) => r,
                Err(msg) => return usage_error(&msg),
            };
            if let Err(msg) = kam::margin::check_dims(&args.by) {
                return usage_error(&msg);
            }
            let query =
                MarginQuery { by: args.by, period: args.range.period, from, to, accounts: args.accounts };
            commands::margin(&globals, &query, args.sort.as_deref(), args.figures == "all")
        }
        Command::Accounts { to } => commands::accounts(&globals, to, today),
        Command::Abc { by, measure, days } => match days.resolve() {
            Ok((from, to)) => commands::abc(&globals, by, from, to, measure),
            Err(msg) => return usage_error(&msg),
        },
        Command::Retention(args) => match args.query() {
            Ok(query) => commands::retention(&globals, &query, args.cohorts.then_some(args.months as usize)),
            Err(msg) => return usage_error(&msg),
        },
        Command::Brief { id, year, upcoming, audience } => {
            commands::brief(&globals, id.as_deref(), year, upcoming, audience == "customer", today)
        }
        Command::Kpi { month, owner } => commands::kpi(&globals, month, owner.as_deref()),
        Command::Risk { by, at, owner, backtest, horizon } => commands::risk(
            &globals,
            today,
            if by == "account" {
                kam::risk::report::RiskUnit::Account
            } else {
                kam::risk::report::RiskUnit::Customer
            },
            at,
            owner.as_deref(),
            backtest.then_some(horizon),
        ),
        Command::Changes { id, since } => commands::changes(&globals, &id, since.0, today),
        Command::Whitespace { id } => commands::whitespace(&globals, &id),
        Command::Team { owner } => commands::team(&globals, owner.as_deref(), today),
        Command::Radar { days, owner, assignee, fail_on } => commands::radar(
            &globals,
            today,
            days,
            owner.as_deref(),
            assignee.as_deref(),
            fail_on.as_deref().and_then(|s| s.parse().ok()),
        ),
        Command::Init { folder, name, currency } => {
            commands::init(&globals, folder.as_deref(), name.as_deref(), currency.as_deref())
        }
        Command::New(args) => commands::new_account(&globals, &args.account()),
        Command::Log(args) => match args.kind.edit(today) {
            Ok(edit) => commands::log(&globals, &args.id, &edit, args.dry_run),
            Err(msg) => return usage_error(&msg),
        },
        Command::Completions { shell } => commands::completions(&globals, &mut Cli::command(), shell),
        Command::Man { out_dir } => commands::man(&globals, Cli::command(), out_dir.as_deref()),
    };
    ExitCode::from(commands::finish(code))
}
