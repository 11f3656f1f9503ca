"""docs/STATS.md from Python: the ledger additions as tables, quorum and exemptions in the
duties drill-down, and pseudonyms that cannot be recomputed without a salt."""

import datetime as dt
import warnings

import dangjian as dj
import pytest

AS_OF = "2019-07-31"


def rows(t):
    return t.to_arrow().to_pylist()


def test_exemptions_and_attendance_columns_reach_python():
    ds = dj.example()
    ex = rows(ds.table("exemptions"))
    assert len(ex) == 1
    assert ex[0]["duty"] == "member_assembly"
    # docs/STATS.md: the example excuses one branch from its assembly for the second quarter.
    assert (ex[0]["from"], ex[0]["to"]) in {(dt.date(2019, 4, 1), dt.date(2019, 6, 30)), ("2019-04-01", "2019-06-30")}
    acts = ds.table("activities").to_arrow()
    assert {"expected", "attended"} <= set(acts.column_names)
    assert {"workplace"} <= set(ds.table("people").to_arrow().column_names)
    assert {"employees"} <= set(ds.table("units").to_arrow().column_names)
    quorum = [r["quorum"] for r in rows(ds.table("duties")) if r["id"] == "member_assembly"]
    assert [float(q) for q in quorum] == [0.5]


def test_duties_drilldown_says_what_was_exempt_and_what_missed_the_quorum():
    ds = dj.example()
    d = rows(ds.duties(as_of=AS_OF))
    exempt_subject = rows(ds.table("exemptions"))[0]["subject"]
    ma = [r for r in d if r["duty"] == "member_assembly"]
    exempt = [r for r in ma if r["exempt"]]
    # Q2 of 2019 overlaps the exemption: one quarter not assessed, for that branch only.
    assert [(r["subject"], r["exempt"]) for r in exempt] == [(exempt_subject, 1)]
    assert sum(r["assessed"] for r in ma) == 197  # data/check_chengxi.py's figure
    assert sum(r["below_quorum"] for r in ma) > 0
    # Duties without a quorum never report activities below one.
    assert all(r["below_quorum"] == 0 for r in d if r["duty"] != "member_assembly")


def test_pseudonymize_without_a_salt_draws_a_random_one_and_says_so(monkeypatch):
    monkeypatch.delenv("DANGJIAN_SALT", raising=False)
    ds = dj.example()
    with pytest.warns(UserWarning, match="random salt"):
        a = ds.pseudonymize()
    with pytest.warns(UserWarning, match="random salt"):
        b = ds.pseudonymize()
    ids_a = rows(a.table("people"))[0]["id"]
    ids_b = rows(b.table("people"))[0]["id"]
    assert ids_a != ids_b


def test_a_salt_file_or_the_environment_keeps_pseudonyms_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("DANGJIAN_SALT", raising=False)
    ds = dj.example()
    f = tmp_path / "salt.txt"
    f.write_text("a long secret\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning when a salt is given
        a = rows(ds.pseudonymize(salt_file=f).table("people"))[0]["id"]
        b = rows(ds.pseudonymize(salt="a long secret").table("people"))[0]["id"]
        monkeypatch.setenv("DANGJIAN_SALT", "a long secret")
        c = rows(ds.pseudonymize().table("people"))[0]["id"]
    assert a == b == c
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        ds.pseudonymize(salt_file=empty)
