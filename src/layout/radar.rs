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
        Kind::ReviewUpcoming => ("Annual review coming up", "Jahresgespräch steht an"),
        Kind::ReviewMissing => ("No annual review", "Kein Jahresgespräch"),
        Kind::ActionOverdue => ("Action overdue", "Maßnahme überfällig"),
        Kind::ActionDue => ("Action due", "Maßnahme fällig"),
        Kind::ComplaintOpen => ("Open complaint", "Reklamation offen"),
        Kind::ContactStale => ("Contact overdue", "Kontakt überfällig"),
        Kind::SpecialPriceExpiring => ("Special price ends", "Sonderpreis läuft aus"),
        Kind::PriceBelowMinimum => ("Minimum price undercut", "Mindestpreis unterschritten"),
        Kind::DsoOverTerms => ("Payment terms exceeded", "Zahlungsziel überschritten"),
        Kind::CreditLimit => ("Credit limit", "Kreditlimit"),
        Kind::SatisfactionDrop => ("Low satisfaction", "Zufriedenheit niedrig oder gesunken"),
        Kind::RevenueDown => ("Revenue down", "Umsatz rückläufig"),
        Kind::ChurnRisk => ("Churn risk", "Abwanderungsgefahr"),
        Kind::GoalBehind => ("Goal off track", "Ziel im Rückstand"),
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

/// "heute", "morgen", "in 3 Tagen" (English: "today", "tomorrow", "in 3 days").
fn in_days(language: Language, n: i64) -> String {
    match n {
        0 => tr(language, "today", "heute"),
        1 => tr(language, "tomorrow", "morgen"),
        n => tr(
            language,
            &format!("in {}", days_text(language, n)),
            &format!("in {}", days_after(language, n)),
        ),
    }
}

