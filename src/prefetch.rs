//! A hint that memory is soon to be read: where a loop reads values that lie anywhere in memory
//! (the cells of the margin table's groups, taken in the order of its rows), asking for those of
//! a few steps ahead lets their cache misses overlap instead of each stalling its step. A hint
//! changes no value: on a processor without it, it does nothing.

/// Asks for the cache lines of `value`: a line every 64 bytes from its first, and the line of
/// its last byte.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    let start = (value as *const T).cast::<u8>();
    let size = std::mem::size_of::<T>();
    let mut at = 0;
    while at < size {
        line(start.wrapping_add(at));
        at += 64;
    }
    if size > 1 {
        line(start.wrapping_add(size - 1));
    }
}

#[inline(always)]
fn line(at: *const u8) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    // SAFETY: a prefetch reads no value and cannot fault, whatever the address; SSE is enabled
    // in this build (the cfg), as on every x86-64 target.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = at;
}
