//! Stand-in for `dangjian::live::Live` (reads only) until the core's lands: the same
//! names, so that switching is one `use` line. Leaks the ledger it is given (one per
//! process while the service only reads).

use dangjian::metrics::{Engine, Evaluation, Query, QueryError};
use dangjian::Ledger;

/// A ledger and its engine.
pub struct Live {
    ledger: &'static Ledger,
    engine: Engine<'static>,
}

impl Live {
    /// Indexes `ledger`.
    pub fn new(ledger: Ledger) -> Live {
        let ledger: &'static Ledger = Box::leak(Box::new(ledger));
        Live {
            ledger,
            engine: Engine::new(ledger),
        }
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }

    /// The engine.
    pub fn engine(&self) -> &Engine<'static> {
        &self.engine
    }

    /// Evaluates a query.
    pub fn evaluate(&self, q: &Query) -> Result<Evaluation, QueryError> {
        self.engine.evaluate(q)
    }
}
