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
        let mut codes: Vec<u32> = codes.collect();
        codes.sort_unstable();
        codes.dedup();
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
