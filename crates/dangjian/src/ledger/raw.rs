//! The form-independent middle layer: every form (CSV folder, JSON, Excel) reads into raw
//! tables of text cells that remember where each cell came from, and writes from encoded
//! tables of typed cells; `tables.rs` decodes the one into the typed model and encodes the
//! model into the other. Here: the cells, and how their text reads.

use chrono::NaiveDate;

use super::problem::ProblemKind;
use crate::model::*;

/// Where a raw table came from; turns (row, column) into a [`Location`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A CSV file; row positions are 1-based line numbers.
    Csv {
        /// File name shown in locations.
        file: String,
    },
    /// A JSON document; row positions are array indices.
    Json,
    /// An Excel sheet; row positions are 1-based row numbers.
    Excel {
        /// Sheet name.
        sheet: String,
    },
    /// A table of an SQLite database; row positions are 1-based in rowid order, and the
    /// ids of the rows name the rows in locations (`activities[id=a17].date`).
    Sqlite {
        /// The ids of the rows.
        ids: std::sync::Arc<RowIds>,
    },
    /// A Parquet file; row positions are the row's index from 0 plus 1 (0 is the file
    /// itself, its columns).
    Parquet {
        /// File name shown in locations.
        file: String,
    },
    /// Records built in code; row positions are indices.
    Records,
}

/// The ids of the rows of an SQLite table, which name them in locations: a row is named by
/// its id when no other row of the table has it (otherwise by its number, so that "already
/// used at" says which).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowIds {
    /// One cell a row, in row order: empty for a row without an id, or every row of a
    /// table without an `id` column.
    pub rows: RawRow,
    /// The ids (cleaned) more than one row has.
    pub twice: std::collections::HashSet<String>,
}

impl RowIds {
    /// The id that names row `row` (1-based), if one does.
    pub fn name(&self, row: u64) -> Option<&str> {
        let i = usize::try_from(row.checked_sub(1)?).ok()?;
        self.rows
            .cell(i)
            .map(clean)
            .filter(|s| !s.is_empty() && !self.twice.contains(*s))
    }
}

/// Which date spellings a form accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// ISO `YYYY-MM-DD` only (JSON).
    IsoOnly,
    /// Also `YYYY/M/D`, `YYYY.M.D` and `YYYY年M月D日` (CSV, Excel).
    Lenient,
}

/// One table as text cells.
#[derive(Clone, Debug)]
pub struct RawTable {
    /// Which table.
    pub table: Table,
    /// Where it came from.
    pub origin: Origin,
    /// Column names, in order.
    pub header: Vec<String>,
    /// Rows: a position (line, index or sheet row) and one cell per header column.
    pub rows: Vec<RawRow>,
    /// Position of the header (line or row of the header), for header problems.
    pub header_pos: u64,
}

/// One row of text cells, stored in one buffer (one allocation a row, not one a cell:
/// large ledgers have millions of cells).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawRow {
    /// Line number, array index or sheet row, depending on the origin.
    pub pos: u64,
    text: String,
    /// The end offset in `text` of each cell; an empty cell is absent.
    ends: Vec<u32>,
}

impl RawRow {
    /// A row from its cells (`None` or empty: absent).
    pub fn new<S: AsRef<str>>(pos: u64, cells: impl IntoIterator<Item = Option<S>>) -> RawRow {
        Self::with_capacity(pos, 0, 0, cells)
    }

