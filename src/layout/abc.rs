//! `kam abc`: ABC classes and key-account candidates.

use super::{column, range_text, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::render::{Block, Column, Document, Style, Table, Value, json_money, json_opt, json_rate};
use serde_json::{Value as Json, json};

/// The units shown in the Pareto chart, largest first.
const PARETO_UNITS: usize = 20;

/// The Pareto chart: the share of each of the largest units as bars, the cumulative share as a
/// line, both in percent.
fn pareto_chart(report: &crate::abc::AbcReport, language: Language) -> Option<Block<'static>> {
    use crate::money::Decimal;
    let rows: Vec<_> = report.rows.iter().take(PARETO_UNITS).collect();
    if rows.len() < 2 || rows.iter().any(|r| r.share.is_none()) {
        return None;
    }
    let pct = |v: Option<Decimal>| (v.unwrap_or_default() * Decimal::ONE_HUNDRED).round_dp(1);
    // The units by rank (the table below names them in the same order).
    let labels: Vec<String> = (1..=rows.len()).map(|rank| rank.to_string()).collect();
    let shares: Vec<Decimal> = rows.iter().map(|r| pct(r.share).max(Decimal::ZERO)).collect();
    let cumulative: Vec<Decimal> =
        rows.iter().map(|r| pct(r.cumulative_share).clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)).collect();
    let n = rows.len();
    let title = if report.rows.len() > n {
        tr(
            language,
            &format!("Pareto: share of the {n} largest by rank (bars) and cumulative share (line), in %"),
            &format!(
                "Pareto: Anteil der {n} größten nach Rang (Balken) und kumulierter Anteil (Linie), in %"
            ),
        )
    } else {
        tr(
            language,
            "Pareto: share of each unit by rank (bars) and cumulative share (line), in %",
            "Pareto: Anteil jeder Einheit nach Rang (Balken) und kumulierter Anteil (Linie), in %",
        )
    };
    Some(Block::Raw(crate::render::mermaid_chart(
        &title,
        &labels,
        "%",
        Decimal::ONE_HUNDRED,
        &[(true, shares), (false, cumulative)],
        "#9ecae1, #c0392b",
    )))
}

/// `kam abc` as a document: candidates first, then every unit with its class.
pub fn abc_document(
    report: &crate::abc::AbcReport,
    language: Language,
    workspace: &str,
) -> Document<'static> {
    let style = Style::new(language);
    let table = abc_table(report, language, report.rows.iter());
    let candidates: Vec<&crate::abc::AbcRow> = report.candidates().collect();
    let mut blocks = vec![
        Block::Heading(
            1,
            format!("{} — {}", label(language, "abc_title"), crate::markdown::inline(workspace)),
        ),
        Block::Bullets(vec![
            format!(
                "{}: {}",
                tr(language, "Unit of analysis", "Analyseebene"),
                label(language, report.unit.name())
            ),
            format!("{}: {}", label(language, "range"), range_text(language, report.from, report.to)),
            match report.measure {
                crate::abc::Measure::NetRevenue => format!(
                    "{}: {}",
                    tr(language, "Total net revenue", "Nettoumsatz gesamt"),
                    style.amount(report.total, &report.currency)
                ),
                crate::abc::Measure::Db2 => format!(
                    "{}: {}",
                    tr(language, "Ranked by CM II; total CM II", "Rangfolge nach DB II; DB II gesamt"),
                    style.amount(report.total, &report.currency)
                ),
            },
        ]),
    ];
    if report.unit == crate::abc::AbcUnit::Customer {
        blocks.push(Block::Heading(2, label(language, "candidates")));
        if candidates.is_empty() {
            blocks.push(Block::Paragraph(tr(
                language,
                "Every class-A customer already belongs to a key account.",
                "Alle A-Kunden sind bereits einem Schlüsselkunden zugeordnet.",
            )));
        } else {
            blocks.push(Block::Paragraph(tr(
                language,
                "Class-A customers that belong to no key account yet:",
                "A-Kunden, die noch keinem Schlüsselkunden-Dossier zugeordnet sind:",
            )));
            blocks.push(Block::Table(abc_table(report, language, candidates.into_iter())));
        }
        blocks.push(Block::Heading(2, tr(language, "All customers", "Alle Kunden")));
    }
    if let Some(chart) = pareto_chart(report, language) {
        blocks.push(chart);
    }
    blocks.push(Block::Table(table.clone()));
    blocks.push(Block::Heading(2, label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            &format!(
                "Units are sorted by {} in the range, largest first (ties by ID). With the cumulative share s before a unit: class A while s is below {}, B while it is below {}, else C ([abc] in kam.toml).",
                if report.measure == crate::abc::Measure::Db2 { "CM II" } else { "net revenue" },
                style.percent(report.limits.a),
                style.percent(report.limits.b)
            ),
            &format!(
                "Einheiten nach {} im Zeitraum absteigend sortiert (bei Gleichstand nach Kennung). Mit dem kumulierten Anteil s vor einer Einheit: Klasse A, solange s unter {} liegt, B, solange s unter {} liegt, sonst C ([abc] in kam.toml).",
                if report.measure == crate::abc::Measure::Db2 { "DB II" } else { "Nettoumsatz" },
                style.percent(report.limits.a),
                style.percent(report.limits.b)
            ),
        ),
        tr(
            language,
            "The range is by default the 12 calendar months ending with the exports' last month; --from, --to or --year set another.",
            "Ohne Angabe umfasst der Zeitraum die 12 Kalendermonate bis zum letzten Monat der Exporte; mit --from, --to oder --year lässt sich ein anderer wählen.",
        ),
        match report.measure {
            crate::abc::Measure::NetRevenue => tr(
                language,
                "Shares are of the total net revenue of all units; rows without a customer are not a unit.",
                "Anteile beziehen sich auf den Nettoumsatz aller Einheiten; Zeilen ohne Kundennummer zählen zu keiner Einheit.",
            ),
            crate::abc::Measure::Db2 => tr(
                language,
                "CM II as kam margin computes it for the same unit and range; for customer numbers, excluding visits and account costs, which belong to the key account. Shares are of the total CM II of all units; while it is not positive, every unit is class C.",
                "DB II, wie kam margin ihn für dieselbe Einheit und denselben Zeitraum berechnet; für Kundennummern ohne Besuche und Kundeneinzelkosten, da diese dem Schlüsselkunden zugeordnet sind. Anteile beziehen sich auf den DB II aller Einheiten; solange er nicht positiv ist, fallen alle Einheiten in Klasse C.",
            ),
        },
    ]));
    Document { blocks, csv_table: Some(table) }
}

