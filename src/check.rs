//! `kam check`: validates the workspace and the exports, reporting every problem in one run.

use crate::dates::Date;
use crate::diag::{Diagnostics, Location, display_path};
use crate::dossier::ActionStatus;
use crate::money::Decimal;
use crate::sales::{ImportStats, read_exports};
use crate::workspace::{Options, Workspace};
use chrono::NaiveDate;
use std::collections::HashMap;

/// How many duplicate-looking rows are listed one by one.
const MAX_DUPLICATES_LISTED: usize = 10;

/// The outcome of a check: every problem, and what was read.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    pub accounts: usize,
    pub stats: ImportStats,
}

/// One problem of [`check_json`].
#[derive(Debug, serde::Serialize)]
pub struct ProblemJson {
    pub severity: &'static str,
    /// The file, as given; null for a problem of the whole workspace.
    pub file: Option<String>,
    /// The line (1-based); null for a problem of a whole file.
    pub line: Option<u64>,
    /// The column of a TOML file (1-based, in characters); null elsewhere.
    pub column: Option<usize>,
    /// The header of the CSV column concerned; null elsewhere.
    pub header: Option<String>,
    pub message: String,
}

/// The JSON of `kam check --format json`.
#[derive(Debug, serde::Serialize)]
pub struct CheckJson {
    pub passed: bool,
    pub errors: usize,
    pub warnings: usize,
    pub accounts: usize,
    pub exports: usize,
    pub rows: u64,
    pub problems: Vec<ProblemJson>,
}

/// The check as data: every problem with its place, and the counts of the summary.
pub fn check_json(report: &CheckReport) -> CheckJson {
    let problems = report
        .diagnostics
        .items()
        .iter()
        .map(|d| {
            let severity = if d.is_error() { "error" } else { "warning" };
            let (file, line, column, header) = match &d.location {
                Location::None => (None, None, None, None),
                Location::File(f) => (Some(display_path(f)), None, None, None),
                Location::Text { file, line, col } => {
                    (Some(display_path(file)), Some(*line as u64), Some(*col), None)
                }
                Location::Csv { file, line, column } => {
                    (Some(display_path(file)), Some(*line), None, column.clone())
                }
            };
            ProblemJson { severity, file, line, column, header, message: d.message.to_string() }
        })
        .collect();
    CheckJson {
        passed: !report.diagnostics.has_errors(),
        errors: report.diagnostics.error_count(),
        warnings: report.diagnostics.warning_count(),
        accounts: report.accounts,
        exports: report.stats.files,
        rows: report.stats.rows,
        problems,
    }
}

impl CheckReport {
    /// The closing line: counts of problems and of what was checked.
    pub fn summary(&self) -> String {
        use crate::messages::Message;
        let d = &self.diagnostics;
        let count = |n: u64, one: Message, many: Message| if n == 1 { one } else { many };
        let accounts = self.accounts as u64;
        let files = self.stats.files as u64;
        let rows = self.stats.rows;
        let checked = crate::msg!(
            "{accounts}, {exports} with {rows}",
            accounts = count(
                accounts,
                crate::msg!("{n} account", n = accounts),
                crate::msg!("{n} accounts", n = accounts)
            ),
            exports =
                count(files, crate::msg!("{n} export", n = files), crate::msg!("{n} exports", n = files)),
            rows = count(rows, crate::msg!("{n} row", n = rows), crate::msg!("{n} rows", n = rows)),
        );
        let errors = d.error_count() as u64;
        let warnings = d.warning_count() as u64;
        let errors_text =
            count(errors, crate::msg!("{n} error", n = errors), crate::msg!("{n} errors", n = errors));
        let warnings_text = count(
            warnings,
            crate::msg!("{n} warning", n = warnings),
            crate::msg!("{n} warnings", n = warnings),
        );
        let line = if d.has_errors() {
            crate::msg!(
                "check failed: {errors}, {warnings} ({checked})",
                errors = errors_text,
                warnings = warnings_text,
                checked = checked
            )
        } else if warnings > 0 {
            crate::msg!(
                "check passed with {warnings} ({checked})",
                warnings = warnings_text,
                checked = checked
            )
        } else {
            crate::msg!("check passed ({checked})", checked = checked)
        };
        line.to_string()
    }
}

