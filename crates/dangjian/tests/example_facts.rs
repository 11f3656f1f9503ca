//! Each row of docs/DOMAIN.md's facts table, asserted against the embedded example, and the
//! example's round trip through the forms.

use chrono::NaiveDate;
use dangjian::model::*;
use dangjian::Ledger;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const NOW: (i32, u32, u32) = (2019, 7, 31);

fn now() -> NaiveDate {
    d(NOW.0, NOW.1, NOW.2)
}

fn unit<'a>(l: &'a Ledger, id: &str) -> &'a Unit {
    l.units
        .iter()
        .find(|u| u.id.as_str() == id)
        .unwrap_or_else(|| panic!("unit {id}"))
}

fn person_id(l: &Ledger, name: &str) -> PersonId {
    let found: Vec<_> = l.people.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "exactly one person named {name}");
    found[0].id.clone()
}

fn roles_of<'a>(l: &'a Ledger, p: &PersonId) -> Vec<&'a Role> {
    l.roles.iter().filter(|r| &r.person == p).collect()
}

fn report_rows<T>(rows: &[T], extra: impl Fn(&T) -> &Extra) -> usize {
    rows.iter()
        .filter(|r| extra(r).get("x_source").map(String::as_str) == Some("report"))
        .count()
}

#[test]
fn example_validates_without_errors_or_warnings() {
    let l = dangjian::example();
    let p = l.validate_as_of(Some(now()));
    assert!(p.0.is_empty(), "{:#?}", p.0);
    assert_eq!(l.latest_date(), Some(now()));
}

#[test]
fn member_assembly_has_a_quorum_attendance_and_one_exempt_quarter() {
    // docs/STATS.md: the example's member assembly needs more than half of the members.
    let l = dangjian::example();
    let ma = l
        .duties
        .iter()
        .find(|d| d.id.as_str() == "member_assembly")
        .unwrap();
    assert_eq!(ma.quorum, Some(0.5));
    let assemblies: Vec<&Activity> = l
        .activities
        .iter()
        .filter(|a| a.kind.as_str() == "member_assembly")
        .collect();
    assert!(assemblies
        .iter()
        .all(|a| a.expected.is_some() && a.attendance().is_some()));
    let missed = assemblies
        .iter()
        .filter(|a| !a.meets_quorum(ma.quorum))
        .count();
    assert!(missed > 0, "some assemblies fall short of the quorum");
    // One branch, exempt for one quarter.
    assert_eq!(l.exemptions.len(), 1);
    let x = &l.exemptions[0];
    assert_eq!(x.duty.as_str(), "member_assembly");
    assert!(l
        .orgs
        .iter()
        .any(|o| o.id.as_str() == x.subject.as_str() && o.kind == OrgKind::Branch));
    assert_eq!((x.from, x.to), (d(2019, 4, 1), Some(d(2019, 6, 30))));
    // The compliance, as data/check_chengxi.py recomputes it independently: 164 of 197
    // branch-quarters (172 of 198 without quorum and exemption).
    let e = dangjian::metrics::Engine::new(&l);
    let ev = e
        .evaluate(&dangjian::metrics::Query {
            as_of: Some(now()),
            ..Default::default()
        })
        .unwrap();
    let r = ev
        .rows
        .iter()
        .find(|r| r.metric == "duty.member_assembly")
        .unwrap();
    assert_eq!((r.numerator, r.denominator), (Some(164.0), Some(197.0)));
}

#[test]
fn every_record_says_whether_the_report_states_it() {
    let l = dangjian::example();
    let sources = |e: &Extra| e.get("x_source").cloned();
    let all: Vec<Option<String>> = l
        .units
        .iter()
        .map(|r| sources(&r.extra))
        .chain(l.orgs.iter().map(|r| sources(&r.extra)))
        .chain(l.people.iter().map(|r| sources(&r.extra)))
        .chain(l.roles.iter().map(|r| sources(&r.extra)))
        .chain(l.initiatives.iter().map(|r| sources(&r.extra)))
        .chain(l.activities.iter().map(|r| sources(&r.extra)))
        .chain(l.observations.iter().map(|r| sources(&r.extra)))
        .collect();
    assert!(all
        .iter()
        .all(|s| matches!(s.as_deref(), Some("report") | Some("filler"))));
    assert!(report_rows(&l.initiatives, |r| &r.extra) > 0);
    assert!(report_rows(&l.units, |r| &r.extra) > 0);
}

