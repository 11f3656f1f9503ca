//! `dangjian report --format html [--to PATH]`: the dashboard page of the core crate
//! (`dangjian::report::page`), written to a file or to standard output.

use std::path::{Path, PathBuf};

use dangjian::metrics::{Engine, Query};
use dangjian::report::{page, PageOptions};
use dangjian::Ledger;

use crate::render::Format;

/// The formats of `dangjian report`: the table formats, and the HTML page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Readable in a terminal (default).
    Text,
    /// For other tools (the METRICS.md shape).
    Json,
    /// For spreadsheets.
    Csv,
    /// Markdown.
    Md,
    /// One self-contained HTML page (the dashboard with charts and drill-down tables).
    Html,
}

impl ReportFormat {
    /// The table format, or `None` for the HTML page.
    pub fn table(self) -> Option<Format> {
        match self {
            ReportFormat::Text => Some(Format::Text),
            ReportFormat::Json => Some(Format::Json),
            ReportFormat::Csv => Some(Format::Csv),
            ReportFormat::Md => Some(Format::Md),
            ReportFormat::Html => None,
        }
    }
}

/// Writes the page of `q` to `to` (atomically: a sibling temporary file renamed into
/// place), or to standard output; says where it went on standard error.
pub fn write(
    l: &Ledger,
    q: &Query,
    data: Option<&Path>,
    to: Option<&PathBuf>,
) -> Result<(), String> {
    let engine = Engine::new(l);
    let opts = PageOptions {
        data: data.map(|p| p.display().to_string()),
        ..PageOptions::default()
    };
    let html = page(l, &engine, q, &opts).map_err(|e| e.to_string())?;
    let Some(to) = to else {
        print!("{html}");
        return Ok(());
    };
    let tmp = to.with_extension("html.tmp");
    std::fs::write(&tmp, &html)
        .and_then(|()| std::fs::rename(&tmp, to))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", to.display())
        })?;
    eprintln!(
        "wrote {} ({} KB); open it in a browser, it needs no network",
        to.display(),
        html.len().div_ceil(1024)
    );
    Ok(())
}
