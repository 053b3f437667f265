//! `kam init`, `kam new`, `kam log`, `kam completions` and `kam man`, driving the binary.
//!
//! Each case under `tests/fixtures/edit/<case>/` has a workspace `in/` and the files that must
//! result from the command, byte for byte, in `out/`. The dossiers there have comments, blank
//! lines, indented and aligned keys and an unusual key order.

mod common;

use common::{fixture, kam};
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file under `dir`, by path relative to it (with `/`).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read a folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read a file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out);
    }
    out
}

/// A temporary copy of the workspace `tests/fixtures/edit/<case>/in`.
fn workspace(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    for (rel, bytes) in files(&fixture("edit").join(case).join("in")) {
        let path = tmp.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    tmp
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// Asserts that `new` is `old` with one run of bytes replaced, and returns the new bytes.
#[track_caller]
fn single_replacement(old: &str, new: &str) -> String {
    let prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix =
        old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    new[prefix..new.len() - suffix].to_string()
}

/// Asserts that `new` is `old` with the lines `entry` (`\n`-separated) inserted in one place,
/// maybe with a blank line before or after them; `nl` is the file's line end.
#[track_caller]
fn old_plus_entry(old: &str, new: &str, entry: &str, nl: &str) {
    let block = format!("{}{nl}", entry.replace('\n', nl));
    let mut found = false;
    for (i, _) in new.match_indices(&block) {
        let without = |before: usize, after: usize| {
            let (start, end) = (i - before, i + block.len() + after);
            new.get(..start).zip(new.get(end..)).map(|(a, b)| format!("{a}{b}"))
        };
        let blank = nl.len();
        let candidates =
            [without(0, 0), i.checked_sub(blank).and_then(|_| without(blank, 0)), without(0, blank)];
        found |= candidates.iter().flatten().any(|c| c == old);
    }
    assert!(found, "the new file is not the old one plus\n{entry}\nold:\n{old}\nnew:\n{new}");
}

/// The cases: folder, arguments, and whether a value is replaced (else lines are inserted).
const CASES: &[(&str, &[&str], bool)] = &[
    (
        "meeting",
        &[
            "log",
            "nordwind",
            "meeting",
            "--kind",
            "call",
            "--summary",
            "Rahmenvertrag: Entwurf \"v2\" geschickt",
            "--attendees",
            "Dr. Eva Klein",
            "Tim Ott",
        ],
        false,
    ),
    ("meeting-compact", &["log", "elbwerft", "meeting", "--kind", "call", "--date", "2026-03-01"], false),
    (
        "complaint-open",
        &["log", "nordwind", "complaint", "--subject", "Rechnung doppelt gestellt", "--date", "2026-11-20"],
        false,
    ),
    ("complaint-close", &["log", "nordwind", "complaint", "--close", "2", "--date", "2026-11-22"], false),
    ("complaint-close-text", &["log", "elbwerft", "complaint", "--close", "rost"], false),
    ("complaint-close-latest", &["log", "nordwind", "complaint", "--close-latest"], false),
    (
        "service",
        &["log", "nordwind", "service", "--name", "Kalibrierservice Kiel", "--value", "12000.50"],
        false,
    ),
    (
        "event",
        &[
            "log",
            "minimal",
            "event",
            "--text",
            "Neuer Einkaufsleiter: \"Herr Öztürk\"",
            "--date",
            "2026-07-01",
        ],
        false,
    ),
    ("satisfaction", &["log", "nordwind", "satisfaction", "--score", "7.5"], false),
    (
        "action",
        &[
            "log",
            "nordwind",
            "action",
            "--title",
            "Schulung Arbeitssicherheit",
            "--due",
            "2027-02-28",
            "--milestone",
            "--expected-revenue",
            "1450.00",
            "--probability",
            "0.8",
        ],
        false,
    ),
    ("action-status", &["log", "nordwind", "action", "--set", "edi", "--status", "done"], true),
    ("action-status-missing", &["log", "nordwind", "action", "--set", "2", "--status", "dropped"], false),
    (
        "coaching",
        &[
            "log",
            "elbwerft",
            "coaching",
            "--topic",
            "Jonas Weber: Vertrieb an Werften",
            "--materials",
            "Gesprächsleitfaden",
        ],
        false,
    ),
    (
        "cost",
        &["log", "elbwerft", "cost", "--kind", "Rückvergütung Listungsgebühr", "--amount", "-1000"],
        false,
    ),
    (
        "action-assignee",
        &[
            "log",
            "nordwind",
            "action",
            "--title",
            "EDI-Testdatei senden",
            "--due",
            "2026-12-04",
            "--assignee",
            "Jonas Weber",
        ],
        false,
    ),
    (
        "coaching-participants",
        &[
            "log",
            "elbwerft",
            "coaching",
            "--topic",
            "Vertrieb an Werften",
            "--participant",
            "Jonas Weber",
            "--participant",
            "Lea Sommer",
            "--materials",
            "Gesprächsleitfaden",
        ],
        false,
    ),
];

/// Runs a case on `ws` and checks the result against `expected` (relative path → bytes).
#[track_caller]
fn run_case(ws: &Path, args: &[&str], replaced: bool, expected: &BTreeMap<String, Vec<u8>>) {
    let before = files(ws);
    let out = kam().current_dir(ws).args(args).output().expect("run kam");
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "kam {args:?} failed:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let after = files(ws);
    // No file was added or removed: no lock file or temporary file is left behind.
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>(), "{args:?}");
    for (rel, want) in expected {
        assert_eq!(text(&after[rel]), text(want), "{rel} after kam {args:?}");
    }
    // The new file is the old one plus the entry kam printed (first line: where and what).
    let (rel, _) = expected.iter().next().unwrap();
    let shown = stdout.split_once('\n').map(|(head, rest)| {
        assert!(head.starts_with(&format!("{rel}:")), "{stdout}");
        rest.trim_end().to_string()
    });
    let shown = shown.expect("kam log prints what it added");
    let (old, new) = (text(&before[rel]), text(&after[rel]));
    if replaced {
        let inserted = single_replacement(&old, &new);
        assert!(shown.contains(&inserted), "{shown:?} vs {inserted:?}");
    } else {
        let nl = if old.contains("\r\n") { "\r\n" } else { "\n" };
        // A file without a final line end gets one before the entry, and the entry none after it.
        let missing = !old.is_empty() && !old.ends_with('\n');
        let (old, new) = if missing { (format!("{old}{nl}"), format!("{new}{nl}")) } else { (old, new) };
        old_plus_entry(&old, &new, &shown, nl);
    }
}

fn expected(case: &str) -> BTreeMap<String, Vec<u8>> {
    files(&fixture("edit").join(case).join("out"))
}

#[test]
fn each_kind_of_entry_lands_after_its_kind_and_changes_nothing_else() {
    for (case, args, replaced) in CASES {
        let ws = workspace(case);
        run_case(ws.path(), args, *replaced, &expected(case));
        // The result is a valid workspace.
        kam().current_dir(ws.path()).arg("check").assert().success();
    }
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    text(bytes).replace('\n', "\r\n").into_bytes()
}

#[test]
fn crlf_dossiers_stay_crlf() {
    for (case, args, replaced) in CASES {
        let ws = workspace(case);
        let dossiers: Vec<String> =
            files(ws.path()).into_keys().filter(|k| k.starts_with("accounts/")).collect();
        for rel in &dossiers {
            let path = ws.path().join(rel);
            std::fs::write(&path, crlf(&std::fs::read(&path).unwrap())).unwrap();
        }
        let want: BTreeMap<String, Vec<u8>> =
            expected(case).into_iter().map(|(k, v)| (k, crlf(&v))).collect();
        run_case(ws.path(), args, *replaced, &want);
    }
}

#[test]
fn a_missing_final_line_end_stays_missing_after_the_entry() {
    // Cases whose entry goes to the end of the file: it starts on a line of its own, and the file
    // still ends without a line end.
    for case in ["service", "satisfaction", "coaching", "event"] {
        let (_, args, replaced) = CASES.iter().find(|(c, _, _)| *c == case).unwrap();
        let ws = workspace(case);
        let want = expected(case);
        let rel = want.keys().next().unwrap().clone();
        let path = ws.path().join(&rel);
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, old.trim_end_matches('\n')).unwrap();
        let want = want
            .into_iter()
            .map(|(k, mut v)| {
                if k == rel {
                    while v.last() == Some(&b'\n') {
                        v.pop();
                    }
                }
                (k, v)
            })
            .collect();
        run_case(ws.path(), args, *replaced, &want);
    }
}

