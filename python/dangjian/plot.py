"""Plots for what analysts would rather look at than read (needs matplotlib and pyarrow).

Every function returns the matplotlib ``Axes`` it drew on; pass ``ax=`` to draw into an
existing figure.

>>> import dangjian as dj, dangjian.plot as djp
>>> ax = djp.coverage_by(dj.example(), by="block", as_of="2019-07-31")
"""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Any, Dict, List, Optional, Sequence, Union

from ._ledger import DateLike, Ledger, _date
from ._table import Table
from ._types import Freq, UnitKind

_RED = "#c0392b"
_GREY = "#bbbbbb"
STATUS_COLOURS = {
    "done": "#2e7d32",
    "on_track": "#81c784",
    "at_risk": "#f9a825",
    "overdue": _RED,
    "not_started": _GREY,
}


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(8, 4))
    return ax


def coverage_by(
    ledger: Ledger,
    by: UnitKind = "block",
    as_of: Optional[DateLike] = None,
    metrics: Sequence[str] = ("coverage.org", "coverage.own_org", "coverage.work"),
    ax: Any = None,
) -> Any:
    """Grouped bars: coverage ratios per unit of kind ``by`` (and the whole scope)."""
    rows = ledger.metrics(as_of=as_of, by=by, metrics=list(metrics)).to_pylist()
    scopes: List[str] = []
    for r in rows:
        if r["scope"] not in scopes:
            scopes.append(r["scope"])
    ax = _axes(ax)
    width = 0.8 / max(1, len(metrics))
    for k, m in enumerate(metrics):
        values = [next((r["value"] for r in rows if r["scope"] == s and r["metric"] == m), None) for s in scopes]
        xs = [i + k * width for i in range(len(scopes))]
        ax.bar(xs, [v if v is not None else 0 for v in values], width=width, label=m)
    ax.set_xticks([i + width * (len(metrics) - 1) / 2 for i in range(len(scopes))])
    ax.set_xticklabels(scopes, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share")
    ax.set_title(f"覆盖率 coverage by {by}")
    ax.legend(fontsize="small")
    return ax


def task_status(ledger: Ledger, as_of: Optional[DateLike] = None, ax: Any = None) -> Any:
    """Bars: key tasks per status (done, on track, at risk, overdue, not started)."""
    rows = ledger.tasks(as_of=as_of).to_pylist()
    counts: Dict[str, int] = {s: 0 for s in STATUS_COLOURS}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    ax = _axes(ax)
    names = list(counts)
    ax.bar(names, [counts[n] for n in names], color=[STATUS_COLOURS.get(n, _GREY) for n in names])
    ax.set_ylabel("key tasks")
    ax.set_title("重难点工作 key tasks by status")
    return ax


def trend(
    table_or_ledger: Union[Table, Ledger],
    metric: Optional[str] = None,
    start: Optional[DateLike] = None,
    end: Optional[DateLike] = None,
    freq: Freq = "M",
    ax: Any = None,
) -> Any:
    """Lines: a trend table (from :meth:`Ledger.trend`), one line per metric and scope."""
    if isinstance(table_or_ledger, Ledger):
        if metric is None or start is None or end is None:
            raise ValueError("with a ledger, give metric, start and end")
        table = table_or_ledger.trend(metric, start, end, freq)
    else:
        table = table_or_ledger
    rows = table.to_pylist()
    ax = _axes(ax)
    series: Dict[tuple, List[tuple]] = {}
    for r in rows:
        series.setdefault((r["metric"], r["scope"]), []).append((r["as_of"], r["value"]))
    for (m, s), points in series.items():
        points = [p for p in points if p[1] is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=f"{m} @ {s}")
    ax.set_title("趋势 trend")
    ax.legend(fontsize="small")
    ax.figure.autofmt_xdate()
    return ax


def duty_heatmap(
    ledger: Ledger,
    duty: str,
    start: DateLike,
    end: DateLike,
    scope: Optional[str] = None,
    ax: Any = None,
) -> Any:
    """Heat map of duty compliance per subject (rows) and month (columns): the share of
    assessed days or periods that complied in each month; blank where nothing was assessed."""
    s = _dt.date.fromisoformat(_date(start, "start") or "")
    e = _dt.date.fromisoformat(_date(end, "end") or "")
    months: List[_dt.date] = []
    d = _dt.date(s.year, s.month, 1)
    while d <= e:
        months.append(d)
        d = _dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    grid: Dict[str, List[Optional[float]]] = {}
    for k, m in enumerate(months):
        last = _dt.date(m.year, m.month, calendar.monthrange(m.year, m.month)[1])
        rows = ledger.duties(as_of=min(last, e), from_=m, scope=scope).to_pylist()
        for r in rows:
            if r["duty"] != duty:
                continue
            cell = grid.setdefault(r["subject"], [None] * len(months))
            if r["assessed"]:
                prev = cell[k]
                share = r["complying"] / r["assessed"]
                cell[k] = share if prev is None else min(prev, share)
    ax = _axes(ax)
    subjects = sorted(grid)
    data = [[(v if v is not None else float("nan")) for v in grid[sub]] for sub in subjects]
    if data:
        im = ax.imshow(data, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1)
        ax.figure.colorbar(im, ax=ax, label="complying share")
    ax.set_yticks(range(len(subjects)))
    ax.set_yticklabels(subjects, fontsize="small")
    ax.set_xticks(range(len(months)))
    ax.set_xticklabels([m.strftime("%Y-%m") for m in months], rotation=45, ha="right")
    ax.set_title(f"duty {duty}: compliance per subject and month")
    return ax


__all__ = ["coverage_by", "duty_heatmap", "task_status", "trend", "STATUS_COLOURS"]
