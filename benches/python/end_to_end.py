"""End to end, as users run it: every metric at the root of a generated ledger, from its CSV
folder, each tool a fresh process.

For each ledger size (`--districts 20,100`) and id shape (`--ids numbered,uuid,identity`,
default numbered) the ledger is generated with `dangjian generate --districts N --seed S
--ids SHAPE` when missing (under `target/bench-ledgers/`: `districts-N`, `districts-N-uuid`,
`districts-N-identity`), then these run side by side, round-robin, `--repeat` times each:

- `dangjian report --data DIR --as-of DATE --format json` (the release CLI);
- Python: `import dangjian; dangjian.load(DIR).metrics(as_of=DATE)` (the `dangjian` module
  this interpreter imports, or the one in `--pythonpath`; build it in release, see
  benches/README.md);
- `metrics_polars.py DIR --as-of DATE` and `metrics_pandas.py DIR --as-of DATE`: the whole
  of METRICS.md written independently in polars and in pandas;
- with `--only ...,read`: a floor, not a tool: polars reading every CSV file of the folder
  with every column as text (`pl.read_csv(infer_schema=False)`: no types, no checks, no
  metric), then exiting. Nothing that reads every cell can take much less; it gives no
  rows, so it is left out of the row check.

Every tool's rows must equal the CLI's (the script exits 1 otherwise). It prints a markdown
table: the median wall time of each tool (process start to exit: interpreter and imports,
reading the CSV folder, computing, printing) and its ratio to polars, the median CPU time
(user + system: steadier than wall time on a shared machine) and the peak memory (the
largest max RSS of its runs), all from `wait4` on the child, with the machine it ran on.

    python benches/python/end_to_end.py --districts 20,100 --repeat 3 --pythonpath target/pyrel
    python benches/python/end_to_end.py --districts 1 --repeat 1 --only cli,polars   # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
import metrics_common as mc  # noqa: E402

TOOLS = {
    "cli": "`dangjian report`",
    "python": "Python `load` + `metrics`",
    "polars": "polars",
    "pandas": "pandas",
    "read": "polars, reading the text only",
}

# Tools that give no rows to check.
FLOORS = {"read"}

READ_CHILD = """
import sys
from pathlib import Path
import polars as pl
tables = {f.stem: pl.read_csv(f, infer_schema=False) for f in sorted(Path(sys.argv[1]).glob("*.csv"))}
print(sum(t.height for t in tables.values()))
"""

PY_CHILD = """
import json, sys
import dangjian as dj
path, as_of, from_ = sys.argv[1], sys.argv[2], sys.argv[3]
ds = dj.load(path)
rows = ds.metrics(as_of=as_of).to_pylist()
for r in rows:
    due = r.pop("due", None)
    if due is not None:
        r["due"] = due.isoformat()
