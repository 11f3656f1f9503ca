//! Partial results (docs/PARTIALS.md): merged, they give exactly the rows of the whole.

mod common;

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
    // Every group of the example's partial result, a shared person's fields, and those of
    // a member of a shared org (the org of a member who joined long before).
    let ledger = dangjian::example();
    let mut shared = Shared::default();
    shared
        .people
        .insert(ledger.roles[0].person.as_str().to_string());
    let member = ledger
        .people
        .iter()
        .find(|p| p.org.is_some() && p.joined.is_some_and(|j| j < d(2019, 1, 1)))
        .expect("a member who joined before 2019");
    shared
        .orgs
        .insert(member.org.as_ref().unwrap().as_str().to_string());
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
        let g = if let Some(kind) = ["person:", "member:"]
            .iter()
            .find(|k| !entity.is_null(i) && entity.value(i).starts_with(**k))
        {
            format!("{kind}<id>")
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
    // A member is always eligible; the other flags as they are.
    let members = seen
        .remove("member:<id>")
        .expect("the shared org's members");
    let listed = documented.remove("member:<id>").unwrap();
    assert!(
        members.iter().all(|f| listed.contains(f)),
        "{members:?} not in {listed:?}"
    );
    assert!(members.contains(&"eligible".to_string()));
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

/// A branch, its members who joined before M (2019-01-31) and a group that holds an
/// assembly on 2019-06-01 listing one of them; the branch hosted at `hosts`, the group in
/// `v2`.
fn branch_and_group(hosts: &str) -> dangjian::model::Ledger {
    dangjian::ledger::from_json_str(&format!(
        r#"{{"format": "dangjian-ledger/1",
"units": [
  {{"id": "d", "kind": "district", "name": "区"}},
  {{"id": "v1", "kind": "village", "name": "一村", "parent": "d"}},
  {{"id": "v2", "kind": "village", "name": "二村", "parent": "d"}}
],
"orgs": [
  {{"id": "b", "kind": "branch", "name": "支部", "hosts": [{hosts}], "established": "2010-01-01"}},
  {{"id": "g", "kind": "group", "name": "二村小组", "hosts": ["v2"], "parent": "b", "established": "2010-01-01"}}
],
"people": [
  {{"id": "m1", "name": "一", "org": "b", "joined": "2000-01-01"}},
  {{"id": "m2", "name": "二", "org": "b", "joined": "2000-01-01"}},
  {{"id": "m3", "name": "三", "org": "b", "joined": "2018-12-31"}}
],
"activities": [
  {{"kind": "member_assembly", "date": "2019-06-01", "subject": "g", "people": ["m1"]}}
]}}"#
    ))
    .unwrap()
}

/// `members.no_org_life` of `whole` split by village, merged in every order: (numerator,
/// denominator) at the district and each village; checked against the whole's rows too.
fn no_org_life_merged(whole: &dangjian::model::Ledger) -> Vec<(String, Option<f64>, Option<f64>)> {
    use dangjian::ledger::parts::split;
    use dangjian::metrics::MetricId;
    let cut = split(whole, UnitKind::Village).unwrap();
    assert!(cut.shared.orgs.contains("b"), "{:?}", cut.shared);
    let q = Query {
        as_of: Some(d(2019, 7, 31)),
        by: Some(UnitKind::Village),
        metrics: Some(vec!["members.no_org_life".into()]),
        ..Query::default()
    };
    let partials = common::partials_of(&cut, &q, "d");
    let mut seen = Vec::new();
    for first in 0..partials.len() {
        let mut ps = partials.clone();
        let mut merged = ps.remove(first);
        for p in ps.into_iter().rev() {
            merged.merge(p).unwrap();
        }
        let rows = merged.finish().unwrap().rows;
        assert_eq!(rows, Engine::new(whole).evaluate(&q).unwrap().rows);
        seen = rows
            .iter()
            .filter(|r| r.metric == MetricId::Catalogue("members.no_org_life"))
            .map(|r| (r.scope.to_string(), r.numerator, r.denominator))
            .collect();
    }
    seen
}

