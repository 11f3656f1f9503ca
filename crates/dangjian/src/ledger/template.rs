//! An empty district ledger to start from: the district itself, one example row in every
//! table, and the default duties.

use chrono::NaiveDate;

use crate::model::*;

/// The default duties, as `(id, activity, applies_to, cadence)`: a road chief patrols every
/// 3 days, a party-building instructor visits each red workshop monthly, and 三会一课: a
/// branch holds a committee meeting and a theme day every month, a member assembly and a
/// party lesson every quarter; a party group meets monthly.
pub const DEFAULT_DUTIES: &[(&str, &str, &str, &str)] = &[
    ("road_patrol", "patrol", "role:road_chief", "3d"),
    (
        "workshop_visit",
        "instructor_visit",
        "designation:red_workshop",
        "1m",
    ),
    (
        "branch_committee_meeting",
        "committee_meeting",
        "org:branch",
        "1m",
    ),
    ("theme_day", "theme_day", "org:branch", "1m"),
    ("member_assembly", "member_assembly", "org:branch", "1q"),
    ("party_lesson", "party_lesson", "org:branch", "1q"),
    ("group_meeting", "group_meeting", "org:group", "1m"),
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    // The dates below are literals that exist.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The default duties as records (see [`DEFAULT_DUTIES`]).
pub fn default_duties() -> Vec<Duty> {
    DEFAULT_DUTIES
        .iter()
        .filter_map(|&(id, activity, applies_to, cadence)| {
            Some(Duty::new(
                id,
                activity,
                applies_to.parse().ok()?,
                cadence.parse().ok()?,
            ))
        })
        .collect()
}

/// An empty district ledger: the district (`district`, the root unit) and one example row in
/// every table (a village and an above-scale enterprise, the village's designation, the
/// district's party committee and its first election, one member who is its secretary and
/// is linked to the enterprise (`enterprise_liaison`, 班子成员联企), a key task with one
/// progress update, a theme day with its attendance, an indicator with one observation and
/// a target, an exemption),
/// plus [`default_duties`] (the member assembly with a quorum of 0.5). Replace
/// the example rows with real ones; the ledger validates with no problems as it is.
///
/// ```
/// let ledger = dangjian::ledger::template();
/// assert!(ledger.validate().0.is_empty());
/// assert_eq!(ledger.duties.len(), 7);
/// ```
pub fn template() -> Ledger {
    let mut l = Ledger::new();
    l.units
        .push(Unit::new("district", UnitKind::District, "示例新区"));
    let mut village = Unit::new("example_village", UnitKind::Village, "示例村");
    village.parent = Some("district".into());
    l.units.push(village);
    let mut enterprise = Unit::new("example_enterprise", UnitKind::Enterprise, "示例企业");
    enterprise.parent = Some("district".into());
    enterprise.above_scale = true;
    l.units.push(enterprise);

    l.designations.push(DesignationRecord {
        unit: "example_village".into(),
        designation: Designation::new(Designation::BEAUTIFUL_CIRCLE),
        since: day(2025, 1, 1),
        until: None,
        extra: Extra::new(),
    });

    l.orgs.push(Org::new(
        "district_committee",
        OrgKind::Committee,
        "中共示例新区委员会",
        vec!["district".into()],
        day(2025, 1, 1),
    ));
    l.elections.push(Election {
        org: "district_committee".into(),
        date: day(2025, 1, 2),
        note: Some("成立选举".into()),
        extra: Extra::new(),
    });

    let mut person = Person::new("p_example", "张三");
    person.birth_date = Some(day(1990, 1, 1));
    person.org = Some("district_committee".into());
    person.joined = Some(day(2015, 6, 1));
    person.confirmed = Some(day(2016, 6, 1));
    person.workplace = Some("district".into());
    l.people.push(person);
    l.roles.push(Role::new(
        "p_example",
        RoleKind::Secretary,
        "district_committee",
        day(2025, 1, 2),
    ));
    l.roles.push(Role::new(
        "p_example",
        RoleKind::EnterpriseLiaison,
        "example_enterprise",
        day(2025, 1, 2),
    ));

    let mut task = Initiative::new(
        "example_task",
        InitiativeKind::KeyTask,
        Programme::Growth,
        "示例重难点工作",
        day(2025, 12, 31),
    );
    task.unit = Some("example_village".into());
    task.owner = Some("district_committee".into());
    task.start = Some(day(2025, 1, 1));
    l.initiatives.push(task);
    l.progress.push(Progress {
        initiative: "example_task".into(),
        date: day(2025, 1, 31),
        percent: 10.0,
        note: Some("启动".into()),
        extra: Extra::new(),
    });

    let mut activity = Activity::new("theme_day", day(2025, 1, 15), "district_committee");
    activity.id = Some("act_example".into());
    activity.people = vec!["p_example".into()].into();
    activity.expected = Some(1);
    activity.attended = Some(1);
    activity.note = Some("主题党日".into());
    l.activities.push(activity);

    l.duties = default_duties();
    // A member assembly needs more than half of the members (docs/STATS.md).
    for d in &mut l.duties {
        if d.id.as_str() == "member_assembly" {
            d.quorum = Some(0.5);
        }
    }
    l.exemptions.push(Exemption {
        duty: "member_assembly".into(),
        subject: "district_committee".into(),
        from: day(2025, 1, 1),
        to: Some(day(2025, 3, 31)),
        reason: Some("示例：本季度不召开党员大会".into()),
        extra: Extra::new(),
    });

    l.indicators.push(Indicator {
        id: "party_members".into(),
        name: "党员人数".into(),
        measure: Some("人".into()),
        aggregate: Some(Aggregate::Sum),
        formula: None,
        extra: Extra::new(),
    });
    l.observations.push(Observation {
        indicator: "party_members".into(),
        unit: "district".into(),
        date: day(2025, 1, 31),
        value: 1.0,
        note: None,
        extra: Extra::new(),
    });
    l.targets.push(Target {
        metric: "party_members".into(),
        scope: Some("district".into()),
        due: day(2025, 12, 31),
        value: 10.0,
        baseline: Some(1.0),
        extra: Extra::new(),
    });
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_has_one_example_row_per_table_and_every_default_duty() {
        let l = template();
        for table in Table::ALL {
            let want = match table {
                Table::Units => 3,  // the district, the example village and enterprise
                Table::Roles => 2,  // secretary, and the link to the enterprise
                Table::Duties => 7, // the default duties
                _ => 1,
            };
            assert_eq!(l.len_of(table), want, "{table}");
        }
        let duties: Vec<String> = l
            .duties
            .iter()
            .map(|d| format!("{} {} {} {}", d.id, d.activity, d.applies_to, d.cadence))
            .collect();
        assert_eq!(
            duties,
            [
                "road_patrol patrol role:road_chief 3d",
                "workshop_visit instructor_visit designation:red_workshop 1m",
                "branch_committee_meeting committee_meeting org:branch 1m",
                "theme_day theme_day org:branch 1m",
                "member_assembly member_assembly org:branch 1q",
                "party_lesson party_lesson org:branch 1q",
                "group_meeting group_meeting org:group 1m",
            ]
        );
    }

    #[test]
    fn the_example_link_covers_the_example_enterprise() {
        // One above-scale enterprise, linked since 2025-01-02: coverage.liaison 1/1 on the
        // template's latest date, 2025-01-31.
        let l = template();
        let ev = crate::metrics::Engine::new(&l)
            .evaluate(&crate::metrics::Query::default())
            .unwrap();
        let r = ev.row("coverage.liaison", "district").unwrap();
        assert_eq!((r.numerator, r.denominator), (Some(1.0), Some(1.0)));
    }

    #[test]
    fn template_validates_with_no_errors_and_no_warnings() {
        let p = template().validate();
        assert!(p.0.is_empty(), "{:?}", p.0);
    }
}
