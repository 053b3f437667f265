//! The annual-review brief (Jahresgespräch): the figures of one account for year Y, gathered
//! from the dossier and one pass over the exports. The layout is in `layout::brief`.

use crate::cube::{Cube, Sums};
use crate::dates::{Date, Month};
use crate::dossier::{Account, ActionStatus, Complaint, Contact, MeetingKind, SpecialPrice};
use crate::margin::{Dim, GroupName, MarginFigures, MarginQuery, margin_report};
use crate::money::Decimal;
use crate::periods::PeriodKind;
use crate::sales::SaleRow;
use crate::workspace::Workspace;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Days after the review within which an expiring special price is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 90;
/// Years the look back covers.
pub const LOOK_BACK_YEARS: u32 = 2;

/// Orders of the accounts being briefed, collected during the one pass over the exports.
#[derive(Debug, Default)]
pub struct OrderBook {
    /// Customer number → account id, for the accounts being briefed.
    customers: HashMap<String, String>,
    /// (account id, invoice) → index into `orders`.
    index: HashMap<(String, String), usize>,
    pub orders: Vec<Order>,
}

/// One order: an invoice number (or a row without one) of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub account: String,
    pub date: NaiveDate,
    pub net: Decimal,
}

impl OrderBook {
    /// An order book for these accounts.
    pub fn for_accounts<'a>(accounts: impl IntoIterator<Item = &'a Account>) -> Self {
        let mut book = OrderBook::default();
        for a in accounts {
            for c in &a.customer_ids {
                book.customers.insert(c.trim().to_string(), a.id.clone());
            }
        }
        book
    }

    /// An order book for the same accounts, without orders.
    pub fn empty_copy(&self) -> Self {
        OrderBook { customers: self.customers.clone(), ..OrderBook::default() }
    }

    /// Folds a sales row into its order; rows of other customers are ignored.
    pub fn add(&mut self, row: &SaleRow<'_>) {
        let Some(account) = self.customers.get(row.customer) else { return };
        let order = Order { account: account.clone(), date: row.date, net: row.net };
        let key = (!row.invoice.is_empty()).then(|| (account.clone(), row.invoice.to_string()));
        self.fold(key, order);
    }

    /// Adds `order` to the order of the same account and invoice (`key`), or as a new order.
    fn fold(&mut self, key: Option<(String, String)>, order: Order) {
        let Some(key) = key else {
            self.orders.push(order);
            return;
        };
        match self.index.get(&key) {
            Some(&i) => {
                let own = &mut self.orders[i];
                own.net += order.net;
                own.date = own.date.min(order.date);
            }
            None => {
                self.index.insert(key, self.orders.len());
                self.orders.push(order);
            }
        }
    }
}

impl crate::sales::RowSink for OrderBook {
    fn row(&mut self, row: &SaleRow<'_>) {
        self.add(row);
    }

    /// The orders of `later` follow; an invoice seen by both is one order.
    fn append(&mut self, later: Self) {
        let mut keys: Vec<Option<(String, String)>> = vec![None; later.orders.len()];
        for (key, i) in later.index {
            keys[i] = Some(key);
        }
        for (order, key) in later.orders.into_iter().zip(keys) {
            self.fold(key, order);
        }
    }
}

/// Net revenue, quantity and orders of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearLine {
    pub year: i32,
    pub net_revenue: Decimal,
    pub quantity: Decimal,
    pub orders: u64,
    /// How much of the year the exports hold.
    pub coverage: Coverage,
}

/// How much of a year the exports hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// None of it: the year lies before (or after) the exports, so its figures are unknown, not 0.
    None,
    /// The exports begin inside the year, in this month.
    From(Month),
    /// The exports end inside the year, with this month.
    To(Month),
    Full,
}

/// A goal against the figures (SPEC 4.1): `actual` is the goal's metric over the months of Y
/// the exports cover; `projected` that figure for all of Y (actual × forecast / net revenue so
/// far where Y is incomplete); `attainment` = projected / target. For a goal due after Y, the
/// actual so far only. Goals of another metric have none of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalLine {
    pub title: String,
    pub metric: Option<String>,
    pub target: Option<Decimal>,
    pub due: Option<NaiveDate>,
    pub due_in_year: bool,
    pub actual: Option<Decimal>,
    pub projected: Option<Decimal>,
    pub attainment: Option<Decimal>,
}