/// The branch hosted in both villages, its group beside one copy: the group's assembly is
/// the branch's organisation life in both copies (docs/PARTIALS.md, `member:<id>` rows).
/// By hand: 2 of the branch's 3 members are without organisation life, at the district and
/// in each village (the branch is in both); the group has no members.
#[test]
fn a_group_beside_one_copy_of_its_branch_counts_for_every_copy() {
    let s = |x: &str| x.to_string();
    assert_eq!(
        no_org_life_merged(&branch_and_group(r#""v1", "v2""#)),
        vec![
            (s("d"), Some(2.0), Some(3.0)),
            (s("v1"), Some(2.0), Some(3.0)),
            (s("v2"), Some(2.0), Some(3.0)),
        ]
    );
}

/// The branch in `v1` only, its group in `v2` (split keeps the group's parent in
/// `x_split_parent` and copies the branch's members to `v2` with `x_split_org`): the
/// group's assembly still counts for the branch. By hand: 2 of 3 at the district and in
/// `v1`; in `v2` only the group, which recorded attendance and has no members (0 of 0).
#[test]
fn a_group_in_another_part_than_its_branch_counts_for_the_branch() {
    let whole = branch_and_group(r#""v1""#);
    let cut = dangjian::ledger::parts::split(&whole, UnitKind::Village).unwrap();
    let v2 = &cut
        .parts
        .iter()
        .find(|p| p.root.as_str() == "v2")
        .unwrap()
        .ledger;
    let copied: Vec<(&str, Option<&String>)> = v2
        .people
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.extra.get(dangjian::ledger::parts::ELSEWHERE_ORG),
            )
        })
        .collect();
    let b = "b".to_string();
    assert_eq!(
        copied,
        vec![("m1", Some(&b)), ("m2", Some(&b)), ("m3", Some(&b))]
    );
    let s = |x: &str| x.to_string();
    assert_eq!(
        no_org_life_merged(&whole),
        vec![
            (s("d"), Some(2.0), Some(3.0)),
            (s("v1"), Some(2.0), Some(3.0)),
            (s("v2"), Some(0.0), Some(0.0)),
        ]
    );
}

/// A manifest without `[shared]` is scanned (`find_shared`): the branch whose group is in
/// another part is shared as split lists it, so the scan gives split's table exactly.
#[test]
fn the_scan_shares_a_branch_whose_group_is_elsewhere_as_split_does() {
    use dangjian::ledger::parts::{find_shared, split};
    for hosts in [r#""v1""#, r#""v1", "v2""#] {
        let cut = split(&branch_and_group(hosts), UnitKind::Village).unwrap();
        let ledgers: Vec<&dangjian::model::Ledger> = std::iter::once(&cut.top)
            .chain(cut.parts.iter().map(|p| &p.ledger))
            .collect();
        let found = find_shared(&ledgers);
        assert!(found.orgs.contains("b"), "{hosts}: {found:?}");
        assert_eq!(found, cut.shared, "{hosts}");
    }
}

/// A part left out of a merge is an error when finishing, not rows that quietly leave its
/// figures out: the example cut into its two areas, the top and one area merged.
#[test]
fn a_part_left_out_is_named_when_finishing() {
    use dangjian::ledger::parts::split;
    let q = Query {
        as_of: Some(d(2019, 7, 31)),
        ..Query::default()
    };
    let parts = split(&dangjian::example(), UnitKind::Area).unwrap();
    let partial = |l: &dangjian::model::Ledger| {
        Engine::new(l)
            .partial(&q, &parts.shared, Some("chengxi"))
            .unwrap()
    };
    let mut merged = partial(&parts.top);
    merged.merge(partial(&parts.parts[0].ledger)).unwrap();
    let left_out = parts.parts[1].root.as_str().to_string();
    assert_eq!(
        merged.finish().unwrap_err().to_string(),
        format!(
            "the partial results of the parts with root `{left_out}` were not merged: the rows would leave their figures out; merge the partial result of every part of the manifest (and of the top)"
        )
    );
    // With it, the rows are the whole's.
    merged.merge(partial(&parts.parts[1].ledger)).unwrap();
    let rows = merged.finish().unwrap();
    let whole = Engine::new(&dangjian::example()).evaluate(&q).unwrap();
    assert_eq!(rows.rows.len(), whole.rows.len());
}
