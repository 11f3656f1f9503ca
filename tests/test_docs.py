"""The docstring examples of the Python package run."""

import doctest
import importlib

import pytest

MODULES = ["dangjian", "dangjian._errors", "dangjian._ledger", "dangjian._table", "dangjian.plot"]


@pytest.mark.parametrize("name", MODULES)
def test_docstrings(name):
    if name == "dangjian.plot":
        pytest.importorskip("matplotlib")
        import matplotlib

        matplotlib.use("Agg")
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
