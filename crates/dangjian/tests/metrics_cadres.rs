//! Young cadres (`cadres.*`) and the cadre drill-down.

mod common;
use common::*;
use dangjian::metrics::{Engine, Query};
use dangjian::model::*;

/// As of 2019-07-31:
/// - a: born 1984-07-31, exactly 35 today -> young; leader of task force tf (hosted by the
///   root) since 2019-01-01; earlier staff 2018 (ended) -> breadth 2; on tasks.
/// - b: born 1983-07-31, turns 36 today -> not young; secretary of branch br (hosted by v1).
/// - c: born 1990-01-01 (29) -> young; liaison cadre of v1; breadth 1; not on tasks.
/// - e: no birth date -> never young; leadership of the root.
/// - f: road chief only -> not a cadre.
/// - g: shock team from 2019-08-01 -> not a cadre yet.
fn people() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("v1", UnitKind::Village, Some("a1")));
    l.units.push(unit("o", UnitKind::Office, Some("d")));
    l.units.push(unit("r", UnitKind::Road, Some("a1")));
    l.orgs
        .push(org("tf", OrgKind::TaskForce, &["d"], d(2019, 1, 1)));
    l.orgs
        .push(org("br", OrgKind::Branch, &["v1"], d(2010, 1, 1)));
    l.people = vec![
        person("a", Some(d(1984, 7, 31))),
        person("b", Some(d(1983, 7, 31))),
        person("c", Some(d(1990, 1, 1))),
        person("e", None),
        person("f", Some(d(1995, 1, 1))),
        person("g", Some(d(1995, 1, 1))),
    ];
    l.roles = vec![
        role("a", RoleKind::Leader, "tf", d(2019, 1, 1), None),
        role(
            "a",
            RoleKind::Staff,
            "o",
            d(2018, 1, 1),
            Some(d(2018, 12, 31)),
        ),
        role("b", RoleKind::Secretary, "br", d(2015, 1, 1), None),
        role("c", RoleKind::LiaisonCadre, "v1", d(2019, 2, 1), None),
        role("e", RoleKind::Leadership, "d", d(2016, 1, 1), None),
        role("f", RoleKind::RoadChief, "r", d(2019, 4, 1), None),
        role("g", RoleKind::ShockTeam, "tf", d(2019, 8, 1), None),
    ];
    l
}

#[test]
fn young_cadres_at_the_root_and_in_an_area() {
    let l = people();
    assert_valid(&l);
    let q = Query {
        by: Some(UnitKind::Area),
        ..at(d(2019, 7, 31))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    // Root: cadres a, b, c, e (4); young a, c (2); on tasks: a (1/2); breadth (2 + 1) / 2.
    assert_eq!(row(&ev, "cadres.young", "d").value, Some(2.0));
    assert_eq!(
        vnd(&ev, "cadres.young_share", "d"),
        (Some(0.5), Some(2.0), Some(4.0))
    );
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "d"),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    assert_eq!(vnd(&ev, "cadres.breadth", "d"), (Some(1.5), None, None));
    // Area a1: b (secretary of br hosted by v1) and c (liaison of v1); young c only.
    assert_eq!(
        vnd(&ev, "cadres.young_share", "a1"),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "a1"),
        (Some(0.0), Some(0.0), Some(1.0))
    );
    assert_eq!(row(&ev, "cadres.breadth", "a1").value, Some(1.0));
}

#[test]
fn the_day_before_the_birthday_both_are_younger() {
    // On 2019-07-30, b is still 35 -> young too: young a, b, c of 4.
    let l = people();
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 30))).unwrap();
    assert_eq!(ev.value("cadres.young"), Some(3.0));
}

#[test]
fn no_young_cadre_gives_null_breadth_and_share() {
    let mut l = people();
    l.roles.retain(|r| r.person.as_str() == "e");
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(ev.value("cadres.young"), Some(0.0));
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "d"),
        (None, Some(0.0), Some(0.0))
    );
    assert_eq!(vnd(&ev, "cadres.breadth", "d"), (None, None, None));
}

