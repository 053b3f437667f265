//! Contribution margins (Deckungsbeitragsrechnung, SPEC 3.1): DB I to DB III per group and period.

mod distinct;
mod groups;
mod ranking;

pub use groups::{GroupRows, MarginGroups, margin_groups};

use crate::config::MarginSettings;
use crate::cube::{Cube, CubeSpec, Sums};
use crate::dates::{Date, Month};
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use std::borrow::Cow;
use std::str::FromStr;

pub use crate::group::GroupName;

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Account,
    Customer,
    Owner,
    Category,
    Product,
}

impl Dim {
    pub fn name(self) -> &'static str {
        match self {
            Dim::Account => "account",
            Dim::Customer => "customer",
            Dim::Owner => "owner",
            Dim::Category => "category",
            Dim::Product => "product",
        }
    }
}

impl FromStr for Dim {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "account" => Ok(Dim::Account),
            "customer" => Ok(Dim::Customer),
            "owner" => Ok(Dim::Owner),
            "category" => Ok(Dim::Category),
            "product" => Ok(Dim::Product),
            other => Err(format!(
                "unknown grouping \"{other}\"; expected account, customer, owner, category or product"
            )),
        }
    }
}

/// The figures of SPEC 3.1 for one group and period. `None` is unknown (cost data missing) or,
/// for rates, undefined (net revenue 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginFigures {
    pub gross_revenue: Decimal,
    pub deductions: Decimal,
    pub net_revenue: Decimal,
    pub variable_costs: Option<Decimal>,
    pub db1: Option<Decimal>,
    pub direct_costs: Decimal,
    pub db2: Option<Decimal>,
    pub overhead: Decimal,
    pub db3: Option<Decimal>,
    pub db1_rate: Option<Decimal>,
    pub db2_rate: Option<Decimal>,
    pub db3_rate: Option<Decimal>,
    pub quantity: Decimal,
    pub orders: u64,
    pub returns: Decimal,
    /// Orders, visits and explicit `[[costs]]` behind `direct_costs`.
    pub visits: u64,
    pub account_costs: Decimal,
    /// Rows without cost data and their net revenue.
    pub unknown_cost_rows: u64,
    pub unknown_cost_net: Decimal,
    pub rows: u64,
}

impl MarginFigures {
    /// The figures of a group without a row, a visit or a cost: every amount 0, rates undefined.
    pub fn zero() -> Self {
        MarginFigures {
            gross_revenue: Decimal::ZERO,
            deductions: Decimal::ZERO,
            net_revenue: Decimal::ZERO,
            variable_costs: Some(Decimal::ZERO),
            db1: Some(Decimal::ZERO),
            direct_costs: Decimal::ZERO,
            db2: Some(Decimal::ZERO),
            overhead: Decimal::ZERO,
            db3: Some(Decimal::ZERO),
            db1_rate: None,
            db2_rate: None,
            db3_rate: None,
            quantity: Decimal::ZERO,
            orders: 0,
            returns: Decimal::ZERO,
            visits: 0,
            account_costs: Decimal::ZERO,
            unknown_cost_rows: 0,
            unknown_cost_net: Decimal::ZERO,
            rows: 0,
        }
    }

