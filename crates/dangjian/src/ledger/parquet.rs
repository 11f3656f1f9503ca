//! The Parquet form: a folder of `<table>.parquet` files, one per table, each column typed
//! as the table declaration says (`docs/LEDGER.md`, "The Parquet form").
//!
//! Reading goes through the one row decoder of every form, with the cells typed: a row of a
//! record batch ([`ArrowRow`]) gives a date, a number or a list as it is ([`Typed`]) and
//! text as borrowed `&str`, so nothing is written out as text and parsed again. Each
//! column's Arrow type is checked against its declared type once per file, before any
//! row: a column of a type its values cannot take refuses the table. Row groups of every
//! file are decoded in parallel, each into a part of its table, moved into the table in
//! order, as the CSV folder's blocks are. A row is located by its index from 0 in its file
//! (`activities.parquet[row 17].date`, position 18: position 0 is the file itself).
//!
//! Writing builds each table's record batches from its typed cells ([`typed_chunk`]), a
//! row group at a time, Snappy-compressed.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int32Array, Int64Array, ListArray,
    RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;

use super::decode::{Decoded, Interner, List, Part, Row, SymList, TableDecoder, Typed};
use super::problem::{Location, Problem, ProblemKind};
use super::raw::{clean, Origin};
use super::tables::{extra_names, patch_ids, typed_chunk};
use super::{temp_beside, LedgerError, Progress};
use crate::model::{ColumnType, Ledger, Sym, Table};
use crate::rows::Cell;

/// Rows in a row group as written: enough for Snappy and the dictionaries to pay, small
/// enough that a large table (3.5 million activities) is many groups to decode in parallel.
const ROW_GROUP: usize = 128 * 1024;

/// The largest dictionary page a column chunk keeps before it falls back to plain pages:
/// room for a row group's distinct people (up to 131,072 ids of a few bytes).
const DICTIONARY_PAGE: usize = 4 << 20;

/// Rows per record batch as read (8K to 128K measured the same at 100 districts).
const BATCH: usize = 32 * 1024;

/// The file name of a table.
fn file_name(table: Table) -> String {
    format!("{}.parquet", table.name())
}

/// Whether `path` is a folder of Parquet tables: it holds a `<table>.parquet` file.
pub(crate) fn is_parquet_folder(path: &Path) -> bool {
    path.is_dir()
        && Table::ALL
            .iter()
            .any(|t| path.join(file_name(*t)).is_file())
}

/// What a column is read as, from its declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// A declared column of this type.
    Declared(ColumnType),
    /// An `x_` column (kept as text) or a column the decoder refuses by name (only its
    /// text, if it has one, is read: a refused table's ids are remembered).
    Text,
    /// A column of a type its values cannot take: not read (its table is refused).
    Skip,
}

/// The Arrow types a column declared `ty` may have, as said in messages.
fn accepted(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Text => "text (utf8, large_utf8, utf8_view or a dictionary of them), or whole numbers (written as their digits)",
        ColumnType::Date => "date32 (or date64, a timestamp without time zone at midnight, or ISO text YYYY-MM-DD)",
        ColumnType::Float => "float64 (or float32, a decimal, whole numbers, or text)",
        ColumnType::Int => "int64 (or another integer type, whole floats, or text)",
        ColumnType::Bool => "bool (or whole numbers 0 and 1, or text)",
        ColumnType::TextList => "list<utf8> (or a large list, a list of large_utf8, or `;`-separated text)",
    }
}

fn is_text(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

fn is_int(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    )
}

fn is_float(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Float16
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal32(_, _)
            | DataType::Decimal64(_, _)
            | DataType::Decimal128(_, _)
            | DataType::Decimal256(_, _)
    )
}

/// Whether a column wanted as `want` may have the Arrow type `dt`.
fn accepts(want: Want, dt: &DataType) -> bool {
    if matches!(dt, DataType::Null) || is_text(dt) {
        return true;
    }
    match want {
        Want::Skip => true,
        Want::Text => {
            is_int(dt)
                || is_float(dt)
                || matches!(dt, DataType::Boolean | DataType::Date32 | DataType::Date64)
        }
        Want::Declared(ty) => match ty {
            ColumnType::Text => is_int(dt),
            ColumnType::Date => matches!(
                dt,
                DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, None)
            ),
            ColumnType::Float | ColumnType::Int => is_int(dt) || is_float(dt),
            ColumnType::Bool => matches!(dt, DataType::Boolean) || is_int(dt),
            ColumnType::TextList => match dt {
                DataType::List(f) | DataType::LargeList(f) => {
                    is_text(f.data_type()) || matches!(f.data_type(), DataType::Null)
                }
                _ => false,
            },
        },
    }
}

