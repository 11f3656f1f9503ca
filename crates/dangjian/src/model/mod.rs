//! The domain model: one file per concept, in the vocabulary of `docs/DOMAIN.md`.
//!
//! A [`Ledger`] holds every table of the interchange format as typed records. Build one in
//! code, or load one with [`crate::ledger`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod activities;
pub mod ids;
pub mod indicators;
pub mod initiatives;
pub mod orgs;
pub mod people;
pub(crate) mod tables;
pub mod units;
pub mod vocab;
pub(crate) mod words;

pub use activities::{
    Activity, ActivityKind, AppliesTo, Cadence, Duty, Exemption, People, TermError,
};
pub use ids::{
    ActivityId, ActivityText, DutyId, IndicatorId, InitiativeId, OrgId, PersonId, Sym, SymMap,
    SymRows, SymTable, TargetId, UnitId,
};
pub use indicators::{Aggregate, Indicator, Observation, Target};
pub use initiatives::{Initiative, InitiativeKind, Programme, Progress};
pub use orgs::{Election, Org, OrgKind};
pub use people::{age_in_full_years, Person, Role, RoleKind};
pub use tables::{ColumnType, Table, TableColumn};
pub use units::{Designation, DesignationRecord, Unit, UnitKind};
pub use vocab::{UnknownTerm, Vocabulary};

/// Moves every element of `from` to the end of `to`; an empty `to` takes `from`'s vector
/// as it is, without copying (a table of millions of records is not copied once more).
pub(crate) fn move_to_end<T>(to: &mut Vec<T>, from: &mut Vec<T>) {
    if to.is_empty() && from.capacity() >= to.capacity() {
        std::mem::swap(to, from);
    } else {
        to.append(from);
    }
}

/// The extra `x_` columns of a record, kept and saved back untouched (empty cells dropped).
///
/// It reads and writes as a `BTreeMap<String, String>` (through `Deref` and `DerefMut`),
/// but most records have no extra column, so an empty one takes 8 bytes and no allocation:
/// on a province's millions of activities that is a fifth of their memory.
///
/// ```
/// use dangjian::model::Extra;
/// let mut e = Extra::new();
/// assert!(e.is_empty());
/// e.insert("x_source".into(), "report".into());
/// assert_eq!(e.get("x_source").map(String::as_str), Some("report"));
/// assert_eq!(std::mem::size_of::<Extra>(), 8);
/// ```
// The box is the point: an empty `BTreeMap` is 24 bytes inline, a `None` box 8.
#[allow(clippy::box_collection)]
#[derive(Clone, Default)]
pub struct Extra(Option<Box<BTreeMap<String, String>>>);

static NO_EXTRA: BTreeMap<String, String> = BTreeMap::new();

impl Extra {
    /// No extra column.
    pub const fn new() -> Self {
        Extra(None)
    }

    /// Adds or replaces a column's value (allocating the map on the first one).
    pub fn insert(&mut self, column: String, value: String) -> Option<String> {
        self.0
            .get_or_insert_with(Default::default)
            .insert(column, value)
    }

    /// Keeps the columns for which `keep` holds (an empty set stays unallocated).
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut String) -> bool) {
        if let Some(m) = &mut self.0 {
            m.retain(keep);
            if m.is_empty() {
                self.0 = None;
            }
        }
    }
}

impl std::ops::Deref for Extra {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        self.0.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.get_or_insert_with(Default::default)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl From<BTreeMap<String, String>> for Extra {
    fn from(m: BTreeMap<String, String>) -> Self {
        Extra((!m.is_empty()).then(|| Box::new(m)))
    }
}

impl FromIterator<(String, String)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        BTreeMap::from_iter(iter).into()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a String);
    type IntoIter = std::collections::btree_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        (**self).iter()
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(Extra::from)
    }
}

