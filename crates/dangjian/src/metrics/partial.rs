//! Partial results (`docs/PARTIALS.md`): what one part of a partitioned ledger contributes to
//! a query, merged with the other parts' into exactly the rows of the whole.
//!
//! A partial result holds, for each *entry* (a source ledger, named by its root unit, and a
//! scope unit of it), each group's figures as a mergeable state: sums, maxima,
//! minima. A part has one entry, at its root: everything in it counts at its root and at
//! every unit above. The ledger that holds the query's scope (the top) has an entry at the
//! scope and at each breakdown unit, and knows the rows and the units above the parts.
//!
//! People and orgs that appear in several parts ([`Shared`]) are not summed: each is carried
//! one by one (an *entity*), so that at a scope holding several of their appearances they
//! count once. An org's figures are the same in every part that holds a copy of it; a
//! person's attributes (in scope, cadre, young, on key tasks, the role kinds held) are merged
//! by "either" before the person is counted.
//!
//! Finishing a merged result reads each row's values from its merged state with the same
//! code as [`Engine::evaluate`], which is itself "one part finished": every group's values
//! are read from its state.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::cadres;
use super::ctx::{Entities, Filter, Group};
use super::engine::Engine;
use super::index::UnitIx;
use super::query::{Evaluation, Query, QueryError};
use super::value::{merge_fields, Op};
use crate::ledger::parts::Shared;
use crate::model::{Ledger, Sym, Unit, UnitId, UnitKind};

/// What a query asks of every part alike; partial results merge only when it is the same.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// The window start.
    pub from: NaiveDate,
    /// The scope unit (the whole's root when the query names none).
    pub scope: String,
    /// The breakdown kind.
    pub by: Option<UnitKind>,
    /// The metric filters (none: every metric).
    pub metrics: Option<Vec<String>>,
    /// `tasks.at_risk`'s tolerance.
    pub at_risk_tolerance: f64,
    /// The young-cadre age.
    pub young_age: i32,
}

impl Head {
    /// The first field in which two heads differ, with each side's value as a person
    /// reads it: `("as_of", "2019-07-31", "2019-06-30")`.
    fn difference(&self, other: &Head) -> Option<(&'static str, String, String)> {
        let by = |b: Option<UnitKind>| b.map_or("none".to_string(), |k| k.to_string());
        let metrics =
            |m: &Option<Vec<String>>| m.as_ref().map_or("all".to_string(), |m| m.join(","));
        let fields = [
            ("as_of", self.as_of.to_string(), other.as_of.to_string()),
            ("from", self.from.to_string(), other.from.to_string()),
            ("scope", self.scope.clone(), other.scope.clone()),
            ("by", by(self.by), by(other.by)),
            ("metrics", metrics(&self.metrics), metrics(&other.metrics)),
            (
                "at_risk_tolerance",
                self.at_risk_tolerance.to_string(),
                other.at_risk_tolerance.to_string(),
            ),
            (
                "young_age",
                self.young_age.to_string(),
                other.young_age.to_string(),
            ),
        ];
        fields.into_iter().find(|(_, a, b)| a != b).or_else(|| {
            (self != other).then(|| ("query", format!("{self:?}"), format!("{other:?}")))
        })
    }
}

/// One row of a partial result's states: a source ledger (its root unit), a scope unit of
/// it, a group (`tasks`, `duty.road_patrol`) and, for an entity carried one by one,
/// `person:<id>` or `org:<id>`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The entity (`person:p1`, `org:o1`); empty for the sums of everything else.
    pub entity: String,
    /// The root unit of the ledger the state comes from.
    pub source: String,
    /// The scope unit whose subtree (within the source) the state covers.
    pub unit: String,
    /// The group of metrics (`tasks`, `duty.road_patrol`, `indicator.gdp`).
    pub group: String,
}