    /// The figures of a group from its sums, its number of distinct invoices, its visits and
    /// its explicit costs, given the margin settings.
    pub fn of(s: &Sums, invoices: u64, visits: u64, costs: Decimal, settings: &MarginSettings) -> Self {
        let orders = invoices + s.rows_without_invoice;
        let net = s.net;
        let variable_costs = s.variable_costs();
        let db1 = variable_costs.map(|v| net - v);
        // Terms that are zero are left out (the sum is the same).
        let mut direct_costs = settings.cost_per_order * Decimal::from(orders);
        if visits > 0 {
            direct_costs += settings.cost_per_visit * Decimal::from(visits);
        }
        if !s.returns.is_zero() {
            direct_costs += settings.return_handling_rate * s.returns;
        }
        if !costs.is_zero() {
            direct_costs += costs;
        }
        let db2 = db1.map(|d| d - direct_costs);
        let overhead = settings.overhead_rate * net;
        let db3 = db2.map(|d| d - overhead);
        let rate = |x: Option<Decimal>| x.and_then(|x| crate::money::ratio(x, net));
        MarginFigures {
            gross_revenue: s.gross,
            deductions: s.deductions,
            net_revenue: net,
            variable_costs,
            db1,
            direct_costs,
            db2,
            overhead,
            db3,
            db1_rate: rate(db1),
            db2_rate: rate(db2),
            db3_rate: rate(db3),
            quantity: s.quantity,
            orders,
            returns: s.returns,
            visits,
            account_costs: costs,
            unknown_cost_rows: s.unknown_cost_rows,
            unknown_cost_net: s.unknown_cost_net,
            rows: s.rows,
        }
    }
}

/// Checks a grouping: each dimension once, so at most the five there are.
pub fn check_dims(by: &[Dim]) -> Result<(), String> {
    for (i, d) in by.iter().enumerate() {
        if by[..i].contains(d) {
            return Err(format!("--by names `{}` twice; name each grouping once", d.name()));
        }
    }
    Ok(())
}

/// A margin report's parameters.
#[derive(Debug, Clone)]
pub struct MarginQuery {
    pub by: Vec<Dim>,
    pub period: PeriodKind,
    /// Inclusive day range; `None` is open.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only these accounts (ids); empty is all, with unassigned rows.
    pub accounts: Vec<String>,
}

impl Default for MarginQuery {
    fn default() -> Self {
        MarginQuery {
            by: vec![Dim::Account],
            period: PeriodKind::All,
            from: None,
            to: None,
            accounts: Vec::new(),
        }
    }
}

impl MarginQuery {
    /// What the pass over the exports must keep apart for this query.
    pub fn cube_spec(&self) -> CubeSpec {
        CubeSpec {
            from: self.from,
            to: self.to,
            by_category: self.by.contains(&Dim::Category),
            by_product: self.by.contains(&Dim::Product),
            without_invoices: false,
            detail_customers: None,
            // The groups sum cells of one key like cells of several.
            cells_may_repeat: true,
        }
    }

    fn in_range(&self, date: Date) -> bool {
        self.from.is_none_or(|f| date.0 >= f) && self.to.is_none_or(|t| date.0 <= t)
    }
}

/// One row: the group's keys (in the order of `by`), its period, its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginRow {
    pub keys: Vec<GroupName>,
    /// The first month of the row's period (none without `--period`): see
    /// [`MarginReport::period_label`].
    pub period: Option<Month>,
    pub figures: MarginFigures,
}

/// A margin report's rows: held (`Vec<MarginRow>`), or made one by one when they are written
/// ([`GroupRows`], from the groups and the cube), so that a table of many rows is never held
/// as figures.
pub trait MarginRows: Sync {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, in the order of the rows.
    fn row(&self, i: usize) -> Cow<'_, MarginRow>;

    /// Row `i`, made in `scratch` where it is not held (its texts and list reused, so that a
    /// row made again and again allocates nothing).
    fn row_in<'a>(&'a self, i: usize, scratch: &'a mut MarginRow) -> &'a MarginRow {
        *scratch = self.row(i).into_owned();
        scratch
    }
}

impl MarginRows for Vec<MarginRow> {
    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn row(&self, i: usize) -> Cow<'_, MarginRow> {
        Cow::Borrowed(&self[i])
    }

    fn row_in<'a>(&'a self, i: usize, _: &'a mut MarginRow) -> &'a MarginRow {
        &self[i]
    }
}

impl MarginRow {
    /// A row without keys, period or figures, to be made by [`MarginRows::row_in`].
    pub fn empty() -> MarginRow {
        MarginRow { keys: Vec::new(), period: None, figures: MarginFigures::zero() }
    }
}

