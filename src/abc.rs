//! ABC classes (SPEC 3.3) and key-account candidates.

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

/// One classified unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbcRow {
    pub id: String,
    pub net_revenue: Decimal,
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
    pub limits: AbcLimits,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub total: Decimal,
    pub rows: Vec<AbcRow>,
}

impl AbcReport {
    /// Class-A customers that belong to no account: candidates for key account management.
    pub fn candidates(&self) -> impl Iterator<Item = &AbcRow> {
        self.rows.iter().filter(|r| r.class == Class::A && r.account.is_none())
    }
}

/// Classifies units by net revenue: sorted descending (ties by id); with the cumulative share
/// `s` before a unit is added, class A while s < a, B while s < b, else C.
pub fn classify(
    mut units: Vec<(String, Decimal, Option<String>)>,
    limits: &AbcLimits,
) -> (Decimal, Vec<AbcRow>) {
    units.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    let total: Decimal = units.iter().map(|u| u.1).sum();
    let mut cumulative = Decimal::ZERO;
    let rows = units
        .into_iter()
        .map(|(id, net, account)| {
            let before = crate::money::quotient(cumulative, total);
            let class = match before {
                Some(s) if s < limits.a => Class::A,
                Some(s) if s < limits.b => Class::B,
                Some(_) => Class::C,
                None => Class::C,
            };
            cumulative += net;
            let share = crate::money::quotient(net, total);
            let cumulative_share = crate::money::quotient(cumulative, total);
            AbcRow { id, net_revenue: net, share, cumulative_share, class, account }
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
        *by_customer.entry(key.customer).or_default() += cell.sums.net;
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

/// `kam abc`.
pub fn abc_report(
    ws: &Workspace,
    cube: &Cube,
    unit: AbcUnit,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AbcReport {
    let units = unit_revenue(ws, cube, unit, from.map(Month::of), to.map(Month::of));
    let (total, rows) = classify(units, &ws.config.abc);
    AbcReport { unit, limits: ws.config.abc.clone(), from, to, total, rows }
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
