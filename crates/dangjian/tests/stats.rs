//! The statistics tables of docs/STATS.md (`enterprise_orgs`, `org_life`): identities on
//! the example and on generated ledgers, and small cases worked out by hand.

mod common;

use chrono::NaiveDate;
use common::*;
use dangjian::metrics::{Engine, Query};
use dangjian::model::*;
use dangjian::rows::Row;
use dangjian::stats::{
    self, assessed_months, enterprise_orgs, headers_zh, org_life, EnterpriseOrgsRow, OrgLifeRow,
    StatsTable,
};
use dangjian::synth::{generate, Spec};

/// The identities of STATS.md, and the agreement with the coverage metrics, at every row.
fn check_identities(l: &Ledger, q: &Query) -> usize {
    let engine = Engine::new(l);
    let rows = enterprise_orgs(&engine, q).unwrap();
    let ev = engine.evaluate(q).unwrap();
    for r in &rows {
        let own = r.own_committee + r.own_general_branch + r.own_branch;
        assert_eq!(r.enterprises, own + r.joint + r.none, "{r:?}");
        assert_eq!(
            r.none,
            r.none_should_build + r.none_few_members + r.none_no_members,
            "{r:?}"
        );
        assert!(r.joint_with_3_members <= r.joint);
        assert_eq!(r.joint_orgs == 0, r.joint == 0, "{r:?}");
        let scope = r.scope.as_str();
        let (_, num, den) = vnd(&ev, "coverage.org", scope);
        assert_eq!(den, Some(r.enterprises as f64), "{scope}");
        assert_eq!(num, Some((r.enterprises - r.none) as f64), "{scope}");
        let (_, num, _) = vnd(&ev, "coverage.own_org", scope);
        assert_eq!(num, Some(own as f64), "{scope}");
    }
    // One row per scope row of the evaluation, in the same order.
    let mut scopes: Vec<&str> = ev.rows.iter().map(|r| r.scope.as_str()).collect();
    scopes.dedup();
    let ours: Vec<&str> = rows.iter().map(|r| r.scope.as_str()).collect();
    assert_eq!(ours, scopes);
    rows.len()
}

#[test]
fn identities_hold_on_the_example_with_and_without_breakdowns() {
    let l = dangjian::example();
    let q = at(d(2019, 7, 31));
    assert_eq!(check_identities(&l, &q), 1);
    for by in [UnitKind::Area, UnitKind::Block] {
        let q = Query {
            by: Some(by),
            ..at(d(2019, 7, 31))
        };
        assert!(check_identities(&l, &q) > 1, "{by:?}");
    }
    // docs/DOMAIN.md: 98 above-scale enterprises in the district.
    let engine = Engine::new(&l);
    let rows = enterprise_orgs(&engine, &at(d(2019, 7, 31))).unwrap();
    assert_eq!(rows[0].enterprises, 98);
}

#[test]
fn identities_hold_on_generated_ledgers() {
    for seed in [0, 7] {
        let l = generate(&Spec {
            seed,
            ..Spec::tiny()
        });
        let as_of = l
            .activities
            .iter()
            .map(|a| a.date)
            .max()
            .unwrap_or(d(2019, 12, 31));
        for by in [None, Some(UnitKind::Area), Some(UnitKind::Block)] {
            let q = Query { by, ..at(as_of) };
            check_identities(&l, &q);
        }
        // The generator gives workplaces and employees: every part of the table is used.
        let engine = Engine::new(&l);
        let root = &enterprise_orgs(&engine, &at(as_of)).unwrap()[0];
        assert!(
            root.members > 0 && root.employees.is_some_and(|e| e > 0),
            "{root:?}"
        );
        assert!(
            root.own_branch > 0 && root.joint > 0 && root.joint_orgs > 0,
            "{root:?}"
        );
        assert!(root.none > 0, "{root:?}");
        // org_life: months held never exceed the assessed months, rates are months / assessed.
        let engine = Engine::new(&l);
        let n = assessed_months(as_of) as u64;
        for r in org_life(&engine, &at(as_of)).unwrap() {
            assert!(r.committee_months <= n && r.collective_months <= n);
            assert_eq!(r.committee.iter().filter(|m| m.is_some()).count() as u64, n);
            if n > 0 {
                assert!(close(
                    r.collective_rate,
                    r.collective_months as f64 / n as f64
                ));
            }
        }
    }
}