/// The Arrow type's name as pyarrow writes it (`int64`, `date32`, `list<utf8>`...).
fn type_name(dt: &DataType) -> String {
    match dt {
        DataType::Boolean => "bool".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Float16 => "float16".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::Utf8 => "utf8".into(),
        DataType::LargeUtf8 => "large_utf8".into(),
        DataType::Date32 => "date32".into(),
        DataType::Date64 => "date64".into(),
        DataType::Timestamp(unit, tz) => {
            let unit = match unit {
                TimeUnit::Second => "s",
                TimeUnit::Millisecond => "ms",
                TimeUnit::Microsecond => "us",
                TimeUnit::Nanosecond => "ns",
            };
            match tz {
                // An instant: Parquet keeps it adjusted to UTC, and the zone it was written
                // in only in the writer's own metadata, which readers do not all keep.
                Some(_) => format!("timestamp[{unit}] with a time zone (an instant, not a date)"),
                None => format!("timestamp[{unit}]"),
            }
        }
        DataType::List(f) => format!("list<{}>", type_name(f.data_type())),
        DataType::LargeList(f) => format!("large_list<{}>", type_name(f.data_type())),
        other => other.to_string().to_lowercase(),
    }
}

/// A column of a record batch in the shape the row reader takes.
enum ColData {
    /// All null (an Arrow `null` column, or one of a refused table that is not read).
    Null,
    Text(StringArray),
    /// Texts as views (what the reader makes without copying a dictionary's values).
    View(StringViewArray),
    Date(Date32Array),
    /// Timestamps as their raw numbers, `per_day` of them a day.
    Stamp(Int64Array, i64),
    Int(Int64Array),
    Float(Float64Array),
    Bool(BooleanArray),
    List(ListArray, StringArray),
    /// Interned ids from a dictionary: each row's key, the values, and the symbol of each
    /// value (interned once for all the rows that name it).
    Dict(Int32Array, StringArray, Rc<[Option<Sym>]>),
    /// Lists of interned ids from a dictionary: the lists, their items' keys, the values
    /// and their symbols.
    DictList(ListArray, Int32Array, Rc<[Option<Sym>]>),
}

/// The symbols of a column's dictionary values, kept while the next batches of its row group
/// have the same dictionary (the reader hands it on): the values (held, so that their
/// memory is not reused by another dictionary while they are compared by address) and
/// their symbols.
type DictCache = Option<(StringArray, Rc<[Option<Sym>]>)>;

/// The symbols of a dictionary's values (`None` for a null or blank one), from `cache` when
/// it holds this dictionary's.
fn dict_syms(values: &StringArray, cache: &mut DictCache, ids: &mut Interner) -> Rc<[Option<Sym>]> {
    if let Some((held, syms)) = cache {
        let same = held.len() == values.len()
            && held.value_data().as_ptr() == values.value_data().as_ptr()
            && held.value_offsets().as_ptr() == values.value_offsets().as_ptr();
        if same {
            return syms.clone();
        }
    }
    let syms: Rc<[Option<Sym>]> = (0..values.len())
        .map(|k| {
            let v = clean(values.value(k));
            (values.is_valid(k) && !v.is_empty()).then(|| ids.sym(v))
        })
        .collect();
    *cache = Some((values.clone(), syms.clone()));
    syms
}

/// The dictionary type interned columns are read as.
fn dictionary() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

fn cast(a: &ArrayRef, to: &DataType) -> Result<ArrayRef, String> {
    arrow_cast::cast(a, to).map_err(|e| e.to_string())
}

