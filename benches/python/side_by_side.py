"""Two builds of `dangjian`, side by side on one ledger: is the new one slower?

Runs each executable's `report --data DIR --as-of DATE --format json` in turn, round-robin,
`--repeat` times, each a fresh process with `DANGJIAN_TIMINGS=1`, and prints a markdown
table of medians: wall time, CPU time (user + system, from `wait4`), peak memory, and the
wall time of each phase the command reports (load and validate, `Engine::new`, evaluate,
output), with each build's ratio to the first. The outputs must be byte-equal (exit 1
otherwise). Build the executables in release first, one per checkout, for example:

    git worktree add /tmp/before <rev> && cargo build --release -p dangjian-cli \\
        --manifest-path /tmp/before/Cargo.toml --target-dir /tmp/before-target
    python benches/python/side_by_side.py --data target/bench-ledgers/d20 \\
        before=/tmp/before-target/release/dangjian after=target/release/dangjian

Alternating the builds run by run keeps a drift of the machine's speed out of the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple


def run(exe: str, data: Path, as_of: str) -> Tuple[bytes, float, float, int, Dict[str, float]]:
    """One fresh process: its output, wall and CPU seconds, peak RSS (bytes) and phases,
    from `wait4` on the child (its own usage, not all children's)."""
    env = dict(os.environ, DANGJIAN_TIMINGS="1")
    args = [exe, "report", "--data", str(data), "--as-of", as_of, "--format", "json", "--quiet"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, log = out.read(), err.read().decode(errors="replace")
    if proc.returncode != 0:
        sys.exit(f"{exe} failed ({proc.returncode}): {log[-2000:]}")
    phases = {}
    for line in log.splitlines():
        m = re.match(r"(.+?): ([0-9.]+) s, cpu", line)
        if m:
            phases[m.group(1)] = float(m.group(2))
    return output, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, phases


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", help="NAME=PATH of each dangjian executable, the baseline first")
    ap.add_argument("--data", type=Path, required=True, help="the ledger (a CSV folder)")
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.builds]
    if any(len(b) != 2 for b in builds):
        sys.exit("give each build as NAME=PATH")
    walls: Dict[str, List[float]] = {n: [] for n, _ in builds}
    cpus: Dict[str, List[float]] = {n: [] for n, _ in builds}
    peaks: Dict[str, int] = {n: 0 for n, _ in builds}
    phases: Dict[str, Dict[str, List[float]]] = {n: {} for n, _ in builds}
    outputs: Dict[str, bytes] = {}
    for _ in range(args.repeat):
        for name, exe in builds:
            out, wall, cpu, peak, ph = run(exe, args.data, args.as_of)
            walls[name].append(wall)
            cpus[name].append(cpu)
            peaks[name] = max(peaks[name], peak)
            for k, v in ph.items():
                phases[name].setdefault(k, []).append(v)
            if name in outputs and outputs[name] != out:
                sys.exit(f"{name}: the output changed between runs")
            outputs[name] = out
    base = builds[0][0]
    same = all(o == outputs[base] for o in outputs.values())
    med = statistics.median
    names = [n for n, _ in builds]
    print(
        f"ledger {args.data} ({sum(f.stat().st_size for f in args.data.glob('*.csv')) / 1e6:.1f} MB), as of {args.as_of}, median of {args.repeat}"
    )
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.platform()}; load average {os.getloadavg()[0]:.2f}"
    )
    print()
    print("| measure | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))

    def line(label: str, values: Dict[str, float], unit: str = "s") -> None:
        cells = []
        for n in names:
            v = values[n]
            ratio = v / values[base] if values[base] else float("nan")
            shown = "" if n == base or not values[base] else f" ({ratio:.2f}x)"
            cells.append(f"{v:.3f} {unit}{shown}")
        print(f"| {label} | " + " | ".join(cells) + " |")

    line("wall, whole process", {n: med(walls[n]) for n in names})
    line("CPU, whole process", {n: med(cpus[n]) for n in names})
    for phase in phases[base]:
        if all(phase in phases[n] for n in names):
            line(phase, {n: med(phases[n][phase]) for n in names})
    print("| peak memory (largest of the runs) | " + " | ".join(f"{peaks[n] / 2**20:.0f} MiB" for n in names) + " |")
    print()
    print("outputs byte-equal" if same else "OUTPUTS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
