//! The engine's indexes, built once per ledger: every record a dense integer id, the unit tree
//! as an Euler tour, anchors, the activity index, and each family's own index (kept by type,
//! so this file knows no family). What the families read, they read here.
//!
//! Every record is given a dense integer id. Units, organisations and initiatives share one
//! id space of *nodes* (units first), so a role's target or an activity's subject is one
//! number. The unit tree is numbered by an Euler tour: a unit is below scope `s` exactly when
//! its entry number lies in `[tin(s), tout(s))`. Each node keeps its *anchors*, the entry
//! numbers of the units it belongs to (a unit itself; an org's hosts; an initiative's unit,
//! or the root when it has none), so "is in scope" is an interval test, and every family
//! keeps its items sorted by anchor: the items of one scope are a binary-searched range.
//! Nothing rescans the ledger per scope row or per evaluation date.

use std::any::{Any, TypeId};
// Fx hashing: string ids are looked up once per activity and attendee when indexing.
use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::ix::TiVec;
pub(crate) use super::ix::{
    ActivityIx, DesignationIx, DutyIx, InitIx, Node, OrgIx, PersonIx, ProgressIx, RoleIx, TargetIx,
    Tin, UnitIx,
};
use super::value::{range, select, targeted_metric, Scope};
use crate::model::{ActivityKind, Ledger, Sym, SymMap, SymRows, UnitKind, Vocabulary};

/// The indexes of one ledger (what [`super::Engine`] builds once): the ledger, the unit tree
/// and the rest of its structure, the id tables, the activities, and each family's own index.
pub(crate) struct Index<'a> {
    /// The ledger: borrowed ([`super::Engine::new`]) or owned ([`super::Engine::owning`]).
    pub(crate) l: std::borrow::Cow<'a, Ledger>,
    /// The index but the id tables and the activities.
    pub(crate) s: Structure,
    pub(crate) default_as_of: Option<NaiveDate>,
    /// Which nodes are units, orgs and initiatives.
    pub(crate) kinds: NodeKinds,
    /// Any unit, org or initiative id to its node.
    pub(crate) nodes: SymRows,
    /// Person id to person index.
    pub(crate) person_ix: SymRows,
    /// The activities, indexed by subject and kind.
    pub(crate) acts: ActivityIndex,
    /// The families' own indexes (the duties' obligations, the indicators), by type.
    pub(crate) data: FamilyData,
}

/// The indexes the families build for themselves, kept by their type: the index holds them
/// without knowing them.
#[derive(Default)]
pub(crate) struct FamilyData(Vec<(TypeId, Box<dyn Any + Send + Sync>)>);

impl FamilyData {
    /// Keeps `value` (one value per type).
    pub(crate) fn with<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.0.push((TypeId::of::<T>(), Box::new(value)));
        self
    }

    /// Replaces the value of type `T` (keeps it when there was none).
    pub(crate) fn set<T: Any + Send + Sync>(&mut self, value: T) {
        let want = TypeId::of::<T>();
        match self.0.iter_mut().find(|(t, _)| *t == want) {
            Some(slot) => slot.1 = Box::new(value),
            None => self.0.push((want, Box::new(value))),
        }
    }

    /// The value of type `T`, if one was kept (the type ids are compared first, without a
    /// call through each box).
    pub(crate) fn get<T: Any>(&self) -> Option<&T> {
        let want = TypeId::of::<T>();
        self.0
            .iter()
            .find(|(t, _)| *t == want)
            .and_then(|(_, v)| v.downcast_ref::<T>())
    }
}

/// The activities, indexed: grouped by subject, then sorted by kind and date, and the people
/// of organisation-life activities resolved to person indices. Built on its own (and
/// alongside the rest of the index) from the node and person numbers.
pub(crate) struct ActivityIndex {
    /// The runs of each node: node `n`'s are `runs[node_runs[n].0..node_runs[n].1]`.
    node_runs: Vec<(u32, u32)>,
    /// Each run: the activities of one subject and kind (by [`act_kind`]), sorted by date
    /// then number, at `sorted[start..end]` and `dates[start..end]`.
    runs: Vec<Run>,
    sorted: Vec<ActivityIx>,
    dates: Vec<NaiveDate>,
    /// The people listed in each organisation-life activity, as person indices, by
    /// chunks of [`LIFE_CHUNK`] activities (other activities have none).
    life: Vec<LifeChunk>,
    /// Entries of `sorted`/`dates` and of `runs` that no run or node points to any more:
    /// left behind when an append moved a run to the end (see [`ActivityIndex::push`]).
    stale: usize,
}

