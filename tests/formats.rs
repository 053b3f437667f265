//! The output formats besides Markdown and JSON: Excel workbooks (`--format xlsx`), the
//! terminal (`--format term`), CSV that spreadsheets cannot turn into formulas, and Markdown that
//! the texts of a hostile dossier cannot break.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{fixture, kam, stdout};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn hostile() -> PathBuf {
    fixture("render-hostile")
}

/// Writes `args` with `-o FILE.xlsx` into a temporary folder and opens the workbook.
fn workbook(dir: &Path, args: &[&str]) -> (tempfile::TempDir, Xlsx<std::io::BufReader<std::fs::File>>) {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.xlsx");
    kam().current_dir(dir).args(args).arg("-o").arg(&file).assert().success();
    let book: Xlsx<_> = open_workbook(&file).unwrap();
    (out, book)
}

#[test]
fn margin_workbook_has_real_numbers_and_a_definitions_sheet() {
    let (_tmp, mut book) = workbook(&demo(), &["margin"]);
    let names = book.sheet_names();
    assert_eq!(names, vec!["Deckungsbeitragsrechnung".to_string(), "Definitionen".to_string()]);
    let sheet = book.worksheet_range("Deckungsbeitragsrechnung").unwrap();
    // Header: the German labels of every figure (also those the Markdown leaves out).
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "Schlüsselkunde");
    assert!(
        header.contains(&"Bruttoumsatz".to_string()) && header.contains(&"Retouren".to_string()),
        "{header:?}"
    );
    // The same figures as the CSV, as numbers.
    let csv = stdout(&demo(), &["margin", "--format", "csv"]);
    let csv_rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let net = header.iter().position(|h| h == "Nettoumsatz").unwrap();
    let rate = header.iter().position(|h| h == "DB II\u{a0}%").unwrap();
    for (row, csv_row) in sheet.rows().skip(1).zip(csv_rows.iter().skip(1)) {
        match (&row[net], csv_row[net].parse::<f64>()) {
            (Data::Float(v), Ok(want)) => assert!((v - want).abs() < 1e-9, "{v} against {want}"),
            other => panic!("net revenue is no number: {other:?}"),
        }
        assert!(matches!(row[rate], Data::Float(_)), "{:?}", row[rate]);
    }
    // The group without an account is named in German, the total row is there.
    assert_eq!(sheet.rows().nth(1).unwrap()[0], Data::String("(nicht zugeordnet)".into()));
    assert_eq!(sheet.rows().next_back().unwrap()[0], Data::String("Summe".into()));
    let about = book.worksheet_range("Definitionen").unwrap();
    let text: Vec<String> = about.rows().map(|r| r[0].to_string()).collect();
    assert!(text[0].starts_with("Deckungsbeitragsrechnung — "), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("• DB II = DB I − Kundeneinzelkosten")), "{text:?}");
}

#[test]
fn dates_are_dates_and_the_brief_has_no_workbook() {
    let (_tmp, mut book) = workbook(&demo(), &["accounts"]);
    let sheet = book.worksheet_range("Schlüsselkunden").unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let next = header.iter().position(|h| h == "Nächstes Gespräch").unwrap();
    let cell = &sheet.rows().nth(1).unwrap()[next];
    match cell {
        Data::DateTime(d) => {
            // Excel counts days from 1899-12-30.
            let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 19).unwrap();
            let serial = (day - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days();
            assert_eq!(d.as_f64(), serial as f64);
        }
        other => panic!("not a date: {other:?}"),
    }
    kam()
        .current_dir(demo())
        .args(["brief", "nordhafen", "--format", "xlsx", "-o", "x.xlsx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Fehler: der Brief ist ein Markdown-Dokument"));
}

#[test]
fn the_kpi_workbook_is_one_row_per_owner() {
    let (_tmp, mut book) = workbook(&demo(), &["kpi", "--month", "2026-10"]);
    let sheet = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    let owners: Vec<String> = sheet.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(owners, ["(ohne KAM)", "Anna Berg", "Markus Hoffmann", "Sabine Lorenz", "Summe"]);
}

