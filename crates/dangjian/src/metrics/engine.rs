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

use std::cell::OnceCell;
use std::sync::Arc;
// Fx hashing: string ids are looked up once per activity and attendee when indexing.
use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::catalogue::{self, target_row_id, targeted_metric, Family, Metric, MetricKind};
use super::{
    cadres, coverage, duties, filter_matches, indicators, orgs, prefixes_text, tasks, CadreRow,
    EnterpriseRow, Evaluation, Freq, LedgerMetric, MetricRow, ObligationRow, Query, QueryError,
    TaskRow,
};
use crate::calendar;
use crate::model::{ActivityKind, Ledger, Sym, SymMap, SymRows, UnitId, UnitKind, Vocabulary};

use super::ix::TiVec;
pub(crate) use super::ix::{InitIx, Node, OrgIx, PersonIx, Tin, UnitIx};

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
    /// A ratio: the value is null on an empty denominator.
    pub fn ratio(numerator: f64, denominator: f64) -> Val {
        let value = (denominator != 0.0)
            .then(|| numerator / denominator)
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
    /// A plain value (null when none).
    pub fn value(v: Option<f64>) -> Val {
        Val {
            value: v.filter(|x| x.is_finite()),
            numerator: None,
            denominator: None,
        }
    }
}

/// One metric of this ledger, in row order.
#[derive(Clone)]
pub(crate) struct SlotInfo {
    pub id: String,
    pub kind: MetricKind,
    /// `target.<...>`: the id of the achievement row of a target on this metric.
    pub target_row: String,
    /// The group computing it with the other metrics of its family (and duty or indicator).
    group: Arc<dyn Group>,
}

/// Metrics of one family (and one duty or indicator) computed together from one set of
/// figures.
trait Group: Send + Sync {
    /// Works out the figures at scope `s` once and writes the value of each member slot.
    fn eval(&self, ctx: &Ctx<'_, '_>, s: Scope, vals: &mut [Option<Val>]);
}

/// The members of one group of family `F`: which slot each metric of the family fills.
struct FamilyGroup<F: Family> {
    key: u32,
    members: Vec<(usize, &'static Metric<F::Figures>)>,
}

impl<F: Family> Group for FamilyGroup<F> {
    fn eval(&self, ctx: &Ctx<'_, '_>, s: Scope, vals: &mut [Option<Val>]) {
        let figures = F::figures(ctx, s, self.key);
        for (slot, m) in &self.members {
            if let Some(v) = vals.get_mut(*slot) {
                *v = Some((m.value)(&figures));
            }
        }
    }
}

/// The metrics of one ledger in row order, as the families of [`catalogue::FAMILIES`] add
/// them.
#[derive(Default)]
pub(crate) struct Plan {
    slots: Vec<SlotInfo>,
}

impl Plan {
    /// Adds every metric of family `F` in ledger `l`: its catalogue entries in order, each
    /// expanded over the ledger's duties or indicators when it is a template; one group per
    /// key.
    pub(crate) fn add_family<F: Family>(&mut self, l: &Ledger) {
        let first = self.slots.len();
        let mut planned: Vec<(u32, &'static Metric<F::Figures>, LedgerMetric)> = Vec::new();
        for m in F::METRICS {
            planned.extend(
                catalogue::expand(&m.def, l)
                    .into_iter()
                    .map(|(key, lm)| (key, m, lm)),
            );
        }
        let mut keys: Vec<u32> = planned.iter().map(|p| p.0).collect();
        keys.sort_unstable();
        keys.dedup();
        let groups: Vec<Arc<dyn Group>> = keys
            .iter()
            .map(|&key| {
                let members = planned
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.0 == key)
                    .map(|(i, p)| (first + i, p.1))
                    .collect();
                Arc::new(FamilyGroup::<F> { key, members }) as Arc<dyn Group>
            })
            .collect();
        for (key, _, lm) in planned {
            let g = keys.partition_point(|k| *k < key);
            self.slots.push(SlotInfo {
                target_row: target_row_id(&lm.id),
                id: lm.id,
                kind: lm.kind,
                group: groups[g].clone(),
            });
        }
    }
}

/// A query resolved against the ledger.
pub(crate) struct Ctx<'e, 'a> {
    pub e: &'e Engine<'a>,
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub scope: Scope,
    pub by: Option<UnitKind>,
    pub tolerance: f64,
    pub young_age: i32,
    /// Per slot: whether its row is output; whether its target row is output.
    out_mask: Vec<bool>,
    target_mask: Vec<bool>,
    pub(crate) tasks: OnceCell<TiVec<InitIx, Option<tasks::TaskEval>>>,
    pub(crate) cadres: OnceCell<cadres::CadreSet>,
    pub(crate) obligations: OnceCell<Vec<Vec<duties::ObligationEval>>>,
    pub(crate) enterprises: OnceCell<Vec<coverage::EnterpriseEval>>,
    pub(crate) org_life: OnceCell<Vec<Option<orgs::OrgLife>>>,
}

impl Ctx<'_, '_> {
    /// Whether the metric `id` (or the achievement of a target on it) is asked for.
    pub fn wants(&self, id: &str) -> bool {
        self.e
            .slots
            .iter()
            .enumerate()
            .any(|(i, s)| s.id == id && (self.out_mask[i] || self.target_mask[i]))
    }
}

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
    pub(crate) l: &'a Ledger,
    /// The index but the id tables and the activities.
    s: Structure,
    default_as_of: Option<NaiveDate>,
    /// Which nodes are units, orgs and initiatives.
    kinds: NodeKinds,
    /// Any unit, org or initiative id to its node.
    nodes: SymRows,
    /// Person id to person index.
    person_ix: SymRows,
    /// The activities, indexed by subject and kind.
    acts: ActivityIndex,
    /// Obligations of each duty.
    duties: Vec<duties::DutyIndex>,
    /// Indicator index.
    indicators: indicators::IndicatorIndex,
    /// The metrics of this ledger in row order.
    slots: Vec<SlotInfo>,
}

