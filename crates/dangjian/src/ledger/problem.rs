//! Located problems found while loading or validating a ledger.

use std::fmt;

use serde::Serialize;

use std::borrow::Cow;

use crate::model::Table;
use crate::rows::{Cell, CellValue, Column, ColumnType, Row};

/// A value as quoted in a message: whole when short, else its first 40 characters and how
/// long it is, so that a megabyte cell does not make a megabyte message.
pub fn quoted(value: &str) -> std::borrow::Cow<'_, str> {
    const KEEP: usize = 40;
    match value.char_indices().nth(KEEP + 20) {
        None => value.into(),
        Some(_) => {
            let cut = value
                .char_indices()
                .nth(KEEP)
                .map_or(value.len(), |(i, _)| i);
            format!("{}… ({} characters)", &value[..cut], value.chars().count()).into()
        }
    }
}

/// A number as a message shows it: plainly, unless that takes more than 16 digits, then
/// with an exponent (`1e308`, not the 309 digits of its plain form).
pub fn short_number(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e16).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Location {
    /// A cell of a CSV file: `file:line:column` (1-based; line 1 is the header).
    Csv {
        /// File name (`units.csv`).
        file: String,
        /// Line, 1-based.
        line: u64,
        /// Column, 1-based.
        column: usize,
    },
    /// A JSON pointer (`/units/3/kind`).
    Json {
        /// The pointer.
        pointer: String,
    },
    /// An Excel cell: `sheet!A1`.
    Excel {
        /// Sheet name.
        sheet: String,
        /// Cell reference (`B4`).
        cell: String,
    },
    /// A record of a ledger built in code: `table[row].column`.
    Record {
        /// Table.
        table: Table,
        /// Row index, 0-based.
        row: usize,
        /// Column, when one is to blame.
        column: Option<String>,
    },
    /// A cell of an SQLite ledger: `activities[id=a17].date` for a row with an id,
    /// `progress[row=3].date` for a row without one (rows counted from 1 in rowid order),
    /// `units.colour` for a column of a table itself, `units` for a whole table.
    Sqlite {
        /// The SQL table (a ledger table, or another table found in the database).
        table: String,
        /// The row's id, when its table has an `id` column and the row fills it.
        id: Option<String>,
        /// The row, 1-based in rowid order; `None` for the table itself (its columns).
        row: Option<u64>,
        /// Column, when one is to blame.
        column: Option<String>,
    },
    /// A cell of a Parquet ledger: `activities.parquet[row 17].date` (rows counted from 0,
    /// as pyarrow and polars count them), `activities.parquet.date` for a column of the
    /// file itself, `activities.parquet[row 17]` for a row, `activities.parquet` for the
    /// file.
    Parquet {
        /// File name (`activities.parquet`).
        file: String,
        /// The row, from 0; `None` for the file itself (its columns).
        row: Option<u64>,
        /// Column, when one is to blame.
        column: Option<String>,
    },
    /// A whole file or folder.
    File {
        /// The path, as given.
        path: String,
    },
    /// The whole ledger.
    Ledger,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Csv { file, line, column } => write!(f, "{file}:{line}:{column}"),
            Location::Json { pointer } => write!(f, "{pointer}"),
            Location::Excel { sheet, cell } => write!(f, "{sheet}!{cell}"),
            Location::Record {
                table,
                row,
                column: Some(c),
            } => write!(f, "{table}[{row}].{c}"),
            Location::Record {
                table,
                row,
                column: None,
            } => write!(f, "{table}[{row}]"),
            Location::Sqlite {
                table,
                id,
                row,
                column,
            } => {
                f.write_str(table)?;
                match (id, row) {
                    (Some(id), _) => write!(f, "[id={id}]")?,
                    (None, Some(row)) => write!(f, "[row={row}]")?,
                    (None, None) => {}
                }
                match column {
                    Some(c) => write!(f, ".{c}"),
                    None => Ok(()),
                }
            }
            Location::Parquet { file, row, column } => {
                f.write_str(file)?;
                if let Some(row) = row {
                    write!(f, "[row {row}]")?;
                }
                match column {
                    Some(c) => write!(f, ".{c}"),
                    None => Ok(()),
                }
            }
            Location::File { path } => write!(f, "{path}"),
            Location::Ledger => f.write_str("ledger"),
        }
    }
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The ledger cannot be loaded.
    Error,
    /// Suspicious but legal.
    Warning,
}