#[test]
fn log_works_from_a_subfolder_and_with_c() {
    let ws = workspace("event");
    let sub = ws.path().join("accounts");
    kam().current_dir(&sub).args(["log", "minimal", "event", "--text", "x"]).assert().success();
    let other = tempfile::tempdir().unwrap();
    kam()
        .current_dir(other.path())
        .arg("-C")
        .arg(ws.path())
        .args(["log", "minimal", "event", "--text", "y"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("accounts/minimal.toml:").and(predicate::str::contains("added event 2")),
        );
    let text = std::fs::read_to_string(ws.path().join("accounts/minimal.toml")).unwrap();
    assert!(text.ends_with("text = \"x\"\n\n[[events]]\ndate = 2026-11-23\ntext = \"y\""), "{text}");
}

#[test]
fn dry_run_checks_and_shows_but_writes_nothing() {
    let ws = workspace("meeting");
    let before = files(ws.path());
    kam()
        .current_dir(ws.path())
        .args(["log", "nordwind", "--dry-run", "event", "--text", "Probelauf"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "added event 1\n[[events]]\ndate = 2026-11-23\ntext = \"Probelauf\"",
        ))
        .stderr(predicate::str::contains("dry run: nothing was written"));
    assert_eq!(files(ws.path()), before);
}

/// Runs kam in a copy of the `meeting` workspace, expecting failure with `code` and `message` in
/// stderr, and checks that no file changed.
#[track_caller]
fn refused(args: &[&str], code: i32, message: &str) {
    let ws = workspace("meeting");
    let before = files(ws.path());
    let out = kam().current_dir(ws.path()).args(args).output().expect("run kam");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "kam {args:?}:\n{stderr}");
    assert!(stderr.contains(message), "kam {args:?}: expected\n  {message}\nin stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "kam {args:?} printed {}", text(&out.stdout));
    assert_eq!(files(ws.path()), before, "kam {args:?} changed files");
}

#[test]
fn bad_ids_are_refused() {
    let msg = "is not a valid account id: use lower-case letters, digits, \"-\" and \"_\" only";
    for id in [
        "../nordwind",
        "accounts/nordwind",
        "/etc/passwd",
        "nord wind",
        "Nordwind",
        "..",
        "nordwind.toml",
        "",
    ] {
        refused(&["log", id, "event", "--text", "x"], 2, msg);
        refused(&["new", id, "--name", "X"], 2, msg);
    }
    refused(&["log", "Nordwind", "event", "--text", "x"], 2, "(like \"nordwind\")");
    refused(&["log", "nord wind", "event", "--text", "x"], 2, "(like \"nord-wind\")");
    refused(
        &["log", "nordwnd", "event", "--text", "x"],
        1,
        "no account `nordwnd`: accounts/nordwnd.toml does not exist; did you mean `nordwind`?",
    );
}

#[test]
fn bad_values_are_refused_with_the_expected_form() {
    fn log<'a>(rest: &[&'a str]) -> Vec<&'a str> {
        [&["log", "nordwind"], rest].concat()
    }
    let cases: &[(&[&str], &str)] = &[
        (
            &["event", "--text", "x", "--date", "23.11.2026"],
            "expected a date like 2026-03-14 (YYYY-MM-DD), found \"23.11.2026\"",
        ),
        (&["event", "--text", "x", "--date", "2026-02-30"], "\"2026-02-30\" is not a day of the calendar"),
        (&["event", "--text", "x", "--date", "tomorrow"], "expected a date like 2026-03-14"),
        (&["event", "--text", "  "], "expected some text, found nothing"),
        (&["event"], "--text <TEXT>"),
        (&["meeting", "--kind", "vist"], "tip: a similar value exists: 'visit'"),
        (&["meeting", "--kind", "call", "--summary", ""], "expected some text, found nothing"),
        (&["meeting", "--summary", "x"], "--kind <KIND>"),
        (&["satisfaction", "--score", "11"], "the score must be from 0 to 10, found 11"),
        (&["satisfaction", "--score", "-1"], "the score must be from 0 to 10, found -1"),
        (&["satisfaction", "--score", "7,5"], "expected a number like 12000.50 (a point as decimal mark"),
        (&["satisfaction", "--score", "acht"], "found \"acht\""),
        (&["service", "--name", "x", "--value", "12.000,50"], "found \"12.000,50\""),
        (&["service", "--name", "x", "--value", "-5"], "expected an amount of 0 or more, found -5"),
        (&["service", "--name", "x", "--value", "1e3"], "found \"1e3\""),
        (&["service", "--name", "x", "--value", "€100"], "found \"€100\""),
        (&["service", "--value", "100"], "--name <TEXT>"),
        (
            &["action", "--title", "x", "--probability", "1.5"],
            "expected a fraction from 0 to 1 (0.6 for 60 %), found 1.5",
        ),
        (&["action", "--title", "x", "--probability", "60%"], "found \"60%\""),
        (&["action", "--title", "x", "--status", "finished"], "[possible values: open, done, dropped]"),
        (&["action", "--title", "x", "--expected-revenue", "12 000"], "found \"12 000\""),
        (&["action", "--set", "1"], "--status <STATUS>"),
        (&["action", "--set", "1", "--status", "done", "--title", "x"], "cannot be used with"),
        (&["action", "--status", "done"], "--title <TEXT>"),
        (&["complaint"], "--subject <TEXT>"),
        (&["complaint", "--subject", "x", "--close", "1"], "cannot be used with"),
        (&["complaint", "--close", "1", "--close-latest"], "cannot be used with"),
        (&["complaint", "--close", " "], "expected a number (1 for the first) or a part of the subject"),
        (&["cost", "--amount", "1.2.3"], "found \"1.2.3\""),
        (&["cost", "--kind", "x"], "--amount <AMOUNT>"),
        (&["visit"], "unexpected argument 'visit'"),
    ];
    for (rest, message) in cases {
        refused(&log(rest), 2, message);
    }
    refused(&["log", "nordwind", "event", "--text", "x", "-o", "out.md"], 2, "-o FILE does not apply");
}

