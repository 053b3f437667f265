//! `kam radar`: the items that need attention, by owner and account, as Markdown and JSON.

use super::tr;
use crate::config::Language;
use crate::diag::display_path;
use crate::radar::{DossierPart, Fact, Item, Kind, Radar, Severity, Source};
use crate::render::{Block, Document, Style};
use serde_json::{Value as Json, json};
use std::borrow::Cow;

/// The name of a kind, as a heading of its items.
fn kind_text(language: Language, kind: Kind) -> String {
    let (en, de) = match kind {
        Kind::ReviewUpcoming => ("Annual review coming", "Jahresgespräch steht an"),
        Kind::ReviewMissing => ("No annual review", "Kein Jahresgespräch"),
        Kind::ActionOverdue => ("Action overdue", "Maßnahme überfällig"),
        Kind::ActionDue => ("Action due", "Maßnahme fällig"),
        Kind::ComplaintOpen => ("Complaint open", "Reklamation offen"),
        Kind::ContactStale => ("Contact not met", "Kontakt fehlt"),
        Kind::SpecialPriceExpiring => ("Special price ends", "Sonderpreis läuft aus"),
        Kind::PriceBelowMinimum => ("Below the minimum price", "Unter dem Mindestpreis"),
        Kind::DsoOverTerms => ("Paying late", "Zahlt zu spät"),
        Kind::CreditLimit => ("Credit limit", "Kreditlimit"),
        Kind::SatisfactionDrop => ("Satisfaction", "Zufriedenheit"),
        Kind::RevenueDown => ("Revenue down", "Umsatz rückläufig"),
        Kind::ChurnRisk => ("Churn risk", "Abwanderungsgefahr"),
        Kind::GoalBehind => ("Goal behind", "Ziel im Rückstand"),
        Kind::DossierIncomplete => ("Dossier incomplete", "Dossier unvollständig"),
    };
    tr(language, en, de)
}

fn severity_text(language: Language, s: Severity) -> String {
    let (en, de) = match s {
        Severity::High => ("high", "hoch"),
        Severity::Medium => ("medium", "mittel"),
        Severity::Low => ("low", "niedrig"),
    };
    tr(language, en, de)
}

fn days_text(language: Language, n: i64) -> String {
    super::plural(language, n.unsigned_abs(), ("day", "days"), ("Tag", "Tage"))
}

/// Days after "in", "vor", "seit", "bei": "in 24 Tagen".
fn days_after(language: Language, n: i64) -> String {
    super::plural(language, n.unsigned_abs(), ("day", "days"), ("Tag", "Tagen"))
}

