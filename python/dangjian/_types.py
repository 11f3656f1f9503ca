"""The closed choices of the API, as types: unit kinds for ``by``, trend frequencies,
drill-down kinds, and the shape of a validation problem.

>>> from dangjian._types import Problem
>>> sorted(Problem.__annotations__)[:4]
['cell', 'column', 'field', 'file']
"""

from typing import Literal, Optional, TypedDict

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


__all__ = ["DrillDown", "Freq", "LedgerTable", "LocationForm", "Problem", "Severity", "TableKind", "UnitKind"]