/// A column as the row reader takes it: texts as utf8 (integers in a text column as their
/// digits), dates as date32, numbers as float64 or int64, lists as lists of utf8, ids read
/// as a dictionary as their symbols. The types were checked ([`accepts`]) before.
fn shape(
    want: Want,
    a: &ArrayRef,
    cache: &mut DictCache,
    ids: &mut Interner,
) -> Result<ColData, String> {
    let dt = a.data_type();
    if matches!(dt, DataType::Null) || want == Want::Skip {
        return Ok(ColData::Null);
    }
    if *dt == dictionary() {
        let d = a.as_dictionary::<Int32Type>();
        let values = d.values().as_string::<i32>().clone();
        let syms = dict_syms(&values, cache, ids);
        return Ok(ColData::Dict(d.keys().clone(), values, syms));
    }
    if let DataType::List(f) = dt {
        if *f.data_type() == dictionary() {
            let list = a.as_list::<i32>().clone();
            let d = list.values().as_dictionary::<Int32Type>();
            let values = d.values().as_string::<i32>().clone();
            let syms = dict_syms(&values, cache, ids);
            let keys = d.keys().clone();
            return Ok(ColData::DictList(list, keys, syms));
        }
    }
    let text = |a: &ArrayRef| -> Result<ColData, String> {
        match a.data_type() {
            DataType::Utf8 => Ok(ColData::Text(a.as_string::<i32>().clone())),
            DataType::Utf8View => Ok(ColData::View(a.as_string_view().clone())),
            _ => Ok(ColData::Text(
                cast(a, &DataType::Utf8)?.as_string::<i32>().clone(),
            )),
        }
    };
    if is_text(dt) {
        return text(a);
    }
    let int = |a: &ArrayRef| -> Result<ColData, String> {
        match a.data_type() {
            // Beyond int64: as a float, so that a count too large is said to be.
            DataType::UInt64 => Ok(ColData::Float(
                cast(a, &DataType::Float64)?.as_primitive().clone(),
            )),
            DataType::Int64 => Ok(ColData::Int(a.as_primitive::<Int64Type>().clone())),
            _ => Ok(ColData::Int(
                cast(a, &DataType::Int64)?.as_primitive().clone(),
            )),
        }
    };
    let float = |a: &ArrayRef| -> Result<ColData, String> {
        match a.data_type() {
            DataType::Float64 => Ok(ColData::Float(a.as_primitive().clone())),
            _ => Ok(ColData::Float(
                cast(a, &DataType::Float64)?.as_primitive().clone(),
            )),
        }
    };
    match want {
        Want::Text => match dt {
            // Refused tables read their ids only; an id column of another type is not read.
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) => Ok(ColData::Null),
            _ if is_int(dt)
                || is_float(dt)
                || matches!(dt, DataType::Boolean | DataType::Date32 | DataType::Date64) =>
            {
                text(&cast(a, &DataType::Utf8)?)
            }
            _ => Ok(ColData::Null),
        },
        Want::Declared(ColumnType::Text) => text(a),
        Want::Declared(ColumnType::Date) => match dt {
            DataType::Date32 => Ok(ColData::Date(a.as_primitive().clone())),
            DataType::Date64 => Ok(ColData::Date(
                cast(a, &DataType::Date32)?.as_primitive().clone(),
            )),
            DataType::Timestamp(unit, None) => {
                let per_day = match unit {
                    TimeUnit::Second => 86_400,
                    TimeUnit::Millisecond => 86_400_000,
                    TimeUnit::Microsecond => 86_400_000_000,
                    TimeUnit::Nanosecond => 86_400_000_000_000,
                };
                let raw = cast(a, &DataType::Int64)?;
                Ok(ColData::Stamp(raw.as_primitive().clone(), per_day))
            }
            _ => Err(format!("cannot read {} as dates", type_name(dt))),
        },
        Want::Declared(ColumnType::Float) | Want::Declared(ColumnType::Int) if is_float(dt) => {
            float(a)
        }
        Want::Declared(ColumnType::Float | ColumnType::Int | ColumnType::Bool) if is_int(dt) => {
            int(a)
        }
        Want::Declared(ColumnType::Bool) if matches!(dt, DataType::Boolean) => {
            Ok(ColData::Bool(a.as_boolean().clone()))
        }
        Want::Declared(ColumnType::TextList) => {
            let list = match dt {
                DataType::List(f) if f.data_type() == &DataType::Utf8 => a.clone(),
                _ => {
                    let item = Field::new("item", DataType::Utf8, true);
                    cast(a, &DataType::List(Arc::new(item)))?
                }
            };
            let list = list.as_list::<i32>().clone();
            let values = list.values().as_string::<i32>().clone();
            Ok(ColData::List(list, values))
        }
        _ => Err(format!("cannot read {}", type_name(dt))),
    }
}

