//! What each reference column of the ledger tables names: the one list of references that
//! decoding (the references of rows that are not kept) and validation check.

use crate::model::Table;

/// The kinds of record an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum IdKind {
    /// A unit.
    Unit = 1,
    /// An org.
    Org = 2,
    /// A person.
    Person = 3,
    /// An initiative.
    Initiative = 4,
}

impl IdKind {
    /// What the kind is called in a message.
    pub(crate) fn what(self) -> &'static str {
        match self {
            IdKind::Unit => "unit",
            IdKind::Org => "org",
            IdKind::Person => "person",
            IdKind::Initiative => "initiative",
        }
    }
}

/// What a reference column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A unit, org, person or initiative id, of one of these kinds.
    Ids(&'static [IdKind]),
    /// An indicator id.
    Indicator,
    /// A duty id.
    Duty,
}

/// What each reference column must name; `None` for a column that is no reference. The
/// one list of the references the checks make.
pub(crate) fn reference_target(table: Table, column: &str) -> Option<Target> {
    use IdKind::*;
    use Table as T;
    const UNIT: &[IdKind] = &[Unit];
    const ORG: &[IdKind] = &[Org];
    let kinds = match (table, column) {
        (T::Units, "parent") | (T::Designations, "unit") | (T::Orgs, "hosts") => UNIT,
        (T::People, "workplace") | (T::Initiatives, "unit") => UNIT,
        (T::Observations, "unit") | (T::Targets, "scope") => UNIT,
        (T::Orgs, "parent") | (T::Elections, "org") | (T::People, "org") => ORG,
        (T::Initiatives, "owner") => ORG,
        (T::Roles, "person") | (T::Activities, "people") => &[Person],
        (T::Roles, "target") | (T::Activities, "subject") => &[Unit, Org, Initiative],
        (T::Progress, "initiative") => &[Initiative],
        (T::Exemptions, "subject") => &[Unit, Org],
        (T::Observations, "indicator") => return Some(Target::Indicator),
        (T::Exemptions, "duty") => return Some(Target::Duty),
        _ => return None,
    };
    Some(Target::Ids(kinds))
}
