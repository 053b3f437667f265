//! The order of the margin table's rows: each grouping's codes ranked by their names.

use super::groups::CODE_NO_OWNER;

/// The names of one grouping's codes, and each code's rank in the order of the names (equal
/// names share a rank).
pub(super) struct Ranking {
    /// Distinct codes, ascending.
    codes: Vec<u32>,
    names: Vec<String>,
    ranks: Vec<u32>,
    /// The position of each code from `base` on, where the codes lie close together
    /// (`u32::MAX` for a code not ranked); other codes are looked up by binary search.
    base: u32,
    positions: Vec<u32>,
}

impl Ranking {
    pub(super) fn new(codes: impl Iterator<Item = u32>, name: impl Fn(u32) -> String) -> Self {
        let codes = distinct_ascending(codes.collect());
        let names: Vec<String> = codes.iter().map(|&c| name(c)).collect();
        let mut by_name: Vec<usize> = (0..codes.len()).collect();
        by_name.sort_by(|&a, &b| names[a].cmp(&names[b]));
        let mut ranks = vec![0u32; codes.len()];
        let mut rank = 0u32;
        for (i, &c) in by_name.iter().enumerate() {
            if i > 0 && names[by_name[i - 1]] != names[c] {
                rank += 1;
            }
            ranks[c] = rank;
        }
        // Codes that stand for no name are the largest; the others are numbers given in order.
        let regular = codes.partition_point(|&c| c < CODE_NO_OWNER);
        let (base, positions) = match codes[..regular] {
            [first, .., last] if (last - first) as usize <= 4 * regular + 1024 => {
                let mut positions = vec![u32::MAX; (last - first) as usize + 1];
                for (p, &c) in codes[..regular].iter().enumerate() {
                    positions[(c - first) as usize] = p as u32;
                }
                (first, positions)
            }
            _ => (0, Vec::new()),
        };
        Ranking { codes, names, ranks, base, positions }
    }

    /// The number of codes ranked (and a bound of the ranks).
    pub(super) fn len(&self) -> usize {
        self.codes.len()
    }

    fn position(&self, code: u32) -> usize {
        match code.checked_sub(self.base).and_then(|i| self.positions.get(i as usize)) {
            Some(&p) if p != u32::MAX => p as usize,
            _ => self.codes.binary_search(&code).unwrap_or_default(),
        }
    }

    pub(super) fn rank(&self, code: u32) -> u32 {
        self.ranks.get(self.position(code)).copied().unwrap_or_default()
    }

    pub(super) fn name(&self, code: u32) -> &str {
        self.names.get(self.position(code)).map_or("", String::as_str)
    }
}

/// The distinct values of `codes`, ascending. Where the codes that name something lie close
/// together (the codes of a grouping are numbers given in order, one a name; the periods are
/// months), they are marked in a table and read back in order, instead of sorting the codes of
/// every group; the few codes that stand for no name are sorted.
fn distinct_ascending(mut codes: Vec<u32>) -> Vec<u32> {
    let regular = || codes.iter().copied().filter(|&c| c < CODE_NO_OWNER);
    let close = regular()
        .min()
        .zip(regular().max())
        .filter(|&(low, high)| (high - low) as usize <= 4 * codes.len() + 1024);
    let Some((low, high)) = close else {
        codes.sort_unstable();
        codes.dedup();
        return codes;
    };
    let mut seen = vec![false; (high - low) as usize + 1];
    let mut special = Vec::new();
    for &c in &codes {
        if c < CODE_NO_OWNER {
            seen[(c - low) as usize] = true;
        } else {
            special.push(c);
        }
    }
    special.sort_unstable();
    special.dedup();
    let mut distinct: Vec<u32> = (low..=high).filter(|&c| seen[(c - low) as usize]).collect();
    distinct.extend(special);
    distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The codes marked in a table are the codes sorted and made distinct, also with codes
        /// that stand for no name, and codes far apart.
        #[test]
        fn distinct_codes_are_the_sorted_codes(
            codes in proptest::collection::vec(
                proptest::prop_oneof![
                    0u32..50,
                    24_000u32..24_100,
                    (u32::MAX - 3)..=u32::MAX,
                    proptest::num::u32::ANY,
                ],
                0..400,
            ),
        ) {
            let mut expected = codes.clone();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(distinct_ascending(codes), expected);
        }
    }

    #[test]
    fn close_codes_are_marked_and_special_codes_come_last() {
        let codes = vec![7, 3, u32::MAX, 5, 3, u32::MAX - 2, 7, u32::MAX];
        assert_eq!(distinct_ascending(codes), [3, 5, 7, u32::MAX - 2, u32::MAX]);
        assert_eq!(distinct_ascending(Vec::new()), Vec::<u32>::new());
        assert_eq!(distinct_ascending(vec![u32::MAX, u32::MAX - 1]), [u32::MAX - 1, u32::MAX]);
    }
}
