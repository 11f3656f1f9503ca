//! The engine: indexes built once per ledger ([`Engine::new`]), then queries.
//!
//! Every record is given a dense integer id. Units, organisations and initiatives share one
//! id space of *nodes* (units first), so a role's target or an activity's subject is one
//! number. The unit tree is numbered by an Euler tour: a unit is below scope `s` exactly when
//! its entry number lies in `[tin(s), tout(s))`. Each node keeps its *anchors*, the entry
//! numbers of the units it belongs to (a unit itself; an org's hosts; an initiative's unit,
//! or the root when it has none), so "is in scope" is an interval test, and every family
//! keeps its items sorted by anchor: the items of one scope are a binary-searched range.
//! Nothing rescans the ledger per scope row or per evaluation date.

use chrono::NaiveDate;

use super::cadres::{self, CadreRow};
use super::catalogue::{self, filter_matches, prefixes_text, target_row_id};
use super::coverage::{self, EnterpriseRow};
use super::ctx::{Ctx, SlotInfo};
use super::duties::{self, ObligationRow};
use super::index::{
    kind_pos, ActivityIndex, FamilyData, Index, Lookup, NodeKinds, Structure, TargetIx, UnitIx,
};
use super::indicators;
use super::query::{AppendError, Appended, Evaluation, Freq, MetricRow, Query, QueryError};
use super::tasks::{self, TaskRow};
use super::value::{MetricId, MetricKind, Scope, Val};
use crate::calendar;
use crate::model::{Ledger, Sym, SymRows, UnitId};

/// The metrics engine over one ledger: indexes built once, then any number of queries.
///
/// ```
/// use dangjian::metrics::{Engine, Query};
/// use dangjian::model::*;
///
/// let mut ledger = Ledger::new();
/// ledger.units.push(Unit::new("d", UnitKind::District, "新区"));
/// let engine = Engine::new(&ledger);
/// let q = Query { as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
/// let ev = engine.evaluate(&q).unwrap();
/// assert_eq!(ev.value("tasks.total"), Some(0.0));
/// assert_eq!(ev.value("tasks.started"), None); // 0 / 0 is n/a, not 0
/// ```
pub struct Engine<'a> {
    /// The indexes (`index.rs`), what the families read.
    pub(crate) ix: Index<'a>,
    /// The targets of each scope unit, by the metric they are on: the rows of the targets
    /// table, parsed once here.
    targets: rustc_hash::FxHashMap<UnitIx, Vec<(MetricId, Vec<TargetIx>)>>,
    /// The metrics of this ledger in row order.
    slots: Vec<SlotInfo>,
}

impl<'a> Engine<'a> {
    /// Indexes `ledger` once. Never fails: an invalid ledger (dangling references, cycles)
    /// gives an engine that ignores what does not resolve.
    pub fn new(ledger: &'a Ledger) -> Engine<'a> {
        Self::build(std::borrow::Cow::Borrowed(ledger))
    }

    /// Indexes `ledger` and keeps it: an engine that owns its ledger, with no borrow to
    /// hold on to, which can take appends ([`Engine::append`]).
    ///
    /// ```
    /// use dangjian::metrics::{Engine, Query};
    /// let engine = Engine::owning(dangjian::example());
    /// assert_eq!(engine.ledger().units[0].id.as_str(), "chengxi");
    /// ```
    pub fn owning(ledger: Ledger) -> Engine<'static> {
        Engine::build(std::borrow::Cow::Owned(ledger))
    }

    /// The ledger the engine indexes.
    pub fn ledger(&self) -> &Ledger {
        &self.ix.l
    }

