//! Contribution margins (Deckungsbeitragsrechnung, SPEC 3.1): DB I to DB III per group and period.

use crate::config::MarginSettings;
use crate::cube::{ANY, CellKey, Cube, CubeSpec, InvoiceId, Sums};
use crate::dates::{Date, Month};
use crate::dossier::MeetingKind;
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
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

/// The group of a grouping's code, `name` being the name the code stands for, if any.
fn group_name(dim: Dim, code: u32, name: &str) -> GroupName {
    match (dim, code) {
        (_, CODE_ACCOUNT_COSTS) => GroupName::AccountCosts,
        (Dim::Account | Dim::Customer | Dim::Owner, CODE_NONE) => GroupName::Unassigned,
        (Dim::Owner, CODE_NO_OWNER) => GroupName::NoOwner,
        // (The rows are ranked by machine names, `(none)` for an empty name.)
        (Dim::Category, _) if code == ANY || name.is_empty() || name == "(none)" => GroupName::NoCategory,
        (Dim::Product, _) if code == ANY || name.is_empty() || name == "(none)" => GroupName::NoProduct,
        _ => GroupName::Named(name.to_string()),
    }
}

/// Group codes that stand for no interned name.
const CODE_NONE: u32 = u32::MAX;
const CODE_ACCOUNT_COSTS: u32 = u32::MAX - 1;
const CODE_NO_OWNER: u32 = u32::MAX - 2;

/// Computes the margin report from one pass's aggregates and the dossiers.
pub fn margin_report(ws: &Workspace, cube: &Cube, query: &MarginQuery) -> MarginReport {
    margin_groups(ws, cube, query).report(cube)
}

/// A group's key while summing: one code a grouping, and the period.
type GroupKey = ([u32; 5], Month);

/// The groups of a margin report, found, counted and ordered, but their sums not yet taken:
/// each group knows its cells of the cube, and its invoices are counted.
pub struct MarginGroups {
    query: MarginQuery,
    settings: MarginSettings,
    currency: String,
    ranks: Vec<Ranking>,
    periods: Ranking,
    /// The group of each row, in the order of the rows.
    order: Vec<u32>,
    groups: Vec<Group>,
    /// Each group's key.
    keys: Vec<GroupKey>,
    /// The cells of every group: the indexes into the cube's cells, ordered by group.
    members: Vec<u32>,
    total: Group,
    /// The sums of every cell in range.
    total_sums: Sums,
    data_range: Option<(NaiveDate, NaiveDate)>,
    files: usize,
    rows_read: u64,
}

