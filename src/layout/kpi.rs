//! `kam kpi`: the monthly KPI report, one section per owner and the team total.

use super::{column, margin_definitions, source_text, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::kpi::{KpiFigures, KpiReport};
use crate::money::Decimal;
use crate::render::{Block, Column, Document, Table, Value, json_decimal, json_money, json_opt, json_rate};
use serde_json::{Map, Value as Json, json};

/// The columns of the team table, the CSV and the JSON objects, after `owner`.
pub const KPI_FIGURES: [&str; 23] = [
    "accounts",
    "start",
    "end",
    "retained",
    "churned",
    "retention_rate",
    "churn_rate",
    "net_revenue",
    "net_revenue_prev_year",
    "db2_ytd",
    "db2_ytd_prev_year",
    "db2_ytd_change",
    "db2_rate_ytd",
    "db2_rate_ytd_prev_year",
    "db2_rate_change",
    "services_sold",
    "services_value",
    "meetings",
    "complaints_open",
    "complaints_closed",
    "complaints_median_days_to_close",
    "goals_on_track",
    "goals_behind",
];

fn figure_values(f: &KpiFigures) -> Vec<Value> {
    vec![
        Value::Count(f.accounts),
        Value::Count(f.retention.start),
        Value::Count(f.retention.end),
        Value::Count(f.retention.retained),
        Value::Count(f.retention.churned),
        Value::Rate(f.retention.retention_rate),
        Value::Rate(f.retention.churn_rate),
        Value::Money(Some(f.retention.net_revenue)),
        Value::Money(f.net_revenue_prev_year),
        Value::Money(f.db2_ytd),
        Value::Money(f.db2_ytd_prev_year),
        Value::Rate(f.db2_ytd_change),
        Value::Rate(f.db2_rate_ytd),
        Value::Rate(f.db2_rate_ytd_prev_year),
        Value::Rate(f.db2_rate_change),
        Value::Count(f.services_sold),
        Value::Money(Some(f.services_value)),
        Value::Count(f.meetings),
        Value::Count(f.complaints_open),
        Value::Count(f.complaints_closed),
        Value::Number(f.complaints_median_days_to_close),
        Value::Count(f.goals_on_track),
        Value::Count(f.goals_behind),
    ]
}

/// One owner's (or the team's) KPIs as a two-column table: figure, value.
fn owner_table(report: &KpiReport, f: &KpiFigures, language: Language) -> Table<'static> {
    let month = report.month;
    let prev = report.month - 12;
    let (y0, y1) = report.ytd;
    let (p0, p1) = report.ytd_prev;
    // The figures that undercount while the month's start is not fully observed carry its mark.
    let unsure = |l: String| {
        if f.retention.history_complete { l } else { format!("{l}{}", super::retention::MARK_HISTORY) }
    };
    let lines: Vec<(String, Value)> = vec![
        (label(language, "accounts"), Value::Count(f.accounts)),
        (
            unsure(tr(language, "Active at the start of the month", "Aktiv zu Monatsbeginn")),
            Value::Count(f.retention.start),
        ),
        (
            tr(language, "Active at the end of the month", "Aktiv am Monatsende"),
            Value::Count(f.retention.end),
        ),
        (unsure(label(language, "retained")), Value::Count(f.retention.retained)),
        (unsure(label(language, "churned")), Value::Count(f.retention.churned)),
        (unsure(label(language, "new")), Value::Count(f.retention.new)),
        (unsure(label(language, "reactivated")), Value::Count(f.retention.reactivated)),
        (unsure(label(language, "retention_rate")), Value::Rate(f.retention.retention_rate)),
        (unsure(label(language, "churn_rate")), Value::Rate(f.retention.churn_rate)),
        (format!("{} {month}", label(language, "net_revenue")), Value::Money(Some(f.retention.net_revenue))),
        (format!("{} {prev}", label(language, "net_revenue")), Value::Money(f.net_revenue_prev_year)),
        (tr(language, "Change of net revenue", "Veränderung Nettoumsatz"), Value::Rate(f.net_revenue_change)),
        (
            tr(language, &format!("DB II {y0} to {y1}"), &format!("DB II {y0} bis {y1}")),
            Value::Money(f.db2_ytd),
        ),
        (
            tr(language, &format!("DB II {p0} to {p1}"), &format!("DB II {p0} bis {p1}")),
            Value::Money(f.db2_ytd_prev_year),
        ),
        (label(language, "db2_ytd_change"), Value::Rate(f.db2_ytd_change)),
        (
            tr(language, &format!("DB II rate {y0} to {y1}"), &format!("DB-II-Quote {y0} bis {y1}")),
            Value::Rate(f.db2_rate_ytd),
        ),
        (
            tr(language, &format!("DB II rate {p0} to {p1}"), &format!("DB-II-Quote {p0} bis {p1}")),
            Value::Rate(f.db2_rate_ytd_prev_year),
        ),
        (
            tr(
                language,
                "Change of DB II rate (percentage points)",
                "Veränderung DB-II-Quote (Prozentpunkte)",
            ),
            Value::Number(f.db2_rate_change.map(|c| (c * Decimal::ONE_HUNDRED).round_dp(1))),
        ),
        (label(language, "services_sold"), Value::Count(f.services_sold)),
        (label(language, "services_value"), Value::Money(Some(f.services_value))),
        (label(language, "meetings"), Value::Count(f.meetings)),
        (label(language, "complaints_open"), Value::Count(f.complaints_open)),
        (label(language, "complaints_closed"), Value::Count(f.complaints_closed)),
        (
            label(language, "complaints_median_days_to_close"),
            Value::Number(f.complaints_median_days_to_close),
        ),
        (
            tr(
                language,
                &format!("Goals due {} on track", report.month.year()),
                &format!("Ziele {} im Plan", report.month.year()),
            ),
            Value::Count(f.goals_on_track),
        ),
        (
            tr(
                language,
                &format!("Goals due {} behind", report.month.year()),
                &format!("Ziele {} im Rückstand", report.month.year()),
            ),
            Value::Count(f.goals_behind),
        ),
    ];
    Table {
        columns: vec![
            Column { key: "figure".into(), label: tr(language, "Key figure", "Kennzahl") },
            Column { key: "value".into(), label: tr(language, "Value", "Wert") },
        ],
        rows: lines.into_iter().map(|(l, v)| vec![Value::Text(l), v]).collect::<Vec<_>>().into(),
        total: None,
    }
}

