"""Plots for what analysts would rather look at than read (needs matplotlib and pyarrow).

Every function returns the matplotlib ``Axes`` it drew on; pass ``ax=`` to draw into an
existing figure. Units, organisations, people and metrics show their names, not their ids
(``梅堂区块``, not ``meitang_block``); long labels are wrapped to fit; the scope's own row
(the district) is drawn apart from the breakdown rows it sums up.

Chinese text needs a font with CJK glyphs, which matplotlib's default (DejaVu Sans) lacks.
The plots use the first installed of :data:`CJK_FONTS` (Noto Sans CJK SC first; on Debian
and Ubuntu ``apt-get install fonts-noto-cjk``), with DejaVu Sans as the fallback for other
glyphs, set on the plots' own text only (your ``rcParams`` stay as they are).
:func:`cjk_font` says which one was picked. With none installed, the plots warn once and
label in English and by id instead of drawing empty boxes.

>>> import dangjian as dj, dangjian.plot as djp
>>> ax = djp.coverage_by(dj.example(), by="block", as_of="2019-07-31")
>>> ax.get_yticklabels()[-1].get_text()  # the district, on a row of its own
'城西新区（全部）'
"""

from __future__ import annotations

import calendar
import datetime as _dt
import os
import textwrap
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _dangjian
from ._display import metric_names
from ._ledger import DateLike, Ledger, _date
from ._table import Table
from ._types import Freq, UnitKind


def __dir__() -> List[str]:
    """What ``dir(dangjian.plot)`` and tab completion show: the API (``__all__``, at the end
    of this file), not the module's imports."""
    return sorted(__all__)


#: Fonts with Chinese glyphs, in order of preference.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Arial Unicode MS",
)

# File names of CJK fonts, to find one installed after matplotlib cached its font list.
_CJK_FILES = ("notosanscjk", "sourcehansans", "notosanssc", "wqy", "msyh", "simhei", "pingfang", "hiragino", "arialuni")

_RED = "#c0392b"
_GREY = "#9e9e9e"
#: Colour and hatch of each key-task status (the hatch keeps them apart without colour).
STATUS_STYLE = {
    "on_track": ("#7cb342", ""),
    "at_risk": ("#f2a900", "//"),
    "overdue": (_RED, "xx"),
    "not_started": (_GREY, ".."),
    "done": ("#2e7d32", ""),
}
#: Kept for older code: the colour of each status.
STATUS_COLOURS = {k: v[0] for k, v in STATUS_STYLE.items()}
_METRIC_COLOURS = ("#1f5f99", "#e08a1e", "#3a9d5d", "#8e44ad", "#c0392b")

_font: Optional[str] = None
_font_checked = False


def cjk_font() -> Optional[str]:
    """The CJK font family the plots use, or ``None`` (after one warning) when none is
    installed.

    >>> import dangjian.plot as djp
    >>> djp.cjk_font() in djp.CJK_FONTS + (None,)
    True
    """
    global _font, _font_checked
    if _font_checked:
        return _font
    _font_checked = True
    from matplotlib import font_manager

    def installed() -> Optional[str]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((f for f in CJK_FONTS if f in names), None)

    _font = installed()
    if _font is None:
        # The font list is cached on first use; a font installed since is not in it.
        for path in font_manager.findSystemFonts():
            if any(k in os.path.basename(path).lower().replace("-", "").replace("_", "") for k in _CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except Exception:  # pragma: no cover - an unreadable font file
                    continue
        _font = installed()
    if _font is None:
        warnings.warn(
            "dangjian.plot: no font with Chinese glyphs is installed (looked for "
            + ", ".join(CJK_FONTS[:3])
            + " and others), so plots are labelled in English and by id. Install one "
            "(Debian/Ubuntu: apt-get install fonts-noto-cjk) to see the Chinese names.",
            UserWarning,
            stacklevel=3,
        )
    return _font


def _family() -> List[str]:
    f = cjk_font()
    return [f, "DejaVu Sans"] if f else ["DejaVu Sans"]


def _label(zh: str, en: str) -> str:
    """中文 first, English alongside; English alone without a CJK font."""
    if not zh or cjk_font() is None:
        return en
    return f"{zh} {en}" if en and en != zh else zh


def _width(s: str) -> int:
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in s)


