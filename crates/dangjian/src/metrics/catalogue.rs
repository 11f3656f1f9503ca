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

use std::sync::Arc;
use std::sync::LazyLock;

use serde::Serialize;

use super::ctx::{Ctx, Entities, Family, Group, SlotInfo};
pub use super::value::{
    target_row_id, targeted_metric, Direction, MetricDef, MetricId, MetricKind, PerLedger,
};
use super::value::{Metric, Op, Scope, State, Val};
use crate::model::words;
use crate::model::{Cadence, Ledger, Programme};

/// What the catalogue and the engine need of a family, whatever its figures.
pub(crate) trait Registered: Sync {
    /// The family's catalogue entries, in order.
    fn defs(&self) -> Vec<&'static MetricDef>;
    /// Appends the family's metrics of ledger `l` to `plan` in row order, each with the
    /// group (family and key) that computes it.
    fn plan(&self, l: &Ledger, plan: &mut Plan);
}

impl<F: Family> Registered for F {
    fn defs(&self) -> Vec<&'static MetricDef> {
        F::METRICS.iter().map(|m| &m.def).collect()
    }

    fn plan(&self, l: &Ledger, plan: &mut Plan) {
        plan.add_family::<F>(l);
    }
}

impl Registered for super::targets::Targets {
    fn defs(&self) -> Vec<&'static MetricDef> {
        vec![&super::targets::ACHIEVEMENT.def]
    }
    // Not computed per scope like the others: its rows follow the metric each target is on.
    fn plan(&self, _: &Ledger, _: &mut Plan) {}
}

/// Every family, once, in catalogue order (the order of `docs/METRICS.md`).
pub(crate) static FAMILIES: [&dyn Registered; 10] = [
    &super::tasks::Tasks,
    &super::cadres::Cadres,
    &super::leading::Leading,
    &super::duties::Duties,
    &super::indicators::Indicators,
    &super::targets::Targets,
    &super::coverage::Coverage,
    &super::orgs::Orgs,
    &super::coverage::Liaison,
    &super::orgs::Workshops,
];

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

impl MetricId {
    /// Its catalogue entry (for a per-ledger metric, its family's template).
    pub fn def(&self) -> Option<&'static MetricDef> {
        match self.per_ledger() {
            None => find(self.catalogue_text()),
            Some((family, _)) => catalogue().iter().find(|m| m.per_ledger == Some(family)),
        }
    }

    /// The metric an id names: a catalogue metric (`coverage.org`), `duty.<id>`,
    /// `duty.<id>.lapse`, `indicator.<id>`, or `target.` and one of these (`target.<indicator
    /// id>` for an indicator). This is the edge where text becomes a metric; whether a duty or
    /// indicator of that id exists is for the ledger to say.
    pub fn parse(text: &str) -> Option<MetricId> {
        if let Some(rest) = text.strip_prefix("target.") {
            let inner = match MetricId::parse(rest) {
                Some(m @ (MetricId::Catalogue(_) | MetricId::Duty(_) | MetricId::DutyLapse(_))) => {
                    m
                }
                // A target on indicator X has the row `target.X`.
                _ if !rest.is_empty() && !rest.contains('.') => MetricId::Indicator(rest.into()),
                _ => return None,
            };
            return Some(inner.target());
        }
        if let Some(def) = catalogue()
            .iter()
            .find(|m| m.per_ledger.is_none() && m.id == text)
        {
            return Some(MetricId::Catalogue(def.id));
        }
        // `duty.x.lapse` before `duty.x`, whose shape it also has.
        if let Some(k) = PerLedger::DutyLapse.key(text) {
            return Some(MetricId::DutyLapse(k.into()));
        }
        if let Some(k) = PerLedger::Duty.key(text) {
            return Some(MetricId::Duty(k.into()));
        }
        PerLedger::Indicator
            .key(text)
            .map(|k| MetricId::Indicator(k.into()))
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

/// The members of one group of family `F`: which slot each metric of the family fills.
struct FamilyGroup<F: Family> {
    key: u32,
    members: Vec<(usize, &'static Metric<F::Figures>)>,
}

impl<F: Family> Group for FamilyGroup<F> {
    fn state(&self, ctx: &Ctx<'_, '_>, s: Scope) -> Vec<f64> {
        let mut out = Vec::with_capacity(F::Figures::FIELDS.len());
        F::figures(ctx, s, self.key).write(&mut out);
        out
    }

    fn values(&self, fields: &[f64], vals: &mut [Option<Val>]) {
        let figures = F::Figures::read(fields);
        for (slot, m) in &self.members {
            if let Some(v) = vals.get_mut(*slot) {
                *v = Some((m.value)(&figures));
            }
        }
    }

    fn fields(&self) -> &'static [(&'static str, Op)] {
        F::Figures::FIELDS
    }

    fn name(&self, l: &Ledger) -> String {
        F::group_name(l, self.key)
    }

    fn entities(&self) -> Entities {
        F::ENTITIES
    }

    fn reads(&self, l: &Ledger, added: &super::query::Appended) -> bool {
        F::reads(l, self.key, added)
    }
}

