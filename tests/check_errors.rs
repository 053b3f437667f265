//! `kam check` on bad input: every error names the file and the line and column (TOML) or the
//! line and column header (CSV), shows the raw value or what was expected, exits with 1, writes
//! nothing to stdout and does not panic.

mod common;

use common::{TempWorkspace, check_fails, check_with, fixture, gzip};

// 1. Malformed TOML.

#[test]
fn malformed_kam_toml() {
    check_fails(&fixture("malformed-config"))
        .has_line("kam.toml:1:11: error: unclosed table, expected `]`")
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 0 exports with 0 rows)");
}

#[test]
fn malformed_dossiers() {
    let run = check_fails(&fixture("malformed-dossier"));
    run.has_line("accounts/nordwind.toml:3:1: error: missing comma between array elements, expected `,`")
        .has_line("accounts/suedwind.toml:1:19: error: invalid basic string, expected `\"`")
        .summary_is("check failed: 2 errors, 0 warnings (2 accounts, 0 exports with 0 rows)");
}

// 2. Wrong types.

#[test]
fn wrong_types_in_dossiers() {
    check_fails(&fixture("wrong-type"))
        .has_line("accounts/nordwind.toml:2:9: error: wrong type: found integer `42`, expected a string")
        .has_line(
            "accounts/suedwind.toml:2:16: error: wrong type: found string \"10042\", expected an array like [\"a\", \"b\"]",
        )
        .summary_is("check failed: 2 errors, 0 warnings (2 accounts, 0 exports with 0 rows)");
}

#[test]
fn wrong_types_in_kam_toml() {
    check_fails(&fixture("wrong-type-config")).has_line(
        "kam.toml:2:9: error: wrong type: found string \"sales/*.csv\", expected an array like [\"a\", \"b\"]",
    );
    check_fails(&fixture("wrong-type-months"))
        .has_line("kam.toml:5:25: error: wrong type: found string \"3\", expected a whole number");
}

#[test]
fn wrong_types_speak_toml_not_rust() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    ws.write("accounts/a.toml", b"name = \"A\"\nprofile = 3\n");
    check_fails(ws.path())
        .has_line("accounts/a.toml:2:11: error: wrong type: found integer `3`, expected a table")
        .lacks("struct")
        .lacks("u32");
    ws.write("accounts/a.toml", b"name = \"A\"\n\n[credit]\ndso_days = -5\n");
    check_fails(ws.path()).has_line(
        "accounts/a.toml:4:12: error: invalid value: found integer `-5`, expected a whole number from 0 to 4294967295",
    );
    ws.write("accounts/a.toml", b"name = \"A\"\n\n[[meetings]]\ndate = 2026-01-05\nkind = \"vist\"\n");
    check_fails(ws.path()).has_line(
        "accounts/a.toml:5:8: error: unknown value \"vist\"; expected one of \"visit\", \"call\", \"video\", \"annual-review\", \"event\" (did you mean \"visit\"?)",
    );
}

// 3. Impossible dates.

#[test]
fn impossible_dates_in_a_dossier_and_a_german_export() {
    check_fails(&fixture("impossible-date"))
        .has_line(
            "accounts/nordwind.toml:3:9: error: invalid date 2023-02-31, expected day between 01 and 28",
        )
        .has_line(
            "sales/umsatz-2023.csv:3: column \"Datum\": error: \"31.02.2023\" is not a day of the calendar",
        )
        // The dossier could not be read, so its customer belongs to no account.
        .summary_is("check failed: 2 errors, 1 warning (1 account, 1 export with 2 rows)");
}

#[test]
fn impossible_date_written_as_a_string() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    ws.write("accounts/a.toml", b"name = \"A\"\n\n[[meetings]]\ndate = \"2026-02-29\"\nkind = \"call\"\n");
    check_fails(ws.path())
        .has_line("accounts/a.toml:4:8: error: \"2026-02-29\" is not a day of the calendar");
    ws.write("accounts/a.toml", b"name = \"A\"\nsince = \"14.03.2026\"\n");
    check_fails(ws.path())
        .has_line("accounts/a.toml:2:9: error: expected a date like 2026-03-14, found \"14.03.2026\"");
}