/// A text in the quotation marks of the language: “…” or „…“.
fn quoted(language: Language, text: &str) -> String {
    match language {
        Language::En => format!("“{text}”"),
        Language::De => format!("„{text}“"),
    }
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
            // Mid-sentence, the checklist's labels start lower-case in English.
            let mut gaps: Vec<String> = missing
                .iter()
                .map(|m| {
                    let l = super::brief::checklist_label(*m, language);
                    match language {
                        Language::En => l[..1].to_lowercase() + &l[1..],
                        Language::De => l,
                    }
                })
                .collect();
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
                format!("on {} ({})", style.date(*date), in_days(language, *days)),
                format!("am {} ({})", style.date(*date), in_days(language, *days)),
            );
            if gaps.is_empty() {
                t(
                    format!("{when}; the dossier is ready: generate the brief (kam brief)"),
                    format!("{when}; das Dossier ist bereit: Gesprächsunterlage erzeugen (kam brief)"),
                )
            } else {
                t(
                    format!("{when}; prepare: {}", gaps.join(", ")),
                    format!("{when}; vorzubereiten: {}", gaps.join(", ")),
                )
            }
        }
        Fact::ReviewMissing { planned: None } => t(
            "none planned: set `date` under [review]".into(),
            "keins geplant: Termin unter [review] `date` eintragen".into(),
        ),
        Fact::ReviewMissing { planned: Some(d) } => t(
            format!(
                "planned for {}, but no meeting of kind annual-review is recorded: log it, or schedule the next one",
                style.date(*d)
            ),
            format!(
                "für den {} geplant, aber kein Kontakt vom Typ annual-review erfasst: nachtragen oder das nächste Jahresgespräch planen",
                style.date(*d)
            ),
        ),
        Fact::Action { title, milestone, due, days } => {
            let mark = if *milestone { " ◆" } else { "" };
            t(
                format!(
                    "{}{mark}, due on {} ({})",
                    quoted(language, &e(title)),
                    style.date(*due),
                    in_days(language, *days)
                ),
                format!(
                    "{}{mark}, fällig am {} ({})",
                    quoted(language, &e(title)),
                    style.date(*due),
                    in_days(language, *days)
                ),
            )
        }
        Fact::Complaint { subject, opened, days } => {
            let subject = quoted(language, &subject.as_deref().map_or(Cow::Borrowed("–"), e));
            t(
                format!(
                    "{subject} raised {}, open for {}: push for closure",
                    style.date(*opened),
                    days_text(language, *days)
                ),
                format!(
                    "{subject} vom {}, seit {} offen: Abschluss vorantreiben",
                    style.date(*opened),
                    days_after(language, *days)
                ),
            )
        }
        Fact::ContactStale { name, role, decision_maker, last, days } => {
            // The influence or attitude as the dossier's category, beside the person's own role.
            let what = if *decision_maker {
                tr(language, "influence: decision-maker", "Einfluss: Entscheider")
            } else {
                tr(language, "attitude: champion", "Haltung: Fürsprecher")
            };
            let who = match role {
                Some(r) => format!("{} ({}; {what})", e(name), e(r)),
                None => format!("{} ({what})", e(name)),
            };
            match (last, days) {
                (Some(l), Some(d)) => t(
                    format!(
                        "{who} last met on {} ({} ago): arrange a meeting",
                        style.date(*l),
                        days_text(language, *d)
                    ),
                    format!(
                        "{who} zuletzt getroffen am {} (vor {}): einen Termin vereinbaren",
                        style.date(*l),
                        days_after(language, *d)
                    ),
                ),
                _ => t(
                    format!("{who}: no recorded meeting yet: arrange a meeting"),
                    format!("{who}: noch nie getroffen (kein Kontakt erfasst): einen Termin vereinbaren"),
                ),
            }
        }
        Fact::SpecialPrice { product, price, until, days } => {
            if *days >= 0 {
                t(
                    format!(
                        "{} at {} valid until {} ({} left): renegotiate",
                        e(product),
                        money(*price),
                        style.date(*until),
                        days_text(language, *days)
                    ),
                    format!(
                        "{} zu {} gilt bis {} (noch {}): neu verhandeln",
                        e(product),
                        money(*price),
                        style.date(*until),
                        days_text(language, *days)
                    ),
                )
            } else {
                t(
                    format!(
                        "{} at {} ended on {}: renegotiate or remove it",
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
                    "{}: {n} sales from {} to {} below the minimum price of {}, the lowest at {}; {} margin lost against the minimum price: check the price approvals",
                    e(product),
                    style.date(*from),
                    style.date(*to),
                    money(*minimum),
                    money(*lowest),
                    money(*lost)
                ),
                format!(
                    "{}: {n} Verkäufe vom {} bis {} unter dem Mindestpreis von {}, niedrigster Preis {}; entgangener Deckungsbeitrag {}: Preisfreigaben prüfen",
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
                "DSO {}, payment terms {}: talk to accounts receivable",
                days_text(language, i64::from(*dso)),
                days_text(language, i64::from(*terms))
            ),
            format!(
                "Debitorenlaufzeit {}, Zahlungsziel {}: mit der Debitorenbuchhaltung abstimmen",
                days_text(language, i64::from(*dso)),
                days_text(language, i64::from(*terms))
            ),
        ),
        Fact::CreditLimit { receivables, limit, share } => t(
            format!(
                "expected receivables of {} are {} of the credit limit of {}: talk to credit management",
                money(*receivables),
                style.percent(*share),
                money(*limit)
            ),
            format!(
                "voraussichtlicher Forderungsbestand von {} ist {} des Kreditlimits von {}: mit dem Kreditmanagement abstimmen",
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
                        "{} on {} (before: {}): ask the customer why",
                        score(*latest),
                        style.date(*date),
                        score(*p)
                    ),
                    format!(
                        "{} am {} (vorher {}): Ursachen beim Kunden erfragen",
                        score(*latest),
                        style.date(*date),
                        score(*p)
                    ),
                ),
                None => t(
                    format!("{} on {}: ask the customer why", score(*latest), style.date(*date)),
                    format!("{} am {}: Ursachen beim Kunden erfragen", score(*latest), style.date(*date)),
                ),
            }
        }
        Fact::RevenueDown { current, previous, change, first, last } => {
            let now = style.months(*first, *last);
            let before = style.months(*first - 12, *last - 12);
            t(
                format!(
                    "net revenue {now}: {} against {} in {before} ({}): ask the customer why",
                    money(*current),
                    money(*previous),
                    style.change(*change)
                ),
                format!(
                    "Nettoumsatz {now}: {} gegenüber {} im Vorjahreszeitraum {before} ({}): Gründe mit dem Kunden klären",
                    money(*current),
                    money(*previous),
                    style.change(*change)
                ),
            )
        }
        Fact::ChurnRisk { last_order, days, median_gap, inactive_since, risk } => {
            let gap = median_gap.map(|g| style.number(g, u32::from(!g.fract().is_zero())));
            // The days are counted to the exports' last day (see the definitions).
            let text = match (inactive_since, gap) {
                (Some(m), _) => t(
                    format!(
                        "inactive since {} (no purchase within its window); last order day {}: call the customer",
                        style.month(*m),
                        style.date(*last_order)
                    ),
                    format!(
                        "seit {} inaktiv (kein Kauf im Zeitfenster); letzter Auftragstag {}: den Kunden anrufen",
                        style.month(*m),
                        style.date(*last_order)
                    ),
                ),
                (None, Some(g)) => t(
                    format!(
                        "last order day {} ({} before the exports end), usually an order every {g} days: call the customer",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                    format!(
                        "letzter Auftragstag {} ({} vor dem Ende der Exporte), sonst alle {g} Tage ein Auftrag: den Kunden anrufen",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                ),
                (None, None) => t(
                    format!(
                        "last order day {} ({} before the exports end): call the customer",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                    format!(
                        "letzter Auftragstag {} ({} vor dem Ende der Exporte): den Kunden anrufen",
                        style.date(*last_order),
                        days_text(language, *days)
                    ),
                ),
            };
            match risk {
                Some(p) => {
                    let score = style.number(p.shown, 0);
                    let (rank, of) = (p.rank, p.of);
                    let place = t(
                        format!("churn-risk score {score}/100, rank {rank} of {of} key accounts; "),
                        format!("Risikowert {score}/100, Rang {rank} von {of} Schlüsselkunden; "),
                    );
                    format!("{place}{text}")
                }
                None => text,
            }
        }
        Fact::GoalBehind { title, target, projected, share, due } => {
            let share = share.map_or("–".to_string(), |s| style.percent(s));
            t(
                format!(
                    "{}: projected {} of the target {} ({share}), due on {}",
                    quoted(language, &e(title)),
                    style.number(*projected, 2),
                    style.number(*target, 2),
                    style.date(*due)
                ),
                format!(
                    "{}: hochgerechnet {} von {} ({share}), fällig am {}",
                    quoted(language, &e(title)),
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
                    "{}{mark} was due on {} ({} ago)",
                    quoted(language, &e(title)),
                    style.date(*due),
                    days_text(language, *days)
                ),
                &format!(
                    "{}{mark} war fällig am {} (vor {})",
                    quoted(language, &e(title)),
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
        blocks.push(Block::Paragraph(tr(language, "Nothing needs attention.", "Keine offenen Punkte.")));
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
                "Annual reviews within {} are listed with what the dossier still lacks for the brief (the checklist items the dossier holds, 10 to 14 questions, alternative dates, a place); high when within 7 days and not ready, low when ready. A review whose date passed without a meeting of kind annual-review, or none planned, is listed as “No annual review”.",
                d(r.days)
            ),
            &format!(
                "Jahresgespräche innerhalb von {} werden mit dem aufgeführt, was im Dossier für die Gesprächsunterlage (kam brief) noch fehlt (Punkte der Checkliste aus dem Dossier, 10 bis 14 Fragen, Ausweichtermine, ein Ort); hoch, wenn in höchstens 7 Tagen und nicht bereit, niedrig, wenn bereit. Ein Jahresgespräch, dessen Termin ohne Kontakt vom Typ annual-review verstrich, oder wenn keines geplant ist, erscheint als „Kein Jahresgespräch“.",
                d(r.days)
            ),
        ),
        tr(
            language,
            &format!(
                "Open actions past their due date (high after 14 days) or due within {} (medium for milestones; ◆ marks a milestone), for their assignee (the owner when none is named). Open complaints, high after {}.",
                d(r.days),
                d(s.complaint_days)
            ),
            &format!(
                "Offene Maßnahmen nach ihrem Termin (hoch nach 14 Tagen) oder fällig innerhalb von {} (mittel bei Meilensteinen; ◆ kennzeichnet einen Meilenstein), für die zugewiesene Person (ohne Angabe: für den KAM). Offene Reklamationen, hoch nach {}.",
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
                "DSO above the payment terms (high beyond 30 days more); expected receivables (net revenue of the last 12 months × (1 + VAT) × DSO / 365) at {} of the credit limit or more (high at 100%). A satisfaction score at least {} points below the one before, or at most {} (high when both).",
                style.percent(s.credit_share),
                style.number(s.satisfaction_drop, s.satisfaction_drop.normalize().scale()),
                style.number(s.satisfaction_low, s.satisfaction_low.normalize().scale())
            ),
            &format!(
                "Debitorenlaufzeit über dem Zahlungsziel (hoch bei mehr als 30 Tagen darüber); voraussichtlicher Forderungsbestand (Nettoumsatz der letzten 12 Monate × (1 + USt.) × Debitorenlaufzeit / 365) ab {} des Kreditlimits (hoch ab 100\u{a0}%). Eine Zufriedenheitsbewertung mindestens {} Punkte unter der vorherigen oder höchstens {} (hoch, wenn beides zutrifft).",
                style.percent(s.credit_share),
                style.number(s.satisfaction_drop, s.satisfaction_drop.normalize().scale()),
                style.number(s.satisfaction_low, s.satisfaction_low.normalize().scale())
            ),
        ),
        tr(
            language,
            &format!(
                "Net revenue from January to the exports' last month {} or more below the same months a year before (high from 25%). Churn risk: the days from the last order day to the exports' last day above {} × the median gap between order days of the last {} months (with at least {} order days), a churn-risk score of {} or more (`kam risk --by account`, the score is shown with every churn-risk item), or the account became inactive within the last {} months (high). Goals due this year projected below {} of their target.",
                style.percent(s.revenue_drop),
                style.number(s.gap_factor, 1),
                s.gap_months,
                s.min_order_days,
                s.risk_score,
                s.inactive_months,
                style.percent(s.goal_share)
            ),
            &format!(
                "Nettoumsatz von Januar bis zum letzten Monat der Exporte {} oder mehr unter denselben Monaten des Vorjahres (hoch ab 25\u{a0}%). Abwanderungsgefahr: die Tage vom letzten Auftragstag bis zum Ende der Exporte über dem {}-Fachen des Medians der Abstände zwischen Auftragstagen der letzten {} Monate (bei mindestens {} Auftragstagen), ein Risikowert ab {} (`kam risk --by account`, jeder Punkt dieser Art nennt ihn) oder der Schlüsselkunde wurde in den letzten {} Monaten inaktiv (hoch). Ziele mit Termin in diesem Jahr, hochgerechnet unter {} ihres Zielwerts.",
                style.percent(s.revenue_drop),
                style.number(s.gap_factor, 1),
                s.gap_months,
                s.min_order_days,
                s.risk_score,
                s.inactive_months,
                style.percent(s.goal_share)
            ),
        ),
        tr(
            language,
            "Dossiers without owner, customer numbers, contacts or [review] (low). The thresholds are set under [radar] in kam.toml; with --fail-on high|medium, kam radar exits with status 1 when such an item exists.",
            "Dossiers ohne KAM, Kundennummern, Ansprechpartner oder [review] (niedrig). Die Schwellenwerte stehen unter [radar] in kam.toml; mit --fail-on high|medium endet kam radar mit dem Exit-Code 1, wenn es einen solchen Punkt gibt.",
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
