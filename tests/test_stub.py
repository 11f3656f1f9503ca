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