/// Checks the workspace as of `today` (for deadlines).
pub fn check(options: &Options, today: NaiveDate) -> CheckReport {
    let mut report = CheckReport::default();
    let diags = &mut report.diagnostics;
    let Some(ws) = Workspace::load(options, diags) else {
        return report;
    };
    report.accounts = ws.accounts.len() + ws.broken_dossiers;
    dossier_warnings(&ws, today, diags);

    // One pass over the exports.
    let mut unassigned: HashMap<String, Decimal> = HashMap::new();
    let mut seen_customer: std::collections::HashSet<String> = Default::default();
    let mut total_net = Decimal::ZERO;
    let mut no_customer = (0u64, Decimal::ZERO);
    // Rows are remembered by a 128-bit fingerprint of (invoice, product, date, amount), not by
    // their text: a few dozen bytes a row, so that large exports can be checked too.
    let mut first_seen: rustc_hash::FxHashMap<u128, (u32, u64)> = Default::default();
    let mut duplicates: Vec<(usize, u64, usize, u64)> = Vec::new();
    let mut duplicate_count = 0u64;
    let mut export_diags = Diagnostics::new();
    // Whether every deduction given lies strictly between 0 and 1: a rate, not an amount.
    let (mut deductions_given, mut deductions_fractions) = (0u64, true);
    report.stats = read_exports(&ws.sales_files, &ws.config.import, &mut export_diags, |at, row| {
        if !row.deductions.is_zero() {
            deductions_given += 1;
            deductions_fractions &= row.deductions > Decimal::ZERO && row.deductions < Decimal::ONE;
        }
        total_net += row.net;
        if row.customer.is_empty() {
            no_customer.0 += 1;
            no_customer.1 += row.net;
        } else if ws.customer_account.contains_key(row.customer) {
            if !seen_customer.contains(row.customer) {
                seen_customer.insert(row.customer.to_string());
            }
        } else if let Some(v) = unassigned.get_mut(row.customer) {
            *v += row.net;
        } else {
            unassigned.insert(row.customer.to_string(), row.net);
        }
        if !row.invoice.is_empty() {
            let key = fingerprint(row.invoice, row.product, row.date, row.gross);
            match first_seen.get(&key) {
                Some(&(file, line)) => {
                    let file = file as usize;
                    duplicate_count += 1;
                    if duplicates.len() < MAX_DUPLICATES_LISTED {
                        duplicates.push((at.file, at.line, file, line));
                    }
                }
                None => {
                    first_seen.insert(key, (at.file as u32, at.line));
                }
            }
        }
    });
    diags.extend(export_diags);
    if deductions_given >= 5 && deductions_fractions {
        let header = ws.config.import.columns.as_ref().and_then(|c| c.deductions.clone());
        diags.warning(
            Location::None,
            match header {
                Some(h) => crate::msg!(
                    "every value of the deductions column \"{header}\" lies between 0 and 1: is it a discount rate rather than an amount? kam subtracts it from the revenue as an amount",
                    header = h
                ),
                None => crate::msg!(
                    "every value of the deductions column lies between 0 and 1: is it a discount rate rather than an amount? kam subtracts it from the revenue as an amount"
                ),
            },
        );
    }
    if report.stats.files == 0 && ws.sales_files.is_empty() && !diags.has_errors() {
        diags.warning(
            Location::None,
            crate::msg!(
                "no sales exports to read: set `sales` under [workspace] in kam.toml or pass --sales FILE"
            ),
        );
    }

    let share = |part: Decimal| crate::messages::Arg::Percent(crate::money::quotient(part, total_net));
    let currency = &ws.config.currency;
    if !unassigned.is_empty() {
        // A dossier that did not load may list some of them.
        let unsure = match ws.broken_dossiers {
            0 => crate::messages::Message::none(),
            1 => crate::msg!(" (1 dossier did not load: some may be its customers)"),
            n => crate::msg!(" ({n} dossiers did not load: some may be their customers)", n = n),
        };
        let revenue: Decimal = unassigned.values().copied().sum();
        let n = unassigned.len();
        let message = if n == 1 {
            crate::msg!(
                "{n} export customer belongs to no account{unsure}: {share} of net revenue ({amount} {currency}); `kam abc` lists the candidates",
                n = n,
                unsure = unsure,
                share = share(revenue),
                amount = crate::messages::Arg::Money(revenue),
                currency = currency
            )
        } else {
            crate::msg!(
                "{n} export customers belong to no account{unsure}: {share} of net revenue ({amount} {currency}); `kam abc` lists the candidates",
                n = n,
                unsure = unsure,
                share = share(revenue),
                amount = crate::messages::Arg::Money(revenue),
                currency = currency
            )
        };
        diags.warning(Location::None, message);
    }
    if no_customer.0 > 0 {
        diags.warning(
            Location::None,
            crate::msg!(
                "{rows} without a customer: {amount} {currency} net revenue ({share}), reported as {unassigned}",
                rows = if no_customer.0 == 1 {
                    crate::msg!("{n} row", n = no_customer.0)
                } else {
                    crate::msg!("{n} rows", n = no_customer.0)
                },
                amount = crate::messages::Arg::Money(no_customer.1),
                currency = currency,
                share = share(no_customer.1),
                unassigned = crate::msg!("(unassigned)")
            ),
        );
    }
    for (file, line, first_file, first_line) in &duplicates {
        let first = if file == first_file {
            crate::msg!("line {line}", line = first_line.to_string())
        } else {
            crate::messages::Message::raw(format!(
                "{}:{first_line}",
                display_path(&ws.sales_files[*first_file])
            ))
        };
        diags.warning(
            Location::Csv { file: ws.sales_files[*file].clone(), line: *line, column: None },
            crate::msg!(
                "looks like a duplicate of {first} (same invoice, product, date and amount)",
                first = first
            ),
        );
    }
    if duplicate_count > duplicates.len() as u64 {
        diags.warning(
            Location::None,
            crate::msg!(
                "{n} more duplicate-looking rows are not listed",
                n = duplicate_count - duplicates.len() as u64
            ),
        );
    }
    if report.stats.rows > 0 && !diags.has_errors() {
        for account in &ws.accounts {
            for (j, id) in account.customer_ids.iter().enumerate() {
                if !id.trim().is_empty() && !seen_customer.contains(id.trim()) {
                    let loc = account
                        .customer_id_lines
                        .get(j)
                        .cloned()
                        .unwrap_or(Location::File(account.path.clone()));
                    diags.warning(
                        loc,
                        crate::msg!(
                            "customer \"{customer}\" has no sales in the exports",
                            customer = id.trim()
                        ),
                    );
                }
            }
        }
    }
    report
}

