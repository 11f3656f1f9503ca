//! Duties (`duty.<id>`, `duty.<id>.lapse`) and their obligations; expected values worked
//! out by hand in comments.

mod common;
use chrono::NaiveDate;
use common::*;
use dangjian::metrics::{Engine, MetricKind, Query};
use dangjian::model::*;

/// Road r1 in area a1; road chiefs p1 (from 07-01) and p2 (07-06 to 07-09); a 3-day patrol
/// duty; patrols of r1 on 07-04 and 07-09.
fn roads() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("a2", UnitKind::Area, Some("d")));
    l.units.push(unit("r1", UnitKind::Road, Some("a1")));
    l.people.push(person("p1", None));
    l.people.push(person("p2", None));
    l.roles
        .push(role("p1", RoleKind::RoadChief, "r1", d(2019, 7, 1), None));
    l.roles.push(role(
        "p2",
        RoleKind::RoadChief,
        "r1",
        d(2019, 7, 6),
        Some(d(2019, 7, 9)),
    ));
    // a chief starting after as_of: no obligation yet
    l.roles
        .push(role("p2", RoleKind::RoadChief, "r1", d(2019, 8, 1), None));
    l.duties
        .push(duty("patrol", "patrol", "role:road_chief", "3d"));
    l.activities
        .push(activity("patrol", d(2019, 7, 4), "r1", &[]));
    l.activities
        .push(activity("patrol", d(2019, 7, 9), "r1", &[]));
    l.activities
        .push(activity("patrol", d(2019, 7, 12), "r1", &[])); // after as_of
    l
}

#[test]
fn n_day_grace_and_lapses_per_obligation() {
    // as_of 07-10, from 07-01.
    // p1: window from 07-01, assessed 07-01..07-10 (10 days). Grace 07-01, 07-02 (first
    //   n - 1 = 2 days). 07-03: [07-01, 07-03] has no patrol -> lapse. Patrol 07-04 covers
    //   04, 05, 06; 07, 08 lapse; patrol 07-09 covers 09, 10. Complying 2 + 3 + 2 = 7;
    //   longest lapse 2.
    // p2: window 07-06..07-09 (4 days). Grace 06, 07; 08: [06, 08] none -> lapse; 09
    //   complies. Complying 3; longest lapse 1.
    // duty.patrol = (7 + 3) / (10 + 4) = 10/14; lapse = max(2, 1) = 2 days.
    let l = roads();
    assert_valid(&l);
    let q = Query {
        from: Some(d(2019, 7, 1)),
        by: Some(UnitKind::Area),
        ..at(d(2019, 7, 10))
    };
    let e = Engine::new(&l);
    let ev = e.evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.patrol", "d"),
        (Some(10.0 / 14.0), Some(10.0), Some(14.0))
    );
    assert_eq!(row(&ev, "duty.patrol.lapse", "d").value, Some(2.0));
    assert_eq!(row(&ev, "duty.patrol.lapse", "d").kind, MetricKind::Days);
    assert_eq!(
        vnd(&ev, "duty.patrol", "a1"),
        (Some(10.0 / 14.0), Some(10.0), Some(14.0))
    );
    // a2 has no road: nothing assessed -> ratio 0/0 is null, lapse null
    assert_eq!(vnd(&ev, "duty.patrol", "a2"), (None, Some(0.0), Some(0.0)));
    assert_eq!(row(&ev, "duty.patrol.lapse", "a2").value, None);

    let obs = e.obligations(&q).unwrap();
    assert_eq!(
        obs.len(),
        2,
        "the chief starting after as_of makes no obligation yet"
    );
    assert_eq!(obs[0].holder.as_ref().map(|p| p.as_str()), Some("p1"));
    assert_eq!(
        (obs[0].assessed, obs[0].complying, obs[0].longest_lapse),
        (10, 7, Some(2))
    );
    assert_eq!(
        (obs[1].assessed, obs[1].complying, obs[1].longest_lapse),
        (4, 3, Some(1))
    );
    assert_eq!(
        (obs[1].start, obs[1].end),
        (Some(d(2019, 7, 6)), Some(d(2019, 7, 9)))
    );
    assert_eq!(obs[0].last_activity, Some(d(2019, 7, 9)));
    assert_eq!(obs[0].subject.as_str(), "r1");
}

