//! A small-block layer over the C allocator: per-thread free lists by size class, refilled by
//! carving 64 KiB chunks.
//!
//! A plan builds and drops millions of small blocks (syntax trees, values, keys, rendered
//! text). With glibc alone, about a fifth of a 1 000-resource plan's instructions went to
//! `malloc`/`free`: its per-thread cache holds seven blocks per size, so while a tree is built
//! (many allocations, no frees) nearly every allocation takes the slow road through the arena
//! (~140 instructions). Rust tells the allocator each block's size when freeing it, so this
//! layer needs no block headers: a block of at most [`MAX_SMALL`] bytes (16-byte aligned) is
//! taken from its thread's list for its class, or cut from the thread's current chunk — a
//! handful of instructions either way — and a freed one is pushed on the list of the freeing
//! thread. Larger or more aligned blocks go to the C allocator unchanged.
//!
//! Memory of small blocks is never given back to the C allocator; it is reused through the
//! lists. So that a thread that only frees (what another thread built) does not hoard blocks,
//! a list longer than [`SPILL`] moves to a shared list per class, which threads whose own
//! list is empty take whole before cutting new blocks. When a thread ends (the engine's
//! fork-join workers end after each parallel step), its lists move to the shared ones too,
//! from a `pthread` key destructor: those run after the thread's Rust thread-local
//! destructors, whose frees then still land in its lists.
//!
//! Chunks come from the C allocator (below glibc's mmap threshold), so they live in the heaps
//! that `memory` backs with huge pages. `INFRA_DEFAULT_MALLOC=1` does not turn this layer off:
//! it only governs the C allocator's tuning.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU8, Ordering};

/// Size classes are multiples of this, which is also the alignment every small block has.
const GRAIN: usize = 16;
/// The largest block served from the lists (a B-tree leaf of values is ~600 bytes).
const MAX_SMALL: usize = 1024;
const CLASSES: usize = MAX_SMALL / GRAIN;
/// Bytes taken from the C allocator at a time (under glibc's 128 KiB mmap threshold, so from
/// the heap).
const CHUNK: usize = 64 << 10;
/// Blocks of one class a thread keeps before handing its list to the shared one.
const SPILL: u32 = 4096;

/// The allocator: install with `#[global_allocator]`.
pub struct Pool;

/// One thread's lists and chunk. Blocks on a list hold the next block's address in their first
/// word.
struct Local {
    free: [*mut u8; CLASSES],
    len: [u32; CLASSES],
    bump: *mut u8,
    end: *mut u8,
    /// [`FRESH`], [`HOOKED`] or [`ENDED`].
    state: u8,
}

/// Where the thread is in its life, as seen by this allocator.
const FRESH: u8 = 0;
const HOOKED: u8 = 1;
/// The thread's lists were handed over at its end: what it still allocates or frees (other
/// destructors) goes through the shared lists.
const ENDED: u8 = 2;

thread_local! {
    static LOCAL: UnsafeCell<Local> = const {
        UnsafeCell::new(Local { free: [null_mut(); CLASSES], len: [0; CLASSES], bump: null_mut(), end: null_mut(), state: FRESH })
    };
}

/// Lists shared by all threads, behind one spin lock (taken only when a thread's own list is
/// empty and the shared one is not, when a list spills, and when a thread ends).
struct Shared {
    lock: AtomicBool,
    free: [AtomicPtr<u8>; CLASSES],
}

static SHARED: Shared = Shared { lock: AtomicBool::new(false), free: [const { AtomicPtr::new(null_mut()) }; CLASSES] };

/// Whether the `pthread` key whose destructor hands a thread's lists over exists: 0 not yet,
/// 1 created (in [`KEY`]), 2 could not be.
static KEY_STATE: AtomicU8 = AtomicU8::new(0);
static KEY: AtomicU32 = AtomicU32::new(0);

struct Guard;

impl Shared {
    fn lock(&self) -> Guard {
        while self.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            std::hint::spin_loop();
        }
        Guard
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        SHARED.lock.store(false, Ordering::Release);
    }
}

