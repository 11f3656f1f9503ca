//! Coverage, organisations and members (`coverage.*`, `orgs.*`, `members.no_org_life`,
//! `workshops.red`, `committees.two_new`).

mod common;
use common::*;
use dangjian::metrics::{Engine, Query};
use dangjian::model::*;

/// Block B1 with enterprises e1..e5 (above scale), e6 (not above scale), e7 (above scale,
/// since 2019-09-01: not yet); workshop w under e3. As of 2019-07-31:
/// - e1: branch ob1 hosted by e1 alone -> org, own, work;
/// - e2: joint branch oj hosted by e2 and e6 -> org, work (not own: joint);
/// - e3: only the workshop's branch ow; an instructor on e3 -> work only;
/// - e4: a party group og hosted by e4 with an instructor on og -> work only;
/// - e5: committee oc dissolved 06-30, an instructor ended 07-30 -> nothing.
///
/// coverage.org 2/5, own 1/5, work 4/5.
fn enterprises() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("B1", UnitKind::Block, Some("d")));
    l.units.push(unit("B2", UnitKind::Block, Some("d")));
    for i in 1..=5 {
        l.units.push(enterprise(&format!("e{i}"), "B1"));
    }
    l.units.push(unit("e6", UnitKind::Enterprise, Some("B1")));
    let mut e7 = enterprise("e7", "B2");
    e7.since = Some(d(2019, 9, 1));
    l.units.push(e7);
    l.units.push(unit("w", UnitKind::Workshop, Some("e3")));
    l.orgs
        .push(org("ob1", OrgKind::Branch, &["e1"], d(2018, 1, 1)));
    l.orgs.push(org(
        "oj",
        OrgKind::JointBranch,
        &["e2", "e6"],
        d(2018, 1, 1),
    ));
    l.orgs
        .push(org("ow", OrgKind::Branch, &["w"], d(2018, 1, 1)));
    l.orgs
        .push(org("og", OrgKind::Group, &["e4"], d(2018, 1, 1)));
    let mut oc = org("oc", OrgKind::Committee, &["e5"], d(2015, 1, 1));
    oc.dissolved = Some(d(2019, 6, 30));
    l.orgs.push(oc);
    l.people.push(person("i1", None));
    l.roles
        .push(role("i1", RoleKind::Instructor, "e3", d(2019, 1, 1), None));
    l.roles
        .push(role("i1", RoleKind::Instructor, "og", d(2019, 1, 1), None));
    l.roles.push(role(
        "i1",
        RoleKind::Instructor,
        "e5",
        d(2019, 1, 1),
        Some(d(2019, 7, 30)),
    ));
    l
}

#[test]
fn organisation_and_work_coverage() {
    let l = enterprises();
    assert_valid(&l);
    let q = Query {
        by: Some(UnitKind::Block),
        ..at(d(2019, 7, 31))
    };
    let e = Engine::new(&l);
    let ev = e.evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "coverage.org", "d"),
        (Some(0.4), Some(2.0), Some(5.0))
    );
    assert_eq!(
        vnd(&ev, "coverage.own_org", "d"),
        (Some(0.2), Some(1.0), Some(5.0))
    );
    assert_eq!(
        vnd(&ev, "coverage.work", "d"),
        (Some(0.8), Some(4.0), Some(5.0))
    );
    assert_eq!(
        vnd(&ev, "coverage.org", "B1"),
        (Some(0.4), Some(2.0), Some(5.0))
    );
    // B2 holds only e7, which does not exist yet: 0/0 is null
    assert_eq!(vnd(&ev, "coverage.org", "B2"), (None, Some(0.0), Some(0.0)));

    let rows = e.enterprises(&at(d(2019, 7, 31))).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["e1", "e2", "e3", "e4", "e5"]);
    assert_eq!(
        rows[1]
            .via_org
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>(),
        ["oj"]
    );
    assert!(rows[0].own_org && !rows[1].own_org);
    assert!(!rows[2].org_covered && rows[2].work_covered);
    assert_eq!(
        rows[3]
            .via_instructor
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
        ["i1"]
    );
    assert!(!rows[4].work_covered && rows[4].via_instructor.is_empty());
}

