//! Python bindings of dangjian: thin: convert arguments, call the core with the GIL
//! released, convert results to Arrow tables. Errors map to Python exceptions in one place
//! ([`errors`]); a panic is caught at the boundary and never reaches Python as such.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use dangjian::ledger::ValidateOptions;
use dangjian::metrics::{Engine, Freq, Query};
use dangjian::model::{UnitId, UnitKind};
use dangjian::rows::Row;
use dangjian::Ledger;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyList};
use pyo3_arrow::PyTable;

pub mod arrow;
pub mod errors;
pub mod html;
mod partials;
pub mod parts;

/// An Arrow failure (a bug: the rows are typed) as a `DangjianError`.
fn arrow_error(e: arrow_schema::ArrowError) -> PyErr {
    errors::DangjianError::new_err(format!("internal error building a table: {e}"))
}

/// Merges partial results (Arrow tables or IPC bytes); `finish`: the metric rows.
#[pyfunction]
#[pyo3(signature = (parts, finish=true, ipc=false))]
fn merge(
    py: Python<'_>,
    parts: Vec<Bound<'_, PyAny>>,
    finish: bool,
    ipc: bool,
) -> PyResult<Py<PyAny>> {
    partials::merge(py, parts, finish, ipc)
}

/// Runs `f` without the GIL, turning a panic into `DangjianError`.
fn detached<T: Send>(
    py: Python<'_>,
    what: &str,
    f: impl FnOnce() -> PyResult<T> + Send,
) -> PyResult<T> {
    match py.detach(|| catch_unwind(AssertUnwindSafe(f))) {
        Ok(r) => r,
        Err(_) => Err(errors::internal(what)),
    }
}

/// A trend's step: month ends or week ends.
pub(crate) fn parse_freq(py: Python<'_>, freq: &str) -> PyResult<Freq> {
    match freq {
        "M" | "ME" | "month" | "m" => Ok(Freq::Month),
        "W" | "week" | "w" => Ok(Freq::Week),
        other => Err(errors::bad_argument(
            py,
            format!("`freq` is `{other}`; use \"M\" (month ends) or \"W\" (week ends)"),
        )),
    }
}

fn parse_date(py: Python<'_>, name: &str, s: Option<&str>) -> PyResult<Option<NaiveDate>> {
    match s {
        None => Ok(None),
        // Every spelling a ledger cell takes (`2019/7/31` too), worded as the ledger words it.
        Some(s) => dangjian::ledger::parse_date(s).map(Some).map_err(|m| {
            errors::bad_argument(
                py,
                format!("`{name}`: {m}; or give a datetime.date or a pandas Timestamp"),
            )
        }),
    }
}

/// An Arrow table that leaves Rust through the Arrow PyCapsule interface.
#[pyclass(frozen, module = "dangjian._dangjian", name = "Table")]
pub struct PyArrowTable {
    batch: RecordBatch,
    table: Py<PyTable>,
    /// What the table is (`metrics`, `tasks`...).
    #[pyo3(get)]
    kind: String,
}

impl PyArrowTable {
    fn new(py: Python<'_>, kind: &str, batch: RecordBatch) -> PyResult<Self> {
        let table = PyTable::try_new(vec![batch.clone()], batch.schema())?;
        Ok(PyArrowTable {
            batch,
            table: Py::new(py, table)?,
            kind: kind.to_string(),
        })
    }
}

