//! `kam margin`, `kam abc` and `kam accounts`: every figure of SPEC 3.1 and 3.3 on small
//! hand-computed fixtures, the worked example of the spec, and the real Superstore export.

mod common;

use common::{fixture, json, json_eq, kam, shared_data, stdout};
use predicates::prelude::*;
use serde_json::{Value, json};

fn row<'a>(report: &'a Value, key: &str, value: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}: {report:#}"))
}

fn assert_figures(actual: &Value, expected: Value) {
    for (k, v) in expected.as_object().unwrap() {
        assert!(json_eq(&actual[k], v), "{k}: expected {v}, found {} in {actual:#}", actual[k]);
    }
}

#[test]
fn spec_example_margin_tables_match_the_worked_example() {
    let dir = fixture("spec-example");
    for (args, expected) in [
        (vec!["margin", "--by", "account", "--period", "year"], "margin-account-year.json"),
        (vec!["margin", "--by", "category"], "margin-category.json"),
        (vec!["margin", "--by", "owner", "--period", "quarter"], "margin-owner-quarter.json"),
        (vec!["abc", "--by", "customer"], "abc-customer.json"),
    ] {
        let actual = json(&dir, &args);
        let text = std::fs::read_to_string(dir.join("expected").join(expected)).unwrap();
        let expected: Value = serde_json::from_str(&text).unwrap();
        assert!(json_eq(&actual, &expected), "kam {args:?}\nexpected {expected:#}\nfound {actual:#}");
    }
}

/// tests/fixtures/margin-hand: twelve rows, each figure worked out by hand in the comments.
#[test]
fn every_figure_by_hand_with_unknown_cost() {
    let r = json(&fixture("margin-hand"), &["margin", "--by", "account", "--year", "2025"]);
    // K1 in 2025: gross 1000+500+200+100−100+200+100; deductions 100−10+5; costs: 600 (cost),
    // 5×40 (unit_cost), 200−50 and 100+20 (profit), −60 (return), 80, 60. Orders R1, R5 and two
    // purchase rows without invoice (the credit note G1 is no order); one visit (2025-03-10; the
    // call and the 2024 visit do not count); returns 90; [[costs]] 100 (the 2026 one is out of
    // range).
    assert_figures(
        row(&r, "account", "a"),
        json!({
            "gross_revenue": 2000.0, "deductions": 95.0, "net_revenue": 1905.0,
            "variable_costs": 1150.0, "db1": 755.0,
            "direct_costs": 188.0,  // 5×4 + 50×1 + 0.2×90 + 100
            "db2": 567.0, "overhead": 190.5, "db3": 376.5,
            "db1_rate": 0.3963, "db2_rate": 0.2976, "db3_rate": 0.1976,  // 567 / 1905, 376.5 / 1905
            "quantity": 20.0, "orders": 4, "returns": 90.0
        }),
    );
    // K2: one row without any cost data and no default_cost_rate: DB levels unknown.
    assert_figures(
        row(&r, "account", "b"),
        json!({
            "gross_revenue": 350.0, "net_revenue": 350.0, "variable_costs": null, "db1": null,
            "direct_costs": 5.0, "db2": null, "overhead": 35.0, "db3": null,
            "db1_rate": null, "db2_rate": null, "db3_rate": null, "orders": 1, "quantity": 4.0
        }),
    );
    // A row without a customer.
    assert_figures(
        row(&r, "account", "(unassigned)"),
        json!({"net_revenue": 100.0, "variable_costs": 70.0, "db1": 30.0, "direct_costs": 5.0, "db2": 25.0,
               "overhead": 10.0, "db3": 15.0, "db1_rate": 0.3, "db2_rate": 0.25, "db3_rate": 0.15, "orders": 1}),
    );
    assert_figures(
        &r["total"],
        json!({"gross_revenue": 2450.0, "deductions": 95.0, "net_revenue": 2355.0, "variable_costs": null,
               "db1": null, "direct_costs": 198.0, "overhead": 235.5, "orders": 6, "returns": 90.0, "quantity": 25.0}),
    );
}

