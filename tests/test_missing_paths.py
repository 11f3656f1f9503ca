"""A path that does not exist raises FileNotFoundError naming it, whatever form the path
names: an .xlsx workbook, a .json file, an SQLite database or a CSV folder (issue 16: it
was ``OSError`` with errno 0)."""

import errno

import dangjian as dj
import pytest


@pytest.mark.parametrize("name", ["missing.xlsx", "missing.json", "missing.sqlite", "missing_folder", "missing.csv"])
def test_a_missing_ledger_path_raises_file_not_found_with_the_path(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(FileNotFoundError) as e:
        dj.load(path)
    assert e.value.errno == errno.ENOENT
    assert e.value.filename == str(path)
    assert str(path) in str(e.value)


def test_an_import_into_a_missing_ledger_raises_file_not_found(tmp_path):
    source = tmp_path / "主题党日.csv"
    source.write_text("所在党支部编码,实际时间,应到人数,实到人数\njiguan1_branch,2019/6/28,15,14\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as e:
        dj.import_rows("owip-theme-days", source, tmp_path / "missing.json")
    assert e.value.filename == str(tmp_path / "missing.json")