/// A mergeable partial result of a query on one part of a ledger, or on several merged
/// ([`Engine::partial`], [`Partial::merge`], [`Partial::finish`]).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::ledger::parts::Shared;
/// use dangjian::metrics::{Engine, Query};
///
/// let ledger = dangjian::example();
/// let engine = Engine::new(&ledger);
/// let q = Query { as_of: NaiveDate::from_ymd_opt(2019, 7, 31), ..Query::default() };
/// // The whole ledger as one part, finished, is its evaluation.
/// let whole = engine.partial(&q, &Shared::default(), None).unwrap();
/// assert_eq!(whole.finish().unwrap().rows, engine.evaluate(&q).unwrap().rows);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Partial {
    /// The query.
    pub head: Head,
    /// The duties and indicators (every part has the same: they name the per-ledger
    /// metrics) and the targets at the entries' units (their scope always written out).
    pub defs: Ledger,
    /// The rows' units (id, name): the scope, then the breakdown units, from the ledger that
    /// holds the scope.
    pub rows: Option<Vec<(String, String)>>,
    /// A part whose units of the breakdown kind lie inside it (below its root): such a
    /// breakdown cannot be merged.
    pub by_inside: Option<String>,
    /// Each unit's parent, for the units of the ledger holding the scope: where the parts'
    /// roots hang.
    pub tree: BTreeMap<String, String>,
    /// The states, by key; `entity` empty for the sums.
    pub states: BTreeMap<Key, Vec<f64>>,
    /// The parts' roots the ledgers merged here knew of (`Shared::units`): finishing needs
    /// each of those parts merged in.
    pub parts: BTreeSet<String>,
    /// The root units of the ledgers merged into this result.
    pub merged: BTreeSet<String>,
}

/// Why partial results do not merge or finish.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum MergeError {
    /// Two partial results answer different queries, or come from ledgers with different
    /// duties or indicators.
    #[error("the partial results differ in {what}: {a} and {b}; compute every part's with the same query and definitions (and, with no scope, the same whole_root: the whole's root)")]
    Disagree {
        /// What differs.
        what: &'static str,
        /// One side.
        a: String,
        /// The other.
        b: String,
    },
    /// The same source (part) is in both partial results.
    #[error("the part with root `{0}` is in both partial results; each part must be merged once")]
    SamePart(String),
    /// Parts the merged ledgers know of (the manifest's parts) whose partial results were
    /// not merged.
    #[error("the partial results of the parts with root `{0}` were not merged: the rows would leave their figures out; merge the partial result of every part of the manifest (and of the top)")]
    MissingParts(String),
    /// No partial result holds the query's scope.
    #[error("no partial result holds the scope `{0}`: it is a unit of none of the ledgers merged; merge the partial result of the top and of every part, or give a scope that is a unit of the whole")]
    NoScope(String),
    /// Two parts overlap: one's root lies below the other's.
    #[error("the parts overlap: the part with root `{inner}` lies inside the part with root `{outer}`; a manifest's parts must not share units")]
    Overlap {
        /// The root lying inside.
        inner: String,
        /// The part holding it.
        outer: String,
    },
    /// A breakdown by a kind whose units lie inside a part.
    #[error("the breakdown kind `{by}` has units inside the part `{part}` (below its root); a merged breakdown must be by a kind at or above the parts' roots")]
    ByInside {
        /// The breakdown kind.
        by: String,
        /// The part's root.
        part: String,
    },
    /// The finishing query failed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A group of the states is not a group of the ledger's metrics.
    #[error("unknown group `{group}` (field count {fields}) in the partial results; they were made by another version of dangjian")]
    UnknownGroup {
        /// The group.
        group: String,
        /// Its number of fields.
        fields: usize,
    },
}

/// The states of one entry (a source and a unit), with their keys.
type EntryStates<'p> = Vec<(&'p Key, &'p [f64])>;

/// The entity key of a shared person.
fn person_key(id: &str) -> String {
    format!("{PERSON}{id}")
}

/// The entity key of a member of a shared org.
fn member_key(id: &str) -> String {
    format!("{MEMBER}{id}")
}

/// The entity key of a shared org.
fn org_key(id: &str) -> String {
    format!("org:{id}")
}

