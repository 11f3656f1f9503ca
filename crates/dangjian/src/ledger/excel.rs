//! The Excel form: one `.xlsx` workbook, one sheet per table named as the table (`units`,
//! `orgs`...; case does not matter), the header in the first non-empty row.
//!
//! Reading (with calamine) turns every cell into text for the [`raw`](super::raw) layer, so
//! problems are located as `sheet!cell` like any other form:
//! - date cells (Excel serial dates in either the 1900 or the 1904 date system) become ISO
//!   dates; a date cell with a time of day keeps it (`2019-07-01 08:30:00`), which is then
//!   refused as "not a date" in a date column rather than silently cut;
//! - a number cell becomes the shortest text that reads back as the same number, so a
//!   whole number is `400`, never `400.0` (an id or a name typed as a number keeps its
//!   digits);
//! - booleans become `true`/`false`; an error cell (`#DIV/0!`, `#N/A`...) is a problem;
//! - a title row above the header (cells merged into one banner) is skipped; a header cell
//!   merged down over several rows pushes the first data row below the merge; a header cell
//!   merged across several columns names its first column only. Merged cells in data rows
//!   are read as Excel stores them: the value in the top-left cell, the others empty;
//! - empty rows anywhere and columns with neither a name nor a value (trailing columns that
//!   were only formatted) are ignored;
//! - sheets that hold nothing, and sheets whose name starts with `x_`, are ignored; any other
//!   sheet that is not a table is a problem, like an unknown CSV file.
//!
//! Writing (with rust_xlsxwriter) puts every table on its own sheet with a bold, frozen
//! header row; numbers are number cells, booleans boolean cells, dates date cells formatted
//! `yyyy-mm-dd` (dates before 1900-03-01, which Excel cannot hold, are ISO text), everything
//! else text. Loading a saved workbook gives the same ledger back.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{open_workbook_from_rs, DataRef, Dimensions, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::problem::{Location, Problem, ProblemKind};
use super::raw::{
    clean, column_letters, format_number, parse_date, DateStyle, Origin, OutTable, RawRow,
    RawTable, Value,
};
use crate::model::Table;
use crate::rows::ColumnType;

/// At most this many non-empty cells are read from one workbook: a workbook of a million
/// rows of ten columns fits; a decompression bomb does not exhaust memory.
pub const MAX_CELLS: usize = 20_000_000;

/// A sheet's header may be at most this many columns wide (the widest table has nine
/// columns, plus its `x_` columns).
pub const MAX_COLUMNS: usize = 1_024;

/// The longest text an Excel cell holds.
pub const MAX_CELL_CHARS: usize = 32_767;

/// The most rows an Excel sheet holds (the header included).
pub const MAX_ROWS: usize = 1_048_576;

fn at_file(file: &str, message: impl Into<String>) -> Problem {
    Problem::new(
        ProblemKind::Format,
        Location::File {
            path: file.to_string(),
        },
        message,
    )
}

fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col as usize), u64::from(row) + 1)
}

const DAMAGED: &str = "is damaged and cannot be read; open it in Excel and save it again as .xlsx";

/// Runs a step of calamine, which panics on some malformed workbooks (an arithmetic
/// overflow on an over-long cell reference, found by fuzzing): such a workbook is refused
/// like any other unreadable one instead of taking the caller down.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