/// Finds the groups of `query` among the cells of the cube, counts their invoices and orders
/// them.
pub fn margin_groups(ws: &Workspace, cube: &Cube, query: &MarginQuery) -> MarginGroups {
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
    // The machine name of a code, by which rows are ordered.
    let name = |dim: Dim, code: u32| -> String {
        let named = match (dim, code) {
            (_, CODE_ACCOUNT_COSTS | CODE_NONE) | (Dim::Owner, CODE_NO_OWNER) => "",
            (Dim::Account, i) => ws.accounts[i as usize].id.as_str(),
            (Dim::Customer, c) => cube.customers.name(c),
            (Dim::Owner, o) => owners.name(o),
            (Dim::Category, c) => cube.categories.name(c),
            (Dim::Product, p) => cube.products.name(p),
        };
        group_name(dim, code, named).machine().to_string()
    };
    let period_of = |month: Month| match query.period {
        PeriodKind::All => Month(0),
        kind => kind.start(month),
    };
    // Each group is numbered when first seen; each cell in range is listed with its group.
    let sizes: Vec<u32> = query
        .by
        .iter()
        .map(|dim| match dim {
            Dim::Account => ws.accounts.len(),
            Dim::Customer => cube.customers.len(),
            Dim::Owner => owners.len(),
            Dim::Category => cube.categories.len(),
            Dim::Product => cube.products.len(),
        } as u32)
        .collect();
    let periods_spanned = cube.months().map(|(a, b)| (period_of(a), period_of(b)));
    let mut index = GroupIndex::new(&sizes, periods_spanned, cube.cells.len());
    let mut groups: Vec<Group> = Vec::with_capacity(cube.cells.len());
    fn group_of(index: &mut GroupIndex, groups: &mut Vec<Group>, key: GroupKey) -> usize {
        let (g, new) = index.number(key);
        if new {
            groups.push(Group::default());
        }
        g as usize
    }
    let mut cell_groups: Vec<(u32, u32)> = Vec::with_capacity(cube.cells.len());
    let mut total = Group::default();
    let mut total_sums = Sums::default();

    let first = query.from.map(Month::of);
    let last = query.to.map(Month::of);
    for (i, (key, _)) in cube.cells.iter().enumerate() {
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
        let g = group_of(&mut index, &mut groups, (codes, period_of(key.month)));
        groups[g].cells += 1;
        cell_groups.push((g as u32, i as u32));
    }
    let parts = crate::parallel::side_by_side(&crate::parallel::chunks(&cell_groups), |chunk| {
        let mut sums = Sums::default();
        for &(_, cell) in *chunk {
            sums.add(&cube.cells[cell as usize].1.sums.sums());
        }
        sums
    });
    for part in &parts {
        total_sums.add(part);
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
            let g = group_of(&mut index, &mut groups, (codes, period_of(Month::of(date.0))));
            groups[g].visits += 1;
            total.visits += 1;
        }
        for cost in account.costs.iter().filter(|c| query.in_range(c.date)) {
            let g = group_of(&mut index, &mut groups, (codes, period_of(Month::of(cost.date.0))));
            groups[g].costs += cost.amount.value();
            total.costs += cost.amount.value();
        }
    }
    // The cells listed by group (in the order of the cells within one), each group's first
    // cell numbered.
    cell_groups.sort_by_key(|&(g, _)| g);
    let members: Vec<u32> = cell_groups.iter().map(|&(_, cell)| cell).collect();
    drop(cell_groups);
    let mut next = 0u32;
    for group in &mut groups {
        group.first = next;
        next += group.cells;
    }
    // The invoices are counted while the rows are ordered.
    let keys = index.into_keys();
    let ((), (ranks, periods, order)) = rayon::join(
        || count_invoices(&mut groups, &mut total, &members, cube),
        || {
            // Rows are ordered by their names, then periods: each distinct name is ranked once,
            // and the rows are sorted by ranks, equal ranks in the order of the groups.
            let ranks: Vec<Ranking> = (0..query.by.len())
                .map(|d| Ranking::new(keys.iter().map(|(codes, _)| codes[d]), |c| name(query.by[d], c)))
                .collect();
            let periods = Ranking::new(keys.iter().map(|(_, p)| p.0 as u32), |p| {
                query.period.label(Month(p as i32)).unwrap_or_default()
            });
            let order = order_groups(&keys, &ranks, &periods);
            (ranks, periods, order)
        },
    );
    MarginGroups {
        query: query.clone(),
        settings: settings.clone(),
        currency: ws.config.currency.clone(),
        ranks,
        periods,
        order,
        groups,
        keys,
        members,
        total,
        total_sums,
        data_range: cube.first_date.zip(cube.last_date),
        files: cube.stats.files,
        rows_read: cube.stats.rows,
    }
}

/// Numbers groups by their keys, in the order they are first seen: through a table with a slot
/// for every key where the codes of the groupings are few (names numbered by the cube, accounts,
/// owners) and the periods span few months, through a hash map for the other keys.
struct GroupIndex {
    keys: Vec<GroupKey>,
    /// Each grouping's number of codes (three more slots hold the codes that stand for no name),
    /// the first period and the number of months spanned, and the table.
    dense: Option<(Vec<u32>, i32, u32, Vec<u32>)>,
    map: FxHashMap<GroupKey, u32>,
}

