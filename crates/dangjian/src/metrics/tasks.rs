//! 红色成长: key tasks (`tasks.*`): status, weighted progress, schedule performance and
//! forecast finish of the `key_task` initiatives in scope.

use super::ctx::{Ctx, Family};
use super::index::{InitIx, RoleIx};
use super::value::{Metric, MetricId, Scope, Val};
use chrono::NaiveDate;
use serde::Serialize;

use super::ix::{TiSlice, TiVec};
use crate::calendar::{add_days, days_between};
use crate::model::vocab::vocabulary;
use crate::model::{InitiativeId, OrgId, PersonId, RoleKind, UnitId};

// The metrics of this family, by name: what the screens and the other layers use.
/// `tasks.total`.
pub const TOTAL: MetricId = MetricId::Catalogue("tasks.total");
/// `tasks.started`.
pub const STARTED: MetricId = MetricId::Catalogue("tasks.started");
/// `tasks.completed`.
pub const COMPLETED: MetricId = MetricId::Catalogue("tasks.completed");
/// `tasks.progress`.
pub const PROGRESS: MetricId = MetricId::Catalogue("tasks.progress");
/// `tasks.spi`.
pub const SPI: MetricId = MetricId::Catalogue("tasks.spi");
/// `tasks.on_track`.
pub const ON_TRACK: MetricId = MetricId::Catalogue("tasks.on_track");
/// `tasks.at_risk`.
pub const AT_RISK: MetricId = MetricId::Catalogue("tasks.at_risk");
/// `tasks.overdue`.
pub const OVERDUE: MetricId = MetricId::Catalogue("tasks.overdue");
/// `tasks.not_started`.
pub const NOT_STARTED: MetricId = MetricId::Catalogue("tasks.not_started");
/// `tasks.done`.
pub const DONE: MetricId = MetricId::Catalogue("tasks.done");
/// `tasks.forecast_late`.
pub const FORECAST_LATE: MetricId = MetricId::Catalogue("tasks.forecast_late");

/// A metric of this family: its catalogue entry and its value from the [`Figures`].
macro_rules! def {
    ($id:expr, $zh:literal, $en:literal, $kind:ident, $dir:ident, $def:expr, $value:expr) => {
        Metric {
            def: super::value::metric!(Growth, $id, $zh, $en, $kind, $dir, $def),
            value: $value,
        }
    };
}

/// The key-task family (`tasks.*`).
pub(crate) struct Tasks;

impl Family for Tasks {
    type Figures = Figures;
    const NAME: &'static str = "tasks";
    const METRICS: &'static [Metric<Figures>] = METRICS;
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, _: u32) -> Figures {
        figures(ctx, s)
    }
    /// Reads the progress updates.
    fn reads(_: &crate::model::Ledger, _: u32, added: &super::query::Appended) -> bool {
        !added.progress.is_empty()
    }
}