json.dump({"as_of": as_of, "from": from_, "rows": rows}, sys.stdout)
"""


def run(cmd: List[str], out: Path, env: Dict[str, str] | None = None) -> Dict[str, float]:
    """Runs cmd with stdout to `out`; its wall time (s), CPU time (user + system, s) and max
    RSS (MiB), from wait4."""
    with open(out, "wb") as f:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.PIPE, env=env)
        err = p.stderr.read() if p.stderr else b""
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}


def dangjian_exe(given: str | None) -> Path:
    if given:
        return Path(given)
    exe = REPO / "target" / "release" / "dangjian"
    if not exe.exists():
        print("building the release CLI: cargo build --release -p dangjian-cli", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "-p", "dangjian-cli"], check=True, cwd=REPO)
    return exe


def ensure_ledger(exe: Path, root: Path, districts: int, seed: int, ids: str = "numbered") -> Path:
    """The CSV folder of `districts` districts with ids of the shape `ids`, generated when
    missing."""
    out = root / (
        f"districts-{districts}" + ("" if seed == 0 else f"-seed{seed}") + ("" if ids == "numbered" else f"-{ids}")
    )
    if (out / "units.csv").exists():
        return out
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    # An existing folder is a CSV folder whatever its name (a new `x.partial` would be
    # refused as no ledger form).
    tmp.mkdir()
    t = time.perf_counter()
    cmd = [str(exe), "generate", "--districts", str(districts), "--seed", str(seed), "--ids", ids, "--to", str(tmp)]
    print("generating:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    tmp.rename(out)
    print(f"  in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return out


def ledger_facts(path: Path) -> Dict[str, float]:
    """Row counts of the main tables and the folder's size; reading every file also warms
    the page cache, so every tool starts from the same state."""
    facts: Dict[str, float] = {"bytes": 0}
    for f in sorted(path.glob("*.csv")):
        with open(f, "rb") as fh:
            data = fh.read()
        facts["bytes"] += len(data)
        facts[f.stem] = data.count(b"\n") - 1
    return facts


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    ram = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                ram = f", {int(line.split()[1]) / 1024**2:.1f} GiB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){ram}, {platform.system()} {platform.release()}"


def versions(env: Dict[str, str]) -> str:
    probe = (
        "import sys, dangjian, polars, pandas, numpy, os;"
        "so = dangjian._dangjian.__file__;"
        "print(f'Python {sys.version.split()[0]}, polars {polars.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__};', "
        "f'dangjian module {dangjian.__version__}, {os.path.getsize(so) / 2**20:.0f} MiB', "
        "'(a DEBUG build? build it in release)' if os.path.getsize(so) > 80 * 2**20 else '')"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    return out.stdout.strip() or out.stderr.strip()[-300:]


def git_head() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--districts", default="20,100", help="ledger sizes, comma separated (default 20,100)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--ids",
        default="numbered",
        help="id shapes of the ledgers, comma separated: numbered, uuid, identity (`dangjian generate --ids`)",
    )
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs of each tool per ledger (default 3); the median is reported"
    )
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument(
        "--only", default="cli,python,polars,pandas", help="tools to run (default all: cli,python,polars,pandas)"
    )
    ap.add_argument(
        "--ledgers", type=Path, default=REPO / "target" / "bench-ledgers", help="where generated ledgers are kept"
    )
    ap.add_argument("--dangjian", help="the dangjian executable (default target/release/dangjian, built if missing)")
    ap.add_argument(
        "--pythonpath", help="put this first on PYTHONPATH for the Python runs (e.g. an unpacked release wheel)"
    )
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    args = ap.parse_args()
    tools = [t.strip() for t in args.only.split(",") if t.strip()]
    for t in tools:
        if t not in TOOLS:
            raise SystemExit(f"unknown tool {t!r}: choose from {', '.join(TOOLS)}")
    as_of = dt.date.fromisoformat(args.as_of)
    from_ = dt.date(as_of.year, 1, 1).isoformat()
    exe = dangjian_exe(args.dangjian)
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    py = sys.executable

    def command(tool: str, path: Path) -> List[str]:
        if tool == "cli":
            return [str(exe), "report", "--data", str(path), "--as-of", args.as_of, "--format", "json"]
        if tool == "python":
            return [py, "-c", PY_CHILD, str(path), args.as_of, from_]
        if tool == "read":
            return [py, "-c", READ_CHILD, str(path)]
        return [py, str(HERE / f"metrics_{tool}.py"), str(path), "--as-of", args.as_of]

    results = []
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, ids in [(int(x), i.strip()) for x in args.districts.split(",") for i in args.ids.split(",")]:
            path = ensure_ledger(exe, args.ledgers, n, args.seed, ids)
            facts = ledger_facts(path)
            runs: Dict[str, List[Dict[str, float]]] = {t: [] for t in tools}
            outputs: Dict[str, Path] = {}
            print(
                f"{districts(n)}, {ids} ids: {facts.get('units', 0):,} units, {facts.get('people', 0):,} people, {facts.get('activities', 0):,} activities, {facts['bytes'] / 1e6:.1f} MB",
                file=sys.stderr,
            )
            for r in range(args.repeat):
                for tool in tools:
                    out = Path(tmp) / f"{n}-{ids}-{tool}-{r}.json"
                    m = run(command(tool, path), out, env)
                    runs[tool].append(m)
                    outputs.setdefault(tool, out)
                    print(
                        f"  run {r + 1}/{args.repeat} {tool:7} {m['seconds']:7.2f} s (cpu {m['cpu']:6.2f} s) {m['rss_mib']:7.0f} MiB",
                        file=sys.stderr,
                    )
            # Every tool's rows against the CLI's (or, without the CLI, the first tool's).
            checked = [t for t in tools if t not in FLOORS]
            if not checked:
                raise SystemExit("--only names no tool that computes the metrics")
            ref_tool = "cli" if "cli" in outputs else checked[0]
            ref = json.loads(outputs[ref_tool].read_text())
            agree = {}
            for tool in checked:
                if tool == ref_tool:
                    continue
                diffs = mc.differences(ref, json.loads(outputs[tool].read_text()), (ref_tool, tool))
                agree[tool] = not diffs
                bad += len(diffs)
                for d in diffs[:20]:
                    print(f"  DISAGREE {d}", file=sys.stderr)
            results.append(
                {
                    "districts": n,
                    "ids": ids,
                    "seed": args.seed,
                    "facts": facts,
                    "rows": len(ref["rows"]),
                    "reference": ref_tool,
                    "agree": agree,
                    "runs": runs,
                }
            )

    print_report(results, tools, args, env)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "versions": versions(env), "git": git_head(), "results": results}, indent=1
            )
        )
    if bad:
        print(f"\n{bad} disagreements", file=sys.stderr)
        return 1
    return 0


def print_report(results, tools: List[str], args, env) -> None:
    def med(rs):
        return statistics.median(r["seconds"] for r in rs)

    def label(res) -> str:
        f = res["facts"]
        return f"{name(res)} ({f.get('units', 0) / 1e3:,.0f}k units, {f.get('people', 0) / 1e3:,.0f}k people, {f.get('activities', 0) / 1e3:,.0f}k activities, {f['bytes'] / 1e6:.1f} MB CSV)"

    print(f"\nmachine: {machine()}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}; {versions(env)}; dangjian at {git_head()}")
    print(
        f"median of {args.repeat} runs per tool, round-robin, each a fresh process on a warm page cache; --as-of {args.as_of}, root rows\n"
    )
    head = "| ledger | " + " | ".join(TOOLS[t] for t in tools) + " |"
    print(head)
    print("|---|" + "---:|" * len(tools))
    for res in results:
        base = med(res["runs"]["polars"]) if "polars" in res["runs"] else None
        cells = []
        for t in tools:
            s = med(res["runs"][t])
            cells.append(f"{s:.2f} s" + (f" ({s / base:.2f}x)" if base else ""))
        print(f"| {label(res)} | " + " | ".join(cells) + " |")
    print("\nCPU time (user + system, median; above the wall time when a tool uses both cores):\n")
    print(head)
    print("|---|" + "---:|" * len(tools))
    for res in results:
        cells = [f"{statistics.median(r['cpu'] for r in res['runs'][t]):.2f} s" for t in tools]
        print(f"| {name(res)} | " + " | ".join(cells) + " |")
    print("\npeak memory (max RSS of the process, largest run):\n")
    print(head)
    print("|---|" + "---:|" * len(tools))
    for res in results:
        cells = [fmt_mib(max(r["rss_mib"] for r in res["runs"][t])) for t in tools]
        print(f"| {name(res)} | " + " | ".join(cells) + " |")
    print()
    for res in results:
        others = ", ".join(f"{t} {'agrees' if ok else 'DISAGREES'}" for t, ok in res["agree"].items())
        print(f"{name(res)}: {res['rows']} rows from {res['reference']}; {others or 'nothing to compare'}")


def districts(n: int) -> str:
    return f"{n} district" + ("s" if n != 1 else "")


def name(res) -> str:
    """A ledger's size and, unless numbered, the shape of its ids."""
    ids = res.get("ids", "numbered")
    return districts(res["districts"]) + ("" if ids == "numbered" else f", {ids} ids")


def fmt_mib(m: float) -> str:
    return f"{m / 1024:.2f} GiB" if m >= 1024 else f"{m:.0f} MiB"


if __name__ == "__main__":
    sys.exit(main())