/// Parses a workbook's bytes into raw tables and the problems found on the way (unknown
/// sheets, error cells, ragged rows). `file` names the workbook in problems about the
/// whole file. Fails when the bytes are not an `.xlsx` workbook at all.
pub fn parse_xlsx(file: &str, bytes: &[u8]) -> Result<(Vec<RawTable>, Vec<Problem>), Problem> {
    let opened = guarded(|| open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)))
        .ok_or_else(|| at_file(file, format!("the workbook {DAMAGED}")))?;
    let mut wb: Xlsx<_> =
        opened.map_err(|e| at_file(file, format!("not an Excel workbook (.xlsx): {e}; save it from Excel as .xlsx, or as a CSV folder")))?;
    let is_1904 = wb.has_1904_epoch();
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<Table> = HashSet::new();
    let mut budget = MAX_CELLS;
    for sheet in wb.sheet_names() {
        let name = clean(&sheet);
        let table = Table::from_name(&name.to_ascii_lowercase());
        if table.is_none() && name.starts_with("x_") {
            continue;
        }
        let sheet_at = Location::Excel {
            sheet: sheet.clone(),
            cell: "A1".into(),
        };
        let read = guarded(|| read_cells(&mut wb, &sheet, is_1904, &mut budget))
            .unwrap_or_else(|| Err(DAMAGED.to_string()));
        let cells = match read {
            Ok(c) => c,
            Err(message) => {
                problems.push(Problem::new(
                    ProblemKind::Format,
                    sheet_at,
                    format!("sheet `{sheet}` {message}"),
                ));
                if budget == 0 {
                    break;
                }
                continue;
            }
        };
        let Some(table) = table else {
            // An empty sheet (Excel's `Sheet1`) is no table and no problem either.
            if !cells.rows.is_empty() {
                problems.push(Problem::new(
                    ProblemKind::Format,
                    sheet_at,
                    format!(
                        "sheet `{sheet}` is not a ledger table; tables are {} (sheets named x_... are ignored)",
                        Table::ALL.map(|t| t.name()).join(", ")
                    ),
                ));
            }
            continue;
        };
        if !seen.insert(table) {
            problems.push(Problem::new(
                ProblemKind::Format,
                sheet_at,
                format!("sheet `{sheet}` is a second `{table}` sheet; keep one sheet per table"),
            ));
            continue;
        }
        let merges = match guarded(|| wb.worksheet_merge_cells(&sheet)) {
            Some(Some(Ok(m))) => m,
            _ => Vec::new(),
        };
        if let Some(t) = sheet_table(table, &sheet, cells, &merges, &mut problems) {
            tables.push(t);
        }
    }
    Ok((tables, problems))
}

/// The non-empty cells of one sheet, as text, by row then column (0-based).
struct SheetCells {
    rows: BTreeMap<u32, BTreeMap<u32, String>>,
    /// Error cells, already turned into problems.
    problems: Vec<Problem>,
}

fn read_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    sheet: &str,
    is_1904: bool,
    budget: &mut usize,
) -> Result<SheetCells, String> {
    let mut out = SheetCells {
        rows: BTreeMap::new(),
        problems: Vec::new(),
    };
    let mut reader = match wb.worksheet_cells_reader(sheet) {
        Ok(r) => r,
        // A chart sheet or a dialog sheet holds no table.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(out),
        Err(e) => return Err(format!("cannot be read: {e}")),
    };
    // Cells with an element but no value: formulas whose value was never saved, or
    // merely formatted cells.
    let mut valueless: HashSet<(u32, u32)> = HashSet::new();
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(e) => return Err(format!("cannot be read: {e}")),
        };
        let (row, col) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => {
                valueless.insert((row, col));
                None
            }
            DataRef::String(s) => Some(s.clone()),
            DataRef::SharedString(s) => Some((*s).to_string()),
            DataRef::Int(i) => Some(i.to_string()),
            DataRef::Float(f) => Some(format_number(*f)),
            DataRef::Bool(b) => Some(b.to_string()),
            DataRef::DateTime(dt) if dt.is_datetime() => Some(serial_text(dt.as_f64(), is_1904)),
            DataRef::DateTime(dt) => Some(format_number(dt.as_f64())),
            DataRef::DateTimeIso(s) => Some(s.strip_suffix("T00:00:00").unwrap_or(s).to_string()),
            DataRef::DurationIso(s) => Some(s.clone()),
            DataRef::Error(e) => {
                out.problems.push(Problem::new(
                    ProblemKind::Format,
                    Location::Excel {
                        sheet: sheet.to_string(),
                        cell: cell_ref(row, col),
                    },
                    format!("the cell holds the Excel error {e}; put the value itself in the cell"),
                ));
                None
            }
        };
        let Some(text) = text.filter(|t| !clean(t).is_empty()) else {
            continue;
        };
        if *budget == 0 {
            return Err(format!("makes the workbook more than {MAX_CELLS} non-empty cells; split it or save it as a CSV folder"));
        }
        *budget -= 1;
        out.rows.entry(row).or_default().insert(col, text);
    }
    drop(reader);
    for (row, col) in unsaved_formulas(wb, sheet, &valueless)? {
        out.problems.push(Problem::new(
            ProblemKind::Format,
            Location::Excel {
                sheet: sheet.to_string(),
                cell: cell_ref(row, col),
            },
            UNSAVED_FORMULA,
        ));
    }
    Ok(out)
}

