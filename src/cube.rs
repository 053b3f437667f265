//! The one streaming pass: every export row is folded into a compact aggregate per customer ×
//! month (× category × product where a report groups by them), from which the figures are
//! computed. Memory depends on customers × months, not on rows.

use crate::dates::Month;
use crate::diag::Diagnostics;
use crate::money::Decimal;
use crate::prefetch::prefetch;
use crate::sales::{ImportStats, Parts, RowSink, SaleRow, fold_exports_in_parts};
use crate::workspace::Workspace;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

/// Whether two texts are equal, compared byte by byte in place: the cells compared for every row
/// (a customer, an invoice number, a date) are short, and a call to `memcmp` costs more than
/// comparing them.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Strings seen in the exports, each stored once and referred to by number. The texts lie
/// side by side in one buffer and the table holds only their numbers: a lookup compares the
/// text in place in that buffer (small enough to stay in the cache for tens of thousands of
/// customer numbers) instead of following a pointer to a text allocated on its own.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    table: hashbrown::HashTable<u32>,
    /// All texts, one after another; text `i` ends at `ends[i]`.
    text: String,
    ends: Vec<usize>,
    /// The number given last, tried first: rows of one customer tend to follow each other.
    last: Option<u32>,
}

fn text_hash(name: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name)
}

impl Interner {
    /// The number of `name`, adding it when new (no allocation but the buffers' growth).
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last
            && same_text(self.name(last), name)
        {
            return last;
        }
        let hash = text_hash(name);
        let (text, ends) = (&self.text, &self.ends);
        let found = self.table.find(hash, |&i| same_text(Self::text_of(text, ends, i), name)).copied();
        let i = match found {
            Some(i) => i,
            None => {
                let i = self.ends.len() as u32;
                self.text.push_str(name);
                self.ends.push(self.text.len());
                let (text, ends) = (&self.text, &self.ends);
                self.table.insert_unique(hash, i, |&j| text_hash(Self::text_of(text, ends, j)));
                i
            }
        };
        self.last = Some(i);
        i
    }

    fn text_of<'t>(text: &'t str, ends: &[usize], i: u32) -> &'t str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] };
        &text[start..ends[i]]
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.table.find(text_hash(name), |&i| same_text(self.name(i), name)).copied()
    }

    pub fn name(&self, i: u32) -> &str {
        Self::text_of(&self.text, &self.ends, i)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// An invoice number's identity: a 128-bit fingerprint of its text. Distinct orders are
/// counted by these, so that the invoice numbers themselves (millions of them in a large export)
/// need not be kept; two numbers share a fingerprint with a probability of about 10⁻²⁵ in ten
/// million invoices.
pub type InvoiceId = u128;

/// The fingerprint of an invoice number: its 128-bit XXH3 hash.
pub fn invoice_id(invoice: &str) -> InvoiceId {
    xxhash_rust::xxh3::xxh3_128(invoice.as_bytes())
}

/// A cube being filled by one part of the pass, with the invoice numbers it saw. Its cells are
/// kept in a vector, found by key through an index, and the cell of the last row is tried
/// first: the lines of an invoice follow each other and share their cell.
struct CubePart<'s> {
    cube: Cube,
    cells: Cells,
    index: FxHashMap<CellKey, u32>,
    last_cell: Option<(CellKey, u32)>,
    /// Where a key splits by neither category nor product, its cell is found in its customer's
    /// months here instead of through the index: a small table a customer, read once a row
    /// whatever the rows' order (the index would be a cache miss or two more).
    months: Vec<CustomerMonths>,
    /// The cell each customer's rows reached last through the index (`u32::MAX`: none yet),
    /// tried before the index: a customer's rows mostly fall into the cell of its row before,
    /// and this small table stays in the cache where the index does not.
    customer_cell: Vec<u32>,
    /// The invoice number of the last row, and its fingerprint.
    last_invoice: (String, InvoiceId),
    invoices: InvoiceLog,
    /// The figures of the last rows read, waiting to be added to their cells (below).
    pending: std::collections::VecDeque<Pending>,
    spec: &'s CubeSpec,
}

/// A row's figures waiting to be added to its cell: the row with its texts left out (but for
/// whether it has an invoice number), and its invoice's fingerprint where it counts as an order.
#[derive(Debug)]
struct Pending {
    key: CellKey,
    /// Its number once found (`u32::MAX` until then).
    cell: u32,
    row: SaleRow<'static>,
    invoice: Option<InvoiceId>,
}

/// How many rows after a row the slot of its month is asked for, its cell found (and asked
/// for), and its figures added.
const SLOT_AFTER: usize = 2;
const CELL_AFTER: usize = 4;
const ADD_AFTER: usize = 8;

/// The cells of one customer's months: the first month and a cell number a month from it
/// (`u32::MAX`: none yet), grown both ways as the rows come.
#[derive(Debug, Default)]
struct CustomerMonths {
    first: i32,
    cells: Vec<u32>,
}

/// The most months a customer's table spans; the cells of months beyond it (an export with a
/// stray date decades off) are found through the index.
const MONTHS_SPAN: usize = 240;

impl CustomerMonths {
    /// Asks for the slot of `month`, where the table has one.
    #[inline]
    fn prefetch(&self, month: Month) {
        if let Some(at) =
            month.0.checked_sub(self.first).and_then(|d| self.cells.get(usize::try_from(d).ok()?))
        {
            prefetch(at);
        }
    }

    /// The cell number of `month`, the table grown to it; `None` where it would then span more
    /// than [`MONTHS_SPAN`] months. A month refused once stays refused: the span only grows.
    #[inline]
    fn slot(&mut self, month: Month) -> Option<&mut u32> {
        let m = month.0;
        if self.cells.is_empty() {
            self.first = m;
            self.cells.push(u32::MAX);
        } else if m < self.first {
            let grow = self.first.abs_diff(m) as usize;
            if grow + self.cells.len() > MONTHS_SPAN {
                return None;
            }
            self.cells.splice(0..0, std::iter::repeat_n(u32::MAX, grow));
            self.first = m;
        } else if m.abs_diff(self.first) as usize >= self.cells.len() {
            let len = m.abs_diff(self.first) as usize + 1;
            if len > MONTHS_SPAN {
                return None;
            }
            self.cells.resize(len, u32::MAX);
        }
        self.cells.get_mut(m.abs_diff(self.first) as usize)
    }
}

/// The invoice fingerprints of a pass's purchase rows with the number of their cell, in the
/// order read: one buffer for all cells (not a list per cell, whose allocations and growth
/// would be most of the pass's memory and time). A fingerprint following its own twin in the
/// same cell (the lines of one invoice) is kept once.
#[derive(Debug, Default)]
struct InvoiceLog {
    cells: Vec<u32>,
    ids: Vec<InvoiceId>,
    /// The logs taken in whole (this part's own up to a later part's, then the later part's),
    /// each with the range of the cells it refers to, so that a range of cells is looked for
    /// only in the logs that can hold it; `cells` and `ids` go on after them.
    sealed: Vec<LogSegment>,
}

