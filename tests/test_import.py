"""dj.import_rows: a GB18030 roster into a ledger, a dry run, located problems, no identity numbers kept."""

import json

import dangjian as dj
import pytest

ROSTER_MAPPING = """
name = "county-roster"
table = "people"
keep = ["备注"]
[columns.id]
from = "编号"
clean = "code"
[columns.name]
from = "姓名"
[columns.birth_date]
from = "身份证号"
clean = "birth_date_from_identity_number"
[columns.org]
from = "所在支部"
clean = "code"
[columns.joined]
from = "入党时间"
clean = "date"
[columns.confirmed]
from = "转正时间"
clean = "date"
"""

HEADER = "编号,姓名,身份证号,所在支部,入党时间,转正时间,备注\n"
NEW = "c_0001,吴昊,330106199102030011,jiguan2_branch,2018/6/1,,\n"
MOVED = "p_zhumin,朱敏,330106197604090023,jiguan2_branch,1998/11/12,1999/11/15,调入机关第二党支部\n"


@pytest.fixture()
def paths(tmp_path):
    ledger = tmp_path / "ledger.json"
    dj.example().save(str(ledger))
    mapping = tmp_path / "county-roster.toml"
    mapping.write_text(ROSTER_MAPPING, encoding="utf-8")
    return tmp_path, ledger, mapping


def test_dry_run_writes_nothing_and_import_replaces_and_adds(paths):
    tmp, ledger, mapping = paths
    roster = tmp / "roster.csv"
    roster.write_bytes((HEADER + MOVED + NEW).encode("gb18030"))
    before = ledger.read_bytes()

    r = dj.import_rows(mapping, roster, ledger, dry_run=True)
    assert (len(r["added"]), len(r["replaced"]), r["written"]) == (1, 1, False)
    assert r["table"] == "people" and r["source"] == "roster.csv"
    assert r["replaced"][0]["source"] == "roster.csv:2:1"
    assert r["added"][0]["values"]["birth_date"] == "1991-02-03"
    assert ledger.read_bytes() == before

    r = dj.import_rows(mapping, roster, ledger)
    assert r["written"]
    text = ledger.read_text(encoding="utf-8")
    assert "c_0001" in text and "调入机关第二党支部" in text
    assert "330106199102030011" not in text and "330106197604090023" not in text
    people = json.loads(text)["people"]
    zhu = next(p for p in people if p["id"] == "p_zhumin")
    assert zhu["org"] == "jiguan2_branch"

    again = dj.import_rows(mapping, roster, ledger)
    assert not again["written"] and [s["reason"] for s in again["skipped"]] == ["unchanged", "unchanged"]


def test_a_bad_identity_number_raises_located_problems(paths):
    tmp, ledger, mapping = paths
    roster = tmp / "roster.csv"
    roster.write_text(HEADER + NEW.replace("330106199102030011", "33010619910203001"), encoding="utf-8")
    before = ledger.read_bytes()
    with pytest.raises(dj.LedgerError) as e:
        dj.import_rows(mapping, roster, ledger)
    (p,) = e.value.problems
    assert (p["location"], p["form"], p["line"], p["column"]) == ("roster.csv:2:3", "csv", 2, 3)
    assert "33010619910203001" not in p["message"]
    assert ledger.read_bytes() == before


def test_an_unknown_mapping_is_a_ledger_error(paths):
    tmp, ledger, _ = paths
    with pytest.raises(dj.LedgerError, match="owip-meetings"):
        dj.import_rows("no-such-mapping", tmp / "x.csv", ledger)