impl GroupIndex {
    /// An index for keys whose codes are below `sizes` (or stand for no name) and whose periods
    /// lie in `periods`, of about `expected` groups.
    fn new(sizes: &[u32], periods: Option<(Month, Month)>, expected: usize) -> Self {
        let dense = periods.and_then(|(first, last)| {
            let months = u32::try_from(last.0.checked_sub(first.0)?.checked_add(1)?).ok()?;
            let slots =
                sizes.iter().try_fold(u64::from(months), |n, &size| n.checked_mul(u64::from(size) + 3))?;
            // A table of at most a few slots a group.
            (slots <= 4 * expected as u64 + 4096)
                .then(|| (sizes.to_vec(), first.0, months, vec![u32::MAX; slots as usize]))
        });
        let map = if dense.is_some() {
            FxHashMap::default()
        } else {
            FxHashMap::with_capacity_and_hasher(expected, Default::default())
        };
        GroupIndex { keys: Vec::with_capacity(expected), dense, map }
    }

    /// The slot of `key` in the table, if it has one.
    fn slot(&self, (codes, period): &GroupKey) -> Option<usize> {
        let (sizes, first, months, _) = self.dense.as_ref()?;
        let mut slot = 0u64;
        for (&code, &size) in codes.iter().zip(sizes) {
            let at = if code < size { code } else { size + Some(u32::MAX - code).filter(|&k| k < 3)? };
            slot = slot * (u64::from(size) + 3) + u64::from(at);
        }
        let month = u32::try_from(period.0.checked_sub(*first)?).ok().filter(|m| m < months)?;
        Some((slot * u64::from(*months) + u64::from(month)) as usize)
    }

    /// The number of the group of `key`, and whether it is new.
    fn number(&mut self, key: GroupKey) -> (u32, bool) {
        let next = self.keys.len() as u32;
        let g = match (self.slot(&key), &mut self.dense) {
            (Some(slot), Some((_, _, _, table))) => {
                if table[slot] == u32::MAX {
                    table[slot] = next;
                }
                table[slot]
            }
            _ => *self.map.entry(key).or_insert(next),
        };
        if g == next {
            self.keys.push(key);
        }
        (g, g == next)
    }

    /// Each group's key, by number.
    fn into_keys(self) -> Vec<GroupKey> {
        self.keys
    }
}

/// The groups in the order of the rows: by the ranks of their names, then of their periods,
/// equal ranks by group number. Where the ranks and numbers fit in 64 bits together they are
/// sorted as one number.
fn order_groups(keys: &[GroupKey], ranks: &[Ranking], periods: &Ranking) -> Vec<u32> {
    let bits = |n: usize| usize::BITS - n.leading_zeros();
    let widths: Vec<u32> =
        ranks.iter().map(|r| bits(r.len())).chain([bits(periods.len()), bits(keys.len())]).collect();
    let rank_of = |(codes, period): &GroupKey| {
        let mut rank = [0u32; 6];
        for (d, ranking) in ranks.iter().enumerate() {
            rank[d] = ranking.rank(codes[d]);
        }
        rank[5] = periods.rank(period.0 as u32);
        rank
    };
    if widths.iter().sum::<u32>() <= 64 {
        let period_width = widths[ranks.len()];
        let number_width = widths[ranks.len() + 1];
        let mut packed: Vec<u64> = keys
            .iter()
            .enumerate()
            .map(|(g, key)| {
                let rank = rank_of(key);
                let mut k = 0u64;
                for (d, &w) in widths[..ranks.len()].iter().enumerate() {
                    k = (k << w) | u64::from(rank[d]);
                }
                k = (k << period_width) | u64::from(rank[5]);
                (k << number_width) | g as u64
            })
            .collect();
        packed.sort_unstable();
        let mask = if number_width == 64 { u64::MAX } else { (1u64 << number_width) - 1 };
        packed.into_iter().map(|k| (k & mask) as u32).collect()
    } else {
        let mut order: Vec<([u32; 6], u32)> =
            keys.iter().enumerate().map(|(g, key)| (rank_of(key), g as u32)).collect();
        order.sort_unstable();
        order.into_iter().map(|(_, g)| g).collect()
    }
}

