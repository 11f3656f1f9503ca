"""dangjian side by side with the same metrics written directly in polars and in pandas.

Reads one ledger's CSV tables with polars and with pandas, computes eight metrics of
docs/METRICS.md at the root and broken down by area, checks that every numerator and denominator
agrees with dangjian's (so the comparison is honest), and prints the times and the ratios
(dataframe time / dangjian time; above 1 means dangjian is faster).

The metrics: coverage.org, coverage.own_org, coverage.work (红色覆盖), tasks.started,
tasks.progress (红色成长), roads.chief_coverage, duty.<the road-patrol duty> (an n-day
cadence with grace days), orgs.viable.

    python benches/python/vs_dataframes.py --data /tmp/city            # a CSV folder
    python benches/python/vs_dataframes.py --preset city               # generate it first
    python benches/python/vs_dataframes.py --data /tmp/city --repeat 7 --only polars

A report, not a test: it fails only when the values disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple, TypeVar, Union

import dangjian
import numpy as np
import pandas as pd
import polars as pl

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

METRICS = [
    "coverage.org",
    "coverage.own_org",
    "coverage.work",
    "tasks.started",
    "tasks.progress",
    "roads.chief_coverage",
    "orgs.viable",
]
PRIMARY = ["committee", "general_branch", "branch", "joint_branch"]
OWN = ["committee", "general_branch", "branch"]
TRUE = ["true", "1", "是", "yes"]


T = TypeVar("T")


def best_of(n: int, fn: Callable[[], T]) -> Tuple[float, T]:
    """The shortest of n runs (at least one; seconds) and the last result."""
    t = time.perf_counter()
    out = fn()
    best = time.perf_counter() - t
    for _ in range(n - 1):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def ensure_ledger(preset: str, seed: int | None) -> Path:
    """A CSV folder of the preset under target/bench-ledgers, generated when missing."""
    out = REPO / "target" / "bench-ledgers" / (preset if seed is None else f"{preset}-{seed}")
    if (out / "units.csv").exists():
        return out
    exe = REPO / "target" / "release" / "gen-ledger"
    cmd = (
        [str(exe)]
        if exe.exists()
        else ["cargo", "run", "--release", "-q", "-p", "dangjian-benches", "--bin", "gen-ledger", "--"]
    )
    cmd += ["--preset", preset, "--to", str(out)] + (["--seed", str(seed)] if seed is not None else [])
    print("generating:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, cwd=REPO)
    return out


# --------------------------------------------------------------------------------------
# polars
# --------------------------------------------------------------------------------------


def pl_read(path: Path) -> Dict[str, pl.DataFrame]:
    """Only the columns the eight metrics need, with dates typed."""
    d = pl.Date

    def read(name: str, cols: List[str], dates: Sequence[str] = ()) -> pl.DataFrame:
        return pl.read_csv(
            path / f"{name}.csv",
            columns=cols,
            schema_overrides={c: d for c in dates} | {c: pl.String for c in cols if c not in dates},
        )

    return {
        "units": read("units", ["id", "kind", "parent", "above_scale", "since", "until"], ["since", "until"]),
        "orgs": read("orgs", ["id", "kind", "hosts", "established", "dissolved"], ["established", "dissolved"]),
        "people": read("people", ["org", "confirmed"], ["confirmed"]),
        "roles": read("roles", ["person", "role", "target", "start", "end"], ["start", "end"]),
        "initiatives": read("initiatives", ["id", "kind", "unit", "start", "weight"], ["start"]).with_columns(
            pl.col("weight").cast(pl.Float64)
        ),
        "progress": read("progress", ["initiative", "date", "percent"], ["date"]).with_columns(
            pl.col("percent").cast(pl.Float64)
        ),
        "activities": read("activities", ["kind", "date", "subject"], ["date"]),
        "duties": read(
            "duties", ["id", "activity", "applies_to", "cadence", "min_count", "from", "to"], ["from", "to"]
        ),
    }


def pl_active(start: str | None, end: str, as_of: dt.date) -> pl.Expr:
    """start <= as_of (a missing start: always) and (no end or as_of <= end)."""
    s = pl.lit(True) if start is None else pl.col(start).is_null() | (pl.col(start) <= as_of)
    return s & (pl.col(end).is_null() | (pl.col(end) >= as_of))


def pl_area_of_units(units: pl.DataFrame) -> pl.DataFrame:
    """Each unit's area (itself when it is one; null above the areas), up the parent chain."""
    up = units.select(pl.col("id").alias("cur"), "kind", "parent")
    res = units.select("id", pl.col("id").alias("cur"), pl.lit(None, pl.String).alias("area"))
    for _ in range(len(units) + 1):
        res = (
            res.join(up, on="cur", how="left")
            .with_columns(
                pl.when(pl.col("area").is_null() & (pl.col("kind") == "area"))
                .then(pl.col("cur"))
                .otherwise(pl.col("area"))
                .alias("area"),
                pl.col("parent").alias("cur"),
            )
            .drop("kind", "parent")
        )
        if res["cur"].null_count() == res.height:
            break
    return res.select("id", "area")