#[test]
fn membership_org_brings_a_cadre_into_scope() {
    // h is a member of br (hosted by v1, area a1) and staff of the office (under the root):
    // in scope of a1 through the org, though the cadre role points elsewhere.
    let mut l = people();
    let mut h = person("h", Some(d(1990, 5, 5)));
    h.org = Some("br".into());
    l.people.push(h);
    l.roles
        .push(role("h", RoleKind::Staff, "o", d(2019, 1, 1), None));
    let q = Query {
        scope: Some("a1".into()),
        ..at(d(2019, 7, 31))
    };
    let rows = Engine::new(&l).cadres(&q).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.person.as_str()).collect();
    assert_eq!(ids, ["b", "c", "h"]);
    let h = rows.iter().find(|r| r.person.as_str() == "h").unwrap();
    assert_eq!(
        (h.age, h.young, h.roles.as_slice(), h.breadth),
        (Some(29), true, &[RoleKind::Staff][..], 1)
    );
}

#[test]
fn cadre_drill_down() {
    let l = people();
    let rows = Engine::new(&l).cadres(&at(d(2019, 7, 31))).unwrap();
    let a = &rows[0];
    assert_eq!(
        (a.person.as_str(), a.age, a.young, a.on_tasks, a.breadth),
        ("a", Some(35), true, true, 2)
    );
    assert_eq!(a.roles, vec![RoleKind::Leader]);
    let b = &rows[1];
    assert_eq!((b.age, b.young), (Some(36), false));
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3].age, None);
}

#[test]
fn a_task_force_set_up_after_as_of_does_not_exist_yet() {
    // c (young) also leads task force tf2, established 2019-09-01 (after as_of) with a role
    // from 2019-07-01: tf2 does not exist yet, so only a is on tasks: 1/2 as before.
    let mut l = people();
    l.orgs
        .push(org("tf2", OrgKind::TaskForce, &["v1"], d(2019, 9, 1)));
    l.roles
        .push(role("c", RoleKind::Leader, "tf2", d(2019, 7, 1), None));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "d"),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    // Once it exists (as of 2019-09-01) c is on tasks too. Young then: a (35), c, and g
    // (shock team since 08-01, 24): on tasks a, c = 2/3.
    let ev = Engine::new(&l).evaluate(&at(d(2019, 9, 1))).unwrap();
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "d"),
        (Some(2.0 / 3.0), Some(2.0), Some(3.0))
    );
}

#[test]
fn an_enterprise_liaison_is_a_cadre() {
    // k (born 1990-01-01, 29 on 2019-07-31) holds only an `enterprise_liaison` role on an
    // enterprise of the root: a cadre (DOMAIN.md) and young. Root: cadres a, b, c, e, k (5),
    // young a, c, k (3): young_share 3/5; on tasks still a alone: 1/3.
    let mut l = people();
    l.units.push(enterprise("ent", "d"));
    l.people.push(person("k", Some(d(1990, 1, 1))));
    l.roles.push(role(
        "k",
        RoleKind::EnterpriseLiaison,
        "ent",
        d(2019, 5, 1),
        None,
    ));
    assert_valid(&l);
    let e = Engine::new(&l);
    let ev = e.evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "cadres.young_share", "d"),
        (Some(0.6), Some(3.0), Some(5.0))
    );
    assert_eq!(
        vnd(&ev, "cadres.young_on_tasks", "d"),
        (Some(1.0 / 3.0), Some(1.0), Some(3.0))
    );
    let rows = e.cadres(&at(d(2019, 7, 31))).unwrap();
    let k = rows.iter().find(|r| r.person.as_str() == "k").unwrap();
    assert_eq!(
        (k.age, k.young, k.roles.as_slice()),
        (Some(29), true, &[RoleKind::EnterpriseLiaison][..])
    );
}
