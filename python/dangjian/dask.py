"""A partitioned ledger evaluated on a Dask cluster (``docs/PARTIALS.md``, "On Dask").

Each part (and the top) is loaded and evaluated inside a worker: the ledger never leaves
it, only its partial result travels (an Arrow IPC file's bytes, some kilobytes). The
partial results are merged on the way up, a few at a time (a tree reduction), and the last
merge gives the metric rows, exactly those of ``dj.load(...).metrics(...)`` on the union of
the parts::

    from dask.distributed import Client
    import dangjian.dask as djd
    rows = djd.report("national/parts.toml", client=Client(...), as_of="2019-12-31", by="province")

Needs ``dask.distributed`` on the client (``pip install "dangjian[dask]"``); the workers need
only the dangjian wheel (and dask's own worker).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Union

from ._table import Table

PathLike = Union[str, "os.PathLike[str]"]


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:  # pragma: no cover - the message is the point
        raise ImportError(
            'dangjian.dask needs dask.distributed: pip install "dangjian[dask]" (or "dask[distributed]")'
        ) from e
    return distributed


# -- what runs in a worker: plain functions of plain arguments --------------------------


def _part_partial(manifest: str, part: Optional[str], query: Dict[str, Any], shared: Any, root: str) -> bytes:
    """Loads one part (None: the top) and returns its partial result as IPC bytes."""
    import dangjian as dj

    try:
        ds = dj.load_part(manifest, part)
        return ds.partial(shared=shared, whole_root=root, ipc=True, **query)
    except dj.DangjianError as e:
        # Raised again on the client: the same type, the part named (a message alone
        # pickles across processes).
        try:
            again = type(e)(f"part {part or 'top'} of {manifest}: {e}")
        except TypeError:
            again = dj.DangjianError(f"part {part or 'top'} of {manifest}: {e}")
        raise again from None


def _part_latest(manifest: str, part: Optional[str]) -> Optional[str]:
    import dangjian as dj

    d = dj.load_part(manifest, part).latest_date
    return None if d is None else d.isoformat()


def _part_ids(manifest: str, part: Optional[str]) -> Dict[str, List[str]]:
    """The person, org and unit ids of one part: for a manifest without ``[shared]``."""
    import dangjian as dj

    ds = dj.load_part(manifest, part)
    return {key: _ids(ds, key) for key in ("people", "orgs", "units")}


def _ids(ds: Any, table: str) -> List[str]:
    return [r["id"] for r in ds.table(table).to_pylist()]


def _merge(partials: Sequence[bytes]) -> bytes:
    import dangjian as dj

    return dj.merge(list(partials), finish=False, ipc=True)


# -- the client side --------------------------------------------------------------------


def _shared_of(ids: Sequence[Dict[str, List[str]]]) -> Dict[str, List[str]]:
    """The ids present in two or more parts (the top included)."""
    out: Dict[str, List[str]] = {}
    for key in ("people", "orgs", "units"):
        seen: Dict[str, int] = {}
        for part in ids:
            for i in set(part[key]):
                seen[i] = seen.get(i, 0) + 1
        out[key] = sorted(i for i, n in seen.items() if n > 1)
    return out


def report(
    manifest: PathLike,
    client: Any = None,
    *,
    as_of: Any = None,
    from_: Any = None,
    scope: Optional[str] = None,
    by: Optional[str] = None,
    metrics: Union[None, str, Sequence[str]] = None,
    at_risk_tolerance: Optional[float] = None,
    young_age: Optional[int] = None,
    split_every: int = 8,
) -> Table:
    """The metric rows of a partitioned ledger (its manifest ``parts.toml``), each part
    evaluated in a Dask worker and the partial results merged in a tree reduction
    (``split_every`` at a time): the same table as ``dj.load(whole).metrics(...)``.

    ``client`` is a ``dask.distributed.Client`` (default: the current one). Without
    ``as_of``, the workers first find the whole's latest date. A manifest without
    ``[shared]`` (``dangjian split`` writes it) costs one more round: each worker lists its
    part's ids and the client keeps those in two or more. An error in a worker (a part that
    does not load) is raised here as the dangjian exception, naming the part.

    >>> import dangjian as dj, dangjian.dask as djd, tempfile  # doctest: +SKIP
    >>> from dask.distributed import Client, LocalCluster  # doctest: +SKIP
    >>> m = dj.split(dj.example(), "area", tempfile.mkdtemp() + "/parts")  # doctest: +SKIP
    >>> with LocalCluster(n_workers=2, processes=True) as c, Client(c) as client:  # doctest: +SKIP
    ...     rows = djd.report(m["top"] + "/../parts.toml", client, as_of="2019-07-31", by="area")
    """
    import dangjian as dj

    from ._ledger import _date, _metrics

    distributed = _distributed()
    if client is None:
        try:
            client = distributed.get_client()
        except ValueError as e:
            raise dj.QueryError("dangjian.dask.report needs a dask.distributed Client (client=...)") from e
    if split_every < 2:
        raise dj.QueryError(f"split_every is {split_every}; merge at least 2 partial results at a time")
    path = os.path.abspath(os.fspath(manifest))
    m = dj.read_manifest(path)
    parts: List[Optional[str]] = [None] + [p["root"] for p in m["parts"]]

    as_of_text = _date(as_of, "as_of")
    if as_of_text is None:
        dates = client.gather(client.map(_part_latest, [path] * len(parts), parts, pure=False))
        known = [d for d in dates if d is not None]
        if not known:
            raise dj.QueryError(
                "no `as_of` given and no part has a dated record to default to; give an evaluation date"
            )
        as_of_text = max(known)
    shared = m["shared"]
    if shared is None:
        ids = client.gather(client.map(_part_ids, [path] * len(parts), parts, pure=False))
        shared = _shared_of(ids)
    query = {
        "as_of": as_of_text,
        "from_": _date(from_, "from_"),
        "scope": scope,
        "by": by,
        "metrics": _metrics(metrics),
        "at_risk_tolerance": at_risk_tolerance,
        "young_age": young_age,
    }
    level = client.map(
        _part_partial,
        [path] * len(parts),
        parts,
        [query] * len(parts),
        [shared] * len(parts),
        [m["root"]] * len(parts),
        pure=False,
    )
    # The tree: groups of split_every merged in the workers until one is left.
    while len(level) > 1:
        groups = [level[i : i + split_every] for i in range(0, len(level), split_every)]
        level = [client.submit(_merge, g, pure=False) if len(g) > 1 else g[0] for g in groups]
    last = level[0].result()
    return dj.merge([last])


__all__ = ["report"]
