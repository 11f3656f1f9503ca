//! Typed rows ([`dangjian::rows::Row`]) to Arrow record batches. The schema comes from the
//! row type, not from the values, so an empty table has the same columns and types as a
//! full one: text as `utf8`, dates as `date32`, numbers as nullable `float64`/`int64`,
//! flags as `bool`, id lists as `list<utf8>`.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::{Datelike, NaiveDate};
use dangjian::ledger::TypedTable;
use dangjian::rows::{Cell, Column, ColumnType, Row};
use pyo3::prelude::*;
use pyo3::types::{PyDate, PyList, PyNone};
use pyo3::IntoPyObjectExt;

/// The Arrow type of a column type.
fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Date => DataType::Date32,
        ColumnType::Float => DataType::Float64,
        ColumnType::Int => DataType::Int64,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::TextList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        _ => DataType::Utf8,
    }
}

/// The Arrow schema of row type `R`: every column nullable.
pub fn schema<R: Row>() -> SchemaRef {
    schema_of(
        &R::columns()
            .iter()
            .map(|c| (c.name, c.ty))
            .collect::<Vec<_>>(),
    )
}

fn schema_of(columns: &[(&str, ColumnType)]) -> SchemaRef {
    Arc::new(Schema::new(
        columns
            .iter()
            .map(|(name, ty)| Field::new(*name, data_type(*ty), true))
            .collect::<Vec<_>>(),
    ))
}

/// Days since 1970-01-01, the `date32` value of a date.
fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

/// One column being built.
enum Builder {
    Text(StringBuilder),
    Date(Date32Builder),
    Float(Float64Builder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(ty: ColumnType) -> Builder {
        match ty {
            ColumnType::Date => Builder::Date(Date32Builder::new()),
            ColumnType::Float => Builder::Float(Float64Builder::new()),
            ColumnType::Int => Builder::Int(Int64Builder::new()),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::new()),
            ColumnType::TextList => Builder::List(ListBuilder::new(StringBuilder::new())),
            _ => Builder::Text(StringBuilder::new()),
        }
    }

    /// Appends a cell; a cell of another type than the column's is null (typed rows never
    /// give one).
    fn append(&mut self, cell: &Cell<'_>) {
        match (self, cell) {
            (Builder::Text(b), Cell::Text(s)) => b.append_value(s),
            (Builder::Text(b), Cell::Null) => b.append_null(),
            (Builder::Text(b), other) => b.append_value(other.to_exact_text()),
            (Builder::Date(b), Cell::Date(d)) => b.append_value(days(*d)),
            (Builder::Date(b), _) => b.append_null(),
            (Builder::Float(b), Cell::Float(x)) => b.append_value(*x),
            (Builder::Float(b), Cell::Int(n)) => b.append_value(*n as f64),
            (Builder::Float(b), _) => b.append_null(),
            (Builder::Int(b), Cell::Int(n)) => b.append_value(*n),
            (Builder::Int(b), _) => b.append_null(),
            (Builder::Bool(b), Cell::Bool(x)) => b.append_value(*x),
            (Builder::Bool(b), _) => b.append_null(),
            (Builder::List(b), Cell::TextList(items)) => {
                for i in items {
                    b.values().append_value(i);
                }
                b.append(true);
            }
            (Builder::List(b), _) => b.append(false),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Builder::Text(mut b) => Arc::new(b.finish()),
            Builder::Date(mut b) => Arc::new(b.finish()),
            Builder::Float(mut b) => Arc::new(b.finish()),
            Builder::Int(mut b) => Arc::new(b.finish()),
            Builder::Bool(mut b) => Arc::new(b.finish()),
            Builder::List(mut b) => Arc::new(b.finish()),
        }
    }
}

/// Builds a batch of `columns` (name and type) from rows of cells.
fn build<'r>(
    columns: &[(&str, ColumnType)],
    rows: impl Iterator<Item = Vec<Cell<'r>>>,
) -> Result<RecordBatch, ArrowError> {
    let schema = schema_of(columns);
    let mut builders: Vec<Builder> = columns.iter().map(|c| Builder::new(c.1)).collect();
    for cells in rows {
        for (b, c) in builders.iter_mut().zip(&cells) {
            b.append(c);
        }
    }
    if builders.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    RecordBatch::try_new(schema, builders.into_iter().map(Builder::finish).collect())
}

/// A record batch of typed rows; its schema is [`schema::<R>()`](schema) whatever the rows.
pub fn batch<R: Row>(rows: &[R]) -> Result<RecordBatch, ArrowError> {
    let columns: Vec<(&str, ColumnType)> = R::columns().iter().map(|c| (c.name, c.ty)).collect();
    build(&columns, rows.iter().map(Row::cells))
}