fn person_at(
    id: &str,
    work: &str,
    joined: Option<NaiveDate>,
    confirmed: Option<NaiveDate>,
) -> Person {
    let mut p = Person::new(id, id);
    p.workplace = Some(work.into());
    p.joined = joined;
    p.confirmed = confirmed;
    p
}

/// The hand-worked ledger of `enterprise_orgs`, as of 2019-06-30.
///
/// Area a1: e1 (committee c1 and branch b1, both its own: highest a committee; 100
/// employees), e2 (general branch g2, own), e3 (joint branch j1 with e4; its own branch b3
/// dissolved 2019-03-31; 3 formal members), e11 (closed 2019-01-31: out), e12 (a branch
/// hosted by its workshop only: not covered; nobody), e13 (a branch established
/// 2019-09-01: not yet; 1 formal member), e14 (branch b14, own).
/// Area a2: e4 (j1; 1 formal + 1 probationary member), e5 and e6 (branch b5 hosted by both:
/// joint, not own), e7 (no org; 3 formal members, a 4th joins after as_of), e8 (no org; 2
/// members confirmed after as_of), e9 (no org; a person confirmed but never joined is no
/// member; 50 employees), e10 (not above scale: out, with its 999 employees and member).
fn enterprises_ledger() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("a2", UnitKind::Area, Some("d")));
    let mut add = |id: &str, area: &str, employees: Option<u64>| {
        let mut e = enterprise(id, area);
        e.employees = employees;
        l.units.push(e);
    };
    add("e1", "a1", Some(100));
    add("e2", "a1", None);
    add("e3", "a1", None);
    add("e11", "a1", Some(7));
    add("e12", "a1", None);
    add("e13", "a1", None);
    add("e14", "a1", None);
    add("e4", "a2", None);
    add("e5", "a2", None);
    add("e6", "a2", None);
    add("e7", "a2", None);
    add("e8", "a2", None);
    add("e9", "a2", Some(50));
    add("e10", "a2", Some(999));
    l.units
        .iter_mut()
        .find(|u| u.id.as_str() == "e10")
        .unwrap()
        .above_scale = false;
    l.units
        .iter_mut()
        .find(|u| u.id.as_str() == "e11")
        .unwrap()
        .until = Some(d(2019, 1, 31));
    l.units.push(unit("w12", UnitKind::Workshop, Some("e12")));
    let y = d(2018, 1, 1);
    l.orgs.push(org("c1", OrgKind::Committee, &["e1"], y));
    l.orgs.push(org("b1", OrgKind::Branch, &["e1"], y));
    l.orgs.push(org("g2", OrgKind::GeneralBranch, &["e2"], y));
    let mut b3 = org("b3", OrgKind::Branch, &["e3"], y);
    b3.dissolved = Some(d(2019, 3, 31));
    l.orgs.push(b3);
    l.orgs
        .push(org("j1", OrgKind::JointBranch, &["e3", "e4"], y));
    l.orgs.push(org("b5", OrgKind::Branch, &["e5", "e6"], y));
    l.orgs.push(org("bw12", OrgKind::Branch, &["w12"], y));
    l.orgs
        .push(org("b13", OrgKind::Branch, &["e13"], d(2019, 9, 1)));
    l.orgs.push(org("b14", OrgKind::Branch, &["e14"], y));
    l.orgs.push(org("b11", OrgKind::Branch, &["e11"], y));
    let j = Some(d(2015, 1, 1));
    for i in 1..=3 {
        l.people.push(person_at(&format!("p3_{i}"), "e3", j, j));
        l.people.push(person_at(&format!("p7_{i}"), "e7", j, j));
    }
    l.people
        .push(person_at("p7_4", "e7", Some(d(2019, 7, 1)), None));
    l.people.push(person_at("p4_1", "e4", j, j));
    l.people
        .push(person_at("p4_2", "e4", Some(d(2019, 1, 1)), None));
    for i in 1..=2 {
        l.people
            .push(person_at(&format!("p8_{i}"), "e8", j, Some(d(2019, 8, 1))));
    }
    l.people.push(person_at("p9_1", "e9", None, j));
    l.people.push(person_at("p10_1", "e10", j, j));
    l.people.push(person_at("p13_1", "e13", j, j));
    assert_valid(&l);
    l
}

