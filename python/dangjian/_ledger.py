"""The Python face of a ledger: load, evaluate, drill down, save."""

from __future__ import annotations

import datetime as _dt
import functools
import numbers
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import _dangjian
from ._errors import QueryError
from ._table import Table
from ._types import DrillDown, Freq, LedgerTable, Problem, StatsName, UnitKind

DateLike = Union[str, _dt.date, Any]
PathLike = Union[str, "os.PathLike[str]"]


def _date(value: Optional[DateLike], name: str) -> Optional[str]:
    """A date argument as ISO text: ``datetime.date``, ``datetime.datetime``, pandas
    ``Timestamp``, numpy ``datetime64`` or a string in any spelling a ledger cell takes
    (``2019-07-31``, ``2019/7/31``, ``2019.7.31``, ``2019年7月31日``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    to_date = getattr(value, "date", None)  # pandas Timestamp
    if callable(to_date):
        d = to_date()
        if isinstance(d, _dt.date):
            return d.isoformat()
    if type(value).__name__ == "datetime64":  # numpy
        return str(value)[:10]
    raise QueryError(
        f"`{name}` must be a date (datetime.date, pandas Timestamp or 'YYYY-MM-DD'), not {type(value).__name__}"
    )


def _metrics(metrics: Union[None, str, Sequence[str]]) -> Optional[List[str]]:
    """Metric ids or prefixes: one, several comma separated (as on the command line), or a
    list of them."""
    if metrics is None:
        return None
    if isinstance(metrics, str):
        return [m.strip() for m in metrics.split(",") if m.strip()] or [metrics]
    if not isinstance(metrics, (list, tuple, set, frozenset)) or not all(isinstance(m, str) for m in metrics):
        raise QueryError(
            f"`metrics` must be a metric id or prefix ('tasks', 'coverage.org'), several comma separated, or a list of them; not {metrics!r}"
        )
    return list(metrics)


def _tuning(at_risk_tolerance: Optional[float], young_age: Optional[int]) -> Tuple[Optional[float], Optional[int]]:
    """The two tuning arguments, checked: a tolerance from 0 to 1, an age from 0 to 150."""
    if at_risk_tolerance is not None:
        ok = isinstance(at_risk_tolerance, numbers.Real) and not isinstance(at_risk_tolerance, bool)
        if not ok or not 0 <= float(at_risk_tolerance) <= 1:  # NaN fails the comparison
            raise QueryError(
                f"`at_risk_tolerance` must be a number from 0 to 1 (a task whose progress is behind schedule by at least it is at risk), not {at_risk_tolerance!r}"
            )
        at_risk_tolerance = float(at_risk_tolerance)
    if young_age is not None:
        ok = isinstance(young_age, numbers.Integral) and not isinstance(young_age, bool)
        if not ok or not 0 <= int(young_age) <= 150:
            raise QueryError(
                f"`young_age` must be a whole number of years from 0 to 150 (a cadre at or under it is young), not {young_age!r}"
            )
        young_age = int(young_age)
    return at_risk_tolerance, young_age


def _ledger_arg(value: Any, name: str) -> "_dangjian.Ledger":
    """The native ledger of a :class:`Ledger` argument, or a ``TypeError`` naming it."""
    if not isinstance(value, Ledger):
        raise TypeError(f"`{name}` must be a dangjian.Ledger (from dj.load, dj.example...), not {type(value).__name__}")
    return value._native


class Ledger:
    """A ledger (台账): every table of the interchange format, validated.

    Get one with :func:`dangjian.example`, :func:`dangjian.load` or
    :func:`dangjian.from_json`.

    >>> import dangjian as dj
    >>> ds = dj.example()
    >>> ds.counts["units"] > 0
    True
    >>> t = ds.metrics(as_of="2019-07-31", metrics="tasks.started")
    >>> row = t.to_pylist()[0]
    >>> (row["numerator"], row["denominator"])
    (25.0, 33.0)
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_dangjian.Ledger") -> None:
        self._native = native

    # -- what it holds -----------------------------------------------------------------
    @property
    def counts(self) -> Dict[str, int]:
        """Rows per table."""
        return dict(self._native.counts())

    @property
    def root(self) -> Optional[tuple]:
        """``(id, name)`` of the root unit."""
        return self._native.root()

    @property
    def latest_date(self) -> Optional[_dt.date]:
        """The default evaluation date: the latest progress, activity or observation date."""
        d = self._native.latest_date()
        return _dt.date.fromisoformat(d) if d else None

    def table(self, name: LedgerTable) -> Table:
        """One table of the ledger (``units``, ``orgs``, ``activities`` ...) as a :class:`Table`.

        Its columns are the table's own, typed as declared (``docs/LEDGER.md``): dates as
        dates, whole numbers (``employees``, ``expected``, ``min_count``) as integers,
        numbers as floats, flags as booleans (an empty flag is ``False``), id lists as
        lists of text, the rest and any ``x_`` columns as text; an empty table has the same
        columns and types.

        >>> import dangjian as dj
        >>> units = dj.example().table("units").to_arrow()
        >>> str(units.schema.field("employees").type), str(units.schema.field("since").type)
        ('int64', 'date32[day]')
        """
        return Table(self._native.table(name))

    def validate(self, as_of: Optional[DateLike] = None) -> List[Problem]:
        """Every problem (errors and warnings) as dicts: ``severity`` (``"error"`` or
        ``"warning"``), ``kind``, ``location`` as text, ``message``, and the location as data
        (``form`` and its fields: ``file``/``line``/``column``, ``pointer``, ``sheet``/``cell``,
        ``table``/``row``/``field``/``id``; see :class:`dangjian._types.Problem`).

        >>> import dangjian as dj
        >>> [p for p in dj.example().validate() if p["severity"] == "error"]
        []
        >>> p = dj.example().validate(as_of="2019-06-30")[0]   # records dated after as_of
        >>> (p["severity"], p["kind"], p["form"])
        ('warning', 'after_evaluation_date', 'record')
        """
        return list(self._native.validate(_date(as_of, "as_of")))

    def problems(self, as_of: Optional[DateLike] = None) -> Table:
        """Every problem as a :class:`Table`, one row per problem, with the columns of
        :meth:`validate`'s dicts (the same columns when there is none).

        >>> import dangjian as dj
        >>> t = dj.example().problems()
        >>> (t.num_rows, t.column_names[:4])
        (0, ['severity', 'kind', 'location', 'message'])
        """
        return Table(self._native.problems(_date(as_of, "as_of")))

    def save(self, path: PathLike) -> None:
        """Save as JSON (a ``.json`` path), an Excel workbook (``.xlsx``), an SQLite database
        (``.sqlite`` or ``.db``), a folder of Parquet files (a path ending in ``.parquet``, or
        a folder of Parquet tables already) or a CSV folder (any other path), atomically."""
        self._native.save(os.fspath(path))

    def to_json(self) -> str:
        """The JSON form (``dangjian-ledger/1``) as text."""
        return self._native.to_json()

    def pseudonymize(
        self,
        salt: Optional[str] = None,
        coarsen_birth_dates: bool = False,
        salt_file: Union[str, "os.PathLike[str]", None] = None,
    ) -> "Ledger":
        """A copy safe to share: people's names and ids become pseudonyms, free text that may
        name them (``note`` columns, ``exemptions.reason``, ``x_`` columns named like
        ``name``/``note``/``phone``/``身份证`` or holding identity numbers) is cleared, and every
        metric stays the same. ``coarsen_birth_dates=True`` also moves birth dates to 1 January
        of their year (age metrics may then change).

        The same secret salt gives the same pseudonyms, so a person keeps theirs from one
        month's export to the next: pass it as ``salt``, as the first line of ``salt_file``, or
        in the environment variable ``DANGJIAN_SALT``. With none of them a random salt is
        drawn (and a warning says so): the pseudonyms then match no other export, and nobody
        can recompute them from guessable ids.

        >>> import dangjian as dj
        >>> ds = dj.example()
        >>> safe = ds.pseudonymize(salt="secret")
        >>> "陈天云" in safe.to_json()
        False
        >>> safe.metrics_json(as_of="2019-07-31") == ds.metrics_json(as_of="2019-07-31")
        True
        """
        if salt is None and salt_file is not None:
            with open(os.fspath(salt_file), encoding="utf-8") as f:
                salt = (f.readline() or "").strip()
            if not salt:
                raise ValueError(
                    f"salt_file {os.fspath(salt_file)}: the file is empty; write a long secret on its first line"
                )
        if salt is None:
            salt = os.environ.get("DANGJIAN_SALT") or None
        if salt is None:
            import warnings

            warnings.warn(
                "no salt given: pseudonyms use a random salt, so they match no other export; "
                "pass salt_file= (or set DANGJIAN_SALT) to keep them stable",
                UserWarning,
                stacklevel=2,
            )
        return Ledger(self._native.pseudonymize(salt, coarsen_birth_dates))

    # -- metrics -----------------------------------------------------------------------
    def metrics(
        self,
        as_of: Optional[DateLike] = None,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        metrics: Union[None, str, Sequence[str]] = None,
        *,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Table:
        """Metric rows (metric, scope, value, numerator, denominator, target, due).

        ``as_of`` defaults to the latest dated record, ``from_`` to 1 January of that year,
        ``scope`` to the root unit; ``by`` (a unit kind such as ``"area"`` or ``"block"``)
        adds one row per unit of that kind below the scope; ``metrics`` filters by id or
        prefix (``"coverage"``).

        >>> import dangjian as dj
        >>> t = dj.example().metrics(as_of="2019-07-31", by="block", metrics="coverage.org")
        >>> t.num_rows >= 3
        True
        """
        args = (
            _date(as_of, "as_of"),
            _date(from_, "from_"),
            scope,
            by,
            _metrics(metrics),
            *_tuning(at_risk_tolerance, young_age),
        )
        html = functools.partial(_metrics_html, self._native, args)
        return Table(self._native.metrics(*args), html=html)

    def partial(
        self,
        as_of: DateLike,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        metrics: Union[None, str, Sequence[str]] = None,
        *,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
        shared: Optional[Dict[str, Sequence[str]]] = None,
        whole_root: Optional[str] = None,
        ipc: bool = False,
    ) -> Any:
        """This ledger's partial result for a query, as one part of a partitioned ledger
        (docs/PARTIALS.md): every metric's mergeable state at its scope rows, an Arrow table
        (or the bytes of an Arrow IPC file with ``ipc=True``). :func:`dangjian.merge` turns
        the partial results of all the parts into the report rows of the whole.

        ``as_of`` is required (a part cannot know the whole's latest date). ``shared`` is the
        manifest's ``{"people": [...], "orgs": [...], "units": [...]}``: the people and orgs
        that appear in other parts too, and the parts' roots (which the top holds too);
        ``whole_root`` the whole's root unit (what an empty ``scope`` means). A part's
        partial (``whole_root`` given) needs ``shared``: without it, a person or org in
        several parts would be counted once per part.

        >>> import dangjian as dj
        >>> ds = dj.example()
        >>> p = ds.partial(as_of="2019-07-31", metrics="tasks")
        >>> dj.merge([p]).to_pylist()[0]["value"]
        33.0
        """
        triple = None
        if whole_root is not None and shared is None:
            # Without it, a person or org in several parts would count once per part.
            raise QueryError(
                "a part's partial result (with `whole_root`) needs `shared`, the manifest's [shared] "
                "(dj.read_manifest(path)['shared']; {} when nothing is shared)"
            )
        if shared is not None:
            if not isinstance(shared, dict):
                raise TypeError(
                    f"`shared` must be a dict like the manifest's [shared]: {{'people': [...], 'orgs': [...], 'units': [...]}}, not {type(shared).__name__}"
                )
            unknown = sorted(set(shared) - {"people", "orgs", "units"})
            if unknown:
                raise QueryError(f"`shared` has keys {unknown}; it takes 'people', 'orgs' and 'units'")

            def ids(key: str) -> List[str]:
                value = shared.get(key) or []
                if isinstance(value, str) or not all(isinstance(x, str) for x in value):
                    raise TypeError(f"`shared['{key}']` must be a list of ids, not {value!r}")
                return list(value)

            # Spelled out: a tuple of a generator has no fixed length for the type checker.
            triple = (ids("people"), ids("orgs"), ids("units"))
        native = self._native.partial(
            _date(as_of, "as_of"),
            _date(from_, "from_"),
            scope,
            by,
            _metrics(metrics),
            *_tuning(at_risk_tolerance, young_age),
            triple,
            whole_root,
            ipc,
        )
        return native if ipc else Table(native)

    def metrics_json(
        self,
        as_of: Optional[DateLike] = None,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
        metrics: Union[None, str, Sequence[str]] = None,
        *,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
    ) -> Dict[str, Any]:
        """The evaluation in the JSON shape of docs/METRICS.md, as ``dangjian report --format json``.

        >>> import dangjian as dj
        >>> doc = dj.example().metrics_json(as_of="2019-07-31", metrics="tasks.started")
        >>> doc["rows"][0]["numerator"], doc["rows"][0]["denominator"]
        (25, 33)
        """
        import json

        return json.loads(
            self._native.metrics_json(
                _date(as_of, "as_of"),
                _date(from_, "from_"),
                scope,
                by,
                _metrics(metrics),
                *_tuning(at_risk_tolerance, young_age),
            )
        )

    def _drill(
        self,
        name: DrillDown,
        as_of: Any,
        from_: Any,
        scope: Optional[str],
        by: Optional[UnitKind],
        tol: Optional[float],
        age: Optional[int],
    ) -> Table:
        tol, age = _tuning(tol, age)
        table = Table(self._native.drilldown(name, _date(as_of, "as_of"), _date(from_, "from_"), scope, by, tol, age))
        # In a notebook, units, organisations and people show by name.
        table._html = functools.partial(_named_html, table, self._native)
        return table

    def tasks(
        self,
        as_of: Optional[DateLike] = None,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        *,
        at_risk_tolerance: Optional[float] = None,
    ) -> Table:
        """One row per key task in scope: status, actual, expected, spi, forecast, owner, leader.

        >>> import dangjian as dj
        >>> t = dj.example().tasks(as_of="2019-07-31")
        >>> t.num_rows
        33
        """
        return self._drill("tasks", as_of, from_, scope, None, at_risk_tolerance, None)

    def duties(
        self, as_of: Optional[DateLike] = None, from_: Optional[DateLike] = None, scope: Optional[str] = None
    ) -> Table:
        """One row per obligation: duty, subject, holder, assessed, complying, longest lapse,
        last activity."""
        return self._drill("duties", as_of, from_, scope, None, None, None)

    def coverage(self, as_of: Optional[DateLike] = None, scope: Optional[str] = None) -> Table:
        """One row per above-scale enterprise: organisation coverage (through which org),
        own organisation, work coverage (through which instructor), and its liaisons (the
        leadership members linked to it, ``coverage.liaison``).

        >>> import dangjian as dj
        >>> t = dj.example().coverage(as_of="2019-07-31").to_pylist()
        >>> len(t), sum(1 for e in t if e["liaisons"])  # 98 enterprises, none linked yet
        (98, 0)
        """
        return self._drill("coverage", as_of, None, scope, None, None, None)

    def cadres(
        self, as_of: Optional[DateLike] = None, scope: Optional[str] = None, *, young_age: Optional[int] = None
    ) -> Table:
        """One row per cadre: age, young, roles, on tasks, breadth."""
        return self._drill("cadres", as_of, None, scope, None, None, young_age)

    def stats(
        self,
        name: StatsName,
        as_of: Optional[DateLike] = None,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
    ) -> Table:
        """A statistics table of ``docs/STATS.md``.

        ``"enterprise_orgs"`` (企业建立党的基层组织情况): one row for the scope, then one per
        unit of kind ``by`` below it; the above-scale enterprises by how they are organised
        (own committee, general branch or branch; joint branch; none, by how many members).
        ``"org_life"`` (组织生活开展情况统计表): one row per branch or joint branch active in
        the as-of year; committee meetings and collective activities per month
        (``committee_1`` ... ``committee_12``, null for months not over on ``as_of``), the
        months with at least one and their share of the months assessed (rates are
        fractions here: ``0.8333``, shown ``83.33%`` by the command line).

        >>> import dangjian as dj
        >>> t = dj.example().stats("enterprise_orgs", as_of="2019-07-31")
        >>> t.to_pylist()[0]["enterprises"]
        98
        >>> life = dj.example().stats("org_life", as_of="2019-05-31").to_pylist()[0]
        >>> life["committee_5"] is not None, life["committee_6"]
        (True, None)
        """
        native = self._native.stats(name, _date(as_of, "as_of"), _date(from_, "from_"), scope, by)
        return Table(native)

    def trend(
        self,
        metric: Union[None, str, Sequence[str]],
        start: DateLike,
        end: DateLike,
        freq: Freq = "M",
        *,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[UnitKind] = None,
    ) -> Table:
        """The same query at every month end (``freq="M"``) or week end (``"W"``) between
        ``start`` and ``end``, in one call: columns ``as_of``, ``records_since_previous``
        (whether any dated record, a progress update, activity or observation, falls after
        the previous point; where none does the value is only carried flat, and
        :func:`dangjian.plot.trend` draws it hollow and dashed), then the metric row columns.

        >>> import dangjian as dj
        >>> t = dj.example().trend("coverage.org", start="2019-01-01", end="2019-07-31")
        >>> t.num_rows
        7
        """
        s, e = _date(start, "start"), _date(end, "end")
        if s is None or e is None:
            raise QueryError("trend needs `start` and `end` dates")
        args = (s, e, freq, _metrics(metric), _date(from_, "from_"), scope, by, None, None)
        html = functools.partial(_trend_html, self._native, args)
        return Table(self._native.trend(*args), html=html)

    # -- the dashboard page ------------------------------------------------------------
    def report_html(
        self,
        path: Optional[PathLike] = None,
        as_of: Optional[DateLike] = None,
        from_: Optional[DateLike] = None,
        scope: Optional[str] = None,
        by: Optional[str] = None,
        *,
        metrics: Union[None, str, Sequence[str]] = None,
        at_risk_tolerance: Optional[float] = None,
        young_age: Optional[int] = None,
        max_rows: int = 500,
    ) -> Optional[str]:
        """The dashboard page, as ``dangjian report --format html`` writes it: one
        self-contained HTML file (no network access at all, CSS and SVG charts inline) with
        the three programmes against their targets, key-task status, coverage by block and
        by area, duty compliance per subject and month, the young-cadre pipeline, the 12-month
        trend and sortable drill-down tables (each cut at ``max_rows`` rows, the worst first).

        With ``path``, writes the file (atomically) and returns ``None``; without, returns the
        text. The query arguments are those of :meth:`metrics` (``metrics`` only filters the
        all-metrics table).

        >>> import dangjian as dj
        >>> page = dj.example().report_html(as_of="2019-07-31")
        >>> page.startswith("<!DOCTYPE html>") and "75.8% (25/33)" in page and "(88/98)" in page
        True
        >>> "https://" in page or "http://" in page
        False
        """
        text = _dangjian.report_html(
            self._native,
            _date(as_of, "as_of"),
            _date(from_, "from_"),
            scope,
            by,
            _metrics(metrics),
            *_tuning(at_risk_tolerance, young_age),
            max_rows,
        )
        if path is None:
            return text
        target = os.fspath(path)
        tmp = target + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, target)
        return None

    # -- display -----------------------------------------------------------------------
    def __repr__(self) -> str:
        return repr(self._native)

    def _repr_html_(self) -> str:
        """The notebook display: the root, what the ledger holds, and the three programmes'
        headline figures at the default evaluation date, as on the dashboard page."""
        return _dangjian.ledger_html(self._native)


