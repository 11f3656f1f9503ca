//! Indicators (`indicator.<id>`), formulas, and targets (`target.<id>`).

mod common;
use common::*;
use dangjian::metrics::{Engine, Query};
use dangjian::model::*;

/// Villages v1, v2 in area a1; v3 under the root; v4 gone since 2019-06-30.
/// area (sum): v1 100 (01-01), 105 (07-01), 110 (08-01, after as_of); v2 50; v3 20; v4 30.
/// per_mu (mean): v1 6500, v2 6000 (v3 has none).
/// revenue = area * per_mu (sum); per_zero = area / zero with zero = 0 at v1; peak = area
/// (max); low = area (min); konst = 2 * 3 (sum): a formula of constants.
fn lotus() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("v1", UnitKind::Village, Some("a1")));
    l.units.push(unit("v2", UnitKind::Village, Some("a1")));
    l.units.push(unit("v3", UnitKind::Village, Some("d")));
    let mut v4 = unit("v4", UnitKind::Village, Some("d"));
    v4.until = Some(d(2019, 6, 30));
    l.units.push(v4);
    l.indicators = vec![
        indicator("area", Aggregate::Sum, None),
        indicator("per_mu", Aggregate::Mean, None),
        indicator("revenue", Aggregate::Sum, Some("area * per_mu")),
        indicator("zero", Aggregate::Sum, None),
        indicator("per_zero", Aggregate::Sum, Some("area / zero")),
        indicator("peak", Aggregate::Max, Some("area")),
        indicator("low", Aggregate::Min, Some("area")),
        indicator("konst", Aggregate::Sum, Some("2 * 3")),
    ];
    l.observations = vec![
        observation("area", "v1", d(2019, 1, 1), 100.0),
        observation("area", "v1", d(2019, 7, 1), 105.0),
        observation("area", "v1", d(2019, 8, 1), 110.0),
        observation("area", "v2", d(2019, 3, 1), 50.0),
        observation("area", "v3", d(2019, 3, 1), 20.0),
        observation("area", "v4", d(2019, 3, 1), 30.0),
        observation("per_mu", "v1", d(2019, 3, 1), 6500.0),
        observation("per_mu", "v2", d(2019, 3, 1), 6000.0),
        observation("zero", "v1", d(2019, 3, 1), 0.0),
    ];
    l
}

