//! Valid exports in the formats ERP systems write must be accepted: `kam check` passes, and the
//! rows read carry the exact amounts and dates of the file.

mod common;

use common::{TempWorkspace, check_passes, check_with, fixture, gzip, kam_in, windows_1252};
use kam::diag::Diagnostics;
use kam::sales::read_exports;
use kam::workspace::{Options, Workspace};
use std::path::Path;

/// One row as read, in plain text: date, customer, gross, deductions, net, quantity.
type Row = (String, String, String, String, String, String);

/// Reads the exports of the workspace in `dir` through the library; there must be no problem.
fn rows(dir: &Path) -> Vec<Row> {
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(dir.to_path_buf()), ..Default::default() };
    let ws = Workspace::load(&options, &mut diags).expect("the workspace loads");
    let mut rows = Vec::new();
    read_exports(&ws.sales_files, &ws.config.import, &mut diags, |_, r| {
        rows.push((
            r.date.to_string(),
            r.customer.to_string(),
            r.gross.to_string(),
            r.deductions.to_string(),
            r.net.to_string(),
            r.quantity.to_string(),
        ));
    });
    let problems: Vec<String> =
        diags.items().iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    rows
}

fn row(date: &str, customer: &str, gross: &str, deductions: &str, net: &str, quantity: &str) -> Row {
    (date.into(), customer.into(), gross.into(), deductions.into(), net.into(), quantity.into())
}

const GERMAN: &str = r#"[workspace]
name = "Muster GmbH"
sales = ["sales/*.csv"]

[import]
delimiter = ";"
decimal_mark = ","
date_format = "%d.%m.%Y"
encoding = "windows-1252"

[import.columns]
date = "Belegdatum"
customer = "Kundennummer"
invoice = "Rechnungsnr"
product = "Artikel"
quantity = "Menge"
revenue = "Umsatz"
deductions = "Erlösschmälerung"
"#;

#[test]
fn german_windows_1252_export() {
    let csv = "Belegdatum;Kundennummer;Rechnungsnr;Artikel;Menge;Umsatz;Erlösschmälerung\r\n\
               05.01.2026;10042;R-1;Kühlschmierstoff 5 l;1.200;1.234,56;12,50\r\n\
               06.01.2026;\"Bäckerei; Filiale 2\";R-2;Größe M;0,5;1.000.000,00;0\r\n\
               07.01.2026;10042;R-3;Gutschrift;-1;-99,00;\r\n\
               31.12.2026;10042;R-4;Rabatt;1;0,01;-0,99\r\n";
    let ws = TempWorkspace::new(GERMAN);
    ws.write("accounts/nordwind.toml", b"name = \"Nordwind\"\ncustomer_ids = [\"10042\"]\n");
    ws.write("sales/umsatz-2026.csv", &windows_1252(csv));
    assert_eq!(
        rows(ws.path()),
        vec![
            row("2026-01-05", "10042", "1234.56", "12.50", "1222.06", "1200"),
            row("2026-01-06", "Bäckerei; Filiale 2", "1000000.00", "0", "1000000.00", "0.5"),
            row("2026-01-07", "10042", "-99.00", "0", "-99.00", "-1"),
            row("2026-12-31", "10042", "0.01", "-0.99", "1.00", "1"),
        ]
    );
    // The binary agrees: 1 000 000 of 1 001 124.06 net revenue is outside the accounts.
    check_passes(ws.path())
        .has_line(
            "warning: 1 export customer belongs to no account: 99.9% of net revenue (1,000,000.00 EUR); \
             `kam abc` lists the candidates",
        )
        .summary_is("check passed with 1 warning (1 account, 1 export with 4 rows)");
}

#[test]
fn umlaut_headers_match_whatever_their_case() {
    let csv = "BELEGDATUM;KUNDENNUMMER;RECHNUNGSNR;ARTIKEL;MENGE;UMSATZ;ERLÖSSCHMÄLERUNG\r\n\
               05.01.2026;10042;R-1;P;1;100,00;10,00\r\n";
    let ws = TempWorkspace::new(GERMAN);
    ws.write("sales/umsatz.csv", &windows_1252(csv));
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "10042", "100.00", "10.00", "90.00", "1")]);
}

