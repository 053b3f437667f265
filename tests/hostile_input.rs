//! Hostile and careless input: never a panic, never a lost row, never an overwritten file. Each
//! test is named after the defect it guards against and checks the message a user gets.

mod common;

use common::{TempWorkspace, check_fails, check_passes, check_with, kam_in};
use predicates::prelude::*;
use std::fs;

const ISO: &str = "[workspace]\nsales = [\"sales/*.csv\"]\n";

fn no_panic() -> impl Predicate<str> {
    predicate::str::contains("panicked").not()
}

// 1. Decimal overflow.

#[test]
fn decimal_overflow_a_28_digit_amount_summed_is_an_error_not_a_panic() {
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue\n");
    for d in 1..=10 {
        csv.push_str(&format!("2026-01-{d:02},C1,7922816251426433759354395033\n"));
    }
    ws.write("sales/s.csv", csv.as_bytes());
    check_fails(ws.path()).has_line(
        "sales/s.csv:2: column \"revenue\": error: cannot read \"7922816251426433759354395033\" as an amount: \
         an amount of 10^15 (a thousand trillion) or more is beyond what kam reads; is this the right column?",
    );
    for cmd in [&["margin"][..], &["kpi", "--month", "2026-01"], &["retention"], &["abc"]] {
        kam_in(ws.path()).args(cmd).assert().code(1).stderr(no_panic()).stdout("");
    }
}

#[test]
fn decimal_overflow_quantity_times_unit_price_is_an_error_with_its_place() {
    let ws = TempWorkspace::new(ISO);
    ws.write(
        "sales/s.csv",
        b"date,customer,quantity,unit_price\n2026-01-05,C1,999999999999999,999999999999999\n2026-01-06,C1,2,3\n",
    );
    check_fails(ws.path())
        .has("sales/s.csv:2: column \"unit_price\": error: quantity × unit price = 999999999999999 × 999999999999999 is beyond what kam reads")
        .summary_is("check failed: 1 error, 1 warning (0 accounts, 1 export with 2 rows)");
    kam_in(ws.path()).arg("margin").assert().code(1).stderr(no_panic());
}

#[test]
fn decimal_overflow_in_dossier_costs_is_an_error_at_the_entry() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,1\n");
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n[[costs]]\ndate = 2026-01-05\namount = 10000000000000000\n\n[[costs]]\ndate = 2026-01-06\namount = 10000000000000000\n",
    );
    let run = check_fails(ws.path());
    run.has_line("accounts/a.toml:6:10: error: the amount 10000000000000000 is beyond what kam reads: amounts must be below 10^15 (a thousand trillion)");
    assert!(run.count("accounts/a.toml:10:10: error:") == 1, "{}", run.stderr);
    for cmd in [&["margin"][..], &["kpi", "--month", "2026-01"], &["brief", "a"]] {
        kam_in(ws.path()).args(cmd).assert().code(1).stderr(no_panic());
    }
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n[[costs]]\ndate = 2026-01-05\namount = 79228162514264337593543950335\n",
    );
    check_fails(ws.path()).has(
        "accounts/a.toml:6:10: error: the amount 79228162514264337593543950335 is beyond what kam reads",
    );
}

