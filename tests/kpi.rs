//! `kam kpi`: the monthly KPI report per owner on the hand-computed retention fixture, checked
//! against `kam retention` and `kam margin`, its errors for cron jobs, and the real Online Retail
//! II export.

mod common;

use common::{TempWorkspace, fixture, json, json_eq, kam, shared_data, stdout};
use predicates::prelude::*;
use serde_json::{Value, json};

fn boundaries() -> std::path::PathBuf {
    fixture("retention/boundaries")
}

fn owner<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["owner"] == name)
        .unwrap_or_else(|| panic!("no owner {name}: {report:#}"))
}

#[track_caller]
fn assert_figures(actual: &Value, expected: Value) {
    for (k, v) in expected.as_object().unwrap() {
        assert!(json_eq(&actual[k], v), "{k}: expected {v}, found {} in {actual:#}", actual[k]);
    }
}

/// tests/fixtures/retention/boundaries (see tests/retention.rs for its purchases), 2024-12, W = 3.
/// DB II = net revenue − cost − 10 per invoice − 100 per visit.
#[test]
fn every_figure_of_a_month_by_hand() {
    let r = json(&boundaries(), &["kpi", "--month", "2024-12"]);
    assert_eq!(r["month"], "2024-12");
    assert_eq!(r["window_months"], 3);
    let names: Vec<&str> =
        r["owners"].as_array().unwrap().iter().map(|o| o["owner"].as_str().unwrap()).collect();
    assert_eq!(names, ["(no owner)", "Anna", "Ben", "Dora"]);
    // Anna: alpha (K1, K2) and beta (B1). Neither active at the end of 2024-11; beta buys in 12.
    // DB II 2024: K1 250 − 150 − 10, B1 300 − 180 − 10, one visit (12-03) − 100 = 100.
    // DB II 2023: alpha 350 − 210 − 4×10, beta 130 − 78 − 1×10 (its credit notes C02 and C03 are
    // no orders), one visit (2023-06-01) − 100 = 42.
    // Services in 2024-12: training 1500 and audit (no value); the one of 2025-01 does not count.
    // Meetings in 2024-12: a visit and a call (the call of 11-30 does not count).
    // Complaints open at 2024-12-31: the one closed 2025-01-05 and the one never closed; not the
    // one closed on 12-31 nor the one opened in 2025.
    assert_figures(
        owner(&r, "Anna"),
        json!({"accounts": 2, "start": 0, "end": 1, "retained": 0, "churned": 0,
               "retention_rate": null, "churn_rate": null,
               "net_revenue": 300.0, "net_revenue_prev_year": 0.0,
               "db2_ytd": 100.0, "db2_ytd_prev_year": 42.0, "db2_ytd_change": 1.381,  // 58 / 42
               // DB II rates: 100 / 550 (K1 250 + B1 300) and 42 / 480; their difference.
               "db2_rate_ytd": 0.1818, "db2_rate_ytd_prev_year": 0.0875, "db2_rate_change": 0.0943,
               "services_sold": 2, "services_value": 1500.0, "meetings": 2, "complaints_open": 2,
               // Closed in 2024-12: the one opened 11-20 and closed 12-31, after 41 days.
               "complaints_closed": 1, "complaints_median_days_to_close": 41.0}),
    );
    // Ben: gamma (G1) bought in 2024-11: retained. DB II 2024: 100 − 60 − 10 = 30; 2023:
    // 370 − 222 − 1×10 = 138 (the credit note C01 is no order); change (30 − 138) / 138. The annual review on 12-31 is a meeting;
    // the complaint opened and closed on 12-31 is not open.
    assert_figures(
        owner(&r, "Ben"),
        json!({"accounts": 1, "start": 1, "end": 1, "retained": 1, "churned": 0,
               "retention_rate": 1.0, "churn_rate": 0.0, "net_revenue": 0.0, "net_revenue_prev_year": 0.0,
               "db2_ytd": 30.0, "db2_ytd_prev_year": 138.0, "db2_ytd_change": -0.7826,
               "services_sold": 0, "services_value": 0.0, "meetings": 1, "complaints_open": 0,
               "complaints_closed": 1, "complaints_median_days_to_close": 0.0}),
    );
    // Dora: no account active, no sales; a visit costs 100: DB II −100 against 0 (change null).
    assert_figures(
        owner(&r, "Dora"),
        json!({"accounts": 1, "start": 0, "end": 0, "retained": 0, "churned": 0,
               "retention_rate": null, "churn_rate": null, "net_revenue": 0.0,
               "db2_ytd": -100.0, "db2_ytd_prev_year": 0.0, "db2_ytd_change": null, "meetings": 1}),
    );
    // Epsilon (E1) has no owner: 80 − 50 − 10 = 20 in both years.
    assert_figures(
        owner(&r, "(no owner)"),
        json!({"accounts": 1, "start": 0, "end": 1, "net_revenue": 80.0,
               "db2_ytd": 20.0, "db2_ytd_prev_year": 20.0, "db2_ytd_change": 0.0}),
    );
    // The team: sums, with rates from the summed counts. U1 (in no account) and the rows without
    // customer belong to no owner.
    assert_figures(
        &r["total"],
        json!({"accounts": 5, "start": 1, "end": 3, "retained": 1, "churned": 0,
               "retention_rate": 1.0, "churn_rate": 0.0, "net_revenue": 380.0, "net_revenue_prev_year": 0.0,
               "db2_ytd": 50.0, "db2_ytd_prev_year": 200.0, "db2_ytd_change": -0.75,
               // 50 / 730 (550 + 100 + 80) and 200 / 930 (480 + 370 + 80).
               "db2_rate_ytd": 0.0685, "db2_rate_ytd_prev_year": 0.2151, "db2_rate_change": -0.1466,
               "services_sold": 2, "services_value": 1500.0, "meetings": 4, "complaints_open": 2,
               // The team's median of 41 and 0 days is their mean.
               "complaints_closed": 2, "complaints_median_days_to_close": 20.5}),
    );
    assert!(r["total"].get("owner").is_none());
}

