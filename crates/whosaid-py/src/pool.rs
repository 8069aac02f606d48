//! The thread pools that run the engine, and the guard that keeps panics inside Rust.
//!
//! `threads=None` means one thread per available core, `threads=1` runs on the calling
//! thread. Pools are built on first use for a thread count and kept, so a Spark task calling
//! `extract_arrow` once per batch does not start threads for every batch. A pool remembers
//! the process that built it: after a `fork` (multiprocessing, PySpark's worker daemon) the
//! child has the pool's memory but none of its threads, so a new pool is built there.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, TryRecvError};
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
    let guarded = |(k, item): (usize, &T)| guard(k, item, &f);
    if threads <= 1 || items.len() <= 1 {
        return items.iter().enumerate().map(guarded).collect();
    }
    let pool = pool(threads)?;
    pool.install(|| items.par_iter().enumerate().map(guarded).collect())
}

/// `f(item)`, with a panic caught and reported as an error naming the item's index `k`.
fn guard<T, R>(k: usize, item: &T, f: &(impl Fn(&T) -> R + Sync)) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(|| f(item))).map_err(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("internal error in the whosaid engine on item {k}: {reason} (please report it)")
    })
}

/// Applies `f` to every item on `threads` threads, without the GIL, and hands each result
/// to `consume` on the calling thread, with the GIL, in input order and as soon as it and
/// every result before it are ready.
///
/// So the Python objects of early results are built while later items are still being
/// worked on. With one thread the calling thread does both in turn, releasing the GIL for
/// each `f`. The workers take items in input order (a shared counter), so results arrive
/// roughly in the order they are consumed. A panic in `f` is caught (see [`map_parallel`])
/// and handed to `consume` as an error; an error from `consume` stops the workers early and
/// is returned.
///
/// # Errors
///
/// A `RuntimeError` when a pool cannot be started; the first error of `consume`.
pub fn map_streamed<T, R, F>(
    py: Python<'_>,
    threads: usize,
    items: &[T],
    f: F,
    mut consume: impl FnMut(Result<R, String>) -> PyResult<()>,
) -> PyResult<()>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let n = items.len();
    if threads <= 1 || n <= 1 {
        for (k, item) in items.iter().enumerate() {
            let result = py.detach(|| guard(k, item, &f));
            consume(result)?;
        }
        return Ok(());
    }
    let pool = pool(threads).map_err(runtime_error)?;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Result<R, String>)>();
    // A Mutex only to make the receiver shareable with the closure that waits without the
    // GIL; the calling thread is its only user.
    let rx = Mutex::new(rx);
    pool.in_place_scope(|scope| {
        for _ in 0..threads.min(n) {
            let tx = tx.clone();
            let (next, stop, f) = (&next, &stop, &f);
            scope.spawn(move |_| {
                while !stop.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(k) else { break };
                    if tx.send((k, guard(k, item, f))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Results that came before their turn, by index.
        let mut early: Vec<Option<Result<R, String>>> = Vec::new();
        early.resize_with(n, || None);
        let mut turn = 0;
        let mut run = || -> PyResult<()> {
            while turn < n {
                let received = rx
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .try_recv();
                let (k, result) = match received {
                    Ok(got) => got,
                    Err(TryRecvError::Empty) => py
                        .detach(|| {
                            rx.lock()
                                .unwrap_or_else(|poisoned| poisoned.into_inner())
                                .recv()
                        })
                        .map_err(|_| runtime_error("the worker threads stopped".into()))?,
                    Err(TryRecvError::Disconnected) => {
                        return Err(runtime_error("the worker threads stopped".into()));
                    }
                };
                if k != turn {
                    if let Some(slot) = early.get_mut(k) {
                        *slot = Some(result);
                    }
                    continue;
                }
                consume(result)?;
                turn += 1;
                while let Some(result) = early.get_mut(turn).and_then(Option::take) {
                    consume(result)?;
                    turn += 1;
                }
            }
            Ok(())
        };
        let outcome = run();
        // On an error, the workers finish the item they have and stop; the scope waits.
        stop.store(true, Ordering::Relaxed);
        outcome
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
    fn streamed_results_come_in_input_order() {
        Python::initialize();
        Python::attach(|py| {
            let items: Vec<u64> = (0..500).collect();
            for threads in [1, 2, 3] {
                let mut seen = Vec::new();
                map_streamed(
                    py,
                    threads,
                    &items,
                    |x| x * 2,
                    |r| {
                        seen.push(r.map_err(runtime_error)?);
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(seen, items.iter().map(|x| x * 2).collect::<Vec<_>>());
            }
        });
    }

    #[test]
    fn streamed_panics_are_errors_and_consume_errors_stop() {
        Python::initialize();
        Python::attach(|py| {
            let items: Vec<u64> = (0..100).collect();
            for threads in [1, 2] {
                let mut errors = Vec::new();
                map_streamed(
                    py,
                    threads,
                    &items,
                    |&x| if x == 7 { panic!("boom") } else { x },
                    |r| {
                        if let Err(e) = r {
                            errors.push(e);
                        }
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(errors.len(), 1);
                assert!(errors[0].contains("item 7: boom"), "{}", errors[0]);
                let mut count = 0;
                let stopped = map_streamed(
                    py,
                    threads,
                    &items,
                    |&x| x,
                    |_| {
                        count += 1;
                        if count == 10 {
                            Err(runtime_error("enough".into()))
                        } else {
                            Ok(())
                        }
                    },
                );
                assert!(stopped.is_err());
                assert_eq!(count, 10);
            }
        });
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
