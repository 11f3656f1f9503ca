//! The metric catalogue and the engine (`METRICS.md`).

use std::collections::HashSet;

/// A metric query that cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Not yet written.
    #[error("{0}")]
    Invalid(String),
}

/// Whether `id` names a metric of the catalogue for a ledger with these duties and
/// indicators (`duty.<id>`, `indicator.<id>` and `target.<id>` are per ledger).
pub fn is_metric_id(id: &str, duties: &HashSet<&str>, indicators: &HashSet<&str>) -> bool {
    let _ = (duties, indicators);
    !id.is_empty()
}
