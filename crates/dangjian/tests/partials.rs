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

/// docs/PARTIALS.md lists each group's fields as the partial results carry them.
#[test]
fn the_documented_fields_are_those_of_the_table() {
    use arrow_array::{Array, StringArray};
    use std::collections::BTreeMap;
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/PARTIALS.md"
    ))
    .unwrap();
    let table = &doc[doc.find("| group | fields |").expect("the fields table")..];
    let mut documented: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let names = |cell: &str| -> Vec<String> {
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        let group = names(cells[1]).remove(0);
        let fields = if cells[2].starts_with("as `") {
            documented[&names(cells[2])[0]].clone()
        } else {
            names(cells[2])
        };
        documented.insert(group, fields);
    }
    // Every group of the example's partial result, and a shared person's fields.
    let ledger = dangjian::example();
    let mut shared = Shared::default();
    shared
        .people
        .insert(ledger.roles[0].person.as_str().to_string());
    let q = Query {
        as_of: Some(d(2019, 7, 31)),
        ..Query::default()
    };
    let p = Engine::new(&ledger).partial(&q, &shared, None).unwrap();
    let batch = dangjian::partials::to_batch(&p).unwrap();
    let col = |n: &str| {
        batch
            .column_by_name(n)
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone()
    };
    let (entity, group, field) = (col("entity"), col("group"), col("field"));
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..batch.num_rows() {
        let g = if !entity.is_null(i) {
            "person:<id>".to_string()
        } else if let Some(k) = ["duty.", "indicator."]
            .iter()
            .find(|k| group.value(i).starts_with(**k))
        {
            format!("{k}<id>")
        } else {
            group.value(i).to_string()
        };
        let fields = seen.entry(g).or_default();
        if !fields.contains(&field.value(i).to_string()) {
            fields.push(field.value(i).to_string());
        }
    }
    // A person's fields at 0 are left out of their rows: those shown are documented.
    let person = seen
        .remove("person:<id>")
        .expect("the shared person's rows");
    let listed = documented.remove("person:<id>").unwrap();
    assert!(
        person.iter().all(|f| listed.contains(f)),
        "{person:?} not in {listed:?}"
    );
    assert!(person.contains(&"in_scope".to_string()));
    assert_eq!(seen, documented);
}

/// Parts that overlap (an area and a village inside it) do not merge: the top's tree shows
/// the village's root below the area's.
#[test]
fn overlapping_parts_do_not_merge() {
    use dangjian::ledger::parts::split;
    let ledger = dangjian::example();
    let q = Query {
        as_of: Some(d(2019, 7, 31)),
        ..Query::default()
    };
    let areas = split(&ledger, UnitKind::Area).unwrap();
    let villages = split(&ledger, UnitKind::Village).unwrap();
    let area = &areas.parts[0];
    // A village inside that area, as a part of its own.
    let inner = villages
        .parts
        .iter()
        .find(|v| area.ledger.units.iter().any(|u| u.id == v.root))
        .expect("a village in the first area");
    let mut merged = Engine::new(&villages.top)
        .partial(&q, &villages.shared, Some("chengxi"))
        .unwrap();
    for l in [&area.ledger, &inner.ledger] {
        merged
            .merge(
                Engine::new(l)
                    .partial(&q, &villages.shared, Some("chengxi"))
                    .unwrap(),
            )
            .unwrap();
    }
    let e = merged.finish().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "the parts overlap: the part with root `{}` lies inside the part with root `{}`; a manifest's parts must not share units",
            inner.root.as_str(),
            area.root.as_str()
        )
    );
}

/// A generated city of three districts cut into its districts: the partial results merge to
/// the rows of the whole, with and without a breakdown by district, and each district's
/// partial result is far smaller than its ledger.
#[test]
fn a_generated_city_cut_into_districts_merges_to_the_whole() {
    use dangjian::ledger::parts::split;
    let whole = dangjian::synth::generate(&dangjian::synth::Spec::districts(3));
    let cut = split(&whole, UnitKind::District).unwrap();
    assert_eq!(cut.parts.len(), 3);
    assert!(!cut.shared.people.is_empty(), "people in several districts");
    let engine = Engine::new(&whole);
    let root = cut.root.as_str();
    for by in [None, Some(UnitKind::District)] {
        let q = Query {
            as_of: Some(d(2019, 7, 31)),
            by,
            ..Query::default()
        };
        let mut merged = Engine::new(&cut.top)
            .partial(&q, &cut.shared, Some(root))
            .unwrap();
        for p in &cut.parts {
            let part = Engine::new(&p.ledger)
                .partial(&q, &cut.shared, Some(root))
                .unwrap();
            let bytes = dangjian::partials::to_ipc(&part).unwrap().len();
            let csv: usize = dangjian::ledger::to_csv_files(&p.ledger)
                .iter()
                .map(|(_, t)| t.len())
                .sum();
            assert!(
                bytes * 100 < csv,
                "{}: {bytes} bytes of partial result for {csv} of CSV",
                p.root
            );
            merged.merge(part).unwrap();
        }
        let got = merged.finish().unwrap();
        let want = engine.evaluate(&q).unwrap();
        assert_eq!(got.rows.len(), want.rows.len());
        // The city and, by district, each of its three districts: four blocks of rows.
        let blocks = got
            .rows
            .iter()
            .filter(|r| r.metric == got.rows[0].metric)
            .count();
        assert_eq!(blocks, if by.is_some() { 4 } else { 1 });
        for (a, b) in got.rows.iter().zip(&want.rows) {
            assert_eq!(
                (&a.metric, &a.scope, a.target, a.due),
                (&b.metric, &b.scope, b.target, b.due)
            );
            for (x, y) in [
                (a.value, b.value),
                (a.numerator, b.numerator),
                (a.denominator, b.denominator),
            ] {
                match (x, y) {
                    (Some(x), Some(y)) => {
                        assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0), "{a:?} != {b:?}")
                    }
                    (x, y) => assert_eq!(x, y, "{a:?} != {b:?}"),
                }
            }
        }
    }
}
