//! The one place where core errors become Python exceptions. The exception classes live in
//! `dangjian._errors` (so they can subclass both `DangjianError` and `ValueError`).

use dangjian::ledger::{LedgerError, Problem};
use dangjian::metrics::QueryError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("dangjian._errors")?.getattr(name)
}

/// A located problem as a Python dict.
pub fn problem_dict<'py>(py: Python<'py>, p: &Problem) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("severity", format!("{:?}", p.severity).to_lowercase())?;
    d.set_item(
        "kind",
        serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    )?;
    d.set_item("location", p.location.to_string())?;
    d.set_item("message", &p.message)?;
    Ok(d)
}

fn raise(py: Python<'_>, name: &str, message: String, problems: Option<&[Problem]>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = class(py, name)?;
        let list: Vec<Bound<'_, PyDict>> = match problems {
            Some(ps) => ps
                .iter()
                .map(|p| problem_dict(py, p))
                .collect::<PyResult<_>>()?,
            None => Vec::new(),
        };
        let exc = cls.call1((message.clone(), list))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// A ledger error as `dangjian.LedgerError` (with `.problems`) or `OSError`.
pub fn ledger_error(py: Python<'_>, e: LedgerError) -> PyErr {
    match e {
        LedgerError::Invalid(p) => raise(py, "LedgerError", p.to_string(), Some(&p.0)),
        LedgerError::Io { path, source } => pyo3::exceptions::PyOSError::new_err((
            source.raw_os_error().unwrap_or(0),
            format!("{path}: {source}"),
        )),
        other => raise(py, "LedgerError", other.to_string(), None),
    }
}

/// A query error as `dangjian.QueryError`.
pub fn query_error(py: Python<'_>, e: QueryError) -> PyErr {
    raise(py, "QueryError", e.to_string(), None)
}

/// Any core error.
pub fn core_error(py: Python<'_>, e: dangjian::Error) -> PyErr {
    match e {
        dangjian::Error::Ledger(e) => ledger_error(py, e),
        dangjian::Error::Query(e) => query_error(py, e),
    }
}

/// A bad argument as `dangjian.QueryError`.
pub fn bad_argument(py: Python<'_>, message: String) -> PyErr {
    raise(py, "QueryError", message, None)
}

/// A panic caught at the boundary: never a `PanicException` for the user.
pub fn internal(py: Python<'_>, what: &str) -> PyErr {
    class(py, "DangjianError")
        .and_then(|c| {
            c.call1((format!(
                "internal error in dangjian ({what}); please report it"
            ),))
        })
        .map(PyErr::from_value)
        .unwrap_or_else(|_| PyRuntimeError::new_err("internal error in dangjian"))
}
