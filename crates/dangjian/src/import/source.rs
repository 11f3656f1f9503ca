//! Reading a source file of another system (an `.xlsx` sheet or a `.csv` file) into rows of
//! typed cells that remember where they are, so that every problem of an import is located
//! in the source file's own terms: `三会一课.xlsx!L3` or `roster.csv:7:2`.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, DataRef, Reader, Xlsx};

use crate::ledger::excel::serial_text;
use crate::ledger::raw::{clean, column_letters, format_number};
use crate::ledger::{Location, Problem, ProblemKind};

/// One cell of a source row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing in the cell.
    Empty,
    /// Text (every CSV cell; text cells of a workbook).
    Text(String),
    /// A number cell; `zeros` is the width of its number format when the format is all
    /// zeros (`000000`: the code `1` shows as `000001`).
    Number {
        /// The value.
        value: f64,
        /// The width of an all-zeros number format (`000000` -> 6).
        zeros: Option<usize>,
    },
    /// A date or date-time cell, as `YYYY-MM-DD` with ` HH:MM:SS` when it has a time.
    DateTime(String),
    /// A boolean cell.
    Bool(bool),
    /// A formula whose value was never saved (a workbook written by a script, never
    /// opened in Excel): its value is unknown, so reading it is an error.
    UnsavedFormula,
}

impl Cell {
    /// Whether the cell holds nothing (or only white space).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => clean(s).is_empty(),
            _ => false,
        }
    }

    /// The cell as plain text: numbers the shortest way (`12`, not `12.0`), dates ISO;
    /// `None` for an empty cell and for a formula with no saved value.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(clean(s).to_string()).filter(|s| !s.is_empty()),
            Cell::Number { value, .. } => Some(format_number(*value)),
            Cell::DateTime(s) => Some(s.clone()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::UnsavedFormula => None,
        }
    }
}

/// The form of a source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// An Excel workbook (one sheet of it).
    Xlsx,
    /// A CSV file (UTF-8 or GB18030).
    Csv,
}

/// One row of a source: its row number (Excel) or line (CSV), 1-based, and its cells.
#[derive(Clone, Debug)]
pub struct SourceRow {
    /// Sheet row or CSV line, 1-based.
    pub pos: u64,
    /// One cell per column (a short row reads as empty in the missing columns).
    pub cells: Vec<Cell>,
}

impl SourceRow {
    /// Cell `c`, [`Cell::Empty`] beyond the row.
    pub fn cell(&self, c: usize) -> &Cell {
        self.cells.get(c).unwrap_or(&Cell::Empty)
    }
}

/// A merged range of a sheet that spans several rows inside the data area: an
/// instructions box, not data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedBox {
    /// The range as Excel writes it (`C7:H14`).
    pub range: String,
    /// First and last sheet row, 1-based.
    pub rows: (u64, u64),
    /// The text in the box (its top-left cell), if any.
    pub text: Option<String>,
}

/// A source table: the header row and the data rows below it.
#[derive(Clone, Debug)]
pub struct Source {
    /// The file name shown in locations (`三会一课.xlsx`, `roster.csv`).
    pub file: String,
    /// Excel or CSV.
    pub kind: SourceKind,
    /// The header texts, trimmed.
    pub header: Vec<String>,
    /// The header's row or line, 1-based.
    pub header_pos: u64,
    /// The rows below the header that hold anything (empty rows are left out), rows of
    /// merged boxes included (the importer skips them).
    pub rows: Vec<SourceRow>,
    /// Merged ranges spanning several rows below the header.
    pub boxes: Vec<MergedBox>,
}

impl Source {
    /// Where cell `col` (0-based) of row `pos` is: `file!C5` or `file:5:3`.
    pub fn cell_location(&self, pos: u64, col: usize) -> Location {
        match self.kind {
            SourceKind::Xlsx => Location::Excel {
                sheet: self.file.clone(),
                cell: format!("{}{pos}", column_letters(col)),
            },
            SourceKind::Csv => Location::Csv {
                file: self.file.clone(),
                line: pos,
                column: col + 1,
            },
        }
    }

    /// The whole file.
    pub fn file_location(&self) -> Location {
        Location::File {
            path: self.file.clone(),
        }
    }

    /// The column of a header text (the first when repeated), compared without white space
    /// (a line break or a full-width space inside a header cell) and without the `*` or `＊`
    /// that templates put on required columns.
    pub fn column(&self, header: &str) -> Option<usize> {
        let want = header_key(header);
        self.header.iter().position(|h| header_key(h) == want)
    }

