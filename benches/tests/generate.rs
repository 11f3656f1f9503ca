//! The generator makes valid, deterministic ledgers whose metrics have work to do.

use chrono::NaiveDate;
use dangjian::metrics::{Engine, Query};
use dangjian::model::{InitiativeKind, UnitKind};
use dangjian::Ledger;
use dangjian_benches::{generate, Spec};

fn errors(l: &Ledger) -> Vec<String> {
    l.validate().errors().map(|p| p.to_string()).collect()
}

/// A town: big enough to reach the rarer branches of the generator (closed roads, chief
/// handovers, refounded branches), small enough for a debug test.
fn town() -> Spec {
    Spec {
        areas: 4,
        villages_per_area: 8,
        roads_per_area: 10,
        enterprises: 1_500,
        key_tasks: 60,
        ..Spec::city()
    }
}

#[test]
fn presets_validate_without_errors() {
    for spec in [Spec::tiny(), Spec::example_like(), town()] {
        let l = generate(&spec);
        assert_eq!(errors(&l), Vec::<String>::new(), "{spec:?}");
    }
}

#[test]
fn many_seeds_validate_without_errors() {
    for seed in 0..40 {
        let l = generate(&Spec {
            seed,
            ..Spec::tiny()
        });
        assert_eq!(errors(&l), Vec::<String>::new(), "seed {seed}");
    }
}

#[test]
fn the_same_seed_gives_the_same_ledger_and_another_seed_another() {
    let a = generate(&Spec::tiny());
    assert_eq!(a, generate(&Spec::tiny()));
    assert_ne!(
        a,
        generate(&Spec {
            seed: 7,
            ..Spec::tiny()
        })
    );
}

#[test]
fn the_ledger_has_the_shape_the_spec_asks_for() {
    let spec = Spec::example_like();
    let l = generate(&spec);
    let kind = |k: UnitKind| l.units.iter().filter(|u| u.kind == k).count();
    assert_eq!(l.roots().count(), 1);
    assert_eq!(kind(UnitKind::Area), spec.areas);
    assert_eq!(kind(UnitKind::Village), spec.areas * spec.villages_per_area);
    assert!(kind(UnitKind::Block) >= 2);
    assert_eq!(kind(UnitKind::Road), spec.areas * spec.roads_per_area);
    assert_eq!(kind(UnitKind::Enterprise), spec.enterprises);
    let key_tasks = l
        .initiatives
        .iter()
        .filter(|i| i.kind == InitiativeKind::KeyTask)
        .count();
    assert_eq!(key_tasks, spec.key_tasks);
    // The latest activity is on `as_of`, so it is the default evaluation date.
    assert_eq!(l.latest_date(), Some(spec.as_of));
}

#[test]
fn metrics_are_neither_trivial_nor_missing() {
    let l = generate(&town());
    let engine = Engine::new(&l);
    let q = Query {
        as_of: NaiveDate::from_ymd_opt(2019, 7, 31),
        by: Some(UnitKind::Area),
        ..Query::default()
    };
    let ev = engine.evaluate(&q).unwrap();
    // Imperfect on purpose: every one of these lies strictly between 0 and 1.
    for m in [
        "coverage.org",
        "coverage.own_org",
        "coverage.work",
        "tasks.started",
        "tasks.progress",
        "roads.chief_coverage",
        "villages.liaison_coverage",
        "orgs.viable",
        "orgs.renewal_overdue",
        "members.no_org_life",
        "duty.road_patrol",
        "duty.workshop_visit",
        "duty.theme_day",
        "cadres.young_share",
    ] {
        let v = ev.value(m).unwrap_or_else(|| panic!("{m} is null"));
        assert!(v > 0.0 && v < 1.0, "{m} = {v}");
    }
    assert!(ev.value("workshops.red").unwrap() > 0.0);
    assert!(ev.value("tasks.overdue").unwrap() > 0.0);
    // One block of rows per area after the district's own.
    let scopes: std::collections::BTreeSet<&str> =
        ev.rows.iter().map(|r| r.scope.as_str()).collect();
    assert_eq!(scopes.len(), 1 + town().areas);
}