/// A log of fingerprints by cell, taken in whole, and the cells it refers to: all in `range`.
#[derive(Debug, Default)]
struct LogSegment {
    cells: Vec<u32>,
    ids: Vec<InvoiceId>,
    range: std::ops::Range<usize>,
}

impl InvoiceLog {
    /// Logs `id` for `cell`, unless it is the cell's last logged fingerprint, which the cell
    /// keeps while the pass runs (zero for none), so that the lines of one invoice are logged
    /// once however the rows are ordered (as long as no other invoice of the same customer and
    /// month comes between them), without a look into the log, far away in memory when the rows
    /// come in no order. (A fingerprint of zero is logged every time: the lists are made
    /// distinct anyway.)
    fn push(&mut self, cell: u32, id: InvoiceId, last: &mut [u64; 2]) {
        let before = (u128::from(last[0]) << 64) | u128::from(last[1]);
        if before == 0 || before != id {
            self.cells.push(cell);
            self.ids.push(id);
            *last = [(id >> 64) as u64, id as u64];
        }
    }

    /// Takes in a later part's log, its cell numbers mapped by `map` into `range`; this part's
    /// log so far refers to cells below `own_cells`. The logs are kept as they are, not copied
    /// one behind the other.
    fn append(
        &mut self,
        later: InvoiceLog,
        own_cells: usize,
        map: impl Fn(u32) -> u32,
        range: std::ops::Range<usize>,
    ) {
        let own = LogSegment {
            cells: std::mem::take(&mut self.cells),
            ids: std::mem::take(&mut self.ids),
            range: 0..own_cells,
        };
        self.sealed.push(own);
        for mut segment in later.segments(usize::MAX) {
            for c in segment.cells.iter_mut() {
                *c = map(*c);
            }
            segment.range = range.clone();
            self.sealed.push(segment);
        }
        self.sealed.retain(|segment| !segment.cells.is_empty());
    }

    /// Every segment of the log, the open one last with the cells below `cells`.
    fn segments(self, cells: usize) -> impl Iterator<Item = LogSegment> {
        let open = LogSegment { cells: self.cells, ids: self.ids, range: 0..cells };
        self.sealed.into_iter().chain(std::iter::once(open))
    }

    /// The fingerprints grouped by cell (cells in order, each cell's sorted and distinct), each
    /// cell told where its own are. Grouped by counting, in time linear in the entries; the
    /// cells are cut into one range a core, of about as many entries each, and each range's
    /// entries are placed, sorted and made distinct side by side.
    fn into_lists(self, cells: &mut Cells) -> Vec<InvoiceId> {
        let segments: Vec<LogSegment> = self.segments(cells.len()).collect();
        let mut start = vec![0u64; cells.len() + 1];
        for segment in &segments {
            for &c in &segment.cells {
                start[c as usize + 1] += 1;
            }
        }
        for i in 0..cells.len() {
            start[i + 1] += start[i];
        }
        let total = start[cells.len()];
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let ranges = if total < 1 << 16 { 1 } else { cores.min(8) };
        // The first cell of each range: where the entries before it reach the range's share;
        // a run of cells also starts a range.
        let mut bounds = vec![0usize];
        for r in 1..ranges {
            let at = start.partition_point(|&s| s < total * r / ranges).min(cells.len());
            if at > *bounds.last().unwrap_or(&0) {
                bounds.push(at);
            }
        }
        let mut run_start = 0;
        for run in &cells.runs {
            run_start += run.len();
            bounds.push(run_start);
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut grouped: Vec<InvoiceId> = vec![0; total as usize];
        // Each range with its cells and its part of `grouped`.
        let mut pieces = Vec::with_capacity(bounds.len());
        let mut rest_ids = &mut grouped[..];
        let mut runs = cells.runs.iter_mut().filter(|run| !run.is_empty());
        let mut rest_cells: &mut [(CellKey, Cell)] = &mut [];
        for w in bounds.windows(2) {
            let (lo, hi) = (w[0], w[1]);
            if rest_cells.is_empty() {
                rest_cells = runs.next().map_or(&mut [], |run| &mut run[..]);
            }
            let (these_cells, more_cells) = std::mem::take(&mut rest_cells).split_at_mut(hi - lo);
            let len = (start[hi] - start[lo]) as usize;
            let (these_ids, more_ids) = std::mem::take(&mut rest_ids).split_at_mut(len);
            pieces.push((lo, these_cells, these_ids));
            (rest_cells, rest_ids) = (more_cells, more_ids);
        }
        let logs = &segments;
        let start = &start;
        let written: Vec<(usize, &mut [(CellKey, Cell)])> = {
            use rayon::prelude::*;
            pieces
                .into_par_iter()
                .map(|(lo, cells, ids)| {
                    let (hi, base) = (lo + cells.len(), start[lo]);
                    let mut at: Vec<u64> = start[lo..hi].iter().map(|&s| s - base).collect();
                    // Only the logs that can hold this range's cells are read.
                    for segment in logs.iter().filter(|s| s.range.start < hi && lo < s.range.end) {
                        for (&c, &id) in segment.cells.iter().zip(&segment.ids) {
                            let c = c as usize;
                            if (lo..hi).contains(&c) {
                                ids[at[c - lo] as usize] = id;
                                at[c - lo] += 1;
                            }
                        }
                    }
                    // Each cell's sorted and made distinct, moved down over the duplicates
                    // removed before; the cell told where its own are in this range.
                    let mut written = 0usize;
                    for (k, (_, cell)) in cells.iter_mut().enumerate() {
                        let (from, to) =
                            ((start[lo + k] - base) as usize, (start[lo + k + 1] - base) as usize);
                        let list = &mut ids[from..to];
                        list.sort_unstable();
                        let mut n = 0usize;
                        for k in 0..list.len() {
                            if k == 0 || list[k] != list[n - 1] {
                                list[n] = list[k];
                                n += 1;
                            }
                        }
                        ids.copy_within(from..from + n, written);
                        cell.invoices = [written as u64, n as u64];
                        written += n;
                    }
                    (written, cells)
                })
                .collect()
        };
        crate::parallel::drop_aside(segments);
        // The ranges' lists moved down one after the other, and their cells told so.
        let mut offset = 0usize;
        for (w, (written, cells)) in bounds.windows(2).zip(written) {
            let from = start[w[0]] as usize;
            grouped.copy_within(from..from + written, offset);
            for (_, cell) in cells.iter_mut() {
                cell.invoices[0] += offset as u64;
            }
            offset += written;
        }
        grouped.truncate(offset);
        grouped.shrink_to_fit();
        grouped
    }
}

impl<'s> CubePart<'s> {
    fn new(spec: &'s CubeSpec) -> Self {
        CubePart {
            cube: Cube::default(),
            cells: Cells::default(),
            index: FxHashMap::default(),
            last_cell: None,
            months: Vec::new(),
            customer_cell: Vec::new(),
            last_invoice: (String::new(), invoice_id("")),
            invoices: InvoiceLog::default(),
            pending: std::collections::VecDeque::with_capacity(ADD_AFTER + 1),
            spec,
        }
    }

