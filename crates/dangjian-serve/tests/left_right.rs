//! The two copies of the live state: a read that holds a copy for a long evaluation
//! delays neither other reads nor the write's answer to them; after the flip every new
//! read sees the write; the write returns once both copies have it. In process, with the
//! store in memory, so that the order of events is deterministic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dangjian::model::Table;
use dangjian_serve::store::Memory;
use dangjian_serve::{Auth, Limits, Principal, Service};

fn service() -> Arc<Service> {
    let l = dangjian::example();
    Arc::new(Service::new(
        l.clone(),
        Some(Box::new(Memory::new(l))),
        Auth::Nobody,
        Limits::default(),
        "example".into(),
    ))
}

fn patrols(s: &Service) -> usize {
    s.read().ledger().activities.len()
}

#[test]
fn a_long_read_delays_no_other_read_and_new_reads_see_the_write_at_once() {
    let s = service();
    let n0 = patrols(&s);
    // A long evaluation holds the current copy...
    let long = s.read();
    // ... while a write arrives.
    let writer = {
        let s = s.clone();
        std::thread::spawn(move || {
            let body = r#"[{"id": "lr1", "kind": "patrol", "date": "2019-07-30", "subject": "huachuan_road"}]"#;
            s.append(&Principal::anonymous(), Table::Activities, |live| {
                live.check_json(Table::Activities, body, 100)
                    .map_err(|e| dangjian_serve::ApiError::bad_request(e.to_string()))
            })
            .map(|w| w.change)
            .map_err(|e| e.body.to_string())
        })
    };
    // The write is applied to the other copy and made current: new reads see it, without
    // waiting for the long read.
    let t = Instant::now();
    loop {
        let n = patrols(&s);
        if n == n0 + 1 {
            break;
        }
        assert_eq!(n, n0, "a read saw part of a write");
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the write never became visible"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // The write waits for the long read before it answers (the old copy gets it too).
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !writer.is_finished(),
        "answered before both copies had the write"
    );
    assert_eq!(
        long.ledger().activities.len(),
        n0,
        "the long read's state changed under it"
    );
    drop(long);
    assert_eq!(writer.join().unwrap(), Ok(1));
    // Both copies have it now: every read, whichever copy it takes.
    for _ in 0..10 {
        assert_eq!(patrols(&s), n0 + 1);
    }
    assert_eq!(s.changes(0).unwrap().len(), 1);
}
