//! `kam kpi`: the monthly KPI report, one section per owner and the team total.

use super::{column, margin_definitions, source_text, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::kpi::{KpiFigures, KpiReport};
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

/// The KPI table: one row per figure, one column per owner shown (and the team).
fn kpi_table(report: &KpiReport, shown: &[(String, &KpiFigures)], language: Language) -> Table<'static> {
    let style = crate::render::Style::new(language);
    let month = style.month(report.month);
    let prev = style.month(report.month - 12);
    let ytd = style.days(report.ytd.0, report.ytd.1);
    let ytd_prev = style.days(report.ytd_prev.0, report.ytd_prev.1);
    // The figures that undercount while the month's start is not fully observed carry its mark.
    let any_unsure = shown.iter().any(|(_, f)| !f.retention.history_complete);
    let unsure = |l: String| if any_unsure { format!("{l}{}", super::retention::MARK_HISTORY) } else { l };
    let year = report.month.year();
    type Figure = fn(&KpiFigures) -> Value;
    let lines: Vec<(String, Figure)> = vec![
        (label(language, "accounts"), |f| Value::Count(f.accounts)),
        (unsure(tr(language, "Active at the start of the month", "Aktiv zu Monatsbeginn")), |f| {
            Value::Count(f.retention.start)
        }),
        (tr(language, "Active at the end of the month", "Aktiv am Monatsende"), |f| {
            Value::Count(f.retention.end)
        }),
        (unsure(label(language, "retained")), |f| Value::Count(f.retention.retained)),
        (unsure(label(language, "churned")), |f| Value::Count(f.retention.churned)),
        (unsure(label(language, "new")), |f| Value::Count(f.retention.new)),
        (unsure(label(language, "reactivated")), |f| Value::Count(f.retention.reactivated)),
        (unsure(label(language, "retention_rate")), |f| Value::Rate(f.retention.retention_rate)),
        (unsure(label(language, "churn_rate")), |f| Value::Rate(f.retention.churn_rate)),
        (format!("{} {month}", label(language, "net_revenue")), |f| {
            Value::Money(Some(f.retention.net_revenue))
        }),
        (format!("{} {prev}", label(language, "net_revenue")), |f| Value::Money(f.net_revenue_prev_year)),
        (tr(language, "Change in net revenue", "Veränderung Nettoumsatz"), |f| {
            Value::Change(f.net_revenue_change)
        }),
        (format!("{} {ytd}", label(language, "db2")), |f| Value::Money(f.db2_ytd)),
        (format!("{} {ytd_prev}", label(language, "db2")), |f| Value::Money(f.db2_ytd_prev_year)),
        (tr(language, "Change in CM II", "Veränderung DB II"), |f| Value::Change(f.db2_ytd_change)),
        (tr(language, &format!("CM II rate {ytd}"), &format!("DB-II-Quote {ytd}")), |f| {
            Value::Rate(f.db2_rate_ytd)
        }),
        (tr(language, &format!("CM II rate {ytd_prev}"), &format!("DB-II-Quote {ytd_prev}")), |f| {
            Value::Rate(f.db2_rate_ytd_prev_year)
        }),
        (tr(language, "Change in CM II rate", "Veränderung DB-II-Quote"), |f| {
            Value::PointChange(f.db2_rate_change)
        }),
        (label(language, "services_sold"), |f| Value::Count(f.services_sold)),
        (label(language, "services_value"), |f| Value::Money(Some(f.services_value))),
        (label(language, "meetings"), |f| Value::Count(f.meetings)),
        (label(language, "complaints_open"), |f| Value::Count(f.complaints_open)),
        (label(language, "complaints_closed"), |f| Value::Count(f.complaints_closed)),
        (label(language, "complaints_median_days_to_close"), |f| {
            Value::Number(f.complaints_median_days_to_close)
        }),
        (tr(language, &format!("Goals due {year} on track"), &format!("Ziele {year} im Plan")), |f| {
            Value::Count(f.goals_on_track)
        }),
        (tr(language, &format!("Goals due {year} off track"), &format!("Ziele {year} im Rückstand")), |f| {
            Value::Count(f.goals_behind)
        }),
    ];
    let mut columns = vec![Column { key: "figure".into(), label: tr(language, "Key figure", "Kennzahl") }];
    columns.extend(shown.iter().map(|(name, _)| Column { key: name.clone(), label: name.clone() }));
    let rows: Vec<Vec<Value>> = lines
        .into_iter()
        .map(|(l, figure)| {
            let mut cells = vec![Value::Text(l)];
            cells.extend(shown.iter().map(|(_, f)| figure(f)));
            cells
        })
        .collect();
    Table { columns, rows: rows.into(), total: None }
}

/// The owners shown side by side in one table: more are split over several tables.
const OWNERS_PER_TABLE: usize = 4;

