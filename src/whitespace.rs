//! `kam whitespace ID`: where the account does not buy from us yet. Net revenue of the last 12
//! months by product category × buying centre (each of the account's customer numbers), the
//! empty cells marked, and per category what comparable customers buy.
//!
//! Choices the issue leaves open, recorded here and in docs/whitespace.md:
//!
//! - **The 12 months** end with the exports' last month (as `kam accounts`).
//! - **A purchase** is a positive net revenue of a centre in a category over the 12 months; a
//!   category whose returns outweigh its sales counts as not bought.
//! - **Comparable customers** are customer numbers outside the account. With a `segment` in the
//!   dossier: the customer numbers of the other key accounts of that segment (compared ignoring
//!   case), where at least one of them bought in the 12 months. Otherwise (no segment, or a
//!   segment of one): customer numbers of similar size, whose net revenue of the 12 months lies
//!   between half and twice the account's net revenue per buying centre; where the account bought
//!   nothing, every customer number that bought.
//! - **A gap** is a cell of a named category (rows without one are no offering) where the centre
//!   bought nothing and at least one comparable customer bought the category; its **potential** is the comparable buyers' median net revenue in the
//!   category (of an even count the mean of the middle two). Gaps are listed biggest first, then
//!   by centre and category.
//! - Rows without a customer number (counter sales) count for nobody.

use crate::cube::Interner;
use crate::dates::Month;
use crate::dossier::{Account, WhitespaceCell};
use crate::group::GroupName;
use crate::money::Decimal;
use crate::sales::{RowSink, SaleRow};
use crate::workspace::Workspace;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

/// Net revenue by customer number × category of each pair's last 12 months, read in the pass:
/// all the white space needs, in memory by customers × categories (not × months). Each pair
/// keeps the months up to the latest month of its own rows; those of the exports' last 12 months
/// are among them, whatever the order of the rows, as the pair's latest month is not after the
/// exports' last.
#[derive(Debug, Default)]
pub struct CategoryYear {
    customers: Interner,
    categories: Interner,
    pairs: FxHashMap<(u32, u32), Months>,
}

/// Twelve consecutive months' net revenue, ending with `latest`; month m in slot m mod 12.
#[derive(Debug, Clone)]
struct Months {
    latest: Month,
    net: [Decimal; 12],
}

fn slot(m: Month) -> usize {
    m.0.rem_euclid(12) as usize
}

impl Months {
    fn new(m: Month) -> Months {
        Months { latest: m, net: [Decimal::ZERO; 12] }
    }

    fn add(&mut self, m: Month, net: Decimal) {
        if m > self.latest {
            // The months after the latest come in, the oldest go.
            let steps = (m.0 - self.latest.0).min(12);
            for k in 0..steps {
                self.net[slot(m - k)] = Decimal::ZERO;
            }
            self.latest = m;
        } else if m.0 <= self.latest.0 - 12 {
            return;
        }
        self.net[slot(m)] += net;
    }

    /// Σ net revenue of the months `first` to `last`.
    fn between(&self, first: Month, last: Month) -> Decimal {
        (first.0.max(self.latest.0 - 11)..=last.0.min(self.latest.0)).map(|m| self.net[slot(Month(m))]).sum()
    }
}

impl RowSink for CategoryYear {
    fn row(&mut self, row: &SaleRow<'_>) {
        if row.customer.is_empty() {
            return;
        }
        let key = (self.customers.intern(row.customer), self.categories.intern(row.category));
        let m = Month::of(row.date);
        self.pairs.entry(key).or_insert_with(|| Months::new(m)).add(m, row.net);
    }

    fn append(&mut self, later: Self) {
        let remap = |own: &mut Interner, other: &Interner| -> Vec<u32> {
            (0..other.len() as u32).map(|i| own.intern(other.name(i))).collect()
        };
        let customers = remap(&mut self.customers, &later.customers);
        let categories = remap(&mut self.categories, &later.categories);
        for ((c, k), months) in later.pairs {
            let key = (customers[c as usize], categories[k as usize]);
            match self.pairs.get_mut(&key) {
                None => {
                    self.pairs.insert(key, months);
                }
                Some(own) => {
                    for m in (months.latest.0 - 11)..=months.latest.0 {
                        own.add(Month(m), months.net[slot(Month(m))]);
                    }
                }
            }
        }
    }
}

/// One buying centre: a customer number of the account, with its name from the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Centre {
    pub customer_id: String,
    pub name: Option<String>,
    /// Net revenue per category bought (positive only).
    pub categories: BTreeMap<GroupName, Decimal>,
}