#[test]
fn edits_the_dossier_cannot_take_are_refused() {
    fn log<'a>(rest: &[&'a str]) -> Vec<&'a str> {
        [&["log", "nordwind"], rest].concat()
    }
    refused(
        &log(&["complaint", "--close", "1"]),
        1,
        "complaint 1 (Falsche Verpackungseinheit) was already closed on 2026-02-14",
    );
    refused(
        &log(&["complaint", "--close", "9"]),
        1,
        "there is no complaint 9: complaints are numbered 1 to 2 in the order of the file; the open complaints of accounts/nordwind.toml:\n  2  opened 2026-05-06  Lieferverzug Wendeschneidplatten",
    );
    refused(&log(&["complaint", "--close", "0"]), 1, "there is no complaint 0");
    refused(&log(&["complaint", "--close", "Preis"]), 1, "no complaint has \"Preis\" in its subject");
    refused(
        &log(&["action", "--set", "3", "--status", "done"]),
        1,
        "there is no action 3: actions are numbered 1 to 2",
    );
    refused(
        &log(&["action", "--set", "zzz", "--status", "done"]),
        1,
        "no action has \"zzz\" in its title; the actions of accounts/nordwind.toml:\n  1  open     EDI-Anbindung in Betrieb nehmen\n  2  open     Rahmenvertrag 2027",
    );
    refused(
        &log(&["action", "--set", "e", "--status", "done"]),
        1,
        "\"e\" is in the title of several actions; give the number instead",
    );
}