    /// Appends rows of activities, progress and observations (the other tables of `rows`
    /// must be empty) to the engine's ledger and indexes them in place, without building the
    /// engine again: the activity index grows, and only the indicators' index is built
    /// again when observations come. Evaluations after it are exactly those of an engine
    /// built on the whole ledger. A borrowed ledger ([`Engine::new`]) is copied first.
    ///
    /// The rows are not validated here: check them against the ledger first (as
    /// [`crate::live::Live::check_json`] does); a row that does not resolve is ignored by
    /// the metrics, as in [`Engine::new`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::metrics::{Engine, Query};
    /// use dangjian::model::{Activity, Ledger};
    ///
    /// let mut engine = Engine::owning(dangjian::example());
    /// let q = Query { metrics: Some(vec!["duty.road_patrol".into()]), ..Query::default() };
    /// let before = engine.evaluate(&q).unwrap().rows[0].numerator;
    /// let mut rows = Ledger::new();
    /// rows.activities.push(Activity::new("patrol", NaiveDate::from_ymd_opt(2019, 7, 30).unwrap(), "xizhou_road"));
    /// let added = engine.append(rows).unwrap();
    /// assert_eq!(added.activities.len(), 1);
    /// assert!(engine.evaluate(&q).unwrap().rows[0].numerator >= before);
    /// ```
    pub fn append(&mut self, mut rows: Ledger) -> Result<Appended, AppendError> {
        use crate::model::Table;
        if let Some(t) = Table::ALL.into_iter().find(|&t| {
            rows.len_of(t) > 0
                && !matches!(t, Table::Activities | Table::Progress | Table::Observations)
        }) {
            return Err(AppendError::NotAppendable(t.name()));
        }
        let mut kinds: Vec<crate::model::ActivityKind> = Vec::new();
        for a in &rows.activities {
            if !kinds.contains(&a.kind) {
                kinds.push(a.kind.clone());
            }
        }
        let observed = rows.observations.iter().map(|o| o.date).max();
        let l = self.ix.l.to_mut();
        let (a0, p0, o0) = (l.activities.len(), l.progress.len(), l.observations.len());
        l.append(&mut rows);
        let added = Appended {
            activities: a0..l.activities.len(),
            progress: p0..l.progress.len(),
            observations: o0..l.observations.len(),
            activity_kinds: kinds,
            latest_moved: false,
        };
        let mut moved = self.ix.index_appended(a0, p0);
        moved |= self.ix.note_date(observed);
        if !added.observations.is_empty() {
            let indicators = indicators::index(self.ix.lookup());
            self.ix.data.set(indicators);
        }
        Ok(Appended {
            latest_moved: moved,
            ..added
        })
    }

