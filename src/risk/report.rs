//! `kam risk`: every customer or key account with a purchase in the 24 months up to `--at`,
//! most at risk first, with the score's components and the facts behind them; and
//! `kam risk --backtest`, how well the score has predicted churn on the user's own exports.
//!
//! Order days come from one pass over the exports ([`OrderDayBook`]); the model is fitted on the
//! customers (an account's order days are those of its customer numbers together). The dossier's
//! signals of a key account (open complaints, satisfaction, the last meeting with a
//! decision-maker, DSO against terms) are listed beside the score, not in it: they cannot be
//! backtested on the exports.

use super::bgnbd::{Fit, Params};
use super::score::{Components, Cut, Cutoff, History, Scored, backtest, score};
use crate::cube::Cube;
use crate::dates::Month;
use crate::dossier::{Account, Influence};
use crate::money::Decimal;
use crate::sales::{RowSink, SaleRow};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Days since 1970-01-01.
pub fn day_number(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date")).num_days()
}

/// The day of a [`day_number`].
pub fn date_of(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date") + chrono::Days::new(n.max(0) as u64)
}

/// The order days of every customer: the days whose rows of that customer sum to a positive
/// net revenue (an order cancelled by a credit note of the same day leaves none; several
/// invoices on one day count once). Kept as the net revenue of each customer and day, sorted by
/// day, so that memory grows with customers × days, not with rows.
#[derive(Debug, Default)]
pub struct OrderDayBook {
    net: HashMap<String, Vec<(i64, Decimal)>>,
}

/// Adds `net` to `day` in `days` (sorted by day, one entry a day).
fn add_day(days: &mut Vec<(i64, Decimal)>, day: i64, net: Decimal) {
    match days.last_mut() {
        Some(last) if last.0 == day => last.1 += net,
        Some(last) if last.0 > day => match days.binary_search_by_key(&day, |e| e.0) {
            Ok(i) => days[i].1 += net,
            Err(i) => days.insert(i, (day, net)),
        },
        _ => days.push((day, net)),
    }
}

impl OrderDayBook {
    /// The order days of `customer` (trimmed), sorted.
    pub fn days(&self, customer: &str) -> Vec<i64> {
        self.net.get(customer).map_or_else(Vec::new, |days| positive(days))
    }

    /// Every customer with a row, and its order days (sorted; empty where no day's net revenue
    /// is positive).
    pub fn customers(&self) -> impl Iterator<Item = (&str, Vec<i64>)> {
        self.net.iter().map(|(c, days)| (c.as_str(), positive(days)))
    }
}

fn positive(days: &[(i64, Decimal)]) -> Vec<i64> {
    days.iter().filter(|e| e.1 > Decimal::ZERO).map(|e| e.0).collect()
}

impl RowSink for OrderDayBook {
    fn row(&mut self, row: &SaleRow<'_>) {
        if row.customer.is_empty() {
            return;
        }
        let d = day_number(row.date);
        match self.net.get_mut(row.customer) {
            Some(v) => add_day(v, d, row.net),
            None => {
                self.net.insert(row.customer.to_string(), vec![(d, row.net)]);
            }
        }
    }

    fn append(&mut self, later: Self) {
        for (c, days) in later.net {
            match self.net.get_mut(&c) {
                Some(v) => {
                    for (d, net) in days {
                        add_day(v, d, net);
                    }
                }
                None => {
                    self.net.insert(c, days);
                }
            }
        }
    }
}

/// What to rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskUnit {
    Customer,
    Account,
}

/// The dossier's signals of a key account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Signals {
    pub open_complaints: usize,
    pub oldest_complaint_days: Option<i64>,
    /// The latest satisfaction score and the one before.
    pub satisfaction: Option<(Decimal, Option<Decimal>)>,
    /// Days since a decision-maker was last among a meeting's attendees (`None`: never).
    pub decision_maker_days: Option<i64>,
    pub has_decision_maker: bool,
    /// DSO minus the payment terms, in days.
    pub dso_over_terms: Option<i64>,
}

/// One ranked unit.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    pub id: String,
    pub name: Option<String>,
    pub account: Option<String>,
    pub owner: Option<String>,
    pub last_order: NaiveDate,
    pub order_days: u64,
    pub median_gap_days: Option<Decimal>,
    pub days_since_last: i64,
    pub p_alive: Option<f64>,
    pub expected_orders_6m: Option<f64>,
    /// Net revenue of the 6 months up to [`RiskReport::trend_to`] against the 6 before: the
    /// change (`None` without `trend_to`, or when the 6 before had none).
    pub trend: Option<Decimal>,
    pub score: f64,
    pub ranks: Components,
    pub signals: Option<Signals>,
}

