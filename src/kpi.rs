//! The monthly KPI report per key account manager (SPEC 1 and 4.1): retention and churn of the
//! month, revenue against the same month a year earlier, DB II year to date against the same
//! span a year earlier, additional services sold, meetings, open complaints.
//!
//! Choices the spec leaves open:
//! - Owners are the owners of the workspace's accounts (`(no owner)` for accounts without one),
//!   each with the key accounts it owns; customers outside every account count for no owner.
//! - The team total is the sum over the owners shown (with `--owner`, that one owner); its rates
//!   are worked out from the summed counts, and its DB II is unknown when any owner's is.
//! - `db2_ytd_change` = (DB II YTD − DB II YTD a year earlier) / |DB II YTD a year earlier|, so
//!   that an improvement from a negative DB II reads as a positive change; `None` when the
//!   earlier figure is 0 or either is unknown. The same rule gives the revenue change shown in
//!   Markdown.
//! - The year-earlier DB II span ends with the last day of the same month a year earlier
//!   (29 February becomes 28 February).
//! - A `[[services]]` entry without `value` counts as sold with value 0.
//! - A complaint is open at the month's end when it was opened on or before that day and has no
//!   `closed` date on or before it.

use crate::cube::Cube;
use crate::dates::Month;
use crate::margin::{Dim, GroupName, MarginQuery, margin_report};
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::retention::{RetentionFigures, Source, Unit, owner_of, owners, period_figures, unit_histories};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::collections::HashMap;

/// The KPI figures of one owner (or of the team).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KpiFigures {
    /// Key accounts held.
    pub accounts: u64,
    /// Retention of the month and its net revenue, as `kam retention --by owner --period month`
    /// (NRR and GRR are not part of the KPIs).
    pub retention: RetentionFigures,
    /// Net revenue of the same month a year earlier.
    /// `None` when the exports do not reach back to that month: unknown, not 0.
    pub net_revenue_prev_year: Option<Decimal>,
    pub net_revenue_change: Option<Decimal>,
    /// DB II from January 1 to the month's end, and the same span a year earlier; `None` is
    /// unknown (rows without cost data).
    pub db2_ytd: Option<Decimal>,
    pub db2_ytd_prev_year: Option<Decimal>,
    pub db2_ytd_change: Option<Decimal>,
    /// Net revenue of the same spans, and the DB II rates (DB II / net revenue) of both; the
    /// change of the rate is their difference (a fraction: 0.012 is 1.2 percentage points).
    pub net_revenue_ytd: Decimal,
    pub net_revenue_ytd_prev_year: Decimal,
    pub db2_rate_ytd: Option<Decimal>,
    pub db2_rate_ytd_prev_year: Option<Decimal>,
    pub db2_rate_change: Option<Decimal>,
    /// Goals of the owner's accounts due in the month's year, measured against the exports: on
    /// track (projected ≥ target) and behind. The projection is the brief's: the figure from
    /// January to the month × all of last year / the same months of last year.
    pub goals_on_track: u64,
    pub goals_behind: u64,
    /// `[[services]]` dated in the month: how many, and their value.
    pub services_sold: u64,
    pub services_value: Decimal,
    /// `[[meetings]]` of every kind dated in the month.
    pub meetings: u64,
    /// Complaints opened by the month's end and not closed by then.
    pub complaints_open: u64,
    /// Complaints closed in the month, the days each took from opened to closed, and their
    /// median (`None` when none was closed).
    pub complaints_closed: u64,
    pub closing_days: Vec<i64>,
    pub complaints_median_days_to_close: Option<Decimal>,
}

/// The median of whole numbers of days: the middle one, or the mean of the two middle ones;
/// `None` for none.
pub fn median_days(days: &[i64]) -> Option<Decimal> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(Decimal::from(sorted[n / 2])),
        _ => Some((Decimal::from(sorted[n / 2 - 1]) + Decimal::from(sorted[n / 2])) / Decimal::TWO),
    }
}

/// (current − earlier) / |earlier|; `None` when the earlier figure is 0 or either is unknown.
pub fn change(current: Option<Decimal>, earlier: Option<Decimal>) -> Option<Decimal> {
    let (c, e) = (current?, earlier?);
    crate::money::quotient(c - e, e.abs())
}

