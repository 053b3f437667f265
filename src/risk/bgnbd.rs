//! The BG/NBD model of Fader, Hardie & Lee (2005), "Counting your customers the easy way": while
//! alive, a customer buys at a rate λ (gamma-distributed over customers, shape r and scale α);
//! after each purchase it drops out with probability p (beta-distributed, a and b). From each
//! customer's frequency x (repeat purchases), recency t_x (the last purchase's time since the
//! first) and age T (the end of the calibration since the first purchase), fitted by maximum
//! likelihood, the model gives the probability that a customer is still alive and the purchases
//! to expect in a coming span.
//!
//! Time is in days; purchases are order days (several orders on one day count once). The fit
//! minimises the negative log-likelihood over the logarithms of the four parameters (so that they
//! stay positive) with argmin's Nelder–Mead, each run ending when the costs of its simplex agree
//! to 10^-10 of the cost or after 300 iterations, restarted from its own result (a fresh simplex
//! finds its way along a ridge faster than a worn one) until that improves by less; the
//! log-gamma function is statrs'. Where the exports show no dropout, the likelihood rises ever
//! more slowly as a and b grow together: the fit stops on that ridge, and the a and b it shows
//! are where it stopped (their ratio, not their size, is what the data say). A fit that does not converge, or degenerates (a
//! or b towards 0, a parameter beyond 10^8), says so in [`Fit::converged`].

use argmin::core::{CostFunction, Executor, State};
use argmin::solver::neldermead::NelderMead;
use statrs::function::gamma::ln_gamma;

/// One customer's summary, in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Repeat purchase days.
    pub x: f64,
    /// Days from the first to the last purchase day.
    pub t_x: f64,
    /// Days from the first purchase day to the end of the calibration.
    pub t: f64,
}

impl Summary {
    /// The summary of purchase days (sorted, distinct, all on or before `end`) as of `end`.
    pub fn of_days(days: &[i64], end: i64) -> Option<Summary> {
        let (&first, &last) = (days.first()?, days.last()?);
        Some(Summary { x: (days.len() - 1) as f64, t_x: (last - first) as f64, t: (end - first) as f64 })
    }
}

/// The four parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// The log-likelihood of one customer (Fader, Hardie & Lee 2005, eq. 6).
pub fn log_likelihood(p: &Params, c: &Summary) -> f64 {
    let Params { r, alpha, a, b } = *p;
    let (x, t_x, t) = (c.x, c.t_x, c.t);
    let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
    let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
    let a3 = -(r + x) * (alpha + t).ln();
    if x > 0.0 {
        let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
        // log(e^a3 + e^a4), computed from the larger.
        let m = a3.max(a4);
        a1 + a2 + m + ((a3 - m).exp() + (a4 - m).exp()).ln()
    } else {
        a1 + a2 + a3
    }
}

/// The result of a fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub params: Params,
    pub log_likelihood: f64,
    pub customers: usize,
    /// Whether the optimiser converged to finite, non-degenerate parameters.
    pub converged: bool,
}

/// The log-likelihood of all customers, one by one: the reference [`Tabulated`] is equal to.
pub fn total_log_likelihood(p: &Params, customers: &[(Summary, f64)]) -> f64 {
    customers.iter().map(|(c, n)| n * log_likelihood(p, c)).sum()
}

/// The customers' summaries arranged for the fit: the terms of [`log_likelihood`] that depend on
/// x, t or t_x alone are computed once per distinct value and evaluation, not once per customer,
/// so that an evaluation costs a table lookup and two logarithms per distinct summary. The sum
/// is the same, term by term and in the same order, as [`total_log_likelihood`].
struct Tabulated {
    xs: Vec<f64>,
    ts: Vec<f64>,
    txs: Vec<f64>,
    /// Per distinct summary: its count and the indices of its x, t and t_x.
    groups: Vec<(f64, u32, u32, u32)>,
}

