//! `kam brief`: the annual-review brief on the demo workspace, its agreement with `kam margin`
//! and `kam retention`, and its warnings.

mod common;

use common::kam;
use kam::money::Decimal;
use kam::render::Style;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The demo workspace at the repository root.
fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brief(dir: &Path, args: &[&str]) -> String {
    let out = kam().current_dir(dir).arg("brief").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The brief with no-break spaces as spaces and runs of spaces as one, so that table rows read
/// `| a | 1.00 |` whatever the column widths.
fn flat(md: &str) -> String {
    let md = md.replace('\u{a0}', " ");
    let mut out = String::with_capacity(md.len());
    for c in md.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

#[test]
fn snapshot_of_a_rich_and_a_sparse_brief() {
    insta::assert_snapshot!("brief_nordhafen_de", brief(&demo(), &["nordhafen"]));
    insta::assert_snapshot!(
        "brief_lausitz_en",
        brief(&demo(), &["lausitz-metallbau", "--year", "2025", "--lang", "en"])
    );
}

/// The margin ladder of the brief shows the figures of `kam margin --by account --year Y`.
#[test]
fn margin_ladder_equals_kam_margin() {
    let md = brief(&demo(), &["nordhafen", "--year", "2025", "--lang", "en"]);
    let out = kam()
        .current_dir(demo())
        .args(["margin", "--by", "account", "--year", "2025", "--account", "nordhafen", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let values: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(values[0], "nordhafen");
    let style = Style::new(kam::config::Language::En);
    let ladder = md.split("### Contribution margins").nth(1).unwrap().split("###").next().unwrap();
    for (figure, label) in [
        ("gross_revenue", "Gross revenue"),
        ("deductions", "Deductions"),
        ("net_revenue", "Net revenue"),
        ("variable_costs", "Variable costs"),
        ("db1", "CM I "),
        ("direct_costs", "Direct costs"),
        ("db2", "CM II "),
        ("overhead", "Overhead"),
        ("db3", "CM III "),
    ] {
        let i = header.iter().position(|h| *h == figure).unwrap();
        let expected = style.money(Decimal::from_str(values[i]).unwrap());
        let row = ladder.lines().find(|l| l.starts_with(&format!("| {label}"))).unwrap();
        // The row is | label | Y−1 | Y |: the last cell is Y.
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[3], expected, "{figure} in {row}");
    }
}

/// On a workspace with this one account, `kam retention --by account --period year` has the
/// brief's net and gross revenue retention.
#[test]
fn retention_equals_kam_retention() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    let toml = std::fs::read_to_string(demo().join("kam.toml")).unwrap();
    let sales = demo().join("examples/sales/*.csv");
    let toml = toml
        .replace("sales = [\"examples/sales/*.csv\"]", &format!("sales = [{:?}]", sales.to_str().unwrap()));
    std::fs::write(dir.path().join("kam.toml"), toml).unwrap();
    std::fs::copy(demo().join("accounts/elbwerft.toml"), dir.path().join("accounts/elbwerft.toml")).unwrap();
    let out = kam()
        .current_dir(dir.path())
        .args(["retention", "--by", "account", "--period", "year", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = report["rows"].as_array().unwrap().iter().find(|r| r["period"] == "2025").unwrap().clone();
    let md = brief(dir.path(), &["elbwerft", "--year", "2025", "--lang", "en"]);
    let style = Style::new(kam::config::Language::En);
    let pct = |v: &serde_json::Value| style.percent(Decimal::from_str(&v.to_string()).unwrap());
    let expected =
        format!("Net revenue retention {}, gross revenue retention {}", pct(&row["nrr"]), pct(&row["grr"]));
    let md = flat(&md);
    assert!(md.contains(&flat(&expected)), "{expected} not in the brief:\n{md}");
    let state = if row["end"] == 1 && row["start"] == 1 { "retained" } else { "churned" };
    assert!(md.contains(&format!("Jan–Dec 2025: {state}")), "{md}");
}

#[test]
fn question_count_warning() {
    let md = brief(&demo(), &["alpen-praezision", "--lang", "en"]);
    assert!(md.contains("> ⚠ **16 questions prepared.** About 10 to 14 questions work best"), "{md}");
    assert!(md.contains("16. "));
    let md = brief(&demo(), &["donau-landtechnik", "--lang", "en"]);
    assert!(md.contains("> ⚠ **8 questions prepared.**"));
    let md = brief(&demo(), &["nordhafen", "--lang", "en"]);
    assert!(!md.contains("questions prepared"));
    assert!(md.contains("12. "));
}

#[test]
fn expiring_special_prices_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    std::fs::write(dir.path().join("kam.toml"), "[workspace]\nsales = []\n").unwrap();
    std::fs::write(
        dir.path().join("accounts/x.toml"),
        r#"name = "X GmbH"
[conditions]
special_prices = [
  { product = "OLD", price = 1.0, until = 2026-10-31 },
  { product = "BEFORE", price = 2.0, until = 2026-12-01 },
  { product = "SOON", price = 3.0, until = 2027-02-28 },
  { product = "LATER", price = 4.0, until = 2027-12-31 },
  { product = "OPEN", price = 5.0 },
]
[review]
date = 2026-12-10
"#,
    )
    .unwrap();
    let md = brief(dir.path(), &["x", "--lang", "en", "--year", "2026"]);
    let line = |p: &str| md.lines().find(|l| l.starts_with(&format!("| {p} "))).unwrap().to_string();
    assert!(line("OLD").contains("expired"));
    assert!(line("BEFORE").contains("⚠ expires before the review"));
    assert!(line("SOON").contains("⚠ expires soon after the review"));
    assert!(!line("LATER").contains('⚠'));
    assert!(!line("OPEN").contains('⚠'));
}

#[test]
fn an_account_without_sales_still_gets_its_brief() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    std::fs::write(dir.path().join("kam.toml"), "[workspace]\nsales = [\"s.csv\"]\n").unwrap();
    std::fs::write(dir.path().join("s.csv"), "date,customer,revenue\n2026-01-05,OTHER,100.00\n").unwrap();
    std::fs::write(dir.path().join("accounts/neu.toml"), "name = \"Neukunde AG\"\ncustomer_ids = [\"N1\"]\n")
        .unwrap();
    kam()
        .current_dir(dir.path())
        .args(["brief", "neu", "--lang", "en"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: account `neu` has no sales in 2026"))
        .stdout(predicate::str::contains(
            "**No sales in 2026 in the exports for this account's customer numbers.**",
        ))
        .stdout(predicate::str::contains("## Information checklist"));
}

#[test]
fn unknown_id_lists_the_known_ones() {
    kam()
        .current_dir(demo())
        .args(["brief", "nordhaven"])
        .assert()
        .code(1)
        .stdout("")
        // The demo workspace is German: so are its messages.
        .stderr(predicate::str::contains("Fehler: kein Schlüsselkunde `nordhaven`; meinten Sie `nordhafen`?"))
        .stderr(predicate::str::contains(
            "Bekannte Schlüsselkunden: alpen-praezision, donau-landtechnik, elbwerft",
        ));
    kam()
        .current_dir(demo())
        .args(["--lang", "en", "brief", "nordhaven"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error: no account `nordhaven`; did you mean `nordhafen`?"))
        .stderr(predicate::str::contains("Known accounts: alpen-praezision, donau-landtechnik, elbwerft"));
}

#[test]
fn upcoming_reviews_get_one_file_each() {
    let out = tempfile::tempdir().unwrap();
    kam()
        .current_dir(demo())
        .args(["brief", "--upcoming", "16", "-o"])
        .arg(out.path())
        .assert()
        .success()
        .stdout("");
    let mut files: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    // Today is 2026-11-23: the reviews on 2026-12-03 and 2026-12-08 fall within 16 days, the
    // next one (2026-12-15) does not.
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&"nordhafen-2026-12-08.md".to_string()), "{files:?}");
    assert!(files.contains(&"elbwerft-2026-12-03.md".to_string()), "{files:?}");
    let text = std::fs::read_to_string(out.path().join("nordhafen-2026-12-08.md")).unwrap();
    assert!(text.starts_with("# Nordhafen"));
    kam().current_dir(demo()).args(["brief", "--upcoming", "14"]).assert().code(2);
}

#[test]
fn the_brief_is_markdown_or_its_figures_as_json() {
    for args in [
        &["brief", "nordhafen", "--format", "csv"][..],
        &["brief", "--upcoming", "30", "-o", "x", "--format", "json"],
    ] {
        kam()
            .current_dir(demo())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("der Brief ist ein Markdown-Dokument (--format md) oder, für einen Schlüsselkunden, seine Zahlen als Daten (--format json)"));
    }
    let j = common::json(&demo(), &["brief", "nordhafen"]);
    assert_eq!(j["account"], "nordhafen");
    assert_eq!(j["months"], serde_json::json!(["2026-01", "2026-10"]));
}

/// Retention figures whose start lies before the exports are marked in the brief: the spec
/// example's exports begin in 2025-01, so 2025's start (2024-12, W = 2) is not observed.
#[test]
fn a_retention_figure_whose_start_is_not_observed_is_marked() {
    let dir = common::fixture("spec-example");
    let first = brief(&dir, &["alpha", "--year", "2025", "--lang", "en"]);
    assert!(flat(&first).contains("⚠ The start of Jan 2025 is not fully observed"), "{first}");
    let later = brief(&dir, &["alpha", "--year", "2026", "--lang", "en"]);
    assert!(!later.contains("not fully observed"), "{later}");
}

/// Expected receivables are gross where the VAT rate is known: 365 days of 10.00 net revenue a
/// day with DSO 30 are 300.00 net, 357.00 with 19 % VAT.
#[test]
fn expected_receivables_include_vat_when_its_rate_is_set() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let mut csv = String::from("date,customer,revenue\n");
    for m in 1..=12 {
        csv.push_str(&format!("2026-{m:02}-01,C1,{}\n", if m == 12 { 3650 - 11 * 300 } else { 300 }));
    }
    ws.write("s.csv", csv.as_bytes());
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n[credit]\ndso_days = 30\n");
    let net = flat(&brief(ws.path(), &["a", "--lang", "en"]));
    assert!(
        net.contains("expected receivables 300.00 EUR (net of VAT; gross with [workspace] vat_rate)"),
        "{net}"
    );
    ws.write("kam.toml", b"[workspace]\nsales = [\"s.csv\"]\nvat_rate = 0.19\n");
    let gross = flat(&brief(ws.path(), &["a", "--lang", "en"]));
    assert!(gross.contains("expected receivables 357.00 EUR (gross, incl. 19.0% VAT)"), "{gross}");
    ws.write("kam.toml", b"[workspace]\nsales = [\"s.csv\"]\nvat_rate = 19\n");
    common::check_fails(ws.path())
        .has("kam.toml:3:12: error: vat_rate must be a fraction from 0 to 1 (0.19 for 19 %), found 19");
}

/// The customer's spend is worked out on the last 12 months and rounded as the estimate it is:
/// 3,650.00 of net revenue at a share of 0.3 is 12,166.67, "about 12,200 EUR".
#[test]
fn share_of_wallet_is_worked_out_on_the_last_twelve_months_and_rounded() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    // 2025-12 lies in the last 12 months (2025-11 to 2026-10), 2025-10 does not.
    ws.write("s.csv", b"date,customer,revenue\n2025-10-01,C1,9999\n2025-12-01,C1,1650\n2026-10-01,C1,2000\n");
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n[profile]\nshare_of_wallet = 0.3\n",
    );
    let md = brief(ws.path(), &["a", "--lang", "en"]);
    assert!(
        flat(&md).contains("Share of wallet: 30.0% (so the customer spends about 12,200 EUR a year"),
        "{md}"
    );
}

