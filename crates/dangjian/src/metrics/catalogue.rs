//! The metric catalogue as data: id, names in 中文 and English, definition, kind, direction
//! and programme of every metric, in the order of `docs/METRICS.md`.
//!
//! The entries live next to the code computing them (one `DEFS` per family file); this
//! module strings them together. Per-ledger families (`duty.<id>`, `duty.<id>.lapse`,
//! `indicator.<id>`, `target.<id>`) appear as template entries whose id holds `<id>`;
//! [`catalogue_for`] lists the concrete ids of one ledger.
//!
//! ```
//! use dangjian::metrics::{catalogue, MetricKind};
//! let first = &catalogue()[0];
//! assert_eq!((first.id, first.zh, first.kind), ("tasks.total", "重难点工作数", MetricKind::Count));
//! assert!(catalogue().iter().any(|m| m.id == "coverage.org"));
//! ```

use std::sync::LazyLock;

use serde::Serialize;

use crate::model::{Cadence, Ledger, Programme};

/// Builds a [`MetricDef`] of a programme; each family file wraps it in a shorter `def!`
/// with its own defaults.
macro_rules! metric {
    ($programme:ident, $id:literal, $zh:literal, $en:literal, $kind:ident, $dir:ident, $def:expr) => {
        $crate::metrics::catalogue::MetricDef {
            id: $id,
            zh: $zh,
            en: $en,
            definition: $def,
            kind: $crate::metrics::catalogue::MetricKind::$kind,
            direction: $crate::metrics::catalogue::Direction::$dir,
            programme: $crate::model::Programme::$programme,
        }
    };
}
pub(crate) use metric;

/// What kind of number a metric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A share: numerator / denominator, null on an empty denominator.
    Ratio,
    /// A whole number of things.
    Count,
    /// A whole number of days.
    Days,
    /// A whole number of calendar periods.
    Periods,
    /// Any number (a mean, an indicator's aggregate).
    Value,
}

impl MetricKind {
    /// The kind's identifier (`ratio`, `count`, `days`, `periods`, `value`).
    pub fn id(self) -> &'static str {
        match self {
            MetricKind::Ratio => "ratio",
            MetricKind::Count => "count",
            MetricKind::Days => "days",
            MetricKind::Periods => "periods",
            MetricKind::Value => "value",
        }
    }

    /// Whether values of this kind are whole numbers (written as JSON integers).
    pub fn is_integral(self) -> bool {
        matches!(
            self,
            MetricKind::Count | MetricKind::Days | MetricKind::Periods
        )
    }
}

/// Whether more or less is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better.
    Higher,
    /// Lower is better.
    Lower,
}

/// One catalogue entry.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricDef {
    /// Stable id (`tasks.started`); templates hold `<id>` (`duty.<id>`).
    pub id: &'static str,
    /// Chinese name.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// The exact definition, including the readings chosen where `docs/METRICS.md` is silent.
    pub definition: &'static str,
    /// Kind of number.
    pub kind: MetricKind,
    /// Whether higher or lower is better.
    pub direction: Direction,
    /// The programme of the red trilogy it reports on.
    pub programme: Programme,
}

impl MetricDef {
    /// Whether this entry stands for a per-ledger family (`duty.<id>`...).
    pub fn is_template(&self) -> bool {
        self.id.contains("<id>")
    }
}

static CATALOGUE: LazyLock<Vec<MetricDef>> = LazyLock::new(|| {
    [
        super::tasks::DEFS,
        super::cadres::DEFS,
        super::leading::DEFS,
        super::duties::DEFS,
        super::indicators::DEFS,
        super::targets::DEFS,
        super::coverage::DEFS,
        super::orgs::DEFS,
    ]
    .concat()
});

/// The whole catalogue in the order of `docs/METRICS.md`, per-ledger families as templates.
pub fn catalogue() -> &'static [MetricDef] {
    &CATALOGUE
}

/// Finds a catalogue entry (or template) by id.
pub fn find(id: &str) -> Option<&'static MetricDef> {
    catalogue().iter().find(|m| m.id == id)
}

/// A concrete metric of one ledger (templates filled in).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LedgerMetric {
    /// Concrete id (`duty.patrol`, `indicator.lotus_area`, `target.coverage.org`).
    pub id: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
    /// Definition.
    pub definition: String,
    /// Kind (`duty.<id>.lapse` is `days` or `periods` by the duty's cadence).
    pub kind: MetricKind,
    /// Direction.
    pub direction: Direction,
    /// Programme.
    pub programme: Programme,
}

impl LedgerMetric {
    /// The owned form of a catalogue entry.
    pub fn from_def(m: &MetricDef) -> Self {
        LedgerMetric {
            id: m.id.to_string(),
            zh: m.zh.to_string(),
            en: m.en.to_string(),
            definition: m.definition.to_string(),
            kind: m.kind,
            direction: m.direction,
            programme: m.programme,
        }
    }
}

