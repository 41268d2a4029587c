//! Tuning of the C allocator for a short-lived process that builds large trees of small values.
//!
//! A plan allocates and frees millions of small blocks (syntax trees, values, rendered text).
//! With glibc's defaults two costs dominate the profile after the work itself: the heap grows
//! in small `brk` steps, each new 4 KiB page taking a fault and a zeroing in the kernel, and
//! those page faults and TLB misses grow with the heap. Two settings remove most of it:
//!
//! - `M_TOP_PAD`: grow the main heap 64 MiB at a time, and never trim it, so a run takes a handful of `brk` calls;
//! - `MADV_HUGEPAGE` on that region: on kernels whose transparent huge pages are in `madvise`
//!   mode (the common default), the heap is then backed by 2 MiB pages — 512 times fewer faults.
//!   Huge pages hold freed and partly used space resident too (about 3 MiB on a 1 000-resource
//!   apply), so only commands whose time is mostly allocation ask for them: `plan` and the
//!   read-only commands. `apply` and `destroy`, whose time goes to providers and state writes and
//!   whose memory peaks higher, keep 4 KiB pages.
//!
//! Together they cut the CPU time of a 1 000-resource plan by a quarter (see BENCHMARKS.md)
//! while the peak RSS stays within a few MiB of the default, unlike a replacement allocator
//! (mimalloc cost 40 MiB more). Only glibc on Linux is tuned; elsewhere this does nothing.
//! glibc's own `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` does the same for a user who sets it.
//!
//! Threads other than the main one allocate from glibc's per-thread arenas (one shared heap,
//! `M_ARENA_MAX` = 1, faulted fewer pages, but the walk's threads then contended for its lock
//! and a wide plan took 15 % longer). Each arena's heap is a 64 MiB mapping of its own, with
//! 4 KiB pages: the threads that do a run's heavy work (the walk's lanes, the parser's and the
//! state decoder's workers, the state read beside the parse) call [`huge_thread_heap`] first,
//! through the engine's thread-start hook, so that their heaps get huge pages too. On a
//! 1 000-resource no-change plan that took the page faults from ~5 700 to ~1 800 and the CPU
//! time by a sixth; a page fault costs ~3 µs on the virtual machines this was measured on.
//!
//! Blocks of up to 1 KiB do not reach glibc one by one: `crate::alloc` serves them from
//! per-thread lists refilled with 64 KiB chunks, which glibc places in these heaps.

/// The heap grows by at least this much at a time (address space only: pages are backed when
/// first touched).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: usize = 64 << 20;

/// Applies the tuning; call first thing in `main`, before the program allocates much, with
/// whether the heap should be backed by huge pages (see the module documentation). Returns
/// whether worker threads should ask for huge pages too ([`huge_thread_heap`]).
/// `INFRA_DEFAULT_MALLOC=1` leaves glibc's defaults (to compare, or if a kernel misbehaves).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune(huge_pages: bool) -> bool {
    if std::env::var_os("INFRA_DEFAULT_MALLOC").is_some_and(|v| v == "1") {
        return false;
    }
    tune_glibc(huge_pages);
    huge_pages
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_glibc(huge_pages: bool) {
    // SAFETY: mallopt, sbrk(0) and madvise take plain integers and touch no Rust-owned memory.
    // sbrk(0) only reads the current break. madvise is given a page-aligned range inside the
    // heap mapping glibc just extended (between the old and the new break); MADV_HUGEPAGE only
    // changes how the kernel backs those pages, never their contents, and its failure (e.g. a
    // kernel without THP) is harmless and ignored.
    unsafe {
        // Freed memory stays in the heap (a short-lived process gains nothing by returning it),
        // so the huge-page region is never trimmed away and faulted in again.
        if libc::mallopt(libc::M_TOP_PAD, TOP_PAD as libc::c_int) == 0 || libc::mallopt(libc::M_TRIM_THRESHOLD, (4 * TOP_PAD) as libc::c_int) == 0 {
            return;
        }
        if !huge_pages {
            return;
        }
        // Allocations below the mmap threshold, until the heap's free top is used up, make
        // glibc extend the heap once, by the new pad.
        let start = libc::sbrk(0) as usize;
        let mut probes = [std::ptr::null_mut::<libc::c_void>(); 8];
        for probe in probes.iter_mut() {
            *probe = libc::malloc(64 << 10);
            if libc::sbrk(0) as usize != start {
                break;
            }
        }
        let end = libc::sbrk(0) as usize;
        for probe in probes {
            libc::free(probe);
        }
        if start == usize::MAX || end == usize::MAX || end <= start {
            return;
        }
        const HUGE: usize = 2 << 20;
        let from = (start + HUGE - 1) & !(HUGE - 1);
        if end > from + HUGE {
            let len = (end - from) & !(HUGE - 1);
            libc::madvise(from as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune(_huge_pages: bool) -> bool {
    false
}

/// Asks for huge pages for the heap the calling thread allocates from, when that is a glibc
/// thread arena (the main arena is done by [`tune`]). glibc maps each arena heap as one region
/// of `HEAP_MAX` bytes aligned to its size, so the heap of any block it returns starts at the
/// block's address rounded down to that alignment; with `M_TOP_PAD` as set by [`tune`], a new
/// heap is mapped readable and writable in full from the start.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn huge_thread_heap() {
    /// glibc's `HEAP_MAX_SIZE` on 64-bit targets (twice the largest mmap threshold).
    const HEAP_MAX: usize = 64 << 20;
    // SAFETY: malloc/free of a block this function owns and never reads; sbrk(0) only reads the
    // current break. madvise gets a range aligned to and sized as one arena heap; MADV_HUGEPAGE
    // only changes how the kernel backs pages, never their contents, and fails harmlessly (e.g.
    // on a kernel without transparent huge pages, or if part of the range is not mapped).
    unsafe {
        let block = libc::malloc(64);
        if block.is_null() {
            return;
        }
        let addr = block as usize;
        libc::free(block);
        let brk = libc::sbrk(0) as usize;
        // Below the break: the main arena's heap, which `tune` has already advised.
        if brk != usize::MAX && addr < brk {
            return;
        }
        let base = addr & !(HEAP_MAX - 1);
        libc::madvise(base as *mut libc::c_void, HEAP_MAX, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn huge_thread_heap() {}

/// Whether the command in `args` (the process's arguments without the program name) should get
/// a heap of huge pages: all but `apply` and `destroy` (see the module documentation).
pub fn wants_huge_pages(args: &[String]) -> bool {
    let command = args.iter().find(|a| !a.starts_with('-'));
    !matches!(command.map(String::as_str), Some("apply" | "destroy"))
}
