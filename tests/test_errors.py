"""Bad ledgers and bad queries raise the right exception with located problems; no panic."""

import json
import random

import dangjian as dj
import pytest
from conftest import AS_OF


def bad(doc):
    with pytest.raises(dj.LedgerError) as e:
        dj.from_json(json.dumps(doc))
    return e.value


BASE = {
    "format": "dangjian-ledger/1",
    "units": [
        {"id": "d", "kind": "district", "name": "区"},
        {"id": "v", "kind": "village", "name": "村", "parent": "d"},
    ],
}


def test_hierarchy():
    assert issubclass(dj.LedgerError, dj.DangjianError) and issubclass(dj.LedgerError, ValueError)
    assert issubclass(dj.QueryError, dj.DangjianError) and issubclass(dj.QueryError, ValueError)


def test_unknown_kind_is_located_with_the_allowed_ones():
    doc = json.loads(json.dumps(BASE))
    doc["units"][1]["kind"] = "town"
    e = bad(doc)
    assert len(e.problems) == 1
    p = e.problems[0]
    assert (p["severity"], p["kind"], p["location"]) == ("error", "unknown_term", "/units/1/kind")
    assert "village" in p["message"]


def test_every_problem_at_once():
    doc = json.loads(json.dumps(BASE))
    doc["units"][1]["parent"] = "nowhere"
    doc["units"].append({"id": "d", "kind": "area", "name": "重复", "parent": "v"})
    e = bad(doc)
    kinds = sorted(p["kind"] for p in e.problems if p["severity"] == "error")
    assert kinds == ["duplicate_id", "missing_reference"]


def test_bad_csv_folder_is_located_by_file_line_and_column(tmp_path):
    (tmp_path / "units.csv").write_text(
        "id,kind,name,parent\nd,district,区,\nv,village,村,d\nx,villa,别墅,d\n", encoding="utf-8"
    )
    with pytest.raises(dj.LedgerError) as e:
        dj.load(tmp_path)
    assert e.value.problems[0]["location"] == "units.csv:4:2"


def test_missing_path_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        dj.load(tmp_path / "nope")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scope": "nowhere"},
        {"as_of": "2019-07-31", "from_": "2019-08-01"},
        {"as_of": "31/07/2019"},
        {"as_of": "2019-02-30"},
        {"by": "galaxy"},
        {"metrics": ["no.such.metric"]},
    ],
)
def test_bad_queries_raise_query_error(ds, kwargs):
    with pytest.raises(dj.QueryError):
        ds.metrics(**kwargs)


def test_bad_date_type_and_trend_arguments(ds):
    with pytest.raises(dj.QueryError):
        ds.metrics(as_of=20190731)
    with pytest.raises(dj.QueryError):
        ds.trend("coverage.org", start="2019-01-01", end=AS_OF, freq="fortnight")
    with pytest.raises(dj.QueryError):
        ds.trend("coverage.org", start="2019-07-31", end="2019-01-01")
    with pytest.raises(dj.QueryError):
        ds.table("budgets")


def test_empty_ledger_queries_say_what_is_missing():
    empty = dj.from_json('{"format": "dangjian-ledger/1"}')
    with pytest.raises(dj.QueryError):
        empty.metrics()


def test_garbage_never_panics():
    rng = random.Random(7)
    text = json.dumps(BASE)
    for _ in range(300):
        chars = list(text)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(chars))
            chars[i] = rng.choice('{}[]",:0123456789abcdef-/ \u4e2d')
        try:
            ledger = dj.from_json("".join(chars))
        except dj.LedgerError:
            continue
        try:
            ledger.metrics()
            ledger.tasks()
        except dj.DangjianError:
            pass
