"""`Table.to_pylist()` gives pyarrow's rows, value for value and type for type, without
needing pyarrow."""

import subprocess
import sys

import pytest
from conftest import AS_OF

pa = pytest.importorskip("pyarrow")


def all_tables(ds):
    """One table of every kind, including ledger tables with lists and empty results."""
    return {
        "metrics": ds.metrics(as_of=AS_OF),
        "metrics_by_area": ds.metrics(as_of=AS_OF, by="area"),
        "tasks": ds.tasks(as_of=AS_OF),
        "duties": ds.duties(as_of=AS_OF),
        "coverage": ds.coverage(as_of=AS_OF),
        "cadres": ds.cadres(as_of=AS_OF),
        "trend": ds.trend(["tasks.progress", "coverage.org"], start="2019-01-01", end=AS_OF),
        "problems": ds.problems(as_of="2019-06-30"),
        "org_life": ds.stats("org_life", as_of=AS_OF),
        "activities": ds.table("activities"),
        "orgs": ds.table("orgs"),
        # A village without key tasks of its own.
        "empty": ds.tasks(as_of=AS_OF, scope="youcaotang"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "metrics",
        "metrics_by_area",
        "tasks",
        "duties",
        "coverage",
        "cadres",
        "trend",
        "problems",
        "org_life",
        "activities",
        "orgs",
        "empty",
    ],
)
def test_to_pylist_equals_pyarrows_value_for_value_and_type_for_type(ds, name):
    t = all_tables(ds)[name]
    ours = t.to_pylist()
    theirs = pa.table(t).to_pylist()
    assert len(ours) == len(theirs) == t.num_rows
    for a, b in zip(ours, theirs):
        assert list(a) == list(b) == t.column_names
        for k in a:
            assert a[k] == b[k], (name, k)
            assert type(a[k]) is type(b[k]), (name, k, type(a[k]), type(b[k]))


def test_the_table_kinds_cover_every_column_type(ds):
    # The comparison above means something only if the tables hold every Arrow type the
    # module writes, with nulls among them.
    t = all_tables(ds)
    types = {ty for x in t.values() for ty in x.column_types}
    assert {"Utf8", "Float64", "Int64", "Boolean", "Date32"} <= types
    assert any(ty.startswith("List") for ty in types)
    rows = t["metrics"].to_pylist()
    assert any(r["due"] is None for r in rows) and any(r["due"] is not None for r in rows)
    assert t["empty"].num_rows == 0 and t["empty"].to_pylist() == []


def test_to_pylist_works_where_pyarrow_cannot_be_imported():
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None\n"  # any `import pyarrow` now fails
        "import dangjian as dj\n"
        "rows = dj.example().metrics(as_of='2019-07-31', metrics=['tasks.total']).to_pylist()\n"
        "assert rows[0]['metric'] == 'tasks.total' and rows[0]['value'] == 33.0, rows\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
