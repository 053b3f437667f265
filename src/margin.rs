//! Contribution margins (Deckungsbeitragsrechnung, SPEC 3.1): DB I to DB III per group and period.

use crate::config::MarginSettings;
use crate::cube::{ANY, CellKey, Cube, CubeSpec, Sums};
use crate::dates::{Date, Month};
use crate::dossier::MeetingKind;
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::str::FromStr;

pub const UNASSIGNED: &str = "(unassigned)";
pub const NONE: &str = "(none)";
pub const NO_OWNER: &str = "(no owner)";
pub const ACCOUNT_COSTS: &str = "(account costs)";

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

/// What is summed for a group before its figures are worked out.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    pub sums: Sums,
    pub invoices: Vec<u32>,
    pub visits: u64,
    pub costs: Decimal,
}

impl Accumulator {
    pub fn add_cell(&mut self, sums: &Sums, invoices: &[u32]) {
        self.sums.add(sums);
        self.invoices.extend_from_slice(invoices);
    }

    /// The figures, given the margin settings.
    pub fn figures(mut self, settings: &MarginSettings) -> MarginFigures {
        self.invoices.sort_unstable();
        self.invoices.dedup();
        let s = &self.sums;
        let orders = self.invoices.len() as u64 + s.rows_without_invoice;
        let net = s.net;
        let variable_costs = s.variable_costs();
        let db1 = variable_costs.map(|v| net - v);
        let direct_costs = settings.cost_per_order * Decimal::from(orders)
            + settings.cost_per_visit * Decimal::from(self.visits)
            + settings.return_handling_rate * s.returns
            + self.costs;
        let db2 = db1.map(|d| d - direct_costs);
        let overhead = settings.overhead_rate * net;
        let db3 = db2.map(|d| d - overhead);
        let rate = |x: Option<Decimal>| x.and_then(|x| (!net.is_zero()).then(|| x / net));
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
            visits: self.visits,
            account_costs: self.costs,
            unknown_cost_rows: s.unknown_cost_rows,
            unknown_cost_net: s.unknown_cost_net,
            rows: s.rows,
        }
    }
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
        }
    }

    fn in_range(&self, date: Date) -> bool {
        self.from.is_none_or(|f| date.0 >= f) && self.to.is_none_or(|t| date.0 <= t)
    }
}

/// One row: the group's keys (in the order of `by`), its period, its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarginRow {
    pub keys: Vec<String>,
    pub period: Option<String>,
    pub figures: MarginFigures,
}

/// The contribution-margin table.
#[derive(Debug, Clone)]
pub struct MarginReport {
    pub currency: String,
    pub by: Vec<Dim>,
    pub period: PeriodKind,
    pub query: MarginQuery,
    pub rows: Vec<MarginRow>,
    /// Over every row in range: equals the sum of the rows for every additive figure.
    pub total: MarginFigures,
    pub settings: MarginSettings,
    /// First and last day of the exports.
    pub data_range: Option<(NaiveDate, NaiveDate)>,
    pub files: usize,
    pub rows_read: u64,
}

fn name_or_none(name: &str) -> String {
    if name.is_empty() { NONE.to_string() } else { name.to_string() }
}

/// Group codes that stand for no interned name.
const CODE_NONE: u32 = u32::MAX;
const CODE_ACCOUNT_COSTS: u32 = u32::MAX - 1;
const CODE_NO_OWNER: u32 = u32::MAX - 2;

