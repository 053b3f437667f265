//! `kam brief ID --audience customer`, the Kundenmappe: on every demo account, none of the
//! internal content, checked field by field against the dossier (and against the words and
//! figures of the internal brief), and what it does show.

mod common;

use common::kam;
use std::path::PathBuf;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> String {
    let out = kam().current_dir(demo()).args(args).output().unwrap();
    assert!(out.status.success(), "kam {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Every string under `key` of every table of the array `array` of a dossier.
fn strings(dossier: &toml::Value, path: &[&str]) -> Vec<String> {
    let mut values = vec![dossier];
    for key in path {
        values = values
            .into_iter()
            .flat_map(|v| match v {
                toml::Value::Array(items) => items.iter().filter_map(|i| i.get(*key)).collect::<Vec<_>>(),
                other => other.get(*key).into_iter().collect(),
            })
            .collect();
    }
    values
        .into_iter()
        .flat_map(|v| match v {
            toml::Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        })
        .filter_map(|v| match v {
            toml::Value::String(s) => Some(s),
            toml::Value::Float(f) => Some(format!("{f}")),
            toml::Value::Integer(i) => Some(i.to_string()),
            _ => None,
        })
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// An amount as the German Markdown writes it: 1.234,50.
fn german(amount: &str) -> String {
    let v: f64 = amount.parse().unwrap();
    let cents = (v * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{grouped},{frac:02}")
}

#[test]
fn the_customer_folder_of_every_demo_account_holds_nothing_internal() {
    let ids: Vec<String> = std::fs::read_dir(demo().join("accounts"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 8);
    // Words of the internal brief that name internal content, in the workspace language (German)
    // and, for the English run below, in English.
    let words = [
        "Deckungsbeitrag",
        "DB I",
        "DB II",
        "DB III",
        "Quote",
        "Mindestpreis",
        "Sonderpreise bis",
        "Zahlungsziel",
        "Mindestauftragswert",
        "Konditionen:",
        "Entscheider",
        "Meinungsbildner",
        "Gatekeeper",
        "Anwender",
        "Champion",
        "Befürworter",
        "Kritiker",
        "Neutral",
        "Beziehungslandkarte",
        "Coaching",
        "Fragen",
        "Checkliste",
        "Bonität",
        "Kreditlimit",
        "Forderung",
        "DSO",
        "Risiko",
        "Abwanderung",
        "Lücke",
        "Potenzial",
        "Vergleichskunden",
        "Zufriedenheit",
        "Reklamation",
        "Share of Wallet",
        "Hauptziel",
        "Aufhänger",
        "Marktanteil",
        "mermaid",
    ];
    for id in &ids {
        let text = std::fs::read_to_string(demo().join(format!("accounts/{id}.toml"))).unwrap();
        let dossier: toml::Value = toml::from_str(&text).unwrap();
        let folder = run(&["brief", id, "--audience", "customer"]);
        assert!(folder.contains("Tagesordnung") && folder.contains("1. Rückblick auf"), "{id}: {folder}");
        for w in words {
            assert!(!folder.contains(w), "{id}: the customer folder says “{w}”:\n{folder}");
        }
        // Field by field: texts and amounts of the dossier that are internal.
        let mut internal: Vec<String> = Vec::new();
        internal.extend(strings(&dossier, &["review", "questions"]));
        internal.extend(strings(&dossier, &["review", "hook"]));
        internal.extend(strings(&dossier, &["review", "main_goal"]));
        internal.extend(strings(&dossier, &["review", "conditions"]));
        internal.extend(strings(&dossier, &["coaching", "topic"]));
        internal.extend(strings(&dossier, &["contacts", "name"]));
        internal.extend(strings(&dossier, &["complaints", "subject"]));
        internal.extend(strings(&dossier, &["goals", "title"]));
        internal.extend(strings(&dossier, &["profile", "competitors"]));
        internal.extend(strings(&dossier, &["credit", "rating"]).into_iter().map(|r| format!("Rating {r}")));
        internal.extend(strings(&dossier, &["credit", "limit"]).iter().map(|a| german(a)));
        internal.extend(strings(&dossier, &["conditions", "min_prices", "price"]).iter().map(|a| german(a)));
        internal
            .extend(strings(&dossier, &["conditions", "special_prices", "price"]).iter().map(|a| german(a)));
        for secret in internal.iter().filter(|s| s.len() > 3) {
            assert!(
                !folder.contains(secret.as_str()),
                "{id}: the customer folder shows “{secret}”:\n{folder}"
            );
        }
        // No percentages of kam's: a "%" only inside a promotion's name from the dossier.
        let promotions = strings(&dossier, &["promotions", "name"]);
        for line in folder.lines().filter(|l| l.contains('%')) {
            assert!(promotions.iter().any(|p| line.contains(p.as_str())), "{id}: a rate in “{line}”");
        }
        // What it shows: the cooperation proposals and future topics of the dossier.
        for shown in strings(&dossier, &["review", "cooperation"])
            .iter()
            .chain(&strings(&dossier, &["review", "future_topics"]))
        {
            assert!(folder.contains(&*kam::markdown::inline(shown)), "{id}: “{shown}” missing:\n{folder}");
        }
    }
    // English likewise.
    let folder = run(&["brief", "nordhafen", "--audience", "customer", "--lang", "en"]);
    for w in [
        "margin",
        "CM I",
        "Minimum",
        "decision-maker",
        "critic",
        "Coaching",
        "Questions",
        "checklist",
        "credit",
        "risk",
        "gap",
    ] {
        assert!(
            !folder.to_lowercase().contains(&w.to_lowercase()),
            "the English customer folder says “{w}”:\n{folder}"
        );
    }
}

#[test]
fn the_customer_folder_shows_revenue_what_was_done_and_the_date() {
    let folder = run(&["brief", "nordhafen", "--audience", "customer"]);
    insta::assert_snapshot!("customer_folder_nordhafen_de", folder);
    // The same revenue as the internal brief's table.
    let internal = run(&["brief", "nordhafen"]);
    for year_line in ["570.745,79", "520.917,04", "574.603,47"] {
        assert!(folder.contains(year_line) && internal.contains(year_line), "{year_line}");
    }
}

#[test]
fn the_customer_folder_is_markdown_or_a_workbook() {
    let out = kam()
        .current_dir(demo())
        .args(["brief", "nordhafen", "--audience", "customer", "--format", "json", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the customer folder is a Markdown document"));
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mappe.xlsx");
    let out = kam()
        .current_dir(demo())
        .args(["brief", "nordhafen", "--audience", "customer", "--format", "xlsx", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use calamine::Reader;
    let book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let names = book.sheet_names();
    assert!(names.contains(&"Übersicht".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("Definitionen")), "{names:?}");
    // The overview holds the agenda (a review finding: it was left out of the workbook).
    let mut book = book;
    let text: Vec<String> =
        book.worksheet_range("Übersicht").unwrap().rows().map(|r| r[0].to_string()).collect();
    assert!(text.iter().any(|t| t.contains("3. Kooperationsvorschläge")), "{text:?}");
    // --upcoming writes one folder per account, beside nothing internal.
    let dir = tmp.path().join("out");
    let out = kam()
        .current_dir(demo())
        .env("KAM_TODAY", "2026-12-01")
        .args(["brief", "--upcoming", "10", "--audience", "customer", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().any(|f| f == "nordhafen-2026-12-08-customer.md"), "{files:?}");
}