    /// The number of the cell of `key`, made when new.
    fn cell(&mut self, key: CellKey) -> u32 {
        match self.last_cell {
            Some((last, i)) if last == key => i,
            _ => {
                let i = self.locate(key).0;
                self.last_cell = Some((key, i));
                i
            }
        }
    }

    /// The number of the cell of `key`, and whether it was made now (as an empty cell).
    fn locate(&mut self, key: CellKey) -> (u32, bool) {
        let next = self.cells.len() as u32;
        let slot = key.customer as usize;
        if key.customer != NO_CUSTOMER {
            if key.by_month_only() {
                if self.months.len() <= slot {
                    self.months.resize_with(slot + 1, CustomerMonths::default);
                }
                if let Some(at) = self.months[slot].slot(key.month) {
                    let new = *at == u32::MAX;
                    if new {
                        *at = next;
                        self.cells.push((key, Cell::default()));
                    }
                    return (*at, new);
                }
            } else {
                let known = self.customer_cell.get(slot).copied().unwrap_or(u32::MAX);
                if self.cells.get(known as usize).is_some_and(|(k, _)| *k == key) {
                    return (known, false);
                }
            }
        }
        let i = *self.index.entry(key).or_insert(next);
        let new = i == next;
        if new {
            self.cells.push((key, Cell::default()));
        }
        if key.customer != NO_CUSTOMER {
            if self.customer_cell.len() <= slot {
                self.customer_cell.resize(slot + 1, u32::MAX);
            }
            self.customer_cell[slot] = i;
        }
        (i, new)
    }

    fn add(&mut self, row: &SaleRow<'_>) {
        let spec = self.spec;
        let cube = &mut self.cube;
        cube.first_date = Some(cube.first_date.map_or(row.date, |d| d.min(row.date)));
        cube.last_date = Some(cube.last_date.map_or(row.date, |d| d.max(row.date)));
        if spec.from.is_some_and(|f| row.date < f) || spec.to.is_some_and(|t| row.date > t) {
            return;
        }
        let customer =
            if row.customer.is_empty() { NO_CUSTOMER } else { cube.customers.intern(row.customer) };
        let detail = match &spec.detail_customers {
            None => true,
            Some(_) if customer == NO_CUSTOMER => false,
            Some(set) => {
                if cube.detail.len() <= customer as usize {
                    cube.detail.push(set.contains(row.customer));
                }
                cube.detail[customer as usize]
            }
        };
        let key = CellKey {
            customer,
            month: Month::of(row.date),
            category: if spec.by_category && detail { cube.categories.intern(row.category) } else { ANY },
            product: if spec.by_product && detail { cube.products.intern(row.product) } else { ANY },
        };
        // Orders are the invoices of purchases: a credit note is no order.
        let purchase = row.net > Decimal::ZERO;
        let invoice = (!spec.without_invoices && purchase && !row.invoice.is_empty()).then(|| {
            let (text, id) = &mut self.last_invoice;
            if !same_text(text, row.invoice) {
                text.clear();
                text.push_str(row.invoice);
                *id = invoice_id(row.invoice);
            }
            *id
        });
        // The row's cell is found and its figures added in stages, a few rows later each, each
        // stage asking for what the next one reads (the customer's table of months, the slot of
        // the row's month, the cell): in an export in no order the rows that follow each other
        // read memory anywhere, and their cache misses then overlap instead of each row waiting
        // for its own. The cells are found in the order of the rows, and so numbered.
        if let Some(months) = self.months_of(&key) {
            prefetch(months);
        }
        self.pending.push_back(Pending {
            key,
            cell: u32::MAX,
            row: SaleRow {
                date: row.date,
                customer: "",
                invoice: if row.invoice.is_empty() { "" } else { "-" },
                product: "",
                category: "",
                quantity: row.quantity,
                gross: row.gross,
                unit_price: row.unit_price,
                deductions: row.deductions,
                net: row.net,
                cost: row.cost,
            },
            invoice,
        });
        let n = self.pending.len();
        if n > SLOT_AFTER {
            let key = self.pending[n - 1 - SLOT_AFTER].key;
            if let Some(months) = self.months_of(&key) {
                months.prefetch(key.month);
            }
        }
        if n > CELL_AFTER {
            self.find_pending(n - 1 - CELL_AFTER);
        }
        if n > ADD_AFTER
            && let Some(p) = self.pending.pop_front()
        {
            self.add_pending(p);
        }
    }

    /// The table of months of `key`'s customer, where the key's cell is found through one and
    /// the table is made.
    #[inline]
    fn months_of(&self, key: &CellKey) -> Option<&CustomerMonths> {
        if key.by_month_only() { self.months.get(key.customer as usize) } else { None }
    }

    /// Finds the cell of waiting row `k`, and asks for it.
    #[inline]
    fn find_pending(&mut self, k: usize) {
        let cell = self.cell(self.pending[k].key);
        self.pending[k].cell = cell;
        prefetch(&self.cells[cell as usize].1);
    }

    /// Adds a row's figures to its cell, and its invoice to the log.
    #[inline]
    fn add_pending(&mut self, p: Pending) {
        let cell = &mut self.cells[p.cell as usize].1;
        cell.sums.add_row(&p.row);
        if let Some(inv) = p.invoice {
            self.invoices.push(p.cell, inv, &mut cell.invoices);
        }
    }

    /// Adds the figures still waiting to their cells (the cells not yet found found first, in
    /// the order of the rows).
    fn flush(&mut self) {
        for k in 0..self.pending.len() {
            if self.pending[k].cell == u32::MAX {
                self.find_pending(k);
            }
        }
        while let Some(p) = self.pending.pop_front() {
            self.add_pending(p);
        }
    }

    /// The cube, its cells and the invoice log, every row added.
    fn finish(mut self) -> (Cube, Cells, InvoiceLog) {
        self.flush();
        // The lookup tables (a vector a customer) are freed beside the work that goes on.
        crate::parallel::drop_aside((self.index, self.months, self.customer_cell));
        (self.cube, self.cells, self.invoices)
    }

