"""Partitioned ledgers (``docs/PARTIALS.md``): cut a ledger into parts and a top, read the
manifest ``parts.toml``, load one part, merge partial results."""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Union

from . import _dangjian
from ._ledger import Ledger, _ledger_arg
from ._table import Table
from ._types import Manifest, PartsFormat, UnitKind

PathLike = Union[str, "os.PathLike[str]"]


def split(
    ledger: Ledger,
    by: UnitKind,
    to: PathLike,
    format: PartsFormat = "csv",
    force: bool = False,
) -> Manifest:
    """Cut ``ledger`` into one part per unit of kind ``by`` below its root, plus the top
    (the units above the parts), and write them into the folder ``to`` with their manifest
    ``parts.toml``, as ``dangjian split --by KIND --to DIR`` does. Returns the manifest (as
    :func:`read_manifest` reads it).

    Each part is rooted at its unit and holds everything below it; a row goes to the ledger
    of the unit it hangs on, and what would tie two parts is copied into each (an
    organisation hosted in both, with what hangs on it; a person named where their org is
    not, ``org`` emptied), so that every ledger is valid on its own. ``shared`` lists the
    people and organisations in more than one ledger. Each ledger is written in ``format``:
    a CSV folder (``to/_top``, ``to/<root id>``) or one ``.json``, ``.xlsx`` or ``.sqlite``
    file. ``to`` must be new or empty unless ``force``.

    >>> import dangjian as dj, tempfile
    >>> m = dj.split(dj.example(), "area", tempfile.mkdtemp() + "/parts")
    >>> m["root"], [p["root"] for p in m["parts"]]
    ('chengxi', ['huachuan_area', 'lidian_area'])
    >>> sorted(m["shared"])
    ['orgs', 'people', 'units']
    """
    return _dangjian.split(_ledger_arg(ledger, "ledger"), by, os.fspath(to), format=format, force=force)


def read_manifest(path: PathLike) -> Manifest:
    """Read the manifest of a partitioned ledger (``parts.toml``): ``root`` (the whole's
    root unit), ``top`` and each part's ``path`` (absolute: joined to the manifest's
    folder), each part's ``root``, and ``shared`` (``{"people": [...], "orgs": [...]}``)
    or None when the manifest does not list them. A missing file raises
    ``FileNotFoundError``; a manifest that is not TOML, misses a key or lists a part twice
    raises :class:`LedgerError` saying where.

    >>> import dangjian as dj, os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> with open(os.path.join(d, "parts.toml"), "w") as f:
    ...     _ = f.write('root = "nation"\\ntop = "_top"\\n[[part]]\\npath = "zj"\\nroot = "zhejiang"\\n')
    >>> m = dj.read_manifest(os.path.join(d, "parts.toml"))
    >>> m["parts"][0]["root"], m["parts"][0]["path"] == os.path.join(os.path.abspath(d), "zj"), m["shared"]
    ('zhejiang', True, None)
    >>> with open(os.path.join(d, "parts.toml"), "a") as f:
    ...     _ = f.write('[[part]]\\npath = "zj2"\\nroot = "zhejiang"\\n')
    >>> try:
    ...     dj.read_manifest(os.path.join(d, "parts.toml"))
    ... except dj.LedgerError as e:
    ...     print(str(e).split(": ", 1)[1])
    root `zhejiang` is listed twice, by parts 1 and 2; list each part once
    """
    return _dangjian.read_manifest(os.fspath(path))


def load_part(manifest: PathLike, part: Optional[str] = None, top: Optional[Ledger] = None) -> Ledger:
    """Load one part of a partitioned ledger: ``part`` is its root unit's id or its path
    (``None``: the top), in whatever form it was written. The part is checked as
    :func:`load` checks a ledger, and to be rooted where the manifest says; the top's
    duties and indicators it lacks are added, as they apply to every part.

    Each part needs the top: give ``top`` (the top loaded before, ``load_part(manifest)``)
    to load several parts without reading it again; it is checked to be this manifest's
    top (its root, and every part's root in it).

    >>> import dangjian as dj, tempfile
    >>> d = tempfile.mkdtemp() + "/parts"
    >>> _ = dj.split(dj.example(), "area", d, format="json")
    >>> lidian = dj.load_part(d + "/parts.toml", "lidian_area")
    >>> lidian.root
    ('lidian_area', '李店片')
    >>> top = dj.load_part(d + "/parts.toml")
    >>> top.root
    ('chengxi', '城西新区')
    >>> dj.load_part(d + "/parts.toml", "lidian_area", top=top).counts == lidian.counts
    True
    """
    if top is not None and not isinstance(top, Ledger):
        raise TypeError(f"`top` must be a dangjian.Ledger (the top from load_part), not {type(top).__name__}")
    return Ledger(_dangjian.load_part(os.fspath(manifest), part, None if top is None else top._native))


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
    if isinstance(partials, (Table, bytes, bytearray, memoryview)) or hasattr(partials, "__arrow_c_stream__"):
        raise TypeError(
            "`partials` is a list of partial results (one per part): dj.merge([p1, p2, ...]), not one result"
        )
    items = [bytes(p) if isinstance(p, (bytearray, memoryview)) else p for p in partials]
    native = _dangjian.merge(items, finish, ipc)
    if ipc and not finish:
        return native
    return Table(native)


__all__ = ["load_part", "merge", "read_manifest", "split"]
