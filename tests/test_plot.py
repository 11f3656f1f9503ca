"""Each plot draws, names what it shows (not ids), keeps the scope's row apart, and renders
its Chinese text in a CJK font (matplotlib reports no missing glyph)."""

import os
import warnings

import pytest
from conftest import AS_OF

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import dangjian.plot as djp  # noqa: E402
from matplotlib.text import Text  # noqa: E402


def _require_cjk_font():
    if djp.cjk_font() is None:
        if os.environ.get("DANGJIAN_REQUIRE_BROWSER"):
            pytest.fail("no CJK font installed; scripts/test.sh installs fonts-noto-cjk")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")


def _rows(ds, **kw):
    return {(r["scope"], r["metric"]): r for r in ds.metrics(as_of=AS_OF, **kw).to_pylist()}


def test_coverage_by_block_names_the_blocks_and_draws_the_district_apart(ds):
    _require_cjk_font()
    ax = djp.coverage_by(ds, by="block", as_of=AS_OF)
    # The catalogue's four coverage.* metrics x (2 blocks + the district's own row).
    assert len(ax.patches) == 12
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["梅堂区块", "花川区块", "城西新区（全部）"]
    # The district sits a gap away from the blocks, under a separating line.
    ys = list(ax.get_yticks())
    assert ys[1] - ys[0] == pytest.approx(1.0) and ys[2] - ys[1] > 1.5
    assert any(line.get_ydata()[0] == pytest.approx(1.55) for line in ax.lines)
    # Organisation coverage bars (the first metric): the blocks' values, then the
    # district's 88/98 (DOMAIN.md: 98 above-scale enterprises; 88 covered on 2019-07-31).
    rows = _rows(ds, by="block", metrics="coverage.org")
    org = [p.get_width() for p in ax.patches[:3]]
    assert org == pytest.approx(
        [rows[("meitang_block", "coverage.org")]["value"], rows[("huachuan_block", "coverage.org")]["value"], 88 / 98]
    )
    # Liaison coverage (the fourth): no enterprise linked yet, 0 everywhere (DOMAIN.md).
    assert [p.get_width() for p in ax.patches[9:]] == [0, 0, 0]


def test_task_status_counts_every_key_task_once(ds):
    ax = djp.task_status(ds, as_of=AS_OF)
    widths = [p.get_width() for p in ax.patches]
    # 33 key tasks (DOMAIN.md), each with exactly one status.
    assert sum(widths) == 33
    rows = _rows(ds, metrics="tasks")
    expected = [
        rows[("chengxi", f"tasks.{s}")]["value"] for s in ("on_track", "at_risk", "overdue", "not_started", "done")
    ]
    assert widths == expected
    # Readable without colour: every status has its own hatch or none, and its count written.
    assert len({p.get_hatch() for p in ax.patches}) == 4
    assert [t.get_text() for t in ax.texts] == [str(int(w)) for w in widths]


def test_trend_lines_are_named(ds):
    ax = djp.trend(ds, "coverage.org", "2019-01-01", AS_OF)
    assert len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == 7
    # The last point is 88/98 at the end of July.
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(88 / 98)
    if djp.cjk_font():
        assert (
            ax.get_legend().get_texts()[0].get_text().replace("\n", " ")
            == "组织覆盖率 organisation coverage · 城西新区"
        )


def test_duty_heatmap_rows_are_obligations_by_name(ds):
    ax = djp.duty_heatmap(ds, "workshop_visit", "2019-01-01", AS_OF)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # 7 red workshops, one monthly-visit obligation each (DOMAIN.md).
    assert len(labels) == 7
    if djp.cjk_font():
        assert "新多集团总装车间" in labels
        assert ax.get_title().startswith("履职率：红色车间指导（每月）")
    assert not any("_" in lab for lab in labels)  # names, not ids