#[test]
fn unknown_cost_is_warned_with_count_revenue_and_fix() {
    kam()
        .current_dir(fixture("margin-hand"))
        .args(["margin", "--year", "2025"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: 1 of 10 rows (50.00 EUR net revenue) have no cost data"))
        .stderr(predicate::str::contains("default_cost_rate"))
        .stdout(predicate::str::contains(" – |"));
}

#[test]
fn default_cost_rate_costs_rows_without_cost() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("margin-hand"), dir.path());
    let toml = std::fs::read_to_string(dir.path().join("kam.toml")).unwrap();
    std::fs::write(dir.path().join("kam.toml"), format!("{toml}default_cost_rate = 0.5\n")).unwrap();
    let r = json(dir.path(), &["margin", "--year", "2025"]);
    // Row 7 (50.00, no cost) is costed at 0.5 × 50 = 25.
    assert_figures(
        row(&r, "account", "b"),
        json!({"variable_costs": 205.0, "db1": 145.0, "db2": 140.0, "db3": 105.0, "db1_rate": 0.4143}),
    );
    // Direct costs 198 (5 × 6 orders + 50 + 18 + 100); overhead 235.5.
    assert_figures(&r["total"], json!({"variable_costs": 1425.0, "db1": 930.0, "db2": 732.0, "db3": 496.5}));
}

#[test]
fn account_costs_form_their_own_row_without_account_grouping() {
    let r = json(&fixture("margin-hand"), &["margin", "--by", "category", "--year", "2025"]);
    assert_figures(
        row(&r, "category", "(account costs)"),
        json!({"net_revenue": 0.0, "variable_costs": 0.0, "direct_costs": 150.0, "db2": -150.0, "orders": 0}),
    );
    // Category A: orders R1, R2, R3, R5 and two purchase rows without invoice = 6 (the credit
    // note G1 is none); direct costs 5 × 6 + 0.2 × 90 = 48; returns 90.
    assert_figures(
        row(&r, "category", "A"),
        json!({"gross_revenue": 1700.0, "net_revenue": 1605.0, "variable_costs": 1120.0, "orders": 6,
               "direct_costs": 48.0, "returns": 90.0}),
    );
    assert_figures(
        row(&r, "category", "(none)"),
        json!({"net_revenue": 50.0, "variable_costs": null, "orders": 1}),
    );
    // The total counts distinct orders over all rows, so it is not the sum of the rows' orders.
    assert_figures(&r["total"], json!({"orders": 6, "direct_costs": 198.0, "net_revenue": 2355.0}));
}

#[test]
fn visits_and_costs_outside_the_range_do_not_count() {
    let r = json(&fixture("margin-hand"), &["margin", "--from", "2025-03-01", "--to", "2025-03-31"]);
    // Only the return of 2025-03-01 (a credit note: no order) and the visit of 2025-03-10:
    // direct costs 50 + 0.2 × 90 = 68.
    assert_figures(
        row(&r, "account", "a"),
        json!({"gross_revenue": -100.0, "net_revenue": -90.0, "variable_costs": -60.0, "db1": -30.0,
               "direct_costs": 68.0, "db2": -98.0, "orders": 0, "returns": 90.0}),
    );
    assert_eq!(r["rows"].as_array().unwrap().len(), 1);
    let r = json(&fixture("margin-hand"), &["margin", "--from", "2026-01-01"]);
    // 2026: K2's row and account a's cost of 999 (a group appears with only a cost).
    assert_figures(
        row(&r, "account", "a"),
        json!({"net_revenue": 0.0, "direct_costs": 999.0, "db2": -999.0}),
    );
}