/// The problem of a formula cell whose value was never saved: a workbook written by a
/// script (openpyxl, a platform's export) and never opened in Excel, which calculates and
/// saves the values. Its value is unknown, not empty.
pub(crate) const UNSAVED_FORMULA: &str =
    "a formula with no saved value; open and save the workbook in Excel";

/// The cells among `valueless` (row, column, 0-based) that hold a formula, in sheet order.
/// Formulas are read in a second pass over the sheet, made only when some cell had no
/// value (a workbook Excel saved has none such but formatted blanks).
pub(crate) fn unsaved_formulas<RS: std::io::Read + std::io::Seek>(
    wb: &mut Xlsx<RS>,
    sheet: &str,
    valueless: &HashSet<(u32, u32)>,
) -> Result<Vec<(u32, u32)>, String> {
    let mut found = Vec::new();
    if valueless.is_empty() {
        return Ok(found);
    }
    let mut reader = wb
        .worksheet_cells_reader(sheet)
        .map_err(|e| format!("cannot be read: {e}"))?;
    loop {
        match reader.next_formula() {
            Ok(Some(c)) => {
                let at = c.get_position();
                if !c.get_value().is_empty() && valueless.contains(&at) {
                    found.push(at);
                }
            }
            Ok(None) => break,
            Err(e) => return Err(format!("cannot be read: {e}")),
        }
    }
    Ok(found)
}

/// The date of an Excel serial day number: ISO `YYYY-MM-DD`, with ` HH:MM:SS` when the
/// serial has a time of day. Serials outside Excel's calendar stay numbers.
pub fn serial_text(serial: f64, is_1904: bool) -> String {
    // Excel's calendar ends on 9999-12-31 (serial 2958465 in the 1900 system).
    if !(0.0..2_958_466.0).contains(&serial) {
        return format_number(serial);
    }
    let days = serial.floor() as i64;
    let date = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
    } else if days >= 61 {
        // From 1900-03-01 on, serial n is n days after 1899-12-30 (Excel counts a 29
        // February 1900 that never was).
        NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
    } else if (1..60).contains(&days) {
        NaiveDate::from_ymd_opt(1899, 12, 31)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
    } else {
        None
    };
    let Some(date) = date else {
        return format_number(serial);
    };
    let ms = ((serial - serial.floor()) * 86_400_000.0).round() as i64;
    if ms == 0 {
        return date.format("%Y-%m-%d").to_string();
    }
    if ms >= 86_400_000 {
        // Rounds up to the next midnight.
        return date
            .succ_opt()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| format_number(serial));
    }
    let secs = ms / 1000;
    format!(
        "{} {:02}:{:02}:{:02}",
        date.format("%Y-%m-%d"),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The Excel serial day number of a date (1900 date system), for dates Excel can hold.
pub fn date_serial(d: NaiveDate) -> Option<f64> {
    let first = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)?;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (first <= d && d <= last).then(|| (d - epoch).num_days() as f64)
}

