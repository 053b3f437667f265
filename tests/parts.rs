//! Large exports are cut into parts read side by side. Wherever the cuts fall (also inside a
//! quoted field that spans lines), the rows, their order, the problems with their lines and
//! every figure are those of reading the file in one go.

use kam::cube::Cube;
use kam::diag::Diagnostics;
use kam::margin::{Dim, MarginQuery, margin_report};
use kam::periods::PeriodKind;
use kam::retention::{RetentionQuery, Unit, retention_report};
use kam::sales::{Parts, RowSink, SaleRow, fold_exports_in_parts, read_exports};
use kam::workspace::{Options, Workspace};
use proptest::prelude::*;
use std::path::Path;

/// One line of a generated export.
#[derive(Debug, Clone)]
enum Line {
    Sale {
        customer: u8,
        month: u8,
        invoice: u8,
        product: u8,
        cents: i64,
        note: u8,
    },
    Blank,
    /// A row that cannot be read: too few fields, or an amount that is not one.
    Bad(bool),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        8 => (0u8..6, 0u8..14, 0u8..20, 0u8..8, -5_000i64..90_000, 0u8..8).prop_map(
            |(customer, month, invoice, product, cents, note)| Line::Sale { customer, month, invoice, product, cents, note }
        ),
        1 => Just(Line::Blank),
        1 => any::<bool>().prop_map(Line::Bad),
    ]
}

fn export(lines: &[Line], crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = format!("date,customer,invoice,product,note,revenue{end}");
    for l in lines {
        match l {
            Line::Sale { customer, month, invoice, product, cents, note } => {
                // Some notes are quoted, with the delimiter, quotes or line breaks inside.
                let note = [
                    "",
                    "plain",
                    "\"a, b\"",
                    "\"two\nlines\"",
                    "\"say \"\"hi\"\"\"",
                    "\"x\r\n\r\ny\"",
                    "Müller",
                    "\"Straße,\n3\"",
                ][*note as usize];
                out.push_str(&format!(
                    "2024-{:02}-15,K{customer},R{invoice},P{product},{note},{}.{:02}{end}",
                    month % 12 + 1,
                    cents / 100,
                    (cents % 100).abs()
                ));
            }
            Line::Blank => out.push_str(end),
            Line::Bad(true) => out.push_str(&format!("2024-01-01,K1{end}")),
            Line::Bad(false) => out.push_str(&format!("2024-01-01,K1,R1,P1,,12x{end}")),
        }
    }
    out
}

fn workspace(dir: &Path, text: &str) -> Workspace {
    workspace_in(dir, text, false)
}

/// A workspace whose export is `text`, written in Windows-1252 where `latin`.
fn workspace_in(dir: &Path, text: &str, latin: bool) -> Workspace {
    std::fs::create_dir_all(dir.join("accounts")).unwrap();
    let encoding = if latin { "[import]\nencoding = \"windows-1252\"\n" } else { "" };
    std::fs::write(dir.join("kam.toml"), format!("[workspace]\nsales = [\"sales.csv\"]\n{encoding}"))
        .unwrap();
    std::fs::write(dir.join("accounts/a.toml"), "name = \"A\"\ncustomer_ids = [\"K0\", \"K1\"]\n").unwrap();
    let bytes =
        if latin { encoding_rs::WINDOWS_1252.encode(text).0.into_owned() } else { text.as_bytes().to_vec() };
    std::fs::write(dir.join("sales.csv"), bytes).unwrap();
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(dir.to_path_buf()), sales: Vec::new() };
    Workspace::load(&options, &mut diags).expect("workspace")
}

/// Every row as text, in the order read.
#[derive(Default)]
struct Rows(Vec<String>);

impl RowSink for Rows {
    fn row(&mut self, row: &SaleRow<'_>) {
        self.0.push(format!("{} {} {} {} {}", row.date, row.customer, row.invoice, row.product, row.net));
    }

    fn append(&mut self, later: Self) {
        self.0.extend(later.0);
    }
}

