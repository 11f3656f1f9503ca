"""The committed corpus of bad ledgers gives, through Python too, exactly the located errors
of each case's expected.txt: a LedgerError, never a panic."""

import pathlib

import dangjian as dj
import pytest
from conftest import ROOT

CASES = ROOT / "crates" / "dangjian" / "tests" / "bad_ledgers"


def committed_cases():
    for case in sorted(CASES.iterdir()):
        # Generated cases are written by the Rust test; debug-only ones rely on a debug build.
        if (case / "generated.txt").exists() or (case / "debug-only.txt").exists():
            continue
        yield case


def ledger_path(case: pathlib.Path) -> pathlib.Path:
    for name in ("ledger.json", "ledger.xlsx"):
        if (case / name).exists():
            return case / name
    return case


@pytest.mark.parametrize("case", list(committed_cases()), ids=lambda c: c.name)
def test_bad_ledger_gives_its_expected_errors(case):
    expected = [line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    with pytest.raises(dj.LedgerError) as e:
        dj.load(ledger_path(case))
    got = [f"{p['location']}: {p['message']}" for p in e.value.problems if p["severity"] == "error"]
    assert got == expected


def test_the_corpus_is_not_empty():
    assert len(list(committed_cases())) >= 6