#[allow(clippy::too_many_arguments)]
fn eo(
    scope: &str,
    [enterprises, own_committee, own_general_branch, own_branch]: [u64; 4],
    [joint, joint_with_3_members, joint_orgs]: [u64; 3],
    [none, none_should_build, none_few_members, none_no_members]: [u64; 4],
    employees: Option<u64>,
    members: u64,
) -> EnterpriseOrgsRow {
    EnterpriseOrgsRow {
        scope: scope.into(),
        enterprises,
        own_committee,
        own_general_branch,
        own_branch,
        joint,
        joint_with_3_members,
        joint_orgs,
        none,
        none_should_build,
        none_few_members,
        none_no_members,
        employees,
        members,
    }
}

#[test]
fn enterprise_orgs_worked_by_hand() {
    let l = enterprises_ledger();
    let engine = Engine::new(&l);
    let q = Query {
        by: Some(UnitKind::Area),
        ..at(d(2019, 6, 30))
    };
    let rows = enterprise_orgs(&engine, &q).unwrap();
    // The district: 12 enterprises (e1-e9, e12, e13, e14) = 1 committee (e1) + 1 general
    // branch (e2) + 1 branch (e14) + 4 joint (e3, e4, e5, e6; j1 and b5, e3 with 3 formal
    // members) + 5 without (e7 should build; e8 and e13 few; e9 and e12 none). Employees
    // 100 + 50; members 3 (e3) + 2 (e4) + 3 (e7) + 2 (e8) + 1 (e13) = 11.
    assert_eq!(
        rows,
        vec![
            eo("d", [12, 1, 1, 1], [4, 1, 2], [5, 1, 2, 2], Some(150), 11),
            // a1: e1, e2, e3, e12, e13, e14.
            eo("a1", [6, 1, 1, 1], [1, 1, 1], [2, 0, 1, 1], Some(100), 4),
            // a2: e4-e9; j1 covers e4 here too, so it counts in both areas.
            eo("a2", [6, 0, 0, 0], [3, 0, 2], [3, 1, 1, 1], Some(50), 7),
        ]
    );
    check_identities(&l, &q);
    // With e9 closed, no enterprise of a2 has employees: null, not 0.
    let mut l2 = l.clone();
    l2.units
        .iter_mut()
        .find(|u| u.id.as_str() == "e9")
        .unwrap()
        .until = Some(d(2019, 1, 1));
    let engine = Engine::new(&l2);
    let q = Query {
        scope: Some("a2".into()),
        ..at(d(2019, 6, 30))
    };
    let r = &enterprise_orgs(&engine, &q).unwrap()[0];
    assert_eq!(
        (
            r.scope.as_str(),
            r.enterprises,
            r.employees,
            r.none_no_members
        ),
        ("a2", 5, None, 0)
    );
}