/// The metrics a goal can be measured against.
pub const GOAL_METRICS: [&str; 6] = ["net_revenue", "db1", "db2", "db3", "orders", "quantity"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryLine {
    pub category: GroupName,
    /// Net revenue of Y−1: of the months of Y the exports cover (like for like), where they end
    /// inside Y; else of all of Y−1.
    pub previous: Decimal,
    pub current: Decimal,
    /// (current − previous) / previous; `None` when previous is 0.
    pub change: Option<Decimal>,
    /// All of Y−1, beside the like-for-like figure, where the exports end inside Y.
    pub previous_full: Option<Decimal>,
    /// Units (Σ quantity) of the same months of Y−1 and of Y.
    pub units_previous: Decimal,
    pub units_current: Decimal,
}

/// Where the account stands among the accounts of its segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerComparison {
    pub segment: String,
    /// Other accounts of the segment.
    pub peers: usize,
    /// Average net revenue in Y of the other accounts of the segment.
    pub average: Option<Decimal>,
    /// Rank by net revenue in Y among the segment's accounts including this one (1 = largest).
    pub rank: usize,
    pub of: usize,
}

/// Orders of the account in Y (purchases: orders with net revenue > 0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderStats {
    pub orders: u64,
    pub average_value: Option<Decimal>,
    pub min_order_value: Option<Decimal>,
    /// Orders below the minimum order value.
    pub below_minimum: Option<u64>,
    /// Average days between consecutive order days.
    pub days_between_orders: Option<Decimal>,
}

/// How a special price stands relative to the review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceStatus {
    /// `until` before today.
    Expired,
    /// Expires before the review (or before today + 0 when there is no review date).
    ExpiresBeforeReview,
    /// Expires within [`EXPIRY_WARNING_DAYS`] after the review.
    ExpiresSoonAfterReview,
    Valid,
}

#[derive(Debug, Clone)]
pub struct ComplaintLine {
    pub complaint: Complaint,
    /// Days from opened to closed; `None` while open.
    pub days_to_close: Option<i64>,
    /// Days open so far, for open ones.
    pub days_open: Option<i64>,
}

/// One item of the information checklist of SPEC 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistItem {
    RevenuePerPeriod,
    RevenuePerCategory,
    CustomerCosts,
    ContributionMargins,
    ShareOfWallet,
    MinimumPrices,
    SpecialPrices,
    ComparableCustomers,
    MinimumOrderSize,
    TurnoverSpeed,
    Returns,
    Promotions,
    CustomerVisits,
    CustomerSatisfaction,
    DaysSalesOutstanding,
    Creditworthiness,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 16] = [
        ChecklistItem::RevenuePerPeriod,
        ChecklistItem::RevenuePerCategory,
        ChecklistItem::CustomerCosts,
        ChecklistItem::ContributionMargins,
        ChecklistItem::ShareOfWallet,
        ChecklistItem::MinimumPrices,
        ChecklistItem::SpecialPrices,
        ChecklistItem::ComparableCustomers,
        ChecklistItem::MinimumOrderSize,
        ChecklistItem::TurnoverSpeed,
        ChecklistItem::Returns,
        ChecklistItem::Promotions,
        ChecklistItem::CustomerVisits,
        ChecklistItem::CustomerSatisfaction,
        ChecklistItem::DaysSalesOutstanding,
        ChecklistItem::Creditworthiness,
    ];
}