impl KpiFigures {
    /// Adds another owner's counts and sums; rates and changes are worked out by `finish`.
    fn add(&mut self, o: &KpiFigures) {
        self.accounts += o.accounts;
        self.retention.add_counts(&o.retention);
        self.net_revenue_prev_year =
            self.net_revenue_prev_year.zip(o.net_revenue_prev_year).map(|(a, b)| a + b);
        self.db2_ytd = self.db2_ytd.zip(o.db2_ytd).map(|(a, b)| a + b);
        self.db2_ytd_prev_year = self.db2_ytd_prev_year.zip(o.db2_ytd_prev_year).map(|(a, b)| a + b);
        self.net_revenue_ytd += o.net_revenue_ytd;
        self.goals_on_track += o.goals_on_track;
        self.goals_behind += o.goals_behind;
        self.net_revenue_ytd_prev_year += o.net_revenue_ytd_prev_year;
        self.services_sold += o.services_sold;
        self.services_value += o.services_value;
        self.meetings += o.meetings;
        self.complaints_open += o.complaints_open;
        self.complaints_closed += o.complaints_closed;
        self.closing_days.extend_from_slice(&o.closing_days);
    }

    fn finish(&mut self) {
        self.retention.finish_rates();
        self.net_revenue_change = change(Some(self.retention.net_revenue), self.net_revenue_prev_year);
        self.db2_ytd_change = change(self.db2_ytd, self.db2_ytd_prev_year);
        self.db2_rate_ytd = self.db2_ytd.and_then(|d| crate::money::quotient(d, self.net_revenue_ytd));
        self.db2_rate_ytd_prev_year =
            self.db2_ytd_prev_year.and_then(|d| crate::money::quotient(d, self.net_revenue_ytd_prev_year));
        self.db2_rate_change = self.db2_rate_ytd.zip(self.db2_rate_ytd_prev_year).map(|(a, b)| a - b);
        self.complaints_median_days_to_close = median_days(&self.closing_days);
    }
}

/// One owner's KPIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiOwner {
    pub owner: GroupName,
    pub figures: KpiFigures,
}

/// The KPI report of one month.
#[derive(Debug, Clone)]
pub struct KpiReport {
    pub month: Month,
    pub window_months: u32,
    /// The largest W among the accounts (an account's own may exceed kam.toml's).
    pub widest_window: u32,
    /// The accounts with a W of their own.
    pub own_windows: Vec<(String, u32)>,
    pub owners: Vec<KpiOwner>,
    pub total: KpiFigures,
    /// The DB II spans: January 1 to the month's end, and the same a year earlier.
    pub ytd: (NaiveDate, NaiveDate),
    pub ytd_prev: (NaiveDate, NaiveDate),
    pub margin: crate::config::MarginSettings,
    pub source: Source,
}

/// Parses `YYYY-MM`.
pub fn parse_month(s: &str) -> Result<Month, String> {
    let bad = || format!("expected a month like 2026-10, found \"{s}\"");
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !y.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(Month::new(year, month))
}

/// Finds `name` among the owners: exactly, else ignoring case when that is unambiguous.
pub fn find_owner(owners: &[GroupName], name: &str) -> Result<GroupName, String> {
    let name = name.trim();
    if let Some(o) = owners.iter().find(|o| o.machine() == name) {
        return Ok(o.clone());
    }
    let folded: Vec<&GroupName> =
        owners.iter().filter(|o| o.machine().to_lowercase() == name.to_lowercase()).collect();
    if let [one] = folded.as_slice() {
        return Ok((*one).clone());
    }
    let known = if owners.is_empty() {
        "none (no account has an owner yet)".to_string()
    } else {
        owners.iter().map(|o| format!("\"{}\"", o.machine())).collect::<Vec<_>>().join(", ")
    };
    Err(format!("no owner \"{name}\" among the accounts; owners: {known}"))
}

/// The margin figures of every account over `from ..= to`.
pub(crate) fn margins_per_account(
    ws: &Workspace,
    cube: &Cube,
    from: NaiveDate,
    to: NaiveDate,
) -> HashMap<String, crate::margin::MarginFigures> {
    let query = MarginQuery {
        by: vec![Dim::Account],
        period: PeriodKind::All,
        from: Some(from),
        to: Some(to),
        accounts: Vec::new(),
    };
    margin_report(ws, cube, &query)
        .rows
        .into_iter()
        .map(|r| (r.keys.iter().map(GroupName::machine).collect(), r.figures))
        .collect()
}

