//! `kam retention`: the retention and churn table, and the cohort matrix.

use super::{column, group_text, group_value, period_text, source_text, tr};
use crate::config::Language;
use crate::group::GroupName;
use crate::i18n::label;
use crate::render::{Block, Column, Document, Style, Table, Value, json_money, json_opt, json_rate};
use crate::retention::{CohortReport, CohortRow, RetentionFigures, RetentionReport, Source, Unit};
use serde_json::{Map, Value as Json, json};

/// The figures of SPEC 3.2, in the order of the table and of the JSON rows.
pub const RETENTION_FIGURES: [&str; 11] = [
    "start",
    "end",
    "retained",
    "churned",
    "new",
    "reactivated",
    "retention_rate",
    "churn_rate",
    "net_revenue",
    "nrr",
    "grr",
];

fn figure_values(f: &RetentionFigures) -> Vec<Value> {
    vec![
        Value::Count(f.start),
        Value::Count(f.end),
        Value::Count(f.retained),
        Value::Count(f.churned),
        Value::Count(f.new),
        Value::Count(f.reactivated),
        Value::Rate(f.retention_rate),
        Value::Rate(f.churn_rate),
        Value::Money(Some(f.net_revenue)),
        Value::Rate(f.nrr),
        Value::Rate(f.grr),
    ]
}

fn units_label(language: Language, by: Unit) -> String {
    match by {
        Unit::Customer => tr(language, "customers (customer numbers)", "Kunden (Kundennummern)"),
        Unit::Account => tr(language, "key accounts", "Schlüsselkunden"),
        Unit::Owner => tr(language, "key accounts per owner", "Schlüsselkunden je KAM"),
    }
}

fn source_bullet(language: Language, source: &Source) -> String {
    format!(
        "{}: {}",
        label(language, "source"),
        source_text(language, source.rows_read, source.files, source.data_range)
    )
}

/// The mark of a period cut short, in Markdown.
pub const MARK_CLIPPED: &str = "¹";
/// The mark of a period whose start is not fully observed, in Markdown.
pub const MARK_HISTORY: &str = "²";

/// A period's label with the marks of what makes its figures less than whole.
pub fn marked_period(period: &str, complete: bool, history_complete: bool) -> String {
    let mut label = period.to_string();
    if !complete {
        label.push_str(MARK_CLIPPED);
    }
    if !history_complete {
        label.push_str(MARK_HISTORY);
    }
    label
}

/// What the marks mean, for the lines under a table that has them.
pub fn mark_notes(language: Language, clipped: bool, history: bool, w: u32) -> Vec<String> {
    let mut notes = Vec::new();
    if clipped {
        notes.push(tr(
            language,
            &format!("{MARK_CLIPPED} Period cut short: the exports (or the range) end inside it."),
            &format!(
                "{MARK_CLIPPED} Periode unvollständig: Die Exporte (bzw. der gewählte Zeitraum) enden innerhalb dieser Periode."
            ),
        ));
    }
    if history {
        notes.push(tr(
            language,
            &format!(
                "{MARK_HISTORY} Start not fully observed: the {} before the period reach back before the exports' first month, so start, retained, churned and reactivated undercount, and new includes units that bought before the exports begin.",
                super::months_text(language, w)
            ),
            &format!(
                "{MARK_HISTORY} Beginn nicht vollständig beobachtet: Die {} vor der Periode reichen vor den ersten Monat der Exporte zurück; „Aktiv zu Beginn“, „Gehalten“, „Abgewandert“ und „Reaktiviert“ sind daher zu niedrig, und „Neu“ enthält Einheiten, die schon vor den Exporten gekauft haben.",
                super::months_text(language, w)
            ),
        ));
    }
    notes
}

