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

use crate::cube::{Cube, NO_CUSTOMER};
use crate::dates::Month;
use crate::dossier::{Account, WhitespaceCell};
use crate::group::GroupName;
use crate::money::Decimal;
use crate::workspace::Workspace;
use std::collections::{BTreeMap, HashMap};

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

fn category_name(cube: &Cube, code: u32) -> GroupName {
    let name = cube.categories.name(code);
    if name.is_empty() { GroupName::NoCategory } else { GroupName::Named(name.to_string()) }
}

/// The white space of the account `account` over the 12 months ending with `last`; `cube` is
/// split by category for every customer.
pub fn whitespace(ws: &Workspace, cube: &Cube, account: &Account, last: Month) -> Whitespace {
    let first = last - 11;
    // Net revenue per customer code and category code over the 12 months, and per customer.
    let mut cells: HashMap<(u32, u32), Decimal> = HashMap::new();
    let mut totals: HashMap<u32, Decimal> = HashMap::new();
    for (key, cell) in &cube.cells {
        if key.customer == NO_CUSTOMER || key.month < first || key.month > last {
            continue;
        }
        *cells.entry((key.customer, key.category)).or_default() += cell.sums.net();
        *totals.entry(key.customer).or_default() += cell.sums.net();
    }
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
                    category: category_name(cube, k),
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

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [Decimal::from(3), Decimal::ONE, Decimal::TWO]), Some(Decimal::TWO));
        assert_eq!(median(&mut [Decimal::from(4), Decimal::ONE]), Some(Decimal::new(25, 1)));
    }
}