#[test]
fn decimal_overflow_from_kam_log_value_is_refused() {
    let ws = TempWorkspace::new(ISO);
    ws.write("accounts/a.toml", b"name = \"A\"\n");
    kam_in(ws.path())
        .args(["log", "a", "service", "--name", "x", "--value", "79228162514264337593543950335"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is beyond what kam reads: amounts must be below 10^15"));
    assert_eq!(fs::read_to_string(ws.path().join("accounts/a.toml")).unwrap(), "name = \"A\"\n");
}

// 2. Unterminated quotes.

#[test]
fn unterminated_quote_at_the_end_of_the_file_is_an_error_naming_its_line() {
    let ws = TempWorkspace::new(ISO);
    ws.write(
        "sales/s.csv",
        b"date,customer,revenue,note\n2026-01-05,C1,100,\"tools\n2026-01-06,C1,200,x\n2026-01-07,C1,300,y\n",
    );
    check_fails(ws.path()).has_line(
        "sales/s.csv:2: error: unterminated quote: a quote opened on this line is never closed, so the 2 lines after it would be read as one field; close the quote or remove it",
    );
    kam_in(ws.path()).arg("margin").assert().code(1).stdout("");
}

#[test]
fn unterminated_quote_closed_rows_later_names_where_it_opened() {
    let ws = TempWorkspace::new(ISO);
    ws.write(
        "sales/s.csv",
        b"date,customer,revenue,note\n2026-01-05,C1,100,\"tools\n2026-01-06,C1,200,x\n2026-01-07,C1,300,\"y\"\n",
    );
    check_fails(ws.path()).has_line(
        "sales/s.csv:2: error: a quoted field opened on this line holds a line that looks like a row of the export, 1 line further down: is a closing quote missing here?",
    );
    ws.write("sales/s.csv", b"date,customer,revenue,note\n2026-01-05,C1,100,\"to\nols\",extra\n");
    check_fails(ws.path()).has_line(
        "sales/s.csv:2: error: expected 4 fields as in the header, found 5; the quote opened on this line closes only 1 line further down: is a closing quote missing here?",
    );
}

#[test]
fn unterminated_quote_running_over_a_hundred_lines_is_an_error() {
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue,note\n2026-01-05,C1,100,\"tools\n");
    for _ in 0..150 {
        csv.push_str("more text\n");
    }
    csv.push_str("end\"\n2026-01-06,C1,200,x\n");
    ws.write("sales/s.csv", csv.as_bytes());
    check_fails(ws.path())
        .has("sales/s.csv:2: error: a quoted field opened on this line runs over 151 line ends");
}

// 3. and 4. `-o` onto an input, a device, a pipe.

fn demo_like() -> TempWorkspace {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,100\n");
    ws.write("accounts/acme.toml", b"name = \"Acme\"\ncustomer_ids = [\"C1\"]\n");
    ws
}

#[test]
fn output_onto_an_input_is_refused() {
    let ws = demo_like();
    for target in ["sales/s.csv", "accounts/acme.toml", "kam.toml", "./sales/../sales/s.csv"] {
        let before = fs::read(ws.path().join(target)).unwrap();
        kam_in(ws.path())
            .args(["margin", "-o", target])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("-o {target} would overwrite")))
            .stderr(predicate::str::contains("which this command reads; choose another file"));
        assert_eq!(fs::read(ws.path().join(target)).unwrap(), before, "{target} changed");
    }
    kam_in(ws.path()).args(["check", "-o", "kam.toml"]).assert().code(2);
    kam_in(ws.path()).args(["brief", "acme", "-o", "accounts/acme.toml"]).assert().code(2);
}

