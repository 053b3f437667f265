//! Retention and churn (SPEC 3.2): who was kept, who went, who came back, per period; net and
//! gross revenue retention over trailing twelve months; the cohort matrix.
//!
//! Every figure is worked out from one [`History`] per unit: the months in which the unit has
//! sales rows, each with its net revenue and whether it holds a purchase (a row with positive net
//! revenue; a month with only returns is not a purchase). Histories come from the cube of one
//! pass over the exports, so memory depends on units × months, not on rows.
//!
//! Choices the spec leaves open:
//! - A period is the calendar month, quarter or year, clipped to the range: its first month is
//!   the later of the period's first month and the range's first month (`--from`, else the
//!   exports' first month), its last month the earlier of the period's last month and the
//!   range's last month (`--to`, else the exports' last month). So the current, unfinished
//!   quarter or year ends with the exports' last month instead of counting the months not yet
//!   exported as quiet ones, and `--from 2025-02-15 --period quarter` starts its first row in
//!   February. Dates given with `--from`/`--to` count by their month.
//! - NRR and GRR of a period are taken over the twelve months ending with its (clipped) last month.
//! - Net revenue of a month includes its returns; a unit with only zero-value rows is a unit that
//!   is never active.
//! - `--by owner` groups key accounts by their `owner`; accounts without one form the group
//!   `(no owner)`. Customers outside every account are not counted under `account` or `owner`.
//! - Cohorts: `--from`/`--to` select the cohorts by their first-purchase month; the columns run
//!   to `--to` (else the exports' last month). With `--by owner` each owner has its own cohorts.

use crate::cube::{Cube, NO_CUSTOMER};
use crate::dates::Month;
use crate::group::GroupName;
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// What is counted: customers, key accounts, or key accounts grouped by owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Customer,
    Account,
    Owner,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Customer => "customer",
            Unit::Account => "account",
            Unit::Owner => "owner",
        }
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "customer" => Ok(Unit::Customer),
            "account" => Ok(Unit::Account),
            "owner" => Ok(Unit::Owner),
            other => Err(format!("unknown unit \"{other}\"; expected customer, account or owner")),
        }
    }
}

/// One month of a unit's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthEntry {
    pub month: Month,
    /// Σ net revenue of the month's rows (returns included).
    pub net: Decimal,
    /// Whether the month holds a purchase (a row with net revenue > 0).
    pub purchase: bool,
}

/// A unit's history: the months with sales rows, sorted, each once, and its own window W where
/// its account's dossier sets one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<MonthEntry>,
    window: Option<u32>,
}

impl History {
    /// A history from entries in any order; entries of the same month are merged.
    pub fn new(mut entries: Vec<MonthEntry>) -> History {
        entries.sort_by_key(|e| e.month);
        let mut merged: Vec<MonthEntry> = Vec::with_capacity(entries.len());
        for e in entries {
            match merged.last_mut() {
                Some(last) if last.month == e.month => {
                    last.net += e.net;
                    last.purchase |= e.purchase;
                }
                _ => merged.push(e),
            }
        }
        History { entries: merged, window: None }
    }

    /// The history with its own window W (`[retention]` of its account's dossier).
    pub fn with_window(mut self, window: Option<u32>) -> History {
        self.window = window;
        self
    }

    /// The unit's W: its own, else `default`.
    pub fn window_or(&self, default: u32) -> u32 {
        self.window.unwrap_or(default)
    }

    pub fn entries(&self) -> &[MonthEntry] {
        &self.entries
    }

    /// The entries of months `a ..= b`.
    fn between(&self, a: Month, b: Month) -> &[MonthEntry] {
        let lo = self.entries.partition_point(|e| e.month < a);
        let hi = self.entries.partition_point(|e| e.month <= b);
        if lo < hi { &self.entries[lo..hi] } else { &[] }
    }

