//! The Parquet form (docs/LEDGER.md, "The Parquet form"): a folder of `<table>.parquet`
//! files whose columns are typed as declared, read back exactly, the types a data platform
//! writes accepted, and every problem of a hand-made bad file located as
//! `activities.parquet[row 17].date`, with nothing of the ledger loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, Schema};
use dangjian::ledger::{self, Form, LedgerError, Location, ProblemKind};
use dangjian::model::{Ledger, Table};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dangjian-parquet-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The example written as a Parquet folder in a fresh folder.
fn example_folder(name: &str) -> PathBuf {
    let dir = scratch(name).join("ledger");
    ledger::save_as(&dangjian::example(), &dir, Form::Parquet).unwrap();
    dir
}

/// A table's file read whole, as one record batch.
fn read_batch(path: &Path) -> RecordBatch {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .with_batch_size(1 << 20)
        .build()
        .unwrap();
    reader.next().unwrap().unwrap()
}

fn write_batch(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

/// `batch` with column `name` replaced by `array` (or removed, or added at the end).
fn with_column(batch: &RecordBatch, name: &str, array: Option<ArrayRef>) -> RecordBatch {
    let schema = batch.schema();
    let mut fields: Vec<Field> = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    let mut found = false;
    for (f, c) in schema.fields().iter().zip(batch.columns()) {
        if f.name() == name {
            found = true;
            if let Some(a) = &array {
                fields.push(Field::new(name, a.data_type().clone(), true));
                cols.push(a.clone());
            }
        } else {
            fields.push(f.as_ref().clone());
            cols.push(c.clone());
        }
    }
    if !found {
        let a = array.unwrap();
        fields.push(Field::new(name, a.data_type().clone(), true));
        cols.push(a);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
}

/// Rewrites one table's file of a folder through `edit`.
fn edit(dir: &Path, table: &str, edit: impl FnOnce(&RecordBatch) -> RecordBatch) {
    let path = dir.join(format!("{table}.parquet"));
    let batch = read_batch(&path);
    write_batch(&path, &edit(&batch));
}

/// The column `name` of a batch.
fn col<'a>(batch: &'a RecordBatch, name: &str) -> &'a ArrayRef {
    batch.column(batch.schema().index_of(name).unwrap())
}

/// Each error as `location: message`, with its kind.
fn errors_of(err: LedgerError) -> Vec<(String, ProblemKind)> {
    err.problems()
        .unwrap_or_else(|| panic!("not invalid: {err}"))
        .errors()
        .map(|p| (p.to_string(), p.kind))
        .collect()
}

fn load_errors(dir: &Path) -> Vec<(String, ProblemKind)> {
    errors_of(ledger::load(dir).unwrap_err())
}

#[test]
fn the_example_through_parquet_is_the_example_row_for_row() {
    let dir = example_folder("example");
    let example = dangjian::example();
    let back = ledger::load(&dir).unwrap();
    assert_eq!(back, example);
    assert_eq!(
        ledger::to_json_string(&back),
        ledger::to_json_string(&example)
    );
    // One file per table, empty tables included (with their columns).
    for t in Table::ALL {
        assert!(dir.join(format!("{}.parquet", t.name())).is_file(), "{t:?}");
    }
    // The folder is known by its files, whatever its name; saved again in place, the
    // same.
    assert_eq!(Form::of_path(&dir), Form::Parquet);
    ledger::save(&back, &dir).unwrap();
    assert_eq!(ledger::load(&dir).unwrap(), example);
}

#[test]
fn x_columns_and_every_kind_of_text_survive_parquet() {
    let mut l = ledger::template();
    l.units[0]
        .extra
        .insert("x_区划代码".into(), "330782".into());
    l.units[1]
        .extra
        .insert("x_note".into(), "  前后有空格的说明  ".into());
    l.activities[0]
        .extra
        .insert("x_地点".into(), "党群服务中心, 二楼; \"会议室\"".into());
    l.units[0].tags = vec!["山区".into(), "a;b".replace(';', "")];
    let dir = scratch("extras").join("l.parquet");
    ledger::save(&l, &dir).unwrap();
    assert!(dir.join("units.parquet").is_file());
    assert_eq!(ledger::load(&dir).unwrap(), l);
}

