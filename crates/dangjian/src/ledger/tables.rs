//! The one declaration of every ledger table: its columns in the order of `docs/LEDGER.md`,
//! each a field of the model record and a codec that says how the field reads from a
//! cell's text, how it is written back, whether the column is required and what type its
//! Arrow column has.
//!
//! The declaration drives [`Table::columns`] (the header check, templates, import
//! mappings), decoding (every form: CSV, JSON, Excel, records), encoding (every writer)
//! and the column types of a ledger table as Arrow. Adding a column is one line here and
//! the field on the model type.
//!
//! A row's cells are decoded left to right, so the problems of one row come in column order.

use std::marker::PhantomData;
use std::str::FromStr;

use chrono::NaiveDate;

use super::decode::{Cells, Col, Row};
use super::problem::ProblemKind;
use super::raw::{clean, is_too_large, parse_bool, parse_number, Value};
use crate::model::*;
use crate::rows::ColumnType;

/// How one column reads into a field of a record and is written back.
pub(crate) trait Codec {
    /// The field's type.
    type Field;
    /// Whether the column must be present and filled.
    const REQUIRED: bool;
    /// The type of the column as a typed table (Arrow).
    const TYPE: ColumnType;
    /// Reads the cell; `None` when the row cannot be kept (the problem is recorded).
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Self::Field>;
    /// The cell as it is saved.
    fn encode(f: &Self::Field) -> Option<Value>;
    /// The ids a decoded field names (none but for id columns), so that a row kept out
    /// by a problem elsewhere still has its references checked.
    fn ids(_f: &Self::Field, _out: &mut Vec<Sym>) {}
}

/// A required codec read as optional: an empty cell is `None`, a filled one is read as
/// the required codec reads it.
pub(crate) struct Maybe<C>(PhantomData<C>);

impl<C: Codec> Codec for Maybe<C> {
    type Field = Option<C::Field>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = C::TYPE;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<Self::Field> {
        match c.text(col) {
            None => Some(None),
            Some(_) => C::decode(c, col).map(Some),
        }
    }
    fn encode(f: &Self::Field) -> Option<Value> {
        f.as_ref().and_then(C::encode)
    }
    fn ids(f: &Self::Field, out: &mut Vec<Sym>) {
        if let Some(f) = f {
            C::ids(f, out);
        }
    }
}

/// An interned id (units, orgs, people...; kinds of activity, designations).
pub(crate) struct Id<T>(PhantomData<T>);

impl<T: From<Sym> + AsRef<str>> Codec for Id<T> {
    type Field = T;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<T> {
        let t = c.req_text(col);
        Some(T::from(c.sym(t)))
    }
    fn encode(f: &T) -> Option<Value> {
        Some(Value::Text(f.as_ref().to_string()))
    }
    fn ids(f: &T, out: &mut Vec<Sym>) {
        // A missing required id is empty (and reported already).
        if !f.as_ref().is_empty() {
            out.push(Sym::new(f.as_ref()));
        }
    }
}

/// Free text kept as it is (names, titles, notes; activity ids, which nothing refers to).
pub(crate) struct Text<S = String>(PhantomData<S>);

impl<S: for<'a> From<&'a str> + AsRef<str>> Codec for Text<S> {
    type Field = S;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<S> {
        Some(S::from(c.req_text(col)))
    }
    fn encode(f: &S) -> Option<Value> {
        Some(Value::Text(f.as_ref().to_string()))
    }
}

/// A term of a closed vocabulary or another parsed term (cadence, applies_to).
pub(crate) struct Term<T>(PhantomData<T>);

impl<T: FromStr + std::fmt::Display> Codec for Term<T>
where
    T::Err: std::fmt::Display,
{
    type Field = T;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
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
}

/// A date, saved as `YYYY-MM-DD`.
pub(crate) struct Date;

impl Codec for Date {
    type Field = NaiveDate;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Date;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<NaiveDate> {
        let t = c.required(col)?;
        c.date(col, Some(t))
    }
    fn encode(f: &NaiveDate) -> Option<Value> {
        Some(Value::Text(f.format("%Y-%m-%d").to_string()))
    }
}

/// A number.
pub(crate) struct Number;