    /// Active at the end of month `m`: a purchase in months `m − w + 1 ..= m`.
    pub fn is_active(&self, m: Month, w: u32) -> bool {
        let w = i32::try_from(w).unwrap_or(i32::MAX).max(1);
        self.between(Month(m.0.saturating_sub(w - 1)), m).iter().any(|e| e.purchase)
    }

    /// The month of the first purchase ever.
    pub fn first_purchase(&self) -> Option<Month> {
        self.entries.iter().find(|e| e.purchase).map(|e| e.month)
    }

    /// Whether month `m` holds a purchase.
    pub fn purchased_in(&self, m: Month) -> bool {
        self.between(m, m).iter().any(|e| e.purchase)
    }

    /// Σ net revenue of months `a ..= b`.
    pub fn net_between(&self, a: Month, b: Month) -> Decimal {
        self.between(a, b).iter().map(|e| e.net).sum()
    }
}

/// A counted unit: its id (customer number or account id), the group it is counted in (the
/// owner under `--by owner`), and its history.
#[derive(Debug, Clone)]
pub struct UnitHistory {
    pub id: String,
    pub group: Option<GroupName>,
    pub history: History,
}

/// The owner group of an account: its owner, or no owner.
pub fn owner_of(account: &crate::dossier::Account) -> GroupName {
    GroupName::owner(account.owner.as_deref())
}

/// The owners of the workspace's accounts, sorted, each once.
pub fn owners(ws: &Workspace) -> Vec<GroupName> {
    let mut owners: Vec<GroupName> = ws.accounts.iter().map(owner_of).collect();
    owners.sort();
    owners.dedup();
    owners
}

/// The histories of the units of `by`, from one pass's aggregates. Under `customer` every
/// non-empty customer of the exports is a unit; under `account` and `owner` every key account
/// (also one without sales), its history merged from all its customer numbers. With
/// `own_windows`, a unit whose account's dossier sets `[retention] inactive_after_months` keeps
/// that W (a customer takes its account's); without (`--window`), every unit takes the one given.
pub fn unit_histories(ws: &Workspace, cube: &Cube, by: Unit, own_windows: bool) -> Vec<UnitHistory> {
    let window_of = |account: Option<usize>| {
        account.filter(|_| own_windows).and_then(|i| ws.accounts.get(i)).and_then(|a| a.window_months())
    };
    let mut per_customer: HashMap<u32, Vec<MonthEntry>> = HashMap::new();
    for (key, cell) in &cube.cells {
        if key.customer == NO_CUSTOMER {
            continue;
        }
        per_customer.entry(key.customer).or_default().push(MonthEntry {
            month: key.month,
            net: cell.sums.net(),
            purchase: cell.sums.purchase_rows() > 0,
        });
    }
    match by {
        Unit::Customer => {
            let mut units: Vec<UnitHistory> = per_customer
                .into_iter()
                .map(|(c, entries)| UnitHistory {
                    id: cube.customers.name(c).to_string(),
                    group: None,
                    history: History::new(entries).with_window(window_of(cube.account_of(c))),
                })
                .collect();
            units.sort_by(|a, b| a.id.cmp(&b.id));
            units
        }
        Unit::Account | Unit::Owner => {
            let mut per_account: Vec<Vec<MonthEntry>> = vec![Vec::new(); ws.accounts.len()];
            for (c, entries) in per_customer {
                if let Some(i) = cube.account_of(c)
                    && let Some(slot) = per_account.get_mut(i)
                {
                    slot.extend(entries);
                }
            }
            ws.accounts
                .iter()
                .zip(per_account)
                .enumerate()
                .map(|(i, (a, entries))| UnitHistory {
                    id: a.id.clone(),
                    group: (by == Unit::Owner).then(|| owner_of(a)),
                    history: History::new(entries).with_window(window_of(Some(i))),
                })
                .collect()
        }
    }
}