def _named_html(table: Table, native: "_dangjian.Ledger", limit: int) -> str:
    from ._display import table_html

    d = _dangjian.display_names(native)
    return table_html(table, limit, names={**d["people"], **d["units"]})


def _metrics_html(native: "_dangjian.Ledger", args: tuple, limit: int) -> str:
    # The query arguments arrive as one tuple, which the type checker cannot count.
    html: Any = _dangjian.metrics_html
    return html(native, *args, limit=limit)


def _trend_html(native: "_dangjian.Ledger", args: tuple, limit: int) -> str:
    html: Any = _dangjian.trend_html
    return html(native, *args, limit=limit)


def example() -> Ledger:
    """The embedded Chengxi New District (城西新区) ledger of 2019.

    >>> import dangjian as dj
    >>> dj.example().root
    ('chengxi', '城西新区')
    """
    return Ledger(_dangjian.example())


def load(path: PathLike, progress: Optional[Callable[[str, int, int], None]] = None) -> Ledger:
    """Load a ledger from a CSV folder (UTF-8 or GB18030), a ``.json`` file, an ``.xlsx``
    workbook, an SQLite database (``.sqlite``, ``.db``) or a folder of Parquet files
    (``units.parquet``...: typed columns, the fastest to load); raises :class:`LedgerError`
    with every located problem when it is not valid (or when an SQLite file is not a ledger).

    ``progress``, when given, is called as ``progress(stage, done, total)``: the stage
    ``"reading"`` with the bytes read so far and in all (a CSV folder reports every few
    megabytes, a Parquet folder every row group, other forms once), then ``"validating"`` with 0 of 1 and 1 of 1. With tqdm:

    >>> import dangjian as dj, tempfile
    >>> path = tempfile.mkdtemp() + "/ledger"
    >>> dj.example().save(path)
    >>> seen = []
    >>> ds = dj.load(path, progress=lambda stage, done, total: seen.append(stage))
    >>> seen[0], seen[-1]
    ('reading', 'validating')

    .. code-block:: python

        from tqdm.auto import tqdm
        with tqdm(unit="B", unit_scale=True) as bar:
            def show(stage, done, total):
                bar.set_description(stage)
                if stage == "reading":
                    bar.total = total
                    bar.update(done - bar.n)
            ds = dj.load("province/", progress=show)
    """
    return Ledger(_dangjian.load(os.fspath(path), progress))