/// Renewal as of 2019-07-31:
/// - c1 committee (host d), elected 2014-07-30: + 5 y = 2019-07-30 < as_of -> overdue;
/// - b1 branch, first host village v1, elected 2014-08-01: + 5 y = 2019-08-01 -> due;
/// - b2 branch (host e1), elected 2016-02-29: + 3 y = 2019-02-28 -> overdue;
/// - b3 branch (host e1), elected 2016-07-31: + 3 y = 2019-07-31, not < as_of -> due;
/// - g4 general branch (host e1), elected 2015 and 2018-01-01: 2021-01-01 -> neither;
/// - b5 branch, elected only 2019-09-01 (after as_of): not counted;
/// - tf task force with an election: not a primary kind.
///
/// renewal_overdue = 2/5; renewal_due = 2.
fn renewals() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("v1", UnitKind::Village, Some("d")));
    l.units.push(enterprise("e1", "d"));
    l.orgs
        .push(org("c1", OrgKind::Committee, &["d"], d(2010, 1, 1)));
    l.orgs
        .push(org("b1", OrgKind::Branch, &["v1", "e1"], d(2010, 1, 1)));
    l.orgs
        .push(org("b2", OrgKind::Branch, &["e1"], d(2010, 1, 1)));
    l.orgs
        .push(org("b3", OrgKind::Branch, &["e1"], d(2010, 1, 1)));
    l.orgs
        .push(org("g4", OrgKind::GeneralBranch, &["e1"], d(2010, 1, 1)));
    l.orgs
        .push(org("b5", OrgKind::Branch, &["e1"], d(2019, 1, 1)));
    l.orgs
        .push(org("tf", OrgKind::TaskForce, &["d"], d(2010, 1, 1)));
    l.elections = vec![
        election("c1", d(2014, 7, 30)),
        election("b1", d(2014, 8, 1)),
        election("b2", d(2016, 2, 29)),
        election("b3", d(2016, 7, 31)),
        election("g4", d(2018, 1, 1)),
        election("g4", d(2015, 1, 1)),
        election("b5", d(2019, 9, 1)),
        election("tf", d(2010, 1, 1)),
    ];
    l
}

#[test]
fn renewal_overdue_and_due() {
    let l = renewals();
    assert_valid(&l);
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "orgs.renewal_overdue", "d"),
        (Some(0.4), Some(2.0), Some(5.0))
    );
    assert_eq!(ev.value("orgs.renewal_due"), Some(2.0));
}

#[test]
fn an_election_on_29_february_ends_its_term_on_28_february() {
    // As of 2019-02-28, b2's term end 2019-02-28 is not < as_of: due, not overdue.
    // c1 (2019-07-30), b1 (2019-08-01), b3 (2019-07-31) end within 183 days (2019-08-30):
    // due too; g4 (2021) is neither. overdue 0/5 (b5 not elected yet), due 4.
    let l = renewals();
    let ev = Engine::new(&l).evaluate(&at(d(2019, 2, 28))).unwrap();
    assert_eq!(
        vnd(&ev, "orgs.renewal_overdue", "d"),
        (Some(0.0), Some(0.0), Some(5.0))
    );
    assert_eq!(ev.value("orgs.renewal_due"), Some(4.0));
    // The next day it is overdue.
    let ev = Engine::new(&l).evaluate(&at(d(2019, 3, 1))).unwrap();
    assert_eq!(
        vnd(&ev, "orgs.renewal_overdue", "d"),
        (Some(0.2), Some(1.0), Some(5.0))
    );
}

