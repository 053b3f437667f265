//! `kam changes ID`: what changed in a dossier since the last annual review, read from its git
//! history, beside the key figures then and now.
//!
//! Choices the issue leaves open, recorded here and in docs/changes.md:
//!
//! - **Since**: `--since DATE`, or by default the latest `annual-review` meeting of the dossier
//!   on or before today; without one, the dossier's whole history.
//! - **The baseline** is the dossier as of the end of that day: its last commit dated on or
//!   before it (commit dates). Every later commit is compared with the one before; a dossier
//!   that did not exist then starts from nothing. Changes in the working tree that are not
//!   committed yet count as one more step, dated today, with the commit `worktree`.
//! - **Entries are matched by name**: contacts by `name`, actions by `title`, prices by
//!   `product`, complaints by `opened` and `subject`, events and satisfaction scores by date. A
//!   contact removed and one added in the same step with the same role, e-mail or phone is a
//!   rename.
//! - A version of the dossier that does not load is listed as such and skipped: the next one is
//!   compared with the last that loaded.
//! - **The figures**: net revenue and DB II of the account over the 12 whole months before the
//!   since date, and over the 12 months before today's month, ending at the latest with the
//!   exports' last month; both computed from today's exports and dossier, as `kam margin --by
//!   account` does.

use crate::dossier::{Account, ActionStatus, Attitude, Influence};
use crate::money::Decimal;
use chrono::NaiveDate;

/// A value before or after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Text(String),
    Date(NaiveDate),
    Amount(Decimal),
    /// A fraction (discount).
    Rate(Decimal),
    Days(u32),
    Attitude(Attitude),
    Influence(Influence),
    Status(ActionStatus),
    /// A satisfaction score (0 to 10).
    Score(Decimal),
}

/// What kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    ContactAdded,
    ContactRemoved,
    ContactRenamed,
    ContactRole,
    ContactAttitude,
    ContactInfluence,
    ActionAdded,
    ActionDone,
    ActionDropped,
    ActionReopened,
    ActionDueMoved,
    ActionRemoved,
    PaymentTerms,
    Discount,
    MinOrderValue,
    SpecialPrice,
    MinPrice,
    ComplaintOpened,
    ComplaintClosed,
    Event,
    Satisfaction,
    Owner,
    /// The dossier did not load at this commit.
    Unreadable,
}

impl Kind {
    /// The name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::ContactAdded => "contact_added",
            Kind::ContactRemoved => "contact_removed",
            Kind::ContactRenamed => "contact_renamed",
            Kind::ContactRole => "contact_role",
            Kind::ContactAttitude => "contact_attitude",
            Kind::ContactInfluence => "contact_influence",
            Kind::ActionAdded => "action_added",
            Kind::ActionDone => "action_done",
            Kind::ActionDropped => "action_dropped",
            Kind::ActionReopened => "action_reopened",
            Kind::ActionDueMoved => "action_due_moved",
            Kind::ActionRemoved => "action_removed",
            Kind::PaymentTerms => "payment_terms",
            Kind::Discount => "discount",
            Kind::MinOrderValue => "min_order_value",
            Kind::SpecialPrice => "special_price",
            Kind::MinPrice => "min_price",
            Kind::ComplaintOpened => "complaint_opened",
            Kind::ComplaintClosed => "complaint_closed",
            Kind::Event => "event",
            Kind::Satisfaction => "satisfaction",
            Kind::Owner => "owner",
            Kind::Unreadable => "unreadable",
        }
    }
}

/// One change between two versions of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub kind: Kind,
    /// What changed: a contact's or action's name, a product, a complaint's subject.
    pub what: String,
    pub from: Option<Val>,
    pub to: Option<Val>,
}

/// A change with the commit that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub date: NaiveDate,
    /// The commit's hash, or `worktree` for changes not committed yet.
    pub commit: String,
    pub diff: Diff,
}

