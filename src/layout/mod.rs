//! Report layout: computed reports turned into [`Document`](crate::render::Document)s (Markdown, CSV) and JSON values.
//! Nothing here computes a figure; it only chooses labels, order and format.

use crate::config::{Language, MarginSettings};
use crate::i18n::label;
use crate::money::{Decimal, ROUNDING_NAME};
use crate::render::{Column, Style};
use chrono::NaiveDate;

/// Picks the text of the report language.
pub fn tr(language: Language, en: &str, de: &str) -> String {
    match language {
        Language::En => en.to_string(),
        Language::De => de.to_string(),
    }
}

pub(crate) fn column(language: Language, key: &str) -> Column {
    Column { key: key.to_string(), label: label(language, key) }
}

mod abc;
mod accounts;
mod brief;
mod kpi;
mod margin;
mod retention;

pub use abc::{abc_document, abc_json};
pub use accounts::{accounts_document, accounts_json};
pub use brief::{brief_document, brief_json};
pub use kpi::{kpi_document, kpi_json};
pub use margin::{MarginJson, margin_document, margin_json, margin_table};
pub use retention::{cohorts_document, cohorts_json, retention_document, retention_json};

/// How a report splits time, in words: "by month", "je Quartal", ….
pub(crate) fn period_text(language: Language, period: crate::periods::PeriodKind) -> String {
    label(language, &format!("period_{}", period.name()))
}

pub(crate) fn range_text(language: Language, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (None, None) => tr(language, "all rows of the exports", "alle Zeilen der Exporte"),
        (Some(f), None) => tr(language, &format!("from {f}"), &format!("ab {f}")),
        (None, Some(t)) => tr(language, &format!("up to {t}"), &format!("bis {t}")),
        (Some(f), Some(t)) => tr(language, &format!("{f} to {t}"), &format!("{f} bis {t}")),
    }
}

/// The source line: how many rows of how many exports, spanning which days.
pub fn source_text(
    language: Language,
    rows: u64,
    files: usize,
    data: Option<(NaiveDate, NaiveDate)>,
) -> String {
    let span = data.map_or_else(String::new, |(a, b)| format!(", {a} – {b}"));
    tr(
        language,
        &format!("{rows} rows from {files} export file(s){span}"),
        &format!("{rows} Zeilen aus {files} Exportdatei(en){span}"),
    )
}

/// The definitions and settings behind a margin figure, for the footer of every report with DBs.
pub fn margin_definitions(language: Language, settings: &MarginSettings, currency: &str) -> Vec<String> {
    let style = Style::new(language);
    let money = |d: Decimal| format!("{} {currency}", style.money(d));
    let pct = |d: Decimal| style.percent(d);
    let cost_rule = match settings.default_cost_rate {
        Some(r) => tr(
            language,
            &format!("rows without cost data are costed at default_cost_rate = {} of net revenue", pct(r)),
            &format!(
                "Zeilen ohne Kostenangabe werden mit default_cost_rate = {} des Nettoumsatzes bewertet",
                pct(r)
            ),
        ),
        None => tr(
            language,
            "default_cost_rate is unset: where rows lack cost data, DB I–III are unknown (–)",
            "default_cost_rate ist nicht gesetzt: fehlen Kostenangaben, sind DB I–III unbekannt (–)",
        ),
    };
    vec![
        tr(
            language,
            "Net revenue = gross revenue − deductions (discounts, bonuses, cash discount); returns are rows with negative net revenue.",
            "Nettoumsatz = Bruttoumsatz − Erlösschmälerungen (Rabatte, Boni, Skonto); Retouren sind Zeilen mit negativem Nettoumsatz.",
        ),
        tr(
            language,
            "DB I = net revenue − variable costs (cost, else quantity × unit cost, else net revenue − profit).",
            "DB I = Nettoumsatz − variable Kosten (Kosten, sonst Menge × Stückkosten, sonst Nettoumsatz − Gewinn).",
        ),
        tr(
            language,
            &format!(
                "DB II = DB I − direct costs: {} per order (distinct invoice numbers of purchases; a purchase row without one counts as one order; a credit note is no order) + {} per visit + {} of returns + the account's [[costs]] in the period.",
                money(settings.cost_per_order),
                money(settings.cost_per_visit),
                pct(settings.return_handling_rate)
            ),
            &format!(
                "DB II = DB I − Kundenkosten: {} je Auftrag (verschiedene Belegnummern der Käufe; eine Kaufzeile ohne Belegnummer zählt als ein Auftrag; eine Gutschrift ist kein Auftrag) + {} je Besuch + {} der Retouren + [[costs]] des Kunden im Zeitraum.",
                money(settings.cost_per_order),
                money(settings.cost_per_visit),
                pct(settings.return_handling_rate)
            ),
        ),
        tr(
            language,
            &format!(
                "DB III = DB II − overhead ({} of net revenue). Rates are relative to net revenue.",
                pct(settings.overhead_rate)
            ),
            &format!(
                "DB III = DB II − Gemeinkosten ({} des Nettoumsatzes). Quoten beziehen sich auf den Nettoumsatz.",
                pct(settings.overhead_rate)
            ),
        ),
        cost_rule,
        tr(
            language,
            &format!(
                "Amounts are exact; shown rounded to cents, {ROUNDING_NAME}; rates to 4 places (here as percent)."
            ),
            &format!(
                "Beträge werden exakt gerechnet und erst zur Anzeige auf Cent gerundet, {ROUNDING_NAME}; Quoten auf 4 Stellen (hier in Prozent)."
            ),
        ),
    ]
}

/// "; own windows: donau-landtechnik 6" for the accounts with a W of their own.
pub fn own_windows_text(language: Language, own: &[(String, u32)]) -> String {
    if own.is_empty() {
        return String::new();
    }
    let list = own.iter().map(|(id, w)| format!("{id} {w}")).collect::<Vec<_>>().join(", ");
    tr(language, &format!("; own windows: {list}"), &format!("; eigene Fenster: {list}"))
}
