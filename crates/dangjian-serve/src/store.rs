//! Where writes are stored before they are applied in memory: the SQLite ledger, or (for
//! tests of the service's own rules) a store in memory.

use dangjian::model::Table;
use dangjian::Ledger;

pub use dangjian::ledger::sqlite::{Change, ChangeRecord, Db};

/// A ledger's durable form: each write is one transaction, rows and change log together.
pub trait Store: Send {
    /// Stores new rows of `table` with their change; returns the change's number.
    fn append(&mut self, table: Table, rows: &Ledger, change: &ChangeRecord)
        -> Result<u64, String>;
    /// Replaces the whole ledger with its change; returns the change's number.
    fn replace(&mut self, ledger: &Ledger, change: &ChangeRecord) -> Result<u64, String>;
    /// The change log after change `after`, oldest first.
    fn changes(&self, after: u64) -> Result<Vec<Change>, String>;
    /// The ledger as stored.
    fn load(&self) -> Result<Ledger, String>;
}

impl Store for Db {
    fn append(
        &mut self,
        table: Table,
        rows: &Ledger,
        change: &ChangeRecord,
    ) -> Result<u64, String> {
        Db::append(self, table, rows, change).map_err(|e| e.to_string())
    }

    fn replace(&mut self, ledger: &Ledger, change: &ChangeRecord) -> Result<u64, String> {
        Db::replace(self, ledger, change).map_err(|e| e.to_string())
    }

    fn changes(&self, after: u64) -> Result<Vec<Change>, String> {
        Db::changes(self, after).map_err(|e| e.to_string())
    }

    fn load(&self) -> Result<Ledger, String> {
        Db::load(self).map_err(|e| e.to_string())
    }
}

/// A store in memory: the ledger and its change log, lost with the process.
#[derive(Default)]
pub struct Memory {
    ledger: Ledger,
    log: Vec<Change>,
}

impl Memory {
    /// A store holding `ledger`.
    pub fn new(ledger: Ledger) -> Memory {
        Memory {
            ledger,
            log: Vec::new(),
        }
    }

    fn record(&mut self, change: &ChangeRecord) -> u64 {
        let number = self.log.len() as u64 + 1;
        self.log.push(Change {
            number,
            time: change.time.clone(),
            token: change.token.clone(),
            kind: change.kind.clone(),
            table: change.table.map(|t| t.name().to_string()),
            added: change.added,
            unchanged: change.unchanged,
        });
        number
    }
}

impl Store for Memory {
    fn append(
        &mut self,
        _table: Table,
        rows: &Ledger,
        change: &ChangeRecord,
    ) -> Result<u64, String> {
        let mut rows = rows.clone();
        self.ledger.append(&mut rows);
        Ok(self.record(change))
    }

    fn replace(&mut self, ledger: &Ledger, change: &ChangeRecord) -> Result<u64, String> {
        self.ledger = ledger.clone();
        Ok(self.record(change))
    }

    fn changes(&self, after: u64) -> Result<Vec<Change>, String> {
        Ok(self
            .log
            .iter()
            .filter(|c| c.number > after)
            .cloned()
            .collect())
    }

    fn load(&self) -> Result<Ledger, String> {
        Ok(self.ledger.clone())
    }
}