#[test]
fn thirty_three_key_tasks_twenty_five_started_done_by_year_end() {
    let l = dangjian::example();
    let tasks: Vec<&Initiative> = l
        .initiatives
        .iter()
        .filter(|i| i.kind == InitiativeKind::KeyTask)
        .collect();
    assert_eq!(tasks.len(), 33);
    assert!(tasks.iter().all(|t| t.programme == Programme::Growth));
    assert!(tasks.iter().all(|t| t.deadline <= d(2019, 12, 31)));
    // Started (docs/METRICS.md): start <= as_of, or an update dated <= as_of with percent > 0.
    let started = tasks
        .iter()
        .filter(|t| {
            t.start.is_some_and(|s| s <= now())
                || l.progress
                    .iter()
                    .any(|p| p.initiative == t.id && p.date <= now() && p.percent > 0.0)
        })
        .count();
    assert_eq!(started, 25);
}

#[test]
fn muchangjiang_housing_restarted_on_the_25th_by_zhu_mins_tackling_group() {
    let l = dangjian::example();
    let zhumin = person_id(&l, "朱敏");
    let task = l
        .initiatives
        .iter()
        .find(|i| {
            i.kind == InitiativeKind::KeyTask
                && i.unit.as_ref().map(|u| u.as_str()) == Some("muchangjiang")
                && i.start == Some(d(2019, 7, 25))
        })
        .expect("a key task in 木长降村 restarted 2019-07-25");
    let owner = task.owner.as_ref().expect("owned");
    let org = l.orgs.iter().find(|o| &o.id == owner).unwrap();
    assert_eq!(org.kind, OrgKind::TaskForce);
    assert!(l.roles.iter().any(|r| r.person == zhumin
        && r.role == RoleKind::Leader
        && r.target.as_str() == owner.as_str()
        && r.active_on(now())));
    // 纪工委书记: a leadership role.
    assert!(roles_of(&l, &zhumin)
        .iter()
        .any(|r| r.role == RoleKind::Leadership));
    assert_eq!(unit(&l, "muchangjiang").name, "木长降村");
}

#[test]
fn road_330_grave_relocation_is_a_key_task_in_muchangjiang() {
    let l = dangjian::example();
    let t = l
        .initiatives
        .iter()
        .find(|i| i.title.contains("330") && i.kind == InitiativeKind::KeyTask)
        .expect("330 task");
    assert_eq!(t.unit.as_ref().map(|u| u.as_str()), Some("muchangjiang"));
}

#[test]
fn jinshantou_collective_economy_onsite_meeting_and_first_secretary() {
    let l = dangjian::example();
    let ye = person_id(&l, "叶建永");
    let tang = person_id(&l, "唐伟");
    let jst = l
        .units
        .iter()
        .find(|u| u.name == "金山头村")
        .expect("金山头村");
    let task = l
        .initiatives
        .iter()
        .find(|i| i.kind == InitiativeKind::KeyTask && i.unit.as_ref() == Some(&jst.id))
        .expect("a key task in 金山头村");
    let meeting = l
        .activities
        .iter()
        .find(|a| {
            a.kind.as_str() == "onsite_meeting"
                && (a.subject.as_str() == task.id.as_str() || a.subject.as_str() == jst.id.as_str())
        })
        .expect("an on-site meeting");
    assert!(
        meeting.date >= d(2019, 6, 1) && meeting.date <= d(2019, 6, 10),
        "early June"
    );
    assert!(meeting.people.contains(&ye));
    assert!(l.roles.iter().any(|r| r.person == tang
        && r.role == RoleKind::FirstSecretary
        && r.target.as_str() == jst.id.as_str()
        && r.active_on(now())));
}

#[test]
fn hu_dongsheng_is_a_young_liaison_cadre_of_muchangjiang_since_this_year() {
    let l = dangjian::example();
    let hu = person_id(&l, "胡东升");
    let p = l.people.iter().find(|p| p.id == hu).unwrap();
    assert!(p.age_on(now()).is_some_and(|a| a <= 35));
    assert!(l.roles.iter().any(|r| r.person == hu
        && r.role == RoleKind::LiaisonCadre
        && r.target.as_str() == "muchangjiang"
        && r.start >= d(2019, 1, 1)
        && r.active_on(now())));
}

#[test]
fn ye_jianyong_and_zhu_min_are_leadership() {
    let l = dangjian::example();
    for name in ["叶建永", "朱敏"] {
        let p = person_id(&l, name);
        assert!(
            roles_of(&l, &p)
                .iter()
                .any(|r| r.role == RoleKind::Leadership && r.target.as_str() == "chengxi"),
            "{name}"
        );
    }
}