    /// Takes in the part that read the rows following this part's. Strings new to this part are
    /// numbered in the order `later` first saw them, as if one part had read all rows.
    fn append(&mut self, later: CubePart<'_>) {
        self.flush();
        let mut later = later;
        later.flush();
        let remap = |own: &mut Interner, other: &Interner| -> Vec<u32> {
            (0..other.len() as u32).map(|i| own.intern(other.name(i))).collect()
        };
        let cube = &mut self.cube;
        let customers = remap(&mut cube.customers, &later.cube.customers);
        let categories = remap(&mut cube.categories, &later.cube.categories);
        let products = remap(&mut cube.products, &later.cube.products);
        if let Some(set) = &self.spec.detail_customers {
            while cube.detail.len() < cube.customers.len() {
                let name = cube.customers.name(cube.detail.len() as u32);
                cube.detail.push(set.contains(name));
            }
        }
        let map = |table: &[u32], i: u32| if i == ANY { ANY } else { table[i as usize] };
        let remapped = |key: CellKey| CellKey {
            customer: map(&customers, key.customer),
            month: key.month,
            category: map(&categories, key.category),
            product: map(&products, key.product),
        };
        if self.spec.cells_may_repeat {
            // The later part's cells are taken as they are, a key possibly for a second time.
            let offset = self.cells.len() as u32;
            let mut later_cells = later.cells;
            for run in &mut later_cells.runs {
                for (key, _) in run.iter_mut() {
                    *key = remapped(*key);
                }
            }
            let later_len = later_cells.len();
            self.cells.append_runs(later_cells);
            let range = offset as usize..offset as usize + later_len;
            self.invoices.append(later.invoices, offset as usize, |c| c + offset, range);
        } else {
            let own_cells = self.cells.len();
            self.cells.reserve(later.cells.len());
            let mut to_own = Vec::with_capacity(later.cells.len());
            for (key, cell) in later.cells.runs.into_iter().flatten() {
                let (i, new) = self.locate(remapped(key));
                if new {
                    // A cell new to this part is taken over whole.
                    self.cells[i as usize].1 = cell;
                } else {
                    self.cells[i as usize].1.sums.add(&cell.sums);
                }
                to_own.push(i);
            }
            let range = match (to_own.iter().min(), to_own.iter().max()) {
                (Some(&low), Some(&high)) => low as usize..high as usize + 1,
                _ => 0..0,
            };
            self.invoices.append(later.invoices, own_cells, |c| to_own[c as usize], range);
        }
        self.last_cell = None;
        let cube = &mut self.cube;
        cube.first_date = match (cube.first_date, later.cube.first_date) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        cube.last_date = match (cube.last_date, later.cube.last_date) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        crate::parallel::drop_aside((later.index, later.months, later.customer_cell));
    }
}

impl RowSink for CubePart<'_> {
    fn row(&mut self, row: &SaleRow<'_>) {
        self.add(row);
    }

    fn append(&mut self, later: Self) {
        CubePart::append(self, later);
    }
}

/// The customer number of rows without a customer.
pub const NO_CUSTOMER: u32 = u32::MAX;
/// The category or product number where the cube does not split by it.
pub const ANY: u32 = u32::MAX;

/// What the pass keeps apart and which rows it folds in.
#[derive(Debug, Clone, Default)]
pub struct CubeSpec {
    /// Rows dated before this day are read but not folded in.
    pub from: Option<NaiveDate>,
    /// Rows dated after this day are read but not folded in.
    pub to: Option<NaiveDate>,
    pub by_category: bool,
    pub by_product: bool,
    /// Skip invoice numbers, for reports that count no orders (retention, ABC); saves the memory
    /// that grows with the number of invoices.
    pub without_invoices: bool,
    /// Split by category and product only the rows of these customer numbers (the accounts a
    /// brief is for); `None` splits all rows.
    pub detail_customers: Option<rustc_hash::FxHashSet<String>>,
    /// Take the cells of the parts of a large export as they are, without merging the cells of a
    /// key that two parts share: a key may then have several cells, for a report that sums
    /// cells into groups anyway (the margin table's groups; retention's histories, which merge
    /// the cells of a month).
    pub cells_may_repeat: bool,
}

/// The key of one aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    /// Interned customer, or [`NO_CUSTOMER`].
    pub customer: u32,
    pub month: Month,
    /// Interned category (the empty string is `(none)`), or [`ANY`].
    pub category: u32,
    /// Interned product, or [`ANY`].
    pub product: u32,
}

impl CellKey {
    /// Whether the key splits a customer's rows by month alone (not by category or product).
    #[inline]
    pub fn by_month_only(&self) -> bool {
        self.category == ANY && self.product == ANY
    }
}

/// Additive sums over rows (SPEC 3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    pub rows: u64,
    pub gross: Decimal,
    pub deductions: Decimal,
    pub net: Decimal,
    /// Σ variable cost of the rows whose cost is known.
    pub cost: Decimal,
    /// Rows whose variable cost is unknown, and their net revenue.
    pub unknown_cost_rows: u64,
    pub unknown_cost_net: Decimal,
    pub quantity: Decimal,
    /// Σ |net| of return rows (net < 0).
    pub returns: Decimal,
    pub return_rows: u64,
    /// Rows with net > 0.
    pub purchase_rows: u64,
    /// Purchase rows without an invoice number: each is one order.
    pub rows_without_invoice: u64,
}

impl Sums {
    pub fn add_row(&mut self, row: &SaleRow<'_>) {
        self.rows += 1;
        self.gross += row.gross;
        self.deductions += row.deductions;
        self.net += row.net;
        match row.cost {
            Some(c) => self.cost += c,
            None => {
                self.unknown_cost_rows += 1;
                self.unknown_cost_net += row.net;
            }
        }
        self.quantity += row.quantity;
        if row.net.is_sign_negative() && !row.net.is_zero() {
            self.returns -= row.net;
            self.return_rows += 1;
        } else if !row.net.is_zero() {
            self.purchase_rows += 1;
        }
        if row.invoice.is_empty() && row.net > Decimal::ZERO {
            self.rows_without_invoice += 1;
        }
    }

    pub fn add(&mut self, other: &Sums) {
        self.rows += other.rows;
        self.gross += other.gross;
        self.deductions += other.deductions;
        self.net += other.net;
        self.cost += other.cost;
        self.unknown_cost_rows += other.unknown_cost_rows;
        self.unknown_cost_net += other.unknown_cost_net;
        self.quantity += other.quantity;
        self.returns += other.returns;
        self.return_rows += other.return_rows;
        self.purchase_rows += other.purchase_rows;
        self.rows_without_invoice += other.rows_without_invoice;
    }

    /// Σ variable cost, unknown when any row's cost is unknown.
    pub fn variable_costs(&self) -> Option<Decimal> {
        (self.unknown_cost_rows == 0).then_some(self.cost)
    }
}

/// The sums of a cell as the pass keeps them: each amount as a count of millionths in 64 bits
/// (given back as a decimal of the largest scale of those added in, e.g. cents; the value is
/// the exact sum's, and the reports write numbers without trailing zeros, so the scale shows
/// nowhere), the counts in 32 bits: 96 bytes where [`Sums`] takes 168. A row whose amount has more than six decimal places or does not fit, or a
/// sum that would overflow, turns the cell to exact decimals from then on: nothing is rounded.
#[derive(Debug, Clone, Default)]
pub struct CellSums {
    /// gross, deductions, net, cost, unknown_cost_net, quantity, returns.
    units: [i64; 7],
    scales: [u8; 7],
    /// rows, unknown_cost_rows, return_rows, purchase_rows, rows_without_invoice.
    counts: [u32; 5],
    exact: Option<Box<Sums>>,
}