def _wrap(s: str, width: int = 26, lines: int = 2) -> str:
    """Wraps a label to lines of at most ``width`` columns (CJK characters count two),
    at most ``lines`` lines, the rest cut with an ellipsis."""
    out: List[str] = []
    cur = ""
    for word in s.replace("\n", " ").split(" "):
        for piece in [word] if _width(word) <= width else textwrap.wrap(word, max(1, width // 2)):
            cand = f"{cur} {piece}" if cur else piece
            if _width(cand) <= width:
                cur = cand
            else:
                if cur:
                    out.append(cur)
                cur = piece
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, len(out[-1]) - 1)] + "…"
    return "\n".join(out)


class _Names:
    """The ledger's display names, as the dashboard page shows them."""

    def __init__(self, ledger: Ledger) -> None:
        d = _dangjian.display_names(ledger._native)
        self.units: Dict[str, str] = d["units"]
        self.kinds: Dict[str, str] = d["kinds"]
        self.kind_names: Dict[str, Tuple[str, str]] = d["kind_names"]
        self.people: Dict[str, str] = d["people"]
        self.metrics: Dict[str, Tuple[str, str]] = d["metrics"]

    def unit(self, uid: str) -> str:
        return self.units.get(uid, uid) if cjk_font() else uid

    def person(self, pid: str) -> str:
        return self.people.get(pid, pid) if cjk_font() else pid

    def metric(self, mid: str) -> str:
        zh, en = self.metrics.get(mid, (mid, mid))
        return _label(zh, en)

    def kind(self, kind: str) -> str:
        zh, en = self.kind_names.get(kind, (kind, kind))
        return _label(zh, en)