#[test]
fn xlsx_needs_a_file() {
    kam().current_dir(demo()).args(["margin", "--format", "xlsx"]).assert().code(2).stderr(
        predicate::str::contains(
            "Fehler: --format xlsx schreibt eine Arbeitsmappe: nennen Sie ihre Datei mit -o DATEI.xlsx",
        ),
    );
    kam().current_dir(demo()).args(["--lang", "en", "margin", "--format", "xlsx"]).assert().code(2).stderr(
        predicate::str::contains("error: --format xlsx writes a workbook: name its file with -o FILE.xlsx"),
    );
}

#[test]
fn term_draws_the_tables() {
    let out = kam()
        .current_dir(demo())
        .env("COLUMNS", "120")
        .args(["margin", "--format", "term"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Deckungsbeitragsrechnung — Hanseatische Werkzeug- und Maschinenbau GmbH\n═"),
        "{text}"
    );
    assert!(text.contains("┌") && text.contains("│ nordhafen"), "{text}");
    assert!(!text.contains("|---") && !text.contains("```"), "{text}");
    // Every line fits the width.
    for line in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 120, "{line}");
    }
}

/// OWASP's rule against CSV injection: a text cell a spreadsheet would read as a formula gets a
/// leading `'`; the numbers stay numbers.
#[test]
fn csv_text_cannot_become_a_formula() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,category,revenue,cost\n2026-01-10,C1,=HYPERLINK(\"http://x\"),100,50\n2026-01-11,C1,@SUM(A1),-20,-10\n2026-01-12,C1,+49,5,1\n",
    );
    let csv = stdout(ws.path(), &["margin", "--by", "category", "--format", "csv"]);
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",100.00,"), "{csv}");
    assert!(csv.contains("'@SUM(A1),-20.00,"), "{csv}");
    assert!(csv.contains("'+49,5.00,"), "{csv}");
    // JSON keeps the texts as they are.
    let json = common::json(ws.path(), &["margin", "--by", "category"]);
    assert_eq!(json["rows"][1]["category"], "=HYPERLINK(\"http://x\")");
}

/// Texts of a hostile dossier and export stay text in every Markdown context: no HTML, no
/// heading, no code block, no extra table cell comes from them (tests/render/ checks the same
/// in a browser).
#[test]
fn hostile_texts_cannot_break_the_markdown() {
    for args in [&["brief", "hostile"][..], &["margin", "--by", "category"], &["accounts"]] {
        let md = stdout(&hostile(), args);
        let mut fence = false;
        let mut header_cells = None;
        for line in md.lines() {
            if line.starts_with("```") {
                fence = !fence;
                continue;
            }
            if fence {
                // Mermaid: labels hold no raw quotes, angle brackets or backticks from the data.
                if line.contains("ZZHOSTILE") {
                    let inside = line.split_once("[\"").map_or(line, |(_, rest)| rest);
                    let label = inside.rsplit_once("\"]").map_or(inside, |(l, _)| l);
                    assert!(!label.replace("<br/>", "").contains(['"', '<', '>', '`']), "{line}");
                }
                continue;
            }
            // A data text that starts a line would start a block: a heading, a list, a quote.
            let start = line.trim_start_matches(['#', '-', '*', '>', ' ']);
            assert!(!start.starts_with("ZZHOSTILE"), "a block from data: {line}");
            // A table's rows have as many cells as its header.
            if line.starts_with('|') {
                let cells = cells(line);
                let want = *header_cells.get_or_insert(cells);
                assert_eq!(cells, want, "{line}");
            } else {
                header_cells = None;
            }
            for raw in ["<b>", "<img", "<!--", "](http", "`ZZ", "*ZZ"] {
                assert!(!unescaped(line, raw), "unescaped {raw} in: {line}");
            }
        }
        assert!(!fence, "a fence left open");
    }
}

/// The cells of a Markdown table row: the `|` that no backslash escapes, less one.
fn cells(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n - 1
}

/// Whether `pattern` occurs in `line` without a backslash before it.
fn unescaped(line: &str, pattern: &str) -> bool {
    line.match_indices(pattern).any(|(i, _)| {
        let before = line[..i].chars().rev().take_while(|&c| c == '\\').count();
        before % 2 == 0
    })
}