/// Whether the non-empty cells of a row all lie in one merged range spanning columns: a
/// title banner above the header.
fn is_banner(row: u32, cells: &BTreeMap<u32, String>, merges: &[Dimensions]) -> bool {
    merges.iter().any(|m| {
        m.start.0 == row && m.end.1 > m.start.1 && cells.keys().all(|&c| m.contains(row, c))
    })
}

fn sheet_table(
    table: Table,
    sheet: &str,
    cells: SheetCells,
    merges: &[Dimensions],
    problems: &mut Vec<Problem>,
) -> Option<RawTable> {
    problems.extend(cells.problems);
    let mut rows = cells.rows.into_iter().peekable();
    let origin = Origin::Excel {
        sheet: sheet.to_string(),
    };
    // The header: the first non-empty row that is not a title banner.
    let (header_row, header_cells) = loop {
        match rows.next() {
            None => {
                return Some(RawTable {
                    table,
                    origin,
                    header: Vec::new(),
                    rows: Vec::new(),
                    header_pos: 1,
                })
            }
            Some((r, c)) if is_banner(r, &c, merges) => continue,
            Some(x) => break x,
        }
    };
    let width = header_cells
        .keys()
        .next_back()
        .map_or(0, |&c| c as usize + 1);
    if width > MAX_COLUMNS {
        problems.push(Problem::new(
            ProblemKind::Format,
            Location::Excel { sheet: sheet.to_string(), cell: cell_ref(header_row, width as u32 - 1) },
            format!("the header of sheet `{sheet}` is {width} columns wide; a ledger table has at most {MAX_COLUMNS} columns"),
        ));
        return None;
    }
    let mut header = vec![String::new(); width];
    for (c, name) in header_cells {
        header[c as usize] = clean(&name).to_string();
    }
    // A header cell merged down over several rows: the data starts below the merge.
    let header_end = merges
        .iter()
        .filter(|m| m.start.0 == header_row && (m.start.1 as usize) < width)
        .map(|m| m.end.0)
        .max()
        .unwrap_or(header_row);
    let mut raw_rows = Vec::new();
    for (r, row_cells) in rows {
        if r <= header_end {
            continue;
        }
        if let Some((&c, _)) = row_cells.range(width as u32..).next() {
            problems.push(Problem::new(
                ProblemKind::Format,
                Location::Excel { sheet: sheet.to_string(), cell: cell_ref(r, c) },
                format!("this cell is right of the header, which has {width} columns; name its column in the header or empty it"),
            ));
        }
        let mut cells = vec![None; width];
        for (c, v) in row_cells
            .into_iter()
            .take_while(|(c, _)| (*c as usize) < width)
        {
            cells[c as usize] = Some(v);
        }
        raw_rows.push(RawRow::new(u64::from(r) + 1, cells));
    }
    Some(RawTable {
        table,
        origin,
        header,
        rows: raw_rows,
        header_pos: u64::from(header_row) + 1,
    })
}