    /// Like [`RawRow::new`], with room reserved for `text_len` bytes of text in `n` cells.
    pub fn with_capacity<S: AsRef<str>>(
        pos: u64,
        text_len: usize,
        n: usize,
        cells: impl IntoIterator<Item = Option<S>>,
    ) -> RawRow {
        let mut text = String::with_capacity(text_len);
        let mut ends = Vec::with_capacity(n);
        for c in cells {
            if let Some(c) = c {
                text.push_str(c.as_ref());
            }
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        RawRow { pos, text, ends }
    }

    /// Adds a cell at the end of the row (`None` or empty: absent).
    pub fn push(&mut self, cell: Option<&str>) {
        if let Some(c) = cell {
            self.text.push_str(c);
        }
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    /// The number of cells.
    pub fn cell_count(&self) -> usize {
        self.ends.len()
    }

    /// Cell `c`; `None` when empty or beyond the row (a row shorter than the header reads
    /// as empty in the missing columns).
    pub fn cell(&self, c: usize) -> Option<&str> {
        let end = *self.ends.get(c)? as usize;
        let start = if c == 0 { 0 } else { self.ends[c - 1] as usize };
        self.text.get(start..end).filter(|s| !s.is_empty())
    }
}

/// Spreadsheet column letters for a 0-based index (`0` -> `A`, `26` -> `AA`).
pub fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Trims white space (Unicode's, full-width spaces U+3000 among them, which Chinese
/// spreadsheets leave) and byte order marks from both ends.
pub fn clean(s: &str) -> &str {
    // Most cells start and end with a printable ASCII character: nothing to trim.
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'),
    }
}

/// Parses a date in ISO form, or also the spreadsheet spellings with [`DateStyle::Lenient`].
pub fn parse_date(s: &str, style: DateStyle) -> Option<NaiveDate> {
    // ISO `YYYY-MM-DD` exactly: the common case, read without a format string.
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            if let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) {
                return Some(date);
            }
        }
    }
    if style == DateStyle::IsoOnly {
        return None;
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['/', '.', '年', '月', '-']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() != 4 || parts[1].len() > 2 || parts[2].len() > 2 {
        return None;
    }
    let y = parts[0].parse().ok()?;
    let m = parts[1].parse().ok()?;
    let d = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Parses a decimal number, refusing thousands separators.
pub fn parse_number(s: &str) -> Result<f64, (ProblemKind, String)> {
    if s.contains([',', '，', '_', '\''])
        || (s.contains(' ') && s.chars().any(|c| c.is_ascii_digit()))
    {
        return Err((
            ProblemKind::ThousandsSeparator,
            format!("`{s}` has a thousands separator; write the number plainly, e.g. 1234567.5"),
        ));
    }
    let ok_chars = number_chars(s);
    match s.parse::<f64>() {
        Ok(v) if ok_chars && v.is_finite() => Ok(v),
        Ok(_) if ok_chars => Err((
            ProblemKind::BadNumber,
            format!("`{s}` is too large a number"),
        )),
        _ => Err((
            ProblemKind::BadNumber,
            format!("`{s}` is not a number; use `.` as the decimal point, e.g. 12.5"),
        )),
    }
}

/// Whether `s` is written as a decimal number, maybe with an exponent.
fn number_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
}

/// Whether `s` is a decimal number beyond every float (`1e400`, a run of 400 digits).
pub(crate) fn is_too_large(s: &str) -> bool {
    number_chars(s) && s.parse::<f64>().is_ok_and(f64::is_infinite)
}

/// Parses a boolean: `true/false`, `1/0`, `是/否`, `yes/no` (case does not matter).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" | "是" | "yes" => Some(true),
        "false" | "0" | "否" | "no" => Some(false),
        _ => None,
    }
}

/// A cell value with its JSON type, for writers that keep types (JSON).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A list of ids or tags.
    List(Vec<String>),
}

impl Value {
    /// The cell as CSV/Excel text.
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::List(v) => v.join(";"),
        }
    }
}

/// Writes a number the shortest way that reads back exactly (`400`, `0.95`).
pub fn format_number(n: f64) -> String {
    format!("{n}")
}

/// A table ready to write: header and rows of optional typed cells.
pub struct OutTable {
    /// Which table.
    pub table: Table,
    /// Column names: the table's columns then the extra `x_` columns (sorted).
    pub header: Vec<String>,
    /// Rows, one optional value per header column.
    pub rows: Vec<Vec<Option<Value>>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_trims_white_space_full_width_spaces_and_byte_order_marks_at_both_ends() {
        let cases = [
            ("p1", "p1"),
            ("a b", "a b"),
            (" a ", "a"),
            ("\ta\r", "a"),
            ("\u{3000}城西\u{3000}", "城西"),
            ("\u{feff}id", "id"),
            ("中共 ", "中共"),
            ("x\u{3000}", "x"),
            ("\u{a0}1\u{a0}", "1"),
            ("   ", ""),
            ("", ""),
        ];
        for (cell, want) in cases {
            assert_eq!(clean(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn a_raw_row_shorter_than_its_header_reads_as_empty_cells() {
        // Rows built in code may be ragged; decoding must not index past their end.
        let table = RawTable {
            table: crate::model::Table::Units,
            origin: Origin::Records,
            header: vec!["id".into(), "kind".into(), "name".into(), "parent".into()],
            rows: vec![RawRow::new(0, [Some("d"), Some("district"), Some("区")])],
            header_pos: 0,
        };
        let l = crate::ledger::from_raw(vec![table], &Default::default())
            .unwrap()
            .ledger;
        assert_eq!(l.units[0].parent, None);
    }
}