    /// The source with its header on the row that names the most of `wanted`: the first
    /// row, unless one of the next ten names more of them (a title above the header), in
    /// which case the rows above that one are dropped and its position is returned too.
    pub fn with_header_among(
        &self,
        wanted: &[&str],
    ) -> (std::borrow::Cow<'_, Source>, Option<u64>) {
        let keys: Vec<String> = wanted.iter().map(|w| header_key(w)).collect();
        let named = |cells: &mut dyn Iterator<Item = String>| {
            let have: Vec<String> = cells.map(|c| header_key(&c)).collect();
            keys.iter().filter(|k| have.contains(k)).count()
        };
        let here = named(&mut self.header.iter().cloned());
        if here == keys.len() {
            return (std::borrow::Cow::Borrowed(self), None);
        }
        let best = self
            .rows
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, r)| {
                (
                    named(&mut r.cells.iter().map(|c| c.text().unwrap_or_default())),
                    i,
                )
            })
            .filter(|(n, _)| *n > here)
            .max_by_key(|(n, i)| (*n, std::cmp::Reverse(*i)));
        let Some((_, i)) = best else {
            return (std::borrow::Cow::Borrowed(self), None);
        };
        let row = &self.rows[i];
        let header_pos = row.pos;
        let moved = Source {
            file: self.file.clone(),
            kind: self.kind,
            header: row
                .cells
                .iter()
                .map(|c| c.text().unwrap_or_default())
                .collect(),
            header_pos,
            rows: self.rows[i + 1..].to_vec(),
            boxes: self
                .boxes
                .iter()
                .filter(|b| b.rows.0 > header_pos)
                .cloned()
                .collect(),
        };
        (std::borrow::Cow::Owned(moved), Some(header_pos))
    }

    /// Reads a source file: `.xlsx` (the first sheet, or `sheet`) or anything else as CSV.
    pub fn read(path: &Path, sheet: Option<&str>) -> Result<Source, Problem> {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.display().to_string());
        let bytes = std::fs::read(path).map_err(|e| {
            Problem::new(
                ProblemKind::Format,
                Location::File {
                    path: path.display().to_string(),
                },
                format!("cannot be read: {e}"),
            )
        })?;
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        // By what the bytes are, whatever the name says: an .xlsx is a zip archive, an old
        // .xls a compound file (which calamine's .xlsx reader cannot read).
        let is_zip = bytes.starts_with(b"PK\x03\x04");
        let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        if is_ole || (!is_zip && extension.eq_ignore_ascii_case("xls")) {
            return Err(Problem::new(
                ProblemKind::Format,
                Location::File { path: file },
                "is an Excel 97-2003 workbook (.xls), which cannot be read: open it in Excel or WPS and save it as .xlsx (Excel workbook) or as CSV UTF-8".to_string(),
            ));
        }
        if is_zip || extension.eq_ignore_ascii_case("xlsx") {
            Source::from_xlsx(&file, &bytes, sheet)
        } else {
            Source::from_csv(&file, &bytes)
        }
    }

    /// Reads CSV bytes (UTF-8, with or without BOM, or GB18030). `file` names it in
    /// locations. Bytes in neither encoding, and a quoted cell never closed (which would
    /// swallow the rows after it), are an error at their line.
    pub fn from_csv(file: &str, bytes: &[u8]) -> Result<Source, Problem> {
        use crate::ledger::csv_folder::{decode_text, unclosed_quote};
        let (text, _) = decode_text(bytes).map_err(|e| e.located(file))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines: Vec<SourceRow> = Vec::new();
        // Lines are counted by line feeds up to each record's first byte, so that a CRLF
        // file (what Excel writes) is numbered like an LF one.
        let bytes = text.as_bytes();
        let (mut at, mut line) = (0usize, 1u64);
        // The first byte of the last record.
        let mut last = 0usize;
        for record in reader.records() {
            // The reader takes any bytes as CSV; its only errors are of UTF-8 (none in text).
            let Ok(record) = record else { continue };
            // (In a CRLF file the reader may place a record at the line feed that ends the
            // line before: its first byte is the first after any line ends.)
            let mut start = record
                .position()
                .map_or(at, |p| p.byte() as usize)
                .min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            if start > at {
                line += memchr::memchr_iter(b'\n', &bytes[at..start]).count() as u64;
                at = start;
            }
            let pos = line;
            last = start;
            let cells = record
                .iter()
                .map(|c| {
                    if clean(c).is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect();
            lines.push(SourceRow { pos, cells });
        }
        // `line` is the last record's line.
        if let Some(e) = unclosed_quote(bytes, last, line) {
            return Err(e.located(file));
        }
        Ok(Source::assemble(file, SourceKind::Csv, lines, Vec::new()))
    }

    /// Reads one sheet of a workbook's bytes: `sheet`, or the first one.
    pub fn from_xlsx(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Source, Problem> {
        let at_file = |m: String| {
            Problem::new(
                ProblemKind::Format,
                Location::File {
                    path: file.to_string(),
                },
                m,
            )
        };
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
            at_file(format!(
                "not an Excel workbook (.xlsx): {e}; save it from Excel as .xlsx or as CSV"
            ))
        })?;
        let names = wb.sheet_names();
        let name = match sheet {
            Some(s) => names
                .iter()
                .find(|n| n.as_str() == s)
                .cloned()
                .ok_or_else(|| {
                    at_file(format!(
                        "has no sheet `{s}`; its sheets are {}",
                        names.join(", ")
                    ))
                })?,
            None => names
                .first()
                .cloned()
                .ok_or_else(|| at_file("has no sheets".into()))?,
        };
        let is_1904 = wb.has_1904_epoch();
        let formats = super::numfmt::zero_formats(bytes, &name);
        let mut grid: BTreeMap<u32, BTreeMap<u32, Cell>> = BTreeMap::new();
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| at_file(format!("sheet `{name}` cannot be read: {e}")))?;
        // Cells with an element but no value: formulas never calculated, or formatting.
        let mut valueless: HashSet<(u32, u32)> = HashSet::new();
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(at_file(format!("sheet `{name}` cannot be read: {e}"))),
            };
            let (row, col) = cell.get_position();
            let zeros = formats.get(&(row, col)).copied();
            let value = match cell.get_value() {
                DataRef::Empty => {
                    valueless.insert((row, col));
                    Cell::Empty
                }
                DataRef::Error(_) => Cell::Empty,
                DataRef::String(s) => Cell::Text(s.clone()),
                DataRef::SharedString(s) => Cell::Text((*s).to_string()),
                DataRef::Int(i) => Cell::Number {
                    value: *i as f64,
                    zeros,
                },
                DataRef::Float(f) => Cell::Number { value: *f, zeros },
                DataRef::Bool(b) => Cell::Bool(*b),
                DataRef::DateTime(dt) if dt.is_datetime() => {
                    Cell::DateTime(serial_text(dt.as_f64(), is_1904))
                }
                DataRef::DateTime(dt) => Cell::Number {
                    value: dt.as_f64(),
                    zeros: None,
                },
                DataRef::DateTimeIso(s) => Cell::DateTime(s.replace('T', " ")),
                DataRef::DurationIso(s) => Cell::Text(s.clone()),
            };
            if !value.is_empty() {
                grid.entry(row).or_default().insert(col, value);
            }
        }
        drop(reader);
        let unsaved = crate::ledger::excel::unsaved_formulas(&mut wb, &name, &valueless)
            .map_err(|e| at_file(format!("sheet `{name}` {e}")))?;
        for (row, col) in unsaved {
            grid.entry(row)
                .or_default()
                .insert(col, Cell::UnsavedFormula);
        }
        let merges = match wb.worksheet_merge_cells(&name) {
            Some(Ok(m)) => m,
            _ => Vec::new(),
        };
        let lines: Vec<SourceRow> = grid
            .into_iter()
            .map(|(r, cells)| {
                let width = cells.keys().next_back().map_or(0, |&c| c as usize + 1);
                let mut row = vec![Cell::Empty; width];
                for (c, v) in cells {
                    row[c as usize] = v;
                }
                SourceRow {
                    pos: u64::from(r) + 1,
                    cells: row,
                }
            })
            .collect();
        let boxes = merges
            .iter()
            .filter(|m| m.end.0 > m.start.0)
            .map(|m| MergedBox {
                range: format!(
                    "{}{}:{}{}",
                    column_letters(m.start.1 as usize),
                    m.start.0 + 1,
                    column_letters(m.end.1 as usize),
                    m.end.0 + 1
                ),
                rows: (u64::from(m.start.0) + 1, u64::from(m.end.0) + 1),
                text: lines
                    .iter()
                    .find(|l| l.pos == u64::from(m.start.0) + 1)
                    .and_then(|l| l.cell(m.start.1 as usize).text()),
            })
            .collect();
        Ok(Source::assemble(file, SourceKind::Xlsx, lines, boxes))
    }

    /// The first row that holds anything is the header; the empty rows are dropped; merged
    /// boxes that start at or above the header are not boxes of the data area.
    fn assemble(
        file: &str,
        kind: SourceKind,
        lines: Vec<SourceRow>,
        boxes: Vec<MergedBox>,
    ) -> Source {
        let mut rows = lines
            .into_iter()
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()));
        let (header, header_pos) = match rows.next() {
            Some(r) => (
                r.cells
                    .iter()
                    .map(|c| c.text().unwrap_or_default())
                    .collect(),
                r.pos,
            ),
            None => (Vec::new(), 1),
        };
        let rows: Vec<SourceRow> = rows.collect();
        let boxes = boxes
            .into_iter()
            .filter(|b| b.rows.0 > header_pos)
            .collect();
        Source {
            file: file.to_string(),
            kind,
            header,
            header_pos,
            rows,
            boxes,
        }
    }
}

/// A header text as compared: no white space anywhere, no `*` or `＊` at either end.
fn header_key(h: &str) -> String {
    let squeezed: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed.trim_matches(['*', '＊']).to_string()
}