#[test]
fn headers_match_case_insensitively_without_a_mapping() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", b" DATE ,Customer,REVENUE,Deductions\n2026-01-05,C1,100.00,1.50\n");
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "C1", "100.00", "1.50", "98.50", "0")]);
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 1 export with 1 row)");
}

#[test]
fn utf8_with_a_byte_order_mark() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", "\u{feff}date,customer,revenue\n2026-01-05,Müller KG,\"1,234.50\"\n".as_bytes());
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "Müller KG", "1234.50", "0", "1234.50", "0")]);
    // With a mapping, the first header is found behind the BOM as well.
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"s.csv\"]\n[import.columns]\ndate = \"Datum\"\ncustomer = \"Kunde\"\nrevenue = \"Umsatz\"\n",
    );
    ws.write("s.csv", "\u{feff}Datum,Kunde,Umsatz\n2026-01-05,C1,7\n".as_bytes());
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "C1", "7", "0", "7", "0")]);
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 1 export with 1 row)");
}

#[test]
fn byte_order_marks_decide_the_encoding() {
    let config = "[workspace]\nsales = [\"s.csv\"]\n[import]\nencoding = \"windows-1252\"\n";
    // A UTF-8 byte-order mark: the file is UTF-8 whatever kam.toml says.
    let ws = TempWorkspace::new(config);
    ws.write("s.csv", "\u{feff}date,customer,revenue\n2026-01-05,Müller KG,3.50\n".as_bytes());
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "Müller KG", "3.50", "0", "3.50", "0")]);
    // A UTF-16 one (as Excel's "Unicode text" writes): the file is transcoded.
    let text = "date,customer,revenue\r\n2026-01-05,Jäger AG,4.25\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    ws.write("s.csv", &utf16);
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "Jäger AG", "4.25", "0", "4.25", "0")]);
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 1 export with 1 row)");
    // Also where kam.toml says UTF-8, and big-endian, tab-separated.
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n[import]\ndelimiter = \"auto\"\n");
    let mut utf16 = vec![0xFE, 0xFF];
    utf16.extend(
        "date\tcustomer\trevenue\n2026-01-06\tÖl AG\t1.00\n".encode_utf16().flat_map(u16::to_be_bytes),
    );
    ws.write("s.csv", &utf16);
    assert_eq!(rows(ws.path()), vec![row("2026-01-06", "Öl AG", "1.00", "0", "1.00", "0")]);
}

#[test]
fn gzip_compressed_export() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\", \"sales/*.csv.gz\"]\n");
    ws.write("sales/2025.csv", b"date,customer,revenue\n2025-12-30,C1,5.00\n");
    ws.write(
        "sales/2026.csv.gz",
        &gzip(b"date,customer,revenue\n2026-01-05,C1,10.00\n2026-01-06,C2,20.00\n"),
    );
    assert_eq!(
        rows(ws.path()),
        vec![
            row("2025-12-30", "C1", "5.00", "0", "5.00", "0"),
            row("2026-01-05", "C1", "10.00", "0", "10.00", "0"),
            row("2026-01-06", "C2", "20.00", "0", "20.00", "0"),
        ]
    );
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 2 exports with 3 rows)");
}

#[test]
fn gzip_compressed_windows_1252_export() {
    let ws = TempWorkspace::new(GERMAN);
    let csv = "Belegdatum;Kundennummer;Rechnungsnr;Artikel;Menge;Umsatz;Erlösschmälerung\n\
               05.01.2026;Müller;R-1;P;2;2.000,00;0\n";
    ws.write("sales/umsatz.csv.gz", &gzip(&windows_1252(csv)));
    ws.write("kam.toml", GERMAN.replace("sales/*.csv", "sales/*.csv.gz").as_bytes());
    assert_eq!(rows(ws.path()), vec![row("2026-01-05", "Müller", "2000.00", "0", "2000.00", "2")]);
}

