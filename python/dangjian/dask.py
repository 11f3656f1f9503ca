"""A partitioned ledger evaluated on a ``dask.distributed`` cluster.

A partitioned ledger is a folder with a manifest ``parts.toml`` (written by
``dangjian split`` or :func:`dangjian.split`, or by hand): the parts (one ledger each, say
one per province) and the top (the units above them). :func:`report` loads and evaluates
each part, and the top, inside a worker: the ledgers never travel, only their partial
results do (Arrow IPC bytes, whose size grows with the scope rows, not with the part).
The partials are merged on the way up in a tree (``split_every`` at a time) and the last
merge gives the rows a single process would compute on the whole::

    from dask.distributed import Client
    import dangjian.dask as djd

    client = Client("tcp://scheduler:8786")
    rows = djd.report("national/parts.toml", client=client, as_of="2019-12-31", by="province")
    rows.to_pandas()        # the same table as dj.load(whole).metrics(as_of=..., by="province")

Every worker needs the module beside dask's own (``pip install dangjian-...-abi3-....whl``;
nothing else: no pyarrow, no pandas) and must see the manifest and the parts at the paths
the client sees (a shared or replicated file system). This module needs ``dask[distributed]`` on the client only when
:func:`report` runs (``pip install "dangjian[dask]"``).
"""

from __future__ import annotations

import math
import os
import uuid
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _ledger
from ._errors import DangjianError, QueryError
from ._table import Table
from ._types import Manifest, SharedIds, UnitKind

PathLike = Union[str, "os.PathLike[str]"]

#: What to install when ``dask.distributed`` is missing.
INSTALL_HINT = 'pip install "dangjian[dask]" (or pip install "dask[distributed]")'