/// A 128-bit fingerprint of the fields that make rows look alike: two SipHash values over the
/// fields, each with its own prefix. Unequal rows share one with a chance of about n² / 2¹²⁹.
fn fingerprint(invoice: &str, product: &str, date: NaiveDate, amount: Decimal) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        seed.hash(&mut h);
        invoice.hash(&mut h);
        product.hash(&mut h);
        date.hash(&mut h);
        amount.normalize().hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// Deadlines and habits the dossiers should keep: question count, overdue actions, old complaints.
fn dossier_warnings(ws: &Workspace, today: NaiveDate, diags: &mut Diagnostics) {
    let today = Date(today);
    if ws.config_path.is_none() {
        let i = &ws.config.import;
        diags.warning(
            Location::None,
            crate::msg!(
                "no kam.toml in this folder or a folder above, so every setting has its default: exports {exports}, delimiter \",\", decimal mark \".\", dates \"{dates}\", UTF-8, dossiers in {dir}/; `kam init` writes a kam.toml to adjust",
                exports = ws.config.sales.join(", "),
                dates = i.date_format.as_str(),
                dir = &ws.config.accounts_dir
            ),
        );
    }
    // Owners are compared as written: two spellings of one person split the KPI report.
    let mut owners: HashMap<String, (&str, &std::path::Path)> = HashMap::new();
    for a in &ws.accounts {
        let Some(owner) = a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) else { continue };
        match owners.get(&owner.to_lowercase()) {
            Some((other, path)) if *other != owner => diags.warning(
                Location::File(a.path.clone()),
                crate::msg!(
                    "owner \"{owner}\" differs only in case from \"{other}\" in {file}; the KPI report counts them as two people",
                    owner = owner,
                    other = *other,
                    file = display_path(path)
                ),
            ),
            Some(_) => {}
            None => {
                owners.insert(owner.to_lowercase(), (owner, &a.path));
            }
        }
    }
    for a in &ws.accounts {
        let file = || Location::File(a.path.clone());
        if a.customer_ids.is_empty() {
            diags.warning(
                file(),
                crate::msg!(
                    "no `customer_ids`: no sales belong to this account, so its figures are zero; list its customer numbers in the exports"
                ),
            );
        }
        let mut names = std::collections::HashSet::new();
        for c in &a.contacts {
            if !names.insert(c.name.trim().to_lowercase()) {
                diags.warning(
                    file(),
                    crate::msg!(
                        "two [[contacts]] are named \"{name}\"; attendees and reports_to cannot tell them apart",
                        name = c.name.trim()
                    ),
                );
            }
        }
        if let Some(review) = &a.review {
            let n = review.questions().len();
            if !(10..=14).contains(&n) {
                let message = if n < 10 {
                    crate::msg!(
                        "[review] has {n} questions; prepare about 10 to 14 (15 or more hurt a sales conversation)",
                        n = n
                    )
                } else {
                    crate::msg!(
                        "[review] has {n} questions; cut them down to about 10 to 14 (15 or more hurt a sales conversation)",
                        n = n
                    )
                };
                diags.warning(file(), message);
            }
        }
        // Buying centres name the account's customer numbers; the hand-kept grid names centres.
        for b in &a.buying_centres {
            if !a.customer_ids.iter().any(|c| c.trim() == b.customer_id.trim()) {
                diags.warning(
                    file(),
                    crate::msg!(
                        "[[buying_centres]] names customer number \"{id}\", which is not among `customer_ids`; `kam whitespace` shows only the account's customer numbers",
                        id = b.customer_id.as_str()
                    ),
                );
            }
        }
        for w in &a.whitespace {
            let centre = w.centre.trim();
            let known = a.customer_ids.iter().any(|c| c.trim() == centre)
                || a.buying_centres.iter().any(|b| b.name.trim() == centre);
            if !known {
                diags.warning(
                    file(),
                    crate::msg!(
                        "[[whitespace]] \"{offering}\" names the centre \"{centre}\", which is neither a customer number nor a `[[buying_centres]]` name",
                        offering = w.offering.as_str(),
                        centre = centre
                    ),
                );
            }
        }
        // Tasks go to the owner or a member of the team: another name is a typo or a stranger.
        let in_team = |name: &str| {
            let name = name.trim();
            a.owner.as_deref().is_some_and(|o| o.trim() == name) || a.team.iter().any(|t| t.trim() == name)
        };
        for action in &a.actions {
            if let Some(assignee) = action.assignee.as_deref().filter(|n| !in_team(n)) {
                diags.warning(
                    file(),
                    crate::msg!(
                        "action \"{title}\" is assigned to \"{name}\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
                        title = &action.title,
                        name = assignee
                    ),
                );
            }
        }
        for c in &a.coaching {
            for name in c.participants.iter().filter(|n| !in_team(n)) {
                diags.warning(
                    file(),
                    crate::msg!(
                        "coaching \"{topic}\" has the participant \"{name}\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
                        topic = &c.topic,
                        name = name.as_str()
                    ),
                );
            }
        }
        for action in &a.actions {
            if let (Some(due), ActionStatus::Open) = (action.due, action.status)
                && due < today
            {
                let days = (today.0 - due.0).num_days();
                diags.warning(
                    file(),
                    crate::msg!(
                        "action \"{title}\" was due on {due} ({days} days ago) and is still open",
                        title = &action.title,
                        due = due.to_string(),
                        days = days
                    ),
                );
            }
        }
        for c in &a.complaints {
            if c.closed.is_none() {
                let days = (today.0 - c.opened.0).num_days();
                if days > 14 {
                    let subject = c.subject.as_deref().unwrap_or("–");
                    diags.warning(
                        file(),
                        crate::msg!(
                            "complaint \"{subject}\" opened on {opened} has been open for {days} days",
                            subject = subject,
                            opened = c.opened.to_string(),
                            days = days
                        ),
                    );
                }
            }
        }
    }
}