#[pymethods]
impl PyArrowTable {
    /// Exports the table as an Arrow C stream (pyarrow, polars, duckdb, pandas read it).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.table
            .bind(py)
            .call_method1("__arrow_c_stream__", (requested_schema,))
    }

    /// Exports the schema as an Arrow C schema capsule.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.table.bind(py).call_method0("__arrow_c_schema__")
    }

    /// The number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The column names.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// The column types, as Arrow type names.
    #[getter]
    fn column_types(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().to_string())
            .collect()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    /// The rows as dicts of Python values (`None`, `str`, `int`, `float`, `bool`,
    /// `datetime.date`, lists of `str`), as pyarrow's `to_pylist` gives them, without pyarrow.
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyList>> {
        arrow::batch_to_pylist(py, &self.batch)
    }

    /// The first `n` rows as text cells (empty for null), for display without pyarrow.
    fn preview(&self, n: usize) -> PyResult<Vec<Vec<String>>> {
        let options = arrow_cast::display::FormatOptions::default().with_null("");
        let formatters = self
            .batch
            .columns()
            .iter()
            .map(|c| arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok((0..self.batch.num_rows().min(n))
            .map(|i| formatters.iter().map(|f| f.value(i).to_string()).collect())
            .collect())
    }
}

/// Query arguments shared by the evaluation methods.
#[allow(clippy::too_many_arguments)]
fn query(
    py: Python<'_>,
    as_of: Option<&str>,
    from: Option<&str>,
    scope: Option<String>,
    by: Option<&str>,
    metrics: Option<Vec<String>>,
    at_risk_tolerance: Option<f64>,
    young_age: Option<i32>,
) -> PyResult<Query> {
    let mut q = Query {
        as_of: parse_date(py, "as_of", as_of)?,
        from: parse_date(py, "from", from)?,
        ..Query::default()
    };
    q.scope = scope.map(UnitId::new);
    q.by = match by {
        None => None,
        Some(s) => Some(
            s.parse::<UnitKind>()
                .map_err(|e| errors::bad_argument(py, format!("`by`: {e}")))?,
        ),
    };
    q.metrics = metrics;
    if let Some(t) = at_risk_tolerance {
        q.at_risk_tolerance = t;
    }
    if let Some(a) = young_age {
        q.young_age = a;
    }
    Ok(q)
}

self_cell::self_cell!(
    /// A ledger's engine kept beside the ledger it borrows, so the indexes are built once
    /// per ledger rather than once per call.
    struct EngineCell {
        owner: Arc<Ledger>,
        #[covariant]
        dependent: Engine,
    }
);

/// A ledger (台账) loaded into memory.
#[pyclass(frozen, module = "dangjian._dangjian", name = "Ledger")]
pub struct PyLedger {
    inner: Arc<Ledger>,
    engine: OnceLock<EngineCell>,
}

impl PyLedger {
    fn new(ledger: Ledger) -> Self {
        PyLedger {
            inner: Arc::new(ledger),
            engine: OnceLock::new(),
        }
    }

    /// The engine over this ledger, built on first use (call without the GIL).
    fn engine(&self) -> &Engine<'_> {
        self.engine
            .get_or_init(|| EngineCell::new(self.inner.clone(), |l| Engine::new(l)))
            .borrow_dependent()
    }
}

