//! Records to Python dicts: through the CLI's own JSON text and Python's `json.loads`.
//!
//! A record is serialised by `serde_json` exactly as `whosaid extract --format jsonl` writes
//! it — without the GIL, in parallel — and the text is then parsed by the C decoder of
//! Python's `json` module. The dict is therefore `json.loads` of the CLI's output by
//! construction, and it is built about four times faster than by walking a
//! `serde_json::Value` from Rust, one Python object at a time.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyBytes;
use whosaid_core::schema::Record;

/// A record as the JSON text the CLI prints for it.
///
/// # Errors
///
/// A message if serialisation fails (it cannot for a `Record`, which has only string keys).
pub fn to_json(record: &Record) -> Result<Vec<u8>, String> {
    serde_json::to_vec(record).map_err(|e| format!("serialising a record: {e}"))
}

/// The Python object for a JSON text made by [`to_json`].
///
/// # Errors
///
/// Whatever `json.loads` raises (nothing, for a text made by [`to_json`]).
pub fn to_python<'py>(py: Python<'py>, json: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || {
        py.import("json")?.getattr("loads").map(Bound::unbind)
    })?;
    loads.bind(py).call1((PyBytes::new(py, json),))
}