/// The 2014 return of STATS.md: 11 enterprises = 1 with a committee + 6 with a branch + 4
/// in joint branches, the 4 sharing 2 joint branches, 1 of them with 3 or more members.
#[test]
fn the_2014_return_of_stats_md() {
    let mut l = Ledger::new();
    l.units.push(unit("u", UnitKind::District, None));
    for i in 1..=11 {
        l.units.push(enterprise(&format!("e{i}"), "u"));
    }
    let y = d(2010, 1, 1);
    l.orgs.push(org("c1", OrgKind::Committee, &["e1"], y));
    // The committee's own branches do not make e1 a "branch" enterprise.
    l.orgs.push(org("c1b1", OrgKind::Branch, &["e1"], y));
    for i in 2..=7 {
        l.orgs.push(org(
            &format!("b{i}"),
            OrgKind::Branch,
            &[&format!("e{i}")],
            y,
        ));
    }
    l.orgs
        .push(org("ja", OrgKind::JointBranch, &["e8", "e9"], y));
    l.orgs
        .push(org("jb", OrgKind::JointBranch, &["e10", "e11"], y));
    let j = Some(d(2012, 1, 1));
    for i in 1..=3 {
        l.people.push(person_at(&format!("p8_{i}"), "e8", j, j));
    }
    // e9: 2 formal members and a probationary one: not 3 formal.
    l.people.push(person_at("p9_1", "e9", j, j));
    l.people.push(person_at("p9_2", "e9", j, j));
    l.people
        .push(person_at("p9_3", "e9", j, Some(d(2015, 1, 1))));
    assert_valid(&l);
    let engine = Engine::new(&l);
    let r = &enterprise_orgs(&engine, &at(d(2014, 12, 31))).unwrap()[0];
    assert_eq!(r.enterprises, 11);
    assert_eq!(r.own_committee, 1);
    assert_eq!(r.own_general_branch, 0);
    assert_eq!(r.own_branch, 6);
    assert_eq!(r.joint, 4);
    assert_eq!(r.joint_orgs, 2);
    assert_eq!(r.joint_with_3_members, 1);
    assert_eq!(r.none, 0);
    assert_eq!(r.members, 6);
    assert_eq!(r.employees, None);
}

fn named(mut o: Org, name: &str, parent: Option<&str>) -> Org {
    o.name = name.to_string();
    o.parent = parent.map(OrgId::from);
    o
}

/// The hand-worked ledger of `org_life`, evaluated at 2019-05-20 (January to April
/// assessed: 4 months).
///
/// - b1 (branch of 化学学院党委, group g1 under it): committee meetings 10 and 25 January, 5
///   March, 10 May (not assessed) and 31 December 2018 (last year); collective: assembly 14
///   February, group meetings of g1 on 1 March and 30 April, theme day 1 April, a party
///   lesson of g1 on 1 June (not assessed), and a work meeting (not organisation life).
///   Committee [2, 0, 1, 0]: 2 months of 4; collective [0, 1, 1, 2]: 3 of 4.
/// - b2 (joint branch in a2, no parent, established 15 March): one committee meeting on
///   20 March: [0, 0, 1, 0], 1 of 4 (every org is assessed on the same months); no
///   collective activity: 0 of 4.
/// - b3 (dissolved 31 December 2018) and b4 (established 1 June) are not listed; b5
///   (dissolved 28 February) is: a committee meeting on 1 February, 1 of 4.
/// - p (the committee) and g1 (a group) are not branches.
fn org_life_ledger() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("a2", UnitKind::Area, Some("d")));
    let y = d(2018, 1, 1);
    l.orgs.push(named(
        org("p", OrgKind::Committee, &["a1"], y),
        "化学学院党委",
        None,
    ));
    l.orgs.push(named(
        org("b1", OrgKind::Branch, &["a1"], y),
        "化学系第一党支部",
        Some("p"),
    ));
    l.orgs.push(named(
        org("g1", OrgKind::Group, &["a1"], y),
        "第一党小组",
        Some("b1"),
    ));
    l.orgs.push(named(
        org("b2", OrgKind::JointBranch, &["a2"], d(2019, 3, 15)),
        "联合党支部",
        None,
    ));
    let mut b3 = org("b3", OrgKind::Branch, &["a1"], y);
    b3.dissolved = Some(d(2018, 12, 31));
    l.orgs.push(b3);
    l.orgs
        .push(org("b4", OrgKind::Branch, &["a1"], d(2019, 6, 1)));
    let mut b5 = named(org("b5", OrgKind::Branch, &["a1"], y), "b5", Some("p"));
    b5.dissolved = Some(d(2019, 2, 28));
    l.orgs.push(b5);
    let acts = [
        ("committee_meeting", d(2019, 1, 10), "b1"),
        ("committee_meeting", d(2019, 1, 25), "b1"),
        ("committee_meeting", d(2019, 3, 5), "b1"),
        ("committee_meeting", d(2019, 5, 10), "b1"),
        ("committee_meeting", d(2018, 12, 31), "b1"),
        ("member_assembly", d(2019, 2, 14), "b1"),
        ("group_meeting", d(2019, 3, 1), "g1"),
        ("group_meeting", d(2019, 4, 30), "g1"),
        ("theme_day", d(2019, 4, 1), "b1"),
        ("party_lesson", d(2019, 5, 20), "g1"),
        ("work_meeting", d(2019, 1, 5), "b1"),
        ("committee_meeting", d(2019, 3, 20), "b2"),
        ("committee_meeting", d(2019, 2, 1), "b5"),
    ];
    for (k, date, s) in acts {
        l.activities.push(activity(k, date, s, &[]));
    }
    assert_valid(&l);
    l
}

