//! The engine's index numbers as types: a unit, an organisation, an initiative, a person, a
//! node (any of the first three) and a position in the unit tree's Euler tour are each a
//! 4-byte number of its own type, so that one cannot stand for another, and the arrays
//! indexed by them ([`TiVec`]) take only their own.
//!
//! A ledger table is indexed by its own number too: `l.units[u]` for a [`UnitIx`].

use std::num::NonZeroU32;

use crate::model::{
    Activity, DesignationRecord, Duty, Initiative, Org, Person, Progress, Role, Target, Unit,
};

pub(crate) use typed_index_collections::{TiSlice, TiVec};

/// Declares an index type: a position below `u32::MAX` kept as a `NonZeroU32` (the position
/// plus one), so that `Option<Index>` is 4 bytes like the index itself and "none" needs no
/// sentinel value; it converts to and from `usize` (for [`TiVec`]).
macro_rules! index_type {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) struct $name(NonZeroU32);

        impl $name {
            /// The number at position `i`. A ledger or tour holds fewer than `u32::MAX` rows
            /// (a ledger that large would not fit in memory), so a larger `i` is a bug, and
            /// is caught here rather than wrapped around.
            pub(crate) const fn new(i: usize) -> Self {
                assert!(i < u32::MAX as usize, "an index beyond u32::MAX - 1");
                match NonZeroU32::new(i as u32 + 1) {
                    Some(n) => Self(n),
                    None => unreachable!(),
                }
            }
            /// The position.
            pub(crate) const fn index(self) -> usize {
                (self.0.get() - 1) as usize
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new(0)
            }
        }

        impl From<usize> for $name {
            fn from(i: usize) -> Self {
                Self::new(i)
            }
        }

        impl From<$name> for usize {
            fn from(i: $name) -> usize {
                i.index()
            }
        }
    )*};
}

index_type!(
    /// A unit: its row in `units`.
    UnitIx,
    /// An organisation: its row in `orgs`.
    OrgIx,
    /// An initiative: its row in `initiatives`.
    InitIx,
    /// A person: their row in `people`.
    PersonIx,
    /// A unit, organisation or initiative: units `0..U`, organisations `U..U+O`,
    /// initiatives after.
    Node,
    /// An entry number of the Euler tour of the unit tree: a unit's subtree is an interval
    /// of them ([`super::value::Scope`]).
    Tin,
    /// A role: its row in `roles`.
    RoleIx,
    /// A progress update: its row in `progress`.
    ProgressIx,
    /// A designation record: its row in `designations`.
    DesignationIx,
    /// An activity: its row in `activities`.
    ActivityIx,
    /// A duty: its row in `duties`.
    DutyIx,
    /// A target: its row in `targets`.
    TargetIx,
);

impl Tin {
    /// The entry after this one.
    pub(crate) fn next(self) -> Tin {
        Tin::new(self.index() + 1)
    }
}

/// Indexing a ledger table by its own index type.
macro_rules! table_index {
    ($($ix:ident => $record:ty),* $(,)?) => {$(
        impl std::ops::Index<$ix> for Vec<$record> {
            type Output = $record;
            fn index(&self, i: $ix) -> &$record {
                &self[i.index()]
            }
        }
    )*};
}

table_index!(
    UnitIx => Unit,
    OrgIx => Org,
    InitIx => Initiative,
    PersonIx => Person,
    RoleIx => Role,
    ProgressIx => Progress,
    DesignationIx => DesignationRecord,
    ActivityIx => Activity,
    DutyIx => Duty,
    TargetIx => Target,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_and_its_option_take_four_bytes() {
        // The niche of NonZeroU32 holds `None`: no sentinel, no extra word.
        assert_eq!(std::mem::size_of::<RoleIx>(), 4);
        assert_eq!(std::mem::size_of::<Option<RoleIx>>(), 4);
        assert_eq!(std::mem::size_of::<Option<Node>>(), 4);
    }

    #[test]
    fn positions_round_trip_up_to_the_bound() {
        for i in [0, 1, 41, u32::MAX as usize - 1] {
            assert_eq!(ActivityIx::new(i).index(), i);
        }
        assert!(RoleIx::new(2) < RoleIx::new(3));
        assert_eq!(Tin::new(7).next(), Tin::new(8));
    }

    #[test]
    #[should_panic(expected = "beyond u32::MAX")]
    fn a_position_beyond_the_bound_is_caught_not_wrapped() {
        let _ = DutyIx::new(u32::MAX as usize);
    }
}