/// The figures of SPEC 3.2 for one group of units and one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionFigures {
    pub start: u64,
    pub end: u64,
    pub retained: u64,
    pub churned: u64,
    pub new: u64,
    pub reactivated: u64,
    /// retained / start; `None` when start is 0.
    pub retention_rate: Option<Decimal>,
    /// churned / start; `None` when start is 0.
    pub churn_rate: Option<Decimal>,
    pub net_revenue: Decimal,
    /// Net and gross revenue retention over the twelve months ending with the period's last month;
    /// `None` when the exports do not reach back 24 months or the base had no revenue.
    pub nrr: Option<Decimal>,
    pub grr: Option<Decimal>,
    /// Whether the W months before the period lie within the exports for every unit counted
    /// (a − W ≥ the exports' first month, W the largest window): else start, retained, churned
    /// and reactivated undercount and `new` includes units that bought before the exports begin.
    pub history_complete: bool,
}

impl Default for RetentionFigures {
    /// Nothing counted yet, over a fully observed history (so that a total of groups is
    /// complete where each of them is).
    fn default() -> Self {
        RetentionFigures {
            start: 0,
            end: 0,
            retained: 0,
            churned: 0,
            new: 0,
            reactivated: 0,
            retention_rate: None,
            churn_rate: None,
            net_revenue: Decimal::ZERO,
            nrr: None,
            grr: None,
            history_complete: true,
        }
    }
}

impl RetentionFigures {
    /// Adds another group's counts and net revenue (for a total); the rates are worked out by
    /// [`RetentionFigures::finish_rates`], NRR and GRR are not summed.
    pub fn add_counts(&mut self, other: &RetentionFigures) {
        self.start += other.start;
        self.end += other.end;
        self.retained += other.retained;
        self.churned += other.churned;
        self.new += other.new;
        self.reactivated += other.reactivated;
        self.net_revenue += other.net_revenue;
        self.nrr = None;
        self.grr = None;
        self.history_complete &= other.history_complete;
    }

    /// Retention and churn rate from the counts.
    pub fn finish_rates(&mut self) {
        self.retention_rate = ratio(self.retained, self.start);
        self.churn_rate = ratio(self.churned, self.start);
    }
}

/// A count as a share of `of`; `None` when `of` is 0.
pub fn ratio(part: u64, of: u64) -> Option<Decimal> {
    (of > 0).then(|| Decimal::from(part) / Decimal::from(of))
}

/// The figures of a period `a ..= b` over `units`, with window `w` (months) for units without
/// their own. `data_first` is the exports' first month: NRR and GRR need it to lie no later than
/// `b − 23`, and the start is fully observed when it lies no later than `a − W`.
pub fn period_figures<'a>(
    units: impl IntoIterator<Item = &'a History>,
    a: Month,
    b: Month,
    w: u32,
    data_first: Option<Month>,
) -> RetentionFigures {
    let mut sums = PeriodSums::new(w);
    for h in units {
        sums.add(h, a, b, w, data_first);
    }
    sums.figures(a, b, data_first)
}

/// What [`period_figures`] counts and sums over the units of one period, unit by unit: sums of
/// disjoint sets of units add up (exactly, the amounts being decimals), so the units can be
/// taken in parts, and each unit's history read once for all periods while it is in the cache
/// (reading every unit's history once a period missed the cache on most of them).
#[derive(Debug, Clone)]
struct PeriodSums {
    f: RetentionFigures,
    /// NRR/GRR: Σ net revenue of the base months, of the current months, and the part kept.
    prev: Decimal,
    cur: Decimal,
    kept: Decimal,
    /// The widest W of the units counted.
    widest: u32,
}

impl PeriodSums {
    fn new(w: u32) -> Self {
        PeriodSums {
            f: RetentionFigures::default(),
            prev: Decimal::ZERO,
            cur: Decimal::ZERO,
            kept: Decimal::ZERO,
            widest: w,
        }
    }

