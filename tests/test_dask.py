"""`dangjian.dask`: a split ledger evaluated on a local Dask cluster gives the rows of the
whole, row for row (docs: the contract's "On Dask")."""

import csv
import errno
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import dangjian as dj
import dangjian.dask as djd
import distributed
import pytest
from conftest import AS_OF

# A stuck cluster fails the test rather than hanging the suite.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def client():
    # Two worker processes, one thread each, everything (scheduler, workers, nannies, the
    # scheduler's HTTP server) listening on the loopback interface only; closed after the
    # module's tests.
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        memory_limit="2GiB",
    ) as cluster:
        with distributed.Client(cluster, timeout="60s") as c:
            addresses = [c.scheduler.address, *c.scheduler_info()["workers"]]
            assert len(addresses) == 3 and all(a.startswith("tcp://127.0.0.1:") for a in addresses), addresses
            yield c


def split(ledger, kind, to):
    """The ledger cut into its units of `kind` (`dangjian.split`); the manifest's path."""
    dj.split(ledger, kind, to)
    manifest = to / "parts.toml"
    assert manifest.exists()
    return manifest


def rows(table):
    return table.to_pylist()


def same(got, want):
    """Row for row, column for column: equal, numbers to 1e-12 (docs/PARTIALS.md: sums of
    fractions added in another order can differ in the last bits; counts are exact)."""
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert list(g) == list(w)
        for k, x in g.items():
            y = w[k]
            if isinstance(x, float) and isinstance(y, float):
                assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), (k, g, w)
            else:
                assert x == y, (k, g, w)


def without_shared(manifest):
    """The same manifest without its `[shared]` table (written last by split), as a
    hand-made manifest would be."""
    text = manifest.read_text(encoding="utf-8")
    assert "\n[shared]" in text
    manifest.write_text(text.split("\n[shared]")[0] + "\n", encoding="utf-8")
    assert dj.read_manifest(manifest)["shared"] is None


def test_a_ledger_split_by_area_gives_the_rows_of_the_whole(client, tmp_path):
    ds = dj.example()
    manifest = split(ds, "area", tmp_path / "parts")
    # Chengxi has 2 areas: two parts and the top.
    assert len(dj.read_manifest(manifest)["parts"]) == 2
    want = rows(ds.metrics(as_of=AS_OF))
    got = rows(djd.report(manifest, client, as_of=AS_OF))
    same(got, want)
    want = rows(ds.metrics(as_of=AS_OF, by="area"))
    got = rows(djd.report(manifest, client, as_of=AS_OF, by="area"))
    same(got, want)
    # One row per metric and area, and the root's rows: the breakdown really broke down.
    assert {r["scope"] for r in got} >= {r["id"] for r in ds.table("units").to_pylist() if r["kind"] == "area"}


def test_a_tree_of_merges_several_levels_deep_gives_the_same_rows(client, tmp_path):
    # 18 villages: 18 parts and the top, one a task, merged two at a time: 19 -> 10 -> 5
    # -> 3, and the last 2 ... 3 on the client; any grouping gives the same rows (merging
    # is associative).
    ds = dj.example()
    manifest = split(ds, "village", tmp_path / "parts")
    assert len(dj.read_manifest(manifest)["parts"]) == 18
    for by in (None, "area", "village"):
        want = rows(ds.metrics(as_of=AS_OF, by=by, from_="2019-03-01"))
        got = rows(
            djd.report(manifest, client, as_of=AS_OF, by=by, from_="2019-03-01", split_every=2, parts_per_task=1)
        )
        same(got, want)


def test_several_parts_a_task_give_the_same_rows(client, tmp_path):
    # The 19 ledgers 1, 2, 5 and 19 a task (19 a task: one task reads the top once and
    # merges everything), and by default: 2 threads, so 3 a task (19 / 8, rounded up).
    ds = dj.example()
    manifest = split(ds, "village", tmp_path / "parts")
    assert djd._parts_per_task(client, 19) == 3
    want = rows(ds.metrics(as_of=AS_OF, by="area"))
    for per in (1, 2, 5, 19, None):
        same(rows(djd.report(manifest, client, as_of=AS_OF, by="area", parts_per_task=per)), want)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(dj.QueryError, match="parts_per_task"):
            djd.report(manifest, client, as_of=AS_OF, parts_per_task=bad)


def test_a_part_loads_on_a_top_read_before(tmp_path):
    manifest = split(dj.example(), "area", tmp_path / "parts")
    top = dj.load_part(manifest)
    for p in dj.read_manifest(manifest)["parts"]:
        on = dj.load_part(manifest, p["root"], top=top)
        alone = dj.load_part(manifest, p["root"])
        assert on.counts == alone.counts
        assert on.table("units").to_pylist() == alone.table("units").to_pylist()
    # Another partitioned ledger's top is refused, naming the top and the root expected.
    other = dj.generate(districts=1, seed=1)
    with pytest.raises(dj.LedgerError, match="the top"):
        dj.load_part(manifest, "lidian_area", top=other)
    with pytest.raises(TypeError, match="top"):
        dj.load_part(manifest, "lidian_area", top="_top")


def test_without_as_of_and_shared_the_workers_find_the_latest_date_and_the_shared_people(client, tmp_path):
    # A generated ledger of 3 districts split into them: people whose org is in one district
    # and who hold a role in another are in two parts, and must count once.
    ds = dj.generate(districts=3, seed=1)
    manifest = split(ds, "district", tmp_path / "parts")
    assert dj.read_manifest(manifest)["shared"]["people"]
    want = rows(ds.metrics())  # as_of: the latest dated record of the whole
    table = djd.report(manifest, client, split_every=2)
    assert table.kind == "metrics"
    same(rows(table), want)
    without_shared(manifest)
    # Found by the survey round: the same rows as with the manifest's [shared] table.
    same(rows(djd.report(manifest, client)), want)
    same(rows(djd.report(manifest, client, as_of=AS_OF, by="district")), rows(ds.metrics(as_of=AS_OF, by="district")))


