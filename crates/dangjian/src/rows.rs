//! Tables with typed columns, from the Rust row types.
//!
//! A [`Row`] type knows its columns, each a name and a [`ColumnType`], without a row in
//! hand, so an empty table has the same columns and types as a full one; each row gives its
//! [`Cell`]s in the same order. The column types come from the field types ([`CellValue`]):
//! a date field makes a date column, an `Option<f64>` a nullable float column. The command
//! line renders text, CSV and Markdown from rows; the Python bindings build Arrow tables.
//!
//! The tables: metric rows ([`MetricRow`](crate::metrics::MetricRow)), the drill-downs
//! ([`TaskRow`](crate::metrics::TaskRow), [`ObligationRow`](crate::metrics::ObligationRow),
//! [`EnterpriseRow`](crate::metrics::EnterpriseRow), [`CadreRow`](crate::metrics::CadreRow)),
//! the catalogue ([`LedgerMetric`](crate::metrics::LedgerMetric)) and validation problems
//! ([`Problem`](crate::ledger::Problem)).
//!
//! ```
//! use dangjian::metrics::TaskRow;
//! use dangjian::rows::{ColumnType, Row};
//!
//! let columns = TaskRow::columns();
//! assert_eq!((columns[0].name, columns[0].ty), ("id", ColumnType::Text));
//! let deadline = columns.iter().find(|c| c.name == "deadline").unwrap();
//! assert_eq!(deadline.ty, ColumnType::Date);
//! ```

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::model::ids::{
    ActivityId, DutyId, IndicatorId, InitiativeId, OrgId, PersonId, TargetId, UnitId,
};
use crate::model::Vocabulary;

/// The type of a column's values (declared with the model, for the ledger tables too).
pub use crate::model::ColumnType;

/// A column of a table: its name and the type of its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Column {
    /// The column name (the field name of the row type).
    pub name: &'static str,
    /// The type of its values.
    pub ty: ColumnType,
}

impl Column {
    /// The column of a row field, typed by the field's type: `field` only names the field
    /// (`|r: &TaskRow| &r.deadline`).
    pub fn of<R, T: CellValue + ?Sized>(name: &'static str, field: fn(&R) -> &T) -> Column {
        let _ = field;
        Column { name, ty: T::TYPE }
    }
}

/// One cell of a row.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub enum Cell<'a> {
    /// No value.
    #[default]
    Null,
    /// Text.
    Text(Cow<'a, str>),
    /// A date.
    Date(NaiveDate),
    /// A floating-point number.
    Float(f64),
    /// A whole number.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// A list of texts.
    TextList(Vec<Cow<'a, str>>),
}

impl Cell<'_> {
    /// The cell for a machine (CSV): nothing for null, numbers at full precision (the
    /// shortest text that reads back exactly, so a whole number has no decimals: `25`,
    /// `0.7575757575757576`), dates ISO, lists joined with `;`.
    pub fn to_exact_text(&self) -> String {
        match self {
            Cell::Null => String::new(),
            Cell::Text(s) => s.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Float(x) => format!("{x}"),
            Cell::Int(n) => n.to_string(),
            Cell::Bool(b) => b.to_string(),
            Cell::TextList(items) => items.join(";"),
        }
    }

    /// The cell for a person (text, Markdown): like [`Cell::to_exact_text`], but a fraction
    /// is rounded to 4 decimals (`0.7576`); a whole number stays whole (`33`).
    pub fn to_display_text(&self) -> String {
        match self {
            Cell::Float(x) if x.fract() != 0.0 => {
                let s = format!("{x:.4}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                match s {
                    "-0" => "0".to_string(),
                    s => s.to_string(),
                }
            }
            other => other.to_exact_text(),
        }
    }
}

/// A value that fills one cell: its column type, and the cell.
pub trait CellValue {
    /// The type of the column a field of this type makes.
    const TYPE: ColumnType;
    /// Whether a field of this type can be null (an `Option`).
    const NULLABLE: bool = false;
    /// The value as a cell.
    fn cell(&self) -> Cell<'_>;
}