/// Years the exports do not hold are unknown, not zero; a year they hold in part says which
/// part (the spec example's exports run from 2025-01 to 2026-03).
#[test]
fn years_outside_the_exports_are_unknown_not_zero() {
    let dir = common::fixture("spec-example");
    let md = flat(&brief(&dir, &["alpha", "--year", "2025", "--lang", "en"]));
    assert!(md.contains("| 2023 (not in the exports) | – | – | – |"), "{md}");
    assert!(md.contains("| 2025 |"), "{md}");
    let md = flat(&brief(&dir, &["alpha", "--year", "2026", "--lang", "en"]));
    assert!(md.contains("| 2026 (to Mar 2026) |"), "{md}");
}

/// An export whose last month is March 2026. 2025: tools 100 in each of Jan–Mar (300) and 700
/// later (1,000 in all); safety 50 in Feb and 150 in Nov. 2026 to March: tools 450, safety 40.
const PARTIAL_YEAR: &[u8] = b"date,customer,category,quantity,revenue,cost\n\
2025-01-10,C1,tools,1,100,50\n2025-02-10,C1,tools,1,100,50\n2025-03-10,C1,tools,1,100,50\n\
2025-07-10,C1,tools,7,700,350\n2025-02-12,C1,safety,5,50,25\n2025-11-12,C1,safety,15,150,75\n\
2026-01-10,C1,tools,3,300,150\n2026-03-10,C1,tools,2,150,75\n2026-03-12,C1,safety,4,40,20\n";

