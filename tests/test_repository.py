"""A fresh clone is self-contained: its README and docs link only inside the repository,
nothing points at the spec's old home outside it, and the README's Python example runs."""

import re
import subprocess

import pytest
from conftest import ROOT

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [ROOT / p for p in out.stdout.split()]


def markdown_pages():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", markdown_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_stay_inside_the_repository(page):
    text = page.read_text(encoding="utf-8")
    for target in LINK.findall(text):
        assert "://" not in target, f"{page.name} links outside: {target}"
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} leaves the repository: {target}"
        assert path.exists(), f"{page.name} links to a missing {target}"


def test_the_contract_is_in_docs():
    names = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert {"DOMAIN.md", "LEDGER.md", "METRICS.md", "STATS.md", "ARCHITECTURE.md"} <= names
    assert (ROOT / "LICENSE-MIT").exists() and (ROOT / "LICENSE-APACHE").exists()


def test_nothing_points_at_the_spec_outside_the_repository():
    files = tracked("*.md", "*.rs", "*.py", "*.pyi", "*.toml", "*.sh")
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        # Spelled in pieces so that this file does not find itself.
        for needle in ("shared" + "/spec", "shared" + "/seed", "../" + "seed/"):
            assert needle not in text, f"{f.relative_to(ROOT)} mentions {needle}"


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    monkeypatch.chdir(tmp_path)  # it saves out.xlsx
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "out.xlsx").exists()