#[test]
fn year_to_date_and_the_month_a_year_earlier() {
    let r = json(&boundaries(), &["kpi", "--month", "2024-06"]);
    // Anna 2024-06: K1 250 against K2 50 in 2023-06. DB II 2024-01-01..06-30: 250 − 150 − 10 = 90;
    // 2023-01-01..06-30: alpha 250 − 150 − 3×10 − 100 (visit 06-01) = −30, beta 130 − 78 − 1×10
    // (one order; the credit notes are none) = 42, so 12. The change: (90 − 12) / 12 = 6.5.
    assert_figures(
        owner(&r, "Anna"),
        json!({"start": 0, "end": 1, "net_revenue": 250.0, "net_revenue_prev_year": 50.0,
               "db2_ytd": 90.0, "db2_ytd_prev_year": 12.0, "db2_ytd_change": 6.5}),
    );
    // Ben: nothing in 2024 H1; 2023 H1 holds G1's credit note (no order): −30 + 18 = −12; the
    // change is relative to |−12|: (0 + 12) / 12 = 1.
    assert_figures(
        owner(&r, "Ben"),
        json!({"db2_ytd": 0.0, "db2_ytd_prev_year": -12.0, "db2_ytd_change": 1.0}),
    );
}

/// The retention figures of the KPI report are those of `kam retention --by owner --period month`.
#[test]
fn retention_figures_agree_with_kam_retention() {
    for (dir, months) in [
        (
            boundaries(),
            (2023..=2024).flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}"))).collect::<Vec<_>>(),
        ),
        (
            fixture("spec-example"),
            vec!["2025-01".into(), "2025-04".into(), "2025-06".into(), "2026-02".into()],
        ),
    ] {
        let retention = json(&dir, &["retention", "--by", "owner", "--period", "month"]);
        for month in months {
            let k = json(&dir, &["kpi", "--month", &month]);
            for o in k["owners"].as_array().unwrap() {
                let r = retention["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["owner"] == o["owner"] && r["period"] == month.as_str())
                    .unwrap();
                for key in
                    ["start", "end", "retained", "churned", "retention_rate", "churn_rate", "net_revenue"]
                {
                    assert!(
                        json_eq(&o[key], &r[key]),
                        "{month} {} {key}: {} vs {}",
                        o["owner"],
                        o[key],
                        r[key]
                    );
                }
            }
        }
    }
}