#[cfg(unix)]
#[test]
fn output_onto_a_device_or_pipe_is_written_to_not_replaced() {
    let ws = demo_like();
    kam_in(ws.path()).args(["margin", "-o", "/dev/null"]).assert().success();
    assert!(!fs::metadata("/dev/null").unwrap().is_file());
    // A named pipe with a reader: the report arrives through it, and the pipe stays a pipe.
    let fifo = ws.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    kam_in(ws.path()).args(["margin", "--format", "csv", "-o", "pipe"]).assert().success();
    let text = reader.join().unwrap();
    assert!(text.starts_with("account,"), "{text}");
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_file_and_keeps_the_link() {
    use std::os::unix::fs::PermissionsExt;
    let ws = demo_like();
    ws.write("reports/real.md", b"old");
    fs::set_permissions(ws.path().join("reports/real.md"), fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("reports/real.md", ws.path().join("latest.md")).unwrap();
    kam_in(ws.path()).args(["margin", "-o", "latest.md"]).assert().success();
    assert!(fs::symlink_metadata(ws.path().join("latest.md")).unwrap().file_type().is_symlink());
    let real = ws.path().join("reports/real.md");
    assert!(fs::read_to_string(&real).unwrap().contains("| Key account"));
    assert_eq!(fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn output_into_a_missing_folder_names_the_folder() {
    let ws = demo_like();
    kam_in(ws.path())
        .args(["margin", "-o", "nope/r.md"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error: cannot write nope/r.md: the folder nope does not exist"));
}

#[test]
fn output_format_follows_the_file_extension() {
    let ws = demo_like();
    kam_in(ws.path()).args(["margin", "-o", "r.csv"]).assert().success();
    assert!(fs::read_to_string(ws.path().join("r.csv")).unwrap().starts_with("account,"));
    kam_in(ws.path()).args(["margin", "-o", "r.json"]).assert().success();
    assert!(fs::read_to_string(ws.path().join("r.json")).unwrap().starts_with('{'));
    kam_in(ws.path()).args(["margin", "-o", "r.csv", "--format", "md"]).assert().success();
    assert!(fs::read_to_string(ws.path().join("r.csv")).unwrap().contains("| Key account"));
}

// 5. Exports skipped or read twice.

#[cfg(unix)]
#[test]
fn exports_behind_dangling_or_looping_symlinks_are_errors() {
    let ws = demo_like();
    std::os::unix::fs::symlink("gone.csv", ws.path().join("sales/dangling.csv")).unwrap();
    std::os::unix::fs::symlink("loop.csv", ws.path().join("sales/loop.csv")).unwrap();
    check_fails(ws.path())
        .has_line("sales/dangling.csv: error: is a symbolic link to gone.csv whose file does not exist; matched by `sales/*.csv` (from [workspace] sales in kam.toml)")
        .has_line("sales/loop.csv: error: is a symbolic link in a loop (it leads back to itself); matched by `sales/*.csv` (from [workspace] sales in kam.toml)");
    kam_in(ws.path())
        .args(["check", "--sales", "sales/loop.csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("sales/loop.csv: error: is a symbolic link in a loop"));
}

#[test]
fn exports_named_twice_are_read_once_with_a_warning() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\", \"sales/../sales/s.csv\"]\n");
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,100\n");
    check_passes(ws.path())
        .has_line("sales/../sales/s.csv: warning: `sales/../sales/s.csv` names sales/s.csv again (matched by `sales/*.csv` already); it is read once (from [workspace] sales in kam.toml)")
        .has("1 export with 1 row");
    let total = common::json(ws.path(), &["margin", "--by", "customer"]);
    assert_eq!(total["total"]["net_revenue"].as_f64(), Some(100.0));
}

// 6. Duplicate headers.

#[test]
fn duplicate_headers_are_errors_naming_the_header() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue,revenue\n2026-01-05,C1,100,200\n");
    check_fails(ws.path()).has_line(
        "sales/s.csv:1: column \"revenue\": error: the header names this column 2 times (columns 3, 4), and it is read as `revenue`: rename all but one",
    );
    ws.write("sales/s.csv", b"date,customer,customer,revenue\n2026-01-05,C1,C2,100\n");
    check_fails(ws.path())
        .has("column \"customer\": error: the header names this column 2 times (columns 2, 3)");
}

#[test]
fn one_header_mapped_to_two_fields_is_an_error_in_kam_toml() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n\n[import.columns]\ndate = \"date\"\ncustomer = \"date\"\nrevenue = \"revenue\"\n",
    );
    ws.write("sales/s.csv", b"date,revenue\n2026-01-05,100\n");
    check_fails(ws.path()).has_line(
        "kam.toml:4:1: error: [import.columns] maps both `date` and `customer` to the column \"date\"; each field needs its own column",
    );
}

// 7. Two-digit years.

#[test]
fn two_digit_years_with_percent_upper_y_are_errors() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n[import]\ndelimiter = \";\"\ndecimal_mark = \",\"\ndate_format = \"%d.%m.%Y\"\n",
    );
    ws.write("sales/s.csv", b"date;customer;revenue\n16.01.26;C1;100\n17.01.2026;C1;100\n");
    check_fails(ws.path()).has(
        "sales/s.csv:2: column \"date\": error: \"16.01.26\" is read as the year 26 with date_format \"%d.%m.%Y\"; %Y takes the year with four digits (2026), %y with two (26)",
    );
}

// 8. Broken pipe.

#[cfg(unix)]
#[test]
fn broken_pipe_ends_quietly_in_every_format() {
    use std::io::Read;
    use std::process::Stdio;
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue\n");
    for c in 0..20_000 {
        csv.push_str(&format!("2026-01-05,C{c},100\n"));
    }
    ws.write("sales/s.csv", csv.as_bytes());
    let bin = assert_cmd::cargo::cargo_bin("kam");
    for args in [
        &["margin", "--by", "customer", "--format", "csv"][..],
        &["margin", "--by", "customer"],
        &["margin", "--by", "customer", "--format", "json"],
        &["abc", "--format", "csv"],
        &["retention", "--cohorts", "--format", "csv"],
    ] {
        let mut child = std::process::Command::new(&bin)
            .current_dir(ws.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

// 9. Every problem in one run.

#[test]
fn check_lists_every_problem_of_a_dossier() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,100\n");
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\nownr = \"Anna\"\n\n[[satisfaction]]\ndate = 2026-01-05\nscore = 11\n\n[[complaints]]\nopened = 2026-03-01\nclosed = 2026-02-01\n",
    );
    let run = check_fails(ws.path());
    run.has("accounts/a.toml:2:1: error: unknown key `ownr`; did you mean `owner`?")
        .has("accounts/a.toml:6:")
        .has("accounts/a.toml:10:");
    assert!(run.summary().starts_with("check failed: 3 errors"), "{}", run.stderr);
}

#[test]
fn check_lists_every_problem_of_kam_toml_and_still_reads_the_exports() {
    let ws = TempWorkspace::new("[workspace]\nlanguage = \"fr\"\ncurrency = 5\n");
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,many\n");
    check_fails(ws.path())
        .has("kam.toml:2:12: error: unknown language \"fr\"")
        .has("kam.toml:3:12: error: wrong type")
        .has("sales/s.csv:2: column \"revenue\": error: cannot read \"many\"");
    let ws = TempWorkspace::new("[retention]\ninactive_after_months = 0\n");
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,many\n");
    check_fails(ws.path())
        .has("kam.toml:2:25: error: inactive_after_months must be a whole number of months from 1 to 120, found 0")
        .has("sales/s.csv:2: column \"revenue\": error: cannot read \"many\"");
}

#[test]
fn check_counts_the_problems_it_does_not_list() {
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue\n");
    for _ in 0..120 {
        csv.push_str("2026-01-05,C1,x\n2026-01-05,C1,y\n");
    }
    let mut csv2 = String::from("date,customer,revenue,cost\n");
    for _ in 0..120 {
        csv2.push_str("2026-01-05,C1,x,y\n");
    }
    ws.write("sales/s.csv", csv2.as_bytes());
    let run = check_fails(ws.path());
    run.has_line("sales/s.csv: error: 190 more problems in this file are not listed");
    assert!(run.summary().starts_with("check failed: 240 errors"), "{}", run.summary());
    let _ = csv;
}

// 10. Settings that cannot work.

#[test]
fn missing_accounts_folder_is_an_error_at_its_line() {
    let ws = TempWorkspace::new("[workspace]\naccounts_dir = \"acounts\"\nsales = []\n");
    ws.write("accounts/a.toml", b"name = \"A\"\n");
    check_fails(ws.path()).has_line(
        "kam.toml:2:16: error: the accounts folder \"acounts\" does not exist; create it (kam new does) or correct accounts_dir",
    );
}

#[test]
fn delimiter_equal_to_the_decimal_mark_is_an_error() {
    let ws =
        TempWorkspace::new("[workspace]\nsales = []\n[import]\ndelimiter = \",\"\ndecimal_mark = \",\"\n");
    check_fails(ws.path())
        .has("kam.toml:4:13: error: the delimiter (\",\" unless set) and the decimal mark are both \",\"");
    let ws = TempWorkspace::new("[workspace]\nsales = []\n[import]\ndecimal_mark = \",\"\n");
    check_fails(ws.path())
        .has("kam.toml:4:16: error: the delimiter (\",\" unless set) and the decimal mark are both \",\"");
}

// 11. Date formats with a time of day.

#[test]
fn date_formats_with_a_time_of_day_are_accepted() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n[import]\ndate_format = \"%Y-%m-%d %H:%M:%S\"\n",
    );
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05 08:15:00,C1,100\n2026-01-06,C1,5\n");
    check_passes(ws.path()).has("1 export with 2 rows");
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n[import]\ndelimiter = \";\"\ndecimal_mark = \",\"\ndate_format = \"%d.%m.%Y %H:%M\"\n",
    );
    ws.write("sales/s.csv", b"date;customer;revenue\n05.01.2026 08:15;C1;100,50\n");
    check_passes(ws.path()).has("1 export with 1 row");
}