#[test]
fn viable_branches_count_formal_members_by_as_of() {
    // b1: 3 confirmed by as_of -> viable; b2: 2 confirmed + 1 confirmed after as_of -> not.
    // b3, b5: none. viable 1/4 (g4 is a general branch; c1 a committee).
    let mut l = renewals();
    for (i, o) in ["b1", "b1", "b1", "b2", "b2"].iter().enumerate() {
        l.people.push(member(
            &format!("m{i}"),
            o,
            Some(d(2017, 1, 1)),
            Some(d(2018, 1, 1)),
        ));
    }
    l.people.push(member(
        "late",
        "b2",
        Some(d(2018, 9, 1)),
        Some(d(2019, 9, 1)),
    ));
    assert_valid(&l);
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "orgs.viable", "d"),
        (Some(0.25), Some(1.0), Some(4.0))
    );
}

#[test]
fn no_org_life_with_the_month_end_clamp() {
    // as_of 2019-08-31: M = 2019-02-28 (31 August minus 6 months, clamped), window
    // (02-28, 08-31].
    // b1 with child group g1. b1 members: m1 (joined 2018), m2 (joined 02-28 = M: counts),
    // m3 (joined 03-01 > M: not counted), m4 (2017), m7 (2016); g1 member m5 (2017).
    // Activities: party_lesson b1 on 02-28 listing m7 (at M: outside the window);
    // party_lesson b1 on 03-01 listing m4 (inside); theme_day g1 on 05-01 listing m1, m5;
    // group_meeting g1 on 08-31 listing m2 (as_of counts); work_meeting b1 listing m7 (not
    // organisation life).
    // b1 recorded attendance: eligible m1, m2, m4, m7 = 4, absent m7 = 1.
    // g1 recorded attendance (about itself): eligible m5 = 1, absent 0.
    // b2: only an assembly without people -> no attendance recorded -> left out (m6).
    // members.no_org_life = 1/5.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("v1", UnitKind::Village, Some("d")));
    l.units.push(unit("v2", UnitKind::Village, Some("d")));
    l.orgs
        .push(org("b1", OrgKind::Branch, &["v1"], d(2010, 1, 1)));
    let mut g1 = org("g1", OrgKind::Group, &["v1"], d(2010, 1, 1));
    g1.parent = Some("b1".into());
    l.orgs.push(g1);
    l.orgs
        .push(org("b2", OrgKind::Branch, &["v2"], d(2010, 1, 1)));
    l.people = vec![
        member("m1", "b1", Some(d(2018, 1, 1)), None),
        member("m2", "b1", Some(d(2019, 2, 28)), None),
        member("m3", "b1", Some(d(2019, 3, 1)), None),
        member("m4", "b1", Some(d(2017, 1, 1)), None),
        member("m7", "b1", Some(d(2016, 1, 1)), None),
        member("m5", "g1", Some(d(2017, 1, 1)), None),
        member("m6", "b2", Some(d(2017, 1, 1)), None),
    ];
    l.activities = vec![
        activity("party_lesson", d(2019, 2, 28), "b1", &["m7"]),
        activity("party_lesson", d(2019, 3, 1), "b1", &["m4"]),
        activity("theme_day", d(2019, 5, 1), "g1", &["m1", "m5"]),
        activity("group_meeting", d(2019, 8, 31), "g1", &["m2"]),
        activity("work_meeting", d(2019, 6, 1), "b1", &["m7"]),
        activity("member_assembly", d(2019, 6, 1), "b2", &[]),
    ];
    assert_valid(&l);
    let q = Query {
        by: Some(UnitKind::Village),
        ..at(d(2019, 8, 31))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "members.no_org_life", "d"),
        (Some(0.2), Some(1.0), Some(5.0))
    );
    assert_eq!(
        vnd(&ev, "members.no_org_life", "v2"),
        (None, Some(0.0), Some(0.0))
    );
}