impl PyLedger {
    /// Runs one drill-down of the engine without the GIL and converts it to Arrow.
    fn drill<T: Row + Send>(
        &self,
        py: Python<'_>,
        kind: &'static str,
        q: Query,
        f: fn(&Engine<'_>, &Query) -> Result<Vec<T>, dangjian::metrics::QueryError>,
    ) -> PyResult<PyArrowTable> {
        self.table_of(py, kind, q, f, true)
    }

    /// A table of rows from the engine; `named`: with the names beside the ids.
    fn table_of<T: Row + Send>(
        &self,
        py: Python<'_>,
        kind: &'static str,
        q: Query,
        f: fn(&Engine<'_>, &Query) -> Result<Vec<T>, dangjian::metrics::QueryError>,
        named: bool,
    ) -> PyResult<PyArrowTable> {
        let batch = detached(py, kind, move || {
            let rows = f(self.engine(), &q)
                .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
            if !named {
                return arrow::batch(&rows).map_err(arrow_error);
            }
            // The names beside the ids (subject_name, holder_name...), as the page shows them.
            let labels = dangjian::report::Labels::new(&self.inner);
            let plan = dangjian::output::NamePlan::of::<T>();
            let named = dangjian::output::Named::all(&rows, &labels, &plan);
            arrow::batch(&named).map_err(arrow_error)
        })?;
        PyArrowTable::new(py, kind, batch)
    }
}

#[pymethods]
impl PyLedger {
    /// The number of rows of each table.
    fn counts(&self) -> Vec<(String, usize)> {
        dangjian::model::Table::ALL
            .iter()
            .map(|t| (t.name().to_string(), self.inner.len_of(*t)))
            .collect()
    }

    /// The root unit's id and name.
    fn root(&self) -> Option<(String, String)> {
        self.inner
            .roots()
            .next()
            .map(|u| (u.id.to_string(), u.name.clone()))
    }

    /// The partial result of a query on this ledger as one part of a partitioned ledger
    /// (docs/PARTIALS.md): an Arrow table, or the bytes of an Arrow IPC file with `ipc`.
    #[pyo3(signature = (as_of, from_=None, scope=None, by=None, metrics=None, at_risk_tolerance=None, young_age=None, shared=None, whole_root=None, ipc=false))]
    #[allow(clippy::too_many_arguments)]
    fn partial(
        &self,
        py: Python<'_>,
        as_of: Option<&str>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
        metrics: Option<Vec<String>>,
        at_risk_tolerance: Option<f64>,
        young_age: Option<i32>,
        shared: Option<(Vec<String>, Vec<String>, Vec<String>)>,
        whole_root: Option<String>,
        ipc: bool,
    ) -> PyResult<Py<PyAny>> {
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
        partials::partial(py, self, q, shared, whole_root, ipc)
    }

    /// The default evaluation date (ISO), if any record is dated.
    fn latest_date(&self) -> Option<String> {
        self.inner.latest_date().map(|d| d.to_string())
    }

    /// Every problem (errors and warnings) as dicts: severity, kind, location as text and
    /// as data (see `LedgerError`), message.
    #[pyo3(signature = (as_of=None))]
    fn validate<'py>(&self, py: Python<'py>, as_of: Option<&str>) -> PyResult<Bound<'py, PyList>> {
        let as_of = parse_date(py, "as_of", as_of)?;
        let ledger = self.inner.clone();
        let problems = detached(py, "validate", move || Ok(ledger.validate_as_of(as_of)))?;
        errors::problem_dicts(py, &problems.0)
    }

    /// Every problem (errors and warnings) as a table, one row per problem.
    #[pyo3(signature = (as_of=None))]
    fn problems(&self, py: Python<'_>, as_of: Option<&str>) -> PyResult<PyArrowTable> {
        let as_of = parse_date(py, "as_of", as_of)?;
        let ledger = self.inner.clone();
        let batch = detached(py, "problems", move || {
            arrow::batch(&ledger.validate_as_of(as_of).0).map_err(arrow_error)
        })?;
        PyArrowTable::new(py, "problems", batch)
    }