/// The catalogue entries of this family, each with how its value is read.
const METRICS: &[Metric<Figures>] = &[
    def!(
        TOTAL,
        "重难点工作数",
        "key tasks",
        Count,
        Higher,
        "Number of key tasks: initiatives of kind `key_task` in scope (an initiative with no unit belongs to the \
         root only). Initiatives are not among the records ignored after `as_of`: a key task counts whatever its \
         `start`. Progress updates dated after `as_of` are ignored.",
        |f| Val::count(f.total)
    ),
    def!(
        STARTED,
        "已启动率",
        "share started",
        Ratio,
        Higher,
        "Started key tasks / key tasks. A task is started when its `start` <= `as_of`, or some update dated <= \
         `as_of` has percent > 0. Key tasks count whatever their `start` (initiatives are not ignored after \
         `as_of`): 33 tasks of which 25 have start <= as_of give 25/33.",
        |f| Val::ratio(f.started as f64, f.total as f64)
    ),
    def!(
        COMPLETED,
        "完成率",
        "share completed",
        Ratio,
        Higher,
        "Done key tasks / key tasks; done means the latest update dated <= `as_of` is exactly 100%.",
        |f| Val::ratio(f.done as f64, f.total as f64)
    ),
    def!(
        PROGRESS,
        "加权进度",
        "weighted progress",
        Ratio,
        Higher,
        "sum(weight x actual) / sum(weight) over the key tasks in scope; actual = percent of the latest update \
         dated <= `as_of` over 100 (0 if none); weight default 1.",
        |f| Val::ratio(f.weighted_actual, f.weight)
    ),
    def!(
        SPI,
        "进度绩效指数",
        "schedule performance index",
        Ratio,
        Higher,
        "sum(weight x actual) / sum(weight x expected) over started tasks that are not done. expected = (as_of - \
         effective start) / (deadline - effective start) in days, clamped to [0, 1] (1 when deadline <= \
         effective start); the effective start is `start`, or when empty the date of the first update dated <= \
         `as_of`. Null when the denominator is 0.",
        |f| Val::ratio(f.spi_actual, f.spi_expected)
    ),
    def!(
        ON_TRACK,
        "正常推进",
        "on track",
        Count,
        Higher,
        "Key tasks with status on_track. Status, first match wins: done (actual = 1), overdue (as_of > \
         deadline), not_started, at_risk (expected - actual >= tolerance 0.10, slack 1e-9), on_track.",
        |f| Val::count(f.on_track)
    ),
    def!(
        AT_RISK,
        "有滞后风险",
        "at risk",
        Count,
        Lower,
        "Key tasks with status at_risk (expected - actual >= 0.10 - 1e-9; not done, not overdue, started).",
        |f| Val::count(f.at_risk)
    ),
    def!(
        OVERDUE,
        "逾期",
        "overdue",
        Count,
        Lower,
        "Key tasks with status overdue: not done and as_of > deadline.",
        |f| Val::count(f.overdue)
    ),
    def!(
        NOT_STARTED,
        "未启动",
        "not started",
        Count,
        Lower,
        "Key tasks with status not_started: not done, not overdue and not started.",
        |f| Val::count(f.not_started)
    ),
    def!(
        DONE,
        "已完成",
        "done",
        Count,
        Higher,
        "Key tasks with status done: the latest update dated <= as_of is 100%.",
        |f| Val::count(f.done)
    ),
    def!(
        FORECAST_LATE,
        "预计逾期",
        "forecast late",
        Count,
        Lower,
        "Key tasks not done whose forecast finish is after the deadline or never. Forecast: the points are the \
         updates dated <= as_of, plus 0% at `start` when there is a start and no such update on it (also when \
         start is after the last update, which makes the rate negative); rate = \
         (last percent - first percent) / (last date - first date) in days from the first and last point by \
         date; forecast = last date + ceil((100 - last percent) / rate - 1e-9) days. No forecast (not counted) \
         with fewer than two points or when first and last share a day; never when rate <= 0.",
        |f| Val::count(f.forecast_late)
    ),
];

vocabulary!(
    /// The status of a key task on the evaluation date (first match wins, in this order).
    TaskStatus, "task status", {
        /// The latest update is 100%.
        Done => ("done", "已完成", "done"),
        /// Not done and the deadline has passed.
        Overdue => ("overdue", "逾期", "overdue"),
        /// Not started.
        NotStarted => ("not_started", "未启动", "not started"),
        /// Behind schedule by at least the tolerance.
        AtRisk => ("at_risk", "有滞后风险", "at risk"),
        /// None of the above.
        OnTrack => ("on_track", "正常推进", "on track"),
    }
);

/// A task's forecast finish.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Forecast {
    /// Fewer than two points, or first and last on one day.
    None,
    /// The rate is <= 0.
    Never,
    /// The forecast day.
    On(NaiveDate),
}

/// A key task evaluated on `as_of`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct TaskEval {
    pub actual: f64,
    pub expected: f64,
    pub started: bool,
    pub effective_start: Option<NaiveDate>,
    pub status: TaskStatus,
    pub forecast: Forecast,
    pub weight: f64,
    pub deadline: NaiveDate,
}

