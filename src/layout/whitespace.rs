//! `kam whitespace`: the category × buying-centre grid, the gaps by potential and the grid kept
//! by hand, as Markdown and JSON.

use super::{group_text, tr};
use crate::config::Language;
use crate::dossier::WhitespaceStatus;
use crate::markdown::inline;
use crate::render::{Block, Column, Document, Style, Table, Value, json_money, json_opt, json_rate};
use crate::whitespace::{Centre, PeerRule, Whitespace};
use serde_json::{Value as Json, json};

fn col(key: &str, label: String) -> Column {
    Column { key: key.to_string(), label }
}

/// A centre as shown: its name with the customer number, or the customer number.
pub fn centre_text(name: Option<&str>, customer_id: &str) -> String {
    match name {
        Some(n) => format!("{} ({})", inline(n), inline(customer_id)),
        None => inline(customer_id).into_owned(),
    }
}

/// A centre as a column label (the renderer escapes labels).
fn centre_label(c: &Centre) -> String {
    match &c.name {
        Some(n) => format!("{n} ({})", c.customer_id),
        None => c.customer_id.clone(),
    }
}

/// The rule that chose the comparable customers, as a sentence.
pub fn rule_text(language: Language, style: &Style, w: &Whitespace) -> String {
    let n = style.number(crate::money::Decimal::from(w.peers as u64), 0);
    let one = w.peers == 1;
    let (numbers_en, numbers_de) = if one {
        (format!("{n} customer number"), format!("{n} Kundennummer"))
    } else {
        (format!("{n} customer numbers"), format!("{n} Kundennummern"))
    };
    let (other_en, other_de) = if one {
        (format!("{n} other customer number"), format!("{n} andere Kundennummer"))
    } else {
        (format!("{n} other customer numbers"), format!("{n} andere Kundennummern"))
    };
    match &w.rule {
        PeerRule::Segment(s) => tr(
            language,
            &format!(
                "Comparable customers: {numbers_en} of the other key accounts of the segment “{}”",
                inline(s)
            ),
            &format!(
                "Vergleichskunden: {numbers_de} der anderen Schlüsselkunden des Segments „{}“",
                inline(s)
            ),
        ),
        PeerRule::Size { low, high } => tr(
            language,
            &format!(
                "Comparable customers: {other_en} with a net revenue of the 12 months between {} and {} (half to twice the account's net revenue per buying centre)",
                style.amount(*low, &w.currency),
                style.amount(*high, &w.currency)
            ),
            &format!(
                "Vergleichskunden: {other_de} mit einem Nettoumsatz der 12 Monate zwischen {} und {} (die Hälfte bis das Doppelte des Nettoumsatzes des Schlüsselkunden je Einkaufsstelle)",
                style.amount(*low, &w.currency),
                style.amount(*high, &w.currency)
            ),
        ),
        PeerRule::All => tr(
            language,
            &format!(
                "Comparable customers: every other customer number with a purchase, {n} (the account bought nothing in the 12 months)"
            ),
            &format!(
                "Vergleichskunden: jede andere Kundennummer mit einem Kauf, {n} (der Schlüsselkunde kaufte in den 12 Monaten nichts)"
            ),
        ),
    }
}

fn status_text(language: Language, s: WhitespaceStatus) -> String {
    let (en, de) = match s {
        WhitespaceStatus::Open => ("open", "offen"),
        WhitespaceStatus::Ours => ("ours", "bei uns"),
        WhitespaceStatus::Competitor => ("competitor", "Wettbewerb"),
    };
    tr(language, en, de)
}

fn status_key(s: WhitespaceStatus) -> &'static str {
    match s {
        WhitespaceStatus::Open => "open",
        WhitespaceStatus::Ours => "ours",
        WhitespaceStatus::Competitor => "competitor",
    }
}