    /// Counts unit `h` in period `a ..= b` (`w` for a unit without its own window).
    fn add(&mut self, h: &History, a: Month, b: Month, w: u32, data_first: Option<Month>) {
        let f = &mut self.f;
        let w = h.window_or(w);
        self.widest = self.widest.max(w);
        let at_start = h.is_active(a - 1, w);
        let at_end = h.is_active(b, w);
        f.start += u64::from(at_start);
        f.end += u64::from(at_end);
        match (at_start, at_end) {
            (true, true) => f.retained += 1,
            (true, false) => f.churned += 1,
            (false, true) => match h.first_purchase() {
                Some(first) if first >= a => f.new += 1,
                _ => f.reactivated += 1,
            },
            (false, false) => {}
        }
        f.net_revenue += h.net_between(a, b);
        if base_known(b, data_first) {
            let prev = h.net_between(b - 23, b - 12);
            if prev > Decimal::ZERO {
                let cur = h.net_between(b - 11, b);
                self.prev += prev;
                self.cur += cur;
                self.kept += cur.max(Decimal::ZERO).min(prev);
            }
        }
    }

    /// Adds the sums of other units of the same period.
    fn merge(&mut self, other: &PeriodSums) {
        let (f, o) = (&mut self.f, &other.f);
        f.start += o.start;
        f.end += o.end;
        f.retained += o.retained;
        f.churned += o.churned;
        f.new += o.new;
        f.reactivated += o.reactivated;
        f.net_revenue += o.net_revenue;
        self.prev += other.prev;
        self.cur += other.cur;
        self.kept += other.kept;
        self.widest = self.widest.max(other.widest);
    }

    fn figures(self, a: Month, b: Month, data_first: Option<Month>) -> RetentionFigures {
        let mut f = self.f;
        f.history_complete = data_first.is_none_or(|first| first <= a - self.widest as i32);
        f.finish_rates();
        if base_known(b, data_first) && !self.prev.is_zero() {
            f.nrr = crate::money::quotient(self.cur, self.prev);
            f.grr = crate::money::quotient(self.kept, self.prev);
        }
        f
    }
}

/// Whether the exports reach back to the base months of NRR and GRR for a period ending `b`.
fn base_known(b: Month, data_first: Option<Month>) -> bool {
    data_first.is_some_and(|first| first <= b - 23)
}

/// The figures of every period of `periods` (first and last month) over `units`: each unit's
/// history read for all periods at once, the units taken in parts side by side.
fn periods_figures(
    units: &[&History],
    periods: &[(Month, Month)],
    w: u32,
    data_first: Option<Month>,
) -> Vec<RetentionFigures> {
    let parts = crate::parallel::side_by_side(&crate::parallel::chunks(units), |chunk| {
        let mut sums = vec![PeriodSums::new(w); periods.len()];
        for h in *chunk {
            for (s, &(a, b)) in sums.iter_mut().zip(periods) {
                s.add(h, a, b, w, data_first);
            }
        }
        sums
    });
    let mut total = vec![PeriodSums::new(w); periods.len()];
    for part in &parts {
        for (t, s) in total.iter_mut().zip(part) {
            t.merge(s);
        }
    }
    total.into_iter().zip(periods).map(|(s, &(a, b))| s.figures(a, b, data_first)).collect()
}

/// A retention report's parameters.
#[derive(Debug, Clone, Default)]
pub struct RetentionQuery {
    pub by: Unit,
    pub period: PeriodKind,
    /// Inclusive day range; `None` is open (the exports' first or last month).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `--window N`, overriding `inactive_after_months`.
    pub window: Option<u32>,
}

impl RetentionQuery {
    /// What the pass keeps for retention: no invoices, and the parts' cells taken as they are
    /// (a unit's history merges the cells of a month, [`History::new`]).
    pub fn cube_spec(&self) -> crate::cube::CubeSpec {
        crate::cube::CubeSpec { without_invoices: true, cells_may_repeat: true, ..Default::default() }
    }

    /// W: `--window`, else `[retention] inactive_after_months`.
    pub fn window_months(&self, ws: &Workspace) -> u32 {
        self.window.unwrap_or(ws.config.window_months)
    }
}

