"""Every metric of METRICS.md at the root of a ledger, in pandas, from its CSV folder.

The pandas twin of `metrics_polars.py` (same rows, same reading of the spec, written
separately in pandas idioms):

    python benches/python/metrics_pandas.py LEDGER_DIR --as-of 2019-07-31 > rows.json

prints what `dangjian report --data LEDGER_DIR --as-of 2019-07-31 --format json` prints for
the root. It reads the CSV folder as dangjian writes it (ISO dates, `true`/`false`, UTF-8),
only the columns it needs, and does not validate; the STATS.md additions (duty quorum,
exemptions) are refused, not computed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metrics_common as mc  # noqa: E402
from metrics_common import count, ratio, value  # noqa: E402

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
DAY = pd.Timedelta(days=1)
DT = "datetime64[s]"  # one resolution everywhere, so that as-of merges line up


def read(path: Path) -> Dict[str, pd.DataFrame]:
    """The tables, with dates as datetime64 and numbers as floats (absent tables and columns
    are empty / missing)."""
    mc.unsupported(path)
    out = {}
    for name, cols in NEED.items():
        have = mc.header(path, name)
        if have is None:
            df = pd.DataFrame({c: pd.Series([], dtype="str") for c in cols})
        else:
            present = [c for c in cols if c in have]
            df = pd.read_csv(path / f"{name}.csv", usecols=present, dtype=str, keep_default_na=False, na_values=[""])
            for c in cols:
                if c not in present:
                    df[c] = pd.Series(np.nan, index=df.index, dtype="str")
        for c in cols:
            if c in DATES:
                df[c] = pd.to_datetime(df[c], format="%Y-%m-%d").astype(DT)
            elif c in NUMBERS:
                df[c] = pd.to_numeric(df[c]).astype(float)
        out[name] = df
    return out


def active(df: pd.DataFrame, start: str, end: str, d: pd.Timestamp) -> pd.Series:
    return (df[start].isna() | (df[start] <= d)) & (df[end].isna() | (df[end] >= d))


def ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


# --------------------------------------------------------------------------------------
# Red growth
# --------------------------------------------------------------------------------------


def tasks(t, A: pd.Timestamp, root: str) -> List[dict]:
    ini = t["initiatives"]
    ini = ini.loc[ini["kind"] == "key_task", ["id", "start", "deadline", "weight"]].copy()
    ini["w"] = ini["weight"].fillna(1.0)
    prog = t["progress"]
    upd = (
        prog.loc[prog["date"] <= A, ["initiative", "date", "percent"]]
        .rename(columns={"initiative": "id"})
        .sort_values("date", kind="stable")
    )
    g = upd.groupby("id")
    latest = pd.DataFrame(
        {"last_pct": g["percent"].last(), "first_update": g["date"].first(), "any_positive": g["percent"].max() > 0}
    )
    # Forecast points: the updates, plus 0% at `start` when no update is on that day.
    at_start = ini.loc[ini["start"].notna(), ["id", "start"]].rename(columns={"start": "date"})
    at_start = at_start.merge(upd[["id", "date"]], on=["id", "date"], how="left", indicator=True)
    at_start = at_start.loc[at_start["_merge"] == "left_only", ["id", "date"]].assign(percent=0.0)
    pts = pd.concat([upd, at_start]).sort_values("date", kind="stable").groupby("id")
    points = pd.DataFrame(
        {
            "points": pts.size(),
            "d0": pts["date"].first(),
            "p0": pts["percent"].first(),
            "d1": pts["date"].last(),
            "p1": pts["percent"].last(),
        }
    )
    k = ini.join(latest, on="id").join(points, on="id")
    k["actual"] = k["last_pct"].fillna(0.0) / 100.0
    k["started"] = (k["start"] <= A).fillna(False) | k["any_positive"].fillna(False).astype(bool)
    eff = k["start"].fillna(k["first_update"])
    gone = (A - eff).dt.days
    span = (k["deadline"] - eff).dt.days
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (gone / span).clip(0.0, 1.0)
    k["expected"] = np.where(~k["started"], 0.0, np.where(k["deadline"] <= eff, 1.0, frac))
    k["status"] = np.select(
        [k["actual"] == 1.0, A > k["deadline"], ~k["started"], k["expected"] - k["actual"] >= mc.AT_RISK - mc.SLACK],
        ["done", "overdue", "not_started", "at_risk"],
        "on_track",
    )
    has = (k["points"].fillna(0) >= 2) & (k["d0"] != k["d1"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (k["p1"] - k["p0"]) / (k["d1"] - k["d0"]).dt.days
        days = np.ceil((100.0 - k["p1"]) / rate - mc.SLACK)
    late = has & ((rate <= 0) | (days > (k["deadline"] - k["d1"]).dt.days))
    not_done = k["status"] != "done"
    open_ = k["started"] & not_done
    wa = k["w"] * k["actual"]
    st = k["status"].value_counts()
    total = len(k)
    done = int(st.get("done", 0))
    return [
        count("tasks.total", root, total),
        ratio("tasks.started", root, int(k["started"].sum()), total),
        ratio("tasks.completed", root, done, total),
        ratio("tasks.progress", root, float(wa.sum()), float(k["w"].sum())),
        ratio("tasks.spi", root, float(wa[open_].sum()), float((k["w"] * k["expected"])[open_].sum())),
        count("tasks.on_track", root, int(st.get("on_track", 0))),
        count("tasks.at_risk", root, int(st.get("at_risk", 0))),
        count("tasks.overdue", root, int(st.get("overdue", 0))),
        count("tasks.not_started", root, int(st.get("not_started", 0))),
        count("tasks.done", root, done),
        count("tasks.forecast_late", root, int((late.fillna(False) & not_done).sum())),
    ]


def cadres(t, A: pd.Timestamp, root: str) -> List[dict]:
    roles = t["roles"]
    on = active(roles, "start", "end", A)
    cad = roles.loc[on & roles["role"].isin(mc.CADRE_ROLES), ["person"]].drop_duplicates()
    cad = cad.merge(t["people"][["id", "birth_date"]].rename(columns={"id": "person"}), on="person", how="left")
    birth = cad["birth_date"]
    bm, bd = birth.dt.month, birth.dt.day
    age = A.year - birth.dt.year - ((bm > A.month) | ((bm == A.month) & (bd > A.day))).astype(int)
    young = cad.loc[birth.notna() & (age <= mc.YOUNG_AGE), "person"]
    orgs = t["orgs"]
    task_forces = set(orgs.loc[(orgs["kind"] == "task_force") & (orgs["established"] <= A), "id"])
    ini = t["initiatives"]
    key_tasks = set(ini.loc[ini["kind"] == "key_task", "id"])
    on_tasks = set(
        roles.loc[
            on & roles["role"].isin(["leader", "member"]) & roles["target"].isin(task_forces | key_tasks), "person"
        ]
    )
    held = roles.loc[(roles["start"] <= A) & roles["person"].isin(set(young))]
    breadth = held.groupby("person")["role"].nunique()
    return [
        count("cadres.young", root, len(young)),
        ratio("cadres.young_share", root, len(young), len(cad)),
        ratio("cadres.young_on_tasks", root, int(young.isin(on_tasks).sum()), len(young)),
        value("cadres.breadth", root, float(breadth.mean()) if len(breadth) else None),
    ]


# --------------------------------------------------------------------------------------
# Red leading
# --------------------------------------------------------------------------------------


def leading(t, A: pd.Timestamp, root: str) -> List[dict]:
    units, roles = t["units"], t["roles"]
    on = active(roles, "start", "end", A)
    live = active(units, "since", "until", A)
    chiefs = set(roles.loc[on & (roles["role"] == "road_chief"), "target"])
    roads = units.loc[(units["kind"] == "road") & live, "id"]
    liaisons = set(roles.loc[on & roles["role"].isin(["liaison_cadre", "first_secretary"]), "target"])
    villages = units.loc[(units["kind"] == "village") & live, "id"]
    return [
        ratio("roads.chief_coverage", root, int(roads.isin(chiefs).sum()), len(roads)),
        ratio("villages.liaison_coverage", root, int(villages.isin(liaisons).sum()), len(villages)),
    ]


SELECT = {
    "role": ("roles", "role", "target", "start", "end"),
    "unit": ("units", "kind", "id", "since", "until"),
    "org": ("orgs", "kind", "id", "established", "dissolved"),
    "designation": ("designations", "designation", "unit", "since", "until"),
}


def obligations(t, applies_to: str) -> pd.DataFrame:
    kind, sel = applies_to.split(":", 1)
    table, col, subject, ws, we = SELECT[kind]
    df = t[table]
    ob = df.loc[df[col] == sel, [subject, ws, we]]
    ob.columns = ["subject", "ws", "we"]
    return ob.reset_index(drop=True).rename_axis("ob").reset_index()


def longest_lapse(df: pd.DataFrame, order: str):
    if len(df) == 0:
        return None
    df = df.sort_values(["ob", order])
    run = df["ok"].astype(int).groupby(df["ob"]).cumsum()
    bad = df.loc[~df["ok"]]
    if len(bad) == 0:
        return 0
    return int(bad.groupby([bad["ob"], run[~df["ok"]]]).size().max())


def period_start(d: pd.Series, cadence: str) -> pd.Series:
    if cadence == "1w":
        return d - pd.to_timedelta(d.dt.weekday, unit="D")
    if cadence == "1m":
        return d.dt.to_period("M").dt.start_time
    if cadence == "1q":
        return d.dt.to_period("Q").dt.start_time
    if cadence == "1y":
        return d.dt.to_period("Y").dt.start_time
    # 6m: the half year
    return pd.to_datetime(pd.DataFrame({"year": d.dt.year, "month": np.where(d.dt.month <= 6, 1, 7), "day": 1}))


def duties(t, A: pd.Timestamp, F: pd.Timestamp, root: str) -> List[dict]:
    rows, lapses = [], []
    acts_all = t["activities"]
    acts_all = acts_all.loc[acts_all["date"] <= A, ["kind", "subject", "date"]]
    for d in t["duties"].to_dict("records"):
        m = 1 if pd.isna(d["min_count"]) else int(d["min_count"])
        cadence, n = mc.parse_cadence(d["cadence"])
        ob = obligations(t, d["applies_to"])
        if pd.notna(d["from"]):
            ob["ws"] = ob["ws"].fillna(d["from"]).clip(lower=d["from"])
        if pd.notna(d["to"]):
            ob["we"] = ob["we"].fillna(d["to"]).clip(upper=d["to"])
        acts = (
            acts_all.loc[acts_all["kind"] == d["activity"]]
            .groupby(["subject", "date"])
            .size()
            .rename("k")
            .reset_index()
        )
        if cadence == "d":
            lo = ob["ws"].fillna(F).clip(lower=F)
            hi = ob["we"].fillna(A).clip(upper=A)
            keep = lo <= hi
            ob, lo, hi = ob[keep], lo[keep], hi[keep]
            # One row per assessed day: repeat each obligation, then add 0, 1, 2... days.
            lengths = ((hi - lo).dt.days + 1).to_numpy()
            rep = np.repeat(np.arange(len(ob)), lengths)
            offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            days = ob.iloc[rep][["ob", "subject", "ws"]].reset_index(drop=True)
            days["day"] = (lo.to_numpy()[rep] + offsets.astype("timedelta64[D]")).astype(DT)
            days["before"] = (days["day"] - n * DAY).astype(DT)
            # Qualifying activities in [day - n + 1, day] = (those <= day) - (those <= day - n).
            acts = acts.sort_values(["subject", "date"])
            acts["cum"] = acts.groupby("subject")["k"].cumsum()
            cum = acts[["subject", "date", "cum"]].sort_values("date")
            days = pd.merge_asof(
                days.sort_values("day"), cum.rename(columns={"cum": "c1"}), left_on="day", right_on="date", by="subject"
            ).drop(columns="date")
            days = pd.merge_asof(
                days.sort_values("before"),
                cum.rename(columns={"cum": "c0"}),
                left_on="before",
                right_on="date",
                by="subject",
            ).drop(columns="date")
            within = days["c1"].fillna(0) - days["c0"].fillna(0)
            grace = days["ws"].notna() & ((days["day"] - days["ws"]).dt.days < n - 1)
            days["ok"] = (within >= m) | grace
            assessed, order = days, "day"
        else:
            ps = mc.periods(cadence, F.date(), A.date())
            P = pd.DataFrame({"ps": pd.to_datetime([p[0] for p in ps]), "pe": pd.to_datetime([p[1] for p in ps])})
            x = ob.merge(P, how="cross")
            x = x[(x["ws"].isna() | (x["ps"] >= x["ws"])) & (x["we"].isna() | (x["pe"] <= x["we"]))]
            a = acts.loc[acts["date"] >= F]
            per = (
                a.assign(ps=period_start(a["date"], cadence))
                .groupby(["subject", "ps"])["k"]
                .sum()
                .rename("k")
                .reset_index()
            )
            x = x.merge(per, on=["subject", "ps"], how="left")
            x["ok"] = x["k"].fillna(0) >= m
            assessed, order = x, "ps"
        rows.append(ratio(f"duty.{d['id']}", root, int(assessed["ok"].sum()), len(assessed)))
        lapses.append(count(f"duty.{d['id']}.lapse", root, longest_lapse(assessed[["ob", order, "ok"]], order)))
    return rows + lapses


def indicators(t, A: pd.Timestamp, root: str) -> List[dict]:
    units = t["units"]
    live = pd.Index(units.loc[active(units, "since", "until", A), "id"])
    obs = t["observations"]
    obs = obs.loc[(obs["date"] <= A) & obs["unit"].isin(live)].sort_values("date", kind="stable")
    latest = obs.groupby(["indicator", "unit"])["value"].last()
    defs = t["indicators"].to_dict("records")
    formulas = {i["id"]: mc.parse_formula(i["formula"]) for i in defs if pd.notna(i["formula"])}
    per_unit: Dict[str, pd.Series] = {}
    for i in defs:
        if i["id"] not in formulas:
            per_unit[i["id"]] = (
                latest.xs(i["id"], level="indicator")
                if i["id"] in latest.index.get_level_values(0)
                else pd.Series(dtype=float)
            )

    def op(o, a, b):
        if o == "/":
            return (a / b).where(b != 0)
        return {"+": a + b, "-": a - b, "*": a * b}[o]

    for fid in mc.formula_order(formulas):
        tree = formulas[fid]
        ops = sorted(set(mc.formula_vars(tree)))
        idx = live
        for o in ops:
            idx = idx.intersection(per_unit[o].index)
        cols = {o: per_unit[o].reindex(idx).astype(float) for o in ops}
        v = mc.fold(
            tree, num=lambda x: pd.Series(x, index=idx, dtype=float), var=cols.__getitem__, neg=lambda a: -a, binop=op
        )
        per_unit[fid] = v.dropna()
    out = []
    for i in defs:
        v = per_unit[i["id"]]
        agg = i["aggregate"] if pd.notna(i["aggregate"]) else "sum"
        out.append(value(f"indicator.{i['id']}", root, None if len(v) == 0 else float(getattr(v, agg)())))
    return out


# --------------------------------------------------------------------------------------
# Red coverage
# --------------------------------------------------------------------------------------


def coverage(t, A: pd.Timestamp, root: str) -> List[dict]:
    units, orgs, roles = t["units"], t["orgs"], t["roles"]
    above = units["above_scale"].str.lower().isin(mc.TRUE)
    ents = units.loc[(units["kind"] == "enterprise") & above & active(units, "since", "until", A), "id"]
    hosted = orgs.assign(host=orgs["hosts"].str.split(";"))
    hosted["n_hosts"] = hosted["host"].str.len()
    hosted = hosted.explode("host")
    org_on = active(hosted, "established", "dissolved", A)
    covered = set(hosted.loc[org_on & hosted["kind"].isin(mc.COVERING), "host"])
    own = set(hosted.loc[org_on & hosted["kind"].isin(mc.OWN) & (hosted["n_hosts"] == 1), "host"])

    def reached(role: str) -> pd.Series:
        """The enterprise, or an org of any kind it hosts (established by as_of), is the
        target of an active role of this kind."""
        targets = set(roles.loc[active(roles, "start", "end", A) & (roles["role"] == role), "target"])
        via_org = set(hosted.loc[(hosted["established"] <= A) & hosted["id"].isin(targets), "host"])
        return ents.isin(targets) | ents.isin(via_org)

    org = ents.isin(covered)
    work = org | reached("instructor")
    liaison = reached("enterprise_liaison")
    return [
        ratio("coverage.org", root, int(org.sum()), len(ents)),
        ratio("coverage.own_org", root, int(ents.isin(own).sum()), len(ents)),
        ratio("coverage.work", root, int(work.sum()), len(ents)),
        ratio("coverage.liaison", root, int(liaison.sum()), len(ents)),
    ]


def orgs_metrics(t, A: pd.Timestamp, root: str) -> List[dict]:
    units, orgs, people = t["units"], t["orgs"], t["people"]
    org_on = active(orgs, "established", "dissolved", A)
    # orgs.viable
    formal = people.loc[people["org"].notna() & (people["confirmed"] <= A)].groupby("org").size()
    br = orgs.loc[org_on & orgs["kind"].isin(["branch", "joint_branch"]), "id"]
    viable = int((formal.reindex(br).fillna(0).to_numpy() >= 3).sum())
    # orgs.renewal_*
    el = t["elections"]
    last = el.loc[el["date"] <= A].groupby("org")["date"].max()
    r = orgs.loc[org_on & orgs["kind"].isin(mc.COVERING)].copy()
    r["last"] = last.reindex(r["id"]).to_numpy()
    r = r.loc[r["last"].notna()]
    villages = set(units.loc[units["kind"] == "village", "id"])
    five = (r["kind"] == "committee") | r["hosts"].str.split(";").str[0].isin(villages)
    term_end = (r["last"] + pd.DateOffset(years=3)).where(~five, r["last"] + pd.DateOffset(years=5))
    overdue = int((term_end < A).sum())
    due = int(((term_end >= A) & (term_end <= A + pd.Timedelta(days=183))).sum())
    # members.no_org_life
    M = ts(mc.minus_months(A.date(), 6))
    live = set(orgs.loc[org_on, "id"])
    acts = t["activities"]
    acts = acts.loc[
        acts["kind"].isin(mc.ORG_LIFE) & (acts["date"] > M) & (acts["date"] <= A) & acts["people"].notna(),
        ["subject", "people"],
    ]
    groups = orgs.loc[(orgs["kind"] == "group") & orgs["parent"].notna()].set_index("id")["parent"]
    about = pd.concat(
        [
            acts.rename(columns={"subject": "org"}),
            pd.DataFrame(
                {"org": groups.reindex(acts["subject"]).to_numpy(), "people": acts["people"].to_numpy()}
            ).dropna(subset=["org"]),
        ]
    )
    recorded = set(about["org"]) & live
    listed = about.assign(person=about["people"].str.split(";")).explode("person")[["org", "person"]].drop_duplicates()
    members = people.loc[
        people["org"].notna() & (people["joined"] <= M) & people["org"].isin(recorded), ["id", "org"]
    ].rename(columns={"id": "person"})
    seen = members.merge(listed, on=["org", "person"], how="inner")
    silent = len(members) - len(seen)
    des = t["designations"]
    red = des.loc[(des["designation"] == "red_workshop") & active(des, "since", "until", A), "unit"].nunique()
    return [
        ratio("orgs.viable", root, viable, len(br)),
        ratio("orgs.renewal_overdue", root, overdue, len(r)),
        count("orgs.renewal_due", root, due),
        ratio("members.no_org_life", root, silent, len(members)),
        count("workshops.red", root, red),
        count("committees.two_new", root, int((org_on & (orgs["kind"] == "two_new_committee")).sum())),
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


def compute(t: Dict[str, pd.DataFrame], as_of: dt.date, from_: dt.date | None = None, families=None) -> dict:
    """Every root row, as `dangjian report --format json` gives them."""
    F = from_ or dt.date(as_of.year, 1, 1)
    units = t["units"]
    root = units.loc[units["parent"].isna(), "id"].iloc[0]
    rows: List[dict] = []
    for name, fam in FAMILIES.items():
        if families is None or name in families:
            rows += fam(t, ts(as_of), ts(F), root)
    targets = [
        {
            "metric": r["metric"],
            "scope": None if pd.isna(r["scope"]) else r["scope"],
            "due": r["due"].date(),
            "value": r["value"],
            "baseline": None if pd.isna(r["baseline"]) else r["baseline"],
        }
        for r in t["targets"].to_dict("records")
    ]
    rows = mc.apply_targets(rows, targets, list(t["indicators"]["id"]), root, as_of)
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