/// The decimal places of [`CellSums`]' units.
const PLACES: u32 = 6;

/// `value` in millionths, where it has at most six places and fits.
#[inline]
fn units_of(value: Decimal) -> Option<i64> {
    let scale = value.scale();
    if scale > PLACES {
        return None;
    }
    // A mantissa beyond 64 bits is so in millionths too; otherwise one 64-bit product.
    let mantissa = i64::try_from(value.mantissa()).ok()?;
    mantissa.checked_mul(POW10_I64[(PLACES - scale) as usize])
}

/// 10^0 to 10^6.
const POW10_I64: [i64; PLACES as usize + 1] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

impl CellSums {
    /// Adds a row's figures (as [`Sums::add_row`] does).
    #[inline]
    pub fn add_row(&mut self, row: &SaleRow<'_>) {
        if self.exact.is_none() && !self.add_row_compact(row) {
            self.turn_exact();
        }
        if let Some(exact) = &mut self.exact {
            exact.add_row(row);
        }
    }

    /// Adds a row in units; false (and nothing changed) when one of its figures does not fit.
    #[inline]
    fn add_row_compact(&mut self, row: &SaleRow<'_>) -> bool {
        let zero = Decimal::ZERO;
        let negative = row.net.is_sign_negative() && !row.net.is_zero();
        let (cost, unknown_net) = match row.cost {
            Some(c) => (c, zero),
            None => (zero, row.net),
        };
        let returns = if negative { -row.net } else { zero };
        let values = [row.gross, row.deductions, row.net, cost, unknown_net, row.quantity, returns];
        let mut units = self.units;
        for (k, v) in values.iter().enumerate() {
            let Some(add) = units_of(*v) else { return false };
            let Some(sum) = units[k].checked_add(add) else { return false };
            units[k] = sum;
        }
        let adds = [
            1,
            u32::from(row.cost.is_none()),
            u32::from(negative),
            u32::from(!negative && !row.net.is_zero()),
            u32::from(row.invoice.is_empty() && row.net > zero),
        ];
        let mut counts = self.counts;
        for (c, a) in counts.iter_mut().zip(adds) {
            let Some(sum) = c.checked_add(a) else { return false };
            *c = sum;
        }
        self.units = units;
        self.counts = counts;
        for (k, v) in values.iter().enumerate() {
            // A zero added as in Sums::add_row keeps its scale there too, except the zeros that
            // stand for a figure not added at all (cost or unknown net, returns).
            let added = match k {
                3 => row.cost.is_some(),
                4 => row.cost.is_none(),
                6 => negative,
                _ => true,
            };
            if added {
                self.scales[k] = self.scales[k].max(v.scale() as u8);
            }
        }
        true
    }

    /// Adds another cell's sums (as [`Sums::add`] does).
    pub fn add(&mut self, other: &CellSums) {
        if self.exact.is_none() && other.exact.is_none() {
            let mut units = self.units;
            let mut counts = self.counts;
            let fits = units.iter_mut().zip(other.units).all(|(u, o)| match u.checked_add(o) {
                Some(s) => {
                    *u = s;
                    true
                }
                None => false,
            }) && counts.iter_mut().zip(other.counts).all(|(c, o)| match c.checked_add(o) {
                Some(s) => {
                    *c = s;
                    true
                }
                None => false,
            });
            if fits {
                self.units = units;
                self.counts = counts;
                for (s, o) in self.scales.iter_mut().zip(other.scales) {
                    *s = (*s).max(o);
                }
                return;
            }
        }
        self.turn_exact();
        if let Some(exact) = &mut self.exact {
            exact.add(&other.sums());
        }
    }

    fn turn_exact(&mut self) {
        if self.exact.is_none() {
            self.exact = Some(Box::new(self.sums()));
        }
    }

    /// The sums as exact decimals.
    pub fn sums(&self) -> Sums {
        if let Some(exact) = &self.exact {
            return (**exact).clone();
        }
        let d = |k: usize| self.amount(k);
        let c = |k: usize| u64::from(self.counts[k]);
        Sums {
            rows: c(0),
            gross: d(0),
            deductions: d(1),
            net: d(2),
            cost: d(3),
            unknown_cost_rows: c(1),
            unknown_cost_net: d(4),
            quantity: d(5),
            returns: d(6),
            return_rows: c(2),
            purchase_rows: c(3),
            rows_without_invoice: c(4),
        }
    }

    /// Σ net revenue.
    pub fn net(&self) -> Decimal {
        match &self.exact {
            Some(exact) => exact.net,
            None => self.amount(2),
        }
    }

    /// Σ quantity.
    pub fn quantity(&self) -> Decimal {
        match &self.exact {
            Some(exact) => exact.quantity,
            None => self.amount(5),
        }
    }

    /// Purchase rows (net > 0).
    pub fn purchase_rows(&self) -> u64 {
        match &self.exact {
            Some(exact) => exact.purchase_rows,
            None => u64::from(self.counts[3]),
        }
    }

    /// Amount `k` at its scale: exact, as the units are a multiple of 10^(6 − scale).
    fn amount(&self, k: usize) -> Decimal {
        let scale = u32::from(self.scales[k]);
        // (A quotient of an i64 by a positive power of ten is an i64.)
        crate::money::decimal_of(crate::money::units_in_scale(self.units[k], PLACES, scale), scale)
    }
}

/// The cells of a cube with their keys, numbered from 0 in the order made: one run of cells, or
/// several where the parts of a pass were taken as they are ([`CubeSpec::cells_may_repeat`]),
/// each part's run kept where it was made instead of copied behind the one before.
#[derive(Debug, Default)]
pub struct Cells {
    runs: Vec<Vec<(CellKey, Cell)>>,
    len: usize,
}

impl Cells {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Cell `i` with its key.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&(CellKey, Cell)> {
        let mut i = i;
        for run in &self.runs {
            match run.get(i) {
                Some(cell) => return Some(cell),
                None => i -= run.len(),
            }
        }
        None
    }

    #[inline]
    fn get_mut(&mut self, i: usize) -> Option<&mut (CellKey, Cell)> {
        let mut i = i;
        for run in &mut self.runs {
            let len = run.len();
            match run.get_mut(i) {
                Some(cell) => return Some(cell),
                None => i -= len,
            }
        }
        None
    }

