//! JSON values to Python objects: a `whosaid/1` record becomes the dict `json.loads` would
//! make of the CLI's output for it.
//!
//! Records are first turned into a [`serde_json::Value`] (without the GIL, in parallel) and
//! then walked here. Objects become `dict`s with keys in the order the CLI writes them
//! (serde_json's `preserve_order`), arrays become `list`s, numbers `int` or `float`.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

/// The Python object for a JSON value.
///
/// # Errors
///
/// Only when Python fails to allocate an object.
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let items = items.iter().map(|v| to_python(py, v)).collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, v) in map {
                // Records repeat the same few keys thousands of times: share one string.
                dict.set_item(PyString::intern(py, key), to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}