/// The averages of a backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Averages {
    pub score: Option<f64>,
    pub recency: Option<f64>,
    pub bgnbd: Option<f64>,
    pub window_rule: Option<f64>,
}

/// `kam risk`.
#[derive(Debug, Clone)]
pub struct RiskReport {
    pub by: RiskUnit,
    pub at: Month,
    pub end: NaiveDate,
    pub model: Fit,
    /// The last month of the revenue trend: `at`, or the month before where `at` is the month
    /// the exports end in and they do not reach its last three days (a month they end in early
    /// is not set against whole months); `None` when the 12 months up to it reach before the
    /// exports' first month.
    pub trend_to: Option<Month>,
    pub rows: Vec<RiskRow>,
    /// The backtest's averages on these exports (6 months ahead), where it had cut-offs: see
    /// [`measure`].
    pub measured: Option<(Averages, usize)>,
}

/// `kam risk --backtest`.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub horizon_months: u32,
    /// The cut-off asked for with `--at`.
    pub at: Option<Month>,
    /// The exports' last day and their last whole month (see [`Cube::last_complete_month`]).
    pub data_end: Option<(NaiveDate, Month)>,
    pub cutoffs: Vec<(Month, Cutoff)>,
    pub auc: Averages,
    pub precision_top_decile: Averages,
}

fn histories(ws: &Workspace, book: &OrderDayBook, by: RiskUnit) -> Vec<(History, Option<usize>)> {
    match by {
        RiskUnit::Customer => {
            let mut all: Vec<(History, Option<usize>)> = book
                .customers()
                .filter(|(_, days)| !days.is_empty())
                .map(|(c, days)| (History { id: c.to_string(), days }, ws.customer_account.get(c).copied()))
                .collect();
            all.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            all
        }
        RiskUnit::Account => ws
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut days: Vec<i64> = a.customer_ids.iter().flat_map(|c| book.days(c.trim())).collect();
                days.sort_unstable();
                days.dedup();
                (History { id: a.id.clone(), days }, Some(i))
            })
            .collect(),
    }
}

/// The cut-offs of a backtest: month ends with at least 12 months of exports before and
/// `horizon` whole months after; only `at` when given (with any months of exports before it).
fn cutoff_months(cube: &Cube, horizon: u32, at: Option<Month>) -> Vec<Month> {
    let (Some((first, _)), Some(last_whole)) = (cube.months(), cube.last_complete_month()) else {
        return Vec::new();
    };
    let candidates: Vec<Month> = match at {
        Some(m) => vec![m],
        None => {
            let mut v = Vec::new();
            let mut m = first + 11;
            while m + horizon as i32 <= last_whole {
                v.push(m);
                m = m + 1;
            }
            v
        }
    };
    // A cut-off asked for needs no year before it: the exports' start may be the model's.
    let earliest = if at.is_some() { first } else { first + 11 };
    candidates.into_iter().filter(|m| *m >= earliest && *m + horizon as i32 <= last_whole).collect()
}

/// The mean of the values there are (a cut-off where all or none churned, or whose fit did not
/// converge, has none); `None` when there is none.
fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// Walks forward over the exports: see [`super::score::backtest`].
pub fn run_backtest(
    ws: &Workspace,
    cube: &Cube,
    book: &OrderDayBook,
    horizon: u32,
    at: Option<Month>,
) -> Backtest {
    let units: Vec<History> = histories(ws, book, RiskUnit::Customer).into_iter().map(|h| h.0).collect();
    let months = cutoff_months(cube, horizon, at);
    let w = ws.config.window_months as i32;
    let spec: Vec<Cut> = months
        .iter()
        .map(|m| Cut {
            end: day_number(m.last_day()),
            horizon_end: day_number((*m + horizon as i32).last_day()),
            since: day_number((*m - 12).last_day()),
            silent_since: day_number((*m - w).last_day()),
        })
        .collect();
    let cuts = backtest(&units, &spec);
    let avg = |f: fn(&Cutoff) -> &super::score::Measured| Averages {
        score: mean(cuts.iter().map(|c| f(c).score)),
        recency: mean(cuts.iter().map(|c| f(c).recency)),
        bgnbd: mean(cuts.iter().map(|c| f(c).bgnbd)),
        window_rule: mean(cuts.iter().map(|c| f(c).window_rule)),
    };
    Backtest {
        horizon_months: horizon,
        at,
        data_end: cube.last_date.zip(cube.last_complete_month()),
        auc: avg(|c| &c.auc),
        precision_top_decile: avg(|c| &c.precision_top_decile),
        cutoffs: months.into_iter().zip(cuts).collect(),
    }
}

