//! # dangjian (党建)
//!
//! A model of party-building-led development at the grassroots, and exact metrics of its
//! progress and coverage: which key tasks are late, which enterprises have no party
//! organisation, which road chiefs skip patrols, which red workshops went unvisited,
//! whether young cadres are really being used.
//!
//! - [`model`]: the domain, in the vocabulary of `docs/DOMAIN.md` (units, orgs, people, roles,
//!   initiatives, activities, duties, indicators, targets), gathered in a [`Ledger`];
//! - [`ledger`]: the interchange forms (CSV folder, JSON, Excel workbook) with validation
//!   that reports every problem at once, located, and a [`ledger::template()`] to start from;
//! - [`metrics`]: the metric catalogue and the engine;
//! - [`import`]: importing rows of other systems' spreadsheets with declarative mappings;
//! - [`privacy`]: pseudonymizing a ledger before sharing it, every metric unchanged;
//! - [`rows`]: the tables (metric rows, drill-downs, catalogue, problems) with typed
//!   columns from their Rust row types, for the command line and the Python bindings;
//! - [`report`]: the dashboard page, one self-contained HTML file (and its pieces for
//!   notebooks);
//! - [`stats`]: the official statistics tables of `docs/STATS.md` (`enterprise_orgs`,
//!   `org_life`), with their Chinese headers and an `.xlsx` writer;
//! - [`synth`]: synthetic ledgers of the same shape at any scale (`dangjian generate`);
//! - [`example()`]: the embedded Chengxi New District (城西新区) ledger of 2019.
//!
//! ```
//! use dangjian::model::{InitiativeKind, Vocabulary};
//!
//! let ledger = dangjian::example();
//! let key_tasks = ledger.initiatives.iter().filter(|i| i.kind == InitiativeKind::KeyTask).count();
//! assert_eq!(key_tasks, 33);
//! assert_eq!(InitiativeKind::KeyTask.zh(), "重难点工作");
//! assert!(!ledger.validate().has_errors());
//! ```
#![deny(missing_docs)]

pub mod calendar;
mod checked;
pub mod envelope;
pub mod example;
pub mod formula;
pub mod import;
pub mod ledger;
pub mod live;
pub mod metrics;
pub mod model;
pub mod output;
pub mod partials;
pub mod privacy;
pub mod report;
pub mod rows;
pub mod stats;
pub mod synth;

pub use checked::load;
pub use example::example;
pub use ledger::{save, LedgerError};
pub use model::Ledger;

/// The README's Rust examples run as doctests.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