def pl_scoped(items: pl.DataFrame, root: str, num: pl.Expr, den: pl.Expr) -> pl.DataFrame:
    """Root row (each item once) and one row per area (each item once per area)."""
    agg = [num.alias("numerator"), den.alias("denominator")]
    r = items.unique("item").select(pl.lit(root).alias("scope"), *agg)
    a = (
        items.filter(pl.col("area").is_not_null())
        .unique(["item", "area"])
        .group_by("area")
        .agg(*agg)
        .rename({"area": "scope"})
    )
    return pl.concat([r, a])


FAMILIES = {
    "coverage": ["coverage.org", "coverage.own_org", "coverage.work"],
    "tasks": ["tasks.started", "tasks.progress"],
    "roads": ["roads.chief_coverage"],
    "orgs": ["orgs.viable"],
    "duty": [],
}


def pl_metrics(
    t: Dict[str, pl.DataFrame], as_of: dt.date, duty_id: str, only: frozenset = frozenset(FAMILIES)
) -> Dict[str, pl.DataFrame]:
    units, orgs, roles = t["units"], t["orgs"], t["roles"]
    root = units.filter(pl.col("parent").is_null())["id"][0]
    area = pl_area_of_units(units)
    year_start = dt.date(as_of.year, 1, 1)
    out: Dict[str, pl.DataFrame] = {}

    # 红色覆盖: enterprises above scale, active on as_of.
    hosted = (
        orgs.with_columns(pl.col("hosts").str.split(";").alias("host"))
        .with_columns(pl.col("host").list.len().alias("n_hosts"))
        .explode("host")
    )
    active_org = pl.col("established") <= as_of
    active_org = active_org & (pl.col("dissolved").is_null() | (pl.col("dissolved") >= as_of))
    if "coverage" in only:
        pl_coverage(out, units, hosted, active_org, roles, area, root, as_of)
    if "tasks" in only:
        pl_tasks(out, t, area, root, as_of)
    if "roads" in only:
        pl_roads(out, units, roles, area, root, as_of)
    if "orgs" in only:
        pl_viable(out, t["people"], hosted, active_org, area, root, as_of)
    if "duty" in only:
        pl_duty(out, t, roles, area, root, as_of, year_start, duty_id)
    return out


