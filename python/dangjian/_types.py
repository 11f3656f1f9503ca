"""The closed choices of the API, as types: unit kinds for ``by``, trend frequencies,
drill-down kinds, and the shape of a validation problem.

>>> from dangjian._types import Problem
>>> sorted(Problem.__annotations__)[:4]
['cell', 'column', 'field', 'file']
"""

from typing import List, Literal, Optional, TypedDict

#: A unit kind (``units.kind``): what ``by`` breaks a query down by.
UnitKind = Literal["district", "area", "village", "block", "enterprise", "workshop", "road", "office"]

#: How often a trend evaluates: month ends (``"M"``) or week ends (``"W"``).
Freq = Literal["M", "ME", "month", "m", "W", "week", "w"]

#: A drill-down table.
DrillDown = Literal["tasks", "duties", "coverage", "cadres"]

#: A statistics table (``docs/STATS.md``).
StatsName = Literal["enterprise_orgs", "org_life"]

#: A table of the ledger itself (``docs/LEDGER.md``).
LedgerTable = Literal[
    "units",
    "designations",
    "orgs",
    "elections",
    "people",
    "roles",
    "initiatives",
    "progress",
    "activities",
    "duties",
    "indicators",
    "observations",
    "targets",
    "exemptions",
]

#: What a :class:`dangjian.Table` holds: metric rows, a drill-down, a trend, the catalogue,
#: validation problems, or a table of the ledger.
TableKind = Literal[
    "metrics",
    "tasks",
    "duties",
    "coverage",
    "cadres",
    "enterprise_orgs",
    "org_life",
    "trend",
    "catalogue",
    "problems",
    "partial",
    "units",
    "designations",
    "orgs",
    "elections",
    "people",
    "roles",
    "initiatives",
    "progress",
    "activities",
    "indicators",
    "observations",
    "targets",
    "exemptions",
]

#: The form of each ledger :func:`dangjian.split` writes: a CSV folder, or one ``.json``,
#: ``.xlsx`` or ``.sqlite`` file.
PartsFormat = Literal["csv", "json", "xlsx", "sqlite", "parquet"]


class PartEntry(TypedDict):
    """One part of a manifest: where its ledger is, and the id of its root unit."""

    path: str
    root: str


class SharedIds(TypedDict):
    """The people and organisations in more than one ledger of a partitioned ledger, and the
    units: the parts' roots (which the top holds too)."""

    people: List[str]
    orgs: List[str]
    units: List[str]


class Manifest(TypedDict):
    """A partitioned ledger's manifest (``parts.toml``; ``docs/PARTIALS.md``): the whole's
    root unit, the top's path, the parts, and the shared ids when it lists them."""

    root: str
    top: str
    parts: List[PartEntry]
    shared: Optional[SharedIds]


#: How bad a problem is.
Severity = Literal["error", "warning"]

#: Where a problem was found: a CSV cell, a JSON pointer, an Excel cell, a cell of an SQLite
#: ledger, a cell of a Parquet file, a record built in code, a whole file, the whole ledger.
LocationForm = Literal["csv", "json", "excel", "sqlite", "parquet", "record", "file", "ledger"]


class Problem(TypedDict):
    """One problem of a ledger: what, where (as text and as data) and how bad.

    The fields of the location's ``form`` are set, the others are None: ``file``, ``line``,
    ``column`` for CSV (``units.csv:4:2``); ``pointer`` for JSON (``/units/3/kind``);
    ``sheet`` and ``cell`` for Excel (``orgs!B3``); ``table``, ``row`` (from 1), ``field``
    and ``id`` for an SQLite cell (``activities[id=a17].date``, ``progress[row=3].percent``);
    ``file``, ``row`` (from 0) and ``field`` for a Parquet cell
    (``activities.parquet[row 17].date``);
    ``table``, ``row`` and ``field`` for a record built in code; ``file`` for a whole file.
    """

    severity: Severity
    kind: str
    location: str
    message: str
    form: LocationForm
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    pointer: Optional[str]
    sheet: Optional[str]
    cell: Optional[str]
    table: Optional[str]
    row: Optional[int]
    field: Optional[str]
    id: Optional[str]


__all__ = [
    "DrillDown",
    "Freq",
    "LedgerTable",
    "LocationForm",
    "Manifest",
    "PartEntry",
    "PartsFormat",
    "Problem",
    "Severity",
    "SharedIds",
    "TableKind",
    "UnitKind",
]
