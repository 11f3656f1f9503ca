//! The bottom floor of `metrics/`: what every family and the engine share and nothing of
//! theirs: a scope as an interval of the unit tree and the ranges of it, a metric's value,
//! and a catalogue entry with its kind, direction and per-ledger family.

use serde::Serialize;

use super::ix::{Tin, UnitIx};
use crate::model::Programme;

/// An interval of Euler-tour entry numbers: the subtree of one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The scope unit.
    pub unit: UnitIx,
    /// Its entry number.
    pub lo: Tin,
    /// One past the last entry number of its subtree.
    pub hi: Tin,
}

impl Scope {
    /// Whether an anchor (entry number) lies in the subtree.
    #[cfg(test)]
    pub fn contains(&self, tin: Tin) -> bool {
        self.lo <= tin && tin < self.hi
    }
}

/// The part of `entries` (sorted `(anchor, item)` pairs) whose anchor lies in `s`.
pub(crate) fn range<T>(entries: &[(Tin, T)], s: Scope) -> &[(Tin, T)] {
    let a = entries.partition_point(|e| e.0 < s.lo);
    let b = entries.partition_point(|e| e.0 < s.hi);
    &entries[a..b.max(a)]
}

/// The items of `entries` in scope `s`, each once (an org with two hosts in scope is listed
/// at both), in increasing item order (ledger order). `anchors(item)` are the item's sorted
/// anchors; an entry counts only at the item's first anchor inside the scope.
pub(crate) fn select<'x, T: Copy + Ord>(
    entries: &[(Tin, T)],
    s: Scope,
    anchors: impl Fn(T) -> &'x [Tin],
) -> Vec<T> {
    let mut out: Vec<T> = range(entries, s)
        .iter()
        .filter(|(t, item)| {
            let a = anchors(*item);
            let first_in = a.partition_point(|x| *x < s.lo);
            a.get(first_in) == Some(t)
        })
        .map(|e| e.1)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A computed metric: value, and for ratios numerator and denominator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Val {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

impl Val {
    /// A ratio: the value is null on an empty denominator. Zero over a negative
    /// denominator (a target below its baseline, not yet moved) is 0, not -0.
    pub fn ratio(numerator: f64, denominator: f64) -> Val {
        let value = (denominator != 0.0)
            .then(|| numerator / denominator + 0.0)
            .filter(|v| v.is_finite());
        Val {
            value,
            numerator: Some(numerator),
            denominator: Some(denominator),
        }
    }
    /// A count.
    pub fn count(n: usize) -> Val {
        Val {
            value: Some(n as f64),
            numerator: None,
            denominator: None,
        }
    }
    /// A plain value (null when none; -0 is 0).
    pub fn value(v: Option<f64>) -> Val {
        Val {
            value: v.filter(|x| x.is_finite()).map(|x| x + 0.0),
            numerator: None,
            denominator: None,
        }
    }
}

/// Builds a [`MetricDef`] of a programme; each family file wraps it in a shorter `def!`
/// with its own defaults.
macro_rules! metric {
    ($programme:ident, $id:expr, $zh:literal, $en:literal, $kind:ident, $dir:ident, $def:expr) => {
        $crate::metrics::value::MetricDef {
            id: $id.catalogue_text(),
            zh: $zh,
            en: $en,
            definition: $def,
            kind: $crate::metrics::value::MetricKind::$kind,
            direction: $crate::metrics::value::Direction::$dir,
            programme: $crate::model::Programme::$programme,
            per_ledger: None,
        }
    };
}
pub(crate) use metric;

/// A catalogue entry and how its value is read from the figures its family works out at one
/// scope: the definition and the computation of a metric, side by side.
pub(crate) struct Metric<F> {
    /// The catalogue entry.
    pub def: MetricDef,
    /// The metric's value from its family's figures.
    pub value: fn(&F) -> Val,
}

/// The families whose metrics are one per duty, indicator or targeted metric of a ledger.
/// Their catalogue entries are templates whose id holds `<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PerLedger {
    /// `duty.<duty id>`: the compliance of a duty.
    Duty,
    /// `duty.<duty id>.lapse`: the longest lapse of a duty.
    DutyLapse,
    /// `indicator.<indicator id>`: an indicator over the units in scope.
    Indicator,
    /// `target.<metric or indicator id>`: the achievement of a target.
    Target,
}

impl PerLedger {
    /// Every per-ledger family.
    pub const ALL: [PerLedger; 4] = [
        PerLedger::Duty,
        PerLedger::DutyLapse,
        PerLedger::Indicator,
        PerLedger::Target,
    ];

    /// What comes before and after the key in a metric id.
    fn affixes(self) -> (&'static str, &'static str) {
        match self {
            PerLedger::Duty => ("duty.", ""),
            PerLedger::DutyLapse => ("duty.", ".lapse"),
            PerLedger::Indicator => ("indicator.", ""),
            PerLedger::Target => ("target.", ""),
        }
    }

    /// The metric id of `key` (a duty id, an indicator id, a targeted metric).
    ///
    /// ```
    /// use dangjian::metrics::PerLedger;
    /// assert_eq!(PerLedger::DutyLapse.id("road_patrol"), "duty.road_patrol.lapse");
    /// assert_eq!(PerLedger::Duty.key("duty.road_patrol"), Some("road_patrol"));
    /// assert_eq!(PerLedger::Indicator.key("duty.road_patrol"), None);
    /// ```
    pub fn id(self, key: &str) -> String {
        let (head, tail) = self.affixes();
        format!("{head}{key}{tail}")
    }

    /// The key of `id` if `id` has this family's shape (`road_patrol` of `duty.road_patrol`).
    pub fn key(self, id: &str) -> Option<&str> {
        let (head, tail) = self.affixes();
        id.strip_prefix(head)?
            .strip_suffix(tail)
            .filter(|k| !k.is_empty())
    }

    /// The template id of the catalogue entry (`duty.<id>`).
    pub fn template(self) -> String {
        self.id("<id>")
    }
}

/// A metric of a ledger as a type, not a string: a metric of the catalogue, or a per-ledger
/// family with its key (the duty or indicator id, not a ledger row number, so that
/// `duty.road_patrol` is the same metric in every ledger), or the achievement of a target on
/// one of these. Text becomes a `MetricId` once, at the edge ([`MetricId::parse`]); its
/// [`Display`](std::fmt::Display) is the id as docs/METRICS.md writes it.
///
/// Each catalogue metric has a constant next to its definition (`tasks::STARTED`,
/// `coverage::ORG`); the screens name metrics by those, so renaming a metric in the
/// catalogue renames it everywhere.
///
/// ```
/// use dangjian::metrics::{coverage, MetricId};
/// assert_eq!(coverage::ORG.to_string(), "coverage.org");
/// assert_eq!(MetricId::parse("coverage.org"), Some(coverage::ORG));
/// let t = MetricId::parse("target.coverage.org").unwrap();
/// assert_eq!(t, MetricId::Target(Box::new(coverage::ORG)));
/// assert_eq!(MetricId::parse("duty.road_patrol.lapse").unwrap().to_string(), "duty.road_patrol.lapse");
/// assert_eq!(MetricId::parse("no.such.metric"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MetricId {
    /// A metric of the catalogue (`tasks.started`), by its catalogue id.
    Catalogue(&'static str),
    /// `duty.<duty id>`: a duty's compliance.
    Duty(Box<str>),
    /// `duty.<duty id>.lapse`: a duty's longest lapse.
    DutyLapse(Box<str>),
    /// `indicator.<indicator id>`: an indicator.
    Indicator(Box<str>),
    /// `target.<metric>` (`target.<indicator id>` for an indicator): the achievement of the
    /// target counting for a metric.
    Target(Box<MetricId>),
}

impl MetricId {
    /// The catalogue id of a catalogue metric (empty for the others): what its catalogue
    /// entry is written with.
    pub const fn catalogue_text(&self) -> &'static str {
        match self {
            MetricId::Catalogue(id) => id,
            _ => "",
        }
    }

    /// The per-ledger family and key of a per-ledger metric.
    pub fn per_ledger(&self) -> Option<(PerLedger, &str)> {
        match self {
            MetricId::Catalogue(_) => None,
            MetricId::Duty(k) => Some((PerLedger::Duty, k)),
            MetricId::DutyLapse(k) => Some((PerLedger::DutyLapse, k)),
            MetricId::Indicator(k) => Some((PerLedger::Indicator, k)),
            MetricId::Target(_) => Some((PerLedger::Target, "")),
        }
    }

    /// The achievement row of a target on this metric.
    pub fn target(&self) -> MetricId {
        MetricId::Target(Box::new(self.clone()))
    }

    /// Whether this is a duty's compliance (`duty.<id>`).
    pub fn is_duty(&self) -> bool {
        matches!(self, MetricId::Duty(_))
    }

    /// Whether this is a duty's longest lapse (`duty.<id>.lapse`).
    pub fn is_lapse(&self) -> bool {
        matches!(self, MetricId::DutyLapse(_))
    }

    /// Whether this is the achievement of a target (`target.<...>`).
    pub fn is_target(&self) -> bool {
        matches!(self, MetricId::Target(_))
    }

    /// The metric of duty `id`'s compliance (`duty.<id>`).
    pub fn duty(id: &str) -> MetricId {
        MetricId::Duty(id.into())
    }
}