/// Computes the margin report from one pass's aggregates and the dossiers.
pub fn margin_report(ws: &Workspace, cube: &Cube, query: &MarginQuery) -> MarginReport {
    let settings = &ws.config.margin;
    let wanted = |account: Option<usize>| -> bool {
        query.accounts.is_empty()
            || account.is_some_and(|i| query.accounts.iter().any(|id| *id == ws.accounts[i].id))
    };
    // Groups are keyed by numbers while summing; their names are looked up once per group.
    let mut owners = crate::cube::Interner::default();
    let owner_code: Vec<u32> =
        ws.accounts.iter().map(|a| a.owner.as_deref().map_or(CODE_NO_OWNER, |o| owners.intern(o))).collect();
    let code = |dim: Dim, key: &CellKey, account: Option<usize>| -> u32 {
        match dim {
            Dim::Account => account.map_or(CODE_NONE, |i| i as u32),
            Dim::Customer => key.customer,
            Dim::Owner => account.map_or(CODE_NONE, |i| owner_code[i]),
            Dim::Category => key.category,
            Dim::Product => key.product,
        }
    };
    let name = |dim: Dim, code: u32| -> String {
        match (dim, code) {
            (_, CODE_ACCOUNT_COSTS) => ACCOUNT_COSTS.to_string(),
            (Dim::Account | Dim::Customer | Dim::Owner, CODE_NONE) => UNASSIGNED.to_string(),
            (Dim::Owner, CODE_NO_OWNER) => NO_OWNER.to_string(),
            (Dim::Account, i) => ws.accounts[i as usize].id.clone(),
            (Dim::Customer, c) => cube.customers.name(c).to_string(),
            (Dim::Owner, o) => owners.name(o).to_string(),
            (Dim::Category, ANY) | (Dim::Product, ANY) => NONE.to_string(),
            (Dim::Category, c) => name_or_none(cube.categories.name(c)),
            (Dim::Product, p) => name_or_none(cube.products.name(p)),
        }
    };
    let period_of = |month: Month| match query.period {
        PeriodKind::All => Month(0),
        kind => kind.start(month),
    };
    type GroupKey = ([u32; 5], Month);
    let mut groups: FxHashMap<GroupKey, Accumulator> = FxHashMap::default();
    let mut total = Accumulator::default();

    let first = query.from.map(Month::of);
    let last = query.to.map(Month::of);
    for (key, cell) in &cube.cells {
        let account_index = cube.account_of(key.customer);
        if first.is_some_and(|f| key.month < f) || last.is_some_and(|l| key.month > l) {
            continue;
        }
        if !wanted(account_index) {
            continue;
        }
        let mut codes = [0u32; 5];
        for (slot, &dim) in codes.iter_mut().zip(&query.by) {
            *slot = code(dim, key, account_index);
        }
        groups.entry((codes, period_of(key.month))).or_default().add_cell(&cell.sums, &cell.invoices);
        total.add_cell(&cell.sums, &cell.invoices);
    }

    let by_account = query.by.iter().any(|d| matches!(d, Dim::Account | Dim::Owner));
    for (i, account) in ws.accounts.iter().enumerate() {
        if !wanted(Some(i)) {
            continue;
        }
        let mut codes = [0u32; 5];
        for (slot, &dim) in codes.iter_mut().zip(&query.by) {
            *slot = match dim {
                Dim::Account if by_account => i as u32,
                Dim::Owner if by_account => owner_code[i],
                _ => CODE_ACCOUNT_COSTS,
            };
        }
        let visits = account.meetings.iter().filter(|m| m.kind == MeetingKind::Visit).map(|m| m.date);
        for date in visits.filter(|&d| query.in_range(d)) {
            groups.entry((codes, period_of(Month::of(date.0)))).or_default().visits += 1;
            total.visits += 1;
        }
        for cost in account.costs.iter().filter(|c| query.in_range(c.date)) {
            groups.entry((codes, period_of(Month::of(cost.date.0)))).or_default().costs +=
                cost.amount.value();
            total.costs += cost.amount.value();
        }
    }

    let mut rows: Vec<MarginRow> = groups
        .into_iter()
        .map(|((codes, period), acc)| MarginRow {
            keys: query.by.iter().zip(codes).map(|(&d, c)| name(d, c)).collect(),
            period: query.period.label(period),
            figures: acc.figures(settings),
        })
        .collect();
    rows.sort_by(|a, b| a.keys.cmp(&b.keys).then_with(|| a.period.cmp(&b.period)));
    MarginReport {
        currency: ws.config.currency.clone(),
        by: query.by.clone(),
        period: query.period,
        query: query.clone(),
        rows,
        total: total.figures(settings),
        settings: settings.clone(),
        data_range: cube.first_date.zip(cube.last_date),
        files: cube.stats.files,
        rows_read: cube.stats.rows,
    }
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
