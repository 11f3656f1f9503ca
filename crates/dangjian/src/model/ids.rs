//! Typed identifiers. Ids are non-empty strings unique across units, orgs, people and
//! initiatives together; the newtypes keep a unit id from being passed where an org id is due.
//!
//! Ids (and the open vocabularies of activity kinds and designations) are *interned*: each
//! distinct text is stored once per process, and an id is an 8-byte handle to it. Copying
//! one is free, comparing two is a pointer comparison, and a large ledger holds one copy of
//! each person id however many activities list that person. The price: interned texts are
//! kept until the process ends (a ledger's ids, not its names or notes), so loading the
//! same ledger again costs nothing new.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

/// An interned text: the handle every id type wraps.
///
/// `Sym`s compare by pointer (equal texts are one allocation) and hash by a hash computed
/// once when interned; [`SymMap`] uses that hash directly. Order is the texts' order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sym(ustr::Ustr);

impl Sym {
    /// Interns `s`.
    pub fn new(s: &str) -> Sym {
        Sym(ustr::Ustr::from(s))
    }
    /// The text.
    pub fn as_str(&self) -> &'static str {
        self.0.as_str()
    }
    /// The symbol of `s` if it was ever interned (no id of any ledger has that text
    /// otherwise), without interning it.
    pub fn existing(s: &str) -> Option<Sym> {
        ustr::existing_ustr(s).map(Sym)
    }
}

impl Hash for Sym {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.precomputed_hash());
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Self) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hasher for keys that are already hashes ([`Sym`]'s precomputed one).
#[derive(Clone, Copy, Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for `Sym` keys; mix anything else in FNV style so it still works.
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A hash map keyed by interned texts, hashing nothing again.
pub type SymMap<V> =
    std::collections::HashMap<Sym, V, std::hash::BuildHasherDefault<PrehashedHasher>>;

macro_rules! sym_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        // Not `Copy`, though cloning is a copy: ids were `String`s, and code that clones
        // them need not change.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name($crate::model::ids::Sym);

        impl $name {
            /// Wraps a text as this id.
            pub fn new(id: impl AsRef<str>) -> Self {
                Self($crate::model::ids::Sym::new(id.as_ref()))
            }
            /// The id as text.
            pub fn as_str(&self) -> &'static str {
                self.0.as_str()
            }
            /// The interned handle.
            pub fn sym(&self) -> $crate::model::ids::Sym {
                self.0
            }
        }

        impl From<$crate::model::ids::Sym> for $name {
            fn from(s: $crate::model::ids::Sym) -> Self {
                Self(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        // Hashing the text keeps `Borrow<str>` sound (a map of ids can be probed with
        // `&str`); inner loops key by `sym()` in a `SymMap` instead.
        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }

        impl ::std::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl ::std::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                ::std::cmp::Ord::cmp(&self.0, &other.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::new(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::new(s)
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                Self::new(s)
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::new(s.as_ref()))
            }
        }
    };
}
pub(crate) use sym_type;

sym_type!(
    /// The id of a unit (`units.id`).
    UnitId
);
sym_type!(
    /// The id of a party organisation (`orgs.id`).
    OrgId
);
sym_type!(
    /// The id of a person (`people.id`).
    PersonId
);
sym_type!(
    /// The id of an initiative (`initiatives.id`).
    InitiativeId
);
sym_type!(
    /// The id of a duty (`duties.id`).
    DutyId
);
sym_type!(
    /// The id of an indicator (`indicators.id`).
    IndicatorId
);
sym_type!(
    /// A reference that may point at a unit, an organisation or an initiative
    /// (a role's target, an activity's subject).
    TargetId
);

/// The id of an activity (`activities.id`, optional). Not interned: activity ids are
/// referred to by nothing, so each is stored inline (up to 24 bytes) in its row.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ActivityId(compact_str::CompactString);

impl ActivityId {
    /// Wraps a string as this id.
    pub fn new(id: impl AsRef<str>) -> Self {
        Self(compact_str::CompactString::new(id.as_ref()))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActivityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ActivityId {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for ActivityId {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

impl Borrow<str> for ActivityId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ActivityId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
