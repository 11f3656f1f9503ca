//! The metric catalogue as data: id, names in 中文 and English, definition, kind, direction
//! and programme of every metric, in the order of `docs/METRICS.md`; and the registry that
//! ties each entry to the code computing it.
//!
//! Each family file (`tasks.rs`, `duties.rs`...) declares its metrics as `Metric`s: a
//! catalogue entry and the reading of its value side by side, so an entry without a
//! computation (or a computation without an entry) does not compile. `FAMILIES` lists the
//! families once, in catalogue order; the catalogue, the engine's rows and the per-ledger
//! expansion all follow it. Per-ledger families ([`PerLedger`]: `duty.<id>`,
//! `duty.<id>.lapse`, `indicator.<id>`, `target.<id>`) appear as template entries;
//! [`catalogue_for`] lists the concrete metrics of one ledger.
//!
//! ```
//! use dangjian::metrics::{catalogue, MetricKind};
//! let first = &catalogue()[0];
//! assert_eq!((first.id, first.zh, first.kind), ("tasks.total", "重难点工作数", MetricKind::Count));
//! assert!(catalogue().iter().any(|m| m.id == "coverage.org"));
//! ```

use crate::model::words;
use std::sync::LazyLock;

use serde::Serialize;

use super::engine::{Ctx, Scope, Val};
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
            per_ledger: None,
        }
    };
}
pub(crate) use metric;

/// A catalogue entry and how its value is read from the figures its family works out at one
/// scope: the definition and the computation of a metric, side by side.
pub(crate) struct Metric<F> {
    /// The catalogue entry.
    pub def: MetricDef,
    /// The metric's value from its family's figures.
    pub value: fn(&F) -> Val,
}

/// A family of metrics: one file of `metrics/`.
pub(crate) trait Family: Sync + 'static {
    /// What the family works out once per scope row (and per duty or indicator of a
    /// per-ledger family), from which each of its metrics reads its value.
    type Figures: 'static;
    /// The family's metrics in catalogue order.
    const METRICS: &'static [Metric<Self::Figures>];
    /// The figures at scope `s`. `key` is the duty or indicator (its ledger position) of a
    /// per-ledger family, 0 for the others.
    fn figures(ctx: &Ctx<'_, '_>, s: Scope, key: u32) -> Self::Figures;
}

/// What the catalogue and the engine need of a family, whatever its figures.
pub(crate) trait Registered: Sync {
    /// The family's catalogue entries, in order.
    fn defs(&self) -> Vec<&'static MetricDef>;
    /// Appends the family's metrics of ledger `l` to `plan` in row order, each with the
    /// group (family and key) that computes it.
    fn plan(&self, l: &Ledger, plan: &mut super::engine::Plan);
}

impl<F: Family> Registered for F {
    fn defs(&self) -> Vec<&'static MetricDef> {
        F::METRICS.iter().map(|m| &m.def).collect()
    }

    fn plan(&self, l: &Ledger, plan: &mut super::engine::Plan) {
        plan.add_family::<F>(l);
    }
}

/// Every family, once, in catalogue order (the order of `docs/METRICS.md`).
pub(crate) static FAMILIES: [&dyn Registered; 8] = [
    &super::tasks::Tasks,
    &super::cadres::Cadres,
    &super::leading::Leading,
    &super::duties::Duties,
    &super::indicators::Indicators,
    &super::targets::Targets,
    &super::coverage::Coverage,
    &super::orgs::Orgs,
];

/// The families whose metrics are one per duty, indicator or targeted metric of a ledger.
/// Their catalogue entries are templates whose id holds `<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PerLedger {
    /// `duty.<duty id>`: the compliance of a duty.
    Duty,
    /// `duty.<duty id>.lapse`: the longest lapse of a duty.
    DutyLapse,
    /// `indicator.<indicator id>`: an indicator over the units in scope.
    Indicator,
    /// `target.<metric or indicator id>`: the achievement of a target.
    Target,
}

impl PerLedger {
    /// Every per-ledger family.
    pub const ALL: [PerLedger; 4] = [
        PerLedger::Duty,
        PerLedger::DutyLapse,
        PerLedger::Indicator,
        PerLedger::Target,
    ];

    /// What comes before and after the key in a metric id.
    fn affixes(self) -> (&'static str, &'static str) {
        match self {
            PerLedger::Duty => ("duty.", ""),
            PerLedger::DutyLapse => ("duty.", ".lapse"),
            PerLedger::Indicator => ("indicator.", ""),
            PerLedger::Target => ("target.", ""),
        }
    }

