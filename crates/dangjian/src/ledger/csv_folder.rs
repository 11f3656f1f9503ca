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

/// Parses one CSV text into a raw table; fails on the first problem (text that is not CSV,
/// a row with more cells than the header). [`parse_csv_table`] reports every problem.
pub fn parse_csv(table: Table, file: &str, text: &str) -> Result<RawTable, Problem> {
    let (t, problems) = parse_csv_table(table, file, text);
    match (t, problems.into_iter().next()) {
        (Some(t), None) => Ok(t),
        (_, Some(p)) => Err(p),
        (None, None) => Err(Problem::new(
            ProblemKind::Format,
            Location::File {
                path: file.to_string(),
            },
            "not valid CSV",
        )),
    }
}

/// Parses one CSV text into a raw table and the problems found: a row with more cells than
/// the header is reported and kept with the header's columns only (so that what it names is
/// still known and not reported missing a second time); text that is not CSV gives no table.
pub fn parse_csv_table(table: Table, file: &str, text: &str) -> (Option<RawTable>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
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
                problems.push(Problem::new(
                    ProblemKind::Format,
                    Location::Csv {
                        file: file.to_string(),
                        line,
                        column: 1,
                    },
                    format!("not valid CSV: {e}"),
                ));
                return (None, problems);
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match &header {
            None => {
                if record.iter().all(|c| super::raw::clean(c).is_empty()) {
                    continue;
                }
                header_pos = line;
                header = Some(
                    record
                        .iter()
                        .map(|c| super::raw::clean(c).to_string())
                        .collect(),
                );
            }
            Some(h) => {
                if record.len() > h.len()
                    && record
                        .iter()
                        .skip(h.len())
                        .any(|c| !super::raw::clean(c).is_empty())
                {
                    problems.push(Problem::new(
                        ProblemKind::Format,
                        Location::Csv { file: file.to_string(), line, column: h.len() + 1 },
                        format!("this row has {} cells but the header has {} columns; name the extra column in the header or remove the extra cells", record.len(), h.len()),
                    ));
                }
                rows.push(RawRow::with_capacity(
                    line,
                    record.as_slice().len(),
                    h.len(),
                    (0..h.len()).map(|i| record.get(i)),
                ));
            }
        }
    }
    (
        Some(RawTable {
            table,
            origin: Origin::Csv {
                file: file.to_string(),
            },
            header: header.unwrap_or_default(),
            rows,
            header_pos,
        }),
        problems,
    )
}

/// Reads every `<table>.csv` of a folder (missing tables are empty).
pub fn read_folder(dir: &Path) -> Result<(Vec<RawTable>, Vec<Problem>), LedgerError> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| LedgerError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| LedgerError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".csv") {
            continue;
        }
        // Unknown files are only named in a problem: no need to read them.
        let bytes = match Table::from_name(name.trim_end_matches(".csv")) {
            Some(_) => {
                let path = entry.path();
                std::fs::read(&path).map_err(|e| LedgerError::io(&path, e))?
            }
            None => Vec::new(),
        };
        files.push((name, bytes));
    }
    Ok(read_files(files))
}

/// Reads the files of a CSV folder given as `(file name, bytes)`: each `<table>.csv` is a
/// table (UTF-8 or GB18030, detected file by file); another `.csv` name is a problem; other
/// names are ignored.
pub fn read_files<N: AsRef<str>, B: AsRef<[u8]>>(
    files: impl IntoIterator<Item = (N, B)>,
) -> (Vec<RawTable>, Vec<Problem>) {
    let mut by_table: Vec<Option<B>> = Table::ALL.iter().map(|_| None).collect();
    let mut unknown = Vec::new();
    for (name, bytes) in files {
        let name = name.as_ref();
        let Some(stem) = name.strip_suffix(".csv") else {
            continue;
        };
        match Table::ALL.iter().position(|t| t.name() == stem) {
            Some(i) => by_table[i] = Some(bytes),
            None => unknown.push(name.to_string()),
        }
    }
    unknown.sort();
    let mut problems: Vec<Problem> = unknown
        .into_iter()
        .map(|name| {
            Problem::new(
                ProblemKind::Format,
                Location::File { path: name.clone() },
                format!(
                    "`{name}` is not a ledger table; tables are {}",
                    Table::ALL.map(|t| t.name()).join(", ")
                ),
            )
        })
        .collect();
    let mut tables = Vec::new();
    for (table, bytes) in Table::ALL.into_iter().zip(by_table) {
        let Some(bytes) = bytes else { continue };
        let (text, _) = decode_text(bytes.as_ref());
        let (t, p) = parse_csv_table(table, &format!("{}.csv", table.name()), &text);
        tables.extend(t);
        problems.extend(p);
    }
    (tables, problems)
}

/// Renders one table as CSV text.
pub fn render_csv(t: &OutTable) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(&t.header)?;
    for row in &t.rows {
        w.write_record(
            row.iter()
                .map(|c| c.as_ref().map(|v| v.to_text()).unwrap_or_default()),
        )?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// Writes every table into `dir` (created if needed), each file atomically.
pub fn write_folder(tables: &[OutTable], dir: &Path) -> Result<(), LedgerError> {
    std::fs::create_dir_all(dir).map_err(|e| LedgerError::io(dir, e))?;
    for t in tables {
        let text = render_csv(t).map_err(|e| LedgerError::io(dir, std::io::Error::other(e)))?;
        write_atomically(
            &dir.join(format!("{}.csv", t.table.name())),
            text.as_bytes(),
        )?;
    }
    Ok(())
}
