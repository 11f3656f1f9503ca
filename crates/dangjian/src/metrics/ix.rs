//! The engine's index numbers as types: a unit, an organisation, an initiative, a person, a
//! node (any of the first three) and a position in the unit tree's Euler tour are each a
//! 4-byte number of its own type, so that one cannot stand for another, and the arrays
//! indexed by them ([`TiVec`]) take only their own.
//!
//! A ledger table is indexed by its own number too: `l.units[u]` for a [`UnitIx`].

use crate::model::{Initiative, Org, Person, Unit};

pub(crate) use typed_index_collections::{TiSlice, TiVec};

/// Declares an index type: a `u32` that converts to and from `usize` (for [`TiVec`]).
macro_rules! index_type {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) struct $name(u32);

        impl $name {
            /// The number at position `i` (ledgers and tours hold fewer than 2^32).
            pub(crate) const fn new(i: usize) -> Self {
                Self(i as u32)
            }
            /// The position.
            pub(crate) const fn index(self) -> usize {
                self.0 as usize
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
    /// of them ([`super::engine::Scope`]).
    Tin,
);

impl Tin {
    /// The entry after this one.
    pub(crate) fn next(self) -> Tin {
        Tin(self.0 + 1)
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

table_index!(UnitIx => Unit, OrgIx => Org, InitIx => Initiative, PersonIx => Person);
