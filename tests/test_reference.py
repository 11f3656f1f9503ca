"""Cross-check the Rust engine against the independent Python reference of docs/METRICS.md.

``tests/reference/metrics_ref.py`` was written from the spec alone; this test compares its
rows with ``Ledger.metrics_json`` (the Rust engine) on the embedded example and on many small
random ledgers built to hit the spec's edge cases. Rows are keyed by (metric, scope): the same
keys on both sides, values, numerators, denominators and targets equal within 1e-9 (relative,
with an absolute floor of 1e-9 for values that cancel to about zero; None equals only None),
and ``due`` equal.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import pathlib
import random
import sys
from typing import Any, Dict, List, Optional

import dangjian as dj
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from reference.metrics_ref import cadres_table, evaluate, tasks_table  # noqa: E402

FIELDS = ("value", "numerator", "denominator", "target")


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def diff_results(engine: Dict[str, Any], ref: Dict[str, Any]) -> List[str]:
    """Readable differences between two evaluations (empty when they agree)."""
    out: List[str] = []
    for k in ("as_of", "from"):
        if engine.get(k) != ref.get(k):
            out.append(f"{k}: engine {engine.get(k)!r} != reference {ref.get(k)!r}")
    E: Dict[Any, Dict[str, Any]] = {}
    R: Dict[Any, Dict[str, Any]] = {}
    for side, rows, name in ((E, engine["rows"], "engine"), (R, ref["rows"], "reference")):
        for r in rows:
            key = (r["metric"], r["scope"])
            if key in side:
                out.append(f"{name}: duplicate row {key}")
            side[key] = r
    for key in sorted(set(E) | set(R)):
        if key not in E:
            out.append(f"{key}: only in the reference: {R[key]}")
            continue
        if key not in R:
            out.append(f"{key}: only in the engine: {E[key]}")
            continue
        e, r = E[key], R[key]
        bad = [f for f in FIELDS if not _close(e.get(f), r.get(f))]
        if e.get("due") != r.get("due"):
            bad.append("due")
        if bad:
            parts = ", ".join(f"{f}: engine {e.get(f)!r} vs reference {r.get(f)!r}" for f in bad)
            out.append(f"{key}: {parts}")
    return out


def compare(ds: dj.Ledger, ledger: Dict[str, Any], **query: Any) -> List[str]:
    engine = ds.metrics_json(**query)
    ref = evaluate(ledger, **query)
    return diff_results(engine, ref)


# --------------------------------------------------------------------------------------------
# The embedded example
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    ds = dj.example()
    return ds, json.loads(ds.to_json())


@pytest.mark.parametrize("as_of", ["2019-03-31", "2019-06-30", "2019-07-31", "2019-12-31"])
@pytest.mark.parametrize("by", [None, "area", "block", "village", "road"])
def test_example_matches_reference(example, as_of, by):
    ds, ledger = example
    d = compare(ds, ledger, as_of=as_of, by=by)
    assert not d, "engine and reference differ:\n" + "\n".join(d)


@pytest.mark.parametrize(
    "scope,by,from_",
    [
        ("huachuan_area", None, None),
        ("huachuan_area", "village", "2019-05-15"),
        ("lidian_area", "road", None),
        ("muchangjiang", None, "2019-04-01"),
        ("shangxie", "village", None),
    ],
)
def test_example_non_root_scope(example, scope, by, from_):
    ds, ledger = example
    d = compare(ds, ledger, as_of="2019-07-31", scope=scope, by=by, from_=from_)
    assert not d, "engine and reference differ:\n" + "\n".join(d)


def test_example_default_as_of(example):
    ds, ledger = example
    d = compare(ds, ledger)
    assert not d, "engine and reference differ:\n" + "\n".join(d)


# --------------------------------------------------------------------------------------------
# Random ledgers
# --------------------------------------------------------------------------------------------

D0 = dt.date(2017, 1, 1)
SPAN = (dt.date(2021, 6, 30) - D0).days

AS_OFS = [
    "2019-02-28",
    "2019-03-01",
    "2019-07-31",
    "2019-12-31",
    "2020-02-29",
    "2020-03-01",
    "2020-06-30",
    "2020-08-31",
]

DUTY_ACTS = ["patrol", "instructor_visit", "committee_meeting", "theme_day"]
LIFE_ACTS = ["member_assembly", "group_meeting", "party_lesson", "theme_day", "org_life_meeting"]
ROLES = [
    "secretary",
    "first_secretary",
    "liaison_cadre",
    "leadership",
    "staff",
    "leader",
    "member",
    "shock_team",
    "road_chief",
    "instructor",
    "enterprise_liaison",
    "party_delegate",
    "villager_rep",
]


def _d(x: dt.date) -> str:
    return x.isoformat()


class Gen:
    """A small random ledger, valid per docs/LEDGER.md, aimed at docs/METRICS.md's edge cases."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.seed = seed

    def date(self, lo: Optional[dt.date] = None, hi: Optional[dt.date] = None) -> dt.date:
        lo = lo or D0
        hi = hi or (D0 + dt.timedelta(days=SPAN))
        if hi < lo:
            hi = lo
        return lo + dt.timedelta(days=self.r.randint(0, (hi - lo).days))

    def maybe(self, p: float) -> bool:
        return self.r.random() < p

    def near(self, anchor: str, spread: int = 3) -> dt.date:
        return dt.date.fromisoformat(anchor) + dt.timedelta(days=self.r.randint(-spread, spread))

    def interval(self, p_start: float = 0.8, p_end: float = 0.3):
        s = self.date() if self.maybe(p_start) else None
        e = None
        if self.maybe(p_end):
            e = self.date(s or D0)
        return s, e

    def build(self) -> Dict[str, Any]:
        r = self.r
        units: List[Dict[str, Any]] = [{"id": "d0", "kind": "district", "name": "D0"}]
        kinds: Dict[str, str] = {"d0": "district"}

        def unit(uid: str, kind: str, parent: str, **extra: Any) -> None:
            u = {"id": uid, "kind": kind, "name": uid.upper(), "parent": parent}
            s, e = self.interval(0.3, 0.15)
            if s is not None:
                u["since"] = _d(s)
            if e is not None:
                u["until"] = _d(e)
            u.update(extra)
            units.append(u)
            kinds[uid] = kind

        areas = [f"a{i}" for i in range(r.randint(1, 2))]
        for a in areas:
            unit(a, "area", "d0")
        blocks = [f"b{i}" for i in range(r.randint(1, 2))]
        for b in blocks:
            unit(b, "block", "d0")
        villages = []
        for a in areas:
            for j in range(r.randint(1, 3)):
                v = f"{a}v{j}"
                unit(v, "village", a)
                villages.append(v)
        ents = []
        for b in blocks:
            for j in range(r.randint(1, 4)):
                e = f"{b}e{j}"
                flag = r.choice([True, True, False, None, "true", "false", "是", "否", "1", "0", "yes", "no", ""])
                extra = {} if flag is None else {"above_scale": flag}
                unit(e, "enterprise", r.choice([b, b, "d0"]), **extra)
                ents.append(e)
        workshops = []
        for e in ents:
            if self.maybe(0.4):
                w = f"{e}w"
                unit(w, "workshop", e)
                workshops.append(w)
        roads = []
        for j in range(r.randint(1, 3)):
            rd = f"r{j}"
            unit(rd, "road", r.choice(["d0"] + areas), length_m=r.choice([400, 1200.5, "800"]))
            roads.append(rd)
        offices = ["off0"]
        unit("off0", "office", "d0")
        all_units = [u["id"] for u in units]

        # designations
        designations = []
        for w in workshops + ents[:2] + villages[:1]:
            for _ in range(r.randint(0, 2)):
                s = self.date()
                row = {
                    "unit": w,
                    "designation": r.choice(["red_workshop", "red_workshop", "model_road", "my_own"]),
                    "since": _d(s),
                }
                if self.maybe(0.4):
                    row["until"] = _d(self.date(s, s + dt.timedelta(days=400)))
                designations.append(row)

        # orgs
        orgs: List[Dict[str, Any]] = []
        org_kind: Dict[str, str] = {}
        org_hosts: Dict[str, List[str]] = {}

        def org(oid: str, kind: str, hosts: List[str], parent: Optional[str] = None) -> None:
            est = self.date(D0 - dt.timedelta(days=2000), dt.date(2020, 12, 31))
            row: Dict[str, Any] = {"id": oid, "kind": kind, "name": oid.upper(), "established": _d(est)}
            row["hosts"] = hosts if self.maybe(0.7) else ";".join(hosts)
            if parent is not None:
                row["parent"] = parent
            if self.maybe(0.2):
                row["dissolved"] = _d(self.date(est, est + dt.timedelta(days=900)))
            orgs.append(row)
            org_kind[oid] = kind
            org_hosts[oid] = hosts

        org("o_comm", "committee", ["d0"])
        branches = []
        for i, e in enumerate(ents):
            k = r.choice(["branch", "branch", "general_branch", "committee", None])
            if k is not None:
                org(f"o_e{i}", k, [e], "o_comm")
                branches.append(f"o_e{i}")
        if len(ents) >= 2:
            org("o_joint", "joint_branch", r.sample(ents, r.randint(2, min(3, len(ents)))), "o_comm")
            branches.append("o_joint")
            if self.maybe(0.5):
                # a branch hosted by two units: organisation coverage but not its own org
                org("o_shared", "branch", r.sample(ents, 2), "o_comm")
                branches.append("o_shared")
        for i, v in enumerate(villages):
            k = r.choice(["branch", "general_branch", "committee"])
            hosts = [v] if self.maybe(0.7) else [v, r.choice(all_units[1:])]
            hosts = list(dict.fromkeys(hosts))
            org(f"o_v{i}", k, hosts, "o_comm")
            branches.append(f"o_v{i}")
        org("o_off", r.choice(["branch", "general_branch"]), [offices[0], r.choice(villages)], "o_comm")
        branches.append("o_off")
        groups = []
        for i, b in enumerate(branches):
            if self.maybe(0.35):
                org(f"o_g{i}", "group", [org_hosts[b][0]], b)
                groups.append(f"o_g{i}")
        tfs = []
        for i in range(r.randint(1, 2)):
            org(f"o_tf{i}", "task_force", [r.choice(villages + ["d0"])], "o_comm")
            tfs.append(f"o_tf{i}")
        for i, b in enumerate(blocks):
            if self.maybe(0.7):
                org(f"o_2n{i}", "two_new_committee", [b], "o_comm")
        if len(villages) >= 2 and self.maybe(0.5):
            org("o_reg", "regional_committee", villages[:], None)
        if ents and self.maybe(0.5):
            org("o_ws", "branch", [r.choice(workshops or ents)], "o_comm")
            branches.append("o_ws")
        all_orgs = [o["id"] for o in orgs]
        est_of = {o["id"]: dt.date.fromisoformat(o["established"]) for o in orgs}

        # elections: some on 29 February
        elections = []
        for o in all_orgs:
            for _ in range(r.randint(0, 2)):
                if self.maybe(0.3):
                    cands = [dt.date(2016, 2, 29), dt.date(2017, 2, 28), dt.date(2018, 2, 28), dt.date(2016, 8, 31)]
                    d = r.choice(cands)
                    if d < est_of[o]:
                        continue
                else:
                    d = self.date(max(est_of[o], dt.date(2013, 1, 1)), dt.date(2020, 12, 31))
                if any(e["org"] == o and e["date"] == _d(d) for e in elections):
                    continue
                elections.append({"org": o, "date": _d(d), "note": "换届"})

        # people
        people = []
        member_orgs = branches + groups + all_orgs
        for i in range(r.randint(8, 30)):
            p: Dict[str, Any] = {"id": f"p{i}", "name": f"P{i}"}
            c = r.random()
            if c < 0.15:
                pass  # no birth date: never young
            elif c < 0.4:
                # turning 35 or 36 around an as-of date, or born on 29 February
                anchor = dt.date.fromisoformat(r.choice(AS_OFS))
                y = anchor.year - r.choice([35, 36, 34])
                try:
                    b = anchor.replace(year=y)
                except ValueError:
                    b = dt.date(y, 2, 28)
                b += dt.timedelta(days=r.choice([-1, 0, 0, 1]))
                p["birth_date"] = _d(b)
            elif c < 0.5:
                p["birth_date"] = _d(dt.date(r.choice([1984, 1988]), 2, 29))
            else:
                p["birth_date"] = _d(self.date(dt.date(1955, 1, 1), dt.date(1995, 12, 31)))
            if self.maybe(0.85):
                p["org"] = r.choice(branches[:3] + member_orgs)
                if self.maybe(0.9):
                    j = self.date(dt.date(2016, 6, 1), dt.date(2020, 8, 31))
                    p["joined"] = _d(j)
                    if self.maybe(0.8):
                        p["confirmed"] = _d(self.date(j, j + dt.timedelta(days=500)))
            people.append(p)
        pids = [p["id"] for p in people]

        # initiatives and progress
        initiatives = []
        progress = []
        for i in range(r.randint(2, 7)):
            ini: Dict[str, Any] = {
                "id": f"t{i}",
                "kind": r.choice(["key_task"] * 4 + ["project", "campaign"]),
                "programme": r.choice(["growth", "leading", "coverage"]),
                "title": f"T{i}",
            }
            if self.maybe(0.8):
                ini["unit"] = r.choice(all_units)
            if self.maybe(0.5):
                ini["owner"] = r.choice(tfs)
            start = self.date(dt.date(2018, 6, 1), dt.date(2020, 9, 1)) if self.maybe(0.7) else None
            if start is not None:
                ini["start"] = _d(start)
            dl_lo = start or dt.date(2018, 6, 1)
            if self.maybe(0.15) and start is not None:
                ini["deadline"] = _d(start)  # deadline == start is legal
            else:
                ini["deadline"] = _d(self.date(dl_lo, dl_lo + dt.timedelta(days=r.choice([30, 200, 500]))))
            w = r.choice([None, None, 1, 2, 0.5, 3.25, "2"])
            if w is not None:
                ini["weight"] = w
            initiatives.append(ini)
            # updates
            n = r.choice([0, 1, 2, 3, 5])
            dates = set()
            if start is not None and self.maybe(0.4):
                dates.add(start)  # an update on the start date
            while len(dates) < n:
                lo = (start - dt.timedelta(days=60)) if start else dt.date(2018, 6, 1)
                dates.add(self.date(lo, lo + dt.timedelta(days=700)))
            pct = 0.0
            mode = r.choice(["up", "up", "flat", "down", "zero_first", "done"])
            for k, d in enumerate(sorted(dates)):
                if mode == "flat":
                    pct = pct if k else r.choice([0, 10, 40])
                elif mode == "down":
                    pct = max(0.0, 60 - 15 * k)
                elif mode == "zero_first" and k == 0:
                    pct = 0.0
                elif mode == "done" and k == len(dates) - 1:
                    pct = 100.0
                else:
                    pct = min(100.0, pct + r.choice([0, 3, 7.5, 12.5, 33]))
                progress.append(
                    {"initiative": ini["id"], "date": _d(d), "percent": pct if self.maybe(0.8) else str(pct)}
                )
        inis = [i["id"] for i in initiatives]

        # roles
        roles = []
        for _ in range(r.randint(5, 20)):
            role = r.choice(ROLES)
            if role == "road_chief":
                tgt = r.choice(roads)
            elif role in ("liaison_cadre", "first_secretary"):
                tgt = r.choice(villages + ([r.choice(all_units)] if self.maybe(0.2) else []))
            elif role in ("leader", "member"):
                tgt = r.choice(tfs + inis + [r.choice(all_orgs)])
            elif role in ("instructor", "enterprise_liaison"):
                tgt = r.choice(ents + all_orgs + workshops) if ents else r.choice(all_orgs)
            elif role == "secretary":
                tgt = r.choice(all_orgs)
            else:
                tgt = r.choice(all_units + all_orgs + inis)
            s = self.date(dt.date(2016, 1, 1), dt.date(2020, 9, 30))
            row = {"person": r.choice(pids), "role": role, "target": tgt, "start": _d(s)}
            if self.maybe(0.3):
                row["end"] = _d(self.date(s, s + dt.timedelta(days=r.choice([0, 5, 40, 400]))))
            roles.append(row)

        # duties
        duties = []
        n_duties = r.randint(1, 4)
        for i in range(n_duties):
            applies = r.choice(
                [
                    "role:road_chief",
                    "role:instructor",
                    "role:liaison_cadre",
                    "unit:road",
                    "unit:village",
                    "org:branch",
                    "org:group",
                    "designation:red_workshop",
                    "designation:my_own",
                    "role:leader",
                    "role:secretary",
                ]
            )
            cadence = r.choice(["1d", "2d", "3d", "7d", "30d", "1w", "1m", "1q", "6m", "1y"])
            row = {"id": f"du{i}", "activity": r.choice(DUTY_ACTS), "applies_to": applies, "cadence": cadence}
            mc = r.choice([None, 1, 1, 2, "2", 1.0])
            if mc is not None:
                row["min_count"] = mc
            f = t = None
            if self.maybe(0.35):
                f = self.date(dt.date(2018, 6, 1), dt.date(2020, 6, 1))
                row["from"] = _d(f)
            if self.maybe(0.25):
                t = self.date(f or dt.date(2018, 6, 1), dt.date(2020, 12, 31))
                row["to"] = _d(t)
            duties.append(row)

        # activities: dense enough for duties to be met sometimes
        activities = []
        subjects = roads + villages + ents + workshops + all_orgs + inis
        duty_acts = list({d["activity"] for d in duties})
        n_act = r.randint(20, 120)
        for i in range(n_act):
            if self.maybe(0.6):
                kind = r.choice(duty_acts)
            else:
                kind = r.choice(LIFE_ACTS + ["onsite_meeting", "my_kind"])
            subj = r.choice(subjects)
            a: Dict[str, Any] = {
                "kind": kind,
                "date": _d(self.date(dt.date(2018, 6, 1), dt.date(2020, 12, 31))),
                "subject": subj,
            }
            if self.maybe(0.5):
                a["id"] = f"act{i}"
            if self.maybe(0.6):
                ps = r.sample(pids, r.randint(1, min(4, len(pids))))
                a["people"] = ps if self.maybe(0.6) else ";".join(ps)
            activities.append(a)
        # regular series on a few subjects, so that some obligations comply throughout
        for du in duties:
            kind, _, what = du["applies_to"].partition(":")
            if kind == "role":
                owed = [x["target"] for x in roles if x["role"] == what]
            elif kind == "unit":
                owed = [u for u in all_units if kinds[u] == what]
            elif kind == "org":
                owed = [o for o in all_orgs if org_kind[o] == what]
            else:
                owed = [x["unit"] for x in designations if x["designation"] == what]
            owed = owed or (roads + villages + workshops + branches + groups + ents)
            for _ in range(r.randint(0, 3)):
                subj = r.choice(owed)
                step = r.choice([1, 2, 3, 3, 5, 7, 14, 30])
                if self.maybe(0.5):
                    d, end = dt.date(2018, 6, 1), dt.date(2020, 12, 31)
                else:
                    d = self.date(dt.date(2018, 6, 1), dt.date(2020, 6, 1))
                    end = d + dt.timedelta(days=r.choice([30, 120, 400, 800]))
                while d <= end:
                    if not self.maybe(0.01):  # an occasional gap
                        activities.append({"kind": du["activity"], "date": _d(d), "subject": subj})
                    d += dt.timedelta(days=step)
        # bursts of duty activities right around the as-of candidates, for 3-day windows
        for _ in range(r.randint(0, 30)):
            d = self.near(r.choice(AS_OFS), 20)
            activities.append(
                {"kind": r.choice(duty_acts), "date": _d(d), "subject": r.choice(roads + workshops + all_orgs)}
            )
        # org life around as-of candidates
        for _ in range(r.randint(0, 12)):
            d = self.near(r.choice(AS_OFS), 150)
            o = r.choice(branches + groups)
            activities.append(
                {"kind": r.choice(LIFE_ACTS), "date": _d(d), "subject": o, "people": r.sample(pids, r.randint(1, 3))}
            )

        # indicators and observations
        indicators = [
            {"id": "ia", "name": "A", "aggregate": r.choice(["sum", "mean", "min", "max"])},
            {"id": "ib", "name": "B", "aggregate": r.choice(["sum", "mean", "min", "max", None])},
            {"id": "ic", "name": "C"},
        ]
        formulas = [
            "ia * ib",
            "ia / ib",
            "(ia + ib) / (ic - 2)",
            "-ia + 0.5 * ic",
            "ia - -ib",
            "(ia + 12) / ib * 100",
            "ia / (ib - ib)",
        ]
        indicators.append(
            {
                "id": "f1",
                "name": "F1",
                "aggregate": r.choice(["sum", "mean", "min", "max"]),
                "formula": r.choice(formulas),
            }
        )
        indicators.append(
            {
                "id": "f2",
                "name": "F2",
                "aggregate": r.choice(["sum", "max"]),
                "formula": r.choice(["f1 + ic", "f1 / ia", "2 * f1"]),
            }
        )
        for ind in indicators:
            if ind.get("aggregate") is None:
                ind.pop("aggregate", None)
        observations = []
        for ind in ("ia", "ib", "ic"):
            for u in r.sample(all_units, min(len(all_units), r.randint(1, 6))):
                dates = {self.date(dt.date(2018, 1, 1), dt.date(2020, 12, 31)) for _ in range(r.randint(1, 3))}
                for d in dates:
                    v = r.choice([0, 0, 2, 5.5, 100, -3, 1e6, 1 / 3])
                    observations.append(
                        {"indicator": ind, "unit": u, "date": _d(d), "value": v if self.maybe(0.8) else str(v)}
                    )

        # targets: several for one metric and scope, with baselines
        targets = []
        metric_pool = [
            "tasks.completed",
            "tasks.progress",
            "coverage.org",
            "committees.two_new",
            "cadres.young",
            "orgs.viable",
            "tasks.spi",
            "ia",
            "f1",
            f"duty.{duties[0]['id']}",
            f"duty.{duties[0]['id']}.lapse",
        ]
        seen = set()
        for _ in range(r.randint(0, 6)):
            m = r.choice(metric_pool)
            sc = r.choice([None, None, "d0", r.choice(areas + blocks + villages)])
            due = r.choice(
                [dt.date.fromisoformat(x) for x in AS_OFS] + [self.date(dt.date(2019, 1, 1), dt.date(2021, 1, 1))]
            )
            key = (m, sc or "d0", due)
            if key in seen:
                continue
            seen.add(key)
            row: Dict[str, Any] = {"metric": m, "due": _d(due), "value": r.choice([1, 0.9, 2, 5, 10, 0.5, "0.75"])}
            if sc is not None:
                row["scope"] = sc
            if self.maybe(0.4):
                row["baseline"] = r.choice([0, 0.2, 1, "0.1", row["value"]])  # baseline == value: denominator 0
            targets.append(row)

        exemptions = self.attendance(duties, activities, all_units + all_orgs)
        return {
            "format": "dangjian-ledger/1",
            "exemptions": exemptions,
            "units": units,
            "designations": designations,
            "orgs": orgs,
            "elections": elections,
            "people": people,
            "roles": roles,
            "initiatives": initiatives,
            "progress": progress,
            "activities": activities,
            "duties": duties,
            "indicators": indicators,
            "observations": observations,
            "targets": targets,
        }

    def attendance(
        self, duties: List[Dict[str, Any]], activities: List[Dict[str, Any]], subjects: List[str]
    ) -> List[Dict[str, Any]]:
        """docs/STATS.md: quorums on some duties, attendance counts on some activities and a few
        exemptions, drawn from a generator of their own so the rest of the ledger is as it was."""
        r = random.Random(f"attendance-{self.seed}")
        for du in duties:
            if r.random() < 0.4:
                du["quorum"] = r.choice([0.5, "0.5", 1, 0.25, 2 / 3])
        for a in activities:
            if r.random() < 0.7:
                exp = r.randint(0, 12)
                a["expected"] = exp
                if r.random() < 0.6:
                    a["attended"] = r.randint(0, exp)  # may be exactly half, or zero
        exemptions: List[Dict[str, Any]] = []
        for du in duties:
            for _ in range(r.choice([0, 0, 1, 2, 3])):
                f = dt.date(2018, 6, 1) + dt.timedelta(days=r.randint(0, 900))
                row: Dict[str, Any] = {"duty": du["id"], "subject": r.choice(subjects), "from": _d(f)}
                if r.random() < 0.8:
                    row["to"] = _d(f + dt.timedelta(days=r.choice([0, 1, 6, 30, 91, 200])))
                exemptions.append(row)
        return exemptions

    def queries(self, ledger: Dict[str, Any]) -> List[Dict[str, Any]]:
        r = self.r
        units = ledger["units"]
        qs: List[Dict[str, Any]] = []
        picks: List[Optional[str]] = r.sample(AS_OFS, 3)
        if r.random() < 0.15:
            picks[0] = None  # the default: the latest progress, activity or observation date
        for as_of in picks:
            q: Dict[str, Any] = {} if as_of is None else {"as_of": as_of}
            c = r.random()
            if c < 0.3:
                q["by"] = r.choice(["area", "block", "village", "road", "enterprise"])
            elif c < 0.5:
                q["scope"] = r.choice([u["id"] for u in units if u["kind"] in ("area", "block")])
                q["by"] = r.choice([None, "village", "enterprise", "road"])
            elif c < 0.6:
                q["scope"] = r.choice([u["id"] for u in units if u["kind"] in ("village", "enterprise", "road")])
                q["by"] = r.choice([None, "workshop", "office"])
            if as_of is not None and r.random() < 0.3:
                a = dt.date.fromisoformat(as_of)
                q["from_"] = _d(a - dt.timedelta(days=r.choice([0, 1, 45, 200, 500])))
            qs.append(q)
        return qs