// 4. Unknown keys, with the closest valid key suggested.

#[test]
fn unknown_key_in_kam_toml() {
    check_fails(&fixture("unknown-key-config"))
        .has_line("kam.toml:2:1: error: unknown key `nmae`; did you mean `name`?")
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 0 exports with 0 rows)");
}

#[test]
fn unknown_key_in_a_dossier() {
    check_fails(&fixture("unknown-key-dossier"))
        .has_line("accounts/nordwind.toml:1:1: error: unknown key `nmae`; did you mean `name`?")
        .summary_is("check failed: 1 error, 0 warnings (1 account, 0 exports with 0 rows)");
}

#[test]
fn unknown_table_and_far_off_key() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n\n[imports]\ndelimiter = \";\"\n");
    check_fails(ws.path()).has_line("kam.toml:4:2: error: unknown key `imports`; did you mean `import`?");
    let ws = TempWorkspace::new("[import.columns]\ndate = \"Datum\"\nkunde = \"Kunde\"\n");
    check_fails(ws.path()).has_line(
        "kam.toml:3:1: error: unknown key `kunde`; expected one of `date`, `customer`, `revenue`, `quantity`, \
         `unit_price`, `deductions`, `cost`, `unit_cost`, `profit`, `invoice`, `product`, `category`",
    );
}

#[test]
fn incomplete_column_mapping_points_at_the_table() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n\n[import.columns]\ndate = \"Datum\"\n");
    check_fails(ws.path())
        .has_line("kam.toml:4:1: error: [import.columns] must map `date` and `customer`")
        .has_line("kam.toml:4:1: error: [import.columns] must map `revenue`, or `quantity` and `unit_price`");
}

// 5. Bad account ids.

#[test]
fn bad_account_ids() {
    check_fails(&fixture("bad-account-id"))
        .has_line(
            "accounts/Nordwind GmbH.toml: error: \"Nordwind GmbH\" is not a valid account id: use lower-case \
             letters, digits, \"-\" and \"_\" only (like \"nordwind-gmbh\")",
        )
        .has_line(
            "accounts/Upper.toml: error: \"Upper\" is not a valid account id: use lower-case letters, digits, \
             \"-\" and \"_\" only (like \"upper\")",
        )
        .lacks("good_one-2.toml: error")
        .summary_is("check failed: 2 errors, 3 warnings (3 accounts, 0 exports with 0 rows)");
}

// 6. One customer in two accounts.

#[test]
fn customer_in_two_accounts_names_both_places() {
    check_fails(&fixture("customer-in-two-accounts"))
        .has_line(
            "accounts/suedwind.toml:4:3: error: customer \"10043\" is already listed in account `nordwind` \
             (accounts/nordwind.toml:2:26); a customer belongs to one account",
        )
        .summary_is("check failed: 1 error, 0 warnings (2 accounts, 0 exports with 0 rows)");
}

// 7. A mapped header missing from an export.

#[test]
fn mapped_header_missing_from_an_export() {
    check_fails(&fixture("missing-header"))
        .has_line(
            "sales/export.csv:1: error: no column \"Kundennr\" (mapped to `customer` in [import.columns]); \
             the header has \"Belegdatum\", \"Kunde\", \"Umsatz\". Did you mean \"Kunde\"?",
        )
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 1 export with 0 rows)");
}

#[test]
fn canonical_headers_missing_without_a_mapping() {
    check_fails(&fixture("missing-header-default")).has_line(
        "sales/export.csv:1: error: no column \"customer\", \"revenue\" (or \"quantity\" and \"unit_price\") \
         in the header, which has \"Date\", \"Client\", \"Amount\"; name the export's headers in \
         [import.columns] of kam.toml",
    );
}

// 8. Unparsable amount, quantity and date, each with the raw value.

