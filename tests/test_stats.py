"""Statistics tables of docs/STATS.md from Python: ``Ledger.stats``."""

import json

import dangjian as dj
import pytest
from conftest import AS_OF

pa = pytest.importorskip("pyarrow")


def test_enterprise_orgs_rows_and_identities(ds):
    t = pa.table(ds.stats("enterprise_orgs", as_of=AS_OF, by="area"))
    assert t.column_names == [
        "scope",
        "enterprises",
        "own_committee",
        "own_general_branch",
        "own_branch",
        "joint",
        "joint_with_3_members",
        "joint_orgs",
        "none",
        "none_should_build",
        "none_few_members",
        "none_no_members",
        "employees",
        "members",
    ]
    assert t.schema.field("enterprises").type == pa.int64()
    rows = t.to_pylist()
    # The scope's own row first: the 98 above-scale enterprises of coverage.org.
    assert rows[0]["scope"] == "chengxi"
    assert rows[0]["enterprises"] == 98
    assert len(rows) > 1
    for r in rows:
        own = r["own_committee"] + r["own_general_branch"] + r["own_branch"]
        assert r["enterprises"] == own + r["joint"] + r["none"]
        assert r["none"] == r["none_should_build"] + r["none_few_members"] + r["none_no_members"]


def test_org_life_is_typed_and_assessed_months_only(ds):
    t = pa.table(ds.stats("org_life", as_of=AS_OF))
    assert t.column_names[:4] == ["org", "name", "parent", "committee_1"]
    assert t.schema.field("committee_1").type == pa.int64()
    assert t.schema.field("committee_rate").type == pa.float64()
    for r in t.to_pylist():
        # 31 July: January to July are assessed, August to December are null.
        assert all(r[f"committee_{m}"] is not None for m in range(1, 8))
        assert all(r[f"collective_{m}"] is None for m in range(8, 13))
        assert r["committee_rate"] == pytest.approx(r["committee_months"] / 7)


def test_org_life_by_hand():
    # One branch with a group, as of 20 May 2019 (January to April assessed): committee
    # meetings 10 January and 5 March, a group meeting of its group 1 April, a party lesson
    # 10 May (May not assessed). Committee [1, 0, 1, 0]: 2 of 4; collective [0, 0, 0, 1]: 1 of 4.
    doc = {
        "format": "dangjian-ledger/1",
        "units": [{"id": "d", "kind": "district", "name": "区"}],
        "orgs": [
            {"id": "p", "kind": "committee", "name": "化学学院党委", "hosts": ["d"], "established": "2018-01-01"},
            {
                "id": "b1",
                "kind": "branch",
                "name": "第一党支部",
                "hosts": ["d"],
                "parent": "p",
                "established": "2018-01-01",
            },
            {
                "id": "g1",
                "kind": "group",
                "name": "第一党小组",
                "hosts": ["d"],
                "parent": "b1",
                "established": "2018-01-01",
            },
        ],
        "activities": [
            {"kind": "committee_meeting", "date": "2019-01-10", "subject": "b1"},
            {"kind": "committee_meeting", "date": "2019-03-05", "subject": "b1"},
            {"kind": "group_meeting", "date": "2019-04-01", "subject": "g1"},
            {"kind": "party_lesson", "date": "2019-05-10", "subject": "b1"},
        ],
    }
    ledger = dj.from_json(json.dumps(doc))
    rows = ledger.stats("org_life", as_of="2019-05-20").to_pylist()
    assert len(rows) == 1
    r = rows[0]
    assert (r["org"], r["name"], r["parent"]) == ("b1", "第一党支部", "化学学院党委")
    assert [r[f"committee_{m}"] for m in range(1, 13)] == [1, 0, 1, 0] + [None] * 8
    assert (r["committee_months"], r["committee_rate"]) == (2, 0.5)
    assert [r[f"collective_{m}"] for m in range(1, 6)] == [0, 0, 0, 1, None]
    assert (r["collective_months"], r["collective_rate"]) == (1, 0.25)


def test_an_unknown_table_is_a_query_error(ds):
    with pytest.raises(dj.QueryError, match="enterprise_orgs"):
        ds.stats("party_fees")  # type: ignore[arg-type]
