//! Closed vocabularies (unit kinds, org kinds, roles...) with their Chinese and English labels.

/// A closed vocabulary: every value has a stable identifier and a Chinese and an English label.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Every value, in the order of `docs/DOMAIN.md`.
    const ALL: &'static [Self];
    /// What the vocabulary is called in messages ("unit kind", "role"...).
    const WHAT: &'static str;
    /// The identifier used in ledgers and by the code.
    fn id(self) -> &'static str;
    /// The Chinese label.
    fn zh(self) -> &'static str;
    /// The English label.
    fn en(self) -> &'static str;
    /// Parses an identifier (exact match).
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.id() == s)
    }
    /// The allowed identifiers, comma separated, for error messages.
    fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|v| v.id())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Defines a closed vocabulary enum with ids and labels.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($(#[$vmeta:meta])* $variant:ident => ($id:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::model::vocab::Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn id(self) -> &'static str { match self { $(Self::$variant => $id),+ } }
            fn zh(self) -> &'static str { match self { $(Self::$variant => $zh),+ } }
            fn en(self) -> &'static str { match self { $(Self::$variant => $en),+ } }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::model::vocab::Vocabulary::id(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::vocab::UnknownTerm;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::model::vocab::Vocabulary>::parse(s).ok_or_else(|| {
                    $crate::model::vocab::UnknownTerm::new::<Self>(s)
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::model::vocab::Vocabulary::id(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use vocabulary;

/// A term that is not in a closed vocabulary; its message lists the allowed ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{term}`; allowed: {allowed}")]
pub struct UnknownTerm {
    /// What vocabulary was searched.
    pub what: &'static str,
    /// The term given.
    pub term: String,
    /// The allowed identifiers.
    pub allowed: String,
}

impl UnknownTerm {
    /// Builds the error for vocabulary `V`.
    pub fn new<V: Vocabulary>(term: &str) -> Self {
        UnknownTerm {
            what: V::WHAT,
            term: term.to_string(),
            allowed: V::allowed(),
        }
    }
}
