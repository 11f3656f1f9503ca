"""Rich notebook display: bounded HTML tables with 中文 and English metric names."""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Dict, List, Optional, Protocol, Tuple


class _Shown(Protocol):
    """What the display reads of a table (a :class:`dangjian.Table`): this module needs no
    import of ``_table``, which imports it, so the two do not import each other."""

    @property
    def kind(self) -> str: ...

    @property
    def column_names(self) -> List[str]: ...

    @property
    def num_rows(self) -> int: ...

    def _preview(self, n: int, /) -> List[List[str]]: ...


_STYLE = (
    "<style>.dangjian table{border-collapse:collapse;font-size:12px}"
    ".dangjian th,.dangjian td{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
    ".dangjian td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".dangjian caption{text-align:left;font-weight:bold;color:#b22222}</style>"
)


@lru_cache(maxsize=1)
def metric_names() -> Dict[str, Tuple[str, str]]:
    """Metric id -> (中文, English) from the catalogue (per-ledger families by prefix)."""
    from . import _dangjian

    t = _dangjian.catalogue()
    cols = list(t.column_names)
    i, zh, en = cols.index("id"), cols.index("zh"), cols.index("en")
    return {r[i]: (r[zh], r[en]) for r in t.preview(t.num_rows)}


def names_of(metric: str) -> Tuple[str, str]:
    """The 中文 and English names of a metric id, also for ``duty.<id>`` and the like."""
    names = metric_names()
    if metric in names:
        return names[metric]
    for template, pair in names.items():
        head = template.split("<")[0]
        if "<" in template and metric.startswith(head):
            tail = template.split(">")[-1]
            if metric.endswith(tail) and (tail or "." not in metric[len(head) :]):
                return pair
    return ("", "")


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _number(s: str) -> str:
    """A number as the page writes it: whole numbers without ``.0``."""
    x = float(s)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:g}"


def metric_value(value: str, numerator: str, denominator: str) -> str:
    """A metric row's value as the page shows it: a ratio (a row with a denominator) as
    ``75.8% (25/33)``, a count as ``33``.

    >>> metric_value("0.7575757575757576", "25.0", "33.0")
    '75.8% (25/33)'
    >>> metric_value("33.0", "", "")
    '33'
    """
    if denominator != "" and numerator != "":
        return f"{float(value) * 100:.1f}% ({_number(numerator)}/{_number(denominator)})"
    return _number(value)


#: Columns holding the id of a unit, organisation or person.
NAME_COLUMNS = (
    "unit",
    "subject",
    "holder",
    "leader",
    "owner",
    "parent",
    "scope",
    "person",
    "via_org",
    "via_instructor",
    "liaisons",
)


def table_html(t: _Shown, limit: int, names: Optional[Dict[str, str]] = None) -> str:
    """A bounded HTML table; with ``names``, id columns show names (the id on hover)."""
    cols: List[str] = t.column_names
    rows = t._preview(limit)
    with_names = t.kind in ("metrics", "trend") and "metric" in cols
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    if with_names:
        head = head.replace("<th>metric</th>", "<th>metric</th><th>指标</th><th>name</th>", 1)
    body = []
    for r in rows:
        cells = []
        row = dict(zip(cols, r))
        for c, v in zip(cols, r):
            cls = ' class="num"' if _is_number(v) else ""
            shown = "n/a" if v == "" and c == "value" else v
            if with_names and c == "value" and v != "":
                shown = metric_value(v, row.get("numerator", ""), row.get("denominator", ""))
            elif with_names and c in ("numerator", "denominator") and _is_number(v):
                shown = _number(v)
            if names and c in NAME_COLUMNS and v not in ("", "[]"):
                ids = v.strip("[]").split(", ") if v.startswith("[") else [v]
                named = "、".join(names.get(i, i) for i in ids)
                cells.append(f'<td title="{html.escape(v)}">{html.escape(named)}</td>')
                continue
            cells.append(f"<td{cls}>{html.escape(shown)}</td>")
            if with_names and c == "metric":
                zh, en = names_of(v)
                cells.append(f"<td>{html.escape(zh)}</td><td>{html.escape(en)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if t.num_rows > len(rows):
        more = f"<p>… {t.num_rows - len(rows)} more rows (of {t.num_rows}); use to_pandas() or to_polars() for all</p>"
    caption = f"<caption>dangjian {html.escape(t.kind)}: {t.num_rows} rows</caption>"
    return f'<div class="dangjian">{_STYLE}<table>{caption}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}</div>'