fn d(kind: Kind, what: &str, from: Option<Val>, to: Option<Val>) -> Diff {
    Diff { kind, what: what.trim().to_string(), from, to }
}

fn amount(a: &Option<toml::Spanned<crate::money::Amount>>) -> Option<Decimal> {
    a.as_ref().map(|v| v.get_ref().value())
}

/// The changes from `old` to `new` (`old` `None`: the dossier did not exist).
pub fn diff(old: Option<&Account>, new: &Account) -> Vec<Diff> {
    let mut out = Vec::new();
    let empty = Account::default();
    let old = old.unwrap_or(&empty);

    // Contacts by name; a removed and an added one alike in role, e-mail or phone: a rename.
    let name = |c: &crate::dossier::Contact| c.name.trim().to_string();
    let mut removed: Vec<&crate::dossier::Contact> =
        old.contacts.iter().filter(|c| !new.contacts.iter().any(|n| name(n) == name(c))).collect();
    let mut added: Vec<&crate::dossier::Contact> =
        new.contacts.iter().filter(|c| !old.contacts.iter().any(|o| name(o) == name(c))).collect();
    let alike = |a: &crate::dossier::Contact, b: &crate::dossier::Contact| {
        let same = |x: &Option<String>, y: &Option<String>| {
            x.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .is_some_and(|x| Some(x) == y.as_deref().map(str::trim))
        };
        same(&a.email, &b.email) || same(&a.phone, &b.phone) || same(&a.role, &b.role)
    };
    let mut renames = Vec::new();
    removed.retain(|r| match added.iter().position(|a| alike(r, a)) {
        Some(i) => {
            renames.push((*r, added.remove(i)));
            false
        }
        None => true,
    });
    for c in &added {
        out.push(d(Kind::ContactAdded, &c.name, None, c.role.clone().map(Val::Text)));
    }
    for c in &removed {
        out.push(d(Kind::ContactRemoved, &c.name, c.role.clone().map(Val::Text), None));
    }
    for (r, a) in &renames {
        out.push(d(
            Kind::ContactRenamed,
            &a.name,
            Some(Val::Text(r.name.trim().into())),
            Some(Val::Text(a.name.trim().into())),
        ));
    }
    let pairs = new
        .contacts
        .iter()
        .filter_map(|n| old.contacts.iter().find(|o| name(o) == name(n)).map(|o| (o, n)))
        .chain(renames.iter().map(|(r, a)| (*r, *a)));
    for (o, n) in pairs {
        let text =
            |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if text(&o.role) != text(&n.role) {
            out.push(d(
                Kind::ContactRole,
                &n.name,
                text(&o.role).map(Val::Text),
                text(&n.role).map(Val::Text),
            ));
        }
        if o.attitude != n.attitude {
            out.push(d(
                Kind::ContactAttitude,
                &n.name,
                o.attitude.map(Val::Attitude),
                n.attitude.map(Val::Attitude),
            ));
        }
        if o.influence != n.influence {
            out.push(d(
                Kind::ContactInfluence,
                &n.name,
                o.influence.map(Val::Influence),
                n.influence.map(Val::Influence),
            ));
        }
    }

    // Actions by title.
    let title = |x: &crate::dossier::Action| x.title.trim().to_string();
    for n in &new.actions {
        match old.actions.iter().find(|o| title(o) == title(n)) {
            None => {
                out.push(d(Kind::ActionAdded, &n.title, None, n.due.map(|x| Val::Date(x.0))));
                // Added already done or dropped: that too.
                let kind = match n.status {
                    ActionStatus::Done => Some(Kind::ActionDone),
                    ActionStatus::Dropped => Some(Kind::ActionDropped),
                    ActionStatus::Open => None,
                };
                if let Some(kind) = kind {
                    out.push(d(kind, &n.title, None, Some(Val::Status(n.status))));
                }
            }
            Some(o) => {
                if o.status != n.status {
                    let kind = match n.status {
                        ActionStatus::Done => Kind::ActionDone,
                        ActionStatus::Dropped => Kind::ActionDropped,
                        ActionStatus::Open => Kind::ActionReopened,
                    };
                    out.push(d(kind, &n.title, Some(Val::Status(o.status)), Some(Val::Status(n.status))));
                }
                if o.due.map(|x| x.0) != n.due.map(|x| x.0) {
                    out.push(d(
                        Kind::ActionDueMoved,
                        &n.title,
                        o.due.map(|x| Val::Date(x.0)),
                        n.due.map(|x| Val::Date(x.0)),
                    ));
                }
            }
        }
    }
    for o in old.actions.iter().filter(|o| !new.actions.iter().any(|n| title(n) == title(o))) {
        out.push(d(Kind::ActionRemoved, &o.title, Some(Val::Status(o.status)), None));
    }

    // Conditions.
    let (oc, nc) = (&old.conditions, &new.conditions);
    if oc.payment_terms_days != nc.payment_terms_days {
        out.push(d(
            Kind::PaymentTerms,
            "",
            oc.payment_terms_days.map(Val::Days),
            nc.payment_terms_days.map(Val::Days),
        ));
    }
    if amount(&oc.discount_rate) != amount(&nc.discount_rate) {
        out.push(d(
            Kind::Discount,
            "",
            amount(&oc.discount_rate).map(Val::Rate),
            amount(&nc.discount_rate).map(Val::Rate),
        ));
    }
    if amount(&oc.min_order_value) != amount(&nc.min_order_value) {
        out.push(d(
            Kind::MinOrderValue,
            "",
            amount(&oc.min_order_value).map(Val::Amount),
            amount(&nc.min_order_value).map(Val::Amount),
        ));
    }
    let prices =
        |list: &[(String, Decimal)], other: &[(String, Decimal)], kind: Kind, out: &mut Vec<Diff>| {
            for (p, v) in list {
                match other.iter().find(|(q, _)| q == p) {
                    Some((_, w)) if w == v => {}
                    Some((_, w)) => out.push(d(kind, p, Some(Val::Amount(*w)), Some(Val::Amount(*v)))),
                    None => out.push(d(kind, p, None, Some(Val::Amount(*v)))),
                }
            }
            for (q, w) in other.iter().filter(|(q, _)| !list.iter().any(|(p, _)| p == q)) {
                out.push(d(kind, q, Some(Val::Amount(*w)), None));
            }
        };
    let special = |c: &crate::dossier::Conditions| -> Vec<(String, Decimal)> {
        c.special_prices.iter().map(|p| (p.product.trim().to_string(), p.price.get_ref().value())).collect()
    };
    let minimum = |c: &crate::dossier::Conditions| -> Vec<(String, Decimal)> {
        c.min_prices.iter().map(|p| (p.product.trim().to_string(), p.price.get_ref().value())).collect()
    };
    prices(&special(nc), &special(oc), Kind::SpecialPrice, &mut out);
    prices(&minimum(nc), &minimum(oc), Kind::MinPrice, &mut out);

    // Complaints by the day opened and the subject.
    let key = |c: &crate::dossier::Complaint| {
        (c.opened.0, c.subject.clone().unwrap_or_default().trim().to_string())
    };
    for n in &new.complaints {
        let subject = n.subject.clone().unwrap_or_default();
        match old.complaints.iter().find(|o| key(o) == key(n)) {
            None => {
                out.push(d(Kind::ComplaintOpened, &subject, None, Some(Val::Date(n.opened.0))));
                if let Some(c) = &n.closed {
                    out.push(d(Kind::ComplaintClosed, &subject, None, Some(Val::Date(c.get_ref().0))));
                }
            }
            Some(o) => {
                let (was, is) =
                    (o.closed.as_ref().map(|c| c.get_ref().0), n.closed.as_ref().map(|c| c.get_ref().0));
                if was != is && is.is_some() {
                    out.push(d(Kind::ComplaintClosed, &subject, was.map(Val::Date), is.map(Val::Date)));
                }
            }
        }
    }

    // Events and satisfaction scores added.
    for e in new
        .events
        .iter()
        .filter(|e| !old.events.iter().any(|o| o.date.0 == e.date.0 && o.text.trim() == e.text.trim()))
    {
        out.push(d(Kind::Event, &e.text, None, Some(Val::Date(e.date.0))));
    }
    for s in &new.satisfaction {
        let score = s.score.get_ref().value();
        if !old.satisfaction.iter().any(|o| o.date.0 == s.date.0 && o.score.get_ref().value() == score) {
            // A score corrected on its day replaces that one; else the one before it.
            let before = old
                .satisfaction
                .iter()
                .filter(|o| o.date.0 <= s.date.0)
                .max_by_key(|o| o.date.0)
                .map(|o| Val::Score(o.score.get_ref().value()));
            out.push(d(Kind::Satisfaction, &s.date.0.to_string(), before, Some(Val::Score(score))));
        }
    }
    let owner = |a: &Account| a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_string);
    if owner(old) != owner(new) {
        out.push(d(Kind::Owner, "", owner(old).map(Val::Text), owner(new).map(Val::Text)));
    }
    out
}

