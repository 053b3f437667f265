//! `kam changes`: a git repository built in the test (commits with set dates, changes of every
//! kind, a renamed contact), a dossier with no history, a workspace outside git, the demo with
//! the history of examples/demo-history.sh, and the brief's section "Seit dem letzten
//! Jahresgespräch". Skipped, saying so, where `git` cannot be run.

mod common;

use common::{TempWorkspace, kam, skipped};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git_available() -> bool {
    let ok = Command::new("git").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        skipped("`git` cannot be run");
    }
    ok
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn commit(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["-c", "commit.gpgsign=false", "commit", "-q", "-m", message], date);
}

/// `kam changes ARGS --format json` in `dir`, with git history visible.
fn changes(dir: &Path, args: &[&str]) -> Value {
    let out = kam()
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .arg("changes")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn listed(report: &Value) -> Vec<(String, String, String, Value, Value)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["date"].as_str().unwrap().to_string(),
                c["kind"].as_str().unwrap().to_string(),
                c["what"].as_str().unwrap().to_string(),
                c["from"].clone(),
                c["to"].clone(),
            )
        })
        .collect()
}

const BEFORE: &str = r#"name = "Acme"
customer_ids = ["A1"]
owner = "Anna"

[conditions]
payment_terms_days = 30
discount_rate = 0.02
special_prices = [{ product = "P1", price = 9.5 }]

[[contacts]]
name = "Eva Klein"
role = "Einkauf"
attitude = "neutral"
influence = "influencer"

[[contacts]]
name = "Max Muster"
role = "Lager"
email = "max@acme.example"

[[contacts]]
name = "Olaf Alt"
role = "Technik"

[[meetings]]
date = 2025-12-09
kind = "annual-review"

[[actions]]
title = "Angebot Kanban"
due = 2026-03-31

[[actions]]
title = "Schulung"
due = 2026-05-01

[[complaints]]
opened = 2025-11-20
subject = "Lieferverzug"
"#;

const AFTER: &str = r#"name = "Acme"
customer_ids = ["A1"]
owner = "Ben"

[conditions]
payment_terms_days = 45
discount_rate = 0.03
min_order_value = 250.0
special_prices = [{ product = "P1", price = 9.9 }]
min_prices = [{ product = "P2", price = 4.0 }]

[[contacts]]
name = "Dr. Eva Klein"
role = "Einkauf"
attitude = "champion"
influence = "decision-maker"

[[contacts]]
name = "Maximilian Muster"
role = "Lagerleitung"
email = "max@acme.example"

[[contacts]]
name = "Jan Neu"
role = "Qualität"

[[meetings]]
date = 2025-12-09
kind = "annual-review"

[[actions]]
title = "Angebot Kanban"
due = 2026-04-30
status = "done"

[[actions]]
title = "Schulung"
due = 2026-05-01
status = "dropped"

[[actions]]
title = "EDI"
due = 2026-12-15

[[complaints]]
opened = 2025-11-20
subject = "Lieferverzug"
closed = 2026-01-15

[[complaints]]
opened = 2026-03-02
subject = "Falsche Menge"

[[events]]
date = 2026-02-01
text = "Neues Lager"

[[satisfaction]]
date = 2026-06-30
score = 6
"#;

/// A workspace in git: the dossier before the review (2025-11-01), the review day's commit
/// (2025-12-09, only the meeting's summary), and two commits after it.
fn repository() -> TempWorkspace {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    let mut csv = String::from("date,customer,quantity,revenue,cost\n");
    for m in 1..=12 {
        csv.push_str(&format!("2025-{m:02}-15,A1,1,100,60\n"));
    }
    for m in 1..=10 {
        csv.push_str(&format!("2026-{m:02}-15,A1,1,150,80\n"));
    }
    ws.write("s.csv", csv.as_bytes());
    ws.write(
        "accounts/acme.toml",
        BEFORE.replace("annual-review\"\n", "annual-review\"\nsummary = \"geplant\"\n").as_bytes(),
    );
    git(ws.path(), &["init", "-q"], "2025-11-01T10:00:00+01:00");
    commit(ws.path(), "before", "2025-11-01T10:00:00+01:00");
    ws.write("accounts/acme.toml", BEFORE.as_bytes());
    commit(ws.path(), "review day", "2025-12-09T18:00:00+01:00");
    // Half of the changes in February, the rest in July.
    let half = AFTER.split("[[complaints]]\nopened = 2026-03-02").next().unwrap().to_string();
    let half = half.replace("owner = \"Ben\"", "owner = \"Anna\"");
    ws.write("accounts/acme.toml", half.as_bytes());
    commit(ws.path(), "february", "2026-02-10T09:00:00+01:00");
    ws.write("accounts/acme.toml", AFTER.as_bytes());
    commit(ws.path(), "july", "2026-07-01T09:00:00+02:00");
    ws
}