impl MarginGroups {
    /// The report: every group's sums, figures and names, in order, from the cells of `cube`
    /// (the cube the groups were found in).
    pub fn report(self, cube: &Cube) -> MarginReport {
        let MarginGroups { query, settings, ranks, periods, order, groups, keys, members, .. } = &self;
        let has_period = query.period != PeriodKind::All;
        let rows: Vec<MarginRow> = crate::parallel::map(order, |&g| {
            let (codes, period) = keys[g as usize];
            let group = &groups[g as usize];
            let first = group.first as usize;
            let cells = &members[first..first + group.cells as usize];
            let figures = match cells {
                // Most groups are one cell: its sums are the group's.
                [one] => group.figures(&cube.cells[*one as usize].1.sums.sums(), settings),
                _ => {
                    let mut sums = Sums::default();
                    for &cell in cells {
                        sums.add(&cube.cells[cell as usize].1.sums.sums());
                    }
                    group.figures(&sums, settings)
                }
            };
            MarginRow {
                keys: ranks
                    .iter()
                    .enumerate()
                    .map(|(d, r)| group_name(query.by[d], codes[d], r.name(codes[d])))
                    .collect(),
                period: has_period.then(|| periods.name(period.0 as u32).to_string()),
                figures,
            }
        });
        MarginReport {
            by: query.by.clone(),
            period: query.period,
            rows,
            total: self.total.figures(&self.total_sums, settings),
            data_range: self.data_range,
            files: self.files,
            rows_read: self.rows_read,
            currency: self.currency,
            query: self.query,
            settings: self.settings,
        }
    }
}

/// A group while the cells are read: where its cells are listed, and what is counted for it
/// besides their sums.
#[derive(Debug, Default)]
struct Group {
    /// Its first cell in [`MarginGroups::members`], and the number of its cells.
    first: u32,
    cells: u32,
    invoices: u64,
    visits: u64,
    costs: Decimal,
}

impl Group {
    fn figures(&self, sums: &Sums, settings: &MarginSettings) -> MarginFigures {
        MarginFigures::of(sums, self.invoices, self.visits, self.costs, settings)
    }
}

/// Counts the distinct invoices of each group and of the total, given the cells of the groups
/// (each cell's invoices sorted and distinct). A group of one cell has its cell's count; the
/// invoices of larger groups are sorted together and counted once each.
fn count_invoices(groups: &mut [Group], total: &mut Group, members: &[u32], cube: &Cube) {
    let invoices = |cell: u32| cube.invoices(&cube.cells[cell as usize].1);
    let mut scratch: Vec<InvoiceId> = Vec::new();
    for group in groups.iter_mut() {
        let first = group.first as usize;
        match &members[first..first + group.cells as usize] {
            [] => {}
            [one] => group.invoices += invoices(*one).len() as u64,
            cells => {
                scratch.clear();
                for &cell in cells {
                    scratch.extend_from_slice(invoices(cell));
                }
                scratch.sort_unstable();
                scratch.dedup();
                group.invoices += scratch.len() as u64;
            }
        }
    }
    total.invoices += count_distinct(members.iter().map(|&cell| invoices(cell)));
}

/// The number of distinct invoices in all `lists`. Fingerprints are spread evenly, so they are
/// counted in slices by their top bits, each slice sorted on its own, so that the memory needed
/// stays small however many invoices there are.
fn count_distinct<'a>(lists: impl Iterator<Item = &'a [InvoiceId]> + Clone + Sync) -> u64 {
    let all: usize = lists.clone().map(<[InvoiceId]>::len).sum();
    // Slices of at most a quarter million fingerprints (4 MB), at least one a core.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let wanted = (all >> 18).max(if all > 1 << 16 { cores } else { 1 });
    let slices = wanted.next_power_of_two().min(1 << 12) as u32;
    let shift = 128 - slices.trailing_zeros();
    let in_slice = |id: InvoiceId, slice: u32| slices == 1 || (id >> shift) as u32 == slice;
    let slice_numbers: Vec<u32> = (0..slices).collect();
    let shares: Vec<&[u32]> = slice_numbers.chunks((slices as usize).div_ceil(cores)).collect();
    let counts = crate::parallel::side_by_side(&shares, |share| {
        let mut scratch: Vec<InvoiceId> = Vec::with_capacity(all / slices as usize + all / 64);
        let mut spread: Vec<InvoiceId> = Vec::new();
        let mut count = 0;
        for &slice in *share {
            scratch.clear();
            for list in lists.clone() {
                scratch.extend(list.iter().filter(|&&id| in_slice(id, slice)));
            }
            count += count_sorted(&mut scratch, 128 - shift, &mut spread);
        }
        count
    });
    counts.iter().sum()
}