/// The team table of the CSV: one row per owner and the total.
fn team_table(report: &KpiReport, language: Language) -> Table<'static> {
    let mut columns = vec![column(language, "owner")];
    columns.extend(KPI_FIGURES.iter().map(|k| column(language, k)));
    let rows: Vec<Vec<Value>> = report
        .owners
        .iter()
        .map(|o| {
            let mut cells = vec![super::group_value(language, &o.owner)];
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
    let style = crate::render::Style::new(language);
    let w = report.window_months;
    let mut blocks = vec![
        Block::Heading(
            1,
            format!(
                "{} {} — {}",
                label(language, "kpi_title"),
                style.month(report.month),
                crate::markdown::inline(workspace)
            ),
        ),
        Block::Bullets(vec![
            format!("{}: {}", tr(language, "Month", "Monat"), style.month(report.month)),
            format!(
                "{}: W = {}{}",
                label(language, "window"),
                super::months_text(language, w),
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
    let team_label = tr(language, "Team", "Team");
    let mut shown: Vec<(String, &KpiFigures)> = report
        .owners
        .iter()
        .map(|o| (super::group_text(language, &o.owner).into_owned(), &o.figures))
        .collect();
    if report.owners.len() != 1 {
        shown.push((team_label, &report.total));
    }
    let chunks: Vec<&[(String, &KpiFigures)]> = shown.chunks(OWNERS_PER_TABLE).collect();
    for chunk in &chunks {
        blocks.push(Block::Table(kpi_table(report, chunk, language)));
    }
    let unsure = !report.total.retention.history_complete
        || report.owners.iter().any(|o| !o.figures.retention.history_complete);
    let widest = report.widest_window.max(w);
    blocks.extend(
        Some(Block::Bullets(super::retention::mark_notes(language, false, true, widest))).filter(|_| unsure),
    );
    blocks.push(Block::Heading(2, label(language, "definitions")));
    let w_text = super::months_text(language, w);
    let mut definitions = vec![
        tr(
            language,
            &format!(
                "Each owner is measured on the key accounts they own (key accounts without an owner appear under \"(no owner)\"). Retention of the month as `kam retention --by owner --period month`: an account is active at the end of a month when it bought in the last W = {w_text} (net revenue > 0 on a row; returns do not count as purchases); start = active at the end of the month before, end = active at the end of the month; retention rate = retained / start, churn rate = churned / start."
            ),
            &format!(
                "Jeder KAM wird an seinen Schlüsselkunden gemessen (Schlüsselkunden ohne KAM erscheinen unter „(ohne KAM)“). Kundenbindung des Monats wie `kam retention --by owner --period month`: Ein Schlüsselkunde ist am Monatsende aktiv, wenn er innerhalb der letzten W = {w_text} gekauft hat (Nettoumsatz > 0 in einer Zeile; Retouren zählen nicht als Kauf); Beginn = aktiv am Ende des Vormonats, Ende = aktiv am Monatsende; Kundenbindungsrate = gehalten / Beginn, Abwanderungsrate = abgewandert / Beginn."
            ),
        ),
        tr(
            language,
            "Net revenue of the month against the same month a year earlier. CM II from January 1 to the month's end against the same span a year earlier, as `kam margin --by owner` computes it; change = (this year − last year) / |last year| (– when last year is 0 or unknown); the change in the CM II rate is the difference between the rates in percentage points (pp).",
            "Nettoumsatz des Monats im Vergleich zum Vorjahresmonat. DB II vom 1. Januar bis Monatsende gegenüber demselben Zeitraum des Vorjahres, wie `kam margin --by owner` ihn berechnet; Veränderung = (laufendes Jahr − Vorjahr) / |Vorjahr| („–“, wenn das Vorjahr 0 oder unbekannt ist); die Veränderung der DB-II-Quote ist die Differenz der Quoten in Prozentpunkten (Pp.).",
        ),
        tr(
            language,
            "Services sold and meetings (all kinds): [[services]] and [[meetings]] of the dossiers dated in the month; a service without value counts as 0. Open complaints: opened by the month's end and not closed by then.",
            "Verkaufte Zusatzleistungen und Kundenkontakte (alle Arten): [[services]] und [[meetings]] der Dossiers mit Datum im Monat; eine Leistung ohne Wert zählt mit 0. Offene Reklamationen: bis Monatsende eröffnet und bis dahin nicht erledigt.",
        ),
        tr(
            language,
            "Team: the sum over the owners shown; its rates are worked out from the summed counts.",
            "Team: Summe der gezeigten KAMs; die Quoten werden aus den summierten Zahlen berechnet.",
        ),
    ];
    definitions.extend(margin_definitions(language, &report.margin, &report.source.currency));
    blocks.push(Block::Bullets(definitions));
    Document { blocks, csv_table: Some(team_table(report, language)) }
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
            m.insert("owner".into(), json!(o.owner.machine()));
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
