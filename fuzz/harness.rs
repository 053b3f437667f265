//! Fuzzing harness: bounded random inputs mutated from the seed corpus in `fuzz/corpus/<target>/`,
//! each run under `catch_unwind`, with invariants checked beyond "no panic".
//!
//! Targets:
//!
//! - `export`: bytes → records → rows, read with three `[import]` settings (ISO with `,`;
//!   German with `;`, decimal comma, `%d.%m.%Y` and Windows-1252; sniffed delimiter). Every row
//!   read is a good row or a bad one with an error: good + bad = rows, and bad rows mean errors.
//!   Read in parts (cut down to single bytes), the export gives the same counts and problems.
//! - `parsers`: every line through the amount parser with both decimal marks (an amount read is
//!   below the limit and reads back from its own text), and as a cell under several date formats
//!   and as a date format itself (a date read lies in the accepted years).
//! - `dossier`: the text through the dossier loader.
//! - `edit`: a dossier that loads without errors takes a meeting (with text from the input), a
//!   complaint closed and an action's status set; an edit that changes the text splices the
//!   entry into the old text and leaves a dossier that loads without errors.
//!
//! `cargo test` runs each target briefly (a fixed number of inputs from a fixed seed). Long runs:
//! `fuzz/run.sh TARGET SECONDS` (see `docs/fuzzing.md`). An input that fails is written to
//! `fuzz/findings/<target>/` and the run fails naming it.

use kam::config::{Delimiter, Encoding, ImportSettings};
use kam::dates::DateFormat;
use kam::diag::Diagnostics;
use kam::money::{DecimalMark, parse_amount, within_limit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

type Check = fn(&[u8], &Path) -> Result<(), String>;

const TARGETS: [(&str, Check); 4] =
    [("export", export), ("parsers", parsers), ("dossier", dossier), ("edit", edit)];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = root().join("corpus").join(target);
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    paths.sort();
    let mut seeds: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// Bytes and words that matter to the parsers.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b";",
    b",",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b".",
    b"-",
    b"'",
    b"=",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"#",
    b"\x00",
    b"\xff",
    b"\xc3\xa4",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"1.234,56",
    b"12,50-",
    b"9999999999999999999999999999",
    b"79228162514264337593543950335",
    b"0.0000000000000000000000000001",
    b"2026-02-30",
    b"31.12.2026",
    b"16.01.26",
    b"%Y",
    b"%d.%m.%Y %H:%M",
    b"%",
    b"inf",
    b"nan",
    b"date = 2026-01-05",
    b"[[meetings]]",
    b"[[complaints]]",
    b"closed = ",
    b"opened = 2026-01-01",
    b"name = \"x\"",
    b"customer_ids = [\"1\"]",
    b"a.b.c.d.e = 1",
];

fn mutate(rng: &mut ChaCha8Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    for _ in 0..rng.random_range(1..=4) {
        let len = input.len();
        match rng.random_range(0..7) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] = rng.random();
            }
            2 | 3 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                let at = rng.random_range(0..=len);
                input.splice(at..at, token.iter().copied());
            }
            4 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=16)).min(len);
                input.drain(a..b);
            }
            5 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=64)).min(len);
                let copy: Vec<u8> = input[a..b].to_vec();
                let at = rng.random_range(0..=input.len());
                input.splice(at..at, copy);
            }
            _ => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                if !other.is_empty() {
                    let a = rng.random_range(0..other.len());
                    let b = (a + rng.random_range(1..=128)).min(other.len());
                    let at = rng.random_range(0..=input.len());
                    input.splice(at..at, other[a..b].iter().copied());
                }
            }
        }
    }
    input.truncate(64 * 1024);
}