/// One row: the owner (under `--by owner`), the period and its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRow {
    pub owner: Option<GroupName>,
    /// `2026-03`, `2026-Q1`, `2026`.
    pub period: String,
    /// The period's first and last month, clipped to the range.
    pub first: Month,
    pub last: Month,
    /// Whether the period is whole: false when the exports or the range end inside it.
    pub complete: bool,
    pub figures: RetentionFigures,
}

/// Where the figures come from, for report headers.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub currency: String,
    /// First and last day of the exports.
    pub data_range: Option<(NaiveDate, NaiveDate)>,
    pub files: usize,
    pub rows_read: u64,
}

impl Source {
    pub fn of(ws: &Workspace, cube: &Cube) -> Source {
        Source {
            currency: ws.config.currency.clone(),
            data_range: cube.first_date.zip(cube.last_date),
            files: cube.stats.files,
            rows_read: cube.stats.rows,
        }
    }
}

/// The retention and churn table.
#[derive(Debug, Clone)]
pub struct RetentionReport {
    pub by: Unit,
    pub period: PeriodKind,
    pub window_months: u32,
    /// The largest W among the units (an account's own may exceed kam.toml's).
    pub widest_window: u32,
    /// The accounts with a W of their own, where those count (not with `--window`).
    pub own_windows: Vec<(String, u32)>,
    /// Whether W was given with `--window` rather than read from kam.toml.
    pub window_from_flag: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The months the rows cover (first, last); `None` when there is nothing to cover.
    pub span: Option<(Month, Month)>,
    /// Units counted.
    pub units: usize,
    pub rows: Vec<RetentionRow>,
    pub source: Source,
}

/// The accounts whose dossier sets a W of their own, with it.
pub fn own_windows(ws: &Workspace) -> Vec<(String, u32)> {
    ws.accounts.iter().filter_map(|a| a.window_months().map(|w| (a.id.clone(), w))).collect()
}

/// The months a report covers: `--from`/`--to`, else the exports' first and last month.
pub fn report_span(cube: &Cube, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<(Month, Month)> {
    let data = cube.months();
    let first = from.map(Month::of).or(data.map(|d| d.0))?;
    let last = to.map(Month::of).or(data.map(|d| d.1))?;
    (first <= last).then_some((first, last))
}

/// The periods of `kind` covering `first ..= last`, each clipped to that span, with its label.
pub fn clipped_periods(kind: PeriodKind, first: Month, last: Month) -> Vec<(String, Month, Month)> {
    periods_and_wholeness(kind, first, last).into_iter().map(|(l, a, b, _)| (l, a, b)).collect()
}

/// [`clipped_periods`], each with whether it is whole (not clipped).
pub fn periods_and_wholeness(
    kind: PeriodKind,
    first: Month,
    last: Month,
) -> Vec<(String, Month, Month, bool)> {
    kind.periods(first, last)
        .into_iter()
        .map(|(a, b)| {
            let label = kind.label(a).unwrap_or_else(|| format!("{first} – {last}"));
            let (ca, cb) = (a.max(first), b.min(last));
            (label, ca, cb, (ca, cb) == (a, b) || kind == PeriodKind::All)
        })
        .collect()
}

/// Computes the retention table: one row per period (and owner, under `--by owner`).
pub fn retention_report(ws: &Workspace, cube: &Cube, query: &RetentionQuery) -> RetentionReport {
    let w = query.window_months(ws);
    let units = unit_histories(ws, cube, query.by, query.window.is_none());
    let span = report_span(cube, query.from, query.to);
    let data_first = cube.months().map(|d| d.0);
    let periods =
        span.map_or_else(Vec::new, |(first, last)| periods_and_wholeness(query.period, first, last));
    let mut rows = Vec::new();
    let groups: Vec<Option<GroupName>> = match query.by {
        Unit::Owner => owners(ws).into_iter().map(Some).collect(),
        _ => vec![None],
    };
    for group in groups {
        let members: Vec<&History> = units.iter().filter(|u| u.group == group).map(|u| &u.history).collect();
        let spans: Vec<(Month, Month)> = periods.iter().map(|&(_, a, b, _)| (a, b)).collect();
        let figures = periods_figures(&members, &spans, w, data_first);
        for ((label, a, b, complete), figures) in periods.iter().zip(figures) {
            rows.push(RetentionRow {
                owner: group.clone(),
                period: label.clone(),
                first: *a,
                last: *b,
                complete: *complete,
                figures,
            });
        }
    }
    RetentionReport {
        by: query.by,
        period: query.period,
        window_months: w,
        widest_window: units.iter().map(|u| u.history.window_or(w)).max().unwrap_or(w).max(w),
        own_windows: own_windows(ws).into_iter().filter(|_| query.window.is_none()).collect(),
        window_from_flag: query.window.is_some(),
        from: query.from,
        to: query.to,
        span,
        units: units.len(),
        rows,
        source: Source::of(ws, cube),
    }
}

/// One cohort: the units whose first purchase fell in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRow {
    pub owner: Option<GroupName>,
    pub cohort: Month,
    pub size: u64,
    /// For k = 0, 1, …: the share of the cohort with a purchase in month cohort + k, up to the
    /// last month (1 at k = 0).
    pub retention: Vec<Decimal>,
}