    fn build(held: std::borrow::Cow<'a, Ledger>) -> Engine<'a> {
        let l: &Ledger = &held;

        // The id tables, side by side.
        let (nodes, person_ix) = rayon::join(
            || {
                let mut nodes = SymRows::new();
                let ids = l
                    .units
                    .iter()
                    .map(|u| u.id.sym())
                    .chain(l.orgs.iter().map(|o| o.id.sym()))
                    .chain(l.initiatives.iter().map(|i| i.id.sym()));
                for (n, id) in ids.enumerate() {
                    nodes.insert_first(id, n as u32);
                }
                nodes
            },
            || {
                let mut person_ix = SymRows::new();
                for (i, p) in l.people.iter().enumerate() {
                    person_ix.insert_first(p.id.sym(), i as u32);
                }
                person_ix
            },
        );
        // The activities (the largest part) are indexed alongside the rest, and the duty
        // and indicator indexes once the unit tree is there.
        let kinds = NodeKinds::of(l);
        let (acts, (mut structure, duties, indicators, slots)) = rayon::join(
            || ActivityIndex::build(l, &nodes, &person_ix),
            || {
                let s = Structure::build(l, &nodes, &person_ix);
                let lookup = Lookup {
                    l,
                    s: &s,
                    nodes: &nodes,
                    kinds,
                };
                let duties = duties::index(lookup);
                let indicators = indicators::index(lookup);
                (s, duties, indicators, catalogue::slots(l))
            },
        );
        // The targeted metrics' text becomes a metric once (an unknown one, which validation
        // reports, targets nothing).
        let targets = std::mem::take(&mut structure.targets)
            .into_iter()
            .map(|(unit, list)| {
                let typed = list
                    .into_iter()
                    .filter_map(|(m, rows)| Some((MetricId::parse(&m)?, rows)))
                    .collect();
                (unit, typed)
            })
            .collect();
        Engine {
            targets,
            ix: Index {
                s: structure,
                default_as_of: l.latest_date(),
                kinds,
                nodes,
                person_ix,
                acts,
                data: FamilyData::default().with(duties).with(indicators),
                l: held,
            },
            slots,
        }
    }

    // -- What the metric families read, by concern ------------------------------------

    /// Resolves a query's defaults and checks it.
    pub(crate) fn resolve(&self, q: &Query) -> Result<Ctx<'_, 'a>, QueryError> {
        let root = self.ix.s.root.ok_or(QueryError::NoRoot)?;
        let scope_unit = match &q.scope {
            Some(s) => self
                .ix
                .unit_of(s.sym())
                .ok_or_else(|| QueryError::UnknownScope {
                    scope: s.as_str().to_string(),
                    root: self.ix.l.units[root].id.as_str().to_string(),
                })?,
            None => root,
        };
        let as_of = q
            .as_of
            .or(self.ix.default_as_of)
            .ok_or(QueryError::NoAsOf)?;
        let from = q.from.unwrap_or_else(|| calendar::year_start(as_of));
        if from > as_of {
            return Err(QueryError::FromAfterAsOf { from, as_of });
        }
        let (out_mask, target_mask) = match &q.metrics {
            None => (vec![true; self.slots.len()], vec![true; self.slots.len()]),
            Some(filters) => {
                let prefixes = catalogue::family_prefixes();
                for f in filters {
                    let known = prefixes.contains(&f.trim_end_matches('.'))
                        || self.slots.iter().any(|s| {
                            filter_matches(f, &s.id.to_string())
                                || filter_matches(f, &s.target_row.to_string())
                        })
                        || self
                            .ix
                            .l
                            .targets
                            .iter()
                            .any(|t| filter_matches(f, &target_row_id(&t.metric)));
                    if !known {
                        return Err(QueryError::UnknownMetric {
                            filter: f.clone(),
                            prefixes: prefixes_text(),
                        });
                    }
                }
                let m = |id: &str| filters.iter().any(|f| filter_matches(f, id));
                (
                    self.slots.iter().map(|s| m(&s.id.to_string())).collect(),
                    self.slots
                        .iter()
                        .map(|s| m(&s.target_row.to_string()))
                        .collect(),
                )
            }
        };
        Ok(Ctx {
            e: &self.ix,
            slots: &self.slots,
            as_of,
            from,
            scope: self.ix.scope_of(scope_unit),
            by: q.by,
            tolerance: q.at_risk_tolerance,
            young_age: q.young_age,
            out_mask,
            target_mask,
            caches: Default::default(),
            filter: Default::default(),
        })
    }

    /// Evaluates a query: the scope's rows, then one block of rows per breakdown unit.
    pub fn evaluate(&self, q: &Query) -> Result<Evaluation, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(self.evaluate_ctx(&ctx))
    }

    fn evaluate_ctx(&self, ctx: &Ctx<'_, 'a>) -> Evaluation {
        let mut rows = Vec::new();
        let mut vals = Vec::new();
        for u in std::iter::once(ctx.scope.unit).chain(self.breakdown_units(ctx)) {
            vals.clear();
            vals.resize(self.slots.len(), None);
            self.scope_rows(ctx, self.ix.scope_of(u), &mut vals, &mut rows);
        }
        self.evaluation(ctx, rows)
    }