fn messages(diags: &Diagnostics) -> Vec<String> {
    diags.items().iter().map(|d| d.to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn parts_read_what_one_reader_reads(
        lines in proptest::collection::vec(line(), 0..60),
        crlf in any::<bool>(),
        latin in any::<bool>(),
        threads in 2usize..6,
        min_bytes in 1u64..200,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace_in(dir.path(), &export(&lines, crlf), latin);
        let settings = &ws.config.import;

        let mut one = Diagnostics::new();
        let mut rows = Vec::new();
        let stats = read_exports(&ws.sales_files, settings, &mut one, |_, row| {
            rows.push(format!("{} {} {} {} {}", row.date, row.customer, row.invoice, row.product, row.net));
        });
        prop_assert_eq!(one.has_errors(), lines.iter().any(|l| matches!(l, Line::Bad(_))));

        let mut cut = Diagnostics::new();
        let mut sink = Rows::default();
        let parts = Parts { threads, min_bytes, block: min_bytes };
        let cut_stats = fold_exports_in_parts(&ws.sales_files, settings, &mut cut, &mut sink, Rows::default, parts);
        prop_assert_eq!(&sink.0, &rows);
        prop_assert_eq!(messages(&cut), messages(&one));
        prop_assert_eq!(cut_stats.rows, stats.rows);
        prop_assert_eq!(cut_stats.bad_rows, stats.bad_rows);
    }

    #[test]
    fn parts_change_no_figure(
        lines in proptest::collection::vec(line(), 1..60),
        threads in 2usize..6,
        min_bytes in 1u64..200,
    ) {
        let lines: Vec<Line> = lines.into_iter().filter(|l| !matches!(l, Line::Bad(_))).collect();
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path(), &export(&lines, false));
        for (by, period) in [
            (vec![Dim::Customer], PeriodKind::Month),
            (vec![Dim::Account, Dim::Product], PeriodKind::Quarter),
            (vec![Dim::Product], PeriodKind::All),
        ] {
            let query = MarginQuery { by, period, from: None, to: None, accounts: Vec::new() };
            let spec = query.cube_spec();
            let mut diags = Diagnostics::new();
            let (whole, ()) = Cube::build_in_parts(&ws, &spec, &mut diags, || (), Parts { threads: 1, min_bytes, block: min_bytes });
            let (cut, ()) = Cube::build_in_parts(&ws, &spec, &mut diags, || (), Parts { threads, min_bytes, block: min_bytes });
            prop_assert!(!diags.has_errors(), "{:?}", diags.items());
            let names = |c: &Cube| (0..c.customers.len() as u32).map(|i| c.customers.name(i).to_string()).collect::<Vec<_>>();
            prop_assert_eq!(names(&whole), names(&cut));
            let (a, b) = (margin_report(&ws, &whole, &query), margin_report(&ws, &cut, &query));
            prop_assert_eq!(&a.rows, &b.rows);
            prop_assert_eq!(&a.total, &b.total);
        }
        // Retention takes the parts' cells as they are, and its histories merge them.
        for (by, period) in [(Unit::Customer, PeriodKind::Month), (Unit::Account, PeriodKind::Quarter)] {
            let query = RetentionQuery { by, period, ..RetentionQuery::default() };
            let spec = query.cube_spec();
            let mut diags = Diagnostics::new();
            let (whole, ()) = Cube::build_in_parts(&ws, &spec, &mut diags, || (), Parts { threads: 1, min_bytes, block: min_bytes });
            let (cut, ()) = Cube::build_in_parts(&ws, &spec, &mut diags, || (), Parts { threads, min_bytes, block: min_bytes });
            let (a, b) = (retention_report(&ws, &whole, &query), retention_report(&ws, &cut, &query));
            prop_assert_eq!(&a.rows, &b.rows);
            prop_assert_eq!(a.units, b.units);
        }
    }
}

#[test]
fn lines_are_counted_past_empty_lines_and_windows_line_ends() {
    let text = "date,customer,revenue\r\n2024-01-01,K1,5\r\n\r\n\r\n2024-01-02,K1,x\r\n2024-01-03,K1,\"7\r\n\"\r\n2024-01-04,K1,y\n";
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), text);
    for threads in [1, 2, 3] {
        let mut diags = Diagnostics::new();
        let parts = Parts { threads, min_bytes: 1, block: 1 };
        fold_exports_in_parts(&ws.sales_files, &ws.config.import, &mut diags, &mut (), || (), parts);
        let lines: Vec<String> =
            messages(&diags).iter().map(|m| m.split(": column").next().unwrap().to_string()).collect();
        let file = ws.sales_files[0].display().to_string();
        assert_eq!(lines, vec![format!("{file}:5"), format!("{file}:8")]);
    }
}