/// The metrics of one ledger in row order, as the families of [`FAMILIES`] add
/// them.
#[derive(Default)]
pub(crate) struct Plan {
    slots: Vec<SlotInfo>,
}

impl Plan {
    /// Adds every metric of family `F` in ledger `l`: its catalogue entries in order, each
    /// expanded over the ledger's duties or indicators when it is a template; one group per
    /// key.
    pub(crate) fn add_family<F: Family>(&mut self, l: &Ledger) {
        let first = self.slots.len();
        let mut planned: Vec<(u32, &'static Metric<F::Figures>, LedgerMetric)> = Vec::new();
        for m in F::METRICS {
            planned.extend(expand(&m.def, l).into_iter().map(|(key, lm)| (key, m, lm)));
        }
        let mut keys: Vec<u32> = planned.iter().map(|p| p.0).collect();
        keys.sort_unstable();
        keys.dedup();
        let groups: Vec<Arc<dyn Group>> = keys
            .iter()
            .map(|&key| {
                let members = planned
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.0 == key)
                    .map(|(i, p)| (first + i, p.1))
                    .collect();
                Arc::new(FamilyGroup::<F> { key, members }) as Arc<dyn Group>
            })
            .collect();
        for (key, m, lm) in planned {
            let g = keys.partition_point(|k| *k < key);
            let id = match &lm.per_ledger {
                None => MetricId::Catalogue(m.def.id),
                Some((PerLedger::Duty, k)) => MetricId::Duty(k.as_str().into()),
                Some((PerLedger::DutyLapse, k)) => MetricId::DutyLapse(k.as_str().into()),
                Some((PerLedger::Indicator, k)) => MetricId::Indicator(k.as_str().into()),
                // The target family plans no slots of its own.
                Some((PerLedger::Target, _)) => continue,
            };
            self.slots.push(SlotInfo {
                target_row: id.target(),
                id,
                kind: lm.kind,
                group: groups[g].clone(),
            });
        }
    }
}

/// The metrics of a ledger in row order, each with the group computing it.
pub(crate) fn slots(l: &Ledger) -> Vec<SlotInfo> {
    let mut plan = Plan::default();
    for family in &FAMILIES {
        family.plan(l, &mut plan);
    }
    plan.slots
}

/// The family prefixes of the catalogue (`tasks`, `cadres`, ..., `duty`, `indicator`,
/// `target`), for filters and messages.
pub(crate) fn family_prefixes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in catalogue() {
        let head = m.id.split('.').next().unwrap_or(m.id);
        if !out.contains(&head) {
            out.push(head);
        }
    }
    out
}

/// Whether the metric filter entry `f` selects metric `id`: equal, or a prefix ending at a
/// `.` boundary (`tasks` selects `tasks.total`; `duty.patrol` selects `duty.patrol.lapse`).
pub(crate) fn filter_matches(f: &str, id: &str) -> bool {
    let f = f.strip_suffix('.').unwrap_or(f);
    id == f || (id.len() > f.len() && id.starts_with(f) && id.as_bytes()[f.len()] == b'.')
}

/// A family prefix as text for messages: `` `tasks`, `cadres`, ... ``.
pub(crate) fn prefixes_text() -> String {
    family_prefixes()
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
                "coverage.liaison",
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