fn months(v: [u64; 4]) -> [Option<u64>; 12] {
    let mut m = [None; 12];
    for (i, x) in v.into_iter().enumerate() {
        m[i] = Some(x);
    }
    m
}

#[test]
fn org_life_worked_by_hand_mid_year() {
    let l = org_life_ledger();
    let engine = Engine::new(&l);
    let rows = org_life(&engine, &at(d(2019, 5, 20))).unwrap();
    let row =
        |org: &str, name: &str, parent: Option<&str>, c: [u64; 4], cm, cr, k: [u64; 4], km, kr| {
            OrgLifeRow {
                org: org.into(),
                name: name.into(),
                parent: parent.map(str::to_string),
                committee: months(c),
                committee_months: cm,
                committee_rate: Some(cr),
                collective: months(k),
                collective_months: km,
                collective_rate: Some(kr),
            }
        };
    assert_eq!(
        rows,
        vec![
            row(
                "b1",
                "化学系第一党支部",
                Some("化学学院党委"),
                [2, 0, 1, 0],
                2,
                0.5,
                [0, 1, 1, 2],
                3,
                0.75
            ),
            row(
                "b2",
                "联合党支部",
                None,
                [0, 0, 1, 0],
                1,
                0.25,
                [0, 0, 0, 0],
                0,
                0.0
            ),
            row(
                "b5",
                "b5",
                Some("化学学院党委"),
                [0, 1, 0, 0],
                1,
                0.25,
                [0; 4],
                0,
                0.0
            ),
        ]
    );
    // Scope a2 holds b2 only.
    let q = Query {
        scope: Some("a2".into()),
        ..at(d(2019, 5, 20))
    };
    let ids: Vec<String> = org_life(&engine, &q)
        .unwrap()
        .iter()
        .map(|r| r.org.as_str().to_string())
        .collect();
    assert_eq!(ids, ["b2"]);
    // On 15 January no month is assessed: every month and rate is null.
    let r = &org_life(&engine, &at(d(2019, 1, 15))).unwrap()[0];
    assert_eq!(
        (r.committee, r.committee_months, r.committee_rate),
        ([None; 12], 0, None)
    );
    assert_eq!(r.collective_rate, None);
    // On 31 May, May is assessed too: b1 has its 10 May meeting and the 20 May lesson.
    let r = &org_life(&engine, &at(d(2019, 5, 31))).unwrap()[0];
    assert_eq!(r.committee[4], Some(1));
    assert_eq!(r.collective[4], Some(1));
    assert_eq!((r.committee_months, r.collective_months), (3, 4));
    assert!(close(r.committee_rate, 3.0 / 5.0));
    assert!(close(r.collective_rate, 4.0 / 5.0));
}