/// `kam whitespace` as a document.
pub fn whitespace_document(w: &Whitespace, language: Language) -> Document<'static> {
    let style = Style::new(language);
    let mut blocks = vec![Block::Heading(
        1,
        format!("{} — {}", tr(language, "White space", "Whitespace-Analyse"), inline(&w.name)),
    )];
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            &format!("The last 12 months: {}", style.months(w.months.0, w.months.1)),
            &format!("Die letzten 12 Monate: {}", style.months(w.months.0, w.months.1)),
        ),
        rule_text(language, &style, w),
        format!("{}: {}", tr(language, "Currency", "Währung"), w.currency),
    ]));

    blocks.push(Block::Heading(
        2,
        tr(
            language,
            "Net revenue by category and buying centre",
            "Nettoumsatz nach Warengruppe und Einkaufsstelle",
        ),
    ));
    if w.centres.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "_The dossier lists no customer numbers (`customer_ids`): there is no buying centre to compare._",
            "_Das Dossier nennt keine Kundennummern (`customer_ids`): Es gibt keine Einkaufsstelle zum Vergleichen._",
        )));
    } else if w.categories.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "_Neither the account nor a comparable customer bought in the 12 months._",
            "_Weder der Schlüsselkunde noch ein Vergleichskunde hat in den 12 Monaten gekauft._",
        )));
    } else {
        let mut columns = vec![col("category", crate::i18n::label(language, "category"))];
        columns.extend(w.centres.iter().map(|c| col(&c.customer_id, centre_label(c))));
        columns.push(col("peer_share", tr(language, "Comparable: share buying", "Vergleich: Anteil Käufer")));
        columns.push(col("peer_median", tr(language, "Comparable: median", "Vergleich: Median")));
        let gap = tr(language, "○ gap", "○ Lücke");
        let rows: Vec<Vec<Value>> = w
            .categories
            .iter()
            .map(|p| {
                let mut row = vec![Value::Text(group_text(language, &p.category).into_owned())];
                row.extend(w.centres.iter().map(|c| match c.categories.get(&p.category) {
                    Some(v) => Value::Money(Some(*v)),
                    None if p.buyers > 0 => Value::Markup(gap.clone()),
                    None => Value::Markup("–".to_string()),
                }));
                row.push(Value::Rate(p.share));
                row.push(Value::Money(p.median));
                row
            })
            .collect();
        blocks.push(Block::Table(Table { columns, rows: rows.into(), total: None }));
    }

    blocks.push(Block::Heading(2, tr(language, "Gaps by potential", "Lücken nach Potenzial")));
    if w.centres.is_empty() {
        // Said above.
    } else if w.gaps.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "_No gap: every buying centre buys every category that comparable customers buy._",
            "_Keine Lücke: Jede Einkaufsstelle kauft jede Warengruppe, die Vergleichskunden kaufen._",
        )));
    } else {
        let rows: Vec<Vec<Value>> = w
            .gaps
            .iter()
            .map(|g| {
                vec![
                    Value::Markup(centre_text(g.centre.as_deref(), &g.customer_id)),
                    Value::Text(group_text(language, &g.category).into_owned()),
                    Value::Money(Some(g.potential)),
                    Value::Rate(g.share),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            columns: vec![
                col("centre", tr(language, "Buying centre", "Einkaufsstelle")),
                col("category", crate::i18n::label(language, "category")),
                col(
                    "potential",
                    tr(language, "Potential (comparable median)", "Potenzial (Median der Vergleichskunden)"),
                ),
                col("peer_share", tr(language, "Share of comparable buying", "Anteil der Vergleichskunden")),
            ],
            rows: rows.into(),
            total: None,
        }));
    }

    if !w.grid.is_empty() {
        blocks.push(Block::Heading(
            2,
            tr(
                language,
                "Offerings × buying centres, kept by hand",
                "Angebote × Einkaufsstellen, von Hand gepflegt",
            ),
        ));
        let rows: Vec<Vec<Value>> = w
            .grid
            .iter()
            .map(|c| {
                vec![
                    Value::Text(c.offering.clone()),
                    Value::Text(c.centre.clone()),
                    Value::Label { shown: status_text(language, c.status), key: status_key(c.status) },
                    Value::Text(c.competitor.clone().unwrap_or_default()),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            columns: vec![
                col("offering", tr(language, "Offering", "Angebot")),
                col("centre", tr(language, "Buying centre", "Einkaufsstelle")),
                col("status", tr(language, "Status", "Status")),
                col("competitor", tr(language, "Competitor", "Wettbewerber")),
            ],
            rows: rows.into(),
            total: None,
        }));
    }

    blocks.push(Block::Heading(2, crate::i18n::label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            "A buying centre is one of the account's customer numbers, named by `[[buying_centres]]` in the dossier. A cell is the centre's net revenue in the category over the 12 months; ○ gap: the centre bought nothing of a category that comparable customers buy; –: nobody comparable buys it either.",
            "Eine Einkaufsstelle ist eine Kundennummer des Schlüsselkunden, benannt unter `[[buying_centres]]` im Dossier. Eine Zelle ist der Nettoumsatz der Einkaufsstelle in der Warengruppe über die 12 Monate; ○ Lücke: die Einkaufsstelle kaufte nichts aus einer Warengruppe, die Vergleichskunden kaufen; –: auch kein Vergleichskunde kauft sie.",
        ),
        tr(
            language,
            "Comparable customers: the customer numbers of the other key accounts of the same segment; without a segment, or where the segment has no other account with a purchase, the other customer numbers whose net revenue of the 12 months lies between half and twice the account's net revenue per buying centre. Share buying: the comparable customers with a positive net revenue in the category / all comparable customers; median: of those buyers' net revenue in it.",
            "Vergleichskunden: die Kundennummern der anderen Schlüsselkunden desselben Segments; ohne Segment, oder wo das Segment keinen anderen Schlüsselkunden mit einem Kauf hat, die anderen Kundennummern, deren Nettoumsatz der 12 Monate zwischen der Hälfte und dem Doppelten des Nettoumsatzes des Schlüsselkunden je Einkaufsstelle liegt. Anteil Käufer: Vergleichskunden mit positivem Nettoumsatz in der Warengruppe / alle Vergleichskunden; Median: der Nettoumsatz dieser Käufer in ihr.",
        ),
        tr(
            language,
            "Potential of a gap: the comparable buyers' median net revenue in the category, a year's revenue a centre like theirs buys; biggest first.",
            "Potenzial einer Lücke: der Median des Nettoumsatzes der Vergleichskunden, die die Warengruppe kaufen, also der Jahresumsatz, den eine Einkaufsstelle wie ihre dort kauft; das größte zuerst.",
        ),
    ]));
    Document { blocks, csv_table: None }
}