    pub fn iter(&self) -> std::iter::Flatten<std::slice::Iter<'_, Vec<(CellKey, Cell)>>> {
        self.runs.iter().flatten()
    }

    /// The cells in consecutive slices of at most `len` cells, each with the number of its
    /// first cell, in order.
    pub fn slices(&self, len: usize) -> Vec<(usize, &[(CellKey, Cell)])> {
        let len = len.max(1);
        let mut slices = Vec::new();
        let mut first = 0;
        for run in &self.runs {
            for (k, slice) in run.chunks(len).enumerate() {
                slices.push((first + k * len, slice));
            }
            first += run.len();
        }
        slices
    }

    /// Appends a cell to the last run.
    fn push(&mut self, cell: (CellKey, Cell)) {
        match self.runs.last_mut() {
            Some(run) => run.push(cell),
            None => self.runs.push(vec![cell]),
        }
        self.len += 1;
    }

    /// Takes in `later`'s runs behind these, as they are.
    fn append_runs(&mut self, later: Cells) {
        self.len += later.len;
        self.runs.extend(later.runs.into_iter().filter(|run| !run.is_empty()));
        // Cells made from now on go into a run of their own.
        self.runs.push(Vec::new());
    }

    fn reserve(&mut self, more: usize) {
        if let Some(run) = self.runs.last_mut() {
            run.reserve(more);
        }
    }

    /// Gives back the room the runs grew into but do not use.
    fn shrink_to_fit(&mut self) {
        self.runs.retain(|run| !run.is_empty());
        for run in &mut self.runs {
            run.shrink_to_fit();
        }
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = (CellKey, Cell);

    #[inline]
    fn index(&self, i: usize) -> &(CellKey, Cell) {
        match self.get(i) {
            Some(cell) => cell,
            None => panic!("cell {i} of {}", self.len),
        }
    }
}

impl std::ops::IndexMut<usize> for Cells {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut (CellKey, Cell) {
        let len = self.len;
        match self.get_mut(i) {
            Some(cell) => cell,
            None => panic!("cell {i} of {len}"),
        }
    }
}

impl<'a> IntoIterator for &'a Cells {
    type Item = &'a (CellKey, Cell);
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<(CellKey, Cell)>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One aggregate: sums and where the distinct invoice numbers of its rows are listed.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub sums: CellSums,
    /// The cell's invoice fingerprints in [`Cube::invoice_ids`]: from, count. While the pass
    /// runs: its last logged fingerprint, high and low 64 bits (zero for none).
    invoices: [u64; 2],
}

/// The aggregates of one pass over the exports.
#[derive(Debug, Default)]
pub struct Cube {
    pub customers: Interner,
    pub categories: Interner,
    pub products: Interner,
    /// Whether each interned customer's rows are split by category and product.
    detail: Vec<bool>,
    /// Every aggregate with its key, in the order the rows first reached it; a key has one
    /// cell unless the cube was built with [`CubeSpec::cells_may_repeat`].
    pub cells: Cells,
    /// The invoice fingerprints of all cells in one buffer, cell after cell, each cell's sorted
    /// and distinct: see [`Cube::invoices`].
    invoice_ids: Vec<InvoiceId>,
    /// Account index of each interned customer.
    pub customer_account: Vec<Option<usize>>,
    /// First and last day in the exports (all rows, also those outside the range).
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub stats: ImportStats,
}

impl Cube {
    /// Reads the workspace's exports once into aggregates; problems go to `diags`.
    pub fn build(ws: &Workspace, spec: &CubeSpec, diags: &mut Diagnostics) -> Cube {
        Cube::build_with(ws, spec, diags, || ()).0
    }

    /// Like [`Cube::build`], folding every row also into a sink made by `also`, for reports that
    /// need detail beyond the aggregates (still one pass over the exports).
    pub fn build_with<A: RowSink>(
        ws: &Workspace,
        spec: &CubeSpec,
        diags: &mut Diagnostics,
        also: impl Fn() -> A + Sync,
    ) -> (Cube, A) {
        Cube::build_in_parts(ws, spec, diags, also, Parts::default())
    }

    /// Like [`Cube::build_with`], with large exports cut into the given parts.
    pub fn build_in_parts<A: RowSink>(
        ws: &Workspace,
        spec: &CubeSpec,
        diags: &mut Diagnostics,
        also: impl Fn() -> A + Sync,
        parts: Parts,
    ) -> (Cube, A) {
        let new = || (CubePart::new(spec), also());
        let mut sink = new();
        let stats = fold_exports_in_parts(&ws.sales_files, &ws.config.import, diags, &mut sink, new, parts);
        let ((mut cube, mut cells, invoices), also) = (sink.0.finish(), sink.1);
        cube.invoice_ids = invoices.into_lists(&mut cells);
        // The vector grew by doubling: up to half of it is room the reports never use.
        cells.shrink_to_fit();
        cube.cells = cells;
        cube.stats = stats;
        cube.customer_account = (0..cube.customers.len() as u32)
            .map(|i| ws.customer_account.get(cube.customers.name(i)).copied())
            .collect();
        (cube, also)
    }

    /// The distinct invoice fingerprints of a cell of this cube, sorted.
    pub fn invoices(&self, cell: &Cell) -> &[InvoiceId] {
        let [from, count] = cell.invoices;
        &self.invoice_ids[from as usize..from as usize + count as usize]
    }

    /// The distinct invoice fingerprints of all cells, cell after cell (a fingerprint shared by
    /// cells once for each).
    pub fn all_invoices(&self) -> &[InvoiceId] {
        &self.invoice_ids
    }

    /// The account index of a cell's customer.
    pub fn account_of(&self, customer: u32) -> Option<usize> {
        if customer == NO_CUSTOMER { None } else { self.customer_account[customer as usize] }
    }

    /// The month span of the exports.
    pub fn months(&self) -> Option<(Month, Month)> {
        Some((Month::of(self.first_date?), Month::of(self.last_date?)))
    }