#[test]
fn delimiter_auto_sniffs_semicolon_tab_and_pipe() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*\"]\n[import]\ndelimiter = \"auto\"\ndecimal_mark = \",\"\n",
    );
    ws.write("sales/a-semicolon.csv", b"date;customer;revenue\n2026-01-05;C1;1.234,50\n");
    ws.write("sales/b-tab.tsv", b"date\tcustomer\trevenue\n2026-01-06\tC2, Hamburg\t2,25\n");
    ws.write("sales/c-pipe.txt", b"date|customer|revenue\n2026-01-07|C3|3\n");
    ws.write("sales/d-comma.csv", b"date,customer,revenue\n2026-01-08,C4,\"4,5\"\n");
    assert_eq!(
        rows(ws.path()),
        vec![
            row("2026-01-05", "C1", "1234.50", "0", "1234.50", "0"),
            row("2026-01-06", "C2, Hamburg", "2.25", "0", "2.25", "0"),
            row("2026-01-07", "C3", "3", "0", "3", "0"),
            row("2026-01-08", "C4", "4.5", "0", "4.5", "0"),
        ]
    );
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 4 exports with 4 rows)");
}

#[test]
fn a_time_of_day_after_the_date_is_ignored() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,revenue\n2026-01-05 08:15:00,C1,1\n2026-01-06T23:59,C1,2\n2026-01-07 07:00:00.123,C1,3\n",
    );
    let dates: Vec<String> = rows(ws.path()).into_iter().map(|r| r.0).collect();
    assert_eq!(dates, ["2026-01-05", "2026-01-06", "2026-01-07"]);

    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"s.csv\"]\n[import]\ndate_format = \"%d.%m.%Y\"\ndelimiter = \";\"\n",
    );
    ws.write("s.csv", b"date;customer;revenue\n05.01.2026 14:05;C1;1\n6.1.2026 07:30:59;C1;2\n");
    let dates: Vec<String> = rows(ws.path()).into_iter().map(|r| r.0).collect();
    assert_eq!(dates, ["2026-01-05", "2026-01-06"]);

    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n[import]\ndate_format = \"%m/%d/%Y\"\n");
    ws.write("s.csv", b"date,customer,revenue\n12/1/2010 8:26,C1,1\n");
    assert_eq!(rows(ws.path())[0].0, "2010-12-01");
}

#[test]
fn several_files_through_globs() {
    let ws =
        TempWorkspace::new("[workspace]\nsales = [\"sales/20*.csv\", \"extra/*.csv\", \"sales/2026.csv\"]\n");
    ws.write("sales/2025.csv", b"date,customer,revenue\n2025-03-01,C1,1\n");
    ws.write("sales/2026.csv", b"date,customer,revenue\n2026-03-01,C1,2\n2026-03-02,C1,3\n");
    ws.write("sales/notes.txt", b"not an export");
    ws.write("extra/shop.csv", b"date,customer,revenue\n2026-04-01,C2,4\n");
    // A file matched by two patterns is read once.
    let customers: Vec<String> = rows(ws.path()).into_iter().map(|r| format!("{} {}", r.0, r.2)).collect();
    assert_eq!(customers, ["2025-03-01 1", "2026-03-01 2", "2026-03-02 3", "2026-04-01 4"]);
    check_passes(ws.path())
        .has_line(
            "sales/2026.csv: warning: `sales/2026.csv` names sales/2026.csv again (matched by `sales/20*.csv` already); it is read once (from [workspace] sales in kam.toml)",
        )
        .summary_is("check passed with 2 warnings (0 accounts, 3 exports with 4 rows)");
}

#[test]
fn sales_flag_overrides_kam_toml() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("sales/broken.csv", b"date,customer,revenue\nyesterday,C1,many\n");
    ws.write("other/good.csv", b"date,customer,revenue\n2026-01-05,C1,10.00\n");
    ws.write("other/more.csv", b"date,customer,revenue\n2026-01-06,C1,10.00\n");
    check_fails_on_broken(ws.path());
    check_with(ws.path(), &["--sales", "other/good.csv"], 0)
        .lacks("broken")
        .summary_is("check passed with 1 warning (0 accounts, 1 export with 1 row)");
    check_with(ws.path(), &["--sales", "other/good.csv", "other/more.csv"], 0)
        .summary_is("check passed with 1 warning (0 accounts, 2 exports with 2 rows)");
    check_with(ws.path(), &["--sales", "other/*.csv"], 0)
        .summary_is("check passed with 1 warning (0 accounts, 2 exports with 2 rows)");
    // --sales paths are relative to the current folder, not to the workspace.
    check_with(&ws.path().join("other"), &["--sales", "good.csv"], 0)
        .summary_is("check passed with 1 warning (0 accounts, 1 export with 1 row)");
}

