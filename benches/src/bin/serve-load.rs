//! `serve-load --data L.sqlite [--writes N] [--seconds S] [--dangjian PATH]`: the live
//! service under load, over HTTP on 127.0.0.1, against building the engine from scratch.
//!
//! 1. In this process: the median of three `Engine::new` + `evaluate` of the default query
//!    on the ledger (what answering a new record costs without the live ledger).
//! 2. `dangjian serve --data L --no-auth` on a free loopback port, a copy of the database
//!    in a temporary folder so that the original stays as it was.
//! 3. N one-patrol writes (`POST /api/v1/activities`: validated, committed, applied), each
//!    followed by `GET /api/v1/report`: median and p99 of each, and their ratios.
//! 4. For S seconds, 8 readers (`GET /api/v1/report`, half of them with `by=area`) and 2
//!    writers at once: requests per second, medians and p99s, and any 5xx (there must be
//!    none); then every answered write is checked to be in the ledger once.
//!
//! The server's peak resident memory is read from `/proc` when it stops.

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dangjian::metrics::{Engine, Query};
use dangjian::model::RoleKind;

use dangjian_benches::quantile;

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The peak resident memory of process `pid` (`VmHWM`), in MiB.
fn peak_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve-load: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = dangjian_benches::Args::from_env();
    let get = |flag: &str| args.get(flag);
    let data = get("--data")
        .ok_or("usage: serve-load --data L.sqlite [--writes N] [--seconds S] [--dangjian PATH]")?;
    let writes: usize = get("--writes").and_then(|r| r.parse().ok()).unwrap_or(1000);
    let seconds: u64 = get("--seconds").and_then(|r| r.parse().ok()).unwrap_or(20);
    let exe = get("--dangjian").unwrap_or_else(|| "target/release/dangjian".into());

    // 1. The full build, in process.
    let ledger = dangjian::load(&data)?;
    println!("{data}: {}", dangjian_benches::summary(&ledger));
    let q = Query::default();
    let mut full = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let rows = Engine::new(&ledger).evaluate(&q)?.rows.len();
        full.push(t.elapsed());
        std::hint::black_box(rows);
    }
    let full = quantile(&mut full, 0.5);
    let roads: Vec<String> = ledger
        .roles
        .iter()
        .filter(|r| r.role == RoleKind::RoadChief)
        .map(|r| r.target.as_str().to_string())
        .collect();
    let day = ledger
        .latest_date()
        .ok_or("the ledger has no dated record")?;
    if roads.is_empty() {
        return Err("the ledger has no road chief".into());
    }
    let n_acts = ledger.activities.len();
    drop(ledger);

    // 2. The server, on a copy.
    let dir = std::env::temp_dir().join(format!("serve-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("ledger.sqlite");
    std::fs::copy(&data, &db)?;
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let t = Instant::now();
    let server = Server(
        Command::new(&exe)
            .args(["serve", "--data"])
            .arg(&db)
            .args(["--listen", &format!("127.0.0.1:{port}"), "--no-auth"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?,
    );
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    loop {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        if t.elapsed() > Duration::from_secs(300) {
            return Err("the server did not answer /healthz within 300 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    println!(
        "{:40} {:>10.2?}",
        "server up (load, index, first answer)",
        t.elapsed()
    );
    let report = format!("{base}/api/v1/report");
    client.get(&report).send()?.error_for_status()?;

    let roads = Arc::new(roads);
    let patrol = move |i: usize| {
        format!(
            r#"[{{"id": "{:08x}-5a1e-4c0d-9b7e-{:012x}", "kind": "patrol", "date": "{day}", "subject": "{}"}}]"#,
            (i as u64).wrapping_mul(2_654_435_761) % 0xFFFF_FFFF,
            i,
            roads[(i * 7919) % roads.len()]
        )
    };
    let post = |client: &reqwest::blocking::Client, i: usize| -> Result<(), String> {
        let r = client
            .post(format!("{base}/api/v1/activities"))
            .header("content-type", "application/json")
            .body(patrol(i))
            .send()
            .map_err(|e| e.to_string())?;
        match r.status().as_u16() {
            201 => Ok(()),
            s => Err(format!("write {i}: {s} {}", r.text().unwrap_or_default())),
        }
    };

    // 3. One write, then the report.
    let (mut w, mut r) = (Vec::with_capacity(writes), Vec::with_capacity(writes));
    for i in 0..writes {
        let t = Instant::now();
        post(&client, i)?;
        w.push(t.elapsed());
        let t = Instant::now();
        client.get(&report).send()?.error_for_status()?.bytes()?;
        r.push(t.elapsed());
    }
    let both: Vec<Duration> = w.iter().zip(&r).map(|(a, b)| *a + *b).collect();
    let mut both = both;
    let ratio = |d: Duration| full.as_secs_f64() / d.as_secs_f64();
    println!(
        "{:40} {:>10.2?}",
        "Engine::new + evaluate (median of 3)", full
    );
    for (what, v) in [
        ("POST one patrol", &mut w),
        ("GET report after it", &mut r),
        ("write + report read", &mut both),
    ] {
        let (m, p) = (quantile(v, 0.5), quantile(v, 0.99));
        println!(
            "{what:40} median {m:>10.2?}  p99 {p:>10.2?}  {:>7.1}x cheaper",
            ratio(m)
        );
    }

    // 4. 8 readers and 2 writers at once.
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let lat_r = Arc::new(Mutex::new(Vec::new()));
    let lat_w = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(AtomicUsize::new(writes));
    let mut threads = Vec::new();
    for k in 0..10 {
        let (stop, errors, lat_r, lat_w, next) = (
            stop.clone(),
            errors.clone(),
            lat_r.clone(),
            lat_w.clone(),
            next.clone(),
        );
        let client = client.clone();
        let (report, base) = (report.clone(), base.clone());
        let patrol = patrol.clone();
        threads.push(std::thread::spawn(move || {
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = if k < 8 {
                    let url = if k % 2 == 0 {
                        report.clone()
                    } else {
                        format!("{report}?by=area")
                    };
                    client.get(url).send().map(|r| r.status().as_u16())
                } else {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    client
                        .post(format!("{base}/api/v1/activities"))
                        .header("content-type", "application/json")
                        .body(patrol(i))
                        .send()
                        .map(|r| r.status().as_u16())
                };
                match ok {
                    Ok(200 | 201) => mine.push(t.elapsed()),
                    other => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!(
                                "serve-load: {} failed: {other:?}",
                                if k < 8 { "a read" } else { "a write" }
                            );
                        }
                    }
                }
            }
            if k < 8 {
                lat_r.lock().map(|mut l| l.extend(mine)).ok();
            } else {
                lat_w.lock().map(|mut l| l.extend(mine)).ok();
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let mut lr = lat_r.lock().map_err(|_| "lock")?.clone();
    let mut lw = lat_w.lock().map_err(|_| "lock")?.clone();
    println!(
        "8 readers + 2 writers, {seconds} s: {:.0} reads/s (median {:.2?}, p99 {:.2?}), {:.0} writes/s (median {:.2?}, p99 {:.2?}), {} failed",
        lr.len() as f64 / seconds as f64,
        quantile(&mut lr, 0.5),
        quantile(&mut lr, 0.99),
        lw.len() as f64 / seconds as f64,
        quantile(&mut lw, 0.5),
        quantile(&mut lw, 0.99),
        errors.load(Ordering::Relaxed)
    );
    let written = next.load(Ordering::Relaxed);
    let pid = server.0.id();
    let peak = peak_mib(pid);
    drop(server);
    let after = dangjian::load(&db)?;
    let want = n_acts + writes + lw.len();
    println!(
        "activities after: {} (expected {want}: {} before, every answered write once); server peak {}",
        after.activities.len(),
        n_acts,
        peak.map_or("n/a".into(), |p| format!("{p:.0} MiB"))
    );
    let _ = written;
    let _ = std::fs::remove_dir_all(&dir);
    if after.activities.len() != want {
        return Err("written rows lost or doubled".into());
    }
    Ok(())
}
