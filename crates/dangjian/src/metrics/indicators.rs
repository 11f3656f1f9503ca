//! 红色引领: outcome indicators (`indicator.<id>`): each unit's latest observation, or a
//! formula over other indicators per unit, combined over the units in scope.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::catalogue::{Direction, MetricDef, MetricKind};
use super::engine::{range, Ctx, Engine, Scope, Val};
use crate::formula::Expr;
use crate::model::{Aggregate, Programme};

/// The catalogue entry (template) of this family.
pub(crate) const DEFS: &[MetricDef] = &[MetricDef {
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
    candidates: Vec<Vec<(u32, u32)>>,
    /// Observations of one indicator at one unit, sorted by date.
    obs: HashMap<(u32, u32), Vec<(NaiveDate, f64)>>,
}

/// Builds the indicator index.
pub(crate) fn index(e: &Engine<'_>) -> IndicatorIndex {
    let l = e.l;
    let mut ix = IndicatorIndex::default();
    for (i, x) in l.indicators.iter().enumerate() {
        ix.ids.entry(x.id.as_str().to_string()).or_insert(i as u32);
        ix.sources.push(match &x.formula {
            None => Source::Observed,
            Some(f) => Expr::parse(f).map_or(Source::Broken, Source::Formula),
        });
    }
    let mut observed_at: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); l.indicators.len()];
    for o in &l.observations {
        let (Some(&i), Some(u)) = (ix.ids.get(o.indicator.as_str()), e.unit_of(o.unit.as_str()))
        else {
            continue;
        };
        ix.obs.entry((i, u)).or_default().push((o.date, o.value));
        observed_at[i as usize].insert(u);
    }
    for v in ix.obs.values_mut() {
        v.sort_by_key(|p| p.0);
    }
    for i in 0..l.indicators.len() {
        let units: Vec<u32> = match leaves(&ix, i as u32) {
            // A formula of constants only has a value at every unit.
            Some(leaves) if leaves.is_empty() => (0..e.n_units).collect(),
            Some(leaves) => leaves
                .iter()
                .flat_map(|&j| observed_at[j as usize].iter().copied())
                .collect::<BTreeSet<u32>>()
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let mut c: Vec<(u32, u32)> = units.into_iter().map(|u| (e.tin[u as usize], u)).collect();
        c.sort_unstable();
        ix.candidates.push(c);
    }
    ix
}

/// The observed indicators a formula rests on (itself when observed); `None` when it
/// cannot have a value (a broken formula, or a cycle).
fn leaves(ix: &IndicatorIndex, i: u32) -> Option<BTreeSet<u32>> {
    fn walk(ix: &IndicatorIndex, i: u32, path: &mut Vec<u32>, out: &mut BTreeSet<u32>) -> bool {
        if path.contains(&i) {
            return false;
        }
        match &ix.sources[i as usize] {
            Source::Observed => {
                out.insert(i);
                true
            }
            Source::Broken => false,
            Source::Formula(expr) => {
                path.push(i);
                let ok = expr
                    .variables()
                    .iter()
                    .all(|v| ix.ids.get(v).is_some_and(|&j| walk(ix, j, path, out)));
                path.pop();
                ok
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(ix, i, &mut Vec::new(), &mut out).then_some(out)
}

/// The value of indicator `i` at unit `u` on `as_of`.
pub(crate) fn value_at(
    ix: &IndicatorIndex,
    i: u32,
    u: u32,
    as_of: NaiveDate,
    depth: u32,
) -> Option<f64> {
    if depth > 64 {
        return None;
    }
    match ix.sources.get(i as usize)? {
        Source::Observed => {
            let obs = ix.obs.get(&(i, u))?;
            let n = obs.partition_point(|p| p.0 <= as_of);
            n.checked_sub(1).map(|k| obs[k].1)
        }
        Source::Broken => None,
        Source::Formula(expr) => expr.eval(&|v: &str| {
            ix.ids
                .get(v)
                .and_then(|&j| value_at(ix, j, u, as_of, depth + 1))
        }),
    }
}

/// `indicator.<id>` of indicator `i` at scope `s`.
pub(crate) fn value(ctx: &Ctx<'_, '_>, s: Scope, i: u32) -> Val {
    let e = ctx.e;
    let ix = &e.indicators;
    let Some(cands) = ix.candidates.get(i as usize) else {
        return Val::value(None);
    };
    let mut units: Vec<u32> = range(cands, s).iter().map(|c| c.1).collect();
    units.sort_unstable();
    let values: Vec<f64> = units
        .into_iter()
        .filter(|&u| e.l.units[u as usize].active_on(ctx.as_of))
        .filter_map(|u| value_at(ix, i, u, ctx.as_of, 0))
        .collect();
    if values.is_empty() {
        return Val::value(None);
    }
    let agg = e.l.indicators[i as usize].aggregate();
    let v = match agg {
        Aggregate::Sum => values.iter().sum::<f64>(),
        Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregate::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregate::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    Val::value(Some(v))
}