impl Tabulated {
    fn new(customers: &[(Summary, f64)]) -> Tabulated {
        let distinct = |f: fn(&Summary) -> f64| {
            let mut v: Vec<f64> = customers.iter().map(|(c, _)| f(c)).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (xs, ts, txs) = (distinct(|c| c.x), distinct(|c| c.t), distinct(|c| c.t_x));
        let index = |v: &[f64], x: f64| v.partition_point(|y| y.total_cmp(&x).is_lt()) as u32;
        let groups = customers
            .iter()
            .map(|(c, n)| (*n, index(&xs, c.x), index(&ts, c.t), index(&txs, c.t_x)))
            .collect();
        Tabulated { xs, ts, txs, groups }
    }

    fn total(&self, p: &Params) -> f64 {
        let Params { r, alpha, a, b } = *p;
        let (ln_r, ln_alpha, ln_a) = (ln_gamma(r), alpha.ln(), a.ln());
        let (ln_ab, ln_b) = (ln_gamma(a + b), ln_gamma(b));
        // Per x: a1 + a2, ln(b + x − 1) and r + x.
        let by_x: Vec<(f64, f64, f64)> = self
            .xs
            .iter()
            .map(|&x| {
                let a1 = ln_gamma(r + x) - ln_r + r * ln_alpha;
                let a2 = ln_ab + ln_gamma(b + x) - ln_b - ln_gamma(a + b + x);
                (a1 + a2, if x > 0.0 { (b + x - 1.0).ln() } else { 0.0 }, r + x)
            })
            .collect();
        let ln_t: Vec<f64> = self.ts.iter().map(|t| (alpha + t).ln()).collect();
        let ln_tx: Vec<f64> = self.txs.iter().map(|t| (alpha + t).ln()).collect();
        self.groups
            .iter()
            .map(|&(n, xi, ti, txi)| {
                let (a12, ln_bx, rx) = by_x[xi as usize];
                let a3 = -rx * ln_t[ti as usize];
                let ll = if self.xs[xi as usize] > 0.0 {
                    let a4 = ln_a - ln_bx - rx * ln_tx[txi as usize];
                    // As in log_likelihood: the larger's exponent is 0, its exponential 1.
                    let m = a3.max(a4);
                    a12 + m + (1.0 + (-(a3 - a4).abs()).exp()).ln()
                } else {
                    a12 + a3
                };
                n * ll
            })
            .sum()
    }
}

struct Problem<'a> {
    customers: &'a Tabulated,
    weight: f64,
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, theta: &Self::Param) -> Result<f64, argmin::core::Error> {
        let p = params_of(theta);
        let ll = self.customers.total(&p);
        // Outside the model's range the cost is large, not NaN: Nelder–Mead then turns back.
        Ok(if ll.is_finite() { -ll / self.weight } else { f64::MAX / 4.0 })
    }
}

fn params_of(theta: &[f64]) -> Params {
    let e = |v: f64| v.clamp(-30.0, 30.0).exp();
    Params { r: e(theta[0]), alpha: e(theta[1]), a: e(theta[2]), b: e(theta[3]) }
}

/// The relative precision of the fit's cost: see [`fit`].
const RELATIVE: f64 = 1e-10;
/// At most this many runs of Nelder–Mead, of at most this many iterations each.
const RUNS: usize = 12;
const RUN_ITERATIONS: u64 = 300;

/// Fits the model to customers' summaries by maximum likelihood.
pub fn fit(summaries: &[Summary]) -> Fit {
    // Equal summaries are summed once, with their count.
    let mut grouped: Vec<(Summary, f64)> = Vec::new();
    let mut sorted: Vec<Summary> = summaries.to_vec();
    sorted.sort_by(|p, q| {
        (p.x, p.t_x, p.t).partial_cmp(&(q.x, q.t_x, q.t)).unwrap_or(std::cmp::Ordering::Equal)
    });
    for s in sorted {
        match grouped.last_mut() {
            Some((last, n)) if *last == s => *n += 1.0,
            _ => grouped.push((s, 1.0)),
        }
    }
    let n = summaries.len();
    let none = Fit {
        params: Params { r: f64::NAN, alpha: f64::NAN, a: f64::NAN, b: f64::NAN },
        log_likelihood: f64::NAN,
        customers: n,
        converged: false,
    };
    if n == 0 {
        return none;
    }
    // Start: a rate of one purchase per mean age, a and b at 1.
    let mean_t = summaries.iter().map(|s| s.t).sum::<f64>() / n as f64;
    let mut theta = vec![0.0, mean_t.max(1.0).ln(), 0.0, 0.0];
    let tabulated = Tabulated::new(&grouped);
    let problem = || Problem { customers: &tabulated, weight: n as f64 };
    // A run ends when its simplex's costs agree to 10^-10 of the cost: where the likelihood
    // keeps rising along a ridge (a and b growing together when the exports show no dropout), an
    // absolute bound is never reached and each run would take all its iterations.
    let tolerance = match problem().cost(&theta) {
        Ok(c) if c.is_finite() && c < f64::MAX / 8.0 => RELATIVE * c.abs().max(1.0),
        _ => RELATIVE,
    };
    let mut best = f64::MAX;
    let mut converged = false;
    for _ in 0..RUNS {
        let simplex: Vec<Vec<f64>> = (0..=4)
            .map(|i| {
                let mut v = theta.clone();
                if i > 0 {
                    v[i - 1] += 0.5;
                }
                v
            })
            .collect();
        let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(tolerance) else { return none };
        let Ok(result) = Executor::new(problem(), solver).configure(|s| s.max_iters(RUN_ITERATIONS)).run()
        else {
            return none;
        };
        let state = result.state();
        let (Some(p), cost) = (state.get_best_param().cloned(), state.get_best_cost()) else { return none };
        theta = p;
        if (best - cost).abs() <= RELATIVE * best.abs().max(1.0) {
            converged = true;
            best = best.min(cost);
            break;
        }
        best = best.min(cost);
    }
    let params = params_of(&theta);
    let finite =
        [params.r, params.alpha, params.a, params.b].iter().all(|v| v.is_finite() && *v > 1e-8 && *v < 1e8);
    Fit {
        params,
        log_likelihood: -best * n as f64,
        customers: n,
        converged: converged && finite && best.is_finite(),
    }
}