impl TaskEval {
    /// Not done, and forecast after the deadline or never.
    pub fn forecast_late(&self) -> bool {
        self.status != TaskStatus::Done
            && match self.forecast {
                Forecast::Never => true,
                Forecast::On(d) => d > self.deadline,
                Forecast::None => false,
            }
    }
}

/// Evaluates initiative `i` on `ctx.as_of`.
pub(crate) fn eval_task(ctx: &Ctx<'_, '_>, i: InitIx) -> TaskEval {
    let e = ctx.e;
    let x = &e.l.initiatives[i];
    let as_of = ctx.as_of;
    let all = e.progress_of(i);
    let upto = &all[..all.partition_point(|&p| e.l.progress[p].date <= as_of)];
    let updates = || upto.iter().map(|&p| &e.l.progress[p]);

    let actual = updates().next_back().map_or(0.0, |p| p.percent / 100.0);
    let started = x.start.is_some_and(|s| s <= as_of) || updates().any(|p| p.percent > 0.0);
    let effective_start = x.start.or_else(|| updates().next().map(|p| p.date));
    let expected = match (started, effective_start) {
        (true, Some(s)) if x.deadline <= s => 1.0,
        (true, Some(s)) => {
            (days_between(s, as_of) as f64 / days_between(s, x.deadline) as f64).clamp(0.0, 1.0)
        }
        _ => 0.0,
    };
    let status = if actual == 1.0 {
        TaskStatus::Done
    } else if as_of > x.deadline {
        TaskStatus::Overdue
    } else if !started {
        TaskStatus::NotStarted
    } else if expected - actual >= ctx.tolerance - 1e-9 {
        TaskStatus::AtRisk
    } else {
        TaskStatus::OnTrack
    };

    // Forecast from the first and last point by date.
    let mut points: Vec<(NaiveDate, f64)> = updates().map(|p| (p.date, p.percent)).collect();
    if let Some(s) = x.start {
        if !points.iter().any(|p| p.0 == s) {
            let at = points.partition_point(|p| p.0 < s);
            points.insert(at, (s, 0.0));
        }
    }
    let forecast = match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() >= 2 && first.0 != last.0 => {
            let rate = (last.1 - first.1) / days_between(first.0, last.0) as f64;
            if rate <= 0.0 {
                Forecast::Never
            } else {
                let days = ((100.0 - last.1) / rate - 1e-9).ceil();
                Forecast::On(add_days(last.0, days as i64))
            }
        }
        _ => Forecast::None,
    };
    TaskEval {
        actual,
        expected,
        started,
        effective_start,
        status,
        forecast,
        weight: x.weight(),
        deadline: x.deadline,
    }
}

/// The evaluations of every key task, computed once per query (indexed by initiative).
fn evals<'c>(ctx: &'c Ctx<'_, '_>) -> &'c TiSlice<InitIx, Option<TaskEval>> {
    ctx.cached(|| {
        let mut out: TiVec<InitIx, Option<TaskEval>> = vec![None; ctx.e.l.initiatives.len()].into();
        for &(_, i) in ctx.e.key_tasks() {
            if out[i].is_none() {
                out[i] = Some(eval_task(ctx, i));
            }
        }
        out
    })
}

/// The key tasks in scope `s`, in ledger order.
fn in_scope(ctx: &Ctx<'_, '_>, s: Scope) -> Vec<InitIx> {
    let e = ctx.e;
    e.key_tasks_in(s)
}

/// What the key-task metrics are read from, at one scope.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Figures {
    total: usize,
    started: usize,
    on_track: usize,
    at_risk: usize,
    overdue: usize,
    not_started: usize,
    done: usize,
    forecast_late: usize,
    /// sum(weight x actual) and sum(weight) over all key tasks.
    weighted_actual: f64,
    weight: f64,
    /// sum(weight x actual) and sum(weight x expected) over started tasks not done.
    spi_actual: f64,
    spi_expected: f64,
}

