//! Importing rows from other systems' spreadsheets with declarative mappings
//! (`dangjian import`, `docs/STATS.md` "Imports from other systems", `docs/IMPORTS.md`).
//!
//! A [`Mapping`] (TOML) says, for one ledger table, which source column fills each target
//! column, with constants, value translations and cleaning ([`Clean`]). [`import`] reads a
//! source ([`Source`]: an `.xlsx` sheet or a `.csv` file), adds its rows to a ledger,
//! validates the whole result and saves it only when it is valid; every problem of an
//! imported row is located at its source cell (`三会一课.xlsx!L3`, `roster.csv:7:2`).
//!
//! How rows meet the ledger:
//! - a row with an `id` (people) replaces the ledger's row with the same id; the columns
//!   the mapping does not fill keep the ledger's values (a roster without workplaces does
//!   not erase them), and so do those whose source cell is empty (a roster row without an
//!   identity number keeps the birth date); the report lists what changes and what was
//!   kept; a row equal to the one it would replace is skipped as unchanged;
//! - a row without an id (activities) equal to a row already in the ledger, or to an
//!   earlier row of the same import, is skipped as a duplicate; so importing the same file
//!   twice changes nothing the second time (and nothing is written);
//! - empty rows are skipped silently; the rows of a merged range spanning several rows
//!   below the header (an instructions box) are skipped with a warning naming the range;
//!   a row whose mapped cells contain one of the mapping's `example_markers` is the
//!   template's example row and is skipped; so is a row at the place of one of its
//!   `sample_rows` that has the sample's values there (a sample the user typed over is
//!   data);
//! - unmapped source columns are dropped.
//!
//! ```
//! use dangjian::import::{apply, Mapping, Source};
//!
//! let mapping = Mapping::shipped("owip-theme-days").unwrap();
//! let csv = "所在党支部编码,实际时间,应到人数,实到人数\n\
//!            jiguan1_branch,2019/6/28  15:00,15,14\n";
//! let source = Source::from_csv("主题党日.csv", csv.as_bytes()).unwrap();
//! let (ledger, report) = apply(dangjian::example(), &mapping, &source).unwrap();
//! assert_eq!(report.added[0].source.to_string(), "主题党日.csv:2:1");
//! assert_eq!(ledger.activities.len(), dangjian::example().activities.len() + 1);
//! // The same rows again change nothing.
//! let (_, again) = apply(ledger, &mapping, &source).unwrap();
//! assert!(!again.changes());
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::raw::{self, clean, parse_date, DateStyle, Origin, RawRow, RawTable};
use crate::ledger::tables;
use crate::ledger::{
    self, LedgerError, Location, Problem, ProblemKind, Problems, Severity, ValidateOptions,
};
use crate::model::{Ledger, Table};

mod mapping;
mod numfmt;
mod source;

pub use mapping::{Clean, ColumnRule, Mapping, MappingError, SampleRow, SHIPPED};
pub use source::{Cell, MergedBox, Source, SourceKind, SourceRow};

/// What can go wrong importing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The mapping cannot be used.
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// The source or the ledger cannot be read, or the result is not valid (every problem
    /// located; nothing was written).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl ImportError {
    /// The located problems, when the source or the result was invalid.
    pub fn problems(&self) -> Option<&Problems> {
        match self {
            ImportError::Ledger(e) => e.problems(),
            ImportError::Mapping(_) => None,
        }
    }
}

/// Why a source row was not added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// Equal to a row already in the ledger (or earlier in the source).
    Duplicate,
    /// Its id is in the ledger with the same values.
    Unchanged,
    /// Inside a merged range spanning several rows (an instructions box).
    MergedBox {
        /// The range (`C7:H14`).
        range: String,
    },
    /// The template's example row.
    ExampleRow,
    /// The template's sample row, unchanged (the mapping's `sample_rows`).
    SampleRow,
}

/// One source row and the ledger values it gives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportedRow {
    /// The source row (its first cell).
    pub source: Location,
    /// The ledger's columns and values (non-empty ones), in the table's order.
    pub values: Vec<(String, String)>,
    /// For a row that replaces one: the values it changes, in the table's order.
    pub changes: Vec<Change>,
    /// For a row that replaces one: the ledger's values kept because the source's cell
    /// for them is empty (the source does not say), column and value.
    pub kept: Vec<(String, String)>,
}

