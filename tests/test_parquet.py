"""The Parquet form from Python (docs/LEDGER.md, "The Parquet form"): ``dj.load`` of a folder
of ``<table>.parquet`` files gives the rows the CSV folder gives, the files are typed for
other tools, and a broken file written by pyarrow or pandas is refused with located
problems."""

import dangjian as dj
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import AS_OF

TABLES = ["units", "orgs", "people", "roles", "initiatives", "progress", "activities", "duties"]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """The example as a CSV folder and as a Parquet folder."""
    root = tmp_path_factory.mktemp("forms")
    dj.example().save(root / "csv")
    dj.example().save(root / "ledger.parquet")
    return root / "csv", root / "ledger.parquet"


def test_a_parquet_folder_loads_the_rows_of_the_csv_folder(folders):
    csv, parquet = folders
    assert (parquet / "activities.parquet").is_file()
    from_csv, from_parquet = dj.load(csv), dj.load(parquet)
    for name in TABLES:
        assert from_parquet.table(name).to_arrow() == from_csv.table(name).to_arrow(), name
    # docs/DOMAIN.md: 25 of the 33 key tasks started by 2019-07-31.
    row = from_parquet.metrics(as_of=AS_OF, metrics="tasks.started").to_pylist()[0]
    assert (row["numerator"], row["denominator"]) == (25, 33)


def test_the_files_are_typed_for_other_tools(folders):
    _, parquet = folders
    schema = pq.read_schema(parquet / "activities.parquet")
    assert schema.field("date").type == pa.date32()
    assert schema.field("people").type == pa.list_(pa.string())
    assert schema.field("expected").type == pa.int64()
    assert pq.read_schema(parquet / "units.parquet").field("above_scale").type == pa.bool_()
    # The same rows as the ledger's own typed table.
    activities = pq.read_table(parquet / "activities.parquet")
    assert activities.num_rows == dj.example().table("activities").to_arrow().num_rows


def test_a_bad_date_written_by_pyarrow_is_located_by_file_row_and_column(folders, tmp_path):
    _, parquet = folders
    broken = tmp_path / "broken"
    dj.load(parquet).save(broken / "x.parquet")
    path = broken / "x.parquet" / "activities.parquet"
    table = pq.read_table(path)
    dates = [d.isoformat() for d in table.column("date").to_pylist()]
    dates[17] = "2019-13-01"
    table = table.set_column(table.schema.get_field_index("date"), "date", pa.array(dates, pa.string()))
    pq.write_table(table, path)
    with pytest.raises(dj.LedgerError) as e:
        dj.load(broken / "x.parquet")
    p = e.value.problems[0]
    assert p["location"] == "activities.parquet[row 17].date"
    assert (p["form"], p["file"], p["row"], p["field"]) == ("parquet", "activities.parquet", 17, "date")
    assert p["kind"] == "bad_date"
    assert p["message"] == "`2019-13-01` in `date` is not a date; write YYYY-MM-DD"


def test_a_column_of_the_wrong_type_is_refused_at_the_column(tmp_path):
    folder = tmp_path / "l.parquet"
    dj.template().save(folder)
    path = folder / "people.parquet"
    table = pq.read_table(path)
    # Birth dates as numbers (19900101): not dates.
    numbers = pa.array([19900101] * table.num_rows, pa.int64())
    table = table.set_column(table.schema.get_field_index("birth_date"), "birth_date", numbers)
    pq.write_table(table, path)
    with pytest.raises(dj.LedgerError) as e:
        dj.load(folder)
    p = e.value.problems[0]
    assert p["location"] == "people.parquet.birth_date"
    assert (p["form"], p["row"], p["field"], p["kind"]) == ("parquet", None, "birth_date", "column_type")
    assert p["message"].startswith("column `birth_date` is int64; `birth_date` of people is date32")


def test_pandas_timestamps_and_integers_with_gaps_read_as_dates_and_counts(tmp_path):
    pd = pytest.importorskip("pandas")
    folder = tmp_path / "l.parquet"
    dj.template().save(folder)
    path = folder / "activities.parquet"
    frame = pq.read_table(path).to_pandas()
    # What pandas makes of a date column and of a count column with a gap.
    frame["date"] = pd.to_datetime(frame["date"])
    frame["expected"] = [12.0] + [float("nan")] * (len(frame) - 1)
    frame.to_parquet(path)
    assert pq.read_schema(path).field("date").type in (pa.timestamp("ns"), pa.timestamp("us"), pa.timestamp("ms"))
    back = dj.load(folder).table("activities").to_arrow()
    want = dj.template().table("activities").to_arrow()
    assert back.column("date") == want.column("date")
    assert back.column("expected").to_pylist() == [12] + [None] * (len(frame) - 1)