    /// Saves as JSON (`.json`) or a CSV folder (any other path).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let ledger = self.inner.clone();
        detached(py, "save", move || {
            dangjian::ledger::save(&ledger, &path)
                .map_err(|e| Python::attach(|py| errors::ledger_error(py, e)))
        })
    }

    /// The JSON form as text.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let ledger = self.inner.clone();
        detached(py, "to_json", move || {
            Ok(dangjian::ledger::to_json_string(&ledger))
        })
    }

    /// One table of the ledger as an Arrow table.
    fn table(&self, py: Python<'_>, name: &str) -> PyResult<PyArrowTable> {
        let Some(t) = dangjian::model::Table::from_name(name) else {
            let names = dangjian::model::Table::ALL.map(|t| t.name()).join(", ");
            return Err(errors::bad_argument(
                py,
                format!("no table `{name}`; tables are {names}"),
            ));
        };
        let ledger = self.inner.clone();
        let batch = detached(py, "table", move || {
            arrow::ledger_batch(dangjian::ledger::typed_table(&ledger, t)).map_err(arrow_error)
        })?;
        PyArrowTable::new(py, name, batch)
    }

    /// Metric rows for a query.
    #[pyo3(signature = (as_of=None, from_=None, scope=None, by=None, metrics=None, at_risk_tolerance=None, young_age=None))]
    #[allow(clippy::too_many_arguments)]
    fn metrics(
        &self,
        py: Python<'_>,
        as_of: Option<&str>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
        metrics: Option<Vec<String>>,
        at_risk_tolerance: Option<f64>,
        young_age: Option<i32>,
    ) -> PyResult<PyArrowTable> {
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
        let batch = detached(py, "metrics", move || {
            let ev = self
                .engine()
                .evaluate(&q)
                .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
            arrow::batch(&ev.rows).map_err(arrow_error)
        })?;
        PyArrowTable::new(py, "metrics", batch)
    }

    /// The evaluation in the JSON shape of docs/METRICS.md (as text), as `dangjian report --format json` gives it.
    #[pyo3(signature = (as_of=None, from_=None, scope=None, by=None, metrics=None, at_risk_tolerance=None, young_age=None))]
    #[allow(clippy::too_many_arguments)]
    fn metrics_json(
        &self,
        py: Python<'_>,
        as_of: Option<&str>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
        metrics: Option<Vec<String>>,
        at_risk_tolerance: Option<f64>,
        young_age: Option<i32>,
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
        detached(py, "metrics_json", move || {
            let ev = self
                .engine()
                .evaluate(&q)
                .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
            Ok(ev.to_json().to_string())
        })
    }

    /// A drill-down table: `kind` is `tasks` (one row per key task), `duties` (per
    /// obligation), `coverage` (per above-scale enterprise) or `cadres` (per cadre).
    #[pyo3(signature = (kind, as_of=None, from_=None, scope=None, by=None, at_risk_tolerance=None, young_age=None))]
    #[allow(clippy::too_many_arguments)]
    fn drilldown(
        &self,
        py: Python<'_>,
        kind: &str,
        as_of: Option<&str>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
        at_risk_tolerance: Option<f64>,
        young_age: Option<i32>,
    ) -> PyResult<PyArrowTable> {
        let q = query(
            py,
            as_of,
            from_,
            scope,
            by,
            None,
            at_risk_tolerance,
            young_age,
        )?;
        match kind {
            "tasks" => self.drill(py, "tasks", q, |e, q| e.tasks(q)),
            "duties" => self.drill(py, "duties", q, |e, q| e.obligations(q)),
            "coverage" => self.drill(py, "coverage", q, |e, q| e.enterprises(q)),
            "cadres" => self.drill(py, "cadres", q, |e, q| e.cadres(q)),
            other => Err(errors::bad_argument(
                py,
                format!("no drill-down `{other}`; use tasks, duties, coverage or cadres"),
            )),
        }
    }

    /// A statistics table of docs/STATS.md: `enterprise_orgs` (one row per scope row) or
    /// `org_life` (one row per branch); rates stay numbers.
    #[pyo3(signature = (name, as_of=None, from_=None, scope=None, by=None))]
    fn stats(
        &self,
        py: Python<'_>,
        name: &str,
        as_of: Option<&str>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
    ) -> PyResult<PyArrowTable> {
        let q = query(py, as_of, from_, scope, by, None, None, None)?;
        match name.parse::<dangjian::stats::StatsTable>() {
            // The columns of docs/STATS.md as they are: no names beside the ids.
            Ok(dangjian::stats::StatsTable::EnterpriseOrgs) => self.table_of(
                py,
                "enterprise_orgs",
                q,
                dangjian::stats::enterprise_orgs,
                false,
            ),
            Ok(dangjian::stats::StatsTable::OrgLife) => {
                self.table_of(py, "org_life", q, dangjian::stats::org_life, false)
            }
            Err(e) => Err(errors::bad_argument(py, e)),
        }
    }

    /// The same query at every month end (freq "M") or week end ("W") in [start, end].
    #[pyo3(signature = (start, end, freq="M", metrics=None, from_=None, scope=None, by=None, at_risk_tolerance=None, young_age=None))]
    #[allow(clippy::too_many_arguments)]
    fn trend(
        &self,
        py: Python<'_>,
        start: &str,
        end: &str,
        freq: &str,
        metrics: Option<Vec<String>>,
        from_: Option<&str>,
        scope: Option<String>,
        by: Option<&str>,
        at_risk_tolerance: Option<f64>,
        young_age: Option<i32>,
    ) -> PyResult<PyArrowTable> {
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
        let batch = detached(py, "trend", move || {
            let evs = self
                .engine()
                .trend(&q, start, end, freq)
                .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
            // Whether any dated record (progress, activity, observation) falls after the
            // previous point: where none does, the value is carried flat from it.
            let latest = self.inner.latest_date();
            let rows = evs.iter().flat_map(|ev| {
                let fresh = latest.is_some_and(|last| last > freq.previous(ev.as_of));
                ev.rows.iter().map(move |r| (ev.as_of, fresh, r))
            });
            arrow::dated_batch("as_of", "records_since_previous", rows).map_err(arrow_error)
        })?;
        PyArrowTable::new(py, "trend", batch)
    }

    /// A copy with people's names and ids replaced by stable pseudonyms and free text that
    /// may name them cleared; every metric stays the same.
    #[pyo3(signature = (salt=None, coarsen_birth_dates=false))]
    fn pseudonymize(
        &self,
        py: Python<'_>,
        salt: Option<String>,
        coarsen_birth_dates: bool,
    ) -> PyResult<PyLedger> {
        let ledger = self.inner.clone();
        let salt = salt.unwrap_or_else(dangjian::privacy::random_salt);
        let out = detached(py, "pseudonymize", move || {
            Ok(dangjian::privacy::pseudonymize(
                &ledger,
                &dangjian::privacy::PseudonymizeOptions {
                    coarsen_birth_dates,
                    salt,
                },
            ))
        })?;
        Ok(PyLedger::new(out))
    }

    /// Runs the engine only (no conversion) and returns the number of metric rows: the
    /// baseline the benchmarks compare the Python layer against.
    #[pyo3(signature = (as_of=None, by=None))]
    fn _evaluate_only(
        &self,
        py: Python<'_>,
        as_of: Option<&str>,
        by: Option<&str>,
    ) -> PyResult<usize> {
        let q = query(py, as_of, None, None, by, None, None, None)?;
        detached(py, "evaluate", move || {
            let ev = self
                .engine()
                .evaluate(&q)
                .map_err(|e| Python::attach(|py| errors::query_error(py, e)))?;
            Ok(ev.rows.len())
        })
    }

    fn __repr__(&self) -> String {
        let root = self
            .inner
            .roots()
            .next()
            .map(|u| format!("{} {}", u.id, u.name))
            .unwrap_or_else(|| "empty".into());
        format!(
            "<dangjian.Ledger {root}: {} units, {} orgs, {} people, {} initiatives, {} activities>",
            self.inner.units.len(),
            self.inner.orgs.len(),
            self.inner.people.len(),
            self.inner.initiatives.len(),
            self.inner.activities.len()
        )
    }
}