/// Like for like: with exports ending in March of Y, every comparison sets January to March of Y
/// against January to March of Y−1, all of Y−1 beside it, and the full year is projected.
#[test]
fn a_partial_year_is_compared_like_for_like() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    // Y−1 = 2025: tools 100 in each of Jan–Mar (300) and 700 later (1,000 in all); safety 50 in
    // Feb and 150 in Nov. Y = 2026 to March: tools 450, safety 40.
    ws.write("s.csv", PARTIAL_YEAR);
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n");
    let md = flat(&brief(ws.path(), &["a", "--lang", "en"]));
    // Tools: 450 against 300 is +50.0 %; safety 40 against 50 is −20.0 %; the full 2025 beside.
    assert!(md.contains("### Per product category, Jan–Mar 2026 against Jan–Mar 2025"), "{md}");
    assert!(md.contains("| safety | 50.00 | 40.00 | −20.0% | 200.00 | 5 | 4 |"), "{md}");
    assert!(md.contains("| tools | 300.00 | 450.00 | +50.0% | 1,000.00 | 3 | 5 |"), "{md}");
    // The ladder: net revenue 350 (Jan–Mar 2025), 490 (2026), 1,200 (2025).
    assert!(md.contains("| Net revenue | 350.00 | 490.00 | 1,200.00 |"), "{md}");
    // Status: 490 against 350 is +40.0 %; the projection 1,200 × 490 / 350 = 1,680.
    assert!(md.contains("Jan–Mar 2026: 490.00 EUR, +40.0% against Jan–Mar 2025 (350.00 EUR)."), "{md}");
    assert!(md.contains("Projection for all of 2026: about 1,680 EUR"), "{md}");
}