#[test]
fn columns_are_written_with_the_declared_types() {
    let dir = example_folder("types");
    let types = |table: &str| -> Vec<(String, DataType)> {
        let b = read_batch(&dir.join(format!("{table}.parquet")));
        b.schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect()
    };
    let list = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
    let units = types("units");
    let want = [
        ("id", DataType::Utf8),
        ("kind", DataType::Utf8),
        ("name", DataType::Utf8),
        ("parent", DataType::Utf8),
        ("above_scale", DataType::Boolean),
        ("length_m", DataType::Float64),
        ("since", DataType::Date32),
        ("until", DataType::Date32),
        ("tags", list.clone()),
        ("employees", DataType::Int64),
    ];
    let want: Vec<(String, DataType)> = want
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    assert_eq!(units[..want.len()], want[..]);
    let activities = types("activities");
    assert_eq!(activities[2], ("date".into(), DataType::Date32));
    assert_eq!(activities[4], ("people".into(), list));
    assert_eq!(activities[6], ("expected".into(), DataType::Int64));
    assert_eq!(types("progress")[2], ("percent".into(), DataType::Float64));
    assert_eq!(types("duties")[4], ("min_count".into(), DataType::Int64));
}

#[test]
fn a_bad_date_in_text_is_located_by_file_row_and_column() {
    let dir = example_folder("bad-date");
    edit(&dir, "activities", |b| {
        let dates = col(b, "date")
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        let text: StringArray = (0..dates.len())
            .map(|i| {
                Some(if i == 17 {
                    "2019-13-01".to_string()
                } else {
                    dates.value_as_date(i).unwrap().to_string()
                })
            })
            .collect();
        with_column(b, "date", Some(Arc::new(text)))
    });
    assert_eq!(
        load_errors(&dir),
        [(
            "activities.parquet[row 17].date: `2019-13-01` in `date` is not a date; write YYYY-MM-DD"
                .to_string(),
            ProblemKind::BadDate
        )]
    );
    // As data: the file, the row from 0, the column.
    let err = ledger::load(&dir).unwrap_err();
    assert_eq!(
        err.problems().unwrap().0[0].location,
        Location::Parquet {
            file: "activities.parquet".into(),
            row: Some(17),
            column: Some("date".into())
        }
    );
}

#[test]
fn a_column_of_the_wrong_type_refuses_its_table_and_says_what_it_may_be() {
    let dir = example_folder("wrong-type");
    edit(&dir, "activities", |b| {
        let n = b.num_rows();
        with_column(
            b,
            "date",
            Some(Arc::new(Int64Array::from(vec![20190304i64; n]))),
        )
    });
    let errors = load_errors(&dir);
    assert_eq!(
        errors,
        [(
            "activities.parquet.date: column `date` is int64; `date` of activities is date32 \
             (or date64, a timestamp without time zone at midnight, or ISO text YYYY-MM-DD)"
                .to_string(),
            ProblemKind::ColumnType
        )]
    );
    // A list where text is declared.
    let dir = example_folder("wrong-type-list");
    edit(&dir, "orgs", |b| {
        let hosts = col(b, "hosts").clone();
        with_column(b, "name", Some(hosts))
    });
    let errors = load_errors(&dir);
    assert!(
        errors[0]
            .0
            .starts_with("orgs.parquet.name: column `name` is list<utf8>; `name` of orgs is text"),
        "{errors:?}"
    );
    // The orgs were not loaded: what names them is not reported missing on top.
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_null_in_a_required_column_is_located() {
    let dir = example_folder("null");
    edit(&dir, "activities", |b| {
        let subjects = col(b, "subject")
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let with_null: StringArray = (0..subjects.len())
            .map(|i| (i != 3).then(|| subjects.value(i)))
            .collect();
        with_column(b, "subject", Some(Arc::new(with_null)))
    });
    assert_eq!(
        load_errors(&dir),
        [(
            "activities.parquet[row 3].subject: `subject` is required in activities".to_string(),
            ProblemKind::MissingValue
        )]
    );
}

#[test]
fn a_missing_required_column_and_an_unknown_column_are_located_at_the_file() {
    let dir = example_folder("columns");
    edit(&dir, "activities", |b| {
        let n = b.num_rows();
        let b = with_column(b, "subject", None);
        with_column(
            &b,
            "colour",
            Some(Arc::new(StringArray::from(vec!["red"; n]))),
        )
    });
    let errors: Vec<String> = load_errors(&dir).into_iter().map(|e| e.0).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("activities.parquet.colour: unknown column `colour` in activities"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1],
        "activities.parquet: required column `subject` is missing from activities"
    );
}

