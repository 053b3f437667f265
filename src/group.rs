//! The name of a group in a report: a name from the data, or one of the groups that have none
//! (rows of no key account, accounts without owner, the accounts' own costs, rows without
//! category or product). Figures hold these values; the layout translates them for Markdown,
//! and CSV and JSON write their machine names.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupName {
    /// A name from the dossiers or the exports.
    Named(String),
    /// Rows of customer numbers that no dossier lists.
    Unassigned,
    /// Accounts whose dossier names no owner.
    NoOwner,
    /// Visits and `[[costs]]` of accounts, where the grouping has no account (e.g. by category).
    AccountCosts,
    /// Rows without a category.
    NoCategory,
    /// Rows without a product.
    NoProduct,
}

impl GroupName {
    /// The name in CSV and JSON (and for sorting): the name itself, or `(unassigned)`,
    /// `(no owner)`, `(account costs)`, `(none)`.
    pub fn machine(&self) -> &str {
        match self {
            GroupName::Named(name) => name,
            _ => self.unnamed_key().unwrap_or_default(),
        }
    }

    /// The machine name of a group without a name.
    pub fn unnamed_key(&self) -> Option<&'static str> {
        Some(match self {
            GroupName::Named(_) => return None,
            GroupName::Unassigned => "(unassigned)",
            GroupName::NoOwner => "(no owner)",
            GroupName::AccountCosts => "(account costs)",
            GroupName::NoCategory | GroupName::NoProduct => "(none)",
        })
    }

    /// The name from the data, if the group has one.
    pub fn named(&self) -> Option<&str> {
        match self {
            GroupName::Named(name) => Some(name),
            _ => None,
        }
    }

    /// Whether this is a group of the data (not one of the groups without a name).
    pub fn is_named(&self) -> bool {
        matches!(self, GroupName::Named(_))
    }

    /// The owner group of an account's `owner`.
    pub fn owner(owner: Option<&str>) -> Self {
        owner.map_or(GroupName::NoOwner, |o| GroupName::Named(o.to_string()))
    }
}

impl PartialEq<str> for GroupName {
    fn eq(&self, other: &str) -> bool {
        self.named() == Some(other)
    }
}

/// Ordered by machine name, the order of the rows.
impl Ord for GroupName {
    fn cmp(&self, other: &Self) -> Ordering {
        self.machine().cmp(other.machine()).then_with(|| self.rank().cmp(&other.rank()))
    }
}

impl PartialOrd for GroupName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl GroupName {
    fn rank(&self) -> u8 {
        match self {
            GroupName::Named(_) => 0,
            GroupName::Unassigned => 1,
            GroupName::NoOwner => 2,
            GroupName::AccountCosts => 3,
            GroupName::NoCategory => 4,
            GroupName::NoProduct => 5,
        }
    }
}
