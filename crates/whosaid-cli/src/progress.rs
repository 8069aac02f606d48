//! The progress bar on a terminal: documents, MB, docs/s, MB/s and, when the total is
//! known, ETA. Silent when standard error is not a terminal or with `--quiet`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress reporting for one run.
pub struct Progress {
    bar: Option<ProgressBar>,
    bytes: AtomicU64,
    quotes: AtomicU64,
}

impl Progress {
    /// A bar on standard error when `enabled`; `total` documents when known.
    pub fn new(enabled: bool, total: Option<u64>) -> Progress {
        let bar = enabled.then(|| {
            let bar = match total {
                Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            };
            let template = if total.is_some() {
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} docs · {msg} · ETA {eta}"
            } else {
                "{spinner} [{elapsed_precise}] {pos} docs · {per_sec} · {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            bytes: AtomicU64::new(0),
            quotes: AtomicU64::new(0),
        }
    }

    /// Counts one finished document of `bytes` bytes with `quotes` quotations.
    pub fn advance(&self, bytes: u64, quotes: u64) {
        let b = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let q = self.quotes.fetch_add(quotes, Ordering::Relaxed) + quotes;
        if let Some(bar) = &self.bar {
            bar.inc(1);
            let secs = bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{:.1} MB · {:.1} MB/s · {q} quotations",
                b as f64 / 1e6,
                b as f64 / 1e6 / secs
            ));
        }
    }

    /// Prints a line above the bar (or plainly when there is none).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
