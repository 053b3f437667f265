//! The margin table's group-by: each cell of the cube numbered into the group of its key (the
//! codes of the groupings and the period), the accounts' visits and costs added, the groups'
//! invoices counted and the groups put in the order of the rows. The figures of SPEC 3.1 are
//! then worked out per group (see the parent module).

use super::distinct::{all_invoices, count_invoices};
use super::ranking::Ranking;
use super::{Dim, MarginFigures, MarginQuery, MarginReport, MarginRow};
use crate::config::MarginSettings;
use crate::cube::{ANY, CellKey, CellSums, Cube, Sums};
use crate::dates::Month;
use crate::dossier::MeetingKind;
use crate::group::GroupName;
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::workspace::Workspace;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

/// The group of a grouping's code, `name` being the name the code stands for, if any.
fn group_name(dim: Dim, code: u32, name: &str) -> GroupName {
    let mut group = GroupName::Unassigned;
    set_group_name(&mut group, dim, code, name);
    group
}

/// Makes `group` the name of `code` in grouping `dim` ([`group_name`]), reusing its text.
fn set_group_name(group: &mut GroupName, dim: Dim, code: u32, name: &str) {
    *group = match (dim, code) {
        (_, CODE_ACCOUNT_COSTS) => GroupName::AccountCosts,
        (Dim::Account | Dim::Customer | Dim::Owner, CODE_NONE) => GroupName::Unassigned,
        (Dim::Owner, CODE_NO_OWNER) => GroupName::NoOwner,
        // (The rows are ranked by machine names, `(none)` for an empty name.)
        (Dim::Category, _) if code == ANY || name.is_empty() || name == "(none)" => GroupName::NoCategory,
        (Dim::Product, _) if code == ANY || name.is_empty() || name == "(none)" => GroupName::NoProduct,
        _ => match group {
            GroupName::Named(text) => {
                text.clear();
                text.push_str(name);
                return;
            }
            _ => GroupName::Named(name.to_string()),
        },
    }
}

/// Group codes that stand for no interned name.
const CODE_NONE: u32 = u32::MAX;
const CODE_ACCOUNT_COSTS: u32 = u32::MAX - 1;
pub(super) const CODE_NO_OWNER: u32 = u32::MAX - 2;

/// A group's key while summing: one code for each of the `N` groupings, and the period.
type Key<const N: usize> = ([u32; N], Month);

/// The groups' keys by group number: the codes of each key side by side, as many a key as
/// there are groupings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GroupKeys {
    width: usize,
    codes: Vec<u32>,
    periods: Vec<Month>,
}

impl GroupKeys {
    fn of<const N: usize>(keys: &[Key<N>]) -> GroupKeys {
        GroupKeys {
            width: N,
            codes: keys.iter().flat_map(|(codes, _)| *codes).collect(),
            periods: keys.iter().map(|&(_, period)| period).collect(),
        }
    }

    fn len(&self) -> usize {
        self.periods.len()
    }

    /// Group `g`'s codes, one a grouping.
    fn codes(&self, g: usize) -> &[u32] {
        &self.codes[g * self.width..(g + 1) * self.width]
    }

    fn period(&self, g: usize) -> Month {
        self.periods[g]
    }
}

/// The groups of a margin report, found, counted and ordered, but their sums not yet taken:
/// each group knows its cells of the cube, and its invoices are counted.
pub struct MarginGroups {
    query: MarginQuery,
    settings: MarginSettings,
    currency: String,
    ranks: Vec<Ranking>,
    /// The group of each row, in the order of the rows.
    order: Vec<u32>,
    groups: Vec<Group>,
    /// Each group's key.
    keys: GroupKeys,
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
    // The key holds as many codes as there are groupings (at most five, each named once).
    match query.by.len() {
        0 => find::<0>(ws, cube, query),
        1 => find::<1>(ws, cube, query),
        2 => find::<2>(ws, cube, query),
        3 => find::<3>(ws, cube, query),
        4 => find::<4>(ws, cube, query),
        _ => find::<5>(ws, cube, query),
    }
}