fn signals(a: &Account, today: NaiveDate) -> Signals {
    let open: Vec<i64> =
        a.complaints.iter().filter(|c| c.closed.is_none()).map(|c| (today - c.opened.0).num_days()).collect();
    let mut scores: Vec<(NaiveDate, Decimal)> =
        a.satisfaction.iter().map(|s| (s.date.0, s.score.get_ref().value())).collect();
    scores.sort_by_key(|s| s.0);
    let deciders: Vec<&str> = a
        .contacts
        .iter()
        .filter(|c| c.influence == Some(Influence::DecisionMaker))
        .map(|c| c.name.trim())
        .collect();
    let last_met = a
        .meetings
        .iter()
        .filter(|m| m.date.0 <= today && m.attendees.iter().any(|n| deciders.contains(&n.trim())))
        .map(|m| m.date.0)
        .max();
    Signals {
        open_complaints: open.len(),
        oldest_complaint_days: open.iter().copied().max(),
        satisfaction: scores.last().map(|l| (l.1, scores.len().checked_sub(2).map(|i| scores[i].1))),
        decision_maker_days: last_met.map(|d| (today - d).num_days()),
        has_decision_maker: !deciders.is_empty(),
        dso_over_terms: a
            .credit
            .dso_days
            .zip(a.conditions.payment_terms_days)
            .map(|(d, t)| i64::from(d) - i64::from(t)),
    }
}

/// Ranks the units of `by` as of the end of `at`.
pub fn risk_report(
    ws: &Workspace,
    cube: &Cube,
    book: &OrderDayBook,
    by: RiskUnit,
    at: Month,
    owner: Option<&str>,
    today: NaiveDate,
) -> RiskReport {
    let end_date = cube.last_date.map_or(at.last_day(), |d| d.min(at.last_day()));
    let end = day_number(end_date);
    let since = day_number((at - 24).last_day());
    let span = (day_number((at + 6).last_day()) - day_number(at.last_day())) as f64;
    // The model is the customers'; accounts are scored with it.
    let customers: Vec<History> = histories(ws, book, RiskUnit::Customer).into_iter().map(|h| h.0).collect();
    let (model, customer_scores) = score(&customers, end, Some(since), span);
    let units = histories(ws, book, by);
    let scored: Vec<Scored> = match by {
        RiskUnit::Customer => customer_scores,
        RiskUnit::Account => {
            let hs: Vec<History> = units.iter().map(|u| u.0.clone()).collect();
            super::score::score_with(&hs, end, Some(since), span, &model, &customer_scores)
        }
    };
    let trend_to = cube
        .last_complete_month()
        .map(|whole| whole.min(at))
        .filter(|m| cube.months().is_some_and(|(first, _)| *m - 11 >= first));
    let index: HashMap<&str, Option<usize>> = units.iter().map(|(h, a)| (h.id.as_str(), *a)).collect();
    let days_of: HashMap<&str, &Vec<i64>> = units.iter().map(|(h, _)| (h.id.as_str(), &h.days)).collect();
    // Net revenue per unit and month, for the trend.
    let mut net: HashMap<(usize, Month), Decimal> = HashMap::new();
    for (key, cell) in &cube.cells {
        let unit = match by {
            RiskUnit::Customer => Some(key.customer as usize),
            RiskUnit::Account => cube.account_of(key.customer),
        };
        if let Some(u) = unit {
            *net.entry((u, key.month)).or_default() += cell.sums.net();
        }
    }
    let customer_code: HashMap<&str, usize> =
        (0..cube.customers.len() as u32).map(|i| (cube.customers.name(i), i as usize)).collect();
    let mut rows: Vec<RiskRow> = scored
        .into_iter()
        .map(|s| {
            let account = index.get(s.id.as_str()).copied().flatten();
            let a = account.map(|i| &ws.accounts[i]);
            let code = match by {
                RiskUnit::Customer => customer_code.get(s.id.as_str()).copied(),
                RiskUnit::Account => account,
            };
            let sum = |from: Month, to: Month| -> Decimal {
                code.map_or(Decimal::ZERO, |c| {
                    let mut m = from;
                    let mut total = Decimal::ZERO;
                    while m <= to {
                        total += net.get(&(c, m)).copied().unwrap_or_default();
                        m = m + 1;
                    }
                    total
                })
            };
            let trend = trend_to.and_then(|t| {
                let (now, before) = (sum(t - 5, t), sum(t - 11, t - 6));
                crate::money::quotient(now - before, before)
            });
            let days: Vec<i64> = days_of
                .get(s.id.as_str())
                .map(|d| d.iter().copied().filter(|x| *x > since && *x <= end).collect())
                .unwrap_or_default();
            let mut gaps: Vec<i64> = days.windows(2).map(|w| w[1] - w[0]).collect();
            gaps.sort_unstable();
            let median_gap = match gaps.len() {
                0 => None,
                n if n % 2 == 1 => Some(Decimal::from(gaps[n / 2])),
                n => Some((Decimal::from(gaps[n / 2 - 1]) + Decimal::from(gaps[n / 2])) / Decimal::TWO),
            };
            RiskRow {
                id: s.id.clone(),
                name: a.map(|a| a.name.clone()),
                account: a.map(|a| a.id.clone()),
                owner: a.and_then(|a| a.owner.clone()),
                last_order: date_of(s.last_order),
                order_days: s.summary.x as u64 + 1,
                median_gap_days: median_gap,
                days_since_last: end - s.last_order,
                p_alive: s.p_alive,
                expected_orders_6m: s.expected,
                trend,
                score: s.score,
                ranks: s.ranks,
                signals: a.map(|a| signals(a, today)),
            }
        })
        .collect();
    if let Some(name) = owner {
        let same = |o: &str| o.trim().to_lowercase() == name.trim().to_lowercase();
        rows.retain(|r| r.owner.as_deref().is_some_and(same));
    }
    rows.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
    RiskReport { by, at, end: end_date, model, trend_to, rows, measured: None }
}