/// The activities, indexed: grouped by subject, then sorted by kind and date, and the people
/// of organisation-life activities resolved to person indices. Built on its own (and
/// alongside the rest of the index) from the node and person numbers.
struct ActivityIndex {
    /// The runs of each node (compressed rows into `runs`): node `n`'s are
    /// `runs[node_runs[n]..node_runs[n + 1]]`.
    node_runs: Vec<u32>,
    /// Each run: activities of one subject and kind (by [`act_kind`]), as the kind and the
    /// run's start in `sorted`/`dates`; the run ends where the next starts (a last entry
    /// marks the end).
    runs: Vec<(u32, u32)>,
    sorted: Vec<u32>,
    dates: Vec<NaiveDate>,
    /// The people listed in each organisation-life activity, as person indices, by
    /// chunks of [`LIFE_CHUNK`] activities (other activities have none).
    life: Vec<LifeChunk>,
}

/// An activity's subject node (`u32::MAX`: none), kind and date: its sort key.
type ActKey = (u32, u32, NaiveDate);

/// How many activities a [`LifeChunk`] covers.
const LIFE_CHUNK: usize = 64 * 1024;

/// The people of the organisation-life activities of one chunk, as compressed rows:
/// activity `j` of the chunk lists `people[ends[j - 1]..ends[j]]` (from 0 for the first).
struct LifeChunk {
    ends: Vec<u32>,
    people: Vec<PersonIx>,
}

impl ActivityIndex {
    fn build(l: &Ledger, nodes: &SymRows, person_ix: &SymRows) -> ActivityIndex {
        // One pass over the activities, in chunks on every core: each one's subject node,
        // kind and date (the sort keys, 12 dense bytes instead of the whole record), and
        // the people of organisation-life activities as person indices.
        let n_nodes = l.units.len() + l.orgs.len() + l.initiatives.len();
        // Organisation-life kinds as symbols: a number comparison per activity, not text.
        let life_kinds: Vec<Sym> = ActivityKind::ORG_LIFE
            .iter()
            .filter_map(|k| Sym::existing(k))
            .collect();
        let chunks: Vec<(Vec<ActKey>, LifeChunk)> = l
            .activities
            .par_chunks(LIFE_CHUNK)
            .map(|chunk| {
                let mut keys = Vec::with_capacity(chunk.len());
                let mut ends = Vec::with_capacity(chunk.len());
                let mut people = Vec::new();
                for a in chunk {
                    let n = nodes.get(a.subject.sym()).unwrap_or(u32::MAX);
                    keys.push((n, act_kind(a.kind.sym()), a.date));
                    if life_kinds.contains(&a.kind.sym()) {
                        people.extend(
                            a.people
                                .iter()
                                .filter_map(|p| person_ix.get(p.sym()))
                                .map(|p| PersonIx::new(p as usize)),
                        );
                    }
                    ends.push(people.len() as u32);
                }
                (keys, LifeChunk { ends, people })
            })
            .collect();
        let (keys, life): (Vec<_>, Vec<_>) = chunks.into_iter().unzip();

        // A counting sort by subject: the nodes are dense numbers, so each activity is
        // placed in its subject's bucket in two passes, and only the (small) buckets are
        // sorted by kind and date, on every core.
        let mut off = vec![0u32; n_nodes + 1];
        for &(n, _, _) in keys.iter().flatten() {
            if let Some(c) = off.get_mut(n as usize + 1) {
                *c += 1;
            }
        }
        for i in 0..n_nodes {
            off[i + 1] += off[i];
        }
        let total = off[n_nodes] as usize;
        let mut keyed: Vec<(u32, NaiveDate, u32)> = vec![(0, NaiveDate::MIN, 0); total];
        // The buckets are filled in parts of about equal size, each a range of nodes and
        // its own part of `keyed`, on every core: each part reads every key and places
        // those of its nodes.
        let parts = rayon::current_num_threads().max(1);
        let mut bounds = vec![0usize];
        for p in 1..parts {
            let want = (total * p / parts) as u32;
            bounds.push(off.partition_point(|&o| o < want).min(n_nodes));
        }
        bounds.push(n_nodes);
        bounds.dedup();
        let mut slices = Vec::with_capacity(bounds.len());
        let mut rest = keyed.as_mut_slice();
        for w in bounds.windows(2) {
            let (part, tail) = rest.split_at_mut((off[w[1]] - off[w[0]]) as usize);
            slices.push((w[0], w[1], part));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(lo, hi, part)| {
            let base = off[lo];
            let mut next: Vec<u32> = off[lo..hi].iter().map(|o| o - base).collect();
            for (i, &(n, kind, date)) in keys.iter().flatten().enumerate() {
                let n = n as usize;
                if (lo..hi).contains(&n) {
                    let at = &mut next[n - lo];
                    part[*at as usize] = (kind, date, i as u32);
                    *at += 1;
                }
            }
        });
        drop(keys);
        let mut buckets: Vec<&mut [(u32, NaiveDate, u32)]> = Vec::with_capacity(n_nodes);
        let mut rest = keyed.as_mut_slice();
        for n in 0..n_nodes {
            let (bucket, tail) = rest.split_at_mut((off[n + 1] - off[n]) as usize);
            if bucket.len() > 1 {
                buckets.push(bucket);
            }
            rest = tail;
        }
        buckets.par_iter_mut().for_each(|b| b.sort_unstable());
        drop(buckets);
        let mut node_runs = Vec::with_capacity(n_nodes + 1);
        let mut runs = Vec::new();
        for n in 0..n_nodes {
            node_runs.push(runs.len() as u32);
            let (lo, hi) = (off[n] as usize, off[n + 1] as usize);
            for j in lo..hi {
                if j == lo || keyed[j].0 != keyed[j - 1].0 {
                    runs.push((keyed[j].0, j as u32));
                }
            }
        }
        node_runs.push(runs.len() as u32);
        runs.push((u32::MAX, total as u32));
        let (sorted, dates) = rayon::join(
            || keyed.par_iter().map(|k| k.2).collect(),
            || keyed.par_iter().map(|k| k.1).collect(),
        );

        ActivityIndex {
            node_runs,
            runs,
            sorted,
            dates,
            life,
        }
    }