/// The cohort matrix.
#[derive(Debug, Clone)]
pub struct CohortReport {
    pub by: Unit,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The last month of the columns.
    pub last: Option<Month>,
    /// The exports' first month: its cohort holds every unit that bought before as well.
    pub data_first: Option<Month>,
    pub rows: Vec<CohortRow>,
    pub source: Source,
}

/// Cohorts of fewer units than this are too small to read a share from.
pub const SMALL_COHORT: u64 = 5;

/// The cohorts of `units`: first-purchase months from `first` to `last`, columns up to `last`.
pub fn cohorts<'a>(
    units: impl IntoIterator<Item = &'a History>,
    first: Option<Month>,
    last: Month,
) -> Vec<(Month, u64, Vec<Decimal>)> {
    let mut counts: BTreeMap<Month, (u64, Vec<u64>)> = BTreeMap::new();
    for h in units {
        let Some(cohort) = h.first_purchase() else { continue };
        if cohort > last || first.is_some_and(|f| cohort < f) {
            continue;
        }
        let len = usize::try_from(last.0 - cohort.0).unwrap_or(0) + 1;
        let (size, per_month) = counts.entry(cohort).or_insert_with(|| (0, vec![0; len]));
        *size += 1;
        for e in h.between(cohort, last).iter().filter(|e| e.purchase) {
            if let Some(n) = usize::try_from(e.month.0 - cohort.0).ok().and_then(|k| per_month.get_mut(k)) {
                *n += 1;
            }
        }
    }
    counts
        .into_iter()
        .map(|(cohort, (size, per_month))| {
            let shares = per_month.iter().map(|&n| ratio(n, size).unwrap_or(Decimal::ZERO)).collect();
            (cohort, size, shares)
        })
        .collect()
}

