"""What the Python layer adds over the Rust engine.

For the embedded example and a generated ledger (10 districts, loaded with ``dangjian.load``), times

- engine only: ``ds._native._evaluate_only(as_of=...)`` — ``Engine::new`` + ``evaluate`` in
  Rust, returning only the row count (no conversion);
- ``ds.metrics(as_of=...).to_arrow()`` — the same plus the Arrow table and pyarrow import;
- ``pl.DataFrame(ds.metrics(as_of=...))`` — the same through the PyCapsule stream into polars;
- ``ds.metrics(...).to_pandas()`` and ``ds.metrics_json(...)`` for reference;

each best of N with ``time.perf_counter`` (run round-robin), at the root and ``by="area"``, and prints each
Python path over the engine-only time. A report, not a test: no thresholds.

When the module has no ``_evaluate_only`` (an older build), the baseline falls back to the
command line, ``dangjian report --format json``, whose time includes starting the process
and loading the ledger: the ratios are then not comparable and are marked so.

    python benches/python/overhead.py                     # example + 10 districts (generated if missing)
    python benches/python/overhead.py --data DIR          # another ledger instead
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional, Tuple

import dangjian
import polars as pl

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
from vs_dataframes import ensure_ledger  # noqa: E402


def cli() -> Optional[List[str]]:
    exe = REPO / "target" / "release" / "dangjian"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dangjian")
    return [found] if found else None


def engine_only(
    ds: "dangjian.Ledger", path: Optional[Path], as_of: str, by: Optional[str]
) -> Tuple[Callable[[], object], str]:
    native = ds._native
    if hasattr(native, "_evaluate_only"):
        return (lambda: native._evaluate_only(as_of=as_of, by=by)), "engine only (_evaluate_only)"
    base = cli()
    if base is None:
        raise SystemExit(
            "this dangjian build has no _evaluate_only and no `dangjian` command was found; build the CLI with `cargo build --release -p dangjian-cli`"
        )
    cmd = (
        base
        + ["report", "--as-of", as_of, "--format", "json"]
        + (["--data", str(path)] if path else [])
        + (["--by", by] if by else [])
    )

    def run() -> int:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        return len(json.loads(out)["rows"])

    return run, "CLI report --format json (includes process start + load!)"


def interleaved(n: int, fns: List[Callable[[], object]]) -> List[float]:
    """Best of n for each function, run round-robin so drift (other load, the allocator
    returning memory to the system) hits them all alike."""
    best = [float("inf")] * len(fns)
    for _ in range(n):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def report(name: str, ds: "dangjian.Ledger", path: Optional[Path], as_of: str, n: int) -> None:
    print(f"\n== {name}: " + ", ".join(f"{k}={v}" for k, v in ds.counts.items() if v))
    for by in (None, "area"):
        base_fn, base_label = engine_only(ds, path, as_of, by)
        rows = base_fn()
        paths = [
            ("metrics().to_arrow()", lambda: ds.metrics(as_of=as_of, by=by).to_arrow()),
            ("pl.DataFrame(metrics())", lambda: pl.DataFrame(ds.metrics(as_of=as_of, by=by))),
            ("metrics().to_pandas()", lambda: ds.metrics(as_of=as_of, by=by).to_pandas()),
            ("metrics_json()", lambda: ds.metrics_json(as_of=as_of, by=by)),
        ]
        times = interleaved(n, [base_fn] + [fn for _, fn in paths])
        t_base = times[0]
        print(f"-- by={by or '(none)'}: {rows} rows")
        print(f"   {base_label:58} {t_base * 1e3:>10.2f} ms   1.00x")
        for (label, _), t in zip(paths, times[1:]):
            print(f"   {label:58} {t * 1e3:>10.2f} ms {t / t_base:>6.2f}x  (+{(t - t_base) * 1e3:.2f} ms)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="a ledger (CSV folder or .json) to use instead of a generated one")
    ap.add_argument(
        "--districts",
        type=int,
        default=10,
        help="without --data: generate this many districts (default 10, about the old city preset)",
    )
    ap.add_argument("--as-of", default="2019-07-31")
    ap.add_argument("--repeat", type=int, default=7, help="best of N (default 7)")
    args = ap.parse_args()
    print(
        f"dangjian {dangjian.__version__} from {Path(dangjian.__file__).parent}; polars {pl.__version__}; best of {args.repeat}"
    )
    # Warm the imports the Python paths use, so the first measurement does not pay them.
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401

    report("example (embedded)", dangjian.example(), None, args.as_of, args.repeat)
    path = args.data or ensure_ledger(args.districts, 0)
    t = time.perf_counter()
    ds = dangjian.load(str(path))
    print(f"\n(loaded {path} in {time.perf_counter() - t:.2f} s)")
    report(f"{path.name} ({path})", ds, path, args.as_of, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