/// Runs `target` on `count` inputs (or until `seconds` have passed) from `seed`; returns the
/// number of inputs run, or the first failure with the file it was saved to.
fn fuzz(target: &str, check: Check, count: u64, seconds: Option<u64>, seed: u64) -> Result<u64, String> {
    let seeds = corpus(target);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let start = std::time::Instant::now();
    let mut n = 0;
    // The seeds themselves first, then mutants.
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    loop {
        if n >= count || seconds.is_some_and(|s| start.elapsed().as_secs() >= s) {
            return Ok(n);
        }
        let input = queue.pop().unwrap_or_else(|| {
            let mut input = seeds[rng.random_range(0..seeds.len())].clone();
            mutate(&mut rng, &mut input, &seeds);
            input
        });
        let outcome =
            catch_unwind(AssertUnwindSafe(|| check(&input, scratch.path()))).unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Err(format!("panic: {what}"))
            });
        if let Err(why) = outcome {
            let dir = root().join("findings").join(target);
            let _ = std::fs::create_dir_all(&dir);
            let name = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&input));
            let _ = std::fs::write(dir.join(&name), &input);
            return Err(format!("{target}: {why} (input saved as fuzz/findings/{target}/{name})"));
        }
        n += 1;
    }
}

fn settings() -> Vec<ImportSettings> {
    let iso = ImportSettings::default();
    let german = ImportSettings {
        delimiter: Delimiter::Byte(b';'),
        decimal_mark: DecimalMark::Comma,
        date_format: DateFormat::new("%d.%m.%Y").expect("a date format"),
        encoding: Encoding::Windows1252,
        ..ImportSettings::default()
    };
    let auto = ImportSettings { delimiter: Delimiter::Auto, ..ImportSettings::default() };
    vec![iso, german, auto]
}

fn export(input: &[u8], scratch: &Path) -> Result<(), String> {
    let file = scratch.join("export.csv");
    std::fs::write(&file, input).map_err(|e| e.to_string())?;
    for s in settings() {
        let mut diags = Diagnostics::new();
        let mut good = 0u64;
        let stats = kam::sales::read_exports(std::slice::from_ref(&file), &s, &mut diags, |_, row| {
            assert!(within_limit(row.gross) && within_limit(row.deductions), "an amount beyond the limit");
            good += 1;
        });
        if good + stats.bad_rows != stats.rows {
            return Err(format!("{} rows, {good} good and {} bad", stats.rows, stats.bad_rows));
        }
        if stats.bad_rows > 0 && !diags.has_errors() {
            return Err(format!("{} bad rows without an error", stats.bad_rows));
        }
        for threads in [2, 3] {
            let mut in_parts = Diagnostics::new();
            let parts = kam::sales::Parts { threads, min_bytes: 1, block: 1 };
            let cut = kam::sales::fold_exports_in_parts(
                std::slice::from_ref(&file),
                &s,
                &mut in_parts,
                &mut (),
                || (),
                parts,
            );
            let messages = |d: &Diagnostics| d.items().iter().map(|p| p.to_string()).collect::<Vec<_>>();
            if (cut.rows, cut.bad_rows) != (stats.rows, stats.bad_rows)
                || messages(&in_parts) != messages(&diags)
            {
                return Err(format!(
                    "read in {threads} parts: {} rows, {} bad, {:?}; in one: {} rows, {} bad, {:?}",
                    cut.rows,
                    cut.bad_rows,
                    messages(&in_parts),
                    stats.rows,
                    stats.bad_rows,
                    messages(&diags)
                ));
            }
        }
    }
    Ok(())
}

fn parsers(input: &[u8], scratch: &Path) -> Result<(), String> {
    amount(input, scratch)?;
    date(input, scratch)
}

fn amount(input: &[u8], _: &Path) -> Result<(), String> {
    for line in input.split(|&b| b == b'\n') {
        for mark in [DecimalMark::Point, DecimalMark::Comma] {
            if let Ok(v) = parse_amount(line, mark) {
                if !within_limit(v) {
                    return Err(format!("{v} beyond the limit"));
                }
                let back = parse_amount(v.to_string().as_bytes(), DecimalMark::Point);
                if back != Ok(v) {
                    return Err(format!("{v} reads back as {back:?}"));
                }
            }
        }
    }
    Ok(())
}

fn date(input: &[u8], _: &Path) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let formats: Vec<DateFormat> = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .map(|f| DateFormat::new(f).expect("a date format"))
        .collect();
    for line in text.lines() {
        for f in &formats {
            if let Ok(d) = f.parse(line) {
                use chrono::Datelike;
                if !kam::dates::YEARS.contains(&d.year()) {
                    return Err(format!("{line:?} read as {d}"));
                }
            }
        }
        if let Ok(f) = DateFormat::new(line) {
            let _ = f.parse(&f.example());
        }
    }
    Ok(())
}