#[test]
fn red_workshops_and_two_new_committees() {
    // w1 red since 2019-01-01; w2 red 2018 .. 2019-06-30 and again from 07-01 (one unit);
    // w3 red from 2019-09-01 (not yet) -> 2. Two-new committees: one active, one
    // established after as_of -> 1.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("B", UnitKind::Block, Some("d")));
    for w in ["w1", "w2", "w3"] {
        l.units.push(unit(w, UnitKind::Workshop, Some("B")));
    }
    l.designations = vec![
        designation("w1", "red_workshop", d(2019, 1, 1), None),
        designation("w2", "red_workshop", d(2018, 1, 1), Some(d(2019, 6, 30))),
        designation("w2", "red_workshop", d(2019, 7, 1), None),
        designation("w3", "red_workshop", d(2019, 9, 1), None),
    ];
    l.orgs
        .push(org("tn1", OrgKind::TwoNewCommittee, &["B"], d(2019, 5, 1)));
    l.orgs
        .push(org("tn2", OrgKind::TwoNewCommittee, &["B"], d(2019, 10, 1)));
    assert_valid(&l);
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(ev.value("workshops.red"), Some(2.0));
    assert_eq!(ev.value("committees.two_new"), Some(1.0));
}

/// Block B with enterprises e1..e4 (above scale), two leadership members 王联 (l1) and
/// 李企 (l2). As of 2019-07-31:
/// - e1: an `enterprise_liaison` role of l1 on e1 itself, from 2019-03-01 -> linked;
/// - e2: a role of l2 on branch o2 (hosted by e2, established 2018) from 2019-01-01 ->
///   linked through the org;
/// - e3: a role of l1 on e3 from 2018-01-01, ended 2019-06-30 (before as_of) -> not linked;
/// - e4: a role of l2 on e4 starting 2019-08-01 (after as_of) -> not linked.
///
/// coverage.liaison = (e1, e2) / (e1, e2, e3, e4) = 2/4.
fn liaisons() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("B", UnitKind::Block, Some("d")));
    for i in 1..=4 {
        l.units.push(enterprise(&format!("e{i}"), "B"));
    }
    l.orgs
        .push(org("o2", OrgKind::Branch, &["e2"], d(2018, 1, 1)));
    l.people.push(Person::new("l1", "王联"));
    l.people.push(Person::new("l2", "李企"));
    for p in ["l1", "l2"] {
        l.roles
            .push(role(p, RoleKind::Leadership, "d", d(2016, 1, 1), None));
    }
    let links = [
        ("l1", "e1", d(2019, 3, 1), None),
        ("l2", "o2", d(2019, 1, 1), None),
        ("l1", "e3", d(2018, 1, 1), Some(d(2019, 6, 30))),
        ("l2", "e4", d(2019, 8, 1), None),
    ];
    for (p, target, start, end) in links {
        l.roles
            .push(role(p, RoleKind::EnterpriseLiaison, target, start, end));
    }
    l
}

#[test]
fn liaison_coverage_counts_links_active_on_as_of_directly_or_through_an_org() {
    let l = liaisons();
    assert_valid(&l);
    let e = Engine::new(&l);
    let ev = e.evaluate(&at(d(2019, 7, 31))).unwrap();
    // 2 linked (e1 directly, e2 through o2) of 4 enterprises.
    assert_eq!(
        vnd(&ev, "coverage.liaison", "d"),
        (Some(0.5), Some(2.0), Some(4.0))
    );
    // The drill-down names each enterprise's liaisons: l1 on e1, l2 on e2, nobody else.
    let rows = e.enterprises(&at(d(2019, 7, 31))).unwrap();
    let liaisons: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .map(|r| {
            let people = r.liaisons.iter().map(|p| p.as_str()).collect();
            (r.id.as_str(), people)
        })
        .collect();
    assert_eq!(
        liaisons,
        [
            ("e1", vec!["l1"]),
            ("e2", vec!["l2"]),
            ("e3", vec![]),
            ("e4", vec![])
        ]
    );
    // On 2019-08-01 e4's link has started and e3's is still over: 3/4.
    let ev = e.evaluate(&at(d(2019, 8, 1))).unwrap();
    assert_eq!(
        vnd(&ev, "coverage.liaison", "d"),
        (Some(0.75), Some(3.0), Some(4.0))
    );
}

