//! How every declared ledger table reads and is written: a codec for each column type of
//! the model's table declaration ([`crate::model::tables`]) says how a field reads from a
//! cell's text and how it is written back, and the declaration generates, table by table,
//! the decoding of a row (every form: CSV, JSON, Excel, records) and the encoding of the
//! records (every writer). Everything is monomorphised: a row decodes with no dynamic
//! dispatch per cell.
//!
//! A row's cells are decoded left to right, so the problems of one row come in column order.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;

use super::decode::{Cells, Col, Decoded, Interner, Part, Row, TableDecoder};
use super::problem::Problem;
use super::problem::ProblemKind;
use super::raw::{clean, is_too_large, parse_bool, parse_number, OutTable, RawTable, Value};
use crate::model::tables::*;
use crate::model::*;
use crate::rows::Cell;

/// How one column of a declared kind reads into a field of a record and is written back.
pub(crate) trait Codec: ColumnKind {
    /// Reads the cell; `None` when the row cannot be kept (the problem is recorded).
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Self::Field>;
    /// The cell as it is saved.
    fn encode(f: &Self::Field) -> Option<Value>;
    /// The field as a typed cell of its column type: null where [`Codec::encode`] saves
    /// nothing, but false for a flag (as it reads back).
    fn cell(f: &Self::Field) -> Cell<'_>;
    /// The ids a decoded field names (none but for id columns), so that a row kept out
    /// by a problem elsewhere still has its references checked.
    fn ids(_f: &Self::Field, _out: &mut Vec<Sym>) {}
}

/// A required codec read as optional: an empty cell is `None`, a filled one is read as
/// the required codec reads it.
impl<C: Codec> Codec for Maybe<C> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Self::Field> {
        match c.text(col) {
            None => Some(None),
            Some(_) => C::decode(c, col).map(Some),
        }
    }
    fn encode(f: &Self::Field) -> Option<Value> {
        f.as_ref().and_then(C::encode)
    }
    fn cell(f: &Self::Field) -> Cell<'_> {
        f.as_ref().map_or(Cell::Null, C::cell)
    }
    fn ids(f: &Self::Field, out: &mut Vec<Sym>) {
        if let Some(f) = f {
            C::ids(f, out);
        }
    }
}

impl<T: From<Sym> + AsRef<str>> Codec for Id<T> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<T> {
        let t = c.req_text(col);
        Some(T::from(c.sym(t)))
    }
    fn encode(f: &T) -> Option<Value> {
        Some(Value::Text(f.as_ref().to_string()))
    }
    fn cell(f: &T) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(f.as_ref()))
    }
    fn ids(f: &T, out: &mut Vec<Sym>) {
        // A missing required id is empty (and reported already).
        if !f.as_ref().is_empty() {
            out.push(Sym::new(f.as_ref()));
        }
    }
}

impl<S: for<'a> From<&'a str> + AsRef<str>> Codec for Text<S> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<S> {
        Some(S::from(c.req_text(col)))
    }
    fn encode(f: &S) -> Option<Value> {
        Some(Value::Text(f.as_ref().to_string()))
    }
    fn cell(f: &S) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(f.as_ref()))
    }
}

impl<T: FromStr + std::fmt::Display> Codec for Term<T>
where
    T::Err: std::fmt::Display,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<T> {
        let t = c.required(col)?;
        c.parsed(col, Some(t), |s| {
            s.parse::<T>()
                .map_err(|e| (ProblemKind::UnknownTerm, e.to_string()))
        })
    }
    fn encode(f: &T) -> Option<Value> {
        Some(Value::Text(f.to_string()))
    }
    fn cell(f: &T) -> Cell<'_> {
        Cell::Text(Cow::Owned(f.to_string()))
    }
}

impl Codec for Date {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<NaiveDate> {
        let t = c.required(col)?;
        c.date(col, Some(t))
    }
    fn encode(f: &NaiveDate) -> Option<Value> {
        Some(Value::Text(f.format("%Y-%m-%d").to_string()))
    }
    fn cell(f: &NaiveDate) -> Cell<'_> {
        Cell::Date(*f)
    }
}

impl Codec for Number {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<f64> {
        let t = c.required(col)?;
        c.parsed(col, Some(t), parse_number)
    }
    fn encode(f: &f64) -> Option<Value> {
        Some(Value::Number(*f))
    }
    fn cell(f: &f64) -> Cell<'_> {
        Cell::Float(*f)
    }
}

