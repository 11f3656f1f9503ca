//! Key tasks (`tasks.*`) on hand-built ledgers; expected values worked out in comments.

mod common;
use common::*;
use dangjian::metrics::{Engine, Query, TaskStatus};
use dangjian::model::*;

/// Eight key tasks at the root, evaluated on 2019-07-31 (tolerance 0.10):
///
/// | task        | start | deadline | updates            | actual | expected          | status      | forecast |
/// |-------------|-------|----------|--------------------|--------|-------------------|-------------|----------|
/// | done        | 01-01 | 12-31    | 06-30: 100         | 1      | 211/364           | done        | 06-30    |
/// | overdue     | 01-01 | 06-30    | 05-01: 50          | 0.5    | 211/180 -> 1      | overdue     | 05-01 + 50/(50/120) = 120 d -> 08-29 (late) |
/// | not_started | 09-01 | 12-31    | -                  | 0      | 0                 | not_started | one point: none |
/// | at_risk     | 07-01 | 08-30    | 07-21: 30          | 0.3    | 30/60 = 0.5       | at_risk     | rate 30/20 = 1.5, 70/1.5 = 46.7 -> 47 d -> 09-06 (late) |
/// | on_track    | 07-02 | 08-29    | 07-31: 50          | 0.5    | 29/58 = 0.5       | on_track    | rate 50/29, 50/(50/29) = 29.000000000000004 -> ceil(x - 1e-9) = 29 -> 08-29 (not late) |
/// | edge        | 07-01 | 08-30    | 07-30: 40          | 0.4    | 0.5               | at_risk (0.5 - 0.4 = 0.0999.. >= 0.1 - 1e-9) | rate 40/29, 43.5 -> 44 -> 09-12 (late) |
/// | never       | -     | 12-31    | 04-01: 20, 06-01: 20 | 0.2  | 121/274           | at_risk     | rate 0: never (late) |
/// | one_point   | -     | 12-31    | 07-01: 10          | 0.1    | 30/183            | on_track (0.164 - 0.1 < 0.1) | one point: none |
fn eight_tasks() -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.initiatives = vec![
        task("done", None, Some(d(2019, 1, 1)), d(2019, 12, 31)),
        task("overdue", None, Some(d(2019, 1, 1)), d(2019, 6, 30)),
        task("not_started", None, Some(d(2019, 9, 1)), d(2019, 12, 31)),
        task("at_risk", None, Some(d(2019, 7, 1)), d(2019, 8, 30)),
        task("on_track", None, Some(d(2019, 7, 2)), d(2019, 8, 29)),
        task("edge", None, Some(d(2019, 7, 1)), d(2019, 8, 30)),
        task("never", None, None, d(2019, 12, 31)),
        task("one_point", None, None, d(2019, 12, 31)),
    ];
    l.progress = vec![
        progress("done", d(2019, 6, 30), 100.0),
        progress("overdue", d(2019, 5, 1), 50.0),
        progress("at_risk", d(2019, 7, 21), 30.0),
        progress("on_track", d(2019, 7, 31), 50.0),
        progress("edge", d(2019, 7, 30), 40.0),
        progress("never", d(2019, 4, 1), 20.0),
        progress("never", d(2019, 6, 1), 20.0),
        progress("one_point", d(2019, 7, 1), 10.0),
        // after as_of: ignored
        progress("at_risk", d(2019, 8, 15), 90.0),
    ];
    l
}

#[test]
fn every_status_and_the_counts() {
    let l = eight_tasks();
    assert_valid(&l);
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    let v = |m: &str| ev.value(m);
    assert_eq!(v("tasks.total"), Some(8.0));
    assert_eq!(v("tasks.done"), Some(1.0));
    assert_eq!(v("tasks.overdue"), Some(1.0));
    assert_eq!(v("tasks.not_started"), Some(1.0));
    assert_eq!(v("tasks.at_risk"), Some(3.0)); // at_risk, edge, never
    assert_eq!(v("tasks.on_track"), Some(2.0)); // on_track, one_point
                                                // started: all but not_started = 7 of 8
    assert_eq!(
        vnd(&ev, "tasks.started", "d"),
        (Some(7.0 / 8.0), Some(7.0), Some(8.0))
    );
    assert_eq!(
        vnd(&ev, "tasks.completed", "d"),
        (Some(1.0 / 8.0), Some(1.0), Some(8.0))
    );
    // progress: 1 + .5 + 0 + .3 + .5 + .4 + .2 + .1 = 3.0 over 8
    let (p, pn, pd) = vnd(&ev, "tasks.progress", "d");
    assert!(close(p, 0.375) && close(pn, 3.0) && pd == Some(8.0));
    // spi over started, not done: actual .5+.3+.5+.4+.2+.1 = 2.0;
    // expected 1 + .5 + .5 + .5 + 121/274 + 30/183
    let den = 1.0 + 0.5 + 0.5 + 0.5 + 121.0 / 274.0 + 30.0 / 183.0;
    let (s, sn, sd) = vnd(&ev, "tasks.spi", "d");
    assert!(close(sn, 2.0) && close(sd, den) && close(s, 2.0 / den));
    // forecast late: overdue (08-29 > 06-30), at_risk (09-06), edge (09-12), never = 4;
    // on_track's forecast is exactly its deadline thanks to the 1e-9 slack on rounding up.
    assert_eq!(v("tasks.forecast_late"), Some(4.0));
}

