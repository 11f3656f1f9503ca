"""dangjian side by side with the whole of METRICS.md written directly in polars and in
pandas, in one process, phase by phase.

Reads one ledger's CSV folder with each library and computes every metric at the root
(`metrics_polars.py`, `metrics_pandas.py`: independent implementations of the spec), checks
that every row agrees with dangjian's, and prints the time of each phase (read, compute)
and the ratios (dataframe time / dangjian time; above 1 means dangjian is faster).
`end_to_end.py` measures the same work as users see it, each tool a fresh process.

    python benches/python/vs_dataframes.py --data DIR                  # a CSV folder
    python benches/python/vs_dataframes.py --districts 10              # generate it first
    python benches/python/vs_dataframes.py --data DIR --repeat 5 --per-family
    python benches/python/vs_dataframes.py --data DIR --only polars    # one library: its memory

A report, not a test: it fails only when the rows disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Tuple, TypeVar

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
import metrics_common as mc  # noqa: E402

T = TypeVar("T")

# dangjian's metric filters for each family of the dataframe versions.
FAMILY_METRICS = {
    "tasks": ["tasks"],
    "cadres": ["cadres"],
    "leading": ["roads", "villages"],
    "duties": ["duty"],
    "indicators": ["indicator"],
    "coverage": ["coverage"],
    "orgs": ["orgs", "members", "workshops", "committees"],
}


def best_of(n: int, fn: Callable[[], T]) -> Tuple[float, T]:
    """The shortest of n runs (at least one; seconds) and the last result."""
    best, out = float("inf"), None
    for _ in range(max(1, n)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out  # type: ignore[return-value]


def ensure_ledger(districts: int, seed: int) -> Path:
    """`target/bench-ledgers/districts-N`, generated with `dangjian generate` when missing."""
    out = REPO / "target" / "bench-ledgers" / (f"districts-{districts}" + ("" if seed == 0 else f"-seed{seed}"))
    if (out / "units.csv").exists():
        return out
    exe = REPO / "target" / "release" / "dangjian"
    cmd = [str(exe)] if exe.exists() else ["cargo", "run", "--release", "-q", "-p", "dangjian-cli", "--"]
    cmd += ["generate", "--districts", str(districts), "--seed", str(seed), "--to", str(out)]
    print("generating:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, cwd=REPO)
    return out


def dangjian_rows(ds, as_of: str, metrics=None) -> dict:
    rows = ds.metrics(as_of=as_of, metrics=metrics).to_pylist()
    for r in rows:
        due = r.pop("due", None)
        if due is not None:
            r["due"] = due.isoformat()
    return {"as_of": as_of, "from": f"{as_of[:4]}-01-01", "rows": rows}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a ledger CSV folder")
    ap.add_argument(
        "--districts", type=int, default=10, help="without --data: generate this many districts (default 10)"
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    ap.add_argument(
        "--only",
        choices=["dangjian", "polars", "pandas"],
        help="run one library alone (no check): to measure its memory",
    )
    ap.add_argument("--per-family", action="store_true", help="also time each metric family alone")
    args = ap.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    path = args.data or ensure_ledger(args.districts, args.seed)
    n = args.repeat
    libs = [args.only] if args.only else ["dangjian", "polars", "pandas"]
    print(
        f"ledger {path.name}; as_of {as_of}; best of {n}; {os.cpu_count()} cpus; load average {os.getloadavg()[0]:.1f}"
    )

    times: Dict[str, Dict[str, float]] = {}
    per_family: Dict[str, Dict[str, float]] = {f: {} for f in FAMILY_METRICS}
    want = None
    bad = 0
    if "dangjian" in libs:
        import dangjian

        print(
            f"dangjian {dangjian.__version__}, module of {os.path.getsize(dangjian._dangjian.__file__) / 2**20:.0f} MiB (a debug build is 5 to 30 times slower)"
        )
        t_read, ds = best_of(1, lambda: dangjian.load(str(path)))
        print("tables:", ", ".join(f"{k}={v}" for k, v in ds.counts.items()))
        # The first call builds the engine's index; later calls on the same Ledger reuse it.
        t_first, want = best_of(1, lambda: dangjian_rows(ds, args.as_of))
        t_again, _ = best_of(n, lambda: dangjian_rows(ds, args.as_of))
        times["dangjian"] = {"read": t_read, "compute": t_first, "again": t_again}
        if args.per_family:
            for fam, ms in FAMILY_METRICS.items():
                per_family[fam]["dangjian"] = best_of(n, lambda: dangjian_rows(ds, args.as_of, ms))[0]
        del ds

    for name in libs:
        if name == "dangjian":
            continue
        lib = __import__(f"metrics_{name}")
        t_read, tables = best_of(1, lambda: lib.read(path))
        t_comp, got = best_of(n, lambda: lib.compute(tables, as_of))
        times[name] = {"read": t_read, "compute": t_comp}
        if args.per_family:
            for fam in FAMILY_METRICS:
                per_family[fam][name] = best_of(n, lambda: lib.compute(tables, as_of, families=[fam]))[0]
        if want is not None:
            diffs = mc.differences(want, got, ("dangjian", name))
            bad += len(diffs)
            for d in diffs[:20]:
                print("  DISAGREE", d)
            print(
                f"{name}: {len(got['rows'])} rows, {'every one agrees with dangjian' if not diffs else f'{len(diffs)} disagree'}"
            )
        del tables

    base = times.get("dangjian")

    def cells(key: str, values: Dict[str, float]) -> str:
        out = []
        for lib in libs:
            v = values.get(lib)
            if v is None:
                out += ["", ""] if lib != "dangjian" and base else [""]
                continue
            out.append(f"{v:.3f} s")
            if lib != "dangjian" and base:
                ref = per_family[key]["dangjian"] if key in per_family else base[key]
                out.append(f"{v / ref:.2f}x")
        return " | ".join(out)

    head = ["step"] + [
        x for lib in libs for x in ([lib] if lib == "dangjian" or not base else [lib, f"{lib} / dangjian"])
    ]
    print()
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    print(
        "| read the CSV folder (dangjian.load also validates) | "
        + cells("read", {k: v["read"] for k, v in times.items()})
        + " |"
    )
    print(
        "| compute every metric at the root (dangjian: first call, with the index) | "
        + cells("compute", {k: v["compute"] for k, v in times.items()})
        + " |"
    )
    tot = {k: v["read"] + v["compute"] for k, v in times.items()}
    if base:
        base["total"] = tot["dangjian"]
    print("| read + compute | " + cells("total", tot) + " |")
    if base:
        print(f"\ndangjian, later metrics() calls on the same Ledger (index kept): {base['again']:.3f} s")
    if args.per_family:
        print("\ncompute per family (dangjian: later calls, index kept):\n")
        print("| family | " + " | ".join(head[1:]) + " |")
        print("|---|" + "---:|" * (len(head) - 1))
        for fam, v in per_family.items():
            print(f"| {fam} | " + cells(fam, v) + " |")
    print(
        f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB ({', '.join(libs)})"
    )
    if bad:
        print(f"\n{bad} disagreements", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
