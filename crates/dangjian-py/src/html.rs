//! The dashboard page and its notebook pieces (`dangjian::report`), and the display names
//! the plots use. Thin: parse the arguments, call the core without the GIL.

use std::collections::HashMap;

use dangjian::report::{self, Labels, PageOptions};
use pyo3::prelude::*;

use super::{detached, errors, parse_date, parse_freq, query, PyLedger};

/// The dashboard page of a query as HTML text (one self-contained document).
#[pyfunction]
#[pyo3(signature = (ledger, as_of=None, from_=None, scope=None, by=None, metrics=None, at_risk_tolerance=None, young_age=None, max_rows=500, list_rows=30, trend_months=12))]
#[allow(clippy::too_many_arguments)]
pub fn report_html(
    py: Python<'_>,
    ledger: &PyLedger,
    as_of: Option<&str>,
    from_: Option<&str>,
    scope: Option<String>,
    by: Option<&str>,
    metrics: Option<Vec<String>>,
    at_risk_tolerance: Option<f64>,
    young_age: Option<i32>,
    max_rows: usize,
    list_rows: usize,
    trend_months: u32,
) -> PyResult<String> {
    let q = query(
        py,
        as_of,
        from_,
        scope,
        by,
        metrics,
        at_risk_tolerance,
        young_age,
    )?;
    let opts = PageOptions {
        max_rows,
        list_rows,
        trend_months,
        data: None,
    };
    detached(py, "report_html", move || {
        report::page(&ledger.inner, ledger.engine(), &q, &opts)
            .map_err(|e| Python::attach(|py| errors::query_error(py, e)))
    })
}

/// Metric rows as a person reads them (names, `75.8% (25/33)`), the first `limit`.
#[pyfunction]
#[pyo3(signature = (ledger, as_of=None, from_=None, scope=None, by=None, metrics=None, at_risk_tolerance=None, young_age=None, limit=20))]
#[allow(clippy::too_many_arguments)]
pub fn metrics_html(
    py: Python<'_>,
    ledger: &PyLedger,
    as_of: Option<&str>,
    from_: Option<&str>,
    scope: Option<String>,
    by: Option<&str>,
    metrics: Option<Vec<String>>,
    at_risk_tolerance: Option<f64>,
    young_age: Option<i32>,
    limit: usize,
) -> PyResult<String> {
    let q = query(
        py,
        as_of,
        from_,
        scope,
        by,
        metrics,
        at_risk_tolerance,
        young_age,
    )?;
    detached(py, "metrics_html", move || {
        let ev = ledger
            .engine()
            .evaluate(&q)
            .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
        Ok(report::metrics_table(&ledger.inner, &[ev], limit))
    })
}

/// A trend's rows as a person reads them, each with its date, the first `limit`.
#[pyfunction]
#[pyo3(signature = (ledger, start, end, freq="M", metrics=None, from_=None, scope=None, by=None, at_risk_tolerance=None, young_age=None, limit=20))]
#[allow(clippy::too_many_arguments)]
pub fn trend_html(
    py: Python<'_>,
    ledger: &PyLedger,
    start: &str,
    end: &str,
    freq: &str,
    metrics: Option<Vec<String>>,
    from_: Option<&str>,
    scope: Option<String>,
    by: Option<&str>,
    at_risk_tolerance: Option<f64>,
    young_age: Option<i32>,
    limit: usize,
) -> PyResult<String> {
    let freq = parse_freq(py, freq)?;
    let start = parse_date(py, "start", Some(start))?.unwrap_or_default();
    let end = parse_date(py, "end", Some(end))?.unwrap_or_default();
    let q = query(
        py,
        None,
        from_,
        scope,
        by,
        metrics,
        at_risk_tolerance,
        young_age,
    )?;
    detached(py, "trend_html", move || {
        let evs = ledger
            .engine()
            .trend(&q, start, end, freq)
            .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
        Ok(report::metrics_table(&ledger.inner, &evs, limit))
    })
}

/// The ledger at a glance: root, tables, the three programmes' headline figures.
#[pyfunction]
pub fn ledger_html(py: Python<'_>, ledger: &PyLedger) -> PyResult<String> {
    detached(py, "ledger_html", move || {
        Ok(report::ledger_card(&ledger.inner, ledger.engine()))
    })
}

/// Display names: `units` (unit and org id to name), `kinds` (unit id to its kind),
/// `kind_names` (unit kind to (中文, English)), `people` (id to name), and `metrics` (id to
/// (中文, English)) for every metric of the ledger.
#[pyfunction]
pub fn display_names(py: Python<'_>, ledger: &PyLedger) -> PyResult<Py<pyo3::types::PyDict>> {
    type Names = (
        HashMap<String, String>,
        HashMap<String, String>,
        HashMap<String, String>,
        HashMap<String, (String, String)>,
    );
    let (units, kinds, people, metrics): Names = detached(py, "display_names", move || {
        let l = &ledger.inner;
        let labels = Labels::new(l);
        let units = l
            .units
            .iter()
            .map(|u| (u.id.to_string(), u.name.clone()))
            .chain(l.orgs.iter().map(|o| (o.id.to_string(), o.name.clone())))
            .collect();
        let kinds = l
            .units
            .iter()
            .map(|u| {
                use dangjian::model::Vocabulary;
                (u.id.to_string(), u.kind.id().to_string())
            })
            .collect();
        let people = l
            .people
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect();
        let metrics = labels
            .metrics()
            .map(|(id, zh, en, _)| (id.to_string(), (zh.to_string(), en.to_string())))
            .collect();
        Ok((units, kinds, people, metrics))
    })?;
    let d = pyo3::types::PyDict::new(py);
    d.set_item("units", units)?;
    d.set_item("kinds", kinds)?;
    d.set_item("people", people)?;
    d.set_item("metrics", metrics)?;
    let kind_names: HashMap<&str, (&str, &str)> = {
        use dangjian::model::{UnitKind, Vocabulary};
        UnitKind::ALL
            .iter()
            .map(|k| (k.id(), (k.zh(), k.en())))
            .collect()
    };
    d.set_item("kind_names", kind_names)?;
    Ok(d.unbind())
}
