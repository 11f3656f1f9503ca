"""A partitioned ledger on Dask against one process on the whole (issue 19).

    python benches/python/dask_parts.py --districts 100 --repeat 3 --pythonpath target/pyrel

Generates ``target/bench-ledgers/districts-N`` when missing (``dangjian generate``), splits it
into its districts (``dangjian split --by district``, kept beside it), then times, each
``--repeat`` times:

- ``one process``: ``dj.load(whole).metrics(as_of=..., by="district")`` in a fresh process
  (load, validate, index, evaluate), with its peak memory;
- ``dask, W workers`` for W in ``--workers`` (default 1,2): ``dangjian.dask.report`` on a
  ``LocalCluster`` of W worker processes (one thread each, 127.0.0.1), started before the
  timing; the peak memory of each worker process (sampled every 50 ms) and the bytes of the
  partial results.

The rows are checked equal (1e-12 relative) each time. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AS_OF = "2019-07-31"

ONE_PROCESS = """
import resource, sys, time, json
sys.path.insert(0, {pythonpath!r}) if {pythonpath!r} else None
import dangjian as dj
t = time.perf_counter()
rows = dj.load({whole!r}).metrics(as_of={as_of!r}, by="district").to_pylist()
secs = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"secs": secs, "peak": peak, "rows": rows}}, default=str))
"""


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def same(a, b) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if (x["metric"], x["scope"]) != (y["metric"], y["scope"]):
            return False
        for k in ("value", "numerator", "denominator"):
            p, q = x[k], y[k]
            if (p is None) != (q is None):
                return False
            if p is not None and not math.isclose(p, q, rel_tol=1e-12, abs_tol=1e-12):
                return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--pythonpath", default="", help="a release build of the module (see benches/README.md)")
    args = ap.parse_args()
    if args.pythonpath:
        sys.path.insert(0, os.path.abspath(args.pythonpath))
    import dangjian as dj
    import dangjian.dask as djd
    from distributed import Client, LocalCluster

    dangjian_cli = os.path.join(ROOT, "target", "release", "dangjian")
    bench = os.path.join(ROOT, "target", "bench-ledgers")
    whole = os.path.join(bench, f"districts-{args.districts}")
    parts = whole + "-parts"
    if not os.path.isdir(whole):
        subprocess.run([dangjian_cli, "generate", "--districts", str(args.districts), "--to", whole], check=True)
    if not os.path.isfile(os.path.join(parts, "parts.toml")):
        subprocess.run(
            [dangjian_cli, "split", "--data", whole, "--by", "district", "--to", parts, "--force"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    manifest = os.path.join(parts, "parts.toml")
    print(f"# {whole}: {args.districts} districts, split into {parts}", flush=True)

    code = ONE_PROCESS.format(
        pythonpath=os.path.abspath(args.pythonpath) if args.pythonpath else "", whole=whole, as_of=AS_OF
    )
    results = []
    reference = None
    one = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
        import json

        r = json.loads(out)
        reference = reference or r["rows"]
        one.append((r["secs"], r["peak"]))
    best = min(one)
    results.append(("one process on the whole", best[0], best[1], "", ""))

    env_path = os.path.abspath(args.pythonpath) if args.pythonpath else ""
    if env_path:
        os.environ["PYTHONPATH"] = env_path + os.pathsep + os.environ.get("PYTHONPATH", "")
    for w in [int(x) for x in args.workers.split(",")]:
        with (
            LocalCluster(
                n_workers=w, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            pids = list(client.run(os.getpid).values())
            times, peaks = [], []
            sizes = []
            for _ in range(args.repeat):
                peak = {p: 0 for p in pids}
                stop = threading.Event()

                def sample(peak=peak, stop=stop):
                    while not stop.is_set():
                        for p in peak:
                            peak[p] = max(peak[p], rss(p))
                        time.sleep(0.05)

                th = threading.Thread(target=sample)
                th.start()
                t = time.perf_counter()
                rows = djd.report(manifest, client, as_of=AS_OF, by="district").to_pylist()
                times.append(time.perf_counter() - t)
                stop.set()
                th.join()
                peaks.append(max(peak.values()))
                if not same(rows, reference):
                    print("MISMATCH: dask rows differ from one process", file=sys.stderr)
                    return 1
            # The partial results' sizes (one part at a time, in this process).
            m = dj.read_manifest(manifest)
            for part in [None] + [p["root"] for p in m["parts"]][:5]:
                b = dj.load_part(manifest, part).partial(
                    as_of=AS_OF, by="district", shared=m["shared"], whole_root=m["root"], ipc=True
                )
                sizes.append(len(b))
            results.append(
                (
                    f"dangjian.dask, {w} worker{'s' if w > 1 else ''}",
                    min(times),
                    min(peaks),
                    f"{min(sizes[1:]) / 1024:.1f}-{max(sizes[1:]) / 1024:.1f} KB a district, {sizes[0] / 1024:.1f} KB the top",
                    "",
                )
            )
    base = results[0][1]
    print("| run | best of {} s | vs one process | peak memory (per worker) | partial results |".format(args.repeat))
    print("|---|---:|---:|---:|---|")
    for name, secs, peak, size, _ in results:
        print(f"| {name} | {secs:.2f} | {secs / base:.2f}x | {peak / 2**20:.0f} MiB | {size} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