/// A record batch of rows of `R` with a leading date column (`as_of` of a trend) and a flag
/// column after it (`records_since_previous`).
pub fn dated_batch<'r, R: Row + 'r>(
    date_column: &'static str,
    flag_column: &'static str,
    rows: impl Iterator<Item = (NaiveDate, bool, &'r R)>,
) -> Result<RecordBatch, ArrowError> {
    let columns: Vec<(&str, ColumnType)> = [
        Column {
            name: date_column,
            ty: ColumnType::Date,
        },
        Column {
            name: flag_column,
            ty: ColumnType::Bool,
        },
    ]
    .into_iter()
    .chain(R::columns())
    .map(|c| (c.name, c.ty))
    .collect();
    build(
        &columns,
        rows.map(|(d, flag, r)| {
            let mut cells = vec![Cell::Date(d), Cell::Bool(flag)];
            cells.extend(r.cells());
            cells
        }),
    )
}

/// A table of the ledger itself (units, orgs...), typed by the table's declared columns
/// ([`dangjian::model::Table::columns`]) straight from the records
/// ([`dangjian::ledger::typed_table`]): an empty table has the same columns and types as a
/// full one. A flag left empty is false, as the ledger reads it; the `x_` columns are text.
pub fn ledger_batch(t: TypedTable<'_>) -> Result<RecordBatch, ArrowError> {
    let columns: Vec<(&str, ColumnType)> = t
        .header
        .iter()
        .zip(&t.types)
        .map(|(name, ty)| (name.as_str(), *ty))
        .collect();
    build(&columns, t.rows.into_iter())
}

/// A cell as a Python value: `None`, `str`, `int`, `float`, `bool`, `datetime.date` or a
/// list of `str`.
pub fn cell_to_py<'py>(py: Python<'py>, cell: &Cell<'_>) -> PyResult<Bound<'py, PyAny>> {
    match cell {
        Cell::Null => Ok(PyNone::get(py).to_owned().into_any()),
        Cell::Text(s) => s.as_ref().into_bound_py_any(py),
        Cell::Date(d) => Ok(PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)?.into_any()),
        Cell::Float(x) => x.into_bound_py_any(py),
        Cell::Int(n) => n.into_bound_py_any(py),
        Cell::Bool(b) => b.into_bound_py_any(py),
        Cell::TextList(items) => Ok(PyList::new(py, items.iter().map(|s| s.as_ref()))?.into_any()),
        other => other.to_exact_text().into_bound_py_any(py),
    }
}

/// The value at row `i` of an Arrow column built by this module, as [`cell_to_py`] gives
/// it (and as pyarrow's `to_pylist` does).
fn value_to_py<'py>(
    py: Python<'py>,
    a: &dyn arrow_array::Array,
    i: usize,
) -> PyResult<Bound<'py, PyAny>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int64Type};
    if a.is_null(i) {
        return Ok(PyNone::get(py).to_owned().into_any());
    }
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).into_bound_py_any(py),
        DataType::Float64 => a
            .as_primitive::<Float64Type>()
            .value(i)
            .into_bound_py_any(py),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(i).into_bound_py_any(py),
        DataType::Boolean => a.as_boolean().value(i).into_bound_py_any(py),
        DataType::Date32 => {
            let days = a.as_primitive::<Date32Type>().value(i);
            let d = NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163)).ok_or_else(
                || {
                    pyo3::exceptions::PyValueError::new_err(format!(
                        "date32 value {days} is not a date"
                    ))
                },
            )?;
            Ok(PyDate::new(py, d.year(), d.month() as u8, d.day() as u8)?.into_any())
        }
        DataType::List(_) => {
            let items = a.as_list::<i32>().value(i);
            let out = PyList::empty(py);
            for j in 0..items.len() {
                out.append(value_to_py(py, items.as_ref(), j)?)?;
            }
            Ok(out.into_any())
        }
        other => Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "a column of Arrow type {other} has no Python form here"
        ))),
    }
}

/// The rows of a batch as a list of dicts (column name to [`cell_to_py`]'s value), in
/// column order: what pyarrow's `Table.to_pylist()` gives, without pyarrow.
pub fn batch_to_pylist<'py>(py: Python<'py>, batch: &RecordBatch) -> PyResult<Bound<'py, PyList>> {
    let schema = batch.schema();
    let names: Vec<Bound<'py, pyo3::types::PyString>> = schema
        .fields()
        .iter()
        .map(|f| pyo3::types::PyString::new(py, f.name()))
        .collect();
    let out = PyList::empty(py);
    for i in 0..batch.num_rows() {
        let row = pyo3::types::PyDict::new(py);
        for (column, name) in batch.columns().iter().zip(&names) {
            row.set_item(name, value_to_py(py, column.as_ref(), i)?)?;
        }
        out.append(row)?;
    }
    Ok(out)
}