/// What the comparable customers buy of one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryPeers {
    pub category: GroupName,
    /// Comparable customers that bought it.
    pub buyers: usize,
    /// `buyers` / comparable customers; `None` without comparable customers.
    pub share: Option<Decimal>,
    /// The buyers' median net revenue in it; `None` without buyers.
    pub median: Option<Decimal>,
}

/// A centre that does not buy a category that comparable customers buy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub customer_id: String,
    pub centre: Option<String>,
    pub category: GroupName,
    /// The comparable buyers' median.
    pub potential: Decimal,
    pub share: Option<Decimal>,
}

/// How the comparable customers were chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerRule {
    /// The customer numbers of the other key accounts of this segment.
    Segment(String),
    /// Customer numbers with a net revenue of the 12 months in `[low, high]`.
    Size { low: Decimal, high: Decimal },
    /// Every customer number that bought (the account bought nothing).
    All,
}

/// `kam whitespace`.
#[derive(Debug, Clone)]
pub struct Whitespace {
    pub account: String,
    pub name: String,
    pub currency: String,
    pub months: (Month, Month),
    pub centres: Vec<Centre>,
    /// Every category bought in the 12 months by the account or a comparable customer, by name.
    pub categories: Vec<CategoryPeers>,
    pub gaps: Vec<Gap>,
    pub rule: PeerRule,
    /// Comparable customers.
    pub peers: usize,
    /// The `[[whitespace]]` grid of the dossier, as written.
    pub grid: Vec<WhitespaceCell>,
}

fn median(values: &mut [Decimal]) -> Option<Decimal> {
    values.sort();
    let n = values.len();
    match n {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / Decimal::TWO),
    }
}

fn category_name(year: &CategoryYear, code: u32) -> GroupName {
    let name = year.categories.name(code);
    if name.is_empty() { GroupName::NoCategory } else { GroupName::Named(name.to_string()) }
}

