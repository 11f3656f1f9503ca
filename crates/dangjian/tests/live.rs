//! Writes to a live ledger (`dangjian::live`): every rule of a write in docs/SERVICE.md that
//! the core decides (all or nothing, ids and keys, idempotent re-sends, conflicts, problems
//! located by JSON pointer), and results after writes equal to a fresh build.

use dangjian::live::{Live, Rejected};
use dangjian::metrics::{Engine, Query};
use dangjian::model::{Sym, Table};

const MAX: usize = 10_000;

fn live() -> Live {
    Live::new(dangjian::example())
}

fn problems(r: Result<dangjian::live::Checked, Rejected>) -> Vec<(String, String)> {
    match r {
        Err(Rejected::Problems(p)) => p
            .into_iter()
            .map(|p| (p.location.to_string(), p.message))
            .collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

/// The warnings of a checked write, as (pointer, message).
fn warnings(c: &dangjian::live::Checked) -> Vec<(String, String)> {
    c.warnings
        .iter()
        .map(|p| (p.location.to_string(), p.message.clone()))
        .collect()
}

#[test]
fn a_body_that_is_not_a_json_array_of_rows_is_refused_whole() {
    let l = live();
    for body in ["", "{", "{\"id\": 1}", "42", "\"x\""] {
        assert!(
            matches!(
                l.check_json(Table::Activities, body, MAX),
                Err(Rejected::BadBody(_))
            ),
            "{body:?}"
        );
    }
    let two = r#"[{"id": "a"}, {"id": "b"}]"#;
    assert_eq!(
        l.check_json(Table::Activities, two, 1).unwrap_err(),
        Rejected::TooManyRows { rows: 2, max: 1 }
    );
    assert_eq!(
        l.check_json(Table::Units, "[]", MAX).unwrap_err(),
        Rejected::NotAppendable(Table::Units)
    );
    // A row that is not an object is located.
    assert_eq!(
        problems(l.check_json(Table::Activities, "[1]", MAX)),
        [(
            "/0".to_string(),
            "each row must be an object of column names to values".to_string()
        )]
    );
}

#[test]
fn every_problem_of_every_row_comes_at_once_located_by_pointer() {
    let l = live();
    let body = r#"[
        {"id": "w-1", "kind": "patrol", "date": "2019-07-30", "subject": "xizhou_road"},
        {"kind": "patrol", "date": "2019-07-30", "subject": "xizhou_road"},
        {"id": "w-3", "kind": "patrol", "date": "2019-13-01", "subject": "no-such-unit-w3"},
        {"id": "w-1", "kind": "patrol", "date": "2019-07-29", "subject": "xizhou_road"}
    ]"#;
    let got = problems(l.check_json(Table::Activities, body, MAX));
    let at: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(at, ["/1/id", "/2/date", "/2/subject", "/3/id"]);
    assert_eq!(
        got[2].1,
        "`subject` names `no-such-unit-w3`, which is not a unit, org, initiative id of this ledger"
    );
    assert_eq!(
        got[3].1,
        "id `w-1` is already used at /0/id; ids must be unique in activities"
    );
    // Nothing of a refused write is kept: not the rows, not its unknown texts.
    assert_eq!(l.ledger(), &dangjian::example());
    assert_eq!(Sym::existing("no-such-unit-w3"), None);
}

#[test]
fn a_reference_to_a_record_of_another_kind_says_what_it_names() {
    let l = live();
    let person = l.ledger().people[0].id.as_str().to_string();
    let body = format!(
        r#"[{{"id": "k-1", "kind": "patrol", "date": "2019-07-30", "subject": "{person}"}}]"#
    );
    let got = problems(l.check_json(Table::Activities, &body, MAX));
    assert_eq!(
        got,
        [(
            "/0/subject".to_string(),
            format!("`{person}` is a person, but `subject` must name a unit, org, initiative")
        )]
    );
}

#[test]
fn a_write_sent_again_is_unchanged_and_other_content_under_its_id_conflicts() {
    let mut l = live();
    let body = r#"[{"id": "r-1", "kind": "patrol", "date": "2019-07-30", "subject": "xizhou_road", "note": "x'); DROP TABLE activities;--"}]"#;
    let c = l.check_json(Table::Activities, body, MAX).unwrap();
    assert_eq!((c.added, c.unchanged), (1, 0));
    let n = l.ledger().activities.len();
    l.apply(&c);
    assert_eq!(l.ledger().activities.len(), n + 1);
    let stored = l.ledger().activities.last().unwrap();
    assert_eq!(
        stored.note.as_deref(),
        Some("x'); DROP TABLE activities;--")
    );
    // Again: nothing new.
    let again = l.check_json(Table::Activities, body, MAX).unwrap();
    assert_eq!((again.added, again.unchanged), (0, 1));
    l.apply(&again);
    assert_eq!(l.ledger().activities.len(), n + 1);
    // The same id with another date: a conflict naming the row and what differs.
    let other = body.replace("07-30", "07-29");
    match l.check_json(Table::Activities, &other, MAX) {
        Err(Rejected::Conflicts(c)) => {
            assert_eq!(c.len(), 1);
            assert_eq!(c[0].pointer, "/0");
            assert!(
                c[0].message
                    .contains("`date` 2019-07-30 stored, 2019-07-29 sent"),
                "{}",
                c[0].message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn progress_and_observations_are_keyed_by_their_natural_keys() {
    let mut l = live();
    let init = l.ledger().progress[0].initiative.to_string();
    // A new update, then the same again: unchanged; another percent on that day conflicts.
    let new = format!(r#"[{{"initiative": "{init}", "date": "2019-12-20", "percent": 95}}]"#);
    let c = l.check_json(Table::Progress, &new, MAX).unwrap();
    assert_eq!((c.added, c.unchanged), (1, 0));
    l.apply(&c);
    let c = l.check_json(Table::Progress, &new, MAX).unwrap();
    assert_eq!((c.added, c.unchanged), (0, 1));
    let other = new.replace("95", "101");
    let got = problems(l.check_json(Table::Progress, &other, MAX));
    assert_eq!(
        got,
        [(
            "/0/percent".to_string(),
            "`percent` 101 is outside 0 to 100".to_string()
        )]
    );
    let other = new.replace("95", "96");
    match l.check_json(Table::Progress, &other, MAX) {
        Err(Rejected::Conflicts(c)) => assert_eq!(
            c[0].message,
            format!("initiative `{init}` already has another update on 2019-12-20 (`percent` 95 stored, 96 sent); one update a day")
        ),
        other => panic!("{other:?}"),
    }
    // Two updates of one initiative on one day in one body.
    let twice = format!(
        r#"[{{"initiative": "{init}", "date": "2019-12-30", "percent": 90}}, {{"initiative": "{init}", "date": "2019-12-30", "percent": 91}}]"#
    );
    let got = problems(l.check_json(Table::Progress, &twice, MAX));
    assert_eq!(got[0].0, "/1/date");
    // Observations: an unknown indicator is named; a new one is added.
    let o = &l.ledger().observations[0];
    let (ind, unit) = (o.indicator.to_string(), o.unit.to_string());
    let bad = format!(
        r#"[{{"indicator": "no_such_indicator_q", "unit": "{unit}", "date": "2019-12-31", "value": 1}}]"#
    );
    let got = problems(l.check_json(Table::Observations, &bad, MAX));
    assert_eq!(
        got,
        [(
            "/0/indicator".to_string(),
            "`indicator` names `no_such_indicator_q`, which is not an indicator id of this ledger"
                .to_string()
        )]
    );
    let good = format!(
        r#"[{{"indicator": "{ind}", "unit": "{unit}", "date": "2019-12-31", "value": 7}}]"#
    );
    let c = l.check_json(Table::Observations, &good, MAX).unwrap();
    assert_eq!(c.added, 1);
    l.apply(&c);
    assert_eq!(l.ledger().observations.last().unwrap().value, 7.0);
}

#[test]
fn warnings_do_not_stop_a_write() {
    let l = live();
    let body = r#"[{"id": "wa-1", "kind": "member_assembly", "date": "2019-07-30", "subject": "xizhou_road", "expected": 3, "attended": 5}]"#;
    let c = l.check_json(Table::Activities, body, MAX).unwrap();
    assert_eq!(c.added, 1);
    let w = warnings(&c);
    assert_eq!(
        w,
        [(
            "/0/attended".to_string(),
            "`attended` 5 is more than `expected` 3".to_string()
        )]
    );
}

#[test]
fn after_writes_every_answer_is_that_of_a_fresh_build() {
    let mut l = live();
    let queries = [
        Query::default(),
        Query {
            by: Some(dangjian::model::UnitKind::Area),
            ..Query::default()
        },
    ];
    // Read first, so that values are kept and must be forgotten.
    for q in &queries {
        l.evaluate(q).unwrap();
    }
    let bodies = [
        (
            Table::Activities,
            r#"[{"id": "f-1", "kind": "patrol", "date": "2019-07-31", "subject": "xizhou_road"}, {"id": "f-2", "kind": "patrol", "date": "2019-07-28", "subject": "xizhou_road"}]"#,
        ),
        (
            Table::Activities,
            r#"[{"id": "f-3", "kind": "a_new_kind_f3", "date": "2019-08-02", "subject": "xizhou_road"}]"#,
        ),
        (
            Table::Progress,
            r#"[{"initiative": "task_muchangjiang_housing", "date": "2019-08-01", "percent": 100}]"#,
        ),
    ];
    for (table, body) in bodies {
        let c = match l.check_json(table, body, MAX) {
            Ok(c) => c,
            Err(e) => panic!("{table}: {e:?}"),
        };
        l.apply(&c);
        let fresh = Engine::new(l.ledger());
        for q in &queries {
            assert_eq!(l.evaluate(q).unwrap().rows, fresh.evaluate(q).unwrap().rows);
        }
    }
    assert!(Sym::existing("a_new_kind_f3").is_some());
}

#[test]
fn an_observation_of_a_formula_indicator_is_refused_as_validation_refuses_it() {
    // lotus_revenue is lotus_area * lotus_revenue_per_mu in the example: its values are
    // worked out, and a ledger with an observation of it does not load (docs/LEDGER.md).
    let l = live();
    let body =
        r#"[{"indicator": "lotus_revenue", "unit": "shangxie", "date": "2019-08-01", "value": 1}]"#;
    assert_eq!(
        problems(l.check_json(Table::Observations, body, MAX)),
        [(
            "/0/indicator".to_string(),
            "indicator `lotus_revenue` is computed by a formula and takes no observations"
                .to_string()
        )]
    );
}

#[test]
fn progress_that_goes_down_is_a_warning_of_the_write() {
    // camp_danger_demolition's stored updates end with 60 on 2019-06-30 and 68 on
    // 2019-07-31. An update of 10 on 2019-08-05 goes down from 68; one of 50 on 2019-07-15
    // goes down from 60 and is followed by the stored 68 (up): one warning each.
    let l = live();
    let body = r#"[{"initiative": "camp_danger_demolition", "date": "2019-08-05", "percent": 10},
                   {"initiative": "camp_danger_demolition", "date": "2019-07-15", "percent": 50}]"#;
    let c = l.check_json(Table::Progress, body, MAX).unwrap();
    assert_eq!(c.added, 2);
    let w = warnings(&c);
    assert_eq!(
        w,
        [
            (
                "/0/percent".to_string(),
                "progress goes down from 68 (on 2019-07-31) to 10".to_string()
            ),
            (
                "/1/percent".to_string(),
                "progress goes down from 60 (on 2019-06-30) to 50".to_string()
            ),
        ]
    );
    // An update of 65 on 2019-07-20, between 60 and the stored 68: nothing goes down.
    let up = r#"[{"initiative": "camp_danger_demolition", "date": "2019-07-20", "percent": 65}]"#;
    assert!(l
        .check_json(Table::Progress, up, MAX)
        .unwrap()
        .warnings
        .is_empty());
    // One of 70 on 2019-07-20: the stored 68 on 2019-07-31 after it now goes down.
    let over = up.replace("65", "70");
    let c = l.check_json(Table::Progress, &over, MAX).unwrap();
    assert_eq!(
        c.warnings[0].message,
        "progress goes down from 70 to 68 (on 2019-07-31, stored)"
    );
}

#[test]
fn a_write_limited_to_a_scope_is_refused_for_rows_outside_before_anything_stored_is_told() {
    // fanzhai is a village of lidian_area, not huachuan_area; its stored population
    // observation of 2018-12-31 would otherwise come back in a conflict (the stored value),
    // and a bad date in the same row as a problem.
    let l = live();
    let o = l
        .ledger()
        .observations
        .iter()
        .find(|o| o.indicator.as_str() == "population" && o.unit.as_str() == "fanzhai")
        .unwrap()
        .clone();
    let body = format!(
        r#"[{{"indicator": "population", "unit": "fanzhai", "date": "{}", "value": {}}}]"#,
        o.date,
        o.value + 1.0
    );
    let area = dangjian::model::UnitId::new("huachuan_area");
    match l.check_json_within(Table::Observations, &body, MAX, Some(&area)) {
        Err(Rejected::OutsideScope { rows, first }) => {
            assert_eq!((rows, first.as_str()), (1, "fanzhai"))
        }
        other => panic!("{other:?}"),
    }
    // Without a scope the same row is the conflict it is.
    assert!(matches!(
        l.check_json(Table::Observations, &body, MAX),
        Err(Rejected::Conflicts(_))
    ));
    let bad_date = body.replace(&o.date.to_string(), "2019-13-01");
    assert!(matches!(
        l.check_json_within(Table::Observations, &bad_date, MAX, Some(&area)),
        Err(Rejected::OutsideScope { .. })
    ));
    // Inside the scope (huachuan, a village of huachuan_area), the write goes on.
    let inside =
        r#"[{"indicator": "population", "unit": "huachuan", "date": "2019-08-01", "value": 1200}]"#;
    assert_eq!(
        l.check_json_within(Table::Observations, inside, MAX, Some(&area))
            .unwrap()
            .added,
        1
    );
}

#[test]
fn a_list_where_one_value_is_due_is_a_problem_not_a_joined_text() {
    let l = live();
    let body = r#"[{"id": "li-1", "kind": ["patrol", "x"], "date": "2019-07-30", "subject": "xizhou_road"}]"#;
    let got = problems(l.check_json(Table::Activities, body, MAX));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "/0/kind");
    assert!(
        got[0].1.starts_with("`kind` takes one value, not a list"),
        "{got:?}"
    );
}
