//! A query resolved against the ledger ([`Ctx`]), what each family's figures are worked out
//! from, and the trait a family implements. Each family keeps what it works out once per
//! query in the context's caches, by its own type: the context knows no family.

use std::any::Any;
use std::cell::OnceCell;
use std::sync::Arc;

use chrono::NaiveDate;

use super::index::Index;
use super::query::Appended;
use super::value::{Metric, MetricId, MetricKind, Scope, Val};
use crate::model::{Ledger, UnitKind};

/// A family of metrics: one file of `metrics/`.
pub(crate) trait Family: Sync + 'static {
    /// What the family works out once per scope row (and per duty or indicator of a
    /// per-ledger family), from which each of its metrics reads its value.
    type Figures: 'static;
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
    /// Works out the figures at scope `s` once and writes the value of each member slot.
    fn eval(&self, ctx: &Ctx<'_, '_>, s: Scope, vals: &mut [Option<Val>]);
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
