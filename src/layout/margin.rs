//! `kam margin`: the contribution-margin table.

use super::{column, margin_definitions, period_text, range_text, source_text, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::margin::{Dim, FIGURES, MarginFigures, MarginReport};
use crate::render::{
    Block, Column, Document, Style, Table, Value, json_decimal, json_money, json_opt, json_rate,
};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value as Json, json};

fn figure_values(f: &MarginFigures) -> Vec<Value> {
    vec![
        Value::Money(Some(f.gross_revenue)),
        Value::Money(Some(f.deductions)),
        Value::Money(Some(f.net_revenue)),
        Value::Money(f.variable_costs),
        Value::Money(f.db1),
        Value::Money(Some(f.direct_costs)),
        Value::Money(f.db2),
        Value::Money(Some(f.overhead)),
        Value::Money(f.db3),
        Value::Rate(f.db1_rate),
        Value::Rate(f.db2_rate),
        Value::Rate(f.db3_rate),
        Value::Number(Some(f.quantity)),
        Value::Count(f.orders),
        Value::Money(Some(f.returns)),
    ]
}

/// The margin table: group keys, period, then every figure of SPEC 3.1.
pub fn margin_table(report: &MarginReport, language: Language) -> Table {
    let has_period = report.period != crate::periods::PeriodKind::All;
    let mut columns: Vec<Column> = report.by.iter().map(|d| column(language, d.name())).collect();
    if has_period {
        columns.push(column(language, "period"));
    }
    columns.extend(FIGURES.iter().map(|f| column(language, f)));
    let rows = report
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Value> = r.keys.iter().map(|k| Value::Text(k.clone())).collect();
            if has_period {
                cells.push(Value::Text(r.period.clone().unwrap_or_default()));
            }
            cells.extend(figure_values(&r.figures));
            cells
        })
        .collect();
    let mut total: Vec<Value> = vec![Value::Text(label(language, "total"))];
    total.extend((1..report.by.len() + usize::from(has_period)).map(|_| Value::Text(String::new())));
    total.extend(figure_values(&report.total));
    Table { columns, rows, total: Some(total) }
}

/// `kam margin` as a document.
pub fn margin_document(report: &MarginReport, language: Language, workspace: &str) -> Document {
    let by: Vec<String> = report.by.iter().map(|d| label(language, d.name())).collect();
    let table = margin_table(report, language);
    let mut blocks = vec![
        Block::Heading(1, format!("{} — {workspace}", label(language, "margin_title"))),
        Block::Bullets(vec![
            format!("{}: {}", label(language, "by"), by.join(", ")),
            format!(
                "{}: {} ({})",
                label(language, "range"),
                range_text(language, report.query.from, report.query.to),
                period_text(language, report.period)
            ),
            format!(
                "{}: {}",
                label(language, "source"),
                source_text(language, report.rows_read, report.files, report.data_range)
            ),
            format!("{}: {}", tr(language, "Currency", "Währung"), report.currency),
        ]),
        Block::Table(table.clone()),
        Block::Heading(2, label(language, "definitions")),
        Block::Bullets(margin_definitions(language, &report.settings, &report.currency)),
    ];
    if report.total.unknown_cost_rows > 0 {
        let style = Style::new(language);
        blocks.insert(
            3,
            Block::Paragraph(tr(
                language,
                &format!(
                    "**Note:** {} rows ({} {} net revenue) have no cost data, so DB I–III of their groups are unknown (–).",
                    report.total.unknown_cost_rows,
                    style.money(report.total.unknown_cost_net),
                    report.currency
                ),
                &format!(
                    "**Hinweis:** {} Zeilen ({} {} Nettoumsatz) haben keine Kostenangabe; DB I–III ihrer Gruppen sind daher unbekannt (–).",
                    report.total.unknown_cost_rows,
                    style.money(report.total.unknown_cost_net),
                    report.currency
                ),
            )),
        );
    }
    Document { blocks, csv_table: Some(table) }
}

fn figures_json(f: &MarginFigures) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("gross_revenue".into(), json_money(f.gross_revenue));
    m.insert("deductions".into(), json_money(f.deductions));
    m.insert("net_revenue".into(), json_money(f.net_revenue));
    m.insert("variable_costs".into(), json_opt(f.variable_costs, json_money));
    m.insert("db1".into(), json_opt(f.db1, json_money));
    m.insert("direct_costs".into(), json_money(f.direct_costs));
    m.insert("db2".into(), json_opt(f.db2, json_money));
    m.insert("overhead".into(), json_money(f.overhead));
    m.insert("db3".into(), json_opt(f.db3, json_money));
    m.insert("db1_rate".into(), json_opt(f.db1_rate, json_rate));
    m.insert("db2_rate".into(), json_opt(f.db2_rate, json_rate));
    m.insert("db3_rate".into(), json_opt(f.db3_rate, json_rate));
    m.insert("quantity".into(), json_decimal(f.quantity));
    m.insert("orders".into(), json!(f.orders));
    m.insert("returns".into(), json_money(f.returns));
    m
}

/// `kam margin --format json` (SPEC 4.1), serialized row by row as it is written, so that a
/// table of many rows is never held as JSON values.
pub fn margin_json(report: &MarginReport) -> MarginJson<'_> {
    MarginJson(report)
}

/// The JSON of a margin report; see [`margin_json`].
pub struct MarginJson<'a>(&'a MarginReport);

struct MarginRowsJson<'a>(&'a MarginReport);

impl Serialize for MarginJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let by: Vec<&str> = report.by.iter().map(|d: &Dim| d.name()).collect();
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("currency", &report.currency)?;
        map.serialize_entry("by", &by)?;
        map.serialize_entry("period", report.period.name())?;
        map.serialize_entry("rows", &MarginRowsJson(report))?;
        map.serialize_entry("total", &figures_json(&report.total))?;
        map.end()
    }
}

impl Serialize for MarginRowsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let mut seq = serializer.serialize_seq(Some(report.rows.len()))?;
        for r in &report.rows {
            let mut m = Map::new();
            for (dim, key) in report.by.iter().zip(&r.keys) {
                m.insert(dim.name().into(), json!(key));
            }
            if let Some(p) = &r.period {
                m.insert("period".into(), json!(p));
            }
            m.extend(figures_json(&r.figures));
            seq.serialize_element(&m)?;
        }
        seq.end()
    }
}