/// A row type of a table: its columns, and each row's cells in the same order.
pub trait Row {
    /// The columns, in order.
    fn columns() -> Vec<Column>;
    /// This row's cells, one per column.
    fn cells(&self) -> Vec<Cell<'_>>;
    /// The columns that are never null (their field is not an `Option`); by default none is
    /// promised. The JSON Schemas of the outputs ([`crate::output`]) say so.
    fn non_null() -> Vec<&'static str> {
        Vec::new()
    }
    /// The columns whose JSON key is left out when the value is null (`due` of a metric
    /// row); every other column's key is always written.
    fn omitted_when_null() -> &'static [&'static str] {
        &[]
    }
}

/// Whether the field `field` names is never null (used by [`impl_row!`]).
#[doc(hidden)]
pub fn non_null_field<R, T: CellValue + ?Sized>(field: fn(&R) -> &T) -> bool {
    let _ = field;
    !T::NULLABLE
}

/// Implements [`Row`] for a struct from its field list: the columns are the fields in that
/// order, typed by the field types. The struct is destructured without `..`, so a field
/// added to the struct and not listed here (as a column or under `hidden`) does not
/// compile.
macro_rules! impl_row {
    ($row:ident { $($field:ident),+ $(,)? } $(hidden { $($hidden:ident),+ $(,)? })? $(omitted_when_null { $($omit:ident),+ $(,)? })?) => {
        impl $crate::rows::Row for $row {
            fn columns() -> Vec<$crate::rows::Column> {
                vec![$($crate::rows::Column::of(stringify!($field), |r: &$row| &r.$field)),+]
            }
            fn cells(&self) -> Vec<$crate::rows::Cell<'_>> {
                let $row { $($field,)+ $($($hidden: _,)+)? } = self;
                vec![$($crate::rows::CellValue::cell($field)),+]
            }
            fn non_null() -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if $crate::rows::non_null_field(|r: &$row| &r.$field) {
                    out.push(stringify!($field));
                })+
                out
            }
            $(fn omitted_when_null() -> &'static [&'static str] {
                &[$(stringify!($omit)),+]
            })?
        }
    };
}
pub(crate) use impl_row;

impl CellValue for str {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(self))
    }
}

impl CellValue for String {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(self))
    }
}

macro_rules! id_cells {
    ($($id:ty),+) => {$(
        impl CellValue for $id {
            const TYPE: ColumnType = ColumnType::Text;
            fn cell(&self) -> Cell<'_> {
                Cell::Text(Cow::Borrowed(self.as_str()))
            }
        }
    )+};
}
id_cells!(
    UnitId,
    OrgId,
    PersonId,
    InitiativeId,
    DutyId,
    IndicatorId,
    TargetId
);

impl CellValue for ActivityId {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self.text().into_cow())
    }
}

/// A closed vocabulary (unit kinds, roles, task status...) is its identifier.
impl<V: Vocabulary> CellValue for V {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(self.id()))
    }
}

impl CellValue for NaiveDate {
    const TYPE: ColumnType = ColumnType::Date;
    fn cell(&self) -> Cell<'_> {
        Cell::Date(*self)
    }
}

impl CellValue for f64 {
    const TYPE: ColumnType = ColumnType::Float;
    fn cell(&self) -> Cell<'_> {
        if self.is_finite() {
            Cell::Float(*self)
        } else {
            Cell::Null
        }
    }
}

macro_rules! int_cells {
    ($($int:ty),+) => {$(
        impl CellValue for $int {
            const TYPE: ColumnType = ColumnType::Int;
            fn cell(&self) -> Cell<'_> {
                i64::try_from(*self).map_or(Cell::Null, Cell::Int)
            }
        }
    )+};
}
int_cells!(i32, u32, u64, usize);

impl CellValue for bool {
    const TYPE: ColumnType = ColumnType::Bool;
    fn cell(&self) -> Cell<'_> {
        Cell::Bool(*self)
    }
}

impl<T: CellValue> CellValue for Option<T> {
    const TYPE: ColumnType = T::TYPE;
    const NULLABLE: bool = true;
    fn cell(&self) -> Cell<'_> {
        self.as_ref().map_or(Cell::Null, T::cell)
    }
}

