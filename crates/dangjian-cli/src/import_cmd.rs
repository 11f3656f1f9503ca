//! `dangjian import`: runs an import and prints its report.

use crate::Failure;
use dangjian::ledger;

/// `dangjian import`: runs the import and prints its report (a dry run writes nothing).
pub(crate) fn import_rows(
    map: &str,
    from: &std::path::Path,
    sheet: Option<String>,
    into: &std::path::Path,
    dry_run: bool,
    all: bool,
) -> Result<(), Failure> {
    use dangjian::import::{import, ImportError, ImportOptions, Mapping};
    let mapping = Mapping::resolve(map)?;
    let opts = ImportOptions { sheet, dry_run };
    let report = match import(&mapping, from, into, &opts) {
        Ok(r) => r,
        Err(e @ ImportError::Ledger(ledger::LedgerError::Invalid(_))) => {
            let problems = e.problems().map(|p| p.0.as_slice()).unwrap_or_default();
            let errors = problems.iter().filter(|p| p.is_error()).count();
            return Err(Failure {
                code: 1,
                message: problems
                    .iter()
                    .map(|p| p.to_string())
                    .chain([format!(
                        "{errors} error(s); nothing was written to {}",
                        into.display()
                    )])
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    print!("{}", import_summary(&report, into, dry_run, all));
    Ok(())
}

/// The report of an import as a short table: counts, then the first rows of each kind
/// (every row with `all`); a replaced row shows what it changes and what it keeps.
fn import_summary(
    r: &dangjian::import::ImportReport,
    into: &std::path::Path,
    dry: bool,
    all: bool,
) -> String {
    use dangjian::import::SkipReason;
    use std::fmt::Write;
    let first = if all { usize::MAX } else { 5 };
    let more = |out: &mut String, n: usize| {
        if n > first {
            let _ = writeln!(out, "  ... and {} more (--all lists them)", n - first);
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {} of {} (mapping {}){}",
        r.source,
        r.table,
        into.display(),
        r.mapping,
        if dry {
            ", dry run: what would be done"
        } else {
            ""
        }
    );
    let skipped_rows: usize = r.skipped.iter().map(|s| s.rows).sum();
    let _ = writeln!(out, "  {:<10} {:>5}", "added", r.added.len());
    let _ = writeln!(out, "  {:<10} {:>5}", "replaced", r.replaced.len());
    let _ = writeln!(out, "  {:<10} {:>5} rows", "skipped", skipped_rows);
    let values = |v: &[(String, String)]| {
        v.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    // A replaced row by what it changes: `朱敏: org jiguan1_branch -> jiguan2_branch`.
    let changes = |row: &dangjian::import::ImportedRow| {
        let value = |c: &str| row.values.iter().find(|(k, _)| k == c).map(|(_, v)| v);
        let who = value("name")
            .or_else(|| value("id"))
            .cloned()
            .unwrap_or_default();
        let what: Vec<String> = row
            .changes
            .iter()
            .map(|c| c.to_string())
            .chain(
                row.kept
                    .iter()
                    .map(|(c, v)| format!("{c} {v} kept (empty in the source)")),
            )
            .collect();
        format!("{who}: {}", what.join("; "))
    };
    if !r.added.is_empty() {
        let _ = writeln!(out, "added:");
        for row in r.added.iter().take(first) {
            let _ = writeln!(
                out,
                "  {:<20} {}",
                row.source.to_string(),
                values(&row.values)
            );
        }
        more(&mut out, r.added.len());
    }
    if !r.replaced.is_empty() {
        let _ = writeln!(out, "replaced:");
        for row in r.replaced.iter().take(first) {
            let _ = writeln!(out, "  {:<20} {}", row.source.to_string(), changes(row));
        }
        more(&mut out, r.replaced.len());
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(out, "skipped:");
        for s in r.skipped.iter().take(first) {
            let why = match &s.reason {
                SkipReason::Duplicate => "already in the ledger".to_string(),
                SkipReason::Unchanged => "in the ledger with the same values".to_string(),
                SkipReason::MergedBox { range } => {
                    format!("merged range {range} ({} rows), not data", s.rows)
                }
                SkipReason::ExampleRow => "the template's example row".to_string(),
                SkipReason::SampleRow => "the template's sample row, unchanged".to_string(),
                _ => format!("{:?}", s.reason),
            };
            let _ = writeln!(out, "  {:<20} {why}", s.source.to_string());
        }
        more(&mut out, r.skipped.len());
    }
    for w in &r.warnings {
        let _ = writeln!(out, "{w}");
    }
    let _ = writeln!(
        out,
        "{}",
        if r.written {
            format!("wrote {}", into.display())
        } else if dry {
            "dry run: nothing written".to_string()
        } else {
            "nothing to change: nothing written".to_string()
        }
    );
    out
}