#[test]
fn lapse_is_zero_when_all_complied() {
    // assessed 07-05..07-06 only (from 07-05, as_of 07-06): patrol 07-04 covers both.
    let l = roads();
    let q = Query {
        from: Some(d(2019, 7, 5)),
        ..at(d(2019, 7, 6))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    // p1: 05, 06 comply (2/2); p2 starts 07-06: grace day (1/1). Total 3/3, lapse 0.
    assert_eq!(
        vnd(&ev, "duty.patrol", "d"),
        (Some(1.0), Some(3.0), Some(3.0))
    );
    assert_eq!(ev.value("duty.patrol.lapse"), Some(0.0));
}

#[test]
fn a_partly_covered_month_is_not_assessed() {
    // Red workshop w since 02-15; monthly instructor visit. from 01-01, as_of 05-20.
    // Months wholly inside [02-15, 05-20]: March and April (February and May are partial).
    // Visits 02-20 (February: not assessed), 03-10 -> March complies, April none.
    // duty.visit = 1/2, lapse 1 period.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("e", UnitKind::Enterprise, Some("d")));
    l.units.push(unit("w", UnitKind::Workshop, Some("e")));
    l.designations
        .push(designation("w", "red_workshop", d(2019, 2, 15), None));
    l.designations
        .push(designation("e", "model_road", d(2019, 1, 1), None)); // another designation
    l.duties.push(duty(
        "visit",
        "instructor_visit",
        "designation:red_workshop",
        "1m",
    ));
    l.activities
        .push(activity("instructor_visit", d(2019, 2, 20), "w", &[]));
    l.activities
        .push(activity("instructor_visit", d(2019, 3, 10), "w", &[]));
    l.activities
        .push(activity("instructor_visit", d(2019, 4, 10), "e", &[])); // other subject
    assert_valid(&l);
    let ev = Engine::new(&l).evaluate(&at(d(2019, 5, 20))).unwrap();
    assert_eq!(
        vnd(&ev, "duty.visit", "d"),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    let lapse = row(&ev, "duty.visit.lapse", "d");
    assert_eq!((lapse.value, lapse.kind), (Some(1.0), MetricKind::Periods));
    assert_eq!(
        ev.to_json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["metric"] == "duty.visit.lapse")
            .unwrap()["value"],
        1
    );
}

#[test]
fn iso_weeks_run_monday_to_sunday() {
    // Office o, weekly work meetings, at least 2 a week. from Mon 07-01, as_of Wed 07-24.
    // Whole ISO weeks: 07-01..07-07, 07-08..07-14, 07-15..07-21 (07-22..07-28 is partial).
    // Meetings 07-02, 07-07 (Sunday, week 1): 2 -> complies; 07-08: 1 -> no;
    // 07-15, 07-21 (Sunday): 2 -> complies; 07-22 in the partial week is not assessed.
    // duty.weekly = 2/3, lapse 1.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("o", UnitKind::Office, Some("d")));
    let mut du = duty("weekly", "work_meeting", "unit:office", "1w");
    du.min_count = Some(2);
    l.duties.push(du);
    for day in [2, 7, 8, 15, 21, 22, 23] {
        l.activities
            .push(activity("work_meeting", d(2019, 7, day), "o", &[]));
    }
    assert_valid(&l);
    let q = Query {
        from: Some(d(2019, 7, 1)),
        ..at(d(2019, 7, 24))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.weekly", "d"),
        (Some(2.0 / 3.0), Some(2.0), Some(3.0))
    );
    assert_eq!(ev.value("duty.weekly.lapse"), Some(1.0));
}

#[test]
fn a_branch_dissolved_mid_window() {
    // Monthly member assembly of branches, from 01-01, as_of 07-31.
    // b1 (2019-01-01 .. dissolved 04-15): whole months Jan, Feb, Mar (April is cut).
    //   Assemblies 01-10, 03-05, 04-10 -> Jan yes, Feb no, Mar yes: 2/3, lapse 1.
    // b2 (since 2018): Jan..Jul all assessed (07-31 ends July); assemblies every month but
    //   June -> 6/7, lapse 1.
    // duty.assembly = 8/10, lapse 1. At village v1 (b1's host) 2/3.
    // b1 is not active on as_of, so orgs.viable counts only b2 (0 formal members: 0/1).
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("v1", UnitKind::Village, Some("d")));
    l.units.push(unit("v2", UnitKind::Village, Some("d")));
    let mut b1 = org("b1", OrgKind::Branch, &["v1"], d(2019, 1, 1));
    b1.dissolved = Some(d(2019, 4, 15));
    l.orgs.push(b1);
    l.orgs
        .push(org("b2", OrgKind::Branch, &["v2"], d(2018, 6, 1)));
    l.duties
        .push(duty("assembly", "member_assembly", "org:branch", "1m"));
    for (m, day) in [(1, 10), (3, 5), (4, 10)] {
        l.activities
            .push(activity("member_assembly", d(2019, m, day), "b1", &[]));
    }
    for m in [1, 2, 3, 4, 5, 7] {
        l.activities
            .push(activity("member_assembly", d(2019, m, 20), "b2", &[]));
    }
    assert_valid(&l);
    let q = Query {
        by: Some(UnitKind::Village),
        ..at(d(2019, 7, 31))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.assembly", "d"),
        (Some(0.8), Some(8.0), Some(10.0))
    );
    assert_eq!(ev.value("duty.assembly.lapse"), Some(1.0));
    assert_eq!(
        vnd(&ev, "duty.assembly", "v1"),
        (Some(2.0 / 3.0), Some(2.0), Some(3.0))
    );
    assert_eq!(
        vnd(&ev, "orgs.viable", "d"),
        (Some(0.0), Some(0.0), Some(1.0))
    );
}