impl<'a> Engine<'a> {
    /// The partial result of query `q` on this ledger, as one part of a partitioned ledger
    /// (`docs/PARTIALS.md`). `shared` lists the people and orgs that appear in other parts
    /// too; `whole_root` is the root unit of the whole (what an empty scope means; `None`:
    /// this ledger's root, as for a ledger that is not partitioned). `q.as_of` is required.
    pub fn partial(
        &self,
        q: &Query,
        shared: &Shared,
        whole_root: Option<&str>,
    ) -> Result<Partial, QueryError> {
        let l = self.ledger();
        let as_of = q.as_of.ok_or(QueryError::PartialNeedsAsOf)?;
        let root = self.ix.s.root.ok_or(QueryError::NoRoot)?;
        let root_id = l.units[root].id.as_str().to_string();
        let scope_id: String = match (&q.scope, whole_root) {
            (Some(s), _) => s.as_str().to_string(),
            (None, Some(w)) => w.to_string(),
            (None, None) => root_id.clone(),
        };
        let unit_named = |id: &str| Sym::existing(id).and_then(|s| self.ix.unit_of(s));
        // A ledger that is the whole (no whole root given) holds every unit: a scope it
        // lacks is nowhere. A part or the top cannot tell (the scope may be a unit of
        // another part); merging then says that no partial result holds it.
        if whole_root.is_none() && unit_named(&scope_id).is_none() {
            return Err(QueryError::UnknownScope {
                scope: scope_id,
                root: root_id,
            });
        }

        // The states are worked out over this whole ledger (the caches cover every item).
        let whole_q = Query {
            as_of: Some(as_of),
            scope: Some(l.units[root].id.clone()),
            ..q.clone()
        };
        let mut ctx = self.resolve(&whole_q)?;
        ctx.filter = self.filter(shared);

        let mut units: Vec<UnitIx> = vec![root];
        let mut rows = None;
        let mut by_inside = None;
        if let Some(su) = unit_named(&scope_id) {
            let scope_q = Query {
                scope: Some(l.units[su].id.clone()),
                ..whole_q.clone()
            };
            let breakdown = self.breakdown_units(&self.resolve(&scope_q)?);
            let listed: Vec<UnitIx> = std::iter::once(su).chain(breakdown).collect();
            rows = Some(
                listed
                    .iter()
                    .map(|&u| (l.units[u].id.as_str().to_string(), l.units[u].name.clone()))
                    .collect(),
            );
            for u in listed {
                if !units.contains(&u) {
                    units.push(u);
                }
            }
        } else if let Some(by) = q.by {
            // A part below the scope: its units of the breakdown kind must be its root or
            // none (the rows of a merged breakdown come from the top).
            let inside = l
                .units
                .iter()
                .enumerate()
                .any(|(i, u)| u.kind == by && i != root.index());
            if inside {
                by_inside = Some(root_id.clone());
            }
        }

        // The groups of the metrics asked for (or whose target is).
        let mut groups: Vec<&dyn Group> = Vec::new();
        for (i, slot) in ctx.slots.iter().enumerate() {
            if (ctx.out_mask[i] || ctx.target_mask[i])
                && !groups
                    .iter()
                    .any(|g| std::ptr::addr_eq(*g as *const dyn Group, &*slot.group))
            {
                groups.push(&*slot.group);
            }
        }
        let names: Vec<String> = groups.iter().map(|g| g.name(l)).collect();

        let mut states = BTreeMap::new();
        let key = |entity: String, unit: UnitIx, group: &str| Key {
            entity,
            source: root_id.clone(),
            unit: l.units[unit].id.as_str().to_string(),
            group: group.to_string(),
        };
        for &u in &units {
            let s = self.ix.scope_of(u);
            for (g, name) in groups.iter().zip(&names) {
                states.insert(key(String::new(), u, name), g.state(&ctx, s));
            }
        }
        // Shared orgs, one by one, where they are in scope.
        for id in &shared.orgs {
            let Some(o) = self.org_named(id) else {
                continue;
            };
            let anchors = self.ix.lookup().anchors(self.ix.lookup().org_node(o));
            ctx.filter.only_org.set(Some(o));
            let members = super::orgs::member_life(&ctx, o);
            for &u in &units {
                let s = self.ix.scope_of(u);
                if !anchors.iter().any(|&t| s.lo <= t && t < s.hi) {
                    continue;
                }
                for (g, name) in groups.iter().zip(&names) {
                    if g.entities() != Entities::Orgs {
                        continue;
                    }
                    let fields = g.state(&ctx, s);
                    if !is_identity(g.fields(), &fields) {
                        states.insert(key(org_key(id), u, name), fields);
                    }
                    // Its organisation life, member by member (every copy sees the
                    // activities of only the groups in its ledger).
                    if name == <super::orgs::Orgs as super::ctx::Family>::NAME {
                        for (p, fields) in &members {
                            let pid = l.people[*p].id.as_str();
                            states.insert(key(member_key(pid), u, name), fields.clone());
                        }
                    }
                }
            }
            ctx.filter.only_org.set(None);
        }
        // The organisation life of shared orgs not here whose groups are: member rows at
        // the root, for the members copied here.
        if let Some(name) = names
            .iter()
            .find(|n| *n == <super::orgs::Orgs as super::ctx::Family>::NAME)
        {
            for (groups, members) in self.elsewhere_parents(shared).into_values() {
                for (p, fields) in super::orgs::elsewhere_life(&ctx, &groups, &members) {
                    let pid = l.people[p].id.as_str();
                    states.insert(key(member_key(pid), root, name), fields);
                }
            }
        }
        // Shared people, one by one.
        if let Some(name) = groups
            .iter()
            .zip(&names)
            .find(|(g, _)| g.entities() == Entities::People)
            .map(|(_, n)| n)
        {
            for id in &shared.people {
                let Some(p) = Sym::existing(id).and_then(|s| self.ix.person_of(s)) else {
                    continue;
                };
                for &u in &units {
                    let fields = cadres::person_fields(&ctx, p, self.ix.scope_of(u));
                    // Young alone counts for nothing: in scope, a cadre role or a role held
                    // is what another part may need.
                    if fields.iter().enumerate().any(|(i, x)| i != 2 && *x != 0.0) {
                        states.insert(key(person_key(id), u, name), fields);
                    }
                }
            }
        }

        // The definitions, and the targets at the entries' units.
        let mut defs = Ledger::new();
        defs.duties = l.duties.clone();
        defs.indicators = l.indicators.clone();
        for t in &l.targets {
            let unit = match &t.scope {
                Some(s) => unit_named(s.as_str()),
                None => Some(root),
            };
            if let Some(u) = unit.filter(|u| units.contains(u)) {
                let mut t = t.clone();
                t.scope = Some(l.units[u].id.clone());
                defs.targets.push(t);
            }
        }

        // The ledger holding the scope tells where the parts' roots hang.
        let mut tree = BTreeMap::new();
        if rows.is_some() {
            for u in &l.units {
                if let Some(p) = &u.parent {
                    tree.insert(u.id.as_str().to_string(), p.as_str().to_string());
                }
            }
        }

        Ok(Partial {
            head: Head {
                as_of,
                from: ctx.from,
                scope: scope_id,
                by: q.by,
                metrics: q.metrics.clone(),
                at_risk_tolerance: q.at_risk_tolerance,
                young_age: q.young_age,
            },
            defs,
            rows,
            by_inside,
            tree,
            states,
            parts: shared.units.clone(),
            merged: BTreeSet::from([root_id]),
        })
    }