N_RANDOM = 150


# Known disagreements between the engine and the reference, each with the construct that
# triggers it. A random ledger whose differences all vanish once that construct is removed
# (and touch only the named metrics) is reported as xfail with the disagreement's name; any
# other difference fails.


def _drop_future_task_force_roles(ledger: Dict[str, Any], as_of: str) -> Dict[str, Any]:
    """Without leader/member roles on task-force orgs established after as_of."""
    future = {o["id"] for o in ledger.get("orgs", []) if o["kind"] == "task_force" and o["established"] > as_of}
    out = dict(ledger)
    out["roles"] = [
        r for r in ledger.get("roles", []) if not (r["role"] in ("leader", "member") and r["target"] in future)
    ]
    return out


FUTURE_TASK_FORCE = (
    "DISAGREEMENT future-task-force: cadres.young_on_tasks -- the engine counts a leader/member role "
    "on a task_force org established after as_of; docs/METRICS.md: 'Nothing dated after as_of exists yet: "
    "later ... orgs ... are ignored', so the reference does not"
)

# Resolved: the engine adopted the reference's reading of future task forces. Add an entry
# (reason, metrics, sanitize) here when a new disagreement is found and not yet settled.
KNOWN_DISAGREEMENTS: List[Any] = []


def _known_disagreement(ledger: Dict[str, Any], query: Dict[str, Any], diffs: List[str]) -> Optional[str]:
    as_of = evaluate(ledger, **query)["as_of"]
    metrics = set()
    for line in diffs:
        if not line.startswith("("):
            return None
        metrics.add(line.split("'")[1])
    for reason, names, sanitize in KNOWN_DISAGREEMENTS:
        if not metrics <= names:
            continue
        clean = sanitize(ledger, as_of)
        if not compare(dj.from_json(json.dumps(clean, ensure_ascii=False)), clean, **query):
            return reason
    return None