/// DB II year to date is `kam margin --by owner`'s: in the spec's example, 2025-03 is 2025-Q1.
#[test]
fn db2_agrees_with_the_worked_example_of_kam_margin() {
    let dir = fixture("spec-example");
    let text = std::fs::read_to_string(dir.join("expected/margin-owner-quarter.json")).unwrap();
    let margin: Value = serde_json::from_str(&text).unwrap();
    let db2 = |owner: &str, period: &str| {
        margin["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["owner"] == owner && r["period"] == period)
            .map_or(0.0, |r| r["db2"].as_f64().unwrap())
    };
    let k = json(&dir, &["kpi", "--month", "2025-06"]);
    for name in ["(no owner)", "Anna", "Ben"] {
        let expected = db2(name, "2025-Q1") + db2(name, "2025-Q2");
        assert!(json_eq(&owner(&k, name)["db2_ytd"], &json!(expected)), "{name}: {k:#}");
    }
    // 2026-03: year to date is 2026-Q1, a year earlier 2025-Q1.
    let k = json(&dir, &["kpi", "--month", "2026-03"]);
    assert_figures(
        owner(&k, "Anna"),
        json!({"db2_ytd": db2("Anna", "2026-Q1"), "db2_ytd_prev_year": db2("Anna", "2025-Q1")}),
    );
}

#[test]
fn one_owner() {
    for name in ["Anna", "anna", " Anna "] {
        let r = json(&boundaries(), &["kpi", "--month", "2024-12", "--owner", name]);
        let owners = r["owners"].as_array().unwrap();
        assert_eq!(owners.len(), 1);
        let mut anna = owners[0].clone();
        assert_eq!(anna["owner"], "Anna");
        anna.as_object_mut().unwrap().remove("owner");
        assert!(json_eq(&anna, &r["total"]), "{r:#}");
    }
    let r = json(&boundaries(), &["kpi", "--month", "2024-12", "--owner", "(no owner)"]);
    assert_eq!(r["owners"][0]["accounts"], 1);
}

#[test]
fn bad_input_exits_1_and_wrong_usage_2_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    kam()
        .current_dir(boundaries())
        .args(["kpi", "--month", "2024-12", "--owner", "Carla", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: no owner \"Carla\" among the accounts; owners: \"(no owner)\", \"Anna\", \"Ben\", \"Dora\"",
        ));
    assert!(!out.exists());
    for month in ["2024-13", "2024-1", "24-12", "december"] {
        kam()
            .current_dir(boundaries())
            .args(["kpi", "--month", month])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("expected a month like 2026-10"));
    }
    kam().current_dir(boundaries()).arg("kpi").assert().code(2).stderr(predicate::str::contains("--month"));
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales.csv\"]\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"K1\"]\nowner = 7\n");
    ws.write("sales.csv", b"date,customer,revenue\n2024-01-05,K1,10\n");
    kam()
        .current_dir(ws.path())
        .args(["kpi", "--month", "2024-01"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("a.toml:3"));
}

#[test]
fn for_cron_jobs_the_file_is_written_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let out = dir.path().join("reports/2024-12.md");
    for _ in 0..2 {
        kam()
            .current_dir(boundaries())
            .args(["kpi", "--month", "2024-12", "-o"])
            .arg(&out)
            .assert()
            .success()
            .stdout("")
            .stderr("");
    }
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# KPI report Dec\u{a0}2024 — Grenzfall AG\n"), "{text}");
    assert_eq!(text, stdout(&boundaries(), &["kpi", "--month", "2024-12"]));
    // A month past the exports is refused, naming their range: reported, it would read as a
    // month in which every customer stopped buying.
    for month in ["2025-03", "2022-12"] {
        kam()
            .current_dir(boundaries())
            .args(["kpi", "--month", month])
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: --month {month} lies outside the exports, which cover 2023-01 to 2024-12; choose a month of that range\n"
            ));
    }
    // The first and the last month of the exports are in range.
    for month in ["2023-01", "2024-12"] {
        kam().current_dir(boundaries()).args(["kpi", "--month", month]).assert().success();
    }
}

#[test]
fn csv_has_one_line_per_owner_and_the_total() {
    let out = stdout(&boundaries(), &["kpi", "--month", "2024-12", "--format", "csv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "owner,accounts,start,end,retained,churned,retention_rate,churn_rate,net_revenue,net_revenue_prev_year,\
         db2_ytd,db2_ytd_prev_year,db2_ytd_change,db2_rate_ytd,db2_rate_ytd_prev_year,db2_rate_change,\
         services_sold,services_value,meetings,complaints_open,complaints_closed,complaints_median_days_to_close,\
         goals_on_track,goals_behind"
    );
    assert_eq!(
        lines[2],
        "Anna,2,0,1,0,0,,,300.00,0.00,100.00,42.00,1.381,0.1818,0.0875,0.0943,2,1500.00,2,2,1,41,0,0"
    );
    assert_eq!(
        lines[5],
        "Total,5,1,3,1,0,1,0,380.00,0.00,50.00,200.00,-0.75,0.0685,0.2151,-0.1466,2,1500.00,4,2,2,20.5,0,0"
    );
    assert_eq!(lines.len(), 6);
}

#[test]
fn a_workspace_without_accounts() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales.csv\"]\n");
    ws.write("sales.csv", b"date,customer,revenue\n2024-01-05,K1,10\n");
    let r = json(ws.path(), &["kpi", "--month", "2024-01"]);
    assert_eq!(r["owners"], json!([]));
    assert_figures(&r["total"], json!({"accounts": 0, "start": 0, "retention_rate": null, "db2_ytd": 0.0}));
    let md = stdout(ws.path(), &["kpi", "--month", "2024-01"]);
    assert!(md.contains("no key accounts yet"), "{md}");
}

