//! Work on large lists shared out among the cores: the rows of a report are computed, measured
//! and written side by side, and the results taken in order. Plain maps go to rayon's threads;
//! the chunked helpers here serve work that keeps a state per chunk and writing in order.

/// Lists shorter than this are worked on by one thread.
const MIN_CHUNK: usize = 4096;

/// `items` cut into consecutive chunks, one a core, none shorter than `MIN_CHUNK` items.
pub fn chunks<T>(items: &[T]) -> Vec<&[T]> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = (items.len() / MIN_CHUNK).clamp(1, cores);
    let size = items.len().div_ceil(n).max(1);
    items.chunks(size).collect()
}

/// Calls `f` on each item, side by side (by rayon's threads).
pub fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(&mut T) + Sync + Send) {
    use rayon::prelude::*;
    items.par_iter_mut().with_min_len(MIN_CHUNK / 4).for_each(f);
}

/// `0..len` cut into consecutive ranges, one a core, none shorter than `MIN_CHUNK`.
pub fn ranges(len: usize) -> Vec<std::ops::Range<usize>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = (len / MIN_CHUNK).clamp(1, cores);
    let size = len.div_ceil(n).max(1);
    (0..len).step_by(size).map(|start| start..(start + size).min(len)).collect()
}

/// Writes the text that `fill` makes of consecutive blocks of `block` items out of `len`, in
/// order. The blocks are made side by side: block `k` by thread `k` modulo the number of cores
/// (the first by this thread, which writes); each other thread stays at most two blocks ahead,
/// and its buffers come back to it once written, so that only a few blocks are held at a time.
pub fn write_blocks(
    len: usize,
    block: usize,
    fill: impl Fn(std::ops::Range<usize>, &mut Vec<u8>) + Sync,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::sync::mpsc;
    let block = block.max(1);
    let blocks = len.div_ceil(block);
    let range = |k: usize| k * block..((k + 1) * block).min(len);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(blocks).max(1);
    let mut own = Vec::new();
    if cores == 1 {
        for k in 0..blocks {
            own.clear();
            fill(range(k), &mut own);
            out.write_all(&own)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let fill = &fill;
        let mut helpers = Vec::with_capacity(cores - 1);
        for first in 1..cores {
            let (made, take) = mpsc::sync_channel::<Vec<u8>>(2);
            let (give_back, returned) = mpsc::channel::<Vec<u8>>();
            scope.spawn(move || {
                for k in (first..blocks).step_by(cores) {
                    let mut text = returned.try_recv().unwrap_or_default();
                    text.clear();
                    fill(range(k), &mut text);
                    if made.send(text).is_err() {
                        // The writer stopped (it could not write).
                        return;
                    }
                }
            });
            helpers.push((take, give_back));
        }
        for k in 0..blocks {
            if k % cores == 0 {
                own.clear();
                fill(range(k), &mut own);
                out.write_all(&own)?;
            } else {
                let (take, give_back) = &helpers[k % cores - 1];
                // A helper only stops early when it panicked; its panic is raised when the scope ends.
                let Ok(text) = take.recv() else { break };
                out.write_all(&text)?;
                let _ = give_back.send(text);
            }
        }
        Ok(())
    })
}

/// `f` of each item, in order: the first on this thread, the others on threads of their own.
pub fn side_by_side<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    match items {
        [] => Vec::new(),
        [one] => vec![f(one)],
        [first, rest @ ..] => std::thread::scope(|scope| {
            let f = &f;
            let handles: Vec<_> = rest.iter().map(|item| scope.spawn(move || f(item))).collect();
            let mut results = vec![f(first)];
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
            );
            results
        }),
    }
}

/// `f` of each item of `items`, computed side by side (by rayon's threads), in order; the
/// results are written straight into the returned vector.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    if items.len() < MIN_CHUNK {
        return items.iter().map(f).collect();
    }
    let mut all = Vec::new();
    items.par_iter().with_min_len(MIN_CHUNK / 4).map(f).collect_into_vec(&mut all);
    all
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_their_order() {
        let items: Vec<u32> = (0..20_000).collect();
        assert_eq!(super::map(&items, |&i| i * 2), items.iter().map(|&i| i * 2).collect::<Vec<_>>());
        assert!(super::map(&[] as &[u32], |&i| i).is_empty());
        let chunks = super::chunks(&items);
        assert_eq!(chunks.concat(), items);
        for len in [0, 1, 4095, 4096, 20_000] {
            let ranges = super::ranges(len);
            assert_eq!(
                ranges.iter().flat_map(|r| r.clone()).collect::<Vec<_>>(),
                (0..len).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn each_item_is_changed_once() {
        for len in [0, 1, 5000, 20_001] {
            let mut items: Vec<u32> = (0..len).collect();
            super::for_each_mut(&mut items, |i| *i *= 3);
            assert_eq!(items, (0..len).map(|i| i * 3).collect::<Vec<_>>());
        }
    }

    #[test]
    fn blocks_are_written_in_order() {
        for (len, block) in [(0, 10), (1, 10), (10, 10), (11, 10), (10_007, 64), (5, 1)] {
            let mut out = Vec::new();
            super::write_blocks(
                len,
                block,
                |range, text| {
                    for i in range {
                        text.extend_from_slice(format!("{i}\n").as_bytes());
                    }
                },
                &mut out,
            )
            .unwrap();
            let expected: String = (0..len).map(|i| format!("{i}\n")).collect();
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }
}