def check_random(seed: int) -> None:
    g = Gen(seed)
    ledger = g.build()
    ds = dj.from_json(json.dumps(ledger, ensure_ascii=False))
    problems = []
    known = set()
    for q in g.queries(ledger):
        d = compare(ds, ledger, **q)
        if not d:
            continue
        reason = _known_disagreement(ledger, q, d)
        if reason is not None:
            known.add(reason)
        else:
            problems.append(f"query {q}:\n  " + "\n  ".join(d))
    assert not problems, f"seed {seed}: engine and reference differ:\n" + "\n".join(problems)
    if known:
        pytest.xfail("; ".join(sorted(known)))


@pytest.mark.parametrize("seed", range(N_RANDOM))
def test_random_ledger_matches_reference(seed):
    check_random(seed)


# --------------------------------------------------------------------------------------------
# Hand-made edge cases: the reference checked against values worked out by hand from the
# words of docs/METRICS.md, then the engine checked against the reference.
# --------------------------------------------------------------------------------------------


def _ledger(**tables: Any) -> Dict[str, Any]:
    units = [
        {"id": "d0", "kind": "district", "name": "D"},
        {"id": "a0", "kind": "area", "name": "A", "parent": "d0"},
        {"id": "v1", "kind": "village", "name": "V1", "parent": "a0"},
        {"id": "v2", "kind": "village", "name": "V2", "parent": "a0"},
        {"id": "v3", "kind": "village", "name": "V3", "parent": "a0"},
        {"id": "v_old", "kind": "village", "name": "Vold", "parent": "a0", "until": "2018-12-31"},
        {"id": "b0", "kind": "block", "name": "B", "parent": "d0"},
        {"id": "r1", "kind": "road", "name": "R1", "parent": "a0"},
    ]
    units += tables.pop("extra_units", [])
    out: Dict[str, Any] = {"format": "dangjian-ledger/1", "units": units}
    out.update(tables)
    return out