#[test]
fn every_kind_of_change_since_the_last_review_with_its_date() {
    if !git_available() {
        return;
    }
    let ws = repository();
    let r = changes(ws.path(), &["acme"]);
    assert_eq!(r["since"], "2025-12-09");
    assert_eq!(r["since_source"], "last_review");
    let got: Vec<(String, String, String)> = listed(&r).into_iter().map(|c| (c.0, c.1, c.2)).collect();
    let want = [
        ("2026-02-10", "contact_added", "Jan Neu"),
        ("2026-02-10", "contact_removed", "Olaf Alt"),
        ("2026-02-10", "contact_renamed", "Dr. Eva Klein"),
        ("2026-02-10", "contact_renamed", "Maximilian Muster"),
        ("2026-02-10", "contact_attitude", "Dr. Eva Klein"),
        ("2026-02-10", "contact_influence", "Dr. Eva Klein"),
        ("2026-02-10", "contact_role", "Maximilian Muster"),
        ("2026-02-10", "action_done", "Angebot Kanban"),
        ("2026-02-10", "action_due_moved", "Angebot Kanban"),
        ("2026-02-10", "action_dropped", "Schulung"),
        ("2026-02-10", "action_added", "EDI"),
        ("2026-02-10", "payment_terms", ""),
        ("2026-02-10", "discount", ""),
        ("2026-02-10", "min_order_value", ""),
        ("2026-02-10", "special_price", "P1"),
        ("2026-02-10", "min_price", "P2"),
        ("2026-02-10", "complaint_closed", "Lieferverzug"),
        ("2026-07-01", "complaint_opened", "Falsche Menge"),
        ("2026-07-01", "event", "Neues Lager"),
        ("2026-07-01", "satisfaction", "2026-06-30"),
        ("2026-07-01", "owner", ""),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, want, "{r:#}");
    let all = listed(&r);
    // The values before and after, in machine form.
    let find = |kind: &str| all.iter().find(|c| c.1 == kind).unwrap();
    assert_eq!(
        (find("contact_renamed").3.clone(), find("contact_renamed").4.clone()),
        ("Eva Klein".into(), "Dr. Eva Klein".into())
    );
    assert_eq!(
        (find("contact_attitude").3.clone(), find("contact_attitude").4.clone()),
        ("neutral".into(), "champion".into())
    );
    assert_eq!((find("payment_terms").3.clone(), find("payment_terms").4.clone()), (30.into(), 45.into()));
    assert_eq!(find("action_due_moved").4, "2026-04-30");
    assert_eq!(find("special_price").3.as_f64(), Some(9.5));
    assert_eq!((find("owner").3.clone(), find("owner").4.clone()), ("Anna".into(), "Ben".into()));
    // Every change carries its commit.
    assert!(r["changes"].as_array().unwrap().iter().all(|c| c["commit"].as_str().unwrap().len() == 40));
    // The figures: the 12 months before the review (Dec 2024–Nov 2025: 11 × 100 = 1,100), and
    // the 12 months before today's month (Nov 2025–Oct 2026: 2 × 100 + 10 × 150 = 1,700).
    assert_eq!(r["figures"]["then"]["months"], serde_json::json!(["2024-12", "2025-11"]));
    assert_eq!(r["figures"]["then"]["net_revenue"].as_f64(), Some(1100.0));
    assert_eq!(r["figures"]["now"]["months"], serde_json::json!(["2025-11", "2026-10"]));
    assert_eq!(r["figures"]["now"]["net_revenue"].as_f64(), Some(1700.0));
    assert_eq!(r["figures"]["now"]["db2"].as_f64(), Some(1700.0 - 2.0 * 60.0 - 10.0 * 80.0));
    // --since: from an earlier day, the review day's commit counts too (its meeting summary is
    // no tracked change), and a later day leaves the February commit out.
    let later = changes(ws.path(), &["acme", "--since", "2026-03-01"]);
    assert_eq!(later["since_source"], "given");
    assert!(listed(&later).iter().all(|c| c.0 == "2026-07-01"), "{later:#}");
}

#[test]
fn uncommitted_changes_a_new_dossier_and_a_workspace_outside_git() {
    if !git_available() {
        return;
    }
    let ws = repository();
    // An edit not committed yet: dated today, commit "worktree".
    ws.write("accounts/acme.toml", AFTER.replace("title = \"EDI\"", "title = \"EDI-Anbindung\"").as_bytes());
    let r = changes(ws.path(), &["acme", "--since", "2026-06-01"]);
    let work: Vec<&Value> =
        r["changes"].as_array().unwrap().iter().filter(|c| c["commit"] == "worktree").collect();
    assert_eq!(work.len(), 2, "{r:#}");
    assert!(work.iter().all(|c| c["date"] == "2026-11-23"));
    // A dossier never committed: no history, exit 0, said so.
    ws.write("accounts/neu.toml", b"name = \"Neu\"\n");
    let out = kam()
        .current_dir(ws.path())
        .env_remove("GIT_DIR")
        .args(["changes", "neu", "--lang", "en"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No history: the dossier has no commit yet."));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No history: the dossier has no commit yet."));
    // A workspace outside git.
    let plain = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    plain.write("s.csv", b"date,customer,quantity,revenue\n2026-01-05,A1,1,10\n");
    plain.write("accounts/acme.toml", b"name = \"Acme\"\ncustomer_ids = [\"A1\"]\n");
    let out = kam()
        .current_dir(plain.path())
        .env_remove("GIT_DIR")
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap())
        .args(["changes", "acme", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["no_history"], "not_a_repository");
    assert_eq!(r["since_source"], "whole_history");
    assert_eq!(r["changes"], serde_json::json!([]));
}

