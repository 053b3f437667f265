//! `kam accounts`: one line per key account with its recent figures and relationship status.

use crate::abc::{AbcUnit, Class, classify, unit_revenue};
use crate::cube::Cube;
use crate::dates::Month;
use crate::margin::{Dim, MarginQuery, margin_report};
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub id: String,
    pub name: String,
    pub owner: Option<String>,
    pub segment: Option<String>,
    /// Net revenue of the last 12 months and of the 12 before.
    pub net_revenue: Decimal,
    pub net_revenue_prev: Decimal,
    /// (current − previous) / previous; `None` when the previous is 0.
    pub change: Option<Decimal>,
    pub db2_rate: Option<Decimal>,
    /// ABC class among the accounts over the last 12 months.
    pub class: Class,
    /// The latest meeting on or before today.
    pub last_meeting: Option<NaiveDate>,
    pub complaints_open: u64,
    pub next_review: Option<NaiveDate>,
    /// The place in `kam risk --by account` as of the last month (set by the command).
    pub risk: Option<crate::radar::RiskPlace>,
}

#[derive(Debug, Clone)]
pub struct AccountsReport {
    pub currency: String,
    /// The last 12 months (first, last) and the 12 before.
    pub current: (Month, Month),
    pub previous: (Month, Month),
    pub today: NaiveDate,
    pub rows: Vec<AccountLine>,
}

/// The figures of each account over the 12 months ending with the exports' last month (or `to`).
pub fn accounts_report(
    ws: &Workspace,
    cube: &Cube,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> AccountsReport {
    let end = to.map(Month::of).or_else(|| cube.last_date.map(Month::of)).unwrap_or_else(|| Month::of(today));
    let current = (end - 11, end);
    let previous = (end - 23, end - 12);
    let cur = unit_revenue(ws, cube, AbcUnit::Account, Some(current.0), Some(current.1));
    let prev = unit_revenue(ws, cube, AbcUnit::Account, Some(previous.0), Some(previous.1));
    let (_, classes) = classify(cur.clone(), &ws.config.abc);
    let margin = margin_report(
        ws,
        cube,
        &MarginQuery {
            by: vec![Dim::Account],
            period: PeriodKind::All,
            from: Some(current.0.first_day()),
            to: Some(current.1.last_day()),
            accounts: Vec::new(),
        },
    );
    let rows = ws
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let net = cur[i].1;
            let net_prev = prev[i].1;
            let db2_rate = margin.rows.iter().find(|r| r.keys[0] == *a.id).and_then(|r| r.figures.db2_rate);
            let class = classes.iter().find(|r| r.id == a.id).map_or(Class::C, |r| r.class);
            AccountLine {
                id: a.id.clone(),
                name: a.name.clone(),
                owner: a.owner.clone(),
                segment: a.segment.clone(),
                net_revenue: net,
                net_revenue_prev: net_prev,
                change: crate::money::quotient(net - net_prev, net_prev),
                db2_rate,
                class,
                last_meeting: a.meetings.iter().map(|m| m.date.0).filter(|&d| d <= today).max(),
                complaints_open: a
                    .complaints
                    .iter()
                    .filter(|c| {
                        c.opened.0 <= today && c.closed.as_ref().is_none_or(|d| d.get_ref().0 > today)
                    })
                    .count() as u64,
                next_review: a.review.as_ref().and_then(|r| r.date).map(|d| d.0),
                risk: None,
            }
        })
        .collect();
    AccountsReport { currency: ws.config.currency.clone(), current, previous, today, rows }
}
