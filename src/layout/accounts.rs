//! `kam accounts`: the account overview.

use super::{column, select_columns, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::render::{Block, Document, Table, Value, json_money, json_opt, json_rate};
use serde_json::{Value as Json, json};

/// `kam accounts` as a document.
pub fn accounts_document(
    report: &crate::overview::AccountsReport,
    language: Language,
    workspace: &str,
) -> Document<'static> {
    let keys = [
        "account",
        "name",
        "owner",
        "segment",
        "net_revenue_12m",
        "net_revenue_prev_12m",
        "change",
        "db2_rate",
        "class",
        "last_meeting",
        "complaints_open",
        "next_review",
        "risk",
    ];
    // "Nächstes Gespräch": the table fits GitHub's page where "Jahresgespräch" would not wrap.
    let columns = keys
        .iter()
        .map(|k| match *k {
            "next_review" => crate::render::Column {
                key: k.to_string(),
                label: tr(language, "Next review", "Nächstes Gespräch"),
            },
            _ => column(language, k),
        })
        .collect();
    let rows: Vec<Vec<Value>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                Value::Text(r.id.clone()),
                Value::Text(r.name.clone()),
                super::group_value(language, &crate::group::GroupName::owner(r.owner.as_deref())),
                Value::Text(r.segment.clone().unwrap_or_default()),
                Value::Money(Some(r.net_revenue)),
                Value::Money(Some(r.net_revenue_prev)),
                Value::Change(r.change),
                Value::Rate(r.db2_rate),
                Value::Text(r.class.letter().into()),
                Value::Date(r.last_meeting),
                Value::Count(r.complaints_open),
                Value::Date(r.next_review),
                Value::Number(r.risk.map(|p| p.shown)),
            ]
        })
        .collect();
    let table = Table { columns, rows: rows.into(), total: None };
    // The Markdown table: the columns a reader scans; CSV and JSON have them all.
    let shown = ["name", "owner", "net_revenue_12m", "change", "db2_rate", "class", "risk", "next_review"];
    let page = select_columns(&table, &shown);
    let (c, p) = (report.current, report.previous);
    let style = crate::render::Style::new(language);
    let (c0, c1) = (style.month(c.0), style.month(c.1));
    let (p0, p1) = (style.month(p.0), style.month(p.1));
    let today = style.date(report.today);
    let blocks = vec![
        Block::Heading(
            1,
            format!("{} — {}", label(language, "accounts_title"), crate::markdown::inline(workspace)),
        ),
        Block::Bullets(vec![
            tr(
                language,
                &format!("Last 12 months: {c0}–{c1}; previous 12 months: {p0}–{p1}"),
                &format!("Letzte 12 Monate: {c0}–{c1}; Vorjahreszeitraum: {p0}–{p1}"),
            ),
            format!("{}: {}", tr(language, "Currency", "Währung"), report.currency),
            tr(language, &format!("As of {today}"), &format!("Stand {today}")),
        ]),
        Block::Table(page),
        Block::Heading(2, label(language, "definitions")),
        Block::Bullets(vec![
            tr(
                language,
                "The last 12 months end with the exports' last month (or --to). Change = (last 12 months − previous 12) / previous 12.",
                "Die letzten 12 Monate enden mit dem letzten Monat der Exporte (oder --to). Veränderung = (letzte 12 Monate − Vorjahreszeitraum) / Vorjahreszeitraum.",
            ),
            tr(
                language,
                "CM II rate and ABC class (among the key accounts) over the last 12 months, as `kam margin --by account` and `kam abc --by account` compute them. The table shows the most-used columns; `--format csv`, `json` and `xlsx` hold every column (id, segment, the previous 12 months, last meeting, open complaints).",
                "DB-II-Quote und ABC-Klasse (unter den Schlüsselkunden) über die letzten 12 Monate, wie `kam margin --by account` und `kam abc --by account` sie berechnen. Die Tabelle zeigt die wichtigsten Spalten; `--format csv`, `json` und `xlsx` enthalten alle Spalten (Kennung, Segment, Vorjahreszeitraum, letzter Kontakt, offene Reklamationen).",
            ),
            tr(
                language,
                "Risk: the churn-risk score from 0 to 100 as `kam risk --by account` computes it as of the last month (the expected order days, the order days and the days since the last order, each ranked among all customers); empty without an order in the 24 months.",
                "Risiko: der Risikowert der Abwanderung von 0 bis 100, wie `kam risk --by account` ihn zum letzten Monat berechnet (erwartete Auftragstage, Auftragstage und Tage seit dem letzten Auftrag, jeweils unter allen Kunden eingeordnet); leer ohne Auftrag in den 24 Monaten.",
            ),
            tr(
                language,
                "Last meeting: the latest [[meetings]] entry up to today; open complaints: opened and not closed by today; next review: the annual review planned ([review] date).",
                "Letzter Kontakt: der jüngste Eintrag unter [[meetings]] bis heute; offene Reklamationen: eröffnet und bis heute nicht erledigt; nächstes Gespräch: das geplante Jahresgespräch ([review] date).",
            ),
        ]),
    ];
    Document { blocks, csv_table: Some(table) }
}

/// `kam accounts --format json`.
pub fn accounts_json(report: &crate::overview::AccountsReport) -> Json {
    let rows: Vec<Json> = report
        .rows
        .iter()
        .map(|r| {
            json!({
                "account": r.id,
                "name": r.name,
                "owner": r.owner,
                "segment": r.segment,
                "net_revenue_12m": json_money(r.net_revenue),
                "net_revenue_prev_12m": json_money(r.net_revenue_prev),
                "change": json_opt(r.change, json_rate),
                "db2_rate": json_opt(r.db2_rate, json_rate),
                "class": r.class.letter(),
                "last_meeting": r.last_meeting.map(|d| d.to_string()),
                "complaints_open": r.complaints_open,
                "next_review": r.next_review.map(|d| d.to_string()),
                "risk": r.risk.map(|p| json!({"score": crate::render::json_decimal(p.score), "rank": p.rank, "of": p.of})),
            })
        })
        .collect();
    json!({
        "currency": report.currency,
        "current": [report.current.0.to_string(), report.current.1.to_string()],
        "previous": [report.previous.0.to_string(), report.previous.1.to_string()],
        "rows": rows,
    })
}
