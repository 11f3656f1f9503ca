//! The metric catalogue and the engine (`docs/METRICS.md`).
//!
//! The catalogue ([`catalogue()`]) is data: every metric's id, Chinese and English name,
//! definition, kind and direction, in the order of `docs/METRICS.md`. The [`Engine`] indexes a
//! ledger once and then answers [`Query`]s: an [`Evaluation`] of metric rows, and the
//! drill-down tables behind them (key tasks, duty obligations, enterprises, cadres).
//!
//! Each family file holds its catalogue entries and the code computing them: at each scope
//! row the family works out its *figures* (counts and sums) once, and each entry reads its
//! value from them. [`tasks`] and [`cadres`] (红色成长), [`leading`], [`duties`],
//! [`indicators`] and [`targets`] (红色引领), [`coverage`] and [`orgs`] (红色覆盖);
//! [`catalogue`](mod@catalogue) lists the families once and strings them together.
//!
//! ## Readings where `docs/METRICS.md` leaves room
//! Each is also in the definition of the metrics it touches, and tested.
//! - Initiatives are not among the records ignored after `as_of`: a key task counts whatever
//!   its `start` (33 tasks of which 25 start by `as_of` give `tasks.total` 33 and
//!   `tasks.started` 25/33).
//! - Rows: the scope's own block first, then one block per unit of the `by` kind strictly
//!   below the scope that is active on some day of [`from`, `as_of`] (no `since`/`until`:
//!   always active), in ledger order. Within a block, metrics in catalogue order; each
//!   per-ledger family expands in ledger order where its template stands (all `duty.<id>`,
//!   then all `duty.<id>.lapse`, then all `indicator.<id>`). A `target.<id>` row comes right
//!   after the row of the metric it targets.
//! - Scope: an org is in scope when any host is; an initiative when its unit is (none: the
//!   root only); an activity or obligation through its subject (a unit itself, an org's
//!   hosts, an initiative's unit); a person through their membership org active on `as_of`
//!   or any role active on `as_of` whose target is in scope.
//! - Ratios always report numerator and denominator; the value is null on a denominator of 0.
//!   Threshold comparisons and rounding up use a slack of 1e-9. Counts are integers.
//! - `duty.<id>.lapse`: the longest run in any one obligation in scope; 0 when all complied,
//!   null when nothing was assessed; kind `days` (n-day cadence) or `periods` (calendar).
//!   Obligations of records starting after `as_of` are not listed.
//! - `members.no_org_life`: M is `as_of` minus 6 calendar months, the day clamped to the
//!   month's end (2019-08-31 gives 2019-02-28); members without `joined` are not counted.
//! - Targets: a target whose scope is not among the evaluated rows produces nothing. The
//!   metric's row carries `target` and `due`; the `target.<id>` row carries the achievement
//!   ((value - baseline) / (target - baseline)) with a null `target` and no `due`, and a
//!   null value (and numerator) when the metric is null.
//! - Ages are full years, the birthday counting on the day: exactly 35 on `as_of` is young,
//!   turning 36 that day is not; no birth date is never young.
//! - Orgs established after `as_of` do not exist yet, also as a role's target: an instructor
//!   on such an org gives no `coverage.work` (orgs that exist, dissolved or not, do), a
//!   `leader`/`member` role on such a task force is not "on tasks". Scope membership is not
//!   affected.
//! - `coverage.liaison` reads "an org of any kind it hosts" as `coverage.work` does (an org
//!   established by `as_of`, dissolved or not); the `enterprise_liaison` role alone is the
//!   link (its holder need not also hold `leadership`), and a role on an org hosted by
//!   several enterprises links each of them.
//!
//! ```
//! use chrono::{Datelike, NaiveDate};
//! use dangjian::metrics::{Engine, Query};
//! use dangjian::model::*;
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let mut ledger = Ledger::new();
//! ledger.units.push(Unit::new("district", UnitKind::District, "新区"));
//! let mut task = Initiative::new("t1", InitiativeKind::KeyTask, Programme::Growth, "农房改造", d(2019, 12, 31));
//! task.start = Some(d(2019, 7, 1));
//! ledger.initiatives.push(task);
//!
//! let engine = Engine::new(&ledger);
//! let q = Query { as_of: Some(d(2019, 7, 31)), metrics: Some(vec!["tasks.started".into()]), ..Query::default() };
//! let ev = engine.evaluate(&q).unwrap();
//! assert_eq!(ev.rows[0].value, Some(1.0));
//! assert_eq!(ev.to_json()["rows"][0]["numerator"], 1);
//! ```

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::{UnitId, UnitKind};

pub mod cadres;
pub mod catalogue;
pub mod coverage;
pub mod duties;
pub(crate) mod engine;
pub mod indicators;
pub(crate) mod ix;
pub mod leading;
pub mod orgs;
pub mod targets;
pub mod tasks;

pub use cadres::CadreRow;
pub use catalogue::{
    catalogue, catalogue_for, Direction, LedgerMetric, MetricDef, MetricKind, PerLedger,
};
pub use coverage::EnterpriseRow;
pub use duties::ObligationRow;
pub use engine::Engine;
pub use tasks::{TaskRow, TaskStatus};