    /// The dates of the activities of `kind` about `subject`, sorted, with the activity
    /// indices alongside.
    fn of(&self, subject: Node, kind: u32) -> (&[NaiveDate], &[u32]) {
        let s = subject.index();
        let (Some(&r0), Some(&r1)) = (self.node_runs.get(s), self.node_runs.get(s + 1)) else {
            return (&[], &[]);
        };
        // A subject has activities of a few kinds: a scan of its runs.
        for j in r0 as usize..r1 as usize {
            if self.runs[j].0 == kind {
                let (a, b) = (self.runs[j].1 as usize, self.runs[j + 1].1 as usize);
                return (&self.dates[a..b], &self.sorted[a..b]);
            }
        }
        (&[], &[])
    }

    /// The people (person indices) listed in organisation-life activity `a`.
    fn life_people(&self, a: u32) -> &[PersonIx] {
        let (c, j) = (a as usize / LIFE_CHUNK, a as usize % LIFE_CHUNK);
        let Some(chunk) = self.life.get(c) else {
            return &[];
        };
        let start = j.checked_sub(1).map_or(0, |k| chunk.ends[k]);
        match chunk.ends.get(j) {
            Some(&end) => &chunk.people[start as usize..end as usize],
            None => &[],
        }
    }
}

/// The number of an activity kind in the engine's activity index: its symbol's number.
pub(crate) fn act_kind(kind: Sym) -> u32 {
    kind.index() as u32
}

/// The number of the activity kind spelt `kind`, if any activity could have it (a text never
/// interned is no activity's kind).
pub(crate) fn act_kind_named(kind: &str) -> Option<u32> {
    Sym::existing(kind).map(act_kind)
}

