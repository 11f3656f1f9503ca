//! Partitioned ledgers (docs/PARTIALS.md, "Parts"): `split` places every row where its
//! place is and copies what would tie two parts, every ledger validates on its own, no row
//! is lost; the manifest reads and writes; a part loads with what the top gives it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use dangjian::ledger::parts::{
    self, apply_top, check_overlap, find_shared, load_part, Manifest, ManifestError, Shared,
    SplitError,
};
use dangjian::ledger::{self, Form, ProblemKind};
use dangjian::model::{Ledger, UnitKind};

/// A city (kind `district`, the root) with two districts `da` and `db` below it, and an
/// office right under the city. `j` is a joint branch hosted by an enterprise of each
/// district; `g` a group of it in `da`. `p1`, a member of `ba` in `da`, is secretary of
/// `bb` in `db`; `p2`, also of `ba`, works at `eb` in `db`; `p11`, of no org, attended a
/// meeting of `j`. Task `t1` has no unit; `t3` (in `db`) is owned by the city's task force.
const CITY: &str = r#"{"format": "dangjian-ledger/1",
"units": [
  {"id": "city", "kind": "district", "name": "市"},
  {"id": "da", "kind": "district", "name": "甲区", "parent": "city"},
  {"id": "db", "kind": "district", "name": "乙区", "parent": "city"},
  {"id": "office", "kind": "office", "name": "办公室", "parent": "city"},
  {"id": "ea", "kind": "enterprise", "name": "甲企业", "parent": "da", "above_scale": true},
  {"id": "eb", "kind": "enterprise", "name": "乙企业", "parent": "db", "above_scale": true},
  {"id": "va", "kind": "village", "name": "甲村", "parent": "da"}
],
"designations": [
  {"unit": "ea", "designation": "red_workshop", "since": "2018-01-01"}
],
"orgs": [
  {"id": "oc", "kind": "committee", "name": "市委", "hosts": ["city"], "established": "2010-01-01"},
  {"id": "ba", "kind": "branch", "name": "甲村支部", "hosts": ["va"], "parent": "oc", "established": "2010-01-01"},
  {"id": "j", "kind": "joint_branch", "name": "联合支部", "hosts": ["ea", "eb"], "parent": "oc", "established": "2010-01-01"},
  {"id": "g", "kind": "group", "name": "联合支部小组", "hosts": ["ea"], "parent": "j", "established": "2011-01-01"},
  {"id": "bb", "kind": "branch", "name": "乙企业支部", "hosts": ["eb"], "parent": "oc", "established": "2010-01-01"},
  {"id": "tf", "kind": "task_force", "name": "攻坚组", "hosts": ["office"], "parent": "oc", "established": "2019-01-01"}
],
"elections": [
  {"org": "ba", "date": "2018-01-01"},
  {"org": "j", "date": "2018-02-01"}
],
"people": [
  {"id": "p1", "name": "一", "org": "ba", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p2", "name": "二", "org": "ba", "joined": "2000-01-01", "confirmed": "2001-01-01", "workplace": "eb"},
  {"id": "p3", "name": "三", "org": "ba", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p4", "name": "四", "org": "j", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p5", "name": "五", "org": "j", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p6", "name": "六", "org": "j", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p7", "name": "七", "org": "bb", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p8", "name": "八", "org": "bb", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p9", "name": "九", "org": "bb", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p10", "name": "十", "org": "oc", "joined": "2000-01-01", "confirmed": "2001-01-01"},
  {"id": "p11", "name": "十一"}
],
"roles": [
  {"person": "p1", "role": "secretary", "target": "bb", "start": "2019-01-01"},
  {"person": "p10", "role": "leadership", "target": "city", "start": "2019-01-01"},
  {"person": "p4", "role": "secretary", "target": "j", "start": "2019-01-01"}
],
"initiatives": [
  {"id": "t1", "kind": "key_task", "programme": "growth", "title": "全市", "owner": "tf", "start": "2019-01-01", "deadline": "2019-12-31"},
  {"id": "t2", "kind": "key_task", "programme": "growth", "title": "甲区", "unit": "da", "owner": "j", "start": "2019-01-01", "deadline": "2019-12-31"},
  {"id": "t3", "kind": "key_task", "programme": "growth", "title": "乙区", "unit": "db", "owner": "tf", "start": "2019-01-01", "deadline": "2019-12-31"}
],
"progress": [
  {"initiative": "t1", "date": "2019-03-01", "percent": 10},
  {"initiative": "t2", "date": "2019-03-01", "percent": 20},
  {"initiative": "t3", "date": "2019-03-01", "percent": 30}
],
"activities": [
  {"id": "a1", "kind": "committee_meeting", "date": "2019-03-05", "subject": "ba", "people": ["p1", "p2"]},
  {"id": "a2", "kind": "member_assembly", "date": "2019-03-06", "subject": "j", "people": ["p4", "p11"]},
  {"id": "a3", "kind": "inspection", "date": "2019-03-07", "subject": "t3", "people": ["p8"]},
  {"id": "a4", "kind": "theme_day", "date": "2019-03-08", "subject": "bb", "people": ["p1"]},
  {"id": "a5", "kind": "party_lesson", "date": "2019-03-09", "subject": "oc", "people": ["p10"]}
],
"duties": [
  {"id": "d1", "activity": "committee_meeting", "applies_to": "org:branch", "cadence": "1m"}
],
"indicators": [
  {"id": "ind", "name": "指标", "aggregate": "sum"}
],
"observations": [
  {"indicator": "ind", "unit": "va", "date": "2019-03-01", "value": 5},
  {"indicator": "ind", "unit": "city", "date": "2019-03-01", "value": 7}
],
"targets": [
  {"metric": "coverage.org", "scope": "city", "due": "2019-12-31", "value": 1},
  {"metric": "ind", "scope": "da", "due": "2019-12-31", "value": 10},
  {"metric": "tasks.completed", "due": "2019-12-31", "value": 1}
],
"exemptions": [
  {"duty": "d1", "subject": "ba", "from": "2019-04-01", "to": "2019-06-30"},
  {"duty": "d1", "subject": "j", "from": "2019-04-01"}
]}"#;

fn city() -> Ledger {
    ledger::from_json_str(CITY).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("dangjian-parts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    let _ = std::fs::remove_file(&p);
    p
}

/// Each table's rows as short texts (ids, or the columns that say where a row hangs), in
/// ledger order.
fn rows(l: &Ledger) -> Vec<(&'static str, Vec<String>)> {
    let s = |x: &dyn std::fmt::Display| x.to_string();
    vec![
        ("units", l.units.iter().map(|u| s(&u.id)).collect()),
        (
            "designations",
            l.designations.iter().map(|d| s(&d.unit)).collect(),
        ),
        ("orgs", l.orgs.iter().map(|o| s(&o.id)).collect()),
        ("elections", l.elections.iter().map(|e| s(&e.org)).collect()),
        ("people", l.people.iter().map(|p| s(&p.id)).collect()),
        (
            "roles",
            l.roles
                .iter()
                .map(|r| format!("{}@{}", r.person, r.target))
                .collect(),
        ),
        (
            "initiatives",
            l.initiatives.iter().map(|x| s(&x.id)).collect(),
        ),
        (
            "progress",
            l.progress.iter().map(|p| s(&p.initiative)).collect(),
        ),
        (
            "activities",
            l.activities
                .iter()
                .map(|a| a.id.as_ref().map(|i| i.to_string()).unwrap_or_default())
                .collect(),
        ),
        ("duties", l.duties.iter().map(|d| s(&d.id)).collect()),
        (
            "indicators",
            l.indicators.iter().map(|d| s(&d.id)).collect(),
        ),
        (
            "observations",
            l.observations
                .iter()
                .map(|o| format!("{}@{}", o.indicator, o.unit))
                .collect(),
        ),
        (
            "targets",
            l.targets
                .iter()
                .map(|t| {
                    let scope = t.scope.as_ref().map(|u| u.to_string()).unwrap_or_default();
                    format!("{}@{scope}", t.metric)
                })
                .collect(),
        ),
        (
            "exemptions",
            l.exemptions
                .iter()
                .map(|x| format!("{}@{}", x.duty, x.subject))
                .collect(),
        ),
    ]
}

fn table<'a>(rows: &'a [(&'static str, Vec<String>)], name: &str) -> Vec<&'a str> {
    rows.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn city_split_by_district_places_every_row_in_the_ledger_of_its_place() {
    let s = parts::split(&city(), UnitKind::District).unwrap();
    // The root is a district too, but the root is never a part: the parts are da and db,
    // in ledger order.
    let roots: Vec<&str> = s.parts.iter().map(|p| p.root.as_str()).collect();
    assert_eq!(roots, ["da", "db"]);
    assert_eq!(s.root, "city");
    let (top, a, b) = (
        rows(&s.top),
        rows(&s.parts[0].ledger),
        rows(&s.parts[1].ledger),
    );
    let each = |name: &str| (table(&top, name), table(&a, name), table(&b, name));

    // Units: the top keeps the city, the office and each district where it hangs.
    assert_eq!(
        each("units"),
        (
            vec!["city", "da", "db", "office"],
            vec!["da", "ea", "va"],
            vec!["db", "eb"]
        )
    );
    // The red workshop designation hangs on ea.
    assert_eq!(each("designations"), (vec![], vec!["ea"], vec![]));
    // oc and tf are hosted by top units; ba by va (da); bb by eb (db); j by ea and eb: a
    // copy in each district; g, hosted by ea, in da.
    assert_eq!(
        each("orgs"),
        (vec!["oc", "tf"], vec!["ba", "j", "g"], vec!["j", "bb"])
    );
    // Elections go with their org, j's with both copies.
    assert_eq!(each("elections"), (vec![], vec!["ba", "j"], vec!["j"]));
    // People by their org (j's members with both copies), and copied where named: p1 by
    // its role on bb and by a4 (db), p2 by its workplace eb (db), p11 (no org) by a2 on j
    // (both); p10 of oc stays in the top.
    assert_eq!(
        each("people"),
        (
            vec!["p10"],
            vec!["p1", "p2", "p3", "p4", "p5", "p6", "p11"],
            vec!["p1", "p2", "p4", "p5", "p6", "p7", "p8", "p9", "p11"]
        )
    );
    // Roles by their target: bb (db), city (top), j (both).
    assert_eq!(
        each("roles"),
        (vec!["p10@city"], vec!["p4@j"], vec!["p1@bb", "p4@j"])
    );
    // Initiatives by their unit; t1 has none: the top. Progress follows its initiative.
    assert_eq!(each("initiatives"), (vec!["t1"], vec!["t2"], vec!["t3"]));
    assert_eq!(each("progress"), (vec!["t1"], vec!["t2"], vec!["t3"]));
    // Activities by subject: a1 on ba, a2 on j (both), a3 on t3, a4 on bb, a5 on oc.
    assert_eq!(
        each("activities"),
        (vec!["a5"], vec!["a1", "a2"], vec!["a2", "a3", "a4"])
    );
    // Duties and indicators everywhere.
    assert_eq!(each("duties"), (vec!["d1"], vec!["d1"], vec!["d1"]));
    assert_eq!(each("indicators"), (vec!["ind"], vec!["ind"], vec!["ind"]));
    // Observations by unit; targets by scope (none: the top).
    assert_eq!(
        each("observations"),
        (vec!["ind@city"], vec!["ind@va"], vec![])
    );
    assert_eq!(
        each("targets"),
        (
            vec!["coverage.org@city", "tasks.completed@"],
            vec!["ind@da"],
            vec![]
        )
    );
    // Exemptions by subject: ba's in da, j's with both copies.
    assert_eq!(
        each("exemptions"),
        (vec![], vec!["d1@ba", "d1@j"], vec!["d1@j"])
    );
}

#[test]
fn city_split_cuts_copies_to_what_each_part_holds() {
    let s = parts::split(&city(), UnitKind::District).unwrap();
    let (top, a, b) = (&s.top, &s.parts[0].ledger, &s.parts[1].ledger);
    // A part's root has no parent; the top keeps it under the city.
    assert_eq!(a.units[0].parent, None);
    assert_eq!(top.units[1].parent.as_ref().unwrap(), "city");
    // j's copies are hosted by their district's enterprise only; their parent oc is in the
    // top, so emptied; g keeps j, which is in da.
    let org = |l: &Ledger, id: &str| l.orgs.iter().find(|o| o.id == id).unwrap().clone();
    assert_eq!(org(a, "j").hosts, ["ea"]);
    assert_eq!(org(b, "j").hosts, ["eb"]);
    assert_eq!((org(a, "j").parent, org(b, "bb").parent), (None, None));
    // ... and kept aside, so that nothing is lost.
    assert_eq!(org(b, "bb").extra.get("x_split_parent").unwrap(), "oc");
    assert_eq!(org(a, "j").extra.get("x_split_parent").unwrap(), "oc");
    assert!(org(a, "g").extra.is_empty());
    assert_eq!(org(a, "g").parent.unwrap(), "j");
    // Each copy of j keeps the whole's hosts aside, in their order.
    assert_eq!(org(b, "j").extra.get("x_split_hosts").unwrap(), "ea;eb");
    assert!(org(top, "oc").extra.is_empty());
    assert_eq!(org(top, "tf").parent.unwrap(), "oc");
    // p1 in db: org emptied (ba is in da), dates kept; in da as it was.
    let person = |l: &Ledger, id: &str| l.people.iter().find(|p| p.id == id).unwrap().clone();
    assert_eq!(person(b, "p1").org, None);
    assert_eq!(person(b, "p1").confirmed, person(a, "p1").confirmed);
    assert_eq!(person(a, "p1").org.unwrap(), "ba");
    // p2 works at eb: the workplace is kept in db only, the org in da only.
    assert_eq!(person(a, "p2").workplace, None);
    assert_eq!(person(b, "p2").workplace.unwrap(), "eb");
    assert_eq!(
        (person(b, "p2").org, person(a, "p2").org.unwrap()),
        (None, "ba".into())
    );
    // j's members keep j in both.
    assert_eq!(person(b, "p4").org.unwrap(), "j");
    // t3's owner tf is in the top: emptied in db; t2's owner j is in da: kept; t1's kept.
    let owner = |l: &Ledger, id: &str| {
        l.initiatives
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .owner
            .clone()
    };
    assert_eq!(owner(b, "t3"), None);
    let t3 = b.initiatives.iter().find(|x| x.id == "t3").unwrap();
    assert_eq!(t3.extra.get("x_split_owner").unwrap(), "tf");
    assert_eq!(owner(a, "t2").unwrap(), "j");
    assert_eq!(owner(top, "t1").unwrap(), "tf");
}

#[test]
fn city_split_shares_exactly_the_people_and_orgs_in_two_ledgers() {
    let s = parts::split(&city(), UnitKind::District).unwrap();
    // From the placement above: p1, p2, p4, p5, p6 and p11 are in da and db; j too.
    let expected = Shared {
        people: ["p1", "p11", "p2", "p4", "p5", "p6"]
            .map(String::from)
            .into_iter()
            .collect(),
        orgs: ["j".to_string()].into_iter().collect(),
        // The parts' roots, in the top too.
        units: ["da", "db"].map(String::from).into_iter().collect(),
    };
    assert_eq!(s.shared, expected);
    let ledgers: Vec<&Ledger> = std::iter::once(&s.top)
        .chain(s.parts.iter().map(|p| &p.ledger))
        .collect();
    assert_eq!(find_shared(&ledgers), expected);
    // Copied in (in another ledger too, org not here): da holds p11; db holds p1, p2, p11.
    assert_eq!(
        (
            s.top_copied_people,
            s.parts[0].copied_people,
            s.parts[1].copied_people
        ),
        (0, 1, 3)
    );
}

#[test]
fn every_part_and_the_top_of_the_city_validate_clean_as_the_whole_does() {
    let whole = city();
    assert_eq!(whole.validate().0, vec![], "the whole is clean");
    let s = parts::split(&whole, UnitKind::District).unwrap();
    assert_eq!(s.top.validate().0, vec![], "the top");
    for p in &s.parts {
        assert_eq!(p.ledger.validate().0, vec![], "part {}", p.root);
    }
}

/// The whole again from a split: every ledger's rows, those with ids once (a copy's
/// emptied `workplace` filled from another copy, a person's `org`, an org's `hosts`,
/// `parent` and an initiative's `owner` from where split kept them aside; a part root from the top,
/// where it has its parent),
/// those without as many times as the most any ledger holds them. Tables sorted.
fn reassemble(s: &parts::Split) -> Ledger {
    let ledgers: Vec<&Ledger> = std::iter::once(&s.top)
        .chain(s.parts.iter().map(|p| &p.ledger))
        .collect();
    let mut out = Ledger::new();
    fn by_id<T: Clone, K: Ord + Clone>(
        ledgers: &[&Ledger],
        rows: impl Fn(&Ledger) -> &Vec<T>,
        key: impl Fn(&T) -> K,
        merge: impl Fn(&mut T, &T),
    ) -> Vec<T> {
        let mut seen: std::collections::BTreeMap<K, T> = Default::default();
        for l in ledgers {
            for r in rows(l) {
                match seen.get_mut(&key(r)) {
                    Some(have) => merge(have, r),
                    None => {
                        seen.insert(key(r), r.clone());
                    }
                }
            }
        }
        seen.into_values().collect()
    }
    fn without_id<T: Clone + std::fmt::Debug>(
        ledgers: &[&Ledger],
        rows: impl Fn(&Ledger) -> &Vec<T>,
    ) -> Vec<T> {
        let mut most: std::collections::BTreeMap<String, (usize, T)> = Default::default();
        for l in ledgers {
            let mut here: HashMap<String, usize> = HashMap::new();
            for r in rows(l) {
                *here.entry(format!("{r:?}")).or_default() += 1;
            }
            for r in rows(l) {
                let k = format!("{r:?}");
                let n = here[&k];
                let e = most.entry(k).or_insert((0, r.clone()));
                e.0 = e.0.max(n);
            }
        }
        most.into_values()
            .flat_map(|(n, r)| std::iter::repeat_n(r, n))
            .collect()
    }
    out.units = by_id(
        &ledgers,
        |l| &l.units,
        |u| u.id.to_string(),
        |have, u| {
            if have.parent.is_none() {
                have.parent = u.parent.clone();
            }
        },
    );
    out.orgs = by_id(
        &ledgers,
        |l| &l.orgs,
        |o| o.id.to_string(),
        |have, o| {
            if have.parent.is_none() {
                have.parent = o.parent.clone();
            }
        },
    );
    for o in &mut out.orgs {
        if let Some(hosts) = o.extra.remove(parts::WHOLE_HOSTS) {
            o.hosts = hosts.split(';').map(Into::into).collect();
        }
        if let Some(p) = o.extra.remove(parts::ELSEWHERE_PARENT) {
            o.parent = o.parent.take().or(Some(p.into()));
        }
    }
    out.people = by_id(
        &ledgers,
        |l| &l.people,
        |p| p.id.to_string(),
        |have, p| {
            if have.org.is_none() {
                have.org = p.org.clone();
            }
            if have.workplace.is_none() {
                have.workplace = p.workplace.clone();
            }
        },
    );
    for p in &mut out.people {
        if let Some(o) = p.extra.remove(parts::ELSEWHERE_ORG) {
            p.org = p.org.take().or(Some(o.into()));
        }
    }
    out.initiatives = by_id(
        &ledgers,
        |l| &l.initiatives,
        |x| x.id.to_string(),
        |have, x| {
            if have.owner.is_none() {
                have.owner = x.owner.clone();
            }
        },
    );
    for x in &mut out.initiatives {
        if let Some(o) = x.extra.remove(parts::ELSEWHERE_OWNER) {
            x.owner = x.owner.take().or(Some(o.into()));
        }
    }
    out.duties = by_id(&ledgers, |l| &l.duties, |d| d.id.to_string(), |_, _| {});
    out.indicators = by_id(&ledgers, |l| &l.indicators, |d| d.id.to_string(), |_, _| {});
    out.designations = without_id(&ledgers, |l| &l.designations);
    out.elections = without_id(&ledgers, |l| &l.elections);
    out.roles = without_id(&ledgers, |l| &l.roles);
    out.progress = without_id(&ledgers, |l| &l.progress);
    out.activities = without_id(&ledgers, |l| &l.activities);
    out.observations = without_id(&ledgers, |l| &l.observations);
    out.targets = without_id(&ledgers, |l| &l.targets);
    out.exemptions = without_id(&ledgers, |l| &l.exemptions);
    out
}

/// The whole with each table sorted as [`reassemble`] sorts it.
fn sorted(whole: &Ledger) -> Ledger {
    let mut l = whole.clone();
    fn sort<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
        v.sort_by_key(|r| key(r));
    }
    sort(&mut l.units, |u| u.id.to_string());
    sort(&mut l.orgs, |o| o.id.to_string());
    sort(&mut l.people, |p| p.id.to_string());
    sort(&mut l.initiatives, |x| x.id.to_string());
    sort(&mut l.duties, |x| x.id.to_string());
    sort(&mut l.indicators, |x| x.id.to_string());
    sort(&mut l.designations, |r| format!("{r:?}"));
    sort(&mut l.elections, |r| format!("{r:?}"));
    sort(&mut l.roles, |r| format!("{r:?}"));
    sort(&mut l.progress, |r| format!("{r:?}"));
    sort(&mut l.activities, |r| format!("{r:?}"));
    sort(&mut l.observations, |r| format!("{r:?}"));
    sort(&mut l.targets, |r| format!("{r:?}"));
    sort(&mut l.exemptions, |r| format!("{r:?}"));
    l
}

#[test]
fn the_union_of_the_city_parts_gives_back_the_whole() {
    let whole = city();
    let s = parts::split(&whole, UnitKind::District).unwrap();
    assert_eq!(reassemble(&s), sorted(&whole));
}

#[test]
fn a_generated_city_of_three_districts_splits_into_valid_parts_that_lose_no_row() {
    use dangjian::synth::{generate, Spec};
    let whole = generate(&Spec::districts(3));
    let s = parts::split(&whole, UnitKind::District).unwrap();
    let roots: Vec<&str> = s.parts.iter().map(|p| p.root.as_str()).collect();
    // docs: the districts below the city root are d0, d1, d2.
    assert_eq!(roots, ["d0", "d1", "d2"]);

    // Every ledger validates with no error, and warns only of what the whole warns of.
    let whole_warnings: std::collections::HashSet<ProblemKind> =
        whole.validate().0.iter().map(|p| p.kind).collect();
    let ledgers: Vec<(&str, &Ledger)> = std::iter::once(("top", &s.top))
        .chain(s.parts.iter().map(|p| (p.root.as_str(), &p.ledger)))
        .collect();
    for (name, l) in &ledgers {
        let problems = l.validate();
        let errors: Vec<String> = problems.errors().map(|p| p.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {}", errors.join("\n"));
        for w in problems.warnings() {
            assert!(whole_warnings.contains(&w.kind), "{name}: {w}");
        }
    }

    // No row lost, nothing made up.
    assert_eq!(reassemble(&s), sorted(&whole));

    // Sizes: each district root is in its part and in the top; rows that hang on one
    // place are in one ledger; duties and indicators in all four; each shared person and
    // org is once more in each ledger past the first.
    let sum = |f: fn(&Ledger) -> usize| ledgers.iter().map(|(_, l)| f(l)).sum::<usize>();
    assert_eq!(sum(|l| l.units.len()), whole.units.len() + 3);
    assert_eq!(sum(|l| l.designations.len()), whole.designations.len());
    assert_eq!(sum(|l| l.initiatives.len()), whole.initiatives.len());
    assert_eq!(sum(|l| l.progress.len()), whole.progress.len());
    assert_eq!(sum(|l| l.observations.len()), whole.observations.len());
    assert_eq!(sum(|l| l.targets.len()), whole.targets.len());
    assert_eq!(sum(|l| l.duties.len()), 4 * whole.duties.len());
    assert_eq!(sum(|l| l.indicators.len()), 4 * whole.indicators.len());
    let appearances = |id: &str, people: bool| {
        ledgers
            .iter()
            .filter(|(_, l)| {
                if people {
                    l.people.iter().any(|p| p.id == id)
                } else {
                    l.orgs.iter().any(|o| o.id == id)
                }
            })
            .count()
    };
    let extra_people: usize = s
        .shared
        .people
        .iter()
        .map(|p| appearances(p, true) - 1)
        .sum();
    let extra_orgs: usize = s
        .shared
        .orgs
        .iter()
        .map(|o| appearances(o, false) - 1)
        .sum();
    assert_eq!(sum(|l| l.people.len()), whole.people.len() + extra_people);
    assert_eq!(sum(|l| l.orgs.len()), whole.orgs.len() + extra_orgs);
    // And the shared set is exactly what is in two ledgers or more.
    let refs: Vec<&Ledger> = ledgers.iter().map(|(_, l)| *l).collect();
    assert_eq!(find_shared(&refs), s.shared);
    // The generator's districts share people: members put to work in another district's
    // enterprise, at least.
    assert!(!s.shared.people.is_empty());
}

#[test]
fn the_example_split_by_area_gives_areas_holding_their_villages_and_roads() {
    let s = parts::split(&dangjian::example(), UnitKind::Area).unwrap();
    let units = |k: usize| -> Vec<&str> {
        s.parts[k]
            .ledger
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Village || u.kind == UnitKind::Road)
            .map(|u| u.id.as_str())
            .collect()
    };
    // crates/dangjian/data/chengxi/units.csv: the villages and roads whose parent is
    // lidian_area (jinshantou hangs on the district itself).
    assert_eq!(
        units(1),
        [
            "fanzhai",
            "lidian",
            "qiancang",
            "houshan",
            "tangli",
            "xiahu",
            "lingtou",
            "lidian_road",
            "fanzhai_road",
            "qiancang_road",
            "houshan_road",
            "lingtou_road",
            "tangli_road"
        ]
    );
    // The regional committee of the first ten villages is all in huachuan_area.
    assert!(s.parts[0]
        .ledger
        .orgs
        .iter()
        .any(|o| o.id == "nongjizhen_rc" && o.hosts.len() == 10));
    for p in &s.parts {
        assert!(!p.ledger.validate().has_errors(), "{}", p.root);
    }
    assert!(!s.top.validate().has_errors());
}

#[test]
fn units_of_the_kind_below_one_another_are_an_error_naming_both() {
    // da is put under db: both districts, da below db.
    let text = CITY.replace(
        r#""id": "da", "kind": "district", "name": "甲区", "parent": "city""#,
        r#""id": "da", "kind": "district", "name": "甲区", "parent": "db""#,
    );
    let l = ledger::from_json_str(&text).unwrap();
    let e = parts::split(&l, UnitKind::District).unwrap_err();
    assert_eq!(
        e,
        SplitError::Nested {
            kind: UnitKind::District,
            inner: "da".into(),
            outer: "db".into()
        }
    );
    assert!(e.to_string().starts_with(
        "unit `da` and unit `db` are both of kind `district`, and `da` lies below `db`"
    ));
}

#[test]
fn a_kind_no_unit_below_the_root_has_is_an_error() {
    let e = parts::split(&city(), UnitKind::Road).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no unit below the root `city` is of kind `road`; split by a kind the ledger has \
         below its root (area, block, village...)"
    );
    assert_eq!(
        parts::split(&Ledger::new(), UnitKind::Road).unwrap_err(),
        SplitError::NoUnits
    );
}

// ---- the manifest ------------------------------------------------------------------

fn manifest_error(text: &str) -> String {
    Manifest::from_toml(text, "m/parts.toml")
        .unwrap_err()
        .to_string()
}

#[test]
fn a_manifest_reads_its_keys_and_optional_shared_table() {
    let m = Manifest::from_toml(
        "root = \"nation\"\ntop = \"_top\"\n\n[[part]]\npath = \"zhejiang\"\nroot = \"zhejiang\"\n\n\
         [[part]]\npath = \"sub/jiangsu.json\"\nroot = \"jiangsu\"\n\n[shared]\npeople = [\"p1\", \"p2\"]\n",
        "parts.toml",
    )
    .unwrap();
    assert_eq!(m.root, "nation");
    assert_eq!(m.top, Path::new("_top"));
    assert_eq!(m.parts[1].path, Path::new("sub/jiangsu.json"));
    assert_eq!(m.parts[1].root, "jiangsu");
    let shared = m.shared.clone().unwrap();
    assert_eq!(shared.people.len(), 2);
    assert!(shared.orgs.is_empty());
    // Written and read again: the same.
    assert_eq!(
        Manifest::from_toml(&m.to_toml(Path::new("/x")), "again").unwrap(),
        m
    );
}

#[test]
fn bad_manifests_are_errors_that_say_where_and_what() {
    // Not TOML.
    let e = manifest_error("root = nation\n");
    assert!(
        e.starts_with("m/parts.toml: TOML parse error at line 1, column 8"),
        "{e}"
    );
    // A missing key, at the top or in a part.
    let e = manifest_error("top = \"_top\"\n");
    assert!(
        e.starts_with("m/parts.toml: ") && e.contains("missing field `root`"),
        "{e}"
    );
    let e = manifest_error("root = \"n\"\ntop = \"_top\"\n[[part]]\nroot = \"a\"\n");
    assert!(
        e.contains("missing field `path`") && e.contains("line 3"),
        "{e}"
    );
    let e = manifest_error("root = \"n\"\ntop = \"_top\"\n[[part]]\npath = \"a\"\n");
    assert!(e.contains("missing field `root`"), "{e}");
    // A key it does not know (a typo), named.
    let e = manifest_error("root = \"n\"\ntop = \"_top\"\n[[parts]]\npath = \"a\"\nroot = \"a\"\n");
    assert!(e.contains("unknown field `parts`"), "{e}");
    // An empty key.
    let e = manifest_error("root = \"n\"\ntop = \"_top\"\n[[part]]\npath = \"\"\nroot = \"a\"\n");
    assert_eq!(
        e,
        "m/parts.toml: part 1 (`[[part]]` number 1): `path` is empty"
    );
    // A part listed twice, by root or by path.
    let twice = "root = \"n\"\ntop = \"_top\"\n[[part]]\npath = \"a\"\nroot = \"a\"\n[[part]]\n";
    assert_eq!(
        manifest_error(&format!("{twice}path = \"b\"\nroot = \"a\"\n")),
        "m/parts.toml: root `a` is listed twice, by parts 1 and 2; list each part once"
    );
    assert_eq!(
        manifest_error(&format!("{twice}path = \"a\"\nroot = \"b\"\n")),
        "m/parts.toml: path `a` is listed twice, by parts 1 (root `a`) and 2 (root `b`); list \
         each part once"
    );
    // A missing file.
    let missing = tmp("missing").join("parts.toml");
    match Manifest::read(&missing) {
        Err(ManifestError::Io { path, source }) => {
            assert_eq!(path, missing.display().to_string());
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_written_split_reads_back_with_paths_in_its_folder() {
    let dir = tmp("written");
    let s = parts::split(&city(), UnitKind::District).unwrap();
    let m = s.write(&dir, Form::CsvFolder, false).unwrap();
    let text = std::fs::read_to_string(dir.join("parts.toml")).unwrap();
    assert!(
        text.starts_with(
            "root = \"city\"\ntop = \"_top\"\n\n[[part]]\npath = \"da\"\nroot = \"da\"\n\n\
             [[part]]\npath = \"db\"\nroot = \"db\"\n\n[shared]\npeople = [\n    \"p1\",\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("orgs = [\n    \"j\",\n]\n"), "{text}");
    let back = Manifest::read(dir.join("parts.toml")).unwrap();
    assert_eq!(back, m);
    let abs = std::path::absolute(&dir).unwrap();
    assert_eq!(back.top, abs.join("_top"));
    assert_eq!(back.parts[1].path, abs.join("db"));
    assert_eq!(back.shared.as_ref(), Some(&s.shared));
    assert!(dir.join("db").join("people.csv").is_file());

    // A folder that is not empty is refused, unless forced.
    let e = s.write(&dir, Form::CsvFolder, false).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "{} already holds _top, da, db and 1 more;",
            dir.display()
        )),
        "{e}"
    );
    s.write(&dir, Form::CsvFolder, true).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_part_loads_by_root_or_path_in_any_form_and_the_top_by_none() {
    for form in [Form::CsvFolder, Form::Json, Form::Excel, Form::Sqlite] {
        let dir = tmp(&format!("load-{form:?}"));
        let s = parts::split(&city(), UnitKind::District).unwrap();
        s.write(&dir, form, false).unwrap();
        let manifest = dir.join("parts.toml");
        assert_eq!(load_part(&manifest, None).unwrap(), s.top, "{form:?}");
        assert_eq!(load_part(&manifest, Some("db")).unwrap(), s.parts[1].ledger);
        let path = s.manifest(form).parts[0].path.clone();
        assert_eq!(
            load_part(&manifest, Some(path.to_str().unwrap())).unwrap(),
            s.parts[0].ledger
        );
        let e = load_part(&manifest, Some("dc")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{}: no part has root or path `dc`; its parts are `da`, `db`",
                manifest.display()
            )
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// A part loaded on a top read before is the part `load_part` gives; the top of another
/// partitioned ledger (another root, or without the parts' roots) is refused, naming it.
#[test]
fn a_part_loads_on_a_top_read_before_and_only_on_its_own_top() {
    let opts = dangjian::ledger::ValidateOptions::default();
    let dir = tmp("load-on-top");
    let s = parts::split(&city(), UnitKind::District).unwrap();
    s.write(&dir, Form::Json, false).unwrap();
    let manifest = dir.join("parts.toml");
    let top = load_part(&manifest, None).unwrap();
    for (i, root) in ["da", "db"].iter().enumerate() {
        assert_eq!(
            parts::load_part_on(&manifest, Some(root), &top, &opts).unwrap(),
            s.parts[i].ledger
        );
    }
    assert_eq!(
        parts::load_part_on(&manifest, None, &top, &opts).unwrap(),
        s.top
    );
    let e = parts::load_part_on(&manifest, Some("dc"), &top, &opts).unwrap_err();
    assert!(
        e.to_string().contains("no part has root or path `dc`"),
        "{e}"
    );
    // The example's top: another root.
    let other = dangjian::example();
    let e = parts::load_part_on(&manifest, Some("da"), &other, &opts).unwrap_err();
    assert!(e.to_string().contains("the top"), "{e}");
    assert!(e.to_string().contains("city"), "{e}");
    // The part's own ledger as the top: rooted at `da`, not the city.
    let e = parts::load_part_on(&manifest, Some("db"), &s.parts[0].ledger, &opts).unwrap_err();
    assert!(e.to_string().contains("city"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hand-made partitioned ledger of the top and part `da`: the top keeps the duties and
/// indicators, and an exemption of `da`; the part none of them (then `edit` them).
fn hand_made(name: &str, edit: impl Fn(&mut Ledger, &mut Ledger)) -> PathBuf {
    let dir = tmp(name);
    let s = parts::split(&city(), UnitKind::District).unwrap();
    let (mut top, mut a) = (s.top.clone(), s.parts[0].ledger.clone());
    a.duties.clear();
    a.indicators.clear();
    a.targets.clear(); // it names the indicator
    a.observations.clear();
    a.exemptions.retain(|x| x.subject != "j");
    top.exemptions.push(dangjian::model::Exemption::new(
        "d1",
        "da",
        chrono::NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
    ));
    edit(&mut top, &mut a);
    if a.duties.is_empty() {
        a.exemptions.clear();
    }
    ledger::save(&top, dir.join("_top.json")).unwrap();
    ledger::save(&a, dir.join("da.json")).unwrap();
    std::fs::write(
        dir.join("parts.toml"),
        "root = \"city\"\ntop = \"_top.json\"\n[[part]]\npath = \"da.json\"\nroot = \"da\"\n",
    )
    .unwrap();
    dir.join("parts.toml")
}

#[test]
fn a_part_gets_the_tops_duties_indicators_and_its_exemptions_listed_there() {
    let manifest = hand_made("apply", |_, _| {});
    let a = load_part(&manifest, Some("da")).unwrap();
    let ids = |v: Vec<String>| v;
    assert_eq!(
        ids(a.duties.iter().map(|d| d.id.to_string()).collect()),
        ["d1"]
    );
    assert_eq!(
        ids(a.indicators.iter().map(|d| d.id.to_string()).collect()),
        ["ind"]
    );
    // The top's exemption of da (the part's root, which the top holds too) applies in da.
    assert_eq!(
        ids(a
            .exemptions
            .iter()
            .map(|x| format!("{}@{}", x.duty, x.subject))
            .collect()),
        ["d1@da"]
    );
    assert!(!a.validate().has_errors());
    let _ = std::fs::remove_dir_all(manifest.parent().unwrap());
}

#[test]
fn a_part_whose_duty_differs_from_the_tops_is_an_error() {
    let manifest = hand_made("conflict", |top, a| {
        let mut d = top.duties[0].clone();
        d.min_count = Some(2);
        a.duties.push(d);
    });
    let e = load_part(&manifest, Some("da")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "duty `d1` of part `da` differs from the top's; duty rows apply to every part alike: \
         give them the same columns, or different ids"
    );
    let _ = std::fs::remove_dir_all(manifest.parent().unwrap());
}

#[test]
fn a_part_rooted_elsewhere_than_its_manifest_says_is_an_error() {
    let manifest = hand_made("wrong-root", |_, _| {});
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("root = \"da\"", "root = \"ea\"");
    std::fs::write(&manifest, text).unwrap();
    // The top has no unit ea where a part's root should hang.
    let e = load_part(&manifest, Some("ea")).unwrap_err().to_string();
    assert!(e.ends_with("has no unit `ea`, the root of a part; the top holds each part's root where it hangs in the tree"), "{e}");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("root = \"city\"", "root = \"db\"");
    std::fs::write(&manifest, text).unwrap();
    let e = load_part(&manifest, None).unwrap_err().to_string();
    assert!(
        e.ends_with("the top is rooted at `city`, but the manifest says `db`"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(manifest.parent().unwrap());
}

#[test]
fn a_part_that_does_not_load_says_which_part() {
    let manifest = hand_made("broken", |_, _| {});
    let dir = manifest.parent().unwrap();
    std::fs::remove_file(dir.join("da.json")).unwrap();
    let e = load_part(&manifest, Some("da")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("part `da` ({}", dir.join("da.json").display())),
        "{e}"
    );
    assert!(matches!(
        e,
        ManifestError::Ledger {
            source: ledger::LedgerError::Io { .. },
            ..
        }
    ));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn parts_overlapping_in_units_are_an_error_naming_the_unit_and_both() {
    let s = parts::split(&city(), UnitKind::District).unwrap();
    let (a, b) = (&s.parts[0].ledger, &s.parts[1].ledger);
    assert!(check_overlap(Some(&s.top), &[("da", a), ("db", b)]).is_ok());
    let mut b2 = b.clone();
    b2.units.push(a.units[2].clone()); // va
    let e = check_overlap(Some(&s.top), &[("da", a), ("db", &b2)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unit `va` is in part `da` and in part `db`; parts must not overlap in units (the top \
         holds a part's root, nothing below it)"
    );
    // The top may hold a part's root, nothing else of it.
    let mut top = s.top.clone();
    top.units.push(a.units[1].clone()); // ea
    let e = check_overlap(Some(&top), &[("da", a), ("db", b)]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unit `ea` is in the top and in part `da`"),
        "{e}"
    );
    // Applying the top to a split part changes nothing: it holds all already.
    let mut again = a.clone();
    apply_top(&mut again, &s.top, "da").unwrap();
    assert_eq!(&again, a);
}
