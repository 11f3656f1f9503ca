//! Partitioned ledgers (`docs/PARTIALS.md`, "Parts"): `split`, `read_manifest` and
//! `load_part`, thin over `dangjian::ledger::parts`.

use std::path::PathBuf;

use dangjian::ledger::parts::{self, Manifest};
use dangjian::ledger::{Form, ValidateOptions};
use dangjian::model::UnitKind;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::{detached, errors, PyLedger};

/// A manifest as a dict: `root`, `top` (a path), `parts` (`{"path", "root"}` dicts) and
/// `shared` (`{"people", "orgs", "units"}`, sorted lists; units: the parts' roots) or
/// None.
fn manifest_dict<'py>(py: Python<'py>, m: &Manifest) -> PyResult<Bound<'py, PyDict>> {
    let text = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let d = PyDict::new(py);
    d.set_item("root", &m.root)?;
    d.set_item("top", text(&m.top))?;
    let entries = m
        .parts
        .iter()
        .map(|p| {
            let e = PyDict::new(py);
            e.set_item("path", text(&p.path))?;
            e.set_item("root", &p.root)?;
            Ok(e)
        })
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item("parts", PyList::new(py, entries)?)?;
    match &m.shared {
        None => d.set_item("shared", py.None())?,
        Some(s) => {
            let shared = PyDict::new(py);
            shared.set_item("people", s.people.iter().collect::<Vec<_>>())?;
            shared.set_item("orgs", s.orgs.iter().collect::<Vec<_>>())?;
            shared.set_item("units", s.units.iter().collect::<Vec<_>>())?;
            d.set_item("shared", shared)?;
        }
    }
    Ok(d)
}

/// The form of each ledger `split` writes, by name.
fn form_named(py: Python<'_>, format: &str) -> PyResult<Form> {
    match format {
        "csv" => Ok(Form::CsvFolder),
        "json" => Ok(Form::Json),
        "xlsx" => Ok(Form::Excel),
        "sqlite" => Ok(Form::Sqlite),
        "parquet" => Ok(Form::Parquet),
        other => Err(errors::bad_argument(
            py,
            format!(
                "`format` is `{other}`; use \"csv\", \"json\", \"xlsx\", \"sqlite\" or \"parquet\""
            ),
        )),
    }
}

/// Cuts `ledger` into one part per unit of kind `by` and the top, writes them into the
/// folder `to` in `format` with the manifest `parts.toml`, and returns the manifest.
#[pyfunction]
#[pyo3(signature = (ledger, by, to, format = "csv", force = false))]
pub fn split<'py>(
    py: Python<'py>,
    ledger: &PyLedger,
    by: &str,
    to: PathBuf,
    format: &str,
    force: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let by: UnitKind = by
        .parse()
        .map_err(|e| errors::bad_argument(py, format!("`by`: {e}")))?;
    let form = form_named(py, format)?;
    let whole = ledger.inner.clone();
    let m = detached(py, "split", move || {
        parts::check_destination(&to, force)
            .map_err(|e| Python::attach(|py| errors::manifest_error(py, e)))?;
        let s = parts::split(&whole, by)
            .map_err(|e| Python::attach(|py| errors::bad_argument(py, e.to_string())))?;
        s.write(&to, form, force)
            .map_err(|e| Python::attach(|py| errors::manifest_error(py, e)))
    })?;
    manifest_dict(py, &m)
}

/// Reads a manifest (`parts.toml`), its paths joined to its folder.
#[pyfunction]
pub fn read_manifest(py: Python<'_>, path: PathBuf) -> PyResult<Bound<'_, PyDict>> {
    let m = detached(py, "read_manifest", move || {
        Manifest::read(&path).map_err(|e| Python::attach(|py| errors::manifest_error(py, e)))
    })?;
    manifest_dict(py, &m)
}

/// Loads a part of a partitioned ledger (`part`: its root id or path; None: the top), with
/// what the top gives every part, checked as `load` checks; on `top` (the top loaded
/// before) instead of reading it again.
#[pyfunction]
#[pyo3(signature = (manifest, part = None, top = None))]
pub fn load_part(
    py: Python<'_>,
    manifest: PathBuf,
    part: Option<String>,
    top: Option<PyRef<'_, PyLedger>>,
) -> PyResult<PyLedger> {
    let top = top.map(|t| t.inner.clone());
    let ledger = detached(py, "load_part", move || {
        let opts = ValidateOptions::full();
        match &top {
            Some(top) => parts::load_part_on(&manifest, part.as_deref(), top, &opts),
            None => parts::load_part_with(&manifest, part.as_deref(), &opts),
        }
        .map_err(|e| Python::attach(|py| errors::manifest_error(py, e)))
    })?;
    Ok(PyLedger::new(ledger))
}