    /// The org with id `id`, if this ledger has one.
    fn org_named(&self, id: &str) -> Option<super::index::OrgIx> {
        let lookup = self.ix.lookup();
        Sym::existing(id)
            .and_then(|s| lookup.node_of(s))
            .and_then(|n| lookup.node_org(n))
    }

    /// The shared orgs not in this ledger that are the parent of `group` orgs here
    /// (`x_split_parent`), each with those groups and the members copied here
    /// (`x_split_org`).
    fn elsewhere_parents(
        &self,
        shared: &Shared,
    ) -> BTreeMap<&str, (Vec<super::index::OrgIx>, Vec<super::index::PersonIx>)> {
        use crate::ledger::parts::{ELSEWHERE_ORG, ELSEWHERE_PARENT};
        let l = self.ledger();
        let mut out: BTreeMap<&str, (Vec<_>, Vec<_>)> = BTreeMap::new();
        for (i, o) in l.orgs.iter().enumerate() {
            if o.kind != crate::model::OrgKind::Group {
                continue;
            }
            if let Some(p) = o.extra.get(ELSEWHERE_PARENT) {
                if shared.orgs.contains(p.as_str()) && self.org_named(p).is_none() {
                    out.entry(p.as_str())
                        .or_default()
                        .0
                        .push(super::index::OrgIx::new(i));
                }
            }
        }
        if !out.is_empty() {
            for (i, p) in l.people.iter().enumerate() {
                if let Some(x) = p
                    .extra
                    .get(ELSEWHERE_ORG)
                    .and_then(|o| out.get_mut(o.as_str()))
                {
                    x.1.push(super::index::PersonIx::new(i));
                }
            }
        }
        out
    }