#[test]
fn ninety_eight_above_scale_enterprises_and_a_full_coverage_target() {
    let l = dangjian::example();
    let n = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Enterprise && u.above_scale && u.active_on(now()))
        .count();
    assert_eq!(n, 98);
    let t = l
        .targets
        .iter()
        .find(|t| t.metric == "coverage.org")
        .expect("coverage target");
    assert_eq!((t.value, t.due), (1.0, d(2019, 12, 31)));
    assert!(t.scope.as_ref().is_none_or(|s| s.as_str() == "chengxi"));
    // Spread over the two blocks and the villages.
    let parents: std::collections::HashSet<&str> = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Enterprise && u.above_scale)
        .filter_map(|u| u.parent.as_ref().map(|p| p.as_str()))
        .collect();
    assert!(parents.len() >= 4);
}

#[test]
fn no_enterprise_is_linked_yet_and_every_one_is_due_by_year_end() {
    // DOMAIN.md, enterprise liaison: the next step, not yet done. No link among the 98
    // enterprises gives coverage.liaison 0/98 = 0; the target is 1 by 2019-12-31, so the
    // achievement is (0 - 0) / (1 - 0) = 0.
    let l = dangjian::example();
    assert!(l
        .roles
        .iter()
        .all(|r| r.role != RoleKind::EnterpriseLiaison));
    let engine = dangjian::metrics::Engine::new(&l);
    let q = dangjian::metrics::Query {
        as_of: Some(now()),
        ..Default::default()
    };
    let ev = engine.evaluate(&q).unwrap();
    let r = ev.row("coverage.liaison", "chengxi").expect("the row");
    assert_eq!(
        (r.value, r.numerator, r.denominator),
        (Some(0.0), Some(0.0), Some(98.0))
    );
    assert_eq!((r.target, r.due), (Some(1.0), Some(d(2019, 12, 31))));
    let a = ev
        .row("target.coverage.liaison", "chengxi")
        .expect("achievement");
    assert_eq!((a.value, a.denominator), (Some(0.0), Some(1.0)));
    // The drill-down lists all 98 enterprises, none with a liaison.
    let rows = engine.enterprises(&q).unwrap();
    assert_eq!(rows.len(), 98);
    assert!(rows.iter().all(|e| e.liaisons.is_empty()));
}

#[test]
fn duodeshi_set_up_its_branch_on_the_9th() {
    let l = dangjian::example();
    let ent = l
        .units
        .iter()
        .find(|u| u.name == "永康多德士工贸有限公司")
        .expect("多德士");
    assert!(ent.above_scale);
    let org = l
        .orgs
        .iter()
        .find(|o| o.hosts == vec![ent.id.clone()] && o.kind == OrgKind::Branch)
        .expect("its branch");
    assert_eq!(org.established, d(2019, 7, 9));
    let ma = person_id(&l, "麻文卫");
    assert!(l.roles.iter().any(|r| r.person == ma
        && r.role == RoleKind::Secretary
        && r.target.as_str() == org.id.as_str()));
}

#[test]
fn xinduo_committee_red_workshop_with_ten_odd_members() {
    let l = dangjian::example();
    let xinduo = l
        .units
        .iter()
        .find(|u| u.name.contains("新多集团"))
        .expect("新多集团");
    let committee = l
        .orgs
        .iter()
        .find(|o| o.kind == OrgKind::Committee && o.hosts.contains(&xinduo.id))
        .expect("committee");
    let hu = person_id(&l, "胡和平");
    assert!(l.roles.iter().any(|r| r.person == hu
        && r.role == RoleKind::Secretary
        && r.target.as_str() == committee.id.as_str()));
    let workshop = l
        .units
        .iter()
        .find(|u| u.kind == UnitKind::Workshop && u.parent.as_ref() == Some(&xinduo.id))
        .expect("a workshop of 新多");
    assert!(l.designations.iter().any(|x| x.unit == workshop.id
        && x.designation.as_str() == "red_workshop"
        && x.active_on(now())));
    let members: usize = l
        .orgs
        .iter()
        .filter(|o| o.hosts.contains(&workshop.id))
        .map(|o| {
            l.people
                .iter()
                .filter(|p| p.org.as_ref() == Some(&o.id))
                .count()
        })
        .sum();
    assert!(
        (10..=19).contains(&members),
        "ten-odd members, got {members}"
    );
}

#[test]
fn seven_red_workshops_and_a_monthly_instructor_visit_duty() {
    let l = dangjian::example();
    let mut units: Vec<&str> = l
        .designations
        .iter()
        .filter(|x| x.designation.as_str() == "red_workshop" && x.active_on(now()))
        .map(|x| x.unit.as_str())
        .collect();
    units.sort();
    units.dedup();
    assert_eq!(units.len(), 7);
    assert!(l
        .duties
        .iter()
        .any(|u| u.activity.as_str() == "instructor_visit"
            && u.applies_to == AppliesTo::Designation(Designation::new("red_workshop"))
            && u.cadence == Cadence::Month));
}

