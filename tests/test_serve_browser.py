"""The live page of ``dangjian serve`` in headless Chromium: ``/`` shows the dashboard of
the token's scope, opened with HTTP Basic (the token's name and the token) as a browser
does, and after a write a reload shows the new figures. The server runs on 127.0.0.1 only.
"""

import base64
import json
import os
import pathlib
import subprocess
import urllib.error
import urllib.request

import pytest
from cdp import Browser, find_chromium

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXE = ROOT / "target" / "debug" / "dangjian"


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        if os.environ.get("DANGJIAN_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed; scripts/test.sh installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    with Browser() as b:
        yield b


def _run(*args: str) -> str:
    return subprocess.run([str(EXE), *args], check=True, capture_output=True, text=True, timeout=120).stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``dangjian serve`` over the example as an SQLite ledger, and a token of 花川片."""
    if not EXE.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "dangjian-cli"], cwd=ROOT, check=True)
    folder = tmp_path_factory.mktemp("served")
    db, tokens = folder / "ledger.sqlite", folder / "tokens.toml"
    _run("export", "--to", str(db))
    token = _run(
        "token", "add", "--tokens", str(tokens), "--name", "huachuan", "--scope", "huachuan_area", "--can", "append"
    ).strip()
    proc = subprocess.Popen(
        [str(EXE), "serve", "--quiet", "--data", str(db), "--tokens", str(tokens), "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        yield line.split()[-1], token
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _basic(token: str) -> str:
    return "Basic " + base64.b64encode(f"huachuan:{token}".encode()).decode()


def _figure(page, metric: str) -> str:
    return page.evaluate(
        f"document.querySelector(\"#programmes [data-metric='{metric}'] .fv\").innerText.replace(/\\s+/g, ' ').trim()"
    )


def test_the_live_page_shows_the_token_scope_and_a_reload_shows_a_write(browser, served):
    base, token = served
    page = browser.new_page(width=1280, height=900)
    # As a browser sends it once the user has typed the name and the token.
    page.call("Network.setExtraHTTPHeaders", headers={"Authorization": _basic(token)})
    page.goto(base + "/")
    assert page.console_errors == []
    assert page.requests == [base + "/"]
    assert "花川片" in page.evaluate("document.querySelector('h1').innerText")
    # DOMAIN.md, 花川片 on 2019-07-31: 13 key tasks, 2 of them done
    # (shangxie_lotus, xiwanzhou_pond): 2/13 = 15.4%.
    assert _figure(page, "tasks.completed") == "15.4% (2/13)"
    # The road of 塘泾 (55% on 2019-07-30) is reported done on 2019-07-31: 3/13 = 23.1%.
    body = json.dumps([{"initiative": "task_tangjing_road", "date": "2019-07-31", "percent": 100}])
    req = urllib.request.Request(
        base + "/api/v1/progress",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 201
        assert json.load(r)["added"] == 1
    page.goto(base + "/")
    assert _figure(page, "tasks.completed") == "23.1% (3/13)"
    assert page.console_errors == []


def test_the_page_asks_a_browser_for_a_user_and_password(served):
    base, _ = served
    try:
        urllib.request.urlopen(base + "/", timeout=60)
        raise AssertionError("answered without a token")
    except urllib.error.HTTPError as e:
        assert e.code == 401
        assert e.headers["WWW-Authenticate"].startswith("Basic")