    /// The filter of a partial result: the shared people and orgs of this ledger.
    fn filter(&self, shared: &Shared) -> Filter {
        let l = self.ledger();
        let mut f = Filter {
            people: vec![false; l.people.len()],
            orgs: vec![false; l.orgs.len()],
            units: vec![false; l.units.len()],
            only_org: Default::default(),
        };
        // A part's root in the top: its part counts it (the part itself counts its root).
        let root = self.ix.s.root;
        for id in &shared.units {
            if let Some(u) = Sym::existing(id).and_then(|s| self.ix.unit_of(s)) {
                if Some(u) != root {
                    f.units[u.index()] = true;
                }
            }
        }
        for id in &shared.people {
            if let Some(p) = Sym::existing(id).and_then(|s| self.ix.person_of(s)) {
                f.people[p.index()] = true;
            }
        }
        for id in &shared.orgs {
            if let Some(o) = self.org_named(id) {
                f.orgs[o.index()] = true;
            }
        }
        f
    }
}

/// Whether `fields` are the state of no item.
fn is_identity(ops: &[(&str, super::value::Op)], fields: &[f64]) -> bool {
    ops.iter().zip(fields).all(|((_, op), x)| {
        x.to_bits() == op.identity().to_bits() || (x.is_nan() && op.identity().is_nan())
    })
}

impl Partial {
    /// Merges `other` into this partial result: the same query and definitions, different
    /// parts. Associative and commutative: any order and grouping gives the same result.
    pub fn merge(&mut self, other: Partial) -> Result<(), MergeError> {
        if let Some((what, a, b)) = self.head.difference(&other.head) {
            return Err(MergeError::Disagree { what, a, b });
        }
        if self.defs.duties != other.defs.duties || self.defs.indicators != other.defs.indicators {
            return Err(MergeError::Disagree {
                what: "duties or indicators",
                a: ids(&self.defs),
                b: ids(&other.defs),
            });
        }
        let mine: BTreeSet<&str> = self.states.keys().map(|k| k.source.as_str()).collect();
        if let Some(k) = other
            .states
            .keys()
            .find(|k| mine.contains(k.source.as_str()))
        {
            return Err(MergeError::SamePart(k.source.clone()));
        }
        self.rows = match (self.rows.take(), other.rows) {
            (Some(a), Some(b)) => Some(if (b.len(), &b) > (a.len(), &a) { b } else { a }),
            (a, b) => a.or(b),
        };
        self.by_inside = match (self.by_inside.take(), other.by_inside) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (unit, parent) in other.tree {
            self.tree.entry(unit).or_insert(parent);
        }
        for t in other.defs.targets {
            if !self.defs.targets.contains(&t) {
                self.defs.targets.push(t);
            }
        }
        self.states.extend(other.states);
        self.parts.extend(other.parts);
        self.merged.extend(other.merged);
        Ok(())
    }

