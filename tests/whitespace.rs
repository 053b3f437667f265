//! `kam whitespace` against a hand-computed grid: a centre with no rows, a category nobody else
//! buys, a segment of one (which falls back to customers of similar size), the grid kept by
//! hand, and the brief's agenda showing the biggest gaps.

mod common;

use common::{TempWorkspace, json_eq, kam};
use serde_json::{Value, json};

/// Three accounts and two customers outside any account; the exports end in October 2026.
///
/// | customer | account (segment) | Cat1 | Cat2 | Cat3 | Cat4 |
/// | --- | --- | --- | --- | --- | --- |
/// | A1 "Lager Hamburg" | acme (Bau) | 100 | 50 | | |
/// | A2 | acme (Bau) | 30 | | 20 | |
/// | A3 | acme (Bau) | | | | |
/// | B1 | beta (Bau) | 200 | 80 | | 40 |
/// | G1 | gamma (Solo) | 60 | | | |
/// | X1 | – | 90 | | | 10 |
/// | X2 | – | | 300 | | |
fn workspace() -> TempWorkspace {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let rows = [
        ("A1", "Cat1", 100),
        ("A1", "Cat2", 50),
        ("A2", "Cat1", 30),
        ("A2", "Cat3", 20),
        ("B1", "Cat1", 200),
        ("B1", "Cat2", 80),
        ("B1", "Cat4", 40),
        ("G1", "Cat1", 60),
        ("X1", "Cat1", 90),
        ("X1", "Cat4", 10),
        ("X2", "Cat2", 300),
    ];
    let mut csv = String::from("date,customer,category,quantity,revenue\n");
    for (i, (c, k, v)) in rows.iter().enumerate() {
        // Split over two months; the last row on 2026-10-20.
        let half = *v / 2;
        csv.push_str(&format!("2026-03-{:02},{c},{k},1,{half}\n", 1 + i));
        csv.push_str(&format!("2026-10-{:02},{c},{k},1,{}\n", 10 + i, v - half));
    }
    // A sale before the 12 months: not counted.
    csv.push_str("2025-10-31,A3,Cat1,1,999\n");
    ws.write("s.csv", csv.as_bytes());
    ws.write(
        "accounts/acme.toml",
        br#"name = "Acme"
customer_ids = ["A1", "A2", "A3"]
segment = "Bau"

[[buying_centres]]
customer_id = "A1"
name = "Lager Hamburg"

[[whitespace]]
offering = "Schulungen"
centre = "Lager Hamburg"
status = "competitor"
competitor = "Konkurrenz GmbH"

[[whitespace]]
offering = "Wartungsvertrag"
centre = "A2"
status = "open"
"#,
    );
    ws.write("accounts/beta.toml", b"name = \"Beta\"\ncustomer_ids = [\"B1\"]\nsegment = \"bau\"\n");
    ws.write("accounts/gamma.toml", b"name = \"Gamma\"\ncustomer_ids = [\"G1\"]\nsegment = \"Solo\"\n");
    ws
}

/// Equal as JSON, numbers compared as numbers (100 and 100.0 alike).
#[track_caller]
fn same(got: &Value, want: Value) {
    assert!(json_eq(got, &want), "got {got:#}\nwant {want:#}");
}

