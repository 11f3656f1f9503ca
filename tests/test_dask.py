"""dangjian.dask on a LocalCluster of two worker processes (docs/PARTIALS.md, "On Dask")."""

import math

import dangjian as dj
import pytest

distributed = pytest.importorskip("distributed")
djd = pytest.importorskip("dangjian.dask")

AS_OF = "2019-07-31"


@pytest.fixture(scope="module")
def client():
    # Two worker processes on 127.0.0.1, no dashboard, closed after the module's tests.
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    c = distributed.Client(cluster, timeout=60)
    try:
        yield c
    finally:
        c.close(timeout=30)
        cluster.close(timeout=30)


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert (x["metric"], x["scope"], x["target"], x["due"]) == (y["metric"], y["scope"], y["target"], y["due"])
        for k in ("value", "numerator", "denominator"):
            if x[k] is None or y[k] is None:
                assert x[k] is None and y[k] is None, (x, y)
            else:
                assert math.isclose(x[k], y[k], rel_tol=1e-12, abs_tol=1e-12), (k, x, y)


@pytest.mark.parametrize("by", [None, "district"])
def test_a_split_city_on_two_workers_equals_one_process(tmp_path, client, by):
    whole = dj.generate(districts=3, seed=1)
    dj.split(whole, "district", tmp_path / "parts")
    rows = djd.report(tmp_path / "parts" / "parts.toml", client, as_of=AS_OF, by=by, split_every=2)
    assert rows.kind == "metrics"
    _same(rows.to_pylist(), whole.metrics(as_of=AS_OF, by=by).to_pylist())


def test_without_shared_or_date_the_workers_find_them(tmp_path, client):
    ds = dj.example()
    dj.split(ds, "area", tmp_path / "parts")
    manifest = tmp_path / "parts" / "parts.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: text.index("[shared]")], encoding="utf-8")
    assert dj.read_manifest(manifest)["shared"] is None
    rows = djd.report(manifest, client, by="area")
    _same(rows.to_pylist(), ds.metrics(by="area").to_pylist())


def test_a_part_that_does_not_load_is_named(tmp_path, client):
    dj.split(dj.example(), "area", tmp_path / "parts")
    units = tmp_path / "parts" / "lidian_area" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8") + "bad,row\n", encoding="utf-8")
    with pytest.raises(dj.LedgerError, match="part lidian_area of"):
        djd.report(tmp_path / "parts" / "parts.toml", client, as_of=AS_OF)