#[test]
fn a_reference_to_nothing_is_located_in_its_parquet_row() {
    let dir = example_folder("reference");
    edit(&dir, "people", |b| {
        let orgs = col(b, "org")
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let edited: StringArray = (0..orgs.len())
            .map(|i| {
                if i == 5 {
                    Some("no-such-org")
                } else {
                    orgs.is_valid(i).then(|| orgs.value(i))
                }
            })
            .collect();
        with_column(b, "org", Some(Arc::new(edited)))
    });
    let errors = load_errors(&dir);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].0.starts_with("people.parquet[row 5].org: "),
        "{errors:?}"
    );
    assert_eq!(errors[0].1, ProblemKind::MissingReference);
}

#[test]
fn a_timestamp_with_a_time_of_day_is_not_a_date() {
    let dir = example_folder("timestamp");
    edit(&dir, "progress", |b| {
        let dates = col(b, "date")
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        const DAY: i64 = 86_400_000_000;
        let stamps: TimestampMicrosecondArray = (0..dates.len())
            .map(|i| {
                let midnight = i64::from(dates.value(i)) * DAY;
                // Row 2 at 08:30.
                Some(if i == 2 {
                    midnight + 30_600_000_000
                } else {
                    midnight
                })
            })
            .collect();
        with_column(b, "date", Some(Arc::new(stamps)))
    });
    let errors = load_errors(&dir);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].0.starts_with("progress.parquet[row 2].date: `")
            && errors[0]
                .0
                .contains(" 08:30:00` in `date` has a time of day"),
        "{errors:?}"
    );
}

#[test]
fn a_timestamp_with_a_time_zone_is_refused_without_naming_a_zone_it_may_not_have() {
    let dir = example_folder("timestamp-tz");
    edit(&dir, "progress", |b| {
        let dates = col(b, "date")
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        let stamps = (0..dates.len())
            .map(|i| Some(i64::from(dates.value(i)) * 86_400_000_000))
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("Asia/Shanghai");
        with_column(b, "date", Some(Arc::new(stamps)))
    });
    let errors = load_errors(&dir);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].0.starts_with(
            "progress.parquet.date: column `date` is timestamp[us] with a time zone \
             (an instant, not a date); `date` of progress is date32"
        ),
        "{errors:?}"
    );
}

