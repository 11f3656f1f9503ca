//! The generator (`dangjian::synth`) makes valid, deterministic ledgers whose metrics have
//! work to do, with one district as the root or several under a city.

use chrono::NaiveDate;
use dangjian::metrics::{Engine, Query};
use dangjian::model::{InitiativeKind, RoleKind, UnitKind};
use dangjian::synth::{generate, Spec};
use dangjian::Ledger;

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
        ..Spec::district()
    }
}

/// Three small districts under a city.
fn three_small_districts() -> Spec {
    Spec {
        districts: 3,
        ..Spec::tiny()
    }
}

fn count(l: &Ledger, k: UnitKind) -> usize {
    l.units.iter().filter(|u| u.kind == k).count()
}

#[test]
fn presets_validate_without_errors() {
    for spec in [
        Spec::tiny(),
        Spec::example_like(),
        town(),
        three_small_districts(),
    ] {
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
    for seed in 0..10 {
        let l = generate(&Spec {
            seed,
            ..three_small_districts()
        });
        assert_eq!(errors(&l), Vec::<String>::new(), "3 districts, seed {seed}");
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
    let c = generate(&three_small_districts());
    assert_eq!(c, generate(&three_small_districts()));
}

#[test]
fn the_ledger_has_the_shape_the_spec_asks_for() {
    let spec = Spec::example_like();
    let l = generate(&spec);
    let kind = |k: UnitKind| count(&l, k);
    assert_eq!(l.roots().count(), 1);
    assert_eq!(l.roots().next().map(|u| u.id.as_str()), Some("d"));
    assert_eq!(kind(UnitKind::District), 1);
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
fn several_districts_sit_under_a_city_root_each_with_the_spec_counts() {
    let spec = three_small_districts();
    let l = generate(&spec);
    let roots: Vec<_> = l.roots().collect();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].id.as_str(), "city");
    assert_eq!(roots[0].kind, UnitKind::District);
    // The city and its 3 districts, each district a child of the city.
    assert_eq!(count(&l, UnitKind::District), 1 + 3);
    for k in 0..3 {
        let d = l.units.iter().find(|u| u.id.as_str() == format!("d{k}"));
        assert_eq!(
            d.and_then(|u| u.parent.as_ref()).map(|p| p.as_str()),
            Some("city")
        );
    }
    // Every per-district count times 3.
    assert_eq!(count(&l, UnitKind::Area), 3 * spec.areas);
    assert_eq!(
        count(&l, UnitKind::Village),
        3 * spec.areas * spec.villages_per_area
    );
    assert_eq!(count(&l, UnitKind::Enterprise), 3 * spec.enterprises);
    let key_tasks = l
        .initiatives
        .iter()
        .filter(|i| i.kind == InitiativeKind::KeyTask)
        .count();
    assert_eq!(key_tasks, 3 * spec.key_tasks);
    assert_eq!(l.latest_date(), Some(spec.as_of));
}

#[test]
fn one_district_is_about_the_size_of_a_real_one() {
    // The unit of `dangjian generate --districts N`; the figures per district:
    // 28k units / 20 = 1.4k, 201k people / 20 = 10k, 691k activities / 20 = 35k.
    let l = generate(&Spec::district());
    let (units, people, acts) = (l.units.len(), l.people.len(), l.activities.len());
    assert!((1_250..1_550).contains(&units), "units {units}");
    assert!((9_000..11_000).contains(&people), "people {people}");
    assert!((31_000..38_000).contains(&acts), "activities {acts}");
}

fn assert_strictly_between_0_and_1(spec: &Spec, by: UnitKind, scopes: usize) {
    let l = generate(spec);
    let engine = Engine::new(&l);
    let q = Query {
        as_of: NaiveDate::from_ymd_opt(2019, 7, 31),
        by: Some(by),
        ..Query::default()
    };
    let ev = engine.evaluate(&q).unwrap();
    // Imperfect on purpose: every one of these lies strictly between 0 and 1.
    for m in [
        "coverage.org",
        "coverage.own_org",
        "coverage.work",
        "coverage.liaison",
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
    // One block of rows per unit of `by` after the root's own.
    let scopes_seen: std::collections::BTreeSet<&str> =
        ev.rows.iter().map(|r| r.scope.as_str()).collect();
    assert_eq!(scopes_seen.len(), 1 + scopes);
}

#[test]
fn metrics_are_neither_trivial_nor_missing() {
    assert_strictly_between_0_and_1(&town(), UnitKind::Area, town().areas);
}

#[test]
fn metrics_are_neither_trivial_nor_missing_by_district() {
    let spec = Spec {
        districts: 2,
        ..town()
    };
    assert_strictly_between_0_and_1(&spec, UnitKind::District, 2);
}

#[test]
fn leadership_links_reach_enterprises_directly_or_through_an_org_some_ended_some_to_come() {
    let spec = town();
    let l = generate(&spec);
    let links: Vec<_> = l
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::EnterpriseLiaison)
        .collect();
    let orgs: std::collections::HashSet<&str> = l.orgs.iter().map(|o| o.id.as_str()).collect();
    let leaders: std::collections::HashSet<&str> = l
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::Leadership)
        .map(|r| r.person.as_str())
        .collect();
    // Every case coverage.liaison tells apart occurs: a link to an org the enterprise hosts,
    // one ended before as_of, one starting after it; each held by a leadership member.
    assert!(links.iter().any(|r| orgs.contains(r.target.as_str())));
    assert!(links.iter().any(|r| r.end.is_some_and(|e| e < spec.as_of)));
    assert!(links.iter().any(|r| r.start > spec.as_of));
    assert!(links.iter().all(|r| leaders.contains(r.person.as_str())));
}