#[test]
fn unparsable_cells_show_the_raw_value() {
    let run = check_fails(&fixture("unparsable-cells"));
    run.has_line(
        "sales/umsatz.csv:3: column \"Umsatz\": error: cannot read \"1.2.3,4\" as an amount: \".\" separates \
         groups of three digits before the decimal mark \",\", like 1.234,56",
    )
    .has_line(
        "sales/umsatz.csv:4: column \"Menge\": error: cannot read \"zwei\" as a quantity: expected digits \
         with \",\" as decimal mark and an optional sign, like 1.234,56",
    )
    .has_line(
        "sales/umsatz.csv:5: column \"Datum\": error: cannot read \"2026-01-08\" as a date: expected the \
         format \"%d.%m.%Y\", like 31.01.2026",
    )
    .has_line(
        "sales/umsatz.csv:6: column \"Umsatz\": error: cannot read \"12.50\" as an amount: \".\" separates \
         groups of three digits before the decimal mark \",\", like 1.234,56",
    );
    // A header row in the middle of the data is named as such.
    assert_eq!(run.count("sales/umsatz.csv:7: column"), 3, "{}", run.stderr);
    run.has("(this is the column's header: was a header row read as data");
    // One error per bad cell: a bad amount is not also reported as missing.
    run.lacks("empty cell")
        .summary_is("check failed: 7 errors, 1 warning (0 accounts, 1 export with 6 rows)");
}

#[test]
fn empty_required_cells() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", b"date,customer,revenue\n,C1,10.00\n2026-01-05,C1,\n");
    check_fails(ws.path())
        .has_line("s.csv:2: column \"date\": error: expected a date, found an empty cell")
        .has_line("s.csv:3: column \"revenue\": error: expected an amount, found an empty cell")
        .summary_is("check failed: 2 errors, 0 warnings (0 accounts, 1 export with 2 rows)");
}

// 9. A row with the wrong number of fields.

#[test]
fn rows_with_the_wrong_number_of_fields() {
    check_fails(&fixture("wrong-field-count"))
        .has_line("sales/export.csv:3: error: expected 4 fields as in the header, found 3")
        .has_line("sales/export.csv:4: error: expected 4 fields as in the header, found 5")
        .summary_is("check failed: 2 errors, 1 warning (0 accounts, 1 export with 4 rows)");
}

// 10. Empty files.

#[test]
fn empty_export_of_zero_bytes() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("sales/empty.csv", b"");
    check_fails(ws.path())
        .has_line(
            "sales/empty.csv: error: the file is empty; expected a header line naming the columns, then one \
             line per sale",
        )
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 1 export with 0 rows)");
}

#[test]
fn export_of_whitespace_only() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("sales/blank.csv", b"  \r\n\n\t\n");
    check_fails(ws.path()).has_line(
        "sales/blank.csv: error: the file is empty; expected a header line naming the columns, then one \
         line per sale",
    );
    ws.write("sales/blank.csv", b"\xEF\xBB\xBF\n");
    check_fails(ws.path()).has("sales/blank.csv: error: the file is empty");
}

#[test]
fn empty_gzip_export() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv.gz\"]\n");
    ws.write("sales/empty.csv.gz", &gzip(b""));
    check_fails(ws.path()).has("sales/empty.csv.gz: error: the file is empty");
}

#[test]
fn empty_files_in_toml_are_read_with_defaults_or_named() {
    // An empty kam.toml means every default; an empty dossier lacks its name.
    let ws = TempWorkspace::new("");
    ws.write("accounts/nordwind.toml", b"");
    check_fails(ws.path())
        .has_line("accounts/nordwind.toml:1:1: error: missing key `name`")
        .summary_is("check failed: 1 error, 0 warnings (1 account, 0 exports with 0 rows)");
}

// 11. Invalid UTF-8.

#[test]
fn invalid_utf8_in_an_export_declared_utf8() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write(
        "sales/export.csv",
        b"date,customer,product,revenue\n2026-01-05,C1,Schraube,10.00\n2026-01-06,C1,M\xFCller-Mix,12.00\n",
    );
    check_fails(ws.path())
        .has_line(
            "sales/export.csv:3: error: invalid UTF-8 in this line: the file is declared utf-8; if the ERP \
             writes Windows-1252 (ANSI), set encoding = \"windows-1252\" under [import] in kam.toml",
        )
        .summary_is("check failed: 1 error, 1 warning (0 accounts, 1 export with 2 rows)");
}