/// A list is a list of texts (ids, role kinds); other values are written as text.
impl<T: CellValue> CellValue for Vec<T> {
    const TYPE: ColumnType = ColumnType::TextList;
    fn cell(&self) -> Cell<'_> {
        Cell::TextList(
            self.iter()
                .map(|x| match x.cell() {
                    Cell::Text(s) => s,
                    other => Cow::Owned(other.to_exact_text()),
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Location, Problem, ProblemKind};

    #[test]
    fn machine_text_is_exact_and_people_text_rounds() {
        // 25 / 33 = 0.757575...: all digits for a machine, 4 decimals for a person.
        let r = Cell::Float(25.0 / 33.0);
        assert_eq!(r.to_exact_text(), "0.7575757575757576");
        assert_eq!(r.to_display_text(), "0.7576");
        // A count held as a float is a whole number either way.
        assert_eq!(Cell::Float(33.0).to_exact_text(), "33");
        assert_eq!(Cell::Float(33.0).to_display_text(), "33");
        assert_eq!(Cell::Float(0.5).to_display_text(), "0.5");
        assert_eq!(Cell::Float(-0.00001).to_display_text(), "0");
        assert_eq!(Cell::Float(682_500.0).to_exact_text(), "682500");
        assert_eq!(Cell::Null.to_exact_text(), "");
    }

    #[test]
    fn optional_and_list_fields_keep_their_column_type() {
        assert_eq!(<Option<NaiveDate>>::TYPE, ColumnType::Date);
        assert_eq!(<Option<u64>>::TYPE, ColumnType::Int);
        assert_eq!(<Vec<OrgId>>::TYPE, ColumnType::TextList);
        assert_eq!(None::<f64>.cell(), Cell::Null);
        assert_eq!(f64::NAN.cell(), Cell::Null);
    }

    #[test]
    fn every_form_of_location_fills_its_own_columns() {
        let cols: Vec<&str> = Problem::columns().iter().map(|c| c.name).collect();
        let at = |loc: Location| {
            let p = Problem::new(ProblemKind::BadDate, loc, "m");
            cols.iter()
                .zip(p.cells())
                .filter(|(_, c)| *c != Cell::Null)
                .map(|(n, c)| format!("{n}={}", c.to_exact_text()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let head = "severity=error kind=bad_date";
        assert_eq!(
            at(Location::Csv {
                file: "units.csv".into(),
                line: 4,
                column: 2
            }),
            format!(
                "{head} location=units.csv:4:2 message=m form=csv file=units.csv line=4 column=2"
            )
        );
        assert_eq!(
            at(Location::Excel {
                sheet: "orgs".into(),
                cell: "B3".into()
            }),
            format!("{head} location=orgs!B3 message=m form=excel sheet=orgs cell=B3")
        );
        assert_eq!(
            at(Location::Record {
                table: crate::model::Table::Units,
                row: 0,
                column: Some("parent".into())
            }),
            format!(
                "{head} location=units[0].parent message=m form=record table=units row=0 field=parent"
            )
        );
        assert_eq!(
            at(Location::Sqlite {
                table: "activities".into(),
                id: Some("a17".into()),
                row: Some(3),
                column: Some("date".into())
            }),
            format!(
                "{head} location=activities[id=a17].date message=m form=sqlite table=activities row=3 field=date id=a17"
            )
        );
        assert_eq!(
            at(Location::Sqlite {
                table: "progress".into(),
                id: None,
                row: Some(2),
                column: Some("percent".into())
            }),
            format!(
                "{head} location=progress[row=2].percent message=m form=sqlite table=progress row=2 field=percent"
            )
        );
        assert_eq!(
            at(Location::Parquet {
                file: "activities.parquet".into(),
                row: Some(17),
                column: Some("date".into())
            }),
            format!(
                "{head} location=activities.parquet[row 17].date message=m form=parquet file=activities.parquet row=17 field=date"
            )
        );
        assert_eq!(
            at(Location::Parquet {
                file: "units.parquet".into(),
                row: None,
                column: Some("since".into())
            }),
            format!(
                "{head} location=units.parquet.since message=m form=parquet file=units.parquet field=since"
            )
        );
        assert_eq!(
            at(Location::Ledger),
            format!("{head} location=ledger message=m form=ledger")
        );
        assert_eq!(Problem::columns().len(), 15);
    }
}