#[test]
fn the_demo_with_its_history_and_the_brief_section() {
    if !git_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-history.sh");
    let out = Command::new("bash").arg(&script).arg(&dir).env_remove("GIT_DIR").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = changes(&dir, &["nordhafen"]);
    let got: Vec<(String, String)> = listed(&r).into_iter().map(|c| (c.1, c.2)).collect();
    let want = [
        ("contact_added", "Birte Hansen"),
        ("contact_role", "Svenja Lorenzen"),
        ("contact_attitude", "Frank Mertens"),
        ("action_done", "Prototyp Kanban-Regal Niederlassung Kiel"),
        ("action_due_moved", "Prototyp Kanban-Regal Niederlassung Kiel"),
        ("action_added", "EDI-Anbindung ORDERS/INVOIC in Betrieb nehmen"),
        ("action_dropped", "Eigenmarke Befestigungstechnik kalkulieren"),
        ("payment_terms", ""),
        ("complaint_opened", "Lieferverzug Wendeschneidplatten CNMG um acht Arbeitstage"),
        ("complaint_closed", "Lieferverzug Wendeschneidplatten CNMG um acht Arbeitstage"),
        ("satisfaction", "2026-06-30"),
    ];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())), "{r:#}");
    let md = kam().current_dir(&dir).env_remove("GIT_DIR").args(["changes", "nordhafen"]).output().unwrap();
    insta::assert_snapshot!(
        "changes_demo_nordhafen_de",
        String::from_utf8(md.stdout)
            .unwrap()
            .replace(r["baseline"].as_str().unwrap().get(..7).unwrap(), "BASE")
            .replace(r["changes"][0]["commit"].as_str().unwrap().get(..7).unwrap(), "HEAD")
    );
    // The brief's look back has the same changes.
    let brief = kam().current_dir(&dir).env_remove("GIT_DIR").args(["brief", "nordhafen"]).output().unwrap();
    let brief = String::from_utf8(brief.stdout).unwrap();
    let section = &brief[brief.find("### Seit dem letzten Jahresgespräch").expect("the section")..];
    let section = &section[..section.find("## Aktionsplan").unwrap()];
    assert!(
        section.contains("- Seit dem 09.12.2025 (dem letzten Jahresgespräch laut [[meetings]])"),
        "{section}"
    );
    assert!(
        section.contains("- 15.11.2026 — Haltung geändert: Frank Mertens, neutral → Kritiker"),
        "{section}"
    );
    assert!(section.contains("- 15.11.2026 — Zahlungsziel, 45 Tage → 30 Tage"), "{section}");
    assert!(section.contains("| Nettoumsatz |"), "{section}");
    // Without git, the brief says so in one line.
    let plain =
        kam().args(["-C"]).arg(env!("CARGO_MANIFEST_DIR")).args(["brief", "nordhafen"]).output().unwrap();
    assert!(
        String::from_utf8(plain.stdout)
            .unwrap()
            .contains("Keine Historie: Der Arbeitsbereich liegt in keinem Git-Repository.")
    );
}

/// Review findings: a repository whose path has an umlaut (git quotes such paths unless told
/// not to), and an action added already done.
#[test]
fn a_folder_with_an_umlaut_and_an_action_added_done() {
    if !git_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("Großkunden");
    std::fs::create_dir_all(ws.join("accounts")).unwrap();
    std::fs::write(ws.join("kam.toml"), "[workspace]\nsales = [\"s.csv\"]\n").unwrap();
    std::fs::write(ws.join("s.csv"), "date,customer,quantity,revenue\n2026-01-05,A1,1,10\n").unwrap();
    std::fs::write(ws.join("accounts/acme.toml"), "name = \"Acme\"\ncustomer_ids = [\"A1\"]\n").unwrap();
    git(tmp.path(), &["init", "-q"], "2026-01-01T10:00:00+01:00");
    commit(tmp.path(), "first", "2026-01-01T10:00:00+01:00");
    std::fs::write(
        ws.join("accounts/acme.toml"),
        "name = \"Acme\"\ncustomer_ids = [\"A1\"]\n[[actions]]\ntitle = \"Muster\"\nstatus = \"done\"\n",
    )
    .unwrap();
    commit(tmp.path(), "second", "2026-02-01T10:00:00+01:00");
    let r = changes(&ws, &["acme", "--since", "2026-01-15"]);
    let got: Vec<(String, String)> = listed(&r).into_iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(
        got,
        [("action_added".to_string(), "Muster".to_string()), ("action_done".into(), "Muster".into())],
        "{r:#}"
    );
    // Nothing uncommitted: no worktree step.
    assert!(r["changes"].as_array().unwrap().iter().all(|c| c["commit"] != "worktree"));
}
