//! Distinct invoices of the margin table's groups and of its total, counted from the cells'
//! sorted fingerprints.

use super::groups::Group;
use crate::cube::{Cube, InvoiceId};

/// Counts the distinct invoices of each group and of the total, given the cells of the groups
/// (each cell's invoices sorted and distinct) and the cells in range in the cube's order
/// (`None`: all cells). A group of one cell has its cell's count; the invoices of larger groups
/// are sorted together and counted once each. The groups are counted in blocks side by side,
/// and beside them the total's, read in the cube's order, in which they lie in memory: all of
/// them in one run where all cells are in range.
pub(super) fn count_invoices(
    groups: &mut [Group],
    total: &mut Group,
    members: &[u32],
    in_range: Option<&[u32]>,
    counted: Option<u64>,
    cube: &Cube,
) {
    use rayon::prelude::*;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // The groups in blocks side by side, and the total's invoices beside them (unless `counted`
    // already).
    let ((), all) = rayon::join(
        || {
            groups.par_chunks_mut(GROUPS_A_BLOCK).for_each(|block| count_in_block(block, members, cube));
        },
        || counted.unwrap_or_else(|| all_invoices(cube, in_range, cores)),
    );
    total.invoices += all;
}

/// The number of distinct invoices of the cells in range (`None`: all cells), counted on up to
/// `threads` threads.
pub(super) fn all_invoices(cube: &Cube, in_range: Option<&[u32]>, threads: usize) -> u64 {
    let invoices = |cell: u32| cube.invoices(&cube.cells[cell as usize].1);
    match in_range {
        None => count_distinct(std::iter::once(cube.all_invoices()), threads),
        Some(cells) => count_distinct(cells.iter().map(|&cell| invoices(cell)), threads),
    }
}

/// The groups counted by one task at a time.
const GROUPS_A_BLOCK: usize = 1 << 13;

/// Counts the distinct invoices of each group of `groups`, in order.
fn count_in_block(groups: &mut [Group], members: &[u32], cube: &Cube) {
    let invoices = |cell: u32| cube.invoices(&cube.cells[cell as usize].1);
    let mut scratch: Vec<InvoiceId> = Vec::new();
    let cells_of = |group: &Group| members.get(group.first as usize..(group.first + group.cells) as usize);
    for k in 0..groups.len() {
        // The groups' cells and their invoices are anywhere in memory: the cells of the group
        // 16 ahead are asked for, and the invoices of those of the group 8 ahead.
        for &cell in groups.get(k + 16).and_then(cells_of).unwrap_or_default() {
            if let Some((_, cell)) = cube.cells.get(cell as usize) {
                crate::prefetch::prefetch(cell);
            }
        }
        if let Some(cells @ [_, _, ..]) = groups.get(k + 8).and_then(cells_of) {
            for &cell in cells {
                if let Some(first) = invoices(cell).first() {
                    crate::prefetch::prefetch(first);
                }
            }
        }
        let group = &mut groups[k];
        let first = group.first as usize;
        match &members[first..first + group.cells as usize] {
            [] => {}
            [one] => group.invoices += invoices(*one).len() as u64,
            [a, b] => group.invoices += distinct_in_two(invoices(*a), invoices(*b)),
            cells => {
                scratch.clear();
                for &cell in cells {
                    scratch.extend_from_slice(invoices(cell));
                }
                scratch.sort_unstable();
                scratch.dedup();
                group.invoices += scratch.len() as u64;
            }
        }
    }
}

/// The number of distinct fingerprints in two sorted lists, each distinct: their lengths less
/// the fingerprints both hold, found by walking them side by side.
fn distinct_in_two(a: &[InvoiceId], b: &[InvoiceId]) -> u64 {
    let (mut i, mut j, mut both) = (0, 0, 0u64);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (a.len() + b.len()) as u64 - both
}