fn dossier(input: &[u8], _: &Path) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let mut diags = Diagnostics::new();
    let _ = kam::dossier::load_text(Path::new("accounts/fuzz.toml"), &text, &mut diags);
    Ok(())
}

fn edit(input: &[u8], _: &Path) -> Result<(), String> {
    use kam::edit::{Edit, Outcome, Selector};
    let text = String::from_utf8_lossy(input).into_owned();
    let path = Path::new("accounts/fuzz.toml");
    let mut diags = Diagnostics::new();
    let Some(account) = kam::dossier::load_text(path, &text, &mut diags) else { return Ok(()) };
    if diags.has_errors() {
        return Ok(());
    }
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a day");
    let words = String::from_utf8_lossy(&input[input.len().saturating_sub(24)..]).trim().to_string();
    let summary = (!words.is_empty()).then_some(words);
    let edits = [
        Edit::Append(kam::edit::meeting(day, "call", summary, Vec::new())),
        Edit::CloseComplaint { which: Selector::LatestOpen, date: day },
        Edit::SetStatus { which: Selector::Number(1), status: kam::dossier::ActionStatus::Done },
    ];
    for (k, e) in edits.iter().enumerate() {
        if let Ok(Outcome::Changed(change)) = kam::edit::apply(&text, &account, e) {
            let spliced =
                format!("{}{}{}", &text[..change.at], change.insert, &text[change.at + change.remove..]);
            if spliced != change.text {
                return Err("the new text is not the old one with the entry spliced in".to_string());
            }
            // Read on its own: the old dossier plus one more meeting, and nothing else changed.
            if k == 0 {
                let old: toml::Table = toml::from_str(&text).map_err(|e| e.to_string())?;
                let mut new: toml::Table = toml::from_str(&change.text).map_err(|e| e.to_string())?;
                let added = new.get_mut("meetings").and_then(|m| m.as_array_mut()).and_then(|m| m.pop());
                let kind = added.as_ref().and_then(|m| m.get("kind")).and_then(|k| k.as_str());
                if kind != Some("call") {
                    return Err(format!("the last meeting is not the one added: {added:?}"));
                }
                if new.get("meetings").and_then(|m| m.as_array()).is_some_and(|m| m.is_empty())
                    && !old.contains_key("meetings")
                {
                    new.remove("meetings");
                }
                if new != old {
                    return Err("beside the new meeting, the dossier changed".to_string());
                }
            }
            // The edited text must read as a dossier; whether its values pass validation is
            // what `kam log` checks before it writes (closing a complaint before it was opened).
            let mut after = Diagnostics::new();
            if kam::dossier::load_text(path, &change.text, &mut after).is_none()
                && after
                    .items()
                    .iter()
                    .any(|d| !d.message.text(kam::config::Language::En).contains("before it was opened"))
            {
                return Err(format!("the edited dossier does not load: {:?}", after.items()));
            }
        }
    }
    Ok(())
}

/// A short run of every target, as part of `cargo test`.
#[test]
fn fuzz_targets_briefly() {
    let count: u64 = std::env::var("KAM_FUZZ_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(2000);
    for (name, check) in TARGETS {
        match fuzz(name, check, count, None, 0x6b61_6d00) {
            Ok(n) => println!("fuzz {name}: {n} inputs, no failure"),
            Err(why) => panic!("{why}"),
        }
    }
}

/// A long run of one target: `KAM_FUZZ_TARGET`, `KAM_FUZZ_SECONDS`, `KAM_FUZZ_SEED`.
#[test]
#[ignore = "long fuzzing run; see fuzz/run.sh"]
fn fuzz_long_run() {
    let target = std::env::var("KAM_FUZZ_TARGET").unwrap_or_else(|_| "export".to_string());
    let seconds: u64 = std::env::var("KAM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = std::env::var("KAM_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let (name, check) = TARGETS.into_iter().find(|(n, _)| *n == target).expect("a known target");
    match fuzz(name, check, u64::MAX, Some(seconds), seed) {
        Ok(n) => println!("fuzz {name}: {n} inputs in {seconds} s (seed {seed}), no failure"),
        Err(why) => panic!("{why}"),
    }
}
