"""Every table result reaches pyarrow, polars, pandas and duckdb with the right types."""

import datetime as dt

import pytest
from conftest import AS_OF

pa = pytest.importorskip("pyarrow")


def tables(ds):
    return {
        "metrics": ds.metrics(as_of=AS_OF),
        "tasks": ds.tasks(as_of=AS_OF),
        "duties": ds.duties(as_of=AS_OF),
        "coverage": ds.coverage(as_of=AS_OF),
        "cadres": ds.cadres(as_of=AS_OF),
        "trend": ds.trend(["tasks.progress", "coverage.org"], start="2019-01-01", end=AS_OF),
    }


def test_arrow_types(ds):
    t = tables(ds)
    m = pa.table(t["metrics"])
    assert m.column_names[:8] == ["metric", "scope", "scope_name", "value", "numerator", "denominator", "target", "due"]
    assert m.schema.field("value").type == pa.float64()
    assert m.schema.field("due").type == pa.date32()
    assert m.column("value").null_count >= 0
    k = pa.table(t["tasks"])
    assert k.schema.field("deadline").type == pa.date32()
    assert k.schema.field("forecast").type == pa.date32()
    assert k.schema.field("actual").type == pa.float64()
    d = pa.table(t["duties"])
    assert d.schema.field("assessed").type == pa.int64()
    assert d.schema.field("last_activity").type == pa.date32()
    assert pa.table(t["coverage"]).schema.field("org_covered").type == pa.bool_()
    assert pa.table(t["trend"]).schema.field("as_of").type == pa.date32()


def test_polars_reads_through_the_capsule(ds):
    pl = pytest.importorskip("polars")
    for name, t in tables(ds).items():
        df = pl.DataFrame(t)
        assert df.height == t.num_rows, name
    df = tables(ds)["tasks"].to_polars()
    assert df.schema["deadline"] == pl.Date
    assert df.schema["spi"] == pl.Float64


def test_pandas_gets_nullable_numbers_and_dates(ds):
    pd = pytest.importorskip("pandas")
    df = tables(ds)["metrics"].to_pandas()
    assert str(df["value"].dtype) == "Float64"
    assert df["value"].isna().sum() == sum(1 for r in tables(ds)["metrics"].to_pylist() if r["value"] is None)
    assert str(df["due"].dtype).startswith("datetime64")
    tasks = tables(ds)["tasks"].to_pandas()
    assert len(tasks) == 33
    if hasattr(pd.DataFrame, "from_arrow"):  # pandas >= 3
        assert len(pd.DataFrame.from_arrow(tables(ds)["tasks"])) == 33


def test_duckdb_queries_the_table(ds):
    duckdb = pytest.importorskip("duckdb")
    t = ds.coverage(as_of=AS_OF)  # noqa: F841 (duckdb finds it by name)
    ((n,),) = duckdb.sql("select count(*) from t where not org_covered").fetchall()
    m = [r for r in ds.metrics(as_of=AS_OF, metrics="coverage.org").to_pylist() if r["scope"] == "chengxi"][0]
    assert n == m["denominator"] - m["numerator"]


def test_empty_results_keep_their_types(ds):
    # A scope with no key tasks: zero rows, still typed.
    t = pa.table(ds.tasks(as_of=AS_OF, scope="xizhou_road"))
    assert t.num_rows == 0
    m = pa.table(ds.metrics(as_of=AS_OF, scope="xizhou_road", metrics="coverage.org"))
    assert m.schema.field("due").type == pa.date32()
    assert m.column("value")[0].as_py() is not None
    assert isinstance(m.column("scope")[0].as_py(), str)


def test_dates_are_dates(ds):
    row = ds.tasks(as_of=AS_OF).to_pylist()[0]
    assert isinstance(row["deadline"], dt.date)
