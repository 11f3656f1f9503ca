//! Criterion benchmarks of the metrics engine and the ledger readers.
//!
//! `cargo bench -p dangjian-benches` (all), or a filter: `cargo bench -p dangjian-benches
//! -- city/evaluate`. Groups:
//! - `example/*`: the embedded Chengxi ledger (`dangjian::example()`);
//! - `city/*`: `dangjian_benches::city()` (~10k enterprises, 100k people, 350k activities), generated
//!   and saved once, then loaded from its CSV folder before measuring: index
//!   (`Engine::new`), evaluate (root; `by` area), a trend over 12 month ends, and the four
//!   drill-downs;
//! - `load/*`: reading the city ledger from its CSV folder and its JSON file (both written
//!   once under Cargo's target temp dir).
//!
//! Set `DANGJIAN_BENCH_SPEC=province` to run the `city/*` and `load/*` groups at another
//! preset (`tiny`, `example`, `district`, `districts-N`, `city`, `province`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use dangjian::metrics::{Engine, Freq, Query};
use dangjian::model::UnitKind;
use dangjian::Ledger;
use dangjian_benches::{generate, Spec};

fn as_of() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2019, 7, 31)
}

fn spec() -> (String, Spec) {
    let name = std::env::var("DANGJIAN_BENCH_SPEC").unwrap_or_else(|_| "city".into());
    let spec = dangjian_benches::preset(&name)
        .unwrap_or_else(|| panic!("DANGJIAN_BENCH_SPEC: unknown preset `{name}`"));
    (name, spec)
}

/// Index, evaluate (root and by area), trend and drill down on one ledger.
fn engine_group(c: &mut Criterion, group: &str, ledger: &Ledger, samples: usize) {
    let q = Query {
        as_of: as_of(),
        ..Query::default()
    };
    let q_area = Query {
        by: Some(UnitKind::Area),
        ..q.clone()
    };
    let mut g = c.benchmark_group(group);
    g.sample_size(samples)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("engine_new", |b| {
        b.iter(|| black_box(Engine::new(black_box(ledger))))
    });
    g.bench_function("new_and_evaluate", |b| {
        b.iter(|| black_box(Engine::new(ledger).evaluate(&q).map(|ev| ev.rows.len())))
    });
    let engine = Engine::new(ledger);
    g.bench_function("evaluate", |b| {
        b.iter(|| black_box(engine.evaluate(black_box(&q)).map(|ev| ev.rows.len())))
    });
    g.bench_function("evaluate_by_area", |b| {
        b.iter(|| black_box(engine.evaluate(black_box(&q_area)).map(|ev| ev.rows.len())))
    });
    let (start, end) = (
        NaiveDate::from_ymd_opt(2018, 8, 1).unwrap_or_default(),
        as_of().unwrap_or_default(),
    );
    g.bench_function("trend_12_month_ends", |b| {
        b.iter(|| {
            black_box(
                engine
                    .trend(&q, start, end, Freq::Month)
                    .map(|evs| evs.len()),
            )
        })
    });
    g.bench_function("drill_tasks", |b| {
        b.iter(|| black_box(engine.tasks(&q).map(|r| r.len())))
    });
    g.bench_function("drill_obligations", |b| {
        b.iter(|| black_box(engine.obligations(&q).map(|r| r.len())))
    });
    g.bench_function("drill_enterprises", |b| {
        b.iter(|| black_box(engine.enterprises(&q).map(|r| r.len())))
    });
    g.bench_function("drill_cadres", |b| {
        b.iter(|| black_box(engine.cadres(&q).map(|r| r.len())))
    });
    g.finish();
}

fn example(c: &mut Criterion) {
    let ledger = dangjian::example();
    engine_group(c, "example", &ledger, 50);
}

fn scaled(c: &mut Criterion) {
    let (name, spec) = spec();
    let generated = generate(&spec);
    eprintln!("{name}: {}", dangjian_benches::summary(&generated));
    // Write the two interchange forms once, then measure on the ledger as a user has it:
    // loaded from its CSV folder (a freshly generated ledger has its strings scattered
    // in generation order, which makes the index slower than on a loaded one).
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("dangjian-bench-{name}"));
    let csv = dir.join("csv");
    let json = dir.join("ledger.json");
    for path in [&csv, &json] {
        dangjian::ledger::save(&generated, path)
            .unwrap_or_else(|e| panic!("saving {}: {e}", path.display()));
    }
    drop(generated);
    let ledger = dangjian::load(&csv).unwrap_or_else(|e| panic!("loading {}: {e}", csv.display()));
    engine_group(c, &name, &ledger, 10);
    drop(ledger);

    let mut g = c.benchmark_group("load");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    g.bench_function(format!("{name}_csv"), |b| {
        b.iter(|| black_box(dangjian::load(&csv).map(|l| l.activities.len())))
    });
    g.bench_function(format!("{name}_json"), |b| {
        b.iter(|| black_box(dangjian::load(&json).map(|l| l.activities.len())))
    });
    g.finish();
}

criterion_group!(benches, example, scaled);
criterion_main!(benches);
