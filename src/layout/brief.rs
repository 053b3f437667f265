//! `kam brief`: the annual-review brief as one Markdown document, in the order of SPEC 1's agenda.

use super::{margin_definitions, tr};
use crate::brief::{Brief, ChecklistItem, PriceStatus};
use crate::config::{Language, MarginSettings};
use crate::dossier::{ActionStatus, Attitude, Influence};
use crate::margin::MarginFigures;
use crate::money::Decimal;
use crate::render::{Block, Column, Document, Style, Table, Value, mermaid_xychart, sparkline};
use chrono::NaiveDate;

struct Writer<'a> {
    language: Language,
    style: Style,
    currency: &'a str,
    blocks: Vec<Block<'static>>,
}

impl Writer<'_> {
    fn t(&self, en: &str, de: &str) -> String {
        tr(self.language, en, de)
    }

    fn money(&self, v: Decimal) -> String {
        self.style.amount(v, self.currency)
    }

    /// A text from the dossier or the exports, escaped for the Markdown around it.
    fn e<'s>(&self, text: &'s str) -> std::borrow::Cow<'s, str> {
        crate::markdown::inline(text)
    }

    /// Texts from the dossier as list items.
    fn items(&self, texts: &[String]) -> Vec<String> {
        texts.iter().map(|t| self.e(t).into_owned()).collect()
    }

    fn date(&self, d: NaiveDate) -> String {
        self.style.date(d)
    }

    fn count(&self, n: u64) -> String {
        self.style.value(&Value::Count(n))
    }

    fn pct(&self, v: Decimal) -> String {
        self.style.percent(v)
    }

    /// An estimate, rounded to three significant digits: "about 1.71 million EUR", "rund
    /// 412.000 EUR".
    fn estimate(&self, v: Decimal) -> String {
        let million = Decimal::from(1_000_000);
        if v.abs() >= million {
            let m = (v / million).round_dp(2);
            return format!(
                "{}\u{a0}{}\u{a0}{}",
                self.style.number(m, 2),
                self.t("million", "Mio."),
                self.currency
            );
        }
        let digits = v.abs().trunc().to_string().len() as u32;
        let factor = Decimal::from(10u64.pow(digits.saturating_sub(3)));
        let rounded = (v / factor).round() * factor;
        format!("{}\u{a0}{}", self.style.number(rounded, 0), self.currency)
    }

    fn heading(&mut self, level: u8, text: String) {
        self.blocks.push(Block::Heading(level, text));
    }

    fn para(&mut self, text: String) {
        self.blocks.push(Block::Paragraph(text));
    }

    fn bullets(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets(items));
        }
    }

    fn table(&mut self, columns: &[(&str, String)], rows: Vec<Vec<Value>>) {
        let columns =
            columns.iter().map(|(k, l)| Column { key: (*k).to_string(), label: l.clone() }).collect();
        self.blocks.push(Block::Table(Table { columns, rows: rows.into(), total: None }));
    }

    fn none(&mut self, en: &str, de: &str) {
        let text = self.t(en, de);
        self.para(format!("_{text}_"));
    }

    fn list_or_none(&mut self, items: &[String], en: &str, de: &str) {
        if items.is_empty() {
            self.none(en, de);
        } else {
            self.bullets(items.to_vec());
        }
    }
}

/// "Niederlassung Kiel (10043) — Service: Potenzial 5.920,32 EUR (100,0 % der Vergleichskunden)".
fn gap_text(w: &Writer<'_>, g: &crate::whitespace::Gap) -> String {
    let centre = super::whitespace_centre_text(g.centre.as_deref(), &g.customer_id);
    let category = super::group_text(w.language, &g.category);
    let share = g.share.map_or("–".to_string(), |s| w.pct(s));
    w.t(
        &format!(
            "{centre} — {}: potential {} ({share} of comparable customers buy it)",
            w.e(&category),
            w.money(g.potential)
        ),
        &format!(
            "{centre} — {}: Potenzial {} ({share} der Vergleichskunden kaufen sie)",
            w.e(&category),
            w.money(g.potential)
        ),
    )
}

pub(crate) fn influence(i: Influence, language: Language) -> String {
    let (en, de) = match i {
        Influence::DecisionMaker => ("decision-maker", "Entscheider"),
        Influence::Influencer => ("influencer", "Meinungsbildner"),
        Influence::User => ("user", "Anwender"),
        Influence::Gatekeeper => ("gatekeeper", "Gatekeeper"),
    };
    tr(language, en, de)
}

pub(crate) fn attitude(a: Attitude, language: Language) -> String {
    let (en, de) = match a {
        Attitude::Champion => ("champion", "Fürsprecher"),
        Attitude::Supporter => ("supporter", "Unterstützer"),
        Attitude::Neutral => ("neutral", "neutral"),
        Attitude::Critic => ("critic", "Kritiker"),
    };
    tr(language, en, de)
}

pub(crate) fn status(s: ActionStatus, language: Language) -> String {
    let (en, de) = match s {
        ActionStatus::Open => ("open", "offen"),
        ActionStatus::Done => ("done", "erledigt"),
        ActionStatus::Dropped => ("dropped", "verworfen"),
    };
    tr(language, en, de)
}

/// A number of days: "1 Tag", "30 Tage", "1 day", "30 days".
fn days_text(language: Language, n: impl Into<i64>) -> String {
    let n: i64 = n.into();
    let one = n.abs() == 1;
    match language {
        Language::En => format!("{n} {}", if one { "day" } else { "days" }),
        Language::De => format!("{n} {}", if one { "Tag" } else { "Tage" }),
    }
}

/// A number of days in the dative: "1 Tag", "14 Tagen" ("nach 14 Tagen").
fn days_dative(n: impl Into<i64>) -> String {
    let n: i64 = n.into();
    format!("{n} {}", if n.abs() == 1 { "Tag" } else { "Tagen" })
}

/// The brief as a document.
/// The Kundenmappe: what can be handed to the customer before or at the annual review: the
/// revenue of the last years and what was done, the agenda, the cooperation proposals and future
/// topics, the date, place and alternatives. None of the internal content: no contribution
/// margins or rates, no conditions or prices, no contacts' attitude or influence, no coaching,
/// questions or checklist, no credit, payment or receivables, no risk score, no white space.
pub fn customer_brief_document(b: &Brief, language: Language, workspace: &str) -> Document<'static> {
    let mut w = Writer { language, style: Style::new(language), currency: &b.currency, blocks: Vec::new() };
    let a = &b.account;
    let y = b.year;
    let review = a.review.clone().unwrap_or_default();
    w.heading(1, format!("{} — {} {y}", w.e(&a.name), w.t("annual review", "Jahresgespräch")));
    let mut head = vec![w.t(
        &format!("Prepared for {} by {}, as of {}", w.e(&a.name), w.e(workspace), w.date(b.today)),
        &format!("Für {} vorbereitet von {}, Stand {}", w.e(&a.name), w.e(workspace), w.date(b.today)),
    )];
    if let Some(owner) = &a.owner {
        head.push(format!("{}: {}", w.t("Your contact", "Ihr Kontakt"), w.e(owner)));
    }
    w.bullets(head);

    w.heading(2, w.t("Date and place", "Termin und Ort"));
    let mut items = vec![];
    match review.date {
        Some(d) => items.push(format!("{}: {}", w.t("Proposed date", "Terminvorschlag"), w.date(d.0))),
        None => items.push(format!("{}: {}", w.t("Date", "Termin"), w.t("to be agreed", "nach Absprache"))),
    }
    if !review.alternatives.is_empty() {
        let alternatives = review.alternatives.iter().map(|d| w.date(d.0)).collect::<Vec<_>>().join(", ");
        items.push(format!("{}: {alternatives}", w.t("Alternative dates", "Ausweichtermine")));
    }
    if let Some(p) = &review.place {
        items.push(format!("{}: {}", w.t("Place", "Ort"), w.e(p)));
    }
    if let Some(v) = &review.occasion {
        items.push(format!("{}: {}", w.t("Occasion", "Anlass"), w.e(v)));
    }
    w.bullets(items);

    w.heading(2, w.t("Agenda", "Tagesordnung"));
    // An ordered list, written as a paragraph of numbered lines (also one cell in a workbook).
    let agenda = [
        w.t(
            "1. Review of the year: revenue and what was done",
            "1. Rückblick auf das Jahr: Umsatz und durchgeführte Maßnahmen",
        ),
        w.t("2. Plans for next year", "2. Planung für das nächste Jahr"),
        w.t("3. Cooperation proposals", "3. Kooperationsvorschläge"),
        w.t("4. Conditions", "4. Konditionen"),
        w.t("5. Future topics and new products", "5. Zukunftsthemen und neue Produkte"),
    ]
    .join("\n");
    w.para(agenda);

    w.heading(2, w.t(&format!("1. Review of {y}"), &format!("1. Rückblick auf {y}")));
    if let Some(end) = b.data_ends_in_year {
        w.para(w.t(&format!("Figures up to {}.", w.date(end)), &format!("Zahlen bis zum {}.", w.date(end))));
    }
    let rows: Vec<Vec<Value>> = b
        .years
        .iter()
        .filter(|l| !matches!(l.coverage, crate::brief::Coverage::None))
        .map(|l| {
            let year = match l.coverage {
                crate::brief::Coverage::From(m) => w.t(
                    &format!("{} (from {})", l.year, w.style.month(m)),
                    &format!("{} (ab {})", l.year, w.style.month(m)),
                ),
                crate::brief::Coverage::To(m) => w.t(
                    &format!("{} (to {})", l.year, w.style.month(m)),
                    &format!("{} (bis {})", l.year, w.style.month(m)),
                ),
                _ => l.year.to_string(),
            };
            vec![Value::Text(year), Value::Money(Some(l.net_revenue)), Value::Count(l.orders)]
        })
        .collect();
    if rows.is_empty() {
        w.none("No purchases in these years.", "Keine Käufe in diesen Jahren.");
    } else {
        w.table(
            &[
                ("year", w.t("Year", "Jahr")),
                ("net_revenue", w.t("Your purchases (net)", "Ihr Einkaufsvolumen (netto)")),
                ("orders", w.t("Orders", "Aufträge")),
            ],
            rows,
        );
    }
    let categories: Vec<Vec<Value>> = b
        .categories
        .iter()
        .filter(|c| c.category.is_named() && (c.current != Decimal::ZERO || c.previous != Decimal::ZERO))
        .map(|c| {
            vec![
                Value::Text(super::group_text(language, &c.category).into_owned()),
                Value::Money(Some(c.previous)),
                Value::Money(Some(c.current)),
            ]
        })
        .collect();
    if !categories.is_empty() {
        let partial = b.covered_months < 12;
        let (before, now) = if partial {
            let m = b.covered_months.clamp(1, 12);
            (
                w.style.months(crate::dates::Month::new(y - 1, 1), crate::dates::Month::new(y - 1, m)),
                w.style.months(crate::dates::Month::new(y, 1), crate::dates::Month::new(y, m)),
            )
        } else {
            ((y - 1).to_string(), y.to_string())
        };
        w.table(
            &[("category", crate::i18n::label(language, "category")), ("previous", before), ("current", now)],
            categories,
        );
    }
    // What was done: actions completed, services provided, promotions run in Y.
    let mut done: Vec<String> = a
        .actions
        .iter()
        .filter(|x| {
            x.status == ActionStatus::Done
                && x.due.is_some_and(|d| d.0.format("%Y").to_string() == y.to_string())
        })
        .map(|x| w.e(&x.title).into_owned())
        .collect();
    done.extend(
        a.services
            .iter()
            .filter(|s| s.date.0.format("%Y").to_string() == y.to_string())
            .map(|s| format!("{} ({})", w.e(&s.name), w.date(s.date.0))),
    );
    done.extend(
        a.promotions
            .iter()
            .filter(|p| p.start.0.format("%Y").to_string() == y.to_string())
            .map(|p| format!("{} ({})", w.e(&p.name), w.date(p.start.0))),
    );
    w.para(format!("**{}**", w.t("What we did together", "Gemeinsam umgesetzt")));
    w.list_or_none(&done, "Nothing recorded yet.", "Noch nichts erfasst.");

    w.heading(2, w.t("3. Cooperation proposals", "3. Kooperationsvorschläge"));
    w.list_or_none(&w.items(&review.cooperation), "To be discussed.", "Im Gespräch.");
    w.heading(2, w.t("5. Future topics", "5. Zukunftsthemen"));
    w.list_or_none(&w.items(&review.future_topics), "To be discussed.", "Im Gespräch.");
    w.para(w.t("We look forward to the meeting.", "Wir freuen uns auf das Gespräch."));
    Document { blocks: w.blocks, csv_table: None }
}

