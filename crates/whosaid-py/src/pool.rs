//! The thread pools that run the engine, and the guard that keeps panics inside Rust.
//!
//! `threads=None` means one thread per available core, `threads=1` runs on the calling
//! thread. Pools are built on first use for a thread count and kept, so a Spark task calling
//! `extract_arrow` once per batch does not start threads for every batch. A pool remembers
//! the process that built it: after a `fork` (multiprocessing, PySpark's worker daemon) the
//! child has the pool's memory but none of its threads, so a new pool is built there.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

/// The most threads a call may ask for.
const MAX_THREADS: usize = 1024;

/// The number of threads to use for a `threads` argument.
///
/// # Errors
///
/// `ValueError` unless `threads` is `None` or between 1 and 1024.
pub fn thread_count(threads: Option<i64>) -> PyResult<usize> {
    match threads {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(n) if n >= 1 && n <= MAX_THREADS as i64 => Ok(n as usize),
        Some(n) => Err(PyValueError::new_err(format!(
            "threads must be None (all cores) or between 1 and {MAX_THREADS}, not {n}"
        ))),
    }
}

/// Pools built so far: (process id, thread count, pool).
type PoolCache = Vec<(u32, usize, Arc<rayon::ThreadPool>)>;

static POOLS: Mutex<PoolCache> = Mutex::new(Vec::new());

/// The pool with `threads` threads for this process, built if needed.
fn pool(threads: usize) -> Result<Arc<rayon::ThreadPool>, String> {
    let pid = std::process::id();
    let mut pools = POOLS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if pools.iter().any(|(p, _, _)| *p != pid) {
        // Forked: the threads of these pools live in the parent only. Dropping a pool would
        // signal threads that do not exist here, so forget them instead.
        for (_, _, stale) in pools.drain(..) {
            std::mem::forget(stale);
        }
    }
    if let Some((_, _, p)) = pools.iter().find(|(_, n, _)| *n == threads) {
        return Ok(Arc::clone(p));
    }
    let built = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|k| format!("whosaid-{k}"))
        .build()
        .map_err(|e| format!("could not start {threads} threads: {e}"))?;
    let built = Arc::new(built);
    pools.push((pid, threads, Arc::clone(&built)));
    Ok(built)
}

/// Applies `f` to one item, turning a panic into an error that names the item's index.
fn guarded<T, R>(f: &impl Fn(&T) -> R, k: usize, item: &T) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(|| f(item))).map_err(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("internal error in the whosaid engine on item {k}: {reason} (please report it)")
    })
}

/// Applies `f` to every item on `threads` threads and returns the results in input order.
///
/// Runs without touching Python, so call it inside [`Python::detach`]. A panic in `f` is
/// caught and reported as an error naming the item's index.
///
/// # Errors
///
/// A message when a pool cannot be started or `f` panicked.
pub fn map_parallel<T, R, F>(threads: usize, items: &[T], f: F) -> Result<Vec<R>, String>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    if threads <= 1 || items.len() <= 1 {
        return items
            .iter()
            .enumerate()
            .map(|(k, item)| guarded(&f, k, item))
            .collect();
    }
    let pool = pool(threads)?;
    pool.install(|| {
        items
            .par_iter()
            .enumerate()
            .map(|(k, item)| guarded(&f, k, item))
            .collect()
    })
}

/// Applies `f` to every item on `threads` threads and hands the results, in input order, to
/// `consume` on the calling thread, which holds the GIL.
///
/// The calling thread is one of the `threads`: `threads - 1` pool threads take items one by
/// one, and the calling thread passes each stretch of results that is ready (in order) to
/// `consume`; when the next result is not ready, it applies `f` to the next untaken item
/// itself, with the GIL released, or waits for it. So building Python objects from the
/// results overlaps the work on them without a thread more than asked for (a thread that
/// only converted would take CPU from the workers whenever there are as many workers as
/// cores). With one thread, the calling thread does all the work first, then consumes.
///
/// # Errors
///
/// A `RuntimeError` when a pool cannot be started or `f` panicked, and any error of
/// `consume`; the remaining items are then left undone.
pub fn map_consume<'py, T, R, F, C>(
    py: Python<'py>,
    threads: usize,
    items: &[T],
    f: F,
    mut consume: C,
) -> PyResult<()>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
    C: FnMut(Vec<R>) -> PyResult<()>,
{
    let n = items.len();
    if threads <= 1 || n <= 1 {
        // All on this thread: extracting everything first and then converting measured
        // faster than alternating (the engine's tables stay in the caches).
        let results = py
            .detach(|| map_parallel(1, items, &f))
            .map_err(runtime_error)?;
        return consume(results);
    }
    // Results not yet consumed, by item index, and a signal for each result stored.
    let done: Mutex<Vec<Option<Result<R, String>>>> =
        Mutex::new(std::iter::repeat_with(|| None).take(n).collect());
    let stored = Condvar::new();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let lock = || done.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Takes the next untaken item, if any, and stores its result.
    let work_one = || {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k >= n || stop.load(Ordering::Relaxed) {
            return false;
        }
        let result = guarded(&f, k, &items[k]);
        lock()[k] = Some(result);
        stored.notify_one();
        true
    };
    let mut run = || -> PyResult<()> {
        let mut out = 0;
        while out < n {
            let stretch = {
                let mut done = lock();
                let mut stretch = Vec::new();
                while let Some(result) = done.get_mut(out).and_then(Option::take) {
                    stretch.push(result.map_err(runtime_error)?);
                    out += 1;
                }
                stretch
            };
            if !stretch.is_empty() {
                consume(stretch)?;
            } else if !py.detach(work_one) {
                // Every item is taken: wait for the one due next.
                py.detach(|| {
                    let mut done = lock();
                    while done[out].is_none() {
                        done = stored
                            .wait(done)
                            .unwrap_or_else(|poisoned| poisoned.into_inner());
                    }
                });
            }
        }
        Ok(())
    };
    let pool = pool(threads - 1).map_err(runtime_error)?;
    pool.in_place_scope(|scope| {
        for _ in 1..threads.min(n) {
            scope.spawn(|_| while work_one() {});
        }
        let result = run();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        result
    })
}

/// Turns an error from [`map_parallel`] into a Python `RuntimeError`.
pub fn runtime_error(message: String) -> PyErr {
    PyRuntimeError::new_err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        for threads in [1, 2, 3] {
            let out = map_parallel(threads, &items, |x| x * 2).unwrap();
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_panic_becomes_an_error_naming_the_item() {
        let items = [1, 2, 3];
        let err =
            map_parallel(2, &items, |&x| if x == 2 { panic!("boom") } else { x }).unwrap_err();
        assert!(err.contains("item 1: boom"), "{err}");
    }

    #[test]
    fn thread_counts() {
        assert!(thread_count(None).unwrap() >= 1);
        assert_eq!(thread_count(Some(3)).unwrap(), 3);
        assert!(thread_count(Some(0)).is_err());
        assert!(thread_count(Some(-1)).is_err());
        assert!(thread_count(Some(100_000)).is_err());
    }
}
