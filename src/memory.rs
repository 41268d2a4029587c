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
//! Threads other than the main one keep glibc's per-thread arenas: one shared heap
//! (`M_ARENA_MAX` = 1) faulted fewer pages, but the walk's threads then contended for its lock
//! and a wide plan took 15 % longer.

/// The heap grows by at least this much at a time (address space only: pages are backed when
/// first touched).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: usize = 64 << 20;

/// Applies the tuning; call first thing in `main`, before the program allocates much, with
/// whether the heap should be backed by huge pages (see the module documentation).
/// `INFRA_DEFAULT_MALLOC=1` leaves glibc's defaults (to compare, or if a kernel misbehaves).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune(huge_pages: bool) {
    if std::env::var_os("INFRA_DEFAULT_MALLOC").is_some_and(|v| v == "1") {
        return;
    }
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
pub fn tune(_huge_pages: bool) {}

/// Whether the command in `args` (the process's arguments without the program name) should get
/// a heap of huge pages: all but `apply` and `destroy` (see the module documentation).
pub fn wants_huge_pages(args: &[String]) -> bool {
    let command = args.iter().find(|a| !a.starts_with('-'));
    !matches!(command.map(String::as_str), Some("apply" | "destroy"))
}