pub fn brief_document(
    b: &Brief,
    language: Language,
    settings: &MarginSettings,
    workspace: &str,
) -> Document<'static> {
    let mut w = Writer { language, style: Style::new(language), currency: &b.currency, blocks: Vec::new() };
    let a = &b.account;
    let y = b.year;

    // 1. Header.
    w.heading(1, format!("{} — {} {y}", w.e(&a.name), w.t("annual review", "Jahresgespräch")));
    let mut head = vec![];
    let ids = if a.customer_ids.is_empty() {
        "–".to_string()
    } else {
        w.e(&a.customer_ids.join(", ")).into_owned()
    };
    head.push(format!("{}: {ids}", w.t("Customer numbers", "Kundennummern")));
    let owner = a.owner.as_deref().map_or_else(|| w.t("no owner", "kein KAM"), |o| w.e(o).into_owned());
    let team = if a.team.is_empty() {
        String::new()
    } else {
        format!(" ({}: {})", w.t("team", "Team"), w.e(&a.team.join(", ")))
    };
    head.push(format!("{}: {owner}{team}", w.t("Key account manager", "Key Account Manager")));
    if let Some(s) = &a.segment {
        head.push(format!("{}: {}", w.t("Segment", "Segment"), w.e(s)));
    }
    if let Some(s) = a.since {
        head.push(format!("{}: {}", w.t("Customer since", "Kunde seit"), w.date(s.0)));
    }
    if !a.roles.is_empty() {
        head.push(format!("{}: {}", w.t("Our roles", "Unsere Rollen"), w.e(&a.roles.join(", "))));
    }
    head.push(format!(
        "{}: {}, {} {}",
        w.t("Prepared by", "Erstellt von"),
        w.e(workspace),
        w.t("as of", "Stand"),
        w.date(b.today)
    ));
    w.bullets(head);
    let review = a.review.clone().unwrap_or_default();
    w.heading(2, w.t("Date, place and opening", "Termin, Ort und Einstieg"));
    let mut items = vec![];
    match review.date {
        Some(d) => {
            let alternatives = review.alternatives.iter().map(|d| w.date(d.0)).collect::<Vec<_>>().join(", ");
            let alt = if alternatives.is_empty() {
                String::new()
            } else {
                format!(" ({}: {alternatives})", w.t("alternatives", "Ausweichtermine"))
            };
            items.push(format!("{}: {}{alt}", w.t("Date", "Termin"), w.date(d.0)));
        }
        None => items.push(format!(
            "{}: {}",
            w.t("Date", "Termin"),
            w.t("not set ([review] date)", "offen ([review] date)")
        )),
    }
    if let Some(p) = &review.place {
        items.push(format!("{}: {}", w.t("Place", "Ort"), w.e(p)));
    }
    if let Some(v) = &review.occasion {
        items.push(format!("{}: {}", w.t("Occasion", "Anlass"), w.e(v)));
    }
    if let Some(v) = &review.hook {
        items.push(format!("{}: {}", w.t("Hook", "Aufhänger"), w.e(v)));
    }
    if let Some(v) = &review.main_goal {
        items.push(format!("**{}: {}**", w.t("Main goal", "Hauptziel"), w.e(v.trim())));
    }
    w.bullets(items);

    // 2. Agenda item 1: status.
    w.heading(2, w.t("1. Status", "1. Status"));
    if !b.has_sales_in_year {
        w.para(format!(
            "**{}**",
            w.t(
                &format!("No sales in {y} in the exports for this account's customer numbers."),
                &format!("Keine Umsätze {y} in den Exporten für die Kundennummern dieses Schlüsselkunden.")
            )
        ));
    }
    if let Some(end) = b.data_ends_in_year {
        w.para(w.t(
            &format!("The exports run until {}, so {y} is not complete.", w.date(end)),
            &format!("Die Exporte reichen bis zum {}; {y} ist noch nicht vollständig erfasst.", w.date(end)),
        ));
    }
    w.heading(3, w.t("Revenue and units", "Umsatz und Menge"));
    let rows = b
        .years
        .iter()
        .map(|l| {
            use crate::brief::Coverage;
            match l.coverage {
                // Not in the exports: unknown, not zero.
                Coverage::None => vec![
                    Value::Text(format!(
                        "{} ({})",
                        l.year,
                        w.t("not in the exports", "nicht in den Exporten")
                    )),
                    Value::Money(None),
                    Value::Number(None),
                    Value::Text("–".into()),
                ],
                coverage => {
                    let year = match coverage {
                        Coverage::From(m) => w.t(
                            &format!("{} (from {})", l.year, w.style.month(m)),
                            &format!("{} (ab {})", l.year, w.style.month(m)),
                        ),
                        Coverage::To(m) => w.t(
                            &format!("{} (to {})", l.year, w.style.month(m)),
                            &format!("{} (bis {})", l.year, w.style.month(m)),
                        ),
                        _ => l.year.to_string(),
                    };
                    vec![
                        Value::Text(year),
                        Value::Money(Some(l.net_revenue)),
                        Value::Number(Some(l.quantity)),
                        Value::Count(l.orders),
                    ]
                }
            }
        })
        .collect();
    w.table(
        &[
            ("year", w.t("Year", "Jahr")),
            ("net_revenue", w.t("Net revenue", "Nettoumsatz")),
            ("quantity", w.t("Units", "Menge")),
            ("orders", w.t("Orders", "Aufträge")),
        ],
        rows,
    );
    // Like for like: the months of Y the exports cover, against the same months of Y−1.
    let partial = b.covered_months < 12;
    let span_style = Style::new(language);
    let span = |year: i32| {
        if partial {
            span_style.months(
                crate::dates::Month::new(year, 1),
                crate::dates::Month::new(year, b.covered_months.clamp(1, 12)),
            )
        } else {
            year.to_string()
        }
    };
    if let Some((_, prev, change)) = b.previous_same_period {
        let (now, before) = (span(y), span(y - 1));
        let current = b.years.last().map_or(Decimal::ZERO, |l| l.net_revenue);
        match change {
            Some(c) => w.para(w.t(
                &format!(
                    "{now}: {}, {} against {before} ({}).",
                    w.money(current),
                    w.style.change(c),
                    w.money(prev)
                ),
                &format!(
                    "{now}: {}, {} gegenüber {before} ({}).",
                    w.money(current),
                    w.style.change(c),
                    w.money(prev)
                ),
            )),
            None if !b.comparable => w.para(w.t(
                &format!(
                    "{now}: {}. {before} is not wholly in the exports, so there is no comparison with it.",
                    w.money(current),
                ),
                &format!(
                    "{now}: {}. {before} ist in den Exporten nicht vollständig enthalten; ein Vergleich entfällt.",
                    w.money(current),
                ),
            )),
            None => w.para(w.t(
                &format!("{now}: {}; {before} had no revenue to compare with.", w.money(current)),
                &format!("{now}: {}; {before} hatte keinen Umsatz zum Vergleich.", w.money(current)),
            )),
        }
        if let Some(f) = b.forecast_net_revenue {
            w.para(w.t(
                &format!(
                    "Projection for all of {y}: about {} ({} × {now} / {before}; a projection, not a figure from the exports).",
                    w.estimate(f),
                    y - 1,
                ),
                &format!(
                    "Hochrechnung für das ganze Jahr {y}: rund {} ({} × {now} / {before}; hochgerechnet, kein Istwert aus den Exporten).",
                    w.estimate(f),
                    y - 1,
                ),
            ));
        }
    }
    let full_label = w.t(&format!("{} (full year)", y - 1), &format!("{} (ganzes Jahr)", y - 1));
    w.heading(
        3,
        if partial {
            w.t(
                &format!("Per product category, {} against {}", span(y), span(y - 1)),
                &format!("Nach Warengruppe, {} gegenüber {}", span(y), span(y - 1)),
            )
        } else {
            w.t("Per product category", "Nach Warengruppe")
        },
    );
    if !b.comparable {
        w.para(w.t(
            &format!("⚠ {} is not wholly in the exports: its figures below are partial and no change is given.", y - 1),
            &format!("⚠ {} ist in den Exporten nicht vollständig enthalten: Die Zahlen unten sind unvollständig; eine Veränderung wird nicht ausgewiesen.", y - 1),
        ));
    }
    if b.categories.is_empty() {
        w.none("No sales in these two years.", "Keine Umsätze in diesen beiden Jahren.");
    } else {
        let rows = b
            .categories
            .iter()
            .map(|c| {
                let mut cells = vec![
                    super::group_value(w.language, &c.category),
                    Value::Money(Some(c.previous)),
                    Value::Money(Some(c.current)),
                    Value::Change(c.change),
                ];
                if let Some(full) = c.previous_full {
                    cells.push(Value::Money(Some(full)));
                }
                cells.push(Value::Number(Some(c.units_previous)));
                cells.push(Value::Number(Some(c.units_current)));
                cells
            })
            .collect();
        let units = |year: i32| w.t(&format!("Units {}", span(year)), &format!("Menge {}", span(year)));
        let mut columns = vec![
            ("category", w.t("Category", "Warengruppe")),
            ("previous", span(y - 1)),
            ("current", span(y)),
            ("change", w.t("Change", "Veränderung")),
        ];
        if partial {
            columns.push(("previous_full", full_label.clone()));
        }
        columns.push(("units_previous", units(y - 1)));
        columns.push(("units_current", units(y)));
        w.table(&columns, rows);
    }
    w.heading(3, w.t("Contribution margins", "Deckungsbeiträge"));
    let labels = (span(y - 1), span(y), full_label);
    ladder(&mut w, &b.margin_previous, &b.margin_current, b.margin_previous_full.as_ref(), &labels);
    w.heading(3, w.t("Net revenue per month", "Nettoumsatz je Monat"));
    // A year the exports end in is drawn, like for like, only up to their last month.
    let months_in_year = b.data_ends_in_year.map_or(12, |d| d.format("%m").to_string().parse().unwrap_or(12));
    let labels: Vec<String> =
        (1..=months_in_year as u32).map(|m| w.style.month_name(m).to_string()).collect();
    let shown = |year: i32| {
        if months_in_year < 12 {
            w.style.months(
                crate::dates::Month::new(year, 1),
                crate::dates::Month::new(year, months_in_year as u32),
            )
        } else {
            year.to_string()
        }
    };
    w.blocks.push(Block::Raw(mermaid_xychart(
        &w.t(
            &format!("Net revenue: bars {}, line {}", shown(y - 1), shown(y)),
            &format!("Nettoumsatz: Balken {}, Linie {}", shown(y - 1), shown(y)),
        ),
        &labels,
        b.currency.as_str(),
        &w.t("thousand", "Tsd."),
        &b.monthly_previous[..months_in_year],
        &b.monthly_current[..months_in_year],
    )));
    let max =
        b.monthly_previous.iter().chain(b.monthly_current.iter()).copied().max().unwrap_or(Decimal::ZERO);
    w.blocks.push(Block::Raw(format!(
        "```text\n{}  {}\n{}  {}\n```",
        y - 1,
        sparkline(&b.monthly_previous, max),
        y,
        sparkline(&b.monthly_current[..months_in_year], max)
    )));

    w.heading(3, w.t("Market position and comparison", "Marktanteil und Vergleich"));
    let mut items = vec![];
    match (b.share_of_wallet, b.customer_spend) {
        (Some(s), Some(spend)) => items.push(w.t(
            &format!(
                "Share of wallet: {} (so the customer spends about {} a year in our categories, estimated from the last 12 months)",
                w.pct(s),
                w.estimate(spend)
            ),
            &format!(
                "Marktanteil beim Kunden: {} (der Kunde gibt in unseren Warengruppen also rund {} im Jahr aus, geschätzt aus den letzten 12 Monaten)",
                w.pct(s),
                w.estimate(spend)
            ),
        )),
        (Some(s), None) => {
            items.push(format!("{}: {}", w.t("Share of wallet", "Marktanteil beim Kunden"), w.pct(s)))
        }
        _ => items.push(w.t(
            "Share of wallet: unknown ([profile] share_of_wallet)",
            "Marktanteil beim Kunden: unbekannt ([profile] share_of_wallet)",
        )),
    }
    match &b.peers {
        Some(p) if p.peers > 0 => items.push(w.t(
            &format!(
                "Comparable accounts (segment {}): {} others, average net revenue {} in {y}; this account ranks {} of {}",
                w.e(&p.segment),
                p.peers,
                p.average.map_or("–".into(), |v| w.money(v)),
                p.rank,
                p.of
            ),
            &format!(
                "Vergleichbare Schlüsselkunden (Segment „{}“): {} weitere, durchschnittlicher Nettoumsatz {} in {y}; dieser Schlüsselkunde liegt auf Rang {} von {}",
                w.e(&p.segment),
                p.peers,
                p.average.map_or("–".into(), |v| w.money(v)),
                p.rank,
                p.of
            ),
        )),
        Some(p) => items.push(w.t(
            &format!("No other key account in segment \"{}\"", w.e(&p.segment)),
            &format!("Kein weiterer Schlüsselkunde im Segment „{}“", w.e(&p.segment)),
        )),
        None => items.push(w.t("Comparable key accounts: no segment set", "Vergleichbare Schlüsselkunden: kein Segment angegeben")),
    }
    w.bullets(items);

    w.heading(3, w.t("Orders, returns, visits", "Aufträge, Retouren, Besuche"));
    let o = &b.order_stats;
    let mut items = vec![format!(
        "{}: {}{}",
        w.t("Orders with revenue (without credit notes)", "Aufträge mit Umsatz (ohne Gutschriften)"),
        w.count(o.orders),
        o.average_value.map_or(String::new(), |v| format!(
            ", {} {}",
            w.t("average value", "Durchschnittswert"),
            w.money(v)
        ))
    )];
    match (o.min_order_value, o.below_minimum) {
        (Some(m), Some(n)) => items.push(format!(
            "{} ({})",
            super::plural(
                language,
                n,
                ("order below the minimum order value", "orders below the minimum order value"),
                ("Auftrag unter dem Mindestauftragswert", "Aufträge unter dem Mindestauftragswert"),
            ),
            w.money(m)
        )),
        _ => items.push(w.t("Minimum order value: not agreed", "Mindestauftragswert: nicht vereinbart")),
    }
    match o.days_between_orders {
        Some(d) => items.push(w.t(
            &format!("Order rhythm: an order every {} days on average", w.style.number(d, 1)),
            &format!("Bestellrhythmus: durchschnittlich alle {} Tage ein Auftrag", w.style.number(d, 1)),
        )),
        None => items.push(
            w.t("Order rhythm: fewer than two order days", "Bestellrhythmus: weniger als zwei Auftragstage"),
        ),
    }
    match a.profile.stock_turnover_days.as_ref().map(|d| d.get_ref().value()) {
        Some(d) => items.push(w.t(
            &format!("Stock turnover at the customer: our goods stay {} days in stock on average (from the customer's stock data)", w.style.number(d, u32::from(!d.fract().is_zero()))),
            &format!("Umschlaggeschwindigkeit beim Kunden: unsere Ware liegt durchschnittlich {} Tage im Lager (aus den Lagerdaten des Kunden)", w.style.number(d, u32::from(!d.fract().is_zero()))),
        )),
        None => items.push(w.t(
            "Stock turnover at the customer: unknown; ask for their stock data ([profile] stock_turnover_days)",
            "Umschlaggeschwindigkeit beim Kunden: unbekannt; Lagerdaten beim Kunden erfragen ([profile] stock_turnover_days)",
        )),
    }
    items.push(w.t(
        &format!(
            "Returns: {}{}",
            w.money(b.returns),
            b.return_rate.map_or(String::new(), |r| format!(" ({} of purchases)", w.pct(r)))
        ),
        &format!(
            "Retouren: {}{}",
            w.money(b.returns),
            b.return_rate.map_or(String::new(), |r| format!(" ({} der Käufe)", w.pct(r)))
        ),
    ));
    let visits = b.visits.iter().map(|d| w.date(*d)).collect::<Vec<_>>().join(", ");
    items.push(format!(
        "{}: {}{}",
        w.t("Visits", "Besuche"),
        w.count(b.visits.len() as u64),
        if visits.is_empty() { String::new() } else { format!(" ({visits})") }
    ));
    w.bullets(items);
    let promotions: Vec<String> = a
        .promotions
        .iter()
        .filter(|p| p.start.0.format("%Y").to_string() == y.to_string())
        .map(|p| {
            let end = p.end.map_or(String::new(), |e| format!("–{}", w.date(e.0)));
            let result = p.result.as_ref().map_or(String::new(), |r| format!(": {}", w.e(r)));
            format!("{} ({}{end}){result}", w.e(&p.name), w.date(p.start.0))
        })
        .collect();
    w.para(format!("**{}**", w.t("Promotions", "Aktionen")));
    w.list_or_none(&promotions, "none recorded ([[promotions]])", "keine erfasst ([[promotions]])");

    w.heading(3, w.t("Satisfaction, payment and credit", "Zufriedenheit, Zahlung und Bonität"));
    let mut items = vec![];
    if b.satisfaction.is_empty() {
        items.push(w.t(
            "Satisfaction: no scores ([[satisfaction]])",
            "Zufriedenheit: keine Werte ([[satisfaction]])",
        ));
    } else {
        let scores = b
            .satisfaction
            .iter()
            .map(|(d, s)| {
                let score = w.style.number(s.normalize(), s.normalize().scale().min(1));
                format!("{score}/10 ({})", w.style.month(crate::dates::Month::of(*d)))
            })
            .collect::<Vec<_>>()
            .join(" → ");
        items.push(format!("{}: {scores}", w.t("Satisfaction", "Zufriedenheit")));
    }
    match (b.dso_days, b.payment_terms_days, b.dso_over_terms) {
        (Some(d), Some(t), Some(over)) => items.push(w.t(
            &format!(
                "DSO {} against payment terms of {} ({over:+} {})",
                days_text(language, d),
                days_text(language, t),
                if over.abs() == 1 { "day" } else { "days" }
            ),
            &format!(
                "Debitorenlaufzeit {} bei {} Zahlungsziel ({over:+} {})",
                days_text(language, d),
                days_text(language, t),
                if over.abs() == 1 { "Tag" } else { "Tage" }
            ),
        )),
        (Some(d), _, _) => items.push(w.t(
            &format!("DSO {d} days (no payment terms recorded)"),
            &format!("Debitorenlaufzeit {d} Tage (kein Zahlungsziel erfasst)"),
        )),
        (None, _, _) => items.push(
            w.t("DSO: unknown ([credit] dso_days)", "Debitorenlaufzeit: unbekannt ([credit] dso_days)"),
        ),
    }
    let rating = a.credit.rating.as_deref().map_or_else(|| "–".into(), |r| w.e(r).into_owned());
    let limit = a.credit.limit.as_ref().map_or("–".into(), |l| w.money(l.get_ref().value()));
    let mut credit = w.t(
        &format!(
            "Credit rating {rating}, limit {limit}; net revenue of the last 12 months {}",
            w.money(b.trailing_revenue)
        ),
        &format!(
            "Bonität {rating}, Kreditlimit {limit}; Nettoumsatz der letzten 12 Monate {}",
            w.money(b.trailing_revenue)
        ),
    );
    if let Some(r) = b.expected_receivables {
        let (en, de) = match b.vat_rate {
            Some(v) => (format!("gross, incl. {} VAT", w.pct(v)), format!("brutto inkl. {} USt.", w.pct(v))),
            None => (
                "net of VAT; gross with [workspace] vat_rate".to_string(),
                "netto ohne USt.; brutto mit [workspace] vat_rate".to_string(),
            ),
        };
        let (en, de) = match b.limit_utilisation {
            Some(u) => (
                format!("{en}; {} of the credit limit", w.pct(u)),
                format!("{de}; {} des Kreditlimits", w.pct(u)),
            ),
            None => (en, de),
        };
        credit.push_str(&w.t(
            &format!("; expected receivables {} ({en})", w.money(r)),
            &format!("; voraussichtlicher Forderungsbestand {} ({de})", w.money(r)),
        ));
    }
    items.push(credit);
    w.bullets(items);

    w.heading(3, w.t("Retention", "Kundenbindung"));
    let mut items = vec![];
    match (&b.retention, b.retention_span) {
        (Some(r), Some((from, to))) => {
            let state = match (r.start > 0, r.end > 0) {
                (true, true) => w.t(
                    "retained (active at the start and at the end)",
                    "gehalten (zu Beginn und am Ende aktiv)",
                ),
                (true, false) => w.t(
                    "⚠ churned (no purchase in the last months)",
                    "⚠ abgewandert (kein Kauf in den letzten Monaten)",
                ),
                (false, true) if r.new > 0 => {
                    w.t("new (first purchase in this period)", "neu (erster Kauf in diesem Zeitraum)")
                }
                (false, true) => w.t("reactivated", "reaktiviert"),
                (false, false) => w.t("inactive", "inaktiv"),
            };
            let window = super::months_text(language, b.window_months);
            let months = w.style.months(from, to);
            items.push(w.t(
                &format!("{months}: {state}; window {window}"),
                &format!("{months}: {state}; Fenster {window}"),
            ));
            // A figure that cannot be trusted as a whole says so where it is shown.
            if !r.history_complete {
                items.push(w.t(
                    &format!(
                        "⚠ The start of {} is not fully observed: the exports begin less than {} before it, so an account that bought before them reads as new.",
                        w.style.month(from),
                        super::months_text(language, b.window_months)
                    ),
                    &format!(
                        "⚠ Der Beginn von {} ist nicht vollständig beobachtet: Die Exporte beginnen weniger als {} davor; ein Kunde, der schon vorher gekauft hat, erscheint daher als neu.",
                        w.style.month(from),
                        super::months_text(language, b.window_months)
                    ),
                ));
            }
            let nrr = r.nrr.map_or("–".into(), |v| w.pct(v));
            let grr = r.grr.map_or("–".into(), |v| w.pct(v));
            items.push(w.t(
                &format!("Net revenue retention {nrr}, gross revenue retention {grr} (12 months to {} against the 12 before)", w.style.month(to)),
                &format!("Net Revenue Retention {nrr}, Gross Revenue Retention {grr} (12 Monate bis {} gegenüber den 12 Monaten davor)", w.style.month(to)),
            ));
        }
        _ => items.push(w.t(
            "No retention figures: the exports do not cover this year.",
            "Keine Bindungskennzahlen: Die Exporte decken dieses Jahr nicht ab.",
        )),
    }
    for (id, last, active) in &b.customer_status {
        let last = last.map_or("–".to_string(), |m| w.style.month(m));
        let state = if *active { w.t("active", "aktiv") } else { w.t("inactive", "inaktiv") };
        let id = w.e(id);
        items.push(w.t(
            &format!("Customer number {id}: last purchase {last}, {state}"),
            &format!("Kundennummer {id}: letzter Kauf {last}, {state}"),
        ));
    }
    if let Some(r) = &b.risk {
        let n = |v: f64, places: u32| {
            Decimal::try_from(v).map_or("–".to_string(), |d| {
                w.style.number(d.round_dp_with_strategy(places, crate::money::ROUNDING), places)
            })
        };
        let points = |v: f64| super::risk::points_count(language, v);
        let (e, f, s) = r.row.ranks.points();
        let rhythm = r.row.median_gap_days.map_or(String::new(), |g| {
            if g == Decimal::ONE {
                return w.t("usually daily; ", "Rhythmus: täglich; ");
            }
            let g = w.style.number(g, u32::from(!g.fract().is_zero()));
            w.t(&format!("usually every {g} days; "), &format!("Rhythmus: alle {g} Tage; "))
        });
        let expected = match (r.row.expected_orders_6m, e) {
            (Some(x), Some(p)) => w.t(
                &format!("{} order days expected in the next 6 months ({}), ", n(x, 1), points(p)),
                &format!("{} erwartete Auftragstage in den nächsten 6 Monaten ({}), ", n(x, 1), points(p)),
            ),
            _ => String::new(),
        };
        // The order days the score ranks: all of them up to the cut-off, not only the 24 months'.
        let order_days = super::plural(
            language,
            r.row.order_days,
            ("order day", "order days"),
            ("Auftragstag", "Auftragstage"),
        );
        let since = days_text(language, r.row.days_since_last);
        items.push(w.t(
            &format!(
                "Churn risk {}/100, rank {} of {} key accounts: {expected}{order_days} so far ({}), {since} since the last order ({rhythm}{}); `kam risk --by account` has the definition",
                n(r.row.score, 0), r.rank, r.of, points(f), points(s)
            ),
            &format!(
                "Abwanderungsrisiko {}/100, Rang {} von {} Schlüsselkunden: {expected}bisher {order_days} ({}), {since} seit dem letzten Auftrag ({rhythm}{}); die Definition steht in `kam risk --by account`",
                n(r.row.score, 0), r.rank, r.of, points(f), points(s)
            ),
        ));
    }
    w.bullets(items);

    w.heading(3, w.t(&format!("Actions {y}"), &format!("Maßnahmen {y}")));
    let measures: Vec<Vec<Value>> = a
        .actions
        .iter()
        .filter(|x| {
            // Due in Y, or open and overdue from an earlier year.
            x.due.is_some_and(|d| {
                d.0.format("%Y").to_string() == y.to_string()
                    || (x.status == ActionStatus::Open
                        && d.0 < b.today
                        && d.0.format("%Y").to_string() < y.to_string())
            })
        })
        .map(|x| {
            // An open action past its due date is overdue: a matter of this year, not next year's plan.
            let state = match x.due {
                Some(d) if x.status == ActionStatus::Open && d.0 < b.today => w.t(
                    &format!("⚠ overdue since {}", w.date(d.0)),
                    &format!("⚠ überfällig seit {}", w.date(d.0)),
                ),
                _ => status(x.status, language),
            };
            vec![Value::Text(x.title.clone()), Value::Date(x.due.map(|d| d.0)), Value::Text(state)]
        })
        .collect();
    if measures.is_empty() {
        w.none(&format!("No actions due in {y}."), &format!("Keine Maßnahmen mit Termin {y}."));
    } else {
        w.table(
            &[
                ("title", w.t("Action", "Maßnahme")),
                ("due", w.t("Due", "Termin")),
                ("status", w.t("Status", "Status")),
            ],
            measures,
        );
    }

    // 3. Agenda item 2: planned activities.
    w.heading(2, w.t("2. Planned activities for next year", "2. Geplante Aktivitäten im nächsten Jahr"));
    // The open actions due next year (or without a date); those of this year are in the status.
    let next = (y + 1).to_string();
    let planned: Vec<String> = a
        .actions
        .iter()
        .filter(|x| x.status == ActionStatus::Open)
        .filter(|x| x.due.is_none_or(|d| d.0.format("%Y").to_string() == next))
        .map(|x| {
            let due = x.due.map_or(String::new(), |d| format!(" ({} {})", w.t("due", "bis"), w.date(d.0)));
            let star =
                if x.milestone { format!(" — {}", w.t("milestone", "Meilenstein")) } else { String::new() };
            format!("{}{due}{star}", w.e(&x.title))
        })
        .collect();
    w.list_or_none(
        &planned,
        "No open actions due next year ([[actions]]).",
        "Keine offenen Maßnahmen mit Termin im nächsten Jahr ([[actions]]).",
    );
    // Where the account does not buy yet: the three biggest gaps of `kam whitespace`.
    if let Some(ws) = b.whitespace.as_ref().filter(|ws| !ws.gaps.is_empty()) {
        w.para(format!(
            "**{}**",
            w.t("The biggest gaps (`kam whitespace`)", "Die größten Lücken (`kam whitespace`)")
        ));
        let items = ws.gaps.iter().take(3).map(|g| gap_text(&w, g)).collect();
        w.bullets(items);
    }

    // 4. Agenda item 3: cooperation.
    w.heading(2, w.t("3. Cooperation proposals", "3. Kooperationsvorschläge"));
    w.list_or_none(
        &w.items(&review.cooperation),
        "None prepared ([review] cooperation).",
        "Keine Vorschläge vorbereitet ([review] cooperation).",
    );

    // 5. Agenda item 4: conditions.
    w.heading(2, w.t("4. Conditions", "4. Konditionen"));
    let c = &a.conditions;
    let mut items = vec![];
    items.push(format!(
        "{}: {}",
        w.t("Payment terms", "Zahlungsziel"),
        c.payment_terms_days.map_or("–".into(), |d| w.t(&format!("{d} days"), &format!("{d} Tage")))
    ));
    items.push(format!(
        "{}: {}",
        w.t("Discount", "Rabatt"),
        c.discount_rate.as_ref().map_or("–".into(), |d| w.pct(d.get_ref().value()))
    ));
    items.push(format!(
        "{}: {}",
        w.t("Minimum order value", "Mindestauftragswert"),
        c.min_order_value.as_ref().map_or("–".into(), |d| w.money(d.get_ref().value()))
    ));
    for p in &c.min_prices {
        items.push(format!(
            "{} {}: {}",
            w.t("Minimum price", "Mindestpreis"),
            w.e(&p.product),
            w.money(p.price.get_ref().value())
        ));
    }
    w.bullets(items);
    if !b.special_prices.is_empty() {
        let rows = b
            .special_prices
            .iter()
            .map(|(p, s)| {
                let note = match s {
                    PriceStatus::Expired => w.t("expired", "abgelaufen"),
                    PriceStatus::ExpiresBeforeReview => {
                        w.t("⚠ expires before the review", "⚠ läuft vor dem Gespräch aus")
                    }
                    PriceStatus::ExpiresSoonAfterReview => {
                        w.t("⚠ expires soon after the review", "⚠ läuft kurz nach dem Gespräch aus")
                    }
                    PriceStatus::Valid => String::new(),
                };
                vec![
                    Value::Text(p.product.clone()),
                    Value::Money(Some(p.price.get_ref().value())),
                    Value::Date(p.until.map(|d| d.0)),
                    Value::Text(note),
                ]
            })
            .collect();
        w.table(
            &[
                ("product", w.t("Special price for", "Sonderpreis für")),
                ("price", w.t("Price", "Preis")),
                ("until", w.t("Valid until", "Gültig bis")),
                ("note", w.t("Note", "Hinweis")),
            ],
            rows,
        );
    }
    w.para(format!("**{}**", w.t("Proposals", "Vorschläge")));
    w.list_or_none(
        &w.items(&review.conditions),
        "None prepared ([review] conditions).",
        "Keine Vorschläge vorbereitet ([review] conditions).",
    );

    // 6. Agenda item 5: future topics.
    w.heading(2, w.t("5. Future topics", "5. Zukunftsthemen"));
    w.list_or_none(
        &w.items(&review.future_topics),
        "None prepared ([review] future_topics).",
        "Keine Themen vorbereitet ([review] future_topics).",
    );
    // New to the account: categories no buying centre buys, that comparable customers do.
    if let Some(ws) = &b.whitespace {
        let mut new: Vec<&crate::whitespace::Gap> = Vec::new();
        for g in &ws.gaps {
            let nobody = ws.centres.iter().all(|c| !c.categories.contains_key(&g.category));
            if nobody && !new.iter().any(|n| n.category == g.category) {
                new.push(g);
            }
        }
        if !new.is_empty() {
            w.para(format!(
                "**{}**",
                w.t(
                    "Categories the account does not buy yet (`kam whitespace`)",
                    "Warengruppen, die der Kunde noch nicht bei uns kauft (`kam whitespace`)"
                )
            ));
            let items = new
                .iter()
                .take(3)
                .map(|g| {
                    let share = g.share.map_or("–".to_string(), |s| w.pct(s));
                    let category = super::group_text(w.language, &g.category);
                    w.t(
                        &format!(
                            "{}: {} of comparable customers buy it, median {}",
                            w.e(&category),
                            share,
                            w.money(g.potential)
                        ),
                        &format!(
                            "{}: {} der Vergleichskunden kaufen sie, Median {}",
                            w.e(&category),
                            share,
                            w.money(g.potential)
                        ),
                    )
                })
                .collect();
            w.bullets(items);
        }
    }

    // 7. Look back.
    w.heading(2, w.t("Looking back: the last two years", "Rückblick: die letzten zwei Jahre"));
    let reviews: Vec<String> = b
        .earlier_reviews
        .iter()
        .map(|(d, s)| format!("{} — {}", w.date(*d), w.e(s.as_deref().unwrap_or_default())))
        .collect();
    w.para(format!("**{}**", w.t("Earlier annual reviews", "Frühere Jahresgespräche")));
    w.list_or_none(&reviews, "none recorded", "keine erfasst");
    // What was agreed at them: the goals that record the day they were agreed.
    let agreed: Vec<String> = b
        .agreements
        .iter()
        .map(|(d, title, due)| {
            let due = due.map_or(String::new(), |d| {
                w.t(&format!(", due {}", w.date(d)), &format!(", bis {}", w.date(d)))
            });
            let title = w.e(title);
            w.t(
                &format!("{} — agreed: {title}{due}", w.date(*d)),
                &format!("{} — vereinbart: {title}{due}", w.date(*d)),
            )
        })
        .collect();
    if !agreed.is_empty() {
        w.para(format!("**{}**", w.t("Agreed at the reviews", "In den Gesprächen vereinbart")));
        w.bullets(agreed);
    }
    let events: Vec<String> = b.events.iter().map(|(d, t)| format!("{} — {}", w.date(*d), w.e(t))).collect();
    w.para(format!("**{}**", w.t("Important events", "Wichtige Ereignisse")));
    w.list_or_none(&events, "none recorded", "keine erfasst");
    w.para(format!("**{}**", w.t("Complaints", "Reklamationen")));
    if b.complaints.is_empty() {
        w.none("none", "keine");
    } else {
        let rows = b
            .complaints
            .iter()
            .map(|l| {
                let state = match (l.days_to_close, l.days_open) {
                    (Some(d), _) => w.t(
                        &format!("closed after {}", days_text(language, d)),
                        &format!("nach {} erledigt", days_dative(d)),
                    ),
                    (None, Some(d)) => w.t(
                        &format!("⚠ open for {}", days_text(language, d)),
                        &format!("⚠ seit {} offen", days_dative(d)),
                    ),
                    _ => String::new(),
                };
                vec![
                    Value::Date(Some(l.complaint.opened.0)),
                    Value::Text(l.complaint.subject.clone().unwrap_or_default()),
                    Value::Text(state),
                ]
            })
            .collect();
        w.table(
            &[
                ("opened", w.t("Opened", "Eröffnet")),
                ("subject", w.t("Subject", "Thema")),
                ("state", w.t("State", "Stand")),
            ],
            rows,
        );
        if let Some(median) = b.complaints_median_days {
            let closed = b.complaints.iter().filter(|c| c.days_to_close.is_some()).count();
            let days = w.style.number(median, u32::from(!median.fract().is_zero()));
            w.para(w.t(
                &format!("Median days to close: {days} (of {closed} closed)"),
                &format!("Median der Tage bis zur Erledigung: {days} (von {closed} erledigten)"),
            ));
        }
    }

    // 8. Action plan.
    // What changed in the dossier since the last review (`kam changes`).
    if let Some(r) = &b.changes {
        w.heading(3, w.t("Since the last annual review", "Seit dem letzten Jahresgespräch"));
        let mut items = vec![super::changes::since_text(language, &w.style, r)];
        match &r.history {
            Err(why) => items.push(super::changes::no_history_text(language, why)),
            Ok(changes) if changes.is_empty() => {
                items.push(w.t("No change in the dossier since then.", "Seitdem keine Änderung im Dossier."))
            }
            Ok(changes) => items.extend(
                changes.iter().map(|c| super::changes::change_sentence(language, &w.style, w.currency, c)),
            ),
        }
        w.bullets(items);
        if let Some(table) = super::changes::figures_table(language, &w.style, r) {
            w.blocks.push(Block::Table(table));
        }
    }
    w.heading(2, w.t("Action plan", "Aktionsplan"));
    let milestones: Vec<Vec<Value>> = a
        .actions
        .iter()
        .filter(|x| x.milestone || x.expected_revenue.is_some() || x.status == ActionStatus::Open)
        .map(|x| {
            vec![
                Value::Text(format!("{}{}", x.title, if x.milestone { " ◆" } else { "" })),
                Value::Date(x.due.map(|d| d.0)),
                Value::Text(status(x.status, language)),
                Value::Money(x.expected_revenue.as_ref().map(|r| r.get_ref().value())),
                Value::Rate(x.probability.as_ref().map(|p| p.get_ref().value())),
            ]
        })
        .collect();
    if milestones.is_empty() {
        w.none(
            "No open actions or milestones ([[actions]]).",
            "Keine offenen Maßnahmen oder Meilensteine ([[actions]]).",
        );
    } else {
        w.table(
            &[
                ("title", w.t("Action (◆ milestone)", "Maßnahme (◆ Meilenstein)")),
                ("due", w.t("Due", "Termin")),
                ("status", w.t("Status", "Status")),
                ("expected_revenue", w.t("Expected revenue", "Erwarteter Umsatz")),
                ("probability", w.t("Probability", "Wahrscheinlichkeit")),
            ],
            milestones,
        );
    }
    if let Some(chart) = action_gantt(b, language) {
        w.blocks.push(Block::Raw(chart));
    }
    w.para(w.t(
        &format!(
            "Revenue expected from the open actions due in {y}: **{}** weighted by probability ({} unweighted).",
            w.money(b.expected_revenue_weighted),
            w.money(b.expected_revenue)
        ),
        &format!(
            "Erwarteter Umsatz aus den offenen Maßnahmen mit Termin {y}: **{}** nach Wahrscheinlichkeit gewichtet ({} ungewichtet).",
            w.money(b.expected_revenue_weighted),
            w.money(b.expected_revenue)
        ),
    ));

    if !b.expected_revenue_later.is_zero() {
        w.para(w.t(
            &format!(
                "Planned for the years after {y}: {} weighted ({} unweighted), from the open actions due then or without a date.",
                w.money(b.expected_revenue_later_weighted),
                w.money(b.expected_revenue_later)
            ),
            &format!(
                "Für die Jahre nach {y} geplant: {} gewichtet ({} ungewichtet), aus den offenen Maßnahmen mit späterem oder ohne Termin.",
                w.money(b.expected_revenue_later_weighted),
                w.money(b.expected_revenue_later)
            ),
        ));
    }

    // Goals against the figures.
    w.heading(2, w.t("Goals", "Ziele"));
    if b.goals.is_empty() {
        w.none(
            "no goals due this year or later ([[goals]])",
            "keine Ziele für dieses Jahr oder später ([[goals]])",
        );
    } else {
        let value = |metric: Option<&str>, v: Option<Decimal>| match metric {
            Some("orders") | Some("quantity") => Value::Number(v),
            _ => Value::Money(v),
        };
        let rows = b
            .goals
            .iter()
            .map(|g| {
                let metric = g.metric.as_deref();
                vec![
                    Value::Text(g.title.clone()),
                    Value::Text(metric.map_or(String::new(), |m| crate::i18n::label(language, m))),
                    value(metric, g.target),
                    Value::Date(g.due),
                    value(metric, g.actual),
                    value(metric, g.projected),
                    Value::Rate(g.attainment),
                ]
            })
            .collect();
        w.table(
            &[
                ("title", w.t("Goal", "Ziel")),
                ("metric", w.t("Figure", "Kennzahl")),
                ("target", w.t("Target", "Zielwert")),
                ("due", w.t("Due", "Termin")),
                ("actual", w.t(&format!("Actual {y} so far"), &format!("Ist {y} bisher"))),
                ("projected", w.t(&format!("Projected {y}"), &format!("Hochrechnung {y}"))),
                ("attainment", w.t("Attainment", "Zielerreichung")),
            ],
            rows,
        );
    }

    // 9. Coaching.
    w.heading(2, w.t("Coaching plan", "Coaching-Plan"));
    if a.coaching.is_empty() {
        w.none("No coaching planned ([[coaching]]).", "Kein Coaching geplant ([[coaching]]).");
    } else {
        let rows = a
            .coaching
            .iter()
            .map(|c| {
                vec![
                    Value::Date(Some(c.date.0)),
                    Value::Text(c.topic.clone()),
                    Value::Text(c.materials.clone().unwrap_or_default()),
                ]
            })
            .collect();
        w.table(
            &[
                ("date", w.t("Date", "Datum")),
                ("topic", w.t("Topic", "Thema")),
                ("materials", w.t("Materials", "Material")),
            ],
            rows,
        );
    }

    // 10. Relationship map.
    w.heading(2, w.t("Relationship map", "Beziehungslandkarte"));
    if b.contacts.is_empty() {
        w.none("No contacts ([[contacts]]).", "Keine Ansprechpartner ([[contacts]]).");
    } else {
        let rows = b
            .contacts
            .iter()
            .map(|(c, last)| {
                vec![
                    Value::Text(c.name.clone()),
                    Value::Text(c.role.clone().unwrap_or_default()),
                    Value::Text(c.influence.map_or(String::new(), |i| influence(i, language))),
                    Value::Text(c.attitude.map_or(String::new(), |a| attitude(a, language))),
                    Value::Date(*last),
                ]
            })
            .collect();
        w.table(
            &[
                ("name", w.t("Contact", "Ansprechpartner")),
                ("role", w.t("Role", "Funktion")),
                ("influence", w.t("Influence", "Einfluss")),
                ("attitude", w.t("Attitude", "Haltung")),
                ("last_contact", w.t("Last contact", "Letzter Kontakt")),
            ],
            rows,
        );
        w.blocks.push(Block::Raw(relationship_map(b, language)));
        w.para(w.t(
            "Colour by attitude: green champion, light green supporter, grey neutral, red critic, white unknown; arrows point from a contact to those reporting to them.",
            "Farbe nach Haltung: grün Fürsprecher, hellgrün Unterstützer, grau neutral, rot Kritiker, weiß unbekannt; Pfeile zeigen von einer Person zu den ihr direkt unterstellten Personen.",
        ));
    }

    // 11. Questions.
    w.heading(2, w.t("Questions", "Fragen"));
    let questions = review.questions();
    let n = questions.len();
    if !(10..=14).contains(&n) {
        w.para(w.t(
            &format!("> ⚠ **{} prepared.** About 10 to 14 questions work best in a sales conversation; 15 or more hurt.", super::plural(language, n as u64, ("question", "questions"), ("Frage", "Fragen"))),
            &format!("> ⚠ **{} vorbereitet.** Etwa 10 bis 14 Fragen sind für ein Verkaufsgespräch ideal; ab 15 schaden sie.", super::plural(language, n as u64, ("question", "questions"), ("Frage", "Fragen"))),
        ));
    }
    if n > 0 {
        let list = questions
            .iter()
            .enumerate()
            .map(|(i, q)| format!("{}. {}", i + 1, w.e(q)))
            .collect::<Vec<_>>()
            .join("\n");
        w.blocks.push(Block::Raw(list));
    }

    // 12. Checklist.
    w.heading(2, w.t("Information checklist", "Informations-Checkliste"));
    let rows = b
        .checklist
        .iter()
        .map(|(item, ok)| {
            vec![
                Value::Text(checklist_label(*item, language)),
                Value::Text(if *ok { "✓".into() } else { w.t("missing", "fehlt") }),
                Value::Markup(if *ok { String::new() } else { checklist_source(*item, language) }),
            ]
        })
        .collect();
    w.table(
        &[
            ("item", w.t("Information", "Information")),
            ("status", w.t("Status", "Status")),
            ("source", w.t("Source", "Quelle")),
        ],
        rows,
    );

    // 13. Definitions.
    w.heading(2, w.t("Definitions and settings", "Definitionen und Einstellungen"));
    let mut defs = margin_definitions(language, settings, &b.currency);
    defs.push(w.t(
        "Orders are distinct invoice numbers (a row without one is an order of its own); the average order value, orders below the minimum and the order rhythm (average days between order days) count orders with positive net revenue in the year. The stock turnover at the customer comes from the dossier ([profile] stock_turnover_days).",
        "Als Auftrag zählt jede Belegnummer (eine Zeile ohne Belegnummer ist ein eigener Auftrag); Durchschnittswert, Aufträge unter dem Mindestauftragswert und Bestellrhythmus (mittlerer Abstand zwischen Auftragstagen in Tagen) berücksichtigen nur Aufträge mit positivem Nettoumsatz im Jahr. Die Umschlaggeschwindigkeit beim Kunden stammt aus dem Dossier ([profile] stock_turnover_days).",
    ));
    defs.push(w.t(
        "Where the exports end inside the year, every comparison with the year before is like for like: the months covered against the same months a year earlier, the full year before beside them; the projection for the year = the year before × this year so far / the same months a year earlier.",
        "Enden die Exporte im laufenden Jahr, werden gleiche Monate verglichen: die erfassten Monate mit denselben Monaten des Vorjahres, das ganze Vorjahr daneben; die Hochrechnung für das Jahr = Vorjahr × laufendes Jahr bisher / dieselben Monate des Vorjahres.",
    ));
    defs.push(w.t(
        "Return rate = returns / net revenue of purchases. Expected receivables = net revenue of the last 12 months × (1 + VAT rate) × DSO / 365 (receivables are gross; without [workspace] vat_rate, net of VAT).",
        "Retourenquote = Retouren / Nettoumsatz der Käufe. Voraussichtlicher Forderungsbestand = Nettoumsatz der letzten 12 Monate × (1 + USt.-Satz) × Debitorenlaufzeit / 365 (Forderungen sind brutto; ohne [workspace] vat_rate netto ohne USt.).",
    ));
    defs.push(w.t(
        &format!(
            "Expected revenue: open actions due in the year (those due later or without a date count for the years after); weighted = Σ expected_revenue × probability (1 where none is given). Special prices are flagged when they expire before the review or within {} days after it. The look-back covers the two years up to the review date, and at least the last two annual reviews.",
            crate::brief::EXPIRY_WARNING_DAYS
        ),
        &format!(
            "Erwarteter Umsatz: offene Maßnahmen mit Termin im Jahr (spätere und solche ohne Termin zählen für die Folgejahre); gewichtet = Σ expected_revenue × probability (1, wo keine angegeben ist). Sonderpreise werden markiert, wenn sie vor dem Gespräch oder innerhalb von {} Tagen danach auslaufen. Der Rückblick umfasst die zwei Jahre bis zum Gesprächstermin und mindestens die letzten beiden Jahresgespräche.",
            crate::brief::EXPIRY_WARNING_DAYS
        ),
    ));
    w.bullets(defs);

    Document { blocks: w.blocks, csv_table: None }
}