    /// The report rows of the merged parts: exactly those of [`Engine::evaluate`] on the
    /// whole ledger with the same query.
    pub fn finish(&self) -> Result<Evaluation, MergeError> {
        let rows = self
            .rows
            .as_ref()
            .ok_or_else(|| MergeError::NoScope(self.head.scope.clone()))?;
        if let (Some(part), Some(by)) = (&self.by_inside, self.head.by) {
            return Err(MergeError::ByInside {
                by: by.to_string(),
                part: part.clone(),
            });
        }
        let mini = self.ledger();
        let engine = Engine::owning(mini);
        let q = Query {
            as_of: Some(self.head.as_of),
            from: Some(self.head.from),
            scope: None,
            by: None,
            metrics: self.head.metrics.clone(),
            at_risk_tolerance: self.head.at_risk_tolerance,
            young_age: self.head.young_age,
        };
        let ctx = engine.resolve(&q)?;
        let l = engine.ledger();

        // The groups by name, with the slots they fill.
        let mut groups: Vec<(String, &dyn Group)> = Vec::new();
        for slot in ctx.slots {
            let name = slot.group.name(l);
            if !groups.iter().any(|(n, _)| *n == name) {
                groups.push((name, &*slot.group));
            }
        }
        let fields_of = |name: &str| groups.iter().find(|(n, _)| n == name).map(|g| g.1.fields());
        if let Some(k) = self.states.keys().find(|k| fields_of(&k.group).is_none()) {
            return Err(MergeError::UnknownGroup {
                group: k.group.clone(),
                fields: self.states[k].len(),
            });
        }

        // Each source's entry units.
        let mut entries: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        // And the states of each entry (source, unit), in key order, found once rather than
        // scanned again for every row.
        let mut at_entry: BTreeMap<(&str, &str), EntryStates<'_>> = BTreeMap::new();
        for (k, v) in &self.states {
            entries.entry(&k.source).or_default().insert(&k.unit);
            at_entry
                .entry((&k.source, &k.unit))
                .or_default()
                .push((k, v));
        }
        // No part's root lies inside another part: a part hangs in the tree (the top's root
        // does not), and no other source's root lies below it.
        for &inner in entries.keys() {
            for &outer in entries.keys() {
                if inner != outer && self.tree.contains_key(outer) && self.below(inner, outer) {
                    return Err(MergeError::Overlap {
                        inner: inner.to_string(),
                        outer: outer.to_string(),
                    });
                }
            }
        }
        // A part left out would leave its figures out of every row above it, unsaid.
        let missing: Vec<&str> = self
            .parts
            .iter()
            .filter(|p| !self.merged.is_empty() && !self.merged.contains(*p))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(MergeError::MissingParts(missing.join("`, `")));
        }
        // The appearances of each entity, all sources and units together.
        // People and members of shared orgs merged by their fields, orgs by their first
        // copy (an org's own figures are the same in every copy).
        let mut merged: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut first_org: BTreeMap<(&str, &str), &Vec<f64>> = BTreeMap::new();
        for (k, v) in &self.states {
            if let Some((_, fields)) = entity_kind(&k.entity) {
                let m = merged
                    .entry(&k.entity)
                    .or_insert_with(|| fields.iter().map(|f| f.1.identity()).collect());
                merge_fields(fields, m, v);
            } else if !k.entity.is_empty() {
                first_org.entry((&k.entity, &k.group)).or_insert(v);
            }
        }

        let mut out = Vec::new();
        for (i, (unit, _)) in rows.iter().enumerate() {
            // Which entry of each source counts here: its entry at this unit, else its root
            // entry when its root lies below this unit.
            let counted: Vec<(&str, &str)> = entries
                .iter()
                .filter_map(|(&source, units)| {
                    if units.contains(unit.as_str()) {
                        Some((source, unit.as_str()))
                    } else {
                        self.below(source, unit).then_some((source, source))
                    }
                })
                .collect();
            let mut acc: BTreeMap<&str, Vec<f64>> = groups
                .iter()
                .map(|(n, g)| {
                    (
                        n.as_str(),
                        g.fields().iter().map(|f| f.1.identity()).collect(),
                    )
                })
                .collect();
            let mut people: BTreeSet<&str> = BTreeSet::new();
            let mut members: BTreeSet<(&str, &str)> = BTreeSet::new();
            let mut orgs: BTreeSet<(&str, &str)> = BTreeSet::new();
            let states = counted.iter().filter_map(|e| at_entry.get(e)).flatten();
            for &(k, v) in states {
                if k.entity.is_empty() {
                    if let (Some(a), Some(ops)) =
                        (acc.get_mut(k.group.as_str()), fields_of(&k.group))
                    {
                        merge_fields(ops, a, v);
                    }
                } else if k.entity.starts_with(PERSON) {
                    if v.first().is_some_and(|x| *x != 0.0) {
                        people.insert(&k.entity);
                    }
                } else if k.entity.starts_with(MEMBER) {
                    // Counted where a copy of their org is (eligible there); rows from
                    // the ledgers of its groups only add flags.
                    if v.first().is_some_and(|x| *x != 0.0) {
                        members.insert((&k.entity, &k.group));
                    }
                } else {
                    orgs.insert((&k.entity, &k.group));
                }
            }
            for key in orgs {
                if let (Some(a), Some(ops), Some(v)) =
                    (acc.get_mut(key.1), fields_of(key.1), first_org.get(&key))
                {
                    merge_fields(ops, a, v);
                }
            }
            for (member, group) in members {
                if let Some(a) = acc.get_mut(group) {
                    super::orgs::add_member(a, &merged[member]);
                }
            }
            if let Some((name, _)) = groups
                .iter()
                .find(|(_, g)| g.entities() == Entities::People)
            {
                if let Some(a) = acc.get_mut(name.as_str()) {
                    for p in people {
                        cadres::add_person(a, &merged[p]);
                    }
                }
            }
            let mut vals = vec![None; ctx.slots.len()];
            for (name, g) in &groups {
                g.values(&acc[name.as_str()], &mut vals);
            }
            let u = UnitIx::new(i);
            engine.scope_rows(&ctx, engine.ix.scope_of(u), &mut vals, &mut out);
        }
        Ok(Evaluation {
            as_of: self.head.as_of,
            from: self.head.from,
            scope: UnitId::from(rows[0].0.as_str()),
            scope_name: rows[0].1.clone(),
            by: self.head.by,
            rows: out,
        })
    }

    /// A ledger of what the rows are read with: the rows' units (the first holding the
    /// others), the duties, the indicators and the targets. Its catalogue names the rows'
    /// metrics and its units name their scopes.
    pub fn ledger(&self) -> Ledger {
        let mut mini = Ledger::new();
        let rows = self.rows.as_deref().unwrap_or_default();
        for (i, (id, name)) in rows.iter().enumerate() {
            let mut u = Unit::new(id.as_str(), UnitKind::District, name.as_str());
            if i > 0 {
                u.parent = Some(UnitId::from(rows[0].0.as_str()));
            }
            mini.units.push(u);
        }
        mini.duties = self.defs.duties.clone();
        mini.indicators = self.defs.indicators.clone();
        let mut targets = self.defs.targets.clone();
        targets.sort_by(|a, b| {
            (a.scope.as_ref().map(|s| s.as_str()), &a.metric, a.due)
                .cmp(&(b.scope.as_ref().map(|s| s.as_str()), &b.metric, b.due))
                .then(a.value.total_cmp(&b.value))
                .then(
                    a.baseline
                        .unwrap_or(0.0)
                        .total_cmp(&b.baseline.unwrap_or(0.0)),
                )
        });
        mini.targets = targets;
        mini
    }

    /// Whether unit `id` lies strictly below `ancestor` in the tree the partial results
    /// know.
    fn below(&self, id: &str, ancestor: &str) -> bool {
        let mut cur = id;
        for _ in 0..=self.tree.len() {
            match self.tree.get(cur) {
                Some(p) if p == ancestor => return true,
                Some(p) => cur = p,
                None => return false,
            }
        }
        false
    }
}

