//! A query resolved against the ledger ([`Ctx`]), what each family's figures are worked out
//! from, and the trait a family implements. Each family keeps what it works out once per
//! query in the context's caches, by its own type: the context knows no family.

use std::any::Any;
use std::cell::OnceCell;
use std::sync::Arc;

use chrono::NaiveDate;

use super::index::{Index, OrgIx, PersonIx};
use super::query::Appended;
use super::value::{Metric, MetricId, MetricKind, Op, Scope, State, Val};
use crate::model::{Ledger, UnitKind};

/// A family of metrics: one file of `metrics/`.
pub(crate) trait Family: Sync + 'static {
    /// What the family works out once per scope row (and per duty or indicator of a
    /// per-ledger family), from which each of its metrics reads its value.
    type Figures: State + 'static;
    /// The family's name in partial results (`tasks`, `orgs`); a per-ledger family's groups
    /// are named `<NAME>.<duty or indicator id>` ([`Family::group_name`]).
    const NAME: &'static str;
    /// The items of the family that may appear in several parts: their figures are carried
    /// one by one in a partial result, so that each counts once ([`Entities`]).
    const ENTITIES: Entities = Entities::None;
    /// The family's metrics in catalogue order.
    const METRICS: &'static [Metric<Self::Figures>];
    /// The figures at scope `s`. `key` is the duty or indicator (its ledger position) of a
    /// per-ledger family, 0 for the others.
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, key: u32) -> Self::Figures;
    /// Whether the figures (of duty or indicator `key`) read anything `added` appended to
    /// ledger `l`: a group that does not keeps the values worked out before the append.
    /// The default, that it does, is never wrong.
    fn reads(l: &Ledger, key: u32, added: &Appended) -> bool {
        let _ = (l, key, added);
        true
    }
    /// The name of the group of `key` in partial results.
    fn group_name(l: &Ledger, key: u32) -> String {
        let _ = (l, key);
        Self::NAME.to_string()
    }
}

/// What items of a family may appear in several parts of a partitioned ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entities {
    /// None: units, initiatives and what hangs on them each live in one part.
    None,
    /// Organisations (hosted by units in several parts): their figures are carried one by
    /// one and counted once.
    Orgs,
    /// People (a member in one part holding a role in another): their attributes are carried
    /// one by one and read once merged.
    People,
}

/// One metric of this ledger, in row order.
#[derive(Clone)]
pub(crate) struct SlotInfo {
    pub id: MetricId,
    pub kind: MetricKind,
    /// `target.<...>`: the achievement row of a target on this metric.
    pub target_row: MetricId,
    /// The group computing it with the other metrics of its family (and duty or indicator).
    pub(crate) group: Arc<dyn Group>,
}

/// Metrics of one family (and one duty or indicator) computed together from one set of
/// figures.
pub(crate) trait Group: Send + Sync {
    /// Works out the figures at scope `s` once and writes the value of each member slot:
    /// the values of the state there, so that a scope and a merge of parts are read alike.
    fn eval(&self, ctx: &Ctx<'_, '_>, s: Scope, vals: &mut [Option<Val>]) {
        let state = self.state(ctx, s);
        self.values(&state, vals);
    }
    /// The figures at scope `s` as a state's fields ([`State`]).
    fn state(&self, ctx: &Ctx<'_, '_>, s: Scope) -> Vec<f64>;
    /// Writes the value of each member slot read from a state's fields.
    fn values(&self, fields: &[f64], vals: &mut [Option<Val>]);
    /// The state's fields and how each merges.
    fn fields(&self) -> &'static [(&'static str, Op)];
    /// The group's name in partial results (`tasks`, `duty.road_patrol`).
    fn name(&self, l: &Ledger) -> String;
    /// What items of the group may appear in several parts.
    fn entities(&self) -> Entities;
    /// Whether its figures read anything `added` appended to ledger `l` ([`Family::reads`]).
    fn reads(&self, l: &Ledger, added: &Appended) -> bool;
}