#[test]
fn duty_from_and_to_cut_the_window() {
    // unit:village duty "visit" 2d owed from 07-05 to 07-08; village v has no since.
    // Window 07-05..07-08; grace 07-05 (n - 1 = 1 day). Visits: 07-06.
    // 05 grace, 06 yes, 07 yes ([06, 07]), 08 no ([07, 08]). 3/4, lapse 1.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("v", UnitKind::Village, Some("d")));
    let mut du = duty("visit", "home_visit", "unit:village", "2d");
    du.from = Some(d(2019, 7, 5));
    du.to = Some(d(2019, 7, 8));
    l.duties.push(du);
    l.activities
        .push(activity("home_visit", d(2019, 7, 6), "v", &[]));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(
        vnd(&ev, "duty.visit", "d"),
        (Some(0.75), Some(3.0), Some(4.0))
    );
    assert_eq!(ev.value("duty.visit.lapse"), Some(1.0));
    // A unit without `since` and a duty without `from` have no grace: from 07-01, as_of
    // 07-03, no visits -> 0/3, lapse 3.
    let mut l2 = l.clone();
    l2.duties[0].from = None;
    l2.duties[0].to = None;
    l2.activities.clear();
    let q = Query {
        from: Some(d(2019, 7, 1)),
        ..at(d(2019, 7, 3))
    };
    let ev = Engine::new(&l2).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.visit", "d"),
        (Some(0.0), Some(0.0), Some(3.0))
    );
    assert_eq!(ev.value("duty.visit.lapse"), Some(3.0));
}

