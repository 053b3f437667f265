//! `kam risk` and `kam risk --backtest`: the BG/NBD fit against the reference parameters of
//! lifetimes on CDNOW, the score against the baselines on CDNOW and Online Retail II (skipped,
//! saying so, where `../shared/data` is absent), and the commands on the demo and on small
//! generated histories.

mod common;

use common::{TempWorkspace, kam, skipped};
use kam::risk::bgnbd::{Summary, fit};
use kam::risk::score::{Cut, History, backtest};
use std::io::Read;

fn shared(name: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(name);
    path.is_file().then_some(path)
}

/// Days since 1970-01-01 of `yyyymmdd` (`None` for the header).
fn day(s: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y%m%d").ok()?;
    Some((d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days())
}

/// lifetimes 0.11.3, `BetaGeoFitter().fit` on `summary_data_from_transaction_data(…, freq="D",
/// observation_period_end="1997-09-30")` of CDNOW: r = 0.2516, α = 33.52 days, a = 0.7234,
/// b = 2.1611. kam's fit matches each within 1 %.
#[test]
fn cdnow_parameters_match_lifetimes() {
    let Some(path) = shared("cdnow_master.txt.gz") else {
        skipped("../shared/data/cdnow_master.txt.gz is absent");
        return;
    };
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let end = day("19970930").unwrap();
    let mut days: std::collections::BTreeMap<String, std::collections::BTreeSet<i64>> = Default::default();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let (Some(id), Some(date)) = (fields.next(), fields.next()) else { continue };
        let Some(d) = day(date) else { continue };
        if d <= end {
            days.entry(id.to_string()).or_default().insert(d);
        }
    }
    let summaries: Vec<Summary> = days
        .values()
        .filter_map(|set| Summary::of_days(&set.iter().copied().collect::<Vec<_>>(), end))
        .collect();
    assert_eq!(summaries.len(), 23_570);
    let f = fit(&summaries);
    assert!(f.converged, "{f:?}");
    println!("CDNOW to 1997-09: {:?}", f.params);
    let p = f.params;
    for (name, got, want) in
        [("r", p.r, 0.2516), ("alpha", p.alpha, 33.52), ("a", p.a, 0.7234), ("b", p.b, 2.1611)]
    {
        assert!((got - want).abs() / want < 0.01, "{name}: {got} against lifetimes' {want} ({f:?})");
    }
}

/// Every CDNOW customer's order days (all of them, not only the calibration's).
fn cdnow_histories() -> Option<Vec<History>> {
    let path = shared("cdnow_master.txt.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let mut days: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        let (Some(id), Some(date)) = (fields.next(), fields.next()) else { continue };
        let Some(d) = day(date) else { continue };
        days.entry(id.to_string()).or_default().push(d);
    }
    Some(days.into_iter().map(|(id, days)| History { id, days }).collect())
}

/// The issue's split: calibration to 1997-09, the 39 weeks after (to 1998-06). lifetimes on the
/// same split: BG/NBD expected purchases 0.763, days since the last purchase 0.759. kam's score
/// (the mean rank of expected purchases and frequency) beats both and reaches 0.765.
#[test]
fn cdnow_backtest_beats_the_baselines() {
    let Some(histories) = cdnow_histories() else {
        skipped("../shared/data/cdnow_master.txt.gz is absent");
        return;
    };
    let end = day("19970930").unwrap();
    let cut = Cut { end, horizon_end: day("19980630").unwrap(), since: end - 365, silent_since: end - 92 };
    let cut = &backtest(&histories, &[cut])[0];
    println!("CDNOW 1997-09 + 9 months: {cut:?}");
    assert_eq!(cut.units, 23_570);
    let (score, recency, bgnbd) = (cut.auc.score.unwrap(), cut.auc.recency.unwrap(), cut.auc.bgnbd.unwrap());
    assert!((bgnbd - 0.763).abs() < 0.001 && (recency - 0.759).abs() < 0.001, "{cut:?}");
    assert!(score >= 0.765 && score > bgnbd && score > recency, "{cut:?}");
}