/// The table of retention rows (all owners in one table, with an owner column, when `with_owner`).
/// For Markdown the periods carry the marks of [`marked_period`]; for CSV (`csv`) two columns
/// `complete` and `history_complete` say the same.
fn retention_table<'a>(
    language: Language,
    with_owner: bool,
    rows: impl Iterator<Item = &'a crate::retention::RetentionRow>,
    csv: bool,
) -> Table<'static> {
    let mut columns: Vec<Column> = Vec::new();
    if with_owner {
        columns.push(column(language, "owner"));
    }
    columns.push(column(language, "period"));
    if csv {
        columns.push(Column { key: "complete".into(), label: "complete".into() });
        columns.push(Column { key: "history_complete".into(), label: "history_complete".into() });
    }
    columns.extend(RETENTION_FIGURES.iter().map(|k| column(language, k)));
    let rows: Vec<Vec<Value>> = rows
        .map(|r| {
            let mut cells = Vec::new();
            if with_owner {
                cells.push(r.owner.as_ref().map_or(Value::Text(String::new()), |o| group_value(language, o)));
            }
            if csv {
                cells.push(Value::Text(r.period.clone()));
                cells.push(Value::Text(r.complete.to_string()));
                cells.push(Value::Text(r.figures.history_complete.to_string()));
            } else {
                let shown = Style::new(language).period(&r.period);
                cells.push(Value::Text(marked_period(&shown, r.complete, r.figures.history_complete)));
            }
            cells.extend(figure_values(&r.figures));
            cells
        })
        .collect();
    Table { columns, rows: rows.into(), total: None }
}

/// The definitions behind the retention figures, with the window used.
pub fn retention_definitions(language: Language, w: u32, from_flag: bool) -> Vec<String> {
    let origin =
        if from_flag { "--window".to_string() } else { "[retention] inactive_after_months".to_string() };
    vec![
        tr(
            language,
            &format!(
                "Window W = {} ({origin}). A unit is active at the end of month m when it made a purchase in months m−W+1 … m; after W months without one it has churned.",
                super::months_text(language, w)
            ),
            &format!(
                "Fenster W = {} ({origin}). Eine Einheit ist am Ende des Monats m aktiv, wenn sie in den Monaten m−W+1 … m gekauft hat; nach W Monaten ohne Kauf gilt sie als abgewandert.",
                super::months_text(language, w)
            ),
        ),
        tr(
            language,
            "A purchase is a sales row with net revenue > 0; returns do not count as purchases, so a month with only returns has none. Rows without a customer number count for no unit; an account buys through any of its customer numbers.",
            "Ein Kauf ist eine Umsatzzeile mit Nettoumsatz > 0; Retouren zählen nicht als Kauf, ein Monat mit nur Retouren hat also keinen. Zeilen ohne Kundennummer zählen zu keiner Einheit; ein Schlüsselkunde kauft über jede seiner Kundennummern.",
        ),
        tr(
            language,
            "For a period of months a … b: start = active at the end of a−1; end = active at the end of b; retained = active at both; churned = active at the start, not at the end; new = active at the end with the first purchase ever in a … b; reactivated = active at the end, not at the start, first purchase before a. So start = retained + churned and end = retained + new + reactivated.",
            "Für einen Zeitraum der Monate a … b: Beginn = aktiv am Ende von a−1; Ende = aktiv am Ende von b; gehalten = aktiv zu beiden Zeitpunkten; abgewandert = aktiv zu Beginn, nicht am Ende; neu = aktiv am Ende mit dem ersten Kauf überhaupt in a … b; reaktiviert = aktiv am Ende, nicht zu Beginn, erster Kauf vor a. Also Beginn = gehalten + abgewandert und Ende = gehalten + neu + reaktiviert.",
        ),
        tr(
            language,
            "Retention rate = retained / start, churn rate = churned / start (– when start is 0). Net revenue: that of the units in the period, including returns.",
            "Kundenbindungsrate = gehalten / Beginn, Abwanderungsrate = abgewandert / Beginn („–“, wenn Beginn 0 ist). Nettoumsatz: Umsatz der Einheiten in der Periode einschließlich Retouren.",
        ),
        tr(
            language,
            "NRR and GRR over trailing 12-month windows: base = units with net revenue > 0 in the 12 months before the 12 months ending at b; NRR = their net revenue in the last 12 months / in the 12 before; GRR counts each unit's last 12 months at most at its earlier figure and not below 0. Shown as – when the exports do not reach back to month b−23 or the base had no revenue.",
            "NRR und GRR über rollierende 12 Monate: Basis = Einheiten mit Nettoumsatz > 0 in den 12 Monaten vor den 12 Monaten bis b; NRR = deren Nettoumsatz der letzten 12 Monate / der 12 davor; GRR zählt die letzten 12 Monate jeder Einheit höchstens mit ihrem früheren Wert und nicht unter 0. „–“, wenn die Exporte nicht bis zum Monat b−23 zurückreichen oder die Basis keinen Umsatz hatte.",
        ),
        tr(
            language,
            "Periods are calendar months, quarters or years, cut to the range (--from/--to, else the exports' first and last month); history before the range counts for the start and for first purchases.",
            "Zeiträume sind Kalendermonate, -quartale oder -jahre, begrenzt auf den Zeitraum (--from/--to, sonst erster und letzter Monat der Exporte); die Zeit davor zählt für den Beginn und für Erstkäufe.",
        ),
        tr(
            language,
            "Money is shown rounded to cents, half away from zero; rates to 4 places (here as percent).",
            "Beträge werden auf Cent kaufmännisch gerundet angezeigt; Quoten auf 4 Stellen (hier in Prozent).",
        ),
    ]
}