/// The contribution-margin table, its rows held ([`MarginReport`]) or made when written
/// (`MarginReport<GroupRows>`).
#[derive(Debug, Clone)]
pub struct MarginReport<R = Vec<MarginRow>> {
    pub currency: String,
    pub by: Vec<Dim>,
    pub period: PeriodKind,
    pub query: MarginQuery,
    pub rows: R,
    /// Over every row in range: equals the sum of the rows for every additive figure.
    pub total: MarginFigures,
    pub settings: MarginSettings,
    /// First and last day of the exports.
    pub data_range: Option<(NaiveDate, NaiveDate)>,
    pub files: usize,
    pub rows_read: u64,
}

impl<R> MarginReport<R> {
    /// The machine label of a row's period ("2026-03", "2026-Q1", "2026").
    pub fn period_label(&self, row: &MarginRow) -> Option<String> {
        row.period.and_then(|m| self.period.label(m))
    }

    /// The same report with other rows.
    pub fn with_rows<S>(self, rows: S) -> MarginReport<S> {
        let MarginReport {
            currency,
            by,
            period,
            query,
            rows: _,
            total,
            settings,
            data_range,
            files,
            rows_read,
        } = self;
        MarginReport { currency, by, period, query, rows, total, settings, data_range, files, rows_read }
    }
}

/// Computes the margin report from one pass's aggregates and the dossiers.
pub fn margin_report(ws: &Workspace, cube: &Cube, query: &MarginQuery) -> MarginReport {
    margin_groups(ws, cube, query).report(cube)
}

/// Figures a `--sort` can name, with how to read them from a row.
pub fn sort_rows(rows: &mut [MarginRow], by: &[Dim], field: &str) -> Result<(), String> {
    if let Some(pos) = by.iter().position(|d| d.name() == field) {
        rows.sort_by(|a, b| a.keys[pos].cmp(&b.keys[pos]).then_with(|| a.period.cmp(&b.period)));
        return Ok(());
    }
    if field == "period" {
        rows.sort_by(|a, b| a.period.cmp(&b.period).then_with(|| a.keys.cmp(&b.keys)));
        return Ok(());
    }
    let value = figure_getter(field).ok_or_else(|| {
        format!(
            "cannot sort by \"{field}\"; expected a grouping ({}), period, or a figure: {}",
            by.iter().map(|d| d.name()).collect::<Vec<_>>().join(", "),
            FIGURES.join(", ")
        )
    })?;
    // Largest first; unknown values last; ties keep the key order.
    rows.sort_by(|a, b| match (value(&a.figures), value(&b.figures)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(())
}

/// The figures of SPEC 3.1, in the order of the table.
pub const FIGURES: [&str; 15] = [
    "gross_revenue",
    "deductions",
    "net_revenue",
    "variable_costs",
    "db1",
    "direct_costs",
    "db2",
    "overhead",
    "db3",
    "db1_rate",
    "db2_rate",
    "db3_rate",
    "quantity",
    "orders",
    "returns",
];

type Getter = fn(&MarginFigures) -> Option<Decimal>;

fn figure_getter(name: &str) -> Option<Getter> {
    let g: Getter = match name {
        "gross_revenue" => |f| Some(f.gross_revenue),
        "deductions" => |f| Some(f.deductions),
        "net_revenue" => |f| Some(f.net_revenue),
        "variable_costs" => |f| f.variable_costs,
        "db1" => |f| f.db1,
        "direct_costs" => |f| Some(f.direct_costs),
        "db2" => |f| f.db2,
        "overhead" => |f| Some(f.overhead),
        "db3" => |f| f.db3,
        "db1_rate" => |f| f.db1_rate,
        "db2_rate" => |f| f.db2_rate,
        "db3_rate" => |f| f.db3_rate,
        "quantity" => |f| Some(f.quantity),
        "orders" => |f| Some(Decimal::from(f.orders)),
        "returns" => |f| Some(f.returns),
        _ => return None,
    };
    Some(g)
}
