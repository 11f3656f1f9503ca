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

// The folder's floors, bottom first (scripts/check_layers.py checks that imports run down):
// ix, value, query; index; ctx; the families; catalogue; engine; this file.
pub(crate) mod ix;
pub(crate) mod query;
pub(crate) mod value;

pub(crate) mod index;

pub(crate) mod ctx;

pub mod cadres;
pub mod coverage;
pub mod duties;
pub mod indicators;
pub mod leading;
pub mod orgs;
pub mod targets;
pub mod tasks;

pub mod catalogue;

pub(crate) mod engine;
pub mod partial;

pub use cadres::CadreRow;
pub use catalogue::{
    catalogue, catalogue_for, Direction, LedgerMetric, MetricDef, MetricId, MetricKind, PerLedger,
};
pub use coverage::EnterpriseRow;
pub use duties::ObligationRow;
pub use engine::{Engine, Memo};
pub use partial::{Head, Key, MergeError, Partial};
pub use query::{AppendError, Appended, Evaluation, Freq, MetricRow, Query, QueryError};
pub use tasks::{TaskRow, TaskStatus};

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

/// Evaluates `q` on `ledger` (builds an [`Engine`] for one query; build the engine yourself
/// to ask several).
pub fn evaluate(ledger: &crate::Ledger, q: &Query) -> Result<Evaluation, QueryError> {
    Engine::new(ledger).evaluate(q)
}