/// Everything the brief shows, computed.
#[derive(Debug, Clone)]
pub struct Brief {
    pub account: Account,
    pub year: i32,
    pub today: NaiveDate,
    pub currency: String,
    /// The last day of the exports, when Y is not complete in them.
    pub data_ends_in_year: Option<NaiveDate>,
    pub has_sales_in_year: bool,
    /// Y−2, Y−1, Y.
    pub years: Vec<YearLine>,
    /// Net revenue of Y−1 up to the same month as the exports reach in Y, when Y is partial,
    /// and the change of Y so far against it.
    pub previous_same_period: Option<(Month, Decimal, Option<Decimal>)>,
    pub categories: Vec<CategoryLine>,
    pub margin_current: MarginFigures,
    /// Y−1 over the same months as Y (all of it where Y is complete) …
    pub margin_previous: MarginFigures,
    /// … and all of Y−1, where the exports end inside Y.
    pub margin_previous_full: Option<MarginFigures>,
    /// Per category, the margin figures of Y's months and of the same months of Y−1.
    pub category_figures: BTreeMap<GroupName, (Option<MarginFigures>, Option<MarginFigures>)>,
    /// Whether the exports hold Y−1 from January on, so that it can be set against Y.
    pub comparable: bool,
    /// Where the exports end inside Y: the full year projected, Y−1 × (Y so far / the same
    /// months of Y−1); `None` when those months of Y−1 had no revenue.
    pub forecast_net_revenue: Option<Decimal>,
    /// The months of Y the exports cover: 12, or the month they end with.
    pub covered_months: u32,
    /// Net revenue per month of Y and Y−1 (January first).
    pub monthly_current: [Decimal; 12],
    pub monthly_previous: [Decimal; 12],
    pub share_of_wallet: Option<Decimal>,
    /// Net revenue in Y / share of wallet: the customer's spend in our categories.
    /// Net revenue of the last 12 months / share of wallet: an estimate of the customer's spend.
    pub customer_spend: Option<Decimal>,
    pub peers: Option<PeerComparison>,
    pub order_stats: OrderStats,
    pub returns: Decimal,
    /// Returns / net revenue of purchases in Y.
    pub return_rate: Option<Decimal>,
    pub visits: Vec<NaiveDate>,
    /// Satisfaction scores of Y−2 .. Y, oldest first.
    pub satisfaction: Vec<(NaiveDate, Decimal)>,
    pub dso_days: Option<u32>,
    pub payment_terms_days: Option<u32>,
    /// DSO − payment terms, in days.
    pub dso_over_terms: Option<i64>,
    pub trailing_revenue: Decimal,
    /// Trailing 12-month net revenue × (1 + VAT) × DSO / 365: the receivables to expect, gross
    /// where `[workspace] vat_rate` is set, else net of VAT.
    pub expected_receivables: Option<Decimal>,
    /// The VAT included in them.
    pub vat_rate: Option<Decimal>,
    /// Expected receivables / credit limit.
    pub limit_utilisation: Option<Decimal>,
    pub special_prices: Vec<(SpecialPrice, PriceStatus)>,
    /// Annual reviews (meetings of that kind) and events of the last two years.
    pub earlier_reviews: Vec<(NaiveDate, Option<String>)>,
    /// Goals agreed on the day of one of those reviews: (day, title, due).
    pub agreements: Vec<(NaiveDate, String, Option<NaiveDate>)>,
    pub events: Vec<(NaiveDate, String)>,
    pub complaints: Vec<ComplaintLine>,
    /// The median of the days to close of the closed complaints listed.
    pub complaints_median_days: Option<Decimal>,
    pub contacts: Vec<(Contact, Option<NaiveDate>)>,
    /// Σ expected revenue of the open actions due in Y, and weighted by their probability.
    pub expected_revenue: Decimal,
    pub expected_revenue_weighted: Decimal,
    /// The same for the open actions due after Y or without a date: the plan for the years after.
    pub expected_revenue_later: Decimal,
    pub expected_revenue_later_weighted: Decimal,
    /// `[[goals]]` due in Y or later, against the actual figures.
    pub goals: Vec<GoalLine>,
    /// The months of Y the exports cover, first and last.
    pub months: Option<(Month, Month)>,
    pub checklist: Vec<(ChecklistItem, bool)>,
    /// Retention of the account in Y (as `kam retention --by account --period year`).
    pub retention: Option<crate::retention::RetentionFigures>,
    /// The months Y's retention row covers (Y clipped to the exports).
    pub retention_span: Option<(Month, Month)>,
    /// The account's place in `kam risk --by account` as of the exports' last month (set by the
    /// command, which reads the order days of every customer).
    pub risk: Option<crate::risk::report::Ranked>,
    /// What changed since the last annual review (`kam changes`), set by the command.
    pub changes: Option<crate::changes::ChangesReport>,
    /// The account's white space (`kam whitespace`), set by the command.
    pub whitespace: Option<crate::whitespace::Whitespace>,
    /// Per customer number: the month of its last purchase up to Y's end, and whether it is
    /// active at Y's end.
    pub customer_status: Vec<(String, Option<Month>, bool)>,
    pub category_mapped: bool,
    pub window_months: u32,
}

fn months_of_year(cube: &Cube, customers: &HashSet<u32>, year: i32) -> ([Decimal; 12], Sums) {
    let mut monthly = [Decimal::ZERO; 12];
    let mut sums = Sums::default();
    for (key, cell) in &cube.cells {
        if customers.contains(&key.customer) && key.month.year() == year {
            monthly[key.month.month() as usize - 1] += cell.sums.net();
            sums.add(&cell.sums.sums());
        }
    }
    (monthly, sums)
}