#[test]
fn drill_down_rows_carry_status_expected_and_forecast() {
    let l = eight_tasks();
    let rows = Engine::new(&l).tasks(&at(d(2019, 7, 31))).unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "done",
            "overdue",
            "not_started",
            "at_risk",
            "on_track",
            "edge",
            "never",
            "one_point"
        ]
    );
    let by = |id: &str| rows.iter().find(|r| r.id.as_str() == id).unwrap();
    let st: Vec<TaskStatus> = rows.iter().map(|r| r.status).collect();
    use TaskStatus::*;
    assert_eq!(
        st,
        [Done, Overdue, NotStarted, AtRisk, OnTrack, AtRisk, AtRisk, OnTrack]
    );

    assert_eq!(by("done").forecast, Some(d(2019, 6, 30)));
    assert_eq!(by("overdue").forecast, Some(d(2019, 8, 29)));
    assert_eq!(by("overdue").expected, 1.0); // 211/180 clamped
    assert_eq!(
        (by("not_started").forecast, by("not_started").forecast_never),
        (None, false)
    );
    assert_eq!(by("not_started").expected, 0.0);
    assert_eq!(by("at_risk").forecast, Some(d(2019, 9, 6))); // 46.67 days rounded up to 47
    assert_eq!(by("at_risk").actual, 0.3); // the 90% of 08-15 is after as_of
    assert_eq!(by("on_track").forecast, Some(d(2019, 8, 29)));
    assert_eq!(by("edge").forecast, Some(d(2019, 9, 12)));
    assert_eq!(
        (by("never").forecast, by("never").forecast_never),
        (None, true)
    );
    assert_eq!(by("never").start, Some(d(2019, 4, 1))); // effective start: first update
    assert!((by("never").expected - 121.0 / 274.0).abs() < 1e-12);
    assert_eq!(
        (by("one_point").forecast, by("one_point").forecast_never),
        (None, false)
    );
    assert_eq!(by("at_risk").spi, Some(0.3 / 0.5));
    assert_eq!(by("not_started").spi, None);
}

#[test]
fn key_tasks_count_whatever_their_start() {
    // 33 key tasks, 25 starting 2019-03-01 and 8 starting 2019-09-01 (after as_of):
    // tasks.total = 33, tasks.started = 25/33.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    for i in 0..33 {
        let start = if i < 25 { d(2019, 3, 1) } else { d(2019, 9, 1) };
        l.initiatives
            .push(task(&format!("t{i}"), None, Some(start), d(2019, 12, 31)));
    }
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(ev.value("tasks.total"), Some(33.0));
    assert_eq!(
        vnd(&ev, "tasks.started", "d"),
        (Some(25.0 / 33.0), Some(25.0), Some(33.0))
    );
    let json = ev.to_json();
    let started = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "tasks.started")
        .unwrap();
    assert_eq!(started["numerator"], 25);
    assert_eq!(started["denominator"], 33);
    assert_eq!(started["value"], 0.7575757575757576);
}