/// `kam retention` as a document.
pub fn retention_document(
    report: &RetentionReport,
    language: Language,
    workspace: &str,
) -> Document<'static> {
    let with_owner = report.by == Unit::Owner;
    let span = report.span.map_or_else(
        || tr(language, "no months (the exports are empty)", "keine Monate (die Exporte sind leer)"),
        |(a, b)| Style::new(language).months(a, b),
    );
    let mut blocks = vec![
        Block::Heading(
            1,
            format!("{} — {}", label(language, "retention_title"), crate::markdown::inline(workspace)),
        ),
        Block::Bullets(vec![
            format!(
                "{}: {}",
                tr(language, "Unit of analysis", "Analyseebene"),
                units_label(language, report.by)
            ),
            format!("{}: {span}, {}", label(language, "range"), period_text(language, report.period)),
            format!(
                "{}: W = {}{}",
                label(language, "window"),
                super::months_text(language, report.window_months),
                super::own_windows_text(language, &report.own_windows)
            ),
            source_bullet(language, &report.source),
            format!("{}: {}", tr(language, "Currency", "Währung"), report.source.currency),
        ]),
    ];
    if report.rows.is_empty() && with_owner && report.units == 0 {
        blocks.push(Block::Paragraph(tr(
            language,
            "No owner to show: the workspace has no key accounts yet.",
            "Keine KAMs: Der Arbeitsbereich enthält noch keine Schlüsselkunden.",
        )));
    } else if report.rows.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "No period to show: the exports hold no rows in the range.",
            "Keine Daten: Die Exporte enthalten im gewählten Zeitraum keine Zeilen.",
        )));
    }
    if with_owner {
        let mut owners: Vec<&GroupName> = report.rows.iter().filter_map(|r| r.owner.as_ref()).collect();
        owners.dedup();
        for owner in owners {
            blocks
                .push(Block::Heading(2, crate::markdown::inline(&group_text(language, owner)).into_owned()));
            let rows = report.rows.iter().filter(|r| r.owner.as_ref() == Some(owner));
            blocks.push(Block::Table(retention_table(language, false, rows, false)));
        }
    } else if !report.rows.is_empty() {
        blocks.push(Block::Table(retention_table(language, false, report.rows.iter(), false)));
    }
    if !with_owner && report.rows.len() >= 2 {
        blocks.extend(retention_charts(report, language));
    }
    let clipped = report.rows.iter().any(|r| !r.complete);
    let history = report.rows.iter().any(|r| !r.figures.history_complete);
    let notes = mark_notes(language, clipped, history, report.widest_window);
    if !notes.is_empty() {
        blocks.push(Block::Bullets(notes));
    }
    blocks.push(Block::Heading(2, label(language, "definitions")));
    blocks.push(Block::Bullets(retention_definitions(
        language,
        report.window_months,
        report.window_from_flag,
    )));
    Document { blocks, csv_table: Some(retention_table(language, with_owner, report.rows.iter(), true)) }
}