/// What an item says, and what to do; texts from the dossiers passed through `e` (escaping for
/// Markdown, none for JSON).
pub fn fact_text(
    language: Language,
    currency: &str,
    fact: &Fact,
    e: &dyn Fn(&str) -> Cow<'_, str>,
) -> String {
    let style = Style::new(language);
    let t = |en: String, de: String| tr(language, &en, &de);
    let money = |v| style.amount(v, currency);
    match fact {
        Fact::ReviewUpcoming { date, days, missing, questions, alternatives, place } => {
            let mut gaps: Vec<String> =
                missing.iter().map(|m| super::brief::checklist_label(*m, language)).collect();
            if !(10..=14).contains(questions) {
                gaps.push(t(
                    format!("{questions} questions (10 to 14 work best)"),
                    format!("{questions} Fragen (10 bis 14 sind ideal)"),
                ));
            }
            if !alternatives {
                gaps.push(t("no alternative dates".into(), "keine Ausweichtermine".into()));
            }
            if !place {
                gaps.push(t("no place".into(), "kein Ort".into()));
            }
            let when = t(
                format!("on {} (in {})", style.date(*date), days_text(language, *days)),
                format!("am {} (in {})", style.date(*date), days_after(language, *days)),
            );
            if gaps.is_empty() {
                t(
                    format!("{when}; the dossier is ready: generate the brief"),
                    format!("{when}; das Dossier ist bereit: Brief erzeugen"),
                )
            } else {
                t(
                    format!("{when}; prepare: {}", gaps.join(", ")),
                    format!("{when}; vorzubereiten: {}", gaps.join(", ")),
                )
            }
        }
        Fact::ReviewMissing { planned: None } => t(
            "no annual review planned: set [review] date".into(),
            "kein Jahresgespräch geplant: [review] date setzen".into(),
        ),
        Fact::ReviewMissing { planned: Some(d) } => t(
            format!(
                "the review planned for {} has no annual-review meeting recorded: log it, or plan the next",
                style.date(*d)
            ),
            format!(
                "zum für {} geplanten Jahresgespräch ist kein Kontakt der Art annual-review erfasst: eintragen oder das nächste planen",
                style.date(*d)
            ),
        ),
        Fact::Action { title, milestone, due, days } => {
            let mark = if *milestone { " ◆" } else { "" };
            t(
                format!("„{}“{mark}, due {} (in {})", e(title), style.date(*due), days_text(language, *days)),
                format!(
                    "„{}“{mark}, fällig {} (in {})",
                    e(title),
                    style.date(*due),
                    days_after(language, *days)
                ),
            )
        }
        Fact::Complaint { subject, opened, days } => {
            let subject = subject.as_deref().map_or(Cow::Borrowed("–"), e);
            t(
                format!(
                    "„{subject}“ opened {}, open for {}",
                    style.date(*opened),
                    days_text(language, *days)
                ),
                format!(
                    "„{subject}“ eröffnet {}, seit {} offen",
                    style.date(*opened),
                    days_after(language, *days)
                ),
            )
        }
        Fact::ContactStale { name, role, decision_maker, last, days } => {
            let who = match role {
                Some(r) => format!("{} ({})", e(name), e(r)),
                None => e(name).into_owned(),
            };
            let what = if *decision_maker {
                tr(language, "decision-maker", "Entscheider")
            } else {
                tr(language, "champion", "Fürsprecher")
            };
            match (last, days) {
                (Some(l), Some(d)) => t(
                    format!(
                        "{what} {who} last met {} ({} ago): arrange a meeting",
                        style.date(*l),
                        days_text(language, *d)
                    ),
                    format!(
                        "{what} {who} zuletzt getroffen am {} (vor {}): einen Termin vereinbaren",
                        style.date(*l),
                        days_after(language, *d)
                    ),
                ),
                _ => t(
                    format!("{what} {who} never met in a recorded meeting: arrange a meeting"),
                    format!("{what} {who} in keinem erfassten Kontakt getroffen: einen Termin vereinbaren"),
                ),
            }
        }
        Fact::SpecialPrice { product, price, until, days } => {
            if *days >= 0 {
                t(
                    format!(
                        "{} at {} ends on {} (in {}): renegotiate",
                        e(product),
                        money(*price),
                        style.date(*until),
                        days_text(language, *days)
                    ),
                    format!(
                        "{} zu {} läuft am {} aus (in {}): neu verhandeln",
                        e(product),
                        money(*price),
                        style.date(*until),
                        days_after(language, *days)
                    ),
                )
            } else {
                t(
                    format!(
                        "{} at {} ended on {}: renegotiate or remove",
                        e(product),
                        money(*price),
                        style.date(*until)
                    ),
                    format!(
                        "{} zu {} ist am {} ausgelaufen: neu verhandeln oder streichen",
                        e(product),
                        money(*price),
                        style.date(*until)
                    ),
                )
            }
        }
        Fact::PriceBelowMinimum { product, minimum, lowest, sales, lost, from, to } => {
            let n = style.value(&crate::render::Value::Count(*sales));
            t(
                format!(
                    "{}: {n} sales {}–{} below the minimum price {}, the lowest at {}; {} of margin lost at the minimum price",
                    e(product),
                    style.date(*from),
                    style.date(*to),
                    money(*minimum),
                    money(*lowest),
                    money(*lost)
                ),
                format!(
                    "{}: {n} Verkäufe {}–{} unter dem Mindestpreis {}, der niedrigste zu {}; {} Deckungsbeitrag entgangen gegenüber dem Mindestpreis",
                    e(product),
                    style.date(*from),
                    style.date(*to),
                    money(*minimum),
                    money(*lowest),
                    money(*lost)
                ),
            )
        }
        Fact::DsoOverTerms { dso, terms } => t(
            format!(
                "DSO {} against payment terms of {}: talk to accounts receivable",
                days_text(language, i64::from(*dso)),
                days_text(language, i64::from(*terms))
            ),
            format!(
                "Debitorenlaufzeit {} bei {} Zahlungsziel: mit der Buchhaltung sprechen",
                days_text(language, i64::from(*dso)),
                days_after(language, i64::from(*terms))
            ),
        ),
        Fact::CreditLimit { receivables, limit, share } => t(
            format!(
                "expected receivables {} are {} of the credit limit {}",
                money(*receivables),
                style.percent(*share),
                money(*limit)
            ),
            format!(
                "voraussichtlicher Forderungsbestand {} ist {} des Kreditlimits {}",
                money(*receivables),
                style.percent(*share),
                money(*limit)
            ),
        ),
        Fact::SatisfactionDrop { latest, previous, date } => {
            let score = |v: rust_decimal::Decimal| {
                format!("{}/10", style.number(v.normalize(), v.normalize().scale().min(1)))
            };
            match previous {
                Some(p) => t(
                    format!(
                        "{} on {} after {}: ask what went wrong",
                        score(*latest),
                        style.date(*date),
                        score(*p)
                    ),
                    format!(
                        "{} am {} nach {}: nachfragen, was schiefging",
                        score(*latest),
                        style.date(*date),
                        score(*p)
                    ),
                ),
                None => t(
                    format!("{} on {}: ask what went wrong", score(*latest), style.date(*date)),
                    format!("{} am {}: nachfragen, was schiefging", score(*latest), style.date(*date)),
                ),
            }
        }
        Fact::RevenueDown { current, previous, change, first, last } => {
            let now = style.months(*first, *last);
            let before = style.months(*first - 12, *last - 12);
            t(
                format!(
                    "net revenue {now} {} against {} in {before} ({})",
                    money(*current),
                    money(*previous),
                    style.change(*change)
                ),
                format!(
                    "Nettoumsatz {now} {} gegenüber {} in {before} ({})",
                    money(*current),
                    money(*previous),
                    style.change(*change)
                ),
            )
        }
        Fact::ChurnRisk { last_order, days, median_gap, inactive_since } => {
            let gap = median_gap.map(|g| style.number(g, u32::from(!g.fract().is_zero())));
            match (inactive_since, gap) {
                (Some(m), _) => t(
                    format!(
                        "no purchase within the window since {}; last order day {}: call the customer",
                        style.month(*m),
                        style.date(*last_order)
                    ),
                    format!(
                        "seit {} ohne Kauf im Fenster; letzter Auftragstag {}: den Kunden anrufen",
                        style.month(*m),
                        style.date(*last_order)
                    ),
                ),
                (None, Some(g)) => t(
                    format!(
                        "last order day {} ({} ago), usually an order every {g} days: call the customer",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                    format!(
                        "letzter Auftragstag {} (vor {}), sonst alle {g} Tage ein Auftrag: den Kunden anrufen",
                        style.date(*last_order),
                        days_after(language, *days)
                    ),
                ),
                (None, None) => t(
                    format!(
                        "last order day {} ({} ago)",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                    format!(
                        "letzter Auftragstag {} (vor {})",
                        style.date(*last_order),
                        days_after(language, *days)
                    ),
                ),
            }
        }
        Fact::GoalBehind { title, target, projected, share, due } => {
            let share = share.map_or("–".to_string(), |s| style.percent(s));
            t(
                format!(
                    "„{}“: projected {} of the target {} ({share}), due {}",
                    e(title),
                    style.number(*projected, 2),
                    style.number(*target, 2),
                    style.date(*due)
                ),
                format!(
                    "„{}“: hochgerechnet {} von {} ({share}), fällig {}",
                    e(title),
                    style.number(*projected, 2),
                    style.number(*target, 2),
                    style.date(*due)
                ),
            )
        }
        Fact::DossierIncomplete { missing } => {
            let parts: Vec<String> = missing
                .iter()
                .map(|p| match p {
                    DossierPart::Owner => tr(language, "no owner", "kein KAM"),
                    DossierPart::CustomerIds => tr(language, "no customer numbers", "keine Kundennummern"),
                    DossierPart::Contacts => tr(language, "no contacts", "keine Ansprechpartner"),
                    DossierPart::Review => tr(language, "no [review]", "kein [review]"),
                })
                .collect();
            parts.join(", ")
        }
    }
}

/// The text of an item: an overdue action reads "… was due on …".
pub fn item_text(
    language: Language,
    currency: &str,
    item: &Item,
    e: &dyn Fn(&str) -> Cow<'_, str>,
) -> String {
    match (&item.fact, item.kind) {
        (Fact::Action { title, milestone, due, days }, Kind::ActionOverdue) => {
            let style = Style::new(language);
            let mark = if *milestone { " ◆" } else { "" };
            tr(
                language,
                &format!(
                    "„{}“{mark} was due on {} ({} ago)",
                    e(title),
                    style.date(*due),
                    days_text(language, *days)
                ),
                &format!(
                    "„{}“{mark} war fällig am {} (vor {})",
                    e(title),
                    style.date(*due),
                    days_after(language, *days)
                ),
            )
        }
        (fact, _) => fact_text(language, currency, fact, e),
    }
}

/// Where an item's facts come from: `accounts/x.toml:57`, or the exports.
pub fn source_text(source: &Source) -> String {
    match source {
        Source::Dossier { file, line: Some(l) } => format!("{}:{l}", display_path(file)),
        Source::Dossier { file, line: None } => display_path(file),
        Source::Exports => "exports".to_string(),
    }
}

/// A dossier's text for Markdown.
fn escaped(s: &str) -> Cow<'_, str> {
    crate::markdown::inline(s)
}

/// A dossier's text as it is (JSON).
fn as_written(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

/// `kam radar` as a document.
pub fn radar_document(r: &Radar, language: Language, workspace: &str) -> Document<'static> {
    let style = Style::new(language);
    let mut blocks = vec![Block::Heading(
        1,
        format!("{} — {}", tr(language, "Radar", "Radar"), crate::markdown::inline(workspace)),
    )];
    let count = |s: Severity| r.items.iter().filter(|i| i.severity == s).count() as u64;
    blocks.push(Block::Bullets(vec![
        tr(language, &format!("As of {}", style.date(r.today)), &format!("Stand {}", style.date(r.today))),
        tr(
            language,
            &format!("Looking ahead {}", days_text(language, i64::from(r.days))),
            &format!("Vorschau {}", days_text(language, i64::from(r.days))),
        ),
        tr(
            language,
            &format!(
                "{} high, {} medium, {} low",
                count(Severity::High),
                count(Severity::Medium),
                count(Severity::Low)
            ),
            &format!(
                "{} hoch, {} mittel, {} niedrig",
                count(Severity::High),
                count(Severity::Medium),
                count(Severity::Low)
            ),
        ),
        match r.data_end {
            Some(d) => tr(
                language,
                &format!("Exports up to {}", style.date(d)),
                &format!("Exporte bis {}", style.date(d)),
            ),
            None => tr(language, "No exports", "Keine Exporte"),
        },
    ]));
    if r.items.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "Nothing needs attention.",
            "Nichts braucht Aufmerksamkeit.",
        )));
    }
    let mut owner: Option<&Option<String>> = None;
    let mut account: Option<&str> = None;
    let mut lines: Vec<String> = Vec::new();
    let flush = |blocks: &mut Vec<Block<'static>>, lines: &mut Vec<String>| {
        if !lines.is_empty() {
            blocks.push(Block::Bullets(std::mem::take(lines)));
        }
    };
    for item in &r.items {
        if owner != Some(&item.owner) {
            flush(&mut blocks, &mut lines);
            let name = crate::group::GroupName::owner(item.owner.as_deref());
            blocks.push(Block::Heading(
                2,
                crate::markdown::inline(&super::group_text(language, &name)).into_owned(),
            ));
            owner = Some(&item.owner);
            account = None;
        }
        if account != Some(item.account.as_str()) {
            flush(&mut blocks, &mut lines);
            blocks.push(Block::Heading(
                3,
                format!("{} (`{}`)", crate::markdown::inline(&item.name), item.account.replace('`', "")),
            ));
            account = Some(&item.account);
        }
        let who = match (&item.assignee, &item.owner) {
            (Some(a), Some(o)) if a != o => format!(" — {}", crate::markdown::inline(a)),
            _ => String::new(),
        };
        lines.push(format!(
            "**{}** · {}: {}{who} — `{}`",
            severity_text(language, item.severity),
            kind_text(language, item.kind),
            item_text(language, &r.currency, item, &escaped),
            match &item.source {
                Source::Exports => tr(language, "exports", "Exporte"),
                source => source_text(source).replace('`', ""),
            }
        ));
    }
    flush(&mut blocks, &mut lines);
    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(definitions(r, language)));
    Document { blocks, csv_table: Some(items_table(r, language)) }
}