#[test]
fn latest_observations_combined_by_aggregate() {
    let l = lotus();
    assert_valid(&l);
    let q = Query {
        by: Some(UnitKind::Area),
        ..at(d(2019, 7, 31))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    // area: v1 105 + v2 50 + v3 20 = 175 (v4 inactive, v1's 110 is after as_of); a1: 155
    assert_eq!(vnd(&ev, "indicator.area", "d"), (Some(175.0), None, None));
    assert_eq!(row(&ev, "indicator.area", "a1").value, Some(155.0));
    // per_mu mean (6500 + 6000) / 2
    assert_eq!(ev.value("indicator.per_mu"), Some(6250.0));
    // revenue: v1 105 x 6500 = 682500, v2 50 x 6000 = 300000, v3 lacks per_mu: 982500
    assert_eq!(ev.value("indicator.revenue"), Some(982_500.0));
    // per_zero: v1 divides by zero, others lack `zero` -> no unit has a value -> null
    assert_eq!(ev.value("indicator.per_zero"), None);
    assert_eq!(ev.value("indicator.peak"), Some(105.0));
    assert_eq!(ev.value("indicator.low"), Some(20.0));
    // konst: 6 at each of the 5 units active on as_of (d, a1, v1, v2, v3)
    assert_eq!(ev.value("indicator.konst"), Some(30.0));
}

#[test]
fn targets_with_a_baseline_follow_their_metric() {
    // Target on indicator `area` at a1: 200 due 2019-12-31, baseline 100:
    // achievement (155 - 100) / (200 - 100) = 0.55.
    // Target on committees.two_new at the root: 2, no baseline: 0 / 2 = 0.
    // A target at a2 (not evaluated without a breakdown) produces nothing.
    // Two targets on indicator.per_mu at the root: due 2019-06-30 (past) and 2020-06-30
    // (upcoming): the upcoming one counts: (6250 - 0) / 6500.
    let mut l = lotus();
    l.units.push(unit("a2", UnitKind::Area, Some("d")));
    l.targets = vec![
        target("area", Some("a1"), d(2019, 12, 31), 200.0, Some(100.0)),
        target("committees.two_new", None, d(2019, 12, 31), 2.0, None),
        target("committees.two_new", Some("a2"), d(2019, 12, 31), 1.0, None),
        target("indicator.per_mu", None, d(2019, 6, 30), 6000.0, None),
        target("per_mu", None, d(2020, 6, 30), 6500.0, None),
    ];
    assert_valid(&l);
    let e = Engine::new(&l);
    let q = Query {
        scope: Some("a1".into()),
        ..at(d(2019, 7, 31))
    };
    let ev = e.evaluate(&q).unwrap();
    let r = row(&ev, "indicator.area", "a1");
    assert_eq!((r.target, r.due), (Some(200.0), Some(d(2019, 12, 31))));
    let pos = ev
        .rows
        .iter()
        .position(|r| r.metric == "indicator.area")
        .unwrap();
    let t = &ev.rows[pos + 1];
    assert_eq!(t.metric, "target.area");
    assert_eq!(
        (t.value, t.numerator, t.denominator, t.target, t.due),
        (Some(0.55), Some(55.0), Some(100.0), None, None)
    );

    let ev = e.evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        ev.rows
            .iter()
            .filter(|r| r.metric.to_string().starts_with("target."))
            .count(),
        2
    );
    let two = row(&ev, "committees.two_new", "d");
    assert_eq!((two.value, two.target), (Some(0.0), Some(2.0)));
    assert_eq!(
        vnd(&ev, "target.committees.two_new", "d"),
        (Some(0.0), Some(0.0), Some(2.0))
    );
    let per_mu = row(&ev, "indicator.per_mu", "d");
    assert_eq!(
        (per_mu.target, per_mu.due),
        (Some(6500.0), Some(d(2020, 6, 30)))
    );
    assert_eq!(
        vnd(&ev, "target.per_mu", "d"),
        (Some(6250.0 / 6500.0), Some(6250.0), Some(6500.0))
    );
    // JSON: the count target is an integer, `due` only where a target exists
    let json = ev.to_json();
    let rows = json["rows"].as_array().unwrap();
    let two = rows
        .iter()
        .find(|r| r["metric"] == "committees.two_new")
        .unwrap();
    assert_eq!(two["target"], 2);
    assert_eq!(two["due"], "2019-12-31");
    let tr = rows
        .iter()
        .find(|r| r["metric"] == "target.committees.two_new")
        .unwrap();
    assert_eq!(
        (tr["numerator"].clone(), tr["denominator"].clone()),
        (serde_json::json!(0), serde_json::json!(2))
    );
    assert!(tr.get("due").is_none() && tr["target"].is_null());
    assert!(rows
        .iter()
        .find(|r| r["metric"] == "tasks.total")
        .unwrap()
        .get("due")
        .is_none());

    // With a breakdown by area, a2's target shows up in a2's rows.
    let ev = e
        .evaluate(&Query {
            by: Some(UnitKind::Area),
            ..at(d(2019, 7, 31))
        })
        .unwrap();
    assert_eq!(
        vnd(&ev, "target.committees.two_new", "a2"),
        (Some(0.0), Some(0.0), Some(1.0))
    );
}

#[test]
fn a_null_metric_gives_a_null_achievement() {
    // coverage.org with no enterprises is null; its achievement is null, the denominator
    // (target - baseline = 1 - 0.5) is still reported.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.targets.push(target(
        "coverage.org",
        None,
        d(2019, 12, 31),
        1.0,
        Some(0.5),
    ));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "target.coverage.org", "d"),
        (None, None, Some(0.5))
    );
}
