//! `engine-phases [--preset city | --data PATH] [--repeat N]`: where the engine's time goes,
//! one line per phase (best of N): generating (or loading) the ledger, indexing it (`Engine::new`), evaluating each
//! metric family alone and every metric together, at the root and by area, a 12-month
//! trend and the drill-downs. A quick companion to the criterion benches, and a convenient
//! target for `perf record`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use dangjian::metrics::{Engine, Freq, Query};
use dangjian::model::UnitKind;
use dangjian_benches::{generate, preset, summary};

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..n.max(1))
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let args = dangjian_benches::Args::from_env();
    let get = |flag: &str| args.get(flag);
    let name = get("--preset").unwrap_or_else(|| "city".into());
    let n: usize = get("--repeat").and_then(|r| r.parse().ok()).unwrap_or(5);
    let Some(spec) = preset(&name) else {
        eprintln!("engine-phases: unknown preset `{name}` (tiny, example, district, districts-N, city, province)");
        return ExitCode::from(2);
    };
    let t = Instant::now();
    // A loaded ledger has its strings laid out in file order; a generated one in generation
    // order, which makes indexing it slower. `--data` measures what users have.
    let ledger = match get("--data") {
        Some(path) => match dangjian::load(&path) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("engine-phases: {path}: {e}");
                return ExitCode::from(1);
            }
        },
        None => generate(&spec),
    };
    println!("{}: {}", get("--data").unwrap_or(name), summary(&ledger));
    println!("{:44} {:>10.1?}", "generate or load", t.elapsed());

    let as_of = NaiveDate::from_ymd_opt(2019, 7, 31);
    let engine = Engine::new(&ledger);
    println!(
        "{:44} {:>10.1?}",
        "Engine::new",
        best(n, || Engine::new(&ledger))
    );
    let families = [
        "tasks",
        "cadres",
        "roads",
        "villages",
        "duty",
        "indicator",
        "coverage",
        "orgs",
        "members",
        "workshops",
        "committees",
    ];
    for by in [None, Some(UnitKind::Area)] {
        let label = if by.is_some() { "by area" } else { "root" };
        let q = Query {
            as_of,
            by,
            ..Query::default()
        };
        println!(
            "{:44} {:>10.1?}",
            format!("evaluate, every metric ({label})"),
            best(n, || engine.evaluate(&q).map(|e| e.rows.len()))
        );
        for f in families {
            let qf = Query {
                metrics: Some(vec![f.to_string()]),
                ..q.clone()
            };
            println!(
                "{:44} {:>10.1?}",
                format!("  {f}.* ({label})"),
                best(n, || engine.evaluate(&qf).map(|e| e.rows.len()))
            );
        }
    }
    // The eight metrics `python/vs_dataframes.py` writes in polars and pandas, with the index
    // already built: what a call would cost with the engine kept between calls.
    let eight = [
        "coverage.org",
        "coverage.own_org",
        "coverage.work",
        "tasks.started",
        "tasks.progress",
        "roads.chief_coverage",
        "orgs.viable",
        "duty.road_patrol",
    ];
    let q8 = Query {
        as_of,
        by: Some(UnitKind::Area),
        metrics: Some(eight.map(String::from).to_vec()),
        ..Query::default()
    };
    println!(
        "{:44} {:>10.1?}",
        "evaluate the 8 of vs_dataframes.py (by area)",
        best(n, || engine.evaluate(&q8).map(|e| e.rows.len()))
    );
    let q = Query {
        as_of,
        ..Query::default()
    };
    let start = NaiveDate::from_ymd_opt(2018, 8, 1).unwrap_or_default();
    let end = as_of.unwrap_or_default();
    println!(
        "{:44} {:>10.1?}",
        "trend, 12 month ends",
        best(n, || engine
            .trend(&q, start, end, Freq::Month)
            .map(|e| e.len()))
    );
    println!(
        "{:44} {:>10.1?}",
        "drill: tasks",
        best(n, || engine.tasks(&q).map(|r| r.len()))
    );
    println!(
        "{:44} {:>10.1?}",
        "drill: obligations",
        best(n, || engine.obligations(&q).map(|r| r.len()))
    );
    println!(
        "{:44} {:>10.1?}",
        "drill: enterprises",
        best(n, || engine.enterprises(&q).map(|r| r.len()))
    );
    println!(
        "{:44} {:>10.1?}",
        "drill: cadres",
        best(n, || engine.cadres(&q).map(|r| r.len()))
    );
    ExitCode::SUCCESS
}
