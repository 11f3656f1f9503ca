"""The Python API on the embedded example, checked against the spec and the Rust engine."""

import datetime as dt
import json
import math

import dangjian as dj
import pytest
from conftest import AS_OF


def rows(table):
    return table.to_pylist()


def row(table, metric, scope="chengxi"):
    found = [r for r in rows(table) if r["metric"] == metric and r["scope"] == scope]
    assert len(found) == 1, (metric, scope, found)
    return found[0]


def test_example_is_the_chengxi_ledger(ds):
    assert ds.root == ("chengxi", "城西新区")
    assert ds.latest_date == dt.date(2019, 7, 31)
    counts = ds.counts
    assert counts["initiatives"] >= 33 and counts["activities"] > 1000
    assert [p for p in ds.validate(AS_OF) if p["severity"] == "error"] == []


def test_tasks_started_is_25_of_33(ds):
    # docs/DOMAIN.md: 33 key tasks, 25 already started by 2019-07-31.
    r = row(ds.metrics(as_of=AS_OF, metrics="tasks.started"), "tasks.started")
    assert (r["numerator"], r["denominator"]) == (25, 33)
    assert math.isclose(r["value"], 25 / 33)


def test_the_figures_agree_with_the_rust_engine(ds, cli_json):
    ours = ds.metrics_json(as_of=AS_OF)
    assert ours == cli_json
    table = rows(ds.metrics(as_of=AS_OF))
    assert len(table) == len(cli_json["rows"])
    for a, b in zip(table, cli_json["rows"]):
        assert a["metric"] == b["metric"] and a["scope"] == b["scope"]
        for k in ("value", "numerator", "denominator", "target"):
            if b[k] is None:
                assert a[k] is None, (a, k)
            else:
                assert math.isclose(a[k], b[k]), (a, b, k)
        assert (a["due"].isoformat() if a["due"] else None) == b.get("due")


def test_dates_accept_date_string_and_timestamp(ds):
    pd = pytest.importorskip("pandas")
    a = ds.metrics_json(as_of="2019-07-31", metrics="coverage")
    b = ds.metrics_json(as_of=dt.date(2019, 7, 31), metrics="coverage")
    c = ds.metrics_json(as_of=pd.Timestamp("2019-07-31 15:00"), metrics="coverage")
    d = ds.metrics_json(as_of=dt.datetime(2019, 7, 31, 9, 30), metrics="coverage")
    assert a == b == c == d
    assert a["as_of"] == "2019-07-31" and a["from"] == "2019-01-01"


def test_breakdown_by_block_has_the_scope_row_first_then_each_block(ds):
    t = rows(ds.metrics(as_of=AS_OF, by="block", metrics="coverage.org"))
    scopes = [r["scope"] for r in t]
    assert scopes[0] == "chengxi"
    assert set(scopes[1:]) == {"meitang_block", "huachuan_block"}


def test_coverage_drilldown_lists_the_enterprises_behind_the_ratio(ds):
    cov = rows(ds.coverage(as_of=AS_OF))
    assert len(cov) == 98  # docs/DOMAIN.md: 98 above-scale enterprises
    m = row(ds.metrics(as_of=AS_OF, metrics="coverage.org"), "coverage.org")
    assert sum(1 for r in cov if r["org_covered"]) == m["numerator"]
    assert m["denominator"] == 98
    missing = [r for r in cov if not r["org_covered"]]
    assert len(missing) == 98 - m["numerator"]


def test_no_enterprise_has_a_liaison_yet_and_all_are_due_by_year_end(ds):
    # DOMAIN.md, enterprise liaison: 0 of the 98 linked, target 1 by 2019-12-31; achievement
    # (0 - 0) / (1 - 0) = 0.
    t = ds.metrics(as_of=AS_OF, metrics=["coverage.liaison", "target.coverage.liaison"])
    m = row(t, "coverage.liaison")
    assert (m["value"], m["numerator"], m["denominator"]) == (0, 0, 98)
    assert (m["target"], str(m["due"])) == (1, "2019-12-31")
    assert row(t, "target.coverage.liaison")["value"] == 0
    assert all(r["liaisons"] == [] for r in rows(ds.coverage(as_of=AS_OF)))


def test_tasks_drilldown_has_one_row_per_key_task(ds):
    t = rows(ds.tasks(as_of=AS_OF))
    assert len(t) == 33
    statuses = {r["status"] for r in t}
    assert statuses <= {"done", "overdue", "not_started", "at_risk", "on_track"}
    assert sum(1 for r in t if r["status"] != "not_started") >= 25 - sum(1 for r in t if r["status"] == "overdue")
    housing = next(r for r in t if r["id"] == "task_muchangjiang_housing")
    assert housing["start"] == dt.date(2019, 7, 25)


