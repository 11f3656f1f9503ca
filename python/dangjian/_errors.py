"""The exception hierarchy, rooted at :class:`DangjianError`."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class DangjianError(Exception):
    """Every error dangjian raises on purpose derives from this."""


class LedgerError(DangjianError, ValueError):
    """A ledger that does not load or validate.

    ``problems`` lists every located problem as dicts with ``severity``, ``kind``,
    ``location`` (``units.csv:4:2``, ``/units/3/kind`` ...) and ``message``.

    >>> import dangjian as dj
    >>> try:
    ...     dj.from_json('{"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "town", "name": "x"}]}')
    ... except dj.LedgerError as e:
    ...     print(e.problems[0]["location"], e.problems[0]["kind"])
    /units/0/kind unknown_term
    """

    def __init__(self, message: str, problems: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(message)
        self.problems: List[Dict[str, Any]] = list(problems or [])


class QueryError(DangjianError, ValueError):
    """A metric query that cannot be answered: a bad date, scope, metric id or argument."""

    def __init__(self, message: str, problems: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(message)
        self.problems: List[Dict[str, Any]] = list(problems or [])
