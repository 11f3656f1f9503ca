//! The two copies of the live state: a read that holds a copy for a long evaluation
//! delays neither other reads nor the write's answer; after the flip every new read sees
//! the write; the copy the long read holds takes the write when the next write comes, which
//! waits for that read. In process, with the store in memory, so that the order of events
//! is deterministic.

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
    let write = |id: &'static str| {
        let s = s.clone();
        std::thread::spawn(move || {
            let body = format!(
                r#"[{{"id": "{id}", "kind": "patrol", "date": "2019-07-30", "subject": "huachuan_road"}}]"#
            );
            s.append(&Principal::anonymous(), Table::Activities, |live| {
                live.check_json(Table::Activities, &body, 100)
                    .map_err(|e| dangjian_serve::ApiError::bad_request(e.to_string()))
            })
            .map(|w| w.change)
            .map_err(|e| e.body.to_string())
        })
    };
    // The write is applied to the other copy and made current, and answered, without
    // waiting for the long read; new reads see it.
    let first = write("lr1");
    let t = Instant::now();
    while !first.is_finished() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the write waited for the long read"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(first.join().unwrap(), Ok(1));
    for _ in 0..10 {
        assert_eq!(
            patrols(&s),
            n0 + 1,
            "a read after the answer missed the write"
        );
    }
    assert_eq!(
        long.ledger().activities.len(),
        n0,
        "the long read's state changed under it"
    );
    // The next write needs the copy the long read holds (to bring it up to date): it waits
    // for that read, while reads go on.
    let second = write("lr2");
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !second.is_finished(),
        "the long read's copy was written under it"
    );
    assert_eq!(patrols(&s), n0 + 1);
    drop(long);
    assert_eq!(second.join().unwrap(), Ok(2));
    // Every read sees both writes, whichever copy it takes; each copy has each write once.
    for _ in 0..10 {
        assert_eq!(patrols(&s), n0 + 2);
    }
    let third = write("lr3");
    assert_eq!(third.join().unwrap(), Ok(3));
    for _ in 0..10 {
        let ids: Vec<String> = s
            .read()
            .ledger()
            .activities
            .iter()
            .skip(n0)
            .filter_map(|a| a.id.as_ref().map(|i| i.text().to_string()))
            .collect();
        assert_eq!(ids, ["lr1", "lr2", "lr3"]);
    }
    assert_eq!(s.changes(0).unwrap().len(), 3);
}
