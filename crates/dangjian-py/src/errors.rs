//! The Python exceptions, declared here once, and the one place where core errors become
//! them.
//!
//! `DangjianError` is the root; `LedgerError` (a ledger that does not load or validate,
//! with `.problems`) and `QueryError` (a query that cannot be answered) are also
//! `ValueError`s. The classes are created once per interpreter and raised by reference,
//! never looked up by name.

use dangjian::ledger::{LedgerError, Problem};
use dangjian::metrics::QueryError;
use dangjian::rows::Row;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyTuple, PyType};

use crate::arrow::cell_to_py;

pyo3::create_exception!(
    dangjian,
    DangjianError,
    PyException,
    "Every error dangjian raises on purpose derives from this.\n\n\
     >>> import dangjian as dj\n\
     >>> issubclass(dj.LedgerError, dj.DangjianError) and issubclass(dj.QueryError, ValueError)\n\
     True"
);

const LEDGER_ERROR_DOC: &str = "A ledger that does not load or validate (also a ValueError).

``problems`` lists every located problem as dicts: ``severity`` (``error`` or ``warning``),
``kind``, ``location`` as text (``units.csv:4:2``, ``/units/3/kind``, ``orgs!B3``,
``activities[id=a17].date``), ``message``, and the location as data: ``form`` (``csv``,
``json``, ``excel``, ``sqlite``, ``record``, ``file``, ``ledger``) with ``file``, ``line``,
``column`` (CSV), ``pointer`` (JSON), ``sheet``, ``cell`` (Excel), ``table``, ``row``,
``field``, ``id`` (SQLite; a record built in code has no ``id``); the fields of other forms
are None.

>>> import dangjian as dj
>>> try:
...     dj.from_json('{\"format\": \"dangjian-ledger/1\", \"units\": [{\"id\": \"d\", \"kind\": \"town\", \"name\": \"x\"}]}')
... except dj.LedgerError as e:
...     p = e.problems[0]
...     print(p[\"severity\"], p[\"kind\"], p[\"form\"], p[\"pointer\"], p[\"line\"])
error unknown_term json /units/0/kind None
";

const QUERY_ERROR_DOC: &str = "A metric query that cannot be answered: a bad date, scope, \
metric id or argument (also a ValueError).

>>> import dangjian as dj
>>> try:
...     dj.example().metrics(scope=\"nowhere\")
... except dj.QueryError as e:
...     print(str(e).split(\";\")[0])
scope `nowhere` is not a unit id of this ledger
";

static LEDGER_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static QUERY_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A subclass of both `DangjianError` and `ValueError`, in module `dangjian`, whose
/// instances carry `problems` (empty unless set when raised).
fn value_error_class(py: Python<'_>, name: &str, doc: &str) -> PyResult<Py<PyType>> {
    let bases = PyTuple::new(
        py,
        [
            py.get_type::<DangjianError>(),
            py.get_type::<PyValueError>(),
        ],
    )?;
    let dict = PyDict::new(py);
    dict.set_item("__module__", "dangjian")?;
    dict.set_item("__doc__", doc)?;
    dict.set_item("problems", PyTuple::empty(py))?;
    let class = py.get_type::<PyType>().call1((name, bases, dict))?;
    Ok(class.cast_into::<PyType>()?.unbind())
}

/// `dangjian.LedgerError`.
pub fn ledger_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    LEDGER_ERROR
        .get_or_try_init(py, || {
            value_error_class(py, "LedgerError", LEDGER_ERROR_DOC)
        })
        .map(|t| t.bind(py))
}

/// `dangjian.QueryError`.
pub fn query_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    QUERY_ERROR
        .get_or_try_init(py, || value_error_class(py, "QueryError", QUERY_ERROR_DOC))
        .map(|t| t.bind(py))
}

/// A row as a dict of its columns (the cells as Python values).
pub fn row_dict<'py, R: Row>(py: Python<'py>, row: &R) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (c, v) in R::columns().iter().zip(row.cells()) {
        d.set_item(c.name, cell_to_py(py, &v)?)?;
    }
    Ok(d)
}

/// Every problem as a dict (see `LedgerError`).
pub fn problem_dicts<'py>(py: Python<'py>, problems: &[Problem]) -> PyResult<Bound<'py, PyList>> {
    let dicts = problems
        .iter()
        .map(|p| row_dict(py, p))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, dicts)
}

