//! Invariants of the contribution-margin table: the total row adds up, neither the order of
//! the rows nor the split of an export into files changes a figure, and the rows made one by one
//! as they are written are the rows made at once.

use kam::cube::Cube;
use kam::diag::Diagnostics;
use kam::margin::{Dim, MarginFigures, MarginQuery, MarginReport, MarginRows, margin_groups, margin_report};
use kam::money::Decimal;
use kam::periods::PeriodKind;
use kam::workspace::{Options, Workspace};
use proptest::prelude::*;
use std::path::Path;

#[derive(Debug, Clone)]
struct Row {
    customer: Option<u8>,
    month: u8,
    day: u8,
    invoice: Option<u8>,
    category: u8,
    quantity: i32,
    cents: i64,
    deduction_cents: i64,
    cost_cents: Option<i64>,
}

fn row() -> impl Strategy<Value = Row> {
    (
        proptest::option::weighted(0.9, 0u8..5),
        0u8..24,
        1u8..=28,
        proptest::option::weighted(0.8, 0u8..6),
        0u8..3,
        -3i32..20,
        -50_000i64..500_000,
        0i64..2_000,
        proptest::option::weighted(0.9, 0i64..300_000),
    )
        .prop_map(
            |(customer, month, day, invoice, category, quantity, cents, deduction_cents, cost_cents)| Row {
                customer,
                month,
                day,
                invoice,
                category,
                quantity,
                cents,
                deduction_cents,
                cost_cents,
            },
        )
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn csv(rows: &[Row]) -> String {
    let mut out = String::from("date,customer,invoice,category,quantity,revenue,deductions,cost\n");
    for r in rows {
        let year = 2024 + i32::from(r.month / 12);
        let month = r.month % 12 + 1;
        let customer = r.customer.map_or(String::new(), |c| format!("K{c}"));
        // Invoice numbers belong to one customer, as in an ERP.
        let invoice = r.invoice.map_or(String::new(), |i| format!("{customer}-R{i}"));
        out.push_str(&format!(
            "{year}-{month:02}-{:02},{customer},{invoice},{},{},{},{},{}\n",
            r.day,
            ["tools", "parts", ""][r.category as usize],
            r.quantity,
            money(r.cents),
            money(r.deduction_cents),
            r.cost_cents.map_or(String::new(), money),
        ));
    }
    out
}

fn workspace(dir: &Path, files: &[String]) {
    std::fs::create_dir_all(dir.join("accounts")).unwrap();
    std::fs::write(
        dir.join("kam.toml"),
        "[workspace]\nsales = [\"sales/*.csv\"]\n[margin]\ncost_per_order = 7.5\ncost_per_visit = 40\nreturn_handling_rate = 0.05\noverhead_rate = 0.07\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("accounts/a.toml"),
        "name = \"A\"\ncustomer_ids = [\"K0\", \"K1\"]\nowner = \"Olga\"\n[[meetings]]\ndate = 2024-05-05\nkind = \"visit\"\n[[costs]]\ndate = 2025-02-01\namount = 123.45\n",
    )
    .unwrap();
    std::fs::write(dir.join("accounts/b.toml"), "name = \"B\"\ncustomer_ids = [\"K2\"]\nowner = \"Paul\"\n")
        .unwrap();
    std::fs::create_dir_all(dir.join("sales")).unwrap();
    for (i, text) in files.iter().enumerate() {
        std::fs::write(dir.join(format!("sales/part-{i}.csv")), text).unwrap();
    }
}

fn report(dir: &Path, by: Vec<Dim>, period: PeriodKind) -> MarginReport {
    let mut diags = Diagnostics::new();
    let options = Options { dir: Some(dir.to_path_buf()), sales: Vec::new() };
    let ws = Workspace::load(&options, &mut diags).expect("workspace");
    let query = MarginQuery { by, period, from: None, to: None, accounts: Vec::new() };
    let cube = Cube::build(&ws, &query.cube_spec(), &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.items());
    let held = margin_report(&ws, &cube, &query);
    // `kam margin` writes its rows as they are made from the groups; they are the same.
    let made = margin_groups(&ws, &cube, &query).rows_report(&cube);
    assert_eq!(made.rows.len(), held.rows.len());
    for (i, row) in held.rows.iter().enumerate() {
        assert_eq!(&*made.rows.row(i), row);
    }
    assert_eq!(made.total, held.total);
    held
}

fn sum(rows: &MarginReport, f: fn(&MarginFigures) -> Decimal) -> Decimal {
    rows.rows.iter().map(|r| f(&r.figures)).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_total_is_the_sum_of_the_rows(rows in proptest::collection::vec(row(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        workspace(dir.path(), &[csv(&rows)]);
        let expected_net: i64 = rows.iter().map(|r| r.cents - r.deduction_cents).sum();
        for (by, period) in [
            (vec![Dim::Account], PeriodKind::All),
            (vec![Dim::Customer], PeriodKind::Month),
            (vec![Dim::Owner, Dim::Category], PeriodKind::Quarter),
            (vec![Dim::Category], PeriodKind::Year),
        ] {
            let r = report(dir.path(), by.clone(), period);
            prop_assert_eq!(r.total.net_revenue, Decimal::new(expected_net, 2));
            prop_assert_eq!(sum(&r, |f| f.gross_revenue), r.total.gross_revenue);
            prop_assert_eq!(sum(&r, |f| f.deductions), r.total.deductions);
            prop_assert_eq!(sum(&r, |f| f.net_revenue), r.total.net_revenue);
            prop_assert_eq!(sum(&r, |f| f.quantity), r.total.quantity);
            prop_assert_eq!(sum(&r, |f| f.returns), r.total.returns);
            prop_assert_eq!(sum(&r, |f| f.overhead), r.total.overhead);
            if let Some(total) = r.total.variable_costs {
                prop_assert_eq!(sum(&r, |f| f.variable_costs.unwrap()), total);
            } else {
                prop_assert!(r.rows.iter().any(|row| row.figures.variable_costs.is_none()));
            }
            if by == [Dim::Account] {
                // Invoices belong to one customer, so orders and direct costs add up too.
                prop_assert_eq!(r.rows.iter().map(|row| row.figures.orders).sum::<u64>(), r.total.orders);
                prop_assert_eq!(sum(&r, |f| f.direct_costs), r.total.direct_costs);
            }
        }
    }

    #[test]
    fn row_order_and_file_splits_change_nothing(
        rows in proptest::collection::vec(row(), 1..40),
        seed in any::<u64>(),
        split in 0usize..40,
    ) {
        let one = tempfile::tempdir().unwrap();
        workspace(one.path(), &[csv(&rows)]);
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let split = split.min(shuffled.len());
        let two = tempfile::tempdir().unwrap();
        workspace(two.path(), &[csv(&shuffled[..split]), csv(&shuffled[split..])]);
        for (by, period) in [(vec![Dim::Account, Dim::Category], PeriodKind::Month), (vec![Dim::Customer], PeriodKind::All)] {
            let a = report(one.path(), by.clone(), period);
            let b = report(two.path(), by, period);
            prop_assert_eq!(&a.rows, &b.rows);
            prop_assert_eq!(&a.total, &b.total);
        }
    }
}