/// The relationship map as a Mermaid flowchart: every contact a box with name, role and
/// influence, coloured by attitude, an arrow from each contact to those reporting to them.
fn relationship_map(b: &Brief, language: Language) -> String {
    use crate::markdown::mermaid_label;
    let mut graph = String::from("```mermaid\nflowchart TD\n");
    for (i, (c, _)) in b.contacts.iter().enumerate() {
        let mut label = mermaid_label(&c.name);
        if let Some(role) = &c.role {
            label.push_str("<br/>");
            label.push_str(&mermaid_label(role));
        }
        if let Some(inf) = c.influence {
            label.push_str("<br/>");
            label.push_str(&mermaid_label(&format!("({})", influence(inf, language))));
        }
        let class = match c.attitude {
            Some(Attitude::Champion) => "champion",
            Some(Attitude::Supporter) => "supporter",
            Some(Attitude::Neutral) => "neutral",
            Some(Attitude::Critic) => "critic",
            None => "unknown",
        };
        graph.push_str(&format!("    c{i}[\"{label}\"]:::{class}\n"));
    }
    for (i, (c, _)) in b.contacts.iter().enumerate() {
        let boss = c.reports_to.as_ref().and_then(|boss| {
            b.contacts.iter().position(|(x, _)| x.name.trim() == boss.trim()).filter(|&j| j != i)
        });
        if let Some(j) = boss {
            graph.push_str(&format!("    c{j} --> c{i}\n"));
        }
    }
    graph.push_str(concat!(
        "    classDef champion fill:#2e7d32,stroke:#1b5e20,color:#ffffff\n",
        "    classDef supporter fill:#a5d6a7,stroke:#2e7d32,color:#000000\n",
        "    classDef neutral fill:#e0e0e0,stroke:#757575,color:#000000\n",
        "    classDef critic fill:#c62828,stroke:#8e0000,color:#ffffff\n",
        "    classDef unknown fill:#ffffff,stroke:#757575,color:#000000\n",
        "```",
    ));
    graph
}

