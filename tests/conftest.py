import pathlib
import subprocess

import dangjian as dj
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
AS_OF = "2019-07-31"


@pytest.fixture(scope="session")
def ds() -> dj.Ledger:
    return dj.example()


@pytest.fixture(scope="session")
def cli_json():
    """The Rust engine's JSON for the example at 2019-07-31 (through the command line)."""
    import json

    exe = ROOT / "target" / "debug" / "dangjian"
    if not exe.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "dangjian-cli"], cwd=ROOT, check=True)
    out = subprocess.run(
        [str(exe), "report", "--as-of", AS_OF, "--format", "json"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)
