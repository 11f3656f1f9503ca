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