def report(
    manifest: PathLike,
    client: Any = None,
    *,
    as_of: Optional[_ledger.DateLike] = None,
    from_: Optional[_ledger.DateLike] = None,
    scope: Optional[str] = None,
    by: Optional[UnitKind] = None,
    metrics: Union[None, str, Sequence[str]] = None,
    at_risk_tolerance: Optional[float] = None,
    young_age: Optional[int] = None,
    split_every: int = 8,
    parts_per_task: Optional[int] = None,
) -> Table:
    """The metric rows of the whole partitioned ledger, evaluated on a Dask cluster.

    ``manifest`` is the path of ``parts.toml``; ``client`` a ``distributed.Client`` (by
    default the current one, ``distributed.get_client()``). The query arguments are those
    of :meth:`dangjian.Ledger.metrics`; the result is the table
    ``dj.load(whole).metrics(...)`` gives on the union of the parts, row for row.

    How it runs, in rounds of tasks that each load one ledger inside a worker:

    1. Only when needed, a survey of the parts: without ``as_of``, each part and the top
       report their latest dated record (the whole's ``as_of`` is the latest of them);
       without a ``[shared]`` table in the manifest, they report their people's and
       organisations' ids, and those in two ledgers or more are the shared ones (a person
       counted once across parts). ``dangjian split`` writes ``[shared]``, and with
       ``as_of`` given this round is skipped: every ledger is then loaded once.
    2. The partial round: each part and the top yields its partial result as Arrow IPC
       bytes (:meth:`dangjian.Ledger.partial`). A task takes ``parts_per_task`` ledgers
       in the manifest's order (by default about four tasks for each thread of the
       cluster), reads the top once for them (:func:`dangjian.load_part` with ``top``),
       and merges their partial results before they leave the worker: fewer, larger tasks
       cost the scheduler less than one per part.
    3. The merge: partials are merged ``split_every`` at a time on the workers, level by
       level, until at most ``split_every`` remain; the client merges those and finishes
       the rows (:func:`dangjian.merge`).

    A part that fails to load or evaluate raises the exception the part raised
    (:class:`dangjian.LedgerError`, :class:`dangjian.QueryError`, ``FileNotFoundError``...)
    with the part named in its message.
    """
    import dangjian as dj

    client = _client(client)
    if not isinstance(split_every, int) or isinstance(split_every, bool) or split_every < 2:
        raise QueryError(f"`split_every` must be a whole number of at least 2, not {split_every!r}")
    if parts_per_task is not None and (
        not isinstance(parts_per_task, int) or isinstance(parts_per_task, bool) or parts_per_task < 1
    ):
        raise QueryError(f"`parts_per_task` must be a whole number of at least 1, not {parts_per_task!r}")
    path = os.path.abspath(os.fspath(manifest))
    # The arguments checked here, before any worker reads a part.
    as_of_text = _ledger._date(as_of, "as_of")
    from_text = _ledger._date(from_, "from_")
    wanted = _ledger._metrics(metrics)
    at_risk_tolerance, young_age = _ledger._tuning(at_risk_tolerance, young_age)
    m = dj.read_manifest(path)
    ledgers = _ledgers(m)
    shared = m["shared"]

    if as_of_text is None or shared is None:
        latest, found = _survey_round(client, path, m, as_of_text is None, shared is None)
        if as_of_text is None:
            if latest is None:
                raise QueryError(
                    f"{path}: no part and not the top has a dated record (progress, activity or "
                    "observation) to evaluate at; give `as_of`"
                )
            as_of_text = latest
        if shared is None:
            shared = found

    token = uuid.uuid4().hex[:8]
    query: Dict[str, Any] = {
        "as_of": as_of_text,
        "from_": from_text,
        "scope": scope,
        "by": by,
        "metrics": wanted,
        "at_risk_tolerance": at_risk_tolerance,
        "young_age": young_age,
        "shared": shared,
        "whole_root": m["root"],
    }
    # Sent once to every worker rather than in every task: the shared ids may be many (a
    # copy per task would fill the scheduler and the client with copies of it).
    (query_on_workers,) = client.scatter([query], broadcast=True, hash=False)
    per = parts_per_task if parts_per_task is not None else _parts_per_task(client, len(ledgers))
    batches = [ledgers[i : i + per] for i in range(0, len(ledgers), per)]
    level = [
        client.submit(_partials, path, batch, query_on_workers, key=f"dangjian-partial-{i}-{_label(batch[0])}-{token}")
        for i, batch in enumerate(batches)
    ]
    # The tree: neighbours in the manifest's order merge first (merging is associative and
    # commutative, so any grouping gives the same rows); only bytes move between workers.
    depth = 0
    while len(level) > split_every:
        depth += 1
        level = [
            client.submit(_merge, *level[i : i + split_every], key=f"dangjian-merge-{depth}-{i}-{token}")
            for i in range(0, len(level), split_every)
        ]
    partials: List[bytes] = client.gather(level)
    del level, query_on_workers
    return dj.merge(partials, finish=True)


def _ledgers(m: Manifest) -> List[Optional[str]]:
    """The ledgers of a partitioned ledger as load_part names them: the top (None) first,
    then each part's root."""
    return [None, *(p["root"] for p in m["parts"])]


def _survey_round(
    client: Any, path: str, m: Manifest, latest: bool, shared: bool
) -> Tuple[Optional[str], Optional[SharedIds]]:
    """Asks every ledger (in its worker) for its latest dated record and the ids of its
    people and organisations: the whole's latest date (ISO) and the shared ids (those in
    two ledgers or more, and the parts' roots), each when asked for."""
    token = uuid.uuid4().hex[:8]
    ledgers = _ledgers(m)
    futures = [
        client.submit(_survey, path, part, latest, shared, key=f"dangjian-survey-{i}-{_label(part)}-{token}")
        for i, part in enumerate(ledgers)
    ]
    surveys: List[Tuple[Optional[str], List[str], List[str]]] = client.gather(futures)
    dates = [d for d, _, _ in surveys if d is not None]
    found: Optional[SharedIds] = None
    if shared:
        found = {
            "people": _in_two_or_more(ids for _, ids, _ in surveys),
            "orgs": _in_two_or_more(ids for _, _, ids in surveys),
            # Units in two ledgers are the parts' roots (the top holds them too); any other
            # would be an overlap, which loading refuses.
            "units": sorted(p["root"] for p in m["parts"]),
        }
    return (max(dates) if latest and dates else None), found  # ISO dates order as text