/// What kind of problem, for callers that match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The file or document is not of the expected shape (not JSON, wrong `format`...).
    Format,
    /// A column that is neither known nor prefixed `x_`.
    UnknownColumn,
    /// A column of a type its values cannot take (Parquet: an `int64` where a date is
    /// declared, a list where text is).
    ColumnType,
    /// A required column is missing from the header.
    MissingColumn,
    /// A required value is empty.
    MissingValue,
    /// A unit kind, org kind, initiative kind, role, programme, `applies_to`, cadence or
    /// aggregate that is not allowed.
    UnknownTerm,
    /// An id used twice.
    DuplicateId,
    /// A reference to an id that does not exist (or of the wrong table).
    MissingReference,
    /// One unit listed twice in `hosts`.
    DuplicateHost,
    /// More than one unit without a parent.
    SeveralRoots,
    /// A cycle in `parent`.
    Cycle,
    /// A date that is not a date.
    BadDate,
    /// A number that is not a number.
    BadNumber,
    /// A boolean that is not one of the allowed spellings.
    BadBoolean,
    /// A number written with thousands separators.
    ThousandsSeparator,
    /// An end before its start.
    EndBeforeStart,
    /// `confirmed` before `joined`.
    ConfirmedBeforeJoined,
    /// An election before its org was established.
    ElectionBeforeEstablished,
    /// `percent` outside 0 to 100.
    PercentOutOfRange,
    /// `weight` not positive.
    WeightNotPositive,
    /// `min_count` not a whole number >= 1.
    BadMinCount,
    /// `employees`, `expected` or `attended` not a whole number >= 0.
    BadCount,
    /// `quorum` not a number in (0, 1].
    BadQuorum,
    /// Two progress updates of one initiative on one day.
    DuplicateProgress,
    /// Two observations of one indicator at one unit on one day.
    DuplicateObservation,
    /// Two targets for one metric and scope due on one day.
    DuplicateTarget,
    /// An indicator id not matching `[A-Za-z_][A-Za-z0-9_]*`.
    BadIndicatorId,
    /// A formula that does not parse.
    BadFormula,
    /// A formula naming an unknown indicator.
    UnknownFormulaOperand,
    /// Formulas that refer to each other in a cycle.
    FormulaCycle,
    /// Observations of a formula indicator.
    FormulaObserved,
    /// Warning: progress that goes down.
    ProgressDecreases,
    /// Warning: a record dated after the evaluation date.
    AfterEvaluationDate,
    /// Warning: a branch with fewer than 3 formal members.
    SmallBranch,
    /// Warning: a branch with more than 50 members.
    LargeBranch,
    /// Warning: a joint branch hosted by more than 5 units.
    WideJointBranch,
    /// Warning: an activity with more attending than expected.
    AttendedOverExpected,
    /// Warning: a duty with a quorum whose activities record no attendance.
    NoAttendance,
    /// Warning: a person listed more than once in one activity's `people` (counted once).
    PersonListedTwice,
    /// Warning: a CSV row with fewer cells than its header has columns (the missing ones
    /// read as empty).
    ShortRow,
}

impl ProblemKind {
    /// The severity of this kind of problem.
    pub fn severity(self) -> Severity {
        use ProblemKind::*;
        match self {
            ProgressDecreases | AfterEvaluationDate | SmallBranch | LargeBranch
            | WideJointBranch | AttendedOverExpected | NoAttendance | PersonListedTwice
            | ShortRow => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One problem: where, what kind, and a message saying what would be right.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// What kind.
    pub kind: ProblemKind,
    /// Where.
    pub location: Location,
    /// What is wrong and what would be right.
    pub message: String,
}

impl Problem {
    /// A problem of `kind` at `location`.
    pub fn new(kind: ProblemKind, location: Location, message: impl Into<String>) -> Self {
        Problem {
            severity: kind.severity(),
            kind,
            location,
            message: message.into(),
        }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.severity {
            Severity::Error => write!(f, "{}: {}", self.location, self.message),
            Severity::Warning => write!(f, "{}: warning: {}", self.location, self.message),
        }
    }
}

/// Every problem of a ledger that failed to load (errors first, then warnings).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| p.is_error())
    }
    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter().filter(|p| !p.is_error())
    }
    /// Whether there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Problem::is_error)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        write!(f, "{n} error{}", if n == 1 { "" } else { "s" })?;
        for p in self.errors() {
            write!(f, "\n{p}")?;
        }
        Ok(())
    }
}

