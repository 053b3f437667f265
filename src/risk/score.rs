//! A churn-risk score from 0 to 100 for every unit, and its backtest: how well the score would
//! have ranked the units that then stopped buying, against simple baselines.
//!
//! The score is the mean of two percentile ranks among the units scored, each 0 (safest) to 1
//! (riskiest): the BG/NBD purchases to expect in the coming span (fewer: riskier) and the repeat
//! purchase days so far (fewer: riskier). On CDNOW (`--at 1997-09`, 9 months ahead) the expected
//! purchases alone reach an AUC of 0.763 and the frequency alone 0.753; their mean rank 0.769.
//! Where the model does not converge, the days since the last purchase (more: riskier) stand in
//! for the expected purchases.

use super::auc::{precision_top_decile, roc_auc};
use super::bgnbd::{Fit, Summary, expected_purchases, fit, p_alive};

/// One unit's order days (days since 1970-01-01, any order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub id: String,
    pub days: Vec<i64>,
}

/// One unit's score and what it is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub id: String,
    pub summary: Summary,
    pub last_order: i64,
    pub p_alive: Option<f64>,
    /// Order days to expect in the span after the end.
    pub expected: Option<f64>,
    /// The percentile ranks behind the score (0 safest, 1 riskiest).
    pub expected_rank: f64,
    pub frequency_rank: f64,
    /// 0 to 100.
    pub score: f64,
}