// 12. Raw TOML messages.

#[test]
fn unquoted_german_date_in_a_dossier_is_explained() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    ws.write("accounts/a.toml", b"name = \"A\"\n\n[profile]\nsince = 14.03.2019\n");
    check_fails(ws.path())
        .has_line("accounts/a.toml:4:9: error: `since = 14.03.2019` is not a TOML date: dates in dossiers are written 2019-03-14 (year-month-day, without quotes)")
        .lacks("invalid float");
    ws.write("accounts/a.toml", b"name = \"A\"\nowner = Anna Berg\n");
    check_fails(ws.path()).has("`owner = Anna Berg`: text is written in quotes, owner = \"Anna Berg\"");
}

// 13. Whole columns, misspelt headers, the wrong delimiter.

#[test]
fn wrong_date_format_for_a_whole_column_is_one_error_with_advice() {
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue\n");
    for d in 1..=28 {
        csv.push_str(&format!("11/{d}/2016,C1,100\n"));
    }
    ws.write("sales/s.csv", csv.as_bytes());
    let run = check_fails(ws.path());
    run.has_line(
        "sales/s.csv:2: column \"date\": error: no date of the column matches date_format \"%Y-%m-%d\" (all 28 rows, like \"11/1/2016\" on this line); the values look like 11/1/2016: try date_format = \"%m/%d/%Y\"",
    );
    assert_eq!(run.problems().len(), 1, "{}", run.stderr);
}