impl CellValue for Severity {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(severity_id(*self)))
    }
}

impl CellValue for ProblemKind {
    const TYPE: ColumnType = ColumnType::Text;
    fn cell(&self) -> Cell<'_> {
        Cell::Text(Cow::Owned(problem_kind_id(*self)))
    }
}

/// The identifier of a severity: `error` or `warning`.
pub fn severity_id(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The identifier of a problem kind (`unknown_term`, `missing_reference`...), as in JSON.
pub fn problem_kind_id(k: ProblemKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{k:?}"),
    }
}

/// A problem is a row: severity, kind, the location as text and as data (its form and the
/// fields of that form; the others are null), and the message. An SQLite cell fills
/// `table`, `row` (1-based), `field` and `id`; a Parquet cell `file`, `row` (from 0) and
/// `field`.
///
/// ```
/// use dangjian::rows::{Cell, Row};
///
/// let err = dangjian::ledger::from_json_str(
///     r#"{"format": "dangjian-ledger/1", "units": [{"id": "d", "kind": "town", "name": "x"}]}"#,
/// )
/// .unwrap_err();
/// let p = &err.problems().unwrap().0[0];
/// let cells: Vec<(&str, String)> = dangjian::ledger::Problem::columns()
///     .iter()
///     .zip(p.cells())
///     .map(|(c, v)| (c.name, v.to_exact_text()))
///     .collect();
/// assert!(cells.contains(&("severity", "error".to_string())));
/// assert!(cells.contains(&("form", "json".to_string())));
/// assert!(cells.contains(&("pointer", "/units/0/kind".to_string())));
/// assert!(cells.contains(&("line", String::new())));
/// ```
impl Row for Problem {
    fn columns() -> Vec<Column> {
        let col = |name, ty| Column { name, ty };
        vec![
            col("severity", ColumnType::Text),
            col("kind", ColumnType::Text),
            col("location", ColumnType::Text),
            col("message", ColumnType::Text),
            col("form", ColumnType::Text),
            col("file", ColumnType::Text),
            col("line", ColumnType::Int),
            col("column", ColumnType::Int),
            col("pointer", ColumnType::Text),
            col("sheet", ColumnType::Text),
            col("cell", ColumnType::Text),
            col("table", ColumnType::Text),
            col("row", ColumnType::Int),
            col("field", ColumnType::Text),
            col("id", ColumnType::Text),
        ]
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        let text = |s: &str| Cell::Text(Cow::Owned(s.to_string()));
        let int = |n: u64| i64::try_from(n).map_or(Cell::Null, Cell::Int);
        // form, file, line, column, pointer, sheet, cell, table, row, field, id
        let mut at: [Cell<'_>; 11] = Default::default();
        match &self.location {
            Location::Csv { file, line, column } => {
                at[0] = text("csv");
                at[1] = text(file);
                at[2] = int(*line);
                at[3] = int(*column as u64);
            }
            Location::Json { pointer } => {
                at[0] = text("json");
                at[4] = text(pointer);
            }
            Location::Excel { sheet, cell } => {
                at[0] = text("excel");
                at[5] = text(sheet);
                at[6] = text(cell);
            }
            Location::Record { table, row, column } => {
                at[0] = text("record");
                at[7] = text(table.name());
                at[8] = int(*row as u64);
                at[9] = column.as_deref().map_or(Cell::Null, text);
            }
            Location::Sqlite {
                table,
                id,
                row,
                column,
            } => {
                at[0] = text("sqlite");
                at[7] = text(table);
                at[8] = row.map_or(Cell::Null, int);
                at[9] = column.as_deref().map_or(Cell::Null, text);
                at[10] = id.as_deref().map_or(Cell::Null, text);
            }
            Location::Parquet { file, row, column } => {
                at[0] = text("parquet");
                at[1] = text(file);
                at[8] = row.map_or(Cell::Null, int);
                at[9] = column.as_deref().map_or(Cell::Null, text);
            }
            Location::File { path } => {
                at[0] = text("file");
                at[1] = text(path);
            }
            Location::Ledger => at[0] = text("ledger"),
        }
        let mut cells = vec![
            self.severity.cell(),
            self.kind.cell(),
            Cell::Text(Cow::Owned(self.location.to_string())),
            Cell::Text(Cow::Borrowed(&self.message)),
        ];
        cells.extend(at);
        cells
    }
}
