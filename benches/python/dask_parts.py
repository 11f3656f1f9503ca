"""A partitioned ledger on Dask against one process on the whole (issue 19).

The generated ledger of `--districts` districts (default 100; `dangjian generate` under
`target/bench-ledgers/` when missing) is split into its districts (`dangjian split --by
district`, kept beside it as `districts-N-parts`), then these run round-robin, `--repeat`
times each, with the same query (`--as-of`, `--by`, default `district`):

- one process on the whole: `dj.load(whole).metrics(...)` in a fresh Python process, timed
  inside it (load, validate, index, evaluate; not the interpreter's start);
- `dangjian.dask.report(manifest, client, ...)` on a `LocalCluster` of 1 and of 2 worker
  processes (`--workers 1,2`), one thread each, on 127.0.0.1, started once per size and
  warmed (the workers import dangjian before the first timed run, as long-lived workers
  would have); the parts are loaded and evaluated in the workers.

It prints a markdown table: the median wall time and its ratio to the one process, and the
peak memory: of the one process (its max RSS), of each worker (its high-water mark,
VmHWM, reset before every run; the largest over workers and runs) and of this process while
`report` runs (the client: the last merges and the finish); then the sizes of the
partial results (each part's Arrow IPC bytes, the top's, all of them merged into one)
beside the size of the parts' CSV folders. Every run's rows must equal the one process's
(numbers to 1e-12; exit 1 otherwise).

Build the module in release first (benches/README.md) and pass it with --pythonpath; the
workers get it through PYTHONPATH:

    python benches/python/dask_parts.py --districts 100 --repeat 3 --pythonpath target/pyrel
    python benches/python/dask_parts.py --districts 5 --repeat 1    # quick
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from end_to_end import dangjian_exe, ensure_ledger, fmt_mib, git_head, machine  # noqa: E402

WHOLE_CHILD = """
import json, resource, sys, time
import dangjian as dj
path, as_of, by = sys.argv[1], sys.argv[2], sys.argv[3] or None
t = time.perf_counter()
rows = dj.load(path).metrics(as_of=as_of, by=by).to_pylist()
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
json.dump({"seconds": seconds, "rss_mib": peak, "rows": rows}, sys.stdout, default=str)
"""


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def ensure_parts(exe: Path, whole: Path) -> Path:
    """The whole split into its districts (`dangjian split`), kept beside it; the manifest."""
    out = whole.with_name(whole.name + "-parts")
    if (out / "parts.toml").exists():
        return out / "parts.toml"
    t = time.perf_counter()
    cmd = [str(exe), "split", "--data", str(whole), "--by", "district", "--to", str(out), "--force"]
    print("splitting:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    print(f"  in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return out / "parts.toml"


def same(a: List[Dict[str, Any]], b: List[Dict[str, Any]]) -> bool:
    """Row for row; numbers to 1e-12 (sums of fractions added in another order differ in the
    last bits, docs/PARTIALS.md)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if list(x) != list(y):
            return False
        for k, p in x.items():
            q = y[k]
            if isinstance(p, float) and isinstance(q, float):
                if not math.isclose(p, q, rel_tol=1e-12, abs_tol=1e-12):
                    return False
            elif p != q:
                return False
    return True


# -- in the workers -------------------------------------------------------------------


def _reset_peak() -> int:
    """Resets this process's peak RSS (VmHWM) to its current RSS (Linux: clear_refs 5)."""
    with open(f"/proc/{os.getpid()}/clear_refs", "w") as f:
        f.write("5")
    return os.getpid()


def _peak_mib() -> float:
    """This process's peak RSS since the last reset, MiB."""
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _warm() -> str:
    import dangjian

    return dangjian.__version__