fn find<const N: usize>(ws: &Workspace, cube: &Cube, query: &MarginQuery) -> MarginGroups {
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
    let mut index = GroupIndex::<N>::new(&sizes, periods_spanned, cube.cells.len());
    let mut groups: Vec<Group> = Vec::with_capacity(cube.cells.len());
    fn group_of<const N: usize>(index: &mut GroupIndex<N>, groups: &mut Vec<Group>, key: Key<N>) -> usize {
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
    // The keys of the cells in range first, then their groups: in an export in no order a
    // group's cells are anywhere, and the index's slot of the cell 16 ahead and the group of
    // the cell 8 ahead are asked for.
    // The keys are listed side by side, slice by slice, in the cube's order.
    let key_of = |i: usize, key: &CellKey| -> Option<(Key<N>, u32)> {
        let account_index = cube.account_of(key.customer);
        if first.is_some_and(|f| key.month < f) || last.is_some_and(|l| key.month > l) {
            return None;
        }
        if !wanted(account_index) {
            return None;
        }
        let mut codes = [0u32; N];
        for (slot, &dim) in codes.iter_mut().zip(&query.by) {
            *slot = code(dim, key, account_index);
        }
        Some(((codes, period_of(key.month)), i as u32))
    };
    let cell_keys: Vec<(Key<N>, u32)> = {
        use rayon::prelude::*;
        let slices = cube.cells.slices(1 << 14);
        let lists: Vec<Vec<(Key<N>, u32)>> = slices
            .par_iter()
            .map(|&(from, slice)| {
                slice.iter().enumerate().filter_map(|(j, (key, _))| key_of(from + j, key)).collect()
            })
            .collect();
        let mut keys = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for list in lists {
            keys.extend(list);
        }
        keys
    };
    // The numbering goes on one thread; where every cell is in range, the total's distinct
    // invoices are counted beside it (on one thread as well).
    let every_cell = cell_keys.len() == cube.cells.len();
    let ((), total_invoices) = rayon::join(
        || {
            for (k, &(key, i)) in cell_keys.iter().enumerate() {
                if let Some((ahead, _)) = cell_keys.get(k + 16) {
                    index.prefetch(ahead);
                }
                if let Some(group) = cell_keys
                    .get(k + 8)
                    .and_then(|(ahead, _)| index.known(ahead))
                    .and_then(|g| groups.get(g as usize))
                {
                    crate::prefetch::prefetch(group);
                }
                let g = group_of(&mut index, &mut groups, key);
                groups[g].cells += 1;
                cell_groups.push((g as u32, i));
            }
        },
        || every_cell.then(|| all_invoices(cube, None, 1)),
    );
    drop(cell_keys);
    let parts = crate::parallel::side_by_side(&crate::parallel::chunks(&cell_groups), |chunk| {
        let mut sums = CellSums::default();
        for &(_, cell) in *chunk {
            sums.add(&cube.cells[cell as usize].1.sums);
        }
        sums.sums()
    });
    for part in &parts {
        total_sums.add(part);
    }

    let by_account = query.by.iter().any(|d| matches!(d, Dim::Account | Dim::Owner));
    for (i, account) in ws.accounts.iter().enumerate() {
        if !wanted(Some(i)) {
            continue;
        }
        let mut codes = [0u32; N];
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
    // cell numbered: placed by counting, as the number of each group's cells is known.
    let mut next = 0u32;
    for group in &mut groups {
        group.first = next;
        next += group.cells;
    }
    let mut at: Vec<u32> = groups.iter().map(|group| group.first).collect();
    let mut members = vec![0u32; cell_groups.len()];
    for &(g, cell) in &cell_groups {
        members[at[g as usize] as usize] = cell;
        at[g as usize] += 1;
    }
    // The cells in range in the cube's order, where not all are.
    let in_range: Option<Vec<u32>> =
        (cell_groups.len() < cube.cells.len()).then(|| cell_groups.iter().map(|&(_, cell)| cell).collect());
    drop((at, cell_groups));
    // The invoices are counted while the rows are ordered.
    let keys = index.into_keys();
    let ((), (ranks, order)) = rayon::join(
        || count_invoices(&mut groups, &mut total, &members, in_range.as_deref(), total_invoices, cube),
        || {
            // Rows are ordered by their names, then periods: each distinct name is ranked once,
            // and the rows are sorted by ranks, equal ranks in the order of the groups.
            let ranks: Vec<Ranking> = (0..query.by.len())
                .map(|d| Ranking::new((0..keys.len()).map(|g| keys.codes(g)[d]), |c| name(query.by[d], c)))
                .collect();
            let periods = Ranking::new(keys.periods.iter().map(|p| p.0 as u32), |p| {
                query.period.label(Month(p as i32)).unwrap_or_default()
            });
            let order = order_groups(&keys, &ranks, &periods);
            (ranks, order)
        },
    );
    MarginGroups {
        query: query.clone(),
        settings: settings.clone(),
        currency: ws.config.currency.clone(),
        ranks,
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
struct GroupIndex<const N: usize> {
    keys: Vec<Key<N>>,
    /// Each grouping's number of codes (three more slots hold the codes that stand for no name),
    /// the first period and the number of months spanned, and the table.
    dense: Option<(Vec<u32>, i32, u32, Vec<u32>)>,
    map: FxHashMap<Key<N>, u32>,
}

impl<const N: usize> GroupIndex<N> {
    /// An index for keys whose codes are below `sizes` (or stand for no name) and whose periods
    /// lie in `periods`, of about `expected` groups.
    fn new(sizes: &[u32], periods: Option<(Month, Month)>, expected: usize) -> Self {
        let dense = periods.and_then(|(first, last)| {
            let months = u32::try_from(last.0.checked_sub(first.0)?.checked_add(1)?).ok()?;
            let slots =
                sizes.iter().try_fold(u64::from(months), |n, &size| n.checked_mul(u64::from(size) + 3))?;
            // A table of at most sixteen slots a group (64 bytes, half of a cell).
            (slots <= 16 * expected as u64 + 4096)
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
    fn slot(&self, (codes, period): &Key<N>) -> Option<usize> {
        let (sizes, first, months, _) = self.dense.as_ref()?;
        let mut slot = 0u64;
        for (&code, &size) in codes.iter().zip(sizes) {
            let at = if code < size { code } else { size + Some(u32::MAX - code).filter(|&k| k < 3)? };
            slot = slot * (u64::from(size) + 3) + u64::from(at);
        }
        let month = u32::try_from(period.0.checked_sub(*first)?).ok().filter(|m| m < months)?;
        Some((slot * u64::from(*months) + u64::from(month)) as usize)
    }

    /// Asks for the slot of `key` in the table, if it has one.
    #[inline]
    fn prefetch(&self, key: &Key<N>) {
        if let (Some(slot), Some((_, _, _, table))) = (self.slot(key), &self.dense)
            && let Some(at) = table.get(slot)
        {
            crate::prefetch::prefetch(at);
        }
    }

    /// The number of the group of `key` where the table has it.
    #[inline]
    fn known(&self, key: &Key<N>) -> Option<u32> {
        let (_, _, _, table) = self.dense.as_ref()?;
        table.get(self.slot(key)?).copied().filter(|&g| g != u32::MAX)
    }

    /// The number of the group of `key`, and whether it is new.
    fn number(&mut self, key: Key<N>) -> (u32, bool) {
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
    fn into_keys(self) -> GroupKeys {
        GroupKeys::of(&self.keys)
    }
}

/// The groups in the order of the rows: by the ranks of their names, then of their periods,
/// equal ranks by group number. Where the ranks and numbers fit in 64 bits together they are
/// sorted as one number. The keys are made and sorted side by side: the sort is the last step
/// before the rows are written.
fn order_groups(keys: &GroupKeys, ranks: &[Ranking], periods: &Ranking) -> Vec<u32> {
    use rayon::prelude::*;
    let bits = |n: usize| usize::BITS - n.leading_zeros();
    let widths: Vec<u32> =
        ranks.iter().map(|r| bits(r.len())).chain([bits(periods.len()), bits(keys.len())]).collect();
    let rank_of = |g: usize| {
        let (codes, period) = (keys.codes(g), keys.period(g));
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
        let mut packed: Vec<u64> = (0..keys.len())
            .into_par_iter()
            .map(|g| {
                let rank = rank_of(g);
                let mut k = 0u64;
                for (d, &w) in widths[..ranks.len()].iter().enumerate() {
                    k = (k << w) | u64::from(rank[d]);
                }
                k = (k << period_width) | u64::from(rank[5]);
                (k << number_width) | g as u64
            })
            .collect();
        packed.par_sort_unstable();
        let mask = if number_width == 64 { u64::MAX } else { (1u64 << number_width) - 1 };
        packed.into_iter().map(|k| (k & mask) as u32).collect()
    } else {
        let mut order: Vec<([u32; 6], u32)> =
            (0..keys.len()).into_par_iter().map(|g| (rank_of(g), g as u32)).collect();
        order.par_sort_unstable();
        order.into_iter().map(|(_, g)| g).collect()
    }
}

impl MarginGroups {
    /// The report: every group's sums, figures and names, in order, from the cells of `cube`
    /// (the cube the groups were found in).
    pub fn report(self, cube: &Cube) -> MarginReport {
        let rows = crate::parallel::map(&self.order, |&g| self.row(cube, g as usize));
        self.head(rows)
    }

    /// The report, its rows made from the groups and the cells of `cube` one by one as they
    /// are written (see [`GroupRows`]).
    pub fn rows_report(self, cube: &Cube) -> MarginReport<GroupRows<'_>> {
        self.head(()).with_rows(GroupRows { groups: self, cube })
    }

    /// Everything of the report but its rows.
    fn head<R>(&self, rows: R) -> MarginReport<R> {
        MarginReport {
            by: self.query.by.clone(),
            period: self.query.period,
            rows,
            total: self.total.figures(&self.total_sums, &self.settings),
            data_range: self.data_range,
            files: self.files,
            rows_read: self.rows_read,
            currency: self.currency.clone(),
            query: self.query.clone(),
            settings: self.settings.clone(),
        }
    }

    /// Asks for the memory of the rows after row `i`, as the rows are mostly made in order and
    /// their groups and cells lie anywhere in memory: in stages, each reading what the stage
    /// before asked for, the group and key of the row 24 ahead, the list of cells of the row 12
    /// ahead, the cells of the row 6 ahead.
    #[inline]
    fn prefetch_ahead(&self, cube: &Cube, i: usize) {
        use crate::prefetch::prefetch;
        let MarginGroups { groups, keys, members, order, .. } = self;
        if let Some(&g) = order.get(i + 24) {
            let g = g as usize;
            if let (Some(group), Some(period)) = (groups.get(g), keys.periods.get(g)) {
                prefetch(group);
                prefetch(period);
            }
            if let Some(code) = keys.codes.get(g * keys.width) {
                prefetch(code);
            }
        }
        if let Some(first) = order
            .get(i + 12)
            .and_then(|&g| groups.get(g as usize))
            .and_then(|group| members.get(group.first as usize))
        {
            prefetch(first);
        }
        if let Some(group) = order.get(i + 6).and_then(|&g| groups.get(g as usize)) {
            let first = group.first as usize;
            for &cell in members.get(first..first + group.cells as usize).unwrap_or_default() {
                if let Some((_, cell)) = cube.cells.get(cell as usize) {
                    prefetch(&cell.sums);
                }
            }
        }
    }

    /// The row of group `g`: its names, its period and its figures from its cells' sums.
    fn row(&self, cube: &Cube, g: usize) -> MarginRow {
        let mut row = MarginRow::empty();
        self.row_in(cube, g, &mut row);
        row
    }

    /// [`MarginGroups::row`] made in `row`, its texts and list reused.
    fn row_in(&self, cube: &Cube, g: usize, row: &mut MarginRow) {
        let MarginGroups { query, settings, ranks, groups, keys, members, .. } = self;
        let (codes, period) = (keys.codes(g), keys.period(g));
        let group = &groups[g];
        let first = group.first as usize;
        let cells = &members[first..first + group.cells as usize];
        let figures = match cells {
            // Most groups are one cell: its sums are the group's.
            [one] => group.figures(&cube.cells[*one as usize].1.sums.sums(), settings),
            _ => {
                let mut sums = CellSums::default();
                for &cell in cells {
                    sums.add(&cube.cells[cell as usize].1.sums);
                }
                group.figures(&sums.sums(), settings)
            }
        };
        row.keys.truncate(ranks.len());
        for (d, r) in ranks.iter().enumerate() {
            let name = r.name(codes[d]);
            match row.keys.get_mut(d) {
                Some(group) => set_group_name(group, query.by[d], codes[d], name),
                None => row.keys.push(group_name(query.by[d], codes[d], name)),
            }
        }
        row.period = (query.period != PeriodKind::All).then_some(period);
        row.figures = figures;
    }
}

/// The rows of a margin report made one by one from its groups and the cube's cells when they
/// are asked for: the report of `kam margin` holds no row's figures, only the groups' cells.
pub struct GroupRows<'c> {
    groups: MarginGroups,
    cube: &'c Cube,
}

impl super::MarginRows for GroupRows<'_> {
    fn len(&self) -> usize {
        self.groups.order.len()
    }

    fn row(&self, i: usize) -> std::borrow::Cow<'_, MarginRow> {
        self.groups.prefetch_ahead(self.cube, i);
        std::borrow::Cow::Owned(self.groups.row(self.cube, self.groups.order[i] as usize))
    }

    fn row_in<'a>(&'a self, i: usize, scratch: &'a mut MarginRow) -> &'a MarginRow {
        self.groups.prefetch_ahead(self.cube, i);
        self.groups.row_in(self.cube, self.groups.order[i] as usize, scratch);
        scratch
    }
}

/// A group while the cells are read: where its cells are listed, and what is counted for it
/// besides their sums.
#[derive(Debug, Default)]
pub(super) struct Group {
    /// Its first cell in [`MarginGroups::members`], and the number of its cells.
    pub(super) first: u32,
    pub(super) cells: u32,
    pub(super) invoices: u64,
    visits: u64,
    costs: Decimal,
}

impl Group {
    fn figures(&self, sums: &Sums, settings: &MarginSettings) -> MarginFigures {
        MarginFigures::of(sums, self.invoices, self.visits, self.costs, settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn random_keys(rng: &mut impl Rng, n: usize, codes: u32, dims: usize) -> Vec<Key<5>> {
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
        let mut dense = GroupIndex::<5>::new(&[10, 10], span, 5000);
        assert!(dense.dense.is_some());
        // Too many slots for a table.
        let mut map = GroupIndex::<5>::new(&[40_000_000, 10], span, 5000);
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
            let order = order_groups(&GroupKeys::of(&keys), &ranks, &periods);
            assert_eq!(order, expected.iter().map(|e| e.2).collect::<Vec<_>>());
        }
    }
}
