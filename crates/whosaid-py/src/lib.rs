/*!
whosaid-py: the Python package `whosaid`, a thin layer over the Rust engine.

Three functions make the whole API: `extract` (one text, one `whosaid/1` record as a dict),
`extract_many` (many texts in parallel) and `extract_arrow` (an Arrow record batch of
articles in, a record batch of quotation rows out — the function a Spark `mapInArrow` job
calls). The Python package under `python/whosaid/` re-exports them with type stubs.

# Design

**Python objects in, Rust values across, Python objects out.** Each call first reads its
arguments while holding the GIL, borrowing `str` data and Arrow buffers without copying,
then releases the GIL ([`Python::detach`]) and runs the engine on a rayon pool, and only
then builds Python objects again (`extract_many` on several threads builds them on the
calling thread while the pool extracts the rest, the calling thread extracting too when
nothing is ready: `pool::map_consume`). Everything done without the GIL is plain Rust on
`&str`, so the parallel part scales with cores and other Python threads keep running.

**The same answer as the CLI.** Records are produced by `whosaid_core::schema::to_record`
and turned into Python objects by their own `Serialize` implementation, the one behind the
CLI's JSON (a serializer whose output is dicts and lists: `convert`), so a record equals
`json.loads` of the CLI's text for it; quotation rows are produced by
`whosaid_core::schema::quote_rows` and `whosaid_core::arrow::quote_rows_to_batch`, the
functions behind the CLI's CSV and Parquet output; this crate adds no extraction logic.

**Errors are exceptions, never crashes.** Bad arguments raise `TypeError` or `ValueError`
naming the argument (and the index or column); text is decoded the way the CLI decodes
files (invalid UTF-8 replaced, with a `UnicodeWarning`). The engine promises not to panic;
should it, the panic is caught per document and becomes a `RuntimeError`.
*/
#![deny(missing_docs)]

use pyo3::prelude::*;
use pyo3::types::PyTuple;

mod arrow_io;
mod convert;
mod dates;
mod functions;
mod pool;
mod text;

/// The engine's own allocations (tokens, features, spans; not Python objects, which come
/// from Python's allocator) go to mimalloc, as in the CLI, so both run the engine alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native module `whosaid._native`, re-exported by the `whosaid` package.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA", whosaid_core::schema::SCHEMA)?;
    m.add(
        "QUOTE_ROW_COLUMNS",
        PyTuple::new(m.py(), whosaid_core::schema::QUOTE_ROW_COLUMNS)?,
    )?;
    m.add("SPARK_SCHEMA", arrow_io::spark_ddl())?;
    // The tagger kernels' instruction set, capped by WHOSAID_CPU as in the CLI; a misspelt
    // cap fails the import rather than being ignored.
    whosaid_core::model::net::cpu::Level::from_env()
        .map_err(pyo3::exceptions::PyValueError::new_err)?;
    m.add(
        "KERNELS",
        whosaid_core::model::net::cpu::Level::current().name(),
    )?;
    m.add_function(wrap_pyfunction!(functions::extract, m)?)?;
    m.add_function(wrap_pyfunction!(functions::extract_many, m)?)?;
    m.add_function(wrap_pyfunction!(functions::extract_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(functions::quote_rows_schema, m)?)?;
    Ok(())
}
