"""The wheel users get installs and works where there is no Rust toolchain.

``./scripts/test.sh`` builds the wheel, installs it into its own environment (so every
other test runs against it) and names the file in ``DANGJIAN_WHEEL``.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

WHEEL = os.environ.get("DANGJIAN_WHEEL")
needs_wheel = pytest.mark.skipif(not WHEEL, reason="DANGJIAN_WHEEL is not set: ./scripts/test.sh builds the wheel")


def _without_rust(path: str) -> str:
    """PATH without any directory that holds cargo or rustc."""
    keep = [
        d
        for d in path.split(os.pathsep)
        if d and not any(os.path.exists(os.path.join(d, exe)) for exe in ("cargo", "rustc", "rustup"))
    ]
    return os.pathsep.join(keep)


@needs_wheel
def test_the_wheel_is_one_abi3_wheel_for_cpython_3_9_and_later():
    # cp39-abi3: CPython's stable ABI from 3.9 on, one file for every later version.
    name = pathlib.Path(WHEEL).name
    assert name.startswith("dangjian-") and name.endswith(".whl")
    assert "-cp39-abi3-" in name, name


@needs_wheel
def test_the_wheel_installs_and_runs_in_a_fresh_environment_without_rust(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARGO", "RUSTUP", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = _without_rust(os.environ.get("PATH", ""))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    assert shutil.which("cargo", path=env["PATH"]) is None
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # From the local file only: no index, and the wheel needs nothing else.
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-deps", WHEEL],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # The example has 33 key tasks (docs/DOMAIN.md: 33 重难点工作), so tasks.total is 33.
    script = (
        "import dangjian, sys\n"
        "row = dangjian.example().metrics(as_of='2019-07-31', metrics='tasks.total').to_pylist()[0]\n"
        "print(row['metric'], row['value'])\n"
        "print(dangjian.__file__.startswith(sys.prefix))\n"
    )
    run = subprocess.run(
        [str(python), "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.split("\n")[:2] == ["tasks.total 33.0", "True"], run.stdout


@needs_wheel
def test_the_tests_run_against_the_installed_wheel_not_the_source_tree():
    import dangjian

    installed = pathlib.Path(dangjian.__file__).resolve()
    assert not installed.is_relative_to(ROOT / "python"), installed
    assert installed.is_relative_to(pathlib.Path(sys.prefix).resolve()), installed