#[test]
fn role_duties_on_orgs_and_initiatives_follow_their_subject() {
    // instructor role on org b (hosted by v1 under a1) and on a key task with no unit
    // (root only). Yearly duty "guide" (instructor_visit, role:instructor, 1y), from
    // 2018-01-01, as_of 2019-12-31: years 2018 and 2019 of each obligation assessed.
    // b's visits: 2018 -> 1/2 at a1; the task has visits in both years -> 2/2 at the root.
    // Root: 3/4; a1: 1/2; lapse at a1 = 1 period.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a1", UnitKind::Area, Some("d")));
    l.units.push(unit("v1", UnitKind::Village, Some("a1")));
    l.orgs
        .push(org("b", OrgKind::Branch, &["v1"], d(2017, 1, 1)));
    l.initiatives.push(task("t", None, None, d(2020, 12, 31)));
    l.people.push(person("p", None));
    l.roles
        .push(role("p", RoleKind::Instructor, "b", d(2018, 1, 1), None));
    l.roles
        .push(role("p", RoleKind::Instructor, "t", d(2018, 1, 1), None));
    l.duties
        .push(duty("guide", "instructor_visit", "role:instructor", "1y"));
    l.activities
        .push(activity("instructor_visit", d(2018, 5, 1), "b", &[]));
    l.activities
        .push(activity("instructor_visit", d(2018, 5, 1), "t", &[]));
    l.activities
        .push(activity("instructor_visit", d(2019, 5, 1), "t", &[]));
    assert_valid(&l);
    let q = Query {
        from: Some(d(2018, 1, 1)),
        by: Some(UnitKind::Area),
        ..at(d(2019, 12, 31))
    };
    let ev = Engine::new(&l).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.guide", "d"),
        (Some(0.75), Some(3.0), Some(4.0))
    );
    assert_eq!(
        vnd(&ev, "duty.guide", "a1"),
        (Some(0.5), Some(1.0), Some(2.0))
    );
    assert_eq!(row(&ev, "duty.guide.lapse", "a1").value, Some(1.0));
}

/// Village v with branches b1 and b2 (from 2018), a quarterly member assembly duty; the
/// assemblies of 2019 with their attendance (docs/STATS.md):
/// - b1: Q1 03-10 expected 20, attended 11; Q2 05-10 expected 20, attended 10; Q3 08-10
///   expected 5, no `attended` but 3 people listed; Q4 11-10 attended 15, no `expected`.
/// - b2: Q1 02-01 expected 10, attended 6; none in Q2 or Q3; Q4 10-10 expected 10,
///   attended 6.
fn assemblies(quorum: Option<f64>) -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("v", UnitKind::Village, Some("d")));
    for b in ["b1", "b2"] {
        l.orgs.push(org(b, OrgKind::Branch, &["v"], d(2018, 1, 1)));
    }
    for p in ["p1", "p2", "p3"] {
        l.people.push(person(p, None));
    }
    let mut ma = duty("ma", "member_assembly", "org:branch", "1q");
    ma.quorum = quorum;
    l.duties.push(ma);
    let mut held = |b: &str,
                    date: NaiveDate,
                    expected: Option<u32>,
                    attended: Option<u32>,
                    people: &[&str]| {
        let mut a = activity("member_assembly", date, b, people);
        a.expected = expected;
        a.attended = attended;
        l.activities.push(a);
    };
    held("b1", d(2019, 3, 10), Some(20), Some(11), &[]);
    held("b1", d(2019, 5, 10), Some(20), Some(10), &[]);
    held("b1", d(2019, 8, 10), Some(5), None, &["p1", "p2", "p3"]);
    held("b1", d(2019, 11, 10), None, Some(15), &[]);
    held("b2", d(2019, 2, 1), Some(10), Some(6), &[]);
    held("b2", d(2019, 10, 10), Some(10), Some(6), &[]);
    l
}

fn exempt(l: &mut Ledger, subject: &str, from: NaiveDate, to: Option<NaiveDate>) {
    let mut x = Exemption::new("ma", subject, from);
    x.to = to;
    l.exemptions.push(x);
}