fn margin_of(ws: &Workspace, cube: &Cube, account: &Account, year: i32) -> MarginFigures {
    margin_of_months(ws, cube, account, year, 12)
}

/// The margin figures per category of January to month `to` (1 to 12) of `year`.
fn category_margins(
    ws: &Workspace,
    cube: &Cube,
    account: &Account,
    year: i32,
    to: u32,
) -> BTreeMap<GroupName, MarginFigures> {
    let query = MarginQuery {
        by: vec![Dim::Account, Dim::Category],
        period: PeriodKind::All,
        from: NaiveDate::from_ymd_opt(year, 1, 1),
        to: Some(Month::new(year, to).last_day()),
        accounts: vec![account.id.clone()],
    };
    margin_report(ws, cube, &query)
        .rows
        .into_iter()
        .filter(|r| r.keys.first().is_some_and(|k| *k == *account.id))
        .filter_map(|r| Some((r.keys.get(1)?.clone(), r.figures)))
        .collect()
}

/// The margin figures of January to month `to` (1 to 12) of `year`.
fn margin_of_months(ws: &Workspace, cube: &Cube, account: &Account, year: i32, to: u32) -> MarginFigures {
    let query = MarginQuery {
        by: vec![Dim::Account],
        period: PeriodKind::All,
        from: NaiveDate::from_ymd_opt(year, 1, 1),
        to: Some(Month::new(year, to).last_day()),
        accounts: vec![account.id.clone()],
    };
    margin_report(ws, cube, &query).total
}

/// (current − previous) / |previous|, so that a rise from a negative figure reads as a rise.
fn change(previous: Decimal, current: Decimal) -> Option<Decimal> {
    crate::money::quotient(current - previous, previous.abs())
}

/// The anchor of "the last two years": the review date, else today.
fn anchor(account: &Account, today: NaiveDate) -> NaiveDate {
    account.review.as_ref().and_then(|r| r.date).map_or(today, |d| d.0)
}