/// A count type of a [`Whole`] column.
pub(crate) trait Count: Copy + Into<u64> {
    /// The largest count the type holds (for `u64`, the largest whole numbers a float
    /// holds exactly, rounded down): a larger one is "too large", never cut.
    const MAX: f64;
    /// The count of a whole number from 0 to [`Count::MAX`].
    fn from_whole(n: u64) -> Self;
}

impl Count for u64 {
    const MAX: f64 = 9.0e15;
    fn from_whole(n: u64) -> Self {
        n
    }
}

impl Count for u32 {
    const MAX: f64 = u32::MAX as f64;
    fn from_whole(n: u64) -> Self {
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// An optional number that must pass `accept` and be at most `max`: otherwise a `kind`
/// problem worded by `wrong`, or one that says it is too large (a thousands separator
/// keeps its own problem).
fn checked_number<R: Row, T>(
    c: &mut Cells<'_, '_, R>,
    col: Col,
    accept: impl FnOnce(f64) -> Option<T>,
    max: f64,
    kind: ProblemKind,
    wrong: impl FnOnce(&str) -> String,
) -> Option<T> {
    let t = c.text(col);
    let name = col.name;
    let too_large = |s: &str| (kind, format!("`{s}` is too large for `{name}`"));
    c.parsed(col, t, |s| match parse_number(s) {
        Ok(v) if v > max => Err(too_large(s)),
        Ok(v) => accept(v).ok_or_else(|| (kind, wrong(s))),
        Err((ProblemKind::ThousandsSeparator, m)) => Err((ProblemKind::ThousandsSeparator, m)),
        Err(_) if is_too_large(s) => Err(too_large(s)),
        Err(_) => Err((kind, wrong(s))),
    })
}

impl<N: Count> Codec for Whole<N> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Option<N>> {
        let name = col.name;
        let n = checked_number(
            c,
            col,
            |v| (v >= 0.0 && v.fract() == 0.0).then_some(v as u64),
            N::MAX,
            ProblemKind::BadCount,
            |s| format!("`{name}` must be a whole number >= 0, not `{s}`"),
        );
        Some(n.map(N::from_whole))
    }
    fn encode(f: &Option<N>) -> Option<Value> {
        f.map(|n| Value::Number(n.into() as f64))
    }
    fn cell(f: &Option<N>) -> Cell<'_> {
        f.map_or(Cell::Null, |n| Cell::Int(n.into() as i64))
    }
}

impl Codec for Flag {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<bool> {
        let t = c.text(col);
        let b = c.parsed(col, t, |s| {
            parse_bool(s).ok_or_else(|| {
                (
                    ProblemKind::BadBoolean,
                    format!("`{s}` is not a boolean; write true/false, 1/0, 是/否 or yes/no"),
                )
            })
        });
        Some(b.unwrap_or(false))
    }
    fn encode(f: &bool) -> Option<Value> {
        f.then_some(Value::Bool(true))
    }
    fn cell(f: &bool) -> Cell<'_> {
        Cell::Bool(*f)
    }
}

/// The items of a `;`-separated list (`；` too), cleaned, empty ones dropped.
pub(crate) fn items(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；']).map(clean).filter(|x| !x.is_empty())
}

/// A list as a typed cell: null when empty, as it is saved.
fn list_cell<S: AsRef<str>>(v: &[S]) -> Cell<'_> {
    if v.is_empty() {
        Cell::Null
    } else {
        Cell::TextList(v.iter().map(|s| Cow::Borrowed(s.as_ref())).collect())
    }
}

fn list_value<S: AsRef<str>>(v: &[S]) -> Option<Value> {
    (!v.is_empty()).then(|| Value::List(v.iter().map(|s| s.as_ref().to_string()).collect()))
}

impl<T, L> Codec for Ids<L>
where
    T: From<Sym> + AsRef<str> + 'static,
    L: FromIterator<T> + std::ops::Deref<Target = [T]>,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<L> {
        let s = c.text(col).unwrap_or("");
        Some(items(s).map(|x| T::from(c.sym(x))).collect())
    }
    fn encode(f: &L) -> Option<Value> {
        list_value(f)
    }
    fn cell(f: &L) -> Cell<'_> {
        list_cell(f)
    }
    fn ids(f: &L, out: &mut Vec<Sym>) {
        out.extend(f.iter().map(|x| Sym::new(x.as_ref())));
    }
}