/// Online Retail II: a customer's order days are the days of its invoices with positive revenue.
fn online_retail_histories() -> Option<Vec<History>> {
    let path = shared("online_retail_ii.csv.gz")?;
    let mut reader =
        csv::Reader::from_reader(flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()));
    let mut days: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for record in reader.records() {
        let r = record.unwrap();
        let (quantity, price, customer) =
            (r[3].parse::<f64>().unwrap_or(0.0), r[5].parse::<f64>().unwrap_or(0.0), &r[6]);
        if customer.is_empty() || quantity * price <= 0.0 || r[0].starts_with('C') {
            continue;
        }
        let Some(d) = day(&r[4][..10].replace('-', "")) else { continue };
        days.entry(customer.to_string()).or_default().push(d);
    }
    Some(days.into_iter().map(|(id, days)| History { id, days }).collect())
}

/// Walk forward over Online Retail II: cut-offs at the ends of 2010-12 to 2011-05, each with
/// the 12 months before and 6 whole months after. kam's score beats every baseline on average.
#[test]
fn online_retail_backtest_beats_the_baselines() {
    let Some(histories) = online_retail_histories() else {
        skipped("../shared/data/online_retail_ii.csv.gz is absent");
        return;
    };
    let month_end = |y: i32, m: u32| {
        let first = chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap();
        day(&(next - chrono::Days::new(1)).format("%Y%m%d").to_string()).unwrap()
    };
    let cutoffs: Vec<Cut> = [(2010, 12), (2011, 1), (2011, 2), (2011, 3), (2011, 4), (2011, 5)]
        .iter()
        .map(|&(y, m)| {
            let (after_y, after_m) = if m + 6 > 12 { (y + 1, m + 6 - 12) } else { (y, m + 6) };
            let (before_y, before_m) = (y - 1, m);
            let end = month_end(y, m);
            Cut {
                end,
                horizon_end: month_end(after_y, after_m),
                since: month_end(before_y, before_m),
                silent_since: end - 92,
            }
        })
        .collect();
    let cuts = backtest(&histories, &cutoffs);
    let mean = |f: fn(&kam::risk::score::Cutoff) -> Option<f64>| {
        cuts.iter().map(|c| f(c).unwrap()).sum::<f64>() / cuts.len() as f64
    };
    let score = mean(|c| c.auc.score);
    let recency = mean(|c| c.auc.recency);
    let bgnbd = mean(|c| c.auc.bgnbd);
    let window = mean(|c| c.auc.window_rule);
    println!(
        "Online Retail II, 6 cut-offs, 6 months ahead: AUC score {score:.4}, recency {recency:.4}, BG/NBD {bgnbd:.4}, W rule {window:.4}"
    );
    assert!(score > recency && score > bgnbd && score > window, "{cuts:?}");
}

// ---------------------------------------------------------------------------------------------
// The commands
// ---------------------------------------------------------------------------------------------

