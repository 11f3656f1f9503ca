//! The one declaration of every ledger table: its record, the ledger's vector of them and
//! its columns in the order of `docs/LEDGER.md`, each a field of the record and a column
//! type that says whether the column is required, what the field holds and what type its
//! typed (Arrow) column has.
//!
//! The declaration is written once, in [`for_each_table!`], which hands it to a macro of
//! the caller's: the model generates [`Table`] (its list, names and columns) and the
//! [`Ledger`] methods that go table by table from it, and the ledger generates how each
//! row reads from cells and is written back (`ledger/tables.rs`). Adding a column is one
//! line here and the field on the model type.

use std::marker::PhantomData;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;

/// The type of a column's values. Every column may also hold nulls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// Text (ids, names, kinds).
    Text,
    /// A calendar date.
    Date,
    /// A floating-point number.
    Float,
    /// A whole number.
    Int,
    /// A flag.
    Bool,
    /// A list of texts (ids, role kinds).
    TextList,
}

/// A column of a ledger table, as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableColumn {
    /// The column name (the model record's field).
    pub name: &'static str,
    /// Whether the column must be present, and filled in every row.
    pub required: bool,
    /// The type of its values in a typed table (Arrow).
    pub ty: ColumnType,
}

/// What a declared column is, without reading or writing it: the type of the record's
/// field, whether the column is required, and its type in a typed table. The ledger says
/// how each reads and is written.
pub(crate) trait ColumnKind {
    /// The field's type.
    type Field;
    /// Whether the column must be present and filled.
    const REQUIRED: bool;
    /// The type of the column as a typed table (Arrow).
    const TYPE: ColumnType;
    /// Whether the field holds interned ids (an id, a list of ids): a reader that sees a
    /// value many times (a Parquet dictionary) may intern it once.
    const INTERNED: bool = false;
}

/// An optional column of a required kind: an empty cell is `None`.
pub(crate) struct Maybe<C>(PhantomData<C>);

impl<C: ColumnKind> ColumnKind for Maybe<C> {
    type Field = Option<C::Field>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = C::TYPE;
    const INTERNED: bool = C::INTERNED;
}

/// An interned id (units, orgs, people...; kinds of activity, designations).
pub(crate) struct Id<T>(PhantomData<T>);

impl<T> ColumnKind for Id<T> {
    type Field = T;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
    const INTERNED: bool = true;
}

/// Free text kept as it is (names, titles, notes; activity ids, which nothing refers to).
pub(crate) struct Text<S = String>(PhantomData<S>);

impl<S> ColumnKind for Text<S> {
    type Field = S;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
}

/// A term of a closed vocabulary or another parsed term (cadence, applies_to).
pub(crate) struct Term<T>(PhantomData<T>);

impl<T> ColumnKind for Term<T> {
    type Field = T;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Text;
}

/// A date.
pub(crate) struct Date;

impl ColumnKind for Date {
    type Field = NaiveDate;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Date;
}

/// A number.
pub(crate) struct Number;

impl ColumnKind for Number {
    type Field = f64;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::Float;
}

/// A whole number >= 0 (`employees`, `expected`, `attended`), optional.
pub(crate) struct Whole<N = u64>(PhantomData<N>);

impl<N> ColumnKind for Whole<N> {
    type Field = Option<N>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Int;
}

/// A flag, false when empty.
pub(crate) struct Flag;

impl ColumnKind for Flag {
    type Field = bool;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Bool;
}

/// A list of interned ids (`activities.people`), optional.
pub(crate) struct Ids<L>(PhantomData<L>);

impl<L> ColumnKind for Ids<L> {
    type Field = L;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::TextList;
    const INTERNED: bool = true;
}

/// A list of interned ids that must name at least one (`orgs.hosts`).
pub(crate) struct SomeIds<L>(PhantomData<L>);

impl<L> ColumnKind for SomeIds<L> {
    type Field = L;
    const REQUIRED: bool = true;
    const TYPE: ColumnType = ColumnType::TextList;
    const INTERNED: bool = true;
}

/// Free-text tags (`units.tags`), optional.
pub(crate) struct Tags;

impl ColumnKind for Tags {
    type Field = Vec<String>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::TextList;
}

/// `duties.min_count`: a whole number >= 1, optional.
pub(crate) struct MinCount;

impl ColumnKind for MinCount {
    type Field = Option<u32>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Int;
}

/// `duties.quorum`: a share in (0, 1], optional.
pub(crate) struct Quorum;

impl ColumnKind for Quorum {
    type Field = Option<f64>;
    const REQUIRED: bool = false;
    const TYPE: ColumnType = ColumnType::Float;
}