#[test]
fn a_header_in_one_field_suggests_the_delimiter() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date;customer;revenue\n2026-01-05;C1;100\n");
    check_fails(ws.path()).has_line(
        "sales/s.csv:1: error: the header is one column \"date;customer;revenue\": it looks separated by \";\"; set delimiter = \";\" (or \"auto\") under [import] in kam.toml",
    );
}

// 14. Encodings, line ends, control characters.

#[test]
fn utf16_without_byte_order_mark_is_read() {
    let ws = TempWorkspace::new(ISO);
    let text = "date,customer,revenue\n2026-01-05,Müller,100\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    ws.write("sales/s.csv", &bytes);
    check_passes(ws.path()).has("1 export with 1 row");
}

#[test]
fn carriage_returns_alone_count_as_line_ends() {
    let ws = TempWorkspace::new(ISO);
    ws.write(
        "sales/s.csv",
        b"date,customer,revenue\r2026-01-05,C1,100\r2026-01-06,C1,x\r\n2026-01-07,C1,y\n",
    );
    check_fails(ws.path())
        .has("sales/s.csv:3: column \"revenue\": error: cannot read \"x\"")
        .has("sales/s.csv:4: column \"revenue\": error: cannot read \"y\"");
}

#[test]
fn control_characters_in_text_cells_are_errors() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C\x001,100\n");
    check_fails(ws.path()).has_line(
        "sales/s.csv:2: column \"customer\": error: the cell holds the control character 0x00 at position 2: a damaged or binary export?",
    );
}

// 15. The default glob.

#[test]
fn default_sales_glob_reads_gzip_exports_too() {
    let ws = TempWorkspace::new("[workspace]\nname = \"x\"\n");
    ws.write("sales/a.csv", b"date,customer,revenue\n2026-01-05,C1,100\n");
    ws.write("sales/b.csv.gz", &common::gzip(b"date,customer,revenue\n2026-01-06,C1,50\n"));
    check_passes(ws.path()).has("2 exports with 2 rows");
}

// 16. Editing.

#[cfg(unix)]
#[test]
fn kam_log_refuses_a_read_only_dossier() {
    use std::os::unix::fs::PermissionsExt;
    let ws = TempWorkspace::new(ISO);
    ws.write("accounts/a.toml", b"name = \"A\"");
    let path = ws.path().join("accounts/a.toml");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    kam_in(ws.path())
        .args(["log", "a", "event", "--text", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: accounts/a.toml is read-only; make it writable (chmod u+w) to edit it. Nothing was written",
        ));
    assert_eq!(fs::read_to_string(&path).unwrap(), "name = \"A\"");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    // No final line end stays none; a temporary file a killed edit left is removed.
    ws.write("accounts/.kam-edit-XYZ.tmp", b"half");
    kam_in(ws.path()).args(["log", "a", "event", "--text", "x", "--date", "2026-01-05"]).assert().success();
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text, "name = \"A\"\n\n[[events]]\ndate = 2026-01-05\ntext = \"x\"");
    assert!(!ws.path().join("accounts/.kam-edit-XYZ.tmp").exists());
}