/// The number of distinct invoices in all `lists`. Fingerprints are spread evenly, so they are
/// counted in slices by their top bits, each slice sorted on its own, so that the memory needed
/// stays small however many invoices there are; the slices are shared out among `threads`.
fn count_distinct<'a>(lists: impl Iterator<Item = &'a [InvoiceId]> + Clone + Sync, threads: usize) -> u64 {
    let all: usize = lists.clone().map(<[InvoiceId]>::len).sum();
    // Slices of at most a quarter million fingerprints (4 MB), at least one a thread.
    let cores = threads.max(1);
    let wanted = (all >> 18).max(if all > 1 << 16 { cores } else { 1 });
    let slices = wanted.next_power_of_two().min(1 << 12) as u32;
    let shift = 128 - slices.trailing_zeros();
    let in_slice = |id: InvoiceId, slice: u32| slices == 1 || (id >> shift) as u32 == slice;
    let slice_numbers: Vec<u32> = (0..slices).collect();
    let shares: Vec<&[u32]> = slice_numbers.chunks((slices as usize).div_ceil(cores)).collect();
    let counts = crate::parallel::side_by_side(&shares, |share| {
        let mut scratch: Vec<InvoiceId> = Vec::with_capacity(all / slices as usize + all / 64);
        let mut spread: Vec<InvoiceId> = Vec::new();
        let mut count = 0;
        for &slice in *share {
            scratch.clear();
            for list in lists.clone() {
                scratch.extend(list.iter().filter(|&&id| in_slice(id, slice)));
            }
            count += count_sorted(&mut scratch, 128 - shift, &mut spread);
        }
        count
    });
    counts.iter().sum()
}

/// The number of distinct fingerprints in `ids`, whose top `skip` bits are all the same. They
/// are spread evenly below those, so they are put in buckets by their next bits (into `spread`)
/// and each small bucket sorted on its own.
fn count_sorted(ids: &mut [InvoiceId], skip: u32, spread: &mut Vec<InvoiceId>) -> u64 {
    const SMALL: usize = 1 << 12;
    if ids.len() < SMALL || skip > 128 - 16 {
        ids.sort_unstable();
        return ids.chunk_by(|a, b| a == b).count() as u64;
    }
    // About four fingerprints a bucket.
    let bits = (ids.len() / 4).max(2).ilog2().min(16);
    let shift = 128 - skip - bits;
    let bucket = |id: InvoiceId| ((id << skip) >> skip >> shift) as usize;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &id in ids.iter() {
        starts[bucket(id) + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    spread.clear();
    spread.resize(ids.len(), 0);
    let mut next = starts.clone();
    for &id in ids.iter() {
        let b = bucket(id);
        spread[next[b]] = id;
        next[b] += 1;
    }
    let mut count = 0;
    for b in 0..1 << bits {
        let run = &mut spread[starts[b]..starts[b + 1]];
        run.sort_unstable();
        count += run.chunk_by(|a, b| a == b).count() as u64;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    proptest::proptest! {
        /// Two sorted, distinct lists hold as many distinct fingerprints together as their
        /// union, sorted and made distinct.
        #[test]
        fn two_lists_count_as_their_union(
            a in proptest::collection::btree_set(0u128..40, 0..30),
            b in proptest::collection::btree_set(0u128..40, 0..30),
        ) {
            let (a, b): (Vec<InvoiceId>, Vec<InvoiceId>) = (a.into_iter().collect(), b.into_iter().collect());
            let mut union: Vec<InvoiceId> = a.iter().chain(&b).copied().collect();
            union.sort_unstable();
            union.dedup();
            proptest::prop_assert_eq!(distinct_in_two(&a, &b), union.len() as u64);
        }
    }

    #[test]
    fn distinct_fingerprints_are_counted_in_buckets() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for n in [0usize, 1, 100, 5000, 70_000] {
            let mut ids: Vec<InvoiceId> = (0..n).map(|_| rng.random::<u128>()).collect();
            // Every third fingerprint twice.
            let twice: Vec<InvoiceId> = ids.iter().step_by(3).copied().collect();
            ids.extend(&twice);
            let mut expected = ids.clone();
            expected.sort_unstable();
            expected.dedup();
            let mut spread = Vec::new();
            assert_eq!(count_sorted(&mut ids.clone(), 0, &mut spread), expected.len() as u64);
            for threads in [1, 2, 3] {
                assert_eq!(count_distinct([ids.as_slice()].into_iter(), threads), expected.len() as u64);
            }
            // A slice whose top bits are the same.
            let mut top: Vec<InvoiceId> = ids.iter().map(|id| id >> 3 | 5u128 << 125).collect();
            let mut expected_top = top.clone();
            expected_top.sort_unstable();
            expected_top.dedup();
            assert_eq!(count_sorted(&mut top, 3, &mut spread), expected_top.len() as u64);
        }
    }
}
