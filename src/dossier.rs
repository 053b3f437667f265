//! Account dossiers: `accounts/<id>.toml`, one key account each (SPEC 2.2).

use crate::dates::Date;
use crate::diag::{Diagnostic, Diagnostics, Location, text_location};
use crate::money::{Amount, Decimal};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One key account.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The file name without `.toml`.
    #[serde(skip)]
    pub id: String,
    /// Where the dossier was read from.
    #[serde(skip)]
    pub path: PathBuf,
    /// Line of each entry of `customer_ids`, for messages.
    #[serde(skip)]
    pub customer_id_lines: Vec<Location>,

    pub name: String,
    #[serde(default)]
    pub customer_ids: Vec<String>,
    pub owner: Option<String>,
    #[serde(default)]
    pub team: Vec<String>,
    pub segment: Option<String>,
    pub since: Option<Date>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub profile: Profile,
    #[serde(default)]
    pub conditions: Conditions,
    #[serde(default)]
    pub credit: Credit,
    pub review: Option<Review>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub complaints: Vec<Complaint>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub satisfaction: Vec<Satisfaction>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub coaching: Vec<Coaching>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub costs: Vec<Cost>,
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Promotions run with the customer (an addition to SPEC 2.2 for the annual review).
    #[serde(default)]
    pub promotions: Vec<Promotion>,
    /// `[retention]`: the account's own churn window.
    #[serde(default)]
    pub retention: AccountRetention,
    /// `[[buying_centres]]`: names for the account's customer numbers (`kam whitespace`).
    #[serde(default)]
    pub buying_centres: Vec<BuyingCentre>,
    /// `[[whitespace]]`: an offerings × buying-centres grid kept by hand.
    #[serde(default)]
    pub whitespace: Vec<WhitespaceCell>,
}

/// `[[buying_centres]]`: one of the account's customer numbers named, e.g. "Lager Hamburg".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyingCentre {
    pub customer_id: String,
    pub name: String,
}

/// `[[whitespace]]`: whether one offering is sold to one buying centre, by us or a competitor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhitespaceCell {
    pub offering: String,
    /// A buying centre's name or customer number.
    pub centre: String,
    pub status: WhitespaceStatus,
    /// The competitor who sells it (with `status = "competitor"`).
    pub competitor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhitespaceStatus {
    Open,
    Ours,
    Competitor,
}

/// `[retention]` of a dossier: an account that orders in long cycles, or has a documented pause,
/// churns only after its own number of quiet months.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRetention {
    pub inactive_after_months: Option<Spanned<i64>>,
}

