//! 红色引领: outcome indicators (`indicator.<id>`): each unit's latest observation, or a
//! formula over other indicators per unit, combined over the units in scope.

use super::ctx::{Ctx, Family};
use super::index::{Index, Lookup, Tin, UnitIx};
use super::value::{range, Direction, Metric, MetricDef, MetricKind, PerLedger, Scope, Val};
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::formula::Expr;
use crate::model::{Aggregate, Programme};

/// The indicator family (`indicator.<id>`): one metric per indicator.
pub(crate) struct Indicators;

impl Family for Indicators {
    type Figures = Figures;
    const NAME: &'static str = "indicator";
    const METRICS: &'static [Metric<Figures>] = METRICS;
    /// The units' values of indicator `key` (its position in the ledger), aggregated.
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, key: u32) -> Figures {
        figures(ctx, s, key)
    }
    /// `indicator.<indicator id>`.
    fn group_name(l: &crate::model::Ledger, key: u32) -> String {
        let id = l.indicators.get(key as usize).map_or("", |i| i.id.as_str());
        format!("indicator.{id}")
    }
    /// Reads the observations.
    fn reads(_: &crate::model::Ledger, _: u32, added: &super::query::Appended) -> bool {
        !added.observations.is_empty()
    }
}

/// The catalogue entry (template) of this family and how its value is read.
const METRICS: &[Metric<Figures>] = &[Metric {
    def: MetricDef {
        id: "indicator.<id>",
        zh: "指标值",
        en: "indicator value",
        definition: "Over the units in scope active on `as_of`, each unit's latest observation dated <= `as_of` (a \
                     formula indicator is computed per unit from its operands' values at that unit, themselves \
                     latest observations or formulas; a unit missing an operand, or dividing by zero, has no \
                     value), combined with the indicator's aggregate (sum, mean, min, max; in ledger order of \
                     units); null when no unit has a value.",
        kind: MetricKind::Value,
        direction: Direction::Higher,
        programme: Programme::Leading,
        per_ledger: Some(PerLedger::Indicator),
    },
    value: |f| Val::value(f.value()),
}];

/// How an indicator gets its value at a unit.
#[derive(Clone, Debug, Default)]
pub(crate) enum Source {
    /// Its own observations.
    #[default]
    Observed,
    /// A formula over other indicators.
    Formula(Expr),
    /// A formula that does not parse (an invalid ledger): never a value.
    Broken,
}

/// The indicators of a ledger, indexed.
#[derive(Clone, Debug, Default)]
pub(crate) struct IndicatorIndex {
    ids: HashMap<String, u32>,
    sources: Vec<Source>,
    /// Units that may have a value, as `(tin, unit)` sorted.
    candidates: Vec<Vec<(Tin, UnitIx)>>,
    /// Observations of one indicator at one unit, sorted by date.
    obs: HashMap<(u32, UnitIx), Vec<(NaiveDate, f64)>>,
    /// The observed indicators each rests on; `None` when it can have no value.
    leaves: Vec<Option<BTreeSet<u32>>>,
}

/// Builds the indicator index.
pub(crate) fn index(e: Lookup<'_>) -> IndicatorIndex {
    let l = e.l;
    let mut ix = IndicatorIndex::default();
    for (i, x) in l.indicators.iter().enumerate() {
        ix.ids.entry(x.id.as_str().to_string()).or_insert(i as u32);
        ix.sources.push(match &x.formula {
            None => Source::Observed,
            Some(f) => Expr::parse(f).map_or(Source::Broken, Source::Formula),
        });
    }
    let mut observed_at: Vec<BTreeSet<UnitIx>> = vec![BTreeSet::new(); l.indicators.len()];
    for o in &l.observations {
        let (Some(&i), Some(u)) = (ix.ids.get(o.indicator.as_str()), e.unit_of(o.unit.sym()))
        else {
            continue;
        };
        ix.obs.entry((i, u)).or_default().push((o.date, o.value));
        observed_at[i as usize].insert(u);
    }
    for v in ix.obs.values_mut() {
        v.sort_by_key(|p| p.0);
    }
    ix.leaves = all_leaves(&ix);
    for i in 0..l.indicators.len() {
        let units: Vec<UnitIx> = match &ix.leaves[i] {
            // A formula of constants only has a value at every unit.
            Some(leaves) if leaves.is_empty() => e.units().collect(),
            Some(leaves) => leaves
                .iter()
                .flat_map(|&j| observed_at[j as usize].iter().copied())
                .collect::<BTreeSet<UnitIx>>()
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let mut c: Vec<(Tin, UnitIx)> = units.into_iter().map(|u| (e.tour_entry(u), u)).collect();
        c.sort_unstable();
        ix.candidates.push(c);
    }
    ix
}

/// The observed indicators each indicator rests on (itself when observed); `None` when it
/// cannot have a value (a broken formula, an unknown operand, or a cycle). Computed in
/// topological order without recursion, so a chain of any depth is fine.
fn all_leaves(ix: &IndicatorIndex) -> Vec<Option<BTreeSet<u32>>> {
    let n = ix.sources.len();
    // deps[i]: the indicators formula i names (None when it names an unknown one).
    let deps: Vec<Option<Vec<u32>>> = ix
        .sources
        .iter()
        .map(|s| match s {
            Source::Formula(expr) => expr
                .variables()
                .iter()
                .map(|v| ix.ids.get(v).copied())
                .collect(),
            _ => Some(Vec::new()),
        })
        .collect();
    // Kahn's algorithm: an indicator is ready when every operand is.
    let mut waiting: Vec<usize> = deps
        .iter()
        .map(|d| d.as_ref().map_or(0, Vec::len))
        .collect();
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &j in d.iter().flatten() {
            users[j as usize].push(i as u32);
        }
    }
    let mut out: Vec<Option<BTreeSet<u32>>> = vec![None; n];
    let mut ready: Vec<u32> = (0..n as u32)
        .filter(|&i| waiting[i as usize] == 0)
        .collect();
    while let Some(i) = ready.pop() {
        let iu = i as usize;
        out[iu] = match (&ix.sources[iu], &deps[iu]) {
            (Source::Observed, _) => Some(BTreeSet::from([i])),
            (Source::Broken, _) | (_, None) => None,
            (Source::Formula(_), Some(d)) => d.iter().try_fold(BTreeSet::new(), |mut acc, &j| {
                acc.extend(out[j as usize].as_ref()?.iter().copied());
                Some(acc)
            }),
        };
        for &k in &users[iu] {
            waiting[k as usize] -= 1;
            if waiting[k as usize] == 0 {
                ready.push(k);
            }
        }
    }
    // Whatever never became ready is on or behind a cycle: no value.
    out
}