/// The report's [`RiskReport::measured`]: the backtest 6 months ahead over every cut-off of the
/// exports, where there is one.
pub fn measure(ws: &Workspace, cube: &Cube, book: &OrderDayBook) -> Option<(Averages, usize)> {
    let bt = run_backtest(ws, cube, book, 6, None);
    (!bt.cutoffs.is_empty()).then_some((bt.auc, bt.cutoffs.len()))
}

/// A key account's place in `kam risk --by account`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub row: RiskRow,
    /// 1 is the riskiest.
    pub rank: usize,
    /// The key accounts ranked (those with an order in the 24 months).
    pub of: usize,
}

/// The key accounts ranked by risk as of the end of `at` (most at risk first), as `kam risk
/// --by account --at` ranks them: what the radar, the brief and `kam accounts` show.
pub fn account_risks(
    ws: &Workspace,
    cube: &Cube,
    book: &OrderDayBook,
    at: Month,
    today: NaiveDate,
) -> Vec<Ranked> {
    if ws.accounts.is_empty() {
        return Vec::new();
    }
    let report = risk_report(ws, cube, book, RiskUnit::Account, at, None, today);
    let of = report.rows.len();
    report.rows.into_iter().enumerate().map(|(i, row)| Ranked { row, rank: i + 1, of }).collect()
}

/// The parameters as JSON-friendly numbers (`None` where not finite).
pub fn finite(p: &Params) -> [Option<f64>; 4] {
    [p.r, p.alpha, p.a, p.b].map(|v| v.is_finite().then_some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale(date: &str, customer: &'static str, net: i64) -> SaleRow<'static> {
        SaleRow {
            date: date.parse().expect("a date"),
            customer,
            invoice: "",
            product: "",
            category: "",
            quantity: Decimal::ONE,
            gross: Decimal::from(net),
            unit_price: None,
            deductions: Decimal::ZERO,
            net: Decimal::from(net),
            cost: None,
        }
    }

    fn days(book: &OrderDayBook, customer: &str) -> Vec<NaiveDate> {
        book.days(customer).into_iter().map(date_of).collect()
    }

    /// A day is an order day when the customer's rows of that day, in any order and in any part
    /// of the exports, sum to a positive net revenue.
    #[test]
    fn order_days_are_days_of_positive_net_revenue() {
        let mut first = OrderDayBook::default();
        for r in [
            sale("2025-03-10", "K1", 100),
            sale("2025-01-10", "K1", 100),
            sale("2025-02-10", "K1", 30),
            sale("2025-01-10", "K1", -40),
            sale("2025-02-10", "K1", -30),
            sale("2025-04-01", "", 500),
        ] {
            first.row(&r);
        }
        let mut later = OrderDayBook::default();
        for r in [sale("2025-03-10", "K1", -100), sale("2025-01-20", "K1", 5), sale("2025-01-20", "K2", -5)] {
            later.row(&r);
        }
        first.append(later);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        // 2025-01-10 nets 60; 2025-02-10 nothing; 2025-03-10 is cancelled in the later part.
        assert_eq!(days(&first, "K1"), [d("2025-01-10"), d("2025-01-20")]);
        assert!(days(&first, "K2").is_empty());
        assert!(days(&first, "").is_empty());
        let mut all: Vec<(&str, Vec<i64>)> = first.customers().collect();
        all.sort();
        assert_eq!(all.len(), 2);
        assert!(all[1].1.is_empty());
    }
}