/// The embedded Chengxi New District example.
#[pyfunction]
fn example(py: Python<'_>) -> PyResult<PyLedger> {
    let ledger = detached(py, "example", || Ok(dangjian::example()))?;
    Ok(PyLedger::new(ledger))
}

/// An empty ledger template: one example row per table and the default duties.
#[pyfunction]
fn template(py: Python<'_>) -> PyResult<PyLedger> {
    let ledger = detached(py, "template", || Ok(dangjian::ledger::template()))?;
    Ok(PyLedger::new(ledger))
}

/// A synthetic ledger of `districts` districts (`dangjian::synth`), deterministic per seed,
/// with ids of the shape `ids` (`numbered`, `uuid` or `identity`).
#[pyfunction]
#[pyo3(signature = (districts=1, seed=0, ids="numbered"))]
fn generate(py: Python<'_>, districts: usize, seed: u64, ids: &str) -> PyResult<PyLedger> {
    if districts == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "`districts` must be at least 1",
        ));
    }
    let ids: dangjian::synth::IdShape = ids
        .parse()
        .map_err(pyo3::exceptions::PyValueError::new_err)?;
    let ledger = detached(py, "generate", move || {
        Ok(dangjian::synth::generate(&dangjian::synth::Spec {
            seed,
            ids,
            ..dangjian::synth::Spec::districts(districts)
        }))
    })?;
    Ok(PyLedger::new(ledger))
}