/// Whether a thing that starts on `start` (none: always) and ends on `end` (none: never,
/// inclusive) is active on day `d`.
pub fn active_on(start: Option<NaiveDate>, end: Option<NaiveDate>, d: NaiveDate) -> bool {
    start.is_none_or(|s| s <= d) && end.is_none_or(|e| d <= e)
}

impl Table {
    /// Finds a table by name.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A whole ledger (台账): every table of the interchange format as typed records.
///
/// Build one in code with the record constructors, or load one with
/// [`crate::ledger::load`]. Rows keep their order; nothing is deduplicated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// `units`
    pub units: Vec<Unit>,
    /// `designations`
    pub designations: Vec<DesignationRecord>,
    /// `orgs`
    pub orgs: Vec<Org>,
    /// `elections`
    pub elections: Vec<Election>,
    /// `people`
    pub people: Vec<Person>,
    /// `roles`
    pub roles: Vec<Role>,
    /// `initiatives`
    pub initiatives: Vec<Initiative>,
    /// `progress`
    pub progress: Vec<Progress>,
    /// `activities`
    pub activities: Vec<Activity>,
    /// `duties`
    pub duties: Vec<Duty>,
    /// `indicators`
    pub indicators: Vec<Indicator>,
    /// `observations`
    pub observations: Vec<Observation>,
    /// `targets`
    pub targets: Vec<Target>,
    /// `exemptions`
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// The `id` of every record that has one, table by table.
    pub(crate) fn record_ids(&self) -> impl Iterator<Item = String> + '_ {
        let units = self.units.iter().map(|x| x.id.as_str());
        let orgs = self.orgs.iter().map(|x| x.id.as_str());
        let people = self.people.iter().map(|x| x.id.as_str());
        let inits = self.initiatives.iter().map(|x| x.id.as_str());
        let duties = self.duties.iter().map(|x| x.id.as_str());
        let inds = self.indicators.iter().map(|x| x.id.as_str());
        let acts = self
            .activities
            .iter()
            .filter_map(|x| x.id.as_ref().map(|i| i.to_string()));
        units
            .chain(orgs)
            .chain(people)
            .chain(inits)
            .map(str::to_string)
            .chain(acts)
            .chain(duties.chain(inds).map(str::to_string))
    }

    /// The root units (those without a parent).
    pub fn roots(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| u.parent.is_none())
    }

    /// The latest `date` in the progress, activities and observations tables: the default
    /// evaluation date.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        let p = self.progress.iter().map(|r| r.date);
        let a = self.activities.iter().map(|r| r.date);
        let o = self.observations.iter().map(|r| r.date);
        p.chain(a).chain(o).max()
    }

    /// The earliest and latest date of any dated record (for summaries).
    pub fn date_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let mut dates: Vec<NaiveDate> = Vec::new();
        dates.extend(self.units.iter().flat_map(|u| [u.since, u.until]).flatten());
        dates.extend(
            self.designations
                .iter()
                .flat_map(|d| [Some(d.since), d.until])
                .flatten(),
        );
        dates.extend(
            self.orgs
                .iter()
                .flat_map(|o| [Some(o.established), o.dissolved])
                .flatten(),
        );
        dates.extend(self.elections.iter().map(|e| e.date));
        dates.extend(
            self.roles
                .iter()
                .flat_map(|r| [Some(r.start), r.end])
                .flatten(),
        );
        dates.extend(
            self.initiatives
                .iter()
                .flat_map(|i| [i.start, Some(i.deadline)])
                .flatten(),
        );
        dates.extend(self.progress.iter().map(|p| p.date));
        dates.extend(self.activities.iter().map(|a| a.date));
        dates.extend(self.observations.iter().map(|o| o.date));
        dates.extend(
            self.exemptions
                .iter()
                .flat_map(|x| [Some(x.from), x.to])
                .flatten(),
        );
        let min = dates.iter().min()?;
        let max = dates.iter().max()?;
        Some((*min, *max))
    }
}