/// The net revenue and DB II of the account over some months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub first: crate::dates::Month,
    pub last: crate::dates::Month,
    pub net_revenue: Decimal,
    pub db2: Option<Decimal>,
}

/// Where the since date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinceSource {
    /// `--since DATE`.
    Given,
    /// The latest `annual-review` meeting.
    LastReview,
    /// No annual review recorded: the whole history.
    NoReview,
}

/// `kam changes`.
#[derive(Debug, Clone)]
pub struct ChangesReport {
    pub account: String,
    pub name: String,
    pub currency: String,
    pub since: Option<NaiveDate>,
    pub source: SinceSource,
    /// The changes, or why there is no history.
    pub history: Result<Vec<Change>, crate::git::NoHistory>,
    /// The commit the changes are counted from (`None`: the dossier did not exist then).
    pub baseline: Option<String>,
    pub then: Option<Figures>,
    pub now: Option<Figures>,
}

/// The account's net revenue and DB II over `first` to `last`, as `kam margin --by account`.
fn figures(
    ws: &crate::workspace::Workspace,
    cube: &crate::cube::Cube,
    account: &Account,
    first: crate::dates::Month,
    last: crate::dates::Month,
) -> Figures {
    let report = crate::margin::margin_report(
        ws,
        cube,
        &crate::margin::MarginQuery {
            by: vec![crate::margin::Dim::Account],
            period: crate::periods::PeriodKind::All,
            from: Some(first.first_day()),
            to: Some(last.last_day()),
            accounts: vec![account.id.clone()],
        },
    );
    let row = report.rows.iter().find(|r| r.keys[0] == *account.id);
    Figures {
        first,
        last,
        net_revenue: row.map_or(Decimal::ZERO, |r| r.figures.net_revenue),
        // Without a row nothing is known of DB II (the costs of a visit may still count).
        db2: row.and_then(|r| r.figures.db2),
    }
}

