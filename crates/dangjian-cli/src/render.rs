//! Table output from typed rows ([`dangjian::rows::Row`]): an aligned text table
//! (CJK-aware), CSV or Markdown; JSON comes in the envelope of [`dangjian::output`].
//!
//! CSV and JSON are for other tools: numbers at full precision, whole numbers as integers.
//! Text and Markdown are for people: fractions rounded to 4 decimals, ids shown by name.

use std::collections::HashMap;
use std::fmt::Write;

use dangjian::rows::{Cell, Row};

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

/// Columns whose ids text and Markdown show by name.
const NAMED: [&str; 8] = [
    "unit", "subject", "holder", "leader", "owner", "parent", "scope", "person",
];

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

/// Renders rows as text, CSV or Markdown. In text and Markdown, cells of the id columns show
/// the name for an id found in `names`.
pub fn table<R: Row>(
    rows: &[R],
    format: Format,
    names: &HashMap<String, String>,
) -> Result<String, Box<dyn std::error::Error>> {
    let all: Vec<&str> = R::columns().iter().map(|c| c.name).collect();
    // For people the id columns show names already: a `<id>_name` column beside one would
    // say it twice (text and Markdown only; CSV keeps both for tools).
    let keep: Vec<bool> = all
        .iter()
        .map(|c| {
            format == Format::Csv
                || !c
                    .strip_suffix("_name")
                    .is_some_and(|id| NAMED.contains(&id))
        })
        .collect();
    fn kept<'c>(cells: Vec<Cell<'c>>, keep: &[bool]) -> Vec<Cell<'c>> {
        cells
            .into_iter()
            .zip(keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect()
    }
    let shown = |cells| kept(cells, &keep);
    let columns: Vec<&str> = all
        .iter()
        .zip(&keep)
        .filter_map(|(c, k)| k.then_some(*c))
        .collect();
    let for_people = |col: &str, v: &Cell<'_>| -> String {
        let c = v.to_display_text();
        if NAMED.contains(&col) {
            if let Some(n) = names.get(&c) {
                return n.clone();
            }
        }
        c
    };
    match format {
        Format::Json => Err("JSON comes in the envelope of `dangjian::output`".into()),
        // For tools, as the core writes it for the service too.
        Format::Csv => Ok(dangjian::output::csv_text(rows)?),
        Format::Md => {
            let mut out = String::new();
            writeln!(out, "| {} |", columns.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(columns.len()))?;
            for r in rows {
                let cells: Vec<String> = columns
                    .iter()
                    .zip(shown(r.cells()))
                    .map(|(c, v)| for_people(c, &v).replace('|', "\\|"))
                    .collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            Ok(out)
        }
        Format::Text => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    columns
                        .iter()
                        .zip(shown(r.cells()))
                        .map(|(c, v)| for_people(c, &v))
                        .collect()
                })
                .collect();
            let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
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
            writeln!(out, "{}", line(columns.clone()).trim_end())?;
            for r in &cells {
                writeln!(
                    out,
                    "{}",
                    line(r.iter().map(String::as_str).collect()).trim_end()
                )?;
            }
            match cells.len() {
                1 => writeln!(out, "(1 row)")?,
                n => writeln!(out, "({n} rows)")?,
            }
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
