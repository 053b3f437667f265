//! `kam check` warnings: things a key account manager should look at, which do not make the
//! check fail (exit 0). "Today" is fixed with KAM_TODAY.

mod common;

use common::{TempWorkspace, check_passes, fixture, kam_in};
use predicates::prelude::*;

#[test]
fn warnings_keep_exit_code_zero() {
    let run = check_passes(&fixture("warnings"));
    let expected = [
        "accounts/nordwind.toml: warning: [review] has 9 questions; prepare about 10 to 14 (15 or more hurt \
         a sales conversation)",
        "accounts/nordwind.toml: warning: action \"packaging prototype\" was due on 2026-05-31 (15 days ago) \
         and is still open",
        "accounts/nordwind.toml: warning: complaint \"late delivery\" opened on 2026-05-31 has been open for \
         15 days",
        "accounts/westwind.toml: warning: [review] has 15 questions; cut them down to about 10 to 14 (15 \
         or more hurt a sales conversation)",
        "warning: 2 export customers belong to no account: 15.0% of net revenue (1,500.00 EUR); `kam abc` \
         lists the candidates",
        "warning: 2 rows without a customer: 500.00 EUR net revenue (5.0%), reported as (unassigned)",
        "sales/2026.csv:3: warning: looks like a duplicate of line 2 (same invoice, product, date and amount)",
        "accounts/nordwind.toml:2:26: warning: customer \"10043\" has no sales in the exports",
        "accounts/westwind.toml: warning: no `customer_ids`: no sales belong to this account, so its figures are \
         zero; list its customer numbers in the exports",
    ];
    for line in expected {
        run.has_line(line);
    }
    assert_eq!(run.problems().len(), expected.len(), "{}", run.stderr);
    run.lacks("error").summary_is("check passed with 9 warnings (4 accounts, 1 export with 11 rows)");
}

#[test]
fn no_warning_inside_the_limits() {
    let run = check_passes(&fixture("warnings"));
    // 10 and 14 questions are fine.
    run.lacks("suedwind").lacks("ostwind");
    // Due today, done, dropped or without a date: not overdue.
    run.lacks("new price list").lacks("trade fair stand").lacks("joint webshop").lacks("long-term goal");
    // Open for exactly 14 days, or closed: not yet a problem.
    run.lacks("wrong invoice address").lacks("damaged pallet");
    // Rows without an invoice number are not compared as duplicates.
    run.lacks("sales/2026.csv:7");
}

#[test]
fn deadlines_move_with_today() {
    let dir = fixture("warnings");
    // One day earlier, the complaint of 2026-05-31 is 14 days old and no warning; the action was
    // due 14 days ago.
    let assert = kam_in(&dir).env("KAM_TODAY", "2026-06-14").arg("check").assert().success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("late delivery"), "{stderr}");
    assert!(stderr.contains("was due on 2026-05-31 (14 days ago)"), "{stderr}");
    // On the due date itself nothing is overdue yet.
    kam_in(&dir)
        .env("KAM_TODAY", "2026-05-31")
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("packaging prototype").not())
        .stderr(predicate::str::contains("check passed with 7 warnings"));
    // A year later, the open action in "new price list" is overdue as well.
    kam_in(&dir).env("KAM_TODAY", "2027-06-15").arg("check").assert().success().stderr(
        predicate::str::contains("action \"new price list\" was due on 2026-06-15 (365 days ago)")
            .and(predicate::str::contains("complaint \"wrong invoice address\" opened on 2026-06-01")),
    );
}

#[test]
fn a_clean_workspace_passes_without_warnings() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("accounts/nordwind.toml", b"name = \"Nordwind\"\ncustomer_ids = [\"10042\"]\n");
    ws.write("sales/2026.csv", b"date,customer,invoice,revenue\n2026-01-05,10042,R-1,100.00\n");
    let run = check_passes(ws.path());
    assert!(run.problems().is_empty(), "{}", run.stderr);
    run.summary_is("check passed (1 account, 1 export with 1 row)");
}

