//! Generic table output: any rows that serialize to JSON objects, as an aligned text table
//! (CJK-aware), CSV, Markdown or JSON.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;
use serde_json::{Map, Value};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Readable in a terminal (default).
    Text,
    /// For other tools.
    Json,
    /// For spreadsheets.
    Csv,
    /// Markdown.
    Md,
}

/// Rows as JSON objects with their column order.
pub struct Rows {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Map<String, Value>>,
}

impl Rows {
    /// Serializes rows; columns in the first row's field order.
    pub fn from_serialize<T: Serialize>(items: &[T]) -> Result<Rows, serde_json::Error> {
        let mut columns: Vec<String> = Vec::new();
        let mut rows = Vec::with_capacity(items.len());
        for it in items {
            let Value::Object(m) = serde_json::to_value(it)? else {
                continue;
            };
            for k in m.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
            rows.push(m);
        }
        Ok(Rows { columns, rows })
    }
}

/// A cell as text: null is empty, lists joined with `;`, fractions to 4 places.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() != 0.0 => {
                format!("{f:.4}").trim_end_matches('0').to_string()
            }
            _ => n.to_string(),
        },
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| cell(Some(i)))
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// Display width: CJK and full-width characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// Pads to a display width.
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(w.saturating_sub(width(s))));
    out
}

/// Renders rows; in text and Markdown, cells of `names` columns show the name for an id.
pub fn render(
    rows: &Rows,
    format: Format,
    names: &HashMap<String, String>,
) -> Result<String, Box<dyn std::error::Error>> {
    let named = |col: &str, v: Option<&Value>| -> String {
        let c = cell(v);
        if matches!(
            col,
            "unit" | "subject" | "holder" | "leader" | "owner" | "parent" | "scope" | "person"
        ) {
            if let Some(n) = names.get(&c) {
                return n.clone();
            }
        }
        c
    };
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&rows.rows)? + "\n"),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&rows.columns)?;
            for r in &rows.rows {
                w.write_record(rows.columns.iter().map(|c| cell(r.get(c))))?;
            }
            Ok(String::from_utf8(w.into_inner()?)?)
        }
        Format::Md => {
            let mut out = String::new();
            writeln!(out, "| {} |", rows.columns.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(rows.columns.len()))?;
            for r in &rows.rows {
                let cells: Vec<String> = rows
                    .columns
                    .iter()
                    .map(|c| named(c, r.get(c)).replace('|', "\\|"))
                    .collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            Ok(out)
        }
        Format::Text => {
            let cells: Vec<Vec<String>> = rows
                .rows
                .iter()
                .map(|r| rows.columns.iter().map(|c| named(c, r.get(c))).collect())
                .collect();
            let mut widths: Vec<usize> = rows.columns.iter().map(|c| width(c)).collect();
            for r in &cells {
                for (w, c) in widths.iter_mut().zip(r) {
                    *w = (*w).max(width(c)).min(40);
                }
            }
            let mut out = String::new();
            let line = |vals: Vec<&str>| {
                vals.iter()
                    .zip(&widths)
                    .map(|(v, w)| pad(&truncate(v, *w), *w))
                    .collect::<Vec<_>>()
                    .join("  ")
            };
            writeln!(
                out,
                "{}",
                line(rows.columns.iter().map(String::as_str).collect()).trim_end()
            )?;
            for r in &cells {
                writeln!(
                    out,
                    "{}",
                    line(r.iter().map(String::as_str).collect()).trim_end()
                )?;
            }
            writeln!(out, "({} rows)", cells.len())?;
            Ok(out)
        }
    }
}

/// Cuts to a display width with an ellipsis.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(&c.to_string()) + 1 > w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}