# -------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each (default 3); the median is reported")
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument("--by", default="district", help="a breakdown (default district; empty: the root rows only)")
    ap.add_argument("--workers", default="1,2", help="LocalCluster sizes, comma separated (default 1,2)")
    ap.add_argument("--split-every", type=int, default=8, help="partial results merged at a time (default 8)")
    ap.add_argument(
        "--ledgers", type=Path, default=REPO / "target" / "bench-ledgers", help="where generated ledgers are kept"
    )
    ap.add_argument("--dangjian", help="the dangjian executable (default target/release/dangjian, built if missing)")
    ap.add_argument("--pythonpath", help="put this first on the path of this process, the child and the workers")
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    args = ap.parse_args()
    if args.pythonpath:
        first = str(Path(args.pythonpath).resolve())
        sys.path.insert(0, first)
        # The child and the workers (started below) inherit the environment.
        rest = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = first + (os.pathsep + rest if rest else "")
    import dangjian as dj
    import dangjian.dask as djd
    import distributed

    by = args.by or None
    sizes = [int(x) for x in args.workers.split(",") if x.strip()]
    exe = dangjian_exe(args.dangjian)
    whole = ensure_ledger(exe, args.ledgers, args.districts, args.seed)
    manifest = ensure_parts(exe, whole)
    m = dj.read_manifest(manifest)
    so = Path(dj._dangjian.__file__).stat().st_size
    debug = " (a DEBUG build? build it in release)" if so > 80 * 2**20 else ""
    print(f"{len(m['parts'])} parts and the top; module {so / 2**20:.0f} MiB{debug}", file=sys.stderr)

    runs: Dict[str, List[Dict[str, Any]]] = {"whole": [], **{f"dask{n}": [] for n in sizes}}
    clusters: Dict[int, Any] = {}
    clients: Dict[int, Any] = {}
    bad = 0
    try:
        for n in sizes:
            clusters[n] = distributed.LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
            )
            clients[n] = distributed.Client(clusters[n], set_as_default=False)
            clients[n].run(_warm)
        want: List[Dict[str, Any]] = []
        client_mib = 0.0
        for r in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-c", WHOLE_CHILD, str(whole), args.as_of, args.by],
                check=True,
                capture_output=True,
                text=True,
            )
            one = json.loads(out.stdout)
            want = one.pop("rows")
            runs["whole"].append(one)
            print(
                f"  run {r + 1}/{args.repeat} one process {one['seconds']:7.2f} s {one['rss_mib']:7.0f} MiB",
                file=sys.stderr,
            )
            for n in sizes:
                c = clients[n]
                c.run(_reset_peak)
                _reset_peak()
                t = time.perf_counter()
                table = djd.report(manifest, c, as_of=args.as_of, by=by, split_every=args.split_every)
                seconds = time.perf_counter() - t
                peaks = list(c.run(_peak_mib).values())
                client_peak = _peak_mib()
                client_mib = max(client_mib, client_peak)
                if not same(json.loads(json.dumps(table.to_pylist(), default=str)), want):
                    bad += 1
                    print(f"  DISAGREE: the rows of {n} workers differ from the one process's", file=sys.stderr)
                runs[f"dask{n}"].append({"seconds": seconds, "rss_mib": max(peaks), "workers_mib": peaks})
                print(
                    f"  run {r + 1}/{args.repeat} {n} worker(s)  {seconds:7.2f} s {max(peaks):7.0f} MiB (largest worker)"
                    f" {client_peak:7.0f} MiB (client)",
                    file=sys.stderr,
                )
        # What travels: each ledger's partial result, and all of them merged into one.
        c = clients[sizes[-1]]
        query = {
            "as_of": args.as_of,
            "from_": None,
            "scope": None,
            "by": by,
            "metrics": None,
            "at_risk_tolerance": None,
            "young_age": None,
            "shared": m["shared"],
            "whole_root": m["root"],
        }
        path = os.path.abspath(manifest)
        ledgers = djd._ledgers(m)
        partials = c.gather([c.submit(djd._partials, path, [p], query, key=f"size-{i}") for i, p in enumerate(ledgers)])
        part_sizes = [len(b) for b in partials]
        merged = len(dj.merge(partials, finish=False, ipc=True))
        del partials
    finally:
        for n in clients:
            clients[n].close()
        for n in clusters:
            clusters[n].close()

    shared = m["shared"] or {"people": [], "orgs": []}
    info = {
        "top": part_sizes[0],
        "parts": part_sizes[1:],
        "merged": merged,
        "shared_people": len(shared["people"]),
        "shared_orgs": len(shared["orgs"]),
        "part_bytes": [folder_bytes(Path(p["path"])) for p in m["parts"]],
        "whole_bytes": folder_bytes(whole),
    }
    report(runs, sizes, info, args, len(want), client_mib)
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine(), "git": git_head(), "runs": runs, "sizes": info}, indent=1)
        )
    if bad:
        print(f"\n{bad} disagreements", file=sys.stderr)
        return 1
    return 0


def report(runs, sizes, info, args, rows: int, client_mib: float) -> None:
    def med(key):
        return statistics.median(r["seconds"] for r in runs[key])

    base = med("whole")
    print(f"\nmachine: {machine()}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}; dangjian at {git_head()}")
    print(
        f"{args.districts} districts split into {len(info['parts'])} parts and the top; --as-of {args.as_of}"
        f"{', by ' + args.by if args.by else ', root rows'} ({rows} rows); median of {args.repeat} runs, round-robin;"
        f" split_every {args.split_every}\n"
    )
    print("| run | wall time | ratio | peak memory |")
    print("|---|---:|---:|---:|")
    peak = fmt_mib(max(r["rss_mib"] for r in runs["whole"]))
    print(f"| one process, `dj.load(whole).metrics()` (load included) | {base:.2f} s | 1.00x | {peak} |")
    for n in sizes:
        s = med(f"dask{n}")
        peak = max(r["rss_mib"] for r in runs[f"dask{n}"])
        print(
            f"| `dangjian.dask.report`, LocalCluster of {n} worker{'s' if n > 1 else ''} | {s:.2f} s | {s / base:.2f}x | {fmt_mib(peak)} per worker |"
        )
    print(
        f"\nthe client (this process) during `report`, the last merge and finish included: peak {fmt_mib(client_mib)}"
    )
    parts = info["parts"]
    print(
        f"\npartial results (Arrow IPC): per part {fmt_bytes(min(parts))} to {fmt_bytes(max(parts))} "
        f"(median {fmt_bytes(statistics.median(parts))}), the top {fmt_bytes(info['top'])}, "
        f"all {fmt_bytes(sum(parts) + info['top'])}; merged into one: {fmt_bytes(info['merged'])}; "
        f"{info['shared_people']} shared people, {info['shared_orgs']} shared orgs"
    )
    pb = info["part_bytes"]
    print(
        f"the parts themselves: {fmt_bytes(min(pb))} to {fmt_bytes(max(pb))} each (median {fmt_bytes(statistics.median(pb))}); "
        f"the whole {fmt_bytes(info['whole_bytes'])}"
    )


def fmt_bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


if __name__ == "__main__":
    sys.exit(main())
