//! Builders for the small hand-made ledgers of the metrics tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use dangjian::metrics::{Evaluation, MetricRow, Query};
use dangjian::model::*;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a valid test date")
}

pub fn unit(id: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    let u = Unit::new(id, kind, id);
    match parent {
        Some(p) => u.with_parent(p),
        None => u,
    }
}

pub fn enterprise(id: &str, parent: &str) -> Unit {
    let mut u = unit(id, UnitKind::Enterprise, Some(parent));
    u.above_scale = true;
    u
}

pub fn org(id: &str, kind: OrgKind, hosts: &[&str], established: NaiveDate) -> Org {
    Org::new(
        id,
        kind,
        id,
        hosts.iter().map(|h| UnitId::from(*h)).collect(),
        established,
    )
}

pub fn person(id: &str, birth: Option<NaiveDate>) -> Person {
    let mut p = Person::new(id, id);
    p.birth_date = birth;
    p
}

pub fn member(
    id: &str,
    org: &str,
    joined: Option<NaiveDate>,
    confirmed: Option<NaiveDate>,
) -> Person {
    let mut p = Person::new(id, id);
    p.org = Some(org.into());
    p.joined = joined;
    p.confirmed = confirmed;
    p
}

pub fn role(
    person: &str,
    kind: RoleKind,
    target: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Role {
    let mut r = Role::new(person, kind, target, start);
    r.end = end;
    r
}

pub fn task(
    id: &str,
    unit: Option<&str>,
    start: Option<NaiveDate>,
    deadline: NaiveDate,
) -> Initiative {
    let mut t = Initiative::new(id, InitiativeKind::KeyTask, Programme::Growth, id, deadline);
    t.unit = unit.map(UnitId::from);
    t.start = start;
    t
}

pub fn progress(initiative: &str, date: NaiveDate, percent: f64) -> Progress {
    Progress {
        initiative: initiative.into(),
        date,
        percent,
        note: None,
        extra: Extra::new(),
    }
}

pub fn activity(kind: &str, date: NaiveDate, subject: &str, people: &[&str]) -> Activity {
    let mut a = Activity::new(kind, date, subject);
    a.people = people.iter().map(|p| PersonId::from(*p)).collect();
    a
}

pub fn duty(id: &str, activity: &str, applies_to: &str, cadence: &str) -> Duty {
    Duty::new(
        id,
        activity,
        applies_to.parse().expect("applies_to"),
        cadence.parse().expect("cadence"),
    )
}

pub fn designation(
    unit: &str,
    name: &str,
    since: NaiveDate,
    until: Option<NaiveDate>,
) -> DesignationRecord {
    DesignationRecord {
        unit: unit.into(),
        designation: Designation::new(name),
        since,
        until,
        extra: Extra::new(),
    }
}

pub fn election(org: &str, date: NaiveDate) -> Election {
    Election {
        org: org.into(),
        date,
        note: None,
        extra: Extra::new(),
    }
}

pub fn indicator(id: &str, aggregate: Aggregate, formula: Option<&str>) -> Indicator {
    Indicator {
        id: id.into(),
        name: id.to_string(),
        measure: None,
        aggregate: Some(aggregate),
        formula: formula.map(str::to_string),
        extra: Extra::new(),
    }
}

pub fn observation(indicator: &str, unit: &str, date: NaiveDate, value: f64) -> Observation {
    Observation {
        indicator: indicator.into(),
        unit: unit.into(),
        date,
        value,
        note: None,
        extra: Extra::new(),
    }
}

pub fn target(
    metric: &str,
    scope: Option<&str>,
    due: NaiveDate,
    value: f64,
    baseline: Option<f64>,
) -> Target {
    Target {
        metric: metric.to_string(),
        scope: scope.map(UnitId::from),
        due,
        value,
        baseline,
        extra: Extra::new(),
    }
}

pub fn at(as_of: NaiveDate) -> Query {
    Query {
        as_of: Some(as_of),
        ..Query::default()
    }
}

/// The row of `metric` at `scope`, which must exist.
pub fn row<'e>(ev: &'e Evaluation, metric: &str, scope: &str) -> &'e MetricRow {
    ev.row(metric, scope)
        .unwrap_or_else(|| panic!("no row {metric} at {scope}"))
}

/// (value, numerator, denominator) of a row.
pub fn vnd(ev: &Evaluation, metric: &str, scope: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
    let r = row(ev, metric, scope);
    (r.value, r.numerator, r.denominator)
}

pub fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// Asserts that the ledger has no validation errors (the tests mean valid ledgers).
pub fn assert_valid(l: &Ledger) {
    let p = l.validate();
    assert!(
        !p.has_errors(),
        "test ledger invalid: {:?}",
        p.errors().collect::<Vec<_>>()
    );
}

/// The partial results of query `q` on every ledger of a split (the top first, then the
/// parts), the whole's root being `whole_root`.
pub fn partials_of(
    cut: &dangjian::ledger::parts::Split,
    q: &Query,
    whole_root: &str,
) -> Vec<dangjian::metrics::Partial> {
    std::iter::once(&cut.top)
        .chain(cut.parts.iter().map(|p| &p.ledger))
        .map(|l| {
            dangjian::metrics::Engine::new(l)
                .partial(q, &cut.shared, Some(whole_root))
                .expect("a partial result")
        })
        .collect()
}
