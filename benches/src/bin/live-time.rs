//! `live-time --data PATH [--writes N]`: what a write costs on a live ledger
//! (`dangjian::live`), in process, against building the engine and evaluating from scratch.
//!
//! Prints, for one-patrol writes (a road chief's patrol, an id like a phone's UUID, dated on
//! the ledger's latest day so that the default date stays), the median and p99 of:
//! `check_json` + `apply` (the write without its database commit), and the write plus
//! the default report read after it (`Live::evaluate` and its JSON); and the median of
//! three `Engine::new` + `evaluate` of the same query, with the ratios. The HTTP figures,
//! with the SQLite commit, are `benches/python/serve_load.py`'s.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use dangjian::live::Live;
use dangjian::metrics::{Engine, Query};
use dangjian::model::{RoleKind, Table};

use dangjian_benches::quantile;

fn main() -> ExitCode {
    let args = dangjian_benches::Args::from_env();
    let get = |flag: &str| args.get(flag);
    let Some(path) = get("--data") else {
        eprintln!("usage: live-time --data PATH [--writes N]");
        return ExitCode::from(2);
    };
    let writes: usize = get("--writes").and_then(|r| r.parse().ok()).unwrap_or(1000);
    let ledger = match dangjian::load(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("live-time: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{path}: {}", dangjian_benches::summary(&ledger));
    let q = Query::default();
    let mut full = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let e = Engine::new(&ledger);
        let ev = e.evaluate(&q).map(|ev| ev.rows.len());
        full.push(t.elapsed());
        if let Err(e) = ev {
            eprintln!("live-time: {e}");
            return ExitCode::from(1);
        }
    }
    let full = quantile(&mut full, 0.5);
    let roads: Vec<String> = ledger
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::RoadChief)
        .map(|r| r.target.as_str().to_string())
        .collect();
    let Some(day) = ledger.latest_date() else {
        eprintln!("live-time: the ledger has no dated record");
        return ExitCode::from(1);
    };
    if roads.is_empty() {
        eprintln!("live-time: the ledger has no road chief");
        return ExitCode::from(1);
    }
    let t = Instant::now();
    let mut live = Live::new(ledger);
    println!("{:34} {:>10.2?}", "Live::new", t.elapsed());
    if let Err(e) = live.evaluate(&q) {
        eprintln!("live-time: {e}");
        return ExitCode::from(1);
    }
    let (mut w, mut wr) = (Vec::new(), Vec::new());
    for i in 0..writes {
        let road = &roads[(i * 7919) % roads.len()];
        let body = format!(
            r#"[{{"id": "{:08x}-5a1e-4c0d-9b7e-{:012x}", "kind": "patrol", "date": "{day}", "subject": "{road}"}}]"#,
            i * 2_654_435_761 % 0xFFFF_FFFF,
            i
        );
        let t = Instant::now();
        let checked = match live.check_json(Table::Activities, &body, 10_000) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("live-time: write {i}: {e:?}");
                return ExitCode::from(1);
            }
        };
        live.apply(&checked);
        let write = t.elapsed();
        let json = live.evaluate(&q).map(|ev| ev.to_json().to_string().len());
        let both = t.elapsed();
        if json.is_err() {
            return ExitCode::from(1);
        }
        w.push(write);
        wr.push(both);
    }
    let (wm, wp) = (quantile(&mut w, 0.5), quantile(&mut w, 0.99));
    let (rm, rp) = (quantile(&mut wr, 0.5), quantile(&mut wr, 0.99));
    let ratio = |d: Duration| full.as_secs_f64() / d.as_secs_f64();
    println!(
        "{:34} {:>10.2?}",
        "Engine::new + evaluate (median of 3)", full
    );
    println!(
        "{:34} median {:>10.2?}  p99 {:>10.2?}  {:>7.1}x cheaper",
        "one-patrol write (check + apply)",
        wm,
        wp,
        ratio(wm)
    );
    println!(
        "{:34} median {:>10.2?}  p99 {:>10.2?}  {:>7.1}x cheaper",
        "write + report read",
        rm,
        rp,
        ratio(rm)
    );
    ExitCode::SUCCESS
}