def _client(client: Any) -> Any:
    """The given client, or the current one; a clear error without dask or without a client."""
    try:
        import distributed
    except ImportError as e:
        raise ImportError(f"dangjian.dask needs dask.distributed: {INSTALL_HINT}") from e
    if client is not None:
        return client
    try:
        return distributed.get_client()
    except ValueError as e:
        raise QueryError(
            "dangjian.dask.report: no Dask client; pass client=distributed.Client(...) "
            "(a scheduler's address or a LocalCluster) or create one before calling"
        ) from e


def _parts_per_task(client: Any, ledgers: int) -> int:
    """About four tasks for each thread of the cluster (at least one ledger a task): enough
    to keep every thread busy when parts differ in size, few enough that the scheduler's
    cost per task stays small."""
    try:
        threads = sum(client.nthreads().values())
    except Exception:
        threads = 0
    return max(1, math.ceil(ledgers / (4 * max(threads, 1))))


def _label(part: Optional[str]) -> str:
    return "top" if part is None else part


def _in_two_or_more(id_lists: Any) -> List[str]:
    """The ids that appear in two ledgers or more (each list holds one ledger's ids)."""
    seen: Counter = Counter()
    for ids in id_lists:
        seen.update(set(ids))
    return sorted(i for i, n in seen.items() if n >= 2)


# -- what runs in the workers ---------------------------------------------------------
# Module-level functions: the workers import them from this module (installed with the
# wheel) rather than receive their code.


def _load(manifest: str, part: Optional[str]) -> Any:
    """One ledger of the partitioned ledger, errors naming the part."""
    import dangjian as dj

    try:
        return dj.load_part(manifest, part)
    except Exception as e:
        raise _naming(e, part, manifest) from None


def _survey(manifest: str, part: Optional[str], latest: bool, ids: bool) -> Tuple[Optional[str], List[str], List[str]]:
    """A ledger's latest dated record (ISO), its people's ids and its organisations' ids (and
    the parents its groups name in another ledger)."""
    ledger = _load(manifest, part)
    try:
        day = ledger.latest_date if latest else None
        people = [r["id"] for r in ledger.table("people").to_pylist()] if ids else []
        orgs = []
        for r in ledger.table("orgs").to_pylist() if ids else []:
            orgs.append(r["id"])
            # A group whose parent is in another ledger (split keeps it in x_split_parent):
            # part of the parent's organisation life is here, so the parent is shared.
            if r["kind"] == "group" and r.get("x_split_parent"):
                orgs.append(r["x_split_parent"])
    except Exception as e:
        raise _naming(e, part, manifest) from None
    return (day.isoformat() if day is not None else None), people, orgs


def _partials(manifest: str, parts: List[Optional[str]], query: Dict[str, Any]) -> bytes:
    """The partial result of some ledgers of the partitioned ledger for the query, merged,
    as Arrow IPC bytes; the top read once for all of them."""
    import dangjian as dj

    top = _load(manifest, None)
    out: List[bytes] = []
    for part in parts:
        if part is None:
            ledger = top
        else:
            try:
                ledger = dj.load_part(manifest, part, top=top)
            except Exception as e:
                raise _naming(e, part, manifest) from None
        try:
            out.append(ledger.partial(ipc=True, **query))
        except Exception as e:
            raise _naming(e, part, manifest) from None
    return out[0] if len(out) == 1 else _merge(*out)


def _merge(*partials: bytes) -> bytes:
    """Partials merged into one (not finished), as Arrow IPC bytes."""
    import dangjian as dj

    return dj.merge(list(partials), finish=False, ipc=True)


def _naming(e: BaseException, part: Optional[str], manifest: str) -> BaseException:
    """The same exception with the part named first in its message (and the same
    ``problems``, ``errno`` and ``filename``); other exceptions as they are."""
    where = f"{manifest}: the top" if part is None else f"{manifest}: part `{part}`"
    if isinstance(e, DangjianError):
        named = type(e)(f"{where}: {e}")
        problems = getattr(e, "problems", None)
        if problems:
            named.problems = problems  # type: ignore[attr-defined]
        return named
    if isinstance(e, OSError) and e.strerror is not None:
        # FileNotFoundError, PermissionError...: the same class, errno and path.
        return type(e)(e.errno, f"{where}: {e.strerror}", e.filename)
    return e


__all__ = ["INSTALL_HINT", "report"]