/// A metric query that cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The ledger has no root unit (no units at all, or every unit has a parent).
    #[error("the ledger has no root unit; add a unit with an empty `parent` (the district) to evaluate metrics")]
    NoRoot,
    /// The scope is not a unit of the ledger.
    #[error("scope `{scope}` is not a unit id of this ledger; use a unit id such as `{root}` (the root)")]
    UnknownScope {
        /// The scope given.
        scope: String,
        /// The root unit's id.
        root: String,
    },
    /// The window starts after the evaluation date.
    #[error("`from` {from} is after `as_of` {as_of}; the window must start on or before the evaluation date")]
    FromAfterAsOf {
        /// The window start given.
        from: NaiveDate,
        /// The evaluation date.
        as_of: NaiveDate,
    },
    /// No evaluation date was given and the ledger has no dated progress, activity or
    /// observation to default to.
    #[error("no `as_of` given and the ledger has no progress, activity or observation dates to default to; give an evaluation date")]
    NoAsOf,
    /// A metric filter names no metric.
    #[error("metric filter `{filter}` matches no metric of this ledger; use a metric id such as `tasks.started` or a prefix such as {prefixes}")]
    UnknownMetric {
        /// The filter given.
        filter: String,
        /// The family prefixes that exist.
        prefixes: String,
    },
    /// A trend range that is empty or holds no evaluation date.
    #[error("trend range {start} to {end} holds no {what}; give a start on or before the end that spans at least one")]
    BadTrendRange {
        /// Range start.
        start: NaiveDate,
        /// Range end.
        end: NaiveDate,
        /// What the range should hold ("month end", "Sunday").
        what: &'static str,
    },
}

/// Whether `id` names a metric of the catalogue for a ledger with these duties and
/// indicators: a catalogue id (`coverage.org`), `duty.<duty id>`, `duty.<duty id>.lapse` or
/// `indicator.<indicator id>`. Achievements (`target.<id>`) are not metrics one can set a
/// target for; plain indicator ids are checked by the caller.
pub fn is_metric_id(id: &str, duties: &HashSet<&str>, indicators: &HashSet<&str>) -> bool {
    catalogue().iter().any(|m| match m.per_ledger {
        None => m.id == id,
        Some(family @ (PerLedger::Duty | PerLedger::DutyLapse)) => {
            family.key(id).is_some_and(|k| duties.contains(k))
        }
        Some(PerLedger::Indicator) => PerLedger::Indicator
            .key(id)
            .is_some_and(|k| indicators.contains(k)),
        Some(PerLedger::Target) => false,
    })
}

/// A question to the engine: when, over which window, where, broken down how, which metrics.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Evaluation date; default the latest `date` of the progress, activities and
    /// observations tables.
    pub as_of: Option<NaiveDate>,
    /// Window start (duties are assessed on [`from`, `as_of`]; breakdown units must be
    /// active on some day of it); default 1 January of `as_of`'s year.
    pub from: Option<NaiveDate>,
    /// Scope unit; default the root.
    pub scope: Option<UnitId>,
    /// Breakdown: one more row per unit of this kind strictly below the scope.
    pub by: Option<UnitKind>,
    /// `tasks.at_risk` when expected - actual >= this (default 0.10).
    pub at_risk_tolerance: f64,
    /// A cadre is young at this age or under (default 35).
    pub young_age: i32,
    /// Only these metrics: ids (`tasks.started`) or prefixes (`tasks`, `duty.patrol`).
    /// `None`: every metric.
    pub metrics: Option<Vec<String>>,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            as_of: None,
            from: None,
            scope: None,
            by: None,
            at_risk_tolerance: 0.10,
            young_age: 35,
            metrics: None,
        }
    }
}

/// One metric at one scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    /// Metric id (`tasks.started`, `duty.patrol`, `target.coverage.org`).
    pub metric: String,
    /// The scope unit of this row.
    pub scope: UnitId,
    /// The scope unit's name (城西新区), beside its id for people reading the table.
    pub scope_name: String,
    /// The value; `None` (n/a) for a ratio over an empty denominator or an aggregate over
    /// nothing.
    pub value: Option<f64>,
    /// A ratio's numerator (`None` for other kinds).
    pub numerator: Option<f64>,
    /// A ratio's denominator (`None` for other kinds).
    pub denominator: Option<f64>,
    /// The target value counting for this metric and scope, if any.
    pub target: Option<f64>,
    /// The due date of that target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The metric's kind (decides how numbers are written: counts, days and periods as
    /// integers).
    #[serde(skip)]
    pub kind: MetricKind,
}

// The columns of a metric row, in the order of `docs/METRICS.md` ("Output").
crate::rows::impl_row!(MetricRow {
    metric,
    scope,
    scope_name,
    value,
    numerator,
    denominator,
    target,
    due,
} hidden { kind } omitted_when_null { due });