def pl_coverage(out, units, hosted, active_org, roles, area, root, as_of):
    one = pl.len()
    ent = units.filter(
        (pl.col("kind") == "enterprise")
        & pl.col("above_scale").str.to_lowercase().is_in(TRUE).fill_null(False)
        & pl_active("since", "until", as_of)
    ).select(pl.col("id").alias("item"))
    cov = hosted.filter(active_org & pl.col("kind").is_in(PRIMARY))["host"].unique()
    own = hosted.filter(active_org & pl.col("kind").is_in(OWN) & (pl.col("n_hosts") == 1))["host"].unique()
    instr = roles.filter((pl.col("role") == "instructor") & pl_active("start", "end", as_of))["target"].unique()
    via_org = hosted.filter(pl.col("id").is_in(instr.implode()))["host"].unique()
    ent = ent.with_columns(
        pl.col("item").is_in(cov.implode()).alias("org"),
        pl.col("item").is_in(own.implode()).alias("own"),
    ).with_columns(
        (pl.col("org") | pl.col("item").is_in(instr.implode()) | pl.col("item").is_in(via_org.implode())).alias("work")
    )
    ent = ent.join(area, left_on="item", right_on="id", how="left")
    for m, c in [("coverage.org", "org"), ("coverage.own_org", "own"), ("coverage.work", "work")]:
        out[m] = pl_scoped(ent, root, pl.col(c).cast(pl.Int64).sum(), one)


def pl_tasks(out, t, area, root, as_of):
    """红色成长: key tasks; one with no unit belongs to the root only."""
    one = pl.len()
    prog = t["progress"].filter(pl.col("date") <= as_of).sort("initiative", "date")
    latest = prog.group_by("initiative").agg(
        pl.col("percent").last().alias("pct"), (pl.col("percent") > 0).any().alias("pos")
    )
    kt = (
        t["initiatives"]
        .filter(pl.col("kind") == "key_task")
        .join(latest, left_on="id", right_on="initiative", how="left")
        .with_columns(
            ((pl.col("start") <= as_of).fill_null(False) | pl.col("pos").fill_null(False)).alias("started"),
            pl.col("weight").fill_null(1.0).alias("w"),
            (pl.col("pct").fill_null(0.0) / 100.0).alias("actual"),
        )
        .join(area, left_on="unit", right_on="id", how="left")
        .rename({"id": "item"})
    )
    out["tasks.started"] = pl_scoped(kt, root, pl.col("started").cast(pl.Int64).sum(), one)
    out["tasks.progress"] = pl_scoped(kt, root, (pl.col("w") * pl.col("actual")).sum(), pl.col("w").sum())


def pl_roads(out, units, roles, area, root, as_of):
    """红色引领: roads active on as_of with an active road chief."""
    chiefs = roles.filter((pl.col("role") == "road_chief") & pl_active("start", "end", as_of))["target"].unique()
    roads = (
        units.filter((pl.col("kind") == "road") & pl_active("since", "until", as_of))
        .select(pl.col("id").alias("item"), pl.col("id").is_in(chiefs.implode()).alias("chief"))
        .join(area, left_on="item", right_on="id", how="left")
    )
    out["roads.chief_coverage"] = pl_scoped(roads, root, pl.col("chief").cast(pl.Int64).sum(), pl.len())


def pl_viable(out, people, hosted, active_org, area, root, as_of):
    """orgs.viable: active branches and joint branches with >= 3 formal members."""
    formal = people.filter(pl.col("org").is_not_null() & (pl.col("confirmed") <= as_of)).group_by("org").len("formal")
    br = (
        hosted.filter(pl.col("kind").is_in(["branch", "joint_branch"]) & active_org)
        .join(formal, left_on="id", right_on="org", how="left")
        .with_columns((pl.col("formal").fill_null(0) >= 3).alias("viable"))
        .join(area, left_on="host", right_on="id", how="left")
        .rename({"id": "item"})
    )
    out["orgs.viable"] = pl_scoped(br, root, pl.col("viable").cast(pl.Int64).sum(), pl.len())