/// The action plan as a Mermaid timeline (`gantt`): open actions as bars from the day of the
/// brief to their due date (overdue ones and milestones as points), done ones as points.
fn action_gantt(b: &Brief, language: Language) -> Option<String> {
    let dated: Vec<_> = b
        .account
        .actions
        .iter()
        .filter(|x| x.status != ActionStatus::Dropped)
        .filter_map(|x| Some((x, x.due?.0)))
        .collect();
    if dated.is_empty() {
        return None;
    }
    // Task names end at a colon: it is written as Mermaid's entity code, as are the characters
    // Mermaid reads as syntax.
    let name = |title: &str| -> String {
        let clean = crate::markdown::mermaid_label(title.trim()).replace(':', "#58;");
        if clean.is_empty() { "–".to_string() } else { clean }
    };
    let mut open = String::new();
    let mut done = String::new();
    for (i, (x, due)) in dated.iter().enumerate() {
        let day = due.format("%Y-%m-%d");
        let line = match x.status {
            ActionStatus::Open if x.milestone && *due < b.today => {
                format!("crit, milestone, a{i}, {day}, 0d")
            }
            ActionStatus::Open if x.milestone => format!("milestone, a{i}, {day}, 0d"),
            ActionStatus::Open if *due < b.today => format!("crit, milestone, a{i}, {day}, 0d"),
            ActionStatus::Open => format!("active, a{i}, {}, {day}", b.today.format("%Y-%m-%d")),
            _ => format!("done, milestone, a{i}, {day}, 0d"),
        };
        let target = if x.status == ActionStatus::Open { &mut open } else { &mut done };
        target.push_str(&format!("    {} :{line}\n", name(&x.title)));
    }
    let mut chart = format!(
        "```mermaid\ngantt\n    dateFormat YYYY-MM-DD\n    axisFormat {}\n",
        match language {
            Language::En => "%Y-%m",
            Language::De => "%m/%Y",
        }
    );
    if !done.is_empty() {
        chart.push_str(&format!("    section {}\n{done}", tr(language, "Done", "Erledigt")));
    }
    if !open.is_empty() {
        chart.push_str(&format!("    section {}\n{open}", tr(language, "Open", "Offen")));
    }
    chart.push_str("```");
    Some(chart)
}

