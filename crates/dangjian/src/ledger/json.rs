//! The JSON form: `{"format": "dangjian-ledger/1", "units": [...], ...}`.

use serde_json::{Map, Value as Json};

use super::problem::{Location, Problem, ProblemKind};
use super::raw::{OutTable, RawRow, RawTable, Value};
use crate::model::Table;

/// The `format` tag of the JSON form.
pub const FORMAT: &str = "dangjian-ledger/1";

fn at(pointer: impl Into<String>) -> Location {
    Location::Json {
        pointer: pointer.into(),
    }
}

/// Parses a JSON ledger document into raw tables and the problems of its shape (a wrong
/// `format`, a key that is no table, a table or row of the wrong type: reported with the
/// problems of every table read, not instead of them), or the problem that stops it (not
/// JSON, or not an object).
pub fn parse_json(text: &str) -> Result<(Vec<RawTable>, Vec<Problem>), Vec<Problem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        vec![Problem::new(
            ProblemKind::Format,
            at(""),
            format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        )]
    })?;
    let Json::Object(doc) = doc else {
        return Err(vec![Problem::new(
            ProblemKind::Format,
            at(""),
            "a ledger is a JSON object: {\"format\": \"dangjian-ledger/1\", \"units\": [...], ...}",
        )]);
    };
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    for (key, value) in &doc {
        if key == "format" {
            if value.as_str() != Some(FORMAT) {
                problems.push(Problem::new(
                    ProblemKind::Format,
                    at("/format"),
                    format!("`format` is {value}; expected \"{FORMAT}\""),
                ));
            }
            continue;
        }
        if key.starts_with("x_") {
            continue;
        }
        let Some(table) = Table::from_name(key) else {
            problems.push(Problem::new(
                ProblemKind::Format,
                at(format!("/{key}")),
                format!(
                    "`{key}` is not a ledger table; tables are {}",
                    Table::ALL.map(|t| t.name()).join(", ")
                ),
            ));
            continue;
        };
        let Json::Array(rows) = value else {
            problems.push(Problem::new(
                ProblemKind::Format,
                at(format!("/{key}")),
                format!("`{key}` must be an array of objects"),
            ));
            continue;
        };
        let (raw, found) = raw_table(table, &format!("/{key}"), rows);
        problems.extend(found);
        tables.push(raw);
    }
    Ok((tables, problems))
}

/// The rows of one table (JSON objects of column names to values) as a raw table, with the
/// problems of rows and cells that are not, located by JSON pointer under `prefix` (the
/// table's own pointer; empty for an array of rows on its own).
pub(crate) fn raw_table(table: Table, prefix: &str, rows: &[Json]) -> (RawTable, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut raw_rows = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Json::Object(obj) = row else {
            problems.push(Problem::new(
                ProblemKind::Format,
                at(format!("{prefix}/{i}")),
                "each row must be an object of column names to values",
            ));
            continue;
        };
        let mut cells: Vec<Option<String>> = vec![None; header.len()];
        for (col, v) in obj {
            let c = match header.iter().position(|h| h == col) {
                Some(c) => c,
                None => {
                    header.push(col.clone());
                    cells.push(None);
                    header.len() - 1
                }
            };
            // A list is the form of a list column (`people`, `hosts`, `tags`...) only: in
            // another column its items would be read as one text joined by `;`.
            let list_column = table
                .columns()
                .iter()
                .any(|d| d.name == col && d.ty == crate::model::ColumnType::TextList);
            if matches!(v, Json::Array(_)) && !list_column {
                problems.push(Problem::new(
                    ProblemKind::Format,
                    at(format!(
                        "{prefix}/{i}/{}",
                        super::decode::escape_pointer(col)
                    )),
                    format!("`{col}` takes one value, not a list ({v}); only list columns (such as `people`) take lists"),
                ));
            }
            // (Kept as the joined text, so that the row's other checks do not add a
            // `required` problem for the same cell.)
            match cell_text(v) {
                Ok(t) => cells[c] = t,
                Err(m) => problems.push(Problem::new(
                    ProblemKind::Format,
                    at(format!(
                        "{prefix}/{i}/{}",
                        super::decode::escape_pointer(col)
                    )),
                    m,
                )),
            }
        }
        raw_rows.push((i as u64, cells));
    }
    let n = header.len();
    let rows = raw_rows
        .into_iter()
        .map(|(pos, mut cells)| {
            cells.resize(n, None);
            RawRow::new(pos, cells)
        })
        .collect();
    let raw = RawTable {
        table,
        origin: super::raw::Origin::Json,
        header,
        rows,
        header_pos: 0,
    };
    (raw, problems)
}

fn scalar_text(v: &Json) -> Result<Option<String>, String> {
    match v {
        Json::Null => Ok(None),
        Json::String(s) => Ok(Some(s.clone())),
        Json::Number(n) => Ok(Some(n.to_string())),
        Json::Bool(b) => Ok(Some(b.to_string())),
        _ => Err(format!("expected a string, number or boolean, found {v}")),
    }
}

fn cell_text(v: &Json) -> Result<Option<String>, String> {
    match v {
        Json::Array(items) => {
            let parts: Result<Vec<Option<String>>, String> =
                items.iter().map(scalar_text).collect();
            let parts: Vec<String> = parts?.into_iter().flatten().collect();
            Ok((!parts.is_empty()).then(|| parts.join(";")))
        }
        other => scalar_text(other),
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Text(s) => Json::String(s.clone()),
        // A whole number as one (`100`, as the CSV form writes it, not `100.0`).
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => Json::from(*n as i64),
        Value::Number(n) => serde_json::Number::from_f64(*n)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::Bool(b) => Json::Bool(*b),
        Value::List(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
    }
}

/// Renders a ledger's tables as a JSON document, one row per line.
pub fn render_json(tables: &[OutTable]) -> String {
    let mut out = format!("{{\"format\": \"{FORMAT}\"");
    for t in tables {
        out.push_str(&format!(",\n\"{}\": [", t.table.name()));
        for (i, row) in t.rows.iter().enumerate() {
            let mut obj = Map::new();
            for (name, cell) in t.header.iter().zip(row) {
                if let Some(v) = cell {
                    obj.insert(name.clone(), to_json(v));
                }
            }
            out.push_str(if i == 0 { "\n  " } else { ",\n  " });
            out.push_str(&Json::Object(obj).to_string());
        }
        out.push_str(if t.rows.is_empty() { "]" } else { "\n]" });
    }
    out.push_str("\n}\n");
    out
}
