//! `kam margin`: the contribution-margin table.

use super::{column, margin_definitions, period_text, range_text, source_text, tr};
use crate::config::Language;
use crate::dates::Month;
use crate::i18n::label;
use crate::margin::{FIGURES, MarginFigures, MarginReport, MarginRow, MarginRows};
use crate::money::Decimal;
use crate::output::WriteJson;
use crate::render::{
    Block, Column, Document, Rows, Style, Table, Value, push_plain_decimal, push_rounded_plain,
};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::borrow::Cow;
use std::io::{self, Write};

/// Figure `k` of [`FIGURES`] as a value.
fn figure_value(f: &MarginFigures, k: usize) -> Value {
    match k {
        0 => Value::Money(Some(f.gross_revenue)),
        1 => Value::Money(Some(f.deductions)),
        2 => Value::Money(Some(f.net_revenue)),
        3 => Value::Money(f.variable_costs),
        4 => Value::Money(f.db1),
        5 => Value::Money(Some(f.direct_costs)),
        6 => Value::Money(f.db2),
        7 => Value::Money(Some(f.overhead)),
        8 => Value::Money(f.db3),
        9 => Value::Rate(f.db1_rate),
        10 => Value::Rate(f.db2_rate),
        11 => Value::Rate(f.db3_rate),
        12 => Value::Number(Some(f.quantity)),
        13 => Value::Count(f.orders),
        // 14, the last.
        _ => Value::Money(Some(f.returns)),
    }
}

/// The figures of the Markdown table by default, as indexes into [`FIGURES`]: net revenue,
/// DB I, its rate, DB II, its rate, DB III, its rate.
const MAIN_FIGURES: [usize; 7] = [2, 4, 9, 6, 10, 8, 11];

/// The margin table: group keys, period, then every figure of SPEC 3.1.
pub fn margin_table<R: MarginRows>(report: &MarginReport<R>, language: Language) -> Table<'_> {
    let all: Vec<usize> = (0..FIGURES.len()).collect();
    figures_table(report, language, all, false)
}

/// The margin table with the figures `which` (indexes into [`FIGURES`]); with `shown`, the
/// periods as the report language writes them, else as their machine labels.
fn figures_table<R: MarginRows>(
    report: &MarginReport<R>,
    language: Language,
    which: Vec<usize>,
    shown: bool,
) -> Table<'_> {
    let has_period = report.period != crate::periods::PeriodKind::All;
    let mut columns: Vec<Column> = report.by.iter().map(|d| column(language, d.name())).collect();
    if has_period {
        columns.push(column(language, "period"));
    }
    columns.extend(which.iter().map(|&f| column(language, FIGURES[f])));
    let style = Style::new(language);
    let labels = PeriodLabels::new(report);
    let mut total: Vec<Value> = vec![Value::Text(label(language, "total"))];
    total.extend((1..report.by.len() + usize::from(has_period)).map(|_| Value::Text(String::new())));
    total.extend(which.iter().map(|&f| figure_value(&report.total, f)));
    // The rows' values are made when the table is written, row by row.
    let rows = Rows::made(report.rows.len(), move |i, cells| {
        SCRATCH_ROW.with_borrow_mut(|scratch| {
            let r = report.rows.row_in(i, scratch);
            for key in &r.keys {
                super::push_group(cells, language, key);
            }
            if has_period {
                let period = labels.label(report, r);
                if shown {
                    cells.text(&style.period(&period));
                } else {
                    cells.text(&period);
                }
            }
            for &f in &which {
                cells.push(figure_value(&r.figures, f));
            }
        })
    });
    Table { columns, rows, total: Some(total) }
}

thread_local! {
    /// The margin row made last on this thread, its texts reused for the next
    /// ([`MarginRows::row_in`]).
    static SCRATCH_ROW: std::cell::RefCell<MarginRow> = std::cell::RefCell::new(MarginRow::empty());
}

/// The machine labels of a report's periods, made once for each month from the start of the
/// period of the data's first day to its last day instead of once a row.
struct PeriodLabels {
    first: Month,
    labels: Vec<String>,
}

