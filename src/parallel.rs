//! Work on large lists shared out among the cores: the rows of a report are computed, measured
//! and written side by side, and the results taken in order. Plain maps go to rayon's threads;
//! the chunked helpers here serve work that keeps a state per chunk and writing in order.

/// Drops `value` on a thread of its own, so that freeing a structure of many small allocations
/// (a table of a vector a customer) takes no time of the thread going on with the work; where no
/// thread can be started, it is dropped here.
pub fn drop_aside<T: Send + 'static>(value: T) {
    // A thread that cannot be started drops the closure, and with it `value`, here.
    let _ = std::thread::Builder::new().name("kam-drop".into()).spawn(move || drop(value));
}

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
/// order. The blocks are made side by side by a thread a core, each taking the next block not
/// yet taken as it becomes free (so that a slower block or core holds none of the others up),
/// while this thread only writes them out in order; no thread is more than [`AHEAD`] blocks
/// ahead of the writing, so that only a few blocks are held at a time.
pub fn write_blocks(
    len: usize,
    block: usize,
    fill: impl Fn(std::ops::Range<usize>, &mut Vec<u8>) + Sync,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;
    let block = block.max(1);
    let blocks = len.div_ceil(block);
    let range = |k: usize| k * block..((k + 1) * block).min(len);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).min(blocks).max(1);
    if cores == 1 {
        let mut own = Vec::new();
        for k in 0..blocks {
            own.clear();
            fill(range(k), &mut own);
            out.write_all(&own)?;
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let written = AtomicUsize::new(0);
    let stopped = AtomicBool::new(false);
    let (give_back, returned) = mpsc::channel::<Vec<u8>>();
    let returned = std::sync::Mutex::new(returned);
    std::thread::scope(|scope| {
        let (made, take) = mpsc::channel::<(usize, Vec<u8>)>();
        for _ in 0..cores {
            let made = made.clone();
            let (fill, next, written, stopped, returned) = (&fill, &next, &written, &stopped, &returned);
            scope.spawn(move || {
                // A maker that panics stops the others (its block never comes, so they would
                // wait for it); the panic is raised when the scope ends.
                let _guard = StopOnPanic(stopped);
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= blocks {
                        return;
                    }
                    while k >= written.load(Ordering::Acquire) + AHEAD {
                        if stopped.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_micros(50));
                    }
                    let spare = returned.lock().ok().and_then(|r| r.try_recv().ok());
                    let mut text = spare.unwrap_or_default();
                    text.clear();
                    fill(range(k), &mut text);
                    if made.send((k, text)).is_err() {
                        // The writer stopped (it could not write).
                        return;
                    }
                }
            });
        }
        drop(made);
        // Blocks that came before their turn, by number.
        let mut early: std::collections::BTreeMap<usize, Vec<u8>> = std::collections::BTreeMap::new();
        let mut want = 0usize;
        let result = (|| {
            // The loop ends when every maker is done (or one panicked: raised when the scope ends).
            for (k, text) in take.iter() {
                early.insert(k, text);
                while let Some(text) = early.remove(&want) {
                    out.write_all(&text)?;
                    want += 1;
                    written.store(want, Ordering::Release);
                    let _ = give_back.send(text);
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stopped.store(true, Ordering::Relaxed);
        }
        result
    })
}

/// How many blocks [`write_blocks`] makes ahead of the one being written.
const AHEAD: usize = 8;

/// Sets the flag when dropped while its thread panics.
struct StopOnPanic<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
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
    /// A value dropped aside is dropped, on another thread.
    #[test]
    fn a_value_dropped_aside_is_dropped_on_a_thread_of_its_own() {
        struct Told(std::sync::mpsc::Sender<std::thread::ThreadId>);
        impl Drop for Told {
            fn drop(&mut self) {
                let _ = self.0.send(std::thread::current().id());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        super::drop_aside((Told(tx), vec![vec![1u32; 3]; 1000]));
        let dropped_on = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("dropped");
        assert_ne!(dropped_on, std::thread::current().id());
    }

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

    /// A writer that fails after `room` bytes.
    struct Full {
        room: usize,
    }

    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_the_makers() {
        // Far more blocks than are made ahead: the makers must stop waiting when writing fails.
        let mut out = Full { room: 1000 };
        let result = super::write_blocks(
            100_000,
            10,
            |range, text| {
                for i in range {
                    text.extend_from_slice(format!("{i}\n").as_bytes());
                }
            },
            &mut out,
        );
        assert_eq!(result.unwrap_err().to_string(), "disk full");
    }

    #[test]
    fn a_maker_that_panics_is_raised_not_waited_for() {
        let panicked = std::panic::catch_unwind(|| {
            let mut out = Vec::new();
            let _ = super::write_blocks(
                100_000,
                10,
                |range, text| {
                    assert!(!range.contains(&500), "block of row 500");
                    text.extend_from_slice(b"x");
                },
                &mut out,
            );
        });
        assert!(panicked.is_err());
    }
}
