//! ABC classes (SPEC 3.3) and key-account candidates.
//!
//! Choices where the spec leaves one open:
//!
//! - **The range** is by default the 12 calendar months ending with the exports' last month, so
//!   that a customer lost two years ago is no longer class B; `--from`, `--to` or `--year` set
//!   another.
//! - **By DB II** (`--measure db2`), units are ranked by the DB II of `kam margin` grouped by the
//!   same unit over the same range. For customers that is DB I less their order costs and return
//!   handling; visits and `[[costs]]` belong to an account and to no one customer, so they count
//!   under `--by account` only. A unit whose DB II is unknown (rows without cost data) cannot be
//!   ranked: the report refuses and says how many there are. Shares are of the total DB II of all
//!   units; while that total is not positive, no share can be read and every unit is class C.

use crate::config::AbcLimits;
use crate::cube::{Cube, NO_CUSTOMER};
use crate::dates::Month;
use crate::money::Decimal;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::str::FromStr;

/// What is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbcUnit {
    #[default]
    Customer,
    Account,
}

impl AbcUnit {
    pub fn name(self) -> &'static str {
        match self {
            AbcUnit::Customer => "customer",
            AbcUnit::Account => "account",
        }
    }
}

impl FromStr for AbcUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "customer" => Ok(AbcUnit::Customer),
            "account" => Ok(AbcUnit::Account),
            _ => Err(format!("unknown unit \"{s}\"; expected customer or account")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    A,
    B,
    C,
}

impl Class {
    pub fn letter(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
        }
    }
}

/// What the units are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    #[default]
    NetRevenue,
    Db2,
}

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::NetRevenue => "net_revenue",
            Measure::Db2 => "db2",
        }
    }
}

impl FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "net_revenue" => Ok(Measure::NetRevenue),
            "db2" => Ok(Measure::Db2),
            _ => Err(format!("unknown measure \"{s}\"; expected net_revenue or db2")),
        }
    }
}

/// One classified unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbcRow {
    pub id: String,
    pub net_revenue: Decimal,
    /// The DB II the unit is ranked by, with `--measure db2`.
    pub db2: Option<Decimal>,
    /// Net revenue / total of all units; `None` when the total is 0.
    pub share: Option<Decimal>,
    pub cumulative_share: Option<Decimal>,
    pub class: Class,
    /// The account of a customer (for accounts: the account itself).
    pub account: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AbcReport {
    pub unit: AbcUnit,
    pub measure: Measure,
    pub limits: AbcLimits,
    /// The range classified: `--from`/`--to`, else the 12 months ending with the exports' last.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The total of the measure over all units.
    pub total: Decimal,
    pub rows: Vec<AbcRow>,
    pub currency: String,
}

impl AbcReport {
    /// Class-A customers that belong to no account: candidates for key account management.
    pub fn candidates(&self) -> impl Iterator<Item = &AbcRow> {
        self.rows.iter().filter(|r| r.class == Class::A && r.account.is_none())
    }
}

/// Classifies units by net revenue: sorted descending (ties by id); with the cumulative share
/// `s` before a unit is added, class A while s < a, B while s < b, else C.
pub fn classify(units: Vec<(String, Decimal, Option<String>)>, limits: &AbcLimits) -> (Decimal, Vec<AbcRow>) {
    classify_by(units.into_iter().map(|(id, net, account)| (id, net, None, account)).collect(), limits)
}

/// Classifies units `(id, net revenue, DB II, account)` by their DB II where given, else by
/// their net revenue, as [`classify`] does.
fn classify_by(
    mut units: Vec<(String, Decimal, Option<Decimal>, Option<String>)>,
    limits: &AbcLimits,
) -> (Decimal, Vec<AbcRow>) {
    let value = |u: &(String, Decimal, Option<Decimal>, Option<String>)| u.2.unwrap_or(u.1);
    units.sort_by(|x, y| value(y).cmp(&value(x)).then_with(|| x.0.cmp(&y.0)));
    let total: Decimal = units.iter().map(value).sum();
    let mut cumulative = Decimal::ZERO;
    // Shares of a total that is not positive say nothing: every unit is class C then.
    let shares = total > Decimal::ZERO;
    let rows = units
        .into_iter()
        .map(|(id, net, db2, account)| {
            let v = db2.unwrap_or(net);
            let before = crate::money::quotient(cumulative, total).filter(|_| shares);
            let class = match before {
                Some(s) if s < limits.a => Class::A,
                Some(s) if s < limits.b => Class::B,
                Some(_) => Class::C,
                None => Class::C,
            };
            cumulative += v;
            let share = crate::money::quotient(v, total);
            let cumulative_share = crate::money::quotient(cumulative, total);
            AbcRow { id, net_revenue: net, db2, share, cumulative_share, class, account }
        })
        .collect();
    (total, rows)
}

