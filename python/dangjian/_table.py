"""Tables that leave Rust through the Arrow PyCapsule interface."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from . import _dangjian
from ._types import TableKind

#: How many rows ``repr`` and the notebook display show at most.
DISPLAY_ROWS = 20


class Table:
    """A result table (metric rows or a drill-down) backed by one Arrow record batch.

    It implements the Arrow PyCapsule interface (``__arrow_c_stream__``), so pyarrow,
    polars, duckdb and pandas read it without copies::

        >>> import dangjian as dj
        >>> t = dj.example().metrics(as_of="2019-07-31", metrics=["tasks.started"])
        >>> t.column_names[:4]
        ['metric', 'scope', 'scope_name', 'value']
        >>> import pyarrow as pa
        >>> pa.table(t).num_rows
        1

    ``to_pandas()``, ``to_polars()`` and ``to_arrow()`` need the optional packages.
    """

    __slots__ = ("_native", "_html")

    def __init__(self, native: "_dangjian.Table", html: Optional[Callable[[int], str]] = None) -> None:
        self._native = native
        # For metric and trend tables: renders the first n rows as the dashboard page does
        # (names, ``75.8% (25/33)``), from the ledger and query that made the table.
        self._html = html

    # -- the Arrow PyCapsule interface -------------------------------------------------
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """Export as an Arrow C stream (PyCapsule)."""
        return self._native.__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self) -> object:
        """Export the schema as an Arrow C schema (PyCapsule)."""
        return self._native.__arrow_c_schema__()

    # -- shape -------------------------------------------------------------------------
    @property
    def kind(self) -> TableKind:
        """What the table holds: ``metrics``, ``tasks``, ``duties``, ``coverage``, ``cadres``,
        ``trend``, ``catalogue``, ``problems`` or a ledger table name."""
        return self._native.kind

    @property
    def num_rows(self) -> int:
        """The number of rows."""
        return self._native.num_rows

    @property
    def column_names(self) -> List[str]:
        """The column names, in order."""
        return list(self._native.column_names)

    @property
    def column_types(self) -> List[str]:
        """The Arrow type of each column (``Utf8``, ``Float64``, ``Date32`` ...)."""
        return list(self._native.column_types)

    def __len__(self) -> int:
        return self._native.num_rows

    # -- conversions -------------------------------------------------------------------
    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` (needs pyarrow)."""
        import pyarrow as pa

        return pa.table(self)

    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` (needs polars)."""
        import polars as pl

        return pl.DataFrame(self)

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with nullable dtypes: numbers stay nullable (``Float64``,
        ``Int64``), flags are ``boolean``, dates are ``datetime64`` (needs pandas and pyarrow)."""
        import pandas as pd
        import pyarrow as pa

        mapping = {
            pa.int64(): pd.Int64Dtype(),
            pa.float64(): pd.Float64Dtype(),
            pa.bool_(): pd.BooleanDtype(),
            pa.string(): pd.StringDtype(),
        }
        return self.to_arrow().to_pandas(types_mapper=mapping.get, date_as_object=False)

    def to_pylist(self) -> List[Dict[str, Any]]:
        """The rows as dicts of Python values, in column order: ``None``, ``str``, ``int``,
        ``float``, ``bool``, ``datetime.date`` and lists of ``str``, as
        ``self.to_arrow().to_pylist()`` gives them, but without importing pyarrow.

        >>> import dangjian as dj
        >>> rows = dj.example().metrics(as_of="2019-07-31", metrics=["tasks.total"]).to_pylist()
        >>> rows[0]["metric"], rows[0]["value"]
        ('tasks.total', 33.0)
        """
        return self._native.to_pylist()

    # -- display -----------------------------------------------------------------------
    def _preview(self, n: int) -> List[List[str]]:
        return [list(r) for r in self._native.preview(n)]

    def __repr__(self) -> str:
        cols = self.column_names
        rows = self._preview(DISPLAY_ROWS)
        widths = [len(c) for c in cols]
        for r in rows:
            widths = [max(w, _width(v)) for w, v in zip(widths, r)]
        widths = [min(w, 40) for w in widths]
        lines = [f"<dangjian.Table {self.kind}: {self.num_rows} rows x {len(cols)} columns>"]
        lines.append("  ".join(_pad(c, w) for c, w in zip(cols, widths)))
        for r in rows:
            lines.append("  ".join(_pad(v, w) for v, w in zip(r, widths)))
        if self.num_rows > len(rows):
            more = self.num_rows - len(rows)
            lines.append(f"... {more} more {'row' if more == 1 else 'rows'}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The notebook display: metric rows as a person reads them (the metric's 中文 and
        English name, the unit's name, ``75.8% (25/33)``, ``33``), other tables bounded; the
        raw numbers stay in ``to_pandas()``."""
        if self._html is not None:
            return self._html(DISPLAY_ROWS)
        from ._display import table_html

        return table_html(self, DISPLAY_ROWS)


def _width(s: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    if _width(s) > w:
        out = ""
        for ch in s:
            if _width(out + ch) > w - 1:
                break
            out += ch
        s = out + "…"
    return s + " " * max(0, w - _width(s))


__all__ = ["Table", "DISPLAY_ROWS"]