def _task(i: str, deadline: str, start: Optional[str] = None, unit: Optional[str] = "v1", **kw: Any) -> Dict[str, Any]:
    row = {"id": i, "kind": "key_task", "programme": "growth", "title": i, "deadline": deadline}
    if start:
        row["start"] = start
    if unit:
        row["unit"] = unit
    row.update(kw)
    return row


def _prog(i: str, *pts: Any) -> List[Dict[str, Any]]:
    return [{"initiative": i, "date": d, "percent": p} for d, p in pts]


def _people(*rows: Any) -> List[Dict[str, Any]]:
    out = []
    for r in rows:
        pid, birth = r[0], r[1]
        p = {"id": pid, "name": pid}
        if birth:
            p["birth_date"] = birth
        if len(r) > 2 and r[2]:
            p["org"] = r[2]
        if len(r) > 3 and r[3]:
            p["joined"] = r[3]
        if len(r) > 4 and r[4]:
            p["confirmed"] = r[4]
        out.append(p)
    return out


ENT_UNITS = [
    {"id": "e1", "kind": "enterprise", "name": "E1", "parent": "b0", "above_scale": True},
    {"id": "e2", "kind": "enterprise", "name": "E2", "parent": "b0", "above_scale": "是"},
    {"id": "e3", "kind": "enterprise", "name": "E3", "parent": "b0"},
    {"id": "e4", "kind": "enterprise", "name": "E4", "parent": "b0", "above_scale": True, "until": "2019-01-01"},
    {"id": "e5", "kind": "enterprise", "name": "E5", "parent": "b0", "above_scale": True},
    {"id": "e6", "kind": "enterprise", "name": "E6", "parent": "b0", "above_scale": True},
]


def _org(i: str, kind: str, hosts: List[str], est: str = "2010-01-01", **kw: Any) -> Dict[str, Any]:
    row = {"id": i, "kind": kind, "name": i, "hosts": hosts, "established": est}
    row.update(kw)
    return row


