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

use super::decode::{Cells, Col, Decoded, Interner, Part, Row, TableDecoder, Typed};
use super::problem::ProblemKind;
use super::problem::{short_number, Problem};
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
    /// Replaces each id of the field by `to` of it (the reader's ids whose lookup was
    /// put off until the end of their block: see `Interner::defer`).
    fn patch(_f: &mut Self::Field, _to: &impl Fn(Sym) -> Sym) {}
}

/// A required codec read as optional: an empty cell is `None`, a filled one is read as
/// the required codec reads it.
impl<C: Codec> Codec for Maybe<C> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Self::Field> {
        if c.present(col) {
            C::decode(c, col).map(Some)
        } else {
            Some(None)
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
    fn patch(f: &mut Self::Field, to: &impl Fn(Sym) -> Sym) {
        if let Some(f) = f {
            C::patch(f, to);
        }
    }
}

impl<T: From<Sym> + AsRef<str>> Codec for Id<T>
where
    for<'a> &'a T: Into<Sym>,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<T> {
        if let Typed::Sym(s) = c.typed(col) {
            return Some(T::from(s));
        }
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
        let sym: Sym = f.into();
        if !sym.is_pending() && f.as_ref().is_empty() {
            return;
        }
        out.push(sym);
    }
    fn patch(f: &mut T, to: &impl Fn(Sym) -> Sym) {
        *f = T::from(to((&*f).into()));
    }
}

/// A field kept as text: its text, borrowed when it can be (an activity id that is a UUID
/// is kept as its bits and written out).
pub(crate) trait AsText {
    fn as_text(&self) -> Cow<'_, str>;
}

impl AsText for String {
    fn as_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl AsText for Box<str> {
    fn as_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl AsText for ActivityId {
    fn as_text(&self) -> Cow<'_, str> {
        self.text().into_cow()
    }
}

impl<S: for<'a> From<&'a str> + AsText> Codec for Text<S> {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<S> {
        Some(S::from(c.req_text(col)))
    }
    fn encode(f: &S) -> Option<Value> {
        Some(Value::Text(f.as_text().into_owned()))
    }
    fn cell(f: &S) -> Cell<'_> {
        Cell::Text(f.as_text())
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
        match c.typed(col) {
            Typed::Text | Typed::Null => {
                let t = c.required(col)?;
                c.date(col, Some(t))
            }
            Typed::Date(d) => Some(d),
            Typed::DateTime(t) => {
                let name = col.name;
                c.fail(
                    ProblemKind::BadDate,
                    col,
                    format!("`{t}` in `{name}` has a time of day; write the day only (a date, or a timestamp at midnight)"),
                );
                None
            }
            other => {
                c.wrong_type(col, other);
                None
            }
        }
    }
    fn encode(f: &NaiveDate) -> Option<Value> {
        Some(Value::Text(f.format("%Y-%m-%d").to_string()))
    }
    fn cell(f: &NaiveDate) -> Cell<'_> {
        Cell::Date(*f)
    }
}

/// A typed number that must be finite: otherwise a problem at `col`.
fn finite<R: Row>(c: &mut Cells<'_, '_, R>, col: Col, v: f64) -> Option<f64> {
    if v.is_finite() {
        return Some(v);
    }
    let name = col.name;
    let msg = if v.is_nan() {
        format!("`NaN` in `{name}` is not a number")
    } else {
        format!("`{v}` in `{name}` is too large a number")
    };
    c.fail(ProblemKind::BadNumber, col, msg);
    None
}