#[test]
fn the_types_a_data_platform_writes_read_as_the_declared_ones() {
    let dir = example_folder("platform");
    let example = dangjian::example();
    // Dates as ISO text and as timestamps at midnight (pandas), counts as int32, shares as
    // whole int64 (`percent` 50), names as large_utf8, flags as 0/1, lists as `;` text.
    edit(&dir, "activities", |b| {
        let dates = col(b, "date")
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        let text: StringArray = (0..dates.len())
            .map(|i| dates.value_as_date(i).map(|d| d.to_string()))
            .collect();
        let expected = col(b, "expected")
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap();
        let narrow: Int32Array = expected.iter().map(|v| v.map(|v| v as i32)).collect();
        let b = with_column(b, "date", Some(Arc::new(text)));
        with_column(&b, "expected", Some(Arc::new(narrow)))
    });
    edit(&dir, "orgs", |b| {
        let dates = col(b, "established")
            .as_any()
            .downcast_ref::<Date32Array>()
            .unwrap();
        const DAY: i64 = 86_400_000_000;
        let stamps: TimestampMicrosecondArray = dates
            .iter()
            .map(|d| d.map(|d| i64::from(d) * DAY))
            .collect();
        let names = col(b, "name")
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let large: LargeStringArray = names.iter().collect();
        let b = with_column(b, "established", Some(Arc::new(stamps)));
        with_column(&b, "name", Some(Arc::new(large)))
    });
    edit(&dir, "progress", |b| {
        let percent = col(b, "percent")
            .as_any()
            .downcast_ref::<Float64Array>()
            .unwrap();
        // Every percent of the example is whole? Those that are not stay floats.
        if percent.iter().all(|v| v.is_some_and(|v| v.fract() == 0.0)) {
            let ints: Int64Array = percent.iter().map(|v| v.map(|v| v as i64)).collect();
            with_column(b, "percent", Some(Arc::new(ints)))
        } else {
            b.clone()
        }
    });
    edit(&dir, "units", |b| {
        let flags = col(b, "above_scale")
            .as_any()
            .downcast_ref::<BooleanArray>()
            .unwrap();
        let ints: Int64Array = flags.iter().map(|v| v.map(i64::from)).collect();
        let tags = col(b, "tags")
            .as_any()
            .downcast_ref::<arrow_array::ListArray>()
            .unwrap();
        let text: StringArray = (0..tags.len())
            .map(|i| {
                tags.is_valid(i).then(|| {
                    let items = tags.value(i);
                    let items = items.as_any().downcast_ref::<StringArray>().unwrap();
                    items.iter().flatten().collect::<Vec<_>>().join(";")
                })
            })
            .collect();
        let b = with_column(b, "above_scale", Some(Arc::new(ints)));
        with_column(&b, "tags", Some(Arc::new(text)))
    });
    assert_eq!(ledger::load(&dir).unwrap(), example);
}

#[test]
fn a_file_that_is_not_parquet_and_a_stray_csv_table_are_refused() {
    let dir = example_folder("not-parquet");
    std::fs::write(dir.join("units.parquet"), b"id,kind,name\nd,district,x\n").unwrap();
    std::fs::write(dir.join("orgs.csv"), b"id\n").unwrap();
    std::fs::write(dir.join("colours.parquet"), b"").unwrap();
    let errors: Vec<String> = load_errors(&dir).into_iter().map(|e| e.0).collect();
    assert!(
        errors[0].starts_with("colours.parquet: `colours.parquet` is not a ledger table"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("orgs.csv: `orgs.csv` is a CSV table in a folder of Parquet tables"),
        "{errors:?}"
    );
    assert!(
        errors[2].starts_with("units.parquet: not a Parquet file dangjian can read"),
        "{errors:?}"
    );
    // One file is not a ledger.
    let e = ledger::load(dir.join("activities.parquet")).unwrap_err();
    assert!(
        e.to_string().contains("a Parquet ledger is a folder"),
        "{e}"
    );
}

#[test]
fn writing_parquet_needs_a_folder_path_and_keeps_other_files_safe() {
    let root = scratch("dest");
    let e = ledger::save_as(&Ledger::default(), root.join("x.json"), Form::Parquet).unwrap_err();
    assert!(
        e.to_string().contains("--format parquet writes a folder"),
        "{e}"
    );
    std::fs::write(root.join("notes.txt"), "mine").unwrap();
    let e = ledger::check_destination_as(&root, Form::Parquet, false).unwrap_err();
    assert!(e.to_string().contains("(notes.txt)"), "{e}");
    // A folder of Parquet tables takes them again.
    let dir = example_folder("dest-again");
    assert_eq!(
        ledger::check_destination(&dir, false).unwrap(),
        Form::Parquet
    );
}
