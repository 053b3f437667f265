//! Report layout: computed reports turned into [`Document`](crate::render::Document)s (Markdown, CSV) and JSON values.
//! Nothing here computes a figure; it only chooses labels, order and format.

use crate::config::{Language, MarginSettings};
use crate::group::GroupName;
use crate::i18n::label;
use crate::money::Decimal;
use crate::render::{Column, Style, Value};
use chrono::NaiveDate;

/// Picks the text of the report language.
pub fn tr(language: Language, en: &str, de: &str) -> String {
    match language {
        Language::En => en.to_string(),
        Language::De => de.to_string(),
    }
}

/// A group's name as shown: its own, or the words for a group without one.
pub(crate) fn group_text(language: Language, group: &GroupName) -> std::borrow::Cow<'_, str> {
    match group {
        GroupName::Named(name) => std::borrow::Cow::Borrowed(name),
        _ => std::borrow::Cow::Owned(unnamed_text(language, group)),
    }
}

fn unnamed_text(language: Language, group: &GroupName) -> String {
    let (en, de) = match group {
        GroupName::Named(name) => return name.clone(),
        GroupName::Unassigned => ("(unassigned)", "(nicht zugeordnet)"),
        GroupName::NoOwner => ("(no owner)", "(ohne KAM)"),
        GroupName::AccountCosts => ("(account costs)", "(Kundeneinzelkosten)"),
        GroupName::NoCategory => ("(no category)", "(ohne Warengruppe)"),
        GroupName::NoProduct => ("(no product)", "(ohne Artikel)"),
    };
    tr(language, en, de)
}

/// A group's name as a table cell: shown in the report language, its machine name in CSV.
pub(crate) fn group_value(language: Language, group: &GroupName) -> Value {
    match (group, group.unnamed_key()) {
        (_, Some(key)) => Value::Label { shown: unnamed_text(language, group), key },
        (GroupName::Named(name), None) => Value::Text(name.clone()),
        _ => Value::Text(String::new()),
    }
}

/// Appends a group's name to a made row.
pub(crate) fn push_group(cells: &mut crate::render::RowCells, language: Language, group: &GroupName) {
    match group {
        GroupName::Named(name) => cells.text(name),
        _ => cells.push(group_value(language, group)),
    }
}

pub(crate) fn column(language: Language, key: &str) -> Column {
    Column { key: key.to_string(), label: label(language, key) }
}

mod abc;
mod accounts;
mod brief;
mod changes;
mod kpi;
mod margin;
mod radar;
mod retention;
mod risk;
mod team;
mod whitespace;

pub use abc::{abc_document, abc_json};
pub use accounts::{accounts_document, accounts_json};
pub use brief::{brief_document, brief_json, customer_brief_document};
pub use changes::{changes_document, changes_json, no_history_text};
pub use kpi::{kpi_document, kpi_json};
pub use margin::{MarginJson, margin_document, margin_json, margin_table};
pub use radar::{radar_document, radar_json};
pub use retention::{cohorts_document, cohorts_json, retention_document, retention_json};
pub use risk::{backtest_document, backtest_json, risk_document, risk_json};
pub use team::{team_document, team_json};
pub use whitespace::{centre_text as whitespace_centre_text, whitespace_document, whitespace_json};

/// How a report splits time, in words: "by month", "je Quartal", ….
pub(crate) fn period_text(language: Language, period: crate::periods::PeriodKind) -> String {
    label(language, &format!("period_{}", period.name()))
}

pub(crate) fn range_text(language: Language, from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    let style = Style::new(language);
    match (from, to) {
        (None, None) => tr(language, "all exported data", "gesamter Exportzeitraum"),
        (Some(f), None) => tr(language, &format!("from {}", style.date(f)), &format!("ab {}", style.date(f))),
        (None, Some(t)) => {
            tr(language, &format!("up to {}", style.date(t)), &format!("bis {}", style.date(t)))
        }
        (Some(f), Some(t)) => style.days(f, t),
    }
}

/// The columns `keys` of a table (in that order), its rows and total cut to them.
pub(crate) fn select_columns<'a>(
    table: &crate::render::Table<'a>,
    keys: &[&str],
) -> crate::render::Table<'static> {
    let picks: Vec<usize> =
        keys.iter().filter_map(|k| table.columns.iter().position(|c| c.key == *k)).collect();
    let pick = |row: &[Value]| picks.iter().filter_map(|&i| row.get(i).cloned()).collect::<Vec<_>>();
    let mut rows = Vec::with_capacity(table.rows.len());
    table.rows.each(0..table.rows.len(), |row| rows.push(pick(row)));
    crate::render::Table {
        columns: picks.iter().map(|&i| table.columns[i].clone()).collect(),
        rows: rows.into(),
        total: table.total.as_ref().map(|t| pick(t)),
    }
}

