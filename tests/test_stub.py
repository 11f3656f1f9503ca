"""The hand-written stub matches the compiled module."""

import subprocess
import sys

import pytest


def test_stub_matches_the_module():
    pytest.importorskip("mypy")
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "dangjian._dangjian", "--ignore-missing-stub"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_package_is_typed():
    import pathlib

    import dangjian

    assert (pathlib.Path(dangjian.__file__).parent / "py.typed").exists()
    assert (pathlib.Path(dangjian.__file__).parent / "_dangjian.pyi").exists()


def test_the_package_type_checks_against_the_stub():
    # The wrappers pass the stub's Literal choices on (`by`, `freq`, drill-down kinds).
    pytest.importorskip("mypy")
    import pathlib

    package = pathlib.Path(__file__).resolve().parent.parent / "python" / "dangjian"
    out = subprocess.run(
        [sys.executable, "-m", "mypy", str(package), "--ignore-missing-imports", "--no-incremental"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_ledger_table_literals_are_the_declared_tables_in_order():
    # The tables are declared once, in the Rust model; the native module lists them (in
    # `counts`, in declaration order) and `_types.py` repeats them for type checkers.
    import typing

    from dangjian import _dangjian, _types

    declared = [name for name, _ in _dangjian.template().counts()]
    assert declared[0] == "units" and declared[-1] == "exemptions" and len(declared) == 14
    assert list(typing.get_args(_types.LedgerTable)) == declared
    # A Table may hold any ledger table (`duties` is a drill-down name too).
    assert set(declared) <= set(typing.get_args(_types.TableKind))