fn demo() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn risk_json(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = kam().current_dir(dir).arg("risk").args(args).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "kam risk {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

/// Every row's score is 0 to 100 and the sum of its components' points; rows most at risk first.
fn assert_rows_consistent(report: &serde_json::Value) {
    let rows = report["rows"].as_array().unwrap();
    let mut last = f64::INFINITY;
    for r in rows {
        let score = f(&r["score"]);
        assert!((0.0..=100.0).contains(&score), "{r}");
        assert!(score <= last + 1e-12, "not sorted: {r}");
        last = score;
        let c = &r["components"];
        let sum = c["expected_orders"]["points"].as_f64().unwrap_or(0.0)
            + f(&c["order_days"]["points"])
            + f(&c["days_since_last"]["points"]);
        assert!((sum - score).abs() < 1e-9, "{r}");
        assert!(r["days_since_last"].as_i64().unwrap() >= 0, "{r}");
    }
}

#[test]
fn the_demo_ranks_every_customer_and_the_key_accounts() {
    let report = risk_json(demo(), &[]);
    assert_eq!(report["by"], "customer");
    assert_eq!(report["at"], "2026-10");
    assert_eq!(report["model"]["time_unit"], "day");
    assert_eq!(report["model"]["customers"], 47);
    assert_rows_consistent(&report);
    assert_eq!(report["rows"].as_array().unwrap().len(), 47);
    // The backtest on the demo's own exports is reported beside the ranking.
    assert!(report["measured"]["cutoffs"].as_u64().unwrap() >= 12, "{}", report["measured"]);

    let accounts = risk_json(demo(), &["--by", "account"]);
    let rows = accounts["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    assert_rows_consistent(&accounts);
    // Weser Pumpen stopped ordering in April 2025: the riskiest key account, its signals listed.
    assert_eq!(rows[0]["id"], "weser-pumpen");
    assert_eq!(rows[0]["last_order"], "2025-04-29");
    assert!(f(&rows[0]["score"]) > 80.0, "{}", rows[0]);
    assert_eq!(rows[0]["signals"]["open_complaints"], 0);
    assert_eq!(rows[0]["signals"]["satisfaction"], "4");
    // Nordhafen orders almost daily: the safest.
    assert_eq!(rows[7]["id"], "nordhafen");
    assert!(f(&rows[7]["score"]) < 10.0);
}

#[test]
fn an_account_ranks_among_the_customers_as_its_customer_numbers_together() {
    // An account with one customer number scores as that customer does.
    let customers = risk_json(demo(), &[]);
    let accounts = risk_json(demo(), &["--by", "account"]);
    let weser_customer =
        customers["rows"].as_array().unwrap().iter().find(|r| r["account"] == "weser-pumpen").unwrap();
    let weser_account =
        accounts["rows"].as_array().unwrap().iter().find(|r| r["id"] == "weser-pumpen").unwrap();
    assert!((f(&weser_customer["score"]) - f(&weser_account["score"])).abs() < 1e-9);
}

#[test]
fn the_owner_filter_keeps_their_accounts_and_an_unknown_owner_is_an_error() {
    let anna = risk_json(demo(), &["--by", "account", "--owner", "anna berg"]);
    let ids: Vec<&str> = anna["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["schwaben-fahrzeug", "nordhafen"]);
    let out = kam().current_dir(demo()).args(["risk", "--owner", "Nobody", "--lang", "en"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no account has the owner \"Nobody\"; owners: "), "{err}");
}

#[test]
fn months_outside_the_exports_and_a_horizon_without_backtest_are_refused() {
    let out = kam().current_dir(demo()).args(["risk", "--at", "2030-01", "--lang", "de"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--at 2030-01 liegt außerhalb der Exporte, die 2023-01 bis 2026-10 abdecken"),
        "{err}"
    );
    let out = kam().current_dir(demo()).args(["risk", "--horizon", "3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--backtest"));
}

#[test]
fn the_demo_backtest_walks_forward_over_every_cut_off() {
    let bt = risk_json(demo(), &["--backtest"]);
    assert_eq!(bt["horizon_months"], 6);
    let cutoffs = bt["cutoffs"].as_array().unwrap();
    // 2023-01 to 2026-10: the first cut-off 2023-12, the last 2026-04 (6 whole months after).
    assert_eq!(cutoffs.first().unwrap()["month"], "2023-12");
    assert_eq!(cutoffs.last().unwrap()["month"], "2026-04");
    assert_eq!(cutoffs.len(), 29);
    for c in cutoffs {
        for k in ["score", "recency", "window_rule"] {
            let auc = f(&c["auc"][k]);
            assert!((0.0..=1.0).contains(&auc), "{c}");
        }
    }
    let auc = f(&bt["auc"]["score"]);
    assert!(auc > 0.8, "{bt}");
    // Only --at: one cut-off.
    let one = risk_json(demo(), &["--backtest", "--at", "2025-06", "--horizon", "3"]);
    assert_eq!(one["cutoffs"].as_array().unwrap().len(), 1);
    assert_eq!(one["cutoffs"][0]["month"], "2025-06");
}

#[test]
fn risk_reports_render_in_german_with_their_definitions() {
    let out = kam().current_dir(demo()).args(["risk", "--by", "account", "--format", "md"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("risk_accounts_demo_de", String::from_utf8(out.stdout).unwrap());
    let out = kam().current_dir(demo()).args(["risk", "--backtest", "--format", "md"]).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("risk_backtest_demo_de", String::from_utf8(out.stdout).unwrap());
}

/// A generated history whose churners are known: 40 customers order every week from 2024-01 to
/// 2025-12; 10 of them stop after June 2025.
fn generated() -> TempWorkspace {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let mut csv = String::from("date,customer,quantity,revenue\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let stop = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let end = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    for c in 0..40 {
        let mut d = start + chrono::Days::new(c % 7);
        while d <= end {
            if c >= 10 || d <= stop {
                csv.push_str(&format!("{d},K{c:02},1,100\n"));
            }
            // A week and a little jitter per customer.
            d = d + chrono::Days::new(7 + (c % 3));
        }
    }
    ws.write("s.csv", csv.as_bytes());
    ws
}

#[test]
fn the_backtest_finds_the_known_churners_of_a_generated_history() {
    let ws = generated();
    let bt = risk_json(ws.path(), &["--backtest", "--at", "2025-06", "--horizon", "6"]);
    let c = &bt["cutoffs"][0];
    assert_eq!((c["customers"].as_u64(), c["churned"].as_u64()), (Some(40), Some(10)), "{bt}");
    // At the cut-off the churners look like everyone else: their orders stop after it.
    assert!(f(&c["auc"]["score"]) <= 1.0);
    // A cut-off after they stopped: every churner of the next 3 months is already silent.
    let bt = risk_json(ws.path(), &["--backtest", "--at", "2025-09", "--horizon", "3"]);
    let c = &bt["cutoffs"][0];
    assert_eq!(c["churned"].as_u64(), Some(10), "{bt}");
    // The score also weighs their fewer order days, so not all of them rank above all others.
    assert!(f(&c["auc"]["score"]) > 0.95, "{bt}");
    assert_eq!(f(&c["auc"]["recency"]), 1.0, "{bt}");
    assert_eq!(f(&c["precision_top_decile"]["score"]), 1.0, "{bt}");
    // And the ranking as of September puts the ten near the top, above every customer that
    // orders weekly without a pause.
    let report = risk_json(ws.path(), &["--at", "2025-09"]);
    let rows = report["rows"].as_array().unwrap();
    let churner = |r: &serde_json::Value| r["id"].as_str().unwrap()[1..].parse::<u32>().unwrap() < 10;
    let worst_churner = rows.iter().rposition(churner).unwrap();
    assert!(worst_churner < 15, "{rows:?}");
    let weekly: Vec<usize> = (0..rows.len())
        .filter(|&i| !churner(&rows[i]) && rows[i]["order_days"].as_u64() > Some(80))
        .collect();
    assert!(!weekly.is_empty() && weekly.iter().all(|&i| i > worst_churner), "{weekly:?}");
}

#[test]
fn one_customer_one_order_and_all_churned_give_no_nan_and_no_panic() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", b"date,customer,quantity,revenue\n2025-03-04,K1,1,10\n");
    let report = risk_json(ws.path(), &[]);
    assert_eq!(report["rows"].as_array().unwrap().len(), 1);
    assert!(report["rows"][0]["score"].is_number(), "{report}");
    assert!(report["measured"].is_null());
    let bt = risk_json(ws.path(), &["--backtest"]);
    assert_eq!(bt["cutoffs"].as_array().unwrap().len(), 0);
    assert!(bt["auc"]["score"].is_null());
    let md = kam().current_dir(ws.path()).args(["risk", "--format", "md"]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(!md.contains("NaN") && md.contains("Not measured"), "{md}");
    // Everybody churned: orders up to 2024-12, one more row in 2025-12 that nobody buys after.
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let mut csv = String::from("date,customer,quantity,revenue\n");
    for m in 1..=12 {
        for c in 0..5 {
            csv.push_str(&format!("2024-{m:02}-{:02},K{c},1,10\n", 3 + c));
        }
    }
    csv.push_str("2025-12-31,K9,1,0\n");
    ws.write("s.csv", csv.as_bytes());
    let bt = risk_json(ws.path(), &["--backtest", "--at", "2024-12"]);
    let c = &bt["cutoffs"][0];
    assert_eq!((c["customers"].as_u64(), c["churned"].as_u64()), (Some(5), Some(5)), "{bt}");
    assert!(c["auc"]["score"].is_null(), "{bt}");
    // Nor a precision: with everybody churned, every ranking's riskiest tenth is all churners.
    for k in ["score", "recency", "bgnbd", "window_rule"] {
        assert!(c["precision_top_decile"][k].is_null(), "{k}: {bt}");
        assert!(bt["precision_top_decile"][k].is_null(), "{k}: {bt}");
    }
    let md = kam()
        .current_dir(ws.path())
        .args(["risk", "--backtest", "--at", "2024-12", "--format", "md"])
        .output()
        .unwrap();
    assert!(md.status.success());
    assert!(!String::from_utf8(md.stdout).unwrap().contains("NaN"));
}

/// CDNOW as an export: `customer_id date number_of_cds dollar_value`, spaces to commas.
fn cdnow_workspace() -> Option<TempWorkspace> {
    let path = shared("cdnow_master.txt.gz")?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    let mut csv = String::from("customer,date,quantity,revenue\n");
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        csv.push_str(&fields.join(","));
        csv.push('\n');
    }
    let ws = TempWorkspace::new(
        "[workspace]\nsales = [\"s.csv\"]\n[import]\ndate_format = \"%Y%m%d\"\n[retention]\ninactive_after_months = 3\n",
    );
    ws.write("s.csv", csv.as_bytes());
    Some(ws)
}

/// `kam risk` on CDNOW: the model as lifetimes fits it (23,500 customers with a purchase of
/// positive value; lifetimes also counts the 70 whose purchases are all of value 0, within 1 %
/// all the same), and the backtest's target.
#[test]
fn kam_risk_on_cdnow_matches_lifetimes_and_meets_the_target() {
    let Some(ws) = cdnow_workspace() else {
        skipped("../shared/data/cdnow_master.txt.gz is absent");
        return;
    };
    let report = risk_json(ws.path(), &["--at", "1997-09"]);
    let m = &report["model"];
    assert_eq!(m["converged"], true);
    assert_eq!(m["customers"], 23_500);
    for (k, want) in [("r", 0.2516), ("alpha", 33.52), ("a", 0.7234), ("b", 2.1611)] {
        assert!((f(&m[k]) - want).abs() / want < 0.01, "{k}: {m}");
    }
    assert_rows_consistent(&report);
    let bt = risk_json(ws.path(), &["--backtest", "--at", "1997-09", "--horizon", "9"]);
    let auc = &bt["auc"];
    println!("CDNOW 1997-09 + 9 months, kam risk --backtest: {auc}");
    let score = f(&auc["score"]);
    assert!(score >= 0.765, "{auc}");
    for k in ["recency", "bgnbd", "window_rule"] {
        assert!(score > f(&auc[k]), "{k}: {auc}");
    }
}

/// `kam risk --backtest` on Online Retail II (the fixture workspace): the score beats every
/// baseline on average over the cut-offs.
#[test]
fn kam_risk_on_online_retail_beats_the_baselines() {
    if shared("online_retail_ii.csv.gz").is_none() {
        skipped("../shared/data/online_retail_ii.csv.gz is absent");
        return;
    }
    let dir = common::fixture("online-retail");
    let bt = risk_json(&dir, &["--backtest"]);
    let auc = &bt["auc"];
    println!(
        "Online Retail II, kam risk --backtest: {} cut-offs, {auc}",
        bt["cutoffs"].as_array().unwrap().len()
    );
    assert_eq!(bt["cutoffs"].as_array().unwrap().len(), 7);
    let score = f(&auc["score"]);
    for k in ["recency", "bgnbd", "window_rule"] {
        assert!(score > f(&auc[k]), "{k}: {auc}");
    }
    let report = risk_json(&dir, &[]);
    assert_eq!(report["model"]["converged"], true);
    assert_rows_consistent(&report);
}

// ---------------------------------------------------------------------------------------------
// Regression tests
// ---------------------------------------------------------------------------------------------

fn markdown(dir: &std::path::Path, args: &[&str]) -> String {
    let out = kam().current_dir(dir).args(args).args(["--format", "md"]).output().unwrap();
    assert!(out.status.success(), "kam {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn row<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id}: {report}"))
}

/// An order and its credit note on the same day net to nothing: no order day. The rows of a
/// day are summed per customer whatever their order in the file; a credit note on a later day
/// does not take back an earlier order day.
#[test]
fn an_order_cancelled_the_same_day_is_no_order_day() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,invoice,quantity,revenue\n\
          2025-03-10,K1,R3,1,-100\n\
          2025-01-10,K1,R1,1,100\n\
          2025-02-10,K1,R2,1,80\n\
          2025-03-10,K1,R3,1,100\n\
          2025-01-10,K2,S1,1,50\n\
          2025-02-12,K2,S2,1,50\n\
          2025-02-12,K2,S3,1,-20\n\
          2025-02-20,K2,S2,1,-50\n\
          2025-03-15,K3,T1,1,100\n\
          2025-03-15,K3,T1,1,-150\n\
          2025-03-31,K4,U1,1,10\n",
    );
    let report = risk_json(ws.path(), &[]);
    // K1: the order of 2025-03-10 and its credit note (listed first) cancel out.
    let k1 = row(&report, "K1");
    assert_eq!((k1["order_days"].as_u64(), k1["last_order"].as_str()), (Some(2), Some("2025-02-10")), "{k1}");
    // K2: 50 − 20 on 2025-02-12 is still an order; the credit note of 2025-02-20 is none.
    let k2 = row(&report, "K2");
    assert_eq!((k2["order_days"].as_u64(), k2["last_order"].as_str()), (Some(2), Some("2025-02-12")), "{k2}");
    // K3: its only day nets to less than nothing: not ranked.
    assert!(report["rows"].as_array().unwrap().iter().all(|r| r["id"] != "K3"), "{report}");
}

/// The revenue trend compares 12 whole months of exports: none where they reach before the
/// exports' first month, and the month the exports end in early is left out at the default
/// `--at`.
#[test]
fn the_revenue_trend_compares_whole_months_within_the_exports() {
    // 50 on the 5th and the 20th of every month from 2024-01 to 2025-09, then one on
    // 2025-10-05; the exports end on 2025-10-15 (another customer).
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let mut csv = String::from("date,customer,quantity,revenue\n");
    for y in [2024, 2025] {
        for m in 1..=12 {
            if y == 2025 && m > 10 {
                break;
            }
            csv.push_str(&format!("{y}-{m:02}-05,K1,1,50\n"));
            if !(y == 2025 && m == 10) {
                csv.push_str(&format!("{y}-{m:02}-20,K1,1,50\n"));
            }
        }
    }
    csv.push_str("2025-10-15,K2,1,1\n");
    ws.write("s.csv", csv.as_bytes());
    let report = risk_json(ws.path(), &[]);
    assert_eq!(report["at"], "2025-10");
    // 2025-04 … 2025-09 against 2024-10 … 2025-03: 600 against 600, not the 550 of a half October.
    assert_eq!(row(&report, "K1")["trend"], "0", "{report}");
    assert_eq!(report["trend_to"], "2025-09", "{report}");
    let md = markdown(ws.path(), &["risk"]);
    assert!(
        md.contains("Revenue trend: net revenue of Apr–Sep\u{a0}2025 against Oct\u{a0}2024–Mar\u{a0}2025"),
        "{md}"
    );
    // An earlier --at is a month the exports cover completely.
    let report = risk_json(ws.path(), &["--at", "2025-08"]);
    assert_eq!(report["trend_to"], "2025-08", "{report}");
    // As of 2024-11 the 12 months begin before the exports (2024-01): no trend.
    let report = risk_json(ws.path(), &["--at", "2024-11"]);
    assert!(row(&report, "K1")["trend"].is_null(), "{report}");
    assert!(report["trend_to"].is_null(), "{report}");
    let md = markdown(ws.path(), &["risk", "--at", "2024-11", "--lang", "de"]);
    assert!(md.contains("die Exporte reichen nicht über diese 12 Monate zurück"), "{md}");
    let cells =
        |l: &str| l.split('|').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect::<Vec<_>>();
    let k1 = md.lines().map(cells).find(|c| c.get(1).is_some_and(|id| id == "K1")).unwrap();
    assert_eq!(k1.last().map(String::as_str), Some("–"), "{md}");
}

/// 51 customers ordering weekly, each a day later and with one order day fewer than the one
/// before; K (customer number 1 of them) is account a, S with a single order day 60 days before
/// the exports end is account b.
fn ranked_accounts() -> TempWorkspace {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let end = chrono::NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
    let mut csv = String::from("date,customer,quantity,revenue\n");
    for i in 0..51u64 {
        let id = if i == 1 { "K".to_string() } else { format!("C{i:02}") };
        for k in 0..100 - i {
            csv.push_str(&format!("{},{id},1,100\n", end - chrono::Days::new(i + 7 * k)));
        }
    }
    csv.push_str(&format!("{},S,1,100\n", end - chrono::Days::new(60)));
    ws.write("s.csv", csv.as_bytes());
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"K\"]\nowner = \"Anna\"\n");
    ws.write("accounts/b.toml", b"name = \"B\"\ncustomer_ids = [\"S\"]\nowner = \"Anna\"\n");
    ws
}

/// The brief's risk line: the order days it names are those the score ranks (all of them up to
/// the cut-off, not "in 24 months"), and one point, day or order day is singular.
#[test]
fn the_brief_risk_line_counts_truthfully_in_the_right_number() {
    let ws = ranked_accounts();
    let line = |id: &str, lang: &str| {
        let md = markdown(ws.path(), &["brief", id, "--lang", lang]);
        let prefix = if lang == "de" { "- Abwanderungsrisiko " } else { "- Churn risk " };
        md.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{md}")).to_string()
    };
    // K ranks second safest among 52 customers on both counts: 1 point each, 1 day since.
    let a = line("a", "de");
    assert!(a.contains(": bisher 99 Auftragstage (1 Punkt), 1 Tag seit dem letzten Auftrag (Rhythmus: alle 7 Tage; 1 Punkt);"), "{a}");
    let a = line("a", "en");
    assert!(
        a.contains(
            ": 99 order days so far (1 point), 1 day since the last order (usually every 7 days; 1 point);"
        ),
        "{a}"
    );
    let b = line("b", "de");
    assert!(
        b.contains(": bisher 1 Auftragstag (50 Punkte), 60 Tage seit dem letzten Auftrag (50 Punkte);"),
        "{b}"
    );
    let b = line("b", "en");
    assert!(b.contains(": 1 order day so far (50 points), 60 days since the last order (50 points);"), "{b}");
    assert!(!a.contains("24 months") && !b.contains("24 months"), "{a}\n{b}");
}

/// The report's header counts one customer or key account in the singular, and the definitions
/// read right for a score of three ranks and of two.
#[test]
fn the_risk_report_counts_one_in_the_singular_and_defines_both_scores() {
    let ws = ranked_accounts();
    let md = markdown(ws.path(), &["risk", "--by", "account", "--owner", "Anna", "--lang", "de"]);
    assert!(md.contains("bewertet: 2 Schlüsselkunden mit einem Auftrag"), "{md}");
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", b"date,customer,quantity,revenue\n2025-03-04,K1,1,10\n2025-03-09,K1,1,10\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"K1\"]\n");
    let en = markdown(ws.path(), &["risk"]);
    assert!(en.contains("ranked: 1 customer with an order in the 24 months"), "{en}");
    let de = markdown(ws.path(), &["risk", "--by", "account", "--lang", "de"]);
    assert!(de.contains("bewertet: 1 Schlüsselkunde mit einem Auftrag"), "{de}");
    let de = markdown(ws.path(), &["risk", "--lang", "de"]);
    assert!(de.contains("bewertet: 1 Kunde mit einem Auftrag"), "{de}");
    // Without a converged model (one customer) the definitions still describe the score.
    assert!(de.contains("ohne konvergierte Schätzung der Mittelwert der beiden letzten Ränge"), "{de}");
    assert!(!de.contains("50 × (") && !de.contains("100/3"), "{de}");
    assert!(en.contains("Risk = 100 × the mean of the ranks"), "{en}");
}