def _every_plot(ds):
    return [
        djp.coverage_by(ds, by="block", as_of=AS_OF),
        djp.coverage_by(ds, by="area", as_of=AS_OF),
        djp.coverage_by(ds, by="village", as_of=AS_OF),
        djp.task_status(ds, as_of=AS_OF),
        djp.trend(ds, ["tasks.started", "coverage.org", "duty.road_patrol"], "2019-01-01", AS_OF),
        djp.trend(ds.trend("coverage.org", "2019-01-01", AS_OF, by="block"), ledger=ds),
        djp.duty_heatmap(ds, "road_patrol", "2019-01-01", AS_OF),
        djp.duty_heatmap(ds, "workshop_visit", "2019-01-01", AS_OF),
        djp.duty_heatmap(ds, "member_assembly", "2019-01-01", AS_OF),
    ]


def test_every_plot_renders_its_chinese_text_without_missing_glyphs(ds, tmp_path):
    _require_cjk_font()
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        axes = _every_plot(ds)
        for i, ax in enumerate(axes):
            # Glyphs are looked up when the figure is drawn: draw, and save as PNG and SVG.
            ax.figure.canvas.draw()
            ax.figure.savefig(tmp_path / f"plot{i}.png", dpi=60)
            ax.figure.savefig(tmp_path / f"plot{i}.svg")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    chinese = [t for ax in axes for t in ax.figure.findobj(Text) if any(ord(c) >= 0x4E00 for c in t.get_text())]
    assert len(chinese) > 20
    assert all(t.get_fontfamily()[0] == djp.cjk_font() for t in chinese)
    plt.close("all")


def test_the_glyph_check_catches_a_font_without_chinese():
    # The control: the same check on a title drawn in DejaVu Sans alone does see boxes.
    _require_cjk_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title("城西新区", fontfamily=["DejaVu Sans"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    assert any("missing from font" in str(w.message) for w in caught)
    plt.close(fig)


def test_labels_fit_inside_the_figure(ds):
    # Long names are wrapped and the layout makes room: no tick label leaves the figure.
    for ax in _every_plot(ds):
        fig = ax.figure
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        box = fig.bbox
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        shown = [t for t in ax.get_xticklabels() if x0 <= t.get_position()[0] <= x1]
        shown += [t for t in ax.get_yticklabels() if y0 <= t.get_position()[1] <= y1]
        for t in shown + [ax.title]:
            if not t.get_text():
                continue
            b = t.get_window_extent(r)
            assert b.x0 >= box.x0 - 1 and b.x1 <= box.x1 + 1, t.get_text()
            assert b.y0 >= box.y0 - 1 and b.y1 <= box.y1 + 1, t.get_text()


def test_the_plot_module_exports_only_its_api():
    import dangjian.plot as djp

    assert dir(djp) == sorted(djp.__all__)
    for private in ("os", "warnings", "Any", "Dict", "calendar", "textwrap"):
        assert private not in djp.__all__ and private not in dir(djp)
    assert {"trend", "coverage_by", "task_status", "duty_heatmap", "cjk_font"} <= set(djp.__all__)


def test_a_month_end_point_sits_under_its_own_months_tick_and_carried_points_are_marked():
    import dangjian as dj
    import dangjian.plot as djp

    ax = djp.trend(dj.example(), "coverage.org", "2019-01-01", "2019-12-31")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "2019-01" and ticks[-1] == "2019-12"
    import matplotlib.dates as mdates

    # The first tick is at the first point, 31 January, labelled January.
    assert mdates.num2date(ax.get_xticks()[0]).date().isoformat() == "2019-01-31"
    # January to July with records: one solid line of 7 points; August to December
    # carried: a dashed line from July and 5 hollow points.
    solid = [ln for ln in ax.lines if ln.get_linestyle() == "-"]
    dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--" and len(ln.get_xdata())]
    hollow = [ln for ln in ax.lines if ln.get_linestyle() == "None" and ln.get_markerfacecolor() == "white"]
    assert len(solid[0].get_xdata()) == 7
    assert len(dashed[0].get_xdata()) == 6 and len(hollow[0].get_xdata()) == 5
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("no new records" in t for t in legend)