EDGE_CASES: List[Any] = [
    # (name, ledger, query, {(metric, scope): value | (value, numerator, denominator)})
    (
        # forecast = 2019-02-09 + ceil(90 / (10/39) - 1e-9) = + 351 days = 2020-01-26 (the
        # quotient is 351.00000000000006: without the slack it would be one day later)
        "forecast rounds up with slack: on the deadline",
        _ledger(initiatives=[_task("t", "2020-01-26", "2019-01-01")], progress=_prog("t", ("2019-02-09", 10))),
        {"as_of": "2019-03-01"},
        {
            ("tasks.forecast_late", "d0"): 0,
            ("tasks.on_track", "d0"): 1,
            ("tasks.spi", "d0"): (0.1 / (59 / 390), 0.1, 59 / 390),
        },
    ),
    (
        "forecast rounds up with slack: a day after the deadline",
        _ledger(initiatives=[_task("t", "2020-01-25", "2019-01-01")], progress=_prog("t", ("2019-02-09", 10))),
        {"as_of": "2019-03-01"},
        {("tasks.forecast_late", "d0"): 1},
    ),
    (
        # expected 3/10 = 0.3, actual 0.2: 0.3 - 0.2 = 0.09999999999999998 >= 0.10 - 1e-9
        "at risk with slack",
        _ledger(initiatives=[_task("t", "2019-07-11", "2019-07-01")], progress=_prog("t", ("2019-07-04", 20))),
        {"as_of": "2019-07-04"},
        {("tasks.at_risk", "d0"): 1, ("tasks.on_track", "d0"): 0},
    ),
    (
        # no start: the effective start is the first update (03-01, 0%); started by the 20%;
        # expected = 121/305; forecast = 05-01 + ceil(80 / (20/61)) = 05-01 + 244 = 12-31
        "no start, first update 0 then 20",
        _ledger(initiatives=[_task("t", "2019-12-31")], progress=_prog("t", ("2019-03-01", 0), ("2019-05-01", 20))),
        {"as_of": "2019-06-30"},
        {
            ("tasks.started", "d0"): (1.0, 1, 1),
            ("tasks.spi", "d0"): (0.2 / (121 / 305), 0.2, 121 / 305),
            ("tasks.forecast_late", "d0"): 0,
        },
    ),
    (
        "no start, only a 0% update: not started",
        _ledger(initiatives=[_task("t", "2019-12-31")], progress=_prog("t", ("2019-03-01", 0), ("2019-05-01", 20))),
        {"as_of": "2019-04-01"},
        {
            ("tasks.not_started", "d0"): 1,
            ("tasks.started", "d0"): (0.0, 0, 1),
            ("tasks.spi", "d0"): (None, 0, 0),
            ("tasks.forecast_late", "d0"): 0,
        },
    ),
    (
        # no start, first update (after the deadline) > 0: expected 1 (deadline <= effective start), overdue
        "no start, first update after the deadline",
        _ledger(initiatives=[_task("t", "2019-03-01", weight=2)], progress=_prog("t", ("2019-04-01", 50))),
        {"as_of": "2019-05-01"},
        {("tasks.overdue", "d0"): 1, ("tasks.spi", "d0"): (0.5, 1.0, 2.0), ("tasks.progress", "d0"): (0.5, 1.0, 2.0)},
    ),
    (
        # deadline == start: expected 1 once started; an update on the start date is a point, so
        # no 0% point is added: points (07-01, 10), (07-05, 30): rate 5/day, forecast 07-05 + 14
        "deadline on the start date; update on the start date",
        _ledger(
            initiatives=[_task("t", "2019-07-01", "2019-07-01")],
            progress=_prog("t", ("2019-07-01", 10), ("2019-07-05", 30)),
        ),
        {"as_of": "2019-07-01"},
        {("tasks.spi", "d0"): (0.1, 0.1, 1.0), ("tasks.at_risk", "d0"): 1, ("tasks.forecast_late", "d0"): 0},
    ),
    (
        # start after as_of, an earlier update > 0: started; expected = clamp((as_of - start)/...) = 0;
        # the 0% point at start (after as_of) makes the rate negative: forecast never -> late
        "start after as_of with an earlier update",
        _ledger(initiatives=[_task("t", "2019-12-31", "2019-08-10")], progress=_prog("t", ("2019-07-01", 10))),
        {"as_of": "2019-07-31"},
        {
            ("tasks.started", "d0"): (1.0, 1, 1),
            ("tasks.on_track", "d0"): 1,
            ("tasks.spi", "d0"): (None, 0.1, 0.0),
            ("tasks.forecast_late", "d0"): 1,
        },
    ),
    (
        # flat progress: rate 0 -> never -> late; a done task is never late; 100 exactly is done
        "forecast never; done",
        _ledger(
            initiatives=[
                _task("t1", "2019-12-31", "2019-01-01"),
                _task("t2", "2019-12-31", "2019-01-01"),
                _task("t3", "2019-12-31", None, unit=None),
            ],
            progress=_prog("t1", ("2019-01-01", 20), ("2019-03-01", 20))
            + _prog("t2", ("2019-03-01", 100))
            + _prog("t3", ("2019-03-01", 99.5)),
        ),
        {"as_of": "2019-07-31", "by": "area"},
        {
            ("tasks.forecast_late", "d0"): 1,
            ("tasks.done", "d0"): 1,
            ("tasks.completed", "d0"): (1 / 3, 1, 3),
            ("tasks.total", "a0"): 2,  # t3 has no unit: the root only
            ("tasks.total", "d0"): 3,
        },
    ),
    (
        "ages in full years on the as-of date",
        _ledger(
            people=_people(("p35", "1984-07-31"), ("p36", "1983-07-31"), ("p35b", "1983-08-01"), ("pnb", None)),
            roles=[
                {"person": p, "role": "staff", "target": "d0", "start": "2019-01-01"}
                for p in ("p35", "p36", "p35b", "pnb")
            ],
        ),
        {"as_of": "2019-07-31"},
        {("cadres.young", "d0"): 2, ("cadres.young_share", "d0"): (0.5, 2, 4), ("cadres.breadth", "d0"): 1.0},
    ),
    (
        "born on 29 February: 35 on 28 February 2020",
        _ledger(
            people=_people(("p", "1984-02-29")),
            roles=[{"person": "p", "role": "leadership", "target": "v1", "start": "2019-01-01"}],
        ),
        {"as_of": "2020-02-28"},
        {("cadres.young", "d0"): 1},
    ),
    (
        "born on 29 February: 36 on 29 February 2020",
        _ledger(
            people=_people(("p", "1984-02-29")),
            roles=[{"person": "p", "role": "leadership", "target": "v1", "start": "2019-01-01"}],
        ),
        {"as_of": "2020-02-29"},
        {("cadres.young", "d0"): 0, ("cadres.young_share", "d0"): (0.0, 0, 1)},
    ),
    (
        # a cadre belongs to a scope through an org active on as_of in it, or an active role
        # targeting it; the cadre role itself may point anywhere. Breadth counts role kinds ever
        # held (started by as_of): staff, member, secretary -> 3.
        "cadre scope, young on tasks, breadth",
        _ledger(
            orgs=[_org("b1", "branch", ["v1"]), _org("tf", "task_force", ["d0"])],
            people=_people(("p1", "1990-01-01", "b1"), ("p2", "1990-01-01"), ("p3", "1990-01-01")),
            initiatives=[_task("t", "2019-12-31", "2019-01-01", unit="v2")],
            roles=[
                {"person": "p1", "role": "staff", "target": "b0", "start": "2019-01-01"},
                {"person": "p1", "role": "member", "target": "tf", "start": "2019-01-01"},
                {"person": "p1", "role": "secretary", "target": "b1", "start": "2018-01-01", "end": "2018-12-31"},
                {"person": "p2", "role": "leader", "target": "t", "start": "2019-01-01"},
                {"person": "p3", "role": "staff", "target": "b0", "start": "2019-01-01"},
                {"person": "p3", "role": "member", "target": "tf", "start": "2019-08-01"},
            ],
        ),
        {"as_of": "2019-07-31", "scope": "a0", "by": "village"},
        {
            ("cadres.young", "a0"): 2,  # p1 (org b1 in v1), p2 (role on t in v2); not p3 (b0)
            ("cadres.young", "v1"): 1,
            ("cadres.young", "v2"): 1,
            ("cadres.young", "v3"): 0,
            ("cadres.young_on_tasks", "a0"): (1.0, 2, 2),
            ("cadres.breadth", "a0"): 2.0,  # p1: staff, member, secretary = 3; p2: leader = 1
        },
    ),
    (
        # term end = 2016-02-29 + 3 years = 2019-02-28 (branch of an enterprise, or first host not a
        # village); + 5 years = 2021-02-28 (committee; first host a village)
        "elections on 29 February, as of 2019-02-28",
        _ledger(
            extra_units=ENT_UNITS[:1],
            orgs=[
                _org("o1", "branch", ["e1"]),
                _org("o2", "committee", ["d0"]),
                _org("o3", "branch", ["v1", "e1"]),
                _org("o4", "branch", ["e1", "v1"]),
                _org("o5", "group", ["e1"]),
            ],
            elections=[{"org": o, "date": "2016-02-29"} for o in ("o1", "o2", "o3", "o4", "o5")]
            + [{"org": "o1", "date": "2015-01-01"}],
        ),
        {"as_of": "2019-02-28"},
        {("orgs.renewal_overdue", "d0"): (0.0, 0, 4), ("orgs.renewal_due", "d0"): 2},
    ),
    (
        "elections on 29 February, as of 2019-03-01",
        _ledger(
            extra_units=ENT_UNITS[:1],
            orgs=[
                _org("o1", "branch", ["e1"]),
                _org("o2", "committee", ["d0"]),
                _org("o3", "branch", ["v1", "e1"]),
                _org("o4", "branch", ["e1", "v1"]),
            ],
            elections=[{"org": o, "date": "2016-02-29"} for o in ("o1", "o2", "o3", "o4")]
            + [{"org": "o2", "date": "2019-03-02"}],
        ),
        {"as_of": "2019-03-01"},
        {("orgs.renewal_overdue", "d0"): (0.5, 2, 4), ("orgs.renewal_due", "d0"): 0},
    ),
    (
        # 2021-02-28 <= 2020-09-01 + 183 days (2021-03-03): due; as of 2020-08-28 (+183 = 2021-02-27) not
        "renewal due within 183 days",
        _ledger(orgs=[_org("o2", "committee", ["d0"])], elections=[{"org": "o2", "date": "2016-02-29"}]),
        {"as_of": "2020-09-01"},
        {("orgs.renewal_due", "d0"): 1, ("orgs.renewal_overdue", "d0"): (0.0, 0, 1)},
    ),
    (
        "renewal not yet due at 184 days",
        _ledger(orgs=[_org("o2", "committee", ["d0"])], elections=[{"org": "o2", "date": "2016-02-29"}]),
        {"as_of": "2020-08-28"},
        {("orgs.renewal_due", "d0"): 0},
    ),
    (
        # one chief from 07-01 (grace 07-01, 07-02), a patrol on 07-05: 07-01..07-10 assessed,
        # complying 07-01, 07-02, 07-05, 07-06, 07-07 -> 5/10, lapse 3 (07-08..07-10); a second
        # chief 07-03..07-06 (grace 07-03, 07-04; 07-05, 07-06 by the patrol) -> 4/4
        "3-day duty: grace days, two chiefs of one road",
        _ledger(
            people=_people(("p1", None), ("p2", None)),
            roles=[
                {"person": "p1", "role": "road_chief", "target": "r1", "start": "2019-07-01"},
                {"person": "p2", "role": "road_chief", "target": "r1", "start": "2019-07-03", "end": "2019-07-06"},
            ],
            activities=[{"kind": "patrol", "date": "2019-07-05", "subject": "r1"}],
            duties=[{"id": "patrol", "activity": "patrol", "applies_to": "role:road_chief", "cadence": "3d"}],
        ),
        {"as_of": "2019-07-10"},
        {
            ("duty.patrol", "d0"): (9 / 14, 9, 14),
            ("duty.patrol.lapse", "d0"): 3,
            ("roads.chief_coverage", "d0"): (1.0, 1, 1),
        },
    ),
    (
        # from 07-02 bounds the assessed days but not the grace (the window starts 07-01)
        "3-day duty: from cuts the assessed days only",
        _ledger(
            people=_people(("p1", None)),
            roles=[{"person": "p1", "role": "road_chief", "target": "r1", "start": "2019-07-01"}],
            activities=[
                {"kind": "patrol", "date": "2019-07-05", "subject": "r1"},
                {"kind": "patrol", "date": "2019-06-30", "subject": "r1"},
            ],
            duties=[{"id": "patrol", "activity": "patrol", "applies_to": "role:road_chief", "cadence": "3d"}],
        ),
        {"as_of": "2019-07-10", "from_": "2019-07-02"},
        {("duty.patrol", "d0"): (4 / 9, 4, 9), ("duty.patrol.lapse", "d0"): 3},
    ),
    (
        # the duty's own from (07-04) starts the obligation window, so the grace too; history
        # before from counts: 07-04, 07-05 grace; 07-06 has 07-05's patrol ... min_count 2 makes
        # every non-grace day fail except when two patrols fall in 3 days (07-05, 07-07: 07-07)
        "3-day duty: duty from, min_count 2",
        _ledger(
            people=_people(("p1", None)),
            roles=[{"person": "p1", "role": "road_chief", "target": "r1", "start": "2019-07-01", "end": "2019-07-09"}],
            activities=[{"kind": "patrol", "date": d, "subject": "r1"} for d in ("2019-07-05", "2019-07-07")],
            duties=[
                {
                    "id": "patrol",
                    "activity": "patrol",
                    "applies_to": "role:road_chief",
                    "cadence": "3d",
                    "min_count": 2,
                    "from": "2019-07-04",
                }
            ],
        ),
        {"as_of": "2019-07-31"},
        # assessed 07-04..07-09 = 6: 04 ok(grace), 05 ok(grace), 06 no, 07 yes, 08 no, 09 no
        {("duty.patrol", "d0"): (3 / 6, 3, 6), ("duty.patrol.lapse", "d0"): 2},
    ),
    (
        # designation 02-15..06-10: months wholly inside are Mar, Apr, May (visits in Mar, May);
        # ISO weeks wholly inside: Mon 02-18 .. Sun 06-09, 16 weeks, visits in 2 of them
        "calendar duties: month and ISO week, partial periods",
        _ledger(
            extra_units=[{"id": "w1", "kind": "workshop", "name": "W1", "parent": "b0"}],
            designations=[{"unit": "w1", "designation": "red_workshop", "since": "2019-02-15", "until": "2019-06-10"}],
            activities=[{"kind": "instructor_visit", "date": d, "subject": "w1"} for d in ("2019-03-05", "2019-05-20")],
            duties=[
                {"id": "m", "activity": "instructor_visit", "applies_to": "designation:red_workshop", "cadence": "1m"},
                {"id": "w", "activity": "instructor_visit", "applies_to": "designation:red_workshop", "cadence": "1w"},
            ],
        ),
        {"as_of": "2019-07-31"},
        {
            ("duty.m", "d0"): (2 / 3, 2, 3),
            ("duty.m.lapse", "d0"): 1,
            ("duty.w", "d0"): (2 / 16, 2, 16),
            ("duty.w.lapse", "d0"): 10,
            ("workshops.red", "d0"): 0,
        },
    ),
    (
        "calendar duties: year, half year, quarter on 31 December",
        _ledger(
            orgs=[_org("o1", "branch", ["v1"])],
            activities=[
                {"kind": "party_lesson", "date": d, "subject": "o1"} for d in ("2019-02-01", "2019-08-01", "2019-09-01")
            ],
            duties=[
                {"id": "y", "activity": "party_lesson", "applies_to": "org:branch", "cadence": "1y"},
                {"id": "h", "activity": "party_lesson", "applies_to": "org:branch", "cadence": "6m", "min_count": 2},
                {"id": "q", "activity": "party_lesson", "applies_to": "org:branch", "cadence": "1q"},
            ],
        ),
        {"as_of": "2019-12-31"},
        {
            ("duty.y", "d0"): (1.0, 1, 1),
            ("duty.y.lapse", "d0"): 0,
            ("duty.h", "d0"): (0.5, 1, 2),
            ("duty.h.lapse", "d0"): 1,
            ("duty.q", "d0"): (0.5, 2, 4),
            ("duty.q.lapse", "d0"): 1,  # Q1 ok, Q2 no, Q3 ok, Q4 no
        },
    ),
    (
        "calendar duties: the year not over yet assesses nothing",
        _ledger(
            orgs=[_org("o1", "branch", ["v1"])],
            activities=[{"kind": "party_lesson", "date": "2019-02-01", "subject": "o1"}],
            duties=[{"id": "y", "activity": "party_lesson", "applies_to": "org:branch", "cadence": "1y"}],
        ),
        {"as_of": "2019-12-30"},
        {("duty.y", "d0"): (None, 0, 0), ("duty.y.lapse", "d0"): None},
    ),
    (
        # ia/ib per unit: v1 10/5 = 2; v2 0/0 divides by zero; v3 lacks ia; the later
        # observation (after as_of) does not exist yet; v_old is not active on as_of
        "formula indicators: missing operands, division by zero",
        _ledger(
            indicators=[
                {"id": "ia", "name": "A", "aggregate": "sum"},
                {"id": "ib", "name": "B", "aggregate": "min"},
                {"id": "q", "name": "Q", "aggregate": "sum", "formula": "ia / ib"},
                {"id": "z", "name": "Z", "aggregate": "max", "formula": "ia / (ib - ib)"},
                {"id": "n", "name": "N", "aggregate": "mean", "formula": "-(ia + 2) * 0.5"},
            ],
            observations=[
                {"indicator": "ia", "unit": "v1", "date": "2019-01-01", "value": 10},
                {"indicator": "ia", "unit": "v1", "date": "2019-08-01", "value": 99},
                {"indicator": "ia", "unit": "v2", "date": "2019-01-01", "value": 0},
                {"indicator": "ia", "unit": "v_old", "date": "2018-01-01", "value": 1000},
                {"indicator": "ib", "unit": "v1", "date": "2019-01-01", "value": 5},
                {"indicator": "ib", "unit": "v2", "date": "2019-01-01", "value": 0},
                {"indicator": "ib", "unit": "v3", "date": "2019-01-01", "value": 3},
            ],
        ),
        {"as_of": "2019-07-31"},
        {
            ("indicator.ia", "d0"): 10.0,
            ("indicator.ib", "d0"): 0.0,
            ("indicator.q", "d0"): 2.0,
            ("indicator.z", "d0"): None,
            ("indicator.n", "d0"): -3.5,  # v1: -6, v2: -1 (v3 lacks ia)
        },
    ),
    (
        # three targets on one metric and scope: the earliest due on/after as_of counts
        "targets: earliest due on or after as_of, baseline",
        _ledger(
            initiatives=[_task("t1", "2019-12-31", "2019-01-01"), _task("t2", "2019-12-31", "2019-01-01")],
            progress=_prog("t1", ("2019-03-01", 100)),
            targets=[
                {"metric": "tasks.completed", "due": "2019-06-30", "value": 0.5},
                {"metric": "tasks.completed", "due": "2019-12-31", "value": 1, "baseline": 0.2},
                {"metric": "tasks.completed", "due": "2020-06-30", "value": 0.9},
                {"metric": "tasks.total", "due": "2019-12-31", "value": 2, "baseline": 2},
                {"metric": "tasks.done", "scope": "a0", "due": "2019-12-31", "value": 4},
            ],
        ),
        {"as_of": "2019-07-31"},
        {
            ("tasks.completed", "d0"): (0.5, 1, 2),
            ("target.tasks.completed", "d0"): (0.3 / 0.8, 0.3, 0.8),
            ("target.tasks.total", "d0"): (None, 0, 0),
        },
    ),
    (
        "targets: due on as_of counts; else the one due last",
        _ledger(
            initiatives=[_task("t1", "2019-12-31", "2019-01-01")],
            targets=[
                {"metric": "tasks.completed", "due": "2019-06-30", "value": 0.5},
                {"metric": "tasks.completed", "due": "2019-12-31", "value": 1, "baseline": 0.2},
            ],
        ),
        {"as_of": "2019-06-30"},
        {("target.tasks.completed", "d0"): (0.0, 0.0, 0.5)},
    ),
    (
        "targets: all due before as_of, the last counts; a null metric gives a null achievement",
        _ledger(
            indicators=[{"id": "ia", "name": "A"}],
            targets=[
                {"metric": "tasks.completed", "due": "2019-06-30", "value": 0.5},
                {"metric": "tasks.completed", "due": "2019-12-31", "value": 1, "baseline": 0.2},
                {"metric": "ia", "scope": "v1", "due": "2019-12-31", "value": 10},
            ],
        ),
        {"as_of": "2020-07-31", "by": "village"},
        {("target.tasks.completed", "d0"): (None, None, 0.8), ("target.ia", "v1"): (None, None, 10)},
    ),
    (
        # e1 own branch; e2 in a joint branch; e3 not above scale; e4 gone; e5 only a group org
        # with an instructor; e6 in a branch hosted by two units (coverage, not its own)
        "coverage: organisation, own organisation, work",
        _ledger(
            extra_units=ENT_UNITS,
            orgs=[
                _org("o1", "branch", ["e1"]),
                _org("oj", "joint_branch", ["e2", "e3"]),
                _org("g5", "group", ["e5"]),
                _org("o6", "branch", ["e6", "e1"]),
                _org("o4", "branch", ["e4"]),
            ],
            people=_people(("p", None)),
            roles=[
                {"person": "p", "role": "instructor", "target": "g5", "start": "2019-01-01"},
                {"person": "p", "role": "instructor", "target": "e3", "start": "2019-01-01"},
            ],
        ),
        {"as_of": "2019-07-31"},
        {
            ("coverage.org", "d0"): (0.75, 3, 4),
            ("coverage.own_org", "d0"): (0.25, 1, 4),
            ("coverage.work", "d0"): (1.0, 4, 4),
        },
    ),
    (
        # Above scale and active: e1, e2, e5, e6 (e3 is not above scale, e4 is gone). Linked on
        # 2019-07-31: e1 directly; e2 through the joint branch oj, dissolved but established
        # (as coverage.work reads "an org of any kind it hosts"). Not linked: e5 (its link ended
        # 06-30), e6 (a link to o6, not established until 09-01, and one starting 08-01). 2/4.
        "coverage: enterprise liaison",
        _ledger(
            extra_units=ENT_UNITS,
            orgs=[
                _org("oj", "joint_branch", ["e2", "e3"], dissolved="2019-03-31"),
                _org("o6", "branch", ["e6"], "2019-09-01"),
            ],
            people=_people(("p", None), ("q", None)),
            roles=[
                {"person": "p", "role": "enterprise_liaison", "target": "e1", "start": "2019-01-01"},
                {"person": "q", "role": "enterprise_liaison", "target": "oj", "start": "2018-01-01"},
                {
                    "person": "p",
                    "role": "enterprise_liaison",
                    "target": "e5",
                    "start": "2018-01-01",
                    "end": "2019-06-30",
                },
                {"person": "q", "role": "enterprise_liaison", "target": "o6", "start": "2019-01-01"},
                {"person": "q", "role": "enterprise_liaison", "target": "e6", "start": "2019-08-01"},
            ],
        ),
        {"as_of": "2019-07-31"},
        {("coverage.liaison", "d0"): (0.5, 2, 4)},
    ),
    (
        # M = 2019-08-31 - 6 months = 2019-02-28. Members of b1 joined by M: p1 (on M), p3;
        # p2 joined after M, p4 has no joined date. p1 is listed (group g1 of b1, 03-01); p3 only
        # on M itself (outside (M, as_of]). b2 recorded no attendance (no people listed).
        "members without organisation life",
        _ledger(
            orgs=[_org("b1", "branch", ["v1"]), _org("g1", "group", ["v1"], parent="b1"), _org("b2", "branch", ["v2"])],
            people=_people(
                ("p1", None, "b1", "2019-02-28"),
                ("p2", None, "b1", "2019-03-01"),
                ("p3", None, "b1", "2018-01-01"),
                ("p4", None, "b1"),
                ("p5", None, "b2", "2018-01-01"),
            ),
            activities=[
                {"kind": "theme_day", "date": "2019-02-28", "subject": "b1", "people": ["p3"]},
                {"kind": "party_lesson", "date": "2019-03-01", "subject": "g1", "people": ["p1"]},
                {"kind": "party_lesson", "date": "2019-04-01", "subject": "b2"},
                {"kind": "work_meeting", "date": "2019-04-01", "subject": "b1", "people": ["p3"]},
            ],
        ),
        {"as_of": "2019-08-31"},
        {("members.no_org_life", "d0"): (0.5, 1, 2)},
    ),
    (
        # 3 formal members confirmed by as_of (one confirmed on as_of); b2 has 2
        "viable branches",
        _ledger(
            orgs=[_org("b1", "branch", ["v1"]), _org("b2", "joint_branch", ["v2", "v3"]), _org("g", "group", ["v1"])],
            people=_people(
                ("p1", None, "b1", "2018-01-01", "2019-01-01"),
                ("p2", None, "b1", "2018-01-01", "2019-01-01"),
                ("p3", None, "b1", "2018-01-01", "2019-07-31"),
                ("p4", None, "b2", "2018-01-01", "2019-01-01"),
                ("p5", None, "b2", "2018-01-01", "2019-08-01"),
                ("p6", None, "b2", "2018-01-01", "2019-01-01"),
            ),
        ),
        {"as_of": "2019-07-31"},
        {("orgs.viable", "d0"): (0.5, 1, 2)},
    ),
    (
        # breakdown rows: units of the kind strictly below the scope active on some day of
        # [from, as_of]; v_old ended 2018-12-31
        "breakdown rows by village, from before v_old ended",
        _ledger(),
        {"as_of": "2019-07-31", "from_": "2018-12-31", "by": "village", "scope": "a0"},
        {("tasks.total", "v_old"): 0, ("tasks.total", "v1"): 0, ("tasks.total", "a0"): 0},
    ),
]