fn definitions(r: &Radar, language: Language) -> Vec<String> {
    let s = &r.settings;
    let style = Style::new(language);
    let d = |n: u32| days_after(language, i64::from(n));
    vec![
        tr(
            language,
            &format!(
                "Annual reviews within {} are listed with what the dossier lacks for the brief (checklist items the dossier holds, 10 to 14 questions, alternative dates, a place); high when within 7 days and not ready, low when ready. A review whose date passed without an annual-review meeting, or no review at all, is review_missing.",
                d(r.days)
            ),
            &format!(
                "Jahresgespräche innerhalb von {} stehen mit dem, was dem Dossier für den Brief fehlt (Punkte der Checkliste aus dem Dossier, 10 bis 14 Fragen, Ausweichtermine, ein Ort); hoch, wenn in höchstens 7 Tagen und nicht bereit, niedrig, wenn bereit. Ein Gespräch, dessen Termin ohne Kontakt der Art annual-review verstrich, oder keines, ist review_missing.",
                d(r.days)
            ),
        ),
        tr(
            language,
            &format!(
                "Open actions past their due day (high after 14 days) or due within {} (medium for milestones), for their assignee (the owner when none is named). Open complaints, high after {}.",
                d(r.days),
                d(s.complaint_days)
            ),
            &format!(
                "Offene Maßnahmen nach ihrem Termin (hoch nach 14 Tagen) oder fällig innerhalb von {} (mittel bei Meilensteinen), für die zugewiesene Person (ohne Angabe des KAM). Offene Reklamationen, hoch nach {}.",
                d(r.days),
                d(s.complaint_days)
            ),
        ),
        tr(
            language,
            &format!(
                "Decision-makers and champions not among the attendees of a meeting for more than {}, or never. Special prices ending within {} or ended in the last {} (high within 30 days). Sales of the last {} of the exports below the dossier's minimum price (unit price, else net revenue / quantity): count, lowest price, margin lost = Σ (minimum − price) × quantity.",
                d(s.contact_days),
                d(s.price_days_ahead),
                d(s.price_days_past),
                d(s.below_minimum_days)
            ),
            &format!(
                "Entscheider und Fürsprecher, die seit mehr als {} oder nie unter den Teilnehmern eines Kontakts waren. Sonderpreise, die innerhalb von {} auslaufen oder in den letzten {} ausgelaufen sind (hoch innerhalb von 30 Tagen). Verkäufe der letzten {} Tage der Exporte unter dem Mindestpreis des Dossiers (Einzelpreis, sonst Nettoumsatz / Menge): Anzahl, niedrigster Preis, entgangener Deckungsbeitrag = Σ (Mindestpreis − Preis) × Menge.",
                d(s.contact_days),
                d(s.price_days_ahead),
                d(s.price_days_past),
                s.below_minimum_days
            ),
        ),
        tr(
            language,
            &format!(
                "DSO above the payment terms (high beyond 30 days more); expected receivables (net revenue of the last 12 months × (1 + VAT) × DSO / 365) at {} of the credit limit or more (high at 100 %). A satisfaction score {} or more below the one before, or {} or lower (high when both).",
                style.percent(s.credit_share),
                style.number(s.satisfaction_drop, 0),
                style.number(s.satisfaction_low, 0)
            ),
            &format!(
                "Debitorenlaufzeit über dem Zahlungsziel (hoch bei mehr als 30 Tagen darüber); voraussichtlicher Forderungsbestand (Nettoumsatz der letzten 12 Monate × (1 + USt.) × Debitorenlaufzeit / 365) ab {} des Kreditlimits (hoch ab 100 %). Eine Zufriedenheit {} oder mehr unter der vorigen, oder {} und darunter (hoch bei beidem).",
                style.percent(s.credit_share),
                style.number(s.satisfaction_drop, 0),
                style.number(s.satisfaction_low, 0)
            ),
        ),
        tr(
            language,
            &format!(
                "Net revenue from January to the exports' last month {} or more below the same months a year before (high from 25 %). Churn risk: the days since the last order day above {} × the median gap between order days of the last {} months (with at least {} order days), or the account became inactive within the last {} months (high). Goals due this year projected below {} of their target.",
                style.percent(s.revenue_drop),
                style.number(s.gap_factor, 1),
                s.gap_months,
                s.min_order_days,
                s.inactive_months,
                style.percent(s.goal_share)
            ),
            &format!(
                "Nettoumsatz von Januar bis zum letzten Monat der Exporte {} oder mehr unter denselben Monaten des Vorjahres (hoch ab 25 %). Abwanderungsgefahr: die Tage seit dem letzten Auftragstag über {} × dem mittleren Abstand der Auftragstage der letzten {} Monate (bei mindestens {} Auftragstagen), oder der Schlüsselkunde wurde in den letzten {} Monaten inaktiv (hoch). Ziele mit Termin in diesem Jahr, hochgerechnet unter {} ihres Zielwerts.",
                style.percent(s.revenue_drop),
                style.number(s.gap_factor, 1),
                s.gap_months,
                s.min_order_days,
                s.inactive_months,
                style.percent(s.goal_share)
            ),
        ),
        tr(
            language,
            "Dossiers without owner, customer numbers, contacts or [review] (low). The thresholds are [radar] in kam.toml; --fail-on high|medium makes kam radar exit 1 when such an item exists.",
            "Dossiers ohne KAM, Kundennummern, Ansprechpartner oder [review] (niedrig). Die Schwellen stehen unter [radar] in kam.toml; mit --fail-on high|medium endet kam radar mit 1, wenn es einen solchen Punkt gibt.",
        ),
    ]
}

