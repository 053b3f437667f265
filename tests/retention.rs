//! `kam retention`: every figure of SPEC 3.2 on a hand-computed fixture with every boundary, the
//! worked example of the spec, the cohort matrix, the identities as properties, and the real
//! Online Retail II export against figures computed independently.

mod common;

use common::{TempWorkspace, fixture, json, json_eq, kam, shared_data, stdout};
use kam::cube::{Cube, CubeSpec};
use kam::dates::Month;
use kam::diag::Diagnostics;
use kam::money::Decimal;
use kam::periods::PeriodKind;
use kam::retention::{
    History, MonthEntry, RetentionQuery, Unit, clipped_periods, cohort_report, period_figures,
    retention_report,
};
use kam::workspace::{Options, Workspace};
use predicates::prelude::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn boundaries() -> PathBuf {
    fixture("retention/boundaries")
}

fn row<'a>(report: &'a Value, period: &str) -> &'a Value {
    rows(report)
        .iter()
        .find(|r| r["period"] == period)
        .unwrap_or_else(|| panic!("no row for {period}: {report:#}"))
}

fn owner_row<'a>(report: &'a Value, owner: &str, period: &str) -> &'a Value {
    rows(report)
        .iter()
        .find(|r| r["period"] == period && r["owner"] == owner)
        .unwrap_or_else(|| panic!("no row for {owner} {period}: {report:#}"))
}

fn rows(report: &Value) -> &Vec<Value> {
    report["rows"].as_array().expect("rows")
}

#[track_caller]
fn assert_figures(actual: &Value, expected: Value) {
    for (k, v) in expected.as_object().unwrap() {
        assert!(json_eq(&actual[k], v), "{k}: expected {v}, found {} in {actual:#}", actual[k]);
    }
}

