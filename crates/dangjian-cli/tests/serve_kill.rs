//! docs/SERVICE.md, "What it must withstand": the service killed (`kill -9`) while a
//! client writes. After a restart every answered write is there, no unanswered write is
//! there in part, and the served report equals `dangjian report` on the database.

mod serving;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serving::{client, patrol, run, token, Dir, Served};

/// One request of the client: its row ids, and whether it was answered 201.
struct Sent {
    ids: Vec<String>,
    body: String,
    answered: bool,
}

const ROADS: [&str; 4] = ["huachuan_road", "xizhou_road", "lidian_road", "g330_road"];

#[test]
fn killed_while_writing_it_keeps_every_answered_write_and_no_half_request() {
    let dir = Dir::new("kill");
    let db = dir.path("ledger.sqlite");
    let tokens = dir.path("tokens.toml");
    run(&["export", "--to", db.to_str().unwrap()]);
    let tok = token(&tokens, "patroller", "chengxi", "append");
    let n0 = dangjian::load(&db).unwrap().activities.len();
    let mut all: Vec<Sent> = Vec::new();
    // Three kills at different moments of the stream of writes.
    for (cycle, wait_ms) in [(0, 400u64), (1, 900), (2, 1500)] {
        let served = Served::start(&db, &tokens);
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (url, tok, stop) = (served.url("/api/v1/activities"), tok.clone(), stop.clone());
            std::thread::spawn(move || {
                let c = client();
                let mut sent = Vec::new();
                for i in 0..100_000 {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let ids: Vec<String> = (0..1 + i % 5)
                        .map(|j| format!("k{cycle}_{i}_{j}"))
                        .collect();
                    let rows: Vec<_> = ids
                        .iter()
                        .enumerate()
                        .map(|(j, id)| {
                            patrol(
                                id,
                                ROADS[(i + j) % 4],
                                &format!("2019-07-{:02}", 1 + (i + j) % 28),
                            )
                        })
                        .collect();
                    let body = serde_json::Value::Array(rows).to_string();
                    let r = c
                        .post(&url)
                        .bearer_auth(&tok)
                        .header("content-type", "application/json")
                        .body(body.clone())
                        .send();
                    let answered = match r {
                        Ok(r) => {
                            let status = r.status();
                            let _ = r.text();
                            assert_eq!(status, 201);
                            status == 201
                        }
                        // The server is gone: this request (and any after) is unanswered.
                        Err(_) => false,
                    };
                    sent.push(Sent {
                        ids,
                        body,
                        answered,
                    });
                    if !answered {
                        break;
                    }
                }
                sent
            })
        };
        std::thread::sleep(Duration::from_millis(wait_ms));
        served.kill();
        stop.store(true, Ordering::Relaxed);
        let sent = writer.join().unwrap();
        assert!(
            sent.iter().filter(|s| s.answered).count() > 0,
            "cycle {cycle}: nothing was written before the kill"
        );
        all.extend(sent);
    }

    // Restarted: what is stored is read by another process and by the service.
    let served = Served::start(&db, &tokens);
    let l = dangjian::load(&db).unwrap();
    let stored: HashSet<String> = l
        .activities
        .iter()
        .filter_map(|a| a.id.as_ref().map(|i| i.text().to_string()))
        .collect();
    let mut answered_rows = 0;
    for s in &all {
        let present = s
            .ids
            .iter()
            .filter(|id| stored.contains(id.as_str()))
            .count();
        if s.answered {
            assert_eq!(
                present,
                s.ids.len(),
                "an answered write lost rows: {:?}",
                s.ids
            );
            answered_rows += s.ids.len();
        } else {
            assert!(
                present == 0 || present == s.ids.len(),
                "half a write stored: {:?} ({present} of them)",
                s.ids
            );
        }
    }
    // Nothing but what was sent, and nothing twice.
    let new = l.activities.len() - n0;
    assert!(new >= answered_rows);
    assert_eq!(
        new,
        all.iter()
            .flat_map(|s| &s.ids)
            .filter(|id| stored.contains(id.as_str()))
            .count()
    );
    // The served report is the command line's on the database, run while the service runs.
    let c = client();
    let served_report = c
        .get(served.url("/api/v1/report"))
        .bearer_auth(&tok)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let cli_report = run(&["report", "--data", db.to_str().unwrap(), "--format", "json"]);
    assert_eq!(served_report, cli_report);
    // So are the drill-downs (JSON and CSV), the statistics and the catalogue, byte for byte.
    let data = db.to_str().unwrap();
    for (path, args) in [
        (
            "/api/v1/duties?as_of=2019-07-31&by=area",
            vec![
                "duties",
                "--as-of",
                "2019-07-31",
                "--by",
                "area",
                "--format",
                "json",
            ],
        ),
        (
            "/api/v1/tasks?format=csv&scope=huachuan_area",
            vec!["tasks", "--scope", "huachuan_area", "--format", "csv"],
        ),
        ("/api/v1/coverage", vec!["coverage", "--format", "json"]),
        (
            "/api/v1/cadres?format=csv",
            vec!["cadres", "--format", "csv"],
        ),
        (
            "/api/v1/stats/org_life",
            vec!["stats", "org_life", "--format", "json"],
        ),
        (
            "/api/v1/stats/enterprise_orgs?by=area",
            vec![
                "stats",
                "enterprise_orgs",
                "--by",
                "area",
                "--format",
                "json",
            ],
        ),
        (
            "/api/v1/report?metrics=tasks,coverage.org&from=2019-03-01",
            vec![
                "report",
                "--metrics",
                "tasks,coverage.org",
                "--from",
                "2019-03-01",
                "--format",
                "json",
            ],
        ),
        ("/api/v1/catalogue", vec!["catalogue", "--format", "json"]),
    ] {
        let served = c
            .get(served.url(path))
            .bearer_auth(&tok)
            .send()
            .unwrap()
            .text()
            .unwrap();
        let mut cli = args.clone();
        cli.extend(["--data", data]);
        assert_eq!(served, run(&cli), "{path}");
    }
    // An unanswered request sent again is stored whole now, or found whole.
    for s in all.iter().filter(|s| !s.answered) {
        let r = c
            .post(served.url("/api/v1/activities"))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(s.body.clone())
            .send()
            .unwrap();
        assert_eq!(r.status(), 201);
        let a: serde_json::Value = serde_json::from_str(&r.text().unwrap()).unwrap();
        let n = s.ids.len() as u64;
        let counts = (
            a["added"].as_u64().unwrap(),
            a["unchanged"].as_u64().unwrap(),
        );
        assert!(counts == (n, 0) || counts == (0, n), "{counts:?} of {n}");
    }
}