#[test]
fn assessed_months_end_on_the_last_day() {
    assert_eq!(assessed_months(d(2019, 1, 30)), 0);
    assert_eq!(assessed_months(d(2019, 1, 31)), 1);
    assert_eq!(assessed_months(d(2019, 2, 28)), 2);
    assert_eq!(assessed_months(d(2020, 2, 28)), 1);
    assert_eq!(assessed_months(d(2020, 2, 29)), 2);
    assert_eq!(assessed_months(d(2019, 12, 30)), 11);
    assert_eq!(assessed_months(d(2019, 12, 31)), 12);
}

#[test]
fn headers_match_the_columns_and_rates_read_as_percentages() {
    assert_eq!(
        headers_zh(StatsTable::EnterpriseOrgs).len(),
        EnterpriseOrgsRow::columns().len()
    );
    assert_eq!(
        headers_zh(StatsTable::OrgLife).len(),
        OrgLifeRow::columns().len()
    );
    let cols: Vec<&str> = OrgLifeRow::columns().iter().map(|c| c.name).collect();
    assert_eq!(cols[..4], ["org", "name", "parent", "committee_1"]);
    assert_eq!(
        cols[14..17],
        ["committee_12", "committee_months", "committee_rate"]
    );
    assert_eq!(cols[29..], ["collective_months", "collective_rate"]);
    assert_eq!(cols.len(), 3 + 14 + 14);
    let eo: Vec<&str> = EnterpriseOrgsRow::columns()
        .iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(eo[0], "scope");
    assert_eq!(eo[13], "members");
    assert_eq!(headers_zh(StatsTable::EnterpriseOrgs)[1], "单位数");
    assert_eq!(stats::percent(5.0 / 6.0), "83.33%");
    assert_eq!(stats::percent(0.0), "0.00%");
    // A row's JSON has the flat columns, in order.
    let l = org_life_ledger();
    let engine = Engine::new(&l);
    let rows = org_life(&engine, &at(d(2019, 5, 20))).unwrap();
    let v = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(v["committee_1"], 2);
    assert_eq!(v["committee_5"], serde_json::Value::Null);
    assert_eq!(v["collective_rate"], 0.75);
    assert_eq!(v.as_object().unwrap().len(), cols.len());
    // People read the rates as percentages.
    let first = stats::ForPeople(&rows[0]);
    let shown = first.cells();
    assert_eq!(shown[16].to_exact_text(), "50.00%");
    assert_eq!(shown[30].to_exact_text(), "75.00%");
}

#[test]
fn xlsx_has_the_chinese_headers_then_the_ids() {
    use calamine::{Data, Reader, Xlsx};
    let l = org_life_ledger();
    let engine = Engine::new(&l);
    let rows = org_life(&engine, &at(d(2019, 5, 20))).unwrap();
    let bytes = stats::to_xlsx_bytes(
        &rows,
        &headers_zh(StatsTable::OrgLife),
        "org_life",
        &Default::default(),
    )
    .unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("org_life").unwrap();
    assert_eq!(range.get((0, 0)), Some(&Data::String("党支部".into())));
    assert_eq!(
        range.get((0, 2)),
        Some(&Data::String("院系级党组织".into()))
    );
    assert_eq!(range.get((1, 3)), Some(&Data::String("committee_1".into())));
    assert_eq!(range.get((2, 0)), Some(&Data::String("b1".into())));
    assert_eq!(range.get((2, 3)), Some(&Data::Float(2.0)));
    assert_eq!(range.get((2, 16)), Some(&Data::Float(0.5)));
    assert_eq!(range.height(), 2 + rows.len());
}
