//! Typed identifiers. Ids are non-empty strings unique across units, orgs, people and
//! initiatives together; the newtypes keep a unit id from being passed where an org id is due.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a string as this id.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// The id of a unit (`units.id`).
    UnitId
);
id_type!(
    /// The id of a party organisation (`orgs.id`).
    OrgId
);
id_type!(
    /// The id of a person (`people.id`).
    PersonId
);
id_type!(
    /// The id of an initiative (`initiatives.id`).
    InitiativeId
);
id_type!(
    /// The id of an activity (`activities.id`, optional).
    ActivityId
);
id_type!(
    /// The id of a duty (`duties.id`).
    DutyId
);
id_type!(
    /// The id of an indicator (`indicators.id`).
    IndicatorId
);
id_type!(
    /// A reference that may point at a unit, an organisation or an initiative
    /// (a role's target, an activity's subject).
    TargetId
);