#[test]
fn account_filter_and_periods() {
    let r =
        json(&fixture("margin-hand"), &["margin", "--account", "a", "--period", "quarter", "--year", "2025"]);
    let periods: Vec<&str> =
        r["rows"].as_array().unwrap().iter().map(|r| r["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2025-Q1", "2025-Q2"]);
    assert!(r["rows"].as_array().unwrap().iter().all(|r| r["account"] == "a"));
    assert_figures(&r["total"], json!({"net_revenue": 1905.0, "orders": 4}));
    kam()
        .current_dir(fixture("margin-hand"))
        .args(["margin", "--account", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no account `nope`. Known accounts: a, b"));
}

#[test]
fn sort_by_a_figure_puts_the_largest_first_and_unknown_last() {
    let r = json(&fixture("margin-hand"), &["margin", "--year", "2025", "--sort", "db2"]);
    let order: Vec<&str> =
        r["rows"].as_array().unwrap().iter().map(|r| r["account"].as_str().unwrap()).collect();
    assert_eq!(order, ["a", "(unassigned)", "b"]);
    kam()
        .current_dir(fixture("margin-hand"))
        .args(["margin", "--sort", "profit"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot sort by \"profit\""));
}

#[test]
fn csv_output_has_machine_headers_and_a_total() {
    let out = stdout(&fixture("margin-hand"), &["margin", "--year", "2025", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "account,gross_revenue,deductions,net_revenue,variable_costs,db1,direct_costs,db2,overhead,db3,db1_rate,db2_rate,db3_rate,quantity,orders,returns"
    );
    assert_eq!(
        lines[2],
        "a,2000.00,95.00,1905.00,1150.00,755.00,188.00,567.00,190.50,376.50,0.3963,0.2976,0.1976,20,4,90.00"
    );
    assert_eq!(lines[3], "b,350.00,0.00,350.00,,,5.00,,35.00,,,,,4,1,0.00");
    assert!(lines[4].starts_with("Total,2450.00,"));
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("margin.md");
    kam()
        .current_dir(fixture("margin-hand"))
        .args(["margin", "--year", "2025", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# Contribution margins — Hand GmbH"));
}

#[test]
fn markdown_snapshots() {
    let dir = fixture("spec-example");
    insta::assert_snapshot!(
        "margin_account_year_en",
        stdout(&dir, &["margin", "--by", "account", "--period", "year"])
    );
    insta::assert_snapshot!(
        "margin_owner_category_de",
        stdout(&dir, &["margin", "--by", "owner,category", "--lang", "de"])
    );
    insta::assert_snapshot!("abc_customer_en", stdout(&dir, &["abc"]));
    insta::assert_snapshot!("accounts_de", stdout(&dir, &["accounts", "--lang", "de"]));
}

#[test]
fn accounts_overview_figures() {
    let r = json(&fixture("spec-example"), &["accounts"]);
    // The exports end in 2026-03: last 12 months 2025-04..2026-03, previous 2024-04..2025-03.
    assert_eq!(r["current"], json!(["2025-04", "2026-03"]));
    let alpha = row(&r, "account", "alpha");
    // alpha 2025-04..2026-03: 380 (C1 05) + 570 (C2 07) + 475 (C1 11) + 380 (C1 2026-01) = 1805;
    // before: 950 + 250 + 285 − 190 = 1295.
    assert_figures(
        alpha,
        json!({"net_revenue_12m": 1805.0, "net_revenue_prev_12m": 1295.0, "change": 0.3938, "class": "A"}),
    );
    assert_eq!(alpha["last_meeting"], "2025-03-05");
    let gamma = row(&r, "account", "gamma");
    assert_eq!(gamma["owner"], Value::Null);
}

#[test]
fn abc_by_account_and_candidates() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("spec-example"), dir.path());
    // Without alpha's dossier, C1 and C2 are class-A customers in no account: candidates.
    std::fs::remove_file(dir.path().join("accounts/alpha.toml")).unwrap();
    let md = stdout(dir.path(), &["abc"]);
    let candidates =
        md.split("## Key-account candidates").nth(1).unwrap().split("## All customers").next().unwrap();
    assert!(candidates.contains("| C1 ") && candidates.contains("| C2 "), "{md}");
    assert!(!candidates.contains("| C4 "), "{md}");
    let r = json(&fixture("spec-example"), &["abc", "--by", "account"]);
    let ids: Vec<&str> = r["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["alpha", "gamma", "beta"]);
}

/// The real Superstore export: cost from its Profit column, so DB I equals the sum of Profit.
#[test]
fn superstore_db1_equals_the_sum_of_profit() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kam.toml"),
        r#"
[workspace]
name = "Superstore"
[import]
date_format = "%m/%d/%Y"
encoding = "windows-1252"
[import.columns]
date = "Order Date"
customer = "Customer ID"
invoice = "Order ID"
product = "Product ID"
category = "Category"
revenue = "Sales"
quantity = "Quantity"
profit = "Profit"
"#,
    )
    .unwrap();
    let file = data.join("superstore.csv.gz");
    let file = file.to_str().unwrap();
    let r = json(dir.path(), &["margin", "--by", "category", "--period", "year", "--sales", file]);
    // Sum of Sales = 2,297,200.8603 and of Profit = 286,397.0217 (SOURCES.md).
    assert_figures(&r["total"], json!({"net_revenue": 2297200.86, "db1": 286397.02, "orders": 5009}));
    let years: std::collections::BTreeSet<&str> =
        r["rows"].as_array().unwrap().iter().map(|r| r["period"].as_str().unwrap()).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), ["2014", "2015", "2016", "2017"]);
    // ABC over the 12 months ending with the last one (2017): 693 customers bought then (counted
    // independently from the CSV); over all four years, 793.
    let abc = json(dir.path(), &["abc", "--sales", file]);
    assert_eq!(abc["rows"].as_array().unwrap().len(), 693);
    let abc = json(dir.path(), &["abc", "--from", "2014-01", "--sales", file]);
    assert_eq!(abc["rows"].as_array().unwrap().len(), 793);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// ABC by DB II against by net revenue, and the default range of the last 12 months, on a
/// workspace worked out by hand.
#[test]
fn abc_by_db2_and_over_the_last_twelve_months() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    // Net revenue X 1000, Y 600, Z 400 (2026); DB I = DB II (no direct costs): X 50, Y 300, Z 300.
    // W bought in 2024 only, more than 12 months before the exports' last month (2026-06).
    ws.write(
        "s.csv",
        b"date,customer,invoice,revenue,cost\n2024-01-05,W,R0,5000,1000\n2026-02-01,X,R1,1000,950\n2026-03-01,Y,R2,600,300\n2026-06-01,Z,R3,400,100\n",
    );
    let classes = |r: &Value| -> Vec<(String, String)> {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["id"].as_str().unwrap().to_string(), u["class"].as_str().unwrap().to_string()))
            .collect()
    };
    let pairs =
        |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    // By net revenue over 2025-07 to 2026-06: shares before X 0, Y 0.5, Z 0.8 → A, A, B.
    let r = json(ws.path(), &["abc"]);
    assert_eq!(classes(&r), pairs(&[("X", "A"), ("Y", "A"), ("Z", "B")]));
    assert!(r.get("measure").is_none());
    // By DB II: Y 300, Z 300 (tie by id), X 50 of 650; before Y 0, Z 0.4615, X 0.9231 → A, A, B.
    let r = json(ws.path(), &["abc", "--measure", "db2"]);
    assert_eq!(classes(&r), pairs(&[("Y", "A"), ("Z", "A"), ("X", "B")]));
    assert_eq!(r["measure"], "db2");
    assert_figures(
        &r["rows"][1],
        json!({"net_revenue": 400.0, "db2": 300.0, "share": 0.4615, "cumulative_share": 0.9231}),
    );
    // A range given replaces the default: W, largest in 2024, leads.
    let r = json(ws.path(), &["abc", "--from", "2024-01"]);
    assert_eq!(classes(&r)[0], ("W".to_string(), "A".to_string()));
    assert_eq!(classes(&r).len(), 4);
    // Unknown DB II cannot be ranked.
    ws.write(
        "s.csv",
        b"date,customer,invoice,revenue,cost\n2026-02-01,X,R1,1000,\n2026-03-01,Y,R2,600,300\n",
    );
    kam()
        .current_dir(ws.path())
        .args(["abc", "--measure", "db2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("DB II is unknown for 1 of the 2 customers"));
}

/// The spec example in the fixtures is the contract's own: where `../shared/spec-example` is
/// present, every file of it (its expected JSON included) equals the fixture's copy, so the
/// tests above compare with the contract's expected figures.
#[test]
fn the_spec_example_is_the_contracts() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec-example");
    if !shared.is_dir() {
        common::skipped(&format!("{} is absent", shared.display()));
        return;
    }
    let fixture = fixture("spec-example");
    let mut stack = vec![std::path::PathBuf::new()];
    let mut compared = 0;
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(shared.join(&rel)).unwrap() {
            let entry = entry.unwrap();
            let rel = rel.join(entry.file_name());
            if entry.path().is_dir() {
                stack.push(rel);
            } else {
                let ours = std::fs::read(fixture.join(&rel)).unwrap_or_default();
                assert_eq!(ours, std::fs::read(entry.path()).unwrap(), "{} differs", rel.display());
                compared += 1;
            }
        }
    }
    assert!(compared >= 10, "{compared} files");
}