#[test]
fn a_dossier_that_would_fail_validation_is_left_untouched() {
    // Closing the open complaint before the day it was opened.
    refused(
        &["log", "nordwind", "complaint", "--close-latest", "--date", "2026-01-01"],
        1,
        "accounts/nordwind.toml:36:12: error: complaint closed on 2026-01-01 before it was opened on 2026-05-06",
    );
    refused(
        &["log", "nordwind", "complaint", "--close-latest", "--date", "2026-01-01"],
        1,
        "error: with this entry accounts/nordwind.toml would not be a valid dossier (the lines above are those of the edited file); nothing was written",
    );
}

#[test]
fn a_dossier_with_errors_is_not_edited() {
    let ws = workspace("meeting");
    let path = ws.path().join("accounts/nordwind.toml");
    let broken = std::fs::read_to_string(&path).unwrap().replace("kind = \"visit\"", "kind = \"vist\"");
    std::fs::write(&path, &broken).unwrap();
    kam()
        .current_dir(ws.path())
        .args(["log", "nordwind", "event", "--text", "x"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("accounts/nordwind.toml:16:8: error: unknown value \"vist\""))
        .stderr(predicate::str::contains("accounts/nordwind.toml has errors (listed above); fix them first"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
}

#[test]
fn inline_arrays_are_not_rewritten() {
    let ws = workspace("event");
    let path = ws.path().join("accounts/minimal.toml");
    let old = "name = \"X\"\nevents = [{ date = 2026-01-01, text = \"a\" }]\n";
    std::fs::write(&path, old).unwrap();
    kam()
        .current_dir(ws.path())
        .args(["log", "minimal", "event", "--text", "b"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`events` is written as an inline array (accounts/minimal.toml:2:10); kam log adds [[events]] tables",
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
}

#[test]
fn twenty_concurrent_calls_keep_twenty_entries() {
    let ws = workspace("meeting");
    let bin = assert_cmd::cargo::cargo_bin("kam");
    let children: Vec<_> = (0..20)
        .map(|i| {
            std::process::Command::new(&bin)
                .current_dir(ws.path())
                .env("KAM_TODAY", "2026-11-23")
                .args(["log", "nordwind", "meeting", "--kind", "call", "--summary", &format!("Anruf {i}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start kam")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait for kam");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let dossier = std::fs::read_to_string(ws.path().join("accounts/nordwind.toml")).unwrap();
    for i in 0..20 {
        assert_eq!(
            dossier.matches(&format!("summary = \"Anruf {i}\"\n")).count(),
            1,
            "Anruf {i}:\n{dossier}"
        );
    }
    assert_eq!(dossier.matches("[[meetings]]").count(), 22);
    // Nothing else changed, and no lock or temporary file is left.
    let original = std::fs::read_to_string(fixture("edit/meeting/in/accounts/nordwind.toml")).unwrap();
    let added = single_replacement(&original, &dossier);
    assert_eq!(original.len() + added.len(), dossier.len(), "only insertions");
    assert_eq!(
        files(ws.path()).into_keys().collect::<Vec<_>>(),
        vec!["accounts/nordwind.toml".to_string(), "kam.toml".to_string()]
    );
    kam().current_dir(ws.path()).arg("check").assert().success();
}

#[test]
fn new_writes_the_commented_template() {
    let ws = workspace("new");
    let args = [
        "new",
        "suedwind",
        "--name",
        "Südwind AG",
        "--owner",
        "Jonas Weber",
        "--segment",
        "Großhandel",
        "--customer-id",
        "20001",
        "--customer-id",
        "20002",
        "--team",
        "Lena Voss",
        "--since",
        "2024-01-15",
    ];
    kam()
        .current_dir(ws.path())
        .args(args)
        .assert()
        .success()
        .stderr(predicate::str::contains("created accounts/suedwind.toml"));
    for (rel, want) in expected("new") {
        assert_eq!(text(&std::fs::read(ws.path().join(&rel)).unwrap()), text(&want), "{rel}");
    }
    kam().current_dir(ws.path()).arg("check").assert().success();
    // The new dossier takes entries like any other.
    kam()
        .current_dir(ws.path())
        .args(["log", "suedwind", "event", "--text", "Erstbesuch"])
        .assert()
        .success();
    let dossier = std::fs::read_to_string(ws.path().join("accounts/suedwind.toml")).unwrap();
    assert!(
        dossier.ends_with("# amount = 5000.00\n\n[[events]]\ndate = 2026-11-23\ntext = \"Erstbesuch\"\n")
    );
}

#[test]
fn new_refuses_what_would_clash() {
    refused(
        &["new", "nordwind", "--name", "X"],
        1,
        "account `nordwind` exists already (accounts/nordwind.toml)",
    );
    refused(
        &["new", "kiel", "--name", "Kiel", "--customer-id", "10043"],
        1,
        "customer \"10043\" already belongs to account `nordwind` (accounts/nordwind.toml:8:3); a customer belongs to one account",
    );
    refused(&["new", "x", "--name", "X", "--customer-id", "1,1"], 1, "customer number \"1\" is given twice");
    refused(&["new", "x", "--name", " "], 2, "expected some text, found nothing");
    refused(&["new", "x"], 2, "--name <NAME>");
    refused(&["new", "x", "--name", "X", "--since", "2024-1-5"], 2, "expected a date like 2026-03-14");
    refused(&["new", "x", "--name", "X", "--customer-id", ""], 2, "expected some text, found nothing");
}

#[test]
fn init_writes_a_workspace_that_passes_check() {
    let ws = workspace("init");
    kam()
        .current_dir(ws.path())
        .args(["init", "--name", "Muster GmbH", "--lang", "de"])
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        // A German workspace: German comments and import settings, German messages.
        .stderr(predicate::str::contains("kam-Arbeitsbereich angelegt in .:"))
        .stderr(predicate::str::contains("Nächste Schritte"))
        .stderr(predicate::str::contains("kam new nordwind --name"));
    let got = files(ws.path());
    let want = expected("init");
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    for (rel, bytes) in &want {
        assert_eq!(text(&got[rel]), text(bytes), "{rel}");
    }
    assert!(ws.path().join("reports").is_dir());
    kam().current_dir(ws.path()).arg("check").assert().success().stderr(predicate::str::contains(
        "Prüfung bestanden mit 2 Warnungen (1 Schlüsselkunde, 0 Exporte mit 0 Zeilen)",
    ));
    // A second init changes nothing.
    kam().current_dir(ws.path()).arg("init").assert().code(1).stderr(predicate::str::contains(
        "Fehler: . ist schon ein kam-Arbeitsbereich (kam.toml existiert); nichts wurde geändert",
    ));
    assert_eq!(files(ws.path()), got);
}

#[test]
fn init_makes_the_folder_and_names_the_workspace_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    kam()
        .current_dir(tmp.path())
        .args(["init", "kunden/nord"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1. cd kunden/nord"));
    let root: PathBuf = tmp.path().join("kunden/nord");
    let config = std::fs::read_to_string(root.join("kam.toml")).unwrap();
    let name_line = format!("{:<36}# shown in report headers", "name = \"nord\"");
    assert!(config.lines().any(|l| l == name_line), "{config}");
    assert!(config.contains("language = \"en\""));
    kam().current_dir(&root).args(["log", "example", "meeting", "--kind", "visit"]).assert().success();
    kam().current_dir(&root).arg("check").assert().success();
    // -C names the workspace folder.
    kam().current_dir(tmp.path()).args(["-C", "kunden/nord", "init"]).assert().code(1);
    kam().current_dir(tmp.path()).args(["-C", "kunden", "init", "sued"]).assert().success();
    assert!(tmp.path().join("kunden/sued/accounts/example.toml").is_file());
}

/// The command paths of `kam help PATH`, read from the help itself.
fn commands(path: &[&str]) -> Vec<String> {
    let out = kam().arg("help").args(path).output().unwrap();
    let help = text(&out.stdout);
    let Some((_, list)) = help.split_once("Commands:\n") else { return Vec::new() };
    list.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_help_has_examples() {
    let mut paths: Vec<Vec<String>> = vec![Vec::new()];
    let mut i = 0;
    while i < paths.len() {
        let path: Vec<&str> = paths[i].iter().map(String::as_str).collect();
        for sub in commands(&path) {
            let mut p = paths[i].clone();
            p.push(sub);
            paths.push(p);
        }
        i += 1;
    }
    for name in ["init", "new", "log", "completions", "man"] {
        assert!(paths.iter().any(|p| p == &[name.to_string()]), "{paths:?}");
    }
    assert!(paths.iter().any(|p| p == &["log".to_string(), "complaint".to_string()]), "{paths:?}");
    for path in &paths {
        kam().arg("help").args(path).assert().success().stdout(predicate::str::contains("Examples:\n  kam "));
    }
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        kam()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("kam").and(predicate::str::contains("close-latest")));
    }
    kam().args(["completions", "tcsh"]).assert().code(2).stderr(predicate::str::contains("possible values"));
    let tmp = tempfile::tempdir().unwrap();
    kam().args(["completions", "bash", "-o"]).arg(tmp.path().join("kam.bash")).assert().success();
    assert!(std::fs::read_to_string(tmp.path().join("kam.bash")).unwrap().contains("_kam()"));
}

#[test]
fn man_pages() {
    kam()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH kam 1").and(predicate::str::contains("completions")));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    kam().arg("man").arg("--out-dir").arg(&dir).assert().success();
    for page in ["kam.1", "kam-log.1", "kam-log-meeting.1", "kam-init.1", "kam-new.1"] {
        let roff = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(roff.contains(".TH"), "{page}");
    }
    let log = std::fs::read_to_string(dir.join("kam-log-complaint.1")).unwrap();
    assert!(log.contains("close\\-latest"), "{log}");
}