/// Percentile ranks of `values` (higher value: higher rank), ties at their mean rank, from 0 to 1.
fn percentile_ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n <= 1 {
        return vec![0.5; n];
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 / (n - 1) as f64;
        for &k in &order[i..=j] {
            ranks[k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// The distinct order days of `h` up to `end`, sorted.
fn days_until(h: &History, end: i64) -> Vec<i64> {
    let mut days: Vec<i64> = h.days.iter().copied().filter(|d| *d <= end).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Scores every unit with an order day up to `end` (and, with `since`, one after it), the model
/// fitted on all of them, expectations over `span` days.
pub fn score(histories: &[History], end: i64, since: Option<i64>, span: f64) -> (Fit, Vec<Scored>) {
    let mut units: Vec<(&History, Summary, i64)> = Vec::new();
    for h in histories {
        let days = days_until(h, end);
        let (Some(summary), Some(&last)) = (Summary::of_days(&days, end), days.last()) else { continue };
        if since.is_some_and(|s| last <= s) {
            continue;
        }
        units.push((h, summary, last));
    }
    let summaries: Vec<Summary> = units.iter().map(|u| u.1).collect();
    let model = fit(&summaries);
    let expected: Vec<Option<f64>> = units
        .iter()
        .map(|u| {
            Some(expected_purchases(&model.params, &u.1, span)).filter(|e| model.converged && e.is_finite())
        })
        .collect();
    // Riskier: fewer expected purchases (or, without a model, longer since the last purchase).
    let first: Vec<f64> = if expected.iter().all(Option::is_some) {
        expected.iter().map(|e| -e.unwrap_or_default()).collect()
    } else {
        units.iter().map(|u| (end - u.2) as f64).collect()
    };
    let frequency: Vec<f64> = units.iter().map(|u| -u.1.x).collect();
    let (r1, r2) = (percentile_ranks(&first), percentile_ranks(&frequency));
    let scored = units
        .iter()
        .enumerate()
        .map(|(i, (h, summary, last))| Scored {
            id: h.id.clone(),
            summary: *summary,
            last_order: *last,
            p_alive: model.converged.then(|| p_alive(&model.params, summary)),
            expected: expected[i],
            expected_rank: r1[i],
            frequency_rank: r2[i],
            score: 100.0 * (r1[i] + r2[i]) / 2.0,
        })
        .collect();
    (model, scored)
}

/// The ROC AUC and top-decile precision of kam's score and of the baselines at one cut-off.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub score: Option<f64>,
    /// Days since the last purchase.
    pub recency: Option<f64>,
    /// BG/NBD expected purchases alone.
    pub bgnbd: Option<f64>,
    /// The W-month rule: no purchase in the last W months.
    pub window_rule: Option<f64>,
}

/// One cut-off of the backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutoff {
    pub end: i64,
    pub units: usize,
    pub churned: usize,
    pub auc: Measured,
    pub precision_top_decile: Measured,
}

/// Backtests the score at each `(end, horizon_end, since)`: the units with a purchase in
/// (`since`, `end`] are scored from their days up to `end` alone, and churned when they have no
/// order day in (`end`, `horizon_end`]. `window_days` is the W-month rule's W in days.
pub fn backtest(histories: &[History], cutoffs: &[(i64, i64, i64)], window_days: i64) -> Vec<Cutoff> {
    cutoffs
        .iter()
        .map(|&(end, horizon_end, since)| {
            let span = (horizon_end - end) as f64;
            let (_, scored) = score(histories, end, Some(since), span);
            let by_id: std::collections::HashMap<&str, &History> =
                histories.iter().map(|h| (h.id.as_str(), h)).collect();
            let churned: Vec<bool> = scored
                .iter()
                .map(|s| !by_id[s.id.as_str()].days.iter().any(|d| *d > end && *d <= horizon_end))
                .collect();
            let kam: Vec<f64> = scored.iter().map(|s| s.score).collect();
            let recency: Vec<f64> = scored.iter().map(|s| (end - s.last_order) as f64).collect();
            let bgnbd: Option<Vec<f64>> = scored.iter().map(|s| s.expected.map(|e| -e)).collect();
            let window: Vec<f64> =
                scored.iter().map(|s| f64::from(u8::from(end - s.last_order > window_days))).collect();
            let measure = |f: fn(&[f64], &[bool]) -> Option<f64>| Measured {
                score: f(&kam, &churned),
                recency: f(&recency, &churned),
                bgnbd: bgnbd.as_deref().and_then(|b| f(b, &churned)),
                window_rule: f(&window, &churned),
            };
            Cutoff {
                end,
                units: scored.len(),
                churned: churned.iter().filter(|c| **c).count(),
                auc: measure(roc_auc),
                precision_top_decile: measure(precision_top_decile),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated history whose churners are known: 100 units buy every 9 to 11 days over two
    /// years; 50 more buy so until day 500 and then stop.
    fn history() -> Vec<History> {
        let mut seed: u64 = 7;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % 3
        };
        (0..150)
            .map(|i| {
                let stop = if i < 100 { 730 } else { 500 };
                let mut days = Vec::new();
                let mut d = (i % 9) as i64;
                while d < stop {
                    days.push(d);
                    d += 9 + next() as i64;
                }
                History { id: format!("u{i}"), days }
            })
            .collect()
    }

    #[test]
    fn the_backtest_finds_the_known_churners() {
        let h = history();
        // Cut-off at day 600, 120 days ahead; every unit bought in the year before.
        let cuts = backtest(&h, &[(600, 720, 235)], 90);
        let c = &cuts[0];
        assert_eq!((c.units, c.churned), (150, 50));
        assert!(c.auc.score.unwrap() > 0.95, "{c:?}");
        assert!(c.auc.recency.unwrap() > 0.95, "{c:?}");
        assert_eq!(c.precision_top_decile.score, Some(1.0), "{c:?}");
        // The units that stopped score above those that did not.
        let (_, scored) = score(&h, 600, None, 120.0);
        let mean = |from: usize, to: usize| {
            scored[from..to].iter().map(|s| s.score).sum::<f64>() / (to - from) as f64
        };
        assert!(mean(100, 150) > mean(0, 100), "{} {}", mean(100, 150), mean(0, 100));
    }

    #[test]
    fn small_and_degenerate_histories_give_no_nan() {
        let one = vec![History { id: "a".into(), days: vec![10] }];
        let (_, s) = score(&one, 20, None, 30.0);
        assert_eq!(s.len(), 1);
        assert!(s[0].score.is_finite());
        // All churned: no AUC, not NaN.
        let all =
            vec![History { id: "a".into(), days: vec![1, 5] }, History { id: "b".into(), days: vec![2, 9] }];
        let c = &backtest(&all, &[(10, 40, 0)], 30)[0];
        assert_eq!((c.units, c.churned, c.auc.score), (2, 2, None));
        assert!(backtest(&[], &[(10, 40, 0)], 30)[0].auc.score.is_none());
    }

    #[test]
    fn percentile_ranks_with_ties() {
        assert_eq!(
            percentile_ranks(&[3.0, 1.0, 3.0, 2.0]),
            vec![(2.0 + 3.0) / 2.0 / 3.0, 0.0, 2.5 / 3.0, 1.0 / 3.0]
        );
        assert_eq!(percentile_ranks(&[5.0]), vec![0.5]);
    }
}