/// The class of a small block of `size` bytes (size 0 counts as 1).
#[inline]
fn class_of(size: usize) -> usize {
    size.saturating_sub(1) / GRAIN
}

#[inline]
fn is_small(layout: &Layout) -> bool {
    layout.size() <= MAX_SMALL && layout.align() <= GRAIN
}

/// The next block after `block` on a list.
///
/// # Safety
/// `block` is a block on a list (its first word holds the link).
#[inline]
unsafe fn next(block: *mut u8) -> *mut u8 {
    // SAFETY: per the contract, the block is at least 16 bytes, 16-aligned, and owned by a list.
    unsafe { *(block as *mut *mut u8) }
}

#[inline]
unsafe fn set_next(block: *mut u8, to: *mut u8) {
    // SAFETY: callers pass a small block they own (at least 16 bytes, 16-aligned).
    unsafe { *(block as *mut *mut u8) = to }
}

impl Local {
    #[inline]
    unsafe fn alloc(&mut self, class: usize) -> *mut u8 {
        // SAFETY (all indexing below): callers pass a class below CLASSES.
        let head = unsafe { *self.free.get_unchecked(class) };
        if !head.is_null() {
            // SAFETY: `head` is on this thread's list.
            unsafe {
                *self.free.get_unchecked_mut(class) = next(head);
                let len = self.len.get_unchecked_mut(class);
                *len = len.saturating_sub(1);
            }
            return head;
        }
        let size = (class + 1) * GRAIN;
        // Blocks others handed over are used before new ones are cut.
        if (self.end as usize) - (self.bump as usize) >= size && SHARED.free[class].load(Ordering::Relaxed).is_null() {
            let block = self.bump;
            // SAFETY: `size` bytes fit before `end`.
            self.bump = unsafe { block.add(size) };
            return block;
        }
        // SAFETY: forwarded contract.
        unsafe { self.refill(class) }
    }

    /// Grows the block `ptr` of `old` bytes (rounded to its class) to `new` bytes in place, when
    /// it is the last block cut from the current chunk and the chunk has room; a string being
    /// appended to usually is.
    #[inline]
    fn grow_in_place(&mut self, ptr: *mut u8, old: usize, new: usize) -> bool {
        let (old, new) = ((class_of(old) + 1) * GRAIN, (class_of(new) + 1) * GRAIN);
        if (ptr as usize).wrapping_add(old) == self.bump as usize && (self.end as usize) - (ptr as usize) >= new {
            // SAFETY: within the current chunk (checked just above).
            self.bump = unsafe { ptr.add(new) };
            return true;
        }
        false
    }

    /// An empty list: take the shared one of the class, else cut a block from a new chunk.
    #[cold]
    unsafe fn refill(&mut self, class: usize) -> *mut u8 {
        if !SHARED.free[class].load(Ordering::Relaxed).is_null() {
            let taken = {
                let _guard = SHARED.lock();
                SHARED.free[class].swap(null_mut(), Ordering::Relaxed)
            };
            if !taken.is_null() {
                // SAFETY: the shared list was taken whole; its blocks are now this thread's.
                self.free[class] = unsafe { next(taken) };
                self.len[class] = 0;
                return taken;
            }
        }
        let size = (class + 1) * GRAIN;
        if (self.end as usize) - (self.bump as usize) >= size {
            // The shared list was emptied by another thread meanwhile.
            let block = self.bump;
            // SAFETY: `size` bytes fit before `end`.
            self.bump = unsafe { block.add(size) };
            return block;
        }
        // SAFETY: a non-zero size and a valid alignment.
        let chunk = unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, GRAIN)) };
        if chunk.is_null() {
            return null_mut();
        }
        // The rest of the previous chunk (less than one block of this class) is left unused.
        // SAFETY: `size` ≤ MAX_SMALL < CHUNK: both within the chunk (or one past its end).
        unsafe {
            self.bump = chunk.add(size);
            self.end = chunk.add(CHUNK);
        }
        chunk
    }

    #[inline]
    unsafe fn free(&mut self, block: *mut u8, class: usize) {
        // SAFETY: the caller gives back a small block of this class (below CLASSES).
        let len = unsafe {
            set_next(block, *self.free.get_unchecked(class));
            *self.free.get_unchecked_mut(class) = block;
            let len = self.len.get_unchecked_mut(class);
            *len += 1;
            *len
        };
        if len > SPILL {
            // SAFETY: the list is this thread's.
            unsafe { self.spill(class) };
        }
    }

    /// Moves this thread's list of `class` to the shared one.
    #[cold]
    unsafe fn spill(&mut self, class: usize) {
        let head = std::mem::replace(&mut self.free[class], null_mut());
        self.len[class] = 0;
        // SAFETY: the list was this thread's; it is now handed over.
        unsafe { give(class, head) };
    }
}

