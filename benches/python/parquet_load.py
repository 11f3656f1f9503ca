"""Loading a ledger from Parquet against loading it from CSV, and polars reading the Parquet.

For a generated ledger (`dangjian generate --districts N`, written to
`target/bench-ledgers/districts-N` when missing) and its Parquet export (`dangjian export
--format parquet`, `districts-N.parquet` beside it), runs in turn, round-robin, `--repeat`
times, each a fresh process:

- `csv`: `dangjian validate --data CSV-FOLDER` (read, decode and validate everything: what
  `dj.load` does), with `DANGJIAN_TIMINGS=1` for the time to read and decode apart;
- `parquet`: the same on the Parquet folder;
- `polars`: `pl.read_parquet` of every table file of the Parquet folder (reading only: no
  ids, no validation), for the floor a dataframe library sets.

It prints the medians of wall time (process start to exit), of the read-and-decode part,
CPU time (user + system, from `wait4` on the child) and the peak memory (largest max RSS),
each tool's ratio to the CSV load, and the machine. The two dangjian loads must report the
same problems (exit 1 otherwise).

    cargo build --release -p dangjian-cli
    python benches/python/parquet_load.py --districts 100 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[2]

POLARS = """
import sys, pathlib, polars as pl
rows = 0
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.parquet")):
    rows += pl.read_parquet(f).height
print(rows)
"""


def run(cmd: List[str], env: Dict[str, str] | None = None) -> Dict[str, object]:
    """One fresh process: wall and CPU seconds, peak RSS (MiB), the read-and-decode time it
    reports (if any) and its standard output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        output, log = out.read(), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(cmd)} failed ({code}): {log[-2000:]}")
    m = re.search(r"read and decode: ([0-9.]+) s", log)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "read": float(m.group(1)) if m else None,
        "out": output,
    }


def machine() -> str:
    cores = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
        )
        memory = f", {mem / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        memory = ""
    load = os.getloadavg()[0]
    return f"{cores} cores ({model}){memory}, {os.uname().sysname} {os.uname().release}; load average {load:.1f} before"


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--exe", default=str(ROOT / "target" / "release" / "dangjian"))
    ap.add_argument("--python", default=sys.executable, help="the interpreter that has polars")
    ap.add_argument("--only", default="csv,parquet,polars")
    args = ap.parse_args()
    exe = args.exe
    csv = ROOT / "target" / "bench-ledgers" / f"districts-{args.districts}"
    parquet = csv.with_name(csv.name + ".parquet")
    if not csv.is_dir():
        subprocess.run([exe, "generate", "--districts", str(args.districts), "--to", str(csv)], check=True)
    if not parquet.is_dir():
        subprocess.run([exe, "export", "--data", str(csv), "--to", str(parquet), "--format", "parquet"], check=True)
    env = dict(os.environ, DANGJIAN_TIMINGS="1")
    tools = {
        "csv": [exe, "validate", "--data", str(csv)],
        "parquet": [exe, "validate", "--data", str(parquet)],
        "polars": [args.python, "-c", POLARS, str(parquet)],
    }
    tools = {k: v for k, v in tools.items() if k in args.only.split(",")}
    # Warm the page cache: every file read once.
    for folder in (csv, parquet):
        for f in folder.iterdir():
            f.read_bytes()
    results: Dict[str, List[Dict[str, object]]] = {t: [] for t in tools}
    before = machine()
    for i in range(args.repeat):
        for t, cmd in tools.items():
            r = run(cmd, env)
            results[t].append(r)
            print(f"run {i + 1} {t}: {r['wall']:.2f} s", file=sys.stderr)
    if "csv" in results and "parquet" in results:
        # The same problems, located each in its own form (`units.csv:431:7`,
        # `units.parquet[row 429].since`): the same messages in the same order.
        def messages(out: bytes) -> List[str]:
            return [line.split(": ", 1)[-1] for line in out.decode().splitlines()]

        if messages(results["csv"][0]["out"]) != messages(results["parquet"][0]["out"]):
            print("the CSV and Parquet loads report different problems", file=sys.stderr)
            return 1

    def med(t: str, key: str):
        values = [r[key] for r in results[t] if r[key] is not None]
        return statistics.median(values) if values else None

    print(f"\nmachine: {before}; load average {os.getloadavg()[0]:.1f} after")
    print(
        f"ledger: {args.districts} districts, CSV {size(csv) / 2**20:.0f} MiB, Parquet {size(parquet) / 2**20:.0f} MiB; "
        f"median of {args.repeat} fresh processes, round-robin\n"
    )
    print("| tool | wall | read and decode | CPU | peak memory | CSV wall / wall |")
    print("|---|---:|---:|---:|---:|---:|")
    base = med("csv", "wall") if "csv" in results else None
    names = {
        "csv": "dangjian, CSV folder (read, decode, validate)",
        "parquet": "dangjian, Parquet folder (read, decode, validate)",
        "polars": "polars `read_parquet` of every table (read only)",
    }
    for t in tools:
        wall, read = med(t, "wall"), med(t, "read")
        ratio = f"{base / wall:.2f}x" if base else ""
        read_s = f"{read:.2f} s" if read is not None else ""
        rss = max(r["rss"] for r in results[t])
        print(f"| {names[t]} | {wall:.2f} s | {read_s} | {med(t, 'cpu'):.2f} s | {rss:.0f} MiB | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