def test_the_survey_finds_the_shared_ids_split_wrote_and_the_latest_date(client, tmp_path):
    # The example cut into its 18 villages: 43 people and 1 org in two ledgers or more (the
    # top included), as split finds them; the latest dated record is 2019-07-31.
    m = dj.split(dj.example(), "village", tmp_path / "parts")
    path = str(tmp_path / "parts" / "parts.toml")
    latest, found = djd._survey_round(client, path, m, True, True)
    assert latest == "2019-07-31"
    assert found == {k: sorted(v) for k, v in m["shared"].items()}
    assert len(found["orgs"]) == 1 and len(found["units"]) == 18


def test_a_group_in_another_part_than_its_branch_counts_for_it_without_shared(client, tmp_path):
    # The branch b in village v1, its group g in v2; g's assembly lists m1. By hand: 2 of
    # b's 3 members without organisation life (m3 joined 2018-12-31, before M = 2019-01-31).
    # Without [shared], the survey finds b shared through g's x_split_parent, as split did.
    ledger = tmp_path / "l.json"
    ledger.write_text(
        json.dumps(
            {
                "format": "dangjian-ledger/1",
                "units": [
                    {"id": "d", "kind": "district", "name": "区"},
                    {"id": "v1", "kind": "village", "name": "一村", "parent": "d"},
                    {"id": "v2", "kind": "village", "name": "二村", "parent": "d"},
                ],
                "orgs": [
                    {"id": "b", "kind": "branch", "name": "支部", "hosts": ["v1"], "established": "2010-01-01"},
                    {
                        "id": "g",
                        "kind": "group",
                        "name": "小组",
                        "hosts": ["v2"],
                        "parent": "b",
                        "established": "2010-01-01",
                    },
                ],
                "people": [
                    {"id": "m1", "name": "一", "org": "b", "joined": "2000-01-01"},
                    {"id": "m2", "name": "二", "org": "b", "joined": "2000-01-01"},
                    {"id": "m3", "name": "三", "org": "b", "joined": "2018-12-31"},
                ],
                "activities": [{"kind": "member_assembly", "date": "2019-06-01", "subject": "g", "people": ["m1"]}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ds = dj.load(ledger)
    m = dj.split(ds, "village", tmp_path / "parts")
    assert m["shared"]["orgs"] == ["b"]
    manifest = tmp_path / "parts" / "parts.toml"
    without_shared(manifest)
    got = rows(djd.report(manifest, client, as_of=AS_OF, metrics="members.no_org_life"))
    assert [(r["scope"], r["numerator"], r["denominator"]) for r in got] == [("d", 2.0, 3.0)]
    same(got, rows(ds.metrics(as_of=AS_OF, metrics="members.no_org_life")))


def test_the_shared_ids_are_those_in_two_ledgers_or_more():
    # A in ledgers 1 and 2, B in 1 only (twice in it), C in 3 only.
    assert djd._in_two_or_more([["a", "b", "b"], ["a"], ["c"]]) == ["a"]
    assert djd._in_two_or_more([]) == []


def test_a_part_that_fails_to_load_raises_the_ledger_error_naming_the_part(client, tmp_path):
    manifest = split(dj.example(), "area", tmp_path / "parts")
    part = dj.read_manifest(manifest)["parts"][1]
    units = os.path.join(part["path"], "units.csv")
    with open(units, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    kind = table[0].index("kind")
    table[-1][kind] = "galaxy"  # not a unit kind
    with open(units, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    with pytest.raises(dj.LedgerError) as e:
        djd.report(manifest, client, as_of=AS_OF)
    assert f"part `{part['root']}`" in str(e.value)
    assert any(p["kind"] == "unknown_term" for p in e.value.problems)


def test_a_missing_part_raises_file_not_found_naming_the_part_and_the_path(client, tmp_path):
    # As dj.load_part raises it in one process: the same class, errno and filename.
    manifest = split(dj.example(), "area", tmp_path / "parts")
    part = dj.read_manifest(manifest)["parts"][0]
    shutil.rmtree(part["path"])
    with pytest.raises(FileNotFoundError) as e:
        djd.report(manifest, client, as_of=AS_OF)
    assert f"part `{part['root']}`" in str(e.value)
    assert e.value.filename == part["path"] and e.value.errno == errno.ENOENT


def test_split_every_below_two_is_refused(client, tmp_path):
    with pytest.raises(dj.QueryError, match="split_every"):
        djd.report(tmp_path / "parts.toml", client, as_of=AS_OF, split_every=1)


def run_python(code):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, env=env
    )


def test_without_a_client_the_error_says_how_to_get_one():
    out = run_python(
        """
        import dangjian.dask as djd
        import dangjian as dj
        try:
            djd.report("parts.toml", as_of="2019-07-31")
        except dj.QueryError as e:
            print(e)
        """
    )
    assert out.returncode == 0, out.stderr
    assert "no Dask client" in out.stdout and "client=" in out.stdout


def test_without_dask_the_module_imports_and_report_says_what_to_install():
    # dask is an optional extra: `import dangjian` and `import dangjian.dask` work without it.
    out = run_python(
        """
        import sys
        sys.modules["distributed"] = None  # as if not installed
        import dangjian.dask as djd
        try:
            djd.report("parts.toml", as_of="2019-07-31")
        except ImportError as e:
            print(e)
        """
    )
    assert out.returncode == 0, out.stderr
    assert 'pip install "dangjian[dask]"' in out.stdout
