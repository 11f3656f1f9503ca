//! Queries: defaults, breakdown rows, filters, errors, JSON output and trends.

mod common;
use common::*;
use dangjian::metrics::{
    catalogue, catalogue_for, evaluate, is_metric_id, Engine, Freq, Query, QueryError,
};
use dangjian::model::*;
use std::collections::HashSet;

fn areas() -> Ledger {
    // Areas: a1; a2 from 2019-09-01 (after as_of); a3 until 2018-12-31 (before from);
    // a4 until 2019-01-05 (active in the window); a5 under a1.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    let mut a2 = unit("a2", UnitKind::Area, Some("d"));
    a2.since = Some(d(2019, 9, 1));
    l.units.push(a2);
    let mut a3 = unit("a3", UnitKind::Area, Some("d"));
    a3.until = Some(d(2018, 12, 31));
    l.units.push(a3);
    let mut a4 = unit("a4", UnitKind::Area, Some("d"));
    a4.until = Some(d(2019, 1, 5));
    l.units.push(a4);
    l.units.push(unit("a5", UnitKind::Area, Some("a1")));
    l.units.push(unit("r1", UnitKind::Road, Some("a5")));
    l.activities
        .push(activity("patrol", d(2019, 7, 31), "r1", &[]));
    l
}

fn scopes(ev: &dangjian::metrics::Evaluation) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &ev.rows {
        if out.last() != Some(&r.scope.as_str().to_string()) {
            out.push(r.scope.as_str().to_string());
        }
    }
    out
}

