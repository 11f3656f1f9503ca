//! Messages read as sentences: one of a thing is singular.

use dangjian::ledger;

#[test]
fn a_branch_with_one_formal_member_says_member_not_members() {
    // A district with one branch: p1 is formal (confirmed), p2 only joined (probationary).
    let json = r#"{
      "format": "dangjian-ledger/1",
      "units": [{"id": "d", "kind": "district", "name": "区"}],
      "orgs": [{"id": "b1", "kind": "branch", "name": "一支部", "hosts": ["d"], "established": "2019-01-01"}],
      "people": [
        {"id": "p1", "name": "甲", "org": "b1", "joined": "2018-01-01", "confirmed": "2019-01-01"},
        {"id": "p2", "name": "乙", "org": "b1", "joined": "2019-02-01"}
      ]
    }"#;
    let loaded = ledger::from_json_str_with(json, &Default::default()).unwrap();
    let messages: Vec<String> = loaded.warnings.iter().map(|p| p.message.clone()).collect();
    assert!(
        messages.contains(
            &"branch `b1` has 1 formal member; a branch needs at least 3 (units with fewer join a joint branch)"
                .to_string()
        ),
        "{messages:?}"
    );
}
