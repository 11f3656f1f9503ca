#!/usr/bin/env python3
"""Checks that the core crate's modules import only downward: no `use` of a higher layer,
and no import loop between modules of one floor.

The layers of `crates/dangjian/src`, bottom first (docs/ARCHITECTURE.md, "Layers"):

  0  calendar, envelope, formula,        the model, its column types and table declarations,
     model, rows                        the tables and the envelope of the JSON outputs
  1  ledger, example                     reading, writing and validating ledgers (every form:
                                         CSV, JSON, Excel, SQLite)
  2  metrics                             the catalogue and the engine
  3  report, stats, import, output,      what is built on the metrics; `checked`: loading
     privacy, synth, checked, live       and validating with the catalogue's checks too;
                                         `live`: a ledger in memory taking writes

Inside `metrics/` the floors are: 0 `ix`, `value` and `query` (index numbers, values, the
metric definition type, the query and its answer), 1 `index` (the engine's indexes), 2 `ctx`
(a resolved query, the family trait), 3 the families (`tasks`, `duties`, ...), 4 `catalogue`
(the family list and the plan of a ledger's metrics), 5 `engine` (evaluation), 6 `mod.rs`.
A module may import its own floor only where no loop results.

`use` declarations count (braces included), and so do paths written out in code
(`crate::ledger::load(...)`, `super::engine::Ctx`), only outside comments and
`#[cfg(test)]` modules: tests and doc links may reach anywhere. It also finds modules of the Python package that import each other, and lists metric ids written
as string literals in the crates' code (outside their catalogue definitions, tests and
comments): screens name metrics by their constants (`coverage::ORG`). And it refuses a
web-stack dependency (axum, tokio, utoipa...) in the core's or the Python module's
`Cargo.toml`: the service's crate keeps it. Prints each offence
as `file:line: ...` and exits 1 if there is any.
"""

from __future__ import annotations

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "dangjian" / "src"

LAYERS = {
    "calendar": 0,
    "envelope": 0,
    "formula": 0,
    "model": 0,
    "rows": 0,
    "ledger": 1,
    "example": 1,
    "metrics": 2,
    "report": 3,
    "stats": 3,
    "import": 3,
    "output": 3,
    "privacy": 3,
    "synth": 3,
    "checked": 3,
    "live": 3,
    "partials": 3,
}

METRICS_FLOORS = {
    "ix": 0,
    "value": 0,
    "query": 0,
    "index": 1,
    "ctx": 2,
    "tasks": 3,
    "duties": 3,
    "coverage": 3,
    "cadres": 3,
    "orgs": 3,
    "leading": 3,
    "indicators": 3,
    "targets": 3,
    "catalogue": 4,
    "engine": 5,
    "partial": 5,
    "mod": 6,
}


def module_of(path: pathlib.Path) -> list[str]:
    """`metrics/tasks.rs` -> ["metrics", "tasks"]; `metrics/mod.rs` -> ["metrics", "mod"]."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if len(parts) == 1:
        return parts
    return parts


def code_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside `#[cfg(test)]` modules and comments, numbered from 1."""
    out = []
    skip_depth = None
    depth = 0
    pending_test = False
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if skip_depth is None and stripped.startswith("#[cfg(test)]"):
            pending_test = True
            continue
        opens, closes = line.count("{"), line.count("}")
        if pending_test and skip_depth is None and opens:
            skip_depth = depth
            pending_test = False
        depth += opens - closes
        if skip_depth is not None:
            if depth <= skip_depth:
                skip_depth = None
            continue
        if pending_test and stripped.endswith(";"):
            # `#[cfg(test)] use ...;` or `#[cfg(test)] mod tests;`
            pending_test = False
            continue
        out.append((n, line))
    return out


def uses(text: str) -> list[tuple[int, list[str]]]:
    """Every path a `use` declaration names, as lists of segments, with its line."""
    lines = code_lines(text)
    found = []
    i = 0
    while i < len(lines):
        n, line = lines[i]
        m = re.match(r"\s*(pub(\([^)]*\))?\s+)?use\s+(.*)", line)
        if not m:
            i += 1
            continue
        decl = m.group(3)
        while ";" not in decl and i + 1 < len(lines):
            i += 1
            decl += " " + lines[i][1].strip()
        decl = decl.split(";", 1)[0]
        for path in expand(decl.replace(" ", "")):
            found.append((n, path))
        i += 1
    # Paths written out in code: `crate::a::b`, `super::a`.
    for n, line in lines:
        if re.match(r"\s*(pub(\([^)]*\))?\s+)?use\s", line):
            continue
        code = re.sub(r'"(\\.|[^"\\])*"', '""', line)
        for m in re.finditer(r"\b((?:crate|super)(?:::(?:super|[A-Za-z_][A-Za-z0-9_]*))+)", code):
            found.append((n, m.group(1).split("::")))
    return found


def expand(tree: str) -> list[list[str]]:
    """`crate::a::{b, c::d}` -> [[crate, a, b], [crate, a, c, d]]."""
    depth = 0
    for k, ch in enumerate(tree):
        if ch == "{":
            if depth == 0:
                head = tree[:k].rstrip(":").split("::") if tree[:k] else []
                inner = tree[k + 1 : tree.rindex("}")]
                parts, d, start = [], 0, 0
                for j, c in enumerate(inner):
                    if c == "{":
                        d += 1
                    elif c == "}":
                        d -= 1
                    elif c == "," and d == 0:
                        parts.append(inner[start:j])
                        start = j + 1
                parts.append(inner[start:])
                out = []
                for p in parts:
                    if p:
                        out.extend([[s for s in head if s] + sub for sub in expand(p)])
                return out
            depth += 1
    path = tree.split(" as ")[0].split("as")[0] if " as " in tree else tree
    return [[s for s in path.split("::") if s]]