impl Codec for Number {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<f64> {
        match c.typed(col) {
            Typed::Text | Typed::Null => {
                let t = c.required(col)?;
                c.parsed(col, Some(t), parse_number)
            }
            Typed::Float(v) => finite(c, col, v),
            Typed::Int(n) => Some(n as f64),
            other => {
                c.wrong_type(col, other);
                None
            }
        }
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
    let name = col.name;
    let too_large = |s: &str| (kind, format!("`{s}` is too large for `{name}`"));
    // A typed number (Parquet) is checked as its text would be.
    let typed = match c.typed(col) {
        Typed::Text => None,
        Typed::Null => return None,
        Typed::Int(n) => Some((n as f64, n.to_string())),
        Typed::Float(v) if v.is_nan() => Some((v, "NaN".to_string())),
        Typed::Float(v) => Some((v, short_number(v))),
        other => {
            c.wrong_type(col, other);
            return None;
        }
    };
    if let Some((v, shown)) = typed {
        let checked = if v > max {
            Err(too_large(&shown))
        } else if v.is_nan() {
            Err((kind, wrong(&shown)))
        } else {
            accept(v).ok_or_else(|| (kind, wrong(&shown)))
        };
        return match checked {
            Ok(x) => Some(x),
            Err((kind, msg)) => {
                c.fail(kind, col, msg);
                None
            }
        };
    }
    let t = c.text(col);
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
        let t = match c.typed(col) {
            Typed::Text => c.text(col),
            Typed::Null => return Some(false),
            Typed::Bool(b) => return Some(b),
            Typed::Int(0) => return Some(false),
            Typed::Int(1) => return Some(true),
            Typed::Int(n) => {
                let msg = format!("`{n}` is not a boolean; write true/false, 1/0, 是/否 or yes/no");
                c.fail(ProblemKind::BadBoolean, col, msg);
                return Some(false);
            }
            other => {
                c.wrong_type(col, other);
                return Some(false);
            }
        };
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
    for<'a> &'a T: Into<Sym>,
    L: FromIterator<T> + std::ops::DerefMut<Target = [T]>,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<L> {
        match c.typed(col) {
            Typed::Text => {
                let s = c.text(col).unwrap_or("");
                Some(items(s).map(|x| T::from(c.sym(x))).collect())
            }
            Typed::List(l) => Some(l.items().map(|x| T::from(c.sym(x))).collect()),
            Typed::SymList(l) => Some(l.syms().map(T::from).collect()),
            Typed::Null => Some(std::iter::empty().collect()),
            other => {
                c.wrong_type(col, other);
                None
            }
        }
    }
    fn encode(f: &L) -> Option<Value> {
        list_value(f)
    }
    fn cell(f: &L) -> Cell<'_> {
        list_cell(f)
    }
    fn ids(f: &L, out: &mut Vec<Sym>) {
        out.extend(f.iter().map(Into::into));
    }
    fn patch(f: &mut L, to: &impl Fn(Sym) -> Sym) {
        for x in f.iter_mut() {
            *x = T::from(to((&*x).into()));
        }
    }
}

impl<T, L> Codec for SomeIds<L>
where
    T: From<Sym> + AsRef<str> + 'static,
    for<'a> &'a T: Into<Sym>,
    L: FromIterator<T> + std::ops::DerefMut<Target = [T]>,
{
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<L> {
        let list = Ids::<L>::decode(c, col)?;
        if list.is_empty() {
            let written = match c.typed(col) {
                Typed::Text => c.text(col).is_some(),
                Typed::List(_) | Typed::SymList(_) => true,
                _ => false,
            };
            if written {
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
    fn patch(f: &mut L, to: &impl Fn(Sym) -> Sym) {
        Ids::<L>::patch(f, to);
    }
}

impl Codec for Tags {
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Vec<String>> {
        match c.typed(col) {
            Typed::Text => Some(
                c.text(col)
                    .map(|s| items(s).map(str::to_string).collect())
                    .unwrap_or_default(),
            ),
            Typed::List(l) => Some(l.items().map(str::to_string).collect()),
            Typed::Null => Some(Vec::new()),
            other => {
                c.wrong_type(col, other);
                None
            }
        }
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

        /// Replaces every id of the records of `table` from `from` on by `to` of it.
        pub(crate) fn patch_ids(l: &mut Ledger, table: Table, from: usize, to: &impl Fn(Sym) -> Sym) {
            match table {
                $( Table::$variant => {
                    for r in l.$vec.iter_mut().skip(from) {
                        $( <$codec as Codec>::patch(&mut r.$field, to); )*
                    }
                } )*
            }
        }

        /// The records `range` of a table as typed cells, each with its `x_` cells (none
        /// beyond the table's end).
        pub(crate) fn cell_rows_in(
            l: &Ledger,
            table: Table,
            range: std::ops::Range<usize>,
        ) -> Vec<(Vec<Cell<'_>>, &Extra)> {
            match table {
                $( Table::$variant => l.$vec.get(range).unwrap_or_default().iter()
                    .map(|r| (vec![$( <$codec as Codec>::cell(&r.$field) ),*], &r.extra))
                    .collect(), )*
            }
        }

        /// The names of the `x_` columns any record of a table has, sorted.
        pub(crate) fn extra_names(l: &Ledger, table: Table) -> Vec<String> {
            match table {
                $( Table::$variant => {
                    let names: BTreeSet<&String> =
                        l.$vec.iter().flat_map(|r| r.extra.keys()).collect();
                    names.into_iter().cloned().collect()
                } )*
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

/// Every record of a table as typed cells, with its `x_` cells.
fn cell_rows(l: &Ledger, table: Table) -> Vec<(Vec<Cell<'_>>, &Extra)> {
    cell_rows_in(l, table, 0..l.len_of(table))
}

/// The records `range` of a table as typed cells, as [`typed_table`] has them, with the
/// `x_` columns `extras` (as [`extra_names`] gives them): a part of a large table at a
/// time.
pub(crate) fn typed_chunk<'a>(
    l: &'a Ledger,
    table: Table,
    range: std::ops::Range<usize>,
    extras: &[String],
) -> Vec<Vec<Cell<'a>>> {
    cell_rows_in(l, table, range)
        .into_iter()
        .map(|(mut cells, e)| {
            cells.extend(extras.iter().map(|k| {
                e.get(k)
                    .map_or(Cell::Null, |v| Cell::Text(Cow::Borrowed(v.as_str())))
            }));
            cells
        })
        .collect()
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