/// The white space of the account `account` over the 12 months ending with `last` (the exports'
/// last month), from the pass's [`CategoryYear`].
pub fn whitespace(ws: &Workspace, year: &CategoryYear, account: &Account, last: Month) -> Whitespace {
    let first = last - 11;
    // Net revenue per customer code and category code over the 12 months, and per customer.
    let mut cells: HashMap<(u32, u32), Decimal> = HashMap::new();
    let mut totals: HashMap<u32, Decimal> = HashMap::new();
    let mut pairs: Vec<(&(u32, u32), &Months)> = year.pairs.iter().collect();
    // In the order of the codes, so that sums come out the same however the map is laid out.
    pairs.sort_unstable_by_key(|(key, _)| **key);
    for (&(customer, category), months) in pairs {
        let net = months.between(first, last);
        *cells.entry((customer, category)).or_default() += net;
        *totals.entry(customer).or_default() += net;
    }
    let cube = year;
    let own: Vec<String> = account.customer_ids.iter().map(|c| c.trim().to_string()).collect();
    let own_codes: Vec<Option<u32>> = own.iter().map(|c| cube.customers.get(c)).collect();
    let is_own = |code: u32| own_codes.contains(&Some(code));

    // The comparable customers.
    let bought = |code: &u32| totals.get(code).is_some_and(|t| *t > Decimal::ZERO);
    let segment = account.segment.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let same_segment: Vec<u32> = segment
        .map(|s| {
            ws.accounts
                .iter()
                .filter(|a| a.id != account.id)
                .filter(|a| a.segment.as_deref().is_some_and(|x| x.trim().to_lowercase() == s.to_lowercase()))
                .flat_map(|a| a.customer_ids.iter())
                .filter_map(|c| cube.customers.get(c.trim()))
                .filter(|c| !is_own(*c) && bought(c))
                .collect()
        })
        .unwrap_or_default();
    let mut everyone: Vec<u32> = totals.keys().copied().filter(|c| !is_own(*c) && bought(c)).collect();
    everyone.sort_unstable();
    let account_total: Decimal = own_codes.iter().flatten().filter_map(|c| totals.get(c)).copied().sum();
    let (rule, mut peers) = match segment {
        Some(s) if !same_segment.is_empty() => (PeerRule::Segment(s.to_string()), same_segment),
        _ if account_total > Decimal::ZERO => {
            let per_centre = account_total / Decimal::from(own.len().max(1) as u64);
            let (low, high) = (per_centre / Decimal::TWO, per_centre * Decimal::TWO);
            let similar = everyone
                .iter()
                .copied()
                .filter(|c| totals.get(c).is_some_and(|t| *t >= low && *t <= high))
                .collect();
            (PeerRule::Size { low, high }, similar)
        }
        _ => (PeerRule::All, everyone),
    };
    peers.sort_unstable();
    peers.dedup();

    // The categories bought by the account or a comparable customer.
    let mut codes: Vec<u32> = cells
        .iter()
        .filter(|((c, _), v)| **v > Decimal::ZERO && (is_own(*c) || peers.binary_search(c).is_ok()))
        .map(|((_, k), _)| *k)
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut categories: Vec<(u32, CategoryPeers)> = codes
        .iter()
        .map(|&k| {
            let mut values: Vec<Decimal> = peers
                .iter()
                .filter_map(|c| cells.get(&(*c, k)).copied())
                .filter(|v| *v > Decimal::ZERO)
                .collect();
            let buyers = values.len();
            let share =
                (!peers.is_empty()).then(|| Decimal::from(buyers as u64) / Decimal::from(peers.len() as u64));
            (
                k,
                CategoryPeers {
                    category: category_name(year, k),
                    buyers,
                    share,
                    median: median(&mut values),
                },
            )
        })
        .collect();
    categories.sort_by(|a, b| a.1.category.cmp(&b.1.category));

    let names: HashMap<&str, &str> =
        account.buying_centres.iter().map(|b| (b.customer_id.trim(), b.name.trim())).collect();
    let centres: Vec<Centre> = own
        .iter()
        .zip(&own_codes)
        .map(|(id, code)| Centre {
            customer_id: id.clone(),
            name: names.get(id.as_str()).map(|n| n.to_string()),
            categories: categories
                .iter()
                .filter_map(|(k, p)| {
                    let v = code.and_then(|c| cells.get(&(c, *k)).copied())?;
                    (v > Decimal::ZERO).then(|| (p.category.clone(), v))
                })
                .collect(),
        })
        .collect();
    let mut gaps: Vec<Gap> = centres
        .iter()
        .flat_map(|c| {
            // Rows without a category are no offering to propose.
            categories
                .iter()
                .filter(move |(_, p)| p.category.is_named() && !c.categories.contains_key(&p.category))
                .filter_map(move |(_, p)| {
                    p.median.map(|m| Gap {
                        customer_id: c.customer_id.clone(),
                        centre: c.name.clone(),
                        category: p.category.clone(),
                        potential: m,
                        share: p.share,
                    })
                })
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.potential
            .cmp(&a.potential)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
            .then_with(|| a.category.cmp(&b.category))
    });
    Whitespace {
        account: account.id.clone(),
        name: account.name.clone(),
        currency: ws.config.currency.clone(),
        months: (first, last),
        centres,
        categories: categories.into_iter().map(|(_, p)| p).collect(),
        gaps,
        rule,
        peers: peers.len(),
        grid: account.whitespace.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// In any order of rows, and read in two parts appended, a pair's months give every
        /// window of its last 12 months what summing the rows of those months gives.
        #[test]
        fn the_last_twelve_months_in_any_order(
            rows in proptest::collection::vec((0i32..40, -500i64..1000), 1..50),
            cut in 0usize..50,
            first in 0i32..40,
            len in 0i32..12,
        ) {
            let months = |rows: &[(i32, i64)]| {
                let mut m: Option<Months> = None;
                for &(month, cents) in rows {
                    let at = Month(24_000 + month);
                    m.get_or_insert_with(|| Months::new(at)).add(at, Decimal::new(cents, 2));
                }
                m
            };
            let Some(all) = months(&rows) else { return Ok(()) };
            let latest = all.latest.0 - 24_000;
            proptest::prop_assert_eq!(latest, rows.iter().map(|r| r.0).max().unwrap_or(0));
            let (a, b) = (first.min(latest), (first + len).min(latest));
            let want: Decimal = rows
                .iter()
                .filter(|r| r.0 >= a.max(latest - 11) && r.0 <= b)
                .map(|r| Decimal::new(r.1, 2))
                .sum();
            let window = |m: &Months| m.between(Month(24_000 + a), Month(24_000 + b));
            proptest::prop_assert_eq!(window(&all), want);
            // Two parts appended.
            let cut = cut.min(rows.len());
            let mut first_part = CategoryYear::default();
            let mut second_part = CategoryYear::default();
            for (k, &(month, cents)) in rows.iter().enumerate() {
                let part = if k < cut { &mut first_part } else { &mut second_part };
                let c = part.customers.intern("K1");
                let g = part.categories.intern("A");
                let at = Month(24_000 + month);
                part.pairs.entry((c, g)).or_insert_with(|| Months::new(at)).add(at, Decimal::new(cents, 2));
            }
            first_part.append(second_part);
            let merged = first_part.pairs.values().next().cloned();
            proptest::prop_assert_eq!(merged.map(|m| window(&m)), Some(want));
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [Decimal::from(3), Decimal::ONE, Decimal::TWO]), Some(Decimal::TWO));
        assert_eq!(median(&mut [Decimal::from(4), Decimal::ONE]), Some(Decimal::new(25, 1)));
    }
}