impl std::fmt::Display for MetricId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetricId::Catalogue(id) => f.write_str(id),
            MetricId::Duty(k) => write!(f, "duty.{k}"),
            MetricId::DutyLapse(k) => write!(f, "duty.{k}.lapse"),
            MetricId::Indicator(k) => write!(f, "indicator.{k}"),
            MetricId::Target(m) => match m.as_ref() {
                MetricId::Indicator(k) => write!(f, "target.{k}"),
                other => write!(f, "target.{other}"),
            },
        }
    }
}

impl PartialEq<str> for MetricId {
    fn eq(&self, other: &str) -> bool {
        match self {
            MetricId::Catalogue(id) => *id == other,
            MetricId::Duty(k) => other.strip_prefix("duty.") == Some(k),
            MetricId::DutyLapse(k) => {
                other
                    .strip_prefix("duty.")
                    .and_then(|o| o.strip_suffix(".lapse"))
                    == Some(k)
            }
            MetricId::Indicator(k) => other.strip_prefix("indicator.") == Some(k),
            MetricId::Target(m) => match (other.strip_prefix("target."), m.as_ref()) {
                (Some(rest), MetricId::Indicator(k)) => rest == &**k,
                (Some(rest), inner) => inner == rest,
                (None, _) => false,
            },
        }
    }
}