#[test]
fn quorum_and_exemption_change_the_member_assembly_exactly_as_stats_md_says() {
    let q = at(d(2019, 12, 31)); // from 2019-01-01: four quarters per branch
    let eval = |l: &Ledger| {
        let ev = Engine::new(l).evaluate(&q).unwrap();
        (
            vnd(&ev, "duty.ma", "d"),
            row(&ev, "duty.ma.lapse", "d").value,
        )
    };
    // Neither: b1 complies every quarter (4/4); b2 in Q1 and Q4 (2/4, Q2 and Q3 a run of
    // 2). 6/8, longest lapse 2 quarters.
    let plain = assemblies(None);
    assert_valid(&plain);
    assert_eq!(
        eval(&plain),
        ((Some(6.0 / 8.0), Some(6.0), Some(8.0)), Some(2.0))
    );

    // Quorum 0.5: b1's Q1 (11 > 10) and Q3 (3 people listed > 2.5) qualify; Q2 (10 is not
    // more than half of 20) and Q4 (no expected count) do not: 2/4, runs of 1. b2's
    // assemblies have 6 > 5: unchanged 2/4, lapse 2. 4/8, lapse 2.
    let quorum = assemblies(Some(0.5));
    assert_eq!(
        eval(&quorum),
        ((Some(4.0 / 8.0), Some(4.0), Some(8.0)), Some(2.0))
    );

    // Quorum and b2 exempt for Q2: Q2 is not assessed and ends the run, so Q3 alone is a
    // lapse of 1: b2 2/3. 4/7, lapse max(1, 1) = 1.
    let mut both = assemblies(Some(0.5));
    exempt(&mut both, "b2", d(2019, 4, 1), Some(d(2019, 6, 30)));
    assert_eq!(
        eval(&both),
        ((Some(4.0 / 7.0), Some(4.0), Some(7.0)), Some(1.0))
    );

    // Exemption alone: b1 4/4, b2 2/3: 6/7, lapse 1.
    let mut ex = assemblies(None);
    exempt(&mut ex, "b2", d(2019, 4, 1), Some(d(2019, 6, 30)));
    assert_eq!(
        eval(&ex),
        ((Some(6.0 / 7.0), Some(6.0), Some(7.0)), Some(1.0))
    );

    // An exemption of two days across the Q2/Q3 boundary overlaps both quarters by at
    // least a day: neither is assessed, b2 2/2. With the quorum 4/6, lapse 1 (b1's runs).
    let mut edge = assemblies(Some(0.5));
    exempt(&mut edge, "b2", d(2019, 6, 30), Some(d(2019, 7, 1)));
    assert_eq!(
        eval(&edge),
        ((Some(4.0 / 6.0), Some(4.0), Some(6.0)), Some(1.0))
    );

    // An exemption of another duty, or of another subject, changes nothing.
    let mut other = assemblies(Some(0.5));
    other
        .duties
        .push(duty("pl", "party_lesson", "org:branch", "1q"));
    let mut x = Exemption::new("pl", "b2", d(2019, 1, 1));
    x.to = None;
    other.exemptions.push(x);
    exempt(&mut other, "v", d(2019, 1, 1), None);
    assert_valid(&other);
    let ev = Engine::new(&other).evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.ma", "d"),
        (Some(4.0 / 8.0), Some(4.0), Some(8.0))
    );

    // The drill-down says what was exempt and what missed the quorum.
    let obs = Engine::new(&both).obligations(&q).unwrap();
    let b1 = obs.iter().find(|o| o.subject.as_str() == "b1").unwrap();
    let b2 = obs.iter().find(|o| o.subject.as_str() == "b2").unwrap();
    assert_eq!(
        (b1.assessed, b1.complying, b1.exempt, b1.below_quorum),
        (4, 2, 0, 2)
    );
    assert_eq!(
        (b2.assessed, b2.complying, b2.exempt, b2.below_quorum),
        (3, 2, 1, 0)
    );
    assert_eq!(b1.longest_lapse, Some(1));
    // The latest qualifying assembly of b1 is Q3's: Q4's missed the quorum.
    assert_eq!(b1.last_activity, Some(d(2019, 8, 10)));
}