/// The probability that a customer with summary `c` is still alive at its `T`.
pub fn p_alive(p: &Params, c: &Summary) -> f64 {
    if c.x == 0.0 {
        return 1.0;
    }
    let Params { r, alpha, a, b } = *p;
    let odds = a / (b + c.x - 1.0) * ((alpha + c.t) / (alpha + c.t_x)).powf(r + c.x);
    1.0 / (1.0 + odds)
}

/// Gauss' hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its series.
fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 0..10_000 {
        let k = k as f64;
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        sum += term;
        if term.abs() < 1e-15 * sum.abs() {
            break;
        }
    }
    sum
}

/// The purchases (order days) to expect in the next `span` days from a customer with summary `c`
/// (Fader, Hardie & Lee 2005, eq. 10).
pub fn expected_purchases(p: &Params, c: &Summary, span: f64) -> f64 {
    let Params { r, alpha, a, b } = *p;
    let (x, t_x, t) = (c.x, c.t_x, c.t);
    // The formula holds for every a but 1, where its two factors are 0/0: a hair beside 1 gives
    // the limit.
    let a = if (a - 1.0).abs() < 1e-9 { 1.0 + 1e-9 } else { a };
    let z = span / (alpha + t + span);
    let head = (a + b + x - 1.0) / (a - 1.0);
    let tail =
        1.0 - ((alpha + t) / (alpha + t + span)).powf(r + x) * hyp2f1(r + x, b + x, a + b + x - 1.0, z);
    let alive =
        if x > 0.0 { 1.0 + a / (b + x - 1.0) * ((alpha + t) / (alpha + t_x)).powf(r + x) } else { 1.0 };
    head * tail / alive
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed with the formula in Python (math.lgamma) for r = 0.25, α = 4, a = 0.8, b = 2.5.
    #[test]
    fn log_likelihood_of_a_few_customers() {
        let p = Params { r: 0.25, alpha: 4.0, a: 0.8, b: 2.5 };
        let cases = [
            (Summary { x: 0.0, t_x: 0.0, t: 38.86 }, -0.592_911_2),
            (Summary { x: 2.0, t_x: 30.43, t: 38.86 }, -9.437_597_6),
            (Summary { x: 1.0, t_x: 1.71, t: 38.86 }, -4.410_198_3),
        ];
        for (c, want) in cases {
            let got = log_likelihood(&p, &c);
            assert!((got - want).abs() < 1e-5, "{c:?}: {got} against {want}");
        }
    }

    #[test]
    fn p_alive_and_expected_purchases_are_sane() {
        let p = Params { r: 0.25, alpha: 4.0, a: 0.8, b: 2.5 };
        assert_eq!(p_alive(&p, &Summary { x: 0.0, t_x: 0.0, t: 10.0 }), 1.0);
        let recent = p_alive(&p, &Summary { x: 3.0, t_x: 30.0, t: 31.0 });
        let silent = p_alive(&p, &Summary { x: 3.0, t_x: 5.0, t: 31.0 });
        assert!(recent > silent && (0.0..=1.0).contains(&silent), "{recent} {silent}");
        // Positive and growing with the span, for a below and above 1 (and at 1).
        for a in [0.8, 1.0, 1.5] {
            let p = Params { a, ..p };
            let c = Summary { x: 2.0, t_x: 20.0, t: 30.0 };
            let (e30, e60) = (expected_purchases(&p, &c, 30.0), expected_purchases(&p, &c, 60.0));
            assert!(e30 > 0.0 && e60 > e30 && e60.is_finite(), "{a}: {e30} {e60}");
        }
    }

    #[test]
    fn degenerate_data_never_panics_or_gives_nan_as_converged() {
        for data in [
            vec![],
            vec![Summary { x: 0.0, t_x: 0.0, t: 0.0 }],
            vec![Summary { x: 0.0, t_x: 0.0, t: 10.0 }; 5],
            vec![Summary { x: 3.0, t_x: 10.0, t: 10.0 }],
        ] {
            let f = fit(&data);
            if f.converged {
                assert!(f.params.r.is_finite() && f.params.a.is_finite(), "{f:?}");
            }
        }
    }

    proptest::proptest! {
        /// The tabulated sum the fit minimises is the customer-by-customer one, to the bit.
        #[test]
        fn the_tabulated_likelihood_is_the_reference_to_the_bit(
            raw in proptest::collection::vec((0u32..40, 0u32..800, 0u32..800, 1u32..4), 0..60),
            theta in proptest::array::uniform4(-4.0f64..4.0),
        ) {
            let customers: Vec<(Summary, f64)> = raw
                .iter()
                .map(|&(x, tx, extra, n)| {
                    let t_x = if x == 0 { 0.0 } else { f64::from(tx) };
                    (Summary { x: f64::from(x), t_x, t: t_x + f64::from(extra) }, f64::from(n))
                })
                .collect();
            let p = params_of(&theta);
            let (want, got) = (total_log_likelihood(&p, &customers), Tabulated::new(&customers).total(&p));
            proptest::prop_assert!(want.to_bits() == got.to_bits() || (want.is_nan() && got.is_nan()), "{} {}", want, got);
        }
    }
}