/// The days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const EPOCH_CE: i32 = 719_163;

fn date_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_CE)?)
}

/// One row of a record batch, its columns shaped for reading.
struct ArrowRow<'a> {
    cols: &'a [ColData],
    i: usize,
}

impl Row for ArrowRow<'_> {
    #[inline]
    fn cell(&self, c: usize) -> Option<&str> {
        match self.cols.get(c)? {
            ColData::Text(a) => a.is_valid(self.i).then(|| a.value(self.i)),
            ColData::View(a) => a.is_valid(self.i).then(|| a.value(self.i)),
            ColData::Dict(keys, values, _) => keys
                .is_valid(self.i)
                .then(|| usize::try_from(keys.value(self.i)).ok())
                .flatten()
                .filter(|&k| k < values.len())
                .map(|k| values.value(k)),
            _ => None,
        }
    }

    #[inline]
    fn typed(&self, c: usize) -> Typed<'_> {
        let i = self.i;
        let Some(col) = self.cols.get(c) else {
            return Typed::Null;
        };
        match col {
            ColData::Text(_) | ColData::View(_) => Typed::Text,
            ColData::Null => Typed::Null,
            ColData::Date(a) if a.is_valid(i) => {
                let days = a.value(i);
                date_of(days).map_or(Typed::Int(days.into()), Typed::Date)
            }
            ColData::Stamp(a, per_day) if a.is_valid(i) => {
                let v = a.value(i);
                let (days, rest) = (v.div_euclid(*per_day), v.rem_euclid(*per_day));
                let date = i32::try_from(days).ok().and_then(date_of);
                match date {
                    None => Typed::Int(v),
                    Some(d) if rest == 0 => Typed::Date(d),
                    Some(d) => {
                        let nanos = (rest as i128 * 86_400_000_000_000 / *per_day as i128) as i64;
                        let t = chrono::NaiveTime::MIN + chrono::TimeDelta::nanoseconds(nanos);
                        Typed::DateTime(d.and_time(t))
                    }
                }
            }
            ColData::Int(a) if a.is_valid(i) => Typed::Int(a.value(i)),
            ColData::Float(a) if a.is_valid(i) => Typed::Float(a.value(i)),
            ColData::Bool(a) if a.is_valid(i) => Typed::Bool(a.value(i)),
            ColData::Dict(keys, _, syms) if keys.is_valid(i) => {
                let sym = usize::try_from(keys.value(i))
                    .ok()
                    .and_then(|k| syms.get(k).copied().flatten());
                sym.map_or(Typed::Null, Typed::Sym)
            }
            ColData::DictList(l, keys, syms) if l.is_valid(i) => {
                let o = l.value_offsets();
                Typed::SymList(SymList {
                    keys,
                    syms,
                    start: o[i] as usize,
                    end: o[i + 1] as usize,
                })
            }
            ColData::List(l, values) if l.is_valid(i) => {
                let o = l.value_offsets();
                Typed::List(List {
                    values,
                    start: o[i] as usize,
                    end: o[i + 1] as usize,
                })
            }
            _ => Typed::Null,
        }
    }
}

/// Whether every data page of the column `name` (its leaf, for a list) is dictionary-encoded
/// in every row group: a writer falls back to plain pages when a column's distinct values
/// outgrow its dictionary page (ids that are all different, such as `people.id`).
fn all_dictionary(meta: &ArrowReaderMetadata, name: &str) -> bool {
    use parquet::basic::Encoding;
    let m = meta.metadata();
    let leaves: Vec<usize> = m
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.path().parts().first().map(String::as_str) == Some(name))
        .map(|(k, _)| k)
        .collect();
    !leaves.is_empty()
        && m.row_groups().iter().all(|g| {
            leaves.iter().all(|&k| {
                let c = g.column(k);
                c.dictionary_page_offset().is_some()
                    && c.page_encoding_stats_mask().is_some_and(|mask| {
                        mask.is_only(Encoding::PLAIN_DICTIONARY)
                            || mask.is_only(Encoding::RLE_DICTIONARY)
                    })
            })
        })
}

