"""Partial results in Python (docs/PARTIALS.md): Ledger.partial and dangjian.merge."""

import math
import random

import dangjian as dj
import pytest

AS_OF = "2019-07-31"


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert (x["metric"], x["scope"], x["target"], x["due"]) == (y["metric"], y["scope"], y["target"], y["due"])
        for k in ("value", "numerator", "denominator"):
            if x[k] is None or y[k] is None:
                assert x[k] is None and y[k] is None, (x, y)
            else:
                assert math.isclose(x[k], y[k], rel_tol=1e-12, abs_tol=1e-12), (k, x, y)


def _partials(tmp_path, by=None, ipc=False):
    m = dj.split(dj.example(), "area", tmp_path / "parts")
    manifest = tmp_path / "parts" / "parts.toml"
    out = []
    for part in [None] + [p["root"] for p in m["parts"]]:
        ds = dj.load_part(manifest, part)
        out.append(ds.partial(as_of=AS_OF, by=by, shared=m["shared"], whole_root=m["root"], ipc=ipc))
    return out


@pytest.mark.parametrize("by", [None, "area"])
def test_the_areas_merge_to_the_whole(tmp_path, by):
    partials = _partials(tmp_path, by=by)
    merged = dj.merge(partials)
    assert merged.kind == "metrics"
    whole = dj.example().metrics(as_of=AS_OF, by=by).to_pylist()
    rows = merged.to_pylist()
    _same(rows, whole)
    # The example's facts (docs/DOMAIN.md) whichever area holds them.
    total = next(r for r in rows if r["metric"] == "tasks.total" and r["scope"] == "chengxi")
    assert total["value"] == 33
    cov = next(r for r in rows if r["metric"] == "coverage.org" and r["scope"] == "chengxi")
    assert cov["denominator"] == 98


def test_any_order_and_grouping_and_any_arrow_table(tmp_path):
    pa = pytest.importorskip("pyarrow")
    partials = _partials(tmp_path, by="area", ipc=True)
    whole = dj.example().metrics(as_of=AS_OF, by="area").to_pylist()
    rng = random.Random(7)
    for _ in range(4):
        order = partials[:]
        rng.shuffle(order)
        # Two merged first (kept as a partial result), then the third: a pyarrow table.
        first = dj.merge(order[:2], finish=False)
        _same(dj.merge([pa.table(first), order[2]]).to_pylist(), whole)
        first = dj.merge(order[1:], finish=False, ipc=True)
        assert isinstance(first, bytes)
        _same(dj.merge([order[0], first]).to_pylist(), whole)


def test_partial_needs_its_date_and_merge_refuses_what_does_not_fit(tmp_path):
    ds = dj.example()
    with pytest.raises(dj.QueryError, match="a partial result needs `as_of`"):
        ds.partial(as_of=None)
    p = ds.partial(as_of=AS_OF, ipc=True)
    with pytest.raises(dj.QueryError, match="is in both partial results"):
        dj.merge([p, p])
    # The error says which argument differs, and how, as a person writes it.
    with pytest.raises(dj.QueryError, match="differ in as_of: 2019-07-31 and 2019-06-30"):
        dj.merge([p, ds.partial(as_of="2019-06-30", ipc=True)])
    with pytest.raises(dj.QueryError, match="differ in by: none and area"):
        dj.merge([p, ds.partial(as_of=AS_OF, by="area", ipc=True)])
    with pytest.raises(dj.QueryError, match="partial result 0: not an Arrow IPC file"):
        dj.merge([b"junk"])
    with pytest.raises(dj.QueryError, match="neither the bytes of an Arrow IPC file nor an Arrow table"):
        dj.merge([42])
    with pytest.raises(dj.QueryError, match="no partial result to merge"):
        dj.merge([])
    # Only the parts, no top: nothing holds the scope.
    parts = _partials(tmp_path)[1:]
    with pytest.raises(dj.QueryError, match="no partial result holds the scope `chengxi`"):
        dj.merge(parts)


def test_a_partial_result_is_a_table_pandas_and_polars_read(tmp_path):
    pl = pytest.importorskip("polars")
    t = dj.example().partial(as_of=AS_OF, metrics="tasks")
    assert t.kind == "partial"
    assert t.column_names == ["entity", "source", "unit", "group", "field", "value"]
    df = pl.DataFrame(t)
    total = df.filter((pl.col("group") == "tasks") & (pl.col("field") == "total"))["value"].to_list()
    assert total == [33.0]
