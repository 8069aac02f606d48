//! The thread pools that run the engine, and the guard that keeps panics inside Rust.
//!
//! `threads=None` means one thread per available core, `threads=1` runs on the calling
//! thread. Pools are built on first use for a thread count and kept, so a Spark task calling
//! `extract_arrow` once per batch does not start threads for every batch. A pool remembers
//! the process that built it: after a `fork` (multiprocessing, PySpark's worker daemon) the
//! child has the pool's memory but none of its threads, so a new pool is built there.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

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
    let guarded = |(k, item): (usize, &T)| {
        catch_unwind(AssertUnwindSafe(|| f(item))).map_err(|panic| {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("internal error in the whosaid engine on item {k}: {reason} (please report it)")
        })
    };
    if threads <= 1 || items.len() <= 1 {
        return items.iter().enumerate().map(guarded).collect();
    }
    let pool = pool(threads)?;
    pool.install(|| items.par_iter().enumerate().map(guarded).collect())
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
