"""Arguments an analyst gets wrong: each is a TypeError or QueryError naming the argument,
never an AttributeError, an OverflowError or a silent reading; and merged metric rows show
in a notebook as the page shows them."""

from __future__ import annotations

import math

import dangjian as dj
import pytest


@pytest.fixture(scope="module")
def ex() -> dj.Ledger:
    return dj.example()


@pytest.mark.parametrize(
    "call, kind, names",
    [
        (lambda ex: dj.catalogue("x"), TypeError, "`ledger` must be a dangjian.Ledger"),
        (lambda ex: dj.split("a folder", "area", "/tmp/unused"), TypeError, "`ledger` must be a dangjian.Ledger"),
        (lambda ex: ex.partial(as_of="2019-07-31", shared=["p1"]), TypeError, "`shared` must be a dict"),
        (lambda ex: ex.partial(as_of="2019-07-31", shared={"people": "p_zhumin"}), TypeError, "`shared['people']`"),
        (lambda ex: ex.partial(as_of="2019-07-31", shared={"persons": []}), dj.QueryError, "`shared` has keys"),
        (lambda ex: ex.metrics(young_age=10**12), dj.QueryError, "`young_age` must be"),
        (lambda ex: ex.metrics(young_age=-5), dj.QueryError, "`young_age` must be"),
        (lambda ex: ex.cadres(young_age=True), dj.QueryError, "`young_age` must be"),
        (lambda ex: ex.metrics(at_risk_tolerance=math.nan), dj.QueryError, "`at_risk_tolerance` must be"),
        (lambda ex: ex.tasks(at_risk_tolerance=-1), dj.QueryError, "`at_risk_tolerance` must be"),
        (lambda ex: dj.generate(districts=-1), dj.QueryError, "`districts` must be"),
        (lambda ex: ex.metrics(metrics=5), dj.QueryError, "`metrics` must be"),
        (lambda ex: dj.merge(ex.partial(as_of="2019-07-31")), TypeError, "`partials` is a list"),
    ],
)
def test_a_wrong_argument_is_an_error_naming_it(ex, call, kind, names):
    with pytest.raises(kind) as e:
        call(ex)
    assert names in str(e.value)


def test_metrics_take_ids_comma_separated_as_the_command_line_does(ex):
    a = ex.metrics(as_of="2019-07-31", metrics="tasks.started, tasks.total").to_pylist()
    b = ex.metrics(as_of="2019-07-31", metrics=["tasks.started", "tasks.total"]).to_pylist()
    assert a == b
    assert sorted(r["metric"] for r in a) == ["tasks.started", "tasks.total"]


def test_metrics_json_takes_the_tuning_arguments(ex):
    # The example's young cadres (a count): 45 at 35, the default (the page's 45/194); at
    # 0 years nobody is young.
    def young(**kw):
        rows = ex.metrics_json(as_of="2019-07-31", **kw)["rows"]
        return [r["value"] for r in rows if r["metric"] == "cadres.young"]

    assert young() == [45]
    assert young(young_age=0) == [0]


def test_merged_metric_rows_show_as_the_page_shows_them(ex):
    # tasks.started of the example: 25 of 33 key tasks started, 75.8%; tasks.total 33.
    p = ex.partial(as_of="2019-07-31", metrics=["tasks.started", "tasks.total"])
    html = dj.merge([p])._repr_html_()
    assert "75.8% (25/33)" in html
    assert ">33<" in html and "33.0" not in html


def test_a_partial_of_a_whole_ledger_refuses_a_scope_it_does_not_hold(ex):
    # As metrics does: the example is a whole ledger, and `nowhere` is none of its units.
    with pytest.raises(dj.QueryError, match="scope `nowhere` is not a unit id of this ledger"):
        ex.partial(as_of="2019-07-31", scope="nowhere")


def test_a_json_ledger_that_is_not_json_is_located_at_its_file(tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(dj.LedgerError) as e:
        dj.load(path)
    p = e.value.problems[0]
    assert p["location"] == str(path)
    assert p["message"].startswith("not valid JSON at line 1, column 1")


def test_a_part_s_partial_needs_the_shared_ids(tmp_path):
    # Without `shared`, a person in two parts would count twice in the merged rows.
    m = dj.split(dj.example(), "area", tmp_path / "parts")
    part = dj.load_part(tmp_path / "parts" / "parts.toml", "lidian_area")
    with pytest.raises(dj.QueryError, match="needs `shared`"):
        part.partial(as_of="2019-07-31", whole_root=m["root"])
    part.partial(as_of="2019-07-31", whole_root=m["root"], shared=m["shared"])


def test_a_merge_that_leaves_a_part_out_is_refused_when_finishing(tmp_path):
    # The example in its two areas: the top and lidian_area only. huachuan_area's figures
    # would be missing from every row of the district.
    m = dj.split(dj.example(), "area", tmp_path / "parts")
    path = tmp_path / "parts" / "parts.toml"
    kw = dict(as_of="2019-07-31", shared=m["shared"], whole_root=m["root"])
    top = dj.load_part(path).partial(**kw)
    lidian = dj.load_part(path, "lidian_area").partial(**kw)
    with pytest.raises(dj.QueryError, match="the parts with root `huachuan_area` were not merged"):
        dj.merge([top, lidian])
    # Without finishing (a step of a tree reduction), any subset merges.
    dj.merge([top, lidian], finish=False)
    huachuan = dj.load_part(path, "huachuan_area").partial(**kw)
    assert dj.merge([top, lidian, huachuan]).num_rows == dj.example().metrics(as_of="2019-07-31").num_rows