/// The DB I–III ladder of Y−1 (like for like) and Y, with all of Y−1 beside where given; the
/// labels are those of the three columns.
fn ladder(
    w: &mut Writer<'_>,
    prev: &MarginFigures,
    cur: &MarginFigures,
    full: Option<&MarginFigures>,
    labels: &(String, String, String),
) {
    type Pick = fn(&MarginFigures) -> Option<Decimal>;
    let figures: [(&str, Pick, bool); 12] = [
        ("gross_revenue", |m| Some(m.gross_revenue), false),
        ("deductions", |m| Some(m.deductions), false),
        ("net_revenue", |m| Some(m.net_revenue), false),
        ("variable_costs", |m| m.variable_costs, false),
        ("db1", |m| m.db1, false),
        ("db1_rate", |m| m.db1_rate, true),
        ("direct_costs", |m| Some(m.direct_costs), false),
        ("db2", |m| m.db2, false),
        ("db2_rate", |m| m.db2_rate, true),
        ("overhead", |m| Some(m.overhead), false),
        ("db3", |m| m.db3, false),
        ("db3_rate", |m| m.db3_rate, true),
    ];
    let mut rows: Vec<Vec<Value>> = figures
        .iter()
        .map(|(key, pick, is_rate)| {
            let value =
                |m: &MarginFigures| if *is_rate { Value::Rate(pick(m)) } else { Value::Money(pick(m)) };
            let mut cells = vec![Value::Text(crate::i18n::label(w.language, key)), value(prev), value(cur)];
            if let Some(full) = full {
                cells.push(value(full));
            }
            cells
        })
        .collect();
    // Units, orders, returns and visits, over the same spans.
    type Count = fn(&MarginFigures) -> Value;
    let counts: [(&str, Count); 4] = [
        ("quantity", |m| Value::Number(Some(m.quantity))),
        ("orders", |m| Value::Count(m.orders)),
        ("returns", |m| Value::Money(Some(m.returns))),
        ("visits", |m| Value::Count(m.visits)),
    ];
    for (key, value) in counts {
        let mut cells = vec![Value::Text(crate::i18n::label(w.language, key)), value(prev), value(cur)];
        if let Some(full) = full {
            cells.push(value(full));
        }
        rows.push(cells);
    }
    let mut columns = vec![
        ("figure", w.t("Figure", "Kennzahl")),
        ("previous", labels.0.clone()),
        ("current", labels.1.clone()),
    ];
    if full.is_some() {
        columns.push(("previous_full", labels.2.clone()));
    }
    w.table(&columns, rows);
}