#[test]
fn breakdown_rows_scope_first_then_units_active_in_the_window() {
    let l = areas();
    let e = Engine::new(&l);
    let ev = e
        .evaluate(&Query {
            by: Some(UnitKind::Area),
            ..Query::default()
        })
        .unwrap();
    // defaults: as_of = latest dated record (07-31), from = 1 January
    assert_eq!((ev.as_of, ev.from), (d(2019, 7, 31), d(2019, 1, 1)));
    assert_eq!(scopes(&ev), ["d", "a1", "a4", "a5"]);
    let ev = e
        .evaluate(&Query {
            scope: Some("a1".into()),
            by: Some(UnitKind::Area),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(scopes(&ev), ["a1", "a5"]);
    // From 2019-01-06, a4 is gone before the window.
    let ev = e
        .evaluate(&Query {
            from: Some(d(2019, 1, 6)),
            by: Some(UnitKind::Area),
            ..Query::default()
        })
        .unwrap();
    assert_eq!(scopes(&ev), ["d", "a1", "a5"]);
}

#[test]
fn rows_follow_the_catalogue_order_with_families_expanded() {
    let mut l = areas();
    l.duties.push(duty("p", "patrol", "role:road_chief", "3d"));
    l.duties.push(duty("q", "patrol", "unit:road", "1m"));
    l.indicators.push(indicator("x", Aggregate::Sum, None));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    let ids: Vec<String> = ev.rows.iter().map(|r| r.metric.to_string()).collect();
    let want: Vec<String> = catalogue_for(&l).into_iter().map(|m| m.id).collect();
    assert_eq!(ids, want);
    let i = ids
        .iter()
        .position(|m| *m == "villages.liaison_coverage")
        .unwrap();
    assert_eq!(
        &ids[i + 1..i + 6],
        [
            "duty.p",
            "duty.q",
            "duty.p.lapse",
            "duty.q.lapse",
            "indicator.x"
        ]
    );
    assert_eq!(ids.len(), catalogue().len() - 4 + 5);
}

#[test]
fn metric_filters_by_id_and_prefix() {
    let mut l = areas();
    l.duties.push(duty("p", "patrol", "role:road_chief", "3d"));
    let e = Engine::new(&l);
    let q = |m: &[&str]| Query {
        metrics: Some(m.iter().map(|s| s.to_string()).collect()),
        ..at(d(2019, 7, 31))
    };
    let ids = |m: &[&str]| {
        e.evaluate(&q(m))
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.metric)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&["tasks"]).len(), 11);
    assert_eq!(ids(&["duty.p"]), ["duty.p", "duty.p.lapse"]);
    assert_eq!(
        ids(&["coverage.org", "orgs"]),
        [
            "coverage.org",
            "orgs.viable",
            "orgs.renewal_overdue",
            "orgs.renewal_due"
        ]
    );
    assert!(
        ids(&["target"]).is_empty(),
        "a family prefix is known even without targets"
    );
    match e.evaluate(&q(&["taks"])) {
        Err(QueryError::UnknownMetric { filter, .. }) => assert_eq!(filter, "taks"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn query_errors_say_what_is_wrong() {
    let l = areas();
    let e = Engine::new(&l);
    let err = e
        .evaluate(&Query {
            scope: Some("nowhere".into()),
            ..Query::default()
        })
        .unwrap_err();
    assert!(matches!(err, QueryError::UnknownScope { .. }));
    assert!(err.to_string().contains("`nowhere`") && err.to_string().contains("`d`"));
    let err = e
        .evaluate(&Query {
            from: Some(d(2019, 8, 1)),
            ..at(d(2019, 7, 31))
        })
        .unwrap_err();
    assert_eq!(
        err,
        QueryError::FromAfterAsOf {
            from: d(2019, 8, 1),
            as_of: d(2019, 7, 31)
        }
    );

    let mut undated = Ledger::new();
    undated.units.push(unit("d", UnitKind::District, None));
    assert_eq!(
        evaluate(&undated, &Query::default()).unwrap_err(),
        QueryError::NoAsOf
    );
    assert_eq!(
        evaluate(&Ledger::new(), &at(d(2019, 1, 1))).unwrap_err(),
        QueryError::NoRoot
    );
    let err = e
        .trend(&Query::default(), d(2019, 7, 1), d(2019, 7, 5), Freq::Week)
        .unwrap_err();
    assert!(matches!(err, QueryError::BadTrendRange { .. }));
    assert!(e
        .trend(&Query::default(), d(2019, 8, 1), d(2019, 7, 1), Freq::Month)
        .is_err());
    for err in [QueryError::NoRoot, QueryError::NoAsOf] {
        assert!(err.to_string().len() > 40);
    }
}

#[test]
fn json_writes_integers_for_counts_and_null_for_empty_ratios() {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    let json = ev.to_json();
    assert_eq!(json["as_of"], "2019-07-31");
    assert_eq!(json["from"], "2019-01-01");
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    // The envelope of every JSON output (docs/METRICS.md, "JSON outputs").
    assert_eq!(keys, ["format", "as_of", "from", "scope", "by", "rows"]);
    assert_eq!(json["format"], "dangjian-report/1");
    assert_eq!(json["scope"]["id"], "d");
    let rows = json["rows"].as_array().unwrap();
    let get = |m: &str| rows.iter().find(|r| r["metric"] == m).unwrap();
    let total = get("tasks.total");
    assert_eq!(
        total.to_string(),
        r#"{"metric":"tasks.total","scope":"d","scope_name":"d","value":0,"numerator":null,"denominator":null,"target":null}"#
    );
    let started = get("tasks.started");
    assert_eq!(
        started.to_string(),
        r#"{"metric":"tasks.started","scope":"d","scope_name":"d","value":null,"numerator":0,"denominator":0,"target":null}"#
    );
    assert!(get("cadres.breadth")["value"].is_null());
}

#[test]
fn trend_evaluates_month_ends_and_sundays() {
    let l = areas();
    let e = Engine::new(&l);
    let evs = e
        .trend(
            &Query::default(),
            d(2019, 1, 15),
            d(2019, 4, 30),
            Freq::Month,
        )
        .unwrap();
    let dates: Vec<_> = evs.iter().map(|ev| ev.as_of).collect();
    assert_eq!(
        dates,
        [
            d(2019, 1, 31),
            d(2019, 2, 28),
            d(2019, 3, 31),
            d(2019, 4, 30)
        ]
    );
    assert!(evs.iter().all(|ev| ev.from == d(2019, 1, 1)));
    let evs = e
        .trend(&Query::default(), d(2019, 7, 1), d(2019, 7, 14), Freq::Week)
        .unwrap();
    assert_eq!(
        evs.iter().map(|ev| ev.as_of).collect::<Vec<_>>(),
        [d(2019, 7, 7), d(2019, 7, 14)]
    );
}

#[test]
fn metric_ids_for_targets() {
    let duties: HashSet<&str> = ["patrol"].into();
    let indicators: HashSet<&str> = ["lotus_area"].into();
    for ok in [
        "coverage.org",
        "tasks.started",
        "duty.patrol",
        "duty.patrol.lapse",
        "indicator.lotus_area",
    ] {
        assert!(is_metric_id(ok, &duties, &indicators), "{ok}");
    }
    for bad in [
        "coverage",
        "duty.walk",
        "duty.<id>",
        "indicator.x",
        "target.coverage.org",
        "",
        "tasks.nope",
    ] {
        assert!(!is_metric_id(bad, &duties, &indicators), "{bad}");
    }
}

#[test]
fn the_engine_never_panics_on_dangling_references() {
    // Validation would reject this ledger; the engine still answers.
    let mut l = areas();
    l.orgs
        .push(org("o", OrgKind::Branch, &["ghost"], d(2019, 1, 1)));
    l.roles.push(role(
        "ghost",
        RoleKind::RoadChief,
        "r1",
        d(2019, 1, 1),
        None,
    ));
    l.activities
        .push(activity("patrol", d(2019, 7, 1), "ghost", &["nobody"]));
    l.duties.push(duty("p", "patrol", "role:road_chief", "3d"));
    l.initiatives
        .push(task("t", Some("ghost"), None, d(2019, 1, 1)));
    l.progress.push(progress("ghost", d(2019, 1, 1), 50.0));
    l.observations
        .push(observation("ghost", "d", d(2019, 1, 1), 1.0));
    l.indicators
        .push(indicator("f", Aggregate::Sum, Some("f + 1")));
    l.indicators.push(indicator("g", Aggregate::Sum, Some("(")));
    l.targets.push(target(
        "tasks.total",
        Some("ghost"),
        d(2019, 1, 1),
        1.0,
        None,
    ));
    let ev = Engine::new(&l)
        .evaluate(&Query {
            by: Some(UnitKind::Area),
            ..at(d(2019, 7, 31))
        })
        .unwrap();
    assert!(!ev.rows.is_empty());
    assert_eq!(ev.value("indicator.f"), None);
}

#[test]
fn every_catalogue_metric_is_computed_and_every_row_has_a_catalogue_entry() {
    // The example has 7 duties, 10 indicators and targets at the root and at a village
    // (上谢村): with a breakdown by village every per-ledger family expands somewhere.
    let l = dangjian::example();
    let q = Query {
        as_of: Some(d(2019, 7, 31)),
        by: Some(UnitKind::Village),
        ..Query::default()
    };
    let ev = evaluate(&l, &q).unwrap();
    let listed: Vec<String> = catalogue_for(&l).into_iter().map(|m| m.id).collect();
    let computed_ids: Vec<String> = ev.rows.iter().map(|r| r.metric.to_string()).collect();
    let computed: HashSet<&str> = computed_ids.iter().map(String::as_str).collect();
    let listed_set: HashSet<&str> = listed.iter().map(String::as_str).collect();
    assert_eq!(
        listed.len(),
        listed_set.len(),
        "a catalogue id listed twice"
    );
    let missing: Vec<&&str> = listed_set.difference(&computed).collect();
    let unlisted: Vec<&&str> = computed.difference(&listed_set).collect();
    assert!(missing.is_empty(), "listed but not computed: {missing:?}");
    assert!(unlisted.is_empty(), "computed but not listed: {unlisted:?}");
    // 31 catalogue entries: 27 metrics of their own and 4 templates; the example expands
    // duty.<id> and duty.<id>.lapse over 7 duties, indicator.<id> over 10 indicators and
    // target.<id> over the 5 targeted metrics: 27 + 7 + 7 + 10 + 5 = 56.
    assert_eq!(catalogue().len(), 31);
    assert_eq!(listed.len(), 56);
    // The scope's own rows (targets aside) come in catalogue order.
    let own_ids: Vec<String> = ev
        .rows
        .iter()
        .filter(|r| r.scope.as_str() == "chengxi" && !r.metric.is_target())
        .map(|r| r.metric.to_string())
        .collect();
    let own: Vec<&str> = own_ids.iter().map(String::as_str).collect();
    let in_order: Vec<&str> = listed
        .iter()
        .map(String::as_str)
        .filter(|m| !m.starts_with("target."))
        .collect();
    assert_eq!(own, in_order);
}

#[test]
fn per_ledger_metrics_carry_their_family_and_key() {
    use dangjian::metrics::PerLedger;
    let l = dangjian::example();
    let of = |id: &str| {
        catalogue_for(&l)
            .into_iter()
            .find(|m| m.id == id)
            .and_then(|m| m.per_ledger)
    };
    assert_eq!(
        of("duty.road_patrol.lapse"),
        Some((PerLedger::DutyLapse, "road_patrol".to_string()))
    );
    assert_eq!(
        of("indicator.lotus_area"),
        Some((PerLedger::Indicator, "lotus_area".to_string()))
    );
    // A target on a plain indicator id keeps the id as the target names it.
    assert_eq!(
        of("target.lotus_revenue"),
        Some((PerLedger::Target, "lotus_revenue".to_string()))
    );
    assert_eq!(of("coverage.org"), None);
}