/// The dossier's versions in git, oldest first, with the working tree's as the last where it
/// differs from the last commit.
fn versions(account: &Account, today: NaiveDate) -> Result<Vec<Version>, crate::git::NoHistory> {
    let dir = account.path.parent().unwrap_or(std::path::Path::new("."));
    let dir = if dir.as_os_str().is_empty() { std::path::Path::new(".") } else { dir };
    let root = crate::git::repository_root(dir)?;
    let commits = crate::git::file_history(&root, &account.path)?;
    let mut out = Vec::new();
    let mut last_text = None;
    for c in &commits {
        let text = crate::git::file_at(&root, &c.hash, &c.path);
        let loaded = text.as_deref().and_then(|t| {
            let mut diags = crate::diag::Diagnostics::new();
            crate::dossier::load_text(std::path::Path::new(&c.path), t, &mut diags)
                .filter(|_| !diags.has_errors())
        });
        out.push(Version { commit: c.hash.clone(), date: c.date, account: loaded });
        last_text = text;
    }
    let current = std::fs::read_to_string(&account.path).ok();
    if current.is_some() && current != last_text {
        out.push(Version { commit: "worktree".to_string(), date: today, account: Some(account.clone()) });
    }
    Ok(out)
}

/// `kam changes`: the changes of `account`'s dossier since `since` (default: its latest annual
/// review), and its figures then and now.
pub fn report(
    ws: &crate::workspace::Workspace,
    cube: &crate::cube::Cube,
    account: &Account,
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> ChangesReport {
    use crate::dates::Month;
    use crate::dossier::MeetingKind;
    let last_review = account
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::AnnualReview && m.date.0 <= today)
        .map(|m| m.date.0)
        .max();
    let (since, source) = match (since, last_review) {
        (Some(d), _) => (Some(d), SinceSource::Given),
        (None, Some(d)) => (Some(d), SinceSource::LastReview),
        (None, None) => (None, SinceSource::NoReview),
    };
    let history = versions(account, today);
    let (baseline, history) = match history {
        Ok(v) => {
            let (b, c) = changes(&v, since.unwrap_or(NaiveDate::MIN));
            (b, Ok(c))
        }
        Err(e) => (None, Err(e)),
    };
    let exports_end = cube.last_date.map(Month::of);
    // "Then" only where the exports reach back into its 12 months.
    let exports_start = cube.first_date.map(Month::of);
    let then = since.and_then(|d| {
        let end = Month::of(d) - 1;
        exports_start.filter(|s| *s <= end).map(|_| figures(ws, cube, account, end - 11, end))
    });
    let now = exports_end.map(|e| {
        let end = (Month::of(today) - 1).min(e);
        figures(ws, cube, account, end - 11, end)
    });
    ChangesReport {
        account: account.id.clone(),
        name: account.name.clone(),
        currency: ws.config.currency.clone(),
        since,
        source,
        history,
        baseline,
        then,
        now,
    }
}