/// Renders tables as an `.xlsx` workbook. A cell longer than Excel allows or a table longer
/// than a sheet are problems located at the cell or row that does not fit.
pub fn render_xlsx(tables: &[OutTable]) -> Result<Vec<u8>, Vec<Problem>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut problems = Vec::new();
    for t in tables {
        let sheet = t.table.name();
        let loc = |row: usize, col: usize| Location::Excel {
            sheet: sheet.to_string(),
            cell: format!("{}{}", column_letters(col), row + 1),
        };
        let ws = wb.add_worksheet();
        ws.set_name(sheet)
            .map_err(|e| vec![write_problem(sheet, e)])?;
        if t.rows.len() + 1 > MAX_ROWS || t.header.len() > 16_384 {
            problems.push(Problem::new(
                ProblemKind::Format,
                loc(MAX_ROWS.min(t.rows.len()), 0),
                format!("{} has {} rows; an Excel sheet holds {} rows under its header; save as a CSV folder or JSON", t.table, t.rows.len(), MAX_ROWS - 1),
            ));
            continue;
        }
        // The declared date columns are written as date cells (the `x_` ones as text).
        let declared = t.table.columns();
        let is_date_col = |c: usize| declared.get(c).is_some_and(|d| d.ty == ColumnType::Date);
        for (c, name) in t.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, name, &bold)
                .map_err(|e| vec![write_problem(sheet, e)])?;
            ws.set_column_width(c as u16, if is_date_col(c) { 12 } else { 14 })
                .map_err(|e| vec![write_problem(sheet, e)])?;
        }
        ws.set_freeze_panes(1, 0)
            .map_err(|e| vec![write_problem(sheet, e)])?;
        for (r, row) in t.rows.iter().enumerate() {
            let xr = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let Some(v) = cell else { continue };
                let xc = c as u16;
                let result = match v {
                    Value::Number(n) => ws.write_number(xr, xc, *n).map(|_| ()),
                    Value::Bool(b) => ws.write_boolean(xr, xc, *b).map(|_| ()),
                    Value::Text(s) if is_date_col(c) => {
                        match parse_date(s, DateStyle::IsoOnly).and_then(date_serial) {
                            Some(serial) => ws
                                .write_number_with_format(xr, xc, serial, &date)
                                .map(|_| ()),
                            None => ws.write_string(xr, xc, s).map(|_| ()),
                        }
                    }
                    other => {
                        let text = other.to_text();
                        if text.chars().count() > MAX_CELL_CHARS {
                            problems.push(Problem::new(
                                ProblemKind::Format,
                                loc(r + 1, c),
                                format!("this cell has {} characters; an Excel cell holds at most {MAX_CELL_CHARS}; save as a CSV folder or JSON", text.chars().count()),
                            ));
                            continue;
                        }
                        ws.write_string(xr, xc, &text).map(|_| ())
                    }
                };
                if let Err(e) = result {
                    problems.push(Problem::new(
                        ProblemKind::Format,
                        loc(r + 1, c),
                        format!("cannot be written to Excel: {e}"),
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    wb.save_to_buffer()
        .map_err(|e| vec![write_problem("workbook", e)])
}

fn write_problem(what: &str, e: XlsxError) -> Problem {
    Problem::new(
        ProblemKind::Format,
        Location::File {
            path: what.to_string(),
        },
        format!("cannot be written to Excel: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::{date_serial, serial_text};

    #[test]
    fn serial_dates_in_both_date_systems_and_with_a_time_of_day() {
        // 1900 system: serial 1 is 1900-01-01, 59 is 1900-02-28, 61 is 1900-03-01 (60 is
        // Excel's 29 February 1900, which never was); 43647 is 2019-07-01.
        assert_eq!(serial_text(1.0, false), "1900-01-01");
        assert_eq!(serial_text(59.0, false), "1900-02-28");
        assert_eq!(serial_text(60.0, false), "60");
        assert_eq!(serial_text(61.0, false), "1900-03-01");
        assert_eq!(serial_text(43647.0, false), "2019-07-01");
        // 1904 system: serial 0 is 1904-01-01, so 42185 is 2019-07-01 (1462 days fewer).
        assert_eq!(serial_text(42185.0, true), "2019-07-01");
        // A time of day is kept, so that a date column refuses it instead of dropping it.
        assert_eq!(serial_text(43647.5, false), "2019-07-01 12:00:00");
        // Outside Excel's calendar, or not a number at all: left as a number.
        assert_eq!(serial_text(-1.0, false), "-1");
        assert_eq!(serial_text(3e6, false), "3000000");
        assert_eq!(serial_text(f64::NAN, false), "NaN");
        let d = chrono::NaiveDate::from_ymd_opt(2019, 7, 1).unwrap();
        assert_eq!(date_serial(d), Some(43647.0));
        assert_eq!(
            date_serial(chrono::NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()),
            None
        );
    }
}