fn abc_table<'a>(
    report: &crate::abc::AbcReport,
    language: Language,
    rows: impl Iterator<Item = &'a crate::abc::AbcRow>,
) -> Table<'static> {
    let db2 = report.measure == crate::abc::Measure::Db2;
    let keys: &[&str] = if db2 {
        &["id", "net_revenue", "db2", "share", "cumulative_share", "class", "account"]
    } else {
        &["id", "net_revenue", "share", "cumulative_share", "class", "account"]
    };
    let columns = keys
        .iter()
        .map(|k| {
            if *k == "account" {
                Column { key: "account".into(), label: label(language, "in_account") }
            } else if *k == "id" {
                // The unit's own name: a customer number, or a key account.
                Column { key: "id".into(), label: label(language, report.unit.name()) }
            } else {
                column(language, k)
            }
        })
        .collect();
    let rows: Vec<Vec<Value>> = rows
        .map(|r| {
            let mut cells = vec![Value::Text(r.id.clone()), Value::Money(Some(r.net_revenue))];
            if db2 {
                cells.push(Value::Money(r.db2));
            }
            cells.extend([
                Value::Rate(r.share),
                Value::Rate(r.cumulative_share),
                Value::Text(r.class.letter().into()),
                Value::Text(r.account.clone().unwrap_or_default()),
            ]);
            cells
        })
        .collect();
    Table { columns, rows: rows.into(), total: None }
}

/// `kam abc --format json` (SPEC 4.1).
pub fn abc_json(report: &crate::abc::AbcReport) -> Json {
    let db2 = report.measure == crate::abc::Measure::Db2;
    let rows: Vec<Json> = report
        .rows
        .iter()
        .map(|r| {
            let mut row = json!({
                "id": r.id,
                "net_revenue": json_money(r.net_revenue),
                "share": json_opt(r.share, json_rate),
                "cumulative_share": json_opt(r.cumulative_share, json_rate),
                "class": r.class.letter(),
                "account": r.account,
            });
            if db2 {
                row["db2"] = json_opt(r.db2, json_money);
            }
            row
        })
        .collect();
    let mut out = json!({ "by": report.unit.name(), "rows": rows });
    if db2 {
        out["measure"] = json!("db2");
    }
    out
}
