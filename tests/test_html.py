"""The dashboard page and the notebook displays, from Python (no browser: see test_browser)."""

import re

import dangjian as dj
import pytest
from conftest import AS_OF


@pytest.fixture(scope="module")
def page(ds) -> str:
    return ds.report_html(as_of=AS_OF)


def test_report_html_returns_the_page_or_writes_it(ds, page, tmp_path):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    out = tmp_path / "chengxi.html"
    assert ds.report_html(out, as_of=AS_OF) is None
    assert out.read_text(encoding="utf-8") == page
    assert not (tmp_path / "chengxi.html.tmp").exists()


def test_the_page_states_the_facts_of_the_example(page):
    # DOMAIN.md at 2019-07-31: 25 of 33 key tasks started (75.8%); 88 of 98 above-scale
    # enterprises with a party organisation (89.8%), target 100% by 2019-12-31; 7 red
    # workshops; 2 two-new committees targeted, none yet.
    started = re.search(r'data-metric="tasks.started">(.*?)</a>', page).group(1)
    assert "75.8%" in started and "(25/33)" in started
    covered = re.search(r'data-metric="coverage.org">(.*?)</a>', page).group(1)
    assert "89.8%" in covered and "(88/98)" in covered and "2019-12-31" in covered
    # No enterprise linked to a leadership member yet (0/98), every one due by 2019-12-31.
    linked = re.search(r'data-metric="coverage.liaison">(.*?)</a>', page).group(1)
    assert "(0/98)" in linked and "联企覆盖率" in linked and "100% · 2019-12-31" in linked
    assert re.search(r'data-metric="workshops.red">.*?<b>7</b>', page)
    assert re.search(r'data-metric="committees.two_new">.*?<b>0</b>.*?目标 <span class="en">target</span> 2', page)
    # The late tasks by name, the enterprises without an organisation by name.
    assert "西田畈村土地流转" in page and "规上企业党组织全覆盖百日攻坚" in page
    assert "永康市鼎旺铝业有限公司" in page
    # Names, not ids, in the tables (the id is kept in a title attribute).
    assert ">朱敏<" in page or ">朱敏 " in page or "朱敏" in page


def test_the_page_fetches_nothing(page):
    # No URL to fetch: every src and href is an in-page anchor or a data: URL, and the
    # Content-Security-Policy forbids any fetch the page might still try.
    for attr in re.findall(r'\b(?:src|href|action)="([^"]*)"', page):
        assert attr.startswith("#") or attr.startswith("data:"), attr
    assert "http://" not in page and "https://" not in page and "@import" not in page and "url(" not in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_the_script_hash_in_the_policy_is_the_scripts(page):
    import base64
    import hashlib

    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in page


def test_every_figure_links_to_a_table_on_the_page(page):
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    links = re.findall(r'href="#([^"]+)"', page)
    assert links and all(link in ids for link in links)
    for table in ("t-metrics", "t-tasks", "t-enterprises", "t-duties", "t-cadres"):
        assert table in ids


def test_a_breakdown_adds_its_section(ds):
    page = ds.report_html(as_of=AS_OF, by="area")
    assert 'id="breakdown"' in page and "按片分解" in page
    # 花川片 and 李店片, then the district apart in the footer.
    section = page.split('id="breakdown"')[1].split("</section>")[0]
    assert section.index("花川片") < section.index("<tfoot>") < section.index("城西新区")


def test_bad_queries_raise_query_error_not_a_panic(ds):
    with pytest.raises(dj.QueryError):
        ds.report_html(as_of=AS_OF, scope="nowhere")
    with pytest.raises(dj.QueryError):
        ds.report_html(as_of="2019-07-31", from_="2019-08-01")
    with pytest.raises(dj.QueryError):
        ds.report_html(as_of="31/07/2019")


def test_long_tables_are_cut_with_the_export_command(ds):
    page = ds.report_html(as_of=AS_OF, max_rows=10)
    assert page.count("<tr>", page.index('id="tasks-table"'), page.index('id="t-enterprises"')) == 11  # header + 10
    assert "showing 10 of 33 rows" in page
    assert "dangjian tasks --as-of 2019-07-31 --from 2019-01-01 --format csv &gt; tasks.csv" in page
    assert "ds.tasks(as_of=&quot;2019-07-31&quot;, from_=&quot;2019-01-01&quot;).to_pandas()" in page


def test_a_metrics_table_shows_what_a_person_reads(ds):
    t = ds.metrics(as_of=AS_OF)
    html = t._repr_html_()
    shown = re.sub(r"<style>.*?</style>|<[^>]*>", " ", html, flags=re.S)  # the text a reader sees
    # 25/33 as a share with its fraction, a count without ".0", the scope by name.
    assert "75.8% (25/33)" in shown and "0.7575" not in shown and "33.0" not in shown
    assert re.search(r'<td class="n" data-v="33">33</td>', html)
    assert "城西新区" in html
    # Each duty and target named for what it is.
    assert "履职率：路长巡查（每3天）" in html or t.num_rows > 20
    full = dj.example().metrics(as_of=AS_OF, metrics=["duty", "target"])._repr_html_()
    assert "履职率：路长巡查（每3天）" in full and "履职率：红色车间指导（每月）" in full
    assert "目标达成度：完成率" in full
    # The raw numbers are still there for analysis.
    pytest.importorskip("pandas")
    df = t.to_pandas()
    assert df.loc[df.metric == "tasks.started", "value"].iloc[0] == pytest.approx(25 / 33)


def test_a_trend_table_shows_its_dates(ds):
    html = ds.trend("coverage.org", "2019-01-01", AS_OF)._repr_html_()
    assert "2019-01-31" in html and "89.8% (88/98)" in html and "组织覆盖率" in html


def test_the_ledger_display_is_the_pages_programme_cards(ds):
    html = ds._repr_html_()
    assert "台账" in html and "城西新区" in html
    for programme in ("红色成长", "红色引领", "红色覆盖"):
        assert programme in html
    assert "(25/33)" in html and "(88/98)" in html


def test_drilldown_tables_show_names_in_a_notebook(ds):
    html = ds.duties(as_of=AS_OF)._repr_html_()
    # 西周路, its road chief 陈天云 (DOMAIN.md), by name with the id on hover.
    assert '<td title="xizhou_road">西周路</td>' in html
    assert '<td title="p_chentianyun">陈天云</td>' in html
    assert html.count("<tr>") <= 21 and "more rows" in html
