//! The page's "what needs attention" names coverage short of full and branches too small to
//! be viable, not only late tasks and lapsed duties.

use dangjian::metrics::{Engine, Query};
use dangjian::report::{page, PageOptions};

fn attention(json: &str) -> String {
    let l = dangjian::ledger::from_json_str(json).unwrap();
    let q = Query {
        as_of: chrono::NaiveDate::from_ymd_opt(2019, 7, 31),
        ..Query::default()
    };
    let html = page(&l, &Engine::new(&l), &q, &PageOptions::default()).unwrap();
    let start = html.find(r#"<section id="attention">"#).unwrap();
    let end = start + html[start..].find("</section>").unwrap();
    html[start..end].to_string()
}

#[test]
fn low_coverage_and_unviable_branches_need_attention() {
    // Two above-scale enterprises with no organisation, instructor or leadership link; one
    // road with no road chief; one branch of 2 formal members (a branch needs 3).
    let json = r#"{
      "format": "dangjian-ledger/1",
      "units": [
        {"id": "d", "kind": "district", "name": "区"},
        {"id": "e1", "kind": "enterprise", "name": "甲厂", "parent": "d", "above_scale": true},
        {"id": "e2", "kind": "enterprise", "name": "乙厂", "parent": "d", "above_scale": true},
        {"id": "r1", "kind": "road", "name": "一路", "parent": "d"}
      ],
      "orgs": [{"id": "b", "kind": "branch", "name": "机关支部", "hosts": ["d"], "established": "2018-01-01"}],
      "people": [
        {"id": "p1", "name": "甲", "org": "b", "joined": "2017-01-01", "confirmed": "2018-01-01"},
        {"id": "p2", "name": "乙", "org": "b", "joined": "2017-01-01", "confirmed": "2018-01-01"}
      ]
    }"#;
    let a = attention(json);
    assert!(!a.contains("nothing needs attention"), "{a}");
    // coverage.work: 0 of the 2 enterprises, 2 missing; likewise coverage.liaison.
    assert!(a.contains("工作覆盖率 <b>0</b>/2</a>，缺 2"), "{a}");
    assert!(a.contains("work coverage: 0 of 2, 2 missing"), "{a}");
    assert!(a.contains("联企覆盖率 <b>0</b>/2"), "{a}");
    // roads.chief_coverage: 0 of 1 road.
    assert!(a.contains("路长覆盖率 <b>0</b>/1"), "{a}");
    // orgs.viable: 0 of 1 branch viable, so 1 short.
    assert!(
        a.contains("正式党员不足3名的党支部 <b>1</b> 个</a>（共 1 个）"),
        "{a}"
    );
}

#[test]
fn full_coverage_and_viable_branches_say_nothing() {
    // One enterprise with its own branch of 3 formal members, an instructor and a liaison.
    let json = r#"{
      "format": "dangjian-ledger/1",
      "units": [
        {"id": "d", "kind": "district", "name": "区"},
        {"id": "e1", "kind": "enterprise", "name": "甲厂", "parent": "d", "above_scale": true}
      ],
      "orgs": [{"id": "b", "kind": "branch", "name": "甲厂支部", "hosts": ["e1"], "established": "2018-01-01"}],
      "people": [
        {"id": "p1", "name": "甲", "org": "b", "joined": "2017-01-01", "confirmed": "2018-01-01"},
        {"id": "p2", "name": "乙", "org": "b", "joined": "2017-01-01", "confirmed": "2018-01-01"},
        {"id": "p3", "name": "丙", "org": "b", "joined": "2017-01-01", "confirmed": "2018-01-01"},
        {"id": "p4", "name": "丁"}
      ],
      "roles": [
        {"person": "p4", "role": "instructor", "target": "e1", "start": "2019-01-01"},
        {"person": "p4", "role": "enterprise_liaison", "target": "e1", "start": "2019-01-01"}
      ]
    }"#;
    let a = attention(json);
    assert!(!a.contains("覆盖率"), "{a}");
    assert!(!a.contains("不足3名"), "{a}");
}
