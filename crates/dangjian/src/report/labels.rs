//! What people read instead of ids: names of units, orgs, people and tasks, and a 中文 and
//! English name for every metric of a ledger that says which duty or target it is.

use std::collections::HashMap;

use crate::metrics::{catalogue, MetricId, MetricKind, PerLedger};
pub(crate) use crate::model::words::{
    activity, count_en, duty_cadence, duty_what, lapse_unit, owed_by, plural, words,
};
use crate::model::Ledger;

/// Display names for one ledger.
///
/// ```
/// use dangjian::report::Labels;
///
/// let ledger = dangjian::example();
/// let labels = Labels::new(&ledger);
/// assert_eq!(labels.name("chengxi"), "城西新区");
/// let (zh, en) = labels.metric("duty.road_patrol");
/// assert_eq!(zh, "履职率：路长巡查（每3天）");
/// assert_eq!(en, "compliance: patrol by road chiefs (every 3 days)");
/// assert_eq!(labels.metric("target.tasks.completed").0, "目标达成度：完成率");
/// ```
pub struct Labels<'l> {
    /// Unit, org and initiative ids to names (units first, as the engine resolves them).
    nodes: HashMap<&'l str, &'l str>,
    people: HashMap<&'l str, &'l str>,
    metrics: HashMap<String, (String, String, MetricKind)>,
}

impl<'l> Labels<'l> {
    /// The names of `ledger`.
    pub fn new(ledger: &'l Ledger) -> Self {
        let mut nodes = HashMap::with_capacity(
            ledger.units.len() + ledger.orgs.len() + ledger.initiatives.len(),
        );
        let ids = ledger
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.name.as_str()))
            .chain(ledger.orgs.iter().map(|o| (o.id.as_str(), o.name.as_str())))
            .chain(
                ledger
                    .initiatives
                    .iter()
                    .map(|i| (i.id.as_str(), i.title.as_str())),
            );
        for (id, name) in ids {
            nodes.entry(id).or_insert(name);
        }
        let mut people = HashMap::with_capacity(ledger.people.len());
        for p in &ledger.people {
            people.entry(p.id.as_str()).or_insert(p.name.as_str());
        }
        Labels {
            nodes,
            people,
            metrics: metric_labels(ledger),
        }
    }

    /// The name of a unit, org or key task; the id itself when it names none.
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.nodes.get(id).copied().unwrap_or(id)
    }

    /// The name of a unit, org or key task, if `id` names one (the ledger's own text).
    pub fn name_of(&self, id: &str) -> Option<&'l str> {
        self.nodes.get(id).copied()
    }

    /// The name of a person, if `id` names one (the ledger's own text).
    pub fn person_of(&self, id: &str) -> Option<&'l str> {
        self.people.get(id).copied()
    }

    /// The name of a person; the id itself when it names none.
    pub fn person<'a>(&'a self, id: &'a str) -> &'a str {
        self.people.get(id).copied().unwrap_or(id)
    }

    /// The 中文 and English names of a metric of this ledger (`duty.<id>`, `target.<id>`
    /// included); the id twice when it is unknown.
    pub fn metric<'a>(&'a self, id: &'a str) -> (&'a str, &'a str) {
        match self.metrics.get(id) {
            Some((zh, en, _)) => (zh, en),
            None => (id, id),
        }
    }

    /// The 中文 and English names of a metric of this ledger; its id twice when unknown.
    pub fn metric_of(&self, id: &MetricId) -> (String, String) {
        match self.metrics.get(&id.to_string()) {
            Some((zh, en, _)) => (zh.clone(), en.clone()),
            None => (id.to_string(), id.to_string()),
        }
    }

    /// The kind of a metric of this ledger.
    pub fn kind(&self, id: &str) -> Option<MetricKind> {
        self.metrics.get(id).map(|m| m.2)
    }

    /// Every metric id with its names and kind.
    pub fn metrics(&self) -> impl Iterator<Item = (&str, &str, &str, MetricKind)> {
        self.metrics
            .iter()
            .map(|(id, (zh, en, k))| (id.as_str(), zh.as_str(), en.as_str(), *k))
    }
}

fn metric_labels(l: &Ledger) -> HashMap<String, (String, String, MetricKind)> {
    let mut out: HashMap<String, (String, String, MetricKind)> = HashMap::new();
    for m in catalogue().iter().filter(|m| !m.is_template()) {
        out.insert(m.id.to_string(), (m.zh.into(), m.en.into(), m.kind));
    }
    // Duties are named in words by the catalogue (one place for the page and the tables).
    for m in crate::metrics::catalogue_for(l) {
        if let Some((PerLedger::Duty | PerLedger::DutyLapse, _)) = m.per_ledger {
            out.insert(m.id, (m.zh, m.en, m.kind));
        }
    }
    for i in &l.indicators {
        let (zh, en) = match &i.measure {
            Some(m) => (
                format!("{}（{m}）", i.name),
                format!("{} ({m})", words(i.id.as_str())),
            ),
            None => (i.name.clone(), words(i.id.as_str())),
        };
        out.insert(format!("indicator.{}", i.id), (zh, en, MetricKind::Value));
    }
    let (t_zh, t_en) = catalogue()
        .iter()
        .find(|m| m.per_ledger == Some(PerLedger::Target))
        .map(|m| (m.zh, m.en))
        .unwrap_or(("目标达成度", "target achievement"));
    for t in &l.targets {
        let targeted = if t.metric.contains('.') {
            t.metric.clone()
        } else {
            format!("indicator.{}", t.metric)
        };
        let row = match targeted.strip_prefix("indicator.") {
            Some(ind) => format!("target.{ind}"),
            None => format!("target.{targeted}"),
        };
        if out.contains_key(&row) {
            continue;
        }
        let (zh, en) = out
            .get(&targeted)
            .map(|(zh, en, _)| (zh.clone(), en.clone()))
            .unwrap_or_else(|| (t.metric.clone(), t.metric.clone()));
        out.insert(
            row,
            (
                format!("{t_zh}：{zh}"),
                format!("{t_en}: {en}"),
                MetricKind::Ratio,
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_of_the_example_has_a_distinct_chinese_and_english_name() {
        let l = crate::example();
        let labels = Labels::new(&l);
        let ev = crate::metrics::evaluate(
            &l,
            &crate::metrics::Query {
                as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31),
                ..Default::default()
            },
        )
        .unwrap();
        let mut zh_seen = std::collections::HashSet::new();
        let mut en_seen = std::collections::HashSet::new();
        for r in &ev.rows {
            let (zh, en) = labels.metric_of(&r.metric);
            assert_ne!(zh, r.metric.to_string(), "{} has no Chinese name", r.metric);
            assert!(zh_seen.insert(zh.to_string()), "{zh} twice");
            assert!(en_seen.insert(en.to_string()), "{en} twice");
        }
    }

    #[test]
    fn duty_names_say_who_does_what_how_often() {
        let l = crate::example();
        let labels = Labels::new(&l);
        assert_eq!(
            labels.metric("duty.workshop_visit"),
            (
                "履职率：红色车间指导（每月）",
                "compliance: instructor visit at red workshops (monthly)"
            )
        );
        assert_eq!(
            labels.metric("duty.road_patrol.lapse"),
            (
                "最长脱节：路长巡查（天）",
                "longest lapse: patrol by road chiefs (days)"
            )
        );
        assert_eq!(
            labels.metric("target.lotus_revenue").0,
            "目标达成度：莲子种植收入（元）"
        );
    }
}