    /// Evaluates a query as [`Engine::evaluate`] does, reusing the values `memo` kept from
    /// earlier evaluations of the same query: after an [`Engine::append`] (and
    /// [`Memo::forget`]), only the metrics that read what it added are worked out again.
    /// The rows are exactly those of [`Engine::evaluate`].
    ///
    /// ```
    /// use dangjian::metrics::{Engine, Memo, Query};
    /// let engine = Engine::owning(dangjian::example());
    /// let mut memo = Memo::default();
    /// let q = Query::default();
    /// let first = engine.evaluate_memo(&q, &mut memo).unwrap();
    /// assert_eq!(first.rows, engine.evaluate(&q).unwrap().rows);
    /// // Asked again, nothing is worked out again, and the rows are the same.
    /// assert_eq!(engine.evaluate_memo(&q, &mut memo).unwrap().rows, first.rows);
    /// ```
    pub fn evaluate_memo(&self, q: &Query, memo: &mut Memo) -> Result<Evaluation, QueryError> {
        let ctx = self.resolve(q)?;
        let units: Vec<UnitIx> = std::iter::once(ctx.scope.unit)
            .chain(self.breakdown_units(&ctx))
            .collect();
        if units.len() > MEMO_SCOPES {
            return Ok(self.evaluate_ctx(&ctx));
        }
        let entry = memo.entry(q, ctx.as_of, ctx.from);
        let mut rows = Vec::new();
        for u in units {
            let vals = entry
                .scopes
                .entry(u)
                .or_insert_with(|| vec![None; self.slots.len()]);
            self.scope_rows(&ctx, self.ix.scope_of(u), vals, &mut rows);
        }
        Ok(self.evaluation(&ctx, rows))
    }

    fn evaluation(&self, ctx: &Ctx<'_, 'a>, rows: Vec<MetricRow>) -> Evaluation {
        Evaluation {
            as_of: ctx.as_of,
            from: ctx.from,
            scope: self.ix.l.units[ctx.scope.unit].id.clone(),
            scope_name: self.ix.l.units[ctx.scope.unit].name.clone(),
            by: ctx.by,
            rows,
        }
    }

    /// The head of an output's JSON envelope for `q` (its resolved dates and scope), so that
    /// a drill-down or a statistics table says what it answers as the report does.
    pub fn header(
        &self,
        q: &Query,
        output: crate::envelope::Output,
    ) -> Result<crate::envelope::Header, QueryError> {
        let ctx = self.resolve(q)?;
        let unit = &self.ix.l.units[ctx.scope.unit];
        Ok(crate::envelope::Header {
            output,
            as_of: Some(ctx.as_of),
            from: Some(ctx.from),
            scope: Some(crate::envelope::ScopeRef {
                id: unit.id.clone(),
                name: unit.name.clone(),
            }),
            by: q.by,
        })
    }

    /// Units of the breakdown kind strictly below the scope, active on some day of
    /// [`from`, `as_of`], in ledger order.
    pub(crate) fn breakdown_units(&self, ctx: &Ctx<'_, 'a>) -> Vec<UnitIx> {
        let Some(by) = ctx.by else { return Vec::new() };
        let s = ctx.scope;
        self.ix.s.units_by_kind[kind_pos(by)]
            .iter()
            .copied()
            .filter(|&u| {
                let t = self.ix.s.tin[u];
                let unit = &self.ix.l.units[u];
                t > s.lo
                    && t < s.hi
                    && unit.since.is_none_or(|d| d <= ctx.as_of)
                    && unit.until.is_none_or(|d| d >= ctx.from)
            })
            .collect()
    }

