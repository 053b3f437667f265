//! How well a score ranks the units that churned above those that did not: the area under the
//! ROC curve (the probability that a churned unit, drawn at random, scores higher than a kept
//! one, ties counting half), and the precision among the riskiest tenth.

/// The ROC AUC of `scores` (higher: more at risk) against `churned`; `None` when one of the two
/// groups is empty or a score is not a number. Ties count half, by ranks (Mann–Whitney).
pub fn roc_auc(scores: &[f64], churned: &[bool]) -> Option<f64> {
    if scores.len() != churned.len() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let positives = churned.iter().filter(|c| **c).count();
    let negatives = churned.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[i].total_cmp(&scores[j]));
    // Average ranks (1-based) over ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += rank * order[i..=j].iter().filter(|&&k| churned[k]).count() as f64;
        i = j + 1;
    }
    let p = positives as f64;
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64))
}

/// The share of churned units among the tenth with the highest scores (at least one unit);
/// `None`, as for [`roc_auc`], when all or none churned: then every ranking scores the same and
/// there is nothing to measure.
pub fn precision_top_decile(scores: &[f64], churned: &[bool]) -> Option<f64> {
    if scores.len() != churned.len() || churned.iter().all(|c| *c) || churned.iter().all(|c| !*c) {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&i, &j| scores[j].total_cmp(&scores[i]));
    let n = scores.len().div_ceil(10);
    Some(order[..n].iter().filter(|&&k| churned[k]).count() as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-counted: churned scores {0.9, 0.5, 0.5}, kept {0.5, 0.2}. Pairs (churned, kept):
    /// 0.9 > 0.5 ✓, 0.9 > 0.2 ✓, 0.5 = 0.5 ½, 0.5 > 0.2 ✓, 0.5 = 0.5 ½, 0.5 > 0.2 ✓: 5 of 6.
    #[test]
    fn auc_with_ties() {
        let scores = [0.9, 0.5, 0.5, 0.5, 0.2];
        let churned = [true, true, true, false, false];
        assert_eq!(roc_auc(&scores, &churned), Some(5.0 / 6.0));
        assert_eq!(roc_auc(&[1.0, 2.0], &[true, false]), Some(0.0));
        assert_eq!(roc_auc(&[1.0, 1.0], &[true, false]), Some(0.5));
        assert_eq!(roc_auc(&[1.0, 2.0], &[true, true]), None);
        assert_eq!(roc_auc(&[f64::NAN, 2.0], &[true, false]), None);
    }

    #[test]
    fn precision_of_the_riskiest_tenth() {
        let scores: Vec<f64> = (0..20).map(f64::from).collect();
        let churned: Vec<bool> = (0..20).map(|i| i >= 19).collect();
        // The top tenth of 20 is 2 units, one of them churned.
        assert_eq!(precision_top_decile(&scores, &churned), Some(0.5));
        assert_eq!(precision_top_decile(&[], &[]), None);
    }

    #[test]
    fn no_precision_when_all_or_none_churned() {
        let scores: Vec<f64> = (0..20).map(f64::from).collect();
        assert_eq!(precision_top_decile(&scores, &[true; 20]), None);
        assert_eq!(precision_top_decile(&scores, &[false; 20]), None);
        assert_eq!(roc_auc(&scores, &[true; 20]), None);
    }
}