super::value::state!(Figures {
    total: Sum,
    started: Sum,
    on_track: Sum,
    at_risk: Sum,
    overdue: Sum,
    not_started: Sum,
    done: Sum,
    forecast_late: Sum,
    weighted_actual: Sum,
    weight: Sum,
    spi_actual: Sum,
    spi_expected: Sum,
});

/// The figures of the key tasks in scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope) -> Figures {
    let evals = evals(ctx);
    let mut f = Figures::default();
    for t in in_scope(ctx, s)
        .into_iter()
        .filter_map(|i| evals[i].as_ref())
    {
        f.total += 1;
        f.started += usize::from(t.started);
        f.forecast_late += usize::from(t.forecast_late());
        match t.status {
            TaskStatus::Done => f.done += 1,
            TaskStatus::Overdue => f.overdue += 1,
            TaskStatus::NotStarted => f.not_started += 1,
            TaskStatus::AtRisk => f.at_risk += 1,
            TaskStatus::OnTrack => f.on_track += 1,
        }
        f.weighted_actual += t.weight * t.actual;
        f.weight += t.weight;
        if t.started && t.status != TaskStatus::Done {
            f.spi_actual += t.weight * t.actual;
            f.spi_expected += t.weight * t.expected;
        }
    }
    f
}

/// One key task on the evaluation date (the drill-down of `tasks.*`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskRow {
    /// Initiative id.
    pub id: InitiativeId,
    /// Title.
    pub title: String,
    /// Where (none: the district as a whole).
    pub unit: Option<UnitId>,
    /// Owner org (usually a tackling group).
    pub owner: Option<OrgId>,
    /// The person holding an active `leader` role targeting the owner org or the task (the
    /// first such role in ledger order).
    pub leader: Option<PersonId>,
    /// Status.
    pub status: TaskStatus,
    /// Whether started.
    pub started: bool,
    /// Latest percent over 100 (0 if none).
    pub actual: f64,
    /// Where the schedule says it should be (0 to 1; 0 when not started).
    pub expected: f64,
    /// actual / expected, when expected > 0.
    pub spi: Option<f64>,
    /// The effective start: `start`, or the first update's date.
    pub start: Option<NaiveDate>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Forecast finish, if there is one and it is not never.
    pub forecast: Option<NaiveDate>,
    /// The forecast is never (progress not rising).
    pub forecast_never: bool,
    /// Weight.
    pub weight: f64,
}

crate::rows::impl_row!(TaskRow {
    id,
    title,
    unit,
    owner,
    leader,
    status,
    started,
    actual,
    expected,
    spi,
    start,
    deadline,
    forecast,
    forecast_never,
    weight,
});

/// The drill-down rows of the query's scope.
pub(crate) fn rows(ctx: &Ctx<'_, '_>) -> Vec<TaskRow> {
    let e = ctx.e;
    let evals = evals(ctx);
    in_scope(ctx, ctx.scope)
        .into_iter()
        .filter_map(|i| {
            let t = evals[i]?;
            let x = &e.l.initiatives[i];
            let owner_node = x.owner.as_ref().and_then(|o| e.node_of(o.sym()));
            let mut roles: Vec<RoleIx> = e.roles_targeting(e.init_node(i)).to_vec();
            if let Some(n) = owner_node {
                roles.extend(e.roles_targeting(n));
            }
            roles.sort_unstable();
            let leader = roles
                .into_iter()
                .map(|r| &e.l.roles[r])
                .find(|r| r.role == RoleKind::Leader && r.active_on(ctx.as_of))
                .map(|r| r.person.clone());
            Some(TaskRow {
                id: x.id.clone(),
                title: x.title.clone(),
                unit: x.unit.clone(),
                owner: x.owner.clone(),
                leader,
                status: t.status,
                started: t.started,
                actual: t.actual,
                expected: t.expected,
                spi: (t.expected > 0.0).then(|| t.actual / t.expected),
                start: t.effective_start,
                deadline: x.deadline,
                forecast: match t.forecast {
                    Forecast::On(d) => Some(d),
                    _ => None,
                },
                forecast_never: t.forecast == Forecast::Never,
                weight: t.weight,
            })
        })
        .collect()
}