pub(crate) fn checklist_label(item: ChecklistItem, language: Language) -> String {
    let (en, de) = match item {
        ChecklistItem::RevenuePerPeriod => ("Units and revenue per period", "Menge und Umsatz je Zeitraum"),
        ChecklistItem::RevenuePerCategory => {
            ("Units and revenue per product category", "Menge und Umsatz je Warengruppe")
        }
        ChecklistItem::CustomerCosts => ("Costs the customer causes", "Vom Kunden verursachte Kosten"),
        ChecklistItem::ContributionMargins => ("Contribution margins", "Deckungsbeiträge"),
        ChecklistItem::ShareOfWallet => ("Share of wallet", "Marktanteil beim Kunden"),
        ChecklistItem::MinimumPrices => ("Minimum prices", "Mindestpreise"),
        ChecklistItem::SpecialPrices => ("Special prices", "Sonderpreise"),
        ChecklistItem::ComparableCustomers => {
            ("Average revenue of comparable customers", "Durchschnittsumsatz vergleichbarer Kunden")
        }
        ChecklistItem::MinimumOrderSize => ("Minimum order value", "Mindestauftragswert"),
        ChecklistItem::TurnoverSpeed => ("Stock turnover at the customer", "Umschlaggeschwindigkeit"),
        ChecklistItem::Returns => ("Returns", "Retouren"),
        ChecklistItem::Promotions => ("Promotions", "Aktionen"),
        ChecklistItem::CustomerVisits => ("Customer visits", "Kundenbesuche"),
        ChecklistItem::CustomerSatisfaction => ("Customer satisfaction", "Kundenzufriedenheit"),
        ChecklistItem::DaysSalesOutstanding => ("Days sales outstanding", "Debitorenlaufzeit"),
        ChecklistItem::Creditworthiness => ("Creditworthiness", "Bonität"),
    };
    tr(language, en, de)
}