/// Whether a goal is on track: `Some(true)` when its projected figure reaches the target,
/// `None` when it is not measured against the exports.
fn goal_on_track(
    goal: &crate::dossier::Goal,
    ytd: Option<&crate::margin::MarginFigures>,
    prev_ytd: Option<&crate::margin::MarginFigures>,
    prev_year: Option<&crate::margin::MarginFigures>,
    whole_year: bool,
) -> Option<bool> {
    goal_projection(goal, ytd, prev_ytd, prev_year, whole_year)
        .map(|(_, projected, target)| projected >= target)
}

/// A goal's figure so far, projected to the whole year (the figure so far × the year before /
/// the same months of the year before, unless the year is whole), and its target; `None` when it
/// is not measured against the exports.
pub(crate) fn goal_projection(
    goal: &crate::dossier::Goal,
    ytd: Option<&crate::margin::MarginFigures>,
    prev_ytd: Option<&crate::margin::MarginFigures>,
    prev_year: Option<&crate::margin::MarginFigures>,
    whole_year: bool,
) -> Option<(Decimal, Decimal, Decimal)> {
    let target = goal.target?.value();
    // An account without sales this year has a figure of 0 so far.
    let none = crate::margin::MarginFigures::zero();
    let m = ytd.unwrap_or(&none);
    let actual = match goal.metric.as_deref()? {
        "net_revenue" => Some(m.net_revenue),
        "db1" => m.db1,
        "db2" => m.db2,
        "db3" => m.db3,
        "orders" => Some(Decimal::from(m.orders)),
        "quantity" => Some(m.quantity),
        _ => None,
    }?;
    // Without a base to project from (no revenue in the same months last year), the figure so
    // far is all that can be said.
    let factor = prev_ytd
        .map(|p| p.net_revenue)
        .filter(|b| *b > Decimal::ZERO)
        .zip(prev_year.map(|p| p.net_revenue))
        .and_then(|(base, full)| crate::money::quotient(full, base));
    let projected = match factor {
        Some(f) if !whole_year => actual.checked_mul(f)?,
        _ => actual,
    };
    Some((actual, projected, target))
}

fn db2_per_owner(
    ws: &Workspace,
    cube: &Cube,
    from: NaiveDate,
    to: NaiveDate,
) -> HashMap<String, (Option<Decimal>, Decimal)> {
    let query = MarginQuery {
        by: vec![Dim::Owner],
        period: PeriodKind::All,
        from: Some(from),
        to: Some(to),
        accounts: Vec::new(),
    };
    margin_report(ws, cube, &query)
        .rows
        .into_iter()
        .map(|r| (r.keys.iter().map(GroupName::machine).collect(), (r.figures.db2, r.figures.net_revenue)))
        .collect()
}

