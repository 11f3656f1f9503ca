"""Partial results merged (docs/PARTIALS.md)."""

from __future__ import annotations

from typing import Any, Iterable

from . import _dangjian
from ._table import Table


def merge(partials: Iterable[Any], finish: bool = True, ipc: bool = False) -> Any:
    """Merges partial results (:meth:`Ledger.partial`: Arrow tables, or IPC bytes) of the
    parts of a ledger. With ``finish`` (the default): the metric rows, exactly those of
    ``Ledger.metrics`` on the union of the parts. Without: the merged partial result (an
    Arrow table, or IPC bytes with ``ipc=True``), to merge further: merging is associative
    and commutative, so parts may be merged in any order and grouping.

    >>> import dangjian as dj
    >>> p = dj.example().partial(as_of="2019-07-31", by="area", metrics="coverage.org")
    >>> rows = dj.merge([p]).to_pylist()
    >>> rows == dj.example().metrics(as_of="2019-07-31", by="area", metrics="coverage.org").to_pylist()
    True
    """
    items = [bytes(p) if isinstance(p, (bytearray, memoryview)) else p for p in partials]
    native = _dangjian.merge(items, finish, ipc)
    if ipc and not finish:
        return native
    return Table(native)