    /// The exports' last complete month: the month of their last day when they reach one of
    /// its last three days (a month may end on a weekend), else the month before.
    pub fn last_complete_month(&self) -> Option<Month> {
        let end = self.last_date?;
        let m = Month::of(end);
        Some(if (m.last_day() - end).num_days() <= 3 { m } else { m - 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slices of cells cover every run in order, none longer than asked for and none across
    /// two runs, each numbered by its first cell.
    #[test]
    fn cells_are_sliced_in_order_within_their_runs() {
        let cell =
            |i: u32| (CellKey { customer: i, month: Month(0), category: ANY, product: ANY }, Cell::default());
        let runs: Vec<Vec<(CellKey, Cell)>> = vec![
            (0..7).map(cell).collect(),
            Vec::new(),
            (7..9).map(cell).collect(),
            (9..12).map(cell).collect(),
        ];
        let cells = Cells { len: 12, runs };
        for len in [0, 1, 2, 3, 7, 100] {
            let slices = cells.slices(len);
            let mut next = 0;
            for (first, slice) in &slices {
                assert_eq!(*first, next, "slices of {len}");
                assert!(!slice.is_empty() && slice.len() <= len.max(1));
                for (k, (key, _)) in slice.iter().enumerate() {
                    assert_eq!(key.customer as usize, first + k);
                }
                next += slice.len();
            }
            assert_eq!(next, 12);
            assert!(slices.iter().all(|(first, slice)| (first + slice.len() <= 7) || *first >= 7));
        }
    }

    #[test]
    fn invoice_fingerprints_tell_numbers_apart() {
        let ids: Vec<InvoiceId> =
            ["RE-1", "RE-2", "", "RE-1", "re-1", "RE-10"].iter().map(|w| invoice_id(w)).collect();
        assert_eq!(ids[0], ids[3]);
        let mut distinct = ids.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 5);
        let many: rustc_hash::FxHashSet<InvoiceId> =
            (0..100_000).map(|i| invoice_id(&format!("RE-{i}"))).collect();
        assert_eq!(many.len(), 100_000);
    }

    #[test]
    fn invoice_lists_of_a_large_log_are_each_cells_distinct_fingerprints() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(18);
        // Enough entries for ranges side by side; some cells without any, a few with many.
        for (cells_n, entries) in [(1_000usize, 200_000usize), (3, 70_000), (50_000, 100_000)] {
            let mut log = InvoiceLog::default();
            let mut expected: Vec<std::collections::BTreeSet<InvoiceId>> = vec![Default::default(); cells_n];
            for _ in 0..entries {
                let c =
                    if rng.random_bool(0.3) { rng.random_range(0..3) } else { rng.random_range(0..cells_n) };
                // Fingerprints repeat within a cell and across cells.
                let id = InvoiceId::from(rng.random_range(0u32..5_000)) << 100 | rng.random_range(0..4);
                log.cells.push(c as u32);
                log.ids.push(id);
                expected[c].insert(id);
            }
            // The cells in runs, as parts taken as they are leave them (an empty one among them).
            let cell = |i: usize| {
                (
                    CellKey { customer: i as u32, month: Month(0), category: ANY, product: ANY },
                    Cell::default(),
                )
            };
            let mut cells = Cells::default();
            let cut = cells_n / 3;
            for i in 0..cut {
                cells.push(cell(i));
            }
            let mut later = Cells::default();
            for i in cut..cells_n {
                later.push(cell(i));
            }
            cells.append_runs(later);
            let ids = log.into_lists(&mut cells);
            let cube = Cube { invoice_ids: ids, ..Cube::default() };
            let mut sum = 0;
            for (i, (_, cell)) in cells.iter().enumerate() {
                let got: Vec<InvoiceId> = cube.invoices(cell).to_vec();
                let want: Vec<InvoiceId> = expected[i].iter().copied().collect();
                assert_eq!(got, want, "cell {i}");
                assert_eq!(cell.invoices[0] as usize, sum, "cell {i} follows the one before");
                sum += got.len();
            }
            // Cell after cell, nothing else.
            assert_eq!(cube.all_invoices().len(), sum);
        }
    }

    #[test]
    fn invoice_lists_of_parts_logs_taken_in_as_segments_are_each_cells_distinct_fingerprints() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
        let cell = |i: usize| {
            (CellKey { customer: i as u32, month: Month(0), category: ANY, product: ANY }, Cell::default())
        };
        // Three parts of 400, 300 and 500 cells, each part's log numbering its own cells from 0,
        // taken in one after the other as `CubePart::append` does (cells taken as they are, a
        // later part's cell numbers moved by the cells before); then rows logged after the
        // parts, for any cell (the open log).
        let sizes = [400usize, 300, 500];
        let total: usize = sizes.iter().sum();
        let mut expected: Vec<std::collections::BTreeSet<InvoiceId>> = vec![Default::default(); total];
        let mut fill =
            |log: &mut InvoiceLog, cells: usize, offset: usize, rng: &mut rand_chacha::ChaCha8Rng| {
                for _ in 0..40_000 {
                    let c = rng.random_range(0..cells);
                    let id = InvoiceId::from(rng.random_range(0u32..3_000)) << 90 | rng.random_range(0..3);
                    log.cells.push(c as u32);
                    log.ids.push(id);
                    expected[offset + c].insert(id);
                }
            };
        let mut log = InvoiceLog::default();
        let mut cells = Cells::default();
        fill(&mut log, sizes[0], 0, &mut rng);
        (0..sizes[0]).for_each(|i| cells.push(cell(i)));
        let mut offset = sizes[0];
        for &size in &sizes[1..] {
            let mut later_log = InvoiceLog::default();
            fill(&mut later_log, size, offset, &mut rng);
            let mut later = Cells::default();
            (offset..offset + size).for_each(|i| later.push(cell(i)));
            cells.append_runs(later);
            let moved = offset as u32;
            log.append(later_log, offset, |c| c + moved, offset..offset + size);
            offset += size;
        }
        fill(&mut log, total, 0, &mut rng);
        assert_eq!(log.sealed.len(), 3, "each part's log a segment of its own");
        let ids = log.into_lists(&mut cells);
        let cube = Cube { invoice_ids: ids, ..Cube::default() };
        for (i, (_, cell)) in cells.iter().enumerate() {
            let want: Vec<InvoiceId> = expected[i].iter().copied().collect();
            assert_eq!(cube.invoices(cell), want.as_slice(), "cell {i}");
        }
    }

    /// A decimal as the import reads them (below 10^15), of scale 0–10: most small, some too
    /// large or with too many places for the compact sums; negative zero included. (Sums of
    /// such values stay exact in a decimal, whatever the order of the additions.)
    fn decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        const LIMIT: i64 = 1_000_000_000_000_000;
        prop_oneof![
            4 => (-100_000i64..100_000, 0u32..3).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (-LIMIT..LIMIT, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (any::<i64>(), 7u32..11).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => Just(Decimal::new(-0, 2)),
        ]
    }

    proptest::proptest! {
        /// The interner numbers texts as a map from text to first-seen number does, gives each
        /// number's text back and finds only texts it has seen.
        #[test]
        fn interned_numbers_are_first_seen_numbers(
            names in proptest::collection::vec("[a-c]{0,3}|K[0-9]{1,6}|ä[xyz]{0,20}", 0..200),
            probes in proptest::collection::vec("[a-c]{0,3}|K[0-9]{1,3}", 0..20),
        ) {
            let mut interner = Interner::default();
            let mut reference: std::collections::HashMap<String, u32> = Default::default();
            for name in &names {
                let next = reference.len() as u32;
                let expected = *reference.entry(name.clone()).or_insert(next);
                proptest::prop_assert_eq!(interner.intern(name), expected);
            }
            proptest::prop_assert_eq!(interner.len(), reference.len());
            for (name, &i) in &reference {
                proptest::prop_assert_eq!(interner.name(i), name.as_str());
                proptest::prop_assert_eq!(interner.get(name), Some(i));
            }
            for probe in &probes {
                proptest::prop_assert_eq!(interner.get(probe), reference.get(probe).copied());
            }
        }
    }