/// The id of the achievement row of a target on `metric` (a metric id, `indicator.<id>` or
/// a plain indicator id): `target.<metric>`, or `target.<indicator id>` for indicators.
pub fn target_row_id(metric: &str) -> String {
    let m = targeted_metric(metric);
    match m.strip_prefix("indicator.") {
        Some(ind) => format!("target.{ind}"),
        None => format!("target.{m}"),
    }
}

/// The metric a target's `metric` column aims at: itself, or `indicator.<id>` for a plain
/// indicator id (one without a `.`).
pub fn targeted_metric(metric: &str) -> String {
    if metric.contains('.') {
        metric.to_string()
    } else {
        format!("indicator.{metric}")
    }
}

/// The concrete metrics of a ledger in row order: the catalogue with `duty.<id>` and
/// `duty.<id>.lapse` expanded over the duties and `indicator.<id>` over the indicators (in
/// ledger order), and `target.<id>` over the metrics that have targets (in order of first
/// target).
pub fn catalogue_for(ledger: &Ledger) -> Vec<LedgerMetric> {
    let mut out = Vec::new();
    for m in catalogue() {
        match m.id {
            "duty.<id>" => {
                for d in &ledger.duties {
                    let mut e = LedgerMetric::from_def(m);
                    e.id = format!("duty.{}", d.id);
                    e.zh = format!("{}: {}", m.zh, d.id);
                    e.en = format!(
                        "{}: {} ({} by {}, cadence {})",
                        m.en, d.id, d.activity, d.applies_to, d.cadence
                    );
                    out.push(e);
                }
            }
            "duty.<id>.lapse" => {
                for d in &ledger.duties {
                    let mut e = LedgerMetric::from_def(m);
                    e.id = format!("duty.{}.lapse", d.id);
                    e.zh = format!("{}: {}", m.zh, d.id);
                    e.en = format!("{}: {}", m.en, d.id);
                    e.kind = lapse_kind(d.cadence);
                    out.push(e);
                }
            }
            "indicator.<id>" => {
                for i in &ledger.indicators {
                    let mut e = LedgerMetric::from_def(m);
                    e.id = format!("indicator.{}", i.id);
                    e.zh = i.name.clone();
                    e.en = match &i.measure {
                        Some(u) => format!("{} ({u}, {})", i.id, i.aggregate()),
                        None => format!("{} ({})", i.id, i.aggregate()),
                    };
                    out.push(e);
                }
            }
            "target.<id>" => {
                let mut seen = std::collections::HashSet::new();
                for t in &ledger.targets {
                    let id = target_row_id(&t.metric);
                    if seen.insert(id.clone()) {
                        let mut e = LedgerMetric::from_def(m);
                        e.zh = format!("{}: {}", m.zh, t.metric);
                        e.en = format!("{}: {}", m.en, t.metric);
                        e.id = id;
                        if let Some(def) = find(&targeted_metric(&t.metric)) {
                            e.programme = def.programme;
                        }
                        out.push(e);
                    }
                }
            }
            _ => out.push(LedgerMetric::from_def(m)),
        }
    }
    out
}

/// `days` for an n-day cadence, `periods` for a calendar one.
pub(crate) fn lapse_kind(c: Cadence) -> MetricKind {
    match c {
        Cadence::Days(_) => MetricKind::Days,
        _ => MetricKind::Periods,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_follows_metrics_md_order() {
        let ids: Vec<&str> = catalogue().iter().map(|m| m.id).collect();
        assert_eq!(
            ids,
            vec![
                "tasks.total",
                "tasks.started",
                "tasks.completed",
                "tasks.progress",
                "tasks.spi",
                "tasks.on_track",
                "tasks.at_risk",
                "tasks.overdue",
                "tasks.not_started",
                "tasks.done",
                "tasks.forecast_late",
                "cadres.young",
                "cadres.young_share",
                "cadres.young_on_tasks",
                "cadres.breadth",
                "roads.chief_coverage",
                "villages.liaison_coverage",
                "duty.<id>",
                "duty.<id>.lapse",
                "indicator.<id>",
                "target.<id>",
                "coverage.org",
                "coverage.own_org",
                "coverage.work",
                "orgs.viable",
                "orgs.renewal_overdue",
                "orgs.renewal_due",
                "members.no_org_life",
                "workshops.red",
                "committees.two_new",
            ]
        );
    }

    #[test]
    fn every_entry_has_names_and_a_definition() {
        for m in catalogue() {
            assert!(
                !m.zh.is_empty() && !m.en.is_empty() && m.definition.len() > 20,
                "{}",
                m.id
            );
        }
    }

    #[test]
    fn target_rows_of_indicators_drop_the_prefix() {
        assert_eq!(target_row_id("lotus_area"), "target.lotus_area");
        assert_eq!(target_row_id("indicator.lotus_area"), "target.lotus_area");
        assert_eq!(target_row_id("coverage.org"), "target.coverage.org");
    }
}