#[test]
fn fuzz_finding_closing_a_complaint_before_it_was_opened_is_refused() {
    let ws = TempWorkspace::new(ISO);
    ws.write("accounts/a.toml", b"name = \"A\"\n\n[[complaints]]\nopened = 2826-01-05\nsubject = \"late\"\n");
    kam_in(ws.path())
        .args(["log", "a", "complaint", "--close-latest", "--date", "2026-11-23"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "accounts/a.toml:5:10: error: complaint closed on 2026-11-23 before it was opened on 2826-01-05",
        ));
    let text = fs::read_to_string(ws.path().join("accounts/a.toml")).unwrap();
    assert!(!text.contains("closed"), "{text}");
}

// 17. `kam check` output.

#[test]
fn check_writes_json_and_files() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue\n2026-01-05,C1,x\n");
    let out = kam_in(ws.path()).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["errors"], 1);
    let p = &json["problems"][0];
    assert_eq!(
        (p["severity"].as_str(), p["file"].as_str(), p["line"].as_u64()),
        (Some("error"), Some("sales/s.csv"), Some(2))
    );
    assert_eq!(p["header"], "revenue");
    kam_in(ws.path()).args(["check", "-o", "check.txt"]).assert().code(1);
    let text = fs::read_to_string(ws.path().join("check.txt")).unwrap();
    assert!(text.starts_with("sales/s.csv:2: column \"revenue\": error:"), "{text}");
    assert!(
        text.ends_with("check failed: 1 error, 0 warnings (0 accounts, 1 export with 1 row)\n"),
        "{text}"
    );
    check_with(ws.path(), &["--format", "csv"], 2);
}

// 18. Small ones at the command line.

