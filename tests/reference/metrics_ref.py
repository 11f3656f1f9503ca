"""An independent reference implementation of docs/METRICS.md, in pure Python (standard library only).

It was written from the spec (``docs/METRICS.md``, ``docs/LEDGER.md``, ``docs/DOMAIN.md``) alone,
without reading the Rust engine, so that the two can be cross-checked row by row
(``tests/test_reference.py``). Where the spec leaves a reading open, the choice made here is
written down in ``README.md`` beside this file and marked ``READING:`` in the code.

Entry point: :func:`evaluate`, which returns the JSON shape of docs/METRICS.md "Output".
The ledger is the parsed JSON form (``{"format": "dangjian-ledger/1", "units": [...], ...}``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from bisect import bisect_left, bisect_right
from typing import Any, Dict, Iterable, List, Optional, Tuple

SLACK = 1e-9

Date = _dt.date

CADRE_ROLES = frozenset(
    {
        "secretary",
        "first_secretary",
        "liaison_cadre",
        "leadership",
        "enterprise_liaison",
        "staff",
        "leader",
        "shock_team",
    }
)
ORG_LIFE_KINDS = frozenset({"member_assembly", "group_meeting", "party_lesson", "theme_day", "org_life_meeting"})
COVERAGE_ORG_KINDS = frozenset({"committee", "general_branch", "branch", "joint_branch"})
OWN_ORG_KINDS = frozenset({"committee", "general_branch", "branch"})
VIABLE_KINDS = frozenset({"branch", "joint_branch"})
RENEWAL_KINDS = COVERAGE_ORG_KINDS
CALENDAR_CADENCES = ("1w", "1m", "1q", "6m", "1y")
UNIT_KINDS = frozenset({"district", "area", "village", "block", "enterprise", "workshop", "road", "office"})


class MetricsError(ValueError):
    """A query the spec calls an error (from after as_of, no as_of to default to, unknown scope)."""


# --------------------------------------------------------------------------------------------
# Parsing the ledger's cells
# --------------------------------------------------------------------------------------------

_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def parse_date(v: Any) -> Optional[Date]:
    if _empty(v):
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    s = str(v).strip()
    for rx in _DATE_RES:
        m = rx.match(s)
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(f"not a date: {v!r}")


def parse_num(v: Any) -> Optional[float]:
    if _empty(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"not a number: {v!r}")
    if isinstance(v, (int, float)):
        return float(v)
    return float(str(v).strip())


def parse_bool(v: Any) -> bool:
    if _empty(v):
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    s = str(v).strip().lower()
    if s in ("true", "1", "是", "yes"):
        return True
    if s in ("false", "0", "否", "no"):
        return False
    raise ValueError(f"not a boolean: {v!r}")


def parse_list(v: Any) -> List[str]:
    if _empty(v):
        return []
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if not _empty(x)]
    return [p.strip() for p in str(v).split(";") if p.strip()]


def parse_str(v: Any) -> Optional[str]:
    if _empty(v):
        return None
    return str(v).strip()


def iso(d: Optional[Date]) -> Optional[str]:
    return None if d is None else d.isoformat()


# --------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _month_days(y: int, m: int) -> int:
    if m == 2:
        return 29 if _is_leap(y) else 28
    return 31 if m in (1, 3, 5, 7, 8, 10, 12) else 30


def add_years(d: Date, n: int) -> Date:
    """Calendar years; 29 February -> 28 February when the target year is not a leap year."""
    y = d.year + n
    day = d.day
    if d.month == 2 and d.day == 29 and not _is_leap(y):
        day = 28
    return _dt.date(y, d.month, day)


def add_months(d: Date, n: int) -> Date:
    """Calendar months, the day clamped to the month's end."""
    k = d.year * 12 + (d.month - 1) + n
    y, m = divmod(k, 12)
    m += 1
    return _dt.date(y, m, min(d.day, _month_days(y, m)))


def full_years(birth: Date, on: Date) -> int:
    """Age in full years: the birthday of `on`'s year counts once (month, day) of `on` >= that of birth."""
    age = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        age -= 1
    return age


def _period_start(d: Date, cadence: str) -> Date:
    if cadence == "1w":
        return d - _dt.timedelta(days=d.weekday())
    if cadence == "1m":
        return d.replace(day=1)
    if cadence == "1q":
        return _dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    if cadence == "6m":
        return _dt.date(d.year, 1 if d.month <= 6 else 7, 1)
    if cadence == "1y":
        return _dt.date(d.year, 1, 1)
    raise ValueError(cadence)


def _next_period_start(ps: Date, cadence: str) -> Date:
    if cadence == "1w":
        return ps + _dt.timedelta(days=7)
    months = {"1m": 1, "1q": 3, "6m": 6, "1y": 12}[cadence]
    return add_months(ps, months)


def periods_within(lo: Date, hi: Date, cadence: str) -> List[Tuple[Date, Date]]:
    """Calendar periods [start, end] lying wholly inside [lo, hi]."""
    out: List[Tuple[Date, Date]] = []
    if lo > hi:
        return out
    ps = _period_start(lo, cadence)
    while ps <= hi:
        nxt = _next_period_start(ps, cadence)
        pe = nxt - _dt.timedelta(days=1)
        if ps >= lo and pe <= hi:
            out.append((ps, pe))
        ps = nxt
    return out