impl PartialEq<&str> for MetricId {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl Serialize for MetricId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl crate::rows::CellValue for MetricId {
    const TYPE: crate::rows::ColumnType = crate::rows::ColumnType::Text;
    fn cell(&self) -> crate::rows::Cell<'_> {
        match self {
            MetricId::Catalogue(id) => crate::rows::Cell::Text((*id).into()),
            other => crate::rows::Cell::Text(other.to_string().into()),
        }
    }
}

/// What kind of number a metric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MetricKind {
    /// A share: numerator / denominator, null on an empty denominator.
    Ratio,
    /// A whole number of things.
    Count,
    /// A whole number of days.
    Days,
    /// A whole number of calendar periods.
    Periods,
    /// Any number (a mean, an indicator's aggregate).
    Value,
}

impl MetricKind {
    /// The kind's identifier (`ratio`, `count`, `days`, `periods`, `value`).
    pub fn id(self) -> &'static str {
        match self {
            MetricKind::Ratio => "ratio",
            MetricKind::Count => "count",
            MetricKind::Days => "days",
            MetricKind::Periods => "periods",
            MetricKind::Value => "value",
        }
    }

    /// Whether values of this kind are whole numbers (written as JSON integers).
    pub fn is_integral(self) -> bool {
        matches!(
            self,
            MetricKind::Count | MetricKind::Days | MetricKind::Periods
        )
    }
}

impl crate::rows::CellValue for MetricKind {
    const TYPE: crate::rows::ColumnType = crate::rows::ColumnType::Text;
    fn cell(&self) -> crate::rows::Cell<'_> {
        crate::rows::Cell::Text(self.id().into())
    }
}

/// Whether more or less is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better.
    Higher,
    /// Lower is better.
    Lower,
}

impl Direction {
    /// The direction's identifier (`higher`, `lower`).
    pub fn id(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

impl crate::rows::CellValue for Direction {
    const TYPE: crate::rows::ColumnType = crate::rows::ColumnType::Text;
    fn cell(&self) -> crate::rows::Cell<'_> {
        crate::rows::Cell::Text(self.id().into())
    }
}

/// One catalogue entry.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricDef {
    /// Stable id (`tasks.started`); templates hold `<id>` (`duty.<id>`).
    pub id: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// The exact definition, including the readings chosen where `docs/METRICS.md` is silent.
    pub definition: &'static str,
    /// Kind of number.
    pub kind: MetricKind,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// The programme of the red trilogy it reports on.
    pub programme: Programme,
    /// The per-ledger family this entry is the template of (none: a metric of its own).
    #[serde(skip)]
    pub per_ledger: Option<PerLedger>,
}

impl MetricDef {
    /// Whether this entry stands for a per-ledger family (`duty.<id>`...).
    pub fn is_template(&self) -> bool {
        self.per_ledger.is_some()
    }
}