/// The answer to a [`Query`]: the resolved dates and scope, and the metric rows (the scope's
/// own rows first, then those of each breakdown unit in ledger order; within a unit, metrics
/// in catalogue order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The evaluation date used.
    pub as_of: NaiveDate,
    /// The window start used.
    pub from: NaiveDate,
    /// The scope unit used.
    pub scope: UnitId,
    /// The scope unit's name (城西新区).
    pub scope_name: String,
    /// The breakdown kind, if any.
    pub by: Option<UnitKind>,
    /// The rows.
    pub rows: Vec<MetricRow>,
}

impl Evaluation {
    /// The rows as the JSON document of `docs/METRICS.md`, in the envelope of every JSON
    /// output ([`crate::output`]): `{"format": "dangjian-report/1", "as_of", "from",
    /// "scope": {"id", "name"}, "by", "rows": [{"metric", "scope", "scope_name", "value", "numerator",
    /// "denominator", "target"[, "due"]}]}`. Counts, days and periods, and integral
    /// numerators and denominators, are written as JSON integers; missing values as `null`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let integral = r.kind.is_integral();
                let mut m = Map::new();
                m.insert("metric".into(), Value::String(r.metric.clone()));
                m.insert("scope".into(), Value::String(r.scope.as_str().to_string()));
                m.insert("scope_name".into(), Value::String(r.scope_name.clone()));
                m.insert("value".into(), json_number(r.value, integral));
                m.insert("numerator".into(), json_number(r.numerator, true));
                m.insert("denominator".into(), json_number(r.denominator, true));
                m.insert("target".into(), json_number(r.target, integral));
                if let Some(due) = r.due {
                    m.insert("due".into(), Value::String(due.to_string()));
                }
                Value::Object(m)
            })
            .collect();
        crate::envelope::Header {
            output: crate::envelope::Output::Report,
            as_of: Some(self.as_of),
            from: Some(self.from),
            scope: Some(crate::envelope::ScopeRef {
                id: self.scope.clone(),
                name: self.scope_name.clone(),
            }),
            by: self.by,
        }
        .envelope(Value::Array(rows))
    }

    /// The row of `metric` at `scope`, if evaluated.
    pub fn row(&self, metric: &str, scope: &str) -> Option<&MetricRow> {
        self.rows
            .iter()
            .find(|r| r.metric == metric && r.scope.as_str() == scope)
    }

    /// The value of `metric` at the evaluation's own scope.
    pub fn value(&self, metric: &str) -> Option<f64> {
        self.row(metric, self.scope.as_str()).and_then(|r| r.value)
    }
}

/// A JSON number: an integer when `integral_ok` and the value is a whole number that JSON
/// readers hold exactly; `null` when missing or not finite.
fn json_number(v: Option<f64>, integral_ok: bool) -> serde_json::Value {
    match v {
        Some(x) if integral_ok && x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => {
            serde_json::Value::from(x as i64)
        }
        Some(x) => serde_json::Number::from_f64(x)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        None => serde_json::Value::Null,
    }
}

/// How often [`Engine::trend`] evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Freq {
    /// Every month end.
    Month,
    /// Every Sunday (the end of an ISO week).
    Week,
}

impl Freq {
    /// The point before `point` at this frequency: the previous month end, or the Sunday a
    /// week before.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::metrics::Freq;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(Freq::Month.previous(d(2019, 3, 31)), d(2019, 2, 28));
    /// assert_eq!(Freq::Week.previous(d(2019, 7, 28)), d(2019, 7, 21));
    /// ```
    pub fn previous(self, point: NaiveDate) -> NaiveDate {
        match self {
            Freq::Month => point
                .with_day(1)
                .and_then(|first| first.pred_opt())
                .unwrap_or(point),
            Freq::Week => point - chrono::Duration::days(7),
        }
    }

    fn what(self) -> &'static str {
        match self {
            Freq::Month => "month end",
            Freq::Week => "Sunday",
        }
    }
}

/// Evaluates `q` on `ledger` (builds an [`Engine`] for one query; build the engine yourself
/// to ask several).
pub fn evaluate(ledger: &crate::Ledger, q: &Query) -> Result<Evaluation, QueryError> {
    Engine::new(ledger).evaluate(q)
}

/// The family prefixes of the catalogue (`tasks`, `cadres`, ..., `duty`, `indicator`,
/// `target`), for filters and messages.
pub(crate) fn family_prefixes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in catalogue() {
        let head = m.id.split('.').next().unwrap_or(m.id);
        if !out.contains(&head) {
            out.push(head);
        }
    }
    out
}

/// Whether the metric filter entry `f` selects metric `id`: equal, or a prefix ending at a
/// `.` boundary (`tasks` selects `tasks.total`; `duty.patrol` selects `duty.patrol.lapse`).
pub(crate) fn filter_matches(f: &str, id: &str) -> bool {
    let f = f.strip_suffix('.').unwrap_or(f);
    id == f || (id.len() > f.len() && id.starts_with(f) && id.as_bytes()[f.len()] == b'.')
}

/// A family prefix as text for messages: `` `tasks`, `cadres`, ... ``.
pub(crate) fn prefixes_text() -> String {
    family_prefixes()
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