impl PeriodLabels {
    fn new<R>(report: &MarginReport<R>) -> Self {
        let (first, labels) = match report.data_range {
            Some((from, to)) if report.period != crate::periods::PeriodKind::All => {
                let (first, last) = (report.period.start(Month::of(from)), Month::of(to));
                let labels = (first.0..=last.0).map(|m| report.period.label(Month(m)).unwrap_or_default());
                (first, labels.collect())
            }
            _ => (Month(0), Vec::new()),
        };
        PeriodLabels { first, labels }
    }

    /// The label of the row's period ("" without periods).
    fn label<R>(&self, report: &MarginReport<R>, row: &MarginRow) -> Cow<'_, str> {
        let Some(month) = row.period else {
            return Cow::Borrowed("");
        };
        match usize::try_from(month.0 - self.first.0).ok().and_then(|i| self.labels.get(i)) {
            Some(label) => Cow::Borrowed(label),
            None => Cow::Owned(report.period.label(month).unwrap_or_default()),
        }
    }
}

/// `kam margin` as a document.
pub fn margin_document<'r, R: MarginRows>(
    report: &'r MarginReport<R>,
    language: Language,
    workspace: &str,
    all_figures: bool,
) -> Document<'r> {
    let by: Vec<String> = report.by.iter().map(|d| label(language, d.name())).collect();
    let table = margin_table(report, language);
    let which = if all_figures { (0..FIGURES.len()).collect() } else { MAIN_FIGURES.to_vec() };
    let page = figures_table(report, language, which, true);
    let mut blocks = vec![
        Block::Heading(
            1,
            format!("{} — {}", label(language, "margin_title"), crate::markdown::inline(workspace)),
        ),
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
        Block::Table(page),
        Block::Heading(2, label(language, "definitions")),
        Block::Bullets(margin_definitions(language, &report.settings, &report.currency)),
    ];
    if report.total.unknown_cost_rows > 0 {
        let style = Style::new(language);
        blocks.insert(
            3,
            Block::Paragraph({
                let rows = super::plural(
                    language,
                    report.total.unknown_cost_rows,
                    ("row", "rows"),
                    ("Zeile", "Zeilen"),
                );
                let net = style.amount(report.total.unknown_cost_net, &report.currency);
                tr(
                    language,
                    &format!(
                        "**Note:** {rows} ({net} net revenue) have no cost data, so CM I–III of their groups are unknown (–)."
                    ),
                    &format!(
                        "**Hinweis:** {rows} ({net} Nettoumsatz) ohne Kostenangabe; DB I–III ihrer Gruppen sind daher unbekannt (–)."
                    ),
                )
            }),
        );
    }
    Document { blocks, csv_table: Some(table) }
}

/// `kam margin --format json` (SPEC 4.1), written row by row, so that a table of many rows is
/// never held as JSON values.
pub fn margin_json<R: MarginRows>(report: &MarginReport<R>) -> MarginJson<'_, R> {
    MarginJson(report)
}

/// The JSON of a margin report; see [`margin_json`]. It is written with serde_json's own
/// pretty formatter, number by number, as `serde_json::to_writer_pretty` writes the same
/// object of keys and JSON numbers.
pub struct MarginJson<'a, R = Vec<crate::margin::MarginRow>>(&'a MarginReport<R>);

