//! The BG/NBD fit against the reference parameters of lifetimes on CDNOW (skipped, saying so,
//! where `../shared/data` is absent).

use kam::risk::bgnbd::{Summary, fit};
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
        println!("skipped: ../shared/data/cdnow_master.txt.gz is absent");
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