def pl_duty(out, t, roles, area, root, as_of, year_start, duty_id):
    """duty.<id>: one obligation per role assignment; n-day cadence with grace."""
    duty = t["duties"].filter(pl.col("id") == duty_id).row(0, named=True)
    n, m = duty_days(duty)
    role = duty["applies_to"].split(":", 1)[1]
    ob = roles.filter(pl.col("role") == role).with_row_index("item").rename({"target": "subject"})
    if duty["from"] is not None:
        ob = ob.with_columns(pl.max_horizontal("start", pl.lit(duty["from"])).alias("start"))
    if duty["to"] is not None:
        ob = ob.with_columns(pl.min_horizontal(pl.col("end").fill_null(duty["to"]), pl.lit(duty["to"])).alias("end"))
    ob = ob.filter(pl.col("end").is_null() | (pl.col("start") <= pl.col("end")))
    ob = ob.with_columns(
        pl.max_horizontal("start", pl.lit(year_start)).alias("lo"),
        pl.min_horizontal(pl.col("end").fill_null(as_of), pl.lit(as_of)).alias("hi"),
    ).filter(pl.col("lo") <= pl.col("hi"))
    days = ob.with_columns(pl.date_ranges("lo", "hi").alias("day")).explode("day").sort("day")
    acts = (
        t["activities"]
        .filter((pl.col("kind") == duty["activity"]) & (pl.col("date") <= as_of))
        .select("subject", "date")
        .sort("date")
    )
    # The latest qualifying activity on or before each day (min_count 1).
    # Sorted by day overall, hence within each subject too.
    days = days.join_asof(
        acts, left_on="day", right_on="date", by="subject", strategy="backward", check_sortedness=False
    )
    days = days.with_columns(
        (
            ((pl.col("day") - pl.col("date")).dt.total_days() <= n - 1).fill_null(False)
            | ((pl.col("day") - pl.col("start")).dt.total_days() < n - 1)
        ).alias("ok")
    )
    per_ob = days.group_by("item", "subject").agg(pl.col("ok").cast(pl.Int64).sum().alias("ok"), pl.len().alias("days"))
    per_ob = per_ob.join(area, left_on="subject", right_on="id", how="left")
    out[f"duty.{duty_id}"] = pl_scoped(per_ob, root, pl.col("ok").sum(), pl.col("days").sum())


def duty_days(duty: dict) -> Tuple[int, int]:
    cadence = str(duty["cadence"])
    if not cadence.endswith("d"):
        raise SystemExit(f"duty {duty['id']}: cadence {cadence} is not an n-day cadence")
    m = duty.get("min_count")
    m = 1 if m is None or (isinstance(m, float) and math.isnan(m)) else int(m)
    if m != 1:
        raise SystemExit(f"duty {duty['id']}: min_count {m}; these versions handle min_count 1")
    return int(cadence[:-1]), m


# --------------------------------------------------------------------------------------
# pandas
# --------------------------------------------------------------------------------------


def pd_read(path: Path) -> Dict[str, pd.DataFrame]:
    def read(name: str, cols: List[str], dates: Sequence[str] = ()) -> pd.DataFrame:
        df = pd.read_csv(
            path / f"{name}.csv",
            usecols=cols,
            dtype={c: "string" for c in cols if c not in dates and c not in ("weight", "percent", "min_count")},
        )
        for c in dates:
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
        return df

    return {
        "units": read("units", ["id", "kind", "parent", "above_scale", "since", "until"], ["since", "until"]),
        "orgs": read("orgs", ["id", "kind", "hosts", "established", "dissolved"], ["established", "dissolved"]),
        "people": read("people", ["org", "confirmed"], ["confirmed"]),
        "roles": read("roles", ["person", "role", "target", "start", "end"], ["start", "end"]),
        "initiatives": read("initiatives", ["id", "kind", "unit", "start", "weight"], ["start"]),
        "progress": read("progress", ["initiative", "date", "percent"], ["date"]),
        "activities": read("activities", ["kind", "date", "subject"], ["date"]),
        "duties": read(
            "duties", ["id", "activity", "applies_to", "cadence", "min_count", "from", "to"], ["from", "to"]
        ),
    }