/// The declaration of the ledger tables, handed to `$callback!`: for each table, in the
/// order of `docs/LEDGER.md`, its doc, its [`Table`] variant, its model record and the
/// ledger's vector of them, then its columns, each a field of the record and its
/// [`ColumnKind`]. The column types are named as written here, so the caller has them in
/// scope (`use crate::model::tables::*`).
macro_rules! for_each_table {
    ($callback:ident) => {
        $callback! {
            /// `units`
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
            /// `designations`
            Designations => DesignationRecord in designations {
                unit: Id<UnitId>,
                designation: Id<Designation>,
                since: Date,
                until: Maybe<Date>,
            }
            /// `orgs`
            Orgs => Org in orgs {
                id: Id<OrgId>,
                kind: Term<OrgKind>,
                name: Text,
                hosts: SomeIds<Vec<UnitId>>,
                parent: Maybe<Id<OrgId>>,
                established: Date,
                dissolved: Maybe<Date>,
            }
            /// `elections`
            Elections => Election in elections {
                org: Id<OrgId>,
                date: Date,
                note: Maybe<Text>,
            }
            /// `people`
            People => Person in people {
                id: Id<PersonId>,
                name: Text,
                birth_date: Maybe<Date>,
                org: Maybe<Id<OrgId>>,
                joined: Maybe<Date>,
                confirmed: Maybe<Date>,
                workplace: Maybe<Id<UnitId>>,
            }
            /// `roles`
            Roles => Role in roles {
                person: Id<PersonId>,
                role: Term<RoleKind>,
                target: Id<TargetId>,
                start: Date,
                end: Maybe<Date>,
            }
            /// `initiatives`
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
            /// `progress`
            Progress => Progress in progress {
                initiative: Id<InitiativeId>,
                date: Date,
                percent: Number,
                note: Maybe<Text>,
            }
            /// `activities`
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
            /// `duties`
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
            /// `indicators`
            Indicators => Indicator in indicators {
                id: Id<IndicatorId>,
                name: Text,
                measure: Maybe<Text>,
                aggregate: Maybe<Term<Aggregate>>,
                formula: Maybe<Text>,
            }
            /// `observations`
            Observations => Observation in observations {
                indicator: Id<IndicatorId>,
                unit: Id<UnitId>,
                date: Date,
                value: Number,
                note: Maybe<Text>,
            }
            /// `targets`
            Targets => Target in targets {
                metric: Text,
                scope: Maybe<Id<UnitId>>,
                due: Date,
                value: Number,
                baseline: Maybe<Number>,
            }
            /// `exemptions` (`docs/STATS.md`)
            Exemptions => Exemption in exemptions {
                duty: Id<DutyId>,
                subject: Id<TargetId>,
                from: Date,
                to: Maybe<Date>,
                reason: Maybe<Text>,
            }
        }
    };
}
pub(crate) use for_each_table;

/// What the model generates from the declaration: [`Table`], its list, names and columns,
/// and the [`Ledger`] methods that go table by table.
macro_rules! model_tables {
    ($( $(#[$doc:meta])* $variant:ident => $record:ident in $vec:ident {
        $( $field:ident : $kind:ty ),* $(,)?
    } )*) => {
        /// The tables of a ledger, in the order of `docs/LEDGER.md`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Table {
            $( $(#[$doc])* $variant, )*
        }

        /// How many tables a ledger has.
        const TABLES: usize = [$( Table::$variant ),*].len();

        impl Table {
            /// Every table, in the order of `docs/LEDGER.md`.
            pub const ALL: [Table; TABLES] = [$( Table::$variant ),*];

            /// The table's name (`units`, `orgs`...): the CSV file stem, JSON key and sheet
            /// name.
            pub fn name(self) -> &'static str {
                match self {
                    $( Table::$variant => stringify!($vec), )*
                }
            }

            /// The table's columns in the order of `docs/LEDGER.md`: name, whether
            /// required, and the type of the column in a typed table. They are declared
            /// once, with the record field each fills, in the table declaration.
            ///
            /// ```
            /// use dangjian::model::Table;
            /// let c = &Table::Orgs.columns()[5];
            /// assert_eq!((c.name, c.required), ("established", true));
            /// assert_eq!(c.ty, dangjian::rows::ColumnType::Date);
            /// ```
            pub fn columns(self) -> &'static [TableColumn] {
                match self {
                    $( Table::$variant => &[$( TableColumn {
                        name: stringify!($field),
                        required: <$kind as ColumnKind>::REQUIRED,
                        ty: <$kind as ColumnKind>::TYPE,
                    } ),*], )*
                }
            }
        }

        impl Table {
            /// For each of the table's columns ([`Table::columns`]), whether it holds
            /// interned ids.
            pub(crate) fn interned(self) -> &'static [bool] {
                match self {
                    $( Table::$variant => &[$( <$kind as ColumnKind>::INTERNED ),*], )*
                }
            }
        }

        impl Ledger {
            /// The number of rows of a table.
            pub fn len_of(&self, table: Table) -> usize {
                match table {
                    $( Table::$variant => self.$vec.len(), )*
                }
            }

            /// Moves every record of `other` to the end of this ledger's tables (a table
            /// that is empty here takes `other`'s vector as it is, without copying).
            pub fn append(&mut self, other: &mut Ledger) {
                $( move_to_end(&mut self.$vec, &mut other.$vec); )*
            }

            /// Reserves room for `additional` more records of a table.
            pub(crate) fn reserve(&mut self, table: Table, additional: usize) {
                match table {
                    $( Table::$variant => self.$vec.reserve(additional), )*
                }
            }

            /// Exchanges the records of one table with `other`'s.
            pub(crate) fn swap_table(&mut self, other: &mut Ledger, table: Table) {
                match table {
                    $( Table::$variant => std::mem::swap(&mut self.$vec, &mut other.$vec), )*
                }
            }
        }
    };
}

for_each_table!(model_tables);