/// The reader's metadata asking for the types read fastest: ids (and lists of ids) whose
/// pages are all dictionary-encoded as dictionaries, so that each value is interned once
/// for all the rows of a row group that name it, and other texts as views, which a
/// dictionary page gives without copying its values (asking for a dictionary of plain
/// pages would make the reader hash every value to build one). The file's own types where
/// the reader refuses those.
fn with_read_types(table: Table, meta: ArrowReaderMetadata) -> ArrowReaderMetadata {
    let interned = |name: &str| {
        let k = table.columns().iter().position(|d| d.name == name);
        k.is_some_and(|k| table.interned().get(k) == Some(&true)) && all_dictionary(&meta, name)
    };
    let fast = |ids: bool| {
        let fields = meta.schema().fields().iter().map(|f| {
            let dt = f.data_type();
            let to = match dt {
                _ if is_text(dt) && ids && interned(f.name()) => dictionary(),
                _ if is_text(dt) => DataType::Utf8View,
                DataType::List(item) if is_text(item.data_type()) && ids && interned(f.name()) => {
                    let item = item.as_ref().clone().with_data_type(dictionary());
                    DataType::List(Arc::new(item))
                }
                _ => dt.clone(),
            };
            f.as_ref().clone().with_data_type(to)
        });
        let schema = Schema::new_with_metadata(
            fields.collect::<Vec<Field>>(),
            meta.schema().metadata().clone(),
        );
        let options = ArrowReaderOptions::new().with_schema(Arc::new(schema));
        ArrowReaderMetadata::try_new(meta.metadata().clone(), options).ok()
    };
    fast(true).or_else(|| fast(false)).unwrap_or(meta)
}

/// One table's file as opened: its columns and what each is read as.
struct FileRead {
    table: Table,
    path: PathBuf,
    origin: Origin,
    header: Vec<String>,
    wants: Vec<Want>,
    /// Columns of types their values cannot take.
    refused: Vec<(usize, Problem)>,
    meta: ArrowReaderMetadata,
    /// The first row of each row group, and the rows of all.
    starts: Vec<u64>,
    rows: u64,
    size: u64,
}

impl FileRead {
    fn open(table: Table, path: &Path) -> Result<FileRead, Problem> {
        let file_name = file_name(table);
        let at_file = || Location::Parquet {
            file: file_name.clone(),
            row: None,
            column: None,
        };
        let file = File::open(path).map_err(|e| {
            Problem::new(ProblemKind::Format, at_file(), format!("cannot open: {e}"))
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let meta = catch(|| ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()))
            .and_then(|r| r.map_err(|e| e.to_string()))
            .map_err(|e| {
                Problem::new(
                    ProblemKind::Format,
                    at_file(),
                    format!("not a Parquet file dangjian can read: {e}"),
                )
            })?;
        let meta = with_read_types(table, meta);
        let schema = meta.schema().clone();
        let header: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        let mut wants = Vec::with_capacity(header.len());
        let mut refused = Vec::new();
        for (c, f) in schema.fields().iter().enumerate() {
            let want = table
                .columns()
                .iter()
                .find(|d| d.name == f.name())
                .map_or(Want::Text, |d| Want::Declared(d.ty));
            wants.push(want);
            if accepts(want, f.data_type()) {
                continue;
            }
            let name = f.name();
            wants[c] = Want::Skip;
            let message = match want {
                Want::Declared(ty) => format!(
                    "column `{name}` is {}; `{name}` of {table} is {}",
                    type_name(f.data_type()),
                    accepted(ty)
                ),
                Want::Text | Want::Skip => format!(
                    "column `{name}` is {}; an `x_` column holds text (or numbers, dates and booleans, read as text)",
                    type_name(f.data_type())
                ),
            };
            // Only an `x_` column or a declared one is refused for its type; an unknown
            // one is refused for its name by the decoder.
            let known = matches!(want, Want::Declared(_)) || name.starts_with("x_");
            if known {
                refused.push((
                    c,
                    Problem::new(
                        ProblemKind::ColumnType,
                        Location::Parquet {
                            file: file_name.clone(),
                            row: None,
                            column: Some(name.clone()),
                        },
                        message,
                    ),
                ));
            }
        }
        let mut starts = Vec::new();
        let mut rows = 0u64;
        for g in meta.metadata().row_groups() {
            starts.push(rows);
            rows += u64::try_from(g.num_rows()).unwrap_or(0);
        }
        Ok(FileRead {
            table,
            path: path.to_path_buf(),
            origin: Origin::Parquet { file: file_name },
            header,
            wants,
            refused,
            meta,
            starts,
            rows,
            size,
        })
    }

    fn decoder(&self) -> TableDecoder<'_> {
        let mut dec = TableDecoder::new(self.table, &self.origin, &self.header, 0);
        for (c, p) in &self.refused {
            dec.refuse(*c, p.clone());
        }
        dec
    }

