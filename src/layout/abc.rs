//! `kam abc`: ABC classes and key-account candidates.

use super::{column, range_text, tr};
use crate::config::Language;
use crate::i18n::label;
use crate::render::{Block, Column, Document, Style, Table, Value, json_money, json_opt, json_rate};
use serde_json::{Value as Json, json};

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
            format!("{}: {}", tr(language, "Units", "Einheiten"), label(language, report.unit.name())),
            format!("{}: {}", label(language, "range"), range_text(language, report.from, report.to)),
            match report.measure {
                crate::abc::Measure::NetRevenue => format!(
                    "{}: {}",
                    tr(language, "Total net revenue", "Nettoumsatz gesamt"),
                    style.money(report.total)
                ),
                crate::abc::Measure::Db2 => format!(
                    "{}: {}",
                    tr(language, "Ranked by DB II; total DB II", "Rangfolge nach DB II; DB II gesamt"),
                    style.money(report.total)
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
                "Alle A-Kunden sind bereits Schlüsselkunden.",
            )));
        } else {
            blocks.push(Block::Paragraph(tr(
                language,
                "Class-A customers that belong to no account yet:",
                "A-Kunden, die noch keinem Schlüsselkunden-Dossier zugeordnet sind:",
            )));
            blocks.push(Block::Table(abc_table(report, language, candidates.into_iter())));
        }
        blocks.push(Block::Heading(2, tr(language, "All customers", "Alle Kunden")));
    }
    blocks.push(Block::Table(table.clone()));
    blocks.push(Block::Heading(2, label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            &format!(
                "Units are sorted by {} in the range, largest first (ties by id). With the cumulative share s before a unit: class A while s < {}, B while s < {}, else C ([abc] in kam.toml).",
                if report.measure == crate::abc::Measure::Db2 { "DB II" } else { "net revenue" },
                report.limits.a.normalize(),
                report.limits.b.normalize()
            ),
            &format!(
                "Einheiten nach {} im Zeitraum absteigend sortiert (bei Gleichstand nach Nummer). Mit dem kumulierten Anteil s vor einer Einheit: Klasse A solange s < {}, B solange s < {}, sonst C ([abc] in kam.toml).",
                if report.measure == crate::abc::Measure::Db2 { "DB II" } else { "Nettoumsatz" },
                report.limits.a.normalize(),
                report.limits.b.normalize()
            ),
        ),
        tr(
            language,
            "The range is by default the 12 calendar months ending with the exports' last month; --from, --to or --year set another.",
            "Der Zeitraum sind ohne Angabe die 12 Kalendermonate bis zum letzten Monat der Exporte; --from, --to oder --year wählen einen anderen.",
        ),
        match report.measure {
            crate::abc::Measure::NetRevenue => tr(
                language,
                "Shares are of the total net revenue of all units; rows without a customer are not a unit.",
                "Anteile beziehen sich auf den Nettoumsatz aller Einheiten; Zeilen ohne Kundennummer zählen zu keiner Einheit.",
            ),
            crate::abc::Measure::Db2 => tr(
                language,
                "DB II as kam margin computes it for the same unit and range; for customers without the visits and account costs, which belong to an account. Shares are of the total DB II of all units; while it is not positive, every unit is class C.",
                "DB II wie kam margin ihn für dieselbe Einheit und denselben Zeitraum berechnet; für Kunden ohne Besuche und Kundeneinzelkosten, die einem Schlüsselkunden gehören. Anteile beziehen sich auf den DB II aller Einheiten; solange er nicht positiv ist, sind alle Einheiten Klasse C.",
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