/// The value of indicator `i` at unit `u` on `as_of`: its latest observation, or its
/// formula over its operands' values at `u` (evaluated bottom-up with an explicit stack, each
/// operand once).
pub(crate) fn value_at(ix: &IndicatorIndex, i: u32, u: UnitIx, as_of: NaiveDate) -> Option<f64> {
    if ix.leaves.get(i as usize)?.is_none() {
        return None;
    }
    let observed = |j: u32| -> Option<f64> {
        let obs = ix.obs.get(&(j, u))?;
        let n = obs.partition_point(|p| p.0 <= as_of);
        n.checked_sub(1).map(|k| obs[k].1)
    };
    let mut memo: HashMap<u32, Option<f64>> = HashMap::new();
    let mut stack: Vec<(u32, bool)> = vec![(i, false)];
    while let Some((j, expanded)) = stack.pop() {
        if memo.contains_key(&j) {
            continue;
        }
        match &ix.sources[j as usize] {
            Source::Observed => {
                memo.insert(j, observed(j));
            }
            Source::Broken => {
                memo.insert(j, None);
            }
            Source::Formula(expr) if expanded => {
                let v = expr.eval(&|name: &str| {
                    ix.ids
                        .get(name)
                        .and_then(|k| memo.get(k).copied().flatten())
                });
                memo.insert(j, v);
            }
            Source::Formula(expr) => {
                // Operands first (leaves are acyclic here: `all_leaves` gave this a value).
                stack.push((j, true));
                for v in expr.variables() {
                    if let Some(&k) = ix.ids.get(&v) {
                        if !memo.contains_key(&k) {
                            stack.push((k, false));
                        }
                    }
                }
            }
        }
    }
    memo.get(&i).copied().flatten()
}

/// What `indicator.<id>` is read from, at one scope: the units' values summed, counted, and
/// their least and greatest, with the indicator's aggregate (0 sum, 1 mean, 2 min, 3 max).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Figures {
    aggregate: u64,
    units: u64,
    sum: f64,
    min: Option<f64>,
    max: Option<f64>,
}

impl Default for Figures {
    fn default() -> Figures {
        Figures {
            aggregate: 0,
            units: 0,
            sum: 0.0,
            min: None,
            max: None,
        }
    }
}

super::value::state!(Figures {
    aggregate: Max,
    units: Sum,
    sum: Sum,
    min: Min,
    max: Max,
});

impl Figures {
    /// The indicator's value: its aggregate of the units' values, none when no unit has one.
    fn value(&self) -> Option<f64> {
        if self.units == 0 {
            return None;
        }
        match self.aggregate {
            0 => Some(self.sum),
            1 => Some(self.sum / self.units as f64),
            2 => self.min,
            _ => self.max,
        }
    }
}

/// The figures of indicator `i` at scope `s`.
fn figures(ctx: &Ctx<'_, '_>, s: Scope, i: u32) -> Figures {
    let aggregate = match ctx.e.l.indicators.get(i as usize).map(|x| x.aggregate()) {
        Some(Aggregate::Sum) | None => 0,
        Some(Aggregate::Mean) => 1,
        Some(Aggregate::Min) => 2,
        Some(Aggregate::Max) => 3,
    };
    let mut f = Figures {
        aggregate,
        ..Figures::default()
    };
    for v in values(ctx, s, i) {
        f.units += 1;
        f.sum += v;
        f.min = Some(f.min.map_or(v, |m| m.min(v)));
        f.max = Some(f.max.map_or(v, |m| m.max(v)));
    }
    f
}

/// The values of indicator `i` at the units in scope `s` active on `as_of`, in ledger order.
fn values(ctx: &Ctx<'_, '_>, s: Scope, i: u32) -> Vec<f64> {
    let e = ctx.e;
    let ix = e.indicator_index();
    let Some(cands) = ix.candidates.get(i as usize) else {
        return Vec::new();
    };
    let mut units: Vec<UnitIx> = range(cands, s).iter().map(|c| c.1).collect();
    units.sort_unstable();
    units
        .into_iter()
        .filter(|&u| e.l.units[u].active_on(ctx.as_of) && ctx.filter.keeps_unit(u))
        .filter_map(|u| value_at(ix, i, u, ctx.as_of))
        .collect()
}
impl Index<'_> {
    /// The indicator index (built by the engine alongside the rest).
    pub(crate) fn indicator_index(&self) -> &IndicatorIndex {
        static NONE: std::sync::LazyLock<IndicatorIndex> =
            std::sync::LazyLock::new(IndicatorIndex::default);
        self.data.get::<IndicatorIndex>().unwrap_or(&NONE)
    }
}