impl<T, L> Codec for SomeIds<L>
where
    T: From<Sym> + AsRef<str> + 'static,
    L: FromIterator<T> + std::ops::Deref<Target = [T]>,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<L> {
        let list = Ids::<L>::decode(c, col)?;
        if list.is_empty() {
            if c.text(col).is_some() {
                let name = col.name;
                c.fail(
                    ProblemKind::MissingValue,
                    col,
                    format!("`{name}` lists no unit id"),
                );
            } else {
                c.req_text(col);
            }
        }
        Some(list)
    }
    fn encode(f: &L) -> Option<Value> {
        list_value(f)
    }
    fn cell(f: &L) -> Cell<'_> {
        list_cell(f)
    }
    fn ids(f: &L, out: &mut Vec<Sym>) {
        Ids::<L>::ids(f, out);
    }
}

impl Codec for Tags {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Vec<String>> {
        Some(
            c.text(col)
                .map(|s| items(s).map(str::to_string).collect())
                .unwrap_or_default(),
        )
    }
    fn encode(f: &Vec<String>) -> Option<Value> {
        list_value(f)
    }
    fn cell(f: &Vec<String>) -> Cell<'_> {
        list_cell(f)
    }
}

impl Codec for MinCount {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Option<u32>> {
        Some(checked_number(
            c,
            col,
            |v| (v >= 1.0 && v.fract() == 0.0).then_some(v as u32),
            u32::MAX as f64,
            ProblemKind::BadMinCount,
            |s| format!("`min_count` must be a whole number >= 1, not `{s}`"),
        ))
    }
    fn encode(f: &Option<u32>) -> Option<Value> {
        f.map(|n| Value::Number(n as f64))
    }
    fn cell(f: &Option<u32>) -> Cell<'_> {
        f.map_or(Cell::Null, |n| Cell::Int(n.into()))
    }
}

impl Codec for Quorum {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Option<f64>> {
        Some(checked_number(
            c,
            col,
            |v| (v > 0.0 && v <= 1.0).then_some(v),
            f64::INFINITY,
            ProblemKind::BadQuorum,
            |s| format!("`quorum` must be a number in (0, 1] (0.5: more than half), not `{s}`"),
        ))
    }
    fn encode(f: &Option<f64>) -> Option<Value> {
        f.map(Value::Number)
    }
    fn cell(f: &Option<f64>) -> Cell<'_> {
        f.map_or(Cell::Null, Cell::Float)
    }
}

/// What the ledger generates from the model's table declaration
/// ([`for_each_table!`](crate::model::tables)): decoding a row, encoding the records.
macro_rules! ledger_tables {
    ($( $(#[$doc:meta])* $variant:ident => $record:ident in $vec:ident {
        $( $field:ident : $codec:ty ),* $(,)?
    } )*) => {
        /// Decodes one row into its table's vector; returns whether it was kept (a row with
        /// a problem is not).
        pub(crate) fn decode_row<R: Row>(
            table: Table,
            c: &mut Cells<'_, '_, R>,
            l: &mut Ledger,
        ) -> bool {
            match table {
                $( Table::$variant => {
                    let mut next = 0usize;
                    $( let $field = <$codec as Codec>::decode(c, Col {
                        k: { next += 1; next - 1 },
                        name: stringify!($field),
                    }); )*
                    let _ = next;
                    if !c.ok $( || $field.is_none() )* {
                        // The row is not kept; the references it makes still count.
                        let mut next = 0usize;
                        $( if let Some(f) = &$field {
                            let col = Col { k: { next += 1; next - 1 }, name: stringify!($field) };
                            c.keep_references(Table::$variant, col, |out| <$codec as Codec>::ids(f, out));
                        } else {
                            next += 1;
                        } )*
                        let _ = next;
                        return false;
                    }
                    let ($(Some($field),)*) = ($($field,)*) else {
                        return false;
                    };
                    let extra = c.extra();
                    l.$vec.push($record { $( $field, )* extra });
                    true
                } )*
            }
        }

        /// Every record of a table as typed cells, with its `x_` cells.
        pub(crate) fn cell_rows(l: &Ledger, table: Table) -> Vec<(Vec<Cell<'_>>, &Extra)> {
            match table {
                $( Table::$variant => l.$vec.iter()
                    .map(|r| (vec![$( <$codec as Codec>::cell(&r.$field) ),*], &r.extra))
                    .collect(), )*
            }
        }

        /// Every record of a table as saved cells, with its `x_` cells.
        pub(crate) fn encode_rows(l: &Ledger, table: Table) -> Vec<(Vec<Option<Value>>, &Extra)> {
            match table {
                $( Table::$variant => l.$vec.iter()
                    .map(|r| (vec![$( <$codec as Codec>::encode(&r.$field) ),*], &r.extra))
                    .collect(), )*
            }
        }
    };
}