fn report(ws: &TempWorkspace, id: &str) -> Value {
    let out = kam().current_dir(ws.path()).args(["whitespace", id, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_grid_the_peers_and_the_gaps_of_a_segment() {
    let ws = workspace();
    let r = report(&ws, "acme");
    same(&r["months"], json!(["2025-11", "2026-10"]));
    // Segment "Bau" (compared ignoring case): beta's B1 alone.
    same(&r["rule"], json!({"kind": "segment", "segment": "Bau"}));
    assert_eq!(r["peers"], 1);
    same(
        &r["centres"],
        json!([
            {"customer_id": "A1", "name": "Lager Hamburg", "categories": {"Cat1": 100.0, "Cat2": 50.0}},
            {"customer_id": "A2", "name": null, "categories": {"Cat1": 30.0, "Cat3": 20.0}},
            {"customer_id": "A3", "name": null, "categories": {}},
        ]),
    );
    same(
        &r["categories"],
        json!([
            {"category": "Cat1", "peer_buyers": 1, "peer_share": 1.0, "peer_median": 200.0},
            {"category": "Cat2", "peer_buyers": 1, "peer_share": 1.0, "peer_median": 80.0},
            {"category": "Cat3", "peer_buyers": 0, "peer_share": 0.0, "peer_median": null},
            {"category": "Cat4", "peer_buyers": 1, "peer_share": 1.0, "peer_median": 40.0},
        ]),
    );
    // Cat3, which no comparable customer buys, is no gap; biggest first, then centre, category.
    let gaps: Vec<(String, String, f64)> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["customer_id"].as_str().unwrap().into(),
                g["category"].as_str().unwrap().into(),
                g["potential"].as_f64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("A3", "Cat1", 200.0),
        ("A2", "Cat2", 80.0),
        ("A3", "Cat2", 80.0),
        ("A1", "Cat4", 40.0),
        ("A2", "Cat4", 40.0),
        ("A3", "Cat4", 40.0),
    ];
    assert_eq!(gaps, want.map(|(a, b, c)| (a.to_string(), b.to_string(), c)));
    same(
        &r["grid"][0],
        json!({"offering": "Schulungen", "centre": "Lager Hamburg", "status": "competitor", "competitor": "Konkurrenz GmbH"}),
    );
}

#[test]
fn a_segment_of_one_compares_customers_of_similar_size() {
    let ws = workspace();
    let r = report(&ws, "gamma");
    // G1 bought 60: comparable are the others with 30 to 120 in the 12 months: A2 (50), X1 (100).
    same(&r["rule"], json!({"kind": "size", "low": 30.0, "high": 120.0}));
    assert_eq!(r["peers"], 2);
    same(
        &r["categories"],
        json!([
            {"category": "Cat1", "peer_buyers": 2, "peer_share": 1.0, "peer_median": 60.0},
            {"category": "Cat3", "peer_buyers": 1, "peer_share": 0.5, "peer_median": 20.0},
            {"category": "Cat4", "peer_buyers": 1, "peer_share": 0.5, "peer_median": 10.0},
        ]),
    );
    same(
        &r["gaps"],
        json!([
            {"customer_id": "G1", "category": "Cat3", "potential": 20.0, "peer_share": 0.5},
            {"customer_id": "G1", "category": "Cat4", "potential": 10.0, "peer_share": 0.5},
        ]),
    );
}

#[test]
fn the_markdown_marks_the_gaps_and_shows_the_grid_kept_by_hand() {
    let ws = workspace();
    let out = kam().current_dir(ws.path()).args(["whitespace", "acme", "--lang", "de"]).output().unwrap();
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("whitespace_acme_de", md);
    // The brief's agenda: the three biggest gaps under item 2, the categories no centre buys
    // under item 5.
    let out = kam().current_dir(ws.path()).args(["brief", "acme", "--lang", "en"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let brief = String::from_utf8(out.stdout).unwrap();
    let two = &brief[brief.find("## 2. Planned").unwrap()..brief.find("## 3. ").unwrap()];
    assert!(two.contains("- A3 — Cat1: potential 200.00"), "{two}");
    assert!(two.contains("- A2 — Cat2: potential 80.00"), "{two}");
    assert!(two.contains("- A3 — Cat2: potential 80.00"), "{two}");
    assert!(!two.contains("Cat4"), "{two}");
    let five = &brief[brief.find("## 5. Future").unwrap()..];
    assert!(five.contains("- Cat4: 100.0% of comparable customers buy it, median 40.00"), "{five}");
}

#[test]
fn an_unknown_account_and_centres_outside_the_account_are_reported() {
    let ws = workspace();
    let out = kam().current_dir(ws.path()).args(["whitespace", "acmee", "--lang", "en"]).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("acme"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ws.write(
        "accounts/beta.toml",
        b"name = \"Beta\"\ncustomer_ids = [\"B1\"]\n[[buying_centres]]\ncustomer_id = \"B9\"\nname = \"Lager\"\n[[whitespace]]\noffering = \"X\"\ncentre = \"Nirgendwo\"\nstatus = \"open\"\n",
    );
    let out = kam().current_dir(ws.path()).args(["check", "--lang", "en"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("[[buying_centres]] names customer number \"B9\", which is not among `customer_ids`"),
        "{err}"
    );
    assert!(err.contains("[[whitespace]] \"X\" names the centre \"Nirgendwo\""), "{err}");
    // A status outside open|ours|competitor is an error at its line.
    ws.write(
        "accounts/beta.toml",
        b"name = \"Beta\"\n[[whitespace]]\noffering = \"X\"\ncentre = \"B1\"\nstatus = \"maybe\"\n",
    );
    let out = kam().current_dir(ws.path()).args(["check", "--lang", "en"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(err.contains("beta.toml:5"), "{err}");
}

/// Review findings: rows without a category are no gap, and a dossier without customer numbers
/// says so rather than "no gap".
#[test]
fn rows_without_a_category_are_no_gap_and_no_customer_numbers_is_said() {
    let ws = workspace();
    let csv = std::fs::read_to_string(ws.path().join("s.csv")).unwrap() + "2026-10-21,B1,,1,450\n";
    ws.write("s.csv", csv.as_bytes());
    let r = report(&ws, "acme");
    assert!(r["categories"].as_array().unwrap().iter().any(|c| c["category"] == "(none)"), "{r:#}");
    assert!(r["gaps"].as_array().unwrap().iter().all(|g| g["category"] != "(none)"), "{r:#}");
    ws.write("accounts/leer.toml", b"name = \"Leer\"\n");
    let out = kam().current_dir(ws.path()).args(["whitespace", "leer", "--lang", "de"]).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("Das Dossier nennt keine Kundennummern (`customer_ids`)"), "{md}");
    assert!(!md.contains("Keine Lücke"), "{md}");
}