#[test]
fn invalid_utf8_in_an_export_header() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("sales/export.csv", b"date;customer;Erl\xF6se\n2026-01-05;C1;10\n");
    check_fails(ws.path()).has("sales/export.csv:1: error: invalid UTF-8 in this line").has("windows-1252");
}

#[test]
fn invalid_utf8_in_a_dossier() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    ws.write("accounts/mueller.toml", b"name = \"M\xFCller KG\"\nowner = \"Anna Berg\"\n");
    check_fails(ws.path())
        .has_line("accounts/mueller.toml:1:10: error: invalid UTF-8: TOML files must be saved as UTF-8")
        .summary_is("check failed: 1 error, 0 warnings (1 account, 0 exports with 0 rows)");
}

#[test]
fn invalid_utf8_in_kam_toml() {
    let ws = TempWorkspace::new("");
    ws.write("kam.toml", b"[workspace]\nname = \"M\xFCller\"\n");
    check_fails(ws.path()).has_line("kam.toml:2:10: error: invalid UTF-8: TOML files must be saved as UTF-8");
}

// 12. A glob that matches no file.

#[test]
fn glob_in_kam_toml_matching_no_file() {
    check_fails(&fixture("glob-no-match"))
        .has_line("error: exports/*.csv: the pattern matches no file (from [workspace] sales in kam.toml)")
        // The other pattern is still read.
        .summary_is("check failed: 1 error, 1 warning (0 accounts, 1 export with 1 row)");
}

#[test]
fn glob_given_with_sales_matching_no_file() {
    let run = check_with(&fixture("glob-no-match"), &["--sales", "nothing/*.csv"], 1);
    run.has_line("error: nothing/*.csv: the pattern matches no file (from --sales)")
        // --sales replaces the patterns of kam.toml: their problem is not reported.
        .lacks("exports/*.csv")
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 0 exports with 0 rows)");
    check_with(&fixture("glob-no-match"), &["--sales", "missing.csv"], 1)
        .has_line("missing.csv: error: no such file (from --sales)");
}

// 13. Corrupt gzip.

#[test]
fn truncated_gzip_export() {
    let mut csv = String::from("date,customer,revenue\n");
    for i in 0..5000 {
        csv.push_str(&format!("2026-01-{:02},C{i},{}.{:02}\n", i % 28 + 1, i * 7 % 1000, i % 100));
    }
    let packed = gzip(csv.as_bytes());
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv.gz\"]\n");
    ws.write("sales/big.csv.gz", &packed[..packed.len() / 2]);
    let run = check_fails(ws.path());
    run.has("sales/big.csv.gz: error: corrupt or truncated gzip data")
        .has("the last one read whole)")
        .lacks("sales/big.csv.gz:1:");
    assert_eq!(run.count("error:"), 1, "{}", run.stderr);

    // Cut inside the gzip header's first block: nothing can be read.
    ws.write("sales/big.csv.gz", &packed[..20]);
    check_fails(ws.path()).has("sales/big.csv.gz: error: corrupt or truncated gzip data");
}

#[test]
fn plain_text_named_gz() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv.gz\"]\n");
    ws.write("sales/export.csv.gz", b"date,customer,revenue\n2026-01-05,C1,10.00\n");
    check_fails(ws.path())
        .has_line("sales/export.csv.gz: error: corrupt or truncated gzip data: invalid gzip header")
        .summary_is("check failed: 1 error, 0 warnings (0 accounts, 1 export with 0 rows)");
}

// 14. Every problem in one run.