for_each_table!(ledger_tables);

impl TableDecoder<'_> {
    /// Decodes one row into `part`, as its table is declared.
    pub(crate) fn row<R: Row>(&self, pos: u64, row: &R, part: &mut Part, ids: &mut Interner) {
        self.row_with(pos, row, part, ids, decode_row::<R>);
    }
}

/// Decodes raw tables (JSON, Excel, records) into the typed model, collecting every
/// problem; `read_problems` are those the reader already found.
pub(crate) fn decode(tables: Vec<RawTable>, read_problems: Vec<Problem>) -> Decoded {
    let mut out = Decoded {
        read_problems,
        ..Default::default()
    };
    let mut ids = Interner::default();
    for raw in tables {
        let dec = TableDecoder::new(raw.table, &raw.origin, &raw.header, raw.header_pos);
        let mut part = dec.part();
        for row in &raw.rows {
            dec.row(row.pos, row, &mut part, &mut ids);
        }
        dec.finish(part, &mut out);
    }
    out
}

/// Encodes every table of a ledger (tables with no rows included, with no rows).
pub fn encode(l: &Ledger) -> Vec<OutTable> {
    Table::ALL
        .into_iter()
        .map(|table| encode_table(l, table))
        .collect()
}

pub(crate) fn encode_table(l: &Ledger, table: Table) -> OutTable {
    let (header, rows) = with_extras(table, encode_rows(l, table), |v| {
        v.map(|v| Value::Text(v.to_string()))
    });
    OutTable {
        table,
        header,
        rows,
    }
}

/// One table of a ledger with typed cells, straight from its records (see
/// [`crate::ledger::typed_table`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TypedTable<'a> {
    /// Which table.
    pub table: Table,
    /// Column names: the table's columns then the extra `x_` columns (sorted).
    pub header: Vec<String>,
    /// The type of each column: as declared ([`Table::columns`]), then text.
    pub types: Vec<ColumnType>,
    /// Rows, one cell per column: null where the record has nothing, but false for a flag.
    pub rows: Vec<Vec<Cell<'a>>>,
}

/// One table of a ledger with typed cells: the cells of [`encode_table`] as their declared
/// types, taken from the records without a round trip through text.
pub(crate) fn typed_table(l: &Ledger, table: Table) -> TypedTable<'_> {
    let (header, rows) = with_extras(table, cell_rows(l, table), |v| {
        v.map_or(Cell::Null, |v| Cell::Text(Cow::Borrowed(v)))
    });
    let mut types: Vec<ColumnType> = table.columns().iter().map(|c| c.ty).collect();
    types.resize(header.len(), ColumnType::Text);
    TypedTable {
        table,
        header,
        rows,
        types,
    }
}

/// The header of a table (its declared columns, then the `x_` columns any record has,
/// sorted) and its rows, each extended with its `x_` cells (`extra` makes one of a value,
/// or of none).
fn with_extras<'a, C>(
    table: Table,
    rows: Vec<(Vec<C>, &'a Extra)>,
    extra: impl Fn(Option<&'a str>) -> C,
) -> (Vec<String>, Vec<Vec<C>>) {
    let extras: BTreeSet<&String> = rows.iter().flat_map(|(_, e)| e.keys()).collect();
    let mut header: Vec<String> = table.columns().iter().map(|c| c.name.to_string()).collect();
    header.extend(extras.iter().map(|s| s.to_string()));
    let rows = rows
        .into_iter()
        .map(|(mut cells, e)| {
            cells.extend(extras.iter().map(|k| extra(e.get(*k).map(String::as_str))));
            cells
        })
        .collect();
    (header, rows)
}