impl Codec for Number {
    type Field = f64;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Float;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<f64> {
        let t = c.required(col)?;
        c.parsed(col, Some(t), parse_number)
    }
    fn encode(f: &f64) -> Option<Value> {
        Some(Value::Number(*f))
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

/// A whole number >= 0 (`employees`, `expected`, `attended`), optional.
pub(crate) struct Whole<N = u64>(PhantomData<N>);

impl<N: Count> Codec for Whole<N> {
    type Field = Option<N>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Int;
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
}

/// A flag, false when empty; saved as `true` or nothing.
pub(crate) struct Flag;

impl Codec for Flag {
    type Field = bool;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Bool;
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
}

/// The items of a `;`-separated list (`；` too), cleaned, empty ones dropped.
fn items(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；']).map(clean).filter(|x| !x.is_empty())
}

fn list_value<S: AsRef<str>>(v: &[S]) -> Option<Value> {
    (!v.is_empty()).then(|| Value::List(v.iter().map(|s| s.as_ref().to_string()).collect()))
}

/// A list of interned ids (`activities.people`), optional.
pub(crate) struct Ids<L>(PhantomData<L>);

impl<T, L> Codec for Ids<L>
where
    T: From<Sym> + AsRef<str>,
    L: FromIterator<T> + std::ops::Deref<Target = [T]>,
{
    type Field = L;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::TextList;
    fn decode<R: Row>(c: &mut Cells<'_, '_, R>, col: Col) -> Option<L> {
        let s = c.text(col).unwrap_or("");
        Some(items(s).map(|x| T::from(c.sym(x))).collect())
    }
    fn encode(f: &L) -> Option<Value> {
        list_value(f)
    }
    fn ids(f: &L, out: &mut Vec<Sym>) {
        out.extend(f.iter().map(|x| Sym::new(x.as_ref())));
    }
}

/// A list of interned ids that must name at least one (`orgs.hosts`).
pub(crate) struct SomeIds<L>(PhantomData<L>);

impl<T, L> Codec for SomeIds<L>
where
    T: From<Sym> + AsRef<str>,
    L: FromIterator<T> + std::ops::Deref<Target = [T]>,
{
    type Field = L;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::TextList;
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
    fn ids(f: &L, out: &mut Vec<Sym>) {
        Ids::<L>::ids(f, out);
    }
}

/// Free-text tags (`units.tags`), optional.
pub(crate) struct Tags;

impl Codec for Tags {
    type Field = Vec<String>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::TextList;
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
}

/// `duties.min_count`: a whole number >= 1, optional.
pub(crate) struct MinCount;

impl Codec for MinCount {
    type Field = Option<u32>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Int;
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
}

/// `duties.quorum`: a share in (0, 1], optional.
pub(crate) struct Quorum;

impl Codec for Quorum {
    type Field = Option<f64>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Float;
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
}

/// A column of a ledger table, as declared below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableColumn {
    /// The column name (the model record's field).
    pub name: &'static str,
    /// Whether the column must be present, and filled in every row.
    pub required: bool,
    /// The type of its values in a typed table (Arrow).
    pub ty: ColumnType,
}

/// Declares the ledger tables: for each, its model record, the ledger's vector of them and
/// its columns in order, each a field and its codec.
macro_rules! tables {
    ($( $variant:ident => $record:ident in $vec:ident {
        $( $field:ident : $codec:ty ),* $(,)?
    } )*) => {
        /// The declared columns of a table.
        pub(crate) fn columns_of(table: Table) -> &'static [TableColumn] {
            match table {
                $( Table::$variant => &[$( TableColumn {
                    name: stringify!($field),
                    required: <$codec as Codec>::REQUIRED,
                    ty: <$codec as Codec>::TYPE,
                } ),*], )*
            }
        }

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

tables! {
    Units => Unit in units {
        id: Id<UnitId>,
        kind: Term<UnitKind>,
        name: Text,
        parent: Maybe<Id<UnitId>>,
        above_scale: Flag,
        length_m: Maybe<Number>,
        since: Maybe<Date>,
        until: Maybe<Date>,
        tags: Tags,
        employees: Whole,
    }
    Designations => DesignationRecord in designations {
        unit: Id<UnitId>,
        designation: Id<Designation>,
        since: Date,
        until: Maybe<Date>,
    }
    Orgs => Org in orgs {
        id: Id<OrgId>,
        kind: Term<OrgKind>,
        name: Text,
        hosts: SomeIds<Vec<UnitId>>,
        parent: Maybe<Id<OrgId>>,
        established: Date,
        dissolved: Maybe<Date>,
    }
    Elections => Election in elections {
        org: Id<OrgId>,
        date: Date,
        note: Maybe<Text>,
    }
    People => Person in people {
        id: Id<PersonId>,
        name: Text,
        birth_date: Maybe<Date>,
        org: Maybe<Id<OrgId>>,
        joined: Maybe<Date>,
        confirmed: Maybe<Date>,
        workplace: Maybe<Id<UnitId>>,
    }
    Roles => Role in roles {
        person: Id<PersonId>,
        role: Term<RoleKind>,
        target: Id<TargetId>,
        start: Date,
        end: Maybe<Date>,
    }
    Initiatives => Initiative in initiatives {
        id: Id<InitiativeId>,
        kind: Term<InitiativeKind>,
        programme: Term<Programme>,
        title: Text,
        unit: Maybe<Id<UnitId>>,
        owner: Maybe<Id<OrgId>>,
        start: Maybe<Date>,
        deadline: Date,
        weight: Maybe<Number>,
    }
    Progress => Progress in progress {
        initiative: Id<InitiativeId>,
        date: Date,
        percent: Number,
        note: Maybe<Text>,
    }
    Activities => Activity in activities {
        id: Maybe<Text<ActivityId>>,
        kind: Id<ActivityKind>,
        date: Date,
        subject: Id<TargetId>,
        people: Ids<People>,
        note: Maybe<Text<Box<str>>>,
        expected: Whole<u32>,
        attended: Whole<u32>,
    }
    Duties => Duty in duties {
        id: Id<DutyId>,
        activity: Id<ActivityKind>,
        applies_to: Term<AppliesTo>,
        cadence: Term<Cadence>,
        min_count: MinCount,
        from: Maybe<Date>,
        to: Maybe<Date>,
        quorum: Quorum,
    }
    Indicators => Indicator in indicators {
        id: Id<IndicatorId>,
        name: Text,
        measure: Maybe<Text>,
        aggregate: Maybe<Term<Aggregate>>,
        formula: Maybe<Text>,
    }
    Observations => Observation in observations {
        indicator: Id<IndicatorId>,
        unit: Id<UnitId>,
        date: Date,
        value: Number,
        note: Maybe<Text>,
    }
    Targets => Target in targets {
        metric: Text,
        scope: Maybe<Id<UnitId>>,
        due: Date,
        value: Number,
        baseline: Maybe<Number>,
    }
    Exemptions => Exemption in exemptions {
        duty: Id<DutyId>,
        subject: Id<TargetId>,
        from: Date,
        to: Maybe<Date>,
        reason: Maybe<Text>,
    }
}