/// The charts of a retention table: the active units at each period's end as bars, and NRR and
/// GRR (where known) as lines.
fn retention_charts(report: &RetentionReport, language: Language) -> Vec<Block<'static>> {
    use crate::money::Decimal;
    use crate::render::{axis_max, mermaid_chart};
    let style = Style::new(language);
    let labels: Vec<String> = report.rows.iter().map(|r| style.period(&r.period)).collect();
    let active: Vec<Decimal> = report.rows.iter().map(|r| Decimal::from(r.figures.end)).collect();
    let top = axis_max(active.iter().copied().max().unwrap_or(Decimal::ONE));
    let mut blocks = vec![Block::Raw(mermaid_chart(
        &tr(language, "Active units at the end of each period", "Aktive Einheiten am Ende jeder Periode"),
        &labels,
        &tr(language, "units", "Einheiten"),
        top,
        &[(true, active)],
        "#4e79a7",
    ))];
    let known: Vec<_> = report
        .rows
        .iter()
        .zip(&labels)
        .filter_map(|(r, l)| Some((l.clone(), r.figures.nrr?, r.figures.grr?)))
        .collect();
    if known.len() >= 2 {
        let pct = |v: Decimal| (v * Decimal::ONE_HUNDRED).round_dp(1);
        let nrr: Vec<Decimal> = known.iter().map(|k| pct(k.1)).collect();
        let grr: Vec<Decimal> = known.iter().map(|k| pct(k.2)).collect();
        let most = nrr.iter().chain(&grr).copied().max().unwrap_or(Decimal::ONE_HUNDRED);
        blocks.push(Block::Raw(mermaid_chart(
            &tr(language, "NRR (dark blue) and GRR (orange) in %", "NRR (dunkelblau) und GRR (orange) in %"),
            &known.iter().map(|k| k.0.clone()).collect::<Vec<_>>(),
            "%",
            axis_max(most.max(Decimal::ONE_HUNDRED)),
            &[(false, nrr), (false, grr)],
            "#1f4e79, #f28e2b",
        )));
    }
    blocks
}

/// The JSON fields of one set of retention figures (SPEC 4.1).
pub fn retention_figures_json(f: &RetentionFigures) -> Map<String, Json> {
    let mut m = Map::new();
    m.insert("start".into(), json!(f.start));
    m.insert("end".into(), json!(f.end));
    m.insert("retained".into(), json!(f.retained));
    m.insert("churned".into(), json!(f.churned));
    m.insert("new".into(), json!(f.new));
    m.insert("reactivated".into(), json!(f.reactivated));
    m.insert("retention_rate".into(), json_opt(f.retention_rate, json_rate));
    m.insert("churn_rate".into(), json_opt(f.churn_rate, json_rate));
    m.insert("net_revenue".into(), json_money(f.net_revenue));
    m.insert("nrr".into(), json_opt(f.nrr, json_rate));
    m.insert("grr".into(), json_opt(f.grr, json_rate));
    m
}

/// A JSON row that starts with its owner, where the report is split by owner.
fn owner_map(owner: Option<&GroupName>) -> Map<String, Json> {
    let mut m = Map::new();
    if let Some(owner) = owner {
        m.insert("owner".into(), json!(owner.machine()));
    }
    m
}

