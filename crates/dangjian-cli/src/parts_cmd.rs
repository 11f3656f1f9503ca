//! `dangjian partial` and `dangjian merge` (docs/PARTIALS.md): a part's partial result as an
//! Arrow IPC file, and partial results merged into report rows.

use std::path::{Path, PathBuf};

use dangjian::ledger::parts::{self, Manifest, Shared};
use dangjian::ledger::ValidateOptions;
use dangjian::metrics::{Engine, Partial, Query};
use dangjian::partials;

use crate::render::Format;
use crate::Failure;

fn fail(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

/// Computes the partial result of `q` on ledger `l` (one part: `shared` and `whole_root`
/// from its manifest) and writes it to `to` as an Arrow IPC file.
pub fn partial(
    l: &dangjian::Ledger,
    q: &Query,
    shared: &Shared,
    whole_root: Option<&str>,
    to: &Path,
) -> Result<(), Failure> {
    let engine = Engine::new(l);
    let p = engine.partial(q, shared, whole_root)?;
    let bytes = partials::to_ipc(&p)?;
    // A folder of partial results is made as they are written.
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    }
    crate::emit(&bytes, Some(to))?;
    Ok(())
}

/// The manifest a part belongs to: `manifest` when given, else the `parts.toml` beside the
/// part (in its folder's parent) when it lists the part or has it as its top.
pub fn manifest_of(data: &Path, manifest: Option<&Path>) -> Option<PathBuf> {
    if let Some(m) = manifest {
        return Some(m.to_path_buf());
    }
    let abs = std::path::absolute(data).ok()?;
    let candidate = abs.parent()?.join("parts.toml");
    let m = Manifest::read(&candidate).ok()?;
    let dir = candidate.parent()?;
    let listed = m.find(&abs.to_string_lossy(), dir).is_some();
    let top = abs == std::path::absolute(&m.top).unwrap_or_else(|_| m.top.clone());
    (listed || top).then_some(candidate)
}

/// A part of a partitioned ledger, ready for its partial result: its ledger (with the top's
/// duties and indicators), the shared people, orgs and units, the whole's root.
pub fn load_part(
    data: &Path,
    manifest: &Path,
    quiet: bool,
) -> Result<(dangjian::Ledger, Shared, String), Failure> {
    let m = Manifest::read(manifest)?;
    let abs = std::path::absolute(data).map_err(|e| fail(format!("{}: {e}", data.display())))?;
    let opts = ValidateOptions::full();
    let l = parts::load_part_with(manifest, Some(&abs.to_string_lossy()), &opts)?;
    let shared = match m.shared {
        Some(s) => s,
        None => {
            if !quiet {
                eprintln!(
                    "{}: the manifest lists no [shared]: reading every part to find the people and orgs in more than one \
                     (`dangjian split` writes them)",
                    manifest.display()
                );
            }
            let mut all = vec![parts::load_part_with(manifest, None, &opts)?];
            for p in &m.parts {
                all.push(parts::load_part_with(manifest, Some(&p.root), &opts)?);
            }
            parts::find_shared(&all.iter().collect::<Vec<_>>())
        }
    };
    Ok((l, shared, m.root))
}

/// The partial result files of `parts`: the `.arrow` files of a folder (sorted by name), or
/// one file.
fn files(parts: &Path) -> Result<Vec<PathBuf>, Failure> {
    if parts.is_file() {
        return Ok(vec![parts.to_path_buf()]);
    }
    let entries =
        std::fs::read_dir(parts).map_err(|e| fail(format!("{}: {e}", parts.display())))?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "arrow"))
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(fail(format!(
            "{}: no partial result (`.arrow` file) in this folder; write them with `dangjian partial --to FILE.arrow`",
            parts.display()
        )));
    }
    Ok(out)
}

/// Reads and merges the partial results of `parts`.
pub fn read_merged(parts: &[PathBuf]) -> Result<Partial, Failure> {
    let mut merged: Option<Partial> = None;
    for f in parts {
        let bytes = std::fs::read(f).map_err(|e| fail(format!("{}: {e}", f.display())))?;
        let p = partials::from_ipc(&bytes).map_err(|e| fail(format!("{}: {e}", f.display())))?;
        match &mut merged {
            None => merged = Some(p),
            Some(m) => m
                .merge(p)
                .map_err(|e| fail(format!("{}: {e}", f.display())))?,
        }
    }
    merged.ok_or_else(|| fail("no partial result to merge"))
}

/// Checks that the query options given to `merge` are those the partial results answer.
fn check_query(p: &Partial, q: &Query) -> Result<(), Failure> {
    let h = &p.head;
    let differs = |what: &str, given: String, have: String| {
        fail(format!(
            "--{what} {given}: the partial results answer {what} {have}; compute them again with the same query, or leave --{what} out"
        ))
    };
    if let Some(a) = q.as_of.filter(|a| *a != h.as_of) {
        return Err(differs("as-of", a.to_string(), h.as_of.to_string()));
    }
    if let Some(f) = q.from.filter(|f| *f != h.from) {
        return Err(differs("from", f.to_string(), h.from.to_string()));
    }
    if let Some(s) = q.scope.as_ref().filter(|s| s.as_str() != h.scope) {
        return Err(differs("scope", s.to_string(), h.scope.clone()));
    }
    if q.by.is_some() && q.by != h.by {
        let have = h.by.map_or("none".to_string(), |b| b.to_string());
        return Err(differs(
            "by",
            q.by.map(|b| b.to_string()).unwrap_or_default(),
            have,
        ));
    }
    if q.metrics.is_some() && q.metrics != h.metrics {
        let have = h
            .metrics
            .as_ref()
            .map_or("all".to_string(), |m| m.join(","));
        return Err(differs(
            "metrics",
            q.metrics.clone().unwrap_or_default().join(","),
            have,
        ));
    }
    Ok(())
}

/// `dangjian merge`: the report rows of the merged partial results in `format`.
pub fn merge(parts: &Path, q: &Query, format: Format) -> Result<String, Failure> {
    let merged = read_merged(&files(parts)?)?;
    check_query(&merged, q)?;
    let ev = merged.finish()?;
    let l = merged.ledger();
    Ok(match format {
        Format::Json => dangjian::output::report_json(&ev)?,
        Format::Csv | Format::Md | Format::Text => {
            let defs = crate::dashboard::defs(&l);
            let rows = crate::dashboard::named_rows(&defs, &ev);
            let format = if format == Format::Text {
                Format::Md
            } else {
                format
            };
            crate::render::table(&rows, format, &crate::dashboard::names(&l))
                .map_err(|e| fail(e.to_string()))?
        }
    })
}
