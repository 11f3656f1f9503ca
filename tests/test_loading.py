"""Loading with a progress callback (issue: loading at the speed of the disk)."""

import dangjian as dj
import pytest


def test_progress_reports_reading_then_validating_and_every_byte(tmp_path):
    path = tmp_path / "ledger"
    dj.example().save(str(path))
    total_bytes = sum(f.stat().st_size for f in path.glob("*.csv"))
    calls = []
    ds = dj.load(str(path), progress=lambda stage, done, total: calls.append((stage, done, total)))
    reading = [c for c in calls if c[0] == "reading"]
    # Every byte of the 13 files is read once: the last report is total of total.
    assert reading[-1] == ("reading", total_bytes, total_bytes)
    assert [d for _, d, _ in reading] == sorted(d for _, d, _ in reading)
    assert calls[-2:] == [("validating", 0, 1), ("validating", 1, 1)]
    assert ds.metrics(as_of="2019-07-31", metrics="tasks.started").to_pandas()["numerator"][0] == 25


def test_an_exception_in_the_callback_is_raised_after_the_load(tmp_path):
    path = tmp_path / "ledger"
    dj.example().save(str(path))

    def boom(stage, done, total):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        dj.load(str(path), progress=boom)