/// Lists of numbers per key `0..n`, laid end to end (compressed rows): two allocations in
/// all instead of one per key, which on a province's million people is most of the cost.
#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    off: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// The groups of `(key, item)` pairs (keys below `n`), each group in pair order.
    fn new(n: usize, pairs: Vec<(u32, u32)>) -> Groups {
        let mut off = vec![0u32; n + 1];
        for &(k, _) in &pairs {
            off[k as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut next = off.clone();
        let mut items = vec![0u32; pairs.len()];
        for (k, x) in pairs {
            let at = &mut next[k as usize];
            items[*at as usize] = x;
            *at += 1;
        }
        Groups { off, items }
    }
}

impl std::ops::Index<usize> for Groups {
    type Output = [u32];
    /// The group of key `k` (empty beyond the keys).
    fn index(&self, k: usize) -> &[u32] {
        match (self.off.get(k), self.off.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// `n` empty lists, indexed by `K`.
fn empty_lists<K, V>(n: usize) -> TiVec<K, Vec<V>> {
    (0..n).map(|_| Vec::new()).collect()
}

fn kind_pos<V: Vocabulary + PartialEq>(v: V) -> usize {
    V::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

/// The ids and the unit tree, without the activities: what resolving a reference, finding
/// a node's anchors and walking the units need. The engine answers the same questions;
/// this view lets the duty and indicator indexes be built alongside the activity index.
#[derive(Clone, Copy)]
pub(crate) struct Lookup<'x> {
    pub l: &'x Ledger,
    s: &'x Structure,
    nodes: &'x SymRows,
    kinds: NodeKinds,
}

impl<'x> Lookup<'x> {
    /// The anchors (sorted entry numbers of the units it belongs to) of a node.
    pub(crate) fn anchors(self, n: Node) -> &'x [Tin] {
        let next = Node::new(n.index() + 1);
        match (self.s.anchor_off.get(n), self.s.anchor_off.get(next)) {
            (Some(&a), Some(&b)) => &self.s.anchor_tin[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The node of a unit, org or initiative id.
    pub(crate) fn node_of(self, id: Sym) -> Option<Node> {
        self.nodes.get(id).map(|n| Node::new(n as usize))
    }

    /// Every unit, in ledger order.
    pub(crate) fn units(self) -> impl Iterator<Item = UnitIx> {
        (0..self.l.units.len()).map(UnitIx::new)
    }

    /// The Euler-tour entry number of unit `u`.
    pub(crate) fn tour_entry(self, u: UnitIx) -> Tin {
        self.s.tin[u]
    }

    /// The node of an org.
    pub(crate) fn org_node(self, o: OrgIx) -> Node {
        self.kinds.of_org(o)
    }

    /// The node of an initiative.
    pub(crate) fn init_node(self, i: InitIx) -> Node {
        self.kinds.of_init(i)
    }

    /// The node of a unit.
    pub(crate) fn unit_node(self, u: UnitIx) -> Node {
        Node::new(u.index())
    }

    /// The org of a node, if it is an org.
    pub(crate) fn node_org(self, n: Node) -> Option<OrgIx> {
        self.kinds.org(n.index())
    }

    /// The initiative of a node, if it is an initiative.
    pub(crate) fn node_init(self, n: Node) -> Option<InitIx> {
        self.kinds.init(n.index())
    }

    /// The unit of a node, if it is a unit.
    pub(crate) fn node_unit(self, n: Node) -> Option<UnitIx> {
        self.kinds.unit(n.index())
    }

    /// The unit an id names, if it names a unit.
    pub(crate) fn unit_of(self, id: Sym) -> Option<UnitIx> {
        self.node_of(id).and_then(|n| self.node_unit(n))
    }
}

/// Engine methods that answer through its [`Lookup`].
macro_rules! through_lookup {
    ($($(#[$m:meta])* $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {$(
        $(#[$m])*
        pub(crate) fn $name(&self, $($arg: $ty),*) -> $ret {
            self.lookup().$name($($arg),*)
        }
    )*};
}

/// Everything `Engine::new` indexes but the activities and the id tables: the unit tree,
/// anchors, organisations, people and roles, initiatives, designations and targets.
struct Structure {
    /// The first root unit (the ledger's scope by default).
    root: Option<UnitIx>,
    /// Euler-tour entry number and exit bound of each unit.
    tin: TiVec<UnitIx, Tin>,
    tout: TiVec<UnitIx, Tin>,
    /// Anchors of each node (compressed rows).
    anchor_off: TiVec<Node, u32>,
    anchor_tin: Vec<Tin>,
    /// Units of each kind (by `Vocabulary::ALL` position), in ledger order.
    units_by_kind: Vec<Vec<UnitIx>>,
    /// Units of each kind as `(tin, unit)`, sorted.
    units_by_kind_tin: Vec<Vec<(Tin, UnitIx)>>,
    /// Every org at each of its anchors, sorted.
    org_entries: Vec<(Tin, OrgIx)>,
    /// Orgs listing each unit among their hosts.
    orgs_by_host: TiVec<UnitIx, Vec<OrgIx>>,
    /// `group` orgs whose parent is each org.
    child_groups: TiVec<OrgIx, Vec<OrgIx>>,
    /// Election dates of each org, sorted.
    elections: TiVec<OrgIx, Vec<NaiveDate>>,
    /// Each org's members' `confirmed` dates, sorted (members without one left out).
    confirmed_by_org: TiVec<OrgIx, Vec<NaiveDate>>,
    /// Each org's members by `joined` (members without one left out), sorted.
    joined_by_org: TiVec<OrgIx, Vec<(NaiveDate, PersonIx)>>,
    /// Each person's membership org.
    person_org: TiVec<PersonIx, Option<OrgIx>>,
    /// Roles targeting each node, in ledger order.
    roles_by_target: Groups,
    /// Roles of each person, in ledger order.
    roles_by_person: Groups,
    /// Cadre roles sorted by start.
    cadre_roles_by_start: Vec<u32>,
    /// Key tasks at their anchor, sorted.
    key_tasks: Vec<(Tin, InitIx)>,
    /// Progress updates of each initiative, sorted by date (ledger order on ties).
    progress: TiVec<InitIx, Vec<u32>>,
    /// Units holding each designation (each unit once), sorted by anchor.
    designated: SymMap<Vec<(Tin, UnitIx)>>,
    /// Designation records of each unit.
    designations_by_unit: TiVec<UnitIx, Vec<u32>>,
    /// Above-scale enterprises as `(tin, unit)`, sorted.
    enterprises: Vec<(Tin, UnitIx)>,
    /// Targets of each scope unit: targeted metric and target rows.
    targets: HashMap<UnitIx, Vec<(String, Vec<u32>)>>,
}

/// Which kind of node a node number is: units `0..U`, orgs `U..U+O`, initiatives after.
#[derive(Clone, Copy)]
struct NodeKinds {
    units: usize,
    orgs: usize,
}

impl NodeKinds {
    fn of(l: &Ledger) -> NodeKinds {
        NodeKinds {
            units: l.units.len(),
            orgs: l.orgs.len(),
        }
    }
    fn unit(self, n: usize) -> Option<UnitIx> {
        (n < self.units).then(|| UnitIx::new(n))
    }
    fn org(self, n: usize) -> Option<OrgIx> {
        (self.units..self.units + self.orgs)
            .contains(&n)
            .then(|| OrgIx::new(n - self.units))
    }
    fn init(self, n: usize) -> Option<InitIx> {
        (n >= self.units + self.orgs).then(|| InitIx::new(n - self.units - self.orgs))
    }
    fn of_org(self, o: OrgIx) -> Node {
        Node::new(self.units + o.index())
    }
    fn of_init(self, i: InitIx) -> Node {
        Node::new(self.units + self.orgs + i.index())
    }
}

impl Structure {
    fn build(l: &Ledger, nodes: &SymRows, person_ix: &SymRows) -> Structure {
        let kinds = NodeKinds::of(l);
        let n_nodes = l.units.len() + l.orgs.len() + l.initiatives.len();
        let node = |id: Sym| nodes.get(id).map(|n| n as usize);
        let unit_of = |id: Sym| node(id).and_then(|n| kinds.unit(n));
        let org_of = |id: Sym| node(id).and_then(|n| kinds.org(n));
        let init_of = |id: Sym| node(id).and_then(|n| kinds.init(n));
        let person_of = |id: Sym| person_ix.get(id).map(|p| PersonIx::new(p as usize));

        // The unit tree, numbered by an Euler tour from the first root; units not reached
        // (other roots, cycles) get their own intervals after.
        let mut children: TiVec<UnitIx, Vec<UnitIx>> = empty_lists(l.units.len());
        let mut roots = Vec::new();
        for (i, u) in l.units.iter().enumerate() {
            let i = UnitIx::new(i);
            match u.parent.as_ref().and_then(|p| unit_of(p.sym())) {
                Some(p) if p != i => children[p].push(i),
                _ if u.parent.is_none() => roots.push(i),
                _ => {}
            }
        }
        let root = roots.first().copied();
        let unvisited = Tin::new(u32::MAX as usize);
        let mut tin: TiVec<UnitIx, Tin> = vec![unvisited; l.units.len()].into();
        let mut tout: TiVec<UnitIx, Tin> = vec![Tin::default(); l.units.len()].into();
        let mut clock = Tin::default();
        let mut starts: Vec<UnitIx> = roots.clone();
        starts.extend((0..l.units.len()).map(UnitIx::new));
        for s in starts {
            if tin[s] != unvisited {
                continue;
            }
            let mut stack: Vec<(UnitIx, usize)> = vec![(s, 0)];
            tin[s] = clock;
            clock = clock.next();
            while let Some((u, next)) = stack.last_mut() {
                let u = *u;
                match children[u].get(*next) {
                    Some(&c) => {
                        *next += 1;
                        if tin[c] == unvisited {
                            tin[c] = clock;
                            clock = clock.next();
                            stack.push((c, 0));
                        }
                    }
                    None => {
                        tout[u] = clock;
                        stack.pop();
                    }
                }
            }
        }

        // Anchors of every node.
        let mut anchor_off: TiVec<Node, u32> = TiVec::with_capacity(n_nodes + 1);
        let mut anchor_tin = Vec::with_capacity(n_nodes + l.orgs.len());
        anchor_off.push(0u32);
        for t in &tin {
            anchor_tin.push(*t);
            anchor_off.push(anchor_tin.len() as u32);
        }
        for o in &l.orgs {
            let mut a: Vec<Tin> = o
                .hosts
                .iter()
                .filter_map(|h| unit_of(h.sym()))
                .map(|u| tin[u])
                .collect();
            a.sort_unstable();
            a.dedup();
            anchor_tin.extend(a);
            anchor_off.push(anchor_tin.len() as u32);
        }
        for i in &l.initiatives {
            let u = match &i.unit {
                Some(u) => unit_of(u.sym()),
                None => root,
            };
            anchor_tin.extend(u.map(|u| tin[u]));
            anchor_off.push(anchor_tin.len() as u32);
        }
        let anchors_of = |n: Node| {
            &anchor_tin[anchor_off[n] as usize..anchor_off[Node::new(n.index() + 1)] as usize]
        };

        let mut units_by_kind = vec![Vec::new(); UnitKind::ALL.len()];
        let mut units_by_kind_tin = vec![Vec::new(); UnitKind::ALL.len()];
        let mut enterprises = Vec::new();
        for (i, u) in l.units.iter().enumerate() {
            let (i, k) = (UnitIx::new(i), kind_pos(u.kind));
            units_by_kind[k].push(i);
            units_by_kind_tin[k].push((tin[i], i));
            if u.kind == UnitKind::Enterprise && u.above_scale {
                enterprises.push((tin[i], i));
            }
        }
        for v in &mut units_by_kind_tin {
            v.sort_unstable();
        }
        enterprises.sort_unstable();

        let mut org_entries = Vec::new();
        let mut orgs_by_host = empty_lists(l.units.len());
        let mut child_groups = empty_lists(l.orgs.len());
        for (i, o) in l.orgs.iter().enumerate() {
            let i = OrgIx::new(i);
            for &t in anchors_of(kinds.of_org(i)) {
                org_entries.push((t, i));
            }
            let mut hosts: Vec<UnitIx> = o.hosts.iter().filter_map(|h| unit_of(h.sym())).collect();
            hosts.sort_unstable();
            hosts.dedup();
            for h in hosts {
                orgs_by_host[h].push(i);
            }
            if o.kind == crate::model::OrgKind::Group {
                if let Some(p) = o.parent.as_ref().and_then(|p| org_of(p.sym())) {
                    child_groups[p].push(i);
                }
            }
        }
        org_entries.sort_unstable();

        let mut elections = empty_lists(l.orgs.len());
        for e in &l.elections {
            if let Some(o) = org_of(e.org.sym()) {
                elections[o].push(e.date);
            }
        }
        for v in &mut elections {
            v.sort_unstable();
        }

        let mut person_org = TiVec::with_capacity(l.people.len());
        let mut confirmed_by_org = empty_lists(l.orgs.len());
        let mut joined_by_org = empty_lists(l.orgs.len());
        for (i, p) in l.people.iter().enumerate() {
            let o = p.org.as_ref().and_then(|o| org_of(o.sym()));
            person_org.push(o);
            if let Some(o) = o {
                if let Some(c) = p.confirmed {
                    confirmed_by_org[o].push(c);
                }
                if let Some(j) = p.joined {
                    joined_by_org[o].push((j, PersonIx::new(i)));
                }
            }
        }
        for v in &mut confirmed_by_org {
            v.sort_unstable();
        }
        for v in &mut joined_by_org {
            v.sort_unstable();
        }

        let mut by_target = Vec::with_capacity(l.roles.len());
        let mut by_person = Vec::with_capacity(l.roles.len());
        let mut cadre_roles_by_start = Vec::new();
        for (i, r) in l.roles.iter().enumerate() {
            if let Some(n) = nodes.get(r.target.sym()) {
                by_target.push((n, i as u32));
            }
            if let Some(p) = person_of(r.person.sym()) {
                by_person.push((p.index() as u32, i as u32));
                if r.role.is_cadre() {
                    cadre_roles_by_start.push(i as u32);
                }
            }
        }
        let roles_by_target = Groups::new(n_nodes, by_target);
        let roles_by_person = Groups::new(l.people.len(), by_person);
        cadre_roles_by_start.sort_by_key(|&r| (l.roles[r as usize].start, r));

        let mut progress: TiVec<InitIx, Vec<u32>> =
            (0..l.initiatives.len()).map(|_| Vec::new()).collect();
        for (i, p) in l.progress.iter().enumerate() {
            if let Some(x) = init_of(p.initiative.sym()) {
                progress[x].push(i as u32);
            }
        }
        for v in &mut progress {
            v.sort_by_key(|&p| (l.progress[p as usize].date, p));
        }
        let mut key_tasks = Vec::new();
        for (i, x) in l.initiatives.iter().enumerate() {
            if x.kind == crate::model::InitiativeKind::KeyTask {
                let i = InitIx::new(i);
                for &t in anchors_of(kinds.of_init(i)) {
                    key_tasks.push((t, i));
                }
            }
        }
        key_tasks.sort_unstable();

        let mut designated: SymMap<Vec<(Tin, UnitIx)>> = SymMap::default();
        let mut designations_by_unit = empty_lists(l.units.len());
        for (i, d) in l.designations.iter().enumerate() {
            if let Some(u) = unit_of(d.unit.sym()) {
                designations_by_unit[u].push(i as u32);
                designated
                    .entry(d.designation.sym())
                    .or_default()
                    .push((tin[u], u));
            }
        }
        for v in designated.values_mut() {
            v.sort_unstable();
            v.dedup();
        }

        let mut targets: HashMap<UnitIx, Vec<(String, Vec<u32>)>> = HashMap::default();
        for (i, t) in l.targets.iter().enumerate() {
            let scope = match &t.scope {
                Some(s) => unit_of(s.sym()),
                None => root,
            };
            let Some(scope) = scope else { continue };
            let metric = targeted_metric(&t.metric);
            let list = targets.entry(scope).or_default();
            match list.iter_mut().find(|(m, _)| *m == metric) {
                Some((_, v)) => v.push(i as u32),
                None => list.push((metric, vec![i as u32])),
            }
        }

        Structure {
            root,
            tin,
            tout,
            anchor_off,
            anchor_tin,
            units_by_kind,
            units_by_kind_tin,
            org_entries,
            orgs_by_host,
            child_groups,
            elections,
            confirmed_by_org,
            joined_by_org,
            person_org,
            roles_by_target,
            roles_by_person,
            cadre_roles_by_start,
            key_tasks,
            progress,
            designated,
            designations_by_unit,
            enterprises,
            targets,
        }
    }
}

impl<'a> Engine<'a> {
    /// Indexes `ledger` once. Never fails: an invalid ledger (dangling references, cycles)
    /// gives an engine that ignores what does not resolve.
    pub fn new(ledger: &'a Ledger) -> Engine<'a> {
        let l = ledger;

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
        let (acts, (structure, duties, indicators, slots)) = rayon::join(
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
                (s, duties, indicators, slots(l))
            },
        );
        Engine {
            l,
            s: structure,
            default_as_of: l.latest_date(),
            kinds,
            nodes,
            person_ix,
            acts,
            duties,
            indicators,
            slots,
        }
    }

    // -- What the metric families read, by concern ------------------------------------

    /// The ids and the unit tree (see [`Lookup`]).
    pub(crate) fn lookup(&self) -> Lookup<'_> {
        Lookup {
            l: self.l,
            s: &self.s,
            nodes: &self.nodes,
            kinds: self.kinds,
        }
    }

    // The ids and the unit tree, as [`Lookup`] answers.
    through_lookup! {
        anchors(n: Node) -> &[Tin];
        node_of(id: Sym) -> Option<Node>;
        org_node(o: OrgIx) -> Node;
        init_node(i: InitIx) -> Node;
        unit_node(u: UnitIx) -> Node;
        node_org(n: Node) -> Option<OrgIx>;
        node_init(n: Node) -> Option<InitIx>;
        unit_of(id: Sym) -> Option<UnitIx>;
    }

    /// The person index of a person id.
    pub(crate) fn person_of(&self, id: Sym) -> Option<PersonIx> {
        self.person_ix.get(id).map(|p| PersonIx::new(p as usize))
    }

    /// The units of kind position `kind` (in `UnitKind::ALL`) in scope `s`, as
    /// `(tour entry, unit)`.
    pub(crate) fn units_of_kind_in(&self, kind: usize, s: Scope) -> &[(Tin, UnitIx)] {
        self.s
            .units_by_kind_tin
            .get(kind)
            .map_or(&[], |v| range(v, s))
    }

    /// The above-scale enterprises in scope `s`, as `(tour entry, unit)` in tour order.
    pub(crate) fn enterprises_in(&self, s: Scope) -> &[(Tin, UnitIx)] {
        range(&self.s.enterprises, s)
    }

    /// How many above-scale enterprises come before tour entry `lo` (the position of the
    /// first of a scope in the list of all of them).
    pub(crate) fn enterprises_before(&self, lo: Tin) -> usize {
        self.s.enterprises.partition_point(|x| x.0 < lo)
    }

    /// The orgs listing unit `u` among their hosts.
    pub(crate) fn orgs_hosted_by(&self, u: UnitIx) -> &[OrgIx] {
        self.s.orgs_by_host.get(u).map_or(&[], Vec::as_slice)
    }

    /// The party groups whose parent is org `o`.
    pub(crate) fn groups_of(&self, o: OrgIx) -> &[OrgIx] {
        self.s.child_groups.get(o).map_or(&[], Vec::as_slice)
    }

    /// The orgs in scope `s`, each once, in ledger order.
    pub(crate) fn orgs_in(&self, s: Scope) -> Vec<OrgIx> {
        select(&self.s.org_entries, s, |o| self.anchors(self.org_node(o)))
    }

    /// The election dates of org `o`, sorted.
    pub(crate) fn elections_of(&self, o: OrgIx) -> &[NaiveDate] {
        self.s.elections.get(o).map_or(&[], Vec::as_slice)
    }

    /// The `confirmed` dates of org `o`'s members, sorted.
    pub(crate) fn confirmed_in(&self, o: OrgIx) -> &[NaiveDate] {
        self.s.confirmed_by_org.get(o).map_or(&[], Vec::as_slice)
    }

    /// Org `o`'s members as `(joined, person)`, sorted.
    pub(crate) fn joined_in(&self, o: OrgIx) -> &[(NaiveDate, PersonIx)] {
        self.s.joined_by_org.get(o).map_or(&[], Vec::as_slice)
    }

    /// The membership org of person `p`.
    pub(crate) fn org_of_person(&self, p: PersonIx) -> Option<OrgIx> {
        self.s.person_org.get(p).copied().flatten()
    }

    /// The roles targeting node `n`, in ledger order.
    pub(crate) fn roles_targeting(&self, n: Node) -> &[u32] {
        &self.s.roles_by_target[n.index()]
    }

    /// The roles of person `p`, in ledger order.
    pub(crate) fn roles_of(&self, p: PersonIx) -> &[u32] {
        &self.s.roles_by_person[p.index()]
    }

    /// The cadre roles, sorted by start.
    pub(crate) fn cadre_roles_by_start(&self) -> &[u32] {
        &self.s.cadre_roles_by_start
    }

    /// The key tasks at their anchors, as `(tour entry, initiative)`, sorted.
    pub(crate) fn key_tasks(&self) -> &[(Tin, InitIx)] {
        &self.s.key_tasks
    }

    /// The key tasks in scope `s`, each once, in ledger order.
    pub(crate) fn key_tasks_in(&self, s: Scope) -> Vec<InitIx> {
        select(&self.s.key_tasks, s, |i| self.anchors(self.init_node(i)))
    }

    /// The progress updates of initiative `i`, by date.
    pub(crate) fn progress_of(&self, i: InitIx) -> &[u32] {
        self.s.progress.get(i).map_or(&[], Vec::as_slice)
    }

    /// The designation records of unit `u`.
    pub(crate) fn designations_of(&self, u: UnitIx) -> &[u32] {
        self.s
            .designations_by_unit
            .get(u)
            .map_or(&[], Vec::as_slice)
    }

    /// The units holding designation `d` in scope `s` (each once), as `(tour entry, unit)`;
    /// `None` when no unit ever held it.
    pub(crate) fn designated_in(&self, d: Sym, s: Scope) -> Option<&[(Tin, UnitIx)]> {
        self.s.designated.get(&d).map(|units| range(units, s))
    }

    /// The obligations index of every duty, by duty.
    pub(crate) fn duty_indices(&self) -> &[duties::DutyIndex] {
        &self.duties
    }

    /// The obligations index of duty `d`.
    pub(crate) fn duty_index(&self, d: usize) -> &duties::DutyIndex {
        &self.duties[d]
    }

    /// The indicator index.
    pub(crate) fn indicator_index(&self) -> &indicators::IndicatorIndex {
        &self.indicators
    }

    /// The scope of unit `u`.
    pub(crate) fn scope_of(&self, u: UnitIx) -> Scope {
        Scope {
            unit: u,
            lo: self.s.tin[u],
            hi: self.s.tout[u],
        }
    }

    /// The dates of the activities of `kind` about `subject`, sorted, with the activity
    /// indices alongside.
    pub(crate) fn activities(&self, subject: Node, kind: u32) -> (&[NaiveDate], &[u32]) {
        self.acts.of(subject, kind)
    }

    /// The people (person indices) listed in organisation-life activity `a`.
    pub(crate) fn life_people(&self, a: u32) -> &[PersonIx] {
        self.acts.life_people(a)
    }

    /// Resolves a query's defaults and checks it.
    pub(crate) fn resolve(&self, q: &Query) -> Result<Ctx<'_, 'a>, QueryError> {
        let root = self.s.root.ok_or(QueryError::NoRoot)?;
        let scope_unit = match &q.scope {
            Some(s) => self
                .unit_of(s.sym())
                .ok_or_else(|| QueryError::UnknownScope {
                    scope: s.as_str().to_string(),
                    root: self.l.units[root].id.as_str().to_string(),
                })?,
            None => root,
        };
        let as_of = q.as_of.or(self.default_as_of).ok_or(QueryError::NoAsOf)?;
        let from = q.from.unwrap_or_else(|| calendar::year_start(as_of));
        if from > as_of {
            return Err(QueryError::FromAfterAsOf { from, as_of });
        }
        let (out_mask, target_mask) = match &q.metrics {
            None => (vec![true; self.slots.len()], vec![true; self.slots.len()]),
            Some(filters) => {
                let prefixes = super::family_prefixes();
                for f in filters {
                    let known = prefixes.contains(&f.trim_end_matches('.'))
                        || self
                            .slots
                            .iter()
                            .any(|s| filter_matches(f, &s.id) || filter_matches(f, &s.target_row))
                        || self
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
                    self.slots.iter().map(|s| m(&s.id)).collect(),
                    self.slots.iter().map(|s| m(&s.target_row)).collect(),
                )
            }
        };
        Ok(Ctx {
            e: self,
            as_of,
            from,
            scope: self.scope_of(scope_unit),
            by: q.by,
            tolerance: q.at_risk_tolerance,
            young_age: q.young_age,
            out_mask,
            target_mask,
            tasks: OnceCell::new(),
            cadres: OnceCell::new(),
            obligations: OnceCell::new(),
            enterprises: OnceCell::new(),
            org_life: OnceCell::new(),
        })
    }

    /// Evaluates a query: the scope's rows, then one block of rows per breakdown unit.
    pub fn evaluate(&self, q: &Query) -> Result<Evaluation, QueryError> {
        let ctx = self.resolve(q)?;
        Ok(self.evaluate_ctx(&ctx))
    }

    fn evaluate_ctx(&self, ctx: &Ctx<'_, 'a>) -> Evaluation {
        let mut rows = Vec::new();
        self.scope_rows(ctx, ctx.scope, &mut rows);
        for u in self.breakdown_units(ctx) {
            self.scope_rows(ctx, self.scope_of(u), &mut rows);
        }
        Evaluation {
            as_of: ctx.as_of,
            from: ctx.from,
            scope: self.l.units[ctx.scope.unit].id.clone(),
            scope_name: self.l.units[ctx.scope.unit].name.clone(),
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
        let unit = &self.l.units[ctx.scope.unit];
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
        self.s.units_by_kind[kind_pos(by)]
            .iter()
            .copied()
            .filter(|&u| {
                let t = self.s.tin[u];
                let unit = &self.l.units[u];
                t > s.lo
                    && t < s.hi
                    && unit.since.is_none_or(|d| d <= ctx.as_of)
                    && unit.until.is_none_or(|d| d >= ctx.from)
            })
            .collect()
    }

    /// The rows of one scope unit, in slot order, targets right after their metric.
    fn scope_rows(&self, ctx: &Ctx<'_, 'a>, s: Scope, rows: &mut Vec<MetricRow>) {
        let scope_id: &UnitId = &self.l.units[s.unit].id;
        let scope_name: &str = &self.l.units[s.unit].name;
        // The counting target of each targeted metric at this scope.
        let targets: Vec<(&str, u32)> = self
            .s
            .targets
            .get(&s.unit)
            .map(|list| {
                list.iter()
                    .filter_map(|(m, ts)| {
                        super::targets::select(self.l, ts, ctx.as_of).map(|t| (m.as_str(), t))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let target_of = |slot: &SlotInfo| {
            targets
                .iter()
                .find(|(m, _)| *m == slot.id)
                .map(|t| &self.l.targets[t.1 as usize])
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
        let mut vals: Vec<Option<Val>> = vec![None; self.slots.len()];
        for (i, (slot, want)) in self.slots.iter().zip(&wanted).enumerate() {
            if (want.0 || want.1) && vals[i].is_none() {
                slot.group.eval(ctx, s, &mut vals);
            }
        }
        for ((slot, (want_row, want_target)), val) in self.slots.iter().zip(wanted).zip(vals) {
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

/// The metrics of a ledger in row order, each with the group computing it.
fn slots(l: &Ledger) -> Vec<SlotInfo> {
    let mut plan = Plan::default();
    for family in &catalogue::FAMILIES {
        family.plan(l, &mut plan);
    }
    plan.slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Org, OrgKind, Unit};

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
        let scope = |u: usize| e.scope_of(UnitIx::new(u));
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
        assert_eq!(e.orgs_in(e.scope_of(UnitIx::new(0))), vec![o]);
        assert_eq!(e.orgs_in(e.scope_of(UnitIx::new(2))), vec![o]);
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
        let node = |id: &str| e.node_of(Sym::new(id)).unwrap();
        assert_eq!(
            e.activities(node("a"), patrol),
            (&[d(2019, 1, 1), d(2019, 1, 5)][..], &[3u32, 2][..])
        );
        assert_eq!(
            e.activities(node("a"), visit),
            (&[d(2019, 2, 1)][..], &[1u32][..])
        );
        assert_eq!(e.activities(node("b"), patrol), (&[][..], &[][..]));
        assert_eq!(
            e.activities(node("c"), patrol),
            (&[d(2019, 1, 1), d(2019, 3, 1)][..], &[6u32, 0][..])
        );
        assert_eq!(
            e.activities(node("c"), visit),
            (&[d(2019, 1, 9)][..], &[4u32][..])
        );
        assert_eq!(e.activities(node("r"), patrol), (&[][..], &[][..]));
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
            assert_eq!(e.life_people(i as u32), want.as_slice(), "activity {i}");
        }
        assert_eq!(e.life_people(n as u32), &[][..]);
    }
}
