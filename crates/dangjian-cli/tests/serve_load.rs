//! docs/SERVICE.md, "What it must withstand": many readers and writers at once (8 readers,
//! 2 writers, 20 s on a generated district). No 5xx, no lost or doubled row, and reads do
//! not wait on the long evaluations of other reads.

mod serving;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serving::{client, patrol, run, token, Dir, Served};

const SECONDS: u64 = 20;

/// The reads, long (uncached evaluations at every month end, the page) and short.
fn read_path(reader: usize, i: usize) -> String {
    let month = 1 + (reader * 7 + i) % 12;
    let day = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    let as_of = format!("2019-{month:02}-{day}");
    match i % 6 {
        0 => format!("/api/v1/report?by=village&as_of={as_of}"),
        1 => format!("/?as_of={as_of}"),
        2 => format!("/api/v1/duties?as_of={as_of}&format=csv"),
        3 => format!("/api/v1/stats/org_life?as_of={as_of}"),
        4 => format!("/api/v1/tasks?as_of={as_of}"),
        _ => "/api/v1/report".to_string(),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

#[test]
fn eight_readers_and_two_writers_for_20_seconds_lose_nothing_and_never_fail() {
    let dir = Dir::new("load");
    let db = dir.path("ledger.sqlite");
    let tokens = dir.path("tokens.toml");
    run(&["generate", "--districts", "1", "--to", db.to_str().unwrap()]);
    let l0 = dangjian::load(&db).unwrap();
    let tok = token(&tokens, "load", l0.units[0].id.as_str(), "admin");
    let n0 = l0.activities.len();
    let roads: Vec<String> = l0
        .units
        .iter()
        .filter(|u| u.kind == dangjian::model::UnitKind::Road)
        .map(|u| u.id.to_string())
        .take(20)
        .collect();
    assert!(!roads.is_empty());
    let served = Served::start(&db, &tokens);
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(SECONDS);

    let readers: Vec<_> = (0..8)
        .map(|r| {
            let (base, tok, stop) = (served.base.clone(), tok.clone(), stop.clone());
            std::thread::spawn(move || {
                let c = client();
                let mut seconds = Vec::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let path = read_path(r, i);
                    let t = Instant::now();
                    let res = c
                        .get(format!("{base}{path}"))
                        .bearer_auth(&tok)
                        .send()
                        .unwrap();
                    let status = res.status();
                    let body = res.text().unwrap();
                    assert_eq!(status, 200, "{path}: {body}");
                    assert!(!body.is_empty());
                    seconds.push(t.elapsed().as_secs_f64());
                    i += 1;
                }
                seconds
            })
        })
        .collect();

    // Each writer: new rows in batches of 1 to 20, and every 4th request one sent before.
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (base, tok, stop, roads) = (
                served.base.clone(),
                tok.clone(),
                stop.clone(),
                roads.clone(),
            );
            std::thread::spawn(move || {
                let c = client();
                let mut sent: Vec<(Vec<String>, String)> = Vec::new();
                let mut added = 0u64;
                let mut answers = 0u64;
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let again = n % 4 == 3 && !sent.is_empty();
                    let (ids, body) = if again {
                        sent[n % sent.len()].clone()
                    } else {
                        let ids: Vec<String> = (0..1 + n % 20)
                            .map(|j| format!("load{w}_{n}_{j}"))
                            .collect();
                        let rows: Vec<_> = ids
                            .iter()
                            .enumerate()
                            .map(|(j, id)| {
                                patrol(
                                    id,
                                    &roads[(n + j) % roads.len()],
                                    &format!("2019-06-{:02}", 1 + (n + j) % 30),
                                )
                            })
                            .collect();
                        (ids, serde_json::Value::Array(rows).to_string())
                    };
                    let res = c
                        .post(format!("{base}/api/v1/activities"))
                        .bearer_auth(&tok)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send()
                        .unwrap();
                    let status = res.status();
                    let a: serde_json::Value = serde_json::from_str(&res.text().unwrap()).unwrap();
                    assert_eq!(status, 201, "{a}");
                    answers += 1;
                    let k = ids.len() as u64;
                    if again {
                        assert_eq!(
                            (a["added"].as_u64(), a["unchanged"].as_u64()),
                            (Some(0), Some(k)),
                            "{a}"
                        );
                    } else {
                        assert_eq!(
                            (a["added"].as_u64(), a["unchanged"].as_u64()),
                            (Some(k), Some(0)),
                            "{a}"
                        );
                        added += k;
                        sent.push((ids, body));
                    }
                    n += 1;
                }
                (sent, added, answers)
            })
        })
        .collect();

    // A short read now and then, timed: it must not wait for the long ones.
    let c = client();
    let mut short = Vec::new();
    while Instant::now() < deadline {
        let t = Instant::now();
        let r = c
            .get(served.url("/api/v1/catalogue"))
            .bearer_auth(&tok)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let _ = r.text().unwrap();
        short.push(t.elapsed().as_secs_f64());
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, Ordering::Relaxed);
    let long: Vec<f64> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    let mut ids: Vec<String> = Vec::new();
    let (mut added, mut answers) = (0, 0);
    for w in writers {
        let (sent, a, n) = w.join().unwrap();
        ids.extend(sent.into_iter().flat_map(|s| s.0));
        added += a;
        answers += n;
    }
    assert!(
        long.len() >= 8 && answers >= 2,
        "{} reads, {answers} writes",
        long.len()
    );

    // Nothing lost, nothing doubled: every new id once, as another reader of the file sees.
    let l = dangjian::load(&db).unwrap();
    assert_eq!(l.activities.len() - n0, added as usize);
    let mut count: HashMap<String, usize> = HashMap::new();
    for a in &l.activities {
        if let Some(id) = &a.id {
            *count.entry(id.text().to_string()).or_default() += 1;
        }
    }
    for id in &ids {
        assert_eq!(count.get(id.as_str()), Some(&1), "{id}");
    }
    // One change per answered write, and the served report is the command line's.
    let log: serde_json::Value = serde_json::from_str(
        &c.get(served.url("/api/v1/changes"))
            .bearer_auth(&tok)
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(log["changes"].as_array().unwrap().len() as u64, answers);
    let served_report = c
        .get(served.url("/api/v1/report"))
        .bearer_auth(&tok)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        served_report,
        run(&["report", "--data", db.to_str().unwrap(), "--format", "json"])
    );

    // Reads did not queue behind the long evaluations: the short read's typical time is a
    // fraction of theirs (both share the same two cores).
    let (short_median, long_median) = (median(short.clone()), median(long.clone()));
    eprintln!(
        "{} reads (median {long_median:.3} s), {answers} writes ({added} rows), short read median {short_median:.3} s, max {:.3} s",
        long.len(),
        short.iter().copied().fold(0.0, f64::max)
    );
    assert!(
        short_median < long_median / 2.0,
        "short {short_median:.3} s vs long {long_median:.3} s"
    );
}