def generate(
    districts: int = 1,
    seed: int = 0,
    path: Optional[PathLike] = None,
    ids: str = "numbered",
) -> Ledger:
    """A synthetic ledger of the example's shape: ``districts`` districts of about 1,400
    units, 10,000 people and 35,000 activities each (under a city root when more than one),
    the same for the same ``districts`` and ``seed``; valid, with data imperfect enough that
    every metric has work to do. Saved to ``path`` too when given (a CSV folder, ``.json``,
    ``.xlsx`` or ``.sqlite``), as ``dangjian generate --districts N --seed S --to PATH`` does.

    ``ids`` is the shape of the ids: ``"numbered"`` in a row (``p3094``), ``"uuid"`` (every
    unit, organisation, person, initiative and activity a UUID) or ``"identity"`` (people
    by 18-character identity numbers, the others by long numbers in no order); only the
    names change, the records and metrics are the same (``--ids`` of the command line).

    >>> import dangjian as dj
    >>> ds = dj.generate(seed=1)
    >>> ds.root
    ('d', '合成新区')
    >>> 0 < ds.metrics(metrics="coverage.org").to_pylist()[0]["value"] < 1
    True
    """
    for name, value, low in (("districts", districts, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise QueryError(f"`{name}` must be a whole number of at least {low}, not {value!r}")
    ledger = Ledger(_dangjian.generate(int(districts), int(seed), str(ids)))
    if path is not None:
        ledger.save(path)
    return ledger


def template() -> Ledger:
    """An empty ledger to start from: one example row per table and the default duties
    (road-chief patrols every 3 days, monthly red-workshop visits, 三会一课).

    >>> import dangjian as dj
    >>> [p for p in dj.template().validate() if p["severity"] == "error"]
    []
    """
    return Ledger(_dangjian.template())


def from_json(text: str) -> Ledger:
    """Load a ledger from JSON text (the ``dangjian-ledger/1`` form)."""
    return Ledger(_dangjian.from_json(text))


def catalogue(ledger: Optional[Ledger] = None) -> Table:
    """The metric catalogue: id, 中文 and English names, definition, kind, direction,
    programme. With a ledger, its concrete ``duty.<id>``, ``indicator.<id>`` and
    ``target.<id>`` metrics are listed too.

    >>> import dangjian as dj
    >>> "coverage.org" in dj.catalogue().to_arrow().column("id").to_pylist()
    True
    """
    return Table(_dangjian.catalogue(_ledger_arg(ledger, "ledger") if ledger is not None else None))