#[test]
fn no_sales_exports_at_all() {
    // Without `sales` in kam.toml the default sales/*.csv is tried; finding nothing is a warning.
    let ws = TempWorkspace::new("[workspace]\nname = \"Muster GmbH\"\n");
    ws.write("accounts/nordwind.toml", b"name = \"Nordwind\"\ncustomer_ids = [\"10042\"]\n");
    check_passes(ws.path())
        .has_line("warning: no sales exports to read: set `sales` under [workspace] in kam.toml or pass --sales FILE")
        .summary_is("check passed with 1 warning (1 account, 0 exports with 0 rows)");
    // Without kam.toml at all (every setting at its default), the same.
    let bare = tempfile::tempdir().unwrap();
    std::fs::create_dir(bare.path().join("accounts")).unwrap();
    std::fs::write(bare.path().join("accounts/nordwind.toml"), "name = \"Nordwind\"\n").unwrap();
    common::check_with(bare.path(), &["-C", "."], 0)
        .has("warning: no sales exports to read")
        .has_line(
            "warning: no kam.toml in this folder or a folder above, so every setting has its default: exports \
             sales/*.csv, sales/*.csv.gz, delimiter \",\", decimal mark \".\", dates \"%Y-%m-%d\", UTF-8, dossiers in \
             accounts/; `kam init` writes a kam.toml to adjust",
        )
        .has_line(
            "accounts/nordwind.toml: warning: no `customer_ids`: no sales belong to this account, so its figures are \
             zero; list its customer numbers in the exports",
        )
        .summary_is("check passed with 3 warnings (1 account, 0 exports with 0 rows)");
}

#[test]
fn one_customer_in_no_account_is_counted_in_the_singular() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n");
    ws.write("s.csv", b"date,customer,revenue\n2026-01-05,C1,300.00\n2026-01-05,C2,100.00\n");
    check_passes(ws.path()).has_line(
        "warning: 1 export customer belongs to no account: 25.0% of net revenue (100.00 EUR); `kam abc` \
         lists the candidates",
    );
}

#[test]
fn duplicates_across_files_name_the_first_file() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"sales/*.csv\"]\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n");
    ws.write("sales/1-january.csv", b"date,customer,invoice,product,revenue\n2026-01-05,C1,R-1,P,10.00\n");
    ws.write(
        "sales/2-copy.csv",
        b"date,customer,invoice,product,revenue\n2026-01-06,C1,R-2,P,10.00\n2026-01-05,C1,R-1,P,10.00\n",
    );
    check_passes(ws.path())
        .has_line(
            "sales/2-copy.csv:3: warning: looks like a duplicate of sales/1-january.csv:2 (same invoice, \
             product, date and amount)",
        )
        .summary_is("check passed with 1 warning (1 account, 2 exports with 3 rows)");
}

#[test]
fn many_duplicates_are_counted_not_all_listed() {
    let mut csv = String::from("date,customer,invoice,product,revenue\n");
    for _ in 0..15 {
        csv.push_str("2026-01-05,C1,R-1,P,10.00\n");
    }
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n");
    ws.write("s.csv", csv.as_bytes());
    let run = check_passes(ws.path());
    assert_eq!(run.count("looks like a duplicate of line 2"), 10, "{}", run.stderr);
    run.has_line("warning: 4 more duplicate-looking rows are not listed")
        .summary_is("check passed with 11 warnings (1 account, 1 export with 15 rows)");
}

#[test]
fn same_invoice_with_another_amount_is_no_duplicate() {
    let ws = TempWorkspace::new("[workspace]\nsales = [\"s.csv\"]\n");
    ws.write("accounts/a.toml", b"name = \"A\"\ncustomer_ids = [\"C1\"]\n");
    ws.write(
        "s.csv",
        b"date,customer,invoice,product,revenue\n2026-01-05,C1,R-1,P,10.00\n2026-01-05,C1,R-1,P,10.01\n\
          2026-01-06,C1,R-1,P,10.00\n",
    );
    check_passes(ws.path()).summary_is("check passed (1 account, 1 export with 3 rows)");
}

/// Tasks and coaching go to the owner or the team: another name is warned about.
#[test]
fn assignees_and_participants_outside_the_team() {
    let ws = common::TempWorkspace::new("[workspace]\nsales = []\n");
    ws.write(
        "accounts/a.toml",
        "name = \"A\"\ncustomer_ids = [\"1\"]\nowner = \"Anna Berg\"\nteam = [\"Jonas Weber\"]\n\n\
         [[actions]]\ntitle = \"EDI\"\nassignee = \"Jonas Weber\"\n\n\
         [[actions]]\ntitle = \"Preise\"\nassignee = \"Anna Berg\"\n\n\
         [[actions]]\ntitle = \"Muster\"\nassignee = \"Jonas Webber\"\n\n\
         [[coaching]]\ndate = 2026-11-01\ntopic = \"Werften\"\nparticipants = [\"Jonas Weber\", \"Lea Sommer\"]\n"
            .as_bytes(),
    );
    let run = common::check_passes(ws.path());
    run.has_line(
        "accounts/a.toml: warning: action \"Muster\" is assigned to \"Jonas Webber\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
    );
    run.has_line(
        "accounts/a.toml: warning: coaching \"Werften\" has the participant \"Lea Sommer\", who is neither the owner nor in `team`; check the spelling or add the name to `team`",
    );
    assert_eq!(run.count("assigned to"), 1, "{}", run.stderr);
}