#[test]
fn the_dashboard_names_the_liaisons_and_shows_liaison_coverage_under_red_coverage() {
    let l = liaisons();
    let e = Engine::new(&l);
    let html = dangjian::report::page(
        &l,
        &e,
        &at(d(2019, 7, 31)),
        &dangjian::report::PageOptions::default(),
    )
    .unwrap();
    // The headline figure 2/4 = 50.0%, in the red coverage programme.
    let coverage = &html[html.find(r#"id="p-coverage""#).unwrap()..];
    let fig = &coverage[coverage.find(r#"data-metric="coverage.liaison""#).unwrap()..];
    let fig = &fig[..fig.find("</a>").unwrap()];
    assert!(fig.contains("联企覆盖率"), "{fig}");
    assert!(fig.contains("50.0%") && fig.contains("(2/4)"), "{fig}");
    // The enterprise table names both liaisons.
    let table = &html[html.find(r#"id="enterprises-table""#).unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("联企班子成员"), "the column");
    assert!(table.contains("王联") && table.contains("李企"));
}

/// The readings of `coverage.liaison` where METRICS.md leaves room (written into its
/// catalogue definition). Enterprises f1..f5 and f6, as of 2019-07-31, every role active:
/// - f1, f2: one role on the joint branch oj hosted by both -> both linked;
/// - f3: roles on its workshop w3 and on ow3 (hosted by w3 alone) -> not linked;
/// - f4: a role on its branch ob4, dissolved 2019-05-31 -> linked (an org of any kind it
///   hosts, as for `coverage.work`);
/// - f5: a role on its branch ob5, established 2019-09-01 (not yet) -> not linked;
/// - f6: a role held by someone with no `leadership` role -> linked (the role is the link).
///
/// coverage.liaison = (f1, f2, f4, f6) / 6 = 4/6.
#[test]
fn liaison_coverage_readings_joint_workshop_dissolved_future_and_no_leadership() {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    for i in 1..=6 {
        l.units.push(enterprise(&format!("f{i}"), "d"));
    }
    l.units.push(unit("w3", UnitKind::Workshop, Some("f3")));
    l.orgs.push(org(
        "oj",
        OrgKind::JointBranch,
        &["f1", "f2"],
        d(2018, 1, 1),
    ));
    l.orgs
        .push(org("ow3", OrgKind::Branch, &["w3"], d(2018, 1, 1)));
    let mut ob4 = org("ob4", OrgKind::Branch, &["f4"], d(2015, 1, 1));
    ob4.dissolved = Some(d(2019, 5, 31));
    l.orgs.push(ob4);
    l.orgs
        .push(org("ob5", OrgKind::Branch, &["f5"], d(2019, 9, 1)));
    l.people.push(person("p", None));
    for t in ["oj", "w3", "ow3", "ob4", "ob5", "f6"] {
        l.roles.push(role(
            "p",
            RoleKind::EnterpriseLiaison,
            t,
            d(2019, 1, 1),
            None,
        ));
    }
    assert_valid(&l);
    let e = Engine::new(&l);
    let ev = e.evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "coverage.liaison", "d"),
        (Some(4.0 / 6.0), Some(4.0), Some(6.0))
    );
    let rows = e.enterprises(&at(d(2019, 7, 31))).unwrap();
    let linked: Vec<&str> = rows
        .iter()
        .filter(|r| !r.liaisons.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(linked, ["f1", "f2", "f4", "f6"]);
}
