"""Partitioned ledgers from Python (docs/PARTIALS.md, "Parts"): split, read_manifest,
load_part."""

import doctest
import os

import dangjian as dj
import pytest


def test_the_docstring_examples_run():
    from dangjian import _parts

    result = doctest.testmod(_parts, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_split_by_area_writes_the_top_and_two_areas(tmp_path):
    to = tmp_path / "parts"
    m = dj.split(dj.example(), "area", to)
    assert m["root"] == "chengxi"
    assert m["top"] == os.path.join(os.path.abspath(to), "_top")
    assert [p["root"] for p in m["parts"]] == ["huachuan_area", "lidian_area"]
    assert [os.path.basename(p["path"]) for p in m["parts"]] == ["huachuan_area", "lidian_area"]
    assert sorted(os.listdir(to)) == ["_top", "huachuan_area", "lidian_area", "parts.toml"]
    # What split returns is what the manifest says.
    assert dj.read_manifest(to / "parts.toml") == m
    shared = m["shared"]
    assert shared is not None and shared["people"] == sorted(shared["people"])
    # units.csv of the example: 18 units at or below lidian_area; the top holds the 126
    # units below neither area, and both areas.
    lidian = dj.load_part(to / "parts.toml", "lidian_area")
    assert lidian.counts["units"] == 18
    assert lidian.root == ("lidian_area", "李店片")
    assert dj.load_part(to / "parts.toml").counts["units"] == 128
    # By path too.
    assert dj.load_part(to / "parts.toml", m["parts"][1]["path"]).counts["units"] == 18
    # Each validates on its own.
    for part in [None, "huachuan_area", "lidian_area"]:
        problems = dj.load_part(to / "parts.toml", part).validate()
        assert [p for p in problems if p["severity"] == "error"] == []


@pytest.mark.parametrize("format, suffix", [("json", ".json"), ("xlsx", ".xlsx"), ("sqlite", ".sqlite")])
def test_split_writes_each_form(tmp_path, format, suffix):
    m = dj.split(dj.example(), "block", tmp_path / "p", format=format)
    assert m["top"].endswith("_top" + suffix)
    assert [p["root"] for p in m["parts"]] == ["meitang_block", "huachuan_block"]
    assert dj.load_part(tmp_path / "p" / "parts.toml", "huachuan_block").root[0] == "huachuan_block"


def test_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(dj.LedgerError, match=r"already holds notes.txt; split writes a new folder"):
        dj.split(dj.example(), "area", tmp_path)
    dj.split(dj.example(), "area", tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "parts.toml").exists()


def test_bad_arguments_are_query_errors(tmp_path):
    with pytest.raises(dj.QueryError, match="`by`"):
        dj.split(dj.example(), "town", tmp_path / "a")  # type: ignore[arg-type]
    with pytest.raises(dj.QueryError, match='`format` is `parquet!`; use "csv"'):
        dj.split(dj.example(), "area", tmp_path / "b", format="parquet!")  # type: ignore[arg-type]
    # The example's only district is its root, which is never a part.
    with pytest.raises(dj.QueryError, match="no unit below the root `chengxi` is of kind `district`"):
        dj.split(dj.example(), "district", tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_manifest_errors(tmp_path):
    path = tmp_path / "parts.toml"
    with pytest.raises(FileNotFoundError):
        dj.read_manifest(path)
    path.write_text('root = "nation"\n[[part]]\npath = "a"\nroot = "a"\n')
    with pytest.raises(dj.LedgerError, match="missing field `top`"):
        dj.read_manifest(path)
    path.write_text('root = "nation"\ntop = "_top"\n[[part]]\npath = "a"\nroot = "a"\n')
    m = dj.read_manifest(path)
    assert m["shared"] is None and m["top"] == os.path.join(os.path.abspath(tmp_path), "_top")
    # The top is not there.
    with pytest.raises(FileNotFoundError):
        dj.load_part(path)


def test_load_part_names_what_it_does_not_find(tmp_path):
    dj.split(dj.example(), "area", tmp_path / "p")
    with pytest.raises(dj.LedgerError, match="no part has root or path `nowhere`; its parts are `huachuan_area`"):
        dj.load_part(tmp_path / "p" / "parts.toml", "nowhere")
    # A part that does not validate says which, with its problems.
    (tmp_path / "p" / "lidian_area" / "units.csv").write_text("id,kind,name\nlidian_area,town,李店片\n")
    with pytest.raises(dj.LedgerError) as e:
        dj.load_part(tmp_path / "p" / "parts.toml", "lidian_area")
    assert str(e.value).startswith("part `lidian_area` (")
    assert e.value.problems and e.value.problems[0]["kind"] == "unknown_term"
