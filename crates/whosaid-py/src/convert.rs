//! Records to Python objects: a `serde` serializer whose output is Python objects.
//!
//! A record is turned into dicts, lists, strs, ints, floats and `None` directly by its
//! `Serialize` implementation — the same one `whosaid extract --format jsonl` uses — so the
//! result equals `json.loads` of the CLI's text for the record, key order included, without
//! the text in between. Each rule below mirrors what `serde_json` writes:
//!
//! | serde | JSON (`serde_json`) | Python |
//! |---|---|---|
//! | struct, map | object, fields in order, skipped fields absent | `dict` |
//! | seq, tuple (`[usize; 2]`) | array | `list` |
//! | `None`, unit | `null` | `None` |
//! | unit variant (`QuoteKind::Direct`) | its name | `str` |
//! | finite float | shortest round-trip text | `float` (the same value) |
//! | NaN, ±infinity | `null` | `None` |
//!
//! What makes it fast: field names are made once per call as interned `str` objects and
//! shared by every dict (`json.loads` makes a new key per record); lists are created at
//! their final length; and the cyclic garbage collector is paused while a batch is built
//! ([`GcPause`]): building a batch allocates hundreds of thousands of containers, each of
//! which would otherwise count towards a collection over the growing result.

use std::fmt;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
use serde::ser::{self, Serialize};

/// Builds Python objects from `Serialize` values, sharing key strings between them.
pub struct Converter<'py> {
    py: Python<'py>,
    /// Interned strings for the `&'static str` field and variant names seen so far, by the
    /// address and length of the name.
    names: Vec<(usize, usize, Bound<'py, PyString>)>,
}

impl<'py> Converter<'py> {
    /// A converter with an empty name cache.
    pub fn new(py: Python<'py>) -> Self {
        Converter {
            py,
            names: Vec::with_capacity(64),
        }
    }

    /// The Python object for `value`.
    ///
    /// # Errors
    ///
    /// A Python exception if an object cannot be created (memory), or if `value` has a map
    /// key that is not a string (no record has one).
    pub fn convert<T: Serialize + ?Sized>(&mut self, value: &T) -> PyResult<Bound<'py, PyAny>> {
        value.serialize(&mut *self).map_err(|e| e.0)
    }

    /// The shared `str` for a static name.
    fn name(&mut self, name: &'static str) -> Bound<'py, PyString> {
        let key = (name.as_ptr() as usize, name.len());
        if let Some((_, _, s)) = self.names.iter().find(|(p, n, _)| (*p, *n) == key) {
            return s.clone();
        }
        let s = PyString::intern(self.py, name);
        self.names.push((key.0, key.1, s.clone()));
        s
    }

    fn none(&self) -> Bound<'py, PyAny> {
        self.py.None().into_bound(self.py)
    }
}

/// Pauses Python's cyclic garbage collector until dropped (if it was running).
///
/// For stretches that run no Python code: the objects built then are plain containers of
/// strings and numbers, which cannot form cycles. The stretch may release the GIL while the
/// engine runs (`extract_many` on several threads); another Python thread running then only
/// has its cyclic garbage collected a little later, when the pause ends.
pub struct GcPause<'py> {
    _py: Python<'py>,
    was_enabled: bool,
}