#[test]
fn weights_and_started_by_progress_alone() {
    // a: weight 3, 100% -> done; b: weight 1, no start, update 07-01 at 20% -> started.
    // progress = (3 x 1 + 1 x 0.2) / 4 = 0.8. b's expected = 30/183 (07-01..07-31 of
    // 07-01..12-31); spi over b only = 0.2 / (30/183).
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    let mut a = task("a", None, Some(d(2019, 1, 1)), d(2019, 12, 31));
    a.weight = Some(3.0);
    l.initiatives.push(a);
    l.initiatives.push(task("b", None, None, d(2019, 12, 31)));
    l.progress.push(progress("a", d(2019, 5, 1), 100.0));
    l.progress.push(progress("b", d(2019, 7, 1), 20.0));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    let (p, n, den) = vnd(&ev, "tasks.progress", "d");
    assert!(close(p, 0.8) && close(n, 3.2) && den == Some(4.0));
    assert!(close(ev.value("tasks.spi"), 0.2 / (30.0 / 183.0)));
    assert_eq!(
        vnd(&ev, "tasks.started", "d"),
        (Some(1.0), Some(2.0), Some(2.0))
    );
}

#[test]
fn a_start_in_the_future_with_progress_expects_nothing_yet() {
    // start 2019-09-01 > as_of but an update of 10% on 07-20: started; expected clamps
    // (07-31 - 09-01 < 0) to 0; spi = 0.1 / 0 -> null (denominator 0 reported).
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.initiatives
        .push(task("t", None, Some(d(2019, 9, 1)), d(2019, 12, 31)));
    l.progress.push(progress("t", d(2019, 7, 20), 10.0));
    let ev = Engine::new(&l).evaluate(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(ev.value("tasks.on_track"), Some(1.0));
    let (s, n, den) = vnd(&ev, "tasks.spi", "d");
    assert_eq!((s, den), (None, Some(0.0)));
    assert!(close(n, 0.1));
}

#[test]
fn forecast_needs_two_points_on_different_days() {
    // Two updates on one day (an invalid ledger, still no panic): first and last share a
    // day, so there is no forecast; the later row is the latest update (20%).
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.initiatives.push(task("t", None, None, d(2019, 12, 31)));
    l.progress.push(progress("t", d(2019, 7, 10), 10.0));
    l.progress.push(progress("t", d(2019, 7, 10), 20.0));
    let rows = Engine::new(&l).tasks(&at(d(2019, 7, 31))).unwrap();
    assert_eq!((rows[0].forecast, rows[0].forecast_never), (None, false));
    assert_eq!(rows[0].actual, 0.2);
    // A start with an update on it adds no 0% point: start 07-01 with 10% on 07-01 and
    // 40% on 07-11: rate 3/day, 60/3 = 20 -> 07-31.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.initiatives
        .push(task("t", None, Some(d(2019, 7, 1)), d(2019, 12, 31)));
    l.progress.push(progress("t", d(2019, 7, 1), 10.0));
    l.progress.push(progress("t", d(2019, 7, 11), 40.0));
    let rows = Engine::new(&l).tasks(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(rows[0].forecast, Some(d(2019, 7, 31)));
}

#[test]
fn leader_and_scope_of_tasks() {
    // t1 at village v (area a), owned by task force tf led by p; t2 with no unit: root only.
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    l.units.push(unit("a", UnitKind::Area, Some("d")));
    l.units.push(unit("v", UnitKind::Village, Some("a")));
    l.orgs
        .push(org("tf", OrgKind::TaskForce, &["d"], d(2019, 1, 1)));
    l.people.push(person("p", None));
    l.roles
        .push(role("p", RoleKind::Leader, "tf", d(2019, 1, 1), None));
    let mut t1 = task("t1", Some("v"), Some(d(2019, 1, 1)), d(2019, 12, 31));
    t1.owner = Some("tf".into());
    l.initiatives.push(t1);
    l.initiatives
        .push(task("t2", None, Some(d(2019, 1, 1)), d(2019, 12, 31)));
    assert_valid(&l);
    let e = Engine::new(&l);
    let q = Query {
        by: Some(UnitKind::Area),
        ..at(d(2019, 7, 31))
    };
    let ev = e.evaluate(&q).unwrap();
    assert_eq!(row(&ev, "tasks.total", "d").value, Some(2.0));
    assert_eq!(row(&ev, "tasks.total", "a").value, Some(1.0));
    let rows = e.tasks(&at(d(2019, 7, 31))).unwrap();
    assert_eq!(rows[0].leader.as_ref().map(|p| p.as_str()), Some("p"));
    assert_eq!(rows[1].leader, None);
    let scoped = e
        .tasks(&Query {
            scope: Some("a".into()),
            ..at(d(2019, 7, 31))
        })
        .unwrap();
    assert_eq!(scoped.len(), 1);
}