#[test]
fn markdown_snapshots() {
    let dir = boundaries();
    insta::assert_snapshot!("kpi_2024_12_en", stdout(&dir, &["kpi", "--month", "2024-12"]));
    insta::assert_snapshot!(
        "kpi_2024_06_anna_de",
        stdout(&dir, &["kpi", "--month", "2024-06", "--owner", "Anna", "--lang", "de"])
    );
}

/// The real Online Retail II export with two dossiers (tests/fixtures/online-retail/accounts):
/// figures from independent_figures.py. The export has no cost data, so DB II is unknown.
#[test]
fn online_retail_kpi() {
    let Some(data) = shared_data() else { return };
    let file = data.join("online_retail_ii.csv.gz");
    if !file.is_file() {
        common::skipped(&format!("{} is absent", file.display()));
        return;
    }
    let dir = fixture("online-retail");
    let out = kam()
        .current_dir(&dir)
        .args(["kpi", "--month", "2011-11", "--format", "json", "--sales"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DB II unknown"));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_figures(
        owner(&r, "Anna"),
        json!({"accounts": 1, "start": 1, "end": 1, "retained": 1, "net_revenue": 22536.21,
               "net_revenue_prev_year": 15559.16, "db2_ytd": null, "db2_ytd_change": null}),
    );
    assert_figures(
        owner(&r, "Ben"),
        json!({"accounts": 1, "start": 1, "end": 1, "net_revenue": 9295.57, "net_revenue_prev_year": 4232.07}),
    );
    assert_figures(&r["total"], json!({"net_revenue": 31831.78, "retention_rate": 1.0}));
    let md = stdout(&dir, &["kpi", "--month", "2011-11", "--sales", file.to_str().unwrap()]);
    let flat = md.replace('\u{a0}', " ").split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    assert!(flat.contains("| Net revenue Nov 2011 | 22,536.21 |"), "{md}");
}

/// A month whose start reaches back before the exports (W = 3, exports from 2023-01) has its
/// retention figures marked, in Markdown and in JSON.
#[test]
fn a_month_whose_start_is_not_observed_is_marked() {
    let r = json(&boundaries(), &["kpi", "--month", "2023-02"]);
    assert_eq!(r["total"]["history_complete"], false);
    // A year earlier lies before the exports: unknown, not 0.
    assert!(
        r["total"]["net_revenue_prev_year"].is_null() && r["total"]["db2_ytd_prev_year"].is_null(),
        "{r:#}"
    );
    let md = stdout(&boundaries(), &["kpi", "--month", "2023-02"]);
    let flat = md.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    // One column per owner ((no owner), Anna, Ben, Dora), the team in a table of its own.
    assert!(flat.contains("| Active at the start of the month² | 1 | 1 | 0 | 0 |"), "{md}");
    assert!(md.contains("² Start not fully observed"), "{md}");
    let r = json(&boundaries(), &["kpi", "--month", "2023-04"]);
    assert_eq!(r["total"]["history_complete"], true);
    assert!(!stdout(&boundaries(), &["kpi", "--month", "2023-04"]).contains('²'));
}

/// Goals of an owner's accounts due this year, on track or behind by the brief's projection:
/// 2026 to March, with 1,200 of net revenue in 2025 and 350 in its first quarter.
#[test]
fn goals_due_this_year_are_on_track_or_behind() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,revenue,cost\n2025-01-10,C1,300,150\n2025-02-12,C1,50,25\n2025-07-10,C1,850,425\n\
2026-01-10,C1,300,150\n2026-03-10,C1,190,95\n",
    );
    // Revenue: 490 × 1,200 / 350 = 1,680 < 2,000: behind. DB II: 245 × 1,200 / 350 = 840 ≥ 800:
    // on track. A goal due 2027 and one of a metric kam does not measure are not counted.
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\nowner = \"Anna\"\n\n\
[[goals]]\ntitle = \"revenue\"\nmetric = \"net_revenue\"\ntarget = 2000\ndue = 2026-12-31\n\n\
[[goals]]\ntitle = \"margin\"\nmetric = \"db2\"\ntarget = 800\ndue = 2026-12-31\n\n\
[[goals]]\ntitle = \"later\"\nmetric = \"db2\"\ntarget = 1\ndue = 2027-12-31\n\n\
[[goals]]\ntitle = \"visits\"\nmetric = \"visits\"\ntarget = 4\ndue = 2026-12-31\n",
    );
    let r = json(ws.path(), &["kpi", "--month", "2026-03"]);
    assert_figures(owner(&r, "Anna"), json!({"goals_on_track": 1, "goals_behind": 1}));
    assert_figures(&r["total"], json!({"goals_on_track": 1, "goals_behind": 1}));
}