/// Found by fuzzing: a problem found in a later part named a line counted from the part's start
/// in its message ("a quote opened on line 1"), while its place was the line of the file.
#[test]
fn fuzz_finding_messages_of_later_parts_name_no_part_lines() {
    let text = "date,customer,quantity,unit_price,note\n2026-01-05,K1,3,2.50,\"multi\nline\"\n2026-01-06,K1,1,1,\"open\n";
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), text);
    let mut whole = Diagnostics::new();
    read_exports(&ws.sales_files, &ws.config.import, &mut whole, |_, _| {});
    for threads in [2, 3] {
        let mut cut = Diagnostics::new();
        let parts = Parts { threads, min_bytes: 1, block: 1 };
        fold_exports_in_parts(&ws.sales_files, &ws.config.import, &mut cut, &mut (), || (), parts);
        assert_eq!(messages(&cut), messages(&whole));
    }
    assert!(messages(&whole)[0].ends_with(":4: error: unterminated quote: a quote opened on this line is never closed; close it or remove it"), "{:?}", messages(&whole));
}

/// When no date matches the date format, the problems listed and the advice are those of one
/// reader also when the export is read in parts (each part keeps the first problems of each kind,
/// and the first samples of the file count).
#[test]
fn a_wrong_date_format_reads_alike_in_parts() {
    let mut text = String::from("date,customer,revenue\n");
    for i in 0..300 {
        // Ambiguous days first, then days past the 12th: the advice rests on the first ones.
        let day = if i < 150 { 1 + i % 12 } else { 13 + i % 15 };
        let revenue = if i % 3 == 0 { "x".to_string() } else { "5".to_string() };
        text.push_str(&format!("01/{day:02}/2016,K1,{revenue}\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &text);
    let mut whole = Diagnostics::new();
    read_exports(&ws.sales_files, &ws.config.import, &mut whole, |_, _| {});
    assert!(messages(&whole)[0].contains("no date of the column matches"), "{:?}", messages(&whole));
    for threads in [2, 3, 4] {
        let mut cut = Diagnostics::new();
        let parts = Parts { threads, min_bytes: 1, block: 1 };
        fold_exports_in_parts(&ws.sales_files, &ws.config.import, &mut cut, &mut (), || (), parts);
        assert_eq!(messages(&cut), messages(&whole), "{threads} parts");
        assert_eq!(cut.error_count(), whole.error_count());
    }
}

/// Rows as [`Rows`] keeps them, each row taking `pause` where one is given.
#[derive(Default)]
struct Paced {
    rows: Rows,
    pause: Option<std::time::Duration>,
}

impl RowSink for Paced {
    fn row(&mut self, row: &SaleRow<'_>) {
        if let Some(pause) = self.pause {
            std::thread::sleep(pause);
        }
        self.rows.row(row);
    }

    fn append(&mut self, later: Self) {
        self.rows.append(later.rows);
    }
}

/// A part read slowly (here: the first, a pause a row) is taken over, half of its unread rest at
/// a time, by the threads done with their own parts: more parts are read than there are
/// threads, and the rows, their order and the problems with their lines are still those of one
/// reader, also where a cut falls inside a quoted field that spans lines.
#[test]
fn a_slow_part_is_taken_over_by_the_threads_done_with_theirs() {
    let lines: Vec<Line> = (0..240u32)
        .map(|i| match i % 37 {
            5 => Line::Blank,
            11 => Line::Bad(i % 2 == 0),
            _ => Line::Sale {
                customer: (i % 6) as u8,
                month: (i % 14) as u8,
                invoice: (i % 20) as u8,
                product: (i % 8) as u8,
                cents: i64::from(i) * 137 - 2_000,
                note: (i % 8) as u8,
            },
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), &export(&lines, false));
    let settings = &ws.config.import;
    let mut one = Diagnostics::new();
    let mut rows = Vec::new();
    let whole = read_exports(&ws.sales_files, settings, &mut one, |_, row| {
        rows.push(format!("{} {} {} {} {}", row.date, row.customer, row.invoice, row.product, row.net));
    });
    assert!(one.has_errors());
    for threads in [2, 3] {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let mut cut = Diagnostics::new();
        let mut sink = Paced { pause: Some(std::time::Duration::from_micros(400)), ..Paced::default() };
        let parts = Parts { threads, min_bytes: 1, block: 64 };
        let stats = fold_exports_in_parts(
            &ws.sales_files,
            settings,
            &mut cut,
            &mut sink,
            || {
                made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Paced::default()
            },
            parts,
        );
        assert_eq!(sink.rows.0, rows, "{threads} threads");
        assert_eq!(messages(&cut), messages(&one), "{threads} threads");
        assert_eq!((stats.rows, stats.bad_rows), (whole.rows, whole.bad_rows), "{threads} threads");
        let made = made.load(std::sync::atomic::Ordering::Relaxed);
        assert!(made > threads - 1, "{threads} threads: {made} parts besides the first, none taken over");
    }
}
