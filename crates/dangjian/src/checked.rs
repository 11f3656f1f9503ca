//! Loading and validating with every check, those that need the metric catalogue included.
//!
//! The ledger validates all it can know on its own; which metrics a target may name is the
//! catalogue's to say, a layer above, so the ledger takes that check in its
//! [`ValidateOptions`]. Here, above both, the catalogue's check is passed in: by
//! [`ValidateOptions::full`], [`load`] and [`Ledger::validate`].

use std::path::Path;

use chrono::NaiveDate;

use crate::ledger::{self, LedgerError, Problems, ValidateOptions};
use crate::model::Ledger;

impl ValidateOptions {
    /// Every check: the default options, with the metric ids of targets checked against
    /// the metric catalogue ([`crate::metrics::is_metric_id`]).
    ///
    /// ```
    /// use dangjian::ledger::ValidateOptions;
    /// let mut l = dangjian::example();
    /// l.targets[0].metric = "tasks.no_such_metric".into();
    /// let full = dangjian::ledger::validate(&l, &ValidateOptions::full());
    /// assert!(full[0].message.contains("neither a metric of the catalogue nor an indicator"));
    /// // The ledger alone does not know the catalogue.
    /// assert!(dangjian::ledger::validate(&l, &ValidateOptions::default()).is_empty());
    /// ```
    pub fn full() -> Self {
        ValidateOptions {
            metric_ids: Some(crate::metrics::is_metric_id),
            ..Default::default()
        }
    }
}

/// Loads a ledger from a CSV folder, a `.json` file or an `.xlsx` workbook with every
/// check ([`ValidateOptions::full`]); every error is reported at once.
pub fn load(path: impl AsRef<Path>) -> Result<Ledger, LedgerError> {
    ledger::load_with(path, &ValidateOptions::full()).map(|l| l.ledger)
}

impl Ledger {
    /// Validates a ledger built in code with every check ([`ValidateOptions::full`]);
    /// locations are `table[row].column`.
    pub fn validate(&self) -> Problems {
        self.validate_as_of(None)
    }

    /// Validates with an evaluation date for the "dated after" warning.
    pub fn validate_as_of(&self, as_of: Option<NaiveDate>) -> Problems {
        let mut p = ledger::validate(
            self,
            &ValidateOptions {
                as_of,
                ..ValidateOptions::full()
            },
        );
        p.sort_by_key(|p| p.severity);
        Problems(p)
    }
}
