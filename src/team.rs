//! `kam team`: a senior KAM's view of the team: per member (the senior first, then the names of
//! the `team` of the senior's accounts), the accounts they work on, the open actions they have to
//! do (an action's assignee, else the owner), the reviews coming on their accounts, the coaching
//! sessions they take part in, planned and held, and the last customer contact of each account.
//!
//! Choices: a member works on the accounts the senior owns and lists them in `team` (the senior
//! on all); reviews are "coming" within the next 90 days; the last customer contact is the
//! account's latest meeting up to today (a meeting does not record who of the team was there); a
//! coaching entry without `participants` counts for the members its topic names (as older
//! dossiers write "Jonas Weber: …").

use crate::dates::Date;
use crate::dossier::{Account, ActionStatus};
use crate::workspace::Workspace;
use chrono::NaiveDate;

/// Reviews within this many days count as coming.
pub const REVIEW_DAYS: i64 = 90;

/// One account a member works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAccount {
    pub id: String,
    pub name: String,
    /// Whether the member owns it (else: in its team).
    pub owns: bool,
    pub last_contact: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
}

/// An open action a member has to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAction {
    pub account: String,
    pub title: String,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    pub milestone: bool,
}

/// A coaching session a member takes part in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCoaching {
    pub account: String,
    pub date: NaiveDate,
    pub topic: String,
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub senior: bool,
    pub accounts: Vec<MemberAccount>,
    pub actions: Vec<MemberAction>,
    /// Reviews within [`REVIEW_DAYS`]: account, date.
    pub reviews: Vec<(String, NaiveDate)>,
    pub coaching: Vec<MemberCoaching>,
}

/// One senior and the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub senior: String,
    pub members: Vec<Member>,
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether a topic names `name` first, as "Jonas Weber: …" (ignoring case).
fn names_in_topic(topic: &str, name: &str) -> bool {
    topic.split_once(':').is_some_and(|(head, _)| same(head, name))
}

fn last_contact(a: &Account, today: NaiveDate) -> Option<NaiveDate> {
    a.meetings.iter().map(|m| m.date.0).filter(|d| *d <= today).max()
}

/// The teams of the owners (only `senior`'s, when given), as of `today`.
pub fn teams(ws: &Workspace, senior: Option<&str>, today: NaiveDate) -> Result<Vec<Team>, String> {
    let mut seniors: Vec<String> = Vec::new();
    for a in &ws.accounts {
        if let Some(o) = a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty())
            && !seniors.iter().any(|s| same(s, o))
        {
            seniors.push(o.to_string());
        }
    }
    seniors.sort();
    if let Some(name) = senior {
        match seniors.iter().find(|s| same(s, name)) {
            Some(s) => seniors = vec![s.clone()],
            None => {
                return Err(if seniors.is_empty() {
                    crate::msg!(
                        "no account has the owner \"{name}\"; no account has an owner yet",
                        name = name
                    )
                } else {
                    crate::msg!(
                        "no account has the owner \"{name}\"; owners: {owners}",
                        name = name,
                        owners = seniors.join(", ")
                    )
                }
                .to_string());
            }
        }
    }
    Ok(seniors.into_iter().map(|s| team_of(ws, &s, today)).collect())
}

fn team_of(ws: &Workspace, senior: &str, today: NaiveDate) -> Team {
    let owned: Vec<&Account> =
        ws.accounts.iter().filter(|a| a.owner.as_deref().is_some_and(|o| same(o, senior))).collect();
    let mut names = vec![senior.to_string()];
    for a in &owned {
        for t in a.team.iter().filter(|t| !t.trim().is_empty()) {
            if !names.iter().any(|n| same(n, t)) {
                names.push(t.trim().to_string());
            }
        }
    }
    let members = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let is_senior = i == 0;
            let on: Vec<&&Account> =
                owned.iter().filter(|a| is_senior || a.team.iter().any(|t| same(t, name))).collect();
            let accounts = on
                .iter()
                .map(|a| MemberAccount {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    owns: is_senior,
                    last_contact: last_contact(a, today),
                    next_review: a
                        .review
                        .as_ref()
                        .and_then(|r| r.date)
                        .map(|d: Date| d.0)
                        .filter(|d| *d >= today),
                })
                .collect();
            let mut actions: Vec<MemberAction> = owned
                .iter()
                .flat_map(|a| {
                    a.actions
                        .iter()
                        .filter(|x| {
                            x.status == ActionStatus::Open && x.doer(a).is_some_and(|d| same(d, name))
                        })
                        .map(|x| MemberAction {
                            account: a.id.clone(),
                            title: x.title.clone(),
                            due: x.due.map(|d| d.0),
                            overdue: x.due.is_some_and(|d| d.0 < today),
                            milestone: x.milestone,
                        })
                })
                .collect();
            actions.sort_by(|x, y| {
                (x.due.is_none(), x.due, &x.account).cmp(&(y.due.is_none(), y.due, &y.account))
            });
            let mut reviews: Vec<(String, NaiveDate)> = on
                .iter()
                .filter_map(|a| {
                    let d = a.review.as_ref()?.date?.0;
                    (d >= today && (d - today).num_days() <= REVIEW_DAYS).then(|| (a.id.clone(), d))
                })
                .collect();
            reviews.sort_by_key(|r| r.1);
            let mut coaching: Vec<MemberCoaching> = owned
                .iter()
                .flat_map(|a| {
                    a.coaching
                        .iter()
                        .filter(|c| {
                            c.participants.iter().any(|p| same(p, name))
                                || (c.participants.is_empty() && names_in_topic(&c.topic, name))
                        })
                        .map(|c| MemberCoaching {
                            account: a.id.clone(),
                            date: c.date.0,
                            topic: c.topic.clone(),
                            held: c.date.0 <= today,
                        })
                })
                .collect();
            coaching.sort_by_key(|c| c.date);
            Member { name: name.clone(), senior: is_senior, accounts, actions, reviews, coaching }
        })
        .collect();
    Team { senior: senior.to_string(), members }
}