/// A run of [`ActivityIndex`]: a kind and where its activities lie.
#[derive(Clone, Copy, Debug)]
struct Run {
    kind: u32,
    start: u32,
    end: u32,
}

/// An activity's subject node (none when it names no unit, org or initiative), kind and
/// date: its sort key.
type ActKey = (Option<Node>, u32, NaiveDate);

/// How many activities a [`LifeChunk`] covers.
pub(crate) const LIFE_CHUNK: usize = 64 * 1024;

/// The people of the organisation-life activities of one chunk, as compressed rows:
/// activity `j` of the chunk lists `people[ends[j - 1]..ends[j]]` (from 0 for the first).
struct LifeChunk {
    ends: Vec<u32>,
    people: Vec<PersonIx>,
}

impl ActivityIndex {
    pub(crate) fn build(l: &Ledger, nodes: &SymRows, person_ix: &SymRows) -> ActivityIndex {
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
                    let n = nodes.get(a.subject.sym()).map(|n| Node::new(n as usize));
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
            if let Some(c) = n.and_then(|n| off.get_mut(n.index() + 1)) {
                *c += 1;
            }
        }
        for i in 0..n_nodes {
            off[i + 1] += off[i];
        }
        let total = off[n_nodes] as usize;
        let mut keyed: Vec<(u32, NaiveDate, ActivityIx)> =
            vec![(0, NaiveDate::MIN, ActivityIx::default()); total];
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
                let Some(n) = n.map(Node::index) else {
                    continue;
                };
                if (lo..hi).contains(&n) {
                    let at = &mut next[n - lo];
                    part[*at as usize] = (kind, date, ActivityIx::new(i));
                    *at += 1;
                }
            }
        });
        drop(keys);
        let mut buckets: Vec<&mut [(u32, NaiveDate, ActivityIx)]> = Vec::with_capacity(n_nodes);
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
        let mut node_runs = Vec::with_capacity(n_nodes);
        let mut runs: Vec<Run> = Vec::new();
        for n in 0..n_nodes {
            let first = runs.len() as u32;
            let (lo, hi) = (off[n] as usize, off[n + 1] as usize);
            for j in lo..hi {
                if j == lo || keyed[j].0 != keyed[j - 1].0 {
                    if let Some(last) = runs.last_mut().filter(|_| j > lo) {
                        last.end = j as u32;
                    }
                    runs.push(Run {
                        kind: keyed[j].0,
                        start: j as u32,
                        end: hi as u32,
                    });
                }
            }
            node_runs.push((first, runs.len() as u32));
        }
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
            stale: 0,
        }
    }

    /// Indexes one more activity, numbered `a` (the next number: every activity before it
    /// is indexed), about node `subject` (none when it names no unit, org or initiative), of
    /// `kind` (by [`act_kind`]) on `date`, listing `people` when it is an
    /// organisation-life activity. Its run grows in place when it is the last one; else it
    /// is copied to the end first (its old place goes stale until the next build), so that
    /// every run stays one sorted slice.
    pub(crate) fn push(
        &mut self,
        a: ActivityIx,
        subject: Option<Node>,
        kind: u32,
        date: NaiveDate,
        people: &[PersonIx],
    ) {
        let (c, j) = (a.index() / LIFE_CHUNK, a.index() % LIFE_CHUNK);
        if c == self.life.len() {
            self.life.push(LifeChunk {
                ends: Vec::new(),
                people: Vec::new(),
            });
        }
        if let Some(chunk) = self.life.get_mut(c).filter(|ch| ch.ends.len() == j) {
            chunk.people.extend_from_slice(people);
            chunk.ends.push(chunk.people.len() as u32);
        }
        let Some(&(r0, r1)) = subject.and_then(|n| self.node_runs.get(n.index())) else {
            return;
        };
        let n = subject.map_or(0, Node::index);
        let tail = self.dates.len();
        let found = (r0 as usize..r1 as usize).find(|&r| self.runs[r].kind == kind);
        let r = match found {
            Some(r) => {
                let Run { start, end, .. } = self.runs[r];
                let (start, end) = (start as usize, end as usize);
                if end != tail {
                    self.dates.extend_from_within(start..end);
                    self.sorted.extend_from_within(start..end);
                    self.stale += end - start;
                    self.runs[r].start = tail as u32;
                    self.runs[r].end = (tail + end - start) as u32;
                }
                r
            }
            None => {
                let (r0, r1) = (r0 as usize, r1 as usize);
                let (r0, r1) = if r1 == self.runs.len() {
                    (r0, r1)
                } else {
                    self.runs.extend_from_within(r0..r1);
                    self.stale += r1 - r0;
                    (self.runs.len() - (r1 - r0), self.runs.len())
                };
                self.runs.push(Run {
                    kind,
                    start: tail as u32,
                    end: tail as u32,
                });
                self.node_runs[n] = (r0 as u32, r1 as u32 + 1);
                r1
            }
        };
        let Run { start, end, .. } = self.runs[r];
        let (start, end) = (start as usize, end as usize);
        // After every activity of the same date: `a` is numbered after all of them.
        let at = start + self.dates[start..end].partition_point(|d| *d <= date);
        self.dates.insert(at, date);
        self.sorted.insert(at, a);
        self.runs[r].end += 1;
    }

    /// Whether so much of the index went stale with appends that building it again is
    /// worth it (more than half of it, and more than a chunk).
    pub(crate) fn mostly_stale(&self) -> bool {
        self.stale > LIFE_CHUNK && self.stale * 2 > self.dates.len() + self.runs.len()
    }

    /// The dates of the activities of `kind` about `subject`, sorted, with the activity
    /// indices alongside.
    fn of(&self, subject: Node, kind: u32) -> (&[NaiveDate], &[ActivityIx]) {
        let Some(&(r0, r1)) = self.node_runs.get(subject.index()) else {
            return (&[], &[]);
        };
        // A subject has activities of a few kinds: a scan of its runs.
        for run in &self.runs[r0 as usize..r1 as usize] {
            if run.kind == kind {
                let (a, b) = (run.start as usize, run.end as usize);
                return (&self.dates[a..b], &self.sorted[a..b]);
            }
        }
        (&[], &[])
    }

    /// The people (person indices) listed in organisation-life activity `a`.
    fn life_people(&self, a: ActivityIx) -> &[PersonIx] {
        let (c, j) = (a.index() / LIFE_CHUNK, a.index() % LIFE_CHUNK);
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
pub(crate) struct Groups<T> {
    off: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy + Default> Groups<T> {
    /// The groups of `(key, item)` pairs (keys below `n`), each group in pair order.
    fn new(n: usize, pairs: Vec<(u32, T)>) -> Groups<T> {
        let mut off = vec![0u32; n + 1];
        for &(k, _) in &pairs {
            off[k as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut next = off.clone();
        let mut items = vec![T::default(); pairs.len()];
        for (k, x) in pairs {
            let at = &mut next[k as usize];
            items[*at as usize] = x;
            *at += 1;
        }
        Groups { off, items }
    }
}

impl<T> std::ops::Index<usize> for Groups<T> {
    type Output = [T];
    /// The group of key `k` (empty beyond the keys).
    fn index(&self, k: usize) -> &[T] {
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

pub(crate) fn kind_pos<V: Vocabulary + PartialEq>(v: V) -> usize {
    V::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

/// The ids and the unit tree, without the activities: what resolving a reference, finding
/// a node's anchors and walking the units need. The engine answers the same questions;
/// this view lets the duty and indicator indexes be built alongside the activity index.
#[derive(Clone, Copy)]
pub(crate) struct Lookup<'x> {
    pub l: &'x Ledger,
    pub(crate) s: &'x Structure,
    pub(crate) nodes: &'x SymRows,
    pub(crate) kinds: NodeKinds,
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
pub(crate) struct Structure {
    /// The first root unit (the ledger's scope by default).
    pub(crate) root: Option<UnitIx>,
    /// Euler-tour entry number and exit bound of each unit.
    pub(crate) tin: TiVec<UnitIx, Tin>,
    pub(crate) tout: TiVec<UnitIx, Tin>,
    /// Anchors of each node (compressed rows).
    pub(crate) anchor_off: TiVec<Node, u32>,
    pub(crate) anchor_tin: Vec<Tin>,
    /// Units of each kind (by `Vocabulary::ALL` position), in ledger order.
    pub(crate) units_by_kind: Vec<Vec<UnitIx>>,
    /// Units of each kind as `(tin, unit)`, sorted.
    pub(crate) units_by_kind_tin: Vec<Vec<(Tin, UnitIx)>>,
    /// Every org at each of its anchors, sorted.
    pub(crate) org_entries: Vec<(Tin, OrgIx)>,
    /// Orgs listing each unit among their hosts.
    pub(crate) orgs_by_host: TiVec<UnitIx, Vec<OrgIx>>,
    /// `group` orgs whose parent is each org.
    pub(crate) child_groups: TiVec<OrgIx, Vec<OrgIx>>,
    /// Election dates of each org, sorted.
    pub(crate) elections: TiVec<OrgIx, Vec<NaiveDate>>,
    /// Each org's members' `confirmed` dates, sorted (members without one left out).
    pub(crate) confirmed_by_org: TiVec<OrgIx, Vec<NaiveDate>>,
    /// Each org's members by `joined` (members without one left out), sorted.
    pub(crate) joined_by_org: TiVec<OrgIx, Vec<(NaiveDate, PersonIx)>>,
    /// Each person's membership org.
    pub(crate) person_org: TiVec<PersonIx, Option<OrgIx>>,
    /// Roles targeting each node, in ledger order.
    pub(crate) roles_by_target: Groups<RoleIx>,
    /// Roles of each person, in ledger order.
    pub(crate) roles_by_person: Groups<RoleIx>,
    /// Cadre roles sorted by start.
    pub(crate) cadre_roles_by_start: Vec<RoleIx>,
    /// Key tasks at their anchor, sorted.
    pub(crate) key_tasks: Vec<(Tin, InitIx)>,
    /// Progress updates of each initiative, sorted by date (ledger order on ties).
    pub(crate) progress: TiVec<InitIx, Vec<ProgressIx>>,
    /// Units holding each designation (each unit once), sorted by anchor.
    pub(crate) designated: SymMap<Vec<(Tin, UnitIx)>>,
    /// Designation records of each unit.
    pub(crate) designations_by_unit: TiVec<UnitIx, Vec<DesignationIx>>,
    /// Above-scale enterprises as `(tin, unit)`, sorted.
    pub(crate) enterprises: Vec<(Tin, UnitIx)>,
    /// Targets of each scope unit: targeted metric and target rows.
    pub(crate) targets: HashMap<UnitIx, Vec<(String, Vec<TargetIx>)>>,
}

/// Which kind of node a node number is: units `0..U`, orgs `U..U+O`, initiatives after.
#[derive(Clone, Copy)]
pub(crate) struct NodeKinds {
    units: usize,
    orgs: usize,
}

impl NodeKinds {
    pub(crate) fn of(l: &Ledger) -> NodeKinds {
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
    pub(crate) fn build(l: &Ledger, nodes: &SymRows, person_ix: &SymRows) -> Structure {
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
        // Every unit is visited (the roots first, then any unit a cycle kept from them).
        let mut entered: TiVec<UnitIx, Option<Tin>> = vec![None; l.units.len()].into();
        let mut tout: TiVec<UnitIx, Tin> = vec![Tin::default(); l.units.len()].into();
        let mut clock = Tin::default();
        let mut starts: Vec<UnitIx> = roots.clone();
        starts.extend((0..l.units.len()).map(UnitIx::new));
        for s in starts {
            if entered[s].is_some() {
                continue;
            }
            let mut stack: Vec<(UnitIx, usize)> = vec![(s, 0)];
            entered[s] = Some(clock);
            clock = clock.next();
            while let Some((u, next)) = stack.last_mut() {
                let u = *u;
                match children[u].get(*next) {
                    Some(&c) => {
                        *next += 1;
                        if entered[c].is_none() {
                            entered[c] = Some(clock);
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

        let tin: TiVec<UnitIx, Tin> = entered.into_iter().map(Option::unwrap_or_default).collect();

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
            let i = RoleIx::new(i);
            if let Some(n) = nodes.get(r.target.sym()) {
                by_target.push((n, i));
            }
            if let Some(p) = person_of(r.person.sym()) {
                by_person.push((p.index() as u32, i));
                if r.role.is_cadre() {
                    cadre_roles_by_start.push(i);
                }
            }
        }
        let roles_by_target = Groups::new(n_nodes, by_target);
        let roles_by_person = Groups::new(l.people.len(), by_person);
        cadre_roles_by_start.sort_by_key(|&r| (l.roles[r].start, r));

        let mut progress: TiVec<InitIx, Vec<ProgressIx>> =
            (0..l.initiatives.len()).map(|_| Vec::new()).collect();
        for (i, p) in l.progress.iter().enumerate() {
            if let Some(x) = init_of(p.initiative.sym()) {
                progress[x].push(ProgressIx::new(i));
            }
        }
        for v in &mut progress {
            v.sort_by_key(|&p| (l.progress[p].date, p));
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
                designations_by_unit[u].push(DesignationIx::new(i));
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

        let mut targets: HashMap<UnitIx, Vec<(String, Vec<TargetIx>)>> = HashMap::default();
        for (i, t) in l.targets.iter().enumerate() {
            let scope = match &t.scope {
                Some(s) => unit_of(s.sym()),
                None => root,
            };
            let Some(scope) = scope else { continue };
            let metric = targeted_metric(&t.metric);
            let list = targets.entry(scope).or_default();
            match list.iter_mut().find(|(m, _)| *m == metric) {
                Some((_, v)) => v.push(TargetIx::new(i)),
                None => list.push((metric, vec![TargetIx::new(i)])),
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

impl<'a> Index<'a> {
    /// Indexes the activities and progress updates from positions `activities` and
    /// `progress` of their tables on (rows appended to the ledger since the index was
    /// built), as a build would have: the activity index grows (or is built again once
    /// appends left most of it stale), each initiative's updates stay in date order, and
    /// the latest date moves. Returns whether it moved. The indicators' index, a family's,
    /// is the caller's.
    pub(crate) fn index_appended(&mut self, activities: usize, progress: usize) -> bool {
        let l: &Ledger = &self.l;
        for i in activities..l.activities.len() {
            let a = &l.activities[i];
            let subject = self
                .nodes
                .get(a.subject.sym())
                .map(|n| Node::new(n as usize));
            let people: Vec<PersonIx> = if a.kind.is_org_life() {
                a.people
                    .iter()
                    .filter_map(|p| self.person_ix.get(p.sym()))
                    .map(|p| PersonIx::new(p as usize))
                    .collect()
            } else {
                Vec::new()
            };
            self.acts.push(
                ActivityIx::new(i),
                subject,
                act_kind(a.kind.sym()),
                a.date,
                &people,
            );
        }
        if self.acts.mostly_stale() {
            self.acts = ActivityIndex::build(l, &self.nodes, &self.person_ix);
        }
        for i in progress..l.progress.len() {
            let p = &l.progress[i];
            let init = self
                .nodes
                .get(p.initiative.sym())
                .and_then(|n| self.kinds.init(n as usize));
            if let Some(list) = init.and_then(|x| self.s.progress.get_mut(x)) {
                let key = |q: &ProgressIx| (l.progress[*q].date, *q);
                let at = list.partition_point(|q| key(q) < (p.date, ProgressIx::new(i)));
                list.insert(at, ProgressIx::new(i));
            }
        }
        let latest = l.activities[activities..]
            .iter()
            .map(|a| a.date)
            .chain(l.progress[progress..].iter().map(|p| p.date))
            .max();
        // Observations are dated too: the caller passes them through `note_date`.
        self.note_date(latest)
    }

    /// Moves the latest date (the default `as_of`) to `date` when it is later; returns
    /// whether it moved.
    pub(crate) fn note_date(&mut self, date: Option<NaiveDate>) -> bool {
        match date {
            Some(d) if self.default_as_of.is_none_or(|x| d > x) => {
                self.default_as_of = Some(d);
                true
            }
            _ => false,
        }
    }

    /// The ids and the unit tree (see [`Lookup`]).
    pub(crate) fn lookup(&self) -> Lookup<'_> {
        Lookup {
            l: &self.l,
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
    pub(crate) fn roles_targeting(&self, n: Node) -> &[RoleIx] {
        &self.s.roles_by_target[n.index()]
    }

    /// The roles of person `p`, in ledger order.
    pub(crate) fn roles_of(&self, p: PersonIx) -> &[RoleIx] {
        &self.s.roles_by_person[p.index()]
    }

    /// The cadre roles, sorted by start.
    pub(crate) fn cadre_roles_by_start(&self) -> &[RoleIx] {
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
    pub(crate) fn progress_of(&self, i: InitIx) -> &[ProgressIx] {
        self.s.progress.get(i).map_or(&[], Vec::as_slice)
    }

    /// The designation records of unit `u`.
    pub(crate) fn designations_of(&self, u: UnitIx) -> &[DesignationIx] {
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
    pub(crate) fn activities(&self, subject: Node, kind: u32) -> (&[NaiveDate], &[ActivityIx]) {
        self.acts.of(subject, kind)
    }

    /// The people (person indices) listed in organisation-life activity `a`.
    pub(crate) fn life_people(&self, a: ActivityIx) -> &[PersonIx] {
        self.acts.life_people(a)
    }
}