/// One value of a ledger row that an import changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The column.
    pub column: String,
    /// The value before (`None`: empty).
    pub old: Option<String>,
    /// The value after (`None`: empty).
    pub new: Option<String>,
}

impl std::fmt::Display for Change {
    /// `org jiguan1_branch -> jiguan2_branch`; an empty value is `(empty)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(empty)".into());
        write!(
            f,
            "{} {} -> {}",
            self.column,
            shown(&self.old),
            shown(&self.new)
        )
    }
}

/// A source row (or a range of rows) that was not added, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SkippedRow {
    /// The row, or the merged range.
    pub source: Location,
    /// Why.
    pub reason: SkipReason,
    /// How many source rows (a merged box: all the rows it spans).
    pub rows: usize,
}

/// What an import did (or, for a dry run, would do).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportReport {
    /// The mapping's name.
    pub mapping: String,
    /// The target table.
    pub table: Table,
    /// The source file's name.
    pub source: String,
    /// Rows added to the ledger.
    pub added: Vec<ImportedRow>,
    /// Rows that replaced the ledger's row with the same id.
    pub replaced: Vec<ImportedRow>,
    /// Rows not added.
    pub skipped: Vec<SkippedRow>,
    /// Warnings: the import's own (instructions boxes, kept columns missing) and the
    /// ledger's warnings about the imported rows.
    pub warnings: Vec<Problem>,
    /// Whether the ledger was written (false for a dry run or when nothing changed).
    pub written: bool,
}

impl ImportReport {
    /// Whether the import changes the ledger.
    pub fn changes(&self) -> bool {
        !self.added.is_empty() || !self.replaced.is_empty()
    }
}

/// Options of [`import`].
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The sheet of an `.xlsx` source (default the first).
    pub sheet: Option<String>,
    /// Validate and report, writing nothing.
    pub dry_run: bool,
}

/// Imports `from` into the ledger at `into` (a CSV folder, `.json` or `.xlsx`) with
/// `mapping`, saving the ledger back in its form unless `opts.dry_run`, nothing changes,
/// or the result is invalid (then nothing is written and every problem is returned).
pub fn import(
    mapping: &Mapping,
    from: &Path,
    into: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let source = Source::read(from, opts.sheet.as_deref())
        .map_err(|p| LedgerError::Invalid(Problems(vec![p])))?;
    let ledger = ledger::load_with(into, &ValidateOptions::full())?.ledger;
    let (ledger, mut report) = apply(ledger, mapping, &source).map_err(LedgerError::Invalid)?;
    if report.changes() && !opts.dry_run {
        ledger::save(&ledger, into)?;
        report.written = true;
    }
    Ok(report)
}

/// How one target column is filled, resolved against a source.
enum Fill {
    From(usize),
    Value(String),
}

