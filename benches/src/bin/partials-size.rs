//! `partials-size [--districts N] [--as-of DATE]`: what the parts of a generated ledger cost
//! as partial results (`docs/PARTIALS.md`).
//!
//! Generates `districts-N` (default 20), splits it into its districts (`split`), and prints
//! for the top and each part: its CSV size (the bytes `dangjian export` writes), the time to
//! index it and compute its partial result (Arrow IPC, with the split's shared people and
//! orgs), the partial result's size and its share of the CSV; then the time to merge all
//! partial results and finish them, and the time of one process evaluating the whole, and
//! whether the merged rows equal the whole's (up to 1e-12 relative).

use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use dangjian::ledger::parts::split;
use dangjian::metrics::{Engine, Query};
use dangjian::model::UnitKind;

fn main() -> ExitCode {
    let args = dangjian_benches::Args::from_env();
    let n: usize = args
        .get("--districts")
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let as_of = args
        .get("--as-of")
        .and_then(|s| s.parse::<NaiveDate>().ok())
        .or(NaiveDate::from_ymd_opt(2019, 7, 31));
    let by = args.get("--by").and_then(|s| s.parse::<UnitKind>().ok());
    let Some(spec) = dangjian_benches::preset(&format!("districts-{n}")) else {
        eprintln!("partials-size: no preset districts-{n}");
        return ExitCode::from(2);
    };
    let whole = dangjian_benches::generate(&spec);
    println!("districts-{n}: {}", dangjian_benches::summary(&whole));
    let t = Instant::now();
    let cut = match split(&whole, UnitKind::District) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("partials-size: {e}");
            return ExitCode::from(1);
        }
    };
    println!(
        "split in {:.2} s: {} parts; shared: {} people, {} orgs",
        t.elapsed().as_secs_f64(),
        cut.parts.len(),
        cut.shared.people.len(),
        cut.shared.orgs.len()
    );
    let q = Query {
        as_of,
        by,
        ..Query::default()
    };
    let root = cut.root.as_str().to_string();
    println!("| ledger | CSV bytes | partial bytes | share | index + partial s |");
    println!("|---|---:|---:|---:|---:|");
    let mut partials = Vec::new();
    let (mut worst, mut total_time) = (0.0f64, 0.0f64);
    let ledgers = std::iter::once(("_top".to_string(), &cut.top)).chain(
        cut.parts
            .iter()
            .map(|p| (p.root.as_str().to_string(), &p.ledger)),
    );
    for (name, l) in ledgers {
        let csv: usize = dangjian::ledger::to_csv_files(l)
            .iter()
            .map(|(_, t)| t.len())
            .sum();
        let t = Instant::now();
        let p = match Engine::new(l).partial(&q, &cut.shared, Some(&root)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("partials-size: {name}: {e}");
                return ExitCode::from(1);
            }
        };
        let bytes = match dangjian::partials::to_ipc(&p) {
            Ok(b) => b.len(),
            Err(e) => {
                eprintln!("partials-size: {name}: {e}");
                return ExitCode::from(1);
            }
        };
        let secs = t.elapsed().as_secs_f64();
        total_time += secs;
        let share = bytes as f64 / csv as f64;
        if name != "_top" {
            worst = worst.max(share);
        }
        println!(
            "| {name} | {csv} | {bytes} | {:.3}% | {secs:.2} |",
            share * 100.0
        );
        partials.push(p);
    }
    let t = Instant::now();
    let mut it = partials.into_iter();
    let mut merged = it.next().expect("the top");
    for p in it {
        if let Err(e) = merged.merge(p) {
            eprintln!("partials-size: merge: {e}");
            return ExitCode::from(1);
        }
    }
    let ev = match merged.finish() {
        Ok(ev) => ev,
        Err(e) => {
            eprintln!("partials-size: finish: {e}");
            return ExitCode::from(1);
        }
    };
    let merge_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let single = Engine::new(&whole).evaluate(&q);
    let single_secs = t.elapsed().as_secs_f64();
    let same = match &single {
        Ok(s) => {
            s.rows.len() == ev.rows.len()
                && s.rows.iter().zip(&ev.rows).all(|(a, b)| {
                    a.metric == b.metric
                        && a.scope == b.scope
                        && [
                            (a.value, b.value),
                            (a.numerator, b.numerator),
                            (a.denominator, b.denominator),
                        ]
                        .iter()
                        .all(|(x, y)| match (x, y) {
                            (Some(x), Some(y)) => (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                            (x, y) => x == y,
                        })
                })
        }
        Err(_) => false,
    };
    println!("largest part's share: {:.3}% of its CSV", worst * 100.0);
    println!(
        "parts' partial results, one after another: {total_time:.2} s; merge and finish: {merge_secs:.3} s; \
         one process on the whole (index + evaluate): {single_secs:.2} s; {} rows, equal to the whole's: {same}",
        ev.rows.len()
    );
    if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
