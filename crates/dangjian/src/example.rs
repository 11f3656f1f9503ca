//! The embedded example: the Chengxi New District (城西新区) ledger of 2019, evaluated "now"
//! as 2019-07-31. Records stated in the source report carry `x_source = report`; generated
//! filler carries `x_source = filler`. See `data/README.md` of the crate.

use std::sync::OnceLock;

use crate::ledger::csv_folder::parse_csv;
use crate::ledger::{raw::RawTable, ValidateOptions};
use crate::model::{Ledger, Table};

macro_rules! embedded {
    ($($name:literal),+) => {
        &[$(($name, include_str!(concat!("../data/chengxi/", $name, ".csv")))),+]
    };
}

const FILES: &[(&str, &str)] = embedded!(
    "units",
    "designations",
    "orgs",
    "elections",
    "people",
    "roles",
    "initiatives",
    "progress",
    "activities",
    "duties",
    "indicators",
    "observations",
    "targets",
    "exemptions"
);

/// Loads the embedded example, reporting any problem (it has none; tests check).
pub fn try_example() -> Result<Ledger, crate::LedgerError> {
    let mut tables: Vec<RawTable> = Vec::new();
    let mut problems = Vec::new();
    for (name, text) in FILES {
        let Some(table) = Table::from_name(name) else {
            continue;
        };
        match parse_csv(table, &format!("{name}.csv"), text) {
            Ok(t) => tables.push(t),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        return Err(crate::LedgerError::Invalid(crate::ledger::Problems(
            problems,
        )));
    }
    // The ledger's own checks: the metrics its targets name are the catalogue's, a layer
    // above; `Ledger::validate` checks them too, and the tests hold the example to it.
    crate::ledger::from_raw(tables, &ValidateOptions::default()).map(|l| l.ledger)
}

/// The embedded Chengxi example ledger (parsed once, then cloned).
///
/// ```
/// let ledger = dangjian::example();
/// assert_eq!(ledger.roots().next().map(|u| u.id.as_str()), Some("chengxi"));
/// ```
pub fn example() -> Ledger {
    static CELL: OnceLock<Ledger> = OnceLock::new();
    CELL.get_or_init(|| match try_example() {
        Ok(l) => l,
        // The example is compiled in and checked by the test suite; failing here is a bug
        // of this crate, not a user mistake.
        Err(e) => panic!("the embedded example does not load: {e}"),
    })
    .clone()
}