/// The team table: one row per owner and the total; also the CSV table.
fn team_table(report: &KpiReport, language: Language) -> Table<'static> {
    let mut columns = vec![column(language, "owner")];
    columns.extend(KPI_FIGURES.iter().map(|k| column(language, k)));
    let rows: Vec<Vec<Value>> = report
        .owners
        .iter()
        .map(|o| {
            let mut cells = vec![Value::Text(o.owner.clone())];
            cells.extend(figure_values(&o.figures));
            cells
        })
        .collect();
    let mut total = vec![Value::Text(label(language, "total"))];
    total.extend(figure_values(&report.total));
    Table { columns, rows: rows.into(), total: Some(total) }
}

/// `kam kpi` as a document.
pub fn kpi_document(report: &KpiReport, language: Language, workspace: &str) -> Document<'static> {
    let w = report.window_months;
    let mut blocks = vec![
        Block::Heading(1, format!("{} {} — {workspace}", label(language, "kpi_title"), report.month)),
        Block::Bullets(vec![
            format!("{}: {}", tr(language, "Month", "Monat"), report.month),
            format!(
                "{}: W = {w} {}{}",
                label(language, "window"),
                tr(language, "month(s)", "Monat(e)"),
                super::own_windows_text(language, &report.own_windows)
            ),
            format!(
                "{}: {}",
                label(language, "source"),
                source_text(language, report.source.rows_read, report.source.files, report.source.data_range)
            ),
            format!("{}: {}", tr(language, "Currency", "Währung"), report.source.currency),
        ]),
    ];
    if report.owners.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "The workspace has no key accounts yet, so there is no owner to report on.",
            "Der Arbeitsbereich hat noch keine Schlüsselkunden, also keinen KAM, über den zu berichten wäre.",
        )));
    }
    for o in &report.owners {
        blocks.push(Block::Heading(2, o.owner.clone()));
        blocks.push(Block::Table(owner_table(report, &o.figures, language)));
    }
    let team = team_table(report, language);
    blocks.push(Block::Heading(2, tr(language, "Team total", "Team gesamt")));
    blocks.push(Block::Table(owner_table(report, &report.total, language)));
    if report.owners.len() > 1 {
        blocks.push(Block::Table(team.clone()));
    }
    let unsure = !report.total.retention.history_complete
        || report.owners.iter().any(|o| !o.figures.retention.history_complete);
    let widest = report.widest_window.max(w);
    blocks.extend(
        Some(Block::Bullets(super::retention::mark_notes(language, false, true, widest))).filter(|_| unsure),
    );
    blocks.push(Block::Heading(2, label(language, "definitions")));
    let mut definitions = vec![
        tr(
            language,
            &format!(
                "Each owner is measured on the key accounts it owns (accounts without owner: (no owner)). Retention of the month as `kam retention --by owner --period month`: an account is active at the end of a month when it bought in the last W = {w} month(s) (net revenue > 0 on a row; returns are no purchase); start = active at the end of the month before, end = active at the end of the month; retention rate = retained / start, churn rate = churned / start."
            ),
            &format!(
                "Jeder KAM wird an seinen Schlüsselkunden gemessen (Schlüsselkunden ohne KAM: (no owner)). Kundenbindung des Monats wie `kam retention --by owner --period month`: ein Kunde ist am Monatsende aktiv, wenn er in den letzten W = {w} Monat(en) gekauft hat (Nettoumsatz > 0 in einer Zeile; Retouren sind kein Kauf); Beginn = aktiv am Ende des Vormonats, Ende = aktiv am Monatsende; Kundenbindungsrate = gehalten / Beginn, Abwanderungsrate = abgewandert / Beginn."
            ),
        ),
        tr(
            language,
            "Net revenue of the month against the same month a year earlier. DB II from January 1 to the month's end against the same span a year earlier, as `kam margin --by owner` computes it; change = (this year − last year) / |last year| (– when last year is 0 or unknown).",
            "Nettoumsatz des Monats gegen den Vorjahresmonat. DB II vom 1. Januar bis Monatsende gegen denselben Zeitraum des Vorjahres, wie `kam margin --by owner` ihn berechnet; Veränderung = (dieses Jahr − Vorjahr) / |Vorjahr| (– wenn das Vorjahr 0 oder unbekannt ist).",
        ),
        tr(
            language,
            "Services sold and meetings (every kind): [[services]] and [[meetings]] of the dossiers dated in the month; a service without value counts with 0. Open complaints: opened by the month's end and not closed by then.",
            "Verkaufte Zusatzleistungen und Kundenkontakte (jeder Art): [[services]] und [[meetings]] der Dossiers mit Datum im Monat; eine Leistung ohne Wert zählt mit 0. Offene Reklamationen: bis Monatsende eröffnet und bis dahin nicht geschlossen.",
        ),
        tr(
            language,
            "Team total: the sum over the owners shown; its rates are worked out from the summed counts.",
            "Team gesamt: Summe über die gezeigten KAMs; die Quoten werden aus den summierten Zahlen berechnet.",
        ),
    ];
    definitions.extend(margin_definitions(language, &report.margin, &report.source.currency));
    blocks.push(Block::Bullets(definitions));
    Document { blocks, csv_table: Some(team) }
}