/// Prepends the list starting at `head` to the shared list of `class`.
///
/// # Safety
/// The caller owns the list and gives it up.
unsafe fn give(class: usize, head: *mut u8) {
    if head.is_null() {
        return;
    }
    let mut tail = head;
    // SAFETY: every block of the list holds its successor's address; the last holds null.
    unsafe {
        while !next(tail).is_null() {
            tail = next(tail);
        }
        let _guard = SHARED.lock();
        set_next(tail, SHARED.free[class].load(Ordering::Relaxed));
        SHARED.free[class].store(head, Ordering::Relaxed);
    }
}

/// The `pthread` key destructor: hands the ending thread's lists over.
unsafe extern "C" fn thread_ended(_: *mut libc::c_void) {
    let _ = LOCAL.try_with(|l| {
        // SAFETY: this thread's own state; nothing else of this thread runs now.
        let l = unsafe { &mut *l.get() };
        l.state = ENDED;
        for class in 0..CLASSES {
            // SAFETY: as in `spill`.
            unsafe { l.spill(class) };
        }
    });
}

/// Makes sure this thread's lists are handed over when it ends. Without a key (none could be
/// created) the thread keeps them until the process ends, which only costs memory.
#[cold]
fn hook_thread(local: &mut Local) {
    local.state = HOOKED;
    // SAFETY: the key is created once, under the shared lock, and used only once KEY_STATE
    // says it exists; setspecific stores a non-null marker (any non-null value makes glibc
    // call the destructor). Neither allocates through this allocator.
    unsafe {
        if KEY_STATE.load(Ordering::Acquire) == 0 {
            let _guard = SHARED.lock();
            if KEY_STATE.load(Ordering::Relaxed) == 0 {
                let mut key: libc::pthread_key_t = 0;
                let ok = libc::pthread_key_create(&mut key, Some(thread_ended)) == 0;
                KEY.store(key, Ordering::Relaxed);
                KEY_STATE.store(if ok { 1 } else { 2 }, Ordering::Release);
            }
        }
        if KEY_STATE.load(Ordering::Acquire) == 1 {
            libc::pthread_setspecific(KEY.load(Ordering::Relaxed), std::ptr::dangling::<libc::c_void>());
        }
    }
}

/// Slow road for a thread whose lists were handed over: take from and give to the shared ones.
#[cold]
unsafe fn alloc_ended(class: usize) -> *mut u8 {
    {
        let _guard = SHARED.lock();
        let head = SHARED.free[class].load(Ordering::Relaxed);
        if !head.is_null() {
            // SAFETY: a block on the shared list, taken under the lock.
            SHARED.free[class].store(unsafe { next(head) }, Ordering::Relaxed);
            return head;
        }
    }
    // SAFETY: a non-zero size and a valid alignment; such a block is never freed to `System`
    // (a small layout always comes back to the lists), which is harmless.
    unsafe { System.alloc(Layout::from_size_align_unchecked((class + 1) * GRAIN, GRAIN)) }
}

