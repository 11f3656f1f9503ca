"""Every metric of METRICS.md at the root of a ledger, in polars, from its CSV folder.

An independent implementation of `docs/METRICS.md` (written from the spec, not
from dangjian's code), used to check dangjian's rows and to time the same work in polars:

    python benches/python/metrics_polars.py LEDGER_DIR --as-of 2019-07-31 > rows.json

prints what `dangjian report --data LEDGER_DIR --as-of 2019-07-31 --format json` prints for
the root: the tasks.*, cadres.*, roads and villages coverage, every `duty.<id>` and
`duty.<id>.lapse`, every `indicator.<id>`, coverage.*, orgs.*, members.no_org_life,
workshops.red, committees.two_new rows and the targets (`target` and `due` on the metric's
row, a `target.<id>` row). It reads the CSV folder as dangjian writes it (ISO dates,
`true`/`false`, UTF-8) and only the columns it needs, and does not validate. The STATS.md
additions (duty quorum, exemptions) are refused, not computed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Dict, List

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metrics_common as mc  # noqa: E402
from metrics_common import count, ratio, value  # noqa: E402

# The columns each metric family needs.
NEED = {
    "units": ["id", "kind", "parent", "above_scale", "since", "until"],
    "designations": ["unit", "designation", "since", "until"],
    "orgs": ["id", "kind", "hosts", "parent", "established", "dissolved"],
    "elections": ["org", "date"],
    "people": ["id", "birth_date", "org", "joined", "confirmed"],
    "roles": ["person", "role", "target", "start", "end"],
    "initiatives": ["id", "kind", "start", "deadline", "weight"],
    "progress": ["initiative", "date", "percent"],
    "activities": ["kind", "date", "subject", "people"],
    "duties": ["id", "activity", "applies_to", "cadence", "min_count", "from", "to"],
    "indicators": ["id", "aggregate", "formula"],
    "observations": ["indicator", "unit", "date", "value"],
    "targets": ["metric", "scope", "due", "value", "baseline"],
}
DATES = {
    "since",
    "until",
    "established",
    "dissolved",
    "date",
    "birth_date",
    "joined",
    "confirmed",
    "start",
    "end",
    "deadline",
    "from",
    "to",
    "due",
}
NUMBERS = {"weight", "percent", "min_count", "value", "baseline"}


def read(path: Path) -> Dict[str, pl.DataFrame]:
    """The tables, with dates as dates and numbers as floats (absent tables and columns are
    empty / null)."""
    mc.unsupported(path)
    out = {}
    for name, cols in NEED.items():
        have = mc.header(path, name)
        if have is None:
            df = pl.DataFrame(schema={c: pl.String for c in cols})
        else:
            present = [c for c in cols if c in have]
            df = pl.read_csv(path / f"{name}.csv", columns=present, infer_schema=False)
            df = df.with_columns(pl.lit(None, pl.String).alias(c) for c in cols if c not in present)
        conv = []
        for c in cols:
            if c in DATES:
                conv.append(pl.col(c).str.to_date("%Y-%m-%d"))
            elif c in NUMBERS:
                conv.append(pl.col(c).cast(pl.Float64))
        out[name] = df.with_columns(conv) if conv else df
    return out


def active(start: str, end: str, d: dt.date) -> pl.Expr:
    """Active on d: no start or start <= d, and no end or d <= end."""
    return (pl.col(start).is_null() | (pl.col(start) <= d)) & (pl.col(end).is_null() | (pl.col(end) >= d))


def n(df: pl.DataFrame) -> int:
    return df.height


# --------------------------------------------------------------------------------------
# Red growth
# --------------------------------------------------------------------------------------


def tasks(t, A: dt.date, root: str) -> List[dict]:
    ini = (
        t["initiatives"]
        .filter(pl.col("kind") == "key_task")
        .select("id", "start", "deadline", pl.col("weight").fill_null(1.0).alias("w"))
    )
    upd = t["progress"].filter(pl.col("date") <= A).select(pl.col("initiative").alias("id"), "date", "percent")
    latest = (
        upd.sort("date")
        .group_by("id")
        .agg(
            pl.col("percent").last().alias("last_pct"),
            pl.col("date").first().alias("first_update"),
            (pl.col("percent") > 0).any().alias("any_positive"),
        )
    )
    # Forecast points: the updates, plus 0% at `start` when no update is on that day.
    at_start = ini.filter(pl.col("start").is_not_null()).select(
        "id", pl.col("start").alias("date"), pl.lit(0.0).alias("percent")
    )
    at_start = at_start.join(upd.select("id", "date"), on=["id", "date"], how="anti")
    points = (
        pl.concat([upd, at_start])
        .sort("date")
        .group_by("id")
        .agg(
            pl.len().alias("points"),
            pl.col("date").first().alias("d0"),
            pl.col("percent").first().alias("p0"),
            pl.col("date").last().alias("d1"),
            pl.col("percent").last().alias("p1"),
        )
    )
    k = ini.join(latest, on="id", how="left").join(points, on="id", how="left")
    k = k.with_columns(
        (pl.col("last_pct").fill_null(0.0) / 100.0).alias("actual"),
        ((pl.col("start") <= A).fill_null(False) | pl.col("any_positive").fill_null(False)).alias("started"),
        pl.coalesce("start", "first_update").alias("eff"),
    )
    gone = (pl.lit(A) - pl.col("eff")).dt.total_days()
    span = (pl.col("deadline") - pl.col("eff")).dt.total_days()
    k = k.with_columns(
        pl.when(~pl.col("started"))
        .then(0.0)
        .when(pl.col("deadline") <= pl.col("eff"))
        .then(1.0)
        .otherwise((gone / span).clip(0.0, 1.0))
        .alias("expected")
    )
    k = k.with_columns(
        pl.when(pl.col("actual") == 1.0)
        .then(pl.lit("done"))
        .when(pl.lit(A) > pl.col("deadline"))
        .then(pl.lit("overdue"))
        .when(~pl.col("started"))
        .then(pl.lit("not_started"))
        .when(pl.col("expected") - pl.col("actual") >= mc.AT_RISK - mc.SLACK)
        .then(pl.lit("at_risk"))
        .otherwise(pl.lit("on_track"))
        .alias("status")
    )
    has_forecast = (pl.col("points").fill_null(0) >= 2) & (pl.col("d0") != pl.col("d1"))
    rate = (pl.col("p1") - pl.col("p0")) / (pl.col("d1") - pl.col("d0")).dt.total_days()
    days = ((100.0 - pl.col("p1")) / rate - mc.SLACK).ceil()
    late = has_forecast & ((rate <= 0) | (days > (pl.col("deadline") - pl.col("d1")).dt.total_days()))
    k = k.with_columns(late.fill_null(False).alias("late"))

    wa = pl.col("w") * pl.col("actual")
    s = k.select(
        pl.len().alias("total"),
        pl.col("started").sum().alias("started"),
        (pl.col("status") == "done").sum().alias("done"),
        wa.sum().alias("wa"),
        pl.col("w").sum().alias("w"),
        wa.filter(pl.col("started") & (pl.col("status") != "done")).sum().alias("spi_num"),
        (pl.col("w") * pl.col("expected"))
        .filter(pl.col("started") & (pl.col("status") != "done"))
        .sum()
        .alias("spi_den"),
        *[(pl.col("status") == st).sum().alias(st) for st in ["on_track", "at_risk", "overdue", "not_started"]],
        (pl.col("late") & (pl.col("status") != "done")).sum().alias("forecast_late"),
    ).row(0, named=True)
    return [
        count("tasks.total", root, s["total"]),
        ratio("tasks.started", root, s["started"], s["total"]),
        ratio("tasks.completed", root, s["done"], s["total"]),
        ratio("tasks.progress", root, s["wa"], s["w"]),
        ratio("tasks.spi", root, s["spi_num"], s["spi_den"]),
        count("tasks.on_track", root, s["on_track"]),
        count("tasks.at_risk", root, s["at_risk"]),
        count("tasks.overdue", root, s["overdue"]),
        count("tasks.not_started", root, s["not_started"]),
        count("tasks.done", root, s["done"]),
        count("tasks.forecast_late", root, s["forecast_late"]),
    ]


def cadres(t, A: dt.date, root: str) -> List[dict]:
    roles = t["roles"]
    on = active("start", "end", A)
    cad = roles.filter(on & pl.col("role").is_in(mc.CADRE_ROLES)).select("person").unique()
    b = pl.col("birth_date")
    # Full years: the birthday of the as-of year counts once (month, day) of as_of >= it.
    before_birthday = (b.dt.month() > A.month) | ((b.dt.month() == A.month) & (b.dt.day() > A.day))
    age = pl.lit(A.year) - b.dt.year() - before_birthday.cast(pl.Int32)
    cad = cad.join(t["people"].select(pl.col("id").alias("person"), "birth_date"), on="person", how="left")
    young = cad.filter(b.is_not_null() & (age <= mc.YOUNG_AGE))["person"]
    # Task forces that exist by as_of, and key tasks.
    task_forces = t["orgs"].filter((pl.col("kind") == "task_force") & (pl.col("established") <= A))["id"]
    key_tasks = t["initiatives"].filter(pl.col("kind") == "key_task")["id"]
    on_tasks = roles.filter(
        on
        & pl.col("role").is_in(["leader", "member"])
        & (pl.col("target").is_in(task_forces.implode()) | pl.col("target").is_in(key_tasks.implode()))
    )["person"].unique()
    breadth = (
        roles.filter((pl.col("start") <= A) & pl.col("person").is_in(young.implode()))
        .group_by("person")
        .agg(pl.col("role").n_unique().alias("k"))
    )
    mean = breadth["k"].mean() if breadth.height else None
    return [
        count("cadres.young", root, young.len()),
        ratio("cadres.young_share", root, young.len(), cad.height),
        ratio("cadres.young_on_tasks", root, young.is_in(on_tasks.implode()).sum(), young.len()),
        value("cadres.breadth", root, mean),
    ]


# --------------------------------------------------------------------------------------
# Red leading
# --------------------------------------------------------------------------------------


def leading(t, A: dt.date, root: str) -> List[dict]:
    units, roles = t["units"], t["roles"]
    on = active("start", "end", A)
    chiefs = roles.filter(on & (pl.col("role") == "road_chief"))["target"].unique()
    roads = units.filter((pl.col("kind") == "road") & active("since", "until", A))
    liaisons = roles.filter(on & pl.col("role").is_in(["liaison_cadre", "first_secretary"]))["target"].unique()
    villages = units.filter((pl.col("kind") == "village") & active("since", "until", A))
    return [
        ratio("roads.chief_coverage", root, roads["id"].is_in(chiefs.implode()).sum(), roads.height),
        ratio("villages.liaison_coverage", root, villages["id"].is_in(liaisons.implode()).sum(), villages.height),
    ]


def obligations(t, applies_to: str) -> pl.DataFrame:
    """One row per obligation: its subject and the span its thing is active (ws, we)."""
    kind, sel = applies_to.split(":", 1)
    if kind == "role":
        df = (
            t["roles"]
            .filter(pl.col("role") == sel)
            .select(pl.col("target").alias("subject"), pl.col("start").alias("ws"), pl.col("end").alias("we"))
        )
    elif kind == "unit":
        df = (
            t["units"]
            .filter(pl.col("kind") == sel)
            .select(pl.col("id").alias("subject"), pl.col("since").alias("ws"), pl.col("until").alias("we"))
        )
    elif kind == "org":
        df = (
            t["orgs"]
            .filter(pl.col("kind") == sel)
            .select(pl.col("id").alias("subject"), pl.col("established").alias("ws"), pl.col("dissolved").alias("we"))
        )
    elif kind == "designation":
        df = (
            t["designations"]
            .filter(pl.col("designation") == sel)
            .select(pl.col("unit").alias("subject"), pl.col("since").alias("ws"), pl.col("until").alias("we"))
        )
    else:
        raise SystemExit(f"unknown applies_to {applies_to!r}")
    return df.with_row_index("ob")


def longest_lapse(df: pl.DataFrame, order: str) -> int | None:
    """The longest run of consecutive non-complying rows within one obligation."""
    if df.height == 0:
        return None
    runs = df.sort("ob", order).with_columns(pl.col("ok").cast(pl.Int64).cum_sum().over("ob").alias("run"))
    bad = runs.filter(~pl.col("ok"))
    if bad.height == 0:
        return 0
    return int(bad.group_by("ob", "run").len()["len"].max())


TRUNCATE = {"1w": "1w", "1m": "1mo", "1q": "1q", "6m": "6mo", "1y": "1y"}


def duties(t, A: dt.date, F: dt.date, root: str) -> List[dict]:
    rows, lapses = [], []
    acts_all = t["activities"].filter(pl.col("date") <= A).select("kind", "subject", "date")
    for d in t["duties"].iter_rows(named=True):
        m = 1 if d["min_count"] is None else int(d["min_count"])
        cadence, days = mc.parse_cadence(d["cadence"])
        ob = obligations(t, d["applies_to"])
        # The window: the thing's span cut to the duty's own from/to.
        if d["from"] is not None:
            ob = ob.with_columns(pl.max_horizontal(pl.col("ws").fill_null(d["from"]), pl.lit(d["from"])).alias("ws"))
        if d["to"] is not None:
            ob = ob.with_columns(pl.min_horizontal(pl.col("we").fill_null(d["to"]), pl.lit(d["to"])).alias("we"))
        acts = acts_all.filter(pl.col("kind") == d["activity"]).group_by("subject", "date").len("k")
        if cadence == "d":
            lo = pl.max_horizontal(pl.col("ws").fill_null(F), pl.lit(F))
            hi = pl.min_horizontal(pl.col("we").fill_null(A), pl.lit(A))
            ob = ob.with_columns(lo.alias("lo"), hi.alias("hi")).filter(pl.col("lo") <= pl.col("hi"))
            assessed = ob.with_columns(pl.date_ranges("lo", "hi").alias("day")).explode("day").drop("lo", "hi")
            # Qualifying activities in [day - n + 1, day] = (those <= day) - (those <= day - n).
            cum = (
                acts.sort("subject", "date")
                .with_columns(pl.col("k").cum_sum().over("subject").alias("cum"))
                .sort("date")
                .select("subject", "date", "cum")
            )
            assessed = assessed.with_columns((pl.col("day") - pl.duration(days=days)).alias("before")).sort("day")
            assessed = (
                assessed.join_asof(
                    cum, left_on="day", right_on="date", by="subject", strategy="backward", check_sortedness=False
                )
                .rename({"cum": "c1"})
                .drop("date")
            )
            assessed = (
                assessed.sort("before")
                .join_asof(
                    cum, left_on="before", right_on="date", by="subject", strategy="backward", check_sortedness=False
                )
                .rename({"cum": "c0"})
                .drop("date")
            )
            within = pl.col("c1").fill_null(0) - pl.col("c0").fill_null(0)
            grace = pl.col("ws").is_not_null() & ((pl.col("day") - pl.col("ws")).dt.total_days() < days - 1)
            assessed = assessed.with_columns(((within >= m) | grace).alias("ok"))
            order = "day"
        else:
            ps = mc.periods(cadence, F, A)
            P = pl.DataFrame(
                {"ps": [p[0] for p in ps], "pe": [p[1] for p in ps]}, schema={"ps": pl.Date, "pe": pl.Date}
            )
            assessed = ob.join(P, how="cross").filter(
                (pl.col("ws").is_null() | (pl.col("ps") >= pl.col("ws")))
                & (pl.col("we").is_null() | (pl.col("pe") <= pl.col("we")))
            )
            per = (
                acts.filter(pl.col("date") >= F)
                .with_columns(pl.col("date").dt.truncate(TRUNCATE[cadence]).alias("ps"))
                .group_by("subject", "ps")
                .agg(pl.col("k").sum())
            )
            assessed = assessed.join(per, on=["subject", "ps"], how="left").with_columns(
                (pl.col("k").fill_null(0) >= m).alias("ok")
            )
            order = "ps"
        rows.append(ratio(f"duty.{d['id']}", root, assessed["ok"].sum(), assessed.height))
        lapses.append(count(f"duty.{d['id']}.lapse", root, longest_lapse(assessed.select("ob", order, "ok"), order)))
    return rows + lapses


def indicators(t, A: dt.date, root: str) -> List[dict]:
    units = t["units"].filter(active("since", "until", A)).select(pl.col("id").alias("unit"))
    latest = (
        t["observations"]
        .filter(pl.col("date") <= A)
        .sort("date")
        .group_by("indicator", "unit")
        .agg(pl.col("value").last().alias("v"))
    )
    latest = latest.join(units, on="unit", how="semi")
    defs = list(t["indicators"].iter_rows(named=True))
    formulas = {i["id"]: mc.parse_formula(i["formula"]) for i in defs if i["formula"] is not None}
    per_unit: Dict[str, pl.DataFrame] = {
        i["id"]: latest.filter(pl.col("indicator") == i["id"]).select("unit", "v")
        for i in defs
        if i["id"] not in formulas
    }

    def div(op, a, b):
        if op == "/":
            return pl.when(b == 0).then(None).otherwise(a / b)
        return {"+": a + b, "-": a - b, "*": a * b}[op]

    for fid in mc.formula_order(formulas):
        tree = formulas[fid]
        ops = sorted(set(mc.formula_vars(tree)))
        frame = units
        for o in ops:
            frame = frame.join(per_unit[o].rename({"v": o}), on="unit", how="inner")
        expr = mc.fold(tree, num=lambda x: pl.lit(x, pl.Float64), var=pl.col, neg=lambda a: -a, binop=div)
        per_unit[fid] = frame.select("unit", expr.alias("v")).filter(pl.col("v").is_not_null())
    out = []
    for i in defs:
        v = per_unit[i["id"]]["v"]
        agg = i["aggregate"] or "sum"
        x = None if v.len() == 0 else {"sum": v.sum, "mean": v.mean, "min": v.min, "max": v.max}[agg]()
        out.append(value(f"indicator.{i['id']}", root, x))
    return out


# --------------------------------------------------------------------------------------
# Red coverage
# --------------------------------------------------------------------------------------


def coverage(t, A: dt.date, root: str) -> List[dict]:
    units, orgs, roles = t["units"], t["orgs"], t["roles"]
    above = pl.col("above_scale").str.to_lowercase().is_in(mc.TRUE).fill_null(False)
    ents = units.filter((pl.col("kind") == "enterprise") & above & active("since", "until", A)).select("id")
    hosted = (
        orgs.with_columns(pl.col("hosts").str.split(";").alias("host"))
        .with_columns(pl.col("host").list.len().alias("n_hosts"))
        .explode("host")
    )
    org_on = active("established", "dissolved", A)
    covered = hosted.filter(org_on & pl.col("kind").is_in(mc.COVERING))["host"].unique()
    own = hosted.filter(org_on & pl.col("kind").is_in(mc.OWN) & (pl.col("n_hosts") == 1))["host"].unique()

    def reached(role: str) -> pl.Expr:
        """The enterprise, or an org of any kind it hosts (it exists: established by as_of), is
        the target of an active role of this kind."""
        targets = roles.filter(active("start", "end", A) & (pl.col("role") == role))["target"].unique()
        via_org = hosted.filter((pl.col("established") <= A) & pl.col("id").is_in(targets.implode()))["host"].unique()
        return pl.col("id").is_in(targets.implode()) | pl.col("id").is_in(via_org.implode())

    e = ents.with_columns(
        pl.col("id").is_in(covered.implode()).alias("org"),
        pl.col("id").is_in(own.implode()).alias("own"),
        reached("enterprise_liaison").alias("liaison"),
    ).with_columns((pl.col("org") | reached("instructor")).alias("work"))
    s = e.select(
        pl.len().alias("n"), pl.col("org").sum(), pl.col("own").sum(), pl.col("work").sum(), pl.col("liaison").sum()
    ).row(0, named=True)
    return [
        ratio("coverage.org", root, s["org"], s["n"]),
        ratio("coverage.own_org", root, s["own"], s["n"]),
        ratio("coverage.work", root, s["work"], s["n"]),
        ratio("coverage.liaison", root, s["liaison"], s["n"]),
    ]


def orgs_metrics(t, A: dt.date, root: str) -> List[dict]:
    units, orgs, people = t["units"], t["orgs"], t["people"]
    org_on = active("established", "dissolved", A)
    # orgs.viable
    formal = people.filter(pl.col("org").is_not_null() & (pl.col("confirmed") <= A)).group_by("org").len("formal")
    br = orgs.filter(org_on & pl.col("kind").is_in(["branch", "joint_branch"])).join(
        formal, left_on="id", right_on="org", how="left"
    )
    viable = br.filter(pl.col("formal").fill_null(0) >= 3).height
    # orgs.renewal_*
    last = t["elections"].filter(pl.col("date") <= A).group_by("org").agg(pl.col("date").max().alias("last"))
    village = units.filter(pl.col("kind") == "village").select(
        pl.col("id").alias("first_host"), pl.lit(True).alias("village")
    )
    r = (
        orgs.filter(org_on & pl.col("kind").is_in(mc.COVERING))
        .join(last, left_on="id", right_on="org", how="inner")
        .with_columns(pl.col("hosts").str.split(";").list.first().alias("first_host"))
        .join(village, on="first_host", how="left")
    )
    five = (pl.col("kind") == "committee") | pl.col("village").fill_null(False)
    r = r.with_columns(
        pl.when(five)
        .then(pl.col("last").dt.offset_by("5y"))
        .otherwise(pl.col("last").dt.offset_by("3y"))
        .alias("term_end")
    )
    overdue = r.filter(pl.col("term_end") < A).height
    due = r.filter((pl.col("term_end") >= A) & (pl.col("term_end") <= A + dt.timedelta(days=183))).height
    # members.no_org_life
    M = mc.minus_months(A, 6)
    live = orgs.filter(org_on).select("id")
    acts = (
        t["activities"]
        .filter(
            pl.col("kind").is_in(mc.ORG_LIFE)
            & (pl.col("date") > M)
            & (pl.col("date") <= A)
            & pl.col("people").is_not_null()
        )
        .select("subject", "people")
    )
    groups = orgs.filter((pl.col("kind") == "group") & pl.col("parent").is_not_null()).select("id", "parent")
    about = pl.concat(
        [
            acts.rename({"subject": "org"}),
            acts.join(groups, left_on="subject", right_on="id").select(pl.col("parent").alias("org"), "people"),
        ]
    )
    listed = (
        about.with_columns(pl.col("people").str.split(";"))
        .explode("people")
        .select("org", pl.col("people").alias("person"))
        .unique()
    )
    recorded = about.select("org").unique().join(live, left_on="org", right_on="id", how="semi")
    members = (
        people.filter(pl.col("org").is_not_null() & (pl.col("joined") <= M))
        .select(pl.col("id").alias("person"), "org")
        .join(recorded, on="org", how="semi")
    )
    silent = members.join(listed, on=["org", "person"], how="anti").height
    return [
        ratio("orgs.viable", root, viable, br.height),
        ratio("orgs.renewal_overdue", root, overdue, r.height),
        count("orgs.renewal_due", root, due),
        ratio("members.no_org_life", root, silent, members.height),
        count(
            "workshops.red",
            root,
            t["designations"]
            .filter((pl.col("designation") == "red_workshop") & active("since", "until", A))["unit"]
            .n_unique(),
        ),
        count("committees.two_new", root, orgs.filter(org_on & (pl.col("kind") == "two_new_committee")).height),
    ]


FAMILIES = {
    "tasks": lambda t, A, F, root: tasks(t, A, root),
    "cadres": lambda t, A, F, root: cadres(t, A, root),
    "leading": lambda t, A, F, root: leading(t, A, root),
    "duties": duties,
    "indicators": lambda t, A, F, root: indicators(t, A, root),
    "coverage": lambda t, A, F, root: coverage(t, A, root),
    "orgs": lambda t, A, F, root: orgs_metrics(t, A, root),
}


def compute(t: Dict[str, pl.DataFrame], as_of: dt.date, from_: dt.date | None = None, families=None) -> dict:
    """Every root row, as `dangjian report --format json` gives them."""
    F = from_ or dt.date(as_of.year, 1, 1)
    root = t["units"].filter(pl.col("parent").is_null())["id"][0]
    rows: List[dict] = []
    for name, fam in FAMILIES.items():
        if families is None or name in families:
            rows += fam(t, as_of, F, root)
    targets = list(t["targets"].iter_rows(named=True))
    rows = mc.apply_targets(rows, targets, t["indicators"]["id"].to_list(), root, as_of)
    return mc.report(rows, as_of, F)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", type=Path, help="a ledger CSV folder")
    ap.add_argument("--as-of", required=True, type=dt.date.fromisoformat)
    ap.add_argument("--from", dest="from_", type=dt.date.fromisoformat)
    args = ap.parse_args()
    print(json.dumps(compute(read(args.path), args.as_of, args.from_), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
