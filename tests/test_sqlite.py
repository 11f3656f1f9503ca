"""The SQLite form from Python (docs/SERVICE.md): ``dj.load("x.sqlite")`` and ``save``, with
problems located by row id and files that are not ledgers refused."""

import sqlite3

import dangjian as dj
import pytest
from conftest import AS_OF


def test_the_example_saved_as_sqlite_loads_back_with_the_same_json_and_metrics(tmp_path):
    path = tmp_path / "chengxi.sqlite"
    dj.example().save(path)
    back = dj.load(path)
    assert back.to_json() == dj.example().to_json()
    # docs/DOMAIN.md: 25 of the 33 key tasks started by 2019-07-31.
    row = back.metrics(as_of=AS_OF, metrics="tasks.started").to_pylist()[0]
    assert (row["numerator"], row["denominator"]) == (25, 33)
    # Another program reads it as a database: the format in meta, one table per ledger table.
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchall() == [("dangjian-ledger/1",)]
        ids = {r[0] for r in db.execute("SELECT id FROM units")}
    assert "chengxi" in ids


def test_a_bad_cell_is_located_by_its_row_id(tmp_path):
    path = tmp_path / "l.db"
    dj.template().save(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE people SET birth_date = ? WHERE id = ?", ("1990-02-30", "p_example"))
    with pytest.raises(dj.LedgerError) as e:
        dj.load(path)
    p = e.value.problems[0]
    assert p["location"] == "people[id=p_example].birth_date"
    assert (p["form"], p["table"], p["row"], p["field"], p["id"]) == ("sqlite", "people", 1, "birth_date", "p_example")
    assert p["kind"] == "bad_date"


def test_a_file_that_is_not_a_ledger_database_raises_ledger_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(dj.LedgerError, match="not a dangjian ledger: it has no `meta` table"):
        dj.load(path)