/// The duty and indicator ids of `defs`, for a message.
fn ids(defs: &Ledger) -> String {
    let d: Vec<&str> = defs.duties.iter().map(|d| d.id.as_str()).collect();
    let i: Vec<&str> = defs.indicators.iter().map(|i| i.id.as_str()).collect();
    format!("duties [{}], indicators [{}]", d.join(", "), i.join(", "))
}

/// The groups of the metrics of a ledger with duties and indicators `defs`, each with its
/// state's fields, in row order: what the partial results' states are named by.
pub(crate) fn group_fields(defs: &Ledger) -> Vec<(String, &'static [(&'static str, Op)])> {
    let mut out: Vec<(String, &'static [(&'static str, Op)])> = Vec::new();
    for slot in super::catalogue::slots(defs) {
        let name = slot.group.name(defs);
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, slot.group.fields()));
        }
    }
    out
}

/// What a field left out of a partial result's table reads as: `op`'s identity.
pub(crate) fn identity(op: Op) -> f64 {
    op.identity()
}

/// The fields of a group's state, each with how it merges.
pub(crate) type Fields = &'static [(&'static str, Op)];

/// The entities carried with fields of their own, by the prefix of their key: shared
/// people (group `cadres`) and the members of shared orgs (group `orgs`). Shared orgs
/// (`org:`) carry their group's fields.
pub(crate) const ENTITY_FIELDS: &[(&str, Fields)] = &[
    (PERSON, cadres::PERSON_FIELDS),
    (MEMBER, super::orgs::MEMBER_FIELDS),
];

/// The prefix of a shared person's entity key.
const PERSON: &str = "person:";
/// The prefix of the entity key of a member of a shared org.
const MEMBER: &str = "member:";

/// The kind of an entity carried with fields of its own (its key's prefix) and those
/// fields; none for a shared org or the sums.
pub(crate) fn entity_kind(entity: &str) -> Option<(&'static str, Fields)> {
    ENTITY_FIELDS
        .iter()
        .find(|(kind, _)| entity.starts_with(kind))
        .copied()
}