fn checklist_source(item: ChecklistItem, language: Language) -> String {
    let (en, de) = match item {
        ChecklistItem::RevenuePerPeriod => (
            "exports: `date`, `revenue` (or `quantity` × `unit_price`), `quantity`",
            "Exporte: `date`, `revenue` (oder `quantity` × `unit_price`), `quantity`",
        ),
        ChecklistItem::RevenuePerCategory => {
            ("exports: `category` under [import.columns]", "Exporte: `category` unter [import.columns]")
        }
        ChecklistItem::CustomerCosts => (
            "[margin] in kam.toml and [[costs]] in the dossier",
            "[margin] in kam.toml und [[costs]] im Dossier",
        ),
        ChecklistItem::ContributionMargins => (
            "exports: `cost`, `unit_cost` or `profit`, or [margin] default_cost_rate",
            "Exporte: `cost`, `unit_cost` oder `profit`, oder [margin] default_cost_rate",
        ),
        ChecklistItem::ShareOfWallet => ("[profile] share_of_wallet", "[profile] share_of_wallet"),
        ChecklistItem::MinimumPrices => ("[conditions] min_prices", "[conditions] min_prices"),
        ChecklistItem::SpecialPrices => ("[conditions] special_prices", "[conditions] special_prices"),
        ChecklistItem::ComparableCustomers => {
            ("`segment` in this and other dossiers", "`segment` in diesem und weiteren Dossiers")
        }
        ChecklistItem::MinimumOrderSize => ("[conditions] min_order_value", "[conditions] min_order_value"),
        ChecklistItem::TurnoverSpeed => (
            "[profile] stock_turnover_days, from the customer's stock data",
            "[profile] stock_turnover_days, aus den Lagerdaten des Kunden",
        ),
        ChecklistItem::Returns => {
            ("exports: lines with negative net revenue", "Exporte: Zeilen mit negativem Nettoumsatz")
        }
        ChecklistItem::Promotions => ("[[promotions]]", "[[promotions]]"),
        ChecklistItem::CustomerVisits => {
            ("[[meetings]] with kind = \"visit\"", "[[meetings]] mit kind = \"visit\"")
        }
        ChecklistItem::CustomerSatisfaction => ("[[satisfaction]]", "[[satisfaction]]"),
        ChecklistItem::DaysSalesOutstanding => ("[credit] dso_days", "[credit] dso_days"),
        ChecklistItem::Creditworthiness => ("[credit] rating and limit", "[credit] rating und limit"),
    };
    tr(language, en, de)
}