impl<R: MarginRows> WriteJson for MarginJson<'_, R> {
    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let report = self.0;
        let mut json = JsonWriter { out, f: PrettyFormatter::new(), number: String::new() };
        json.f.begin_object(json.out)?;
        json.key("currency", true)?;
        json.string(&report.currency)?;
        json.end_value()?;
        json.key("by", false)?;
        json.f.begin_array(json.out)?;
        for (i, dim) in report.by.iter().enumerate() {
            json.f.begin_array_value(json.out, i == 0)?;
            json.string(dim.name())?;
            json.f.end_array_value(json.out)?;
        }
        json.f.end_array(json.out)?;
        json.end_value()?;
        json.key("period", false)?;
        json.string(report.period.name())?;
        json.end_value()?;
        json.key("rows", false)?;
        json.f.begin_array(json.out)?;
        let labels = PeriodLabels::new(report);
        // Each key as its name and its place in the row's keys.
        let mut keys: Vec<(&str, usize)> = Vec::with_capacity(report.by.len());
        let mut scratch = MarginRow::empty();
        for i in 0..report.rows.len() {
            let r = report.rows.row_in(i, &mut scratch);
            json.f.begin_array_value(json.out, i == 0)?;
            // As in a JSON object, a name given twice keeps its first place and its last value.
            keys.clear();
            for (k, dim) in report.by.iter().enumerate().take(r.keys.len()) {
                match keys.iter_mut().find(|(name, _)| *name == dim.name()) {
                    Some(entry) => entry.1 = k,
                    None => keys.push((dim.name(), k)),
                }
            }
            let period = r.period.map(|_| labels.label(report, r));
            json.f.begin_object(json.out)?;
            for (j, &(name, k)) in keys.iter().enumerate() {
                json.key(name, j == 0)?;
                json.string(r.keys[k].machine())?;
                json.end_value()?;
            }
            // No grouping is named "period": it comes after them.
            if let Some(p) = &period {
                json.key("period", keys.is_empty())?;
                json.string(p)?;
                json.end_value()?;
            }
            json.figures(&r.figures, keys.is_empty() && period.is_none())?;
            json.f.end_object(json.out)?;
            json.f.end_array_value(json.out)?;
        }
        json.f.end_array(json.out)?;
        json.end_value()?;
        json.key("total", false)?;
        json.f.begin_object(json.out)?;
        json.figures(&report.total, true)?;
        json.f.end_object(json.out)?;
        json.end_value()?;
        json.f.end_object(json.out)?;
        json.out.write_all(b"\n")
    }
}

/// Writes JSON through serde_json's pretty formatter, which keeps the indentation.
struct JsonWriter<'w> {
    out: &'w mut dyn Write,
    f: PrettyFormatter<'static>,
    /// The text of the number being written.
    number: String,
}

impl JsonWriter<'_> {
    fn key(&mut self, key: &str, first: bool) -> io::Result<()> {
        self.f.begin_object_key(self.out, first)?;
        self.string(key)?;
        self.f.end_object_key(self.out)?;
        self.f.begin_object_value(self.out)
    }

    fn end_value(&mut self) -> io::Result<()> {
        self.f.end_object_value(self.out)
    }

    fn string(&mut self, s: &str) -> io::Result<()> {
        // A string is escaped alike by every serde_json formatter.
        s.serialize(&mut serde_json::Serializer::new(&mut *self.out)).map_err(io::Error::from)
    }

    /// A decimal rounded to `places`, as [`crate::render::json_money`] and
    /// [`crate::render::json_rate`] give it; `None` is null.
    fn decimal(&mut self, value: Option<Decimal>, places: Option<u32>) -> io::Result<()> {
        let Some(value) = value else {
            return self.f.write_null(self.out);
        };
        self.number.clear();
        match places {
            Some(places) => push_rounded_plain(&mut self.number, value, places),
            None => push_plain_decimal(&mut self.number, value),
        }
        self.f.write_number_str(self.out, &self.number)
    }

    /// The entries of [`figures_json`], after others (`first` when there are none).
    fn figures(&mut self, f: &MarginFigures, first: bool) -> io::Result<()> {
        const MONEY: Option<u32> = Some(2);
        const RATE: Option<u32> = Some(4);
        let entries: [(&str, Option<Decimal>, Option<u32>); 12] = [
            ("gross_revenue", Some(f.gross_revenue), MONEY),
            ("deductions", Some(f.deductions), MONEY),
            ("net_revenue", Some(f.net_revenue), MONEY),
            ("variable_costs", f.variable_costs, MONEY),
            ("db1", f.db1, MONEY),
            ("direct_costs", Some(f.direct_costs), MONEY),
            ("db2", f.db2, MONEY),
            ("overhead", Some(f.overhead), MONEY),
            ("db3", f.db3, MONEY),
            ("db1_rate", f.db1_rate, RATE),
            ("db2_rate", f.db2_rate, RATE),
            ("db3_rate", f.db3_rate, RATE),
        ];
        for (i, (name, value, places)) in entries.into_iter().enumerate() {
            self.key(name, first && i == 0)?;
            self.decimal(value, places)?;
            self.end_value()?;
        }
        self.key("quantity", false)?;
        self.decimal(Some(f.quantity), None)?;
        self.end_value()?;
        self.key("orders", false)?;
        self.f.write_u64(self.out, f.orders)?;
        self.end_value()?;
        self.key("returns", false)?;
        self.decimal(Some(f.returns), MONEY)?;
        self.end_value()
    }
}