def resolve(module: list[str], path: list[str]) -> list[str] | None:
    """The crate module a `use` path reaches, or None for another crate."""
    if not path:
        return None
    if path[0] == "crate":
        return path[1:]
    if path[0] == "self":
        base = module[:-1] if module[-1] != "mod" else module[:-1]
        return base + path[1:] if len(module) > 1 else path[1:]
    if path[0] == "super":
        base = module[:-1]  # the folder (for mod.rs, the folder's parent)
        if module[-1] == "mod":
            base = module[:-2]
        rest = path
        while rest and rest[0] == "super":
            rest = rest[1:]
            if rest and rest[0] == "super":
                base = base[:-1]
        return base + rest
    return None


def rank(target: list[str]) -> tuple[int, int] | None:
    if not target or target[0] not in LAYERS:
        return None
    layer = LAYERS[target[0]]
    floor = 0
    if target[0] == "metrics":
        sub = target[1] if len(target) > 1 else "mod"
        floor = METRICS_FLOORS.get(sub, METRICS_FLOORS["mod"])
    return layer, floor


def node(target: list[str], files: set[str]) -> str:
    """The file a module path lands in: `report/svg`, `ledger/mod`, `calendar`."""
    if len(target) > 1 and f"{target[0]}/{target[1]}" in files:
        return f"{target[0]}/{target[1]}"
    if target[0] in files:
        return target[0]
    return f"{target[0]}/mod"


def loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


CRATES = ROOT.parent.parent  # crates/


def metric_literals() -> list[str]:
    """Metric ids written as string literals outside their definition: the catalogue's ids
    are the `MetricId::Catalogue("...")` constants next to each definition; every other
    place names a metric by its constant (`coverage::ORG`) or parses text at the edge."""
    ids = set()
    for f in (ROOT / "metrics").glob("*.rs"):
        ids.update(re.findall(r'MetricId::Catalogue\("([a-z_]+\.[a-z_]+)"\)', f.read_text(encoding="utf-8")))
    if not ids:
        return ["no MetricId::Catalogue constants found in crates/dangjian/src/metrics"]
    pattern = re.compile(r'"(' + "|".join(re.escape(i) for i in sorted(ids)) + r')"')
    out = []
    for path in sorted(CRATES.glob("*/src/**/*.rs")):
        for n, line in code_lines(path.read_text(encoding="utf-8")):
            if "MetricId::Catalogue(" in line or line.strip().startswith(("//", "#[")):
                continue
            for m in pattern.finditer(line):
                out.append(
                    f"{path.relative_to(CRATES.parent)}:{n}: metric `{m.group(1)}` as a literal; use its constant"
                )
    return out


PYTHON = ROOT.parent.parent.parent / "python" / "dangjian"


def python_loops() -> list[str]:
    """Modules of the Python package that import each other (any `from .x import` or
    `from . import x`, at the top or inside a function: both run)."""
    edges: dict[str, set[str]] = {}
    for path in sorted(PYTHON.glob("*.py")):
        me = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\s*from \.(\w*) import (.+)", line)
            if not m:
                continue
            targets = [m.group(1)] if m.group(1) else [t.strip().split(" ")[0] for t in m.group(2).split(",")]
            for t in targets:
                if (PYTHON / f"{t}.py").exists() and t != me:
                    edges.setdefault(me, set()).add(t)
    return ["loop: python/dangjian/" + " -> ".join(g) + " import each other" for g in loops(edges)]


#: The web stack of the service (crates/dangjian-serve): the core and the Python module
#: must not depend on it.
WEB = ("axum", "tokio", "tower", "tower-http", "hyper", "utoipa", "reqwest")


def web_stack() -> list[str]:
    """Crates that name a web-stack dependency, or depend on the service's crate."""
    out = []
    for crate in ("dangjian", "dangjian-py"):
        manifest = CRATES / crate / "Cargo.toml"
        for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
            name = re.match(r"\s*([A-Za-z0-9_-]+)\s*(=|\.workspace)", line)
            if name and (name.group(1) in WEB or name.group(1) == "dangjian-serve"):
                out.append(
                    f"crates/{crate}/Cargo.toml:{n}: `{name.group(1)}`: the web stack belongs to crates/dangjian-serve"
                )
    return out


def main() -> int:
    bad = metric_literals() + python_loops() + web_stack()
    files = set()
    for path in ROOT.rglob("*.rs"):
        files.add("/".join(path.relative_to(ROOT).with_suffix("").parts))
    edges: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.rs")):
        module = module_of(path)
        if module == ["lib"]:
            continue
        me = rank(module)
        src = "/".join(module)
        text = path.read_text(encoding="utf-8")
        for n, used in uses(text):
            target = resolve(module, used)
            them = rank(target) if target else None
            if me is None or them is None:
                continue
            dst = node(target, files)
            if dst != src:
                edges.setdefault(src, set()).add(dst)
            if them > me and not (module[0] == target[0] and target[0] != "metrics"):
                where = path.relative_to(ROOT.parent.parent.parent)
                bad.append(f"{where}:{n}: {src} {me} uses {'::'.join(used)} {them}")
    for group in loops(edges):
        bad.append("loop: " + " -> ".join(group) + " import each other")
    for line in bad:
        print(line)
    if bad:
        print(f"{len(bad)} upward import(s), loop(s) or metric literal(s); see scripts/check_layers.py")
        return 1
    print(
        "layers: every import points down, no files import each other, metrics are named by constants, "
        "the core and the Python module pull in no web stack"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
