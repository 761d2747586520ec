//! Where parsing runs: on threads whose stacks are big enough for the texts they parse.
//!
//! pest descends once per level of nesting. Its own stack guard probes the stack on every
//! rule it enters, which cost a fifth of all parse time, so tally builds pest without it
//! (no `std` feature) and makes running out of stack impossible instead: a text cannot nest
//! deeper than [`nesting_bound`] levels, and the thread that parses it has a stack for that
//! many. Stacks are reserved, not used, so a generous size costs address space only.
//!
//! The threads are kept in a pool, one per core, so that a load spreads over the cores and
//! later loads find them warm. A text too big for their stacks gets a thread of its own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread;

/// Stack one level of nesting takes at most: pest's rules, the Pratt parser and the
/// conversion to the AST, with room to spare. Unoptimised builds use far bigger frames.
const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) {
    16 * 1024
} else {
    2 * 1024
};

/// Stack for everything that is not nesting: the parse of one item, the conversion, errors.
const BASE_STACK: usize = 2 * 1024 * 1024;

/// The stack of each pooled thread: enough for any text under about 350 KB.
const POOL_STACK: usize = 256 * 1024 * 1024;

/// The most levels of nesting `text` can hold. A level opens with a bracket, a `-`, or a
/// word and a space at least (`if `, `all x in `, `list of `, `not `), so it takes one byte
/// of those characters or three of any others.
fn nesting_bound(text: &str) -> usize {
    let openers = text
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'{' | b'-'))
        .count();
    openers + (text.len() - openers) / 3
}

/// The stack a thread needs to parse `text`.
fn stack_for(text: &str) -> usize {
    // A level takes a byte at least, so most texts are seen to fit without a count.
    let levels = if stack_with(text.len()) <= POOL_STACK {
        text.len()
    } else {
        nesting_bound(text)
    };
    stack_with(levels)
}

fn stack_with(levels: usize) -> usize {
    BASE_STACK.saturating_add(levels.saturating_mul(STACK_PER_LEVEL))
}

/// Runs `work` on each text, in parallel, on threads with stacks big enough for the texts.
/// The results come back in the order of `texts`; a text whose thread could not start gets
/// the reason instead.
pub(super) fn run_each<T, F>(texts: &[&str], work: F) -> Vec<Result<T, String>>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let mut results: Vec<Option<Result<T, String>>> = texts.iter().map(|_| None).collect();
    if texts.is_empty() {
        return Vec::new();
    }
    if let Some(pool) = pool() {
        let mut fitting: Vec<usize> = (0..texts.len())
            .filter(|&i| stack_for(texts[i]) <= POOL_STACK)
            .collect();
        // Each thread takes the next text as it becomes free, longest first, so that the
        // threads finish at about the same time.
        fitting.sort_by_key(|&i| std::cmp::Reverse(texts[i].len()));
        let next = AtomicUsize::new(0);
        let take = || {
            let mut mine = Vec::new();
            while let Some(&i) = fitting.get(next.fetch_add(1, Ordering::Relaxed)) {
                mine.push((i, work(i)));
            }
            mine
        };
        // One pool thread starts and wakes the others, rather than the caller waking them all
        // at once: by then the caller sleeps and its core is free, while threads woken together
        // can land on one core and take turns there.
        let done: Vec<(usize, T)> = pool.install(|| {
            let others = Mutex::new(Vec::new());
            let mut done = Vec::new();
            rayon::scope(|scope| {
                for _ in 1..pool.current_num_threads() {
                    scope.spawn(|_| {
                        let mine = take();
                        others
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .extend(mine);
                    });
                }
                done = take();
            });
            done.extend(others.into_inner().unwrap_or_else(|e| e.into_inner()));
            done
        });
        for (i, result) in done {
            results[i] = Some(Ok(result));
        }
    }
    for (i, slot) in results.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(on_own_thread(stack_for(texts[i]), || work(i)));
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every text has been parsed"))
        .collect()
}

/// Drops `value` on the pool, off the caller's way, or here if there is no pool. For syntax
/// trees: the pool's threads made them, and a thread frees its own memory fastest.
pub fn discard<T: Send + 'static>(value: T) {
    match pool() {
        Some(pool) => pool.spawn(move || drop(value)),
        None => drop(value),
    }
}

/// The pool of parsing threads, started on first use; none if the system cannot start it.
///
/// With as many threads as the process may use cores, each thread keeps to one core. A load
/// wakes the pool from sleep, and Linux may wake two threads onto one core, where the second
/// waits for the first (it does not move a thread that has just run); a tenth of the loads
/// then took twice as long.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        // As many threads as rayon would start: RAYON_NUM_THREADS, or one per core.
        let threads = std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or_else(|| thread::available_parallelism().map_or(1, |n| n.get()));
        let cores = core_affinity::get_core_ids().unwrap_or_default();
        let pin = cores.len() == threads;
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("tally-parse-{i}"))
            .stack_size(POOL_STACK)
            .start_handler(move |i| {
                if let (true, Some(&core)) = (pin, cores.get(i)) {
                    // A thread left free to move is slower, not wrong.
                    core_affinity::set_for_current(core);
                }
            })
            .build()
            .ok()
    })
    .as_ref()
}

fn on_own_thread<T: Send>(stack: usize, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    thread::scope(|scope| {
        let handle = thread::Builder::new()
            .name("tally-parse".into())
            .stack_size(stack)
            .spawn_scoped(scope, work)
            .map_err(|e| {
                format!(
                    "cannot start a thread with {} MB of stack to parse it: {e}",
                    stack >> 20
                )
            })?;
        Ok(handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}