#[test]
fn every_problem_is_listed_in_one_run() {
    let run = check_fails(&fixture("many-problems"));
    let expected = [
        "accounts/Epsilon.toml: error: \"Epsilon\" is not a valid account id: use lower-case letters, digits, \
         \"-\" and \"_\" only (like \"epsilon\")",
        "accounts/alpha.toml:3:9: error: wrong type: found integer `42`, expected a string",
        "accounts/beta.toml:3:9: error: invalid date 2023-02-31, expected day between 01 and 28",
        "accounts/gamma.toml:3:1: error: unknown key `segmnet`; did you mean `segment`?",
        "accounts/zeta.toml:5:19: error: share_of_wallet must be a fraction from 0 to 1 (0.45 for 45 %), found 45",
        "accounts/zeta.toml:2:17: error: customer \"C6\" is already listed in account `delta` \
         (accounts/delta.toml:2:23); a customer belongs to one account",
        "sales/2025.csv:3: column \"date\": error: \"2025-02-29\" is not a day of the calendar",
        "sales/2026.csv:3: column \"revenue\": error: cannot read \"abc\" as an amount: expected digits with \
         \".\" as decimal mark and an optional sign, like 1,234.56",
        "sales/2026.csv:4: column \"date\": error: \"2026-02-30\" is not a day of the calendar",
        "sales/2026.csv:5: error: expected 4 fields as in the header, found 3",
    ];
    for line in expected {
        run.has_line(line);
    }
    assert_eq!(run.count("error:"), expected.len(), "{}", run.stderr);
    // alpha.toml could not be read, so its customer C1 belongs to no account.
    run.has_line(
        "warning: 1 export customer belongs to no account (3 dossiers did not load: some may be their customers): 62.5% of net revenue (100.00 EUR); \
         `kam abc` lists the candidates",
    )
    .summary_is("check failed: 10 errors, 1 warning (6 accounts, 2 exports with 7 rows)");
}

#[test]
fn every_bad_key_of_kam_toml_in_one_run() {
    let run = check_fails(&fixture("many-problems-in-kam-toml"));
    let expected = [
        "kam.toml:2:8: error: wrong type: found integer `42`, expected a string",
        "kam.toml:6:1: error: unknown key `delimter`; did you mean `delimiter`?",
        "kam.toml:7:12: error: wrong type: found integer `1252`, expected a string",
        "kam.toml:9:2: error: unknown key `imports`; did you mean `import`?",
        "kam.toml:13:17: error: expected an amount like \"12000.50\" (\".\" as decimal mark), found \"5 %\"",
    ];
    assert_eq!(run.problems(), expected, "{}", run.stderr);
    run.summary_is("check failed: 5 errors, 0 warnings (0 accounts, 0 exports with 0 rows)");
}

#[test]
fn every_bad_key_of_a_dossier_in_one_run() {
    let run = check_fails(&fixture("many-problems-in-a-dossier"));
    let expected = [
        "accounts/nordwind.toml:3:9: error: wrong type: found an array, expected a string",
        "accounts/nordwind.toml:4:1: error: unknown key `segmnet`; did you mean `segment`?",
        "accounts/nordwind.toml:5:9: error: invalid date 2019-02-29, expected day between 01 and 28",
        "accounts/nordwind.toml:8:19: error: expected an amount like \"12000.50\" (\".\" as decimal mark), found \"45 %\"",
        "accounts/nordwind.toml:10:1: error: missing key `name`",
        "accounts/nordwind.toml:15:13: error: unknown value \"buyer\"; expected one of \"decision-maker\", \
         \"influencer\", \"user\", \"gatekeeper\"",
        "accounts/nordwind.toml:20:1: error: unknown key `sumary`; did you mean `summary`?",
        "accounts/nordwind.toml:24:7: error: expected a date like 2026-03-14, found \"30.09.2026\"",
    ];
    assert_eq!(run.problems(), expected, "{}", run.stderr);
    run.summary_is("check failed: 8 errors, 0 warnings (1 account, 0 exports with 0 rows)");
}