/// `kam whitespace --format json`.
pub fn whitespace_json(w: &Whitespace) -> Json {
    json!({
        "account": w.account,
        "months": [w.months.0.to_string(), w.months.1.to_string()],
        "rule": match &w.rule {
            PeerRule::Segment(s) => json!({"kind": "segment", "segment": s}),
            PeerRule::Size { low, high } => json!({"kind": "size", "low": json_money(*low), "high": json_money(*high)}),
            PeerRule::All => json!({"kind": "all"}),
        },
        "peers": w.peers,
        "centres": w.centres.iter().map(|c| json!({
            "customer_id": c.customer_id,
            "name": c.name,
            "categories": c.categories.iter().map(|(k, v)| (k.machine().to_string(), json_money(*v))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
        "categories": w.categories.iter().map(|p| json!({
            "category": p.category.machine(),
            "peer_buyers": p.buyers,
            "peer_share": json_opt(p.share, json_rate),
            "peer_median": json_opt(p.median, json_money),
        })).collect::<Vec<_>>(),
        "gaps": w.gaps.iter().map(|g| json!({
            "customer_id": g.customer_id,
            "category": g.category.machine(),
            "potential": json_money(g.potential),
            "peer_share": json_opt(g.share, json_rate),
        })).collect::<Vec<_>>(),
        "grid": w.grid.iter().map(|c| json!({
            "offering": c.offering,
            "centre": c.centre,
            "status": status_key(c.status),
            "competitor": c.competitor,
        })).collect::<Vec<_>>(),
    })
}
