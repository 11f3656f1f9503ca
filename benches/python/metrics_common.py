"""What the polars and pandas versions of METRICS.md share: the vocabulary, the formula
parser, metric rows, targets, and comparing two sets of rows.

Only small things live here: the data work (reading the CSV folder, every metric) is done
separately in `metrics_polars.py` and `metrics_pandas.py`. Targets are applied here, in
plain Python, because they read the finished rows (a handful) and the targets table (a few
dozen lines), not the ledger.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

# DOMAIN.md
CADRE_ROLES = [
    "secretary",
    "first_secretary",
    "liaison_cadre",
    "leadership",
    "enterprise_liaison",
    "staff",
    "leader",
    "shock_team",
]
ORG_LIFE = ["member_assembly", "group_meeting", "party_lesson", "theme_day", "org_life_meeting"]
# METRICS.md, red coverage and orgs.*
COVERING = ["committee", "general_branch", "branch", "joint_branch"]
OWN = ["committee", "general_branch", "branch"]
TRUE = ["true", "1", "是", "yes"]
SLACK = 1e-9
AT_RISK = 0.10
YOUNG_AGE = 35

# LEDGER.md: the columns each table can have (the scripts read the ones they need).
COLUMNS: Dict[str, List[str]] = {
    "units": ["id", "kind", "name", "parent", "above_scale", "length_m", "since", "until", "tags"],
    "designations": ["unit", "designation", "since", "until"],
    "orgs": ["id", "kind", "name", "hosts", "parent", "established", "dissolved"],
    "elections": ["org", "date", "note"],
    "people": ["id", "name", "birth_date", "org", "joined", "confirmed"],
    "roles": ["person", "role", "target", "start", "end"],
    "initiatives": ["id", "kind", "programme", "title", "unit", "owner", "start", "deadline", "weight"],
    "progress": ["initiative", "date", "percent", "note"],
    "activities": ["id", "kind", "date", "subject", "people", "note"],
    "duties": ["id", "activity", "applies_to", "cadence", "min_count", "from", "to"],
    "indicators": ["id", "name", "measure", "aggregate", "formula"],
    "observations": ["indicator", "unit", "date", "value", "note"],
    "targets": ["metric", "scope", "due", "value", "baseline"],
}


def unsupported(path) -> None:
    """The STATS.md additions (quorum, exemptions) are not implemented here; refuse ledgers
    that use them (an exemption, or a duty with a quorum) rather than give wrong numbers.
    Their empty columns and an exemptions.csv with no rows, as every saved ledger has, are
    fine."""
    import csv

    ex = path / "exemptions.csv"
    if ex.exists():
        with open(ex, encoding="utf-8-sig", newline="") as f:
            if any(any(c.strip() for c in row) for row in list(csv.reader(f))[1:]):
                raise SystemExit(f"{path}: exemptions (STATS.md) are not handled by these scripts")
    duties = path / "duties.csv"
    if duties.exists():
        with open(duties, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if (row.get("quorum") or "").strip():
                    raise SystemExit(f"{path}: duties.quorum (STATS.md) is not handled by these scripts")


def header(path, table: str) -> Optional[List[str]]:
    """The columns of `table`.csv (None when the file is absent)."""
    f = path / f"{table}.csv"
    if not f.exists():
        return None
    with open(f, encoding="utf-8-sig") as fh:
        return fh.readline().rstrip("\r\n").split(",")


# --------------------------------------------------------------------------------------
# Dates and cadences
# --------------------------------------------------------------------------------------


def minus_months(d: dt.date, months: int) -> dt.date:
    """`d` minus whole calendar months, the day clamped to the month's end."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def parse_cadence(c: str) -> Tuple[str, int]:
    """`3d` -> ("d", 3); `1w`, `1m`, `1q`, `6m`, `1y` -> (period, 0)."""
    c = c.strip()
    if c in ("1w", "1m", "1q", "6m", "1y"):
        return c, 0
    if c.endswith("d") and c[:-1].isdigit() and int(c[:-1]) >= 1:
        return "d", int(c[:-1])
    raise SystemExit(f"unknown cadence {c!r}")