    /// The rows of one scope unit, in slot order, targets right after their metric. `vals`
    /// has a value for each slot worked out before (by an earlier evaluation of the same
    /// query), `None` for the rest; the wanted ones are worked out and kept there.
    pub(crate) fn scope_rows(
        &self,
        ctx: &Ctx<'_, 'a>,
        s: Scope,
        vals: &mut [Option<Val>],
        rows: &mut Vec<MetricRow>,
    ) {
        let scope_id: &UnitId = &self.ix.l.units[s.unit].id;
        let scope_name: &str = &self.ix.l.units[s.unit].name;
        // The counting target of each targeted metric at this scope.
        let targets: Vec<(&MetricId, TargetIx)> = self
            .targets
            .get(&s.unit)
            .map(|list| {
                list.iter()
                    .filter_map(|(m, ts)| {
                        super::targets::select(&self.ix.l, ts, ctx.as_of).map(|t| (m, t))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let target_of = |slot: &SlotInfo| {
            targets
                .iter()
                .find(|(m, _)| **m == slot.id)
                .map(|t| &self.ix.l.targets[t.1])
        };
        // Which rows are asked for: the metric's own, or the achievement of its target.
        let wanted: Vec<(bool, bool)> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                (
                    ctx.out_mask[i],
                    ctx.target_mask[i] && target_of(slot).is_some(),
                )
            })
            .collect();
        // Each group with a wanted member works out its figures once and fills every member.
        for (i, (slot, want)) in self.slots.iter().zip(&wanted).enumerate() {
            if (want.0 || want.1) && vals[i].is_none() {
                slot.group.eval(ctx, s, vals);
            }
        }
        for ((slot, (want_row, want_target)), val) in
            self.slots.iter().zip(wanted).zip(vals.iter().copied())
        {
            // Every slot belongs to a group (`Plan`), so a wanted slot has its value.
            let Some(val) = val else { continue };
            let target = target_of(slot);
            if want_row {
                rows.push(MetricRow {
                    metric: slot.id.clone(),
                    scope: scope_id.clone(),
                    scope_name: scope_name.to_string(),
                    value: val.value,
                    numerator: val.numerator,
                    denominator: val.denominator,
                    target: target.map(|t| t.value),
                    due: target.map(|t| t.due),
                    kind: slot.kind,
                });
            }
            if let (true, Some(t)) = (want_target, target) {
                let a = (super::targets::ACHIEVEMENT.value)(&super::targets::Achieved {
                    value: val.value,
                    target: t.value,
                    baseline: t.baseline,
                });
                rows.push(MetricRow {
                    metric: slot.target_row.clone(),
                    scope: scope_id.clone(),
                    scope_name: scope_name.to_string(),
                    value: a.value,
                    numerator: a.numerator,
                    denominator: a.denominator,
                    target: None,
                    due: None,
                    kind: MetricKind::Ratio,
                });
            }
        }
    }

    /// One row per key task in scope (ledger order): status, actual, expected, forecast.
    pub fn tasks(&self, q: &Query) -> Result<Vec<TaskRow>, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(tasks::rows(&ctx))
    }

    /// One row per duty obligation in scope (duties in ledger order, then obligations in the
    /// order of the records that make them), existing by `as_of`.
    pub fn obligations(&self, q: &Query) -> Result<Vec<ObligationRow>, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(duties::rows(&ctx))
    }