def _axes(ax: Any, size: Tuple[float, float] = (8, 4)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _finish(ax: Any) -> Any:
    """Sets the CJK font on every text of the figure (tick labels made later copy it)."""
    from matplotlib.text import Text

    fam = _family()
    for t in ax.figure.findobj(Text):
        t.set_fontfamily(fam)
    return ax


def coverage_by(
    ledger: Ledger,
    by: UnitKind = "block",
    as_of: Optional[DateLike] = None,
    metrics: Optional[Sequence[str]] = None,
    ax: Any = None,
) -> Any:
    """Horizontal bars: coverage ratios per unit of kind ``by``, by name, with the scope's
    own row (the whole district) drawn apart on top, under a line. ``metrics`` defaults to
    every ``coverage.*`` metric of the catalogue.

    >>> import dangjian as dj, dangjian.plot as djp
    >>> ax = djp.coverage_by(dj.example(), by="block", as_of="2019-07-31")
    >>> len(ax.patches)  # 4 coverage metrics x (2 blocks + the district)
    12
    """
    from matplotlib.ticker import PercentFormatter

    if metrics is None:
        metrics = [m for m in metric_names() if m.startswith("coverage.")]
    names = _Names(ledger)
    rows = ledger.metrics(as_of=as_of, by=by, metrics=list(metrics)).to_pylist()
    scope = rows[0]["scope"] if rows else None
    units: List[str] = []
    for r in rows:
        if r["scope"] != scope and r["scope"] not in units:
            units.append(r["scope"])
    value = {(r["scope"], r["metric"]): r for r in rows}
    # Units top to bottom, then a gap and a line, then the scope.
    ys = {u: float(i) for i, u in enumerate(units)}
    if scope is not None:
        ys[scope] = len(units) + 0.6
    ax = _axes(ax, (9, 1.6 + 0.55 * (len(units) + 1) * max(1, len(metrics)) / 2))
    h = 0.8 / max(1, len(metrics))
    for k, m in enumerate(metrics):
        order = units + ([scope] if scope is not None else [])
        vals = [(value.get((s, m)) or {}).get("value") for s in order]
        bars = ax.barh(
            [ys[s] + (k - (len(metrics) - 1) / 2) * h for s in order],
            [v if v is not None else 0 for v in vals],
            height=h,
            color=_METRIC_COLOURS[k % len(_METRIC_COLOURS)],
            label=_wrap(names.metric(m), 22),
        )
        if len(order) <= 12:
            ax.bar_label(bars, labels=["n/a" if v is None else f"{v:.0%}" for v in vals], padding=2, fontsize="x-small")
    if units and scope is not None:
        ax.axhline(len(units) - 0.5 + 0.05, color="#555", linewidth=0.8)
    labels = [_wrap(names.unit(u), 18) for u in units]
    if scope is not None:
        whole = "（全部）" if cjk_font() else " (whole)"
        labels.append(_wrap(names.unit(scope) + whole, 18))
    ax.set_yticks([ys[u] for u in units] + ([ys[scope]] if scope is not None else []))
    ax.set_yticklabels(labels)
    if scope is not None:
        ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(
        _label(
            f"覆盖率（按{names.kind_names.get(by, (by, by))[0]}）",
            f"coverage by {names.kind_names.get(by, (by, by))[1]}",
        )
    )
    # Outside the plot, so it hides no bar; constrained layout makes room for it.
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    return _finish(ax)


def task_status(ledger: Ledger, as_of: Optional[DateLike] = None, ax: Any = None) -> Any:
    """Horizontal bars: key tasks per status (on track, at risk, overdue, not started,
    done), each status with its own colour and hatch, its name and its count.

    >>> import dangjian as dj, dangjian.plot as djp
    >>> ax = djp.task_status(dj.example(), as_of="2019-07-31")
    >>> int(sum(p.get_width() for p in ax.patches))
    33
    """
    names = _Names(ledger)
    rows = ledger.tasks(as_of=as_of).to_pylist()
    counts: Dict[str, int] = {s: 0 for s in STATUS_STYLE}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    ax = _axes(ax, (7, 3))
    order = list(counts)
    bars = ax.barh(
        range(len(order)),
        [counts[s] for s in order],
        color=[STATUS_STYLE.get(s, (_GREY, ""))[0] for s in order],
        hatch=None,
        edgecolor="#333",
        linewidth=0.5,
    )
    for b, s in zip(bars, order):
        b.set_hatch(STATUS_STYLE.get(s, (_GREY, ""))[1])
    ax.bar_label(bars, padding=3)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([names.metric(f"tasks.{s}") for s in order])
    ax.invert_yaxis()
    ax.set_xlim(0, max(counts.values() or [1]) * 1.15 + 0.5)
    ax.set_xlabel(_label("项", "key tasks"))
    ax.set_title(_label("重难点工作状态", "key tasks by status") + f" ({len(rows)})")
    return _finish(ax)


def trend(
    table_or_ledger: Union[Table, Ledger],
    metric: Optional[str] = None,
    start: Optional[DateLike] = None,
    end: Optional[DateLike] = None,
    freq: Freq = "M",
    ax: Any = None,
    *,
    ledger: Optional[Ledger] = None,
) -> Any:
    """Lines: a trend (from :meth:`Ledger.trend`, or computed from a ledger), one line per
    metric and scope, named; shares on a 0 to 100% axis.

    With a table, pass ``ledger=`` too for names instead of ids.

    >>> import dangjian as dj, dangjian.plot as djp
    >>> ax = djp.trend(dj.example(), "coverage.org", "2019-01-01", "2019-07-31")
    >>> len(ax.lines[0].get_xdata())
    7
    """
    from matplotlib.ticker import PercentFormatter

    if isinstance(table_or_ledger, Ledger):
        if metric is None or start is None or end is None:
            raise ValueError("with a ledger, give metric, start and end")
        ledger = table_or_ledger
        table = ledger.trend(metric, start, end, freq)
    else:
        table = table_or_ledger
    names = _Names(ledger) if ledger is not None else None
    rows = table.to_pylist()
    ax = _axes(ax)
    series: Dict[tuple, List[tuple]] = {}
    ratio = True
    for r in rows:
        # A point after which no dated record exists carries the previous value flat.
        fresh = r.get("records_since_previous", True)
        series.setdefault((r["metric"], r["scope"]), []).append((r["as_of"], r["value"], fresh))
        ratio = ratio and r.get("denominator") is not None
    carried_any = False
    for i, ((m, s), points) in enumerate(series.items()):
        points = [p for p in points if p[1] is not None]
        if not points:
            continue
        label = f"{names.metric(m)} · {names.unit(s)}" if names else f"{m} @ {s}"
        colour = _METRIC_COLOURS[i % len(_METRIC_COLOURS)]
        solid = [p for p in points if p[2]]
        if solid:
            ax.plot([p[0] for p in solid], [p[1] for p in solid], marker="o", color=colour, label=_wrap(label, 40))
        carried = [p for p in points if not p[2]]
        if carried:
            carried_any = True
            # Dashed from the last point with records, hollow where the value is carried.
            lead = [solid[-1]] if solid else []
            ax.plot(
                [p[0] for p in lead + carried],
                [p[1] for p in lead + carried],
                linestyle="--",
                color=colour,
                label=None if solid else _wrap(label, 40),
            )
            ax.plot(
                [p[0] for p in carried],
                [p[1] for p in carried],
                linestyle="none",
                marker="o",
                markerfacecolor="white",
                color=colour,
            )
    if carried_any:
        from matplotlib.lines import Line2D

        ax.add_line(
            Line2D(
                [],
                [],
                linestyle="--",
                marker="o",
                markerfacecolor="white",
                color=_GREY,
                label=_label("无新记录，沿用上期", "no new records: carried flat"),
            )
        )
    if ratio:
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _date_ticks(ax, sorted({r["as_of"] for r in rows}))
    ax.set_title(_label("趋势", "trend"))
    if series:
        ax.legend(fontsize="small")
    return _finish(ax)


def _date_ticks(ax: Any, dates: List[_dt.date]) -> None:
    """Ticks on the points themselves: a month-end point under its own month's label
    (``2019-01`` at 31 January), not under the next month's first-day tick."""
    if not dates:
        return
    month_ends = all((d + _dt.timedelta(days=1)).day == 1 for d in dates)
    step = max(1, len(dates) // 12)
    shown = dates[::step]
    ax.set_xticks(shown)
    ax.set_xticklabels([d.strftime("%Y-%m" if month_ends else "%m-%d") for d in shown])
    ax.figure.autofmt_xdate()


def duty_heatmap(
    ledger: Ledger,
    duty: str,
    start: DateLike,
    end: DateLike,
    scope: Optional[str] = None,
    ax: Any = None,
) -> Any:
    """Heat map of duty compliance per obligation (subject and holder, by name: rows) and
    month (columns): the share of assessed days or periods that complied in each month,
    written in each cell; blank where nothing was assessed. As on the dashboard page.

    >>> import dangjian as dj, dangjian.plot as djp
    >>> ax = djp.duty_heatmap(dj.example(), "workshop_visit", "2019-01-01", "2019-07-31")
    >>> len(ax.get_yticklabels())
    7
    """
    names = _Names(ledger)
    s = _dt.date.fromisoformat(_date(start, "start") or "")
    e = _dt.date.fromisoformat(_date(end, "end") or "")
    months: List[_dt.date] = []
    d = _dt.date(s.year, s.month, 1)
    while d <= e:
        months.append(d)
        d = _dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    grid: Dict[tuple, List[Optional[float]]] = {}
    for k, m in enumerate(months):
        last = _dt.date(m.year, m.month, calendar.monthrange(m.year, m.month)[1])
        rows = ledger.duties(as_of=min(last, e), from_=max(m, s), scope=scope).to_pylist()
        for r in rows:
            if r["duty"] != duty:
                continue
            cell = grid.setdefault((r["subject"], r["holder"]), [None] * len(months))
            if r["assessed"]:
                prev = cell[k]
                share = r["complying"] / r["assessed"]
                cell[k] = share if prev is None else min(prev, share)
    ax = _axes(ax, (9, 1.8 + 0.32 * max(1, len(grid))))
    keys = sorted(grid, key=lambda k: (names.unit(k[0]), names.person(k[1]) if k[1] else ""))
    data = [[(v if v is not None else float("nan")) for v in grid[k]] for k in keys]
    if data:
        im = ax.imshow(data, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1, interpolation="nearest")
        ax.figure.colorbar(im, ax=ax, label=_label("合规占比", "complying share"))
        if len(keys) <= 40:
            for i, row in enumerate(data):
                for j, v in enumerate(row):
                    if v == v:  # not NaN
                        ax.text(
                            j,
                            i,
                            f"{v:.0%}",
                            ha="center",
                            va="center",
                            fontsize="x-small",
                            color="white" if v < 0.35 or v > 0.85 else "black",
                        )
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(
        [_wrap(names.unit(k[0]) + (f" · {names.person(k[1])}" if k[1] else ""), 36, 1) for k in keys], fontsize="small"
    )
    ax.set_xticks(range(len(months)))
    ax.set_xticklabels([m.strftime("%Y-%m") for m in months], rotation=45, ha="right")
    ax.set_title(_wrap(names.metric(f"duty.{duty}"), 60))
    return _finish(ax)


__all__ = [
    "CJK_FONTS",
    "STATUS_COLOURS",
    "STATUS_STYLE",
    "cjk_font",
    "coverage_by",
    "duty_heatmap",
    "task_status",
    "trend",
]