def test_duties_and_cadres_drilldowns(ds):
    d = rows(ds.duties(as_of=AS_OF))
    chen = [
        r for r in d if r["duty"] == "road_patrol" and r["subject"] == "xizhou_road" and r["holder"] == "p_chentianyun"
    ]
    assert len(chen) == 1
    # 陈天云 has patrolled at least every 3 days since 2019-04-01: no lapse.
    assert chen[0]["longest_lapse"] == 0
    assert chen[0]["assessed"] == chen[0]["complying"] > 0
    c = rows(ds.cadres(as_of=AS_OF))
    hu = next(r for r in c if r["person"] == "p_hudongsheng")
    assert hu["young"] is True and hu["age"] == 26


def test_trend_is_one_row_per_month_end(ds):
    t = rows(ds.trend("coverage.org", start="2019-01-01", end="2019-07-31"))
    assert [r["as_of"] for r in t] == [
        dt.date(2019, m, d) for m, d in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31)]
    ]
    now = row(ds.metrics(as_of=AS_OF, metrics="coverage.org"), "coverage.org")
    assert math.isclose(t[-1]["value"], now["value"])
    # Organisations were set up during 2019: coverage never falls.
    values = [r["value"] for r in t]
    assert values == sorted(values)


def test_catalogue_lists_every_metric_with_names(ds):
    cat = rows(dj.catalogue())
    ids = [r["id"] for r in cat]
    for needed in ["tasks.started", "coverage.org", "members.no_org_life", "committees.two_new"]:
        assert needed in ids
    assert all(r["zh"] and r["en"] and r["definition"] for r in cat)
    per_ledger = [r["id"] for r in rows(dj.catalogue(ds))]
    assert "duty.road_patrol" in per_ledger and "indicator.lotus_revenue" in per_ledger


def test_save_and_load_round_trip(ds, tmp_path):
    ds.save(tmp_path / "l.json")
    ds.save(tmp_path / "csv")
    a = dj.load(tmp_path / "l.json")
    b = dj.load(str(tmp_path / "csv"))
    assert a.to_json() == b.to_json() == ds.to_json()
    assert json.loads(ds.to_json())["format"] == "dangjian-ledger/1"


def test_ledger_tables_are_typed(ds):
    pa = pytest.importorskip("pyarrow")
    units = pa.table(ds.table("units"))
    assert units.schema.field("since").type == pa.date32()
    assert units.schema.field("above_scale").type == pa.bool_()
    acts = pa.table(ds.table("activities"))
    assert acts.schema.field("people").type == pa.list_(pa.string())
    assert acts.schema.field("expected").type == pa.int64()


def test_an_empty_ledger_table_has_its_declared_columns_and_types():
    pa = pytest.importorskip("pyarrow")
    one = dj.from_json('{"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "district", "name": "区"}]}')
    ex = pa.table(one.table("exemptions"))
    assert ex.num_rows == 0
    assert ex.schema.names == ["duty", "subject", "from", "to", "reason"]
    assert ex.schema.field("from").type == pa.date32()
    units = pa.table(one.table("units"))
    # An empty flag reads as false, as the ledger means it; a whole number is an integer.
    assert units.column("above_scale").to_pylist() == [False]
    assert units.schema.field("employees").type == pa.int64()


def test_reprs_are_bounded(ds):
    r = repr(ds)
    assert r.startswith("<dangjian.Ledger chengxi")
    t = ds.duties(as_of=AS_OF)
    text = repr(t)
    assert len(text.splitlines()) <= 24 and "more rows" in text
    html = t._repr_html_()
    assert html.count("<tr>") <= 21 and "more rows" in html
    m = ds.metrics(as_of=AS_OF)._repr_html_()
    assert "组织覆盖" in m or "覆盖" in m
    assert "台账" in ds._repr_html_()


def test_generate_is_deterministic_valid_and_saves_what_it_returns(tmp_path):
    # debug builds are slow: 2 districts under a city is the smallest multi-district ledger
    a = dj.generate(districts=2, seed=5, path=tmp_path / "g")
    assert a.root == ("city", "合成市")
    assert [p for p in a.validate() if p["severity"] == "error"] == []
    assert a.to_json() == dj.generate(districts=2, seed=5).to_json()
    assert a.to_json() == dj.load(tmp_path / "g").to_json()
    assert a.to_json() != dj.generate(districts=2, seed=6).to_json()
    # two districts of about 10,000 people each
    assert 18_000 < a.counts["people"] < 22_000
    with pytest.raises(ValueError):
        dj.generate(districts=0)


def test_generate_gives_ids_of_the_shape_asked_and_the_same_metrics():
    rows = {}
    for ids in ("numbered", "uuid", "identity"):
        ds = dj.generate(seed=2, ids=ids)
        person = ds.table("people").to_pylist()[0]["id"]
        assert len(person) == {"numbered": 2, "uuid": 36, "identity": 18}[ids], person
        rows[ids] = [{k: v for k, v in r.items() if k != "scope"} for r in ds.metrics(as_of="2019-07-31").to_pylist()]
    assert rows["uuid"] == rows["numbered"] == rows["identity"]
    with pytest.raises(ValueError):
        dj.generate(ids="serial")
