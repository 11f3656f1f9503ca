"""The first minutes of a new user in a notebook: dates as ledgers spell them."""

import dangjian as dj
import pytest


def test_dates_take_every_spelling_a_ledger_cell_takes():
    ds = dj.example()
    iso = ds.metrics(as_of="2019-07-31", metrics="tasks").to_pylist()
    for spelling in ["2019/7/31", "2019.7.31", "2019年7月31日"]:
        assert ds.metrics(as_of=spelling, metrics="tasks").to_pylist() == iso, spelling


def test_a_bad_date_is_worded_as_the_ledger_words_it():
    with pytest.raises(dj.QueryError) as e:
        dj.example().metrics(as_of="2019-13-01")
    assert "`as_of`: `2019-13-01` is not a date; write YYYY-MM-DD (or YYYY/M/D, YYYY.M.D, YYYY年M月D日)" in str(e.value)


def test_tables_carry_names_beside_their_ids(ds):
    m = ds.metrics(as_of="2019-07-31", metrics="coverage.org").to_pylist()
    assert (m[0]["scope"], m[0]["scope_name"]) == ("chengxi", "城西新区")
    duties = ds.duties(as_of="2019-07-31")
    cols = duties.column_names
    assert cols[cols.index("subject") + 1] == "subject_name"
    assert cols[cols.index("holder") + 1] == "holder_name"
    rows = duties.to_pylist()
    patrols = [r for r in rows if r["duty"] == "road_patrol"]
    # Road chiefs patrol roads: every subject_name is that road's name in the units table,
    # every holder_name that chief's name in the people table.
    units = {u["id"]: (u["kind"], u["name"]) for u in ds.table("units").to_pylist()}
    assert patrols and all(units[r["subject"]] == ("road", r["subject_name"]) for r in patrols)
    people = {p["id"]: p["name"] for p in ds.table("people").to_pylist()}
    assert all(r["holder_name"] == people[r["holder"]] for r in patrols)
    tasks = ds.tasks(as_of="2019-07-31").to_pylist()
    assert {"unit_name", "owner_name", "leader_name"} <= set(tasks[0])
    # The 木长降村 house renovation is owned by the tackling group led by 朱敏 (DOMAIN.md).
    assert any(t["leader_name"] == "朱敏" for t in tasks)
    # The statistics tables keep the columns of docs/STATS.md exactly.
    assert "scope_name" not in ds.stats("enterprise_orgs", as_of="2019-07-31").column_names


def test_a_trend_marks_the_points_after_the_last_record(ds):
    # The example's last dated record is on 2019-07-31. A month-end point has records
    # after the previous month end through July; from August on nothing is recorded after
    # the previous point (31 July onwards), so the values are only carried flat.
    t = ds.trend("coverage.org", start="2019-01-01", end="2019-12-31").to_pylist()
    assert [r["as_of"].month for r in t] == list(range(1, 13))
    assert [r["records_since_previous"] for r in t] == [True] * 7 + [False] * 5
    # Carried flat indeed: August to December repeat July's value.
    assert {r["value"] for r in t[6:]} == {t[6]["value"]}
