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

fn date_of(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date") + chrono::Days::new(n.max(0) as u64)
}

/// The order days of every customer: days with a sale of positive net revenue.
#[derive(Debug, Default)]
pub struct OrderDayBook {
    pub days: HashMap<String, Vec<i64>>,
}

impl RowSink for OrderDayBook {
    fn row(&mut self, row: &SaleRow<'_>) {
        if row.customer.is_empty() || row.net <= Decimal::ZERO {
            return;
        }
        let d = day_number(row.date);
        match self.days.get_mut(row.customer) {
            Some(v) => {
                if v.last() != Some(&d) {
                    v.push(d);
                }
            }
            None => {
                self.days.insert(row.customer.to_string(), vec![d]);
            }
        }
    }

    fn append(&mut self, later: Self) {
        for (c, days) in later.days {
            self.days.entry(c).or_default().extend(days);
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
    /// Net revenue of the last 6 months against the 6 before: the change (`None` when the 6
    /// before had none).
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
    pub rows: Vec<RiskRow>,
    /// The backtest's averages on these exports (6 months ahead), where it had cut-offs: see
    /// [`measure`].
    pub measured: Option<(Averages, usize)>,
}

/// `kam risk --backtest`.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub horizon_months: u32,
    pub cutoffs: Vec<(Month, Cutoff)>,
    pub auc: Averages,
    pub precision_top_decile: Averages,
}

fn histories(ws: &Workspace, book: &OrderDayBook, by: RiskUnit) -> Vec<(History, Option<usize>)> {
    match by {
        RiskUnit::Customer => {
            let mut all: Vec<(History, Option<usize>)> = book
                .days
                .iter()
                .map(|(c, days)| {
                    let mut days = days.clone();
                    days.sort_unstable();
                    days.dedup();
                    (History { id: c.clone(), days }, ws.customer_account.get(c).copied())
                })
                .collect();
            all.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            all
        }
        RiskUnit::Account => ws
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut days: Vec<i64> = a
                    .customer_ids
                    .iter()
                    .filter_map(|c| book.days.get(c.trim()))
                    .flatten()
                    .copied()
                    .collect();
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
    let Some((first, last)) = cube.months() else { return Vec::new() };
    // The last month counts as whole when the exports reach its last three days.
    let last_whole = match cube.last_date {
        Some(d) if (last.last_day() - d).num_days() <= 3 => last,
        _ => last - 1,
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
            *net.entry((u, key.month)).or_default() += cell.sums.net;
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
            let (now, before) = (sum(at - 5, at), sum(at - 11, at - 6));
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
                trend: crate::money::quotient(now - before, before),
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
    RiskReport { by, at, end: end_date, model, rows, measured: None }
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