def pd_active(df: pd.DataFrame, start: str | None, end: str, as_of: pd.Timestamp) -> pd.Series:
    s = pd.Series(True, index=df.index) if start is None else (df[start].isna() | (df[start] <= as_of))
    return s & (df[end].isna() | (df[end] >= as_of))


def pd_area_of_units(units: pd.DataFrame) -> pd.Series:
    """Unit id -> its area (NaN above the areas)."""
    parent = units.set_index("id")["parent"]
    kind = units.set_index("id")["kind"]
    cur = pd.Series(units["id"].to_numpy(), index=units["id"].to_numpy(), dtype="string")
    area = pd.Series(pd.NA, index=cur.index, dtype="string")
    for _ in range(len(units) + 1):
        k = cur.map(kind)
        hit = area.isna() & (k == "area").fillna(False)
        area[hit] = cur[hit]
        cur = cur.map(parent)
        if cur.isna().all():
            break
    return area


def pd_scoped(
    items: pd.DataFrame, root: str, num: Callable[[pd.DataFrame], float], den: Callable[[pd.DataFrame], float]
) -> pd.DataFrame:
    once = items.drop_duplicates("item")
    rows = [{"scope": root, "numerator": num(once), "denominator": den(once)}]
    per = items[items["area"].notna()].drop_duplicates(["item", "area"])
    for a, g in per.groupby("area", sort=False):
        rows.append({"scope": a, "numerator": num(g), "denominator": den(g)})
    return pd.DataFrame(rows)


def pd_metrics(
    t: Dict[str, pd.DataFrame], as_of_d: dt.date, duty_id: str, only: frozenset = frozenset(FAMILIES)
) -> Dict[str, pd.DataFrame]:
    as_of = pd.Timestamp(as_of_d)
    year_start = pd.Timestamp(as_of_d.year, 1, 1)
    units, orgs, roles = t["units"], t["orgs"], t["roles"]
    root = units.loc[units["parent"].isna(), "id"].iloc[0]
    area = pd_area_of_units(units)
    out: Dict[str, pd.DataFrame] = {}
    hosted = orgs.assign(host=orgs["hosts"].str.split(";"))
    hosted["n_hosts"] = hosted["host"].str.len()
    hosted = hosted.explode("host")
    active_org = (hosted["established"] <= as_of) & (hosted["dissolved"].isna() | (hosted["dissolved"] >= as_of))
    if "coverage" in only:
        pd_coverage(out, units, hosted, active_org, roles, area, root, as_of)
    if "tasks" in only:
        pd_tasks(out, t, area, root, as_of)
    if "roads" in only:
        pd_roads(out, units, roles, area, root, as_of)
    if "orgs" in only:
        pd_viable(out, t["people"], hosted, active_org, area, root, as_of)
    if "duty" in only:
        pd_duty(out, t, roles, area, root, as_of, year_start, duty_id)
    return out


def pd_coverage(out, units, hosted, active_org, roles, area, root, as_of):
    """红色覆盖: enterprises above scale, active on as_of."""
    above = units["above_scale"].str.lower().isin(TRUE).fillna(False).astype(bool)
    ent = units.loc[(units["kind"] == "enterprise") & above & pd_active(units, "since", "until", as_of), ["id"]].rename(
        columns={"id": "item"}
    )
    cov = set(hosted.loc[active_org & hosted["kind"].isin(PRIMARY), "host"])
    own = set(hosted.loc[active_org & hosted["kind"].isin(OWN) & (hosted["n_hosts"] == 1), "host"])
    instr = set(roles.loc[(roles["role"] == "instructor") & pd_active(roles, "start", "end", as_of), "target"])
    via_org = set(hosted.loc[hosted["id"].isin(instr), "host"])
    ent["org"] = ent["item"].isin(cov)
    ent["own"] = ent["item"].isin(own)
    ent["work"] = ent["org"] | ent["item"].isin(instr) | ent["item"].isin(via_org)
    ent["area"] = ent["item"].map(area)
    for m, c in [("coverage.org", "org"), ("coverage.own_org", "own"), ("coverage.work", "work")]:
        out[m] = pd_scoped(ent, root, lambda g, c=c: int(g[c].sum()), len)


