"""Every table's schema comes from its Rust row type: an empty table has the same columns
and types as a full one, in pyarrow, polars and pandas. Problems carry their location as
data and their severity as a word; the exceptions are the Rust-declared classes."""

import json

import dangjian as dj
import pytest
from conftest import AS_OF, ROOT

pa = pytest.importorskip("pyarrow")

#: A district and nothing else: every drill-down is empty, and so is any `duty` metric.
BARE = dj.from_json(
    json.dumps({"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "district", "name": "区"}]})
)


def pairs(ds):
    """(full, empty) for every kind of table."""
    return {
        "metrics": (ds.metrics(as_of=AS_OF), BARE.metrics(as_of=AS_OF, metrics="duty")),
        "tasks": (ds.tasks(as_of=AS_OF), BARE.tasks(as_of=AS_OF)),
        "duties": (ds.duties(as_of=AS_OF), BARE.duties(as_of=AS_OF)),
        "coverage": (ds.coverage(as_of=AS_OF), BARE.coverage(as_of=AS_OF)),
        "cadres": (ds.cadres(as_of=AS_OF), BARE.cadres(as_of=AS_OF)),
        "trend": (
            ds.trend("coverage.org", start="2019-01-01", end=AS_OF),
            BARE.trend("duty", start="2019-01-01", end=AS_OF),
        ),
        # Records dated after 2019-06-30 are warnings then; on 2019-07-31 there is none.
        "problems": (ds.problems(as_of="2019-06-30"), ds.problems(as_of=AS_OF)),
    }


@pytest.mark.parametrize("kind", ["metrics", "tasks", "duties", "coverage", "cadres", "trend", "problems"])
def test_an_empty_table_has_the_columns_and_types_of_a_full_one(ds, kind):
    full, empty = pairs(ds)[kind]
    assert full.num_rows > 0 and empty.num_rows == 0
    assert empty.column_names == full.column_names and len(full.column_names) > 0
    assert empty.column_types == full.column_types
    assert pa.table(empty).schema == pa.table(full).schema


@pytest.mark.parametrize("kind", ["metrics", "tasks", "duties", "coverage", "cadres", "trend", "problems"])
def test_polars_and_pandas_see_the_same_schema_empty_or_full(ds, kind):
    pl = pytest.importorskip("polars")
    pytest.importorskip("pandas")
    full, empty = pairs(ds)[kind]
    assert pl.DataFrame(empty).schema == pl.DataFrame(full).schema
    assert pl.DataFrame(empty).shape == (0, len(full.column_names))
    assert dict(empty.to_pandas().dtypes) == dict(full.to_pandas().dtypes)


def test_the_issue_case_an_enterprise_scope_has_no_task_but_all_task_columns(ds):
    pl = pytest.importorskip("polars")
    t = ds.tasks(as_of="2019-07-31", scope="duodeshi")
    df = pl.DataFrame(t)
    # 15 fields of a task row, and the names beside unit, owner and leader.
    assert df.shape == (0, 18)
    assert df.schema["deadline"] == pl.Date and df.schema["actual"] == pl.Float64
    assert df.schema["started"] == pl.Boolean and df.schema["status"] == pl.String


def test_drilldown_types_follow_the_rust_fields(ds):
    d = pa.table(ds.duties(as_of=AS_OF)).schema
    assert d.field("assessed").type == pa.int64()  # u64
    assert d.field("longest_lapse").type == pa.int64()  # Option<u64>
    c = pa.table(ds.cadres(as_of=AS_OF)).schema
    assert c.field("age").type == pa.int64()  # Option<i32>
    assert c.field("breadth").type == pa.int64()  # u32: distinct role kinds
    assert c.field("roles").type == pa.list_(pa.string())  # Vec<RoleKind>
    e = pa.table(ds.coverage(as_of=AS_OF)).schema
    assert e.field("via_org").type == pa.list_(pa.string())
    assert e.field("liaisons").type == pa.list_(pa.string())
    cat = pa.table(dj.catalogue()).schema
    assert cat.names == ["id", "zh", "en", "definition", "kind", "direction", "programme"]


def test_problems_carry_the_location_as_data():
    # CSV: file, line and column (1-based; line 1 is the header).
    with pytest.raises(dj.LedgerError) as e:
        dj.load(ROOT / "crates" / "dangjian" / "tests" / "bad_ledgers" / "ragged_row")
    csv = [p for p in e.value.problems if p["form"] == "csv"]
    assert csv and all(isinstance(p["line"], int) and isinstance(p["column"], int) for p in csv)
    assert all(p["location"] == f"{p['file']}:{p['line']}:{p['column']}" for p in csv)
    # Excel: sheet and cell.
    with pytest.raises(dj.LedgerError) as e:
        dj.load(ROOT / "crates" / "dangjian" / "tests" / "bad_ledgers" / "excel_sheet" / "ledger.xlsx")
    p = [p for p in e.value.problems if p["location"] == "units!F4"][0]
    assert (p["form"], p["sheet"], p["cell"], p["line"], p["pointer"]) == ("excel", "units", "F4", None, None)
    assert (p["severity"], p["kind"]) == ("error", "thousands_separator")
    # JSON: the pointer.
    doc = {"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "town", "name": "x"}]}
    with pytest.raises(dj.LedgerError) as e:
        dj.from_json(json.dumps(doc))
    p = e.value.problems[0]
    assert (p["form"], p["pointer"], p["file"], p["table"]) == ("json", "/units/0/kind", None, None)


def test_a_problem_table_and_the_problem_dicts_agree(ds):
    dicts = ds.validate(as_of="2019-06-30")
    rows = ds.problems(as_of="2019-06-30").to_pylist()
    assert rows == dicts
    # A record dated after as_of: located by table, row and field, a warning.
    assert {(p["severity"], p["form"]) for p in dicts} == {("warning", "record")}
    assert all(p["location"] == f"{p['table']}[{p['row']}].{p['field']}" for p in dicts)


def test_exceptions_are_declared_once_in_rust():
    from dangjian import _dangjian, _errors

    assert dj.DangjianError is _dangjian.DangjianError is _errors.DangjianError
    assert dj.LedgerError is _dangjian.LedgerError and dj.QueryError is _dangjian.QueryError
    assert dj.LedgerError.__module__ == "dangjian" and dj.LedgerError.__bases__ == (dj.DangjianError, ValueError)
    with pytest.raises(dj.QueryError) as e:
        dj.example().metrics(scope="nowhere")
    assert type(e.value) is dj.QueryError and e.value.problems == ()
    # A user may raise them too.
    assert dj.LedgerError("mine").problems == ()