#[test]
fn command_line_small_ones() {
    let ws = demo_like();
    ws.write("accounts/beta.toml", b"name = \"B\"\n");
    kam_in(ws.path()).args(["margin", "--account", "acme,beta"]).assert().success();
    kam_in(ws.path()).args(["margin", "--from", "2026-01", "--to", "2026-01"]).assert().success();
    kam_in(ws.path())
        .args(["margin", "--by", "account,account"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("account").and(predicate::str::contains("twice")));
    kam_in(ws.path())
        .args(["margin", "--by", "account,customer,owner,category,product,account"])
        .assert()
        .code(2)
        .stderr(no_panic());
    kam_in(ws.path())
        .args(["brief", "acm"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(
                "error: no account `acm`; did you mean `acme`?. Known accounts: acme, beta",
            )
            .not(),
        )
        .stderr(predicate::str::contains(
            "error: no account `acm`; did you mean `acme`? Known accounts: acme, beta",
        ));
    kam_in(ws.path())
        .args(["log", "acme", "action", "--title", "x", "--probability", "50%"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected a number without \"%\", found \"50%\": for 50 %, write 0.5",
        ));
}

#[test]
fn manual_pages_show_every_option_and_the_id_of_kam_log() {
    let dir = tempfile::tempdir().unwrap();
    kam_in(dir.path()).args(["man", "--out-dir", "man"]).assert().success();
    let page = |name: &str| fs::read_to_string(dir.path().join("man").join(name)).unwrap();
    assert!(page("kam.1").contains(r"[\fB\-C\fR|\fB\-\-directory\fR]"), "{}", page("kam.1"));
    assert!(page("kam-log-meeting.1").contains(r"\fBkam log <ID> meeting\fR"));
    assert!(!dir.path().join("man/kam-help.1").exists());
}

#[test]
fn kam_init_takes_the_currency() {
    let dir = tempfile::tempdir().unwrap();
    kam_in(dir.path()).args(["init", "ws", "--currency", "CHF"]).assert().success();
    let config = fs::read_to_string(dir.path().join("ws/kam.toml")).unwrap();
    assert!(config.contains("currency = \"CHF\""), "{config}");
    check_with(&dir.path().join("ws"), &[], 0);
}

#[cfg(unix)]
#[test]
fn kam_log_as_root_keeps_the_owner_of_the_dossier() {
    use std::os::unix::fs::MetadataExt;
    let ws = TempWorkspace::new(ISO);
    ws.write("accounts/a.toml", b"name = \"A\"\n");
    let path = ws.path().join("accounts/a.toml");
    if std::os::unix::fs::chown(&path, Some(4242), Some(4242)).is_err() {
        common::skipped("changing a file's owner needs root");
        return;
    }
    kam_in(ws.path()).args(["log", "a", "event", "--text", "x"]).assert().success();
    let m = fs::metadata(&path).unwrap();
    assert_eq!((m.uid(), m.gid()), (4242, 4242));
}

#[test]
fn deeply_nested_toml_is_reported_at_its_line() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    let deep = format!("name = \"A\"\n\nx{} = 1\n", ".x".repeat(5000));
    ws.write("accounts/a.toml", deep.as_bytes());
    check_fails(ws.path()).has_line(
        "accounts/a.toml:3:1: error: nested 5000 levels deep, more than TOML files are read with; no kam file nests beyond a few levels",
    );
}

// 15. Warnings a KAM needs.

#[test]
fn warnings_for_owners_in_two_spellings_twin_contacts_and_deduction_rates() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n\n[import.columns]\ndate = \"date\"\ncustomer = \"customer\"\nrevenue = \"revenue\"\ndeductions = \"Rabatt\"\n",
    );
    let mut csv = String::from("date,customer,revenue,Rabatt\n");
    for d in 1..=6 {
        csv.push_str(&format!("2026-01-0{d},C1,100,0.05\n"));
    }
    ws.write("sales/s.csv", csv.as_bytes());
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\nowner = \"Anna Berg\"\n\n[[contacts]]\nname = \"Eva Klein\"\n\n[[contacts]]\nname = \"Eva Klein\"\n",
    );
    ws.write("accounts/b.toml", b"name = \"B\"\ncustomer_ids = [\"C2\"]\nowner = \"anna berg\"\n");
    check_passes(ws.path())
        .has_line("accounts/b.toml: warning: owner \"anna berg\" differs only in case from \"Anna Berg\" in accounts/a.toml; the KPI report counts them as two people")
        .has_line("accounts/a.toml: warning: two [[contacts]] are named \"Eva Klein\"; attendees and reports_to cannot tell them apart")
        .has_line("warning: every value of the deductions column \"Rabatt\" lies between 0 and 1: is it a discount rate rather than an amount? kam subtracts it from the revenue as an amount");
}

// Found in review.

#[test]
fn check_output_never_overwrites_a_dossier_that_does_not_load() {
    let ws = demo_like();
    ws.write("accounts/broken.toml", b"name = \"Broken\"\nscore = \n");
    let before = fs::read(ws.path().join("accounts/broken.toml")).unwrap();
    kam_in(ws.path()).args(["check", "-o", "accounts/broken.toml"]).assert().code(2);
    assert_eq!(fs::read(ws.path().join("accounts/broken.toml")).unwrap(), before);
    // Also when kam.toml has an error in [import] and nothing else can be loaded.
    ws.write("kam.toml", b"[workspace]\nsales = [\"sales/*.csv\"]\n[import]\ndelimiter = \"xx\"\n");
    kam_in(ws.path()).args(["check", "-o", "accounts/acme.toml"]).assert().code(2);
    kam_in(ws.path()).args(["check", "-o", "sales/s.csv"]).assert().code(2);
}

#[test]
fn an_open_quote_in_the_header_is_an_error() {
    let ws = TempWorkspace::new(ISO);
    ws.write("sales/s.csv", b"date,customer,revenue,\"note\n2026-01-05,C1,100,x\n2026-01-06,C1,200,y\n");
    check_fails(ws.path()).has_line(
        "sales/s.csv:1: error: a quote in the header is never closed, so the whole file would be read as the header: close it on the header line or remove it",
    );
}