/// One version of the dossier in its history.
#[derive(Debug, Clone)]
pub struct Version {
    pub commit: String,
    pub date: NaiveDate,
    /// `None`: the text did not load as a dossier.
    pub account: Option<Account>,
}

/// The changes after `since` along `versions` (oldest first): the baseline is the last version
/// dated on or before `since`.
pub fn changes(versions: &[Version], since: NaiveDate) -> (Option<String>, Vec<Change>) {
    let split = versions.iter().position(|v| v.date > since).unwrap_or(versions.len());
    let baseline = versions[..split].iter().rev().find(|v| v.account.is_some());
    let mut last: Option<&Account> = baseline.and_then(|v| v.account.as_ref());
    let mut out = Vec::new();
    for v in &versions[split..] {
        match &v.account {
            Some(a) => {
                for diff in diff(last, a) {
                    out.push(Change { date: v.date, commit: v.commit.clone(), diff });
                }
                last = Some(a);
            }
            None => out.push(Change {
                date: v.date,
                commit: v.commit.clone(),
                diff: Diff { kind: Kind::Unreadable, what: String::new(), from: None, to: None },
            }),
        }
    }
    (baseline.map(|v| v.commit.clone()), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use std::path::Path;

    fn account(text: &str) -> Account {
        let mut diags = Diagnostics::new();
        crate::dossier::load_text(Path::new("accounts/x.toml"), text, &mut diags).expect("a dossier")
    }

    fn kinds(diffs: &[Diff]) -> Vec<(&'static str, String)> {
        diffs.iter().map(|d| (d.kind.name(), d.what.clone())).collect()
    }

    #[test]
    fn contacts_actions_conditions_and_complaints() {
        let old = account(
            r#"name = "A"
owner = "Anna"
[conditions]
payment_terms_days = 30
min_prices = [{ product = "P1", price = 10.0 }]
[[contacts]]
name = "Eva Klein"
role = "Einkauf"
attitude = "neutral"
[[contacts]]
name = "Max Muster"
email = "max@example.com"
[[actions]]
title = "Angebot"
due = 2026-03-01
[[actions]]
title = "Schulung"
[[complaints]]
opened = 2026-01-10
subject = "Lieferverzug"
"#,
        );
        let new = account(
            r#"name = "A"
owner = "Anna"
[conditions]
payment_terms_days = 45
min_prices = [{ product = "P1", price = 11.0 }, { product = "P2", price = 5.0 }]
[[contacts]]
name = "Eva Klein"
role = "Einkaufsleitung"
attitude = "champion"
influence = "decision-maker"
[[contacts]]
name = "Maximilian Muster"
email = "max@example.com"
[[contacts]]
name = "Jan Neu"
[[actions]]
title = "Angebot"
due = 2026-04-01
status = "done"
[[complaints]]
opened = 2026-01-10
subject = "Lieferverzug"
closed = 2026-02-01
[[events]]
date = 2026-02-15
text = "Neuer Standort"
[[satisfaction]]
date = 2026-02-20
score = 8
"#,
        );
        let diffs = diff(Some(&old), &new);
        assert_eq!(
            kinds(&diffs),
            [
                ("contact_added", "Jan Neu".to_string()),
                ("contact_renamed", "Maximilian Muster".into()),
                ("contact_role", "Eva Klein".into()),
                ("contact_attitude", "Eva Klein".into()),
                ("contact_influence", "Eva Klein".into()),
                ("action_done", "Angebot".into()),
                ("action_due_moved", "Angebot".into()),
                ("action_removed", "Schulung".into()),
                ("payment_terms", "".into()),
                ("min_price", "P1".into()),
                ("min_price", "P2".into()),
                ("complaint_closed", "Lieferverzug".into()),
                ("event", "Neuer Standort".into()),
                ("satisfaction", "2026-02-20".into()),
            ]
        );
        let renamed = &diffs[1];
        assert_eq!(renamed.from, Some(Val::Text("Max Muster".into())));
        assert_eq!(diffs[8].from, Some(Val::Days(30)));
        assert_eq!(diffs[8].to, Some(Val::Days(45)));
        assert_eq!(diffs[9].to, Some(Val::Amount(Decimal::new(11, 0))));
        // Nothing changed: nothing to report.
        assert!(diff(Some(&new), &new).is_empty());
    }

    #[test]
    fn the_baseline_is_the_last_version_on_or_before_since() {
        let v = |commit: &str, date: &str, text: Option<&str>| Version {
            commit: commit.into(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            account: text.map(account),
        };
        let a = "name = \"A\"\n";
        let b = "name = \"A\"\n[[contacts]]\nname = \"Eva\"\n";
        let c = "name = \"A\"\n[[contacts]]\nname = \"Eva\"\n[[contacts]]\nname = \"Jan\"\n";
        let versions = [
            v("1", "2025-01-01", Some(a)),
            v("2", "2025-06-01", Some(b)),
            v("3", "2025-07-01", None),
            v("4", "2025-08-01", Some(c)),
        ];
        let (base, changes) = super::changes(&versions, NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
        assert_eq!(base.as_deref(), Some("2"));
        let got: Vec<(&str, &str, &str)> =
            changes.iter().map(|c| (c.commit.as_str(), c.diff.kind.name(), c.diff.what.as_str())).collect();
        assert_eq!(got, [("3", "unreadable", ""), ("4", "contact_added", "Jan")]);
        // Since before the first commit: everything is new.
        let (base, changes) = super::changes(&versions, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        assert_eq!(base, None);
        // The first version holds only the name: the first change is the contact of "2".
        assert_eq!((changes[0].commit.as_str(), changes[0].diff.what.as_str()), ("2", "Eva"));
    }
}