fn check_fails_on_broken(dir: &Path) {
    common::check_fails(dir)
        .has("sales/broken.csv:2: column \"date\": error: cannot read \"yesterday\" as a date");
}

#[test]
fn quantity_times_unit_price_instead_of_revenue() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"s.csv\"]\n[import]\ndelimiter = \";\"\ndecimal_mark = \",\"\n\
         [import.columns]\ndate = \"Datum\"\ncustomer = \"Kunde\"\nquantity = \"Menge\"\nunit_price = \"Preis\"\n",
    );
    ws.write(
        "s.csv",
        b"Datum;Kunde;Menge;Preis\n2026-01-05;C1;3;1,50\n2026-01-06;C1;0,333;3\n2026-01-07;C1;-2;9,95\n",
    );
    assert_eq!(
        rows(ws.path()),
        vec![
            row("2026-01-05", "C1", "4.50", "0", "4.50", "3"),
            row("2026-01-06", "C1", "0.999", "0", "0.999", "0.333"),
            row("2026-01-07", "C1", "-19.90", "0", "-19.90", "-2"),
        ]
    );
    check_passes(ws.path()).summary_is("check passed with 1 warning (0 accounts, 1 export with 3 rows)");
}

#[test]
fn revenue_wins_over_quantity_times_unit_price() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,quantity,unit_price,revenue\n2026-01-05,C1,3,1.50,4.00\n2026-01-06,C1,2,5,\n",
    );
    let gross: Vec<String> = rows(ws.path()).into_iter().map(|r| r.2).collect();
    // An empty revenue cell falls back to quantity × unit_price.
    assert_eq!(gross, ["4.00", "10"]);
}

#[test]
fn dash_c_names_the_workspace() {
    let parent = fixture("warnings").parent().unwrap().to_path_buf();
    let run = check_with(&parent, &["-C", "warnings"], 0);
    run.has_line("warnings/sales/2026.csv:3: warning: looks like a duplicate of line 2 (same invoice, product, date and amount)")
        .has_line("warnings/accounts/nordwind.toml:2:26: warning: customer \"10043\" has no sales in the exports")
        .summary_is("check passed with 9 warnings (4 accounts, 1 export with 11 rows)");
    // -C given after the command works as well.
    kam_in(&parent)
        .args(["check", "-C", "warnings"])
        .assert()
        .success()
        .stderr(predicates::str::contains("check passed with 9 warnings"));
}

#[test]
fn kam_toml_is_found_from_a_subfolder() {
    let sub = fixture("warnings").join("accounts");
    let run = check_with(&sub, &[], 0);
    run.has_line("../sales/2026.csv:3: warning: looks like a duplicate of line 2 (same invoice, product, date and amount)")
        .has_line("../accounts/nordwind.toml:2:26: warning: customer \"10043\" has no sales in the exports")
        .summary_is("check passed with 9 warnings (4 accounts, 1 export with 11 rows)");
    // From two levels down, errors name the files the same way.
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,x\n");
    ws.write("docs/notes/readme.md", b"notes");
    check_with(&ws.path().join("docs/notes"), &[], 1)
        .has("../../sales/s.csv:2: column \"revenue\": error: cannot read \"x\" as an amount");
}

#[test]
fn costs_follow_the_order_of_spec_3() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n[margin]\ndefault_cost_rate = 0.6\n");
    ws.write(
        "s.csv",
        b"date,customer,quantity,revenue,deductions,cost,unit_cost,profit\n\
          2026-01-05,C1,2,100,10,50,30,1\n\
          2026-01-05,C1,2,100,10,,30,1\n\
          2026-01-05,C1,2,100,10,,,40\n\
          2026-01-05,C1,2,100,10,,,\n",
    );
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(ws.path().to_path_buf()), ..Default::default() };
    let w = Workspace::load(&options, &mut diags).unwrap();
    let mut costs = Vec::new();
    read_exports(&w.sales_files, &w.config.import, &mut diags, |_, r| {
        costs.push(r.cost.map(|c| c.to_string()))
    });
    assert!(diags.is_empty(), "{:?}", diags.items());
    // cost, else quantity × unit_cost, else net − profit, else default_cost_rate × net.
    let expected = ["50", "60", "50", "54.0"];
    assert_eq!(costs, expected.map(|c| Some(c.to_string())));
}