def _expect(rows: Dict[Any, Dict[str, Any]], key: Any, want: Any) -> Optional[str]:
    if key not in rows:
        return f"{key}: no such row"
    r = rows[key]
    if isinstance(want, tuple):
        got = (r["value"], r["numerator"], r["denominator"])
        if not all(_close(a, b) for a, b in zip(got, want)):
            return f"{key}: got {got}, want {want}"
    elif not _close(r["value"], want):
        return f"{key}: got {r['value']!r}, want {want!r}"
    return None


@pytest.mark.parametrize("case", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_reference_edge_case_by_hand(case):
    """The reference itself against values worked out by hand."""
    _, ledger, query, want = case
    rows = {(r["metric"], r["scope"]): r for r in evaluate(ledger, **query)["rows"]}
    bad = [m for m in (_expect(rows, k, v) for k, v in want.items()) if m]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case", EDGE_CASES, ids=[c[0] for c in EDGE_CASES])
def test_engine_edge_case(case):
    _, ledger, query, _ = case
    ds = dj.from_json(json.dumps(ledger, ensure_ascii=False))
    d = compare(ds, ledger, **query)
    assert not d, "engine and reference differ:\n" + "\n".join(d)


def test_breakdown_excludes_units_ended_before_from():
    rows = evaluate(_ledger(), as_of="2019-07-31", by="village")["rows"]
    assert {r["scope"] for r in rows} == {"d0", "v1", "v2", "v3"}


def test_query_errors_agree():
    ledger = _ledger()
    ds = dj.from_json(json.dumps(ledger))
    with pytest.raises(Exception):
        evaluate(ledger)  # no as_of and nothing dated
    with pytest.raises(Exception):
        ds.metrics_json()
    with pytest.raises(Exception):
        evaluate(ledger, as_of="2019-07-31", from_="2019-08-01")
    with pytest.raises(Exception):
        ds.metrics_json(as_of="2019-07-31", from_="2019-08-01")
    for bad in ({"scope": "nowhere"}, {"by": "galaxy"}):
        with pytest.raises(Exception):
            evaluate(ledger, as_of="2019-07-31", **bad)
        with pytest.raises(Exception):
            ds.metrics_json(as_of="2019-07-31", **bad)
    # from == as_of is fine
    assert not compare(ds, ledger, as_of="2019-07-31", from_="2019-07-31")


# --------------------------------------------------------------------------------------------
# The drill-down tables, for the two query knobs metrics_json does not take: the at-risk
# tolerance and the young-cadre age.
# --------------------------------------------------------------------------------------------


def diff_tables(
    engine_rows: List[Dict[str, Any]], ref_rows: List[Dict[str, Any]], key: str, cols: List[str]
) -> List[str]:
    out: List[str] = []
    E = {r[key]: r for r in engine_rows}
    R = {r[key]: r for r in ref_rows}
    for k in sorted(set(E) | set(R)):
        if k not in E or k not in R:
            out.append(f"{k}: only in the {'reference' if k in R else 'engine'}")
            continue
        for c in cols:
            a, b = E[k].get(c), R[k].get(c)
            same = (
                _close(a, b)
                if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
                else a == b
            )
            if not same:
                out.append(f"{k}.{c}: engine {a!r} vs reference {b!r}")
    return out


TASK_COLS = ["status", "started", "actual", "expected", "forecast", "forecast_never"]
CADRE_COLS = ["age", "young", "on_tasks", "breadth"]


def compare_tables(
    ds: dj.Ledger, ledger: Dict[str, Any], as_of: Optional[str], scope: Optional[str], tol: float, age: int
) -> List[str]:
    d = diff_tables(
        ds.tasks(as_of=as_of, scope=scope, at_risk_tolerance=tol).to_pylist(),
        tasks_table(ledger, as_of=as_of, scope=scope, at_risk_tolerance=tol),
        "id",
        TASK_COLS,
    )
    d += diff_tables(
        ds.cadres(as_of=as_of, scope=scope, young_age=age).to_pylist(),
        cadres_table(ledger, as_of=as_of, scope=scope, young_age=age),
        "person",
        CADRE_COLS,
    )
    return d


@pytest.mark.parametrize("tol,age", [(0.10, 35), (0.05, 30), (0.25, 40)])
def test_example_drill_down_matches_reference(example, tol, age):
    ds, ledger = example
    d = compare_tables(ds, ledger, "2019-07-31", None, tol, age)
    d += compare_tables(ds, ledger, "2019-07-31", "huachuan_area", tol, age)
    assert not d, "engine and reference differ:\n" + "\n".join(d)


@pytest.mark.parametrize("seed", range(0, N_RANDOM, 3))
def test_random_drill_down_matches_reference(seed):
    check_random_tables(seed)


def check_random_tables(seed: int) -> None:
    g = Gen(seed)
    ledger = g.build()
    ds = dj.from_json(json.dumps(ledger, ensure_ascii=False))
    problems = []
    known = set()
    for q in g.queries(ledger):
        tol = g.r.choice([0.1, 0.0, 0.2, 0.3333])
        age = g.r.choice([35, 34, 36, 40])
        d = compare_tables(ds, ledger, q.get("as_of"), q.get("scope"), tol, age)
        if d and all(line.endswith(("vs reference False", "vs reference True")) and ".on_tasks:" in line for line in d):
            as_of = evaluate(ledger, **q)["as_of"]
            clean = _drop_future_task_force_roles(ledger, as_of)
            if not compare_tables(
                dj.from_json(json.dumps(clean, ensure_ascii=False)), clean, q.get("as_of"), q.get("scope"), tol, age
            ):
                known.add(FUTURE_TASK_FORCE)
                continue
        if d:
            problems.append(f"query {q} tol {tol} age {age}:\n  " + "\n  ".join(d))
    assert not problems, f"seed {seed}: engine and reference differ:\n" + "\n".join(problems)
    if known:
        pytest.xfail("; ".join(sorted(known)))


# --------------------------------------------------------------------------------------------
# Disagreements, one minimal ledger each
# --------------------------------------------------------------------------------------------


def _future_task_force_ledger() -> Dict[str, Any]:
    return _ledger(
        orgs=[_org("tf", "task_force", ["d0"], est="2019-09-01")],
        people=_people(("p", "1990-01-01")),
        roles=[{"person": "p", "role": "leader", "target": "tf", "start": "2019-01-01"}],
    )


def test_reference_future_task_force_is_not_a_task():
    rows = {(r["metric"], r["scope"]): r for r in evaluate(_future_task_force_ledger(), as_of="2019-07-31")["rows"]}
    assert _expect(rows, ("cadres.young_on_tasks", "d0"), (0.0, 0, 1)) is None


def test_engine_future_task_force_is_not_a_task():
    ledger = _future_task_force_ledger()
    d = compare(dj.from_json(json.dumps(ledger)), ledger, as_of="2019-07-31")
    assert not d, "engine and reference differ:\n" + "\n".join(d)