    /// Decodes row group `g` into a part (`reused`, emptied, when there is one) with room
    /// for `room` records; an error names what failed.
    fn decode_group(
        &self,
        g: usize,
        ids: &Ids,
        reused: Option<Part>,
        room: usize,
    ) -> Result<Part, String> {
        let dec = self.decoder();
        let file = File::open(&self.path).map_err(|e| e.to_string())?;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_row_groups(vec![g])
            .with_batch_size(BATCH)
            .build()
            .map_err(|e| e.to_string())?;
        let mut part = reused.unwrap_or_else(|| dec.part());
        part.reserve(self.table, room);
        let mut ids = ids.get_or_default().borrow_mut();
        let mut caches: Vec<DictCache> = self.wants.iter().map(|_| None).collect();
        // Ids in no order are looked up together at the end of the group.
        ids.defer(true);
        let mut pos = self.starts[g] + 1;
        let mut failed = None;
        for batch in reader {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    failed = Some(e.to_string());
                    break;
                }
            };
            let cols: Result<Vec<ColData>, String> = batch
                .columns()
                .iter()
                .zip(&self.wants)
                .zip(&mut caches)
                .map(|((a, w), cache)| shape(*w, a, cache, &mut ids))
                .collect();
            let cols = match cols {
                Ok(c) => c,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            for i in 0..batch.num_rows() {
                dec.row(pos, &ArrowRow { cols: &cols, i }, &mut part, &mut ids);
                pos += 1;
            }
        }
        ids.defer(false);
        let syms = ids.resolve();
        if !syms.is_empty() {
            let to = |s: Sym| s.pending_index().map_or(s, |k| syms[k]);
            patch_ids(&mut part.ledger, self.table, 0, &to);
            for p in &mut part.pending {
                p.id = to(p.id);
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(part),
        }
    }
}

impl FileRead {
    /// Decodes every row group, in waves of a few in parallel, into the table's part: the
    /// first group's part, sized for the whole table, then the others moved after it in
    /// order, their emptied parts decoding the next wave (fresh memory costs the system a
    /// cleared page for every 4 KiB). The first group that fails, and why.
    fn decode_all(&self, ids: &Ids, progress: &Progress<'_>) -> Read {
        let groups = self.starts.len();
        let total = usize::try_from(self.rows).unwrap_or(0);
        let wave = 2 * rayon::current_num_threads().max(1);
        let spare = std::sync::Mutex::new(Vec::<Part>::new());
        let mut all: Option<Part> = None;
        let mut first = 0;
        while first < groups {
            let end = (first + wave).min(groups);
            let parts: Vec<Result<Part, String>> = (first..end)
                .into_par_iter()
                .map(|g| {
                    let rows = self.meta.metadata().row_group(g).num_rows();
                    let room = if g == 0 {
                        total
                    } else {
                        usize::try_from(rows).unwrap_or(0)
                    };
                    let reused = spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
                    let part = catch(|| self.decode_group(g, ids, reused, room)).and_then(|r| r);
                    let size = self.meta.metadata().row_group(g).compressed_size();
                    progress.add(u64::try_from(size).unwrap_or(0));
                    part
                })
                .collect();
            for (g, part) in (first..end).zip(parts) {
                let mut part = part.map_err(|e| (g, e))?;
                match &mut all {
                    None => all = Some(part),
                    Some(a) => {
                        a.append(&mut part);
                        spare.lock().unwrap_or_else(|e| e.into_inner()).push(part);
                    }
                }
            }
            first = end;
        }
        Ok(all.unwrap_or_else(|| self.decoder().part()))
    }
}