def pd_tasks(out, t, area, root, as_of):
    """红色成长: key tasks; one with no unit belongs to the root only."""
    prog = t["progress"][t["progress"]["date"] <= as_of].sort_values(["initiative", "date"])
    latest = prog.groupby("initiative").agg(pct=("percent", "last"), pos=("percent", lambda s: bool((s > 0).any())))
    kt = t["initiatives"][t["initiatives"]["kind"] == "key_task"].join(latest, on="id")
    kt["started"] = (kt["start"] <= as_of).fillna(False) | kt["pos"].fillna(False).astype(bool)
    kt["w"] = kt["weight"].fillna(1.0).astype(float)
    kt["wa"] = kt["w"] * kt["pct"].fillna(0.0).astype(float) / 100.0
    kt["area"] = kt["unit"].map(area)
    kt = kt.rename(columns={"id": "item"})
    out["tasks.started"] = pd_scoped(kt, root, lambda g: int(g["started"].sum()), len)
    out["tasks.progress"] = pd_scoped(kt, root, lambda g: float(g["wa"].sum()), lambda g: float(g["w"].sum()))


def pd_roads(out, units, roles, area, root, as_of):
    """红色引领: roads active on as_of with an active road chief."""
    chiefs = set(roles.loc[(roles["role"] == "road_chief") & pd_active(roles, "start", "end", as_of), "target"])
    roads = units.loc[(units["kind"] == "road") & pd_active(units, "since", "until", as_of), ["id"]].rename(
        columns={"id": "item"}
    )
    roads["chief"] = roads["item"].isin(chiefs)
    roads["area"] = roads["item"].map(area)
    out["roads.chief_coverage"] = pd_scoped(roads, root, lambda g: int(g["chief"].sum()), len)


def pd_viable(out, people, hosted, active_org, area, root, as_of):
    """orgs.viable: active branches and joint branches with >= 3 formal members."""
    formal = people[people["org"].notna() & (people["confirmed"] <= as_of)].groupby("org").size()
    br = hosted[hosted["kind"].isin(["branch", "joint_branch"]) & active_org].copy()
    br["viable"] = br["id"].map(formal).fillna(0) >= 3
    br["area"] = br["host"].map(area)
    br = br.rename(columns={"id": "item"})
    out["orgs.viable"] = pd_scoped(br, root, lambda g: int(g["viable"].sum()), len)