/// A number of months in words: "1 Monat", "3 Monate", "1 month", "3 months".
pub(crate) fn months_text(language: Language, n: u32) -> String {
    plural(language, u64::from(n), ("month", "months"), ("Monat", "Monate"))
}

/// A count with its noun in the right number, the count grouped in thousands: "1 Auftrag",
/// "17.901 Zeilen".
pub(crate) fn plural(language: Language, n: u64, en: (&str, &str), de: (&str, &str)) -> String {
    let (one, many) = match language {
        Language::En => en,
        Language::De => de,
    };
    let count = Style::new(language).value(&Value::Count(n));
    format!("{count} {}", if n == 1 { one } else { many })
}

/// The source line: how many rows of how many exports, spanning which days.
pub fn source_text(
    language: Language,
    rows: u64,
    files: usize,
    data: Option<(NaiveDate, NaiveDate)>,
) -> String {
    let style = Style::new(language);
    let span = data.map_or_else(String::new, |(a, b)| format!(", {}–{}", style.date(a), style.date(b)));
    let rows = plural(language, rows, ("row", "rows"), ("Zeile", "Zeilen"));
    let files =
        plural(language, files as u64, ("export file", "export files"), ("Exportdatei", "Exportdateien"));
    tr(language, &format!("{rows} from {files}{span}"), &format!("{rows} aus {files}{span}"))
}

/// The definitions and settings behind a margin figure, for the footer of every report with DBs.
pub fn margin_definitions(language: Language, settings: &MarginSettings, currency: &str) -> Vec<String> {
    let style = Style::new(language);
    let money = |d: Decimal| style.amount(d, currency);
    let pct = |d: Decimal| style.percent(d);
    let cost_rule = match settings.default_cost_rate {
        Some(r) => tr(
            language,
            &format!("Rows without cost data are costed at default_cost_rate = {} of net revenue.", pct(r)),
            &format!(
                "Zeilen ohne Kostenangabe werden mit default_cost_rate = {} des Nettoumsatzes bewertet.",
                pct(r)
            ),
        ),
        None => tr(
            language,
            "default_cost_rate is unset: where rows lack cost data, CM I–III are unknown (–).",
            "default_cost_rate ist nicht gesetzt: Fehlen Kostenangaben, sind DB I–III unbekannt (–).",
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
            "CM I = net revenue − variable costs (cost, else quantity × unit cost, else net revenue − profit).",
            "DB I = Nettoumsatz − variable Kosten (Kosten, sonst Menge × Stückkosten, sonst Nettoumsatz − Gewinn).",
        ),
        tr(
            language,
            &format!(
                "CM II = CM I − direct costs: {} per order (the number of distinct invoice numbers of purchases; a purchase row without one counts as one order; a credit note is not an order) + {} per visit + {} of returns + the key account's [[costs]] in the period.",
                money(settings.cost_per_order),
                money(settings.cost_per_visit),
                pct(settings.return_handling_rate)
            ),
            &format!(
                "DB II = DB I − Kundeneinzelkosten: {} je Auftrag (Anzahl verschiedener Belegnummern der Käufe; eine Kaufzeile ohne Belegnummer zählt als ein Auftrag; eine Gutschrift ist kein Auftrag) + {} je Besuch + {} der Retouren + [[costs]] des Schlüsselkunden im Zeitraum.",
                money(settings.cost_per_order),
                money(settings.cost_per_visit),
                pct(settings.return_handling_rate)
            ),
        ),
        tr(
            language,
            &format!(
                "CM III = CM II − overhead ({} of net revenue). Rates are relative to net revenue.",
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
            "Amounts are calculated exactly and rounded to the cent (half away from zero) only for display; rates to 4 decimal places (shown here as percentages with one decimal).",
            "Beträge werden exakt gerechnet und erst zur Anzeige auf Cent kaufmännisch gerundet; Quoten auf 4 Nachkommastellen (hier als Prozentwert mit einer Nachkommastelle).",
        ),
    ]
}

/// "; own windows: donau-landtechnik 6" for the accounts with a W of their own.
pub fn own_windows_text(language: Language, own: &[(String, u32)]) -> String {
    if own.is_empty() {
        return String::new();
    }
    let list = own
        .iter()
        .map(|(id, w)| format!("{} ({})", crate::markdown::inline(id), months_text(language, *w)))
        .collect::<Vec<_>>()
        .join(", ");
    tr(language, &format!("; own windows: {list}"), &format!("; eigene Fenster: {list}"))
}