/// Computes the brief of `account` for year `year`. The cube must split by category and hold
/// every month (no date filter); `orders` must have been filled in the same pass.
pub fn brief(
    ws: &Workspace,
    cube: &Cube,
    orders: &OrderBook,
    account: &Account,
    year: i32,
    today: NaiveDate,
) -> Brief {
    let index = ws.accounts.iter().position(|a| a.id == account.id);
    let customers: HashSet<u32> = (0..cube.customers.len() as u32)
        .filter(|&c| index.is_some() && cube.account_of(c) == index)
        .collect();

    let exported = cube.months();
    let years: Vec<YearLine> = (year - 2..=year)
        .map(|y| {
            let (_, sums) = months_of_year(cube, &customers, y);
            let margin = margin_of(ws, cube, account, y);
            let coverage = match exported {
                Some((first, last)) if Month::new(y, 12) < first || Month::new(y, 1) > last => Coverage::None,
                None => Coverage::None,
                Some((first, _)) if first > Month::new(y, 1) => Coverage::From(first),
                Some((_, last)) if last < Month::new(y, 12) => Coverage::To(last),
                Some(_) => Coverage::Full,
            };
            YearLine {
                year: y,
                net_revenue: sums.net,
                quantity: sums.quantity,
                orders: margin.orders,
                coverage,
            }
        })
        .collect();
    let (monthly_current, current) = months_of_year(cube, &customers, year);
    let (monthly_previous, _) = months_of_year(cube, &customers, year - 1);
    let data_end = cube.last_date;
    let data_ends_in_year = data_end.filter(|d| Month::of(*d) < Month::new(year, 12) && d.year() == year);
    // Y−1 can be set against Y only where the exports hold it from January on.
    let exported = cube.months();
    let comparable = exported.is_some_and(|(first, _)| first <= Month::new(year - 1, 1));
    let previous_same_period = data_ends_in_year.map(|d| {
        let m = Month::of(d).month() as usize;
        let previous: Decimal = monthly_previous[..m].iter().copied().sum();
        let change = if comparable { change(previous, current.net) } else { None };
        (Month::new(year - 1, m as u32), previous, change)
    });

    // Like for like: where the exports end inside Y, Y's months set against the same months of
    // Y−1, all of Y−1 beside them.
    // The months of Y the exports cover, counted from January (0 when Y lies after them).
    let covered = match exported {
        Some((_, last)) if last < Month::new(year, 1) => 0,
        _ => data_ends_in_year.map_or(12, |d| Month::of(d).month()),
    };
    #[derive(Default)]
    struct Sums {
        previous: Decimal,
        previous_full: Decimal,
        current: Decimal,
        units_previous: Decimal,
        units_current: Decimal,
    }
    let mut by_category: BTreeMap<GroupName, Sums> = BTreeMap::new();
    for (key, cell) in &cube.cells {
        if !customers.contains(&key.customer) {
            continue;
        }
        let y = key.month.year();
        if y != year && y != year - 1 {
            continue;
        }
        let name = cube.categories.name(key.category);
        let name = if name.is_empty() { GroupName::NoCategory } else { GroupName::Named(name.to_string()) };
        let entry = by_category.entry(name).or_default();
        if y == year {
            entry.current += cell.sums.net();
            entry.units_current += cell.sums.quantity();
        } else {
            entry.previous_full += cell.sums.net();
            if key.month.month() <= covered {
                entry.previous += cell.sums.net();
                entry.units_previous += cell.sums.quantity();
            }
        }
    }
    let categories = by_category
        .into_iter()
        .map(|(category, s)| CategoryLine {
            category,
            previous: s.previous,
            current: s.current,
            change: if comparable { change(s.previous, s.current) } else { None },
            previous_full: (covered < 12).then_some(s.previous_full),
            units_previous: s.units_previous,
            units_current: s.units_current,
        })
        .collect();

    let margin_current = margin_of(ws, cube, account, year);
    let margin_previous = margin_of_months(ws, cube, account, year - 1, covered.max(1));
    let margin_previous_full = (covered < 12).then(|| margin_of(ws, cube, account, year - 1));
    let mut category_figures: BTreeMap<GroupName, (Option<MarginFigures>, Option<MarginFigures>)> =
        BTreeMap::new();
    for (c, f) in category_margins(ws, cube, account, year, 12) {
        category_figures.entry(c).or_default().0 = Some(f);
    }
    for (c, f) in category_margins(ws, cube, account, year - 1, covered.max(1)) {
        category_figures.entry(c).or_default().1 = Some(f);
    }
    // Null while the same months of Y−1 had no positive revenue to project from.
    let forecast_net_revenue =
        margin_previous_full.as_ref().filter(|_| comparable && covered > 0).and_then(|full| {
            let base = Some(margin_previous.net_revenue).filter(|b| *b > Decimal::ZERO)?;
            let ratio = crate::money::quotient(current.net, base)?;
            full.net_revenue.checked_mul(ratio)
        });

    let share_of_wallet = account.profile.share_of_wallet.as_ref().map(|s| s.get_ref().value());

    let peers = account.segment.as_ref().map(|segment| {
        let mut revenue: Vec<(String, Decimal)> = ws
            .accounts
            .iter()
            .filter(|a| a.segment.as_deref() == Some(segment.as_str()))
            .map(|a| {
                let ids: HashSet<u32> = match ws.accounts.iter().position(|x| x.id == a.id) {
                    Some(i) => {
                        (0..cube.customers.len() as u32).filter(|&c| cube.account_of(c) == Some(i)).collect()
                    }
                    None => HashSet::new(),
                };
                (a.id.clone(), months_of_year(cube, &ids, year).1.net)
            })
            .collect();
        revenue.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        let rank = revenue.iter().position(|(id, _)| *id == account.id).map_or(0, |p| p + 1);
        let others: Vec<Decimal> =
            revenue.iter().filter(|(id, _)| *id != account.id).map(|(_, n)| *n).collect();
        let average = (!others.is_empty())
            .then(|| others.iter().copied().sum::<Decimal>() / Decimal::from(others.len()));
        PeerComparison { segment: segment.clone(), peers: others.len(), average, rank, of: revenue.len() }
    });

    let min_order_value = account.conditions.min_order_value.as_ref().map(|v| v.get_ref().value());
    let mut purchases: Vec<&Order> = orders
        .orders
        .iter()
        .filter(|o| o.account == account.id && o.date.year() == year && o.net > Decimal::ZERO)
        .collect();
    purchases.sort_by_key(|o| o.date);
    let order_count = purchases.len() as u64;
    let total: Decimal = purchases.iter().map(|o| o.net).sum();
    let mut days: Vec<NaiveDate> = purchases.iter().map(|o| o.date).collect();
    days.dedup();
    let days_between_orders = (days.len() > 1).then(|| {
        let span = (days[days.len() - 1] - days[0]).num_days();
        Decimal::from(span) / Decimal::from(days.len() as i64 - 1)
    });
    let order_stats = OrderStats {
        orders: order_count,
        average_value: crate::money::quotient(total, Decimal::from(order_count)),
        min_order_value,
        below_minimum: min_order_value.map(|m| purchases.iter().filter(|o| o.net < m).count() as u64),
        days_between_orders,
    };
    let purchase_revenue = current.net + current.returns;
    let return_rate = crate::money::quotient(current.returns, purchase_revenue);

    let in_year = |d: Date| d.0.year() == year;
    let visits: Vec<NaiveDate> = account
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::Visit && in_year(m.date))
        .map(|m| m.date.0)
        .collect();
    let mut satisfaction: Vec<(NaiveDate, Decimal)> = account
        .satisfaction
        .iter()
        .filter(|s| {
            let y = s.date.0.year();
            y >= year - 2 && y <= year
        })
        .map(|s| (s.date.0, s.score.get_ref().value()))
        .collect();
    satisfaction.sort();

    let trailing_end = data_end.map(Month::of).unwrap_or_else(|| Month::of(today));
    let trailing_revenue: Decimal = cube
        .cells
        .iter()
        .filter(|(k, _)| {
            customers.contains(&k.customer) && k.month > trailing_end - 12 && k.month <= trailing_end
        })
        .map(|(_, c)| c.sums.net())
        .sum();
    // The customer's spend in our categories: over the last 12 months, a share being a share of
    // a year's spend (not of a year so far).
    let customer_spend = share_of_wallet.and_then(|s| crate::money::quotient(trailing_revenue, s));
    let dso_days = account.credit.dso_days;
    // Receivables are gross: with the VAT rate known, it is added.
    let vat_rate = ws.config.vat_rate;
    let gross = trailing_revenue.checked_mul(Decimal::ONE + vat_rate.unwrap_or(Decimal::ZERO));
    let expected_receivables = dso_days
        .zip(gross)
        .and_then(|(d, g)| g.checked_mul(Decimal::from(d)))
        .map(|r| r / Decimal::from(365));
    let limit = account.credit.limit.as_ref().map(|l| l.get_ref().value());
    let limit_utilisation = match (expected_receivables, limit) {
        (Some(r), Some(l)) => crate::money::quotient(r, l),
        _ => None,
    };

    let review_date = account.review.as_ref().and_then(|r| r.date).map(|d| d.0);
    let special_prices = account
        .conditions
        .special_prices
        .iter()
        .map(|p| {
            let status = match p.until.map(|d| d.0) {
                Some(u) if u < today => PriceStatus::Expired,
                Some(u) if review_date.is_some_and(|r| u < r) => PriceStatus::ExpiresBeforeReview,
                Some(u) if (u - review_date.unwrap_or(today)).num_days() <= EXPIRY_WARNING_DAYS => {
                    PriceStatus::ExpiresSoonAfterReview
                }
                _ => PriceStatus::Valid,
            };
            (p.clone(), status)
        })
        .collect();

    let anchor = anchor(account, today);
    let since = anchor.checked_sub_months(chrono::Months::new(12 * LOOK_BACK_YEARS)).unwrap_or(anchor);
    let recent = |d: NaiveDate| d >= since && d <= anchor;
    // The annual reviews of the two years before, and always at least the last two: a review is
    // held once a year, a few days earlier or later.
    let mut earlier_reviews: Vec<(NaiveDate, Option<String>)> = account
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::AnnualReview && m.date.0 <= anchor)
        .map(|m| (m.date.0, m.summary.clone()))
        .collect();
    earlier_reviews.sort();
    let last_two = earlier_reviews.len().saturating_sub(2);
    let earlier_reviews: Vec<(NaiveDate, Option<String>)> = earlier_reviews
        .into_iter()
        .enumerate()
        .filter(|(i, (d, _))| *i >= last_two || recent(*d))
        .map(|(_, r)| r)
        .collect();
    let mut agreements: Vec<(NaiveDate, String, Option<NaiveDate>)> = account
        .goals
        .iter()
        .filter_map(|g| g.agreed.map(|a| (a.0, g.title.clone(), g.due.map(|d| d.0))))
        .filter(|(a, _, _)| earlier_reviews.iter().any(|(r, _)| r == a))
        .collect();
    agreements.sort();
    let mut events: Vec<(NaiveDate, String)> =
        account.events.iter().filter(|e| recent(e.date.0)).map(|e| (e.date.0, e.text.clone())).collect();
    events.sort();
    let mut complaints: Vec<ComplaintLine> = account
        .complaints
        .iter()
        .filter(|c| recent(c.opened.0) || c.closed.is_none())
        .map(|c| ComplaintLine {
            complaint: c.clone(),
            days_to_close: c.closed.as_ref().map(|d| (d.get_ref().0 - c.opened.0).num_days()),
            days_open: c.closed.is_none().then(|| (today - c.opened.0).num_days()),
        })
        .collect();
    complaints.sort_by_key(|c| c.complaint.opened);
    let closing_days: Vec<i64> = complaints.iter().filter_map(|c| c.days_to_close).collect();
    let complaints_median_days = crate::kpi::median_days(&closing_days);

    let contacts = account
        .contacts
        .iter()
        .map(|c| {
            let last = account
                .meetings
                .iter()
                .filter(|m| m.date.0 <= today && m.attendees.iter().any(|a| a.trim() == c.name.trim()))
                .map(|m| m.date.0)
                .max();
            (c.clone(), last)
        })
        .collect();

    // The revenue expected from open actions: those due in Y (or without a due date), and those
    // due later, each with its own total.
    let open_actions = account.actions.iter().filter(|a| a.status == ActionStatus::Open);
    let (mut expected_revenue, mut expected_revenue_weighted) = (Decimal::ZERO, Decimal::ZERO);
    let (mut expected_revenue_later, mut expected_revenue_later_weighted) = (Decimal::ZERO, Decimal::ZERO);
    for a in open_actions {
        if let Some(r) = &a.expected_revenue {
            let r = r.get_ref().value();
            let p = a.probability.as_ref().map_or(Decimal::ONE, |p| p.get_ref().value());
            // Due in Y counts for Y (SPEC 4.1); due later, or without a date (listed in next
            // year's plan), for the years after.
            if a.due.is_some_and(|d| d.0.year() == year) {
                expected_revenue += r;
                expected_revenue_weighted += r * p;
            } else if a.due.is_none_or(|d| d.0.year() > year) {
                expected_revenue_later += r;
                expected_revenue_later_weighted += r * p;
            }
        }
    }

    // Goals due in Y, or later (with the actual so far).
    let months = cube.months().and_then(|(first, last)| {
        let (a, b) = (Month::new(year, 1).max(first), Month::new(year, 12).min(last));
        (a <= b).then_some((a, b))
    });
    let whole_year = months.is_some_and(|(a, z)| a.month() == 1 && z.month() == 12);
    let forecast = if whole_year { Some(current.net) } else { forecast_net_revenue };
    let goals = account
        .goals
        .iter()
        .filter(|g| g.due.is_none_or(|d| d.0.year() >= year))
        .map(|g| {
            let due_in_year = g.due.is_some_and(|d| d.0.year() == year);
            let m = &margin_current;
            let actual = match g.metric.as_deref() {
                Some("net_revenue") => Some(m.net_revenue),
                Some("db1") => m.db1,
                Some("db2") => m.db2,
                Some("db3") => m.db3,
                Some("orders") => Some(Decimal::from(m.orders)),
                Some("quantity") => Some(m.quantity),
                _ => None,
            };
            let projected = if !due_in_year || months.is_none() {
                None
            } else if whole_year {
                actual
            } else {
                actual
                    .zip(forecast)
                    .and_then(|(a, f)| a.checked_mul(f))
                    .and_then(|x| crate::money::quotient(x, m.net_revenue))
            };
            let target = g.target.map(|t| t.value());
            let attainment = projected.zip(target).and_then(|(p, t)| crate::money::quotient(p, t));
            GoalLine {
                title: g.title.clone(),
                metric: g.metric.clone(),
                target,
                due: g.due.map(|d| d.0),
                due_in_year,
                actual,
                projected,
                attainment,
            }
        })
        .collect();

    let category_mapped =
        cube.categories.len() > 1 || (cube.categories.len() == 1 && !cube.categories.name(0).is_empty());
    let has_cost = margin_current.variable_costs.is_some() && !customers.is_empty();
    let checklist = ChecklistItem::ALL
        .iter()
        .map(|&item| {
            let available = match item {
                ChecklistItem::RevenuePerPeriod => current.rows > 0,
                ChecklistItem::RevenuePerCategory => current.rows > 0 && category_mapped,
                ChecklistItem::CustomerCosts => true,
                ChecklistItem::ContributionMargins => has_cost && current.rows > 0,
                ChecklistItem::ShareOfWallet => share_of_wallet.is_some(),
                ChecklistItem::MinimumPrices => !account.conditions.min_prices.is_empty(),
                ChecklistItem::SpecialPrices => !account.conditions.special_prices.is_empty(),
                ChecklistItem::ComparableCustomers => peers.as_ref().is_some_and(|p| p.peers > 0),
                ChecklistItem::MinimumOrderSize => min_order_value.is_some(),
                // How fast our goods turn at the customer needs the customer's stock data.
                ChecklistItem::TurnoverSpeed => account.profile.stock_turnover_days.is_some(),
                ChecklistItem::Returns => current.rows > 0,
                ChecklistItem::Promotions => account.promotions.iter().any(|p| in_year(p.start)),
                ChecklistItem::CustomerVisits => !visits.is_empty(),
                ChecklistItem::CustomerSatisfaction => !satisfaction.is_empty(),
                ChecklistItem::DaysSalesOutstanding => dso_days.is_some(),
                ChecklistItem::Creditworthiness => account.credit.rating.is_some() || limit.is_some(),
            };
            (item, available)
        })
        .collect();

    let (retention, retention_span, customer_status) = retention_of(ws, cube, index, year);

    Brief {
        retention,
        retention_span,
        risk: None,
        whitespace: None,
        changes: None,
        customer_status,
        account: account.clone(),
        year,
        today,
        currency: ws.config.currency.clone(),
        data_ends_in_year,
        has_sales_in_year: current.rows > 0,
        years,
        previous_same_period,
        categories,
        margin_current,
        margin_previous,
        margin_previous_full,
        category_figures,
        comparable,
        forecast_net_revenue,
        covered_months: covered,
        monthly_current,
        monthly_previous,
        share_of_wallet,
        customer_spend,
        peers,
        order_stats,
        returns: current.returns,
        return_rate,
        visits,
        satisfaction,
        dso_days,
        payment_terms_days: account.conditions.payment_terms_days,
        dso_over_terms: dso_days
            .zip(account.conditions.payment_terms_days)
            .map(|(d, t)| i64::from(d) - i64::from(t)),
        trailing_revenue,
        expected_receivables,
        vat_rate,
        limit_utilisation,
        special_prices,
        earlier_reviews,
        agreements,
        events,
        complaints,
        complaints_median_days,
        contacts,
        expected_revenue,
        expected_revenue_weighted,
        expected_revenue_later,
        expected_revenue_later_weighted,
        goals,
        months,
        checklist,
        category_mapped,
        window_months: account.window_months().unwrap_or(ws.config.window_months),
    }
}