/// Net revenue per unit in the months of the cube that lie in `first ..= last` (open when `None`).
pub fn unit_revenue(
    ws: &Workspace,
    cube: &Cube,
    unit: AbcUnit,
    first: Option<Month>,
    last: Option<Month>,
) -> Vec<(String, Decimal, Option<String>)> {
    let mut by_customer: HashMap<u32, Decimal> = HashMap::new();
    for (key, cell) in &cube.cells {
        if key.customer == NO_CUSTOMER
            || first.is_some_and(|f| key.month < f)
            || last.is_some_and(|l| key.month > l)
        {
            continue;
        }
        *by_customer.entry(key.customer).or_default() += cell.sums.net();
    }
    match unit {
        AbcUnit::Customer => by_customer
            .into_iter()
            .map(|(c, net)| {
                let account = cube.account_of(c).map(|i| ws.accounts[i].id.clone());
                (cube.customers.name(c).to_string(), net, account)
            })
            .collect(),
        AbcUnit::Account => {
            let mut per_account = vec![Decimal::ZERO; ws.accounts.len()];
            for (c, net) in by_customer {
                if let Some(i) = cube.account_of(c) {
                    per_account[i] += net;
                }
            }
            ws.accounts
                .iter()
                .zip(per_account)
                .map(|(a, net)| (a.id.clone(), net, Some(a.id.clone())))
                .collect()
        }
    }
}

/// The range of `kam abc` without `--from`, `--to` and `--year`: the 12 calendar months ending
/// with the exports' last month (all of them, when the exports hold no month).
pub fn default_range(cube: &Cube) -> (Option<NaiveDate>, Option<NaiveDate>) {
    match cube.months() {
        Some((_, last)) => (Some((last - 11).first_day()), Some(last.last_day())),
        None => (None, None),
    }
}

/// `kam abc`; `from` and `to` as given (see [`default_range`] for none). With `Measure::Db2`, an
/// error names the units whose DB II is unknown.
pub fn abc_report(
    ws: &Workspace,
    cube: &Cube,
    unit: AbcUnit,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    measure: Measure,
) -> Result<AbcReport, String> {
    let units = unit_revenue(ws, cube, unit, from.map(Month::of), to.map(Month::of));
    let units: Vec<(String, Decimal, Option<Decimal>, Option<String>)> = match measure {
        Measure::NetRevenue => units.into_iter().map(|(id, net, account)| (id, net, None, account)).collect(),
        Measure::Db2 => {
            let dim = match unit {
                AbcUnit::Customer => crate::margin::Dim::Customer,
                AbcUnit::Account => crate::margin::Dim::Account,
            };
            let query = crate::margin::MarginQuery {
                by: vec![dim],
                period: crate::periods::PeriodKind::All,
                from,
                to,
                accounts: Vec::new(),
            };
            let margin = crate::margin::margin_report(ws, cube, &query);
            let db2: HashMap<&str, Option<Decimal>> =
                margin.rows.iter().filter_map(|r| Some((r.keys[0].named()?, r.figures.db2))).collect();
            let unknown: Vec<&str> = units
                .iter()
                .filter(|u| db2.get(u.0.as_str()).is_some_and(Option::is_none))
                .map(|u| u.0.as_str())
                .collect();
            if !unknown.is_empty() {
                return Err(format!(
                    "DB II is unknown for {} of the {} {}s (rows without cost data, like those of {}), so they cannot be ranked by it; map a cost column or set default_cost_rate, or use --measure net_revenue",
                    unknown.len(),
                    units.len(),
                    unit.name(),
                    unknown[0]
                ));
            }
            units
                .into_iter()
                .map(|(id, net, account)| {
                    let d = db2.get(id.as_str()).copied().flatten().unwrap_or(Decimal::ZERO);
                    (id, net, Some(d), account)
                })
                .collect()
        }
    };
    let (total, rows) = classify_by(units, &ws.config.abc);
    Ok(AbcReport {
        unit,
        measure,
        limits: ws.config.abc.clone(),
        from,
        to,
        total,
        rows,
        currency: ws.config.currency.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn classes_follow_the_cumulative_share_before_each_unit() {
        let limits = AbcLimits { a: Decimal::new(80, 2), b: Decimal::new(95, 2) };
        let units = vec![
            ("b".to_string(), d(10), None),
            ("a".to_string(), d(70), None),
            ("c".to_string(), d(10), None),
            ("d".to_string(), d(6), None),
            ("e".to_string(), d(4), None),
        ];
        let (total, rows) = classify(units, &limits);
        assert_eq!(total, d(100));
        let got: Vec<(&str, Class)> = rows.iter().map(|r| (r.id.as_str(), r.class)).collect();
        // before: a 0 → A; b 0.70 → A; c 0.80 → B (tie with b broken by id); d 0.90 → B; e 0.96 → C
        assert_eq!(
            got,
            vec![("a", Class::A), ("b", Class::A), ("c", Class::B), ("d", Class::B), ("e", Class::C)]
        );
        assert_eq!(rows[4].cumulative_share, Some(Decimal::ONE));
    }
}