/// The id of the achievement row of a target on `metric` (a metric id, `indicator.<id>` or
/// a plain indicator id): `target.<metric>`, or `target.<indicator id>` for indicators.
pub fn target_row_id(metric: &str) -> String {
    let m = targeted_metric(metric);
    let key = PerLedger::Indicator.key(&m).unwrap_or(&m);
    PerLedger::Target.id(key)
}

/// The metric a target's `metric` column aims at: itself, or `indicator.<id>` for a plain
/// indicator id (one without a `.`).
pub fn targeted_metric(metric: &str) -> String {
    if metric.contains('.') {
        metric.to_string()
    } else {
        PerLedger::Indicator.id(metric)
    }
}

/// How one figure of a family's state merges with the same figure of another part's state
/// (`docs/PARTIALS.md`): every family's figures are such a state, so that a scope's figures
/// are the merge of its parts' figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Counts and sums.
    Sum,
    /// The largest (a lapse, an indicator's maximum); null is no value.
    Max,
    /// The smallest; null is no value.
    Min,
    /// Bits set in either (flags, sets of role kinds).
    Or,
}

impl Op {
    /// The figure of no item: 0 for sums and bits, null (NaN) for maxima and minima.
    pub fn identity(self) -> f64 {
        match self {
            Op::Sum | Op::Or => 0.0,
            Op::Max | Op::Min => f64::NAN,
        }
    }

    /// `a` merged with `b`.
    pub fn merge(self, a: f64, b: f64) -> f64 {
        match self {
            Op::Sum => a + b,
            // f64::max and min pass over a NaN (no value).
            Op::Max => a.max(b),
            Op::Min => a.min(b),
            Op::Or => ((a as u64) | (b as u64)) as f64,
        }
    }
}

/// Merges the fields `b` into `a`, field by field with `ops`.
pub(crate) fn merge_fields(ops: &[(&str, Op)], a: &mut [f64], b: &[f64]) {
    for ((x, y), (_, op)) in a.iter_mut().zip(b).zip(ops) {
        *x = op.merge(*x, *y);
    }
}

/// A family's figures as a mergeable state: named fields, each with how it merges. The
/// engine evaluates a scope by working out the state and reading the values from it, and a
/// partial result is the same state, merged across parts before the values are read.
pub(crate) trait State: Default + Clone {
    /// The fields in order, with how each merges.
    const FIELDS: &'static [(&'static str, Op)];
    /// The fields' values (null as NaN), in the order of [`State::FIELDS`].
    fn write(&self, out: &mut Vec<f64>);
    /// The state of these fields.
    fn read(fields: &[f64]) -> Self;
}

/// A figure as a number of a state's field.
pub(crate) trait Num: Sized {
    fn to_f64(&self) -> f64;
    fn from_f64(x: f64) -> Self;
}

/// Counts: a field that is not a finite positive number reads as 0.
macro_rules! count_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            fn to_f64(&self) -> f64 {
                *self as f64
            }
            fn from_f64(x: f64) -> Self {
                if x.is_finite() && x > 0.0 {
                    x as $t
                } else {
                    0
                }
            }
        }
    )*};
}
count_num!(usize, u64);

impl Num for f64 {
    fn to_f64(&self) -> f64 {
        *self
    }
    fn from_f64(x: f64) -> Self {
        x
    }
}

impl<T: Num> Num for Option<T> {
    fn to_f64(&self) -> f64 {
        self.as_ref().map_or(f64::NAN, Num::to_f64)
    }
    fn from_f64(x: f64) -> Self {
        (!x.is_nan()).then(|| T::from_f64(x))
    }
}

/// Implements [`State`] for a figures struct: `state!(Figures { total: Sum, lapse: Max })`.
macro_rules! state {
    ($ty:ident { $($field:ident: $op:ident),* $(,)? }) => {
        impl $crate::metrics::value::State for $ty {
            const FIELDS: &'static [(&'static str, $crate::metrics::value::Op)] =
                &[$((stringify!($field), $crate::metrics::value::Op::$op)),*];
            fn write(&self, out: &mut Vec<f64>) {
                $(out.push($crate::metrics::value::Num::to_f64(&self.$field));)*
            }
            fn read(fields: &[f64]) -> Self {
                let mut it = fields.iter().copied();
                $ty {
                    $($field: $crate::metrics::value::Num::from_f64(it.next().unwrap_or(f64::NAN)),)*
                }
            }
        }
    };
}
pub(crate) use state;
