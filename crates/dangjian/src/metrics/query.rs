//! A question to the engine and its answer: [`Query`], [`QueryError`], the metric rows of an
//! [`Evaluation`], and how often a trend evaluates ([`Freq`]). At the bottom of `metrics/`:
//! the engine takes and gives these, the families never see them.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::value::{MetricId, MetricKind};
use crate::model::{UnitId, UnitKind};

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
    /// A partial result was asked for without an evaluation date.
    #[error("a partial result needs `as_of`: a part cannot know the latest date of the whole ledger; give the evaluation date (the same for every part)")]
    PartialNeedsAsOf,
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

/// One metric at one scope. Its serialization is the row of docs/METRICS.md's JSON: counts,
/// days and periods (and every numerator and denominator) as integers where whole, `due`
/// only where a target counts.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    /// The metric (`tasks.started`, `duty.patrol`, `target.coverage.org` as text).
    pub metric: MetricId,
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
    pub due: Option<NaiveDate>,
    /// The metric's kind (decides how numbers are written: counts, days and periods as
    /// integers).
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
        // The rows serialize as the contract says (MetricRow's own Serialize); a row that
        // cannot fails nothing, it has only numbers and text.
        let rows = serde_json::to_value(&self.rows).unwrap_or_default();
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
        .envelope(rows)
    }

    /// The row of `metric` at `scope`, if evaluated: `metric` a [`MetricId`]
    /// (`coverage::ORG`) or its text (`"coverage.org"`).
    pub fn row<M: ?Sized>(&self, metric: &M, scope: &str) -> Option<&MetricRow>
    where
        MetricId: PartialEq<M>,
    {
        self.rows
            .iter()
            .find(|r| r.metric == *metric && r.scope.as_str() == scope)
    }

    /// The value of `metric` at the evaluation's own scope.
    pub fn value<M: ?Sized>(&self, metric: &M) -> Option<f64>
    where
        MetricId: PartialEq<M>,
    {
        self.row(metric, self.scope.as_str()).and_then(|r| r.value)
    }
}

/// A number as the JSON rows write it: an integer when `integral_ok` and the value is a whole
/// number that JSON readers hold exactly; `null` when missing or not finite.
struct Number(Option<f64>, bool);

impl Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Number(Some(x), true) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => {
                s.serialize_i64(x as i64)
            }
            Number(Some(x), _) if x.is_finite() => s.serialize_f64(x),
            _ => s.serialize_none(),
        }
    }
}

impl Serialize for MetricRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let integral = self.kind.is_integral();
        let mut m = s.serialize_struct("MetricRow", 8)?;
        m.serialize_field("metric", &self.metric)?;
        m.serialize_field("scope", &self.scope)?;
        m.serialize_field("scope_name", &self.scope_name)?;
        m.serialize_field("value", &Number(self.value, integral))?;
        m.serialize_field("numerator", &Number(self.numerator, true))?;
        m.serialize_field("denominator", &Number(self.denominator, true))?;
        m.serialize_field("target", &Number(self.target, integral))?;
        match self.due {
            Some(due) => m.serialize_field("due", &due)?,
            None => m.skip_field("due")?,
        }
        m.end()
    }
}

/// How often [`Engine::trend`](super::Engine::trend) evaluates.
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

    pub(crate) fn what(self) -> &'static str {
        match self {
            Freq::Month => "month end",
            Freq::Week => "Sunday",
        }
    }
}

/// What an append to an engine ([`super::Engine::append`]) added: where the new rows lie
/// in their tables, and what they touch, so that results worked out before are worked out
/// again only where they read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Appended {
    /// The new activities' positions in the ledger's `activities`.
    pub activities: std::ops::Range<usize>,
    /// The new progress updates' positions in `progress`.
    pub progress: std::ops::Range<usize>,
    /// The new observations' positions in `observations`.
    pub observations: std::ops::Range<usize>,
    /// The kinds of the new activities, each once.
    pub activity_kinds: Vec<crate::model::ActivityKind>,
    /// Whether the ledger's latest date (the default `as_of`) moved.
    pub latest_moved: bool,
}

impl Appended {
    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty() && self.progress.is_empty() && self.observations.is_empty()
    }
}

/// Why rows could not be appended to an engine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppendError {
    /// Only activities, progress and observations are appended in place; any other change
    /// builds the engine again.
    #[error("rows of `{0}` cannot be appended in place (only activities, progress and observations can); build the engine again")]
    NotAppendable(&'static str),
}