/// A table's part as decoded, or the first row group that failed and why.
type Read = Result<Part, (usize, String)>;

/// Runs `f`, turning a panic of the Parquet reader (a malformed file it did not expect)
/// into an error, so that no panic reaches the user.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the Parquet reader failed".into())
    })
}

/// The id caches of one load, one per worker thread.
type Ids = thread_local::ThreadLocal<std::cell::RefCell<Interner>>;

/// Reads every `<table>.parquet` of a folder (missing tables are empty), the row groups
/// of all tables in parallel.
pub(crate) fn read_folder(
    dir: &Path,
    report: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Decoded, LedgerError> {
    let mut found: Vec<(Table, PathBuf)> = Vec::new();
    let mut read_problems = Vec::new();
    let mut strangers = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| LedgerError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LedgerError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".parquet") {
            match Table::from_name(stem) {
                Some(t) => found.push((t, entry.path())),
                None => strangers.push((name, "is not a ledger table")),
            }
        } else if name
            .strip_suffix(".csv")
            .is_some_and(|s| Table::from_name(s).is_some())
        {
            strangers.push((
                name,
                "is a CSV table in a folder of Parquet tables, which would be left unread; \
                 keep one form in a folder",
            ));
        }
    }
    strangers.sort();
    for (name, why) in strangers {
        read_problems.push(Problem::new(
            ProblemKind::Format,
            Location::File { path: name.clone() },
            format!(
                "`{name}` {why}; the tables are {}",
                Table::ALL
                    .map(|t| format!("{}.parquet", t.name()))
                    .join(", ")
            ),
        ));
    }
    found.sort();
    let opened: Vec<Result<FileRead, Problem>> = found
        .par_iter()
        .map(|(t, p)| FileRead::open(*t, p))
        .collect();
    let mut files = Vec::new();
    for f in opened {
        match f {
            Ok(f) => files.push(f),
            Err(p) => read_problems.push(p),
        }
    }
    let progress = Progress {
        report,
        done: Default::default(),
        total: files.iter().map(|f| f.size).sum(),
    };
    let ids = Ids::default();
    // The files in parallel, the largest first so that the small ones fill in, and the row
    // groups of each in parallel too.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(files[k].size));
    let mut decoded: Vec<(usize, Read)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|k| (k, files[k].decode_all(&ids, &progress)))
        .collect();
    decoded.sort_by_key(|d| d.0);
    let mut out = Decoded {
        read_problems,
        ..Decoded::default()
    };
    for (f, (_, part)) in files.iter().zip(decoded) {
        match part {
            Ok(part) => f.decoder().finish(part, &mut out),
            Err((g, e)) => {
                // Nothing of a table that could not be read whole is kept.
                out.read_problems.push(Problem::new(
                    ProblemKind::Format,
                    Location::Parquet {
                        file: file_name(f.table),
                        row: None,
                        column: None,
                    },
                    format!("cannot read row group {g}: {e}"),
                ));
            }
        }
    }
    Ok(out)
}

/// The Arrow type a declared column is written as.
fn arrow_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Date => DataType::Date32,
        ColumnType::Float => DataType::Float64,
        ColumnType::Int => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::TextList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        _ => DataType::Utf8,
    }
}

