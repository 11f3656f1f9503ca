//! The CSV-folder form: one `<table>.csv` per table, UTF-8 (with or without BOM) or GB18030.

use std::path::Path;

use super::problem::{Location, Problem, ProblemKind};
use super::raw::{Origin, OutTable, RawRow, RawTable};
use super::{write_atomically, LedgerError};
use crate::model::Table;

/// Decodes file bytes: UTF-8 (a BOM is dropped) or, when not valid UTF-8, GB18030.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

/// Parses one CSV text into a raw table.
pub fn parse_csv(table: Table, file: &str, text: &str) -> Result<RawTable, Problem> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let mut header_pos = 1;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(Problem::new(ProblemKind::Format, Location::Csv { file: file.to_string(), line, column: 1 }, format!("not valid CSV: {e}")));
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match &header {
            None => {
                if record.iter().all(|c| super::raw::clean(c).is_empty()) {
                    continue;
                }
                header_pos = line;
                header = Some(record.iter().map(|c| super::raw::clean(c).to_string()).collect());
            }
            Some(h) => {
                if record.len() > h.len() && record.iter().skip(h.len()).any(|c| !super::raw::clean(c).is_empty()) {
                    return Err(Problem::new(
                        ProblemKind::Format,
                        Location::Csv { file: file.to_string(), line, column: h.len() + 1 },
                        format!("this row has {} cells but the header has {} columns", record.len(), h.len()),
                    ));
                }
                let cells = (0..h.len()).map(|i| record.get(i).filter(|c| !c.is_empty()).map(str::to_string)).collect();
                rows.push(RawRow { pos: line, cells });
            }
        }
    }
    Ok(RawTable { table, origin: Origin::Csv { file: file.to_string() }, header: header.unwrap_or_default(), rows, header_pos })
}

/// Reads every `<table>.csv` of a folder (missing tables are empty).
pub fn read_folder(dir: &Path) -> Result<(Vec<RawTable>, Vec<Problem>), LedgerError> {
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| LedgerError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LedgerError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".csv") else { continue };
        if Table::from_name(stem).is_none() {
            problems.push(Problem::new(
                ProblemKind::Format,
                Location::File { path: name.clone() },
                format!("`{name}` is not a ledger table; tables are {}", Table::ALL.map(|t| t.name()).join(", ")),
            ));
        }
    }
    for table in Table::ALL {
        let file = format!("{}.csv", table.name());
        let path = dir.join(&file);
        if !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| LedgerError::io(&path, e))?;
        let (text, _) = decode_text(&bytes);
        match parse_csv(table, &file, &text) {
            Ok(t) => tables.push(t),
            Err(p) => problems.push(p),
        }
    }
    Ok((tables, problems))
}

/// Renders one table as CSV text.
pub fn render_csv(t: &OutTable) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(&t.header)?;
    for row in &t.rows {
        w.write_record(row.iter().map(|c| c.as_ref().map(|v| v.to_text()).unwrap_or_default()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Writes every table into `dir` (created if needed), each file atomically.
pub fn write_folder(tables: &[OutTable], dir: &Path) -> Result<(), LedgerError> {
    std::fs::create_dir_all(dir).map_err(|e| LedgerError::io(dir, e))?;
    for t in tables {
        let text = render_csv(t).map_err(|e| LedgerError::io(dir, std::io::Error::other(e)))?;
        write_atomically(&dir.join(format!("{}.csv", t.table.name())), text.as_bytes())?;
    }
    Ok(())
}
