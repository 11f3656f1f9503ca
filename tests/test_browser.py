"""The dashboard page in a real browser: Debian's headless Chromium, driven through its
DevTools protocol (``cdp.py``). The page must load with no console error and no network
request, show the headline figures of the embedded example, sort its tables, read without
scripts, fit a phone's width and print on A4.

``scripts/test.sh`` installs ``chromium`` and ``fonts-noto-cjk`` when they are missing and
sets ``DANGJIAN_REQUIRE_BROWSER=1``, so there these tests fail rather than skip.
"""

import os
import pathlib

import dangjian as dj
import pytest
from cdp import Browser, find_chromium
from conftest import AS_OF, ROOT

#: Where the screenshots go, to look at after a run.
SHOTS = ROOT / "target" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        if os.environ.get("DANGJIAN_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed; scripts/test.sh installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def chengxi_page(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("page") / "chengxi.html"
    dj.example().report_html(path, as_of=AS_OF, by="area")
    return path


def _text(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r}).innerText.replace(/\\s+/g, ' ').trim()")


def test_the_chengxi_page_shows_its_headline_figures_with_no_error_and_no_request(browser, chengxi_page):
    page = browser.new_page(width=1280, height=900)
    page.goto(chengxi_page.as_uri())
    # Nothing logged as an error (a blocked fetch or a CSP violation would be), and no
    # request but the page itself.
    assert page.console_errors == []
    assert page.requests == [chengxi_page.as_uri()]
    # DOMAIN.md: 33 key tasks, 25 started by 2019-07-31 (25/33 = 75.8%); 98 above-scale
    # enterprises, 88 with a party organisation (88/98 = 89.8%).
    started = _text(page, "#programmes [data-metric='tasks.started']")
    assert started.startswith("已启动率 share started") and started.endswith("75.8% (25/33)")
    covered = _text(page, "#programmes [data-metric='coverage.org']")
    assert covered.startswith("组织覆盖率 organisation coverage 89.8% (88/98)")
    assert "目标 target 100% · 2019-12-31" in covered
    # DOMAIN.md, enterprise liaison: none of the 98 linked yet (0/98 = 0%), all due by year end.
    linked = _text(page, "#p-coverage [data-metric='coverage.liaison']")
    assert linked.startswith("联企覆盖率 enterprise liaison coverage 0% (0/98)")
    assert "目标 target 100% · 2019-12-31" in linked
    # Both are on the first screen a reader sees.
    for metric in ("tasks.started", "coverage.org"):
        top = page.evaluate(
            f"document.querySelector(\"#programmes [data-metric='{metric}']\").getBoundingClientRect().bottom"
        )
        assert 0 < top <= 900, metric
    # The figures link to their drill-down tables, which exist further down.
    assert page.evaluate(
        "[...document.querySelectorAll('#programmes a.fig')].every(a => document.querySelector(a.getAttribute('href')))"
    )
    assert page.evaluate("document.querySelectorAll('#tasks-table tbody tr').length") == 33
    assert page.evaluate("document.querySelectorAll('#enterprises-table tbody tr').length") == 98
    # The Chinese text is drawn in a CJK font, not as boxes: ask which fonts drew the title.
    page.call("DOM.enable")
    page.call("CSS.enable")
    node = page.call("DOM.getDocument")["root"]["nodeId"]
    h1 = page.call("DOM.querySelector", nodeId=node, selector="h1")["nodeId"]
    used = page.call("CSS.getPlatformFontsForNode", nodeId=h1)["fonts"]
    assert any("CJK" in f["familyName"] for f in used), used
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(full_page=True)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    (SHOTS / "chengxi-full.png").write_bytes(png)
    page.viewport(1280, 1000)
    (SHOTS / "chengxi-top.png").write_bytes(page.screenshot(full_page=False))


def test_a_click_on_a_header_sorts_the_table(browser, chengxi_page):
    page = browser.new_page(width=1280)
    page.goto(chengxi_page.as_uri())
    col = "[...document.querySelectorAll('#tasks-table tbody tr')].map(r => Number(r.cells[5].dataset.v))"
    before = page.evaluate(col)
    page.evaluate("document.querySelectorAll('#tasks-table thead th')[5].click()")
    up = page.evaluate(col)
    assert up == sorted(before)
    page.evaluate("document.querySelectorAll('#tasks-table thead th')[5].click()")
    assert page.evaluate(col) == sorted(before, reverse=True)
    assert (
        page.evaluate("document.querySelectorAll('#tasks-table thead th')[5].getAttribute('aria-sort')") == "descending"
    )
    # Text columns sort too, the scope's row (a footer) stays where it is.
    page.evaluate("document.querySelector('#cov-area thead th').click()")
    assert page.evaluate("document.querySelector('#cov-area tfoot th').textContent").startswith("城西新区")
    assert page.console_errors == []


def test_the_page_reads_fully_without_scripts(browser, chengxi_page):
    page = browser.new_page(width=1280, scripts=False)
    page.goto(chengxi_page.as_uri())
    assert page.evaluate("document.querySelectorAll('table.js').length") == 0  # the script did not run
    assert _text(page, "#programmes [data-metric='tasks.started'] .fv") == "75.8% (25/33)"
    assert page.evaluate("document.querySelectorAll('#tasks-table tbody tr').length") == 33
    assert page.evaluate("document.querySelectorAll('#trend svg').length") >= 10


def test_the_page_fits_a_phone(browser, chengxi_page):
    page = browser.new_page(width=390, height=844, mobile=True)
    page.goto(chengxi_page.as_uri())
    # Nothing wider than the screen but the tables, which scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("[...document.querySelectorAll('section')].every(s => s.getBoundingClientRect().right <= 390)")
    # The programme cards stack: each is as wide as the screen allows.
    widths = page.evaluate("[...document.querySelectorAll('.prog')].map(p => p.getBoundingClientRect().width)")
    assert len(widths) == 3 and min(widths) > 300
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "chengxi-phone.png").write_bytes(page.screenshot(full_page=False))


def test_the_page_prints_on_a4_without_cut_tables(browser, chengxi_page):
    page = browser.new_page(width=1280)
    page.goto(chengxi_page.as_uri())
    page.call("Emulation.setEmulatedMedia", media="print")
    # A4 is 210 mm wide; the page's margins leave 190 mm, 718 CSS pixels at 96 per inch.
    page.viewport(718, 1000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 718
    too_wide = page.evaluate(
        "[...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().right > 718.5).map(t => t.id)"
    )
    assert too_wide == []
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    pdf = page.pdf()
    assert pdf[:5] == b"%PDF-"
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 5 <= pages <= 60