unsafe impl GlobalAlloc for Pool {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !is_small(&layout) {
            // SAFETY: forwarded.
            return unsafe { System.alloc(layout) };
        }
        let class = class_of(layout.size());
        // SAFETY: this thread's own lists; no reentrancy (the list code does not allocate).
        LOCAL.with(|l| unsafe {
            let l = &mut *l.get();
            match l.state {
                HOOKED => {}
                FRESH => hook_thread(l),
                _ => return alloc_ended(class),
            }
            l.alloc(class)
        })
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !is_small(&layout) {
            // SAFETY: forwarded; a large layout was allocated by `System`.
            return unsafe { System.dealloc(ptr, layout) };
        }
        let class = class_of(layout.size());
        // SAFETY: a small block of this class, given back by the caller, onto this thread's
        // lists (or the shared ones once they were handed over).
        LOCAL.with(|l| unsafe {
            let l = &mut *l.get();
            match l.state {
                HOOKED => l.free(ptr, class),
                FRESH => {
                    hook_thread(l);
                    l.free(ptr, class);
                }
                _ => {
                    set_next(ptr, null_mut());
                    give(class, ptr);
                }
            }
        })
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_small(&layout), is_small(&new_layout)) {
            // SAFETY: forwarded; both are `System`'s.
            (false, false) => return unsafe { System.realloc(ptr, layout, new_size) },
            // Shrinking within the small sizes keeps the block: freed later with the smaller
            // size, it goes to a smaller class's list, which it is large enough for.
            (true, true) if class_of(new_size) <= class_of(layout.size()) => return ptr,
            (true, true) => {
                // SAFETY: this thread's own chunk state.
                let grown = LOCAL.with(|l| unsafe {
                    let l = &mut *l.get();
                    l.state == HOOKED && l.grow_in_place(ptr, layout.size(), new_size)
                });
                if grown {
                    return ptr;
                }
            }
            _ => {}
        }
        // SAFETY: a fresh block of the new layout; the old one is copied (the smaller of the two
        // sizes) and given back.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_small_size_without_overlap() {
        assert_eq!(class_of(0), 0);
        assert_eq!(class_of(1), 0);
        assert_eq!(class_of(16), 0);
        assert_eq!(class_of(17), 1);
        assert_eq!(class_of(MAX_SMALL), CLASSES - 1);
        for size in 1..=MAX_SMALL {
            assert!((class_of(size) + 1) * GRAIN >= size);
        }
    }

    /// Blocks handed out at once never overlap, keep their contents, and come back for reuse;
    /// across threads, blocks freed by one thread are used by others.
    #[test]
    fn blocks_are_distinct_and_survive_threads() {
        let sizes = [1usize, 8, 16, 24, 100, 512, 1000, 1024, 1025, 4096];
        let made: Vec<(usize, usize)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|t| {
                    s.spawn(move || {
                        let mut out = Vec::new();
                        for i in 0..5000usize {
                            let size = sizes[(i + t) % sizes.len()];
                            let layout = Layout::from_size_align(size, 8).unwrap();
                            // SAFETY: a non-zero layout; filled below within its size.
                            let p = unsafe { Pool.alloc(layout) };
                            assert!(!p.is_null());
                            assert_eq!(p as usize % 8, 0);
                            // SAFETY: `size` bytes were allocated at `p`.
                            unsafe { std::ptr::write_bytes(p, (i % 251) as u8, size) };
                            out.push((p as usize, size, i));
                        }
                        out
                    })
                })
                .collect();
            let all: Vec<(usize, usize, usize)> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
            let mut ranges: Vec<(usize, usize)> = all.iter().map(|&(p, size, _)| (p, p + size)).collect();
            ranges.sort();
            for w in ranges.windows(2) {
                assert!(w[0].1 <= w[1].0, "blocks overlap: {:x?}", w);
            }
            for &(p, size, i) in &all {
                // SAFETY: still allocated, `size` bytes.
                let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, size) };
                assert!(bytes.iter().all(|&b| b == (i % 251) as u8));
            }
            // Freed by this thread (not the ones that made them): they go to its lists.
            for &(p, size, _) in &all {
                // SAFETY: allocated above with this layout, freed once.
                unsafe { Pool.dealloc(p as *mut u8, Layout::from_size_align(size, 8).unwrap()) };
            }
            ranges
        });
        assert_eq!(made.len(), 20_000);
    }

    #[test]
    fn realloc_keeps_contents_across_classes_and_sizes() {
        let mut size = 3usize;
        let layout = Layout::from_size_align(size, 1).unwrap();
        // SAFETY: non-zero layout.
        let mut p = unsafe { Pool.alloc(layout) };
        // SAFETY: 3 bytes at p.
        unsafe { std::ptr::copy_nonoverlapping(b"abc".as_ptr(), p, 3) };
        for new_size in [5usize, 16, 17, 300, 1024, 1025, 70_000, 900, 2] {
            // SAFETY: p was allocated with (size, 1).
            p = unsafe { Pool.realloc(p, Layout::from_size_align(size, 1).unwrap(), new_size) };
            assert!(!p.is_null());
            let keep = size.min(new_size).min(3);
            // SAFETY: at least `keep` bytes at p.
            let bytes = unsafe { std::slice::from_raw_parts(p, keep) };
            assert_eq!(bytes, &b"abc"[..keep]);
            size = new_size;
        }
        // SAFETY: allocated with (size, 1).
        unsafe { Pool.dealloc(p, Layout::from_size_align(size, 1).unwrap()) };
    }

    #[test]
    fn over_aligned_small_layouts_go_to_the_system_allocator() {
        let layout = Layout::from_size_align(64, 64).unwrap();
        // SAFETY: non-zero layout; freed with the same.
        unsafe {
            let p = Pool.alloc(layout);
            assert_eq!(p as usize % 64, 0);
            Pool.dealloc(p, layout);
        }
    }

    /// Allocates `n` blocks of `layout` on a new thread that then ends (its lists go to the
    /// shared ones), returning their addresses; freed there first when `free` is set.
    fn on_a_thread(layout: Layout, n: usize, free: bool) -> Vec<usize> {
        std::thread::spawn(move || {
            // SAFETY: a non-zero layout; each block freed at most once, with the same layout.
            let blocks: Vec<usize> = (0..n).map(|_| unsafe { Pool.alloc(layout) } as usize).collect();
            if free {
                for &b in &blocks {
                    unsafe { Pool.dealloc(b as *mut u8, layout) };
                }
            }
            blocks
        })
        .join()
        .unwrap()
    }

    /// What a thread freed is used by the next thread when the first one ends (the engine's
    /// workers end after each parallel step; without the hand-over each would keep its blocks).
    /// A size class no other test uses, so the shared list holds only these blocks.
    #[test]
    fn an_ended_threads_blocks_are_reused_by_other_threads() {
        let layout = Layout::from_size_align(1000, 8).unwrap();
        let freed = on_a_thread(layout, 100, true);
        let got = on_a_thread(layout, 100, false);
        assert!(got.iter().all(|g| freed.contains(g)), "blocks of an ended thread were not reused");
    }

    /// A thread that only frees hands its long lists over while it runs.
    #[test]
    fn a_long_list_spills_to_the_shared_one() {
        let layout = Layout::from_size_align(980, 8).unwrap();
        let made = on_a_thread(layout, SPILL as usize + 10, false);
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let freer = std::thread::spawn(move || {
            for &b in &made {
                // SAFETY: allocated with `layout` by the thread above, freed once here.
                unsafe { Pool.dealloc(b as *mut u8, layout) };
            }
            // Still running (its lists not handed over at its end yet) while others allocate.
            let _ = rx.recv();
            made
        });
        // Wait until the freer has spilled (its SPILL + 1st free).
        let start = std::time::Instant::now();
        while SHARED.free[class_of(980)].load(Ordering::Acquire).is_null() && start.elapsed().as_secs() < 20 {
            std::thread::yield_now();
        }
        let got = on_a_thread(layout, 10, false);
        tx.send(()).unwrap();
        let made = freer.join().unwrap();
        assert!(got.iter().all(|g| made.contains(g)), "a spilled list was not reused");
    }
}
