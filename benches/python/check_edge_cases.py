"""The polars and pandas versions of METRICS.md against dangjian on small random ledgers
built to hit the spec's edge cases (the generator of `tests/test_reference.py`).

The generated ledgers of the benchmarks are regular; these are not (tasks with no start,
progress going down, dissolved and refounded orgs, instructors on dissolved orgs, Feb 29
births and elections, formulas dividing by zero, calendar duties with their own from/to,
targets due before `as_of`...). A few hand-made ledgers add the readings METRICS.md leaves
open (an update on a start date after `as_of`, org life through a dissolved party group,
duty windows without a start, targets equal to their baseline or due before `as_of`,
formulas dividing by zero, instructors and enterprise liaisons on dissolved or future orgs,
29 February births).
Each ledger is saved as a CSV folder and evaluated at the root at a few dates, with and
without `from`; every row must agree.

    python benches/python/check_edge_cases.py --seeds 200            # both libraries
    python benches/python/check_edge_cases.py --seeds 50 --lib polars

Prints each disagreement once per (library, metric) with the first seed that shows it, and
exits 1 when there is any. Needs the `dangjian` module (a debug build is fine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent / "tests"))

import dangjian as dj  # noqa: E402
import metrics_common as mc  # noqa: E402


def _ledger(**tables):
    """A district, a village, an above-scale enterprise and a road, plus `tables`."""
    units = [
        {"id": "d", "kind": "district", "name": "D"},
        {"id": "v1", "kind": "village", "name": "V1", "parent": "d"},
        {"id": "e1", "kind": "enterprise", "name": "E1", "parent": "v1", "above_scale": True},
        {"id": "r1", "kind": "road", "name": "R1", "parent": "d"},
    ]
    return {"format": "dangjian-ledger/1", "units": units, **tables}


# Hand-made ledgers for the readings METRICS.md leaves to the implementer.
# Two orgs of the enterprise e1: o1 dissolved in 2018, o2 not established until 2019-09-01.
ENTERPRISE_ORGS = [
    {"id": "o1", "kind": "branch", "name": "O", "hosts": "e1", "established": "2010-01-01", "dissolved": "2018-01-01"},
    {"id": "o2", "kind": "branch", "name": "O2", "hosts": "e1", "established": "2019-09-01"},
]

HAND_MADE = {
    # a task whose start is after as_of, started early by updates; one more update on the start day (after as_of)
    "update_on_future_start": _ledger(
        initiatives=[
            {
                "id": "t1",
                "kind": "key_task",
                "programme": "growth",
                "title": "T",
                "unit": "v1",
                "start": "2019-08-10",
                "deadline": "2019-12-31",
            }
        ],
        progress=[
            {"initiative": "t1", "date": "2019-05-01", "percent": 10},
            {"initiative": "t1", "date": "2019-06-01", "percent": 30},
            {"initiative": "t1", "date": "2019-08-10", "percent": 40},
        ],
    ),
    # progress going down: actual is the latest
    "progress_down": _ledger(
        initiatives=[
            {
                "id": "t1",
                "kind": "key_task",
                "programme": "growth",
                "title": "T",
                "unit": "v1",
                "start": "2019-03-01",
                "deadline": "2019-12-31",
            }
        ],
        progress=[
            {"initiative": "t1", "date": "2019-05-01", "percent": 50},
            {"initiative": "t1", "date": "2019-06-01", "percent": 30},
        ],
    ),
    # a target equal to its baseline; a target due before as_of only; a target on an indicator
    "targets": _ledger(
        targets=[
            {"metric": "roads.chief_coverage", "due": "2019-12-31", "value": 0.5, "baseline": 0.5},
            {"metric": "coverage.org", "due": "2019-03-31", "value": 1},
            {"metric": "coverage.org", "due": "2019-05-31", "value": 0.8},
            {"metric": "pop", "due": "2019-12-31", "value": 100},
        ],
        indicators=[
            {"id": "pop", "name": "P"},
            {"id": "half", "name": "H", "formula": "pop / (pop - pop) + 1"},
            {"id": "neg", "name": "N", "formula": "-pop*2", "aggregate": "min"},
        ],
        observations=[
            {"indicator": "pop", "unit": "v1", "date": "2019-01-01", "value": 40},
            {"indicator": "pop", "unit": "e1", "date": "2019-09-01", "value": 7},
        ],
    ),
    # org life only through a dissolved group's meeting; a member listed only in another org's meeting
    "org_life_groups": _ledger(
        orgs=[
            {"id": "b1", "kind": "branch", "name": "B", "hosts": "v1", "established": "2010-01-01"},
            {
                "id": "g1",
                "kind": "group",
                "name": "G",
                "hosts": "v1",
                "parent": "b1",
                "established": "2010-01-01",
                "dissolved": "2019-03-01",
            },
            {"id": "b2", "kind": "branch", "name": "B2", "hosts": "e1", "established": "2010-01-01"},
        ],
        people=[
            {"id": "p1", "name": "a", "org": "b1", "joined": "2000-01-01"},
            {"id": "p2", "name": "b", "org": "b1", "joined": "2000-01-01"},
            {"id": "p3", "name": "c", "org": "g1", "joined": "2000-01-01"},
            {"id": "p4", "name": "d", "org": "b2", "joined": "2000-01-01"},
            {"id": "p5", "name": "e", "org": "b1"},
        ],
        activities=[
            {"kind": "group_meeting", "date": "2019-02-15", "subject": "g1", "people": "p1;p3"},
            {"kind": "theme_day", "date": "2019-05-15", "subject": "b2", "people": "p2"},
        ],
    ),
    # a unit duty on units with no since (no grace), a calendar duty with its own from/to, a weekly duty
    "duty_windows": _ledger(
        duties=[
            {"id": "vp", "activity": "patrol", "applies_to": "unit:road", "cadence": "5d"},
            {
                "id": "vm",
                "activity": "visit",
                "applies_to": "unit:village",
                "cadence": "1m",
                "min_count": 2,
                "from": "2019-02-10",
                "to": "2019-06-30",
            },
            {"id": "vw", "activity": "visit", "applies_to": "unit:village", "cadence": "1w"},
            {"id": "vh", "activity": "visit", "applies_to": "unit:village", "cadence": "6m"},
            {"id": "none", "activity": "visit", "applies_to": "org:branch", "cadence": "1y"},
        ],
        activities=[
            {"kind": "patrol", "date": "2018-12-30", "subject": "r1"},
            {"kind": "patrol", "date": "2019-03-01", "subject": "r1"},
            {"kind": "visit", "date": "2019-03-03", "subject": "v1"},
            {"kind": "visit", "date": "2019-03-04", "subject": "v1"},
            {"kind": "visit", "date": "2019-05-03", "subject": "v1"},
        ],
    ),
    # an instructor on a dissolved org of the enterprise, and one on an org established after as_of
    "instructors": _ledger(
        orgs=ENTERPRISE_ORGS,
        people=[
            {"id": "p1", "name": "a", "birth_date": "1984-07-31"},
            {"id": "p2", "name": "b", "birth_date": "1984-08-01"},
            {"id": "p3", "name": "c", "birth_date": "1984-02-29"},
        ],
        roles=[
            {"person": "p1", "role": "instructor", "target": "o1", "start": "2018-01-01"},
            {"person": "p2", "role": "instructor", "target": "o2", "start": "2019-01-01"},
            {"person": "p1", "role": "staff", "target": "d", "start": "2019-01-01"},
            {"person": "p2", "role": "staff", "target": "d", "start": "2019-01-01"},
            {"person": "p3", "role": "leader", "target": "o2", "start": "2019-01-01"},
        ],
    ),
    # enterprise liaison (coverage.liaison): a link through a dissolved org of the enterprise
    # counts until it ends (2019-08-05), one through an org established after as_of does not
    "liaisons": _ledger(
        orgs=ENTERPRISE_ORGS,
        people=[{"id": "p1", "name": "a"}, {"id": "p2", "name": "b"}],
        roles=[
            {"person": "p1", "role": "enterprise_liaison", "target": "o1", "start": "2018-01-01", "end": "2019-08-05"},
            {"person": "p2", "role": "enterprise_liaison", "target": "o2", "start": "2019-01-01"},
            {"person": "p2", "role": "leadership", "target": "d", "start": "2019-01-01"},
        ],
    ),
}


def hand_made():
    """(name, ledger, as_of dates) of the hand-made cases."""
    for name, ledger in HAND_MADE.items():
        yield name, ledger, ["2019-07-31", "2019-08-10", "2020-02-29"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--lib", default="polars,pandas")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every differing row")
    args = ap.parse_args()
    from test_reference import AS_OFS, Gen  # the reference test's random ledgers

    libs = {}
    for name in args.lib.split(","):
        libs[name] = __import__(f"metrics_{name}")
    seen = {}
    checked = 0

    def ledgers():
        yield from hand_made()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            g = Gen(seed)
            ledger = g.build()
            queries = []
            for as_of in g.r.sample(AS_OFS, 2):
                a = dt.date.fromisoformat(as_of)
                queries += [(as_of, None), (as_of, a - dt.timedelta(days=g.r.choice([0, 45, 200, 500])))]
            yield f"seed {seed}", ledger, queries

    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, ledger, queries) in enumerate(ledgers()):
            ds = dj.from_json(json.dumps(ledger, ensure_ascii=False))
            path = Path(tmp) / f"l{k}"
            ds.save(path)
            tables = {name: lib.read(path) for name, lib in libs.items()}
            for q in queries:
                as_of, from_ = q if isinstance(q, tuple) else (q, None)
                a = dt.date.fromisoformat(as_of)
                want = ds.metrics_json(as_of=as_of, from_=None if from_ is None else from_.isoformat())
                for name, lib in libs.items():
                    got = lib.compute(tables[name], a, from_)
                    checked += 1
                    for d in mc.differences(want, got, ("dangjian", name)):
                        key = (name, d.split(" @ ")[0])
                        if key not in seen or args.verbose:
                            seen.setdefault(key, d)
                            print(f"{label}, as_of {as_of}, from {from_}: {d}")
    print(
        f"{checked} evaluations over {len(HAND_MADE)} hand-made and {args.seeds} random ledgers; {len(seen)} (library, metric) pairs disagree"
    )
    return 1 if seen else 0


if __name__ == "__main__":
    sys.exit(main())