/// Computes the KPIs of `month` per owner (only `owner`, when given) and for the team.
pub fn kpi_report(
    ws: &Workspace,
    cube: &Cube,
    month: Month,
    owner: Option<&str>,
) -> Result<KpiReport, String> {
    let all_owners = owners(ws);
    let shown = match owner {
        Some(name) => vec![find_owner(&all_owners, name)?],
        None => all_owners,
    };
    let w = ws.config.window_months;
    let units = unit_histories(ws, cube, Unit::Owner, true);
    let data_first = cube.months().map(|d| d.0);
    let (first_day, last_day) = (month.first_day(), month.last_day());
    let year_start = |m: Month| Month::new(m.year(), 1).first_day();
    let ytd = (year_start(month), last_day);
    let ytd_prev = (year_start(month - 12), (month - 12).last_day());
    let db2 = db2_per_owner(ws, cube, ytd.0, ytd.1);
    let db2_prev = db2_per_owner(ws, cube, ytd_prev.0, ytd_prev.1);
    let in_month = |d: NaiveDate| d >= first_day && d <= last_day;
    let account_ytd = margins_per_account(ws, cube, ytd.0, ytd.1);
    let account_prev_ytd = margins_per_account(ws, cube, ytd_prev.0, ytd_prev.1);
    let prev_year = month.year() - 1;
    let account_prev_year = margins_per_account(
        ws,
        cube,
        Month::new(prev_year, 1).first_day(),
        Month::new(prev_year, 12).last_day(),
    );

    let mut rows = Vec::new();
    let mut total = KpiFigures {
        db2_ytd: Some(Decimal::ZERO),
        db2_ytd_prev_year: Some(Decimal::ZERO),
        net_revenue_prev_year: Some(Decimal::ZERO),
        ..KpiFigures::default()
    };
    for name in shown {
        let members: Vec<_> = units.iter().filter(|u| u.group.as_ref() == Some(&name)).collect();
        let r = period_figures(members.iter().map(|u| &u.history), month, month, w, data_first);
        let mut f = KpiFigures {
            accounts: members.len() as u64,
            retention: RetentionFigures { nrr: None, grr: None, ..r },
            // A year earlier is known only where the exports reach back to it.
            net_revenue_prev_year: data_first
                .filter(|f| *f <= month - 12)
                .map(|_| members.iter().map(|u| u.history.net_between(month - 12, month - 12)).sum()),
            db2_ytd: db2.get(name.machine()).map_or(Some(Decimal::ZERO), |d| d.0),
            db2_ytd_prev_year: db2_prev
                .get(name.machine())
                .map_or(Some(Decimal::ZERO), |d| d.0)
                .filter(|_| data_first.is_some_and(|f| f <= Month::new(month.year() - 1, 1))),
            net_revenue_ytd: db2.get(name.machine()).map_or(Decimal::ZERO, |d| d.1),
            net_revenue_ytd_prev_year: db2_prev.get(name.machine()).map_or(Decimal::ZERO, |d| d.1),
            ..KpiFigures::default()
        };
        for account in ws.accounts.iter().filter(|a| owner_of(a) == name) {
            for goal in
                account.goals.iter().filter(|g| g.due.is_some_and(|d| Month::of(d.0).year() == month.year()))
            {
                match goal_on_track(
                    goal,
                    account_ytd.get(&account.id),
                    account_prev_ytd.get(&account.id),
                    account_prev_year.get(&account.id),
                    month.month() == 12,
                ) {
                    Some(true) => f.goals_on_track += 1,
                    Some(false) => f.goals_behind += 1,
                    None => {}
                }
            }
            for s in account.services.iter().filter(|s| in_month(s.date.0)) {
                f.services_sold += 1;
                f.services_value += s.value.as_ref().map_or(Decimal::ZERO, |v| v.get_ref().value());
            }
            f.meetings += account.meetings.iter().filter(|m| in_month(m.date.0)).count() as u64;
            f.complaints_open += account
                .complaints
                .iter()
                .filter(|c| {
                    c.opened.0 <= last_day && c.closed.as_ref().is_none_or(|d| d.get_ref().0 > last_day)
                })
                .count() as u64;
            for c in &account.complaints {
                if let Some(closed) = c.closed.as_ref().map(|d| d.get_ref().0).filter(|d| in_month(*d)) {
                    f.complaints_closed += 1;
                    f.closing_days.push((closed - c.opened.0).num_days());
                }
            }
        }
        f.finish();
        total.add(&f);
        rows.push(KpiOwner { owner: name, figures: f });
    }
    total.finish();
    Ok(KpiReport {
        month,
        window_months: w,
        widest_window: ws.accounts.iter().filter_map(|a| a.window_months()).max().unwrap_or(w).max(w),
        own_windows: crate::retention::own_windows(ws),
        owners: rows,
        total,
        ytd,
        ytd_prev,
        margin: ws.config.margin.clone(),
        source: Source::of(ws, cube),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_strictly() {
        assert_eq!(parse_month("2026-10"), Ok(Month::new(2026, 10)));
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "2026-10-01", "", "abcd-10", "-202-10"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn change_is_relative_to_the_size_of_the_earlier_figure() {
        let d = Decimal::from;
        assert_eq!(change(Some(d(150)), Some(d(100))), Some(Decimal::new(5, 1)));
        assert_eq!(change(Some(d(50)), Some(d(-100))), Some(Decimal::new(15, 1)));
        assert_eq!(change(Some(d(50)), Some(d(0))), None);
        assert_eq!(change(None, Some(d(1))), None);
    }

    #[test]
    fn owners_are_found_exactly_or_ignoring_case() {
        let owners = vec![GroupName::Named("Anna Berg".into()), GroupName::Named("Ben".into())];
        assert_eq!(find_owner(&owners, "anna berg"), Ok(GroupName::Named("Anna Berg".into())));
        let err = find_owner(&owners, "Carla").unwrap_err();
        assert!(err.contains("\"Anna Berg\", \"Ben\""), "{err}");
    }
}