    /// One row per above-scale enterprise in scope active on `as_of` (ledger order): which
    /// coverage it has and through what.
    pub fn enterprises(&self, q: &Query) -> Result<Vec<EnterpriseRow>, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(coverage::rows(&ctx))
    }

    /// One row per cadre in scope (people in ledger order): age, young, roles.
    pub fn cadres(&self, q: &Query) -> Result<Vec<CadreRow>, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(cadres::rows(&ctx))
    }

    /// Whether `id` (a unit, an organisation or an initiative) lies in the subtree of unit
    /// `scope`: every unit it belongs to (a unit itself; an organisation's hosts; an
    /// initiative's unit, or the root when it has none) is `scope` or below it. An id or
    /// scope the ledger does not know is within nothing. This is what limits a token of the
    /// service to its subtree.
    ///
    /// ```
    /// use dangjian::metrics::Engine;
    /// use dangjian::model::UnitId;
    ///
    /// let ledger = dangjian::example();
    /// let engine = Engine::new(&ledger);
    /// let root = &ledger.roots().next().unwrap().id;
    /// assert!(engine.is_within(root, "xizhou_road"));
    /// assert!(!engine.is_within(&UnitId::new("xizhou_road"), root.as_str()));
    /// assert!(!engine.is_within(root, "no such unit"));
    /// ```
    pub fn is_within(&self, scope: &UnitId, id: &str) -> bool {
        let (Some(scope), Some(id)) = (Sym::existing(scope.as_str()), Sym::existing(id)) else {
            return false;
        };
        let (Some(u), Some(n)) = (self.ix.unit_of(scope), self.ix.node_of(id)) else {
            return false;
        };
        let s = self.ix.scope_of(u);
        let anchors = self.ix.anchors(n);
        !anchors.is_empty() && anchors.iter().all(|&t| t >= s.lo && t < s.hi)
    }

    /// Evaluates `q` at every month end (or Sunday) in `[start, end]`, reusing the indexes.
    /// `q.as_of` is replaced by each date; `q.from`, when given, is the window start of every
    /// evaluation, else each uses 1 January of its own year.
    pub fn trend(
        &self,
        q: &Query,
        start: NaiveDate,
        end: NaiveDate,
        freq: Freq,
    ) -> Result<Vec<Evaluation>, QueryError> {
        let dates = match freq {
            Freq::Month => calendar::month_ends(start, end),
            Freq::Week => calendar::sundays(start, end),
        };
        if start > end || dates.is_empty() {
            return Err(QueryError::BadTrendRange {
                start,
                end,
                what: freq.what(),
            });
        }
        dates
            .into_iter()
            .map(|d| {
                let qd = Query {
                    as_of: Some(d),
                    ..q.clone()
                };
                self.evaluate(&qd)
            })
            .collect()
    }
}

/// How many queries a [`Memo`] keeps (the least recently asked goes first).
const MEMO_QUERIES: usize = 16;
/// Evaluations with more scope rows than this (large breakdowns) are not kept.
const MEMO_SCOPES: usize = 4096;

/// The values of earlier evaluations of an engine, by query and scope row, kept so that
/// asking again costs only the rows, and after an [`Engine::append`] only the metrics that
/// read what it added are worked out again ([`Memo::forget`]). Use one memo with one engine.
#[derive(Default)]
pub struct Memo {
    /// Most recently asked last.
    entries: Vec<MemoEntry>,
}

#[derive(Clone)]
struct MemoEntry {
    query: Query,
    as_of: NaiveDate,
    from: NaiveDate,
    scopes: rustc_hash::FxHashMap<UnitIx, Vec<Option<Val>>>,
}

impl Memo {
    /// The entry of `q` resolved to `as_of` and `from`, made (empty) when there is none.
    fn entry(&mut self, q: &Query, as_of: NaiveDate, from: NaiveDate) -> &mut MemoEntry {
        let found = self
            .entries
            .iter()
            .position(|e| e.as_of == as_of && e.from == from && e.query == *q);
        let entry = match found {
            Some(i) => self.entries.remove(i),
            None => {
                if self.entries.len() >= MEMO_QUERIES {
                    self.entries.remove(0);
                }
                MemoEntry {
                    query: q.clone(),
                    as_of,
                    from,
                    scopes: Default::default(),
                }
            }
        };
        self.entries.push(entry);
        let last = self.entries.len() - 1;
        &mut self.entries[last]
    }

    /// Forgets the values that read what `added` appended to `engine`'s ledger (and every
    /// value of a query whose default date moved with it).
    pub fn forget(&mut self, engine: &Engine<'_>, added: &Appended) {
        let l = engine.ledger();
        let stale: Vec<bool> = engine
            .slots
            .iter()
            .map(|s| s.group.reads(l, added))
            .collect();
        if added.latest_moved {
            self.entries.retain(|e| e.query.as_of.is_some());
        }
        for e in &mut self.entries {
            for vals in e.scopes.values_mut() {
                for (v, &st) in vals.iter_mut().zip(&stale) {
                    if st {
                        *v = None;
                    }
                }
            }
        }
    }

