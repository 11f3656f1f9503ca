"""Each plot draws without error and shows the data it should."""

import warnings

import pytest
from conftest import AS_OF

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import dangjian.plot as djp  # noqa: E402

warnings.filterwarnings("ignore", message="Glyph .* missing")


def test_coverage_by_block(ds):
    ax = djp.coverage_by(ds, by="block", as_of=AS_OF)
    # three metrics x (the district + 2 blocks)
    assert len(ax.patches) == 9


def test_task_status(ds):
    ax = djp.task_status(ds, as_of=AS_OF)
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == 33


def test_trend_lines(ds):
    ax = djp.trend(ds, "coverage.org", "2019-01-01", AS_OF)
    assert len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == 7


def test_duty_heatmap(ds):
    ax = djp.duty_heatmap(ds, "workshop_visit", "2019-01-01", AS_OF)
    assert len(ax.get_yticklabels()) == 7