/// `--backtest --at` a month whose horizon the exports do not hold names the months missing,
/// not the 12 months before (which a cut-off asked for does not need).
#[test]
fn a_backtest_at_a_month_without_its_horizon_names_the_missing_months() {
    let ws = generated();
    let md = markdown(ws.path(), &["risk", "--backtest", "--at", "2025-09", "--horizon", "6"]);
    assert!(
        md.contains("_No cut-off: the cut-off Sep\u{a0}2025 needs the 6 whole months after it, Oct\u{a0}2025–Mar\u{a0}2026; the exports end on 2025-12-31, their last whole month is Dec\u{a0}2025, so Jan–Mar\u{a0}2026 are missing"),
        "{md}"
    );
    assert!(!md.contains("12 months of exports before a cut-off and"), "{md}");
    let md =
        markdown(ws.path(), &["risk", "--backtest", "--at", "2025-11", "--horizon", "2", "--lang", "de"]);
    assert!(
        md.contains("Der Stichtag Nov.\u{a0}2025 braucht die 2 vollen Monate danach, Dez.\u{a0}2025–Jan.\u{a0}2026; die Exporte enden am 31.12.2025, ihr letzter voller Monat ist Dez.\u{a0}2025, es fehlt also Jan.\u{a0}2026"),
        "{md}"
    );
    assert!(md.contains("Horizont: 2 Monate"), "{md}");
    let md = markdown(ws.path(), &["risk", "--backtest", "--at", "2025-12", "--horizon", "1"]);
    assert!(
        md.contains("needs the whole month after it, Jan\u{a0}2026;")
            && md.contains("Horizon: 1 month after"),
        "{md}"
    );
}
