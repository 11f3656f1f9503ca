//! Partial results in Python (docs/PARTIALS.md): `Ledger.partial` and `merge`.

use dangjian::ledger::parts::Shared;
use dangjian::metrics::{Partial, Query};
use dangjian::partials;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::PyTable;

use crate::{arrow_error, detached, errors, PyArrowTable, PyLedger};

/// A partial result out to Python: an Arrow table, or the bytes of an Arrow IPC file.
fn out(py: Python<'_>, p: &Partial, ipc: bool) -> PyResult<Py<PyAny>> {
    if ipc {
        let bytes = partials::to_ipc(p).map_err(|e| errors::internal_message(&e.to_string()))?;
        return Ok(PyBytes::new(py, &bytes).into_any().unbind());
    }
    let batch = partials::to_batch(p).map_err(|e| errors::internal_message(&e.to_string()))?;
    Ok(Py::new(py, PyArrowTable::new(py, "partial", batch)?)?.into_any())
}

/// The partial result of `q` on a ledger.
pub(crate) fn partial(
    py: Python<'_>,
    ledger: &PyLedger,
    q: Query,
    shared: Option<(Vec<String>, Vec<String>, Vec<String>)>,
    whole_root: Option<String>,
    ipc: bool,
) -> PyResult<Py<PyAny>> {
    let shared = shared
        .map(|(people, orgs, units)| Shared {
            people: people.into_iter().collect(),
            orgs: orgs.into_iter().collect(),
            units: units.into_iter().collect(),
        })
        .unwrap_or_default();
    let p = detached(py, "partial", move || {
        ledger
            .engine()
            .partial(&q, &shared, whole_root.as_deref())
            .map_err(|e| Python::attach(|py| errors::query_error(py, e)))
    })?;
    out(py, &p, ipc)
}

/// One partial result from Python: IPC bytes, or any Arrow table (PyCapsule interface).
fn read_one(py: Python<'_>, i: usize, obj: &Bound<'_, PyAny>) -> PyResult<Partial> {
    let bad = |m: String| errors::bad_argument(py, format!("partial result {i}: {m}"));
    if let Ok(b) = obj.cast::<PyBytes>() {
        return partials::from_ipc(b.as_bytes()).map_err(|e| bad(e.to_string()));
    }
    let table: PyTable = obj.extract().map_err(|_| {
        bad(format!(
            "a `{}` is neither the bytes of an Arrow IPC file nor an Arrow table; pass what `Ledger.partial` returns",
            obj.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    let (batches, _) = table.into_inner();
    partials::from_batches(&batches).map_err(|e| bad(e.to_string()))
}

/// Merges partial results; finished: the metric rows.
pub(crate) fn merge(
    py: Python<'_>,
    parts: Vec<Bound<'_, PyAny>>,
    finish: bool,
    ipc: bool,
) -> PyResult<Py<PyAny>> {
    let read: Vec<Partial> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| read_one(py, i, p))
        .collect::<PyResult<_>>()?;
    if read.is_empty() {
        return Err(errors::bad_argument(
            py,
            "no partial result to merge".into(),
        ));
    }
    let merged = detached(py, "merge", move || {
        let mut it = read.into_iter();
        let mut m = it.next().expect("checked non-empty above");
        for (i, p) in it.enumerate() {
            m.merge(p).map_err(|e| {
                Python::attach(|py| {
                    errors::bad_argument(py, format!("partial result {}: {e}", i + 1))
                })
            })?;
        }
        Ok(m)
    })?;
    if !finish {
        return out(py, &merged, ipc);
    }
    let batch = detached(py, "merge", move || {
        let ev = merged
            .finish()
            .map_err(|e| Python::attach(|py| errors::bad_argument(py, e.to_string())))?;
        crate::arrow::batch(&ev.rows).map_err(arrow_error)
    })?;
    Ok(Py::new(py, PyArrowTable::new(py, "metrics", batch)?)?.into_any())
}