/// An exception of `class` with `message`, and `problems` when given.
fn raise(class: PyResult<&Bound<'_, PyType>>, message: String, problems: &[Problem]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = class?;
        let py = class.py();
        let exc = class.call1((message,))?;
        if !problems.is_empty() {
            exc.setattr("problems", problem_dicts(py, problems)?)?;
        }
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// A ledger error as `dangjian.LedgerError` (with `.problems`) or an `OSError`.
pub fn ledger_error(py: Python<'_>, e: LedgerError) -> PyErr {
    match e {
        LedgerError::Invalid(p) => raise(ledger_error_type(py), p.to_string(), &p.0),
        LedgerError::Io { path, source } => os_error(path, &source),
        other => raise(ledger_error_type(py), other.to_string(), &[]),
    }
}

/// An I/O error as the `OSError` subclass Python raises for it (`FileNotFoundError` for a
/// missing path, `PermissionError`...), with its errno and the path as `filename`. The
/// loader finds a missing path itself, before the system does: such an error has no
/// errno of its own, and gets the system's for its kind.
fn os_error(path: String, source: &std::io::Error) -> PyErr {
    use pyo3::exceptions::{
        PyFileNotFoundError, PyIsADirectoryError, PyOSError, PyPermissionError,
    };
    use std::io::ErrorKind;
    // The errno values POSIX and Windows share for these kinds.
    const ENOENT: i32 = 2;
    const EACCES: i32 = 13;
    const EISDIR: i32 = 21;
    let errno = |default: i32| source.raw_os_error().unwrap_or(default);
    let text = source.to_string();
    match source.kind() {
        ErrorKind::NotFound => PyFileNotFoundError::new_err((errno(ENOENT), text, path)),
        ErrorKind::PermissionDenied => PyPermissionError::new_err((errno(EACCES), text, path)),
        ErrorKind::IsADirectory => PyIsADirectoryError::new_err((errno(EISDIR), text, path)),
        _ => PyOSError::new_err((errno(0), text, path)),
    }
}

/// A query error as `dangjian.QueryError`.
pub fn query_error(py: Python<'_>, e: QueryError) -> PyErr {
    raise(query_error_type(py), e.to_string(), &[])
}

/// A bad argument as `dangjian.QueryError`.
/// An import that cannot be done: the source, the ledger or the result is invalid
/// (`LedgerError` with every located problem), or the mapping cannot be used
/// (`LedgerError` with no problems, the message saying what is wrong).
pub fn import_error(py: Python<'_>, e: dangjian::import::ImportError) -> PyErr {
    match e {
        dangjian::import::ImportError::Ledger(e) => ledger_error(py, e),
        other => raise(ledger_error_type(py), other.to_string(), &[]),
    }
}

pub fn bad_argument(py: Python<'_>, message: String) -> PyErr {
    raise(query_error_type(py), message, &[])
}

/// An internal failure with its message (a bug): `DangjianError`.
pub fn internal_message(message: &str) -> PyErr {
    DangjianError::new_err(format!(
        "internal error in dangjian: {message}; please report it"
    ))
}

/// A partitioned ledger's error (`dangjian::ledger::parts`): a manifest or a ledger of it
/// that is missing as the `OSError` for it; a ledger of it that does not load as
/// `LedgerError` with its `.problems`, the message naming which; a manifest that cannot be
/// used (bad TOML, a missing key, a part listed twice or not there, overlapping parts) as
/// `LedgerError`.
pub fn manifest_error(py: Python<'_>, e: dangjian::ledger::parts::ManifestError) -> PyErr {
    use dangjian::ledger::parts::ManifestError;
    match e {
        ManifestError::Io { path, source } => os_error(path, &source),
        ManifestError::Ledger { what, source } => match source {
            LedgerError::Io { path, source } => os_error(path, &source),
            LedgerError::Invalid(p) => raise(ledger_error_type(py), format!("{what}: {p}"), &p.0),
            other => raise(ledger_error_type(py), format!("{what}: {other}"), &[]),
        },
        other => raise(ledger_error_type(py), other.to_string(), &[]),
    }
}

/// A panic caught at the boundary: never a `PanicException` for the user.
pub fn internal(what: &str) -> PyErr {
    DangjianError::new_err(format!(
        "internal error in dangjian ({what}); please report it"
    ))
}
