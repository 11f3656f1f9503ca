"""The dashboard page at scale: how long it takes to build and to render, and what it weighs.

    python benches/python/html_page.py                      # the province preset (~100 districts)
    python benches/python/html_page.py --data /tmp/city --repeat 7

Times building the page (``page-time``: load, index, evaluate, the page itself, best of 3)
and the release command line end to end (``dangjian report --format html``), then
opens it in Debian's headless Chromium (``tests/cdp.py``) and reports, best of N fresh
tabs: the first screen rendered (navigation start to the load event and two animation
frames) and the whole page laid out (every section forced visible). It also checks that the
page logs no console error and makes no request but its own. Budgets: render under 2 s,
page under 5 MB.

Without ``--data`` it writes the province preset with ``gen-ledger`` into
``target/bench-ledgers/province`` first (5 GB of memory, about a minute).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from cdp import Browser  # noqa: E402

RENDER_BUDGET_S = 2.0
SIZE_BUDGET_B = 5 * 1024 * 1024

FULL_LAYOUT = """(() => {
  const t = performance.now();
  for (const s of document.querySelectorAll('main > section')) s.style.contentVisibility = 'visible';
  document.body.getBoundingClientRect();
  void document.documentElement.scrollHeight;
  return (performance.now() - t) / 1000;
})()"""


def release_binary(name: str, package: str) -> pathlib.Path:
    exe = ROOT / "target" / "release" / name
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release", "-p", package, "--bins"], cwd=ROOT, check=True)
    return exe


def timed(cmd: list) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="a ledger (CSV folder, .json, .xlsx); default: the province preset")
    ap.add_argument("--repeat", type=int, default=5, help="browser loads, best of (default 5)")
    ap.add_argument("--out", default=str(ROOT / "target" / "bench-pages" / "page.html"), help="where to write the page")
    args = ap.parse_args()

    cli = release_binary("dangjian", "dangjian-cli")
    page_time = release_binary("page-time", "dangjian-benches")
    data = args.data
    if data is None:
        data = str(ROOT / "target" / "bench-ledgers" / "province")
        if not pathlib.Path(data).exists():
            gen = release_binary("gen-ledger", "dangjian-benches")
            print(f"generating the province preset into {data} ...", flush=True)
            subprocess.run([str(gen), "--preset", "province", "--to", data], check=True)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    # The page's cost in the process (load, index, evaluate, the page), then the command end
    # to end as a user runs it.
    phases = subprocess.run(
        [str(page_time), "--data", data, "--repeat", "3", "--to", str(out)], check=True, capture_output=True, text=True
    ).stdout
    html_s = timed([str(cli), "report", "--data", data, "--format", "html", "--to", str(out)])
    size = out.stat().st_size

    first, full = [], []
    with Browser() as b:
        for _ in range(args.repeat):
            page = b.new_page(width=1280, height=900)
            first.append(page.goto(out.as_uri()))
            full.append(first[-1] + page.evaluate(FULL_LAYOUT))
        errors, requests = page.console_errors, page.requests
        rows = page.evaluate("document.querySelectorAll('tr').length")
        elements = page.evaluate("document.querySelectorAll('*').length")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"ledger {data}; page {out}; load average {load:.1f}")
    print(phases.rstrip())
    print("| step | time |")
    print("|---|---:|")
    print(f"| `dangjian report --format html --to PAGE` end to end | {html_s:.1f} s |")
    print(f"| Chromium: first screen rendered (best of {args.repeat}) | {min(first):.2f} s |")
    print(f"| Chromium: the whole page laid out (best of {args.repeat}) | {min(full):.2f} s |")
    print(
        f"page: {size / 1024 / 1024:.2f} MB, {rows} table rows, {elements} elements; console errors {len(errors)}; requests {len(requests)}"
    )
    ok = min(first) < RENDER_BUDGET_S and size < SIZE_BUDGET_B and not errors and requests == [out.as_uri()]
    print("within budget (render < 2 s, size < 5 MB, no error, no request)" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