#[test]
fn two_blocks_and_a_target_of_two_two_new_committees() {
    let l = dangjian::example();
    let mut blocks: Vec<&str> = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Block)
        .map(|u| u.name.as_str())
        .collect();
    blocks.sort();
    assert_eq!(blocks, vec!["梅堂区块", "花川区块"]);
    let t = l
        .targets
        .iter()
        .find(|t| t.metric == "committees.two_new")
        .expect("target");
    assert_eq!(t.value, 2.0);
}

#[test]
fn xizhou_road_400m_17_enterprises_chief_chen_tianyun_patrols_every_three_days() {
    let l = dangjian::example();
    let road = l.units.iter().find(|u| u.name == "西周路").expect("西周路");
    assert_eq!(road.kind, UnitKind::Road);
    assert_eq!(road.length_m, Some(400.0));
    let on_road = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Enterprise && u.parent.as_ref() == Some(&road.id))
        .count();
    assert_eq!(on_road, 17);
    let chen = person_id(&l, "陈天云");
    let p = l.people.iter().find(|p| p.id == chen).unwrap();
    assert_eq!(p.age_on(now()), Some(66));
    assert!(roles_of(&l, &chen)
        .iter()
        .any(|r| r.role == RoleKind::PartyDelegate));
    let chief = l
        .roles
        .iter()
        .find(|r| r.person == chen && r.role == RoleKind::RoadChief)
        .expect("road chief");
    assert_eq!(
        (chief.target.as_str(), chief.start),
        (road.id.as_str(), d(2019, 4, 1))
    );
    assert!(l.duties.iter().any(|u| u.activity.as_str() == "patrol"
        && u.applies_to == AppliesTo::Role(RoleKind::RoadChief)
        && u.cadence == Cadence::Days(3)));
    // At least once in every 3-day window from 2019-04-01 to 2019-07-31.
    let mut dates: Vec<NaiveDate> = l
        .activities
        .iter()
        .filter(|a| {
            a.kind.as_str() == "patrol"
                && a.subject.as_str() == road.id.as_str()
                && a.date >= chief.start
        })
        .map(|a| a.date)
        .collect();
    dates.sort();
    assert_eq!(dates.first(), Some(&d(2019, 4, 1)));
    assert!(dates.windows(2).all(|w| (w[1] - w[0]).num_days() <= 3));
    assert!((now() - *dates.last().unwrap()).num_days() < 3);
    // Dozens of road chiefs.
    let chiefs: std::collections::HashSet<&PersonId> = l
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::RoadChief && r.active_on(now()))
        .map(|r| &r.person)
        .collect();
    assert!(chiefs.len() >= 20);
}

#[test]
fn huachuan_area_ten_villages_beautiful_circle_and_regional_committee() {
    let l = dangjian::example();
    let area = l
        .units
        .iter()
        .find(|u| u.kind == UnitKind::Area && u.name.contains("花川"))
        .expect("花川片");
    let mut villages: Vec<&str> = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Village && u.parent.as_ref() == Some(&area.id))
        .map(|u| u.name.trim_end_matches('村'))
        .collect();
    villages.sort();
    let mut expected = vec![
        "花川",
        "上谢",
        "油草塘",
        "塘景",
        "寺口方",
        "叶儿坑",
        "应益",
        "木长降",
        "西田畈",
        "溪湾周",
    ];
    expected.sort();
    assert_eq!(villages, expected);
    let ids: Vec<&UnitId> = l
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Village && u.parent.as_ref() == Some(&area.id))
        .map(|u| &u.id)
        .collect();
    for id in &ids {
        assert!(
            l.designations
                .iter()
                .any(|x| &&x.unit == id && x.designation.as_str() == "beautiful_circle"),
            "{id}"
        );
    }
    let rc = l
        .orgs
        .iter()
        .find(|o| o.kind == OrgKind::RegionalCommittee)
        .expect("regional committee");
    assert_eq!(rc.established, d(2018, 6, 30));
    let mut hosts: Vec<&UnitId> = rc.hosts.iter().collect();
    hosts.sort();
    let mut ids = ids.clone();
    ids.sort();
    assert_eq!(hosts, ids);
}

