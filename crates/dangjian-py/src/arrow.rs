//! Rows (anything `Serialize`) to an Arrow record batch with typed columns: dates as
//! `date32`, numbers as nullable `float64`/`int64`, flags as `bool`, id lists as
//! `list<utf8>`.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Utf8,
    Date,
    F64,
    I64,
    Bool,
    List,
}

/// Columns that hold dates even when every value is null.
const DATE_COLUMNS: &[&str] = &[
    "as_of",
    "from",
    "due",
    "start",
    "deadline",
    "forecast",
    "end",
    "window_start",
    "window_end",
    "last_activity",
    "birth_date",
    "joined",
    "confirmed",
    "since",
    "until",
    "established",
    "dissolved",
    "date",
    "term_end",
    "effective_start",
];
/// Columns that hold fractional numbers even when some values are whole.
const FLOAT_COLUMNS: &[&str] = &[
    "value",
    "numerator",
    "denominator",
    "target",
    "actual",
    "expected",
    "spi",
    "weight",
    "percent",
    "baseline",
    "length_m",
    "breadth",
];

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn as_date(v: &Value) -> Option<NaiveDate> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn infer(name: &str, values: &[&Value]) -> Col {
    let present: Vec<&&Value> = values.iter().filter(|v| !v.is_null()).collect();
    if DATE_COLUMNS.contains(&name) && present.iter().all(|v| as_date(v).is_some()) {
        return Col::Date;
    }
    if FLOAT_COLUMNS.contains(&name) && present.iter().all(|v| v.is_number()) {
        return Col::F64;
    }
    if present.is_empty() {
        return Col::Utf8;
    }
    if present.iter().all(|v| v.is_boolean()) {
        Col::Bool
    } else if present.iter().all(|v| v.is_i64() || v.is_u64()) {
        Col::I64
    } else if present.iter().all(|v| v.is_number()) {
        Col::F64
    } else if present.iter().all(|v| v.is_array()) {
        Col::List
    } else {
        Col::Utf8
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn build(col: Col, values: &[&Value]) -> ArrayRef {
    match col {
        Col::Utf8 => {
            let mut b = StringBuilder::new();
            values.iter().for_each(|v| b.append_option(text(v)));
            Arc::new(b.finish())
        }
        Col::Date => {
            let mut b = Date32Builder::new();
            let e = epoch();
            values
                .iter()
                .for_each(|v| b.append_option(as_date(v).map(|d| (d - e).num_days() as i32)));
            Arc::new(b.finish())
        }
        Col::F64 => {
            let mut b = Float64Builder::new();
            values.iter().for_each(|v| b.append_option(v.as_f64()));
            Arc::new(b.finish())
        }
        Col::I64 => {
            let mut b = Int64Builder::new();
            values.iter().for_each(|v| b.append_option(v.as_i64()));
            Arc::new(b.finish())
        }
        Col::Bool => {
            let mut b = BooleanBuilder::new();
            values.iter().for_each(|v| b.append_option(v.as_bool()));
            Arc::new(b.finish())
        }
        Col::List => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for v in values {
                match v.as_array() {
                    Some(items) => {
                        for i in items {
                            b.values().append_option(text(i));
                        }
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
    }
}

fn data_type(col: Col) -> DataType {
    match col {
        Col::Utf8 => DataType::Utf8,
        Col::Date => DataType::Date32,
        Col::F64 => DataType::Float64,
        Col::I64 => DataType::Int64,
        Col::Bool => DataType::Boolean,
        Col::List => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
    }
}

/// Builds a record batch from JSON objects; `columns` gives the column order when there
/// are no rows (otherwise the first row's keys, then any later new keys).
pub fn batch_from_objects(
    rows: &[Map<String, Value>],
    columns: &[&str],
) -> Result<RecordBatch, ArrowError> {
    let mut names: Vec<String> = columns.iter().map(|s| s.to_string()).collect();
    for r in rows {
        for k in r.keys() {
            if !names.iter().any(|n| n == k) {
                names.push(k.clone());
            }
        }
    }
    let null = Value::Null;
    let mut fields = Vec::with_capacity(names.len());
    let mut arrays = Vec::with_capacity(names.len());
    for name in &names {
        let values: Vec<&Value> = rows.iter().map(|r| r.get(name).unwrap_or(&null)).collect();
        let col = infer(name, &values);
        fields.push(Field::new(name, data_type(col), true));
        arrays.push(build(col, &values));
    }
    let schema = Arc::new(Schema::new(fields));
    if arrays.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    RecordBatch::try_new(schema, arrays)
}

/// Builds a record batch from serializable rows.
pub fn batch_from_rows<T: Serialize>(
    rows: &[T],
    columns: &[&str],
) -> Result<RecordBatch, ArrowError> {
    let objects: Vec<Map<String, Value>> = rows
        .iter()
        .map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(ArrowError::InvalidArgumentError(format!(
                "row is not an object: {other}"
            ))),
            Err(e) => Err(ArrowError::ExternalError(Box::new(e))),
        })
        .collect::<Result<_, _>>()?;
    batch_from_objects(&objects, columns)
}
