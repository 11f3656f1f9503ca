//! A scale check of the engine, ignored by default (run it in release:
//! `cargo test --release -p dangjian --test metrics_scale -- --ignored --nocapture`).
//! `DANGJIAN_SCALE=10` gives about 100k enterprises, 1M people and 3.5M activities.

mod common;
use std::time::Instant;

use common::*;
use dangjian::metrics::{Engine, Freq, Query};
use dangjian::model::*;

fn big(scale: usize) -> Ledger {
    let mut l = Ledger::new();
    l.units.push(unit("d", UnitKind::District, None));
    let areas = 50;
    for a in 0..areas {
        l.units
            .push(unit(&format!("a{a}"), UnitKind::Area, Some("d")));
    }
    let enterprises = 10_000 * scale;
    for i in 0..enterprises {
        let area = format!("a{}", i % areas);
        l.units.push(enterprise(&format!("e{i}"), &area));
        if i % 2 == 0 {
            let o = format!("o{i}");
            l.orgs
                .push(org(&o, OrgKind::Branch, &[&format!("e{i}")], d(2015, 1, 1)));
            l.elections
                .push(election(&o, d(2016, 1, 1 + (i % 28) as u32)));
        }
    }
    for v in 0..100 * scale {
        l.units.push(unit(
            &format!("v{v}"),
            UnitKind::Village,
            Some(&format!("a{}", v % areas)),
        ));
        l.units.push(unit(
            &format!("r{v}"),
            UnitKind::Road,
            Some(&format!("a{}", v % areas)),
        ));
    }
    let orgs: Vec<String> = l.orgs.iter().map(|o| o.id.as_str().to_string()).collect();
    let people = 100_000 * scale;
    for p in 0..people {
        let mut x = member(
            &format!("p{p}"),
            &orgs[p % orgs.len()],
            Some(d(2010, 1, 1)),
            Some(d(2011, 1, 1)),
        );
        x.birth_date = Some(d(1960 + (p % 40) as i32, 1 + (p % 12) as u32, 1));
        l.people.push(x);
    }
    for p in 0..(2_000 * scale) {
        let target = format!("e{}", p % enterprises);
        l.roles.push(role(
            &format!("p{p}"),
            RoleKind::Secretary,
            &target,
            d(2018, 1, 1),
            None,
        ));
    }
    for v in 0..100 * scale {
        l.roles.push(role(
            &format!("p{v}"),
            RoleKind::RoadChief,
            &format!("r{v}"),
            d(2019, 1, 1),
            None,
        ));
        l.roles.push(role(
            &format!("p{v}"),
            RoleKind::LiaisonCadre,
            &format!("v{v}"),
            d(2019, 1, 1),
            None,
        ));
    }
    // 3.5 activities per person: org-life meetings of branches with three people listed,
    // and patrols of roads.
    let mut n = 0usize;
    'outer: for day in 0..210u64 {
        let date = d(2019, 1, 1) + chrono::Days::new(day);
        for o in (day as usize % 3..orgs.len()).step_by(3) {
            let ps: Vec<String> = (0..3)
                .map(|k| format!("p{}", (o * 3 + k) % people))
                .collect();
            let refs: Vec<&str> = ps.iter().map(|s| s.as_str()).collect();
            l.activities
                .push(activity("theme_day", date, &orgs[o], &refs));
            n += 1;
            if n >= 3 * people {
                break 'outer;
            }
        }
        for v in (0..100 * scale).step_by(3) {
            l.activities
                .push(activity("patrol", date, &format!("r{v}"), &[]));
        }
    }
    l.duties
        .push(duty("patrol", "patrol", "role:road_chief", "3d"));
    l.duties
        .push(duty("theme", "theme_day", "org:branch", "1m"));
    for t in 0..33 {
        l.initiatives.push(task(
            &format!("t{t}"),
            Some(&format!("a{}", t % areas)),
            Some(d(2019, 3, 1)),
            d(2019, 12, 31),
        ));
        l.progress
            .push(progress(&format!("t{t}"), d(2019, 6, 1), 40.0));
    }
    l
}

#[test]
#[ignore]
fn engine_scales() {
    let scale: usize = std::env::var("DANGJIAN_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let t = Instant::now();
    let l = big(scale);
    println!(
        "built {} units, {} people, {} activities in {:?}",
        l.units.len(),
        l.people.len(),
        l.activities.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let e = Engine::new(&l);
    println!("Engine::new {:?}", t.elapsed());
    let q = at(d(2019, 7, 31));
    let t = Instant::now();
    let ev = e.evaluate(&q).unwrap();
    println!("evaluate root: {} rows in {:?}", ev.rows.len(), t.elapsed());
    for family in [
        "tasks",
        "cadres",
        "roads",
        "villages",
        "duty",
        "coverage",
        "orgs",
        "members",
        "workshops",
    ] {
        let t = Instant::now();
        let fq = Query {
            metrics: Some(vec![family.to_string()]),
            ..q.clone()
        };
        let n = e.evaluate(&fq).unwrap().rows.len();
        println!("  {family}: {n} rows in {:?}", t.elapsed());
    }
    let t = Instant::now();
    let ev = e
        .evaluate(&Query {
            by: Some(UnitKind::Area),
            ..q.clone()
        })
        .unwrap();
    println!(
        "evaluate by area: {} rows in {:?}",
        ev.rows.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let ev = e
        .evaluate(&Query {
            by: Some(UnitKind::Enterprise),
            ..q.clone()
        })
        .unwrap();
    println!(
        "evaluate by enterprise: {} rows in {:?}",
        ev.rows.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let tr = e
        .trend(&q, d(2019, 1, 1), d(2019, 12, 31), Freq::Month)
        .unwrap();
    println!(
        "trend monthly: {} evaluations in {:?}",
        tr.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let rows = e.obligations(&q).unwrap().len()
        + e.enterprises(&q).unwrap().len()
        + e.cadres(&q).unwrap().len();
    println!("drill-downs: {rows} rows in {:?}", t.elapsed());
}