/// Computes the cohort matrix (per owner under `--by owner`).
pub fn cohort_report(ws: &Workspace, cube: &Cube, query: &RetentionQuery) -> CohortReport {
    let units = unit_histories(ws, cube, query.by, false);
    let last = query.to.map(Month::of).or_else(|| cube.months().map(|d| d.1));
    let first = query.from.map(Month::of);
    let groups: Vec<Option<GroupName>> = match query.by {
        Unit::Owner => owners(ws).into_iter().map(Some).collect(),
        _ => vec![None],
    };
    let mut rows = Vec::new();
    if let Some(last) = last {
        for group in groups {
            let members = units.iter().filter(|u| u.group == group).map(|u| &u.history);
            for (cohort, size, retention) in cohorts(members, first, last) {
                rows.push(CohortRow { owner: group.clone(), cohort, size, retention });
            }
        }
    }
    CohortReport {
        by: query.by,
        from: query.from,
        to: query.to,
        last,
        data_first: cube.months().map(|d| d.0),
        rows,
        source: Source::of(ws, cube),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> Month {
        Month::new(y, mo)
    }

    fn buy(month: Month, net: i64) -> MonthEntry {
        MonthEntry { month, net: Decimal::from(net), purchase: net > 0 }
    }

    fn history(entries: &[MonthEntry]) -> History {
        History::new(entries.to_vec())
    }

    #[test]
    fn active_means_a_purchase_in_the_last_w_months() {
        let h = history(&[buy(m(2025, 1), 100)]);
        // W = 3: active at the end of Jan, Feb, Mar; not in Apr (a gap of exactly W months).
        assert!(h.is_active(m(2025, 1), 3));
        assert!(h.is_active(m(2025, 3), 3));
        assert!(!h.is_active(m(2025, 4), 3));
        assert!(!h.is_active(m(2024, 12), 3));
        // W = 1: only the month itself.
        assert!(h.is_active(m(2025, 1), 1));
        assert!(!h.is_active(m(2025, 2), 1));
    }

    #[test]
    fn a_month_with_only_returns_is_no_purchase() {
        let h = history(&[buy(m(2025, 1), 100), buy(m(2025, 3), -40)]);
        assert!(!h.is_active(m(2025, 4), 3));
        assert!(!h.purchased_in(m(2025, 3)));
        assert_eq!(h.net_between(m(2025, 1), m(2025, 12)), Decimal::from(60));
        assert_eq!(h.first_purchase(), Some(m(2025, 1)));
        let only_returns = history(&[buy(m(2025, 2), -5)]);
        assert_eq!(only_returns.first_purchase(), None);
    }

    #[test]
    fn entries_of_one_month_are_merged() {
        let h = History::new(vec![buy(m(2025, 2), -30), buy(m(2025, 1), 10), buy(m(2025, 2), 50)]);
        assert_eq!(h.entries().len(), 2);
        assert_eq!(h.entries()[1], MonthEntry { month: m(2025, 2), net: Decimal::from(20), purchase: true });
    }

    #[test]
    fn new_reactivated_and_churned_in_one_month() {
        let w = 2;
        // a: bought Jan and Mar → retained in Mar (active at the end of Feb and Mar).
        let a = history(&[buy(m(2025, 1), 10), buy(m(2025, 3), 10)]);
        // b: bought in Jan only → churned in Mar (a gap of exactly W = 2 months by the end of Mar).
        let b = history(&[buy(m(2025, 1), 10)]);
        // c: bought Oct 2024, churned, back in Mar → reactivated.
        let c = history(&[buy(m(2024, 10), 10), buy(m(2025, 3), 5)]);
        // d: first purchase in Mar → new.
        let d = history(&[buy(m(2025, 3), 7)]);
        let f = period_figures([&a, &b, &c, &d], m(2025, 3), m(2025, 3), w, Some(m(2024, 10)));
        assert_eq!((f.start, f.end), (2, 3));
        assert_eq!((f.retained, f.churned, f.new, f.reactivated), (1, 1, 1, 1));
        assert_eq!(f.retention_rate, Some(Decimal::new(5, 1)));
        assert_eq!(f.net_revenue, Decimal::from(22));
        assert_eq!(f.nrr, None);
    }

    #[test]
    fn nrr_and_grr_over_trailing_twelve_months() {
        // b = 2026-12: previous window 2025-01..2025-12, current 2026-01..2026-12.
        let b = m(2026, 12);
        let grows = history(&[buy(m(2025, 5), 100), buy(m(2026, 5), 150)]);
        let shrinks = history(&[buy(m(2025, 5), 100), buy(m(2026, 5), 40)]);
        let gone = history(&[buy(m(2025, 5), 100), buy(m(2026, 6), -20)]);
        let newcomer = history(&[buy(m(2026, 1), 1000)]);
        let f = period_figures([&grows, &shrinks, &gone, &newcomer], b, b, 3, Some(m(2025, 1)));
        // NRR = (150 + 40 − 20) / 300; GRR = (100 + 40 + 0) / 300.
        assert_eq!(f.nrr, Some(Decimal::from(170) / Decimal::from(300)));
        assert_eq!(f.grr, Some(Decimal::from(140) / Decimal::from(300)));
        // The exports must reach back to b − 23.
        let f = period_figures([&grows], b, b, 3, Some(m(2025, 2)));
        assert_eq!((f.nrr, f.grr), (None, None));
        // No base revenue: undefined.
        let f = period_figures([&newcomer], b, b, 3, Some(m(2025, 1)));
        assert_eq!((f.nrr, f.grr), (None, None));
    }

    #[test]
    fn periods_are_clipped_to_the_range() {
        let p = clipped_periods(PeriodKind::Quarter, m(2025, 2), m(2025, 7));
        assert_eq!(
            p,
            vec![
                ("2025-Q1".to_string(), m(2025, 2), m(2025, 3)),
                ("2025-Q2".to_string(), m(2025, 4), m(2025, 6)),
                ("2025-Q3".to_string(), m(2025, 7), m(2025, 7)),
            ]
        );
    }

    #[test]
    fn cohort_shares() {
        let a = history(&[buy(m(2025, 1), 10), buy(m(2025, 3), 10)]);
        let b = history(&[buy(m(2025, 1), 10), buy(m(2025, 2), -10)]);
        let c = history(&[buy(m(2025, 2), 10)]);
        let rows = cohorts([&a, &b, &c], None, m(2025, 3));
        let half = Decimal::new(5, 1);
        assert_eq!(rows[0], (m(2025, 1), 2, vec![Decimal::ONE, Decimal::ZERO, half]));
        assert_eq!(rows[1], (m(2025, 2), 1, vec![Decimal::ONE, Decimal::ZERO]));
        let rows = cohorts([&a, &b, &c], Some(m(2025, 2)), m(2025, 2));
        assert_eq!(rows, vec![(m(2025, 2), 1, vec![Decimal::ONE])]);
    }

    proptest::proptest! {
        /// Every period worked out unit by unit, the units in parts, gives the figures of the
        /// period worked out on its own.
        #[test]
        fn all_periods_at_once_equal_each_period_alone(
            units in proptest::collection::vec(
                (proptest::collection::vec((0i32..30, -500i64..5_000), 0..12), proptest::option::of(1u32..8)),
                0..40,
            ),
            w in 1u32..8,
            first in 0i32..6,
        ) {
            let histories: Vec<History> = units
                .into_iter()
                .map(|(entries, window)| {
                    let entries = entries
                        .into_iter()
                        .map(|(month, cents)| MonthEntry {
                            month: Month(24_000 + month),
                            net: Decimal::new(cents, 2),
                            purchase: cents > 0,
                        })
                        .collect();
                    History::new(entries).with_window(window)
                })
                .collect();
            let members: Vec<&History> = histories.iter().collect();
            let periods: Vec<(Month, Month)> =
                (0..30).map(|k| (Month(24_000 + k), Month(24_000 + k + k % 3))).collect();
            let data_first = Some(Month(24_000 + first));
            let all = periods_figures(&members, &periods, w, data_first);
            let (one, two) = members.split_at(members.len() / 3);
            for (figures, &(a, b)) in all.iter().zip(&periods) {
                let alone = period_figures(members.iter().copied(), a, b, w, data_first);
                proptest::prop_assert_eq!(figures, &alone);
                // The sums of two parts of the units, merged, are those of all.
                let (mut first, mut second) = (PeriodSums::new(w), PeriodSums::new(w));
                one.iter().for_each(|h| first.add(h, a, b, w, data_first));
                two.iter().for_each(|h| second.add(h, a, b, w, data_first));
                first.merge(&second);
                proptest::prop_assert_eq!(first.figures(a, b, data_first), alone);
            }
        }
    }
}