/// `kam brief --format json`: the like-for-like figures, the projection and goals against actual
/// (SPEC 4.1), on the partial year of the fixture above (2026 to March).
#[test]
fn brief_json_has_the_figures_the_projection_and_the_goals() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", PARTIAL_YEAR);
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n\
[[goals]]\ntitle = \"revenue\"\nmetric = \"net_revenue\"\ntarget = 2000\ndue = 2026-12-31\n\n\
[[goals]]\ntitle = \"margin\"\nmetric = \"db2\"\ntarget = 1000\ndue = 2026-12-31\n\n\
[[goals]]\ntitle = \"later\"\nmetric = \"net_revenue\"\ntarget = 5000\ndue = 2027-12-31\n\n\
[[goals]]\ntitle = \"visits\"\nmetric = \"visits\"\ntarget = 4\ndue = 2026-12-31\n\n\
[[goals]]\ntitle = \"past\"\nmetric = \"net_revenue\"\ntarget = 1\ndue = 2025-12-31\n\n\
[[actions]]\ntitle = \"now\"\ndue = 2026-06-30\nexpected_revenue = 100\nprobability = 0.5\n\n\
[[actions]]\ntitle = \"next year\"\ndue = 2027-02-01\nexpected_revenue = 300\n",
    );
    let j = common::json(ws.path(), &["brief", "a"]);
    assert_eq!(j["months"], serde_json::json!(["2026-01", "2026-03"]));
    assert_eq!(j["complete"], false);
    let num = |v: &serde_json::Value| v.as_f64().unwrap();
    assert_eq!(num(&j["figures"]["current"]["net_revenue"]), 490.0);
    assert_eq!(num(&j["figures"]["previous_same_months"]["net_revenue"]), 350.0);
    assert_eq!(num(&j["figures"]["previous_year"]["net_revenue"]), 1200.0);
    // 1,200 × 490 / 350 = 1,680.
    assert_eq!(num(&j["forecast_net_revenue"]), 1680.0);
    // Per category, the margin figures of both spans: tools 450 against 300.
    let tools = j["categories"].as_array().unwrap().iter().find(|c| c["category"] == "tools").unwrap();
    assert_eq!(num(&tools["current"]["net_revenue"]), 450.0);
    assert_eq!(num(&tools["previous_same_months"]["net_revenue"]), 300.0);
    assert_eq!(num(&tools["current"]["db1"]), 225.0);
    // Revenue: actual 490, projected 490 × 1,680 / 490 = 1,680, attainment 0.84. DB II: 245
    // (490 − 245 cost), projected 840, attainment 0.84. A goal due later: the actual so far. A
    // metric kam does not measure: nulls. A goal due before Y is not shown.
    let goals = j["goals"].as_array().unwrap();
    let titles: Vec<&str> = goals.iter().map(|g| g["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["revenue", "margin", "later", "visits"]);
    assert_eq!(
        (num(&goals[0]["actual"]), num(&goals[0]["projected"]), num(&goals[0]["attainment"])),
        (490.0, 1680.0, 0.84)
    );
    assert_eq!(
        (num(&goals[1]["actual"]), num(&goals[1]["projected"]), num(&goals[1]["attainment"])),
        (245.0, 840.0, 0.84)
    );
    assert_eq!((num(&goals[2]["actual"]), goals[2]["projected"].is_null()), (490.0, true));
    assert!(goals[3]["actual"].is_null() && goals[3]["attainment"].is_null());
    // The open actions due in 2026 (50 weighted) and those due later (300) have their own sums.
    assert_eq!(num(&j["actions"]["expected_revenue"]), 100.0);
    assert_eq!(num(&j["actions"]["expected_revenue_weighted"]), 50.0);
    assert_eq!(num(&j["actions"]["expected_revenue_later"]), 300.0);
    // The Markdown brief shows the goals too; CSV and --upcoming with JSON are refused.
    let md = brief(ws.path(), &["a", "--lang", "en"]);
    assert!(md.contains("## Goals"), "{md}");
    assert!(md.contains("| revenue | Net revenue |"), "{md}");
    kam().current_dir(ws.path()).args(["brief", "a", "--format", "csv"]).assert().code(2);
}

/// The look back always holds the last two annual reviews, also one a few days more than two
/// years before the next (Elbwerft: held 2024-11-26, next review 2026-12-03).
#[test]
fn the_look_back_holds_the_last_two_annual_reviews() {
    let md = brief(&demo(), &["elbwerft"]);
    assert!(
        md.contains("- 26.11.2024 — Jahresgespräch 2024: Sonderpreis Auffanggurte bis Ende 2026 vereinbart."),
        "{md}"
    );
}

/// The plan: this year's open actions past due are overdue in the status, not next year's
/// plan; agenda item 2 lists the actions due next year; every open action is in the action plan.
#[test]
fn overdue_actions_are_this_years_and_next_years_are_the_plan() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("s.csv", b"date,customer,revenue\n2026-01-05,C1,100\n");
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n\
[[actions]]\ntitle = \"late one\"\ndue = 2026-03-01\n\n\
[[actions]]\ntitle = \"next year\"\ndue = 2027-02-01\n\n\
[[actions]]\ntitle = \"plain\"\ndue = 2026-12-20\n",
    );
    let md = brief(ws.path(), &["a", "--lang", "en"]);
    assert!(md.contains("| late one | 2026-03-01 | ⚠ overdue since 2026-03-01 |"), "{md}");
    let agenda =
        md.split("## 2. Planned activities for next year").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(agenda.contains("next year (due 2027-02-01)") && !agenda.contains("late one"), "{agenda}");
    let plan = md.split("## Action plan").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(
        plan.contains("| plain ") && plan.contains("| late one ") && plan.contains("| next year "),
        "{plan}"
    );
}