def periods(cadence: str, lo: dt.date, hi: dt.date) -> List[Tuple[dt.date, dt.date]]:
    """The calendar periods of `cadence` lying wholly inside [lo, hi], in order."""
    out = []
    if cadence == "1w":
        s = lo + dt.timedelta(days=(7 - lo.weekday()) % 7)  # the first Monday on or after lo
        while s + dt.timedelta(days=6) <= hi:
            out.append((s, s + dt.timedelta(days=6)))
            s += dt.timedelta(days=7)
        return out
    step = {"1m": 1, "1q": 3, "6m": 6, "1y": 12}[cadence]
    y, m = lo.year, lo.month
    m = (m - 1) // step * step + 1  # the period containing lo
    while True:
        s = dt.date(y, m, 1)
        ny, nm = (y, m + step) if m + step <= 12 else (y + 1, m + step - 12)
        e = dt.date(ny, nm, 1) - dt.timedelta(days=1)
        if s > hi:
            return out
        if s >= lo and e <= hi:
            out.append((s, e))
        y, m = ny, nm


# --------------------------------------------------------------------------------------
# Formulas (LEDGER.md: + - * /, unary minus, parentheses, decimal numbers, indicator ids)
# --------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


def parse_formula(text: str):
    """An AST of tuples: ("num", x), ("var", id), ("neg", a), (op, a, b) for op in + - * /."""
    toks: List[Tuple[str, Any]] = []
    for num, name, op in _TOKEN.findall(text):
        if num:
            toks.append(("num", float(num)))
        elif name:
            toks.append(("var", name))
        elif op.strip():
            toks.append(("op", op))
    pos = 0

    def peek():
        return toks[pos] if pos < len(toks) else ("end", None)

    def take():
        nonlocal pos
        pos += 1
        return toks[pos - 1]

    def expr():
        a = term()
        while peek() in (("op", "+"), ("op", "-")):
            a = (take()[1], a, term())
        return a

    def term():
        a = unary()
        while peek() in (("op", "*"), ("op", "/")):
            a = (take()[1], a, unary())
        return a

    def unary():
        if peek() == ("op", "-"):
            take()
            return ("neg", unary())
        if peek() == ("op", "+"):
            take()
            return unary()
        kind, v = take()
        if kind in ("num", "var"):
            return (kind, v)
        if (kind, v) == ("op", "("):
            a = expr()
            if take() != ("op", ")"):
                raise SystemExit(f"formula {text!r}: missing )")
            return a
        raise SystemExit(f"formula {text!r}: unexpected {v!r}")

    tree = expr()
    if pos != len(toks):
        raise SystemExit(f"formula {text!r}: trailing {toks[pos]}")
    return tree


def formula_vars(tree) -> List[str]:
    if tree[0] == "var":
        return [tree[1]]
    if tree[0] == "num":
        return []
    return [v for sub in tree[1:] for v in formula_vars(sub)]


def formula_order(formulas: Dict[str, Any]) -> List[str]:
    """Formula indicators, each after the formulas it uses."""
    done: List[str] = []

    def visit(i: str, stack: Tuple[str, ...]) -> None:
        if i in done or i not in formulas:
            return
        if i in stack:
            raise SystemExit(f"formula cycle through {i}")
        for v in formula_vars(formulas[i]):
            visit(v, stack + (i,))
        done.append(i)

    for i in formulas:
        visit(i, ())
    return done


def fold(tree, num: Callable, var: Callable, neg: Callable, binop: Callable):
    """Evaluate an AST with the given leaf and node functions."""
    k = tree[0]
    if k == "num":
        return num(tree[1])
    if k == "var":
        return var(tree[1])
    if k == "neg":
        return neg(fold(tree[1], num, var, neg, binop))
    return binop(k, fold(tree[1], num, var, neg, binop), fold(tree[2], num, var, neg, binop))


# --------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------

Row = Dict[str, Any]