/// A margin's figures as JSON values, in the order of [`crate::margin::FIGURES`].
pub fn margin_figures_json(f: &MarginFigures) -> serde_json::Map<String, serde_json::Value> {
    use crate::render::{json_decimal, json_money, json_opt, json_rate};
    let mut m = serde_json::Map::new();
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
    m.insert("orders".into(), serde_json::json!(f.orders));
    m.insert("returns".into(), json_money(f.returns));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::margin::{Dim, MarginQuery, MarginRow};
    use serde_json::{Map, Value as Json, json};
    use std::str::FromStr;

    /// The JSON of a report built as serde_json values, the way [`MarginJson`] must match.
    fn json_by_values(report: &MarginReport) -> String {
        let rows: Vec<Json> = report
            .rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                for (dim, key) in report.by.iter().zip(&r.keys) {
                    m.insert(dim.name().into(), json!(key.machine()));
                }
                if let Some(p) = report.period_label(r) {
                    m.insert("period".into(), json!(p));
                }
                m.extend(margin_figures_json(&r.figures));
                Json::Object(m)
            })
            .collect();
        let by: Vec<&str> = report.by.iter().map(|d| d.name()).collect();
        let value = json!({
            "currency": report.currency,
            "by": by,
            "period": report.period.name(),
            "rows": rows,
            "total": margin_figures_json(&report.total),
        });
        serde_json::to_string_pretty(&value).unwrap() + "\n"
    }

    fn figures(seed: i64) -> MarginFigures {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let m = |cents: i64, scale: u32| Decimal::new(cents * seed, scale);
        MarginFigures {
            gross_revenue: m(123_456, 2),
            deductions: d("-0.004"),
            net_revenue: m(-5, 3),
            variable_costs: (seed % 2 == 0).then(|| m(1, 0)),
            db1: Some(d("99.995")),
            direct_costs: m(7, 28),
            db2: None,
            overhead: m(-1_000_000_000, 1),
            db3: Some(d("-0.005")),
            db1_rate: Some(d("0.47825")),
            db2_rate: None,
            db3_rate: Some(m(-1, 5)),
            quantity: d("12.500"),
            orders: seed.unsigned_abs(),
            returns: Decimal::ZERO,
            visits: 0,
            account_costs: Decimal::ZERO,
            unknown_cost_rows: 0,
            unknown_cost_net: Decimal::ZERO,
            rows: 1,
        }
    }

    fn report(by: Vec<Dim>, period: crate::periods::PeriodKind, rows: usize) -> MarginReport {
        MarginReport {
            currency: "EU\"R".into(),
            by: by.clone(),
            period,
            query: MarginQuery::default(),
            rows: (0..rows)
                .map(|i| MarginRow {
                    keys: by
                        .iter()
                        .enumerate()
                        .map(|(j, _)| crate::group::GroupName::Named(format!("k{i}-{j} \u{e4}\\\n")))
                        .collect(),
                    period: (period != crate::periods::PeriodKind::All)
                        .then(|| crate::dates::Month::new(2026, i as u32 % 9 + 1)),
                    figures: figures(i as i64 - 2),
                })
                .collect(),
            total: figures(7),
            settings: Default::default(),
            data_range: None,
            files: 1,
            rows_read: 1,
        }
    }

    #[test]
    fn margin_json_is_written_as_serde_json_writes_its_values() {
        use crate::periods::PeriodKind;
        let cases = [
            report(vec![Dim::Customer], PeriodKind::Month, 5),
            report(vec![Dim::Owner, Dim::Account, Dim::Owner], PeriodKind::All, 3),
            report(vec![Dim::Product], PeriodKind::Year, 0),
            report(vec![], PeriodKind::All, 2),
        ];
        for report in &cases {
            let mut out = Vec::new();
            margin_json(report).write_json(&mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), json_by_values(report));
        }
    }
}