/// How many values a query may cache: one for each family at most (10 families).
pub(crate) const CACHES: usize = 12;

/// A query resolved against the ledger.
pub(crate) struct Ctx<'e, 'a> {
    /// The ledger's indexes.
    pub e: &'e Index<'a>,
    /// The metrics of the ledger in row order.
    pub(crate) slots: &'e [SlotInfo],
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub scope: Scope,
    pub by: Option<UnitKind>,
    pub tolerance: f64,
    pub young_age: i32,
    /// Per slot: whether its row is output; whether its target row is output.
    pub(crate) out_mask: Vec<bool>,
    pub(crate) target_mask: Vec<bool>,
    /// What families work out once per query (task evaluations, obligations...), each kept
    /// by its own type in the first free cell.
    pub(crate) caches: [OnceCell<Box<dyn Any>>; CACHES],
    /// Which items the figures count: all of them in a plain evaluation; in a partial
    /// result, those not shared with other parts, or one shared org at a time.
    pub(crate) filter: Filter,
}

/// Which items a partial result's figures count ([`Ctx::filter`]).
#[derive(Default)]
pub(crate) struct Filter {
    /// People shared with other parts (by person number): left out of the sums.
    pub people: Vec<bool>,
    /// Orgs shared with other parts (by org number): left out of the sums.
    pub orgs: Vec<bool>,
    /// Units another part counts (the parts' roots, in the top too), by unit number.
    pub units: Vec<bool>,
    /// Only this org's figures (and no unit's or initiative's).
    pub only_org: std::cell::Cell<Option<OrgIx>>,
}

impl Filter {
    /// Whether person `p` is shared with other parts.
    pub fn shared_person(&self, p: PersonIx) -> bool {
        self.people.get(p.index()).copied().unwrap_or(false)
    }
    /// Whether org `o` is shared with other parts.
    pub fn shared_org(&self, o: OrgIx) -> bool {
        self.orgs.get(o.index()).copied().unwrap_or(false)
    }
    /// Whether the figures count org `o`.
    pub fn keeps_org(&self, o: OrgIx) -> bool {
        match self.only_org.get() {
            Some(x) => x == o,
            None => !self.shared_org(o),
        }
    }
    /// Whether the figures count unit `u` itself (a road, an enterprise, an indicator's
    /// value there): not a part's root in the top's partial result, nor under `only_org`.
    pub fn keeps_unit(&self, u: super::index::UnitIx) -> bool {
        self.keeps_others() && !self.units.get(u.index()).copied().unwrap_or(false)
    }
    /// Whether the figures count items other than orgs (units, initiatives, people).
    pub fn keeps_others(&self) -> bool {
        self.only_org.get().is_none()
    }
}

impl Ctx<'_, '_> {
    /// The value of type `T` this query works out once: computed by `f` the first time,
    /// kept for the rest of the query. `f` may itself ask for other cached values.
    pub(crate) fn cached<T: Any>(&self, f: impl FnOnce() -> T) -> &T {
        if let Some(v) = self
            .caches
            .iter()
            .find_map(|c| c.get()?.downcast_ref::<T>())
        {
            return v;
        }
        // Computed before a cell is taken, so that `f` can fill cells of its own.
        let value = f();
        let Some(cell) = self.caches.iter().find(|c| c.get().is_none()) else {
            // More cached types than cells: a new family must raise CACHES (a test in
            // catalogue.rs keeps this from happening).
            panic!("metrics::ctx: more than {CACHES} cached values in one query");
        };
        let _ = cell.set(Box::new(value));
        match cell.get().and_then(|v| v.downcast_ref::<T>()) {
            Some(v) => v,
            None => unreachable!("the cell was just set to a T"),
        }
    }

    /// Whether the metric `id` (or the achievement of a target on it) is asked for.
    pub fn wants(&self, id: &MetricId) -> bool {
        self.slots
            .iter()
            .enumerate()
            .any(|(i, s)| &s.id == id && (self.out_mask[i] || self.target_mask[i]))
    }
}
