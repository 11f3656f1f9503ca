//! Partitioned ledgers (`docs/PARTIALS.md`): the manifest `parts.toml`, `split`, and the
//! people and organisations that appear in more than one part.

use std::collections::BTreeSet;

/// The people and organisations that appear in more than one part of a partitioned ledger
/// (the same id in several parts). A partial result carries these one by one, so that each
/// counts once at every scope that holds any of their appearances; everything else is
/// summed. `split` writes them into the manifest (`[shared]`); an id listed here that
/// appears in one part only costs a few bytes and changes no value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    /// Person ids.
    pub people: BTreeSet<String>,
    /// Organisation ids.
    pub orgs: BTreeSet<String>,
}

impl Shared {
    /// Whether nothing is shared.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.orgs.is_empty()
    }
}
