//! `page-time --data PATH [--repeat N] [--to PAGE.html] [--trend-months N]`: what the
//! dashboard page costs to build, one line per step (the page best of N): loading the
//! ledger, indexing it (`Engine::new`), evaluating every metric, and
//! `dangjian::report::page`; then its size. `--trend-months 0` leaves the trend out, to see
//! what it costs.
//! `benches/python/html_page.py` runs it, then times the page in Chromium.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use dangjian::metrics::{Engine, Query};
use dangjian::report::{page, PageOptions};
use dangjian_benches::summary;

fn main() -> ExitCode {
    let args = dangjian_benches::Args::from_env();
    let get = |flag: &str| args.get(flag);
    let Some(path) = get("--data") else {
        eprintln!("usage: page-time --data PATH [--repeat N] [--to PAGE.html] [--trend-months N]");
        return ExitCode::from(2);
    };
    let n: usize = get("--repeat").and_then(|r| r.parse().ok()).unwrap_or(3);
    let t = Instant::now();
    let ledger = match dangjian::load(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("page-time: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{path}: {}", summary(&ledger));
    println!("{:24} {:>10.2?}", "load (and validate)", t.elapsed());
    let t = Instant::now();
    let engine = Engine::new(&ledger);
    println!("{:24} {:>10.2?}", "index (Engine::new)", t.elapsed());
    let q = Query::default();
    let t = Instant::now();
    if let Err(e) = engine.evaluate(&q) {
        eprintln!("page-time: {e}");
        return ExitCode::from(1);
    }
    println!("{:24} {:>10.2?}", "evaluate every metric", t.elapsed());
    let mut opts = PageOptions {
        data: Some(path.clone()),
        ..PageOptions::default()
    };
    if let Some(m) = get("--trend-months").and_then(|m| m.parse().ok()) {
        opts.trend_months = m;
    }
    let mut best = Duration::MAX;
    let mut html = String::new();
    for _ in 0..n.max(1) {
        let t = Instant::now();
        html = match page(&ledger, &engine, &q, &opts) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("page-time: {e}");
                return ExitCode::from(1);
            }
        };
        best = best.min(t.elapsed());
    }
    println!("{:24} {:>10.2?} (best of {n})", "the page", best);
    println!(
        "{:24} {:>10.2} MB",
        "page size",
        html.len() as f64 / 1024.0 / 1024.0
    );
    if let Some(to) = get("--to") {
        if let Err(e) = std::fs::write(&to, &html) {
            eprintln!("page-time: {to}: {e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