/// `kam retention --format json` (SPEC 4.1).
pub fn retention_json(report: &RetentionReport) -> Json {
    let rows: Vec<Json> = report
        .rows
        .iter()
        .map(|r| {
            let mut m = owner_map(r.owner.as_ref());
            m.insert("period".into(), json!(r.period));
            m.insert("complete".into(), json!(r.complete));
            m.insert("history_complete".into(), json!(r.figures.history_complete));
            m.extend(retention_figures_json(&r.figures));
            Json::Object(m)
        })
        .collect();
    json!({
        "by": report.by.name(),
        "period": report.period.name(),
        "window_months": report.window_months,
        "rows": rows,
    })
}

/// The cohort table: cohort, size and one column per month since the first purchase.
/// The mark of the cohort of the exports' first month, in Markdown.
const MARK_FIRST_COHORT: &str = "¹";
/// The mark of a cohort too small to read, in Markdown.
const MARK_SMALL_COHORT: &str = "²";

/// The cohort table; for Markdown (`marks` = the exports' first month) the cohorts carry the
/// marks of the first month and of small cohorts.
fn cohort_table<'a>(
    language: Language,
    with_owner: bool,
    rows: impl Iterator<Item = &'a CohortRow> + Clone,
    marks: Option<Option<crate::dates::Month>>,
    months: usize,
) -> Table<'static> {
    let style = Style::new(language);
    let width = rows.clone().map(|r| r.retention.len()).max().unwrap_or(0).min(months);
    let mut columns: Vec<Column> = Vec::new();
    if with_owner {
        columns.push(column(language, "owner"));
    }
    columns.push(column(language, "cohort"));
    columns.push(column(language, "size"));
    columns.extend((0..width).map(|k| Column { key: format!("m{k}"), label: format!("M+{k}") }));
    let rows: Vec<Vec<Value>> = rows
        .map(|r| {
            let mut cells = Vec::new();
            if with_owner {
                cells.push(r.owner.as_ref().map_or(Value::Text(String::new()), |o| group_value(language, o)));
            }
            let mut cohort = if marks.is_some() { style.month(r.cohort) } else { r.cohort.to_string() };
            if let Some(first) = marks {
                if first == Some(r.cohort) {
                    cohort.push_str(MARK_FIRST_COHORT);
                }
                if r.size < crate::retention::SMALL_COHORT {
                    cohort.push_str(MARK_SMALL_COHORT);
                }
            }
            cells.push(Value::Text(cohort));
            cells.push(Value::Count(r.size));
            cells.extend((0..width).map(|k| match r.retention.get(k) {
                Some(share) => Value::Rate(Some(*share)),
                None => Value::Text(String::new()),
            }));
            cells
        })
        .collect();
    Table { columns, rows: rows.into(), total: None }
}

