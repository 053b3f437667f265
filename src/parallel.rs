//! Work on large lists shared out among the cores: the rows of a report are computed, laid out
//! and formatted in chunks side by side, and the results taken in order.

/// Lists shorter than this are worked on by one thread.
const MIN_CHUNK: usize = 4096;

/// `items` cut into consecutive chunks, one a core, none shorter than `MIN_CHUNK` items.
pub fn chunks<T>(items: &[T]) -> Vec<&[T]> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = (items.len() / MIN_CHUNK).clamp(1, cores);
    let size = items.len().div_ceil(n).max(1);
    items.chunks(size).collect()
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

/// `f` of each item of `items`, computed in chunks side by side, in order. The first chunk is
/// computed straight into the result, so that at most the other chunks are held twice.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let chunks = chunks(items);
    let Some((first, rest)) = chunks.split_first() else { return Vec::new() };
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> =
            rest.iter().map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>())).collect();
        let mut all = Vec::with_capacity(items.len());
        all.extend(first.iter().map(f));
        for h in handles {
            all.extend(h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        all
    })
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
    }
}