    /// A copy of the values kept for query `q` (at every date it was asked for), as a memo
    /// of its own: a reader evaluates with it without holding the shared memo, then gives
    /// it back ([`Memo::absorb`]), so that readers never wait on each other, and readers
    /// of one query at once each start from the values kept.
    pub fn query_copy(&self, q: &Query) -> Memo {
        Memo {
            entries: self
                .entries
                .iter()
                .filter(|e| e.query == *q)
                .cloned()
                .collect(),
        }
    }

    /// Keeps the values of `other` (a [`Memo::query_copy`] evaluated with), in place of any
    /// kept for the same query and dates.
    pub fn absorb(&mut self, other: Memo) {
        for e in other.entries {
            self.entries
                .retain(|x| !(x.query == e.query && x.as_of == e.as_of && x.from == e.from));
            if self.entries.len() >= MEMO_QUERIES {
                self.entries.remove(0);
            }
            self.entries.push(e);
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::index::{act_kind_named, ActivityIx, OrgIx, PersonIx, LIFE_CHUNK};
    use crate::model::{Org, OrgKind, Sym, Unit, UnitKind};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn euler_intervals_nest() {
        let mut l = Ledger::new();
        l.units.push(Unit::new("r", UnitKind::District, "r"));
        l.units
            .push(Unit::new("a", UnitKind::Area, "a").with_parent("r"));
        l.units
            .push(Unit::new("v", UnitKind::Village, "v").with_parent("a"));
        l.units
            .push(Unit::new("b", UnitKind::Area, "b").with_parent("r"));
        let e = Engine::new(&l);
        let scope = |u: usize| e.ix.scope_of(UnitIx::new(u));
        let (r, a, v, b) = (scope(0), scope(1), scope(2), scope(3));
        assert!(r.contains(a.lo) && r.contains(v.lo) && r.contains(b.lo));
        assert!(a.contains(v.lo) && !a.contains(b.lo) && !b.contains(v.lo));
        assert!(!v.contains(a.lo));
    }

    #[test]
    fn an_org_with_two_hosts_in_scope_counts_once() {
        let mut l = Ledger::new();
        l.units.push(Unit::new("r", UnitKind::District, "r"));
        l.units
            .push(Unit::new("v1", UnitKind::Village, "v1").with_parent("r"));
        l.units
            .push(Unit::new("v2", UnitKind::Village, "v2").with_parent("r"));
        l.orgs.push(Org::new(
            "o",
            OrgKind::JointBranch,
            "o",
            vec!["v1".into(), "v2".into()],
            d(2019, 1, 1),
        ));
        let e = Engine::new(&l);
        let o = OrgIx::new(0);
        assert_eq!(e.ix.orgs_in(e.ix.scope_of(UnitIx::new(0))), vec![o]);
        assert_eq!(e.ix.orgs_in(e.ix.scope_of(UnitIx::new(2))), vec![o]);
    }

    #[test]
    fn cycles_and_dangling_references_do_not_panic() {
        let mut l = Ledger::new();
        l.units
            .push(Unit::new("a", UnitKind::Area, "a").with_parent("b"));
        l.units
            .push(Unit::new("b", UnitKind::Area, "b").with_parent("a"));
        l.units
            .push(Unit::new("c", UnitKind::Area, "c").with_parent("nowhere"));
        let e = Engine::new(&l);
        let q = Query {
            as_of: Some(d(2019, 7, 31)),
            ..Query::default()
        };
        assert_eq!(e.evaluate(&q).unwrap_err(), QueryError::NoRoot);
    }

    #[test]
    fn the_activity_index_gives_each_subject_and_kind_its_activities_by_date() {
        use crate::model::Activity;
        let mut l = Ledger::new();
        for id in ["r", "a", "b", "c"] {
            let u = Unit::new(id, UnitKind::Village, id);
            l.units.push(if id == "r" { u } else { u.with_parent("r") });
        }
        // Unit `b` has none; `a` and `c` have two kinds each, out of date order; one
        // activity names no unit or org and is in no subject's list.
        let acts = [
            ("patrol", d(2019, 3, 1), "c"),
            ("visit", d(2019, 2, 1), "a"),
            ("patrol", d(2019, 1, 5), "a"),
            ("patrol", d(2019, 1, 1), "a"),
            ("visit", d(2019, 1, 9), "c"),
            ("patrol", d(2019, 1, 2), "nowhere"),
            ("patrol", d(2019, 1, 1), "c"),
        ];
        for (kind, date, subject) in acts {
            l.activities.push(Activity::new(kind, date, subject));
        }
        let e = Engine::new(&l);
        let patrol = act_kind_named("patrol").unwrap();
        let visit = act_kind_named("visit").unwrap();
        let node = |id: &str| e.ix.node_of(Sym::new(id)).unwrap();
        assert_eq!(
            e.ix.activities(node("a"), patrol),
            (
                &[d(2019, 1, 1), d(2019, 1, 5)][..],
                &[ActivityIx::new(3), ActivityIx::new(2)][..]
            )
        );
        assert_eq!(
            e.ix.activities(node("a"), visit),
            (&[d(2019, 2, 1)][..], &[ActivityIx::new(1)][..])
        );
        assert_eq!(e.ix.activities(node("b"), patrol), (&[][..], &[][..]));
        assert_eq!(
            e.ix.activities(node("c"), patrol),
            (
                &[d(2019, 1, 1), d(2019, 3, 1)][..],
                &[ActivityIx::new(6), ActivityIx::new(0)][..]
            )
        );
        assert_eq!(
            e.ix.activities(node("c"), visit),
            (&[d(2019, 1, 9)][..], &[ActivityIx::new(4)][..])
        );
        assert_eq!(e.ix.activities(node("r"), patrol), (&[][..], &[][..]));
    }

    #[test]
    fn the_people_of_org_life_activities_resolve_across_chunk_boundaries() {
        use crate::model::{Activity, Person};
        let mut l = Ledger::new();
        l.units.push(Unit::new("r", UnitKind::District, "r"));
        for p in ["p0", "p1", "p2"] {
            l.people.push(Person::new(p, p));
        }
        // Enough activities to fill a chunk and start the next; every third is a branch
        // assembly listing people (one unknown), the others patrols listing none.
        let n = LIFE_CHUNK + 5;
        for i in 0..n {
            let mut a = if i % 3 == 0 {
                Activity::new("member_assembly", d(2019, 1, 1), "r")
            } else {
                Activity::new("patrol", d(2019, 1, 1), "r")
            };
            if i % 3 == 0 {
                let third = ["p0", "p1", "p2"][(i / 3) % 3];
                a.people = ["p0", "nobody", third]
                    .into_iter()
                    .map(Into::into)
                    .collect();
            }
            l.activities.push(a);
        }
        let e = Engine::new(&l);
        let p = |i: usize| PersonIx::new(i);
        for i in [
            0,
            1,
            3,
            LIFE_CHUNK - 2,
            LIFE_CHUNK - 1,
            LIFE_CHUNK,
            LIFE_CHUNK + 1,
            n - 1,
        ] {
            let want: Vec<PersonIx> = if i % 3 == 0 {
                vec![p(0), p((i / 3) % 3)]
            } else {
                Vec::new()
            };
            assert_eq!(
                e.ix.life_people(ActivityIx::new(i)),
                want.as_slice(),
                "activity {i}"
            );
        }
        assert_eq!(e.ix.life_people(ActivityIx::new(n)), &[][..]);
    }
}