impl Account {
    /// The account's own W, when its dossier sets one (checked to be 1 to 120).
    pub fn window_months(&self) -> Option<u32> {
        let w = *self.retention.inactive_after_months.as_ref()?.get_ref();
        u32::try_from(w).ok().filter(|w| (1..=120).contains(w))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub needs: Vec<String>,
    /// Our share of the customer's spend in our categories (0..1).
    pub share_of_wallet: Option<Spanned<Amount>>,
    /// How many days our goods stay in the customer's stock on average (Umschlaggeschwindigkeit),
    /// from the customer's own stock data.
    pub stock_turnover_days: Option<Spanned<Amount>>,
    #[serde(default)]
    pub competitors: Vec<String>,
    pub markets: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    pub payment_terms_days: Option<u32>,
    pub discount_rate: Option<Spanned<Amount>>,
    pub min_order_value: Option<Spanned<Amount>>,
    #[serde(default)]
    pub special_prices: Vec<SpecialPrice>,
    /// Prices below which we do not sell to this customer (an addition to SPEC 2.2).
    #[serde(default)]
    pub min_prices: Vec<MinPrice>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinPrice {
    pub product: String,
    pub price: Spanned<Amount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialPrice {
    pub product: String,
    pub price: Spanned<Amount>,
    pub until: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    /// Bonität, as the company grades it.
    pub rating: Option<String>,
    pub limit: Option<Spanned<Amount>>,
    /// Debitorenlaufzeit (days sales outstanding).
    pub dso_days: Option<u32>,
}

/// The next annual review.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub date: Option<Date>,
    #[serde(default)]
    pub alternatives: Vec<Date>,
    pub place: Option<String>,
    pub occasion: Option<String>,
    pub hook: Option<String>,
    pub main_goal: Option<String>,
    #[serde(default)]
    pub cooperation: Vec<String>,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub future_topics: Vec<String>,
    pub questions: Option<Spanned<Vec<String>>>,
}

impl Review {
    pub fn questions(&self) -> &[String] {
        self.questions.as_ref().map_or(&[], |q| q.get_ref().as_slice())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Influence {
    DecisionMaker,
    Influencer,
    User,
    Gatekeeper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attitude {
    Champion,
    Supporter,
    Neutral,
    Critic,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: Option<String>,
    pub influence: Option<Influence>,
    pub attitude: Option<Attitude>,
    /// The name of the contact this one reports to.
    pub reports_to: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingKind {
    Visit,
    Call,
    Video,
    AnnualReview,
    Event,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub date: Date,
    pub kind: MeetingKind,
    pub summary: Option<String>,
    /// Names of the customer's contacts who took part.
    #[serde(default)]
    pub attendees: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    pub opened: Date,
    /// Absent: still open.
    pub closed: Option<Spanned<Date>>,
    pub subject: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub date: Date,
    pub name: String,
    pub value: Option<Spanned<Amount>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Satisfaction {
    pub date: Date,
    /// 0..10
    pub score: Spanned<Amount>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    #[default]
    Open,
    Done,
    Dropped,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub title: String,
    pub due: Option<Date>,
    #[serde(default)]
    pub status: ActionStatus,
    #[serde(default)]
    pub milestone: bool,
    /// Revenue this action should bring this year.
    pub expected_revenue: Option<Spanned<Amount>>,
    /// 0..1
    pub probability: Option<Spanned<Amount>>,
    /// Who does it: a name of the team (or the owner); absent, the owner.
    pub assignee: Option<String>,
}

impl Action {
    /// Who does it: the assignee, else the account's owner.
    pub fn doer<'a>(&'a self, account: &'a Account) -> Option<&'a str> {
        self.assignee.as_deref().map(str::trim).filter(|a| !a.is_empty()).or(account.owner.as_deref())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coaching {
    pub date: Date,
    pub topic: String,
    pub materials: Option<String>,
    /// Who is coached: names of the team.
    #[serde(default)]
    pub participants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: Date,
    pub text: String,
}

/// An explicit customer-specific direct cost (DB II).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    pub date: Date,
    pub kind: Option<String>,
    pub amount: Amount,
}

/// A promotion (Aktion) run with the customer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    pub name: String,
    pub start: Date,
    pub end: Option<Date>,
    #[serde(default)]
    pub products: Vec<String>,
    /// What it brought, in words.
    pub result: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub title: String,
    pub metric: Option<String>,
    pub target: Option<Amount>,
    pub due: Option<Date>,
    /// The day it was agreed, usually at an annual review: the brief's look back lists it there.
    pub agreed: Option<Date>,
}

/// Whether `id` is a valid account id: lower-case letters, digits, `-` and `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The message for an invalid account id.
pub fn invalid_id_message(id: &str) -> crate::messages::Message {
    crate::msg!(
        "\"{id}\" is not a valid account id: use lower-case letters, digits, \"-\" and \"_\" only (like \"{like}\")",
        id = id,
        like = suggest_id(id)
    )
}

/// A valid id close to `id`: lower-cased, with other characters turned into `-`.
pub fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'ä' => "ae".to_string(),
            'ö' => "oe".to_string(),
            'ü' => "ue".to_string(),
            'ß' => "ss".to_string(),
            c if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' => c.to_string(),
            _ => "-".to_string(),
        };
        if !(c == "-" && (out.is_empty() || out.ends_with('-'))) {
            out.push_str(&c);
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "nordwind".to_string() } else { out }
}

/// Reads one dossier; problems go to `diags`. Returns the account when it could be read.
pub fn load(path: &Path, diags: &mut Diagnostics) -> Option<Account> {
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if !is_valid_id(&id) {
        diags.error(Location::File(path.to_path_buf()), invalid_id_message(&id));
    }
    let text = match crate::tomlfile::read_text(path) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    load_text(path, &text, diags)
}

/// Reads and validates a dossier from `text`, as if it were the contents of `path` (which is not
/// read): the check of an edit before it is written. Problems go to `diags`, naming `path`.
pub fn load_text(path: &Path, text: &str, diags: &mut Diagnostics) -> Option<Account> {
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    // Spans of customer_ids entries are taken from a second, lightweight parse.
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default)]
        customer_ids: Vec<Spanned<toml::Value>>,
    }
    let (mut account, complete): (Account, bool) = match crate::tomlfile::parse_all(path, text) {
        Ok(a) => (a, true),
        Err((errors, rest)) => {
            errors.into_iter().for_each(|d| diags.push(d));
            // The entries that could be read are still checked, so that one run lists all.
            match rest {
                Some(a) => (a, false),
                None => return None,
            }
        }
    };
    if let Ok(ids) = toml::from_str::<Ids>(text) {
        account.customer_id_lines =
            ids.customer_ids.iter().map(|v| text_location(path, text, v.span().start)).collect();
    }
    account.id = id;
    account.path = path.to_path_buf();
    validate(&account, text, diags);
    complete.then_some(account)
}

fn validate(a: &Account, text: &str, diags: &mut Diagnostics) {
    let at = |span: std::ops::Range<usize>| text_location(&a.path, text, span.start);
    let file = || Location::File(a.path.clone());
    if a.name.trim().is_empty() {
        diags.error(file(), crate::msg!("`name` must not be empty"));
    }
    if let Some(w) = &a.retention.inactive_after_months
        && !(1..=120).contains(w.get_ref())
    {
        diags.error(
            at(w.span()),
            crate::msg!(
                "inactive_after_months must be a whole number of months from 1 to 120, found {months}",
                months = w.get_ref().to_string()
            ),
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (i, c) in a.customer_ids.iter().enumerate() {
        let loc = a.customer_id_lines.get(i).cloned().unwrap_or_else(file);
        if c.trim().is_empty() {
            diags.error(loc, crate::msg!("empty customer number in `customer_ids`"));
        } else if !seen.insert(c.trim()) {
            diags.warning(
                loc,
                crate::msg!("customer \"{customer}\" is listed twice in `customer_ids`", customer = c.trim()),
            );
        }
    }
    let mut fraction = |v: &Option<Spanned<Amount>>, what: &str| {
        if let Some(v) = v {
            let x = v.get_ref().value();
            if x < Decimal::ZERO || x > Decimal::ONE {
                diags.push(Diagnostic::error(
                    at(v.span()),
                    crate::msg!(
                        "{what} must be a fraction from 0 to 1 (0.45 for 45 %), found {x}",
                        what = what,
                        x = x.to_string()
                    ),
                ));
            }
        }
    };
    fraction(&a.profile.share_of_wallet, "share_of_wallet");
    fraction(&a.conditions.discount_rate, "discount_rate");
    for action in &a.actions {
        fraction(&action.probability, "probability");
    }
    if let Some(days) = &a.profile.stock_turnover_days
        && days.get_ref().value() <= Decimal::ZERO
    {
        diags.error(
            at(days.span()),
            crate::msg!(
                "stock_turnover_days must be a number of days above 0, found {days}",
                days = days.get_ref().to_string()
            ),
        );
    }
    let mut non_negative = |v: Option<&Spanned<Amount>>, what: crate::messages::Message| {
        if let Some(v) = v
            && v.get_ref().value() < Decimal::ZERO
        {
            diags.push(Diagnostic::error(
                at(v.span()),
                crate::msg!(
                    "{what} must not be negative, found {x}",
                    what = what,
                    x = v.get_ref().to_string()
                ),
            ));
        }
    };
    non_negative(a.conditions.min_order_value.as_ref(), crate::messages::Message::raw("min_order_value"));
    non_negative(a.credit.limit.as_ref(), crate::msg!("credit limit"));
    for p in &a.conditions.special_prices {
        non_negative(Some(&p.price), crate::msg!("a special price"));
    }
    for p in &a.conditions.min_prices {
        non_negative(Some(&p.price), crate::msg!("a minimum price"));
    }
    for s in &a.services {
        non_negative(s.value.as_ref(), crate::msg!("a service value"));
    }
    for action in &a.actions {
        non_negative(action.expected_revenue.as_ref(), crate::messages::Message::raw("expected_revenue"));
    }
    for p in &a.promotions {
        if let Some(end) = p.end
            && end < p.start
        {
            diags.error(
                file(),
                crate::msg!(
                    "promotion \"{name}\" ends on {end} before it starts on {start}",
                    name = &p.name,
                    end = end.to_string(),
                    start = p.start.to_string()
                ),
            );
        }
    }
    for s in &a.satisfaction {
        let x = s.score.get_ref().value();
        if x < Decimal::ZERO || x > Decimal::TEN {
            diags.push(Diagnostic::error(
                at(s.score.span()),
                crate::msg!("satisfaction score must be from 0 to 10, found {x}", x = x.to_string()),
            ));
        }
    }
    for c in &a.complaints {
        if let Some(closed) = &c.closed
            && *closed.get_ref() < c.opened
        {
            diags.push(Diagnostic::error(
                at(closed.span()),
                crate::msg!(
                    "complaint closed on {closed} before it was opened on {opened}",
                    closed = closed.get_ref().to_string(),
                    opened = c.opened.to_string()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(name: &str, text: &str) -> (Option<Account>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let mut diags = Diagnostics::new();
        let account = load(&path, &mut diags);
        let prefix = format!("{}/", dir.path().display());
        let messages = diags.items().iter().map(|d| d.to_string().replace(&prefix, "")).collect();
        (account, messages)
    }

    #[test]
    fn reads_a_full_dossier() {
        let text = include_str!("../tests/fixtures/dossier-full.toml");
        let (account, messages) = load_text("nordwind.toml", text);
        assert!(messages.is_empty(), "{messages:?}");
        let a = account.unwrap();
        assert_eq!(a.id, "nordwind");
        assert_eq!(a.customer_ids, vec!["10042", "10043"]);
        assert!(a.customer_id_lines[1].to_string().ends_with("/nordwind.toml:2:26"));
        assert_eq!(a.meetings[0].kind, MeetingKind::Visit);
        assert_eq!(a.actions[0].probability.as_ref().unwrap().get_ref().value(), Decimal::new(6, 1));
        assert_eq!(a.conditions.special_prices[0].price.get_ref().value(), Decimal::new(950, 2));
        assert_eq!(a.review.as_ref().unwrap().questions().len(), 1);
    }

    #[test]
    fn range_checks_name_the_value() {
        let (_, messages) = load_text(
            "x.toml",
            "name = \"X\"\n[profile]\nshare_of_wallet = 45\n[[satisfaction]]\ndate = 2026-01-01\nscore = 11\n\
             [[complaints]]\nopened = 2026-04-05\nclosed = 2026-04-02\nsubject = \"late\"\n",
        );
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("x.toml:3:19: error: share_of_wallet must be a fraction"),
            "{messages:?}"
        );
        assert!(messages[1].contains("satisfaction score must be from 0 to 10, found 11"), "{messages:?}");
        assert!(
            messages[2].starts_with("x.toml:9:10: error: complaint closed on 2026-04-02 before"),
            "{messages:?}"
        );
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("nordwind_2-a"));
        assert!(!is_valid_id("Nordwind"));
        assert!(!is_valid_id("../x"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Müller & Söhne"), "mueller-soehne");
    }
}
