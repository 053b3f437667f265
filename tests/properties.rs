//! Invariants checked on generated input: amounts read back exactly as written, and splitting an
//! export into two files changes nothing `kam check` counts.

mod common;

use common::{TempWorkspace, check_with};
use kam::money::{Decimal, DecimalMark, parse_amount};
use proptest::prelude::*;

/// How a generated amount is written.
#[derive(Debug, Clone)]
struct Written {
    mantissa: u64,
    scale: u32,
    negative: bool,
    trailing_minus: bool,
    grouped: bool,
    mark: DecimalMark,
    padding: bool,
}

impl Written {
    fn value(&self) -> Decimal {
        let v = Decimal::from_i128_with_scale(i128::from(self.mantissa), self.scale);
        if self.negative { -v } else { v }
    }

    /// The amount as an export writes it, e.g. `1.234.567,89`, `-0.05`, `12,50-`.
    fn text(&self) -> String {
        let digits = format!("{:0width$}", self.mantissa, width = self.scale as usize + 1);
        let (int, frac) = digits.split_at(digits.len() - self.scale as usize);
        let mut out = String::new();
        if self.padding {
            out.push(' ');
        }
        if self.negative && !self.trailing_minus {
            out.push('-');
        }
        for (i, c) in int.chars().enumerate() {
            if self.grouped && i > 0 && (int.len() - i) % 3 == 0 {
                out.push(self.mark.separator() as char);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(self.mark.mark() as char);
            out.push_str(frac);
        }
        if self.negative && self.trailing_minus {
            out.push('-');
        }
        if self.padding {
            out.push(' ');
        }
        out
    }
}

fn mark() -> impl Strategy<Value = DecimalMark> {
    prop_oneof![Just(DecimalMark::Point), Just(DecimalMark::Comma)]
}

fn written() -> impl Strategy<Value = Written> {
    (
        // Below the limit of amounts, 10^15, whatever the scale.
        prop_oneof![0u64..1000, 0u64..10_000_000, 0u64..1_000_000_000_000_000],
        0u32..=8,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        mark(),
        any::<bool>(),
    )
        .prop_map(|(mantissa, scale, negative, trailing_minus, grouped, mark, padding)| Written {
            mantissa,
            scale,
            negative,
            trailing_minus,
            grouped,
            mark,
            padding,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Thousands separators and either decimal mark: the exact value comes back, with the
    /// number of decimal places written.
    #[test]
    fn amounts_parse_back_exactly(w in written()) {
        let text = w.text();
        let parsed = parse_amount(text.as_bytes(), w.mark);
        prop_assert_eq!(parsed, Ok(w.value()), "{:?}", text);
        prop_assert_eq!(parsed.unwrap().scale(), w.scale, "{:?}", text);
    }

    /// Read with the other decimal mark, an amount with decimals is rejected rather than
    /// misread, unless it has exactly three (`1.234` is 1234 for a decimal comma).
    #[test]
    fn amounts_with_the_other_mark_are_never_misread(w in written()) {
        let text = w.text();
        let other = match w.mark {
            DecimalMark::Point => DecimalMark::Comma,
            DecimalMark::Comma => DecimalMark::Point,
        };
        let parsed = parse_amount(text.as_bytes(), other);
        if w.scale == 0 && (!w.grouped || w.mantissa < 1000) {
            // No mark and no separator: a plain whole number either way.
            prop_assert_eq!(parsed, Ok(w.value()), "{:?}", text);
        } else if w.scale != 0 && w.scale != 3 {
            prop_assert!(parsed.is_err(), "{:?} read as {:?}", text, parsed);
        }
    }
}

/// One generated sales row.
#[derive(Debug, Clone)]
struct Sale {
    month: u32,
    day: u32,
    customer: &'static str,
    invoice: &'static str,
    cents: i64,
    grouped: bool,
}

impl Sale {
    fn line(&self) -> String {
        let amount = Written {
            mantissa: self.cents.unsigned_abs(),
            scale: 2,
            negative: self.cents < 0,
            trailing_minus: false,
            grouped: self.grouped,
            mark: DecimalMark::Comma,
            padding: false,
        };
        format!(
            "{:02}.{:02}.2026;{};{};{}\n",
            self.day,
            self.month,
            self.customer,
            self.invoice,
            amount.text()
        )
    }
}

fn sale() -> impl Strategy<Value = Sale> {
    (
        1u32..=12,
        1u32..=28,
        prop::sample::select(vec!["C1", "C2", "C3", "C4", "C5", ""]),
        prop::sample::select(vec!["", "R-1", "R-2", "R-3"]),
        -200_000i64..20_000_000,
        any::<bool>(),
    )
        .prop_map(|(month, day, customer, invoice, cents, grouped)| Sale {
            month,
            day,
            customer,
            invoice,
            cents,
            grouped,
        })
}

const HEADER: &str = "Datum;Kunde;Rechnung;Umsatz\n";

/// The lines of a check that do not depend on how the rows are split into files.
fn split_independent(stderr: &str) -> (Vec<String>, usize) {
    let mut kept = Vec::new();
    let mut duplicates = 0;
    for line in stderr.lines() {
        if line.contains("looks like a duplicate of") {
            duplicates += 1;
        } else {
            kept.push(line.replace("2 exports", "1 export"));
        }
    }
    (kept, duplicates)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same rows in one export or split over two give the same counts, totals and warnings.
    #[test]
    fn splitting_an_export_changes_no_count(rows in prop::collection::vec(sale(), 0..40), cut in 0usize..=40) {
        let cut = cut.min(rows.len());
        let ws = TempWorkspace::new(
            "[workspace]\nsales = []\n[import]\ndelimiter = \";\"\ndecimal_mark = \",\"\n\
             date_format = \"%d.%m.%Y\"\n[import.columns]\ndate = \"Datum\"\ncustomer = \"Kunde\"\n\
             invoice = \"Rechnung\"\nrevenue = \"Umsatz\"\n",
        );
        ws.write("accounts/alpha.toml", b"name = \"Alpha\"\ncustomer_ids = [\"C1\", \"C2\"]\n");
        ws.write("accounts/beta.toml", b"name = \"Beta\"\ncustomer_ids = [\"C3\", \"C9\"]\n");
        let text = |rows: &[Sale]| -> String {
            std::iter::once(HEADER.to_string()).chain(rows.iter().map(Sale::line)).collect()
        };
        ws.write("all.csv", text(&rows).as_bytes());
        ws.write("part-1.csv", text(&rows[..cut]).as_bytes());
        ws.write("part-2.csv", text(&rows[cut..]).as_bytes());

        let one = check_with(ws.path(), &["--sales", "all.csv"], 0);
        let two = check_with(ws.path(), &["--sales", "part-1.csv", "part-2.csv"], 0);
        let n = rows.len();
        let rows_word = if n == 1 { "row" } else { "rows" };
        prop_assert!(
            one.summary().ends_with(&format!("(2 accounts, 1 export with {n} {rows_word})")),
            "{}", one.stderr
        );
        prop_assert!(
            two.summary().ends_with(&format!("(2 accounts, 2 exports with {n} {rows_word})")),
            "{}", two.stderr
        );
        prop_assert_eq!(split_independent(&one.stderr), split_independent(&two.stderr));
    }
}