def pd_duty(out, t, roles, area, root, as_of, year_start, duty_id):
    """duty.<id>: one obligation per role assignment; n-day cadence with grace."""
    duty = t["duties"][t["duties"]["id"] == duty_id].iloc[0].to_dict()
    duty = {k: (None if (v is pd.NaT or (not isinstance(v, str) and pd.isna(v))) else v) for k, v in duty.items()}
    n, _ = duty_days(duty)
    role = duty["applies_to"].split(":", 1)[1]
    ob = roles[roles["role"] == role].reset_index(drop=True).rename(columns={"target": "subject"})
    ob["item"] = np.arange(len(ob))
    if duty["from"] is not None:
        ob["start"] = ob["start"].clip(lower=duty["from"])
    if duty["to"] is not None:
        ob["end"] = ob["end"].fillna(duty["to"]).clip(upper=duty["to"])
    ob = ob[ob["end"].isna() | (ob["start"] <= ob["end"])]
    ob = ob.assign(lo=ob["start"].clip(lower=year_start), hi=ob["end"].fillna(as_of).clip(upper=as_of))
    ob = ob[ob["lo"] <= ob["hi"]]
    # One row per assessed day: repeat each obligation, then add 0, 1, 2... days.
    lengths = ((ob["hi"] - ob["lo"]).dt.days + 1).to_numpy()
    rep = np.repeat(np.arange(len(ob)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    days = ob.iloc[rep][["item", "subject", "start"]].reset_index(drop=True)
    days["day"] = ob["lo"].to_numpy()[rep] + offsets.astype("timedelta64[D]")
    days = days.sort_values("day")
    acts = t["activities"]
    acts = acts.loc[(acts["kind"] == duty["activity"]) & (acts["date"] <= as_of), ["subject", "date"]].sort_values(
        "date"
    )
    # The latest qualifying activity on or before each day (min_count 1).
    days = pd.merge_asof(days, acts, left_on="day", right_on="date", by="subject", direction="backward")
    within = ((days["day"] - days["date"]).dt.days <= n - 1).fillna(False)
    grace = (days["day"] - days["start"]).dt.days < n - 1
    days["ok"] = (within | grace).astype(int)
    per_ob = days.groupby(["item", "subject"], as_index=False).agg(ok=("ok", "sum"), days=("ok", "size"))
    per_ob["area"] = per_ob["subject"].map(area)
    out[f"duty.{duty_id}"] = pd_scoped(per_ob, root, lambda g: int(g["ok"].sum()), lambda g: int(g["days"].sum()))


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------


def as_rows(
    result: Union[Dict[str, pl.DataFrame], Dict[str, pd.DataFrame]],
) -> Dict[Tuple[str, str], Tuple[float, float]]:
    """(metric, scope) -> (numerator, denominator)."""
    rows = {}
    for metric, df in result.items():
        recs = df.to_dicts() if isinstance(df, pl.DataFrame) else df.to_dict("records")
        for r in recs:
            rows[(metric, str(r["scope"]))] = (float(r["numerator"]), float(r["denominator"]))
    return rows


def check(
    name: str, got: Dict[Tuple[str, str], Tuple[float, float]], want: Dict[Tuple[str, str], Tuple[float, float]]
) -> int:
    bad = 0
    for key, (wn, wd) in want.items():
        gn, gd = got.get(key, (0.0, 0.0))  # a scope with no items has no dataframe row
        if not (math.isclose(gn, wn, rel_tol=1e-9, abs_tol=1e-9) and math.isclose(gd, wd, rel_tol=1e-9, abs_tol=1e-9)):
            bad += 1
            if bad <= 10:
                print(f"  {name} disagrees on {key}: {gn}/{gd}, dangjian {wn}/{wd}")
    extra = set(got) - set(want)
    for key in sorted(extra)[:10]:
        print(f"  {name} has a row dangjian does not: {key}")
    return bad + len(extra)


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a ledger CSV folder")
    ap.add_argument("--preset", default="city", help="generate this preset when --data is not given (default city)")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument("--duty", default="road_patrol", help="the n-day duty to compare (default road_patrol)")
    ap.add_argument("--repeat", type=int, default=5, help="best of N (default 5)")
    ap.add_argument(
        "--only",
        choices=["dangjian", "polars", "pandas"],
        help="run one library alone (no value check): to measure its memory",
    )
    ap.add_argument("--no-per-family", action="store_true", help="skip the per-family times")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    path = args.data or ensure_ledger(args.preset, args.seed)
    n = args.repeat
    runs = [args.only] if args.only else ["dangjian", "polars", "pandas"]
    print(
        f"ledger {path}; as_of {as_of}; best of {n}; dangjian {dangjian.__version__} from {Path(dangjian.__file__).parent}"
    )
    print(
        f"polars {pl.__version__}, pandas {pd.__version__}, numpy {np.__version__}; {os.cpu_count()} cpus; load average {os.getloadavg()[0]:.1f}"
    )

    wanted = METRICS + [f"duty.{args.duty}"]
    results: Dict[str, Dict[str, float]] = {}
    per_family: Dict[str, Dict[str, float]] = {f: {} for f in FAMILIES}
    want = None
    bad = 0
    if "dangjian" in runs:
        t_load, ds = best_of(max(1, n // 2), lambda: dangjian.load(str(path)))
        print("tables:", ", ".join(f"{k}={v}" for k, v in ds.counts.items()))

        def dj_compute(metrics: List[str]) -> pl.DataFrame:
            # `duty.x` as a filter also selects `duty.x.lapse`: keep exactly the ones asked for.
            return pl.DataFrame(ds.metrics(as_of=args.as_of, by="area", metrics=metrics)).filter(
                pl.col("metric").is_in(metrics)
            )

        t_dj, dj_df = best_of(n, lambda: dj_compute(wanted))
        t_all, _ = best_of(n, lambda: pl.DataFrame(ds.metrics(as_of=args.as_of, by="area")))
        results["dangjian"] = {"read": t_load, "compute": t_dj, "all": t_all}
        want = {(r["metric"], r["scope"]): (float(r["numerator"]), float(r["denominator"])) for r in dj_df.to_dicts()}
        assert len(want) == len(wanted) * len({s for _, s in want}), "dangjian returned an unexpected set of rows"
        if not args.no_per_family:
            for fam, ms in FAMILIES.items():
                ms = ms or [f"duty.{args.duty}"]
                per_family[fam]["dangjian"] = best_of(n, lambda: dj_compute(ms))[0]

    libs = {"polars": (pl_read, pl_metrics), "pandas": (pd_read, pd_metrics)}
    for name in runs:
        if name not in libs:
            continue
        read, compute = libs[name]
        t_read, tables = best_of(max(1, n // 2), lambda: read(path))
        t_comp, out = best_of(n, lambda: compute(tables, as_of, args.duty))
        results[name] = {"read": t_read, "compute": t_comp}
        if not args.no_per_family:
            for fam in FAMILIES:
                per_family[fam][name] = best_of(n, lambda: compute(tables, as_of, args.duty, frozenset([fam])))[0]
        if want is not None:
            b = check(name, as_rows(out), want)
            bad += b
            scopes = len(want) // len(wanted)
            print(
                f"{name}: {len(want)} rows ({len(wanted)} metrics x {scopes} scopes) {'agree' if b == 0 else f'DISAGREE on {b}'} with dangjian"
            )
        del tables, out

    base = results.get("dangjian")

    def cell(k: str, v: float, ref: float | None) -> str:
        return f"{v:>9.3f}s" + (f" {v / ref:>8.2f}x" if ref else "")

    print()
    print(
        f"{'step':44}"
        + "".join(f"{k:>11}" + (f"{k[:2] + '/dj':>10}" if base and k != "dangjian" else "") for k in results)
    )
    for label, key in [
        ("read the tables (dangjian.load also validates)", "read"),
        ("compute 8 metrics, root + by area", "compute"),
    ]:
        print(
            f"{label:44}"
            + "".join(
                " " + cell(k, v[key], base[key] if base and k != "dangjian" else None) for k, v in results.items()
            )
        )
    tot = {k: v["read"] + v["compute"] for k, v in results.items()}
    print(
        f"{'end to end (read + compute)':44}"
        + "".join(" " + cell(k, tot[k], tot["dangjian"] if base and k != "dangjian" else None) for k in results)
    )
    if base:
        print(f"{'dangjian, every metric of the catalogue':44} {base['all']:>9.3f}s")
    if not args.no_per_family:
        print()
        print("compute per family, root + by area (dangjian re-indexes the ledger on every call):")
        for fam, v in per_family.items():
            label = fam if fam != "duty" else f"duty.{args.duty}"
            print(
                f"  {label:42}"
                + "".join(
                    " " + cell(k, v[k], v.get("dangjian") if k != "dangjian" else None) for k in results if k in v
                )
            )
    print(f"\npeak RSS of this process: {peak_rss_mib():.0f} MiB ({', '.join(runs)})")
    if bad:
        print(f"\n{bad} disagreements", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