def _num(x):
    if x is None:
        return None
    x = float(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


def ratio(metric: str, scope: str, num, den) -> Row:
    num, den = _num(num) if num is not None else 0, _num(den) if den is not None else 0
    value = num / den if den != 0 else None
    return {"metric": metric, "scope": scope, "value": value, "numerator": num, "denominator": den, "target": None}


def count(metric: str, scope: str, v) -> Row:
    return {
        "metric": metric,
        "scope": scope,
        "value": None if v is None else int(v),
        "numerator": None,
        "denominator": None,
        "target": None,
    }


def value(metric: str, scope: str, v) -> Row:
    if v is not None and isinstance(v, float) and math.isnan(v):
        v = None
    return {
        "metric": metric,
        "scope": scope,
        "value": None if v is None else float(v),
        "numerator": None,
        "denominator": None,
        "target": None,
    }


def apply_targets(
    rows: List[Row], targets: Iterable[Dict[str, Any]], indicators: Iterable[str], root: str, as_of: dt.date
) -> List[Row]:
    """METRICS.md, Targets: the chosen target goes on the metric's row (`target`, `due`) and
    adds a `target.<id>` row with the achievement; only where the metric has a row."""
    indicators = set(indicators)
    by_key: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for t in targets:
        m = t["metric"]
        metric = f"indicator.{m}" if m in indicators else m
        scope = t["scope"] or root
        by_key.setdefault((metric, scope), []).append(t)
    index = {(r["metric"], r["scope"]): r for r in rows}
    out = list(rows)
    for (metric, scope), ts in by_key.items():
        row = index.get((metric, scope))
        if row is None:
            continue
        upcoming = [t for t in ts if t["due"] >= as_of]
        t = min(upcoming, key=lambda t: t["due"]) if upcoming else max(ts, key=lambda t: t["due"])
        row["target"] = _num(t["value"])
        row["due"] = t["due"].isoformat()
        base = t["baseline"] if t["baseline"] is not None else 0.0
        den = _num(t["value"] - base)
        v = row["value"]
        num = None if v is None else _num(v - base)
        val = None if num is None or den == 0 else num / den
        name = metric[len("indicator.") :] if metric.startswith("indicator.") else metric
        out.append(
            {
                "metric": f"target.{name}",
                "scope": scope,
                "value": val,
                "numerator": num,
                "denominator": den,
                "target": None,
            }
        )
    return out


def report(rows: List[Row], as_of: dt.date, from_: dt.date) -> Dict[str, Any]:
    """The shape of `dangjian report --format json`."""
    return {"as_of": as_of.isoformat(), "from": from_.isoformat(), "rows": rows}


# --------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------

FIELDS = ("value", "numerator", "denominator", "target")


def close(a, b, tol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


def differences(ours: Dict[str, Any], theirs: Dict[str, Any], names=("dangjian", "other")) -> List[str]:
    """Every difference between two reports: rows only on one side, and fields that differ
    (floats within 1e-9, relative with an absolute floor; None equals only None)."""
    out = []
    for k in ("as_of", "from"):
        if ours.get(k) != theirs.get(k):
            out.append(f"{k}: {names[0]} {ours.get(k)!r}, {names[1]} {theirs.get(k)!r}")
    a = {(r["metric"], r["scope"]): r for r in ours["rows"]}
    b = {(r["metric"], r["scope"]): r for r in theirs["rows"]}
    for key in sorted(set(a) | set(b)):
        if key not in b:
            out.append(f"{key[0]} @ {key[1]}: only in {names[0]}: {a[key]}")
        elif key not in a:
            out.append(f"{key[0]} @ {key[1]}: only in {names[1]}: {b[key]}")
        else:
            bad = [f for f in FIELDS if not close(a[key].get(f), b[key].get(f))]
            if a[key].get("due") != b[key].get("due"):
                bad.append("due")
            if bad:
                diff = ", ".join(f"{f} {a[key].get(f)!r} vs {b[key].get(f)!r}" for f in bad)
                out.append(f"{key[0]} @ {key[1]}: {diff} ({names[0]} vs {names[1]})")
    return out