fn figures_json(f: &KpiFigures) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("accounts".into(), json!(f.accounts));
    m.insert("history_complete".into(), json!(f.retention.history_complete));
    m.insert("start".into(), json!(f.retention.start));
    m.insert("end".into(), json!(f.retention.end));
    m.insert("retained".into(), json!(f.retention.retained));
    m.insert("churned".into(), json!(f.retention.churned));
    m.insert("retention_rate".into(), json_opt(f.retention.retention_rate, json_rate));
    m.insert("churn_rate".into(), json_opt(f.retention.churn_rate, json_rate));
    m.insert("net_revenue".into(), json_money(f.retention.net_revenue));
    m.insert("net_revenue_prev_year".into(), json_opt(f.net_revenue_prev_year, json_money));
    m.insert("db2_ytd".into(), json_opt(f.db2_ytd, json_money));
    m.insert("db2_ytd_prev_year".into(), json_opt(f.db2_ytd_prev_year, json_money));
    m.insert("db2_ytd_change".into(), json_opt(f.db2_ytd_change, json_rate));
    m.insert("db2_rate_ytd".into(), json_opt(f.db2_rate_ytd, json_rate));
    m.insert("db2_rate_ytd_prev_year".into(), json_opt(f.db2_rate_ytd_prev_year, json_rate));
    m.insert("db2_rate_change".into(), json_opt(f.db2_rate_change, json_rate));
    m.insert("services_sold".into(), json!(f.services_sold));
    m.insert("services_value".into(), json_money(f.services_value));
    m.insert("meetings".into(), json!(f.meetings));
    m.insert("complaints_open".into(), json!(f.complaints_open));
    m.insert("complaints_closed".into(), json!(f.complaints_closed));
    m.insert(
        "complaints_median_days_to_close".into(),
        json_opt(f.complaints_median_days_to_close, json_decimal),
    );
    m.insert("goals_on_track".into(), json!(f.goals_on_track));
    m.insert("goals_behind".into(), json!(f.goals_behind));
    m
}

/// `kam kpi --format json` (SPEC 4.1).
pub fn kpi_json(report: &KpiReport) -> Json {
    let owners: Vec<Json> = report
        .owners
        .iter()
        .map(|o| {
            let mut m = Map::new();
            m.insert("owner".into(), json!(o.owner));
            m.extend(figures_json(&o.figures));
            Json::Object(m)
        })
        .collect();
    json!({
        "month": report.month.to_string(),
        "window_months": report.window_months,
        "owners": owners,
        "total": Json::Object(figures_json(&report.total)),
    })
}