    /// The metric id of `key` (a duty id, an indicator id, a targeted metric).
    ///
    /// ```
    /// use dangjian::metrics::PerLedger;
    /// assert_eq!(PerLedger::DutyLapse.id("road_patrol"), "duty.road_patrol.lapse");
    /// assert_eq!(PerLedger::Duty.key("duty.road_patrol"), Some("road_patrol"));
    /// assert_eq!(PerLedger::Indicator.key("duty.road_patrol"), None);
    /// ```
    pub fn id(self, key: &str) -> String {
        let (head, tail) = self.affixes();
        format!("{head}{key}{tail}")
    }

    /// The key of `id` if `id` has this family's shape (`road_patrol` of `duty.road_patrol`).
    pub fn key(self, id: &str) -> Option<&str> {
        let (head, tail) = self.affixes();
        id.strip_prefix(head)?
            .strip_suffix(tail)
            .filter(|k| !k.is_empty())
    }

    /// The template id of the catalogue entry (`duty.<id>`).
    pub fn template(self) -> String {
        self.id("<id>")
    }
}

/// What kind of number a metric is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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

impl crate::rows::CellValue for MetricKind {
    const TYPE: crate::rows::ColumnType = crate::rows::ColumnType::Text;
    fn cell(&self) -> crate::rows::Cell<'_> {
        crate::rows::Cell::Text(self.id().into())
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

impl Direction {
    /// The direction's identifier (`higher`, `lower`).
    pub fn id(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

impl crate::rows::CellValue for Direction {
    const TYPE: crate::rows::ColumnType = crate::rows::ColumnType::Text;
    fn cell(&self) -> crate::rows::Cell<'_> {
        crate::rows::Cell::Text(self.id().into())
    }
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
    /// The per-ledger family this entry is the template of (none: a metric of its own).
    #[serde(skip)]
    pub per_ledger: Option<PerLedger>,
}

impl MetricDef {
    /// Whether this entry stands for a per-ledger family (`duty.<id>`...).
    pub fn is_template(&self) -> bool {
        self.per_ledger.is_some()
    }
}

static CATALOGUE: LazyLock<Vec<MetricDef>> =
    LazyLock::new(|| FAMILIES.iter().flat_map(|f| f.defs()).copied().collect());

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
    /// For a metric of a per-ledger family: which family, and the key (the duty id, the
    /// indicator id, the targeted metric as the target names it).
    #[serde(skip)]
    pub per_ledger: Option<(PerLedger, String)>,
}

crate::rows::impl_row!(LedgerMetric {
    id,
    zh,
    en,
    definition,
    kind,
    direction,
    programme,
} hidden { per_ledger });

impl LedgerMetric {
    /// The owned form of a catalogue entry (a template stays a template).
    pub fn from_def(m: &MetricDef) -> Self {
        LedgerMetric {
            id: m.id.to_string(),
            zh: m.zh.to_string(),
            en: m.en.to_string(),
            definition: m.definition.to_string(),
            kind: m.kind,
            direction: m.direction,
            programme: m.programme,
            per_ledger: None,
        }
    }
}

/// The id of the achievement row of a target on `metric` (a metric id, `indicator.<id>` or
/// a plain indicator id): `target.<metric>`, or `target.<indicator id>` for indicators.
pub fn target_row_id(metric: &str) -> String {
    let m = targeted_metric(metric);
    let key = PerLedger::Indicator.key(&m).unwrap_or(&m);
    PerLedger::Target.id(key)
}

/// The metric a target's `metric` column aims at: itself, or `indicator.<id>` for a plain
/// indicator id (one without a `.`).
pub fn targeted_metric(metric: &str) -> String {
    if metric.contains('.') {
        metric.to_string()
    } else {
        PerLedger::Indicator.id(metric)
    }
}

/// The concrete metrics of catalogue entry `m` in ledger `l`, each with its key's position
/// in the ledger: the entry itself (position 0) for a metric of its own; for a template,
/// one per duty or indicator (ledger order), or one per targeted metric (in order of first
/// target). The one place per-ledger families are expanded: [`catalogue_for`] and the
/// engine's rows both come from here.
pub(crate) fn expand(m: &MetricDef, l: &Ledger) -> Vec<(u32, LedgerMetric)> {
    let Some(family) = m.per_ledger else {
        return vec![(0, LedgerMetric::from_def(m))];
    };
    let instance = |key: &str| LedgerMetric {
        id: family.id(key),
        per_ledger: Some((family, key.to_string())),
        ..LedgerMetric::from_def(m)
    };
    let mut out = Vec::new();
    match family {
        PerLedger::Duty => {
            // In words, as people read them: 履职率：路长巡查（每3天）.
            for (i, d) in l.duties.iter().enumerate() {
                let mut e = instance(d.id.as_str());
                let (what_zh, what_en) = words::duty_what(d);
                let (c_zh, c_en) = words::duty_cadence(d);
                e.zh = format!("履职率：{what_zh}（{c_zh}）");
                e.en = format!("compliance: {what_en} ({c_en})");
                out.push((i as u32, e));
            }
        }
        PerLedger::DutyLapse => {
            for (i, d) in l.duties.iter().enumerate() {
                let mut e = instance(d.id.as_str());
                let (what_zh, what_en) = words::duty_what(d);
                let (u_zh, u_en) = words::lapse_unit(d.cadence);
                e.zh = format!("{}：{what_zh}（{u_zh}）", m.zh);
                e.en = format!("{}: {what_en} ({u_en})", m.en);
                e.kind = lapse_kind(d.cadence);
                out.push((i as u32, e));
            }
        }
        PerLedger::Indicator => {
            for (i, x) in l.indicators.iter().enumerate() {
                let mut e = instance(x.id.as_str());
                e.zh = x.name.clone();
                e.en = match &x.measure {
                    Some(u) => format!("{} ({u}, {})", x.id, x.aggregate()),
                    None => format!("{} ({})", x.id, x.aggregate()),
                };
                out.push((i as u32, e));
            }
        }
        PerLedger::Target => {
            let mut seen = std::collections::HashSet::new();
            for (i, t) in l.targets.iter().enumerate() {
                let id = target_row_id(&t.metric);
                if seen.insert(id.clone()) {
                    let mut e = instance(&t.metric);
                    e.zh = format!("{}: {}", m.zh, t.metric);
                    e.en = format!("{}: {}", m.en, t.metric);
                    e.id = id;
                    if let Some(def) = find(&targeted_metric(&t.metric)) {
                        e.programme = def.programme;
                    }
                    out.push((i as u32, e));
                }
            }
        }
    }
    out
}

/// The concrete metrics of a ledger in row order: the catalogue with `duty.<id>` and
/// `duty.<id>.lapse` expanded over the duties and `indicator.<id>` over the indicators (in
/// ledger order), and `target.<id>` over the metrics that have targets (in order of first
/// target).
pub fn catalogue_for(ledger: &Ledger) -> Vec<LedgerMetric> {
    catalogue()
        .iter()
        .flat_map(|m| expand(m, ledger))
        .map(|(_, m)| m)
        .collect()
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
                "coverage.liaison",
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
    fn templates_are_exactly_the_per_ledger_families() {
        let templates: Vec<(&str, PerLedger)> = catalogue()
            .iter()
            .filter_map(|m| m.per_ledger.map(|f| (m.id, f)))
            .collect();
        assert_eq!(templates.len(), PerLedger::ALL.len());
        for (id, family) in templates {
            assert_eq!(id, family.template());
        }
        assert!(catalogue()
            .iter()
            .filter(|m| m.per_ledger.is_none())
            .all(|m| !m.id.contains('<')));
    }

    #[test]
    fn a_key_reads_back_from_its_id() {
        for f in PerLedger::ALL {
            assert_eq!(f.key(&f.id("a_b")), Some("a_b"));
        }
        assert_eq!(PerLedger::DutyLapse.key("duty.x"), None);
        assert_eq!(PerLedger::Duty.key("duty."), None);
        // A duty id may itself end in `.lapse`: both readings are offered.
        assert_eq!(PerLedger::Duty.key("duty.x.lapse"), Some("x.lapse"));
        assert_eq!(PerLedger::DutyLapse.key("duty.x.lapse"), Some("x"));
    }

    #[test]
    fn target_rows_of_indicators_drop_the_prefix() {
        assert_eq!(target_row_id("lotus_area"), "target.lotus_area");
        assert_eq!(target_row_id("indicator.lotus_area"), "target.lotus_area");
        assert_eq!(target_row_id("coverage.org"), "target.coverage.org");
    }
}