/// `kam brief --format json`: the brief's figures as data (SPEC 4.1).
pub fn brief_json(b: &Brief) -> serde_json::Value {
    use crate::render::{json_money, json_opt, json_rate};
    use serde_json::json;
    let fig = |m: &MarginFigures| serde_json::Value::Object(super::margin::margin_figures_json(m));
    let months: Vec<String> = b.months.map_or_else(Vec::new, |(a, z)| vec![a.to_string(), z.to_string()]);
    let categories: Vec<serde_json::Value> = b
        .category_figures
        .iter()
        .map(|(category, (current, previous))| {
            let line = b.categories.iter().find(|c| c.category == *category);
            let or_null = |f: &Option<MarginFigures>| f.as_ref().map_or(serde_json::Value::Null, fig);
            json!({
                "category": category.machine(),
                "current": or_null(current),
                "previous_same_months": if b.comparable { or_null(previous) } else { serde_json::Value::Null },
                "change": json_opt(line.and_then(|l| l.change), json_rate),
            })
        })
        .collect();
    let goals: Vec<serde_json::Value> = b
        .goals
        .iter()
        .map(|g| {
            json!({
                "title": g.title,
                "metric": g.metric,
                "target": json_opt(g.target, crate::render::json_decimal),
                "due": g.due.map(|d| d.to_string()),
                "due_in_year": g.due_in_year,
                "actual": json_opt(g.actual, crate::render::json_decimal),
                "projected": json_opt(g.projected, crate::render::json_decimal),
                "attainment": json_opt(g.attainment, json_rate),
            })
        })
        .collect();
    let forecast =
        if b.covered_months == 12 { Some(b.margin_current.net_revenue) } else { b.forecast_net_revenue };
    json!({
        "account": b.account.id,
        "year": b.year,
        "months": months,
        "complete": b.months.is_some_and(|(a, z)| a.month() == 1 && z.month() == 12),
        "comparable": b.comparable,
        "figures": {
            "current": fig(&b.margin_current),
            // Y−1 only where the exports hold it from January on.
            "previous_same_months": if b.comparable { fig(&b.margin_previous) } else { serde_json::Value::Null },
            "previous_year": if b.comparable {
                fig(b.margin_previous_full.as_ref().unwrap_or(&b.margin_previous))
            } else {
                serde_json::Value::Null
            },
        },
        "categories": categories,
        "forecast_net_revenue": json_opt(forecast, json_money),
        "actions": {
            "expected_revenue": json_money(b.expected_revenue),
            "expected_revenue_weighted": json_money(b.expected_revenue_weighted),
            "expected_revenue_later": json_money(b.expected_revenue_later),
            "expected_revenue_later_weighted": json_money(b.expected_revenue_later_weighted),
        },
        "goals": goals,
        "gaps": b.whitespace.as_ref().map_or_else(Vec::new, |ws| ws.gaps.iter().take(3).map(|g| json!({
            "customer_id": g.customer_id,
            "category": g.category.machine(),
            "potential": json_money(g.potential),
        })).collect::<Vec<_>>()),
        "risk": b.risk.as_ref().map(|r| json!({
            "score": r.row.score,
            "rank": r.rank,
            "of": r.of,
            "components": {
                "expected_orders": r.row.ranks.points().0,
                "order_days": r.row.ranks.points().1,
                "days_since_last": r.row.ranks.points().2,
            },
        })),
    })
}