/// `kam retention --cohorts` as a document.
pub fn cohorts_document(
    report: &CohortReport,
    language: Language,
    workspace: &str,
    months: usize,
) -> Document<'static> {
    let style = Style::new(language);
    let with_owner = report.by == Unit::Owner;
    let last = report.last.map_or_else(|| "–".to_string(), |m| style.month(m));
    let selected = match (report.from, report.to) {
        (None, None) => tr(language, "all", "alle"),
        (from, to) => {
            let range = super::range_text(language, from, to);
            tr(language, &format!("first purchase {range}"), &format!("Erstkauf {range}"))
        }
    };
    let mut blocks = vec![
        Block::Heading(
            1,
            format!("{} — {}", label(language, "cohorts_title"), crate::markdown::inline(workspace)),
        ),
        Block::Bullets(vec![
            format!(
                "{}: {}",
                tr(language, "Unit of analysis", "Analyseebene"),
                units_label(language, report.by)
            ),
            format!("{}: {selected}", tr(language, "Cohorts", "Kohorten")),
            format!("{}: {last}", tr(language, "Last month", "Letzter Monat")),
            source_bullet(language, &report.source),
        ]),
    ];
    if report.rows.is_empty() {
        blocks.push(Block::Paragraph(tr(
            language,
            "No cohort to show: no unit made a first purchase in the range.",
            "Keine Kohorte: Keine Einheit hat im gewählten Zeitraum erstmals gekauft.",
        )));
    } else if with_owner {
        let mut owners: Vec<&GroupName> = report.rows.iter().filter_map(|r| r.owner.as_ref()).collect();
        owners.dedup();
        for owner in owners {
            blocks
                .push(Block::Heading(2, crate::markdown::inline(&group_text(language, owner)).into_owned()));
            let rows = report.rows.iter().filter(move |r| r.owner.as_ref() == Some(owner));
            blocks.push(Block::Table(cohort_table(language, false, rows, Some(report.data_first), months)));
        }
    } else {
        blocks.push(Block::Table(cohort_table(
            language,
            false,
            report.rows.iter(),
            Some(report.data_first),
            months,
        )));
    }
    let mut notes = Vec::new();
    if let Some(first) = report.data_first.filter(|f| report.rows.iter().any(|r| r.cohort == *f)) {
        let first = style.month(first);
        notes.push(tr(
            language,
            &format!(
                "{MARK_FIRST_COHORT} {first} is the exports' first month: its cohort holds every unit that bought then, including those whose first purchase was earlier."
            ),
            &format!(
                "{MARK_FIRST_COHORT} {first} ist der erste Monat der Exporte: Die Kohorte enthält alle Einheiten, die in diesem Monat gekauft haben, auch solche mit früherem Erstkauf."
            ),
        ));
    }
    if report.rows.iter().any(|r| r.size < crate::retention::SMALL_COHORT) {
        notes.push(tr(
            language,
            &format!(
                "{MARK_SMALL_COHORT} Fewer than {} units: cohort too small for its shares to be meaningful.",
                crate::retention::SMALL_COHORT
            ),
            &format!(
                "{MARK_SMALL_COHORT} Weniger als {} Einheiten: Kohorte zu klein für belastbare Aussagen.",
                crate::retention::SMALL_COHORT
            ),
        ));
    }
    if !notes.is_empty() {
        blocks.push(Block::Bullets(notes));
    }
    blocks.push(Block::Heading(2, label(language, "definitions")));
    blocks.push(Block::Bullets(vec![
        tr(
            language,
            "A unit's cohort is the month of its first purchase (a sales row with net revenue > 0; returns do not count as purchases). Size = units in the cohort.",
            "Die Kohorte einer Einheit ist der Monat ihres ersten Kaufs (eine Umsatzzeile mit Nettoumsatz > 0; Retouren zählen nicht als Kauf). Größe = Anzahl der Einheiten in der Kohorte.",
        ),
        tr(
            language,
            &format!("Column M+k: the share of the cohort with a purchase in month cohort + k (100% at M+0), up to the last month. It does not depend on the window W. The table shows M+0 to M+{} (--months); CSV, JSON and Excel hold every month.", months.saturating_sub(1)),
            &format!("Spalte M+k: der Anteil der Kohorte mit einem Kauf im Monat Kohorte + k (100 % bei M+0), bis zum letzten Monat. Das Fenster W spielt keine Rolle. Die Tabelle zeigt M+0 bis M+{} (--months); CSV, JSON und Excel enthalten alle Monate.", months.saturating_sub(1)),
        ),
        tr(
            language,
            "Shares are rounded to 4 places (here as percent).",
            "Anteile auf 4 Stellen gerundet (hier in Prozent).",
        ),
    ]));
    Document {
        blocks,
        csv_table: Some(cohort_table(language, with_owner, report.rows.iter(), None, usize::MAX)),
    }
}

/// `kam retention --cohorts --format json` (SPEC 4.1).
pub fn cohorts_json(report: &CohortReport) -> Json {
    let cohorts: Vec<Json> = report
        .rows
        .iter()
        .map(|r| {
            let mut m = owner_map(r.owner.as_ref());
            m.insert("cohort".into(), json!(r.cohort.to_string()));
            m.insert("size".into(), json!(r.size));
            m.insert("retention".into(), Json::Array(r.retention.iter().map(|s| json_rate(*s)).collect()));
            Json::Object(m)
        })
        .collect();
    json!({ "by": report.by.name(), "cohorts": cohorts })
}