#[test]
fn an_exempt_road_is_not_assessed_on_its_exempt_days() {
    // roads() with r1 exempt from patrols on 07-07 and 07-08, as of 07-10 from 07-01.
    // p1: assessed 07-01..07-10 less the 2 exempt days = 8. Grace 01, 02; 03 lapses; the
    //   patrol of 07-04 covers 04, 05, 06; 07, 08 exempt; 07-09 covers 09, 10: 7 of 8,
    //   longest lapse 1 (the exempt days end nothing longer).
    // p2: window 07-06..07-09: 06 grace; 07, 08 exempt; 09 complies: 2 of 2, lapse 0.
    // duty.patrol = (7 + 2) / (8 + 2) = 9/10; lapse 1.
    let mut l = roads();
    let mut x = Exemption::new("patrol", "r1", d(2019, 7, 7));
    x.to = Some(d(2019, 7, 8));
    l.exemptions.push(x);
    assert_valid(&l);
    let q = Query {
        from: Some(d(2019, 7, 1)),
        ..at(d(2019, 7, 10))
    };
    let e = Engine::new(&l);
    let ev = e.evaluate(&q).unwrap();
    assert_eq!(
        vnd(&ev, "duty.patrol", "d"),
        (Some(0.9), Some(9.0), Some(10.0))
    );
    assert_eq!(row(&ev, "duty.patrol.lapse", "d").value, Some(1.0));
    let obs = e.obligations(&q).unwrap();
    let exempt: Vec<u64> = obs.iter().map(|o| o.exempt).collect();
    assert_eq!(exempt, [2, 2]);
}

#[test]
fn a_liaison_linked_through_an_org_is_met_by_visits_about_that_org() {
    // Enterprises e1 (hosting branch o1) and e2. L1 is linked to o1, L2 to e2, both from
    // 2019-01-01; a monthly liaison_visit duty; each liaison visits *the enterprise* once a
    // month, January to July, and L1 also visits o1 in March. As of 2019-07-31, 7 months
    // assessed per link. The visit's subject must be the link's target (docs/METRICS.md,
    // "Readings"): L2 complies 7/7, L1 only in March, 1/7. Total 8/14; L1's longest lapse
    // is April to July, 4 months.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    for e in ["e1", "e2"] {
        let mut u = unit(e, UnitKind::Enterprise, Some("d"));
        u.above_scale = true;
        l.units.push(u);
    }
    l.orgs
        .push(org("o1", OrgKind::Branch, &["e1"], d(2018, 1, 1)));
    l.people.push(person("L1", None));
    l.people.push(person("L2", None));
    l.roles.push(role(
        "L1",
        RoleKind::EnterpriseLiaison,
        "o1",
        d(2019, 1, 1),
        None,
    ));
    l.roles.push(role(
        "L2",
        RoleKind::EnterpriseLiaison,
        "e2",
        d(2019, 1, 1),
        None,
    ));
    l.duties
        .push(duty("lv", "liaison_visit", "role:enterprise_liaison", "1m"));
    for m in 1..=7 {
        for e in ["e1", "e2"] {
            l.activities
                .push(activity("liaison_visit", d(2019, m, 10), e, &[]));
        }
    }
    l.activities
        .push(activity("liaison_visit", d(2019, 3, 20), "o1", &[]));
    assert_valid(&l);
    let ev = Engine::new(&l)
        .evaluate(&Query {
            from: Some(d(2019, 1, 1)),
            ..at(d(2019, 7, 31))
        })
        .unwrap();
    assert_eq!(
        vnd(&ev, "duty.lv", "d"),
        (Some(8.0 / 14.0), Some(8.0), Some(14.0))
    );
    assert_eq!(row(&ev, "duty.lv.lapse", "d").value, Some(4.0));
    assert_eq!(row(&ev, "coverage.liaison", "d").value, Some(1.0));
}