impl<'py> GcPause<'py> {
    /// Pauses the collector; it resumes when the guard is dropped.
    pub fn new(py: Python<'py>) -> Self {
        // SAFETY: the GIL is held (`py`); PyGC_Disable only flips the collector's flag.
        let was_enabled = unsafe { ffi::PyGC_Disable() } != 0;
        GcPause {
            _py: py,
            was_enabled,
        }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: the GIL is still held: the guard cannot leave the `Python<'py>` scope.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}

/// A Python exception carried through `serde`'s error type.
#[derive(Debug)]
pub struct Error(PyErr);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(pyo3::exceptions::PyValueError::new_err(msg.to_string()))
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Error(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, Error>;

/// A list under construction: created at its final length when that is known.
pub struct ListBuilder<'c, 'py> {
    conv: &'c mut Converter<'py>,
    list: Bound<'py, PyList>,
    /// The length the list was created with, if it was; otherwise items are appended.
    len: Option<usize>,
    next: usize,
}

impl<'c, 'py> ListBuilder<'c, 'py> {
    fn new(conv: &'c mut Converter<'py>, len: Option<usize>) -> Result<Self, Error> {
        let py = conv.py;
        let list = match len {
            Some(n) => {
                let n = ffi::Py_ssize_t::try_from(n)
                    .map_err(|_| <Error as ser::Error>::custom("list too long"))?;
                // SAFETY: GIL held; PyList_New returns a new reference or NULL with an
                // exception set, which `from_owned_ptr_or_err` turns into an error.
                unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyList_New(n))? }
                    .cast_into::<PyList>()
                    .map_err(PyErr::from)?
            }
            None => PyList::empty(py),
        };
        Ok(ListBuilder {
            conv,
            list,
            len,
            next: 0,
        })
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let item = value.serialize(&mut *self.conv)?;
        match self.len {
            Some(n) if self.next < n => {
                // SAFETY: GIL held; `next` is in bounds of the list made with length `n`,
                // and the slot is still empty, so PyList_SetItem (which steals the new
                // reference made by `into_ptr`) replaces nothing.
                let rc = unsafe {
                    ffi::PyList_SetItem(
                        self.list.as_ptr(),
                        self.next as ffi::Py_ssize_t,
                        item.into_ptr(),
                    )
                };
                if rc != 0 {
                    return Err(PyErr::fetch(self.conv.py).into());
                }
            }
            Some(_) => {
                return Err(ser::Error::custom("more items than the announced length"));
            }
            None => self.list.append(item)?,
        }
        self.next += 1;
        Ok(())
    }

    fn finish(self) -> Out<'py> {
        if let Some(n) = self.len
            && self.next != n
        {
            // A list with empty slots must never reach Python.
            return Err(ser::Error::custom("fewer items than the announced length"));
        }
        Ok(self.list.into_any())
    }
}

/// A dict under construction, for structs and maps.
pub struct DictBuilder<'c, 'py> {
    conv: &'c mut Converter<'py>,
    dict: Bound<'py, PyDict>,
    /// The key of a map entry whose value comes next.
    key: Option<Bound<'py, PyAny>>,
}

impl<'c, 'py> DictBuilder<'c, 'py> {
    fn new(conv: &'c mut Converter<'py>) -> Self {
        let dict = PyDict::new(conv.py);
        DictBuilder {
            conv,
            dict,
            key: None,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(&mut *self.conv)?;
        let key = self.conv.name(key);
        self.dict.set_item(key, value)?;
        Ok(())
    }
}

/// A dict `{variant: value}`, for newtype, tuple and struct variants (as `serde_json`).
fn variant<'py>(conv: &Converter<'py>, name: &'static str, value: Bound<'py, PyAny>) -> Out<'py> {
    let dict = PyDict::new(conv.py);
    dict.set_item(PyString::new(conv.py, name), value)?;
    Ok(dict.into_any())
}

/// A sequence or struct inside an enum variant: the inner builder and the variant's name.
pub struct VariantBuilder<B> {
    inner: B,
    name: &'static str,
}