/// The items as a table, for CSV and Excel: machine names for kind and severity, the text in the
/// report language.
fn items_table(r: &Radar, language: Language) -> crate::render::Table<'static> {
    use crate::render::{Column, Value};
    let keys = ["account", "owner", "assignee", "kind", "severity", "due", "text", "source"];
    let rows: Vec<Vec<Value>> = r
        .items
        .iter()
        .map(|i| {
            vec![
                Value::Text(i.account.clone()),
                Value::Text(i.owner.clone().unwrap_or_default()),
                Value::Text(i.assignee.clone().unwrap_or_default()),
                Value::Text(i.kind.name().to_string()),
                Value::Text(i.severity.name().to_string()),
                Value::Date(i.due),
                Value::Text(item_text(language, &r.currency, i, &as_written)),
                Value::Text(source_text(&i.source)),
            ]
        })
        .collect();
    crate::render::Table {
        columns: keys.iter().map(|k| Column { key: k.to_string(), label: k.to_string() }).collect(),
        rows: rows.into(),
        total: None,
    }
}

/// `kam radar --format json` (docs/json.md).
pub fn radar_json(r: &Radar, language: Language) -> Json {
    let items: Vec<Json> = r
        .items
        .iter()
        .map(|i| {
            json!({
                "account": i.account,
                "owner": i.owner,
                "assignee": i.assignee,
                "kind": i.kind.name(),
                "severity": i.severity.name(),
                "due": i.due.map(|d| d.to_string()),
                "text": item_text(language, &r.currency, i, &as_written),
                "source": source_text(&i.source),
            })
        })
        .collect();
    json!({ "today": r.today.to_string(), "days": r.days, "items": items })
}