#[test]
fn dossiers_are_checked_even_when_kam_toml_is_broken() {
    let ws = TempWorkspace::new("[workspace]\naccounts_dir = \"kunden\"\nlanguage = \"de\"\nnmae = \"X\"\n");
    ws.write("kunden/nordwind.toml", b"name = \"Nordwind\"\ncustomer_ids = [\"10042\"]\n");
    ws.write("kunden/suedwind.toml", b"name = \"S\\u00fcdwind\"\ncustomer_ids = [\"10042\"]\nowner = 1\n");
    let run = check_fails(ws.path());
    assert_eq!(
        run.problems(),
        // The workspace is German: so are the messages, and the summary's numbers.
        [
            "kam.toml:4:1: Fehler: unbekannter Schlüssel `nmae`; meinten Sie `name`?",
            "kunden/suedwind.toml:3:9: Fehler: falscher Typ: gefunden ganze Zahl `1`, erwartet ein Text",
        ],
        "{}",
        run.stderr
    );
    run.summary_is(
        "Prüfung fehlgeschlagen: 2 Fehler, 0 Warnungen (2 Schlüsselkunden, 0 Exporte mit 0 Zeilen)",
    );
    // --lang chooses the language of the messages too.
    let en = common::kam().current_dir(ws.path()).args(["--lang", "en", "check"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&en.stderr)
            .contains("kam.toml:4:1: error: unknown key `nmae`; did you mean `name`?"),
        "{}",
        String::from_utf8_lossy(&en.stderr)
    );
    // A syntax error in kam.toml leaves the default accounts folder.
    let ws = TempWorkspace::new("[workspace\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"1\"]\n");
    ws.write("accounts/b.toml", b"name = \"B\"\ncustomer_ids = [\"1\"]\n");
    let run = check_fails(ws.path());
    assert_eq!(run.problems().len(), 2, "{}", run.stderr);
    run.has("accounts/b.toml:2:17: error: customer \"1\" is already listed in account `a`");
}

#[test]
fn no_follow_on_errors_from_a_bad_key() {
    let ws = TempWorkspace::new("[workspace]\nsales = []\n");
    // The misspelled `name` is not also reported as missing; a bad `name` neither.
    ws.write("accounts/a.toml", b"nmae = \"A\"\nowner = 42\n");
    let run = check_fails(ws.path());
    assert_eq!(
        run.problems(),
        [
            "accounts/a.toml:1:1: error: unknown key `nmae`; did you mean `name`?",
            "accounts/a.toml:2:9: error: wrong type: found integer `42`, expected a string",
        ],
        "{}",
        run.stderr
    );
    ws.write("accounts/a.toml", b"name = 42\n\n[[contacts]]\nname = \"Eva\"\nrole = 3\n");
    let run = check_fails(ws.path());
    assert_eq!(
        run.problems(),
        [
            "accounts/a.toml:1:8: error: wrong type: found integer `42`, expected a string",
            "accounts/a.toml:5:8: error: wrong type: found integer `3`, expected a string",
        ],
        "{}",
        run.stderr
    );
    // A key really missing is reported next to the other problems.
    ws.write("accounts/a.toml", b"owner = 42\n\n[[meetings]]\nkind = \"visit\"\n");
    let run = check_fails(ws.path());
    assert_eq!(
        run.problems(),
        [
            "accounts/a.toml:1:1: error: missing key `name`",
            "accounts/a.toml:1:9: error: wrong type: found integer `42`, expected a string",
            "accounts/a.toml:3:1: error: missing key `date`",
        ],
        "{}",
        run.stderr
    );
    // After a syntax error nothing more is sure.
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"1\"\nowner = 42\n");
    let run = check_fails(ws.path());
    assert_eq!(
        run.problems(),
        ["accounts/a.toml:3:1: error: missing comma between array elements, expected `,`"],
        "{}",
        run.stderr
    );
}

// Usage errors are not input errors.

#[test]
fn unknown_flag_is_a_usage_error() {
    check_with(&fixture("many-problems"), &["--no-such-flag"], 2).has("--no-such-flag");
}

#[test]
fn bad_kam_today_is_a_usage_error() {
    common::kam_in(&fixture("many-problems"))
        .env("KAM_TODAY", "15.06.2026")
        .arg("check")
        .assert()
        .code(2)
        .stdout(predicates::str::is_empty())
        .stderr(predicates::str::contains("KAM_TODAY=\"15.06.2026\" is not a date like"));
}