impl<'c, 'py> ser::Serializer for &'c mut Converter<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    type SerializeSeq = ListBuilder<'c, 'py>;
    type SerializeTuple = ListBuilder<'c, 'py>;
    type SerializeTupleStruct = ListBuilder<'c, 'py>;
    type SerializeTupleVariant = VariantBuilder<ListBuilder<'c, 'py>>;
    type SerializeMap = DictBuilder<'c, 'py>;
    type SerializeStruct = DictBuilder<'c, 'py>;
    type SerializeStructVariant = VariantBuilder<DictBuilder<'c, 'py>>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_i128(self, v: i128) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u128(self, v: u128) -> Out<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        // serde_json writes an f32 by its own shortest text, which Python reads back as
        // the f64 nearest to that text, not as the f32's exact value.
        if !v.is_finite() {
            return Ok(self.none());
        }
        let text = v.to_string();
        let value: f64 = text.parse().map_err(<Error as ser::Error>::custom)?;
        Ok(PyFloat::new(self.py, value).into_any())
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        if !v.is_finite() {
            return Ok(self.none());
        }
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        let mut buf = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        // serde_json writes bytes as an array of numbers.
        let mut list = ListBuilder::new(self, Some(v.len()))?;
        for b in v {
            list.push(b)?;
        }
        list.finish()
    }
    fn serialize_none(self) -> Out<'py> {
        Ok(self.none())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        Ok(self.none())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        Ok(self.none())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Out<'py> {
        Ok(self.name(variant).into_any())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Out<'py> {
        let value = value.serialize(&mut *self)?;
        self::variant(self, variant, value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        ListBuilder::new(self, len)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        ListBuilder::new(self, Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        ListBuilder::new(self, Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Ok(VariantBuilder {
            inner: ListBuilder::new(self, Some(len))?,
            name: variant,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Ok(DictBuilder::new(self))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Ok(DictBuilder::new(self))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Ok(VariantBuilder {
            inner: DictBuilder::new(self),
            name: variant,
        })
    }
}

impl<'py> ser::SerializeSeq for ListBuilder<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTuple for ListBuilder<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for ListBuilder<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for VariantBuilder<ListBuilder<'_, 'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.inner.push(value)
    }
    fn end(self) -> Out<'py> {
        let name = self.name;
        let py = self.inner.conv.py;
        let list = self.inner.finish()?;
        let dict = PyDict::new(py);
        dict.set_item(PyString::new(py, name), list)?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::SerializeMap for DictBuilder<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = key.serialize(&mut *self.conv)?;
        if !key.is_instance_of::<PyString>() {
            // serde_json would write some other keys (numbers) as strings; records have none.
            return Err(ser::Error::custom("a map key that is not a string"));
        }
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let value = value.serialize(&mut *self.conv)?;
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value without a key"))?;
        self.dict.set_item(key, value)?;
        Ok(())
    }
    fn end(self) -> Out<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for DictBuilder<'_, 'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStructVariant for VariantBuilder<DictBuilder<'_, 'py>> {
    type Ok = Bound<'py, PyAny>;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.inner.field(key, value)
    }
    fn end(self) -> Out<'py> {
        let conv = &*self.inner.conv;
        variant(conv, self.name, self.inner.dict.into_any())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    enum Shape {
        Point,
        Circle(f64),
        Pair(u8, i32),
        Rect { w: u32, h: u32 },
    }

    #[derive(Serialize)]
    struct Sample {
        name: String,
        tags: Vec<String>,
        span: [usize; 2],
        missing: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u32>,
        score: f64,
        nan: f64,
        small: f32,
        flag: bool,
        unit: (),
        shapes: Vec<Shape>,
        map: std::collections::BTreeMap<String, i64>,
        bytes: serde_bytes_like::Bytes,
    }

    mod serde_bytes_like {
        /// Serialises as serde bytes.
        pub struct Bytes(pub Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[test]
    fn objects_equal_json_loads_of_serde_json() {
        Python::initialize();
        Python::attach(|py| {
            let sample = Sample {
                name: "Zoë “quoted” \u{0}\n".into(),
                tags: vec!["a".into(), String::new()],
                span: [3, 1 << 40],
                missing: None,
                skipped: None,
                score: 0.1 + 0.2,
                nan: f64::NAN,
                small: 0.3,
                flag: true,
                unit: (),
                shapes: vec![
                    Shape::Point,
                    Shape::Circle(-0.0),
                    Shape::Pair(255, -7),
                    Shape::Rect { w: 2, h: 3 },
                ],
                map: [("x".to_string(), -1), ("y".to_string(), i64::MAX)].into(),
                bytes: serde_bytes_like::Bytes(vec![0, 200]),
            };
            let json = serde_json::to_string(&sample).unwrap();
            let loads = py.import("json").unwrap().getattr("loads").unwrap();
            let dumps = py.import("json").unwrap().getattr("dumps").unwrap();
            let expected = loads.call1((json,)).unwrap();
            let got = Converter::new(py).convert(&sample).unwrap();
            assert!(got.eq(&expected).unwrap(), "{got} != {expected}");
            // Same text again: key order and int/float types as well.
            let text = |o: &Bound<'_, PyAny>| dumps.call1((o,)).unwrap().to_string();
            assert_eq!(text(&got), text(&expected));
        });
    }

    #[test]
    fn the_collector_resumes_after_a_pause() {
        Python::initialize();
        Python::attach(|py| {
            let gc = py.import("gc").unwrap();
            let enabled = || gc.call_method0("isenabled").unwrap().is_truthy().unwrap();
            assert!(enabled());
            {
                let _pause = GcPause::new(py);
                assert!(!enabled());
                {
                    let _inner = GcPause::new(py);
                }
                assert!(!enabled(), "an inner pause must not resume the collector");
            }
            assert!(enabled());
        });
    }
}