#[cfg(unix)]
#[test]
fn a_closed_stderr_is_no_panic() {
    use std::process::Stdio;
    let ws = TempWorkspace::new(ISO);
    let mut csv = String::from("date,customer,revenue\n");
    for _ in 0..3000 {
        csv.push_str("2026-01-05,C1,x\n");
    }
    ws.write("sales/s.csv", csv.as_bytes());
    for args in [&["check"][..], &["margin"]] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kam"))
            .current_dir(ws.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}");
    }
}

#[test]
fn years_out_of_range_are_usage_errors() {
    let ws = demo_like();
    for args in [
        &["brief", "acme", "--year", "2147483647"][..],
        &["brief", "acme", "--year=-2147483648"],
        &["margin", "--to", "262143-12"],
        &["kpi", "--month", "99999-01"],
    ] {
        kam_in(ws.path()).args(args).assert().code(2).stderr(no_panic());
    }
}

#[test]
fn kam_new_creates_a_missing_accounts_folder_that_kam_toml_names() {
    let dir = tempfile::tempdir().unwrap();
    kam_in(dir.path()).args(["init", "ws"]).assert().success();
    let ws = dir.path().join("ws");
    fs::remove_dir_all(ws.join("accounts")).unwrap();
    check_fails(&ws).has("kam.toml:9:16: error: the accounts folder \"accounts\" does not exist");
    kam_in(&ws).args(["new", "acme", "--name", "Acme"]).assert().success();
    assert!(ws.join("accounts/acme.toml").is_file());
}

#[test]
fn a_quoted_address_over_several_lines_is_no_swallowed_row() {
    let ws = TempWorkspace::new(ISO);
    ws.write(
        "sales/s.csv",
        b"date,customer,revenue,note\n2026-01-05,C1,100,\"Attn: purchasing\nMain St 5, 12345 Berlin, Germany, EU\"\n",
    );
    check_passes(ws.path()).has("1 export with 1 row");
}

#[test]
fn a_compressed_copy_beside_its_export_is_read_once_and_a_hard_link_too() {
    let ws = TempWorkspace::new("[workspace]\nname = \"x\"\n");
    let csv = b"date,customer,revenue\n2026-01-05,C1,100\n";
    ws.write("sales/s.csv", csv);
    ws.write("sales/s.csv.gz", &common::gzip(csv));
    check_passes(ws.path())
        .has_line("sales/s.csv.gz: warning: is sales/s.csv compressed, byte for byte; it is read once (from the default sales)")
        .has("1 export with 1 row");
    ws.write("sales/s.csv.gz", &common::gzip(b"date,customer,revenue\n2026-01-06,C1,50\n"));
    check_passes(ws.path())
        .has("its name says it is sales/s.csv compressed, but the two differ; both are read")
        .has("2 exports with 2 rows");
    fs::remove_file(ws.path().join("sales/s.csv.gz")).unwrap();
    fs::hard_link(ws.path().join("sales/s.csv"), ws.path().join("sales/t.csv")).unwrap();
    check_passes(ws.path()).has("names sales/s.csv again").has("1 export with 1 row");
}

#[test]
fn brief_output_is_markdown_whatever_the_file_is_called() {
    let ws = demo_like();
    kam_in(ws.path()).args(["brief", "acme", "-o", "acme.json"]).assert().success();
    assert!(fs::read_to_string(ws.path().join("acme.json")).unwrap().starts_with('#'));
}

#[test]
fn the_sniffed_delimiter_reads_carriage_return_files() {
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"sales/*.csv\"]\n[import]\ndelimiter = \"auto\"\ndecimal_mark = \",\"\n",
    );
    ws.write("sales/s.csv", b"date;customer;revenue\r2026-01-05;M, H, GmbH;1,5\r2026-01-06;C1;2\r");
    check_passes(ws.path()).has("1 export with 2 rows");
}

#[test]
fn a_broken_dossier_is_counted_and_its_customers_not_called_unassigned_without_a_word() {
    let ws = demo_like();
    ws.write("accounts/acme.toml", b"name = \"Acme\"\ncustomer_ids = [\"C1\"]\nscore = 3\n");
    check_fails(ws.path())
        .has("1 export customer belongs to no account (1 dossier did not load: some may be its customers)")
        .has("(1 account, 1 export with 1 row)");
}
