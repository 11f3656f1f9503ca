//! Pseudonymizing the example: it still loads and validates in every form, and every metric
//! comes out identical.

use dangjian::metrics::{evaluate, Query};
use dangjian::privacy::{pseudonymize, PseudonymizeOptions};

fn opts(coarsen: bool) -> PseudonymizeOptions {
    PseudonymizeOptions {
        coarsen_birth_dates: coarsen,
        salt: "城西-2019".into(),
    }
}

#[test]
fn pseudonymized_example_loads_and_validates_in_every_form() {
    let shared = pseudonymize(&dangjian::example(), &opts(true));
    assert!(!shared.validate().has_errors(), "{}", shared.validate());
    let dir = std::env::temp_dir().join(format!("dangjian-privacy-{}", std::process::id()));
    for path in [
        dir.join("csv"),
        dir.join("shared.json"),
        dir.join("shared.xlsx"),
    ] {
        dangjian::ledger::save(&shared, &path).unwrap();
        assert_eq!(
            dangjian::ledger::load(&path).unwrap(),
            shared,
            "{}",
            path.display()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn pseudonymized_example_gives_identical_metric_rows() {
    let example = dangjian::example();
    let shared = pseudonymize(&example, &opts(false));
    let q = Query::default();
    let before = evaluate(&example, &q).unwrap();
    let after = evaluate(&shared, &q).unwrap();
    assert!(!before.rows.is_empty());
    assert_eq!(after.rows, before.rows);
    // Broken down by village too.
    let by = Query {
        by: Some(dangjian::model::UnitKind::Village),
        ..Query::default()
    };
    assert_eq!(
        evaluate(&shared, &by).unwrap().rows,
        evaluate(&example, &by).unwrap().rows
    );
}

#[test]
fn coarsened_birth_dates_still_evaluate() {
    // Ages may move by up to a year, so only the shape is compared: same metrics, same scopes.
    let example = dangjian::example();
    let shared = pseudonymize(&example, &opts(true));
    let before = evaluate(&example, &Query::default()).unwrap();
    let after = evaluate(&shared, &Query::default()).unwrap();
    let ids = |e: &dangjian::metrics::Evaluation| {
        e.rows
            .iter()
            .map(|r| (r.metric.clone(), r.scope.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&after), ids(&before));
}
