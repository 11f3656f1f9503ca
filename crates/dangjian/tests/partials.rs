//! Partial results (docs/PARTIALS.md): merged, they give exactly the rows of the whole.

use chrono::NaiveDate;
use dangjian::ledger::parts::Shared;
use dangjian::metrics::{Engine, Query};
use dangjian::model::UnitKind;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn the_whole_as_one_part_finishes_to_its_evaluation() {
    let ledger = dangjian::example();
    let engine = Engine::new(&ledger);
    for by in [
        None,
        Some(UnitKind::Area),
        Some(UnitKind::Block),
        Some(UnitKind::Village),
        Some(UnitKind::Enterprise),
    ] {
        let q = Query {
            as_of: Some(d(2019, 7, 31)),
            by,
            ..Query::default()
        };
        let p = engine.partial(&q, &Shared::default(), None).unwrap();
        assert_eq!(
            p.finish().unwrap(),
            engine.evaluate(&q).unwrap(),
            "by {by:?}"
        );
    }
}