type RetentionParts =
    (Option<crate::retention::RetentionFigures>, Option<(Month, Month)>, Vec<(String, Option<Month>, bool)>);

/// The account's retention figures for year Y, computed as `kam retention --by account
/// --period year` does, and the state of each of its customer numbers at Y's end.
fn retention_of(ws: &Workspace, cube: &Cube, index: Option<usize>, year: i32) -> RetentionParts {
    use crate::retention::{Unit, period_figures, unit_histories};
    let (Some(index), Some((first, last))) = (index, cube.months()) else {
        return (None, None, Vec::new());
    };
    let a = Month::new(year, 1).max(first);
    let b = Month::new(year, 12).min(last);
    if a > b {
        return (None, None, Vec::new());
    }
    let w = ws.config.window_months;
    let account = &ws.accounts[index];
    let histories = unit_histories(ws, cube, Unit::Account, true);
    let figures = histories
        .iter()
        .find(|u| u.id == account.id)
        .map(|u| period_figures(std::iter::once(&u.history), a, b, w, Some(first)));
    let customers = unit_histories(ws, cube, Unit::Customer, true);
    let status = account
        .customer_ids
        .iter()
        .map(|id| {
            let h = customers.iter().find(|u| u.id == id.trim()).map(|u| &u.history);
            let last_purchase = h
                .and_then(|h| h.entries().iter().rev().find(|e| e.purchase && e.month <= b).map(|e| e.month));
            (id.trim().to_string(), last_purchase, h.is_some_and(|h| h.is_active(b, h.window_or(w))))
        })
        .collect();
    (figures, Some((a, b)), status)
}

/// Accounts whose review falls within `today ..= today + days`, by review date.
pub fn upcoming(ws: &Workspace, today: NaiveDate, days: i64) -> Vec<&Account> {
    let mut found: Vec<&Account> = ws
        .accounts
        .iter()
        .filter(|a| {
            a.review
                .as_ref()
                .and_then(|r| r.date)
                .is_some_and(|d| d.0 >= today && (d.0 - today).num_days() <= days)
        })
        .collect();
    found.sort_by_key(|a| (a.review.as_ref().and_then(|r| r.date), a.id.clone()));
    found
}