/// Loads a ledger from a CSV folder, a `.json` file or an `.xlsx` workbook; `progress`,
/// when given, is called as `progress(stage, done, total)` while it loads.
#[pyfunction]
#[pyo3(signature = (path, progress = None))]
fn load(py: Python<'_>, path: PathBuf, progress: Option<Py<PyAny>>) -> PyResult<PyLedger> {
    // The callback's first exception stops nothing but is raised once the load is over.
    let failed: std::sync::Mutex<Option<PyErr>> = std::sync::Mutex::new(None);
    let report = |stage: &str, done: u64, total: u64| {
        let Some(cb) = &progress else { return };
        if failed.lock().map(|f| f.is_some()).unwrap_or(true) {
            return;
        }
        if let Err(e) = Python::attach(|py| cb.call1(py, (stage, done, total)).map(drop)) {
            if let Ok(mut f) = failed.lock() {
                f.get_or_insert(e);
            }
        }
    };
    let ledger = detached(py, "load", || {
        dangjian::ledger::load_with_progress(&path, &ValidateOptions::full(), &report)
            .map(|l| l.ledger)
            .map_err(|e| Python::attach(|py| errors::ledger_error(py, e)))
    })?;
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(PyLedger::new(ledger))
}

/// Loads a ledger from JSON text.
#[pyfunction]
fn from_json(py: Python<'_>, text: String) -> PyResult<PyLedger> {
    let ledger = detached(py, "from_json", move || {
        dangjian::ledger::from_json_str_with(&text, &ValidateOptions::full())
            .map(|l| l.ledger)
            .map_err(|e| Python::attach(|py| errors::ledger_error(py, e)))
    })?;
    Ok(PyLedger::new(ledger))
}

/// The metric catalogue; with a ledger, its concrete per-ledger metrics too.
#[pyfunction]
#[pyo3(signature = (ledger=None))]
fn catalogue(py: Python<'_>, ledger: Option<&PyLedger>) -> PyResult<PyArrowTable> {
    let ledger = ledger.map(|l| l.inner.clone());
    let batch = detached(py, "catalogue", move || {
        let rows = match &ledger {
            Some(l) => dangjian::metrics::catalogue_for(l),
            None => dangjian::metrics::catalogue()
                .iter()
                .map(dangjian::metrics::LedgerMetric::from_def)
                .collect(),
        };
        arrow::batch(&rows).map_err(arrow_error)
    })?;
    PyArrowTable::new(py, "catalogue", batch)
}