/// Each row as (period, [start, end, retained, churned, new, reactivated], net revenue).
fn counts(report: &Value) -> Vec<(String, [u64; 6], f64)> {
    rows(report)
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}"));
            (
                r["period"].as_str().unwrap().to_string(),
                [n("start"), n("end"), n("retained"), n("churned"), n("new"), n("reactivated")],
                r["net_revenue"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn expect(rows: &[(&str, [u64; 6], f64)]) -> Vec<(String, [u64; 6], f64)> {
    rows.iter().map(|(p, c, n)| (p.to_string(), *c, *n)).collect()
}

// ---------------------------------------------------------------------------------------------
// The worked example of the spec.

#[test]
fn spec_example_retention_matches_the_worked_example() {
    let dir = fixture("spec-example");
    for (args, expected) in [
        (vec!["retention", "--by", "customer", "--period", "month"], "retention-customer-month.json"),
        (vec!["retention", "--by", "account", "--period", "quarter"], "retention-account-quarter.json"),
        (vec!["retention", "--by", "owner", "--period", "month"], "retention-owner-month.json"),
        (vec!["retention", "--cohorts", "--by", "customer"], "cohorts-customer.json"),
    ] {
        let actual = json(&dir, &args);
        let text = std::fs::read_to_string(dir.join("expected").join(expected)).unwrap();
        let expected: Value = serde_json::from_str(&text).unwrap();
        assert!(json_eq(&actual, &expected), "kam {args:?}\nexpected {expected:#}\nfound {actual:#}");
    }
}

// ---------------------------------------------------------------------------------------------
// tests/fixtures/retention/boundaries, W = 3. Purchase months per customer (returns in brackets):
//   K1 2023-01, 2023-04, 2023-08, 2024-06      (account alpha, Anna)
//   K2 2023-06                                 (account alpha, Anna)
//   B1 2023-02, [2023-03], [2023-05], 2024-12  (account beta, Anna)
//   G1 [2023-03], 2023-09, 2024-11             (account gamma, Ben)
//   E1 2023-01, 2024-12                        (account epsilon, no owner)
//   U1 2023-11, 2024-02                        (no account)
//   two rows without customer (2023-05, 2024-12): never counted
//   D1 (account delta, Dora): no sales
// A purchase in month p keeps a unit active at the end of p, p+1, p+2. Active customers at the end
// of each month: 23-01 K1 E1 · 02 K1 E1 B1 · 03 K1 E1 B1 · 04 K1 B1 · 05 K1 · 06 K1 K2 · 07 K2 ·
// 08 K2 K1 · 09 K1 G1 · 10 K1 G1 · 11 G1 U1 · 12 U1 · 24-01..04 U1 · 05 – · 06..08 K1 · 09, 10 – ·
// 11 G1 · 12 G1 B1 E1.

#[test]
fn every_month_by_customer() {
    let r = json(&boundaries(), &["retention"]);
    assert_eq!(r["by"], "customer");
    assert_eq!(r["period"], "month");
    assert_eq!(r["window_months"], 3);
    #[rustfmt::skip]
    let expected = expect(&[
        //          start end ret churn new react    net
        ("2023-01", [0, 2, 0, 0, 2, 0], 180.0),  // first period of the data: K1, E1 new
        ("2023-02", [2, 3, 2, 0, 1, 0], 200.0),  // B1 new
        ("2023-03", [3, 3, 3, 0, 0, 0], -80.0),  // only returns (B1, and G1 before its first purchase)
        ("2023-04", [3, 2, 2, 1, 0, 0], 100.0),  // E1 churned; K1 bought 3 months after 2023-01: kept
        ("2023-05", [2, 1, 1, 1, 0, 0], -20.0),  // B1's return is no purchase: churned
        ("2023-06", [1, 2, 1, 0, 1, 0], 50.0),   // K2 new
        ("2023-07", [2, 1, 1, 1, 0, 0], 0.0),    // K1 churned: 3 months without a purchase
        ("2023-08", [1, 2, 1, 0, 0, 1], 100.0),  // K1 back 4 months after 2023-04: reactivated
        ("2023-09", [2, 2, 1, 1, 1, 0], 400.0),  // K2 churned; G1 new (its earlier return is no purchase)
        ("2023-10", [2, 2, 2, 0, 0, 0], 0.0),
        ("2023-11", [2, 2, 1, 1, 1, 0], 500.0),  // K1 churned; U1 (in no account) new
        ("2023-12", [2, 1, 1, 1, 0, 0], 0.0),    // G1 churned
        ("2024-01", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-02", [1, 1, 1, 0, 0, 0], 60.0),
        ("2024-03", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-04", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-05", [1, 0, 0, 1, 0, 0], 0.0),    // U1 churned
        ("2024-06", [0, 1, 0, 0, 0, 1], 250.0),  // K1 reactivated
        ("2024-07", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-08", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-09", [1, 0, 0, 1, 0, 0], 0.0),
        ("2024-10", [0, 0, 0, 0, 0, 0], 0.0),    // a quiet month still has its row
        ("2024-11", [0, 1, 0, 0, 0, 1], 100.0),
        ("2024-12", [1, 3, 1, 0, 0, 2], 380.0),  // the 1000.00 row without customer is not counted
    ]);
    assert_eq!(counts(&r), expected);
}

#[test]
fn rates_are_null_without_a_start_and_rounded_to_four_places() {
    let r = json(&boundaries(), &["retention"]);
    assert_figures(row(&r, "2023-01"), json!({"retention_rate": null, "churn_rate": null}));
    assert_figures(row(&r, "2023-04"), json!({"retention_rate": 0.6667, "churn_rate": 0.3333}));
    assert_figures(row(&r, "2024-10"), json!({"retention_rate": null, "churn_rate": null}));
    assert_figures(row(&r, "2024-05"), json!({"retention_rate": 0.0, "churn_rate": 1.0}));
}

#[test]
fn nrr_and_grr_need_24_months_of_exports() {
    let r = json(&boundaries(), &["retention"]);
    // The exports start in 2023-01: for 2024-11, b − 23 = 2022-12 lies before them.
    assert_figures(row(&r, "2024-11"), json!({"nrr": null, "grr": null}));
    // 2024-12: base = every customer with net revenue > 0 in 2023:
    //   2023: K1 300, K2 50, B1 130 (200 − 50 − 20), G1 370 (−30 + 400), E1 80, U1 500 = 1430
    //   2024: K1 250, K2 0,  B1 300,                 G1 100,             E1 80, U1 60  = 790
    // NRR = 790 / 1430; GRR = (250 + 0 + 130 + 100 + 80 + 60) / 1430 = 620 / 1430.
    assert_figures(row(&r, "2024-12"), json!({"nrr": 0.5524, "grr": 0.4336}));
}

#[test]
fn quarters_and_years() {
    let q = json(&boundaries(), &["retention", "--period", "quarter"]);
    #[rustfmt::skip]
    let expected = expect(&[
        ("2023-Q1", [0, 3, 0, 0, 3, 0], 300.0),  // K1, E1, B1 new
        ("2023-Q2", [3, 2, 1, 2, 1, 0], 130.0),  // E1, B1 churned; K2 new
        ("2023-Q3", [2, 2, 1, 1, 1, 0], 500.0),  // K1 lapsed in 07 and came back in 08: retained
        ("2023-Q4", [2, 1, 0, 2, 1, 0], 500.0),
        ("2024-Q1", [1, 1, 1, 0, 0, 0], 60.0),
        ("2024-Q2", [1, 1, 0, 1, 0, 1], 250.0),
        ("2024-Q3", [1, 0, 0, 1, 0, 0], 0.0),
        ("2024-Q4", [0, 3, 0, 0, 0, 3], 480.0),
    ]);
    assert_eq!(counts(&q), expected);
    assert_figures(row(&q, "2024-Q4"), json!({"nrr": 0.5524, "grr": 0.4336}));
    let y = json(&boundaries(), &["retention", "--period", "year"]);
    // 2023: of the six first purchases only U1 is still active at the end of the year.
    assert_eq!(
        counts(&y),
        expect(&[("2023", [0, 1, 0, 0, 1, 0], 1430.0), ("2024", [1, 3, 0, 1, 0, 3], 790.0)])
    );
    assert_figures(row(&y, "2024"), json!({"retention_rate": 0.0, "churn_rate": 1.0, "nrr": 0.5524}));
}

#[test]
fn an_account_buys_through_all_its_customer_numbers() {
    let r = json(&boundaries(), &["retention", "--by", "account"]);
    // alpha = K1 + K2: K2's purchase in 2023-06 keeps alpha active while K1 lapses in 2023-07;
    // K2's first purchase does not make alpha new. U1 is in no account and never counts.
    #[rustfmt::skip]
    let expected = expect(&[
        ("2023-01", [0, 2, 0, 0, 2, 0], 180.0),  // alpha, epsilon
        ("2023-02", [2, 3, 2, 0, 1, 0], 200.0),  // beta
        ("2023-03", [3, 3, 3, 0, 0, 0], -80.0),
        ("2023-04", [3, 2, 2, 1, 0, 0], 100.0),  // epsilon churned
        ("2023-05", [2, 1, 1, 1, 0, 0], -20.0),  // beta churned
        ("2023-06", [1, 1, 1, 0, 0, 0], 50.0),   // K2's first purchase: alpha retained, not new
        ("2023-07", [1, 1, 1, 0, 0, 0], 0.0),    // K1 lapses, alpha does not
        ("2023-08", [1, 1, 1, 0, 0, 0], 100.0),
        ("2023-09", [1, 2, 1, 0, 1, 0], 400.0),  // gamma new
        ("2023-10", [2, 2, 2, 0, 0, 0], 0.0),
        ("2023-11", [2, 1, 1, 1, 0, 0], 0.0),    // alpha churned; U1's 500 is no account's
        ("2023-12", [1, 0, 0, 1, 0, 0], 0.0),
        ("2024-01", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-02", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-03", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-04", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-05", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-06", [0, 1, 0, 0, 0, 1], 250.0),
        ("2024-07", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-08", [1, 1, 1, 0, 0, 0], 0.0),
        ("2024-09", [1, 0, 0, 1, 0, 0], 0.0),
        ("2024-10", [0, 0, 0, 0, 0, 0], 0.0),
        ("2024-11", [0, 1, 0, 0, 0, 1], 100.0),
        ("2024-12", [1, 3, 1, 0, 0, 2], 380.0),
    ]);
    assert_eq!(counts(&r), expected);
    // Base: alpha 350, beta 130, gamma 370, epsilon 80 = 930; now 250 + 300 + 100 + 80 = 730;
    // GRR: 250 + 130 + 100 + 80 = 560.
    assert_figures(row(&r, "2024-12"), json!({"nrr": 0.7849, "grr": 0.6022}));
}

#[test]
fn owners_with_no_owner_and_an_owner_without_active_accounts() {
    let r = json(&boundaries(), &["retention", "--by", "owner", "--period", "year"]);
    let owners: Vec<&str> = rows(&r).iter().map(|r| r["owner"].as_str().unwrap()).collect();
    // One row per owner of the workspace's accounts and period; no row for unassigned customers.
    assert_eq!(owners, ["(no owner)", "(no owner)", "Anna", "Anna", "Ben", "Ben", "Dora", "Dora"]);
    // Dora's only account never bought: every count 0, rates undefined.
    for year in ["2023", "2024"] {
        assert_figures(
            owner_row(&r, "Dora", year),
            json!({"start": 0, "end": 0, "retained": 0, "churned": 0, "new": 0, "reactivated": 0,
                   "retention_rate": null, "churn_rate": null, "net_revenue": 0.0, "nrr": null, "grr": null}),
        );
    }
    // Anna (alpha, beta): 2023 nets 480 (alpha 350 + beta 130), 2024 550; NRR 550/480,
    // GRR (250 + 130) / 480.
    assert_figures(
        owner_row(&r, "Anna", "2024"),
        json!({"start": 0, "end": 1, "reactivated": 1, "net_revenue": 550.0, "nrr": 1.1458, "grr": 0.7917}),
    );
    assert_figures(
        owner_row(&r, "Anna", "2023"),
        json!({"start": 0, "end": 0, "new": 0, "net_revenue": 480.0}),
    );
    assert_figures(owner_row(&r, "Ben", "2024"), json!({"net_revenue": 100.0, "nrr": 0.2703, "grr": 0.2703}));
    assert_figures(owner_row(&r, "(no owner)", "2024"), json!({"reactivated": 1, "nrr": 1.0, "grr": 1.0}));
}

#[test]
fn window_flag_overrides_the_setting() {
    // W = 4: K1 (2023-04, then 2023-08) stays active through 2023-07.
    let r = json(&boundaries(), &["retention", "--window", "4"]);
    assert_eq!(r["window_months"], 4);
    assert_figures(row(&r, "2023-07"), json!({"start": 2, "end": 2, "retained": 2, "churned": 0}));
    // W = 1: active only in a month with a purchase.
    let r = json(&boundaries(), &["retention", "--window", "1"]);
    assert_figures(
        row(&r, "2023-02"),
        json!({"start": 2, "end": 1, "retained": 0, "churned": 2, "new": 1, "reactivated": 0}),
    );
    let md = stdout(&boundaries(), &["retention", "--window", "1"]);
    assert!(md.contains("Window W = 1 month (--window)"), "{md}");
}

#[test]
fn history_before_from_counts_for_start_and_first_purchases() {
    let r = json(&boundaries(), &["retention", "--from", "2023-07-01", "--to", "2023-09-30"]);
    assert_eq!(
        counts(&r),
        expect(&[
            ("2023-07", [2, 1, 1, 1, 0, 0], 0.0), // start from the purchases of 2023-04 and -06
            ("2023-08", [1, 2, 1, 0, 0, 1], 100.0), // K1's first purchase was before --from
            ("2023-09", [2, 2, 1, 1, 1, 0], 400.0),
        ])
    );
    // A period cut by --from starts at --from: 2023-Q1 from 2023-02 has start = active end of 01.
    let q = json(
        &boundaries(),
        &["retention", "--period", "quarter", "--from", "2023-02-15", "--to", "2023-06-30"],
    );
    assert_eq!(
        counts(&q),
        expect(&[("2023-Q1", [2, 3, 2, 0, 1, 0], 120.0), ("2023-Q2", [3, 2, 1, 2, 1, 0], 130.0)])
    );
    // --year is --from YYYY-01-01 --to YYYY-12-31.
    let y = json(&boundaries(), &["retention", "--year", "2024", "--period", "quarter"]);
    assert_eq!(rows(&y).len(), 4);
    assert_figures(row(&y, "2024-Q1"), json!({"start": 1, "retained": 1}));
}

#[test]
fn cohorts_by_customer_account_and_owner() {
    let r = json(&boundaries(), &["retention", "--cohorts"]);
    assert_eq!(r["by"], "customer");
    let cohorts = r["cohorts"].as_array().unwrap();
    let summary: Vec<(&str, u64, usize)> = cohorts
        .iter()
        .map(|c| {
            (
                c["cohort"].as_str().unwrap(),
                c["size"].as_u64().unwrap(),
                c["retention"].as_array().unwrap().len(),
            )
        })
        .collect();
    // Months with a first purchase only; the columns run to the exports' last month (2024-12).
    assert_eq!(
        summary,
        [("2023-01", 2, 24), ("2023-02", 1, 23), ("2023-06", 1, 19), ("2023-09", 1, 16), ("2023-11", 1, 14)]
    );
    let mut jan = vec![0.0; 24];
    jan[0] = 1.0;
    for k in [3, 7, 17, 23] {
        jan[k] = 0.5; // K1 in 2023-04, -08, 2024-06; E1 in 2024-12
    }
    assert!(json_eq(&cohorts[0]["retention"], &json!(jan)), "{:#}", cohorts[0]);
    // B1: the month with only returns (k = 1) is no purchase.
    assert_eq!(cohorts[1]["retention"][1], json!(0));
    assert!(json_eq(&cohorts[1]["retention"][22], &json!(1.0)));
    // By account: alpha and epsilon in 2023-01; delta never bought and has no cohort.
    let a = json(&boundaries(), &["retention", "--cohorts", "--by", "account"]);
    let sizes: Vec<(&str, u64)> = a["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["cohort"].as_str().unwrap(), c["size"].as_u64().unwrap()))
        .collect();
    assert_eq!(sizes, [("2023-01", 2), ("2023-02", 1), ("2023-09", 1)]);
    // alpha bought in 2023-06 through K2: k = 5 is 1/2.
    assert!(json_eq(&a["cohorts"][0]["retention"][5], &json!(0.5)));
    let o = json(&boundaries(), &["retention", "--cohorts", "--by", "owner"]);
    let owners: Vec<(&str, &str)> = o["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["owner"].as_str().unwrap(), c["cohort"].as_str().unwrap()))
        .collect();
    assert_eq!(
        owners,
        [("(no owner)", "2023-01"), ("Anna", "2023-01"), ("Anna", "2023-02"), ("Ben", "2023-09")]
    );
    // --from and --to select cohorts by their month; --to also ends the columns.
    let s = json(&boundaries(), &["retention", "--cohorts", "--from", "2023-02-01", "--to", "2023-09-30"]);
    let sel: Vec<(&str, usize)> = s["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["cohort"].as_str().unwrap(), c["retention"].as_array().unwrap().len()))
        .collect();
    assert_eq!(sel, [("2023-02", 8), ("2023-06", 4), ("2023-09", 1)]);
}

#[test]
fn csv_has_one_line_per_row() {
    let out = stdout(&boundaries(), &["retention", "--by", "owner", "--period", "year", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "owner,period,complete,history_complete,start,end,retained,churned,new,reactivated,retention_rate,churn_rate,net_revenue,nrr,grr"
    );
    assert_eq!(lines.len(), 9);
    // 2024 is whole, and its start (2023-12, W = 3) lies in the exports (from 2023-01); 2023's
    // start does not.
    assert!(lines.contains(&"Anna,2024,true,true,0,1,0,0,0,1,,,550.00,1.1458,0.7917"), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("Anna,2023,true,false,")), "{out}");
    let cohorts = stdout(&boundaries(), &["retention", "--cohorts", "--format", "csv"]);
    assert!(cohorts.starts_with("cohort,size,m0,m1,"), "{cohorts}");
    assert!(cohorts.lines().nth(1).unwrap().starts_with("2023-01,2,1,0,0,0.5,"), "{cohorts}");
}

#[test]
fn markdown_snapshots() {
    let dir = boundaries();
    insta::assert_snapshot!(
        "retention_account_quarter_en",
        stdout(&dir, &["retention", "--by", "account", "--period", "quarter"])
    );
    insta::assert_snapshot!(
        "retention_owner_year_de",
        stdout(&dir, &["retention", "--by", "owner", "--period", "year", "--lang", "de"])
    );
    insta::assert_snapshot!(
        "retention_cohorts_en",
        stdout(&dir, &["retention", "--cohorts", "--to", "2023-12-31"])
    );
}

#[test]
fn wrong_usage_and_bad_input() {
    let dir = boundaries();
    for (args, message) in [
        (vec!["retention", "--period", "all"], "needs --period month, quarter or year"),
        (vec!["retention", "--cohorts", "--period", "quarter"], "--cohorts works in calendar months"),
        (vec!["retention", "--window", "0"], "--window"),
        (vec!["retention", "--by", "product"], "expected customer, account or owner"),
        (
            vec!["retention", "--from", "2024-02-01", "--to", "2024-01-01"],
            "--from 2024-02-01 is after --to 2024-01-01",
        ),
    ] {
        kam()
            .current_dir(&dir)
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales.csv\"]\n");
    ws.write("sales.csv", b"date,customer,revenue\n2024-01-05,K1,abc\n");
    kam()
        .current_dir(ws.path())
        .arg("retention")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("sales.csv:2").and(predicate::str::contains("revenue")));
}

#[test]
fn empty_exports_and_accountless_workspaces() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales.csv\"]\n");
    ws.write("sales.csv", b"date,customer,revenue\n");
    let r = json(ws.path(), &["retention"]);
    assert_eq!(r["rows"], json!([]));
    let md = stdout(ws.path(), &["retention"]);
    assert!(md.contains("No period to show"), "{md}");
    ws.write("sales.csv", b"date,customer,revenue\n2024-01-05,K1,10\n2024-03-05,,10\n");
    kam()
        .current_dir(ws.path())
        .args(["retention", "--by", "account", "--format", "json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no key accounts"));
    let r = json(ws.path(), &["retention", "--by", "owner"]);
    assert_eq!(r["rows"], json!([]));
    let md = stdout(ws.path(), &["retention", "--by", "owner"]);
    assert!(md.contains("the workspace has no key accounts yet"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// A unit's months: (month offset from 2024-01, net revenue in cents; > 0 is a purchase).
fn histories() -> impl Strategy<Value = Vec<Vec<(i32, i64)>>> {
    prop::collection::vec(prop::collection::vec((0i32..40, -5_000i64..20_000), 0..8), 0..12)
}

fn build(units: &[Vec<(i32, i64)>]) -> Vec<History> {
    units
        .iter()
        .map(|u| {
            History::new(
                u.iter()
                    .map(|&(m, cents)| MonthEntry {
                        month: Month::new(2024, 1) + m,
                        net: Decimal::new(cents, 2),
                        purchase: cents > 0,
                    })
                    .collect(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// start = retained + churned and end = retained + new + reactivated for every period, and
    /// every count agrees with the definitions of SPEC 3.2 checked month by month.
    #[test]
    fn identities_hold_for_every_period(
        units in histories(),
        w in 1u32..7,
        kind in prop_oneof![Just(PeriodKind::Month), Just(PeriodKind::Quarter), Just(PeriodKind::Year)],
        first in 0i32..40,
        len in 0i32..40,
    ) {
        let hs = build(&units);
        let (a0, b0) = (Month::new(2024, 1) + first, Month::new(2024, 1) + first + len);
        // The plain definition, from the raw months.
        let active = |u: &Vec<(i32, i64)>, m: Month| {
            u.iter().any(|&(o, c)| c > 0 && (m - (w as i32 - 1)..=m).contains(&(Month::new(2024, 1) + o)))
        };
        let first_buy = |u: &Vec<(i32, i64)>| u.iter().filter(|p| p.1 > 0).map(|p| Month::new(2024, 1) + p.0).min();
        for (_, a, b) in clipped_periods(kind, a0, b0) {
            let f = period_figures(hs.iter(), a, b, w, Some(Month::new(2024, 1)));
            prop_assert_eq!(f.start, f.retained + f.churned);
            prop_assert_eq!(f.end, f.retained + f.new + f.reactivated);
            let start = units.iter().filter(|u| active(u, a - 1)).count() as u64;
            let end = units.iter().filter(|u| active(u, b)).count() as u64;
            let retained = units.iter().filter(|u| active(u, a - 1) && active(u, b)).count() as u64;
            let new = units.iter().filter(|u| active(u, b) && first_buy(u).is_some_and(|f| f >= a && f <= b)).count() as u64;
            let reactivated = units
                .iter()
                .filter(|u| active(u, b) && !active(u, a - 1) && first_buy(u).is_some_and(|f| f < a))
                .count() as u64;
            prop_assert_eq!((f.start, f.end, f.retained, f.new, f.reactivated), (start, end, retained, new, reactivated));
            let net: i64 = units.iter().flatten().filter(|p| (a..=b).contains(&(Month::new(2024, 1) + p.0))).map(|p| p.1).sum();
            prop_assert_eq!(f.net_revenue, Decimal::new(net, 2));
        }
    }
}

#[derive(Debug, Clone)]
struct Sale {
    customer: Option<u8>,
    month: u8,
    cents: i64,
}

fn sales() -> impl Strategy<Value = Vec<Sale>> {
    prop::collection::vec(
        (proptest::option::weighted(0.9, 0u8..8), 0u8..30, -10_000i64..50_000)
            .prop_map(|(customer, month, cents)| Sale { customer, month, cents }),
        0..60,
    )
}

fn workspace(rows: &[Sale], dir: &Path) -> Workspace {
    std::fs::write(
        dir.join("kam.toml"),
        "[workspace]\nsales = [\"sales.csv\"]\n[retention]\ninactive_after_months = 2\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("accounts")).unwrap();
    // Accounts: a = C0 + C1 (Anna), b = C2 (Anna), c = C3 (no owner), d = C7 (Ben); C4..C6 in none.
    for (id, ids, owner) in [
        ("a", "\"C0\", \"C1\"", "owner = \"Anna\""),
        ("b", "\"C2\"", "owner = \"Anna\""),
        ("c", "\"C3\"", ""),
        ("d", "\"C7\"", "owner = \"Ben\""),
    ] {
        std::fs::write(
            dir.join(format!("accounts/{id}.toml")),
            format!("name = \"{id}\"\ncustomer_ids = [{ids}]\n{owner}\n"),
        )
        .unwrap();
    }
    let mut csv = String::from("date,customer,revenue\n");
    for r in rows {
        let month = Month::new(2024, 1) + i32::from(r.month);
        let customer = r.customer.map_or(String::new(), |c| format!("C{c}"));
        let sign = if r.cents < 0 { "-" } else { "" };
        csv.push_str(&format!(
            "{}-{:02}-10,{customer},{sign}{}.{:02}\n",
            month.year(),
            month.month(),
            r.cents.abs() / 100,
            r.cents.abs() % 100
        ));
    }
    std::fs::write(dir.join("sales.csv"), csv).unwrap();
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(dir.to_path_buf()), sales: Vec::new() };
    let ws = Workspace::load(&options, &mut diags).expect("workspace");
    assert!(!diags.has_errors(), "{:?}", diags.items());
    ws
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Through the whole pipeline (export → cube → report): the identities hold for every row of
    /// every unit and period kind, owners' rows add up to the accounts' rows, and the net revenue
    /// of the customers adds up to the exports' rows with a customer.
    #[test]
    fn identities_hold_through_the_pipeline(rows in sales()) {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(&rows, dir.path());
        let mut diags = Diagnostics::new();
        let cube = Cube::build(&ws, &CubeSpec::default(), &mut diags);
        for period in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
            let mut per_unit = Vec::new();
            for by in [Unit::Customer, Unit::Account, Unit::Owner] {
                let report = retention_report(&ws, &cube, &RetentionQuery { by, period, ..RetentionQuery::default() });
                for r in &report.rows {
                    let f = &r.figures;
                    prop_assert_eq!(f.start, f.retained + f.churned, "{:?} {}", by, r.period);
                    prop_assert_eq!(f.end, f.retained + f.new + f.reactivated, "{:?} {}", by, r.period);
                }
                per_unit.push(report);
            }
            let customers_net: Decimal = per_unit[0].rows.iter().map(|r| r.figures.net_revenue).sum();
            let expected: i64 = rows.iter().filter(|r| r.customer.is_some()).map(|r| r.cents).sum();
            prop_assert_eq!(customers_net, Decimal::new(expected, 2));
            for r in &per_unit[1].rows {
                let owners: Vec<_> = per_unit[2].rows.iter().filter(|o| o.period == r.period).collect();
                prop_assert_eq!(owners.len(), 3);
                prop_assert_eq!(owners.iter().map(|o| o.figures.start).sum::<u64>(), r.figures.start);
                prop_assert_eq!(owners.iter().map(|o| o.figures.end).sum::<u64>(), r.figures.end);
                prop_assert_eq!(owners.iter().map(|o| o.figures.net_revenue).sum::<Decimal>(), r.figures.net_revenue);
            }
        }
        let cohorts = cohort_report(&ws, &cube, &RetentionQuery::default());
        let buyers = rows.iter().filter(|r| r.customer.is_some() && r.cents > 0).map(|r| r.customer).collect::<std::collections::BTreeSet<_>>();
        prop_assert_eq!(cohorts.rows.iter().map(|c| c.size).sum::<u64>(), buyers.len() as u64);
        for c in &cohorts.rows {
            prop_assert_eq!(c.retention.first().copied(), Some(Decimal::ONE));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real Online Retail II export (UCI; 1,067,370 rows, 2009-12 to 2011-12).

/// The export and the fixture workspace that maps its columns, when the shared data is present.
fn online_retail() -> Option<(PathBuf, PathBuf)> {
    let data = shared_data()?;
    let file = data.join("online_retail_ii.csv.gz");
    if !file.is_file() {
        common::skipped(&format!("{} is absent", file.display()));
        return None;
    }
    Some((fixture("online-retail"), file))
}

/// The figures that tests/fixtures/online-retail/independent_figures.py computed from the
/// definitions, with W = 3. The export is read as it is: the nine days of 2010-12 that both UCI
/// sheets hold are in it twice, and count twice in the net revenue of 2010-12.
#[test]
fn online_retail_matches_figures_computed_independently() {
    let Some((dir, file)) = online_retail() else { return };
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(dir), sales: vec![file.to_string_lossy().into_owned()] };
    let ws = Workspace::load(&options, &mut diags).expect("workspace");
    let cube = Cube::build(&ws, &CubeSpec::default(), &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.items().iter().take(5).collect::<Vec<_>>());
    assert_eq!(cube.customers.len(), 5942);
    let report = |period| {
        let r = retention_report(&ws, &cube, &RetentionQuery { period, ..RetentionQuery::default() });
        kam::layout::retention_json(&r)
    };
    let months = report(PeriodKind::Month);
    assert_eq!(rows(&months).len(), 25);
    #[rustfmt::skip]
    let expected = [
        //          start  end   ret  churn new react  net            retention  nrr     grr
        ("2009-12", [0,    955,  0,    0,   955, 0],   663272.05,  None,         None,         None),
        ("2010-03", [1712, 1803, 1360, 352, 443, 0],   635996.48,  Some(0.7944), None,         None),
        ("2010-12", [2887, 2670, 2499, 388, 76,  95],  859227.37,  Some(0.8656), None,         None),
        ("2011-02", [2220, 1682, 1410, 810, 124, 148], 436546.15,  Some(0.6351), None,         None),
        ("2011-11", [2480, 2851, 2246, 234, 191, 414], 1132407.74, Some(0.9056), Some(0.8411), Some(0.6377)),
        ("2011-12", [2851, 2560, 2438, 413, 28,  94],  342506.38,  Some(0.8551), Some(0.7550), Some(0.5984)),
    ];
    let all = counts(&months);
    for (period, c, net, rate, nrr, grr) in expected {
        let found = all.iter().find(|r| r.0 == period).unwrap();
        assert_eq!((found.1, found.2), (c, net), "{period}");
        assert_figures(row(&months, period), json!({"retention_rate": rate, "nrr": nrr, "grr": grr}));
    }
    let quarters = report(PeriodKind::Quarter);
    assert_eq!(
        counts(&quarters).into_iter().find(|r| r.0 == "2011-Q1").unwrap().1,
        [2670, 1776, 1125, 1545, 374, 277]
    );
    assert_figures(row(&quarters, "2011-Q1"), json!({"net_revenue": 1491585.14, "retention_rate": 0.4213}));
    let years = report(PeriodKind::Year);
    assert_eq!(counts(&years)[1], ("2010".to_string(), [955, 2670, 664, 291, 2006, 0], 8239540.54));
    let cohorts = kam::layout::cohorts_json(&cohort_report(&ws, &cube, &RetentionQuery::default()));
    let jan = cohorts["cohorts"].as_array().unwrap().iter().find(|c| c["cohort"] == "2010-01").unwrap();
    assert_eq!(jan["size"], 383);
    for (k, share) in [(1, 0.2063), (11, 0.1723), (23, 0.0574)] {
        assert!(json_eq(&jan["retention"][k], &json!(share)), "k = {k}: {jan}");
    }
}

#[test]
fn online_retail_by_command_line() {
    let Some((dir, file)) = online_retail() else { return };
    let file = file.to_str().unwrap();
    let out = stdout(
        &dir,
        &["retention", "--by", "owner", "--period", "quarter", "--format", "csv", "--sales", file],
    );
    // Ben's account has two customer numbers (12748, 13085).
    assert!(out.lines().any(|l| l.starts_with("Ben,2011-Q4,true,true,1,1,1,0,0,0,1,0,")), "{out}");
    assert_eq!(out.lines().count(), 1 + 2 * 9);
}

/// An account's own churn window (`[retention]` of its dossier) applies to the account and to
/// its customers; `--window` sets one for all.
#[test]
fn an_account_churns_after_its_own_window() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n[retention]\ninactive_after_months = 2\n");
    ws.write(
        "accounts/long.toml",
        b"name = \"Long\"\ncustomer_ids = [\"L1\"]\n\n[retention]\ninactive_after_months = 5\n",
    );
    ws.write("accounts/short.toml", b"name = \"Short\"\ncustomer_ids = [\"S1\"]\n");
    // Both buy in January only; the exports run to August.
    ws.write("s.csv", b"date,customer,revenue\n2026-01-10,L1,100\n2026-01-10,S1,100\n2026-08-01,X,1\n");
    let churned_in = |args: &[&str]| -> Vec<String> {
        let r = json(ws.path(), args);
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|row| row["churned"].as_u64().unwrap() > 0)
            .map(|row| format!("{} {}", row["period"].as_str().unwrap(), row["churned"]))
            .collect()
    };
    // Short (W = 2): active at the end of January and February, gone at the end of March. Long
    // (W = 5): active through May, gone at the end of June.
    assert_eq!(churned_in(&["retention", "--by", "account"]), ["2026-03 1", "2026-06 1"]);
    // Its customers take the account's window.
    assert_eq!(churned_in(&["retention", "--by", "customer"]), ["2026-03 1", "2026-06 1"]);
    // --window sets one W for every unit.
    assert_eq!(churned_in(&["retention", "--by", "account", "--window", "2"]), ["2026-03 2"]);
    // The widest window decides whether a period's start is observed: with W = 5, February's
    // start reaches back to 2025-09, before the exports.
    let r = json(ws.path(), &["retention", "--by", "account"]);
    let complete: Vec<bool> =
        r["rows"].as_array().unwrap().iter().map(|row| row["history_complete"].as_bool().unwrap()).collect();
    assert_eq!(complete, [false, false, false, false, false, true, true, true]);
    // A window outside 1 to 120 in a dossier is an error at its line.
    ws.write("accounts/short.toml", b"name = \"Short\"\n\n[retention]\ninactive_after_months = 0\n");
    common::check_fails(ws.path()).has(
        "accounts/short.toml:4:25: error: inactive_after_months must be a whole number of months from 1 to 120, found 0",
    );
}