/// Each text of `v` that `to` maps, mapped (ids, wherever they are written).
fn rename_texts(v: &mut serde_json::Value, to: &std::collections::HashMap<String, String>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(t) = to.get(s.as_str()) {
                *s = t.clone();
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| rename_texts(x, to)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| rename_texts(x, to)),
        _ => {}
    }
}

#[test]
fn every_id_shape_gives_the_same_ledger_but_for_its_names_and_the_same_metrics() {
    use dangjian::synth::IdShape;
    for base in [town(), three_small_districts()] {
        let numbered = generate(&base);
        for shape in [IdShape::Uuid, IdShape::Identity] {
            let spec = Spec {
                ids: shape,
                ..base.clone()
            };
            let l = generate(&spec);
            assert_eq!(errors(&l), Vec::<String>::new(), "{shape}");
            assert_eq!(l, generate(&spec), "{shape}: deterministic");
            // The records correspond one to one: new id to old, by position.
            let mut back = std::collections::HashMap::new();
            let pairs = [
                (
                    ids(&l.units, |u| u.id.as_str()),
                    ids(&numbered.units, |u| u.id.as_str()),
                ),
                (
                    ids(&l.orgs, |o| o.id.as_str()),
                    ids(&numbered.orgs, |o| o.id.as_str()),
                ),
                (
                    ids(&l.people, |p| p.id.as_str()),
                    ids(&numbered.people, |p| p.id.as_str()),
                ),
                (
                    ids(&l.initiatives, |i| i.id.as_str()),
                    ids(&numbered.initiatives, |i| i.id.as_str()),
                ),
            ];
            for (new, old) in &pairs {
                assert_eq!(new.len(), old.len());
                for (n, o) in new.iter().zip(old) {
                    assert_ne!(n, o);
                    assert!(
                        back.insert(n.to_string(), o.to_string()).is_none(),
                        "{n} twice"
                    );
                }
            }
            let people: Vec<&str> = pairs[2].0.clone();
            let act_texts: Vec<String> = l
                .activities
                .iter()
                .map(|a| a.id.as_ref().map_or(String::new(), |i| i.to_string()))
                .collect();
            let acts: Vec<&str> = act_texts.iter().map(String::as_str).collect();
            assert_eq!(
                acts.iter().collect::<std::collections::HashSet<_>>().len(),
                acts.len(),
                "activity ids are unique"
            );
            match shape {
                IdShape::Uuid => {
                    for id in people.iter().chain(&acts).chain(&pairs[0].0) {
                        let b = id.as_bytes();
                        assert_eq!(b.len(), 36, "{id}");
                        assert!([8, 13, 18, 23].iter().all(|&i| b[i] == b'-'), "{id}");
                        assert_eq!(b[14], b'4', "{id}");
                        assert!(b"89ab".contains(&b[19]), "{id}");
                    }
                }
                _ => {
                    for id in &people {
                        assert_eq!(id.len(), 18, "{id}");
                        assert!(id[..17].bytes().all(|c| c.is_ascii_digit()), "{id}");
                    }
                    for id in acts.iter().chain(&pairs[0].0).chain(&pairs[1].0) {
                        assert!(id.bytes().all(|c| c.is_ascii_digit()), "{id}");
                    }
                }
            }
            // Renamed back, every record is the numbered one (activity ids aside).
            let mut a = serde_json::to_value(&l).unwrap();
            let mut b = serde_json::to_value(&numbered).unwrap();
            for v in [&mut a, &mut b] {
                for act in v["activities"].as_array_mut().unwrap() {
                    act["id"] = serde_json::Value::Null;
                }
            }
            rename_texts(&mut a, &back);
            assert!(a == b, "{shape}: the records differ beyond their ids");
            // The same metrics, at the root and by area.
            for by in [None, Some(UnitKind::Area)] {
                let q = Query {
                    as_of: Some(spec.as_of),
                    by,
                    ..Query::default()
                };
                let rows = |l: &Ledger, back: &std::collections::HashMap<String, String>| {
                    let mut rows: Vec<String> = Engine::new(l)
                        .evaluate(&q)
                        .unwrap()
                        .rows
                        .iter()
                        .map(|r| {
                            let mut v = serde_json::to_value(r).unwrap();
                            rename_texts(&mut v, back);
                            v.to_string()
                        })
                        .collect();
                    rows.sort();
                    rows
                };
                assert_eq!(
                    rows(&l, &back),
                    rows(&numbered, &Default::default()),
                    "{shape} {by:?}"
                );
            }
        }
    }
}

fn ids<T>(v: &[T], id: impl Fn(&T) -> &str) -> Vec<&str> {
    v.iter().map(id).collect()
}