#[test]
fn shangxie_lotus_observations_and_derived_revenue() {
    let l = dangjian::example();
    let sx = l.units.iter().find(|u| u.name == "上谢村").unwrap();
    let latest = |ind: &str| {
        l.observations
            .iter()
            .filter(|o| o.indicator.as_str() == ind && o.unit == sx.id && o.date <= now())
            .max_by_key(|o| o.date)
            .map(|o| o.value)
    };
    let area = latest("lotus_area").expect("lotus area");
    let per_mu = latest("lotus_revenue_per_mu").expect("revenue per mu");
    assert!(area > 100.0 && area < 110.0);
    assert!((6000.0..=7000.0).contains(&per_mu));
    let rev = l
        .indicators
        .iter()
        .find(|i| i.id.as_str() == "lotus_revenue")
        .expect("derived indicator");
    let f = dangjian::formula::Expr::parse(rev.formula.as_deref().unwrap()).unwrap();
    let v = f.eval(&|id| latest(id)).unwrap();
    // 105 mu x 6500 yuan = 682,500: "close to 700,000".
    assert!((600_000.0..700_000.0).contains(&v), "{v}");
    let xie = person_id(&l, "谢庭树");
    assert!(roles_of(&l, &xie)
        .iter()
        .any(|r| r.role == RoleKind::Secretary));
}

#[test]
fn field_complex_of_three_villages() {
    let l = dangjian::example();
    let mut names: Vec<&str> = l
        .designations
        .iter()
        .filter(|x| x.designation.as_str() == "field_complex")
        .map(|x| unit(&l, x.unit.as_str()).name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, vec!["上谢村", "油草塘村", "西田畈村"]);
}

#[test]
fn youcaotang_renovation_project_at_95_percent() {
    let l = dangjian::example();
    let yct = l.units.iter().find(|u| u.name == "油草塘村").unwrap();
    let p = l
        .initiatives
        .iter()
        .find(|i| {
            i.kind == InitiativeKind::Project
                && i.unit.as_ref() == Some(&yct.id)
                && i.title.contains("农房")
        })
        .expect("house renovation project");
    let latest = l
        .progress
        .iter()
        .filter(|u| u.initiative == p.id && u.date <= now())
        .max_by_key(|u| u.date)
        .unwrap();
    assert_eq!(latest.percent, 95.0);
    person_id(&l, "谢军");
}

#[test]
fn huachuan_population_migrants_and_ecommerce_town() {
    let l = dangjian::example();
    let hc = l.units.iter().find(|u| u.name == "花川村").unwrap();
    let obs = |ind: &str| {
        l.observations
            .iter()
            .filter(|o| o.indicator.as_str() == ind && o.unit == hc.id)
            .map(|o| o.value)
            .next_back()
    };
    let pop = obs("population").expect("population");
    assert!((1500.0..1800.0).contains(&pop));
    let mig = obs("migrants").expect("migrants");
    assert!((9000.0..=10_000.0).contains(&mig));
    assert_eq!(obs("planned_investment"), Some(5_000_000_000.0));
    assert!(l
        .initiatives
        .iter()
        .any(|i| i.kind == InitiativeKind::Project && i.title.contains("电商物流小镇")));
    person_id(&l, "姚舒拉");
}

#[test]
fn fanzhai_beautiful_line_and_branch() {
    let l = dangjian::example();
    let fz = l.units.iter().find(|u| u.name == "范宅村").unwrap();
    assert!(l
        .designations
        .iter()
        .any(|x| x.unit == fz.id && x.designation.as_str() == "beautiful_line"));
    let branch = l
        .orgs
        .iter()
        .find(|o| o.kind == OrgKind::Branch && o.hosts.contains(&fz.id))
        .expect("branch");
    let fan = person_id(&l, "范超雄");
    assert!(l.roles.iter().any(|r| r.person == fan
        && r.role == RoleKind::Secretary
        && r.target.as_str() == branch.id.as_str()));
}

#[test]
fn example_goes_json_to_csv_to_json_unchanged() {
    let l = dangjian::example();
    let dir = std::env::temp_dir().join(format!("dangjian-roundtrip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let json1 = dir.join("a.json");
    let csv = dir.join("csv");
    let json2 = dir.join("b.json");
    dangjian::ledger::save(&l, &json1).unwrap();
    let from_json = dangjian::load(&json1).unwrap();
    assert_eq!(from_json, l);
    dangjian::ledger::save(&from_json, &csv).unwrap();
    let from_csv = dangjian::load(&csv).unwrap();
    assert_eq!(from_csv, l);
    dangjian::ledger::save(&from_csv, &json2).unwrap();
    assert_eq!(
        std::fs::read(&json1).unwrap(),
        std::fs::read(&json2).unwrap()
    );
    std::fs::remove_dir_all(&dir).ok();
}