/// A goal that records the day it was agreed shows in the look back beside that review.
#[test]
fn goals_agreed_at_a_review_are_in_the_look_back() {
    let md = brief(&demo(), &["nordhafen"]);
    assert!(md.contains("**In den Gesprächen vereinbart**"), "{md}");
    assert!(
        md.contains("- 09.12.2025 — vereinbart: Nettoumsatz 2027 auf 710 T€ steigern, bis 31.12.2027"),
        "{md}"
    );
}

/// Found in review: a change from a negative figure reads as a rise; a Y−1 the exports do not
/// hold from January on is not compared; a year after the exports is no complete year; undated
/// actions count for the years after.
#[test]
fn comparisons_only_where_both_sides_are_in_the_exports() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    // Jan–Mar 2025 nets −50, Jan–Mar 2026 120: +340 %, not −340 %.
    ws.write(
        "s.csv",
        b"date,customer,category,revenue,cost\n2025-01-10,C1,c,100,50\n2025-02-10,C1,c,-150,-75\n2025-06-10,C1,c,400,200\n2026-01-10,C1,c,120,60\n2026-03-10,C1,c,0.01,0\n",
    );
    ws.write(
        "accounts/a.toml",
        b"name = \"A\"\ncustomer_ids = [\"C1\"]\n\n[[actions]]\ntitle = \"undated\"\nexpected_revenue = 500\n",
    );
    let md = flat(&brief(ws.path(), &["a", "--lang", "en"]));
    assert!(md.contains("Jan–Mar 2026: 120.01 EUR, +340.0% against Jan–Mar 2025 (−50.00 EUR)."), "{md}");
    let j = common::json(ws.path(), &["brief", "a"]);
    assert_eq!(j["actions"]["expected_revenue"].as_f64(), Some(0.0));
    assert_eq!(j["actions"]["expected_revenue_later"].as_f64(), Some(500.0));
    // Exports from 2025-02: January of 2025 is missing, so 2025 is not compared.
    ws.write("s.csv", b"date,customer,category,revenue,cost\n2025-02-10,C1,c,150,75\n2026-01-10,C1,c,300,150\n2026-03-10,C1,c,100,50\n");
    let md = flat(&brief(ws.path(), &["a", "--lang", "en"]));
    assert!(
        md.contains("Jan–Mar 2025 is not wholly in the exports, so there is no comparison with it."),
        "{md}"
    );
    assert!(md.contains("⚠ 2025 is not wholly in the exports"), "{md}");
    assert!(!md.contains("Projection for all of 2026"), "{md}");
    let j = common::json(ws.path(), &["brief", "a"]);
    assert_eq!((j["comparable"].as_bool(), j["figures"]["previous_year"].is_null()), (Some(false), true));
    assert!(j["forecast_net_revenue"].is_null());
    // A year after the exports: no months, no forecast.
    let j = common::json(ws.path(), &["brief", "a", "--year", "2027"]);
    assert_eq!((j["months"].as_array().map(Vec::len), j["complete"].as_bool()), (Some(0), Some(false)));
    assert!(j["forecast_net_revenue"].is_null());
}