/// Imports the rows of `source` (`.xlsx` or `.csv`) into the ledger at `into` with
/// `mapping` (a shipped name or a TOML file); returns the report as a dict. Nothing is
/// written with `dry_run`, or when the result is invalid (`LedgerError`).
#[pyfunction]
#[pyo3(signature = (mapping, source, into, sheet = None, dry_run = false))]
fn import_rows<'py>(
    py: Python<'py>,
    mapping: String,
    source: PathBuf,
    into: PathBuf,
    sheet: Option<String>,
    dry_run: bool,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    use dangjian::import::{import, ImportError, ImportOptions, Mapping};
    let report = detached(py, "import_rows", move || {
        let run = || -> Result<_, ImportError> {
            let m = Mapping::resolve(&mapping)?;
            import(&m, &source, &into, &ImportOptions { sheet, dry_run })
        };
        run().map_err(|e| Python::attach(|py| errors::import_error(py, e)))
    })?;
    import_report(py, &report)
}

fn import_report<'py>(
    py: Python<'py>,
    r: &dangjian::import::ImportReport,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    use pyo3::types::{PyDict, PyList};
    let rows = |rows: &[dangjian::import::ImportedRow]| -> PyResult<Bound<'py, PyList>> {
        let items = rows
            .iter()
            .map(|row| {
                let d = PyDict::new(py);
                d.set_item("source", row.source.to_string())?;
                let values = PyDict::new(py);
                for (k, v) in &row.values {
                    values.set_item(k, v)?;
                }
                d.set_item("values", values)?;
                let changes = row
                    .changes
                    .iter()
                    .map(|c| {
                        let x = PyDict::new(py);
                        x.set_item("column", &c.column)?;
                        x.set_item("old", &c.old)?;
                        x.set_item("new", &c.new)?;
                        Ok(x)
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                d.set_item("changes", PyList::new(py, changes)?)?;
                let kept = PyDict::new(py);
                for (k, v) in &row.kept {
                    kept.set_item(k, v)?;
                }
                d.set_item("kept", kept)?;
                Ok(d)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    };
    let skipped = r
        .skipped
        .iter()
        .map(|s| {
            let d = PyDict::new(py);
            d.set_item("source", s.source.to_string())?;
            let (reason, range) = match &s.reason {
                dangjian::import::SkipReason::Duplicate => ("duplicate", None),
                dangjian::import::SkipReason::Unchanged => ("unchanged", None),
                dangjian::import::SkipReason::MergedBox { range } => {
                    ("merged_box", Some(range.clone()))
                }
                dangjian::import::SkipReason::ExampleRow => ("example_row", None),
                dangjian::import::SkipReason::SampleRow => ("sample_row", None),
                _ => ("other", None),
            };
            d.set_item("reason", reason)?;
            d.set_item("range", range)?;
            d.set_item("rows", s.rows)?;
            Ok(d)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let d = PyDict::new(py);
    d.set_item("mapping", &r.mapping)?;
    d.set_item("table", r.table.name())?;
    d.set_item("source", &r.source)?;
    d.set_item("added", rows(&r.added)?)?;
    d.set_item("replaced", rows(&r.replaced)?)?;
    d.set_item("skipped", PyList::new(py, skipped)?)?;
    d.set_item("warnings", errors::problem_dicts(py, &r.warnings)?)?;
    d.set_item("written", r.written)?;
    Ok(d)
}

/// The compiled module `dangjian._dangjian`.
#[pymodule]
mod _dangjian {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::html::{display_names, ledger_html, metrics_html, report_html, trend_html};
    #[pymodule_export]
    use super::parts::{load_part, read_manifest, split};
    #[pymodule_export]
    use super::{
        catalogue, example, from_json, generate, import_rows, load, merge, template, PyArrowTable,
        PyLedger,
    };

    /// The exception classes (declared in `errors`).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = m.py();
        m.add(
            "DangjianError",
            py.get_type::<super::errors::DangjianError>(),
        )?;
        m.add("LedgerError", super::errors::ledger_error_type(py)?)?;
        m.add("QueryError", super::errors::query_error_type(py)?)?;
        Ok(())
    }

    /// The version of the dangjian core.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");
}