/// The number of distinct fingerprints in `ids`, whose top `skip` bits are all the same. They
/// are spread evenly below those, so they are put in buckets by their next bits (into `spread`)
/// and each small bucket sorted on its own.
fn count_sorted(ids: &mut [InvoiceId], skip: u32, spread: &mut Vec<InvoiceId>) -> u64 {
    const SMALL: usize = 1 << 12;
    if ids.len() < SMALL || skip > 128 - 16 {
        ids.sort_unstable();
        return ids.chunk_by(|a, b| a == b).count() as u64;
    }
    // About four fingerprints a bucket.
    let bits = (ids.len() / 4).max(2).ilog2().min(16);
    let shift = 128 - skip - bits;
    let bucket = |id: InvoiceId| ((id << skip) >> skip >> shift) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &id in ids.iter() {
        starts[bucket(id) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    spread.clear();
    spread.resize(ids.len(), 0);
    let mut next = starts.clone();
    for &id in ids.iter() {
        let b = bucket(id);
        spread[next[b]] = id;
        next[b] += 1;
    }
    let mut count = 0;
    for b in 0..1 << bits {
        let run = &mut spread[starts[b]..starts[b + 1]];
        run.sort_unstable();
        count += run.chunk_by(|a, b| a == b).count() as u64;
    }
    count
}

/// The names of one grouping's codes, and each code's rank in the order of the names (equal
/// names share a rank).
struct Ranking {
    /// Distinct codes, ascending.
    codes: Vec<u32>,
    names: Vec<String>,
    ranks: Vec<u32>,
    /// The position of each code from `base` on, where the codes lie close together
    /// (`u32::MAX` for a code not ranked); other codes are looked up by binary search.
    base: u32,
    positions: Vec<u32>,
}

impl Ranking {
    fn new(codes: impl Iterator<Item = u32>, name: impl Fn(u32) -> String) -> Self {
        let mut codes: Vec<u32> = codes.collect();
        codes.sort_unstable();
        codes.dedup();
        let names: Vec<String> = codes.iter().map(|&c| name(c)).collect();
        let mut by_name: Vec<usize> = (0..codes.len()).collect();
        by_name.sort_by(|&a, &b| names[a].cmp(&names[b]));
        let mut ranks = vec![0u32; codes.len()];
        let mut rank = 0u32;
        for (i, &c) in by_name.iter().enumerate() {
            if i > 0 && names[by_name[i - 1]] != names[c] {
                rank += 1;
            }
            ranks[c] = rank;
        }
        // Codes that stand for no name are the largest; the others are numbers given in order.
        let regular = codes.partition_point(|&c| c < CODE_NO_OWNER);
        let (base, positions) = match codes[..regular] {
            [first, .., last] if (last - first) as usize <= 4 * regular + 1024 => {
                let mut positions = vec![u32::MAX; (last - first) as usize + 1];
                for (p, &c) in codes[..regular].iter().enumerate() {
                    positions[(c - first) as usize] = p as u32;
                }
                (first, positions)
            }
            _ => (0, Vec::new()),
        };
        Ranking { codes, names, ranks, base, positions }
    }

    /// The number of codes ranked (and a bound of the ranks).
    fn len(&self) -> usize {
        self.codes.len()
    }

    fn position(&self, code: u32) -> usize {
        match code.checked_sub(self.base).and_then(|i| self.positions.get(i as usize)) {
            Some(&p) if p != u32::MAX => p as usize,
            _ => self.codes.binary_search(&code).unwrap_or_default(),
        }
    }

    fn rank(&self, code: u32) -> u32 {
        self.ranks.get(self.position(code)).copied().unwrap_or_default()
    }

    fn name(&self, code: u32) -> &str {
        self.names.get(self.position(code)).map_or("", String::as_str)
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

#[cfg(test)]
mod distinct_tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn distinct_fingerprints_are_counted_in_buckets() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for n in [0usize, 1, 100, 5000, 70_000] {
            let mut ids: Vec<InvoiceId> = (0..n).map(|_| rng.random::<u128>()).collect();
            // Every third fingerprint twice.
            let twice: Vec<InvoiceId> = ids.iter().step_by(3).copied().collect();
            ids.extend(&twice);
            let mut expected = ids.clone();
            expected.sort_unstable();
            expected.dedup();
            let mut spread = Vec::new();
            assert_eq!(count_sorted(&mut ids.clone(), 0, &mut spread), expected.len() as u64);
            assert_eq!(count_distinct([ids.as_slice()].into_iter()), expected.len() as u64);
            // A slice whose top bits are the same.
            let mut top: Vec<InvoiceId> = ids.iter().map(|id| id >> 3 | 5u128 << 125).collect();
            let mut expected_top = top.clone();
            expected_top.sort_unstable();
            expected_top.dedup();
            assert_eq!(count_sorted(&mut top, 3, &mut spread), expected_top.len() as u64);
        }
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn random_keys(rng: &mut impl Rng, n: usize, codes: u32, dims: usize) -> Vec<GroupKey> {
        (0..n)
            .map(|_| {
                let mut key = [0u32; 5];
                for code in key.iter_mut().take(dims) {
                    // Now and then one of the codes that stand for no name.
                    *code = if rng.random_ratio(1, 20) {
                        u32::MAX - rng.random_range(0..3)
                    } else {
                        rng.random_range(0..codes)
                    };
                }
                (key, Month(rng.random_range(24_000..24_100)))
            })
            .collect()
    }

    #[test]
    fn the_table_and_the_map_number_groups_alike() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        // Some months outside the span, which the table leaves to the map.
        let keys = random_keys(&mut rng, 5000, 10, 2);
        let span = Some((Month(24_010), Month(24_080)));
        let mut dense = GroupIndex::new(&[10, 10], span, 5000);
        assert!(dense.dense.is_some());
        // Too many slots for a table.
        let mut map = GroupIndex::new(&[40_000_000, 10], span, 5000);
        assert!(map.dense.is_none());
        for &key in &keys {
            assert_eq!(dense.number(key), map.number(key));
        }
        assert_eq!(dense.into_keys(), map.into_keys());
    }

    #[test]
    fn groups_are_ordered_by_ranks_then_number() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        // Few names (packed into one number) and very many (too wide for it).
        for (codes, dims) in [(30u32, 2usize), (200_000, 5)] {
            let keys = random_keys(&mut rng, 3000, codes, dims);
            // Names that several codes share.
            let name = |c: u32| format!("{:05}", c % (codes / 3 + 1));
            let ranks: Vec<Ranking> = (0..dims)
                .map(|d| Ranking::new(keys.iter().map(|(k, _)| k[d]).chain(0..codes), name))
                .collect();
            let periods = Ranking::new(keys.iter().map(|(_, p)| p.0 as u32), |p| p.to_string());
            let mut expected: Vec<(Vec<String>, String, u32)> = keys
                .iter()
                .enumerate()
                .map(|(g, (k, p))| ((0..dims).map(|d| name(k[d])).collect(), p.0.to_string(), g as u32))
                .collect();
            expected.sort();
            let order = order_groups(&keys, &ranks, &periods);
            assert_eq!(order, expected.iter().map(|e| e.2).collect::<Vec<_>>());
        }
    }
}