def active_on(start: Optional[Date], end: Optional[Date], d: Date) -> bool:
    """start <= d and (no end or d <= end); an empty start means "always was"."""
    return (start is None or start <= d) and (end is None or d <= end)


def active_between(start: Optional[Date], end: Optional[Date], lo: Date, hi: Date) -> bool:
    """Active on some day of [lo, hi]."""
    return (start is None or start <= hi) and (end is None or end >= lo)


# --------------------------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\s*(?:(\d+(?:\.\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


def _tokenize(text: str) -> List[Tuple[str, Any]]:
    toks: List[Tuple[str, Any]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            break
        pos = m.end()
        if m.group(1) is not None:
            toks.append(("num", float(m.group(1))))
        elif m.group(2) is not None:
            toks.append(("id", m.group(2)))
        elif m.group(3) is not None:
            c = m.group(3)
            if c.isspace():
                continue
            if c not in "+-*/()":
                raise ValueError(f"bad character {c!r} in formula {text!r}")
            toks.append(("op", c))
    return toks


def parse_formula(text: str) -> Any:
    """AST: ('num', x) | ('id', name) | ('neg', e) | (op, a, b) with op in + - * /."""
    toks = _tokenize(text)
    i = 0

    def peek() -> Optional[Tuple[str, Any]]:
        return toks[i] if i < len(toks) else None

    def expr() -> Any:
        nonlocal i
        left = term()
        while peek() in (("op", "+"), ("op", "-")):
            op = toks[i][1]
            i += 1
            left = (op, left, term())
        return left

    def term() -> Any:
        nonlocal i
        left = unary()
        while peek() in (("op", "*"), ("op", "/")):
            op = toks[i][1]
            i += 1
            left = (op, left, unary())
        return left

    def unary() -> Any:
        nonlocal i
        t = peek()
        if t == ("op", "-"):
            i += 1
            return ("neg", unary())
        if t == ("op", "+"):  # tolerated, not promised by docs/LEDGER.md
            i += 1
            return unary()
        return atom()

    def atom() -> Any:
        nonlocal i
        t = peek()
        if t is None:
            raise ValueError(f"formula ends early: {text!r}")
        if t[0] == "num" or t[0] == "id":
            i += 1
            return t
        if t == ("op", "("):
            i += 1
            e = expr()
            if peek() != ("op", ")"):
                raise ValueError(f"missing ')' in formula {text!r}")
            i += 1
            return e
        raise ValueError(f"unexpected {t[1]!r} in formula {text!r}")

    e = expr()
    if i != len(toks):
        raise ValueError(f"trailing tokens in formula {text!r}")
    return e


def eval_formula(ast: Any, lookup) -> Optional[float]:
    """None when an operand is missing or a division by zero happens anywhere."""
    kind = ast[0]
    if kind == "num":
        return ast[1]
    if kind == "id":
        return lookup(ast[1])
    if kind == "neg":
        v = eval_formula(ast[1], lookup)
        return None if v is None else -v
    a = eval_formula(ast[1], lookup)
    b = eval_formula(ast[2], lookup)
    if a is None or b is None:
        return None
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        if b == 0:
            return None
        return a / b
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


class _Ledger:
    def __init__(self, ledger: Dict[str, Any]):
        t = lambda name: ledger.get(name) or []  # noqa: E731

        self.units: Dict[str, Dict[str, Any]] = {}
        self.unit_order: List[str] = []
        for r in t("units"):
            uid = parse_str(r["id"])
            self.units[uid] = {
                "id": uid,
                "kind": parse_str(r.get("kind")),
                "parent": parse_str(r.get("parent")),
                "above_scale": parse_bool(r.get("above_scale")),
                "since": parse_date(r.get("since")),
                "until": parse_date(r.get("until")),
            }
            self.unit_order.append(uid)
        roots = [u for u in self.unit_order if self.units[u]["parent"] is None]
        self.root = roots[0] if roots else None
        self.children: Dict[str, List[str]] = {u: [] for u in self.unit_order}
        for u in self.unit_order:
            p = self.units[u]["parent"]
            if p is not None and p in self.children:
                self.children[p].append(u)

        self.designations = [
            {
                "unit": parse_str(r["unit"]),
                "designation": parse_str(r["designation"]),
                "since": parse_date(r.get("since")),
                "until": parse_date(r.get("until")),
            }
            for r in t("designations")
        ]
        self.orgs: Dict[str, Dict[str, Any]] = {}
        for r in t("orgs"):
            oid = parse_str(r["id"])
            self.orgs[oid] = {
                "id": oid,
                "kind": parse_str(r.get("kind")),
                "hosts": parse_list(r.get("hosts")),
                "parent": parse_str(r.get("parent")),
                "established": parse_date(r.get("established")),
                "dissolved": parse_date(r.get("dissolved")),
            }
        self.elections = [{"org": parse_str(r["org"]), "date": parse_date(r["date"])} for r in t("elections")]
        self.people: Dict[str, Dict[str, Any]] = {}
        for r in t("people"):
            pid = parse_str(r["id"])
            self.people[pid] = {
                "id": pid,
                "birth_date": parse_date(r.get("birth_date")),
                "org": parse_str(r.get("org")),
                "joined": parse_date(r.get("joined")),
                "confirmed": parse_date(r.get("confirmed")),
            }
        self.roles = [
            {
                "person": parse_str(r["person"]),
                "role": parse_str(r["role"]),
                "target": parse_str(r["target"]),
                "start": parse_date(r.get("start")),
                "end": parse_date(r.get("end")),
            }
            for r in t("roles")
        ]
        self.initiatives: Dict[str, Dict[str, Any]] = {}
        for r in t("initiatives"):
            iid = parse_str(r["id"])
            w = parse_num(r.get("weight"))
            self.initiatives[iid] = {
                "id": iid,
                "kind": parse_str(r.get("kind")),
                "unit": parse_str(r.get("unit")),
                "start": parse_date(r.get("start")),
                "deadline": parse_date(r.get("deadline")),
                "weight": 1.0 if w is None else w,
            }
        self.progress = [
            {
                "initiative": parse_str(r["initiative"]),
                "date": parse_date(r["date"]),
                "percent": parse_num(r["percent"]),
            }
            for r in t("progress")
        ]
        self.activities = [
            {
                "kind": parse_str(r["kind"]),
                "date": parse_date(r["date"]),
                "subject": parse_str(r["subject"]),
                "people": parse_list(r.get("people")),
                "expected": parse_num(r.get("expected")),
                "attended": parse_num(r.get("attended")),
            }
            for r in t("activities")
        ]
        # docs/STATS.md: who is excused from which duty, when.
        self.exemptions = [
            {
                "duty": parse_str(r["duty"]),
                "subject": parse_str(r["subject"]),
                "from": parse_date(r["from"]),
                "to": parse_date(r.get("to")),
            }
            for r in t("exemptions")
        ]
        self.duties = []
        for r in t("duties"):
            mc = parse_num(r.get("min_count"))
            self.duties.append(
                {
                    "id": parse_str(r["id"]),
                    "activity": parse_str(r["activity"]),
                    "applies_to": parse_str(r["applies_to"]),
                    "cadence": parse_str(r["cadence"]),
                    "min_count": 1 if mc is None else int(round(mc)),
                    "from": parse_date(r.get("from")),
                    "to": parse_date(r.get("to")),
                    "quorum": parse_num(r.get("quorum")),
                }
            )
        self.indicators: Dict[str, Dict[str, Any]] = {}
        self.indicator_order: List[str] = []
        for r in t("indicators"):
            iid = parse_str(r["id"])
            f = parse_str(r.get("formula"))
            self.indicators[iid] = {
                "id": iid,
                "aggregate": parse_str(r.get("aggregate")) or "sum",
                "formula": parse_formula(f) if f else None,
            }
            self.indicator_order.append(iid)
        self.observations = [
            {
                "indicator": parse_str(r["indicator"]),
                "unit": parse_str(r["unit"]),
                "date": parse_date(r["date"]),
                "value": parse_num(r["value"]),
            }
            for r in t("observations")
        ]
        self.targets = []
        for r in t("targets"):
            self.targets.append(
                {
                    "metric": parse_str(r["metric"]),
                    "scope": parse_str(r.get("scope")),
                    "due": parse_date(r["due"]),
                    "value": parse_num(r["value"]),
                    "baseline": parse_num(r.get("baseline")),
                }
            )

    # ----- the tree

    def descendants(self, u: str) -> List[str]:
        out = []
        stack = list(reversed(self.children.get(u, [])))
        while stack:
            x = stack.pop()
            out.append(x)
            stack.extend(reversed(self.children.get(x, [])))
        return out

    def default_as_of(self) -> Optional[Date]:
        ds = (
            [r["date"] for r in self.progress]
            + [r["date"] for r in self.activities]
            + [r["date"] for r in self.observations]
        )
        ds = [d for d in ds if d is not None]
        return max(ds) if ds else None


# --------------------------------------------------------------------------------------------
# The evaluation
# --------------------------------------------------------------------------------------------


def _ratio(num: float, den: float) -> Optional[float]:
    return None if den == 0 else num / den


def _row(metric: str, scope: str, value, numerator=None, denominator=None) -> Dict[str, Any]:
    return {
        "metric": metric,
        "scope": scope,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "target": None,
    }


class _Eval:
    def __init__(self, L: _Ledger, as_of: Date, from_: Date, tol: float, young_age: int):
        self.L = L
        self.as_of = as_of
        self.from_ = from_
        self.tol = tol
        self.young_age = young_age
        A = as_of
        # "Nothing dated after as_of exists yet": later units, orgs, roles, designations,
        # elections, progress, activities and observations are ignored.
        self.units_now = {u: r for u, r in L.units.items() if r["since"] is None or r["since"] <= A}
        self.orgs_now = {o: r for o, r in L.orgs.items() if r["established"] is None or r["established"] <= A}
        self.roles_now = [r for r in L.roles if r["start"] is None or r["start"] <= A]
        self.desig_now = [r for r in L.designations if r["since"] is None or r["since"] <= A]
        self.elections_now = [r for r in L.elections if r["date"] <= A]
        self.progress_now = [r for r in L.progress if r["date"] <= A]
        self.activities_now = [r for r in L.activities if r["date"] <= A]
        self.obs_now = [r for r in L.observations if r["date"] <= A]

        self.progress_by_init: Dict[str, List[Dict[str, Any]]] = {}
        for p in sorted(self.progress_now, key=lambda p: p["date"]):
            self.progress_by_init.setdefault(p["initiative"], []).append(p)

        self.acts_by_kind_subject: Dict[Tuple[str, str], List[Date]] = {}
        for a in self.activities_now:
            self.acts_by_kind_subject.setdefault((a["kind"], a["subject"]), []).append(a["date"])
        for v in self.acts_by_kind_subject.values():
            v.sort()

        self._task_cache: Optional[List[Dict[str, Any]]] = None
        self._obligations: Dict[str, List[Dict[str, Any]]] = {}
        self._indicator_values: Dict[str, Dict[str, Optional[float]]] = {}

    # ----- scope membership (follows the unit tree whatever the dates)

    def scope_set(self, scope: str) -> set:
        return {scope, *self.L.descendants(scope)}

    def unit_in(self, u: Optional[str], S: set) -> bool:
        return u is not None and u in S

    def org_in(self, o: str, S: set) -> bool:
        org = self.L.orgs.get(o)
        return org is not None and any(h in S for h in org["hosts"])

    def initiative_in(self, i: str, S: set, scope: str) -> bool:
        ini = self.L.initiatives.get(i)
        if ini is None:
            return False
        if ini["unit"] is None:
            return scope == self.L.root  # "one with no unit belongs to the root only"
        return ini["unit"] in S

    def subject_in(self, subj: str, S: set, scope: str) -> bool:
        if subj in self.L.units:
            return subj in S
        if subj in self.L.orgs:
            return self.org_in(subj, S)
        if subj in self.L.initiatives:
            return self.initiative_in(subj, S, scope)
        return False

    def org_active(self, o: str, d: Date) -> bool:
        org = self.orgs_now.get(o)
        return org is not None and active_on(org["established"], org["dissolved"], d)

    def unit_active(self, u: str, d: Date) -> bool:
        unit = self.units_now.get(u)
        return unit is not None and active_on(unit["since"], unit["until"], d)

    def roles_active(self, d: Date) -> Iterable[Dict[str, Any]]:
        return (r for r in self.roles_now if active_on(r["start"], r["end"], d))

    def person_in(self, pid: str, S: set, scope: str) -> bool:
        p = self.L.people.get(pid)
        if p is None:
            return False
        o = p["org"]
        if o is not None and self.org_active(o, self.as_of) and self.org_in(o, S):
            return True
        for r in self.roles_active(self.as_of):
            if r["person"] == pid and self.subject_in(r["target"], S, scope):
                return True
        return False

    # ----- red growth: key tasks

    def tasks(self) -> List[Dict[str, Any]]:
        if self._task_cache is not None:
            return self._task_cache
        A = self.as_of
        out = []
        for ini in self.L.initiatives.values():
            if ini["kind"] != "key_task":
                continue
            ups = self.progress_by_init.get(ini["id"], [])
            actual = ups[-1]["percent"] / 100.0 if ups else 0.0
            start = ini["start"]
            deadline = ini["deadline"]
            started = (start is not None and start <= A) or any(u["percent"] > 0 for u in ups)
            eff_start = start if start is not None else (ups[0]["date"] if ups else None)
            if not started or eff_start is None:
                expected = 0.0
            elif deadline <= eff_start:
                expected = 1.0
            else:
                expected = (A - eff_start).days / (deadline - eff_start).days
                expected = min(1.0, max(0.0, expected))
            done = ups[-1]["percent"] == 100 if ups else False
            if done:
                status = "done"
            elif A > deadline:
                status = "overdue"
            elif not started:
                status = "not_started"
            elif expected - actual >= self.tol - SLACK:
                status = "at_risk"
            else:
                status = "on_track"
            # Forecast: the updates dated <= as_of, plus 0% at start when there is a start date
            # and no update on it (READING: whatever the start date, as the words say).
            points = [(u["date"], u["percent"]) for u in ups]
            if start is not None and not any(d == start for d, _ in points):
                points.append((start, 0.0))
            points.sort(key=lambda p: p[0])
            forecast: Any = None  # None: no forecast; "never"; or a date
            if len(points) >= 2 and points[0][0] != points[-1][0]:
                (d0, p0), (d1, p1) = points[0], points[-1]
                rate = (p1 - p0) / (d1 - d0).days
                if rate <= 0:
                    forecast = "never"
                else:
                    days = math.ceil((100.0 - p1) / rate - SLACK)
                    forecast = d1 + _dt.timedelta(days=days)
            out.append(
                {
                    "id": ini["id"],
                    "weight": ini["weight"],
                    "actual": actual,
                    "expected": expected,
                    "started": started,
                    "done": done,
                    "status": status,
                    "forecast": forecast,
                    "deadline": deadline,
                }
            )
        self._task_cache = out
        return out

    def task_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        ts = [t for t in self.tasks() if self.initiative_in(t["id"], S, scope)]
        n = len(ts)
        rows = [_row("tasks.total", scope, n)]
        started = sum(1 for t in ts if t["started"])
        done = sum(1 for t in ts if t["done"])
        rows.append(_row("tasks.started", scope, _ratio(started, n), started, n))
        rows.append(_row("tasks.completed", scope, _ratio(done, n), done, n))
        wa = sum(t["weight"] * t["actual"] for t in ts)
        w = sum(t["weight"] for t in ts)
        rows.append(_row("tasks.progress", scope, _ratio(wa, w), wa, w))
        sp = [t for t in ts if t["started"] and not t["done"]]
        num = sum(t["weight"] * t["actual"] for t in sp)
        den = sum(t["weight"] * t["expected"] for t in sp)
        rows.append(_row("tasks.spi", scope, _ratio(num, den), num, den))
        for st in ("on_track", "at_risk", "overdue", "not_started", "done"):
            rows.append(_row("tasks." + st, scope, sum(1 for t in ts if t["status"] == st)))
        late = 0
        for t in ts:
            if t["done"] or t["forecast"] is None:
                continue
            if t["forecast"] == "never" or t["forecast"] > t["deadline"]:
                late += 1
        rows.append(_row("tasks.forecast_late", scope, late))
        return rows

    # ----- red growth: cadres

    def cadres(self, scope: str, S: set) -> List[Dict[str, Any]]:
        """One entry per cadre in scope: age, young, on tasks, breadth."""
        A = self.as_of
        active = list(self.roles_active(A))
        cadre_ids = sorted({r["person"] for r in active if r["role"] in CADRE_ROLES})
        out = []
        for pid in cadre_ids:
            if not self.person_in(pid, S, scope):
                continue
            b = self.L.people.get(pid, {}).get("birth_date")
            age = full_years(b, A) if b is not None else None
            on_tasks = False
            for r in active:
                if r["person"] == pid and r["role"] in ("leader", "member"):
                    tgt = r["target"]
                    # READING: an org established after as_of does not exist yet
                    org = self.orgs_now.get(tgt)
                    ini = self.L.initiatives.get(tgt)
                    if (org is not None and org["kind"] == "task_force") or (
                        ini is not None and ini["kind"] == "key_task"
                    ):
                        on_tasks = True
            breadth = len({r["role"] for r in self.roles_now if r["person"] == pid})
            out.append(
                {
                    "person": pid,
                    "age": age,
                    "young": age is not None and age <= self.young_age,
                    "on_tasks": on_tasks,
                    "breadth": breadth,
                }
            )
        return out

    def cadre_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        cs = self.cadres(scope, S)
        young = [c for c in cs if c["young"]]
        on_tasks = [c for c in young if c["on_tasks"]]
        breadth = sum(c["breadth"] for c in young) / len(young) if young else None
        ny, nc = len(young), len(cs)
        return [
            _row("cadres.young", scope, ny),
            _row("cadres.young_share", scope, _ratio(ny, nc), ny, nc),
            _row("cadres.young_on_tasks", scope, _ratio(len(on_tasks), ny), len(on_tasks), ny),
            _row("cadres.breadth", scope, breadth),
        ]

    # ----- red leading

    def leading_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        A = self.as_of
        active = list(self.roles_active(A))
        chiefs = {r["target"] for r in active if r["role"] == "road_chief"}
        liaisons = {r["target"] for r in active if r["role"] in ("liaison_cadre", "first_secretary")}
        roads = [u for u in S if self.L.units[u]["kind"] == "road" and self.unit_active(u, A)]
        villages = [u for u in S if self.L.units[u]["kind"] == "village" and self.unit_active(u, A)]
        rc = sum(1 for u in roads if u in chiefs)
        vc = sum(1 for u in villages if u in liaisons)
        return [
            _row("roads.chief_coverage", scope, _ratio(rc, len(roads)), rc, len(roads)),
            _row("villages.liaison_coverage", scope, _ratio(vc, len(villages)), vc, len(villages)),
        ]

    # ----- duties

    def obligations(self, duty: Dict[str, Any]) -> List[Dict[str, Any]]:
        key = duty["id"]
        if key in self._obligations:
            return self._obligations[key]
        kind, _, what = duty["applies_to"].partition(":")
        things: List[Tuple[str, Optional[Date], Optional[Date]]] = []  # (subject, start, end)
        if kind == "role":
            for r in self.roles_now:
                if r["role"] == what:
                    things.append((r["target"], r["start"], r["end"]))
        elif kind == "unit":
            for u, r in self.units_now.items():
                if r["kind"] == what:
                    things.append((u, r["since"], r["until"]))
        elif kind == "org":
            for o, r in self.orgs_now.items():
                if r["kind"] == what:
                    things.append((o, r["established"], r["dissolved"]))
        elif kind == "designation":
            for r in self.desig_now:
                if r["designation"] == what:
                    things.append((r["unit"], r["since"], r["until"]))
        else:
            raise ValueError(duty["applies_to"])

        cad = duty["cadence"]
        mc = duty["min_count"]
        A, F = self.as_of, self.from_
        q = duty["quorum"]
        by_subject = self.acts_by_kind_subject
        if q is not None:
            # docs/STATS.md: attendance is `attended`, else the number of people listed;
            # the expected count has no default; both needed, and attended > q x expected.
            by_subject = {}
            for a in self.activities_now:
                if a["kind"] != duty["activity"]:
                    continue
                att = a["attended"] if a["attended"] is not None else (len(a["people"]) if a["people"] else None)
                if att is None or a["expected"] is None or not att > q * a["expected"] + 1e-9:
                    continue
                by_subject.setdefault((a["kind"], a["subject"]), []).append(a["date"])
            for v in by_subject.values():
                v.sort()
        out = []
        for subj, s, e in things:
            spans = [
                (x["from"], x["to"]) for x in self.L.exemptions if x["duty"] == duty["id"] and x["subject"] == subj
            ]

            def exempt(a: Date, b: Date, spans: List[Tuple[Date, Optional[Date]]] = spans) -> bool:
                # READING (STATS.md): a day, or a period overlapping an exempt span by a day.
                return any(f <= b and (t is None or a <= t) for f, t in spans)

            # the span the thing is active, cut to the duty's own from/to
            lo = s
            if duty["from"] is not None and (lo is None or duty["from"] > lo):
                lo = duty["from"]
            hi = e
            if duty["to"] is not None and (hi is None or duty["to"] < hi):
                hi = duty["to"]
            dates = by_subject.get((duty["activity"], subj), [])
            a_lo = F if lo is None or lo < F else lo
            a_hi = A if hi is None or hi > A else hi
            flags: List[Optional[bool]] = []  # None: exempt, not assessed
            m = re.match(r"^(\d+)d$", cad)
            if m:
                n = int(m.group(1))
                d = a_lo
                while d <= a_hi:
                    if exempt(d, d):
                        flags.append(None)
                        d += _dt.timedelta(days=1)
                        continue
                    in_grace = lo is not None and (d - lo).days < n - 1
                    if in_grace:
                        ok = True
                    else:
                        w0 = d - _dt.timedelta(days=n - 1)
                        cnt = bisect_right(dates, d) - bisect_left(dates, w0)
                        ok = cnt >= mc
                    flags.append(ok)
                    d += _dt.timedelta(days=1)
            elif cad in CALENDAR_CADENCES:
                for ps, pe in periods_within(a_lo, a_hi, cad):
                    if exempt(ps, pe):
                        flags.append(None)
                        continue
                    cnt = bisect_right(dates, pe) - bisect_left(dates, ps)
                    flags.append(cnt >= mc)
            else:
                raise ValueError(cad)
            longest = run = 0
            for ok in flags:
                run = 0 if ok is not False else run + 1  # an exempt day ends a run
                longest = max(longest, run)
            assessed = [f for f in flags if f is not None]
            out.append({"subject": subj, "assessed": len(assessed), "complying": sum(assessed), "lapse": longest})
        self._obligations[key] = out
        return out

    def duty_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        rows = []
        for duty in self.L.duties:
            obs = [o for o in self.obligations(duty) if self.subject_in(o["subject"], S, scope)]
            assessed = sum(o["assessed"] for o in obs)
            complying = sum(o["complying"] for o in obs)
            rows.append(_row("duty." + duty["id"], scope, _ratio(complying, assessed), complying, assessed))
            lapse = max((o["lapse"] for o in obs if o["assessed"] > 0), default=None)
            rows.append(_row("duty." + duty["id"] + ".lapse", scope, lapse))
        return rows

    # ----- indicators

    def indicator_values(self, ind_id: str) -> Dict[str, Optional[float]]:
        """Per unit (any unit), the indicator's value at as_of."""
        if ind_id in self._indicator_values:
            return self._indicator_values[ind_id]
        ind = self.L.indicators[ind_id]
        vals: Dict[str, Optional[float]] = {}
        if ind["formula"] is None:
            latest: Dict[str, Tuple[Date, float]] = {}
            for o in self.obs_now:
                if o["indicator"] != ind_id:
                    continue
                cur = latest.get(o["unit"])
                if cur is None or o["date"] > cur[0]:
                    latest[o["unit"]] = (o["date"], o["value"])
            vals = {u: v for u, (_, v) in latest.items()}
        else:
            for u in self.L.unit_order:
                v = eval_formula(ind["formula"], lambda name, u=u: self.indicator_values(name).get(u))
                if v is not None:
                    vals[u] = v
        self._indicator_values[ind_id] = vals
        return vals

    def indicator_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        rows = []
        A = self.as_of
        units = [u for u in self.L.unit_order if u in S and self.unit_active(u, A)]
        for ind_id in self.L.indicator_order:
            vals = self.indicator_values(ind_id)
            xs = [vals[u] for u in units if vals.get(u) is not None]
            agg = self.L.indicators[ind_id]["aggregate"]
            if not xs:
                v = None
            elif agg == "sum":
                v = math.fsum(xs)
            elif agg == "mean":
                v = math.fsum(xs) / len(xs)
            elif agg == "min":
                v = min(xs)
            elif agg == "max":
                v = max(xs)
            else:
                raise ValueError(agg)
            rows.append(_row("indicator." + ind_id, scope, v))
        return rows

    # ----- red coverage

    def coverage_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        A = self.as_of
        ents = [
            u
            for u in self.L.unit_order
            if u in S
            and self.L.units[u]["kind"] == "enterprise"
            and self.L.units[u]["above_scale"]
            and self.unit_active(u, A)
        ]
        active_orgs = [o for o in self.orgs_now.values() if active_on(o["established"], o["dissolved"], A)]
        instr_targets = {r["target"] for r in self.roles_active(A) if r["role"] == "instructor"}
        liaison_targets = {r["target"] for r in self.roles_active(A) if r["role"] == "enterprise_liaison"}
        n_org = n_own = n_work = n_liaison = 0
        for e in ents:
            has_org = any(o["kind"] in COVERAGE_ORG_KINDS and e in o["hosts"] for o in active_orgs)
            own = any(o["kind"] in OWN_ORG_KINDS and o["hosts"] == [e] for o in active_orgs)
            # READING: "an org of any kind it hosts" -- any org existing by as_of (dissolved or not).
            work = (
                has_org
                or e in instr_targets
                or any(o["id"] in instr_targets and e in o["hosts"] for o in self.orgs_now.values())
            )
            # READING: the same words as coverage.work, read the same way (reading 2).
            linked = e in liaison_targets or any(
                o["id"] in liaison_targets and e in o["hosts"] for o in self.orgs_now.values()
            )
            n_org += has_org
            n_own += own
            n_work += work
            n_liaison += linked
        n = len(ents)
        return [
            _row("coverage.org", scope, _ratio(n_org, n), n_org, n),
            _row("coverage.own_org", scope, _ratio(n_own, n), n_own, n),
            _row("coverage.work", scope, _ratio(n_work, n), n_work, n),
            _row("coverage.liaison", scope, _ratio(n_liaison, n), n_liaison, n),
        ]

    def org_rows(self, scope: str, S: set) -> List[Dict[str, Any]]:
        A = self.as_of
        L = self.L
        in_scope_active = [
            o
            for o in self.orgs_now.values()
            if active_on(o["established"], o["dissolved"], A) and self.org_in(o["id"], S)
        ]

        # orgs.viable
        formal: Dict[str, int] = {}
        for p in L.people.values():
            if p["org"] is not None and p["confirmed"] is not None and p["confirmed"] <= A:
                formal[p["org"]] = formal.get(p["org"], 0) + 1
        viable_pool = [o for o in in_scope_active if o["kind"] in VIABLE_KINDS]
        viable = sum(1 for o in viable_pool if formal.get(o["id"], 0) >= 3)
        rows = [_row("orgs.viable", scope, _ratio(viable, len(viable_pool)), viable, len(viable_pool))]

        # renewal
        latest_election: Dict[str, Date] = {}
        for e in self.elections_now:
            cur = latest_election.get(e["org"])
            if cur is None or e["date"] > cur:
                latest_election[e["org"]] = e["date"]
        overdue = with_el = due = 0
        for o in in_scope_active:
            if o["kind"] not in RENEWAL_KINDS or o["id"] not in latest_election:
                continue
            first_host = L.units.get(o["hosts"][0]) if o["hosts"] else None
            years = (
                5 if (o["kind"] == "committee" or (first_host is not None and first_host["kind"] == "village")) else 3
            )
            end = add_years(latest_election[o["id"]], years)
            with_el += 1
            if end < A:
                overdue += 1
            elif end <= A + _dt.timedelta(days=183):
                due += 1
        rows.append(_row("orgs.renewal_overdue", scope, _ratio(overdue, with_el), overdue, with_el))
        rows.append(_row("orgs.renewal_due", scope, due))

        # members.no_org_life
        M = add_months(A, -6)
        num = den = 0
        for o in in_scope_active:
            oid = o["id"]
            about = {oid} | {g["id"] for g in L.orgs.values() if g["kind"] == "group" and g["parent"] == oid}
            acts = [
                a
                for a in self.activities_now
                if a["kind"] in ORG_LIFE_KINDS and a["people"] and a["subject"] in about and M < a["date"] <= A
            ]
            if not acts:
                continue
            listed = set()
            for a in acts:
                listed.update(a["people"])
            members = [p for p in L.people.values() if p["org"] == oid and p["joined"] is not None and p["joined"] <= M]
            den += len(members)
            num += sum(1 for p in members if p["id"] not in listed)
        rows.append(_row("members.no_org_life", scope, _ratio(num, den), num, den))

        # workshops.red
        red = {
            d["unit"]
            for d in self.desig_now
            if d["designation"] == "red_workshop" and active_on(d["since"], d["until"], A) and d["unit"] in S
        }
        rows.append(_row("workshops.red", scope, len(red)))
        rows.append(
            _row("committees.two_new", scope, sum(1 for o in in_scope_active if o["kind"] == "two_new_committee"))
        )
        return rows

    # ----- one scope

    def scope_rows(self, scope: str) -> List[Dict[str, Any]]:
        S = self.scope_set(scope)
        rows: List[Dict[str, Any]] = []
        rows += self.task_rows(scope, S)
        rows += self.cadre_rows(scope, S)
        rows += self.leading_rows(scope, S)
        rows += self.duty_rows(scope, S)
        rows += self.indicator_rows(scope, S)
        rows += self.coverage_rows(scope, S)
        rows += self.org_rows(scope, S)
        return rows

    def apply_targets(self, rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        L = self.L
        A = self.as_of
        groups: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
        for t in L.targets:
            metric = t["metric"]
            if metric in L.indicators:
                row_metric, target_metric = "indicator." + metric, "target." + metric
            else:
                row_metric, target_metric = metric, "target." + metric
            scope = t["scope"] or L.root
            groups.setdefault((row_metric, scope), []).append(dict(t, target_metric=target_metric))
        chosen: Dict[Tuple[str, str], Dict[str, Any]] = {}
        for key, ts in groups.items():
            upcoming = [t for t in ts if t["due"] >= A]
            chosen[key] = min(upcoming, key=lambda t: t["due"]) if upcoming else max(ts, key=lambda t: t["due"])
        out = []
        for r in rows:
            out.append(r)
            t = chosen.get((r["metric"], r["scope"]))
            if t is None:
                continue
            r["target"] = t["value"]
            r["due"] = iso(t["due"])
            b = t["baseline"] if t["baseline"] is not None else 0.0
            den = t["value"] - b
            if r["value"] is None:
                num = None
                val = None
            else:
                num = r["value"] - b
                val = _ratio(num, den)
            out.append(_row(t["target_metric"], r["scope"], val, num, den))
        return out


def _query(ledger: Dict[str, Any], as_of: Any, from_: Any, scope: Optional[str], tol: float, young_age: int):
    L = _Ledger(ledger)
    A = parse_date(as_of) if as_of is not None else L.default_as_of()
    if A is None:
        raise MetricsError("no as_of given and no dated record to default to")
    F = parse_date(from_) if from_ is not None else _dt.date(A.year, 1, 1)
    if F > A:
        raise MetricsError(f"from {F} is after as_of {A}")
    scope = scope or L.root
    if scope not in L.units:
        raise MetricsError(f"unknown scope {scope!r}")
    return L, _Eval(L, A, F, tol, young_age), scope


def tasks_table(
    ledger: Dict[str, Any], as_of: Any = None, scope: Optional[str] = None, at_risk_tolerance: float = 0.10
) -> List[Dict[str, Any]]:
    """One row per key task in scope: id, status, started, actual, expected, forecast (a date or
    None), forecast_never."""
    L, ev, scope = _query(ledger, as_of, None, scope, at_risk_tolerance, 35)
    S = ev.scope_set(scope)
    out = []
    for t in ev.tasks():
        if not ev.initiative_in(t["id"], S, scope):
            continue
        f = t["forecast"]
        out.append(
            {
                "id": t["id"],
                "status": t["status"],
                "started": t["started"],
                "actual": t["actual"],
                "expected": t["expected"],
                "forecast": f if isinstance(f, _dt.date) else None,
                "forecast_never": f == "never",
            }
        )
    return out


def cadres_table(
    ledger: Dict[str, Any], as_of: Any = None, scope: Optional[str] = None, young_age: int = 35
) -> List[Dict[str, Any]]:
    """One row per cadre in scope: person, age, young, on_tasks, breadth (role kinds held)."""
    L, ev, scope = _query(ledger, as_of, None, scope, 0.10, young_age)
    return ev.cadres(scope, ev.scope_set(scope))


def evaluate(
    ledger: Dict[str, Any],
    as_of: Any = None,
    from_: Any = None,
    scope: Optional[str] = None,
    by: Optional[str] = None,
    at_risk_tolerance: float = 0.10,
    young_age: int = 35,
) -> Dict[str, Any]:
    """Evaluate every metric of docs/METRICS.md; the JSON shape of its "Output" section."""
    L, ev, scope = _query(ledger, as_of, from_, scope, at_risk_tolerance, young_age)
    A, F = ev.as_of, ev.from_
    if by is not None and by not in UNIT_KINDS:
        raise MetricsError(f"by: unknown unit kind {by!r}")
    scopes = [scope]
    if by is not None:
        for u in L.descendants(scope):
            r = L.units[u]
            if r["kind"] == by and u in ev.units_now and active_between(r["since"], r["until"], F, A):
                scopes.append(u)
    rows: List[Dict[str, Any]] = []
    for s in scopes:
        rows += ev.scope_rows(s)
    rows = ev.apply_targets(rows)
    return {"as_of": A.isoformat(), "from": F.isoformat(), "rows": rows}


__all__ = [
    "evaluate",
    "tasks_table",
    "cadres_table",
    "MetricsError",
    "parse_formula",
    "eval_formula",
    "add_years",
    "add_months",
    "full_years",
    "periods_within",
]