/// The column `j` of typed rows as an Arrow array of type `ty`.
fn column(rows: &[Vec<Cell<'_>>], j: usize, ty: ColumnType) -> ArrayRef {
    use arrow_array::builder::*;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let cells = rows.iter().map(|r| r.get(j).unwrap_or(&Cell::Null));
    match ty {
        ColumnType::Date => Arc::new(
            cells
                .map(|c| match c {
                    Cell::Date(d) => i32::try_from((*d - epoch).num_days()).ok(),
                    _ => None,
                })
                .collect::<Date32Array>(),
        ),
        ColumnType::Float => Arc::new(
            cells
                .map(|c| match c {
                    Cell::Float(v) => Some(*v),
                    Cell::Int(n) => Some(*n as f64),
                    _ => None,
                })
                .collect::<Float64Array>(),
        ),
        ColumnType::Int => Arc::new(
            cells
                .map(|c| match c {
                    Cell::Int(n) => Some(*n),
                    _ => None,
                })
                .collect::<Int64Array>(),
        ),
        ColumnType::Bool => Arc::new(
            cells
                .map(|c| match c {
                    Cell::Bool(b) => Some(*b),
                    _ => None,
                })
                .collect::<BooleanArray>(),
        ),
        ColumnType::TextList => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for c in cells {
                match c {
                    Cell::TextList(items) => {
                        for x in items {
                            b.values().append_value(x);
                        }
                        b.append(true);
                    }
                    _ => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        _ => {
            let mut b = StringBuilder::new();
            for c in cells {
                match c {
                    Cell::Text(s) => b.append_value(s),
                    Cell::Null => b.append_null(),
                    other => b.append_value(other.to_exact_text()),
                }
            }
            Arc::new(b.finish())
        }
    }
}

/// Writes one table into `path` (atomically: a temporary file renamed into place).
fn write_table(l: &Ledger, table: Table, path: &Path) -> Result<(), LedgerError> {
    let extras = extra_names(l, table);
    let mut fields: Vec<Field> = table
        .columns()
        .iter()
        .map(|c| Field::new(c.name, arrow_type(c.ty), true))
        .collect();
    let mut types: Vec<ColumnType> = table.columns().iter().map(|c| c.ty).collect();
    for x in &extras {
        fields.push(Field::new(x.as_str(), DataType::Utf8, true));
        types.push(ColumnType::Text);
    }
    let schema = Arc::new(Schema::new(fields));
    // Ids named again and again (kinds, subjects, people) keep their dictionary for a whole
    // row group (a reader then interns each once); a table's own `id`s are all different,
    // and are written plainly.
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP))
        .set_dictionary_page_size_limit(DICTIONARY_PAGE);
    if table.columns().iter().any(|c| c.name == "id") {
        props = props.set_column_dictionary_enabled(ColumnPath::from("id"), false);
    }
    let props = props.build();
    let tmp = temp_beside(path)?;
    let fail = |e: &dyn std::fmt::Display| {
        let _ = std::fs::remove_file(&tmp);
        LedgerError::io(path, std::io::Error::other(e.to_string()))
    };
    let file = File::create(&tmp).map_err(|e| LedgerError::io(&tmp, e))?;
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| fail(&e))?;
    let n = l.len_of(table);
    let mut at = 0;
    while at < n {
        let end = (at + ROW_GROUP).min(n);
        let rows = typed_chunk(l, table, at..end, &extras);
        let cols = types
            .iter()
            .enumerate()
            .map(|(j, ty)| column(&rows, j, *ty))
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), cols).map_err(|e| fail(&e))?;
        w.write(&batch).map_err(|e| fail(&e))?;
        at = end;
    }
    w.close().map_err(|e| fail(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        LedgerError::io(path, e)
    })
}

/// Writes every table into `dir` (created if needed) as `<table>.parquet`, tables with no
/// rows included (with their columns), the tables in parallel.
pub(crate) fn write_folder(l: &Ledger, dir: &Path) -> Result<(), LedgerError> {
    std::fs::create_dir_all(dir).map_err(|e| LedgerError::io(dir, e))?;
    Table::ALL
        .par_iter()
        .map(|&t| write_table(l, t, &dir.join(file_name(t))))
        .collect::<Result<Vec<()>, _>>()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_as_dictionaries_and_other_texts_as_views() {
        let dir = std::env::temp_dir().join(format!("dangjian-pq-read-{}", std::process::id()));
        write_folder(&crate::example(), &dir).unwrap();
        let f = FileRead::open(Table::Activities, &dir.join("activities.parquet")).unwrap();
        let schema = f.meta.schema();
        let ty = |name: &str| schema.field_with_name(name).unwrap().data_type().clone();
        assert_eq!(ty("subject"), dictionary());
        assert_eq!(ty("kind"), dictionary());
        assert_eq!(
            ty("people"),
            DataType::List(Arc::new(Field::new("item", dictionary(), true)))
        );
        // Activity ids are kept as text, not interned.
        assert_eq!(ty("id"), DataType::Utf8View);
        assert_eq!(ty("date"), DataType::Date32);
        std::fs::remove_dir_all(&dir).ok();
    }
}