    proptest::proptest! {
        /// The compact sums give back what exact decimal sums give, row by row and cell into
        /// cell, also where a value makes a cell turn exact.
        #[test]
        fn compact_sums_are_the_exact_sums(
            rows in proptest::collection::vec(
                (decimal(), decimal(), decimal(), proptest::option::of(decimal()), proptest::bool::ANY),
                0..40,
            ),
            split in 0usize..40,
        ) {
            let row = |(quantity, gross, deductions, cost, invoiced): &(Decimal, Decimal, Decimal, Option<Decimal>, bool)| {
                SaleRow {
                    date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                    customer: "K1",
                    invoice: if *invoiced { "RE-1" } else { "" },
                    product: "",
                    category: "",
                    quantity: *quantity,
                    gross: *gross,
                    unit_price: None,
                    deductions: *deductions,
                    net: gross.checked_sub(*deductions).unwrap_or(*gross),
                    cost: *cost,
                }
            };
            let (mut exact, mut compact) = (Sums::default(), CellSums::default());
            let (mut first, mut second) = (CellSums::default(), CellSums::default());
            for (k, r) in rows.iter().enumerate() {
                let r = row(r);
                // Sums beyond what a decimal holds are not what is tested here.
                let mut probe = exact.clone();
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| probe.add_row(&r))).is_err() {
                    break;
                }
                exact = probe;
                compact.add_row(&r);
                if k < split { first.add_row(&r) } else { second.add_row(&r) }
            }
            let got = compact.sums();
            proptest::prop_assert_eq!(&got, &exact);
            proptest::prop_assert_eq!(compact.net(), exact.net);
            proptest::prop_assert_eq!(compact.quantity(), exact.quantity);
            proptest::prop_assert_eq!(compact.purchase_rows(), exact.purchase_rows);
            first.add(&second);
            proptest::prop_assert_eq!(&first.sums(), &exact);
        }
    }

    proptest::proptest! {
        /// Rows read in two parts appended, then more rows (a second export) into the result,
        /// give every cell the distinct invoices and the sums one part reading all rows gives
        /// it (also with the last rows' cells not yet found when a part is appended).
        #[test]
        fn invoices_survive_appended_parts(
            rows in proptest::collection::vec((0u8..4, 1u8..3, 0u8..6), 0..60),
            cut in 0usize..60,
            more in 0usize..60,
            may_repeat in proptest::bool::ANY,
        ) {
            let names = ["K1", "K2", "K3", "K4"];
            let invoices = ["R1", "R2", "R3", "R4", "R5", "R6"];
            let row = |&(c, m, inv): &(u8, u8, u8)| SaleRow {
                date: NaiveDate::from_ymd_opt(2026, u32::from(m), 1).unwrap_or_default(),
                customer: names[c as usize],
                invoice: invoices[inv as usize],
                product: "",
                category: "",
                quantity: Decimal::from(inv),
                gross: Decimal::new(100 + 37 * i64::from(inv) - 200 * i64::from(c == 3 && inv == 5), 2),
                unit_price: None,
                deductions: Decimal::ZERO,
                net: Decimal::new(100 + 37 * i64::from(inv) - 200 * i64::from(c == 3 && inv == 5), 2),
                cost: (inv % 2 == 0).then(|| Decimal::new(42, 1)),
            };
            let spec = CubeSpec { cells_may_repeat: may_repeat, ..CubeSpec::default() };
            let cut = cut.min(rows.len());
            let more = more.clamp(cut, rows.len().max(cut));
            let lists = |part: CubePart<'_>| {
                let (mut cube, mut cells, invoices) = part.finish();
                cube.invoice_ids = invoices.into_lists(&mut cells);
                let mut by_key: std::collections::BTreeMap<(String, Month), (Vec<InvoiceId>, Sums)> = Default::default();
                for (key, cell) in &cells {
                    let (list, sums) = by_key.entry((cube.customers.name(key.customer).to_string(), key.month)).or_default();
                    list.extend_from_slice(cube.invoices(cell));
                    list.sort_unstable();
                    list.dedup();
                    sums.add(&cell.sums.sums());
                }
                by_key
            };
            let mut one = CubePart::new(&spec);
            rows.iter().for_each(|r| one.add(&row(r)));
            let (mut first, mut second) = (CubePart::new(&spec), CubePart::new(&spec));
            rows[..cut].iter().for_each(|r| first.add(&row(r)));
            rows[cut..more].iter().for_each(|r| second.add(&row(r)));
            first.append(second);
            rows[more..].iter().for_each(|r| first.add(&row(r)));
            // The cells are numbered in the order the rows first reach them, though found a few
            // rows late.
            let mut seen: Vec<(&str, Month)> = Vec::new();
            for r in &rows {
                let r = row(r);
                let key = (r.customer, Month::of(r.date));
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
            one.flush();
            let numbered: Vec<(&str, Month)> =
                one.cells.iter().map(|(k, _)| (one.cube.customers.name(k.customer), k.month)).collect();
            proptest::prop_assert_eq!(numbered, seen);
            proptest::prop_assert_eq!(lists(first), lists(one));
        }
    }
    proptest::proptest! {
        /// A cell is found by its key as a map from key to first-seen number finds it, whether
        /// through a customer's months (also growing backwards, or beyond their span) or the
        /// index (keys split by category or product, rows without a customer); and after a
        /// later part's cells are taken in.
        #[test]
        fn cells_are_numbered_as_first_seen(
            keys in proptest::collection::vec(
                (0u32..5, proptest::prop_oneof![0i32..30, 0i32..600], proptest::option::of(0u32..3)),
                0..150,
            ),
            cut in 0usize..150,
        ) {
            use proptest::prelude::*;
            let spec = CubeSpec::default();
            let key = |&(c, m, category): &(u32, i32, Option<u32>)| CellKey {
                customer: if c == 4 { NO_CUSTOMER } else { c },
                month: Month(24_000 + m),
                category: category.unwrap_or(ANY),
                product: ANY,
            };
            let mut part = CubePart::new(&spec);
            let mut reference: std::collections::HashMap<CellKey, u32> = Default::default();
            for k in &keys {
                let next = reference.len() as u32;
                let expected = *reference.entry(key(k)).or_insert(next);
                prop_assert_eq!(part.cell(key(k)), expected);
                prop_assert_eq!(part.cells[expected as usize].0, key(k));
            }
            prop_assert_eq!(part.cells.len(), reference.len());
            // The same keys read in two parts: the first part's cells, then the later's new ones.
            let cut = cut.min(keys.len());
            let (mut first, mut later) = (CubePart::new(&spec), CubePart::new(&spec));
            // Both parts number customers and categories alike, so the keys hold for both.
            for part in [&mut first, &mut later] {
                (0..4).for_each(|c| { part.cube.customers.intern(&format!("K{c}")); });
                (0..3).for_each(|c| { part.cube.categories.intern(&format!("W{c}")); });
            }
            keys[..cut].iter().for_each(|k| { first.cell(key(k)); });
            keys[cut..].iter().for_each(|k| { later.cell(key(k)); });
            first.append(later);
            for k in reference.keys() {
                let (i, new) = first.locate(*k);
                prop_assert!(!new);
                prop_assert_eq!(first.cells[i as usize].0, *k);
            }
            prop_assert_eq!(first.cells.len(), reference.len());
        }
    }
}