/// Adds the rows of `source` to `ledger` with `mapping`, validates the whole result and
/// returns it with the report, or every problem (errors first), located in the source's
/// terms for imported rows.
pub fn apply(
    mut ledger: Ledger,
    mapping: &Mapping,
    source: &Source,
) -> Result<(Ledger, ImportReport), Problems> {
    let table = mapping.target();
    let mut report = ImportReport {
        mapping: mapping.name.clone(),
        table,
        source: source.file.clone(),
        added: Vec::new(),
        replaced: Vec::new(),
        skipped: Vec::new(),
        warnings: Vec::new(),
        written: false,
    };
    let mut errors = Vec::new();
    // A title above the header: the header is the row that names the mapping's columns.
    let targets = mapping.target_columns();
    let wanted: Vec<&str> = targets
        .iter()
        .filter_map(|(_, rule)| rule.from.as_deref())
        .collect();
    let (source, moved) = source.with_header_among(&wanted);
    let source: &Source = &source;
    if let Some(pos) = moved {
        report.warnings.push(warning(
            ProblemKind::Format,
            source.cell_location(pos, 0),
            "the header is on this row: the rows above it (a title) are not data and are skipped"
                .to_string(),
        ));
    }
    let header_at = source.cell_location(source.header_pos, 0);

    // The target columns against the source's header.
    let mut columns: Vec<(String, mapping::ColumnRule, Fill)> = Vec::new();
    for (name, rule) in mapping.target_columns() {
        let fill = match (&rule.from, &rule.value) {
            (_, Some(v)) => Fill::Value(v.clone()),
            (Some(from), None) => match source.column(from) {
                Some(c) => Fill::From(c),
                None if name.starts_with("x_") && mapping.keep.iter().any(|k| k == from) => {
                    report.warnings.push(warning(
                        ProblemKind::MissingColumn,
                        header_at.clone(),
                        format!("the source has no column `{from}` to keep; `{name}` is left out"),
                    ));
                    continue;
                }
                None => {
                    errors.push(Problem::new(
                        ProblemKind::MissingColumn,
                        header_at.clone(),
                        format!(
                            "the source has no column `{from}`, which mapping {} reads into `{name}`; its columns are {}",
                            mapping.name,
                            source.header.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                    continue;
                }
            },
            (None, None) => continue,
        };
        columns.push((name, rule, fill));
    }
    if !errors.is_empty() {
        return Err(Problems(errors));
    }
    let source_col = |name: &str| {
        columns.iter().find_map(|(n, _, f)| match f {
            Fill::From(c) if n == name => Some(*c),
            _ => None,
        })
    };

    // The rows: skipped, or cleaned into ledger text cells.
    for b in &source.boxes {
        let rows = (b.rows.1 - b.rows.0 + 1) as usize;
        let at = Location::Excel {
            sheet: source.file.clone(),
            cell: b.range.clone(),
        };
        report.warnings.push(warning(
            ProblemKind::Format,
            at.clone(),
            format!(
                "the merged range {} spans rows {} to {}{}; it is not data, and its rows are skipped",
                b.range,
                b.rows.0,
                b.rows.1,
                b.text
                    .as_deref()
                    .map(|t| format!(" (`{}`)", crate::ledger::problem::quoted(t)))
                    .unwrap_or_default()
            ),
        ));
        report.skipped.push(SkippedRow {
            source: at,
            reason: SkipReason::MergedBox {
                range: b.range.clone(),
            },
            rows,
        });
    }
    // Rows of values, cleaned; cleaning problems are collected and reported with the
    // decoding problems of all rows, at their cells.
    let mut kept: Vec<(&SourceRow, Vec<Option<String>>)> = Vec::new();
    for row in &source.rows {
        if source
            .boxes
            .iter()
            .any(|b| (b.rows.0..=b.rows.1).contains(&row.pos))
        {
            continue;
        }
        if let Some(p) = ragged(source, row) {
            // Its cells are under the wrong headers: none of them is read.
            errors.push(p);
            continue;
        }
        let mapped = columns.iter().filter(|(_, _, f)| match f {
            Fill::From(c) => !row.cell(*c).is_empty(),
            Fill::Value(_) => false,
        });
        if mapped.count() == 0 {
            continue;
        }
        // The template's own rows: marked as examples, or its sample rows unchanged.
        let example = row.cells.iter().filter_map(Cell::text).any(|t| {
            mapping
                .example_markers
                .iter()
                .any(|m| t.contains(m.as_str()))
        });
        let below = row.pos.saturating_sub(source.header_pos);
        let sample = || {
            mapping.sample_rows.iter().any(|s| {
                s.row == below && s.matches(|h| source.column(h).and_then(|c| row.cell(c).text()))
            })
        };
        let template = if example {
            Some(SkipReason::ExampleRow)
        } else {
            sample().then_some(SkipReason::SampleRow)
        };
        if let Some(reason) = template {
            report.skipped.push(SkippedRow {
                source: source.cell_location(row.pos, 0),
                reason,
                rows: 1,
            });
            continue;
        }
        let mut cells = Vec::with_capacity(columns.len());
        for (name, rule, fill) in &columns {
            let value = match fill {
                Fill::Value(v) => Some(v.clone()),
                Fill::From(c) if *row.cell(*c) == Cell::UnsavedFormula => {
                    // Whatever column it is for, the cure is the same: Excel.
                    errors.push(Problem::new(
                        ProblemKind::Format,
                        source.cell_location(row.pos, *c),
                        crate::ledger::excel::UNSAVED_FORMULA,
                    ));
                    None
                }
                Fill::From(c) => match clean_cell(row.cell(*c), rule) {
                    Ok(v) => v,
                    Err((kind, message)) => {
                        errors.push(Problem::new(
                            kind,
                            source.cell_location(row.pos, *c),
                            format!("{message} (for `{name}`)"),
                        ));
                        None
                    }
                },
            };
            cells.push(value);
        }
        kept.push((row, cells));
    }

    // Where a problem of imported row `i` at ledger column `col` is in the source.
    let locate = |pos: u64, column: Option<&str>| {
        let c = column.and_then(source_col).unwrap_or(0);
        source.cell_location(pos, c)
    };

    // Decode the imported rows alone: bad dates, numbers and terms at their cells.
    let header: Vec<String> = columns.iter().map(|(n, _, _)| n.clone()).collect();
    let imported = RawTable {
        table,
        origin: Origin::Records,
        header: header.clone(),
        rows: kept
            .iter()
            .enumerate()
            .map(|(i, (_, cells))| RawRow::new(i as u64, cells.iter().map(|c| c.as_deref())))
            .collect(),
        header_pos: 0,
    };
    let decoded = tables::decode(vec![imported], Vec::new());
    let problems: Vec<Problem> = decoded
        .read_problems
        .into_iter()
        .chain(decoded.problems)
        .filter(Problem::is_error)
        .map(|p| match &p.location {
            Location::Record { row, column, .. } => Problem {
                location: locate(kept[*row].0.pos, column.as_deref()),
                ..p
            },
            _ => p,
        })
        // A cell whose cleaning failed is already reported (its value left empty).
        .filter(|p| !errors.iter().any(|e| e.location == p.location))
        .collect();
    // Cell problems do not stop the import yet: the rows that decoded go on to be merged
    // and validated, so that a missing reference elsewhere is reported in the same round.
    errors.extend(problems);
    let decoded_rows: Vec<usize> = decoded
        .sources
        .locate_positions(table)
        .into_iter()
        .map(|p| p as usize)
        .collect();

    // Merge in the ledger's text form, so that equal means equal as saved.
    let new = text_rows(&tables::encode_table(&decoded.ledger, table));
    let old = text_rows(&tables::encode_table(&ledger, table));
    let mut union: Vec<String> = table.columns().iter().map(|c| c.name.to_string()).collect();
    let mut extras: Vec<String> = new
        .0
        .iter()
        .chain(&old.0)
        .filter(|c| !union.contains(c))
        .cloned()
        .collect();
    extras.sort();
    extras.dedup();
    union.extend(extras);
    let widen = |(h, rows): &(Vec<String>, Vec<Vec<Option<String>>>)| -> Vec<Vec<Option<String>>> {
        let at: Vec<Option<usize>> = union
            .iter()
            .map(|u| h.iter().position(|x| x == u))
            .collect();
        rows.iter()
            .map(|r| at.iter().map(|a| a.and_then(|a| r[a].clone())).collect())
            .collect()
    };
    let mut merged = widen(&old);
    let new_rows = widen(&new);
    let mapped: Vec<bool> = union.iter().map(|u| header.contains(u)).collect();
    let id_col = union.iter().position(|c| c == "id");
    let mut by_id: HashMap<String, usize> = HashMap::new();
    if let Some(ic) = id_col {
        for (i, r) in merged.iter().enumerate() {
            if let Some(id) = &r[ic] {
                by_id.entry(id.clone()).or_insert(i);
            }
        }
    }
    let mut seen: HashSet<Vec<Option<String>>> = merged.iter().cloned().collect();
    let mut replaced_ids: HashSet<String> = HashSet::new();
    // Ledger row index -> source row, for rows that come from the import.
    let mut from_source: HashMap<usize, u64> = HashMap::new();
    let shown = |r: &Vec<Option<String>>| -> Vec<(String, String)> {
        union
            .iter()
            .zip(r)
            .filter_map(|(c, v)| v.as_ref().map(|v| (c.clone(), v.clone())))
            .collect()
    };
    for (&k, row) in decoded_rows.iter().zip(new_rows) {
        let srow = kept[k].0;
        let at = source.cell_location(srow.pos, 0);
        let id = id_col.and_then(|ic| row[ic].clone());
        match id {
            Some(id) if by_id.contains_key(&id) && !replaced_ids.contains(&id) => {
                let i = by_id[&id];
                let mut next = merged[i].clone();
                let mut kept = Vec::new();
                for (c, v) in row.into_iter().enumerate() {
                    match (mapped[c], v, &next[c]) {
                        // An empty source cell says nothing: the ledger's value stays
                        // (a roster without identity numbers keeps the birth dates).
                        (true, None, Some(old)) => kept.push((union[c].clone(), old.clone())),
                        (true, v, _) => next[c] = v,
                        _ => {}
                    }
                }
                let changes = union
                    .iter()
                    .zip(&merged[i])
                    .zip(&next)
                    .filter(|((_, old), new)| old != new)
                    .map(|((column, old), new)| Change {
                        column: column.clone(),
                        old: old.clone(),
                        new: new.clone(),
                    })
                    .collect();
                replaced_ids.insert(id);
                from_source.insert(i, srow.pos);
                if next == merged[i] {
                    report.skipped.push(SkippedRow {
                        source: at,
                        reason: SkipReason::Unchanged,
                        rows: 1,
                    });
                } else {
                    report.replaced.push(ImportedRow {
                        source: at,
                        values: shown(&next),
                        changes,
                        kept,
                    });
                    merged[i] = next;
                }
            }
            Some(id) => {
                replaced_ids.insert(id);
                from_source.insert(merged.len(), srow.pos);
                report.added.push(ImportedRow {
                    source: at,
                    values: shown(&row),
                    changes: Vec::new(),
                    kept: Vec::new(),
                });
                merged.push(row);
            }
            None if seen.contains(&row) => report.skipped.push(SkippedRow {
                source: at,
                reason: SkipReason::Duplicate,
                rows: 1,
            }),
            None => {
                seen.insert(row.clone());
                from_source.insert(merged.len(), srow.pos);
                report.added.push(ImportedRow {
                    source: at,
                    values: shown(&row),
                    changes: Vec::new(),
                    kept: Vec::new(),
                });
                merged.push(row);
            }
        }
    }
    report
        .skipped
        .sort_by_key(|s| skipped_order(source, &s.source));

    // The merged table back into the ledger, then the whole ledger validated.
    // A message naming another imported row (`people[7].id`) names its source cell.
    let relocate_message = |msg: &str| -> String {
        let prefix = format!("{table}[");
        let mut out = String::with_capacity(msg.len());
        let mut rest = msg;
        while let Some(i) = rest.find(&prefix) {
            out.push_str(&rest[..i]);
            let after = &rest[i + prefix.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let tail = after[digits..].strip_prefix("].");
            let col_len = tail.map_or(0, |t| {
                t.bytes()
                    .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
                    .count()
            });
            let pos = after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|r| from_source.get(&r));
            match (pos, tail) {
                (Some(pos), Some(tail)) if col_len > 0 => {
                    out.push_str(&locate(*pos, Some(&tail[..col_len])).to_string());
                    rest = &tail[col_len..];
                }
                _ => {
                    out.push_str(&prefix);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    };
    let locate_merged = |p: Problem| {
        let message = relocate_message(&p.message);
        match &p.location {
            Location::Record {
                table: t,
                row,
                column,
            } if *t == table => match from_source.get(row) {
                Some(pos) => (
                    true,
                    Problem {
                        location: locate(*pos, column.as_deref()),
                        message,
                        ..p
                    },
                ),
                None => (false, Problem { message, ..p }),
            },
            _ => (false, Problem { message, ..p }),
        }
    };
    if report.changes() || !errors.is_empty() {
        let raw_table = RawTable {
            table,
            origin: Origin::Records,
            header: union.clone(),
            rows: merged
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow::new(i as u64, r.iter().map(|c| c.as_deref())))
                .collect(),
            header_pos: 0,
        };
        let mut decoded = tables::decode(vec![raw_table], Vec::new());
        let mut problems: Vec<Problem> = decoded
            .problems
            .into_iter()
            .filter(Problem::is_error)
            .map(|p| locate_merged(p).1)
            .collect();
        if problems.is_empty() {
            ledger.swap_table(&mut decoded.ledger, table);
            for p in ledger::validate(&ledger, &ValidateOptions::full()) {
                let (ours, p) = locate_merged(p);
                if p.is_error() {
                    problems.push(p);
                } else if ours {
                    report.warnings.push(p);
                }
            }
        }
        if !problems.is_empty() || !errors.is_empty() {
            // Every error at once, in the source's order (cells first within a row); then
            // the ledger's own, and the warnings.
            errors.extend(problems.into_iter().filter(Problem::is_error));
            errors.sort_by_key(|p| skipped_order(source, &p.location));
            return Err(Problems(errors));
        }
    }
    report
        .warnings
        .sort_by_key(|p| p.severity == Severity::Error);
    Ok((ledger, report))
}

/// The problem of a CSV row whose cells do not line up with the header: more non-empty
/// cells than the header has columns (an unquoted `1,000`), or fewer cells than it names
/// (a lost comma). Either way each cell would land under another header. A workbook's
/// cells are placed by their column and cannot be out of line.
fn ragged(source: &Source, row: &SourceRow) -> Option<Problem> {
    if source.kind != SourceKind::Csv {
        return None;
    }
    let width = source.header.len();
    let named = source
        .header
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |c| c + 1);
    let cells = row.cells.len();
    let (column, message) = if cells > width && row.cells[width..].iter().any(|c| !c.is_empty()) {
        (
            width,
            crate::ledger::csv_folder::too_many_cells(cells, width),
        )
    } else if cells < named {
        (
            cells,
            format!(
                "this row has {cells} cells but the header has {width} columns; \
                 add the missing cells (an empty cell too is written, as `,,`)"
            ),
        )
    } else {
        return None;
    };
    Some(Problem::new(
        ProblemKind::Format,
        source.cell_location(row.pos, column),
        message,
    ))
}

/// A problem of the import that does not stop it.
fn warning(kind: ProblemKind, location: Location, message: String) -> Problem {
    Problem {
        severity: Severity::Warning,
        ..Problem::new(kind, location, message)
    }
}

fn skipped_order(source: &Source, at: &Location) -> u64 {
    match at {
        Location::Csv { line, .. } => *line,
        Location::Excel { cell, .. } => cell
            .split(':')
            .next()
            .unwrap_or_default()
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .parse()
            .unwrap_or(source.header_pos),
        _ => 0,
    }
}

/// An encoded table as header and rows of text cells.
fn text_rows(t: &raw::OutTable) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    (
        t.header.clone(),
        t.rows
            .iter()
            .map(|r| r.iter().map(|v| v.as_ref().map(|v| v.to_text())).collect())
            .collect(),
    )
}

/// Cleans one source cell by its column's rule: `Ok(None)` for an empty cell, or an error
/// kind and message (a formula with no saved value is always one).
pub fn clean_cell(cell: &Cell, rule: &ColumnRule) -> Result<Option<String>, (ProblemKind, String)> {
    if *cell == Cell::UnsavedFormula {
        return Err((
            ProblemKind::Format,
            crate::ledger::excel::UNSAVED_FORMULA.to_string(),
        ));
    }
    let value = match rule.clean {
        Clean::Text => cell.text(),
        Clean::Date => match cell {
            Cell::Number { value, .. } => Some(number_date(*value)),
            _ => cell.text().map(|t| date_part(&t)),
        },
        Clean::Code => match cell {
            Cell::Number {
                value,
                zeros: Some(width),
            } if value.fract() == 0.0 && *value >= 0.0 => {
                Some(format!("{:0width$}", *value as u64, width = *width))
            }
            _ => cell.text(),
        },
        Clean::BirthDateFromIdentityNumber => match cell {
            Cell::Empty => None,
            Cell::Number { .. } => {
                return Err((
                    ProblemKind::Format,
                    "an identity number typed as a number loses its last digits; \
                     format the column as text and type the 18 characters again"
                        .into(),
                ))
            }
            _ => match cell.text() {
                None => None,
                Some(t) => Some(birth_date(&t)?.format("%Y-%m-%d").to_string()),
            },
        },
    };
    let Some(value) = value else {
        return Ok(None);
    };
    if rule.values.is_empty() {
        return Ok(Some(value));
    }
    match rule.values.get(&value) {
        Some(v) => Ok(Some(v.clone())),
        None if rule.keep_other_values => Ok(Some(value)),
        None => Err((
            ProblemKind::UnknownTerm,
            format!(
                "`{}` is not one of {}",
                crate::ledger::problem::quoted(&value),
                rule.values
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// A date-time text reduced to its date: `2019/2/3  14:30` -> `2019-02-03`; a text that is
/// no date is returned whole (the ledger then reports it as not a date).
fn date_part(text: &str) -> String {
    let first = text
        .split(|c: char| c.is_whitespace() || c == '\u{3000}' || c == 'T')
        .find(|s| !s.is_empty())
        .unwrap_or(text);
    match parse_date(clean(first), DateStyle::Lenient) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => text.to_string(),
    }
}

/// A number in a date column: an 8-digit `YYYYMMDD` (`20190203`), or else an Excel serial
/// day number whose date format was lost (`43499.6` is 2019-02-03 14:24; the 1900 date
/// system); anything else stays the number, which the ledger reports as not a date.
fn number_date(value: f64) -> String {
    if value.fract() == 0.0 && (19_000_101.0..=99_991_231.0).contains(&value) {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("{}", value as u64), "%Y%m%d") {
            return d.format("%Y-%m-%d").to_string();
        }
    }
    if (1.0..2_958_466.0).contains(&value) {
        return date_part(&crate::ledger::excel::serial_text(value, false));
    }
    raw::format_number(value)
}

/// The birth date in a resident identity number (身份证号码): 18 characters, the first 17
/// digits, the last a digit or `X` (`x` too); characters 7-14 are `YYYYMMDD`. The check
/// digit is not verified. Messages never repeat the number.
pub fn birth_date(number: &str) -> Result<NaiveDate, (ProblemKind, String)> {
    let b = clean(number).as_bytes();
    if !crate::privacy::looks_like_identity_number(clean(number)) {
        let chars = clean(number).chars().count();
        // Say what is wrong: the length, or (with 18) which character is not allowed.
        let why = if chars != 18 {
            format!("it has {chars} characters")
        } else {
            let (k, c) = clean(number)
                .chars()
                .enumerate()
                .find(|&(k, c)| !(c.is_ascii_digit() || (k == 17 && matches!(c, 'X' | 'x'))))
                .unwrap_or((0, ' '));
            let what = if c.is_ascii_alphanumeric() {
                "a letter".to_string()
            } else if ('０'..='９').contains(&c) {
                "a full-width digit (type it as 0-9)".to_string()
            } else {
                "not a digit".to_string()
            };
            format!("its character {} is {what}", k + 1)
        };
        return Err((
            ProblemKind::Format,
            format!(
                "not a resident identity number (身份证号码): {why}; one has 18 characters, \
                 the first 17 digits and the last a digit or X"
            ),
        ));
    }
    let digits = std::str::from_utf8(&b[6..14]).unwrap_or_default();
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d")
        .ok()
        .filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default());
    date.ok_or_else(|| {
        (
            ProblemKind::BadDate,
            "the identity number's characters 7-14 are no birth date (YYYYMMDD)".into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_reduce_to_their_day() {
        assert_eq!(date_part("2019/2/3  14:30"), "2019-02-03");
        assert_eq!(date_part("2019-02-03 00:00:00"), "2019-02-03");
        assert_eq!(date_part("2019年2月3日"), "2019-02-03");
        assert_eq!(date_part("明天"), "明天");
        // Numbers: YYYYMMDD, or a serial day whose date format was lost.
        assert_eq!(number_date(20190203.0), "2019-02-03");
        assert_eq!(number_date(43499.6), "2019-02-03");
        assert_eq!(number_date(0.5), "0.5");
    }

    #[test]
    fn identity_numbers() {
        assert_eq!(
            birth_date("11010519491231002X").unwrap(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(
            birth_date("110105194912310021").unwrap().to_string(),
            "1949-12-31"
        );
        assert!(birth_date("11010519491331002X").is_err());
        assert!(birth_date("1101051949123100").is_err());
        assert!(birth_date("11010519491231002Y").is_err());
        // Each message says what is wrong, without repeating the number.
        let msg = |n: &str| birth_date(n).unwrap_err().1;
        assert!(msg("1101051949123100").starts_with(
            "not a resident identity number (身份证号码): it has 16 characters; one has 18"
        ));
        assert!(msg("11010519491231002Y").starts_with(
            "not a resident identity number (身份证号码): its character 18 is a letter; one has 18"
        ));
        assert!(msg("１10105194912310021").starts_with(
            "not a resident identity number (身份证号码): its character 1 is a full-width digit"
        ));
    }
}
